//! Every input format, compression and timestamp form gives the same, hand-computed report.

use std::io::Write;

use crate::workdir::{Run, Workdir};

const AT: &str = "2026-03-10T12:00:00Z";

fn spec(extra_source: &str) -> String {
    format!(
        "version: 1\n{extra_source}slos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    filter: route.startsWith(\"/api\")\n    good: status < 500 and latency_ms <= 300\n    alerts: []\n"
    )
}

/// (timestamp, route, status, latency_ms) — in the 1d window at AT: 4 API events, 2 good.
const ROWS: &[(&str, &str, u32, u32)] = &[
    ("2026-03-09T11:00:00Z", "/api/a", 200, 10), // outside: older than 1d
    ("2026-03-09T13:00:00Z", "/api/a", 200, 10), // good
    ("2026-03-10T01:00:00Z", "/api/b", 503, 10), // bad: status
    ("2026-03-10T02:00:00Z", "/api/b", 200, 900), // bad: latency
    ("2026-03-10T03:00:00Z", "/health", 200, 1), // not selected
    ("2026-03-10T11:59:59Z", "/api/c", 204, 300), // good (boundary latency)
];

fn check_counts(run: &Run) {
    let report = run.expect_code(0).report();
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good, api.bad), (4, 2, 2), "{run}");
    assert_eq!(report.inputs.rows, 6, "{run}");
    assert_eq!(report.inputs.outside_windows, 1, "{run}");
    assert_eq!(report.inputs.unselected, 1, "{run}");
    assert_eq!(report.inputs.matched, 4, "{run}");
}

fn csv(delimiter: char) -> String {
    let d = delimiter;
    let mut text = format!("timestamp{d}route{d}status{d}latency_ms\n");
    for (t, r, s, l) in ROWS {
        text.push_str(&format!("{t}{d}{r}{d}{s}{d}{l}\n"));
    }
    text
}

fn jsonl() -> String {
    ROWS.iter()
        .map(|(t, r, s, l)| format!("{{\"timestamp\": \"{t}\", \"route\": \"{r}\", \"status\": {s}, \"latency_ms\": {l}}}\n"))
        .collect()
}

#[test]
fn csv_tsv_jsonl_and_json_arrays() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    dir.write("log.csv", csv(','));
    dir.write("log.tsv", csv('\t'));
    dir.write("log.jsonl", jsonl());
    let array = format!("[\n{}]\n", jsonl().trim_end().replace('\n', ",\n"));
    dir.write("log.json", &array);
    for log in ["log.csv", "log.tsv", "log.jsonl", "log.json"] {
        check_counts(&dir.report().log(log).at(AT).run());
    }
    // Without a telling extension, the content decides.
    dir.write("csv.log", csv(','));
    dir.write("tsv.log", csv('\t'));
    dir.write("jsonl.log", jsonl());
    dir.write("array.log", &array);
    for log in ["csv.log", "tsv.log", "jsonl.log", "array.log"] {
        check_counts(&dir.report().log(log).at(AT).run());
    }
    // --input-format overrides detection.
    dir.write("data.txt", jsonl());
    check_counts(
        &dir.report()
            .log("data.txt")
            .at(AT)
            .args(&["--input-format", "jsonl"])
            .run(),
    );
}

#[test]
fn csv_quoting_bom_and_crlf() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    let mut text = String::from("\u{feff}timestamp,route,status,latency_ms,note\r\n");
    for (t, r, s, l) in ROWS {
        text.push_str(&format!(
            "{t},\"{r}\",{s},{l},\"a, \"\"quoted\"\"\nmulti-line note\"\r\n"
        ));
    }
    dir.write("log.csv", text);
    check_counts(&dir.report().log("log.csv").at(AT).run());
}

