//! The `slo` binary end to end: stdout, stderr and exit status for every command.

use crate::workdir::{shell_command, slo_command, Run, Running, Workdir};

const SPEC: &str = "\
version: 1
slos:
  - name: availability
    service: shop
    objective: 99
    windows: [1d, 1h]
    good: status < 500
";

const AT: &str = "2026-03-10T12:00:00Z";

/// Hand-computed at A = 2026-03-10T12:00:00Z:
/// 1d window (A−1d, A]: 200, 500, 200, 503 → total 4, good 2, bad 2; "abc" → invalid 1.
/// 1h window: 200 (11:30), 503 (12:00) → total 2, good 1, bad 1; invalid 1.
/// The row at exactly A−1d is outside both windows but inside the default alerts' 3d lookback,
/// so it still counts as matched; A+1ms is outside everything. Malformed: "yesterday".
/// [`shop_log`] adds rows from long ago, outside everything.
const LOG: &str = "\
timestamp,status
2026-03-09T12:00:00Z,500
2026-03-09T12:00:00.001Z,200
2026-03-10T11:00:00Z,500
2026-03-10T11:30:00Z,200
2026-03-10T11:45:00Z,abc
2026-03-10T12:00:00Z,503
2026-03-10T12:00:00.001Z,200
yesterday,200
";

/// Rows from January that [`shop_log`] adds to [`LOG`]: outside every window and lookback,
/// they make its one malformed row less than the 1 % of rows that `--max-malformed` allows.
const OLD_ROWS: u64 = 100;

/// [`LOG`] with [`OLD_ROWS`] rows from long ago after its header.
fn shop_log() -> String {
    let (header, rows) = LOG.split_once('\n').expect("header");
    let old: String = (0..OLD_ROWS)
        .map(|i| format!("2026-01-01T00:{:02}:{:02}Z,200\n", i / 60, i % 60))
        .collect();
    format!("{header}\n{old}{rows}")
}

fn shop() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", shop_log());
    dir
}

#[test]
fn report_json_has_hand_computed_figures() {
    let dir = shop();
    let run = dir.report().log("log.csv").at(AT).run();
    let report = run.expect_code(0).report();
    assert_eq!(report.evaluated_at, "2026-03-10T12:00:00Z");
    let inputs = &report.inputs;
    assert_eq!(inputs.rows, 8 + OLD_ROWS);
    assert_eq!(inputs.malformed, 1);
    assert_eq!(inputs.outside_windows, 1 + OLD_ROWS);
    assert_eq!(inputs.matched, 6);
    assert_eq!(inputs.unselected, 0);

    let day = report.result("availability", "1d");
    assert_eq!(day.service.as_deref(), Some("shop"));
    assert_eq!(day.start, "2026-03-09T12:00:00Z");
    assert_eq!(day.end, "2026-03-10T12:00:00Z");
    assert_eq!(day.objective, 99.0);
    assert_eq!(day.budgeting, "occurrences");
    assert_eq!((day.total, day.good, day.bad, day.invalid), (4, 2, 2, 1));
    assert_eq!(day.sli, Some(0.5));
    assert!((day.sli_margin.unwrap() + 0.49).abs() < 1e-12);
    assert!((day.error_budget.allowed - 0.04).abs() < 1e-12);
    assert!((day.error_budget.consumed.unwrap() - 50.0).abs() < 1e-9);
    assert!((day.error_budget.remaining.unwrap() + 49.0).abs() < 1e-9);
    assert_eq!(day.status, "exhausted");
    assert!(day.group.is_empty(), "{day:#?}");

    let hour = report.result("availability", "1h");
    assert_eq!((hour.total, hour.good, hour.invalid), (2, 1, 1));

    run.stderr_has("log.csv:109: malformed row skipped: timestamp 'yesterday'");
    run.stderr_has("SLO availability: 1 row invalid");
    run.stderr_has("log.csv:106: field `status` is not a number");
}

#[test]
fn the_exact_boundary_is_exhausted_and_fails_the_check() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: api\n    objective: 99.9\n    windows: [30d]\n    good: status < 500\n");
    let mut log = String::from("timestamp,status\n");
    for i in 0..1000 {
        let status = if i == 500 { 500 } else { 200 };
        log.push_str(&format!(
            "2026-03-01T00:{:02}:{:02}Z,{status}\n",
            i / 60,
            i % 60
        ));
    }
    dir.write("spent.csv", &log);
    log.push_str("2026-03-01T01:00:00Z,200\n");
    dir.write("sliver.csv", &log);

    let report = dir.report().log("spent.csv").at(AT).run().report();
    let api = report.result("api", "30d");
    assert_eq!(api.bad, 1);
    assert_eq!(api.error_budget.consumed, Some(1.0));
    assert_eq!(api.error_budget.remaining, Some(0.0));
    assert_eq!(api.status, "exhausted");

    dir.run(&["check", "-s", "spec.yaml", "spent.csv", "--at", AT])
        .expect_code(1)
        .stdout_has("FAIL api [30d]: exhausted");
    dir.run(&["check", "-s", "spec.yaml", "sliver.csv", "--at", AT])
        .expect_code(0)
        .stdout_has("ok: 0 of 1 results fail the policy");
}

#[test]
fn check_policy_no_data() {
    let dir = shop();
    // At an instant long after the log, every window is empty: no result has an event, which
    // fails a check whatever its policy, and says why.
    let late = "2027-01-01T00:00:00Z";
    dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", late])
        .expect_code(1)
        .stdout_has("FAIL no result has any event: every row read is outside the windows at 2027-01-01T00:00:00Z: the newest row is from 2026-03-10T12:00:00.001Z");
    dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        late,
        "--fail-on",
        "exhausted,no-data",
    ])
    .expect_code(1)
    .stdout_has("no_data");
    dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        late,
        "--fail-on",
        "nonsense",
    ])
    .expect_code(2);
}

#[test]
fn check_fails_when_no_result_has_any_event_and_says_why() {
    let dir = shop();
    dir.write("empty.csv", "timestamp,status\n");
    dir.write("bad.csv", "timestamp,status\nyesterday,200\n");
    dir.write(
        "other.csv",
        "timestamp,status,route\n2026-03-10T11:00:00Z,200,/b\n",
    );
    dir.write(
        "filtered.yaml",
        "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    filter: route == \"/a\"\n    good: status < 500\n",
    );
    let check = |args: &[&str]| {
        let mut all = vec!["check", "--at", AT];
        all.extend(args);
        dir.run(&all)
    };
    for (args, reason) in [
        (
            &["-s", "spec.yaml", "empty.csv"][..],
            "no rows were read: the logs are empty",
        ),
        (
            &["-s", "spec.yaml", "bad.csv", "--max-malformed", "100%"],
            "all 1 rows read are malformed",
        ),
        (
            &["-s", "filtered.yaml", "other.csv"],
            "no SLO's filter selects any of the 1 rows inside its windows",
        ),
    ] {
        check(args)
            .expect_code(1)
            .stdout_has(&format!("FAIL no result has any event: {reason}"))
            .stdout_has("FAILED: 0 of");
        // Quiet, in another format: the exit status holds and stderr still says why.
        let mut quiet = args.to_vec();
        quiet.extend(["-q", "-f", "json"]);
        check(&quiet)
            .expect_code(1)
            .stderr_has(&format!("check failed: no result has any event: {reason}"));
    }
}

#[test]
fn junit_and_markdown_show_why_a_check_without_events_fails() {
    let dir = shop();
    dir.write("empty.csv", "timestamp,status\n");
    let junit = dir.run(&[
        "check",
        "-q",
        "-s",
        "spec.yaml",
        "empty.csv",
        "--at",
        AT,
        "-f",
        "junit",
    ]);
    junit.expect_code(1);
    let xml = junit.stdout();
    let document = roxmltree::Document::parse(&xml).expect("junit parses");
    let root = document.root_element();
    assert_eq!(root.attribute("failures"), Some("1"), "{xml}");
    let failure = document
        .descendants()
        .find(|n| n.has_tag_name("failure"))
        .expect("a failure");
    assert_eq!(
        failure.attribute("message"),
        Some("no result has any event: no rows were read: the logs are empty")
    );
    dir.run(&[
        "check",
        "-q",
        "-s",
        "spec.yaml",
        "empty.csv",
        "--at",
        AT,
        "-f",
        "markdown",
    ])
    .expect_code(1)
    .stdout_has("**❌ No result has any event:** no rows were read: the logs are empty");
}

#[test]
fn validate_shows_control_characters_in_specs_escaped() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: \"x\\e]0;T\\a\"\n    \"obj\\e[31mective\": 99\n    good: status < 500\n",
    );
    let run = dir.run(&["validate", "spec.yaml"]);
    run.expect_code(2).stderr_has("obj\\x1b[31mective");
    assert!(
        !run.stderr().contains('\u{1b}'),
        "raw escape on stderr\n{run}"
    );
}

/// Bytes that are not text, and YAML scalars that are not expressions, are errors at their
/// place, not specs read up to where a parser stopped or fields nobody has.
#[test]
fn validate_refuses_what_is_no_spec_text_at_its_place() {
    let dir = Workdir::new();
    let spec = |tail: &str| {
        format!("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [30d]\n    alerts: []\n    good: status < 500\n{tail}")
    };
    let cases: [(&str, Vec<u8>, &str); 6] = [
        // A NUL used to end the file for the parser: SLO b, misspelt, was never seen.
        (
            "nul.yaml",
            spec("\0  - name: b\n    objetive: 99\n").into_bytes(),
            "nul.yaml:8:1: control character 0x00 in the spec",
        ),
        (
            "latin1.yaml",
            spec("  - name: caf\u{e9}\n")
                .replace('\u{e9}', "\u{1}")
                .into_bytes()
                .into_iter()
                .map(|b| if b == 1 { 0xe9 } else { b })
                .collect(),
            "latin1.yaml:8:14: byte 0xe9 is not UTF-8; save the spec as UTF-8",
        ),
        (
            "utf16.yaml",
            "\u{feff}version: 1\n"
                .encode_utf16()
                .flat_map(u16::to_le_bytes)
                .collect(),
            "utf16.yaml: spec is UTF-16 text",
        ),
        (
            "null.yaml",
            spec("    filter: null\n").into_bytes(),
            "null.yaml:8:13: `filter: null` is YAML's null, not an expression",
        ),
        (
            "tilde.yaml",
            spec("    filter: ~\n").into_bytes(),
            "tilde.yaml:8:13: `filter: ~` is YAML's null",
        ),
        (
            "true.yaml",
            spec("    filter: True\n").into_bytes(),
            "true.yaml:8:13: `filter: True` is a boolean in YAML and a field in an expression; write true, or field(\"True\")",
        ),
    ];
    for (name, bytes, error) in cases {
        dir.write(name, bytes);
        dir.run(&["validate", name])
            .expect_code(2)
            .stderr_has(error);
    }
    // Quoted, `True` is what it says: a field.
    dir.write("quoted.yaml", spec("    filter: \"True == 1\"\n"));
    dir.run(&["validate", "quoted.yaml"]).expect_code(0);
}

