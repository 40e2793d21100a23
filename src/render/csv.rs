//! `--format csv`: one row per SLO × group × window under a header, RFC 4180.
//!
//! Columns are the JSON fields flattened with dots (`error_budget.remaining`), so a
//! spreadsheet and a script read the same names. A result's `group` becomes one column per
//! group field (`group.route`) and its `burn_rates` one column per lookback
//! (`burn_rates.1h`); both unions are taken over the whole report, so every row has every
//! column, empty where it does not apply. Numbers are written in full precision; `null` is an
//! empty field. Column list in docs/output-formats.md.

use std::collections::BTreeSet;
use std::io::{self, Write};

use super::Renderer;
use crate::report::{Report, SloResult};

/// Renders the [`Report`] as CSV.
#[derive(Debug, Clone, Copy)]
pub struct CsvRenderer;

/// The columns before the group columns.
const LEADING: [&str; 2] = ["slo", "service"];

/// The columns between the group and the burn-rate columns.
const FIGURES: [&str; 22] = [
    "window",
    "start",
    "end",
    "elapsed",
    "objective",
    "budgeting",
    "total",
    "good",
    "bad",
    "invalid",
    "excluded",
    "events",
    "min_events",
    "sli",
    "sli_margin",
    "error_budget.allowed",
    "error_budget.consumed",
    "error_budget.remaining",
    "error_budget.allowed_s",
    "error_budget.remaining_s",
    "time_to_exhaustion_s",
    "status",
];

impl Renderer for CsvRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_reports(std::slice::from_ref(report), false, out)
    }

    /// One header for every instant, with an `evaluated_at` column first.
    fn render_history(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        write_reports(reports, true, out)
    }
}

/// The rows of `reports` under one header: the unions of their group fields and lookbacks;
/// with `instants`, each row starts with its report's instant.
fn write_reports(reports: &[Report], instants: bool, out: &mut dyn Write) -> io::Result<()> {
    let results = || reports.iter().flat_map(|r| r.results.iter());
    {
        let groups: BTreeSet<&str> = results()
            .flat_map(|r| r.group.iter().map(|(field, _)| field.as_str()))
            .collect();
        let lookbacks = lookbacks(reports);
        // The `(other)` group's size, only in a report that has one; the SLA, only in a report
        // with an SLO that has one.
        let folded = results().any(|r| r.folded.is_some());
        let sla = results().any(|r| r.sla.is_some());
        // The policy's columns whenever an SLO has one, not only when a result reaches its
        // words: the header of a report appended to a file stays the same.
        let policy = results().any(|r| r.has_policy);
        let signals = results().any(|r| r.golden_signals.is_some());
        let mut writer = ::csv::Writer::from_writer(out);
        let mut header: Vec<String> = Vec::new();
        if instants {
            header.push("evaluated_at".to_string());
        }
        header.extend(LEADING.iter().map(|c| c.to_string()));
        header.extend(groups.iter().map(|g| format!("group.{g}")));
        header.extend(FIGURES.iter().map(|c| c.to_string()));
        header.extend(lookbacks.iter().map(|l| format!("burn_rates.{l}")));
        header.push("alerts.firing".to_string());
        if sla {
            header.extend(SLA.iter().map(|c| c.to_string()));
        }
        if signals {
            header.extend(SIGNALS.iter().map(|c| c.to_string()));
        }
        if policy {
            header.extend(["policy.rule".to_string(), "policy.text".to_string()]);
        }
        if folded {
            header.extend(["folded.groups".to_string(), "folded.estimated".to_string()]);
        }
        writer.write_record(&header).map_err(into_io)?;
        for report in reports {
            for result in &report.results {
                let mut row = Vec::new();
                if instants {
                    row.push(report.evaluated_at.to_string());
                }
                row.extend(self::row(result, &groups, &lookbacks));
                if sla {
                    row.extend(match result.sla {
                        Some(sla) => [
                            sla.objective.to_string(),
                            number(sla.sli_margin),
                            sla.met.map_or_else(String::new, |met| met.to_string()),
                        ],
                        None => Default::default(),
                    });
                }
                if signals {
                    row.extend(match &result.golden_signals {
                        Some(g) => {
                            let l = &g.latency;
                            vec![
                                number(g.traffic_per_s),
                                number(g.error_ratio),
                                l.field.clone(),
                                l.count.to_string(),
                                number(l.p50_s),
                                number(l.p90_s),
                                number(l.p95_s),
                                number(l.p99_s),
                                number(l.max_s),
                            ]
                        }
                        None => vec![String::new(); SIGNALS.len()],
                    });
                }
                if policy {
                    row.extend(match &result.policy {
                        Some(line) => [line.rule.clone(), line.text.clone()],
                        None => Default::default(),
                    });
                }
                if folded {
                    row.extend(match result.folded {
                        Some(f) => [f.groups.to_string(), f.estimated.to_string()],
                        None => [String::new(), String::new()],
                    });
                }
                writer.write_record(row).map_err(into_io)?;
            }
        }
        writer.flush()
    }
}

