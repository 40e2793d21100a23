//! `slo backtest`: each SLO's alert policy replayed over a past period, from the reports of a
//! history at every step (see `commands::compute::compute_history`): when each alert would
//! have fired and for how long, how much budget went meanwhile, and where the budget burned
//! faster than 1× with no alert firing — what a team looks at to tune `alerts:`.
//!
//! Every figure comes from the results of the report at each instant, which are exactly those
//! of `slo report --at` that instant; nothing here counts events.

use std::collections::HashMap;

use serde::Serialize;

use crate::report::{GroupLabels, Report, SloResult};
use crate::time::{Timestamp, UnixNanos};

/// The replay of every selected SLO's alerts over a period.
#[derive(Debug, Clone, Serialize)]
pub struct Backtest {
    /// The first instant evaluated.
    pub from: Timestamp,
    /// The last instant evaluated.
    pub to: Timestamp,
    /// The step between instants, in seconds.
    pub step_s: f64,
    /// One per SLO × group, in report order, for the SLO's first window.
    pub results: Vec<BacktestResult>,
}

/// The replay of one SLO × group.
#[derive(Debug, Clone, Serialize)]
pub struct BacktestResult {
    /// The SLO's name.
    pub slo: String,
    /// The group's field values, as in the report.
    pub group: GroupLabels,
    /// The SLO's first window, whose budget the alerts guard.
    pub window: String,
    /// Alert episodes of severity `page`.
    pub pages: u64,
    /// Alert episodes of severity `ticket`.
    pub tickets: u64,
    /// Minutes with some alert firing: the steps `(t − step, t]` of the period whose end `t`
    /// has one firing (the instant at `--from` stands for no step), so at most the period.
    pub minutes_firing: f64,
    /// Every alert episode, by start.
    pub episodes: Vec<Episode>,
    /// Periods when the budget burned faster than 1× over the shortest alert lookback and no
    /// alert fired, by start.
    pub unalerted_burns: Vec<Burn>,
}

/// A run of instants at which one alert rule fires.
#[derive(Debug, Clone, Serialize)]
pub struct Episode {
    /// `page` or `ticket`.
    pub severity: String,
    /// The rule's long lookback, as written.
    pub long: String,
    /// The rule's short lookback, as written.
    pub short: String,
    /// The first instant at which it fires.
    pub start: Timestamp,
    /// Whether it already fired at the instant before `from`: the episode began earlier than
    /// `start`, which is then `from`.
    pub began_earlier: bool,
    /// The first instant at which it no longer fires; `None` while it still fires at the last
    /// instant.
    pub end: Option<Timestamp>,
    /// The highest burn rate over the long lookback while it fires.
    pub peak_burn_rate: f64,
    /// The share of the window's error budget consumed from the instant before the episode to
    /// its last firing instant (what the burn-down falls by).
    pub budget_spent: f64,
}

/// A run of instants at which the budget burns faster than 1× and no alert fires.
#[derive(Debug, Clone, Serialize)]
pub struct Burn {
    /// The first such instant.
    pub start: Timestamp,
    /// Whether the budget already burned so, with no alert firing, at the instant before
    /// `from`: the run began earlier than `start`, which is then `from`.
    pub began_earlier: bool,
    /// The first instant after the run; `None` while it lasts at the last instant.
    pub end: Option<Timestamp>,
    /// The highest burn rate over the shortest lookback in the run.
    pub peak_burn_rate: f64,
    /// That lookback, as written.
    pub lookback: String,
}