#[test]
fn gzip_and_zstd_by_magic_bytes_and_stdin() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv(',').as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    dir.write("log.csv.gz", &gz);
    dir.write("misnamed.csv", &gz);
    dir.write(
        "log.jsonl.zst",
        zstd::encode_all(jsonl().as_bytes(), 3).unwrap(),
    );
    for log in ["log.csv.gz", "misnamed.csv", "log.jsonl.zst"] {
        check_counts(&dir.report().log(log).at(AT).run());
    }
    check_counts(&dir.report().log("-").at(AT).stdin(&gz).run());
    // A folder means every file in it; two copies double every count.
    dir.write("both/a.csv", csv(','));
    dir.write("both/b.jsonl", jsonl());
    let run = dir.report().log("both").at(AT).run();
    assert_eq!(run.report().result("api", "1d").total, 8, "{run}");
}

#[test]
fn truncated_compressed_input_is_an_error() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(csv(',').repeat(50).as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    dir.write("cut.csv.gz", &gz[..gz.len() / 2]);
    dir.report()
        .log("cut.csv.gz")
        .at(AT)
        .run()
        .expect_code(2)
        .stderr_has("cut.csv.gz");
}

#[test]
fn nested_json_fields_by_dotted_path() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  timestamp: {field: meta.time}\nslos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    filter: field(\"user-agent\").contains(\"curl\")\n    good: http.status < 500\n",
    );
    dir.write(
        "log.jsonl",
        "{\"meta\": {\"time\": \"2026-03-10T10:00:00Z\"}, \"user-agent\": \"curl/8\", \"http\": {\"status\": 200}}\n\
         {\"meta\": {\"time\": \"2026-03-10T10:00:01Z\"}, \"user-agent\": \"curl/8\", \"http\": {\"status\": 502}}\n\
         {\"meta\": {\"time\": \"2026-03-10T10:00:02Z\"}, \"user-agent\": \"Mozilla\", \"http\": {\"status\": 502}}\n\
         {\"meta\": {\"time\": \"2026-03-10T10:00:03Z\"}, \"user-agent\": \"curl/8\", \"http\": {}}\n",
    );
    let run = dir.report().log("log.jsonl").at(AT).run();
    let report = run.report();
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good, api.invalid), (2, 1, 1), "{run}");
    run.stderr_has("log.jsonl:4: field `http.status` is missing");
}

#[test]
fn timestamp_forms() {
    // 2026-03-10T10:00:00Z = 1773136800 s.
    let cases: &[(&str, &str)] = &[
        ("", "2026-03-10T10:00:00Z"),
        ("", "2026-03-10T11:00:00+01:00"),
        ("", "2026-03-10 10:00:00.250"),
        ("", "1773136800"),
        ("", "1773136800123"),
        ("", "1773136800123456"),
        ("", "1773136800123456789"),
        ("  timestamp: {format: unix}\n", "1773136800.5"),
        ("  timestamp: {format: unix_ms}\n", "1773136800123"),
        (
            "  timestamp: {timezone: Europe/Berlin}\n",
            "2026-03-10 11:00:00",
        ),
        (
            "  timestamp: {format: \"%d/%m/%Y %H:%M:%S\", timezone: \"-05:00\"}\n",
            "10/03/2026 05:00:00",
        ),
        (
            "  timestamp: {format: \"%d/%b/%Y:%H:%M:%S %z\"}\n",
            "10/Mar/2026:10:00:00 +0000",
        ),
    ];
    for (source, timestamp) in cases {
        let dir = Workdir::new();
        let source = if source.is_empty() {
            String::new()
        } else {
            format!("source:\n{source}")
        };
        dir.write(
            "spec.yaml",
            format!("version: 1\n{source}slos:\n  - name: api\n    objective: 90\n    windows: [2h, 1h]\n    good: status < 500\n"),
        );
        dir.write(
            "log.csv",
            format!("timestamp,status\n\"{timestamp}\",200\n"),
        );
        // At 11:00:00.9Z the event (10:00:00 plus at most 0.5 s) is inside 2h and outside 1h.
        let run = dir
            .report()
            .log("log.csv")
            .at("2026-03-10T11:00:00.9Z")
            .run();
        let report = run.expect_code(0).report();
        let two_hours = report.result("api", "2h").total;
        let one_hour = report.result("api", "1h").total;
        assert_eq!(
            (two_hours, one_hour),
            (1, 0),
            "timestamp {timestamp} with {source:?}\n{run}"
        );
    }
}

