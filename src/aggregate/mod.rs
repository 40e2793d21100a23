//! One pass over the logs, counting events per SLO, group and window.
//!
//! Every window and burn-rate lookback is an *age limit*: an event at time `t` lies in a window
//! ending at the evaluation instant `A` exactly when `A − t` is below the limit (a rolling
//! window `D` has limit `D`; a calendar window `[start, A]` has limit `A − start + 1 ns`). The
//! limits of an SLO are sorted, and each event increments one counter: that of the smallest
//! limit its age is below. A window's figures are then the sum of the counters up to its
//! limit. This is exact at every boundary, needs a handful of counters per group whatever the
//! log size, and tallies from different parts of the input simply add up.
//!
//! SLOs budgeted in time slices count per slice instead (slice `i` is `[i·len, (i+1)·len)`:
//! [`TimeSlices`]), for the slices their windows and lookbacks cover; see [`Needs`].
//!
//! Groups are bounded without ever stopping the run: a bot that requests a hundred thousand
//! distinct paths must not take the report down. After reading, [`SloTally::fold_groups`] shows
//! the `--max-groups` groups with the most events in the SLO's first window (ties by value) and
//! counts the others in one `(other)` group. Until then each SLO keeps at most
//! `GROUPS_IN_MEMORY × --max-groups` groups (and [`MAX_GROUP_BYTES`] of their values) per
//! reading thread. Past that, only groups whose key hash falls in a shrinking range are kept
//! (the range halves until they fit), and the events of the others are counted in `(other)`.
//! Which groups are kept depends only on the set of distinct keys, never on the order or the
//! threads that read them, and every event is counted exactly once, in its own group or in
//! `(other)`.
//!
//! A hash says nothing of how busy a group is, so the first-window events of the groups left
//! out are also summed in a count-min sketch (`sketch.rs`), which is the same whatever the
//! order of the rows. When the sketch says that a group left out may be busy enough to be
//! shown, [`Tally::heavy_groups`] tells a second pass over the same logs which groups to keep
//! beyond the sample: those whose sketched count reaches a threshold. Every group with at
//! least that many events is then counted exactly and ranked with the others; see
//! [`HeavyGroups`] for the threshold.
//!
//! Whatever happened while reading, the groups shown are the first ones of the exact order
//! (events in the first window, then value), the same on every thread count: past the memory
//! bound a group is shown only when it has more events than any group left out can have. When
//! that leaves some of the `--max-groups` places empty, [`Folded::passed_over`] says how busy
//! the groups folded instead can be.

mod counts;
mod group_map;
mod history;
mod latency;
mod latest;
mod sketch;

use std::collections::HashMap;
use std::hash::BuildHasherDefault;
use std::sync::Arc;

use rustc_hash::{FxHashMap, FxHasher};

use group_map::GroupMap;
pub use history::{window_span, RowsByTime, MAX_TRACKED_SLOS};
pub use latency::LatencySketch;
pub use latest::{latest_in_newest_lines, latest_timestamp, LatestScan};
use sketch::CountMinSketch;

use crate::expr::{
    duration_nanos, Candidate, Dispatch, FieldPath, FieldSlots, FieldUnit, FieldValue, Invalid,
    InvalidReason, LeafMemo, Program, ProgramId, ProgramSet, Row,
};
use crate::input::{InputError, InputFormat, LogInput, RowSink, RowView};
use crate::spec::{excluded_intervals, Condition, Judgement, Slo, TimestampSpec};
use crate::time::{MinuteCache, TimeSlices, TimestampParser, UnixNanos};
use crate::visible::Visible;

/// How many malformed rows are reported individually.
pub const MALFORMED_SHOWN: usize = 5;

/// Most bytes the `group_by` values of the groups one SLO keeps in memory may take in all,
/// per reading thread. With [`GROUPS_IN_MEMORY`] this bounds memory whatever the log holds.
pub const MAX_GROUP_BYTES: usize = 16 * 1024 * 1024;

/// How many groups one SLO keeps in memory per reading thread, as a multiple of
/// `--max-groups`: the groups shown are chosen among these (see [`SloTally::fold_groups`]).
pub const GROUPS_IN_MEMORY: usize = 4;

/// Most age bands' counts one SLO keeps for its groups per reading thread (256 MiB): a
/// history's count has a band per instant and window for every group (a 1-second step over
/// 4 hours, 28 800 bands, almost 1 MiB a group), so there it keeps fewer groups than
/// `GROUPS_IN_MEMORY × --max-groups`, and samples the rest as past any memory bound.
pub const MAX_BAND_COUNTS: usize = 8 * 1024 * 1024;

/// How many groups of `bands` age bands each fit in [`MAX_BAND_COUNTS`] (at least one).
fn groups_within_band_budget(bands: usize) -> usize {
    (MAX_BAND_COUNTS / bands.max(1)).max(1)
}

/// Fewest busy groups a second pass may keep beyond the hash sample (see [`HeavyGroups`]),
/// whatever `--max-groups` says: with a few groups shown, the busy ones must stand out from a
/// share of the events that a scan of many paths leaves to each of them.
pub const MIN_HEAVY_GROUPS: usize = 4096;

/// The label of the group that holds the events of the groups not shown.
pub const OTHER_GROUP: &str = "(other)";

/// What to count, compiled from the SLOs that share one source.
#[derive(Debug)]
pub struct Plan {
    fields: FieldSlots,
    /// Every SLO's `filter` and `good`/`bad`, with the leaves they share evaluated once a row.
    programs: ProgramSet,
    /// Which SLOs' filters may select a row, by the value of the fields they test for equality:
    /// a row costs what it selects, not what the pass holds (see [`crate::expr::set`]).
    dispatch: Dispatch,
    /// What puts a row in some window of some SLO, one test per distinct kind: whether a row
    /// is outside every window is decided without going through the SLOs.
    window_tests: Vec<WindowTest>,
    /// How many flat counts a counter keeps (see [`SloPlan`]'s `flat`).
    flat_len: usize,
    /// How many distinct sets of age limits the SLOs have (see [`SloPlan`]'s `band_class`).
    band_classes: usize,
    timestamp_slot: usize,
    timestamp: TimestampParser,
    at: UnixNanos,
    slos: Vec<SloPlan>,
    max_groups: usize,
    strict: bool,
    /// For a history: how to tell rows apart by time (see [`Plan::track_rows_by_time`]).
    rows_by_time: Option<RowsByTime>,
    /// Reading `slo sql`'s counts instead of log rows (see [`Plan::read_counts`]).
    counts: Option<counts::CountsLayout>,
}

/// What an SLO needs counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needs {
    /// Events per age band (see the module docs).
    Ages {
        /// The age limits of the SLO's windows and lookbacks, in nanoseconds.
        limits: Vec<i64>,
        /// The age limit of its first window, whose events rank its groups.
        first_window: i64,
        /// The age limit of each of its windows, in window order: where latencies are kept.
        windows: Vec<i64>,
    },
    /// Events per time slice of `length` nanoseconds, for slice indices `first..end`.
    Slices {
        /// Slice length in nanoseconds.
        length: i64,
        /// First slice index counted.
        first: i64,
        /// One past the last slice index counted.
        end: i64,
        /// The slice indices of its first window, whose events rank its groups.
        first_window: (i64, i64),
        /// The slice indices of each of its windows, in window order: where latencies are kept.
        windows: Vec<(i64, i64)>,
    },
}

impl Needs {
    /// What counting for both `self` and `other` (another SLO read from the same rows, or the
    /// same one at other instants) needs: the age limits of both, or the slices of both.
    /// `self`'s windows stay the ones that rank groups and keep latencies.
    #[must_use]
    pub fn union(mut self, other: &Needs) -> Needs {
        match (&mut self, other) {
            (Needs::Ages { limits, .. }, Needs::Ages { limits: more, .. }) => {
                limits.extend_from_slice(more);
            }
            (
                Needs::Slices { first, end, .. },
                Needs::Slices {
                    first: more_first,
                    end: more_end,
                    ..
                },
            ) => {
                if more_first < more_end && first < end {
                    *first = (*first).min(*more_first);
                    *end = (*end).max(*more_end);
                } else if more_first < more_end {
                    (*first, *end) = (*more_first, *more_end);
                }
            }
            _ => {}
        }
        self
    }
}

/// Which of an SLO's windows hold an event, by where it is counted: one test per window, in
/// window order. An event's latency is kept in the sketch of the set of windows that hold it,
/// so that a window's percentiles merge exactly the sketches of its events, however the
/// windows overlap.
#[derive(Debug, Clone)]
enum WindowTests {
    /// The event's age is below each window's age limit.
    Ages(Vec<i64>),
    /// The event's slice is among each window's slices.
    Slices(Vec<(i64, i64)>),
}

impl WindowTests {
    /// The windows that hold an event of `age` counted in `slot`, as a bit set (bit `w` for
    /// window `w`; windows past the 64th are not told apart).
    fn holding(&self, slot: &Slot, age: i64) -> u64 {
        let bits = |tests: &mut dyn Iterator<Item = bool>| {
            tests
                .take(64)
                .enumerate()
                .fold(0u64, |mask, (w, holds)| mask | (u64::from(holds) << w))
        };
        match (self, slot) {
            (WindowTests::Ages(limits), _) => bits(&mut limits.iter().map(|&limit| age < limit)),
            (WindowTests::Slices(ranges), Slot::Slice(index)) => bits(
                &mut ranges
                    .iter()
                    .map(|(first, end)| (first..end).contains(&index)),
            ),
            (WindowTests::Slices(_), Slot::Band(_)) => 0,
        }
    }
}

