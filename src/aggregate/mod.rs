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
//! distinct paths must not take the report down. Each SLO keeps at most
//! `GROUPS_IN_MEMORY × --max-groups` groups (and [`MAX_GROUP_BYTES`] of their values) per
//! reading thread. Past that, only groups whose key hash falls in a shrinking range are kept
//! (the range halves until they fit), and the events of the others are counted in one
//! `(other)` group. Which groups are kept depends only on the set of distinct keys, never on
//! the order or the threads that read them, and every event is counted exactly once, in its
//! own group or in `(other)`. After reading, [`SloTally::fold_groups`] keeps the
//! `--max-groups` largest and folds the rest into `(other)` too.

mod latest;

use std::collections::HashMap;

use rustc_hash::FxHashMap;

pub use latest::{latest_timestamp, LatestScan};

use crate::expr::{FieldSlots, FieldValue, Invalid, InvalidReason, Program, Row};
use crate::input::{InputError, LogInput, RowSink, RowView};
use crate::spec::{Judgement, Slo, TimestampSpec};
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

/// The label of the group that holds the events of the groups not shown.
pub const OTHER_GROUP: &str = "(other)";

/// What to count, compiled from the SLOs that share one source.
#[derive(Debug)]
pub struct Plan {
    fields: FieldSlots,
    timestamp_slot: usize,
    timestamp: TimestampParser,
    at: UnixNanos,
    slos: Vec<SloPlan>,
    max_groups: usize,
    strict: bool,
}

/// What an SLO needs counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Needs {
    /// Events per age band, for these age limits (nanoseconds; see the module docs).
    Ages(Vec<i64>),
    /// Events per time slice of `length` nanoseconds, for slice indices `first..end`.
    Slices {
        /// Slice length in nanoseconds.
        length: i64,
        /// First slice index counted.
        first: i64,
        /// One past the last slice index counted.
        end: i64,
    },
}

/// Where one event of an SLO is counted.
enum Slot {
    Band(usize),
    Slice(i64),
}

#[derive(Debug)]
struct SloPlan {
    name: String,
    filter: Program,
    judge: Program,
    /// What `judge` says of a good event: true for `good:`, false for `bad:`.
    good_when: bool,
    group_slots: Vec<usize>,
    /// Distinct age limits in nanoseconds, ascending (empty for slice counting).
    age_limits: Vec<i64>,
    /// The slices and the index range counted, for slice counting.
    slices: Option<(TimeSlices, i64, i64)>,
}

impl SloPlan {
    fn slot_for(&self, time: UnixNanos, age: i64) -> Option<Slot> {
        if let Some((slices, first, end)) = self.slices {
            let index = slices.containing(time);
            return (first..end).contains(&index).then_some(Slot::Slice(index));
        }
        if age < 0 {
            return None;
        }
        self.age_limits
            .iter()
            .position(|&limit| age < limit)
            .map(Slot::Band)
    }
}

impl Plan {
    /// Compiles the SLOs' expressions against one [`FieldSlots`]; `needs[i]` says what SLO `i`
    /// needs counted.
    ///
    /// # Errors
    ///
    /// An expression that does not compile against the fields (a message naming the SLO and key).
    pub fn new(
        slos: &[&Slo],
        needs: &[Needs],
        timestamp: &TimestampSpec,
        at: UnixNanos,
        max_groups: usize,
        strict: bool,
    ) -> Result<Plan, String> {
        let mut fields = FieldSlots::default();
        let timestamp_slot = fields.slot(&timestamp.field);
        let mut plans = Vec::with_capacity(slos.len());
        for (slo, needs) in slos.iter().zip(needs) {
            let compile = |fields: &mut FieldSlots, key: &str, text: &str, expr| {
                Program::compile(expr, fields)
                    .map_err(|e| format!("SLO {}: in `{key}` ({text}): {e}", slo.name))
            };
            let filter = match &slo.filter {
                Some(condition) => {
                    compile(&mut fields, "filter", &condition.text, &condition.expr)?
                }
                None => Program::always(),
            };
            let (judge, good_when) = match &slo.judgement {
                Judgement::Good(c) => (compile(&mut fields, "good", &c.text, &c.expr)?, true),
                Judgement::Bad(c) => (compile(&mut fields, "bad", &c.text, &c.expr)?, false),
            };
            let group_slots = slo.group_by.iter().map(|path| fields.slot(path)).collect();
            let (mut age_limits, slices) = match needs {
                Needs::Ages(limits) => (limits.clone(), None),
                Needs::Slices { length, first, end } => {
                    (Vec::new(), Some((TimeSlices::new(*length), *first, *end)))
                }
            };
            age_limits.sort_unstable();
            age_limits.dedup();
            plans.push(SloPlan {
                name: slo.name.clone(),
                filter,
                judge,
                good_when,
                group_slots,
                age_limits,
                slices,
            });
        }
        Ok(Plan {
            fields,
            timestamp_slot,
            timestamp: TimestampParser::new(timestamp.format.clone(), timestamp.zone),
            at,
            slos: plans,
            max_groups,
            strict,
        })
    }

