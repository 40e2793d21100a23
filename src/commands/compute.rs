//! The computation shared by `report` and `check`: specs → inputs → one counting pass per
//! source → figures.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};

use anyhow::bail;

use super::progress::Progress;
use crate::aggregate::{
    latest_in_newest_lines, latest_timestamp, window_span, Folded, HeavyGroupsPerSlo, InputCounts,
    Plan, RowProblem, RowsByTime, SloTally, Tally, GROUPS_IN_MEMORY, MAX_GROUP_BYTES,
};
use crate::config::{At, Pass, RunConfig, Series};
use crate::evaluate::{evaluate_slo, evaluate_slo_with_trend, history_needs, needs, trend_needs};
use crate::input::{self, LogInput};
use crate::policy::MalformedLimit;
use crate::report::{InputSummary, Interval, Report, SloResult, Status};
use crate::spec::{Slo, TimestampSpec, Window};
use crate::time::{
    check_epoch_unit, format_rfc3339, humanize_seconds, SpanDuration, Timestamp, TimestampFormat,
    UnixNanos, NANOS_PER_SECOND,
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
            crate::visible::eprint_lines(format_args!("warning: {warning}"));
        }
    }
}

/// Computes the report of a resolved run: the evaluation instant, one counting pass per
/// source, then the figures.
pub(super) fn compute(config: &RunConfig) -> anyhow::Result<ComputedReport> {
    compute_report(config, Trend::Without)
}

/// [`compute`], with every result's budget trend (for the table's sparkline) from the same
/// counting pass.
pub(super) fn compute_with_trend(config: &RunConfig) -> anyhow::Result<ComputedReport> {
    compute_report(config, Trend::With)
}

/// Whether a report carries its results' budget trends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Trend {
    With,
    Without,
}

fn compute_report(config: &RunConfig, trend: Trend) -> anyhow::Result<ComputedReport> {
    let passes = match config.at {
        At::Latest => hold_logs(&config.passes)?,
        At::Instant(_) => config.passes.clone(),
    };
    let files = passes.iter().map(|p| p.inputs.len()).sum();
    let mut progress = Progress::new(!config.quiet, files);
    let count_all = |at: UnixNanos, progress: &mut Progress| {
        passes
            .iter()
            .map(|pass| count_pass(config, pass, at, trend, progress))
            .collect::<anyhow::Result<Vec<CountedPass>>>()
    };
    // `--at latest` on plain files: count once at the latest time of the logs' newest lines,
    // which is exact when no row is newer (the count finds the newest row whatever the guess);
    // should one be, count again at its time. Other logs are read for their latest time first.
    if let (At::Latest, Some(guess)) = (config.at, newest_lines_guess(&passes)) {
        let counted = count_all(guess, &mut progress)?;
        let newest = counted.iter().filter_map(|pass| pass.inputs.latest).max();
        let at = match newest {
            Some(newest) if newest == guess => return assemble(config, &passes, counted, guess),
            Some(newest) => newest,
            None => latest_after_guess(config, &passes, guess)?,
        };
        let counted = count_all(at, &mut Progress::new(!config.quiet, files))?;
        return assemble(config, &passes, counted, at);
    }
    let at = evaluation_instant(config, config.at, &passes)?;
    let counted = count_all(at, &mut progress)?;
    assemble(config, &passes, counted, at)
}

/// Most results (SLO × group × window, at every instant) a history holds before it is written:
/// about a gigabyte and a half.
const MAX_HISTORY_RESULTS: usize = 2_000_000;

/// Computes the report at every instant of `series`, from one count of each pass at the last
/// instant (see [`SloTally::at_instant`]).
pub(super) fn compute_history(
    config: &RunConfig,
    series: &Series,
) -> anyhow::Result<Vec<ComputedReport>> {
    let passes = match series.to {
        At::Latest => hold_logs(&config.passes)?,
        At::Instant(_) => config.passes.clone(),
    };
    let to = evaluation_instant(config, series.to, &passes)?;
    let instants = series.instants(to)?;
    Ok(history_at(
        config,
        &passes,
        &instants,
        None,
        GroupsOverTime::EachInstant,
    )?
    .reports)
}

/// Which groups of a grouped SLO a history shows at each instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum GroupsOverTime {
    /// The busiest at that instant, as `--at` that instant gives them.
    EachInstant,
    /// Those the last instant shows, at every instant, the others in `(other)`: a chart over
    /// time follows the same groups throughout, and `(other)` holds the same ones.
    AsAtLast,
}

/// The results of the SLOs of a pass, each SLO's by its index in the run's specs.
type ResultsBySlo = Vec<(usize, Vec<SloResult>)>;

/// The reports of a history, and with them, when asked for, the events of each SLO in the
/// bucket `(t − step, t]` before each instant `t`.
pub(super) struct History {
    /// The report at each instant, in the order of the instants.
    pub reports: Vec<ComputedReport>,
    /// At each instant, the run evaluated with each SLO's windows replaced by one rolling
    /// window of the bucket's length and no alerts (see [`bucketed`]); empty when no bucket
    /// was asked for.
    pub buckets: Vec<Report>,
}

