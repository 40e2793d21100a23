//! `report -f html`: the markup (snapshot), escaping of hostile values, identical bytes on every
//! run, and the page as a browser shows it — headless Chromium reads the DOM and takes a
//! screenshot that must not be blank.

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::workdir::{run_in, Workdir};

const AT: &str = "2026-10-15T23:59:02.383Z";

/// A day of a small grouped service: route `/a` fails at noon, route `/b` has one invalid row.
fn small_shop(dir: &Workdir) {
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    service: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,route,status\n\
         2026-03-09T01:00:00Z,/a,200\n2026-03-09T07:00:00Z,/a,200\n2026-03-09T12:00:00Z,/a,503\n\
         2026-03-09T12:05:00Z,/a,503\n2026-03-09T18:00:00Z,/a,200\n2026-03-09T03:00:00Z,/b,200\n\
         2026-03-09T09:00:00Z,/b,oops\n2026-03-09T20:00:00Z,/b,200\n",
    );
}

/// The page of [`small_shop`]'s history from the start of its day to `to`, every 6 hours.
fn small_history_page(dir: &Workdir, to: &str) -> crate::workdir::Run {
    dir.report()
        .log("log.csv")
        .format("html")
        .args(&[
            "--from",
            "2026-03-09T00:00:00Z",
            "--to",
            to,
            "--every",
            "6h",
        ])
        .run()
}

/// The page prints its warnings once, from its last instant, also when `--to` falls between
/// two steps of `--every` (before, no instant was `--to`, and every warning was lost).
#[test]
fn a_history_off_the_step_grid_keeps_its_warnings() {
    let dir = Workdir::new();
    small_shop(&dir);
    let run = small_history_page(&dir, "2026-03-09T23:00:00Z");
    run.expect_code(0).stderr_has(
        "warning: SLO shop: 1 row invalid (counted in `invalid`, not in the SLI); first at log.csv:8",
    );
}

#[test]
fn markup_of_a_small_history() {
    let dir = Workdir::new();
    small_shop(&dir);
    let run = small_history_page(&dir, "2026-03-10T00:00:00Z");
    run.expect_code(0);
    insta::assert_snapshot!(run.stdout());
}

#[test]
fn the_same_input_gives_the_same_bytes_on_any_thread_count() {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let page = |threads: &str| {
        let run = run_in(
            repo,
            &["report", "--at", AT, "-f", "html", "--threads", threads],
        );
        run.expect_code(0);
        run.output.stdout
    };
    let one = page("1");
    assert!(one.starts_with(b"<!DOCTYPE html>"));
    assert_eq!(one, page("1"));
    assert_eq!(one, page("2"));
}

#[test]
fn standard_input_is_read_for_every_chart() {
    let dir = Workdir::new();
    small_shop(&dir);
    let args = |log: &'static str| {
        [
            "report",
            "-s",
            "spec.yaml",
            "--at",
            "2026-03-09T22:00:00Z",
            "-f",
            "html",
            log,
        ]
    };
    let from_file = dir.run(&args("log.csv"));
    from_file.expect_code(0);
    let log = std::fs::read(dir.path().join("log.csv")).expect("the log");
    let from_stdin = dir.run_with_stdin(&args("-"), Some(&log));
    from_stdin.expect_code(0);
    assert!(from_file.stdout().contains("class=\"bar-bad\" x="));
    assert_eq!(from_stdin.stdout(), from_file.stdout());
}

/// Five-minute slices in a one-hour window: each step holds whole slices (a one-minute step
/// would hold none), and the bars add up to the window's slices.
#[test]
fn time_slices_are_counted_whole_in_each_step() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: minutes\n    objective: 99\n    windows: [1h]\n    good: status < 500\n    budgeting: timeslices\n    timeslice: {length: 5m, objective: 95}\n    alerts: []\n",
    );
    dir.write(
        "log.csv",
        "timestamp,status\n2026-03-09T12:01:00Z,503\n2026-03-09T12:31:00Z,200\n",
    );
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-03-09T13:00:00Z",
        "-f",
        "html",
    ]);
    run.expect_code(0);
    assert!(run.stdout().contains(
        "Good and bad time slices in each 5m step: 11 good and 1 bad in 12 steps; at most 1 in \
         one step."
    ));
}

