//! Parsing the timestamp column of request logs, once per row.
//!
//! This is the hot path of the tool, so RFC 3339 and Unix numbers are parsed
//! by hand from bytes, without allocating and without going through chrono
//! (chrono-tz is consulted only for local times in a named zone). Arbitrary
//! `strftime` patterns go through chrono and may be slower.
//!
//! Also here: [`format_rfc3339`] for reports and [`parse_instant`] for the
//! CLI's `--at`.

use std::fmt;
use std::ops::Range;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};

use crate::time::zone::{parse_offset, Zone};
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

/// How the timestamp column of a log is written.
#[derive(Debug, Clone, PartialEq)]
pub enum TimestampFormat {
    /// Numbers are Unix timestamps with the unit guessed from their size;
    /// anything else is RFC 3339, or one of the shapes that RFC 3339 parsing
    /// falls back to: RFC 3339 without an offset followed by ` UTC`
    /// (BigQuery's `2026-10-01 12:00:00.123 UTC`), or the Common Log Format
    /// time of nginx's `$time_local` and Apache's `%t`,
    /// `10/Oct/2026:13:55:36 +0200`, with or without its brackets.
    Auto,
    /// RFC 3339 / ISO 8601 date-times such as `2026-10-01T12:00:00.25Z`.
    Rfc3339,
    /// Unix timestamps in the given unit, possibly negative or with a
    /// decimal fraction.
    Unix(UnixUnit),
    /// A chrono `strftime` pattern such as `%d/%b/%Y:%H:%M:%S %z`.
    Strftime(String),
}

impl TimestampFormat {
    /// Parses `auto`, `rfc3339` (or `iso8601`), `unix` (or `unix_s`),
    /// `unix_ms`, `unix_us`, `unix_ns`, or any text containing `%` as a
    /// `strftime` pattern, which is checked here.
    pub fn parse(text: &str) -> Result<TimestampFormat, String> {
        if text.contains('%') {
            return match StrftimeItems::new(text).parse() {
                Ok(_) => Ok(TimestampFormat::Strftime(text.to_string())),
                Err(_) => Err(format!(
                    "'{text}' is not a valid strftime pattern: check the % specifiers \
                     (such as %Y-%m-%d %H:%M:%S%z)"
                )),
            };
        }
        match text.trim().to_ascii_lowercase().as_str() {
            "auto" => Ok(TimestampFormat::Auto),
            "rfc3339" | "iso8601" => Ok(TimestampFormat::Rfc3339),
            "unix" | "unix_s" => Ok(TimestampFormat::Unix(UnixUnit::Seconds)),
            "unix_ms" => Ok(TimestampFormat::Unix(UnixUnit::Millis)),
            "unix_us" => Ok(TimestampFormat::Unix(UnixUnit::Micros)),
            "unix_ns" => Ok(TimestampFormat::Unix(UnixUnit::Nanos)),
            _ => Err(format!(
                "unknown timestamp format '{text}': use auto, rfc3339, unix, unix_ms, unix_us, \
                 unix_ns, or a strftime pattern containing % such as %Y-%m-%d %H:%M:%S"
            )),
        }
    }
}

impl fmt::Display for TimestampFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            TimestampFormat::Auto => "auto",
            TimestampFormat::Rfc3339 => "rfc3339",
            TimestampFormat::Unix(UnixUnit::Seconds) => "unix",
            TimestampFormat::Unix(UnixUnit::Millis) => "unix_ms",
            TimestampFormat::Unix(UnixUnit::Micros) => "unix_us",
            TimestampFormat::Unix(UnixUnit::Nanos) => "unix_ns",
            TimestampFormat::Strftime(pattern) => pattern,
        })
    }
}

/// Why a timestamp could not be parsed. Static text, so that a failing row
/// costs no allocation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TimestampError {
    /// A short lowercase reason such as `"not an RFC 3339 timestamp"`.
    pub reason: &'static str,
}

impl fmt::Display for TimestampError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)
    }
}

impl std::error::Error for TimestampError {}

const fn error(reason: &'static str) -> TimestampError {
    TimestampError { reason }
}

const EMPTY: TimestampError = error("empty");
const NOT_RFC3339: TimestampError = error("not an RFC 3339 timestamp");
const BAD_MONTH: TimestampError = error("month out of range (01-12)");
const BAD_DAY: TimestampError = error("day out of range for the month");
const BAD_HOUR: TimestampError = error("hour out of range (00-23)");
const BAD_MINUTE: TimestampError = error("minute out of range (00-59)");
const BAD_SECOND: TimestampError = error("second out of range (00-60)");
const BAD_OFFSET: TimestampError = error("invalid UTC offset (up to +/-23:59)");
const OUT_OF_RANGE: TimestampError =
    error("out of range (slo reads times from 1677-09-21 to 2262-04-11)");
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
const NOT_UTF8: TimestampError = error("not valid UTF-8");
const NO_MATCH: TimestampError = error("does not match the strftime pattern");
const NOT_CLF: TimestampError = error(
    "neither RFC 3339 nor like 10/Oct/2026:13:55:36 +0200; for another form, set \
     source.timestamp.format to a strftime pattern",
);
const BAD_MONTH_NAME: TimestampError = error("month name not one of Jan, Feb, ..., Dec");
const OFFSET_AND_UTC: TimestampError = error("has both a UTC offset and ' UTC': keep one");
const BAD_PATTERN: TimestampError = error("invalid strftime pattern");

/// Parses raw timestamp fields of one format in one zone.
///
/// Surrounding ASCII whitespace is ignored (quotes are not). Timestamps
/// without a UTC offset are local times in the parser's zone, following the
/// rules of [`Zone::local_to_utc`].
///
/// RFC 3339 details: the date and time may be separated by `T`, `t` or one
/// space; the fraction may use `.` or `,` with any number of digits (digits
/// past nanoseconds are truncated); the offset may be `Z`, `z`, `+HH:MM`,
/// `+HHMM` or `+HH`; a bare date `YYYY-MM-DD` means local midnight. A leap
/// second (`:60`) is read as `:59.999999999` of the same minute, whatever its
/// fraction.
///
/// `auto` also reads, once RFC 3339 has failed (so that RFC 3339 costs nothing
/// more): RFC 3339 without an offset followed by one space and `UTC` in any
/// case (`2026-10-01 12:00:00.123 UTC`), which is UTC whatever the zone; and
/// `DD/Mon/YYYY:HH:MM:SS +HHMM`, optionally inside `[` `]`, with an English
/// month abbreviation in any case and the offsets RFC 3339 accepts, or no
/// offset for a local time in the zone.
#[derive(Debug, Clone)]
pub struct TimestampParser {
    format: TimestampFormat,
    zone: Zone,
    /// The compiled `strftime` pattern, for [`TimestampFormat::Strftime`];
    /// `None` there if the pattern is invalid.
    items: Option<Vec<Item<'static>>>,
}

