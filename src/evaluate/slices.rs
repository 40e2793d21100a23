//! Time-slice budgeting (DESIGN.md §3): which slices a window covers, and what they add up to.
//!
//! Slices are `[i·len, (i+1)·len)`, aligned to the Unix epoch ([`TimeSlices`]). A rolling
//! window of length `D` is the `D / len` most recent whole slices that end at or before `A`; a
//! calendar window is the whole slices inside `[start, A]`.

use crate::aggregate::{Counts, SliceCounts};
use crate::spec::{Percentage, Window};
use crate::time::{TimeSlices, UnixNanos};

/// Slice indices `first..end` of a rolling window of `duration_ns` ending at `at`.
pub fn rolling_slices(duration_ns: i64, at: UnixNanos, length: i64) -> (i64, i64) {
    TimeSlices::new(length).last(duration_ns / length, at)
}

/// Slice indices `first..end` of `window` evaluated at `at`.
pub fn window_slices(window: &Window, at: UnixNanos, length: i64) -> (i64, i64) {
    match window {
        Window::Rolling(duration) => rolling_slices(duration.nanos(), at, length),
        Window::Calendar { .. } | Window::Between { .. } => {
            TimeSlices::new(length).inside(window.span(at).start, at)
        }
    }
}

/// How many of the slices `first..end` lie wholly inside `excluded` (sorted, disjoint intervals
/// `[from, to)` as [`crate::spec::excluded_intervals`] gives them, those that touch merged):
/// slices that are no slice at all, taken out of the window's total. A slice an exclusion only
/// partly covers stays, with the events outside the exclusion.
pub fn excluded_slices(
    excluded: &[(UnixNanos, UnixNanos)],
    (first, end): (i64, i64),
    length: i64,
) -> u64 {
    let slices = TimeSlices::new(length);
    excluded
        .iter()
        .map(|&(from, to)| {
            // Wholly inside [from, to) is wholly inside [from, to − 1 ns].
            let (a, b) = slices.inside(from, to - 1);
            u64::try_from(b.min(end) - a.max(first)).unwrap_or(0)
        })
        .sum()
}

/// What the slices `first..end` add up to.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SliceSummary {
    /// Slices in the range.
    pub slices: u64,
    /// Slices that reach the slice objective (empty slices are good).
    pub good_slices: u64,
    /// Slices that hold events.
    pub with_events: u64,
    /// All events in the range.
    pub events: Counts,
}

