//! The hostile-input corpus (DESIGN.md §7): logs and specs as real systems and tired people
//! write them. Each case states its outcome: a report whose `inputs` account for every row, or
//! exit 2 with a message that says where (file:line), what, and what to do. No case may panic
//! (exit 101), hang (the runner's time limit), or use memory in proportion to the input.
//!
//! Small cases live in `tests/fixtures/hostile/`; big ones (a 10 MB line, a million groups, a
//! binary file, truncated streams) are generated here so that the repository stays small.

use std::io::Write;
use std::path::Path;
use std::time::Duration;

use crate::report::ReportCommand;
use crate::workdir::{Run, Workdir};

const AT: &str = "2026-03-10T12:00:00Z";

/// Peak memory a run may use on inputs that must not be held in memory, in KiB. A streaming
/// run over any of the generated logs needs a few MiB of buffers; the logs themselves are tens
/// of MiB.
const MEMORY_LIMIT_KIB: u64 = 64 * 1024;

/// A work folder holding the corpus spec and the named fixtures.
fn corpus(fixtures: &[&str]) -> Workdir {
    let dir = Workdir::new();
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile");
    for name in ["spec.yaml"].iter().chain(fixtures) {
        let bytes = std::fs::read(source.join(name)).expect("fixture");
        dir.write(name, bytes);
    }
    dir
}

/// `slo report` of the corpus spec at [`AT`], as JSON. The corpus is about how bad rows are
/// counted, so any share of them is allowed (`--max-malformed 100%`); tests/cli.rs checks the
/// limit itself.
fn corpus_report(dir: &Workdir) -> ReportCommand<'_> {
    dir.report().at(AT).max_malformed("100%")
}

/// `inputs` of a JSON report: rows, malformed, outside_windows, unselected, matched. Also
/// checks that they add up.
#[track_caller]
fn accounting(run: &Run) -> [u64; 5] {
    let counts = run.expect_code(0).report().inputs.counts();
    assert_eq!(
        counts[0],
        counts[1..].iter().sum::<u64>(),
        "rows not accounted for\n{run}"
    );
    counts
}

/// total, good, bad, invalid of the `api` SLO over `1d`.
#[track_caller]
fn api(run: &Run) -> [u64; 4] {
    let report = run.report();
    let r = report.result("api", "1d");
    [r.total, r.good, r.bad, r.invalid]
}

#[track_caller]
fn no_panic(run: &Run) {
    assert!(!run.stderr().contains("panicked"), "slo panicked\n{run}");
    assert_ne!(run.code(), 101, "slo panicked\n{run}");
}

#[track_caller]
fn small_memory(run: &Run) {
    if let Some(peak) = run.peak_rss_kib {
        assert!(
            peak < MEMORY_LIMIT_KIB,
            "slo used {peak} KiB, more than {MEMORY_LIMIT_KIB}\n{run}"
        );
    }
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

/// A CSV log of `rows` rows at 10:00 on the evaluation day, statuses from `status(i)`.
fn csv_rows(rows: usize, status: impl Fn(usize) -> u32) -> String {
    let mut text = String::from("timestamp,status\n");
    for i in 0..rows {
        text.push_str(&format!(
            "2026-03-10T10:{:02}:{:02}Z,{}\n",
            i / 60 % 60,
            i % 60,
            status(i)
        ));
    }
    text
}

// ---------------------------------------------------------------------------------------------
// Empty and odd framing

#[test]
fn an_empty_file_is_a_report_without_data() {
    let dir = corpus(&["empty.csv"]);
    let run = corpus_report(&dir).log("empty.csv").run();
    assert_eq!(accounting(&run), [0, 0, 0, 0, 0]);
    assert_eq!(api(&run), [0, 0, 0, 0]);
    assert_eq!(run.report().result("api", "1d").status, "no_data");
    // The same through standard input, and for every format.
    for format in ["csv", "tsv", "jsonl", "json"] {
        let run = dir
            .report()
            .log("-")
            .at(AT)
            .args(&["--input-format", format])
            .stdin(b"")
            .run();
        assert_eq!(accounting(&run), [0, 0, 0, 0, 0], "{format}");
    }
}

#[test]
fn a_header_without_rows_is_a_report_without_data() {
    let dir = corpus(&["header-only.csv"]);
    let run = corpus_report(&dir).log("header-only.csv").run();
    assert_eq!(accounting(&run), [0, 0, 0, 0, 0]);
    assert_eq!(api(&run), [0, 0, 0, 0]);
}

#[test]
fn byte_order_marks_and_crlf_line_ends_are_read() {
    let dir = corpus(&["bom-crlf.csv", "bom.jsonl"]);
    let run = corpus_report(&dir).log("bom-crlf.csv").run();
    assert_eq!(accounting(&run), [2, 0, 0, 0, 2]);
    assert_eq!(api(&run), [2, 1, 1, 0]);
    let run = corpus_report(&dir).log("bom.jsonl").run();
    assert_eq!(accounting(&run), [2, 0, 0, 0, 2]);
    assert_eq!(api(&run), [2, 2, 0, 0]);
}

#[test]
fn ragged_rows_are_malformed_with_their_line() {
    let dir = corpus(&["ragged.csv"]);
    let run = corpus_report(&dir).log("ragged.csv").run();
    assert_eq!(accounting(&run), [3, 2, 0, 0, 1]);
    run.stderr_has("ragged.csv:2: malformed row skipped: 3 fields where the header has 2")
        .stderr_has("ragged.csv:3: malformed row skipped: 1 field where the header has 2");
}

// ---------------------------------------------------------------------------------------------
// Size

#[test]
fn a_ten_megabyte_line_is_one_row_and_memory_stays_small() {
    let dir = corpus(&[]);
    let big = "x".repeat(10 << 20);
    // A huge field in a column no SLO reads: an ordinary row.
    let mut log = String::from("timestamp,status,note\n");
    log.push_str(&format!("2026-03-10T10:00:00Z,200,{big}\n"));
    // A huge line that is not a row of this log: malformed, and the rows after it still count.
    log.push_str(&big);
    log.push_str("\n2026-03-10T10:00:01Z,503,short\n");
    dir.write("big-line.csv", &log);
    let run = corpus_report(&dir).log("big-line.csv").run();
    assert_eq!(accounting(&run), [3, 1, 0, 0, 2]);
    assert_eq!(api(&run), [2, 1, 1, 0]);
    run.stderr_has("big-line.csv:3: malformed row skipped: 1 field where the header has 3");

    // The same in JSON Lines, with the huge value where the SLO looks.
    let log = format!(
        "{{\"timestamp\": \"2026-03-10T10:00:00Z\", \"status\": \"{big}\"}}\n{big}\n{{\"timestamp\": \"2026-03-10T10:00:01Z\", \"status\": 200}}\n"
    );
    dir.write("big-line.jsonl", &log);
    let run = corpus_report(&dir).log("big-line.jsonl").run();
    assert_eq!(accounting(&run), [3, 1, 0, 0, 2]);
    assert_eq!(api(&run), [1, 1, 0, 1]);
    run.stderr_has("big-line.jsonl:2: malformed row skipped: invalid JSON");
    // Buffers grow to the longest line (plus the parsed value), not to the file.
    assert!(
        run.peak_rss_kib.unwrap_or(0) < 3 * 10 * 1024 + MEMORY_LIMIT_KIB,
        "{run}"
    );
}

#[test]
fn a_million_distinct_groups_fold_into_other_with_exact_counts_and_bounded_memory() {
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-user\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [user]\n    alerts: []\n  - name: all\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    alerts: []\n",
    );
    let mut log = String::with_capacity(40 << 20);
    log.push_str("timestamp,user,status\n");
    for i in 0..1_000_000 {
        let status = if i % 7 == 0 { 503 } else { 200 };
        log.push_str(&format!("2026-03-10T10:00:00Z,user-{i:07},{status}\n"));
    }
    dir.write("users.csv", &log);
    drop(log);
    let mut reports = Vec::new();
    for threads in ["1", "2"] {
        let run = dir
            .report()
            .spec("groups.yaml")
            .log("users.csv")
            .at(AT)
            .threads(threads)
            .run();
        no_panic(&run);
        run.expect_code(0).stderr_has(
            "SLO per-user: too many distinct groups of (user) to keep each in memory (more than 40000 or 16 MiB of values): about ",
        );
        // Memory: per SLO and reading thread (and for their merged counts), at most 4 ×
        // --max-groups groups and, past them, a 2 MiB sketch of the groups left out. Kept one
        // by one, the million groups would take over 500 MiB. The peak varies by about 15 MiB
        // from run to run with how the reading threads' allocator arenas interleave (63 to
        // 78 MiB measured, 55 MiB of heap at the peak by heaptrack; as much with 250 000
        // distinct values as with a million).
        assert!(
            run.peak_rss_kib.unwrap_or(0) < MEMORY_LIMIT_KIB + 32 * 1024,
            "{run}"
        );
        let report = run.report();
        let per_user: Vec<_> = report
            .results
            .iter()
            .filter(|r| r.slo == "per-user")
            .collect();
        // Every user tied with one event, and past the memory bound which of them have the
        // lowest values is not known: none is shown, all are in (other), counted exactly.
        run.stderr_has(
            "0 groups shown: past the memory bound a group is shown only when it has more events in the first window than any group in (other) may have (22); group by coarser fields to see them all",
        );
        assert_eq!(per_user.len(), 1, "{run}");
        let other = per_user[0];
        assert_eq!(other.group_value("user"), Some("(other)"));
        assert!(other.folded.as_ref().is_some_and(|f| f.estimated));
        let total: u64 = per_user.iter().map(|r| r.total).sum();
        let bad: u64 = per_user.iter().map(|r| r.bad).sum();
        assert_eq!(total, 1_000_000);
        assert_eq!(bad, (0..1_000_000).filter(|i| i % 7 == 0).count() as u64);
        assert_eq!(report.result("all", "1d").total, 1_000_000);
        reports.push(run.json());
    }
    // The same groups, whatever the number of threads.
    assert_eq!(reports[0]["results"], reports[1]["results"]);
}

