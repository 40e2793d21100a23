//! Counting the records of `slo sql`'s result (`--input-format counts`): each record is that
//! many events of one SLO and group, at one instant.
//!
//! A record's events stand at its `time` when `exact` is 1, and one nanosecond before it
//! otherwise (they happened within the interval that ends at `time`, not at its end). Every
//! boundary of a window, lookback, slice or exclusion that falls on a whole interval then
//! puts them on the same side as the rows they were counted from; [`Plan::read_counts`]
//! refuses the boundaries that do not.

use crate::expr::{FieldPath, FieldValue, Row};
use crate::input::{InputError, RowSink, RowView};
use crate::spec::Slo;
use crate::sql::{definition_id, group_column, interval_nanos};
use crate::time::{format_rfc3339, UnixNanos};

use super::{push_group_key, Counter, Counts, GroupTally, Plan, RowProblem};

/// Most events (or invalid rows) one record may hold: a trillion requests in one interval is
/// no log's, and with it no sum of counts comes near `u64::MAX`.
const MAX_RECORD_EVENTS: u64 = 1 << 40;

/// Where a counts record's columns are, and what each SLO's records must say.
#[derive(Debug)]
pub(super) struct CountsLayout {
    slo: usize,
    definition: usize,
    exact: usize,
    total: usize,
    good: usize,
    bad: usize,
    invalid: usize,
    /// Per SLO of the plan: its definition's fingerprint.
    definitions: Vec<String>,
}

impl Plan {
    /// Makes this plan read the counts that `slo sql` wrote for `slos` (the plan's SLOs, in
    /// its order) instead of log rows.
    ///
    /// # Errors
    ///
    /// A boundary of a window, lookback or exclusion (or the instant itself) that does not
    /// fall on a whole interval, where counts per interval cannot tell events apart.
    pub fn read_counts(&mut self, slos: &[&Slo]) -> Result<(), String> {
        let mut column = |name: &str| self.fields.slot(&FieldPath(vec![name.to_string()]));
        let (slo, definition, exact) = (column("slo"), column("definition"), column("exact"));
        let (total, good, bad, invalid) = (
            column("total"),
            column("good"),
            column("bad"),
            column("invalid"),
        );
        let mut definitions = Vec::with_capacity(slos.len());
        for (plan, slo) in self.slos.iter_mut().zip(slos) {
            plan.group_slots = slo
                .group_by
                .iter()
                .map(|path| self.fields.slot(&FieldPath(vec![group_column(path)])))
                .collect();
            // Counts carry no latencies.
            plan.latency = None;
            definitions.push(definition_id(slo));
            let interval = interval_nanos(slo);
            let on_boundary = |t: UnixNanos| t.rem_euclid(interval) == 0;
            let problem = |what: String| {
                format!(
                    "SLO {}: {what} does not fall on a whole {} interval, so counts per \
                     interval cannot tell which of its events lie on either side; {}",
                    slo.name,
                    crate::time::humanize_seconds(interval as f64 / 1e9),
                    "evaluate at a whole minute, with windows, lookbacks and exclusions in whole minutes"
                )
            };
            if plan.slices.is_none() {
                if !on_boundary(self.at) {
                    return Err(problem(format!("the instant {}", format_rfc3339(self.at))));
                }
                // A limit is `A − start` (an open start) or `A − start + 1 ns` (a closed one).
                for &limit in &plan.age_limits {
                    let start = self.at - limit;
                    if !on_boundary(start) && !on_boundary(start + 1) {
                        return Err(problem(format!(
                            "the window or lookback starting at {}",
                            format_rfc3339(start)
                        )));
                    }
                }
            }
            for &(from, to) in &plan.excluded {
                for t in [from, to] {
                    if !on_boundary(t) {
                        return Err(problem(format!(
                            "the exclusion boundary {}",
                            format_rfc3339(t)
                        )));
                    }
                }
            }
        }
        self.counts = Some(CountsLayout {
            slo,
            definition,
            exact,
            total,
            good,
            bad,
            invalid,
            definitions,
        });
        Ok(())
    }
}

/// A count column's value: a whole number.
fn count(row: &RowView<'_>, slot: usize) -> Option<u64> {
    match row.value(slot) {
        FieldValue::Scalar(raw) => std::str::from_utf8(raw.trim_ascii()).ok()?.parse().ok(),
        _ => None,
    }
}

fn text<'r>(row: &'r RowView<'_>, slot: usize) -> Option<&'r [u8]> {
    match row.value(slot) {
        FieldValue::Scalar(raw) => Some(raw),
        _ => None,
    }
}

