//! Row access: how a compiled program reaches the fields of a row.
//!
//! Fields are numbered by [`FieldSlots`] when programs are compiled; a reader then hands
//! each row over as a [`Row`] with one [`FieldValue`] per slot; and this module reads a value
//! as text, a number or a boolean — or says why it cannot ([`Invalid`]: missing, null, not a
//! number, …). What a program does with the values is [`super::program`]'s business.
//!
//! Times come in units: a value may carry its own (`126ms`, `"0.058927s"`), or be a bare number
//! whose unit is known for its field ([`TimeUnit`]): declared in the spec, documented by the log
//! format (before reading, [`FieldUnit`]), or told by the row itself ([`Row::unit`]).

use std::collections::HashMap;
use std::fmt;

use super::ast::FieldPath;
use super::exact::{self, Exact, Problem, Reading};

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

    /// The unit that the row's log format documents for the bare numbers in `slot` (nginx
    /// writes `request_time` in seconds), or `None` when it documents none. Read only where a
    /// bare number meets a duration and no unit was known before reading (the format was
    /// `auto`), so a reader that recognises its format row by row says it here.
    fn unit(&self, slot: usize) -> Option<TimeUnit> {
        let _ = slot;
        None
    }
}

/// A unit of time that a log writes bare numbers in: nginx's `request_time` is in seconds,
/// Envoy's `duration` in milliseconds, Apache's `%D` in microseconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeUnit {
    /// `ns`
    Nanoseconds,
    /// `us` or `µs`
    Microseconds,
    /// `ms`
    Milliseconds,
    /// `s`
    Seconds,
    /// `m`
    Minutes,
    /// `h`
    Hours,
}

impl TimeUnit {
    /// Every unit, shortest first.
    pub const ALL: [TimeUnit; 6] = [
        TimeUnit::Nanoseconds,
        TimeUnit::Microseconds,
        TimeUnit::Milliseconds,
        TimeUnit::Seconds,
        TimeUnit::Minutes,
        TimeUnit::Hours,
    ];

    /// The unit's symbol, as durations are written in expressions: `ns`, `us`, `ms`, `s`, `m`,
    /// `h` (`us` rather than `µs`, so that it can be typed anywhere).
    pub fn symbol(self) -> &'static str {
        match self {
            TimeUnit::Nanoseconds => "ns",
            TimeUnit::Microseconds => "us",
            TimeUnit::Milliseconds => "ms",
            TimeUnit::Seconds => "s",
            TimeUnit::Minutes => "m",
            TimeUnit::Hours => "h",
        }
    }

    /// Nanoseconds in one of this unit.
    pub fn nanoseconds(self) -> u64 {
        match self {
            TimeUnit::Nanoseconds => 1,
            TimeUnit::Microseconds => 1_000,
            TimeUnit::Milliseconds => 1_000_000,
            TimeUnit::Seconds => 1_000_000_000,
            TimeUnit::Minutes => 60_000_000_000,
            TimeUnit::Hours => 3_600_000_000_000,
        }
    }

    /// Reads a unit by its symbol (`ns`, `us`, `µs`, `ms`, `s`, `m`, `h`) or its name
    /// (`nanoseconds`, `microseconds`, `milliseconds`, `seconds`, `minutes`, `hours`). `m` is
    /// minutes, as in Go and in `slo`'s windows; milliseconds are `ms`.
    pub fn parse(text: &str) -> Option<TimeUnit> {
        if let Some(nanos) = exact::unit_nanos(text.as_bytes()) {
            return TimeUnit::ALL
                .into_iter()
                .find(|u| i128::from(u.nanoseconds()) == nanos);
        }
        Some(match text {
            "nanoseconds" => TimeUnit::Nanoseconds,
            "microseconds" => TimeUnit::Microseconds,
            "milliseconds" => TimeUnit::Milliseconds,
            "seconds" => TimeUnit::Seconds,
            "minutes" => TimeUnit::Minutes,
            "hours" => TimeUnit::Hours,
            _ => return None,
        })
    }

    fn exact_nanos(self) -> Exact {
        Exact::integer(i128::from(self.nanoseconds()))
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.symbol())
    }
}

