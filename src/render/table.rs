//! `--format table`: one row per SLO × group × window, for a terminal 100 columns wide.
//!
//! Laid out here rather than by a table library: nothing wraps, so a table is only the width
//! of each column and its texts padded to it. (comfy-table, before, held every cell several
//! times over and took 1.3 s and 550 MB for the 100 000 lines of as many groups.)

use std::borrow::Cow;
use std::io::{self, Write};

use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

use super::sparkline::{sparkline, Charset};
use super::summary::{self, Cells, Layout};
use super::Renderer;
use crate::report::{Report, Status};

/// Width the table fits when the output is not a terminal (or one whose size is not known).
const DEFAULT_WIDTH: usize = 100;

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
    /// The terminal's width, when the table goes to one (see [`RenderOptions::width`]).
    ///
    /// [`RenderOptions::width`]: super::RenderOptions::width
    pub width: Option<usize>,
}

impl Renderer for TableRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let lines = lines(report, self.charset);
        let longest_group = lines
            .iter()
            .filter(|line| line.is_group)
            .map(|line| line.first.width())
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
        let width = self.width.unwrap_or(DEFAULT_WIDTH);
        // Figures are right-aligned after their sparklines, so that the sparklines line up.
        let budget_width = lines
            .iter()
            .filter_map(|line| line.cells.as_ref())
            .map(|cells| cells.budget_left.chars().count())
            .max()
            .unwrap_or(0);
        let fitted = |layout: Layout, trends: bool| {
            let shape = Shape::of(&lines, layout, usize::MAX, trends, budget_width);
            if shape.width() > width && longest_group > 0 {
                // Shorten the groups (never the names) until the table fits, keeping a
                // readable part of each.
                let limit = longest_group
                    .saturating_sub(shape.width() - width)
                    .max(SHORTEST_GROUP);
                return Shape::of(&lines, layout, limit, trends, budget_width);
            }
            shape
        };
        // The sparklines are drawn when the table still fits with them, if need be without an
        // `EMPTY IN` column that says nothing (no budget runs out within its window).
        let trends = lines.iter().any(|line| line.trend.is_some());
        let mut shape = fitted(layout, trends);
        let nothing_empties = lines
            .iter()
            .filter_map(|line| line.cells.as_ref())
            .all(|cells| cells.empty_in == "–");
        if trends && shape.width() > width && nothing_empties {
            shape = fitted(
                Layout {
                    empty_in: false,
                    ..layout
                },
                true,
            );
        }
        if shape.width() > width {
            shape = fitted(layout, false);
        }
        self.write_table(&lines, &shape, out)?;
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
        for line in wrap_at_commas(&summary::inputs_line(report), width) {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }
}

