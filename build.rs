//! Names the commit `slo` is built from, for `slo --version`: `slo 0.2.0 (1a2b3c4 2026-12-06)`,
//! as rustc, ripgrep and fd do, so that a bug report says exactly what ran.
//!
//! The build sets `SLO_VERSION` to the package version followed by
//! - the commit's short hash and its date (UTC) when this package is the top of a git checkout
//!   (a clone, `cargo install --git`), read with `git`;
//! - the short hash alone when built from a packaged crate (`cargo install slo`): `cargo
//!   package` records the commit in `.cargo_vcs_info.json` (not when the tree was dirty);
//! - nothing more otherwise (a source tarball, or no `git` on the machine).
//!
//! Never from a repository that merely contains the package (a crate vendored in a monorepo,
//! a registry cache under a home folder kept in git): that commit would not be `slo`'s.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    let version = std::env::var("CARGO_PKG_VERSION").unwrap_or_default();
    let dir = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
    let (revision, watched) = match from_git(&dir) {
        Some((commit, watched)) => (Some(commit), watched),
        None => {
            let info = dir.join(".cargo_vcs_info.json");
            (packaged_commit(&info), vec![info])
        }
    };
    // Rerun only when the commit can have changed: HEAD moved, the branch it names moved, or
    // the recorded commit changed. A path that does not exist would rerun every build.
    for path in watched.iter().filter(|p| p.exists()) {
        println!("cargo:rerun-if-changed={}", path.display());
    }
    println!("cargo:rerun-if-changed=build.rs");
    let long = match revision {
        Some(revision) => format!("{version} ({revision})"),
        None => version,
    };
    println!("cargo:rustc-env=SLO_VERSION={long}");
}

/// `1a2b3c4 2026-12-06` for HEAD when `dir` is the top of a git work tree, with the files
/// whose change means another commit.
fn from_git(dir: &Path) -> Option<(String, Vec<PathBuf>)> {
    let top = git(dir, &["rev-parse", "--show-toplevel"])?;
    if !same_dir(Path::new(&top), dir) {
        return None;
    }
    let commit = git(
        dir,
        &[
            "log",
            "-1",
            "--abbrev=7",
            "--format=%h %cd",
            "--date=format-local:%Y-%m-%d",
        ],
    )?;
    // HEAD and its reflog (per work tree: a commit, checkout or reset here appends to it, even
    // when the branch's ref is packed, or not yet written loose), the ref HEAD points to, and
    // packed-refs. Not the folders of refs: other work trees' commits would rebuild this one.
    let git_dir = PathBuf::from(git(dir, &["rev-parse", "--absolute-git-dir"])?);
    let common = dir.join(git(dir, &["rev-parse", "--git-common-dir"])?);
    let mut watched = vec![
        git_dir.join("HEAD"),
        git_dir.join("logs").join("HEAD"),
        common.join("packed-refs"),
    ];
    if let Some(branch) = git(dir, &["symbolic-ref", "-q", "HEAD"]) {
        watched.push(common.join(branch));
    }
    Some((commit, watched))
}

/// The trimmed standard output of `git ARGS` run in `dir` (dates in UTC), if it succeeds and
/// says something.
fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("TZ", "UTC")
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?;
    let text = text.trim();
    (output.status.success() && !text.is_empty()).then(|| text.to_string())
}

fn same_dir(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The short hash `cargo package` recorded in `.cargo_vcs_info.json`
/// (`{"git": {"sha1": "…", "dirty": true}, "path_in_vcs": ""}`), unless the tree was dirty.
fn packaged_commit(info: &Path) -> Option<String> {
    let text = std::fs::read_to_string(info).ok()?;
    if text.contains("\"dirty\"") {
        return None;
    }
    let after = &text[text.find("\"sha1\"")? + "\"sha1\"".len()..];
    let start = after.find('"')? + 1;
    let sha: String = after[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect();
    (sha.len() >= 7).then(|| sha[..7].to_string())
}