impl TimestampParser {
    /// Makes a parser. An invalid `strftime` pattern (one that
    /// [`TimestampFormat::parse`] would reject) makes every parse fail.
    pub fn new(format: TimestampFormat, zone: Zone) -> TimestampParser {
        let items = match &format {
            TimestampFormat::Strftime(pattern) => StrftimeItems::new(pattern).parse_to_owned().ok(),
            _ => None,
        };
        TimestampParser {
            format,
            zone,
            items,
        }
    }

    /// The format this parser reads.
    pub fn format(&self) -> &TimestampFormat {
        &self.format
    }

    /// The zone of timestamps without an offset.
    pub fn zone(&self) -> &Zone {
        &self.zone
    }

    /// Parses one raw field into an instant. Does not allocate except for
    /// `strftime` patterns.
    pub fn parse(&self, raw: &[u8]) -> Result<UnixNanos, TimestampError> {
        let text = raw.trim_ascii();
        if text.is_empty() {
            return Err(EMPTY);
        }
        match &self.format {
            TimestampFormat::Auto => {
                if looks_numeric(text) {
                    parse_unix(text, None)
                } else {
                    parse_rfc3339(text, &self.zone)
                        .or_else(|error| parse_other_shapes(text, &self.zone, error))
                }
            }
            TimestampFormat::Rfc3339 => parse_rfc3339(text, &self.zone),
            TimestampFormat::Unix(unit) => parse_unix(text, Some(*unit)),
            TimestampFormat::Strftime(_) => self.parse_strftime(text),
        }
    }

    /// Whether [`MinuteCache`] may be used with this parser.
    fn reads_rfc3339(&self) -> bool {
        matches!(
            self.format,
            TimestampFormat::Auto | TimestampFormat::Rfc3339
        )
    }

    fn parse_strftime(&self, text: &[u8]) -> Result<UnixNanos, TimestampError> {
        let text = std::str::from_utf8(text).map_err(|_| NOT_UTF8)?;
        let items = self.items.as_ref().ok_or(BAD_PATTERN)?;
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, text, items.iter()).map_err(|_| NO_MATCH)?;
        if parsed.offset().is_some() {
            let datetime = parsed.to_datetime().map_err(|_| NO_MATCH)?;
            return datetime.timestamp_nanos_opt().ok_or(OUT_OF_RANGE);
        }
        if parsed.timestamp().is_some() {
            // `%s` is already an instant.
            let naive = parsed
                .to_naive_datetime_with_offset(0)
                .map_err(|_| NO_MATCH)?;
            return naive.and_utc().timestamp_nanos_opt().ok_or(OUT_OF_RANGE);
        }
        let date = parsed.to_naive_date().map_err(|_| NO_MATCH)?;
        let has_time = parsed.hour_mod_12().is_some()
            || parsed.minute().is_some()
            || parsed.second().is_some();
        let time = if has_time {
            parsed.to_naive_time().map_err(|_| NO_MATCH)?
        } else {
            NaiveTime::MIN
        };
        local_naive_to_nanos(NaiveDateTime::new(date, time), &self.zone)
    }
}

/// Converts a local time to an instant with range checking.
fn local_naive_to_nanos(naive: NaiveDateTime, zone: &Zone) -> Result<UnixNanos, TimestampError> {
    let offset = i64::from(zone.offset_for_local(naive));
    let seconds = naive.and_utc().timestamp() - offset;
    seconds_and_nanos(seconds, chrono::Timelike::nanosecond(&naive))
}

/// True if `text` is `-`? digits with at most one `.`: a Unix timestamp
/// rather than a date.
fn looks_numeric(text: &[u8]) -> bool {
    let body = text.strip_prefix(b"-").unwrap_or(text);
    let mut dots = 0;
    let mut digits = 0;
    for &b in body {
        match b {
            b'0'..=b'9' => digits += 1,
            b'.' => dots += 1,
            _ => return false,
        }
    }
    digits > 0 && dots <= 1
}

