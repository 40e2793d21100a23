//! The compiled form of an expression and its evaluation over rows.
//!
//! Compiling resolves every field to a slot number (through
//! [`FieldSlots`]), pre-parses literals (numbers as `f64`, strings as
//! bytes, `in` lists sorted for binary search), compiles regexes once, and
//! checks what is known of units before reading (a field with no unit
//! compared with `300ms` is an error then). [`Program::eval`] then walks the
//! small compiled tree without allocating, reading each field's value through
//! [`super::row`].
//!
//! A field compared with a number literal (`latency_ms <= 300`) is read as an
//! `f64`, whatever unit the field has (the number is in the field's own unit), and
//! compared as one: rounding to the nearest `f64` keeps order, so only where the
//! two `f64`s are equal is the text read again and compared exactly
//! ([`super::row::exact_order`]). Everything else that computes (durations,
//! arithmetic, `sum()`) goes through [`super::value`], in exact numbers.
//!
//! Evaluation uses three-valued logic: a referenced field that is missing,
//! null or of the wrong kind makes a comparison *invalid* ([`Invalid`]),
//! and `and`/`or`/`not` combine invalid values like CEL does, independently
//! of operand order: `false and invalid` is false, `true or invalid` is
//! true, anything else involving an invalid operand is invalid.

use std::fmt;

use regex::bytes::{Regex, RegexBuilder};

use super::ast::{CmpOp, Expr, FieldPath, FieldRef, ListLiteral, Literal, Method, Operand, Span};
use super::exact::Exact;
use super::row::{
    boolean, exact_order, normalise, number, text, FieldSlots, FieldUnit, Invalid, Row,
};
use super::value::{self, Comparison, Context};

/// Compiled size limit of one regex, in bytes.
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// An error found while compiling a parsed expression (e.g. a bad regex).
#[derive(Debug, Clone, PartialEq)]
pub struct CompileError {
    /// 0-based byte offset into the source of the offending literal.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for CompileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for CompileError {}

/// A compiled expression, ready to evaluate rows.
#[derive(Debug, Clone)]
pub struct Program {
    pub(super) root: Op,
}

/// One node of a compiled program: a leaf (a test of one field, a constant, or an exact
/// comparison) or `not`/`and`/`or` over nodes.
#[derive(Debug, Clone)]
pub(super) enum Op {
    Const(bool),
    /// A field alone: its text is `true`/`false`.
    Truthy {
        slot: usize,
    },
    BoolEq {
        slot: usize,
        /// The result when the field's boolean equals `value`.
        eq: bool,
        value: bool,
    },
    /// A field against a number: by `f64`, and where the two `f64`s tie, exactly against
    /// `literal`.
    NumCmp {
        slot: usize,
        op: CmpOp,
        value: f64,
        literal: Option<Exact>,
    },
    TextCmp {
        slot: usize,
        op: CmpOp,
        value: Box<[u8]>,
    },
    /// Sorted by `f64`, `-0.0` normalised to `0.0`, each with its exact value: literals that
    /// round to one `f64` (`0.1`, `0.10000000000000001`) are kept apart.
    NumIn {
        slot: usize,
        values: Box<[f64]>,
        exact: Box<[Option<Exact>]>,
        negated: bool,
    },
    /// Sorted and deduplicated.
    TextIn {
        slot: usize,
        values: Box<[Box<[u8]>]>,
        negated: bool,
    },
    StartsWith {
        slot: usize,
        needle: Box<[u8]>,
    },
    EndsWith {
        slot: usize,
        needle: Box<[u8]>,
    },
    Contains {
        slot: usize,
        needle: Box<[u8]>,
        /// A literal regex (fast substring search), when it fits the limit.
        finder: Option<Regex>,
    },
    Matches {
        slot: usize,
        regex: Regex,
    },
    /// Numbers and durations, computed and compared exactly.
    Measure(Box<Comparison>),
    Not(Box<Op>),
    And(Box<[Op]>),
    Or(Box<[Op]>),
}

fn compile_error(span: Span, message: impl Into<String>) -> CompileError {
    CompileError {
        offset: span.start,
        message: message.into(),
    }
}

fn bytes(s: &str) -> Box<[u8]> {
    s.as_bytes().into()
}

impl Program {
    /// Compiles a parsed expression, registering the fields it uses.
    ///
    /// # Errors
    ///
    /// An expression that compares a field with a value of a kind it cannot hold, or another semantic error.
    pub fn compile(expr: &Expr, fields: &mut FieldSlots) -> Result<Program, CompileError> {
        Program::compile_with_units(expr, fields, &|_| FieldUnit::PerRow)
    }

    /// Compiles a parsed expression knowing, for each field, what is known of its unit before
    /// reading (from `source.units` and the log format): a comparison or arithmetic whose kinds
    /// cannot fit is then an error here rather than an invalid row.
    ///
    /// # Errors
    ///
    /// As [`Program::compile`], and a bare number with no known unit met by a duration, a
    /// number added to a duration, and other mixes of kinds that mean nothing.
    pub fn compile_with_units(
        expr: &Expr,
        fields: &mut FieldSlots,
        units: &dyn Fn(&FieldPath) -> FieldUnit,
    ) -> Result<Program, CompileError> {
        let mut cx = Context { fields, units };
        Ok(Program {
            root: compile_node(expr, &mut cx)?,
        })
    }

    /// A program that is always true (used for a missing `filter`).
    pub fn always() -> Program {
        Program {
            root: Op::Const(true),
        }
    }

