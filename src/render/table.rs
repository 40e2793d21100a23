//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.

use std::io::{self, Write};

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle,
    Width,
};

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
        let mut header = vec!["SLO", "WINDOW", "SLI", "OBJECTIVE", "BAD/TOTAL"];
        if show_invalid {
            header.push("INVALID");
        }
        header.extend(["BUDGET LEFT", "EMPTY IN", "BURN 1h", "STATUS"]);
        let columns = header.len();
        table.set_header(header);
        for result in &report.results {
            table.add_row(self.row(result, show_invalid));
        }
        // When the table must wrap, only the group part of the SLO column does (at its space).
        let longest_name = report
            .results
            .iter()
            .map(|r| r.slo.chars().count())
            .max()
            .unwrap_or(3);
        for (index, column) in table.column_iter_mut().enumerate() {
            // Two spaces after the text columns, one between right-aligned numbers.
            let gap = match index {
                0 => 2,
                i if i + 1 == columns => 0,
                _ => 1,
            };
            column.set_padding((0, gap));
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
            for (index, column) in table.column_iter_mut().enumerate() {
                column.set_constraint(if index == 0 {
                    ColumnConstraint::LowerBoundary(Width::Fixed(longest_name.max(3) as u16))
                } else {
                    ColumnConstraint::ContentWidth
                });
            }
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

/// A burn rate as `17.8×`, `0.23×`, `500×`.
fn times(rate: f64) -> String {
    let text = match rate {
        r if r >= 100.0 => format!("{r:.0}"),
        r if r >= 10.0 => format!("{r:.1}"),
        r => format!("{r:.2}"),
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    format!("{text}×")
}

impl TableRenderer {
    fn row(&self, result: &SloResult, show_invalid: bool) -> Vec<Cell> {
        let sli = match result.sli {
            Some(sli) => percent(sli),
            None => "–".to_string(),
        };
        // Time slices: the bad time left, as SLAs count it (the share is in the JSON); events:
        // the share of the budget.
        let left = match (
            result.error_budget.remaining,
            result.error_budget.remaining_s,
        ) {
            (Some(_), Some(seconds)) => humanize_seconds(seconds),
            (Some(remaining), None) => budget_percent(remaining),
            _ => "–".to_string(),
        };
        // The time to exhaustion matters when the budget would run out within the window.
        let empty_in = result
            .time_to_exhaustion_s
            .filter(|s| *s < window_seconds(result))
            .map_or_else(|| "–".to_string(), humanize_seconds);
        let burn = result
            .burn_rates
            .get("1h")
            .copied()
            .flatten()
            .map_or_else(|| "–".to_string(), times);
        let mut cells = vec![
            Cell::new(name(result)),
            // Calendar windows by their unit and how much of the period has passed; the zone is
            // in the JSON and in the spec.
            Cell::new(match result.elapsed {
                Some(elapsed) => {
                    let unit = result.window.split(' ').next().unwrap_or(&result.window);
                    format!("{unit} {:.0}%", elapsed * 100.0)
                }
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
        cells.push(Cell::new(empty_in));
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
