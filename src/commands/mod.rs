//! One entry point per subcommand. This layer resolves flags into real objects, runs the
//! pipeline, prints diagnostics to stderr and results to stdout, and returns the exit status.

mod backtest;
mod check;
mod compute;
mod convert;
mod html;
mod interrupt;
mod output;
mod progress;
mod report;
mod sql;
mod validate;

use std::io::{self, IsTerminal};
use std::path::Path;

use crate::cli::{self, Cli, ColorWhen, Command};
use crate::exit::ExitStatus;
use output::{render_output, write_output, write_stdout};

/// Runs a parsed command line.
///
/// # Errors
///
/// Anything that makes the command fail (exit 2): invalid specs, unreadable logs, a failed write.
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    interrupt::install();
    match cli.command {
        Command::Report(args) => report::run(&args, cli.color),
        Command::Check(args) => check::run(&args, cli.color),
        Command::Backtest(args) => backtest::run(&args),
        Command::Validate(args) => validate::run(&args),
        Command::Convert(args) => convert::run(&args),
        Command::Sql(args) => sql::run(&args),
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
            file.is_none_or(|f| f == Path::new("-"))
                && io::stdout().is_terminal()
                && terminal_takes_color(
                    std::env::var_os("NO_COLOR").as_deref(),
                    std::env::var_os("TERM").as_deref(),
                )
        }
    }
}

/// Whether a terminal takes colour by the environment: not when `NO_COLOR` is set to anything
/// (no-color.org), nor when `TERM` is `dumb` (Emacs' shell buffer, some CI logs), which shows
/// escape sequences raw.
fn terminal_takes_color(
    no_color: Option<&std::ffi::OsStr>,
    term: Option<&std::ffi::OsStr>,
) -> bool {
    no_color.is_none_or(|v| v.is_empty()) && term.is_none_or(|t| t != "dumb")
}

/// The width of the terminal the output goes to: standard output's, when it is a terminal and
/// no `-o FILE` is given; `None` otherwise.
fn terminal_width(file: Option<&Path>) -> Option<usize> {
    if file.is_some_and(|f| f != Path::new("-")) || !io::stdout().is_terminal() {
        return None;
    }
    let reported = terminal_size::terminal_size().map(|(terminal_size::Width(w), _)| w.into());
    usable_width(reported, std::env::var("COLUMNS").ok().as_deref())
}

/// The terminal's width as it reports it, or else as `COLUMNS` says. A terminal that has not
/// been given a size (a serial console, some container and CI terminals) reports 0 columns,
/// which is no width at all: a table laid out for it would shorten every group to nothing.
fn usable_width(reported: Option<usize>, columns: Option<&str>) -> Option<usize> {
    reported
        .filter(|&width| width > 0)
        .or_else(|| columns?.trim().parse().ok().filter(|&width| width > 0))
}

/// The characters the table may draw with, by the locale's encoding (see
/// [`Charset::of_locale`](crate::render::Charset::of_locale)).
fn charset() -> crate::render::Charset {
    let var = |name| std::env::var(name).ok();
    crate::render::Charset::of_locale(
        var("LC_ALL").as_deref(),
        var("LC_CTYPE").as_deref(),
        var("LANG").as_deref(),
    )
}

/// Prints every problem found in the specs, and how many there are, to stderr.
fn print_spec_errors(errors: &crate::spec::SpecErrors) {
    for error in &errors.0 {
        crate::visible::eprint_lines(format_args!("error: {error}"));
    }
    crate::visible::eprint_lines(format_args!(
        "{} problem{} found",
        errors.0.len(),
        if errors.0.len() == 1 { "" } else { "s" }
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table written to a file fits 100 columns, whatever terminal the command runs in: the
    /// terminal's width is for what it shows.
    #[test]
    fn a_file_has_no_terminal_width() {
        assert_eq!(terminal_width(Some(Path::new("report.txt"))), None);
    }

    #[test]
    fn no_color_and_a_dumb_terminal_take_no_colour() {
        use std::ffi::OsStr;
        let takes = |no_color: Option<&str>, term: Option<&str>| {
            terminal_takes_color(no_color.map(OsStr::new), term.map(OsStr::new))
        };
        assert!(takes(None, Some("xterm-256color")));
        assert!(takes(None, None));
        assert!(takes(Some(""), Some("xterm")));
        assert!(!takes(Some("1"), Some("xterm")));
        assert!(!takes(None, Some("dumb")));
    }

    #[test]
    fn a_terminal_of_no_columns_falls_back_to_columns_or_the_default() {
        assert_eq!(usable_width(Some(132), Some("80")), Some(132));
        assert_eq!(usable_width(Some(0), Some("80")), Some(80));
        assert_eq!(usable_width(Some(0), None), None);
        assert_eq!(usable_width(None, Some(" 120\n")), Some(120));
        for columns in ["0", "", "wide", "-5"] {
            assert_eq!(usable_width(Some(0), Some(columns)), None, "{columns:?}");
        }
    }
}