/// How an SLO reads its latencies: the field, what is known of its unit, and its windows.
#[derive(Debug, Clone)]
struct LatencyPlan {
    slot: usize,
    unit: FieldUnit,
    windows: WindowTests,
    /// For a history: latencies are kept by age band or slice, which the instants' windows are
    /// made of (see [`SloTally::at_instant`]), rather than by the windows of the count's instant.
    by_slot: bool,
}

impl LatencyPlan {
    /// Where the latency of an event of `age` counted in `slot` is kept: the set of windows
    /// that hold it, or for a history its band or slice.
    fn key(&self, slot: &Slot, age: i64) -> u64 {
        match (self.by_slot, slot) {
            (false, _) => self.windows.holding(slot, age),
            (true, Slot::Band(band)) => *band as u64,
            // A slice index as its two's complement bits: a key, not a number.
            #[allow(clippy::cast_sign_loss, reason = "a key")]
            (true, Slot::Slice(index)) => *index as u64,
        }
    }
}

/// The events that rank an SLO's groups: those of its first window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FirstWindow {
    /// In the age bands `0..n`.
    Bands(usize),
    /// In the slices `first..end`.
    Slices(i64, i64),
}

impl FirstWindow {
    /// Whether an event counted in `slot` is in the first window.
    fn holds(self, slot: &Slot) -> bool {
        match (self, slot) {
            (FirstWindow::Bands(bands), Slot::Band(band)) => *band < bands,
            (FirstWindow::Slices(first, end), Slot::Slice(index)) => (first..end).contains(index),
            _ => false,
        }
    }
}

/// Where one event of an SLO is counted.
#[derive(Debug, Clone, Copy)]
enum Slot {
    Band(usize),
    Slice(i64),
}

#[derive(Debug)]
struct SloPlan {
    name: String,
    filter: ProgramId,
    judge: ProgramId,
    /// What `judge` says of a good event: true for `good:`, false for `bad:`.
    good_when: bool,
    group_slots: Vec<usize>,
    /// Distinct age limits in nanoseconds, ascending (empty for slice counting).
    age_limits: Vec<i64>,
    /// SLOs with the same age limits put a row in the same band: the index of this SLO's
    /// limits among the distinct ones of the plan, under which a counter remembers the row's
    /// band (see [`Counter`]'s `bands`); `None` for slice counting.
    band_class: Option<usize>,
    /// The slices and the index range counted, for slice counting.
    slices: Option<(TimeSlices, i64, i64)>,
    first_window: FirstWindow,
    /// In a second pass, the groups to keep beyond the hash sample.
    heavy: Option<Arc<HeavyGroups>>,
    /// The instants whose events count nowhere (`exclude`), as sorted, disjoint `[from, to)`.
    excluded: Vec<(UnixNanos, UnixNanos)>,
    /// Where latencies are read and kept, for an SLO with `latency`.
    latency: Option<LatencyPlan>,
    /// Which of the counted events the row accounting, invalid rows and latencies are about
    /// (see [`Plan::report_within`]).
    reported: Reported,
    /// For an SLO without `group_by` or `latency` that counts by age: where its bands start
    /// among the counter's flat counts (see [`Counter`]'s `flat`).
    flat: Option<usize>,
}

/// The events of a count that the report at its instant is about: all of them, or, when the
/// count also holds the earlier events of a budget trend, those its own windows would count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reported {
    /// Every event counted.
    All,
    /// Events younger than this age.
    Younger(i64),
    /// Events in the slices `first..end`.
    Slices(i64, i64),
}

impl Reported {
    fn holds(self, slot: &Slot, age: i64) -> bool {
        match (self, slot) {
            (Reported::All, _) => true,
            (Reported::Younger(limit), _) => age < limit,
            (Reported::Slices(first, end), Slot::Slice(index)) => (first..end).contains(index),
            (Reported::Slices(..), Slot::Band(_)) => false,
        }
    }
}

/// What puts a row in a window of an SLO that the report is about (see
/// [`Plan::in_some_window`]): the same for every SLO with the same windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum WindowTest {
    /// Counted by age: younger than the largest of its age limits (none: never).
    Ages {
        limit: Option<i64>,
        reported: Reported,
    },
    /// Counted by slice: in the slices `first..end`.
    Slices {
        slices: TimeSlices,
        first: i64,
        end: i64,
        reported: Reported,
    },
}

impl WindowTest {
    /// The distinct tests of `slos`.
    fn of(slos: &[SloPlan]) -> Vec<WindowTest> {
        let mut tests = Vec::new();
        for slo in slos {
            let test = match slo.slices {
                Some((slices, first, end)) => WindowTest::Slices {
                    slices,
                    first,
                    end,
                    reported: slo.reported,
                },
                None => WindowTest::Ages {
                    limit: slo.age_limits.last().copied(),
                    reported: slo.reported,
                },
            };
            if !tests.contains(&test) {
                tests.push(test);
            }
        }
        tests
    }

    /// `slot_for(time, age)` is `Some(slot)` and `reported` holds it, as for an SLO of this
    /// test.
    fn holds(&self, time: UnixNanos, age: i64) -> bool {
        match *self {
            WindowTest::Ages { limit, reported } => {
                limit.is_some_and(|limit| (0..limit).contains(&age))
                    && reported.holds(&Slot::Band(0), age)
            }
            WindowTest::Slices {
                slices,
                first,
                end,
                reported,
            } => {
                let index = slices.containing(time);
                (first..end).contains(&index) && reported.holds(&Slot::Slice(index), age)
            }
        }
    }
}

impl SloPlan {
    /// Whether an event at `time` lies in one of the SLO's exclusions.
    fn is_excluded(&self, time: UnixNanos) -> bool {
        // The last interval starting at or before `time` is the only one that can hold it.
        let after = self.excluded.partition_point(|(from, _)| *from <= time);
        after > 0 && time < self.excluded[after - 1].1
    }

    #[inline]
    fn slot_for(&self, time: UnixNanos, age: i64) -> Option<Slot> {
        if let Some((slices, first, end)) = self.slices {
            let index = slices.containing(time);
            return (first..end).contains(&index).then_some(Slot::Slice(index));
        }
        if age < 0 {
            return None;
        }
        // A history's count has a band per instant and window: search those by halves.
        let band = if self.age_limits.len() > 16 {
            self.age_limits.partition_point(|&limit| limit <= age)
        } else {
            self.age_limits
                .iter()
                .position(|&limit| age < limit)
                .unwrap_or(self.age_limits.len())
        };
        (band < self.age_limits.len()).then_some(Slot::Band(band))
    }
}

impl Plan {
    /// Compiles the SLOs' expressions against one [`FieldSlots`], for logs read as `format`;
    /// `needs[i]` says what SLO `i` needs counted.
    ///
    /// # Errors
    ///
    /// An expression that does not compile against the fields, or whose units cannot fit in
    /// logs of `format` (a message naming the SLO and key).
    pub fn new(
        slos: &[&Slo],
        needs: &[Needs],
        timestamp: &TimestampSpec,
        format: &InputFormat,
        at: UnixNanos,
        max_groups: usize,
        strict: bool,
    ) -> Result<Plan, String> {
        let mut fields = FieldSlots::default();
        let timestamp_slot = fields.slot(&timestamp.field);
        let mut programs = ProgramSet::new();
        let mut plans = Vec::with_capacity(slos.len());
        for (slo, needs) in slos.iter().zip(needs) {
            let units = |field: &FieldPath| slo.source.field_unit(format, field);
            let compile = |fields: &mut FieldSlots, key: &str, condition: &Condition| {
                Program::compile_with_units(&condition.expr, fields, &units).map_err(|e| {
                    let context = format!("SLO {}: in `{key}`", slo.name);
                    condition.problem(&context, e.offset, &e.message)
                })
            };
            let filter = match &slo.filter {
                Some(condition) => compile(&mut fields, "filter", condition)?,
                None => Program::always(),
            };
            let (judge, good_when) = match &slo.judgement {
                Judgement::Good(c) => (compile(&mut fields, "good", c)?, true),
                Judgement::Bad(c) => (compile(&mut fields, "bad", c)?, false),
            };
            let (filter, judge) = (programs.add(&filter), programs.add(&judge));
            let group_slots = slo.group_by.iter().map(|path| fields.slot(path)).collect();
            let (age_limits, slices, first_window, window_tests) = match needs {
                Needs::Ages {
                    limits,
                    first_window,
                    windows,
                } => {
                    let mut limits = limits.clone();
                    limits.sort_unstable();
                    limits.dedup();
                    let bands = limits.partition_point(|limit| limit <= first_window);
                    (
                        limits,
                        None,
                        FirstWindow::Bands(bands),
                        WindowTests::Ages(windows.clone()),
                    )
                }
                Needs::Slices {
                    length,
                    first,
                    end,
                    first_window: (from, to),
                    windows,
                } => (
                    Vec::new(),
                    Some((TimeSlices::new(*length), *first, *end)),
                    FirstWindow::Slices(*from, *to),
                    WindowTests::Slices(windows.clone()),
                ),
            };
            let latency = slo.latency.as_ref().map(|latency| LatencyPlan {
                slot: fields.slot(&latency.field),
                unit: latency.field_unit(&slo.source, format),
                windows: window_tests,
                by_slot: false,
            });
            plans.push(SloPlan {
                name: slo.name.clone(),
                filter,
                judge,
                good_when,
                group_slots,
                age_limits,
                band_class: None,
                slices,
                first_window,
                heavy: None,
                excluded: excluded_intervals(&slo.exclude),
                latency,
                reported: Reported::All,
                flat: None,
            });
        }
        let mut band_classes: Vec<&[i64]> = Vec::new();
        let classes: Vec<Option<usize>> = plans
            .iter()
            .map(|slo| {
                slo.slices.is_none().then(|| {
                    let limits = slo.age_limits.as_slice();
                    band_classes
                        .iter()
                        .position(|c| *c == limits)
                        .unwrap_or_else(|| {
                            band_classes.push(limits);
                            band_classes.len() - 1
                        })
                })
            })
            .collect();
        let band_classes = band_classes.len();
        for (slo, class) in plans.iter_mut().zip(classes) {
            slo.band_class = class;
        }
        let mut flat_len = 0;
        for slo in &mut plans {
            if slo.group_slots.is_empty() && slo.latency.is_none() && slo.slices.is_none() {
                slo.flat = Some(flat_len);
                flat_len += slo.age_limits.len();
            }
        }
        let filters: Vec<ProgramId> = plans.iter().map(|slo| slo.filter).collect();
        let dispatch = programs.dispatch(&filters);
        let window_tests = WindowTest::of(&plans);
        Ok(Plan {
            fields,
            programs,
            dispatch,
            window_tests,
            flat_len,
            band_classes,
            timestamp_slot,
            timestamp: TimestampParser::new(timestamp.format.clone(), timestamp.zone),
            at,
            slos: plans,
            max_groups,
            strict,
            rows_by_time: None,
            counts: None,
        })
    }

