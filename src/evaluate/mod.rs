//! From counts to figures: SLI, error budget, burn rates, alerts and status for every
//! SLO × group × window.

mod budget;
mod burn;
mod mean_ratio;
mod natural;
mod policy;
mod slices;

pub use budget::{budget, sla_standing, BudgetFigures};
pub use burn::{burn_rate, exceeds, lookbacks};
pub use mean_ratio::MeanRatio;
pub use slices::{excluded_slices, rolling_slices, summarize, window_slices, SliceSummary};

use crate::aggregate::OTHER_GROUP;
use crate::aggregate::{Counts, GroupTally, Needs, SloTally};
use crate::report::{
    AlertState, BudgetPoint, BurnRates, ErrorBudget, FoldedGroups, GoldenSignals, GroupLabels,
    LatencySummary, SlaResult, SloResult, Status,
};
use crate::spec::{excluded_intervals, Budgeting, Objective, Slo, Window};
use crate::time::{SpanDuration, Timestamp, UnixNanos};

/// What must be counted for `slo` evaluated at `at`: age bands, or the time slices that its
/// windows and lookbacks cover.
pub fn needs(slo: &Slo, at: UnixNanos) -> Needs {
    let lookbacks = lookbacks(slo);
    let first_window = slo.windows.first();
    match slo.budgeting.timeslice() {
        None => {
            let windows: Vec<i64> = slo.windows.iter().map(|w| w.span(at).age_limit).collect();
            Needs::Ages {
                limits: windows
                    .iter()
                    .copied()
                    .chain(lookbacks.iter().map(|l| lookback_limit(slo, l, at)))
                    .collect(),
                first_window: first_window.map_or(0, |w| w.span(at).age_limit),
                windows,
            }
        }
        Some(slice) => {
            let length = slice.length.nanos();
            let ranges = slo
                .windows
                .iter()
                .map(|w| window_slices(w, at, length))
                .chain(
                    lookbacks
                        .iter()
                        .map(|l| lookback_slices(slo, l, at, length)),
                );
            // Every range ends at the last whole slice before `A` (or one later), so their union
            // is one range. An empty one — a calendar window that holds no whole slice yet —
            // must not stretch it: its bounds may lie past `A`.
            let (first, end) = ranges
                .filter(|(first, end)| first < end)
                .reduce(|(f, e), (first, end)| (f.min(first), e.max(end)))
                .unwrap_or((0, 0));
            Needs::Slices {
                length,
                first,
                end,
                first_window: first_window.map_or((0, 0), |w| window_slices(w, at, length)),
                windows: slo
                    .windows
                    .iter()
                    .map(|w| window_slices(w, at, length))
                    .collect(),
            }
        }
    }
}

/// What must be counted once, at the last of `instants` (in ascending order), for `slo` to be
/// evaluated at each of them (see [`SloTally::at_instant`]): every age limit of every instant,
/// moved to the last one, and the boundary of each instant itself; or every slice of any.
///
/// Its first window, where the count tallies the events of the groups it leaves out past the
/// memory bound (see [`SloTally::fold_groups`]), is the last instant's when only that instant
/// ranks groups (the others show the same ones); with `each_instant_ranks`, the union of every
/// instant's, so that the tally bounds the events of those groups at each instant — more
/// events than any one first window holds, so fewer groups can be told apart.
pub fn history_needs(slo: &Slo, instants: &[UnixNanos], each_instant_ranks: bool) -> Needs {
    let Some(&last) = instants.last() else {
        return needs(slo, 0);
    };
    let mut union = needs(slo, last);
    for &at in instants {
        let offset = last - at;
        match (&mut union, needs(slo, at)) {
            (
                Needs::Ages {
                    limits,
                    first_window,
                    ..
                },
                Needs::Ages {
                    limits: more,
                    first_window: more_first_window,
                    ..
                },
            ) => {
                if offset > 0 {
                    limits.push(offset);
                }
                limits.extend(more.iter().map(|limit| offset + limit));
                // The first window at `at` ends `offset` before the last instant.
                let reach = offset.saturating_add(more_first_window);
                if each_instant_ranks && reach > *first_window {
                    limits.push(reach);
                    *first_window = reach;
                }
            }
            (
                Needs::Slices {
                    first,
                    end,
                    first_window,
                    ..
                },
                Needs::Slices {
                    first: more_first,
                    end: more_end,
                    first_window: more_first_window,
                    ..
                },
            ) => {
                if each_instant_ranks {
                    *first_window = slice_union(*first_window, more_first_window);
                }
                (*first, *end) = slice_union((*first, *end), (more_first, more_end));
            }
            _ => {}
        }
    }
    union
}

