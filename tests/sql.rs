//! `slo sql` and `--input-format counts`: the golden queries, and counts read back giving what
//! the rows give. The engines themselves run in tests/sql/parity.py (DuckDB, chDB, DataFusion,
//! Spark) and sqlglot parses the golden files in tests/sql/syntax.py; both run in `.ci/run`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::workdir::Workdir;

const DIALECTS: [&str; 8] = [
    "duckdb",
    "clickhouse",
    "spark",
    "datafusion",
    "trino",
    "athena",
    "bigquery",
    "snowflake",
];

fn sql_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/sql")
}

/// The golden files are what `slo sql` writes for tests/sql/spec.yaml; `SLO_UPDATE_GOLDEN=1`
/// rewrites them (then read the diff: a reviewer checks the SQL by eye).
#[test]
fn golden_queries() {
    let dir = Workdir::new();
    // The parity spec, as a table of the same columns; and an nginx log in a table of its own
    // column names, read through --column.
    let access: &[&str] = &[
        "--column",
        "uri=url_path",
        "--column",
        "status=status_code",
        "--column",
        "host=http_host",
    ];
    for (spec, suffix, extra) in [
        ("spec.yaml", "", &[][..]),
        ("access-log.yaml", "-access", access),
    ] {
        let spec = sql_dir().join(spec);
        for dialect in DIALECTS {
            if suffix == "-access" && dialect == "datafusion" {
                continue; // no parse by pattern there (what_has_no_sql_form_is_named)
            }
            let mut args = vec![
                "sql",
                "--dialect",
                dialect,
                "-s",
                spec.to_str().unwrap(),
                "--table",
                "logs",
            ];
            args.extend_from_slice(extra);
            let run = dir.run(&args);
            run.expect_code(0);
            let golden = sql_dir()
                .join("golden")
                .join(format!("{dialect}{suffix}.sql"));
            if std::env::var_os("SLO_UPDATE_GOLDEN").is_some() {
                std::fs::write(&golden, run.stdout()).unwrap();
            }
            let expected = std::fs::read_to_string(&golden).unwrap();
            assert_eq!(
                run.stdout(),
                expected,
                "{dialect}: the query differs from {}; rerun with SLO_UPDATE_GOLDEN=1 and review the diff",
                golden.display()
            );
        }
    }
}

const SPEC: &str = "\
version: 1
slos:
  - name: api
    objective: 99
    windows: [1h, {calendar: day}]
    filter: route != \"/health\"
    good: status < 500
    group_by: [route]
    alerts: [{severity: page, budget: 2%, long: 10m, short: 2m}]
  - name: slices
    objective: 90
    windows: [1h]
    budgeting: timeslices
    timeslice: {length: 2m, objective: 50}
    good: status < 500
    alerts: []
";

