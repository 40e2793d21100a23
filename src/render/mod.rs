//! Output formats: one renderer per format, each writing a finished [`Report`] to a `Write`.
//!
//! Renderers format; they never compute figures. The formats for people (table, markdown,
//! junit messages) share the cell texts of [`summary`], so that a figure reads the same in a
//! terminal, a job summary and a test report.

mod backtest;
mod csv;
mod html;
mod human;
mod json;
mod junit;
mod markdown;
mod prometheus;
mod sparkline;
mod summary;
mod table;
mod verdict;

use std::io::{self, Write};

pub use self::csv::CsvRenderer;
pub use backtest::render_backtest;
pub use html::{render_html, HtmlRenderer, PastPeriod, ReportOverTime};
pub use human::{budget_percent, count, latency, percent, points, rate};
pub use json::JsonRenderer;
pub use junit::JunitRenderer;
pub use markdown::MarkdownRenderer;
pub use prometheus::PrometheusRenderer;
pub use sparkline::Charset;
pub use table::TableRenderer;
pub use verdict::VerdictRenderer;

use crate::policy::Verdict;
use crate::report::Report;

/// The output formats of `report` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputFormat {
    /// A table for people, readable at 100 columns.
    Table,
    /// The machine contract (schema in docs/json-output.md).
    Json,
    /// One row per SLO × group × window with a header (RFC 4180).
    Csv,
    /// A GitHub-flavoured table for a CI job summary or a pull-request comment.
    Markdown,
    /// Prometheus text exposition format, for node_exporter's textfile collector.
    Prometheus,
    /// JUnit XML: one test case per SLO × group × window; failures per --fail-on.
    Junit,
    /// One self-contained HTML page: tiles and charts per SLO × group × window.
    Html,
    /// The terse lines of `check`: the results that fail the policy, and a summary.
    Verdict,
}

/// Writes a report in one format.
pub trait Renderer {
    /// Writes `report` to `out`.
    ///
    /// # Errors
    ///
    /// A failed write to `out`.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;

    /// Writes the reports of a history (`report --from --to --every`), one per instant in
    /// order: by default one after another, each as [`Renderer::render`] writes it.
    ///
    /// # Errors
    ///
    /// A failed write to `out`.
    fn render_history(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        for (index, report) in reports.iter().enumerate() {
            if index > 0 {
                writeln!(out)?;
            }
            self.render(report, out)?;
        }
        Ok(())
    }
}

/// What some renderers need besides the report.
#[derive(Debug, Clone)]
pub struct RenderOptions {
    /// Whether ANSI colour may be used.
    pub color: bool,
    /// The characters of the table's sparklines.
    pub charset: Charset,
    /// The width of the terminal the output goes to, which the table fits; `None` when it
    /// goes to no terminal (a file, a pipe), where the table fits 100 columns.
    pub width: Option<usize>,
    /// The verdict on the report under the policy (`check --fail-on`; `report` uses the
    /// default, `exhausted`).
    pub verdict: Verdict,
    /// Threads a renderer may use (JSON writes many results side by side); the output is the
    /// same with any number.
    pub threads: usize,
}

/// The renderer for `format`.
pub fn renderer(format: OutputFormat, options: &RenderOptions) -> Box<dyn Renderer> {
    match format {
        OutputFormat::Table => Box::new(TableRenderer {
            color: options.color,
            charset: options.charset,
            width: options.width,
        }),
        OutputFormat::Json => Box::new(JsonRenderer {
            threads: options.threads,
        }),
        OutputFormat::Csv => Box::new(CsvRenderer),
        OutputFormat::Markdown => Box::new(MarkdownRenderer {
            no_events: options.verdict.no_events.clone(),
        }),
        OutputFormat::Prometheus => Box::new(PrometheusRenderer),
        OutputFormat::Junit => Box::new(JunitRenderer {
            verdict: options.verdict.clone(),
        }),
        OutputFormat::Html => Box::new(HtmlRenderer),
        OutputFormat::Verdict => Box::new(VerdictRenderer {
            verdict: options.verdict.clone(),
        }),
    }
}