/// The smallest range of slices that holds both `a` and `b`; an empty range (`first ≥ end`)
/// holds nothing, and does not stretch the other.
fn slice_union(a: (i64, i64), b: (i64, i64)) -> (i64, i64) {
    match (a.0 < a.1, b.0 < b.1) {
        (true, true) => (a.0.min(b.0), a.1.max(b.1)),
        (false, true) => b,
        _ => a,
    }
}

/// How many points the budget trend of a result has (see [`SloResult::budget_trend`]): few
/// enough for the table's sparkline to stay within 100 columns, enough to show a burn.
pub const TREND_POINTS: usize = 8;

/// The instants of `window`'s budget trend at `at`: [`TREND_POINTS`] instants evenly spaced
/// across it, the last one `at` (from the window's start for a rolling window, the period's
/// start for a calendar one); `None` for a `--between` interval, which is one fixed span.
pub fn trend_instants(window: &Window, at: UnixNanos) -> Option<Vec<UnixNanos>> {
    let start = match window {
        Window::Rolling(duration) => at.saturating_sub(duration.nanos()),
        Window::Calendar { .. } => window.span(at).start,
        Window::Between { .. } => return None,
    };
    let span = i128::from(at) - i128::from(start);
    let points = TREND_POINTS as i128;
    Some(
        (1..=points)
            .map(|i| {
                let step = i64::try_from(span * i / points).unwrap_or(i64::MAX);
                start.saturating_add(step)
            })
            .collect(),
    )
}

/// What must be counted at `at` for `slo`'s results and for their budget trends (see
/// [`trend_instants`]): [`needs`] at `at`, with an age band boundary at every trend instant
/// and at its window's start, or every slice of every trend instant's window.
pub fn trend_needs(slo: &Slo, at: UnixNanos) -> Needs {
    let mut union = needs(slo, at);
    for window in &slo.windows {
        for t in trend_instants(window, at).unwrap_or_default() {
            match &mut union {
                Needs::Ages { limits, .. } => {
                    let offset = at - t;
                    if offset > 0 {
                        limits.push(offset);
                    }
                    limits.push(offset + window.span(t).age_limit);
                }
                Needs::Slices {
                    length, first, end, ..
                } => {
                    let (more_first, more_end) = window_slices(window, t, *length);
                    if more_first < more_end && first < end {
                        *first = (*first).min(more_first);
                        *end = (*end).max(more_end);
                    } else if more_first < more_end {
                        (*first, *end) = (more_first, more_end);
                    }
                }
            }
        }
    }
    union
}

/// The age limit of `lookback` for `slo` evaluated at `at`: the lookback, or within an
/// interval (`--between`) the part of it inside the interval, which holds every event counted.
fn lookback_limit(slo: &Slo, lookback: &SpanDuration, at: UnixNanos) -> i64 {
    slo.windows
        .first()
        .map_or(lookback.nanos(), |w| w.lookback_limit(lookback.nanos(), at))
}

/// The slice indices of `lookback` for `slo` evaluated at `at`: its most recent whole slices,
/// or within an interval (`--between`) those of them inside the interval.
fn lookback_slices(slo: &Slo, lookback: &SpanDuration, at: UnixNanos, length: i64) -> (i64, i64) {
    let (first, end) = rolling_slices(lookback.nanos(), at, length);
    match slo.windows.first() {
        Some(window @ Window::Between { .. }) => {
            let (inside, _) = window_slices(window, at, length);
            let first = first.max(inside);
            (first, end.max(first))
        }
        _ => (first, end),
    }
}

/// A window or lookback counted in the SLO's budgeting unit: events, or slices.
#[derive(Debug, Default)]
struct Counted<'a> {
    /// Events or slices that count towards the SLI.
    units: Counts,
    /// Events, for `invalid` and for ratio-of-slices SLIs.
    events: Counts,
    /// The mean of per-slice ratios (`ratio_timeslices` only; `None` without events).
    mean_ratio: Option<MeanRatio<'a>>,
}

fn count<'a>(
    slo: &Slo,
    tally: &SloTally,
    group: &'a GroupTally,
    at: UnixNanos,
    span: Span<'_>,
) -> Counted<'a> {
    count_before(slo, tally, group, at, 0, span)
}

