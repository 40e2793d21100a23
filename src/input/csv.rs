//! CSV and TSV logs: a header row names the fields; CSV quoting follows RFC 4180, TSV has none.
//!
//! Built on `csv-core` rather than the `csv` crate's reader so that this module controls the
//! buffers: a record can be at most [`MAX_RECORD_BYTES`] long (an unbalanced quote cannot make
//! memory grow with the file), line numbers are counted here (exact with CRLF line ends and
//! quoted newlines), and no memory is allocated per row.

use std::io::BufRead;

use csv_core::{ReadRecordResult, Reader, ReaderBuilder};

use super::{FieldTable, InputError, LogInput, RowSink, RowValues, MAX_RECORD_BYTES};

/// Most fields a record may have.
const MAX_FIELDS: usize = 100_000;

/// One record as parsed: field bytes laid end to end, and where each field ends.
struct Record {
    bytes: Vec<u8>,
    ends: Vec<usize>,
    /// The line the record starts on.
    line: u64,
    /// Set when the record was cut short for exceeding the limits.
    too_long: bool,
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
struct Records<'a> {
    reader: &'a mut dyn BufRead,
    parser: Reader,
    /// The line the next unread byte is on.
    line: u64,
}

impl Records<'_> {
    /// Reads the next record into `record`; false at the end of input.
    fn next(&mut self, record: &mut Record) -> std::io::Result<bool> {
        record.bytes.clear();
        record.ends.clear();
        record.too_long = false;
        // Line ends between records are skipped here, so that the record's first line is known.
        loop {
            let available = self.reader.fill_buf()?;
            let skip = available
                .iter()
                .take_while(|&&b| b == b'\n' || b == b'\r')
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
        // Use the whole capacity left by earlier records: no allocation per row.
        record.bytes.resize(record.bytes.capacity().max(1024), 0);
        let mut ends = std::mem::take(&mut record.ends);
        ends.resize(ends.capacity().max(64), 0);
        let result = loop {
            let input = self.reader.fill_buf()?;
            let (result, read, out, ended) = self.parser.read_record(
                input,
                &mut record.bytes[written..],
                &mut ends[ends_written..],
            );
            self.line += memchr::memchr_iter(b'\n', &input[..read]).count() as u64;
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
        Ok(result)
    }
}

/// Reads a delimited log with a header row.
pub(super) fn read(
    input: &LogInput,
    mut reader: Box<dyn BufRead + Send>,
    delimiter: u8,
    fields: &FieldTable,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let parser = ReaderBuilder::new()
        .delimiter(delimiter)
        .quoting(delimiter != b'\t')
        .build();
    let mut records = Records {
        reader: &mut *reader,
        parser,
        line: 1,
    };
    let read_failed = |line: u64, e: std::io::Error| InputError::read_failed(input, line, &e);
    let mut header = Record {
        bytes: Vec::new(),
        ends: Vec::new(),
        line: 1,
        too_long: false,
    };
    if !records.next(&mut header).map_err(|e| read_failed(1, e))? || header.is_blank() {
        return Ok(());
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
    let mut columns: Vec<Option<usize>> = Vec::with_capacity(fields.paths().len());
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
        columns.push(column);
    }
    let mut record = Record {
        bytes: Vec::new(),
        ends: Vec::new(),
        line: 0,
        too_long: false,
    };
    let mut values = RowValues::new(columns.len());
    loop {
        let line = records.line;
        if !records
            .next(&mut record)
            .map_err(|e| read_failed(line, e))?
        {
            return Ok(());
        }
        if record.too_long {
            sink.malformed(
                record.line,
                &format!("record longer than {MAX_RECORD_BYTES} bytes or {MAX_FIELDS} fields (an unbalanced quote?)"),
            )?;
            continue;
        }
        if record.is_blank() {
            continue;
        }
        if record.fields() != names.len() {
            sink.malformed(
                record.line,
                &format!(
                    "{} field{} where the header has {}",
                    record.fields(),
                    if record.fields() == 1 { "" } else { "s" },
                    names.len()
                ),
            )?;
            continue;
        }
        values.clear();
        for (slot, column) in columns.iter().enumerate() {
            if let Some(column) = column {
                values.set_text(slot, record.field(*column));
            }
        }
        sink.row(&values, record.line)?;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{FieldPath, FieldRegistry, FieldValue, Row};
    use std::io::Cursor;

    #[derive(Default)]
    struct Collect {
        rows: Vec<(u64, Vec<String>)>,
        malformed: Vec<(u64, String)>,
    }

    impl RowSink for Collect {
        fn row(&mut self, row: &RowValues, line: u64) -> Result<(), InputError> {
            let values = (0..2)
                .map(|slot| match row.value(slot) {
                    FieldValue::Scalar(s) => String::from_utf8_lossy(s).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            self.rows.push((line, values));
            Ok(())
        }
        fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
            self.malformed.push((line, reason.to_string()));
            Ok(())
        }
    }

    fn parse(text: &[u8], delimiter: u8) -> Result<Collect, InputError> {
        let mut table = FieldTable::default();
        table.slot(&FieldPath(vec!["a".into()]));
        table.slot(&FieldPath(vec!["b".into()]));
        let mut sink = Collect::default();
        read(
            &LogInput::Stdin,
            Box::new(Cursor::new(text.to_vec())),
            delimiter,
            &table,
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
