//! Reading request logs: which files, how they are compressed, which format, and one row at a
//! time into the slots the SLOs need.
//!
//! Only this module knows file formats. Readers fill a [`RowValues`] with just the fields that
//! some SLO references (see [`FieldSlots`]) — most as ranges of the row's text, not copies —
//! and hand each row to a [`RowSink`] as a [`RowView`] with its line number; rows that cannot
//! be read go to the sink as malformed, so nothing is dropped silently.

mod csv;
mod json;
mod json_fields;
mod lines;
mod live_file;
mod parallel;
mod scan;
mod sniff;
mod tail;
mod text;

use live_file::Truncation;
pub use live_file::{allow_open_files, ChangedWhileRead, HeldLog};
pub use parallel::{read_log_parallel, LogRead, CHUNK_BYTES};
pub use sniff::looks_like;
pub use tail::newest_lines;
pub use text::{TextFormat, TextKind, TimeUnit};

use std::ffi::OsString;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::path::{Path, PathBuf};

use crate::expr::{FieldPath, FieldSlots, FieldValue, Row};

/// Size of read buffers for log files.
const BUFFER_BYTES: usize = 256 * 1024;
/// How much of a log is read up front to recognise its compression and format.
const HEAD_BYTES: usize = 64 * 1024;
/// The first bytes of a gzip stream.
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
/// The first bytes of a zstd frame.
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];
/// Longest single record (line or JSON value) accepted; longer ones are malformed rows.
pub const MAX_RECORD_BYTES: usize = 64 * 1024 * 1024;

/// The format of a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputFormat {
    /// Decide by file extension, then by content.
    Auto,
    /// Comma-separated values with a header row (RFC 4180 quoting).
    Csv,
    /// Tab-separated values with a header row.
    Tsv,
    /// One JSON object per line.
    Jsonl,
    /// A JSON array of objects (or objects one after another).
    Json,
    /// A text access log, one request per line: nginx, Apache, ALB, ...
    Text(TextFormat),
}

impl InputFormat {
    /// Parses `auto`, `csv`, `tsv`, `jsonl` (or `ndjson`), `json`, and the text formats
    /// (`nginx`, `apache`, `alb`, `cloudfront`, `w3c`, `logfmt`, `envoy`, `haproxy`) in their
    /// default layouts.
    ///
    /// # Errors
    ///
    /// A name that is not one of the formats, with the list of them.
    pub fn parse(text: &str) -> Result<InputFormat, String> {
        let name = text.to_ascii_lowercase();
        match name.as_str() {
            "auto" => Ok(InputFormat::Auto),
            "csv" => Ok(InputFormat::Csv),
            "tsv" => Ok(InputFormat::Tsv),
            "jsonl" | "ndjson" => Ok(InputFormat::Jsonl),
            "json" => Ok(InputFormat::Json),
            "iis" => Ok(InputFormat::Text(TextFormat::new(TextKind::W3c))),
            _ => match TextKind::from_name(&name) {
                Some(kind) => Ok(InputFormat::Text(TextFormat::new(kind))),
                None => Err(format!(
                    "unknown log format '{text}': use {}",
                    InputFormat::NAMES.join(", ")
                )),
            },
        }
    }

    /// The names [`InputFormat::parse`] takes, for messages and `--help`.
    pub const NAMES: [&'static str; 13] = [
        "auto",
        "csv",
        "tsv",
        "jsonl",
        "json",
        "nginx",
        "apache",
        "alb",
        "cloudfront",
        "w3c",
        "logfmt",
        "envoy",
        "haproxy",
    ];

    /// Why a log of this format cannot have the field `path`, for a spec error that ends with
    /// what follows from it (`consequence`, "so every row would be invalid"): `None` when it
    /// may (every format whose fields are only known from the log: CSV's header, JSON's keys,
    /// W3C's `#Fields:` lines, logfmt's pairs).
    pub fn lacks_field(&self, path: &FieldPath, consequence: &str) -> Option<String> {
        let InputFormat::Text(format) = self else {
            return None;
        };
        if format.has_field(path)? {
            return None;
        }
        let names = format.field_names()?;
        let name = path.to_string();
        // A name the formats share (`request_time`) is no typo: the layout does not write it.
        let hint = if TextFormat::is_shared_name(&name) {
            None
        } else {
            crate::suggest::closest(&name, names.iter().map(String::as_str))
        }
        .map(|name| format!("did you mean `{name}`? "))
        .unwrap_or_default();
        let layout = if format.kind().takes_log_format() {
            "; if the server's log format writes it, give that format as source.log_format"
        } else {
            ""
        };
        Some(format!(
            "{format} lines have no field `{path}`, {consequence}; {hint}\
             their fields: {} (docs/log-formats.md){layout}",
            names.join(", ")
        ))
    }

