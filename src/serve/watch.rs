//! Watching the site: notify behind notify-debouncer-full, turned into
//! batches of changes named by site-relative path.
//!
//! Watched are `site.yaml`, `content/`, `themes/`, `templates/` and
//! `static/`; nothing else under the root (so never the output folder,
//! `.git` or `target/`). Editor litter (dotfiles, `~` backups, swap and temp
//! files) is dropped here, so an editor's save dance (write a temp file,
//! rename it over the original) ends up as one change of the real path.
//! What a change *means* is decided by reading the disk again afterwards,
//! which makes any order of create/delete/rename events converge.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use notify::RecursiveMode;
use notify::event::{AccessKind, AccessMode, EventKind, ModifyKind};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};

use crate::error::Error;
use crate::fs::is_litter;

/// The folders below the root whose contents are watched.
const WATCHED_DIRS: [&str; 4] = ["content", "themes", "templates", "static"];

/// One change, by what it invalidates.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Change {
    /// `site.yaml`: everything.
    Config,
    /// Anything under `themes/`, `templates/` or `static/`.
    Theme,
    /// A path under `content/` (a file or a folder), `/`-separated.
    Content(String),
}

/// The changes that arrived together.
#[derive(Debug, Default)]
pub struct Batch {
    /// Distinct changes.
    pub changes: BTreeSet<Change>,
    /// Events were lost (queue overflow, watcher error): re-read everything.
    pub rescan: bool,
}

/// A running watcher.
pub struct Watcher {
    root: PathBuf,
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    rx: Receiver<Batch>,
    pending: Arc<AtomicBool>,
    /// Watched folders, with the identity of the folder watched: a
    /// folder deleted and made again (a checkout, a restore) is a new
    /// folder that needs a new watch.
    watched: BTreeMap<&'static str, Option<(u64, u64)>>,
}

impl Watcher {
    /// Start watching `root` (canonical). `debounce` is how long a path
    /// must be quiet before its events are delivered.
    pub fn new(root: &Path, debounce: Duration) -> Result<Watcher, Error> {
        let (tx, rx) = mpsc::channel();
        let pending = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&pending);
        let base = root.to_path_buf();
        // Classify on the debouncer's thread, so that only batches that
        // matter wake the loop or cut a running rebuild short.
        let handler = move |result: DebounceEventResult| {
            let mut batch = Batch::default();
            add(&base, result, &mut batch);
            if batch.rescan || !batch.changes.is_empty() {
                flag.store(true, Ordering::SeqCst);
                let _ = tx.send(batch);
            }
        };
        let tick = Some(debounce / 4);
        let debouncer = new_debouncer(debounce, tick, handler).map_err(|e| Error::Watch {
            path: root.to_path_buf(),
            message: e.to_string(),
        })?;
        let mut watcher = Watcher {
            root: root.to_path_buf(),
            debouncer,
            rx,
            pending,
            watched: BTreeMap::new(),
        };
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        watcher.watch_new_dirs()?;
        Ok(watcher)
    }

    /// Set when a batch is waiting: step 2 of a rebuild checks it to give
    /// way to newer changes.
    pub fn pending(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.pending)
    }

    /// Block until changes arrive, then return them together with every
    /// batch already queued behind them. `None` when the watcher died.
    pub fn wait(&mut self) -> Option<Batch> {
        let mut batch = self.rx.recv().ok()?;
        while let Ok(more) = self.rx.try_recv() {
            batch.merge(more);
        }
        self.pending.store(false, Ordering::SeqCst);
        // A folder that appears (`mkdir content`, a checkout) is watched from
        // now on; rereading it whole covers what happened before that.
        if self.watch_new_dirs().is_err() {
            batch.rescan = true;
        }
        Some(batch)
    }

    fn watch_new_dirs(&mut self) -> Result<(), Error> {
        for dir in WATCHED_DIRS {
            let path = self.root.join(dir);
            if !path.is_dir() {
                // Gone (deleted or renamed away): watch it again when it is back.
                if self.watched.remove(dir).is_some() {
                    let _ = self.debouncer.unwatch(&path);
                }
                continue;
            }
            let id = identity(&path);
            match self.watched.get(dir) {
                Some(known) if *known == id => {}
                Some(_) => {
                    let _ = self.debouncer.unwatch(&path);
                    self.watch(&path, RecursiveMode::Recursive)?;
                    self.watched.insert(dir, id);
                }
                None => {
                    self.watch(&path, RecursiveMode::Recursive)?;
                    self.watched.insert(dir, id);
                }
            }
        }
        Ok(())
    }

    fn watch(&mut self, path: &Path, mode: RecursiveMode) -> Result<(), Error> {
        self.debouncer.watch(path, mode).map_err(|e| Error::Watch {
            path: path.to_path_buf(),
            message: e.to_string(),
        })
    }
}

impl Batch {
    fn merge(&mut self, other: Batch) {
        self.changes.extend(other.changes);
        self.rescan |= other.rescan;
    }
}

fn add(root: &Path, result: DebounceEventResult, batch: &mut Batch) {
    match result {
        Ok(events) => {
            for event in events {
                batch.rescan |= event.need_rescan();
                if !matters(&event.kind) {
                    continue;
                }
                for path in &event.paths {
                    if let Some(change) = classify(root, path) {
                        batch.changes.insert(change);
                    }
                }
            }
        }
        Err(_) => batch.rescan = true,
    }
}

/// Reading a file is an event too (inotify reports opens and closes); only
/// writes, creations, removals and renames can change a build. Without this
/// filter every rebuild, which reads files, would trigger the next one.
fn matters(kind: &EventKind) -> bool {
    match kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) => false,
        EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    }
}

/// Device and inode of a folder, where the platform has them.
#[cfg(unix)]
fn identity(path: &Path) -> Option<(u64, u64)> {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata(path).ok().map(|m| (m.dev(), m.ino()))
}

#[cfg(not(unix))]
fn identity(_: &Path) -> Option<(u64, u64)> {
    None
}

/// What a changed path means for the build, or `None` when it does not
/// matter (litter, the output folder, anything outside the watched set).
pub fn classify(root: &Path, path: &Path) -> Option<Change> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<&str> = rel
        .components()
        .map(|c| c.as_os_str().to_str())
        .collect::<Option<Vec<&str>>>()?;
    if parts.iter().any(|p| is_litter(p)) {
        return None;
    }
    match parts.as_slice() {
        ["site.yaml"] => Some(Change::Config),
        ["content", ..] => Some(Change::Content(parts.join("/"))),
        ["themes" | "templates" | "static", ..] => Some(Change::Theme),
        _ => None,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn classifies_paths_and_drops_litter() {
        let root = Path::new("/site");
        let c = |p: &str| classify(root, &root.join(p));
        assert_eq!(c("site.yaml"), Some(Change::Config));
        assert_eq!(
            c("content/methoden/x.md"),
            Some(Change::Content("content/methoden/x.md".into()))
        );
        assert_eq!(c("content"), Some(Change::Content("content".into())));
        assert_eq!(c("templates/page.html"), Some(Change::Theme));
        assert_eq!(c("themes/default/static/style.css"), Some(Change::Theme));
        for ignored in [
            "content/methoden/.x.md.swp",
            "content/methoden/x.md~",
            "content/.git/HEAD",
            "content/methoden/4913.tmp",
            "public/index.html",
            "README.md",
            ".git/index",
        ] {
            assert_eq!(c(ignored), None, "{ignored}");
        }
        assert_eq!(classify(root, Path::new("/elsewhere/site.yaml")), None);
    }
}
