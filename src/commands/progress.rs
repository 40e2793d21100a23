//! A progress indicator on stderr while the logs are read, for inputs that take more than a
//! moment: shown only on a terminal, never with `--quiet`, and only once reading has lasted
//! [`DELAY`], so quick runs print nothing.
//!
//! It wraps the row sink at the command layer: the readers and the counting know nothing of
//! it. Rows are counted in a plain integer and handed to the bar every [`STEP`] rows, so the
//! hot loop pays one increment and one comparison per row.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::input::{InputError, LogInput, RowSink, RowView};

/// How long reading runs before the indicator appears.
const DELAY: Duration = Duration::from_millis(500);

/// Rows between two updates of the indicator.
const STEP: u64 = 1 << 14;

/// The indicator for one run.
#[derive(Debug)]
pub(super) struct Progress {
    bar: Option<ProgressBar>,
    started: Instant,
    files: usize,
    file: usize,
}

impl Progress {
    /// An indicator for reading `files` logs; hidden unless `enabled` and stderr is a terminal.
    pub fn new(enabled: bool, files: usize) -> Progress {
        let bar = (enabled && io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} {msg}: {human_pos} rows, {elapsed}")
            {
                bar.set_style(style);
            }
            bar
        });
        Progress {
            bar,
            started: Instant::now(),
            files,
            file: 0,
        }
    }

    /// Announces that `files` logs are read a second time.
    pub fn read_again(&mut self, files: usize) {
        self.files += files;
    }

    /// Announces the next log.
    pub fn start(&mut self, input: &LogInput) {
        self.file += 1;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("reading {input} ({}/{})", self.file, self.files));
        }
    }

    /// Wraps a sink (one per reading thread) to count its rows.
    pub fn track<S: RowSink>(&self, sink: S) -> Tracked<'_, S> {
        Tracked {
            sink,
            progress: self,
            rows: 0,
        }
    }

    fn advance(&self, rows: u64) {
        let Some(bar) = &self.bar else { return };
        bar.inc(rows);
        if bar.is_hidden() && self.started.elapsed() >= DELAY {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(120));
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// A row sink that counts rows for the indicator on their way to the real sink.
#[derive(Debug)]
pub(super) struct Tracked<'a, S> {
    sink: S,
    progress: &'a Progress,
    rows: u64,
}

impl<S> Tracked<'_, S> {
    /// The wrapped sink, once its rows are counted.
    pub fn into_inner(self) -> S {
        self.progress.advance(self.rows % STEP);
        self.sink
    }

    fn tick(&mut self) {
        self.rows += 1;
        if self.rows.is_multiple_of(STEP) {
            self.progress.advance(STEP);
        }
    }
}

impl<S: RowSink> RowSink for Tracked<'_, S> {
    fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
        self.tick();
        self.sink.row(row, line)
    }

    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        self.tick();
        self.sink.malformed(line, reason)
    }

    fn malformed_lines(&mut self, line: u64, lines: u64, reason: &str) -> Result<(), InputError> {
        self.tick();
        self.sink.malformed_lines(line, lines, reason)
    }

    fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64) {
        self.sink.renumber_lines(renumber);
    }
}
