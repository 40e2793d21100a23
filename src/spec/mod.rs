//! SLO definitions: what `slo` computes, as read from spec files.
//!
//! `load` finds and reads spec files and decides, document by document, which language each is
//! written in: `slo`'s own (`native`) or OpenSLO ([`openslo`]). Both languages read their YAML
//! through one layer: [`yaml`] keeps where every node was written, and `reader` checks keys and
//! values, collecting every problem as a [`SpecError`] with its `file:line:column`. The result
//! is a checked [`SpecSet`]; everything after this stage can rely on the definitions being valid
//! (objectives in range, durations parsed, expressions parsed). [`convert`] writes a set back
//! out in either form.

pub mod convert;
mod foreign;
mod load;
mod native;
mod objective;
pub mod openslo;
mod reader;
pub mod yaml;
mod yaml_out;

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

pub use load::{discover_spec_files, load_exclusions, load_files, load_str};
pub use objective::{Objective, Percentage};

use crate::expr::{Expr, FieldPath, FieldUnit, TimeUnit};
use crate::input::{InputFormat, TextKind};
use crate::time::{CalendarUnit, SpanDuration, TimestampFormat, UnixNanos, Zone};

/// Every SLO of every spec file loaded for one run.
#[derive(Debug, Clone, Default)]
pub struct SpecSet {
    /// The SLOs in the order they were defined.
    pub slos: Vec<Slo>,
    /// The spec files read.
    pub files: Vec<PathBuf>,
    /// Valid SLOs that cannot be computed from request logs (an OpenSLO SLO whose metrics come
    /// from Prometheus, say), in the order they were defined.
    pub uncomputable: Vec<Uncomputable>,
    /// Things worth knowing that are not errors: parts of a definition `slo` reads differently
    /// from what its author may expect, or ignores.
    pub notes: Vec<SpecError>,
    /// Fields an SLO reads that its source's log format cannot have (nginx lines have no
    /// `statuss`): errors wherever the logs are read in that format, as `validate`, `report`
    /// and `check` do; not where a query reads the fields from a table's columns (`sql`).
    pub missing_fields: Vec<SpecError>,
    /// OpenSLO objects slo reads no figure from (Services, AlertNotificationTargets), with
    /// where each is: what `convert --to openslo` leaves out, and says so.
    pub not_carried: Vec<(Location, String)>,
}

/// A valid SLO that `slo` cannot compute from request logs, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncomputable {
    /// The name the SLO would have in reports.
    pub name: String,
    /// Where it was defined.
    pub defined_at: Location,
    /// Why it cannot be computed, e.g. "its metric source is of type Prometheus".
    pub reason: String,
}

/// One service level objective.
#[derive(Debug, Clone)]
pub struct Slo {
    /// Unique name across all loaded specs.
    pub name: String,
    /// Free text shown in reports.
    pub description: Option<String>,
    /// The service label shown in reports.
    pub service: Option<String>,
    /// Target share of good events, in percent.
    pub objective: Objective,
    /// The service level agreement: the share of good events promised to customers, in
    /// percent; at most `objective` (the SLO is the stricter target the team holds itself to).
    pub sla: Option<Objective>,
    /// The windows to report; the first one sets alert thresholds.
    pub windows: Vec<Window>,
    /// Which rows are events of this SLO; `None` means every row.
    pub filter: Option<Condition>,
    /// Which events are good (or bad).
    pub judgement: Judgement,
    /// Fields whose distinct value tuples each get their own result.
    pub group_by: Vec<FieldPath>,
    /// How the error budget is counted.
    pub budgeting: Budgeting,
    /// Multiwindow burn-rate alert rules.
    pub alerts: Vec<AlertRule>,
    /// `exclude`: intervals whose events count toward no window, lookback or slice (planned
    /// maintenance, a load test), those of `defaults` and of an `--exclude` file included.
    pub exclude: Vec<Exclusion>,
    /// `policy`: the team's words for each state of the error budget, printed by `check` and
    /// the table for the results that reach them.
    pub policy: Option<BudgetPolicy>,
    /// `latency`: the field whose percentiles each result reports, with the golden signals.
    pub latency: Option<Latency>,
    /// `min_events`: the fewest events a window needs for a verdict (below, its status is
    /// `low_traffic`), and an alert's long lookback to fire; 0 for no minimum.
    pub min_events: u64,
    /// Where and how to read this SLO's logs.
    pub source: Arc<Source>,
    /// Where the SLO was defined.
    pub defined_at: Location,
}

