//! RFC 3339, the commonest way logs write times: parsed by hand (what is accepted is said on
//! [`TimestampParser`](super::TimestampParser)), formatted for reports, and read from the
//! command line (`--at`).

use super::date_time::{two_digits, CivilDateTime};
use super::{TimestampError, BAD_OFFSET, NOT_RFC3339};
use crate::time::civil::civil_from_days;
use crate::time::zone::{parse_offset, Zone};
use crate::time::{UnixNanos, NANOS_PER_SECOND};

/// The hand-written RFC 3339 parser: see [`TimestampParser`](super::TimestampParser) for what is
/// accepted. `text` is already trimmed and non-empty.
pub(super) fn parse_rfc3339(text: &[u8], zone: &Zone) -> Result<UnixNanos, TimestampError> {
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

#[inline]
fn expect_byte(text: &[u8], at: usize, byte: u8) -> Result<(), TimestampError> {
    if text.get(at) == Some(&byte) {
        Ok(())
    } else {
        Err(NOT_RFC3339)
    }
}

/// Formats an instant as RFC 3339 in UTC with a `Z`, with a fraction only if
/// it is nonzero, in milli-, micro- or nanoseconds as needed:
/// `2026-10-01T12:00:00Z`, `2026-10-01T12:00:00.250Z`.
pub fn format_rfc3339(t: UnixNanos) -> String {
    Rfc3339Text::new(t).as_str().to_owned()
}

/// An instant written as [`format_rfc3339`] writes it, held on the stack: a report writes two
/// instants per result, and a report of 100 000 groups should not make 200 000 small strings
/// to do so.
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339Text {
    bytes: [u8; 30],
    len: usize,
}

impl Rfc3339Text {
    /// `t` as RFC 3339 in UTC.
    pub fn new(t: UnixNanos) -> Rfc3339Text {
        let seconds = t.div_euclid(NANOS_PER_SECOND);
        let nanos = t.rem_euclid(NANOS_PER_SECOND);
        let (year, month, day) = civil_from_days(seconds.div_euclid(86_400));
        let of_day = seconds.rem_euclid(86_400);
        let mut text = Rfc3339Text {
            bytes: [0; 30],
            len: 0,
        };
        // Nanoseconds since 1970 in an i64 reach from 1677 to 2262: four digits always.
        text.digits(year, 4);
        text.push(b'-');
        text.digits(i64::from(month), 2);
        text.push(b'-');
        text.digits(i64::from(day), 2);
        text.push(b'T');
        text.digits(of_day / 3600, 2);
        text.push(b':');
        text.digits(of_day / 60 % 60, 2);
        text.push(b':');
        text.digits(of_day % 60, 2);
        if nanos != 0 {
            text.push(b'.');
            if nanos % 1_000_000 == 0 {
                text.digits(nanos / 1_000_000, 3);
            } else if nanos % 1_000 == 0 {
                text.digits(nanos / 1_000, 6);
            } else {
                text.digits(nanos, 9);
            }
        }
        text.push(b'Z');
        text
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.bytes[..self.len]).expect("ASCII digits and punctuation")
    }

    fn push(&mut self, byte: u8) {
        self.bytes[self.len] = byte;
        self.len += 1;
    }

    /// `value` (not negative) in `width` digits, zeros first.
    fn digits(&mut self, value: i64, width: usize) {
        let mut value = value.unsigned_abs();
        for at in (self.len..self.len + width).rev() {
            self.bytes[at] = b'0' + (value % 10) as u8;
            value /= 10;
        }
        self.len += width;
    }
}

/// Parses an instant given on the command line (`--at`): RFC 3339 with an
/// offset (`2026-10-01T12:00:00Z`, `2026-10-01T14:00:00+02:00`), or a date
/// and time without offset (or a bare date), which are read as UTC.
///
/// # Errors
///
/// Text that is not such an instant, or one out of range.
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
    use super::super::testing::{chrono_ns, parser, reason, rfc, BASE};
    use super::super::{
        TimestampFormat, BAD_DAY, BAD_HOUR, BAD_MINUTE, BAD_MONTH, BAD_SECOND, EMPTY, OUT_OF_RANGE,
    };
    use super::*;
    use chrono::{DateTime, FixedOffset, SecondsFormat, TimeZone, Utc};
    use proptest::prelude::*;

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

    proptest! {
        #[test]
        fn formats_as_chrono_does(t in any::<i64>(), rounding in 0u32..4) {
            // Whole seconds, milli- and microseconds as often as nanoseconds.
            let unit = 10i64.pow(9 - 3 * rounding);
            let t = t / unit * unit;
            let chrono = Utc.timestamp_nanos(t).to_rfc3339_opts(SecondsFormat::AutoSi, true);
            prop_assert_eq!(format_rfc3339(t), chrono);
        }
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
        fn format_round_trips(t in any::<i64>()) {
            let text = format_rfc3339(t);
            prop_assert_eq!(rfc(&text), Ok(t), "{}", text);
            let chrono_text = Utc.timestamp_nanos(t).to_rfc3339_opts(SecondsFormat::AutoSi, true);
            prop_assert_eq!(text, chrono_text);
        }
    }
}