#[test]
fn calendar_windows_start_at_local_midnight() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [{calendar: month, timezone: Europe/Berlin}, {calendar: day}]\n    good: status < 500\n",
    );
    // Berlin's November starts at 2026-10-31T23:00:00Z.
    dir.write(
        "log.csv",
        "timestamp,status\n2026-10-31T22:59:59.999Z,200\n2026-10-31T23:00:00Z,500\n2026-11-02T00:00:00Z,200\n2026-11-02T12:00:00Z,200\n",
    );
    let run = dir.report().log("log.csv").at("2026-11-02T12:00:00Z").run();
    let report = run.expect_code(0).report();
    let month = report.result("api", "month Europe/Berlin");
    assert_eq!(month.start, "2026-10-31T23:00:00Z");
    assert_eq!((month.total, month.bad), (3, 1), "{run}");
    let day = report.result("api", "day");
    assert_eq!(day.start, "2026-11-02T00:00:00Z");
    assert_eq!(day.total, 2, "{run}");
}

#[test]
fn missing_timestamp_column_makes_rows_malformed() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    dir.write(
        "log.csv",
        "time,route,status,latency_ms\n2026-03-10T10:00:00Z,/api,200,1\n",
    );
    // Every row malformed: an error that says why, not a report of nothing.
    dir.report()
        .log("log.csv")
        .at(AT)
        .run()
        .expect_code(2)
        .stderr_has("100.0 % of the rows read are malformed (1 of 1)")
        .stderr_has("log.csv:2: no timestamp: field `timestamp` is missing");
    let run = dir
        .report()
        .log("log.csv")
        .at(AT)
        .max_malformed("100%")
        .run();
    run.expect_code(0)
        .stderr_has("log.csv:2: malformed row skipped: no timestamp: field `timestamp` is missing");
    assert_eq!(run.report().inputs.malformed, 1);
}

#[test]
fn auto_reads_common_log_format_and_trailing_utc_timestamps() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  timestamp: {timezone: Europe/Berlin}\nslos:\n  - name: api\n    objective: 90\n    windows: [1h]\n    good: status < 500\n    alerts: []\n",
    );
    // The 1h window at 12:00:00Z is (11:00:00Z, 12:00:00Z]. The zone applies to the one time
    // without an offset; ` UTC` and CLF offsets win over it.
    dir.write(
        "log.csv",
        "timestamp,status\n\
         10/Mar/2026:12:00:00 +0100,200\n\
         [10/Mar/2026:13:00:00 +0100],500\n\
         10/mar/2026:01:45:00 -0930,200\n\
         [10/MAR/2026:01:30:00 -0930],200\n\
         [10/Mar/2026:12:30:00],503\n\
         2026-03-10 11:00:00.001 UTC,200\n\
         2026-03-10 11:00:00 UTC,200\n\
         2026-03-10 12:00:00.001 UTC,200\n\
         2026-03-10T11:59:59.999999 utc,502\n",
    );
    let run = dir.report().log("log.csv").at(AT).run();
    let report = run.expect_code(0).report();
    let api = report.result("api", "1h");
    // In: 12:00:00Z (bad), 11:15:00Z, 11:30:00Z (bad, Berlin +01:00), 11:00:00.001Z,
    // 11:59:59.999999Z (bad); out: 11:00:00Z twice, 12:00:00.001Z.
    assert_eq!((api.total, api.bad), (5, 3), "{run}");
    assert_eq!(report.inputs.rows, 9, "{run}");
    assert_eq!(report.inputs.malformed, 0, "{run}");
    assert_eq!(report.inputs.outside_windows, 4, "{run}");
    assert_eq!(
        report.inputs.latest.as_deref(),
        Some("2026-03-10T12:00:00.001Z"),
        "{run}"
    );

    // What is still wrong in these shapes is said, with where.
    dir.write(
        "bad.csv",
        "timestamp,status\n31/Feb/2026:12:00:00 +0000,200\n01/Okt/2026:12:00:00 +0000,200\n2026-03-10 12:00:00+01:00 UTC,200\n2026-03-10T11:00:00Z,200\n",
    );
    dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "bad.csv",
        "--at",
        AT,
        "--max-malformed",
        "100%",
    ])
    .expect_code(0)
    .stderr_has("bad.csv:2: malformed row skipped: timestamp '31/Feb/2026:12:00:00 +0000' day out of range for the month")
    .stderr_has("bad.csv:3: malformed row skipped: timestamp '01/Okt/2026:12:00:00 +0000' month name not one of Jan")
    .stderr_has("bad.csv:4: malformed row skipped: timestamp '2026-03-10 12:00:00+01:00 UTC' has both a UTC offset and ' UTC'");
}