/// `text` in lines of at most `width` columns, broken after its commas, the lines after the
/// first indented by two: the row accounting under the table names its formats and counts,
/// and must stay within the table's width. A piece too wide on its own keeps its line.
fn wrap_at_commas(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for piece in text.split_inclusive(", ") {
        let line = lines.last_mut().expect("a line");
        if !line.trim().is_empty() && line.width() + piece.trim_end().width() > width {
            line.truncate(line.trim_end().len());
            lines.push(format!("  {piece}"));
        } else {
            line.push_str(piece);
        }
    }
    lines
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

/// How a table is laid out: which columns, how groups are cut and whether sparklines are
/// drawn, and the width of each column that follows.
struct Shape {
    layout: Layout,
    /// Groups are cut to this many characters.
    group_limit: usize,
    /// Whether the budget left is led by its sparkline.
    trends: bool,
    /// Characters the budget left is right-aligned in, after its sparkline.
    budget_width: usize,
    /// The column of the budget left.
    budget_column: usize,
    /// Per column: its headers and cells are at most this wide on screen.
    widths: Vec<usize>,
}

impl Shape {
    /// The shape of the table of `lines` for these choices: every column as wide as its
    /// widest text, so that nothing wraps and no name or figure is ever cut in two.
    fn of(
        lines: &[Line],
        layout: Layout,
        group_limit: usize,
        trends: bool,
        budget_width: usize,
    ) -> Shape {
        let mut shape = Shape {
            layout,
            group_limit,
            trends,
            budget_width,
            budget_column: summary::columns(layout)
                .iter()
                .position(|c| c.upper == "BUDGET LEFT")
                .unwrap_or(usize::MAX),
            widths: summary::columns(layout)
                .iter()
                .map(|c| c.upper.width())
                .collect(),
        };
        for line in lines {
            let texts = shape.texts(line);
            for (width, text) in shape.widths.iter_mut().zip(&texts) {
                *width = (*width).max(text.width());
            }
        }
        shape
    }

    /// The texts of `line`, one per column (only the first for an SLO's heading line).
    fn texts<'a>(&self, line: &'a Line) -> Vec<Cow<'a, str>> {
        let first = if line.is_group {
            Cow::Owned(format!("  {}", shorten(&line.first, self.group_limit)))
        } else {
            Cow::Borrowed(line.first.as_str())
        };
        let mut texts = vec![first];
        if let Some(cells) = &line.cells {
            let trend = line.trend.as_deref().filter(|_| self.trends);
            for (index, text) in cells.texts(self.layout).into_iter().enumerate().skip(1) {
                texts.push(match trend {
                    Some(trend) if index == self.budget_column => {
                        let budget_width = self.budget_width;
                        Cow::Owned(format!("{trend} {text:>budget_width$}"))
                    }
                    _ => Cow::Borrowed(text),
                });
            }
        }
        texts
    }

    /// Spaces after column `index`: two after the names, one between the other columns.
    fn gap(&self, index: usize) -> usize {
        match index {
            0 => 2,
            i if i + 1 == self.widths.len() => 0,
            _ => 1,
        }
    }

    /// Whether column `index` is right-aligned: the figures, between the window and the
    /// status.
    fn right_aligned(&self, index: usize) -> bool {
        (2..self.widths.len() - 1).contains(&index)
    }

    /// The width of the table on screen: that of its header's underline.
    fn width(&self) -> usize {
        self.widths
            .iter()
            .enumerate()
            .map(|(index, width)| width + self.gap(index))
            .sum()
    }
}

impl TableRenderer {
    /// Writes the table of `lines` in `shape`: the header, its underline and a line each.
    fn write_table(&self, lines: &[Line], shape: &Shape, out: &mut dyn Write) -> io::Result<()> {
        let header: Vec<Cow<str>> = summary::columns(shape.layout)
            .iter()
            .map(|c| Cow::Borrowed(c.upper))
            .collect();
        let mut text = String::new();
        self.write_line(&mut text, shape, &header, None, out)?;
        writeln!(out, "{}", "─".repeat(shape.width()))?;
        for line in lines {
            let status = line.cells.as_ref().map(|cells| cells.status);
            self.write_line(&mut text, shape, &shape.texts(line), status, out)?;
        }
        Ok(())
    }

    /// Writes one line of `texts` padded to the columns of `shape`, without trailing spaces;
    /// the last text (the status) coloured as `status` is, when colour is allowed.
    fn write_line(
        &self,
        text: &mut String,
        shape: &Shape,
        texts: &[Cow<str>],
        status: Option<Status>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        text.clear();
        let last = shape.widths.len() - 1;
        for (index, cell) in texts.iter().enumerate() {
            let padding = shape.widths[index].saturating_sub(cell.width());
            if shape.right_aligned(index) {
                push_spaces(text, padding);
            }
            match status.filter(|_| self.color && index == last) {
                Some(status) => {
                    // 256-colour codes, the bright ones for the states that matter.
                    let code = match status {
                        Status::Exhausted => 9,
                        Status::AtRisk => 11,
                        Status::NoData => 8,
                        Status::LowTraffic => 12,
                        Status::Ok => 10,
                    };
                    text.push_str(&format!("\x1b[38;5;{code}m"));
                    text.push_str(cell);
                    text.push_str("\x1b[39m");
                }
                None => text.push_str(cell),
            }
            if !shape.right_aligned(index) {
                push_spaces(text, padding);
            }
            push_spaces(text, shape.gap(index));
        }
        writeln!(out, "{}", text.trim_end())
    }
}