/// Parses a Unix timestamp number exactly with integer arithmetic. With no
/// unit, the unit is chosen by the size of the integer part: below 1e11
/// seconds, below 1e14 milliseconds, below 1e17 microseconds, else
/// nanoseconds.
fn parse_unix(text: &[u8], unit: Option<UnixUnit>) -> Result<UnixNanos, TimestampError> {
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

/// Two ASCII digits at `at`, as a number.
#[inline]
fn two_digits(text: &[u8], at: usize) -> Option<u32> {
    match (text.get(at), text.get(at + 1)) {
        (Some(a @ b'0'..=b'9'), Some(b @ b'0'..=b'9')) => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

#[inline]
fn expect_byte(text: &[u8], at: usize, byte: u8) -> Result<(), TimestampError> {
    if text.get(at) == Some(&byte) {
        Ok(())
    } else {
        Err(NOT_RFC3339)
    }
}

fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let shifted_month = if month > 2 { month - 3 } else { month + 9 };
    let day_of_year = (153 * shifted_month + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

/// The proleptic Gregorian date of a day count since 1970-01-01 (Howard
/// Hinnant's `civil_from_days`).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    // Both are small and positive by construction.
    (year, month as u32, day as u32)
}

/// The hand-written RFC 3339 parser: see [`TimestampParser`] for what is
/// accepted. `text` is already trimmed and non-empty.
fn parse_rfc3339(text: &[u8], zone: &Zone) -> Result<UnixNanos, TimestampError> {
    let year = match (two_digits(text, 0), two_digits(text, 2)) {
        (Some(high), Some(low)) => i64::from(high * 100 + low),
        _ => return Err(NOT_RFC3339),
    };
    expect_byte(text, 4, b'-')?;
    let month = two_digits(text, 5).ok_or(NOT_RFC3339)?;
    expect_byte(text, 7, b'-')?;
    let day = two_digits(text, 8).ok_or(NOT_RFC3339)?;

    let (mut hour, mut minute, mut second, mut nanos) = (0, 0, 0, 0);
    let mut offset: Option<i32> = None;
    if text.len() > 10 {
        if !matches!(text[10], b'T' | b't' | b' ') {
            return Err(NOT_RFC3339);
        }
        hour = two_digits(text, 11).ok_or(NOT_RFC3339)?;
        expect_byte(text, 13, b':')?;
        minute = two_digits(text, 14).ok_or(NOT_RFC3339)?;
        expect_byte(text, 16, b':')?;
        second = two_digits(text, 17).ok_or(NOT_RFC3339)?;
        let mut pos = 19;
        if matches!(text.get(pos), Some(b'.' | b',')) {
            pos += 1;
            let start = pos;
            while let Some(&b) = text.get(pos) {
                if !b.is_ascii_digit() {
                    break;
                }
                if pos - start < 9 {
                    nanos = nanos * 10 + u32::from(b - b'0');
                }
                pos += 1;
            }
            let count = pos - start;
            if count == 0 {
                return Err(NOT_RFC3339);
            }
            for _ in count..9 {
                nanos *= 10;
            }
        }
        match text.get(pos) {
            None => {}
            Some(b'Z' | b'z') if pos + 1 == text.len() => offset = Some(0),
            Some(b'+' | b'-') => offset = Some(parse_offset(&text[pos..]).ok_or(BAD_OFFSET)?),
            Some(_) => return Err(NOT_RFC3339),
        }
    }

    let date_time = CivilDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
    };
    date_time.to_instant(offset, zone)
}

/// A date and wall-clock time as written in a timestamp, not yet checked.
#[derive(Clone, Copy)]
struct CivilDateTime {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
}

impl CivilDateTime {
    /// Checks the fields and converts them to an instant: at `offset` seconds east of UTC when
    /// the timestamp has one, else as a local time in `zone`. A leap second (`:60`) is read as
    /// `:59.999999999` of the same minute.
    #[inline]
    fn to_instant(self, offset: Option<i32>, zone: &Zone) -> Result<UnixNanos, TimestampError> {
        let CivilDateTime {
            year,
            month,
            day,
            hour,
            minute,
            mut second,
            mut nanos,
        } = self;
        if !(1..=12).contains(&month) {
            return Err(BAD_MONTH);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(BAD_DAY);
        }
        if hour > 23 {
            return Err(BAD_HOUR);
        }
        if minute > 59 {
            return Err(BAD_MINUTE);
        }
        if second > 60 {
            return Err(BAD_SECOND);
        }
        if second == 60 {
            second = 59;
            nanos = 999_999_999;
        }

        let offset = match (offset, zone) {
            (Some(offset), _) => offset,
            (None, Zone::Utc) => 0,
            (None, Zone::Fixed(fixed)) => fixed.local_minus_utc(),
            (None, Zone::Named(_)) => {
                let naive = NaiveDate::from_ymd_opt(year as i32, month, day)
                    .and_then(|date| date.and_hms_opt(hour, minute, second))
                    .ok_or(OUT_OF_RANGE)?;
                zone.offset_for_local(naive)
            }
        };
        let seconds = days_from_civil(year, month, day) * 86_400
            + i64::from(hour * 3600 + minute * 60 + second)
            - i64::from(offset);
        seconds_and_nanos(seconds, nanos)
    }
}

/// The shapes `auto` reads besides RFC 3339 and Unix numbers, tried once RFC 3339 has failed
/// with `rfc3339_error`, which is the answer for text of neither shape.
#[cold]
#[inline(never)]
fn parse_other_shapes(
    text: &[u8],
    zone: &Zone,
    rfc3339_error: TimestampError,
) -> Result<UnixNanos, TimestampError> {
    if let Some(date_time) = strip_utc_suffix(text) {
        if has_offset(date_time) {
            return Err(OFFSET_AND_UTC);
        }
        return parse_rfc3339(date_time, &Zone::Utc);
    }
    if text.first() == Some(&b'[') || text.get(2) == Some(&b'/') {
        return parse_clf(text, zone);
    }
    Err(rfc3339_error)
}

/// `text` without a final ` UTC` (in any case), if it ends so.
#[inline]
fn strip_utc_suffix(text: &[u8]) -> Option<&[u8]> {
    let at = text.len().checked_sub(4)?;
    let (date_time, suffix) = text.split_at(at);
    (suffix[0] == b' ' && suffix[1..].eq_ignore_ascii_case(b"UTC")).then_some(date_time)
}

/// Whether an RFC 3339 date-time has an offset (`Z`, `+…`, `-…`) after its seconds and fraction.
fn has_offset(text: &[u8]) -> bool {
    let mut pos = 19;
    if matches!(text.get(pos), Some(b'.' | b',')) {
        pos += 1;
        while text.get(pos).is_some_and(u8::is_ascii_digit) {
            pos += 1;
        }
    }
    matches!(text.get(pos), Some(b'Z' | b'z' | b'+' | b'-'))
}

/// The Common Log Format time (nginx's `$time_local`, Apache's `%t`):
/// `DD/Mon/YYYY:HH:MM:SS +HHMM`, optionally inside brackets; see [`TimestampParser`].
fn parse_clf(text: &[u8], zone: &Zone) -> Result<UnixNanos, TimestampError> {
    let text = match text.strip_prefix(b"[") {
        Some(inner) => inner.strip_suffix(b"]").ok_or(NOT_CLF)?,
        None => text,
    };
    let clf_byte = |at: usize, byte: u8| {
        if text.get(at) == Some(&byte) {
            Ok(())
        } else {
            Err(NOT_CLF)
        }
    };
    let day = two_digits(text, 0).ok_or(NOT_CLF)?;
    clf_byte(2, b'/')?;
    let month = text.get(3..6).ok_or(NOT_CLF)?;
    clf_byte(6, b'/')?;
    let year = match (two_digits(text, 7), two_digits(text, 9)) {
        (Some(high), Some(low)) => i64::from(high * 100 + low),
        _ => return Err(NOT_CLF),
    };
    clf_byte(11, b':')?;
    let hour = two_digits(text, 12).ok_or(NOT_CLF)?;
    clf_byte(14, b':')?;
    let minute = two_digits(text, 15).ok_or(NOT_CLF)?;
    clf_byte(17, b':')?;
    let second = two_digits(text, 18).ok_or(NOT_CLF)?;
    let offset = match text.get(20..) {
        None | Some([]) => None,
        Some([b' ', offset @ ..]) => Some(parse_offset(offset).ok_or(BAD_OFFSET)?),
        Some(_) => return Err(NOT_CLF),
    };
    let month = month_from_name(month).ok_or(BAD_MONTH_NAME)?;
    let date_time = CivilDateTime {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos: 0,
    };
    date_time.to_instant(offset, zone)
}

/// The month (1-12) of an English three-letter abbreviation, in any case.
fn month_from_name(name: &[u8]) -> Option<u32> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov",
        b"dec",
    ];
    let index = MONTHS
        .iter()
        .position(|month| month.eq_ignore_ascii_case(name))?;
    u32::try_from(index + 1).ok()
}

/// `seconds * 1e9 + nanos` if it fits an `i64`. Computed in `i128` so that
/// the very first nanoseconds of the range (whose whole seconds alone are
/// out of range) still work.
#[inline]
fn seconds_and_nanos(seconds: i64, nanos: u32) -> Result<UnixNanos, TimestampError> {
    let total = i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(nanos);
    i64::try_from(total).map_err(|_| OUT_OF_RANGE)
}

/// Formats an instant as RFC 3339 in UTC with a `Z`, with a fraction only if
/// it is nonzero, in milli-, micro- or nanoseconds as needed:
/// `2026-10-01T12:00:00Z`, `2026-10-01T12:00:00.250Z`.
pub fn format_rfc3339(t: UnixNanos) -> String {
    let seconds = t.div_euclid(NANOS_PER_SECOND);
    let nanos = t.rem_euclid(NANOS_PER_SECOND);
    let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
    let of_day = seconds.rem_euclid(86_400);
    let (hour, minute, second) = (of_day / 3600, of_day / 60 % 60, of_day % 60);
    let fraction = if nanos == 0 {
        String::new()
    } else if nanos % 1_000_000 == 0 {
        format!(".{:03}", nanos / 1_000_000)
    } else if nanos % 1_000 == 0 {
        format!(".{:06}", nanos / 1_000)
    } else {
        format!(".{nanos:09}")
    };
    format!("{year:04}-{month:02}-{day:02}T{hour:02}:{minute:02}:{second:02}{fraction}Z")
}