#[test]
fn a_bot_scan_past_max_groups_keeps_the_busiest_groups_and_folds_the_rest_exactly() {
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-path\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [path]\n    alerts: []\n",
    );
    // Four real routes, busy, and 18 001 paths a scanner asked for once each.
    let mut log = String::from("timestamp,path,status\n");
    for i in 0..4000 {
        let path = ["/a", "/b", "/c", "/d"][i % 4];
        let status = if i % 100 == 0 { 503 } else { 200 };
        log.push_str(&format!("2026-03-10T10:00:00Z,{path},{status}\n"));
    }
    for i in 0..18_001 {
        log.push_str(&format!("2026-03-10T10:00:01Z,/scan/{i},404\n"));
    }
    dir.write("bot.csv", &log);
    let json = |threads: &str, format: &str| {
        dir.report()
            .spec("groups.yaml")
            .log("bot.csv")
            .at(AT)
            .format(format)
            .args(&["--max-groups", "5000"])
            .threads(threads)
            .run()
    };
    // 5000 groups shown: the four routes, then the scanned paths first by value.
    let run = json("2", "json");
    run.expect_code(0).stderr_has(
        "SLO per-path: 13005 groups of (path) past --max-groups 5000 (those with the fewest events in the first window) are counted in one (other) group",
    );
    let report = run.report();
    let groups: Vec<&str> = report
        .results
        .iter()
        .map(|r| r.group_value("path").unwrap_or("?"))
        .collect();
    assert_eq!(groups.len(), 5001, "{run}");
    assert_eq!(
        groups[..7],
        ["/a", "/b", "/c", "/d", "/scan/0", "/scan/1", "/scan/10"],
        "{run}"
    );
    assert_eq!(groups[5000], "(other)");
    let other = &report.results[5000];
    assert_eq!(other.total, 13_005);
    let folded = other.folded.as_ref().expect("folded");
    assert_eq!((folded.groups, folded.estimated), (13_005, false));
    assert_eq!(json("1", "json").json(), run.json());
    // Every format shows the fold; the -o file is written.
    json("2", "table").stdout_has("(other: 13005 groups)");
    json("2", "csv").stdout_has("per-path,,(other),1d");
    let metrics = dir
        .report()
        .spec("groups.yaml")
        .log("bot.csv")
        .at(AT)
        .format("prometheus")
        .args(&["--max-groups", "5000", "-o", "slo.prom"])
        .run();
    metrics.expect_code(0);
    let text = std::fs::read_to_string(dir.path().join("slo.prom")).expect("slo.prom");
    assert!(text.contains("path=\"(other)\""), "{text}");
}

/// The busy routes of [`busy_routes_among_a_scan`]: path, events, bad events.
const BUSY_ROUTES: [(&str, u64, u64); 6] = [
    ("/api/cart", 700, 28),
    ("/api/checkout", 600, 24),
    ("/api/login", 900, 36),
    ("/api/orders", 1000, 40),
    ("/api/search", 800, 32),
    ("/api/users", 1100, 44),
];

/// Six busy routes ([`BUSY_ROUTES`], every 25th request failing) among 200 000 paths that a
/// scanner asked for once each, in a shuffled order: 205 100 rows, about 8 MB (two chunks).
fn busy_routes_among_a_scan() -> String {
    let mut rows: Vec<String> = (0..200_000)
        .map(|i| format!("2026-03-10T10:00:00Z,/scan/{i:06},404\n"))
        .collect();
    for (path, events, _) in BUSY_ROUTES {
        for i in 0..events {
            let status = if i % 25 == 0 { 503 } else { 200 };
            rows.push(format!("2026-03-10T10:00:00Z,{path},{status}\n"));
        }
    }
    let mut state: u64 = 7;
    for i in (1..rows.len()).rev() {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let j = usize::try_from(state >> 33).unwrap_or(0) % (i + 1);
        rows.swap(i, j);
    }
    let mut log = String::from("timestamp,path,status\n");
    log.extend(rows);
    log
}