/// A spec whose one SLO reads `ts` as `format`.
fn epoch_spec(format: &str) -> String {
    format!(
        "version: 1\nsource:\n  timestamp: {{field: ts, format: {format}}}\nslos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    good: status < 500\n"
    )
}

#[test]
fn an_epoch_unit_that_puts_every_row_outside_2000_to_2100_is_named() {
    let dir = Workdir::new();
    // 2026-03-10T10:00:00Z and 11:00:00Z in seconds; as milliseconds, 1970-01-21T12:32:16.8Z
    // and 12:32:20.4Z.
    dir.write("seconds.csv", "ts,status\n1773136800,200\n1773140400,500\n");
    dir.write("spec.yaml", epoch_spec("unix_ms"));
    let warning = "warning: every timestamp read as unix_ms lies in 1970-01-21 … 1970-01-21: the field looks like seconds; set source.timestamp.format: unix";
    let run = dir.report().log("seconds.csv").at(AT).run();
    run.expect_code(0).stderr_has(warning);
    // Evaluating at the newest row would not help: that advice is not given.
    assert!(!run.stderr().contains("--at latest"), "{run}");
    // Nor does evaluating there hide the sign.
    let run = dir.run(&["report", "-s", "spec.yaml", "seconds.csv", "--at", "latest"]);
    run.expect_code(0).stderr_has(warning);

    // Milliseconds read as seconds lie past 2262, where slo reads no time: every row says
    // which unit would fit, also when --at latest looks for the newest row.
    dir.write(
        "millis.csv",
        "ts,status\n1773136800123,200\n1773140400456,500\n",
    );
    dir.write("spec.yaml", epoch_spec("unix"));
    let reason = "timestamp '1773136800123' out of range in the unit given, but between 2000 and 2100 as milliseconds: set source.timestamp.format: unix_ms";
    dir.report()
        .log("millis.csv")
        .at(AT)
        .run()
        .expect_code(2)
        .stderr_has(&format!("millis.csv:2: {reason}"));
    dir.run(&["report", "-s", "spec.yaml", "millis.csv", "--at", "latest"])
        .expect_code(2)
        .stderr_has("--at latest: no row of the input has a valid timestamp")
        .stderr_has(&format!("millis.csv:2: {reason}"));

    // Times after 2100 that no other unit brings between 2000 and 2100.
    dir.write("future.csv", "ts,status\n4200000000,200\n4200003600,200\n");
    dir.report().log("future.csv").at(AT).run().expect_code(0).stderr_has(
        "warning: every timestamp read as unix lies in 2103-02-04 … 2103-02-04, and in no other Unix unit between 2000 and 2100: check that source.timestamp.field (`ts`) holds the time of each request",
    );

    // The right units: no warning.
    for (format, log) in [
        ("unix", "seconds.csv"),
        ("unix_ms", "millis.csv"),
        ("auto", "seconds.csv"),
        ("auto", "millis.csv"),
    ] {
        dir.write("spec.yaml", epoch_spec(format));
        let run = dir.report().log(log).at(AT).run();
        assert_eq!(
            run.expect_code(0).report().result("api", "1d").total,
            2,
            "{format} {log}\n{run}"
        );
        assert!(
            !run.stderr().contains("every timestamp"),
            "{format} {log}\n{run}"
        );
    }
}

