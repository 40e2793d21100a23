//! CSV and TSV logs: a header row names the fields; CSV quoting follows RFC 4180, TSV has none.
//!
//! Built on `csv-core` rather than the `csv` crate's reader so that this module controls the
//! buffers: a record can be at most [`MAX_RECORD_BYTES`] long (an unbalanced quote cannot make
//! memory grow with the file), line numbers are counted here (exact with CRLF line ends and
//! quoted newlines), and no memory is allocated per row.

use std::io::BufRead;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::{InputError, LogInput, RowSink, RowValues, MAX_RECORD_BYTES};
use crate::expr::FieldSlots;

/// Most fields a record may have.
const MAX_FIELDS: usize = 100_000;

/// One record as parsed: field bytes laid end to end, and where each field ends.
struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// The line the record starts on.
    line: u64,
    /// How many lines it spans (one, but for quoted line breaks).
    lines: u64,
    /// Set when the record was cut short for exceeding the limits.
    too_long: bool,
    /// Set when the input ended inside a quoted field of the record: a quote that was never
    /// closed took every line after it.
    unclosed: bool,
}

impl Record {
    fn fields(&self) -> usize {
        self.ends.len()
    }

    fn field(&self, index: usize) -> &[u8] {
        let start = if index == 0 { 0 } else { self.ends[index - 1] };
        &self.bytes[start..self.ends[index]]
    }

    fn is_blank(&self) -> bool {
        self.ends.len() == 1 && self.ends[0] == 0
    }
}

/// Splits a delimited stream into records, counting lines.
/// The csv-core parser of a [`Records`]: its own, or one borrowed and reused (building one
/// costs far more than parsing a line).
enum ParserSlot<'a> {
    Owned(Box<Reader>),
    Borrowed(&'a mut Reader),
}

impl ParserSlot<'_> {
    fn get(&mut self) -> &mut Reader {
        match self {
            ParserSlot::Owned(parser) => parser,
            ParserSlot::Borrowed(parser) => parser,
        }
    }
}

pub(super) struct Records<'a> {
    reader: &'a mut dyn BufRead,
    parser: ParserSlot<'a>,
    /// Whether the parser reads quotes (CSV), which [`Records::next`] then follows.
    quoting: bool,
    delimiter: u8,
    /// The line the next unread byte is on.
    pub(super) line: u64,
}

impl Records<'_> {
    /// Reads the next record into `record`; false at the end of input.
    fn next(&mut self, record: &mut Record) -> std::io::Result<bool> {
        record.bytes.clear();
        record.ends.clear();
        record.too_long = false;
        record.unclosed = false;
        // Line ends between records are skipped here, so that the record's first line is known,
        // and NUL bytes before a record: filler (see `lines::without_filler`).
        loop {
            let available = self.reader.fill_buf()?;
            let skip = available
                .iter()
                .take_while(|&&b| matches!(b, b'\n' | b'\r' | 0))
                .count();
            self.line += available[..skip].iter().filter(|&&b| b == b'\n').count() as u64;
            let more = skip < available.len();
            self.reader.consume(skip);
            if more || skip == 0 {
                break;
            }
        }
        record.line = self.line;
        let mut written = 0usize;
        let mut ends_written = 0usize;
        // Whether the input ended inside a quoted field of the record (csv-core ends the
        // record there and does not say).
        let mut quotes = QuoteState::default();
        let mut at_end;
        let mut ended_line = false;
        // Use the whole capacity left by earlier records: no allocation per row.
        record.bytes.resize(record.bytes.capacity().max(1024), 0);
        let mut ends = std::mem::take(&mut record.ends);
        ends.resize(ends.capacity().max(64), 0);
        let result = loop {
            let input = self.reader.fill_buf()?;
            at_end = input.is_empty();
            let (result, read, out, ended) = self.parser.get().read_record(
                input,
                &mut record.bytes[written..],
                &mut ends[ends_written..],
            );
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
            if self.quoting {
                quotes.feed(&input[..read], self.delimiter);
            }
            if let Some(&last) = input[..read].last() {
                ended_line = last == b'\n';
            }
            self.reader.consume(read);
            written += out;
            ends_written += ended;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => {
                    if record.bytes.len() >= MAX_RECORD_BYTES {
                        // Keep reading to the end of the record, discarding its contents.
                        record.too_long = true;
                        written = 0;
                        ends_written = 0;
                    } else {
                        let grown = (record.bytes.len() * 2).min(MAX_RECORD_BYTES);
                        record.bytes.resize(grown, 0);
                    }
                }
                ReadRecordResult::OutputEndsFull => {
                    if ends.len() >= MAX_FIELDS {
                        record.too_long = true;
                        ends_written = 0;
                    } else {
                        ends.resize(ends.len() * 2, 0);
                    }
                }
                ReadRecordResult::Record => break true,
                ReadRecordResult::End => break false,
            }
        };
        ends.truncate(ends_written);
        record.ends = ends;
        record.bytes.truncate(written);
        // Its line ends are counted, but not a last line that the input's end ended.
        record.lines = (self.line - record.line + u64::from(at_end && !ended_line)).max(1);
        record.unclosed = result && at_end && quotes.in_quotes();
        Ok(result)
    }
}

