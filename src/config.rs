//! The checked description of one `report` or `check` run, resolved from the command line and
//! the specs before any log is read (as ripgrep's `HiArgs`): which SLOs, which logs and how to
//! read them, when to evaluate, and the limits. Nothing after this stage looks at a flag's text.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use crate::cli::{FormatArg, InputFormatArg, ReportArgs, RunArgs};
use crate::glob::glob_match;
use crate::input::{self, InputFormat, LogInput};
use crate::policy::MalformedLimit;
use crate::spec::{self, Slo, SpecSet, TimestampSpec, Window};
use crate::sql::MINUTE_NS;
use crate::time::{format_rfc3339, parse_instant, SpanDuration, UnixNanos};

/// Most groups shown per SLO unless `--max-groups` says otherwise.
pub const MAX_GROUPS: u32 = 10_000;

/// Most groups shown per SLO on an HTML page unless `--max-groups` says otherwise: each is a
/// section with four charts, each chart the report at up to 96 instants, so thousands of them
/// make a page nobody reads and take gigabytes to draw (10 000 groups: 1.9 GB, 9 s).
pub const HTML_MAX_GROUPS: u32 = 50;

/// Everything a `report` or `check` run needs, checked.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The specs loaded.
    pub specs: SpecSet,
    /// The SLOs to compute, as indices into `specs.slos`, in spec order.
    pub selected: Vec<usize>,
    /// The logs to read, grouped by how they are read: one counting pass each.
    pub passes: Vec<Pass>,
    /// When to evaluate.
    pub at: At,
    /// `--between T1..T2`: the one interval every SLO is evaluated over, at `T2`.
    pub between: Option<(UnixNanos, UnixNanos)>,
    /// Threads parsing each log (`--threads`, or one per CPU).
    pub threads: usize,
    /// Stop at the first malformed or invalid row (`--strict`).
    pub strict: bool,
    /// Most groups shown per SLO (`--max-groups`, else [`MAX_GROUPS`], or
    /// [`HTML_MAX_GROUPS`] for an HTML page).
    pub max_groups: u32,
    /// Most malformed rows, as a share of the rows read (`--max-malformed`).
    pub max_malformed: MalformedLimit,
    /// No warnings and no progress on standard error (`--quiet`).
    pub quiet: bool,
    /// What resolving the run found to warn of: logs named more than once, read once.
    pub warnings: Vec<String>,
}

/// SLOs that read the same logs the same way: counted in one pass over the logs.
#[derive(Debug, Clone)]
pub struct Pass {
    /// The logs, in the order given.
    pub inputs: Vec<LogInput>,
    /// How to read them (`Auto`: by extension, then content).
    pub format: InputFormat,
    /// Where each row's time is and how it is written.
    pub timestamp: TimestampSpec,
    /// The SLOs counted, as indices into the spec set's SLOs.
    pub slos: Vec<usize>,
    /// The logs are the counts of `slo sql`'s query (`--input-format counts`), not rows.
    pub counts: bool,
}

/// The instants of a history (`report --from T1 --to T2 --every STEP`): `T1`, `T1 + STEP`, …,
/// up to `T2`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Series {
    /// The first instant.
    pub from: UnixNanos,
    /// The last instant, or `latest`: the latest timestamp in the logs.
    pub to: At,
    /// The step, in nanoseconds (positive).
    pub every: i64,
    /// Whether [`Series::instants`] starts one step before `from`: the instant before the
    /// period, which a backtest needs (the budget left and the alerts firing as it starts).
    pub lead_in: bool,
}

/// Most instants in one history (two weeks of minutes): its tallies hold a band per instant
/// and window.
pub const MAX_INSTANTS: usize = 20_160;

impl Series {
    /// The history `args` asks for, if any.
    ///
    /// # Errors
    ///
    /// Times or a step that do not parse, a step that is not positive.
    pub fn resolve(args: &ReportArgs) -> anyhow::Result<Option<Series>> {
        let (Some(from), Some(to), Some(every)) = (&args.from, &args.to, &args.every) else {
            return Ok(None);
        };
        Series::parse(from, to, every).map(Some)
    }

    /// The history from `from` to `to` (or `latest`) every `every`, as the flags give them.
    ///
    /// # Errors
    ///
    /// Times or a step that do not parse, a step that is not positive.
    pub fn parse(from: &str, to: &str, every: &str) -> anyhow::Result<Series> {
        let from_instant =
            parse_instant(from).map_err(|e| anyhow::anyhow!("--from {from}: {e}"))?;
        let to = match to {
            "latest" => At::Latest,
            text => {
                At::Instant(parse_instant(text).map_err(|e| anyhow::anyhow!("--to {text}: {e}"))?)
            }
        };
        let step = SpanDuration::parse(every)
            .map_err(|e| anyhow::anyhow!("--every {every}: {e}"))?
            .nanos();
        if step <= 0 {
            bail!("--every {every}: the step must be longer than nothing");
        }
        Ok(Series {
            from: from_instant,
            to,
            every: step,
            lead_in: false,
        })
    }

