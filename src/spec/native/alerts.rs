//! A native SLO's `alerts`: multiwindow, multi-burn-rate rules (DESIGN.md §4), and notes on
//! rules that cannot work as meant against the SLO's first window.

use crate::spec::reader::Checker;
use crate::spec::yaml::{Node, Position};
use crate::spec::{AlertRule, AlertThreshold, BurnRate, Percentage, Severity, Window};
use crate::time::{CalendarUnit, SpanDuration};

const ALERT_KEYS: &[&str] = &["severity", "budget", "burn_rate", "long", "short"];

impl Checker<'_> {
    /// An `alerts` list; `None` when any rule in it is wrong.
    pub(super) fn alerts(&mut self, node: &Node) -> Option<Vec<AlertRule>> {
        let items = self.sequence(node, "`alerts`")?;
        let errors_before = self.errors.len();
        let mut rules = Vec::new();
        for item in items {
            let Some(entries) = self.mapping(item, "an alert", ALERT_KEYS) else {
                continue;
            };
            let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            let mut missing = Vec::new();
            let severity = match get("severity") {
                Some(value) => match self.string(value, "`severity`").as_deref() {
                    Some("page") => Some(Severity::Page),
                    Some("ticket") => Some(Severity::Ticket),
                    Some(other) => {
                        self.error(
                            value.position,
                            format!("unknown severity `{other}`: use page or ticket"),
                        );
                        None
                    }
                    None => None,
                },
                None => {
                    missing.push("severity");
                    None
                }
            };
            let threshold = match (get("budget"), get("burn_rate")) {
                (Some(value), None) => self.string(value, "`budget`").and_then(|text| {
                    match Percentage::parse(&text, "budget") {
                        Ok(budget) if budget.numerator() > 0 && budget.numerator() <= budget.denominator() => Some(AlertThreshold::Budget(budget)),
                        Ok(_) => {
                            self.error(value.position, format!("budget '{text}' must be above 0 % and at most 100 % of the error budget"));
                            None
                        }
                        Err(message) => {
                            self.error(value.position, message);
                            None
                        }
                    }
                }),
                (None, Some(value)) => self.string(value, "`burn_rate`").and_then(|text| {
                    BurnRate::parse(&text)
                        .map(AlertThreshold::BurnRate)
                        .map_err(|message| self.error(value.position, message))
                        .ok()
                }),
                (Some(_), Some(value)) => {
                    self.error(
                        value.position,
                        "an alert has `budget` or `burn_rate`, not both: a share of the budget within `long`, or how fast it burns",
                    );
                    None
                }
                (None, None) => {
                    missing.push("budget (or burn_rate)");
                    None
                }
            };
            let mut lookback = |key: &'static str, missing: &mut Vec<&str>| match get(key) {
                Some(value) => self.string(value, &format!("`{key}`")).and_then(|text| {
                    SpanDuration::parse(&text)
                        .map_err(|message| self.error(value.position, message))
                        .ok()
                }),
                None => {
                    missing.push(key);
                    None
                }
            };
            let long = lookback("long", &mut missing);
            let short = lookback("short", &mut missing);
            if !missing.is_empty() {
                self.error(
                    item.position,
                    format!(
                        "this alert lacks {}; write e.g. {{severity: page, budget: 2%, long: 1h, short: 5m}}",
                        missing.join(", ")
                    ),
                );
            }
            if let (Some(long), Some(short)) = (&long, &short) {
                if short.seconds() >= long.seconds() {
                    self.error(
                        item.position,
                        format!("the short lookback ({short}) must be shorter than the long one ({long})"),
                    );
                    continue;
                }
            }
            if let (Some(severity), Some(threshold), Some(long), Some(short)) =
                (severity, threshold, long, short)
            {
                rules.push(AlertRule {
                    severity,
                    threshold,
                    long,
                    short,
                });
            }
        }
        (self.errors.len() == errors_before).then_some(rules)
    }

    /// Notes on alerts that cannot work as meant against the SLO's first window, which scales
    /// their thresholds (`budget × window ÷ long`): a long lookback that is not shorter than
    /// the window sees no more than the window does, and a threshold below 1× fires while the
    /// budget would outlast the window (`windows: [5m]` under the default policy pages on any
    /// bad request). A calendar window counts at its usual length (a month as 30 days), so
    /// that the policy scaled for 30 days is not noted for a calendar month.
    pub(super) fn check_alert_scale(
        &mut self,
        at: Position,
        windows: &[Window],
        alerts: &[AlertRule],
    ) {
        let (window, window_ns) = match windows.first() {
            Some(Window::Rolling(duration)) => (duration.to_string(), duration.nanos()),
            Some(first @ Window::Between { .. }) => (first.label(), first.nominal_nanos()),
            Some(first @ Window::Calendar { unit, .. }) => {
                const DAY: i64 = 86_400 * 1_000_000_000;
                let days = match unit {
                    CalendarUnit::Day => 1,
                    CalendarUnit::Week => 7,
                    CalendarUnit::Month => 30,
                    CalendarUnit::Quarter => 91,
                    CalendarUnit::Year => 365,
                };
                (format!("a calendar {}", first.label()), days * DAY)
            }
            None => return,
        };
        let mut problems = Vec::new();
        for alert in alerts {
            let threshold = alert.threshold(window_ns);
            let mut why = Vec::new();
            if alert.long.nanos() >= window_ns {
                why.push("its long lookback is not shorter than the window".to_string());
            }
            if threshold < 1.0 {
                why.push(match alert.threshold {
                    AlertThreshold::Budget(_) => format!(
                        "its threshold (budget × window ÷ long lookback) is {}×, below 1×",
                        significant(threshold)
                    ),
                    AlertThreshold::BurnRate(_) => "its burn rate is below 1×".to_string(),
                });
            }
            if !why.is_empty() {
                problems.push(format!(
                    "{} {} over {}/{}: {}",
                    alert.severity.as_str(),
                    alert.threshold_text(),
                    alert.long,
                    alert.short,
                    why.join(" and ")
                ));
            }
        }
        if !problems.is_empty() {
            self.note(
                at,
                format!(
                    "with a first window of {window}, these alerts fire on a burn rate at which \
                     the budget outlasts the window (for a short window, on almost any bad \
                     event): {}; set `alerts:` with lookbacks shorter than the window, or \
                     `alerts: []`",
                    problems.join("; ")
                ),
            );
        }
    }
}

/// `value` with two significant digits (`0.0017`, `0.93`, `14`), for rates in messages.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "a finite, non-zero rate: its exponent fits in i32, and max(0) keeps it non-negative"
    )]
    let decimals = (1 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}
