//! `slo report`: the full report in the chosen format.

use crate::cli::{ColorWhen, RunArgs};
use crate::config::RunConfig;
use crate::exit::ExitStatus;
use crate::policy::{FailOn, Verdict};
use crate::render::{self, OutputFormat, RenderOptions};

pub(super) fn run(args: &RunArgs, color: ColorWhen) -> anyhow::Result<ExitStatus> {
    let config = RunConfig::resolve(args)?;
    let computed = super::compute::compute(&config)?;
    if !args.quiet {
        computed.print_warnings();
    }
    let options = RenderOptions {
        color: super::use_color(color, args.output.as_deref()),
        // junit marks failures by the default policy of `check`.
        verdict: Verdict::of(&computed.report, &[FailOn::Exhausted]),
    };
    let format = args.format.map_or(OutputFormat::Table, OutputFormat::from);
    let mut out = Vec::new();
    render::renderer(format, &options).render(&computed.report, &mut out)?;
    super::write_output(&out, args.output.as_deref())?;
    Ok(ExitStatus::Success)
}