/// A log whose rows sit on the edges: exactly on whole minutes (the instants evaluated, the
/// starts of the windows and lookbacks, a day's start), a nanosecond either side, and between.
fn edge_log() -> (String, Vec<(i64, &'static str, u32)>) {
    const MIN: i64 = 60_000_000_000;
    // 2026-10-02T00:00:00Z
    let day = 1_790_899_200_000_000_000_i64;
    let mut rows = Vec::new();
    let routes = ["/a", "/b", "/health", ""];
    let mut i = 0u32;
    for minute in [
        -61, -60, -59, -12, -10, -9, -2, -1, 0, 1, 2, 10, 58, 59, 60, 61,
    ] {
        for offset in [-1, 0, 1, 30_000_000_000] {
            let t = day + minute * MIN + offset;
            let status = if i.is_multiple_of(3) { 503 } else { 200 };
            rows.push((t, routes[i as usize % routes.len()], status));
            i += 1;
        }
    }
    let mut log = String::from("timestamp,route,status\n");
    for (t, route, status) in &rows {
        log.push_str(&format!(
            "{},{route},{status}\n",
            slo::time::format_rfc3339(*t)
        ));
    }
    (log, rows)
}

/// The counts of `rows` as the query counts them, computed here without slo: per SLO, route
/// and interval end, with the events exactly on the end apart.
fn counts_by_hand(rows: &[(i64, &str, u32)], definitions: &BTreeMap<String, String>) -> String {
    let mut counts: BTreeMap<(String, i64, u8, String), [u64; 3]> = BTreeMap::new();
    for &(t, route, status) in rows {
        for (slo, interval, grouped) in [
            ("api", 60_000_000_000_i64, true),
            ("slices", 120_000_000_000, false),
        ] {
            if slo == "api" && route == "/health" {
                continue;
            }
            let rest = t.rem_euclid(interval);
            let end = if rest == 0 { t } else { t - rest + interval };
            let group = if grouped {
                route.to_string()
            } else {
                String::new()
            };
            let entry = counts
                .entry((slo.to_string(), end, u8::from(rest == 0), group))
                .or_default();
            entry[0] += 1;
            if status < 500 {
                entry[1] += 1;
            } else {
                entry[2] += 1;
            }
        }
    }
    let mut csv = String::from("slo,definition,time,exact,group_route,total,good,bad,invalid\n");
    for ((slo, end, exact, group), [total, good, bad]) in counts {
        // The engines write the interval end in whole seconds.
        let time = slo::time::format_rfc3339(end);
        csv.push_str(&format!(
            "{slo},{},{time},{exact},{group},{total},{good},{bad},0\n",
            definitions[&slo]
        ));
    }
    csv
}

/// The fingerprints `slo sql` writes for each SLO of the spec.
fn definitions(dir: &Workdir) -> BTreeMap<String, String> {
    let query = dir
        .run(&[
            "sql",
            "--dialect",
            "duckdb",
            "-s",
            "spec.yaml",
            "--table",
            "logs",
        ])
        .expect_code(0)
        .stdout();
    let mut ids = BTreeMap::new();
    for line in query.lines() {
        // `SELECT 'api' AS slo, '1a2b3c4d' AS definition, …` and `UNION ALL SELECT 'x', 'id', …`
        let quoted: Vec<&str> = line.split('\'').skip(1).step_by(2).collect();
        if line.contains("SELECT '") && quoted.len() >= 2 {
            ids.insert(quoted[0].to_string(), quoted[1].to_string());
        }
    }
    assert_eq!(ids.len(), 2, "{query}");
    ids
}

fn results(dir: &Workdir, args: &[&str]) -> serde_json::Value {
    let mut all = vec!["report", "-s", "spec.yaml", "-f", "json"];
    all.extend_from_slice(args);
    let mut report = dir.run(&all).expect_code(0).json();
    report["results"].take()
}

/// A folder with SPEC, the edge log as `log.csv` and its counts, made by hand, as `counts.csv`.
fn edge_workdir() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    let (log, rows) = edge_log();
    dir.write("log.csv", log);
    let definitions = definitions(&dir);
    dir.write("counts.csv", counts_by_hand(&rows, &definitions));
    dir
}

/// `slo report` on `file` read as counts, at `at`.
fn counts_report(dir: &Workdir, at: &str, file: &str) -> crate::workdir::Run {
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "--at",
        at,
        "--input-format",
        "counts",
        file,
    ])
}

#[test]
fn counts_give_what_rows_give_on_every_boundary() {
    let dir = edge_workdir();
    // Instants on the rows' minutes: every window, lookback and slice edge meets rows.
    for at in [
        "2026-10-01T23:00:00Z",
        "2026-10-01T23:58:00Z",
        "2026-10-02T00:00:00Z",
        "2026-10-02T00:01:00Z",
        "2026-10-02T00:10:00Z",
        "2026-10-02T01:00:00Z",
        "2026-10-02T01:01:00Z",
    ] {
        let direct = results(&dir, &["--at", at, "log.csv"]);
        let counted = results(
            &dir,
            &["--at", at, "--input-format", "counts", "counts.csv"],
        );
        assert_eq!(direct, counted, "at {at}");
    }
    // And the rows did fall on both sides of the edges: some windows hold part of a minute.
    let at_midnight = results(&dir, &["--at", "2026-10-02T00:00:00Z", "log.csv"]);
    assert!(at_midnight
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["total"] != 0));
}

