//! Writing SLOs as OpenSLO v1 documents (`slo convert --to openslo`).
//!
//! Each SLO becomes an `SLO` object with an inline ratio SLI whose metric sources are of type
//! `slo.logs`; the logs it reads become a `DataSource`; an alert policy other than the default
//! becomes one `AlertPolicy` per rule (OpenSLO allows one condition per policy), all pointing
//! at one `AlertNotificationTarget`. What OpenSLO cannot say — several windows, an SLO without a
//! service, a short window other than the long one / 12 — goes into `slo/` annotations, which
//! `slo` reads back and other tools ignore.

use std::collections::HashSet;
use std::path::Path;

use super::super::convert::{exclude_yaml, latency_yaml, native_window, policy_yaml, source_yaml};
use super::super::yaml_out::Yaml;
use super::super::{
    default_alerts, AlertRule, AlertThreshold, Budgeting, Judgement, Slo, Source, SpecSet, Window,
};
use super::build::{burn_threshold, nominal_seconds};
use super::{check_name, slug, Shorthand, LOGS_TYPE};
use crate::time::{SpanDuration, Zone};

/// The start written for calendar windows: a Monday that is also the first day of a year,
/// so that it starts a period of every unit.
const CALENDAR_START: &str = "2024-01-01 00:00:00";
/// The notification target every written alert policy names.
const TARGET: &str = "slo-alerts";

/// The documents, or what keeps some SLOs from being written.
pub(crate) fn to_openslo(set: &SpecSet, base: &Path) -> Result<String, Vec<String>> {
    let mut problems = Vec::new();
    let mut documents: Vec<Yaml> = Vec::new();
    let mut names = HashSet::new();

    // One DataSource per distinct way of reading logs.
    let mut sources: Vec<(&Source, String)> = Vec::new();
    for slo in &set.slos {
        if *slo.source == Source::default() || sources.iter().any(|(s, _)| **s == *slo.source) {
            continue;
        }
        let stem = slo
            .source
            .paths
            .first()
            .and_then(|p| p.file_stem())
            .map(|s| slug(&s.to_string_lossy()))
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "requests".to_string());
        let name = unique(&mut names, &format!("{stem}-logs"));
        documents.push(object(
            "DataSource",
            Yaml::map([("name", Yaml::str(&name))]),
            Yaml::map([
                ("description", Yaml::str("Request logs, read by slo")),
                ("type", Yaml::str(LOGS_TYPE)),
                (
                    "connectionDetails",
                    source_yaml(&slo.source, base).unwrap_or(Yaml::Map(Vec::new())),
                ),
            ]),
        ));
        sources.push((&slo.source, name));
    }

    // A name OpenSLO cannot hold (`api/strict`, the result of one of an OpenSLO SLO's several
    // objectives; `Checkout_SLO`) is written as a label made from it, unique among the SLOs,
    // and kept whole in the `slo/name` annotation, which slo reads back as the name.
    let mut slo_names: HashSet<String> = set
        .slos
        .iter()
        .filter(|slo| check_name(&slo.name).is_ok())
        .map(|slo| slo.name.clone())
        .collect();
    let mut policies_written = false;
    for slo in &set.slos {
        let source = sources
            .iter()
            .find(|(s, _)| **s == *slo.source)
            .map(|(_, name)| name.as_str());
        let name = if check_name(&slo.name).is_ok() {
            slo.name.clone()
        } else {
            let label = slug(&slo.name);
            unique(
                &mut slo_names,
                if label.is_empty() { "slo" } else { &label },
            )
        };
        match slo_documents(slo, &name, source, &mut names) {
            Ok(objects) => {
                policies_written |= objects.len() > 1;
                documents.extend(objects);
            }
            Err(problem) => {
                problems.push(format!("{}: SLO {}: {problem}", slo.defined_at, slo.name))
            }
        }
    }
    if policies_written {
        documents.push(object(
            "AlertNotificationTarget",
            Yaml::map([("name", Yaml::str(TARGET))]),
            Yaml::map([
                (
                    "description",
                    Yaml::str("Burn-rate alerts are shown by `slo report` and fail `slo check --fail-on at-risk`"),
                ),
                ("target", Yaml::str("slo check --fail-on at-risk")),
            ]),
        ));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    Ok(documents
        .iter()
        .map(Yaml::to_document)
        .collect::<Vec<_>>()
        .join("---\n"))
}

