//! `--at latest`: a first, cheaper pass that finds the latest event time in the input.
//!
//! Windows are `(A − D, A]`, so exact counts need `A` before counting; when `A` is the latest
//! timestamp, it is found first by parsing timestamps only.

use super::{bad_timestamp, no_timestamp};
use crate::expr::{FieldPath, FieldSlots, FieldValue, Row};
use crate::input::{self, InputError, InputFormat, LogInput, RowSink, RowView};
use crate::spec::TimestampSpec;
use crate::time::{TimestampParser, UnixNanos};

/// How many rows without a usable timestamp are kept to explain an input that has none.
const PROBLEMS_KEPT: usize = 3;

struct Latest<'a> {
    slot: usize,
    field: &'a FieldPath,
    parser: TimestampParser,
    latest: Option<UnixNanos>,
    /// The first rows (by line) without a usable timestamp: line and why.
    problems: Vec<(u64, String)>,
}

impl Latest<'_> {
    fn problem(&mut self, line: u64, reason: impl FnOnce() -> String) {
        if self.problems.len() < PROBLEMS_KEPT
            || self.problems.last().is_some_and(|(last, _)| *last > line)
        {
            let at = self.problems.partition_point(|(l, _)| *l <= line);
            self.problems.insert(at, (line, reason()));
            self.problems.truncate(PROBLEMS_KEPT);
        }
    }
}

impl RowSink for Latest<'_> {
    fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
        match row.value(self.slot) {
            FieldValue::Scalar(raw) => match self.parser.parse(raw) {
                Ok(time) => self.latest = Some(self.latest.map_or(time, |l| l.max(time))),
                // Reasons are only needed while no row has had a timestamp.
                Err(e) if self.latest.is_none() => self.problem(line, || bad_timestamp(raw, &e)),
                Err(_) => {}
            },
            _ if self.latest.is_none() => {
                let field = self.field;
                self.problem(line, || no_timestamp(field));
            }
            _ => {}
        }
        Ok(())
    }

    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        self.problem(line, || format!("malformed row: {reason}"));
        Ok(())
    }

    fn malformed_lines(&mut self, line: u64, _: u64, reason: &str) -> Result<(), InputError> {
        self.malformed(line, reason)
    }

    fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64) {
        for (line, _) in &mut self.problems {
            *line = renumber(*line);
        }
    }
}

/// What the first pass of `--at latest` found.
#[derive(Debug, Default)]
pub struct LatestScan {
    /// The latest valid timestamp, if any row has one.
    pub latest: Option<UnixNanos>,
    /// While no row had one: the first rows without a usable timestamp, as
    /// `file:line: reason`, in log order.
    pub problems: Vec<String>,
}

/// A guess at the latest timestamp of `inputs` from their newest lines alone (see
/// [`input::newest_lines`]): `None` when some log's newest lines cannot be had cheaply or hold
/// no valid timestamp. Only a guess: the caller checks it against a whole read.
pub fn latest_in_newest_lines(
    inputs: &[LogInput],
    format: &InputFormat,
    timestamp: &TimestampSpec,
) -> Option<UnixNanos> {
    let mut fields = FieldSlots::default();
    let slot = fields.slot(&timestamp.field);
    let field = &fields.paths()[slot];
    let parser = TimestampParser::new(timestamp.format.clone(), timestamp.zone);
    let mut latest = None;
    for log in inputs {
        let (sample, format) = input::newest_lines(log, format)?;
        let mut sink = Latest {
            slot,
            field,
            parser: parser.clone(),
            latest: None,
            problems: Vec::new(),
        };
        input::read_bytes(&sample, &format, &fields, &mut sink).ok()?;
        latest = latest.max(Some(sink.latest?));
    }
    latest
}

/// Finds the latest parseable timestamp in `inputs`, read with `threads` threads per log.
///
/// # Errors
///
/// A log that cannot be opened or read.
pub fn latest_timestamp(
    inputs: &[LogInput],
    format: &InputFormat,
    timestamp: &TimestampSpec,
    threads: usize,
) -> Result<LatestScan, InputError> {
    let mut fields = FieldSlots::default();
    let slot = fields.slot(&timestamp.field);
    let field = &fields.paths()[slot];
    let parser = TimestampParser::new(timestamp.format.clone(), timestamp.zone);
    let mut scan = LatestScan::default();
    for log in inputs {
        let sinks = input::read_log_parallel(log, format, &fields, threads, || Latest {
            slot,
            field,
            parser: parser.clone(),
            latest: None,
            problems: Vec::new(),
        })?;
        let mut found: Vec<(u64, String)> = Vec::new();
        for sink in sinks.sinks {
            scan.latest = scan.latest.max(sink.latest);
            found.extend(sink.problems);
        }
        found.sort_by_key(|(line, _)| *line);
        found.truncate(PROBLEMS_KEPT);
        scan.problems.extend(
            found
                .into_iter()
                .map(|(line, reason)| format!("{log}:{line}: {reason}")),
        );
    }
    Ok(scan)
}
