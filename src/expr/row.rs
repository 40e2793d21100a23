//! Row access: how a compiled program reaches the fields of a row.
//!
//! Fields are numbered by [`FieldSlots`] when programs are compiled; a reader then hands
//! each row over as a [`Row`] with one [`FieldValue`] per slot; and this module reads a value
//! as text, a number or a boolean — or says why it cannot ([`Invalid`]: missing, null, not a
//! number, …). What a program does with the values is [`super::program`]'s business.

use std::collections::HashMap;
use std::fmt;

use super::ast::FieldPath;

/// The fields that programs and SLOs read, each with a slot number: the one registry that
/// expressions are compiled against and that input readers fill, one value per slot, for every
/// row. Slots are numbered 0, 1, 2, ... in order of first registration. One registry is shared
/// by several programs (`filter`, `good`, `bad`, of every SLO of a pass) and by the timestamp
/// and `group_by` fields, so that a row is read once for all of them.
#[derive(Debug, Clone, Default)]
pub struct FieldSlots {
    paths: Vec<FieldPath>,
    index: HashMap<FieldPath, usize>,
}

impl FieldSlots {
    /// An empty registry.
    pub fn new() -> FieldSlots {
        FieldSlots::default()
    }

    /// The registered paths; the path of slot `i` is at index `i`.
    pub fn paths(&self) -> &[FieldPath] {
        &self.paths
    }

    /// Number of slots.
    pub fn len(&self) -> usize {
        self.paths.len()
    }

    /// Whether no slot has been assigned.
    pub fn is_empty(&self) -> bool {
        self.paths.is_empty()
    }

    /// The slot for `path`, assigned on first use: the same path always gets the same slot.
    pub fn slot(&mut self, path: &FieldPath) -> usize {
        if let Some(&slot) = self.index.get(path) {
            return slot;
        }
        let slot = self.paths.len();
        self.paths.push(path.clone());
        self.index.insert(path.clone(), slot);
        slot
    }
}

/// A row's value for one slot, borrowed from the reader's buffers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValue<'a> {
    /// The field is absent from the row.
    Missing,
    /// The field is JSON `null`.
    Null,
    /// Raw text of a CSV cell, or a JSON string (unescaped), number or
    /// boolean literal.
    Scalar(&'a [u8]),
    /// A JSON object or array.
    Composite,
}

/// One row of input, as seen by a program.
pub trait Row {
    /// The value in `slot` (as assigned by [`FieldSlots`]).
    fn value(&self, slot: usize) -> FieldValue<'_>;
}

/// Why a field's value could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvalidReason {
    /// The field is absent.
    Missing,
    /// The field is null.
    Null,
    /// A number was needed but the text does not parse as one (or is NaN).
    NotANumber,
    /// A boolean was needed but the text is not `true` or `false`.
    NotABoolean,
    /// Text was needed but the value is a JSON object or array.
    NotText,
}

impl fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidReason::Missing => "missing",
            InvalidReason::Null => "null",
            InvalidReason::NotANumber => "not a number",
            InvalidReason::NotABoolean => "not a boolean (true or false)",
            InvalidReason::NotText => "not text (an object or array)",
        })
    }
}

/// The evaluation of a row is neither true nor false because a field's
/// value could not be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Invalid {
    /// The slot of the offending field.
    pub slot: usize,
    /// What is wrong with it.
    pub reason: InvalidReason,
}

/// `-0.0` becomes `0.0` so that `total_cmp` agrees with `==` on finite values.
pub(super) fn normalise(x: f64) -> f64 {
    x + 0.0
}

fn invalid(slot: usize, reason: InvalidReason) -> Invalid {
    Invalid { slot, reason }
}

/// The text in `slot`.
pub(super) fn text(row: &impl Row, slot: usize) -> Result<&[u8], Invalid> {
    match row.value(slot) {
        FieldValue::Scalar(b) => Ok(b),
        FieldValue::Missing => Err(invalid(slot, InvalidReason::Missing)),
        FieldValue::Null => Err(invalid(slot, InvalidReason::Null)),
        FieldValue::Composite => Err(invalid(slot, InvalidReason::NotText)),
    }
}

/// The number in `slot`. Plain integers, the commonest numbers in logs, are read inline;
/// anything else goes through [`parsed_number`].
#[inline(always)]
pub(super) fn number(row: &impl Row, slot: usize) -> Result<f64, Invalid> {
    let value = row.value(slot);
    if let FieldValue::Scalar(raw) = value {
        if let Some(integer) = plain_integer(raw) {
            return Ok(integer);
        }
    }
    parsed_number(value, slot)
}

#[inline(never)]
fn parsed_number(value: FieldValue<'_>, slot: usize) -> Result<f64, Invalid> {
    let raw = match value {
        FieldValue::Scalar(b) => b,
        FieldValue::Missing => return Err(invalid(slot, InvalidReason::Missing)),
        FieldValue::Null => return Err(invalid(slot, InvalidReason::Null)),
        FieldValue::Composite => return Err(invalid(slot, InvalidReason::NotANumber)),
    };
    let not_a_number = || invalid(slot, InvalidReason::NotANumber);
    let s = std::str::from_utf8(raw.trim_ascii()).map_err(|_| not_a_number())?;
    match s.parse::<f64>() {
        Ok(x) if !x.is_nan() => Ok(normalise(x)),
        _ => Err(not_a_number()),
    }
}

/// The fast path for the most common numbers in logs: up to 15 ASCII digits, perhaps with a
/// leading `-`, which convert to `f64` exactly.
#[inline(always)]
fn plain_integer(raw: &[u8]) -> Option<f64> {
    let (negative, digits) = match raw.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, raw),
    };
    if digits.is_empty() || digits.len() > 15 {
        return None;
    }
    let mut value: u64 = 0;
    for &b in digits {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u64::from(b - b'0');
    }
    // At most 15 digits: an `i64`, whose conversion is one instruction (a `u64`'s is several).
    #[allow(
        clippy::cast_possible_wrap,
        reason = "at most 15 digits, far below i64::MAX"
    )]
    let value = value as i64 as f64;
    Some(if negative && value != 0.0 {
        -value
    } else {
        value
    })
}

/// The boolean in `slot`: `true` or `false` in any case, with surrounding ASCII whitespace.
pub(super) fn boolean(row: &impl Row, slot: usize) -> Result<bool, Invalid> {
    let raw = match row.value(slot) {
        FieldValue::Scalar(b) => b.trim_ascii(),
        FieldValue::Missing => return Err(invalid(slot, InvalidReason::Missing)),
        FieldValue::Null => return Err(invalid(slot, InvalidReason::Null)),
        FieldValue::Composite => return Err(invalid(slot, InvalidReason::NotABoolean)),
    };
    if raw.eq_ignore_ascii_case(b"true") {
        Ok(true)
    } else if raw.eq_ignore_ascii_case(b"false") {
        Ok(false)
    } else {
        Err(invalid(slot, InvalidReason::NotABoolean))
    }
}
