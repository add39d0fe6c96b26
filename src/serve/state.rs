//! `ServerState`: what the rebuild loop shares with the HTTP threads. The
//! site being served, its version, the problems of the latest build and a
//! short history of what changed, for live reload.
//!
//! This is the one piece of shared mutable state in Vakwerk (the core has
//! none). It is one mutex, held only to swap or clone `Arc`s, plus a
//! condition variable that wakes the live-reload streams.

use std::collections::VecDeque;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;

use crate::diagnostic::Diagnostic;
use crate::incremental::{SharedFile, Snapshot};

/// How many published changes a reconnecting browser can catch up on.
const HISTORY: usize = 128;

/// Above this many changed URLs a change is sent as "everything".
const MAX_URLS: usize = 2000;

/// A problem shown in the browser overlay.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Site-relative file.
    pub file: String,
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column (0 when unknown).
    pub column: u32,
    /// Stable code, e.g. `missing-ref`.
    pub code: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl Served {
    /// The bytes of output path `path` (`methoden/x/index.html`).
    pub fn get(&self, path: &str) -> Option<&Arc<Vec<u8>>> {
        self.files
            .binary_search_by(|f| f.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.files[i].bytes)
    }
}

impl From<&Diagnostic> for Problem {
    fn from(d: &Diagnostic) -> Problem {
        Problem {
            file: d.file.clone(),
            line: d.line,
            column: d.column,
            code: d.code.to_string(),
            message: d.message.clone(),
        }
    }
}

/// The files being served.
#[derive(Debug)]
pub struct Served {
    /// Output files sorted by path (a snapshot's own order, so publishing
    /// copies no map).
    pub files: Vec<SharedFile>,
    /// The URL prefix the site lives under (`/` or `/kb/`).
    pub base_path: String,
}

/// What one publish changed, as URL paths a page can compare with its own.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ChangeSet {
    /// Changed, added or removed URL paths (`/methoden/x/`, `/style.css`).
    pub urls: Vec<String>,
    /// Too many to list: every page should reload.
    pub all: bool,
}

/// What a live-reload stream learns when it wakes up.
#[derive(Debug)]
pub struct Update {
    /// The version now.
    pub version: u64,
    /// Changes after the version the stream had, merged.
    pub changes: ChangeSet,
    /// The problems now.
    pub problems: Arc<Vec<Problem>>,
}

struct Inner {
    version: u64,
    served: Arc<Served>,
    problems: Arc<Vec<Problem>>,
    history: VecDeque<(u64, ChangeSet)>,
    busy: bool,
}

/// Shared between the rebuild loop and every HTTP thread.
pub struct ServerState {
    inner: Mutex<Inner>,
    wake: Condvar,
}

