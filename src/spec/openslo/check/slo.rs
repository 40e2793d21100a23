//! OpenSLO v1 SLOs: indicator, time window, budgeting method, objectives.

use super::*;
use crate::spec::objective::{fraction_digits, MAX_FRACTION_DIGITS};
use crate::spec::openslo::{is_plain_decimal, join, Api, Kind, Map, Metadata, Object, Shorthand};
use crate::spec::yaml::{Node, Value};
use crate::spec::{Objective, Percentage, Window};
use crate::suggest::closest;
use crate::time::{CalendarUnit, LocalDateTime, SpanDuration, Zone};

impl Check<'_, '_, '_, '_> {
    pub(super) fn slo(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
        match self.api {
            Api::V1 => self.slo_v1(object, spec),
            Api::V1alpha => self.slo_v1alpha(object, spec),
        }
    }

    /// An SLO's `spec.description` (or else its display name) and `spec.service`, read alike
    /// in every version.
    pub(super) fn description_and_service(
        &mut self,
        object: &Object,
        spec: &Node,
        map: &Map<'_>,
    ) -> (Option<String>, Option<String>) {
        let description = map
            .get("description")
            .and_then(|d| self.reader.description(d, "spec.description"))
            .or_else(|| object.metadata.display_name.clone());
        let service = self
            .reader
            .require(
                map,
                spec.position,
                "spec",
                "service",
                " (the name of the service the SLO belongs to)",
            )
            .and_then(|s| self.reader.string(s, "spec.service"));
        (description, service)
    }

    pub(super) fn slo_v1(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
        let path = "spec";
        let map = self.reader.map(
            spec,
            path,
            &[
                "description",
                "service",
                "indicator",
                "indicatorRef",
                "timeWindow",
                "budgetingMethod",
                "objectives",
                "alertPolicies",
            ],
        )?;
        let errors = self.reader.error_count();
        let (description, service) = self.description_and_service(object, spec, &map);
        let indicator = self.indicator(&map, path);
        let window = match map.get("timeWindow") {
            Some(node) => self
                .reader
                .sequence(node, "spec.timeWindow")
                .and_then(|items| {
                    if items.len() != 1 {
                        self.error(
                            node.position,
                            format!(
                                "spec.timeWindow holds {} windows; OpenSLO v1 allows exactly one",
                                items.len()
                            ),
                        );
                    }
                    items
                        .first()
                        .and_then(|item| self.time_window(item, "spec.timeWindow[0]"))
                }),
            None => None,
        };
        let method = self.method(&map, spec, path);
        let objectives = self.objectives_v1(&map, spec, method, indicator.as_ref());
        let policies = match map.get("alertPolicies") {
            Some(node) => self.alert_policies(node, "spec.alertPolicies"),
            None => None,
        };
        let extra_windows = self.extra_windows(&object.metadata);
        let native = self.native_keys(&object.metadata);
        let service = match object.metadata.annotation("no-service") {
            Some(("true", _)) => None,
            _ => service,
        };
        if self.reader.error_count() != errors {
            return None;
        }
        // `slo convert` keeps a name OpenSLO cannot hold in this annotation.
        let name = match object.metadata.annotation("name") {
            Some((name, _)) if !name.trim().is_empty() => name.to_string(),
            _ => object.metadata.name.clone(),
        };
        Some(SloModel {
            file: object.file,
            name,
            at: self.reader.location(object.at),
            description,
            service,
            window,
            extra_windows,
            native,
            method: method?,
            objectives: objectives?,
            policies,
        })
    }

    /// `indicator` (inline SLI) or `indicatorRef` at `path` of `map`; `None` without either
    /// or with errors (reported).
    pub(super) fn indicator(&mut self, map: &Map, path: &str) -> Option<SliModel> {
        match (map.get("indicator"), map.get("indicatorRef")) {
            (Some(_), Some(reference)) => {
                self.error(
                    reference.position,
                    format!("{path} gives both indicator and indicatorRef; give one"),
                );
                None
            }
            (Some(inline), None) => {
                let ipath = join(path, "indicator");
                let m = self.reader.map(inline, &ipath, &["metadata", "spec"])?;
                let ctx = self.reader.ctx.clone();
                self.reader.ctx = format!("{ctx}, inline SLI");
                let metadata = match m.get("metadata") {
                    Some(node) => self.reader.metadata(node, &join(&ipath, "metadata")),
                    None => {
                        self.error(
                            inline.position,
                            format!("{ipath}.metadata is required, with a name"),
                        );
                        None
                    }
                };
                self.reader.ctx = ctx;
                let spec = self.reader.require(
                    &m,
                    inline.position,
                    &ipath,
                    "spec",
                    " (thresholdMetric or ratioMetric)",
                )?;
                let sli = self.sli(spec, &join(&ipath, "spec"));
                metadata.and(sli)
            }
            (None, Some(reference)) => {
                let index = self.index;
                self.reference(
                    reference,
                    &join(path, "indicatorRef"),
                    Kind::Sli,
                    &index.slis,
                )
                .cloned()
                .flatten()
            }
            (None, None) => None,
        }
    }

    pub(super) fn method(&mut self, map: &Map, spec: &Node, path: &str) -> Option<Method> {
        let node = self.reader.require(
            map,
            spec.position,
            path,
            "budgetingMethod",
            " (Occurrences, Timeslices or RatioTimeslices)",
        )?;
        let text = self.reader.string(node, "spec.budgetingMethod")?;
        let known: &[(&str, Method)] = match self.api {
            Api::V1 => &[
                ("Occurrences", Method::Occurrences),
                ("Timeslices", Method::Timeslices),
                ("RatioTimeslices", Method::RatioTimeslices),
            ],
            Api::V1alpha => &[
                ("Occurrences", Method::Occurrences),
                ("Timeslices", Method::Timeslices),
            ],
        };
        match known.iter().find(|(name, _)| *name == text) {
            Some((_, method)) => Some(*method),
            None => {
                let names: Vec<&str> = known.iter().map(|(n, _)| *n).collect();
                let hint = closest(&text, names.iter().copied())
                    .map(|s| format!("; did you mean {s}?"))
                    .unwrap_or_default();
                self.error(
                    node.position,
                    format!(
                        "spec.budgetingMethod `{text}` must be one of {}{hint}",
                        names.join(", ")
                    ),
                );
                None
            }
        }
    }

