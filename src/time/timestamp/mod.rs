//! Parsing the timestamp column of request logs, once per row.
//!
//! This is the hot path of the tool, so RFC 3339 and Unix numbers are parsed
//! by hand from bytes, without allocating and without going through chrono
//! (chrono-tz is consulted only for local times in a named zone). Arbitrary
//! `strftime` patterns go through chrono and may be slower.
//!
//! This module is the front: how a log writes its times ([`TimestampFormat`]), a parser of one
//! format in one zone ([`TimestampParser`]) and why a timestamp is refused ([`TimestampError`]).
//! Each way of writing a time has a module of its own: `rfc3339` (with [`format_rfc3339`] for
//! reports and [`parse_instant`] for the CLI's `--at`), `other_shapes` (what `auto` reads once
//! RFC 3339 has failed: a trailing ` UTC`, the Common Log Format), `epoch` (Unix numbers and
//! their units) and `strftime` (patterns, through chrono). `date_time` is the checked date and
//! time of day that the hand-written parsers share; `minute_cache` ([`MinuteCache`]) spares
//! time-ordered logs most of the work.

mod date_time;
mod epoch;
mod minute_cache;
mod other_shapes;
mod rfc3339;
mod strftime;

pub use epoch::{check_epoch_unit, UnitMismatch, UnixUnit, PLAUSIBLE_EPOCH_TIMES};
pub use minute_cache::MinuteCache;
pub use rfc3339::{format_rfc3339, parse_instant, Rfc3339Text};

use std::fmt;

use chrono::format::{Item, StrftimeItems};

use crate::time::zone::Zone;
use crate::time::UnixNanos;

use epoch::{looks_numeric, parse_unix};
use other_shapes::parse_other_shapes;
use rfc3339::parse_rfc3339;

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
    ///
    /// # Errors
    ///
    /// An unknown name, or a `strftime` pattern chrono cannot use.
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
    ///
    /// # Errors
    ///
    /// Why `raw` is not a timestamp of this format (empty, out of range, not matching).
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
}

/// What the tests of every way of writing a time share.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod testing {
    use super::*;
    use chrono::DateTime;

    pub(super) fn chrono_ns(text: &str) -> UnixNanos {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_nanos_opt()
            .unwrap()
    }

    pub(super) fn parser(format: TimestampFormat, zone: &str) -> TimestampParser {
        TimestampParser::new(format, Zone::parse(zone).unwrap())
    }

    pub(super) fn rfc(text: &str) -> Result<UnixNanos, TimestampError> {
        parser(TimestampFormat::Rfc3339, "UTC").parse(text.as_bytes())
    }

    pub(super) fn reason(result: Result<UnixNanos, TimestampError>) -> &'static str {
        result.unwrap_err().reason
    }

    pub(super) const BASE: i64 = 1_790_856_000_000_000_000; // 2026-10-01T12:00:00Z
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::strftime::BAD_PATTERN;
    use super::testing::{parser, reason};
    use super::*;
    use proptest::prelude::*;

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

    proptest! {
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
