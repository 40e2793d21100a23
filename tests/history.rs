//! `report --from --to --every`: the report at every instant of a history, from one count.

use crate::workdir::run_in;

/// The repository's root, where `slo-specs/` reads `examples/logs/`.
fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every instant of a history gives the results and row accounting that `report --at` gives
/// at that instant:
/// rolling windows and lookbacks, groups, a calendar month in Europe/Berlin whose start the
/// history crosses, and timeslices; at an odd step, so that instants fall between minutes.
#[test]
fn every_instant_is_the_report_at_that_instant() {
    let dir = root();
    let history = run_in(
        &dir,
        &[
            "report",
            "--from",
            "2026-09-28T03:17:09.5Z",
            "--to",
            "2026-10-15T21:00:00Z",
            "--every",
            "17h41m",
            "-f",
            "json",
            "-q",
        ],
    );
    let history = history.expect_code(0).json();
    let reports = history["history"].as_array().expect("a history");
    assert_eq!(
        reports.len(),
        25,
        "from 09-28 03:17 to 10-15 21:00 every 17h41m"
    );
    for report in reports {
        let at = report["evaluated_at"].as_str().expect("an instant");
        let single = run_in(&dir, &["report", "--at", at, "-f", "json", "-q"]);
        let single = single.expect_code(0).json();
        assert_eq!(report["evaluated_at"], single["evaluated_at"]);
        assert_eq!(report["results"], single["results"], "at {at}");
        assert_eq!(report["inputs"], single["inputs"], "at {at}");
    }
}

/// The same history as CSV: one header, an `evaluated_at` column, the rows of every instant.
#[test]
fn a_history_as_csv_has_one_header() {
    let run = run_in(
        &root(),
        &[
            "report",
            "--from",
            "2026-10-10T00:00:00Z",
            "--to",
            "2026-10-12T00:00:00Z",
            "--every",
            "1d",
            "-f",
            "csv",
            "-q",
            "--slo",
            "checkout*",
        ],
    );
    let text = run.expect_code(0).stdout();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("evaluated_at,slo,"), "{text}");
    assert_eq!(
        lines
            .iter()
            .filter(|l| l.starts_with("evaluated_at"))
            .count(),
        1
    );
    for day in [
        "2026-10-10T00:00:00Z",
        "2026-10-11T00:00:00Z",
        "2026-10-12T00:00:00Z",
    ] {
        assert!(lines.iter().any(|l| l.starts_with(day)), "{day}: {text}");
    }
}

/// Mistakes in the flags say what to write.
#[test]
fn history_flags_are_checked() {
    let dir = root();
    let cases: [(&[&str], &str); 4] = [
        (
            &[
                "--from",
                "2026-10-12T00:00:00Z",
                "--to",
                "2026-10-10T00:00:00Z",
                "--every",
                "1h",
            ],
            "is before --from",
        ),
        (
            &[
                "--from",
                "2026-01-01T00:00:00Z",
                "--to",
                "2026-10-10T00:00:00Z",
                "--every",
                "1m",
            ],
            "more than the 20160 a history holds",
        ),
        (
            &[
                "--from",
                "2026-10-10T00:00:00Z",
                "--to",
                "latest",
                "--every",
                "1h",
                "-f",
                "prometheus",
            ],
            "a history (--from) is written as a table, json, csv or html",
        ),
        (
            &[
                "--from",
                "2026-10-10T00:00:00Z",
                "--to",
                "latest",
                "--every",
                "soon",
            ],
            "--every soon",
        ),
    ];
    for (args, message) in cases {
        let mut all = vec!["report"];
        all.extend_from_slice(args);
        run_in(&dir, &all).expect_code(2).stderr_has(message);
    }
}