    /// Makes the tallies of this plan keep the rows in some window by time and by the SLOs
    /// that selected them, for a history's accounting at each instant; with more SLOs than
    /// [`MAX_TRACKED_SLOS`] they do not.
    pub fn track_rows_by_time(&mut self, rows: RowsByTime) {
        if self.slos.len() <= MAX_TRACKED_SLOS {
            self.rows_by_time = Some(rows);
        }
    }

    /// For a plan made with more than the report needs (a budget trend's earlier events, see
    /// [`trend_needs`](crate::evaluate::trend_needs)): accounts for rows, invalid rows and
    /// latencies as a count with `report[i]` for SLO `i` would, so that only the counts per
    /// band or slice hold the earlier events.
    pub fn report_within(&mut self, report: &[Needs]) {
        for (slo, needs) in self.slos.iter_mut().zip(report) {
            slo.reported = match needs {
                Needs::Ages { limits, .. } => {
                    Reported::Younger(limits.iter().copied().max().unwrap_or(0))
                }
                Needs::Slices { first, end, .. } => Reported::Slices(*first, *end),
            };
        }
        self.window_tests = WindowTest::of(&self.slos);
    }

    /// Makes the tallies of this plan keep latencies by age band or slice, for a history,
    /// whose instants' windows are runs of them (see [`SloTally::at_instant`]).
    pub fn keep_latency_by_slot(&mut self) {
        for latency in self.slos.iter_mut().filter_map(|slo| slo.latency.as_mut()) {
            latency.by_slot = true;
        }
    }

    /// The fields to read from each row.
    pub fn fields(&self) -> &FieldSlots {
        &self.fields
    }

    /// Whether a row at `time`, of `age` at the evaluation instant, lies in some window (or
    /// lookback) of some SLO that the report is about: [`SloPlan::slot_for`] is `Some` for one
    /// of them, and its `reported` holds that slot.
    fn in_some_window(&self, time: UnixNanos, age: i64) -> bool {
        self.window_tests.iter().any(|test| test.holds(time, age))
    }

    /// An empty tally for this plan.
    pub fn tally(&self) -> Tally {
        Tally {
            inputs: InputCounts::default(),
            slos: self
                .slos
                .iter()
                .map(|slo| SloTally {
                    groups: GroupMap::default(),
                    ungrouped: None,
                    other: None,
                    sample_level: slo.heavy.as_ref().map_or(0, |heavy| heavy.sample_level),
                    outside: match &slo.heavy {
                        None => Outside::Sketched(None),
                        Some(heavy) => Outside::Admitted(Admitted {
                            heavy: Arc::clone(heavy),
                            raised: 0,
                            groups: 0,
                            bytes: 0,
                            left_out: 0,
                        }),
                    },
                    max_kept: self
                        .max_groups
                        .saturating_mul(GROUPS_IN_MEMORY)
                        .min(groups_within_band_budget(slo.age_limits.len())),
                    max_heavy: self
                        .max_groups
                        .saturating_mul(GROUPS_IN_MEMORY)
                        .max(MIN_HEAVY_GROUPS)
                        .min(groups_within_band_budget(slo.age_limits.len())),
                    fields: slo.group_slots.len(),
                    max_shown: self.max_groups,
                    group_bytes: 0,
                    limits: slo.age_limits.clone(),
                    first_window: slo.first_window,
                    invalid_rows: 0,
                    first_invalid: None,
                })
                .collect(),
            rows_by_time: self.rows_by_time.clone(),
        }
    }

    /// Makes this plan one for a second pass over the logs that a first pass of it counted:
    /// each SLO keeps, beyond the groups its hash sample keeps, the busy groups that `heavy`
    /// (from [`Tally::heavy_groups`] of the first pass) names.
    pub fn keep_heavy_groups(&mut self, heavy: HeavyGroupsPerSlo) {
        for (slo, heavy) in self.slos.iter_mut().zip(heavy.0) {
            slo.heavy = heavy;
        }
    }

    /// A sink that counts the rows of `input` (the `input_index`-th log read) into a tally
    /// of its own; see [`Counter::into_tally`].
    pub fn counter<'a>(&'a self, input: &'a LogInput, input_index: usize) -> Counter<'a> {
        Counter {
            plan: self,
            input,
            input_index,
            tally: self.tally(),
            group_key: Vec::with_capacity(64),
            pending: Vec::with_capacity(PENDING),
            pending_keys: Vec::with_capacity(PENDING_KEY_BYTES),
            minutes: MinuteCache::default(),
            memo: self.programs.memo(),
            strict_error: None,
            flat: vec![Counts::default(); self.flat_len],
            bands: vec![(0, BAND_NONE); self.band_classes],
            band_row: 0,
        }
    }
}

/// Event counts for one group in one age band (or, summed, one window).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Valid events.
    pub total: u64,
    /// Good events among them.
    pub good: u64,
    /// Rows selected (or not ruled out) by the filter but invalid for the SLO.
    pub invalid: u64,
    /// Rows selected (or not ruled out) by the filter whose time lies in one of the SLO's
    /// exclusions: neither events nor invalid.
    pub excluded: u64,
}

impl Counts {
    /// Adds another count. Rows cannot reach 2⁶⁴, but counts read from `slo sql`'s result
    /// (`--input-format counts`) are numbers someone wrote: past `u64::MAX` they stop there
    /// rather than wrap (each record is also capped, see `counts.rs`).
    pub fn add(&mut self, other: &Counts) {
        self.total = self.total.saturating_add(other.total);
        self.good = self.good.saturating_add(other.good);
        self.invalid = self.invalid.saturating_add(other.invalid);
        self.excluded = self.excluded.saturating_add(other.excluded);
    }

    /// The counts of `self` not in `earlier`, which they include.
    pub fn since(&self, earlier: &Counts) -> Counts {
        Counts {
            total: self.total - earlier.total,
            good: self.good - earlier.good,
            invalid: self.invalid - earlier.invalid,
            excluded: self.excluded - earlier.excluded,
        }
    }
}

/// How the rows of all inputs were accounted for:
/// `rows = malformed + outside_windows + unselected + excluded + matched`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InputCounts {
    /// Data rows read (header rows and blank lines excluded).
    pub rows: u64,
    /// Rows that could not be read, or whose timestamp could not be parsed.
    pub malformed: u64,
    /// Readable rows whose time lies in no window of any SLO (older, or after the instant).
    pub outside_windows: u64,
    /// Rows inside some window that no SLO's filter selects.
    pub unselected: u64,
    /// Rows that some SLO selects inside its windows but whose time lies in one of its
    /// exclusions, and that are no other SLO's event (nor invalid for one).
    pub excluded: u64,
    /// Rows that are an event of at least one SLO, or invalid for one.
    pub matched: u64,
    /// The first few malformed rows: where and why.
    pub first_malformed: Vec<RowProblem>,
    /// The latest valid timestamp seen.
    pub latest: Option<UnixNanos>,
    /// The earliest valid timestamp seen.
    pub earliest: Option<UnixNanos>,
}

/// A row that could not be used, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// The position of its log among the logs read, for ordering problems.
    pub input_index: usize,
    /// The log it came from.
    pub input: String,
    /// Its line.
    pub line: u64,
    /// Why it could not be used.
    pub reason: String,
}

/// Counts for one SLO, per group.
#[derive(Debug, Clone)]
pub struct SloTally {
    groups: GroupMap,
    /// The one group of an SLO without `group_by`, kept out of the map: no hashing per row.
    ungrouped: Option<GroupTally>,
    /// The events of groups not kept: sampled out while reading, or folded afterwards.
    other: Option<GroupTally>,
    /// Groups are kept while reading when the top `sample_level` bits of their key's hash are
    /// zero: all of them at 0, half at 1, … (see the module docs).
    sample_level: u32,
    /// What becomes of the groups outside the sample.
    outside: Outside,
    /// Most groups kept in memory by the sample.
    max_kept: usize,
    /// Most busy groups a second pass keeps beyond the sample.
    max_heavy: usize,
    /// The number of `group_by` fields.
    fields: usize,
    /// Most groups shown.
    max_shown: usize,
    /// The length of all group keys.
    group_bytes: usize,
    limits: Vec<i64>,
    first_window: FirstWindow,
    /// Rows invalid for this SLO (in any window).
    pub invalid_rows: u64,
    /// The first such row.
    pub first_invalid: Option<RowProblem>,
}