    /// Evaluates the program for one row without allocating.
    ///
    /// # Errors
    ///
    /// The row is invalid for the expression: a field it needs is missing, null, or not of the kind needed.
    // Inlined into the counting loop: most programs are one comparison, cheaper than the call.
    #[inline(always)]
    pub fn eval(&self, row: &impl Row) -> Result<bool, Invalid> {
        eval_node(&self.root, row)
    }
}

fn compile_node(expr: &Expr, cx: &mut Context<'_>) -> Result<Op, CompileError> {
    let mut slot = |field: &FieldRef| cx.fields.slot(&field.path);
    Ok(match expr {
        Expr::Bool { value, .. } => Op::Const(*value),
        Expr::Field(field) => Op::Truthy { slot: slot(field) },
        Expr::Compare {
            left, op, right, ..
        } => match (&**left, &**right) {
            (
                Operand::Field(field),
                Operand::Literal {
                    value: Literal::Number(n),
                    span,
                },
            ) => {
                let value = n.to_f64();
                if !value.is_finite() {
                    return Err(compile_error(*span, "number literals must be finite"));
                }
                Op::NumCmp {
                    slot: slot(field),
                    op: *op,
                    value: normalise(value),
                    literal: n.to_exact(),
                }
            }
            (
                Operand::Field(field),
                Operand::Literal {
                    value: Literal::String(s),
                    ..
                },
            ) => Op::TextCmp {
                slot: slot(field),
                op: *op,
                value: bytes(s),
            },
            (
                Operand::Field(field),
                Operand::Literal {
                    value: Literal::Bool(b),
                    span,
                },
            ) => {
                let eq = match op {
                    CmpOp::Eq => true,
                    CmpOp::Ne => false,
                    other => {
                        return Err(compile_error(
                            *span,
                            format!(
                                "true and false can only be compared with '==' or '!=', not '{}'",
                                other.as_str()
                            ),
                        ))
                    }
                };
                Op::BoolEq {
                    slot: slot(field),
                    eq,
                    value: *b,
                }
            }
            (left, right) => Op::Measure(Box::new(value::comparison(cx, left, *op, right)?)),
        },
        Expr::In {
            field,
            list,
            negated,
            span,
        } => match list {
            ListLiteral::Numbers(values) => {
                let mut values: Vec<(f64, Option<Exact>)> = values
                    .iter()
                    .map(|v| (normalise(v.to_f64()), v.to_exact()))
                    .collect();
                if values.iter().any(|(v, _)| !v.is_finite()) {
                    return Err(compile_error(*span, "number literals must be finite"));
                }
                values.sort_by(|a, b| a.0.total_cmp(&b.0));
                values.dedup();
                let (values, exact): (Vec<f64>, Vec<Option<Exact>>) = values.into_iter().unzip();
                Op::NumIn {
                    slot: slot(field),
                    values: values.into(),
                    exact: exact.into(),
                    negated: *negated,
                }
            }
            ListLiteral::Strings(values) => {
                let mut values: Vec<Box<[u8]>> = values.iter().map(|s| bytes(s)).collect();
                values.sort();
                values.dedup();
                Op::TextIn {
                    slot: slot(field),
                    values: values.into(),
                    negated: *negated,
                }
            }
        },
        Expr::Method {
            field,
            method,
            arg,
            arg_span,
            ..
        } => {
            let slot = slot(field);
            match method {
                Method::StartsWith => Op::StartsWith {
                    slot,
                    needle: bytes(arg),
                },
                Method::EndsWith => Op::EndsWith {
                    slot,
                    needle: bytes(arg),
                },
                Method::Contains => Op::Contains {
                    slot,
                    needle: bytes(arg),
                    finder: RegexBuilder::new(&regex::escape(arg))
                        .size_limit(REGEX_SIZE_LIMIT)
                        .build()
                        .ok(),
                },
                Method::Matches => {
                    let regex = RegexBuilder::new(arg)
                        .size_limit(REGEX_SIZE_LIMIT)
                        .build()
                        .map_err(|e| compile_error(*arg_span, regex_message(&e)))?;
                    Op::Matches { slot, regex }
                }
            }
        }
        Expr::Not { operand, .. } => Op::Not(Box::new(compile_node(operand, cx)?)),
        Expr::And { operands, .. } => Op::And(compile_all(operands, cx)?),
        Expr::Or { operands, .. } => Op::Or(compile_all(operands, cx)?),
    })
}

fn compile_all(operands: &[Expr], cx: &mut Context<'_>) -> Result<Box<[Op]>, CompileError> {
    operands
        .iter()
        .map(|e| compile_node(e, cx))
        .collect::<Result<Vec<_>, _>>()
        .map(Vec::into_boxed_slice)
}

fn regex_message(e: &regex::Error) -> String {
    match e {
        regex::Error::CompiledTooBig(limit) => {
            format!("the regex is too large once compiled (limit {limit} bytes); simplify it")
        }
        other => {
            let detail = other.to_string();
            // The syntax error's own text is multi-line with a caret; keep
            // its last line, which says what is wrong.
            let last = detail
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("syntax error")
                .trim()
                .trim_start_matches("error: ");
            format!("invalid regex: {last}")
        }
    }
}

/// Byte equality without a `memcmp` call for the short values typical of log fields.
fn short_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && (a.len() > 32 && a == b || a.iter().zip(b).all(|(x, y)| x == y))
}

fn apply<T: PartialOrd + ?Sized>(op: CmpOp, a: &T, b: &T) -> bool {
    match op {
        CmpOp::Eq => a == b,
        CmpOp::Ne => a != b,
        CmpOp::Lt => a < b,
        CmpOp::Le => a <= b,
        CmpOp::Gt => a > b,
        CmpOp::Ge => a >= b,
    }
}

/// `op` applied to how a field compares with a literal.
fn apply_order(op: CmpOp, order: std::cmp::Ordering) -> bool {
    apply(op, &order, &std::cmp::Ordering::Equal)
}

/// Whether the field in `slot`, whose `f64` equals `values[at]`, equals exactly one of the
/// literals with that `f64`.
#[cold]
fn in_exactly(
    row: &impl Row,
    slot: usize,
    values: &[f64],
    exact: &[Option<Exact>],
    at: usize,
) -> Result<bool, Invalid> {
    let x = values[at];
    let first = values[..at]
        .iter()
        .rposition(|v| *v != x)
        .map_or(0, |i| i + 1);
    let last = values[at..]
        .iter()
        .position(|v| *v != x)
        .map_or(values.len(), |i| at + i);
    for literal in &exact[first..last] {
        if exact_order(row, slot, *literal)? == std::cmp::Ordering::Equal {
            return Ok(true);
        }
    }
    Ok(false)
}

/// One node. Leaves are evaluated here, inline where this is called — the commonest program is a
/// single comparison; `not`, `and` and `or` go through [`eval_compound`].
#[inline(always)]
pub(super) fn eval_node(node: &Op, row: &impl Row) -> Result<bool, Invalid> {
    Ok(match node {
        Op::Const(b) => *b,
        Op::Truthy { slot } => boolean(row, *slot)?,
        Op::BoolEq { slot, eq, value } => (boolean(row, *slot)? == *value) == *eq,
        Op::NumCmp {
            slot,
            op,
            value,
            literal,
        } => {
            let x = number(row, *slot)?;
            if x == *value {
                apply_order(*op, exact_order(row, *slot, *literal)?)
            } else {
                apply(*op, &x, value)
            }
        }
        Op::TextCmp {
            slot,
            op: op @ (CmpOp::Eq | CmpOp::Ne),
            value,
        } => short_eq(text(row, *slot)?, value) == (*op == CmpOp::Eq),
        Op::TextCmp { slot, op, value } => apply(*op, text(row, *slot)?, &**value),
        Op::NumIn {
            slot,
            values,
            exact,
            negated,
        } => {
            let x = number(row, *slot)?;
            let found = match values.binary_search_by(|v| v.total_cmp(&x)) {
                Ok(at) => in_exactly(row, *slot, values, exact, at)?,
                Err(_) => false,
            };
            found != *negated
        }
        Op::TextIn {
            slot,
            values,
            negated,
        } => {
            let x = text(row, *slot)?;
            values.binary_search_by(|v| (**v).cmp(x)).is_ok() != *negated
        }
        Op::StartsWith { slot, needle } => text(row, *slot)?.starts_with(needle),
        Op::EndsWith { slot, needle } => text(row, *slot)?.ends_with(needle),
        Op::Contains {
            slot,
            needle,
            finder,
        } => {
            let haystack = text(row, *slot)?;
            match finder {
                Some(re) => re.is_match(haystack),
                None => contains(haystack, needle),
            }
        }
        Op::Matches { slot, regex } => regex.is_match(text(row, *slot)?),
        Op::Measure(comparison) => comparison.eval(row)?,
        Op::Not(_) | Op::And(_) | Op::Or(_) => return eval_compound(node, row),
    })
}