    /// The unit the format writes field `path` in, when the format says and it is a
    /// duration (nginx's `request_time` is in seconds); `None` for CSV, JSON and `auto`.
    pub fn field_unit(&self, path: &FieldPath) -> Option<TimeUnit> {
        match self {
            InputFormat::Text(format) => format.field_unit(path),
            _ => None,
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputFormat::Auto => f.write_str("auto"),
            InputFormat::Csv => f.write_str("csv"),
            InputFormat::Tsv => f.write_str("tsv"),
            InputFormat::Jsonl => f.write_str("jsonl"),
            InputFormat::Json => f.write_str("json"),
            InputFormat::Text(format) => format.fmt(f),
        }
    }
}

/// One log to read: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LogInput {
    /// A file, opened by its path at each read: a regular file, or a FIFO, a pipe or a device
    /// named by a path.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
    /// A log opened once to be read more than once, as `--at latest` reads every log.
    Held(HeldLog),
}

impl LogInput {
    /// The log as named to the user (`<stdin>` for standard input), exactly: for the JSON
    /// report. Messages use the `Display` form, which escapes control characters.
    pub fn name(&self) -> String {
        match self.path() {
            Some(path) => path.display().to_string(),
            None => "<stdin>".to_string(),
        }
    }

    /// The path the log was given by; `None` for standard input.
    pub fn path(&self) -> Option<&Path> {
        match self {
            LogInput::File(path) => Some(path),
            LogInput::Stdin => None,
            LogInput::Held(held) => held.path(),
        }
    }

    /// Whether reading the log again gives its bytes again: a held log, or a regular file
    /// (unless something changes it meanwhile); not standard input, a FIFO or a pipe.
    pub fn rereadable(&self) -> bool {
        match self {
            LogInput::File(path) => std::fs::metadata(path).is_ok_and(|m| m.is_file()),
            LogInput::Stdin => false,
            LogInput::Held(_) => true,
        }
    }

    /// This log held for reading again from its start, every time the same bytes (see
    /// [`HeldLog`]): a regular file is held open; what gives its bytes only once (standard
    /// input, a FIFO, a pipe, a device) is first copied into the file that `copy_into` makes,
    /// which the caller removes once the log is read for the last time.
    ///
    /// # Errors
    ///
    /// A log that cannot be opened, or copied (the copy stops at binary data, as a read
    /// would).
    pub fn hold(
        &self,
        copy_into: impl FnOnce() -> io::Result<File>,
    ) -> Result<LogInput, InputError> {
        live_file::hold(self, copy_into)
    }
}

impl fmt::Display for LogInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A file name may hold a line break or an escape sequence like any other text.
        write!(f, "{}", crate::visible::Visible(&self.name()))
    }
}

/// A problem reading a log, with where it happened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputError {
    /// The log, as named to the user.
    pub input: String,
    /// 1-based line, when known.
    pub line: Option<u64>,
    /// What went wrong and what to do.
    pub message: String,
}

impl InputError {
    /// An error about a whole log.
    pub fn new(input: &LogInput, message: impl Into<String>) -> InputError {
        InputError {
            input: input.to_string(),
            line: None,
            message: message.into(),
        }
    }

    /// Reading failed at `line`: a truncated or corrupt file, usually a compressed one.
    pub fn read_failed(input: &LogInput, line: u64, error: &io::Error) -> InputError {
        InputError::at(
            input,
            line,
            format!(
                "read failed: {error}; the file looks truncated or corrupt (gzip -t or zstd -t \
                 checks a compressed one), and slo stops rather than report on part of it"
            ),
        )
    }

    /// An error at one line of a log.
    pub fn at(input: &LogInput, line: u64, message: impl Into<String>) -> InputError {
        InputError {
            input: input.to_string(),
            line: Some(line),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "{}:{line}: {}", self.input, self.message),
            None => write!(f, "{}: {}", self.input, self.message),
        }
    }
}

impl std::error::Error for InputError {}

