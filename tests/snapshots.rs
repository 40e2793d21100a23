//! Snapshot tests: the exact output of every format for the bundled examples at fixed
//! instants, and for a small fixture with groups, invalid rows and a window without data.
//! Review changes with `cargo insta review` (or `INSTA_UPDATE=always cargo test`, then `git diff`).

use std::path::Path;

use crate::workdir::{run_in, Workdir};

const AT: &str = "2026-10-15T23:59:02.383Z";

/// The stdout of `slo ARGS` run in the repository, which must succeed.
fn run_in_repo(args: &[&str]) -> String {
    let run = run_in(Path::new(env!("CARGO_MANIFEST_DIR")), args);
    run.expect_code(0);
    String::from_utf8(run.output.stdout).expect("UTF-8 output")
}

#[test]
fn table_of_the_examples() {
    insta::assert_snapshot!(run_in_repo(&["report", "--at", AT, "--color", "never"]));
}

/// `text` without its colour codes (`ESC [ … m`).
fn uncoloured(text: &str) -> String {
    let mut plain = String::new();
    let mut rest = text;
    while let Some(start) = rest.find('\u{1b}') {
        plain.push_str(&rest[..start]);
        let code = &rest[start..];
        let end = code.find('m').expect("a colour code ends in m");
        rest = &code[end + 1..];
    }
    plain.push_str(rest);
    plain
}

#[test]
fn colour_changes_only_the_colour_of_the_table() {
    // The width of a coloured table was once taken with its colour codes counted as
    // characters: near 100 columns the sparklines were dropped, and the status padded with
    // spaces inside its colour that no line end trimmed.
    let plain = run_in_repo(&["report", "--at", AT, "--color", "never"]);
    let coloured = run_in_repo(&["report", "--at", AT, "--color", "always"]);
    assert!(
        coloured.contains("\u{1b}[38;5;9mEXHAUSTED\u{1b}[39m"),
        "{coloured}"
    );
    assert_eq!(uncoloured(&coloured), plain);
    assert!(
        coloured.lines().all(|line| !line.ends_with(' ')),
        "{coloured}"
    );
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

/// Per-route results at 2026-03-10T12:00:00Z: route /a has an invalid row and no data in the
/// 1h window; route /b has a bad event in the 7d window only.
fn per_route(format: &str) -> String {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: per-route\n    service: shop\n    objective: 99.5\n    windows: [7d, 1h]\n    good: status < 500\n    group_by: [route]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,route,status\n2026-03-09T10:00:00Z,/a,200\n2026-03-09T10:00:01Z,/a,oops\n2026-03-09T10:00:02Z,/b,503\n2026-03-10T11:30:00Z,/b,200\n",
    );
    let run = dir
        .report()
        .log("log.csv")
        .at("2026-03-10T12:00:00Z")
        .format(format)
        .args(&["--color", "never"])
        .run();
    run.expect_code(0);
    run.stdout()
}

#[test]
fn table_with_invalid_rows_and_no_data() {
    insta::assert_snapshot!(per_route("table"));
}

const OUTAGE: &str = "2026-10-02T18:00:00Z";

fn during_the_outage(format: &str) -> String {
    run_in_repo(&["report", "--at", OUTAGE, "-f", format])
}

#[test]
fn csv_during_the_checkout_outage() {
    insta::assert_snapshot!(during_the_outage("csv"));
}

#[test]
fn markdown_during_the_checkout_outage() {
    insta::assert_snapshot!(during_the_outage("markdown"));
}

#[test]
fn prometheus_during_the_checkout_outage() {
    insta::assert_snapshot!(during_the_outage("prometheus"));
}

#[test]
fn junit_during_the_checkout_outage() {
    insta::assert_snapshot!(during_the_outage("junit"));
}

#[test]
fn json_during_the_checkout_outage() {
    insta::assert_snapshot!(run_in_repo(&[
        "report",
        "--at",
        OUTAGE,
        "-f",
        "json",
        "--slo",
        "checkout-*"
    ]));
}

#[test]
fn csv_with_invalid_rows_and_no_data() {
    insta::assert_snapshot!(per_route("csv"));
}

#[test]
fn markdown_with_invalid_rows_and_no_data() {
    insta::assert_snapshot!(per_route("markdown"));
}

#[test]
fn prometheus_with_invalid_rows_and_no_data() {
    insta::assert_snapshot!(per_route("prometheus"));
}

#[test]
fn junit_with_invalid_rows_and_no_data() {
    insta::assert_snapshot!(per_route("junit"));
}

/// Group values and field names that each format must escape.
fn awkward(format: &str) -> String {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: awkward\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [user-agent, le]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,user-agent,le,status\n\
         2026-03-10T11:00:00Z,\"say \"\"hi\"\" \\ | *x* <b>&amp;\",1,200\n\
         2026-03-10T11:00:01Z,\"two\nlines\",2,503\n",
    );
    let run = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-03-10T12:00:00Z",
        "--fail-on",
        "exhausted,no-data",
        "-f",
        format,
    ]);
    run.stdout()
}

#[test]
fn every_format_escapes_awkward_values() {
    let outputs: Vec<String> = ["csv", "markdown", "prometheus", "junit"]
        .iter()
        .map(|format| format!("=== {format}\n{}", awkward(format)))
        .collect();
    insta::assert_snapshot!(outputs.join("\n"));
}

#[test]
fn table_over_the_checkout_outage_interval() {
    insta::assert_snapshot!(run_in_repo(&[
        "report",
        "--between",
        "2026-10-02T17:24:00Z..2026-10-02T18:09:00Z",
        "--color",
        "never"
    ]));
}
