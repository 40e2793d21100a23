//! Calendar windows across daylight-saving changes, and time-slice budgeting, by hand.

use crate::report::{close, Report};
use crate::workdir::Workdir;

#[test]
fn month_with_a_dst_change_in_berlin() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [{calendar: month, timezone: Europe/Berlin}]\n    good: status < 500\n    alerts: []\n",
    );
    // October 2026 in Berlin: starts 2026-09-30T22:00Z (CEST), ends 2026-10-31T23:00Z (CET):
    // 31 days and one hour.
    dir.write(
        "log.csv",
        "timestamp,status\n2026-09-30T21:59:59.999Z,500\n2026-09-30T22:00:00Z,500\n2026-10-25T01:30:00Z,200\n2026-10-31T12:00:00Z,200\n",
    );
    let report = dir
        .report()
        .log("log.csv")
        .at("2026-10-31T12:00:00Z")
        .json_report();
    let month = report.result("api", "month Europe/Berlin");
    assert_eq!(month.start, "2026-09-30T22:00:00Z");
    assert_eq!((month.total, month.bad), (3, 1));
    assert!(close(month.elapsed, 734.0 / 745.0), "{month:#?}");
}

#[test]
fn a_period_that_has_flipped_locally_but_not_in_utc() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [{calendar: month, timezone: Europe/Berlin}, {calendar: month}]\n    good: status < 500\n    alerts: []\n",
    );
    dir.write("log.csv", "timestamp,status\n2026-10-31T22:59:00Z,500\n2026-10-31T23:00:00Z,200\n2026-10-31T23:20:00Z,200\n");
    // 23:30Z on 31 October is already 00:30 on 1 November in Berlin.
    let report = dir
        .report()
        .log("log.csv")
        .at("2026-10-31T23:30:00Z")
        .json_report();
    let berlin = report.result("api", "month Europe/Berlin");
    assert_eq!(berlin.start, "2026-10-31T23:00:00Z");
    assert_eq!((berlin.total, berlin.bad), (2, 0));
    let utc = report.result("api", "month");
    assert_eq!(utc.start, "2026-10-01T00:00:00Z");
    assert_eq!((utc.total, utc.bad), (3, 1));
}

#[test]
fn week_with_a_dst_change_in_new_york() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [{calendar: week, timezone: America/New_York}]\n    good: status < 500\n    alerts: []\n",
    );
    // The ISO week of Sunday 1 November 2026 (US DST ends that day) starts Monday 26 October,
    // 00:00 EDT = 04:00Z, and lasts 7 days and one hour.
    dir.write("log.csv", "timestamp,status\n2026-10-26T03:59:59Z,500\n2026-10-26T04:00:00Z,200\n2026-11-01T12:00:00Z,503\n");
    let report = dir
        .report()
        .log("log.csv")
        .at("2026-11-01T12:00:00Z")
        .json_report();
    let week = report.result("api", "week America/New_York");
    assert_eq!(week.start, "2026-10-26T04:00:00Z");
    assert_eq!((week.total, week.bad), (2, 1));
    // Elapsed: 6 days 8 hours of 7 days 1 hour.
    assert!(
        close(week.elapsed, (6.0 * 24.0 + 8.0) / (7.0 * 24.0 + 1.0)),
        "{week:#?}"
    );
}

/// Minute slices 11:50–11:59 at A = 12:00:30 (not slice-aligned, so 12:00–12:01 is not whole):
/// 11:50 2/2 good · 11:51 9/10 (exactly 90 %: good) · 11:52 8/10 (bad) · 11:53–11:57 empty
/// (good) · 11:58 0/1 (bad) · 11:59 3/3 → 10 slices, 2 bad.
#[test]
fn a_calendar_window_shows_an_exhaustion_that_comes_before_its_period_ends() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [{calendar: month}, 30d]\n    good: status < 500\n    alerts: []\n",
    );
    // 20 events, 1 bad in the last hour: half the budget of 2 is left, and the 1h burn rate is
    // (1/2) / 0.1 = 5, so May's budget is gone in 0.5 × 31 days / 5 = 3d 2h 24m, the 30d
    // window's in 3d.
    let log = |day: u32| {
        let mut text = String::from("timestamp,status\n");
        for _ in 0..18 {
            text.push_str(&format!("2026-05-{day:02}T01:00:00Z,200\n"));
        }
        text.push_str(&format!("2026-05-{:02}T23:30:00Z,200\n", day + 2));
        text.push_str(&format!("2026-05-{:02}T23:40:00Z,500\n", day + 2));
        text
    };
    let empty_in = |at: &str| {
        let run = dir.report().log("log.csv").at(at).format("markdown").run();
        let out = run.expect_code(0).stdout();
        ["month", "30d"].map(|window| {
            let row = out
                .lines()
                .find(|l| l.contains(&format!("| {window}")))
                .unwrap_or_else(|| panic!("no {window} row in {out}"));
            row.split('|').map(str::trim).nth(8).unwrap().to_string()
        })
    };
    // On 4 May 28 days of the month are left: the exhaustion in 3d 2h is shown.
    dir.write("log.csv", log(1));
    assert_eq!(empty_in("2026-05-04T00:00:00Z"), ["3d 2h", "3d"]);
    // On 31 May one day is left: the budget starts afresh before it would run out.
    dir.write("log.csv", log(28));
    assert_eq!(empty_in("2026-05-31T00:00:00Z"), ["–", "3d"]);
}