fn object(kind: &str, metadata: Yaml, spec: Yaml) -> Yaml {
    Yaml::map([
        ("apiVersion", Yaml::str("openslo/v1")),
        ("kind", Yaml::str(kind)),
        ("metadata", metadata),
        ("spec", spec),
    ])
}

/// `name`, or `name-2`, `name-3`… when taken; remembered as taken.
fn unique(names: &mut HashSet<String>, name: &str) -> String {
    let mut candidate = name.to_string();
    let mut n = 2;
    while names.contains(&candidate) {
        let suffix = format!("-{n}");
        let room = 63 - suffix.len();
        candidate = format!(
            "{}{suffix}",
            &name[..name.len().min(room)].trim_end_matches('-')
        );
        n += 1;
    }
    names.insert(candidate.clone());
    candidate
}

/// The SLO object, then its alert policies.
fn slo_documents(
    slo: &Slo,
    name: &str,
    source: Option<&str>,
    names: &mut HashSet<String>,
) -> Result<Vec<Yaml>, String> {
    if let Some(description) = &slo.description {
        if description.chars().count() > 1050 {
            return Err(
                "its description is longer than the 1050 characters OpenSLO allows".to_string(),
            );
        }
    }
    let mut annotations = Vec::new();
    if name != slo.name {
        annotations.push(("slo/name", Yaml::str(&slo.name)));
    }
    if slo.windows.len() > 1 {
        let extra = Yaml::Seq(slo.windows[1..].iter().map(native_window).collect());
        annotations.push(("slo/extra-windows", Yaml::str(extra.to_flow())));
    }
    if slo.service.is_none() {
        annotations.push(("slo/no-service", Yaml::str("true")));
    }
    annotations.extend(native_annotations(slo));
    let mut metadata = vec![("name", Yaml::str(name))];
    if !annotations.is_empty() {
        metadata.push(("annotations", Yaml::map(annotations)));
    }

    let metric = |filter: Yaml, group_by: Option<Yaml>| {
        let mut source_entries = Vec::new();
        if let Some(name) = source {
            source_entries.push(("metricSourceRef", Yaml::str(name)));
        }
        source_entries.push(("type", Yaml::str(LOGS_TYPE)));
        let mut spec = vec![("filter", filter)];
        if let Some(group_by) = group_by {
            spec.push(("groupBy", group_by));
        }
        source_entries.push(("spec", Yaml::map(spec)));
        Yaml::map([("metricSource", Yaml::map(source_entries))])
    };
    let (side, judged) = match &slo.judgement {
        Judgement::Good(c) => ("good", c),
        Judgement::Bad(c) => ("bad", c),
    };
    let group_by = (!slo.group_by.is_empty()).then(|| {
        Yaml::Seq(
            slo.group_by
                .iter()
                .map(|f| Yaml::str(f.to_string()))
                .collect(),
        )
    });
    let total_filter = slo.filter.as_ref().map_or("true", |c| c.text.as_str());
    let indicator = Yaml::map([
        ("metadata", Yaml::map([("name", Yaml::str(name))])),
        (
            "spec",
            Yaml::map([(
                "ratioMetric",
                Yaml::map([
                    ("counter", Yaml::raw("false")),
                    (side, metric(Yaml::str(&judged.text), None)),
                    ("total", metric(Yaml::str(total_filter), group_by)),
                ]),
            )]),
        ),
    ]);

    let mut objective = vec![("targetPercent", Yaml::raw(slo.objective.as_written()))];
    let method = match &slo.budgeting {
        Budgeting::Occurrences => "Occurrences",
        Budgeting::Timeslices(_) => "Timeslices",
        Budgeting::RatioTimeslices(_) => "RatioTimeslices",
    };
    if let Some(slice) = slo.budgeting.timeslice() {
        if let Some(target) = &slice.objective {
            objective.push(("timeSliceTarget", Yaml::raw(target.fraction_text())));
        }
        objective.push(("timeSliceWindow", slice_window(&slice.length)?));
    }

    let mut spec = Vec::new();
    if let Some(description) = &slo.description {
        spec.push(("description", Yaml::str(description)));
    }
    spec.push(("service", Yaml::str(slo.service.as_deref().unwrap_or(name))));
    spec.push(("indicator", indicator));
    spec.push(("timeWindow", Yaml::Seq(vec![time_window(&slo.windows[0])?])));
    spec.push(("budgetingMethod", Yaml::str(method)));
    spec.push(("objectives", Yaml::Seq(vec![Yaml::map(objective)])));

    let mut documents = Vec::new();
    if slo.alerts != default_alerts() {
        let mut refs = Vec::new();
        for rule in &slo.alerts {
            let (name, policy) = alert_policy(slo, rule, names)?;
            refs.push(Yaml::map([("alertPolicyRef", Yaml::str(name))]));
            documents.push(policy);
        }
        spec.push(("alertPolicies", Yaml::Seq(refs)));
    }
    documents.insert(0, object("SLO", Yaml::map(metadata), Yaml::map(spec)));
    Ok(documents)
}

