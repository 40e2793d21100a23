//! Where the output of a command goes: standard output, or the file named with `-o`.
//!
//! What `-o PATH` does depends on what is at PATH, so that it feeds what it should and clobbers
//! nothing:
//! - a regular file, or nothing yet: replaced atomically — a temporary file in the same folder,
//!   flushed to disk, renamed over it — so that a reader sees the old file or the new one, never
//!   half of one; a replaced file keeps its mode, owner and group; a file that a shell's `>`
//!   could not write (read-only, someone else's) is refused;
//! - a symbolic link: followed, link by link, and the file it ends at replaced; the link stays;
//! - a device, a FIFO: opened and written in place, as a shell's `>` would; a Unix socket:
//!   connected to and written;
//! - standard output or standard error named by a path (`/dev/stdout`, `/dev/fd/2`,
//!   `/proc/self/fd/1`): written through the descriptor slo inherited, exactly as without
//!   `-o`, so that a file the shell opened moves on by what slo wrote (opened again by its
//!   path, it would have an offset of its own, and the shell's next write would land over
//!   the report);
//! - device folders — those on the file system of `/dev`, `/proc` or `/sys` — hold devices and
//!   the kernel's files, not reports: nothing is created or renamed there. A regular file
//!   reached through one (`/dev/fd/3` when the shell opened descriptor 3 on a file) is opened
//!   again and written at its end; a missing one is an error.
//!
//! Should writing fail part way (a full disk, `ulimit -f`), the temporary file is removed and
//! the old file stays whole; an interrupt does the same (see [`super::interrupt`]).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{anyhow, Context};

use super::interrupt::{self, TempFile};

/// Writes the output of a command: to `file` when given (`-` is standard output), else to
/// standard output.
pub(super) fn write_output(text: &[u8], file: Option<&Path>) -> anyhow::Result<()> {
    match file {
        Some(path) if path != Path::new("-") => write_file(text, path),
        _ => write_stdout(text),
    }
}

/// Renders the output of a command with `render` and writes it: to standard output as it is
/// rendered (a report of 100 000 groups is over 100 MB of JSON, not worth holding whole
/// first), or to `file` (`-` is standard output) once rendered whole, so that a render that
/// fails leaves the file as it was.
pub(super) fn render_output(
    file: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> anyhow::Result<()> {
    match file {
        Some(path) if path != Path::new("-") => {
            let mut text = Vec::new();
            render(&mut text)?;
            write_file(&text, path)
        }
        _ => {
            let mut stdout = io::BufWriter::with_capacity(1 << 16, io::stdout().lock());
            quiet_on_closed_pipe(
                render(&mut stdout).and_then(|()| stdout.flush()),
                "standard output",
            )
        }
    }
}

/// A write's result, but a closed pipe (`slo report | head -1`) is not an error.
fn quiet_on_closed_pipe(written: io::Result<()>, to: &str) -> anyhow::Result<()> {
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => {
            Err(anyhow!("cannot write to {to}: {e}"))
        }
        _ => Ok(()),
    }
}

/// Writes `text` to standard output. A closed pipe (`slo report | head -1`) is not an error.
pub(super) fn write_stdout(text: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    quiet_on_closed_pipe(
        stdout.write_all(text).and_then(|()| stdout.flush()),
        "standard output",
    )
}

/// Writes `text` to standard error, as [`write_stdout`] does to standard output.
fn write_stderr(text: &[u8]) -> anyhow::Result<()> {
    let mut stderr = io::stderr().lock();
    quiet_on_closed_pipe(
        stderr.write_all(text).and_then(|()| stderr.flush()),
        "standard error",
    )
}

/// How the file named with `-o` is written.
#[derive(Debug, PartialEq, Eq)]
enum Destination {
    /// A regular file, or none yet, at `target` (the end of any symbolic links): replaced
    /// atomically, keeping the mode, owner and group of the file it replaces (`kept`).
    Replace { target: PathBuf, kept: Option<Kept> },
    /// A device or a FIFO: opened and written.
    Device,
    /// A regular file reached through a device folder: opened and written at its end.
    Append,
    /// A Unix socket: connected to and written.
    Socket,
    /// Standard output or standard error, named by a path: written through slo's own
    /// descriptor.
    Standard(Standard),
}

/// Standard output or standard error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Standard {
    Output,
    Error,
}

