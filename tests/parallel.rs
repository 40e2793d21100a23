//! Reading in chunks on any number of threads gives exactly the rows of a plain record-by-record
//! read, and the same report on every number of threads, whatever falls on a chunk boundary
//! (chunks are 4 MiB: these logs span several).

#![allow(clippy::unwrap_used)] // test helpers outside #[test] functions

use crate::report::{Report, ReportCommand};
use crate::workdir::{Run, Workdir};
use slo::input::test_sink::{fields, read_both_ways};
use slo::input::{InputFormat, LogInput, CHUNK_BYTES};

const SPEC: &str = "\
version: 1
slos:
  - name: checkout
    objective: 99.9
    windows: [7d, 1d]
    filter: service == \"checkout\"
    good: status < 500
  - name: latency
    objective: 99
    windows: [7d]
    good: latency_ms <= 300
    group_by: [route]
";

/// A deterministic log of `rows` rows with quoted fields holding commas, quotes and line ends,
/// and a sprinkling of damage (bad timestamps, ragged rows, non-numbers).
fn csv_log(rows: usize) -> String {
    csv_log_with(rows, false)
}

/// As [`csv_log`]; with `literal_quotes`, some unquoted fields also hold a quote (`5" screen`),
/// which CSV readers take literally.
fn csv_log_with(rows: usize, literal_quotes: bool) -> String {
    let mut text = String::from("timestamp,service,route,status,latency_ms,note\n");
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    for i in 0..rows {
        let r = next();
        let service = ["checkout", "cart", "search"][(r % 3) as usize];
        let route = ["/a", "/b", "/c", "/d"][(r / 3 % 4) as usize];
        let status = if r % 97 == 0 { 503 } else { 200 };
        let latency = r % 400;
        let minute = i % 10_000;
        let note = match r % 11 {
            0 => "\"multi\nline, with \"\"quotes\"\"\"".to_string(),
            1 => "\"a,b\"".to_string(),
            2 => "plain".to_string(),
            3 if literal_quotes => "5\" screen".to_string(),
            4 if literal_quotes => "lone\rcarriage return".to_string(),
            _ => format!("note-{r}"),
        };
        let timestamp = format!(
            "2026-03-0{}T{:02}:{:02}:{:02}Z",
            4 + minute / 1440,
            minute / 60 % 24,
            minute % 60,
            i % 60
        );
        match r % 501 {
            0 => text.push_str(&format!(
                "yesterday,{service},{route},{status},{latency},{note}\n"
            )),
            1 => text.push_str(&format!("{timestamp},{service},{route}\n")),
            2 => text.push_str(&format!(
                "{timestamp},{service},{route},oops,{latency},{note}\n"
            )),
            _ => text.push_str(&format!(
                "{timestamp},{service},{route},{status},{latency},{note}\n"
            )),
        }
    }
    text
}

fn jsonl_log(rows: usize) -> String {
    let mut text = String::new();
    for (i, line) in csv_log(rows).lines().skip(1).enumerate() {
        let fields: Vec<&str> = line.split(',').collect();
        if i % 777 == 0 {
            text.push_str("{not json\n");
        }
        if fields.len() >= 5 {
            text.push_str(&format!(
                "{{\"timestamp\": \"{}\", \"service\": \"{}\", \"route\": \"{}\", \"status\": \"{}\", \"latency_ms\": \"{}\", \"pad\": \"{}\"}}\n",
                fields[0], fields[1], fields[2], fields[3], fields[4], "x".repeat(i % 50)
            ));
        }
    }
    text
}

/// `slo report` of `log` as JSON on `threads` threads. The logs hold malformed rows on purpose,
/// to check that they are counted alike however the log is cut, so any share of them is allowed.
fn chunked_report<'a>(dir: &'a Workdir, log: &'a str, threads: &'a str) -> ReportCommand<'a> {
    dir.report()
        .log(log)
        .at("2026-03-11T00:00:00Z")
        .max_malformed("100%")
        .threads(threads)
}

/// A run's JSON report without the names of its inputs, to compare reports of one log read
/// from different places.
fn report_of_any_input(run: &Run) -> serde_json::Value {
    run.expect_code(0);
    let mut report = run.json();
    report["inputs"]["files"] = serde_json::Value::Null;
    report
}

/// A row of the checkout service, the `i`th second of 2026-03-10.
fn checkout_row(i: usize, status: u32, note: &str) -> String {
    format!(
        "2026-03-10T{:02}:{:02}:{:02}Z,checkout,{status},{note}\n",
        i / 3600 % 24,
        i / 60 % 60,
        i % 60
    )
}

/// The fields the spec reads.
const FIELDS: [&str; 5] = ["timestamp", "service", "status", "latency_ms", "route"];

