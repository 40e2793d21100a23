//! Reading one log on several threads.
//!
//! The calling thread reads (and decompresses) the log in blocks of [`CHUNK_BYTES`], cuts each
//! block just after its last complete record — outside CSV quotes, at a line end for JSON Lines
//! — counts its lines, and hands it to a worker; the rest of the block starts the next one.
//! Each worker parses its chunks into a sink of its own; the caller merges the sinks, so the
//! result is the same as a single-threaded read whatever the chunking. Buffers go back to the
//! reader for reuse, so memory stays at a few chunks per thread whatever the log size.

use std::io::{BufRead, Read};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{sync_channel, Receiver};
use std::sync::{Arc, Mutex};

use super::csv::{self as delimited, ChunkParser, Header};
use super::json;
use super::{
    detect_format, open, refuse_non_text, FieldTable, InputError, InputFormat, LogInput, RowSink,
    MAX_RECORD_BYTES,
};

/// Bytes per chunk handed to a worker.
pub const CHUNK_BYTES: usize = 4 * 1024 * 1024;

/// How the chunks of one log are parsed.
#[derive(Debug, Clone)]
enum Layout {
    Delimited { delimiter: u8, header: Header },
    JsonLines,
}

struct Chunk {
    bytes: Vec<u8>,
    first_line: u64,
}

/// Reads one log with up to `threads` threads, each counting into its own sink from
/// `new_sink`; returns the sinks, to be merged by the caller. JSON arrays (and `threads` ≤ 1)
/// are read on the calling thread.
pub fn read_log_parallel<S, F>(
    input: &LogInput,
    format: InputFormat,
    fields: &FieldTable,
    threads: usize,
    new_sink: F,
) -> Result<Vec<S>, InputError>
where
    S: RowSink + Send,
    F: Fn() -> S + Sync,
{
    let mut reader = open(input)?;
    let head = reader
        .fill_buf()
        .map_err(|e| InputError::read_failed(input, 1, &e))?;
    refuse_non_text(input, head)?;
    let format = match format {
        InputFormat::Auto => detect_format(input, &mut reader)
            .map_err(|e| InputError::new(input, format!("cannot read: {e}")))?,
        other => other,
    };
    if threads <= 1 || matches!(format, InputFormat::Json | InputFormat::Auto) {
        let mut sink = new_sink();
        super::read_opened(input, reader, format, fields, &mut sink)?;
        return Ok(vec![sink]);
    }
    let read_failed = |line: u64, e: std::io::Error| InputError::read_failed(input, line, &e);

    // The first block, with the header row of delimited logs.
    let mut first = Vec::with_capacity(CHUNK_BYTES + 64 * 1024);
    let mut eof = fill(&mut reader, &mut first, CHUNK_BYTES).map_err(|e| read_failed(1, e))?;
    let (layout, body_start, first_line) = match format {
        InputFormat::Csv | InputFormat::Tsv => {
            let delimiter = if format == InputFormat::Tsv {
                b'\t'
            } else {
                b','
            };
            // The header must be whole in the block: read on until a line end (or the limit).
            while !eof && memchr::memchr(b'\n', &first).is_none() && first.len() <= MAX_RECORD_BYTES
            {
                let want = first.len() + CHUNK_BYTES;
                eof = fill(&mut reader, &mut first, want).map_err(|e| read_failed(1, e))?;
            }
            let mut cursor: &[u8] = &first;
            let mut records = delimited::records(&mut cursor, delimiter, 1);
            let Some(header) = delimited::read_header(input, &mut records, fields)? else {
                return Ok(vec![new_sink()]);
            };
            let line = records.line;
            let consumed = first.len() - cursor.len();
            (Layout::Delimited { delimiter, header }, consumed, line)
        }
        _ => (Layout::JsonLines, 0, 1),
    };
    first.drain(..body_start);

    let stop = AtomicBool::new(false);
    let failure: Mutex<Option<InputError>> = Mutex::new(None);
    let (job_sender, job_receiver) = sync_channel::<Chunk>(threads * 2);
    let job_receiver = Arc::new(Mutex::new(job_receiver));
    let (spare_sender, spare_receiver) = sync_channel::<Vec<u8>>(threads * 3);
    let sinks = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let jobs = Arc::clone(&job_receiver);
                let spares = spare_sender.clone();
                let (layout, stop, failure, new_sink) = (&layout, &stop, &failure, &new_sink);
                scope.spawn(move || {
                    work(
                        input, fields, layout, &jobs, &spares, stop, failure, new_sink,
                    )
                })
            })
            .collect();
        drop(spare_sender);
        let produced = produce(
            &mut reader,
            first,
            eof,
            first_line,
            &layout,
            &job_sender,
            &spare_receiver,
            &stop,
            threads,
        );
        drop(job_sender);
        let sinks: Vec<S> = workers
            .into_iter()
            .filter_map(|worker| worker.join().ok())
            .collect();
        (produced, sinks)
    });
    let (produced, sinks) = sinks;
    if let Some(error) = failure.into_inner().ok().flatten() {
        return Err(error);
    }
    if let Err((line, e)) = produced {
        return Err(read_failed(line, e));
    }
    if sinks.len() != threads {
        return Err(InputError::new(input, "a worker thread failed"));
    }
    Ok(sinks)
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
    mut line: u64,
    layout: &Layout,
    jobs: &std::sync::mpsc::SyncSender<Chunk>,
    spares: &Receiver<Vec<u8>>,
    stop: &AtomicBool,
    threads: usize,
) -> Result<(), (u64, std::io::Error)> {
    // One being filled, one queued and one being parsed per worker.
    let mut buffers = Buffers {
        spares,
        allocated: 1,
        limit: 1 + 2 * threads,
    };
    loop {
        if stop.load(Ordering::Relaxed) {
            return Ok(());
        }
        if !eof && block.len() < CHUNK_BYTES {
            eof = fill(reader, &mut block, CHUNK_BYTES).map_err(|e| (line, e))?;
        }
        if block.is_empty() && eof {
            return Ok(());
        }
        let cut = if eof {
            Some(block.len())
        } else {
            match layout {
                Layout::Delimited { delimiter, .. } => delimited::cut(&block, *delimiter),
                Layout::JsonLines => memchr::memrchr(b'\n', &block).map(|i| i + 1),
            }
        };
        let Some(cut) = cut.filter(|&c| c > 0) else {
            // No record ends in the block: read on. A record longer than the limit is still
            // handed over whole at the limit, and its parser reports it as malformed.
            if block.len() > MAX_RECORD_BYTES + CHUNK_BYTES {
                let chunk = std::mem::replace(&mut block, buffers.take());
                if !send(jobs, chunk, &mut line) {
                    return Ok(());
                }
                continue;
            }
            let want = block.len() + CHUNK_BYTES;
            eof = fill(reader, &mut block, want).map_err(|e| (line, e))?;
            continue;
        };
        let mut next = buffers.take();
        next.extend_from_slice(&block[cut..]);
        block.truncate(cut);
        let chunk = std::mem::replace(&mut block, next);
        if !send(jobs, chunk, &mut line) {
            return Ok(());
        }
    }
}