/// `slo` with its windows replaced by one rolling window of `step` and no alerts: evaluated
/// at `t`, its good and bad events in `(t − step, t]`.
pub(super) fn bucketed(slo: &Slo, step: &SpanDuration) -> Slo {
    let mut bucketed = slo.clone();
    bucketed.windows = vec![Window::Rolling(step.clone())];
    bucketed.alerts = Vec::new();
    bucketed
}

/// The report at every one of `instants` (ascending) of the logs of `passes`, from one count
/// of each pass at the last instant; with `bucket`, from the same count, each SLO's events in
/// the bucket of that length before each instant (see [`History::buckets`]).
pub(super) fn history_at(
    config: &RunConfig,
    passes: &[Pass],
    instants: &[UnixNanos],
    bucket: Option<&SpanDuration>,
    groups: GroupsOverTime,
) -> anyhow::Result<History> {
    let files = passes.iter().map(|p| p.inputs.len()).sum();
    let mut progress = Progress::new(!config.quiet, files);
    let mut per_pass = passes
        .iter()
        .map(|pass| count_history_pass(config, pass, instants, bucket, groups, &mut progress))
        .collect::<anyhow::Result<Vec<Vec<(CountedPass, ResultsBySlo)>>>>()?;
    // From one list per pass (of one count per instant) to one list per instant.
    let mut reports = Vec::with_capacity(instants.len());
    let mut buckets = Vec::new();
    for &at in instants.iter().rev() {
        let mut counted = Vec::with_capacity(per_pass.len());
        let mut bucket_results = Vec::new();
        for counts in &mut per_pass {
            let (pass, results) = counts.pop().expect("a count per instant");
            counted.push(pass);
            bucket_results.extend(results);
        }
        let computed = assemble(config, passes, counted, at)?;
        if bucket.is_some() {
            bucket_results.sort_by_key(|(index, _)| *index);
            buckets.push(Report {
                evaluated_at: Timestamp(at),
                between: None,
                inputs: computed.report.inputs.clone(),
                results: bucket_results.into_iter().flat_map(|(_, r)| r).collect(),
            });
        }
        reports.push(computed);
    }
    reports.reverse();
    buckets.reverse();
    Ok(History { reports, buckets })
}

