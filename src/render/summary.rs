//! The figures of a result as people read them, shared by the formats for people (table,
//! markdown, the messages of junit): one skeleton, so a figure reads the same everywhere.

use super::{budget_percent, count, latency, percent, points, rate};
use crate::report::{Report, SloResult, Status};
use crate::time::humanize_seconds;
use crate::visible::visible;

/// A column of the formats for people.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// The header in a terminal table: `BUDGET LEFT`.
    pub upper: &'static str,
    /// The header in a document: `Budget left`.
    pub title: &'static str,
}

/// The columns of [`Cells::texts`], in order; `GROUP` only when a result has a group,
/// `SLA` only when an SLO has one, `INVALID` and `EXCLUDED` only when a result has invalid or
/// excluded rows (see [`Layout`]).
const COLUMNS: [Column; 13] = [
    Column {
        upper: "SLO",
        title: "SLO",
    },
    Column {
        upper: "GROUP",
        title: "Group",
    },
    Column {
        upper: "WINDOW",
        title: "Window",
    },
    Column {
        upper: "SLI",
        title: "SLI",
    },
    Column {
        upper: "OBJECTIVE",
        title: "Objective",
    },
    Column {
        upper: "SLA",
        title: "SLA",
    },
    Column {
        upper: "BAD/TOTAL",
        title: "Bad/total",
    },
    Column {
        upper: "INVALID",
        title: "Invalid",
    },
    Column {
        upper: "EXCLUDED",
        title: "Excluded",
    },
    Column {
        upper: "BUDGET LEFT",
        title: "Budget left",
    },
    Column {
        upper: "EMPTY IN",
        title: "Empty in",
    },
    Column {
        upper: "BURN 1h",
        title: "Burn 1h",
    },
    Column {
        upper: "STATUS",
        title: "Status",
    },
];

/// Which of the optional columns a report shows.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    /// `GROUP`: some SLO has `group_by`.
    pub group: bool,
    /// `SLA`: some SLO has an SLA.
    pub sla: bool,
    /// `INVALID`: some result has invalid rows.
    pub invalid: bool,
    /// `EXCLUDED`: some result has rows in exclusions.
    pub excluded: bool,
    /// `EMPTY IN`: always, but in a terminal table that needs its room for the sparklines and
    /// where no result's budget runs out within its window.
    pub empty_in: bool,
}

impl Layout {
    /// The columns `report` needs.
    pub fn of(report: &Report) -> Layout {
        Layout {
            group: report.results.iter().any(|r| !r.group.is_empty()),
            sla: report.results.iter().any(|r| r.sla.is_some()),
            invalid: report.results.iter().any(|r| r.invalid > 0),
            excluded: report.results.iter().any(|r| r.excluded > 0),
            empty_in: true,
        }
    }
}

/// One result as the texts of a row for people.
#[derive(Debug, Clone)]
pub(super) struct Cells {
    /// The SLO's name.
    pub slo: String,
    /// The group, `route=/a, method=GET`, or empty.
    pub group: String,
    /// `slo {route=/a}`: name and group in one text.
    pub name: String,
    /// The window as written; a calendar window by its unit and elapsed share (`month 40%`).
    pub window: String,
    /// `99.93 %` or `–`.
    pub sli: String,
    /// `99.9 %`.
    pub objective: String,
    /// The SLA and whether it is met: `99.5 % met`, `99.5 % breached`, `99.5 %` without events;
    /// empty without an SLA.
    pub sla: String,
    /// `2/3337`, shortened past ten thousand.
    pub events: String,
    /// Invalid rows.
    pub invalid: String,
    /// Rows in exclusions.
    pub excluded: String,
    /// The share of the budget left (`40.1 %`); for time slices, the bad time left (`43m 12s`).
    pub budget_left: String,
    /// When the budget runs out at the 1h burn rate, if within the window (`34m 37s`), or `–`.
    pub empty_in: String,
    /// The 1h burn rate, `500×`.
    pub burn_1h: String,
    /// The status.
    pub status: Status,
}

