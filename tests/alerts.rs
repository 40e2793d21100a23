//! Burn rates, multiwindow burn-rate alerts and time to exhaustion, computed by hand.

use crate::report::{close, Report};
use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 99 % over 1d; one page alert at 10 % of the budget in 1h, confirmed over 10m:
/// threshold = 0.10 × 24h / 1h = 2.4.
const SPEC: &str = "\
version: 1
slos:
  - name: api
    objective: 99
    windows: [1d, 7d]
    good: status < 500
    alerts:
      - {severity: page, budget: 10%, long: 1h, short: 10m}
";

/// 990 good events early in the day, then `recent` (time, status) rows in the last hour.
fn log(recent: &[(&str, u32)]) -> String {
    let mut text = String::from("timestamp,status\n");
    for i in 0..990 {
        text.push_str(&format!("2026-03-10T01:{:02}:{:02}Z,200\n", i / 60, i % 60));
    }
    for (time, status) in recent {
        text.push_str(&format!("2026-03-10T{time}Z,{status}\n"));
    }
    text
}

/// The report at [`AT`] of [`SPEC`] over [`log`]`(recent)`.
fn report_with(recent: &[(&str, u32)]) -> Report {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", log(recent));
    dir.report().log("log.csv").at(AT).json_report()
}

#[test]
fn a_fast_burn_fires_and_gives_a_time_to_exhaustion() {
    // Last hour: 10 events, 1 bad → 10 % errors / 1 % allowed = 10×. Last 10m: 2 events, 1 bad → 50×.
    let mut recent: Vec<(&str, u32)> = [
        "11:05:00", "11:10:00", "11:15:00", "11:20:00", "11:25:00", "11:30:00", "11:35:00",
        "11:40:00", "11:55:00",
    ]
    .iter()
    .map(|t| (*t, 200))
    .collect();
    recent.push(("11:58:00", 503));
    let report = report_with(&recent);
    let day = report.result("api", "1d");
    assert_eq!((day.total, day.bad), (1000, 1));
    assert!(close(day.burn_rates["1h"], 10.0), "{day:#?}");
    assert!(close(day.burn_rates["10m"], 50.0), "{day:#?}");
    let alert = &day.alerts[0];
    assert_eq!(alert.severity, "page");
    assert_eq!((alert.long.as_str(), alert.short.as_str()), ("1h", "10m"));
    assert!(close(alert.threshold, 2.4));
    assert!(alert.firing);
    assert_eq!(day.status, "at_risk");
    // remaining 0.9 (1 bad of 10 allowed); 0.9 × 86 400 s / 10 = 7 776 s.
    assert!(close(day.error_budget.remaining, 0.9));
    assert!(close(day.time_to_exhaustion_s, 7776.0), "{day:#?}");
    // The 7d window shares the alert (thresholds come from the first window) but has its own D.
    let week = report.result("api", "7d");
    assert_eq!(week.status, "at_risk");
    assert!(close(
        week.time_to_exhaustion_s,
        0.9 * 7.0 * 86_400.0 / 10.0
    ));
}

#[test]
fn long_window_burning_but_short_window_clean_does_not_fire() {
    // Last hour: 1 bad of 10 (10×); last 10m: 2 good events (0×).
    let recent = [
        ("11:05:00", 200),
        ("11:10:00", 200),
        ("11:15:00", 200),
        ("11:20:00", 500),
        ("11:25:00", 200),
        ("11:30:00", 200),
        ("11:35:00", 200),
        ("11:40:00", 200),
        ("11:52:00", 200),
        ("11:58:00", 200),
    ];
    let report = report_with(&recent);
    let day = report.result("api", "1d");
    assert!(close(day.burn_rates["1h"], 10.0));
    assert!(close(day.burn_rates["10m"], 0.0));
    assert!(!day.alerts[0].firing);
    assert_eq!(day.status, "ok");
}

