//! The finished report: the contract between the maths and every renderer.
//!
//! Renderers read a [`Report`] and compute nothing. It serialises as the JSON output format
//! (schema in `docs/json-output.md`); fractions are fractions (0.999), never percentages,
//! except `objective`, which is the percentage as written in the spec.

use serde::Serialize;

use crate::time::{CalendarUnit, SpanDuration, Timestamp};
use crate::visible::visible;

/// Everything `slo report` and `slo check` found.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The evaluation instant `A`, RFC 3339 UTC.
    pub evaluated_at: Timestamp,
    /// `--between T1..T2`: the one interval every result covers, `A` being its end; absent
    /// otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub between: Option<Interval>,
    /// How the input rows were accounted for.
    pub inputs: InputSummary,
    /// One result per SLO × group × window, sorted by SLO (spec order), group, window (spec order).
    pub results: Vec<SloResult>,
}

/// An interval `[from, to]`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Interval {
    /// Its first instant, RFC 3339 UTC.
    pub from: Timestamp,
    /// Its last instant, RFC 3339 UTC.
    pub to: Timestamp,
}

impl Interval {
    /// `2026-10-02T17:24:00Z .. 2026-10-02T18:09:00Z (45m)`, for titles.
    pub fn label(&self) -> String {
        format!(
            "{} .. {} ({})",
            self.from,
            self.to,
            crate::time::humanize_seconds((self.to.0 - self.from.0) as f64 / 1e9)
        )
    }
}

/// Row accounting: `rows = malformed + outside_windows + unselected + excluded + matched`.
#[derive(Debug, Clone, Serialize, Default)]
pub struct InputSummary {
    /// The logs read, as named on the command line or in the spec.
    pub files: Vec<String>,
    /// The format each log was read in, as `files` lists them: `csv`, `jsonl`,
    /// `nginx (combined)`, `alb`, ... (recognised by content when not given).
    pub formats: Vec<String>,
    /// Data rows read (header rows and blank lines excluded).
    pub rows: u64,
    /// Rows that could not be read or had no valid timestamp.
    pub malformed: u64,
    /// Readable rows whose time lies in no window of any SLO.
    pub outside_windows: u64,
    /// Rows inside some window that no SLO's filter selects.
    pub unselected: u64,
    /// Rows that some SLO selects inside its windows but whose time lies in one of its
    /// exclusions, and that are no other SLO's event (nor invalid for one).
    pub excluded: u64,
    /// Rows that are an event of at least one SLO, or invalid for one.
    pub matched: u64,
    /// The newest valid timestamp read, RFC 3339 UTC; `null` when no row had one.
    pub latest: Option<Timestamp>,
}

