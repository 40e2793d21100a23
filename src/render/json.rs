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
    let mut serializer = serde_json::Serializer::with_formatter(&mut buffered, Pretty::default());
    value.serialize(&mut serializer)?;
    writeln!(buffered)?;
    buffered.flush()
}

/// serde_json's pretty layout (two spaces an indent), but each line's end and indent written
/// at once: serde_json's own formatter writes the indent one level at a time, and a report of
/// 100 000 groups has 4.5 million lines.
#[derive(Debug, Default)]
struct Pretty {
    /// How deep the value being written is.
    depth: usize,
    /// Whether the array or object being written has a value yet.
    has_value: bool,
}

impl Pretty {
    /// Ends the line (after a comma unless `first`) and indents the next to the current depth.
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> io::Result<()> {
        const LINE: &[u8] = b",\n                                                                ";
        let start = usize::from(first);
        let indent = 2 * self.depth;
        if 2 + indent <= LINE.len() {
            writer.write_all(&LINE[start..2 + indent])
        } else {
            writer.write_all(&LINE[start..2])?;
            (0..self.depth).try_for_each(|_| writer.write_all(b"  "))
        }
    }
}

impl Pretty {
    /// Opens an array or object with `bracket`, one level deeper.
    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    /// Closes an array or object with `bracket`, on a line of its own unless it is empty.
    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl serde_json::ser::Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written as serde_json's own pretty printer writes it, at every depth: past the
    /// indents written at once too.
    #[test]
    fn pretty_is_serde_jsons_pretty_layout() {
        let mut deep = serde_json::json!({"a": [], "b": {}, "c": [1, {"d": null}], "e": "f"});
        for depth in 0..40 {
            deep = serde_json::json!({"depth": depth, "inner": [deep, [], {}], "last": true});
        }
        for value in [
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!(1),
            deep,
        ] {
            let mut ours = Vec::new();
            write_pretty(&value, &mut ours).unwrap();
            let theirs = serde_json::to_string_pretty(&value).unwrap() + "\n";
            assert_eq!(String::from_utf8(ours).unwrap(), theirs);
        }
    }
}