/// [`count`] at `at` from a tally counted `offset` nanoseconds later, whose age limits include
/// `offset` and `offset + limit` for the limit of `span` at `at` (see [`trend_needs`]).
fn count_before<'a>(
    slo: &Slo,
    tally: &SloTally,
    group: &'a GroupTally,
    at: UnixNanos,
    offset: i64,
    span: Span<'_>,
) -> Counted<'a> {
    let Some(slice) = slo.budgeting.timeslice() else {
        let limit = match span {
            Span::Window(window) => window.span(at).age_limit,
            Span::Lookback(lookback) => lookback_limit(slo, lookback, at),
        };
        let counts = if offset > 0 {
            tally
                .counts_within(group, offset + limit)
                .since(&tally.counts_within(group, offset))
        } else {
            tally.counts_within(group, limit)
        };
        return Counted {
            units: counts,
            events: counts,
            mean_ratio: None,
        };
    };
    let length = slice.length.nanos();
    let range = match span {
        Span::Window(window) => window_slices(window, at, length),
        Span::Lookback(lookback) => lookback_slices(slo, lookback, at, length),
    };
    let excluded = if slo.exclude.is_empty() {
        0
    } else {
        excluded_slices(&excluded_intervals(&slo.exclude), range, length)
    };
    let summary = summarize(group.slices(), range, slice.objective.as_ref(), excluded);
    match slo.budgeting {
        Budgeting::RatioTimeslices(_) => Counted {
            units: Counts {
                invalid: summary.events.invalid,
                ..summary.events
            },
            events: summary.events,
            mean_ratio: MeanRatio::new(group.slices(), range),
        },
        _ => Counted {
            units: Counts {
                total: summary.slices,
                good: summary.good_slices,
                invalid: summary.events.invalid,
                excluded: summary.events.excluded,
            },
            events: summary.events,
            mean_ratio: None,
        },
    }
}

