//! Browser suites: each builds a site with the real binary, then runs a Node
//! script in `tests/browser/` that drives Debian's headless Chromium through
//! playwright-core. `.ci/run` installs Chromium and the npm packages; a
//! machine without them fails here with instructions, never silently.

#![allow(dead_code)] // Used by the suites added per feature.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::support::{code, vakwerk};

/// Build the site at `root` into a fresh temporary output folder.
pub fn built_site(root: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let out = tempfile::tempdir().expect("tmp");
    let public = out.path().join("public");
    let mut args = vec![
        "build",
        "--root",
        root.to_str().expect("utf-8"),
        "--output",
        public.to_str().expect("utf-8"),
    ];
    args.extend_from_slice(extra);
    let o = vakwerk(&args, root);
    assert_eq!(
        code(&o),
        0,
        "build failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    (out, public)
}

/// Run `tests/browser/<script>` with `args`; panics with its output on failure.
pub fn node(script: &str, args: &[&str]) {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir()
            && Path::new("/usr/bin/chromium").exists(),
        "browser tests need Chromium and the npm packages: `apt-get install chromium chromium-driver` and `npm ci --prefix tests/browser` (.ci/run does both)"
    );
    // A hung browser must fail the suite, not hang it.
    let o = Command::new("timeout")
        .arg("900")
        .arg("node")
        .arg(dir.join(script))
        .args(args)
        .current_dir(&dir)
        .output()
        .expect("node runs");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "{script} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.contains(" passed, 0 failed"),
        "{script} ran no tests:\n{stdout}"
    );
}
