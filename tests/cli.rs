//! The `slo` binary end to end: stdout, stderr and exit status for every command.

mod common;

use common::{result, Workdir};

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

fn shop() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", LOG);
    dir
}

#[test]
fn report_json_has_hand_computed_figures() {
    let dir = shop();
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(report["evaluated_at"], "2026-03-10T12:00:00Z");
    let inputs = &report["inputs"];
    assert_eq!(inputs["rows"], 8);
    assert_eq!(inputs["malformed"], 1);
    assert_eq!(inputs["outside_windows"], 1);
    assert_eq!(inputs["matched"], 6);
    assert_eq!(inputs["unselected"], 0);

    let day = result(&report, "availability", "1d");
    assert_eq!(day["service"], "shop");
    assert_eq!(day["start"], "2026-03-09T12:00:00Z");
    assert_eq!(day["end"], "2026-03-10T12:00:00Z");
    assert_eq!(day["objective"], 99.0);
    assert_eq!(day["budgeting"], "occurrences");
    assert_eq!(
        (
            day["total"].as_u64(),
            day["good"].as_u64(),
            day["bad"].as_u64(),
            day["invalid"].as_u64()
        ),
        (Some(4), Some(2), Some(2), Some(1))
    );
    assert_eq!(day["sli"], 0.5);
    assert!((day["sli_margin"].as_f64().unwrap() + 0.49).abs() < 1e-12);
    assert!((day["error_budget"]["allowed"].as_f64().unwrap() - 0.04).abs() < 1e-12);
    assert!((day["error_budget"]["consumed"].as_f64().unwrap() - 50.0).abs() < 1e-9);
    assert!((day["error_budget"]["remaining"].as_f64().unwrap() + 49.0).abs() < 1e-9);
    assert_eq!(day["status"], "exhausted");
    assert_eq!(day["group"], serde_json::json!({}));

    let hour = result(&report, "availability", "1h");
    assert_eq!(
        (
            hour["total"].as_u64(),
            hour["good"].as_u64(),
            hour["invalid"].as_u64()
        ),
        (Some(2), Some(1), Some(1))
    );

    run.stderr_has("log.csv:9: malformed row skipped: timestamp 'yesterday'");
    run.stderr_has("SLO availability: 1 row invalid");
    run.stderr_has("log.csv:6: field `status` is not a number");
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

    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "spent.csv",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    let api = result(&run.json(), "api", "30d").clone();
    assert_eq!(api["bad"], 1);
    assert_eq!(api["error_budget"]["consumed"], 1.0);
    assert_eq!(api["error_budget"]["remaining"], 0.0);
    assert_eq!(api["status"], "exhausted");

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
    // At an instant long after the log, every window is empty.
    let late = "2027-01-01T00:00:00Z";
    dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", late])
        .expect_code(0);
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
    assert_eq!(run.json()["results"][0]["status"], "exhausted");
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
    .stderr_has("log.csv:6: row is invalid for SLO availability: field `status` is not a number");
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
    dir.run(&["report", "-s", "spec.yaml", "ragged.csv", "--at", AT])
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
            "8 rows read: 6 matched, 1 outside every window, 0 selected by no SLO, 1 malformed",
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
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "latest",
        "-f",
        "json",
    ]);
    assert_eq!(
        run.expect_code(0).json()["evaluated_at"],
        "2026-03-10T12:00:00.001Z"
    );
    let piped = dir.run_with_stdin(
        &[
            "report",
            "-s",
            "spec.yaml",
            "-",
            "--at",
            "latest",
            "-f",
            "json",
        ],
        Some(LOG.as_bytes()),
    );
    assert_eq!(
        piped.expect_code(0).json()["results"],
        run.json()["results"]
    );
}

#[test]
fn slo_selection_by_glob() {
    let dir = shop();
    dir.write("more.yaml", "version: 1\nslos:\n  - name: checkout-latency\n    objective: 99\n    windows: [1d]\n    good: status < 400\n");
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "-s",
        "more.yaml",
        "log.csv",
        "--at",
        AT,
        "-f",
        "json",
        "--slo",
        "check*",
    ]);
    let results = run.expect_code(0).json()["results"]
        .as_array()
        .unwrap()
        .clone();
    assert_eq!(results.len(), 1);
    assert_eq!(results[0]["slo"], "checkout-latency");
}

