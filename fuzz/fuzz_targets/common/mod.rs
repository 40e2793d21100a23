//! Shared by the log targets: one fixed spec, a log from the fuzzer, and the accounting that
//! must hold whatever the log holds.

use std::path::Path;
use std::sync::OnceLock;

use slo::aggregate::Plan;
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
        let needs: Vec<_> = slos.iter().map(|slo| needs(slo, AT)).collect();
        let plan = Plan::new(&slos, &needs, &slos[0].source.timestamp, AT, 1000, false)
            .expect("the fuzz spec compiles");
        (specs.slos.clone(), plan)
    })
}

/// Reads `log`, counts it, evaluates it, and checks that every row is accounted for.
pub fn count_and_check(log: &[u8], format: InputFormat) {
    let (slos, plan) = setup();
    let mut tally = plan.tally();
    let input = slo::input::LogInput::Stdin;
    let read = read_bytes(
        log,
        format,
        plan.fields(),
        &mut plan.counter(&input, &mut tally),
    );
    if read.is_err() {
        return;
    }
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
