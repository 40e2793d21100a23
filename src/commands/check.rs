//! `slo check`: the same computation, a terse verdict, and an exit status by policy.

use std::fmt::Write as _;

use crate::cli::{CheckArgs, ColorWhen};
use crate::exit::ExitStatus;
use crate::policy::{self, fails};
use crate::render::{self, RenderOptions};
use crate::report::Report;

pub(super) fn run(args: &CheckArgs, color: ColorWhen) -> anyhow::Result<ExitStatus> {
    let outcome = super::compute::compute(&args.run)?;
    if !args.run.quiet {
        outcome.print_warnings();
    }
    let options = RenderOptions {
        color: super::use_color(color, args.run.output.as_deref()),
        fail_on: args.fail_on.clone(),
    };
    let mut out = Vec::new();
    match args.run.format {
        Some(format) => {
            render::renderer(format, &options).render(&outcome.report, &mut out)?;
            // The report does not say why the check fails when nothing failed its policy.
            if let Some(reason) = policy::no_events(&outcome.report) {
                eprintln!("check failed: no result has any event: {reason}");
            }
        }
        None => out = verdict(&outcome.report, args).into_bytes(),
    }
    super::write_output(&out, args.run.output.as_deref())?;
    Ok(policy::check_status(&outcome.report, &args.fail_on))
}

/// One line per failing result, then a summary line.
fn verdict(report: &Report, args: &CheckArgs) -> String {
    let mut text = String::new();
    let mut failed = 0;
    for result in &report.results {
        if !fails(result, &args.fail_on) {
            continue;
        }
        failed += 1;
        let group = if result.group.is_empty() {
            String::new()
        } else {
            format!(" {{{}}}", result.group_label())
        };
        let detail = match result.error_budget.remaining {
            Some(remaining) => format!(
                "SLI {} against {} %, {:.1} % of the error budget left",
                render::percent(result.sli.unwrap_or(0.0)),
                result.objective,
                remaining * 100.0
            ),
            None => "no events in the window".to_string(),
        };
        let _ = writeln!(
            text,
            "FAIL {}{} [{}]: {}: {}",
            result.slo,
            group,
            result.window,
            result.status.as_str(),
            detail
        );
    }
    let policy: Vec<&str> = args
        .fail_on
        .iter()
        .map(|f| match f {
            policy::FailOn::Exhausted => "exhausted",
            policy::FailOn::AtRisk => "at-risk",
            policy::FailOn::NoData => "no-data",
        })
        .collect();
    let empty = policy::no_events(report);
    if let Some(reason) = &empty {
        let _ = writeln!(text, "FAIL no result has any event: {reason}");
    }
    let _ = writeln!(
        text,
        "{}: {} of {} results fail the policy (--fail-on {}) at {}",
        if failed == 0 && empty.is_none() {
            "ok"
        } else {
            "FAILED"
        },
        failed,
        report.results.len(),
        policy.join(","),
        report.evaluated_at
    );
    text
}
