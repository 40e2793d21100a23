//! Shared by the log targets: a spec, a log from the fuzzer, and the accounting that must hold

// Each target uses the fixture and checks that fit its formats.
#![allow(dead_code)]
//! whatever the log holds.

use std::path::Path;
use std::sync::OnceLock;

use slo::aggregate::{Plan, Tally};
use slo::evaluate::{evaluate_slo, needs};
use slo::input::test_sink::read_both_ways;
use slo::input::{read_bytes, InputFormat, LogInput, TextKind};
use slo::spec::{load_str, Slo};

/// 2026-03-10T12:00:00Z.
const AT: i64 = 1_773_144_000_000_000_000;

/// The spec of the CSV and JSON targets.
const SPEC: &str = r#"
version: 1
slos:
  - name: availability
    objective: 99.9
    windows: [1d, {calendar: month, timezone: Europe/Berlin}]
    filter: route.startsWith("/api") and method in ["GET", "POST"]
    good: status < 500 and latency_ms <= 300
    group_by: [route, http.method]
  - name: latency
    objective: 99
    windows: [7d]
    bad: latency_ms > 250.5 or route.matches("^/slow/[0-9]+$") or ok == false
    budgeting: timeslices
    timeslice: {length: 1m, objective: 95}
"#;

/// A spec, its SLOs planned together and one by one, for logs of one format at one instant.
pub struct Fixture {
    slos: Vec<Slo>,
    plan: Plan,
    /// A plan for each SLO alone, as `--slo NAME` makes it.
    single_plans: Vec<Plan>,
    at: i64,
}

impl Fixture {
    /// Loads `spec` and plans its SLOs for logs of `format` evaluated at `at`.
    ///
    /// # Panics
    ///
    /// A spec that does not load or compile: a mistake in the target, not a finding.
    pub fn new(spec: &str, format: &InputFormat, at: i64) -> Fixture {
        let specs = load_str(Path::new("fuzz.yaml"), spec)
            .unwrap_or_else(|e| panic!("the fuzz spec loads: {e:?}"));
        let slos: Vec<&Slo> = specs.slos.iter().collect();
        let plan_of = |slos: &[&Slo]| {
            let needs: Vec<_> = slos.iter().map(|slo| needs(slo, at)).collect();
            Plan::new(
                slos,
                &needs,
                &slos[0].source.timestamp,
                format,
                at,
                1000,
                false,
            )
            .unwrap_or_else(|e| panic!("the fuzz spec compiles for {format}: {e}"))
        };
        Fixture {
            plan: plan_of(&slos),
            single_plans: slos.iter().map(|slo| plan_of(&[slo])).collect(),
            slos: specs.slos.clone(),
            at,
        }
    }

    /// The fields the spec reads, for reading rows without counting them.
    pub fn fields(&self) -> &slo::expr::FieldSlots {
        self.plan.fields()
    }
}

/// The fixture of the CSV and JSON targets.
pub fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| Fixture::new(SPEC, &InputFormat::Auto, AT))
}

/// Counts `parts` one after another into one tally, as `slo report A B` does.
fn count(fixture: &Fixture, parts: &[&[u8]], format: &InputFormat) -> Option<Tally> {
    count_with(&fixture.plan, parts, format)
}

fn count_with(plan: &Plan, parts: &[&[u8]], format: &InputFormat) -> Option<Tally> {
    let mut tally = plan.tally();
    let input = slo::input::LogInput::Stdin;
    for (index, part) in parts.iter().enumerate() {
        let mut counter = plan.counter(&input, index);
        read_bytes(part, format, plan.fields(), &mut counter).ok()?;
        tally.merge(counter.into_tally());
    }
    Some(tally)
}

/// The row accounting and every result, for comparing two tallies; groups are labelled (and
/// any past the limit folded) first, as a report does, so that results sort by their labels.
fn summary(fixture: &Fixture, mut tally: Tally) -> String {
    let c = &tally.inputs;
    let mut text = format!(
        "{} {} {} {} {} {:?}\n",
        c.rows, c.malformed, c.outside_windows, c.unselected, c.matched, c.latest
    );
    for (slo, slo_tally) in fixture.slos.iter().zip(&mut tally.slos) {
        slo_tally.fold_groups();
        text.push_str(&format!("{:?}\n", evaluate_slo(slo, slo_tally, fixture.at)));
    }
    text
}

/// Reads `log`, counts it, evaluates it, and checks that every row is accounted for.
pub fn count_and_check(fixture: &Fixture, log: &[u8], format: &InputFormat) {
    let Some(tally) = count(fixture, &[log], format) else {
        return;
    };
    let c = &tally.inputs;
    assert_eq!(
        c.rows,
        c.malformed + c.outside_windows + c.unselected + c.matched,
        "a row is not accounted for: {c:?}"
    );
    for (slo, slo_tally) in fixture.slos.iter().zip(&tally.slos) {
        for result in evaluate_slo(slo, slo_tally, fixture.at) {
            assert_eq!(result.total, result.good + result.bad);
            if let Some(sli) = result.sli {
                assert!((0.0..=1.0).contains(&sli), "SLI {sli} out of range");
            }
        }
    }
}

