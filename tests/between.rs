//! `--between T1..T2` (issue 17, point 6): every selected SLO evaluated over exactly
//! `[T1, T2]` instead of its windows — a chaos experiment, a canary, an incident — with the
//! same figures, accounting and exit policy.

use crate::workdir::Workdir;

/// Objective 99 % over 30 days and a calendar month: both replaced by the interval.
const SPEC: &str = "\
version: 1
slos:
  - name: shop
    objective: 99
    windows: [30d, {calendar: month}]
    good: status < 500
    alerts:
      - {severity: page, budget: 2%, long: 1h, short: 5m}
";

/// Rows on both sides of the interval [10:00, 11:00] and on its bounds.
const LOG: &str = "\
timestamp,status
2026-03-10T09:30:00Z,503
2026-03-10T09:59:59.999Z,503
2026-03-10T10:00:00Z,200
2026-03-10T10:30:00Z,503
2026-03-10T10:58:00Z,200
2026-03-10T11:00:00Z,200
2026-03-10T11:00:00.001Z,503
";

const BETWEEN: &str = "2026-03-10T10:00:00Z..2026-03-10T11:00:00Z";

fn shop() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", LOG);
    dir
}

#[test]
fn the_interval_replaces_every_window_and_holds_both_its_bounds() {
    let dir = shop();
    let report = dir
        .report()
        .log("log.csv")
        .args(&["--between", BETWEEN])
        .json_report();
    assert_eq!(report.evaluated_at, "2026-03-10T11:00:00Z");
    assert_eq!(report.results.len(), 1, "{report:#?}");
    let result = report.result("shop", BETWEEN);
    assert_eq!(
        (result.start.as_str(), result.end.as_str()),
        ("2026-03-10T10:00:00Z", "2026-03-10T11:00:00Z")
    );
    // 10:00, 10:30 (bad), 10:58, 11:00: both bounds are in.
    assert_eq!((result.total, result.bad), (4, 1));
    assert_eq!(result.status, "exhausted");
    let inputs = &report.inputs;
    assert_eq!(
        (inputs.rows, inputs.matched, inputs.outside_windows),
        (7, 4, 3)
    );
}

#[test]
fn lookbacks_and_alert_thresholds_stay_inside_the_interval() {
    let dir = shop();
    // An interval of 30 minutes less 1 ms: the 1h lookback holds only its part of it,
    // (10:30, 11:00], so the failures before do not burn. The alert policy is the SLO's,
    // written for its first window: 2 % × 30d / 1h = 14.4, not scaled down to the interval.
    let report = dir
        .report()
        .log("log.csv")
        .args(&[
            "--between",
            "2026-03-10T10:30:00.001Z..2026-03-10T11:00:00Z",
        ])
        .json_report();
    let result = &report.results[0];
    assert_eq!((result.total, result.bad), (2, 0));
    assert_eq!(result.burn_rates["1h"], Some(0.0));
    assert!(
        (result.alerts[0].threshold - 14.4).abs() < 1e-12,
        "{result:?}"
    );
    assert_eq!(report.inputs.outside_windows, 5);
}

#[test]
fn time_slices_are_the_whole_slices_inside_the_interval() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: minutes\n    objective: 90\n    windows: [1d]\n    budgeting: timeslices\n    timeslice: {length: 1m, objective: 90}\n    good: status < 500\n    alerts: []\n",
    );
    dir.write(
        "log.csv",
        "timestamp,status\n2026-03-10T10:00:40Z,503\n2026-03-10T10:01:00Z,503\n2026-03-10T10:04:59.999Z,200\n2026-03-10T10:05:10Z,503\n",
    );
    // [10:00:30, 10:05:30]: whole slices 10:01 to 10:04; the slices in progress at either end
    // are out, with their rows.
    let report = dir
        .report()
        .log("log.csv")
        .args(&["--between", "2026-03-10T10:00:30Z..2026-03-10T10:05:30Z"])
        .json_report();
    let result = &report.results[0];
    assert_eq!(
        (result.total, result.good, result.bad, result.events),
        (4, 3, 1, 2)
    );
    assert_eq!(report.inputs.outside_windows, 2);
}

#[test]
fn check_applies_its_policy_to_the_interval_and_says_which() {
    let dir = shop();
    dir.run(&["check", "-s", "spec.yaml", "log.csv", "--between", BETWEEN])
        .expect_code(1)
        .stdout_has("FAIL shop [2026-03-10T10:00:00Z..2026-03-10T11:00:00Z]: exhausted: ")
        .stdout_has("FAILED: 1 of 1 results fail the policy (--fail-on exhausted) over 2026-03-10T10:00:00Z .. 2026-03-10T11:00:00Z (1h)\n");
    let table = dir
        .report()
        .log("log.csv")
        .format("table")
        .args(&["--between", BETWEEN, "--color", "never"])
        .run();
    table
        .expect_code(0)
        .stdout_has("SLO report over 2026-03-10T10:00:00Z .. 2026-03-10T11:00:00Z (1h)\n")
        .stdout_has("\nshop  1h ");
    let json = dir
        .report()
        .log("log.csv")
        .args(&["--between", BETWEEN])
        .run()
        .json();
    assert_eq!(json["between"]["from"], "2026-03-10T10:00:00Z");
    assert_eq!(json["between"]["to"], "2026-03-10T11:00:00Z");
    // Without --between there is no such key.
    let plain = dir
        .report()
        .log("log.csv")
        .at("2026-03-10T11:00:00Z")
        .run()
        .json();
    assert!(plain.get("between").is_none(), "{plain}");
}

#[test]
fn a_bad_interval_is_a_usage_error() {
    let dir = shop();
    let run =
        |between: &str| dir.run(&["report", "-s", "spec.yaml", "log.csv", "--between", between]);
    run("2026-03-10T10:00:00Z").expect_code(2).stderr_has(
        "--between 2026-03-10T10:00:00Z: write the interval as T1..T2, such as 2026-10-02T17:24:00Z..2026-10-02T18:09:00Z",
    );
    run("2026-03-10T11:00:00Z..2026-03-10T10:00:00Z").expect_code(2).stderr_has(
        "the interval ends at 2026-03-10T10:00:00Z but starts at 2026-03-10T11:00:00Z: T2 must come after T1",
    );
    run("yesterday..2026-03-10T10:00:00Z")
        .expect_code(2)
        .stderr_has("'yesterday' is not a valid instant");
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--between",
        BETWEEN,
        "--at",
        "latest",
    ])
    .expect_code(2)
    .stderr_has("cannot be used with");
}
