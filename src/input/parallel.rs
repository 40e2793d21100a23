//! Reading one log on several threads.
//!
//! The calling thread reads (and decompresses) the log in blocks of [`CHUNK_BYTES`], cuts each
//! block just after its last complete record and hands it to a worker; the rest of the block
//! starts the next one. Each worker parses its chunks into a sink of its own; the caller merges
//! the sinks, so the result is the same as a single-threaded read whatever the chunking.
//! Buffers go back to the reader for reuse, so memory stays at a few chunks per thread
//! whatever the log size.
//!
//! The reading thread does little else. JSON Lines is cut at the last line end. Finding CSV
//! quotes exactly would cost a scan of every quote and line end, so a file is cut where the
//! number of quotes before a line end is even — two vectorised counts, right for every CSV
//! whose quotes open fields and are doubled inside them — and each worker checks that its
//! chunk's last record did end there. Should one not (a quote used some other way), the file
//! is read again with exact cuts. Where counting finds no such line end near the end of a
//! block, that block is cut exactly. Only regular files can be read again; standard input and
//! pipes are cut exactly from the start.
//!
//! Nor does the reading thread count lines: a worker numbers the lines of chunk `i` from
//! `i << 32` on (see [`chunk_first_line`]), which sorts as the file does, and counts them as it
//! parses; once every chunk is read, the numbers kept in the sinks are rewritten to lines of
//! the file.

use std::io::{self, BufRead, Read};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use super::csv::{self as delimited, ChunkParser, Header};
use super::json;
use super::text::{self, TextFormat};
use super::{
    detect_format, open_watched, refuse_non_text, InputError, InputFormat, LogInput, RowSink,
    MAX_RECORD_BYTES,
};
use crate::expr::FieldSlots;

/// Bytes per chunk handed to a worker.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// What reading one log gave: the sinks of the threads that read it, to be merged, and the
/// format it was read in (the one recognised, when it was `auto`).
#[derive(Debug)]
pub struct LogRead<S> {
    pub sinks: Vec<S>,
    pub format: InputFormat,
}

/// How the chunks of one log are parsed.
#[derive(Debug, Clone)]
enum Layout {
    Delimited { delimiter: u8, header: Header },
    JsonLines,
    Text(TextFormat),
}

struct Chunk {
    bytes: Vec<u8>,
    /// Position in the log: chunks are numbered in order from 0.
    index: usize,
    /// Whether the chunk was cut by counting quotes, so its worker checks the cut.
    check_end: bool,
    /// A W3C log's `#Fields:` line in effect where the chunk starts.
    fields_line: Option<Arc<[u8]>>,
}

/// Why a read stopped early.
enum Stop {
    Failed(InputError),
    /// A chunk cut by counting quotes did not end at a record's end.
    Miscut,
}

/// Reads one log with `threads` worker threads (at least one), each counting into its own sink
/// from `new_sink`, while the calling thread reads; returns the sinks, to be merged by the
/// caller. JSON arrays (and logs of unknown format) are read on the calling thread alone.
///
/// # Errors
///
/// A log that cannot be opened or read, a malformed row under `--strict` (the first in log order), or an error a sink returns.
pub fn read_log_parallel<S, F>(
    input: &LogInput,
    format: &InputFormat,
    fields: &FieldSlots,
    threads: usize,
    new_sink: F,
) -> Result<LogRead<S>, InputError>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    read_in_chunks(input, format, fields, threads, CHUNK_BYTES, new_sink)
}

/// [`read_log_parallel`] with chunks of about `chunk_bytes` (small ones in tests).
pub(super) fn read_in_chunks<S, F>(
    input: &LogInput,
    format: &InputFormat,
    fields: &FieldSlots,
    threads: usize,
    chunk_bytes: usize,
    new_sink: F,
) -> Result<LogRead<S>, InputError>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    // Only a log that reads the same again is cut by counting quotes, which may call for a
    // second read: a regular file, held open for it so that the second read is of the same
    // file whatever is renamed in between. Standard input, a named pipe or a process
    // substitution (`<(zcat log.gz)`), which arrive as paths, are cut exactly from the start.
    let held;
    let input = match input {
        LogInput::File(_) if input.rereadable() => {
            held = input.hold(|| Err(io::Error::other("it is no longer a regular file")))?;
            &held
        }
        _ => input,
    };
    let rereadable = input.rereadable();
    let read = |by_quote_count| {
        let chunking = Chunking {
            bytes: chunk_bytes,
            by_quote_count,
        };
        read_chunked(input, format, fields, threads, &new_sink, chunking)
    };
    match read(rereadable) {
        Err(Stop::Miscut) => read(false),
        other => other,
    }
    .map_err(|stop| match stop {
        Stop::Failed(error) => error,
        // Exact cuts are never checked, so cannot be miscut.
        Stop::Miscut => InputError::new(input, "could not cut the log into chunks"),
    })
}

