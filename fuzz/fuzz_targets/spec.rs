//! Spec loader: any text is either a spec set or a list of positioned errors, never a panic;
//! a spec that loads also plans, and evaluates (with no events) at ordinary and extreme
//! instants.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use slo::aggregate::Plan;
use slo::evaluate::{evaluate_slo, needs};

/// 2026-03-10T12:00:00Z, and instants near both ends of the range `--at` accepts.
const INSTANTS: [i64; 3] = [
    1_773_144_000_000_000_000,
    i64::MAX - 86_400_000_000_000,
    i64::MIN + 86_400_000_000_000,
];

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match slo::spec::load_str(Path::new("fuzz.yaml"), &text) {
        Ok(specs) => {
            for at in INSTANTS {
                for slo in &specs.slos {
                    let needs = [needs(slo, at)];
                    let Ok(plan) = Plan::new(
                        &[slo],
                        &needs,
                        &slo.source.timestamp,
                        &slo.source.format,
                        at,
                        100,
                        false,
                    ) else {
                        continue;
                    };
                    let tally = plan.tally();
                    for result in evaluate_slo(slo, &tally.slos[0], at) {
                        assert_eq!(result.total, result.good + result.bad);
                        if result.budgeting == "occurrences" {
                            assert_eq!(result.total, 0, "events out of nothing");
                        }
                    }
                }
            }
        }
        Err(errors) => {
            // YAML breaks lines at \n, \r\n and a lone \r.
            let lines =
                1 + text.matches('\n').count() + text.replace("\r\n", "").matches('\r').count();
            for error in &errors.0 {
                assert!(!error.message.is_empty(), "an error without a message");
                assert!(error.line <= lines + 1, "{error} is past the last line");
                assert!(error.line == 0 || error.column <= text.chars().count() + 1);
            }
        }
    }
});