/// `validate` and `convert` take their specs as `report` does, with `-s`, as well as as
/// arguments; both ways add up.
#[test]
fn validate_and_convert_take_specs_with_s_as_report_does() {
    let dir = Workdir::new();
    dir.write(
        "a.yaml",
        "version: 1\nslos:\n  - {name: a, objective: 99, windows: [1d], alerts: [], good: status < 500}\n",
    );
    dir.write(
        "b.yaml",
        "version: 1\nslos:\n  - {name: b, objective: 99, windows: [1d], alerts: [], good: status < 500}\n",
    );
    dir.run(&["validate", "-s", "a.yaml"])
        .expect_code(0)
        .stdout_has("ok: 1 SLO in 1 spec file");
    dir.run(&["validate", "--spec", "a.yaml", "b.yaml"])
        .expect_code(0)
        .stdout_has("ok: 2 SLOs in 2 spec files");
    let converted = dir.run(&["convert", "--to", "openslo", "-s", "a.yaml"]);
    converted.expect_code(0).stdout_has("name: a\n");
}

#[test]
fn a_closed_standard_error_is_not_a_crash() {
    let dir = shop();
    let mut child = slo_command(
        dir.path(),
        &[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-o",
            "out.txt",
        ],
    )
    .stdout(std::process::Stdio::null())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("run slo");
    // Nobody reads its warnings: writing them fails with a broken pipe.
    drop(child.stderr.take());
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0), "slo ended with {status:?}");
    assert!(dir.path().join("out.txt").exists());
}

#[test]
fn mostly_malformed_logs_are_an_error_not_a_report() {
    let dir = shop();
    // 3 rows of 4 in another format than the spec reads.
    dir.write(
        "mixed.csv",
        "timestamp,status\n2026-03-10T11:00:00Z,200\nMar 10 11:00:00,503\nMar 10 11:00:01,503\nMar 10 11:00:02,503\n",
    );
    for command in ["report", "check"] {
        dir.run(&[command, "-s", "spec.yaml", "mixed.csv", "--at", AT])
            .expect_code(2)
            .stderr_has("75.0 % of the rows read are malformed (3 of 4), more than --max-malformed 1% allows")
            .stderr_has("mixed.csv:3: timestamp 'Mar 10 11:00:00'");
    }
    // The limit is a flag; 0 allows none, 100% any.
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "mixed.csv",
        "--at",
        AT,
        "--max-malformed",
        "75%",
    ])
    .expect_code(0);
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--max-malformed",
        "0",
    ])
    .expect_code(2)
    .stderr_has("more than --max-malformed 0% allows");
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--max-malformed",
        "two",
    ])
    .expect_code(2)
    .stderr_has("'two' is not a percentage");
    // An access log read as CSV because the user said so: the error names what it looks like.
    dir.write(
        "access.log",
        "203.0.113.9 - - [10/Mar/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8\"\n\
         203.0.113.9 - - [10/Mar/2026:11:00:01 +0000] \"GET / HTTP/1.1\" 503 612 \"-\" \"curl/8\"\n",
    );
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "access.log",
        "--at",
        AT,
        "--input-format",
        "csv",
    ])
    .expect_code(2)
    .stderr_has("the log looks like an nginx or Apache access log (common or combined format)");
    // Recognised without being told: read as nginx's combined format, not as CSV with a
    // request for its header.
    dir.run(&["report", "-s", "spec.yaml", "access.log", "--at", AT])
        .expect_code(0)
        .stdout_has("2 rows read as nginx (combined): 2 matched")
        .stdout_has("1/2");
    // A text line of no known format is an error that names the closest one, not a header.
    dir.write(
        "custom.log",
        "203.0.113.9 - - [10/Mar/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8\" 0.003 up\n",
    );
    dir.run(&["report", "-s", "spec.yaml", "custom.log", "--at", AT])
        .expect_code(2)
        .stderr_has("custom.log:1: this looks like an nginx or Apache access log")
        .stderr_has("closest to nginx (")
        .stderr_has("log_format");
}

#[test]
fn at_latest_without_any_valid_timestamp_shows_the_first_reasons() {
    let dir = shop();
    dir.write("bad.csv", "timestamp,status\nyesterday,200\n,503\n");
    dir.run(&["report", "-s", "spec.yaml", "bad.csv", "--at", "latest"])
        .expect_code(2)
        .stderr_has("--at latest: no row of the input has a valid timestamp; the first rows:")
        .stderr_has("bad.csv:2: timestamp 'yesterday' not an RFC 3339 timestamp")
        .stderr_has("bad.csv:3: timestamp '' empty");
}

#[test]
fn a_text_log_that_starts_with_a_bracket_is_not_read_as_a_json_array() {
    let dir = shop();
    dir.write(
        "app.log",
        "[2026-03-10 11:00:00] INFO started\n[2026-03-10 11:00:01] INFO ok\n",
    );
    dir.run(&["report", "-s", "spec.yaml", "app.log", "--at", AT])
        .expect_code(2)
        .stderr_has("app.log:1: this looks like a text log with a bracketed prefix");
}

#[test]
fn validate_notes_alerts_that_a_short_window_makes_fire_on_any_bad_event() {
    let dir = Workdir::new();
    dir.write(
        "short.yaml",
        "version: 1\nslos:\n  - name: short\n    objective: 99\n    windows: [5m, 1h]\n    good: status < 500\n",
    );
    dir.run(&["validate", "short.yaml"])
        .expect_code(0)
        .stderr_has("note: short.yaml:5:14: with a first window of 5m, these alerts fire on a burn rate at which the budget outlasts the window")
        .stderr_has("page 2 % over 1h/5m: its long lookback is not shorter than the window and its threshold (budget × window ÷ long lookback) is 0.0017×, below 1×")
        .stderr_has("ticket 10 % over 3d/6h");
    // The table prints such a threshold with digits enough to read.
    dir.write("log.csv", "timestamp,status\n2026-03-10T11:59:00Z,503\n");
    dir.run(&["report", "-s", "short.yaml", "log.csv", "--at", AT])
        .expect_code(0)
        .stdout_has("(limit 0.0017×)");
    // A calendar day is as short: noted too; a calendar month is the 30 days the policy is
    // scaled for.
    dir.write(
        "calendar.yaml",
        "version: 1\nslos:\n  - name: daily\n    objective: 99\n    windows: [{calendar: day, timezone: UTC}]\n    good: status < 500\n  - name: monthly\n    objective: 99\n    windows: [{calendar: month, timezone: UTC}]\n    good: status < 500\n",
    );
    let run = dir.run(&["validate", "calendar.yaml"]);
    run.expect_code(0).stderr_has(
        "note: calendar.yaml:5:14: with a first window of a calendar day, these alerts fire",
    );
    assert_eq!(run.stderr().matches("note:").count(), 1, "{run}");
    // The default policy on a 30-day window is what the SRE Workbook scales it for: no note.
    dir.write("spec.yaml", SPEC.replace("[1d, 1h]", "[30d]"));
    let run = dir.run(&["validate", "spec.yaml"]);
    run.expect_code(0);
    assert!(!run.stderr().contains("note:"), "{run}");
}

#[test]
fn check_with_json_output_still_sets_the_status() {
    let dir = shop();
    let run = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    run.expect_code(1);
    assert_eq!(run.report().results[0].status, "exhausted");
}

#[test]
fn strict_turns_bad_rows_into_errors() {
    let dir = shop();
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--strict",
    ])
    .expect_code(2)
    .stderr_has("log.csv:106: row is invalid for SLO availability: field `status` is not a number");
    dir.write(
        "only-malformed.csv",
        "timestamp,status\n2026-03-10T11:00:00Z,200\nnot-a-time,200\n",
    );
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "only-malformed.csv",
        "--at",
        AT,
        "--strict",
    ])
    .expect_code(2)
    .stderr_has("only-malformed.csv:3: malformed row: timestamp 'not-a-time'");
    dir.write(
        "ragged.csv",
        "timestamp,status\n2026-03-10T11:00:00Z,200,extra\n",
    );
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "ragged.csv",
        "--at",
        AT,
        "--max-malformed",
        "100%",
    ])
    .expect_code(0)
    .stderr_has("ragged.csv:2: malformed row skipped: 3 fields where the header has 2");
}

#[test]
fn table_output_is_readable() {
    let dir = shop();
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--color",
        "never",
    ]);
    run.expect_code(0)
        .stdout_has("SLO report at 2026-03-10T12:00:00Z")
        .stdout_has("availability")
        .stdout_has("EXHAUSTED")
        .stdout_has("50 %")
        .stdout_has(
            "108 rows read as csv: 6 matched, 101 outside every window, 0 selected by no SLO, 1 malformed",
        );
    assert!(
        !run.stdout().contains('\u{1b}'),
        "colour with --color never\n{run}"
    );
    assert!(
        run.stdout().lines().all(|l| l.chars().count() <= 100),
        "wider than 100 columns\n{run}"
    );
    let coloured = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--color",
        "always",
    ]);
    assert!(
        coloured.stdout().contains('\u{1b}'),
        "no colour with --color always\n{coloured}"
    );
}