/// How a log is cut into chunks.
#[derive(Debug, Clone, Copy)]
struct Chunking {
    /// About how many bytes a chunk has.
    bytes: usize,
    /// Whether CSV is cut by counting quotes (and checked), rather than exactly.
    by_quote_count: bool,
}

/// One read of a log on `threads` threads, then a check that the file was not truncated
/// while it was read.
fn read_chunked<S, F>(
    input: &LogInput,
    format: &InputFormat,
    fields: &FieldSlots,
    threads: usize,
    new_sink: &F,
    chunking: Chunking,
) -> Result<LogRead<S>, Stop>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    let (reader, truncation) = open_watched(input).map_err(Stop::Failed)?;
    let sinks = read_opened_chunked(input, reader, format, fields, threads, new_sink, chunking)?;
    truncation.check(input).map_err(Stop::Failed)?;
    Ok(sinks)
}

/// [`read_chunked`] once the log is open.
fn read_opened_chunked<S, F>(
    input: &LogInput,
    mut reader: Box<dyn BufRead + Send>,
    format: &InputFormat,
    fields: &FieldSlots,
    threads: usize,
    new_sink: &F,
    chunking: Chunking,
) -> Result<LogRead<S>, Stop>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    let failed = Stop::Failed;
    let head = reader
        .fill_buf()
        .map_err(|e| failed(InputError::read_failed(input, 1, &e)))?;
    refuse_non_text(input, head).map_err(failed)?;
    let format = match format {
        InputFormat::Auto => detect_format(input, &mut reader).map_err(failed)?,
        other => other.clone(),
    };
    if matches!(format, InputFormat::Json | InputFormat::Auto) {
        let mut sink = new_sink();
        super::read_opened(input, reader, &format, fields, &mut sink).map_err(failed)?;
        return Ok(LogRead {
            sinks: vec![sink],
            format,
        });
    }
    let threads = threads.max(1);
    let read_failed =
        |line: u64, e: std::io::Error| failed(InputError::read_failed(input, line, &e));
    // A failure in the first block is at the line after its whole ones: the line cut short.
    let cut_line = |block: &[u8]| memchr::memchr_iter(b'\n', block).count() as u64 + 1;

    // The first block, with the header row of delimited logs.
    let mut first = Vec::with_capacity(chunking.bytes + 64 * 1024);
    let mut eof = match fill(&mut reader, &mut first, chunking.bytes) {
        Ok(eof) => eof,
        Err(e) => return Err(read_failed(cut_line(&first), e)),
    };
    let (layout, body_start, first_line) = match &format {
        InputFormat::Csv | InputFormat::Tsv => {
            let delimiter = if format == InputFormat::Tsv {
                b'\t'
            } else {
                b','
            };
            // The header must be whole in the block: read on until a line end after it (blank
            // lines before it are skipped), or the limit.
            let header_ends = |block: &[u8]| {
                let start = block.iter().position(|&b| b != b'\n' && b != b'\r');
                start.is_some_and(|start| memchr::memchr(b'\n', &block[start..]).is_some())
            };
            while !eof && !header_ends(&first) && first.len() <= MAX_RECORD_BYTES {
                let want = first.len() + chunking.bytes;
                eof = match fill(&mut reader, &mut first, want) {
                    Ok(eof) => eof,
                    Err(e) => return Err(read_failed(cut_line(&first), e)),
                };
            }
            let mut cursor: &[u8] = &first;
            let mut records = delimited::records(&mut cursor, delimiter, 1);
            let Some(header) =
                delimited::read_header(input, &mut records, fields).map_err(failed)?
            else {
                return Ok(LogRead {
                    sinks: vec![new_sink()],
                    format: format.clone(),
                });
            };
            let line = records.line;
            let consumed = first.len() - cursor.len();
            (Layout::Delimited { delimiter, header }, consumed, line)
        }
        InputFormat::Text(text) => (Layout::Text(text.clone()), 0, 1),
        _ => (Layout::JsonLines, 0, 1),
    };
    first.drain(..body_start);

    let chunking = Chunking {
        by_quote_count: chunking.by_quote_count && matches!(format, InputFormat::Csv),
        ..chunking
    };
    let stop = StopAfter::default();
    let line_counts = Mutex::new(Vec::new());
    let (job_sender, job_receiver) = sync_channel::<Chunk>(threads * 2);
    let job_receiver = Arc::new(Mutex::new(job_receiver));
    let (spare_sender, spare_receiver) = sync_channel::<Vec<u8>>(threads * 3);
    let sinks = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let jobs = Arc::clone(&job_receiver);
                let spares = spare_sender.clone();
                let (layout, stop, line_counts) = (&layout, &stop, &line_counts);
                scope.spawn(move || {
                    work(
                        input,
                        fields,
                        layout,
                        &jobs,
                        &spares,
                        stop,
                        line_counts,
                        new_sink,
                    )
                })
            })
            .collect();
        // Only the workers hold the ends they read from: should every worker die, sending
        // fails instead of waiting for ever.
        drop(spare_sender);
        drop(job_receiver);
        let produced = produce(
            &mut reader,
            first,
            eof,
            &layout,
            &job_sender,
            &spare_receiver,
            &stop,
            threads,
            chunking,
        );
        drop(job_sender);
        let sinks: Vec<S> = workers
            .into_iter()
            .filter_map(|worker| worker.join().ok())
            .collect();
        (produced, sinks)
    });
    let (produced, mut sinks) = sinks;
    let lines = FileLines::new(first_line, line_counts.into_inner().unwrap_or_default());
    if let Some((_, mut stopped)) = stop.first.into_inner().ok().flatten() {
        if let Stop::Failed(error) = &mut stopped {
            error.line = error.line.map(|line| lines.of(line));
        }
        return Err(stopped);
    }
    if let Err((chunk, e)) = produced {
        return Err(read_failed(lines.of(chunk_first_line(chunk)), e));
    }
    if sinks.len() != threads {
        return Err(failed(InputError::new(input, "a worker thread failed")));
    }
    for sink in &mut sinks {
        sink.renumber_lines(&|line| lines.of(line));
    }
    Ok(LogRead { sinks, format })
}

