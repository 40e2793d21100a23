//! Every row accounted for (DESIGN.md §7), as a property: random logs with random damage give
//! exactly the counts a simple model predicts, `rows = malformed + outside_windows +
//! unselected + excluded + matched` always holds, and splitting the log into several files
//! (some empty, some compressed) gives the same report.

use std::io::Write;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::Value;

use crate::report::Report;
use crate::workdir::{Run, Workdir};

const AT: &str = "2026-03-10T12:00:00Z";
const AT_SECONDS: i64 = 1_773_144_000;

const SPEC: &str = "\
version: 1
slos:
  - name: api
    objective: 99
    windows: [1d]
    filter: route.startsWith(\"/api\")
    good: status < 500
    alerts: []
    exclude: [{from: 2026-03-10T11:00:00Z, to: 2026-03-10T11:59:01Z}]
  - name: all
    objective: 90
    windows: [1h]
    bad: latency_ms > 300
    alerts: []
";

/// Ages of rows in seconds: the window edges exactly, just inside and outside, and the future.
const AGES: &[i64] = &[
    0, 1, 59, 3599, 3600, 3601, 86_399, 86_400, 86_401, 200_000, -1, -3600,
];
const STATUSES: &[&str] = &[
    "200", "503", "499", "500", "abc", "", " 204 ", "NaN", "1e400",
];
const LATENCIES: &[&str] = &["10", "300", "301", "x", "-0"];

/// What is wrong with a row, if anything.
#[derive(Debug, Clone, Copy)]
enum Damage {
    None,
    /// A timestamp that does not parse: malformed.
    BadTimestamp,
    /// A CSV row with a field too many, or a JSON line that is not JSON: malformed.
    Ragged,
    /// No `status`: invalid for `api` if it selects the row.
    MissingStatus,
    /// A blank line before the row: not a row at all.
    BlankLineBefore,
}

#[derive(Debug, Clone)]
struct Line {
    age: i64,
    api_route: bool,
    status: &'static str,
    latency: &'static str,
    damage: Damage,
}

fn lines() -> impl Strategy<Value = Vec<Line>> {
    let damage = prop_oneof![
        6 => Just(Damage::None),
        1 => Just(Damage::BadTimestamp),
        1 => Just(Damage::Ragged),
        1 => Just(Damage::MissingStatus),
        1 => Just(Damage::BlankLineBefore),
    ];
    let line = (
        prop::sample::select(AGES),
        any::<bool>(),
        prop::sample::select(STATUSES),
        prop::sample::select(LATENCIES),
        damage,
    )
        .prop_map(|(age, api_route, status, latency, damage)| Line {
            age,
            api_route,
            status,
            latency,
            damage,
        });
    prop::collection::vec(line, 0..40)
}

fn timestamp(age: i64) -> String {
    let t = AT_SECONDS - age;
    // Alternate forms: Unix seconds and RFC 3339 with an offset.
    if age % 2 == 0 {
        t.to_string()
    } else {
        let seconds = t + 5 * 3600 + 30 * 60;
        let days = seconds.div_euclid(86_400);
        let rest = seconds.rem_euclid(86_400);
        // 2026-03-10 is day 20522 since the epoch; all ages stay within March 2026.
        let day = 10 + (days - 20_522);
        format!(
            "2026-03-{day:02}T{:02}:{:02}:{:02}+05:30",
            rest / 3600,
            rest / 60 % 60,
            rest % 60
        )
    }
}

fn csv_line(line: &Line) -> String {
    let route = if line.api_route { "/api/x" } else { "/health" };
    let time = match line.damage {
        Damage::BadTimestamp => "yesterday".to_string(),
        _ => timestamp(line.age),
    };
    let status = match line.damage {
        Damage::MissingStatus => "",
        _ => line.status,
    };
    let mut text = String::new();
    if let Damage::BlankLineBefore = line.damage {
        text.push('\n');
    }
    text.push_str(&format!("{time},{route},\"{status}\",{}", line.latency));
    if let Damage::Ragged = line.damage {
        text.push_str(",extra");
    }
    text.push('\n');
    text
}

fn json_line(line: &Line) -> String {
    let route = if line.api_route { "/api/x" } else { "/health" };
    let time = match line.damage {
        Damage::BadTimestamp => "yesterday".to_string(),
        _ => timestamp(line.age),
    };
    let mut text = String::new();
    if let Damage::BlankLineBefore = line.damage {
        text.push('\n');
    }
    if let Damage::Ragged = line.damage {
        text.push_str(&format!("{{\"timestamp\": \"{time}\", \"route\": \n"));
        return text;
    }
    let status = match line.damage {
        Damage::MissingStatus => String::new(),
        _ => match line.status.trim().parse::<i64>() {
            Ok(number) => format!(", \"status\": {number}"),
            Err(_) => format!(", \"status\": \"{}\"", line.status),
        },
    };
    text.push_str(&format!(
        "{{\"timestamp\": \"{time}\", \"route\": \"{route}\", \"latency_ms\": \"{}\"{status}}}\n",
        line.latency
    ));
    text
}

/// The counts the model predicts: inputs (rows, malformed, outside, unselected, matched,
/// excluded), then total, good, invalid, excluded for `api` and for `all`. `api` excludes
/// `[A − 3600 s, A − 59 s)`: ages above 59 s and up to 3600 s.
fn model(lines: &[Line]) -> ([u64; 6], [u64; 4], [u64; 4]) {
    let mut inputs = [0u64; 6];
    let mut api = [0u64; 4];
    let mut all = [0u64; 4];
    // A number is finite and exact within 38 digits: `1e400` and `inf` are not numbers.
    let number = |text: &str| text.trim().parse::<f64>().ok().filter(|x| x.is_finite());
    for line in lines {
        inputs[0] += 1;
        if matches!(line.damage, Damage::BadTimestamp | Damage::Ragged) {
            inputs[1] += 1;
            continue;
        }
        let in_day = (0..86_400).contains(&line.age);
        let in_hour = (0..3600).contains(&line.age);
        let api_excludes = in_day && line.api_route && line.age > 59 && line.age <= 3600;
        let api_selects = in_day && line.api_route && !api_excludes;
        if !in_day {
            inputs[2] += 1;
        } else if api_selects || in_hour {
            inputs[4] += 1;
        } else if api_excludes {
            inputs[5] += 1;
        } else {
            inputs[3] += 1;
        }
        if api_excludes {
            api[3] += 1;
        }
        if api_selects {
            // A missing status is an empty field in CSV and an absent key in JSON: invalid
            // either way.
            let status = match line.damage {
                Damage::MissingStatus => None,
                _ => number(line.status),
            };
            match status {
                Some(status) => {
                    api[0] += 1;
                    api[1] += u64::from(status < 500.0);
                }
                None => api[2] += 1,
            }
        }
        if in_hour {
            match number(line.latency) {
                Some(latency) => {
                    all[0] += 1;
                    all[1] += u64::from(latency <= 300.0);
                }
                None => all[2] += 1,
            }
        }
    }
    (inputs, api, all)
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn counts(report: &Report, slo: &str, window: &str) -> [u64; 4] {
    let r = report.result(slo, window);
    [r.total, r.good, r.invalid, r.excluded]
}

/// The whole JSON report, but for the names of its inputs.
/// The report without the list of logs and their formats, which differ between a log and
/// its parts.
fn without_files(run: &Run) -> Value {
    let mut report = run.json();
    let inputs = report["inputs"].as_object_mut().expect("inputs");
    inputs.remove("files");
    inputs.remove("formats");
    report
}

#[test]
fn every_row_is_accounted_for_and_splitting_changes_nothing() {
    let config = Config {
        cases: 32,
        failure_persistence: None,
        ..Config::default()
    };
    let case = (
        lines(),
        any::<bool>(),
        prop::collection::vec(any::<prop::sample::Index>(), 0..4),
        prop::collection::vec(any::<bool>(), 5),
    );
    TestRunner::new(config)
        .run(&case, |(lines, json, cuts, compress)| {
            let dir = Workdir::new();
            dir.write("spec.yaml", SPEC);
            let (header, render): (&str, fn(&Line) -> String) = if json {
                ("", json_line)
            } else {
                ("timestamp,route,status,latency_ms\n", csv_line)
            };
            let extension = if json { "jsonl" } else { "csv" };
            let whole: String = lines.iter().map(render).collect();
            dir.write(&format!("whole.{extension}"), format!("{header}{whole}"));
            // A part of the log split below may be mostly malformed rows, so any share of them
            // is allowed.
            let whole_log = [format!("whole.{extension}")];
            let run_whole = dir
                .report()
                .at(AT)
                .max_malformed("100%")
                .logs(&whole_log)
                .run();
            let report_whole = run_whole.expect_code(0).report();

            let (inputs, api, all) = model(&lines);
            let [rows, malformed, outside, unselected, matched] = report_whole.inputs.counts();
            let excluded = report_whole.inputs.excluded;
            let got_inputs = [rows, malformed, outside, unselected, matched, excluded];
            prop_assert_eq!(got_inputs, inputs, "inputs of {:#?}", lines);
            prop_assert_eq!(
                rows,
                malformed + outside + unselected + excluded + matched,
                "rows do not add up"
            );
            prop_assert_eq!(
                counts(&report_whole, "api", "1d"),
                api,
                "api of {:#?}",
                lines
            );
            prop_assert_eq!(
                counts(&report_whole, "all", "1h"),
                all,
                "all of {:#?}",
                lines
            );

            // Split at random rows into several files, each with the header; some empty, some
            // compressed.
            let mut cuts: Vec<usize> = cuts.iter().map(|i| i.index(lines.len() + 1)).collect();
            cuts.push(0);
            cuts.push(lines.len());
            cuts.sort_unstable();
            let mut parts = Vec::new();
            for (n, pair) in cuts.windows(2).enumerate() {
                let body: String = lines[pair[0]..pair[1]].iter().map(render).collect();
                let text = format!("{header}{body}");
                let name = if compress[n % compress.len()] {
                    dir.write(&format!("part{n}.{extension}.gz"), gzip(text.as_bytes()));
                    format!("part{n}.{extension}.gz")
                } else {
                    dir.write(&format!("part{n}.{extension}"), text);
                    format!("part{n}.{extension}")
                };
                parts.push(name);
            }
            let run_parts = dir.report().at(AT).max_malformed("100%").logs(&parts).run();
            run_parts.expect_code(0);
            prop_assert_eq!(
                without_files(&run_parts),
                without_files(&run_whole),
                "split at {:?}",
                cuts
            );
            Ok(())
        })
        .unwrap_or_else(|failure| panic!("{failure}"));
}

/// A calendar day in Kathmandu (+05:45) starts at 18:15Z, which no 10-minute slice does: two
/// minutes after midnight the day holds no whole slice yet, and the slice in progress
/// (18:10–18:20Z) is in no window, whether its rows come before the day's start, inside it, or
/// after `A`. Rows in the whole slices of the 1h burn-rate lookback still count.
#[test]
fn a_calendar_day_without_a_whole_slice_counts_no_row_of_the_slice_in_progress() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: day\n    objective: 90\n    windows: [{calendar: day, timezone: Asia/Kathmandu}]\n    budgeting: timeslices\n    timeslice: {length: 10m, objective: 90}\n    good: status < 500\n    group_by: [route]\n    alerts: []\n",
    );
    dir.write(
        "log.csv",
        "timestamp,route,status\n\
         2026-03-10T18:05:00Z,/lookback,200\n\
         2026-03-10T18:12:00Z,/before-start,500\n\
         2026-03-10T18:16:00Z,/in-progress,500\n\
         2026-03-10T18:19:00Z,/future,500\n",
    );
    let at = "2026-03-10T18:17:00Z";
    let report = dir.report().log("log.csv").at(at).json_report();
    let inputs = &report.inputs;
    let got = inputs.counts();
    assert_eq!(got, [4, 0, 3, 0, 1], "{inputs:#?}");
    assert_eq!(got[0], got[1..].iter().sum::<u64>(), "rows do not add up");
    let groups: Vec<Option<&str>> = report
        .results
        .iter()
        .map(|r| r.group_value("route"))
        .collect();
    assert_eq!(groups, [Some("/lookback")], "{report:#?}");
    let day = report.result("day", "day Asia/Kathmandu");
    assert_eq!(day.start, "2026-03-10T18:15:00Z");
    assert_eq!((day.total, day.status.as_str()), (0, "no_data"));
}