#[test]
fn validate_reports_every_problem_with_positions() {
    let dir = Workdir::new();
    dir.write("good.yaml", SPEC);
    dir.run(&["validate", "good.yaml"])
        .expect_code(0)
        .stdout_has("ok: 1 SLO in 1 spec file");
    dir.write(
        "bad.yaml",
        "version: 1\nslos:\n  - name: a\n    objetive: 99.9\n    windows: [30 days]\n    good: status <\n  - name: b\n    objective: 0.999\n    windows: [7d]\n    good: ok\n",
    );
    let run = dir.run(&["validate", "good.yaml", "bad.yaml"]);
    run.expect_code(2)
        .stderr_has("bad.yaml:4:5: unknown key `objetive` in an SLO; did you mean `objective`?")
        .stderr_has("bad.yaml:5:15: ")
        .stderr_has("bad.yaml:6:19: in `good`")
        .stderr_has("bad.yaml:8:16: objective '0.999' is below 1 %; objectives are percentages: did you mean 99.9?");
    dir.write("dup.yaml", SPEC);
    dir.run(&["validate", "good.yaml", "dup.yaml"])
        .expect_code(2)
        .stderr_has("dup.yaml:3:5: SLO name 'availability' is already used at good.yaml:3:5");
    dir.run(&["validate", "missing.yaml"])
        .expect_code(2)
        .stderr_has("missing.yaml: no such spec file");
}

#[test]
fn report_refuses_an_invalid_spec() {
    let dir = shop();
    dir.write(
        "bad.yaml",
        "version: 1\nslos:\n  - name: x\n    objective: 100\n    windows: [1d]\n    good: ok\n",
    );
    dir.run(&["report", "-s", "bad.yaml", "log.csv"])
        .expect_code(2)
        .stderr_has("bad.yaml:4:16: objective '100' is out of range");
}

#[test]
fn usage_errors_exit_2() {
    let dir = shop();
    dir.run(&["report", "--no-such-flag"]).expect_code(2);
    dir.run(&["report", "-s", "spec.yaml", "log.csv", "--at", "yesterday"])
        .expect_code(2)
        .stderr_has("--at yesterday");
    dir.run(&["report", "-s", "spec.yaml", "nope.csv"])
        .expect_code(2)
        .stderr_has("nope.csv: no such log file");
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--slo",
        "availabilty",
    ])
    .expect_code(2)
    .stderr_has("did you mean availability?");
    dir.run(&["report", "log.csv"])
        .expect_code(2)
        .stderr_has("no spec given");
    dir.run(&["--version"]).expect_code(0).stdout_has("slo ");
    dir.run(&["--help"])
        .expect_code(0)
        .stdout_has("EXIT STATUS");
}

#[test]
fn at_latest_uses_the_last_timestamp_and_works_on_stdin() {
    let dir = shop();
    let run = dir.report().log("log.csv").at("latest").run();
    assert_eq!(
        run.expect_code(0).report().evaluated_at,
        "2026-03-10T12:00:00.001Z"
    );
    let log = shop_log();
    let piped = dir
        .report()
        .log("-")
        .at("latest")
        .stdin(log.as_bytes())
        .run();
    assert_eq!(
        piped.expect_code(0).json()["results"],
        run.json()["results"]
    );
}

/// One row dated ahead of this machine's clock decides `--at latest`, so the rows of the present
/// fall outside every window: a warning says so, with what to do; `check` without it had passed
/// quietly on one good event. Rows up to the clock raise no such warning.
#[test]
fn at_latest_warns_of_a_row_from_the_future() {
    let dir = shop();
    let mut log = shop_log();
    let warning = "--at latest evaluates at 2099-01-01T00:00:00Z, the latest timestamp in the \
                   logs,";
    let run = dir.report().log("log.csv").at("latest").run();
    assert!(
        !run.expect_code(0)
            .stderr()
            .contains("--at latest evaluates"),
        "{run}"
    );
    log.push_str("2099-01-01T00:00:00Z,200\n");
    dir.write("future.csv", &log);
    let run = dir.report().log("future.csv").at("latest").run();
    run.expect_code(0).stderr_has(warning).stderr_has(
        "after this machine's clock: a row with a wrong time decides where every window ends (107 \
         of the 109 rows read lie outside them); give --at a time, or --at now",
    );
    dir.run(&["check", "-s", "spec.yaml", "future.csv", "--at", "latest"])
        .stderr_has(warning);
}

#[test]
fn slo_selection_by_glob() {
    let dir = shop();
    dir.write("more.yaml", "version: 1\nslos:\n  - name: checkout-latency\n    objective: 99\n    windows: [1d]\n    good: status < 400\n");
    let report = dir
        .report()
        .spec("spec.yaml")
        .spec("more.yaml")
        .log("log.csv")
        .at(AT)
        .args(&["--slo", "check*"])
        .json_report();
    assert_eq!(report.results.len(), 1);
    assert_eq!(report.results[0].slo, "checkout-latency");
}

#[test]
fn default_spec_folder_and_source_paths() {
    let dir = Workdir::new();
    dir.write(
        "slo-specs/shop.yaml",
        SPEC.replace("slos:", "source:\n  paths: [../logs/]\nslos:"),
    );
    dir.write("logs/a.csv", shop_log());
    // No -s and no log: slo-specs/ and its source.paths.
    let run = dir.run(&["report", "--at", AT, "-f", "json"]);
    let report = run.expect_code(0).report();
    assert_eq!(report.result("availability", "1d").total, 4);
}

#[test]
fn groups_are_reported_separately_and_capped() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: per-route\n    objective: 90\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n");
    dir.write("log.csv", "timestamp,route,status\n2026-03-10T10:00:00Z,/a,200\n2026-03-10T10:00:01Z,/b,500\n2026-03-10T10:00:02Z,/a,500\n2026-03-10T10:00:03Z,/c,200\n");
    let report = dir.report().log("log.csv").at(AT).json_report();
    let routes: Vec<_> = report
        .results
        .iter()
        .map(|r| (r.group_value("route").unwrap(), r.total, r.bad))
        .collect();
    assert_eq!(routes, vec![("/a", 2, 1), ("/b", 1, 1), ("/c", 1, 0)]);
    // Past --max-groups, the busiest groups stay (ties by value) and the rest are counted
    // in (other), exactly; the run goes on.
    let run = dir
        .report()
        .log("log.csv")
        .at(AT)
        .args(&["--max-groups", "2"])
        .run();
    run.expect_code(0).stderr_has(
        "SLO per-route: 1 group of (route) past --max-groups 2 (those with the fewest events in the first window) is counted in one (other) group",
    );
    let report = run.report();
    let routes: Vec<_> = report
        .results
        .iter()
        .map(|r| {
            (
                r.group_value("route").expect("route"),
                r.total,
                r.folded.as_ref().map(|f| f.groups),
            )
        })
        .collect();
    assert_eq!(
        routes,
        vec![("/a", 2, None), ("/b", 1, None), ("(other)", 1, Some(1))]
    );
}

/// Runs `slo report -s spec.yaml log.csv --at AT -f FORMAT` in `dir` with its standard output
/// a pipe closed after reading `read` bytes of it, and checks that it exits 0 saying nothing
/// of it.
#[track_caller]
fn report_into_a_closed_pipe(dir: &Workdir, format: &str, read: usize) {
    let mut child = slo_command(
        dir.path(),
        &[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-f",
            format,
        ],
    )
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped())
    .spawn()
    .expect("slo runs");
    let mut stdout = child.stdout.take().expect("a pipe");
    let mut first = vec![0u8; read];
    std::io::Read::read_exact(&mut stdout, &mut first).expect("the first bytes");
    drop(stdout);
    let output = child.wait_with_output().expect("slo ends");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{format}: {stderr}");
    assert!(!stderr.contains("error"), "{format}: {stderr}");
}

#[test]
fn broken_pipe_is_quiet() {
    let dir = shop();
    for format in ["json", "table", "csv", "markdown", "prometheus", "junit"] {
        report_into_a_closed_pipe(&dir, format, 0);
    }
}

#[test]
fn a_pipe_closed_part_way_through_the_output_is_quiet() {
    // Standard output is written as the report is rendered: with 3 000 groups every format is
    // larger than a pipe holds, so the pipe closes while the renderer still writes.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: per-user\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [user]\n",
    );
    let mut log = String::from("timestamp,user,status\n");
    for i in 0..3000 {
        log.push_str(&format!("2026-03-10T10:00:00Z,user-{i:05},200\n"));
    }
    dir.write("log.csv", &log);
    for format in [
        "json",
        "table",
        "csv",
        "markdown",
        "prometheus",
        "junit",
        "html",
    ] {
        report_into_a_closed_pipe(&dir, format, 16);
    }
}

#[test]
fn no_color_is_honoured() {
    let dir = shop();
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_slo"));
    let output = command
        .args(["report", "-s", "spec.yaml", "log.csv", "--at", AT])
        .env("NO_COLOR", "1")
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&output.stdout).contains('\u{1b}'));
}

/// `slo COMMAND` on the bundled examples during the checkout outage (alerts fire, a budget
/// is spent), run in `dir`.
fn on_examples(dir: &Workdir, command: &str, args: &[&str]) -> Run {
    let repo = env!("CARGO_MANIFEST_DIR");
    let specs = format!("{repo}/slo-specs");
    let log = format!("{repo}/examples/logs/requests.csv");
    let mut all = vec![command, "-s", &specs, &log, "--at", "2026-10-02T18:00:00Z"];
    all.extend(args);
    dir.run(&all)
}

/// Runs `promtool check metrics` on `metrics`; `None` when promtool is not installed.
fn promtool_check(metrics: &[u8]) -> Option<std::process::Output> {
    use std::io::Write;
    let mut child = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .ok()?;
    child.stdin.take()?.write_all(metrics).ok()?;
    child.wait_with_output().ok()
}