/// Parses an instant given on the command line (`--at`): RFC 3339 with an
/// offset (`2026-10-01T12:00:00Z`, `2026-10-01T14:00:00+02:00`), or a date
/// and time without offset (or a bare date), which are read as UTC.
pub fn parse_instant(text: &str) -> Result<UnixNanos, String> {
    let trimmed = text.trim();
    let help = "use RFC 3339 such as 2026-10-01T12:00:00Z or 2026-10-01T14:00:00+02:00 \
                (without an offset the time is UTC)";
    if trimmed.is_empty() {
        return Err(format!("empty instant: {help}"));
    }
    parse_rfc3339(trimmed.as_bytes(), &Zone::Utc)
        .map_err(|e| format!("'{trimmed}' is not a valid instant ({e}): {help}"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
    use proptest::prelude::*;

    fn chrono_ns(text: &str) -> UnixNanos {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_nanos_opt()
            .unwrap()
    }

    fn parser(format: TimestampFormat, zone: &str) -> TimestampParser {
        TimestampParser::new(format, Zone::parse(zone).unwrap())
    }

    fn rfc(text: &str) -> Result<UnixNanos, TimestampError> {
        parser(TimestampFormat::Rfc3339, "UTC").parse(text.as_bytes())
    }

    fn reason(result: Result<UnixNanos, TimestampError>) -> &'static str {
        result.unwrap_err().reason
    }

    const BASE: i64 = 1_790_856_000_000_000_000; // 2026-10-01T12:00:00Z

    #[test]
    fn rfc3339_basic_and_offsets() {
        assert_eq!(chrono_ns("2026-10-01T12:00:00Z"), BASE);
        assert_eq!(rfc("2026-10-01T12:00:00Z"), Ok(BASE));
        assert_eq!(rfc("2026-10-01t12:00:00z"), Ok(BASE));
        assert_eq!(rfc("2026-10-01 12:00:00Z"), Ok(BASE));
        assert_eq!(rfc("2026-10-01T14:00:00+02:00"), Ok(BASE));
        assert_eq!(rfc("2026-10-01T14:00:00+0200"), Ok(BASE));
        assert_eq!(rfc("2026-10-01T14:00:00+02"), Ok(BASE));
        assert_eq!(rfc("2026-10-01T06:30:00-05:30"), Ok(BASE));
        assert_eq!(rfc("2026-10-02T11:59:00+23:59"), Ok(BASE));
        assert_eq!(rfc("  2026-10-01T12:00:00Z\n"), Ok(BASE));
        assert_eq!(rfc("1970-01-01T00:00:00Z"), Ok(0));
        assert_eq!(rfc("1969-12-31T23:59:59Z"), Ok(-NANOS_PER_SECOND));
    }

    #[test]
    fn rfc3339_fractions() {
        let cases = [
            ("2026-10-01T12:00:00.1Z", 100_000_000),
            ("2026-10-01T12:00:00.12Z", 120_000_000),
            ("2026-10-01T12:00:00.123Z", 123_000_000),
            ("2026-10-01T12:00:00.1234Z", 123_400_000),
            ("2026-10-01T12:00:00.12345Z", 123_450_000),
            ("2026-10-01T12:00:00.123456Z", 123_456_000),
            ("2026-10-01T12:00:00.1234567Z", 123_456_700),
            ("2026-10-01T12:00:00.12345678Z", 123_456_780),
            ("2026-10-01T12:00:00.123456789Z", 123_456_789),
            ("2026-10-01T12:00:00.1234567891Z", 123_456_789),
            ("2026-10-01T12:00:00.999999999999999999999Z", 999_999_999),
            ("2026-10-01T12:00:00,5Z", 500_000_000),
            ("2026-10-01T12:00:00.000000001Z", 1),
            ("2026-10-01T12:00:00.25", 250_000_000),
            ("2026-10-01T14:00:00.25+02:00", 250_000_000),
        ];
        for (text, nanos) in cases {
            assert_eq!(rfc(text), Ok(BASE + nanos), "{text}");
        }
        assert_eq!(
            rfc("1969-12-31T23:59:59.5Z"),
            Ok(-NANOS_PER_SECOND / 2),
            "fractions add to negative seconds"
        );
        assert_eq!(reason(rfc("2026-10-01T12:00:00.Z")), NOT_RFC3339.reason);
        assert_eq!(reason(rfc("2026-10-01T12:00:00.")), NOT_RFC3339.reason);
    }

    #[test]
    fn rfc3339_without_offset_is_local() {
        let text = b"2026-10-01T12:00:00";
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "UTC").parse(text),
            Ok(BASE)
        );
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "+02:00").parse(text),
            Ok(BASE - 2 * 3600 * NANOS_PER_SECOND)
        );
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "Europe/Berlin").parse(text),
            Ok(BASE - 2 * 3600 * NANOS_PER_SECOND)
        );
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "Europe/Berlin").parse(b"2026-01-01 00:00:00"),
            Ok(chrono_ns("2025-12-31T23:00:00Z"))
        );
        // An explicit offset wins over the zone.
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "Europe/Berlin").parse(b"2026-10-01T12:00:00Z"),
            Ok(BASE)
        );
    }

    #[test]
    fn rfc3339_named_zone_gap_and_overlap() {
        let berlin = parser(TimestampFormat::Rfc3339, "Europe/Berlin");
        assert_eq!(
            berlin.parse(b"2026-03-29T02:30:00"),
            Ok(chrono_ns("2026-03-29T03:30:00+02:00"))
        );
        assert_eq!(
            berlin.parse(b"2026-10-25T02:30:00.5"),
            Ok(chrono_ns("2026-10-25T02:30:00.5+02:00"))
        );
    }

    #[test]
    fn rfc3339_date_only() {
        assert_eq!(rfc("2026-10-01"), Ok(BASE - 12 * 3600 * NANOS_PER_SECOND));
        assert_eq!(
            parser(TimestampFormat::Rfc3339, "Europe/Berlin").parse(b"2026-10-01"),
            Ok(chrono_ns("2026-09-30T22:00:00Z"))
        );
        assert_eq!(reason(rfc("2026-10-01T")), NOT_RFC3339.reason);
        assert_eq!(reason(rfc("2026-10-01Z")), NOT_RFC3339.reason);
    }

    #[test]
    fn rfc3339_calendar_validation() {
        assert_eq!(
            rfc("2024-02-29T00:00:00Z"),
            Ok(chrono_ns("2024-02-29T00:00:00Z"))
        );
        assert_eq!(rfc("2000-02-29"), Ok(chrono_ns("2000-02-29T00:00:00Z")));
        assert_eq!(reason(rfc("2023-02-29T00:00:00Z")), BAD_DAY.reason);
        assert_eq!(reason(rfc("1900-02-29")), BAD_DAY.reason);
        assert_eq!(reason(rfc("2026-04-31")), BAD_DAY.reason);
        assert_eq!(reason(rfc("2026-01-00")), BAD_DAY.reason);
        assert_eq!(reason(rfc("2026-13-01T00:00:00Z")), BAD_MONTH.reason);
        assert_eq!(reason(rfc("2026-00-01T00:00:00Z")), BAD_MONTH.reason);
        assert_eq!(reason(rfc("2026-01-01T24:00:00Z")), BAD_HOUR.reason);
        assert_eq!(reason(rfc("2026-01-01T23:60:00Z")), BAD_MINUTE.reason);
        assert_eq!(reason(rfc("2026-01-01T23:59:61Z")), BAD_SECOND.reason);
        assert_eq!(reason(rfc("2026-01-01T00:00:00+24:00")), BAD_OFFSET.reason);
        assert_eq!(reason(rfc("2026-01-01T00:00:00+02:60")), BAD_OFFSET.reason);
        assert_eq!(reason(rfc("2026-01-01T00:00:00+2")), BAD_OFFSET.reason);
        assert_eq!(
            reason(rfc("2026-01-01T00:00:00+02:00:00")),
            BAD_OFFSET.reason
        );
    }

    #[test]
    fn rfc3339_leap_second() {
        assert_eq!(
            rfc("2016-12-31T23:59:60Z"),
            Ok(chrono_ns("2016-12-31T23:59:59.999999999Z"))
        );
        assert_eq!(
            rfc("2016-12-31T23:59:60.5Z"),
            Ok(chrono_ns("2016-12-31T23:59:59.999999999Z"))
        );
    }

    #[test]
    fn rfc3339_range() {
        assert_eq!(reason(rfc("0000-01-01T00:00:00Z")), OUT_OF_RANGE.reason);
        assert_eq!(reason(rfc("9999-12-31T23:59:59Z")), OUT_OF_RANGE.reason);
        assert_eq!(reason(rfc("1677-01-01T00:00:00Z")), OUT_OF_RANGE.reason);
        assert_eq!(reason(rfc("2262-12-31T00:00:00Z")), OUT_OF_RANGE.reason);
        assert_eq!(
            rfc("1678-01-01T00:00:00Z"),
            Ok(chrono_ns("1678-01-01T00:00:00Z"))
        );
        assert_eq!(
            rfc("2261-12-31T23:59:59Z"),
            Ok(chrono_ns("2261-12-31T23:59:59Z"))
        );
        assert_eq!(rfc("2262-04-11T23:47:16.854775807Z"), Ok(i64::MAX));
        assert_eq!(
            reason(rfc("2262-04-11T23:47:16.854775808Z")),
            OUT_OF_RANGE.reason
        );
        assert_eq!(rfc("1677-09-21T00:12:43.145224192Z"), Ok(i64::MIN));
    }

    #[test]
    fn rfc3339_garbage() {
        assert_eq!(reason(rfc("")), EMPTY.reason);
        assert_eq!(reason(rfc("   \t")), EMPTY.reason);
        for text in [
            "hello",
            "2026",
            "2026-1-01",
            "2026/10/01",
            "2026-10-01T12:00",
            "2026-10-01T12:00:00ZZ",
            "2026-10-01T12:00:00 Z",
            "2026-10-01T12:00:00Zjunk",
            "2026-10-01X12:00:00Z",
            "2026-10-01  12:00:00Z",
            "\"2026-10-01T12:00:00Z\"",
            "２０２６-10-01T12:00:00Z",
            "2026-10-01T12:00:00Ω",
            "-026-10-01T12:00:00Z",
            "+2026-10-01T12:00:00Z",
        ] {
            assert_eq!(reason(rfc(text)), NOT_RFC3339.reason, "{text}");
        }
        let long = format!("2026-10-01T12:00:00.{}Z", "1".repeat(100_000));
        assert_eq!(rfc(&long), Ok(BASE + 111_111_111));
        let long_junk = "9".repeat(100_000);
        assert!(rfc(&long_junk).is_err());
    }

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
        for bad in [
            "", "-", ".", "-.", "1e9", "1.2.3", "0x10", "+5", "1 2", "--1", "١٢",
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

    #[test]
    fn auto_reads_common_log_format_times() {
        let utc = parser(TimestampFormat::Auto, "UTC");
        let p = |text: &str| utc.parse(text.as_bytes());
        assert_eq!(p("01/Oct/2026:14:00:00 +0200"), Ok(BASE));
        assert_eq!(p("[01/Oct/2026:14:00:00 +0200]"), Ok(BASE));
        assert_eq!(p("  [01/Oct/2026:12:00:00 +0000] "), Ok(BASE));
        assert_eq!(p("01/Oct/2026:12:00:00 -0000"), Ok(BASE));
        // Month names in any case, as chrono's %b reads them.
        let pattern = parser(
            TimestampFormat::parse("%d/%b/%Y:%H:%M:%S %z").unwrap(),
            "UTC",
        );
        for text in ["01/oct/2026:12:00:00 +0000", "01/OCT/2026:12:00:00 +0000"] {
            assert_eq!(p(text), Ok(BASE), "{text}");
            assert_eq!(pattern.parse(text.as_bytes()), Ok(BASE), "{text}");
        }
        // Offsets with minutes, west and east; the forms RFC 3339 accepts.
        assert_eq!(p("01/Oct/2026:02:30:00 -0930"), Ok(BASE));
        assert_eq!(p("01/Oct/2026:17:45:00 +0545"), Ok(BASE));
        assert_eq!(p("01/Oct/2026:02:30:00 -09:30"), Ok(BASE));
        assert_eq!(p("01/Oct/2026:14:00:00 +02"), Ok(BASE));
        assert_eq!(p("02/Oct/2026:11:59:00 +2359"), Ok(BASE));
        // 2024-02-29T00:00:00Z = 19 782 days after the epoch.
        assert_eq!(
            p("29/Feb/2024:00:00:00 +0000"),
            Ok(19_782 * 86_400 * NANOS_PER_SECOND)
        );
        assert_eq!(p("31/Dec/1969:23:59:59 +0000"), Ok(-NANOS_PER_SECOND));
        // A leap second is the last nanosecond of its minute, as in RFC 3339.
        assert_eq!(p("01/Oct/2026:11:59:60 +0000"), Ok(BASE - 1));
        // Every month name, on the first of the month at midnight UTC.
        for (month, name) in [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .enumerate()
        {
            assert_eq!(
                p(&format!("01/{name}/2026:00:00:00 +0000")),
                Ok(chrono_ns(&format!("2026-{:02}-01T00:00:00Z", month + 1))),
                "{name}"
            );
        }
        // Without an offset: a local time in the zone.
        assert_eq!(p("01/Oct/2026:12:00:00"), Ok(BASE));
        assert_eq!(
            parser(TimestampFormat::Auto, "+02:00").parse(b"01/Oct/2026:14:00:00"),
            Ok(BASE)
        );
        assert_eq!(
            parser(TimestampFormat::Auto, "Europe/Berlin").parse(b"[25/Oct/2026:02:30:00]"),
            Ok(chrono_ns("2026-10-25T02:30:00+02:00"))
        );
        // An explicit offset wins over the zone.
        assert_eq!(
            parser(TimestampFormat::Auto, "Europe/Berlin").parse(b"01/Oct/2026:12:00:00 +0000"),
            Ok(BASE)
        );

        assert_eq!(reason(p("31/Feb/2026:12:00:00 +0000")), BAD_DAY.reason);
        assert_eq!(reason(p("29/Feb/2026:12:00:00 +0000")), BAD_DAY.reason);
        assert_eq!(reason(p("31/Apr/2026:12:00:00 +0000")), BAD_DAY.reason);
        assert_eq!(reason(p("00/Oct/2026:12:00:00 +0000")), BAD_DAY.reason);
        assert_eq!(reason(p("32/Oct/2026:12:00:00 +0000")), BAD_DAY.reason);
        assert_eq!(
            reason(p("01/Okt/2026:12:00:00 +0000")),
            BAD_MONTH_NAME.reason
        );
        assert_eq!(reason(p("01/10/2026:12:00:00 +0000")), NOT_CLF.reason);
        assert_eq!(reason(p("01/Oct/2026:24:00:00 +0000")), BAD_HOUR.reason);
        assert_eq!(reason(p("01/Oct/2026:12:60:00 +0000")), BAD_MINUTE.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:61 +0000")), BAD_SECOND.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:00 +2400")), BAD_OFFSET.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:00 +0060")), BAD_OFFSET.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:00 0200")), BAD_OFFSET.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:00  +0200")), BAD_OFFSET.reason);
        assert_eq!(reason(p("01/Oct/2026:12:00:00 +0000]")), BAD_OFFSET.reason);
        for bad in [
            "[01/Oct/2026:12:00:00 +0000",
            "[]",
            "[",
            "01/Oct/2026 12:00:00 +0000",
            "01/Oct/2026:12:00 +0000",
            "01/Oct/26:12:00:00 +0000",
            "01/Oct/2026:12:00:00.5 +0000",
            "01/Oct/2026:12:00:00+0000",
            "10/03/2026 05:00:00",
        ] {
            assert_eq!(reason(p(bad)), NOT_CLF.reason, "{bad}");
        }
        // A one-digit day is not the Common Log Format (which pads days to two digits).
        assert_eq!(reason(p("1/Oct/2026:12:00:00 +0000")), NOT_RFC3339.reason);
        // Only `auto` falls back to it.
        assert_eq!(
            reason(rfc("01/Oct/2026:12:00:00 +0000")),
            NOT_RFC3339.reason
        );
    }

    #[test]
    fn auto_reads_a_trailing_utc() {
        let berlin = parser(TimestampFormat::Auto, "Europe/Berlin");
        let p = |text: &str| berlin.parse(text.as_bytes());
        // ` UTC` wins over the zone of timestamps without an offset.
        assert_eq!(p("2026-10-01 12:00:00.123 UTC"), Ok(BASE + 123_000_000));
        assert_eq!(p("2026-10-01 12:00:00 UTC"), Ok(BASE));
        assert_eq!(p("2026-10-01 12:00:00.123456 UTC"), Ok(BASE + 123_456_000));
        assert_eq!(p("2026-10-01T12:00:00,5 UTC"), Ok(BASE + 500_000_000));
        assert_eq!(p("2026-10-01T12:00:00 utc"), Ok(BASE));
        assert_eq!(p(" 2026-10-01 12:00:00 Utc\n"), Ok(BASE));
        assert_eq!(p("2026-10-01 UTC"), Ok(BASE - 12 * 3600 * NANOS_PER_SECOND));
        assert_eq!(p("2026-10-01 11:59:60 UTC"), Ok(BASE - 1));
        assert_eq!(p("1969-12-31 23:59:59.5 UTC"), Ok(-NANOS_PER_SECOND / 2));
        assert_eq!(reason(p("2026-02-30 12:00:00 UTC")), BAD_DAY.reason);
        assert_eq!(reason(p("2026-10-01 24:00:00 UTC")), BAD_HOUR.reason);
        assert_eq!(reason(p("2026-10-01 12:00:00Z UTC")), OFFSET_AND_UTC.reason);
        assert_eq!(
            reason(p("2026-10-01 12:00:00.5+02:00 UTC")),
            OFFSET_AND_UTC.reason
        );
        assert_eq!(
            reason(p("2026-10-01 12:00:00-0100 UTC")),
            OFFSET_AND_UTC.reason
        );
        for bad in [
            "2026-10-01 12:00:00  UTC",
            "2026-10-01 12:00:00UTC",
            "2026-10-01 12:00:00 GMT",
            "2026-10-01 12:00 UTC",
            "2026-10-01 12:00:00. UTC",
            "x UTC",
            "UTC",
        ] {
            assert_eq!(reason(p(bad)), NOT_RFC3339.reason, "{bad}");
        }
        // Only `auto` reads it.
        assert_eq!(reason(rfc("2026-10-01 12:00:00 UTC")), NOT_RFC3339.reason);
    }

    #[test]
    fn strftime_with_and_without_offset() {
        let clf = parser(
            TimestampFormat::parse("%d/%b/%Y:%H:%M:%S %z").unwrap(),
            "Europe/Berlin",
        );
        assert_eq!(clf.parse(b"01/Oct/2026:14:00:00 +0200"), Ok(BASE));
        assert_eq!(clf.parse(b"01/Oct/2026:12:00:00 +0000"), Ok(BASE));
        assert_eq!(reason(clf.parse(b"01/Oct/2026:12:00:00")), NO_MATCH.reason);

        let naive_utc = parser(
            TimestampFormat::parse("%Y-%m-%d %H:%M:%S%.f").unwrap(),
            "UTC",
        );
        assert_eq!(
            naive_utc.parse(b"2026-10-01 12:00:00.25"),
            Ok(BASE + 250_000_000)
        );
        assert_eq!(naive_utc.parse(b"2026-10-01 12:00:00"), Ok(BASE));

        let naive_berlin = parser(
            TimestampFormat::parse("%Y-%m-%d %H:%M:%S").unwrap(),
            "Europe/Berlin",
        );
        assert_eq!(naive_berlin.parse(b"2026-10-01 14:00:00"), Ok(BASE));
        assert_eq!(
            naive_berlin.parse(b"2026-03-29 02:30:00"),
            Ok(chrono_ns("2026-03-29T03:30:00+02:00"))
        );
        assert_eq!(
            reason(naive_berlin.parse(b"2026-13-01 14:00:00")),
            NO_MATCH.reason
        );
        assert_eq!(reason(naive_berlin.parse(b"\xff\xfe")), NOT_UTF8.reason);
        assert_eq!(reason(naive_berlin.parse(b"")), EMPTY.reason);

        let date_only = parser(TimestampFormat::parse("%d.%m.%Y").unwrap(), "+02:00");
        assert_eq!(
            date_only.parse(b"01.10.2026"),
            Ok(chrono_ns("2026-09-30T22:00:00Z"))
        );

        let epoch = parser(TimestampFormat::parse("%s").unwrap(), "Europe/Berlin");
        assert_eq!(epoch.parse(b"1790856000"), Ok(BASE));

        let colon = parser(
            TimestampFormat::parse("%Y-%m-%dT%H:%M:%S%:z").unwrap(),
            "UTC",
        );
        assert_eq!(colon.parse(b"2026-10-01T06:30:00-05:30"), Ok(BASE));
    }

    #[test]
    fn format_names() {
        assert_eq!(TimestampFormat::parse("auto"), Ok(TimestampFormat::Auto));
        assert_eq!(
            TimestampFormat::parse("RFC3339"),
            Ok(TimestampFormat::Rfc3339)
        );
        assert_eq!(
            TimestampFormat::parse("iso8601"),
            Ok(TimestampFormat::Rfc3339)
        );
        assert_eq!(
            TimestampFormat::parse("unix"),
            Ok(TimestampFormat::Unix(UnixUnit::Seconds))
        );
        assert_eq!(
            TimestampFormat::parse("unix_ms"),
            Ok(TimestampFormat::Unix(UnixUnit::Millis))
        );
        assert_eq!(
            TimestampFormat::parse("unix_us"),
            Ok(TimestampFormat::Unix(UnixUnit::Micros))
        );
        assert_eq!(
            TimestampFormat::parse("unix_ns"),
            Ok(TimestampFormat::Unix(UnixUnit::Nanos))
        );
        assert_eq!(
            TimestampFormat::parse("%Y-%m-%d"),
            Ok(TimestampFormat::Strftime("%Y-%m-%d".to_string()))
        );
        let err = TimestampFormat::parse("%Y-%Q").unwrap_err();
        assert!(err.contains("not a valid strftime pattern"), "{err}");
        let err = TimestampFormat::parse("epoch").unwrap_err();
        assert!(err.contains("unknown timestamp format 'epoch'"), "{err}");
        for name in [
            "auto", "rfc3339", "unix", "unix_ms", "unix_us", "unix_ns", "%Y",
        ] {
            assert_eq!(TimestampFormat::parse(name).unwrap().to_string(), name);
        }
        // A parser built from an invalid pattern fails every row.
        let broken = TimestampParser::new(TimestampFormat::Strftime("%Q".into()), Zone::Utc);
        assert_eq!(reason(broken.parse(b"x")), BAD_PATTERN.reason);
    }

    #[test]
    fn error_display() {
        assert_eq!(NOT_RFC3339.to_string(), "not an RFC 3339 timestamp");
        assert_eq!(
            OUT_OF_RANGE.to_string(),
            "out of range (slo reads times from 1677-09-21 to 2262-04-11)"
        );
        assert_eq!(EMPTY.to_string(), "empty");
    }

    #[test]
    fn formats_rfc3339() {
        assert_eq!(format_rfc3339(BASE), "2026-10-01T12:00:00Z");
        assert_eq!(
            format_rfc3339(BASE + 250_000_000),
            "2026-10-01T12:00:00.250Z"
        );
        assert_eq!(
            format_rfc3339(BASE + 250_000),
            "2026-10-01T12:00:00.000250Z"
        );
        assert_eq!(format_rfc3339(BASE + 1), "2026-10-01T12:00:00.000000001Z");
        assert_eq!(format_rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(format_rfc3339(-1), "1969-12-31T23:59:59.999999999Z");
        assert_eq!(format_rfc3339(i64::MAX), "2262-04-11T23:47:16.854775807Z");
        assert_eq!(format_rfc3339(i64::MIN), "1677-09-21T00:12:43.145224192Z");
        assert_eq!(
            format_rfc3339(chrono_ns("2024-02-29T23:59:59Z")),
            "2024-02-29T23:59:59Z"
        );
    }

    #[test]
    fn parses_instants() {
        assert_eq!(parse_instant("2026-10-01T12:00:00Z"), Ok(BASE));
        assert_eq!(parse_instant("2026-10-01T14:00:00+02:00"), Ok(BASE));
        assert_eq!(parse_instant(" 2026-10-01T12:00:00 "), Ok(BASE));
        assert_eq!(parse_instant("2026-10-01 12:00:00"), Ok(BASE));
        assert_eq!(
            parse_instant("2026-10-01"),
            Ok(BASE - 12 * 3600 * NANOS_PER_SECOND)
        );
        let err = parse_instant("yesterday").unwrap_err();
        assert!(
            err.starts_with("'yesterday' is not a valid instant"),
            "{err}"
        );
        assert!(err.contains("2026-10-01T12:00:00Z"), "{err}");
        let err = parse_instant("2026-02-30T00:00:00Z").unwrap_err();
        assert!(err.contains("day out of range"), "{err}");
        assert!(parse_instant("").unwrap_err().starts_with("empty instant"));
    }

    #[test]
    fn civil_round_trip() {
        for days in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d >= 1 && d <= days_in_month(y, m));
        }
    }

    proptest! {
        #[test]
        fn matches_chrono(
            t in -9_000_000_000_000_000_000i64..9_000_000_000_000_000_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
            precision in 0usize..5,
            use_z in any::<bool>(),
        ) {
            let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let dt = Utc.timestamp_nanos(t).with_timezone(&offset);
            let format = [
                SecondsFormat::Secs,
                SecondsFormat::Millis,
                SecondsFormat::Micros,
                SecondsFormat::Nanos,
                SecondsFormat::AutoSi,
            ][precision];
            let text = dt.to_rfc3339_opts(format, use_z);
            let expected = DateTime::parse_from_rfc3339(&text)
                .unwrap()
                .timestamp_nanos_opt();
            prop_assert_eq!(rfc(&text).ok(), expected, "{}", text);
            if offset_minutes == 0 {
                let auto = parser(TimestampFormat::Auto, "UTC");
                prop_assert_eq!(auto.parse(text.as_bytes()).ok(), expected);
            }
        }

        #[test]
        fn common_log_format_matches_chrono(
            seconds in -5_000_000_000i64..9_000_000_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59),
            brackets in any::<bool>(),
        ) {
            let offset = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let dt = Utc.timestamp_opt(seconds, 0).unwrap().with_timezone(&offset);
            let text = dt.format("%d/%b/%Y:%H:%M:%S %z").to_string();
            let text = if brackets { format!("[{text}]") } else { text };
            let auto = parser(TimestampFormat::Auto, "Europe/Berlin");
            prop_assert_eq!(auto.parse(text.as_bytes()), Ok(seconds * NANOS_PER_SECOND), "{}", text);
            let utc = Utc.timestamp_opt(seconds, 0).unwrap().format("%Y-%m-%d %H:%M:%S UTC");
            let utc = utc.to_string();
            prop_assert_eq!(auto.parse(utc.as_bytes()), Ok(seconds * NANOS_PER_SECOND), "{}", utc);
        }

        #[test]
        fn never_panics_on_other_auto_shapes(raw in "\\[?[0-9]{0,2}/?[A-Za-z]{0,4}[0-9/:.+\\- UTCutc\\]]{0,30}") {
            for zone in ["UTC", "-02:00", "Europe/Berlin"] {
                let _ = parser(TimestampFormat::Auto, zone).parse(raw.as_bytes());
            }
        }

        #[test]
        fn format_round_trips(t in any::<i64>()) {
            let text = format_rfc3339(t);
            prop_assert_eq!(rfc(&text), Ok(t), "{}", text);
            let chrono_text = Utc.timestamp_nanos(t).to_rfc3339_opts(SecondsFormat::AutoSi, true);
            prop_assert_eq!(text, chrono_text);
        }

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

        #[test]
        fn never_panics_on_bytes(raw in proptest::collection::vec(any::<u8>(), 0..64)) {
            for format in [
                TimestampFormat::Auto,
                TimestampFormat::Rfc3339,
                TimestampFormat::Unix(UnixUnit::Seconds),
                TimestampFormat::Unix(UnixUnit::Nanos),
                TimestampFormat::Strftime("%Y-%m-%d %H:%M:%S".into()),
            ] {
                for zone in ["UTC", "+05:30", "Europe/Berlin"] {
                    let _ = parser(format.clone(), zone).parse(&raw);
                }
            }
        }

        #[test]
        fn never_panics_on_timestamp_like_text(raw in "[0-9TtZz:.,+\\- ]{0,40}") {
            for format in [TimestampFormat::Auto, TimestampFormat::Rfc3339] {
                for zone in ["UTC", "-02:00", "Europe/Berlin"] {
                    let _ = parser(format.clone(), zone).parse(raw.as_bytes());
                }
            }
            let _ = parse_instant(&raw);
        }
    }
}

