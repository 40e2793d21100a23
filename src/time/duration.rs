//! Fixed-length durations as written in SLO specs (`30d`, `1h30m`, `2w3d`) and
//! the human form used in reports (`2d 3h`).
//!
//! A [`SpanDuration`] keeps the text the user wrote so that reports and error
//! messages can echo it back unchanged, next to the number of seconds that
//! the calculations use.

use std::fmt;

const ACCEPTED: &str = "use a number with a unit s, m, h, d or w, such as 30d or 1h30m";

const UNITS: [(char, u64); 5] = [
    ('w', 7 * 86_400),
    ('d', 86_400),
    ('h', 3_600),
    ('m', 60),
    ('s', 1),
];

/// A positive, fixed length of time written with the units `s`, `m`, `h`,
/// `d` and `w` (for example `90s`, `1h30m`, `2w3d`, `30d`).
///
/// Calendar periods (months, years) are deliberately not durations: they are
/// written `{calendar: month}` in specs and handled by
/// [`crate::time::calendar`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SpanDuration {
    seconds: u64,
    text: String,
}

impl SpanDuration {
    /// Parses a duration such as `30d`, `1h30m` or `2w3d`.
    ///
    /// Each part is a whole number followed by one of `w`, `d`, `h`, `m`,
    /// `s`; parts must appear in decreasing unit order and at most once.
    /// Surrounding whitespace is ignored. Zero, empty text, a missing or
    /// unknown unit, repeated or out-of-order units and values that overflow
    /// `u64` seconds are rejected with a message that says what is accepted.
    ///
    /// # Errors
    ///
    /// Text that is not such a duration, with what is accepted.
    pub fn parse(text: &str) -> Result<SpanDuration, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(format!("empty duration: {ACCEPTED}"));
        }
        let bad = |why: &str| format!("'{trimmed}' is not a duration: {why}{ACCEPTED}");
        let bytes = trimmed.as_bytes();
        let mut pos = 0;
        let mut total: u64 = 0;
        // Index into UNITS of the last unit seen; the next must be larger.
        let mut last_unit: Option<usize> = None;
        while pos < bytes.len() {
            let digits_start = pos;
            while pos < bytes.len() && bytes[pos].is_ascii_digit() {
                pos += 1;
            }
            if pos == digits_start {
                return Err(match bytes[pos] {
                    b'-' => bad("it must be positive; "),
                    b'.' | b',' => bad("fractions are not supported; "),
                    _ => bad(""),
                });
            }
            let number = &trimmed[digits_start..pos];
            if pos < bytes.len() && (bytes[pos] == b'.' || bytes[pos] == b',') {
                return Err(bad("fractions are not supported (write 1h30m, not 1.5h); "));
            }
            let unit_start = pos;
            while pos < bytes.len() && !bytes[pos].is_ascii_digit() {
                pos += 1;
            }
            let unit = &trimmed[unit_start..pos];
            if unit.is_empty() {
                return Err(bad(&format!("'{number}' has no unit; ")));
            }
            let Some(index) = UNITS
                .iter()
                .position(|(u, _)| unit.len() == 1 && unit.starts_with(*u))
            else {
                let lower = unit.to_ascii_lowercase();
                let why = if lower.starts_with("mo") || lower.starts_with('y') || unit == "M" {
                    format!(
                        "unit '{unit}' is not supported: months and years are calendar periods, \
                         written {{calendar: month}} or {{calendar: year}}; "
                    )
                } else {
                    format!("unknown unit '{unit}'; ")
                };
                return Err(bad(&why));
            };
            if let Some(prev) = last_unit {
                if index <= prev {
                    return Err(bad(
                        "units must appear once each, largest first (w, d, h, m, s); ",
                    ));
                }
            }
            last_unit = Some(index);
            let overflow = || format!("'{trimmed}' is too long a duration");
            let value: u64 = number.parse().map_err(|_| overflow())?;
            let part = value.checked_mul(UNITS[index].1).ok_or_else(overflow)?;
            total = total.checked_add(part).ok_or_else(overflow)?;
        }
        if total == 0 {
            return Err(format!(
                "'{trimmed}' is not a duration: it must be greater than zero; {ACCEPTED}"
            ));
        }
        Ok(SpanDuration {
            seconds: total,
            text: trimmed.to_string(),
        })
    }

    /// Builds a duration from whole seconds, with a canonical text such as
    /// `1h30m`, `30d` or `2w` (weeks are used only for whole weeks).
    ///
    /// A `SpanDuration` is never empty, so `0` is raised to one second.
    pub fn from_seconds(seconds: u64) -> SpanDuration {
        let seconds = seconds.max(1);
        let week = UNITS[0].1;
        let text = if seconds.is_multiple_of(week) {
            format!("{}w", seconds / week)
        } else {
            let mut text = String::new();
            let mut rest = seconds;
            for (unit, size) in &UNITS[1..] {
                let count = rest / size;
                rest %= size;
                if count > 0 {
                    text.push_str(&count.to_string());
                    text.push(*unit);
                }
            }
            text
        };
        SpanDuration { seconds, text }
    }

    /// The length in whole seconds (always greater than zero).
    pub fn seconds(&self) -> u64 {
        self.seconds
    }

    /// The length in nanoseconds, saturating at `i64::MAX`.
    pub fn nanos(&self) -> i64 {
        i64::try_from(self.seconds)
            .unwrap_or(i64::MAX)
            .saturating_mul(1_000_000_000)
    }

    /// The text as the user wrote it (trimmed), or the canonical text for
    /// durations made with [`SpanDuration::from_seconds`].
    pub fn as_written(&self) -> &str {
        &self.text
    }
}

