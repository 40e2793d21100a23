//! Durations, units and arithmetic in expressions, end to end: values as logs write them
//! (`0.300` seconds, `"0.058927s"`, `126ms`, `0.000, 0.854`) against duration literals, with
//! every boundary exact and every unit mistake reported where it is.

use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// A spec with one SLO over the last day, `source` lines given, judging `good`.
fn spec(source: &str, good: &str) -> String {
    format!(
        "version: 1\nsource:\n  timestamp: {{field: ts}}\n{source}slos:\n  - name: api\n    objective: 90\n    windows: [1d]\n    good: {good}\n    alerts: []\n"
    )
}

/// Rows at distinct minutes inside the window, one per value of `column`.
fn csv(column: &str, values: &[&str]) -> String {
    let mut text = format!("ts,{column}\n");
    for (i, value) in values.iter().enumerate() {
        text.push_str(&format!("2026-03-10T10:{i:02}:00Z,{value}\n"));
    }
    text
}

#[test]
fn seconds_declared_in_the_spec_meet_a_millisecond_literal_exactly() {
    let dir = Workdir::new();
    // request_time in seconds, as nginx writes it: 0.300 is exactly 300ms; a hair more is not.
    let values = [
        "0.300",
        "0.3",
        "0.3001",
        "0.2999999999",
        "0.3000000001",
        "0.058",
        "1",
        "0",
    ];
    let good_by_hand = 5; // 0.300, 0.3, 0.2999999999, 0.058, 0
    dir.write("log.csv", csv("request_time", &values));
    dir.write(
        "spec.yaml",
        spec(
            "  format: csv\n  units: {request_time: s}\n",
            "request_time <= 300ms",
        ),
    );
    let report = dir.report().log("log.csv").at(AT).json_report();
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good, api.invalid), (8, good_by_hand, 0));
    // The same values in milliseconds, declared so, give the same answer.
    let ms = [
        "300",
        "300",
        "300.1",
        "299.9999999",
        "300.0000001",
        "58",
        "1000",
        "0",
    ];
    dir.write("ms.csv", csv("latency_ms", &ms));
    dir.write(
        "ms.yaml",
        spec("  units: {latency_ms: ms}\n", "latency_ms <= 0.3s"),
    );
    let report = dir
        .report()
        .spec("ms.yaml")
        .log("ms.csv")
        .at(AT)
        .json_report();
    assert_eq!(report.result("api", "1d").good, good_by_hand);
}

#[test]
fn values_written_with_their_unit_compare_with_duration_literals() {
    let dir = Workdir::new();
    // JSON Lines as Go services and GCP write latencies: strings with a unit.
    let values = [
        ("\"0.058927s\"", true),
        ("\"300ms\"", true),
        ("\"0.3000001s\"", false),
        ("\"1.5µs\"", true),
        ("\"1.5us\"", true),
        ("\"126ms\"", true),
        ("\"1m2.5s\"", false),
        ("\"2h\"", false),
    ];
    let mut log = String::new();
    for (i, (latency, _)) in values.iter().enumerate() {
        log.push_str(&format!(
            "{{\"ts\": \"2026-03-10T10:{i:02}:00Z\", \"latency\": {latency}}}\n"
        ));
    }
    dir.write("log.jsonl", log);
    dir.write("spec.yaml", spec("", "latency <= 300ms"));
    let report = dir.report().log("log.jsonl").at(AT).json_report();
    let good = values.iter().filter(|(_, good)| *good).count() as u64;
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good, api.invalid), (8, good, 0));
}