/// Whether the bytes of a record fed so far, from its first, leave it inside a quoted field,
/// as csv-core reads quotes (and [`cut`] follows them): a quote opens a field only at its
/// start, and inside one, a doubled quote is a quote and a single one closes it.
#[derive(Debug, Default)]
struct QuoteState {
    in_quotes: bool,
    /// A quote inside a quoted field was the last byte fed: whether it closes the field or is
    /// the first of two depends on the next.
    quote_last: bool,
    /// The last byte fed; `None` at the start of the record, which is a field's start.
    last: Option<u8>,
}

impl QuoteState {
    fn feed(&mut self, bytes: &[u8], delimiter: u8) {
        let Some(&last) = bytes.last() else {
            return;
        };
        let mut position = 0;
        if std::mem::take(&mut self.quote_last) {
            if bytes[0] == b'"' {
                position = 1;
            } else {
                self.in_quotes = false;
            }
        }
        while let Some(found) = memchr::memchr(b'"', &bytes[position..]) {
            let at = position + found;
            position = at + 1;
            if self.in_quotes {
                match bytes.get(at + 1) {
                    Some(b'"') => position = at + 2,
                    Some(_) => self.in_quotes = false,
                    None => self.quote_last = true,
                }
            } else {
                let before = if at == 0 {
                    self.last
                } else {
                    Some(bytes[at - 1])
                };
                if before.is_none_or(|b| matches!(b, b'\n' | b'\r') || b == delimiter) {
                    self.in_quotes = true;
                }
            }
        }
        self.last = Some(last);
    }

    /// Whether the bytes fed end inside a quoted field (a last quote closes it).
    fn in_quotes(&self) -> bool {
        self.in_quotes && !self.quote_last
    }
}

/// The header row of a delimited log, resolved against the fields the SLOs need.
#[derive(Debug, Clone)]
pub(super) struct Header {
    /// Number of columns.
    columns: usize,
    /// For each column, the slot it fills, if any.
    slot_of_column: Vec<Option<usize>>,
    /// For each slot, its column (for the record-by-record path).
    column_of_slot: Vec<Option<usize>>,
}

/// Splits a delimited stream into records, from its start or from a record boundary.
pub(super) fn records<'a>(
    reader: &'a mut dyn BufRead,
    delimiter: u8,
    first_line: u64,
) -> Records<'a> {
    Records {
        reader,
        parser: ParserSlot::Owned(Box::new(parser(delimiter))),
        quoting: delimiter != b'\t',
        delimiter,
        line: first_line,
    }
}

fn parser(delimiter: u8) -> Reader {
    ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(delimiter != b'\t')
        .build()
}

fn empty_record() -> Record {
    Record {
        bytes: Vec::new(),
        ends: Vec::new(),
        line: 0,
        lines: 1,
        too_long: false,
        unclosed: false,
    }
}

fn read_failed(input: &LogInput, line: u64, e: std::io::Error) -> InputError {
    InputError::read_failed(input, line, &e)
}

/// "1 field where the header has 3", "2 fields where …".
fn ragged(fields: usize, columns: usize) -> String {
    format!(
        "{fields} field{} where the header has {columns}",
        if fields == 1 { "" } else { "s" }
    )
}

