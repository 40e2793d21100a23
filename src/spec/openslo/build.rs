//! The third pass: each objective of each checked SLO becomes an [`Slo`], or an
//! [`Uncomputable`] saying why `slo` cannot compute it from request logs.

use std::sync::Arc;

use super::super::reader::Checker;
use super::super::yaml::Position;
use super::super::{
    default_alerts, default_alerts_in_slices, left_out_of_the_default_policy, AlertRule,
    AlertThreshold, Budgeting, BurnRate, Condition, Judgement, Location, Percentage, Severity, Slo,
    Timeslice, Uncomputable, Window,
};
use super::check::{Index, Measure, Method, ObjectiveModel, Op, PolicyModel, SloModel};
use super::{slug, Built};
use crate::time::{CalendarUnit, SpanDuration};

/// Most digits after the point of a burn-rate budget computed from a threshold.
const BUDGET_DIGITS: u32 = 12;

pub(super) fn build_all(index: Index, checkers: &mut [Checker]) -> Built {
    let mut built = Built {
        slos: Vec::new(),
        uncomputable: Vec::new(),
        not_carried: Vec::new(),
    };
    for model in &index.slos {
        let checker = &mut checkers[model.file];
        let names = objective_names(model);
        for (objective, name) in model.objectives.iter().zip(names) {
            let at = if model.objectives.len() == 1 {
                model.at.clone()
            } else {
                objective.at.clone()
            };
            match build_one(model, objective, &name, &at, checker) {
                Conversion::Slo(slo) => built.slos.push((model.file, *slo)),
                Conversion::Uncomputable(reason) => built.uncomputable.push((
                    model.file,
                    Uncomputable {
                        name,
                        defined_at: at,
                        reason,
                    },
                )),
                Conversion::Invalid => {}
            }
        }
    }
    built
}

/// One result name per objective: the SLO's name alone, or `NAME/OBJECTIVE` when it has
/// several (the objective's displayName as a label, or its position from 1).
fn objective_names(model: &SloModel) -> Vec<String> {
    if model.objectives.len() == 1 {
        return vec![model.name.clone()];
    }
    let mut names: Vec<String> = Vec::new();
    for (i, objective) in model.objectives.iter().enumerate() {
        let label = objective
            .display_name
            .as_deref()
            .map(slug)
            .filter(|s| !s.is_empty() && !names.iter().any(|n| n.ends_with(&format!("/{s}"))))
            .unwrap_or_else(|| (i + 1).to_string());
        names.push(format!("{}/{label}", model.name));
    }
    names
}

enum Conversion {
    Slo(Box<Slo>),
    Uncomputable(String),
    /// An error was reported.
    Invalid,
}

fn position(at: &Location) -> Position {
    Position {
        line: at.line,
        column: at.column,
    }
}

