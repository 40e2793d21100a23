//! A [`Backtest`] as a table, JSON, CSV or Markdown.

use std::io::{self, Write};

use crate::backtest::{Backtest, BacktestResult};
use crate::render::human::budget_percent;
use crate::render::OutputFormat;

/// Writes `backtest` in `format` (table, json, csv or markdown).
///
/// # Errors
///
/// A failed write, or a format a backtest is not written in.
pub fn render_backtest(
    format: OutputFormat,
    backtest: &Backtest,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        OutputFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, backtest)?;
            writeln!(out)
        }
        OutputFormat::Csv => csv(backtest, out),
        OutputFormat::Markdown => markdown(backtest, out),
        OutputFormat::Table => table(backtest, out),
        _ => Err(io::Error::other(
            "a backtest is written as a table, json, csv or markdown",
        )),
    }
}

/// `checkout-availability {service=cart}` or the SLO's name alone.
fn label(result: &BacktestResult) -> String {
    if result.group.is_empty() {
        return result.slo.clone();
    }
    let groups: Vec<String> = result
        .group
        .iter()
        .map(|(field, value)| format!("{field}={}", value.as_deref().unwrap_or("(missing)")))
        .collect();
    crate::visible::Visible(&format!("{} {{{}}}", result.slo, groups.join(", "))).to_string()
}

fn end(end: Option<crate::time::Timestamp>) -> String {
    end.map_or_else(|| "still firing".to_string(), |t| t.to_string())
}

/// The start of an episode or burn, and `(under way)` when it began before the backtest's
/// first instant (so that it is not read as starting there).
fn start(start: crate::time::Timestamp, began_earlier: bool) -> String {
    if began_earlier {
        format!("{start} (under way)")
    } else {
        start.to_string()
    }
}

/// The time some alert fired, as people read a duration (`10m`, `1h 30m`); `minutes_firing`
/// in the machine formats.
fn time_firing(result: &BacktestResult) -> String {
    crate::time::humanize_seconds((result.minutes_firing * 60.0).round())
}

fn table(backtest: &Backtest, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "Alert backtest from {} to {} every {}s",
        backtest.from, backtest.to, backtest.step_s
    )?;
    for result in &backtest.results {
        writeln!(
            out,
            "\n{} ({}): {} page{}, {} ticket{}, {} firing",
            label(result),
            result.window,
            result.pages,
            if result.pages == 1 { "" } else { "s" },
            result.tickets,
            if result.tickets == 1 { "" } else { "s" },
            time_firing(result)
        )?;
        for e in &result.episodes {
            writeln!(
                out,
                "  {:6} {}/{:4} {} → {}  peak {:.1}×  budget spent {}",
                e.severity.to_uppercase(),
                e.long,
                e.short,
                start(e.start, e.began_earlier),
                end(e.end),
                e.peak_burn_rate,
                budget_percent(e.budget_spent)
            )?;
        }
        for b in &result.unalerted_burns {
            writeln!(
                out,
                "  NO ALERT while burning {:.1}× over {}: {} → {}",
                b.peak_burn_rate,
                b.lookback,
                start(b.start, b.began_earlier),
                b.end
                    .map_or_else(|| "the end".to_string(), |t| t.to_string())
            )?;
        }
    }
    Ok(())
}

fn csv(backtest: &Backtest, out: &mut dyn Write) -> io::Result<()> {
    let mut writer = ::csv::Writer::from_writer(out);
    writer.write_record([
        "slo",
        "group",
        "window",
        "kind",
        "severity",
        "long",
        "short",
        "start",
        "end",
        "peak_burn_rate",
        "budget_spent",
        "pages",
        "tickets",
        "minutes_firing",
        "began_earlier",
    ])?;
    for r in &backtest.results {
        let group = serde_json::to_string(&r.group).unwrap_or_default();
        let common = [r.slo.clone(), group, r.window.clone()];
        let summary = [
            r.pages.to_string(),
            r.tickets.to_string(),
            r.minutes_firing.to_string(),
        ];
        let mut row = common.to_vec();
        row.extend([
            "summary".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ]);
        row.extend([
            backtest.from.to_string(),
            backtest.to.to_string(),
            String::new(),
            String::new(),
        ]);
        row.extend(summary.clone());
        row.push(String::new());
        writer.write_record(&row)?;
        for e in &r.episodes {
            let mut row = common.to_vec();
            row.extend([
                "episode".to_string(),
                e.severity.clone(),
                e.long.clone(),
                e.short.clone(),
                e.start.to_string(),
                e.end.map(|t| t.to_string()).unwrap_or_default(),
                e.peak_burn_rate.to_string(),
                e.budget_spent.to_string(),
            ]);
            row.extend([String::new(), String::new(), String::new()]);
            row.push(e.began_earlier.to_string());
            writer.write_record(&row)?;
        }
        for b in &r.unalerted_burns {
            let mut row = common.to_vec();
            row.extend([
                "unalerted_burn".to_string(),
                String::new(),
                b.lookback.clone(),
                String::new(),
                b.start.to_string(),
                b.end.map(|t| t.to_string()).unwrap_or_default(),
                b.peak_burn_rate.to_string(),
                String::new(),
            ]);
            row.extend([String::new(), String::new(), String::new()]);
            row.push(b.began_earlier.to_string());
            writer.write_record(&row)?;
        }
    }
    writer.flush()
}

fn markdown(backtest: &Backtest, out: &mut dyn Write) -> io::Result<()> {
    let cell = |text: &str| text.replace('|', "\\|");
    writeln!(
        out,
        "### Alert backtest from {} to {}\n\n| SLO | window | pages | tickets | time firing | unalerted burns |\n|---|---|---:|---:|---:|---:|",
        backtest.from, backtest.to
    )?;
    for r in &backtest.results {
        writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            cell(&label(r)),
            cell(&r.window),
            r.pages,
            r.tickets,
            time_firing(r),
            r.unalerted_burns.len()
        )?;
    }
    let episodes: Vec<_> = backtest
        .results
        .iter()
        .flat_map(|r| r.episodes.iter().map(move |e| (r, e)))
        .collect();
    if !episodes.is_empty() {
        writeln!(
            out,
            "\n| SLO | alert | start | end | peak burn rate | budget spent |\n|---|---|---|---|---:|---:|"
        )?;
        for (r, e) in episodes {
            writeln!(
                out,
                "| {} | {} {}/{} | {} | {} | {:.1}× | {} |",
                cell(&label(r)),
                e.severity,
                e.long,
                e.short,
                start(e.start, e.began_earlier),
                end(e.end),
                e.peak_burn_rate,
                budget_percent(e.budget_spent)
            )?;
        }
    }
    Ok(())
}
