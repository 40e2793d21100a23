//! Time zones: UTC, fixed offsets and IANA names, and the conversions between
//! local wall-clock time and instants that log parsing and calendar periods
//! need.
//!
//! The rules for wall-clock times that are ambiguous or do not exist (around
//! daylight-saving changes) live here, in one place.

use chrono::{
    DateTime, FixedOffset, LocalResult, NaiveDateTime, Offset, TimeDelta, TimeZone, Timelike,
};
use chrono_tz::Tz;

use crate::time::UnixNanos;

/// A time zone in which local times in logs and calendar periods are read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Zone {
    /// Coordinated Universal Time.
    Utc,
    /// A constant offset from UTC, such as `+02:00`.
    Fixed(FixedOffset),
    /// An IANA time zone such as `Europe/Berlin`, with its daylight-saving
    /// rules.
    Named(Tz),
}

impl Zone {
    /// Parses `UTC` (any case) or `Z` as [`Zone::Utc`]; `+02:00`, `-0530`,
    /// `+05` as [`Zone::Fixed`] (hours up to 23, minutes up to 59); anything
    /// else as an IANA name such as `Europe/Berlin` (case-insensitive).
    ///
    /// Unknown names get an error that suggests the closest known name when
    /// there is a reasonably close one.
    ///
    /// # Errors
    ///
    /// An unknown zone name or a malformed offset, with the closest known name when there is one.
    pub fn parse(text: &str) -> Result<Zone, String> {
        let text = text.trim();
        if text.is_empty() {
            return Err(
                "empty time zone: use UTC, an offset such as +02:00, or an IANA name such as \
                 Europe/Berlin"
                    .to_string(),
            );
        }
        if text.eq_ignore_ascii_case("utc") || text.eq_ignore_ascii_case("z") {
            return Ok(Zone::Utc);
        }
        if text.starts_with('+') || text.starts_with('-') {
            return parse_offset(text.as_bytes())
                .and_then(FixedOffset::east_opt)
                .map(Zone::Fixed)
                .ok_or_else(|| {
                    format!(
                        "'{text}' is not a UTC offset: use +HH:MM, +HHMM or +HH with hours up \
                         to 23 and minutes up to 59, such as +02:00 or -0530"
                    )
                });
        }
        if let Ok(tz) = text.parse::<Tz>() {
            return Ok(Zone::Named(tz));
        }
        if let Some(tz) = chrono_tz::TZ_VARIANTS
            .iter()
            .find(|tz| tz.name().eq_ignore_ascii_case(text))
        {
            return Ok(Zone::Named(*tz));
        }
        let names = chrono_tz::TZ_VARIANTS.iter().map(|tz| tz.name());
        match crate::suggest::closest(text, names) {
            Some(name) => Err(format!(
                "unknown time zone '{text}'; did you mean '{name}'?"
            )),
            _ => Err(format!(
                "unknown time zone '{text}': use UTC, an offset such as +02:00, or an IANA name \
                 such as Europe/Berlin"
            )),
        }
    }

    /// Converts a local wall-clock time in this zone to an instant
    /// (saturating at the ends of the [`UnixNanos`] range).
    ///
    /// * Ambiguous times (the repeated hour when clocks go back) map to the
    ///   earlier instant.
    /// * Times that do not exist (skipped when clocks go forward) are shifted
    ///   forward by the length of the gap, as most tools do: in
    ///   `Europe/Berlin` on 2026-03-29, `02:30` is read as `03:30` CEST.
    pub fn local_to_utc(&self, naive: NaiveDateTime) -> UnixNanos {
        let offset = self.offset_for_local(naive);
        let seconds = naive.and_utc().timestamp() - i64::from(offset);
        let total = i128::from(seconds) * 1_000_000_000 + i128::from(naive.nanosecond());
        i64::try_from(total.clamp(i128::from(i64::MIN), i128::from(i64::MAX))).unwrap_or(i64::MAX)
    }

