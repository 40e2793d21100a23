//! One entry point per subcommand. This layer resolves flags into real objects, runs the
//! pipeline, prints diagnostics to stderr and results to stdout, and returns the exit status.

mod check;
mod compute;
mod convert;
mod progress;
mod report;
mod validate;

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::{self, Cli, ColorWhen, Command};
use crate::exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Report(args) => report::run(&args, cli.color),
        Command::Check(args) => check::run(&args, cli.color),
        Command::Validate(args) => validate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Completions(args) => {
            let mut out = Vec::new();
            cli::write_completions(args.shell, &mut out);
            write_stdout(&out)?;
            Ok(ExitStatus::Success)
        }
        Command::Man(args) => {
            let mut out = Vec::new();
            cli::write_man_page(args.subcommand.as_deref(), &mut out)?;
            write_stdout(&out)?;
            Ok(ExitStatus::Success)
        }
    }
}

/// Whether to colour output that goes to `file` (standard output when `None`).
fn use_color(when: ColorWhen, file: Option<&Path>) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && file.is_none_or(|f| f == Path::new("-"))
                && io::stdout().is_terminal()
        }
    }
}

/// Writes the output of `report` or `check`: to `file` when given (`-` is stdout), else to
/// stdout.
fn write_output(text: &[u8], file: Option<&Path>) -> anyhow::Result<()> {
    match file {
        Some(path) if path != Path::new("-") => {
            write_atomically(text, path).with_context(|| format!("cannot write {}", path.display()))
        }
        _ => write_stdout(text),
    }
}

/// Writes `path` so that a reader sees the old file or the new one, never half of one: a
/// temporary file in the same folder (so that renaming is atomic), flushed to disk, then
/// renamed over `path`. The temporary file is named `.NAME.XXXXXX.tmp` so that collectors
/// that read `*.prom` skip it; it is removed if anything fails.
fn write_atomically(text: &[u8], path: &Path) -> anyhow::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .with_context(|| format!("{} names no file", path.display()))?;
    let mut builder = tempfile::Builder::new();
    let prefix = format!(".{}.", name.to_string_lossy());
    builder.prefix(&prefix).suffix(".tmp");
    // A file any collector may read, as a plain `>` redirection would make it (the umask
    // applies), or with the mode of the file it replaces.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = match std::fs::metadata(path) {
            Ok(existing) => existing.permissions().mode() & 0o7777,
            Err(_) => 0o666,
        };
        builder.permissions(std::fs::Permissions::from_mode(mode));
    }
    let mut file = builder.tempfile_in(folder)?;
    file.write_all(text)?;
    file.as_file().sync_all()?;
    file.persist(path)?;
    Ok(())
}

/// The spec paths to load: those given, or `slo-specs/` when it exists.
fn spec_paths(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let default = PathBuf::from("slo-specs");
    if default.is_dir() {
        Ok(vec![default])
    } else {
        anyhow::bail!("no spec given and no slo-specs/ folder here: pass --spec PATH (a spec file or a folder of them)")
    }
}

/// Prints every problem found in the specs, and how many there are, to stderr.
fn print_spec_errors(errors: &crate::spec::SpecErrors) {
    for error in &errors.0 {
        eprintln!("error: {error}");
    }
    eprintln!(
        "{} problem{} found",
        errors.0.len(),
        if errors.0.len() == 1 { "" } else { "s" }
    );
}

/// Writes `text` to stdout. A closed pipe (`slo report | head -1`) is not an error.
fn write_stdout(text: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