#[test]
fn default_spec_folder_and_source_paths() {
    let dir = Workdir::new();
    dir.write(
        "slo-specs/shop.yaml",
        SPEC.replace("slos:", "source:\n  paths: [../logs/]\nslos:"),
    );
    dir.write("logs/a.csv", LOG);
    let run = dir.run(&["report", "--at", AT, "-f", "json"]);
    assert_eq!(
        result(&run.expect_code(0).json(), "availability", "1d")["total"],
        4
    );
}

#[test]
fn groups_are_reported_separately_and_capped() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: per-route\n    objective: 90\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n");
    dir.write("log.csv", "timestamp,route,status\n2026-03-10T10:00:00Z,/a,200\n2026-03-10T10:00:01Z,/b,500\n2026-03-10T10:00:02Z,/a,500\n2026-03-10T10:00:03Z,/c,200\n");
    let report = dir
        .run(&[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-f",
            "json",
        ])
        .expect_code(0)
        .json();
    let results = report["results"].as_array().unwrap();
    let routes: Vec<_> = results
        .iter()
        .map(|r| {
            (
                r["group"]["route"].as_str().unwrap(),
                r["total"].as_u64().unwrap(),
                r["bad"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(routes, vec![("/a", 2, 1), ("/b", 1, 1), ("/c", 1, 0)]);
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--max-groups",
        "2",
    ])
    .expect_code(2)
    .stderr_has("log.csv:5: SLO per-route has more than 2 distinct groups of (route)");
}

#[test]
fn broken_pipe_is_quiet() {
    let dir = shop();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_slo"))
        .args([
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "-f",
            "json",
        ])
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(!String::from_utf8_lossy(&output.stderr).contains("error"));
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
    let report = run.expect_code(1).json();
    assert_eq!(report["results"][0]["group"], serde_json::json!({}));
    assert_eq!(report["results"][0]["status"], "no_data");
}

#[test]
fn rows_without_a_group_field_form_a_null_group() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: g\n    objective: 90\n    windows: [1d]\n    good: status < 500\n    group_by: [route, region]\n");
    dir.write("log.jsonl", "{\"timestamp\": \"2026-03-10T10:00:00Z\", \"route\": \"/a\", \"region\": \"eu\", \"status\": 200}\n{\"timestamp\": \"2026-03-10T10:00:01Z\", \"route\": \"/a\", \"status\": 500}\n");
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.jsonl",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    let report = run.expect_code(0).json();
    let results = report["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    // group_by order is kept in the JSON object.
    run.stdout_has("\"group\": {\n        \"route\": \"/a\",\n        \"region\"");
    let null_group = results
        .iter()
        .find(|r| r["group"]["region"].is_null())
        .unwrap();
    assert_eq!(
        (
            null_group["total"].as_u64(),
            null_group["bad"].as_u64(),
            null_group["invalid"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
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
}

#[test]
fn stdin_keeps_its_name_with_at_latest() {
    let dir = shop();
    let run = dir.run_with_stdin(
        &[
            "report",
            "-s",
            "spec.yaml",
            "-",
            "--at",
            "latest",
            "-f",
            "json",
        ],
        Some(LOG.as_bytes()),
    );
    run.expect_code(0)
        .stderr_has("<stdin>:9: malformed row skipped");
    assert_eq!(
        run.json()["inputs"]["files"],
        serde_json::json!(["<stdin>"])
    );
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
    dir.write("merge.yaml", "version: 1\nslos:\n  - &base\n    name: a\n    objective: 99\n    windows: [1d]\n    good: ok\n  - <<: *base\n    name: b\n");
    dir.run(&["validate", "merge.yaml"])
        .expect_code(2)
        .stderr_has("merge keys");
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
        std::thread::spawn(move || std::fs::write(fifo, LOG).unwrap())
    };
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "pipe.csv",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    writer.join().unwrap();
    assert_eq!(
        result(&run.expect_code(0).json(), "availability", "1d")["total"],
        4
    );
}