fn slice_log() -> String {
    let mut text = String::from("timestamp,status\n2026-03-10T11:49:59Z,500\n");
    let mut push = |minute: u32, statuses: &[u32]| {
        for (i, status) in statuses.iter().enumerate() {
            text.push_str(&format!(
                "2026-03-10T11:{minute:02}:{:02}Z,{status}\n",
                i * 5
            ));
        }
    };
    push(50, &[200, 200]);
    push(51, &[200, 200, 200, 200, 500, 200, 200, 200, 200, 200]);
    push(52, &[200, 503, 200, 200, 200, 200, 500, 200, 200, 200]);
    push(58, &[500]);
    push(59, &[200, 200, 200]);
    text.push_str("2026-03-10T12:00:10Z,500\n");
    text
}

const AT: &str = "2026-03-10T12:00:30Z";

fn slice_spec(objective: &str, budgeting: &str) -> String {
    format!(
        "version: 1\nslos:\n  - name: minutes\n    objective: {objective}\n    windows: [10m]\n    budgeting: {budgeting}\n    timeslice: {{length: 1m, objective: 90}}\n    good: status < 500\n    alerts: []\n"
    )
}

#[test]
fn timeslices_count_good_minutes() {
    let dir = Workdir::new();
    dir.write("log.csv", slice_log());
    dir.write("spec.yaml", slice_spec("75", "timeslices"));
    let report = dir.report().log("log.csv").at(AT).json_report();
    let r = report.result("minutes", "10m");
    assert_eq!(r.budgeting, "timeslices");
    assert_eq!((r.total, r.good, r.bad), (10, 8, 2));
    // 25 % of 10 slices may be bad: 2.5 slices = 150 s; 2 spent → 30 s of bad time left.
    assert!(close(r.error_budget.allowed, 2.5));
    assert!(close(r.error_budget.consumed, 0.8));
    assert!(close(r.error_budget.allowed_s, 150.0));
    assert!(close(r.error_budget.remaining_s, 30.0));
    assert_eq!(r.status, "ok");
    // The event after the last whole slice is outside every window; the one at 11:49:59 is
    // outside the 10m window but inside the 1h burn-rate lookback.
    assert_eq!(report.inputs.outside_windows, 1);

    // At objective 80 the 2 bad slices spend the 2 allowed exactly: exhausted.
    dir.write("spec.yaml", slice_spec("80", "timeslices"));
    let report = dir.report().log("log.csv").at(AT).json_report();
    let r = report.result("minutes", "10m");
    assert_eq!(r.error_budget.remaining, Some(0.0));
    assert_eq!(r.status, "exhausted");
    let table = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--color",
        "never",
    ]);
    table
        .expect_code(0)
        .stdout_has(" 0s ")
        .stdout_has("EXHAUSTED");
}

