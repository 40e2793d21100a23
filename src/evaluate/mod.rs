//! From counts to figures: SLI, error budget and status for every SLO × group × window.

mod budget;
mod burn;

use std::collections::BTreeMap;

pub use budget::{budget, BudgetFigures};
pub use burn::{burn_rate, exceeds, lookbacks, threshold};

use crate::aggregate::{Counts, SloTally};
use crate::report::{AlertState, ErrorBudget, SloResult, Status};
use crate::spec::Slo;
use crate::time::{format_rfc3339, UnixNanos};

/// The results of one SLO, sorted by group and then by window in spec order.
pub fn evaluate_slo(slo: &Slo, tally: &SloTally, at: UnixNanos) -> Vec<SloResult> {
    let mut groups: Vec<_> = tally.groups().collect();
    groups.sort_by(|a, b| a.values.cmp(&b.values));
    let mut results = Vec::new();
    let group_names: Vec<String> = slo.group_by.iter().map(ToString::to_string).collect();
    // Without group_by and without events there is still one (empty) result per window.
    let empty = tally.empty_group(group_names.len());
    if groups.is_empty() && slo.group_by.is_empty() {
        groups.push(&empty);
    }
    let lookbacks = lookbacks(slo);
    // Alert thresholds scale with the SLO's first window (§4).
    let first_window_ns = slo
        .windows
        .first()
        .map_or(0, |w| (w.length_seconds(at) * 1e9) as i64);
    for group in groups {
        let lookback_counts: Vec<Counts> = lookbacks
            .iter()
            .map(|l| tally.counts_within(group, l.nanos()))
            .collect();
        let counts_of = |lookback: &crate::time::SpanDuration| {
            lookbacks
                .iter()
                .position(|l| l.as_written() == lookback.as_written())
                .map(|i| lookback_counts[i])
                .unwrap_or_default()
        };
        let burn_rates: BTreeMap<String, Option<f64>> = lookbacks
            .iter()
            .zip(&lookback_counts)
            .map(|(l, c)| (l.as_written().to_string(), burn_rate(c, &slo.objective)))
            .collect();
        let alerts: Vec<AlertState> = slo
            .alerts
            .iter()
            .map(|rule| {
                let fires = |lookback| {
                    exceeds(
                        &counts_of(lookback),
                        &slo.objective,
                        &rule.budget,
                        first_window_ns,
                        &rule.long,
                    )
                };
                AlertState {
                    severity: rule.severity.as_str().to_string(),
                    long: rule.long.as_written().to_string(),
                    short: rule.short.as_written().to_string(),
                    threshold: threshold(rule, first_window_ns),
                    firing: fires(&rule.long) && fires(&rule.short),
                }
            })
            .collect();
        let firing = alerts.iter().any(|a| a.firing);
        let one_hour_burn = burn_rates.get("1h").copied().flatten();
        let labels: BTreeMap<String, Option<String>> = group_names
            .iter()
            .cloned()
            .zip(group.values.iter().cloned())
            .collect();
        for window in &slo.windows {
            let span = window.span(at);
            let counts = tally.counts_within(group, span.age_limit);
            let figures = budget(counts.total, counts.good, &slo.objective);
            let status = if counts.total == 0 {
                Status::NoData
            } else if figures.exhausted {
                Status::Exhausted
            } else if firing {
                Status::AtRisk
            } else {
                Status::Ok
            };
            let time_to_exhaustion_s = match (figures.remaining, one_hour_burn) {
                (Some(remaining), Some(burn)) if remaining > 0.0 && burn > 0.0 => {
                    Some(remaining * window.length_seconds(at) / burn)
                }
                _ => None,
            };
            results.push(SloResult {
                slo: slo.name.clone(),
                service: slo.service.clone(),
                group: labels.clone(),
                window: window.label(),
                start: format_rfc3339(span.start),
                end: format_rfc3339(at),
                objective: slo.objective.percent(),
                budgeting: slo.budgeting.as_str(),
                total: counts.total,
                good: counts.good,
                bad: counts.total - counts.good,
                invalid: counts.invalid,
                sli: figures.sli,
                sli_margin: figures.sli_margin,
                error_budget: ErrorBudget {
                    allowed: figures.allowed,
                    consumed: figures.consumed,
                    remaining: figures.remaining,
                },
                burn_rates: burn_rates.clone(),
                alerts: alerts.clone(),
                time_to_exhaustion_s,
                status,
            });
        }
    }
    results
}
