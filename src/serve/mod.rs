//! `vakwerk serve`: build the site, serve it from memory, watch it, and
//! rebuild on every change, pushing a reload to every open browser.
//!
//! The loop is load → `incremental::Incremental::update` → publish → wait
//! for the watcher. Only what changed is read again (one file, a folder,
//! the theme, or `site.yaml` and then everything), and `Incremental` redoes
//! only what that reaches, so an edit on a big site is back in milliseconds.
//! A build with errors is never published: the last good build stays
//! served and the browsers show the problems in an overlay until a later
//! change fixes them. A broken `site.yaml` or template is handled the same
//! way. Nothing is written to disk unless `--output` asks for it.
//!
//! `watch` turns file-system events into changes, `http` answers requests,
//! `state` is what the two share.

#![allow(clippy::print_stderr)] // serve reports to the terminal, like cli.

pub mod http;
pub mod state;
pub mod watch;

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};
use std::io::IsTerminal;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use crate::build::{BuildOptions, OutputFile};
use crate::config::Config;
use crate::diagnostic::{self, Diagnostic, Format};
use crate::error::Error;
use crate::fs;
use crate::highlight::Highlighter;
use crate::incremental::{Incremental, Inputs, Snapshot};
use crate::render::Renderer;
use crate::source::{SourceFile, Sources};
use crate::theme::Theme;
use state::{Problem, ServerState};
use watch::{Batch, Change, Watcher};

/// How long a path must be quiet before its events are handled. Short
/// enough to feel instant, long enough to merge an editor's save dance.
const DEBOUNCE: Duration = Duration::from_millis(10);

/// What `vakwerk serve` was asked to do.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on (default 127.0.0.1).
    pub bind: IpAddr,
    /// The port (0: any free port; the URL printed says which).
    pub port: u16,
    /// Also write every good build here.
    pub output: Option<PathBuf>,
    /// Open the site in the default browser.
    pub open: bool,
    /// Include draft pages.
    pub drafts: bool,
}

/// Build, serve and watch until the process is stopped.
pub fn run(options: &ServeOptions) -> Result<(), Error> {
    let root = fs::site_root(&options.root)?;
    let output = match &options.output {
        Some(dir) => Some(fs::output_dir(&root, Some(dir))?),
        None => None,
    };
    let addr = SocketAddr::new(options.bind, options.port);
    let listener = TcpListener::bind(addr).map_err(|source| Error::Serve {
        addr: addr.to_string(),
        source,
    })?;
    let local = listener.local_addr().map_err(|source| Error::Serve {
        addr: addr.to_string(),
        source,
    })?;
    // Watch before the first load, so no edit made during it is missed.
    let mut watcher = Watcher::new(&root, DEBOUNCE)?;
    let state = Arc::new(ServerState::new());
    let mut session = Session::start(root, options, Arc::clone(&state), output);

    let http_state = Arc::clone(&state);
    let hosts = http::HostPolicy { bind: options.bind };
    std::thread::Builder::new()
        .name("vakwerk-accept".into())
        .spawn(move || http::serve(listener, http_state, hosts))
        .map_err(|source| Error::Serve {
            addr: local.to_string(),
            source,
        })?;
    let url = site_url(local, &session.base_path());
    if options.bind.is_unspecified() {
        // Printed right above the URL line, where nobody misses it.
        eprintln!(
            "\n  WARNING: listening on {} (all network interfaces).\n  Anyone on your network can read this site, drafts included.\n  Use --bind 127.0.0.1 unless you mean to share it.\n",
            options.bind
        );
    }
    eprintln!("serving {url} (Ctrl-C stops)");
    if options.open {
        open_browser(&url);
    }
    loop {
        let Some(batch) = watcher.wait() else {
            return Err(Error::Watch {
                path: session.root.clone(),
                message: "the file watcher stopped".into(),
            });
        };
        session.apply(&batch, &|| watcher_pending(&watcher));
    }
}

fn watcher_pending(watcher: &Watcher) -> bool {
    watcher.pending().load(Ordering::SeqCst)
}

