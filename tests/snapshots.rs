//! Snapshot tests: the exact table and JSON for the bundled examples at a fixed instant.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test`, then `git diff`).

mod common;

use std::path::Path;

use common::Workdir;

const AT: &str = "2026-10-15T23:59:02.383Z";

fn run_in_repo(args: &[&str]) -> String {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_slo"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")))
        .env_remove("NO_COLOR")
        .output()
        .expect("run slo");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8(output.stdout).expect("UTF-8 output")
}

#[test]
fn table_of_the_examples() {
    insta::assert_snapshot!(run_in_repo(&["report", "--at", AT, "--color", "never"]));
}

#[test]
fn table_during_the_checkout_outage() {
    insta::assert_snapshot!(run_in_repo(&[
        "report",
        "--at",
        "2026-10-02T18:00:00Z",
        "--color",
        "never"
    ]));
}

#[test]
fn json_of_the_examples() {
    insta::assert_snapshot!(run_in_repo(&[
        "report", "--at", AT, "-f", "json", "--slo", "c*"
    ]));
}

#[test]
fn table_with_invalid_rows_and_no_data() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: per-route\n    service: shop\n    objective: 99.5\n    windows: [7d, 1h]\n    good: status < 500\n    group_by: [route]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,route,status\n2026-03-09T10:00:00Z,/a,200\n2026-03-09T10:00:01Z,/a,oops\n2026-03-09T10:00:02Z,/b,503\n2026-03-10T11:30:00Z,/b,200\n",
    );
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-03-10T12:00:00Z",
        "--color",
        "never",
    ]);
    run.expect_code(0);
    insta::assert_snapshot!(run.stdout());
}
