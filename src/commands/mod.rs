//! One entry point per subcommand. This layer resolves flags into real objects, runs the
//! pipeline, prints diagnostics to stderr and results to stdout, and returns the exit status.

mod check;
mod compute;
mod report;
mod validate;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;

use crate::cli::{Cli, ColorWhen, Command};
use crate::exit::ExitStatus;

/// Runs a parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    let color = use_color(cli.color);
    match cli.command {
        Command::Report(args) => report::run(&args, color),
        Command::Check(args) => check::run(&args, color),
        Command::Validate(args) => validate::run(&args),
    }
}

fn use_color(when: ColorWhen) -> bool {
    match when {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
        }
    }
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

/// Writes `text` to stdout. A closed pipe (`slo report | head -1`) is not an error.
fn write_stdout(text: &[u8]) -> anyhow::Result<()> {
    let mut stdout = io::stdout().lock();
    match stdout.write_all(text).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
