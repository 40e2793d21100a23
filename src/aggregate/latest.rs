//! `--at latest`: a first, cheaper pass that finds the latest event time in the input.
//!
//! Windows are `(A − D, A]`, so exact counts need `A` before counting; when `A` is the latest
//! timestamp, it is found first by parsing timestamps only.

use crate::expr::{FieldRegistry, FieldValue, Row};
use crate::input::{self, FieldTable, InputError, InputFormat, LogInput, RowSink, RowView};
use crate::spec::TimestampSpec;
use crate::time::{TimestampParser, UnixNanos};

struct Latest {
    slot: usize,
    parser: TimestampParser,
    latest: Option<UnixNanos>,
}

impl RowSink for Latest {
    fn row(&mut self, row: RowView<'_>, _line: u64) -> Result<(), InputError> {
        if let FieldValue::Scalar(raw) = row.value(self.slot) {
            if let Ok(time) = self.parser.parse(raw) {
                self.latest = Some(self.latest.map_or(time, |latest| latest.max(time)));
            }
        }
        Ok(())
    }

    fn malformed(&mut self, _line: u64, _reason: &str) -> Result<(), InputError> {
        Ok(())
    }

    fn renumber_lines(&mut self, _renumber: &dyn Fn(u64) -> u64) {}
}

/// The latest parseable timestamp in `inputs`, if any row has one, read with `threads`
/// threads per log.
pub fn latest_timestamp(
    inputs: &[LogInput],
    format: InputFormat,
    timestamp: &TimestampSpec,
    threads: usize,
) -> Result<Option<UnixNanos>, InputError> {
    let mut fields = FieldTable::default();
    let slot = fields.slot(&timestamp.field);
    let parser = TimestampParser::new(timestamp.format.clone(), timestamp.zone);
    let mut latest = None;
    for log in inputs {
        let sinks = input::read_log_parallel(log, format, &fields, threads, || Latest {
            slot,
            parser: parser.clone(),
            latest: None,
        })?;
        latest = sinks
            .into_iter()
            .map(|s| s.latest)
            .fold(latest, Option::max);
    }
    Ok(latest)
}
