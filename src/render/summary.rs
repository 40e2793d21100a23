//! The figures of a result as people read them, shared by the formats for people (table,
//! markdown, the messages of junit): one skeleton, so a figure reads the same everywhere.

use super::{count, percent};
use crate::report::{Report, SloResult, Status};
use crate::time::humanize_seconds;

/// A column of the formats for people.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// The header in a terminal table: `BUDGET LEFT`.
    pub upper: &'static str,
    /// The header in a document: `Budget left`.
    pub title: &'static str,
}

/// The columns of [`Cells::texts`], in order; `INVALID` only when a result has invalid rows.
const COLUMNS: [Column; 9] = [
    Column {
        upper: "SLO",
        title: "SLO",
    },
    Column {
        upper: "WINDOW",
        title: "Window",
    },
    Column {
        upper: "SLI",
        title: "SLI",
    },
    Column {
        upper: "OBJECTIVE",
        title: "Objective",
    },
    Column {
        upper: "BAD/EVENTS",
        title: "Bad/events",
    },
    Column {
        upper: "INVALID",
        title: "Invalid",
    },
    Column {
        upper: "BUDGET LEFT",
        title: "Budget left",
    },
    Column {
        upper: "BURN 1h",
        title: "Burn 1h",
    },
    Column {
        upper: "STATUS",
        title: "Status",
    },
];

/// One result as the texts of a row for people.
#[derive(Debug, Clone)]
pub(super) struct Cells {
    /// `slo {route=/a}`.
    pub name: String,
    /// The window as written.
    pub window: String,
    /// `99.93 %` or `–`.
    pub sli: String,
    /// `99.9 %`.
    pub objective: String,
    /// `2/3337`, shortened past ten thousand.
    pub events: String,
    /// Invalid rows.
    pub invalid: String,
    /// `40.1 % (34m 37s)`: the budget left, and the time to exhaustion when it falls within
    /// the window.
    pub budget_left: String,
    /// The 1h burn rate, `500×`.
    pub burn_1h: String,
    /// The status.
    pub status: Status,
}

impl Cells {
    /// The cells of `result`.
    pub fn of(result: &SloResult) -> Cells {
        let mut budget_left = match result.error_budget.remaining {
            Some(remaining) => format!("{:.1} %", remaining * 100.0),
            None => "–".to_string(),
        };
        // The time to exhaustion matters when the budget would run out within the window.
        let window_seconds = window_seconds(result);
        if let Some(seconds) = result.time_to_exhaustion_s.filter(|s| *s < window_seconds) {
            budget_left = format!("{budget_left} ({})", humanize_seconds(seconds));
        }
        Cells {
            name: name(result),
            window: result.window.clone(),
            sli: result.sli.map_or_else(|| "–".to_string(), percent),
            objective: format!("{} %", result.objective),
            events: format!("{}/{}", count(result.bad), count(result.total)),
            invalid: count(result.invalid),
            budget_left,
            burn_1h: burn_rate(result, "1h"),
            status: result.status,
        }
    }

    /// The texts in the order of [`columns`], without `INVALID` unless `show_invalid`.
    pub fn texts(&self, show_invalid: bool) -> Vec<String> {
        let mut texts = vec![
            self.name.clone(),
            self.window.clone(),
            self.sli.clone(),
            self.objective.clone(),
            self.events.clone(),
        ];
        if show_invalid {
            texts.push(self.invalid.clone());
        }
        texts.extend([
            self.budget_left.clone(),
            self.burn_1h.clone(),
            status_label(self.status).to_string(),
        ]);
        texts
    }
}

/// The columns of [`Cells::texts`].
pub(super) fn columns(show_invalid: bool) -> Vec<Column> {
    COLUMNS
        .iter()
        .copied()
        .filter(|c| show_invalid || c.upper != "INVALID")
        .collect()
}