/// The keys of `slo` that OpenSLO has no place for, as `slo/` annotations that `slo` reads
/// back (and other tools ignore): each the native value, written inline.
fn native_annotations(slo: &Slo) -> Vec<(&'static str, Yaml)> {
    let mut annotations = Vec::new();
    if let Some(sla) = &slo.sla {
        annotations.push(("slo/sla", Yaml::str(sla.as_written())));
    }
    if slo.min_events > 0 {
        annotations.push(("slo/min-events", Yaml::str(slo.min_events.to_string())));
    }
    if let Some(policy) = &slo.policy {
        annotations.push(("slo/policy", Yaml::str(policy_yaml(policy).to_flow())));
    }
    if !slo.exclude.is_empty() {
        annotations.push((
            "slo/exclude",
            Yaml::str(exclude_yaml(&slo.exclude).to_flow()),
        ));
    }
    if let Some(latency) = &slo.latency {
        annotations.push(("slo/latency", Yaml::str(latency_yaml(latency).to_flow())));
    }
    annotations
}

/// A duration as OpenSLO shorthand: as written when it already is, else in its largest whole
/// unit (`1h30m` as `90m`).
fn shorthand(duration: &SpanDuration) -> Result<String, String> {
    match Shorthand::parse(duration.as_written()) {
        Ok(s) if s.is_fixed() => Ok(s.to_string()),
        _ => Shorthand::from_seconds(duration.seconds())
            .map(|s| s.to_string())
            .ok_or_else(|| {
                format!("{duration} cannot be written in OpenSLO's duration shorthand, which counts whole minutes at least")
            }),
    }
}

/// `timeSliceWindow`: shorthand, or a number of minutes for slices shorter than a minute.
fn slice_window(length: &SpanDuration) -> Result<Yaml, String> {
    if length.seconds().is_multiple_of(60) {
        return shorthand(length).map(Yaml::str);
    }
    let minutes = exact_minutes(length.seconds()).ok_or_else(|| {
            format!("its time slice of {length} cannot be written as OpenSLO's timeSliceWindow (whole minutes, or a number of minutes)")
        })?;
    Ok(Yaml::raw(minutes))
}

/// `seconds / 60` as a terminating decimal, if it is one.
fn exact_minutes(seconds: u64) -> Option<String> {
    for digits in 0..=6u32 {
        let scale = 10u64.pow(digits);
        if (seconds * scale).is_multiple_of(60) {
            let value = seconds * scale / 60;
            let text = format!("{value:0>width$}", width = digits as usize + 1);
            let (whole, fraction) = text.split_at(text.len() - digits as usize);
            return Some(if fraction.is_empty() {
                whole.to_string()
            } else {
                format!("{whole}.{fraction}")
            });
        }
    }
    None
}

fn time_window(window: &Window) -> Result<Yaml, String> {
    Ok(match window {
        Window::Between { .. } => {
            return Err(format!(
            "its window {} is an interval of one run (--between), not a window OpenSLO can hold",
            window.label()
        ))
        }
        Window::Rolling(duration) => Yaml::map([
            ("duration", Yaml::str(shorthand(duration)?)),
            ("isRolling", Yaml::raw("true")),
        ]),
        Window::Calendar { unit, zone } => Yaml::map([
            ("duration", Yaml::str(Shorthand::of_calendar(*unit))),
            (
                "calendar",
                Yaml::map([
                    ("startTime", Yaml::str(CALENDAR_START)),
                    ("timeZone", Yaml::str(iana_name(zone)?)),
                ]),
            ),
            ("isRolling", Yaml::raw("false")),
        ]),
    })
}