#[test]
fn busy_groups_past_the_memory_bound_are_shown_with_exact_counts() {
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-path\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [path]\n    alerts: []\n",
    );
    dir.write("scan.csv", busy_routes_among_a_scan());
    // Past 4 × --max-groups 100 distinct paths, slo keeps a share of them chosen by a hash of
    // the path, which leaves out nearly every route; the busy ones are still shown, exactly.
    let report = |threads: &str| {
        dir.report()
            .spec("groups.yaml")
            .log("scan.csv")
            .at(AT)
            .args(&["--max-groups", "100"])
            .threads(threads)
            .run()
    };
    let mut reports = Vec::new();
    for threads in ["1", "2", "4"] {
        let run = report(threads);
        no_panic(&run);
        small_memory(&run);
        run.expect_code(0).stderr_has(
            "SLO per-path: too many distinct groups of (path) to keep each in memory (more than 400 or 16 MiB of values)",
        );
        let parsed = run.report();
        // The routes, and (other): the scanned paths tie with one event each, which cannot
        // be ranked past the memory bound.
        assert_eq!(parsed.results.len(), 7, "{run}");
        for (path, events, bad) in BUSY_ROUTES {
            let result = parsed
                .results
                .iter()
                .find(|r| r.group_value("path") == Some(path))
                .unwrap_or_else(|| panic!("{path} is not shown\n{run}"));
            assert_eq!((result.total, result.bad), (events, bad), "{path}\n{run}");
        }
        let other = &parsed.results[6];
        assert_eq!(other.group_value("path"), Some("(other)"));
        assert!(other.folded.as_ref().is_some_and(|f| f.estimated), "{run}");
        // Every event once: the routes, and the scanned paths in (other).
        let total: u64 = parsed.results.iter().map(|r| r.total).sum();
        assert_eq!(total, 205_100, "{run}");
        assert_eq!(other.total, 200_000, "{run}");
        reports.push(run.json());
    }
    assert_eq!(reports[0]["results"], reports[1]["results"]);
    assert_eq!(reports[0]["results"], reports[2]["results"]);
    // A log that comes once, down a pipe, cannot be read again: the warning says what that
    // costs. With --at latest, which keeps a copy of it, it can.
    let log = std::fs::read(dir.path().join("scan.csv")).expect("log");
    let piped = |at: &'static str| {
        dir.report()
            .spec("groups.yaml")
            .log("-")
            .stdin(&log)
            .at(at)
            .args(&["--max-groups", "100"])
            .run()
    };
    let once = piped(AT);
    once.expect_code(0).stderr_has(
        "a log read from standard input or a pipe cannot be read a second time to rank more: give it as a file",
    );
    let copied = piped("latest");
    copied.expect_code(0);
    assert!(!copied.stderr().contains("cannot be read a second time"));
    let routes = |run: &Run| {
        run.report()
            .results
            .iter()
            .filter(|r| {
                r.group_value("path")
                    .is_some_and(|p| p.starts_with("/api/"))
            })
            .count()
    };
    assert_eq!(routes(&copied), 6, "{copied}");
    assert!(routes(&once) < 6, "{once}");
}
#[test]
fn long_group_values_are_capped_in_all() {
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-message\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [message]\n    alerts: []\n",
    );
    // 80 distinct 1 MiB values: under --max-groups, but 80 MiB of group labels.
    let mut log = String::with_capacity(81 << 20);
    log.push_str("timestamp,message,status\n");
    let filler = "m".repeat(1 << 20);
    for i in 0..80 {
        log.push_str(&format!("2026-03-10T10:00:00Z,{i:03}{filler},200\n"));
    }
    dir.write("messages.csv", &log);
    drop(log);
    let run = dir
        .report()
        .spec("groups.yaml")
        .log("messages.csv")
        .at(AT)
        .threads("2")
        .run();
    no_panic(&run);
    // Past 16 MiB of labels, a share of the groups is kept and the others are folded.
    run.expect_code(0).stderr_has(
        "SLO per-message: too many distinct groups of (message) to keep each in memory",
    );
    let total: u64 = run.report().results.iter().map(|r| r.total).sum();
    assert_eq!(total, 80);
    // Per reading thread (two here) at most 16 MiB of labels, then the merged labels and the
    // report: bounded by the cap, not the file.
    assert!(
        run.peak_rss_kib.unwrap_or(0) < 4 * 16 * 1024 + MEMORY_LIMIT_KIB,
        "{run}"
    );
    // One value bigger than the bound itself is in no sample: `(other)` holds it, and says it
    // holds a group, not none (whether the sample keeps the others depends on their hashes:
    // with these it kept none of the big one's kind, and said 0).
    let mut log = String::from("timestamp,status,message\n");
    log.push_str(&format!(
        "2026-03-10T10:00:00Z,500,/{}\n",
        "x".repeat(16_999_999)
    ));
    for i in 0..10 {
        log.push_str(&format!("2026-03-10T10:00:00Z,200,/r{}\n", i % 3));
    }
    dir.write("huge.csv", &log);
    drop(log);
    let run = dir
        .report()
        .spec("groups.yaml")
        .log("huge.csv")
        .at(AT)
        .run();
    let report = run.expect_code(0).report();
    let other = report
        .results
        .iter()
        .find(|r| r.group_value("message") == Some("(other)"))
        .expect("an (other) group");
    let folded = other.folded.as_ref().expect("folded");
    assert!(folded.groups >= 1 && other.total >= 1, "{run}");
    assert_eq!(
        report.results.iter().map(|r| r.total).sum::<u64>(),
        11,
        "{run}"
    );
}

// ---------------------------------------------------------------------------------------------
// Encoding and binary data

#[test]
fn invalid_utf8_in_fields_is_kept_as_bytes() {
    let dir = corpus(&["invalid-utf8-field.csv"]);
    let run = corpus_report(&dir).log("invalid-utf8-field.csv").run();
    // Row 2: an unread field with Latin-1 text is fine. Row 3: a status that is not a number
    // is invalid for the SLO. Row 4: a timestamp that is not text is malformed.
    assert_eq!(accounting(&run), [3, 1, 0, 0, 2]);
    assert_eq!(api(&run), [1, 1, 0, 1]);
    run.stderr_has("invalid-utf8-field.csv:4: malformed row skipped: timestamp '2026-03-10T1\u{fffd}(:00:02Z' not an RFC 3339 timestamp")
        .stderr_has("SLO api: 1 row invalid (counted in `invalid`, not in the SLI); first at invalid-utf8-field.csv:3: field `status` is not a number");
}

#[test]
fn invalid_utf8_group_values_that_print_alike_are_one_group() {
    // Found by fuzzing: `caf\xe9` and `caf\xff` both print as `caf\u{fffd}`, and were two
    // results with the same label, in an order that changed from run to run.
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-route\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n    alerts: []\n",
    );
    dir.write(
        "routes.csv",
        b"timestamp,route,status\n2026-03-10T10:00:00Z,caf\xe9,200\n2026-03-10T10:00:01Z,caf\xff,500\n2026-03-10T10:00:02Z,cafe,200\n",
    );
    let run = dir
        .report()
        .spec("groups.yaml")
        .log("routes.csv")
        .at(AT)
        .run();
    assert_eq!(accounting(&run), [3, 0, 0, 0, 3]);
    let report = run.report();
    let groups: Vec<(&str, u64)> = report
        .results
        .iter()
        .map(|r| (r.group_value("route").unwrap_or(""), r.total))
        .collect();
    assert_eq!(groups, [("cafe", 1), ("caf\u{fffd}", 2)], "{run}");
}

#[test]
fn invalid_utf8_in_the_header() {
    let dir = corpus(&[
        "invalid-utf8-header.csv",
        "invalid-utf8-header-timestamp.csv",
    ]);
    // In a column no SLO reads: harmless.
    let run = corpus_report(&dir).log("invalid-utf8-header.csv").run();
    assert_eq!(accounting(&run), [1, 0, 0, 0, 1]);
    // In the timestamp column's name: the column is not found, and the message says what to do.
    let run = corpus_report(&dir)
        .log("invalid-utf8-header-timestamp.csv")
        .run();
    assert_eq!(accounting(&run), [2, 2, 0, 0, 0]);
    run.stderr_has("invalid-utf8-header-timestamp.csv:2: malformed row skipped: no timestamp: field `timestamp` is missing or empty")
        .stderr_has("source.timestamp.field");
}