/// `backtest` on a log worked out by hand: ten requests a minute from 00:00 to 02:59, all of
/// them failing from 01:00 to 01:19. The page (2 % of a 30-day budget over 1h/5m: 14.4×)
/// fires once the last hour holds 9 failing minutes (15×) and the last 5 minutes are failing:
/// at 01:08; it stops once the last 5 minutes hold none: at 01:24. Before it fires, the
/// budget already burns faster than 1× over 5 minutes, from 01:00 (whose requests the window
/// `(00:55, 01:00]` holds), with no alert.
#[test]
fn backtest_finds_the_alert_episode_worked_out_by_hand() {
    let dir = crate::workdir::Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [30d]\n    good: status < 500\n    alerts: [{severity: page, budget: 2%, long: 1h, short: 5m}]\n",
    );
    let mut log = String::from("timestamp,status\n");
    for minute in 0..180 {
        let status = if (60..80).contains(&minute) { 503 } else { 200 };
        for _ in 0..10 {
            log.push_str(&format!(
                "2026-03-10T{:02}:{:02}:00Z,{status}\n",
                minute / 60,
                minute % 60
            ));
        }
    }
    dir.write("log.csv", log);
    let replay = |from: &str, format: &str| {
        dir.run(&[
            "backtest",
            "-s",
            "spec.yaml",
            "log.csv",
            "--from",
            from,
            "--to",
            "2026-03-10T02:00:00Z",
            "-f",
            format,
        ])
    };
    let run = replay("2026-03-10T00:30:00Z", "json");
    let backtest = run.expect_code(0).json();
    let result = &backtest["results"][0];
    assert_eq!(result["slo"], "api", "{run}");
    assert_eq!(result["pages"], 1, "{run}");
    assert_eq!(result["tickets"], 0, "{run}");
    // 01:08 to 01:23 fire: 16 instants a minute apart.
    assert_eq!(result["minutes_firing"], 16.0, "{run}");
    let episode = &result["episodes"][0];
    assert_eq!(episode["severity"], "page");
    assert_eq!(episode["start"], "2026-03-10T01:08:00Z");
    assert_eq!(episode["end"], "2026-03-10T01:24:00Z");
    // 20 failing minutes of 60 over the hour: a third, over a 1 % budget.
    let peak = episode["peak_burn_rate"].as_f64().expect("a number");
    assert!((peak - 100.0 / 3.0).abs() < 1e-9, "{peak}");
    assert_eq!(episode["began_earlier"], false);
    // From the instant before it (01:07: 80 failing requests of 680, over a 1 % budget) to
    // its last (01:23: 200 of 840).
    let spent = episode["budget_spent"].as_f64().expect("a number");
    assert!((spent - (200.0 / 8.4 - 80.0 / 6.8)).abs() < 1e-9, "{spent}");
    let burns = result["unalerted_burns"].as_array().expect("burns");
    assert_eq!(burns.len(), 1, "{run}");
    assert_eq!(burns[0]["start"], "2026-03-10T01:00:00Z");
    assert_eq!(burns[0]["end"], "2026-03-10T01:08:00Z");
    assert_eq!(burns[0]["lookback"], "5m");
    // Replayed from 01:15, when the page has fired for 7 minutes, the episode is under way:
    // its budget is spent from 01:14 (150 failing of 750), not from a full budget.
    let run = replay("2026-03-10T01:15:00Z", "json");
    let backtest = run.expect_code(0).json();
    let episode = &backtest["results"][0]["episodes"][0];
    assert_eq!(episode["start"], "2026-03-10T01:15:00Z", "{run}");
    assert_eq!(episode["began_earlier"], true, "{run}");
    // Firing at 01:15 to 01:23; the instant at --from stands for no step: 8 minutes of the
    // period (01:15, 02:00].
    assert_eq!(backtest["results"][0]["minutes_firing"], 8.0, "{run}");
    let spent = episode["budget_spent"].as_f64().expect("a number");
    assert!(
        (spent - (200.0 / 8.4 - 150.0 / 7.5)).abs() < 1e-9,
        "{spent}"
    );
    let table = replay("2026-03-10T01:15:00Z", "table");
    table
        .expect_code(0)
        .stdout_has("2026-03-10T01:15:00Z (under way) → 2026-03-10T01:24:00Z");
    for format in ["table", "csv", "markdown"] {
        let run = replay("2026-03-10T00:30:00Z", format);
        run.expect_code(0).stdout_has("2026-03-10T01:08:00Z");
    }
}

/// `backtest` replays `--from` to `--to`: an `--at` is refused rather than ignored, and its help
/// lists neither `--at` nor `--between`, and only the formats a backtest is written in.
#[test]
fn backtest_refuses_at_and_its_help_lists_what_it_takes() {
    let dir = crate::workdir::Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [30d]\n    good: status < 500\n",
    );
    dir.write("log.csv", "timestamp,status\n2026-03-10T00:00:00Z,200\n");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "backtest",
            "-s",
            "spec.yaml",
            "log.csv",
            "--from",
            "2026-03-10T00:00:00Z",
        ];
        args.extend(extra);
        dir.run(&args)
    };
    run(&["--at", "2026-03-11T00:00:00Z"]).expect_code(2).stderr_has(
        "--at evaluates one instant; a backtest replays instants from --from to --to (--to 2026-03-11T00:00:00Z ends it)",
    );
    run(&["-f", "junit"])
        .expect_code(2)
        .stderr_has("a backtest is written as a table, json, csv or markdown");
    let help = dir.run(&["backtest", "--help"]);
    help.expect_code(0)
        .stdout_has("Output format: table, json, csv or markdown");
    for hidden in ["--at <TIME>", "--between", "prometheus"] {
        assert!(!help.stdout().contains(hidden), "{hidden}: {help}");
    }
    // report's help still lists them.
    let report_help = dir.run(&["report", "--help"]);
    for shown in ["--at <TIME>", "--between", "prometheus"] {
        assert!(
            report_help.stdout().contains(shown),
            "{shown}: {report_help}"
        );
    }
}

/// A group is a result of a history's instant only when the report at that instant has it: a
/// group whose rows all lie in other instants' windows is no `no_data` result there.
/// One SLO over a window of an hour, grouped by route.
const API_BY_ROUTE: &str =
    "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1h]\n    \
                            good: status < 500\n    group_by: [route]\n    alerts: []\n";

