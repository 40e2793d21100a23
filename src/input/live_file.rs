//! A log file that something else may write, rotate or truncate while slo reads it.
//!
//! Appends are read too (rows after the evaluation instant count as outside every window), and
//! rotation by renaming (logrotate's default) leaves the open file to be read to its end: both
//! give a count of what was read. Truncation does not — logrotate's `copytruncate`, or
//! `> access.log`: the rows past the point reached are gone, and a writer that goes on at its
//! old offset leaves a hole of NUL bytes. What slo read is then part of a log, so the read
//! stops with [`ChangedWhileRead`] rather than report on it.

use std::fmt;
use std::fs::File;
use std::io::{self, Seek};

use super::{InputError, LogInput};

/// A watch on an open log file that tells, once it is read, whether it became shorter than
/// what was read of it.
///
/// It holds a duplicate of the file's descriptor, which shares the file's offset: the offset
/// is how much was read, whatever buffering and decompression lie above. The file itself is
/// read without a wrapper, so that reads go straight into the caller's buffers (a `Read`
/// wrapper would have every buffer zeroed before each read). A file truncated part-way ends
/// the read early, at its new end, where the check finds it; one truncated and written past
/// the point already read before the reader gets there is not noticed.
#[derive(Debug, Default)]
pub(super) struct Truncation {
    /// The duplicate descriptor; `None` for what has no length to compare (standard input, a
    /// FIFO, whose length is always 0).
    file: Option<File>,
}

impl Truncation {
    /// Watches `file`.
    pub fn watch(file: &File) -> io::Result<Truncation> {
        if !file.metadata()?.is_file() {
            return Ok(Truncation::default());
        }
        Ok(Truncation {
            file: Some(file.try_clone()?),
        })
    }

    /// After the file was read to its end: an error if it is now shorter than what was read.
    pub fn check(&self, input: &LogInput) -> Result<(), InputError> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let cannot = |e: io::Error| InputError::new(input, format!("cannot read: {e}"));
        // `&File` seeks the shared offset without moving it.
        let read = (&mut &*file).stream_position().map_err(cannot)?;
        let length = file.metadata().map_err(cannot)?.len();
        if length < read {
            return Err(InputError::new(
                input,
                ChangedWhileRead { length, read }.to_string(),
            ));
        }
        Ok(())
    }
}

/// A log file became shorter than the part of it already read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangedWhileRead {
    /// Its length when that was noticed, in bytes.
    pub length: u64,
    /// The bytes read of it by then.
    pub read: u64,
}

impl fmt::Display for ChangedWhileRead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the file changed while it was read: it is now {} bytes long, but {} bytes had been \
             read (it was truncated, as logrotate's copytruncate does); slo stops rather than \
             report on part of a log: run it again, or on the rotated copy",
            self.length, self.read
        )
    }
}

impl std::error::Error for ChangedWhileRead {}

#[cfg(test)]
mod tests {
    use crate::input::test_sink::{fields, Collect};
    use crate::input::{read_log, InputError, InputFormat, LogInput, RowSink, RowView};
    use std::path::{Path, PathBuf};
    use std::sync::Once;

    const ROWS: usize = 200_000;

    /// A CSV log of `ROWS` rows, several MiB: far more than a reader has read ahead when its
    /// first row arrives.
    fn big_log() -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.csv");
        let mut text = String::from("timestamp,status\n");
        for i in 0..ROWS {
            text.push_str(&format!(
                "2026-03-10T11:{:02}:{:02}Z,200\n",
                i / 60 % 60,
                i % 60
            ));
        }
        std::fs::write(&path, text).unwrap();
        (dir, path)
    }

    /// Collects rows, and at the first row of any sink sharing `once` does something to the
    /// log being read.
    struct Meddler<'a, F: Fn()> {
        rows: Collect,
        meddle: &'a F,
        once: &'a Once,
    }

    impl<F: Fn()> RowSink for Meddler<'_, F> {
        fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
            self.once.call_once(self.meddle);
            self.rows.row(row, line)
        }

        fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
            self.rows.malformed(line, reason)
        }

        fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64) {
            self.rows.renumber_lines(renumber);
        }
    }

    /// Reads `path` on the calling thread and on two workers, doing `meddle` at the first row
    /// each time (after `reset` restores the log); returns the rows read each way, or the
    /// errors.
    fn read_both_ways_meddling(
        path: &Path,
        reset: impl Fn(),
        meddle: impl Fn() + Sync,
    ) -> [Result<usize, InputError>; 2] {
        let input = LogInput::File(path.to_path_buf());
        let fields = fields(&["status"]);
        let meddler = |once| Meddler {
            rows: Collect::default(),
            meddle: &meddle,
            once,
        };
        reset();
        let once = Once::new();
        let mut sink = meddler(&once);
        let whole =
            read_log(&input, InputFormat::Csv, &fields, &mut sink).map(|()| sink.rows.rows.len());
        reset();
        let once = Once::new();
        let chunked = crate::input::parallel::read_in_chunks(
            &input,
            InputFormat::Csv,
            &fields,
            2,
            16 * 1024,
            || meddler(&once),
        )
        .map(|sinks| sinks.iter().map(|s| s.rows.rows.len()).sum());
        [whole, chunked]
    }

    #[test]
    fn a_log_truncated_while_it_is_read_is_an_error() {
        let (_dir, path) = big_log();
        let original = std::fs::read(&path).unwrap();
        let truncate = || {
            let file = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
            file.set_len(0).unwrap();
        };
        let reset = || std::fs::write(&path, &original).unwrap();
        for read in read_both_ways_meddling(&path, reset, truncate) {
            let error = read.expect_err("a truncated log is an error");
            assert!(
                error
                    .message
                    .starts_with("the file changed while it was read: it is now 0 bytes long"),
                "{error}"
            );
            assert!(error
                .to_string()
                .starts_with(&format!("{}:", path.display())));
        }
    }

    #[test]
    fn a_log_rotated_while_it_is_read_is_read_to_its_end() {
        let (dir, path) = big_log();
        let original = std::fs::read(&path).unwrap();
        let rotated = dir.path().join("access.csv.1");
        // As logrotate does by default: rename, then a new, empty file in its place.
        let rotate = || {
            std::fs::rename(&path, &rotated).unwrap();
            std::fs::write(&path, "timestamp,status\n").unwrap();
        };
        let reset = || std::fs::write(&path, &original).unwrap();
        for read in read_both_ways_meddling(&path, reset, rotate) {
            assert_eq!(read.unwrap(), ROWS);
        }
    }

    #[test]
    fn a_log_appended_to_while_it_is_read_is_read_with_the_new_rows() {
        let (_dir, path) = big_log();
        let original = std::fs::read(&path).unwrap();
        let append = || {
            use std::io::Write;
            let mut file = std::fs::OpenOptions::new()
                .append(true)
                .open(&path)
                .unwrap();
            file.write_all(b"2026-03-10T12:00:00Z,503\n").unwrap();
        };
        let reset = || std::fs::write(&path, &original).unwrap();
        for read in read_both_ways_meddling(&path, reset, append) {
            assert_eq!(read.unwrap(), ROWS + 1);
        }
    }
}