/// The URL to print: loopback when bound to all interfaces, so it can be
/// opened on this machine.
fn site_url(local: SocketAddr, base_path: &str) -> String {
    let host = match local.ip() {
        ip if ip.is_unspecified() || ip.is_loopback() => match ip {
            IpAddr::V4(_) => "127.0.0.1".to_string(),
            IpAddr::V6(_) => "[::1]".to_string(),
        },
        IpAddr::V4(ip) => ip.to_string(),
        IpAddr::V6(ip) => format!("[{ip}]"),
    };
    format!("http://{host}:{}{base_path}", local.port())
}

fn open_browser(url: &str) {
    let cmd = if cfg!(target_os = "macos") {
        "open"
    } else if cfg!(windows) {
        "explorer"
    } else {
        "xdg-open"
    };
    if let Err(e) = std::process::Command::new(cmd).arg(url).spawn() {
        eprintln!("could not open a browser ({cmd}: {e}); open {url} yourself");
    }
}

/// Everything the rebuild loop keeps between changes.
struct Session {
    root: PathBuf,
    config: Result<Config, Vec<Problem>>,
    sources: Sources,
    renderer: Result<Renderer, Vec<Problem>>,
    templates_key: u64,
    incremental: Incremental,
    highlighter: Highlighter,
    options: BuildOptions,
    state: Arc<ServerState>,
    writer: Option<mpsc::Sender<Arc<Snapshot>>>,
    published_any: bool,
    /// Step 2 of the last rebuild was cancelled for newer changes.
    unfinished: bool,
    /// Content files changed since the last update (`None`: unknown).
    changed: Option<Vec<String>>,
    last_errors: Vec<Diagnostic>,
    color: bool,
}