#[test]
fn hostile_group_values_cannot_inject_markup() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    group_by: [route]\n",
    );
    dir.write(
        "log.csv",
        "timestamp,route,status\n\
         2026-03-09T01:00:00Z,\"</title><script>alert(1)</script><img src=x onerror=alert(2)>\",200\n\
         2026-03-09T02:00:00Z,\"\"\"'><svg onload=alert(3)>&amp;\",503\n",
    );
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-03-09T12:00:00Z",
        "-f",
        "html",
    ]);
    run.expect_code(0);
    let page = run.stdout();
    for injected in [
        "<script",
        "<img",
        "<svg onload",
        "onerror=alert(2)>",
        "&amp;\"",
    ] {
        assert!(!page.contains(injected), "{injected} reached the page");
    }
    assert!(page.contains("&lt;/title&gt;&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(page.contains("&quot;&#39;&gt;&lt;svg onload=alert(3)&gt;&amp;amp;"));
    if let Some(browser) = chromium() {
        let file = dir.path().join("page.html");
        std::fs::write(&file, &page).expect("write the page");
        let dom = dump_dom(&browser, &file);
        assert!(
            !dom.contains("<script"),
            "the browser built a script element"
        );
        assert!(!dom.contains("<img"), "the browser built an img element");
    }
}

/// A calendar window lists the periods before the current one with their SLI and whether it met
/// the objective, decided exactly (an SLI equal to the objective meets it, though its budget is
/// spent), as the report at each period's last instant gives them; from the same count of the
/// logs as the charts.
#[test]
fn past_calendar_periods_are_met_or_missed() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: monthly\n    objective: 99\n    \
         windows: [{calendar: month, timezone: UTC}]\n    good: status < 500\n    alerts: []\n",
    );
    // January: 1 bad in 100 (exactly 99 %, met); February: 2 bad in 100 (missed); March: none;
    // April (current): all good.
    let mut log = String::from("timestamp,status\n");
    for (month, bad) in [(1, 1), (2, 2), (4, 0)] {
        for i in 0..100 {
            let status = if i < bad { 503 } else { 200 };
            log.push_str(&format!(
                "2026-{month:02}-{:02}T{:02}:00:00Z,{status}\n",
                1 + i % 27,
                i % 24
            ));
        }
    }
    dir.write("log.csv", &log);
    let at = "2026-04-28T12:00:00Z";
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        at,
        "-f",
        "html",
    ]);
    let page = run.expect_code(0).stdout();
    let row = |name: &str| {
        let start = page
            .find(&format!("<tr><td>{name}</td>"))
            .unwrap_or_else(|| panic!("no row for {name}\n{page}"));
        page[start..].lines().next().unwrap_or_default().to_string()
    };
    for (name, sli, events, verdict) in [
        ("2026-01", "99 %", "1/100", "✔ met"),
        ("2026-02", "98 %", "2/100", "✖ missed"),
        ("2026-03", "–", "0/0", "○ no data"),
    ] {
        let line = row(name);
        for text in [sli, events, verdict] {
            assert!(line.contains(&format!(">{text}<")), "{text} in {line}");
        }
    }
    assert!(page.contains("The 6 periods before this one: 1 met the objective, 1 missed it"));
    // The same figures as the report at each period's last instant.
    let january = dir
        .report()
        .log("log.csv")
        .at("2026-01-31T23:59:59.999999999Z")
        .json_report();
    let result = january.result("monthly", "month");
    assert_eq!((result.bad, result.total), (1, 100));
    assert_eq!(result.status, "exhausted", "spent, yet met");
}

