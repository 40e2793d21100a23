//! Calendar periods (day, week, month, quarter, year) in a time zone, for
//! SLO windows that follow the calendar rather than a fixed length.
//!
//! Periods are computed on local dates and turned into instants at local
//! midnight, so a local day may be 23 or 25 hours long across a
//! daylight-saving change and a month is as long as it is.

use chrono::{Datelike, Days, Months, NaiveDate, NaiveTime};

use crate::time::zone::Zone;
use crate::time::{UnixNanos, NANOS_PER_SECOND};

/// The unit of a calendar period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarUnit {
    /// A local day, midnight to midnight.
    Day,
    /// An ISO 8601 week, starting on Monday.
    Week,
    /// A calendar month.
    Month,
    /// A calendar quarter: January, April, July or October and the two
    /// months after it.
    Quarter,
    /// A calendar year.
    Year,
}

impl CalendarUnit {
    /// Parses `day`, `week`, `month`, `quarter` or `year` (any case).
    ///
    /// # Errors
    ///
    /// Any other word, with the list of units.
    pub fn parse(text: &str) -> Result<CalendarUnit, String> {
        match text.trim().to_ascii_lowercase().as_str() {
            "day" => Ok(CalendarUnit::Day),
            "week" => Ok(CalendarUnit::Week),
            "month" => Ok(CalendarUnit::Month),
            "quarter" => Ok(CalendarUnit::Quarter),
            "year" => Ok(CalendarUnit::Year),
            _ => Err(format!(
                "unknown calendar period '{}': use day, week, month, quarter or year",
                text.trim()
            )),
        }
    }

    /// The unit as written in specs: `day`, `week`, `month`, `quarter`,
    /// `year`.
    pub fn as_str(&self) -> &'static str {
        match self {
            CalendarUnit::Day => "day",
            CalendarUnit::Week => "week",
            CalendarUnit::Month => "month",
            CalendarUnit::Quarter => "quarter",
            CalendarUnit::Year => "year",
        }
    }

    /// The first day of the period of this unit that holds the local date `date`: `date` itself
    /// for a day, the Monday on or before it for a week (ISO 8601), the 1st of its month, the 1st
    /// of January, April, July or October for a quarter, 1 January for a year. A period of this
    /// unit starts on `date` exactly when this is `date`.
    pub fn first_day(self, date: NaiveDate) -> NaiveDate {
        match self {
            CalendarUnit::Day => date,
            CalendarUnit::Week => date
                .checked_sub_days(Days::new(u64::from(date.weekday().num_days_from_monday())))
                .unwrap_or(date),
            CalendarUnit::Month => date.with_day(1).unwrap_or(date),
            CalendarUnit::Quarter => {
                let month = (date.month0() / 3) * 3 + 1;
                NaiveDate::from_ymd_opt(date.year(), month, 1).unwrap_or(date)
            }
            CalendarUnit::Year => NaiveDate::from_ymd_opt(date.year(), 1, 1).unwrap_or(date),
        }
    }
}

/// The period of `unit` in `zone` that contains instant `at`, as
/// `(start, next_start)`: `start <= at < next_start`.
///
/// Periods start at local midnight; weeks start on Monday (ISO 8601). Local
/// days are 23 or 25 hours long across daylight-saving changes. Where local
/// midnight does not exist (some zones skip it), the period starts at the
/// first instant of that local day. Results saturate at the ends of the
/// [`UnixNanos`] range.
pub fn period_containing(at: UnixNanos, unit: CalendarUnit, zone: &Zone) -> (UnixNanos, UnixNanos) {
    let first = unit.first_day(zone.utc_to_local(at).date());
    let next = match unit {
        CalendarUnit::Day => first.checked_add_days(Days::new(1)),
        CalendarUnit::Week => first.checked_add_days(Days::new(7)),
        CalendarUnit::Month => first.checked_add_months(Months::new(1)),
        CalendarUnit::Quarter => first.checked_add_months(Months::new(3)),
        CalendarUnit::Year => first.checked_add_months(Months::new(12)),
    };
    let start = start_of_local_day(first, zone);
    let end = next.map_or(UnixNanos::MAX, |next| start_of_local_day(next, zone));
    (start, end)
}

