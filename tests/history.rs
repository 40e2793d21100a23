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
            "more than the 10000 a history holds",
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
            "a history (--from) is written as a table, json or csv",
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
