//! `slo check`: the same computation, a terse verdict, and an exit status by policy.

use crate::cli::{CheckArgs, ColorWhen};
use crate::config::RunConfig;
use crate::exit::ExitStatus;
use crate::policy::{FailOn, Verdict};
use crate::render::{self, OutputFormat, RenderOptions};

pub(super) fn run(args: &CheckArgs, color: ColorWhen) -> anyhow::Result<ExitStatus> {
    let config = RunConfig::resolve(&args.run)?;
    let computed = super::compute::compute(&config)?;
    if !args.run.quiet {
        computed.print_warnings();
    }
    let fail_on: Vec<FailOn> = args.fail_on.iter().map(|&f| f.into()).collect();
    let verdict = Verdict::of(&computed.report, &fail_on);
    let format = args
        .run
        .format
        .map_or(OutputFormat::Verdict, OutputFormat::from);
    // The other formats do not say why the check fails when no result has an event.
    if let (Some(reason), false) = (&verdict.no_events, format == OutputFormat::Verdict) {
        crate::visible::eprint_lines(format_args!(
            "check failed: no result has any event: {reason}"
        ));
    }
    let status = verdict.status();
    // A passing check under -q says nothing on standard output, as cron wants of a job that
    // has nothing to report (cron mails whatever a job prints); a failing one still does.
    let silent = args.run.quiet
        && format == OutputFormat::Verdict
        && status == ExitStatus::Success
        && args.run.output.is_none();
    if silent {
        return Ok(status);
    }
    let options = RenderOptions {
        color: super::use_color(color, args.run.output.as_deref()),
        charset: super::charset(),
        width: super::terminal_width(args.run.output.as_deref()),
        verdict,
        threads: config.threads,
    };
    super::render_output(args.run.output.as_deref(), |out| {
        render::renderer(format, &options).render(&computed.report, out)
    })?;
    Ok(status)
}