/// Counts per time slice index (see [`TimeSlices`]).
pub type SliceCounts = HashMap<i64, Counts, BuildHasherDefault<FxHasher>>;

/// One group's values and its counts per age band or per time slice.
#[derive(Debug, Clone)]
pub struct GroupTally {
    /// The group's field values; `None` where the row lacked the field. Filled in by
    /// [`SloTally::fold_groups`] once reading is done: while reading, the group's key holds
    /// them, and keeping them twice would double the memory that labels take.
    pub values: Vec<Option<String>>,
    /// For the `(other)` group, how many groups it holds; `None` for a group of its own.
    /// Boxed, like every field but the bands: a grouped SLO reads and writes the map entry of
    /// a group for every row, and with many groups the entries must stay small to stay in
    /// cache.
    pub folded: Option<Box<Folded>>,
    bands: Box<[Counts]>,
    /// Counts per time slice; `None` until a slice is counted (an SLO counted by age).
    slices: Option<Box<SliceCounts>>,
    /// Latencies of the group's events, by the set of windows that hold them (a bit per
    /// window, see [`WindowTests`]), or in a history's count by band or slice; empty for an SLO
    /// without `latency`. Boxed, so that a group of an SLO without `latency` pays a pointer.
    latency: Option<Box<FxHashMap<u64, LatencySketch>>>,
}

/// How many distinct groups the `(other)` group of an SLO holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Folded {
    /// The number of groups: exact, or an estimate when there were more than could be kept
    /// in memory.
    pub groups: u64,
    /// Whether `groups` is an estimate (distinct groups sampled out while reading are not
    /// counted one by one; their number is estimated from the share of hashes kept).
    pub estimated: bool,
    /// How many groups are shown beside `(other)`.
    pub shown: u64,
    /// The groups shown are always the busiest of all (by events in the first window, ties by
    /// value). `None` when they fill the `--max-groups` places; otherwise, past the memory
    /// bound, the rest of the places would go to groups that cannot be ranked exactly, and
    /// this is the most first-window events any group in `(other)` has: every group shown has
    /// more.
    pub passed_over: Option<u64>,
}

/// What becomes of the groups an SLO's hash sample leaves out (see the module docs).
#[derive(Debug, Clone)]
enum Outside {
    /// A first pass: their first-window events are summed by key hash, in a sketch made when
    /// sampling begins.
    Sketched(Option<Box<CountMinSketch>>),
    /// A second pass: those whose sketched events reach a threshold are kept as well.
    Admitted(Admitted),
}

/// The groups a second pass keeps beyond the hash sample.
#[derive(Debug, Clone)]
struct Admitted {
    heavy: Arc<HeavyGroups>,
    /// The threshold is `heavy.threshold × 2^raised`: raised while the groups over it do not
    /// fit in memory, which only a sketch far fuller than it was made for can cause.
    raised: u32,
    /// Groups kept because they are over the threshold, not in the sample.
    groups: usize,
    /// The length of their keys.
    bytes: usize,
    /// The largest estimate of a group left out (neither sampled nor over the threshold), which
    /// bounds the events of every group left out.
    left_out: u64,
}

impl Admitted {
    /// The fewest sketched events that keep a group outside the sample; `None` once raised so
    /// far that it keeps none.
    fn threshold(&self) -> Option<u64> {
        let scale = 1u64.checked_shl(self.raised)?;
        self.heavy.threshold.checked_mul(scale)
    }

    /// Whether the group whose key has `hash` is over the threshold.
    fn admits(&self, hash: u64) -> bool {
        self.threshold()
            .is_some_and(|threshold| self.heavy.sketch.estimate(hash) >= threshold)
    }
}

/// From a first pass in which an SLO's groups did not all fit in memory: the busy groups that a
/// second pass over the same logs keeps beyond the hash sample, so that they are counted
/// exactly and can be shown.
///
/// A group outside the sample is kept when its first-window events, as the first pass's sketch
/// estimates them (never below the truth), reach `threshold`: the larger of the
/// `--max-groups`-th largest count among the groups sampled (a group with fewer events is
/// outranked by that many groups, and never shown) and `1 / H` of the SLO's first-window
/// events, where `H = max(GROUPS_IN_MEMORY × --max-groups, MIN_HEAVY_GROUPS)`. So every group
/// with at least `threshold` events is kept and ranked: when the `--max-groups`-th group shown
/// has more events than any group left out can have, no group in `(other)` is busier than one
/// shown ([`Folded::passed_over`] is `None`). At most `H` groups have `1 / H` of the events, so
/// the groups kept beyond the sample take at most `H` groups and [`MAX_GROUP_BYTES`] of values;
/// should the sketch's errors let in more than that (or a few long values more bytes), the
/// threshold doubles until they fit, and the guarantee weakens to the higher threshold.
#[derive(Debug)]
pub struct HeavyGroups {
    /// The first pass's sketch of the groups it left out.
    sketch: CountMinSketch,
    /// The first pass's final sample level: the second keeps the same sample.
    sample_level: u32,
    threshold: u64,
}

/// [`HeavyGroups`] for each SLO of a plan (`None` for an SLO that needs no second pass).
#[derive(Debug)]
pub struct HeavyGroupsPerSlo(Vec<Option<Arc<HeavyGroups>>>);

impl HeavyGroupsPerSlo {
    /// Whether SLO `index` of the plan needs a second pass.
    pub fn wanted(&self, index: usize) -> bool {
        self.0.get(index).is_some_and(Option::is_some)
    }
}

/// Where a group not yet in memory goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Keep {
    /// In a group of its own, in the hash sample.
    Sampled,
    /// In a group of its own, as a busy group outside the sample (second pass).
    Admitted,
    /// In `(other)`.
    No,
}

impl GroupTally {
    /// A group of `values` with nothing counted in its `bands` age bands.
    pub(crate) fn new(values: Vec<Option<String>>, bands: usize) -> GroupTally {
        GroupTally {
            values,
            folded: None,
            bands: vec![Counts::default(); bands].into_boxed_slice(),
            slices: None,
            latency: None,
        }
    }

    /// Keeps the latency of an event under `key` (see [`LatencyPlan::key`]).
    fn record_latency(&mut self, key: u64, nanos: f64) {
        self.latency
            .get_or_insert_with(Box::default)
            .entry(key)
            .or_default()
            .add(nanos);
    }

    /// The latencies of the group's events in window `window` (its index among the SLO's
    /// windows).
    pub fn latency_in(&self, window: usize) -> LatencySketch {
        let mut merged = LatencySketch::default();
        // Merging adds integer counts: the same whatever the order of the map.
        for (windows, sketch) in self.latency.iter().flat_map(|map| map.iter()) {
            if window < 64 && windows & (1 << window) != 0 {
                merged.merge(sketch);
            }
        }
        merged
    }

    /// Counts one row in the band or slice `slot`, and keeps the latency of an event, held by
    /// the windows of a bit set, when its SLO reads one.
    #[inline(always)]
    fn count(&mut self, slot: &Slot, outcome: &RowJudgement, latency: Option<(u64, f64)>) {
        if let Some((key, nanos)) = latency {
            self.record_latency(key, nanos);
        }
        let counts = match *slot {
            Slot::Band(band) => &mut self.bands[band],
            Slot::Slice(index) => self.slice_mut(index),
        };
        match outcome {
            RowJudgement::Event { good } => {
                counts.total += 1;
                counts.good += u64::from(*good);
            }
            RowJudgement::Invalid(_) => counts.invalid += 1,
            RowJudgement::Excluded => counts.excluded += 1,
        }
    }

    /// Adds `delta` to the band or slice `slot`: many events at once (read from counts).
    fn count_many(&mut self, slot: &Slot, delta: &Counts) {
        match *slot {
            Slot::Band(band) => self.bands[band].add(delta),
            Slot::Slice(index) => self.slice_mut(index).add(delta),
        }
    }

    fn add(&mut self, other: &GroupTally) {
        for (a, b) in self.bands.iter_mut().zip(&other.bands) {
            a.add(b);
        }
        for (index, counts) in other.slices() {
            self.slice_mut(*index).add(counts);
        }
        if let Some(theirs) = &other.latency {
            let mine = self.latency.get_or_insert_with(Box::default);
            for (key, sketch) in theirs.iter() {
                mine.entry(*key).or_default().merge(sketch);
            }
        }
    }

    /// Asks for the memory of the group's counts by band (see `GroupMap::prefetch_contents`).
    fn prefetch_counts(&self) {
        prefetch_index::prefetch_index(&self.bands, 0);
    }

    /// Asks for the memory that evaluating the group reads first: its counts by band and the
    /// list of its values. Only a hint (see `GroupMap`): with many groups, evaluating them in
    /// the order of their values reads each from wherever it lies, and each waited for memory.
    pub fn prefetch_for_evaluation(&self) {
        self.prefetch_counts();
        prefetch_index::prefetch_index(&self.values, 0);
    }

    /// Counts per time slice index, for slices that saw rows (slice counting only).
    pub fn slices(&self) -> &SliceCounts {
        static NONE: SliceCounts = HashMap::with_hasher(BuildHasherDefault::new());
        self.slices.as_deref().unwrap_or(&NONE)
    }

    /// The counts of slice `index`, made on first use.
    fn slice_mut(&mut self, index: i64) -> &mut Counts {
        self.slices
            .get_or_insert_with(Box::default)
            .entry(index)
            .or_default()
    }
}

