//! The computation shared by `report` and `check`: specs → inputs → one counting pass per
//! source → figures.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::sync::Arc;

use anyhow::{bail, Context};

use super::interrupt::TempFile;
use super::progress::Progress;
use crate::aggregate::{
    latest_timestamp, Folded, InputCounts, Plan, RowProblem, Tally, GROUPS_IN_MEMORY,
    MAX_GROUP_BYTES,
};
use crate::cli::RunArgs;
use crate::evaluate::{evaluate_slo, first_window_events, needs};
use crate::input::{self, InputFormat, LogInput};
use crate::policy::MalformedLimit;
use crate::report::{InputSummary, Report, Status};
use crate::spec::{self, Slo, Source, SpecSet, TimestampSpec, Uncomputable};
use crate::time::{
    check_epoch_unit, format_rfc3339, parse_instant, Timestamp, TimestampFormat, UnixNanos,
};

/// A computed report and the diagnostics to show beside it.
#[derive(Debug)]
pub(super) struct ComputedReport {
    pub report: Report,
    pub warnings: Vec<String>,
}

impl ComputedReport {
    /// Prints the warnings to stderr.
    pub fn print_warnings(&self) {
        for warning in &self.warnings {
            eprintln!("warning: {}", crate::visible::visible_lines(warning));
        }
    }
}

/// SLOs that read the same logs the same way, counted in one pass.
struct Pass<'a> {
    inputs: Vec<LogInput>,
    format: InputFormat,
    timestamp: TimestampSpec,
    slos: Vec<&'a Slo>,
}

