//! Unix timestamp numbers: parsed exactly in the unit given or guessed from their size, and
//! the signs that a log's numbers were read in the wrong unit.

#![allow(
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "nanoseconds per unit fit in i128, and the plausible range lies after 1970"
)]

use std::ops::Range;

use super::{error, TimestampError, OUT_OF_RANGE};
use crate::time::{UnixNanos, NANOS_PER_SECOND};

/// The unit of a Unix timestamp number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnixUnit {
    /// Seconds since the epoch.
    Seconds,
    /// Milliseconds since the epoch.
    Millis,
    /// Microseconds since the epoch.
    Micros,
    /// Nanoseconds since the epoch.
    Nanos,
}

impl UnixUnit {
    /// Every unit, coarsest first.
    pub const ALL: [UnixUnit; 4] = [
        UnixUnit::Seconds,
        UnixUnit::Millis,
        UnixUnit::Micros,
        UnixUnit::Nanos,
    ];

    /// What the unit counts, in words: `seconds`, `milliseconds`, ….
    pub fn noun(self) -> &'static str {
        match self {
            UnixUnit::Seconds => "seconds",
            UnixUnit::Millis => "milliseconds",
            UnixUnit::Micros => "microseconds",
            UnixUnit::Nanos => "nanoseconds",
        }
    }

    fn nanos_per_unit(self) -> u128 {
        match self {
            UnixUnit::Seconds => 1_000_000_000,
            UnixUnit::Millis => 1_000_000,
            UnixUnit::Micros => 1_000,
            UnixUnit::Nanos => 1,
        }
    }

    /// How many fractional digits are still finer than a nanosecond.
    fn fraction_digits(self) -> usize {
        match self {
            UnixUnit::Seconds => 9,
            UnixUnit::Millis => 6,
            UnixUnit::Micros => 3,
            UnixUnit::Nanos => 0,
        }
    }
}

/// Where the events of a request log lie when its epoch unit is right: from 2000-01-01
/// (included) to 2100-01-01 (excluded). Outside it, a timestamp read as a Unix number more
/// likely has another unit (a field of seconds read as milliseconds lies in January 1970).
pub const PLAUSIBLE_EPOCH_TIMES: Range<UnixNanos> =
    946_684_800 * NANOS_PER_SECOND..4_102_444_800 * NANOS_PER_SECOND;

/// A sign that the timestamps of a log were read in the wrong Unix unit: every one of them lies
/// outside [`PLAUSIBLE_EPOCH_TIMES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnitMismatch {
    /// The unit under which every one of them would lie inside it, if one does.
    pub likely: Option<UnixUnit>,
}

/// Checks timestamps read as Unix numbers in `read_as`, from `earliest` to `latest`: `None`
/// when they are not all before or all after [`PLAUSIBLE_EPOCH_TIMES`], else what unit they
/// likely have. (Only the extremes are known, so timestamps on both sides of the range give
/// `None`.)
pub fn check_epoch_unit(
    read_as: UnixUnit,
    earliest: UnixNanos,
    latest: UnixNanos,
) -> Option<UnitMismatch> {
    let range = PLAUSIBLE_EPOCH_TIMES;
    if latest >= range.start && earliest < range.end {
        return None;
    }
    let in_range = |unit: UnixUnit| {
        // The same numbers in `unit`: exact in i128 for every i64 and unit ratio.
        let rescale = |t: UnixNanos| {
            i128::from(t) * unit.nanos_per_unit() as i128 / read_as.nanos_per_unit() as i128
        };
        rescale(earliest) >= i128::from(range.start) && rescale(latest) < i128::from(range.end)
    };
    let likely = UnixUnit::ALL
        .into_iter()
        .find(|&unit| unit != read_as && in_range(unit));
    Some(UnitMismatch { likely })
}

const NOT_NUMBER: TimestampError = error("not a Unix timestamp number");
/// Out of range in the unit given, but in [`PLAUSIBLE_EPOCH_TIMES`] in a finer one.
const LOOKS_MILLIS: TimestampError = error(
    "out of range in the unit given, but between 2000 and 2100 as milliseconds: \
     set source.timestamp.format: unix_ms",
);
const LOOKS_MICROS: TimestampError = error(
    "out of range in the unit given, but between 2000 and 2100 as microseconds: \
     set source.timestamp.format: unix_us",
);
const LOOKS_NANOS: TimestampError = error(
    "out of range in the unit given, but between 2000 and 2100 as nanoseconds: \
     set source.timestamp.format: unix_ns",
);