/// Whether any result has invalid rows (the `INVALID` column is shown only then).
pub(super) fn any_invalid(report: &Report) -> bool {
    report.results.iter().any(|r| r.invalid > 0)
}

/// `EXHAUSTED`, `AT RISK`, `NO DATA`, `OK`.
pub(super) fn status_label(status: Status) -> &'static str {
    match status {
        Status::Exhausted => "EXHAUSTED",
        Status::AtRisk => "AT RISK",
        Status::NoData => "NO DATA",
        Status::Ok => "OK",
    }
}

/// The SLO name with its group in the Prometheus style SREs read at a glance:
/// `slo {route=/a}` (the space lets a narrow table wrap the group onto its own line).
pub(super) fn name(result: &SloResult) -> String {
    if result.group.is_empty() {
        result.slo.clone()
    } else {
        format!("{} {{{}}}", result.slo, result.group_label())
    }
}

/// The burn rate over `lookback` as `17.8×`, or `–` without events.
pub(super) fn burn_rate(result: &SloResult, lookback: &str) -> String {
    result
        .burn_rates
        .get(lookback)
        .copied()
        .flatten()
        .map_or_else(|| "–".to_string(), times)
}

/// One line per firing alert of `result`, in words an on-call engineer reads at a glance:
/// `PAGE checkout{...}: burning 17.8× over 1h and 21× over 5m (limit 14.4×)`.
pub(super) fn firing_alerts(result: &SloResult) -> Vec<String> {
    result
        .alerts
        .iter()
        .filter(|a| a.firing)
        .map(|alert| {
            format!(
                "{} {}: burning {} over {} and {} over {} (limit {})",
                alert.severity.to_uppercase(),
                name(result),
                burn_rate(result, &alert.long),
                alert.long,
                burn_rate(result, &alert.short),
                alert.short,
                times(alert.threshold)
            )
        })
        .collect()
}

/// The firing alerts of the whole report, each once (the windows of one SLO × group share
/// their alerts).
pub(super) fn report_firing_alerts(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in report.results.iter().flat_map(firing_alerts) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// `40000 rows read: 26902 matched, …`: how every row was accounted for.
pub(super) fn inputs_line(report: &Report) -> String {
    let inputs = &report.inputs;
    format!(
        "{} rows read: {} matched, {} outside every window, {} selected by no SLO, {} malformed",
        inputs.rows, inputs.matched, inputs.outside_windows, inputs.unselected, inputs.malformed
    )
}

/// A burn rate as `17.8×`; one below 0.1 with two significant digits (`0.033×`), so that a
/// small threshold does not read as zero.
pub(super) fn times(rate: f64) -> String {
    let text = if rate >= 100.0 {
        format!("{rate:.0}")
    } else if rate > 0.0 && rate < 0.1 {
        let decimals = (-rate.log10()).floor() as usize + 2;
        format!("{rate:.decimals$}")
            .trim_end_matches('0')
            .to_string()
    } else {
        format!("{rate:.1}")
    };
    format!("{}×", text.strip_suffix(".0").unwrap_or(&text))
}

/// The window's length in seconds, read back from its bounds (infinite if unreadable).
fn window_seconds(result: &SloResult) -> f64 {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    match (parse(&result.start), parse(&result.end)) {
        (Some(start), Some(end)) => (end - start).num_milliseconds() as f64 / 1e3,
        _ => f64::INFINITY,
    }
}

#[cfg(test)]
mod tests {
    use super::times;

    #[test]
    fn burn_rates_read_at_a_glance() {
        assert_eq!(times(0.0), "0×");
        assert_eq!(times(1.0), "1×");
        assert_eq!(times(14.4), "14.4×");
        assert_eq!(times(68.9655), "69×");
        assert_eq!(times(500.0), "500×");
        assert_eq!(times(0.48), "0.5×");
        assert_eq!(times(0.0333), "0.033×");
        assert_eq!(times(0.001), "0.001×");
    }
}
