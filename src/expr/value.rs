//! Numbers and durations computed from a row: the compiled form of an [`Operand`] that is not
//! simply a field compared with a number, and the rules of the kinds.
//!
//! Kinds follow physics: a duration plus a duration is a duration, a number times a duration is
//! a duration, a duration divided by a number is a duration and by a duration a number; a
//! number plus a duration, a duration times a duration and a number divided by a duration mean
//! nothing and are errors. Whether a field holds numbers or durations is known before reading
//! when its unit is ([`FieldUnit::Known`]: always durations) or when the log format writes bare
//! numbers ([`FieldUnit::Unitless`]: numbers, unless a value carries a unit); a mistake is then
//! found when the spec loads. Otherwise ([`FieldUnit::PerRow`]) each row decides, and a row
//! whose kinds do not fit is invalid, with the field to blame.
//!
//! All values are exact ([`Exact`]); nothing here allocates once compiled.

use std::cmp::Ordering;

use super::ast::{ArithOp, CmpOp, FieldPath, FieldRef, Function, Literal, Operand, Span};
use super::exact::Problem;
use super::program::CompileError;
use super::row::{
    measure, FieldSlots, FieldUnit, Invalid, InvalidReason, MeasureRead, Pick, Quantity, Row,
};

/// What is known of a value's kind before reading.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Duration,
    /// Decided by each row.
    Unknown,
}

/// A compiled value.
#[derive(Debug, Clone)]
pub(super) enum Value {
    /// A literal, or arithmetic over literals, computed once.
    Const(Quantity),
    /// A field's value, or some of its values.
    Field(MeasureRead, Pick),
    /// `-x`.
    Neg(Box<Value>, Blame),
    /// Arithmetic.
    Binary(Box<Binary>),
}

/// The fields to name when a computation fails on a row.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Blame {
    /// The first field whose kind each row decides (a value written with a unit, a unit told
    /// by the row), to name when the kinds do not fit.
    variable: Option<usize>,
    /// The first field of all.
    any: Option<usize>,
}

/// Two compiled values and what to blame on each side.
#[derive(Debug, Clone)]
pub(super) struct Pair {
    left: Value,
    right: Value,
    left_blame: Blame,
    right_blame: Blame,
}

/// `left OP right` over numbers and durations.
#[derive(Debug, Clone)]
pub(super) struct Binary {
    op: ArithOp,
    pair: Pair,
}

/// `left OP right`, compared.
#[derive(Debug, Clone)]
pub(super) struct Comparison {
    op: CmpOp,
    pair: Pair,
}

/// A value being compiled: the value, its kind, and the fields to blame.
struct Compiled {
    value: Value,
    kind: Kind,
    blame: Blame,
    /// The first field read whose bare numbers have no unit (known before reading), with where
    /// it was written: named when such a number meets a duration.
    unitless: Option<(FieldPath, Span)>,
    span: Span,
}

fn error(span: Span, message: impl Into<String>) -> CompileError {
    CompileError {
        offset: span.start,
        message: message.into(),
    }
}

/// The error for a field without a unit whose bare numbers meet a duration (`what` says how).
fn no_unit(path: &FieldPath, span: Span, what: &str) -> CompileError {
    error(
        span,
        format!(
            "`{path}` has no known unit, so its bare numbers cannot be {what} a duration; \
             declare the unit its log writes them in, e.g. source: {{units: {{{path}: ms}}}}"
        ),
    )
}

/// The parameters compilation needs besides the tree.
pub(super) struct Context<'a> {
    pub(super) fields: &'a mut FieldSlots,
    pub(super) units: &'a dyn Fn(&FieldPath) -> FieldUnit,
}

