//! OpenSLO's duration shorthand: a positive whole number and one case-sensitive unit letter,
//! `m` (minutes), `h`, `d`, `w`, `M` (months), `Q` (quarters) or `Y` (years), such as `28d` or
//! `1M`. There are no seconds and no combinations (`1h30m` is not shorthand).

use std::fmt;

use crate::time::{CalendarUnit, SpanDuration};

const DAY: u64 = 86_400;

/// The unit of a [`Shorthand`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unit {
    Minute,
    Hour,
    Day,
    Week,
    Month,
    Quarter,
    Year,
}

impl Unit {
    fn from_letter(letter: char) -> Option<Unit> {
        Some(match letter {
            'm' => Unit::Minute,
            'h' => Unit::Hour,
            'd' => Unit::Day,
            'w' => Unit::Week,
            'M' => Unit::Month,
            'Q' => Unit::Quarter,
            'Y' => Unit::Year,
            _ => return None,
        })
    }

    /// Seconds in one unit; months, quarters and years as the OpenSLO Go SDK counts them (30,
    /// 90 and 365 days), since a rolling window needs a fixed length.
    fn seconds(self) -> u64 {
        match self {
            Unit::Minute => 60,
            Unit::Hour => 3_600,
            Unit::Day => DAY,
            Unit::Week => 7 * DAY,
            Unit::Month => 30 * DAY,
            Unit::Quarter => 90 * DAY,
            Unit::Year => 365 * DAY,
        }
    }

    fn is_fixed(self) -> bool {
        !matches!(self, Unit::Month | Unit::Quarter | Unit::Year)
    }
}

/// A duration written in OpenSLO's shorthand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shorthand {
    /// How many units.
    pub count: u64,
    /// Which unit.
    pub unit: Unit,
    text: String,
}

impl Shorthand {
    /// Parses `28d`, `1M`, `5m`: a positive whole number followed by one of `m h d w M Q Y`.
    pub fn parse(text: &str) -> Result<Shorthand, String> {
        let accepted = "OpenSLO durations are a whole number and one unit letter: m (minutes), \
                        h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M";
        let mut chars = text.chars();
        let letter = chars.next_back();
        let digits = chars.as_str();
        let unit = letter.and_then(Unit::from_letter);
        let count = digits
            .parse::<u64>()
            .ok()
            .filter(|_| digits.bytes().all(|b| b.is_ascii_digit()));
        match (count, unit) {
            (Some(0), Some(_)) => Err(format!("'{text}' is not a duration: it must be positive")),
            (Some(count), Some(unit)) if count.checked_mul(unit.seconds()).is_some() => {
                Ok(Shorthand {
                    count,
                    unit,
                    text: text.to_string(),
                })
            }
            (Some(_), Some(_)) => Err(format!("'{text}' is too long a duration")),
            (_, None) if letter == Some('s') => Err(format!(
                "'{text}' is not a duration: {accepted}; seconds are not among the units"
            )),
            _ => Err(format!("'{text}' is not a duration: {accepted}")),
        }
    }

    /// The shorthand for a whole number of seconds, in the largest unit that divides it
    /// exactly (`90m`, `30d`, `2w`); `None` below a minute or when minutes do not divide it.
    pub fn from_seconds(seconds: u64) -> Option<Shorthand> {
        [('w', 7 * DAY), ('d', DAY), ('h', 3_600), ('m', 60)]
            .into_iter()
            .find(|(_, size)| seconds > 0 && seconds.is_multiple_of(*size))
            .and_then(|(letter, size)| {
                Shorthand::parse(&format!("{}{letter}", seconds / size)).ok()
            })
    }

    /// The length in seconds; months, quarters and years count 30, 90 and 365 days.
    pub fn seconds(&self) -> u64 {
        self.count * self.unit.seconds()
    }

    /// Whether the length is fixed (minutes to weeks) rather than nominal (months and longer).
    pub fn is_fixed(&self) -> bool {
        self.unit.is_fixed()
    }

    /// The length as a rolling window: as written for minutes to weeks (`28d` stays `28d`),
    /// in days for months, quarters and years (`1M` is `30d`).
    pub fn rolling(&self) -> SpanDuration {
        if self.is_fixed() {
            if let Ok(duration) = SpanDuration::parse(&self.text) {
                return duration;
            }
        }
        SpanDuration::parse(&format!("{}d", self.seconds() / DAY))
            .unwrap_or_else(|_| SpanDuration::from_seconds(self.seconds()))
    }

    /// The calendar period this is one of: `1d`, `1w`, `1M`, `1Q` or `1Y`.
    pub fn calendar_unit(&self) -> Option<CalendarUnit> {
        if self.count != 1 {
            return None;
        }
        Some(match self.unit {
            Unit::Day => CalendarUnit::Day,
            Unit::Week => CalendarUnit::Week,
            Unit::Month => CalendarUnit::Month,
            Unit::Quarter => CalendarUnit::Quarter,
            Unit::Year => CalendarUnit::Year,
            Unit::Minute | Unit::Hour => return None,
        })
    }

    /// The shorthand of one calendar period: `1d`, `1w`, `1M`, `1Q`, `1Y`.
    pub fn of_calendar(unit: CalendarUnit) -> &'static str {
        match unit {
            CalendarUnit::Day => "1d",
            CalendarUnit::Week => "1w",
            CalendarUnit::Month => "1M",
            CalendarUnit::Quarter => "1Q",
            CalendarUnit::Year => "1Y",
        }
    }
}

impl fmt::Display for Shorthand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_seven_units() {
        assert_eq!(Shorthand::parse("5m").unwrap().seconds(), 300);
        assert_eq!(Shorthand::parse("28d").unwrap().seconds(), 28 * DAY);
        assert_eq!(Shorthand::parse("1M").unwrap().seconds(), 30 * DAY);
        assert_eq!(Shorthand::parse("1Q").unwrap().seconds(), 90 * DAY);
        assert_eq!(Shorthand::parse("1Y").unwrap().seconds(), 365 * DAY);
        for bad in [
            "", "0d", "1.5h", "1h30m", "30s", "d", "1 d", "Week", "-1d", "1D", "1y",
        ] {
            assert!(Shorthand::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Shorthand::parse("30s").unwrap_err().contains("seconds"));
    }

    #[test]
    fn rolling_and_calendar_forms() {
        assert_eq!(
            Shorthand::parse("28d").unwrap().rolling().as_written(),
            "28d"
        );
        assert_eq!(
            Shorthand::parse("1M").unwrap().rolling().as_written(),
            "30d"
        );
        assert_eq!(
            Shorthand::parse("1w").unwrap().calendar_unit(),
            Some(CalendarUnit::Week)
        );
        assert_eq!(Shorthand::parse("2M").unwrap().calendar_unit(), None);
        assert_eq!(Shorthand::parse("1h").unwrap().calendar_unit(), None);
        assert_eq!(Shorthand::from_seconds(5400).unwrap().to_string(), "90m");
        assert_eq!(Shorthand::from_seconds(28 * DAY).unwrap().to_string(), "4w");
        assert_eq!(
            Shorthand::from_seconds(30 * DAY).unwrap().to_string(),
            "30d"
        );
        assert!(Shorthand::from_seconds(90).is_none());
    }
}