    /// The fields to read from each row.
    pub fn fields(&self) -> &FieldSlots {
        &self.fields
    }

    /// An empty tally for this plan.
    pub fn tally(&self) -> Tally {
        Tally {
            inputs: InputCounts::default(),
            slos: self
                .slos
                .iter()
                .map(|slo| SloTally {
                    groups: FxHashMap::default(),
                    ungrouped: None,
                    other: None,
                    sample_level: 0,
                    max_kept: self.max_groups.saturating_mul(GROUPS_IN_MEMORY),
                    fields: slo.group_slots.len(),
                    max_shown: self.max_groups,
                    group_bytes: 0,
                    limits: slo.age_limits.clone(),
                    invalid_rows: 0,
                    first_invalid: None,
                })
                .collect(),
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
            minutes: MinuteCache::default(),
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
}

impl Counts {
    /// Adds another count.
    pub fn add(&mut self, other: &Counts) {
        self.total += other.total;
        self.good += other.good;
        self.invalid += other.invalid;
    }
}

/// How the rows of all inputs were accounted for:
/// `rows = malformed + outside_windows + unselected + matched`.
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
    groups: FxHashMap<Box<[u8]>, GroupTally>,
    /// The one group of an SLO without `group_by`, kept out of the map: no hashing per row.
    ungrouped: Option<GroupTally>,
    /// The events of groups not kept: sampled out while reading, or folded afterwards.
    other: Option<GroupTally>,
    /// Groups are kept while reading when the top `sample_level` bits of their key's hash are
    /// zero: all of them at 0, half at 1, … (see the module docs).
    sample_level: u32,
    /// Most groups kept in memory.
    max_kept: usize,
    /// The number of `group_by` fields.
    fields: usize,
    /// Most groups shown.
    max_shown: usize,
    /// The length of all group keys.
    group_bytes: usize,
    limits: Vec<i64>,
    /// Rows invalid for this SLO (in any window).
    pub invalid_rows: u64,
    /// The first such row.
    pub first_invalid: Option<RowProblem>,
}

/// One group's values and its counts per age band or per time slice.
#[derive(Debug, Clone)]
pub struct GroupTally {
    /// The group's field values; `None` where the row lacked the field. Filled in by
    /// [`SloTally::fold_groups`] once reading is done: while reading, the group's key holds
    /// them, and keeping them twice would double the memory that labels take.
    pub values: Vec<Option<String>>,
    /// For the `(other)` group, how many groups it holds; `None` for a group of its own.
    pub folded: Option<Folded>,
    bands: Vec<Counts>,
    slices: HashMap<i64, Counts>,
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
}

impl GroupTally {
    fn new(values: Vec<Option<String>>, bands: usize) -> GroupTally {
        GroupTally {
            values,
            folded: None,
            bands: vec![Counts::default(); bands],
            slices: HashMap::new(),
        }
    }

    /// Counts one row in the band or slice `slot`.
    fn count(&mut self, slot: &Slot, outcome: &RowJudgement) {
        let counts = match *slot {
            Slot::Band(band) => &mut self.bands[band],
            Slot::Slice(index) => self.slices.entry(index).or_default(),
        };
        match outcome {
            RowJudgement::Event { good } => {
                counts.total += 1;
                counts.good += u64::from(*good);
            }
            RowJudgement::Invalid(_) => counts.invalid += 1,
        }
    }

    fn add(&mut self, other: &GroupTally) {
        for (a, b) in self.bands.iter_mut().zip(&other.bands) {
            a.add(b);
        }
        for (index, counts) in &other.slices {
            self.slices.entry(*index).or_default().add(counts);
        }
    }