/// Expands log arguments: `-` is standard input, a folder gives every non-hidden file in it
/// (sorted by name, not recursive), and a path whose file name is a pattern with `*` or `?`
/// (`/var/log/nginx/access.log*`, as a spec's `source.paths` may say: no shell expands it
/// there) every file of its folder that the pattern matches, sorted by name.
///
/// # Errors
///
/// A path that does not exist, a pattern that matches no file, or a folder that cannot be
/// listed.
pub fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<LogInput>, InputError> {
    let mut inputs = Vec::new();
    for path in paths {
        let pattern = path
            .file_name()
            .and_then(|name| name.to_str())
            .filter(|name| name.contains(['*', '?']) && !path.exists());
        if path.as_os_str() == "-" {
            inputs.push(LogInput::Stdin);
        } else if let Some(pattern) = pattern {
            let folder = match path.parent() {
                Some(folder) if !folder.as_os_str().is_empty() => folder,
                _ => Path::new("."),
            };
            let files = files_in(folder, |name| {
                crate::glob::glob_match(pattern, name)
                    && (pattern.starts_with('.') || !name.starts_with('.'))
            })?;
            if files.is_empty() {
                return Err(InputError::new(
                    &LogInput::File(path.clone()),
                    "no log file matches this pattern (`*` and `?` match within a file name, \
                     not across folders)",
                ));
            }
            inputs.extend(
                files
                    .into_iter()
                    .map(|name| LogInput::File(path.with_file_name(name))),
            );
        } else if path.is_dir() {
            let files = files_in(path, |name| !name.starts_with('.'))?;
            if files.is_empty() {
                return Err(InputError::new(
                    &LogInput::File(path.clone()),
                    "this folder holds no log file (hidden files are skipped): pass a folder \
                     that holds the logs, or the log files",
                ));
            }
            inputs.extend(
                files
                    .into_iter()
                    .map(|name| LogInput::File(path.join(name))),
            );
        } else if path.exists() {
            // Files, but also named pipes and process substitution (`<(zcat …)`).
            inputs.push(LogInput::File(path.clone()));
        } else {
            return Err(InputError::new(
                &LogInput::File(path.clone()),
                "no such log file or folder",
            ));
        }
    }
    Ok(inputs)
}

/// The names of the files (not folders) in `folder` whose names `wanted` accepts, sorted. A
/// name that is not UTF-8 is offered to `wanted` as the lossy text of it.
fn files_in(folder: &Path, wanted: impl Fn(&str) -> bool) -> Result<Vec<OsString>, InputError> {
    let entries = std::fs::read_dir(folder).map_err(|e| {
        InputError::new(
            &LogInput::File(folder.to_path_buf()),
            format!("cannot read folder: {e}"),
        )
    })?;
    let mut names: Vec<OsString> = entries
        .filter_map(Result::ok)
        .filter(|entry| wanted(&entry.file_name().to_string_lossy()) && entry.path().is_file())
        .map(|entry| entry.file_name())
        .collect();
    names.sort();
    Ok(names)
}

/// `inputs` with each file kept once, where named first, and the later names of a file
/// already kept beside the one kept (the same path twice, a folder and a log in it, or a link
/// to it), so that no row is counted twice. Files are told apart by device and inode, which
/// links share; where those cannot be read the file is kept.
pub fn without_repeats(inputs: Vec<LogInput>) -> (Vec<LogInput>, Vec<(LogInput, LogInput)>) {
    let mut seen: Vec<(FileIdentity, usize)> = Vec::new();
    let mut kept = Vec::with_capacity(inputs.len());
    let mut repeats = Vec::new();
    for input in inputs {
        let identity = FileIdentity::of(&input);
        match identity.and_then(|id| seen.iter().find(|(other, _)| *other == id)) {
            Some(&(_, first)) => {
                let first: &LogInput = &kept[first];
                repeats.push((input, first.clone()));
            }
            None => {
                if let Some(id) = identity {
                    seen.push((id, kept.len()));
                }
                kept.push(input);
            }
        }
    }
    (kept, repeats)
}

/// What tells one file from another, whatever names it: its device and inode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FileIdentity {
    device: u64,
    inode: u64,
}

impl FileIdentity {
    /// The file `input` reads; standard input's too (a file redirected to it, or its pipe).
    #[cfg(unix)]
    fn of(input: &LogInput) -> Option<FileIdentity> {
        use std::os::unix::fs::MetadataExt;
        let path = input.path().unwrap_or(Path::new("/dev/stdin"));
        let metadata = std::fs::metadata(path).ok()?;
        Some(FileIdentity {
            device: metadata.dev(),
            inode: metadata.ino(),
        })
    }

    #[cfg(not(unix))]
    fn of(_input: &LogInput) -> Option<FileIdentity> {
        None
    }
}

