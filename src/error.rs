//! Fatal errors: the environment or the invocation is unusable.
//!
//! Every variant names the path, template or setting it is about. Content
//! problems are never `Error`s; they are `Diagnostic`s.

use std::io;
use std::path::PathBuf;

/// A fatal failure (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file or directory could not be read.
    #[error("cannot read {path}")]
    Read {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// A file or directory could not be written.
    #[error("cannot write {path}")]
    Write {
        /// The path.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `site.yaml` is broken; every problem is listed.
    #[error("{path} is not a valid site configuration:\n{problems}")]
    Config {
        /// The path.
        path: PathBuf,
        /// One `line:col: message` per line.
        problems: String,
    },
    /// A template or theme file does not compile.
    #[error("theme template {name} is broken: {message}")]
    Template {
        /// Template file name.
        name: String,
        /// Tera's explanation, including the line.
        message: String,
    },
    /// The site root is missing or not a directory.
    #[error("site root {path} does not exist or is not a directory (use --root DIR)")]
    NoRoot {
        /// The path.
        path: PathBuf,
    },
    /// The output directory is refused for safety.
    #[error("refusing to write output to {path}: {reason}")]
    UnsafeOutput {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A `vakwerk new` request cannot be carried out.
    #[error("{0}")]
    New(String),
    /// `vakwerk serve` cannot listen on its address.
    #[error("cannot serve on {addr}")]
    Serve {
        /// The address, `host:port`.
        addr: String,
        /// The cause.
        #[source]
        source: io::Error,
    },
    /// `vakwerk serve` cannot watch the site for changes.
    #[error("cannot watch {path} for changes: {message}")]
    Watch {
        /// The folder.
        path: PathBuf,
        /// The watcher's explanation.
        message: String,
    },
    /// A setting given on the command line is invalid.
    #[error("invalid {setting}: {message}")]
    Invalid {
        /// The flag.
        setting: &'static str,
        /// Why.
        message: String,
    },
}

/// An error and its `source()` chain on one line (`a: b: c`), for messages
/// that must carry the cause (tera puts the useful part in the source).
pub fn chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        source = s.source();
    }
    msg
}