#[test]
fn prometheus_output_passes_promtool() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: odd\n    service: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [user-agent, le, service, http.route]\n",
    );
    dir.write(
        "log.jsonl",
        r#"{"timestamp":"2026-10-02T17:00:00Z","user-agent":"say \"hi\" \\ {x}","le":"1","service":"a","http":{"route":"/a"},"status":200}
{"timestamp":"2026-10-02T17:30:00Z","user-agent":"two\nlines","le":"2","service":"b","http":{"route":"/b"},"status":503}
{"timestamp":"2026-10-02T17:40:00Z","status":200}
"#,
    );
    let outputs = [
        on_examples(&dir, "report", &["-f", "prometheus"]),
        dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            "log.jsonl",
            "--at",
            "2026-10-02T18:00:00Z",
            "-f",
            "prometheus",
        ]),
    ];
    for run in &outputs {
        run.expect_code(0).stdout_has("# TYPE slo_sli_ratio gauge");
    }
    outputs[1].stdout_has(r#"user_agent="two\nlines""#);
    outputs[1].stdout_has(r#"group_service="b""#);
    outputs[1].stdout_has(r#"http_route="/a""#);
    for run in &outputs {
        let Some(check) = promtool_check(&run.output.stdout) else {
            // CI installs promtool (.ci/run); elsewhere the check is skipped, plainly.
            assert!(
                std::env::var_os("CI").is_none(),
                "promtool is not on PATH, but CI must run this check"
            );
            eprintln!("promtool is not on PATH: `promtool check metrics` was NOT run");
            return;
        };
        assert!(
            check.status.success() && check.stdout.is_empty() && check.stderr.is_empty(),
            "promtool check metrics complains:\n{}{}\n{run}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn junit_output_is_well_formed_xml_with_failures_per_policy() {
    let dir = Workdir::new();
    let results = on_examples(&dir, "report", &["-f", "json"])
        .report()
        .results;
    let with_status = |statuses: &[&str]| {
        results
            .iter()
            .filter(|r| statuses.iter().any(|s| r.status == *s))
            .count()
    };
    let report = on_examples(&dir, "report", &["-f", "junit"]);
    report.expect_code(0);
    let check = on_examples(&dir, "check", &["-f", "junit", "--fail-on", "at-risk"]);
    check.expect_code(1);
    let failures = |run: &Run| {
        let text = run.stdout();
        let xml = roxmltree::Document::parse(&text)
            .unwrap_or_else(|e| panic!("not well-formed XML: {e}\n{run}"));
        let root = xml.root_element();
        assert_eq!(root.tag_name().name(), "testsuites");
        let cases: Vec<_> = root
            .descendants()
            .filter(|n| n.has_tag_name("testcase"))
            .collect();
        assert_eq!(
            cases.len(),
            results.len(),
            "one test case per SLO × group × window"
        );
        assert_eq!(
            root.attribute("tests"),
            Some(results.len().to_string().as_str())
        );
        let failed: Vec<(String, String)> = cases
            .iter()
            .filter_map(|case| {
                let failure = case.children().find(|n| n.has_tag_name("failure"))?;
                Some((
                    case.attribute("name")?.to_string(),
                    failure.attribute("message")?.to_string(),
                ))
            })
            .collect();
        assert_eq!(
            root.attribute("failures"),
            Some(failed.len().to_string().as_str())
        );
        failed
    };
    // `report` fails by the default policy: only the exhausted budgets.
    let failed = failures(&report);
    assert_eq!(failed.len(), with_status(&["exhausted"]), "{failed:?}");
    assert!(failed.contains(&(
        "checkout-availability [7d]".to_string(),
        "error budget exhausted over 7d: SLI 99.723 % against an objective of 99.9 %, -176.2 % of the error budget left".to_string()
    )), "{failed:?}");
    // `--fail-on at-risk` also fails the results with firing alerts.
    let failed = failures(&check);
    assert_eq!(
        failed.len(),
        with_status(&["exhausted", "at_risk"]),
        "{failed:?}"
    );
    assert!(failed.iter().any(|(name, message)| name
        == "api-availability {service=\"checkout\"} [30d]"
        && message.starts_with("at risk over 30d: 2 burn-rate alerts firing")));
}

#[test]
fn output_file_holds_what_stdout_would_and_no_temporary_file() {
    let dir = shop();
    for format in ["table", "json", "csv", "markdown", "prometheus", "junit"] {
        let args = [
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-f",
            format,
        ];
        let stdout = dir.run(&args).expect_code(0).stdout();
        let name = format!("out/slo.{format}");
        std::fs::create_dir_all(dir.path().join("out")).unwrap();
        let mut with_output = args.to_vec();
        with_output.extend(["-o", &name]);
        let run = dir.run(&with_output);
        run.expect_code(0);
        assert_eq!(run.stdout(), "", "nothing on stdout with -o\n{run}");
        let written = std::fs::read_to_string(dir.path().join(&name)).unwrap();
        assert_eq!(written, stdout, "{format}");
    }
    // Written again over an existing file, which keeps its mode.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("out/slo.prometheus");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
        dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-f",
            "csv",
            "-o",
            "out/slo.prometheus",
        ])
        .expect_code(0);
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o640);
        assert!(std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("slo,service,"));
        // Exactly, whatever the umask would take away from a new file.
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o666)).unwrap();
        dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-o",
            "out/slo.prometheus",
        ])
        .expect_code(0);
        let meta = std::fs::metadata(&path).unwrap();
        assert_eq!(meta.permissions().mode() & 0o777, 0o666);
    }
    let mut names: Vec<String> = std::fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "slo.csv",
            "slo.json",
            "slo.junit",
            "slo.markdown",
            "slo.prometheus",
            "slo.table"
        ]
    );
}

/// Replacing a file keeps its owner and group as well as its mode: a report that
/// node_exporter's collector (`nobody`) reads stays readable to it after a run as root.
#[cfg(unix)]
#[test]
fn output_replacing_a_file_keeps_its_owner_and_group() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = shop();
    let path = dir.write("slo.prom", "old metrics\n");
    if std::os::unix::fs::chown(&path, Some(65534), Some(65534)).is_err() {
        eprintln!("skipped: giving a file away needs root");
        return;
    }
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    dir.run(&report_to("slo.prom", &["-f", "prometheus"]))
        .expect_code(0);
    let meta = std::fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (65534, 65534));
    assert_eq!(meta.permissions().mode() & 0o7777, 0o640);
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("# TYPE slo_sli_ratio gauge"));
}

/// `-o` writes only a file that a shell's `>` could write: one that is read-only, or someone
/// else's that this user may not write, is left as it was, though the folder would let a new
/// file be renamed over it. (As root, where permissions do not hold, slo runs as `nobody`.)
#[cfg(target_os = "linux")]
#[test]
fn output_refuses_a_file_the_user_may_not_write() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = shop();
    let mode = |path: &std::path::Path, mode| {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap()
    };
    let path = dir.write("slo.txt", "old report\n");
    mode(&path, 0o444);
    mode(dir.path(), 0o777);
    let args = report_to("slo.txt", &[]);
    let as_root = std::fs::metadata("/proc/self").unwrap().uid() == 0;
    let command = if as_root {
        let mut command = std::process::Command::new("setpriv");
        command
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_slo"))
            .args(&args)
            .current_dir(dir.path());
        command
    } else {
        slo_command(dir.path(), &args)
    };
    let run = Running::start(command, &args, false).finish();
    run.expect_code(2)
        .stderr_has("error: cannot write slo.txt")
        .stderr_has("Permission denied (os error 13); it is left as it was");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "old report\n");
    assert_eq!(names_in(dir.path()), ["log.csv", "slo.txt", "spec.yaml"]);
}

#[test]
fn check_writes_its_verdict_to_the_output_file_and_still_fails() {
    let dir = shop();
    let run = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "-o",
        "verdict.txt",
    ]);
    run.expect_code(1);
    let verdict = std::fs::read_to_string(dir.path().join("verdict.txt")).unwrap();
    assert!(
        verdict.contains("FAIL availability [1d]: exhausted"),
        "{verdict}"
    );
    // `-o -` is standard output.
    dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", AT, "-o", "-"])
        .expect_code(1)
        .stdout_has("FAIL availability [1d]");
}

#[test]
fn output_into_a_missing_folder_is_an_error_and_leaves_nothing() {
    let dir = shop();
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "-o",
        "nowhere/slo.prom",
    ])
    .expect_code(2)
    .stderr_has("cannot write nowhere/slo.prom");
    assert!(!dir.path().join("nowhere").exists());
}

