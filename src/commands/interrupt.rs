//! What happens when a run is interrupted (SIGINT, SIGTERM, SIGHUP): the temporary file it
//! made is removed — the `-o` file being written (the copies of standard input and pipes that
//! `--at latest` reads twice have no name to remove) — and the process then ends by the same
//! signal, as it would
//! without slo's help, so that the shell reports 130, 143 or 129 and a script's loop or
//! `timeout` sees an interruption, not an answer.
//!
//! A file is removed only while it is [`TempFile`]'s: creating it and renaming it into place
//! happen under the lock the signal thread takes, so an interrupt finds each temporary file
//! either not yet made, still temporary (and removes it) or already renamed (and leaves it).
//!
//! SIGXFSZ (`ulimit -f` exceeded) is caught too, and only caught: a write past the limit then
//! fails with "File too large" and reaches the usual error path (exit 2, the old `-o` file left
//! whole), where the signal's default action would kill the process and leave its temporary
//! file behind.

use std::fs::File;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

/// The temporary files that exist now, and the file each one is to replace, if any.
static PENDING: Mutex<Vec<Pending>> = Mutex::new(Vec::new());

/// While an output is written in place (a device, FIFO or socket), what it is: an interrupt
/// then says that the reader got only part of it.
static IN_PLACE: Mutex<Option<PathBuf>> = Mutex::new(None);

#[derive(Debug)]
struct Pending {
    temp: PathBuf,
    replaces: PathBuf,
}

fn pending() -> MutexGuard<'static, Vec<Pending>> {
    // A panic while the lock was held leaves the list as valid as ever.
    PENDING
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Starts the thread that handles interrupts for the rest of the run. Where signals cannot be
/// watched, the run goes on with their default actions.
pub(super) fn install() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM, SIGXFSZ};
        // A signal the run was started with ignored stays ignored, as POSIX has it:
        // `nohup slo … &` must outlive the terminal's SIGHUP, and a shell script's background
        // job its SIGINT. (An ignored SIGXFSZ already makes a write fail as wanted.)
        let ignored = ignored_signals();
        let watched: Vec<i32> = [SIGINT, SIGTERM, SIGHUP, SIGXFSZ]
            .into_iter()
            .filter(|&signal| !ignored.contains(&signal))
            .collect();
        let Ok(mut signals) = signal_hook::iterator::Signals::new(watched) else {
            return;
        };
        // Should the thread not start, the closure and `signals` in it are dropped, which
        // gives the signals back their default actions.
        let _ = std::thread::Builder::new()
            .name("interrupt".into())
            .spawn(move || {
                for signal in signals.forever() {
                    if signal != SIGXFSZ {
                        interrupted(signal);
                    }
                }
            });
    }
}

/// The signals this process was started with ignored, as Linux lists them in
/// `/proc/self/status` (`SigIgn`, a mask in hexadecimal, bit `n − 1` for signal `n`). Empty
/// where that cannot be read: elsewhere the signals are watched whatever their disposition.
#[cfg(unix)]
fn ignored_signals() -> Vec<i32> {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| ignored_in_status(&status))
        .unwrap_or_default()
}

/// The signals of a `/proc/PID/status` text's `SigIgn` line.
#[cfg(unix)]
fn ignored_in_status(status: &str) -> Option<Vec<i32>> {
    let mask = status
        .lines()
        .find_map(|line| line.strip_prefix("SigIgn:"))?
        .trim();
    let mask = u64::from_str_radix(mask, 16).ok()?;
    Some(
        (1..=64)
            .filter(|signal| mask >> (signal - 1) & 1 == 1)
            .collect(),
    )
}

/// Removes the temporary files, says what was left, and ends the process by `signal`. The
/// lock on the temporary files is kept to the end, so that no new one is made meanwhile.
#[cfg(unix)]
fn interrupted(signal: i32) {
    let pending = pending();
    let name = signal_hook::low_level::signal_name(signal).unwrap_or("a signal");
    let mut message = format!("error: interrupted by {name}");
    message.push_str(&remove_temporary_files(&pending));
    if let Some(target) = IN_PLACE.lock().ok().and_then(|t| t.clone()) {
        message.push_str(&format!(
            "; {} did not receive all of the output",
            target.display()
        ));
    }
    // Paths come from the command line: nothing in them reaches the terminal raw.
    crate::visible::eprint_lines(format_args!("{message}"));
    let _ = signal_hook::low_level::emulate_default_handler(signal);
    // Only reached should the signal not end the process after all.
    std::process::exit(128 + signal);
}

