//! CSV and TSV logs: a header row names the fields; quoting follows RFC 4180.

use std::io::BufRead;

use super::{FieldTable, InputError, LogInput, RowSink, RowValues};

/// Reads a delimited log with a header row.
pub(super) fn read(
    input: &LogInput,
    reader: Box<dyn BufRead + Send>,
    delimiter: u8,
    fields: &FieldTable,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let mut csv = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(true)
        .buffer_capacity(super::BUFFER_BYTES)
        .from_reader(reader);
    let header = match csv.byte_headers() {
        Ok(header) => header.clone(),
        Err(e) => return Err(read_error(input, e)),
    };
    if header.is_empty() || (header.len() == 1 && header[0].is_empty()) {
        return Ok(());
    }
    let mut columns: Vec<Option<usize>> = Vec::with_capacity(fields.paths().len());
    for path in fields.paths() {
        let name = path.to_string();
        let mut matches = header
            .iter()
            .enumerate()
            .filter(|(_, h)| trim_header(h) == name.as_bytes())
            .map(|(i, _)| i);
        let column = matches.next();
        if let Some(second) = matches.next() {
            return Err(InputError::at(
                input,
                1,
                format!(
                    "column `{name}` appears twice in the header (columns {} and {}); rename one",
                    column.unwrap_or(0) + 1,
                    second + 1
                ),
            ));
        }
        columns.push(column);
    }
    let mut record = csv::ByteRecord::new();
    let mut values = RowValues::new(columns.len());
    loop {
        match csv.read_byte_record(&mut record) {
            Ok(false) => return Ok(()),
            Ok(true) => {}
            Err(e) => return Err(read_error(input, e)),
        }
        let line = record.position().map_or(0, |p| p.line());
        if record.len() != header.len() {
            if record.len() == 1 && record[0].is_empty() {
                continue;
            }
            sink.malformed(
                line,
                &format!(
                    "{} fields where the header has {}",
                    record.len(),
                    header.len()
                ),
            )?;
            continue;
        }
        values.clear();
        for (slot, column) in columns.iter().enumerate() {
            if let Some(column) = column {
                values.set_text(slot, &record[*column]);
            }
        }
        sink.row(&values, line)?;
    }
}

fn trim_header(name: &[u8]) -> &[u8] {
    name.trim_ascii()
}

fn read_error(input: &LogInput, error: csv::Error) -> InputError {
    let line = error.position().map(|p| p.line());
    let message = match error.into_kind() {
        csv::ErrorKind::Io(e) => format!("read failed: {e} (is the file truncated or corrupt?)"),
        other => format!("{other:?}"),
    };
    match line {
        Some(line) => InputError::at(input, line, message),
        None => InputError::new(input, message),
    }
}