    /// Counts per time slice index, for slices that saw rows (slice counting only).
    pub fn slices(&self) -> &HashMap<i64, Counts> {
        &self.slices
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

    /// The `(other)` group, made on first use.
    fn other(&mut self) -> &mut GroupTally {
        let bands = self.limits.len();
        self.other
            .get_or_insert_with(|| GroupTally::new(Vec::new(), bands))
    }

    /// The group a row with the new group key `key` counts in: a group of its own when its
    /// hash is kept and keeping it leaves the kept groups within bounds, else `(other)`.
    fn new_group(&mut self, key: &[u8], bands: usize) -> &mut GroupTally {
        if kept_at(key, self.sample_level) {
            self.group_bytes += key.len();
            self.groups
                .insert(key.into(), GroupTally::new(Vec::new(), bands));
            self.shrink();
        }
        if self.groups.contains_key(key) {
            // The group is there: `entry` finds it (a lookup that can return the borrow).
            return self
                .groups
                .entry(key.into())
                .or_insert_with(|| GroupTally::new(Vec::new(), bands));
        }
        self.other()
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

    /// Halves the share of key hashes kept, folding the groups outside it into `(other)`,
    /// until the groups kept fit in memory.
    fn shrink(&mut self) {
        while self.groups.len() > self.max_kept || self.group_bytes > MAX_GROUP_BYTES {
            self.raise_sample_level(self.sample_level + 1);
        }
    }

    /// Keeps only the groups whose hash is kept at `level`, folding the others.
    fn raise_sample_level(&mut self, level: u32) {
        if level <= self.sample_level {
            return;
        }
        self.sample_level = level;
        let dropped: Vec<Box<[u8]>> = self
            .groups
            .keys()
            .filter(|key| !kept_at(key, level))
            .cloned()
            .collect();
        self.fold_away(dropped);
    }

    /// Once reading is done (and before evaluating): keeps the `--max-groups` groups with the
    /// most events by `events` (ties broken by their values, so the choice is the same on
    /// every run), folds the others into `(other)`, and gives each group its values. Returns
    /// the `(other)` group's size, if there is one.
    pub fn fold_groups(
        &mut self,
        events: impl Fn(&SloTally, &GroupTally) -> u64,
    ) -> Option<Folded> {
        let kept = self.groups.len();
        if kept > self.max_shown {
            // (events, values, key) of every group kept.
            let mut ranked: Vec<_> = self
                .groups
                .iter()
                .map(|(key, group)| (events(self, group), decode_group_key(key, self.fields), key))
                .collect();
            ranked.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            let dropped: Vec<Box<[u8]>> = ranked[self.max_shown..]
                .iter()
                .map(|(_, _, key)| (*key).clone())
                .collect();
            self.fold_away(dropped);
        }
        for (key, group) in &mut self.groups {
            group.values = decode_group_key(key, self.fields);
        }
        let shown = self.groups.len();
        let sample_level = self.sample_level;
        let other = self.other.as_mut()?;
        // Sampled out at level L, a group had a 1 − 2^−L chance to be: the groups kept stand
        // for about 2^L times as many.
        let folded = if sample_level == 0 {
            Folded {
                groups: (kept - shown) as u64,
                estimated: false,
            }
        } else {
            let scale = 1u64.checked_shl(sample_level).unwrap_or(u64::MAX);
            Folded {
                groups: (kept as u64).saturating_mul(scale) - shown as u64,
                estimated: true,
            }
        };
        other.folded = Some(folded);
        Some(folded)
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
}

impl Tally {
    /// Adds the counts of another tally of the same plan.
    pub fn merge(&mut self, other: Tally) {
        let inputs = &mut self.inputs;
        inputs.rows += other.inputs.rows;
        inputs.malformed += other.inputs.malformed;
        inputs.outside_windows += other.inputs.outside_windows;
        inputs.unselected += other.inputs.unselected;
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
            // Both sides kept every group whose hash their own level keeps: at the higher
            // level, the merged groups are those of all the input that it keeps.
            mine.raise_sample_level(theirs.sample_level);
            if let Some(other) = &theirs.other {
                mine.fold(other);
            }
            for (key, group) in theirs.groups {
                if !kept_at(&key, mine.sample_level) {
                    mine.fold(&group);
                    continue;
                }
                match mine.groups.get_mut(&key) {
                    Some(existing) => existing.add(&group),
                    None => {
                        mine.group_bytes += key.len();
                        mine.groups.insert(key, group);
                    }
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
}

enum RowJudgement {
    Event { good: bool },
    Invalid(Invalid),
}

impl Counter<'_> {
    /// The counts so far.
    pub fn into_tally(self) -> Tally {
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
            .map(ToString::to_string)
            .unwrap_or_default();
        match invalid.reason {
            InvalidReason::Missing => format!("field `{field}` is missing"),
            InvalidReason::Null => format!("field `{field}` is null"),
            InvalidReason::NotANumber => format!("field `{field}` is not a number"),
            InvalidReason::NotABoolean => format!("field `{field}` is not true or false"),
            InvalidReason::NotText => format!("field `{field}` is not text"),
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
        let age = plan.at.saturating_sub(time);
        let mut in_window = false;
        let mut selected = false;
        for (index, slo) in plan.slos.iter().enumerate() {
            let Some(slot) = slo.slot_for(time, age) else {
                continue;
            };
            in_window = true;
            let outcome = match slo.filter.eval(&row) {
                Ok(false) => continue,
                Ok(true) => match slo.judge.eval(&row) {
                    Ok(verdict) => RowJudgement::Event {
                        good: verdict == slo.good_when,
                    },
                    Err(invalid) => RowJudgement::Invalid(invalid),
                },
                Err(invalid) => RowJudgement::Invalid(invalid),
            };
            selected = true;
            // A row without a group_by field falls in the group where that field is null, as
            // SQL's GROUP BY does: its event still counts, in a group of its own.
            self.group_key.clear();
            for &slot in &slo.group_slots {
                match row.value(slot) {
                    FieldValue::Scalar(value) => {
                        // Groups are told apart by their labels as printed: values that are
                        // not UTF-8 and print alike (with U+FFFD) are one group, not several
                        // results with the same label in an arbitrary order.
                        let value = String::from_utf8_lossy(value);
                        self.group_key.push(1);
                        self.group_key
                            .extend_from_slice(&(value.len() as u64).to_le_bytes());
                        self.group_key.extend_from_slice(value.as_bytes());
                    }
                    _ => self.group_key.push(0),
                }
            }
            if let RowJudgement::Invalid(invalid) = outcome {
                let reason = self.invalid_reason(invalid);
                if plan.strict {
                    return Err(InputError::at(
                        self.input,
                        line,
                        format!("row is invalid for SLO {}: {reason} (--strict)", slo.name),
                    ));
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
            let tally = &mut self.tally.slos[index];
            let bands = slo.age_limits.len();
            if slo.group_slots.is_empty() {
                let group = tally
                    .ungrouped
                    .get_or_insert_with(|| GroupTally::new(Vec::new(), bands));
                group.count(&slot, &outcome);
            } else if let Some(group) = tally.groups.get_mut(self.group_key.as_slice()) {
                group.count(&slot, &outcome);
            } else {
                tally
                    .new_group(&self.group_key, bands)
                    .count(&slot, &outcome);
            }
        }
        let inputs = &mut self.tally.inputs;
        if !in_window {
            inputs.outside_windows += 1;
        } else if selected {
            inputs.matched += 1;
        } else {
            inputs.unselected += 1;
        }
        Ok(())
    }

    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        if self.plan.strict {
            return Err(InputError::at(
                self.input,
                line,
                format!("malformed row: {reason} (--strict)"),
            ));
        }
        let inputs = &mut self.tally.inputs;
        inputs.rows += 1;
        inputs.malformed += 1;
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

/// Whether the group with `key` is kept at sample level `level`: the top `level` bits of the
/// key's hash are zero. The hash is fixed (no random seed), so the choice is the same on
/// every run.
fn kept_at(key: &[u8], level: u32) -> bool {
    if level == 0 {
        return true;
    }
    let mut hasher = rustc_hash::FxHasher::default();
    std::hash::Hasher::write(&mut hasher, key);
    // FxHash spreads short keys poorly over its top bits: mix them (MurmurHash3's finaliser).
    let mut hash = std::hash::Hasher::finish(&hasher);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xff51_afd7_ed55_8ccd);
    hash ^= hash >> 33;
    hash = hash.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    hash ^= hash >> 33;
    level < 64 && hash >> (64 - level) == 0 || level >= 64 && hash == 0
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
mod tests {
    use super::*;

    #[test]
    fn group_keys_round_trip() {
        let mut key = vec![1];
        key.extend_from_slice(&3u64.to_le_bytes());
        key.extend_from_slice(b"GET");
        key.push(0);
        assert_eq!(
            decode_group_key(&key, 2),
            vec![Some("GET".to_string()), None]
        );
    }
}