/// Hands a chunk starting on `line` to the workers and moves `line` past it; false when the
/// workers have stopped.
fn send(jobs: &std::sync::mpsc::SyncSender<Chunk>, bytes: Vec<u8>, line: &mut u64) -> bool {
    let first_line = *line;
    *line += memchr::memchr_iter(b'\n', &bytes).count() as u64;
    jobs.send(Chunk { bytes, first_line }).is_ok()
}

/// The chunk buffers of one read: at most `limit` are ever allocated, so memory is the same
/// for a small log and a huge one; past that, the reader waits for a worker to return one.
struct Buffers<'a> {
    spares: &'a Receiver<Vec<u8>>,
    allocated: usize,
    limit: usize,
}

impl Buffers<'_> {
    fn take(&mut self) -> Vec<u8> {
        let reused = match self.spares.try_recv() {
            Ok(buffer) => Some(buffer),
            Err(_) if self.allocated >= self.limit => self.spares.recv().ok(),
            Err(_) => None,
        };
        match reused {
            Some(mut buffer) => {
                buffer.clear();
                buffer
            }
            None => {
                self.allocated += 1;
                Vec::with_capacity(CHUNK_BYTES + 64 * 1024)
            }
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn work<S: RowSink, F: Fn() -> S>(
    input: &LogInput,
    fields: &FieldTable,
    layout: &Layout,
    jobs: &Mutex<Receiver<Chunk>>,
    spares: &std::sync::mpsc::SyncSender<Vec<u8>>,
    stop: &AtomicBool,
    failure: &Mutex<Option<InputError>>,
    new_sink: &F,
) -> S {
    let mut sink = new_sink();
    let mut json_rows = json::JsonRows::new(fields);
    let mut delimited_parser = match layout {
        Layout::Delimited { delimiter, header } => Some(ChunkParser::new(*delimiter, header)),
        Layout::JsonLines => None,
    };
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => break,
        };
        let Ok(chunk) = job else {
            break;
        };
        if stop.load(Ordering::Relaxed) {
            let _ = spares.try_send(chunk.bytes);
            continue;
        }
        let parsed = match (layout, delimited_parser.as_mut()) {
            (Layout::Delimited { header, .. }, Some(parser)) => {
                parser.parse(input, &chunk.bytes, chunk.first_line, header, &mut sink)
            }
            _ => json_rows.parse_lines_chunk(&chunk.bytes, chunk.first_line, &mut sink),
        };
        if let Err(error) = parsed {
            stop.store(true, Ordering::Relaxed);
            if let Ok(mut slot) = failure.lock() {
                // Of several failures, report the earliest in the log.
                if slot.as_ref().is_none_or(|f| f.line > error.line) {
                    *slot = Some(error);
                }
            }
        }
        let _ = spares.try_send(chunk.bytes);
    }
    sink
}
