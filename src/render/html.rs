//! `-f html`: one self-contained page (inline CSS and SVG, no script, no network) with, per
//! SLO × group × window, the tiles of the table and four charts over time.
//!
//! The page formats a [`ReportOverTime`] computed by the pipeline: every point of every chart
//! is a figure of some report of its history. Nothing here counts or evaluates; the drawing
//! only maps figures to coordinates. Every text from the specs or the logs is escaped, so a
//! group value cannot inject markup; numbers are written with fixed precision so that the same
//! input gives the same bytes.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};

use super::summary::{signals_text, status_label, Cells};
use super::Renderer;
use crate::report::{GroupLabels, Report, SloResult, Status};
use crate::time::{format_rfc3339, SpanDuration, UnixNanos};

/// What the HTML page draws: the report at steps across the windows (or across the history
/// asked for with `--from/--to/--every`), and the events in each step.
#[derive(Debug, Clone)]
pub struct ReportOverTime {
    /// The report at each instant, oldest first; the last is the report the tiles show.
    pub history: Vec<Report>,
    /// At the same instants, each SLO evaluated over one rolling window of `step`: its good and
    /// bad events in the bucket `(t − step, t]`.
    pub buckets: Vec<Report>,
    /// The step between instants.
    pub step: SpanDuration,
    /// Whether the instants are a history asked for (`--from/--to/--every`): every chart then
    /// spans all of it. Otherwise they span the longest window, and each chart its own window.
    pub asked_for: bool,
    /// For each calendar window, the periods before the current one, oldest first: how each
    /// ended.
    pub past_periods: Vec<PastPeriod>,
}

/// One past period of a calendar window: the results of its SLO × window (one per group) at
/// its last instant, which cover the whole period.
#[derive(Debug, Clone)]
pub struct PastPeriod {
    /// The period as people name it: `2026-09`, `week of 2026-09-28`, `2026 Q3`.
    pub name: String,
    /// The results of the SLO × window, one per group.
    pub results: Vec<SloResult>,
}

/// The page of one report without a history (`check -f html`): tiles, and charts of one
/// point. `report -f html` computes a [`ReportOverTime`] and calls [`render_html`].
#[derive(Debug, Clone, Copy)]
pub struct HtmlRenderer;

impl Renderer for HtmlRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let facts = ReportOverTime {
            history: vec![report.clone()],
            buckets: Vec::new(),
            step: SpanDuration::from_seconds(60),
            asked_for: false,
            past_periods: Vec::new(),
        };
        render_html(&facts, out)
    }
}

/// Writes the page of `facts` to `out`.
///
/// # Errors
///
/// A failed write to `out`.
pub fn render_html(facts: &ReportOverTime, out: &mut dyn Write) -> io::Result<()> {
    let mut page = String::new();
    page_into(&mut page, facts);
    out.write_all(page.as_bytes())
}

const STYLE: &str = "\
:root{--fg:#1b1f24;--muted:#57606a;--line:#d0d7de;--bg:#fff;--tile:#f6f8fa;\
--ok:#1a7f37;--risk:#9a6700;--bad:#cf222e;--nodata:#6e7781;--blue:#0969da;--good:#8fb8e8}\n\
*{box-sizing:border-box}\n\
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:var(--fg);\
background:var(--bg);margin:0 auto;max-width:1120px;padding:16px 24px}\n\
h1{font-size:22px;margin:8px 0}h2{font-size:18px;margin:0 0 4px}\n\
.meta{color:var(--muted);margin:0 0 12px}\n\
table.index{border-collapse:collapse;width:100%;margin:8px 0 24px}\n\
.index th,.index td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left}\n\
.index td:first-child{overflow-wrap:anywhere;min-width:10em}.index .num{white-space:nowrap}h2,.meta{overflow-wrap:anywhere}\n\
.index .num{text-align:right;font-variant-numeric:tabular-nums}\n\
.index caption{text-align:left;font-weight:600;padding:4px 0}\n\
section.result{border-top:2px solid var(--line);padding:16px 0 8px}\n\
.tiles{display:grid;grid-template-columns:repeat(5,1fr);gap:8px;margin:8px 0 12px}\n\
.tile{background:var(--tile);border-radius:6px;padding:8px 12px}\n\
.tile .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}\n\
.tile .value{font-size:20px;font-weight:600;font-variant-numeric:tabular-nums}\n\
.status{font-weight:700;border-radius:4px;padding:1px 6px;white-space:nowrap}\n\
.status-ok{color:var(--ok)}.status-at_risk{color:var(--risk)}\
.status-exhausted{color:var(--bad)}.status-no_data,.status-low_traffic{color:var(--nodata)}\n\
.charts{display:grid;grid-template-columns:1fr 1fr;gap:12px}\n\
figure{margin:0}figcaption{font-weight:600;margin:0 0 2px}\n\
svg.chart{width:100%;height:auto;display:block}\n\
.axis{stroke:var(--muted);stroke-width:1}.grid{stroke:var(--line);stroke-width:1}\n\
.tick,.axis-label,.legend{fill:var(--muted);font-size:11px}\n\
.series{fill:none;stroke:var(--blue);stroke-width:2;stroke-linecap:round;stroke-linejoin:round}\n\
.series.short{stroke:#8250df;stroke-width:1.5}\n\
.target{stroke:var(--fg);stroke-width:1;stroke-dasharray:5 4}\n\
.ideal{stroke:var(--muted);stroke-width:1.5;stroke-dasharray:2 3}\n\
.zero{stroke:var(--fg);stroke-width:1}\n\
.area-above{fill:#1a7f3733}.area-below{fill:#cf222e55}\n\
.bar-good{fill:var(--good)}.bar-bad{fill:var(--bad)}\n\
.firing{fill:#cf222e22}.below-target{fill:#cf222e22}\n\
.empty{fill:var(--muted);font-size:13px}\n\
@media (max-width:800px){body{padding:8px}.charts{grid-template-columns:1fr}.tiles{grid-template-columns:repeat(2,1fr)}\
.index th,.index td{padding:3px 4px;font-size:12px}table.index{display:block;overflow-x:auto}}\n\
@media print{section.result{break-inside:avoid}}\n";