fn build_one(
    model: &SloModel,
    objective: &ObjectiveModel,
    name: &str,
    at: &Location,
    checker: &mut Checker,
) -> Conversion {
    let logs = match &objective.sli.logs {
        Ok(logs) => logs,
        Err(reason) => return Conversion::Uncomputable(reason.clone()),
    };
    // The slo.logs rules first: they are errors whatever else keeps the SLO from being computed.
    let judgement = match &logs.measure {
        Measure::Judgement(judgement) => {
            if objective.sli.threshold && (objective.op.is_some() || objective.value.is_some()) {
                checker.error(
                    position(&objective.at),
                    format!(
                        "SLO {}: this objective's SLI judges events with a `good` or `bad` expression, so its op and value have nothing to compare; drop them, or give the slo.logs metric source a `field` instead",
                        model.name
                    ),
                );
                return Conversion::Invalid;
            }
            judgement.clone()
        }
        Measure::Field { text, at: field_at } => {
            match (objective.op, &objective.value) {
                (Some(op), Some(value)) => {
                    let expression = format!("{text} {} {value}", op.symbol());
                    match crate::expr::parse(&expression) {
                        Ok(expr) => {
                            // Built from the spec's parts, not written in it.
                            let condition = Condition {
                                text: expression,
                                expr,
                                located: None,
                            };
                            // A latency at or under the threshold is the good kind of event.
                            Judgement::Good(condition)
                        }
                        Err(e) => {
                            checker.error(
                            position(field_at),
                            format!("SLO {}: `{expression}` is not an expression slo can evaluate: {}", model.name, e.message),
                        );
                            return Conversion::Invalid;
                        }
                    }
                }
                _ => {
                    checker.error(
                    position(&objective.at),
                    format!(
                        "SLO {}: its SLI compares the field {text} of each event with the objective's op and value, so this objective needs both (such as op: lte, value: 300)",
                        model.name
                    ),
                );
                    return Conversion::Invalid;
                }
            }
        }
    };
    let target = match &objective.objective {
        Ok(target) => target.clone(),
        Err(reason) => return Conversion::Uncomputable(reason.clone()),
    };
    let window = match &model.window {
        Some(Ok(window)) => window.clone(),
        Some(Err(reason)) => return Conversion::Uncomputable(reason.clone()),
        None => {
            return Conversion::Uncomputable(
                "it has no time window; give it one (such as timeWindow: [{duration: 28d, isRolling: true}])"
                    .to_string(),
            )
        }
    };
    if let Some((sla, sla_at)) = model
        .native
        .sla
        .as_ref()
        .filter(|(sla, _)| sla.is_above(&target))
    {
        checker.error(
            *sla_at,
            format!(
                "SLO {name}: its slo/sla {} is above its objective {}: the SLA must be at most the objective",
                sla.as_written(),
                target.as_written()
            ),
        );
        return Conversion::Invalid;
    }
    if let Some((latency, latency_at)) = &model.native.latency {
        if let Some(problem) = crate::spec::native::unknown_unit(latency, &logs.source) {
            checker.error(
                *latency_at,
                format!("SLO {name}: annotation slo/latency: {problem}"),
            );
            return Conversion::Invalid;
        }
    }
    let mut windows = vec![window];
    for extra in &model.extra_windows {
        if !windows.iter().any(|w| w.label() == extra.label()) {
            windows.push(extra.clone());
        }
    }
    let budgeting = match budgeting(model, objective) {
        Ok(budgeting) => budgeting,
        Err(reason) => return Conversion::Uncomputable(reason),
    };
    let slice = budgeting.timeslice().map(|s| s.length.seconds());
    let alerts = match (&model.policies, budgeting.timeslice()) {
        (None, None) => default_alerts(),
        (None, Some(timeslice)) => {
            let (kept, left_out) = default_alerts_in_slices(timeslice.length.seconds());
            if !left_out.is_empty() {
                checker.note(
                    position(&model.at),
                    format!(
                        "SLO {}: {}",
                        model.name,
                        left_out_of_the_default_policy(&left_out, &timeslice.length)
                    ),
                );
            }
            kept
        }
        (Some(policies), _) => alert_rules(model, policies, &windows[0], slice, checker),
    };
    if let Some(timeslice) = budgeting.timeslice() {
        if let Some((what, duration)) = timeslice.misaligned(&windows, &alerts).next() {
            return Conversion::Uncomputable(format!(
                "its {what} {duration} is not a whole number of {} time slices",
                SpanDuration::from_seconds(timeslice.length.seconds())
            ));
        }
    }
    Conversion::Slo(Box::new(Slo {
        name: name.to_string(),
        description: model.description.clone(),
        service: model.service.clone(),
        objective: target,
        sla: model.native.sla.as_ref().map(|(sla, _)| sla.clone()),
        windows,
        filter: logs.filter.clone(),
        judgement,
        group_by: logs.group_by.clone(),
        budgeting,
        alerts,
        min_events: model.native.min_events,
        policy: model.native.policy.clone(),
        exclude: model.native.exclude.clone(),
        latency: model.native.latency.as_ref().map(|(l, _)| l.clone()),
        source: Arc::clone(&logs.source),
        defined_at: at.clone(),
    }))
}

fn budgeting(model: &SloModel, objective: &ObjectiveModel) -> Result<Budgeting, String> {
    if model.method == Method::Occurrences {
        return Ok(Budgeting::Occurrences);
    }
    let length = match &objective.time_slice_window {
        Some(Ok(length)) => length.clone(),
        Some(Err(reason)) => return Err(reason.clone()),
        None => return Err(
            "it uses time slices but openslo/v1alpha gives no slice length (v1's timeSliceWindow)"
                .to_string(),
        ),
    };
    if !Timeslice::divides_an_hour(&length) {
        return Err(format!(
            "its timeSliceWindow {length} does not divide an hour evenly; slo's slices do (such as 1m, 5m, 10m, 1h), so that burn rates over 1h count whole slices"
        ));
    }
    let slice = Timeslice {
        length,
        objective: objective.time_slice_target.clone(),
    };
    Ok(match model.method {
        Method::Timeslices => Budgeting::Timeslices(slice),
        _ => Budgeting::RatioTimeslices(slice),
    })
}

