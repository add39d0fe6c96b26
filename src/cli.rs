//! The command line: clap types, and one `run` per subcommand that maps
//! arguments onto the library. The only module that knows clap.
//!
//! Invocation problems (a missing root, a broken `site.yaml`, a refused
//! `--output`) are detected before any content is read and exit with 2.

#![allow(clippy::print_stdout, clippy::print_stderr)] // The CLI is the one place that talks to the terminal.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::build::{self, BuildOptions, OutputFile};
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic, Format};
use crate::error::Error;
use crate::highlight::Highlighter;
use crate::render::Renderer;
use crate::theme::Theme;
use crate::{fs, new};

/// Vakwerk: a static knowledge-base generator for the Dutch social domain.
#[derive(Debug, Parser)]
#[command(name = "vakwerk", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build the site into the output directory (default: public/).
    Build(BuildArgs),
    /// Run the whole pipeline without writing, and report every problem.
    Check(CheckArgs),
    /// Create a new page of a kind, with its required fields stubbed in.
    New(NewArgs),
    /// Build, serve from memory and rebuild on every change, with live reload.
    Serve(ServeArgs),
}

/// Options every command shares.
#[derive(Debug, Args)]
pub struct RootArgs {
    /// The site root (the folder with site.yaml and content/).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
}

/// `vakwerk build`.
#[derive(Debug, Args)]
pub struct BuildArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Where to write the site (default: public/ under the root).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Override base_url from site.yaml.
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

/// `vakwerk check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,
    /// Exit with 1 when there are warnings, too.
    #[arg(long)]
    deny_warnings: bool,
    /// Check draft pages as well.
    #[arg(long)]
    drafts: bool,
    /// Also render every page (in memory), to find template failures that
    /// depend on one page's data. Slower; `build` always does this.
    #[arg(long)]
    render: bool,
}

/// `vakwerk serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    root: RootArgs,
    /// Port to listen on (0 picks a free one; the printed URL says which).
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Address to listen on. 0.0.0.0 shares the site with your network.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
    bind: std::net::IpAddr,
    /// Also write every good build to DIR (default: nothing is written).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Open the site in the default browser.
    #[arg(long)]
    open: bool,
    /// Include pages marked `draft: true`.
    #[arg(long)]
    drafts: bool,
}

/// `vakwerk new`.
#[derive(Debug, Args)]
pub struct NewArgs {
    #[command(flatten)]
    root: RootArgs,
    /// The kind (as named in site.yaml), e.g. `methode`.
    kind: String,
    /// The new page's slug, e.g. `buurtcirkel`.
    slug: String,
    /// Title (default: made from the slug).
    #[arg(long)]
    title: Option<String>,
}

/// Diagnostic formats on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// Readable text with source excerpts (colour on a terminal).
    Human,
    /// One JSON array on stdout.
    Json,
    /// GitHub Actions annotations.
    Github,
}

/// Run the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> Result<ExitCode, Error> {
    match cli.command {
        Command::Build(args) => run_build(args),
        Command::Check(args) => run_check(args),
        Command::New(args) => run_new(args),
        Command::Serve(args) => run_serve(args),
    }
}

/// Everything needed to run the pipeline on one site.
struct Prepared {
    root: PathBuf,
    config: Config,
}

fn prepare(root: &Path, base_url: Option<&str>) -> Result<Prepared, Error> {
    let root = fs::site_root(root)?;
    let mut config = fs::load_config(&root)?;
    if let Some(url) = base_url {
        config = config
            .with_base_url(url)
            .map_err(|message| Error::Invalid {
                setting: "--base-url",
                message,
            })?;
    }
    Ok(Prepared { root, config })
}

/// What `build` and `check` do with the pipeline.
/// Content files read and parsed together: enough to keep both cores busy
/// parsing, few enough that the raw files in memory stay small.
const PARSE_BATCH: usize = 2048;

enum Job<'a> {
    /// Stream every file into the output being written.
    Build(&'a fs::Staging),
    /// Only diagnostics; `render` also renders every page in memory.
    Check { render: bool },
}