/// True if `text` is `-`? digits with at most one `.`, and perhaps a decimal exponent
/// (`1.7908128E9`): a Unix timestamp rather than a date.
pub(super) fn looks_numeric(text: &[u8]) -> bool {
    let (mantissa, exponent) = split_exponent(text);
    let body = mantissa.strip_prefix(b"-").unwrap_or(mantissa);
    let mut dots = 0;
    let mut digits = 0;
    for &b in body {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1 && exponent.is_none_or(|e| parse_exponent(e).is_some())
}

/// `text` split at its `e` or `E`: the mantissa, and the exponent's text if there is one.
fn split_exponent(text: &[u8]) -> (&[u8], Option<&[u8]>) {
    match text.iter().position(|&b| b == b'e' || b == b'E') {
        Some(at) => (&text[..at], Some(&text[at + 1..])),
        None => (text, None),
    }
}

/// A decimal exponent as written after the `e`: a sign, perhaps, and one to three digits.
fn parse_exponent(text: &[u8]) -> Option<i32> {
    let (negative, digits) = match text.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, text),
    };
    if digits.is_empty() || digits.len() > 3 || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let value = digits
        .iter()
        .fold(0, |value, &b| value * 10 + i32::from(b - b'0'));
    Some(if negative { -value } else { value })
}

/// The number of `text`, written with a decimal exponent as JSON writers write doubles
/// (`1.7908128E9`), in plain digits: the point moved, exactly. Exponents beyond ±40 are out of
/// range: no timestamp slo reads needs one.
fn without_exponent(text: &[u8], exponent: &[u8]) -> Result<Vec<u8>, TimestampError> {
    let exponent = parse_exponent(exponent).ok_or(NOT_NUMBER)?;
    if exponent.abs() > 40 {
        return Err(OUT_OF_RANGE);
    }
    let (sign, body) = match text.strip_prefix(b"-") {
        Some(rest) => (&b"-"[..], rest),
        None => (&b""[..], text),
    };
    let (int_part, fraction) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[body.len()..]),
    };
    let digits: Vec<u8> = int_part.iter().chain(fraction).copied().collect();
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return Err(NOT_NUMBER);
    }
    // Where the point falls among `digits` once moved.
    let point = i32::try_from(int_part.len()).map_err(|_| OUT_OF_RANGE)? + exponent;
    let mut plain = sign.to_vec();
    match usize::try_from(point) {
        Ok(point) if point >= digits.len() => {
            plain.extend(&digits);
            plain.resize(plain.len() + point - digits.len(), b'0');
        }
        Ok(point) => {
            plain.extend(&digits[..point]);
            plain.push(b'.');
            plain.extend(&digits[point..]);
        }
        Err(_) => {
            plain.extend(b"0.");
            plain.resize(plain.len() + point.unsigned_abs() as usize, b'0');
            plain.extend(&digits);
        }
    }
    Ok(plain)
}

/// Parses a Unix timestamp number exactly with integer arithmetic. With no
/// unit, the unit is chosen by the size of the integer part: below 1e11
/// seconds, below 1e14 milliseconds, below 1e17 microseconds, else
/// nanoseconds. A decimal exponent (`1.7908128E9`) is applied exactly first.
pub(super) fn parse_unix(text: &[u8], unit: Option<UnixUnit>) -> Result<UnixNanos, TimestampError> {
    if let (mantissa, Some(exponent)) = split_exponent(text) {
        return parse_plain_unix(&without_exponent(mantissa, exponent)?, unit);
    }
    parse_plain_unix(text, unit)
}

