//! The table's sparkline of the budget left over each result's window: its points are the
//! budget left that `report --at` gives at instants evenly spaced across the window.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::report::SloResult;
use crate::workdir::{slo_command, Running, Workdir};

const AT: &str = "2026-03-10T12:00:00Z";

/// Budget left from low to high, in eighths (docs/output-formats.md).
const BLOCKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/// Three SLOs whose names leave room for the sparklines in 100 columns: a rolling day grouped
/// by route, a calendar day in Europe/Berlin (which began at 2026-03-09T23:00:00Z), and a
/// rolling 6 hours of one-minute slices.
const SPEC: &str = "version: 1
slos:
  - name: api
    objective: 95
    windows: [1d]
    good: status < 500
    group_by: [route]
    alerts: []
  - name: api-today
    objective: 95
    windows: [{calendar: day, timezone: Europe/Berlin}]
    good: status < 500
    alerts: []
  - name: minutes
    objective: 90
    windows: [6h]
    budgeting: timeslices
    timeslice: {length: 1m, objective: 80}
    good: status < 500
    alerts: []
";

/// Two days of requests before [`AT`], every 7 minutes, with bursts of errors at different
/// times on each route, so that the budget left rises and falls across the windows.
fn log() -> String {
    let at: DateTime<Utc> = AT.parse().expect("an instant");
    let mut log = String::from("timestamp,route,status\n");
    for step in 1..=(2 * 24 * 60 / 7) {
        let time = at - chrono::Duration::minutes(7 * step);
        let hour = step * 7 / 60;
        for (route, bad_hours) in [("/a", 26..31), ("/b", 5..7), ("/c", 40..48)] {
            let status = if bad_hours.contains(&hour) && step % 3 != 0 {
                503
            } else {
                200
            };
            log.push_str(&format!(
                "{},{route},{status}\n",
                time.to_rfc3339_opts(SecondsFormat::Secs, true)
            ));
        }
    }
    log
}

fn shop() -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", log());
    dir
}

/// The character the table draws for a result's budget at one instant.
fn expected_glyph(result: &SloResult) -> char {
    match result.error_budget.remaining {
        None => '·',
        Some(_) if result.status == "exhausted" => '!',
        // Level k holds (k/8, (k+1)/8].
        Some(remaining) => *BLOCKS
            .iter()
            .zip(1..)
            .find(|&(_, eighths)| remaining * 8.0 <= f64::from(eighths))
            .map_or(&BLOCKS[7], |(block, _)| block),
    }
}

/// The sparkline of a table line: the word of eight sparkline characters.
fn sparkline_of(line: &str) -> Option<String> {
    line.split_whitespace()
        .find(|word| {
            word.chars().count() == 8
                && word
                    .chars()
                    .all(|c| BLOCKS.contains(&c) || c == '!' || c == '·')
        })
        .map(str::to_string)
}

/// The instants of a result's trend: eight evenly spaced across its window, the last its end.
fn instants(result: &SloResult) -> Vec<String> {
    let start: DateTime<Utc> = result.start.parse().expect("an instant");
    let end: DateTime<Utc> = result.end.parse().expect("an instant");
    let span = (end - start).num_nanoseconds().expect("a window of days");
    (1..=8)
        .map(|i| {
            (start + chrono::Duration::nanoseconds(span * i / 8))
                .to_rfc3339_opts(SecondsFormat::AutoSi, true)
        })
        .collect()
}