/// Whether `a` and `b` are one log: the same file whatever names it (see [`without_repeats`]),
/// or, where that cannot be told, the same name.
pub fn same_log(a: &LogInput, b: &LogInput) -> bool {
    match (FileIdentity::of(a), FileIdentity::of(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}

/// Opens a log, undoing gzip or zstd compression recognised by its magic bytes.
///
/// # Errors
///
/// A log that cannot be opened, or whose first block cannot be read or decompressed.
pub fn open(input: &LogInput) -> Result<Box<dyn BufRead + Send>, InputError> {
    open_watched(input).map(|(reader, _)| reader)
}

/// Opens a log as [`open`] does, with a [`Truncation`] watch to check once it is read.
fn open_watched(input: &LogInput) -> Result<(Box<dyn BufRead + Send>, Truncation), InputError> {
    let cannot_open = |e: io::Error| InputError::new(input, format!("cannot open: {e}"));
    let (raw, truncation): (Box<dyn Read + Send>, _) = match input {
        LogInput::Stdin => (Box::new(io::stdin()), Truncation::default()),
        LogInput::File(path) => {
            let file = File::open(path).map_err(cannot_open)?;
            let truncation = Truncation::watch(&file).map_err(cannot_open)?;
            (Box::new(file), truncation)
        }
        LogInput::Held(held) => {
            let (file, truncation) = held.reopen(input)?;
            (Box::new(file), truncation)
        }
    };
    let reader =
        decompress(raw).map_err(|e| InputError::new(input, format!("cannot read: {e}")))?;
    Ok((reader, truncation))
}

fn decompress(mut raw: Box<dyn Read + Send>) -> io::Result<Box<dyn BufRead + Send>> {
    // Read a first chunk whole: it holds the magic bytes, and format detection by content
    // looks at it (a reader may hand out its first bytes in small pieces).
    let mut head = Vec::with_capacity(HEAD_BYTES);
    (&mut raw).take(HEAD_BYTES as u64).read_to_end(&mut head)?;
    let (gzip, zstd) = (head.starts_with(&GZIP_MAGIC), head.starts_with(&ZSTD_MAGIC));
    let whole = Cursor::new(head).chain(raw);
    Ok(if gzip {
        Box::new(BufReader::with_capacity(
            BUFFER_BYTES,
            GzipMembers::new(BufReader::with_capacity(BUFFER_BYTES, whole)),
        ))
    } else if zstd {
        Box::new(BufReader::with_capacity(
            BUFFER_BYTES,
            zstd::stream::read::Decoder::new(whole)?,
        ))
    } else {
        Box::new(BufReader::with_capacity(BUFFER_BYTES, whole))
    })
}

/// A gzip file's members one after another, as `gzip -d` reads them: and zero bytes after the
/// last member, which block-padded copies (tape, some backup tools) add and `gzip -t` accepts,
/// end it. Anything else after a member is read as the next member's header, and is an error
/// when it is not one.
struct GzipMembers<R: BufRead> {
    /// The member being read; `None` once the file has ended.
    member: Option<flate2::bufread::GzDecoder<R>>,
}

impl<R: BufRead> GzipMembers<R> {
    fn new(reader: R) -> GzipMembers<R> {
        GzipMembers {
            member: Some(flate2::bufread::GzDecoder::new(reader)),
        }
    }
}

impl<R: BufRead> Read for GzipMembers<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            let Some(member) = &mut self.member else {
                return Ok(0);
            };
            let read = member.read(buf)?;
            if read > 0 || buf.is_empty() {
                return Ok(read);
            }
            // The member has ended, its trailer checked; the reader stands right after it.
            if let Some(ended) = self.member.take() {
                let mut rest = ended.into_inner();
                if next_member_follows(&mut rest)? {
                    self.member = Some(flate2::bufread::GzDecoder::new(rest));
                }
            }
        }
    }
}

/// What follows a gzip member in `rest`: `true` when something other than zero bytes does (the
/// next member's header, checked as it is read), `false` at the end of the file, after zero
/// padding or not. Anything after the padding is an error, wherever the reader's buffer ends.
fn next_member_follows(rest: &mut impl BufRead) -> io::Result<bool> {
    let mut padded = false;
    loop {
        let next = rest.fill_buf()?;
        if next.is_empty() {
            return Ok(false);
        }
        let zeros = next.iter().take_while(|&&b| b == 0).count();
        if zeros == next.len() {
            rest.consume(zeros);
            padded = true;
        } else if zeros == 0 && !padded {
            return Ok(true);
        } else {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "data after the zero bytes that pad the gzip stream",
            ));
        }
    }
}

/// Whether a log starts as a gzip or zstd stream does, which slo undoes.
fn is_compressed(head: &[u8]) -> bool {
    head.starts_with(&GZIP_MAGIC) || head.starts_with(&ZSTD_MAGIC)
}

/// Compressions that slo does not undo, by magic bytes, with the commands that decompress a
/// file and write it to standard output.
const OTHER_COMPRESSIONS: &[(&[u8], &str, &str, &str)] = &[
    (b"\xfd7zXZ\x00", "xz", "xz -d", "xz -dc"),
    (b"BZh", "bzip2", "bzip2 -d", "bzip2 -dc"),
    (b"\x04\x22\x4d\x18", "lz4", "lz4 -d", "lz4 -dc"),
    (b"PK\x03\x04", "zip", "unzip", "unzip -p"),
    (b"\x1f\x9d", "compress (.Z)", "uncompress", "uncompress -c"),
];