impl SloTally {
    /// The groups seen, in no particular order, `(other)` among them when some were folded.
    pub fn groups(&self) -> impl Iterator<Item = &GroupTally> {
        self.groups
            .values()
            .chain(self.ungrouped.iter())
            .chain(self.other.iter())
    }

    /// A group with no counts, for reporting an ungrouped SLO that saw no events.
    pub fn empty_group(&self, fields: usize) -> GroupTally {
        GroupTally::new(vec![None; fields], self.limits.len())
    }

    /// The events (valid or invalid) of `group` in the SLO's first window: what ranks groups.
    pub fn first_window_events(&self, group: &GroupTally) -> u64 {
        let sum = |counts: &Counts| counts.total + counts.invalid;
        match self.first_window {
            FirstWindow::Bands(bands) => group.bands.iter().take(bands).map(sum).sum(),
            FirstWindow::Slices(first, end) => group
                .slices()
                .iter()
                .filter(|(index, _)| (first..end).contains(*index))
                .map(|(_, counts)| sum(counts))
                .sum(),
        }
    }

    /// The `(other)` group, made on first use.
    fn other(&mut self) -> &mut GroupTally {
        let bands = self.limits.len();
        self.other
            .get_or_insert_with(|| GroupTally::new(Vec::new(), bands))
    }

    /// Where the group whose key has `hash` goes.
    fn keep(&self, hash: u64) -> Keep {
        if kept_at(hash, self.sample_level) {
            Keep::Sampled
        } else if matches!(&self.outside, Outside::Admitted(admitted) if admitted.admits(hash)) {
            Keep::Admitted
        } else {
            Keep::No
        }
    }

    /// The groups kept because they are busy, not in the sample, and the length of their keys.
    fn admitted(&self) -> (usize, usize) {
        match &self.outside {
            Outside::Admitted(admitted) => (admitted.groups, admitted.bytes),
            Outside::Sketched(_) => (0, 0),
        }
    }

    /// Counts a row of the group with the new key `key` in the band or slice `slot`: in a group
    /// of its own when the group is kept and keeping it leaves the kept groups within bounds,
    /// else in `(other)`.
    fn count_new(
        &mut self,
        key: &[u8],
        slot: &Slot,
        outcome: &RowJudgement,
        latency: Option<(u64, f64)>,
    ) {
        self.group_for(key, slot, 1).count(slot, outcome, latency);
    }

    /// The group to count `events` events (valid or invalid) of the group with the key `key`
    /// in, counted in the band or slice `slot`: the group's own when it is kept, or kept now
    /// and keeping it leaves the kept groups within bounds; else `(other)`.
    fn group_for(&mut self, key: &[u8], slot: &Slot, events: u64) -> &mut GroupTally {
        if self.groups.contains_key(key) {
            return self.groups.get_mut(key).expect("just found");
        }
        // Before sampling begins every group is kept: no hashing.
        let hash = (self.sample_level > 0).then(|| key_hash(key));
        let keep = hash.map_or(Keep::Sampled, |hash| self.keep(hash));
        if keep != Keep::No {
            let bands = self.limits.len();
            self.insert(key.into(), GroupTally::new(Vec::new(), bands), keep);
            self.shrink();
            if self.groups.contains_key(key) {
                return self.groups.get_mut(key).expect("just found");
            }
        }
        if self.first_window.holds(slot) {
            self.left_out(hash.unwrap_or_else(|| key_hash(key)), events);
        }
        self.other()
    }

    /// Keeps `group` under `key`, as `keep` says (not [`Keep::No`]).
    fn insert(&mut self, key: Box<[u8]>, group: GroupTally, keep: Keep) {
        self.group_bytes += key.len();
        if let (Keep::Admitted, Outside::Admitted(admitted)) = (keep, &mut self.outside) {
            admitted.groups += 1;
            admitted.bytes += key.len();
        }
        self.groups.insert_new(key, group);
    }

    /// Notes `events` first-window events of the group whose key has `hash`, left out of
    /// memory: a first pass adds them to the sketch (made on first use); a second notes how
    /// busy the sketch says the group may be.
    fn left_out(&mut self, hash: u64, events: u64) {
        if events == 0 {
            return;
        }
        match &mut self.outside {
            Outside::Sketched(sketch) => sketch
                .get_or_insert_with(|| Box::new(CountMinSketch::new(self.max_heavy)))
                .add(hash, events),
            Outside::Admitted(admitted) => {
                admitted.left_out = admitted.left_out.max(admitted.heavy.sketch.estimate(hash));
            }
        }
    }

    /// Folds a group left out of memory, whose key has `hash`, into `(other)`, and notes it
    /// (see [`SloTally::left_out`]).
    fn fold_out(&mut self, hash: u64, group: &GroupTally) {
        let events = self.first_window_events(group);
        self.left_out(hash, events);
        self.fold(group);
    }

    /// Moves the groups with `keys` out of the map and into `(other)`.
    fn fold_away(&mut self, keys: Vec<Box<[u8]>>) {
        for key in keys {
            if let Some(group) = self.groups.remove(&key) {
                self.group_bytes -= key.len();
                self.fold(&group);
            }
        }
    }

    /// Adds a group's counts to `(other)`.
    fn fold(&mut self, group: &GroupTally) {
        self.other().add(group);
    }

    /// Halves the share of key hashes kept until the groups of the sample fit in memory, then
    /// (in a second pass) raises the threshold until the busy groups kept beyond it fit too;
    /// the groups left out are folded into `(other)`.
    fn shrink(&mut self) {
        loop {
            let (admitted, admitted_bytes) = self.admitted();
            if self.groups.len() - admitted <= self.max_kept
                && self.group_bytes - admitted_bytes <= MAX_GROUP_BYTES
            {
                break;
            }
            self.raise_sample_level(self.sample_level + 1);
        }
        loop {
            let (admitted, admitted_bytes) = self.admitted();
            if admitted <= self.max_heavy && admitted_bytes <= MAX_GROUP_BYTES {
                break;
            }
            if let Outside::Admitted(admitted) = &mut self.outside {
                admitted.raised += 1;
            }
            self.sort_out();
        }
    }

    /// Keeps only the groups whose hash is kept at `level` (or, in a second pass, that are busy
    /// enough), folding the others.
    fn raise_sample_level(&mut self, level: u32) {
        if level <= self.sample_level {
            return;
        }
        self.sample_level = level;
        self.sort_out();
    }

    /// Sorts the groups in memory out again after the sample level or the threshold rose:
    /// counts those kept beyond the sample and folds those no longer kept.
    fn sort_out(&mut self) {
        let mut dropped = Vec::new();
        let (mut admitted, mut admitted_bytes) = (0, 0);
        for key in self.groups.keys() {
            let hash = key_hash(key);
            match self.keep(hash) {
                Keep::Sampled => {}
                Keep::Admitted => {
                    admitted += 1;
                    admitted_bytes += key.len();
                }
                Keep::No => dropped.push((Box::<[u8]>::from(key), hash)),
            }
        }
        if let Outside::Admitted(state) = &mut self.outside {
            state.groups = admitted;
            state.bytes = admitted_bytes;
        }
        for (key, hash) in dropped {
            if let Some(group) = self.groups.remove(&key) {
                self.group_bytes -= key.len();
                self.fold_out(hash, &group);
            }
        }
    }

    /// The most first-window events that a group neither sampled nor (in a second pass) kept as
    /// busy can have.
    fn left_out_bound(&self) -> u64 {
        match &self.outside {
            Outside::Sketched(sketch) => sketch.as_ref().map_or(0, |sketch| sketch.bound()),
            // A group's estimate is never below its count.
            Outside::Admitted(admitted) => admitted.left_out,
        }
    }

    /// After a first pass: whether this SLO's groups call for a second pass, and what it must
    /// keep (see [`HeavyGroups`]). `None` when every group was kept, or when the sketch shows
    /// that no group left out is busy enough to be shown.
    fn heavy_groups(&self) -> Option<HeavyGroups> {
        if self.sample_level == 0 {
            return None;
        }
        let Outside::Sketched(Some(sketch)) = &self.outside else {
            return None;
        };
        let mut events: Vec<u64> = self
            .groups
            .values()
            .map(|group| self.first_window_events(group))
            .collect();
        let all = events.iter().sum::<u64>()
            + self
                .other
                .as_ref()
                .map_or(0, |other| self.first_window_events(other));
        // The events of the --max-groups-th busiest group sampled: a group with fewer is
        // outranked by as many sampled groups, and is never shown.
        let least_shown = match self.max_shown.checked_sub(1) {
            Some(nth) if nth < events.len() => {
                *events.select_nth_unstable_by(nth, |a, b| b.cmp(a)).1
            }
            _ => 0,
        };
        let share = all.div_ceil(self.max_heavy as u64);
        let threshold = least_shown.max(share).max(1);
        (sketch.bound() >= threshold).then(|| HeavyGroups {
            sketch: (**sketch).clone(),
            sample_level: self.sample_level,
            threshold,
        })
    }