/// What is known of a field's bare numbers before any row is read, from the spec's
/// `source.units` and the log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldUnit {
    /// Its bare numbers are in this unit.
    Known(TimeUnit),
    /// Its bare numbers are plain numbers: comparing one with a duration is an error found
    /// before reading (values written with a unit still carry it).
    Unitless,
    /// Not known before reading: each row may say ([`Row::unit`]), and otherwise a bare number
    /// met by a duration makes the row invalid ([`InvalidReason::NoUnit`]).
    PerRow,
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
    /// A bare number met a duration, and no unit is known for the field.
    NoUnit,
    /// The value is a duration (written with a unit, or a bare number in a field with one)
    /// where a number is needed.
    Duration,
    /// The value holds several numbers (`0.000, 0.854`), as nginx writes the upstream times of
    /// a retried request; `sum()`, `last()` or `first()` read them.
    SeveralValues,
    /// The value divides, and is zero.
    DivisionByZero,
    /// The value, or a result computed from it, needs more than 38 significant digits.
    OutOfRange,
}

impl fmt::Display for InvalidReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            InvalidReason::Missing => "missing",
            InvalidReason::Null => "null",
            InvalidReason::NotANumber => "not a number",
            InvalidReason::NotABoolean => "not a boolean (true or false)",
            InvalidReason::NotText => "not text (an object or array)",
            InvalidReason::NoUnit => "a bare number with no known unit, met by a duration",
            InvalidReason::Duration => "a duration where a number is needed",
            InvalidReason::SeveralValues => "several values",
            InvalidReason::DivisionByZero => "zero, and divides",
            InvalidReason::OutOfRange => "too large or too precise to compute exactly",
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
    let not_a_number = || invalid(slot, not_a_number_reason(raw));
    let s = std::str::from_utf8(raw.trim_ascii()).map_err(|_| not_a_number())?;
    match s.parse::<f64>() {
        // `f64` also reads `inf`, `NaN`, and numbers that exact arithmetic refuses (more than
        // 38 significant digits, `1e400`, `1e-400`): a value is a number here exactly when
        // it is one to `sum()` and `x + 0`. An exponent or a long text is checked exactly.
        Ok(x) if x.is_finite() => {
            if (s.len() > 39 || s.bytes().any(|b| b == b'e' || b == b'E'))
                && exact::read(s.as_bytes()).is_err()
            {
                return Err(not_a_number());
            }
            Ok(normalise(x))
        }
        _ => Err(not_a_number()),
    }
}

/// Where a field's number and a literal are the same `f64`, how the field's text compares
/// with the literal exactly: `0.30000000000000001` is above `0.3`, though both read as the
/// same `f64`. Only called on such ties; elsewhere the `f64`s decide, as rounding to the
/// nearest `f64` keeps order. `literal` is `None` for a literal past 38 digits.
#[cold]
pub(super) fn exact_order(
    row: &impl Row,
    slot: usize,
    literal: Option<Exact>,
) -> Result<std::cmp::Ordering, Invalid> {
    let FieldValue::Scalar(raw) = row.value(slot) else {
        return Err(invalid(slot, InvalidReason::NotANumber));
    };
    // The commonest tie, `status < 500` on a 500: integers that `f64` holds exactly are equal
    // when their `f64`s are.
    if let Some((num, 1)) = literal.map(Exact::parts) {
        if num.unsigned_abs() <= 1 << 53 && plain_integer(raw).is_some() {
            return Ok(std::cmp::Ordering::Equal);
        }
    }
    match (exact::read(raw), literal) {
        (Ok(Reading::Bare(value)), Some(literal)) => Ok(value.cmp(&literal)),
        (Err(Problem::OutOfRange), _) | (_, None) => Err(invalid(slot, InvalidReason::OutOfRange)),
        _ => Err(invalid(slot, InvalidReason::NotANumber)),
    }
}

/// Why text that a number was needed from is not one: it is a duration, several numbers, or
/// just not a number. Only called on the way to an error, so it may take its time.
#[cold]
fn not_a_number_reason(raw: &[u8]) -> InvalidReason {
    match exact::read(raw) {
        Ok(Reading::Duration(_)) => InvalidReason::Duration,
        Err(Problem::OutOfRange) => InvalidReason::OutOfRange,
        _ if several_values(raw) => InvalidReason::SeveralValues,
        _ => InvalidReason::NotANumber,
    }
}

