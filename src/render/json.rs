//! `--format json`: the report as one pretty-printed JSON document.

use std::io::{self, Write};

use serde::Serialize;

use super::Renderer;
use crate::report::{Report, SloResult};

/// Renders the [`Report`] as JSON.
#[derive(Debug, Clone, Copy)]
pub struct JsonRenderer {
    /// Threads that may write the results (see [`write_report`]).
    pub threads: usize,
}

impl Renderer for JsonRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        write_report(report, out, self.threads)
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

/// Results written by one thread at a time: about a megabyte of JSON.
const RESULTS_PER_PIECE: usize = 1024;

/// `report` as pretty-printed JSON and a newline, the bytes [`write_pretty`] writes. With many
/// results, `threads` threads write them in pieces of [`RESULTS_PER_PIECE`] side by side, and
/// the pieces go out in order, a few at a time: a report of 100 000 groups is 84 MB of JSON,
/// which one thread took a third of the run to write.
fn write_report(report: &Report, out: &mut dyn Write, threads: usize) -> io::Result<()> {
    if threads < 2 || report.results.len() <= RESULTS_PER_PIECE {
        return write_pretty(report, out);
    }
    // Everything but the results, as serde writes it: it ends with the empty results.
    let head = Report {
        evaluated_at: report.evaluated_at,
        between: report.between,
        inputs: report.inputs.clone(),
        results: Vec::new(),
    };
    let mut text = Vec::new();
    write_pretty(&head, &mut text)?;
    const EMPTY_RESULTS: &[u8] = b"\"results\": []\n}\n";
    let Some(head) = text.strip_suffix(EMPTY_RESULTS) else {
        return write_pretty(report, out);
    };
    out.write_all(head)?;
    out.write_all(b"\"results\": [")?;
    let pieces: Vec<&[SloResult]> = report.results.chunks(RESULTS_PER_PIECE).collect();
    std::thread::scope(|scope| -> io::Result<()> {
        // Worker `w` writes pieces w, w + threads, …, each into a buffer it sends, and gets
        // the buffer back once it is out: at most two buffers a worker.
        let mut workers = Vec::new();
        for worker in 0..threads {
            let (full_tx, full_rx) = std::sync::mpsc::sync_channel::<io::Result<Vec<u8>>>(1);
            let (empty_tx, empty_rx) = std::sync::mpsc::channel::<Vec<u8>>();
            let pieces = &pieces;
            scope.spawn(move || {
                for (index, piece) in pieces.iter().enumerate().skip(worker).step_by(threads) {
                    let mut buffer = empty_rx.try_recv().unwrap_or_default();
                    buffer.clear();
                    let written = write_results(piece, index == 0, &mut buffer).map(|()| buffer);
                    if full_tx.send(written).is_err() {
                        // The writer stopped (a failed write): nothing more is wanted.
                        return;
                    }
                }
            });
            workers.push((full_rx, empty_tx));
        }
        for index in 0..pieces.len() {
            let (full, empty) = &workers[index % threads];
            let buffer = full
                .recv()
                .map_err(|_| io::Error::other("a thread writing the results stopped"))??;
            out.write_all(&buffer)?;
            // A worker that has written its last piece no longer takes buffers back.
            let _ = empty.send(buffer);
        }
        Ok(())
    })?;
    out.write_all(b"\n  ]\n}\n")?;
    out.flush()
}

/// `results`, elements of the report's `results` array, as [`write_pretty`] writes them
/// there: each on a new line after a comma (but the very first, `first`), two levels deep.
fn write_results(results: &[SloResult], first: bool, out: &mut Vec<u8>) -> io::Result<()> {
    for (index, result) in results.iter().enumerate() {
        let formatter = Pretty {
            depth: 2,
            has_value: false,
        };
        formatter.new_line(out, first && index == 0)?;
        result.serialize(&mut serde_json::Serializer::with_formatter(
            &mut *out, formatter,
        ))?;
    }
    Ok(())
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
    use crate::report::tests::grouped;
    use crate::report::{InputSummary, Interval};
    use crate::time::Timestamp;

    /// A report of `n` results, each its own, with and without `between`.
    fn report(n: usize, between: bool) -> Report {
        Report {
            evaluated_at: Timestamp(1_790_856_000_000_000_000),
            between: between.then_some(Interval {
                from: Timestamp(0),
                to: Timestamp(1),
            }),
            inputs: InputSummary {
                files: vec!["a.log".into()],
                rows: n as u64,
                ..InputSummary::default()
            },
            results: (0..n)
                .map(|i| {
                    let mut result = grouped(vec![Some(&format!("g\"{i}")), None]);
                    result.total = i as u64;
                    result.sli = (i % 3 == 0).then_some(i as f64 / 7.0);
                    result
                })
                .collect(),
        }
    }

    /// Whatever the number of results and threads, the bytes serde_json's own pretty printer
    /// writes: pieces in order, commas between them, none after the last.
    #[test]
    fn results_written_side_by_side_are_the_pretty_report() {
        for n in [
            0,
            1,
            RESULTS_PER_PIECE,
            RESULTS_PER_PIECE + 1,
            3 * RESULTS_PER_PIECE + 17,
        ] {
            let report = report(n, n % 2 == 1);
            let theirs = serde_json::to_string_pretty(&report).unwrap() + "\n";
            for threads in [1, 2, 3, 8] {
                let mut ours = Vec::new();
                write_report(&report, &mut ours, threads).unwrap();
                assert!(
                    String::from_utf8(ours).unwrap() == theirs,
                    "{n} results, {threads} threads"
                );
            }
        }
    }

    /// A write that fails stops the run with its error: no thread is left waiting.
    #[test]
    fn a_failed_write_is_the_error() {
        /// Takes `left` bytes, then fails.
        struct Full {
            left: usize,
        }
        impl Write for Full {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                if self.left == 0 {
                    return Err(io::Error::other("disk full"));
                }
                let taken = buf.len().min(self.left);
                self.left -= taken;
                Ok(taken)
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let report = report(10 * RESULTS_PER_PIECE, false);
        for left in [0, 100, 1 << 20, 5 << 20] {
            let error = write_report(&report, &mut Full { left }, 2).unwrap_err();
            assert_eq!(error.to_string(), "disk full");
        }
    }

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
