//! `min_events:` (issue 17, point 3): a window with fewer events than the minimum has the
//! status `low_traffic`, with its figures, instead of a verdict that one bad event would flip;
//! an alert needs as many events over its long lookback to fire.

use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 90 %, at least 10 events; one page over 1h (and 5m) at 2 % of a day's budget
/// (threshold 0.48×).
const SPEC: &str = "\
version: 1
slos:
  - name: shop
    objective: 90
    min_events: 10
    windows: [1d]
    good: status < 500
    alerts:
      - {severity: page, budget: 2%, long: 1h, short: 5m}
";

/// `old` good events hours before `AT`, then `recent` events in its last five minutes, the
/// first `bad` of them failing.
fn log(old: usize, recent: usize, bad: usize) -> String {
    let mut text = String::from("timestamp,status\n");
    for i in 0..old {
        text.push_str(&format!("2026-03-10T0{}:00:00Z,200\n", i % 10));
    }
    for i in 0..recent {
        let status = if i < bad { 503 } else { 200 };
        text.push_str(&format!("2026-03-10T11:57:{:02}Z,{status}\n", i));
    }
    text
}

fn shop(old: usize, recent: usize, bad: usize) -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", log(old, recent, bad));
    dir
}

#[test]
fn fewer_events_than_the_minimum_are_low_traffic_with_their_figures() {
    // 9 events, 5 bad: the budget is long spent, but 9 < 10 events give no verdict.
    let report = shop(0, 9, 5).report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!(result.status, "low_traffic");
    assert_eq!((result.total, result.bad, result.events), (9, 5, 9));
    assert_eq!(result.min_events, Some(10));
    assert!(result.error_budget.remaining.is_some_and(|r| r < 0.0));
    // Nine events in the long lookback: the alert does not fire, though its burn rate would.
    assert!(result.burn_rates["1h"].is_some_and(|b| b > 0.48));
    assert!(!result.alerts[0].firing);
    // Exactly the minimum: a verdict.
    let report = shop(0, 10, 5).report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!(result.status, "exhausted");
    assert!(result.alerts[0].firing);
}

#[test]
fn an_alert_needs_the_minimum_over_its_long_lookback() {
    // 20 events in the day (1 bad, within budget); 9 of them in the last hour: no page.
    let report = shop(11, 9, 1).report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!((result.total, result.status.as_str()), (20, "ok"));
    assert!(!result.alerts[0].firing);
    // A tenth event in the last hour (good): the burn of 1 in 10 pages.
    let report = shop(10, 10, 1).report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!((result.total, result.status.as_str()), (20, "at_risk"));
    assert!(result.alerts[0].firing);
}

#[test]
fn check_fails_on_low_traffic_only_when_asked() {
    let dir = shop(0, 9, 5);
    let check = |fail_on: &str| {
        dir.run(&[
            "check",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "--fail-on",
            fail_on,
        ])
    };
    check("exhausted,at-risk,no-data").expect_code(0);
    check("low-traffic").expect_code(1).stdout_has(
        "FAIL shop [1d]: low_traffic: 9 events, fewer than its min_events 10; SLI 44.444 % against 90 %, -455.6 % of the error budget left\n",
    );
    let run = dir
        .report()
        .log("log.csv")
        .at(AT)
        .format("table")
        .args(&["--color", "never"])
        .run();
    run.expect_code(0).stdout_has(" LOW TRAFFIC\n");
    let junit = dir.report().log("log.csv").at(AT).format("junit").run();
    junit.expect_code(0).stdout_has(
        r#"<skipped message="too few events for a verdict over 1d: 9 of the 10 min_events"/>"#,
    );
    let prometheus = dir
        .report()
        .log("log.csv")
        .at(AT)
        .format("prometheus")
        .run();
    prometheus
        .expect_code(0)
        .stdout_has("slo_status{slo=\"shop\",window=\"1d\",status=\"low_traffic\"} 1\n");
}

#[test]
fn under_timeslices_the_minimum_counts_events_not_slices() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: minutes\n    objective: 90\n    min_events: 10\n    windows: [1h]\n    budgeting: timeslices\n    timeslice: {length: 1m, objective: 90}\n    good: status < 500\n    alerts: []\n",
    );
    dir.write("log.csv", log(0, 9, 0));
    let report = dir.report().log("log.csv").at(AT).json_report();
    let result = report.result("minutes", "1h");
    assert_eq!((result.total, result.events), (60, 9));
    assert_eq!(result.status, "low_traffic");
    dir.write("log.csv", log(0, 10, 0));
    let report = dir.report().log("log.csv").at(AT).json_report();
    assert_eq!(report.result("minutes", "1h").status, "ok");
}