pub(super) fn compute(args: &RunArgs) -> anyhow::Result<ComputedReport> {
    let spec_paths = super::spec_paths(&args.specs)?;
    let specs = spec::discover_spec_files(&spec_paths)
        .and_then(|files| spec::load_files(&files))
        .context("invalid spec (run `slo validate` to list every problem)")?;
    let blocked: Vec<&Uncomputable> = specs
        .uncomputable
        .iter()
        .filter(|u| {
            args.slo_names.is_empty() || args.slo_names.iter().any(|p| glob_match(p, &u.name))
        })
        .collect();
    if !blocked.is_empty() {
        let list: Vec<String> = blocked
            .iter()
            .map(|u| format!("SLO {} ({}): {}", u.name, u.defined_at, u.reason))
            .collect();
        bail!(
            "slo cannot compute {} from request logs:\n  {}\n(`slo validate` accepts such SLOs; pick the others with --slo)",
            if blocked.len() == 1 { "this SLO" } else { "these SLOs" },
            list.join("\n  ")
        );
    }
    let slos = select_slos(&specs, &args.slo_names)?;
    let format_override = InputFormat::from(args.input_format);
    let cli_logs = input::expand_inputs(&args.logs)?;
    if cli_logs.iter().filter(|i| **i == LogInput::Stdin).count() > 1 {
        bail!("standard input (-) can be given only once");
    }
    let mut passes = plan_passes(&slos, &cli_logs, format_override)?;
    let stdin_passes = passes
        .iter()
        .filter(|p| p.inputs.contains(&LogInput::Stdin))
        .count();
    if stdin_passes > 1 {
        bail!("the specs read their logs in different ways (source.timestamp or source.format differ), so standard input would have to be read twice; give the SLOs one source, or pass files instead of -");
    }

    let _spooled;
    let at: UnixNanos = match args.at.as_str() {
        "now" => chrono::Utc::now()
            .timestamp_nanos_opt()
            .context("the system clock is out of range")?,
        "latest" => {
            // Standard input can be read once only: keep a copy for the second pass.
            if stdin_passes > 0 {
                let mut file = TempFile::create(
                    tempfile::Builder::new().prefix(".slo-stdin."),
                    &std::env::temp_dir(),
                    None,
                )
                .context("cannot create a temporary file for standard input")?;
                std::io::copy(&mut std::io::stdin().lock(), file.file())
                    .context("cannot copy standard input")?;
                for pass in &mut passes {
                    for input in &mut pass.inputs {
                        if *input == LogInput::Stdin {
                            *input = LogInput::StdinCopy(file.path().to_path_buf());
                        }
                    }
                }
                _spooled = file;
            }
            let mut latest = None;
            let mut problems = Vec::new();
            for pass in &passes {
                let threads = threads(args.threads);
                let scan = latest_timestamp(&pass.inputs, pass.format, &pass.timestamp, threads)?;
                latest = latest.max(scan.latest);
                problems.extend(scan.problems);
            }
            match latest {
                Some(latest) => latest,
                None if problems.is_empty() => {
                    bail!("--at latest: the logs hold no rows, so there is no latest timestamp; give --at a time")
                }
                None => {
                    bail!(
                    "--at latest: no row of the input has a valid timestamp; the first rows:\n  {}",
                    problems.iter().take(3).cloned().collect::<Vec<_>>().join("\n  ")
                )
                }
            }
        }
        text => parse_instant(text).map_err(|e| anyhow::anyhow!("--at {text}: {e}"))?,
    };

    let files = passes.iter().map(|p| p.inputs.len()).sum();
    let mut progress = Progress::new(!args.quiet, files);
    let mut summary = InputSummary::default();
    let mut latest: Option<UnixNanos> = None;
    let mut warnings: Vec<String> = specs.notes.iter().map(ToString::to_string).collect();
    let mut results = Vec::new();
    // Whether the timestamps of some pass look read in the wrong Unix unit: then evaluating at
    // the newest row is no cure.
    let mut unit_warned = false;
    // The first malformed rows of every pass, with the log each is in.
    let mut first_malformed: Vec<(&LogInput, RowProblem)> = Vec::new();
    for pass in &passes {
        let needs: Vec<_> = pass.slos.iter().map(|slo| needs(slo, at)).collect();
        let plan = Plan::new(
            &pass.slos,
            &needs,
            &pass.timestamp,
            at,
            args.max_groups as usize,
            args.strict,
        )
        .map_err(anyhow::Error::msg)?;
        let mut tally: Tally = plan.tally();
        // --strict stops at the first bad row in log order: one worker reads the chunks in
        // order and stops there, where several would parse chunks past it for nothing.
        let threads = if args.strict {
            1
        } else {
            threads(args.threads)
        };
        for (index, log) in pass.inputs.iter().enumerate() {
            progress.start(log);
            let counters =
                input::read_log_parallel(log, pass.format, plan.fields(), threads, || {
                    progress.track(plan.counter(log, index))
                })?;
            for counter in counters {
                tally.merge(counter.into_inner().into_tally());
            }
            summary.files.push(log.name());
        }
        for (slo, slo_tally) in pass.slos.iter().zip(&mut tally.slos) {
            let folded =
                slo_tally.fold_groups(|tally, group| first_window_events(slo, tally, group, at));
            if let Some(folded) = folded {
                warnings.push(folded_warning(slo, folded, args.max_groups));
            }
        }
        warnings.extend(row_warnings(&pass.slos, &tally));
        if let Some(warning) = epoch_unit_warning(&pass.timestamp, &tally.inputs) {
            warnings.push(warning);
            unit_warned = true;
        }
        first_malformed.extend(
            tally
                .inputs
                .first_malformed
                .iter()
                .map(|p| (&pass.inputs[p.input_index], p.clone())),
        );
        let counts = &tally.inputs;
        summary.rows += counts.rows;
        summary.malformed += counts.malformed;
        summary.outside_windows += counts.outside_windows;
        summary.unselected += counts.unselected;
        summary.matched += counts.matched;
        latest = latest.max(counts.latest);
        for (slo, slo_tally) in pass.slos.iter().zip(&tally.slos) {
            results.push((slo.name.clone(), evaluate_slo(slo, slo_tally, at)));
        }
    }
    if !args.strict && args.max_malformed.exceeded(summary.malformed, summary.rows) {
        return Err(unreadable(&summary, &first_malformed, args));
    }
    summary.latest = latest.map(Timestamp);
    // Results in spec order, whatever pass computed them.
    let order: BTreeMap<&str, usize> = slos
        .iter()
        .enumerate()
        .map(|(i, s)| (s.name.as_str(), i))
        .collect();
    results.sort_by_key(|(name, _)| order.get(name.as_str()).copied());
    let results: Vec<_> = results.into_iter().flat_map(|(_, r)| r).collect();
    if let Some(latest) = latest.filter(|_| !unit_warned) {
        if results.iter().all(|r| r.status == Status::NoData) {
            warnings.push(format!(
                "every window is empty at {}: the newest row is from {}; evaluate there with --at latest",
                format_rfc3339(at),
                format_rfc3339(latest)
            ));
        }
    }
    Ok(ComputedReport {
        report: Report {
            evaluated_at: Timestamp(at),
            inputs: summary,
            results,
        },
        warnings,
    })
}