impl Cells {
    /// The cells of `result`.
    pub fn of(result: &SloResult) -> Cells {
        // Time slices: the bad time left, as SLAs count it (the share is in the JSON); events:
        // the share of the budget.
        let budget_left = match (
            result.error_budget.remaining,
            result.error_budget.remaining_s,
        ) {
            (Some(_), Some(seconds)) => humanize_seconds(seconds),
            (Some(remaining), None) => budget_percent(remaining),
            _ => "–".to_string(),
        };
        // The time to exhaustion matters when the budget would run out within the window (a
        // calendar window: before its period ends).
        let empty_in = result
            .time_to_exhaustion_s
            .filter(|s| *s < result.exhaustion_horizon_s)
            .map_or_else(|| "–".to_string(), humanize_seconds);
        // Calendar windows by their unit and how much of the period has passed; the zone is in
        // the JSON and in the spec.
        // An interval by its length: its bounds are in the title.
        let window = match (result.calendar_unit, result.elapsed) {
            (Some(unit), Some(elapsed)) => format!("{} {:.0}%", unit.as_str(), elapsed * 100.0),
            _ if result.between => humanize_seconds(window_seconds(result)),
            _ => result.window.clone(),
        };
        Cells {
            slo: crate::visible::visible(&result.slo).into_owned(),
            group: result.group_label(),
            name: name(result),
            window,
            sli: result.sli.map_or_else(|| "–".to_string(), percent),
            objective: format!("{} %", result.objective),
            sla: result.sla.map_or_else(String::new, |sla| match sla.met {
                Some(true) => format!("{} % met", sla.objective),
                Some(false) => format!("{} % breached", sla.objective),
                None => format!("{} %", sla.objective),
            }),
            events: format!("{}/{}", count(result.bad), count(result.total)),
            invalid: count(result.invalid),
            excluded: count(result.excluded),
            budget_left,
            empty_in,
            burn_1h: burn_rate(result, "1h"),
            status: result.status,
        }
    }

    /// The texts in the order of [`columns`] for `layout`.
    pub fn texts(&self, layout: Layout) -> Vec<&str> {
        let mut texts = vec![self.slo.as_str()];
        if layout.group {
            texts.push(&self.group);
        }
        texts.extend([&*self.window, &self.sli, &self.objective]);
        if layout.sla {
            texts.push(&self.sla);
        }
        texts.push(&self.events);
        if layout.invalid {
            texts.push(&self.invalid);
        }
        if layout.excluded {
            texts.push(&self.excluded);
        }
        texts.push(&self.budget_left);
        if layout.empty_in {
            texts.push(&self.empty_in);
        }
        texts.extend([&*self.burn_1h, status_label(self.status)]);
        texts
    }
}

/// The columns of [`Cells::texts`] for `layout`.
pub(super) fn columns(layout: Layout) -> Vec<Column> {
    COLUMNS
        .iter()
        .copied()
        .filter(|c| match c.upper {
            "GROUP" => layout.group,
            "SLA" => layout.sla,
            "INVALID" => layout.invalid,
            "EXCLUDED" => layout.excluded,
            "EMPTY IN" => layout.empty_in,
            _ => true,
        })
        .collect()
}

/// `EXHAUSTED`, `AT RISK`, `NO DATA`, `OK`.
pub(super) fn status_label(status: Status) -> &'static str {
    match status {
        Status::Exhausted => "EXHAUSTED",
        Status::AtRisk => "AT RISK",
        Status::NoData => "NO DATA",
        Status::LowTraffic => "LOW TRAFFIC",
        Status::Ok => "OK",
    }
}

/// The SLO name with its group in the Prometheus style SREs read at a glance:
/// `slo {route=/a}`, for lines that name one result (alerts, `check`, junit).
pub(super) fn name(result: &SloResult) -> String {
    let slo = crate::visible::visible(&result.slo);
    if result.group.is_empty() {
        slo.into_owned()
    } else {
        format!("{slo} {{{}}}", result.group_label())
    }
}