/// The latency field of an SLO: each result reports its percentiles (the golden signals).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Latency {
    /// The field.
    pub field: FieldPath,
    /// The unit of its bare numbers, as written in `latency: {field, unit}`; `None` when the
    /// spec leaves it to `source.units` or the log format.
    pub unit: Option<TimeUnit>,
}

impl Latency {
    /// What is known of the unit of the field's bare numbers in a log of `format`: the unit
    /// written with it, else what `source.units` and the format say.
    pub fn field_unit(&self, source: &Source, format: &InputFormat) -> FieldUnit {
        match self.unit {
            Some(unit) => FieldUnit::Known(unit),
            None => source.field_unit(format, &self.field),
        }
    }
}

/// An interval whose events count nowhere: `[from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exclusion {
    /// The first instant excluded.
    pub from: UnixNanos,
    /// The first instant no longer excluded.
    pub to: UnixNanos,
    /// Why, as written.
    pub reason: Option<String>,
    /// Where it is written.
    pub defined_at: Location,
}

impl Exclusion {
    /// `[from, to)` as people read it, with the reason: `[2026-10-02T17:00:00Z, 2026-10-02T18:00:00Z)
    /// (database migration)`.
    pub fn label(&self) -> String {
        let reason = self
            .reason
            .as_ref()
            .map_or_else(String::new, |r| format!(" ({r})"));
        format!(
            "[{}, {}){reason}",
            crate::time::format_rfc3339(self.from),
            crate::time::format_rfc3339(self.to)
        )
    }
}

/// The union of `exclusions` as disjoint intervals `[from, to)`, sorted, those that overlap or
/// touch merged: the instants excluded, whatever overlaps the list has.
pub fn excluded_intervals(exclusions: &[Exclusion]) -> Vec<(UnixNanos, UnixNanos)> {
    let mut intervals: Vec<(UnixNanos, UnixNanos)> =
        exclusions.iter().map(|e| (e.from, e.to)).collect();
    intervals.sort_unstable();
    let mut merged: Vec<(UnixNanos, UnixNanos)> = Vec::with_capacity(intervals.len());
    for (from, to) in intervals {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

/// An error-budget policy: what the team does in each state of an SLO's budget, in its own
/// words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BudgetPolicy {
    /// The words for each state given, in the order written.
    pub states: Vec<(PolicyState, String)>,
    /// `remaining_above`: words for an `ok` result whose remaining budget is above a share,
    /// highest share first; each share with its text as written (`0.8`, `80%`).
    pub remaining_above: Vec<(Percentage, String, String)>,
}

/// A state of a result that an error-budget policy can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyState {
    /// The SLI is below the SLA.
    SlaBreached,
    /// Status `exhausted`.
    Exhausted,
    /// Status `at_risk`.
    AtRisk,
    /// Status `low_traffic`.
    LowTraffic,
    /// Status `no_data`.
    NoData,
    /// Status `ok` (unless a `remaining_above` band says more).
    Ok,
}

impl PolicyState {
    /// Every state, as the policy keys name them.
    pub const ALL: [PolicyState; 6] = [
        PolicyState::SlaBreached,
        PolicyState::Exhausted,
        PolicyState::AtRisk,
        PolicyState::LowTraffic,
        PolicyState::NoData,
        PolicyState::Ok,
    ];