#[derive(Clone, Copy)]
enum Span<'a> {
    Window(&'a Window),
    Lookback(&'a SpanDuration),
}

/// The §4 figures of a counted window: exact for events and slices; for `ratio_timeslices`,
/// derived from the mean of slice ratios, decided exactly too.
fn figures(slo: &Slo, counted: &Counted) -> BudgetFigures {
    let mut figures = budget(counted.units.total, counted.units.good, &slo.objective);
    if let Budgeting::RatioTimeslices(_) = slo.budgeting {
        let objective = &slo.objective;
        let mean = counted.mean_ratio.as_ref();
        figures.sli = mean.map(MeanRatio::value);
        figures.sli_margin = mean.map(|m| m.margin(objective));
        figures.consumed = mean.map(|m| m.consumed(objective));
        figures.remaining = mean.map(|m| m.remaining(objective));
        figures.exhausted = mean.is_some_and(|m| m.exhausted(objective));
    }
    figures
}

/// The golden signals of `window` (the `index`-th of `slo`) for `group`, counted as
/// `counted`: traffic, error ratio and latency percentiles; `None` without `latency`.
fn golden_signals(
    slo: &Slo,
    group: &GroupTally,
    index: usize,
    window: &Window,
    at: UnixNanos,
    counted: &Counted,
) -> Option<GoldenSignals> {
    let latency = slo.latency.as_ref()?;
    let events = &counted.events;
    let seconds = covered_nanos(slo, window, at) as f64 / 1e9;
    let sketch = group.latency_in(index);
    let seconds_of = |nanos: Option<f64>| nanos.map(|n| n / 1e9);
    Some(GoldenSignals {
        traffic_per_s: (seconds > 0.0).then(|| events.total as f64 / seconds),
        error_ratio: (events.total > 0)
            .then(|| (events.total - events.good.min(events.total)) as f64 / events.total as f64),
        latency: LatencySummary {
            field: latency.field.to_string(),
            count: sketch.count(),
            p50_s: seconds_of(sketch.quantile(0.50)),
            p90_s: seconds_of(sketch.quantile(0.90)),
            p95_s: seconds_of(sketch.quantile(0.95)),
            p99_s: seconds_of(sketch.quantile(0.99)),
            max_s: seconds_of(sketch.max()),
        },
    })
}

/// The time `window` covers at `at` outside the SLO's exclusions, in nanoseconds: its
/// instants, or under time-slice budgeting its whole slices.
fn covered_nanos(slo: &Slo, window: &Window, at: UnixNanos) -> i64 {
    // As a half-open range of instants [lo, hi).
    let (lo, hi) = match slo.budgeting.timeslice() {
        Some(slice) => {
            let length = slice.length.nanos();
            let (first, end) = window_slices(window, at, length);
            (
                first.saturating_mul(length),
                end.max(first).saturating_mul(length),
            )
        }
        None => {
            let span = window.span(at);
            let lo = match window {
                // (A − D, A]
                Window::Rolling(_) => span.start.saturating_add(1),
                // [start, A]
                Window::Calendar { .. } | Window::Between { .. } => span.start,
            };
            (lo, at.saturating_add(1))
        }
    };
    let excluded: i64 = excluded_intervals(&slo.exclude)
        .iter()
        .map(|&(from, to)| (to.min(hi) - from.max(lo)).max(0))
        .sum();
    (hi - lo - excluded).max(0)
}

/// How a counted window stands against `target` (the objective or the SLA): `sli − target`
/// and whether `sli ≥ target`, decided exactly.
fn standing(slo: &Slo, counted: &Counted, target: &Objective) -> (Option<f64>, Option<bool>) {
    // A window without events has nothing to judge, even when it counts (empty, good) slices.
    match slo.budgeting {
        _ if counted.events.total == 0 => (None, None),
        Budgeting::RatioTimeslices(_) => match &counted.mean_ratio {
            Some(mean) => (Some(mean.margin(target)), Some(mean.reaches(target))),
            None => (None, None),
        },
        _ => sla_standing(counted.units.total, counted.units.good, target),
    }
}

/// How a counted window stands against the SLO's SLA, decided exactly as the objective is.
fn sla(slo: &Slo, counted: &Counted) -> Option<SlaResult> {
    let sla = slo.sla.as_ref()?;
    let (sli_margin, met) = standing(slo, counted, sla);
    Some(SlaResult {
        objective: sla.percent(),
        sli_margin,
        met,
    })
}

/// The burn rate of a counted lookback (§4), in the SLO's budgeting unit; `None` when the
/// lookback holds no event, even though under `timeslices` it counts (empty, good) slices.
fn burn(slo: &Slo, counted: &Counted) -> Option<f64> {
    if counted.events.total == 0 {
        return None;
    }
    match slo.budgeting {
        Budgeting::RatioTimeslices(_) => counted
            .mean_ratio
            .as_ref()
            .map(|mean| mean.consumed(&slo.objective)),
        _ => burn_rate(&counted.units, &slo.objective),
    }
}

/// The results of one SLO, sorted by group (`(other)` last) and then by window in spec order.
/// With many groups, `threads` threads share them out; the results are the same.
pub fn evaluate_slo(slo: &Slo, tally: &SloTally, at: UnixNanos, threads: usize) -> Vec<SloResult> {
    evaluate(slo, tally, at, false, threads)
}

/// [`evaluate_slo`] with each result's budget trend, from a tally counted with
/// [`trend_needs`]. A group's trend is its own events at each instant; `(other)` holds the
/// groups folded at `at`.
pub fn evaluate_slo_with_trend(
    slo: &Slo,
    tally: &SloTally,
    at: UnixNanos,
    threads: usize,
) -> Vec<SloResult> {
    evaluate(slo, tally, at, true, threads)
}

/// The budget left in `window` at each of its trend instants, for `group` of a tally counted
/// at `at` with [`trend_needs`].
fn budget_trend(
    slo: &Slo,
    tally: &SloTally,
    group: &GroupTally,
    window: &Window,
    at: UnixNanos,
) -> Option<Vec<BudgetPoint>> {
    let instants = trend_instants(window, at)?;
    Some(
        instants
            .into_iter()
            .map(|t| {
                let counted = count_before(slo, tally, group, t, at - t, Span::Window(window));
                let figures = figures(slo, &counted);
                BudgetPoint {
                    at: Timestamp(t),
                    remaining: figures.remaining,
                    exhausted: figures.exhausted,
                }
            })
            .collect(),
    )
}

/// Sorts `groups` by value, and the groups folded into `(other)` after all of them.
///
/// Each is first told apart by the start of its first value, kept beside it: comparing the
/// values themselves reads each group's labels from wherever they lie in memory, and with
/// 100 000 groups the sort took a fifth of a report's instructions.
fn sort_groups(groups: &mut Vec<&GroupTally>) {
    /// The first value of `group`, absent or not, and its first eight bytes as a number (zeros
    /// past its end): where these differ, the values' order is that of these.
    fn start(group: &GroupTally) -> (bool, Option<u64>) {
        let first = group.values.first().map(|value| {
            value.as_ref().map(|text| {
                let mut bytes = [0; 8];
                let head = &text.as_bytes()[..text.len().min(8)];
                bytes[..head.len()].copy_from_slice(head);
                u64::from_be_bytes(bytes)
            })
        });
        (group.folded.is_some(), first.flatten())
    }
    let mut keyed: Vec<_> = groups.iter().map(|&group| (start(group), group)).collect();
    keyed.sort_by(|(a_start, a), (b_start, b)| {
        a_start
            .cmp(b_start)
            .then_with(|| (a.folded.is_some(), &a.values).cmp(&(b.folded.is_some(), &b.values)))
    });
    groups.clear();
    groups.extend(keyed.into_iter().map(|(_, group)| group));
}

/// Groups evaluated by one thread at least: fewer are not worth a thread's start.
const GROUPS_PER_THREAD: usize = 4096;

fn evaluate(
    slo: &Slo,
    tally: &SloTally,
    at: UnixNanos,
    trend: bool,
    threads: usize,
) -> Vec<SloResult> {
    let mut groups: Vec<_> = tally.groups().collect();
    sort_groups(&mut groups);
    // Without events there is still one result per window (with no group labels), so that
    // `no_data` shows and can fail a check.
    let empty = tally.empty_group(slo.group_by.len());
    let no_groups = groups.is_empty();
    if no_groups {
        groups.push(&empty);
    }
    let evaluation = Evaluation {
        slo,
        tally,
        at,
        trend,
        no_groups,
        group_names: slo.group_by.iter().map(ToString::to_string).collect(),
        lookbacks: lookbacks(slo),
        // Alert thresholds scale with the SLO's first window (§4).
        first_window_ns: slo.windows.first().map_or(0, |w| w.alert_scale_nanos(at)),
        slice_seconds: slo.budgeting.timeslice().map(|s| s.length.seconds()),
    };
    let mut results = Vec::with_capacity(groups.len() * slo.windows.len());
    // With many groups, the groups are shared out in runs of the sorted order, one per thread,
    // and their results joined in that order: the same results as one thread gives.
    let per_thread = groups.len().div_ceil(threads.max(1)).max(GROUPS_PER_THREAD);
    let mut runs = groups.chunks(per_thread);
    let first = runs.next().unwrap_or_default();
    std::thread::scope(|scope| {
        let evaluation = &evaluation;
        let others: Vec<_> = runs
            .map(|run| {
                scope.spawn(move || {
                    let mut results = Vec::with_capacity(run.len() * slo.windows.len());
                    evaluation.push_run(run, &mut results);
                    results
                })
            })
            .collect();
        evaluation.push_run(first, &mut results);
        for other in others {
            match other.join() {
                Ok(mut theirs) => results.append(&mut theirs),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    results
}

/// What evaluating every group of one SLO at one instant shares.
struct Evaluation<'a> {
    slo: &'a Slo,
    tally: &'a SloTally,
    at: UnixNanos,
    /// Whether each result gets its budget trend.
    trend: bool,
    /// Whether the SLO saw no group at all (its one result has no group labels).
    no_groups: bool,
    group_names: Vec<String>,
    lookbacks: Vec<SpanDuration>,
    first_window_ns: i64,
    slice_seconds: Option<u64>,
}

impl Evaluation<'_> {
    /// Appends the results of the groups of `run`, in order.
    ///
    /// The groups are sorted by value, not by where they lie in memory: each group's memory is
    /// asked for a few groups ahead (a group, then what it points to), so that the waits for
    /// it overlap rather than come one after another.
    fn push_run(&self, run: &[&GroupTally], results: &mut Vec<SloResult>) {
        const AHEAD: usize = 4;
        for (at, group) in run.iter().enumerate() {
            if let Some(&later) = run.get(at + 2 * AHEAD) {
                prefetch_index::prefetch_index(std::slice::from_ref(later), 0);
            }
            if let Some(later) = run.get(at + AHEAD) {
                later.prefetch_for_evaluation();
            }
            if let Some(Some(Some(value))) = run.get(at + 1).map(|next| next.values.first()) {
                prefetch_index::prefetch_index(value.as_bytes(), 0);
            }
            self.push_results(group, results);
        }
    }

    /// Appends the results of `group`, one per window in spec order.
    fn push_results(&self, group: &GroupTally, results: &mut Vec<SloResult>) {
        let Evaluation {
            slo,
            tally,
            at,
            trend,
            no_groups,
            ref group_names,
            ref lookbacks,
            first_window_ns,
            slice_seconds,
        } = *self;
        let counted_lookbacks: Vec<Counted> = lookbacks
            .iter()
            .map(|l| count(slo, tally, group, at, Span::Lookback(l)))
            .collect();
        let uncounted = Counted::default();
        let counted_lookback = |lookback: &SpanDuration| {
            lookbacks
                .iter()
                .position(|l| l.as_written() == lookback.as_written())
                .map_or(&uncounted, |i| &counted_lookbacks[i])
        };
        let mut burn_rates = BurnRates::new(
            lookbacks
                .iter()
                .zip(&counted_lookbacks)
                .map(|(l, c)| (l.clone(), burn(slo, c))),
        );
        let mut alerts: Vec<AlertState> = slo
            .alerts
            .iter()
            .map(|rule| {
                let threshold = rule.threshold(first_window_ns);
                let exact = rule.threshold_fraction(first_window_ns);
                let fires = |lookback| {
                    let counted = counted_lookback(lookback);
                    match slo.budgeting {
                        Budgeting::RatioTimeslices(_) => counted
                            .mean_ratio
                            .as_ref()
                            .is_some_and(|mean| mean.burn_exceeds(&slo.objective, exact)),
                        _ => exceeds(&counted.units, &slo.objective, exact),
                    }
                };
                // Too few events over the long lookback, and one bad event would page.
                let enough = counted_lookback(&rule.long).events.total >= slo.min_events;
                AlertState {
                    severity: rule.severity.as_str().to_string(),
                    long: rule.long.as_written().to_string(),
                    short: rule.short.as_written().to_string(),
                    threshold,
                    firing: enough && fires(&rule.long) && fires(&rule.short),
                }
            })
            .collect();
        let firing = alerts.iter().any(|a| a.firing);
        let one_hour_burn = burn_rates.get("1h");
        let mut labels = if no_groups {
            GroupLabels::default()
        } else if group.folded.is_some() {
            GroupLabels(
                group_names
                    .iter()
                    .map(|name| (name.clone(), Some(OTHER_GROUP.to_string())))
                    .collect(),
            )
        } else {
            GroupLabels(
                group_names
                    .iter()
                    .cloned()
                    .zip(group.values.iter().cloned())
                    .collect(),
            )
        };
        for (index, window) in slo.windows.iter().enumerate() {
            // The group's labels, burn rates and alerts are the same in every window's result:
            // copied for each but the last, which takes them (a result's allocations are most
            // of what evaluating 100 000 groups costs).
            let last = index + 1 == slo.windows.len();
            let span = window.span(at);
            let counted = count(slo, tally, group, at, Span::Window(window));
            let golden_signals = golden_signals(slo, group, index, window, at, &counted);
            let figures = figures(slo, &counted);
            let units = counted.units;
            // A window without a single event has no data, even when it counts (empty, good)
            // time slices.
            let status = if counted.events.total == 0 || figures.sli.is_none() {
                Status::NoData
            } else if counted.events.total < slo.min_events {
                Status::LowTraffic
            } else if figures.exhausted {
                Status::Exhausted
            } else if firing {
                Status::AtRisk
            } else {
                Status::Ok
            };
            let sla = sla(slo, &counted);
            let policy = policy::policy_line(slo, status, sla.and_then(|s| s.met), &counted);
            // The window's length at `at` (a calendar window's whole period), found once.
            let length_ns = window.length_nanos(at);
            let length_s = length_ns as f64 / 1e9;
            let time_to_exhaustion_s = match (figures.remaining, one_hour_burn) {
                (Some(remaining), Some(burn)) if remaining > 0.0 && burn > 0.0 => {
                    Some(remaining * length_s / burn)
                }
                _ => None,
            };
            let (elapsed, exhaustion_horizon_s) = match window {
                Window::Calendar { .. } => (
                    Some(((at - span.start) as f64 / 1e9 / length_s).clamp(0.0, 1.0)),
                    (length_ns - (at - span.start)) as f64 / 1e9,
                ),
                Window::Rolling(_) | Window::Between { .. } => (None, length_s),
            };
            let bad = units.total - units.good;
            let (allowed_s, remaining_s) = match (&slo.budgeting, slice_seconds) {
                (Budgeting::Timeslices(_), Some(seconds)) => {
                    let (allowed, remaining) =
                        budget::slice_seconds(units.total, units.good, &slo.objective, seconds);
                    (Some(allowed), Some(remaining))
                }
                _ => (None, None),
            };
            results.push(SloResult {
                slo: slo.name.clone(),
                service: slo.service.clone(),
                group: if last {
                    std::mem::take(&mut labels)
                } else {
                    labels.clone()
                },
                window: window.label(),
                calendar_unit: match window {
                    Window::Rolling(_) | Window::Between { .. } => None,
                    Window::Calendar { unit, .. } => Some(*unit),
                },
                between: matches!(window, Window::Between { .. }),
                start: Timestamp(span.start),
                end: Timestamp(at),
                elapsed,
                objective: slo.objective.percent(),
                budgeting: slo.budgeting.as_str(),
                total: units.total,
                good: units.good,
                bad,
                invalid: counted.events.invalid,
                excluded: counted.events.excluded,
                events: counted.events.total,
                min_events: (slo.min_events > 0).then_some(slo.min_events),
                sli: figures.sli,
                sli_margin: figures.sli_margin,
                sla,
                error_budget: ErrorBudget {
                    allowed: figures.allowed,
                    consumed: figures.consumed,
                    remaining: figures.remaining,
                    allowed_s,
                    remaining_s,
                },
                burn_rates: if last {
                    std::mem::take(&mut burn_rates)
                } else {
                    burn_rates.clone()
                },
                alerts: if last {
                    std::mem::take(&mut alerts)
                } else {
                    alerts.clone()
                },
                time_to_exhaustion_s,
                exhaustion_horizon_s,
                status,
                golden_signals: golden_signals.map(Box::new),
                policy: policy.map(Box::new),
                has_policy: slo.policy.is_some(),
                folded: group.folded.as_deref().map(|f| FoldedGroups {
                    groups: f.groups,
                    estimated: f.estimated,
                }),
                objective_met: standing(slo, &counted, &slo.objective).1,
                budget_trend: if trend {
                    budget_trend(slo, tally, group, window, at)
                } else {
                    None
                },
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Folded;

    /// The groups come out in the order of their values, whatever their first bytes share:
    /// on random values of up to three fields, absent, empty, with zero bytes and prefixes
    /// of each other, some groups folded.
    #[test]
    fn groups_are_sorted_by_value_with_the_folded_last() {
        let mut state = 0x9e37_79b9_7f4a_7c15_u64;
        let mut next = |n: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % n
        };
        let pieces = [
            "",
            "\0",
            "a",
            "a\0",
            "ab",
            "abcdefgh",
            "abcdefgh\0",
            "abcdefghi",
            "é",
            "\u{ff}",
        ];
        for _ in 0..200 {
            let groups: Vec<GroupTally> = (0..next(40))
                .map(|_| {
                    let fields = next(3) + 1;
                    let values = (0..fields)
                        .map(|_| {
                            (next(5) > 0).then(|| {
                                (0..next(3))
                                    .map(|_| pieces[usize::try_from(next(10)).unwrap()])
                                    .collect()
                            })
                        })
                        .collect();
                    let mut group = GroupTally::new(values, 1);
                    if next(8) == 0 {
                        group.folded = Some(Box::new(Folded {
                            groups: 2,
                            estimated: false,
                            shown: 1,
                            passed_over: None,
                        }));
                    }
                    group
                })
                .collect();
            let mut sorted: Vec<&GroupTally> = groups.iter().collect();
            sort_groups(&mut sorted);
            let mut expected: Vec<&GroupTally> = groups.iter().collect();
            expected.sort_by(|a, b| {
                (a.folded.is_some(), &a.values).cmp(&(b.folded.is_some(), &b.values))
            });
            let keys = |groups: &[&GroupTally]| -> Vec<(bool, Vec<Option<String>>)> {
                groups
                    .iter()
                    .map(|g| (g.folded.is_some(), g.values.clone()))
                    .collect()
            };
            assert_eq!(keys(&sorted), keys(&expected));
        }
    }
}