/// Worker threads for reading: `--threads`, or one per CPU.
fn threads(requested: Option<usize>) -> usize {
    requested
        .or_else(|| std::thread::available_parallelism().ok().map(|n| n.get()))
        .unwrap_or(1)
        .max(1)
}

fn select_slos<'a>(specs: &'a SpecSet, patterns: &[String]) -> anyhow::Result<Vec<&'a Slo>> {
    if patterns.is_empty() {
        return Ok(specs.slos.iter().collect());
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
        .filter(|slo| patterns.iter().any(|p| glob_match(p, &slo.name)))
        .collect())
}

/// Shell-style matching with `*` (any run of characters) and `?` (one character).
fn glob_match(pattern: &str, name: &str) -> bool {
    let pattern: Vec<char> = pattern.chars().collect();
    let name: Vec<char> = name.chars().collect();
    let (mut p, mut n) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while n < name.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == name[n]) {
            p += 1;
            n += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            backtrack = Some((p, n));
            p += 1;
        } else if let Some((star, matched)) = backtrack {
            p = star + 1;
            n = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

fn plan_passes<'a>(
    slos: &[&'a Slo],
    cli_logs: &[LogInput],
    format_override: InputFormat,
) -> anyhow::Result<Vec<Pass<'a>>> {
    let mut passes: Vec<Pass<'a>> = Vec::new();
    for slo in slos {
        let source: &Arc<Source> = &slo.source;
        let inputs = if cli_logs.is_empty() {
            if source.paths.is_empty() {
                bail!(
                    "no log to read for SLO {} ({}): pass LOG files, or set source.paths in its spec",
                    slo.name,
                    slo.defined_at
                );
            }
            input::expand_inputs(&source.paths)?
        } else {
            cli_logs.to_vec()
        };
        let format = match format_override {
            InputFormat::Auto => source.format,
            other => other,
        };
        match passes
            .iter_mut()
            .find(|p| p.inputs == inputs && p.format == format && p.timestamp == source.timestamp)
        {
            Some(pass) => pass.slos.push(slo),
            None => passes.push(Pass {
                inputs,
                format,
                timestamp: source.timestamp.clone(),
                slos: vec![slo],
            }),
        }
    }
    for (index, pass) in passes.iter().enumerate() {
        for other in &passes[index + 1..] {
            if let Some(shared) = pass.inputs.iter().find(|i| other.inputs.contains(i)) {
                bail!(
                    "{shared} would be read in two ways: SLO {} ({}) and SLO {} ({}) disagree on \
                     source.format or source.timestamp; a log has one format, so make their specs agree",
                    pass.slos[0].name,
                    pass.slos[0].defined_at,
                    other.slos[0].name,
                    other.slos[0].defined_at
                );
            }
        }
    }
    Ok(passes)
}

/// The error for logs with more malformed rows than `--max-malformed` allows: the share, the
/// first reasons, and what the first such log looks like, since the usual cause is a log
/// read in another format than it is written in.
fn unreadable(
    summary: &InputSummary,
    first: &[(&LogInput, RowProblem)],
    args: &RunArgs,
) -> anyhow::Error {
    let mut message = format!(
        "{} of the rows read are malformed ({} of {}), more than --max-malformed {} allows; \
         figures from the rest would not be the truth",
        MalformedLimit::share(summary.malformed, summary.rows),
        summary.malformed,
        summary.rows,
        args.max_malformed
    );
    for (_, problem) in first.iter().take(3) {
        message.push_str(&format!(
            "\n  {}:{}: {}",
            problem.input, problem.line, problem.reason
        ));
    }
    // Standard input cannot be read again to look at it.
    let looks_like = first
        .iter()
        .map(|(log, _)| *log)
        .find(|log| matches!(log, LogInput::File(_) | LogInput::StdinCopy(_)))
        .and_then(|log| {
            let mut reader = input::open(log).ok()?;
            input::looks_like(reader.fill_buf().ok()?)
        });
    message.push_str(&match looks_like {
        Some(shape) => format!(
            "\nthe log looks like {shape}, which slo cannot read yet: export it as CSV or JSON Lines"
        ),
        None => "\ncheck that --input-format or source.format and source.timestamp describe the log \
                 as it is written; --max-malformed raises the limit"
            .to_string(),
    });
    anyhow::anyhow!(message)
}