#[test]
fn each_sparkline_point_is_the_budget_left_at_its_instant() {
    let dir = shop();
    let table = dir.report().log("log.csv").at(AT).format("table").run();
    let table = table.expect_code(0).stdout();
    let report = dir.report().log("log.csv").at(AT).json_report();
    let lines: Vec<&str> = table
        .lines()
        .filter(|l| sparkline_of(l).is_some())
        .collect();
    assert_eq!(
        lines.len(),
        report.results.len(),
        "a sparkline per result\n{table}"
    );
    let mut marks = String::new();
    for (line, result) in lines.iter().zip(&report.results) {
        let drawn = sparkline_of(line).expect("a sparkline");
        let expected: String = instants(result)
            .iter()
            .map(|instant| {
                let at = dir.report().log("log.csv").at(instant).json_report();
                let same = at
                    .results
                    .iter()
                    .find(|r| r.slo == result.slo && r.group == result.group)
                    .unwrap_or_else(|| panic!("{} {:?} at {instant}", result.slo, result.group));
                expected_glyph(same)
            })
            .collect();
        assert_eq!(
            drawn, expected,
            "{} {:?}\n{table}",
            result.slo, result.group
        );
        marks.push_str(&drawn);
    }
    // The fixture draws spent budgets, budgets left at several levels and a full one.
    assert!(marks.contains('!') && marks.contains('█'), "{table}");
    let levels = BLOCKS.iter().filter(|b| marks.contains(**b)).count();
    assert!(levels >= 4, "{table}");
}

/// Where the locale is not UTF-8 (LC_ALL, then LC_CTYPE, then LANG, as the C library reads
/// them), the same sparklines are drawn in ASCII.
#[test]
fn an_ascii_locale_gets_ascii_sparklines() {
    let dir = shop();
    let table = |vars: &[(&str, &str)]| {
        let args = [
            "report",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "--color",
            "never",
        ];
        let mut command = slo_command(dir.path(), &args);
        for (name, value) in vars {
            command.env(name, value);
        }
        let run = Running::start(command, &args, false).finish();
        run.expect_code(0).stdout()
    };
    let unicode = table(&[]);
    let ascii = table(&[("LC_ALL", ""), ("LC_CTYPE", "C"), ("LANG", "en_US.UTF-8")]);
    // Only the sparklines change: the rest of the table (its rule, `–`, `×`) is as it is in
    // every locale.
    assert!(!ascii.contains(BLOCKS) && !ascii.contains('·'), "{ascii}");
    let translated: String = unicode
        .chars()
        .map(|c| match BLOCKS.iter().position(|&b| b == c) {
            Some(level) => ['_', '-', '~', '=', '+', '*', '#', '@'][level],
            None if c == '·' => '.',
            None => c,
        })
        .collect();
    assert_eq!(ascii, translated);
    assert_eq!(table(&[("LC_ALL", ""), ("LANG", "de_DE.utf8")]), unicode);
}

/// Other formats carry no sparkline; a table with no room for them leaves out an `EMPTY IN`
/// column of dashes first, then the sparklines.
#[test]
fn sparklines_are_drawn_only_where_they_fit() {
    let dir = shop();
    let table = |name: &str| {
        dir.write(
            "named.yaml",
            SPEC.replace("name: api\n", &format!("name: {name}\n")),
        );
        let run = dir
            .report()
            .spec("named.yaml")
            .log("log.csv")
            .at(AT)
            .format("table")
            .run();
        run.expect_code(0).stdout()
    };
    // 21 characters: no budget runs out within its window (`EMPTY IN` is all dashes), and
    // without that column the sparklines fit in 100 columns.
    let fits = table("availability-by-route");
    assert!(fits.lines().all(|l| l.chars().count() <= 100), "{fits}");
    assert!(fits.lines().any(|l| sparkline_of(l).is_some()), "{fits}");
    assert!(!fits.contains("EMPTY IN"), "{fits}");
    // 30 characters: no room even then; the table is the one without sparklines.
    let wide = table("availability-by-route-and-zone");
    assert!(!wide.lines().any(|l| sparkline_of(l).is_some()), "{wide}");
    assert!(wide.contains("EMPTY IN"), "{wide}");
    let markdown = dir.report().log("log.csv").at(AT).format("markdown").run();
    assert!(!markdown.expect_code(0).stdout().contains('█'));
}

#[test]
fn table_with_sparklines() {
    let dir = shop();
    let run = dir
        .report()
        .log("log.csv")
        .at(AT)
        .format("table")
        .args(&["--color", "never"])
        .run();
    insta::assert_snapshot!(run.expect_code(0).stdout());
}
