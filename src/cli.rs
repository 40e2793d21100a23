//! The command line, as clap sees it. Only this module knows clap: its value enums convert
//! into the library's own types, and `commands` resolves the flags into real objects.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory, Parser, Subcommand, ValueEnum};
pub use clap_complete::Shell;

use crate::input::{InputFormat, TextFormat, TextKind};
use crate::policy::{parse_malformed_limit, FailOn, MalformedLimit};
use crate::render::OutputFormat;

/// A section shown after the options, in `--help` and in the man page: a title and rows of a
/// term and what it means.
#[derive(Debug)]
struct Section {
    title: &'static str,
    rows: &'static [(&'static str, &'static str)],
}

const EXAMPLES: Section = Section {
    title: "EXAMPLES",
    rows: &[
        (
            "slo report --at latest",
            "every SLO in slo-specs/ over its source.paths",
        ),
        (
            "slo report -s specs/ access.csv.gz -f json",
            "one log, JSON output",
        ),
        (
            "slo check --fail-on exhausted,no-data",
            "exit 1 when a budget is spent or has no data",
        ),
        (
            "slo report -q -f prometheus -o /var/lib/node_exporter/textfile/slo.prom",
            "metrics for node_exporter's textfile collector, replaced atomically",
        ),
        (
            "slo check -f markdown >> \"$GITHUB_STEP_SUMMARY\"",
            "a CI job summary; the step fails when a budget is spent",
        ),
        (
            "slo validate slo-specs/",
            "check specs without reading logs",
        ),
        (
            "slo convert --to openslo slo-specs/ -o openslo.yaml",
            "the specs as OpenSLO documents (and back with --to native)",
        ),
    ],
};

const EXIT_STATUS: Section = Section {
    title: "EXIT STATUS",
    rows: &[
        ("0", "success; for `check`, no result failed the policy"),
        (
            "1",
            "`check` only: at least one result failed the policy (--fail-on)",
        ),
        (
            "2",
            "usage error, invalid spec, unreadable input, or a malformed row under --strict",
        ),
    ],
};

const INSTALL_COMPLETIONS: Section = Section {
    title: "INSTALL",
    rows: &[
        (
            "bash",
            "slo completions bash > ~/.local/share/bash-completion/completions/slo",
        ),
        (
            "zsh",
            "slo completions zsh > ~/.zfunc/_slo (with fpath+=(~/.zfunc) before compinit)",
        ),
        (
            "fish",
            "slo completions fish > ~/.config/fish/completions/slo.fish",
        ),
    ],
};

const INSTALL_MAN: Section = Section {
    title: "INSTALL",
    rows: &[
        (
            "slo man > ~/.local/share/man/man1/slo.1",
            "the page of slo; then `man slo`",
        ),
        (
            "slo man report > ~/.local/share/man/man1/slo-report.1",
            "one page per subcommand",
        ),
        ("slo man | man -l -", "read it without installing it"),
    ],
};

/// The sections after the options of a command (`slo` itself or a subcommand).
fn sections(command: &str) -> &'static [&'static Section] {
    match command {
        "slo" => &[&EXAMPLES, &EXIT_STATUS],
        "report" | "check" | "backtest" | "validate" | "convert" | "sql" => &[&EXIT_STATUS],
        "completions" => &[&INSTALL_COMPLETIONS],
        "man" => &[&INSTALL_MAN],
        _ => &[],
    }
}

/// The sections of `command` as `--help` shows them: terms in a column, meanings beside them,
/// or under a term too long for the column.
fn after_help(command: &str) -> String {
    const COLUMN: usize = 44;
    let mut text = String::new();
    for section in sections(command) {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(section.title);
        text.push_str(":\n");
        let width = section
            .rows
            .iter()
            .map(|(term, _)| term.chars().count())
            .filter(|n| *n <= COLUMN)
            .max()
            .unwrap_or(0);
        for (term, meaning) in section.rows {
            if term.chars().count() <= width {
                text.push_str(&format!("  {term:<width$}  {meaning}\n"));
            } else {
                text.push_str(&format!("  {term}\n  {:<width$}  {meaning}\n", ""));
            }
        }
    }
    text.trim_end().to_string()
}