/// [`parse_unix`] of a number without an exponent.
fn parse_plain_unix(text: &[u8], unit: Option<UnixUnit>) -> Result<UnixNanos, TimestampError> {
    let (negative, body) = match text.strip_prefix(b"-") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (int_part, fraction) = match body.iter().position(|&b| b == b'.') {
        Some(dot) => (&body[..dot], &body[dot + 1..]),
        None => (body, &body[body.len()..]),
    };
    if int_part.is_empty() && fraction.is_empty() {
        return Err(NOT_NUMBER);
    }
    let mut integer: u128 = 0;
    for &b in int_part {
        if !b.is_ascii_digit() {
            return Err(NOT_NUMBER);
        }
        integer = integer
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(b - b'0')))
            .ok_or(OUT_OF_RANGE)?;
    }
    if !fraction.iter().all(u8::is_ascii_digit) {
        return Err(NOT_NUMBER);
    }
    let given = unit.is_some();
    let unit = unit.unwrap_or(match integer {
        0..100_000_000_000 => UnixUnit::Seconds,
        100_000_000_000..100_000_000_000_000 => UnixUnit::Millis,
        100_000_000_000_000..100_000_000_000_000_000 => UnixUnit::Micros,
        _ => UnixUnit::Nanos,
    });
    // Digits finer than a nanosecond are dropped (truncation towards zero).
    let wanted = unit.fraction_digits();
    let mut fraction_nanos: u128 = 0;
    for i in 0..wanted {
        let digit = fraction.get(i).map_or(0, |b| u128::from(b - b'0'));
        fraction_nanos = fraction_nanos * 10 + digit;
    }
    let magnitude = integer
        .checked_mul(unit.nanos_per_unit())
        .and_then(|v| v.checked_add(fraction_nanos));
    let signed = magnitude
        .and_then(|m| i128::try_from(m).ok())
        .map(|m| if negative { -m } else { m });
    match signed.and_then(|s| i64::try_from(s).ok()) {
        Some(nanos) => Ok(nanos),
        // A unit chosen by magnitude never has a plausible finer one.
        None if negative || !given => Err(OUT_OF_RANGE),
        None => Err(finer_unit_hint(integer, unit)),
    }
}

