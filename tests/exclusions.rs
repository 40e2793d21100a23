//! `exclude:` (issue 17, point 2): intervals `[from, to)` — planned maintenance, a known bad
//! load test — whose events count toward no window, lookback or slice, accounted for as
//! `excluded`.

use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 99 % over a day, burn rate over 1h; maintenance from 10:00 to 11:00.
const SPEC: &str = "\
version: 1
slos:
  - name: shop
    objective: 99
    windows: [1d]
    good: status < 500
    alerts: []
    exclude:
      - {from: 2026-03-10T10:00:00Z, to: 2026-03-10T11:00:00Z, reason: database migration}
";

/// Failures on both sides of the maintenance and inside it; `to` is exclusive, `from` not.
const LOG: &str = "\
timestamp,status
2026-03-10T09:59:59.999Z,503
2026-03-10T10:00:00Z,503
2026-03-10T10:30:00Z,503
2026-03-10T10:59:59.999Z,503
2026-03-10T11:00:00Z,200
2026-03-10T11:30:00Z,200
";

#[test]
fn events_in_an_exclusion_count_nowhere_and_are_accounted_for() {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", LOG);
    let report = dir.report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!(
        (result.total, result.bad, result.excluded, result.invalid),
        (3, 1, 3, 0)
    );
    // The 1h lookback (11:00, 12:00] holds only what is after the maintenance; at 11:30 its
    // lookback (10:30, 11:30] holds two excluded failures, which do not burn.
    assert_eq!(result.burn_rates["1h"], Some(0.0));
    let report = dir
        .report()
        .log("log.csv")
        .at("2026-03-10T11:30:00Z")
        .json_report();
    assert_eq!(report.result("shop", "1d").burn_rates["1h"], Some(0.0));
    let inputs = &report.inputs;
    assert_eq!((inputs.rows, inputs.matched, inputs.excluded), (6, 3, 3));
    assert_eq!(
        inputs.rows,
        inputs.malformed
            + inputs.outside_windows
            + inputs.unselected
            + inputs.excluded
            + inputs.matched
    );
}

#[test]
fn an_exclusion_takes_rows_from_the_slos_that_have_it_only() {
    // `all` has no exclusion: the rows it counts are matched, whatever `shop` says.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        format!("{SPEC}  - name: recent\n    objective: 99\n    windows: [1h]\n    good: status < 500\n    alerts: []\n"),
    );
    dir.write("log.csv", LOG);
    let report = dir
        .report()
        .log("log.csv")
        .at("2026-03-10T11:30:00Z")
        .json_report();
    // `recent` counts (10:30, 11:30]: 10:59:59.999, 11:00 and 11:30 — the first excluded by
    // `shop` only.
    assert_eq!(report.result("recent", "1h").total, 3);
    assert_eq!(report.result("shop", "1d").excluded, 3);
    let inputs = &report.inputs;
    assert_eq!((inputs.matched, inputs.excluded), (4, 2), "{inputs:?}");
}

#[test]
fn excluded_slices_shrink_a_timeslice_window() {
    // A 1h window of 1m slices at 12:00: the 60 slices from 11:00 to 11:59.
    let spec = |from: &str, to: &str| {
        format!("version: 1\nslos:\n  - name: minutes\n    objective: 90\n    windows: [1h]\n    budgeting: timeslices\n    timeslice: {{length: 1m, objective: 90}}\n    good: status < 500\n    alerts: []\n    exclude: [{{from: '{from}', to: '{to}'}}]\n")
    };
    let dir = Workdir::new();
    dir.write(
        "log.csv",
        "timestamp,status\n2026-03-10T11:10:10Z,503\n2026-03-10T11:10:40Z,503\n2026-03-10T11:15:00Z,503\n2026-03-10T11:40:00Z,200\n",
    );
    let figures = |from: &str, to: &str| {
        dir.write("spec.yaml", spec(from, to));
        let report = dir.report().log("log.csv").at(AT).json_report();
        let r = report.result("minutes", "1h");
        (r.total, r.good, r.bad, r.excluded, r.error_budget.allowed_s)
    };
    // [11:10, 11:20) holds exactly ten slices: 50 are left, all good; three failures excluded.
    assert_eq!(
        figures("2026-03-10T11:10:00Z", "2026-03-10T11:20:00Z"),
        (50, 50, 0, 3, Some(300.0))
    );
    // From 11:10:30 the slice of 11:10 is only partly excluded: it stays, with its failure at
    // 11:10:10, and is bad; nine slices go.
    assert_eq!(
        figures("2026-03-10T11:10:30Z", "2026-03-10T11:20:00Z"),
        (51, 50, 1, 2, Some(306.0))
    );
    // Ending one nanosecond before 11:20 leaves the slice of 11:19 whole, and in.
    assert_eq!(
        figures("2026-03-10T11:10:00Z", "2026-03-10T11:19:59.999999999Z"),
        (51, 51, 0, 3, Some(306.0))
    );
}