#[test]
fn counts_of_another_definition_are_refused() {
    let dir = edge_workdir();
    dir.write(
        "spec.yaml",
        SPEC.replacen("status < 500", "status < 400", 1),
    );
    counts_report(&dir, "2026-10-02T00:00:00Z", "counts.csv")
        .expect_code(2)
        .stderr_has("counts.csv:2")
        .stderr_has("another definition");
}

#[test]
fn an_instant_between_whole_minutes_is_refused() {
    let dir = edge_workdir();
    counts_report(&dir, "2026-10-02T00:00:30Z", "counts.csv")
        .expect_code(2)
        .stderr_has("does not fall on a whole 1m interval");
}

#[test]
fn bad_count_records_are_malformed_with_their_line() {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    let definitions = definitions(&dir);
    let id = &definitions["api"];
    dir.write(
        "counts.csv",
        format!(
            "slo,definition,time,exact,group_route,total,good,bad,invalid\n\
             api,{id},2026-10-02T00:00:00Z,0,/a,5,4,1,0\n\
             api,{id},2026-10-02T00:01:00Z,0,/a,5,4,2,0\n\
             api,{id},,0,/a,3,3,0,0\n\
             api,{id},2026-10-02T00:02:00Z,maybe,/a,1,1,0,0\n\
             api,{id},2026-10-02T00:03:00Z,0,/a,18446744073709551615,18446744073709551615,0,0\n\
             api,{id},2026-10-02T00:04:00Z,0,/a,2199023255552,2199023255552,0,0\n"
        ),
    );
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "--slo",
        "api",
        "--at",
        "2026-10-02T00:05:00Z",
        "--input-format",
        "counts",
        "--max-malformed",
        "100%",
        "-f",
        "json",
        "counts.csv",
    ]);
    run.expect_code(0)
        .stderr_has("counts.csv:3")
        .stderr_has("`total` is not `good` + `bad`")
        .stderr_has("counts.csv:4")
        .stderr_has("counts.csv:5")
        .stderr_has("`exact` is not 0 or 1")
        .stderr_has("counts.csv:7")
        .stderr_has("more than 2^40 events in one record");
    let report = run.json();
    assert_eq!(report["inputs"]["malformed"], 5);
    // Counts without their fingerprint cannot be trusted: an error, not a guess.
    dir.write(
        "no-definition.csv",
        "slo,time,exact,total,good,bad,invalid\napi,2026-10-02T00:00:00Z,0,5,4,1,0\n",
    );
    counts_report(&dir, "2026-10-02T00:05:00Z", "no-definition.csv")
        .expect_code(2)
        .stderr_has("no-definition.csv:2: no `definition` column");
    // So are counts without one of their count columns: said once, not as every record
    // malformed.
    dir.write(
        "no-invalid.csv",
        format!("slo,definition,time,exact,group_route,total,good,bad\napi,{id},2026-10-02T00:00:00Z,0,/a,5,4,1\n"),
    );
    counts_report(&dir, "2026-10-02T00:05:00Z", "no-invalid.csv")
        .expect_code(2)
        .stderr_has("no-invalid.csv:2: no `invalid` column");
    let first = &report["results"][0];
    assert_eq!(
        (first["total"].as_u64(), first["bad"].as_u64()),
        (Some(5), Some(1))
    );
}