impl fmt::Display for SpanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Human form of a number of seconds for reports: `"2d 3h"`, `"43m 12s"`,
/// `"59s"`, `"0s"`.
///
/// The value is truncated to whole seconds (towards zero) and shown with at
/// most the two largest nonzero units among `d`, `h`, `m`, `s` (weeks are not
/// used: nine days is `"9d"`). Smaller units are dropped, not rounded, so
/// `2d 0h 5m 7s` is `"2d 5m"`. Negative values get a `-` prefix; NaN is
/// `"0s"` and infinities saturate.
pub fn humanize_seconds(seconds: f64) -> String {
    let negative = seconds < 0.0;
    // `as` saturates for out-of-range floats and maps NaN to 0.
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "an absolute number of seconds; saturates for the absurd"
    )]
    let whole = seconds.abs().trunc() as u64;
    let mut parts: Vec<String> = Vec::with_capacity(2);
    let mut rest = whole;
    for (unit, size) in &UNITS[1..] {
        let count = rest / size;
        rest %= size;
        if count > 0 && parts.len() < 2 {
            parts.push(format!("{count}{unit}"));
        }
    }
    if parts.is_empty() {
        return "0s".to_string();
    }
    let body = parts.join(" ");
    if negative {
        format!("-{body}")
    } else {
        body
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn secs(text: &str) -> u64 {
        SpanDuration::parse(text).unwrap().seconds()
    }

    #[test]
    fn parses_single_units() {
        assert_eq!(secs("90s"), 90);
        assert_eq!(secs("5m"), 300);
        assert_eq!(secs("2h"), 7200);
        assert_eq!(secs("30d"), 30 * 86_400);
        assert_eq!(secs("1w"), 7 * 86_400);
    }

    #[test]
    fn parses_combinations() {
        assert_eq!(secs("1h30m"), 5400);
        assert_eq!(secs("2w3d"), 17 * 86_400);
        assert_eq!(secs("1d2h3m4s"), 86_400 + 7200 + 180 + 4);
        assert_eq!(secs("1w1s"), 7 * 86_400 + 1);
        assert_eq!(secs("0h30m"), 1800);
    }

    #[test]
    fn keeps_text_and_trims() {
        let d = SpanDuration::parse(" 1h30m ").unwrap();
        assert_eq!(d.as_written(), "1h30m");
        assert_eq!(d.to_string(), "1h30m");
        assert_eq!(d.nanos(), 5400 * 1_000_000_000);
    }

    #[test]
    fn rejects_with_messages() {
        let err = SpanDuration::parse("30 days").unwrap_err();
        assert!(err.starts_with("'30 days' is not a duration"), "{err}");
        assert!(err.contains("s, m, h, d or w"), "{err}");
        assert!(SpanDuration::parse("").unwrap_err().contains("empty"));
        assert!(SpanDuration::parse("   ").unwrap_err().contains("empty"));
        assert!(SpanDuration::parse("0s")
            .unwrap_err()
            .contains("greater than zero"));
        assert!(SpanDuration::parse("0h0m")
            .unwrap_err()
            .contains("greater than zero"));
        assert!(SpanDuration::parse("30").unwrap_err().contains("no unit"));
        assert!(SpanDuration::parse("3x")
            .unwrap_err()
            .contains("unknown unit 'x'"));
        assert!(SpanDuration::parse("1ms")
            .unwrap_err()
            .contains("unknown unit"));
        assert!(SpanDuration::parse("h").is_err());
        assert!(SpanDuration::parse("-5m").unwrap_err().contains("positive"));
        assert!(SpanDuration::parse("1.5h")
            .unwrap_err()
            .contains("fractions"));
        assert!(SpanDuration::parse("1H").is_err());
    }

    #[test]
    fn rejects_calendar_units_with_hint() {
        for text in ["1mo", "1y", "2yr", "1M", "3months"] {
            let err = SpanDuration::parse(text).unwrap_err();
            assert!(err.contains("{calendar: month}"), "{text}: {err}");
        }
    }

    #[test]
    fn rejects_duplicate_and_out_of_order_units() {
        for text in ["30m1h", "1h1h", "1s1w", "1d1w"] {
            let err = SpanDuration::parse(text).unwrap_err();
            assert!(err.contains("largest first"), "{text}: {err}");
        }
    }

    #[test]
    fn rejects_overflow() {
        assert!(SpanDuration::parse("99999999999999999999999s")
            .unwrap_err()
            .contains("too long"));
        assert!(SpanDuration::parse("18446744073709551615w")
            .unwrap_err()
            .contains("too long"));
        let huge = SpanDuration::parse("18446744073709551615s").unwrap();
        assert_eq!(huge.nanos(), i64::MAX);
    }

    #[test]
    fn from_seconds_is_canonical() {
        assert_eq!(SpanDuration::from_seconds(5400).as_written(), "1h30m");
        assert_eq!(SpanDuration::from_seconds(30 * 86_400).as_written(), "30d");
        assert_eq!(SpanDuration::from_seconds(14 * 86_400).as_written(), "2w");
        assert_eq!(SpanDuration::from_seconds(90).as_written(), "1m30s");
        assert_eq!(SpanDuration::from_seconds(86_401).as_written(), "1d1s");
        assert_eq!(SpanDuration::from_seconds(0).seconds(), 1);
        assert_eq!(SpanDuration::from_seconds(0).as_written(), "1s");
        for s in [1, 59, 61, 3599, 86_399, 604_801, 10_000_000] {
            let d = SpanDuration::from_seconds(s);
            assert_eq!(SpanDuration::parse(d.as_written()).unwrap().seconds(), s);
        }
    }

    #[test]
    fn humanizes() {
        assert_eq!(
            humanize_seconds(2.0 * 86_400.0 + 3.0 * 3600.0 + 59.0),
            "2d 3h"
        );
        assert_eq!(humanize_seconds(43.0 * 60.0 + 12.9), "43m 12s");
        assert_eq!(humanize_seconds(59.99), "59s");
        assert_eq!(humanize_seconds(0.0), "0s");
        assert_eq!(humanize_seconds(0.7), "0s");
        assert_eq!(humanize_seconds(9.0 * 86_400.0), "9d");
        assert_eq!(humanize_seconds(3600.0), "1h");
        assert_eq!(humanize_seconds(2.0 * 86_400.0 + 5.0 * 60.0 + 7.0), "2d 5m");
        assert_eq!(humanize_seconds(-90.0), "-1m 30s");
        assert_eq!(humanize_seconds(-0.5), "0s");
        assert_eq!(humanize_seconds(f64::NAN), "0s");
        assert!(!humanize_seconds(f64::INFINITY).is_empty());
    }
}
