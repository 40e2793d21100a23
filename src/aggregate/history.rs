//! Tallies at many instants from one count: the bands of a history's count (see
//! [`history_needs`](crate::evaluate::history_needs)) regrouped into those of each instant.
//!
//! A history counts once, at its last instant `T`, with an age band boundary wherever some
//! instant `A` has one (`T − A + limit` for each of `A`'s limits, and `T − A` itself). Every
//! band of `A` is then a run of consecutive bands of the count, so adding them up gives exactly
//! what counting at `A` would have; time slices are absolute and are taken as they are.

use super::{Counts, FirstWindow, GroupTally, Needs, SloTally};

impl SloTally {
    /// This tally, counted at an instant `offset` nanoseconds after `A` with band limits that
    /// include `offset` and `offset + limit` for every limit of `needs`, as counting at `A`
    /// with `needs` would have made it. Groups keep their keys; fold them with
    /// [`SloTally::fold_groups`] as after any count.
    pub fn at_instant(&self, offset: i64, needs: &Needs) -> SloTally {
        let (limits, first_window, slices) = match needs {
            Needs::Ages {
                limits,
                first_window,
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
        let regroup = |group: &GroupTally| {
            let mut bands = vec![Counts::default(); limits.len()];
            let mut lower = 0;
            for (counts, &upper) in group.bands.iter().zip(&self.limits) {
                // This band of the count holds the ages `lower..upper`, which lie in one band
                // of the instant's or in none.
                let (band_lower, band_upper) = (lower, upper);
                lower = upper;
                if band_lower < offset {
                    continue;
                }
                let band = limits.partition_point(|&limit| offset + limit < band_upper);
                if let Some(instant_band) = bands.get_mut(band) {
                    instant_band.add(counts);
                }
            }
            GroupTally {
                values: group.values.clone(),
                folded: group.folded,
                bands,
                slices: match &slices {
                    Some(range) => group
                        .slices
                        .iter()
                        .filter(|(index, _)| range.contains(*index))
                        .map(|(index, counts)| (*index, *counts))
                        .collect(),
                    None => Default::default(),
                },
            }
        };
        SloTally {
            groups: self
                .groups
                .iter()
                .map(|(key, group)| (key.clone(), regroup(group)))
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