    /// The key under `policy:`: `exhausted`, `at_risk`, …
    pub fn key(self) -> &'static str {
        match self {
            PolicyState::SlaBreached => "sla_breached",
            PolicyState::Exhausted => "exhausted",
            PolicyState::AtRisk => "at_risk",
            PolicyState::LowTraffic => "low_traffic",
            PolicyState::NoData => "no_data",
            PolicyState::Ok => "ok",
        }
    }
}

impl BudgetPolicy {
    /// The words for `state`, if the policy has them.
    pub fn says(&self, state: PolicyState) -> Option<&str> {
        self.states
            .iter()
            .find(|(s, _)| *s == state)
            .map(|(_, text)| text.as_str())
    }
}

/// A place in a spec file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The spec file, as given.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.column)
    }
}

/// A parsed `filter`, `good` or `bad` expression with its source text.
#[derive(Debug, Clone)]
pub struct Condition {
    /// The expression as written.
    pub text: String,
    /// Its syntax tree.
    pub expr: Expr,
    /// Where its first character is in the spec file, when the file holds it on one line as
    /// written (so that its `k`-th character is `k` columns further); `None` otherwise.
    pub located: Option<Location>,
}

impl Condition {
    /// A problem at byte `offset` of the expression, for a message: where it is
    /// (`file:line:column: `, when known), in what (`context`, such as ``SLO api: in `good` ``),
    /// what, and the expression with a caret under it.
    pub fn problem(&self, context: &str, offset: usize, message: &str) -> String {
        let offset = (0..=offset.min(self.text.len()))
            .rev()
            .find(|&i| self.text.is_char_boundary(i))
            .unwrap_or(0);
        let characters = self.text[..offset].chars().count();
        let caret = format!(
            "\n    {}\n    {}^",
            crate::visible::visible(&self.text),
            " ".repeat(characters)
        );
        match &self.located {
            Some(at) => format!(
                "{}:{}:{}: {context}: {message}{caret}",
                at.file.display(),
                at.line,
                at.column + characters
            ),
            None => format!(
                "{context}, at character {} of the expression: {message}{caret}",
                characters + 1
            ),
        }
    }
}

/// Whether the spec names the good events or the bad ones.
#[derive(Debug, Clone)]
pub enum Judgement {
    /// `good:` events matching the condition are good.
    Good(Condition),
    /// `bad:` events matching the condition are bad.
    Bad(Condition),
}

/// A window over which an SLO is evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Window {
    /// `(A − D, A]`.
    Rolling(SpanDuration),
    /// The calendar period containing `A`, from its start to `A` inclusive.
    Calendar {
        /// Day, week, month, quarter or year.
        unit: CalendarUnit,
        /// The zone whose local midnight starts each period.
        zone: Zone,
    },
    /// One fixed interval `[from, to]`, both included (`--between T1..T2`), evaluated at `to`.
    /// It replaces an SLO's windows for one run; no spec writes it.
    Between {
        /// The first instant of the interval.
        from: UnixNanos,
        /// The last instant of the interval: the evaluation instant.
        to: UnixNanos,
        /// The length of the SLO's own first window at `to`, which still scales its alert
        /// thresholds: its alert policy is written for that window, not for the interval.
        alert_scale_ns: i64,
    },
}

/// Where a window lies for one evaluation instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowSpan {
    /// First instant (exclusive for rolling windows, inclusive for calendar ones).
    pub start: UnixNanos,
    /// The largest age `A − t` an event may have to lie in the window, plus one nanosecond.
    pub age_limit: i64,
}

impl Window {
    /// The window's usual length in nanoseconds, without an evaluation instant: a rolling
    /// window's `D`, a calendar period's nominal length (a day, 7, 30, 91 or 365 days).
    pub fn nominal_nanos(&self) -> i64 {
        const DAY: i64 = 86_400 * 1_000_000_000;
        match self {
            Window::Rolling(duration) => duration.nanos(),
            Window::Between { from, to, .. } => to - from,
            Window::Calendar { unit, .. } => {
                DAY * match unit {
                    CalendarUnit::Day => 1,
                    CalendarUnit::Week => 7,
                    CalendarUnit::Month => 30,
                    CalendarUnit::Quarter => 91,
                    CalendarUnit::Year => 365,
                }
            }
        }
    }