/// The I/O error under a CSV writer's error, so that its kind still tells a closed pipe
/// (`slo report -f csv | head`), which ends the output quietly, from a real failure.
fn into_io(error: ::csv::Error) -> io::Error {
    match error.into_kind() {
        ::csv::ErrorKind::Io(error) => error,
        kind => io::Error::other(format!("{kind:?}")),
    }
}

/// The golden-signal columns, in a report with an SLO that has `latency`.
const SIGNALS: [&str; 9] = [
    "golden_signals.traffic_per_s",
    "golden_signals.error_ratio",
    "golden_signals.latency.field",
    "golden_signals.latency.count",
    "golden_signals.latency.p50_s",
    "golden_signals.latency.p90_s",
    "golden_signals.latency.p95_s",
    "golden_signals.latency.p99_s",
    "golden_signals.latency.max_s",
];

/// The SLA columns, after `alerts.firing`, in a report with an SLA.
const SLA: [&str; 3] = ["sla.objective", "sla.sli_margin", "sla.met"];

/// A figure in full precision; `null` is empty.
fn number(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| v.to_string())
}

fn row(result: &SloResult, groups: &BTreeSet<&str>, lookbacks: &[&str]) -> Vec<String> {
    let mut row = vec![
        result.slo.clone(),
        result.service.clone().unwrap_or_default(),
    ];
    row.extend(
        groups
            .iter()
            .map(|g| group_value(result, g).unwrap_or_default().to_string()),
    );
    row.extend([
        result.window.clone(),
        result.start.to_string(),
        result.end.to_string(),
        number(result.elapsed),
        result.objective.to_string(),
        result.budgeting.to_string(),
        result.total.to_string(),
        result.good.to_string(),
        result.bad.to_string(),
        result.invalid.to_string(),
        result.excluded.to_string(),
        result.events.to_string(),
        result
            .min_events
            .map_or_else(String::new, |n| n.to_string()),
        number(result.sli),
        number(result.sli_margin),
        result.error_budget.allowed.to_string(),
        number(result.error_budget.consumed),
        number(result.error_budget.remaining),
        number(result.error_budget.allowed_s),
        number(result.error_budget.remaining_s),
        number(result.time_to_exhaustion_s),
        result.status.as_str().to_string(),
    ]);
    row.extend(lookbacks.iter().map(|l| number(result.burn_rates.get(l))));
    let firing: Vec<String> = result
        .alerts
        .iter()
        .filter(|a| a.firing)
        .map(|a| format!("{} {}/{}", a.severity, a.long, a.short))
        .collect();
    row.push(firing.join("; "));
    row
}

/// The value of group field `field` in `result`, if it groups by it and the rows had it.
fn group_value<'a>(result: &'a SloResult, field: &str) -> Option<&'a str> {
    result
        .group
        .iter()
        .find(|(name, _)| name.as_str() == field)
        .and_then(|(_, value)| value.as_deref())
}

/// Every lookback of the reports as written, shortest first.
fn lookbacks(reports: &[Report]) -> Vec<&str> {
    let lookbacks: BTreeSet<(i64, &str)> = reports
        .iter()
        .flat_map(|report| report.results.iter())
        .flat_map(|r| r.burn_rates.iter())
        .map(|(lookback, _)| (lookback.nanos(), lookback.as_written()))
        .collect();
    lookbacks.into_iter().map(|(_, written)| written).collect()
}
