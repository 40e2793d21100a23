//! The second pass: each object's `spec`, checked by kind against the OpenSLO v1 (or v1alpha)
//! rules, resolving references to objects checked before it. By part: [`alerts`], [`sli`],
//! [`slo`] and [`v1alpha`].

mod alerts;
mod sli;
mod slo;
mod v1alpha;

use std::collections::HashMap;
use std::sync::Arc;

use super::super::reader::Checker;
use super::super::yaml::{Node, Position};
use super::super::{Condition, Judgement, Location, Objective, Percentage, Source, Window};
use super::{join, Api, Kind, Map, Metadata, Object, ObjectReader, Shorthand, LOGS_TYPE};
use crate::expr::FieldPath;
use crate::suggest::closest;
use crate::time::SpanDuration;

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
            let mut reader = ObjectReader::new(
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
    reader: &'r mut ObjectReader<'c, 'f>,
    index: &'i Index,
    api: Api,
}

impl Check<'_, '_, '_, '_> {
    pub(super) fn error(&mut self, at: Position, message: impl AsRef<str>) {
        self.reader.error(at, message);
    }

    pub(super) fn note(&mut self, at: Position, message: impl AsRef<str>) {
        self.reader.note(at, message);
    }

    /// A reference to an object of `kind`; an error naming both ends when there is none.
    pub(super) fn reference<'a, T>(
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

    pub(super) fn service(&mut self, spec: &Node, path: &str) {
        let Some(map) = self.reader.map(spec, path, &["description"]) else {
            return;
        };
        if let Some(d) = map.get("description") {
            self.reader.description(d, &join(path, "description"));
        }
    }

    pub(super) fn data_source(&mut self, spec: &Node, path: &str) -> Option<DataSourceModel> {
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
    pub(super) fn suggest_logs_type(&mut self, type_name: &str, at: Position) {
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

    /// An inline object (`kind`, `metadata`, `spec`) of `kind`, if the mapping holds one.
    pub(super) fn inline<'n>(
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
}