/// Whether `raw` is a list of numbers or durations as nginx writes them (`0.000, 0.854`,
/// `0.001 : 0.002`; `-` for an upstream that gave none).
fn several_values(raw: &[u8]) -> bool {
    let mut parts = 0;
    for part in raw.split(|&b| is_separator(b)) {
        let part = part.trim_ascii();
        if part != b"-" && exact::read(part).is_err() {
            return false;
        }
        parts += 1;
    }
    parts > 1
}

/// The bytes nginx separates the values of a multi-value field with: `, ` between the
/// upstreams tried for one request, ` : ` between the groups of an internal redirect.
fn is_separator(b: u8) -> bool {
    b == b',' || b == b':'
}

/// A number or a duration (in nanoseconds): what arithmetic and duration comparisons work on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Quantity {
    /// The value; nanoseconds for a duration.
    pub(super) value: Exact,
    /// Whether it is a duration.
    pub(super) duration: bool,
}

/// How a field is read as a [`Quantity`]: its slot and what is known of its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct MeasureRead {
    /// The field's slot.
    pub(super) slot: usize,
    /// Its unit as known before reading.
    pub(super) unit: FieldUnit,
}

/// Which of a multi-value field's values a function reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Pick {
    /// The value alone; several are an error.
    Only,
    /// The first.
    First,
    /// The last.
    Last,
    /// All, summed.
    Sum,
}

/// The duration in `slot` in nanoseconds, for statistics such as latency percentiles: a value
/// written with its unit, or a bare number in the unit known for its field (`unit`, or the one
/// the row says); `None` when the field is missing, holds no number, holds several, or holds a
/// bare number of no known unit.
pub fn duration_nanos(row: &impl Row, slot: usize, unit: FieldUnit) -> Option<f64> {
    let quantity = measure(row, MeasureRead { slot, unit }, Pick::Only).ok()?;
    quantity.duration.then(|| quantity.value.to_f64())
}

/// The text in `slot` as a number or a duration: a value written with a unit is a duration; a
/// bare number is one when its field has a unit (known before reading, or told by the row).
pub(super) fn measure(row: &impl Row, read: MeasureRead, pick: Pick) -> Result<Quantity, Invalid> {
    let slot = read.slot;
    let raw = match row.value(slot) {
        FieldValue::Scalar(b) => b,
        FieldValue::Missing => return Err(invalid(slot, InvalidReason::Missing)),
        FieldValue::Null => return Err(invalid(slot, InvalidReason::Null)),
        FieldValue::Composite => return Err(invalid(slot, InvalidReason::NotANumber)),
    };
    let unit = || match read.unit {
        FieldUnit::Known(unit) => Some(unit),
        FieldUnit::Unitless => None,
        FieldUnit::PerRow => row.unit(slot),
    };
    let one = |part: &[u8]| -> Result<Quantity, Invalid> {
        match exact::read(part) {
            Ok(Reading::Duration(nanos)) => Ok(Quantity {
                value: nanos,
                duration: true,
            }),
            Ok(Reading::Bare(x)) => match unit() {
                Some(unit) => Ok(Quantity {
                    value: x
                        .mul(unit.exact_nanos())
                        .map_err(|_| invalid(slot, InvalidReason::OutOfRange))?,
                    duration: true,
                }),
                None => Ok(Quantity {
                    value: x,
                    duration: false,
                }),
            },
            Err(Problem::OutOfRange) => Err(invalid(slot, InvalidReason::OutOfRange)),
            Err(_) if part.trim_ascii() == b"-" => Err(invalid(slot, InvalidReason::Missing)),
            Err(_) => Err(invalid(slot, not_a_number_reason(part))),
        }
    };
    let mut parts = raw.split(|&b| is_separator(b));
    match pick {
        Pick::Only => one(raw),
        Pick::First => one(parts.next().unwrap_or(raw)),
        Pick::Last => one(parts.next_back().unwrap_or(raw)),
        Pick::Sum => {
            let mut total: Option<Quantity> = None;
            for part in parts {
                let q = one(part)?;
                total = Some(match total {
                    None => q,
                    // A bare number beside durations has no unit to join them.
                    Some(t) if t.duration != q.duration => {
                        return Err(invalid(slot, InvalidReason::NoUnit))
                    }
                    Some(t) => Quantity {
                        value: t
                            .value
                            .add(q.value)
                            .map_err(|_| invalid(slot, InvalidReason::OutOfRange))?,
                        duration: t.duration,
                    },
                });
            }
            total.ok_or_else(|| invalid(slot, InvalidReason::NotANumber))
        }
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