/// Reads the header row; `None` for an empty log.
pub(super) fn read_header(
    input: &LogInput,
    records: &mut Records<'_>,
    fields: &FieldSlots,
) -> Result<Option<Header>, InputError> {
    let mut header = empty_record();
    let line = records.line;
    if !records
        .next(&mut header)
        .map_err(|e| read_failed(input, line, e))?
        || header.is_blank()
    {
        return Ok(None);
    }
    if header.too_long {
        return Err(InputError::at(
            input,
            header.line,
            format!("the header row is longer than {MAX_RECORD_BYTES} bytes or has more than {MAX_FIELDS} fields: is this a CSV/TSV log?"),
        ));
    }
    if header.bytes.contains(&0) {
        return Err(InputError::at(
            input,
            header.line,
            "the header row holds binary data (NUL bytes): this is not a CSV/TSV log; name the format with --input-format if it is compressed in an unknown way",
        ));
    }
    let names: Vec<&[u8]> = (0..header.fields())
        .map(|i| header.field(i).trim_ascii())
        .collect();
    let mut column_of_slot: Vec<Option<usize>> = Vec::with_capacity(fields.paths().len());
    for path in fields.paths() {
        let name = path.to_string();
        let mut matches = names
            .iter()
            .enumerate()
            .filter(|(_, h)| **h == name.as_bytes())
            .map(|(i, _)| i);
        let column = matches.next();
        if let Some(second) = matches.next() {
            return Err(InputError::at(
                input,
                header.line,
                format!(
                    "column `{name}` appears twice in the header (columns {} and {}); rename one",
                    column.unwrap_or(0) + 1,
                    second + 1
                ),
            ));
        }
        column_of_slot.push(column);
    }
    let mut slot_of_column = vec![None; names.len()];
    for (slot, column) in column_of_slot.iter().enumerate() {
        if let Some(column) = column {
            slot_of_column[*column] = Some(slot);
        }
    }
    Ok(Some(Header {
        columns: names.len(),
        slot_of_column,
        column_of_slot,
    }))
}

/// Reads records one by one after the header, to the end of the stream.
pub(super) fn read_records(
    input: &LogInput,
    records: &mut Records<'_>,
    header: &Header,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let mut record = empty_record();
    let mut values = RowValues::new(header.column_of_slot.len());
    loop {
        let line = records.line;
        if !records
            .next(&mut record)
            .map_err(|e| read_failed(input, line, e))?
        {
            return Ok(());
        }
        emit_record(&record, header, &mut values, sink)?;
    }
}

fn emit_record(
    record: &Record,
    header: &Header,
    values: &mut RowValues,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    // A record that cannot be read counts once per line it spans: how many rows those lines
    // held cannot be told, and an unbalanced quote that swallowed a million lines must not
    // pass as one malformed row under --max-malformed.
    // (Line numbers in reasons would not be renumbered with the parallel reader's chunks.)
    let spanning = || match record.lines {
        1 => String::new(),
        lines => format!("; it spans {lines} lines, each counted as a malformed row"),
    };
    if record.too_long {
        return sink.malformed_lines(
            record.line,
            record.lines,
            &format!(
                "record longer than {MAX_RECORD_BYTES} bytes or {MAX_FIELDS} fields (an unbalanced quote?){}",
                spanning()
            ),
        );
    }
    if record.unclosed {
        return sink.malformed_lines(
            record.line,
            record.lines,
            &format!(
                "a quoted field opened in this record is never closed: an unbalanced quote{}",
                spanning()
            ),
        );
    }
    // Blank lines never get here (`Records::next` skips them); a record with one empty
    // field is a line that holds `""`, a row like any other.
    if record.fields() != header.columns {
        return sink.malformed_lines(
            record.line,
            record.lines,
            &format!("{}{}", ragged(record.fields(), header.columns), spanning()),
        );
    }
    values.clear();
    for (slot, column) in header.column_of_slot.iter().enumerate() {
        if let Some(column) = column {
            values.set_text(slot, record.field(*column));
        }
    }
    sink.row(values.view(&[]), record.line)
}

/// Reads a whole delimited log with a header row, record by record.
pub(super) fn read(
    input: &LogInput,
    mut reader: Box<dyn BufRead + Send>,
    delimiter: u8,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let mut records = records(&mut *reader, delimiter, 1);
    match read_header(input, &mut records, fields)? {
        Some(header) => read_records(input, &mut records, &header, sink),
        None => Ok(()),
    }
}