impl Session {
    /// Load and build everything. A broken `site.yaml` or theme does not
    /// stop `serve` even now: the browser shows the problems until fixed.
    fn start(
        root: PathBuf,
        options: &ServeOptions,
        state: Arc<ServerState>,
        output: Option<PathBuf>,
    ) -> Session {
        let start = Instant::now();
        let mut session = Session {
            templates_key: 0,
            root,
            config: Err(Vec::new()),
            sources: Sources::default(),
            renderer: Err(Vec::new()),
            incremental: Incremental::new(),
            highlighter: Highlighter::new(),
            options: BuildOptions {
                drafts: options.drafts,
            },
            state,
            writer: output.map(spawn_writer),
            published_any: false,
            unfinished: false,
            changed: None,
            last_errors: Vec::new(),
            color: std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
        session.reload_all();
        session.rebuild(&|| false, start, "initial build");
        session
    }

    fn base_path(&self) -> String {
        self.config
            .as_ref()
            .map_or_else(|_| "/".to_string(), |c| c.base_path.clone())
    }

    /// Take in one batch of changes and rebuild.
    fn apply(&mut self, batch: &Batch, cancelled: &dyn Fn() -> bool) {
        let start = Instant::now();
        let mut what: Vec<String> = Vec::new();
        if batch.rescan || batch.changes.contains(&Change::Config) {
            what.push(if batch.rescan {
                "rescan".into()
            } else {
                "site.yaml".into()
            });
            self.reload_all();
        } else {
            if batch.changes.contains(&Change::Theme) {
                what.push("theme".into());
                self.reload_theme();
            }
            for change in &batch.changes {
                if let Change::Content(rel) = change {
                    match self.reload_content(rel) {
                        Ok(paths) if paths.is_empty() => {}
                        Ok(paths) => {
                            what.push(rel.clone());
                            if let Some(changed) = &mut self.changed {
                                changed.extend(paths);
                            }
                        }
                        Err(e) => {
                            eprintln!("{}; reading the whole site again", error_chain(&e));
                            what.push("rescan".into());
                            self.reload_all();
                            break;
                        }
                    }
                }
            }
        }
        if what.is_empty() {
            // Only litter changed, but it may have cut the last rebuild
            // short: finish that one.
            if self.unfinished {
                self.rebuild(cancelled, start, "unfinished rebuild");
            }
            return;
        }
        let label = match what.as_slice() {
            [one] => one.clone(),
            many => format!("{} changes", many.len()),
        };
        self.rebuild(cancelled, start, &label);
    }

    /// Re-read `site.yaml` and everything else (a config change reaches
    /// every page, and may switch the theme).
    fn reload_all(&mut self) {
        self.config = read_config(&self.root);
        self.changed = None;
        let Ok(config) = &self.config else { return };
        match fs::load_sources(&self.root, config) {
            Ok(sources) => self.sources = sources,
            Err(e) => {
                self.renderer = Err(vec![problem_of_error(&self.root, &e)]);
                return;
            }
        }
        self.incremental = Incremental::new();
        self.templates_key = 0;
        self.make_renderer();
    }

    fn reload_theme(&mut self) {
        let Ok(config) = &self.config else { return };
        let mut diags = Vec::new();
        match fs::load_theme(&self.root, config, &mut diags) {
            Ok(theme) => {
                self.sources.diagnostics.retain(|d| !is_theme_file(&d.file));
                self.sources.diagnostics.extend(diags);
                self.sources.theme = theme;
                self.make_renderer();
            }
            Err(e) => self.renderer = Err(vec![problem_of_error(&self.root, &e)]),
        }
    }

    /// Compile the theme; start over when templates or UI strings changed
    /// (a stylesheet alone keeps every rendered page).
    fn make_renderer(&mut self) {
        let Ok(config) = &self.config else { return };
        match Renderer::new(&Theme::load(&self.sources.theme), &config.language) {
            Ok(r) => {
                let key = templates_key(&self.sources.theme);
                if key != self.templates_key {
                    self.incremental = Incremental::new();
                    self.templates_key = key;
                }
                self.renderer = Ok(r);
            }
            Err(e) => self.renderer = Err(vec![problem_of_error(&self.root, &e)]),
        }
    }

    /// Re-read one path of `content/` (a file, a folder, or a path that is
    /// gone) into the in-memory sources. Returns the paths of the files
    /// that changed, appeared or went (none when an editor only touched a
    /// file, or wrote what was there).
    fn reload_content(&mut self, rel: &str) -> Result<Vec<String>, Error> {
        let mut diags = Vec::new();
        let mut files = fs::load_content_path(&self.root, rel, &mut diags)?;
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let below = format!("{rel}/");
        let inside = |p: &str| p == rel || p.starts_with(&below);
        let content = &mut self.sources.content;
        let old: Vec<&SourceFile> = content.iter().filter(|f| inside(&f.path)).collect();
        let mut old_diags: Vec<&Diagnostic> = self
            .sources
            .diagnostics
            .iter()
            .filter(|d| inside(&d.file))
            .collect();
        old_diags.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        let mut new_diags: Vec<&Diagnostic> = diags.iter().collect();
        new_diags.sort_by(|a, b| (&a.file, &a.message).cmp(&(&b.file, &b.message)));
        // Both lists are sorted by path: merge them.
        let mut changed: Vec<String> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < old.len() || j < files.len() {
            match (old.get(i), files.get(j)) {
                (Some(o), Some(f)) if o.path == f.path => {
                    if o.bytes != f.bytes {
                        changed.push(f.path.clone());
                    }
                    i += 1;
                    j += 1;
                }
                (Some(o), Some(f)) if o.path < f.path => {
                    changed.push(o.path.clone());
                    i += 1;
                }
                (Some(o), None) => {
                    changed.push(o.path.clone());
                    i += 1;
                }
                (_, Some(f)) => {
                    changed.push(f.path.clone());
                    j += 1;
                }
                (None, None) => break,
            }
        }
        if changed.is_empty() && old_diags == new_diags {
            return Ok(changed);
        }
        content.retain(|f| !inside(&f.path));
        content.extend(files);
        content.sort_by(|a, b| a.path.cmp(&b.path));
        self.sources.diagnostics.retain(|d| !inside(&d.file));
        self.sources.diagnostics.extend(diags);
        Ok(changed)
    }

    /// Run an incremental update and publish what it gives.
    fn rebuild(&mut self, cancelled: &dyn Fn() -> bool, start: Instant, label: &str) {
        let (config, renderer) = match (&self.config, &self.renderer) {
            (Ok(c), Ok(r)) => (c, r),
            (config, renderer) => {
                let mut problems = Vec::new();
                if let Err(p) = config {
                    problems.extend(p.iter().cloned());
                }
                if let Err(p) = renderer {
                    problems.extend(p.iter().cloned());
                }
                for p in &problems {
                    eprintln!("error: {}:{}:{}: {}", p.file, p.line, p.column, p.message);
                }
                eprintln!("{label}: not rebuilt; still serving the last good build");
                self.state.set_problems(problems);
                self.state.set_busy(false);
                return;
            }
        };
        self.state.set_busy(true);
        let base_path = config.base_path.clone();
        let inputs = Inputs {
            config,
            sources: &self.sources,
            renderer,
            highlighter: &self.highlighter,
            options: &self.options,
            changed: self.changed.as_deref(),
        };
        let state = Arc::clone(&self.state);
        let mut first_ms = 0;
        let published_any = &mut self.published_any;
        let mut step1 = |snap: &Snapshot| {
            if first_ms == 0 {
                first_ms = start.elapsed().as_millis().max(1);
            }
            // Step 1 shows an edit fast. With errors the last good build
            // stays, and the overlay shows them now rather than after the
            // background step (which may add problems of its own).
            if snap.has_errors() {
                let errors = snap.diagnostics.iter().filter(|d| d.is_error());
                state.set_problems(errors.map(Problem::from).collect());
            } else {
                state.publish(snap, &base_path);
                state.set_problems(Vec::new());
                *published_any = true;
            }
        };
        let result = self.incremental.update(&inputs, &mut step1, cancelled);
        self.changed = Some(Vec::new());
        let stats = self.incremental.stats().clone();
        self.unfinished = result.is_none();
        let Some(snapshot) = result else {
            eprintln!(
                "{label}: {} page(s) in {first_ms} ms; newer changes came in",
                stats.rendered_first
            );
            return;
        };
        let total_ms = start.elapsed().as_millis();
        let errors: Vec<Diagnostic> = snapshot
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .cloned()
            .collect();
        if errors.is_empty() || !self.published_any {
            self.state.publish(&snapshot, &base_path);
            self.published_any = true;
            if let (Some(w), true) = (&self.writer, errors.is_empty()) {
                let _ = w.send(Arc::new(snapshot.clone()));
            }
        }
        self.state
            .set_problems(errors.iter().map(Problem::from).collect());
        self.state.set_busy(false);
        self.report(&snapshot, &errors, label);
        let pages = snapshot
            .files
            .iter()
            .filter(|f| f.path.ends_with(".html"))
            .count();
        eprintln!(
            "{label}: {} page(s) updated in {first_ms} ms, {} more in the background, all done in {total_ms} ms ({pages} HTML files{})",
            stats.rendered_first,
            stats.rendered_rest,
            if errors.is_empty() {
                String::new()
            } else {
                format!(
                    "; {} error(s), still serving the last good build",
                    errors.len()
                )
            }
        );
    }

    /// Print new errors, and all warnings after the first build.
    fn report(&mut self, snapshot: &Snapshot, errors: &[Diagnostic], label: &str) {
        let first = label == "initial build";
        let shown: Vec<Diagnostic> = if first {
            snapshot.diagnostics.clone()
        } else if errors != self.last_errors.as_slice() {
            errors.to_vec()
        } else {
            Vec::new()
        };
        self.last_errors = errors.to_vec();
        if shown.is_empty() {
            return;
        }
        let root = self.root.clone();
        let text = diagnostic::render(
            &shown,
            Format::Human { color: self.color },
            &|file, line| fs::line_of(&root, file, line),
        );
        eprint!("{text}");
    }
}

fn read_config(root: &Path) -> Result<Config, Vec<Problem>> {
    let text = std::fs::read_to_string(root.join("site.yaml")).map_err(|e| {
        vec![Problem {
            file: "site.yaml".into(),
            line: 0,
            column: 0,
            code: "unreadable".into(),
            message: format!("cannot read site.yaml: {e}"),
        }]
    })?;
    Config::parse(&text).map_err(|problems| {
        problems
            .into_iter()
            .map(|p| Problem {
                file: "site.yaml".into(),
                line: p.loc.line,
                column: p.loc.col,
                code: "config".into(),
                message: p.message,
            })
            .collect()
    })
}

/// A fatal error as an overlay problem. Template errors name the file the
/// template came from and, when tera says so (`--> 3:7`), the position.
fn problem_of_error(root: &Path, e: &Error) -> Problem {
    let message = error_chain(e);
    let (file, code) = match e {
        Error::Template { name, .. } => {
            let own = format!("templates/{name}");
            let file = if root.join(&own).is_file() || !name.ends_with(".html") {
                own
            } else {
                format!("themes/…/templates/{name}")
            };
            (file, "template")
        }
        Error::Config { .. } => ("site.yaml".to_string(), "config"),
        _ => (String::new(), "error"),
    };
    let (line, column) = tera_position(&message).unwrap_or((0, 0));
    Problem {
        file,
        line,
        column,
        code: code.into(),
        message,
    }
}

/// `--> 3:7` in a template parser's message.
fn tera_position(message: &str) -> Option<(u32, u32)> {
    let rest = &message[message.find("--> ")? + 4..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit() && c != ':')
        .unwrap_or(rest.len());
    let (l, c) = rest[..end].split_once(':')?;
    Some((l.parse().ok()?, c.parse().ok()?))
}

fn error_chain(e: &Error) -> String {
    crate::error::chain(e)
}

fn is_theme_file(path: &str) -> bool {
    ["themes/", "templates/", "static/"]
        .iter()
        .any(|p| path.starts_with(p))
}

/// A fingerprint of what rendered pages depend on in the theme: templates
/// and UI strings, not static files.
fn templates_key(theme: &[SourceFile]) -> u64 {
    let mut h = DefaultHasher::new();
    for f in theme.iter().filter(|f| !f.path.starts_with("static/")) {
        f.path.hash(&mut h);
        f.bytes.hash(&mut h);
    }
    h.finish()
}

/// `--output`: write every good build in the background, newest first
/// (a build that is overtaken before it is written is skipped).
fn spawn_writer(out: PathBuf) -> mpsc::Sender<Arc<Snapshot>> {
    let (tx, rx) = mpsc::channel::<Arc<Snapshot>>();
    let spawned = std::thread::Builder::new()
        .name("vakwerk-output".into())
        .spawn(move || {
            while let Ok(mut snap) = rx.recv() {
                while let Ok(newer) = rx.try_recv() {
                    snap = newer;
                }
                let files: Vec<OutputFile> = snap
                    .files
                    .iter()
                    .map(|f| OutputFile {
                        path: f.path.clone(),
                        bytes: f.bytes.to_vec(),
                    })
                    .collect();
                if let Err(e) = fs::write_output(&out, &files) {
                    eprintln!("--output: {}", error_chain(&e));
                }
            }
        });
    if let Err(e) = spawned {
        eprintln!("--output: cannot start the writer: {e}");
    }
    tx
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn finds_tera_positions() {
        assert_eq!(
            tera_position("Failed to parse 'page.html': --> 12:5\n  |"),
            Some((12, 5))
        );
        assert_eq!(tera_position("no position"), None);
    }

    #[test]
    fn printed_urls() {
        let any: SocketAddr = "0.0.0.0:1111".parse().unwrap();
        assert_eq!(site_url(any, "/kb/"), "http://127.0.0.1:1111/kb/");
    }
}
