//! `slo report -f html`: the figures the page draws, computed here so that the renderer only
//! formats. A chart over a window is the report at steps across it (a history, each instant
//! exactly as `--at` gives it); the events per step and the past calendar periods come from the
//! same count of the logs (see [`history_at`]).

use crate::config::{At, RunConfig, Series};
use crate::render::{PastPeriod, ReportOverTime};
use crate::spec::{Budgeting, Window};
use crate::time::{period_name, SpanDuration, UnixNanos};

use super::compute::{evaluation_instant, history_at, hold_logs, GroupsOverTime};

/// At most this many steps across the longest window when no `--every` is given.
const STEPS_ACROSS: i64 = 96;

/// How many past periods of a calendar window the page lists (the six months, weeks, … before
/// the current one).
pub const PAST_PERIODS: usize = 6;

/// The steps a chart may take, shortest first: the first that covers the longest window in at
/// most [`STEPS_ACROSS`] steps is taken, so buckets have lengths people read at a glance.
const NICE_STEPS: [u64; 12] = [
    60,
    5 * 60,
    10 * 60,
    15 * 60,
    30 * 60,
    3600,
    2 * 3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    7 * 86_400,
];

const NANOS_PER_SECOND: i64 = 1_000_000_000;

/// The report over time that the HTML page draws, and the warnings of the run.
///
/// With `series` (`--from/--to/--every`) the charts span its instants; otherwise they span the
/// longest window at the evaluation instant, at a step from [`NICE_STEPS`]. The logs are counted
/// once for all of it: the history's instants, the buckets before each of them and the ends of
/// the past calendar periods are all band boundaries of one count (read once more before it
/// for `latest`).
///
/// # Errors
///
/// Whatever the history can fail with.
pub(super) fn report_over_time(
    config: &RunConfig,
    series: Option<Series>,
) -> anyhow::Result<(ReportOverTime, Vec<String>)> {
    // `latest` reads the logs for their latest time before counting them: standard input and
    // pipes are held in temporary copies (see `hold_logs`).
    let mut config = config.clone();
    let latest = match &series {
        Some(series) => series.to == At::Latest,
        None => config.at == At::Latest,
    };
    if latest {
        config.passes = hold_logs(&config.passes)?;
    }
    let config = &config;
    let asked_for = series.is_some();
    let (series, to) = match series {
        Some(series) => {
            let to = evaluation_instant(config, series.to, &config.passes)?;
            (series, to)
        }
        None => {
            let at = evaluation_instant(config, config.at, &config.passes)?;
            (across_windows(config, at, &slice_lengths(config)), at)
        }
    };
    let instants = series.instants(to)?;
    let periods = past_periods(config, to);
    let mut all: Vec<UnixNanos> = instants
        .iter()
        .copied()
        .chain(periods.iter().map(|p| p.at))
        .collect();
    all.sort_unstable();
    all.dedup();
    let step = SpanDuration::from_seconds(
        u64::try_from(series.every / NANOS_PER_SECOND).unwrap_or(u64::MAX),
    );
    // The page follows the groups the last instant shows through every chart.
    let counted = history_at(
        config,
        &config.passes,
        &all,
        Some(&step),
        GroupsOverTime::AsAtLast,
    )?;
    let mut history = Vec::with_capacity(instants.len());
    let mut past = Vec::with_capacity(periods.len());
    let mut buckets = Vec::with_capacity(instants.len());
    let mut warnings = Vec::new();
    for ((&at, computed), bucket) in all.iter().zip(counted.reports).zip(counted.buckets) {
        if instants.binary_search(&at).is_ok() {
            // The page's last instant says the warnings once (`to` itself, unless it falls
            // between two steps of `--every`).
            if Some(&at) == instants.last() {
                warnings.clone_from(&computed.warnings);
            }
            history.push(computed.report.clone());
            buckets.push(bucket);
        }
        for period in periods.iter().filter(|p| p.at == at) {
            let slo = &config.specs.slos[period.slo].name;
            let window = config.specs.slos[period.slo].windows[period.window].label();
            past.push(PastPeriod {
                name: period.name.clone(),
                results: computed
                    .report
                    .results
                    .iter()
                    .filter(|r| &r.slo == slo && r.window == window)
                    .cloned()
                    .collect(),
            });
        }
    }
    Ok((
        ReportOverTime {
            history,
            buckets,
            step,
            asked_for,
            past_periods: past,
        },
        warnings,
    ))
}