    /// A v1 `timeWindow` item: rolling (`isRolling: true`) or calendar-aligned (`calendar`).
    pub(super) fn time_window(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<Result<Window, String>> {
        let map = self
            .reader
            .map(node, path, &["duration", "isRolling", "calendar"])?;
        let errors = self.reader.error_count();
        let duration = self
            .reader
            .require(
                &map,
                node.position,
                path,
                "duration",
                " (such as 28d or 1M)",
            )
            .and_then(|d| self.reader.shorthand(d, &join(path, "duration")));
        let rolling = map
            .get("isRolling")
            .and_then(|r| self.reader.boolean(r, &join(path, "isRolling")));
        let calendar = map.get("calendar");
        match (rolling, calendar) {
            (Some(true), Some(c)) => self.error(
                c.position,
                format!("{path}.calendar cannot be set when isRolling is true"),
            ),
            (Some(false) | None, None) => self.error(
                node.position,
                format!("{path} needs isRolling: true (a rolling window) or a calendar (startTime, timeZone)"),
            ),
            _ => {}
        }
        let aligned = calendar.and_then(|c| self.calendar(c, &join(path, "calendar")));
        if self.reader.error_count() != errors {
            return None;
        }
        let duration = duration?;
        Some(match aligned {
            None => Ok(Window::Rolling(duration.rolling())),
            Some((start, zone)) => calendar_window(&duration, &start, zone),
        })
    }

    /// `calendar: {startTime, timeZone}`: the start as written and the zone.
    pub(super) fn calendar(&mut self, node: &Node, path: &str) -> Option<(String, Zone)> {
        let map = self.reader.map(node, path, &["startTime", "timeZone"])?;
        let start = self
            .reader
            .require(
                &map,
                node.position,
                path,
                "startTime",
                " (such as 2024-01-01 00:00:00)",
            )
            .and_then(|s| self.reader.string(s, &join(path, "startTime")));
        if let (Some(text), Some(at)) = (&start, map.get("startTime")) {
            if LocalDateTime::parse_openslo(text).is_none() {
                self.error(
                    at.position,
                    format!("{path}.startTime '{text}' must be a date and time written YYYY-MM-DD hh:mm:ss, such as 2024-01-01 00:00:00"),
                );
            }
        }
        let zone = self
            .reader
            .require(&map, node.position, path, "timeZone", " (an IANA name such as Europe/Berlin)")
            .and_then(|z| {
                let text = self.reader.string(z, &join(path, "timeZone"))?;
                match Zone::parse(&text) {
                    Ok(Zone::Fixed(_)) => {
                        self.error(z.position, format!("{path}.timeZone '{text}' must be an IANA time zone name such as Europe/Berlin, not an offset"));
                        None
                    }
                    Ok(zone) => Some(zone),
                    Err(message) => {
                        self.error(z.position, format!("{path}.timeZone: {message}"));
                        None
                    }
                }
            });
        Some((start?, zone?))
    }

    pub(super) fn objectives_v1(
        &mut self,
        map: &Map,
        spec: &Node,
        method: Option<Method>,
        indicator: Option<&SliModel>,
    ) -> Option<Vec<ObjectiveModel>> {
        let node = self.reader.require(
            map,
            spec.position,
            "spec",
            "objectives",
            " (at least one target)",
        )?;
        let items = self.reader.sequence(node, "spec.objectives")?;
        if items.is_empty() {
            self.error(
                node.position,
                "spec.objectives needs at least one objective",
            );
            return None;
        }
        let spec_level = map.get("indicator").is_some() || map.get("indicatorRef").is_some();
        let errors = self.reader.error_count();
        let mut objectives = Vec::new();
        let mut composite = 0;
        for (i, item) in items.iter().enumerate() {
            let path = format!("spec.objectives[{i}]");
            let Some(m) = self.reader.map(
                item,
                &path,
                &[
                    "displayName",
                    "op",
                    "value",
                    "target",
                    "targetPercent",
                    "timeSliceTarget",
                    "timeSliceWindow",
                    "indicator",
                    "indicatorRef",
                    "compositeWeight",
                ],
            ) else {
                continue;
            };
            let own = m.get("indicator").is_some() || m.get("indicatorRef").is_some();
            if own {
                composite += 1;
            } else if !spec_level {
                // Null reads as absent, but a key written on an objective shows which objective
                // of a composite SLO lacks its SLI.
                if let Some(at) = m.null_at("indicator").or_else(|| m.null_at("indicatorRef")) {
                    composite += 1;
                    self.error(
                        at,
                        format!("{path} needs an indicator (an inline SLI) or an indicatorRef"),
                    );
                }
            }
            let sli = if own {
                self.indicator(&m, &path)
            } else {
                indicator.cloned()
            };
            if let Some(weight) = m.get("compositeWeight") {
                if let Some(text) = self
                    .reader
                    .number(weight, &format!("{path}.compositeWeight"))
                {
                    if text.starts_with('-') || text.trim_start_matches(['0', '.']).is_empty() {
                        self.error(
                            weight.position,
                            format!("{path}.compositeWeight must be above 0"),
                        );
                    } else {
                        self.note(
                            weight.position,
                            format!("{path}.compositeWeight is ignored: slo reports each objective of a composite SLO on its own"),
                        );
                    }
                }
            }
            if let Some(objective) = self.objective(item, &m, &path, method, sli) {
                objectives.push(objective);
            }
        }
        if composite > 0 && (spec_level || composite < items.len()) {
            self.error(
                node.position,
                "indicator or indicatorRef goes either on spec (one SLI for every objective) or on every objective (a composite SLO), not both",
            );
        }
        if composite == 0 && !spec_level {
            self.error(
                spec.position,
                "spec needs an indicator (an inline SLI) or an indicatorRef",
            );
        }
        if let Some(sli) = indicator {
            if sli.threshold && items.len() > 1 {
                self.error(
                    node.position,
                    "an SLO with a thresholdMetric SLI has exactly one objective",
                );
            }
        }
        (self.reader.error_count() == errors).then_some(objectives)
    }

    /// The fields every objective has: target(Percent), op/value, time slices.
    pub(super) fn objective(
        &mut self,
        item: &Node,
        m: &Map,
        path: &str,
        method: Option<Method>,
        sli: Option<SliModel>,
    ) -> Option<ObjectiveModel> {
        let errors = self.reader.error_count();
        let display_name = m
            .get("displayName")
            .and_then(|d| self.reader.string(d, &join(path, "displayName")));
        let op = m.get("op").and_then(|o| self.op(o, &join(path, "op")));
        let value = m
            .get("value")
            .and_then(|v| self.reader.number(v, &join(path, "value")));
        if let Some(sli) = &sli {
            if !sli.threshold {
                let forbidden: &[&str] = match self.api {
                    Api::V1 => &["op", "value"],
                    // v1alpha asks for a value on every objective.
                    Api::V1alpha => &["op"],
                };
                for key in forbidden {
                    if let Some(node) = m.get(key) {
                        self.error(
                            node.position,
                            format!("{path}.{key} is only for thresholdMetric SLIs; this objective's SLI is a ratio, which has no value to compare"),
                        );
                    }
                }
            } else if self.api == Api::V1alpha && op.is_none() && m.get("op").is_none() {
                self.error(
                    item.position,
                    format!("{path}.op is required with a thresholdMetric (lt, lte, gt or gte)"),
                );
            }
        }
        let objective = self.objective_target(item, m, path);
        let time_slice_target = match m.get("timeSliceTarget") {
            Some(node) => self.fraction(node, &join(path, "timeSliceTarget"), false),
            None => None,
        };
        let time_slice_window = match (self.api, m.get("timeSliceWindow")) {
            (Api::V1, Some(node)) => self.slice_window(node, &join(path, "timeSliceWindow")),
            (Api::V1alpha, Some(node)) => {
                self.error(
                    node.position,
                    format!("{path}.timeSliceWindow is not part of openslo/v1alpha"),
                );
                None
            }
            (_, None) => None,
        };
        match method {
            Some(Method::Timeslices) => {
                if !m.has("timeSliceTarget") {
                    self.error(item.position, format!("{path}.timeSliceTarget is required with budgetingMethod Timeslices (the share of good events that makes a slice good, such as 0.95)"));
                }
                if self.api == Api::V1 && !m.has("timeSliceWindow") {
                    self.error(item.position, format!("{path}.timeSliceWindow is required with budgetingMethod Timeslices (the slice length, such as 1m)"));
                }
            }
            Some(Method::RatioTimeslices) if !m.has("timeSliceWindow") => {
                self.error(item.position, format!("{path}.timeSliceWindow is required with budgetingMethod RatioTimeslices (the slice length, such as 1m)"));
            }
            _ => {}
        }
        if self.reader.error_count() != errors {
            return None;
        }
        Some(ObjectiveModel {
            display_name,
            op,
            value,
            objective: objective?,
            time_slice_target,
            time_slice_window,
            sli: sli?,
            at: self.reader.location(item.position),
        })
    }

    /// Exactly one of `target` (a fraction in [0, 1)) and `targetPercent` (in [0, 100)).
    pub(super) fn objective_target(
        &mut self,
        item: &Node,
        m: &Map,
        path: &str,
    ) -> Option<Result<Objective, String>> {
        let percent_allowed = self.api == Api::V1;
        let (target, percent) = (
            m.get("target"),
            m.get("targetPercent").filter(|_| percent_allowed),
        );
        if !percent_allowed {
            if let Some(node) = m.get("targetPercent") {
                self.error(
                    node.position,
                    format!("{path}.targetPercent is not part of openslo/v1alpha; write target"),
                );
            }
        }
        let percentage = match (target, percent) {
            (Some(_), Some(p)) => {
                self.error(
                    p.position,
                    format!("{path} gives both target and targetPercent; give one"),
                );
                None
            }
            (Some(t), None) => self.fraction(t, &join(path, "target"), true),
            (None, Some(p)) => {
                let text = self.reader.number(p, &join(path, "targetPercent"))?;
                match Percentage::parse(&text, &join(path, "targetPercent")) {
                    Ok(p) if p.numerator() < p.denominator() => Some(p),
                    Err(message) if fraction_digits(&text) > MAX_FRACTION_DIGITS => {
                        self.error(p.position, message);
                        None
                    }
                    _ => {
                        self.error(p.position, format!("{path}.targetPercent {text} is out of range: it must be at least 0 and below 100"));
                        None
                    }
                }
            }
            (None, None) => {
                let which = if percent_allowed {
                    "target (such as 0.999) or targetPercent (such as 99.9)"
                } else {
                    "target (such as 0.999)"
                };
                self.error(item.position, format!("{path} needs {which}"));
                None
            }
        }?;
        Some(Objective::from_percentage(percentage).map_err(|_| {
            "its objective is 0 %, which leaves every event free to fail; slo needs an objective above 0".to_string()
        }))
    }

    /// A fraction: in [0, 1) when `below_one`, else in (0, 1].
    pub(super) fn fraction(
        &mut self,
        node: &Node,
        path: &str,
        below_one: bool,
    ) -> Option<Percentage> {
        let text = self.reader.number(node, path)?;
        let range = if below_one {
            "at least 0 and below 1"
        } else {
            "above 0 and at most 1"
        };
        if text.starts_with('-') {
            self.error(
                node.position,
                format!("{path} {text} is out of range: it must be {range}"),
            );
            return None;
        }
        match Percentage::from_fraction(&text, path) {
            Ok(p) if below_one && p.numerator() < p.denominator() => Some(p),
            Ok(p) if !below_one && p.numerator() > 0 && p.numerator() <= p.denominator() => Some(p),
            Err(message) if fraction_digits(&text) > MAX_FRACTION_DIGITS + 2 => {
                self.error(node.position, message);
                None
            }
            // Out of range, or a plain decimal too large to read as a percentage at all.
            Ok(_) | Err(_) => {
                self.error(
                    node.position,
                    format!("{path} {text} is out of range: it must be {range}"),
                );
                None
            }
        }
    }

    /// `timeSliceWindow`: a duration shorthand, or a number of minutes.
    pub(super) fn slice_window(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<Result<SpanDuration, String>> {
        let is_number =
            matches!(&node.value, Value::Scalar { text, quoted: false } if is_plain_decimal(text));
        if is_number {
            let text = self.reader.number(node, path)?;
            if text.starts_with('-') || text.trim_start_matches(['0', '.']).is_empty() {
                self.error(node.position, format!("{path} must be above 0"));
                return None;
            }
            // A number counts minutes.
            return Some(match decimal_times(&text, 60) {
                Some(seconds) => Ok(SpanDuration::from_seconds(seconds)),
                None => Err(format!(
                    "its timeSliceWindow of {text} minutes is not a whole number of seconds"
                )),
            });
        }
        let duration = self.reader.shorthand(node, path)?;
        Some(if duration.is_fixed() {
            Ok(duration.rolling())
        } else {
            Err(format!("its timeSliceWindow {duration} is a calendar length; slo cuts time into slices of a fixed length that divides an hour"))
        })
    }

    /// The `slo/extra-windows` annotation: more windows to report, written as native windows.
    pub(super) fn extra_windows(&mut self, metadata: &Metadata) -> Vec<Window> {
        self.native_annotation(
            metadata,
            "extra-windows",
            "a list of windows such as [7d, {calendar: month}]",
            |checker, node| checker.windows(node),
        )
        .flatten()
        .unwrap_or_default()
    }

    /// The keys of a native SLO written as `slo/` annotations.
    pub(super) fn native_keys(&mut self, metadata: &Metadata) -> NativeKeys {
        let sla = self
            .native_annotation(metadata, "sla", "a percentage such as 99.5", |c, n| {
                c.percentage_key(n, "sla")
            })
            .flatten()
            .zip(metadata.annotation("sla").map(|(_, at)| at));
        let min_events = self
            .native_annotation(
                metadata,
                "min-events",
                "a number of events such as 100",
                |c, n| c.min_events(n),
            )
            .flatten()
            .unwrap_or(0);
        let policy = self
            .native_annotation(
                metadata,
                "policy",
                "a policy such as {exhausted: Freeze feature releases}",
                |c, n| c.policy(n),
            )
            .flatten();
        let mut exclude = self
            .native_annotation(
                metadata,
                "exclude",
                "a list of exclusions such as [{from: 2026-10-02T17:00:00Z, to: 2026-10-02T18:00:00Z}]",
                |c, n| c.exclusions(n),
            )
            .flatten()
            .unwrap_or_default();
        // Inside the annotation's text, positions mean nothing in the file: each exclusion is
        // where the annotation is.
        if let Some((_, at)) = metadata.annotation("exclude") {
            for exclusion in &mut exclude {
                exclusion.defined_at = self.reader.location(at);
            }
        }
        let latency = self
            .native_annotation(
                metadata,
                "latency",
                "a field, or {field: latency_ms, unit: ms}",
                |c, n| c.latency_value(n),
            )
            .flatten()
            .zip(metadata.annotation("latency").map(|(_, at)| at));
        NativeKeys {
            sla,
            min_events,
            policy,
            exclude,
            latency,
        }
    }

    /// The `slo/KEY` annotation, whose text is a value of a native spec (`shape` says which,
    /// for errors), read by `read` as a native spec reads it. `None` without the annotation;
    /// `Some(None)` when it is wrong (reported at the annotation: positions inside its text are
    /// meaningless in the file).
    pub(super) fn native_annotation<T>(
        &mut self,
        metadata: &Metadata,
        key: &str,
        shape: &str,
        read: impl FnOnce(&mut Checker, &Node) -> Option<T>,
    ) -> Option<Option<T>> {
        let (text, at) = metadata.annotation(key)?;
        let node = match crate::spec::yaml::parse_documents(text) {
            Ok(mut documents) if documents.len() == 1 => documents.remove(0),
            _ => {
                self.error(at, format!("annotation slo/{key} must be {shape}"));
                return Some(None);
            }
        };
        let before = self.reader.checker.errors.len();
        let value = read(self.reader.checker, &node);
        // The native readers name no object.
        let object = &self.reader.ctx;
        for error in &mut self.reader.checker.errors[before..] {
            error.line = at.line;
            error.column = at.column;
            error.message = format!("{object}: annotation slo/{key}: {}", error.message);
        }
        Some(value)
    }
}

/// The calendar window of a `calendar` time window of `duration` starting at `start`, or why
/// `slo` cannot compute it: its periods are one day, week (from Monday), month, quarter or year
/// long and start at local midnight.
pub(super) fn calendar_window(
    duration: &Shorthand,
    start: &str,
    zone: Zone,
) -> Result<Window, String> {
    let Some(unit) = duration.calendar_unit() else {
        return Err(format!(
            "its calendar window is {duration} long; slo computes calendar windows of one day, week, month, quarter or year (1d, 1w, 1M, 1Q, 1Y)"
        ));
    };
    let start_time = LocalDateTime::parse_openslo(start)
        .ok_or_else(|| format!("its calendar startTime '{start}' is not a date and time"))?;
    if !start_time.starts_period(unit) {
        let start_of = match unit {
            CalendarUnit::Day => "at midnight",
            CalendarUnit::Week => "at midnight on a Monday",
            CalendarUnit::Month => "at midnight on the 1st",
            CalendarUnit::Quarter => "at midnight on 1 January, April, July or October",
            CalendarUnit::Year => "at midnight on 1 January",
        };
        return Err(format!(
            "its calendar {} starts at {start}, but slo's calendar periods start {start_of} (local time)",
            unit.as_str()
        ));
    }
    Ok(Window::Calendar { unit, zone })
}

/// `text` (a plain non-negative decimal) times `factor`, when that is a whole number.
fn decimal_times(text: &str, factor: u64) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    #[allow(
        clippy::cast_possible_truncation,
        reason = "the digits of a YAML number"
    )]
    let scale = 10u64.checked_pow(fraction.len() as u32)?;
    let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
    let scaled = digits.checked_mul(factor)?;
    scaled.is_multiple_of(scale).then(|| scaled / scale)
}