/// Counts a pass's logs once for every instant of a history, and evaluates each instant (and
/// with `bucket`, each SLO's bucket before it: the results beside each count).
fn count_history_pass(
    config: &RunConfig,
    pass: &Pass,
    instants: &[UnixNanos],
    bucket: Option<&SpanDuration>,
    groups: GroupsOverTime,
    progress: &mut Progress,
) -> anyhow::Result<Vec<(CountedPass, ResultsBySlo)>> {
    let slos: Vec<&Slo> = config.slos_of(pass).collect();
    let bucket_slos: Vec<Slo> = match bucket {
        Some(step) => slos.iter().map(|slo| bucketed(slo, step)).collect(),
        None => Vec::new(),
    };
    // The buckets' windows end at the instants too: their starts are more band boundaries
    // (or slices) of the same count.
    let counted_needs: Vec<_> = slos
        .iter()
        .enumerate()
        .map(|(i, slo)| {
            let each_instant_ranks = groups == GroupsOverTime::EachInstant;
            let needs = history_needs(slo, instants, each_instant_ranks);
            match bucket_slos.get(i) {
                Some(bucketed) => {
                    needs.union(&history_needs(bucketed, instants, each_instant_ranks))
                }
                None => needs,
            }
        })
        .collect();
    let last = *instants.last().expect("a history has an instant");
    let mut plan = Plan::new(
        &slos,
        &counted_needs,
        &pass.timestamp,
        &pass.format,
        last,
        config.max_groups as usize,
        config.strict,
    )
    .map_err(anyhow::Error::msg)?;
    if pass.counts {
        plan.read_counts(&slos).map_err(anyhow::Error::msg)?;
    }
    // Where each SLO's windows lie at each instant, for the row accounting of each.
    let spans: Vec<Vec<_>> = instants
        .iter()
        .map(|&at| {
            slos.iter()
                .map(|slo| window_span(&needs(slo, at), at))
                .collect()
        })
        .collect();
    plan.track_rows_by_time(RowsByTime::new(spans.iter().flatten().flatten().copied()));
    plan.keep_latency_by_slot();
    let (mut tally, mut formats) = count_logs(config, pass, &plan, progress)?;
    let read_once = count_busy_groups(config, pass, &mut plan, &mut tally, &mut formats, progress)?;
    for slo_tally in &mut tally.slos {
        slo_tally.accumulate_bands();
    }
    // Every instant's report is held until the history is written: one that would not fit is
    // refused now, rather than run out of memory part way.
    let per_instant = slos
        .iter()
        .zip(&tally.slos)
        .map(|(slo, counted)| {
            let shown = counted.kept_groups().min(config.max_groups as usize) + 1;
            shown * slo.windows.len()
        })
        .sum::<usize>()
        * (1 + usize::from(bucket.is_some()));
    let results = per_instant.saturating_mul(instants.len());
    if results > MAX_HISTORY_RESULTS {
        bail!(
            "the history would hold about {results} results ({} instants × {per_instant} per \
             instant), more than the {MAX_HISTORY_RESULTS} it keeps in memory: take a longer \
             --every, a shorter span, or show fewer groups (--max-groups)",
            instants.len()
        );
    }
    let files: Vec<String> = pass.inputs.iter().map(LogInput::name).collect();
    let unit_warning = epoch_unit_warning(&pass.timestamp, &tally.inputs);
    let wrong_unit = unit_warning.is_some();
    // Each SLO's groups as the last instant shows them, for the others to show the same.
    let shown_last: Vec<SloTally> = match groups {
        GroupsOverTime::EachInstant => Vec::new(),
        GroupsOverTime::AsAtLast => slos
            .iter()
            .zip(&tally.slos)
            .map(|(slo, slo_tally)| {
                let at_needs = needs(slo, last);
                let mut shown = slo_tally.at_instant(0, &at_needs);
                shown.retain_reported(&at_needs);
                shown.fold_groups();
                shown
            })
            .collect(),
    };
    // Per SLO, the latest instant before the last that folded groups into `(other)`, which
    // the last instant's warnings, the ones a history prints, must still tell of.
    let mut folded_before: Vec<Option<(UnixNanos, Folded, bool)>> = vec![None; slos.len()];
    let mut counted = Vec::with_capacity(instants.len());
    for (&at, spans) in instants.iter().zip(&spans) {
        let mut inputs = tally.inputs.clone();
        if let Some(rows) = &tally.rows_by_time {
            // The count put a row outside when it lay in no window of any instant; of the
            // others, those in no window of this instant are outside too.
            let (in_window, matched, excluded) = rows.at_instant(spans);
            let in_some_window =
                tally.inputs.unselected + tally.inputs.excluded + tally.inputs.matched;
            inputs.outside_windows = tally.inputs.outside_windows + (in_some_window - in_window);
            inputs.unselected = in_window - matched - excluded;
            inputs.excluded = excluded;
            inputs.matched = matched;
        }
        let mut warnings = Vec::new();
        let mut results = Vec::with_capacity(slos.len());
        let mut bucket_results = Vec::with_capacity(bucket_slos.len());
        for (i, ((&index, slo), slo_tally)) in
            pass.slos.iter().zip(&slos).zip(&tally.slos).enumerate()
        {
            let at_needs = needs(slo, at);
            let mut at_instant = slo_tally.at_instant(last - at, &at_needs);
            // The count holds the groups of every instant: those with no row in this
            // instant's windows are no result of the report at it.
            at_instant.retain_reported(&at_needs);
            let folded = match shown_last.get(i) {
                Some(shown) if at < last => {
                    at_instant.fold_like(shown);
                    None
                }
                _ => at_instant.fold_groups(),
            };
            let read_once = read_once.as_ref().is_some_and(|heavy| heavy.wanted(i));
            match (folded, folded_before[i]) {
                (Some(folded), _) if at == last => {
                    warnings.push(folded_warning(slo, folded, config.max_groups, read_once));
                }
                (Some(folded), _) => folded_before[i] = Some((at, folded, read_once)),
                (None, Some((then, folded, read_once))) if at == last => {
                    warnings.push(format!(
                        "at {}: {}",
                        Timestamp(then),
                        folded_warning(slo, folded, config.max_groups, read_once)
                    ));
                }
                (None, _) => {}
            }
            if let Some(bucketed) = bucket_slos.get(i) {
                let mut in_bucket = slo_tally.at_instant(last - at, &needs(bucketed, at));
                in_bucket.fold_like(&at_instant);
                bucket_results.push((
                    index,
                    evaluate_slo(bucketed, &in_bucket, at, config.threads),
                ));
            }
            results.push((index, evaluate_slo(slo, &at_instant, at, config.threads)));
        }
        warnings.extend(row_warnings(&slos, &tally));
        warnings.extend(unit_warning.clone());
        counted.push((
            CountedPass {
                inputs,
                files: files.clone(),
                formats: formats.clone(),
                warnings,
                wrong_unit,
                results,
            },
            bucket_results,
        ));
    }
    Ok(counted)
}

/// The latest time in the newest lines of every log of every pass; `None` unless every log
/// offers its newest lines cheaply (see [`input::newest_lines`]).
fn newest_lines_guess(passes: &[Pass]) -> Option<UnixNanos> {
    passes
        .iter()
        .map(|pass| latest_in_newest_lines(&pass.inputs, &pass.format, &pass.timestamp))
        .collect::<Option<Vec<UnixNanos>>>()?
        .into_iter()
        .max()
}

/// `passes` with every log held for the second read of `--at latest` (see
/// [`input::HeldLog`]), so that both reads see the same bytes: a regular file stays open, so a
/// rotation in between changes nothing; standard input, a FIFO or a pipe (`<(zcat …)`) is
/// copied into a temporary file. A log named twice is held once.
///
/// The copy has no name: it is removed from its folder as it is made (where the system allows,
/// never named at all), and its space is freed when the run ends, however it ends — by an
/// interrupt, or by SIGKILL from `timeout -s KILL` or the OOM killer, which no handler sees.
pub(super) fn hold_logs(passes: &[Pass]) -> anyhow::Result<Vec<Pass>> {
    input::allow_open_files();
    // By path (`None`: standard input), which tells the logs of a run apart before they are
    // held.
    let mut held: HashMap<Option<PathBuf>, LogInput> = HashMap::new();
    let mut passes = passes.to_vec();
    for log in passes.iter_mut().flat_map(|pass| &mut pass.inputs) {
        let key = log.path().map(Path::to_path_buf);
        if let Some(same) = held.get(&key) {
            *log = same.clone();
            continue;
        }
        let holding = log.hold(|| tempfile::tempfile_in(std::env::temp_dir()))?;
        held.insert(key, holding.clone());
        *log = holding;
    }
    Ok(passes)
}