/// The figures of one SLO for one group over one window.
#[derive(Debug, Clone, Serialize)]
pub struct SloResult {
    /// The SLO's name.
    pub slo: String,
    /// The SLO's service label, if any.
    pub service: Option<String>,
    /// The group's field values in `group_by` order (`null` where rows lacked the field);
    /// empty without `group_by`, and for a grouped SLO that saw no events at all.
    pub group: GroupLabels,
    /// The window as written in the spec (`30d`, `month Europe/Berlin`).
    pub window: String,
    /// The calendar unit of a calendar window (`month`); `None` for a rolling window. Not
    /// serialised: `window` says it in JSON.
    #[serde(skip)]
    pub calendar_unit: Option<CalendarUnit>,
    /// Whether the window is the interval of `--between`. Not serialised: `window` says it in
    /// JSON.
    #[serde(skip)]
    pub between: bool,
    /// Start of the window, RFC 3339 UTC (exclusive for rolling windows, inclusive for calendar
    /// windows and `--between` intervals).
    pub start: Timestamp,
    /// End of the window: the evaluation instant, inclusive.
    pub end: Timestamp,
    /// For calendar windows, the share of the period elapsed at `end` (0 to 1); `null` for
    /// rolling windows.
    pub elapsed: Option<f64>,
    /// The objective in percent, as written (99.9).
    pub objective: f64,
    /// `occurrences`, `timeslices` or `ratio_timeslices`.
    pub budgeting: &'static str,
    /// Valid events in the window; for `timeslices`, time slices in the window.
    pub total: u64,
    /// Good events (good slices for `timeslices`).
    pub good: u64,
    /// `total − good`.
    pub bad: u64,
    /// Rows the SLO selected (or could not rule out) that were invalid for it.
    pub invalid: u64,
    /// Rows the SLO selected (or could not rule out) in the window whose time lies in one of
    /// its exclusions: not events, not invalid, not in `total`.
    pub excluded: u64,
    /// Valid events in the window: `total`, but under `timeslices`, where `total` counts slices.
    pub events: u64,
    /// The SLO's `min_events`; `null` without one.
    pub min_events: Option<u64>,
    /// `good / total`, a fraction; `null` without events.
    pub sli: Option<f64>,
    /// `sli − objective`, as a fraction (0.0005 is 0.05 percentage points); `null` without events.
    pub sli_margin: Option<f64>,
    /// How the SLI stands against the SLO's SLA; `null` for an SLO without `sla`.
    pub sla: Option<SlaResult>,
    /// The error budget.
    pub error_budget: ErrorBudget,
    /// Burn rates keyed by lookback as written (`1h`); `null` where the lookback holds no events.
    pub burn_rates: BurnRates,
    /// Multiwindow burn-rate alerts.
    pub alerts: Vec<AlertState>,
    /// Seconds until the budget is spent at the 1h burn rate; `null` unless both are positive.
    pub time_to_exhaustion_s: Option<f64>,
    /// Seconds within which an exhaustion matters: what is left of a calendar window's period
    /// (its budget starts afresh after it), or a rolling window's or an interval's length.
    /// The summary formats show `time_to_exhaustion_s` only within it. Not serialised: the
    /// JSON has `end` and `elapsed`.
    #[serde(skip)]
    pub exhaustion_horizon_s: f64,
    /// `no_data`, `low_traffic`, `exhausted`, `at_risk` or `ok`.
    pub status: Status,
    /// Traffic, errors and latency over the window (the golden signals), for an SLO with
    /// `latency`; `null` otherwise. Boxed, as `policy` is: most results have neither, and a
    /// report of 100 000 groups holds as many results.
    pub golden_signals: Option<Box<GoldenSignals>>,
    /// The SLO's error-budget policy for this result: the team's words for the state it is in;
    /// `null` when the SLO has no policy or the policy says nothing of that state.
    pub policy: Option<Box<PolicyLine>>,
    /// Whether the SLO has an error-budget policy, whatever this result reaches of it: CSV
    /// gives such SLOs' reports policy columns at every instant, so that rows appended by a
    /// cron job keep one header. Not serialised: `policy` says what the JSON needs.
    #[serde(skip)]
    pub has_policy: bool,
    /// Only on the `(other)` result of an SLO with more groups than `--max-groups`: how many
    /// groups it holds. Absent on every other result.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub folded: Option<FoldedGroups>,
    /// Whether the SLI reaches the objective (`sli ≥ objective`), decided exactly; `None`
    /// without events. Not serialised (`sli_margin` says it in JSON): the HTML page's past
    /// calendar periods say it in words.
    #[serde(skip)]
    pub objective_met: Option<bool>,
    /// The budget left over the window, for the table's sparkline: the figures at
    /// [`TREND_POINTS`](crate::evaluate::TREND_POINTS) instants evenly spaced across it, the
    /// last one the evaluation instant. Computed only for the table (`None` otherwise, and
    /// for `--between` intervals); not serialised: a history (`--from/--to/--every`) is the
    /// machine-readable form.
    #[serde(skip)]
    pub budget_trend: Option<Vec<BudgetPoint>>,
}

/// The error budget of one result at one instant of its window, as `report --at` that instant
/// gives it for the result's group and window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BudgetPoint {
    /// The instant.
    pub at: Timestamp,
    /// `error_budget.remaining` there: a fraction, negative once overspent; `None` without
    /// events.
    pub remaining: Option<f64>,
    /// Whether the budget is spent there (`remaining ≤ 0`, decided exactly).
    pub exhausted: bool,
}

