//! `latency:` (issue 17, point 4): each result also reports the golden signals of its events —
//! traffic, error ratio, and latency percentiles p50, p90, p95, p99 (nearest rank, within 1 %)
//! and max (exact) — in every format.

use crate::report::close;
use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 90 % over an hour and a day; latencies in milliseconds.
const SPEC: &str = "\
version: 1
slos:
  - name: shop
    objective: 90
    windows: [1h, 1d]
    good: status < 500
    alerts: []
    latency: {field: latency_ms, unit: ms}
";

/// Ten requests in the last hour, 10 ms to 100 ms, the slowest failing; three hours earlier, two
/// slow ones; one row with no latency.
const LOG: &str = "\
timestamp,status,latency_ms
2026-03-10T09:00:00Z,200,2000
2026-03-10T09:00:01Z,200,4000
2026-03-10T11:00:01Z,200,
2026-03-10T11:10:00Z,200,10
2026-03-10T11:10:01Z,200,20
2026-03-10T11:10:02Z,200,30
2026-03-10T11:10:03Z,200,40
2026-03-10T11:10:04Z,200,50
2026-03-10T11:10:05Z,200,60
2026-03-10T11:10:06Z,200,70
2026-03-10T11:10:07Z,200,80
2026-03-10T11:10:08Z,200,90
2026-03-10T11:10:09Z,503,100
";

fn shop() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", LOG);
    dir
}

/// Whether `estimate` is within 1 % of `exact`.
fn within_one_percent(estimate: Option<f64>, exact: f64) -> bool {
    estimate.is_some_and(|e| (e - exact).abs() <= 0.01 * exact)
}

#[test]
fn traffic_errors_and_percentiles_by_hand() {
    let run = shop().report().log("log.csv").at(AT).run();
    let json = run.expect_code(0).json();
    let hour = &json["results"][0];
    assert_eq!(hour["window"], "1h");
    let signals = &hour["golden_signals"];
    // 11 events in 3600 s (the row without a latency is an event too), 1 bad.
    assert!(
        close(signals["traffic_per_s"].as_f64(), 11.0 / 3600.0),
        "{signals}"
    );
    assert!(
        close(signals["error_ratio"].as_f64(), 1.0 / 11.0),
        "{signals}"
    );
    let latency = &signals["latency"];
    assert_eq!(
        (latency["field"].as_str(), latency["count"].as_u64()),
        (Some("latency_ms"), Some(10))
    );
    // Nearest rank of 10 values: p50 is the 5th, p90 the 9th, p95 and p99 the 10th.
    for (key, exact) in [
        ("p50_s", 0.05),
        ("p90_s", 0.09),
        ("p95_s", 0.1),
        ("p99_s", 0.1),
    ] {
        assert!(
            within_one_percent(latency[key].as_f64(), exact),
            "{key}: {latency}"
        );
    }
    assert_eq!(latency["max_s"].as_f64(), Some(0.1));
    // The day also holds the two slow requests: its own percentiles, of 12 values (p50 the
    // 6th, p90 the 11th, p95 the 12th).
    let day = &json["results"][1]["golden_signals"]["latency"];
    assert_eq!(day["count"].as_u64(), Some(12));
    assert_eq!(day["max_s"].as_f64(), Some(4.0));
    assert!(within_one_percent(day["p50_s"].as_f64(), 0.06), "{day}");
    assert!(within_one_percent(day["p90_s"].as_f64(), 2.0), "{day}");
    assert!(within_one_percent(day["p95_s"].as_f64(), 4.0), "{day}");
}