/// Replays the alerts of every SLO × group in `reports` (one per instant, in order, `step`
/// nanoseconds apart). `before` is the report at the instant one step before the first: the
/// budget left there is where an episode under way at the first instant starts from, and the
/// alerts firing there tell that it began earlier.
pub fn replay(before: &Report, reports: &[Report], step: UnixNanos) -> Backtest {
    // Each SLO × group's first-window result at every instant, the instant before first, keyed
    // as first seen in the period.
    let mut order: Vec<(String, GroupLabels)> = Vec::new();
    let mut series: HashMap<(String, GroupLabels), Vec<Option<&SloResult>>> = HashMap::new();
    let all = || std::iter::once(before).chain(reports);
    for (k, report) in all().enumerate() {
        let in_period = k > 0;
        let mut seen: Vec<(String, GroupLabels)> = Vec::new();
        for result in &report.results {
            let key = (result.slo.clone(), result.group.clone());
            // Results come by SLO, group, then window in spec order: the first is the first
            // window's.
            if seen.contains(&key) {
                continue;
            }
            seen.push(key.clone());
            let slot = series
                .entry(key.clone())
                .or_insert_with(|| vec![None; reports.len() + 1]);
            // Listed in the order the period first has them; one that only the instant
            // before has is not listed.
            if in_period && slot[1..].iter().all(Option::is_none) {
                order.push(key.clone());
            }
            slot[k] = Some(result);
        }
    }
    let instants: Vec<UnixNanos> = reports.iter().map(|r| r.evaluated_at.0).collect();
    let results = order
        .into_iter()
        .filter_map(|key| {
            let results = series.remove(&key)?;
            Some(replay_one(&key.0, key.1, &results, &instants, step))
        })
        .collect();
    #[allow(clippy::cast_precision_loss, reason = "a step is far below 2^53 ns")]
    let step_s = step as f64 / 1e9;
    Backtest {
        from: Timestamp(instants.first().copied().unwrap_or_default()),
        to: Timestamp(instants.last().copied().unwrap_or_default()),
        step_s,
        results,
    }
}

/// An episode or burn being followed.
struct Open {
    start: UnixNanos,
    began_earlier: bool,
    peak: f64,
    consumed_before: f64,
    consumed_last: f64,
}