#[test]
fn a_burst_that_has_ended_does_not_fire() {
    // A burst 40 minutes ago, nothing since: the short lookback has no events at all.
    let recent = [("11:15:00", 500), ("11:16:00", 500), ("11:17:00", 200)];
    let report = report_with(&recent);
    let day = report.result("api", "1d");
    assert!(close(day.burn_rates["1h"], 2.0 / 3.0 / 0.01));
    assert_eq!(day.burn_rates["10m"], None);
    assert!(!day.alerts[0].firing);
}

#[test]
fn exactly_at_the_threshold_does_not_fire() {
    // Threshold 2.4× at 99 %: an error rate of exactly 2.4 % over both lookbacks.
    // Last hour: 125 events, 3 bad = 2.4 %; last 10m: the same events.
    let mut text = String::from("timestamp,status\n");
    for i in 0..125 {
        let status = if i < 3 { 500 } else { 200 };
        text.push_str(&format!(
            "2026-03-10T11:55:{:02}.{:03}Z,{status}\n",
            i % 60,
            i
        ));
    }
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", text);
    let report = dir.report().log("log.csv").at(AT).json_report();
    let day = report.result("api", "1d");
    assert!(close(day.burn_rates["1h"], 2.4));
    assert!(!day.alerts[0].firing, "{day:#?}");
}

/// A burn rate written as one (native `burn_rate`, OpenSLO's `threshold`) is the threshold
/// exactly on any window: on 28 days 14.4× is 2.142857…% of the budget in an hour, which a
/// decimal share of the budget can only round, and then fired at exactly 14.4×.
#[test]
fn a_burn_rate_threshold_is_exact_on_a_28_day_window() {
    // 99 % over 28d; in the last hour 1000 events, `bad` of them bad: 144 burns exactly 14.4×.
    let log = |bad: u32| {
        let mut text = String::from("timestamp,status\n");
        for i in 0..1000 {
            let status = if i < bad { 500 } else { 200 };
            text.push_str(&format!(
                "2026-03-10T11:58:{:02}.{:03}Z,{status}\n",
                i % 60,
                i
            ));
        }
        text
    };
    let native = "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [28d]\n    good: status < 500\n    alerts: [{severity: page, burn_rate: 14.4, long: 1h, short: 5m}]\n";
    let openslo = "apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: api}\nspec:\n  service: api\n  indicator:\n    metadata: {name: api}\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: slo.logs, spec: {filter: status < 500}}}\n        total: {metricSource: {type: slo.logs, spec: {filter: 'true'}}}\n  timeWindow: [{duration: 4w, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n  alertPolicies:\n    - kind: AlertPolicy\n      metadata: {name: fast}\n      spec:\n        conditions:\n          - kind: AlertCondition\n            metadata: {name: fast-burn}\n            spec: {severity: page, condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}}\n        notificationTargets: [{kind: AlertNotificationTarget, metadata: {name: t}, spec: {target: email}}]\n";
    let dir = Workdir::new();
    for (spec, text) in [("native.yaml", native), ("openslo.yaml", openslo)] {
        dir.write(spec, text);
        for (bad, fires) in [(144, false), (145, true)] {
            dir.write("log.csv", log(bad));
            let report = dir.report().spec(spec).log("log.csv").at(AT).json_report();
            let r = &report.results[0];
            assert!(
                close(r.burn_rates["1h"], f64::from(bad) / 10.0),
                "{spec}: {r:#?}"
            );
            assert_eq!(r.alerts[0].threshold, 14.4, "{spec}");
            assert_eq!(r.alerts[0].firing, fires, "{spec}, {bad} bad: {r:#?}");
        }
    }
    // Converted, the rule keeps its burn rate as written.
    dir.run(&["convert", "--to", "native", "openslo.yaml"])
        .expect_code(0)
        .stdout_has("burn_rate: 14.4");
    dir.run(&["convert", "--to", "openslo", "native.yaml"])
        .expect_code(0)
        .stdout_has("threshold: 14.4\n");
    // A budget share and a burn rate in one rule are one too many.
    dir.write(
        "both.yaml",
        native.replace("burn_rate: 14.4", "budget: 2%, burn_rate: 14.4"),
    );
    dir.run(&["validate", "both.yaml"])
        .expect_code(2)
        .stderr_has("an alert has `budget` or `burn_rate`, not both");
}

