//! Expression parser, compiler and evaluator. The first line of the input is the expression;
//! each following line is the value of one field slot (`\x01` alone: null, `\x02` alone: an
//! object or array; slots past the last line are missing). Checks that parsing never panics,
//! that errors point inside the text, and that `not (e)` evaluates to the negation of `e`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use slo::expr::{parse, FieldSlots, FieldValue, Program, Row};

struct Values<'a>(Vec<&'a [u8]>);

impl Row for Values<'_> {
    fn value(&self, slot: usize) -> FieldValue<'_> {
        match self.0.get(slot).copied() {
            None => FieldValue::Missing,
            Some(b"\x01") => FieldValue::Null,
            Some(b"\x02") => FieldValue::Composite,
            Some(text) => FieldValue::Scalar(text),
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut lines = data.split(|&b| b == b'\n');
    let source = String::from_utf8_lossy(lines.next().unwrap_or_default());
    let row = Values(lines.collect());
    let expr = match parse(&source) {
        Ok(expr) => expr,
        Err(e) => {
            assert!(e.offset <= source.len(), "error offset past the end");
            assert!(
                source.is_char_boundary(e.offset),
                "error offset inside a character"
            );
            return;
        }
    };
    let mut slots = FieldSlots::new();
    let Ok(program) = Program::compile(&expr, &mut slots) else {
        return;
    };
    let result = program.eval(&row);
    assert_eq!(
        result,
        program.eval(&row),
        "evaluation is not deterministic"
    );
    let negated = format!("not ({source})");
    if let Ok(negated) = parse(&negated) {
        let mut slots2 = FieldSlots::new();
        if let Ok(program2) = Program::compile(&negated, &mut slots2) {
            assert_eq!(slots.paths(), slots2.paths());
            match (result, program2.eval(&row)) {
                (Ok(a), Ok(b)) => assert_eq!(a, !b, "not (e) is not the negation of e"),
                (Err(a), Err(b)) => assert_eq!(a, b),
                (a, b) => panic!("e gives {a:?} but not (e) gives {b:?}"),
            }
        }
    }
});
