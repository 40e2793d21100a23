//! `--format markdown`: a GitHub-flavoured table for a CI job summary (`$GITHUB_STEP_SUMMARY`)
//! or a pull-request comment: a status symbol per row, then the firing alerts.

use std::io::{self, Write};

use super::summary::{self, Cells, Layout};
use super::Renderer;
use crate::report::{Report, Status};

/// Renders the [`Report`] as Markdown.
#[derive(Debug, Clone)]
pub struct MarkdownRenderer {
    /// Why no result has a single event, when none has (a failed check): said above the table.
    pub no_events: Option<String>,
}

impl Renderer for MarkdownRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let layout = Layout::of(report);
        // The status leads, with its symbol, so that a reader scans one column; the others
        // follow the terminal table.
        let columns = summary::columns(layout);
        let Some((status, figures)) = columns.split_last() else {
            return Ok(());
        };
        writeln!(out, "### {}", summary::title(report))?;
        writeln!(out)?;
        if let Some(reason) = &self.no_events {
            writeln!(out, "**❌ No result has any event:** {}", escape(reason))?;
            writeln!(out)?;
        }
        let header: Vec<&str> = std::iter::once(status.title)
            .chain(figures.iter().map(|c| c.title))
            .collect();
        writeln!(out, "| {} |", header.join(" | "))?;
        // Status, names and the window left-aligned, figures right-aligned.
        let texts = if layout.group { 4 } else { 3 };
        let align: Vec<&str> = (0..header.len())
            .map(|i| if i < texts { ":---" } else { "---:" })
            .collect();
        writeln!(out, "|{}|", align.join("|"))?;
        // GitHub refuses a job summary over 1 MiB: past MAX_ROWS results, the `ok` ones are
        // left out first (then the last ones), and a line says how many.
        let listed = listed(report);
        for result in report
            .results
            .iter()
            .zip(&listed)
            .filter_map(|(r, &listed)| listed.then_some(r))
        {
            let cells = Cells::of(result);
            let mut texts = cells.texts(layout);
            texts.pop();
            let row: Vec<String> = std::iter::once(status_text(cells.status).to_string())
                .chain(texts.iter().map(|t| escape(t)))
                .collect();
            writeln!(out, "| {} |", row.join(" | "))?;
        }
        let left_out = listed.iter().filter(|&&listed| !listed).count();
        if left_out > 0 {
            let ok = report
                .results
                .iter()
                .zip(&listed)
                .filter(|(r, &listed)| !listed && r.status == Status::Ok)
                .count();
            writeln!(out)?;
            writeln!(
                out,
                "_{left_out} more results not listed ({ok} of them ok): `-f csv` or `-f json` lists them all._"
            )?;
        }
        let alerts = summary::report_firing_alerts(report);
        if !alerts.is_empty() {
            writeln!(out)?;
            writeln!(out, "**Firing alerts**")?;
            writeln!(out)?;
            for line in alerts {
                writeln!(out, "- 🔥 {}", escape(&line))?;
            }
        }
        let signals = summary::signal_lines(report);
        if !signals.is_empty() {
            writeln!(out)?;
            writeln!(out, "**Golden signals**")?;
            writeln!(out)?;
            for line in signals {
                writeln!(out, "- 📈 {}", escape(&line))?;
            }
        }
        let policy = summary::policy_lines(report);
        if !policy.is_empty() {
            writeln!(out)?;
            writeln!(out, "**Error-budget policy**")?;
            writeln!(out)?;
            for line in policy {
                writeln!(out, "- 📋 {}", escape(&line))?;
            }
        }
        writeln!(out)?;
        writeln!(out, "{}", escape(&summary::inputs_line(report)))
    }
}

/// Most results listed in the table: a row takes up to a few hundred bytes, and GitHub
/// refuses a job summary over 1 MiB.
const MAX_ROWS: usize = 1000;

/// Which results the table lists: all of them up to [`MAX_ROWS`]; past that, those that are
/// not `ok` first, in the report's order, then `ok` ones, to [`MAX_ROWS`] in all.
fn listed(report: &Report) -> Vec<bool> {
    let not_ok = report
        .results
        .iter()
        .filter(|r| r.status != Status::Ok)
        .count();
    let mut ok_places = MAX_ROWS.saturating_sub(not_ok);
    let mut places = MAX_ROWS;
    report
        .results
        .iter()
        .map(|result| {
            let room = if result.status == Status::Ok {
                let room = ok_places > 0;
                ok_places = ok_places.saturating_sub(1);
                room
            } else {
                true
            };
            let listed = room && places > 0;
            places -= usize::from(listed);
            listed
        })
        .collect()
}

/// The status with a symbol that reads without colour.
fn status_text(status: Status) -> &'static str {
    match status {
        Status::Exhausted => "❌ exhausted",
        Status::AtRisk => "⚠️ at risk",
        Status::NoData => "⚪ no data",
        Status::LowTraffic => "🔹 low traffic",
        Status::Ok => "✅ ok",
    }
}

/// `text` as literal Markdown inside a table cell: punctuation that could start emphasis,
/// code, links or HTML, or end the cell, is backslash-escaped; line breaks become spaces.
fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '~' | '#' | '!' => {
                escaped.push('\\');
                escaped.push(c);
            }
            '&' => escaped.push_str("&amp;"),
            '\r' | '\n' => escaped.push(' '),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn cells_cannot_break_the_table() {
        assert_eq!(escape("a|b"), "a\\|b");
        assert_eq!(escape("*x* _y_ `z`"), "\\*x\\* \\_y\\_ \\`z\\`");
        assert_eq!(escape("<b>&\n"), "\\<b\\>&amp; ");
        assert_eq!(escape("/api/cart {route=/a}"), "/api/cart {route=/a}");
    }
}
