//! `slo backtest`: each SLO's alert policy replayed over a past period.

use anyhow::bail;

use crate::backtest;
use crate::cli::BacktestArgs;
use crate::config::{RunConfig, Series};
use crate::exit::ExitStatus;
use crate::render::{self, OutputFormat};

pub(super) fn run(args: &BacktestArgs) -> anyhow::Result<ExitStatus> {
    let run = &args.run;
    let format = run.format.map_or(OutputFormat::Table, OutputFormat::from);
    if !matches!(
        format,
        OutputFormat::Table | OutputFormat::Json | OutputFormat::Csv | OutputFormat::Markdown
    ) {
        bail!("a backtest is written as a table, json, csv or markdown");
    }
    if run.between.is_some() {
        bail!("--between evaluates one interval; a backtest replays instants from --from to --to");
    }
    // `now` is --at's default: any other was given, and a backtest has no use for it.
    if run.at != "now" {
        bail!(
            "--at evaluates one instant; a backtest replays instants from --from to --to \
             (--to {} ends it)",
            run.at
        );
    }
    // The instant before --from too: the budget spent in an episode under way at --from is
    // counted from there, as in any other episode.
    let series = Series {
        lead_in: true,
        ..Series::parse(&args.from, &args.to, &args.every)?
    };
    let config = RunConfig::resolve(run)?;
    let computed = super::compute::compute_history(&config, &series)?;
    if let (false, Some(last)) = (run.quiet, computed.last()) {
        last.print_warnings();
    }
    let reports: Vec<_> = computed.into_iter().map(|c| c.report).collect();
    let Some((before, period)) = reports.split_first() else {
        bail!("the backtest has no instant");
    };
    let replayed = backtest::replay(before, period, series.every);
    super::render_output(run.output.as_deref(), |out| {
        render::render_backtest(format, &replayed, out)
    })?;
    Ok(ExitStatus::Success)
}
