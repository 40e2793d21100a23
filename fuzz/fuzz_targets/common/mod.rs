//! Shared by the log targets: one fixed spec, a log from the fuzzer, and the accounting that
//! must hold whatever the log holds.

use std::path::Path;
use std::sync::OnceLock;

use slo::aggregate::{Plan, Tally};
use slo::evaluate::{evaluate_slo, needs};
use slo::input::{read_bytes, InputFormat};
use slo::spec::{load_str, Slo};

/// 2026-03-10T12:00:00Z.
const AT: i64 = 1_773_144_000_000_000_000;

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

fn setup() -> &'static (Vec<Slo>, Plan) {
    static SETUP: OnceLock<(Vec<Slo>, Plan)> = OnceLock::new();
    SETUP.get_or_init(|| {
        let specs = load_str(Path::new("fuzz.yaml"), SPEC).expect("the fuzz spec loads");
        let slos: Vec<&Slo> = specs.slos.iter().collect();
        (specs.slos.clone(), plan_of(&slos))
    })
}

fn plan_of(slos: &[&Slo]) -> Plan {
    let needs: Vec<_> = slos.iter().map(|slo| needs(slo, AT)).collect();
    Plan::new(slos, &needs, &slos[0].source.timestamp, AT, 1000, false)
        .expect("the fuzz spec compiles")
}

/// A plan for each SLO of the spec alone, as `--slo NAME` makes it.
fn single_plans() -> &'static [Plan] {
    static PLANS: OnceLock<Vec<Plan>> = OnceLock::new();
    PLANS.get_or_init(|| setup().0.iter().map(|slo| plan_of(&[slo])).collect())
}

/// Counts `parts` one after another into one tally, as `slo report A B` does.
fn count(parts: &[&[u8]], format: &InputFormat) -> Option<Tally> {
    count_with(&setup().1, parts, format)
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

/// The row accounting and every result, for comparing two tallies.
fn summary(tally: &Tally) -> String {
    let (slos, _) = setup();
    let c = &tally.inputs;
    let mut text = format!(
        "{} {} {} {} {} {:?}\n",
        c.rows, c.malformed, c.outside_windows, c.unselected, c.matched, c.latest
    );
    for (slo, slo_tally) in slos.iter().zip(&tally.slos) {
        text.push_str(&format!("{:?}\n", evaluate_slo(slo, slo_tally, AT)));
    }
    text
}

/// Reads `log`, counts it, evaluates it, and checks that every row is accounted for.
pub fn count_and_check(log: &[u8], format: &InputFormat) {
    let (slos, _) = setup();
    let Some(tally) = count(&[log], format) else {
        return;
    };
    let c = &tally.inputs;
    assert_eq!(
        c.rows,
        c.malformed + c.outside_windows + c.unselected + c.matched,
        "a row is not accounted for: {c:?}"
    );
    for (slo, slo_tally) in slos.iter().zip(&tally.slos) {
        for result in evaluate_slo(slo, slo_tally, AT) {
            assert_eq!(result.total, result.good + result.bad);
            if let Some(sli) = result.sli {
                assert!((0.0..=1.0).contains(&sli), "SLI {sli} out of range");
            }
        }
    }
}

/// Cuts the log after its `seed`-th line end (modulo their number) into two files, as a user
/// splitting a log would (a CSV part gets the header again), and checks that reading both
/// counts exactly what reading the whole does.
pub fn split_and_check(log: &[u8], format: &InputFormat, seed: u8) {
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
        InputFormat::Jsonl => {
            // A byte order mark is read only at the start of a file.
            if tail.starts_with(b"\xef\xbb\xbf") {
                return;
            }
            tail.to_vec()
        }
        _ => return,
    };
    let Some(whole) = count(&[log], format) else {
        return;
    };
    // The second part may start with bytes that look like a compressed stream.
    let Some(parts) = count(&[head, &tail], format) else {
        return;
    };
    assert_eq!(
        summary(&whole),
        summary(&parts),
        "cutting the log at byte {cut} changed the report"
    );
}

/// Checks that which rows are malformed, and why, does not depend on the SLOs selected (each
/// reads other fields), as `--slo` must not change the row accounting.
pub fn select_and_check(log: &[u8], format: &InputFormat) {
    let Some(all) = count(&[log], format) else {
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
    for plan in single_plans() {
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