/// Remembers the minute of the last UTC timestamp parsed, so that the next ones in the same
/// minute (`2026-10-01T12:34:SS.fffZ`, or `2026-10-01 12:34:SS.fff UTC` with `auto`: the common
/// case in time-ordered logs) cost a few digit conversions instead of a full parse. One per
/// reading thread.
#[derive(Debug, Clone, Default)]
pub struct MinuteCache {
    /// The first 16 bytes (`YYYY-MM-DDTHH:MM`) as one number, compared without `memcmp`.
    prefix: u128,
    minute: Option<UnixNanos>,
}

impl MinuteCache {
    /// Parses like `parser.parse(raw)`, with the same result.
    pub fn parse(
        &mut self,
        parser: &TimestampParser,
        raw: &[u8],
    ) -> Result<UnixNanos, TimestampError> {
        if !parser.reads_rfc3339() {
            return parser.parse(raw);
        }
        let utc_suffix = matches!(parser.format, TimestampFormat::Auto);
        let Some(within) = utc_seconds_in_minute(raw, utc_suffix) else {
            return parser.parse(raw);
        };
        let prefix = u128::from_le_bytes(raw[..16].try_into().unwrap_or([0; 16]));
        if let Some(minute) = self.minute {
            if prefix == self.prefix {
                return Ok(minute + within);
            }
        }
        let parsed = parser.parse(raw)?;
        self.prefix = prefix;
        self.minute = Some(parsed - within);
        Ok(parsed)
    }
}