/// Compute SLIs, error budgets and burn rates from request logs.
///
/// slo reads SLO definitions (YAML) and request logs (CSV, TSV, JSON Lines, JSON; gzip and
/// zstd are read transparently) and reports each SLO's SLI and error budget per window.
#[derive(Debug, Parser)]
// The version names the commit when built from git (build.rs): `slo 0.2.0 (1a2b3c4 2026-12-06)`.
#[command(name = "slo", version = env!("SLO_VERSION"), about, long_about, after_help = after_help("slo"))]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// When to colour output: auto honours NO_COLOR, TERM=dumb and plain (non-terminal) output.
    #[arg(long, value_enum, default_value_t = ColorWhen::Auto, global = true)]
    pub color: ColorWhen,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// SLIs, error budgets and status per SLO × group × window, as a table or another format.
    #[command(after_help = after_help("report"))]
    Report(ReportArgs),
    /// The same computation with terse output; exit status 1 when a result fails the policy.
    #[command(after_help = after_help("check"))]
    Check(CheckArgs),
    /// Replay each SLO's alert policy over a past period: when each alert would have fired.
    #[command(after_help = after_help("backtest"))]
    Backtest(BacktestArgs),
    /// Check spec files without reading any log.
    #[command(after_help = after_help("validate"))]
    Validate(ValidateArgs),
    /// Write specs in another form: OpenSLO documents, or slo's own specs.
    #[command(after_help = after_help("convert"))]
    Convert(ConvertArgs),
    /// Print the counting as one SQL query for the engine that holds the logs.
    ///
    /// The query's result, saved as CSV or JSON Lines, is read back with `--input-format
    /// counts`: every command then gives on it what it gives on the logs (docs/sql.md).
    #[command(after_help = after_help("sql"))]
    Sql(SqlArgs),
    /// Print a shell completion script to standard output.
    #[command(after_help = after_help("completions"))]
    Completions(CompletionsArgs),
    /// Print the man page (roff) to standard output: `slo man | man -l -`.
    #[command(after_help = after_help("man"))]
    Man(ManArgs),
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

    /// A file of exclusions (`exclude: [{from, to, reason}]`) whose events count for no SLO
    /// (repeatable)
    #[arg(long = "exclude", value_name = "FILE")]
    pub exclude: Vec<PathBuf>,

    /// Evaluation instant: RFC 3339, `now`, or `latest` (the latest timestamp in the input)
    #[arg(long, value_name = "TIME", default_value = "now")]
    pub at: String,

    /// Evaluate every SLO over exactly [T1, T2] (RFC 3339, both included) instead of its
    /// windows: a chaos experiment, a canary, an incident
    #[arg(long, value_name = "T1..T2", conflicts_with = "at")]
    pub between: Option<String>,

    /// Only SLOs with these names (repeatable; `*` and `?` globs allowed)
    #[arg(long = "slo", value_name = "NAME")]
    pub slo_names: Vec<String>,

    /// Output format
    #[arg(short, long, value_enum, value_name = "FMT")]
    pub format: Option<FormatArg>,

    /// Log format [default: by the spec's source.format, else by extension, then content]
    #[arg(long, value_enum, value_name = "FMT", default_value_t = InputFormatArg::Auto, hide_default_value = true)]
    pub input_format: InputFormatArg,

    /// Fail (exit 2) on the first malformed or invalid row instead of counting it
    #[arg(long)]
    pub strict: bool,

    /// Most malformed rows, as a share of the rows read, before the logs count as unreadable
    /// (exit 2): `1%`, `0.1%`, `0` (none at all), `100%` (never)
    #[arg(long, value_name = "PERCENT", default_value = "1%", value_parser = parse_malformed_limit)]
    pub max_malformed: MalformedLimit,

    /// Threads parsing each log, beside the one reading it [default: one per CPU]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(usize))]
    pub threads: Option<usize>,

    /// Most groups shown per SLO: the busiest in its first window; the others are counted,
    /// exactly, in one (other) group [default: 10000; 50 with -f html, where each group is a
    /// section of charts]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max_groups: Option<u32>,

    /// Write the output to FILE instead of standard output: a file is replaced atomically (a
    /// collector never reads half of it; a failed write leaves it as it was), a symlink's
    /// target likewise, a device or FIFO is written in place
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// No warnings and no progress bar on standard error (errors still show); for `check`,
    /// nothing on standard output either when the check passes
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// A history: the report at every --every from this instant to --to (RFC 3339)
    #[arg(long, value_name = "TIME", requires_all = ["to", "every"], conflicts_with_all = ["at", "between"])]
    pub from: Option<String>,

    /// The last instant of a history: RFC 3339, or `latest` (the latest timestamp in the input)
    #[arg(long, value_name = "TIME", requires = "from")]
    pub to: Option<String>,

    /// The step between the instants of a history: `1h`, `15m`, `1d`
    #[arg(long, value_name = "STEP", requires = "from")]
    pub every: Option<String>,
}