    /// The offset from UTC in seconds (east positive) to subtract from the
    /// local time `naive` to get the instant, following the rules of
    /// [`Zone::local_to_utc`]. Sub-second parts of `naive` are irrelevant.
    pub fn offset_for_local(&self, naive: NaiveDateTime) -> i32 {
        match self {
            Zone::Utc => 0,
            Zone::Fixed(offset) => offset.local_minus_utc(),
            Zone::Named(tz) => match tz.offset_from_local_datetime(&naive) {
                LocalResult::Single(offset) => offset.fix().local_minus_utc(),
                // The earlier instant is the one with the larger offset.
                LocalResult::Ambiguous(a, b) => {
                    a.fix().local_minus_utc().max(b.fix().local_minus_utc())
                }
                LocalResult::None => {
                    // In a gap: use the offset in force before the gap, which
                    // lands the same distance after the transition.
                    let probe = naive.and_utc() - TimeDelta::days(1);
                    tz.offset_from_utc_datetime(&probe.naive_utc())
                        .fix()
                        .local_minus_utc()
                }
            },
        }
    }

    /// The local wall-clock time in this zone at instant `t`.
    pub fn utc_to_local(&self, t: UnixNanos) -> NaiveDateTime {
        let utc = DateTime::from_timestamp_nanos(t).naive_utc();
        match self {
            Zone::Utc => utc,
            Zone::Fixed(offset) => utc + *offset,
            Zone::Named(tz) => tz.from_utc_datetime(&utc).naive_local(),
        }
    }

    /// The zone as it would be written: `UTC`, `+02:00` or `Europe/Berlin`.
    pub fn name(&self) -> String {
        match self {
            Zone::Utc => "UTC".to_string(),
            Zone::Fixed(offset) => offset.to_string(),
            Zone::Named(tz) => tz.name().to_string(),
        }
    }
}