/// The length `D` that turns a burn-rate threshold into a share of the budget: a rolling
/// window's length, or a calendar period's nominal one (30 days a month, as OpenSLO's Go SDK
/// counts).
pub(crate) fn nominal_seconds(window: &Window) -> u64 {
    match window {
        Window::Rolling(duration) => duration.seconds(),
        Window::Between { .. } => {
            u64::try_from(window.nominal_nanos() / 1_000_000_000).unwrap_or(0)
        }
        Window::Calendar { unit, .. } => match unit {
            CalendarUnit::Day => 86_400,
            CalendarUnit::Week => 7 * 86_400,
            CalendarUnit::Month => 30 * 86_400,
            CalendarUnit::Quarter => 90 * 86_400,
            CalendarUnit::Year => 365 * 86_400,
        },
    }
}

/// Burn-rate AlertConditions as multiwindow alert rules: the threshold `B` over `lookbackWindow`
/// `L` is the budget share `B × L / D`; the short window is the `slo/short-window` annotation or
/// `L / 12`, as in the SRE Workbook.
fn alert_rules(
    model: &SloModel,
    policies: &[PolicyModel],
    first: &Window,
    slice: Option<u64>,
    checker: &mut Checker,
) -> Vec<AlertRule> {
    let window_seconds = nominal_seconds(first);
    let mut rules = Vec::new();
    for policy in policies {
        let Some(condition) = &policy.condition else {
            continue;
        };
        let at = position(&condition.at);
        let what = format!("SLO {}, AlertCondition {}", model.name, condition.name);
        if policy.breaching == Some(false) {
            checker.note(
                position(&policy.at),
                format!(
                    "SLO {}, AlertPolicy {}: alertWhenBreaching is false, and burn-rate breaches are the only alerts slo raises, so it raises none for this policy",
                    model.name, policy.name
                ),
            );
            continue;
        }
        if matches!(condition.op, Some(Op::Lt | Op::Lte)) {
            checker.note(
                at,
                format!(
                    "{what}: op {} alerts when the burn rate is low; slo's alerts fire when it is high, so this condition is left out",
                    condition.op.map_or("", Op::as_str)
                ),
            );
            continue;
        }
        if let Some(after) = &condition.alert_after {
            checker.note(
                at,
                format!(
                    "{what}: alertAfter {after} is ignored: slo evaluates alerts at one instant; the short window stops an alert soon after the burn does"
                ),
            );
        }
        let (severity, exact) = severity(&condition.severity);
        if !exact {
            checker.note(
                at,
                format!(
                    "{what}: severity `{}` is reported as {} (slo knows page and ticket)",
                    condition.severity,
                    severity.as_str()
                ),
            );
        }
        if matches!(condition.op, Some(Op::Gte)) {
            checker.note(
                at,
                format!("{what}: op gte is read as gt: at exactly the threshold slo does not fire"),
            );
        }
        let long = condition.lookback.rolling();
        // On a rolling window the rule keeps the burn rate as written, exactly; its share of
        // the budget only bounds it. A calendar window's length varies (February, March), and
        // its rules, like slo's own, spend a share of the budget: the share the threshold is
        // of the window's nominal length (see `nominal_seconds`).
        let share = budget_share(&condition.threshold, long.seconds(), window_seconds);
        let threshold = match first {
            Window::Calendar { .. } => share.map(AlertThreshold::Budget),
            Window::Rolling(_) | Window::Between { .. } => share
                .and_then(|_| BurnRate::parse(&condition.threshold).ok())
                .map(AlertThreshold::BurnRate),
        };
        let Some(threshold) = threshold else {
            checker.note(
                at,
                format!(
                    "{what}: threshold {} over {long} is no share of the error budget between 0 and 100 % of a {} window, so this condition is left out",
                    condition.threshold,
                    first.label()
                ),
            );
            continue;
        };
        let short = match &condition.short {
            Some(short) => short.clone(),
            None => {
                let mut seconds = long.seconds() / 12;
                if let Some(length) = slice {
                    seconds = (seconds / length).max(1) * length;
                }
                SpanDuration::from_seconds(seconds)
            }
        };
        if short.seconds() >= long.seconds() {
            checker.note(
                at,
                format!("{what}: its short window {short} is not shorter than lookbackWindow {long}, so this condition is left out"),
            );
            continue;
        }
        rules.push(AlertRule {
            severity,
            threshold,
            long,
            short,
        });
    }
    rules
}