#[cfg(test)]
mod tests {
    use super::super::tests::{
        edit, errors, load_files, uncomputable, valid, windows, SLI, SLO, SLO_REF,
    };
    use super::decimal_times;
    use crate::spec::Budgeting;

    /// The objective of [`SLO`], on line 27.
    const OBJECTIVE: &str = "    - target: 0.999\n";
    /// The time window of [`SLO`], on lines 22 to 24.
    const WINDOW: &str = "  timeWindow:\n    - duration: 28d\n      isRolling: true\n";

    /// [`SLO`] with other objectives, from line 27.
    fn objectives(text: &str) -> String {
        edit(SLO, OBJECTIVE, text)
    }

    /// [`SLO`] with another budgeting method and objectives.
    fn budgeting(method: &str, objectives: &str) -> String {
        edit(&edit(SLO, "Occurrences", method), OBJECTIVE, objectives)
    }

    /// [`SLO`] with another time window, from line 22.
    fn window(text: &str) -> String {
        edit(SLO, WINDOW, text)
    }

    /// [`SLO`] with a calendar window: `startTime` on line 25, column 20; `timeZone` on line
    /// 26, column 19.
    fn calendar(duration: &str, start: &str, zone: &str) -> String {
        window(&format!(
            "  timeWindow:\n    - duration: {duration}\n      calendar:\n        startTime: {start}\n        timeZone: {zone}\n"
        ))
    }

