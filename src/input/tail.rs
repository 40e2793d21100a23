//! The newest lines of a log, read from its end: where `--at latest` looks for the latest time
//! before the one counting pass, which then checks it (see `commands::compute`).

use std::io::{Read, Seek, SeekFrom};

use super::{detect_format, is_compressed, refuse_non_text, text, InputFormat, LogInput};

/// How much of a log's start is read for its header (CSV) or `#Fields:` line (W3C).
const HEAD_BYTES: u64 = 64 * 1024;
/// How much of its end is read for its newest lines.
const TAIL_BYTES: u64 = 1024 * 1024;

/// The newest lines of a held, uncompressed log, preceded by what reading them needs (a CSV
/// header, a W3C `#Fields:` line), with the log's format; `None` where they cannot be had
/// cheaply: standard input not held, a compressed log, a JSON array, a log that is not text.
///
/// The sample is only a guess: a CSV header with a quoted line break, or a W3C log whose
/// columns change in the last megabyte, may read differently here than in the whole log, so a
/// caller must check what it finds against a whole read.
pub fn newest_lines(input: &LogInput, format: &InputFormat) -> Option<(Vec<u8>, InputFormat)> {
    let LogInput::Held(held) = input else {
        return None;
    };
    let mut file = held.file().ok()?;
    let length = file.metadata().ok()?.len();
    file.seek(SeekFrom::Start(0)).ok()?;
    let mut head = Vec::new();
    (&mut file).take(HEAD_BYTES).read_to_end(&mut head).ok()?;
    if is_compressed(&head) || refuse_non_text(input, &head).is_err() {
        return None;
    }
    let format = match format {
        InputFormat::Auto => detect_format(input, &mut std::io::Cursor::new(&head[..])).ok()?,
        other => other.clone(),
    };
    if length <= HEAD_BYTES + TAIL_BYTES {
        file.seek(SeekFrom::Start(0)).ok()?;
        let mut whole = Vec::new();
        file.read_to_end(&mut whole).ok()?;
        return Some((whole, format));
    }
    file.seek(SeekFrom::Start(length - TAIL_BYTES)).ok()?;
    let mut tail = Vec::new();
    (&mut file).take(TAIL_BYTES).read_to_end(&mut tail).ok()?;
    // The first line of the tail is cut: skip it.
    let newest = &tail[memchr::memchr(b'\n', &tail)? + 1..];
    let mut sample = match &format {
        InputFormat::Csv | InputFormat::Tsv => {
            let header_end = memchr::memchr(b'\n', &head)? + 1;
            head[..header_end].to_vec()
        }
        InputFormat::Text(text) if text.has_field_lines() => {
            let fields = text::fields_line_after(&head, true, None)?;
            let mut line = fields.to_vec();
            line.push(b'\n');
            line
        }
        InputFormat::Jsonl | InputFormat::Text(_) => Vec::new(),
        InputFormat::Json | InputFormat::Auto => return None,
    };
    sample.extend_from_slice(newest);
    Some((sample, format))
}