#[test]
fn percentiles_stay_within_one_percent_on_a_long_tail_whatever_the_threads() {
    // 5000 latencies from 1 ms to about 30 s, a deterministic long tail.
    let mut log = String::from("timestamp,status,latency_ms\n");
    let mut latencies = Vec::new();
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    for i in 0..5000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let unit = (x % 1_000_000) as f64 / 1_000_000.0;
        // 1 ms × 30 000^(u^3): most fast, a few very slow.
        let ms = (30_000f64.powf(unit * unit * unit) * 1000.0).round() / 1000.0;
        latencies.push(ms / 1000.0);
        log.push_str(&format!(
            "2026-03-10T11:{:02}:{:02}.{:03}Z,200,{ms}\n",
            i / 100 % 60,
            i % 60,
            i % 1000
        ));
    }
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        SPEC.replace("windows: [1h, 1d]", "windows: [1h]"),
    );
    dir.write("log.csv", &log);
    let one = dir.report().log("log.csv").at(AT).threads("1").run();
    let four = dir.report().log("log.csv").at(AT).threads("4").run();
    assert_eq!(one.expect_code(0).json(), four.expect_code(0).json());
    let json = one.json();
    let latency = &json["results"][0]["golden_signals"]["latency"];
    latencies.sort_by(f64::total_cmp);
    let nearest_rank = |q: f64| {
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a rank between 1 and 5000"
        )]
        let rank = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len());
        latencies[rank - 1]
    };
    for (key, q) in [
        ("p50_s", 0.5),
        ("p90_s", 0.9),
        ("p95_s", 0.95),
        ("p99_s", 0.99),
    ] {
        let exact = nearest_rank(q);
        assert!(
            within_one_percent(latency[key].as_f64(), exact),
            "{key}: {} against {exact}",
            latency[key]
        );
    }
    assert_eq!(latency["max_s"].as_f64(), Some(nearest_rank(1.0)));
}

#[test]
fn units_come_from_the_spec_the_source_or_the_values() {
    let dir = Workdir::new();
    // Seconds declared in source.units; JSON values written with their unit keep it.
    dir.write(
        "spec.yaml",
        "version: 1\nsource:\n  format: jsonl\n  units: {took: s}\nslos:\n  - name: api\n    objective: 90\n    windows: [1h]\n    good: status < 500\n    alerts: []\n    latency: took\n",
    );
    dir.write(
        "log.jsonl",
        "{\"timestamp\":\"2026-03-10T11:00:03Z\",\"status\":200,\"took\":0.25}\n{\"timestamp\":\"2026-03-10T11:00:01Z\",\"status\":200,\"took\":\"750ms\"}\n{\"timestamp\":\"2026-03-10T11:00:02Z\",\"status\":200,\"took\":\"slow\"}\n",
    );
    let json = dir
        .report()
        .log("log.jsonl")
        .at(AT)
        .run()
        .expect_code(0)
        .json();
    let latency = &json["results"][0]["golden_signals"]["latency"];
    assert_eq!(latency["count"].as_u64(), Some(2), "{latency}");
    assert_eq!(latency["max_s"].as_f64(), Some(0.75));
    assert!(
        within_one_percent(latency["p50_s"].as_f64(), 0.25),
        "{latency}"
    );
}

#[test]
fn excluded_events_have_no_latency() {
    let dir = shop();
    dir.write(
        "spec.yaml",
        format!("{SPEC}    exclude: [{{from: 2026-03-10T11:10:05Z, to: 2026-03-10T12:00:00Z}}]\n"),
    );
    let json = dir
        .report()
        .log("log.csv")
        .at(AT)
        .run()
        .expect_code(0)
        .json();
    let signals = &json["results"][0]["golden_signals"];
    // Five events from 11:10 to 11:10:04, and the one without a latency, over the 605 s of the
    // hour outside the exclusion (11:00 to 11:10:05).
    assert_eq!(signals["latency"]["count"].as_u64(), Some(5));
    assert_eq!(signals["latency"]["max_s"].as_f64(), Some(0.05));
    assert!(
        close(signals["traffic_per_s"].as_f64(), 6.0 / 605.0),
        "{signals}"
    );
    assert_eq!(signals["error_ratio"].as_f64(), Some(0.0));
}

