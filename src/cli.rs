//! The command line, as clap sees it. Raw flags are resolved into real objects by `commands`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::policy::FailOn;
use crate::render::OutputFormat;

const EXIT_STATUS: &str = "\
EXIT STATUS:
  0  success; for `check`, no result failed the policy
  1  `check` only: at least one result failed the policy (--fail-on)
  2  usage error, invalid spec, unreadable input, or a malformed row under --strict";

const EXAMPLES: &str = "\
EXAMPLES:
  slo report --at latest                      every SLO in slo-specs/ over its source.paths
  slo report -s specs/ access.csv.gz -f json  one log, JSON output
  slo check --fail-on exhausted,no-data       exit 1 when a budget is spent or has no data
  slo validate slo-specs/                     check specs without reading logs";

/// Compute SLIs, error budgets and burn rates from request logs.
///
/// slo reads SLO definitions (YAML) and request logs (CSV, TSV, JSON Lines, JSON; gzip and
/// zstd are read transparently) and reports each SLO's SLI and error budget per window.
#[derive(Debug, Parser)]
#[command(name = "slo", version, about, long_about, after_help = format!("{EXAMPLES}\n\n{EXIT_STATUS}"))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// When to colour output: auto honours NO_COLOR and plain (non-terminal) output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// SLIs, error budgets and status per SLO × group × window, as a table or another format.
    #[command(after_help = EXIT_STATUS)]
    Report(RunArgs),
    /// The same computation with terse output; exit status 1 when a result fails the policy.
    #[command(after_help = EXIT_STATUS)]
    Check(CheckArgs),
    /// Check spec files without reading any log.
    #[command(after_help = EXIT_STATUS)]
    Validate(ValidateArgs),
}

/// Options shared by `report` and `check`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// A spec file or a folder of *.yaml/*.yml specs (repeatable) [default: slo-specs/]
    #[arg(short, long = "spec", value_name = "PATH")]
    pub specs: Vec<PathBuf>,

    /// Log files; `-` is standard input; a folder means every file in it
    /// [default: the specs' source.paths]
    #[arg(value_name = "LOG")]
    pub logs: Vec<PathBuf>,

    /// Evaluation instant: RFC 3339, `now`, or `latest` (the latest timestamp in the input)
    #[arg(long, value_name = "TIME", default_value = "now")]
    pub at: String,

    /// Only SLOs with these names (repeatable; `*` and `?` globs allowed)
    #[arg(long = "slo", value_name = "NAME")]
    pub slo_names: Vec<String>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FMT")]
    pub format: Option<OutputFormat>,

    /// Log format: auto (by extension, then content), csv, tsv, jsonl, json
    #[arg(long, value_name = "FMT", default_value = "auto")]
    pub input_format: String,

    /// Fail (exit 2) on the first malformed or invalid row instead of counting it
    #[arg(long)]
    pub strict: bool,

    /// Most distinct groups one SLO may have before slo stops with an error
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub max_groups: usize,

    /// Write the output to FILE instead of standard output, atomically: a collector never
    /// reads half a file
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// No warnings and no progress bar on standard error (errors still show)
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// Which statuses fail the check (comma-separated)
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        value_name = "LIST",
        default_value = "exhausted"
    )]
    pub fail_on: Vec<FailOn>,
}

/// Options of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    /// Spec files or folders [default: slo-specs/]
    #[arg(value_name = "SPEC")]
    pub specs: Vec<PathBuf>,
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}