fn page_into(page: &mut String, facts: &ReportOverTime) {
    let Some(now) = facts.history.last() else {
        return;
    };
    let first = facts.history.first().map_or(0, |r| r.evaluated_at.0);
    let evaluated = now.evaluated_at.to_string();
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>SLO report at {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>SLO report</h1>\n<p class=\"meta\">Evaluated at {}. {} result{}. \
         {}. Rows read: {}; malformed: {}; outside every window: {}{}.</p>\n</header>\n",
        esc(&evaluated),
        esc(&evaluated),
        now.results.len(),
        if now.results.len() == 1 { "" } else { "s" },
        if facts.history.len() == 1 {
            "Charts of this one instant".to_string()
        } else {
            esc(&format!(
                "Charts from {} to {evaluated}, a point every {}",
                format_rfc3339(first),
                facts.step.as_written()
            ))
        },
        now.inputs.rows,
        now.inputs.malformed,
        now.inputs.outside_windows,
        in_exclusions(now.inputs.excluded),
    );
    index_into(page, now);
    spenders_into(page, now);
    let indexes = Indexes {
        history: ResultsByKey::of(&facts.history, true),
        buckets: ResultsByKey::of(&facts.buckets, false),
        past_periods: ResultsByKey::of_results(
            facts.past_periods.iter().map(|p| (p, p.results.as_slice())),
            true,
        ),
    };
    for (index, result) in now.results.iter().enumerate() {
        result_into(page, facts, &indexes, index, result);
    }
    page.push_str("</body>\n</html>\n");
}

/// The table of every result with links to its section.
fn index_into(page: &mut String, now: &Report) {
    page.push_str(
        "<table class=\"index\">\n<thead><tr><th scope=\"col\">SLO</th><th scope=\"col\">Window\
         </th><th scope=\"col\">Status</th><th scope=\"col\" class=\"num\">SLI</th>\
         <th scope=\"col\" class=\"num\">Objective</th><th scope=\"col\" class=\"num\">Budget \
         left</th><th scope=\"col\" class=\"num\">Empty in</th></tr></thead>\n\
         <tbody>\n",
    );
    for (index, result) in now.results.iter().enumerate() {
        let cells = Cells::of(result);
        let _ = writeln!(
            page,
            "<tr><td><a href=\"#r{index}\">{}</a></td><td>{}</td><td>{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td></tr>",
            esc(&cells.name),
            esc(&cells.window),
            status_badge(result.status),
            esc(&cells.sli),
            esc(&cells.objective),
            esc(&cells.budget_left),
            esc(&cells.empty_in),
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

/// Most groups listed per SLO × window under "where the budget went".
const SPENDERS: usize = 10;

/// Per grouped SLO × window, the groups with the most bad events first: where the budget went.
fn spenders_into(page: &mut String, now: &Report) {
    // Each SLO × window once, in the report's order. Results come by SLO, group, window: the
    // windows of one SLO alternate, so repeats are not next to each other.
    let mut keys: Vec<(&str, &str)> = Vec::new();
    for result in now
        .results
        .iter()
        .filter(|r| !r.group.is_empty() || r.folded.is_some())
    {
        let key = (result.slo.as_str(), result.window.as_str());
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    if keys.is_empty() {
        return;
    }
    page.push_str("<h2>Where the budget went</h2>\n");
    for (slo, window) in keys {
        let mut groups: Vec<(usize, &SloResult)> = now
            .results
            .iter()
            .enumerate()
            .filter(|(_, r)| r.slo == slo && r.window == window)
            .collect();
        // The most bad events first; the report's order (by group) breaks ties.
        groups.sort_by(|a, b| b.1.bad.cmp(&a.1.bad).then(a.0.cmp(&b.0)));
        let _ = write!(
            page,
            "<table class=\"index\">\n<caption>{} · {}: the groups with the most bad events \
             ({} of {})</caption>\n<thead><tr><th scope=\"col\">Group</th><th scope=\"col\" \
             class=\"num\">Bad events</th><th scope=\"col\" class=\"num\">Events</th><th \
             scope=\"col\" class=\"num\">Budget left</th>\
             <th scope=\"col\">Status</th></tr></thead>\n<tbody>\n",
            esc(&crate::visible::visible(slo)),
            esc(window),
            groups.len().min(SPENDERS),
            groups.len(),
        );
        for (index, result) in groups.into_iter().take(SPENDERS) {
            let cells = Cells::of(result);
            let _ = writeln!(
                page,
                "<tr><td><a href=\"#r{index}\">{}</a></td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                esc(&cells.group),
                result.bad,
                result.total,
                esc(&cells.budget_left),
                status_badge(result.status),
            );
        }
        page.push_str("</tbody>\n</table>\n");
    }
}

/// The status as a word and a sign, never by colour alone.
fn status_badge(status: Status) -> String {
    let sign = match status {
        Status::Exhausted => "✖",
        Status::AtRisk => "▲",
        Status::NoData => "○",
        Status::LowTraffic => "◔",
        Status::Ok => "✔",
    };
    format!(
        "<span class=\"status status-{}\">{sign} {}</span>",
        status.as_str(),
        status_label(status)
    )
}

/// The figures of one result at one instant of the history.
struct Point<'a> {
    at: UnixNanos,
    result: &'a SloResult,
}

/// The results of a page's history, buckets and past periods, by [`ResultKey`].
struct Indexes<'a> {
    history: ResultsByKey<'a>,
    buckets: ResultsByKey<'a>,
    past_periods: ResultsByKey<'a, &'a PastPeriod>,
}

/// What identifies a result across the reports of a history: SLO, group, window (`None` for the
/// buckets, which have one window each) and whether it is `(other)` — not how many groups it
/// holds, which changes from one instant to the next.
type ResultKey<'a> = (&'a str, &'a GroupLabels, Option<&'a str>, bool);

/// The results of each report of a history (or of each past period, `T` its name) by
/// [`ResultKey`], so that a page of thousands of groups finds a result's point at each instant
/// at once, not by a search of every result.
struct ResultsByKey<'a, T = UnixNanos> {
    reports: Vec<(T, HashMap<ResultKey<'a>, &'a SloResult>)>,
    with_window: bool,
}