#[test]
fn a_bare_number_with_no_known_unit_is_an_invalid_row_that_says_how_to_declare_it() {
    let dir = Workdir::new();
    dir.write(
        "log.jsonl",
        "{\"ts\": \"2026-03-10T10:00:00Z\", \"latency\": \"120ms\"}\n\
         {\"ts\": \"2026-03-10T10:01:00Z\", \"latency\": 250}\n\
         {\"ts\": \"2026-03-10T10:02:00Z\", \"latency\": \"900ms\"}\n",
    );
    dir.write("spec.yaml", spec("", "latency <= 300ms"));
    let run = dir.report().log("log.jsonl").at(AT).run();
    run.expect_code(0).stderr_has(
        "SLO api: 1 row invalid (counted in `invalid`, not in the SLI); first at log.jsonl:2: \
         field `latency` is a bare number with no known unit, met by a duration; declare the \
         unit its log writes it in, e.g. source: {units: {latency: ms}}",
    );
    let api = run.report();
    let api = api.result("api", "1d");
    assert_eq!((api.total, api.good, api.invalid), (2, 1, 1));
    // --strict makes it an error; declaring the unit makes it a duration.
    dir.report()
        .log("log.jsonl")
        .at(AT)
        .args(&["--strict"])
        .run()
        .expect_code(2)
        .stderr_has("log.jsonl:2: row is invalid for SLO api: field `latency` is a bare number");
    dir.write(
        "declared.yaml",
        spec("  units: {latency: ms}\n", "latency <= 300ms"),
    );
    let report = dir
        .report()
        .spec("declared.yaml")
        .log("log.jsonl")
        .at(AT)
        .json_report();
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good, api.invalid), (3, 2, 0));
}

#[test]
fn where_the_format_writes_plain_numbers_the_spec_error_has_file_line_and_column() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        spec("  format: csv\n", "status < 500 and latency_ms <= 300ms"),
    );
    // Line 9 is `good:`; the field starts at column 28.
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has(
        "spec.yaml:9:28: in `good`: `latency_ms` has no known unit, so its bare numbers cannot \
         be compared with a duration; declare the unit its log writes them in, e.g. source: \
         {units: {latency_ms: ms}}",
    );
    // The same spec with the format left to detection is valid; --input-format csv makes the
    // format known before reading, so the run stops before it, and says where as validate
    // does: line 8 is `good:` here, quoted or not.
    dir.write("log.csv", csv("latency_ms", &["120"]));
    let with_csv = |file: &str| {
        dir.report()
            .spec(file)
            .log("log.csv")
            .at(AT)
            .args(&["--input-format", "csv"])
            .run()
    };
    for (file, good, at) in [
        ("auto.yaml", "status < 500 and latency_ms <= 300ms", "8:28"),
        (
            "quoted.yaml",
            "'status < 500 and latency_ms <= 300ms'",
            "8:29",
        ),
    ] {
        dir.write(file, spec("", good));
        dir.run(&["validate", file]).expect_code(0);
        with_csv(file).expect_code(2).stderr_has(&format!(
            "{file}:{at}: SLO api: in `good`: `latency_ms` has no known unit, so its bare \
             numbers cannot be compared with a duration; declare the unit its log writes them \
             in, e.g. source: {{units: {{latency_ms: ms}}}}\n    \
             status < 500 and latency_ms <= 300ms\n                     ^"
        ));
    }
    // Folded over lines by YAML, the expression is not as the file writes it: the character.
    dir.write(
        "folded.yaml",
        spec("", ">-\n      status < 500 and\n      latency_ms <= 300ms"),
    );
    let run = with_csv("folded.yaml");
    run.expect_code(2).stderr_has(
        "SLO api: in `good`, at character 18 of the expression: `latency_ms` has no known unit",
    );
    assert!(!run.stderr().contains("offset"), "{run}");
}