    /// Once reading is done (and before evaluating): keeps the `--max-groups` groups with the
    /// most events in the first window (ties broken by their values, so the choice is the same
    /// on every run), folds the others into `(other)`, and gives each group its values. Returns
    /// the `(other)` group's size, if there is one.
    ///
    /// Past the memory bound some groups were never counted one by one, and all that is known
    /// of them is the most first-window events any of them can have (`left_out`). A group kept
    /// with no more than that might be outranked by one of them, or tie with one of a lower
    /// value, so it is not shown either: the groups shown are always the first ones of the
    /// exact order (events, then value), and when that leaves places empty
    /// [`Folded::passed_over`] says how busy the groups folded instead can be.
    pub fn fold_groups(&mut self) -> Option<Folded> {
        let kept = self.groups.len();
        let sampled = kept - self.admitted().0;
        let left_out = self.left_out_bound();
        if kept > self.max_shown || self.sample_level > 0 {
            // (events, values, key) of every group kept.
            let mut ranked: Vec<_> = self
                .groups
                .iter()
                .map(|(key, group)| {
                    (
                        self.first_window_events(group),
                        decode_group_key(key, self.fields),
                        key,
                    )
                })
                .collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let rankable = if self.sample_level > 0 {
                ranked.partition_point(|(events, _, _)| *events > left_out)
            } else {
                ranked.len()
            };
            let dropped: Vec<Box<[u8]>> = ranked
                .iter()
                .skip(self.max_shown.min(rankable))
                .map(|(_, _, key)| Box::from(*key))
                .collect();
            self.fold_away(dropped);
        }
        for (key, group) in self.groups.iter_mut() {
            group.values = decode_group_key(key, self.fields);
        }
        let shown = self.groups.len();
        let sample_level = self.sample_level;
        let max_shown = self.max_shown;
        let other = self.other.as_mut()?;
        let folded = if sample_level == 0 {
            Folded {
                groups: (kept - shown) as u64,
                estimated: false,
                shown: shown as u64,
                passed_over: None,
            }
        } else {
            // Sampled out at level L, a group had a 1 − 2^−L chance to be: the groups of the
            // sample stand for about 2^L times as many (the busy groups kept beyond the sample
            // are among those).
            let scale = 1u64.checked_shl(sample_level).unwrap_or(u64::MAX);
            let all = (sampled as u64).saturating_mul(scale).max(kept as u64);
            Folded {
                // `(other)` holds a group at least, though the sample may keep none of its
                // kind (a value bigger than the memory bound is in no sample).
                groups: (all - shown as u64).max(1),
                estimated: true,
                shown: shown as u64,
                passed_over: (shown < max_shown).then_some(left_out),
            }
        };
        other.folded = Some(Box::new(folded));
        Some(folded)
    }

    /// Folds, as [`SloTally::fold_groups`] does, every group but those that `shown` (the same
    /// count at another window, already folded) shows, so that figures of this window (a
    /// chart's events per step) stand beside those of every group shown there, and only
    /// those; `(other)` takes `shown`'s fold.
    pub fn fold_like(&mut self, shown: &SloTally) {
        let dropped: Vec<Box<[u8]>> = self
            .groups
            .keys()
            .filter(|key| !shown.groups.contains_key(key))
            .map(Box::from)
            .collect();
        let folded_here = dropped.len() as u64;
        self.fold_away(dropped);
        for (key, group) in self.groups.iter_mut() {
            group.values = decode_group_key(key, self.fields);
        }
        let shown_here = self.groups.len() as u64;
        let sampled = self.sample_level > 0;
        if let Some(other) = &mut self.other {
            // Groups with no row in `shown`'s windows are not in it, but may be here.
            other.folded = shown
                .other
                .as_ref()
                .and_then(|o| o.folded.clone())
                .or_else(|| {
                    Some(Box::new(Folded {
                        groups: folded_here,
                        estimated: sampled,
                        shown: shown_here,
                        passed_over: None,
                    }))
                });
        }
    }

    /// How many groups it holds one by one (not `(other)`, nor the group of an SLO without
    /// `group_by`).
    pub fn kept_groups(&self) -> usize {
        self.groups.len()
    }

    /// Whether groups were sampled while counting (more than could be kept in memory): then
    /// which groups were kept depends on every group counted.
    pub fn sampled(&self) -> bool {
        self.sample_level > 0
    }

    /// Forgets the groups that hold no row that a count with `report` would have counted, so
    /// that a count that also holds a budget trend's earlier events (see
    /// [`Plan::report_within`]) has the groups of one without them. Before
    /// [`SloTally::fold_groups`].
    pub fn retain_reported(&mut self, report: &Needs) {
        let rows = |counts: &Counts| counts.total + counts.invalid + counts.excluded;
        let reported = |group: &GroupTally| match report {
            Needs::Ages { limits, .. } => {
                let limit = limits.iter().copied().max().unwrap_or(0);
                group
                    .bands
                    .iter()
                    .zip(&self.limits)
                    .take_while(|(_, &band_limit)| band_limit <= limit)
                    .any(|(counts, _)| rows(counts) > 0)
            }
            Needs::Slices { first, end, .. } => group
                .slices()
                .iter()
                .any(|(index, counts)| (*first..*end).contains(index) && rows(counts) > 0),
        };
        self.groups.retain(reported);
        // What the map holds changed: so did the groups kept beyond the sample, and their keys.
        self.group_bytes = self.groups.keys().map(|key| key.len()).sum();
        let level = self.sample_level;
        let (admitted, admitted_bytes) = self
            .groups
            .keys()
            .filter(|key| !kept_at(key_hash(key), level))
            .fold((0, 0), |(n, bytes), key| (n + 1, bytes + key.len()));
        if let Outside::Admitted(state) = &mut self.outside {
            state.groups = admitted;
            state.bytes = admitted_bytes;
        }
        if !self.ungrouped.as_ref().is_some_and(reported) {
            self.ungrouped = None;
        }
    }

    /// Counts of `group` for events whose age is below `limit` (which must be one of the
    /// limits this tally was planned with).
    pub fn counts_within(&self, group: &GroupTally, limit: i64) -> Counts {
        let mut sum = Counts::default();
        for (band, &band_limit) in group.bands.iter().zip(&self.limits) {
            if band_limit > limit {
                break;
            }
            sum.add(band);
        }
        sum
    }
}

/// Everything counted in one pass.
#[derive(Debug, Clone)]
pub struct Tally {
    /// Row accounting over all inputs.
    pub inputs: InputCounts,
    /// Per SLO of the plan, in plan order.
    pub slos: Vec<SloTally>,
    /// For a history: the rows in some window, by time and selection (see [`RowsByTime`]).
    pub rows_by_time: Option<RowsByTime>,
}

impl Tally {
    /// After a first pass over the logs: what a second pass over the same logs must keep beyond
    /// the hash samples so that the busiest groups are shown (see [`HeavyGroups`]); `None` when
    /// no SLO needs one (every group was kept, or none left out can be busy enough to be shown).
    pub fn heavy_groups(&self) -> Option<HeavyGroupsPerSlo> {
        let heavy: Vec<_> = self
            .slos
            .iter()
            .map(|slo| slo.heavy_groups().map(Arc::new))
            .collect();
        heavy
            .iter()
            .any(Option::is_some)
            .then_some(HeavyGroupsPerSlo(heavy))
    }

    /// Adds the counts of another tally of the same plan.
    pub fn merge(&mut self, other: Tally) {
        if let (Some(mine), Some(theirs)) = (&mut self.rows_by_time, other.rows_by_time) {
            mine.merge(theirs);
        }
        let inputs = &mut self.inputs;
        inputs.rows += other.inputs.rows;
        inputs.malformed += other.inputs.malformed;
        inputs.outside_windows += other.inputs.outside_windows;
        inputs.unselected += other.inputs.unselected;
        inputs.excluded += other.inputs.excluded;
        inputs.matched += other.inputs.matched;
        inputs.latest = inputs.latest.max(other.inputs.latest);
        inputs.earliest = match (inputs.earliest, other.inputs.earliest) {
            (Some(mine), Some(theirs)) => Some(mine.min(theirs)),
            (mine, theirs) => mine.or(theirs),
        };
        // The first problems in log order, whatever order the parts were counted in.
        inputs.first_malformed.extend(other.inputs.first_malformed);
        inputs
            .first_malformed
            .sort_by_key(|p| (p.input_index, p.line));
        inputs.first_malformed.truncate(MALFORMED_SHOWN);
        for (mine, theirs) in self.slos.iter_mut().zip(other.slos) {
            mine.invalid_rows += theirs.invalid_rows;
            mine.first_invalid = match (mine.first_invalid.take(), theirs.first_invalid) {
                (Some(a), Some(b)) => Some(if (b.input_index, b.line) < (a.input_index, a.line) {
                    b
                } else {
                    a
                }),
                (a, b) => a.or(b),
            };
            match (&mut mine.ungrouped, theirs.ungrouped) {
                (Some(existing), Some(group)) => existing.add(&group),
                (mine_ungrouped @ None, Some(group)) => *mine_ungrouped = Some(group),
                _ => {}
            }
            // Both sides kept every group whose hash their own level keeps (and, in a second
            // pass, every busy group that their own threshold keeps): at the higher level and
            // threshold, the merged groups are those of all the input that these keep.
            mine.raise_sample_level(theirs.sample_level);
            let mut raised = false;
            match (&mut mine.outside, theirs.outside) {
                (Outside::Sketched(sketch), Outside::Sketched(Some(their_sketch))) => {
                    match sketch {
                        Some(sketch) => sketch.merge(&their_sketch),
                        None => *sketch = Some(their_sketch),
                    }
                }
                (Outside::Admitted(admitted), Outside::Admitted(their_admitted)) => {
                    raised = their_admitted.raised > admitted.raised;
                    admitted.raised = admitted.raised.max(their_admitted.raised);
                    admitted.left_out = admitted.left_out.max(their_admitted.left_out);
                }
                _ => {}
            }
            if raised {
                mine.sort_out();
            }
            if let Some(other) = &theirs.other {
                mine.fold(other);
            }
            for (key, group) in theirs.groups.into_groups() {
                if let Some(existing) = mine.groups.get_mut(&key) {
                    existing.add(&group);
                    continue;
                }
                let hash = (mine.sample_level > 0).then(|| key_hash(&key));
                match hash.map_or(Keep::Sampled, |hash| mine.keep(hash)) {
                    Keep::No => mine.fold_out(hash.unwrap_or_else(|| key_hash(&key)), &group),
                    keep => mine.insert(key, group, keep),
                }
            }
            mine.shrink();
        }
    }
}