impl<'a> ResultsByKey<'a> {
    fn of(reports: &'a [Report], with_window: bool) -> Self {
        Self::of_results(
            reports
                .iter()
                .map(|r| (r.evaluated_at.0, r.results.as_slice())),
            with_window,
        )
    }

    /// The points of `result` at the instants that `keep` keeps, oldest first.
    fn points(&self, result: &SloResult, keep: impl Fn(UnixNanos) -> bool) -> Vec<Point<'a>> {
        self.matches(result)
            .filter(|(at, _)| keep(*at))
            .filter_map(|(at, other)| other.map(|result| Point { at, result }))
            .collect()
    }
}

impl<'a, T: Copy> ResultsByKey<'a, T> {
    fn of_results(reports: impl Iterator<Item = (T, &'a [SloResult])>, with_window: bool) -> Self {
        let reports = reports
            .map(|(tag, results)| {
                let mut by_key = HashMap::with_capacity(results.len());
                for result in results {
                    // The first of equal keys, as a search from the start would find.
                    by_key
                        .entry(result_key(result, with_window))
                        .or_insert(result);
                }
                (tag, by_key)
            })
            .collect();
        ResultsByKey {
            reports,
            with_window,
        }
    }

    /// Each report's tag, with its result that is `result`'s there if it has one.
    fn matches<'s>(
        &'s self,
        result: &'s SloResult,
    ) -> impl Iterator<Item = (T, Option<&'a SloResult>)> + 's {
        let key = result_key(result, self.with_window);
        self.reports
            .iter()
            .map(move |(tag, by_key)| (*tag, by_key.get(&key).copied()))
    }
}

fn result_key(result: &SloResult, with_window: bool) -> ResultKey<'_> {
    (
        &result.slo,
        &result.group,
        with_window.then_some(result.window.as_str()),
        result.folded.is_some(),
    )
}

fn result_into(
    page: &mut String,
    facts: &ReportOverTime,
    indexes: &Indexes,
    index: usize,
    result: &SloResult,
) {
    let cells = Cells::of(result);
    let first = facts.history.first().map_or(0, |r| r.evaluated_at.0);
    // Across the history asked for; else across the window of the last instant, or the whole
    // history when it starts later.
    let (x0, x1) = if facts.history.len() == 1 {
        // One instant (`check -f html`): its point in the middle of each chart.
        (result.end.0 - 1, result.end.0 + 1)
    } else if facts.asked_for {
        (first, result.end.0.max(first + 1))
    } else {
        let x0 = result.start.0.max(first);
        (x0, result.end.0.max(x0 + 1))
    };
    let points = indexes.history.points(result, |at| at >= x0);
    // A bucket `(t − step, t]` with `t` at the window's start lies before the window. One that
    // begins before the window would count events from before it (the month before a calendar
    // month; a week of steps against a day's window): where the window at `t` starts where the
    // chart does, its own counts are the bucket's part in the window.
    let step = facts.step.nanos();
    let buckets: Vec<Point> = indexes
        .buckets
        .points(result, |at| at > x0)
        .into_iter()
        .map(|bucket| {
            if bucket.at - step >= x0 {
                return bucket;
            }
            match points.binary_search_by_key(&bucket.at, |p| p.at) {
                Ok(at) if points[at].result.start.0 == x0 => Point {
                    at: bucket.at,
                    result: points[at].result,
                },
                _ => bucket,
            }
        })
        .collect();
    let mut group = String::new();
    if !cells.group.is_empty() {
        let _ = write!(group, " · {}", esc(&cells.group));
    }
    let _ = write!(
        page,
        "<section class=\"result\" id=\"r{index}\" aria-labelledby=\"h{index}\">\n\
         <h2 id=\"h{index}\">{}{group} · {}</h2>\n<p class=\"meta\">{}Window {} to {}; \
         budgeting: {}; {} good and {} bad of {} events; {} invalid{}.</p>\n",
        esc(&cells.slo),
        esc(&cells.window),
        result
            .service
            .as_deref()
            .map(|s| format!("Service {}. ", esc(&crate::visible::visible(s))))
            .unwrap_or_default(),
        esc(&result.start.to_string()),
        esc(&result.end.to_string()),
        esc(result.budgeting),
        result.good,
        result.bad,
        result.total,
        result.invalid,
        in_exclusions(result.excluded),
    );
    let _ = write!(
        page,
        "<div class=\"tiles\">\n{}{}{}{}\
         <div class=\"tile\"><div class=\"label\">Status</div><div class=\"value\">{}</div></div>\n\
         </div>\n",
        tile("SLI", &cells.sli),
        tile("Objective", &cells.objective),
        tile("Budget left", &cells.budget_left),
        tile("Budget empty in", &cells.empty_in),
        status_badge(result.status),
    );
    // The SLA, the golden signals and the words of the error-budget policy, when the SLO has
    // them.
    let extras: [Option<(&str, String)>; 3] = [
        (!cells.sla.is_empty()).then(|| ("SLA", cells.sla.clone())),
        signals_text(result).map(|text| ("Golden signals", text)),
        result.policy.as_ref().map(|p| {
            (
                "Policy",
                format!("{} ({})", crate::visible::visible(&p.text), p.rule),
            )
        }),
    ];
    for (label, text) in extras.into_iter().flatten() {
        let _ = writeln!(
            page,
            "<p><strong>{}:</strong> {}</p>",
            esc(label),
            esc(&text)
        );
    }
    past_periods_into(page, &indexes.past_periods, result);
    page.push_str("<div class=\"charts\">\n");
    let frame = Frame { x0, x1, index };
    budget_chart(page, &frame, result, &points);
    sli_chart(page, &frame, result, &points);
    events_chart(page, &frame, &facts.step, &buckets);
    for (rule, alert) in result.alerts.iter().enumerate() {
        burn_chart(page, &frame, rule, alert, &points);
    }
    page.push_str("</div>\n</section>\n");
}

