//! `slo report`: the full report in the chosen format.

use crate::cli::{ColorWhen, RunArgs};
use crate::exit::ExitStatus;
use crate::policy::FailOn;
use crate::render::{self, OutputFormat, RenderOptions};

pub(super) fn run(args: &RunArgs, color: ColorWhen) -> anyhow::Result<ExitStatus> {
    let outcome = super::compute::compute(args)?;
    if !args.quiet {
        outcome.print_warnings();
    }
    let options = RenderOptions {
        color: super::use_color(color, args.output.as_deref()),
        // junit marks failures by the default policy of `check`.
        fail_on: vec![FailOn::Exhausted],
    };
    let mut out = Vec::new();
    render::renderer(args.format.unwrap_or(OutputFormat::Table), &options)
        .render(&outcome.report, &mut out)?;
    super::write_output(&out, args.output.as_deref())?;
    Ok(ExitStatus::Success)
}