fn same_report(log_name: &str, contents: &str) {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write(log_name, contents);
    assert!(
        contents.len() > 3 * 4 * 1024 * 1024,
        "the log must span several chunks"
    );
    for threads in [1, 2] {
        // Every `--threads` reads logs in chunks: this checks the chunks against the plain
        // record-by-record reading (csv-core for CSV).
        let input = LogInput::File(dir.path().join(log_name));
        let (whole, chunked) = read_both_ways(
            &input,
            &InputFormat::Auto,
            &fields(&FIELDS),
            threads,
            CHUNK_BYTES,
        )
        .unwrap();
        assert!(whole.rows.len() > 100_000 && !whole.malformed.is_empty());
        // Compared piece by piece: a difference in a million rows prints as the first one.
        assert_eq!(whole.malformed, chunked.malformed, "{threads} workers");
        assert_eq!(whole.rows.len(), chunked.rows.len(), "{threads} workers");
        if let Some((plain, chunk)) = whole.rows.iter().zip(&chunked.rows).find(|(a, b)| a != b) {
            panic!("{threads} workers read {chunk:?} where the plain reader reads {plain:?}");
        }
    }
    let run = |threads: &str| {
        let run = chunked_report(&dir, log_name, threads).run();
        run.expect_code(0);
        (run.stdout(), run.stderr())
    };
    let (single, single_warnings) = run("1");
    for threads in ["2", "3", "8"] {
        let (parallel, warnings) = run(threads);
        assert_eq!(single, parallel, "{threads} threads differ from one");
        assert_eq!(
            single_warnings, warnings,
            "{threads} threads warn differently"
        );
    }
    let report: Report = serde_json::from_str(&single).expect("JSON report");
    let [rows, malformed, outside_windows, unselected, matched] = report.inputs.counts();
    assert!(malformed > 0);
    assert_eq!(rows, malformed + outside_windows + unselected + matched);
}

#[test]
fn csv_with_quoted_line_ends_across_chunks() {
    same_report("log.csv", &csv_log(250_000));
}

/// Quotes inside unquoted fields throw off the cheap cuts, which count quotes: the workers
/// notice a chunk that ends inside quotes, and the log is read again with exact cuts.
#[test]
fn csv_with_literal_quotes_across_chunks() {
    same_report("log.csv", &csv_log_with(250_000, true));
}

/// Standard input cannot be read again, so it is cut exactly from the start.
#[test]
fn csv_from_stdin_across_chunks() {
    let text = csv_log_with(250_000, true);
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", &text);
    let csv = ["--input-format", "csv"];
    let from_file = chunked_report(&dir, "log.csv", "1").args(&csv).run();
    let from_stdin = chunked_report(&dir, "-", "2")
        .args(&csv)
        .stdin(text.as_bytes())
        .run();
    assert_eq!(
        report_of_any_input(&from_file),
        report_of_any_input(&from_stdin)
    );
}

#[test]
fn json_lines_across_chunks() {
    same_report("log.jsonl", &jsonl_log(140_000));
}

#[test]
fn compressed_input_across_chunks() {
    use std::io::Write;
    let text = csv_log(250_000);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", &text);
    dir.write("log.csv.gz", gz.finish().unwrap());
    let report = |log: &str, threads: &str| {
        chunked_report(&dir, log, threads)
            .run()
            .expect_code(0)
            .json()["results"]
            .clone()
    };
    assert_eq!(report("log.csv", "1"), report("log.csv.gz", "2"));
}

/// A log whose first block, cut by counting quotes, ends inside a quoted field: one literal
/// quote (`5" screen`) early on, and a quoted line end shortly before the block's end.
fn miscut_log(ragged: bool) -> String {
    let mut text = String::from("timestamp,service,status,note\n");
    text.push_str(&checkout_row(0, 200, "5\" screen"));
    let mut i = 1;
    while text.len() < CHUNK_BYTES - 2000 {
        text.push_str(&checkout_row(i, 200, "plain"));
        i += 1;
    }
    let quoted = if ragged { "\"p\nq\",extra" } else { "\"p\nq\"" };
    text.push_str(&checkout_row(i, 503, quoted));
    for j in 0..50_000 {
        text.push_str(&checkout_row(i + 1 + j, 200, "plain"));
    }
    text
}

const GROUPED_SPEC: &str = "\
version: 1
slos:
  - name: checkout
    objective: 99
    windows: [1d]
    good: status < 500
    group_by: [note]
";

/// The last record of a miscut chunk runs on past it: it must not reach the counters (here it
/// would be a third group, past `--max-groups 2`, folded into `(other)`) before the file is
/// read again.
#[test]
fn a_miscut_chunk_hands_over_no_partial_record() {
    let dir = Workdir::new();
    dir.write("spec.yaml", GROUPED_SPEC);
    dir.write("log.csv", miscut_log(true));
    let run = |threads: &str| {
        let run = chunked_report(&dir, "log.csv", threads)
            .args(&["--max-groups", "2"])
            .run();
        run.expect_code(0);
        assert!(
            !run.stdout().contains("(other)"),
            "a partial record counted\n{run}"
        );
        (run.stdout(), run.stderr())
    };
    assert_eq!(run("1"), run("2"));
}