#[test]
fn arithmetic_over_timings_with_missing_values_and_division_by_zero() {
    let dir = Workdir::new();
    // ALB's three processing times, in seconds, and a request count per row.
    dir.write(
        "log.csv",
        "ts,req,target,resp,parts\n\
         2026-03-10T10:00:00Z,0.001,0.498,0.001,2\n\
         2026-03-10T10:01:00Z,0.001,0.499,0.001,2\n\
         2026-03-10T10:02:00Z,0.000,0.100,,2\n\
         2026-03-10T10:03:00Z,0.000,0.100,0.000,0\n\
         2026-03-10T10:04:00Z,0.200,0.200,0.100,4\n",
    );
    dir.write(
        "spec.yaml",
        spec(
            "  units: {req: s, target: s, resp: s}\n",
            "req + target + resp <= 500ms and (req + target + resp) / parts <= 250ms",
        ),
    );
    let run = dir.report().log("log.csv").at(AT).run();
    let report = run.expect_code(0).report();
    let api = report.result("api", "1d");
    // Row 1: 500ms, 250ms each: good. Row 2: 501ms: bad. Row 3: `resp` empty: invalid.
    // Row 4: divided by zero parts: invalid. Row 5: 500ms, 125ms each: good.
    assert_eq!((api.total, api.good, api.invalid), (3, 2, 2), "{run}");
    run.stderr_has("first at log.csv:4: field `resp` is not a number");
    dir.write(
        "zero.yaml",
        spec(
            "  units: {req: s, target: s, resp: s}\n",
            "(req + target) / parts <= 250ms",
        ),
    );
    dir.report()
        .spec("zero.yaml")
        .log("log.csv")
        .at(AT)
        .run()
        .expect_code(0)
        .stderr_has("first at log.csv:5: field `parts` is zero, and divides");
}

#[test]
fn multi_value_fields_are_read_with_sum_and_last() {
    let dir = Workdir::new();
    // nginx's upstream_response_time after a retry, and after an internal redirect.
    dir.write(
        "log.csv",
        "ts,upstream_response_time\n\
         2026-03-10T10:00:00Z,0.120\n\
         2026-03-10T10:01:00Z,\"0.000, 0.854\"\n\
         2026-03-10T10:02:00Z,\"0.100, 0.150 : 0.100\"\n",
    );
    let units = "  units: {upstream_response_time: s}\n";
    let count = |good: &str| {
        dir.write("spec.yaml", spec(units, good));
        let report = dir.report().log("log.csv").at(AT).json_report();
        let api = report.result("api", "1d");
        (api.total, api.good, api.invalid)
    };
    assert_eq!(count("sum(upstream_response_time) <= 350ms"), (3, 2, 0));
    assert_eq!(count("last(upstream_response_time) <= 100ms"), (3, 1, 0));
    assert_eq!(count("first(upstream_response_time) <= 100ms"), (3, 2, 0));
    // Read directly, a list of values is no value: invalid, with the functions to use.
    assert_eq!(count("upstream_response_time <= 1s"), (1, 1, 2));
    dir.report().log("log.csv").at(AT).run().stderr_has(
        "first at log.csv:3: field `upstream_response_time` holds several values; read them \
             with sum(upstream_response_time), last(upstream_response_time) or \
             first(upstream_response_time)",
    );
}

#[test]
fn names_with_dashes_and_parentheses_are_read_with_field() {
    let dir = Workdir::new();
    // IIS (W3C) field names, time-taken in milliseconds.
    dir.write(
        "log.csv",
        "ts,sc-status,time-taken,cs(User-Agent)\n\
         2026-03-10T10:00:00Z,200,120,curl/8.0\n\
         2026-03-10T10:01:00Z,500,80,curl/8.0\n\
         2026-03-10T10:02:00Z,200,450,Mozilla/5.0\n",
    );
    dir.write(
        "spec.yaml",
        spec(
            "  units: {time-taken: ms}\n",
            "'field(\"sc-status\") < 500 and field(\"time-taken\") <= 300ms and field(\"cs(User-Agent)\").startsWith(\"curl\")'",
        ),
    );
    let report = dir.report().log("log.csv").at(AT).json_report();
    let api = report.result("api", "1d");
    assert_eq!((api.total, api.good), (3, 1));
    dir.write("bad.yaml", spec("", "sc-status < 500"));
    dir.run(&["validate", "bad.yaml"])
        .expect_code(2)
        .stderr_has(
            "bad.yaml:8:11: in `good`: a field whose name has '-' is written \
             field(\"sc-status\"); to subtract, put spaces around '-'",
        );
}