/// The error for a positive Unix number too large for slo in `unit`: it names the finer unit
/// that puts it in [`PLAUSIBLE_EPOCH_TIMES`], if one does (milliseconds read as seconds).
#[cold]
fn finer_unit_hint(integer: u128, unit: UnixUnit) -> TimestampError {
    let range = PLAUSIBLE_EPOCH_TIMES;
    // The range spans less than a factor of 1000: at most one unit fits.
    let finer = UnixUnit::ALL.into_iter().find(|finer| {
        finer.nanos_per_unit() < unit.nanos_per_unit()
            && integer
                .checked_mul(finer.nanos_per_unit())
                .is_some_and(|nanos| (range.start as u128..range.end as u128).contains(&nanos))
    });
    match finer {
        Some(UnixUnit::Millis) => LOOKS_MILLIS,
        Some(UnixUnit::Micros) => LOOKS_MICROS,
        Some(UnixUnit::Nanos) => LOOKS_NANOS,
        _ => OUT_OF_RANGE,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::testing::{chrono_ns, parser, reason, BASE};
    use super::super::{TimestampFormat, EMPTY, NOT_RFC3339};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unix_units() {
        let p =
            |unit, text: &str| parser(TimestampFormat::Unix(unit), "UTC").parse(text.as_bytes());
        assert_eq!(p(UnixUnit::Seconds, "1790856000"), Ok(BASE));
        assert_eq!(p(UnixUnit::Millis, "1790856000000"), Ok(BASE));
        assert_eq!(p(UnixUnit::Micros, "1790856000000000"), Ok(BASE));
        assert_eq!(p(UnixUnit::Nanos, "1790856000000000000"), Ok(BASE));
        assert_eq!(
            p(UnixUnit::Seconds, "1790856000.123"),
            Ok(BASE + 123_000_000)
        );
        assert_eq!(
            p(UnixUnit::Seconds, "1790856000.123456789"),
            Ok(BASE + 123_456_789)
        );
        assert_eq!(
            p(UnixUnit::Seconds, "1790856000.1234567899"),
            Ok(BASE + 123_456_789)
        );
        assert_eq!(p(UnixUnit::Millis, "1790856000000.5"), Ok(BASE + 500_000));
        assert_eq!(p(UnixUnit::Millis, "1790856000000.0000019"), Ok(BASE + 1));
        assert_eq!(p(UnixUnit::Micros, "1790856000000000.25"), Ok(BASE + 250));
        assert_eq!(p(UnixUnit::Nanos, "1790856000000000000.9"), Ok(BASE));
        assert_eq!(p(UnixUnit::Seconds, "-1"), Ok(-NANOS_PER_SECOND));
        assert_eq!(p(UnixUnit::Seconds, "-1.5"), Ok(-1_500_000_000));
        assert_eq!(p(UnixUnit::Seconds, "-0.000000001"), Ok(-1));
        assert_eq!(p(UnixUnit::Seconds, ".5"), Ok(500_000_000));
        assert_eq!(p(UnixUnit::Seconds, "5."), Ok(5 * NANOS_PER_SECOND));
        assert_eq!(p(UnixUnit::Seconds, "0"), Ok(0));
        assert_eq!(p(UnixUnit::Seconds, " 12 "), Ok(12 * NANOS_PER_SECOND));
        assert_eq!(p(UnixUnit::Nanos, "9223372036854775807"), Ok(i64::MAX));
        assert_eq!(p(UnixUnit::Nanos, "-9223372036854775808"), Ok(i64::MIN));
        assert_eq!(
            reason(p(UnixUnit::Nanos, "9223372036854775808")),
            OUT_OF_RANGE.reason
        );
        assert_eq!(
            reason(p(UnixUnit::Seconds, "9223372037")),
            OUT_OF_RANGE.reason
        );
        assert_eq!(
            reason(p(UnixUnit::Seconds, &"9".repeat(60))),
            OUT_OF_RANGE.reason
        );
        // A decimal exponent, as JSON writers write doubles: applied exactly.
        assert_eq!(p(UnixUnit::Seconds, "1.790856E9"), Ok(BASE));
        assert_eq!(
            p(UnixUnit::Seconds, "1.790856000000123e+9"),
            Ok(BASE + 123_000)
        );
        assert_eq!(p(UnixUnit::Millis, "1790856e6"), Ok(BASE));
        assert_eq!(
            p(UnixUnit::Seconds, "17908560001234E-4"),
            Ok(BASE + 123_400_000)
        );
        assert_eq!(p(UnixUnit::Seconds, "5e-1"), Ok(500_000_000));
        assert_eq!(p(UnixUnit::Seconds, "-1.5E0"), Ok(-1_500_000_000));
        assert_eq!(p(UnixUnit::Seconds, "1e-10"), Ok(0));
        let auto = parser(TimestampFormat::Auto, "UTC");
        assert_eq!(auto.parse(b"1.790856E9"), Ok(BASE));
        assert_eq!(auto.parse(b"1.790856E12"), Ok(BASE));
        assert_eq!(reason(p(UnixUnit::Seconds, "1e40")), OUT_OF_RANGE.reason);
        assert_eq!(reason(p(UnixUnit::Seconds, "1e400")), OUT_OF_RANGE.reason);
        assert_eq!(reason(p(UnixUnit::Seconds, "1e41")), OUT_OF_RANGE.reason);
        for bad in [
            "", "-", ".", "-.", "1.2.3", "0x10", "+5", "1 2", "--1", "١٢", "e9", "1e", "1e+",
            "1e9.5", "1e1e1", ".e1", "1E-", "1e1234",
        ] {
            assert!(p(UnixUnit::Seconds, bad).is_err(), "{bad}");
        }
        assert_eq!(reason(p(UnixUnit::Seconds, "abc")), NOT_NUMBER.reason);
    }

    #[test]
    fn numbers_too_large_for_their_unit_name_a_finer_one() {
        let p = |unit, text: &str| {
            reason(parser(TimestampFormat::Unix(unit), "UTC").parse(text.as_bytes()))
        };
        // Milliseconds, microseconds and nanoseconds of 2026-03-10T10:00:00Z read as seconds.
        assert_eq!(p(UnixUnit::Seconds, "1773136800123"), LOOKS_MILLIS.reason);
        assert_eq!(p(UnixUnit::Seconds, "1773136800123.5"), LOOKS_MILLIS.reason);
        assert_eq!(
            p(UnixUnit::Seconds, "1773136800123456"),
            LOOKS_MICROS.reason
        );
        assert_eq!(
            p(UnixUnit::Seconds, "1773136800123456789"),
            LOOKS_NANOS.reason
        );
        assert_eq!(p(UnixUnit::Millis, "1773136800123456"), LOOKS_MICROS.reason);
        assert_eq!(
            p(UnixUnit::Millis, "1773136800123456789"),
            LOOKS_NANOS.reason
        );
        assert_eq!(
            p(UnixUnit::Micros, "1773136800123456789"),
            LOOKS_NANOS.reason
        );
        // 2000-01-01 is 946 684 800 s after the epoch, 2100-01-01 4 102 444 800 s.
        assert_eq!(p(UnixUnit::Seconds, "946684800000"), LOOKS_MILLIS.reason);
        assert_eq!(p(UnixUnit::Seconds, "946684799999"), OUT_OF_RANGE.reason);
        assert_eq!(p(UnixUnit::Seconds, "4102444799999"), LOOKS_MILLIS.reason);
        assert_eq!(p(UnixUnit::Seconds, "4102444800000"), OUT_OF_RANGE.reason);
        // Too far back, or too large in every unit: no hint.
        assert_eq!(p(UnixUnit::Seconds, "-1773136800123"), OUT_OF_RANGE.reason);
        assert_eq!(p(UnixUnit::Seconds, "9223372037"), OUT_OF_RANGE.reason);
        assert_eq!(
            p(UnixUnit::Nanos, "17731368001234567890"),
            OUT_OF_RANGE.reason
        );
        assert!(LOOKS_MILLIS
            .reason
            .ends_with("set source.timestamp.format: unix_ms"));
        assert!(LOOKS_MICROS
            .reason
            .ends_with("set source.timestamp.format: unix_us"));
        assert!(LOOKS_NANOS
            .reason
            .ends_with("set source.timestamp.format: unix_ns"));
    }

    #[test]
    fn epoch_units_that_put_every_time_outside_2000_to_2100() {
        const S: i64 = NANOS_PER_SECOND;
        let start = 946_684_800 * S;
        let end = 4_102_444_800 * S;
        assert_eq!(
            PLAUSIBLE_EPOCH_TIMES,
            chrono_ns("2000-01-01T00:00:00Z")..chrono_ns("2100-01-01T00:00:00Z")
        );
        let likely = |unit: Option<UnixUnit>| Some(UnitMismatch { likely: unit });
        // Seconds of 2026 read as milliseconds (1970-01-21), as microseconds, as nanoseconds.
        let seconds = 1_773_136_800;
        assert_eq!(
            check_epoch_unit(
                UnixUnit::Millis,
                seconds * 1_000_000,
                (seconds + 604_800) * 1_000_000
            ),
            likely(Some(UnixUnit::Seconds))
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Micros, seconds * 1_000, seconds * 1_000),
            likely(Some(UnixUnit::Seconds))
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Nanos, seconds, seconds),
            likely(Some(UnixUnit::Seconds))
        );
        // Microseconds read as nanoseconds; milliseconds read as microseconds.
        let micros = seconds * 1_000_000;
        assert_eq!(
            check_epoch_unit(UnixUnit::Nanos, micros, micros),
            likely(Some(UnixUnit::Micros))
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Micros, seconds * 1_000_000, seconds * 1_000_000),
            likely(Some(UnixUnit::Millis))
        );
        // The right unit: no sign, up to the very ends of the range.
        assert_eq!(
            check_epoch_unit(UnixUnit::Seconds, seconds * S, seconds * S),
            None
        );
        assert_eq!(check_epoch_unit(UnixUnit::Millis, start, start), None);
        assert_eq!(check_epoch_unit(UnixUnit::Millis, end - 1, end - 1), None);
        // One timestamp inside is enough; so are times on both sides (only the extremes are known).
        assert_eq!(check_epoch_unit(UnixUnit::Seconds, 0, start), None);
        assert_eq!(check_epoch_unit(UnixUnit::Seconds, end - 1, i64::MAX), None);
        assert_eq!(check_epoch_unit(UnixUnit::Seconds, 0, i64::MAX), None);
        // Just outside, and a span that another unit does not bring wholly inside.
        assert_eq!(
            check_epoch_unit(UnixUnit::Seconds, start - 1, start - 1),
            likely(None)
        );
        assert_eq!(check_epoch_unit(UnixUnit::Seconds, end, end), likely(None));
        assert_eq!(
            check_epoch_unit(UnixUnit::Millis, start / 1_000, start / 1_000),
            likely(Some(UnixUnit::Seconds))
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Millis, (start - S) / 1_000, start / 1_000),
            likely(None)
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Millis, (end - S) / 1_000, (end - S) / 1_000),
            likely(Some(UnixUnit::Seconds))
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Millis, end / 1_000, end / 1_000),
            likely(None)
        );
        // Before the epoch, and the ends of the range of instants.
        assert_eq!(
            check_epoch_unit(UnixUnit::Seconds, -seconds * S, -S),
            likely(None)
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Nanos, i64::MIN, i64::MIN),
            likely(None)
        );
        assert_eq!(
            check_epoch_unit(UnixUnit::Seconds, i64::MAX, i64::MAX),
            likely(None)
        );
        assert_eq!(UnixUnit::Millis.noun(), "milliseconds");
    }

    #[test]
    fn auto_detects_units() {
        let auto = parser(TimestampFormat::Auto, "UTC");
        let p = |text: &str| auto.parse(text.as_bytes());
        assert_eq!(p("1790856000"), Ok(BASE));
        assert_eq!(p("1790856000.5"), Ok(BASE + 500_000_000));
        assert_eq!(p("1790856000000"), Ok(BASE));
        assert_eq!(p("1790856000000000"), Ok(BASE));
        assert_eq!(p("1790856000000000000"), Ok(BASE));
        // Boundaries of the integer part: just below a boundary the smaller
        // unit is chosen, which is out of range for i64 nanoseconds.
        assert_eq!(reason(p("99999999999")), OUT_OF_RANGE.reason);
        assert_eq!(p("100000000000"), Ok(100_000_000_000 * 1_000_000));
        assert_eq!(reason(p("99999999999999")), OUT_OF_RANGE.reason);
        assert_eq!(p("100000000000000"), Ok(100_000_000_000_000 * 1_000));
        assert_eq!(reason(p("99999999999999999")), OUT_OF_RANGE.reason);
        assert_eq!(p("100000000000000000"), Ok(100_000_000_000_000_000));
        assert_eq!(p("8999999999"), Ok(8_999_999_999 * NANOS_PER_SECOND));
        assert_eq!(p("8999999999999"), Ok(8_999_999_999_999 * 1_000_000));
        assert_eq!(p("8999999999999999"), Ok(8_999_999_999_999_999 * 1_000));
        assert_eq!(p("-8999999999"), Ok(-8_999_999_999 * NANOS_PER_SECOND));
        assert_eq!(reason(p("-99999999999")), OUT_OF_RANGE.reason);
        assert_eq!(p("-100000000000"), Ok(-100_000_000_000 * 1_000_000));
        assert_eq!(p("99999999999.5e"), Err(NOT_RFC3339));
        assert_eq!(p("0"), Ok(0));
        // Not numbers: RFC 3339.
        assert_eq!(p("2026-10-01T12:00:00Z"), Ok(BASE));
        assert_eq!(p("2026-10-01"), Ok(BASE - 12 * 3600 * NANOS_PER_SECOND));
        assert_eq!(reason(p("1.2.3")), NOT_RFC3339.reason);
        assert_eq!(reason(p("")), EMPTY.reason);
    }

    proptest! {
        #[test]
        fn unix_seconds_match_integer_math(
            secs in 0i64..9_000_000_000,
            nanos in 0u32..1_000_000_000,
            negative in any::<bool>(),
        ) {
            let sign = if negative { "-" } else { "" };
            let text = format!("{sign}{secs}.{nanos:09}");
            let magnitude = secs * NANOS_PER_SECOND + i64::from(nanos);
            let expected = if negative { -magnitude } else { magnitude };
            let p = parser(TimestampFormat::Unix(UnixUnit::Seconds), "UTC");
            prop_assert_eq!(p.parse(text.as_bytes()), Ok(expected));
        }
    }
}