    /// The instants from `from` up to `to`, in order; with `lead_in`, the instant one step
    /// before `from` first.
    ///
    /// # Errors
    ///
    /// `to` before `from`, or more than [`MAX_INSTANTS`] instants from `from` to `to`.
    pub fn instants(&self, to: UnixNanos) -> anyhow::Result<Vec<UnixNanos>> {
        if to < self.from {
            bail!(
                "--to {} is before --from {}: give the first instant with --from",
                crate::time::format_rfc3339(to),
                crate::time::format_rfc3339(self.from)
            );
        }
        let count = (to - self.from) / self.every + 1;
        if usize::try_from(count).map_or(true, |count| count > MAX_INSTANTS) {
            bail!(
                "--from, --to and --every give {count} instants, more than the {MAX_INSTANTS} a \
                 history holds: take a longer step or a shorter span"
            );
        }
        let first = if self.lead_in { -1 } else { 0 };
        Ok((first..count).map(|k| self.from + k * self.every).collect())
    }
}

/// The evaluation instant `A`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum At {
    /// A known instant (`now` was read from the clock when the run was resolved).
    Instant(UnixNanos),
    /// The latest valid timestamp in the logs, found by a first pass over them.
    Latest,
}

impl RunConfig {
    /// Loads the specs and resolves `args` against them.
    ///
    /// # Errors
    ///
    /// Invalid specs, SLOs that cannot be computed from request logs, an `--slo` that matches
    /// nothing, logs that cannot be listed or that would be read in two ways, and an `--at`
    /// that is not an instant.
    pub fn resolve(args: &RunArgs) -> anyhow::Result<RunConfig> {
        let spec_paths = spec_paths(&args.specs)?;
        let mut specs = spec::discover_spec_files(&spec_paths)
            .and_then(|files| spec::load_files(&files))
            .context("invalid spec (run `slo validate` to list every problem)")?;
        // Fields the logs' format cannot have, when the logs are read in the specs' formats:
        // without --input-format, or with one that names the specs' own (whose layout
        // `plan_passes` keeps).
        let given: InputFormat = args.input_format.into();
        let read_as_specs_say = match &given {
            // Counts have columns of their own, whatever the specs' logs.
            InputFormat::Auto => args.input_format != InputFormatArg::Counts,
            InputFormat::Text(given) => specs.slos.iter().all(|slo| match &slo.source.format {
                InputFormat::Text(own) => own.kind() == given.kind(),
                _ => true,
            }),
            _ => false,
        };
        if read_as_specs_say && !specs.missing_fields.is_empty() {
            return Err(anyhow::Error::new(spec::SpecErrors(std::mem::take(
                &mut specs.missing_fields,
            )))
            .context("invalid spec (run `slo validate` to list every problem)"));
        }
        for file in &args.exclude {
            let exclusions = spec::load_exclusions(file).context(
                "invalid exclusions file (run `slo validate --exclude FILE` to list every problem)",
            )?;
            specs.add_exclusions(&exclusions);
        }
        refuse_uncomputable(&specs, &args.slo_names)?;
        let selected = select_slos(&specs, &args.slo_names)?;
        let mut warnings = Vec::new();
        let cli_logs = without_repeats(input::expand_inputs(&args.logs)?, &mut warnings);
        if cli_logs.iter().filter(|i| **i == LogInput::Stdin).count() > 1 {
            bail!("standard input (-) can be given only once");
        }
        let counts = args.input_format == InputFormatArg::Counts;
        let passes = plan_passes(
            &specs,
            &selected,
            &cli_logs,
            &args.input_format.into(),
            counts,
            &mut warnings,
        )?;
        let stdin_passes = passes
            .iter()
            .filter(|p| p.inputs.contains(&LogInput::Stdin))
            .count();
        if stdin_passes > 1 {
            bail!("the specs read their logs in different ways (source.timestamp or source.format differ), so standard input would have to be read twice; give the SLOs one source, or pass files instead of -");
        }
        let between = args.between.as_deref().map(parse_between).transpose()?;
        let at = match (between, args.at.as_str()) {
            (Some((_, to)), _) => At::Instant(to),
            // Counts end on whole minutes: now is the end of the last whole minute.
            (None, "now") if counts => At::Instant(now()?.div_euclid(MINUTE_NS) * MINUTE_NS),
            (None, "now") => At::Instant(now()?),
            (None, "latest") => At::Latest,
            (None, text) => {
                At::Instant(parse_instant(text).map_err(|e| anyhow::anyhow!("--at {text}: {e}"))?)
            }
        };
        // The interval replaces every window, for this run only.
        if let Some((from, to)) = between {
            for &index in &selected {
                let slo = &mut specs.slos[index];
                let alert_scale_ns = slo.windows.first().map_or(0, |w| w.length_nanos(to));
                slo.windows = vec![Window::Between {
                    from,
                    to,
                    alert_scale_ns,
                }];
            }
        }
        Ok(RunConfig {
            specs,
            selected,
            passes,
            at,
            between,
            threads: threads(args.threads),
            strict: args.strict,
            max_groups: args.max_groups.unwrap_or(match args.format {
                Some(FormatArg::Html) => HTML_MAX_GROUPS,
                _ => MAX_GROUPS,
            }),
            max_malformed: args.max_malformed,
            quiet: args.quiet,
            warnings,
        })
    }

