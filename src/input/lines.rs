//! Line-oriented reading shared by the readers of one record per line (JSON Lines and the
//! text access logs): a line at a time from a stream, and the lines of a chunk.

use std::io::BufRead;

use super::{InputError, RowSink, MAX_RECORD_BYTES};

/// `line` without the NUL bytes it starts with: filler, not data. logrotate's `copytruncate`
/// leaves a run of them where a log starts again (the writer kept its offset), a crash a run
/// at its end; the line after a run is read as written.
pub(super) fn without_filler(line: &[u8]) -> &[u8] {
    let start = line.iter().position(|&b| b != 0).unwrap_or(line.len());
    &line[start..]
}

/// Reads one line into `buffer` (without the newline and the NUL bytes it starts with, see
/// [`without_filler`]). Returns `None` at the end of input and
/// `Some(true)` when the line exceeded [`MAX_RECORD_BYTES`] (the rest of it is skipped).
pub(super) fn read_line_limited(
    reader: &mut dyn BufRead,
    buffer: &mut Vec<u8>,
) -> std::io::Result<Option<bool>> {
    let mut read_any = false;
    let mut too_long = false;
    loop {
        let available = reader.fill_buf()?;
        if available.is_empty() {
            let filler = buffer.len() - without_filler(buffer).len();
            buffer.drain(..filler);
            return Ok(read_any.then_some(too_long));
        }
        read_any = true;
        let (chunk, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (&available[..i], Some(i + 1)),
            None => (available, None),
        };
        if !too_long {
            if buffer.len() + chunk.len() > MAX_RECORD_BYTES {
                too_long = true;
                buffer.clear();
            } else {
                buffer.extend_from_slice(chunk);
            }
        }
        let consumed = done.unwrap_or(chunk.len());
        reader.consume(consumed);
        if done.is_some() {
            let filler = buffer.len() - without_filler(buffer).len();
            buffer.drain(..filler);
            return Ok(Some(too_long));
        }
    }
}

/// Calls `each` with every line of `chunk` (without its newline and the NUL bytes it starts
/// with, see [`without_filler`]), numbered from `first_line`;
/// a line longer than [`MAX_RECORD_BYTES`] is malformed instead, measured as
/// [`read_line_limited`] measures it (blank space included). Returns the last line's number.
pub(super) fn each_line<S: RowSink>(
    chunk: &[u8],
    first_line: u64,
    sink: &mut S,
    mut each: impl FnMut(&[u8], u64, &mut S) -> Result<(), InputError>,
) -> Result<u64, InputError> {
    let mut start = 0;
    let mut next_line = first_line;
    let ends = memchr::memchr_iter(b'\n', chunk).chain(std::iter::once(chunk.len()));
    for (line, end) in (first_line..).zip(ends) {
        next_line = line;
        let raw = &chunk[start..end];
        start = end + 1;
        if raw.len() > MAX_RECORD_BYTES {
            sink.malformed(line, &format!("line longer than {MAX_RECORD_BYTES} bytes"))?;
            continue;
        }
        each(without_filler(raw), line, sink)?;
    }
    Ok(next_line)
}