/// For `YYYY-MM-DDTHH:MM:SS[.f…]Z` (or, with `utc_suffix`, `YYYY-MM-DD HH:MM:SS[.f…] UTC`), the
/// nanoseconds after the minute; `None` for any other shape.
fn utc_seconds_in_minute(raw: &[u8], utc_suffix: bool) -> Option<i64> {
    let end = match raw.last()? {
        b'Z' | b'z' => raw.len() - 1,
        b'C' | b'c' if utc_suffix => strip_utc_suffix(raw)?.len(),
        _ => return None,
    };
    if end < 19 || raw[16] != b':' {
        return None;
    }
    let seconds = i64::from(digit(raw[17])? * 10 + digit(raw[18])?);
    if seconds > 59 {
        return None;
    }
    let fraction = &raw[19..end];
    let mut nanos = 0i64;
    match fraction.split_first() {
        None => {}
        Some((b'.' | b',', digits)) if !digits.is_empty() && digits.len() <= 9 => {
            for &d in digits {
                nanos = nanos * 10 + i64::from(digit(d)?);
            }
            nanos *= 10i64.pow(9 - digits.len() as u32);
        }
        _ => return None,
    }
    Some(seconds * 1_000_000_000 + nanos)
}

fn digit(b: u8) -> Option<u8> {
    b.is_ascii_digit().then(|| b - b'0')
}