#[test]
fn what_has_no_sql_form_is_named() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  format: nginx\n  timestamp: {format: '%d/%b/%Y:%H:%M:%S %z'}\n\
         slos:\n  - name: up\n    objective: 99\n    windows: [1d]\n    good: last(upstream_response_time) < 1\n",
    );
    dir.run(&[
        "sql",
        "--dialect",
        "duckdb",
        "-s",
        "spec.yaml",
        "--table",
        "logs",
    ])
    .expect_code(2)
    .stderr_has("last() of a list of values has no SQL form");
    dir.run(&[
        "sql",
        "--dialect",
        "datafusion",
        "-s",
        "spec.yaml",
        "--table",
        "logs",
    ])
    .expect_code(2)
    .stderr_has("no timestamp parse by pattern");
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  timestamp: {format: '%Y-%m-%d %I:%M %p'}\n\
         slos:\n  - name: up\n    objective: 99\n    windows: [1d]\n    good: status < 500\n",
    );
    dir.run(&[
        "sql",
        "--dialect",
        "spark",
        "-s",
        "spec.yaml",
        "--table",
        "logs",
    ])
    .expect_code(2)
    .stderr_has("the specifier %I");
}

#[test]
fn columns_map_fields_and_files_are_read_where_the_engine_can() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  paths: [logs/requests.csv]\nslos:\n  - name: up\n    objective: 99\n    windows: [1d]\n    good: status < 500\n",
    );
    dir.run(&[
        "sql",
        "--dialect",
        "duckdb",
        "-s",
        "spec.yaml",
        "--column",
        "status=elb_status_code",
    ])
    .expect_code(0)
    .stdout_has("THEN TRY_CAST(elb_status_code AS DOUBLE) END < 500")
    .stdout_has("read_csv(['");
    dir.run(&["sql", "--dialect", "bigquery", "-s", "spec.yaml"])
        .expect_code(2)
        .stderr_has("give --table");
    dir.run(&[
        "sql",
        "--dialect",
        "duckdb",
        "-s",
        "spec.yaml",
        "--column",
        "status",
    ])
    .expect_code(2)
    .stderr_has("FIELD=SQL");
}

/// The query reads the logs `report` reads, where they are on this machine: a file named twice
/// once, a pattern as `report` expands it (hidden files left out); where they are not, the
/// paths as written.
#[test]
fn the_query_reads_the_files_report_reads() {
    let dir = Workdir::new();
    dir.write("g/one.csv", "timestamp,status\n2026-03-10T10:00:00Z,200\n");
    dir.write("g/two.csv", "timestamp,status\n2026-03-10T10:00:00Z,500\n");
    dir.write(
        "g/.hidden.csv",
        "timestamp,status\n2026-03-10T10:00:00Z,500\n",
    );
    let spec = |paths: &str| {
        format!("version: 1\nsource:\n  paths: {paths}\nslos:\n  - name: up\n    objective: 99\n    windows: [1d]\n    good: status < 500\n")
    };
    let query = |paths: &str| {
        dir.write("spec.yaml", spec(paths));
        let run = dir.run(&["sql", "--dialect", "duckdb", "-s", "spec.yaml"]);
        run.expect_code(0);
        run.stdout()
    };
    let twice = query("[g/one.csv, g/one.csv]");
    assert_eq!(twice.matches("one.csv").count(), 1, "{twice}");
    let pattern = query("[\"g/*.csv\"]");
    assert!(
        pattern.contains("one.csv") && pattern.contains("two.csv") && !pattern.contains(".hidden"),
        "{pattern}"
    );
    // A URL is the engine's to read, as written (not a path relative to the spec, nor
    // normalised into `s3:/bucket`), and `convert` keeps it so.
    let elsewhere = query("[\"s3://bucket/logs/*.csv\"]");
    assert!(
        elsewhere.contains("['s3://bucket/logs/*.csv']"),
        "{elsewhere}"
    );
    dir.run(&["convert", "--to", "openslo", "spec.yaml"])
        .expect_code(0)
        .stdout_has("s3://bucket/logs/*.csv");
}