/// Where a block of a delimited log can be cut: just after the last line end that is outside
/// quotes, given that the block starts at a record boundary. `None` when no record ends in it.
pub(super) fn cut(block: &[u8], delimiter: u8) -> Option<usize> {
    let quoting = delimiter != b'\t';
    if !quoting || memchr::memchr(b'"', block).is_none() {
        return memchr::memrchr(b'\n', block).map(|i| i + 1);
    }
    let mut last = None;
    let mut in_quotes = false;
    let mut position = 0;
    while let Some(found) = memchr::memchr2(b'"', b'\n', &block[position..]) {
        let i = position + found;
        position = i + 1;
        if block[i] == b'\n' {
            if !in_quotes {
                last = Some(i + 1);
            }
        } else if in_quotes {
            if block.get(i + 1) == Some(&b'"') {
                position = i + 2;
            } else {
                in_quotes = false;
            }
        } else if i == 0 || matches!(block[i - 1], b'\n' | b'\r') || block[i - 1] == delimiter {
            // A quote opens a field only at its start (csv-core reads others literally); a
            // lone `\r` ends a record as `\n` does.
            in_quotes = true;
        }
    }
    last
}

/// Where a block of a CSV log can be cut if its quotes are used the standard way (a quoted
/// field opens with its first byte; quotes inside it are doubled): just after the last line end
/// with an even number of quotes before it, given that the block starts at a record boundary.
/// Two vectorised counts instead of [`cut`]'s walk over every quote, but wrong where a quote
/// stands inside an unquoted field, so [`ChunkParser::parse`] tells whether a chunk cut this
/// way ended inside quotes. `None` when no such line end is among the last
/// [`QUOTE_COUNT_TRIES`] of the block — as after a quote inside an unquoted field: then only
/// [`cut`] can tell.
pub(super) fn cut_by_quote_count(block: &[u8]) -> Option<usize> {
    let mut end = memchr::memrchr(b'\n', block)?;
    let mut quotes = memchr::memchr_iter(b'"', &block[..end]).count();
    for _ in 0..QUOTE_COUNT_TRIES {
        if quotes.is_multiple_of(2) {
            return Some(end + 1);
        }
        let previous = memchr::memrchr(b'\n', &block[..end])?;
        quotes -= memchr::memchr_iter(b'"', &block[previous..end]).count();
        end = previous;
    }
    None
}

/// How many line ends [`cut_by_quote_count`] tries, from the last one back.
const QUOTE_COUNT_TRIES: usize = 64;

/// How a chunk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct ChunkEnd {
    /// The number of the line after the chunk.
    pub(super) next_line: u64,
    /// Whether the chunk ended inside a quoted field, so that its last record runs on past it.
    pub(super) in_quotes: bool,
}

/// Parses chunks of a delimited log (cut by [`cut`] or [`cut_by_quote_count`]) with reused
/// buffers: a fast path splits lines without quotes at the delimiter; records with quotes go
/// through csv-core.
#[derive(Debug)]
pub(super) struct ChunkParser {
    delimiter: u8,
    quoting: bool,
    parser: Reader,
    values: RowValues,
    record: Record,
}

impl std::fmt::Debug for Record {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Record(line {})", self.line)
    }
}

impl ChunkParser {
    pub(super) fn new(delimiter: u8, header: &Header) -> ChunkParser {
        ChunkParser {
            delimiter,
            quoting: delimiter != b'\t',
            parser: parser(delimiter),
            values: RowValues::new(header.column_of_slot.len()),
            record: empty_record(),
        }
    }