/// The number a worker gives the first line of chunk `index`; the lines after it count on.
fn chunk_first_line(index: usize) -> u64 {
    ((index as u64) << 32) | 1
}

/// Turns the line numbers of chunks (see [`chunk_first_line`]) into lines of the file.
struct FileLines {
    /// The line of the file on which each chunk starts, for every chunk whose predecessors
    /// were all read.
    starts: Vec<u64>,
}

impl FileLines {
    /// From the file's first line after any header, and the lines in each chunk read.
    fn new(first_line: u64, mut counts: Vec<(usize, u64)>) -> FileLines {
        counts.sort_unstable();
        let mut starts = vec![first_line];
        for (index, lines) in counts {
            if index + 1 != starts.len() {
                break;
            }
            starts.push(starts[index] + lines);
        }
        FileLines { starts }
    }

    fn of(&self, chunk_line: u64) -> u64 {
        let index = (chunk_line >> 32) as usize;
        match self.starts.get(index) {
            Some(start) => start + (chunk_line & 0xffff_ffff) - 1,
            None => chunk_line,
        }
    }
}

/// Where a read stopped: the first chunk that failed, by position in the log. Chunks before it
/// are still read (one of them may hold an earlier failure, or show a miscut); later ones not.
struct StopAfter {
    chunk: AtomicUsize,
    first: Mutex<Option<(usize, Stop)>>,
}

impl Default for StopAfter {
    fn default() -> StopAfter {
        StopAfter {
            chunk: AtomicUsize::new(usize::MAX),
            first: Mutex::new(None),
        }
    }
}