/// Cuts the log after its `seed`-th line end (modulo their number) into two files, as a user
/// splitting a log would (a CSV part gets the header again, a W3C part the `#Fields:` line in
/// effect where it starts), and checks that reading both counts exactly what reading the whole
/// does.
pub fn split_and_check(fixture: &Fixture, log: &[u8], format: &InputFormat, seed: u8) {
    let line_ends: Vec<usize> = log
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let Some(&first_end) = line_ends.first() else {
        return;
    };
    let cut = line_ends[usize::from(seed) % line_ends.len()] + 1;
    let (head, tail) = log.split_at(cut);
    // A byte order mark is read only at the start of a file.
    let bom_first = tail.starts_with(b"\xef\xbb\xbf");
    let tail: Vec<u8> = match format {
        InputFormat::Csv | InputFormat::Tsv => {
            // Only where raw line ends are record ends: no quoting, and a plain header line.
            let header = &log[..first_end];
            let header = header.strip_suffix(b"\r").unwrap_or(header);
            if (*format == InputFormat::Csv && log.contains(&b'"'))
                || header.is_empty()
                || header.contains(&b'\r')
            {
                return;
            }
            [&log[..=first_end], tail].concat()
        }
        InputFormat::Jsonl if !bom_first => tail.to_vec(),
        InputFormat::Text(text)
            if !bom_first && matches!(text.kind(), TextKind::W3c | TextKind::Cloudfront) =>
        {
            match fields_line_before(head) {
                Some(line) => [line, b"\n", tail].concat(),
                None => tail.to_vec(),
            }
        }
        InputFormat::Text(_) if !bom_first => tail.to_vec(),
        _ => return,
    };
    let Some(whole) = count(fixture, &[log], format) else {
        return;
    };
    // The second part may start with bytes that look like a compressed stream.
    let Some(parts) = count(fixture, &[head, &tail], format) else {
        return;
    };
    let (whole, parts) = (summary(fixture, whole), summary(fixture, parts));
    for (whole, parts) in whole.lines().zip(parts.lines()) {
        assert_eq!(whole, parts, "cutting the log at byte {cut} changed the report");
    }
}

/// The last `#Fields:` line of a W3C log's `head` (without its line end), as the lines after
/// `head` read it.
fn fields_line_before(head: &[u8]) -> Option<&[u8]> {
    let mut last = None;
    for (number, line) in head.split(|&b| b == b'\n').enumerate() {
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let line = match number {
            0 => line.strip_prefix(b"\xef\xbb\xbf").unwrap_or(line),
            _ => line,
        };
        if line.starts_with(b"#Fields:") {
            last = Some(line);
        }
    }
    last
}

/// Checks that which rows are malformed, and why, does not depend on the SLOs selected (each
/// reads other fields), as `--slo` must not change the row accounting.
pub fn select_and_check(fixture: &Fixture, log: &[u8], format: &InputFormat) {
    let Some(all) = count(fixture, &[log], format) else {
        return;
    };
    let malformed = |tally: &Tally| {
        let c = &tally.inputs;
        let first: Vec<_> = c
            .first_malformed
            .iter()
            .map(|p| (p.line, p.reason.clone()))
            .collect();
        (c.rows, c.malformed, first)
    };
    for plan in &fixture.single_plans {
        let Some(one) = count_with(plan, &[log], format) else {
            return;
        };
        assert_eq!(
            malformed(&all),
            malformed(&one),
            "the selection changed which rows are malformed"
        );
    }
}

/// Reads `log` from a file whole, line by line, and in chunks of about `chunk_bytes` on two
/// threads, and checks that both readings give the same rows, values and malformed rows, on
/// the same lines.
pub fn chunk_and_check(fixture: &Fixture, log: &[u8], format: &InputFormat, chunk_bytes: usize) {
    static PATH: OnceLock<std::path::PathBuf> = OnceLock::new();
    let path = PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("slo-fuzz-{}.log", std::process::id()))
    });
    std::fs::write(path, log).expect("the temporary log is written");
    let input = LogInput::File(path.clone());
    let Ok((whole, chunked)) = read_both_ways(&input, format, fixture.fields(), 2, chunk_bytes)
    else {
        return;
    };
    assert_eq!(whole.rows, chunked.rows, "chunks of {chunk_bytes} bytes read other rows");
    assert_eq!(
        whole.malformed, chunked.malformed,
        "chunks of {chunk_bytes} bytes found other malformed rows"
    );
}
