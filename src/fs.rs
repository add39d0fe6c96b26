//! The IO shell: the only code that reads the site from disk and writes the
//! built site.
//!
//! Loading never follows a symlink out of the site root, survives symlink
//! loops, and skips editor litter. Writing is atomic: the whole site goes
//! into a staging sibling of the output directory and is swapped in only
//! when complete, so a failed or killed build never leaves a half-written
//! output behind. An existing directory is only ever replaced when an
//! earlier Vakwerk build made it (it carries a marker file).

use std::fs;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

use rayon::prelude::*;
use walkdir::WalkDir;

use crate::build::OutputFile;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Loc};
use crate::error::Error;
use crate::source::{SourceFile, Sources};

/// The marker file that identifies an output directory Vakwerk made.
pub const MARKER: &str = ".vakwerk-output";

/// Canonical site root, or `Error::NoRoot`.
pub fn site_root(root: &Path) -> Result<PathBuf, Error> {
    match fs::canonicalize(root) {
        Ok(p) if p.is_dir() => Ok(p),
        _ => Err(Error::NoRoot {
            path: root.to_path_buf(),
        }),
    }
}

/// Read and parse `site.yaml`.
pub fn load_config(root: &Path) -> Result<Config, Error> {
    let path = root.join("site.yaml");
    let text = fs::read_to_string(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    Config::parse(&text).map_err(|problems| Error::Config {
        path: PathBuf::from("site.yaml"),
        problems: problems
            .iter()
            .map(|p| format!("  site.yaml:{}:{}: {}", p.loc.line, p.loc.col, p.message))
            .collect::<Vec<_>>()
            .join("\n"),
    })
}

/// Read `content/` and the site's theme files.
pub fn load_sources(root: &Path, config: &Config) -> Result<Sources, Error> {
    let mut sources = Sources::default();
    let mut diags = Vec::new();
    sources.content = read_tree(root, &root.join("content"), "content", &mut diags)?;
    sources.theme = load_theme(root, config, &mut diags)?;
    sources.diagnostics = diags;
    Ok(sources)
}

/// Read `content/` as [`load_sources`] does, but hand each file to `map`
/// as soon as it is read, on the thread that read it, and the results to
/// `each` in batches of up to `batch` instead of returning the files: a
/// build parses every file the moment it is in memory, so the raw files of
/// a large site are never all in memory next to their pages, and no core
/// waits for a whole batch to be read before parsing starts (reading and
/// parsing in two passes per batch left a core idle for a tenth of the
/// parse stage). Batches follow the folder walk; within and across them,
/// files are in no promised order.
pub fn load_content_map<T: Send>(
    root: &Path,
    batch: usize,
    diags: &mut Vec<Diagnostic>,
    map: &(dyn Fn(SourceFile) -> T + Sync),
    each: &mut (dyn FnMut(Vec<T>) + Send),
) -> Result<(), Error> {
    walk_tree(
        root,
        &root.join("content"),
        "content",
        diags,
        batch,
        &mut |paths| read_batch(paths, map).map(&mut *each),
    )
}

/// Read the site's theme files: what `load_sources` puts in
/// `Sources::theme`. `serve` re-reads just these after a theme change.
pub fn load_theme(
    root: &Path,
    config: &Config,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<SourceFile>, Error> {
    let mut files = Vec::new();
    let theme_dir = root.join("themes").join(&config.theme);
    if config.theme != "default" && !theme_dir.is_dir() {
        return Err(Error::Template {
            name: format!("themes/{}", config.theme),
            message: format!(
                "site.yaml asks for theme `{}`, but there is no folder themes/{}/; create it or use `theme: default`",
                config.theme, config.theme
            ),
        });
    }
    for sub in ["templates", "static", "i18n"] {
        files.extend(read_tree(root, &theme_dir.join(sub), sub, diags)?);
    }
    // A site's own templates/ and static/ win over its theme's files.
    for sub in ["templates", "static"] {
        files.extend(read_tree(root, &root.join(sub), sub, diags)?);
    }
    Ok(files)
}

/// Re-read one path of `content/` (`content/methoden/x.md`, a folder, or a
/// path that is gone) by the same rules as `load_sources`, for `serve`'s
/// rebuild after a change. Returns the files at or below `rel`.
pub fn load_content_path(
    root: &Path,
    rel: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<SourceFile>, Error> {
    let below = if rel == "content" {
        ""
    } else {
        match rel.strip_prefix("content/") {
            Some(b) => b,
            None => return Ok(Vec::new()),
        }
    };
    if below.split('/').any(|c| !c.is_empty() && is_litter(c)) {
        return Ok(Vec::new());
    }
    let path = root.join(rel);
    // Whatever the way there, it must end inside the site, as `read_tree`
    // requires of every symlink. Only a symlink at `rel` itself is reported
    // here; one further up was reported when its folder was read.
    match fs::canonicalize(&path) {
        Ok(real) if real.starts_with(root) => {}
        Ok(_) => {
            if path.is_symlink() {
                diags.push(Diagnostic::warning(rel, Loc::START, "symlink-outside", "symlink points outside the site root and is not followed; copy the file into the site instead"));
            }
            return Ok(Vec::new());
        }
        Err(_) => return Ok(Vec::new()),
    }
    if path.is_dir() {
        return read_tree(root, &path, rel, diags);
    }
    if !path.is_file() {
        return Ok(Vec::new());
    }
    let bytes = fs::read(&path).map_err(|source| Error::Read {
        path: path.clone(),
        source,
    })?;
    Ok(vec![SourceFile {
        path: rel.to_string(),
        bytes,
    }])
}

/// Editor litter and hidden files (`.x`, `x~`, `.swp`, `.swx`, `.tmp`,
/// `#x#`): never read as content or theme files, and never a reason for
/// `serve` to rebuild.
pub fn is_litter(name: &str) -> bool {
    name.starts_with('.')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name.starts_with('#')
}

/// Read every file below `dir`, naming each `prefix/<relative path>`.
fn read_tree(
    root: &Path,
    dir: &Path,
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
) -> Result<Vec<SourceFile>, Error> {
    let mut files = Vec::new();
    walk_tree(root, dir, prefix, diags, usize::MAX, &mut |paths| {
        files.append(&mut read_batch(paths, &|f| f)?);
        Ok(())
    })?;
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Walk `dir` by the loading rules, handing the paths of its files (on
/// disk and in the site) to `each` in batches of up to `batch`. The walk to
/// the next batch runs beside `each` of the current one (reading and
/// parsing it, in a build), so no core waits for the walk between batches.
fn walk_tree(
    root: &Path,
    dir: &Path,
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
    batch: usize,
    each: &mut (dyn FnMut(Vec<(PathBuf, String)>) -> Result<(), Error> + Send),
) -> Result<(), Error> {
    if !dir.is_dir() {
        return Ok(());
    }
    let mut walker = WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_str().is_none_or(is_litter));
    let mut paths = next_paths(&mut walker, root, dir, prefix, diags, batch);
    while !paths.is_empty() {
        let (read, next) = rayon::join(
            || each(std::mem::take(&mut paths)),
            || next_paths(&mut walker, root, dir, prefix, diags, batch),
        );
        read?;
        paths = next;
    }
    Ok(())
}

/// The next up to `batch` files of the walk: their paths on disk and in
/// the site.
fn next_paths<P: FnMut(&walkdir::DirEntry) -> bool>(
    walker: &mut walkdir::FilterEntry<walkdir::IntoIter, P>,
    root: &Path,
    dir: &Path,
    prefix: &str,
    diags: &mut Vec<Diagnostic>,
    batch: usize,
) -> Vec<(PathBuf, String)> {
    let mut files = Vec::new();
    while files.len() < batch {
        let Some(entry) = walker.next() else { break };
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e
                    .path()
                    .map(|p| rel(root, p))
                    .unwrap_or_else(|| prefix.to_string());
                let msg = if e.loop_ancestor().is_some() {
                    "symlink loop: this link points back to one of its own parent folders; it is skipped".to_string()
                } else {
                    format!("cannot read this entry ({e}); it is skipped")
                };
                diags.push(Diagnostic::warning(&path, Loc::START, "unreadable", msg));
                continue;
            }
        };
        let path = entry.path();
        if entry.path_is_symlink() {
            let inside = fs::canonicalize(path)
                .map(|t| t.starts_with(root))
                .unwrap_or(false);
            if !inside {
                diags.push(Diagnostic::warning(&rel(root, path), Loc::START, "symlink-outside", "symlink points outside the site root and is not followed; copy the file into the site instead"));
                // Not following means not descending either: the files of
                // a linked folder outside the site are not symlinks
                // themselves and would otherwise be read.
                if entry.file_type().is_dir() {
                    walker.skip_current_dir();
                }
                continue;
            }
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel_path) = path.strip_prefix(dir).ok().and_then(|p| p.to_str()) else {
            diags.push(Diagnostic::warning(
                &rel(root, path),
                Loc::START,
                "bad-file-name",
                "file name is not valid UTF-8; it is skipped",
            ));
            continue;
        };
        files.push((
            path.to_path_buf(),
            format!("{prefix}/{}", rel_path.replace('\\', "/")),
        ));
    }
    files
}

/// Read a batch of files found by the walk, in parallel (a core would
/// otherwise wait while the other reads), each handed to `map` as soon as
/// it is read; the results come in walk order, and the first file that
/// cannot be read, in that order, is the error.
fn read_batch<T: Send>(
    paths: Vec<(PathBuf, String)>,
    map: &(dyn Fn(SourceFile) -> T + Sync),
) -> Result<Vec<T>, Error> {
    let read: Vec<Result<T, Error>> = paths
        .into_par_iter()
        .map(|(path, name)| match fs::read(&path) {
            Ok(bytes) => Ok(map(SourceFile { path: name, bytes })),
            Err(source) => Err(Error::Read { path, source }),
        })
        .collect();
    read.into_iter().collect()
}

fn rel(root: &Path, p: &Path) -> String {
    p.strip_prefix(root)
        .unwrap_or(p)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Make `path` absolute and lexically clean (without touching the disk for
/// components that do not exist yet).
fn absolute(path: &Path) -> Result<PathBuf, Error> {
    let base = if path.is_absolute() {
        PathBuf::new()
    } else {
        std::env::current_dir().map_err(|source| Error::Read {
            path: PathBuf::from("."),
            source,
        })?
    };
    let mut out = PathBuf::new();
    for c in base.join(path).components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    // Resolve symlinks in the part that exists, so `/tmp/link-to-root/public`
    // cannot sneak past the checks below.
    let mut existing = out.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (
            existing.file_name().map(|n| n.to_os_string()),
            existing.parent(),
        ) {
            (Some(name), Some(parent)) => {
                rest.push(name);
                existing = parent.to_path_buf();
            }
            _ => break,
        }
    }
    let mut resolved = fs::canonicalize(&existing).unwrap_or(existing);
    for name in rest.into_iter().rev() {
        resolved.push(name);
    }
    Ok(resolved)
}

/// Decide where output goes and refuse dangerous places (exit code 2).
pub fn output_dir(root: &Path, requested: Option<&Path>) -> Result<PathBuf, Error> {
    let out = match requested {
        Some(p) => absolute(p)?,
        None => root.join("public"),
    };
    let refuse = |reason: &str| {
        Err(Error::UnsafeOutput {
            path: out.clone(),
            reason: reason.to_string(),
        })
    };
    if out.parent().is_none() {
        return refuse("it is the file-system root");
    }
    if let Some(home) = std::env::var_os("HOME")
        .map(PathBuf::from)
        .and_then(|h| fs::canonicalize(h).ok())
    {
        if out == home {
            return refuse("it is your home directory");
        }
    }
    if root.starts_with(&out) {
        return refuse("it is the site root or one of its parent folders");
    }
    for protected in ["content", "themes", "templates", "static"] {
        if out.starts_with(root.join(protected)) {
            return refuse(&format!("it is inside the site's {protected}/ folder"));
        }
    }
    if out.exists() {
        if !out.is_dir() {
            return refuse("it exists and is not a directory");
        }
        let empty = fs::read_dir(&out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !empty && !out.join(MARKER).exists() {
            return refuse(
                "it is a non-empty directory that Vakwerk did not create; choose an empty or new folder",
            );
        }
    }
    Ok(out)
}

/// Write `files` to `out` atomically (see module docs).
pub fn write_output(out: &Path, files: &[OutputFile]) -> Result<(), Error> {
    let staging = Staging::begin(out)?;
    for f in files {
        staging.write(f)?;
    }
    staging.commit()
}

/// A build's output under way: files go into a hidden sibling of the output
/// folder, which replaces the output only on `commit`. Dropped without a
/// commit (a failed build, an error, a panic), it removes itself, and the
/// previous output was never touched. `write` may be called from several
/// threads at once, so rendering and writing overlap.
pub struct Staging {
    out: PathBuf,
    parent: PathBuf,
    name: String,
    dir: PathBuf,
    /// Folders already made, so each is created once.
    made: std::sync::Mutex<std::collections::HashSet<PathBuf>>,
    committed: bool,
}

impl Staging {
    /// Start writing a build that will replace `out`.
    pub fn begin(out: &Path) -> Result<Staging, Error> {
        let parent = out.parent().ok_or_else(|| Error::UnsafeOutput {
            path: out.to_path_buf(),
            reason: "it has no parent folder".into(),
        })?;
        let name = out
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("public")
            .to_string();
        fs::create_dir_all(parent).map_err(|source| Error::Write {
            path: parent.to_path_buf(),
            source,
        })?;
        remove_stale(parent, &name);
        let dir = parent.join(format!(".{name}.vakwerk-staging-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).map_err(|source| Error::Write {
            path: dir.clone(),
            source,
        })?;
        Ok(Staging {
            out: out.to_path_buf(),
            parent: parent.to_path_buf(),
            name,
            dir,
            made: std::sync::Mutex::default(),
            committed: false,
        })
    }

    /// Write one file of the build.
    pub fn write(&self, f: &OutputFile) -> Result<(), Error> {
        let target = safe_join(&self.dir, &f.path).ok_or_else(|| Error::UnsafeOutput {
            path: PathBuf::from(&f.path),
            reason: "an output path would escape the output directory".into(),
        })?;
        if let Some(dir) = target.parent() {
            // A folder is recorded only once it exists: another thread that
            // finds it recorded writes into it straight away.
            let known = self.made.lock().is_ok_and(|made| made.contains(dir));
            if !known {
                fs::create_dir_all(dir).map_err(|source| Error::Write {
                    path: dir.to_path_buf(),
                    source,
                })?;
                if let Ok(mut made) = self.made.lock() {
                    made.insert(dir.to_path_buf());
                }
            }
        }
        fs::write(&target, &f.bytes).map_err(|source| Error::Write {
            path: target.clone(),
            source,
        })
    }

    /// Mark the folder as Vakwerk's and swap it in for the output.
    pub fn commit(mut self) -> Result<(), Error> {
        let marker = self.dir.join(MARKER);
        fs::write(
            &marker,
            b"This folder is generated by vakwerk build and replaced on every build.\n",
        )
        .map_err(|source| Error::Write {
            path: marker,
            source,
        })?;
        swap_in(
            &self.dir,
            &self.out,
            &self.parent,
            &self.name,
            std::process::id(),
        )?;
        self.committed = true;
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// Join a generated relative path below `dir`, refusing anything that could
/// leave it.
fn safe_join(dir: &Path, rel: &str) -> Option<PathBuf> {
    let mut out = dir.to_path_buf();
    for seg in rel.split('/') {
        if seg.is_empty() || seg == "." || seg == ".." || seg.contains('\\') || seg.contains('\0') {
            return None;
        }
        out.push(seg);
    }
    Some(out)
}

fn swap_in(staging: &Path, out: &Path, parent: &Path, name: &str, pid: u32) -> Result<(), Error> {
    let old = parent.join(format!(".{name}.vakwerk-old-{pid}"));
    let had_old = out.exists();
    if had_old {
        fs::rename(out, &old).map_err(|source| Error::Write {
            path: out.to_path_buf(),
            source,
        })?;
    }
    if let Err(source) = fs::rename(staging, out) {
        if had_old {
            let _ = fs::rename(&old, out);
        }
        return Err(Error::Write {
            path: out.to_path_buf(),
            source,
        });
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Remove staging and old directories left by killed builds.
fn remove_stale(parent: &Path, name: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    let prefixes = [
        format!(".{name}.vakwerk-staging-"),
        format!(".{name}.vakwerk-old-"),
    ];
    for e in entries.flatten() {
        let n = e.file_name();
        let Some(n) = n.to_str() else { continue };
        if prefixes.iter().any(|p| n.starts_with(p.as_str())) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Create `path` with `text`, never overwriting an existing file.
pub fn create_new(path: &Path, text: &str) -> Result<(), Error> {
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|source| Error::Write {
            path: dir.to_path_buf(),
            source,
        })?;
    }
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|source| Error::Write {
            path: path.to_path_buf(),
            source,
        })?;
    f.write_all(text.as_bytes()).map_err(|source| Error::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// One line of a file under the root (for diagnostic excerpts).
pub fn line_of(root: &Path, file: &str, line: u32) -> Option<String> {
    let text = fs::read(root.join(file)).ok()?;
    let text = String::from_utf8_lossy(&text);
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    text.lines()
        .nth((line as usize).checked_sub(1)?)
        .map(|l| l.trim_end_matches('\r').to_string())
}
