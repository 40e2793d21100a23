//! Dates of the proleptic Gregorian calendar as plain integers: leap years, month lengths and
//! day counts since 1970-01-01, both ways. The hand-written timestamp parsers and the RFC 3339
//! formatter use these rather than chrono's types, which cost more on the hot path. Also the
//! wall-clock [`LocalDateTime`] that OpenSLO specs write, so that specs need no date library.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a month (1-12) and a day (1-31) from the civil-date algorithm"
)]

use chrono::NaiveDate;

use crate::time::CalendarUnit;

/// Whether `year` has a 29 February.
pub(crate) fn is_leap_year(year: i64) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// How many days `month` (1-12) of `year` has.
pub(crate) fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// `days_from_civil`).
pub(crate) fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
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
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
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

/// A date and time of day on a wall clock, in no particular zone: an OpenSLO calendar
/// `startTime`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocalDateTime {
    year: i64,
    month: u32,
    day: u32,
    /// Seconds since local midnight.
    seconds: u32,
}

impl LocalDateTime {
    /// Reads `YYYY-MM-DD hh:mm:ss` exactly (OpenSLO's calendar `startTime`, Go's
    /// `2006-01-02 15:04:05`): every field has all its digits, so `2024-3-1 0:00:00` is refused,
    /// and the date and time must exist (no 30 February, no 24:00:00, no leap second).
    pub fn parse_openslo(text: &str) -> Option<LocalDateTime> {
        let bytes = text.as_bytes();
        if bytes.len() != 19 || [bytes[4], bytes[7], bytes[10], bytes[13], bytes[16]] != *b"-- ::" {
            return None;
        }
        let number = |from: usize, to: usize| -> Option<u32> {
            let digits = &bytes[from..to];
            digits.iter().all(u8::is_ascii_digit).then(|| {
                digits
                    .iter()
                    .fold(0, |value, digit| value * 10 + u32::from(digit - b'0'))
            })
        };
        let year = i64::from(number(0, 4)?);
        let (month, day) = (number(5, 7)?, number(8, 10)?);
        let (hour, minute, second) = (number(11, 13)?, number(14, 16)?, number(17, 19)?);
        let valid = (1..=12).contains(&month)
            && (1..=days_in_month(year, month)).contains(&day)
            && hour < 24
            && minute < 60
            && second < 60;
        valid.then_some(LocalDateTime {
            year,
            month,
            day,
            seconds: (hour * 60 + minute) * 60 + second,
        })
    }

    /// Whether a period of `unit` starts here: at midnight on its first day (a Monday for a
    /// week, the 1st for a month, and so on).
    pub fn starts_period(self, unit: CalendarUnit) -> bool {
        let Some(date) = i32::try_from(self.year)
            .ok()
            .and_then(|year| NaiveDate::from_ymd_opt(year, self.month, self.day))
        else {
            return false;
        };
        self.seconds == 0 && unit.first_day(date) == date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openslo_start_times_have_every_digit() {
        let at = LocalDateTime::parse_openslo;
        assert!(at("2024-03-01 00:00:00").is_some());
        assert!(at("2024-02-29 23:59:59").is_some());
        for text in [
            "2024-3-1 0:00:00",
            "2024-03-01 0:00:00",
            "2024-03-01  0:00:0",
            "2024-03-01T00:00:00",
            "2024-03-01 00:00:00 ",
            "+024-03-01 00:00:00",
            "2023-02-29 00:00:00",
            "2024-13-01 00:00:00",
            "2024-00-01 00:00:00",
            "2024-01-00 00:00:00",
            "2024-01-01 24:00:00",
            "2024-01-01 00:60:00",
            "2024-01-01 00:00:60",
            "2024-01-01 00:00:0é",
        ] {
            assert_eq!(at(text), None, "{text}");
        }
    }

    #[test]
    fn periods_start_at_midnight_on_their_first_day() {
        let at = |text| LocalDateTime::parse_openslo(text).unwrap();
        assert!(at("2024-01-01 00:00:00").starts_period(CalendarUnit::Year));
        assert!(!at("2024-01-01 00:00:01").starts_period(CalendarUnit::Day));
        // 2024-04-01 is a Monday.
        assert!(at("2024-04-01 00:00:00").starts_period(CalendarUnit::Week));
        assert!(at("2024-04-01 00:00:00").starts_period(CalendarUnit::Quarter));
        assert!(!at("2024-04-01 00:00:00").starts_period(CalendarUnit::Year));
        assert!(!at("2024-04-02 00:00:00").starts_period(CalendarUnit::Week));
        assert!(!at("2024-05-01 00:00:00").starts_period(CalendarUnit::Quarter));
        assert!(at("2024-05-01 00:00:00").starts_period(CalendarUnit::Month));
    }

    #[test]
    fn civil_round_trip() {
        for days in (-200_000..200_000).step_by(7) {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
            assert!(d >= 1 && d <= days_in_month(y, m));
        }
    }
}