/// The groups folded into the `(other)` result of an SLO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct FoldedGroups {
    /// How many distinct groups `(other)` holds.
    pub groups: u64,
    /// Whether `groups` is an estimate: past four times `--max-groups` distinct groups,
    /// `slo` keeps a fixed share of them in memory and estimates how many there were.
    pub estimated: bool,
}

/// The burn rates of one result, by lookback, in the order of the lookbacks as written
/// (`1h`, `30m`, `3d`, …); serialised as an object keyed by the lookback as written.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BurnRates(Vec<(SpanDuration, Option<f64>)>);

impl BurnRates {
    /// The burn rates of `rates`, one per lookback.
    pub fn new(rates: impl IntoIterator<Item = (SpanDuration, Option<f64>)>) -> BurnRates {
        let mut rates: Vec<_> = rates.into_iter().collect();
        rates.sort_by(|a, b| a.0.as_written().cmp(b.0.as_written()));
        rates.dedup_by(|a, b| a.0.as_written() == b.0.as_written());
        BurnRates(rates)
    }

    /// The burn rate over the lookback written `lookback`; `None` without it or without events.
    pub fn get(&self, lookback: &str) -> Option<f64> {
        self.0
            .iter()
            .find(|(l, _)| l.as_written() == lookback)
            .and_then(|(_, rate)| *rate)
    }

    /// Lookbacks and burn rates.
    pub fn iter(&self) -> impl Iterator<Item = (&SpanDuration, Option<f64>)> {
        self.0.iter().map(|(l, rate)| (l, *rate))
    }
}

impl Serialize for BurnRates {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (lookback, rate) in &self.0 {
            map.serialize_entry(lookback.as_written(), rate)?;
        }
        map.end()
    }
}

/// The error budget of one result.
#[derive(Debug, Clone, Serialize)]
pub struct ErrorBudget {
    /// Bad events the window may hold: `(1 − objective) × total`.
    pub allowed: f64,
    /// `bad / allowed`, a fraction that may exceed 1; `null` without events.
    pub consumed: Option<f64>,
    /// `1 − consumed`, negative once overspent; `null` without events.
    pub remaining: Option<f64>,
    /// For `timeslices`: the bad time the window may hold, in seconds; otherwise `null`.
    pub allowed_s: Option<f64>,
    /// For `timeslices`: bad time left, in seconds (negative once overspent); otherwise `null`.
    pub remaining_s: Option<f64>,
}

/// The service level agreement of one result: the SLI against what customers are promised.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SlaResult {
    /// The SLA in percent, as written (99.5).
    pub objective: f64,
    /// `sli − sla`, as a fraction; `null` without events.
    pub sli_margin: Option<f64>,
    /// Whether `sli ≥ sla`, decided exactly (an SLI equal to the SLA meets it); `null` without
    /// events.
    pub met: Option<bool>,
}

/// The golden signals of one result (SRE book, "Monitoring Distributed Systems"): traffic,
/// errors and latency, from the SLO's events. Saturation is not in request logs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GoldenSignals {
    /// Valid events per second over the window's time outside exclusions; `null` when none of
    /// its time is.
    pub traffic_per_s: Option<f64>,
    /// Bad events over valid events, whatever the budgeting (events, never slices); `null`
    /// without events.
    pub error_ratio: Option<f64>,
    /// The latency of the valid events.
    pub latency: LatencySummary,
}

/// Latency percentiles by nearest rank, in seconds, each within 1 % of the exact value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LatencySummary {
    /// The field read, as written in `latency`.
    pub field: String,
    /// Valid events whose field holds a duration (the others have no latency).
    pub count: u64,
    /// The median.
    pub p50_s: Option<f64>,
    /// The 90th percentile.
    pub p90_s: Option<f64>,
    /// The 95th percentile.
    pub p95_s: Option<f64>,
    /// The 99th percentile.
    pub p99_s: Option<f64>,
    /// The largest, exactly.
    pub max_s: Option<f64>,
}

/// The words of an error-budget policy that a result reaches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PolicyLine {
    /// The rule of the policy: a state (`exhausted`, `sla_breached`, …) or a band of the budget
    /// left as written (`remaining_above 0.8`).
    pub rule: String,
    /// The team's words.
    pub text: String,
}