impl ServerState {
    /// Nothing served yet.
    pub fn new() -> ServerState {
        ServerState {
            inner: Mutex::new(Inner {
                version: 0,
                served: Arc::new(Served {
                    files: Vec::new(),
                    base_path: "/".into(),
                }),
                problems: Arc::new(Vec::new()),
                history: VecDeque::new(),
                busy: true,
            }),
            wake: Condvar::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panicking HTTP thread cannot leave `Inner` half-updated (every
        // update is a plain assignment), so a poisoned lock is still usable.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serve `snapshot` below `base_path` from now on. Returns the URLs
    /// that changed (empty when nothing did, in which case no version is
    /// spent).
    pub fn publish(&self, snapshot: &Snapshot, base_path: &str) -> ChangeSet {
        let old = Arc::clone(&self.lock().served);
        // Both lists are sorted by path: one merge finds every change, and
        // unchanged pages share their bytes, so most compare by pointer.
        let (new, before) = (&snapshot.files, &old.files);
        let mut changed: Vec<&str> = Vec::new();
        let (mut i, mut j) = (0, 0);
        while i < new.len() || j < before.len() {
            match (new.get(i), before.get(j)) {
                (Some(a), Some(b)) if a.path == b.path => {
                    if !Arc::ptr_eq(&a.bytes, &b.bytes) && a.bytes != b.bytes {
                        changed.push(&a.path);
                    }
                    i += 1;
                    j += 1;
                }
                (Some(a), Some(b)) if a.path < b.path => {
                    changed.push(&a.path);
                    i += 1;
                }
                (Some(a), None) => {
                    changed.push(&a.path);
                    i += 1;
                }
                (_, Some(b)) => {
                    changed.push(&b.path);
                    j += 1;
                }
                (None, None) => break,
            }
        }
        let set = if changed.len() > MAX_URLS {
            ChangeSet {
                urls: Vec::new(),
                all: true,
            }
        } else {
            let mut urls: Vec<String> = changed.iter().map(|p| url_of(base_path, p)).collect();
            urls.sort();
            urls.dedup();
            ChangeSet { urls, all: false }
        };
        let mut inner = self.lock();
        inner.served = Arc::new(Served {
            files: snapshot.files.clone(),
            base_path: base_path.to_string(),
        });
        if !set.urls.is_empty() || set.all {
            inner.version += 1;
            let v = inner.version;
            inner.history.push_back((v, set.clone()));
            while inner.history.len() > HISTORY {
                inner.history.pop_front();
            }
            self.wake.notify_all();
        }
        set
    }

    /// Show `problems` in every browser (empty: clear the overlay).
    pub fn set_problems(&self, problems: Vec<Problem>) {
        let mut inner = self.lock();
        if *inner.problems != problems {
            inner.problems = Arc::new(problems);
            inner.version += 1;
            let v = inner.version;
            inner.history.push_back((v, ChangeSet::default()));
            self.wake.notify_all();
        }
    }

    /// Mark a rebuild as running or done (reported by `/__vakwerk/status`).
    pub fn set_busy(&self, busy: bool) {
        self.lock().busy = busy;
    }

    /// The files being served and their version.
    pub fn current(&self) -> (u64, Arc<Served>) {
        let inner = self.lock();
        (inner.version, Arc::clone(&inner.served))
    }

    /// Version, whether a rebuild runs, and the problems, for the status
    /// endpoint.
    pub fn status(&self) -> (u64, bool, Arc<Vec<Problem>>) {
        let inner = self.lock();
        (inner.version, inner.busy, Arc::clone(&inner.problems))
    }

    /// Wait until the version passes `since` or `timeout` runs out, and
    /// say what changed after `since`.
    pub fn wait(&self, since: u64, timeout: Duration) -> Update {
        let inner = self.lock();
        let (inner, _) = self
            .wake
            .wait_timeout_while(inner, timeout, |i| i.version <= since)
            .unwrap_or_else(|e| e.into_inner());
        let mut changes = ChangeSet::default();
        if inner.version > since {
            let oldest = inner.history.front().map_or(u64::MAX, |(v, _)| *v);
            if oldest > since + 1 {
                // Too far behind to know what changed.
                changes.all = true;
            }
            for (v, set) in &inner.history {
                if *v > since {
                    changes.all |= set.all;
                    changes.urls.extend(set.urls.iter().cloned());
                }
            }
            changes.urls.sort();
            changes.urls.dedup();
        }
        Update {
            version: inner.version,
            changes,
            problems: Arc::clone(&inner.problems),
        }
    }
}

impl Default for ServerState {
    fn default() -> Self {
        ServerState::new()
    }
}

/// The URL path of an output path: `methoden/x/index.html` →
/// `/methoden/x/` below the base path.
pub fn url_of(base_path: &str, path: &str) -> String {
    let trimmed = if path == "index.html" {
        ""
    } else {
        path.strip_suffix("/index.html")
            .map_or(path, |dir| &path[..dir.len() + 1])
    };
    format!("{base_path}{trimmed}")
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;

    fn snap(files: &[(&str, &str)]) -> Snapshot {
        Snapshot {
            files: files
                .iter()
                .map(|(p, b)| SharedFile {
                    path: p.to_string(),
                    bytes: Arc::new(b.as_bytes().to_vec()),
                })
                .collect(),
            diagnostics: Vec::new(),
        }
    }

    #[test]
    fn publish_reports_changed_urls_and_history() {
        let s = ServerState::new();
        let kb = "/kb/";
        s.publish(&snap(&[("index.html", "a"), ("m/x/index.html", "x")]), kb);
        let (v1, _) = s.current();
        let set = s.publish(
            &snap(&[
                ("index.html", "a"),
                ("m/x/index.html", "y"),
                ("style.css", "c"),
            ]),
            kb,
        );
        assert_eq!(set.urls, vec!["/kb/m/x/", "/kb/style.css"]);
        let same = snap(&[
            ("index.html", "a"),
            ("m/x/index.html", "y"),
            ("style.css", "c"),
        ]);
        assert!(s.publish(&same, kb).urls.is_empty());
        let u = s.wait(v1, Duration::from_millis(1));
        assert_eq!(u.changes.urls, vec!["/kb/m/x/", "/kb/style.css"]);
        let removed = s.publish(&snap(&[("index.html", "a")]), kb);
        assert_eq!(removed.urls, vec!["/kb/m/x/", "/kb/style.css"]);
        assert_eq!(url_of(kb, "index.html"), "/kb/");
    }
}