/// `report ARGS... --at AT -o OUTPUT` on the shop's spec and log.
fn report_to<'a>(output: &'a str, args: &[&'a str]) -> Vec<&'a str> {
    let mut all = vec!["report", "-s", "spec.yaml", "log.csv", "--at", AT];
    all.extend(args);
    all.extend(["-o", output]);
    all
}

/// The names in a folder, sorted.
fn names_in(folder: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(folder)
        .expect("read folder")
        .map(|e| {
            e.expect("folder entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

/// Makes a device node, as `mknod PATH c MAJOR MINOR`; false where that is not allowed (not
/// root), and the test that needs it then checks nothing more.
#[cfg(unix)]
fn mknod(path: &std::path::Path, major: u32, minor: u32) -> bool {
    let made = std::process::Command::new("mknod")
        .arg(path)
        .args(["c", &major.to_string(), &minor.to_string()])
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !made {
        eprintln!("skipped: mknod needs root");
    }
    made
}

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success());
}

/// Opens a FIFO for reading on another thread (opening waits for a writer); the file arrives
/// on the channel once slo opens the other end.
#[cfg(unix)]
fn open_fifo_reader(path: &std::path::Path) -> std::sync::mpsc::Receiver<std::fs::File> {
    let (sender, receiver) = std::sync::mpsc::channel();
    let path = path.to_path_buf();
    std::thread::spawn(move || {
        if let Ok(file) = std::fs::File::open(path) {
            let _ = sender.send(file);
        }
    });
    receiver
}

#[cfg(unix)]
#[test]
fn output_through_a_symlink_replaces_its_target_and_keeps_the_link() {
    use std::os::unix::fs::symlink;
    let dir = shop();
    let stdout = dir.run(&report_to("-", &[])).expect_code(0).stdout();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    dir.write("real/slo.txt", "old report");
    symlink("real/slo.txt", dir.path().join("slo.txt")).unwrap();
    // A link to a link, and a link to a file not made yet.
    symlink("../slo.txt", dir.path().join("real/again.txt")).unwrap();
    symlink("new.txt", dir.path().join("real/dangling.txt")).unwrap();
    for (link, target) in [
        ("slo.txt", "real/slo.txt"),
        ("real/again.txt", "real/slo.txt"),
        ("real/dangling.txt", "real/new.txt"),
    ] {
        std::fs::write(dir.path().join("real/slo.txt"), "old report").unwrap();
        dir.run(&report_to(link, &[])).expect_code(0);
        let meta = std::fs::symlink_metadata(dir.path().join(link)).unwrap();
        assert!(meta.file_type().is_symlink(), "{link} is no longer a link");
        let written = std::fs::read_to_string(dir.path().join(target)).unwrap();
        assert_eq!(written, stdout, "{link} → {target}");
    }
    assert_eq!(
        names_in(&dir.path().join("real")),
        ["again.txt", "dangling.txt", "new.txt", "slo.txt"]
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_fifo_is_written_in_place() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = shop();
    let stdout = dir.run(&report_to("-", &[])).expect_code(0).stdout();
    let fifo = dir.path().join("collector.fifo");
    mkfifo(&fifo);
    let reader = open_fifo_reader(&fifo);
    let run = dir.run(&report_to("collector.fifo", &[]));
    run.expect_code(0);
    let file_type = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(file_type.is_fifo(), "the FIFO was replaced\n{run}");
    let mut received = String::new();
    reader
        .recv()
        .unwrap()
        .read_to_string(&mut received)
        .unwrap();
    assert_eq!(received, stdout);
    assert_eq!(
        names_in(dir.path()),
        ["collector.fifo", "log.csv", "spec.yaml"]
    );
}

#[cfg(unix)]
#[test]
fn output_to_a_unix_socket_is_sent_to_its_listener() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = shop();
    let stdout = dir.run(&report_to("-", &[])).expect_code(0).stdout();
    let path = dir.path().join("collector.sock");
    let listener = std::os::unix::net::UnixListener::bind(&path).unwrap();
    // The connection waits in the listener's backlog, the report in the socket's buffer.
    let run = dir.run(&report_to("collector.sock", &[]));
    run.expect_code(0);
    let file_type = std::fs::symlink_metadata(&path).unwrap().file_type();
    assert!(file_type.is_socket(), "the socket was replaced\n{run}");
    listener.set_nonblocking(true).unwrap();
    let (mut connection, _) = listener.accept().expect("slo connected to the socket");
    connection.set_nonblocking(false).unwrap();
    let mut received = String::new();
    connection.read_to_string(&mut received).unwrap();
    assert_eq!(received, stdout);
}

/// As root, a copy of /dev/null made in the test's folder (never the system's own, which the
/// old rename replaced): written in place, and still a device afterwards.
#[cfg(unix)]
#[test]
fn output_to_a_device_is_written_in_place() {
    use std::os::unix::fs::FileTypeExt;
    let dir = shop();
    let null = dir.path().join("null");
    if !mknod(&null, 1, 3) {
        return;
    }
    let run = dir.run(&report_to("null", &["-f", "json"]));
    run.expect_code(0);
    let file_type = std::fs::symlink_metadata(&null).unwrap().file_type();
    assert!(file_type.is_char_device(), "the device was replaced\n{run}");
    assert_eq!(names_in(dir.path()), ["log.csv", "null", "spec.yaml"]);
}

/// Standard output named by a link into /proc (as /dev/stdout is): the output reaches the
/// descriptor; the link, and /proc, are left alone; nothing is made in /proc.
#[cfg(target_os = "linux")]
#[test]
fn output_through_a_device_folder_reaches_the_descriptor() {
    let dir = shop();
    let stdout = dir.run(&report_to("-", &[])).expect_code(0).stdout();
    std::os::unix::fs::symlink("/proc/self/fd/1", dir.path().join("stdout")).unwrap();
    let run = dir.run(&report_to("stdout", &[]));
    run.expect_code(0);
    assert_eq!(run.stdout(), stdout);
    let link = std::fs::symlink_metadata(dir.path().join("stdout")).unwrap();
    assert!(
        link.file_type().is_symlink(),
        "the link was replaced\n{run}"
    );
    dir.run(&report_to("/proc/self/fd/1", &[]))
        .expect_code(0)
        .stdout_has("SLO report at");
    // A descriptor slo does not have: an error, not a file made in /proc.
    dir.run(&report_to("/proc/self/fd/999999", &[]))
        .expect_code(2)
        .stderr_has("cannot write /proc/self/fd/999999")
        .stderr_has("slo makes no file in /proc/self/fd, a folder of devices");
}

/// `-o /dev/stdout` writes through the descriptor the shell set up, at its offset: what the
/// shell writes after it follows the report, as with `slo report … >&1`. Reopened with its
/// own offset, the file would have the footer written over the start of the report.
#[cfg(target_os = "linux")]
#[test]
fn output_to_dev_stdout_shares_the_offset_of_a_redirection() {
    let dir = shop();
    let csv = dir
        .run(&report_to("-", &["-f", "csv"]))
        .expect_code(0)
        .stdout();
    for (name, fd) in [
        ("/dev/stdout", 1),
        ("/dev/fd/1", 1),
        ("/proc/self/fd/1", 1),
        ("/dev/stderr", 2),
        ("/dev/fd/2", 2),
    ] {
        // `-q`: no warning on standard error, where the report goes for the last two.
        let script = format!(
            "{{ echo HEADER >&{fd}; \"$0\" report -q -s spec.yaml log.csv --at {AT} -f csv -o {name}; echo FOOTER >&{fd}; }} {fd}> f"
        );
        let output = std::process::Command::new("sh")
            .arg("-c")
            .arg(&script)
            .arg(env!("CARGO_BIN_EXE_slo"))
            .current_dir(dir.path())
            .output()
            .expect("run sh");
        assert!(output.status.success(), "{script}: {output:?}");
        let written = std::fs::read_to_string(dir.path().join("f")).unwrap();
        assert_eq!(written, format!("HEADER\n{csv}FOOTER\n"), "{script}");
    }
}

/// A file-size limit (`ulimit -f`, as a full disk would) stops the write part way: exit 2,
/// a clear message, the old file whole and no temporary file. Without a handler, SIGXFSZ
/// would kill slo and leave its temporary file.
#[cfg(unix)]
#[test]
fn a_write_that_fails_part_way_leaves_the_old_file_whole() {
    let dir = shop();
    let big = big_report_workdir(&dir);
    let old = "old metrics\n";
    dir.write("out/slo.json", old);
    // 8 blocks are at most 8 KiB; the report is several MiB.
    let command = shell_command(dir.path(), "ulimit -f 8", &big);
    let run = Running::start(command, &big, false).finish();
    run.expect_code(2)
        .stderr_has("cannot write out/slo.json: File too large")
        .stderr_has("out/slo.json is left as it was");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("out/slo.json")).unwrap(),
        old
    );
    assert_eq!(names_in(&dir.path().join("out")), ["slo.json"]);
}

/// As root, a copy of /dev/full made in the test's folder (never the system's own): the
/// write fails with "No space left on device", exit 2, and the device stays.
#[cfg(unix)]
#[test]
fn a_full_device_is_an_error() {
    use std::os::unix::fs::FileTypeExt;
    let dir = shop();
    let full = dir.path().join("full");
    if !mknod(&full, 1, 7) {
        return;
    }
    let run = dir.run(&report_to("full", &[]));
    run.expect_code(2)
        .stderr_has("cannot write full: No space left on device");
    let file_type = std::fs::symlink_metadata(&full).unwrap().file_type();
    assert!(file_type.is_char_device(), "the device was replaced\n{run}");
    assert_eq!(names_in(dir.path()), ["full", "log.csv", "spec.yaml"]);
}

/// Writes a log and spec whose JSON report is several MiB (4000 groups) into `dir`; returns
/// the arguments of `report` that write it to `out/slo.json`.
fn big_report_workdir(dir: &Workdir) -> Vec<&'static str> {
    dir.write(
        "big.yaml",
        "version: 1\nslos:\n  - name: per-route\n    objective: 99\n    windows: [1d, 1h]\n    good: status < 500\n    group_by: [route]\n",
    );
    let mut log = String::from("timestamp,route,status\n");
    for i in 0..4000 {
        log.push_str(&format!("2026-03-10T11:30:00Z,/route/{i},200\n"));
    }
    dir.write("big.csv", log);
    std::fs::create_dir_all(dir.path().join("out")).expect("create out/");
    vec![
        "report",
        "-s",
        "big.yaml",
        "big.csv",
        "--at",
        AT,
        "-f",
        "json",
        "-o",
        "out/slo.json",
    ]
}

