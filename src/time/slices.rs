//! Time slices for `timeslices` and `ratio_timeslices` budgeting: time cut into slices of one
//! length, aligned to the Unix epoch and numbered, slice `i` being `[i·length, (i+1)·length)`.
//!
//! Counting (the slice an event falls in) and evaluation (the slices a window holds) both ask
//! [`TimeSlices`], so that they cannot disagree on where a slice begins.

use crate::time::UnixNanos;

/// Time cut into slices of `length` nanoseconds, aligned to the Unix epoch: slice `i` is
/// `[i·length, (i+1)·length)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeSlices {
    length: i64,
}

impl TimeSlices {
    /// Slices of `length` nanoseconds, which must be positive (specs only allow lengths that
    /// divide an hour).
    pub fn new(length: i64) -> TimeSlices {
        debug_assert!(length > 0, "time slices of {length} ns");
        TimeSlices { length }
    }

    /// The index of the slice that holds `t`.
    #[inline]
    pub fn containing(self, t: UnixNanos) -> i64 {
        t.div_euclid(self.length)
    }

    /// The indices `first..end` of the `count` most recent slices that end at or before `at`
    /// (a slice ends where the next begins).
    pub fn last(self, count: i64, at: UnixNanos) -> (i64, i64) {
        let end = self.containing(at);
        (end - count, end)
    }

    /// The indices `first..end` of the slices wholly inside `[start, last]`, both included;
    /// `first == end` when none is.
    pub fn inside(self, start: UnixNanos, last: UnixNanos) -> (i64, i64) {
        // Whole slices: s ≥ start and s + length − 1 ns ≤ last.
        let first = self.containing(start) + i64::from(start.rem_euclid(self.length) != 0);
        let end = self.containing(last.saturating_add(1));
        (first, end.max(first))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: i64 = 60_000_000_000;

    #[test]
    fn slices_are_aligned_to_the_epoch() {
        let slices = TimeSlices::new(MINUTE);
        assert_eq!(slices.containing(0), 0);
        assert_eq!(slices.containing(MINUTE - 1), 0);
        assert_eq!(slices.containing(MINUTE), 1);
        // Before the epoch, slices still start on whole minutes.
        assert_eq!(slices.containing(-1), -1);
        assert_eq!(slices.containing(-MINUTE), -1);
        assert_eq!(slices.containing(-MINUTE - 1), -2);
    }

    #[test]
    fn the_last_slices_end_at_or_before_the_instant() {
        let slices = TimeSlices::new(MINUTE);
        // 10:00:30: the last slice that has ended is 9:59–10:00.
        let at = 600 * MINUTE + MINUTE / 2;
        assert_eq!(slices.last(10, at), (590, 600));
        // On a boundary, the slice that ends there counts.
        assert_eq!(slices.last(10, 600 * MINUTE), (590, 600));
        assert_eq!(slices.last(10, 600 * MINUTE - 1), (589, 599));
    }

    #[test]
    fn slices_inside_a_span_are_whole() {
        let slices = TimeSlices::new(MINUTE);
        assert_eq!(slices.inside(0, 10 * MINUTE - 1), (0, 10));
        assert_eq!(slices.inside(1, 10 * MINUTE - 1), (1, 10));
        assert_eq!(slices.inside(0, 10 * MINUTE - 2), (0, 9));
        assert_eq!(slices.inside(-MINUTE, -1), (-1, 0));
        // No whole slice: an empty range that starts after the span's first slice boundary.
        assert_eq!(slices.inside(1, MINUTE), (1, 1));
        assert_eq!(slices.inside(5, 7), (1, 1));
        // The last instant of the range of instants does not overflow.
        let end = slices.containing(i64::MAX);
        assert_eq!(slices.inside(i64::MAX - 1, i64::MAX), (end + 1, end + 1));
    }
}