#[test]
fn a_binary_file_is_refused() {
    let dir = corpus(&[]);
    // Deterministic noise with NUL bytes, named like a log and named like nothing.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let noise: Vec<u8> = (0..1 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 32).to_le_bytes()[0]
        })
        .collect();
    dir.write("noise.csv", &noise);
    dir.write("noise.bin", &noise);
    dir.write("noise.jsonl", &noise);
    for name in ["noise.csv", "noise.bin", "noise.jsonl"] {
        let run = corpus_report(&dir).log(name).run();
        no_panic(&run);
        run.expect_code(2)
            .stderr_has(&format!("error: {name}:"))
            .stderr_has(": holds binary data (a NUL byte at byte ")
            .stderr_has("so it is not a CSV, TSV or JSON log");
    }
    // An endless stream of zeros is refused at its first block, not read forever.
    #[cfg(target_os = "linux")]
    corpus_report(&dir)
        .log("/dev/zero")
        .run()
        .expect_code(2)
        .stderr_has("error: /dev/zero:1: holds binary data (a NUL byte at byte 1)");
    // Text in UTF-16 is binary to a UTF-8 reader; say how to convert it.
    let utf16: Vec<u8> = "\u{feff}timestamp,status\n2026-03-10T10:00:00Z,200\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    dir.write("utf16.csv", &utf16);
    dir.write("utf16-be-without-bom.csv", {
        let text = "timestamp,status\n2026-03-10T10:00:00Z,200\n";
        text.encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect::<Vec<u8>>()
    });
    for name in ["utf16.csv", "utf16-be-without-bom.csv"] {
        corpus_report(&dir)
            .log(name)
            .run()
            .expect_code(2)
            .stderr_has(&format!("{name}:1: is UTF-16 text"))
            .stderr_has("iconv -f UTF-16 -t UTF-8");
    }
    // Other compressions are named.
    dir.write("log.csv.xz", b"\xfd7zXZ\x00\x00\x04\xe6\xd6\xb4\x46");
    corpus_report(&dir).log("log.csv.xz").run()
        .expect_code(2)
        .stderr_has("log.csv.xz:1: is compressed with xz")
        .stderr_has("decompress it first (xz -d log.csv.xz), or pipe it in: xz -dc log.csv.xz | slo report -");
}

// ---------------------------------------------------------------------------------------------
// Compression

#[test]
fn truncated_gzip_and_zstd_streams_are_errors() {
    let dir = corpus(&[]);
    let log = csv_rows(5_000, |i| if i % 10 == 0 { 503 } else { 200 });
    let gz = gzip(log.as_bytes());
    dir.write("cut.csv.gz", &gz[..gz.len() / 2]);
    let zst = zstd::encode_all(log.as_bytes(), 3).expect("zstd");
    dir.write("cut.csv.zst", &zst[..zst.len() / 2]);
    for name in ["cut.csv.gz", "cut.csv.zst"] {
        let run = corpus_report(&dir).log(name).run();
        no_panic(&run);
        run.expect_code(2)
            .stderr_has(&format!("error: {name}:"))
            .stderr_has("the file looks truncated or corrupt (gzip -t or zstd -t checks a compressed one), and slo stops rather than report on part of it");
    }
    // Cut inside the header: nothing but the gzip header is left.
    dir.write("header-cut.csv.gz", &gz[..12]);
    let run = corpus_report(&dir).log("header-cut.csv.gz").run();
    no_panic(&run);
    run.expect_code(2).stderr_has("header-cut.csv.gz");
    // Zero bytes after the last member pad the file, as block-padded copies do (`gzip -t`
    // accepts them): read to its end. Other bytes after it, or after the padding, are not.
    dir.write("whole.csv", &log);
    let whole = api(&corpus_report(&dir).log("whole.csv").run());
    let mut padded = gz.clone();
    padded.extend_from_slice(&[0; 1024]);
    dir.write("padded.csv.gz", &padded);
    assert_eq!(api(&corpus_report(&dir).log("padded.csv.gz").run()), whole);
    // Padding ends the file, whatever follows it, and however far past the reader's buffer
    // (256 KiB) that is: a member after it is no member of the file.
    let long_padding = vec![0; 300 * 1024];
    for (name, tail) in [
        ("junk.csv.gz", b"junk after the stream".to_vec()),
        ("padded-junk.csv.gz", b"\0\0\0\0junk".to_vec()),
        ("padded-member.csv.gz", [&b"\0\0\0\0"[..], &gz].concat()),
        (
            "long-padded-member.csv.gz",
            [&long_padding[..], &gz].concat(),
        ),
    ] {
        let mut bytes = gz.clone();
        bytes.extend_from_slice(&tail);
        dir.write(name, &bytes);
        corpus_report(&dir)
            .log(name)
            .run()
            .expect_code(2)
            .stderr_has(&format!("error: {name}:"))
            .stderr_has("the file looks truncated or corrupt");
    }
}

#[test]
fn a_gzip_file_named_csv_is_read_by_its_magic_bytes() {
    let dir = corpus(&[]);
    let log = csv_rows(100, |i| if i < 3 { 500 } else { 200 });
    dir.write("plain-name.csv", gzip(log.as_bytes()));
    dir.write(
        "zstd-name.jsonl",
        zstd::encode_all(log.as_bytes(), 3).expect("zstd"),
    );
    let run = corpus_report(&dir).log("plain-name.csv").run();
    assert_eq!(accounting(&run), [100, 0, 0, 0, 100]);
    assert_eq!(api(&run), [100, 97, 3, 0]);
    // The extension still names the format inside: a CSV named .jsonl is read as JSON Lines.
    let run = corpus_report(&dir).log("zstd-name.jsonl").run();
    assert_eq!(accounting(&run), [101, 101, 0, 0, 0]);
    let run = dir
        .report()
        .log("zstd-name.jsonl")
        .at(AT)
        .args(&["--input-format", "csv"])
        .run();
    assert_eq!(accounting(&run), [100, 0, 0, 0, 100]);
}

// ---------------------------------------------------------------------------------------------
// Headers

#[test]
fn duplicate_header_names() {
    let dir = corpus(&["duplicate-header.csv", "duplicate-unused-header.csv"]);
    corpus_report(&dir).log("duplicate-header.csv").run()
        .expect_code(2)
        .stderr_has("error: duplicate-header.csv:1: column `status` appears twice in the header (columns 2 and 3); rename one");
    // A column no SLO reads may repeat.
    let run = corpus_report(&dir).log("duplicate-unused-header.csv").run();
    assert_eq!(accounting(&run), [1, 0, 0, 0, 1]);
}

#[test]
fn missing_header_names() {
    let dir = corpus(&[
        "missing-header-name.csv",
        "missing-timestamp-column.csv",
        "missing-status-column.csv",
    ]);
    // An unnamed column is just a column nobody reads.
    let run = corpus_report(&dir).log("missing-header-name.csv").run();
    assert_eq!(accounting(&run), [1, 0, 0, 0, 1]);
    assert_eq!(api(&run), [1, 1, 0, 0]);
    // No timestamp column: every row is malformed, and the message says where to fix it.
    let run = corpus_report(&dir)
        .log("missing-timestamp-column.csv")
        .run();
    assert_eq!(accounting(&run), [2, 2, 0, 0, 0]);
    run.stderr_has("missing-timestamp-column.csv:2: malformed row skipped: no timestamp: field `timestamp` is missing or empty; if the log calls it otherwise, set source.timestamp.field in the spec");
    // No column the SLO reads: every row is invalid for it, not good and not bad.
    let run = corpus_report(&dir).log("missing-status-column.csv").run();
    assert_eq!(accounting(&run), [1, 0, 0, 0, 1]);
    assert_eq!(api(&run), [0, 0, 0, 1]);
    run.stderr_has("first at missing-status-column.csv:2: field `status` is missing");
}

// ---------------------------------------------------------------------------------------------
// JSON

#[test]
fn json_lines_that_are_not_objects_are_malformed() {
    let dir = corpus(&["array-and-number.jsonl"]);
    let run = corpus_report(&dir).log("array-and-number.jsonl").run();
    assert_eq!(accounting(&run), [6, 4, 0, 0, 2]);
    assert_eq!(api(&run), [2, 1, 1, 0]);
    run.stderr_has(
        "array-and-number.jsonl:2: malformed row skipped: expected a JSON object, found an array",
    )
    .stderr_has(
        "array-and-number.jsonl:3: malformed row skipped: expected a JSON object, found a number",
    )
    .stderr_has(
        "array-and-number.jsonl:4: malformed row skipped: expected a JSON object, found a string",
    )
    .stderr_has(
        "array-and-number.jsonl:5: malformed row skipped: expected a JSON object, found null",
    );
}

