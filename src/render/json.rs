//! `--format json`: the report as one pretty-printed JSON document.

use std::io::{self, Write};

use super::Renderer;
use crate::report::Report;

/// Renders the [`Report`] as JSON.
#[derive(Debug, Clone, Copy)]
pub struct JsonRenderer;

impl Renderer for JsonRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_pretty(report, out)
    }

    /// `{"history": [report, …]}`, one report per instant, in order.
    fn render_history(&self, reports: &[Report], out: &mut dyn Write) -> io::Result<()> {
        #[derive(serde::Serialize)]
        struct History<'a> {
            history: &'a [Report],
        }
        write_pretty(&History { history: reports }, out)
    }
}

/// `value` as pretty-printed JSON and a newline. The serialiser writes a few bytes at a time
/// (a brace, an indent, a key); through `dyn Write` each would be a call that cannot be
/// inlined, so they are gathered here first: a tenth of the time of a report of 100 000
/// groups went to those calls.
fn write_pretty(value: &impl serde::Serialize, out: &mut dyn Write) -> io::Result<()> {
    let mut buffered = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, value)?;
    writeln!(buffered)?;
    buffered.flush()
}