#[test]
fn bad_time_left_is_exact_and_junit_tells_slices_from_events() {
    let dir = Workdir::new();
    dir.write(
        "log.csv",
        "timestamp,status\n2026-05-10T08:00:00Z,500\n2026-05-10T09:00:00Z,500\n2026-05-10T10:00:00Z,200\n",
    );
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1d]\n    budgeting: timeslices\n    timeslice: {length: 5m, objective: 95}\n    good: status < 500\n    alerts: []\n",
    );
    let at = "2026-05-10T12:00:00Z";
    // 1 % of 288 five-minute slices: 2.88 slices, 864 s; 2 bad slices, 600 s: 264 s left.
    let report = dir.report().log("log.csv").at(at).json_report();
    let r = report.result("api", "1d");
    assert_eq!((r.total, r.good, r.bad, r.events), (288, 286, 2, 3));
    assert_eq!(r.error_budget.allowed_s, Some(864.0));
    assert_eq!(r.error_budget.remaining_s, Some(264.0));
    let run = |format| dir.report().log("log.csv").at(at).format(format).run();
    run("table").expect_code(0).stdout_has(" 4m 24s ");
    run("prometheus")
        .expect_code(0)
        .stdout_has("slo_error_budget_remaining_seconds{slo=\"api\",window=\"1d\"} 264\n");
    run("junit")
        .expect_code(0)
        .stdout_has("events: 3 (0 invalid)")
        .stdout_has("time slices: 288 (286 good, 2 bad)");
}

#[test]
fn ratio_timeslices_average_slice_ratios() {
    let dir = Workdir::new();
    dir.write("log.csv", slice_log());
    dir.write("spec.yaml", slice_spec("70", "ratio_timeslices"));
    let report = dir.report().log("log.csv").at(AT).json_report();
    let r = report.result("minutes", "10m");
    // Slices with events: 1.0, 0.9, 0.8, 0.0, 1.0 → mean 0.74.
    assert!(close(r.sli, 0.74), "{r:#?}");
    assert_eq!((r.total, r.good), (26, 22));
    assert!(close(r.error_budget.consumed, 0.26 / 0.30));
    assert_eq!(r.status, "ok");
}

#[test]
fn burn_rates_and_alerts_count_slices() {
    let dir = Workdir::new();
    dir.write("log.csv", slice_log());
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: minutes\n    objective: 90\n    windows: [1h]\n    budgeting: timeslices\n    timeslice: {length: 1m, objective: 90}\n    good: status < 500\n    alerts:\n      - {severity: page, budget: 10%, long: 10m, short: 2m}\n",
    );
    let report = dir.report().log("log.csv").at(AT).json_report();
    let r = report.result("minutes", "1h");
    // 10m: 2 bad of 10 slices = 20 % / 10 % = 2×. 2m: 11:58 bad, 11:59 good → 50 % / 10 % = 5×.
    // Threshold: 10 % × 60m / 10m = 0.6.
    assert!(close(r.burn_rates["10m"], 2.0), "{r:#?}");
    assert!(close(r.burn_rates["2m"], 5.0), "{r:#?}");
    // 1h: 3 bad of 60 slices (11:49 holds one bad event) → (3/60) / 0.1.
    assert!(close(r.burn_rates["1h"], 3.0 / 60.0 / 0.1));
    assert!(close(r.alerts[0].threshold, 0.6));
    assert!(r.alerts[0].firing);
}

#[test]
fn slice_lengths_must_fit_windows_and_lookbacks() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [90s]\n    budgeting: timeslices\n    timeslice: {length: 1m, objective: 90}\n    good: ok\n  - name: b\n    objective: 99\n    windows: [1h]\n    budgeting: timeslices\n    timeslice: {length: 10m, objective: 90}\n    good: ok\n    alerts: [{severity: page, budget: 2%, long: 1h, short: 5m}]\n  - name: c\n    objective: 99\n    windows: [7h]\n    budgeting: timeslices\n    timeslice: {length: 7m, objective: 90}\n    good: ok\n    alerts: []\n  - name: d\n    objective: 99\n    windows: [1h]\n    budgeting: timeslices\n    good: ok\n",
    );
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("spec.yaml:3:5: window 90s is not a whole number of 1m time slices")
        .stderr_has("spec.yaml:9:5: alert lookback 5m is not a whole number of 10m time slices")
        .stderr_has("spec.yaml:20:25: timeslice length 7m must divide one hour evenly")
        .stderr_has("`budgeting: timeslices` needs `timeslice: {length: 1m, objective: 95}`");
}

/// Minute slices 11:50–11:54 whose good/total ratios are 1/3, 5/6, 5/6, 2/3 and 5/6: their
/// mean is exactly 0.7, which no binary floating-point sum reaches in every order.
fn boundary_log() -> String {
    let mut text = String::from("timestamp,status\n");
    for (minute, (good, total)) in (50..).zip([(1, 3), (5, 6), (5, 6), (2, 3), (5, 6)]) {
        for i in 0..total {
            let status = if i < good { 200 } else { 500 };
            text.push_str(&format!(
                "2026-03-10T11:{minute:02}:{:02}Z,{status}\n",
                i * 5
            ));
        }
    }
    text
}