    /// Parses one chunk whose first byte starts a record on line `first_line`. With
    /// `check_end` (a chunk cut by counting quotes), a last record that runs on past the chunk
    /// is not handed to the sink: the chunk was miscut, and is read again.
    pub(super) fn parse(
        &mut self,
        input: &LogInput,
        chunk: &[u8],
        first_line: u64,
        header: &Header,
        check_end: bool,
        sink: &mut impl RowSink,
    ) -> Result<ChunkEnd, InputError> {
        let mut position = 0;
        let mut line = first_line;
        while position < chunk.len() {
            match chunk[position] {
                b'\n' => {
                    line += 1;
                    position += 1;
                    continue;
                }
                // NUL bytes before a record are filler, as `Records::next` skips them.
                b'\r' | 0 => {
                    position += 1;
                    continue;
                }
                _ => {}
            }
            // A record ends at `\n`, `\r\n` or a lone `\r`, as csv-core reads them.
            let end = memchr::memchr2(b'\n', b'\r', &chunk[position..])
                .map_or(chunk.len(), |i| position + i);
            let text = &chunk[position..end];
            self.values.clear();
            match split_line(text, self.delimiter, self.quoting, header, &mut self.values) {
                Some(fields) if fields == header.columns => {
                    sink.row(self.values.view(text), line)?
                }
                Some(fields) => sink.malformed(line, &ragged(fields, header.columns))?,
                None => {
                    // A quoted field runs past the line end, or quotes are used unusually:
                    // the full parser reads the record, however many lines it spans.
                    let mut rest = &chunk[position..];
                    self.parser.reset();
                    let mut records = Records {
                        reader: &mut rest,
                        parser: ParserSlot::Borrowed(&mut self.parser),
                        quoting: self.quoting,
                        delimiter: self.delimiter,
                        line,
                    };
                    let more = records
                        .next(&mut self.record)
                        .map_err(|e| read_failed(input, line, e))?;
                    line = records.line;
                    let start = position;
                    position = chunk.len() - rest.len();
                    let at_end = position == chunk.len();
                    let in_quotes = at_end && {
                        let record = &chunk[start..];
                        cut(record, self.delimiter) != Some(record.len())
                    };
                    if more && !(in_quotes && check_end) {
                        emit_record(&self.record, header, &mut self.values, sink)?;
                    }
                    if at_end {
                        return Ok(ChunkEnd {
                            next_line: line,
                            in_quotes,
                        });
                    }
                    continue;
                }
            }
            position = end;
        }
        Ok(ChunkEnd {
            next_line: line,
            in_quotes: false,
        })
    }
}