#[test]
fn units_survive_conversion_to_openslo_and_back() {
    let dir = Workdir::new();
    dir.write(
        "log.csv",
        csv("latency_ms", &["120", "300", "300.5", "900"]),
    );
    dir.write(
        "spec.yaml",
        spec(
            "  format: csv\n  units: {latency_ms: ms}\n",
            "latency_ms <= 0.3s",
        ),
    );
    let original = dir.report().log("log.csv").at(AT).run();
    assert_eq!(original.expect_code(0).report().result("api", "1d").good, 2);
    dir.run(&[
        "convert",
        "--to",
        "openslo",
        "spec.yaml",
        "-o",
        "openslo.yaml",
    ])
    .expect_code(0);
    dir.run(&[
        "convert",
        "--to",
        "native",
        "openslo.yaml",
        "-o",
        "back.yaml",
    ])
    .expect_code(0);
    let back = std::fs::read_to_string(dir.path().join("back.yaml")).unwrap();
    assert!(back.contains("  units:\n    latency_ms: ms\n"), "{back}");
    for converted in ["openslo.yaml", "back.yaml"] {
        let run = dir.report().spec(converted).log("log.csv").at(AT).run();
        assert_eq!(
            run.expect_code(0).stdout(),
            original.stdout(),
            "{converted}"
        );
    }
}

#[test]
fn nginx_request_time_in_seconds_whether_the_format_is_named_or_recognised() {
    let dir = Workdir::new();
    // ingress-nginx's upstreaminfo: request_time and upstream_response_time in seconds; the
    // second request was retried on another upstream.
    dir.write(
        "access.log",
        "10.0.0.1 - - [10/Mar/2026:10:00:00 +0000] \"GET /api/a HTTP/1.1\" 200 12 \"-\" \"curl/8.0\" 100 0.300 [default-api-80] [] 10.1.1.1:80 12 0.300 200 id1\n\
         10.0.0.1 - - [10/Mar/2026:10:01:00 +0000] \"GET /api/a HTTP/1.1\" 200 12 \"-\" \"curl/8.0\" 100 0.301 [default-api-80] [] 10.1.1.1:80, 10.1.1.2:80 0, 12 0.000, 0.299 502, 200 id2\n\
         10.0.0.1 - - [10/Mar/2026:10:02:00 +0000] \"GET /api/a HTTP/1.1\" 200 12 \"-\" \"curl/8.0\" 100 0.120 [default-api-80] [] 10.1.1.1:80 12 0.118 200 id3\n",
    );
    let slos = "slos:\n\
      - {name: total, objective: 90, windows: [1d], alerts: [], good: request_time <= 300ms}\n\
      - {name: upstream, objective: 90, windows: [1d], alerts: [], good: sum(upstream_response_time) <= 300ms}\n\
      - {name: answered, objective: 90, windows: [1d], alerts: [], good: last(upstream_response_time) < 299ms}\n\
      - {name: direct, objective: 90, windows: [1d], alerts: [], good: upstream_response_time <= 1s}\n";
    dir.write(
        "named.yaml",
        format!("version: 1\nsource: {{format: nginx, log_format: upstreaminfo}}\n{slos}"),
    );
    dir.write("recognised.yaml", format!("version: 1\n{slos}"));
    for spec in ["named.yaml", "recognised.yaml"] {
        let run = dir.report().spec(spec).log("access.log").at(AT).run();
        let report = run.expect_code(0).report();
        let counts = |slo: &str| {
            let r = report.result(slo, "1d");
            (r.total, r.good, r.invalid)
        };
        // 0.300 s is exactly 300ms; 0.301 s is not.
        assert_eq!(counts("total"), (3, 2, 0), "{spec}");
        assert_eq!(counts("upstream"), (3, 3, 0), "{spec}");
        assert_eq!(counts("answered"), (3, 1, 0), "{spec}");
        assert_eq!(counts("direct"), (2, 2, 1), "{spec}");
        run.stderr_has(
            "first at access.log:2: field `upstream_response_time` holds several values",
        );
    }
}