    /// An SLO with a thresholdMetric SLI from the OpenSLO spec's
    /// examples/budgeting-method/occurences-slo.yaml (OpenSLO/OpenSLO, Apache-2.0), verbatim
    /// but for the last line (`alertPolicies:` and its comment, which need nothing here).
    const THRESHOLD_SLO: &str = "# SLO that measures the time of searching for an item in an online shop.
apiVersion: openslo/v1
kind: SLO
metadata:
  name: search-slo
  displayName: Searching time
spec:
  description: Regardless of the number of paraller searches it never should be more than 500ms.
  service: web-shop
  indicator:
    metadata:
      name: search-latency
      displayName: Latency of user searches
    spec:
      thresholdMetric:
        metricSource:
          type: Any # Any service with needed metrics.
          spec: # Fields necessary to query service for the data.
            query: Any # 'query' is just an example field.
  timeWindow:
    - duration: 2w # Two weeks is a good choice in most cases.
      isRolling: true # Rolling timewindow give us better view if service starts to working better.
  budgetingMethod: Occurrences # As said in README.md, occurrences are great for measuring all searches the same way.
  objectives:
    - displayName: Good experience
      op: lt
      value: 500
      target: 0.99
";

    #[test]
    fn service_is_required() {
        assert_eq!(valid(&[SLO]).slos[0].service.as_deref(), Some("shop"));
        let expected = ["a.yaml:6:3: SLO checkout: spec.service is required (the name of the service the SLO belongs to)"];
        assert_eq!(errors(&[&edit(SLO, "  service: shop\n", "")]), expected);
        // OpenSLO reads null as absent.
        assert_eq!(
            errors(&[&edit(SLO, "  service: shop\n", "  service:\n")]),
            expected
        );
    }

    #[test]
    fn budgeting_method_is_occurrences_timeslices_or_ratio_timeslices() {
        assert!(matches!(
            valid(&[SLO]).slos[0].budgeting,
            Budgeting::Occurrences
        ));
        assert_eq!(
            errors(&[&edit(SLO, "  budgetingMethod: Occurrences\n", "")]),
            ["a.yaml:6:3: SLO checkout: spec.budgetingMethod is required (Occurrences, Timeslices or RatioTimeslices)"]
        );
        assert_eq!(
            errors(&[&edit(SLO, "Occurrences", "Occurences")]),
            ["a.yaml:25:20: SLO checkout: spec.budgetingMethod `Occurences` must be one of Occurrences, Timeslices, RatioTimeslices; did you mean Occurrences?"]
        );
    }