    /// The SLOs of `pass`.
    pub fn slos_of<'a>(&'a self, pass: &'a Pass) -> impl Iterator<Item = &'a Slo> + 'a {
        pass.slos.iter().map(|&i| &self.specs.slos[i])
    }

    /// The selected SLOs, in spec order.
    pub fn selected_slos(&self) -> impl Iterator<Item = &Slo> {
        self.selected.iter().map(|&i| &self.specs.slos[i])
    }

    /// Threads for reading `pass`: `--strict` stops at the first bad row in log order, so one
    /// worker reads the chunks in order and stops there, where several would parse chunks past
    /// it for nothing.
    pub fn reading_threads(&self) -> usize {
        if self.strict {
            1
        } else {
            self.threads
        }
    }
}

/// `--between T1..T2`: two RFC 3339 instants, the first before the second.
///
/// # Errors
///
/// Text without `..`, an instant that does not parse, or an empty or reversed interval.
pub fn parse_between(text: &str) -> anyhow::Result<(UnixNanos, UnixNanos)> {
    let Some((from, to)) = text.split_once("..") else {
        bail!("--between {text}: write the interval as T1..T2, such as 2026-10-02T17:24:00Z..2026-10-02T18:09:00Z");
    };
    let instant =
        |part: &str| parse_instant(part).map_err(|e| anyhow::anyhow!("--between {text}: {e}"));
    let (from, to) = (instant(from)?, instant(to)?);
    if to <= from {
        bail!(
            "--between {text}: the interval ends at {} but starts at {}: T2 must come after T1",
            format_rfc3339(to),
            format_rfc3339(from)
        );
    }
    Ok((from, to))
}

/// The current time from the system clock.
///
/// # Errors
///
/// A clock before 1970 or past 2262.
pub(crate) fn now() -> anyhow::Result<UnixNanos> {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .context("the system clock is before 1970")?;
    i64::try_from(since_epoch.as_nanos()).context("the system clock is out of range")
}

/// The spec paths to load: those given, or `slo-specs/` when it exists.
///
/// # Errors
///
/// No spec given and no `slo-specs/` folder in the current folder.
pub fn spec_paths(given: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    let default = Path::new("slo-specs");
    if default.is_dir() {
        Ok(vec![default.to_path_buf()])
    } else {
        bail!("no spec given and no slo-specs/ folder here: pass --spec PATH (a spec file or a folder of them)")
    }
}