/// An interrupt while `--at latest` copies standard input (slo waits for more of it): nothing
/// is left in the temporary folder, the `-o` file stays as it was, and slo ends by the signal,
/// as a shell expects (exit status 130). SIGKILL (`timeout -s KILL`, the OOM killer), which no
/// handler sees, leaves nothing either: the copy never has a name.
#[cfg(unix)]
#[test]
fn an_interrupt_while_reading_leaves_no_temporary_file() {
    use std::io::Write;
    for signal in ["INT", "KILL"] {
        let dir = shop();
        let temp = dir.path().join("tmp");
        std::fs::create_dir(&temp).unwrap();
        let old = "old report\n";
        dir.write("slo.txt", old);
        let args = [
            "report",
            "-s",
            "spec.yaml",
            "--at",
            "latest",
            "-o",
            "slo.txt",
            "-",
        ];
        let mut command = slo_command(dir.path(), &args);
        command.env("TMPDIR", &temp);
        let mut running = Running::start(command, &args, true);
        running.stdin().write_all(&LOG.as_bytes()[..40]).unwrap();
        running.stdin().flush().unwrap();
        // slo copies standard input, and waits for the rest.
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(
            !running.has_ended(),
            "slo ended before the rest of its input"
        );
        running.signal(signal);
        let run = running.finish();
        let number = if signal == "INT" { 2 } else { 9 };
        assert_eq!(
            run.signal(),
            Some(number),
            "not ended by SIG{signal}\n{run}"
        );
        if signal == "INT" {
            run.stderr_has("interrupted by SIGINT");
        }
        assert_eq!(names_in(&temp), Vec::<String>::new(), "SIG{signal}: {run}");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("slo.txt")).unwrap(),
            old
        );
        assert_eq!(
            names_in(dir.path()),
            ["log.csv", "slo.txt", "spec.yaml", "tmp"]
        );
    }
}

/// A hangup that the run was started with ignored (`nohup slo … &`, or a shell script's `trap
/// '' HUP`) stays ignored: the run outlives the terminal it was started from.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_ignored_at_the_start_stays_ignored() {
    use std::io::Write;
    let dir = shop();
    let args = [
        "report",
        "-s",
        "spec.yaml",
        "--at",
        "latest",
        "-f",
        "csv",
        "--max-malformed",
        "100%",
        "-",
    ];
    let command = shell_command(dir.path(), "trap '' HUP", &args);
    let mut running = Running::start(command, &args, true);
    running.stdin().write_all(&LOG.as_bytes()[..40]).unwrap();
    running.stdin().flush().unwrap();
    // Give slo the time to start watching signals, and hang up on it.
    std::thread::sleep(std::time::Duration::from_millis(300));
    running.signal("HUP");
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!running.has_ended(), "slo ended on an ignored SIGHUP");
    running.stdin().write_all(&LOG.as_bytes()[40..]).unwrap();
    let run = running.finish();
    run.expect_code(0).stdout_has("\navailability,shop,1d,");
}

/// An interrupt while slo writes into a FIFO whose reader has stopped reading: slo ends by
/// the signal at once (exit status 143), saying so, rather than waiting for the reader.
#[cfg(unix)]
#[test]
fn an_interrupt_while_writing_ends_the_run() {
    use std::io::Read;
    let dir = shop();
    let args = big_report_workdir(&dir);
    let fifo = dir.path().join("out/slo.json");
    mkfifo(&fifo);
    let reader = open_fifo_reader(&fifo);
    let mut running = Running::start(slo_command(dir.path(), &args), &args, false);
    let mut file = loop {
        if let Ok(file) = reader.try_recv() {
            break file;
        }
        assert!(!running.has_ended(), "slo ended without opening the FIFO");
        std::thread::sleep(std::time::Duration::from_millis(5));
    };
    // slo has begun writing; the report is far larger than a pipe holds, so it is still at it.
    let mut first = [0; 1];
    file.read_exact(&mut first).unwrap();
    assert_eq!(&first, b"{");
    running.signal("TERM");
    let run = running.finish();
    drop(file);
    assert_eq!(run.signal(), Some(15), "not ended by SIGTERM\n{run}");
    run.stderr_has("interrupted by SIGTERM; out/slo.json did not receive all of the output");
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let dir = shop();
    let loud = dir.run(&["report", "-s", "spec.yaml", "log.csv", "--at", AT]);
    loud.expect_code(0).stderr_has("warning: ");
    let quiet = dir.run(&["report", "-q", "-s", "spec.yaml", "log.csv", "--at", AT]);
    quiet.expect_code(0);
    assert_eq!(quiet.stderr(), "", "{quiet}");
    assert_eq!(quiet.stdout(), loud.stdout());
    dir.run(&["check", "--quiet", "-s", "spec.yaml", "nope.csv"])
        .expect_code(2)
        .stderr_has("nope.csv");
    // A passing check under -q prints nothing at all, so that cron mails nothing; a failing
    // one still prints its FAIL lines.
    let check = |args: &[&str]| {
        let mut all = vec!["check", "-s", "spec.yaml", "log.csv", "--at", AT];
        all.extend(args);
        dir.run(&all)
    };
    check(&["--fail-on", "no-data"])
        .expect_code(0)
        .stdout_has("ok: 0 of 2 results fail the policy");
    let passing = check(&["-q", "--fail-on", "no-data"]);
    passing.expect_code(0);
    assert_eq!(passing.stdout(), "", "{passing}");
    assert_eq!(passing.stderr(), "", "{passing}");
    check(&["-q"])
        .expect_code(1)
        .stdout_has("FAIL availability [1d]: exhausted");
}

#[test]
fn no_progress_bar_when_stderr_is_not_a_terminal() {
    let dir = Workdir::new();
    // Large enough to pass several progress steps.
    let mut log = String::from("timestamp,status\n");
    for i in 0..100_000 {
        log.push_str(&format!(
            "2026-03-10T11:{:02}:{:02}Z,200\n",
            (i / 60) % 60,
            i % 60
        ));
    }
    dir.write("big.csv", log);
    // A 30-day window, for which the default alerts are scaled: no note on stderr either.
    dir.write("spec.yaml", SPEC.replace("[1d, 1h]", "[30d, 1h]"));
    let run = dir.run(&["report", "-s", "spec.yaml", "big.csv", "--at", AT]);
    run.expect_code(0);
    assert_eq!(run.stderr(), "", "{run}");
}

#[test]
fn completions_for_each_shell() {
    let dir = Workdir::new();
    for (shell, marker) in [
        ("bash", "_slo()"),
        ("zsh", "#compdef slo"),
        ("fish", "complete -c slo"),
    ] {
        let run = dir.run(&["completions", shell]);
        run.expect_code(0).stdout_has(marker);
        run.stdout_has("prometheus");
        run.stdout_has("--fail-on");
    }
    dir.run(&["completions", "tcsh"]).expect_code(2);
}

#[test]
fn man_pages_come_from_the_command_line_definition() {
    let dir = Workdir::new();
    let page = dir.run(&["man"]);
    page.expect_code(0)
        .stdout_has(".TH slo 1")
        .stdout_has("EXIT STATUS")
        .stdout_has("EXAMPLES")
        .stdout_has("completions");
    dir.run(&["man", "report"])
        .expect_code(0)
        .stdout_has(".TH slo-report 1")
        .stdout_has("\\-\\-output");
    dir.run(&["man", "nope"])
        .expect_code(2)
        .stderr_has("slo has no subcommand nope");
}

#[test]
fn help_and_version() {
    let dir = Workdir::new();
    dir.run(&["--version"])
        .expect_code(0)
        .stdout_has(concat!("slo ", env!("CARGO_PKG_VERSION")));
    dir.run(&["--help"])
        .expect_code(0)
        .stdout_has("EXAMPLES:")
        .stdout_has("EXIT STATUS:")
        .stdout_has("completions");
    dir.run(&["report", "--help"])
        .expect_code(0)
        .stdout_has("--output <FILE>")
        .stdout_has("--quiet")
        .stdout_has("prometheus");
}

#[test]
fn grouped_slos_without_events_still_report_no_data() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: per-route\n    objective: 90\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n");
    dir.write("empty.csv", "timestamp,route,status\n");
    let run = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "empty.csv",
        "--at",
        AT,
        "--fail-on",
        "no-data",
        "-f",
        "json",
    ]);
    let report = run.expect_code(1).report();
    assert!(report.results[0].group.is_empty(), "{report:#?}");
    assert_eq!(report.results[0].status, "no_data");
}

#[test]
fn rows_without_a_group_field_form_a_null_group() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: g\n    objective: 90\n    windows: [1d]\n    good: status < 500\n    group_by: [route, region]\n");
    dir.write("log.jsonl", "{\"timestamp\": \"2026-03-10T10:00:00Z\", \"route\": \"/a\", \"region\": \"eu\", \"status\": 200}\n{\"timestamp\": \"2026-03-10T10:00:01Z\", \"route\": \"/a\", \"status\": 500}\n");
    let run = dir.report().log("log.jsonl").at(AT).run();
    let results = run.expect_code(0).report().results;
    assert_eq!(results.len(), 2);
    // group_by order is kept in the JSON object.
    run.stdout_has("\"group\": {\n        \"route\": \"/a\",\n        \"region\"");
    let null_group = results
        .iter()
        .find(|r| r.group.get("region") == Some(&None))
        .unwrap();
    assert_eq!(
        (null_group.total, null_group.bad, null_group.invalid),
        (1, 1, 0)
    );
}

#[test]
fn a_log_is_read_one_way_only() {
    let dir = shop();
    dir.write("berlin.yaml", "version: 1\nsource:\n  timestamp: {timezone: Europe/Berlin}\nslos:\n  - name: other\n    objective: 99\n    windows: [1d]\n    good: status < 500\n");
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "-s",
        "berlin.yaml",
        "log.csv",
        "--at",
        AT,
    ])
    .expect_code(2)
    .stderr_has("log.csv would be read in two ways");
    // The same file through a link, named by each spec's source.paths: still one log.
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(dir.path().join("log.csv"), dir.path().join("link.csv"))
            .unwrap();
        dir.write("a.yaml", "version: 1\nsource:\n  paths: [log.csv]\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    good: status < 500\n");
        dir.write("b.yaml", "version: 1\nsource:\n  paths: [link.csv]\n  timestamp: {timezone: Europe/Berlin}\nslos:\n  - name: b\n    objective: 99\n    windows: [1d]\n    good: status < 500\n");
        dir.run(&["report", "-s", "a.yaml", "-s", "b.yaml", "--at", AT])
            .expect_code(2)
            .stderr_has("would be read in two ways");
        // A file given as itself and as standard input (redirected from it) is read once.
        let args = [
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "-",
            "--at",
            AT,
            "-f",
            "json",
        ];
        let output = crate::workdir::slo_command(dir.path(), &args)
            .stdin(std::fs::File::open(dir.path().join("log.csv")).unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains("<stdin> is log.csv again"), "{stderr}");
        let both: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
        let once = dir.report().log("log.csv").at(AT).run().json();
        assert_eq!(both["results"], once["results"]);
    }
}