/// Each chart's bars hold the window's events and no others: the first step of a calendar
/// month begins in the month before, and the bars of a day's window drawn in steps of a week
/// would hold the week. A history asked for is charted over all of it, and a point with no
/// neighbour (the only one, the one alert peak) is drawn.
#[test]
fn bars_hold_the_window_and_charts_span_the_history_asked_for() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: monthly\n    objective: 90\n    windows: [{calendar: month}, 1d, 7d]\n    good: status < 500\n    alerts: []\n",
    );
    // A bad request every 3 hours and a good one every hour from 25 September to 3 October.
    let mut log = String::from("timestamp,status\n");
    for hour in 0..(8 * 24) {
        let (day, h) = (25 + hour / 24, hour % 24);
        let date = if day <= 30 {
            format!("09-{day:02}")
        } else {
            format!("10-{:02}", day - 30)
        };
        let status = if hour % 3 == 0 { 503 } else { 200 };
        log.push_str(&format!("2026-{date}T{h:02}:30:00Z,{status}\n"));
    }
    dir.write("log.csv", &log);
    // The 7d window takes 2h steps, which end at odd hours: the month begins inside one.
    let page = dir
        .report()
        .log("log.csv")
        .at("2026-10-02T17:00:00Z")
        .format("html")
        .run();
    let page = page.expect_code(0).stdout();
    let sections: Vec<&str> = page.split("<section class=\"result\"").skip(1).collect();
    assert_eq!(sections.len(), 3, "{page}");
    for section in sections {
        let meta = section.split("<p class=\"meta\">").nth(1).unwrap();
        let counts = |text: &str, before: &str| -> (u64, u64) {
            let words: Vec<&str> = text
                .split(before)
                .next()
                .unwrap()
                .split_whitespace()
                .collect();
            let n = words.len();
            (words[n - 5].parse().unwrap(), words[n - 2].parse().unwrap())
        };
        let window = counts(meta, " of ");
        let bars = section.split("<desc id=\"events").nth(1).unwrap();
        let bars = counts(bars.split(": ").nth(1).unwrap(), " in ");
        assert_eq!(bars, window, "{}", &section[..200]);
    }
    // A history asked for: every chart spans it, the day's window included.
    let history = dir
        .report()
        .log("log.csv")
        .format("html")
        .args(&[
            "--from",
            "2026-09-28T00:00:00Z",
            "--to",
            "2026-10-02T00:00:00Z",
            "--every",
            "12h",
        ])
        .run();
    let history = history.expect_code(0).stdout();
    let day = history.split("monthly · 1d").nth(1).unwrap();
    assert!(day.contains("over 9 points"), "{}", &day[..1500]);
    // One instant (`check -f html`): its point is drawn, as a dash across it.
    let check = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        "2026-10-02T18:00:00Z",
        "-f",
        "html",
    ]);
    let check = check.stdout();
    let budget = check.split("<path class=\"series\" d=\"").nth(1).unwrap();
    let path = budget.split('"').next().unwrap();
    assert!(path.starts_with('M') && path.contains(" L"), "{path}");
}

/// The page of the bundled examples in a browser: one section and one budget, SLI and events
/// chart per result, axis labels, no console message, and a screenshot that shows something.
#[test]
fn a_browser_shows_the_examples() {
    let Some(browser) = chromium() else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let results = run_in(repo, &["report", "--at", AT, "-f", "json"])
        .json()
        .get("results")
        .and_then(serde_json::Value::as_array)
        .map(Vec::len)
        .expect("results");
    let dir = Workdir::new();
    let file = dir.path().join("slo.html");
    let file_text = file.to_str().expect("UTF-8 path");
    run_in(repo, &["report", "--at", AT, "-f", "html", "-o", file_text]).expect_code(0);

    let dom = dump_dom(&browser, &file);
    assert_eq!(dom.matches("<section class=\"result\"").count(), results);
    for chart in ["budget", "sli", "events"] {
        let drawn = dom.matches(&format!("data-chart=\"{chart}\"")).count();
        assert_eq!(drawn, results, "{chart} charts");
    }
    assert!(dom.matches("data-chart=\"burn\"").count() >= results);
    let svgs = dom.matches("<svg class=\"chart\"").count();
    assert_eq!(dom.matches(">time (UTC)</text>").count(), svgs);
    assert_eq!(dom.matches("<title id=").count(), svgs);
    assert!(dom.contains(">budget left (%)</text>"));
    assert!(dom.contains(">SLI (%)</text>"));
    // Every budget chart with data has its ideal burn; the one calendar window (a month) lists
    // the months before it, met or missed in words.
    let budgets_with_data = dom.matches("<path class=\"series\"").count();
    assert!(dom.matches("<line class=\"ideal\"").count() >= results - 1);
    assert!(budgets_with_data > 0);
    assert_eq!(dom.matches("<table class=\"index periods\">").count(), 1);
    assert!(dom.contains("<td>2026-09</td>") && dom.contains("✔ met</span>"));

    let shot = dir.path().join("slo.png");
    let output = browser_command(&browser, &file)
        .arg("--enable-logging=stderr")
        .arg("--v=0")
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1200,1600")
        .arg(url(&file))
        .output()
        .expect("run chromium");
    let log = String::from_utf8_lossy(&output.stderr);
    let console: Vec<&str> = log.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:#?}");
    let (width, height, pixels) = decode_png(&std::fs::read(&shot).expect("a screenshot"));
    assert_eq!((width, height), (1200, 1600));
    let colours: HashSet<&[u8]> = pixels.iter().map(Vec::as_slice).collect();
    assert!(
        colours.len() > 16,
        "{} colours: a blank page",
        colours.len()
    );
    let inked = pixels
        .iter()
        .filter(|p| p.iter().take(3).any(|&c| c < 200))
        .count();
    assert!(
        inked * 50 > pixels.len(),
        "{inked} dark pixels of {}: hardly anything drawn",
        pixels.len()
    );
}