/// Worker threads for reading: `--threads`, or one per CPU.
fn threads(requested: Option<usize>) -> usize {
    requested
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

/// Refuses to run SLOs (among those `--slo` picks) that cannot be computed from request logs.
pub(crate) fn refuse_uncomputable(specs: &SpecSet, patterns: &[String]) -> anyhow::Result<()> {
    let blocked: Vec<String> = specs
        .uncomputable
        .iter()
        .filter(|u| patterns.is_empty() || patterns.iter().any(|p| glob_match(p, &u.name)))
        .map(|u| format!("SLO {} ({}): {}", u.name, u.defined_at, u.reason))
        .collect();
    if !blocked.is_empty() {
        bail!(
            "slo cannot compute {} from request logs:\n  {}\n(`slo validate` accepts such SLOs; pick the others with --slo)",
            if blocked.len() == 1 { "this SLO" } else { "these SLOs" },
            blocked.join("\n  ")
        );
    }
    Ok(())
}

/// The SLOs that `--slo` patterns pick (all without patterns), as indices in spec order.
pub(crate) fn select_slos(specs: &SpecSet, patterns: &[String]) -> anyhow::Result<Vec<usize>> {
    if patterns.is_empty() {
        return Ok((0..specs.slos.len()).collect());
    }
    for pattern in patterns {
        if !specs.slos.iter().any(|slo| glob_match(pattern, &slo.name)) {
            let names = specs.slos.iter().map(|s| s.name.as_str());
            let prefixed = specs
                .slos
                .iter()
                .any(|s| s.name.starts_with(pattern.as_str()));
            let hint = match crate::suggest::closest(pattern, names) {
                _ if prefixed => format!("; did you mean {pattern}* (a glob)?"),
                Some(name) => format!("; did you mean {name}?"),
                None => format!(
                    "; the specs define: {}",
                    specs
                        .slos
                        .iter()
                        .map(|s| s.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            bail!("--slo {pattern} matches no SLO{hint}");
        }
    }
    Ok(specs
        .slos
        .iter()
        .enumerate()
        .filter(|(_, slo)| patterns.iter().any(|p| glob_match(p, &slo.name)))
        .map(|(i, _)| i)
        .collect())
}

/// Groups the selected SLOs by the logs they read and how: the logs given on the command line
/// (or each SLO's `source.paths`), the format (`--input-format` over `source.format`), and the
/// timestamp. A log read in two ways is an error: a log has one format.
fn plan_passes(
    specs: &SpecSet,
    selected: &[usize],
    cli_logs: &[LogInput],
    format_override: &InputFormat,
    counts: bool,
    warnings: &mut Vec<String>,
) -> anyhow::Result<Vec<Pass>> {
    let mut passes: Vec<Pass> = Vec::new();
    for &index in selected {
        let slo = &specs.slos[index];
        let source = &slo.source;
        let inputs = if cli_logs.is_empty() {
            if source.paths.is_empty() {
                bail!(
                    "no log to read for SLO {} ({}): pass LOG files, or set source.paths in its spec",
                    slo.name,
                    slo.defined_at
                );
            }
            without_repeats(input::expand_inputs(&source.paths)?, warnings)
        } else {
            cli_logs.to_vec()
        };
        let format = match format_override {
            InputFormat::Auto => source.format.clone(),
            // `--input-format nginx` keeps the spec's own nginx `log_format`.
            InputFormat::Text(given) if matches!(&source.format, InputFormat::Text(spec) if spec.kind() == given.kind()) => {
                source.format.clone()
            }
            other => other.clone(),
        };
        // Counts have their own columns, whatever the logs they were counted from.
        let timestamp = if counts {
            TimestampSpec {
                field: crate::expr::FieldPath(vec!["time".to_string()]),
                format: crate::time::TimestampFormat::Rfc3339,
                zone: crate::time::Zone::Utc,
            }
        } else {
            source.timestamp.clone()
        };
        let format = if counts { InputFormat::Auto } else { format };
        match passes
            .iter_mut()
            .find(|p| p.inputs == inputs && p.format == format && p.timestamp == timestamp)
        {
            Some(pass) => pass.slos.push(index),
            None => passes.push(Pass {
                inputs,
                format,
                timestamp,
                slos: vec![index],
                counts,
            }),
        }
    }
    for (index, pass) in passes.iter().enumerate() {
        for other in &passes[index + 1..] {
            let shared = pass
                .inputs
                .iter()
                .find(|i| other.inputs.iter().any(|o| input::same_log(i, o)));
            if let Some(shared) = shared {
                let (one, two) = (&specs.slos[pass.slos[0]], &specs.slos[other.slos[0]]);
                bail!(
                    "{shared} would be read in two ways: SLO {} ({}) and SLO {} ({}) disagree on \
                     source.format or source.timestamp; a log has one format, so make their specs agree",
                    one.name,
                    one.defined_at,
                    two.name,
                    two.defined_at
                );
            }
        }
    }
    Ok(passes)
}

/// `logs` with each file once (see [`input::without_repeats`]), and a warning for each name
/// of a file already read.
fn without_repeats(logs: Vec<LogInput>, warnings: &mut Vec<String>) -> Vec<LogInput> {
    let (logs, repeats) = input::without_repeats(logs);
    for (repeat, first) in repeats {
        let warning = if repeat == first {
            format!("{repeat} is named twice: read once")
        } else {
            format!("{repeat} is {first} again (through a folder or a link): read once")
        };
        if !warnings.contains(&warning) {
            warnings.push(warning);
        }
    }
    logs
}
