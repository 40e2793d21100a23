//! The second pass: each object's `spec`, checked by kind against the OpenSLO v1 (or v1alpha)
//! rules, resolving references to objects checked before it.

use std::collections::HashMap;
use std::sync::Arc;

use super::super::load::{field_path, Checker};
use super::super::yaml::{Node, Position, Value};
use super::super::{Condition, Judgement, Location, Objective, Percentage, Source, Window};
use super::{join, Api, Kind, Map, Metadata, Object, Reader, Shorthand, LOGS_TYPE};
use super::{V1ALPHA_LOGS_QUERY_TYPE, V1ALPHA_LOGS_SOURCE};
use crate::expr::FieldPath;
use crate::suggest::closest;
use crate::time::{SpanDuration, Zone};

/// A DataSource.
pub(super) struct DataSourceModel {
    /// Its `type`, such as `Prometheus` or `slo.logs`.
    pub type_name: String,
    /// For `slo.logs`: where and how to read the logs.
    pub source: Option<Arc<Source>>,
}

/// How a burn-rate condition compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    Gt,
    Gte,
    Lt,
    Lte,
}

impl Op {
    fn parse(text: &str) -> Option<Op> {
        Some(match text {
            "gt" => Op::Gt,
            "gte" => Op::Gte,
            "lt" => Op::Lt,
            "lte" => Op::Lte,
            _ => return None,
        })
    }

    /// The comparison in the expression language.
    pub fn symbol(self) -> &'static str {
        match self {
            Op::Gt => ">",
            Op::Gte => ">=",
            Op::Lt => "<",
            Op::Lte => "<=",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Op::Gt => "gt",
            Op::Gte => "gte",
            Op::Lt => "lt",
            Op::Lte => "lte",
        }
    }
}

/// A burn-rate AlertCondition.
#[derive(Debug, Clone)]
pub(super) struct ConditionModel {
    pub name: String,
    pub severity: String,
    pub op: Option<Op>,
    /// The burn rate, as written.
    pub threshold: String,
    pub lookback: Shorthand,
    pub alert_after: Option<Shorthand>,
    /// The short lookback from the `slo/short-window` annotation.
    pub short: Option<SpanDuration>,
    pub at: Location,
}

/// An AlertPolicy, its condition resolved.
#[derive(Debug, Clone)]
pub(super) struct PolicyModel {
    pub name: String,
    pub breaching: Option<bool>,
    pub condition: Option<ConditionModel>,
    pub at: Location,
}

/// An SLI, as far as `slo` needs it.
#[derive(Debug, Clone)]
pub(super) struct SliModel {
    /// A thresholdMetric (rather than a ratioMetric).
    pub threshold: bool,
    /// How to compute it from logs, or why that cannot be done.
    pub logs: Result<LogsSli, String>,
}

/// An SLI computed from request logs.
#[derive(Debug, Clone)]
pub(super) struct LogsSli {
    pub filter: Option<Condition>,
    pub measure: Measure,
    pub group_by: Vec<FieldPath>,
    pub source: Arc<Source>,
}

/// What decides whether an event is good.
#[derive(Debug, Clone)]
pub(super) enum Measure {
    /// A `good` or `bad` expression.
    Judgement(Judgement),
    /// A field compared with the objective's `op` and `value` (a thresholdMetric).
    Field { text: String, at: Location },
}

/// An SLO's budgeting method.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Method {
    Occurrences,
    Timeslices,
    RatioTimeslices,
}

/// One objective of an SLO.
#[derive(Debug, Clone)]
pub(super) struct ObjectiveModel {
    pub display_name: Option<String>,
    pub op: Option<Op>,
    pub value: Option<String>,
    /// The objective, or why `slo` cannot use it.
    pub objective: Result<Objective, String>,
    pub time_slice_target: Option<Percentage>,
    /// The slice length, or why `slo` cannot use it.
    pub time_slice_window: Option<Result<SpanDuration, String>>,
    /// The objective's SLI: its own (composite SLOs, v1alpha ratioMetrics) or the SLO's.
    pub sli: SliModel,
    pub at: Location,
}

/// An SLO, checked.
#[derive(Debug, Clone)]
pub(super) struct SloModel {
    pub file: usize,
    pub name: String,
    pub at: Location,
    pub description: Option<String>,
    pub service: Option<String>,
    /// The time window, or why `slo` cannot use it; `None` when the SLO has none.
    pub window: Option<Result<Window, String>>,
    /// More windows to report, from the `slo/extra-windows` annotation.
    pub extra_windows: Vec<Window>,
    pub method: Method,
    pub objectives: Vec<ObjectiveModel>,
    /// The alert policies; `None` when the SLO names none (the default policy applies).
    pub policies: Option<Vec<PolicyModel>>,
}

/// Every object checked, by kind and name. A `None` model is an object with errors: references
/// to it resolve, and report nothing more.
#[derive(Default)]
pub(super) struct Index {
    data_sources: HashMap<String, Option<DataSourceModel>>,
    targets: HashMap<String, ()>,
    conditions: HashMap<String, Option<ConditionModel>>,
    policies: HashMap<String, Option<PolicyModel>>,
    slis: HashMap<String, Option<SliModel>>,
    pub slos: Vec<SloModel>,
}

