//! A log file that something else may write, rotate or truncate while slo reads it.
//!
//! Appends are read too (rows after the evaluation instant count as outside every window), and
//! rotation by renaming (logrotate's default) leaves the open file to be read to its end: both
//! give a count of what was read. Truncation does not — logrotate's `copytruncate`, or
//! `> access.log`: the rows past the point reached are gone, and a writer that goes on at its
//! old offset leaves a hole of NUL bytes. What slo read is then part of a log, so the read
//! stops with [`ChangedWhileRead`] rather than report on it.
//!
//! A log read twice (`--at latest`, or again after a miscut chunk) is a [`HeldLog`]: the same
//! open file both times, so that the same holds between two reads as within one.

use std::fmt;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::{is_compressed, refuse_non_text, InputError, LogInput, HEAD_BYTES};

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
    /// For a held log: the most that any whole read of it has read, raised by this one.
    held_read: Option<Arc<AtomicU64>>,
}

impl Truncation {
    /// Watches `file`.
    pub fn watch(file: &File) -> io::Result<Truncation> {
        if !file.metadata()?.is_file() {
            return Ok(Truncation::default());
        }
        Ok(Truncation {
            file: Some(file.try_clone()?),
            held_read: None,
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
        if let Some(held_read) = &self.held_read {
            held_read.fetch_max(read, Ordering::Relaxed);
        }
        Ok(())
    }
}

/// A log opened once and read from its start as often as needed: `--at latest` reads every
/// log twice (for the latest timestamp, then to count), and the parallel reader reads a file
/// again when a chunk cut by counting quotes proves miscut.
///
/// Read again by its path, a log would be whatever is at the path by then: after a rotation
/// by renaming, the new, empty file; for a pipe, nothing, or a wait for a writer that never
/// comes. So a regular file is held open, and every read goes through a duplicate of its
/// descriptor, rewound to the start: each read sees the same file, whatever is renamed in
/// between. What gives its bytes only once — standard input, a FIFO, a pipe named by a path
/// (`/dev/fd/63` from a shell's `<(zcat log.gz)`), a character device — is read once into a
/// temporary copy, which is held instead.
///
/// The duplicates share the file's one offset, which is how [`Truncation`] sees how much was
/// read; so reads of one held log follow one another and never overlap (slo reads one log at a
/// time). A read that finds the file shorter than an earlier read of it did — truncated in
/// between — stops with [`ChangedWhileRead`], as a truncation during one read does.
///
/// Holding every log open takes a descriptor per log until its last read: see
/// [`allow_open_files`].
#[derive(Debug, Clone)]
pub struct HeldLog {
    /// The path given, which names the log and tells its format by extension; `None` for
    /// standard input.
    path: Option<PathBuf>,
    /// The log itself, or its copy.
    file: Arc<File>,
    /// The most bytes that a whole read of it has read.
    read: Arc<AtomicU64>,
}

impl HeldLog {
    fn new(path: Option<PathBuf>, file: File) -> HeldLog {
        HeldLog {
            path,
            file: Arc::new(file),
            read: Arc::new(AtomicU64::new(0)),
        }
    }

    /// The path the log was given by; `None` for standard input.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The log (named `input`) opened for one more read from its start, with a watch for
    /// truncation.
    pub(super) fn reopen(&self, input: &LogInput) -> Result<(File, Truncation), InputError> {
        let cannot = |e: io::Error| InputError::new(input, format!("cannot read: {e}"));
        let file = self.file.try_clone().map_err(cannot)?;
        (&file).seek(SeekFrom::Start(0)).map_err(cannot)?;
        let length = file.metadata().map_err(cannot)?.len();
        let read = self.read.load(Ordering::Relaxed);
        if length < read {
            return Err(InputError::new(
                input,
                ChangedWhileRead { length, read }.to_string(),
            ));
        }
        let mut truncation = Truncation::watch(&file).map_err(cannot)?;
        truncation.held_read = Some(Arc::clone(&self.read));
        Ok((file, truncation))
    }
}

impl HeldLog {
    /// The open file itself (sharing its offset with every other clone), for a look at its
    /// bytes outside a whole read: see [`super::tail`].
    pub(super) fn file(&self) -> io::Result<File> {
        self.file.try_clone()
    }
}

/// Two held logs are the same when they hold the same open file.
impl PartialEq for HeldLog {
    fn eq(&self, other: &HeldLog) -> bool {
        Arc::ptr_eq(&self.file, &other.file)
    }
}

impl Eq for HeldLog {}

/// `input` held for reading again (see [`HeldLog`]); what gives its bytes once is first
/// copied into the file that `copy_into` makes.
pub(super) fn hold(
    input: &LogInput,
    copy_into: impl FnOnce() -> io::Result<File>,
) -> Result<LogInput, InputError> {
    let (path, source): (_, Box<dyn Read>) = match input {
        LogInput::Held(_) => return Ok(input.clone()),
        LogInput::Stdin => (None, Box::new(io::stdin().lock())),
        LogInput::File(path) => {
            let cannot = |e: io::Error| InputError::new(input, cannot_open(&e));
            let file = File::open(path).map_err(cannot)?;
            if file.metadata().map_err(cannot)?.is_file() {
                return Ok(LogInput::Held(HeldLog::new(Some(path.clone()), file)));
            }
            (Some(path.clone()), Box::new(file))
        }
    };
    let copy = copy_into().map_err(|e| {
        InputError::new(
            input,
            format!("cannot make a temporary copy to read it twice: {e}"),
        )
    })?;
    copy_once(input, source, &copy)?;
    Ok(LogInput::Held(HeldLog::new(path, copy)))
}

/// Why a log could not be opened, with what to do when too many are open at once.
fn cannot_open(error: &io::Error) -> String {
    #[cfg(unix)]
    if error.raw_os_error() == Some(rustix::io::Errno::MFILE.raw_os_error()) {
        return format!(
            "cannot open: {error}; --at latest keeps every log open until its second read: \
             raise the limit (ulimit -n), give fewer logs, or an --at instant"
        );
    }
    format!("cannot open: {error}")
}

/// Copies a log that gives its bytes once into `copy`. Binary input is refused by its first
/// block, as a read refuses it, rather than copied whole: `/dev/zero` would have no end.
fn copy_once(input: &LogInput, mut source: impl Read, mut copy: &File) -> Result<(), InputError> {
    let cannot = |e: io::Error| {
        InputError::new(
            input,
            format!("cannot copy it into a temporary file to read it twice: {e}"),
        )
    };
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut source)
        .take(HEAD_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(cannot)?;
    if !is_compressed(&head) {
        refuse_non_text(input, &head)?;
    }
    copy.write_all(&head).map_err(cannot)?;
    io::copy(&mut source, &mut copy).map_err(cannot)?;
    Ok(())
}

/// Raises the limit on open files as far as the system allows this process: [`HeldLog`]s keep
/// every log open until its last read, and a folder of exports can hold more logs than the
/// usual limit of 1024 open files. Where the limit cannot be raised, opening a log past it
/// says so.
pub fn allow_open_files() {
    #[cfg(unix)]
    {
        use rustix::process::{getrlimit, setrlimit, Resource, Rlimit};
        let limit = getrlimit(Resource::Nofile);
        if limit.current != limit.maximum {
            let _ = setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: limit.maximum,
                    ..limit
                },
            );
        }
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

        fn malformed_lines(
            &mut self,
            line: u64,
            lines: u64,
            reason: &str,
        ) -> Result<(), InputError> {
            self.rows.malformed_lines(line, lines, reason)
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
            read_log(&input, &InputFormat::Csv, &fields, &mut sink).map(|()| sink.rows.rows.len());
        reset();
        let once = Once::new();
        let chunked = crate::input::parallel::read_in_chunks(
            &input,
            &InputFormat::Csv,
            &fields,
            2,
            16 * 1024,
            || meddler(&once),
        )
        .map(|read| read.sinks.iter().map(|s| s.rows.rows.len()).sum());
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

    /// A CSV log that cutting by quote counts cuts wrong: a quote inside an unquoted field
    /// makes every line end with an even count of quotes before it lie inside a quoted
    /// field. The parallel reader then reads it again, cut exactly. Returns it and its rows.
    fn miscut_log() -> (tempfile::TempDir, PathBuf, usize) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("access.csv");
        let rows = 5000;
        let mut text = String::from("timestamp,status,note\n2026-03-10T11:00:00Z,200,5\" screen\n");
        for _ in 1..rows {
            text.push_str("2026-03-10T11:00:00Z,200,\"two\nlines\"\n");
        }
        std::fs::write(&path, text).unwrap();
        (dir, path, rows)
    }

    /// Rotated while its first, miscut read goes on, the log is read again as it was opened,
    /// not as the new file at its path.
    #[test]
    fn a_log_rotated_before_a_second_read_after_a_miscut_is_read_as_it_was() {
        let (dir, path, rows) = miscut_log();
        let original = std::fs::read(&path).unwrap();
        let rotated = dir.path().join("access.csv.1");
        let rotate = || {
            std::fs::rename(&path, &rotated).unwrap();
            std::fs::write(&path, "timestamp,status,note\n").unwrap();
        };
        let reset = || std::fs::write(&path, &original).unwrap();
        for read in read_both_ways_meddling(&path, reset, rotate) {
            assert_eq!(read.unwrap(), rows);
        }
    }

    /// Reads `input` on the calling thread and on two workers; returns the rows read.
    fn rows_of(input: &LogInput) -> Result<Vec<(u64, Vec<String>)>, InputError> {
        let fields = fields(&["timestamp", "status"]);
        let mut whole = Collect::default();
        read_log(input, &InputFormat::Csv, &fields, &mut whole)?;
        let sinks = crate::input::parallel::read_in_chunks(
            input,
            &InputFormat::Csv,
            &fields,
            2,
            16 * 1024,
            Collect::default,
        )?;
        let mut chunked: Vec<_> = sinks.sinks.into_iter().flat_map(|s| s.rows).collect();
        chunked.sort_by_key(|row| row.0);
        assert_eq!(whole.rows, chunked);
        Ok(whole.rows)
    }

    fn no_copy() -> std::io::Result<std::fs::File> {
        panic!("a regular file is held, not copied")
    }

    /// `--at latest` reads a log twice: rotated by renaming in between, it is read again as
    /// it was, not as the new file at its path.
    #[test]
    fn a_held_log_rotated_between_two_reads_is_read_again_whole() {
        let (dir, path) = big_log();
        let held = LogInput::File(path.clone()).hold(no_copy).unwrap();
        assert_eq!(held.name(), path.display().to_string());
        let first = rows_of(&held).unwrap();
        assert_eq!(first.len(), ROWS);
        std::fs::rename(&path, dir.path().join("access.csv.1")).unwrap();
        std::fs::write(&path, "timestamp,status\n").unwrap();
        assert_eq!(rows_of(&held).unwrap(), first);
        // Appended to in between, it is read with the new rows, as within one read.
        let mut file = std::fs::OpenOptions::new()
            .append(true)
            .open(dir.path().join("access.csv.1"))
            .unwrap();
        std::io::Write::write_all(&mut file, b"2026-03-10T12:00:00Z,503\n").unwrap();
        assert_eq!(rows_of(&held).unwrap().len(), ROWS + 1);
    }

    /// Truncated between two reads, a held log is refused, as when truncated during one.
    #[test]
    fn a_held_log_truncated_between_two_reads_is_an_error() {
        let (_dir, path) = big_log();
        let held = LogInput::File(path.clone()).hold(no_copy).unwrap();
        rows_of(&held).unwrap();
        std::fs::write(&path, "timestamp,status\n2026-03-10T12:00:00Z,503\n").unwrap();
        let error = rows_of(&held).expect_err("a truncated log is an error");
        assert!(
            error
                .message
                .starts_with("the file changed while it was read: it is now 42 bytes long"),
            "{error}"
        );
    }

    /// A pipe named by a path, as a shell's `<(zcat log.gz)` gives `/dev/fd/63`: copied
    /// once, and the copy read as often as needed, under the pipe's name.
    #[cfg(target_os = "linux")]
    #[test]
    fn a_pipe_named_by_a_path_is_copied_and_read_twice() {
        use std::os::fd::AsRawFd;
        let (reader, mut writer) = std::io::pipe().unwrap();
        let text = "timestamp,status\n2026-03-10T11:00:00Z,200\n2026-03-10T11:30:00Z,503\n";
        std::io::Write::write_all(&mut writer, text.as_bytes()).unwrap();
        drop(writer);
        let path = PathBuf::from(format!("/proc/self/fd/{}", reader.as_raw_fd()));
        let pipe = LogInput::File(path.clone());
        assert!(!pipe.rereadable());
        let copy = tempfile::tempfile().unwrap();
        let held = pipe.hold(|| copy.try_clone()).unwrap();
        drop(reader);
        assert_eq!(held.name(), path.display().to_string());
        let expected = vec![
            (
                2,
                vec!["2026-03-10T11:00:00Z".to_string(), "200".to_string()],
            ),
            (
                3,
                vec!["2026-03-10T11:30:00Z".to_string(), "503".to_string()],
            ),
        ];
        assert_eq!(rows_of(&held).unwrap(), expected);
        assert_eq!(rows_of(&held).unwrap(), expected);
    }

    /// An endless binary device is refused by its first block, not copied for ever.
    #[cfg(unix)]
    #[test]
    fn an_endless_binary_input_is_refused_before_it_is_copied() {
        let zero = LogInput::File(PathBuf::from("/dev/zero"));
        let copy = tempfile::tempfile().unwrap();
        let error = zero.hold(|| copy.try_clone()).expect_err("binary input");
        assert!(error.message.contains("holds binary data"), "{error}");
        assert_eq!(copy.metadata().unwrap().len(), 0);
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