impl Context<'_> {
    fn field(&mut self, field: &FieldRef, pick: Pick, span: Span) -> Compiled {
        let slot = self.fields.slot(&field.path);
        let unit = (self.units)(&field.path);
        let (kind, variable) = match unit {
            FieldUnit::Known(_) => (Kind::Duration, None),
            FieldUnit::Unitless => (Kind::Number, Some(slot)),
            FieldUnit::PerRow => (Kind::Unknown, Some(slot)),
        };
        Compiled {
            value: Value::Field(MeasureRead { slot, unit }, pick),
            kind,
            blame: Blame {
                variable,
                any: Some(slot),
            },
            unitless: (unit == FieldUnit::Unitless).then(|| (field.path.clone(), field.span)),
            span,
        }
    }

    fn operand(&mut self, operand: &Operand) -> Result<Compiled, CompileError> {
        let span = operand.span();
        match operand {
            Operand::Field(field) => Ok(self.field(field, Pick::Only, span)),
            Operand::Call {
                function, field, ..
            } => {
                let pick = match function {
                    Function::Sum => Pick::Sum,
                    Function::First => Pick::First,
                    Function::Last => Pick::Last,
                };
                Ok(self.field(field, pick, span))
            }
            Operand::Literal { value, span } => literal(value, *span),
            Operand::Negate { operand, .. } => {
                let inner = self.operand(operand)?;
                let value = match inner.value {
                    Value::Const(q) => Value::Const(Quantity {
                        value: q.value.neg().map_err(|_| too_large(span))?,
                        duration: q.duration,
                    }),
                    other => Value::Neg(Box::new(other), inner.blame),
                };
                Ok(Compiled {
                    value,
                    span,
                    ..inner
                })
            }
            Operand::Arith {
                op, left, right, ..
            } => {
                let left = self.operand(left)?;
                let right = self.operand(right)?;
                arith(*op, left, right, span)
            }
        }
    }
}

fn too_large(span: Span) -> CompileError {
    error(
        span,
        "this is too large (or too precise) to compute exactly: more than 38 digits",
    )
}

fn literal(value: &Literal, span: Span) -> Result<Compiled, CompileError> {
    let (decimal, duration) = match value {
        Literal::Number(d) => (d, false),
        Literal::Duration(d) => (d, true),
        Literal::String(_) | Literal::Bool(_) => {
            return Err(error(
                span,
                "arithmetic and comparisons of values work on numbers and durations, not on text or true/false",
            ))
        }
    };
    let value = decimal.to_exact().ok_or_else(|| too_large(span))?;
    Ok(Compiled {
        value: Value::Const(Quantity { value, duration }),
        kind: if duration {
            Kind::Duration
        } else {
            Kind::Number
        },
        blame: Blame::default(),
        unitless: None,
        span,
    })
}

/// The kind of `left OP right`, or the error when the kinds known before reading do not fit.
fn arith_kind(op: ArithOp, left: &Compiled, right: &Compiled) -> Result<Kind, CompileError> {
    use Kind::{Duration as D, Number as N, Unknown as U};
    let sym = op.as_str();
    let number_side = |number: &Compiled, what: &str| match &number.unitless {
        Some((path, span)) => no_unit(path, *span, what),
        None if matches!(number.value, Value::Const(_)) => error(
            number.span,
            format!(
                "this is a number, and a number and a duration cannot be combined with '{sym}'; \
                 write it with a unit, e.g. 5ms"
            ),
        ),
        None => error(
            number.span,
            format!(
                "this side computes a number and the other a duration, which '{sym}' cannot combine"
            ),
        ),
    };
    Ok(match (op, left.kind, right.kind) {
        (ArithOp::Add | ArithOp::Sub, N, D) => return Err(number_side(left, "added to")),
        (ArithOp::Add | ArithOp::Sub, D, N) => return Err(number_side(right, "added to")),
        (ArithOp::Add | ArithOp::Sub, U, k) | (ArithOp::Add | ArithOp::Sub, k, U) => k,
        (ArithOp::Add | ArithOp::Sub, k, _) => k,
        (ArithOp::Mul, D, D) => {
            return Err(error(
                right.span,
                "a duration times a duration is not a duration; multiply a duration by a number",
            ))
        }
        (ArithOp::Mul, N, N) => N,
        (ArithOp::Mul, D, _) | (ArithOp::Mul, _, D) => D,
        (ArithOp::Mul, _, _) => U,
        (ArithOp::Div, N, D) => match &left.unitless {
            Some((path, span)) => return Err(no_unit(path, *span, "divided by")),
            None => {
                return Err(error(
                    right.span,
                    "a number divided by a duration means nothing here; divide a duration by a number, or by a duration for a ratio",
                ))
            }
        },
        (ArithOp::Div, N, N) | (ArithOp::Div, D, D) | (ArithOp::Div, U, D) | (ArithOp::Div, N, U) => N,
        (ArithOp::Div, D, N) => D,
        (ArithOp::Div, _, _) => U,
    })
}