/// For a calendar window, how its past periods ended: the SLI and whether it met the
/// objective, in words and a sign.
fn past_periods_into(
    page: &mut String,
    past_periods: &ResultsByKey<&PastPeriod>,
    result: &SloResult,
) {
    let periods: Vec<(&str, Option<&SloResult>)> = past_periods
        .matches(result)
        .filter(|(p, _)| {
            p.results
                .first()
                .is_some_and(|r| r.slo == result.slo && r.window == result.window)
        })
        .map(|(p, same)| (p.name.as_str(), same))
        .collect();
    if periods.is_empty() {
        return;
    }
    let met = periods
        .iter()
        .filter(|(_, r)| r.and_then(|r| r.objective_met) == Some(true))
        .count();
    let missed = periods
        .iter()
        .filter(|(_, r)| r.and_then(|r| r.objective_met) == Some(false))
        .count();
    let _ = write!(
        page,
        "<table class=\"index periods\">\n<caption>The {} periods before this one: {met} met \
         the objective, {missed} missed it</caption>\n<thead><tr><th scope=\"col\">Period</th>\
         <th scope=\"col\" class=\"num\">SLI</th><th scope=\"col\" class=\"num\">Objective\
         </th><th scope=\"col\" class=\"num\">Bad/total</th><th scope=\"col\">Objective met\
         </th></tr></thead>\n<tbody>\n",
        periods.len(),
    );
    for (name, period) in periods {
        let (sli, events, verdict) = match period {
            Some(r) => {
                let cells = Cells::of(r);
                (cells.sli, cells.events, met_badge(r.objective_met))
            }
            None => ("–".to_string(), "–".to_string(), met_badge(None)),
        };
        let _ = writeln!(
            page,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{} %</td>\
             <td class=\"num\">{}</td><td>{verdict}</td></tr>",
            esc(name),
            esc(&sli),
            esc(&result.objective.to_string()),
            esc(&events),
        );
    }
    page.push_str("</tbody>\n</table>\n");
}

/// Whether a period met its objective, as a word and a sign, never by colour alone.
fn met_badge(met: Option<bool>) -> &'static str {
    match met {
        Some(true) => "<span class=\"status status-ok\">✔ met</span>",
        Some(false) => "<span class=\"status status-exhausted\">✖ missed</span>",
        None => "<span class=\"status status-no_data\">○ no data</span>",
    }
}

fn tile(label: &str, value: &str) -> String {
    format!(
        "<div class=\"tile\"><div class=\"label\">{}</div><div class=\"value\">{}</div></div>\n",
        esc(label),
        esc(value)
    )
}

/// The time span of a result's charts and its index (for unique element ids).
struct Frame {
    x0: UnixNanos,
    x1: UnixNanos,
    index: usize,
}

const WIDTH: f64 = 520.0;
const HEIGHT: f64 = 214.0;
const LEFT: f64 = 60.0;
/// Room for half a time label right of the last tick.
const RIGHT: f64 = 36.0;
/// Room above the plot for the legend.
const TOP: f64 = 26.0;
const LEGEND_Y: f64 = 12.0;
const BOTTOM: f64 = 40.0;

/// A chart's coordinates: time across, `y0..y1` up.
struct Plot<'a> {
    frame: &'a Frame,
    y0: f64,
    y1: f64,
}