    /// Where the window lies when evaluated at `at`.
    pub fn span(&self, at: UnixNanos) -> WindowSpan {
        match self {
            Window::Rolling(duration) => WindowSpan {
                start: at.saturating_sub(duration.nanos()),
                age_limit: duration.nanos(),
            },
            Window::Calendar { unit, zone } => {
                let (start, _) = crate::time::period_containing(at, *unit, zone);
                WindowSpan {
                    start,
                    age_limit: at.saturating_sub(start).saturating_add(1),
                }
            }
            Window::Between { from, .. } => WindowSpan {
                start: *from,
                age_limit: at.saturating_sub(*from).saturating_add(1),
            },
        }
    }

    /// The window as written in the spec: `30d`, or `month` / `month Europe/Berlin`.
    pub fn label(&self) -> String {
        match self {
            Window::Rolling(duration) => duration.as_written().to_string(),
            Window::Calendar {
                unit,
                zone: Zone::Utc,
            } => unit.as_str().to_string(),
            Window::Calendar { unit, zone } => format!("{} {}", unit.as_str(), zone.name()),
            Window::Between { from, to, .. } => format!(
                "{}..{}",
                crate::time::format_rfc3339(*from),
                crate::time::format_rfc3339(*to)
            ),
        }
    }

    /// The age limit of a lookback of `lookback_ns` when evaluated at `at`: the lookback itself,
    /// or, within an interval (`--between`), the part of it inside the interval.
    pub fn lookback_limit(&self, lookback_ns: i64, at: UnixNanos) -> i64 {
        match self {
            Window::Between { .. } => lookback_ns.min(self.span(at).age_limit),
            _ => lookback_ns,
        }
    }
}

/// A multiwindow, multi-burn-rate alert (SRE Workbook, "Alerting on SLOs"): it fires when the
/// burn rate over both `long` and `short` exceeds its [`AlertThreshold`].
#[derive(Debug, Clone, PartialEq)]
pub struct AlertRule {
    /// Who is told.
    pub severity: Severity,
    /// How fast both lookbacks must burn the budget.
    pub threshold: AlertThreshold,
    /// The long lookback.
    pub long: SpanDuration,
    /// The short lookback, which makes the alert stop soon after the burn stops.
    pub short: SpanDuration,
}

/// What an alert rule's burn rates must exceed, as the spec wrote it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlertThreshold {
    /// A share of the error budget spent within the long lookback (`budget: 2%`): the burn
    /// rate `budget × D ÷ long`, which follows the length `D` of the SLO's first window (a
    /// calendar month's, February's included).
    Budget(Percentage),
    /// A burn rate (`burn_rate: 14.4`, OpenSLO's `threshold`), whatever the window. Kept as
    /// written: on a 28-day window 14.4 is 2.142857… % of the budget in an hour, which no
    /// decimal holds, and a share rounded to one would fire at 14.4 exactly.
    BurnRate(BurnRate),
}

/// A burn rate as written: a decimal above 0 (`14.4`), exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BurnRate(Percentage);

impl BurnRate {
    /// Reads a burn rate: a decimal, or one with an exponent (`1e2`).
    ///
    /// # Errors
    ///
    /// Text that is not a number above 0 (a percentage, a word), with what to write.
    pub fn parse(text: &str) -> Result<BurnRate, String> {
        let not = || format!("burn rate '{text}' must be a number above 0, such as 14.4");
        if text.trim().ends_with('%') {
            return Err(not());
        }
        let rate = Percentage::parse(text, "burn rate").map_err(|_| not())?;
        if rate.numerator() == 0 {
            return Err(not());
        }
        Ok(BurnRate(rate))
    }