impl Counter<'_> {
    /// A record that is not one: malformed (the row, already counted as read, is counted so).
    fn bad_record(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        self.tally.inputs.rows -= 1;
        self.malformed(line, reason)
    }

    /// Counts one record of counts, whose `time` is `time`.
    pub(super) fn count_record(
        &mut self,
        layout: &CountsLayout,
        row: &RowView<'_>,
        line: u64,
        time: UnixNanos,
    ) -> Result<(), InputError> {
        let plan = self.plan;
        let Some(name) = text(row, layout.slo) else {
            return self.bad_record(line, "no `slo` column: this is not the result of `slo sql`");
        };
        let Some(index) = plan.slos.iter().position(|s| s.name.as_bytes() == name) else {
            // Counts of an SLO not selected (or not in these specs): not this run's events.
            self.tally.inputs.unselected += 1;
            return Ok(());
        };
        let slo = &plan.slos[index];
        let expected = &layout.definitions[index];
        let Some(written) = text(row, layout.definition) else {
            return Err(InputError::at(
                self.input,
                line,
                "no `definition` column: read the result of the query `slo sql` writes, with all \
                 its columns (slo, definition, time, exact, group_*, total, good, bad, invalid)"
                    .to_string(),
            ));
        };
        if written != expected.as_bytes() {
            return Err(InputError::at(
                self.input,
                line,
                format!(
                    "these counts of SLO {} were made from another definition of it (its filter, \
                     good/bad, group_by, timestamp or slice length differ from the spec's, whose \
                     fingerprint is {expected}): run the query `slo sql` writes now, and read its result",
                    slo.name
                ),
            ));
        }
        // A column the record lacks is a file that is not the query's result, said once, as
        // a lacking `definition` is; a value that is no count is one malformed record.
        let columns = [
            ("exact", layout.exact),
            ("total", layout.total),
            ("good", layout.good),
            ("bad", layout.bad),
            ("invalid", layout.invalid),
        ];
        if let Some((column, _)) = columns
            .iter()
            .find(|(_, slot)| matches!(row.value(*slot), FieldValue::Missing))
        {
            return Err(InputError::at(
                self.input,
                line,
                format!(
                    "no `{column}` column: read the result of the query `slo sql` writes, with all \
                     its columns (slo, definition, time, exact, group_*, total, good, bad, invalid)"
                ),
            ));
        }
        let exact = match text(row, layout.exact).map(<[u8]>::trim_ascii) {
            Some(b"1" | b"true") => true,
            Some(b"0" | b"false") => false,
            _ => return self.bad_record(line, "column `exact` is not 0 or 1"),
        };
        let (Some(total), Some(good), Some(bad), Some(invalid)) = (
            count(row, layout.total),
            count(row, layout.good),
            count(row, layout.bad),
            count(row, layout.invalid),
        ) else {
            return self.bad_record(
                line,
                "columns `total`, `good`, `bad` and `invalid` must be whole numbers of events, 0 or more",
            );
        };
        if good.checked_add(bad) != Some(total) {
            return self.bad_record(line, "`total` is not `good` + `bad`");
        }
        if total.max(invalid) > MAX_RECORD_EVENTS {
            return self.bad_record(
                line,
                "more than 2^40 events in one record: these are not counts of requests in one interval",
            );
        }
        let time = if exact { time } else { time - 1 };
        let age = plan.at.saturating_sub(time);
        let Some(slot) = slo.slot_for(time, age) else {
            self.tally.inputs.outside_windows += 1;
            return Ok(());
        };
        let bit = 1u64
            .checked_shl(u32::try_from(index).unwrap_or(u32::MAX))
            .unwrap_or(0);
        let excluded = !slo.excluded.is_empty() && slo.is_excluded(time);
        let delta = if excluded {
            Counts {
                excluded: total + invalid,
                ..Counts::default()
            }
        } else {
            Counts {
                total,
                good,
                invalid,
                excluded: 0,
            }
        };
        if !excluded && invalid > 0 {
            let reason = format!("{invalid} rows invalid for the SLO, as the query counted them");
            if plan.strict {
                return Err(InputError::at(
                    self.input,
                    line,
                    format!("{reason} (--strict)"),
                ));
            }
            let tally = &mut self.tally.slos[index];
            tally.invalid_rows += invalid;
            if tally
                .first_invalid
                .as_ref()
                .is_none_or(|first| first.line > line)
            {
                tally.first_invalid = Some(RowProblem {
                    input_index: self.input_index,
                    input: self.input.to_string(),
                    line,
                    reason,
                });
            }
        }
        self.group_key.clear();
        push_group_key(&mut self.group_key, row, &slo.group_slots);
        let bands = slo.age_limits.len();
        let tally = &mut self.tally.slos[index];
        let group = if slo.group_slots.is_empty() {
            tally
                .ungrouped
                .get_or_insert_with(|| GroupTally::new(Vec::new(), bands))
        } else {
            tally.group_for(&self.group_key, &slot, delta.total + delta.invalid)
        };
        group.count_many(&slot, &delta);
        if let Some(rows) = &mut self.tally.rows_by_time {
            let (selected, excluded) = if excluded { (0, bit) } else { (bit, 0) };
            rows.add(time, selected, excluded);
        }
        let inputs = &mut self.tally.inputs;
        if excluded {
            inputs.excluded += 1;
        } else {
            inputs.matched += 1;
        }
        Ok(())
    }
}