/// Counts rows of one input into a [`Tally`] of its own.
#[derive(Debug)]
pub struct Counter<'a> {
    plan: &'a Plan,
    input: &'a LogInput,
    input_index: usize,
    tally: Tally,
    group_key: Vec<u8>,
    minutes: MinuteCache,
    /// The results of the leaves that several SLOs share, for the row being counted.
    memo: LeafMemo,
    /// Under `--strict`, the first SLO in spec order for which the row being counted is
    /// invalid, with the error that names it.
    strict_error: Option<(u32, InputError)>,
    /// The counts per age band of the SLOs without groups or latencies, side by side: a row
    /// counted for one of them touches one small array rather than the SLO's tally. Added to
    /// the tally by [`Counter::into_tally`].
    flat: Vec<Counts>,
    /// For the row being counted, its band under each distinct set of age limits, once an SLO
    /// with those limits has found it: the number of the row it was found for (see
    /// `band_row`), and the band or [`BAND_NONE`] (in no band). A hundred SLOs with the same
    /// windows search their limits once a row.
    bands: Vec<(u32, u32)>,
    /// The number of the row being counted, for `bands`: an entry of another row is stale.
    band_row: u32,
    /// Grouped SLOs' counts of the last rows, not yet in their groups: see
    /// [`Counter::count_pending`]. Their keys are `pending_keys[start..end]`.
    pending: Vec<PendingCount>,
    pending_keys: Vec<u8>,
}

/// How many counts of grouped SLOs wait before they are counted together.
const PENDING: usize = 64;

/// How many bytes of group keys may wait: a few very long values are counted at once, rather
/// than held 64 times over.
const PENDING_KEY_BYTES: usize = 16 * 1024;

/// A grouped SLO's count of one row, waiting in [`Counter::pending`].
#[derive(Debug)]
struct PendingCount {
    slo: usize,
    key: (usize, usize),
    slot: Slot,
    outcome: RowJudgement,
    latency: Option<(u64, f64)>,
    /// The group it may be counted in, found by [`Counter::count_pending`].
    candidate: Option<u32>,
    /// The [`key_hash`] of its key, once [`Counter::count_pending`] computed it.
    hash: u64,
}

/// The row lies in no band under a set of age limits.
const BAND_NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
enum RowJudgement {
    Event {
        good: bool,
    },
    Invalid(Invalid),
    /// Selected (or not ruled out) by the filter, in one of the SLO's exclusions.
    Excluded,
}

impl Counter<'_> {
    /// Counts the row for the SLO of `candidate` (see [`Dispatch`]): `None` when the SLO does
    /// not count it (outside its windows, or not selected by its filter) or counts it only as
    /// a budget trend's earlier event, otherwise whether the row lies in one of its
    /// exclusions. Under `--strict`, an invalid row is kept in
    /// `strict_error` rather than counted.
    #[inline(always)]
    fn count_slo(
        &mut self,
        row: &RowView<'_>,
        line: u64,
        time: UnixNanos,
        age: i64,
        candidate: Candidate,
    ) -> Option<bool> {
        let plan = self.plan;
        let Candidate { position, filter } = candidate;
        let index = position as usize;
        let slo = &plan.slos[index];
        let slot = match slo.band_class {
            Some(class) => {
                let band = match self.bands[class] {
                    (row, band) if row == self.band_row => band,
                    _ => {
                        let band = match slo.slot_for(time, age) {
                            Some(Slot::Band(band)) => u32::try_from(band).unwrap_or(BAND_NONE),
                            _ => BAND_NONE,
                        };
                        self.bands[class] = (self.band_row, band);
                        band
                    }
                };
                if band == BAND_NONE {
                    return None;
                }
                Slot::Band(band as usize)
            }
            None => slo.slot_for(time, age)?,
        };
        // Only a budget trend's earlier events lie outside what the report is about.
        let reported = slo.reported.holds(&slot, age);
        // An excluded row is neither judged nor invalid: its fields may be what broke.
        let in_exclusion = !slo.excluded.is_empty() && slo.is_excluded(time);
        let outcome = match plan.programs.eval(filter, row, &mut self.memo) {
            Ok(false) => return None,
            _ if in_exclusion => RowJudgement::Excluded,
            Ok(true) => match plan.programs.eval(slo.judge, row, &mut self.memo) {
                Ok(verdict) => RowJudgement::Event {
                    good: verdict == slo.good_when,
                },
                Err(invalid) => RowJudgement::Invalid(invalid),
            },
            Err(invalid) => RowJudgement::Invalid(invalid),
        };
        // The latency of a valid event, with where it is kept.
        let latency = match (&outcome, &slo.latency) {
            (RowJudgement::Event { .. }, Some(plan)) if reported => {
                duration_nanos(row, plan.slot, plan.unit).map(|nanos| (plan.key(&slot, age), nanos))
            }
            _ => None,
        };
        if let (true, RowJudgement::Invalid(invalid)) = (reported, &outcome) {
            let reason = self.invalid_reason(*invalid);
            if plan.strict {
                // The SLOs count a row in no set order: the first of them in spec order is the
                // one named, once all have counted it.
                if self
                    .strict_error
                    .as_ref()
                    .is_none_or(|(first, _)| *first > position)
                {
                    let error = InputError::at(
                        self.input,
                        line,
                        format!("row is invalid for SLO {}: {reason} (--strict)", slo.name),
                    );
                    self.strict_error = Some((position, error));
                }
                return Some(false);
            }
            let earlier = self.tally.slos[index]
                .first_invalid
                .as_ref()
                .is_none_or(|first| first.line > line);
            let problem = earlier.then(|| self.problem(line, reason));
            let tally = &mut self.tally.slos[index];
            tally.invalid_rows += 1;
            if problem.is_some() {
                tally.first_invalid = problem;
            }
        }
        if let (Some(offset), Slot::Band(band)) = (slo.flat, &slot) {
            let counts = &mut self.flat[offset + band];
            match outcome {
                RowJudgement::Event { good } => {
                    counts.total += 1;
                    counts.good += u64::from(good);
                }
                RowJudgement::Invalid(_) => counts.invalid += 1,
                RowJudgement::Excluded => counts.excluded += 1,
            }
            return reported.then_some(in_exclusion);
        }
        let tally = &mut self.tally.slos[index];
        let bands = slo.age_limits.len();
        if slo.group_slots.is_empty() {
            let group = tally
                .ungrouped
                .get_or_insert_with(|| GroupTally::new(Vec::new(), bands));
            group.count(&slot, &outcome, latency);
        } else {
            let start = self.pending_keys.len();
            push_group_key(&mut self.pending_keys, row, &slo.group_slots);
            self.pending.push(PendingCount {
                slo: index,
                key: (start, self.pending_keys.len()),
                slot,
                outcome,
                latency,
                candidate: None,
                hash: 0,
            });
            if self.pending.len() == PENDING || self.pending_keys.len() >= PENDING_KEY_BYTES {
                self.count_pending();
            }
        }
        reported.then_some(in_exclusion)
    }

    /// Counts the grouped SLOs' counts that wait. With many groups, finding a row's group in
    /// the map waits for memory; counted one row at a time, between the reading of rows, each
    /// such wait is paid in full. Counted together, the searches do not depend on each other,
    /// and the processor overlaps their waits. Counts add up in any order, and which groups
    /// are kept depends only on the set of keys (see the module docs), so the result is that
    /// of counting each row at once.
    fn count_pending(&mut self) {
        // In steps, so that the reads of memory each search waits for overlap: ask for each
        // key's slot in its map's table; find each key's candidate there, and ask for the
        // candidate's entry; ask for what each entry points to (its key and counts); then
        // check and count. A candidate that is not the group (another key's tag, or moved
        // since by a new group) is searched in full.
        for pending in &mut self.pending {
            pending.hash = key_hash(&self.pending_keys[pending.key.0..pending.key.1]);
            self.tally.slos[pending.slo]
                .groups
                .prefetch_slot(pending.hash);
        }
        for pending in &mut self.pending {
            let groups = &self.tally.slos[pending.slo].groups;
            pending.candidate = groups.candidate(pending.hash);
            if let Some(at) = pending.candidate {
                groups.prefetch_entry(at);
            }
        }
        for pending in &self.pending {
            if let Some(at) = pending.candidate {
                self.tally.slos[pending.slo].groups.prefetch_contents(at);
            }
        }
        for pending in &self.pending {
            let key = &self.pending_keys[pending.key.0..pending.key.1];
            let tally = &mut self.tally.slos[pending.slo];
            let found = pending
                .candidate
                .and_then(|at| tally.groups.get_at(at, key));
            if let Some(group) = found {
                group.count(&pending.slot, &pending.outcome, pending.latency);
            } else {
                tally.count_new(key, &pending.slot, &pending.outcome, pending.latency);
            }
        }
        self.pending.clear();
        self.pending_keys.clear();
    }

    /// The counts so far.
    pub fn into_tally(mut self) -> Tally {
        self.count_pending();
        for (slo, tally) in self.plan.slos.iter().zip(&mut self.tally.slos) {
            let Some(offset) = slo.flat else {
                continue;
            };
            let bands = slo.age_limits.len();
            let counts = &self.flat[offset..offset + bands];
            // As when counted in the tally: the group exists once a row counted in it.
            if counts
                .iter()
                .all(|c| c.total == 0 && c.invalid == 0 && c.excluded == 0)
            {
                continue;
            }
            let group = tally
                .ungrouped
                .get_or_insert_with(|| GroupTally::new(Vec::new(), bands));
            for (band, counted) in group.bands.iter_mut().zip(counts) {
                band.add(counted);
            }
        }
        self.tally
    }

    fn problem(&self, line: u64, reason: String) -> RowProblem {
        RowProblem {
            input_index: self.input_index,
            input: self.input.to_string(),
            line,
            reason,
        }
    }

    fn invalid_reason(&self, invalid: Invalid) -> String {
        let field = self
            .plan
            .fields
            .paths()
            .get(invalid.slot)
            .cloned()
            .unwrap_or_else(|| FieldPath(Vec::new()));
        let written = field.as_expression();
        match invalid.reason {
            InvalidReason::Missing => format!("field `{field}` is missing"),
            InvalidReason::Null => format!("field `{field}` is null"),
            InvalidReason::NotANumber => format!("field `{field}` is not a number"),
            InvalidReason::NotABoolean => format!("field `{field}` is not true or false"),
            InvalidReason::NotText => format!("field `{field}` is not text"),
            InvalidReason::NoUnit => format!(
                "field `{field}` is a bare number with no known unit, met by a duration; \
                 declare the unit its log writes it in, e.g. source: {{units: {{{field}: ms}}}}"
            ),
            InvalidReason::Duration => format!(
                "field `{field}` is a duration where a number is needed; \
                 compare it with a duration such as 300ms"
            ),
            InvalidReason::SeveralValues => format!(
                "field `{field}` holds several values; read them with sum({written}), \
                 last({written}) or first({written})"
            ),
            InvalidReason::DivisionByZero => format!("field `{field}` is zero, and divides"),
            InvalidReason::OutOfRange => format!(
                "field `{field}` is too large or too precise to compute exactly (more than 38 digits)"
            ),
        }
    }
}