    /// The rate as an exact fraction `(numerator, denominator)`.
    pub fn fraction(&self) -> (u128, u128) {
        // Read as a percentage, 14.4 is 14.4 / 100 of one: a hundred times that is the rate.
        (self.0.numerator() * 100, self.0.denominator())
    }

    /// The rate as written (`14.4`).
    pub fn as_written(&self) -> &str {
        self.0.as_written()
    }
}

impl AlertRule {
    /// The burn rate both lookbacks must exceed, as an exact fraction `(numerator,
    /// denominator)`, for an SLO whose first window lasts `window_ns`: `budget × window ÷
    /// long`, or the burn rate written (SRE Workbook; 14.4 for 2 % in 1h of 30 days).
    pub fn threshold_fraction(&self, window_ns: i64) -> (u128, u128) {
        match &self.threshold {
            AlertThreshold::Budget(budget) => {
                #[allow(clippy::cast_sign_loss, reason = "lengths are positive")]
                let (window, long) = (window_ns.max(0) as u128, self.long.nanos().max(1) as u128);
                (budget.numerator() * window, budget.denominator() * long)
            }
            AlertThreshold::BurnRate(rate) => rate.fraction(),
        }
    }

    /// [`AlertRule::threshold_fraction`] as a number, for reports.
    pub fn threshold(&self, window_ns: i64) -> f64 {
        let (numerator, denominator) = self.threshold_fraction(window_ns);
        numerator as f64 / denominator as f64
    }

    /// The threshold as the spec wrote it: `2 %` of the budget, or a burn rate `14.4×`.
    pub fn threshold_text(&self) -> String {
        match &self.threshold {
            AlertThreshold::Budget(budget) => format!("{} %", budget.as_written()),
            AlertThreshold::BurnRate(rate) => format!("{}×", rate.as_written()),
        }
    }
}

/// How urgent an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Wake someone up.
    Page,
    /// Look at it in working hours.
    Ticket,
}

impl Severity {
    /// `page` or `ticket`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Page => "page",
            Severity::Ticket => "ticket",
        }
    }
}

/// The default policy of DESIGN.md §4: page at 2 % of the budget in 1h (5m), page at 5 % in 6h
/// (30m), ticket at 10 % in 3d (6h).
pub fn default_alerts() -> Vec<AlertRule> {
    let rule = |severity, budget: &str, long: &str, short: &str| AlertRule {
        severity,
        threshold: AlertThreshold::Budget(
            Percentage::parse(budget, "budget").unwrap_or_else(|_| unreachable!()),
        ),
        long: SpanDuration::parse(long).unwrap_or_else(|_| unreachable!()),
        short: SpanDuration::parse(short).unwrap_or_else(|_| unreachable!()),
    };
    vec![
        rule(Severity::Page, "2", "1h", "5m"),
        rule(Severity::Page, "5", "6h", "30m"),
        rule(Severity::Ticket, "10", "3d", "6h"),
    ]
}

/// The default policy for an SLO budgeted in slices of `slice_seconds` (which divide an hour):
/// each short lookback made a whole number of slices, rounded up, so that `timeslice: {length:
/// 10m}` needs no `alerts:` of its own. A rule whose short lookback would then be as long as
/// its long one (1h/5m under 1h slices) is left out; it is returned second, for a note.
pub fn default_alerts_in_slices(slice_seconds: u64) -> (Vec<AlertRule>, Vec<AlertRule>) {
    let slice = slice_seconds.max(1);
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for rule in default_alerts() {
        let short = rule.short.seconds().div_ceil(slice) * slice;
        if short >= rule.long.seconds() || rule.long.seconds() % slice != 0 {
            left_out.push(rule);
        } else if short == rule.short.seconds() {
            kept.push(rule);
        } else {
            kept.push(AlertRule {
                short: SpanDuration::from_seconds(short),
                ..rule
            });
        }
    }
    (kept, left_out)
}