/// Debian's chromium, or `None` (with the reason printed) when it is not installed; CI sets
/// `SLO_REQUIRE_CHROMIUM` so that a missing browser fails there instead.
fn chromium() -> Option<PathBuf> {
    let found = ["chromium", "chromium-browser"].iter().find_map(|name| {
        std::env::var_os("PATH").and_then(|paths| {
            std::env::split_paths(&paths)
                .map(|dir| dir.join(name))
                .find(|path| path.is_file())
        })
    });
    if found.is_none() {
        assert!(
            std::env::var_os("SLO_REQUIRE_CHROMIUM").is_none(),
            "SLO_REQUIRE_CHROMIUM is set but chromium is not installed (apt-get install chromium)"
        );
        eprintln!(
            "SKIPPED: the page is not checked in a browser: chromium is not installed \
             (apt-get install chromium; .ci/run installs it)"
        );
    }
    found
}

/// Chromium headless with nothing from the network and a profile beside `file` (in the test's
/// scratch folder).
fn browser_command(browser: &Path, file: &Path) -> Command {
    let profile = file.with_extension("profile");
    let mut command = Command::new(browser);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    command
}

fn url(file: &Path) -> String {
    format!("file://{}", file.display())
}

fn dump_dom(browser: &Path, file: &Path) -> String {
    let output = browser_command(browser, file)
        .arg("--dump-dom")
        .arg(url(file))
        .output()
        .expect("run chromium");
    assert!(output.status.success(), "chromium --dump-dom failed");
    String::from_utf8(output.stdout).expect("UTF-8 DOM")
}

/// Width, height and the pixels of an 8-bit RGB or RGBA PNG, as chromium writes them.
fn decode_png(bytes: &[u8]) -> (usize, usize, Vec<Vec<u8>>) {
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let mut at = 8;
    let (mut width, mut height, mut channels) = (0, 0, 0);
    let mut data = Vec::new();
    while at + 8 <= bytes.len() {
        let length = u32::from_be_bytes(bytes[at..at + 4].try_into().expect("4 bytes")) as usize;
        let kind = &bytes[at + 4..at + 8];
        let body = &bytes[at + 8..at + 8 + length];
        match kind {
            b"IHDR" => {
                width = u32::from_be_bytes(body[0..4].try_into().expect("4 bytes")) as usize;
                height = u32::from_be_bytes(body[4..8].try_into().expect("4 bytes")) as usize;
                assert_eq!(body[8], 8, "bit depth");
                channels = match body[9] {
                    2 => 3,
                    6 => 4,
                    other => panic!("colour type {other}"),
                };
                assert_eq!(body[12], 0, "interlaced");
            }
            b"IDAT" => data.extend_from_slice(body),
            _ => {}
        }
        at += 12 + length;
    }
    let mut raw = Vec::new();
    flate2::read::ZlibDecoder::new(&data[..])
        .read_to_end(&mut raw)
        .expect("inflate");
    let stride = width * channels;
    let mut previous = vec![0u8; stride];
    let mut pixels = Vec::with_capacity(width * height);
    for row in raw.chunks(stride + 1).take(height) {
        let (filter, line) = (row[0], &row[1..]);
        let mut current = vec![0u8; stride];
        for i in 0..stride {
            let a = if i >= channels {
                current[i - channels]
            } else {
                0
            };
            let b = previous[i];
            let c = if i >= channels {
                previous[i - channels]
            } else {
                0
            };
            let predicted = match filter {
                0 => 0,
                1 => a,
                2 => b,
                3 => u8::try_from((u16::from(a) + u16::from(b)) / 2).expect("a mean of bytes"),
                4 => paeth(a, b, c),
                other => panic!("filter {other}"),
            };
            current[i] = line[i].wrapping_add(predicted);
        }
        pixels.extend(current.chunks(channels).map(<[u8]>::to_vec));
        previous = current;
    }
    (width, height, pixels)
}