    #[test]
    fn an_slo_has_an_indicator_or_an_indicator_ref_not_both() {
        assert_eq!(
            errors(&[
                &edit(
                    SLO,
                    "  service: shop\n",
                    "  service: shop\n  indicatorRef: checkout-errors\n"
                ),
                SLI
            ]),
            ["a.yaml:7:17: SLO checkout: spec gives both indicator and indicatorRef; give one"]
        );
        assert_eq!(
            errors(&[&edit(SLO_REF, "  indicatorRef: checkout-errors\n", "")]),
            ["a.yaml:6:3: SLO checkout: spec needs an indicator (an inline SLI) or an indicatorRef"]
        );
    }

    #[test]
    fn an_inline_indicator_has_metadata_and_a_spec() {
        assert_eq!(
            errors(&[&edit(SLO, "    metadata:\n      name: checkout-errors\n", "")]),
            ["a.yaml:8:5: SLO checkout, inline SLI: spec.indicator.metadata is required, with a name"]
        );
        assert_eq!(
            errors(&[&edit(SLO, "    spec:\n      ratioMetric:", "    spek:\n      ratioMetric:")]),
            [
                "a.yaml:8:5: SLO checkout: spec.indicator.spec is required (thresholdMetric or ratioMetric)",
                "a.yaml:10:5: SLO checkout: unknown field `spec.indicator.spek`; did you mean `spec`?",
            ]
        );
        assert_eq!(
            errors(&[&edit(SLO, "name: checkout-errors", "name: Checkout-Errors")]),
            ["a.yaml:9:13: SLO checkout, inline SLI: spec.indicator.metadata.name: 'Checkout-Errors' is not a valid OpenSLO name: names are RFC 1123 labels, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (such as checkout-errors)"]
        );
    }

