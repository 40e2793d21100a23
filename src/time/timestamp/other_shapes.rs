//! The shapes `auto` reads besides RFC 3339 and Unix numbers, tried only once RFC 3339 has
//! failed so that they cost RFC 3339 nothing: RFC 3339 without an offset followed by ` UTC`
//! (BigQuery's `2026-10-01 12:00:00.123 UTC`), and the Common Log Format time of nginx's
//! `$time_local` and Apache's `%t` (`10/Oct/2026:13:55:36 +0200`).

use super::date_time::{two_digits, CivilDateTime};
use super::rfc3339::parse_rfc3339;
use super::{error, TimestampError, BAD_OFFSET};
use crate::time::zone::{parse_offset, Zone};
use crate::time::UnixNanos;

const NOT_CLF: TimestampError = error(
    "neither RFC 3339 nor like 10/Oct/2026:13:55:36 +0200; for another form, set \
     source.timestamp.format to a strftime pattern",
);
const BAD_MONTH_NAME: TimestampError = error("month name not one of Jan, Feb, ..., Dec");
const OFFSET_AND_UTC: TimestampError = error("has both a UTC offset and ' UTC': keep one");

/// The shapes `auto` reads besides RFC 3339 and Unix numbers, tried once RFC 3339 has failed
/// with `rfc3339_error`, which is the answer for text of neither shape.
#[cold]
#[inline(never)]
pub(super) fn parse_other_shapes(
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
pub(super) fn strip_utc_suffix(text: &[u8]) -> Option<&[u8]> {
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
/// `DD/Mon/YYYY:HH:MM:SS +HHMM`, optionally inside brackets, the seconds optionally with a
/// fraction and the offset optional (HAProxy's `accept_date`), a space allowed for the colon
/// after the year (Apache's `%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t`); see
/// [`TimestampParser`](super::TimestampParser).
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
    if text.get(11) != Some(&b' ') {
        clf_byte(11, b':')?;
    }
    let hour = two_digits(text, 12).ok_or(NOT_CLF)?;
    clf_byte(14, b':')?;
    let minute = two_digits(text, 15).ok_or(NOT_CLF)?;
    clf_byte(17, b':')?;
    let second = two_digits(text, 18).ok_or(NOT_CLF)?;
    // HAProxy writes milliseconds: `06/Feb/2009:12:14:14.655`.
    let mut nanos = 0u32;
    let mut end = 20;
    if text.get(20) == Some(&b'.') {
        let digits = text[21..].iter().take_while(|b| b.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return Err(NOT_CLF);
        }
        for (place, digit) in text[21..21 + digits].iter().enumerate() {
            nanos += u32::from(digit - b'0') * 10u32.pow(8 - u32::try_from(place).unwrap_or(8));
        }
        end = 21 + digits;
    }
    let offset = match text.get(end..) {
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
        nanos,
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::testing::{chrono_ns, parser, reason, rfc, BASE};
    use super::super::{TimestampFormat, BAD_DAY, BAD_HOUR, BAD_MINUTE, BAD_SECOND, NOT_RFC3339};
    use super::*;
    use crate::time::NANOS_PER_SECOND;
    use chrono::{FixedOffset, TimeZone, Utc};
    use proptest::prelude::*;

    #[test]
    fn auto_reads_common_log_format_times() {
        let utc = parser(TimestampFormat::Auto, "UTC");
        let p = |text: &str| utc.parse(text.as_bytes());
        assert_eq!(p("01/Oct/2026:14:00:00 +0200"), Ok(BASE));
        assert_eq!(p("[01/Oct/2026:14:00:00 +0200]"), Ok(BASE));
        assert_eq!(p("  [01/Oct/2026:12:00:00 +0000] "), Ok(BASE));
        assert_eq!(p("01/Oct/2026:12:00:00 -0000"), Ok(BASE));
        // HAProxy's accept_date: milliseconds, no offset (the zone applies).
        assert_eq!(p("01/Oct/2026:12:00:00.655"), Ok(BASE + 655_000_000));
        // Apache's `%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t`, from its manual.
        assert_eq!(p("01/Oct/2026 14:00:00.655 +0200"), Ok(BASE + 655_000_000));
        assert!(p("01/Oct/2026-14:00:00 +0200").is_err());
        assert_eq!(p("01/Oct/2026:12:00:00.000000001 +0000"), Ok(BASE + 1));
        assert!(p("01/Oct/2026:12:00:00.").is_err());
        assert!(p("01/Oct/2026:12:00:00.1234567890").is_err());
        let paris = parser(TimestampFormat::Auto, "Europe/Paris");
        assert_eq!(
            paris.parse(b"01/Oct/2026:14:00:00.5"),
            Ok(BASE + 500_000_000)
        );
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
            "01/Oct/2026:12:00 +0000",
            "01/Oct/26:12:00:00 +0000",
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

    proptest! {
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
    }
}