impl StopAfter {
    fn stopped(&self) -> bool {
        self.chunk.load(Ordering::Relaxed) != usize::MAX
    }

    fn skips(&self, chunk: usize) -> bool {
        chunk > self.chunk.load(Ordering::Relaxed)
    }

    fn stop(&self, chunk: usize, why: Stop) {
        self.chunk.fetch_min(chunk, Ordering::Relaxed);
        if let Ok(mut first) = self.first.lock() {
            if first.as_ref().is_none_or(|(earliest, _)| chunk < *earliest) {
                *first = Some((chunk, why));
            }
        }
    }
}

/// Reads until `buffer` holds `want` bytes or the input ends; true at the end of input.
fn fill(reader: &mut dyn BufRead, buffer: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    let need = want.saturating_sub(buffer.len());
    if need == 0 {
        return Ok(false);
    }
    let read = reader.take(need as u64).read_to_end(buffer)?;
    Ok(read < need)
}

#[allow(clippy::too_many_arguments)]
fn produce(
    reader: &mut dyn BufRead,
    mut block: Vec<u8>,
    mut eof: bool,
    layout: &Layout,
    jobs: &std::sync::mpsc::SyncSender<Chunk>,
    spares: &Receiver<Vec<u8>>,
    stop: &StopAfter,
    threads: usize,
    chunking: Chunking,
) -> Result<(), (usize, std::io::Error)> {
    let chunk_bytes = chunking.bytes;
    // One being filled, one queued and one being parsed per worker.
    let mut buffers = Buffers {
        spares,
        allocated: 1,
        limit: 1 + 2 * threads,
        capacity: chunk_bytes + 64 * 1024,
    };
    let mut sender = Sender {
        jobs,
        index: 0,
        fields_lines: matches!(layout, Layout::Text(text) if text.has_field_lines()),
        fields_line: None,
    };
    loop {
        if stop.stopped() {
            return Ok(());
        }
        if !eof && block.len() < chunk_bytes {
            eof = match fill(reader, &mut block, chunk_bytes) {
                Ok(eof) => eof,
                Err(e) => return Err(after_whole_records(block, layout, chunking, &mut sender, e)),
            };
        }
        if block.is_empty() && eof {
            return Ok(());
        }
        let (cut, counted) = if eof {
            (Some(block.len()), false)
        } else {
            cut_point(&block, layout, chunking)
        };
        let Some(cut) = cut.filter(|&c| c > 0) else {
            // No record ends in the block: read on. A record longer than the limit is still
            // handed over whole at the limit, and its parser reports it as malformed.
            if block.len() > MAX_RECORD_BYTES + chunk_bytes {
                let chunk = std::mem::replace(&mut block, buffers.take());
                if !sender.send(chunk, false) {
                    return Ok(());
                }
                continue;
            }
            let want = block.len() + chunk_bytes;
            eof = match fill(reader, &mut block, want) {
                Ok(eof) => eof,
                Err(e) => return Err(after_whole_records(block, layout, chunking, &mut sender, e)),
            };
            continue;
        };
        let mut next = buffers.take();
        next.extend_from_slice(&block[cut..]);
        block.truncate(cut);
        let chunk = std::mem::replace(&mut block, next);
        if !sender.send(chunk, counted) {
            return Ok(());
        }
    }
}

/// Where to cut a block that does not end the log, and whether the cut was found by counting
/// quotes (for the worker to check).
fn cut_point(block: &[u8], layout: &Layout, chunking: Chunking) -> (Option<usize>, bool) {
    match layout {
        Layout::Delimited { delimiter, .. } => {
            match chunking
                .by_quote_count
                .then(|| delimited::cut_by_quote_count(block))
            {
                Some(Some(cut)) => (Some(cut), true),
                _ => (delimited::cut(block, *delimiter), false),
            }
        }
        Layout::JsonLines | Layout::Text(_) => {
            (memchr::memrchr(b'\n', block).map(|i| i + 1), false)
        }
    }
}