/// Options of `backtest`. Of the options it shares with `report`, `--at` and `--between` are
/// hidden (a backtest replays instants from `--from` to `--to`), and `-f` lists the formats a
/// backtest is written in.
#[derive(Debug, Args)]
#[command(
    mut_arg("at", |a| a.hide(true)),
    mut_arg("between", |a| a.hide(true)),
    mut_arg("format", |a| a
        .hide_possible_values(true)
        .help("Output format: table, json, csv or markdown")),
)]
pub struct BacktestArgs {
    #[command(flatten)]
    pub run: RunArgs,

    /// The first instant replayed (RFC 3339)
    #[arg(long, value_name = "TIME")]
    pub from: String,

    /// The last instant replayed: RFC 3339, or `latest` (the latest timestamp in the input)
    #[arg(long, value_name = "TIME", default_value = "latest")]
    pub to: String,

    /// The step between the instants replayed
    #[arg(long, value_name = "STEP", default_value = "1m")]
    pub every: String,
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
    pub fail_on: Vec<FailOnArg>,
}

/// Options of `validate`.
#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub specs: SpecPaths,

    /// A file of exclusions to check with the specs, as report --exclude reads it (repeatable)
    #[arg(long = "exclude", value_name = "FILE")]
    pub exclude: Vec<PathBuf>,
}

/// The specs of `validate` and `convert`: as arguments, or with `-s` as `report` takes them.
#[derive(Debug, Args)]
pub struct SpecPaths {
    /// Spec files (native or OpenSLO) or folders [default: slo-specs/]
    #[arg(value_name = "SPEC")]
    pub arguments: Vec<PathBuf>,

    /// A spec file or folder, as report -s takes it (repeatable; adds to SPEC)
    #[arg(short = 's', long = "spec", value_name = "PATH")]
    pub options: Vec<PathBuf>,
}

impl SpecPaths {
    /// The specs given, by `-s` and as arguments.
    pub fn all(&self) -> Vec<PathBuf> {
        self.options
            .iter()
            .chain(&self.arguments)
            .cloned()
            .collect()
    }
}