fn paeth(a: u8, b: u8, c: u8) -> u8 {
    let p = i16::from(a) + i16::from(b) - i16::from(c);
    let (pa, pb, pc) = (
        (p - i16::from(a)).abs(),
        (p - i16::from(b)).abs(),
        (p - i16::from(c)).abs(),
    );
    if pa <= pb && pa <= pc {
        a
    } else if pb <= pc {
        b
    } else {
        c
    }
}

/// `slo report -s spec.yaml log.csv --at AT -f FORMAT EXTRA…` in `dir`: its standard output,
/// once it exits 0.
#[track_caller]
fn report_stdout(dir: &Workdir, at: &str, format: &str, extra: &[&str]) -> String {
    let mut args = vec![
        "report",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        at,
        "-f",
        format,
    ];
    args.extend(extra);
    let run = dir.run(&args);
    run.expect_code(0);
    run.stdout()
}

/// The headings of a page's result sections (`SLO · group · window`), in page order.
fn section_headings(page: &str) -> Vec<&str> {
    page.split("<h2 id=\"h")
        .skip(1)
        .map(|s| &s[s.find('>').expect("a heading") + 1..s.find("</h2>").expect("its end")])
        .collect()
}

/// The `(other)` section's events per step, and its events over the window: the good and bad
/// of `text` (`… N good and M bad in S steps …` and `… N good and M bad of T events …`).
fn other_section_counts(page: &str) -> ((u64, u64), (u64, u64)) {
    let section = page
        .split("<section class=\"result\"")
        .skip(1)
        .find(|s| s.contains("(other:"))
        .expect("an (other) section");
    let pair = |after: &str, until: &str| {
        let start = section.find(after).expect(after) + after.len();
        let text = &section[start..];
        let text = &text[..text.find(until).expect(until)];
        let mut numbers = text
            .split(|c: char| !c.is_ascii_digit())
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u64>().expect("a count"));
        (numbers.next().expect("good"), numbers.next().expect("bad"))
    };
    (
        pair("step: ", " steps"),
        pair("budgeting: occurrences; ", " events"),
    )
}

#[test]
fn a_page_of_many_groups_charts_the_busiest_fifty_and_other_at_every_step() {
    // 70 routes: route i has 70 + i requests spread over the day, every 10th failing.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("per-route", "1d", "route"),
    );
    let mut log = String::from("timestamp,route,status\n");
    for route in 0..70u32 {
        for i in 0..70 + route {
            // Never at 00:00:00, which lies outside the window ending a day later.
            let second = 1 + (route * 7919 + i * 1237) % 86_399;
            let status = if i % 10 == 0 { 503 } else { 200 };
            log.push_str(&format!(
                "2026-03-09T{:02}:{:02}:{:02}Z,/r{route:02},{status}\n",
                second / 3600,
                second / 60 % 60,
                second % 60
            ));
        }
    }
    dir.write("log.csv", &log);
    let page = |extra: &[&str]| report_stdout(&dir, "2026-03-10T00:00:00Z", "html", extra);
    let html = page(&[]);
    let charted = section_headings(&html);
    // The 50 busiest (routes 20 to 69) and (other), sorted by value.
    let busiest: Vec<String> = (20..70)
        .map(|r| format!("per-route · route=/r{r:02} · 1d"))
        .collect();
    assert_eq!(charted.len(), 51, "{charted:?}");
    assert_eq!(&charted[..50], &busiest[..]);
    assert!(
        charted[50].contains("(other: 20 groups)"),
        "{}",
        charted[50]
    );
    // The (other) result is found at every step, though how many groups it holds changes from
    // one instant to the next: its bars add up to its events over the window.
    let (in_steps, in_window) = other_section_counts(&html);
    assert_eq!(in_steps, in_window);
    let other_events: u64 = (0..20).map(|r| 70 + r).sum();
    assert_eq!(in_window.0 + in_window.1, other_events);
    // --max-groups still decides when given.
    let all = page(&["--max-groups", "100"]);
    assert_eq!(all.matches("<section class=\"result\"").count(), 70);
}

