//! The compiled form of an expression and its evaluation over rows.
//!
//! Compiling resolves every field to a slot number (through
//! [`FieldSlots`]), pre-parses literals (numbers as `f64`, strings as
//! bytes, `in` lists sorted for binary search) and compiles regexes once.
//! [`Program::eval`] then walks the small compiled tree without allocating,
//! reading each field's value through [`super::row`].
//!
//! Evaluation uses three-valued logic: a referenced field that is missing,
//! null or of the wrong kind makes a comparison *invalid* ([`Invalid`]),
//! and `and`/`or`/`not` combine invalid values like CEL does, independently
//! of operand order: `false and invalid` is false, `true or invalid` is
//! true, anything else involving an invalid operand is invalid.

use std::fmt;

use regex::bytes::{Regex, RegexBuilder};

use super::ast::{CmpOp, Expr, FieldRef, ListLiteral, Literal, Method, Span};
use super::row::{boolean, normalise, number, text, FieldSlots, Invalid, Row};

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
    root: Op,
}

#[derive(Debug, Clone)]
enum Op {
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
    NumCmp {
        slot: usize,
        op: CmpOp,
        value: f64,
    },
    TextCmp {
        slot: usize,
        op: CmpOp,
        value: Box<[u8]>,
    },
    /// Sorted, deduplicated, `-0.0` normalised to `0.0`.
    NumIn {
        slot: usize,
        values: Box<[f64]>,
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
        Ok(Program {
            root: compile_node(expr, fields)?,
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
    pub fn eval(&self, row: &impl Row) -> Result<bool, Invalid> {
        eval_node(&self.root, row)
    }
}

fn compile_node(expr: &Expr, reg: &mut FieldSlots) -> Result<Op, CompileError> {
    let mut slot = |field: &FieldRef| reg.slot(&field.path);
    Ok(match expr {
        Expr::Bool { value, .. } => Op::Const(*value),
        Expr::Field(field) => Op::Truthy { slot: slot(field) },
        Expr::Compare {
            field,
            op,
            value,
            value_span,
            ..
        } => match value {
            Literal::Number(n) => {
                if !n.is_finite() {
                    return Err(compile_error(*value_span, "number literals must be finite"));
                }
                Op::NumCmp {
                    slot: slot(field),
                    op: *op,
                    value: normalise(*n),
                }
            }
            Literal::String(s) => Op::TextCmp {
                slot: slot(field),
                op: *op,
                value: bytes(s),
            },
            Literal::Bool(b) => {
                let eq = match op {
                    CmpOp::Eq => true,
                    CmpOp::Ne => false,
                    other => {
                        return Err(compile_error(
                            *value_span,
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
        },
        Expr::In {
            field,
            list,
            negated,
            span,
        } => match list {
            ListLiteral::Numbers(values) => {
                if values.iter().any(|v| !v.is_finite()) {
                    return Err(compile_error(*span, "number literals must be finite"));
                }
                let mut values: Vec<f64> = values.iter().map(|v| normalise(*v)).collect();
                values.sort_by(f64::total_cmp);
                values.dedup();
                Op::NumIn {
                    slot: slot(field),
                    values: values.into(),
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
        Expr::Not { operand, .. } => Op::Not(Box::new(compile_node(operand, reg)?)),
        Expr::And { operands, .. } => Op::And(compile_all(operands, reg)?),
        Expr::Or { operands, .. } => Op::Or(compile_all(operands, reg)?),
    })
}

fn compile_all(operands: &[Expr], reg: &mut FieldSlots) -> Result<Box<[Op]>, CompileError> {
    operands
        .iter()
        .map(|e| compile_node(e, reg))
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

/// One node. Leaves are evaluated here, inline where this is called — the commonest program is a
/// single comparison; `not`, `and` and `or` go through [`eval_compound`].
#[inline(always)]
fn eval_node(node: &Op, row: &impl Row) -> Result<bool, Invalid> {
    Ok(match node {
        Op::Const(b) => *b,
        Op::Truthy { slot } => boolean(row, *slot)?,
        Op::BoolEq { slot, eq, value } => (boolean(row, *slot)? == *value) == *eq,
        Op::NumCmp { slot, op, value } => apply(*op, &number(row, *slot)?, value),
        Op::TextCmp {
            slot,
            op: op @ (CmpOp::Eq | CmpOp::Ne),
            value,
        } => short_eq(text(row, *slot)?, value) == (*op == CmpOp::Eq),
        Op::TextCmp { slot, op, value } => apply(*op, text(row, *slot)?, &**value),
        Op::NumIn {
            slot,
            values,
            negated,
        } => {
            let x = number(row, *slot)?;
            values.binary_search_by(|v| v.total_cmp(&x)).is_ok() != *negated
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
    use crate::expr::ast::FieldPath;
    use crate::expr::parser::{parse, MAX_DEPTH};
    use crate::expr::row::{FieldValue, InvalidReason};
    use proptest::prelude::*;

    /// A row backed by a vector, one value per slot.
    struct VecRow<'a>(Vec<FieldValue<'a>>);

    impl Row for VecRow<'_> {
        fn value(&self, slot: usize) -> FieldValue<'_> {
            self.0.get(slot).copied().unwrap_or(FieldValue::Missing)
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
        assert_eq!(run("x > 1e308", &[("x", s("inf"))]), Ok(true));
        assert_eq!(run("x < 0", &[("x", s("-infinity"))]), Ok(true));
        assert_eq!(run("x == 1", &[("x", s("+1"))]), Ok(true));
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
        let bad_bool = Expr::Compare {
            field: field.clone(),
            op: CmpOp::Lt,
            value: Literal::Bool(true),
            value_span: Span::new(4, 8),
            span: Span::new(0, 8),
        };
        assert_eq!(
            Program::compile(&bad_bool, &mut FieldSlots::new())
                .unwrap_err()
                .offset,
            4
        );
        let nan = Expr::Compare {
            field,
            op: CmpOp::Eq,
            value: Literal::Number(f64::NAN),
            value_span: Span::new(5, 8),
            span: Span::new(0, 8),
        };
        assert!(Program::compile(&nan, &mut FieldSlots::new()).is_err());
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
                "0", "1", "-1", "500", "1e3", "nan", "inf", "true", "FALSE", "", " 2 ", "GET",
                "/api/x", "é",
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
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        /// Whatever parses compiles and evaluates without panicking, and
        /// `and`/`or` give the same answer whatever the operand order.
        #[test]
        fn random_programs_evaluate(
            picks in proptest::collection::vec(0..TOKENS.len(), 1..16),
            row in proptest::collection::vec(values(), 8),
        ) {
            let src = picks.iter().map(|i| TOKENS[*i]).collect::<Vec<_>>().join(" ");
            let src = src.replace(" .", ".");
            let Ok(expr) = parse(&src) else { return Ok(()) };
            let mut slots = FieldSlots::new();
            let program = Program::compile(&expr, &mut slots).unwrap();
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