/// The note on the rules of the default policy that slices of `length` leave out.
pub(crate) fn left_out_of_the_default_policy(
    left_out: &[AlertRule],
    length: &SpanDuration,
) -> String {
    let rules: Vec<String> = left_out
        .iter()
        .map(|r| {
            format!(
                "{} {} over {}/{}",
                r.severity.as_str(),
                r.threshold_text(),
                r.long,
                r.short
            )
        })
        .collect();
    format!(
        "with {length} time slices the default alert policy leaves out {}: its short lookback would be no shorter than its long one; write `alerts:` to choose your own",
        rules.join(", ")
    )
}

impl Window {
    /// The window's length in seconds: `D` for a rolling window, the whole period (start to
    /// next start) containing `at` for a calendar window.
    pub fn length_seconds(&self, at: UnixNanos) -> f64 {
        self.length_nanos(at) as f64 / 1e9
    }

    /// The window's length in nanoseconds, exactly (see [`Window::length_seconds`]): the scale
    /// of alert thresholds, which are decided on integers.
    pub fn length_nanos(&self, at: UnixNanos) -> i64 {
        match self {
            Window::Rolling(duration) => duration.nanos(),
            Window::Calendar { unit, zone } => {
                let (start, end) = crate::time::period_containing(at, *unit, zone);
                end - start
            }
            Window::Between { from, to, .. } => to - from,
        }
    }

    /// The length `D` that scales alert thresholds (`budget × D / long`) when this is the first
    /// window: its own length, but for an interval the length of the window it replaced.
    pub fn alert_scale_nanos(&self, at: UnixNanos) -> i64 {
        match self {
            Window::Between { alert_scale_ns, .. } => *alert_scale_ns,
            _ => self.length_nanos(at),
        }
    }
}

/// How events are turned into an error budget.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Budgeting {
    /// Count events.
    Occurrences,
    /// Count time slices: a slice is good when its good/total ratio reaches the slice objective.
    Timeslices(Timeslice),
    /// OpenSLO's RatioTimeslices: the SLI is the mean of the per-slice ratios over the slices
    /// that hold events.
    RatioTimeslices(Timeslice),
}

/// The time slices of `timeslices` and `ratio_timeslices` budgeting, aligned to the Unix epoch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeslice {
    /// Each slice is `[s, s + length)`.
    pub length: SpanDuration,
    /// The share of good events that makes a slice good (required for `timeslices`).
    pub objective: Option<Percentage>,
}

impl Timeslice {
    /// Whether slices of `length` divide one hour evenly, as `slo` requires of every slice
    /// length, so that burn rates over 1h count whole slices.
    pub(crate) fn divides_an_hour(length: &SpanDuration) -> bool {
        3600 % length.seconds() == 0
    }

    /// The rolling windows and alert lookbacks (both windows of each rule) that are not a whole
    /// number of these slices, each with what it is: `window` or `alert lookback`.
    pub(crate) fn misaligned<'a>(
        &self,
        windows: &'a [Window],
        alerts: &'a [AlertRule],
    ) -> impl Iterator<Item = (&'static str, &'a SpanDuration)> + 'a {
        let length = self.length.seconds();
        let rolling = windows.iter().filter_map(|w| match w {
            Window::Rolling(d) => Some(("window", d)),
            Window::Calendar { .. } | Window::Between { .. } => None,
        });
        let lookbacks = alerts
            .iter()
            .flat_map(|a| [("alert lookback", &a.long), ("alert lookback", &a.short)]);
        rolling
            .chain(lookbacks)
            .filter(move |(_, duration)| duration.seconds() % length != 0)
    }
}

