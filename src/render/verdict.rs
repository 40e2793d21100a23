//! The default output of `slo check`: one line per result that fails the policy, one when no
//! result has any event, then a summary line. Terse, for a cron mail or a CI log.

use std::io::{self, Write};

use super::summary;
use super::{percent, points, Renderer};
use crate::policy::{FailOn, Verdict};
use crate::report::{Report, Status};

/// Renders the [`Verdict`] of `check` on a [`Report`].
#[derive(Debug, Clone)]
pub struct VerdictRenderer {
    /// The verdict on the report rendered.
    pub verdict: Verdict,
}

impl Renderer for VerdictRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let verdict = &self.verdict;
        for (result, failed_by) in report
            .results
            .iter()
            .zip(&verdict.failed_by)
            .filter(|(_, failed_by)| !failed_by.is_empty())
        {
            let few = match (result.status, result.min_events) {
                (Status::LowTraffic, Some(min_events)) => format!(
                    "{} events, fewer than its min_events {min_events}; ",
                    result.events
                ),
                _ => String::new(),
            };
            let mut detail = match result.error_budget.remaining {
                Some(remaining) => format!(
                    "{few}SLI {} against {} %, {:.1} % of the error budget left",
                    percent(result.sli.unwrap_or(0.0)),
                    result.objective,
                    remaining * 100.0
                ),
                None => summary::no_events(result, ""),
            };
            // Why it fails: its status, the SLA, or both.
            let mut why = Vec::new();
            if failed_by.iter().any(|f| *f != FailOn::Sla) {
                why.push(result.status.as_str());
            }
            if let (true, Some(sla)) = (failed_by.contains(&FailOn::Sla), result.sla) {
                why.push("sla breached");
                detail.push_str(&format!(
                    "; below its SLA of {} % ({})",
                    sla.objective,
                    match (sla.sli_margin, result.sli) {
                        (Some(margin), Some(sli)) => points(margin, sli),
                        _ => String::new(),
                    }
                ));
            }
            writeln!(
                out,
                "FAIL {} [{}]: {}: {}",
                summary::name(result),
                result.window,
                why.join(", "),
                detail
            )?;
        }
        for line in summary::policy_lines(report) {
            writeln!(out, "{line}")?;
        }
        if let Some(reason) = &verdict.no_events {
            writeln!(out, "FAIL no result has any event: {reason}")?;
        }
        let policy: Vec<&str> = verdict.fail_on.iter().map(|f| f.as_str()).collect();
        let when = match &report.between {
            Some(interval) => format!("over {}", interval.label()),
            None => format!("at {}", report.evaluated_at),
        };
        // A check with no event at all fails whatever the policy says of each result.
        let no_events = if verdict.no_events.is_some() {
            ", and no result has any event"
        } else {
            ""
        };
        writeln!(
            out,
            "{}: {} of {} results fail the policy (--fail-on {}){no_events} {}",
            if verdict.status() == crate::exit::ExitStatus::Success {
                "ok"
            } else {
                "FAILED"
            },
            verdict.failed(),
            report.results.len(),
            policy.join(","),
            when
        )
    }
}