/// Removes the temporary files in `pending`; returns what that leaves as it was, to append
/// to a message.
fn remove_temporary_files(pending: &[Pending]) -> String {
    let mut left = String::new();
    for file in pending {
        let _ = std::fs::remove_file(&file.temp);
        left.push_str(&format!("; {} is left as it was", file.replaces.display()));
    }
    left
}

/// A temporary file that is removed when dropped, and also when the run is interrupted.
#[derive(Debug)]
pub(super) struct TempFile {
    file: Option<tempfile::NamedTempFile>,
}

impl TempFile {
    /// Creates a file in `folder` as `builder` says, to replace `replaces`.
    pub fn create(
        builder: &tempfile::Builder<'_, '_>,
        folder: &Path,
        replaces: &Path,
    ) -> io::Result<TempFile> {
        let mut pending = pending();
        let file = builder.tempfile_in(folder)?;
        pending.push(Pending {
            temp: file.path().to_path_buf(),
            replaces: replaces.to_path_buf(),
        });
        Ok(TempFile { file: Some(file) })
    }

    /// The open file.
    pub fn file(&mut self) -> &mut File {
        self.named().as_file_mut()
    }

    /// Where the file is.
    #[cfg(test)]
    pub fn path(&self) -> &Path {
        self.file.as_ref().map_or(Path::new(""), |f| f.path())
    }

    /// Renames the file to `target`, replacing whatever is there, in one step.
    pub fn persist(mut self, target: &Path) -> io::Result<()> {
        let mut pending = pending();
        let file = self.named_owned();
        let temp = file.path().to_path_buf();
        let persisted = file.persist(target);
        pending.retain(|p| p.temp != temp);
        match persisted {
            Ok(_) => Ok(()),
            Err(e) => {
                // Dropping the returned file removes it.
                drop(e.file);
                Err(e.error)
            }
        }
    }

    fn named(&mut self) -> &mut tempfile::NamedTempFile {
        self.file
            .as_mut()
            .expect("a TempFile holds its file until persisted or dropped")
    }

    fn named_owned(&mut self) -> tempfile::NamedTempFile {
        self.file
            .take()
            .expect("a TempFile holds its file until persisted or dropped")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(file) = self.file.take() {
            let mut pending = pending();
            let temp = file.path().to_path_buf();
            drop(file);
            pending.retain(|p| p.temp != temp);
        }
    }
}

/// Marks `target` as written in place until the returned guard is dropped.
pub(super) fn writing_in_place(target: &Path) -> InPlace {
    if let Ok(mut current) = IN_PLACE.lock() {
        *current = Some(target.to_path_buf());
    }
    InPlace(())
}

/// See [`writing_in_place`].
#[derive(Debug)]
pub(super) struct InPlace(());

impl Drop for InPlace {
    fn drop(&mut self) {
        if let Ok(mut current) = IN_PLACE.lock() {
            *current = None;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn ignored_signals_are_read_from_the_status_mask() {
        // nohup ignores SIGHUP (1); a shell's background job, SIGINT (2) and SIGQUIT (3).
        let status =
            "Name:\tslo\nSigBlk:\t0000000000000000\nSigIgn:\t0000000000000007\nSigCgt:\t0\n";
        assert_eq!(ignored_in_status(status), Some(vec![1, 2, 3]));
        assert_eq!(
            ignored_in_status("SigIgn:\t8000000000000000\n"),
            Some(vec![64])
        );
        assert_eq!(
            ignored_in_status("SigIgn:\t0000000000000000\n"),
            Some(vec![])
        );
        assert_eq!(ignored_in_status("Name:\tslo\n"), None);
    }

    #[test]
    fn an_interrupt_removes_temporary_files_but_not_those_renamed_into_place() {
        let dir = tempfile::tempdir().unwrap();
        let mut builder = tempfile::Builder::new();
        builder.prefix(".slo.").suffix(".tmp");
        let target = dir.path().join("kept.prom");
        let kept = TempFile::create(&builder, dir.path(), &target).unwrap();
        kept.persist(&target).unwrap();
        let replaced = dir.path().join("replaced.prom");
        let mut unfinished = TempFile::create(&builder, dir.path(), &replaced).unwrap();
        std::io::Write::write_all(unfinished.file(), b"half").unwrap();
        let temp = unfinished.path().to_path_buf();
        assert!(temp.exists());
        let left = remove_temporary_files(&super::pending());
        assert_eq!(left, format!("; {} is left as it was", replaced.display()));
        assert!(!temp.exists());
        assert!(target.exists());
        // Dropping it afterwards is no error.
        drop(unfinished);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["kept.prom"]);
    }
}