/// Options of `convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// The form to write
    #[arg(long, value_enum, value_name = "FORM")]
    pub to: ConvertTo,

    #[command(flatten)]
    pub specs: SpecPaths,

    /// Write to FILE instead of standard output, as report -o does; log paths are written
    /// relative to FILE's folder (to the current folder on standard output)
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Options of `sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// The SQL engine to write for
    #[arg(long, value_enum, value_name = "ENGINE")]
    pub dialect: DialectArg,

    /// A spec file or a folder of *.yaml/*.yml specs (repeatable) [default: slo-specs/]
    #[arg(short, long = "spec", value_name = "PATH")]
    pub specs: Vec<PathBuf>,

    /// Only SLOs with these names (repeatable; `*` and `?` globs allowed); they must read one
    /// source
    #[arg(long = "slo", value_name = "NAME")]
    pub slo_names: Vec<String>,

    /// The table (or view) that holds the log rows [default: the spec's source.paths, read by
    /// the engine where it can: DuckDB, ClickHouse]
    #[arg(long, value_name = "NAME")]
    pub table: Option<String>,

    /// The SQL that reads a field, where it is not the column of the same name (repeatable):
    /// `--column status=elb_status_code`; written into the query as given
    #[arg(long = "column", value_name = "FIELD=SQL")]
    pub columns: Vec<String>,

    /// Write the query to FILE instead of standard output
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// The engines `sql` writes for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DialectArg {
    /// DuckDB
    Duckdb,
    /// ClickHouse (also chDB)
    Clickhouse,
    /// Apache Spark SQL (also Databricks)
    Spark,
    /// Apache DataFusion
    Datafusion,
    /// Trino (also Presto)
    Trino,
    /// Amazon Athena (engine version 3)
    Athena,
    /// Google BigQuery
    Bigquery,
    /// Snowflake
    Snowflake,
}

impl From<DialectArg> for crate::sql::Dialect {
    fn from(arg: DialectArg) -> Self {
        use crate::sql::Dialect;
        match arg {
            DialectArg::Duckdb => Dialect::DuckDb,
            DialectArg::Clickhouse => Dialect::ClickHouse,
            DialectArg::Spark => Dialect::Spark,
            DialectArg::Datafusion => Dialect::DataFusion,
            DialectArg::Trino => Dialect::Trino,
            DialectArg::Athena => Dialect::Athena,
            DialectArg::Bigquery => Dialect::BigQuery,
            DialectArg::Snowflake => Dialect::Snowflake,
        }
    }
}

/// The forms `convert` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ConvertTo {
    /// OpenSLO v1 documents whose SLIs read request logs (metric source type slo.logs)
    Openslo,
    /// slo's own spec format (version: 1)
    Native,
}

/// Options of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Options of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (`slo-report(1)`); none: the page of `slo` itself
    #[arg(value_name = "SUBCOMMAND")]
    pub subcommand: Option<String>,
}

/// Writes the completion script for `shell`, generated from the command-line definition.
pub fn write_completions(shell: Shell, out: &mut dyn Write) {
    clap_complete::generate(shell, &mut Cli::command(), "slo", out);
}

/// The man pages of `slo`: its own, `slo.1`, then one per subcommand (`slo-report.1`, …), each
/// as the file name it is installed under and the subcommand to give [`write_man_page`].
/// Packagers write them all (`cargo xtask assets`), so a new subcommand gets its page.
pub fn man_pages() -> Vec<(String, Option<String>)> {
    let slo = Cli::command();
    let subcommands = slo
        .get_subcommands()
        .filter(|command| !command.is_hide_set())
        .map(|command| command.get_name().to_string());
    std::iter::once(("slo.1".to_string(), None))
        .chain(subcommands.map(|name| (format!("slo-{name}.1"), Some(name))))
        .collect()
}

/// Writes the man page of `slo`, or of one of its subcommands, generated from the
/// command-line definition.
///
/// # Errors
///
/// An unknown subcommand, or a failed write to `out`.
pub fn write_man_page(subcommand: Option<&str>, out: &mut dyn Write) -> anyhow::Result<()> {
    let mut slo = Cli::command();
    // Building gives each subcommand its bin name (`slo report`) and display name
    // (`slo-report`, the page's title, as git and cargo name theirs).
    slo.build();
    let page = match subcommand {
        None => slo,
        Some(name) => match slo.find_subcommand(name) {
            Some(command) => command.clone(),
            None => {
                let names: Vec<&str> = slo.get_subcommands().map(|c| c.get_name()).collect();
                anyhow::bail!("slo has no subcommand {name}; it has: {}", names.join(", "));
            }
        },
    };
    // The sections clap_mangen renders, then ours as roff (its own rendering of
    // `after_help` would reflow the columns).
    let name = page.get_name().to_string();
    let versioned = page.get_version().is_some();
    let man = clap_mangen::Man::new(page).source(format!("slo {}", env!("CARGO_PKG_VERSION")));
    man.render_title(out)?;
    man.render_name_section(out)?;
    man.render_synopsis_section(out)?;
    man.render_description_section(out)?;
    man.render_options_section(out)?;
    if name == "slo" {
        man.render_subcommands_section(out)?;
    }
    let mut roff = roff::Roff::new();
    for section in sections(&name) {
        roff.control("SH", [section.title]);
        for (term, meaning) in section.rows {
            roff.control("TP", []);
            roff.text([roff::bold(*term)]);
            roff.text([roff::roman(*meaning)]);
        }
    }
    roff.to_writer(out)?;
    if versioned {
        man.render_version_section(out)?;
    }
    Ok(())
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    /// Colour on a terminal, unless NO_COLOR is set or TERM is dumb.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

/// `--format`: the output formats of `report` and `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    /// A table for people, readable at 100 columns
    Table,
    /// The machine contract (schema in docs/json-output.md)
    Json,
    /// One row per SLO × group × window with a header (RFC 4180)
    Csv,
    /// A GitHub-flavoured table for a CI job summary or a pull-request comment
    Markdown,
    /// Prometheus text exposition format, for node_exporter's textfile collector
    Prometheus,
    /// JUnit XML: one test case per SLO × group × window; failures per --fail-on
    Junit,
    /// One self-contained HTML page (inline CSS and SVG, no script): tiles and charts over time
    Html,
}