/// The latest timestamp of the logs, read for it alone, after counting at `guess` (the time of
/// their last lines) found no row with a time: logs whose last lines held a row and that now
/// hold none were emptied in between (logrotate's copytruncate), and this says so rather than
/// that they were empty.
fn latest_after_guess(
    config: &RunConfig,
    passes: &[Pass],
    guess: UnixNanos,
) -> anyhow::Result<UnixNanos> {
    let (latest, problems) = latest_of(config, passes)?;
    if latest.is_none() && problems.is_empty() {
        bail!(
            "--at latest: the logs changed while they were read: their last lines held a row at \
             {}, and then none was left (truncated, as logrotate's copytruncate does); run it \
             again, or on the rotated copy",
            crate::time::format_rfc3339(guess)
        );
    }
    latest_or_why(latest, &problems)
}

/// The latest valid timestamp of every pass's logs, and the first rows whose time could not be
/// read.
fn latest_of(
    config: &RunConfig,
    passes: &[Pass],
) -> anyhow::Result<(Option<UnixNanos>, Vec<String>)> {
    let mut latest = None;
    let mut problems = Vec::new();
    for pass in passes {
        let scan = latest_timestamp(&pass.inputs, &pass.format, &pass.timestamp, config.threads)?;
        latest = latest.max(scan.latest);
        problems.extend(scan.problems);
    }
    Ok((latest, problems))
}

/// The evaluation instant: as given, or the latest valid timestamp of every pass's logs.
pub(super) fn evaluation_instant(
    config: &RunConfig,
    at: At,
    passes: &[Pass],
) -> anyhow::Result<UnixNanos> {
    if let At::Instant(at) = at {
        return Ok(at);
    }
    let (latest, problems) = latest_of(config, passes)?;
    latest_or_why(latest, &problems)
}

/// `latest`, or why there is none: no rows, or no row with a time that reads.
fn latest_or_why(latest: Option<UnixNanos>, problems: &[String]) -> anyhow::Result<UnixNanos> {
    match latest {
        Some(latest) => Ok(latest),
        None if problems.is_empty() => {
            bail!("--at latest: the logs hold no rows, so there is no latest timestamp; give --at a time")
        }
        None => bail!(
            "--at latest: no row of the input has a valid timestamp; the first rows:\n  {}",
            problems
                .iter()
                .take(3)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n  ")
        ),
    }
}

/// What one pass over its logs counted, with its warnings and its results.
struct CountedPass {
    /// Row accounting of the pass.
    inputs: InputCounts,
    /// The logs read, as named to the user.
    files: Vec<String>,
    /// The format each log was read in, as `files` lists them.
    formats: Vec<String>,
    /// Warnings about groups folded, rows skipped, timestamp units.
    warnings: Vec<String>,
    /// Whether the timestamps look read in the wrong Unix unit: then evaluating at the newest
    /// row is no cure for empty windows.
    wrong_unit: bool,
    /// The results per SLO of the pass, by SLO index.
    results: Vec<(usize, Vec<SloResult>)>,
}