#[test]
fn default_policy_and_fail_on_at_risk() {
    let dir = Workdir::new();
    dir.write("spec.yaml", "version: 1\nslos:\n  - name: api\n    objective: 99.9\n    windows: [30d]\n    good: status < 500\n");
    // 2000 good events over the past days, then 10 bad of 20 in the last 5 minutes.
    let mut text = String::from("timestamp,status\n");
    for i in 0..2000 {
        text.push_str(&format!(
            "2026-03-0{}T{:02}:{:02}:00Z,200\n",
            1 + i / 1000,
            (i / 60) % 24,
            i % 60
        ));
    }
    for i in 0..20 {
        text.push_str(&format!(
            "2026-03-10T11:58:{:02}Z,{}\n",
            i,
            if i % 2 == 0 { 503 } else { 200 }
        ));
    }
    dir.write("log.csv", text);
    let report = dir.report().log("log.csv").at(AT).json_report();
    let api = report.result("api", "30d");
    let thresholds: Vec<f64> = api.alerts.iter().map(|a| a.threshold).collect();
    assert!(
        thresholds
            .iter()
            .zip([14.4, 6.0, 1.0])
            .all(|(a, b)| (a - b).abs() < 1e-9),
        "{thresholds:?}"
    );
    let keys: Vec<&String> = api.burn_rates.keys().collect();
    for lookback in ["1h", "5m", "6h", "30m", "3d"] {
        assert!(
            keys.iter().any(|k| *k == lookback),
            "burn rate {lookback} missing: {keys:?}"
        );
    }
    // 10 bad of 20 in the last hour and 5 minutes: 50 % / 0.1 % = 500× > 14.4.
    assert!(close(api.burn_rates["1h"], 500.0));
    assert!(api.alerts[0].firing);
    // 10 bad of 2020 over 30 days: 10 / 2.02 allowed → exhausted, which also fails at-risk.
    assert_eq!(api.status, "exhausted");
    dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--fail-on",
        "at-risk",
    ])
    .expect_code(1);

    // A spec where the budget holds but the page fires: at_risk.
    dir.write("roomy.yaml", "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [30d]\n    good: status < 500\n");
    let run = dir.run(&[
        "check",
        "-s",
        "roomy.yaml",
        "log.csv",
        "--at",
        AT,
        "--fail-on",
        "at-risk",
    ]);
    run.expect_code(1).stdout_has("FAIL api [30d]: at_risk");
    dir.run(&["check", "-s", "roomy.yaml", "log.csv", "--at", AT])
        .expect_code(0);
    let table = dir.run(&[
        "report",
        "-s",
        "roomy.yaml",
        "log.csv",
        "--at",
        AT,
        "--color",
        "never",
    ]);
    table
        .expect_code(0)
        .stdout_has("AT RISK")
        .stdout_has("PAGE api: burning 50× over 1h and 50× over 5m (limit 14.4×)");
}

#[test]
fn alert_rules_are_validated() {
    let dir = Workdir::new();
    dir.write(
        "bad.yaml",
        "version: 1\ndefaults:\n  alerts:\n    - {severity: pager, budget: 2%, long: 1h, short: 5m}\n    - {severity: page, budget: 0%, long: 1h, short: 5m}\n    - {severity: page, budget: 2%, long: 5m, short: 1h}\n    - {severity: page, budget: 150%, long: 1h}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: ok\n",
    );
    let run = dir.run(&["validate", "bad.yaml"]);
    run.expect_code(2)
        .stderr_has("bad.yaml:4:18: unknown severity `pager`: use page or ticket")
        .stderr_has("bad.yaml:5:32: budget '0%' must be above 0 %")
        .stderr_has("bad.yaml:6:8: the short lookback (1h) must be shorter than the long one (5m)")
        .stderr_has("budget '150%' must be above 0 %")
        .stderr_has("bad.yaml:7:8: this alert lacks short");
    dir.write("none.yaml", "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: ok\n    alerts: []\n");
    dir.run(&["validate", "none.yaml"]).expect_code(0);
}
