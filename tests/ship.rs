//! What the shipped `slo` says about itself: `--version` names the commit it was built from.
//! (The package, the Debian package, the pre-commit hook and the GitHub Action are exercised
//! end to end by `.ci/run`.)

use std::path::Path;
use std::process::Command;

use crate::workdir::Workdir;

/// `git ARGS` in the repository, trimmed; `None` without git or outside a checkout.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .env("TZ", "UTC")
        .output()
        .ok()?;
    let text = String::from_utf8(output.stdout).ok()?.trim().to_string();
    (output.status.success() && !text.is_empty()).then_some(text)
}

#[test]
fn version_names_the_commit_and_its_date_when_built_from_git() {
    let version = env!("CARGO_PKG_VERSION");
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let checkout = git(&["rev-parse", "--show-toplevel"])
        .is_some_and(|top| Path::new(&top).canonicalize().ok() == manifest.canonicalize().ok());
    let expected = if checkout {
        let hash = git(&["rev-parse", "--short=7", "HEAD"]).expect("HEAD's hash");
        let date = git(&["log", "-1", "--format=%cd", "--date=format-local:%Y-%m-%d"])
            .expect("HEAD's date");
        // The format ripgrep and rustc use: `slo 0.2.0 (1a2b3c4 2026-12-06)`.
        assert_eq!(date.len(), "2026-12-06".len(), "{date}");
        format!("slo {version} ({hash} {date})\n")
    } else {
        format!("slo {version}\n")
    };
    let dir = Workdir::new();
    for flag in ["--version", "-V"] {
        let run = dir.run(&[flag]);
        run.expect_code(0);
        assert_eq!(run.stdout(), expected, "{run}");
    }
}
