//! The per-thread cache that makes most RFC 3339 timestamps of a time-ordered log cost a few
//! digit conversions.

use super::other_shapes::strip_utc_suffix;
use super::{TimestampError, TimestampFormat, TimestampParser};
use crate::time::UnixNanos;

/// Remembers the minute of the last UTC timestamp parsed, so that the next ones in the same
/// minute (`2026-10-01T12:34:SS.fffZ`, or `2026-10-01 12:34:SS.fff UTC` with `auto`: the common
/// case in time-ordered logs) cost a few digit conversions instead of a full parse. One per
/// reading thread.
#[derive(Debug, Clone, Default)]
pub struct MinuteCache {
    /// The first 16 bytes (`YYYY-MM-DDTHH:MM`) as one number, compared without `memcmp`.
    prefix: u128,
    minute: Option<UnixNanos>,
    /// The same for the Common Log Format time of nginx and Apache: the 16 bytes of
    /// `DD/Mon/YYYY:HH:M`, and the minute's last digit with the offset (`M +HHMM`).
    clf_prefix: u128,
    clf_rest: u64,
    clf_minute: Option<UnixNanos>,
}

impl MinuteCache {
    /// Parses like `parser.parse(raw)`, with the same result.
    ///
    /// # Errors
    ///
    /// As [`TimestampParser::parse`].
    pub fn parse(
        &mut self,
        parser: &TimestampParser,
        raw: &[u8],
    ) -> Result<UnixNanos, TimestampError> {
        if !parser.reads_rfc3339() {
            return parser.parse(raw);
        }
        let utc_suffix = matches!(parser.format, TimestampFormat::Auto);
        if utc_suffix {
            if let Some((prefix, rest, within)) = clf_minute_key(raw) {
                if let Some(minute) = self.clf_minute {
                    if prefix == self.clf_prefix && rest == self.clf_rest {
                        return Ok(minute + within);
                    }
                }
                let parsed = parser.parse(raw)?;
                (self.clf_prefix, self.clf_rest) = (prefix, rest);
                self.clf_minute = Some(parsed - within);
                return Ok(parsed);
            }
        }
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
#[allow(
    clippy::cast_possible_truncation,
    reason = "at most nine fraction digits"
)]
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

/// For a Common Log Format time with an offset, `DD/Mon/YYYY:HH:MM:SS +HHMM`: the bytes that
/// name its minute, as two numbers, and the nanoseconds after the minute; `None` for any other
/// shape (a leap second included).
fn clf_minute_key(raw: &[u8]) -> Option<(u128, u64, i64)> {
    if raw.len() != 26 || raw[2] != b'/' || raw[17] != b':' || raw[20] != b' ' {
        return None;
    }
    let seconds = i64::from(digit(raw[18])? * 10 + digit(raw[19])?);
    if seconds > 59 {
        return None;
    }
    let prefix = u128::from_le_bytes(raw[..16].try_into().ok()?);
    let mut rest = [0u8; 8];
    rest[0] = raw[16];
    rest[1..6].copy_from_slice(&raw[21..26]);
    Some((prefix, u64::from_le_bytes(rest), seconds * 1_000_000_000))
}

fn digit(b: u8) -> Option<u8> {
    b.is_ascii_digit().then(|| b - b'0')
}

#[cfg(test)]
mod minute_cache_tests {
    use super::*;
    use crate::time::Zone;

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
            "01/Oct/2026:12:36:02 +0000",
            "01/Oct/2026:12:36:02 +0200",
            "01/Oct/2026:12:36:59 +0200",
            "01/Oct/2026:12:37:00 +0200",
            "01/Oct/2026:12:37:60 +0200",
            "31/Feb/2026:12:37:01 +0200",
            "31/Feb/2026:12:37:02 +0200",
            "01/Oct/2026:12:37:0x +0200",
            "01/Oct/2026:12:37:03 +02:0",
            "01/Oct/2026:12:37:04 +0200]",
            "01/Oct/2026:12:37:05.5 +0200",
            "02/Oct/2026:12:37:05 +0200",
            "02/Nov/2026:12:37:05 +0200",
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
