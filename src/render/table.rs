//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.

use std::io::{self, Write};

use comfy_table::{
    Cell, CellAlignment, Color, ColumnConstraint, ContentArrangement, LineStyle, Table, TableStyle,
    Width,
};

use super::summary::{self, Cells};
use super::Renderer;
use crate::report::{Report, Status};

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
        let show_invalid = summary::any_invalid(report);
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
        let header: Vec<&str> = summary::columns(show_invalid)
            .iter()
            .map(|c| c.upper)
            .collect();
        let columns = header.len();
        table.set_header(header);
        for result in &report.results {
            table.add_row(self.row(&Cells::of(result), show_invalid));
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
        for line in summary::report_firing_alerts(report) {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "{}", summary::inputs_line(report))
    }
}

impl TableRenderer {
    fn row(&self, cells: &Cells, show_invalid: bool) -> Vec<Cell> {
        let mut row: Vec<Cell> = cells
            .texts(show_invalid)
            .into_iter()
            .map(Cell::new)
            .collect();
        if self.color {
            let color = match cells.status {
                Status::Exhausted => Color::Red,
                Status::AtRisk => Color::Yellow,
                Status::NoData => Color::DarkGrey,
                Status::Ok => Color::Green,
            };
            if let Some(status) = row.pop() {
                row.push(status.fg(color));
            }
        }
        row
    }
}
