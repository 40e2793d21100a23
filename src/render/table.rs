//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, LineStyle, Table, TableStyle};

use super::{budget_percent, count, percent, Renderer};
use crate::report::{Report, SloResult, Status};
use crate::time::humanize_seconds;

/// Width used when the output is not a terminal.
const DEFAULT_WIDTH: u16 = 100;

/// Renders the [`Report`] as a table for people.
#[derive(Debug, Clone, Copy)]
pub struct TableRenderer {
    /// Whether to colour the status column.
    pub color: bool,
}

impl Renderer for TableRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let show_invalid = report.results.iter().any(|r| r.invalid > 0);
        let mut table = Table::new();
        table.load_style(TableStyle::new().header_separator(LineStyle::none().fill('─')));
        if table.width().is_none() {
            table.set_width(DEFAULT_WIDTH);
        }
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        let mut header = vec!["SLO", "WINDOW", "SLI", "OBJECTIVE", "BAD/EVENTS"];
        if show_invalid {
            header.push("INVALID");
        }
        header.extend(["BUDGET LEFT", "BURN 1h", "STATUS"]);
        let columns = header.len();
        table.set_header(header);
        for result in &report.results {
            table.add_row(self.row(result, show_invalid));
        }
        for (index, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, if index + 1 < columns { 2 } else { 0 }));
            if (2..columns - 1).contains(&index) {
                column.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "SLO report at {}", report.evaluated_at)?;
        // Natural column widths when they fit; wrapping only when they do not.
        table.set_content_arrangement(ContentArrangement::Disabled);
        let mut text = table.trim_fmt();
        let width = usize::from(table.width().unwrap_or(DEFAULT_WIDTH));
        if text.lines().any(|line| line.chars().count() > width) {
            table.set_content_arrangement(ContentArrangement::Dynamic);
            text = table.trim_fmt();
        }
        writeln!(out, "{text}")?;
        for line in firing_alerts(report) {
            writeln!(out, "{line}")?;
        }
        let inputs = &report.inputs;
        writeln!(
            out,
            "{} rows read: {} matched, {} outside every window, {} selected by no SLO, {} malformed",
            inputs.rows, inputs.matched, inputs.outside_windows, inputs.unselected, inputs.malformed
        )
    }
}

/// The SLO name with its group in the Prometheus style SREs read at a glance:
/// `slo {route=/a}` (the space lets a narrow table wrap the group onto its own line).
fn name(result: &SloResult) -> String {
    if result.group.is_empty() {
        result.slo.clone()
    } else {
        format!("{} {{{}}}", result.slo, result.group_label())
    }
}

/// One line per SLO × group with a firing alert, in words an on-call engineer reads at a
/// glance: `PAGE checkout{...}: 17.8× over 1h and 21× over 5m (limit 14.4×)`.
fn firing_alerts(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for result in &report.results {
        for alert in result.alerts.iter().filter(|a| a.firing) {
            let rate = |lookback: &str| {
                result
                    .burn_rates
                    .get(lookback)
                    .copied()
                    .flatten()
                    .map_or_else(|| "–".to_string(), times)
            };
            let line = format!(
                "{} {}: burning {} over {} and {} over {} (limit {})",
                alert.severity.to_uppercase(),
                name(result),
                rate(&alert.long),
                alert.long,
                rate(&alert.short),
                alert.short,
                times(alert.threshold)
            );
            if !lines.contains(&line) {
                lines.push(line);
            }
        }
    }
    lines
}

/// A burn rate as `17.8×`.
fn times(rate: f64) -> String {
    let text = if rate >= 100.0 {
        format!("{rate:.0}")
    } else {
        format!("{rate:.1}")
    };
    format!("{}×", text.strip_suffix(".0").unwrap_or(&text))
}

impl TableRenderer {
    fn row(&self, result: &SloResult, show_invalid: bool) -> Vec<Cell> {
        let sli = match result.sli {
            Some(sli) => percent(sli),
            None => "–".to_string(),
        };
        let mut left = match (
            result.error_budget.remaining,
            result.error_budget.remaining_s,
        ) {
            (Some(remaining), Some(seconds)) => {
                format!(
                    "{} · {}",
                    budget_percent(remaining),
                    humanize_seconds(seconds)
                )
            }
            (Some(remaining), None) => budget_percent(remaining),
            _ => "–".to_string(),
        };
        // The time to exhaustion matters when the budget would run out within the window.
        let window_seconds = window_seconds(result);
        if let Some(seconds) = result.time_to_exhaustion_s.filter(|s| *s < window_seconds) {
            left = format!("{left} ({})", humanize_seconds(seconds));
        }
        let burn = result
            .burn_rates
            .get("1h")
            .copied()
            .flatten()
            .map_or_else(|| "–".to_string(), times);
        let mut cells = vec![
            Cell::new(name(result)),
            Cell::new(match result.elapsed {
                Some(elapsed) => format!("{} ({:.0} %)", result.window, elapsed * 100.0),
                None => result.window.clone(),
            }),
            Cell::new(sli),
            Cell::new(format!("{} %", result.objective)),
            Cell::new(format!("{}/{}", count(result.bad), count(result.total))),
        ];
        if show_invalid {
            cells.push(Cell::new(count(result.invalid)));
        }
        cells.push(Cell::new(left));
        cells.push(Cell::new(burn));
        let (label, color) = match result.status {
            Status::Exhausted => ("EXHAUSTED", Color::Red),
            Status::AtRisk => ("AT RISK", Color::Yellow),
            Status::NoData => ("NO DATA", Color::DarkGrey),
            Status::Ok => ("OK", Color::Green),
        };
        let status = Cell::new(label);
        cells.push(if self.color { status.fg(color) } else { status });
        cells
    }
}

fn window_seconds(result: &SloResult) -> f64 {
    let parse = |t: &str| chrono::DateTime::parse_from_rfc3339(t).ok();
    match (parse(&result.start), parse(&result.end)) {
        (Some(start), Some(end)) => (end - start).num_milliseconds() as f64 / 1e3,
        _ => f64::INFINITY,
    }
}