/// The first `byte` at or after `from`. Log fields are short, so this reads eight bytes at a
/// time in a plain word rather than paying a SIMD search's set-up for every field.
fn find_byte(text: &[u8], from: usize, byte: u8) -> Option<usize> {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let pattern = u64::from_le_bytes([byte; 8]);
    let mut at = from;
    while let Some(bytes) = text.get(at..at + 8) {
        let word = u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8])) ^ pattern;
        // Exactly the zero bytes of `word` get their high bit set.
        let zeros = !(((word & LOW7) + LOW7) | word | LOW7);
        if zeros != 0 {
            return Some(at + (zeros.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    text[at.min(text.len())..]
        .iter()
        .position(|&b| b == byte)
        .map(|i| at + i)
}

/// Splits one line into fields, filling the slots that `header` maps; returns the number of
/// fields, or `None` when the line needs the full parser (a quoted field that does not close
/// on this line, or text after a closing quote).
fn split_line(
    text: &[u8],
    delimiter: u8,
    quoting: bool,
    header: &Header,
    values: &mut RowValues,
) -> Option<usize> {
    let mut column = 0;
    let mut start = 0;
    loop {
        let slot = header.slot_of_column.get(column).copied().flatten();
        if quoting && text.get(start) == Some(&b'"') {
            let mut search = start + 1;
            let mut escaped = false;
            let close = loop {
                let quote = search + memchr::memchr(b'"', &text[search..])?;
                if text.get(quote + 1) == Some(&b'"') {
                    escaped = true;
                    search = quote + 2;
                } else {
                    break quote;
                }
            };
            if let Some(slot) = slot {
                let inner = &text[start + 1..close];
                if escaped {
                    values.set_unescaped(slot, inner);
                } else {
                    values.set_in_text(slot, start + 1, close);
                }
            }
            match text.get(close + 1) {
                None => return Some(column + 1),
                Some(&b) if b == delimiter => start = close + 2,
                Some(_) => return None,
            }
        } else {
            match find_byte(text, start, delimiter) {
                Some(end) => {
                    if let Some(slot) = slot {
                        values.set_in_text(slot, start, end);
                    }
                    start = end + 1;
                }
                None => {
                    if let Some(slot) = slot {
                        values.set_in_text(slot, start, text.len());
                    }
                    return Some(column + 1);
                }
            }
        }
        column += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    use crate::expr::row::{FieldValue, Row};
    use crate::input::test_sink::{fields as table, Collect};

    /// The header `a,b`, resolved against `table`.
    fn header_a_b(table: &FieldSlots) -> Header {
        let mut head: &[u8] = b"a,b\n";
        let mut records = records(&mut head, b',', 1);
        read_header(&LogInput::Stdin, &mut records, table)
            .unwrap()
            .unwrap()
    }

    fn parse(text: &[u8], delimiter: u8) -> Result<Collect, InputError> {
        let mut sink = Collect::default();
        read(
            &LogInput::Stdin,
            Box::new(Cursor::new(text.to_vec())),
            delimiter,
            &table(&["a", "b"]),
            &mut sink,
        )?;
        Ok(sink)
    }

    #[test]
    fn line_numbers_with_crlf_blank_lines_and_quoted_newlines() {
        let sink = parse(
            b"\xef\xbb\xbfa,b\r\n1,2\r\n\r\n\"x\r\ny\",3\r\n4,\"5\"\"\"\r\n6\r\n",
            b',',
        )
        .unwrap();
        assert_eq!(
            sink.rows,
            vec![
                (2, vec!["1".into(), "2".into()]),
                (4, vec!["x\r\ny".into(), "3".into()]),
                (6, vec!["4".into(), "5\"".into()]),
            ]
        );
        assert_eq!(
            sink.malformed,
            vec![(7, "1 field where the header has 2".to_string())]
        );
    }

    #[test]
    fn a_cut_by_quote_count_inside_quotes_is_noticed() {
        // A literal quote in an unquoted field (`5"`) makes the count odd where it is not.
        let block = b"x,5\"\ny,\"p\nq\"\nz,1\n";
        assert_eq!(cut(block, b','), Some(block.len()));
        let miscut = cut_by_quote_count(block).unwrap();
        assert_eq!(&block[..miscut], b"x,5\"\ny,\"p\n");
        // Standard quoting is cut where the exact scan cuts.
        let standard = b"x,\"5\"\"\"\ny,\"p\nq\"\nz,\"1";
        assert_eq!(cut_by_quote_count(standard), cut(standard, b','));

        let header = header_a_b(&table(&["a"]));
        let mut parser = ChunkParser::new(b',', &header);
        let mut parse = |chunk: &[u8]| {
            let mut sink = Collect::default();
            let end = parser
                .parse(&LogInput::Stdin, chunk, 2, &header, true, &mut sink)
                .unwrap();
            (end, sink.rows.len() + sink.malformed.len())
        };
        // The miscut chunk's last record runs on past it, and is not counted.
        assert_eq!(
            parse(&block[..miscut]),
            (
                ChunkEnd {
                    next_line: 4,
                    in_quotes: true
                },
                1
            ),
            "the miscut went unnoticed"
        );
        assert_eq!(
            parse(block),
            (
                ChunkEnd {
                    next_line: 6,
                    in_quotes: false
                },
                3
            )
        );
        assert!(!parse(&standard[..cut(standard, b',').unwrap()]).0.in_quotes);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_record_as_in_csv_core() {
        let header = header_a_b(&table(&["a", "b"]));
        let text = b"1,2\r3,4\r\n5,6\n";
        let mut chunked = Collect::default();
        ChunkParser::new(b',', &header)
            .parse(&LogInput::Stdin, text, 2, &header, false, &mut chunked)
            .unwrap();
        let mut whole = text.to_vec();
        whole.splice(0..0, b"a,b\n".iter().copied());
        let streamed = parse(&whole, b',').unwrap();
        assert_eq!(chunked.rows, streamed.rows);
        assert_eq!(chunked.rows.len(), 3);
    }

    #[test]
    fn finds_bytes_at_every_offset() {
        for length in 0..40 {
            let mut text = vec![b'x'; length];
            text.push(b',');
            text.extend_from_slice(b"\x01,\x80,");
            for from in 0..=length {
                assert_eq!(find_byte(&text, from, b','), Some(length));
            }
            assert_eq!(find_byte(&text[..length], 0, b','), None);
        }
    }

    /// The fields of `line` as csv-core reads them, or `None` where it reads more than a line
    /// (a quote left open).
    fn csv_core_fields(line: &[u8]) -> Option<Vec<Vec<u8>>> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(line);
        let mut record = csv::ByteRecord::new();
        match reader.read_byte_record(&mut record) {
            Ok(true) => Some(record.iter().map(<[u8]>::to_vec).collect()),
            _ => None,
        }
    }

    /// Checks that `split_line` gives csv-core's fields wherever it splits `line`, with the
    /// columns of `mapped` filled.
    fn check_split_line(
        line: &[u8],
        mapped: &[bool],
    ) -> Result<(), proptest::test_runner::TestCaseError> {
        let columns = mapped.len();
        let mut slot_of_column = vec![None; columns];
        let mut column_of_slot = Vec::new();
        for (column, _) in mapped.iter().enumerate().filter(|(_, m)| **m) {
            slot_of_column[column] = Some(column_of_slot.len());
            column_of_slot.push(Some(column));
        }
        let header = Header {
            columns,
            slot_of_column,
            column_of_slot,
        };
        // The parser skips empty lines before it splits one.
        if line.is_empty() {
            return Ok(());
        }
        let mut values = RowValues::new(header.column_of_slot.len());
        let Some(fields) = split_line(line, b',', true, &header, &mut values) else {
            return Ok(());
        };
        let expected = csv_core_fields(line).expect("a line the fast path splits is a record");
        proptest::prop_assert_eq!(fields, expected.len());
        let row = values.view(line);
        for (slot, column) in header.column_of_slot.iter().enumerate() {
            let column = column.expect("mapped");
            let got = match row.value(slot) {
                FieldValue::Scalar(text) => Some(text.to_vec()),
                _ => None,
            };
            proptest::prop_assert_eq!(got, expected.get(column).cloned(), "column {}", column);
        }
        Ok(())
    }

    proptest::proptest! {
        /// Any bytes of a few kinds: wherever the fast path splits them, it agrees with
        /// csv-core.
        #[test]
        fn split_line_agrees_with_csv_core_on_any_line(
            line in proptest::collection::vec(proptest::sample::select(b"ab,\" x".to_vec()), 1..70),
            mapped in proptest::collection::vec(proptest::bool::ANY, 12),
        ) {
            check_split_line(&line, &mapped)?;
        }

        /// Lines of plain and quoted fields (quotes doubled inside, delimiters too), as a CSV
        /// writer writes them: the fast path splits every one, as csv-core does.
        #[test]
        fn split_line_agrees_with_csv_core_on_written_fields(
            fields in proptest::collection::vec(
                (proptest::bool::ANY, proptest::collection::vec(proptest::sample::select(b"ab,\" x".to_vec()), 0..12)),
                1..10,
            ),
            mapped in proptest::collection::vec(proptest::bool::ANY, 12),
        ) {
            let mut line = Vec::new();
            for (i, (quoted, text)) in fields.iter().enumerate() {
                if i > 0 {
                    line.push(b',');
                }
                if *quoted || text.starts_with(b"\"") || text.contains(&b',') {
                    line.push(b'"');
                    for &byte in text {
                        line.extend_from_slice(if byte == b'"' { b"\"\"" } else { std::slice::from_ref(&byte) });
                    }
                    line.push(b'"');
                } else {
                    line.extend_from_slice(text);
                }
            }
            check_split_line(&line, &mapped)?;
        }
    }

    #[test]
    fn tsv_has_no_quoting() {
        let sink = parse(b"a\tb\n\"quoted\" x\t1\n\"half\t2\nz\t3\n", b'\t').unwrap();
        let lines: Vec<u64> = sink.rows.iter().map(|r| r.0).collect();
        assert_eq!(lines, vec![2, 3, 4]);
        assert_eq!(sink.rows[1].1[0], "\"half");
    }

    #[test]
    fn an_unbalanced_quote_cannot_grow_memory_past_the_limit() {
        let mut text = b"a,b\n1,\"unterminated\n".to_vec();
        let row = b"2,3\n".repeat(MAX_RECORD_BYTES / 4 + 10);
        text.extend_from_slice(&row);
        let sink = parse(&text, b',').unwrap();
        assert!(sink.rows.is_empty());
        assert_eq!(sink.malformed.len(), 1);
        assert_eq!(sink.malformed[0].0, 2);
        assert!(sink.malformed[0].1.contains("unbalanced quote"));
    }

    #[test]
    fn headers_that_are_not_csv() {
        let err = parse(&vec![b'x'; MAX_RECORD_BYTES + 10], b',')
            .err()
            .unwrap();
        assert!(err.message.contains("header row is longer"), "{err}");
        let err = parse(b"a,\0b\n1,2\n", b',').err().unwrap();
        assert!(err.message.contains("binary data"), "{err}");
        let err = parse(b"a,a,b\n1,2,3\n", b',').err().unwrap();
        assert!(err.message.contains("appears twice"), "{err}");
        assert!(parse(b"", b',').unwrap().rows.is_empty());
        assert!(parse(b"a,b\n", b',').unwrap().rows.is_empty());
    }
}