/// Checks the objects, data sources first and SLOs last, so that references find what they
/// name already checked.
pub(super) fn check_all(objects: &[&Object<'_>], checkers: &mut [Checker]) -> Index {
    let mut index = Index::default();
    let order = [
        Kind::DataSource,
        Kind::AlertNotificationTarget,
        Kind::AlertCondition,
        Kind::AlertPolicy,
        Kind::Sli,
        Kind::Service,
        Kind::Slo,
    ];
    for kind in order {
        for object in objects.iter().filter(|o| o.kind == kind) {
            let mut reader = Reader::new(
                &mut checkers[object.file],
                format!("{} {}", kind.as_str(), object.metadata.name),
            );
            let checked = {
                let mut check = Check {
                    reader: &mut reader,
                    index: &index,
                    api: object.api,
                };
                match (kind, object.spec) {
                    (Kind::DataSource, Some(spec)) => {
                        Checked::DataSource(check.data_source(spec, "spec"))
                    }
                    (Kind::AlertNotificationTarget, spec) => {
                        if let Some(spec) = spec {
                            check.target(spec, "spec");
                        }
                        Checked::Target
                    }
                    (Kind::AlertCondition, Some(spec)) => {
                        Checked::Condition(check.condition(spec, "spec", &object.metadata))
                    }
                    (Kind::AlertPolicy, Some(spec)) => {
                        Checked::Policy(check.policy(spec, "spec", &object.metadata))
                    }
                    (Kind::Sli, Some(spec)) => Checked::Sli(check.sli(spec, "spec")),
                    (Kind::Service, spec) => {
                        if let Some(spec) = spec {
                            check.service(spec, "spec");
                        }
                        Checked::Nothing
                    }
                    (Kind::Slo, Some(spec)) => Checked::Slo(check.slo(object, spec)),
                    // Without a spec (an error already): references to it resolve to nothing.
                    (Kind::DataSource, None) => Checked::DataSource(None),
                    (Kind::AlertCondition, None) => Checked::Condition(None),
                    (Kind::AlertPolicy, None) => Checked::Policy(None),
                    (Kind::Sli, None) => Checked::Sli(None),
                    (Kind::Slo, None) => Checked::Nothing,
                }
            };
            let name = object.metadata.name.clone();
            match checked {
                Checked::DataSource(model) => {
                    index.data_sources.insert(name, model);
                }
                Checked::Target => {
                    index.targets.insert(name, ());
                }
                Checked::Condition(model) => {
                    index.conditions.insert(name, model);
                }
                Checked::Policy(model) => {
                    index.policies.insert(name, model);
                }
                Checked::Sli(model) => {
                    index.slis.insert(name, model);
                }
                Checked::Slo(model) => index.slos.extend(model),
                Checked::Nothing => {}
            }
        }
    }
    index
}

/// The model of one checked object.
enum Checked {
    DataSource(Option<DataSourceModel>),
    Target,
    Condition(Option<ConditionModel>),
    Policy(Option<PolicyModel>),
    Sli(Option<SliModel>),
    Slo(Option<SloModel>),
    Nothing,
}

struct Check<'r, 'c, 'f, 'i> {
    reader: &'r mut Reader<'c, 'f>,
    index: &'i Index,
    api: Api,
}

impl Check<'_, '_, '_, '_> {
    fn error(&mut self, at: Position, message: impl AsRef<str>) {
        self.reader.error(at, message);
    }

    fn note(&mut self, at: Position, message: impl AsRef<str>) {
        self.reader.note(at, message);
    }

    /// A reference to an object of `kind`; an error naming both ends when there is none.
    fn reference<'a, T>(
        &mut self,
        node: &Node,
        path: &str,
        kind: Kind,
        models: &'a HashMap<String, T>,
    ) -> Option<&'a T> {
        let name = self.reader.name(node, path)?;
        match models.get(&name) {
            Some(model) => Some(model),
            None => {
                let hint = match closest(&name, models.keys().map(String::as_str)) {
                    Some(close) => format!("; did you mean {close}?"),
                    None if models.is_empty() => format!(
                        "; the files loaded define no {} (pass the file that does too)",
                        kind.as_str()
                    ),
                    None => {
                        let mut names: Vec<&str> = models.keys().map(String::as_str).collect();
                        names.sort_unstable();
                        format!(
                            "; the files loaded define {} {}",
                            kind.as_str(),
                            names.join(", ")
                        )
                    }
                };
                self.error(
                    node.position,
                    format!(
                        "{path} refers to {} `{name}`, which none of the files loaded defines{hint}",
                        kind.as_str()
                    ),
                );
                None
            }
        }
    }

    fn service(&mut self, spec: &Node, path: &str) {
        let Some(map) = self.reader.map(spec, path, &["description"]) else {
            return;
        };
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
    }

    fn data_source(&mut self, spec: &Node, path: &str) -> Option<DataSourceModel> {
        let map = self
            .reader
            .map(spec, path, &["description", "type", "connectionDetails"])?;
        let errors = self.reader.error_count();
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
        let type_name = self
            .reader
            .require(
                &map,
                spec.position,
                path,
                "type",
                " (such as Prometheus, or slo.logs for request logs)",
            )
            .and_then(|node| self.reader.string(node, &join(path, "type")));
        let details = self
            .reader
            .require(&map, spec.position, path, "connectionDetails", "");
        let source = match (&type_name, details) {
            (Some(t), Some(details)) if t == LOGS_TYPE => {
                Some(Arc::new(self.reader.checker.source(details)))
            }
            _ => None,
        };
        if let Some(t) = &type_name {
            self.suggest_logs_type(t, map.get("type").map_or(spec.position, |n| n.position));
        }
        (self.reader.error_count() == errors).then(|| DataSourceModel {
            type_name: type_name.unwrap_or_default(),
            source,
        })
    }

    /// An error for a type that looks like a misspelt `slo.logs`.
    fn suggest_logs_type(&mut self, type_name: &str, at: Position) {
        if type_name != LOGS_TYPE
            && closest(type_name, [LOGS_TYPE]).is_some()
            && type_name.to_ascii_lowercase().starts_with("slo")
        {
            self.error(
                at,
                format!("type `{type_name}` is not one slo knows; did you mean `{LOGS_TYPE}`?"),
            );
        }
    }

    fn target(&mut self, spec: &Node, path: &str) {
        let Some(map) = self.reader.map(spec, path, &["description", "target"]) else {
            return;
        };
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
        if let Some(t) = self.reader.require(
            &map,
            spec.position,
            path,
            "target",
            " (such as email or slack)",
        ) {
            self.reader.string(t, &join(path, "target"));
        }
    }

    fn condition(
        &mut self,
        spec: &Node,
        path: &str,
        metadata: &Metadata,
    ) -> Option<ConditionModel> {
        let map = self
            .reader
            .map(spec, path, &["description", "severity", "condition"])?;
        let errors = self.reader.error_count();
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
        let severity = self
            .reader
            .require(
                &map,
                spec.position,
                path,
                "severity",
                " (such as page or ticket)",
            )
            .and_then(|node| self.reader.string(node, &join(path, "severity")));
        let condition = self.reader.require(
            &map,
            spec.position,
            path,
            "condition",
            " (kind: burnrate, op, threshold, lookbackWindow, alertAfter)",
        )?;
        let path = join(path, "condition");
        let c = self.reader.map(
            condition,
            &path,
            &["kind", "op", "threshold", "lookbackWindow", "alertAfter"],
        )?;
        // The spec text makes `burnrate` the default kind.
        if let Some(kind) = c.get("kind") {
            if let Some(text) = self.reader.string(kind, &join(&path, "kind")) {
                if text != "burnrate" {
                    self.error(
                        kind.position,
                        format!("{path}.kind `{text}` is not one OpenSLO defines; the only kind is burnrate"),
                    );
                }
            }
        }
        let op = c
            .get("op")
            .and_then(|node| self.op(node, &join(&path, "op")));
        let threshold = self
            .reader
            .require(
                &c,
                condition.position,
                &path,
                "threshold",
                " (the burn rate to alert at, such as 14.4)",
            )
            .and_then(|node| self.reader.number(node, &join(&path, "threshold")));
        let lookback = self
            .reader
            .require(
                &c,
                condition.position,
                &path,
                "lookbackWindow",
                " (such as 1h)",
            )
            .and_then(|node| self.reader.shorthand(node, &join(&path, "lookbackWindow")));
        // "defaults to 0m", says the spec: zero is written too.
        let alert_after = c.get("alertAfter").and_then(|node| {
            let text = self.reader.string(node, &join(&path, "alertAfter"))?;
            match Shorthand::parse(&text) {
                Ok(after) => Some(after),
                Err(_) if is_zero_shorthand(&text) => None,
                Err(message) => {
                    self.error(node.position, format!("{path}.alertAfter: {message}"));
                    None
                }
            }
        });
        let short = match metadata.annotation("short-window") {
            Some((text, at)) => match SpanDuration::parse(text) {
                Ok(short) => Some(short),
                Err(message) => {
                    self.error(at, format!("annotation slo/short-window: {message}"));
                    None
                }
            },
            None => None,
        };
        if self.reader.error_count() != errors {
            return None;
        }
        Some(ConditionModel {
            name: metadata.name.clone(),
            severity: severity?,
            op,
            threshold: threshold?,
            lookback: lookback?,
            alert_after,
            short,
            at: self.reader.location(spec.position),
        })
    }

    fn op(&mut self, node: &Node, path: &str) -> Option<Op> {
        let text = self.reader.string(node, path)?;
        let op = Op::parse(&text);
        if op.is_none() {
            self.error(
                node.position,
                format!("{path} `{text}` must be one of lt, lte, gt, gte"),
            );
        }
        op
    }

    fn policy(&mut self, spec: &Node, path: &str, metadata: &Metadata) -> Option<PolicyModel> {
        let map = self.reader.map(
            spec,
            path,
            &[
                "description",
                "alertWhenNoData",
                "alertWhenResolved",
                "alertWhenBreaching",
                "conditions",
                "notificationTargets",
            ],
        )?;
        let errors = self.reader.error_count();
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
        let mut breaching = None;
        for key in ["alertWhenNoData", "alertWhenResolved", "alertWhenBreaching"] {
            if let Some(node) = map.get(key) {
                let value = self.reader.boolean(node, &join(path, key));
                if key == "alertWhenBreaching" {
                    breaching = value;
                }
            }
        }
        let mut condition = None;
        let conditions_path = join(path, "conditions");
        if let Some(node) =
            self.reader
                .require(&map, spec.position, path, "conditions", " (one condition)")
        {
            if let Some(items) = self.reader.sequence(node, &conditions_path) {
                if items.len() != 1 {
                    self.error(
                        node.position,
                        format!(
                            "{conditions_path} holds {} conditions; OpenSLO v1 allows exactly one",
                            items.len()
                        ),
                    );
                }
                for (i, item) in items.iter().enumerate() {
                    let found = self.policy_condition(item, &format!("{conditions_path}[{i}]"));
                    if i == 0 {
                        condition = found;
                    }
                }
            }
        }
        let targets_path = join(path, "notificationTargets");
        if let Some(node) = self.reader.require(
            &map,
            spec.position,
            path,
            "notificationTargets",
            " (at least one targetRef or inline AlertNotificationTarget)",
        ) {
            if let Some(items) = self.reader.sequence(node, &targets_path) {
                if items.is_empty() {
                    self.error(
                        node.position,
                        format!("{targets_path} needs at least one target"),
                    );
                }
                for (i, item) in items.iter().enumerate() {
                    self.policy_target(item, &format!("{targets_path}[{i}]"));
                }
            }
        }
        (self.reader.error_count() == errors).then(|| PolicyModel {
            name: metadata.name.clone(),
            breaching,
            condition,
            at: self.reader.location(spec.position),
        })
    }

    /// An item of `conditions`: `conditionRef: NAME` or an inline AlertCondition.
    fn policy_condition(&mut self, item: &Node, path: &str) -> Option<ConditionModel> {
        // `operator` is a leftover of an early v1 draft that the spec's own test files still
        // carry; with one condition it means nothing.
        let map = self.reader.map(
            item,
            path,
            &["conditionRef", "operator", "kind", "metadata", "spec"],
        )?;
        if let Some(op) = map.get("operator") {
            if let Some(text) = self.reader.string(op, &join(path, "operator")) {
                if text != "and" && text != "or" {
                    self.error(op.position, format!("{path}.operator must be and or or"));
                }
            }
        }
        match (
            map.get("conditionRef"),
            self.inline(&map, item, path, Kind::AlertCondition),
        ) {
            (Some(_), Some(_)) => {
                self.error(
                    item.position,
                    format!("{path} gives both conditionRef and an inline condition; give one"),
                );
                None
            }
            (Some(reference), None) => {
                let index = self.index;
                self.reference(
                    reference,
                    &join(path, "conditionRef"),
                    Kind::AlertCondition,
                    &index.conditions,
                )
                .cloned()
                .flatten()
            }
            (None, Some((metadata, spec))) => {
                let path = join(path, "spec");
                self.condition(spec, &path, &metadata)
            }
            (None, None) => {
                if !map.has("kind") && !map.has("metadata") && !map.has("spec") {
                    self.error(
                        item.position,
                        format!("{path} must be conditionRef: NAME or an inline AlertCondition (kind, metadata, spec)"),
                    );
                }
                None
            }
        }
    }

    fn policy_target(&mut self, item: &Node, path: &str) {
        let Some(map) = self
            .reader
            .map(item, path, &["targetRef", "kind", "metadata", "spec"])
        else {
            return;
        };
        match (
            map.get("targetRef"),
            self.inline(&map, item, path, Kind::AlertNotificationTarget),
        ) {
            (Some(_), Some(_)) => self.error(
                item.position,
                format!("{path} gives both targetRef and an inline target; give one"),
            ),
            (Some(reference), None) => {
                let index = self.index;
                self.reference(
                    reference,
                    &join(path, "targetRef"),
                    Kind::AlertNotificationTarget,
                    &index.targets,
                );
            }
            (None, Some((_, spec))) => self.target(spec, &join(path, "spec")),
            (None, None) => {
                if !map.has("kind") && !map.has("metadata") && !map.has("spec") {
                    self.error(
                        item.position,
                        format!("{path} must be targetRef: NAME or an inline AlertNotificationTarget (kind, metadata, spec)"),
                    );
                }
            }
        }
    }

    /// An inline object (`kind`, `metadata`, `spec`) of `kind`, if the mapping holds one.
    fn inline<'n>(
        &mut self,
        map: &Map<'n>,
        at: &Node,
        path: &str,
        kind: Kind,
    ) -> Option<(Metadata, &'n Node)> {
        if !map.has("kind") && !map.has("metadata") && !map.has("spec") {
            return None;
        }
        let mut ok = true;
        match map.get("kind") {
            Some(node) => {
                if let Some(text) = self.reader.string(node, &join(path, "kind")) {
                    if text != kind.as_str() {
                        self.error(
                            node.position,
                            format!(
                                "{path}.kind must be {} for an inline object here, not {text}",
                                kind.as_str()
                            ),
                        );
                        ok = false;
                    }
                }
            }
            None => {
                self.error(
                    at.position,
                    format!("{path}.kind is required: {}", kind.as_str()),
                );
                ok = false;
            }
        }
        let ctx = self.reader.ctx.clone();
        self.reader.ctx = format!("{ctx}, inline {}", kind.as_str());
        let metadata = match map.get("metadata") {
            Some(node) => self.reader.metadata(node, &join(path, "metadata")),
            None => {
                self.error(
                    at.position,
                    format!("{path}.metadata is required, with a name"),
                );
                None
            }
        };
        self.reader.ctx = ctx;
        let spec = map.get("spec");
        if spec.is_none() {
            self.error(at.position, format!("{path}.spec is required"));
        }
        if !ok {
            return None;
        }
        Some((metadata?, spec?))
    }

    fn sli(&mut self, spec: &Node, path: &str) -> Option<SliModel> {
        let map = self.reader.map(
            spec,
            path,
            &["description", "thresholdMetric", "ratioMetric"],
        )?;
        let errors = self.reader.error_count();
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
        let model = match (map.get("thresholdMetric"), map.get("ratioMetric")) {
            (Some(_), Some(ratio)) => {
                self.error(
                    ratio.position,
                    format!("{path} gives both thresholdMetric and ratioMetric; give one"),
                );
                None
            }
            (Some(threshold), None) => {
                self.threshold_metric(threshold, &join(path, "thresholdMetric"))
            }
            (None, Some(ratio)) => self.ratio_metric(ratio, &join(path, "ratioMetric")),
            (None, None) => {
                self.error(
                    spec.position,
                    format!("{path} needs a thresholdMetric or a ratioMetric"),
                );
                None
            }
        };
        if self.reader.error_count() != errors {
            return None;
        }
        model
    }

    fn threshold_metric(&mut self, node: &Node, path: &str) -> Option<SliModel> {
        let map = self.reader.map(node, path, &["metricSource"])?;
        let source = self
            .reader
            .require(&map, node.position, path, "metricSource", "")?;
        let part = self.metric_source(source, &join(path, "metricSource"), Role::Threshold)?;
        let logs = match part {
            Ok(part) => Ok(LogsSli {
                filter: part.filter,
                measure: part.measure?,
                group_by: part.group_by,
                source: part.source,
            }),
            Err(reason) => Err(reason),
        };
        Some(SliModel {
            threshold: true,
            logs,
        })
    }

    fn ratio_metric(&mut self, node: &Node, path: &str) -> Option<SliModel> {
        let map = self.reader.map(
            node,
            path,
            &["counter", "good", "bad", "total", "rawType", "raw"],
        )?;
        let errors = self.reader.error_count();
        if let Some(counter) = map.get("counter") {
            self.reader.boolean(counter, &join(path, "counter"));
        }
        let good = map.get("good");
        let bad = map.get("bad");
        let total = map.get("total");
        let raw = map.get("raw");
        let part = |check: &mut Self, key: &str, node: &Node, role: Role| {
            let path = join(path, key);
            let map = check.reader.map(node, &path, &["metricSource"])?;
            let source = check
                .reader
                .require(&map, node.position, &path, "metricSource", "")?;
            check.metric_source(source, &join(&path, "metricSource"), role)
        };
        if let Some(raw) = raw {
            if total.is_some() || good.is_some() || bad.is_some() {
                self.error(
                    raw.position,
                    format!(
                        "{path}.raw is a precomputed ratio and goes without good, bad and total"
                    ),
                );
            }
            match map.get("rawType") {
                Some(t) => {
                    if let Some(text) = self.reader.string(t, &join(path, "rawType")) {
                        if text != "success" && text != "failure" {
                            self.error(
                                t.position,
                                format!("{path}.rawType must be success or failure, not {text}"),
                            );
                        }
                    }
                }
                None => self.error(
                    raw.position,
                    format!("{path}.rawType is required with raw: success or failure"),
                ),
            }
            let source = part(self, "raw", raw, Role::Raw);
            if self.reader.error_count() != errors {
                return None;
            }
            return Some(SliModel {
                threshold: false,
                logs: Err(match source? {
                    Err(reason) => reason,
                    Ok(_) => "its SLI is a precomputed ratio (ratioMetric.raw), which cannot be recounted from request logs".to_string(),
                }),
            });
        }
        if let Some(t) = map.get("rawType") {
            self.error(t.position, format!("{path}.rawType goes only with raw"));
        }
        let judged = match (good, bad) {
            (Some(_), Some(bad)) => {
                self.error(
                    bad.position,
                    format!(
                        "{path} gives both good and bad; OpenSLO allows one of them over total"
                    ),
                );
                None
            }
            (Some(good), None) => part(self, "good", good, Role::Good),
            (None, Some(bad)) => part(self, "bad", bad, Role::Bad),
            (None, None) => {
                self.error(
                    node.position,
                    format!("{path} needs good or bad, over total (or a raw ratio)"),
                );
                None
            }
        };
        let total = match total {
            Some(total) => part(self, "total", total, Role::Total),
            None => {
                self.error(
                    node.position,
                    format!("{path}.total is required with good or bad"),
                );
                None
            }
        };
        if self.reader.error_count() != errors {
            return None;
        }
        let logs = match (judged?, total?) {
            (Err(reason), _) | (_, Err(reason)) => Err(reason),
            (Ok(judged), Ok(total)) => {
                if judged.source != total.source {
                    self.error(
                        node.position,
                        format!("{path}: good (or bad) and total read different log sources; give them the same metricSourceRef"),
                    );
                    return None;
                }
                Ok(LogsSli {
                    filter: total.filter,
                    measure: judged.measure?,
                    group_by: total.group_by,
                    source: total.source,
                })
            }
        };
        Some(SliModel {
            threshold: false,
            logs,
        })
    }

    /// A `metricSource`: its type decides whether `slo` computes it; for `slo.logs` its spec
    /// holds expressions.
    fn metric_source(
        &mut self,
        node: &Node,
        path: &str,
        role: Role,
    ) -> Option<Result<LogsPart, String>> {
        let map = self
            .reader
            .map(node, path, &["metricSourceRef", "type", "spec"])?;
        let errors = self.reader.error_count();
        let type_node = map.get("type");
        let written_type = type_node.and_then(|t| self.reader.string(t, &join(path, "type")));
        let mut source = None;
        let mut referenced_type = None;
        if let Some(reference) = map.get("metricSourceRef") {
            let ref_path = join(path, "metricSourceRef");
            let name = self.reader.name(reference, &ref_path);
            match name.as_ref().map(|n| self.index.data_sources.get(n)) {
                Some(Some(Some(data_source))) => {
                    referenced_type = Some(data_source.type_name.clone());
                    source = data_source.source.clone();
                }
                Some(Some(None)) => {}
                Some(None) if written_type.as_deref().is_some_and(|t| t != LOGS_TYPE) => {
                    // The connection details of a system slo does not query may live elsewhere.
                }
                Some(None) => {
                    let index = self.index;
                    self.reference(reference, &ref_path, Kind::DataSource, &index.data_sources);
                }
                None => {}
            }
        }
        let type_name = match (written_type, referenced_type) {
            (Some(written), Some(referenced)) if written != referenced => {
                self.error(
                    type_node.map_or(node.position, |t| t.position),
                    format!("{path}.type is {written}, but the DataSource it refers to is of type {referenced}"),
                );
                None
            }
            (Some(t), _) | (None, Some(t)) => Some(t),
            (None, None) => {
                if self.reader.error_count() == errors {
                    self.error(
                        node.position,
                        format!("{path} needs a type (such as Prometheus, or {LOGS_TYPE}) or a metricSourceRef to a DataSource"),
                    );
                }
                None
            }
        };
        let spec = self.reader.require(
            &map,
            node.position,
            path,
            "spec",
            " (the query, or for slo.logs its filter)",
        );
        if let Some(spec) = spec {
            if !matches!(&spec.value, Value::Mapping(entries) if !entries.is_empty()) {
                self.error(
                    spec.position,
                    format!("{path}.spec must be a mapping with at least one field"),
                );
            }
        }
        if let (Some(t), Some(type_node)) = (&type_name, type_node) {
            self.suggest_logs_type(t, type_node.position);
        }
        if self.reader.error_count() != errors {
            return None;
        }
        let type_name = type_name?;
        if type_name != LOGS_TYPE {
            return Some(Err(format!("its metric source is of type {type_name}, which slo cannot query; slo computes SLIs from request logs (metric source type {LOGS_TYPE})")));
        }
        let part = self.logs_spec(spec?, &join(path, "spec"), role, source.unwrap_or_default())?;
        Some(Ok(part))
    }

    /// The `spec` of an `slo.logs` metric source.
    fn logs_spec(
        &mut self,
        spec: &Node,
        path: &str,
        role: Role,
        source: Arc<Source>,
    ) -> Option<LogsPart> {
        let known: &[&str] = match role {
            Role::Total => &["filter", "groupBy"],
            Role::Good | Role::Bad | Role::Raw => &["filter"],
            Role::Threshold => &["filter", "groupBy", "good", "bad", "field"],
        };
        let map = self.reader.map(spec, path, known)?;
        let errors = self.reader.error_count();
        let filter = map
            .get("filter")
            .and_then(|node| self.expression(node, &join(path, "filter")));
        let group_by = match map.get("groupBy") {
            Some(node) => self.group_by(node, &join(path, "groupBy")),
            None => Vec::new(),
        };
        let measure = match role {
            Role::Total => None,
            Role::Good | Role::Bad | Role::Raw => match filter.clone() {
                Some(condition) => Some(Measure::Judgement(if role == Role::Bad {
                    Judgement::Bad(condition)
                } else {
                    Judgement::Good(condition)
                })),
                None => {
                    if self.reader.error_count() == errors {
                        self.error(
                            spec.position,
                            format!("{path}.filter is required: the expression that picks the {} events among total's", if role == Role::Bad { "bad" } else { "good" }),
                        );
                    }
                    None
                }
            },
            Role::Threshold => {
                let given: Vec<&str> = ["good", "bad", "field"]
                    .into_iter()
                    .filter(|k| map.get(k).is_some())
                    .collect();
                match given.as_slice() {
                    ["good"] => self
                        .expression(map.get("good")?, &join(path, "good"))
                        .map(|c| Measure::Judgement(Judgement::Good(c))),
                    ["bad"] => self
                        .expression(map.get("bad")?, &join(path, "bad"))
                        .map(|c| Measure::Judgement(Judgement::Bad(c))),
                    ["field"] => {
                        let node = map.get("field")?;
                        self.threshold_field(node, &join(path, "field"))
                    }
                    [] => {
                        self.error(spec.position, format!("{path} needs `field` (compared with the objective's op and value), or a `good` or `bad` expression"));
                        None
                    }
                    _ => {
                        self.error(
                            spec.position,
                            format!(
                                "{path} gives {}; give one of field, good and bad",
                                given.join(" and ")
                            ),
                        );
                        None
                    }
                }
            }
        };
        let filter = if role == Role::Total || role == Role::Threshold {
            filter.filter(|c| c.text.trim() != "true")
        } else {
            None
        };
        (self.reader.error_count() == errors).then_some(LogsPart {
            filter,
            measure,
            group_by,
            source,
        })
    }

    fn expression(&mut self, node: &Node, path: &str) -> Option<Condition> {
        self.reader.checker.condition(node, path)
    }

    fn threshold_field(&mut self, node: &Node, path: &str) -> Option<Measure> {
        let text = self.reader.string(node, path)?;
        match crate::expr::parse(&text) {
            Ok(crate::expr::Expr::Field(_)) => Some(Measure::Field {
                text,
                at: self.reader.location(node.position),
            }),
            _ => {
                self.error(
                    node.position,
                    format!("{path} must name one field of the logs, such as latency_ms or field(\"response-time\"), not '{text}'"),
                );
                None
            }
        }
    }

    fn group_by(&mut self, node: &Node, path: &str) -> Vec<FieldPath> {
        let items: Vec<&Node> = match &node.value {
            Value::Sequence(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut fields = Vec::new();
        for item in items {
            let Some(text) = self.reader.string(item, path) else {
                continue;
            };
            match field_path(&text) {
                Ok(field) if fields.contains(&field) => {
                    self.error(item.position, format!("{path}: `{field}` is listed twice"))
                }
                Ok(field) => fields.push(field),
                Err(message) => self.error(item.position, format!("{path}: {message}")),
            }
        }
        fields
    }

    fn slo(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
        match self.api {
            Api::V1 => self.slo_v1(object, spec),
            Api::V1alpha => self.slo_v1alpha(object, spec),
        }
    }

    fn slo_v1(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
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
        let description = map
            .get("description")
            .and_then(|d| self.reader.description(d, "spec.description"))
            .or_else(|| object.metadata.display_name.clone());
        let service = self
            .reader
            .require(
                &map,
                spec.position,
                path,
                "service",
                " (the name of the service the SLO belongs to)",
            )
            .and_then(|s| self.reader.string(s, "spec.service"));
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
    fn indicator(&mut self, map: &Map, path: &str) -> Option<SliModel> {
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

    fn method(&mut self, map: &Map, spec: &Node, path: &str) -> Option<Method> {
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
    fn time_window(&mut self, node: &Node, path: &str) -> Option<Result<Window, String>> {
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
    fn calendar(&mut self, node: &Node, path: &str) -> Option<(String, Zone)> {
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

    fn objectives_v1(
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
    fn objective(
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
    fn objective_target(
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
    fn fraction(&mut self, node: &Node, path: &str, below_one: bool) -> Option<Percentage> {
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
    fn slice_window(&mut self, node: &Node, path: &str) -> Option<Result<SpanDuration, String>> {
        let is_number = matches!(&node.value, Value::Scalar { text, quoted: false } if super::is_plain_decimal(text));
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

    fn alert_policies(&mut self, node: &Node, path: &str) -> Option<Vec<PolicyModel>> {
        let items = self.reader.sequence(node, path)?;
        let mut policies = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("{path}[{i}]");
            let found = match &item.value {
                // The 2022 JSON schema listed policies by name.
                Value::Scalar { .. } => {
                    let index = self.index;
                    self.reference(item, &path, Kind::AlertPolicy, &index.policies)
                        .cloned()
                        .flatten()
                }
                _ => {
                    let Some(map) = self.reader.map(
                        item,
                        &path,
                        &["alertPolicyRef", "kind", "metadata", "spec"],
                    ) else {
                        continue;
                    };
                    match (
                        map.get("alertPolicyRef"),
                        self.inline(&map, item, &path, Kind::AlertPolicy),
                    ) {
                        (Some(_), Some(_)) => {
                            self.error(item.position, format!("{path} gives both alertPolicyRef and an inline policy; give one"));
                            None
                        }
                        (Some(reference), None) => {
                            let index = self.index;
                            self.reference(
                                reference,
                                &join(&path, "alertPolicyRef"),
                                Kind::AlertPolicy,
                                &index.policies,
                            )
                            .cloned()
                            .flatten()
                        }
                        (None, Some((metadata, spec))) => {
                            self.policy(spec, &join(&path, "spec"), &metadata)
                        }
                        (None, None) => {
                            if !map.has("kind") && !map.has("metadata") && !map.has("spec") {
                                self.error(item.position, format!("{path} must be alertPolicyRef: NAME or an inline AlertPolicy (kind, metadata, spec)"));
                            }
                            None
                        }
                    }
                }
            };
            policies.extend(found);
        }
        Some(policies)
    }

    /// The `slo/extra-windows` annotation: more windows to report, written as native windows.
    fn extra_windows(&mut self, metadata: &Metadata) -> Vec<Window> {
        let Some((text, at)) = metadata.annotation("extra-windows") else {
            return Vec::new();
        };
        let nodes = match super::super::yaml::parse_documents(text) {
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

    fn slo_v1alpha(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
        let path = "spec";
        let map = self.reader.map(
            spec,
            path,
            &[
                "description",
                "service",
                "indicator",
                "timeWindows",
                "budgetingMethod",
                "objectives",
            ],
        )?;
        let errors = self.reader.error_count();
        let description = map
            .get("description")
            .and_then(|d| self.reader.description(d, "spec.description"))
            .or_else(|| object.metadata.display_name.clone());
        let service = self
            .reader
            .require(
                &map,
                spec.position,
                path,
                "service",
                " (the name of the service the SLO belongs to)",
            )
            .and_then(|s| self.reader.string(s, "spec.service"));
        let indicator = match map.get("indicator") {
            Some(node) => self
                .reader
                .map(node, "spec.indicator", &["thresholdMetric"])
                .and_then(|m| {
                    let metric = self.reader.require(
                        &m,
                        node.position,
                        "spec.indicator",
                        "thresholdMetric",
                        "",
                    )?;
                    let part = self.v1alpha_metric(
                        metric,
                        "spec.indicator.thresholdMetric",
                        Role::Threshold,
                    )?;
                    let logs = match part {
                        Ok(part) => Ok(LogsSli {
                            filter: None,
                            measure: part.measure?,
                            group_by: Vec::new(),
                            source: Arc::default(),
                        }),
                        Err(reason) => Err(reason),
                    };
                    Some(SliModel {
                        threshold: true,
                        logs,
                    })
                }),
            None => None,
        };
        let window = match map.get("timeWindows") {
            Some(node) => self
                .reader
                .sequence(node, "spec.timeWindows")
                .and_then(|items| {
                    if items.len() != 1 {
                        self.error(
                            node.position,
                            format!(
                                "spec.timeWindows holds {} windows; OpenSLO allows exactly one",
                                items.len()
                            ),
                        );
                    }
                    items
                        .first()
                        .and_then(|item| self.time_window_v1alpha(item, "spec.timeWindows[0]"))
                }),
            None => None,
        };
        let method = self.method(&map, spec, path);
        let objectives = (|| {
            let node = self.reader.require(
                &map,
                spec.position,
                path,
                "objectives",
                " (at least one target)",
            )?;
            let items = self.reader.sequence(node, "spec.objectives")?;
            if items.is_empty() {
                self.error(
                    node.position,
                    "spec.objectives needs at least one objective",
                );
            }
            let mut objectives = Vec::new();
            let mut ratio = 0;
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
                        "timeSliceTarget",
                        "ratioMetrics",
                    ],
                ) else {
                    continue;
                };
                let sli = match m.get("ratioMetrics") {
                    Some(node) => {
                        ratio += 1;
                        self.v1alpha_ratio(node, &format!("{path}.ratioMetrics"))
                    }
                    None => indicator.clone(),
                };
                if let Some(objective) = self.objective(item, &m, &path, method, sli) {
                    objectives.push(objective);
                }
            }
            if ratio > 0 && map.has("indicator") {
                self.error(
                    spec.position,
                    "spec gives both an indicator and objectives with ratioMetrics; give one",
                );
            }
            if ratio == 0 && !map.has("indicator") {
                self.error(
                    spec.position,
                    "spec needs an indicator (thresholdMetric) or objectives with ratioMetrics",
                );
            }
            Some(objectives)
        })();
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
            extra_windows: Vec::new(),
            method: method?,
            objectives: objectives?,
            policies: None,
        })
    }

    /// A v1alpha `timeWindows` item: `count` × `unit`, rolling unless it has a calendar.
    fn time_window_v1alpha(&mut self, node: &Node, path: &str) -> Option<Result<Window, String>> {
        let map = self
            .reader
            .map(node, path, &["count", "unit", "isRolling", "calendar"])?;
        let errors = self.reader.error_count();
        let count = self
            .reader
            .require(&map, node.position, path, "count", " (such as 30)")
            .and_then(|c| {
                let text = self.reader.number(c, &join(path, "count"))?;
                match text.parse::<u64>() {
                    Ok(n) if n > 0 => Some(n),
                    _ => {
                        self.error(
                            c.position,
                            format!("{path}.count must be a whole number above 0"),
                        );
                        None
                    }
                }
            });
        let unit = self
            .reader
            .require(
                &map,
                node.position,
                path,
                "unit",
                " (Second, Day, Week, Month or Quarter)",
            )
            .and_then(|u| {
                let text = self.reader.string(u, &join(path, "unit"))?;
                let letter = match text.as_str() {
                    "Second" => 's',
                    "Day" => 'd',
                    "Week" => 'w',
                    "Month" => 'M',
                    "Quarter" => 'Q',
                    _ => {
                        self.error(
                            u.position,
                            format!(
                                "{path}.unit `{text}` must be Second, Day, Week, Month or Quarter"
                            ),
                        );
                        return None;
                    }
                };
                Some(letter)
            });
        let rolling = map
            .get("isRolling")
            .and_then(|r| self.reader.boolean(r, &join(path, "isRolling")));
        let calendar = map.get("calendar");
        if let (Some(true), Some(c)) = (rolling, calendar) {
            self.error(
                c.position,
                format!("{path}.calendar cannot be set when isRolling is true"),
            );
        }
        if let (Some(false), None) = (rolling, calendar) {
            self.error(
                node.position,
                format!("{path} has isRolling: false but no calendar (startTime, timeZone)"),
            );
        }
        let aligned = calendar.and_then(|c| self.calendar(c, &join(path, "calendar")));
        if self.reader.error_count() != errors {
            return None;
        }
        let (count, letter) = (count?, unit?);
        // Sloth reads a window without isRolling and calendar as rolling, and so does slo.
        if letter == 's' {
            return Some(match aligned {
                None => Ok(Window::Rolling(SpanDuration::from_seconds(count))),
                Some(_) => Err("its calendar window is counted in seconds".to_string()),
            });
        }
        let duration = Shorthand::parse(&format!("{count}{letter}")).ok()?;
        Some(match aligned {
            None => Ok(Window::Rolling(duration.rolling())),
            Some((start, zone)) => calendar_window(&duration, &start, zone),
        })
    }

    fn v1alpha_ratio(&mut self, node: &Node, path: &str) -> Option<SliModel> {
        let map = self
            .reader
            .map(node, path, &["good", "total", "counter", "incremental"])?;
        for key in ["counter", "incremental"] {
            if let Some(b) = map.get(key) {
                self.reader.boolean(b, &join(path, key));
            }
        }
        let good = self
            .reader
            .require(&map, node.position, path, "good", "")
            .and_then(|g| self.v1alpha_metric(g, &join(path, "good"), Role::Good));
        let total = self
            .reader
            .require(&map, node.position, path, "total", "")
            .and_then(|t| self.v1alpha_metric(t, &join(path, "total"), Role::Total));
        let logs = match (good?, total?) {
            (Err(reason), _) | (_, Err(reason)) => Err(reason),
            (Ok(good), Ok(total)) => Ok(LogsSli {
                filter: total.filter,
                measure: good.measure?,
                group_by: Vec::new(),
                source: Arc::default(),
            }),
        };
        Some(SliModel {
            threshold: false,
            logs,
        })
    }

    /// A v1alpha metric: `source`, `queryType`, `query`. `slo` computes `source: slo,
    /// queryType: logs`, whose query is an expression (a field for a thresholdMetric).
    fn v1alpha_metric(
        &mut self,
        node: &Node,
        path: &str,
        role: Role,
    ) -> Option<Result<LogsPart, String>> {
        let map = self
            .reader
            .map(node, path, &["source", "queryType", "query"])?;
        let errors = self.reader.error_count();
        let field = |check: &mut Self, key: &str| {
            let value = check.reader.require(&map, node.position, path, key, "")?;
            let text = check.reader.string(value, &join(path, key))?;
            if key != "query" && !text.chars().all(|c| c.is_ascii_alphabetic()) {
                check.error(
                    value.position,
                    format!("{path}.{key} `{text}` must be letters only"),
                );
            }
            Some((text, value))
        };
        let source = field(self, "source");
        let query_type = field(self, "queryType");
        let query = field(self, "query");
        if self.reader.error_count() != errors {
            return None;
        }
        let ((source, _), (query_type, _), (_, query)) = (source?, query_type?, query?);
        if source != V1ALPHA_LOGS_SOURCE || query_type != V1ALPHA_LOGS_QUERY_TYPE {
            return Some(Err(format!(
                "its metric source is {source} ({query_type} queries), which slo cannot query; slo computes SLIs from request logs (source: {V1ALPHA_LOGS_SOURCE}, queryType: {V1ALPHA_LOGS_QUERY_TYPE})"
            )));
        }
        let query_path = join(path, "query");
        let measure = match role {
            Role::Threshold => Some(self.threshold_field(query, &query_path)?),
            Role::Good => Some(Measure::Judgement(Judgement::Good(
                self.expression(query, &query_path)?,
            ))),
            _ => None,
        };
        let filter = match role {
            Role::Total => self
                .expression(query, &query_path)
                .filter(|c| c.text.trim() != "true"),
            _ => None,
        };
        if self.reader.error_count() != errors {
            return None;
        }
        Some(Ok(LogsPart {
            filter,
            measure,
            group_by: Vec::new(),
            source: Arc::default(),
        }))
    }
}

/// What a metric source plays in its SLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Total,
    Good,
    Bad,
    Raw,
    Threshold,
}

/// One `slo.logs` metric source, read.
struct LogsPart {
    filter: Option<Condition>,
    measure: Option<Measure>,
    group_by: Vec<FieldPath>,
    source: Arc<Source>,
}

/// The calendar window of a `calendar` time window of `duration` starting at `start`, or why
/// `slo` cannot compute it: its periods are one day, week (from Monday), month, quarter or year
/// long and start at local midnight.
fn calendar_window(duration: &Shorthand, start: &str, zone: Zone) -> Result<Window, String> {
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

/// `0m`, `0h`…: a zero duration, which the spec's "defaults to 0m" implies may be written.
fn is_zero_shorthand(text: &str) -> bool {
    let mut chars = text.chars();
    let unit = chars.next_back();
    let digits = chars.as_str();
    !digits.is_empty()
        && digits.bytes().all(|b| b == b'0')
        && unit.is_some_and(|u| "mhdwMQY".contains(u))
}

/// `text` (a plain non-negative decimal) times `factor`, when that is a whole number.
fn decimal_times(text: &str, factor: u64) -> Option<u64> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let scale = 10u64.checked_pow(fraction.len() as u32)?;
    let digits: u64 = format!("{whole}{fraction}").parse().ok()?;
    let scaled = digits.checked_mul(factor)?;
    scaled.is_multiple_of(scale).then(|| scaled / scale)
}