#[cfg(test)]
mod minute_cache_tests {
    use super::*;

    #[test]
    fn agrees_with_the_parser() {
        let parser = TimestampParser::new(TimestampFormat::Auto, Zone::Utc);
        let mut cache = MinuteCache::default();
        for raw in [
            "2026-10-01T12:34:56.789Z",
            "2026-10-01T12:34:00Z",
            "2026-10-01T12:34:59.5Z",
            "2026-10-01T12:35:01.000000001Z",
            "2026-10-01T12:35:61Z",
            "2026-10-01T12:35:01+02:00",
            "2026-10-01 12:35:01.25Z",
            "2026-02-30T12:35:01Z",
            "2026-02-30T12:35:02Z",
            "2026-10-01T12:35:01.1234567891Z",
            "2026-10-01T12:35:0xZ",
            "2026-10-01 12:35:01.25 UTC",
            "2026-10-01 12:35:02 UTC",
            "2026-10-01 12:35:03 utc",
            "2026-10-01 12:35:04+02:00 UTC",
            "2026-10-01 12:35:05Z UTC",
            "2026-10-01 12:35:06. UTC",
            "2026-10-01 12:35:07  UTC",
            "2026-10-01 12:35 UTC",
            "2026-10-01 12:36:00.000000001 UTC",
            "2026-10-01 12:36:60 UTC",
            "01/Oct/2026:12:36:01 +0000",
        ] {
            assert_eq!(
                cache.parse(&parser, raw.as_bytes()),
                parser.parse(raw.as_bytes()),
                "{raw}"
            );
        }
    }

    #[test]
    fn reads_a_trailing_utc_only_with_auto() {
        // The minute is cached from an RFC 3339 row; a row of the same minute with ` UTC` is
        // still rejected by `rfc3339`.
        let parser = TimestampParser::new(TimestampFormat::Rfc3339, Zone::Utc);
        let mut cache = MinuteCache::default();
        for raw in ["2026-10-01 12:34:56Z", "2026-10-01 12:34:57 UTC"] {
            assert_eq!(
                cache.parse(&parser, raw.as_bytes()),
                parser.parse(raw.as_bytes()),
                "{raw}"
            );
        }
        assert!(cache.parse(&parser, b"2026-10-01 12:34:58 UTC").is_err());
        let auto = TimestampParser::new(TimestampFormat::Auto, Zone::Utc);
        assert_eq!(
            cache.parse(&auto, b"2026-10-01 12:34:58.5 UTC"),
            auto.parse(b"2026-10-01 12:34:58.5Z")
        );
    }
}