/// Sums the slices `first..end` of one group, `excluded` of which are wholly excluded (see
/// [`excluded_slices`]) and no slices at all; `objective` decides good slices. (The mean of
/// their ratios, for `ratio_timeslices`, is [`super::MeanRatio`].)
pub fn summarize(
    slices: &SliceCounts,
    (first, end): (i64, i64),
    objective: Option<&Percentage>,
    excluded: u64,
) -> SliceSummary {
    let mut events = Counts::default();
    let mut bad_slices = 0u64;
    let mut with_events = 0u64;
    for (index, counts) in slices {
        if !(first..end).contains(index) {
            continue;
        }
        events.add(counts);
        if counts.total == 0 {
            continue;
        }
        with_events += 1;
        if let Some(objective) = objective {
            // good / total ≥ n / d, exactly.
            let reaches = u128::from(counts.good) * objective.denominator()
                >= objective.numerator() * u128::from(counts.total);
            bad_slices += u64::from(!reaches);
        }
    }
    let slices = u64::try_from(end - first)
        .unwrap_or(0)
        .saturating_sub(excluded);
    SliceSummary {
        slices,
        good_slices: slices.saturating_sub(bad_slices),
        with_events,
        events,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::{parse_instant, CalendarUnit, Zone};

    const MINUTE: i64 = 60_000_000_000;

    fn at(text: &str) -> UnixNanos {
        parse_instant(text).unwrap()
    }

    #[test]
    fn rolling_windows_end_at_the_last_whole_slice() {
        // A = 12:00:30 → the last whole minute slice ends at 12:00:00; 10m = 11:50..12:00.
        let a = at("2026-03-10T12:00:30Z");
        let (first, end) = rolling_slices(10 * MINUTE, a, MINUTE);
        assert_eq!(end * MINUTE, at("2026-03-10T12:00:00Z"));
        assert_eq!(first * MINUTE, at("2026-03-10T11:50:00Z"));
        // A exactly on a boundary: the slice ending at A counts.
        let (first, end) = rolling_slices(10 * MINUTE, at("2026-03-10T12:00:00Z"), MINUTE);
        assert_eq!(
            (end - first, end * MINUTE),
            (10, at("2026-03-10T12:00:00Z"))
        );
    }

    #[test]
    fn calendar_windows_hold_whole_slices_inside() {
        let day = Window::Calendar {
            unit: CalendarUnit::Day,
            zone: Zone::Utc,
        };
        let (first, end) = window_slices(&day, at("2026-03-10T00:10:30Z"), MINUTE);
        assert_eq!(first * MINUTE, at("2026-03-10T00:00:00Z"));
        assert_eq!(end - first, 10);
        // At 23:59:59.999999999 the last slice of the day is whole.
        let (first, end) = window_slices(&day, at("2026-03-10T23:59:59.999999999Z"), MINUTE);
        assert_eq!(end - first, 1440);
        // A zone whose midnight is not on a 1h slice boundary (UTC+05:30): the first whole
        // hour slice starts half an hour after local midnight.
        let india = Window::Calendar {
            unit: CalendarUnit::Day,
            zone: Zone::parse("Asia/Kolkata").unwrap(),
        };
        let hour = 60 * MINUTE;
        let (first, _) = window_slices(&india, at("2026-03-10T12:00:00Z"), hour);
        assert_eq!(first * hour, at("2026-03-09T19:00:00Z"));
    }

    #[test]
    fn excluded_slices_are_those_wholly_inside_an_exclusion() {
        let m = |minutes: i64| minutes * MINUTE;
        // [10:00, 10:30) covers the 30 slices from 10:00 to 10:29 exactly.
        let ten = at("2026-03-10T10:00:00Z");
        let range = (ten / MINUTE - 60, ten / MINUTE + 60);
        assert_eq!(excluded_slices(&[(ten, ten + m(30))], range, MINUTE), 30);
        // One nanosecond short at either end leaves the slice at that end in.
        assert_eq!(
            excluded_slices(&[(ten + 1, ten + m(30))], range, MINUTE),
            29
        );
        assert_eq!(
            excluded_slices(&[(ten, ten + m(30) - 1)], range, MINUTE),
            29
        );
        // Shorter than a slice, or inside one: no slice is excluded.
        assert_eq!(
            excluded_slices(&[(ten + 1, ten + m(1) - 1)], range, MINUTE),
            0
        );
        assert_eq!(
            excluded_slices(&[(ten + m(1) / 2, ten + m(3) / 2)], range, MINUTE),
            0
        );
        // Only the part inside the range counts: the range ends at 11:00.
        assert_eq!(
            excluded_slices(&[(ten + m(50), ten + m(90))], range, MINUTE),
            10
        );
        assert_eq!(
            excluded_slices(&[(ten - m(90), ten - m(70))], range, MINUTE),
            0
        );
        // Disjoint intervals add up.
        let two = [(ten, ten + m(2)), (ten + m(5), ten + m(6))];
        assert_eq!(excluded_slices(&two, range, MINUTE), 3);
    }

    #[test]
    fn slices_by_hand() {
        let objective = Percentage::parse("90", "slice objective").unwrap();
        let counts = |total, good| Counts {
            total,
            good,
            invalid: 0,
            excluded: 0,
        };
        let mut slices = SliceCounts::default();
        slices.insert(0, counts(10, 9)); // 90 %: exactly the slice objective → good
        slices.insert(1, counts(10, 8)); // 80 % → bad
        slices.insert(3, counts(4, 4)); // 100 % → good
        slices.insert(7, counts(1, 0)); // outside the range
                                        // Slice 2 and 4 are empty → good.
        let summary = summarize(&slices, (0, 5), Some(&objective), 0);
        assert_eq!(
            (summary.slices, summary.good_slices, summary.with_events),
            (5, 4, 3)
        );
        assert_eq!((summary.events.total, summary.events.good), (24, 21));
        let outside = summarize(&slices, (4, 7), Some(&objective), 0);
        assert_eq!((outside.slices, outside.with_events), (3, 0));
    }
}