/// An nginx `combined` line for one of [`ROWS`].
fn combined_line((timestamp, route, status, _): &(&str, &str, u32, u32)) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS[timestamp[5..7].parse::<usize>().expect("a month") - 1];
    format!(
        "203.0.113.9 - - [{}/{month}/{}:{} +0000] \"GET {route}?q=1 HTTP/1.1\" {status} 612 \"-\" \"curl/8.5 \\x22x\\x22\"\n",
        &timestamp[8..10],
        &timestamp[..4],
        &timestamp[11..19],
    )
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip in memory");
    encoder.finish().expect("gzip in memory")
}

/// A folder of rotated nginx logs (`access.log`, `access.log.1`, `access.log.2.gz`) is read
/// whole, each file recognised by its first line, and the report names the format.
#[test]
fn rotated_nginx_logs_in_a_folder_are_recognised() {
    let dir = Workdir::new();
    let spec = "version: 1\nslos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    filter: uri.startsWith(\"/api\")\n    good: status < 500\n    alerts: []\n";
    dir.write("spec.yaml", spec);
    let lines: Vec<String> = ROWS.iter().map(combined_line).collect();
    dir.write("logs/access.log.2.gz", gzip(lines[..2].concat().as_bytes()));
    dir.write("logs/access.log.1", lines[2..4].concat());
    dir.write("logs/access.log", lines[4..].concat());
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "logs",
        "--at",
        AT,
        "-f",
        "json",
    ]);
    let report = run.expect_code(0).report();
    let api = report.result("api", "1d");
    // By status alone: of the 4 API events in the window, only the 503 is bad.
    assert_eq!((api.total, api.good, api.bad), (4, 3, 1), "{run}");
    assert_eq!(report.inputs.rows, 6, "{run}");
    assert_eq!(report.inputs.outside_windows, 1, "{run}");
    assert_eq!(report.inputs.unselected, 1, "{run}");
    let formats = run.json()["inputs"]["formats"].clone();
    assert_eq!(
        formats,
        serde_json::json!(["nginx (combined)", "nginx (combined)", "nginx (combined)"]),
        "{run}"
    );
    dir.run(&["report", "-s", "spec.yaml", "logs", "--at", AT])
        .expect_code(0)
        .stdout_has("6 rows read as nginx (combined): 4 matched");
}

/// `log_format` in the spec: a preset or the server's own string; alone it says the server by
/// its variables; `--input-format nginx` keeps it; beside another format it is an error.
#[test]
fn a_spec_gives_the_log_format() {
    let dir = Workdir::new();
    let line = "10.0.0.1 - - [10/Mar/2026:11:00:00 +0000] \"GET /api/a HTTP/1.1\" 503 5 \"-\" \"curl\" \"198.51.100.7\"\n";
    dir.write("main.log", line.repeat(2));
    let spec = |source: &str| {
        format!("version: 1\nsource: {source}\nslos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    good: status < 500 and http_x_forwarded_for == \"198.51.100.7\"\n    alerts: []\n")
    };
    for source in [
        "{format: nginx, log_format: main}",
        "{log_format: '$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" \"$http_x_forwarded_for\"'}",
    ] {
        dir.write("spec.yaml", spec(source));
        for extra in [&[][..], &["--input-format", "nginx"][..]] {
            let mut args = vec!["report", "-s", "spec.yaml", "main.log", "--at", AT, "-f", "json"];
            args.extend_from_slice(extra);
            let run = dir.run(&args);
            let report = run.expect_code(0).report();
            let api = report.result("api", "1d");
            assert_eq!((api.total, api.bad, api.invalid), (2, 2, 0), "{source}: {run}");
        }
    }
    dir.write("spec.yaml", spec("{format: csv, log_format: main}"));
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("spec.yaml:2:35: `log_format` is for nginx and apache logs, not csv");
    dir.write("spec.yaml", spec("{format: nginx, log_format: maine}"));
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("unknown nginx log_format `maine`: give one of combined, main, upstreaminfo");
    dir.write(
        "spec.yaml",
        spec("{format: nginx, log_format: '$status$body_bytes_sent'}"),
    );
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("`status` and `body_bytes_sent` follow each other with nothing between them");
}