/// Counts the rows of one pass's logs for its SLOs at `at`, and evaluates them; with `trend`,
/// the same count also holds each result's budget trend.
fn count_pass(
    config: &RunConfig,
    pass: &Pass,
    at: UnixNanos,
    trend: Trend,
    progress: &mut Progress,
) -> anyhow::Result<CountedPass> {
    let slos: Vec<&Slo> = config.slos_of(pass).collect();
    let needs: Vec<_> = slos.iter().map(|slo| needs(slo, at)).collect();
    let plan_for = |needs: &[_]| {
        let mut plan = Plan::new(
            &slos,
            needs,
            &pass.timestamp,
            &pass.format,
            at,
            config.max_groups as usize,
            config.strict,
        )
        .map_err(anyhow::Error::msg)?;
        if pass.counts {
            plan.read_counts(&slos).map_err(anyhow::Error::msg)?;
        }
        anyhow::Ok(plan)
    };
    // A trend counts the earlier events of the windows at its instants too. They may add
    // groups that a count without them would not keep in memory, which changes what is
    // sampled: then the logs are counted again without them, so grouped SLOs get a trend only
    // when the logs can be read again. Counts (`--input-format counts`) have no trend: their
    // intervals need not end at the trend's instants.
    let rereadable = pass.inputs.iter().all(LogInput::rereadable);
    let trended: Vec<bool> = slos
        .iter()
        .map(|slo| trend == Trend::With && !pass.counts && (slo.group_by.is_empty() || rereadable))
        .collect();
    let mut plan = if trended.contains(&true) {
        let with_trend: Vec<_> = slos
            .iter()
            .zip(&trended)
            .zip(&needs)
            .map(|((slo, &trended), needs)| {
                if trended {
                    trend_needs(slo, at)
                } else {
                    needs.clone()
                }
            })
            .collect();
        let mut plan = plan_for(&with_trend)?;
        plan.report_within(&needs);
        plan
    } else {
        plan_for(&needs)?
    };
    let (mut tally, mut formats) = count_logs(config, pass, &plan, progress)?;
    let mut trended = trended;
    if trended.contains(&true) {
        if tally.slos.iter().any(SloTally::sampled) {
            trended = vec![false; slos.len()];
            plan = plan_for(&needs)?;
            progress.read_again(pass.inputs.len());
            (tally, formats) = count_logs(config, pass, &plan, progress)?;
        } else {
            for ((slo_tally, needs), &trended) in tally.slos.iter_mut().zip(&needs).zip(&trended) {
                if trended {
                    slo_tally.retain_reported(needs);
                }
            }
        }
    }
    let read_once = count_busy_groups(config, pass, &mut plan, &mut tally, &mut formats, progress)?;
    let files = pass.inputs.iter().map(LogInput::name).collect();
    let mut warnings = Vec::new();
    for (index, (slo, slo_tally)) in slos.iter().zip(&mut tally.slos).enumerate() {
        if let Some(folded) = slo_tally.fold_groups() {
            let read_once = read_once.as_ref().is_some_and(|heavy| heavy.wanted(index));
            warnings.push(folded_warning(slo, folded, config.max_groups, read_once));
        }
    }
    warnings.extend(row_warnings(&slos, &tally));
    let unit_warning = epoch_unit_warning(&pass.timestamp, &tally.inputs);
    let wrong_unit = unit_warning.is_some();
    warnings.extend(unit_warning);
    if pass.counts {
        warnings.extend(counts_coverage(&slos, &tally.inputs, at));
    }
    let results = pass
        .slos
        .iter()
        .zip(&slos)
        .zip(&tally.slos)
        .zip(&trended)
        .map(|(((&index, slo), slo_tally), &trended)| {
            let results = if trended {
                evaluate_slo_with_trend(slo, slo_tally, at, config.threads)
            } else {
                evaluate_slo(slo, slo_tally, at, config.threads)
            };
            (index, results)
        })
        .collect();
    Ok(CountedPass {
        inputs: tally.inputs,
        files,
        formats,
        warnings,
        wrong_unit,
        results,
    })
}

/// Where `--at` or a window reaches past the counts read (`--input-format counts`): said
/// plainly, since counts cannot show whether the logs they came from went further.
fn counts_coverage(slos: &[&Slo], inputs: &InputCounts, at: UnixNanos) -> Vec<String> {
    let (Some(earliest), Some(latest)) = (inputs.earliest, inputs.latest) else {
        return Vec::new();
    };
    let mut notes = Vec::new();
    if at > latest {
        notes.push(format!(
            "the counts end at {}, before the instant {}: what happened after their end is not in these figures",
            format_rfc3339(latest),
            format_rfc3339(at)
        ));
    }
    for slo in slos {
        let interval = crate::sql::interval_nanos(slo);
        let start = slo.windows.iter().map(|w| w.span(at).start).min();
        if let Some(start) = start.filter(|&start| start < earliest - interval) {
            notes.push(format!(
                "SLO {}: its windows start at {}, before the oldest counts ({}, the end of their first interval): \
                 the counts do not cover their beginning",
                slo.name,
                format_rfc3339(start),
                format_rfc3339(earliest)
            ));
        }
    }
    notes
}

/// Past the memory bound, groups were kept by a hash of their key: counts the logs again by
/// `plan` keeping the busy ones too (see [`Tally::heavy_groups`]), where the logs can be read
/// again, and replaces `tally` and `formats`. Returns, when they cannot, the busy groups that
/// went unread, for the warning to say so.
fn count_busy_groups(
    config: &RunConfig,
    pass: &Pass,
    plan: &mut Plan,
    tally: &mut Tally,
    formats: &mut Vec<String>,
    progress: &mut Progress,
) -> anyhow::Result<Option<HeavyGroupsPerSlo>> {
    let Some(heavy) = tally.heavy_groups() else {
        return Ok(None);
    };
    if !pass.inputs.iter().all(LogInput::rereadable) {
        return Ok(Some(heavy));
    }
    plan.keep_heavy_groups(heavy);
    progress.read_again(pass.inputs.len());
    (*tally, *formats) = count_logs(config, pass, plan, progress)?;
    Ok(None)
}

/// Counts the rows of a pass's logs by `plan`; also returns the format each log was read in.
fn count_logs(
    config: &RunConfig,
    pass: &Pass,
    plan: &Plan,
    progress: &mut Progress,
) -> anyhow::Result<(Tally, Vec<String>)> {
    let mut tally = plan.tally();
    let mut formats = Vec::new();
    for (index, log) in pass.inputs.iter().enumerate() {
        progress.start(log);
        let read = input::read_log_parallel(
            log,
            &pass.format,
            plan.fields(),
            config.reading_threads(),
            || progress.track(plan.counter(log, index)),
        )?;
        for counter in read.sinks {
            tally.merge(counter.into_inner().into_tally());
        }
        formats.push(read.format.to_string());
    }
    Ok((tally, formats))
}