impl Plot<'_> {
    fn x(&self, at: UnixNanos) -> f64 {
        let span = (self.frame.x1 - self.frame.x0) as f64;
        LEFT + (at - self.frame.x0) as f64 / span * (WIDTH - LEFT - RIGHT)
    }

    fn y(&self, value: f64) -> f64 {
        let value = value.clamp(self.y0, self.y1);
        let span = (self.y1 - self.y0).max(f64::MIN_POSITIVE);
        HEIGHT - BOTTOM - (value - self.y0) / span * (HEIGHT - TOP - BOTTOM)
    }

    /// The opening of the chart: the svg element with its text alternative, the grid, the axes
    /// and their labels.
    fn open(&self, page: &mut String, id: &str, title: &str, desc: &str, y_label: &str) {
        let _ = write!(
            page,
            "<figure>\n<figcaption id=\"{id}-c\">{}</figcaption>\n\
             <svg class=\"chart\" data-chart=\"{}\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" \
             aria-labelledby=\"{id}-t\" aria-describedby=\"{id}-d\" \
             xmlns=\"http://www.w3.org/2000/svg\">\n<title id=\"{id}-t\">{}</title>\n\
             <desc id=\"{id}-d\">{}</desc>\n",
            esc(title),
            id.split('-').next().unwrap_or(id),
            esc(title),
            esc(desc),
        );
        for k in 0..=4 {
            let value = self.y0 + (self.y1 - self.y0) * f64::from(k) / 4.0;
            let y = self.y(value);
            let _ = writeln!(
                page,
                "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
                 <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
                WIDTH - RIGHT,
                LEFT - 4.0,
                y + 4.0,
                esc(&tick_value(value, self.y1 - self.y0)),
            );
        }
        let (ticks, whole_days) = time_ticks(self.frame.x0, self.frame.x1);
        for at in ticks {
            let x = self.x(at);
            let label = if whole_days {
                format_rfc3339(at).get(5..10).map(str::to_string)
            } else {
                None
            };
            let _ = writeln!(
                page,
                "<line class=\"axis\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
                 <text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                HEIGHT - BOTTOM,
                HEIGHT - BOTTOM + 3.0,
                HEIGHT - BOTTOM + 14.0,
                esc(&label.unwrap_or_else(|| short_time(at))),
            );
        }
        let _ = writeln!(
            page,
            "<line class=\"axis\" x1=\"{LEFT}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
             <line class=\"axis\" x1=\"{LEFT}\" y1=\"{TOP}\" x2=\"{LEFT}\" y2=\"{:.1}\"/>\n\
             <text class=\"axis-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">time (UTC)</text>\n\
             <text class=\"axis-label\" transform=\"translate(12 {:.1}) rotate(-90)\" \
             text-anchor=\"middle\">{}</text>",
            HEIGHT - BOTTOM,
            WIDTH - RIGHT,
            HEIGHT - BOTTOM,
            HEIGHT - BOTTOM,
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            HEIGHT - 6.0,
            TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
            esc(y_label),
        );
    }

    /// A line through the points with a value; a gap where a point has none. A point with no
    /// neighbour to join (the only one, or one between gaps) is drawn as a short dash across
    /// it: a lone `M x,y` draws nothing, and such a point may be the peak that fired an alert.
    fn line(&self, points: impl Iterator<Item = (UnixNanos, Option<f64>)>) -> String {
        let mut path = String::new();
        // The points of the run being drawn, since the last gap.
        let mut run: Vec<(f64, f64)> = Vec::new();
        let finish = |run: &mut Vec<(f64, f64)>, path: &mut String| {
            match run.as_slice() {
                [] => {}
                [(x, y)] => {
                    let _ = write!(path, " M{:.1},{y:.1} L{:.1},{y:.1}", x - 4.0, x + 4.0);
                }
                [(x, y), rest @ ..] => {
                    let _ = write!(path, " M{x:.1},{y:.1}");
                    for (x, y) in rest {
                        let _ = write!(path, " L{x:.1},{y:.1}");
                    }
                }
            }
            run.clear();
        };
        for (at, value) in points {
            match value {
                Some(v) => run.push((self.x(at), self.y(v))),
                None => finish(&mut run, &mut path),
            }
        }
        finish(&mut run, &mut path);
        path.trim_start().to_string()
    }

    fn empty(&self, page: &mut String, text: &str) {
        let _ = writeln!(
            page,
            "<text class=\"empty\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            LEFT + (WIDTH - LEFT - RIGHT) / 2.0,
            TOP + (HEIGHT - TOP - BOTTOM) / 2.0,
            esc(text)
        );
    }
}

fn close(page: &mut String) {
    page.push_str("</svg>\n</figure>\n");
}

/// Budget left (percent) over the window: an area above zero, another below it, and the ideal
/// burn: a straight line from the whole budget at the window's start to none at its end (for a
/// calendar window, the period's end: at `A` it stands at the share of the period left).
fn budget_chart(page: &mut String, frame: &Frame, result: &SloResult, points: &[Point]) {
    let values: Vec<(UnixNanos, Option<f64>)> = points
        .iter()
        .map(|p| (p.at, p.result.error_budget.remaining.map(|r| r * 100.0)))
        .collect();
    let known: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
    // Overspending by more than a whole budget is drawn at the bottom edge; the text says how far.
    let lowest = known.iter().copied().fold(0.0, f64::min).max(-100.0);
    let plot = Plot {
        frame,
        y0: if lowest < 0.0 { lowest.floor() } else { 0.0 },
        y1: 100.0,
    };
    let desc = match (known.first(), known.last()) {
        (Some(first), Some(last)) => format!(
            "Budget left went from {first:.1} % to {last:.1} % (lowest {:.1} %), over {} points. \
             The ideal burn, spending the budget evenly over the window, leaves {:.1} % at the \
             end.",
            known.iter().copied().fold(f64::INFINITY, f64::min),
            known.len(),
            100.0 * (1.0 - result.elapsed.unwrap_or(1.0)),
        ),
        _ => "No events in the window: no budget to show.".to_string(),
    };
    let id = format!("budget-{}", frame.index);
    plot.open(
        page,
        &id,
        "Error budget left over the window",
        &desc,
        "budget left (%)",
    );
    if known.is_empty() {
        plot.empty(page, "no data");
    } else {
        let zero = plot.y(0.0);
        let line = plot.line(values.iter().copied());
        // The area between the line and zero, coloured by side of zero through two clips.
        let _ = writeln!(
            page,
            "<clipPath id=\"{id}-up\"><rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{zero:.1}\"/></clipPath>\
             <clipPath id=\"{id}-down\"><rect x=\"0\" y=\"{zero:.1}\" width=\"{WIDTH}\" height=\"{:.1}\"/></clipPath>",
            HEIGHT - zero
        );
        for area in areas(&plot, &values, zero) {
            let _ = writeln!(
                page,
                "<path class=\"area-above\" clip-path=\"url(#{id}-up)\" d=\"{area}\"/>\
                 <path class=\"area-below\" clip-path=\"url(#{id}-down)\" d=\"{area}\"/>"
            );
        }
        // From (start, 100 %) to (A, share left), cut to the chart's span.
        let (start, end) = (result.start.0, result.end.0.max(result.start.0 + 1));
        let left_at_end = 100.0 * (1.0 - result.elapsed.unwrap_or(1.0));
        let ideal = |at: UnixNanos| {
            let done = (at - start) as f64 / (end - start) as f64;
            100.0 + (left_at_end - 100.0) * done
        };
        let _ = writeln!(
            page,
            "<line class=\"zero\" x1=\"{LEFT}\" y1=\"{zero:.1}\" x2=\"{:.1}\" y2=\"{zero:.1}\"/>\
             <line class=\"ideal\" x1=\"{:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>\
             <path class=\"series\" d=\"{line}\"/>",
            WIDTH - RIGHT,
            plot.x(frame.x0.max(start)),
            plot.y(ideal(frame.x0.max(start))),
            plot.x(frame.x1),
            plot.y(ideal(frame.x1)),
        );
        legend_lines(page, &[("series", "budget left"), ("ideal", "ideal burn")]);
    }
    close(page);
}