/// A log named twice — the same path, a folder and a log in it, a link to it — is read once,
/// and a warning says so: its rows are not counted twice.
#[test]
fn a_log_named_twice_is_read_once() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    dir.write("logs/a.csv", csv(','));
    #[cfg(unix)]
    std::os::unix::fs::symlink(dir.path().join("logs/a.csv"), dir.path().join("link.csv")).unwrap();
    let named: &[&[&str]] = &[
        &["logs/a.csv", "logs/a.csv"],
        &["logs", "logs/a.csv"],
        #[cfg(unix)]
        &["logs/a.csv", "link.csv"],
    ];
    for logs in named {
        let run = dir.report().logs(logs).at(AT).run();
        check_counts(&run);
        let warning = match logs[1] {
            "link.csv" => {
                "warning: link.csv is logs/a.csv again (through a folder or a link): read once"
            }
            _ => "warning: logs/a.csv is named twice: read once",
        };
        run.stderr_has(warning);
    }
    // In a spec's source.paths too.
    dir.write("paths.yaml", spec("source:\n  paths: [logs, logs/a.csv]\n"));
    let run = dir.report().spec("paths.yaml").at(AT).run();
    check_counts(&run);
    run.stderr_has("a.csv is named twice: read once");
}

/// A log path whose file name is a pattern names every log of its folder that it matches, as
/// a spec's `source.paths` may say for rotated logs (no shell expands it there): the current
/// log and its compressed predecessors, hidden files left out; a pattern that matches nothing
/// is an error that says so.
#[test]
fn a_pattern_in_a_log_path_names_every_log_it_matches() {
    let dir = Workdir::new();
    let text = csv(',');
    let (header, rows) = text.split_once('\n').unwrap();
    let rows: Vec<&str> = rows.lines().collect();
    dir.write(
        "logs/access.csv",
        format!("{header}\n{}\n{}\n", rows[0], rows[1]),
    );
    dir.write(
        "logs/access.csv.1",
        format!("{header}\n{}\n{}\n", rows[2], rows[3]),
    );
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(format!("{header}\n{}\n{}\n", rows[4], rows[5]).as_bytes())
        .unwrap();
    dir.write("logs/access.csv.2.gz", gz.finish().unwrap());
    dir.write("logs/.access.csv.swp", "not a log\n");
    dir.write("logs/other.csv", format!("{header}\n{}\n", rows[1]));
    dir.write(
        "spec.yaml",
        spec("source:\n  paths: [\"logs/access.csv*\"]\n"),
    );
    let run = dir.report().at(AT).run();
    check_counts(&run);
    assert_eq!(
        run.json()["inputs"]["files"],
        serde_json::json!([
            "logs/access.csv",
            "logs/access.csv.1",
            "logs/access.csv.2.gz"
        ])
    );
    // On the command line too, where the shell left it (quoted).
    check_counts(&dir.report().log("logs/access.c?v*").at(AT).run());
    dir.write(
        "none.yaml",
        spec("source:\n  paths: [\"logs/error.log*\"]\n"),
    );
    dir.report()
        .spec("none.yaml")
        .at(AT)
        .run()
        .expect_code(2)
        .stderr_has("logs/error.log*: no log file matches this pattern");
}

/// A folder given as the logs that holds none (a cron job's export folder, empty today) is
/// said to be empty, not taken for no log given at all.
#[test]
fn an_empty_log_folder_is_named() {
    let dir = Workdir::new();
    dir.write("spec.yaml", spec(""));
    dir.write("exports/.keep", "");
    for command in ["report", "check"] {
        dir.run(&[command, "-s", "spec.yaml", "exports", "--at", AT])
            .expect_code(2)
            .stderr_has(
                "exports: this folder holds no log file (hidden files are skipped): pass a \
                 folder that holds the logs, or the log files",
            );
    }
}