/// Refuses, by its first block, a log that is not UTF-8 text: another compression (named,
/// with the command that undoes it), UTF-16 text, or binary data (a NUL byte, which no CSV,
/// TSV or JSON log holds). Reading such a file row by row would only report garbage.
pub(super) fn refuse_non_text(input: &LogInput, head: &[u8]) -> Result<(), InputError> {
    for (magic, name, decompress, to_stdout) in OTHER_COMPRESSIONS {
        // bzip2 is "BZh" and a block size digit; a CSV header could start with "BZh".
        let bzip2_digit = *name != "bzip2" || head.get(3).is_some_and(u8::is_ascii_digit);
        if head.starts_with(magic) && bzip2_digit {
            return Err(InputError::at(
                input,
                1,
                format!(
                    "is compressed with {name}, which slo does not read (only gzip and zstd); \
                     decompress it first ({decompress} {input}), or pipe it in: \
                     {to_stdout} {input} | slo report -"
                ),
            ));
        }
    }
    if crate::encoding::is_utf16(head) {
        return Err(InputError::at(
            input,
            1,
            format!("is UTF-16 text; slo reads UTF-8: convert it first (iconv -f UTF-16 -t UTF-8 {input} > {input}.utf8)"),
        ));
    }
    // Runs of NUL bytes where a log starts or ends are holes, not binary data: logrotate's
    // copytruncate leaves one at the start when the writer keeps its offset, and a crash one
    // at the end; the readers skip them (see `lines::without_filler`). A stream of nothing but
    // NUL bytes (`/dev/zero`) might never end: refused by its first block, as binary.
    let filled = head.iter().position(|&b| b != 0).unwrap_or(head.len());
    let text_end = head
        .iter()
        .rposition(|&b| b != 0)
        .map_or(filled, |last| last + 1);
    let regular = |path: &Path| std::fs::metadata(path).is_ok_and(|m| m.is_file());
    let stream = match input {
        // Standard input redirected from a file ends as the file does.
        LogInput::Stdin => !regular(Path::new("/dev/stdin")),
        LogInput::File(path) => !regular(path),
        // Read whole into a file of its own.
        LogInput::Held(_) => false,
    };
    let text = &head[filled..text_end];
    // Binary data has NUL bytes in many of its lines (random bytes: in about half); a NUL in
    // a line of text here and there is that line's, as anywhere else in the log.
    let lines = text.split(|&b| b == b'\n').filter(|line| !line.is_empty());
    let (with_nul, all) = lines.fold((0, 0), |(with_nul, all), line| {
        (with_nul + usize::from(line.contains(&0)), all + 1)
    });
    let nul = if filled == head.len() && !head.is_empty() && stream {
        Some(0)
    } else if 10 * with_nul >= all && with_nul > 0 {
        memchr::memchr(0, text).map(|at| filled + at)
    } else {
        None
    };
    if let Some(nul) = nul {
        let line = 1 + memchr::memchr_iter(b'\n', &head[..nul]).count() as u64;
        return Err(InputError::at(
            input,
            line,
            format!(
                "holds binary data (a NUL byte at byte {}), so it is not a CSV, TSV or JSON log; \
                 slo reads text logs, plain or compressed with gzip or zstd",
                nul + 1
            ),
        ));
    }
    Ok(())
}

/// Decides the format of a log: by extension (ignoring `.gz`/`.zst`), then by its first bytes.
/// A log whose first line has the shape of a text log that `slo` cannot read (an access log,
/// syslog, logfmt) is an error that names that shape, rather than a CSV file whose header is
/// a request.
///
/// # Errors
///
/// A read that fails, or a first line shaped like a text log `slo` cannot read.
pub fn detect_format(
    input: &LogInput,
    reader: &mut dyn BufRead,
) -> Result<InputFormat, InputError> {
    if let Some(format) = input.path().and_then(format_from_extension) {
        return Ok(format);
    }
    let head = reader
        .fill_buf()
        .map_err(|e| InputError::read_failed(input, 1, &e))?;
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let first = head.iter().find(|b| !b.is_ascii_whitespace());
    if first == Some(&b'{') {
        return Ok(InputFormat::Jsonl);
    }
    if sniff::starts_json_array(head) {
        return Ok(InputFormat::Json);
    }
    let first_line = head.split(|&b| b == b'\n').next().unwrap_or(&[]);
    let shape = sniff::looks_like(head);
    match text::detect(head) {
        Ok(format) => return Ok(InputFormat::Text(format)),
        Err(why) => {
            // A first line with no delimiter but spaces is no CSV or TSV header.
            let headerless = !first_line.contains(&b',')
                && !first_line.contains(&b'\t')
                && first_line.contains(&b' ');
            if shape.is_some() || headerless {
                let shape = shape.unwrap_or("a text log");
                return Err(InputError::at(
                    input,
                    1,
                    format!(
                        "this looks like {shape}; {why}; if the server writes a format \
                         of its own, give it in the spec (source: {{format: nginx, \
                         log_format: '$remote_addr ...'}}), or name the format with \
                         --input-format or source.format (one of {})",
                        InputFormat::NAMES[5..].join(", ")
                    ),
                ));
            }
        }
    }
    Ok(
        if first_line.contains(&b'\t') && !first_line.contains(&b',') {
            InputFormat::Tsv
        } else {
            InputFormat::Csv
        },
    )
}