impl From<FormatArg> for OutputFormat {
    fn from(format: FormatArg) -> OutputFormat {
        match format {
            FormatArg::Table => OutputFormat::Table,
            FormatArg::Json => OutputFormat::Json,
            FormatArg::Csv => OutputFormat::Csv,
            FormatArg::Markdown => OutputFormat::Markdown,
            FormatArg::Prometheus => OutputFormat::Prometheus,
            FormatArg::Junit => OutputFormat::Junit,
            FormatArg::Html => OutputFormat::Html,
        }
    }
}

/// `--input-format`: how to read the logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InputFormatArg {
    /// The spec's source.format; else by file extension, then by content
    Auto,
    /// Comma-separated values with a header row
    Csv,
    /// Tab-separated values with a header row
    Tsv,
    /// One JSON object per line (also: ndjson)
    #[value(alias = "ndjson")]
    Jsonl,
    /// A JSON array of objects
    Json,
    /// nginx access log (combined, or the spec's source.log_format)
    Nginx,
    /// Apache access log (combined, or the spec's source.log_format)
    Apache,
    /// AWS Application Load Balancer access log
    Alb,
    /// CloudFront standard log (tab-separated, #Fields: header)
    Cloudfront,
    /// W3C extended log, as IIS writes it (also: iis)
    #[value(alias = "iis")]
    W3c,
    /// key=value pairs, as Heroku's router writes them
    Logfmt,
    /// Envoy access log in its default format
    Envoy,
    /// HAProxy log with `option httplog`
    Haproxy,
    /// Counts written by the query of `slo sql` (CSV or JSON Lines; see docs/sql.md)
    Counts,
}

impl From<InputFormatArg> for InputFormat {
    fn from(format: InputFormatArg) -> InputFormat {
        match format {
            InputFormatArg::Auto => InputFormat::Auto,
            InputFormatArg::Csv => InputFormat::Csv,
            InputFormatArg::Tsv => InputFormat::Tsv,
            InputFormatArg::Jsonl => InputFormat::Jsonl,
            InputFormatArg::Json => InputFormat::Json,
            InputFormatArg::Nginx => text(TextKind::Nginx),
            InputFormatArg::Apache => text(TextKind::Apache),
            InputFormatArg::Alb => text(TextKind::Alb),
            InputFormatArg::Cloudfront => text(TextKind::Cloudfront),
            InputFormatArg::W3c => text(TextKind::W3c),
            InputFormatArg::Logfmt => text(TextKind::Logfmt),
            InputFormatArg::Envoy => text(TextKind::Envoy),
            InputFormatArg::Haproxy => text(TextKind::Haproxy),
            // Counts are CSV or JSON Lines, told apart as logs are (see `config::Pass::counts`).
            InputFormatArg::Counts => InputFormat::Auto,
        }
    }
}

/// `--fail-on`: a status that makes `check` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// The error budget is spent
    Exhausted,
    /// A burn-rate alert fires
    AtRisk,
    /// The window holds no events
    NoData,
    /// The window holds fewer events than the SLO's min_events
    LowTraffic,
    /// The SLI is below the SLO's `sla`, whatever the error budget says
    Sla,
}

impl From<FailOnArg> for FailOn {
    fn from(status: FailOnArg) -> FailOn {
        match status {
            FailOnArg::Exhausted => FailOn::Exhausted,
            FailOnArg::AtRisk => FailOn::AtRisk,
            FailOnArg::NoData => FailOn::NoData,
            FailOnArg::LowTraffic => FailOn::LowTraffic,
            FailOnArg::Sla => FailOn::Sla,
        }
    }
}

fn text(kind: TextKind) -> InputFormat {
    InputFormat::Text(TextFormat::new(kind))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_man_page_for_slo_and_each_subcommand() {
        let pages = man_pages();
        let names: Vec<&str> = pages.iter().map(|(file, _)| file.as_str()).collect();
        assert_eq!(names[0], "slo.1");
        for command in Cli::command().get_subcommands() {
            let file = format!("slo-{}.1", command.get_name());
            assert!(
                names.contains(&file.as_str()),
                "{file} missing from {names:?}"
            );
        }
        assert_eq!(pages.len(), Cli::command().get_subcommands().count() + 1);
        for (file, subcommand) in &pages {
            let mut page = Vec::new();
            write_man_page(subcommand.as_deref(), &mut page).expect("a page");
            let page = String::from_utf8(page).expect("UTF-8 roff");
            let title = file.trim_end_matches(".1");
            assert!(
                page.contains(&format!(".TH {title} 1")),
                "{file}: {page:.200}"
            );
        }
    }
}