fn write_file(text: &[u8], path: &Path) -> anyhow::Result<()> {
    let cannot = || format!("cannot write {}", path.display());
    match destination(path).with_context(cannot)? {
        Destination::Replace { target, kept } => replace(text, path, &target, kept),
        Destination::Device => write_in_place(text, path, OpenOptions::new().write(true)),
        Destination::Append => write_in_place(text, path, OpenOptions::new().append(true)),
        Destination::Socket => write_to_socket(text, path),
        Destination::Standard(Standard::Output) => write_stdout(text),
        Destination::Standard(Standard::Error) => write_stderr(text),
    }
}

/// Decides how `path` is written, by what is there.
fn destination(path: &Path) -> anyhow::Result<Destination> {
    let descriptors = DescriptorFolders::of_this_process();
    let (target, through_device_folder) =
        follow_links(path, |p| descriptors.standard(p).is_some())?;
    if let Some(standard) = descriptors.standard(&target) {
        return Ok(Destination::Standard(standard));
    }
    match fs::metadata(path) {
        Ok(meta) if meta.is_dir() => Err(anyhow!("it is a folder: name a file in it")),
        Ok(meta) if is_socket(&meta) => Ok(Destination::Socket),
        Ok(meta) if !meta.is_file() => Ok(Destination::Device),
        Ok(_) if through_device_folder => Ok(Destination::Append),
        Ok(meta) => {
            // Replacing a file by renaming needs only the folder's permission; a shell's `>`
            // needs the file's. A file its owner made read-only, or someone else's that this
            // user may not write, is refused as `>` would refuse it, and left as it is.
            if let Err(e) = OpenOptions::new().write(true).open(&target) {
                return Err(anyhow!("{e}; it is left as it was"));
            }
            Ok(Destination::Replace {
                target,
                kept: Some(Kept::of(&meta)),
            })
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound && through_device_folder => Err(anyhow!(
            "it does not exist, and slo makes no file in {}, a folder of devices and kernel files",
            folder_of(&target).display()
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            Ok(Destination::Replace { target, kept: None })
        }
        Err(e) => Err(e.into()),
    }
}

/// Follows the symbolic links at the end of `path`, one by one, until one is `stop`; returns
/// the path they end (or stopped) at, which need not exist, and whether any of them lies in a
/// device folder.
fn follow_links(path: &Path, stop: impl Fn(&Path) -> bool) -> io::Result<(PathBuf, bool)> {
    // As the kernel does, give up after 40 links: there is a loop.
    const MAX_LINKS: usize = 40;
    let mut current = path.to_path_buf();
    let mut through_device_folder = false;
    for _ in 0..=MAX_LINKS {
        through_device_folder |= is_device_folder(folder_of(&current));
        if stop(&current) {
            return Ok((current, through_device_folder));
        }
        match fs::symlink_metadata(&current) {
            Ok(meta) if meta.file_type().is_symlink() => {
                let link = fs::read_link(&current)?;
                current = folder_of(&current).join(link);
            }
            Ok(_) => return Ok((current, through_device_folder)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Ok((current, through_device_folder))
            }
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// The folders in which each of the process's open descriptors has an entry named by its
/// number: `/proc/self/fd` on Linux (where `/dev/fd` links to it), `/dev/fd` elsewhere.
#[derive(Debug)]
struct DescriptorFolders(Vec<PathBuf>);

impl DescriptorFolders {
    fn of_this_process() -> DescriptorFolders {
        let mut folders: Vec<PathBuf> = ["/proc/self/fd", "/dev/fd"]
            .iter()
            .filter_map(|folder| fs::canonicalize(folder).ok())
            .collect();
        folders.dedup();
        DescriptorFolders(folders)
    }

    /// Which standard stream `path` names, if it is the entry of descriptor 1 or 2. The entry
    /// of a descriptor is itself a link (to the file it has open, on Linux), and opening it
    /// opens that file again, with an offset of its own: the descriptor is written instead.
    ///
    /// Other descriptors are opened by their path: writing through them needs the descriptor
    /// itself, which safe Rust reaches for standard output and standard error only.
    fn standard(&self, path: &Path) -> Option<Standard> {
        let stream = match path.file_name()?.to_str()? {
            "1" => Standard::Output,
            "2" => Standard::Error,
            _ => return None,
        };
        let folder = fs::canonicalize(folder_of(path)).ok()?;
        self.0.contains(&folder).then_some(stream)
    }
}

/// The folder that holds `path` (`.` for a bare name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `folder` is on the file system of `/dev`, `/proc` or `/sys` — where each is a file
/// system of its own (devtmpfs, procfs, sysfs), not a folder of the root one — or is `/dev`.
/// `/dev/shm` is a file system of its own too, for files: not a device folder.
#[cfg(unix)]
fn is_device_folder(folder: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    let Ok(meta) = fs::metadata(folder) else {
        return false;
    };
    let root = fs::metadata("/").map(|m| m.dev()).ok();
    let special = ["/dev", "/proc", "/sys"].iter().any(|special| {
        fs::metadata(special).is_ok_and(|m| Some(m.dev()) != root && m.dev() == meta.dev())
    });
    special || fs::canonicalize(folder).is_ok_and(|f| f == Path::new("/dev"))
}

#[cfg(not(unix))]
fn is_device_folder(_folder: &Path) -> bool {
    false
}

#[cfg(unix)]
fn is_socket(meta: &fs::Metadata) -> bool {
    std::os::unix::fs::FileTypeExt::is_socket(&meta.file_type())
}

#[cfg(not(unix))]
fn is_socket(_meta: &fs::Metadata) -> bool {
    false
}

/// What a replaced file passes on to the file that replaces it: who may read it stays the same,
/// as when a shell's `>` rewrites it (a collector running as `nobody` goes on reading a report
/// that root's cron job rewrites).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Kept {
    /// Permission bits, with set-user-ID, set-group-ID and sticky.
    mode: u32,
    /// Owner and group, where files have them.
    owner: Option<(u32, u32)>,
}

impl Kept {
    #[cfg(unix)]
    fn of(meta: &fs::Metadata) -> Kept {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        Kept {
            mode: meta.permissions().mode() & 0o7777,
            owner: Some((meta.uid(), meta.gid())),
        }
    }

    #[cfg(not(unix))]
    fn of(_meta: &fs::Metadata) -> Kept {
        Kept {
            mode: 0o666,
            owner: None,
        }
    }

    /// Gives `file` the owner, group and mode kept. Owner first: changing it clears the
    /// set-user-ID and set-group-ID bits, which the mode then restores.
    ///
    /// Only root may give a file away: for anyone else the new file stays theirs, as an
    /// editor's would, in the old file's group when they belong to it.
    #[cfg(unix)]
    fn apply(self, file: &fs::File) -> io::Result<()> {
        use std::os::unix::fs::{fchown, MetadataExt, PermissionsExt};
        let meta = file.metadata()?;
        if let Some((uid, gid)) = self.owner.filter(|&o| o != (meta.uid(), meta.gid())) {
            let refused = |e: &io::Error| e.kind() == io::ErrorKind::PermissionDenied;
            match fchown(file, Some(uid), Some(gid)) {
                Err(e) if refused(&e) => match fchown(file, None, Some(gid)) {
                    Err(e) if refused(&e) => {}
                    other => other?,
                },
                other => other?,
            }
        }
        file.set_permissions(fs::Permissions::from_mode(self.mode))
    }

    #[cfg(not(unix))]
    fn apply(self, _file: &fs::File) -> io::Result<()> {
        Ok(())
    }
}

/// Replaces `target` (named `shown` by the user) with `text` in one step. The temporary file
/// is named `.NAME.XXXXXX.tmp`, so that collectors that read `*.prom` skip it.
fn replace(text: &[u8], shown: &Path, target: &Path, kept: Option<Kept>) -> anyhow::Result<()> {
    let cannot = |e: &dyn std::fmt::Display| {
        let left = match kept {
            Some(_) => format!("{} is left as it was", shown.display()),
            None => "nothing was written".to_string(),
        };
        anyhow!("cannot write {}: {e}; {left}", shown.display())
    };
    let name = target
        .file_name()
        .ok_or_else(|| cannot(&"the path names no file"))?;
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", temp_stem(&name.to_string_lossy()));
    builder.prefix(&prefix).suffix(".tmp");
    // A new file is made as a shell's `>` would make it: 0666 less the umask.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temp = TempFile::create(&builder, folder_of(target), shown).map_err(|e| {
        cannot(&format_args!(
            "cannot create a file in {}: {e}",
            folder_of(target).display()
        ))
    })?;
    // The umask applied at creation; a replaced file keeps its mode exactly, and its owner.
    if let Some(kept) = kept {
        kept.apply(temp.file()).map_err(|e| cannot(&e))?;
    }
    let written = temp.file().write_all(text);
    written
        .and_then(|()| temp.file().sync_all())
        .map_err(|e| cannot(&e))?;
    temp.persist(target).map_err(|e| cannot(&e))
}

/// The part of a file's name that its temporary file's name repeats: all of it, or as much as
/// leaves room for the 12 bytes around it (`.`, `.XXXXXX.tmp`) within the 255 bytes most file
/// systems allow a name, cut at a character's boundary.
fn temp_stem(name: &str) -> &str {
    const ROOM: usize = 255 - ".".len() - ".XXXXXX.tmp".len();
    let mut end = name.len().min(ROOM);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    &name[..end]
}

/// Writes `text` into the device, FIFO or file at `path`, opened with `options`.
fn write_in_place(text: &[u8], path: &Path, options: &OpenOptions) -> anyhow::Result<()> {
    let _writing = interrupt::writing_in_place(path);
    let mut file = options
        .open(path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    file.write_all(text)
        .and_then(|()| file.flush())
        .map_err(|e| {
            anyhow!(
                "cannot write {}: {e}; what it received is incomplete",
                path.display()
            )
        })
}

#[cfg(unix)]
fn write_to_socket(text: &[u8], path: &Path) -> anyhow::Result<()> {
    let _writing = interrupt::writing_in_place(path);
    let mut socket = std::os::unix::net::UnixStream::connect(path).with_context(|| {
        format!(
            "cannot write {}: cannot connect to the socket",
            path.display()
        )
    })?;
    socket
        .write_all(text)
        .and_then(|()| socket.shutdown(std::net::Shutdown::Write))
        .map_err(|e| {
            anyhow!(
                "cannot write {}: {e}; what it received is incomplete",
                path.display()
            )
        })
}

#[cfg(not(unix))]
fn write_to_socket(_text: &[u8], path: &Path) -> anyhow::Result<()> {
    Err(anyhow!("cannot write {}: it is a socket", path.display()))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn temporary_names_fit_within_255_bytes() {
        assert_eq!(temp_stem("slo.prom"), "slo.prom");
        let long = "r".repeat(250);
        assert_eq!(temp_stem(&long).len(), 243);
        // 'é' is two bytes: the cut falls before it rather than inside it.
        let accented = format!("{}é", "r".repeat(242));
        assert_eq!(temp_stem(&accented), "r".repeat(242));
    }

    #[test]
    fn device_folders_are_told_from_others() {
        let dir = tempfile::tempdir().unwrap();
        assert!(!is_device_folder(dir.path()));
        assert!(!is_device_folder(Path::new(".")));
        if Path::new("/dev").is_dir() {
            assert!(is_device_folder(Path::new("/dev")));
        }
        if Path::new("/proc/self/fd").is_dir() {
            assert!(is_device_folder(Path::new("/proc/self/fd")));
        }
    }

    #[test]
    fn links_are_followed_to_their_end() {
        let dir = tempfile::tempdir().unwrap();
        let base = dir.path();
        fs::create_dir(base.join("real")).unwrap();
        std::os::unix::fs::symlink("real/slo.prom", base.join("first")).unwrap();
        std::os::unix::fs::symlink("../first", base.join("real/second")).unwrap();
        // A dangling link ends where the file is to be made.
        assert_eq!(
            destination(&base.join("real/second")).unwrap(),
            Destination::Replace {
                target: base.join("real/../real/slo.prom"),
                kept: None
            }
        );
        fs::write(base.join("real/slo.prom"), "old").unwrap();
        assert!(matches!(
            destination(&base.join("real/second")).unwrap(),
            Destination::Replace { kept: Some(_), .. }
        ));
        std::os::unix::fs::symlink("loop", base.join("loop")).unwrap();
        assert!(destination(&base.join("loop")).is_err());
        assert!(destination(base).is_err());
    }

    /// However standard output and standard error are named — directly, through
    /// `/dev/stdout`, or through a link of one's own — slo writes its own descriptor.
    #[cfg(target_os = "linux")]
    #[test]
    fn standard_streams_are_told_by_any_name() {
        let dir = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/stdout", dir.path().join("out")).unwrap();
        let out = dir.path().join("out");
        for (path, standard) in [
            (Path::new("/dev/stdout"), Standard::Output),
            (Path::new("/dev/fd/1"), Standard::Output),
            (Path::new("/proc/self/fd/1"), Standard::Output),
            (&out, Standard::Output),
            (Path::new("/dev/stderr"), Standard::Error),
            (Path::new("/proc/self/fd/2"), Standard::Error),
        ] {
            assert_eq!(
                destination(path).unwrap(),
                Destination::Standard(standard),
                "{}",
                path.display()
            );
        }
        // Standard input is no place for a report, nor is it written through.
        assert!(!matches!(
            destination(Path::new("/dev/fd/0")),
            Ok(Destination::Standard(_))
        ));
    }

    #[test]
    fn nothing_is_made_in_a_device_folder() {
        if !Path::new("/proc/self/fd").is_dir() {
            return;
        }
        // A descriptor that no process has: its path names nothing.
        let error = destination(Path::new("/proc/self/fd/999999")).unwrap_err();
        assert!(
            format!("{error:#}").contains("slo makes no file in /proc/self/fd"),
            "{error}"
        );
    }
}