/// A zone as an IANA name; a whole-hour offset as `Etc/GMT-2` (IANA's signs are inverted).
fn iana_name(zone: &Zone) -> Result<String, String> {
    match zone {
        Zone::Fixed(offset) => {
            let seconds = offset.local_minus_utc();
            if seconds % 3600 != 0 {
                return Err(format!(
                    "its calendar window's time zone {} is an offset that no IANA name stands for",
                    zone.name()
                ));
            }
            let hours = seconds / 3600;
            Ok(match hours {
                0 => "UTC".to_string(),
                h if h > 0 => format!("Etc/GMT-{h}"),
                h => format!("Etc/GMT+{}", -h),
            })
        }
        other => Ok(other.name()),
    }
}

/// One alert rule as an AlertPolicy with an inline burn-rate AlertCondition.
fn alert_policy(
    slo: &Slo,
    rule: &AlertRule,
    names: &mut HashSet<String>,
) -> Result<(String, Yaml), String> {
    let long = shorthand(&rule.long)?;
    let window = nominal_seconds(&slo.windows[0]);
    let threshold = match &rule.threshold {
        AlertThreshold::Budget(budget) => burn_threshold(budget, rule.long.seconds(), window)
            .ok_or_else(|| format!("its alert over {} has no burn-rate threshold", rule.long))?,
        AlertThreshold::BurnRate(rate) => rate.as_written().to_string(),
    };
    let base = format!("{}-{}-{long}", slo.name, rule.severity.as_str()).to_ascii_lowercase();
    let base = if check_name(&base).is_ok() {
        base
    } else {
        slug(&base)
    };
    let name = unique(names, &base);
    let mut condition_metadata = vec![("name", Yaml::str(&name))];
    let default_short = SpanDuration::from_seconds(rule.long.seconds() / 12);
    if rule.short.as_written() != default_short.as_written() {
        condition_metadata.push((
            "annotations",
            Yaml::map([("slo/short-window", Yaml::str(rule.short.as_written()))]),
        ));
    }
    let spec = Yaml::map([
        (
            "description",
            Yaml::str(format!(
                "{}: {} when {} within {} (and within {})",
                slo.name,
                rule.severity.as_str(),
                match &rule.threshold {
                    AlertThreshold::Budget(budget) => {
                        format!("{} % of the error budget burns", budget.as_written())
                    }
                    AlertThreshold::BurnRate(rate) => {
                        format!("the error budget burns faster than {}×", rate.as_written())
                    }
                },
                rule.long,
                rule.short
            )),
        ),
        ("alertWhenBreaching", Yaml::raw("true")),
        ("alertWhenResolved", Yaml::raw("false")),
        ("alertWhenNoData", Yaml::raw("false")),
        (
            "conditions",
            Yaml::Seq(vec![Yaml::map([
                ("kind", Yaml::str("AlertCondition")),
                ("metadata", Yaml::map(condition_metadata)),
                (
                    "spec",
                    Yaml::map([
                        ("severity", Yaml::str(rule.severity.as_str())),
                        (
                            "condition",
                            Yaml::map([
                                ("kind", Yaml::str("burnrate")),
                                ("op", Yaml::str("gt")),
                                ("threshold", Yaml::raw(threshold)),
                                ("lookbackWindow", Yaml::str(long)),
                            ]),
                        ),
                    ]),
                ),
            ])]),
        ),
        (
            "notificationTargets",
            Yaml::Seq(vec![Yaml::map([("targetRef", Yaml::str(TARGET))])]),
        ),
    ]);
    Ok((
        name.clone(),
        object("AlertPolicy", Yaml::map([("name", Yaml::str(name))]), spec),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_as_numbers() {
        assert_eq!(exact_minutes(30).as_deref(), Some("0.5"));
        assert_eq!(exact_minutes(15).as_deref(), Some("0.25"));
        assert_eq!(exact_minutes(120).as_deref(), Some("2"));
        assert_eq!(exact_minutes(1), None);
        assert_eq!(
            shorthand(&SpanDuration::parse("1h30m").unwrap()).unwrap(),
            "90m"
        );
        assert!(shorthand(&SpanDuration::parse("90s").unwrap()).is_err());
    }
}
