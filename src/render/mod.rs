//! Output formats: one renderer per format, each writing a finished [`Report`] to a `Write`.
//!
//! Renderers format; they never compute figures.

mod human;
mod json;
mod table;

use std::io::{self, Write};

pub use human::{budget_percent, count, percent, points};
pub use json::JsonRenderer;
pub use table::TableRenderer;

use crate::report::Report;

/// The output formats of `report` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// A table for people, readable at 100 columns.
    Table,
    /// The machine contract (schema in docs/json-output.md).
    Json,
}

/// Writes a report in one format.
pub trait Renderer {
    /// Writes `report` to `out`.
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer for `format`; `color` says whether ANSI colour may be used.
pub fn renderer(format: OutputFormat, color: bool) -> Box<dyn Renderer> {
    match format {
        OutputFormat::Table => Box::new(TableRenderer { color }),
        OutputFormat::Json => Box::new(JsonRenderer),
    }
}
