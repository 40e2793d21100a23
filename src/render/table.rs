//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, LineStyle, Table, TableStyle};

use super::{count, percent, Renderer};
use crate::report::{Report, SloResult, Status};

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
        table
            .load_style(
                TableStyle::new().header_separator(LineStyle::none().fill('─').junction(' ')),
            )
            .set_content_arrangement(ContentArrangement::Dynamic);
        if table.width().is_none() {
            table.set_width(DEFAULT_WIDTH);
        }
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        let mut header = vec!["SLO", "WINDOW", "SLI", "OBJECTIVE", "EVENTS", "BAD"];
        if show_invalid {
            header.push("INVALID");
        }
        header.extend(["BUDGET LEFT", "STATUS"]);
        table.set_header(header);
        for result in &report.results {
            table.add_row(self.row(result, show_invalid));
        }
        let columns = header_len(show_invalid);
        for (index, column) in table.column_iter_mut().enumerate() {
            column.set_padding((0, u16::from(index + 1 < columns)));
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
        let inputs = &report.inputs;
        writeln!(
            out,
            "{} rows read: {} matched, {} outside every window, {} selected by no SLO, {} malformed",
            inputs.rows, inputs.matched, inputs.outside_windows, inputs.unselected, inputs.malformed
        )
    }
}

fn header_len(show_invalid: bool) -> usize {
    if show_invalid {
        9
    } else {
        8
    }
}

impl TableRenderer {
    fn row(&self, result: &SloResult, show_invalid: bool) -> Vec<Cell> {
        // Groups in the Prometheus style SREs read at a glance: slo{route=/api/cart}.
        let name = if result.group.is_empty() {
            result.slo.clone()
        } else {
            format!("{}{{{}}}", result.slo, result.group_label())
        };
        let sli = match result.sli {
            Some(sli) => percent(sli),
            None => "–".to_string(),
        };
        let left = match result.error_budget.remaining {
            Some(remaining) => format!("{:.1} %", remaining * 100.0),
            None => "–".to_string(),
        };
        let mut cells = vec![
            Cell::new(name),
            Cell::new(&result.window),
            Cell::new(sli),
            Cell::new(format!("{} %", trim_float(result.objective))),
            Cell::new(count(result.total)),
            Cell::new(count(result.bad)),
        ];
        if show_invalid {
            cells.push(Cell::new(count(result.invalid)));
        }
        cells.push(Cell::new(left));
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

fn trim_float(value: f64) -> String {
    format!("{value}")
}
