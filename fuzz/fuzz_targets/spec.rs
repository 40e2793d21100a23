//! Spec loader: any text is either a spec set or a list of positioned errors, never a panic;
//! a spec that loads also plans and compiles.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use slo::aggregate::Plan;
use slo::evaluate::needs;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match slo::spec::load_str(Path::new("fuzz.yaml"), &text) {
        Ok(specs) => {
            let at = 1_773_144_000_000_000_000; // 2026-03-10T12:00:00Z
            for slo in &specs.slos {
                let needs = [needs(slo, at)];
                let _ = Plan::new(&[slo], &needs, &slo.source.timestamp, at, 100, false);
            }
        }
        Err(errors) => {
            for error in &errors.0 {
                assert!(!error.message.is_empty(), "an error without a message");
                // Every error names the file; positions, when given, are 1-based.
                assert!(error.line == 0 || error.column <= text.len() + 1);
            }
        }
    }
});