/// Closed paths between each run of known values and the `zero` line.
fn areas(plot: &Plot, values: &[(UnixNanos, Option<f64>)], zero: f64) -> Vec<String> {
    let mut areas = Vec::new();
    for run in values.split(|(_, v)| v.is_none()) {
        let (Some(first), Some(last)) = (run.first(), run.last()) else {
            continue;
        };
        let mut path = format!("M{:.1},{zero:.1}", plot.x(first.0));
        for (at, value) in run {
            let _ = write!(
                path,
                " L{:.1},{:.1}",
                plot.x(*at),
                plot.y(value.unwrap_or(0.0))
            );
        }
        let _ = write!(path, " L{:.1},{zero:.1} Z", plot.x(last.0));
        areas.push(path);
    }
    areas
}

/// SLI over time against the objective, the instants below it shaded.
fn sli_chart(page: &mut String, frame: &Frame, result: &SloResult, points: &[Point]) {
    let objective = result.objective;
    let values: Vec<(UnixNanos, Option<f64>)> = points
        .iter()
        .map(|p| (p.at, p.result.sli.map(|s| s * 100.0)))
        .collect();
    let known: Vec<f64> = values.iter().filter_map(|(_, v)| *v).collect();
    let lowest = known.iter().copied().fold(f64::INFINITY, f64::min);
    // Show the objective with as much room below it as above it, or down to the lowest SLI.
    let y0 = (objective - (100.0 - objective)).min(lowest).max(0.0);
    let plot = Plot {
        frame,
        y0,
        y1: 100.0,
    };
    let below = known.iter().filter(|v| **v < objective).count();
    let desc = if known.is_empty() {
        "No events in the window: no SLI to show.".to_string()
    } else {
        format!(
            "SLI between {lowest:.3} % and {:.3} % against an objective of {objective} %; \
             below the objective at {below} of {} points.",
            known.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            known.len()
        )
    };
    let id = format!("sli-{}", frame.index);
    plot.open(
        page,
        &id,
        "SLI over time against the objective",
        &desc,
        "SLI (%)",
    );
    if known.is_empty() {
        plot.empty(page, "no data");
    } else {
        shade_steps(page, &plot, &values, |v| v < objective, "below-target");
        let y = plot.y(objective);
        let _ = writeln!(
            page,
            "<line class=\"target\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">objective {} %</text>\n\
             <path class=\"series\" d=\"{}\"/>",
            WIDTH - RIGHT,
            WIDTH - RIGHT - 2.0,
            y - 4.0,
            esc(&objective.to_string()),
            plot.line(values.iter().copied()),
        );
    }
    close(page);
}

/// Shades the step ending at each instant whose value passes `shaded`.
fn shade_steps(
    page: &mut String,
    plot: &Plot,
    values: &[(UnixNanos, Option<f64>)],
    shaded: impl Fn(f64) -> bool,
    class: &str,
) {
    // One rectangle per run of shaded steps: rectangles of fine steps, each widened to be
    // seen, would overlap and stack their translucent fill to a solid one.
    let mut rect = |from: UnixNanos, to: UnixNanos| {
        let x = plot.x(from);
        let _ = writeln!(
            page,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{TOP}\" width=\"{:.1}\" height=\"{:.1}\"/>",
            (plot.x(to) - x).max(1.0),
            HEIGHT - TOP - BOTTOM
        );
    };
    let mut previous = plot.frame.x0;
    let mut run: Option<(UnixNanos, UnixNanos)> = None;
    for &(at, value) in values {
        if value.is_some_and(&shaded) {
            run = Some(run.map_or((previous, at), |(from, _)| (from, at)));
        } else if let Some((from, to)) = run.take() {
            rect(from, to);
        }
        previous = at;
    }
    if let Some((from, to)) = run {
        rect(from, to);
    }
}