/// The replay of one SLO × group from its first-window result at the instant before the period
/// and at each of `instants` (`results` holds one more than `instants`: that one first).
fn replay_one(
    slo: &str,
    group: GroupLabels,
    results: &[Option<&SloResult>],
    instants: &[UnixNanos],
    step: UnixNanos,
) -> BacktestResult {
    let (before, results) = results.split_first().unwrap_or((&None, &[]));
    let window = results
        .iter()
        .flatten()
        .next()
        .map(|r| r.window.clone())
        .unwrap_or_default();
    // The alert rules, as the results list them.
    let rules: Vec<(String, String, String)> = results
        .iter()
        .flatten()
        .next()
        .map(|r| {
            r.alerts
                .iter()
                .map(|a| (a.severity.clone(), a.long.clone(), a.short.clone()))
                .collect()
        })
        .unwrap_or_default();
    let mut open: Vec<Option<Open>> = rules.iter().map(|_| None).collect();
    let mut episodes = Vec::new();
    let mut burning: Option<(Open, String)> = None;
    let mut burns = Vec::new();
    let mut instants_firing = 0u64;
    // Where the period starts from: the budget consumed at the instant before (none without
    // events there), what fired there and whether the budget burned there unalerted.
    let mut consumed_before = before.and_then(|r| r.error_budget.consumed).unwrap_or(0.0);
    let fired_before: Vec<bool> = rules
        .iter()
        .map(|(severity, long, short)| before.is_some_and(|r| fires(r, severity, long, short)))
        .collect();
    let burned_before = before.is_some_and(|r| {
        !r.alerts.iter().any(|a| a.firing) && shortest_burn(r).is_some_and(|(_, rate)| rate > 1.0)
    });
    for (k, (&at, result)) in instants.iter().zip(results).enumerate() {
        let first = k == 0;
        let consumed = result
            .and_then(|r| r.error_budget.consumed)
            .unwrap_or(consumed_before);
        let mut any_firing = false;
        for (index, (severity, long, short)) in rules.iter().enumerate() {
            let firing = result.is_some_and(|r| fires(r, severity, long, short));
            any_firing |= firing;
            let rate = result.and_then(|r| r.burn_rates.get(long)).unwrap_or(0.0);
            match (&mut open[index], firing) {
                (Some(episode), true) => {
                    episode.peak = episode.peak.max(rate);
                    episode.consumed_last = consumed;
                }
                (slot @ None, true) => {
                    *slot = Some(Open {
                        start: at,
                        began_earlier: first && fired_before[index],
                        peak: rate,
                        consumed_before,
                        consumed_last: consumed,
                    });
                }
                (slot @ Some(_), false) => {
                    if let Some(done) = slot.take() {
                        episodes.push(episode(severity, long, short, &done, Some(at)));
                    }
                }
                (None, false) => {}
            }
        }
        // Each instant after the first stands for the step that ends at it, so that the time
        // firing is at most the period's `(from, to]`.
        instants_firing += u64::from(any_firing && !first);
        // The budget burns faster than 1× over the shortest lookback, with no alert firing.
        let shortest = result.and_then(shortest_burn);
        match (&mut burning, shortest) {
            (Some((run, _)), Some((_, rate))) if rate > 1.0 && !any_firing => {
                run.peak = run.peak.max(rate);
            }
            (None, Some((lookback, rate))) if rate > 1.0 && !any_firing => {
                let run = Open {
                    start: at,
                    began_earlier: first && burned_before,
                    peak: rate,
                    consumed_before,
                    consumed_last: consumed,
                };
                burning = Some((run, lookback));
            }
            (Some(_), _) => {
                if let Some((run, lookback)) = burning.take() {
                    burns.push(Burn {
                        start: Timestamp(run.start),
                        began_earlier: run.began_earlier,
                        end: Some(Timestamp(at)),
                        peak_burn_rate: run.peak,
                        lookback,
                    });
                }
            }
            (None, _) => {}
        }
        consumed_before = consumed;
    }
    for (index, (severity, long, short)) in rules.iter().enumerate() {
        if let Some(done) = open[index].take() {
            episodes.push(episode(severity, long, short, &done, None));
        }
    }
    if let Some((run, lookback)) = burning {
        burns.push(Burn {
            start: Timestamp(run.start),
            began_earlier: run.began_earlier,
            end: None,
            peak_burn_rate: run.peak,
            lookback,
        });
    }
    episodes.sort_by_key(|e| (e.start, e.severity != "page"));
    let count = |severity: &str| episodes.iter().filter(|e| e.severity == severity).count() as u64;
    #[allow(
        clippy::cast_precision_loss,
        reason = "minutes of a history fit an f64"
    )]
    let minutes_firing = instants_firing as f64 * step as f64 / 60e9;
    BacktestResult {
        slo: slo.to_string(),
        group,
        window,
        pages: count("page"),
        tickets: count("ticket"),
        minutes_firing,
        episodes,
        unalerted_burns: burns,
    }
}

/// Whether the alert rule `severity` `long`/`short` fires in `result`.
fn fires(result: &SloResult, severity: &str, long: &str, short: &str) -> bool {
    result
        .alerts
        .iter()
        .any(|a| a.firing && a.long == long && a.short == short && a.severity == severity)
}

/// The burn rate of `result` over its shortest lookback (0 without events), with that lookback
/// as written.
fn shortest_burn(result: &SloResult) -> Option<(String, f64)> {
    result
        .burn_rates
        .iter()
        .min_by_key(|(lookback, _)| lookback.nanos())
        .map(|(lookback, rate)| (lookback.as_written().to_string(), rate.unwrap_or(0.0)))
}

fn episode(
    severity: &str,
    long: &str,
    short: &str,
    open: &Open,
    end: Option<UnixNanos>,
) -> Episode {
    Episode {
        severity: severity.to_string(),
        long: long.to_string(),
        short: short.to_string(),
        start: Timestamp(open.start),
        began_earlier: open.began_earlier,
        end: end.map(Timestamp),
        peak_burn_rate: open.peak,
        budget_spent: open.consumed_last - open.consumed_before,
    }
}