#[test]
fn ratio_timeslices_at_the_objective_are_exhausted_on_every_run_and_in_every_format() {
    let dir = Workdir::new();
    dir.write("log.csv", boundary_log());
    dir.write("spec.yaml", slice_spec("70", "ratio_timeslices"));
    let report_as = |format| dir.report().log("log.csv").at(AT).format(format).run();
    let first_json = report_as("json").expect_code(0).stdout();
    let first_csv = report_as("csv").expect_code(0).stdout();
    let report: Report = serde_json::from_str(&first_json).expect("JSON report");
    let r = report.result("minutes", "10m");
    // The mean is the objective exactly: the budget is exactly spent.
    assert_eq!(r.sli, Some(0.7), "{r:#?}");
    assert_eq!(r.sli_margin, Some(0.0), "{r:#?}");
    assert_eq!(r.error_budget.consumed, Some(1.0), "{r:#?}");
    assert_eq!(r.error_budget.remaining, Some(0.0), "{r:#?}");
    assert_eq!(r.burn_rates["1h"], Some(1.0), "{r:#?}");
    assert_eq!(r.status, "exhausted", "{r:#?}");
    // The CSV row carries the same figures, digit for digit.
    let header: Vec<&str> = first_csv
        .lines()
        .next()
        .expect("header")
        .split(',')
        .collect();
    let row: Vec<&str> = first_csv.lines().nth(1).expect("row").split(',').collect();
    let column = |name: &str| row[header.iter().position(|h| *h == name).expect(name)];
    for (name, value) in [
        ("sli", r.sli),
        ("sli_margin", r.sli_margin),
        ("error_budget.consumed", r.error_budget.consumed),
        ("error_budget.remaining", r.error_budget.remaining),
        ("burn_rates.1h", r.burn_rates["1h"]),
    ] {
        let in_csv: f64 = column(name).parse().expect(name);
        assert_eq!(Some(in_csv), value, "{name} in CSV and JSON");
    }
    // The same run gives the same bytes, and `check` the same verdict, every time (the slices
    // were once summed in hash-map order, which changes from run to run).
    for _ in 0..20 {
        assert_eq!(report_as("json").expect_code(0).stdout(), first_json);
        assert_eq!(report_as("csv").expect_code(0).stdout(), first_csv);
        dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", AT])
            .expect_code(1);
    }
}

#[test]
fn timeslice_lookbacks_without_events_have_no_burn_rate() {
    let dir = Workdir::new();
    // Events three hours before A: inside the 1d window, none in the last hour.
    dir.write(
        "log.csv",
        "timestamp,status\n2026-03-10T09:00:00Z,200\n2026-03-10T09:00:10Z,500\n",
    );
    for budgeting in ["timeslices", "ratio_timeslices", "occurrences"] {
        let slice = if budgeting == "occurrences" {
            ""
        } else {
            "    timeslice: {length: 1m, objective: 90}\n"
        };
        dir.write(
            "spec.yaml",
            format!("version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    budgeting: {budgeting}\n{slice}    good: status < 500\n    alerts:\n      - {{severity: page, budget: 2%, long: 1h, short: 5m}}\n      - {{severity: ticket, budget: 10%, long: 6h, short: 30m}}\n"),
        );
        let report = dir.report().log("log.csv").at(AT).json_report();
        let r = report.result("api", "1d");
        assert_eq!(r.burn_rates["1h"], None, "{budgeting}: {r:#?}");
        assert_eq!(r.burn_rates["5m"], None, "{budgeting}: {r:#?}");
        assert!(
            r.burn_rates["6h"].is_some_and(|b| b > 0.0),
            "{budgeting}: {r:#?}"
        );
        assert_eq!(r.time_to_exhaustion_s, None, "{budgeting}");
        let prometheus = dir
            .report()
            .log("log.csv")
            .at(AT)
            .format("prometheus")
            .run()
            .expect_code(0)
            .stdout();
        assert!(
            !prometheus.contains("lookback=\"1h\"") && !prometheus.contains("lookback=\"5m\""),
            "{budgeting}: a sample for a lookback without events\n{prometheus}"
        );
        assert!(
            prometheus.contains("lookback=\"6h\""),
            "{budgeting}\n{prometheus}"
        );
    }
}