/// Load and compile everything, then run `job`; returns the diagnostics
/// and the number of files produced (0 for a check).
fn pipeline(
    p: &Prepared,
    drafts: bool,
    job: Job<'_>,
) -> Result<(Vec<Diagnostic>, usize, usize), Error> {
    let mut load_diags = Vec::new();
    let theme = Theme::load(&fs::load_theme(&p.root, &p.config, &mut load_diags)?);
    if p.config.theme != "default" {
        let fallbacks = theme.fallbacks();
        if !fallbacks.is_empty() {
            eprintln!(
                "note: theme `{}` has no {}; using the default theme's",
                p.config.theme,
                fallbacks.join(", ")
            );
        }
    }
    let renderer = Renderer::new(&theme, &p.config.language)?;
    let highlighter = Highlighter::new();
    let options = BuildOptions { drafts };
    let inputs = build::Inputs {
        config: &p.config,
        renderer: &renderer,
        highlighter: &highlighter,
        options: &options,
    };
    let (files, html) = (AtomicUsize::new(0), AtomicUsize::new(0));
    let count = |f: &OutputFile| {
        files.fetch_add(1, Ordering::Relaxed);
        if f.path.ends_with(".html") {
            html.fetch_add(1, Ordering::Relaxed);
        }
    };
    // Read and parse `content/` a batch at a time: pages own what they
    // need, and the raw files of the whole site are never in memory at
    // once (on a 100,000-page site they are 0.8 GB).
    let mut parsed = build::Parsed::default();
    let parse = |f| build::parse_file(&inputs, f);
    let bodies_unread = matches!(job, Job::Check { render: false });
    fs::load_content_map(
        &p.root,
        PARSE_BATCH,
        &mut load_diags,
        &parse,
        &mut |files| {
            parsed.extend(files);
            if bodies_unread {
                parsed.drop_unchecked_bodies();
            } else {
                parsed.pack_beyond(build::PLAIN_BODIES);
            }
        },
    )?;
    parsed.add_diagnostics(load_diags);
    let diags = match job {
        Job::Build(staging) => build::build_into(&inputs, parsed, &|f| {
            count(&f);
            staging.write(&f)
        })?,
        Job::Check { render: true } => build::build_into(&inputs, parsed, &|_| Ok(()))?,
        Job::Check { render: false } => build::check(&inputs, parsed),
    };
    Ok((diags, files.into_inner(), html.into_inner()))
}

fn run_build(args: BuildArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let p = prepare(&args.root.root, args.base_url.as_deref())?;
    let out = fs::output_dir(&p.root, args.output.as_deref())?;
    let staging = fs::Staging::begin(&out)?;
    let (diags, files, pages) = pipeline(&p, args.drafts, Job::Build(&staging))?;
    report(&p.root, &diags, Format::Human { color: color() });
    let (errors, warnings) = diagnostic::counts(&diags);
    if errors > 0 {
        drop(staging);
        eprintln!(
            "build failed: {errors} error(s), {warnings} warning(s); the previous output in {} is untouched",
            out.display()
        );
        return Ok(ExitCode::from(1));
    }
    staging.commit()?;
    eprintln!(
        "built {pages} HTML files ({files} files) into {} in {} ms, {warnings} warning(s)",
        out.display(),
        start.elapsed().as_millis()
    );
    Ok(ExitCode::SUCCESS)
}

fn run_check(args: CheckArgs) -> Result<ExitCode, Error> {
    let start = Instant::now();
    let p = prepare(&args.root.root, None)?;
    let (diags, _, _) = pipeline(
        &p,
        args.drafts,
        Job::Check {
            render: args.render,
        },
    )?;
    let format = match args.format {
        FormatArg::Human => Format::Human { color: color() },
        FormatArg::Json => Format::Json,
        FormatArg::Github => Format::Github,
    };
    report(&p.root, &diags, format);
    let (errors, warnings) = diagnostic::counts(&diags);
    eprintln!(
        "checked {} in {} ms: {errors} error(s), {warnings} warning(s)",
        p.root.display(),
        start.elapsed().as_millis()
    );
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_new(args: NewArgs) -> Result<ExitCode, Error> {
    let root = fs::site_root(&args.root.root)?;
    let config = fs::load_config(&root)?;
    let (rel, text) = new::skeleton(
        &config,
        &args.kind,
        &args.slug,
        args.title.as_deref(),
        &new::today(),
    )?;
    let path = root.join(&rel);
    if path.exists() {
        return Err(Error::New(format!(
            "{rel} already exists; vakwerk new never overwrites a page"
        )));
    }
    fs::create_new(&path, &text)?;
    eprintln!("created {rel}; fill in the fields marked `verplicht`, then run `vakwerk check`");
    Ok(ExitCode::SUCCESS)
}

fn run_serve(args: ServeArgs) -> Result<ExitCode, Error> {
    crate::serve::run(&crate::serve::ServeOptions {
        root: args.root.root,
        bind: args.bind,
        port: args.port,
        output: args.output,
        open: args.open,
        drafts: args.drafts,
    })?;
    Ok(ExitCode::SUCCESS)
}

fn color() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

fn report(root: &Path, diags: &[Diagnostic], format: Format) {
    let text = diagnostic::render(diags, format, &|file, line| fs::line_of(root, file, line));
    match format {
        Format::Json | Format::Github => print!("{text}"),
        Format::Human { .. } => eprint!("{text}"),
    }
}
