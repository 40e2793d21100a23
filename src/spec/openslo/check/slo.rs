//! OpenSLO v1 SLOs: indicator, time window, budgeting method, objectives.

use super::*;
use crate::spec::openslo::{is_plain_decimal, join, Api, Kind, Map, Metadata, Object, Shorthand};
use crate::spec::yaml::{Node, Value};
use crate::spec::{Objective, Percentage, Window};
use crate::suggest::closest;
use crate::time::{SpanDuration, Zone};

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
        let service = match object.metadata.annotation("no-service") {
            Some(("true", _)) => None,
            _ => service,
        };
        if self.reader.error_count() != errors {
            return None;
        }
        Some(SloModel {
            file: object.file,
            name: object.metadata.name.clone(),
            at: self.reader.location(object.at),
            description,
            service,
            window,
            extra_windows,
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
            if chrono::NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M:%S").is_err() {
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
        let spec_level = map.has("indicator") || map.has("indicatorRef");
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
            let own = m.has("indicator") || m.has("indicatorRef");
            if own {
                composite += 1;
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
                match Percentage::parse(&text, "targetPercent") {
                    Ok(p) if p.numerator() < p.denominator() => Some(p),
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
            Ok(_) => {
                self.error(
                    node.position,
                    format!("{path} {text} is out of range: it must be {range}"),
                );
                None
            }
            Err(message) => {
                self.error(node.position, format!("{path}: {message}"));
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
        let Some((text, at)) = metadata.annotation("extra-windows") else {
            return Vec::new();
        };
        let nodes = match crate::spec::yaml::parse_documents(text) {
            Ok(mut documents) if documents.len() == 1 => documents.remove(0),
            _ => {
                self.error(at, "annotation slo/extra-windows must be a list of windows such as [7d, {calendar: month}]");
                return Vec::new();
            }
        };
        // Positions inside the annotation's text are meaningless in the file; report at it.
        let before = self.reader.checker.errors.len();
        let windows = self.reader.checker.windows(&nodes);
        for error in &mut self.reader.checker.errors[before..] {
            error.line = at.line;
            error.column = at.column;
            error.message = format!("annotation slo/extra-windows: {}", error.message);
        }
        windows.unwrap_or_default()
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
    use chrono::{Datelike, NaiveDateTime, Timelike, Weekday};
    let Some(unit) = duration.calendar_unit() else {
        return Err(format!(
            "its calendar window is {duration} long; slo computes calendar windows of one day, week, month, quarter or year (1d, 1w, 1M, 1Q, 1Y)"
        ));
    };
    let start_time = NaiveDateTime::parse_from_str(start, "%Y-%m-%d %H:%M:%S")
        .map_err(|_| format!("its calendar startTime '{start}' is not a date and time"))?;
    let date = start_time.date();
    let aligned = start_time.num_seconds_from_midnight() == 0
        && match unit {
            crate::time::CalendarUnit::Day => true,
            crate::time::CalendarUnit::Week => date.weekday() == Weekday::Mon,
            crate::time::CalendarUnit::Month => date.day() == 1,
            crate::time::CalendarUnit::Quarter => date.day() == 1 && (date.month() - 1) % 3 == 0,
            crate::time::CalendarUnit::Year => date.day() == 1 && date.month() == 1,
        };
    if !aligned {
        let start_of = match unit {
            crate::time::CalendarUnit::Day => "at midnight",
            crate::time::CalendarUnit::Week => "at midnight on a Monday",
            crate::time::CalendarUnit::Month => "at midnight on the 1st",
            crate::time::CalendarUnit::Quarter => {
                "at midnight on 1 January, April, July or October"
            }
            crate::time::CalendarUnit::Year => "at midnight on 1 January",
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
    let scale = 10u64.checked_pow(fraction.len() as u32)?;
    let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
    let scaled = digits.checked_mul(factor)?;
    scaled.is_multiple_of(scale).then(|| scaled / scale)
}