#[test]
fn stdin_keeps_its_name_with_at_latest() {
    let dir = shop();
    let log = shop_log();
    let run = dir
        .report()
        .log("-")
        .at("latest")
        .stdin(log.as_bytes())
        .run();
    run.expect_code(0)
        .stderr_has("<stdin>:109: malformed row skipped");
    assert_eq!(run.report().inputs.files, ["<stdin>"]);
}

#[test]
fn small_usability_checks() {
    let dir = shop();
    dir.run(&["report", "-s", "spec.yaml", "log.csv", "--max-groups", "0"])
        .expect_code(2);
    dir.run(&["report", "-s", "spec.yaml", "log.csv", "--slo", "avail"])
        .expect_code(2)
        .stderr_has("did you mean avail* (a glob)?");
    dir.run(&["report", "-s", "spec.yaml", "log.csv", "--at", "2030-01-01T00:00:00Z"])
        .expect_code(0)
        .stderr_has("every window is empty at 2030-01-01T00:00:00Z: the newest row is from 2026-03-10T12:00:00.001Z");
    dir.write(
        "bom.yaml",
        format!(
            "\u{feff}{}",
            SPEC.replace("availability", "bom").replace('\n', "\r\n")
        ),
    );
    dir.run(&["validate", "bom.yaml"]).expect_code(0);
    dir.write(
        "tag.yaml",
        SPEC.replace("good: status < 500", "good: !(status < 500)"),
    );
    dir.run(&["validate", "tag.yaml"])
        .expect_code(2)
        .stderr_has("quote it");
    // Merge keys, as Sloth's and oslo's YAML readers take them; `x-` keys hold anchors.
    dir.write("merge.yaml", "version: 1\nx-common: &common {objective: 99, windows: [1d]}\nslos:\n  - &base\n    name: a\n    objective: 99\n    windows: [1d]\n    good: ok\n  - <<: *base\n    name: b\n  - <<: *common\n    name: c\n    objective: 95\n    good: ok\n");
    dir.run(&["validate", "merge.yaml"])
        .expect_code(0)
        .stdout_has("ok: 3 SLOs");
    dir.run(&["convert", "--to", "native", "merge.yaml"])
        .expect_code(0)
        .stdout_has("  - name: c\n    objective: 95\n    windows: [1d]\n");
    dir.write(
        "merge-bad.yaml",
        "version: 1\nslos:\n  - <<: 5\n    name: b\n",
    );
    dir.run(&["validate", "merge-bad.yaml"])
        .expect_code(2)
        .stderr_has("merge-bad.yaml:3:5: the merge key (`<<`) in an SLO merges no mapping");
}

#[cfg(unix)]
#[test]
fn named_pipes_are_logs_too() {
    let dir = shop();
    let fifo = dir.path().join("pipe.csv");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, shop_log()).unwrap())
    };
    let run = dir.report().log("pipe.csv").at(AT).run();
    writer.join().unwrap();
    let report = run.expect_code(0).report();
    assert_eq!(report.result("availability", "1d").total, 4);
}

/// `--at latest` reads a log twice: a named pipe, which gives its rows once, is copied on the
/// first read and the copy read twice — the same report as the file gives, and no hang on a
/// second open that no writer would ever answer.
#[cfg(unix)]
#[test]
fn at_latest_reads_a_named_pipe_once() {
    let dir = shop();
    let from_file = dir.report().log("log.csv").at("latest").run();
    from_file.expect_code(0);
    let fifo = dir.path().join("pipe.csv");
    mkfifo(&fifo);
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, shop_log()))
    };
    let from_pipe = dir.report().log("pipe.csv").at("latest").run();
    writer.join().unwrap().unwrap();
    let report = from_pipe.expect_code(0).report();
    assert_eq!(report.evaluated_at, "2026-03-10T12:00:00.001Z");
    assert_eq!(from_pipe.json()["results"], from_file.json()["results"]);
    assert_eq!(report.inputs.files, ["pipe.csv"]);
    assert_eq!(report.inputs.rows, from_file.report().inputs.rows);
    // The copy is gone, and nothing was made beside the pipe.
    assert_eq!(names_in(dir.path()), ["log.csv", "pipe.csv", "spec.yaml"]);
}

/// A pipe named by a path — `/dev/stdin` here, `/dev/fd/63` for a shell's `<(zcat log.gz)` —
/// is read once too, under `--at latest` as without it.
#[cfg(target_os = "linux")]
#[test]
fn at_latest_reads_a_pipe_named_by_a_path_once() {
    let dir = shop();
    let from_file = dir.report().log("log.csv").at("latest").run();
    let log = shop_log();
    let piped = dir
        .report()
        .log("/dev/stdin")
        .at("latest")
        .stdin(log.as_bytes())
        .run();
    assert_eq!(
        piped.expect_code(0).json()["results"],
        from_file.expect_code(0).json()["results"],
        "{piped}"
    );
    assert_eq!(piped.report().inputs.files, ["/dev/stdin"]);
    // The reviewer's case, where a shell has process substitution.
    let bash = std::process::Command::new("bash")
        .arg("-c")
        .arg("\"$0\" check -s spec.yaml --at latest <(cat log.csv)")
        .arg(env!("CARGO_BIN_EXE_slo"))
        .current_dir(dir.path())
        .output();
    let Ok(output) = bash else {
        eprintln!("skipped: no bash for <(…)");
        return;
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("FAIL availability [1d]: exhausted"),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(output.status.code(), Some(1));
}

/// `--at latest` counts once at the latest time of a log's last megabyte, and again at the
/// newest row's time when a row elsewhere is newer: either way the report is the one at that
/// row's time. Logs of more than a megabyte, in order, out of order, and a W3C log whose
/// columns change in the last megabyte (so that its newest lines read differently alone).
#[test]
fn at_latest_is_the_newest_row_wherever_it_is() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1h, 1d]\n    good: status < 500\n    alerts: []\n",
    );
    // 40 000 rows a second apart from 2026-03-10T00:00:00Z, every 7th one a 503: 1.3 MB.
    let row = |i: u32| {
        let status = if i.is_multiple_of(7) { 503 } else { 200 };
        format!(
            "2026-03-10T{:02}:{:02}:{:02}Z,{status},padding-to-make-the-log-longer\n",
            i / 3600,
            i / 60 % 60,
            i % 60
        )
    };
    let in_order: String = (0..40_000).map(row).collect();
    // The newest row first: the last megabyte's latest time is older.
    let out_of_order: String = std::iter::once(row(40_000))
        .chain((0..40_000).map(row))
        .collect();
    for (name, rows, newest) in [
        ("in-order.csv", &in_order, "2026-03-10T11:06:39Z"),
        ("out-of-order.csv", &out_of_order, "2026-03-10T11:06:40Z"),
    ] {
        dir.write(name, format!("timestamp,status,note\n{rows}"));
        let latest = dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            name,
            "--at",
            "latest",
            "-f",
            "json",
        ]);
        let fixed = dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            name,
            "--at",
            newest,
            "-f",
            "json",
        ]);
        let (latest, fixed) = (latest.expect_code(0).json(), fixed.expect_code(0).json());
        assert_eq!(latest["evaluated_at"], newest, "{name}");
        assert_eq!(latest["results"], fixed["results"], "{name}");
        assert_eq!(latest["inputs"], fixed["inputs"], "{name}");
    }
    // W3C: the last megabyte is under a `#Fields:` line with the columns in another order, so
    // that read with the first `#Fields:` line its times are not times at all.
    let w3c_row = |i: u32, swapped: bool| {
        let (date, time) = (
            "2026-03-10",
            format!("{:02}:{:02}:{:02}", i / 3600, i / 60 % 60, i % 60),
        );
        let status = if i.is_multiple_of(7) { 503 } else { 200 };
        match swapped {
            false => format!("{date} {time} {status} /padding/to/make/the/log/longer\n"),
            true => format!("{status} /padding/to/make/the/log/longer {date} {time}\n"),
        }
    };
    let mut w3c = String::from("#Software: Microsoft Internet Information Services 10.0\n#Fields: date time sc-status cs-uri-stem\n");
    w3c.extend((0..20_000).map(|i| w3c_row(i, false)));
    w3c.push_str("#Fields: sc-status cs-uri-stem date time\n");
    w3c.extend((20_000..40_000).map(|i| w3c_row(i, true)));
    dir.write("u_ex260310.log", &w3c);
    let latest = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "u_ex260310.log",
        "--at",
        "latest",
        "-f",
        "json",
    ]);
    let fixed = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "u_ex260310.log",
        "--at",
        "2026-03-10T11:06:39Z",
        "-f",
        "json",
    ]);
    let (latest, fixed) = (latest.expect_code(0).json(), fixed.expect_code(0).json());
    assert_eq!(latest["evaluated_at"], "2026-03-10T11:06:39Z");
    assert_eq!(latest["results"], fixed["results"]);
}

/// A misspelt field makes every row invalid: the warnings say so, not that the windows are
/// empty (nor to evaluate with `--at latest`, which was given), and `check`'s last line does
/// not contradict the failure it reports.
#[test]
fn rows_all_invalid_are_not_called_an_empty_window() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1d]\n    good: staus < 500\n    alerts: []\n",
    );
    dir.write(
        "log.csv",
        "timestamp,status\n2026-09-01T10:00:00Z,200\n2026-09-01T11:00:00Z,500\n",
    );
    let check = dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", "latest"]);
    check
        .expect_code(1)
        .stderr_has("field `staus` is missing")
        .stderr_has(
            "no result has an event at 2026-09-01T11:00:00Z, though 2 rows lie in the windows \
             or their alert lookbacks: 0 selected by no SLO's filter, 0 in exclusions, 2 invalid \
             for their SLO",
        )
        .stdout_has("every one of the 2 rows the SLOs select is invalid for them")
        .stdout_has(
            "FAILED: 0 of 1 results fail the policy (--fail-on exhausted), and no result has \
             any event at 2026-09-01T11:00:00Z",
        );
    assert!(!check.stderr().contains("--at latest"), "{check}");
}

