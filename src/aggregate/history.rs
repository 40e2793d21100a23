//! Tallies at many instants from one count: the bands of a history's count (see
//! [`history_needs`](crate::evaluate::history_needs)) regrouped into those of each instant.
//!
//! A history counts once, at its last instant `T`, with an age band boundary wherever some
//! instant `A` has one (`T − A + limit` for each of `A`'s limits, and `T − A` itself). Every
//! band of `A` is then a run of consecutive bands of the count, so adding them up gives exactly
//! what counting at `A` would have; time slices are absolute and are taken as they are.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::{Counts, FirstWindow, GroupTally, LatencySketch, Needs, SloTally};
use crate::time::UnixNanos;

/// Most SLOs whose selections a history's row accounting tells apart (a bit each).
pub const MAX_TRACKED_SLOS: usize = 64;

/// The rows of a history's count that lie in some SLO's windows, by where they lie in time,
/// which SLOs selected them and in which SLOs' exclusions they lie: enough to account for the
/// rows at each instant as a count at that instant would (`outside_windows`, `unselected`,
/// `excluded`, `matched`).
#[derive(Debug, Clone, Default)]
pub struct RowsByTime {
    /// Sorted instants that cut time into buckets: bucket `b` holds the times with `b` cuts at
    /// or before them.
    cuts: Arc<[UnixNanos]>,
    /// Rows per bucket, set of SLOs that selected them (bit `i`: the `i`-th SLO of the plan)
    /// and set of SLOs that would have, but for one of their exclusions.
    classes: FxHashMap<(u32, u64, u64), u64>,
}

impl RowsByTime {
    /// Rows to be told apart by every span of `spans` (`[first, last]` instants, both
    /// included), that is, by their starts and the instants after their ends.
    pub fn new(spans: impl IntoIterator<Item = (UnixNanos, UnixNanos)>) -> RowsByTime {
        let mut cuts: Vec<UnixNanos> = spans
            .into_iter()
            .flat_map(|(first, last)| [first, last.saturating_add(1)])
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        RowsByTime {
            cuts: cuts.into(),
            classes: FxHashMap::default(),
        }
    }

    fn bucket(&self, time: UnixNanos) -> u32 {
        u32::try_from(self.cuts.partition_point(|&cut| cut <= time)).unwrap_or(u32::MAX)
    }

    /// Counts a row at `time` that the SLOs of `selected` selected, and that those of
    /// `excluded` would have but for one of their exclusions.
    pub(super) fn add(&mut self, time: UnixNanos, selected: u64, excluded: u64) {
        let bucket = self.bucket(time);
        *self
            .classes
            .entry((bucket, selected, excluded))
            .or_default() += 1;
    }

    pub(super) fn merge(&mut self, other: RowsByTime) {
        for (class, rows) in other.classes {
            *self.classes.entry(class).or_default() += rows;
        }
    }

    /// At an instant where the `i`-th SLO's windows span `spans[i]` (each one of the spans this
    /// was made with, or `None`): the rows in some window, those an SLO selected in its own,
    /// and of the others those in an exclusion of an SLO whose window holds them.
    pub fn at_instant(&self, spans: &[Option<(UnixNanos, UnixNanos)>]) -> (u64, u64, u64) {
        let buckets: Vec<Option<(u32, u32)>> = spans
            .iter()
            .map(|span| span.map(|(first, last)| (self.bucket(first), self.bucket(last))))
            .collect();
        let inside = |bucket: u32, span: &Option<(u32, u32)>| {
            span.is_some_and(|(first, last)| (first..=last).contains(&bucket))
        };
        let (mut in_window, mut matched, mut excluded) = (0, 0, 0);
        for (&(bucket, selected, excluded_by), &rows) in &self.classes {
            if buckets.iter().any(|span| inside(bucket, span)) {
                in_window += rows;
            }
            let inside_one_of = |set: u64| {
                buckets
                    .iter()
                    .enumerate()
                    .any(|(i, span)| set >> i & 1 == 1 && inside(bucket, span))
            };
            if inside_one_of(selected) {
                matched += rows;
            } else if inside_one_of(excluded_by) {
                excluded += rows;
            }
        }
        (in_window, matched, excluded)
    }
}

/// The instants `[first, last]` in which an SLO's windows and lookbacks, counted with `needs`
/// at `at`, hold rows; `None` when they hold none.
pub fn window_span(needs: &Needs, at: UnixNanos) -> Option<(UnixNanos, UnixNanos)> {
    match needs {
        Needs::Ages { limits, .. } => {
            let longest = limits.iter().copied().max().filter(|&limit| limit > 0)?;
            Some((at - longest + 1, at))
        }
        Needs::Slices {
            length, first, end, ..
        } => (first < end).then(|| (first * length, end * length - 1)),
    }
}