/// Parses `+HH:MM`, `+HHMM` or `+HH` (or `-`) into seconds east of UTC, with
/// hours up to 23 and minutes up to 59. Does not allocate.
pub(crate) fn parse_offset(bytes: &[u8]) -> Option<i32> {
    let sign = match bytes.first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let two = |i: usize| -> Option<i32> {
        let (a, b) = (*bytes.get(i)?, *bytes.get(i + 1)?);
        if a.is_ascii_digit() && b.is_ascii_digit() {
            Some(i32::from(a - b'0') * 10 + i32::from(b - b'0'))
        } else {
            None
        }
    };
    let hours = two(1)?;
    let minutes = match bytes.len() {
        3 => 0,
        5 => two(3)?,
        6 if bytes[3] == b':' => two(4)?,
        _ => return None,
    };
    if hours > 23 || minutes > 59 {
        return None;
    }
    Some(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    fn naive(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, mo, d)
            .unwrap()
            .and_hms_opt(h, mi, s)
            .unwrap()
    }

    fn instant(text: &str) -> UnixNanos {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_nanos_opt()
            .unwrap()
    }

    #[test]
    fn parses_utc() {
        for text in ["UTC", "utc", "Utc", "Z", "z", " UTC "] {
            assert_eq!(Zone::parse(text).unwrap(), Zone::Utc, "{text}");
        }
    }

    #[test]
    fn parses_offsets() {
        let fixed = |s: i32| Zone::Fixed(FixedOffset::east_opt(s).unwrap());
        assert_eq!(Zone::parse("+02:00").unwrap(), fixed(7200));
        assert_eq!(Zone::parse("-0530").unwrap(), fixed(-(5 * 3600 + 1800)));
        assert_eq!(Zone::parse("+05").unwrap(), fixed(5 * 3600));
        assert_eq!(Zone::parse("+00:00").unwrap(), fixed(0));
        assert_eq!(Zone::parse("+23:59").unwrap(), fixed(23 * 3600 + 59 * 60));
        for bad in ["+24:00", "+02:60", "+2", "+02:0", "+02-00", "+0200x", "-"] {
            let err = Zone::parse(bad).unwrap_err();
            assert!(err.contains("not a UTC offset"), "{bad}: {err}");
        }
    }

    #[test]
    fn parses_names() {
        assert_eq!(
            Zone::parse("Europe/Berlin").unwrap(),
            Zone::Named(chrono_tz::Europe::Berlin)
        );
        assert_eq!(
            Zone::parse("america/new_york").unwrap(),
            Zone::Named(chrono_tz::America::New_York)
        );
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            Zone::parse("Europe/Berln").unwrap_err(),
            "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?"
        );
        let err = Zone::parse("America/NewYork").unwrap_err();
        assert!(err.contains("did you mean 'America/New_York'?"), "{err}");
        let err = Zone::parse("Nowhere/AtAllReally").unwrap_err();
        assert!(err.contains("IANA name"), "{err}");
        assert!(Zone::parse("").unwrap_err().contains("empty"));
    }

    #[test]
    fn names() {
        assert_eq!(Zone::Utc.name(), "UTC");
        assert_eq!(Zone::parse("+0530").unwrap().name(), "+05:30");
        assert_eq!(Zone::parse("-02").unwrap().name(), "-02:00");
        assert_eq!(
            Zone::parse("Europe/Berlin").unwrap().name(),
            "Europe/Berlin"
        );
    }

    #[test]
    fn local_to_utc_simple() {
        let t = naive(2026, 1, 15, 12, 0, 0);
        assert_eq!(Zone::Utc.local_to_utc(t), instant("2026-01-15T12:00:00Z"));
        let fixed = Zone::parse("-05:30").unwrap();
        assert_eq!(fixed.local_to_utc(t), instant("2026-01-15T17:30:00Z"));
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        assert_eq!(berlin.local_to_utc(t), instant("2026-01-15T11:00:00Z"));
        let summer = naive(2026, 7, 1, 12, 0, 0);
        assert_eq!(berlin.local_to_utc(summer), instant("2026-07-01T10:00:00Z"));
        let with_nanos = NaiveDate::from_ymd_opt(2026, 1, 15)
            .unwrap()
            .and_hms_nano_opt(12, 0, 0, 5)
            .unwrap();
        assert_eq!(
            berlin.local_to_utc(with_nanos),
            instant("2026-01-15T11:00:00.000000005Z")
        );
    }

    #[test]
    fn berlin_gap_shifts_forward() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 02:30 does not exist on 2026-03-29; it is read as 03:30 CEST.
        let t = berlin.local_to_utc(naive(2026, 3, 29, 2, 30, 0));
        assert_eq!(t, instant("2026-03-29T01:30:00Z"));
        assert_eq!(berlin.utc_to_local(t), naive(2026, 3, 29, 3, 30, 0));
        // The edges of the gap.
        assert_eq!(
            berlin.local_to_utc(naive(2026, 3, 29, 2, 0, 0)),
            instant("2026-03-29T01:00:00Z")
        );
        assert_eq!(
            berlin.local_to_utc(naive(2026, 3, 29, 1, 59, 59)),
            instant("2026-03-29T00:59:59Z")
        );
        assert_eq!(
            berlin.local_to_utc(naive(2026, 3, 29, 3, 0, 0)),
            instant("2026-03-29T01:00:00Z")
        );
    }

    #[test]
    fn berlin_overlap_takes_earlier() {
        let berlin = Zone::parse("Europe/Berlin").unwrap();
        // 02:30 happens twice on 2026-10-25: first in CEST (+02), then CET.
        let t = berlin.local_to_utc(naive(2026, 10, 25, 2, 30, 0));
        assert_eq!(t, instant("2026-10-25T00:30:00Z"));
        assert_eq!(berlin.utc_to_local(t), naive(2026, 10, 25, 2, 30, 0));
        assert_eq!(
            berlin.utc_to_local(instant("2026-10-25T01:30:00Z")),
            naive(2026, 10, 25, 2, 30, 0)
        );
        assert_eq!(
            berlin.local_to_utc(naive(2026, 10, 25, 3, 0, 0)),
            instant("2026-10-25T02:00:00Z")
        );
    }

    #[test]
    fn utc_to_local_all_kinds() {
        let t = instant("2026-10-31T23:30:00Z");
        assert_eq!(Zone::Utc.utc_to_local(t), naive(2026, 10, 31, 23, 30, 0));
        assert_eq!(
            Zone::parse("+01:00").unwrap().utc_to_local(t),
            naive(2026, 11, 1, 0, 30, 0)
        );
        assert_eq!(
            Zone::parse("Europe/Berlin").unwrap().utc_to_local(t),
            naive(2026, 11, 1, 0, 30, 0)
        );
        assert_eq!(
            Zone::parse("America/New_York").unwrap().utc_to_local(t),
            naive(2026, 10, 31, 19, 30, 0)
        );
    }

    #[test]
    fn offset_parser() {
        assert_eq!(parse_offset(b"+02:00"), Some(7200));
        assert_eq!(parse_offset(b"-0130"), Some(-5400));
        assert_eq!(parse_offset(b"+05"), Some(18000));
        assert_eq!(parse_offset(b"02:00"), None);
        assert_eq!(parse_offset(b""), None);
        assert_eq!(parse_offset(b"+0a"), None);
    }
}