/// The period of `unit` in `zone` that contains `at`, named as people name it: `2026-10-02`
/// (a day), `week of 2026-09-28` (its Monday), `2026-09` (a month), `2026 Q3`, `2026`.
pub fn period_name(at: UnixNanos, unit: CalendarUnit, zone: &Zone) -> String {
    let first = unit.first_day(zone.utc_to_local(at).date());
    match unit {
        CalendarUnit::Day => first.format("%Y-%m-%d").to_string(),
        CalendarUnit::Week => format!("week of {}", first.format("%Y-%m-%d")),
        CalendarUnit::Month => first.format("%Y-%m").to_string(),
        CalendarUnit::Quarter => format!("{} Q{}", first.year(), first.month0() / 3 + 1),
        CalendarUnit::Year => first.year().to_string(),
    }
}

/// The first instant whose local date in `zone` is `date` or later.
fn start_of_local_day(date: NaiveDate, zone: &Zone) -> UnixNanos {
    let midnight = date.and_time(NaiveTime::MIN);
    if let Zone::Named(tz) = zone {
        use chrono::{LocalResult, TimeZone};
        if let LocalResult::None = tz.offset_from_local_datetime(&midnight) {
            // Midnight falls in a gap: the day starts at the transition,
            // found by bisection on whole seconds (transitions are whole
            // seconds and all offsets are well within 26 hours).
            let local_date_at = |secs: i64| {
                zone.utc_to_local(secs.saturating_mul(NANOS_PER_SECOND))
                    .date()
            };
            let guess = midnight.and_utc().timestamp();
            let (mut lo, mut hi) = (guess - 26 * 3600, guess + 26 * 3600);
            // Invariant: local date at lo is before `date`, at hi is not.
            while hi - lo > 1 {
                let mid = lo + (hi - lo) / 2;
                if local_date_at(mid) < date {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            return hi.saturating_mul(NANOS_PER_SECOND);
        }
    }
    // Ambiguous midnights resolve to the earlier instant.
    zone.local_to_utc(midnight)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use chrono::DateTime;

    fn ns(text: &str) -> UnixNanos {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .timestamp_nanos_opt()
            .unwrap()
    }

    fn zone(name: &str) -> Zone {
        Zone::parse(name).unwrap()
    }

    fn period(at: &str, unit: CalendarUnit, zone_name: &str) -> (UnixNanos, UnixNanos) {
        period_containing(ns(at), unit, &zone(zone_name))
    }

    #[test]
    fn periods_are_named_by_their_local_first_day() {
        // 22:30 UTC on 30 September is already 1 October in Berlin.
        let at = ns("2026-09-30T22:30:00Z");
        let berlin = zone("Europe/Berlin");
        let name = |unit| period_name(at, unit, &berlin);
        assert_eq!(name(CalendarUnit::Day), "2026-10-01");
        assert_eq!(name(CalendarUnit::Week), "week of 2026-09-28");
        assert_eq!(name(CalendarUnit::Month), "2026-10");
        assert_eq!(name(CalendarUnit::Quarter), "2026 Q4");
        assert_eq!(name(CalendarUnit::Year), "2026");
        assert_eq!(period_name(at, CalendarUnit::Month, &Zone::Utc), "2026-09");
    }

    #[test]
    fn parses_units() {
        for unit in [
            CalendarUnit::Day,
            CalendarUnit::Week,
            CalendarUnit::Month,
            CalendarUnit::Quarter,
            CalendarUnit::Year,
        ] {
            assert_eq!(CalendarUnit::parse(unit.as_str()), Ok(unit));
        }
        assert_eq!(CalendarUnit::parse("Month"), Ok(CalendarUnit::Month));
        let err = CalendarUnit::parse("fortnight").unwrap_err();
        assert!(
            err.contains("use day, week, month, quarter or year"),
            "{err}"
        );
    }

    #[test]
    fn periods_start_on_their_first_day() {
        use chrono::Weekday;
        let mut date = NaiveDate::from_ymd_opt(2023, 12, 1).unwrap();
        while date.year() < 2029 {
            for unit in [
                CalendarUnit::Day,
                CalendarUnit::Week,
                CalendarUnit::Month,
                CalendarUnit::Quarter,
                CalendarUnit::Year,
            ] {
                let first = unit.first_day(date);
                assert!(first <= date, "{unit:?} {date}");
                assert_eq!(unit.first_day(first), first, "{unit:?} {date}");
                let starts = match unit {
                    CalendarUnit::Day => true,
                    CalendarUnit::Week => first.weekday() == Weekday::Mon,
                    CalendarUnit::Month => first.day() == 1,
                    CalendarUnit::Quarter => first.day() == 1 && first.month0() % 3 == 0,
                    CalendarUnit::Year => first.ordinal() == 1,
                };
                assert!(starts, "{unit:?} {date}: {first}");
                // No later start lies between the first day and the date.
                let next = match unit {
                    CalendarUnit::Day => first.succ_opt().unwrap(),
                    CalendarUnit::Week => first + Days::new(7),
                    CalendarUnit::Month => first + Months::new(1),
                    CalendarUnit::Quarter => first + Months::new(3),
                    CalendarUnit::Year => first + Months::new(12),
                };
                assert!(date < next, "{unit:?} {date}: {first}..{next}");
            }
            date = date.succ_opt().unwrap();
        }
    }

    #[test]
    fn month_across_dst_in_berlin() {
        assert_eq!(
            period("2026-03-29T12:00:00Z", CalendarUnit::Month, "Europe/Berlin"),
            (ns("2026-02-28T23:00:00Z"), ns("2026-03-31T22:00:00Z"))
        );
    }

    #[test]
    fn instant_is_already_november_in_berlin() {
        assert_eq!(
            period("2026-10-31T23:30:00Z", CalendarUnit::Month, "Europe/Berlin"),
            (ns("2026-10-31T23:00:00Z"), ns("2026-11-30T23:00:00Z"))
        );
        assert_eq!(
            period("2026-10-31T23:30:00Z", CalendarUnit::Month, "UTC"),
            (ns("2026-10-01T00:00:00Z"), ns("2026-11-01T00:00:00Z"))
        );
    }

    #[test]
    fn days_are_23_or_25_hours_across_dst() {
        let (start, end) = period("2026-03-29T12:00:00Z", CalendarUnit::Day, "Europe/Berlin");
        assert_eq!(start, ns("2026-03-28T23:00:00Z"));
        assert_eq!(end - start, 23 * 3600 * NANOS_PER_SECOND);
        let (start, end) = period("2026-10-25T12:00:00Z", CalendarUnit::Day, "Europe/Berlin");
        assert_eq!(start, ns("2026-10-24T22:00:00Z"));
        assert_eq!(end - start, 25 * 3600 * NANOS_PER_SECOND);
    }

    #[test]
    fn weeks_start_monday_in_new_york() {
        // 2026-03-11 is a Wednesday; DST starts Sunday 2026-03-08 in New York.
        assert_eq!(
            period(
                "2026-03-11T12:00:00Z",
                CalendarUnit::Week,
                "America/New_York"
            ),
            (ns("2026-03-09T04:00:00Z"), ns("2026-03-16T04:00:00Z"))
        );
        // The week containing the change: Monday 2026-03-02 (EST) to
        // Monday 2026-03-09 (EDT), 167 hours.
        let (start, end) = period(
            "2026-03-08T12:00:00Z",
            CalendarUnit::Week,
            "America/New_York",
        );
        assert_eq!(start, ns("2026-03-02T05:00:00Z"));
        assert_eq!(end, ns("2026-03-09T04:00:00Z"));
        // Sunday late evening local is still the previous week.
        assert_eq!(
            period(
                "2026-03-16T03:59:59Z",
                CalendarUnit::Week,
                "America/New_York"
            )
            .0,
            ns("2026-03-09T04:00:00Z")
        );
        // Monday in UTC.
        assert_eq!(
            period("2026-01-01T00:00:00Z", CalendarUnit::Week, "UTC"),
            (ns("2025-12-29T00:00:00Z"), ns("2026-01-05T00:00:00Z"))
        );
    }

    #[test]
    fn quarters_and_years() {
        assert_eq!(
            period("2026-05-15T00:00:00Z", CalendarUnit::Quarter, "UTC"),
            (ns("2026-04-01T00:00:00Z"), ns("2026-07-01T00:00:00Z"))
        );
        assert_eq!(
            period("2026-12-31T23:59:59Z", CalendarUnit::Quarter, "UTC"),
            (ns("2026-10-01T00:00:00Z"), ns("2027-01-01T00:00:00Z"))
        );
        assert_eq!(
            period(
                "2026-02-01T00:00:00Z",
                CalendarUnit::Quarter,
                "Europe/Berlin"
            ),
            (ns("2025-12-31T23:00:00Z"), ns("2026-03-31T22:00:00Z"))
        );
        assert_eq!(
            period("2026-06-30T12:00:00Z", CalendarUnit::Year, "UTC"),
            (ns("2026-01-01T00:00:00Z"), ns("2027-01-01T00:00:00Z"))
        );
        // 23:30 UTC on New Year's Eve is already next year in Berlin.
        assert_eq!(
            period("2026-12-31T23:30:00Z", CalendarUnit::Year, "Europe/Berlin"),
            (ns("2026-12-31T23:00:00Z"), ns("2027-12-31T23:00:00Z"))
        );
        assert_eq!(
            period("2026-06-30T12:00:00Z", CalendarUnit::Year, "+05:30"),
            (ns("2025-12-31T18:30:00Z"), ns("2026-12-31T18:30:00Z"))
        );
    }

    #[test]
    fn period_start_belongs_to_period() {
        let berlin = zone("Europe/Berlin");
        for unit in [
            CalendarUnit::Day,
            CalendarUnit::Week,
            CalendarUnit::Month,
            CalendarUnit::Quarter,
            CalendarUnit::Year,
        ] {
            let (start, end) = period_containing(ns("2026-03-29T12:00:00Z"), unit, &berlin);
            assert_eq!(
                period_containing(start, unit, &berlin),
                (start, end),
                "{unit:?}"
            );
            assert_eq!(period_containing(end, unit, &berlin).0, end, "{unit:?}");
            assert_eq!(
                period_containing(end - 1, unit, &berlin),
                (start, end),
                "{unit:?}"
            );
        }
    }

    #[test]
    fn skipped_midnight_starts_at_first_instant() {
        // America/Sao_Paulo skipped midnight on 2018-11-04 (00:00 -> 01:00).
        let (start, end) = period(
            "2018-11-04T12:00:00Z",
            CalendarUnit::Day,
            "America/Sao_Paulo",
        );
        assert_eq!(start, ns("2018-11-04T03:00:00Z"));
        assert_eq!(end, ns("2018-11-05T02:00:00Z"));
        assert_eq!(
            zone("America/Sao_Paulo").utc_to_local(start).to_string(),
            "2018-11-04 01:00:00"
        );
        // The month that contains it still starts on the 1st.
        let (month_start, month_end) = period(
            "2018-11-04T12:00:00Z",
            CalendarUnit::Month,
            "America/Sao_Paulo",
        );
        assert_eq!(month_start, ns("2018-11-01T03:00:00Z"));
        assert_eq!(month_end, ns("2018-12-01T02:00:00Z"));
    }

    #[test]
    fn skipped_day_in_apia() {
        // Pacific/Apia skipped 2011-12-30 entirely.
        // 2011-12-30T12:00Z is 02:00 on the 31st, local time (UTC+14).
        let (start, end) = period("2011-12-30T12:00:00Z", CalendarUnit::Day, "Pacific/Apia");
        assert_eq!(start, ns("2011-12-30T10:00:00Z"));
        assert_eq!(end, ns("2011-12-31T10:00:00Z"));
        // The 29th (UTC-10) ends where the 31st begins.
        let (start, end) = period("2011-12-30T09:00:00Z", CalendarUnit::Day, "Pacific/Apia");
        assert_eq!(start, ns("2011-12-29T10:00:00Z"));
        assert_eq!(end, ns("2011-12-30T10:00:00Z"));
    }

    #[test]
    fn saturates_at_range_ends() {
        let (start, end) = period_containing(UnixNanos::MAX, CalendarUnit::Year, &Zone::Utc);
        assert_eq!(start, ns("2262-01-01T00:00:00Z"));
        assert_eq!(end, UnixNanos::MAX);
        let (start, end) = period_containing(UnixNanos::MIN, CalendarUnit::Month, &Zone::Utc);
        assert_eq!(start, UnixNanos::MIN);
        assert_eq!(end, ns("1677-10-01T00:00:00Z"));
    }
}