fn arith(
    op: ArithOp,
    left: Compiled,
    right: Compiled,
    span: Span,
) -> Result<Compiled, CompileError> {
    let kind = arith_kind(op, &left, &right)?;
    let blame = Blame {
        variable: left.blame.variable.or(right.blame.variable),
        any: left.blame.any.or(right.blame.any),
    };
    let unitless = left.unitless.clone().or_else(|| right.unitless.clone());
    if let (Value::Const(a), Value::Const(b)) = (&left.value, &right.value) {
        let value = compute(op, *a, *b).map_err(|problem| match problem {
            Problem::DivisionByZero => error(right.span, "division by zero"),
            _ => too_large(span),
        })?;
        return Ok(Compiled {
            value: Value::Const(value),
            kind,
            blame,
            unitless,
            span,
        });
    }
    if let (ArithOp::Div, Value::Const(divisor)) = (op, &right.value) {
        if divisor.value.is_zero() {
            return Err(error(right.span, "division by zero"));
        }
    }
    Ok(Compiled {
        value: Value::Binary(Box::new(Binary {
            op,
            pair: Pair {
                left_blame: left.blame,
                right_blame: right.blame,
                left: left.value,
                right: right.value,
            },
        })),
        kind,
        blame,
        unitless,
        span,
    })
}

/// Compiles `left OP right` where neither side is text or true/false and which is not a field
/// compared with a number (that is read as a number, as it always was).
pub(super) fn comparison(
    cx: &mut Context<'_>,
    left: &Operand,
    op: CmpOp,
    right: &Operand,
) -> Result<Comparison, CompileError> {
    let left = cx.operand(left)?;
    let right = cx.operand(right)?;
    if let (Value::Const(_), Value::Const(_)) = (&left.value, &right.value) {
        return Err(error(
            left.span,
            format!(
                "'{}' compares two constants; compare a field, e.g. latency <= 300ms",
                op.as_str()
            ),
        ));
    }
    let number_side = match (left.kind, right.kind) {
        (Kind::Number, Kind::Duration) => Some(&left),
        (Kind::Duration, Kind::Number) => Some(&right),
        _ => None,
    };
    if let Some(number) = number_side {
        return Err(match &number.unitless {
            Some((path, span)) => no_unit(path, *span, "compared with"),
            None if matches!(number.value, Value::Const(_)) => error(
                number.span,
                "this is a number and the other side a duration; write it with a unit, e.g. 500ms",
            ),
            None => error(
                number.span,
                "this side computes a number and the other a duration, which cannot be compared",
            ),
        });
    }
    Ok(Comparison {
        op,
        pair: Pair {
            left_blame: left.blame,
            right_blame: right.blame,
            left: left.value,
            right: right.value,
        },
    })
}

/// `a OP b` over quantities whose kinds fit (checked by the caller).
fn compute(op: ArithOp, a: Quantity, b: Quantity) -> Result<Quantity, Problem> {
    let (value, duration) = match op {
        ArithOp::Add => (a.value.add(b.value)?, a.duration),
        ArithOp::Sub => (a.value.sub(b.value)?, a.duration),
        ArithOp::Mul => (a.value.mul(b.value)?, a.duration || b.duration),
        ArithOp::Div => (a.value.div(b.value)?, a.duration && !b.duration),
    };
    Ok(Quantity { value, duration })
}

/// Whether `op` can combine these kinds (physics, as in the module docs).
fn kinds_fit(op: ArithOp, a: Quantity, b: Quantity) -> bool {
    match op {
        ArithOp::Add | ArithOp::Sub => a.duration == b.duration,
        ArithOp::Mul => !(a.duration && b.duration),
        ArithOp::Div => a.duration || !b.duration,
    }
}