fn format_from_extension(path: &Path) -> Option<InputFormat> {
    let name = path.file_name()?.to_str()?.to_ascii_lowercase();
    let name = name
        .strip_suffix(".gz")
        .or_else(|| name.strip_suffix(".gzip"))
        .or_else(|| name.strip_suffix(".zst"))
        .or_else(|| name.strip_suffix(".zstd"))
        .unwrap_or(&name);
    let extension = name.rsplit_once('.')?.1;
    match extension {
        "csv" => Some(InputFormat::Csv),
        "tsv" | "tab" => Some(InputFormat::Tsv),
        "jsonl" | "ndjson" => Some(InputFormat::Jsonl),
        "json" => Some(InputFormat::Json),
        _ => None,
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SlotValue {
    Missing,
    Null,
    Composite,
    /// Bytes in the values' own buffer (unescaped or undoubled text).
    Text {
        start: usize,
        end: usize,
    },
    /// Bytes of the row's text, used where they lie: most values need no copy.
    InText {
        start: usize,
        end: usize,
    },
}

/// One row's values for every slot of a [`FieldSlots`], in buffers reused from row to row.
#[derive(Debug, Clone)]
pub struct RowValues {
    bytes: Vec<u8>,
    slots: Vec<SlotValue>,
    /// The unit each slot's bare numbers are written in, where the log format says.
    units: Vec<Option<TimeUnit>>,
}

impl RowValues {
    /// Empty values for `slots` slots.
    pub fn new(slots: usize) -> RowValues {
        RowValues {
            bytes: Vec::with_capacity(256),
            slots: vec![SlotValue::Missing; slots],
            units: Vec::new(),
        }
    }

    fn clear(&mut self) {
        self.bytes.clear();
        self.slots.fill(SlotValue::Missing);
    }

    /// Copies `text` for `slot`, when it does not lie in the row's text.
    fn set_text(&mut self, slot: usize, text: &[u8]) {
        let start = self.bytes.len();
        self.bytes.extend_from_slice(text);
        self.slots[slot] = SlotValue::Text {
            start,
            end: self.bytes.len(),
        };
    }

    /// Sets `slot` to bytes `start..end` of the row's text (see [`RowValues::view`]).
    #[inline(always)]
    fn set_in_text(&mut self, slot: usize, start: usize, end: usize) {
        self.slots[slot] = SlotValue::InText { start, end };
    }

    /// The row, with values that lie in `text` read from there.
    pub fn view<'a>(&'a self, text: &'a [u8]) -> RowView<'a> {
        RowView { values: self, text }
    }

    /// Sets a slot to the bytes that `write` appends.
    fn set_with(&mut self, slot: usize, write: impl FnOnce(&mut Vec<u8>)) {
        let start = self.bytes.len();
        write(&mut self.bytes);
        self.slots[slot] = SlotValue::Text {
            start,
            end: self.bytes.len(),
        };
    }

    /// Sets a CSV field whose quotes are doubled (`a ""b""`), undoubling them.
    fn set_unescaped(&mut self, slot: usize, quoted: &[u8]) {
        let start = self.bytes.len();
        let mut rest = quoted;
        while let Some(i) = memchr::memchr(b'"', rest) {
            self.bytes.extend_from_slice(&rest[..=i]);
            rest = rest.get(i + 2..).unwrap_or(&[]);
        }
        self.bytes.extend_from_slice(rest);
        self.slots[slot] = SlotValue::Text {
            start,
            end: self.bytes.len(),
        };
    }

    fn set(&mut self, slot: usize, value: SlotValue) {
        self.slots[slot] = value;
    }
}

/// One row as a sink sees it: the values of its slots, some of them in the row's text.
#[derive(Debug, Clone, Copy)]
pub struct RowView<'a> {
    values: &'a RowValues,
    text: &'a [u8],
}

impl Row for RowView<'_> {
    #[inline]
    fn value(&self, slot: usize) -> FieldValue<'_> {
        match self.values.slots.get(slot) {
            Some(SlotValue::InText { start, end }) => {
                FieldValue::Scalar(self.text.get(*start..*end).unwrap_or_default())
            }
            Some(SlotValue::Text { start, end }) => {
                FieldValue::Scalar(&self.values.bytes[*start..*end])
            }
            Some(SlotValue::Null) => FieldValue::Null,
            Some(SlotValue::Composite) => FieldValue::Composite,
            Some(SlotValue::Missing) | None => FieldValue::Missing,
        }
    }

    /// The unit the log's format writes the bare numbers of `slot` in, for a format
    /// recognised per file (`auto`).
    #[inline]
    fn unit(&self, slot: usize) -> Option<TimeUnit> {
        self.values.units.get(slot).copied().flatten()
    }
}