/// The report from the counted passes: row accounting summed, results in spec order, and the
/// warnings; an error when too many rows were malformed.
fn assemble(
    config: &RunConfig,
    passes: &[Pass],
    counted: Vec<CountedPass>,
    at: UnixNanos,
) -> anyhow::Result<ComputedReport> {
    let mut summary = InputSummary::default();
    let mut warnings: Vec<String> = config.specs.notes.iter().map(ToString::to_string).collect();
    warnings.extend(config.warnings.iter().cloned());
    let mut latest: Option<UnixNanos> = None;
    let mut wrong_unit = false;
    // The first malformed rows of every pass, with the log each is in.
    let mut first_malformed: Vec<(&LogInput, RowProblem)> = Vec::new();
    let mut results: Vec<(usize, Vec<SloResult>)> = Vec::new();
    for (pass, counted) in passes.iter().zip(counted) {
        let counts = &counted.inputs;
        summary.files.extend(counted.files);
        summary.formats.extend(counted.formats);
        summary.rows += counts.rows;
        summary.malformed += counts.malformed;
        summary.outside_windows += counts.outside_windows;
        summary.unselected += counts.unselected;
        summary.excluded += counts.excluded;
        summary.matched += counts.matched;
        latest = latest.max(counts.latest);
        first_malformed.extend(
            counts
                .first_malformed
                .iter()
                .map(|p| (&pass.inputs[p.input_index], p.clone())),
        );
        warnings.extend(counted.warnings);
        wrong_unit |= counted.wrong_unit;
        results.extend(counted.results);
    }
    if !config.strict
        && config
            .max_malformed
            .exceeded(summary.malformed, summary.rows)
    {
        return Err(unreadable(&summary, &first_malformed, config.max_malformed));
    }
    summary.latest = latest.map(Timestamp);
    // Results in spec order, whatever pass computed them.
    results.sort_by_key(|(index, _)| *index);
    // Appended to the first SLO's results: a report of 100 000 groups is not copied whole.
    let mut parts = results.into_iter().map(|(_, r)| r);
    let mut results: Vec<SloResult> = parts.next().unwrap_or_default();
    for part in parts {
        results.extend(part);
    }
    if let Some(latest) = latest.filter(|_| !wrong_unit) {
        if results.iter().all(|r| r.status == Status::NoData) {
            warnings.push(match config.between {
                Some((from, to)) => format!(
                    "no event lies in the interval {}..{}: the newest row is from {}",
                    format_rfc3339(from),
                    format_rfc3339(to),
                    format_rfc3339(latest)
                ),
                // Rows in the windows that are no SLO's event: not selected, excluded, or
                // invalid (a misspelt field) — not a matter of where `A` is.
                None if summary.unselected + summary.excluded + summary.matched > 0 => format!(
                    "no result has an event at {}, though {} rows lie in the windows or their \
                     alert lookbacks: {} selected by no SLO's filter, {} in exclusions, {} {}",
                    format_rfc3339(at),
                    summary.unselected + summary.excluded + summary.matched,
                    summary.unselected,
                    summary.excluded,
                    summary.matched,
                    if crate::policy::selected_only_in_lookbacks(summary.matched, &results) {
                        "selected but only in alert lookbacks that reach past the windows' start"
                    } else {
                        "invalid for their SLO"
                    }
                ),
                None => format!(
                    "every window is empty at {}: the newest row is from {}; evaluate there with --at latest",
                    format_rfc3339(at),
                    format_rfc3339(latest)
                ),
            });
        }
    }
    if config.at == At::Latest {
        warnings.extend(ahead_of_clock(at, &summary));
    }
    Ok(ComputedReport {
        report: Report {
            evaluated_at: Timestamp(at),
            between: config.between.map(|(from, to)| Interval {
                from: Timestamp(from),
                to: Timestamp(to),
            }),
            inputs: summary,
            results,
        },
        warnings,
    })
}

/// How far past this machine's clock the latest row may lie before `--at latest` warns of it:
/// clocks that keep time differ by seconds, not minutes.
const CLOCK_SKEW_NS: i64 = 5 * 60 * NANOS_PER_SECOND;

/// A warning when `--at latest` found the latest row `at` ahead of this machine's clock: one
/// row with a wrong time (a year typed wrong, a zone missed) then decides where every window
/// ends, and the rows of the present may all lie outside them, with nothing else to tell.
fn ahead_of_clock(at: UnixNanos, summary: &InputSummary) -> Option<String> {
    let now = crate::config::now().ok()?;
    let ahead = at.saturating_sub(now);
    #[allow(
        clippy::cast_precision_loss,
        reason = "a duration to show in words, to the second"
    )]
    let seconds = (ahead / NANOS_PER_SECOND) as f64;
    (ahead > CLOCK_SKEW_NS).then(|| {
        format!(
            "--at latest evaluates at {}, the latest timestamp in the logs, {} after this \
             machine's clock: a row with a wrong time decides where every window ends ({} of \
             the {} rows read lie outside them); give --at a time, or --at now",
            format_rfc3339(at),
            humanize_seconds(seconds),
            summary.outside_windows,
            summary.rows
        )
    })
}