/// `not`, `and` and `or`: a result as soon as one operand decides it; otherwise the first
/// operand that could not be evaluated makes the whole invalid.
fn eval_compound(node: &Op, row: &impl Row) -> Result<bool, Invalid> {
    Ok(match node {
        Op::Not(inner) => !eval_node(inner, row)?,
        Op::And(operands) => {
            let mut first_invalid = None;
            for operand in operands.iter() {
                match eval_node(operand, row) {
                    Ok(false) => return Ok(false),
                    Ok(true) => {}
                    Err(e) => {
                        first_invalid.get_or_insert(e);
                    }
                }
            }
            match first_invalid {
                Some(e) => return Err(e),
                None => true,
            }
        }
        Op::Or(operands) => {
            let mut first_invalid = None;
            for operand in operands.iter() {
                match eval_node(operand, row) {
                    Ok(true) => return Ok(true),
                    Ok(false) => {}
                    Err(e) => {
                        first_invalid.get_or_insert(e);
                    }
                }
            }
            match first_invalid {
                Some(e) => return Err(e),
                None => false,
            }
        }
        leaf => return eval_node(leaf, row),
    })
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use crate::expr::ast::{Decimal, FieldPath};
    use crate::expr::parser::{parse, MAX_DEPTH};
    use crate::expr::row::{FieldValue, InvalidReason, TimeUnit};
    use proptest::prelude::*;

    /// A row backed by a vector, one value per slot.
    struct VecRow<'a>(Vec<FieldValue<'a>>);

    impl Row for VecRow<'_> {
        fn value(&self, slot: usize) -> FieldValue<'_> {
            self.0.get(slot).copied().unwrap_or(FieldValue::Missing)
        }
    }

    /// A row whose format tells the units of some slots, as a reader of a known log format
    /// does when the format was recognised per file.
    struct UnitRow<'a> {
        values: Vec<FieldValue<'a>>,
        units: Vec<Option<TimeUnit>>,
    }

    impl Row for UnitRow<'_> {
        fn value(&self, slot: usize) -> FieldValue<'_> {
            self.values
                .get(slot)
                .copied()
                .unwrap_or(FieldValue::Missing)
        }

        fn unit(&self, slot: usize) -> Option<TimeUnit> {
            self.units.get(slot).copied().flatten()
        }
    }

    /// The unit of each field known before reading: `declared` ones, and for the others
    /// `otherwise`.
    fn known<'a>(
        declared: &'a [(&'a str, TimeUnit)],
        otherwise: FieldUnit,
    ) -> impl Fn(&FieldPath) -> FieldUnit + 'a {
        move |path| {
            declared
                .iter()
                .find(|(name, _)| *name == path.to_string())
                .map_or(otherwise, |(_, unit)| FieldUnit::Known(*unit))
        }
    }

    /// Evaluates `src` with the units known before reading (`units`) and the units the row
    /// tells (`row_units`); compile errors are `Err(Err(message))`.
    #[allow(clippy::type_complexity)]
    fn run_units(
        src: &str,
        values: &[(&str, FieldValue<'_>)],
        units: &dyn Fn(&FieldPath) -> FieldUnit,
        row_units: &[(&str, TimeUnit)],
    ) -> Result<Result<bool, (String, InvalidReason)>, String> {
        let expr = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let mut slots = FieldSlots::new();
        let program =
            Program::compile_with_units(&expr, &mut slots, units).map_err(|e| e.message)?;
        let lookup = |p: &FieldPath| p.to_string();
        let row = UnitRow {
            values: slots
                .paths()
                .iter()
                .map(|p| {
                    values
                        .iter()
                        .find(|(name, _)| *name == lookup(p))
                        .map_or(FieldValue::Missing, |(_, v)| *v)
                })
                .collect(),
            units: slots
                .paths()
                .iter()
                .map(|p| {
                    row_units
                        .iter()
                        .find(|(name, _)| *name == lookup(p))
                        .map(|(_, u)| *u)
                })
                .collect(),
        };
        Ok(program
            .eval(&row)
            .map_err(|inv| (slots.paths()[inv.slot].to_string(), inv.reason)))
    }

    /// `run` with the units of a log of unknown format: each row tells.
    fn per_row(
        src: &str,
        values: &[(&str, FieldValue<'_>)],
    ) -> Result<bool, (String, InvalidReason)> {
        run_units(src, values, &|_| FieldUnit::PerRow, &[]).unwrap_or_else(|e| panic!("{src}: {e}"))
    }

    #[test]
    fn durations_written_with_units_compare_with_duration_literals() {
        for (value, want) in [
            ("126ms", true),
            ("300ms", true),
            ("300.000001ms", false),
            ("0.058927s", true),
            ("0.3s", true),
            ("0.3000000001s", false),
            ("1.5µs", true),
            ("1.5us", true),
            ("299999999ns", true),
            ("300000001ns", false),
            ("1m", false),
            ("-5s", true),
        ] {
            let row = [("latency", s(value))];
            assert_eq!(per_row("latency <= 300ms", &row), Ok(want), "{value}");
            assert_eq!(per_row("300ms >= latency", &row), Ok(want), "{value}");
            assert_eq!(per_row("latency > 300ms", &row), Ok(!want), "{value}");
        }
        assert_eq!(per_row("x == 1h30m", &[("x", s("90m"))]), Ok(true));
        assert_eq!(per_row("x == 2m", &[("x", s("120s"))]), Ok(true));
        assert_eq!(per_row("x == 2m", &[("x", s("2ms"))]), Ok(false));
        assert_eq!(per_row("x != 1s", &[("x", s("1000ms"))]), Ok(false));
    }

    #[test]
    fn bare_numbers_take_the_unit_declared_or_told_by_the_row() {
        // request_time in seconds, the nginx way: the boundary is exact.
        let units = [("request_time", TimeUnit::Seconds)];
        let declared = known(&units, FieldUnit::Unitless);
        for (value, want) in [
            ("0.300", true),
            ("0.3", true),
            ("0.3001", false),
            ("0.2999", true),
            ("0.30000000001", false),
            ("0.3000000000000000000000000001", false),
            ("0.29999999999999999", true),
            ("0", true),
            ("126ms", true),
            ("301ms", false),
        ] {
            let row = [("request_time", s(value))];
            assert_eq!(
                run_units("request_time <= 300ms", &row, &declared, &[]),
                Ok(Ok(want)),
                "{value}"
            );
            // The same unit told by the row, for a log whose format is recognised per file.
            assert_eq!(
                run_units(
                    "request_time <= 300ms",
                    &row,
                    &|_| FieldUnit::PerRow,
                    &units
                ),
                Ok(Ok(want)),
                "{value}"
            );
        }
        let ms = [("latency_ms", TimeUnit::Milliseconds)];
        let ms = known(&ms, FieldUnit::Unitless);
        let row = [("latency_ms", s("300"))];
        assert_eq!(
            run_units("latency_ms <= 300ms", &row, &ms, &[]),
            Ok(Ok(true))
        );
        assert_eq!(
            run_units("latency_ms < 0.3s", &row, &ms, &[]),
            Ok(Ok(false))
        );
        assert_eq!(
            run_units("latency_ms == 300000us", &row, &ms, &[]),
            Ok(Ok(true))
        );
        // Compared with a number, a field is read as a number in its own unit, as always.
        assert_eq!(run_units("latency_ms <= 300", &row, &ms, &[]), Ok(Ok(true)));
        assert_eq!(
            run_units("latency_ms <= 300", &[("latency_ms", s("2s"))], &ms, &[]),
            Ok(Err(("latency_ms".into(), Duration)))
        );
        // The declared unit wins over the row's.
        let row = [("t", s("300"))];
        let t_ms = [("t", TimeUnit::Milliseconds)];
        let t_s = [("t", TimeUnit::Seconds)];
        assert_eq!(
            run_units("t <= 300ms", &row, &known(&t_ms, FieldUnit::PerRow), &t_s),
            Ok(Ok(true))
        );
    }

    #[test]
    fn a_bare_number_with_no_unit_met_by_a_duration() {
        // Known before reading: an error naming the field and the fix.
        let message = run_units(
            "status < 500 and latency_ms <= 300ms",
            &[],
            &|_| FieldUnit::Unitless,
            &[],
        )
        .unwrap_err();
        assert!(
            message.contains("`latency_ms` has no known unit"),
            "{message}"
        );
        assert!(
            message.contains("source: {units: {latency_ms: ms}}"),
            "{message}"
        );
        let expr = parse("status < 500 and latency_ms <= 300ms").unwrap();
        let e =
            Program::compile_with_units(&expr, &mut FieldSlots::new(), &|_| FieldUnit::Unitless)
                .unwrap_err();
        assert_eq!(e.offset, 17, "points at the field");
        // Values written with a unit are durations even in a field with none.
        assert!(run_units("x + 1s > 2s", &[], &|_| FieldUnit::Unitless, &[])
            .unwrap_err()
            .contains("cannot be added to a duration"));
        // Learnt per row: the row is invalid, naming the field.
        assert_eq!(
            per_row("latency_ms <= 300ms", &[("latency_ms", s("250"))]),
            inv("latency_ms", NoUnit)
        );
        assert_eq!(
            per_row("latency_ms <= 300ms", &[("latency_ms", s("250ms"))]),
            Ok(true)
        );
        assert_eq!(
            per_row("a + b <= 1s", &[("a", s("1ms")), ("b", s("2"))]),
            inv("b", NoUnit)
        );
        assert_eq!(
            per_row("a + b <= 1s", &[("a", s("1")), ("b", s("2"))]),
            inv("a", NoUnit)
        );
        assert_eq!(
            per_row("a + b <= 1", &[("a", s("1ms")), ("b", s("2"))]),
            inv("b", NoUnit)
        );
        assert_eq!(
            per_row("a + b <= 1", &[("a", s("1ms")), ("b", s("2ms"))]),
            inv("a", Duration)
        );
        assert_eq!(
            per_row("a * b <= 1s", &[("a", s("1ms")), ("b", s("2ms"))]),
            inv("b", Duration)
        );
        assert_eq!(
            per_row("a / b <= 1", &[("a", s("1")), ("b", s("2ms"))]),
            inv("a", NoUnit)
        );
        assert_eq!(
            per_row("sum(a) <= 1", &[("a", s("1ms, 2ms"))]),
            inv("a", Duration)
        );
    }

    #[test]
    fn arithmetic_follows_physics() {
        let units = [
            ("req", TimeUnit::Seconds),
            ("target", TimeUnit::Seconds),
            ("resp", TimeUnit::Seconds),
            ("env_ms", TimeUnit::Milliseconds),
            ("gone", TimeUnit::Seconds),
        ];
        let alb = known(&units, FieldUnit::Unitless);
        let row = [
            ("req", s("0.000")),
            ("target", s("0.499")),
            ("resp", s("0.001")),
            ("env_ms", s("250")),
            ("count", s("4")),
            ("status", s("503")),
            ("zero", s("0")),
        ];
        let eval = |src: &str| run_units(src, &row, &alb, &[]);
        assert_eq!(eval("req + target + resp <= 500ms"), Ok(Ok(true)));
        assert_eq!(eval("req + target + resp < 500ms"), Ok(Ok(false)));
        assert_eq!(eval("target - resp == 498ms"), Ok(Ok(true)));
        assert_eq!(eval("target + env_ms == 749ms"), Ok(Ok(true)));
        assert_eq!(eval("env_ms * 2 == 0.5s"), Ok(Ok(true)));
        assert_eq!(eval("2 * env_ms == 0.5s"), Ok(Ok(true)));
        assert_eq!(eval("env_ms / 2 == 125ms"), Ok(Ok(true)));
        assert_eq!(eval("env_ms / count == 62.5ms"), Ok(Ok(true)));
        assert_eq!(eval("target / env_ms > 1.99"), Ok(Ok(true)));
        assert_eq!(eval("target / env_ms == 1.996"), Ok(Ok(true)));
        assert_eq!(eval("count * 1ms == 4ms"), Ok(Ok(true)));
        assert_eq!(eval("-env_ms < 0s"), Ok(Ok(true)));
        assert_eq!(eval("(env_ms + 50ms) * 2 == 600ms"), Ok(Ok(true)));
        assert_eq!(eval("env_ms + 50ms * 2 == 350ms"), Ok(Ok(true)));
        // Numbers stay exact: no 0.1 + 0.2 != 0.3 here.
        assert_eq!(eval("count / 10 + 0.2 == 0.6"), Ok(Ok(true)));
        assert_eq!(eval("count / 3 * 3 == 4"), Ok(Ok(true)));
        // `/` divides exactly: 503 / 100 is 5.03.
        assert_eq!(eval("status / 100 == 5"), Ok(Ok(false)));
        assert_eq!(eval("status / 100 == 5.03"), Ok(Ok(true)));
        assert_eq!(eval("status / 100 >= 5"), Ok(Ok(true)));
        // Division by zero makes the row invalid, naming the divisor.
        assert_eq!(
            eval("count / zero > 1"),
            Ok(Err(("zero".into(), DivisionByZero)))
        );
        assert_eq!(
            eval("env_ms / (count - 4) > 1ms"),
            Ok(Err(("count".into(), DivisionByZero)))
        );
        // Missing values too.
        assert_eq!(eval("req + gone <= 1s"), Ok(Err(("gone".into(), Missing))));
        // Kinds that mean nothing are errors before reading.
        for (src, needle) in [
            ("req + 1 <= 1s", "this is a number"),
            ("req * target > 1s", "a duration times a duration"),
            ("1 / req > 1", "a number divided by a duration"),
            ("req + target <= 0.5", "write it with a unit, e.g. 500ms"),
            ("count <= 1s + 0", "this is a number"),
            ("count + 1 <= 1s", "`count` has no known unit"),
            ("count / req > 1", "`count` has no known unit"),
            ("env_ms / 0 > 1ms", "division by zero"),
            ("env_ms / (2 - 2) > 1ms", "division by zero"),
        ] {
            let message = eval(src).unwrap_err();
            assert!(message.contains(needle), "{src}: {message}");
        }
    }

    #[test]
    fn constant_arithmetic_is_folded_and_checked() {
        let row = [("x", s("1"))];
        assert_eq!(run("x == 1 + 1 - 1", &row), Ok(true));
        assert_eq!(run("x * 1s == 0.5s * 2", &row), Ok(true));
        assert_eq!(run("x * 1s == -(-1000ms)", &row), Ok(true));
        let expr = parse("x == 1 / 0").unwrap();
        let e = Program::compile(&expr, &mut FieldSlots::new()).unwrap_err();
        assert_eq!(e.offset, 9);
        assert!(e.message.contains("division by zero"), "{}", e.message);
        let expr = parse(&format!("x * 1 == {}", "9".repeat(38))).unwrap();
        assert!(Program::compile(&expr, &mut FieldSlots::new()).is_ok());
        let expr = parse("x * 1s == 1e300").unwrap();
        let e = Program::compile(&expr, &mut FieldSlots::new()).unwrap_err();
        assert!(e.message.contains("too large"), "{}", e.message);
    }

    #[test]
    fn multi_value_fields() {
        let s_ = [("up", TimeUnit::Seconds)];
        let nginx = known(&s_, FieldUnit::Unitless);
        let eval = |src: &str, value: &str| run_units(src, &[("up", s(value))], &nginx, &[]);
        assert_eq!(eval("sum(up) == 854ms", "0.000, 0.854"), Ok(Ok(true)));
        assert_eq!(eval("last(up) == 854ms", "0.000, 0.854"), Ok(Ok(true)));
        assert_eq!(eval("first(up) == 0s", "0.000, 0.854"), Ok(Ok(true)));
        assert_eq!(eval("sum(up) == 6ms", "0.001, 0.002 : 0.003"), Ok(Ok(true)));
        assert_eq!(
            eval("last(up) == 3ms", "0.001, 0.002 : 0.003"),
            Ok(Ok(true))
        );
        assert_eq!(
            eval("first(up) == 1ms", "0.001, 0.002 : 0.003"),
            Ok(Ok(true))
        );
        // One value is a list of one.
        assert_eq!(eval("sum(up) == 5ms", "0.005"), Ok(Ok(true)));
        assert_eq!(eval("last(up) == 5ms", "0.005"), Ok(Ok(true)));
        // Read directly, several values are invalid, with a hint.
        assert_eq!(
            eval("up <= 1s", "0.000, 0.854"),
            Ok(Err(("up".into(), SeveralValues)))
        );
        assert_eq!(
            eval("up <= 1", "0.000, 0.854"),
            Ok(Err(("up".into(), SeveralValues)))
        );
        assert_eq!(
            run("status == 200", &[("status", s("502, 200"))]),
            inv("status", SeveralValues)
        );
        // A missing upstream (`-`) is missing where it is read.
        assert_eq!(
            eval("sum(up) <= 1s", "0.001, -"),
            Ok(Err(("up".into(), Missing)))
        );
        assert_eq!(
            eval("last(up) <= 1s", "0.001, -"),
            Ok(Err(("up".into(), Missing)))
        );
        assert_eq!(eval("first(up) <= 1s", "0.001, -"), Ok(Ok(true)));
        assert_eq!(
            eval("sum(up) <= 1s", "0.001, x"),
            Ok(Err(("up".into(), NotANumber)))
        );
        assert_eq!(
            eval("sum(up) <= 1s", "0.001,"),
            Ok(Err(("up".into(), NotANumber)))
        );
        // Values with their own units; a bare one among them has no unit to join them.
        assert_eq!(
            per_row("sum(x) == 3ms", &[("x", s("1ms, 2000us"))]),
            Ok(true)
        );
        assert_eq!(
            per_row("sum(x) == 3ms", &[("x", s("1ms, 2"))]),
            inv("x", NoUnit)
        );
        assert_eq!(per_row("sum(x) == 3", &[("x", s("1, 2"))]), Ok(true));
    }

    proptest! {
        /// A bare decimal of seconds compared with a duration literal in milliseconds agrees
        /// with integer arithmetic on the digits, wherever the boundary falls.
        #[test]
        fn decimal_seconds_against_millisecond_literals(
            whole in 0u32..5,
            frac in 0u32..1_000_000,
            digits in 1usize..=6,
            limit_ms in 0u32..5_000,
        ) {
            let frac = frac % 10u32.pow(u32::try_from(digits).unwrap());
            let value = format!("{whole}.{frac:0digits$}");
            let units = [("t", TimeUnit::Seconds)];
            let got = run_units(
                &format!("t <= {limit_ms}ms"),
                &[("t", s(&value))],
                &known(&units, FieldUnit::Unitless),
                &[],
            ).unwrap().unwrap();
            // value in micro-units of 10^-6 s against limit in the same units.
            let scale = 10u64.pow(6 - u32::try_from(digits).unwrap());
            let value_us = u64::from(whole) * 1_000_000 + u64::from(frac) * scale;
            prop_assert_eq!(got, value_us <= u64::from(limit_ms) * 1_000);
        }
    }

    fn s(text: &str) -> FieldValue<'_> {
        FieldValue::Scalar(text.as_bytes())
    }

    /// Evaluates `src` over a row given as (dotted name, value) pairs;
    /// `Invalid` is reported as `Err((name, reason))`.
    fn run(src: &str, values: &[(&str, FieldValue<'_>)]) -> Result<bool, (String, InvalidReason)> {
        let expr = parse(src).unwrap_or_else(|e| panic!("{src:?}: {e}"));
        let mut slots = FieldSlots::new();
        let program = Program::compile(&expr, &mut slots).unwrap();
        let row = VecRow(
            slots
                .paths()
                .iter()
                .map(|p| {
                    values
                        .iter()
                        .find(|(name, _)| *name == p.to_string())
                        .map_or(FieldValue::Missing, |(_, v)| *v)
                })
                .collect(),
        );
        program
            .eval(&row)
            .map_err(|inv| (slots.paths()[inv.slot].to_string(), inv.reason))
    }

    fn inv(name: &str, reason: InvalidReason) -> Result<bool, (String, InvalidReason)> {
        Err((name.to_owned(), reason))
    }

    use InvalidReason::*;

    #[test]
    fn numeric_comparisons() {
        let row = [("status", s("503"))];
        assert_eq!(run("status == 503", &row), Ok(true));
        assert_eq!(run("status != 503", &row), Ok(false));
        assert_eq!(run("status < 500", &row), Ok(false));
        assert_eq!(run("status <= 503", &row), Ok(true));
        assert_eq!(run("status > 500", &row), Ok(true));
        assert_eq!(run("status >= 504", &row), Ok(false));
        assert_eq!(run("600 > status", &row), Ok(true));
        assert_eq!(run("503 >= status", &row), Ok(true));
        assert_eq!(run("503.0 == status", &row), Ok(true));
        assert_eq!(run("x > -1", &[("x", s("-0.5"))]), Ok(true));
        assert_eq!(run("x == 0", &[("x", s("-0"))]), Ok(true));
        assert_eq!(run("x == 1000", &[("x", s(" 1e3\t"))]), Ok(true));
        assert_eq!(run("x == 1", &[("x", s("+1"))]), Ok(true));
    }

    /// A field and a literal that are one `f64` apart from their exact values are compared
    /// exactly, as `sum()` and arithmetic compare them; what exact arithmetic refuses (`inf`,
    /// past 38 digits) is no number here either.
    #[test]
    fn numeric_comparisons_are_exact_where_f64_ties() {
        let x = |text| [("x", s(text))];
        assert_eq!(
            run("x == 9007199254740992", &x("9007199254740993")),
            Ok(false)
        );
        assert_eq!(
            run("x > 9007199254740992", &x("9007199254740993")),
            Ok(true)
        );
        assert_eq!(
            run("x == 9007199254740993", &x("9007199254740993")),
            Ok(true)
        );
        assert_eq!(run("x == 0.3", &x("0.30000000000000001")), Ok(false));
        assert_eq!(run("x > 0.3", &x("0.30000000000000001")), Ok(true));
        assert_eq!(run("x <= 0.3", &x("0.3")), Ok(true));
        assert_eq!(run("x == 0.3", &x("0.300")), Ok(true));
        assert_eq!(run("x in [0.1, 0.2]", &x("0.10000000000000001")), Ok(false));
        assert_eq!(run("x in [0.10000000000000001, 0.1]", &x("0.1")), Ok(true));
        assert_eq!(run("x not in [0.10000000000000001]", &x("0.1")), Ok(true));
        assert_eq!(
            run("x in [0.10000000000000001]", &x("0.10000000000000001")),
            Ok(true)
        );
        // The same answers as arithmetic gives.
        for (expr, value) in [
            ("x == 0.3", "0.30000000000000001"),
            ("x > 9007199254740992", "9007199254740993"),
        ] {
            let sum = expr.replacen('x', "(x + 0)", 1);
            assert_eq!(
                run(expr, &x(value)),
                run(&sum, &x(value)),
                "{expr} on {value}"
            );
        }
        for text in ["inf", "-infinity", "Infinity"] {
            assert_eq!(run("x > 1000", &x(text)), inv("x", NotANumber), "{text}");
        }
        for text in [
            "1e400",
            "-1e400",
            "1e-400",
            "0.12345678901234567890123456789012345678901",
        ] {
            assert_eq!(run("x < 1", &x(text)), inv("x", OutOfRange), "{text}");
        }
    }

    #[test]
    fn numbers_that_are_not_numbers() {
        assert_eq!(run("x > 1", &[("x", s("NaN"))]), inv("x", NotANumber));
        assert_eq!(run("x != 1", &[("x", s("nan"))]), inv("x", NotANumber));
        assert_eq!(run("x > 1", &[("x", s("abc"))]), inv("x", NotANumber));
        assert_eq!(run("x > 1", &[("x", s(""))]), inv("x", NotANumber));
        assert_eq!(run("x > 1", &[("x", s("1_000"))]), inv("x", NotANumber));
        assert_eq!(
            run("x > 1", &[("x", FieldValue::Scalar(b"\xff1"))]),
            inv("x", NotANumber)
        );
        assert_eq!(
            run("x > 1", &[("x", FieldValue::Composite)]),
            inv("x", NotANumber)
        );
        assert_eq!(run("x > 1", &[("x", FieldValue::Null)]), inv("x", Null));
        assert_eq!(run("x > 1", &[]), inv("x", Missing));
    }

    #[test]
    fn text_comparisons() {
        let row = [("m", s("GET"))];
        assert_eq!(run("m == 'GET'", &row), Ok(true));
        assert_eq!(run("m == 'get'", &row), Ok(false));
        assert_eq!(run("m != 'POST'", &row), Ok(true));
        assert_eq!(run("m < 'H'", &row), Ok(true));
        assert_eq!(run("m <= 'GET'", &row), Ok(true));
        assert_eq!(run("m > 'GE'", &row), Ok(true));
        assert_eq!(run("m >= 'GEU'", &row), Ok(false));
        assert_eq!(run("'H' > m", &row), Ok(true));
        // Bytes compare lexicographically: 'é' (0xC3 0xA9) sorts after 'z'.
        assert_eq!(run("x > 'z'", &[("x", s("é"))]), Ok(true));
        assert_eq!(run("x == 'é'", &[("x", s("é"))]), Ok(true));
        assert_eq!(run("x == ''", &[("x", s(""))]), Ok(true));
        assert_eq!(
            run("m == 'GET'", &[("m", FieldValue::Composite)]),
            inv("m", NotText)
        );
        assert_eq!(
            run("m == 'GET'", &[("m", FieldValue::Null)]),
            inv("m", Null)
        );
        assert_eq!(run("m == 'GET'", &[]), inv("m", Missing));
    }

    #[test]
    fn the_literal_decides_how_a_field_is_read() {
        // "10" vs "9": numerically greater, textually smaller.
        let row = [("v", s("10"))];
        assert_eq!(run("v > 9", &row), Ok(true));
        assert_eq!(run("v > '9'", &row), Ok(false));
        assert_eq!(run("v == 10", &[("v", s("10.0"))]), Ok(true));
        assert_eq!(run("v == '10'", &[("v", s("10.0"))]), Ok(false));
        assert_eq!(run("v == ' 10'", &[("v", s(" 10"))]), Ok(true));
        assert_eq!(run("v == 10", &[("v", s(" 10"))]), Ok(true));
        let row = [("v", s("abc"))];
        assert_eq!(run("v == 'abc'", &row), Ok(true));
        assert_eq!(run("v == 1", &row), inv("v", NotANumber));
    }

    #[test]
    fn booleans() {
        for (text, want) in [
            ("true", true),
            ("TRUE", true),
            ("False", false),
            (" true ", true),
        ] {
            let row = [("ok", s(text))];
            assert_eq!(run("ok", &row), Ok(want), "{text}");
            assert_eq!(run("!ok", &row), Ok(!want), "{text}");
            assert_eq!(run("ok == true", &row), Ok(want), "{text}");
            assert_eq!(run("ok == false", &row), Ok(!want), "{text}");
            assert_eq!(run("ok != true", &row), Ok(!want), "{text}");
            assert_eq!(run("false != ok", &row), Ok(want), "{text}");
            assert_eq!(run("field('ok')", &row), Ok(want), "{text}");
        }
        for text in ["1", "yes", "", "t"] {
            assert_eq!(
                run("ok", &[("ok", s(text))]),
                inv("ok", NotABoolean),
                "{text}"
            );
            assert_eq!(
                run("ok == true", &[("ok", s(text))]),
                inv("ok", NotABoolean)
            );
        }
        assert_eq!(
            run("ok", &[("ok", FieldValue::Composite)]),
            inv("ok", NotABoolean)
        );
        assert_eq!(run("ok", &[("ok", FieldValue::Null)]), inv("ok", Null));
        assert_eq!(run("ok", &[]), inv("ok", Missing));
        assert_eq!(run("true", &[]), Ok(true));
        assert_eq!(run("false", &[]), Ok(false));
        assert_eq!(run("not false", &[]), Ok(true));
    }

    #[test]
    fn in_lists() {
        let row = [("status", s("503")), ("m", s("HEAD"))];
        assert_eq!(run("status in [500, 502, 503]", &row), Ok(true));
        assert_eq!(run("status in [503.0]", &row), Ok(true));
        assert_eq!(run("status in [500, 504]", &row), Ok(false));
        assert_eq!(run("status not in [500, 504]", &row), Ok(true));
        assert_eq!(run("status not in [503, 503]", &row), Ok(false));
        assert_eq!(run("!(status in [503])", &row), Ok(false));
        assert_eq!(run("m in ['GET', 'HEAD']", &row), Ok(true));
        assert_eq!(run("m in ['head']", &row), Ok(false));
        assert_eq!(run("m not in ['GET']", &row), Ok(true));
        assert_eq!(run("x in [0]", &[("x", s("-0"))]), Ok(true));
        assert_eq!(run("x in [-0, 3]", &[("x", s("0"))]), Ok(true));
        assert_eq!(run("x in [-1, -2, 7]", &[("x", s("-2"))]), Ok(true));
        assert_eq!(run("x in [1]", &[("x", s("nan"))]), inv("x", NotANumber));
        assert_eq!(run("x not in [1]", &[("x", s("x"))]), inv("x", NotANumber));
        assert_eq!(
            run("x in ['a']", &[("x", FieldValue::Composite)]),
            inv("x", NotText)
        );
        assert_eq!(run("x not in ['a']", &[]), inv("x", Missing));
    }

    #[test]
    fn methods() {
        let row = [("path", s("/api/v2/users.json"))];
        assert_eq!(run("path.startsWith('/api')", &row), Ok(true));
        assert_eq!(run("path.startsWith('/API')", &row), Ok(false));
        assert_eq!(run("path.endsWith('.json')", &row), Ok(true));
        assert_eq!(run("path.endsWith('.xml')", &row), Ok(false));
        assert_eq!(run("path.contains('v2')", &row), Ok(true));
        assert_eq!(run("path.contains('v3')", &row), Ok(false));
        assert_eq!(run("path.contains('')", &row), Ok(true));
        assert_eq!(run("path.contains('.')", &row), Ok(true));
        assert_eq!(run("path.matches(r'^/api/v\\d+/')", &row), Ok(true));
        assert_eq!(run("path.matches('^/api/v\\\\d+/')", &row), Ok(true));
        assert_eq!(run("path.matches('^/v')", &row), Ok(false));
        assert_eq!(run("path.matches('(?i)USERS')", &row), Ok(true));
        for m in ["startsWith", "endsWith", "contains", "matches"] {
            let src = format!("path.{m}('x')");
            assert_eq!(run(&src, &[]), inv("path", Missing), "{m}");
            assert_eq!(run(&src, &[("path", FieldValue::Null)]), inv("path", Null));
            assert_eq!(
                run(&src, &[("path", FieldValue::Composite)]),
                inv("path", NotText)
            );
        }
        // Non-UTF-8 bytes are fine for text methods.
        assert_eq!(
            run(
                "b.contains('z')",
                &[("b", FieldValue::Scalar(b"\xffz\xfe"))]
            ),
            Ok(true)
        );
        assert_eq!(
            run("b.matches('z')", &[("b", FieldValue::Scalar(b"\xffz\xfe"))]),
            Ok(true)
        );
    }

    #[test]
    fn dotted_paths_and_field_function() {
        let row = [
            ("http.status", s("500")),
            ("http", FieldValue::Composite),
            ("user-agent", s("curl/8.0")),
            ("a.b", s("x-y")),
        ];
        assert_eq!(run("http.status >= 500", &row), Ok(true));
        assert_eq!(run("http == 'x'", &row), inv("http", NotText));
        assert_eq!(run("field('user-agent').contains('curl')", &row), Ok(true));
        assert_eq!(
            run("field(\"user-agent\").startsWith('wget')", &row),
            Ok(false)
        );
        assert_eq!(run("a.b.startsWith('x')", &row), Ok(true));
        assert_eq!(run("a.b.endsWith('y')", &row), Ok(true));
    }

    #[test]
    fn logic_tables_with_invalid_are_order_independent() {
        // t: true, f: false, i: invalid (missing field).
        let row = [("t", s("true")), ("f", s("false"))];
        let and_cases = [
            ("t and t", Ok(true)),
            ("t and f", Ok(false)),
            ("f and t", Ok(false)),
            ("f and f", Ok(false)),
            ("f and i", Ok(false)),
            ("i and f", Ok(false)),
            ("t and i", inv("i", Missing)),
            ("i and t", inv("i", Missing)),
            ("i and i", inv("i", Missing)),
        ];
        let or_cases = [
            ("t or t", Ok(true)),
            ("t or f", Ok(true)),
            ("f or t", Ok(true)),
            ("f or f", Ok(false)),
            ("t or i", Ok(true)),
            ("i or t", Ok(true)),
            ("f or i", inv("i", Missing)),
            ("i or f", inv("i", Missing)),
            ("i or i", inv("i", Missing)),
        ];
        for (src, want) in and_cases.iter().chain(or_cases.iter()) {
            assert_eq!(run(src, &row), *want, "{src}");
            let symbolic = src.replace("and", "&&").replace("or", "||");
            assert_eq!(run(&symbolic, &row), *want, "{symbolic}");
        }
        assert_eq!(run("not i", &row), inv("i", Missing));
        assert_eq!(run("!!i", &row), inv("i", Missing));
        assert_eq!(run("not (f and i)", &row), Ok(true));
        assert_eq!(run("not (t or i)", &row), Ok(false));
        assert_eq!(run("i and t and f", &row), Ok(false));
        assert_eq!(run("i or f or t", &row), Ok(true));
        // Several invalid fields: the first one encountered is reported.
        assert_eq!(run("t and j > 1 and i", &row), inv("j", Missing));
    }

    #[test]
    fn precedence_in_evaluation() {
        let row = [("a", s("true")), ("b", s("false")), ("c", s("false"))];
        // not > and > or
        assert_eq!(run("a or b and c", &row), Ok(true));
        assert_eq!(run("(a or b) and c", &row), Ok(false));
        assert_eq!(run("not a or a", &row), Ok(true));
        assert_eq!(run("not (a or a)", &row), Ok(false));
        assert_eq!(run("!b && !c", &row), Ok(true));
        assert_eq!(run("b || c || a && !b", &row), Ok(true));
    }

    #[test]
    fn slots_are_shared_across_programs() {
        let mut slots = FieldSlots::new();
        let p1 = Program::compile(&parse("b > 1 and a").unwrap(), &mut slots).unwrap();
        let p2 = Program::compile(&parse("a or c == 'x' or b < 0").unwrap(), &mut slots).unwrap();
        let names: Vec<String> = slots.paths().iter().map(|p| p.to_string()).collect();
        assert_eq!(names, ["b", "a", "c"]);
        assert_eq!(slots.len(), 3);
        assert!(!slots.is_empty());
        let row = VecRow(vec![s("2"), s("false"), s("x")]);
        assert_eq!(p1.eval(&row), Ok(false));
        assert_eq!(p2.eval(&row), Ok(true));
        let row = VecRow(vec![s("2"), s("true")]);
        assert_eq!(p1.eval(&row), Ok(true));
        assert_eq!(
            p2.eval(&VecRow(vec![s("2"), s("false")])),
            Err(Invalid {
                slot: 2,
                reason: Missing
            })
        );
    }

    #[test]
    fn always_is_true() {
        let row = VecRow(vec![]);
        assert_eq!(Program::always().eval(&row), Ok(true));
    }

    #[test]
    fn invalid_regex_is_a_compile_error_at_the_literal() {
        let expr = parse("a == 1 or path.matches('(unclosed')").unwrap();
        let e = Program::compile(&expr, &mut FieldSlots::new()).unwrap_err();
        assert_eq!(e.offset, 23);
        assert!(e.message.starts_with("invalid regex"), "{}", e.message);
        assert!(e.to_string().ends_with("(at offset 23)"));
        let _: &dyn std::error::Error = &e;
        let expr = parse("path.matches('a{1000}{1000}')").unwrap();
        let e = Program::compile(&expr, &mut FieldSlots::new()).unwrap_err();
        assert_eq!(e.offset, 13);
        assert!(e.message.contains("too large"), "{}", e.message);
    }

    #[test]
    fn hand_built_ast_is_checked() {
        use crate::expr::ast::FieldRef;
        let field = FieldRef {
            path: FieldPath(vec!["x".into()]),
            span: Span::new(0, 1),
        };
        let lit = |value, start, end| Operand::Literal {
            value,
            span: Span::new(start, end),
        };
        let bad_bool = Expr::Compare {
            left: Box::new(Operand::Field(field.clone())),
            op: CmpOp::Lt,
            right: Box::new(lit(Literal::Bool(true), 4, 8)),
            span: Span::new(0, 8),
        };
        assert_eq!(
            Program::compile(&bad_bool, &mut FieldSlots::new())
                .unwrap_err()
                .offset,
            4
        );
        let huge = Expr::Compare {
            left: Box::new(Operand::Field(field.clone())),
            op: CmpOp::Eq,
            right: Box::new(lit(Literal::Number(Decimal::new(1, 400)), 5, 8)),
            span: Span::new(0, 8),
        };
        assert_eq!(
            Program::compile(&huge, &mut FieldSlots::new())
                .unwrap_err()
                .offset,
            5
        );
        let text_left = Expr::Compare {
            left: Box::new(lit(Literal::String("a".into()), 0, 3)),
            op: CmpOp::Eq,
            right: Box::new(Operand::Field(field.clone())),
            span: Span::new(0, 8),
        };
        assert!(Program::compile(&text_left, &mut FieldSlots::new()).is_err());
        let constants = Expr::Compare {
            left: Box::new(lit(Literal::Number(Decimal::new(1, 0)), 0, 1)),
            op: CmpOp::Eq,
            right: Box::new(lit(Literal::Number(Decimal::new(1, 0)), 5, 6)),
            span: Span::new(0, 6),
        };
        let e = Program::compile(&constants, &mut FieldSlots::new()).unwrap_err();
        assert!(e.message.contains("two constants"), "{}", e.message);
    }

    #[test]
    fn long_needle_falls_back_to_plain_search() {
        let needle = "ab".repeat(20_000);
        let src = format!("x.contains('{needle}')");
        let hay = format!("zz{needle}zz");
        assert_eq!(run(&src, &[("x", s(&hay))]), Ok(true));
        assert_eq!(run(&src, &[("x", s("abab"))]), Ok(false));
        assert!(contains(b"hello", b"ll"));
        assert!(!contains(b"he", b"hello"));
    }

    #[test]
    fn deepest_allowed_expression_compiles_and_evaluates() {
        let src = format!(
            "{}x > 1{}",
            "not (".repeat(MAX_DEPTH / 2),
            ")".repeat(MAX_DEPTH / 2)
        );
        let row = [("x", s("2"))];
        assert_eq!(run(&src, &row), Ok(true));
        let src = vec!["x > 1"; 5_000].join(" and ");
        assert_eq!(run(&src, &row), Ok(true));
    }

    fn values() -> impl Strategy<Value = FieldValue<'static>> {
        prop_oneof![
            Just(FieldValue::Missing),
            Just(FieldValue::Null),
            Just(FieldValue::Composite),
            prop::sample::select(vec![
                "0",
                "1",
                "-1",
                "500",
                "1e3",
                "nan",
                "inf",
                "true",
                "FALSE",
                "",
                " 2 ",
                "GET",
                "/api/x",
                "é",
                "126ms",
                "0.300",
                "1.5µs",
                "0.000, 0.854",
                "1 : 2",
                "-",
                "99999999999999999999999999999999999999999",
            ])
            .prop_map(|t| FieldValue::Scalar(t.as_bytes())),
        ]
    }

    const TOKENS: &[&str] = &[
        "a",
        "b",
        "c.d",
        "and",
        "or",
        "not",
        "!",
        "&&",
        "||",
        "(",
        ")",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "in",
        "[1, 2]",
        "['GET', 'x']",
        "500",
        "-1",
        "'GET'",
        "true",
        "false",
        ".startsWith('/a')",
        ".contains('E')",
        ".matches('^[0-9]+$')",
        ".endsWith('x')",
        "field('u-a')",
        "+",
        "-",
        "*",
        "/",
        "300ms",
        "0.5s",
        "sum(a)",
        "last(b)",
        "first(c.d)",
        "0",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever parses either compiles or is refused with an error inside the text (kinds
        /// that cannot fit, such as `300ms + 1`), evaluates without panicking, and `and`/`or`
        /// give the same answer whatever the operand order.
        #[test]
        fn random_programs_evaluate(
            picks in proptest::collection::vec(0..TOKENS.len(), 1..16),
            row in proptest::collection::vec(values(), 8),
        ) {
            let src = picks.iter().map(|i| TOKENS[*i]).collect::<Vec<_>>().join(" ");
            let src = src.replace(" .", ".");
            let Ok(expr) = parse(&src) else { return Ok(()) };
            let mut slots = FieldSlots::new();
            let program = match Program::compile(&expr, &mut slots) {
                Ok(program) => program,
                Err(e) => {
                    prop_assert!(e.offset <= src.len(), "{src}: {e}");
                    return Ok(());
                }
            };
            let row = VecRow(row);
            let result = program.eval(&row);
            if let Err(e) = result {
                prop_assert!(e.slot < slots.len());
            }
            // Swapping the operands of a top-level and/or keeps validity
            // and truth (the reported slot may differ).
            let swapped = match &expr {
                Expr::And { operands, span } => Some(Expr::And {
                    operands: operands.iter().rev().cloned().collect(),
                    span: *span,
                }),
                Expr::Or { operands, span } => Some(Expr::Or {
                    operands: operands.iter().rev().cloned().collect(),
                    span: *span,
                }),
                _ => None,
            };
            if let Some(swapped) = swapped {
                let program2 = Program::compile(&swapped, &mut slots).unwrap();
                prop_assert_eq!(program2.eval(&row).ok(), result.ok());
            }
        }
    }
}