impl Budgeting {
    /// The name used in specs and reports.
    pub fn as_str(&self) -> &'static str {
        match self {
            Budgeting::Occurrences => "occurrences",
            Budgeting::Timeslices(_) => "timeslices",
            Budgeting::RatioTimeslices(_) => "ratio_timeslices",
        }
    }

    /// The time slices, unless events are counted.
    pub fn timeslice(&self) -> Option<&Timeslice> {
        match self {
            Budgeting::Occurrences => None,
            Budgeting::Timeslices(slice) | Budgeting::RatioTimeslices(slice) => Some(slice),
        }
    }
}

/// How to read the logs of the SLOs of one spec file.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// Log files used when none is given on the command line, resolved against the spec's folder.
    pub paths: Vec<PathBuf>,
    /// The log format.
    pub format: InputFormat,
    /// Where each row's time is and how it is written.
    pub timestamp: TimestampSpec,
    /// `source.units`: the unit of the bare numbers of these fields (`latency_ms: ms`), over
    /// what the log format documents. Values written with a unit (`126ms`) keep theirs.
    pub units: Vec<(FieldPath, TimeUnit)>,
}

impl Default for Source {
    fn default() -> Self {
        Source {
            paths: Vec::new(),
            format: InputFormat::Auto,
            timestamp: TimestampSpec::default(),
            units: Vec::new(),
        }
    }
}

impl Source {
    /// What is known, before reading a log of `format`, of the unit of `field`'s bare numbers:
    /// the unit `source.units` declares, else the one the format documents; else none, which
    /// is known when the format writes plain numbers and learnt row by row when it is `auto`
    /// or its values may carry their own unit (see [`values_may_carry_units`]).
    pub fn field_unit(&self, format: &InputFormat, field: &FieldPath) -> FieldUnit {
        if let Some((_, unit)) = self.units.iter().find(|(path, _)| path == field) {
            return FieldUnit::Known(*unit);
        }
        match format.field_unit(field) {
            Some(unit) => FieldUnit::Known(unit),
            None if values_may_carry_units(format) => FieldUnit::PerRow,
            None => FieldUnit::Unitless,
        }
    }
}

/// Whether a log of `format` may write a value with its unit (`"latency": "0.058927s"`, as
/// protobuf's JSON and Go write durations; logfmt's `service=126ms`), or is recognised per file
/// (`auto`): then whether a field holds bare numbers is only known row by row, and a bare number
/// with no unit met by a duration makes its row invalid. In the other formats (CSV, TSV, the
/// access-log formats) a field with no known unit holds plain numbers, so comparing it with a
/// duration is an error in the spec.
pub fn values_may_carry_units(format: &InputFormat) -> bool {
    match format {
        InputFormat::Auto | InputFormat::Json | InputFormat::Jsonl => true,
        InputFormat::Csv | InputFormat::Tsv => false,
        InputFormat::Text(text) => text.kind() == TextKind::Logfmt,
    }
}

/// The timestamp field of a log row and how to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct TimestampSpec {
    /// The field holding the timestamp.
    pub field: FieldPath,
    /// How it is written.
    pub format: TimestampFormat,
    /// The zone of timestamps that carry no offset.
    pub zone: Zone,
}

impl Default for TimestampSpec {
    fn default() -> Self {
        TimestampSpec {
            field: FieldPath(vec!["timestamp".to_string()]),
            format: TimestampFormat::Auto,
            zone: Zone::Utc,
        }
    }
}

/// A problem in a spec file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The spec file.
    pub file: PathBuf,
    /// 1-based line, 0 when the problem concerns the whole file.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub column: usize,
    /// What is wrong and, where possible, what to do.
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.line, self.column) {
            (0, _) => write!(f, "{}: {}", self.file.display(), self.message),
            (line, 0) => write!(f, "{}:{line}: {}", self.file.display(), self.message),
            (line, column) => write!(
                f,
                "{}:{line}:{column}: {}",
                self.file.display(),
                self.message
            ),
        }
    }
}

impl std::error::Error for SpecError {}

/// All problems found while loading specs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecErrors(pub Vec<SpecError>);

impl fmt::Display for SpecErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, error) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for SpecErrors {}
