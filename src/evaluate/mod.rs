//! From counts to figures: SLI, error budget and status for every SLO × group × window.

mod budget;

use std::collections::BTreeMap;

pub use budget::{budget, BudgetFigures};

use crate::aggregate::SloTally;
use crate::report::{ErrorBudget, SloResult, Status};
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
    for group in groups {
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
            } else {
                Status::Ok
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
                burn_rates: BTreeMap::new(),
                alerts: Vec::new(),
                time_to_exhaustion_s: None,
                status,
            });
        }
    }
    results
}