/// The warning for timestamps read as a Unix unit that puts every one of them before 2000 or
/// after 2100 (a field of seconds read as `unix_ms` lies in January 1970), naming the unit that
/// would put them in between.
fn epoch_unit_warning(timestamp: &TimestampSpec, counts: &InputCounts) -> Option<String> {
    let TimestampFormat::Unix(unit) = timestamp.format else {
        return None;
    };
    let (earliest, latest) = (counts.earliest?, counts.latest?);
    let mismatch = check_epoch_unit(unit, earliest, latest)?;
    let day = |t: UnixNanos| format_rfc3339(t).chars().take(10).collect::<String>();
    let span = format!(
        "every timestamp read as {} lies in {} … {}",
        timestamp.format,
        day(earliest),
        day(latest)
    );
    Some(match mismatch.likely {
        Some(likely) => format!(
            "{span}: the field looks like {}; set source.timestamp.format: {}",
            likely.noun(),
            TimestampFormat::Unix(likely)
        ),
        None => format!(
            "{span}, and in no other Unix unit between 2000 and 2100: check that \
             source.timestamp.field (`{}`) holds the time of each request",
            timestamp.field
        ),
    })
}

/// The warning for an SLO whose groups past `--max-groups` were folded into `(other)`.
fn folded_warning(slo: &Slo, folded: Folded, max_groups: u32) -> String {
    let fields = slo
        .group_by
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if folded.estimated {
        format!(
            "SLO {}: too many distinct groups of ({fields}) to keep each in memory (more than {} \
             or {} MiB of values): about {} past the {max_groups} shown are counted, exactly, in \
             one (other) group; the groups shown were chosen among a fixed share of all, so a \
             large one may be in (other); group by coarser fields to see them all",
            slo.name,
            GROUPS_IN_MEMORY * max_groups as usize,
            MAX_GROUP_BYTES >> 20,
            folded.groups
        )
    } else {
        let (groups, are) = if folded.groups == 1 {
            ("group", "is")
        } else {
            ("groups", "are")
        };
        format!(
            "SLO {}: {} {groups} of ({fields}) past --max-groups {max_groups} (those with the \
             fewest events in the first window) {are} counted in one (other) group",
            slo.name, folded.groups
        )
    }
}

fn row_warnings(slos: &[&Slo], tally: &Tally) -> Vec<String> {
    let mut warnings = Vec::new();
    let inputs = &tally.inputs;
    for problem in &inputs.first_malformed {
        warnings.push(format!(
            "{}:{}: malformed row skipped: {}",
            problem.input, problem.line, problem.reason
        ));
    }
    if inputs.malformed > inputs.first_malformed.len() as u64 {
        warnings.push(format!(
            "{} malformed rows in all ({} shown); --strict makes them an error",
            inputs.malformed,
            inputs.first_malformed.len()
        ));
    }
    for (slo, slo_tally) in slos.iter().zip(&tally.slos) {
        if let Some(first) = &slo_tally.first_invalid {
            warnings.push(format!(
                "SLO {}: {} row{} invalid (counted in `invalid`, not in the SLI); first at {}:{}: {}",
                slo.name,
                slo_tally.invalid_rows,
                if slo_tally.invalid_rows == 1 { "" } else { "s" },
                first.input,
                first.line,
                first.reason
            ));
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::glob_match;

    #[test]
    fn globs() {
        assert!(glob_match("checkout-*", "checkout-availability"));
        assert!(glob_match("*latency", "cart-latency"));
        assert!(glob_match("c?rt-*", "cart-latency"));
        assert!(glob_match("*", "x"));
        assert!(!glob_match("checkout", "checkout-availability"));
        assert!(glob_match("a*b*c", "axxbyyc"));
        assert!(!glob_match("a*b*c", "axxbyy"));
    }
}
