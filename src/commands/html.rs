//! `slo report -f html`: the figures the page draws, computed here so that the renderer only
//! formats. A chart over a window is the report at steps across it (a history, each instant
//! exactly as `--at` gives it), and the events per bucket are a second history whose only
//! window is one step long.

use crate::config::{At, RunConfig, Series};
use crate::render::ReportOverTime;
use crate::spec::{Budgeting, Window};
use crate::time::{SpanDuration, UnixNanos};

use super::compute::{compute, compute_history, hold_logs, ComputedReport};

/// At most this many steps across the longest window when no `--every` is given.
const STEPS_ACROSS: i64 = 96;

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
/// longest window of the report at the evaluation instant, at a step from [`NICE_STEPS`].
///
/// # Errors
///
/// Whatever the report or the history can fail with.
pub(super) fn report_over_time(
    config: &RunConfig,
    series: Option<Series>,
) -> anyhow::Result<(ReportOverTime, Vec<String>)> {
    // The logs are read up to three times (the instant, the history, the buckets): standard
    // input and pipes are held in temporary copies, removed when this returns.
    let mut copies = Vec::new();
    let mut config = config.clone();
    config.passes = hold_logs(&config.passes, &mut copies)?;
    let config = &config;
    let series = match series {
        Some(series) => series,
        None => {
            let now = compute(config)?;
            across_windows(&now, &slice_lengths(config))
        }
    };
    let history = compute_history(config, &series)?;
    let warnings = history
        .last()
        .map(|c| c.warnings.clone())
        .unwrap_or_default();
    let step = SpanDuration::from_seconds(
        u64::try_from(series.every / NANOS_PER_SECOND).unwrap_or(u64::MAX),
    );
    let bucketed = one_window_of(config, &step);
    let buckets = compute_history(&bucketed, &series)?;
    Ok((
        ReportOverTime {
            history: history.into_iter().map(|c| c.report).collect(),
            buckets: buckets.into_iter().map(|c| c.report).collect(),
            step,
        },
        warnings,
    ))
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

/// The instants across the longest window of `now`, ending at its evaluation instant, at a
/// step that holds whole time slices of every length in `slices` (each divides an hour), so
/// that each step's bucket counts whole slices.
fn across_windows(now: &ComputedReport, slices: &[u64]) -> Series {
    let at: UnixNanos = now.report.evaluated_at.0;
    let span = now
        .report
        .results
        .iter()
        .map(|r| r.end.0 - r.start.0)
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
    }
}

/// The run with every SLO's windows replaced by one rolling window of `step`: its history
/// gives each SLO's good and bad events in each bucket `(t − step, t]`.
fn one_window_of(config: &RunConfig, step: &SpanDuration) -> RunConfig {
    let mut bucketed = config.clone();
    for slo in &mut bucketed.specs.slos {
        slo.windows = vec![Window::Rolling(step.clone())];
    }
    bucketed.quiet = true;
    bucketed
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
