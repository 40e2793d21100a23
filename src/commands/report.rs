//! `slo report`: the full report in the chosen format; with `--from`, `--to` and `--every`, the
//! report at every instant of a history.

use anyhow::bail;

use crate::cli::{ColorWhen, ReportArgs};
use crate::config::{RunConfig, Series};
use crate::exit::ExitStatus;
use crate::policy::{FailOn, Verdict};
use crate::render::{self, OutputFormat, RenderOptions};

pub(super) fn run(args: &ReportArgs, color: ColorWhen) -> anyhow::Result<ExitStatus> {
    let run = &args.run;
    let format = run.format.map_or(OutputFormat::Table, OutputFormat::from);
    let series = Series::resolve(args)?;
    let history_format = matches!(
        format,
        OutputFormat::Table | OutputFormat::Json | OutputFormat::Csv | OutputFormat::Html
    );
    if series.is_some() && !history_format {
        bail!(
            "a history (--from) is written as a table, json, csv or html; the other formats \
             describe one instant (use --at)"
        );
    }
    let config = RunConfig::resolve(run)?;
    let output = run.output.as_deref();
    let color = super::use_color(color, run.output.as_deref());
    if format == OutputFormat::Html {
        let (facts, warnings) = super::html::report_over_time(&config, series)?;
        if !run.quiet {
            for warning in &warnings {
                crate::visible::eprint_lines(format_args!("warning: {warning}"));
            }
        }
        super::render_output(output, |out| render::render_html(&facts, out))?;
    } else if let Some(series) = series {
        let computed = super::compute::compute_history(&config, &series)?;
        // Every instant's warnings cover the same rows: the last instant's say it once.
        if let (false, Some(last)) = (run.quiet, computed.last()) {
            last.print_warnings();
        }
        let reports: Vec<_> = computed.into_iter().map(|c| c.report).collect();
        let Some(last) = reports.last() else {
            bail!("the history has no instant");
        };
        // Only Markdown and JUnit read the verdict, and they write no history.
        let options = RenderOptions {
            color,
            charset: super::charset(),
            width: super::terminal_width(output),
            verdict: Verdict::of(last, &[FailOn::Exhausted]),
            threads: config.threads,
        };
        super::render_output(output, |out| {
            render::renderer(format, &options).render_history(&reports, out)
        })?;
    } else {
        // Only the table draws the budget trends (as sparklines): the other formats need not
        // count the earlier events they are made of.
        let computed = if format == OutputFormat::Table {
            super::compute::compute_with_trend(&config)?
        } else {
            super::compute::compute(&config)?
        };
        if !run.quiet {
            computed.print_warnings();
        }
        let options = RenderOptions {
            color,
            charset: super::charset(),
            width: super::terminal_width(output),
            // junit marks failures by the default policy of `check`.
            verdict: Verdict::of(&computed.report, &[FailOn::Exhausted]),
            threads: config.threads,
        };
        super::render_output(output, |out| {
            render::renderer(format, &options).render(&computed.report, out)
        })?;
    }
    Ok(ExitStatus::Success)
}
