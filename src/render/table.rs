//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Color, ContentArrangement, LineStyle, Table, TableStyle};

use super::sparkline::{sparkline, Charset};
use super::summary::{self, Cells, Layout};
use super::Renderer;
use crate::report::{Report, Status};

/// Width used when the output is not a terminal.
const DEFAULT_WIDTH: u16 = 100;

/// Fewest characters of a group kept when groups are shortened to fit the width. The other
/// formats always show the whole value.
const SHORTEST_GROUP: usize = 24;

/// Renders the [`Report`] as a table for people.
#[derive(Debug, Clone, Copy)]
pub struct TableRenderer {
    /// Whether to colour the status column.
    pub color: bool,
    /// The characters of the budget sparklines.
    pub charset: Charset,
}

impl Renderer for TableRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let lines = lines(report, self.charset);
        let longest_group = lines
            .iter()
            .filter(|line| line.is_group)
            .map(|line| line.first.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(out, "{}", summary::title(report))?;
        // Groups head their lines and SLAs get lines of their own below, and excluded rows
        // are counted in the line under it, so that the table stays within 100 columns.
        let layout = Layout {
            group: false,
            sla: false,
            excluded: false,
            ..Layout::of(report)
        };
        // The terminal's width, or 100 columns when the output is not a terminal.
        let width = usize::from(Table::new().width().unwrap_or(DEFAULT_WIDTH));
        let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
        let fitted = |layout: Layout, trends: bool| {
            let text = self.table(&lines, layout, usize::MAX, trends);
            let wide = widest(&text);
            if wide > width && longest_group > 0 {
                // Shorten the groups (never the names) until the table fits, keeping a
                // readable part of each.
                let limit = longest_group
                    .saturating_sub(wide - width)
                    .max(SHORTEST_GROUP);
                return self.table(&lines, layout, limit, trends);
            }
            text
        };
        // The sparklines are drawn when the table still fits with them, if need be without an
        // `EMPTY IN` column that says nothing (no budget runs out within its window).
        let trends = lines.iter().any(|line| line.trend.is_some());
        let mut text = fitted(layout, trends);
        let nothing_empties = lines
            .iter()
            .filter_map(|line| line.cells.as_ref())
            .all(|cells| cells.empty_in == "–");
        if trends && widest(&text) > width && nothing_empties {
            text = fitted(
                Layout {
                    empty_in: false,
                    ..layout
                },
                true,
            );
        }
        if widest(&text) > width {
            text = fitted(layout, false);
        }
        writeln!(out, "{text}")?;
        for line in summary::sla_lines(report) {
            writeln!(out, "{line}")?;
        }
        for line in summary::signal_lines(report) {
            writeln!(out, "{line}")?;
        }
        for line in summary::report_firing_alerts(report) {
            writeln!(out, "{line}")?;
        }
        for line in summary::policy_lines(report) {
            writeln!(out, "{line}")?;
        }
        writeln!(out, "{}", summary::inputs_line(report))
    }
}

/// A line of the table.
///
/// The group is not a column of its own: a grouped SLO gets a heading line with its name, and
/// each of its results names its group, indented, in the SLO column. Names stay whole and the
/// table stays within 100 columns however many fields an SLO is grouped by.
struct Line {
    /// The SLO's name, or the result's group.
    first: String,
    /// Whether `first` is a group (indented, shortened when the table is too wide).
    is_group: bool,
    /// The result; `None` for the heading line of a grouped SLO.
    cells: Option<Cells>,
    /// The sparkline of the result's budget left over its window, when it has a trend.
    trend: Option<String>,
}

/// The lines of the table for `report`, each grouped SLO preceded by its heading line.
fn lines(report: &Report, charset: Charset) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut previous: Option<&str> = None;
    for result in &report.results {
        let cells = Cells::of(result);
        let trend = result
            .budget_trend
            .as_deref()
            .map(|points| sparkline(points, charset));
        if result.group.is_empty() {
            lines.push(Line {
                first: cells.slo.clone(),
                is_group: false,
                cells: Some(cells),
                trend,
            });
        } else {
            if previous != Some(result.slo.as_str()) {
                lines.push(Line {
                    first: cells.slo.clone(),
                    is_group: false,
                    cells: None,
                    trend: None,
                });
            }
            lines.push(Line {
                first: cells.group.clone(),
                is_group: true,
                cells: Some(cells),
                trend,
            });
        }
        previous = Some(result.slo.as_str());
    }
    lines
}

impl TableRenderer {
    /// The table of `lines`, groups cut to `group_limit` characters, with the sparklines of
    /// their trends when `trends`.
    fn table(&self, lines: &[Line], layout: Layout, group_limit: usize, trends: bool) -> String {
        let mut table = Table::new();
        table.load_style(TableStyle::new().header_separator(LineStyle::none().fill('─')));
        if self.color {
            table.enforce_styling();
        } else {
            table.force_no_tty();
        }
        // Figures are right-aligned after their sparklines, so that the sparklines line up.
        let budget_width = lines
            .iter()
            .filter_map(|line| line.cells.as_ref())
            .map(|cells| cells.budget_left.chars().count())
            .max()
            .unwrap_or(0);
        let header: Vec<&str> = summary::columns(layout).iter().map(|c| c.upper).collect();
        let columns = header.len();
        table.set_header(header);
        for line in lines {
            let first = if line.is_group {
                format!("  {}", shorten(&line.first, group_limit))
            } else {
                line.first.clone()
            };
            let mut row = vec![Cell::new(first)];
            if let Some(cells) = &line.cells {
                let trend = line.trend.as_deref().filter(|_| trends);
                row.extend(self.figures(cells, layout, trend, budget_width));
            }
            table.add_row(row);
        }
        for (index, column) in table.column_iter_mut().enumerate() {
            // Two spaces after the names, one between the other columns.
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
        // Natural widths: nothing wraps, so no name or figure is ever cut in two.
        table.set_content_arrangement(ContentArrangement::Disabled);
        table.trim_fmt()
    }

    /// The cells after the SLO column, the status coloured when allowed, and the budget left
    /// (right-aligned in `budget_width` characters) led by the sparkline of `trend`, which ends
    /// at it.
    fn figures(
        &self,
        cells: &Cells,
        layout: Layout,
        trend: Option<&str>,
        budget_width: usize,
    ) -> Vec<Cell> {
        let budget_column = summary::columns(layout)
            .iter()
            .position(|c| c.upper == "BUDGET LEFT");
        let mut row: Vec<Cell> = cells
            .texts(layout)
            .into_iter()
            .enumerate()
            .skip(1)
            .map(|(index, text)| match trend {
                Some(trend) if Some(index) == budget_column => {
                    Cell::new(format!("{trend} {text:>budget_width$}"))
                }
                _ => Cell::new(text),
            })
            .collect();
        if self.color {
            let color = match cells.status {
                Status::Exhausted => Color::Red,
                Status::AtRisk => Color::Yellow,
                Status::NoData => Color::DarkGrey,
                Status::LowTraffic => Color::Blue,
                Status::Ok => Color::Green,
            };
            if let Some(status) = row.pop() {
                row.push(status.fg(color));
            }
        }
        row
    }
}

/// `text` cut to `limit` characters, the last one an ellipsis, when it is longer.
fn shorten(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_string();
    }
    let mut short: String = text.chars().take(limit.saturating_sub(1)).collect();
    short.push('…');
    short
}