/// The error for logs with more malformed rows than `--max-malformed` allows: the share, the
/// first reasons, and what the first such log looks like, since the usual cause is a log
/// read in another format than it is written in.
fn unreadable(
    summary: &InputSummary,
    first: &[(&LogInput, RowProblem)],
    limit: MalformedLimit,
) -> anyhow::Error {
    let mut message = format!(
        "{} of the rows read are malformed ({} of {}), more than --max-malformed {} allows; \
         figures from the rest would not be the truth",
        MalformedLimit::share(summary.malformed, summary.rows),
        summary.malformed,
        summary.rows,
        limit
    );
    for (_, problem) in first.iter().take(3) {
        message.push_str(&format!(
            "\n  {}:{}: {}",
            problem.input, problem.line, problem.reason
        ));
    }
    // Standard input or a pipe cannot be read again to look at it.
    let looks_like = first
        .iter()
        .map(|(log, _)| *log)
        .find(|log| log.rereadable())
        .and_then(|log| {
            let mut reader = input::open(log).ok()?;
            input::looks_like(reader.fill_buf().ok()?)
        });
    let check = "check that --input-format or source.format (and source.log_format) and \
                 source.timestamp describe the log as it is written; --max-malformed raises the \
                 limit";
    message.push_str(&match looks_like {
        Some(shape) => format!("\nthe log looks like {shape}: {check}"),
        None => format!("\n{check}"),
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

/// The warning for an SLO whose groups past `--max-groups` were folded into `(other)`;
/// `read_once` when the logs could not be read a second time to find the busiest groups.
fn folded_warning(slo: &Slo, folded: Folded, max_groups: u32, read_once: bool) -> String {
    let fields = slo
        .group_by
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    if folded.estimated {
        let shown = match folded.shown {
            1 => "1 group".to_string(),
            n => format!("{n} groups"),
        };
        let which = match folded.passed_over {
            None => format!("the {shown} shown are the busiest in the first window"),
            Some(events) => {
                let reason = if read_once {
                    "; a log read from standard input or a pipe cannot be read a second time to \
                     rank more: give it as a file"
                } else {
                    ""
                };
                format!(
                    "{shown} shown: past the memory bound a group is shown only when it has \
                     more events in the first window than any group in (other) may have \
                     ({events}){reason}; group by coarser fields to see them all"
                )
            }
        };
        format!(
            "SLO {}: too many distinct groups of ({fields}) to keep each in memory (more than {} \
             or {} MiB of values): about {} are counted, exactly, in one (other) group; {which}",
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
        // A field the logs never have is most often misspelt: every row lands in one group.
        for (index, field) in slo.group_by.iter().enumerate() {
            let mut shown = slo_tally.groups().filter(|g| g.folded.is_none()).peekable();
            let named = shown.peek().is_some();
            if named && shown.all(|g| g.values.get(index).is_some_and(Option::is_none)) {
                warnings.push(format!(
                    "SLO {}: no row has the `group_by` field `{field}`, so all are in one group \
                     ({field}=(missing)); is it written as the logs name it?",
                    slo.name
                ));
            }
        }
    }
    warnings
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::cli::{Cli, Command};
    use crate::report::BudgetPoint;

    /// The run of `slo report ARGS` on the bundled examples.
    fn run_config(args: &[&str]) -> RunConfig {
        let root = env!("CARGO_MANIFEST_DIR");
        let specs = format!("{root}/slo-specs");
        let mut argv = vec!["-s", specs.as_str()];
        argv.extend_from_slice(args);
        resolve(&argv)
    }

    /// The run of `slo report -q ARGS`.
    fn resolve(args: &[&str]) -> RunConfig {
        let mut argv = vec!["slo", "report", "-q"];
        argv.extend_from_slice(args);
        let Command::Report(report) = Cli::parse_from(argv).command else {
            unreachable!("a report")
        };
        RunConfig::resolve(&report.run).expect("the examples resolve")
    }

    /// Logs whose last lines gave `--at latest` a time, and that hold no row when counted,
    /// were emptied in between (logrotate's copytruncate): said as such, not as logs that
    /// hold no rows. Logs that never held one are still said to hold none.
    #[test]
    fn logs_emptied_after_their_last_lines_were_read_are_said_to_have_changed() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("log.csv");
        std::fs::write(&log, "").unwrap();
        let root = env!("CARGO_MANIFEST_DIR");
        let spec = format!("{root}/slo-specs/api.yaml");
        let config = resolve(&["-s", &spec, log.to_str().unwrap(), "--at", "latest"]);
        let guess = crate::time::parse_instant("2026-10-15T23:59:00Z").unwrap();
        let error = latest_after_guess(&config, &config.passes, guess)
            .unwrap_err()
            .to_string();
        assert!(
            error.starts_with("--at latest: the logs changed while they were read: their last lines held a row at 2026-10-15T23:59:00Z"),
            "{error}"
        );
        let error = evaluation_instant(&config, At::Latest, &config.passes)
            .unwrap_err()
            .to_string();
        assert!(error.contains("the logs hold no rows"), "{error}");
    }

    /// Every point of every trend is exactly the budget left that the report at its instant
    /// gives for the same SLO, group and window: rolling windows, groups, a Europe/Berlin month
    /// (whose trend starts at the period's start) and timeslices; during the checkout outage,
    /// so that the trends hold spent budgets, and with a limit that folds groups.
    #[test]
    fn each_trend_point_is_the_report_at_its_instant() {
        for args in [
            &["--at", "2026-10-02T18:00:00Z"][..],
            &["--at", "2026-10-15T23:59:02.383Z", "--max-groups", "2"][..],
        ] {
            let trended = compute_with_trend(&run_config(args)).unwrap().report;
            let mut spent = 0;
            for result in &trended.results {
                let points = result.budget_trend.as_ref().expect("a trend");
                assert_eq!(points.len(), crate::evaluate::TREND_POINTS);
                assert_eq!(points.last().unwrap().at, result.end, "ends at A");
                for &BudgetPoint {
                    at,
                    remaining,
                    exhausted,
                } in points
                {
                    let instant = format_rfc3339(at.0);
                    let mut at_args = args.to_vec();
                    at_args[1] = &instant;
                    let report = compute(&run_config(&at_args)).unwrap().report;
                    let single = report
                        .results
                        .iter()
                        .find(|r| {
                            r.slo == result.slo
                                && r.group == result.group
                                && r.window == result.window
                        })
                        .unwrap_or_else(|| panic!("{} at {instant}", result.slo));
                    assert_eq!(
                        (remaining, exhausted),
                        (
                            single.error_budget.remaining,
                            single.status == Status::Exhausted
                                || (single.status == Status::LowTraffic
                                    && single.error_budget.remaining.is_some_and(|r| r <= 0.0))
                        ),
                        "{} {:?} [{}] at {instant}",
                        result.slo,
                        result.group,
                        result.window
                    );
                    spent += usize::from(exhausted);
                }
            }
            assert!(spent > 0, "some trend holds a spent budget");
        }
    }

    /// The instants are evenly spaced across the window: from its start for a rolling window,
    /// from the period's start for a calendar one.
    #[test]
    fn trend_instants_divide_the_window_evenly() {
        let report = compute_with_trend(&run_config(&["--at", "2026-10-15T23:59:02.383Z"]))
            .unwrap()
            .report;
        for result in &report.results {
            let points = result.budget_trend.as_ref().unwrap();
            let span = i128::from(result.end.0 - result.start.0);
            for (i, point) in points.iter().enumerate() {
                let step = span * (i as i128 + 1) / 8;
                assert_eq!(
                    i128::from(point.at.0),
                    i128::from(result.start.0) + step,
                    "{} [{}]",
                    result.slo,
                    result.window
                );
            }
        }
    }

    /// Counting the trend's earlier events changes nothing else: the report is the one
    /// without trends, row accounting and warnings included.
    #[test]
    fn a_trend_leaves_the_report_as_it_is() {
        for at in ["2026-10-02T18:00:00Z", "2026-10-15T23:59:02.383Z"] {
            let config = run_config(&["--at", at, "--max-groups", "3"]);
            let plain = compute(&config).unwrap();
            let mut trended = compute_with_trend(&config).unwrap();
            for result in &mut trended.report.results {
                result.budget_trend = None;
            }
            assert_eq!(
                serde_json::to_value(&plain.report).unwrap(),
                serde_json::to_value(&trended.report).unwrap()
            );
            assert_eq!(plain.warnings, trended.warnings);
        }
    }

    /// Rows that only the trend's earlier windows hold are counted for the trend alone: a
    /// group seen only there is no result, an invalid row there is not reported (nor an
    /// error under `--strict`), and the rows are outside every window.
    #[test]
    fn rows_only_the_trend_holds_stay_outside_the_report() {
        let dir = tempfile::tempdir().unwrap();
        let spec = dir.path().join("spec.yaml");
        let log = dir.path().join("log.csv");
        std::fs::write(
            &spec,
            "version: 1\nslos:\n  - name: api\n    objective: 99\n    windows: [1h]\n    \
             good: status < 500\n    group_by: [route]\n    alerts: []\n",
        )
        .unwrap();
        // /old and the invalid row lie 90 minutes before A: in the window at the trend's
        // first instants (A − 52.5m and later reach back to A − 1h52.5m), not in A's.
        std::fs::write(
            &log,
            "timestamp,route,status\n2026-03-10T10:30:00Z,/old,503\n\
             2026-03-10T10:30:00Z,/new,oops\n2026-03-10T11:30:00Z,/new,200\n",
        )
        .unwrap();
        let (spec, log) = (spec.to_str().unwrap(), log.to_str().unwrap());
        for strict in [false, true] {
            let mut args = vec!["-s", spec, log, "--at", "2026-03-10T12:00:00Z"];
            if strict {
                args.push("--strict");
            }
            let config = resolve(&args);
            let plain = compute(&config).unwrap();
            let trended = compute_with_trend(&config).unwrap();
            assert_eq!(trended.report.results.len(), 1, "only /new");
            assert_eq!(trended.report.results[0].invalid, 0);
            assert_eq!(
                serde_json::to_value(&plain.report.inputs).unwrap(),
                serde_json::to_value(&trended.report.inputs).unwrap()
            );
            assert_eq!(trended.report.inputs.outside_windows, 2);
            assert_eq!(plain.warnings, trended.warnings);
            // The first instant's window, (A − 1h52.5m, A − 52.5m], holds the invalid row:
            // no event of /new, so no data.
            let points = trended.report.results[0].budget_trend.as_ref().unwrap();
            assert_eq!(points[0].remaining, None);
            assert_eq!(points[7].remaining, Some(1.0));
        }
    }
}