impl SloTally {
    /// Turns every group's age bands into running totals (band `i` then holds the events of
    /// bands `0..=i`), which [`SloTally::at_instant`] reads: done once after a history's count,
    /// so that each instant costs a few lookups whatever the number of bands.
    pub fn accumulate_bands(&mut self) {
        let groups = self
            .groups
            .values_mut()
            .chain(self.ungrouped.iter_mut())
            .chain(self.other.iter_mut());
        for group in groups {
            let mut running = Counts::default();
            for band in &mut group.bands {
                running.add(band);
                *band = running;
            }
        }
    }

    /// This tally, counted at an instant `offset` nanoseconds after `A` with band limits that
    /// include `offset` and `offset + limit` for every limit of `needs`, and accumulated (see
    /// [`SloTally::accumulate_bands`]), as counting at `A` with `needs` would have made it.
    /// Groups keep their keys; fold them with [`SloTally::fold_groups`] as after any count.
    pub fn at_instant(&self, offset: i64, needs: &Needs) -> SloTally {
        let (limits, first_window, slices) = match needs {
            Needs::Ages {
                limits,
                first_window,
                ..
            } => {
                let mut limits = limits.clone();
                limits.sort_unstable();
                limits.dedup();
                let bands = limits.partition_point(|limit| limit <= first_window);
                (limits, FirstWindow::Bands(bands), None)
            }
            Needs::Slices {
                first,
                end,
                first_window: (from, to),
                ..
            } => (
                Vec::new(),
                FirstWindow::Slices(*from, *to),
                Some(*first..*end),
            ),
        };
        // A history's count keeps latencies by band or slice (see `Plan::keep_latency_by_slot`):
        // each window of this instant merges those it is made of, as the count at this instant
        // would have kept them by window (bit `w` for window `w`).
        let latency_by_window = |group: &GroupTally| {
            let Some(latency) = &group.latency else {
                return None;
            };
            let mut by_window: FxHashMap<u64, LatencySketch> = FxHashMap::default();
            let ranges: Vec<(i64, i64)> = match needs {
                Needs::Ages { windows, .. } => windows
                    .iter()
                    .map(|&limit| {
                        let band = |age: i64| {
                            i64::try_from(self.limits.partition_point(|&l| l <= age))
                                .unwrap_or(i64::MAX)
                        };
                        (band(offset), band(offset + limit))
                    })
                    .collect(),
                Needs::Slices { windows, .. } => windows.clone(),
            };
            for (w, (first, end)) in ranges.into_iter().enumerate().take(64) {
                let mut sketch = LatencySketch::default();
                for (&key, part) in latency.iter() {
                    // The key is a band or a slice index (see `LatencyPlan::key`).
                    #[allow(clippy::cast_possible_wrap, reason = "a key made from an index")]
                    let index = key as i64;
                    if (first..end).contains(&index) {
                        sketch.merge(part);
                    }
                }
                by_window.insert(1 << w, sketch);
            }
            Some(Box::new(by_window))
        };
        // The running total of the counted bands below age `age` (a limit of the count, or 0).
        let below = |group: &GroupTally, age: i64| {
            let bands = self.limits.partition_point(|&limit| limit <= age);
            bands
                .checked_sub(1)
                .and_then(|last| group.bands.get(last))
                .copied()
                .unwrap_or_default()
        };
        let regroup = |group: &GroupTally| {
            let mut lower = below(group, offset);
            let bands = limits
                .iter()
                .map(|&limit| {
                    let upper = below(group, offset + limit);
                    let band = upper.since(&lower);
                    lower = upper;
                    band
                })
                .collect();
            GroupTally {
                values: group.values.clone(),
                folded: group.folded.clone(),
                bands,
                slices: slices.as_ref().map(|range| {
                    Box::new(
                        group
                            .slices()
                            .iter()
                            .filter(|(index, _)| range.contains(*index))
                            .map(|(index, counts)| (*index, *counts))
                            .collect(),
                    )
                }),
                latency: latency_by_window(group),
            }
        };
        SloTally {
            groups: self
                .groups
                .iter()
                .map(|(key, group)| (Box::from(key), regroup(group)))
                .collect(),
            ungrouped: self.ungrouped.as_ref().map(regroup),
            other: self.other.as_ref().map(regroup),
            sample_level: self.sample_level,
            outside: self.outside.clone(),
            max_kept: self.max_kept,
            max_heavy: self.max_heavy,
            fields: self.fields,
            max_shown: self.max_shown,
            group_bytes: self.group_bytes,
            limits,
            first_window,
            invalid_rows: self.invalid_rows,
            first_invalid: self.first_invalid.clone(),
        }
    }
}