/// Just after midnight, a daily SLO's window holds no event yet, but its alert lookbacks hold
/// the evening's rows: `check` fails for want of events and says that, not that the rows are
/// invalid (none is).
#[test]
fn rows_only_in_alert_lookbacks_are_not_called_invalid() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: daily\n    objective: 99\n    windows: [{calendar: day}]\n    good: status < 500\n    alerts: [{severity: page, budget: 5%, long: 6h, short: 30m}]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,status\n2026-09-01T22:00:00Z,200\n2026-09-01T23:59:00Z,500\n",
    );
    let check = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-09-02T00:05:00Z",
    ]);
    check
        .expect_code(1)
        .stderr_has(
            "2 rows lie in the windows or their alert lookbacks: 0 selected by no SLO's \
             filter, 0 in exclusions, 2 selected but only in alert lookbacks that reach past \
             the windows' start",
        )
        .stdout_has(
            "none of the 2 rows the SLOs select lies in their windows at 2026-09-02T00:05:00Z: \
             they lie only in alert lookbacks that reach further back",
        );
    assert!(!check.stdout().contains("invalid"), "{check}");
    assert!(!check.stderr().contains("invalid"), "{check}");
}

/// A Markdown table of many groups stays within what a GitHub job summary takes (1 MiB): it
/// lists 1 000 results, every failing one among them, and says how many it left out.
#[test]
fn markdown_lists_the_failing_results_first_past_a_thousand() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("per-route", "1d", "route"),
    );
    let mut log = String::from("timestamp,route,status\n");
    for route in 0..1500 {
        let status = if route % 150 == 149 { 503 } else { 200 };
        log.push_str(&format!("2026-09-01T10:00:00Z,/r{route:04},{status}\n"));
    }
    dir.write("log.csv", &log);
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-09-01T12:00:00Z",
        "-f",
        "markdown",
    ]);
    run.expect_code(0).stdout_has(
        "_500 more results not listed (500 of them ok): `-f csv` or `-f json` lists them all._",
    );
    let markdown = run.stdout();
    let rows: Vec<&str> = markdown
        .lines()
        .filter(|l| l.starts_with("| "))
        .skip(1)
        .collect();
    assert_eq!(rows.len(), 1000);
    let failing: Vec<&str> = rows
        .iter()
        .copied()
        .filter(|r| r.contains("exhausted"))
        .collect();
    assert_eq!(failing.len(), 10, "{failing:?}");
    assert!(failing[9].contains("/r1499"), "{}", failing[9]);
    assert!(markdown.len() < 1 << 20);
}

/// A `group_by` field that no row has (most often misspelt) is said, rather than every row
/// landing silently in one `(missing)` group; a field some rows lack is no such warning.
#[test]
fn a_group_by_field_no_row_has_is_warned_of() {
    let dir = Workdir::new();
    let spec = |field| crate::workdir::grouped_spec("api", "1d", field);
    dir.write(
        "log.jsonl",
        "{\"timestamp\":\"2026-09-01T10:00:00Z\",\"route\":\"/a\",\"status\":200}\n{\"timestamp\":\"2026-09-01T11:00:00Z\",\"status\":500}\n",
    );
    dir.write("typo.yaml", spec("rout"));
    dir.write("right.yaml", spec("route"));
    let typo = dir.run(&["report", "-s", "typo.yaml", "log.jsonl", "--at", "latest"]);
    typo.expect_code(0).stderr_has(
        "SLO api: no row has the `group_by` field `rout`, so all are in one group \
         (rout=(missing)); is it written as the logs name it?",
    );
    let right = dir.run(&["report", "-s", "right.yaml", "log.jsonl", "--at", "latest"]);
    right.expect_code(0);
    assert!(!right.stderr().contains("group_by"), "{right}");
}

/// A group whose rows were all invalid has no events, as a quiet group has none; `check`'s
/// line for it says how many rows it had, so that it is not taken for a quiet one.
#[test]
fn a_group_of_only_invalid_rows_is_not_called_quiet() {
    let dir = Workdir::new();
    dir.write(
        "log.jsonl",
        "{\"timestamp\":\"2026-09-01T10:00:00Z\",\"route\":\"/a\",\"status\":200}\n\
         {\"timestamp\":\"2026-09-01T10:02:00Z\",\"route\":\"/b\",\"status\":\"oops\"}\n\
         {\"timestamp\":\"2026-09-01T10:03:00Z\",\"route\":\"/b\"}\n",
    );
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("api", "1d", "route"),
    );
    let args = [
        "check",
        "-s",
        "spec.yaml",
        "log.jsonl",
        "--at",
        "latest",
        "--fail-on",
        "no-data",
    ];
    dir.run(&args).expect_code(1).stdout_has(
        "FAIL api {route=/b} [1d]: no_data: no events in the window, though it has 2 rows \
         invalid\n",
    );
    let junit = dir.run(&[&args[..], &["-f", "junit"]].concat());
    junit
        .expect_code(1)
        .stdout_has("no events in the window 1d, though it has 2 rows invalid");
}

/// A CI system follows a JUnit test case by its name from run to run: the names are the same
/// at any instant, calendar windows named as written rather than by the share of the period
/// passed.
#[test]
fn junit_test_case_names_are_the_same_at_every_instant() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let names = |at: &str| -> Vec<String> {
        let run = crate::workdir::run_in(root, &["report", "--at", at, "-f", "junit", "-q"]);
        run.expect_code(0)
            .stdout()
            .lines()
            .filter_map(|line| line.trim().strip_prefix("<testcase name=\""))
            .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
            .collect()
    };
    let early = names("2026-10-05T00:00:00Z");
    assert!(
        early.contains(&"checkout-monthly [month Europe/Berlin]".to_string()),
        "{early:?}"
    );
    assert_eq!(early, names("2026-10-12T00:00:00Z"));
}

/// Every result has a JUnit name of its own, however its group is written (missing, the text
/// "(missing)", empty, a line break or its escape), and the groups folded into `(other)` keep
/// one name whatever their number.
#[test]
fn junit_test_case_names_are_one_per_result_and_other_is_stable() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: col\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [a]\n    alerts: []\n",
    );
    let mut log = String::new();
    for a in [
        "",
        r#","a":"(missing)""#,
        r#","a":"""#,
        r#","a":"\"\"""#,
        r#","a":"x\ny""#,
        r#","a":"x\\ny""#,
    ] {
        log.push_str(&format!(
            "{{\"timestamp\":\"2026-03-10T11:00:00Z\",\"status\":200{a}}}\n"
        ));
    }
    for n in 0..12 {
        log.push_str(&format!(
            "{{\"timestamp\":\"2026-03-10T11:00:00Z\",\"status\":200,\"a\":\"g{n}\"}}\n"
        ));
    }
    dir.write("log.jsonl", log);
    let names = |extra: &[&str]| -> Vec<String> {
        let mut args = vec![
            "report",
            "-s",
            "spec.yaml",
            "log.jsonl",
            "--at",
            AT,
            "-f",
            "junit",
            "-q",
        ];
        args.extend_from_slice(extra);
        dir.run(&args)
            .expect_code(0)
            .stdout()
            .lines()
            .filter_map(|line| line.trim().strip_prefix("<testcase name=\""))
            .map(|rest| rest.split('"').next().unwrap_or_default().to_string())
            .collect()
    };
    let all = names(&[]);
    assert_eq!(all.len(), 18, "{all:?}");
    let unique: std::collections::HashSet<&String> = all.iter().collect();
    assert_eq!(unique.len(), all.len(), "{all:?}");
    assert!(
        all.contains(&"col {a=(missing)} [1d]".to_string()),
        "{all:?}"
    );
    assert!(
        all.contains(&"col {a=&quot;(missing)&quot;} [1d]".to_string()),
        "{all:?}"
    );
    let other = |max: &str| -> Vec<String> {
        names(&["--max-groups", max])
            .into_iter()
            .filter(|n| n.contains("(other"))
            .collect()
    };
    assert_eq!(other("5"), ["col {(other)} [1d]"]);
    assert_eq!(other("8"), ["col {(other)} [1d]"]);
}

/// Groups too wide for the table are cut to fit the screen as it shows them: accents that
/// take no column of their own and characters that take two are measured as displayed, an
/// accent is not cut from its letter, and the sparklines stay.
#[test]
fn long_groups_are_cut_to_the_width_they_take_on_screen() {
    use unicode_width::UnicodeWidthStr;
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: grp\n    objective: 99\n    windows: [7d]\n    good: status < 500\n    group_by: [g]\n    alerts: []\n",
    );
    let accented = "e\u{301}".repeat(40);
    let wide = "界".repeat(40);
    // A heart with U+FE0F takes two columns, its characters one and none.
    let hearts = "❤\u{fe0f}".repeat(40);
    dir.write(
        "log.csv",
        format!("timestamp,g,status\n2026-03-10T10:00:00Z,{accented},200\n2026-03-10T10:00:01Z,{wide},200\n2026-03-10T10:00:02Z,{hearts},200\n"),
    );
    let run = dir
        .report()
        .log("log.csv")
        .at(AT)
        .format("table")
        .args(&["--color", "never"])
        .run();
    let table = run.expect_code(0).stdout();
    assert!(table.lines().all(|line| line.width() <= 100), "{table}");
    assert!(table.contains("█ 100.0 %"), "no sparklines\n{table}");
    assert!(
        table.contains("e\u{301}…") && !table.contains("e…"),
        "{table}"
    );
    assert!(table.contains("界…"), "{table}");
    assert!(
        table
            .lines()
            .any(|line| line.contains("❤") && line.contains("…")),
        "{table}"
    );
}
