//! Timestamps written to a `strftime` pattern, read through chrono: slower than the
//! hand-written shapes, but any pattern chrono knows.

use chrono::format::Parsed;
use chrono::{NaiveDateTime, NaiveTime};

use super::date_time::seconds_and_nanos;
use super::{error, TimestampError, TimestampParser, OUT_OF_RANGE};
use crate::time::zone::Zone;
use crate::time::UnixNanos;

const NOT_UTF8: TimestampError = error("not valid UTF-8");
const NO_MATCH: TimestampError = error("does not match the strftime pattern");
pub(super) const BAD_PATTERN: TimestampError = error("invalid strftime pattern");

impl TimestampParser {
    /// Parses `text` with the parser's compiled pattern.
    pub(super) fn parse_strftime(&self, text: &[u8]) -> Result<UnixNanos, TimestampError> {
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::super::testing::{chrono_ns, parser, reason, BASE};
    use super::super::{TimestampFormat, EMPTY};
    use super::*;

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
}