/// Good and bad events in each step, stacked.
fn events_chart(page: &mut String, frame: &Frame, step: &SpanDuration, buckets: &[Point]) {
    let highest = buckets.iter().map(|b| b.result.total).max().unwrap_or(0);
    // A multiple of the four grid steps, so that every tick is a whole count.
    #[allow(clippy::cast_precision_loss, reason = "a chart's scale")]
    let plot = Plot {
        frame,
        y0: 0.0,
        y1: (highest.max(1).div_ceil(4) * 4) as f64,
    };
    let (good, bad): (u64, u64) = buckets
        .iter()
        .fold((0, 0), |(g, b), p| (g + p.result.good, b + p.result.bad));
    // Only `timeslices` counts slices; `ratio_timeslices` counts events, as occurrences do.
    let unit = if buckets
        .first()
        .is_some_and(|b| b.result.budgeting == "timeslices")
    {
        "time slices"
    } else {
        "events"
    };
    let desc = format!(
        "Good and bad {unit} in each {} step: {good} good and {bad} bad in {} step{}; at most \
         {highest} in one step.",
        step.as_written(),
        buckets.len(),
        if buckets.len() == 1 { "" } else { "s" }
    );
    let id = format!("events-{}", frame.index);
    let title = format!("Good and bad {unit} per {}", step.as_written());
    plot.open(page, &id, &title, &desc, &format!("{unit} per step"));
    let step_nanos = step.nanos();
    for bucket in buckets {
        let x = plot.x((bucket.at - step_nanos).max(frame.x0));
        let width = (plot.x(bucket.at) - x - 1.0).max(1.0);
        #[allow(clippy::cast_precision_loss, reason = "a chart's scale")]
        let (good_top, bad_top) = (
            plot.y(bucket.result.good as f64),
            plot.y(bucket.result.total as f64),
        );
        let base = plot.y(0.0);
        if bucket.result.good > 0 {
            let _ = writeln!(
                page,
                "<rect class=\"bar-good\" x=\"{x:.1}\" y=\"{good_top:.1}\" width=\"{width:.1}\" height=\"{:.1}\"/>",
                base - good_top
            );
        }
        if bucket.result.bad > 0 {
            let _ = writeln!(
                page,
                "<rect class=\"bar-bad\" x=\"{x:.1}\" y=\"{bad_top:.1}\" width=\"{width:.1}\" height=\"{:.1}\"/>",
                (good_top - bad_top).max(1.0)
            );
        }
    }
    legend(page, &[("bar-good", "good"), ("bar-bad", "bad")]);
    close(page);
}

/// Colour keys in the top-left corner of a chart.
fn legend(page: &mut String, keys: &[(&str, &str)]) {
    let mut x = LEFT + 8.0;
    for (class, text) in keys {
        let _ = writeln!(
            page,
            "<rect class=\"{class}\" x=\"{x:.1}\" y=\"{:.1}\" width=\"10\" height=\"10\"/>\
             <text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            LEGEND_Y - 7.0,
            x + 14.0,
            LEGEND_Y + 2.0,
            esc(text)
        );
        x += 24.0 + 7.0 * text.chars().count() as f64;
    }
}

/// The burn rates over an alert's two lookbacks against its threshold, firing instants shaded.
fn burn_chart(
    page: &mut String,
    frame: &Frame,
    rule: usize,
    alert: &crate::report::AlertState,
    points: &[Point],
) {
    let series = |lookback: &str| -> Vec<(UnixNanos, Option<f64>)> {
        points
            .iter()
            .map(|p| (p.at, p.result.burn_rates.get(lookback)))
            .collect()
    };
    let long = series(&alert.long);
    let short = series(&alert.short);
    let firing: Vec<(UnixNanos, Option<f64>)> = points
        .iter()
        .map(|p| {
            let fires = p
                .result
                .alerts
                .iter()
                .find(|a| {
                    a.severity == alert.severity && a.long == alert.long && a.short == alert.short
                })
                .is_some_and(|a| a.firing);
            (p.at, Some(if fires { 1.0 } else { 0.0 }))
        })
        .collect();
    let highest = long
        .iter()
        .chain(&short)
        .filter_map(|(_, v)| *v)
        .fold(alert.threshold * 1.5, f64::max);
    let plot = Plot {
        frame,
        y0: 0.0,
        y1: nice_top(highest),
    };
    let fired = firing.iter().filter(|(_, v)| *v == Some(1.0)).count();
    // A lookback without events at every point has no burn rate at all, not a peak of 0×.
    let peak = |lookback: &str, values: &[(UnixNanos, Option<f64>)]| match values
        .iter()
        .filter_map(|(_, v)| *v)
        .reduce(f64::max)
    {
        Some(peak) => format!("over {lookback} peaked at {peak:.2}×"),
        None => format!("over {lookback} has no events at any point"),
    };
    let title = format!(
        "Burn rate for the {} alert ({} and {}) against {}×",
        alert.severity,
        alert.long,
        alert.short,
        times(alert.threshold)
    );
    let desc = format!(
        "Burn rate {} and {}, against a threshold of {:.2}×; the alert fired at {fired} of {} \
         points.",
        peak(&alert.long, &long),
        peak(&alert.short, &short),
        alert.threshold,
        points.len()
    );
    let id = format!("burn-{}-{rule}", frame.index);
    plot.open(page, &id, &title, &desc, "burn rate (×)");
    shade_steps(page, &plot, &firing, |v| v > 0.0, "firing");
    let y = plot.y(alert.threshold);
    let _ = writeln!(
        page,
        "<line class=\"target\" x1=\"{LEFT}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\n\
         <path class=\"series\" d=\"{}\"/>\n<path class=\"series short\" d=\"{}\"/>",
        WIDTH - RIGHT,
        plot.line(long.iter().copied()),
        plot.line(short.iter().copied()),
    );
    let long_key = format!("{} (long)", alert.long);
    let short_key = format!("{} (short)", alert.short);
    legend_lines(
        page,
        &[
            ("series", &long_key),
            ("series short", &short_key),
            ("target", "threshold"),
            ("firing", "firing"),
        ],
    );
    close(page);
}

/// Keys of line series (and one shaded key) in the top-left corner of a chart.
fn legend_lines(page: &mut String, keys: &[(&str, &str)]) {
    let mut x = LEFT + 8.0;
    for (class, text) in keys {
        let y = LEGEND_Y - 2.0;
        if *class == "firing" {
            let _ = write!(
                page,
                "<rect class=\"firing\" x=\"{x:.1}\" y=\"{:.1}\" width=\"14\" height=\"10\"/>",
                y - 5.0
            );
        } else {
            let _ = write!(
                page,
                "<line class=\"{class}\" x1=\"{x:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>",
                x + 14.0
            );
        }
        let _ = writeln!(
            page,
            "<text class=\"legend\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            x + 18.0,
            y + 4.0,
            esc(text)
        );
        x += 28.0 + 6.0 * text.chars().count() as f64;
    }
}