/// The row's fault when kinds do not fit: the side holding a number where a duration is
/// needed has no unit, unless that side is all literals; then the other side holds a duration
/// where a number is needed.
fn misfit(number_side: Blame, duration_side: Blame) -> Invalid {
    match (number_side.variable, duration_side.variable) {
        (Some(slot), _) => Invalid {
            slot,
            reason: InvalidReason::NoUnit,
        },
        (None, Some(slot)) => Invalid {
            slot,
            reason: InvalidReason::Duration,
        },
        // Kinds known before reading were checked when compiling; this is not reached.
        (None, None) => Invalid {
            slot: number_side.any.or(duration_side.any).unwrap_or(0),
            reason: InvalidReason::Duration,
        },
    }
}

impl Pair {
    /// Both sides' values, and who is at fault if their kinds do not fit.
    fn eval(&self, row: &impl Row) -> Result<(Quantity, Quantity), Invalid> {
        Ok((self.left.eval(row)?, self.right.eval(row)?))
    }

    /// The sides' kinds differ where they must agree: blame the number side first.
    fn mismatch(&self, left: Quantity) -> Invalid {
        if left.duration {
            misfit(self.right_blame, self.left_blame)
        } else {
            misfit(self.left_blame, self.right_blame)
        }
    }

    fn any(&self) -> usize {
        self.left_blame.any.or(self.right_blame.any).unwrap_or(0)
    }
}

impl Value {
    /// The value for `row`.
    fn eval(&self, row: &impl Row) -> Result<Quantity, Invalid> {
        match self {
            Value::Const(q) => Ok(*q),
            Value::Field(read, pick) => measure(row, *read, *pick),
            Value::Neg(inner, blame) => {
                let q = inner.eval(row)?;
                Ok(Quantity {
                    value: q.value.neg().map_err(|_| Invalid {
                        slot: blame.any.unwrap_or(0),
                        reason: InvalidReason::OutOfRange,
                    })?,
                    duration: q.duration,
                })
            }
            Value::Binary(binary) => {
                let pair = &binary.pair;
                let (a, b) = pair.eval(row)?;
                if !kinds_fit(binary.op, a, b) {
                    return Err(match binary.op {
                        ArithOp::Add | ArithOp::Sub => pair.mismatch(a),
                        // Two durations multiplied: one should have been a number.
                        ArithOp::Mul => Invalid {
                            slot: pair
                                .right_blame
                                .variable
                                .or(pair.left_blame.variable)
                                .unwrap_or_else(|| pair.any()),
                            reason: InvalidReason::Duration,
                        },
                        // A number divided by a duration: the number should have been one too.
                        ArithOp::Div => misfit(pair.left_blame, pair.right_blame),
                    });
                }
                compute(binary.op, a, b).map_err(|problem| match problem {
                    Problem::DivisionByZero => Invalid {
                        slot: pair.right_blame.any.unwrap_or_else(|| pair.any()),
                        reason: InvalidReason::DivisionByZero,
                    },
                    _ => Invalid {
                        slot: pair.any(),
                        reason: InvalidReason::OutOfRange,
                    },
                })
            }
        }
    }
}

impl Comparison {
    /// Whether the comparison holds for `row`. Kept out of line, so that the plain comparisons
    /// of [`super::program`] stay small enough to inline into the counting loop.
    #[inline(never)]
    pub(super) fn eval(&self, row: &impl Row) -> Result<bool, Invalid> {
        let (a, b) = self.pair.eval(row)?;
        if a.duration != b.duration {
            return Err(self.pair.mismatch(a));
        }
        let order = a.value.cmp(&b.value);
        Ok(match self.op {
            CmpOp::Eq => order == Ordering::Equal,
            CmpOp::Ne => order != Ordering::Equal,
            CmpOp::Lt => order == Ordering::Less,
            CmpOp::Le => order != Ordering::Greater,
            CmpOp::Gt => order == Ordering::Greater,
            CmpOp::Ge => order != Ordering::Less,
        })
    }
}