/// Appends `count` spaces to `text`.
fn push_spaces(text: &mut String, count: usize) {
    text.extend(std::iter::repeat_n(' ', count));
}

/// `text` cut to `limit` columns on screen when it is wider, an ellipsis in the middle: its
/// start and its end stay, since groups of several fields or long paths differ at either
/// (`region=ap-so…method=GET`, `region=ap-so…method=POST`). The cut is made as the table
/// measures: a mark that takes no column of its own stays with the character before it, and
/// one that widens it (U+FE0F after `❤`) is counted.
fn shorten(text: &str, limit: usize) -> String {
    if text.width() <= limit {
        return text.to_string();
    }
    let room = limit.saturating_sub(1);
    let tail_room = room / 2;
    let head_room = room - tail_room;
    let ends: Vec<usize> = text.char_indices().map(|(i, c)| i + c.len_utf8()).collect();
    let fitting = ends.partition_point(|&end| text[..end].width() <= head_room);
    let head = fitting.checked_sub(1).map_or(0, |last| ends[last]);
    // The end starts on a character that takes a column, never on a mark of the one before.
    let tail = text
        .char_indices()
        .filter(|&(at, c)| at >= head && c.width().unwrap_or(0) > 0)
        .map(|(at, _)| at)
        .find(|&at| text[at..].width() <= tail_room)
        .unwrap_or(text.len());
    format!("{}…{}", &text[..head], &text[tail..])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A group cut to fit keeps its start and its end, so that groups that differ only at
    /// the end (a second field) stay apart; marks stay with their letters.
    #[test]
    fn groups_are_cut_in_the_middle() {
        let get = "region=ap-southeast-2, method=GET";
        let post = "region=ap-southeast-2, method=POST";
        assert_eq!(shorten(get, 24), "region=ap-so… method=GET");
        assert_eq!(shorten(post, 24), "region=ap-so…method=POST");
        assert_eq!(shorten(get, 40), get);
        for text in [get, post, "/api/v1/users/12345/orders/67890/items"] {
            assert_eq!(shorten(text, 24).width(), 24, "{text}");
        }
        let accented = "e\u{301}".repeat(40);
        let cut = shorten(&accented, 24);
        assert_eq!(cut.width(), 24);
        assert!(cut.contains("e\u{301}…e\u{301}"), "{cut:?}");
    }

    /// The row accounting fits the width, broken after commas, and says what it said.
    #[test]
    fn the_row_accounting_wraps_at_commas_within_the_width() {
        let text = "202 rows read as nginx (combined), csv: 200 matched, 0 outside every window, \
                    0 selected by no SLO, 1 excluded, 1 malformed";
        assert_eq!(wrap_at_commas(text, 200), vec![text.to_string()]);
        for width in [100, 60, 40] {
            let lines = wrap_at_commas(text, width);
            assert!(lines.len() > 1, "{width}: {lines:?}");
            for line in &lines {
                // A piece wider than the width keeps its line; no piece here is.
                assert!(line.width() <= width, "{width}: {line:?}");
                assert!(!line.ends_with(' '), "{width}: {line:?}");
            }
            let joined: Vec<&str> = lines.iter().map(|line| line.trim_start()).collect();
            assert_eq!(joined.join(" "), text, "{width}");
        }
        assert_eq!(
            wrap_at_commas("a, b, c", 5),
            vec!["a, b,".to_string(), "  c".to_string()]
        );
        // A piece wider than the width keeps its line.
        assert_eq!(
            wrap_at_commas("abcdefgh, b", 5),
            vec!["abcdefgh,".to_string(), "  b".to_string()]
        );
    }
}