/// Receives the rows of a log, in order.
pub trait RowSink {
    /// A row that was read, with the line it starts on.
    ///
    /// # Errors
    ///
    /// Stops the read: the sink's own error (a malformed or invalid row under `--strict`).
    fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError>;
    /// A row that could not be read, with the line it starts on and why.
    ///
    /// # Errors
    ///
    /// Stops the read: the sink's own error (any malformed row under `--strict`).
    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError>;
    /// A record that could not be read, starting on `line` and spanning `lines` lines (a
    /// quoted field's line breaks): each line counts as a malformed row, since how many rows
    /// they held cannot be told.
    ///
    /// # Errors
    ///
    /// As [`RowSink::malformed`].
    fn malformed_lines(&mut self, line: u64, lines: u64, reason: &str) -> Result<(), InputError>;
    /// Rewrites every line number the sink keeps: the parallel reader numbers lines per chunk
    /// until it knows on which line of the file each chunk starts.
    fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64);
}

/// Reads one log, filling the slots of `fields` for each row and passing it to `sink`.
///
/// # Errors
///
/// A log that cannot be opened or read, a file truncated while it was read, or an error the sink returns.
pub fn read_log(
    input: &LogInput,
    format: &InputFormat,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let (reader, truncation) = open_watched(input)?;
    read_from(input, reader, format, fields, sink)?;
    truncation.check(input)
}

/// Reads a log held in memory (compressed or not) as [`read_log`] reads a file; rows are
/// reported as lines of `<stdin>`. For tests, tools and fuzzing.
///
/// # Errors
///
/// Bytes that cannot be decompressed or read, or an error the sink returns.
pub fn read_bytes(
    bytes: &[u8],
    format: &InputFormat,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let input = LogInput::Stdin;
    let reader = decompress(Box::new(Cursor::new(bytes.to_vec())))
        .map_err(|e| InputError::new(&input, format!("cannot read: {e}")))?;
    read_from(&input, reader, format, fields, sink)
}

fn read_from(
    input: &LogInput,
    mut reader: Box<dyn BufRead + Send>,
    format: &InputFormat,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let cannot_read = |e: io::Error| InputError::read_failed(input, 1, &e);
    refuse_non_text(input, reader.fill_buf().map_err(cannot_read)?)?;
    let format = match format {
        InputFormat::Auto => detect_format(input, &mut reader)?,
        other => other.clone(),
    };
    read_opened(input, reader, &format, fields, sink)
}

/// Reads an opened log whose format is known, on the calling thread.
fn read_opened(
    input: &LogInput,
    reader: Box<dyn BufRead + Send>,
    format: &InputFormat,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    match format {
        InputFormat::Csv => csv::read(input, reader, b',', fields, sink),
        InputFormat::Tsv => csv::read(input, reader, b'\t', fields, sink),
        InputFormat::Jsonl => json::read_lines(input, reader, fields, sink),
        InputFormat::Json | InputFormat::Auto => json::read_values(input, reader, fields, sink),
        InputFormat::Text(format) => text::read(input, reader, format, fields, sink),
    }
}

/// A sink that keeps every row's slot values as text, and the two readings it compares: for
/// the readers' tests and the integration tests, not a stable interface.
#[doc(hidden)]
pub mod test_sink {
    use super::{read_log, InputError, InputFormat, LogInput, RowSink, RowView};
    use crate::expr::{FieldPath, FieldSlots, FieldValue, Row};

    /// Field slots for `paths` (dotted for nesting), in order.
    pub fn fields(paths: &[&str]) -> FieldSlots {
        let mut table = FieldSlots::default();
        for path in paths {
            table.slot(&FieldPath(path.split('.').map(str::to_string).collect()));
        }
        table
    }

    /// Every row read: its line and slot values as text; every malformed row: its line and why.
    #[derive(Debug, Default)]
    pub struct Collect {
        pub rows: Vec<(u64, Vec<String>)>,
        pub malformed: Vec<(u64, String)>,
    }