#[test]
fn groups_are_results_only_at_the_instants_whose_windows_hold_them() {
    let dir = crate::workdir::Workdir::new();
    dir.write("spec.yaml", API_BY_ROUTE);
    dir.write(
        "log.csv",
        "timestamp,route,status\n2026-03-10T10:30:00Z,/old,200\n2026-03-10T11:30:00Z,/new,200\n",
    );
    let history = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--from",
        "2026-03-10T11:00:00Z",
        "--to",
        "2026-03-10T12:00:00Z",
        "--every",
        "1h",
        "-f",
        "json",
    ]);
    let history = history.expect_code(0).json();
    let reports = history["history"].as_array().expect("a history");
    assert_eq!(reports.len(), 2);
    for report in reports {
        let at = report["evaluated_at"].as_str().expect("an instant");
        let single = dir
            .report()
            .log("log.csv")
            .at(at)
            .run()
            .expect_code(0)
            .json();
        assert_eq!(report["results"], single["results"], "at {at}");
        assert_eq!(
            report["results"].as_array().map(Vec::len),
            Some(1),
            "at {at}"
        );
    }
}

/// A history of many groups at many instants holds more results than fit in memory: it is
/// refused with what to do, soon and in bounded memory, rather than killed part way; with
/// fewer instants it runs.
#[test]
fn a_history_too_large_to_hold_is_refused_with_what_to_do() {
    let dir = crate::workdir::Workdir::new();
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("per-route", "1d", "route"),
    );
    let mut log = String::from("timestamp,route,status\n");
    for route in 0..1000 {
        log.push_str(&format!(
            "2026-03-09T{:02}:{:02}:00Z,/r{route},200\n",
            route / 60 % 24,
            route % 60
        ));
    }
    dir.write("log.csv", &log);
    // 2 101 instants × (1 000 groups + (other)) results.
    let history = |every: &str| {
        dir.run(&[
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--from",
            "2026-03-09T00:00:00Z",
            "--to",
            "2026-03-10T11:00:00Z",
            "--every",
            every,
            "-f",
            "csv",
            "--threads",
            "1",
        ])
    };
    history("1m").expect_code(2).stderr_has(
        "the history would hold about 2103101 results (2101 instants × 1001 per instant), more \
         than the 2000000 it keeps in memory: take a longer --every, a shorter span, or show \
         fewer groups (--max-groups)",
    );
    // A step of an hour: 36 instants, of at most 1 000 groups each.
    let hourly = history("1h");
    hourly.expect_code(0);
    let lines = hourly.stdout().lines().count();
    assert!(lines > 1 + 1000 && lines <= 1 + 36 * 1000, "{lines} lines");
}

/// Groups folded into `(other)` at an earlier instant of a history, but not at its last, are
/// still told of: the history prints the last instant's warnings, which say so with the
/// instant.
#[test]
fn groups_folded_before_the_last_instant_are_told_of() {
    let dir = crate::workdir::Workdir::new();
    dir.write("spec.yaml", API_BY_ROUTE);
    dir.write(
        "log.csv",
        "timestamp,route,status\n2026-03-10T10:30:00Z,/a,200\n2026-03-10T10:31:00Z,/b,200\n\
         2026-03-10T10:32:00Z,/c,200\n2026-03-10T10:33:00Z,/a,200\n2026-03-10T11:30:00Z,/a,200\n",
    );
    let history = |to: &str| {
        dir.report()
            .log("log.csv")
            .format("csv")
            .args(&[
                "--from",
                "2026-03-10T11:00:00Z",
                "--to",
                to,
                "--every",
                "1h",
            ])
            .args(&["--max-groups", "1"])
            .run()
    };
    let run = history("2026-03-10T12:00:00Z");
    run.expect_code(0).stderr_has(
        "warning: at 2026-03-10T11:00:00Z: SLO api: 2 groups of (route) past --max-groups 1",
    );
    assert_eq!(
        run.stderr().matches("past --max-groups").count(),
        1,
        "{run}"
    );
    // Folded at the last instant too: that instant's warning alone, as `--at` gives it.
    let run = history("2026-03-10T11:00:00Z");
    run.expect_code(0)
        .stderr_has("warning: SLO api: 2 groups of (route) past --max-groups 1");
    assert_eq!(
        run.stderr().matches("past --max-groups").count(),
        1,
        "{run}"
    );
}

/// A budget spent that rounds to zero from below reads `0.0 %`, as every other share of the
/// budget does, not `-0.0 %` (the bundled examples' search ticket of 4 October spends
/// −0.014 %: older failures leave the window during it).
#[test]
fn backtest_shares_of_the_budget_never_read_minus_zero() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    for format in ["table", "markdown"] {
        let run = crate::workdir::run_in(
            root,
            &[
                "backtest",
                "--from",
                "2026-10-04T12:00:00Z",
                "--to",
                "2026-10-05T12:00:00Z",
                "--every",
                "10m",
                "-f",
                format,
                "-q",
            ],
        );
        let out = run.expect_code(0).stdout();
        assert!(out.contains("0.0 %"), "{out}");
        assert!(!out.contains("-0.0 %"), "{format}:\n{out}");
    }
}