impl RowSink for Counter<'_> {
    fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
        let plan = self.plan;
        self.tally.inputs.rows += 1;
        let field = &plan.fields.paths()[plan.timestamp_slot];
        let parsed = match row.value(plan.timestamp_slot) {
            FieldValue::Scalar(raw) => self
                .minutes
                .parse(&plan.timestamp, raw)
                .map_err(|e| bad_timestamp(raw, &e)),
            _ => Err(no_timestamp(field)),
        };
        let time = match parsed {
            Ok(time) => time,
            Err(reason) => {
                self.tally.inputs.rows -= 1;
                return self.malformed(line, &reason);
            }
        };
        let inputs = &mut self.tally.inputs;
        inputs.latest = Some(inputs.latest.map_or(time, |latest| latest.max(time)));
        inputs.earliest = Some(inputs.earliest.map_or(time, |earliest| earliest.min(time)));
        if let Some(layout) = &plan.counts {
            return self.count_record(layout, &row, line, time);
        }
        let age = plan.at.saturating_sub(time);
        let in_window = plan.in_some_window(time, age);
        let mut selected = false;
        // The SLOs that selected the row, for a history's accounting (at most 64 are tracked).
        let mut selected_by = 0u64;
        // The SLOs in one of whose exclusions the row lies, likewise.
        let mut excluded_by = 0u64;
        self.memo.next_row();
        self.band_row = self.band_row.wrapping_add(1);
        if self.band_row == 0 {
            // Once every 2³² rows: no entry may carry the new row's number by chance.
            self.bands.fill((0, BAND_NONE));
            self.band_row = 1;
        }
        // The SLOs left out have a filter that is false for the row: they would not count it.
        // Each SLO's counts are its own, so the order in which SLOs count a row changes
        // nothing (`--strict` names the first SLO in spec order, see `count_slo`).
        plan.dispatch.for_each_list(&row, |list| {
            for &candidate in list {
                let Some(in_exclusion) = self.count_slo(&row, line, time, age, candidate) else {
                    continue;
                };
                let bit = 1u64.checked_shl(candidate.position).unwrap_or(0);
                if in_exclusion {
                    excluded_by |= bit;
                } else {
                    selected = true;
                    selected_by |= bit;
                }
            }
        });
        if let Some((_, error)) = self.strict_error.take() {
            return Err(error);
        }
        if let (true, Some(rows)) = (in_window, &mut self.tally.rows_by_time) {
            rows.add(time, selected_by, excluded_by);
        }
        let inputs = &mut self.tally.inputs;
        if !in_window {
            inputs.outside_windows += 1;
        } else if selected {
            inputs.matched += 1;
        } else if excluded_by != 0 {
            inputs.excluded += 1;
        } else {
            inputs.unselected += 1;
        }
        Ok(())
    }

    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        self.malformed_lines(line, 1, reason)
    }

    fn malformed_lines(&mut self, line: u64, lines: u64, reason: &str) -> Result<(), InputError> {
        if self.plan.strict {
            return Err(InputError::at(
                self.input,
                line,
                format!("malformed row: {reason} (--strict)"),
            ));
        }
        let inputs = &mut self.tally.inputs;
        inputs.rows += lines;
        inputs.malformed += lines;
        // Chunks may arrive out of order: keep the earliest lines.
        let keep = inputs.first_malformed.len() < MALFORMED_SHOWN
            || inputs
                .first_malformed
                .last()
                .is_some_and(|last| last.line > line);
        if keep {
            let problem = self.problem(line, reason.to_string());
            let inputs = &mut self.tally.inputs;
            let at = inputs.first_malformed.partition_point(|p| p.line <= line);
            inputs.first_malformed.insert(at, problem);
            inputs.first_malformed.truncate(MALFORMED_SHOWN);
        }
        Ok(())
    }

    fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64) {
        let problems = self.tally.inputs.first_malformed.iter_mut().chain(
            self.tally
                .slos
                .iter_mut()
                .filter_map(|slo| slo.first_invalid.as_mut()),
        );
        for problem in problems {
            problem.line = renumber(problem.line);
        }
    }
}

/// Appends to `key` the group of `row` by the values of `slots` (an SLO's `group_by`), as
/// the groups' map keys them. A row without a group_by field falls in the group where that
/// field is null, as SQL's GROUP BY does: its event still counts, in a group of its own.
fn push_group_key(key: &mut Vec<u8>, row: &impl Row, slots: &[usize]) {
    for &slot in slots {
        match row.value(slot) {
            FieldValue::Scalar(value) => {
                // Groups are told apart by their labels as printed: values that are not UTF-8
                // and print alike (with U+FFFD) are one group, not several results with the
                // same label in an arbitrary order. Checked before decoding, as nearly all
                // are UTF-8 and the lossy decoder costs a row more than the rest of its key.
                let lossy;
                let value = if value.is_ascii() || std::str::from_utf8(value).is_ok() {
                    value
                } else {
                    lossy = String::from_utf8_lossy(value);
                    lossy.as_bytes()
                };
                key.reserve(9 + value.len());
                key.push(1);
                key.extend_from_slice(&(value.len() as u64).to_le_bytes());
                key.extend_from_slice(value);
            }
            _ => key.push(0),
        }
    }
}

/// The hash of a group key that decides whether the group is sampled and where the sketch
/// counts it. It is fixed (no random seed), so the choice is the same on every run.
fn key_hash(key: &[u8]) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, key);
    // FxHash spreads short keys poorly over its top bits: mix them (MurmurHash3's finaliser).
    let mut hash = std::hash::Hasher::finish(&hasher);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^= hash >> 33;
    hash
}

/// Whether the group whose key has `hash` is kept at sample level `level`: the top `level`
/// bits of the hash are zero.
fn kept_at(hash: u64, level: u32) -> bool {
    level == 0 || level < 64 && hash >> (64 - level) == 0 || level >= 64 && hash == 0
}

/// Why a row's timestamp `raw` could not be read.
pub(crate) fn bad_timestamp(raw: &[u8], error: &dyn std::fmt::Display) -> String {
    format!(
        "timestamp '{}' {error}",
        Visible(&String::from_utf8_lossy(&raw[..raw.len().min(64)]))
    )
}

/// Why a row without its timestamp field cannot be used.
pub(crate) fn no_timestamp(field: &dyn std::fmt::Display) -> String {
    format!(
        "no timestamp: field `{field}` is missing or empty; if the log calls it otherwise, set source.timestamp.field in the spec"
    )
}

fn decode_group_key(key: &[u8], fields: usize) -> Vec<Option<String>> {
    let mut values = Vec::with_capacity(fields);
    let mut rest = key;
    for _ in 0..fields {
        match rest.split_first() {
            Some((1, tail)) if tail.len() >= 8 => {
                let (len, tail) = tail.split_at(8);
                #[allow(
                    clippy::cast_possible_truncation,
                    reason = "the length of a key this process wrote, which fits in memory"
                )]
                let len = u64::from_le_bytes(len.try_into().unwrap_or([0; 8])) as usize;
                let (value, tail) = tail.split_at(len.min(tail.len()));
                values.push(Some(String::from_utf8_lossy(value).into_owned()));
                rest = tail;
            }
            Some((_, tail)) => {
                values.push(None);
                rest = tail;
            }
            None => values.push(None),
        }
    }
    values
}

#[cfg(test)]
mod set_tests;
#[cfg(test)]
mod tests;