#[test]
fn every_format_shows_the_golden_signals() {
    let dir = shop();
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
    let table = run("table");
    assert!(
        table.contains("SIGNALS shop [1h]: 0.183/min, 9.09 % errors, p50 5"),
        "{table}"
    );
    assert!(table.contains(" max 100ms\n"), "{table}");
    assert!(run("markdown").contains("**Golden signals**\n\n- 📈 SIGNALS shop \\[1h\\]: "));
    let csv = run("csv");
    assert!(csv.lines().next().is_some_and(|h| h.contains(",golden_signals.traffic_per_s,golden_signals.error_ratio,golden_signals.latency.field,golden_signals.latency.count,golden_signals.latency.p50_s,")), "{csv}");
    let prometheus = run("prometheus");
    assert!(
        prometheus.contains("slo_latency_max_seconds{slo=\"shop\",window=\"1h\"} 0.1\n"),
        "{prometheus}"
    );
    assert!(
        prometheus.contains("slo_latency_seconds{slo=\"shop\",window=\"1h\",percentile=\"99\"} "),
        "{prometheus}"
    );
    assert!(
        prometheus.contains("slo_error_ratio{slo=\"shop\",window=\"1h\"} 0.09090909090909091\n"),
        "{prometheus}"
    );
    assert!(run("junit").contains("golden signals: 0.183/min, 9.09 % errors, p50 "));
}

#[test]
fn validate_wants_a_unit_it_can_read() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    latency: latency_ms\n  - name: b\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    latency: {field: latency_ms, unit: msec}\n  - name: c\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    latency: {unit: ms}\n",
    );
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("spec.yaml:7:14: `latency_ms` has no known unit, so its latencies cannot be read: write latency: {field: latency_ms, unit: ms} (the unit its log writes bare numbers in), or declare it in source.units")
        .stderr_has("spec.yaml:12:40: unknown unit 'msec' for `latency`: use ns, us (or µs), ms, s, m (minutes) or h")
        .stderr_has("spec.yaml:17:15: `latency` needs its `field`");
}

#[test]
fn under_timeslices_a_window_holds_the_latencies_of_its_whole_slices() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: minutes\n    objective: 90\n    windows: [1h]\n    budgeting: timeslices\n    timeslice: {length: 1m, objective: 90}\n    good: status < 500\n    alerts: []\n    latency: {field: latency_ms, unit: ms}\n",
    );
    // At 12:00:30 the slice of 12:00 is in progress: its request is in no window.
    dir.write(
        "log.csv",
        "timestamp,status,latency_ms\n2026-03-10T11:59:00Z,200,40\n2026-03-10T12:00:10Z,503,900\n",
    );
    let json = dir
        .report()
        .log("log.csv")
        .at("2026-03-10T12:00:30Z")
        .run()
        .expect_code(0)
        .json();
    let signals = &json["results"][0]["golden_signals"];
    assert_eq!(signals["latency"]["count"].as_u64(), Some(1), "{signals}");
    assert_eq!(signals["latency"]["max_s"].as_f64(), Some(0.04));
    assert_eq!(signals["error_ratio"].as_f64(), Some(0.0));
    // 1 event over the 60 whole slices of the window.
    assert!(
        close(signals["traffic_per_s"].as_f64(), 1.0 / 3600.0),
        "{signals}"
    );
}

#[test]
fn the_html_page_shows_sla_golden_signals_and_policy_of_the_bundled_specs() {
    let repository = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let run = crate::workdir::run_in(
        repository,
        &[
            "report",
            "--at",
            "2026-10-15T23:59:02.383Z",
            "-f",
            "html",
            "-q",
        ],
    );
    let page = run.expect_code(0).stdout();
    for text in [
        "<p><strong>SLA:</strong> 99 % met</p>",
        "<p><strong>Golden signals:</strong> ",
        "<p><strong>Policy:</strong> Ship as usual (ok)</p>",
    ] {
        assert!(page.contains(text), "no {text:?} in the page");
    }
}