/// A named pipe cannot be read again: it is cut exactly from the start, like standard input.
#[cfg(unix)]
#[test]
fn a_named_pipe_is_cut_exactly() {
    let dir = Workdir::new();
    dir.write("spec.yaml", GROUPED_SPEC);
    let text = miscut_log(false);
    dir.write("log.csv", &text);
    let fifo = dir.path().join("pipe.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, text))
    };
    let csv = ["--input-format", "csv"];
    let from_pipe = chunked_report(&dir, "pipe.csv", "2").args(&csv).run();
    writer.join().unwrap().unwrap();
    let from_file = chunked_report(&dir, "log.csv", "1").args(&csv).run();
    assert_eq!(
        report_of_any_input(&from_pipe),
        report_of_any_input(&from_file)
    );
}

/// After a quote inside an unquoted field near the start, counting quotes finds no cut in any
/// block; each is cut exactly instead, not grown until it holds the whole file.
#[test]
fn an_early_literal_quote_keeps_chunks_small() {
    let mut text = String::from("timestamp,service,status,note\n");
    text.push_str(&checkout_row(0, 200, "5\" screen"));
    let mut i = 1;
    // 64 MiB: under the record limit, so before its fix one block would have held it all.
    while text.len() < 64 * 1024 * 1024 {
        text.push_str(&checkout_row(i, 200, "plain"));
        i += 1;
    }
    let dir = Workdir::new();
    dir.write("spec.yaml", GROUPED_SPEC);
    dir.write("log.csv", &text);
    let run = chunked_report(&dir, "log.csv", "2").run();
    run.expect_code(0);
    assert_eq!(run.report().inputs.malformed, 0);
    if let Some(peak) = run.peak_rss_kib {
        assert!(
            peak < 48 * 1024,
            "peak memory {peak} KiB: the file went into one block"
        );
    }
}

/// A read error part way through a log (a truncated gzip file) is reported at the record it cut
/// short, on any number of threads: the records read whole before it are counted first, so
/// `--strict` stops at a bad row among them, as a record-by-record read does.
#[test]
fn a_read_error_comes_after_the_records_read_whole() {
    use std::io::{Read, Write};
    let mut text = String::from("timestamp,service,status,note\n");
    for i in 0..400_000 {
        // Row 100 000 (line 100 002) has a field too many.
        let note = if i == 100_000 { "one,two" } else { "plain" };
        text.push_str(&checkout_row(i, 200, note));
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(text.as_bytes()).unwrap();
    let mut truncated = gz.finish().unwrap();
    truncated.truncate(truncated.len() * 7 / 10);
    // The lines a decompressor gets whole out of the truncated file.
    let mut prefix = Vec::new();
    let decoded = flate2::read::MultiGzDecoder::new(&truncated[..]).read_to_end(&mut prefix);
    assert!(decoded.is_err(), "the stream is cut short");
    let whole_lines = prefix.iter().filter(|&&b| b == b'\n').count();
    assert!(whole_lines > 200_000);
    let cut_short = format!("log.csv.gz:{}: read failed", whole_lines + 1);

    let dir = Workdir::new();
    dir.write("spec.yaml", GROUPED_SPEC);
    dir.write("log.csv.gz", &truncated);
    for threads in ["1", "2", "3"] {
        chunked_report(&dir, "log.csv.gz", threads)
            .run()
            .expect_code(2)
            .stderr_has(&cut_short);
    }
    chunked_report(&dir, "log.csv.gz", "2")
        .args(&["--strict"])
        .run()
        .expect_code(2)
        .stderr_has("log.csv.gz:100002: malformed row: 5 fields where the header has 4");
    // Cut short within the first block read: at the line cut short there too, not at line 1.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&text.as_bytes()[..200_000]).unwrap();
    let mut small = gz.finish().unwrap();
    small.truncate(small.len() / 2);
    let mut prefix = Vec::new();
    let decoded = flate2::read::MultiGzDecoder::new(&small[..]).read_to_end(&mut prefix);
    assert!(decoded.is_err(), "the stream is cut short");
    let whole_lines = prefix.iter().filter(|&&b| b == b'\n').count();
    assert!(whole_lines > 100, "{whole_lines}");
    dir.write("small.csv.gz", &small);
    for threads in ["1", "2"] {
        chunked_report(&dir, "small.csv.gz", threads)
            .run()
            .expect_code(2)
            .stderr_has(&format!("small.csv.gz:{}: read failed", whole_lines + 1));
    }
}
