//! The `vakwerk` binary: parse the command line, run it, map the outcome to
//! an exit code (0 clean, 1 content errors, 2 unusable invocation).

#![allow(clippy::print_stderr)] // main reports fatal errors on stderr.

use std::process::ExitCode;

use clap::Parser;

/// mimalloc instead of the system allocator: a build allocates millions of
/// small strings from two threads, and glibc's per-thread arenas keep
/// freed memory that the other thread could have reused.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = vakwerk::cli::Cli::parse();
    match vakwerk::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {err}");
            let mut source = std::error::Error::source(&err);
            while let Some(s) = source {
                eprintln!("  caused by: {s}");
                source = s.source();
            }
            ExitCode::from(2)
        }
    }
}