#[test]
fn defaults_the_slo_and_an_exclude_file_add_up() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\ndefaults:\n  exclude: [{from: 2026-03-10T10:00:00Z, to: 2026-03-10T10:15:00Z}]\nslos:\n  - name: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    alerts: []\n    exclude: [{from: 2026-03-10T10:15:00Z, to: 2026-03-10T10:45:00Z}]\n",
    );
    dir.write(
        "maintenance.yaml",
        "exclude:\n  - from: 2026-03-10T10:45:00+01:00\n    to: 2026-03-10T11:00:00+01:00\n    reason: the load balancer's certificate\n  - {from: 2026-03-10T10:45:00Z, to: 2026-03-10T11:00:00Z, reason: network}\n",
    );
    dir.write("log.csv", LOG);
    let report = dir.report().log("log.csv").at(AT).json_report();
    assert_eq!(report.result("shop", "1d").excluded, 2);
    let report = dir
        .report()
        .log("log.csv")
        .at(AT)
        .args(&["--exclude", "maintenance.yaml"])
        .json_report();
    // The file adds 09:45–10:00 (written at +01:00), which holds 09:59:59.999, and 10:45–11:00.
    assert_eq!(report.result("shop", "1d").excluded, 4);
}

#[test]
fn validate_places_mistakes_and_notes_overlaps_and_long_exclusions() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    exclude:\n      - {from: 2026-03-10T10:00:00Z, to: 2026-03-10T09:00:00Z}\n      - {from: yesterday, to: 2026-03-10T09:00:00Z}\n      - {to: 2026-03-10T09:00:00Z, why: oops}\n",
    );
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("spec.yaml:8:42: this exclusion ends at 2026-03-10T09:00:00Z but starts at 2026-03-10T10:00:00Z: `to` must come after `from` (the interval is [from, to))")
        .stderr_has("spec.yaml:9:16: `from`: 'yesterday' is not a valid instant")
        .stderr_has("spec.yaml:10:36: unknown key `why` in an exclusion")
        .stderr_has("spec.yaml:10:10: this exclusion has no `from`");
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    exclude:\n      - {from: 2026-03-01T00:00:00Z, to: 2026-03-03T00:00:00Z, reason: migration}\n",
    );
    dir.write(
        "more.yaml",
        "exclude: [{from: 2026-03-02T00:00:00Z, to: 2026-03-02T01:00:00Z}]\n",
    );
    dir.run(&["validate", "spec.yaml", "--exclude", "more.yaml"])
        .expect_code(0)
        .stderr_has("note: spec.yaml:8:10: SLO shop: the exclusion [2026-03-01T00:00:00Z, 2026-03-03T00:00:00Z) (migration) lasts 2d, longer than its window 1d: while it covers the window, that window holds no events (no_data)")
        .stderr_has("note: more.yaml:1:12: SLO shop: the exclusion [2026-03-02T00:00:00Z, 2026-03-02T01:00:00Z) overlaps the one at spec.yaml:8:10 ([2026-03-01T00:00:00Z, 2026-03-03T00:00:00Z) (migration)); both apply, so their union is excluded");
    dir.write(
        "bad.yaml",
        "exclude: [{from: 2026-03-02T00:00:00Z}]\nslos: []\n",
    );
    dir.run(&["validate", "spec.yaml", "--exclude", "bad.yaml"])
        .expect_code(2)
        .stderr_has("bad.yaml:1:12: this exclusion has no `to`")
        .stderr_has("bad.yaml:2:1: unknown key `slos` in an exclusions file");
}