/// After a read error part way through `block`: hands the records read whole to the workers,
/// so that they are counted (and `--strict` finds a bad row among them first, as a
/// record-by-record read would), and returns the error with the chunk it belongs to, the one
/// that starts with the record the error cut short.
fn after_whole_records(
    mut block: Vec<u8>,
    layout: &Layout,
    chunking: Chunking,
    sender: &mut Sender<'_>,
    error: std::io::Error,
) -> (usize, std::io::Error) {
    if let (Some(cut @ 1..), counted) = cut_point(&block, layout, chunking) {
        block.truncate(cut);
        sender.send(block, counted);
    }
    (sender.index, error)
}

/// Hands chunks to the workers, numbered.
struct Sender<'a> {
    jobs: &'a std::sync::mpsc::SyncSender<Chunk>,
    index: usize,
    /// Whether the log's `#Fields:` lines are followed from chunk to chunk (W3C logs).
    fields_lines: bool,
    /// The `#Fields:` line in effect where the next chunk starts.
    fields_line: Option<Arc<[u8]>>,
}

impl Sender<'_> {
    /// False when the workers have stopped.
    fn send(&mut self, bytes: Vec<u8>, check_end: bool) -> bool {
        let index = self.index;
        self.index += 1;
        let fields_line = if self.fields_lines {
            let after = text::fields_line_after(&bytes, index == 0, self.fields_line.clone());
            std::mem::replace(&mut self.fields_line, after)
        } else {
            None
        };
        let chunk = Chunk {
            bytes,
            index,
            check_end,
            fields_line,
        };
        self.jobs.send(chunk).is_ok()
    }
}

/// How many chunk buffers are allocated before any is reused: all of them with up to three
/// workers, so that memory is the same for every log longer than a few chunks, however quickly
/// the workers happen to return buffers.
const EAGER_BUFFERS: usize = 8;

/// The chunk buffers of one read. Past the first [`EAGER_BUFFERS`], a returned buffer is
/// reused before another is allocated, and at most `limit` are: on a machine with many cores a
/// log that the workers keep up with takes no more buffers than it needs.
struct Buffers<'a> {
    spares: &'a Receiver<Vec<u8>>,
    allocated: usize,
    limit: usize,
    capacity: usize,
}