    impl RowSink for Collect {
        fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
            let values = (0..row.values.slots.len())
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

        /// Kept once, as the reason says how many lines.
        fn malformed_lines(&mut self, line: u64, _: u64, reason: &str) -> Result<(), InputError> {
            self.malformed(line, reason)
        }

        fn renumber_lines(&mut self, renumber: &dyn Fn(u64) -> u64) {
            for (line, _) in &mut self.rows {
                *line = renumber(*line);
            }
            for (line, _) in &mut self.malformed {
                *line = renumber(*line);
            }
        }
    }

    /// Reads `input` whole, record by record on the calling thread, and in chunks of about
    /// `chunk_bytes` on `threads` workers; returns both readings, rows and malformed rows in
    /// log order.
    pub fn read_both_ways(
        input: &LogInput,
        format: &InputFormat,
        fields: &FieldSlots,
        threads: usize,
        chunk_bytes: usize,
    ) -> Result<(Collect, Collect), InputError> {
        let mut whole = Collect::default();
        read_log(input, format, fields, &mut whole)?;
        let sinks = super::parallel::read_in_chunks(
            input,
            format,
            fields,
            threads,
            chunk_bytes,
            Collect::default,
        )?;
        let mut chunked = Collect::default();
        for sink in sinks.sinks {
            chunked.rows.extend(sink.rows);
            chunked.malformed.extend(sink.malformed);
        }
        // Rows of one line (split by a lone `\r`) come from one chunk, in order.
        chunked.rows.sort_by_key(|row| row.0);
        chunked.malformed.sort_by_key(|row| row.0);
        Ok((whole, chunked))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_decides_first() {
        assert_eq!(
            format_from_extension(Path::new("a/b.csv.gz")),
            Some(InputFormat::Csv)
        );
        assert_eq!(
            format_from_extension(Path::new("b.JSONL")),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(
            format_from_extension(Path::new("b.ndjson.zst")),
            Some(InputFormat::Jsonl)
        );
        assert_eq!(format_from_extension(Path::new("b.log")), None);
    }

    #[test]
    fn content_decides_otherwise() {
        let input = LogInput::Stdin;
        let detect =
            |text: &str| detect_format(&input, &mut Cursor::new(text.as_bytes().to_vec())).unwrap();
        assert_eq!(detect("  {\"a\":1}\n"), InputFormat::Jsonl);
        assert_eq!(detect("[{\"a\":1}]"), InputFormat::Json);
        assert_eq!(detect("a\tb\n1\t2\n"), InputFormat::Tsv);
        assert_eq!(detect("a,b\n1,2\n"), InputFormat::Csv);
        assert_eq!(detect("\u{feff}{\"a\":1}"), InputFormat::Jsonl);
        let refused = detect_format(
            &input,
            &mut Cursor::new(b"[2026-10-01 12:00:00] INFO started\n".to_vec()),
        );
        let message = refused.map(|_| ()).unwrap_err().to_string();
        assert!(
            message.contains("<stdin>:1: this looks like a text log"),
            "{message}"
        );
    }

    #[test]
    fn text_is_told_from_binary_utf16_and_other_compressions() {
        let input = LogInput::Stdin;
        let refused = |head: &[u8]| {
            refuse_non_text(&input, head)
                .err()
                .map(|e| e.message)
                .unwrap_or_default()
        };
        for text in [
            &b""[..],
            b"timestamp,status\n",
            b"BZhx,y\n1,2\n",
            b"{\"a\": 1}\n",
        ] {
            assert_eq!(refused(text), "", "{text:?}");
        }
        assert!(refused(b"BZh91AY&SY").contains("bzip2"));
        assert!(refused(b"\xfd7zXZ\x00\x00").contains("xz -d"));
        assert!(refused(b"t\x00s\x00,\x00x\x00\n\x00").contains("UTF-16"));
        assert!(refused(b"\x00t\x00s\x00,\x00x\x00\n").contains("UTF-16"));
        assert!(refused(&[0u8; 64]).contains("NUL byte at byte 1"));
        assert!(refused(b"a,b\n1,\x002\n").contains("NUL byte at byte 7"));
    }

    #[test]
    fn compressed_streams_are_recognised() {
        use std::io::Write;
        let text = b"timestamp,status\n2026-01-01T00:00:00Z,200\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text).unwrap();
        let gz = gz.finish().unwrap();
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        for data in [gz, zst, text.to_vec()] {
            let mut out = String::new();
            decompress(Box::new(Cursor::new(data)))
                .unwrap()
                .read_to_string(&mut out)
                .unwrap();
            assert_eq!(out.as_bytes(), text);
        }
    }
}