#[test]
fn past_the_memory_bound_the_page_charts_the_groups_that_at_shows() {
    // 1 040 paths, past the 200 an HTML page keeps in memory: 40 routes with 3 requests each on
    // the last day, and 1 000 older paths with 10 each over the month before. The page ranks
    // groups at its last instant, as `--at` does: the 40 routes, though each older path had
    // more requests across the 30 days the charts span.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("per-path", "1d, 30d", "path"),
    );
    let mut log = String::from("timestamp,path,status\n");
    for route in 0..40 {
        for hour in [3, 9, 15] {
            log.push_str(&format!(
                "2026-03-30T{hour:02}:{route:02}:00Z,/route/{route:02},200\n"
            ));
        }
    }
    for path in 0..1000 {
        for i in 0..10 {
            let day = 2 + (path + i * 3) % 26;
            log.push_str(&format!("2026-03-{day:02}T12:00:00Z,/old/{path:04},200\n"));
        }
    }
    dir.write("log.csv", &log);
    let at = "2026-03-31T00:00:00Z";
    let run = |format: &str, extra: &[&str]| report_stdout(&dir, at, format, extra);
    let report: serde_json::Value =
        serde_json::from_str(&run("json", &["--max-groups", "50"])).expect("json");
    let mut at_shows: Vec<String> = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["folded"].is_null() && r["window"] == "1d")
        .map(|r| r["group"]["path"].as_str().expect("a path").to_string())
        .collect();
    at_shows.sort();
    let routes: Vec<String> = (0..40).map(|r| format!("/route/{r:02}")).collect();
    assert_eq!(at_shows, routes);
    let page = run("html", &[]);
    let mut charted: Vec<String> = section_headings(&page)
        .into_iter()
        .filter(|h| h.ends_with(" · 1d") && !h.contains("(other"))
        .map(|h| {
            h.trim_start_matches("per-path · path=")
                .trim_end_matches(" · 1d")
                .to_string()
        })
        .collect();
    charted.sort();
    assert_eq!(charted, routes);
}

#[test]
fn where_the_budget_went_has_one_table_per_slo_and_window() {
    // Three routes, two windows: one table per window, not one per group and window.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        crate::workdir::grouped_spec("per-route", "1d, 1h", "route"),
    );
    let mut log = String::from("timestamp,route,status\n");
    for (route, bad) in [("/a", 1), ("/b", 3), ("/c", 2)] {
        for i in 0..10 {
            let status = if i < bad { 503 } else { 200 };
            log.push_str(&format!(
                "2026-03-09T23:{:02}:00Z,{route},{status}\n",
                10 + i
            ));
        }
    }
    dir.write("log.csv", &log);
    let html = report_stdout(&dir, "2026-03-10T00:00:00Z", "html", &[]);
    let section = &html[html
        .find("<h2>Where the budget went</h2>")
        .expect("the section")..];
    let captions: Vec<&str> = section
        .split("<caption>")
        .skip(1)
        .map(|s| &s[..s.find("</caption>").expect("its end")])
        .collect();
    assert_eq!(
        captions,
        [
            "per-route · 1d: the groups with the most bad events (3 of 3)",
            "per-route · 1h: the groups with the most bad events (3 of 3)",
        ]
    );
}