/// One burn-rate alert rule evaluated for one result.
#[derive(Debug, Clone, Serialize)]
pub struct AlertState {
    /// `page` or `ticket`.
    pub severity: String,
    /// The long lookback as written.
    pub long: String,
    /// The short lookback as written.
    pub short: String,
    /// The burn rate both lookbacks must exceed.
    pub threshold: f64,
    /// Whether both burn rates exceed the threshold.
    pub firing: bool,
}

/// The state of one result, from worst to best.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The error budget is spent: `remaining ≤ 0`.
    Exhausted,
    /// A burn-rate alert fires.
    AtRisk,
    /// No events in the window.
    NoData,
    /// Fewer events in the window than the SLO's `min_events`: too few for a verdict that one
    /// bad event would not flip. The figures are still reported.
    LowTraffic,
    /// None of the above.
    Ok,
}

impl Status {
    /// The name used in JSON and `--fail-on`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Status::Exhausted => "exhausted",
            Status::AtRisk => "at_risk",
            Status::NoData => "no_data",
            Status::LowTraffic => "low_traffic",
            Status::Ok => "ok",
        }
    }
}

/// The `group_by` fields and values of one result, in `group_by` order; serialised as an object.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct GroupLabels(pub Vec<(String, Option<String>)>);

impl GroupLabels {
    /// True without `group_by`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Field names and values, in `group_by` order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Option<String>)> {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl Serialize for GroupLabels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl SloResult {
    /// The group as people read it, `route=/api/cart, method=GET`, or empty: an empty value
    /// shows as `""`, a missing one as `(missing)`, and control characters as visible escapes
    /// ([`visible`]).
    pub fn group_label(&self) -> String {
        if let Some(folded) = self.folded {
            let about = if folded.estimated { "about " } else { "" };
            let noun = if folded.groups == 1 {
                "group"
            } else {
                "groups"
            };
            return format!("(other: {about}{} {noun})", folded.groups);
        }
        self.group
            .iter()
            .map(|(k, v)| {
                let value = match v.as_deref() {
                    None => "(missing)".into(),
                    Some("") => "\"\"".into(),
                    Some(value) => visible(value),
                };
                format!("{}={value}", visible(k))
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A result of SLO `s` over `1d` with no events, for the group of `values` (fields `f0`,
    /// `f1`, …).
    pub(crate) fn grouped(values: Vec<Option<&str>>) -> SloResult {
        SloResult {
            slo: "s".into(),
            service: None,
            group: GroupLabels(
                values
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (format!("f{i}"), v.map(str::to_string)))
                    .collect(),
            ),
            window: "1d".into(),
            calendar_unit: None,
            between: false,
            start: Timestamp(0),
            end: Timestamp(0),
            elapsed: None,
            objective: 99.0,
            budgeting: "occurrences",
            total: 0,
            good: 0,
            bad: 0,
            invalid: 0,
            excluded: 0,
            events: 0,
            min_events: None,
            sli: None,
            sli_margin: None,
            sla: None,
            error_budget: ErrorBudget {
                allowed: 0.0,
                consumed: None,
                remaining: None,
                allowed_s: None,
                remaining_s: None,
            },
            burn_rates: BurnRates::default(),
            alerts: Vec::new(),
            time_to_exhaustion_s: None,
            exhaustion_horizon_s: 86_400.0,
            status: Status::NoData,
            golden_signals: None,
            policy: None,
            has_policy: false,
            folded: None,
            objective_met: None,
            budget_trend: None,
        }
    }

    #[test]
    fn group_labels_tell_empty_missing_and_folded_apart() {
        assert_eq!(
            grouped(vec![Some(""), None, Some("/a\u{1b}[1m")]).group_label(),
            "f0=\"\", f1=(missing), f2=/a\\x1b[1m"
        );
        let mut other = grouped(vec![Some("(other)")]);
        other.folded = Some(FoldedGroups {
            groups: 12,
            estimated: true,
        });
        assert_eq!(other.group_label(), "(other: about 12 groups)");
        other.folded = Some(FoldedGroups {
            groups: 1,
            estimated: true,
        });
        assert_eq!(other.group_label(), "(other: about 1 group)");
    }
}