#[test]
fn every_format_shows_excluded_rows_and_a_check_of_nothing_but_them_fails() {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", LOG);
    let run = |format: &str| {
        let run = dir
            .report()
            .log("log.csv")
            .at(AT)
            .format(format)
            .args(&["--color", "never"])
            .run();
        run.expect_code(0);
        run.stdout()
    };
    assert!(run("table").contains("6 rows read as csv: 3 matched, 0 outside every window, 0 selected by no SLO, 3 excluded, 0 malformed\n"));
    let markdown = run("markdown");
    assert!(
        markdown.contains("| Bad/total | Excluded | Budget left |")
            && markdown.contains("| 1/3 | 3 | "),
        "{markdown}"
    );
    assert!(run("prometheus").contains("slo_excluded_events{slo=\"shop\",window=\"1d\"} 3\n"));
    assert!(run("junit").contains("excluded: 3 rows in the SLO's exclusions"));
    let html = run("html");
    assert!(
        html.contains("outside every window: 0; 3 in exclusions.</p>")
            && html.contains("1 bad of 3 events; 0 invalid; 3 in exclusions.</p>"),
        "{html}"
    );
    let csv = run("csv");
    let header: Vec<&str> = csv.lines().next().unwrap_or_default().split(',').collect();
    let row: Vec<&str> = csv.lines().nth(1).unwrap_or_default().split(',').collect();
    let excluded = header
        .iter()
        .position(|c| *c == "excluded")
        .expect("an excluded column");
    assert_eq!(row[excluded], "3", "{csv}");
    // Only excluded rows: no event anywhere, and `check` says why.
    dir.write(
        "log.csv",
        "timestamp,status\n2026-03-10T10:00:00Z,503\n2026-03-10T10:30:00Z,200\n",
    );
    dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", AT])
        .expect_code(1)
        .stdout_has("FAIL no result has any event: every one of the 2 rows the SLOs select in their windows lies in one of their exclusions\n");
}

#[test]
fn the_bundled_maintenance_file_takes_the_payments_blip_out_of_the_budget() {
    let repository = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let report = |extra: &[&str]| {
        let mut args = vec![
            "report",
            "--at",
            "2026-10-15T23:59:02.383Z",
            "--slo",
            "api-availability",
            "-f",
            "json",
        ];
        args.extend_from_slice(extra);
        let run = crate::workdir::run_in(repository, &args);
        run.expect_code(0).report()
    };
    let before = report(&[]);
    let after = report(&["--exclude", "examples/maintenance.yaml"]);
    let payments = |report: &crate::report::Report| {
        let result = report
            .results
            .iter()
            .find(|r| r.group_value("service") == Some("payments"))
            .expect("a payments group");
        (result.total, result.bad, result.invalid, result.excluded)
    };
    let (total, bad, invalid, excluded) = payments(&before);
    assert_eq!(excluded, 0);
    let (total_after, bad_after, invalid_after, excluded_after) = payments(&after);
    // The blip's requests leave the SLI, its failures with them; every row is still counted once.
    assert!(
        excluded_after > 0 && bad_after < bad,
        "{:?}",
        payments(&after)
    );
    assert_eq!(
        total + invalid,
        total_after + invalid_after + excluded_after
    );
    // One SLO, one window: the rows excluded are those of its groups.
    let by_group: u64 = after.results.iter().map(|r| r.excluded).sum();
    assert_eq!(after.inputs.excluded, by_group);
}

/// A history across the bundled maintenance: every instant's results and row accounting
/// (`excluded` among them) are those `report --at` gives at that instant.
#[test]
fn every_instant_of_a_history_excludes_as_at_does() {
    let repository = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = |args: &[&str]| {
        let mut all = vec![
            "report",
            "-f",
            "json",
            "-q",
            "--exclude",
            "examples/maintenance.yaml",
        ];
        all.extend_from_slice(args);
        let run = crate::workdir::run_in(repository, &all);
        run.expect_code(0).json()
    };
    let history = run(&[
        "--from",
        "2026-09-19T20:03:00Z",
        "--to",
        "2026-09-20T01:00:00Z",
        "--every",
        "37m",
    ]);
    let reports = history["history"].as_array().expect("a history");
    assert!(reports.len() > 5);
    let mut excluded_somewhere = false;
    for report in reports {
        let at = report["evaluated_at"].as_str().expect("an instant");
        let single = run(&["--at", at]);
        assert_eq!(report["results"], single["results"], "at {at}");
        assert_eq!(report["inputs"], single["inputs"], "at {at}");
        excluded_somewhere |= single["inputs"]["excluded"].as_u64() > Some(0);
    }
    assert!(excluded_somewhere, "no instant excluded a row");
}