#[test]
fn deeply_nested_json_is_a_malformed_row_not_a_crash() {
    let dir = corpus(&[]);
    let row = |second: u32| {
        format!("{{\"timestamp\": \"2026-03-10T10:00:{second:02}Z\", \"status\": 200}}")
    };
    let deep_array = "[".repeat(100_000);
    let deep_object = "{\"a\":".repeat(100_000);
    let closed = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let log = format!(
        "{}\n{deep_array}\n{deep_object}\n{closed}\n{{\"timestamp\": \"2026-03-10T10:00:01Z\", \"status\": {closed}}}\n{}\n",
        row(0),
        row(2)
    );
    dir.write("deep.jsonl", &log);
    let run = corpus_report(&dir).log("deep.jsonl").run();
    no_panic(&run);
    // The JSON scanner skips nested values iteratively, so depth costs no stack: the row whose
    // `status` is a 100 000-deep (closed) array is read, and that status is invalid for the SLO.
    assert_eq!(accounting(&run), [6, 3, 0, 0, 3]);
    run.stderr_has("deep.jsonl:2: malformed row skipped: expected a JSON object, found an array")
        // Column 500 001: just past the end of the line, where a value and the closing
        // brackets are missing.
        .stderr_has("deep.jsonl:3: malformed row skipped: invalid JSON at column 500001: unclosed object or array")
        .stderr_has("first at deep.jsonl:5: field `status` is not a number");
    // The same values as elements of a JSON array. An unclosed one swallows the rest of the
    // file, which is then one malformed row.
    let array = format!("[{},\n{closed},\n{}]\n", row(0), row(2));
    dir.write("deep.json", &array);
    let run = corpus_report(&dir).log("deep.json").run();
    no_panic(&run);
    assert_eq!(accounting(&run), [3, 1, 0, 0, 2]);
    run.stderr_has("deep.json:2: malformed row skipped: expected a JSON object, found an array");
    let array = format!("[{},\n{},\n{deep_array}\n", row(0), row(2));
    dir.write("unclosed.json", &array);
    let run = corpus_report(&dir).log("unclosed.json").run();
    no_panic(&run);
    assert_eq!(accounting(&run), [3, 1, 0, 0, 2]);
    run.stderr_has(
        "unclosed.json:3: malformed row skipped: expected a JSON object, found an array",
    );
}

/// Lines with one defect each, in a field that the `agents` SLO reads and in fields that no
/// SLO reads (see [`a_json_row_is_malformed_by_its_own_bytes_whatever_the_slos_read`]): each
/// template's `@` is replaced by the defect and its `"T"` by a timestamp, and the reason and
/// column say what and where.
struct JsonDefect {
    templates: &'static [&'static str],
    defect: &'static [u8],
    /// Where in `defect` the error is found.
    offset: usize,
    reason: &'static str,
    /// Whether it can stand in an element of a JSON array (a defect that runs to the end of
    /// the line would run into the next element).
    in_arrays: bool,
}

const IN_STRINGS: &[&str] = &[
    r#"{"timestamp":"T","status":200,"ua":"x@","http":{"status":200}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","other":"x@","http":{"status":200}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","http":{"status":200,"agent":"x@"}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","meta":{"tags":["a",{"k":"x@"}]},"http":{"status":200}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","x@":1,"http":{"status":200}}"#,
];

const AS_VALUES: &[&str] = &[
    r#"{"timestamp":"T","status":200,"ua":@,"http":{"status":200}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","other":@,"http":{"status":200}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","http":{"status":200,"agent":@}}"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","meta":[{"k":@}],"http":{"status":200}}"#,
];

const AT_THE_END: &[&str] = &[
    r#"{"timestamp":"T","status":200,"http":{"status":200},"ua":@"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","http":{"status":200},"other":@"#,
    r#"{"timestamp":"T","status":200,"ua":"bot","http":{"status":200,"agent":@"#,
];