impl Buffers<'_> {
    fn take(&mut self) -> Vec<u8> {
        let reused = if self.allocated < self.limit.min(EAGER_BUFFERS) {
            None
        } else {
            match self.spares.try_recv() {
                Ok(buffer) => Some(buffer),
                Err(_) if self.allocated >= self.limit => self.spares.recv().ok(),
                Err(_) => None,
            }
        };
        match reused {
            Some(mut buffer) => {
                buffer.clear();
                buffer
            }
            None => {
                self.allocated += 1;
                Vec::with_capacity(self.capacity)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn work<S: RowSink, F: Fn() -> S>(
    input: &LogInput,
    fields: &FieldSlots,
    layout: &Layout,
    jobs: &Mutex<Receiver<Chunk>>,
    spares: &std::sync::mpsc::SyncSender<Vec<u8>>,
    stop: &StopAfter,
    line_counts: &Mutex<Vec<(usize, u64)>>,
    new_sink: &F,
) -> S {
    let mut counted = Vec::new();
    let mut sink = new_sink();
    let mut json_rows = json::JsonRows::new(fields);
    let mut delimited_parser = match layout {
        Layout::Delimited { delimiter, header } => Some(ChunkParser::new(*delimiter, header)),
        Layout::JsonLines | Layout::Text(_) => None,
    };
    let mut text_rows = match layout {
        Layout::Text(format) => Some(text::TextRows::new(format, fields)),
        _ => None,
    };
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => break,
        };
        let Ok(chunk) = job else {
            break;
        };
        if stop.skips(chunk.index) {
            let _ = spares.try_send(chunk.bytes);
            continue;
        }
        let first_line = chunk_first_line(chunk.index);
        let parsed = match (layout, delimited_parser.as_mut()) {
            (Layout::Delimited { header, .. }, Some(parser)) => parser
                .parse(
                    input,
                    &chunk.bytes,
                    first_line,
                    header,
                    chunk.check_end,
                    &mut sink,
                )
                .map(|end| (end.next_line, end.in_quotes && chunk.check_end)),
            _ => match text_rows.as_mut() {
                Some(rows) => {
                    rows.start_chunk(chunk.fields_line.as_deref());
                    rows.parse_lines_chunk(&chunk.bytes, first_line, &mut sink)
                }
                None => json_rows.parse_lines_chunk(&chunk.bytes, first_line, &mut sink),
            }
            .map(|next_line| (next_line, false)),
        };
        match parsed {
            Ok((next_line, false)) => {
                let lines = next_line - first_line;
                debug_assert_eq!(
                    lines,
                    memchr::memchr_iter(b'\n', &chunk.bytes).count() as u64,
                    "the parser miscounted the lines of chunk {}",
                    chunk.index
                );
                counted.push((chunk.index, lines));
            }
            Ok((_, true)) => stop.stop(chunk.index, Stop::Miscut),
            Err(error) => stop.stop(chunk.index, Stop::Failed(error)),
        }
        let _ = spares.try_send(chunk.bytes);
    }
    if let Ok(mut counts) = line_counts.lock() {
        counts.append(&mut counted);
    }
    sink
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_sink::{fields, read_both_ways, Collect};
    use crate::input::{TextFormat, TextKind};
    use proptest::prelude::*;

    /// Reads `text` as a file of `format` whole, on one thread, and in chunks of about
    /// `chunk_bytes` on two threads; returns both readings, rows and malformed rows in order.
    fn both_ways(text: &[u8], format: InputFormat, chunk_bytes: usize) -> (Collect, Collect) {
        both_ways_reading(text, format, &["a", "b"], chunk_bytes)
    }

    fn both_ways_reading(
        text: &[u8],
        format: InputFormat,
        names: &[&str],
        chunk_bytes: usize,
    ) -> (Collect, Collect) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), text).unwrap();
        let input = LogInput::File(file.path().to_path_buf());
        read_both_ways(&input, &format, &fields(names), 2, chunk_bytes).unwrap()
    }

    /// Blank lines before a CSV header, more than a chunk of them: the header is still read
    /// whole (found by fuzzing: it was cut at the block's end, its rest read as a row).
    #[test]
    fn blank_lines_before_a_header_longer_than_a_chunk() {
        let text = format!(
            "{}timestamp,status\n2026-10-01T12:00:00Z,200\n",
            "\n".repeat(60)
        );
        for chunk_bytes in [1, 41, 59, 61, 100] {
            let (whole, chunked) =
                both_ways_reading(text.as_bytes(), InputFormat::Csv, &["status"], chunk_bytes);
            assert_eq!(whole.rows, [(62, vec!["200".to_string()])]);
            assert_eq!(whole.rows, chunked.rows, "chunks of {chunk_bytes} bytes");
            assert_eq!(
                whole.malformed, chunked.malformed,
                "chunks of {chunk_bytes} bytes"
            );
        }
    }

    /// A W3C log whose first line is its `#Fields:` line after a byte order mark: the chunks
    /// after the first read with its columns too.
    #[test]
    fn a_fields_line_after_a_byte_order_mark_applies_to_every_chunk() {
        let mut text = b"\xef\xbb\xbf#Fields: date time sc-status".to_vec();
        for second in 0..20 {
            text.extend_from_slice(format!("\n2026-10-01 12:00:{second:02} 200").as_bytes());
        }
        let format = InputFormat::Text(TextFormat::new(TextKind::W3c));
        for chunk_bytes in [1, 7, 30, 100] {
            let (whole, chunked) =
                both_ways_reading(&text, format.clone(), &["status"], chunk_bytes);
            assert_eq!(whole.rows.len(), 20);
            assert!(whole.malformed.is_empty());
            assert_eq!(whole.rows, chunked.rows, "chunks of {chunk_bytes} bytes");
            assert_eq!(
                whole.malformed, chunked.malformed,
                "chunks of {chunk_bytes} bytes"
            );
        }
    }

    fn csv_piece() -> impl Strategy<Value = &'static str> {
        prop_oneof![
            Just("1"),
            Just("xyz"),
            Just(","),
            Just("\n"),
            Just("\n"),
            Just("\r\n"),
            Just("\r"),
            Just("\""),
            Just("\"\""),
            Just("5\" screen"),
            Just("\"a,b\""),
            Just("\"multi\nline\""),
            Just("\"doubled \"\" quote\""),
            Just("a rather longer field that spans several words"),
        ]
    }

    /// Cases the property tests below once found.
    #[test]
    fn found_cases_read_alike() {
        for text in [
            "a,b\n\"\"\n",
            "a,b\n\r\"multi\nline\"",
            // A quote inside an unquoted last field is no quote left open.
            "a,b\n\"\"multi\nline\"",
        ] {
            for chunk_bytes in [1, 2, 7] {
                let (whole, chunked) = both_ways(text.as_bytes(), InputFormat::Csv, chunk_bytes);
                assert_eq!(whole.rows, chunked.rows, "{text:?}");
                assert_eq!(whole.malformed, chunked.malformed, "{text:?}");
            }
        }
        // `""` is a row with one empty field, not a blank line.
        let (whole, _) = both_ways(b"a,b\n\"\"\n", InputFormat::Csv, 4);
        assert_eq!(
            whole.malformed,
            vec![(2, "1 field where the header has 2".to_string())]
        );
    }

    proptest! {
        // Failures are shrunk and kept as `found_cases_read_alike`, not in a file.
        #![proptest_config(ProptestConfig {
            cases: 500,
            failure_persistence: None,
            ..ProptestConfig::default()
        })]

        /// However a CSV is cut — by quote counts, checked, or exactly after a miscut — the
        /// chunks read as the whole file does: the same rows, the same malformed rows, on the
        /// same lines.
        #[test]
        fn csv_chunks_read_as_the_whole_file(
            pieces in proptest::collection::vec(csv_piece(), 0..120),
            chunk_bytes in 1usize..96,
        ) {
            let text = format!("a,b\n{}", pieces.concat());
            let (whole, chunked) = both_ways(text.as_bytes(), InputFormat::Csv, chunk_bytes);
            prop_assert_eq!(whole.rows, chunked.rows);
            prop_assert_eq!(whole.malformed, chunked.malformed);
        }

        #[test]
        fn json_lines_chunks_read_as_the_whole_file(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("{\"a\": 1, \"b\": \"x\"}"),
                    Just("{\"a\":\"q\\\"r\",\"b\":{\"c\":[1,2]}}"),
                    Just("  {\"b\": null}  "),
                    Just(""),
                    Just("{not json"),
                    Just("[1, 2]"),
                    Just("{\"a\": \"\\u00e9\"}\r"),
                ],
                0..60,
            ),
            chunk_bytes in 1usize..96,
        ) {
            let text = lines.join("\n");
            let (whole, chunked) = both_ways(text.as_bytes(), InputFormat::Jsonl, chunk_bytes);
            prop_assert_eq!(whole.rows, chunked.rows);
            prop_assert_eq!(whole.malformed, chunked.malformed);
        }

        /// Text logs too, a W3C log's `#Fields:` lines included: each chunk reads its lines
        /// with the columns of the last `#Fields:` line before it, wherever the cuts fall.
        #[test]
        fn text_log_chunks_read_as_the_whole_file(
            lines in proptest::collection::vec(
                prop_oneof![
                    Just("#Fields: date time sc-status cs-uri-stem"),
                    Just("#Fields: date time cs-uri-stem"),
                    Just("#Version: 1.0"),
                    Just("2026-10-01\t12:00:00\t200\t/a"),
                    Just("2026-10-01\t12:00:01\t/b"),
                    Just("2026-10-01\t12:00:02\t-\t/c"),
                    Just(""),
                    Just("10.0.0.1 - - [01/Oct/2026:12:00:00 +0000] \"GET /a?x HTTP/1.1\" 200 5 \"-\" \"ua \\x22q\\x22\""),
                    Just("10.0.0.1 - - [01/Oct/2026:12:00:00 +0000] \"-\" 400 0 \"-\" \"-\"\r"),
                ],
                0..60,
            ),
            chunk_bytes in 1usize..96,
            nginx in proptest::bool::ANY,
        ) {
            let text = lines.join("\n");
            let kind = if nginx { TextKind::Nginx } else { TextKind::Cloudfront };
            let format = InputFormat::Text(TextFormat::new(kind));
            let names = ["status", "uri", "timestamp", "http_user_agent"];
            let (whole, chunked) = both_ways_reading(text.as_bytes(), format, &names, chunk_bytes);
            prop_assert_eq!(whole.rows, chunked.rows);
            prop_assert_eq!(whole.malformed, chunked.malformed);
        }
    }
}