/// A burn rate with at most two decimals and no trailing zeros: `14.4`, `1`, `0.48`.
/// The top of a scale from 0 that holds `value`, such that its four grid steps are round
/// numbers (`1`, `1.5`, `2`, `2.5`, `3`, `4`, `5`, `6` or `8` times a power of ten), so that
/// each gridline's label is its value: 21.6 becomes 24, labelled 6, 12, 18, 24.
fn nice_top(value: f64) -> f64 {
    if value.is_nan() || value <= 0.0 || value.is_infinite() {
        return 1.0;
    }
    let step = value / 4.0;
    let power = 10f64.powf(step.log10().floor());
    let nice = [1.0, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|&s| s >= step * (1.0 - 1e-12))
        .unwrap_or(10.0 * power);
    nice * 4.0
}

fn times(rate: f64) -> String {
    let text = format!("{rate:.2}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// A tick's value with as few digits as its chart's span needs.
fn tick_value(value: f64, span: f64) -> String {
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else if span >= 0.2 {
        2
    } else {
        3
    };
    let text = format!("{value:.decimals$}");
    if text
        .trim_start_matches('-')
        .chars()
        .all(|c| c == '0' || c == '.')
    {
        "0".to_string()
    } else {
        text
    }
}

/// Tick spacings for the time axis, in seconds: the first that gives at most five ticks is used.
const TICK_SPACINGS: [i64; 13] = [
    60,
    5 * 60,
    15 * 60,
    30 * 60,
    3600,
    3 * 3600,
    6 * 3600,
    12 * 3600,
    86_400,
    2 * 86_400,
    7 * 86_400,
    14 * 86_400,
    28 * 86_400,
];

/// Round instants (multiples of a spacing, in UTC) between `x0` and `x1`, at most five, and
/// whether they are all midnights (then the date alone labels them).
fn time_ticks(x0: UnixNanos, x1: UnixNanos) -> (Vec<UnixNanos>, bool) {
    const NANOS: i64 = 1_000_000_000;
    let span = x1 - x0;
    let spacing = TICK_SPACINGS
        .iter()
        .map(|s| s * NANOS)
        .find(|s| span / s <= 4)
        .unwrap_or(TICK_SPACINGS[TICK_SPACINGS.len() - 1] * NANOS);
    let first = x0.div_euclid(spacing) * spacing
        + if x0.rem_euclid(spacing) == 0 {
            0
        } else {
            spacing
        };
    let ticks = (0..)
        .map(|k| first + k * spacing)
        .take_while(|&at| at <= x1)
        .collect();
    (ticks, spacing % (86_400 * NANOS) == 0)
}

/// `10-02 18:00`: month, day, hour and minute in UTC.
fn short_time(at: UnixNanos) -> String {
    let text = format_rfc3339(at);
    text.get(5..16)
        .map_or(text.clone(), |t| t.replace('T', " "))
}

/// `text` with the characters that mean something in HTML replaced by references, and control
/// characters shown as visible escapes.
fn esc(text: &str) -> String {
    let visible = crate::visible::visible(text);
    let mut escaped = String::with_capacity(visible.len());
    for c in visible.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            c => escaped.push(c),
        }
    }
    escaped
}

/// `; N in exclusions` for rows that lie in an SLO's exclusions (neither events nor invalid),
/// or nothing when there are none.
fn in_exclusions(rows: u64) -> String {
    if rows == 0 {
        String::new()
    } else {
        format!("; {rows} in exclusions")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(
            esc("<script>alert('x') & \"y\"</script>"),
            "&lt;script&gt;alert(&#39;x&#39;) &amp; &quot;y&quot;&lt;/script&gt;"
        );
    }

    #[test]
    fn burn_scales_end_where_every_gridline_is_round() {
        use super::nice_top;
        assert_eq!(nice_top(21.6), 24.0);
        assert_eq!(nice_top(1000.0), 1000.0);
        assert_eq!(nice_top(0.72), 0.8);
        assert_eq!(nice_top(1.5), 1.6);
        assert_eq!(nice_top(0.0), 1.0);
        for value in [0.03, 0.7, 3.3, 14.4 * 1.5, 96.8, 12345.0] {
            let step = nice_top(value) / 4.0;
            assert!(nice_top(value) >= value, "{value}");
            // A step with at most two significant digits: its label is its value.
            let digits = format!("{step:e}");
            assert!(
                digits.split('e').next().unwrap().len() <= 3,
                "{value}: {digits}"
            );
        }
    }

    #[test]
    fn time_ticks_fall_on_round_instants() {
        let hour = 3_600_000_000_000;
        // 2026-10-02T17:30Z to 2026-10-03T17:30Z: 18:00, 00:00, 06:00 and 12:00.
        let x0 = 1_790_962_200_000_000_000;
        let (ticks, whole_days) = time_ticks(x0, x0 + 24 * hour);
        assert_eq!(ticks.len(), 4);
        assert!(!whole_days);
        assert!(ticks.iter().all(|t| t % (6 * hour) == 0));
        assert!(ticks.iter().all(|&t| t >= x0 && t <= x0 + 24 * hour));
    }

    #[test]
    fn ticks_take_the_digits_their_span_needs() {
        assert_eq!(tick_value(99.85, 0.2), "99.85");
        assert_eq!(tick_value(50.0, 100.0), "50");
        assert_eq!(tick_value(-0.0001, 1.0), "0");
        assert_eq!(times(1.0), "1");
        assert_eq!(times(14.4), "14.4");
        assert_eq!(times(0.4833), "0.48");
    }
}