/// OpenSLO's free-form severity as page or ticket; `true` when it was written so.
fn severity(text: &str) -> (Severity, bool) {
    let lower = text.to_ascii_lowercase();
    match lower.as_str() {
        "page" => (Severity::Page, true),
        "ticket" => (Severity::Ticket, true),
        "warning" | "warn" | "info" | "low" | "minor" | "medium" | "sev3" | "sev4" | "sev5"
        | "p3" | "p4" | "p5" | "notify" | "email" => (Severity::Ticket, false),
        _ => (Severity::Page, false),
    }
}

/// `threshold × long / window` as a percentage of the budget, exactly when it is a decimal of at
/// most 12 digits after the point (else rounded); `None` outside (0, 100].
pub(crate) fn budget_share(threshold: &str, long: u64, window: u64) -> Option<Percentage> {
    let (numerator, denominator) = decimal_ratio(threshold)?;
    let numerator = numerator.checked_mul(u128::from(long))?.checked_mul(100)?;
    let denominator = denominator.checked_mul(u128::from(window))?;
    let text = ratio_text(numerator, denominator, BUDGET_DIGITS)?;
    let budget = Percentage::parse(&text, "budget").ok()?;
    (budget.numerator() > 0 && budget.numerator() <= budget.denominator()).then_some(budget)
}

/// A burn-rate threshold from a budget share: `budget × window / long`, as a decimal.
pub(crate) fn burn_threshold(budget: &Percentage, long: u64, window: u64) -> Option<String> {
    // budget.numerator() / budget.denominator() is the share of the budget.
    let numerator = budget.numerator().checked_mul(u128::from(window))?;
    let denominator = budget.denominator().checked_mul(u128::from(long))?;
    ratio_text(numerator, denominator, BUDGET_DIGITS)
}

/// A plain non-negative decimal as numerator and power-of-ten denominator.
fn decimal_ratio(text: &str) -> Option<(u128, u128)> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || !whole
            .bytes()
            .chain(fraction.bytes())
            .all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let digits: u128 = format!("{whole}{fraction}").parse().ok()?;
    Some((
        digits,
        10u128.checked_pow(u32::try_from(fraction.len()).ok()?)?,
    ))
}

/// `numerator / denominator` as a decimal with at most `digits` digits after the point, the
/// last rounded half up.
fn ratio_text(numerator: u128, denominator: u128, digits: u32) -> Option<String> {
    if denominator == 0 {
        return None;
    }
    let scale = 10u128.pow(digits);
    let scaled = numerator.checked_mul(scale)?;
    let rounded = (scaled + denominator / 2) / denominator;
    let whole = rounded / scale;
    let fraction = rounded % scale;
    let text = format!("{whole}.{fraction:0width$}", width = digits as usize);
    Some(text.trim_end_matches('0').trim_end_matches('.').to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_budget_shares_convert_exactly() {
        let day = 86_400;
        let budget = budget_share("14.4", 3_600, 30 * day).unwrap();
        assert_eq!(budget.as_written(), "2");
        assert_eq!(
            budget_share("6", 6 * 3_600, 30 * day).unwrap().as_written(),
            "5"
        );
        assert_eq!(
            budget_share("1", 3 * day, 30 * day).unwrap().as_written(),
            "10"
        );
        assert!(budget_share("0", 3_600, day).is_none());
        assert!(budget_share("1000", day, day).is_none());
        let two = Percentage::parse("2", "budget").unwrap();
        assert_eq!(burn_threshold(&two, 3_600, 30 * day).unwrap(), "14.4");
        assert_eq!(
            burn_threshold(&two, 7 * 3_600, 30 * day).unwrap(),
            "2.057142857143"
        );
        assert_eq!(ratio_text(1, 3, 4).unwrap(), "0.3333");
        assert_eq!(ratio_text(2, 3, 4).unwrap(), "0.6667");
        assert_eq!(ratio_text(10, 5, 4).unwrap(), "2");
    }

    #[test]
    fn severities() {
        assert_eq!(severity("page"), (Severity::Page, true));
        assert_eq!(severity("ticket"), (Severity::Ticket, true));
        assert_eq!(severity("sev1"), (Severity::Page, false));
        assert_eq!(severity("Warning"), (Severity::Ticket, false));
    }
}