const JSON_DEFECTS: &[JsonDefect] = &[
    JsonDefect {
        templates: IN_STRINGS,
        defect: br"bad \q escape",
        offset: 4,
        reason: "bad escape",
        in_arrays: true,
    },
    JsonDefect {
        templates: IN_STRINGS,
        defect: br"\u12 truncated",
        offset: 0,
        reason: r"bad \u escape",
        in_arrays: true,
    },
    JsonDefect {
        templates: IN_STRINGS,
        defect: br"\uD800 alone",
        offset: 0,
        reason: "lone surrogate",
        in_arrays: true,
    },
    JsonDefect {
        templates: IN_STRINGS,
        defect: b"caf\xe9 latin-1",
        offset: 3,
        reason: "not UTF-8",
        in_arrays: true,
    },
    JsonDefect {
        templates: AS_VALUES,
        defect: br#"{"k" 1}"#,
        offset: 5,
        reason: "expected ':' after a key",
        in_arrays: true,
    },
    JsonDefect {
        templates: AS_VALUES,
        defect: b"[1 2]",
        offset: 3,
        reason: "expected ',' or ']' in an array",
        in_arrays: true,
    },
    JsonDefect {
        templates: AS_VALUES,
        defect: b"tru",
        offset: 0,
        reason: "unknown literal",
        in_arrays: true,
    },
    JsonDefect {
        templates: AT_THE_END,
        defect: br#""open}}"#,
        offset: 0,
        reason: "unterminated string",
        in_arrays: false,
    },
    JsonDefect {
        templates: &[r#"{"timestamp":"T","status":200,"ua":"bot"}@"#],
        defect: b" and more",
        offset: 1,
        reason: "text after the object",
        in_arrays: false,
    },
];

#[test]
fn a_json_row_is_malformed_by_its_own_bytes_whatever_the_slos_read() {
    // Issue 13: a defect in a string no selected SLO read made a row an event, while with the
    // SLO that read it selected, the row was malformed: `--slo` changed the row counts.
    let dir = corpus(&[]);
    dir.write(
        "fields.yaml",
        "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    alerts: []\n  - name: agents\n    objective: 99\n    windows: [1d]\n    filter: ua.contains(\"bot\")\n    good: http.status < 500\n    alerts: []\n",
    );
    let good =
        br#"{"timestamp":"2026-03-10T10:00:00Z","status":200,"ua":"bot","http":{"status":200}}"#;
    for case in JSON_DEFECTS {
        // Each line with where its defect is.
        let lines: Vec<(Vec<u8>, usize)> = case
            .templates
            .iter()
            .map(|template| {
                let template = template.replace(r#""T""#, r#""2026-03-10T10:00:00Z""#);
                let (before, after) = template.split_once('@').expect("a template has an @");
                let line = [before.as_bytes(), case.defect, after.as_bytes()].concat();
                (line, before.len() + case.offset)
            })
            .collect();
        let mut logs = vec![("log.jsonl", [good.as_slice(), b"\n"].concat(), "column")];
        for (line, _) in &lines {
            logs[0].1.extend_from_slice(line);
            logs[0].1.push(b'\n');
        }
        if case.in_arrays {
            let elements: Vec<&[u8]> = lines.iter().map(|(line, _)| line.as_slice()).collect();
            let array = [
                b"[".as_slice(),
                good,
                b",\n",
                &elements.join(&b",\n"[..]),
                b"\n]\n",
            ];
            logs.push(("log.json", array.concat(), "character"));
        }
        for (name, log, position) in logs {
            dir.write(name, &log);
            let expected: Vec<String> = lines
                .iter()
                .enumerate()
                .map(|(i, (_, at))| {
                    format!(
                        "{name}:{}: malformed row skipped: invalid JSON at {position} {}{}: ",
                        i + 2,
                        at + 1,
                        if position == "character" {
                            " of the value"
                        } else {
                            ""
                        },
                    )
                })
                .collect();
            for selection in [&[][..], &["--slo", "api"], &["--slo", "agents"]] {
                for threads in ["1", "2"] {
                    let run = dir
                        .report()
                        .spec("fields.yaml")
                        .log(name)
                        .at(AT)
                        .max_malformed("100%")
                        .threads(threads)
                        .args(selection)
                        .run();
                    no_panic(&run);
                    let [rows, malformed, ..] = accounting(&run);
                    assert_eq!(
                        (rows, malformed),
                        (1 + lines.len() as u64, lines.len() as u64),
                        "{}\n{run}",
                        case.reason
                    );
                    let stderr = run.stderr();
                    let skipped: Vec<&str> = stderr
                        .lines()
                        .filter(|l| l.contains("malformed row skipped"))
                        .collect();
                    assert_eq!(skipped.len(), expected.len(), "{run}");
                    for (line, expected) in skipped.iter().zip(&expected) {
                        assert!(
                            line.contains(expected.as_str()) && line.contains(case.reason),
                            "expected {expected:?}… {:?}\n{run}",
                            case.reason
                        );
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Values

#[test]
fn timestamps_out_of_range_or_with_odd_offsets() {
    let dir = corpus(&["timestamps.csv"]);
    let run = corpus_report(&dir).log("timestamps.csv").run();
    // In the window: +05:30, +14:00, +05:45, a leap second, Unix seconds and nanoseconds.
    // Outside: -12:00 (after the instant), +23:59 (before the window), -1 (1969).
    // Malformed: +24:00, year 9999, year 1677, 30 February, 10^22 nanoseconds.
    assert_eq!(accounting(&run), [14, 5, 3, 0, 6]);
    assert_eq!(api(&run), [6, 6, 0, 0]);
    run.stderr_has("timestamps.csv:8: malformed row skipped: timestamp '2026-03-10T00:00:00+24:00' invalid UTC offset (up to +/-23:59)")
        .stderr_has("timestamps.csv:9: malformed row skipped: timestamp '9999-12-31T23:59:59Z' out of range (slo reads times from 1677-09-21 to 2262-04-11)")
        .stderr_has("timestamps.csv:11: malformed row skipped: timestamp '2026-02-30T10:00:00Z' day out of range for the month");
}

#[test]
fn nan_huge_and_negative_zero_numbers() {
    let dir = corpus(&["numbers.csv"]);
    let run = corpus_report(&dir).log("numbers.csv").run();
    // -0 and " 200 " are good; NaN, inf, 0x1F4 and an empty field are not numbers, and 1e400
    // and -1e400 are past what exact arithmetic holds (38 digits): all invalid for the SLO, as
    // they are for `sum()` and `x + 0`.
    assert_eq!(accounting(&run), [8, 0, 0, 0, 8]);
    assert_eq!(api(&run), [2, 2, 0, 6]);
    run.stderr_has("SLO api: 6 rows invalid (counted in `invalid`, not in the SLI); first at numbers.csv:2: field `status` is not a number");
}

// ---------------------------------------------------------------------------------------------
// Specs

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let dir = corpus(&["alias-bomb.yaml", "alias-to-itself.yaml"]);
    let run = dir.run(&["validate", "alias-bomb.yaml"]);
    no_panic(&run);
    run.expect_code(2)
        .stderr_has("alias-bomb.yaml:")
        .stderr_has("expands to more than 100000 values once aliases are resolved");
    assert!(run.elapsed < Duration::from_secs(10), "{run}");
    small_memory(&run);
    dir.run(&["validate", "alias-to-itself.yaml"])
        .expect_code(2)
        .stderr_has("alias-to-itself.yaml:3:12: ")
        .stderr_has("define the anchor (&name) before the alias (*name)");
}

#[test]
fn a_50000_deep_expression_is_refused_with_its_position() {
    let dir = corpus(&[]);
    let slo = |good: &str| {
        format!("version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1d]\n    good: {good}\n")
    };
    dir.write(
        "parens.yaml",
        slo(&format!("{}status < 500", "(".repeat(50_000))),
    );
    dir.write("nots.yaml", slo(&format!("'{}ok'", "!".repeat(50_000))));
    dir.write("words.yaml", slo(&"not ".repeat(50_000)));
    dir.write(
        "yaml-deep.yaml",
        format!("version: 1\nslos: {}\n", "[".repeat(50_000)),
    );
    for (name, message) in [
        ("parens.yaml", "parens.yaml:6:111: in `good`: expression nests too deeply (more than 100 levels of parentheses, 'not' and '-')"),
        ("nots.yaml", "nots.yaml:6:112: in `good`: expression nests too deeply"),
        ("words.yaml", "words.yaml:6:11: in `good`"),
        ("yaml-deep.yaml", "yaml-deep.yaml:2:"),
    ] {
        let run = dir.run(&["validate", name]);
        no_panic(&run);
        run.expect_code(2).stderr_has(message);
        let run = dir.run(&["report", "-s", name, "--at", AT, "-"]);
        no_panic(&run);
        run.expect_code(2).stderr_has(message);
    }
}

#[test]
fn a_regex_that_would_backtrack_is_linear() {
    let dir = corpus(&["regex-redos.yaml", "regex-too-big.yaml"]);
    // 200 rows of 50 000 'a's and a '!': a backtracking engine takes 2^50000 steps per row.
    let a = "a".repeat(50_000);
    let mut log = String::from("timestamp,path\n");
    for i in 0..200 {
        log.push_str(&format!("2026-03-10T10:00:{:02}Z,{a}!\n", i % 60));
    }
    dir.write("paths.csv", &log);
    let run = dir
        .report()
        .spec("regex-redos.yaml")
        .log("paths.csv")
        .at(AT)
        .run();
    assert_eq!(accounting(&run), [200, 0, 0, 0, 200]);
    assert_eq!(api(&run), [200, 0, 200, 0]);
    assert!(run.elapsed < Duration::from_secs(20), "{run}");
    // A regex too big to compile is a spec error with its position.
    dir.run(&["validate", "regex-too-big.yaml"])
        .expect_code(2)
        .stderr_has("regex-too-big.yaml:6:");
}

// ---------------------------------------------------------------------------------------------
// Terminal injection

/// Bytes that a request can carry into a log and that must never reach a person's terminal
/// raw: a colour escape, a title-setting OSC sequence ended by BEL, a line break, a
/// right-to-left override.
const HOSTILE: [(&str, &str); 4] = [
    ("\u{1b}[31mRED", "\\x1b[31mRED"),
    ("\u{1b}]0;pwned\u{7}", "\\x1b]0;pwned\\x07"),
    ("two\nlines", "two\\nlines"),
    ("abc\u{202e}fed", "abc\\u{202e}fed"),
];

/// Whether `text` holds a character that must not reach a terminal raw (line breaks aside).
fn raw_control(text: &str) -> Option<char> {
    text.chars().find(|&c| {
        (c.is_control() && c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    })
}

#[test]
fn hostile_bytes_in_values_paths_and_field_names_never_reach_a_terminal_raw() {
    let dir = Workdir::new();
    // A field name with an escape sequence (grouped by, so it is printed), and one that every
    // row lacks, so that its name is quoted in a warning.
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: hostile\n    objective: 99\n    windows: [1d]\n    \
         good: status < 500\n    group_by: [\"path\\e[1m\"]\n  - name: lacks\n    objective: 99\n    \
         windows: [1d]\n    good: \"field(\\\"gone\\e[2J\\\") < 500\"\n",
    );
    let mut log = String::from("timestamp,\"path\u{1b}[1m\",status\n");
    for (value, _) in HOSTILE {
        log.push_str(&format!("2026-03-10T11:00:00Z,\"{value}\",503\n"));
    }
    // A malformed row, so that the file's name and the bad bytes are quoted in a warning.
    log.push_str("2026-03-10T11:00:00Z\u{1b}[2J,/x,200\n");
    let name = "logs\u{1b}[7m\nnewline.csv";
    dir.write(name, &log);
    let run_as = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["-s", "spec.yaml", "--at", AT, "--color", "never"]);
        all.extend(["--max-malformed", "100%", name]);
        dir.run(&all)
    };

    for args in [
        &["report"][..],
        &["report", "-f", "markdown"],
        &["check", "--fail-on", "exhausted"],
    ] {
        let run = run_as(args);
        no_panic(&run);
        let (stdout, stderr) = (run.stdout(), run.stderr());
        for (what, text) in [("stdout", &stdout), ("stderr", &stderr)] {
            assert_eq!(
                raw_control(text),
                None,
                "raw control character on {what}\n{run}"
            );
        }
        // Each value is shown, escaped (and in Markdown, with Markdown's own escapes too).
        let markdown = args.contains(&"markdown");
        let shown_as = |text: &str| {
            if markdown {
                text.replace('\\', "\\\\")
                    .replace('[', "\\[")
                    .replace(']', "\\]")
            } else {
                text.to_string()
            }
        };
        for (_, shown) in HOSTILE {
            let shown = shown_as(shown);
            assert!(stdout.contains(&shown), "{shown} not shown\n{run}");
        }
        let field = shown_as("path\\x1b[1m=");
        assert!(stdout.contains(&field), "field name not shown\n{run}");
        assert!(
            stderr.contains("logs\\x1b[7m\\nnewline.csv:7"),
            "path not escaped\n{run}"
        );
        assert!(
            stderr.contains("gone\\x1b[2J"),
            "field name not escaped\n{run}"
        );
        assert!(
            !stderr.contains("\nnewline.csv"),
            "path broke a line\n{run}"
        );
    }

    // The machine formats keep the exact values.
    let report = run_as(&["report", "-f", "json"]).report();
    let values: Vec<&str> = report
        .results
        .iter()
        .filter_map(|r| r.group_value("path\u{1b}[1m"))
        .collect();
    for (value, _) in HOSTILE {
        assert!(
            values.contains(&value),
            "{value:?} not exact in JSON: {values:?}"
        );
    }
    assert_eq!(report.inputs.files[0], name);

    let csv = run_as(&["report", "-f", "csv"]);
    let mut reader = csv::Reader::from_reader(csv.output.stdout.as_slice());
    let header = reader.headers().expect("csv header").clone();
    let column = header
        .iter()
        .position(|h| h.contains("path\u{1b}[1m"))
        .unwrap_or_else(|| panic!("no group column in {header:?}\n{csv}"));
    let cells: Vec<String> = reader
        .records()
        .map(|r| r.expect("csv record")[column].to_string())
        .collect();
    for (value, _) in HOSTILE {
        assert!(
            cells.iter().any(|c| c == value),
            "{value:?} not exact in CSV: {cells:?}"
        );
    }

    let junit = run_as(&["report", "-f", "junit"]);
    roxmltree::Document::parse(&junit.stdout()).unwrap_or_else(|e| panic!("junit: {e}\n{junit}"));

    let prometheus = run_as(&["report", "-f", "prometheus", "-o", "metrics.prom"]);
    prometheus.expect_code(0);
    if let Ok(output) = std::process::Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::fs::File::open(dir.path().join("metrics.prom")).expect("metrics"))
        .output()
    {
        assert!(
            output.status.success(),
            "promtool rejects the metrics: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

#[test]
fn a_real_group_named_other_and_a_missing_value_stay_series_of_their_own() {
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-ua\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [ua]\n    alerts: []\n",
    );
    // A client whose user agent is the text "(other)", a browser, ten bots (one shown past
    // --max-groups 3, nine folded), then one row with an empty user agent and one without the
    // field at all.
    let mut log = String::new();
    let row = |ua: &str, status: u32| {
        format!("{{\"timestamp\":\"2026-03-10T10:00:00Z\",\"ua\":\"{ua}\",\"status\":{status}}}\n")
    };
    for _ in 0..5 {
        log.push_str(&row("(other)", 200));
    }
    for _ in 0..4 {
        log.push_str(&row("Firefox", 200));
    }
    for bot in 0..10 {
        log.push_str(&row(&format!("bot-{bot}"), 503));
    }
    let report = || dir.report().spec("groups.yaml").log("log.jsonl").at(AT);
    dir.write("log.jsonl", &log);
    let metrics = report()
        .format("prometheus")
        .args(&["--max-groups", "3"])
        .run();
    metrics.expect_code(0);
    let text = metrics.stdout();
    assert!(
        text.contains(r#"slo_events{slo="per-ua",window="1d",ua="(other)"} 5"#),
        "{text}"
    );
    assert!(
        text.contains(r#"slo_events{slo="per-ua",window="1d",ua="(other)",folded="true"} 9"#),
        "{text}"
    );
    assert!(
        text.contains(r#"slo_status{slo="per-ua",window="1d",ua="(other)",folded="true",status="exhausted"} 1"#),
        "{text}"
    );
    let csv = report().format("csv").args(&["--max-groups", "3"]).run();
    csv.expect_code(0);
    let mut reader = csv::Reader::from_reader(csv.output.stdout.as_slice());
    let header = reader.headers().expect("header").clone();
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let rows: Vec<(String, String)> = reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (
                r[at("group.ua")].to_string(),
                r[at("folded.groups")].to_string(),
            )
        })
        .collect();
    assert!(
        rows.contains(&("(other)".to_string(), String::new())),
        "{rows:?}"
    );
    assert!(
        rows.contains(&("(other)".to_string(), "9".to_string())),
        "{rows:?}"
    );

    // An empty value and a missing one are two groups, and two series.
    log.push_str(&row("", 200));
    log.push_str("{\"timestamp\":\"2026-03-10T10:00:00Z\",\"status\":503}\n");
    dir.write("log.jsonl", &log);
    let metrics = report().format("prometheus").run();
    let text = metrics.stdout();
    assert!(
        text.contains(r#"slo_events{slo="per-ua",window="1d",ua=""} 1"#),
        "{text}"
    );
    assert!(
        text.contains(r#"slo_events{slo="per-ua",window="1d",ua="",missing="ua"} 1"#),
        "{text}"
    );
}

#[test]
fn a_history_past_the_memory_bound_shows_the_busiest_groups_at_every_instant() {
    // Over two days, six routes take turns being busy (route k from hour 8k, for eight hours,
    // 200 requests) among 3 000 paths a scanner asked for once each. --max-groups 3 keeps 12
    // groups in memory: the routes are found by a second read, and at every instant of the
    // history the groups shown are the first of the exact order for the day before it.
    let dir = corpus(&[]);
    dir.write(
        "groups.yaml",
        "version: 1\nslos:\n  - name: per-path\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [path]\n    alerts: []\n",
    );
    let time = |seconds: u64| {
        format!(
            "2026-03-{:02}T{:02}:{:02}:{:02}Z",
            9 + seconds / 86_400,
            seconds / 3600 % 24,
            seconds / 60 % 60,
            seconds % 60
        )
    };
    let mut rows: Vec<(u64, String)> = Vec::new();
    for route in 0..6u64 {
        for i in 0..200 {
            let at = route * 8 * 3600 + 7 + i * 143;
            rows.push((at, format!("/api/route-{route}")));
        }
    }
    for i in 0..3000u64 {
        rows.push((
            13 + (i * 57_601) % (2 * 86_400 - 20),
            format!("/scan/{i:04}"),
        ));
    }
    let mut log = String::from("timestamp,path,status\n");
    for (at, path) in &rows {
        log.push_str(&format!("{},{path},200\n", time(*at)));
    }
    dir.write("scan.csv", &log);
    let run = dir
        .report()
        .spec("groups.yaml")
        .log("scan.csv")
        .args(&[
            "--from",
            "2026-03-09T12:00:00Z",
            "--to",
            "2026-03-11T00:00:00Z",
            "--every",
            "6h",
            "--max-groups",
            "3",
        ])
        .run();
    no_panic(&run);
    run.expect_code(0);
    let history = run.json();
    let reports = history["history"].as_array().expect("a history");
    assert_eq!(reports.len(), 7);
    for report in reports {
        let at = report["evaluated_at"]
            .as_str()
            .expect("an instant")
            .to_string();
        // The exact first-window events of every path at this instant: (at − 1d, at].
        let mut exact: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
        for (seconds, path) in &rows {
            let t = time(*seconds);
            let end = at.trim_end_matches('Z').to_string() + "Z";
            let start = {
                let day: u64 = at[8..10].parse().expect("a day");
                format!("2026-03-{:02}{}", day - 1, &at[10..])
            };
            if t.as_str() > start.as_str() && t.as_str() <= end.as_str() {
                *exact.entry(path.as_str()).or_default() += 1;
            }
        }
        let mut ranked: Vec<(&str, u64)> = exact.into_iter().collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let results = report["results"].as_array().expect("results");
        let shown: Vec<(&str, u64)> = results
            .iter()
            .filter(|r| r["folded"].is_null())
            .map(|r| {
                (
                    r["group"]["path"].as_str().expect("a path"),
                    r["total"].as_u64().expect("a total"),
                )
            })
            .collect();
        let mut head: Vec<(&str, u64)> = ranked.iter().take(shown.len()).copied().collect();
        head.sort_unstable();
        let mut sorted = shown.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, head, "at {at}");
        // Every route with events that day is among the groups shown, up to three.
        let busy = ranked.iter().filter(|r| r.1 > 10).count();
        assert_eq!(shown.len(), busy.min(3), "at {at}: {shown:?}");
        let total: u64 = results
            .iter()
            .map(|r| r["total"].as_u64().expect("a total"))
            .sum();
        assert_eq!(total, ranked.iter().map(|r| r.1).sum::<u64>(), "at {at}");
    }
}

/// A stray `"` in a CSV opens a quoted field that swallows the lines after it, up to the next
/// quote or the end of the file. The lines swallowed are counted, each as a malformed row, so
/// that `--max-malformed` sees them: before, 200 000 requests passed as one row. The same on
/// one thread and on several, whose chunks cut the file between quotes.
#[test]
fn an_unbalanced_quote_counts_every_line_it_swallows() {
    let dir = corpus(&[]);
    let swallowed = 200_000;
    let head =
        "timestamp,status,route\n2026-03-10T10:00:00Z,200,/a\n2026-03-10T10:00:01Z,500,\"/b\n";
    let mut never_closed = String::from(head);
    for _ in 0..swallowed {
        never_closed.push_str("2026-03-10T10:00:02Z,200,/r\n");
    }
    dir.write("never_closed.csv", &never_closed);
    // Closed by a quote 10 lines on: one record of 11 lines (and 5 fields); the rest is read.
    let mut closed_later = String::from(head);
    for i in 0..swallowed {
        closed_later.push_str(if i == 9 {
            "end\",200,/z\n"
        } else {
            "2026-03-10T10:00:02Z,200,/r\n"
        });
    }
    dir.write("closed_later.csv", &closed_later);
    for threads in ["1", "2"] {
        let run = corpus_report(&dir)
            .log("never_closed.csv")
            .threads(threads)
            .run();
        // rows, malformed, outside_windows, unselected, matched
        assert_eq!(
            accounting(&run),
            [swallowed + 2, swallowed + 1, 0, 0, 1],
            "{run}"
        );
        run.stderr_has(&format!(
            "never_closed.csv:3: malformed row skipped: a quoted field opened in this record is \
             never closed: an unbalanced quote; it spans {} lines, each counted as a malformed row",
            swallowed + 1
        ));
        let run = corpus_report(&dir)
            .log("closed_later.csv")
            .threads(threads)
            .run();
        assert_eq!(
            accounting(&run),
            [swallowed + 2, 11, 0, 0, swallowed - 9],
            "{run}"
        );
        run.stderr_has(
            "closed_later.csv:3: malformed row skipped: 5 fields where the header has 3; it \
             spans 11 lines, each counted as a malformed row",
        );
        // Under the default limit the run stops, and --strict at the quote.
        dir.report()
            .log("never_closed.csv")
            .at(AT)
            .threads(threads)
            .run()
            .expect_code(2)
            .stderr_has("of the rows read are malformed");
        dir.report()
            .log("never_closed.csv")
            .at(AT)
            .threads(threads)
            .args(&["--strict"])
            .run()
            .expect_code(2)
            .stderr_has("never_closed.csv:3: malformed row: a quoted field opened in this record is never closed");
    }
    // A line break inside quotes, as CSV writers write one, is still one row.
    dir.write(
        "written.csv",
        "timestamp,status,route\n2026-03-10T10:00:00Z,200,\"/a\nb\"\n2026-03-10T10:00:01Z,500,/c\n",
    );
    assert_eq!(
        accounting(&corpus_report(&dir).log("written.csv").run()),
        [2, 0, 0, 0, 2]
    );
}

/// Runs of NUL bytes where a log starts again (logrotate's `copytruncate` when the writer kept
/// its offset) or where it stops (a crash) are filler, skipped as blank lines are, whether the
/// run fills the first block or not, on one thread or two, from a file or standard input
/// redirected from one; a NUL inside one line of text is that line's, not the file's. A file
/// of noise is still refused as binary (`a_binary_file_is_refused`).
#[test]
fn nul_filler_from_copytruncate_or_a_crash_is_skipped() {
    let dir = corpus(&[]);
    let mut rows = String::from("timestamp,status\n");
    for second in 0..100 {
        rows.push_str(&format!(
            "2026-03-10T10:00:{:02}Z,{}\n",
            second % 60,
            if second % 10 == 0 { 500 } else { 200 }
        ));
    }
    let (header, body) = rows.split_once('\n').expect("a header");
    let mut copytruncated = vec![0u8; 200_000];
    copytruncated.extend_from_slice(rows.as_bytes());
    dir.write("copytruncated.csv", &copytruncated);
    let mut crashed = rows.clone().into_bytes();
    crashed.extend_from_slice(&[0; 4096]);
    dir.write("crashed.csv", &crashed);
    // A hole between two rows, and a NUL inside one row's field no SLO reads.
    let mut holed = format!("{header},note\n").into_bytes();
    for (i, line) in body.lines().enumerate() {
        if i == 50 {
            holed.extend_from_slice(&[0; 5000]);
        }
        holed.extend_from_slice(line.as_bytes());
        holed.extend_from_slice(if i == 20 { b",a\0b\n" } else { b",-\n" });
    }
    dir.write("holed.csv", &holed);
    for name in ["copytruncated.csv", "crashed.csv", "holed.csv"] {
        for threads in ["1", "2"] {
            let run = corpus_report(&dir).log(name).threads(threads).run();
            assert_eq!(accounting(&run), [100, 0, 0, 0, 100], "{run}");
            assert_eq!(api(&run), [100, 90, 10, 0], "{run}");
        }
    }
    let from_stdin = crate::workdir::slo_command(
        dir.path(),
        &["report", "-s", "spec.yaml", "-", "--at", AT, "-f", "json"],
    )
    .stdin(std::fs::File::open(dir.path().join("copytruncated.csv")).expect("the log"))
    .output()
    .expect("slo runs");
    let report: serde_json::Value = serde_json::from_slice(&from_stdin.stdout).expect("a report");
    assert_eq!(
        report["inputs"]["rows"],
        100,
        "{}",
        String::from_utf8_lossy(&from_stdin.stderr)
    );
}