/// Why a result has no events, in words: "no events in the window", and the rows it did
/// select that were no events (invalid, or in an exclusion), so that a group whose rows were
/// all invalid is not taken for a quiet one.
pub(super) fn no_events(result: &SloResult, window: &str) -> String {
    let mut text = format!("no events in the window{window}");
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    let mut rows = Vec::new();
    if result.invalid > 0 {
        rows.push(format!(
            "{} row{} invalid",
            result.invalid,
            plural(result.invalid)
        ));
    }
    if result.excluded > 0 {
        rows.push(format!(
            "{} row{} in exclusions",
            result.excluded,
            plural(result.excluded)
        ));
    }
    if !rows.is_empty() {
        text.push_str(&format!(", though it has {}", rows.join(" and ")));
    }
    text
}

/// The burn rate over `lookback` as `17.8×`, or `–` without events.
pub(super) fn burn_rate(result: &SloResult, lookback: &str) -> String {
    result
        .burn_rates
        .get(lookback)
        .map_or_else(|| "–".to_string(), times)
}

/// One line per firing alert of `result`, in words an on-call engineer reads at a glance:
/// `PAGE checkout{...}: burning 17.8× over 1h and 21× over 5m (limit 14.4×)`.
pub(super) fn firing_alerts(result: &SloResult) -> Vec<String> {
    result
        .alerts
        .iter()
        .filter(|a| a.firing)
        .map(|alert| {
            format!(
                "{} {}: burning {} over {} and {} over {} (limit {})",
                alert.severity.to_uppercase(),
                name(result),
                burn_rate(result, &alert.long),
                alert.long,
                burn_rate(result, &alert.short),
                alert.short,
                times(alert.threshold)
            )
        })
        .collect()
}

/// One line per result of an SLO with an SLA, for the table, which has no room for a column:
/// `SLA checkout-monthly [month]: 98.882 % against 99.5 %: BREACHED (-0.618 pts)`.
pub(super) fn sla_lines(report: &Report) -> Vec<String> {
    report
        .results
        .iter()
        .filter_map(|result| {
            let sla = result.sla?;
            let standing = match (sla.met, sla.sli_margin, result.sli) {
                (Some(met), Some(margin), Some(sli)) => format!(
                    "{}: {} against {} % ({})",
                    if met { "met" } else { "BREACHED" },
                    percent(sli),
                    sla.objective,
                    points(margin, sli)
                ),
                _ => format!("no events to judge against {} %", sla.objective),
            };
            Some(format!(
                "SLA {} [{}]: {standing}",
                name(result),
                result.window
            ))
        })
        .collect()
}

/// The golden signals of a result as people read them:
/// `3.47/h, 0.89 % errors, p50 120ms p90 250ms p95 300ms p99 1.2s max 30s`;
/// `None` for an SLO without `latency`.
pub(super) fn signals_text(result: &SloResult) -> Option<String> {
    let signals = result.golden_signals.as_ref()?;
    let traffic = signals.traffic_per_s.map_or_else(|| "–".to_string(), rate);
    let errors = signals.error_ratio.map_or_else(|| "–".to_string(), percent);
    let l = &signals.latency;
    let latencies = match (l.p50_s, l.p90_s, l.p95_s, l.p99_s, l.max_s) {
        (Some(p50), Some(p90), Some(p95), Some(p99), Some(max)) => format!(
            "p50 {} p90 {} p95 {} p99 {} max {}",
            latency(p50),
            latency(p90),
            latency(p95),
            latency(p99),
            latency(max)
        ),
        _ => format!("no latency in `{}`", visible(&l.field)),
    };
    Some(format!("{traffic}, {errors} errors, {latencies}"))
}

