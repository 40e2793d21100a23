//! `--format json`: the report as one pretty-printed JSON document.

use std::io::{self, Write};

use super::Renderer;
use crate::report::Report;

/// Renders the [`Report`] as JSON.
#[derive(Debug, Clone, Copy)]
pub struct JsonRenderer;

impl Renderer for JsonRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, report)?;
        writeln!(out)
    }

    /// `{"history": [report, …]}`, one report per instant, in order.
    fn render_history(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        #[derive(serde::Serialize)]
        struct History<'a> {
            history: &'a [Report],
        }
        serde_json::to_writer_pretty(&mut *out, &History { history: reports })?;
        writeln!(out)
    }
}