/// The end of one past period of a calendar window: its last instant, where the report gives
/// the whole period's figures.
struct PeriodEnd {
    /// The SLO, as an index into the run's specs.
    slo: usize,
    /// The window, as an index into the SLO's windows.
    window: usize,
    /// The period as people name it (`2026-09`).
    name: String,
    /// The period's last instant.
    at: UnixNanos,
}

/// The last instants of the [`PAST_PERIODS`] periods before the one holding `at`, of every
/// calendar window of the selected SLOs, oldest first per window.
fn past_periods(config: &RunConfig, at: UnixNanos) -> Vec<PeriodEnd> {
    let mut ends = Vec::new();
    for &slo in &config.selected {
        for (index, window) in config.specs.slos[slo].windows.iter().enumerate() {
            let Window::Calendar { unit, zone } = window else {
                continue;
            };
            let mut start = window.span(at).start;
            let mut periods = Vec::with_capacity(PAST_PERIODS);
            for _ in 0..PAST_PERIODS {
                let last = start.saturating_sub(1);
                periods.push(PeriodEnd {
                    slo,
                    window: index,
                    name: period_name(last, *unit, zone),
                    at: last,
                });
                start = window.span(last).start;
            }
            ends.extend(periods.into_iter().rev());
        }
    }
    ends
}

/// The slice lengths of the selected SLOs that budget time slices, in seconds.
fn slice_lengths(config: &RunConfig) -> Vec<u64> {
    config
        .selected
        .iter()
        .filter_map(|&i| match &config.specs.slos[i].budgeting {
            Budgeting::Timeslices(slice) | Budgeting::RatioTimeslices(slice) => {
                Some(slice.length.seconds())
            }
            Budgeting::Occurrences => None,
        })
        .collect()
}

/// The instants across the longest window of the selected SLOs at `at`, ending at `at`, at a
/// step that holds whole time slices of every length in `slices` (each divides an hour), so
/// that each step's bucket counts whole slices.
fn across_windows(config: &RunConfig, at: UnixNanos, slices: &[u64]) -> Series {
    let span = config
        .selected
        .iter()
        .flat_map(|&slo| &config.specs.slos[slo].windows)
        .map(|window| at - window.span(at).start)
        .max()
        .unwrap_or(0)
        .max(NANOS_PER_SECOND);
    let step_seconds = NICE_STEPS
        .iter()
        .copied()
        .filter(|&s| slices.iter().all(|&slice| s % slice == 0))
        .find(|&s| span <= STEPS_ACROSS * NANOS_PER_SECOND * i64::try_from(s).unwrap_or(i64::MAX))
        .unwrap_or(NICE_STEPS[NICE_STEPS.len() - 1]);
    let every = i64::try_from(step_seconds).unwrap_or(i64::MAX) * NANOS_PER_SECOND;
    let steps = (span + every - 1) / every;
    Series {
        from: at - steps * every,
        to: At::Instant(at),
        every,
        lead_in: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nice_steps_cover_the_window_in_at_most_96() {
        for (days, step) in [(30, 12 * 3600), (7, 2 * 3600), (1, 15 * 60)] {
            let span = days * 86_400 * NANOS_PER_SECOND;
            let found = NICE_STEPS
                .iter()
                .copied()
                .find(|&s| span <= STEPS_ACROSS * NANOS_PER_SECOND * i64::try_from(s).unwrap())
                .unwrap();
            assert_eq!(found, step, "{days}d");
        }
    }
}