/// One line per result of an SLO with `latency`, under the table:
/// `SIGNALS cart-latency [30d]: 3.47/h, 0.89 % errors, p50 120ms … max 30s`.
pub(super) fn signal_lines(report: &Report) -> Vec<String> {
    report
        .results
        .iter()
        .filter_map(|result| {
            let text = signals_text(result)?;
            Some(format!(
                "SIGNALS {} [{}]: {text}",
                name(result),
                result.window
            ))
        })
        .collect()
}

/// One line per result that reaches words of its SLO's error-budget policy:
/// `POLICY checkout-availability [7d] (exhausted): Freeze feature releases`.
pub(super) fn policy_lines(report: &Report) -> Vec<String> {
    report
        .results
        .iter()
        .filter_map(|result| {
            let policy = result.policy.as_ref()?;
            Some(format!(
                "POLICY {} [{}] ({}): {}",
                name(result),
                result.window,
                policy.rule,
                crate::visible::visible(&policy.text)
            ))
        })
        .collect()
}

/// The firing alerts of the whole report, each once (the windows of one SLO × group share
/// their alerts).
pub(super) fn report_firing_alerts(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for line in report.results.iter().flat_map(firing_alerts) {
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// `SLO report at 2026-10-02T18:00:00Z`, or over the interval of `--between`.
pub(super) fn title(report: &Report) -> String {
    match &report.between {
        Some(interval) => format!("SLO report over {}", interval.label()),
        None => format!("SLO report at {}", report.evaluated_at),
    }
}

/// `40000 rows read: 26902 matched, …`: how every row was accounted for.
pub(super) fn inputs_line(report: &Report) -> String {
    let inputs = &report.inputs;
    // The formats read, each once, in the order of the logs.
    let mut formats: Vec<&str> = Vec::new();
    for format in &inputs.formats {
        if !formats.contains(&format.as_str()) {
            formats.push(format);
        }
    }
    let read_as = match formats.as_slice() {
        [] => String::new(),
        formats => format!(" as {}", formats.join(", ")),
    };
    // Exclusions are rare: their count shows when they took rows.
    let excluded = match inputs.excluded {
        0 => String::new(),
        n => format!(", {n} excluded"),
    };
    format!(
        "{} rows read{read_as}: {} matched, {} outside every window, {} selected by no SLO{excluded}, {} malformed",
        inputs.rows, inputs.matched, inputs.outside_windows, inputs.unselected, inputs.malformed
    )
}

/// A burn rate as `17.8×`, `0.23×`, `500×`; below 0.01 with two significant digits
/// (`0.0017×`), so that a small threshold never reads as `0×`.
pub(super) fn times(rate: f64) -> String {
    let text = match rate {
        r if r >= 100.0 => format!("{r:.0}"),
        r if r >= 10.0 => format!("{r:.1}"),
        r if r >= 0.01 || r <= 0.0 => format!("{r:.2}"),
        r => {
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped to 2..=20 for a rate in (0, 0.01)"
            )]
            let decimals = (1 - r.log10().floor() as i32).clamp(2, 20) as usize;
            format!("{r:.decimals$}")
        }
    };
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    format!("{text}×")
}

/// The time from the window's start to its end, in seconds.
fn window_seconds(result: &SloResult) -> f64 {
    (result.end.0 - result.start.0) as f64 / 1e9
}

#[cfg(test)]
mod tests {
    use super::times;

    #[test]
    fn burn_rates_read_at_a_glance() {
        assert_eq!(times(0.0), "0×");
        assert_eq!(times(1.0), "1×");
        assert_eq!(times(14.4), "14.4×");
        assert_eq!(times(68.9655), "69×");
        assert_eq!(times(500.0), "500×");
        assert_eq!(times(0.48), "0.48×");
        assert_eq!(times(0.0333), "0.03×");
        assert_eq!(times(0.2), "0.2×");
        assert_eq!(times(0.0016666), "0.0017×");
        assert_eq!(times(0.00012), "0.00012×");
        assert_eq!(times(0.0099), "0.0099×");
    }
}