    #[test]
    fn a_composite_slo_gives_an_indicator_on_every_objective() {
        let composite = |objectives: &str| {
            edit(
                &edit(SLO_REF, "  indicatorRef: checkout-errors\n", ""),
                "    - target: 0.999\n",
                objectives,
            )
        };
        let both = "    - displayName: Internal\n      target: 0.999\n      indicatorRef: checkout-errors\n    - displayName: External\n      targetPercent: 99\n      indicatorRef: checkout-errors\n";
        let set = valid(&[&composite(both), SLI]);
        let names: Vec<&str> = set.slos.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["checkout/internal", "checkout/external"]);
        let objectives: Vec<&str> = set.slos.iter().map(|s| s.objective.as_written()).collect();
        assert_eq!(objectives, ["99.9", "99"]);
        let expected = "SLO checkout: indicator or indicatorRef goes either on spec (one SLI for every objective) or on every objective (a composite SLO), not both";
        let first_only =
            "    - target: 0.999\n      indicatorRef: checkout-errors\n    - target: 0.99\n";
        assert_eq!(
            errors(&[&composite(first_only), SLI]),
            [format!("a.yaml:12:5: {expected}")]
        );
        let on_spec_too = edit(
            SLO_REF,
            OBJECTIVE,
            "    - target: 0.999\n      indicatorRef: checkout-errors\n",
        );
        assert_eq!(
            errors(&[&on_spec_too, SLI]),
            [format!("a.yaml:13:5: {expected}")]
        );
    }

    #[test]
    fn objectives_are_required_and_not_empty() {
        assert_eq!(
            errors(&[&edit(SLO, "  objectives:\n    - target: 0.999\n", "")]),
            ["a.yaml:6:3: SLO checkout: spec.objectives is required (at least one target)"]
        );
        assert_eq!(
            errors(&[&edit(
                SLO,
                "  objectives:\n    - target: 0.999\n",
                "  objectives: []\n"
            )]),
            ["a.yaml:26:15: SLO checkout: spec.objectives needs at least one objective"]
        );
    }

    #[test]
    fn target_is_a_fraction_at_least_0_and_below_1() {
        for (target, objective) in [("0.999", "99.9"), ("0.99999", "99.999"), ("0.5", "50")] {
            let set = valid(&[&objectives(&format!("    - target: {target}\n"))]);
            assert_eq!(set.slos[0].objective.as_written(), objective);
        }
        // 0 is in range, and valid; slo cannot compute an objective of 0 %.
        for zero in ["0", "0.0"] {
            assert_eq!(
                uncomputable(&[&objectives(&format!("    - target: {zero}\n"))]),
                "its objective is 0 %, which leaves every event free to fail; slo needs an objective above 0"
            );
        }
        for target in ["1", "1.0", "1.5", "-0.1", "99.9"] {
            assert_eq!(
                errors(&[&objectives(&format!("    - target: {target}\n"))]),
                [format!("a.yaml:27:15: SLO checkout: spec.objectives[0].target {target} is out of range: it must be at least 0 and below 1")]
            );
        }
        assert_eq!(
            errors(&[&objectives("    - target: '0.999'\n")]),
            ["a.yaml:27:15: SLO checkout: spec.objectives[0].target must be a number, not the string \"0.999\"; remove the quotes"]
        );
        assert_eq!(
            errors(&[&objectives("    - target: 99.9%\n")]),
            ["a.yaml:27:15: SLO checkout: spec.objectives[0].target must be a number written as a plain decimal (such as 0.99), not '99.9%'"]
        );
    }

    #[test]
    fn target_percent_is_at_least_0_and_below_100() {
        for percent in ["99.9", "99.999", "50"] {
            let set = valid(&[&objectives(&format!("    - targetPercent: {percent}\n"))]);
            assert_eq!(set.slos[0].objective.as_written(), percent);
        }
        assert_eq!(
            uncomputable(&[&objectives("    - targetPercent: 0\n")]),
            "its objective is 0 %, which leaves every event free to fail; slo needs an objective above 0"
        );
        for percent in ["100", "100.5", "-1"] {
            assert_eq!(
                errors(&[&objectives(&format!("    - targetPercent: {percent}\n"))]),
                [format!("a.yaml:27:22: SLO checkout: spec.objectives[0].targetPercent {percent} is out of range: it must be at least 0 and below 100")]
            );
        }
    }

    #[test]
    fn an_objective_has_exactly_one_of_target_and_target_percent() {
        assert_eq!(
            errors(&[&objectives("    - target: 0.999\n      targetPercent: 99.9\n")]),
            ["a.yaml:28:22: SLO checkout: spec.objectives[0] gives both target and targetPercent; give one"]
        );
        assert_eq!(
            errors(&[&objectives("    - displayName: Internal\n")]),
            ["a.yaml:27:7: SLO checkout: spec.objectives[0] needs target (such as 0.999) or targetPercent (such as 99.9)"]
        );
    }

    #[test]
    fn op_and_value_go_only_with_a_threshold_metric() {
        assert_eq!(
            uncomputable(&[THRESHOLD_SLO]),
            "its metric source is of type Any, which slo cannot query; slo computes SLIs from request logs (metric source type slo.logs)"
        );
        let logs = edit(
            THRESHOLD_SLO,
            "          type: Any # Any service with needed metrics.\n          spec: # Fields necessary to query service for the data.\n            query: Any # 'query' is just an example field.\n",
            "          type: slo.logs\n          spec:\n            field: latency_ms\n",
        );
        let set = valid(&[&logs]);
        let crate::spec::Judgement::Good(good) = &set.slos[0].judgement else {
            panic!("{:?}", set.slos[0].judgement)
        };
        assert_eq!(good.text, "latency_ms < 500");
        assert_eq!(
            errors(&[&edit(THRESHOLD_SLO, "op: lt", "op: le")]),
            ["a.yaml:26:11: SLO search-slo: spec.objectives[0].op `le` must be one of lt, lte, gt, gte"]
        );
        assert_eq!(
            errors(&[&objectives("    - target: 0.999\n      op: lte\n")]),
            ["a.yaml:28:11: SLO checkout: spec.objectives[0].op is only for thresholdMetric SLIs; this objective's SLI is a ratio, which has no value to compare"]
        );
        assert_eq!(
            errors(&[&objectives("    - target: 0.999\n      value: 300\n")]),
            ["a.yaml:28:14: SLO checkout: spec.objectives[0].value is only for thresholdMetric SLIs; this objective's SLI is a ratio, which has no value to compare"]
        );
    }

    #[test]
    fn an_slo_with_a_threshold_metric_has_one_objective() {
        let two = edit(
            THRESHOLD_SLO,
            "      target: 0.99\n",
            "      target: 0.99\n    - op: lt\n      value: 1000\n      target: 0.999\n",
        );
        assert_eq!(
            errors(&[&two]),
            ["a.yaml:25:5: SLO search-slo: an SLO with a thresholdMetric SLI has exactly one objective"]
        );
    }

    #[test]
    fn timeslices_need_a_slice_target_and_window() {
        let set = valid(&[&budgeting(
            "Timeslices",
            "    - target: 0.999\n      timeSliceTarget: 0.95\n      timeSliceWindow: 1m\n",
        )]);
        let Budgeting::Timeslices(slice) = &set.slos[0].budgeting else {
            panic!("{:?}", set.slos[0].budgeting)
        };
        assert_eq!(slice.length.as_written(), "1m");
        assert_eq!(slice.objective.as_ref().map(|p| p.as_written()), Some("95"));
        assert_eq!(
            errors(&[&budgeting("Timeslices", "    - target: 0.999\n      timeSliceWindow: 1m\n")]),
            ["a.yaml:27:7: SLO checkout: spec.objectives[0].timeSliceTarget is required with budgetingMethod Timeslices (the share of good events that makes a slice good, such as 0.95)"]
        );
        assert_eq!(
            errors(&[&budgeting("Timeslices", "    - target: 0.999\n      timeSliceTarget: 0.95\n")]),
            ["a.yaml:27:7: SLO checkout: spec.objectives[0].timeSliceWindow is required with budgetingMethod Timeslices (the slice length, such as 1m)"]
        );
    }

    #[test]
    fn ratio_timeslices_need_a_slice_window() {
        let set = valid(&[&budgeting(
            "RatioTimeslices",
            "    - target: 0.999\n      timeSliceWindow: 5m\n",
        )]);
        let Budgeting::RatioTimeslices(slice) = &set.slos[0].budgeting else {
            panic!("{:?}", set.slos[0].budgeting)
        };
        assert_eq!(slice.length.as_written(), "5m");
        assert_eq!(
            errors(&[&budgeting("RatioTimeslices", OBJECTIVE)]),
            ["a.yaml:27:7: SLO checkout: spec.objectives[0].timeSliceWindow is required with budgetingMethod RatioTimeslices (the slice length, such as 1m)"]
        );
    }

    #[test]
    fn time_slice_target_is_above_0_and_at_most_1() {
        let with = |target: &str| {
            budgeting(
                "Timeslices",
                &format!("    - target: 0.999\n      timeSliceTarget: {target}\n      timeSliceWindow: 1m\n"),
            )
        };
        for (target, percent) in [("1", "100"), ("0.0001", "0.01"), ("0.95", "95")] {
            let set = valid(&[&with(target)]);
            let Budgeting::Timeslices(slice) = &set.slos[0].budgeting else {
                panic!("{:?}", set.slos[0].budgeting)
            };
            assert_eq!(
                slice.objective.as_ref().map(|p| p.as_written()),
                Some(percent)
            );
        }
        for target in ["0", "0.0", "1.01", "-0.5"] {
            assert_eq!(
                errors(&[&with(target)]),
                [format!("a.yaml:28:24: SLO checkout: spec.objectives[0].timeSliceTarget {target} is out of range: it must be above 0 and at most 1")]
            );
        }
    }

    #[test]
    fn a_time_slice_window_is_shorthand_or_a_number_of_minutes() {
        let with = |length: &str| {
            budgeting(
                "Timeslices",
                &format!("    - target: 0.999\n      timeSliceTarget: 0.95\n      timeSliceWindow: {length}\n"),
            )
        };
        for (length, seconds) in [("5", 300), ("0.5", 30), ("1m", 60), ("5m", 300)] {
            let set = valid(&[&with(length)]);
            let Budgeting::Timeslices(slice) = &set.slos[0].budgeting else {
                panic!("{:?}", set.slos[0].budgeting)
            };
            assert_eq!(slice.length.seconds(), seconds, "{length}");
        }
        for zero in ["0", "0.0"] {
            assert_eq!(
                errors(&[&with(zero)]),
                ["a.yaml:29:24: SLO checkout: spec.objectives[0].timeSliceWindow must be above 0"]
            );
        }
        assert_eq!(
            errors(&[&with("90s")]),
            ["a.yaml:29:24: SLO checkout: spec.objectives[0].timeSliceWindow: '90s' is not a duration: OpenSLO durations are a whole number and one unit letter: m (minutes), h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M; seconds are not among the units"]
        );
        // Valid OpenSLO that slo cannot compute.
        assert_eq!(
            uncomputable(&[&with("1M")]),
            "its timeSliceWindow 1M is a calendar length; slo cuts time into slices of a fixed length that divides an hour"
        );
        assert_eq!(
            uncomputable(&[&with("0.001")]),
            "its timeSliceWindow of 0.001 minutes is not a whole number of seconds"
        );
    }

    #[test]
    fn a_time_window_is_rolling() {
        for (duration, label) in [
            ("28d", "28d"),
            ("2w", "2w"),
            ("1M", "30d"),
            ("1Q", "90d"),
            ("1Y", "365d"),
            ("90m", "90m"),
        ] {
            let text = window(&format!(
                "  timeWindow:\n    - duration: {duration}\n      isRolling: true\n"
            ));
            assert_eq!(windows(&[&text]), [label]);
        }
        for (duration, problem) in [
            ("1h30m", "is not a duration: OpenSLO durations are a whole number and one unit letter: m (minutes), h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M"),
            ("30s", "is not a duration: OpenSLO durations are a whole number and one unit letter: m (minutes), h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M; seconds are not among the units"),
            ("0d", "is not a duration: it must be positive"),
        ] {
            let text = window(&format!("  timeWindow:\n    - duration: {duration}\n      isRolling: true\n"));
            assert_eq!(
                errors(&[&text]),
                [format!("a.yaml:23:17: SLO checkout: spec.timeWindow[0].duration: '{duration}' {problem}")]
            );
        }
        assert_eq!(
            errors(&[&window("  timeWindow:\n    - isRolling: true\n")]),
            ["a.yaml:23:7: SLO checkout: spec.timeWindow[0].duration is required (such as 28d or 1M)"]
        );
    }

    #[test]
    fn a_time_window_is_rolling_or_a_calendar_not_both_nor_neither() {
        assert_eq!(
            errors(&[&window("  timeWindow:\n    - duration: 1M\n      isRolling: true\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC\n")]),
            ["a.yaml:26:9: SLO checkout: spec.timeWindow[0].calendar cannot be set when isRolling is true"]
        );
        let neither = "a.yaml:23:7: SLO checkout: spec.timeWindow[0] needs isRolling: true (a rolling window) or a calendar (startTime, timeZone)";
        assert_eq!(
            errors(&[&window(
                "  timeWindow:\n    - duration: 28d\n      isRolling: false\n"
            )]),
            [neither]
        );
        assert_eq!(
            errors(&[&window("  timeWindow:\n    - duration: 28d\n")]),
            [neither]
        );
        assert_eq!(
            errors(&[&window("  timeWindow:\n    - duration: 28d\n      isRolling: yes\n")]),
            [
                neither,
                "a.yaml:24:18: SLO checkout: spec.timeWindow[0].isRolling must be true or false, not 'yes'",
            ]
        );
        // isRolling: false beside a calendar is a calendar window.
        let text = window("  timeWindow:\n    - duration: 1M\n      isRolling: false\n      calendar:\n        startTime: 2024-01-01 00:00:00\n        timeZone: UTC\n");
        assert_eq!(windows(&[&text]), ["month"]);
    }

    #[test]
    fn a_time_window_holds_exactly_one_window() {
        assert_eq!(
            errors(&[&window("  timeWindow:\n    - duration: 28d\n      isRolling: true\n    - duration: 7d\n      isRolling: true\n")]),
            ["a.yaml:23:5: SLO checkout: spec.timeWindow holds 2 windows; OpenSLO v1 allows exactly one"]
        );
        assert_eq!(
            errors(&[&window("  timeWindow: []\n")]),
            ["a.yaml:22:15: SLO checkout: spec.timeWindow holds 0 windows; OpenSLO v1 allows exactly one"]
        );
        // OpenSLO allows an SLO without a window; slo has nothing to compute it over.
        assert_eq!(
            uncomputable(&[&window("")]),
            "it has no time window; give it one (such as timeWindow: [{duration: 28d, isRolling: true}])"
        );
    }

    #[test]
    fn a_calendar_has_a_start_time_and_an_iana_time_zone() {
        assert_eq!(
            windows(&[&calendar("1w", "2024-01-01 00:00:00", "Europe/Berlin")]),
            ["week Europe/Berlin"]
        );
        for start in [
            "2024-01-01",
            "2024-01-01T00:00:00Z",
            "2024-02-30 00:00:00",
            "'2024-01-01 24:00:00'",
        ] {
            let written = start.trim_matches('\'');
            assert_eq!(
                errors(&[&calendar("1w", start, "UTC")]),
                [format!("a.yaml:25:20: SLO checkout: spec.timeWindow[0].calendar.startTime '{written}' must be a date and time written YYYY-MM-DD hh:mm:ss, such as 2024-01-01 00:00:00")]
            );
        }
        assert_eq!(
            errors(&[&calendar("1w", "2024-01-01 00:00:00", "+02:00")]),
            ["a.yaml:26:19: SLO checkout: spec.timeWindow[0].calendar.timeZone '+02:00' must be an IANA time zone name such as Europe/Berlin, not an offset"]
        );
        assert_eq!(
            errors(&[&calendar("1w", "2024-01-01 00:00:00", "Europe/Berlinn")]),
            ["a.yaml:26:19: SLO checkout: spec.timeWindow[0].calendar.timeZone: unknown time zone 'Europe/Berlinn'; did you mean 'Europe/Berlin'?"]
        );
        let start_only = window("  timeWindow:\n    - duration: 1w\n      calendar:\n        startTime: 2024-01-01 00:00:00\n");
        assert_eq!(
            errors(&[&start_only]),
            ["a.yaml:25:9: SLO checkout: spec.timeWindow[0].calendar.timeZone is required (an IANA name such as Europe/Berlin)"]
        );
        let zone_only =
            window("  timeWindow:\n    - duration: 1w\n      calendar:\n        timeZone: UTC\n");
        assert_eq!(
            errors(&[&zone_only]),
            ["a.yaml:25:9: SLO checkout: spec.timeWindow[0].calendar.startTime is required (such as 2024-01-01 00:00:00)"]
        );
    }

    #[test]
    fn calendar_windows_are_one_period_from_local_midnight() {
        for (duration, start, label) in [
            ("1d", "2024-03-05 00:00:00", "day"),
            ("1w", "2024-01-01 00:00:00", "week"),
            ("1M", "2024-03-01 00:00:00", "month"),
            ("1Q", "2024-10-01 00:00:00", "quarter"),
            ("1Y", "2024-01-01 00:00:00", "year"),
        ] {
            assert_eq!(windows(&[&calendar(duration, start, "UTC")]), [label]);
        }
        // Valid OpenSLO, but not a period slo computes.
        for (duration, start, reason) in [
            ("1d", "2024-03-05 00:00:01", "its calendar day starts at 2024-03-05 00:00:01, but slo's calendar periods start at midnight (local time)"),
            ("1w", "2024-01-02 00:00:00", "its calendar week starts at 2024-01-02 00:00:00, but slo's calendar periods start at midnight on a Monday (local time)"),
            ("1M", "2024-03-02 00:00:00", "its calendar month starts at 2024-03-02 00:00:00, but slo's calendar periods start at midnight on the 1st (local time)"),
            ("1Q", "2024-02-01 00:00:00", "its calendar quarter starts at 2024-02-01 00:00:00, but slo's calendar periods start at midnight on 1 January, April, July or October (local time)"),
            ("1Y", "2024-07-01 00:00:00", "its calendar year starts at 2024-07-01 00:00:00, but slo's calendar periods start at midnight on 1 January (local time)"),
            ("2M", "2024-01-01 00:00:00", "its calendar window is 2M long; slo computes calendar windows of one day, week, month, quarter or year (1d, 1w, 1M, 1Q, 1Y)"),
            ("24h", "2024-01-01 00:00:00", "its calendar window is 24h long; slo computes calendar windows of one day, week, month, quarter or year (1d, 1w, 1M, 1Q, 1Y)"),
        ] {
            assert_eq!(uncomputable(&[&calendar(duration, start, "UTC")]), reason);
        }
    }

    #[test]
    fn composite_weight_is_above_0_and_ignored() {
        for weight in ["1", "0.5"] {
            let loaded = load_files(&[&objectives(&format!(
                "    - target: 0.999\n      compositeWeight: {weight}\n"
            ))]);
            assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
            assert_eq!(
                loaded.notes,
                ["a.yaml:28:24: SLO checkout: spec.objectives[0].compositeWeight is ignored: slo reports each objective of a composite SLO on its own"]
            );
        }
        for weight in ["0", "0.0", "-1"] {
            assert_eq!(
                errors(&[&objectives(&format!("    - target: 0.999\n      compositeWeight: {weight}\n"))]),
                ["a.yaml:28:24: SLO checkout: spec.objectives[0].compositeWeight must be above 0"]
            );
        }
    }

    #[test]
    fn the_extra_windows_annotation_adds_windows() {
        let annotated = |value: &str| {
            edit(
                SLO,
                "  name: checkout\n",
                &format!("  name: checkout\n  annotations:\n    slo/extra-windows: '{value}'\n"),
            )
        };
        assert_eq!(
            windows(&[&annotated("[7d, {calendar: month}]")]),
            ["28d", "7d", "month"]
        );
        // A native window list, checked as one and reported at the annotation.
        let unknown_unit = errors(&[&annotated("[7x]")]);
        assert_eq!(unknown_unit.len(), 1, "{unknown_unit:?}");
        assert!(
            unknown_unit[0].starts_with("a.yaml:6:24: ")
                && unknown_unit[0].ends_with("annotation slo/extra-windows: '7x' is not a duration: unknown unit 'x'; use a number with a unit s, m, h, d or w, such as 30d or 1h30m"),
            "{unknown_unit:?}"
        );
        assert_eq!(
            errors(&[&annotated("[7d")]),
            ["a.yaml:6:24: SLO checkout: annotation slo/extra-windows must be a list of windows such as [7d, {calendar: month}]"]
        );
    }

    #[test]
    fn the_sla_annotation_gives_an_sla_at_most_the_objective() {
        let annotated = |value: &str| {
            edit(
                SLO,
                "  name: checkout\n",
                &format!("  name: checkout\n  annotations:\n    slo/sla: '{value}'\n"),
            )
        };
        let set = valid(&[&annotated("99.5")]);
        assert_eq!(
            set.slos[0].sla.as_ref().map(|s| s.as_written()),
            Some("99.5")
        );
        assert_eq!(
            errors(&[&annotated("0.995")]),
            ["a.yaml:6:14: SLO checkout: annotation slo/sla: sla '0.995' is below 1 %; `sla` is a percentage: did you mean 99.5?"]
        );
        // The objective is 99.9 (target: 0.999).
        assert_eq!(
            errors(&[&annotated("99.95")]),
            ["a.yaml:6:14: SLO checkout: its slo/sla 99.95 is above its objective 99.9: the SLA must be at most the objective"]
        );
    }

    #[test]
    fn the_no_service_annotation_leaves_the_service_out() {
        let text = edit(
            SLO,
            "  name: checkout\n",
            "  name: checkout\n  annotations:\n    slo/no-service: 'true'\n",
        );
        assert_eq!(valid(&[&text]).slos[0].service, None);
    }

    #[test]
    fn minutes_become_whole_seconds_or_nothing() {
        assert_eq!(decimal_times("5", 60), Some(300));
        assert_eq!(decimal_times("0.5", 60), Some(30));
        assert_eq!(decimal_times("1.25", 60), Some(75));
        assert_eq!(decimal_times("0.001", 60), None);
        assert_eq!(decimal_times("99999999999999999999", 60), None);
    }

    #[test]
    fn a_null_indicator_is_no_indicator() {
        assert_eq!(
            errors(&[&edit(SLO_REF, "indicatorRef: checkout-errors", "indicatorRef:")]),
            ["a.yaml:6:3: SLO checkout: spec needs an indicator (an inline SLI) or an indicatorRef"]
        );
        let composite = edit(
            &edit(SLO_REF, "  indicatorRef: checkout-errors\n", ""),
            OBJECTIVE,
            "    - target: 0.999\n      indicatorRef:\n    - target: 0.99\n      indicatorRef: checkout-errors\n",
        );
        let loaded = load_files(&[&composite, SLI]);
        let names: Vec<&str> = loaded.set.slos.iter().map(|s| s.name.as_str()).collect();
        assert!(
            !loaded.errors.is_empty(),
            "the first objective vanished; computed {names:?}"
        );
    }

    #[test]
    fn a_null_indicator_on_a_composite_objective_is_placed_at_its_key() {
        let composite = edit(
            &edit(SLO_REF, "  indicatorRef: checkout-errors\n", ""),
            OBJECTIVE,
            "    - target: 0.999\n      indicatorRef:\n    - target: 0.99\n      indicatorRef: checkout-errors\n",
        );
        assert_eq!(
            errors(&[&composite, SLI]),
            ["a.yaml:13:7: SLO checkout: spec.objectives[0] needs an indicator (an inline SLI) or an indicatorRef"]
        );
    }

    #[test]
    fn extra_window_errors_name_the_object() {
        let text = edit(
            SLO,
            "  name: checkout\n",
            "  name: checkout\n  annotations:\n    slo/extra-windows: '[7x]'\n",
        );
        let errors = errors(&[&text]);
        assert!(
            errors[0].starts_with("a.yaml:6:24: SLO checkout: "),
            "{errors:?}"
        );
    }

    #[test]
    fn a_start_time_has_two_digit_fields() {
        assert_eq!(
            errors(&[&calendar("1M", "2024-3-1 0:00:00", "UTC")]),
            ["a.yaml:25:20: SLO checkout: spec.timeWindow[0].calendar.startTime '2024-3-1 0:00:00' must be a date and time written YYYY-MM-DD hh:mm:ss, such as 2024-01-01 00:00:00"]
        );
    }

    #[test]
    fn too_many_decimals_is_not_out_of_range() {
        let percent = errors(&[&objectives("    - targetPercent: 99.9999999999999\n")]);
        assert_eq!(percent.len(), 1, "{percent:?}");
        assert!(
            percent[0].starts_with("a.yaml:27:22: SLO checkout: spec.objectives[0].targetPercent"),
            "{percent:?}"
        );
        assert!(!percent[0].contains("out of range"), "{percent:?}");
        let target = errors(&[&objectives("    - target: 0.999999999999999\n")]);
        assert_eq!(target.len(), 1, "{target:?}");
        assert_eq!(
            target[0].matches("spec.objectives[0].target").count(),
            1,
            "{target:?}"
        );
        assert!(target[0].contains("'0.999999999999999'"), "{target:?}");
    }

    #[test]
    fn a_target_has_two_decimals_more_than_a_target_percent() {
        let set = valid(&[&objectives("    - target: 0.99999999999999\n")]);
        assert_eq!(set.slos[0].objective.as_written(), "99.999999999999");
        assert_eq!(
            errors(&[&objectives("    - target: 0.999999999999999\n")]),
            ["a.yaml:27:15: SLO checkout: spec.objectives[0].target '0.999999999999999' has more than 14 digits after the decimal point"]
        );
        assert_eq!(
            errors(&[&objectives("    - targetPercent: 99.9999999999999\n")]),
            ["a.yaml:27:22: SLO checkout: spec.objectives[0].targetPercent '99.9999999999999' has more than 12 digits after the decimal point"]
        );
        assert_eq!(
            errors(&[&objectives("    - target: 1234567\n")]),
            ["a.yaml:27:15: SLO checkout: spec.objectives[0].target 1234567 is out of range: it must be at least 0 and below 1"]
        );
    }

    #[test]
    fn an_empty_objective_is_placed_on_its_line() {
        let errors = errors(&[&objectives("    -\n")]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("a.yaml:27:")
                && errors[0].ends_with(
                    "SLO checkout: spec.objectives[0] must be a mapping, not nothing (null)"
                ),
            "{errors:?}"
        );
    }
}
