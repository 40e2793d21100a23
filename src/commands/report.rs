//! `slo report`: the full report in the chosen format.

use crate::cli::RunArgs;
use crate::exit::ExitStatus;
use crate::policy::FailOn;
use crate::render::{self, OutputFormat, RenderOptions};

pub(super) fn run(args: &RunArgs, color: bool) -> anyhow::Result<ExitStatus> {
    let outcome = super::compute::compute(args)?;
    outcome.print_warnings();
    let options = RenderOptions {
        color,
        // junit marks failures by the default policy of `check`.
        fail_on: vec![FailOn::Exhausted],
    };
    let mut out = Vec::new();
    render::renderer(args.format.unwrap_or(OutputFormat::Table), &options)
        .render(&outcome.report, &mut out)?;
    super::write_stdout(&out)?;
    Ok(ExitStatus::Success)
}
