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
use super::super::{
    BudgetPolicy, Condition, Exclusion, Judgement, Latency, Location, Objective, Percentage,
    Source, Window,
};
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
    /// What only `slo` says, from `slo/` annotations.
    pub native: NativeKeys,
    pub method: Method,
    pub objectives: Vec<ObjectiveModel>,
    /// The alert policies; `None` when the SLO names none (the default policy applies).
    pub policies: Option<Vec<PolicyModel>>,
}

/// The keys of a native SLO that OpenSLO has no place for, read back from the `slo/`
/// annotations `slo convert` writes them in.
#[derive(Debug, Clone, Default)]
pub(super) struct NativeKeys {
    /// `slo/sla`, with where the annotation is written.
    pub sla: Option<(Objective, Position)>,
    /// `slo/min-events`.
    pub min_events: u64,
    /// `slo/policy`.
    pub policy: Option<BudgetPolicy>,
    /// `slo/exclude`.
    pub exclude: Vec<Exclusion>,
    /// `slo/latency`, with where the annotation is written: its unit is checked against the
    /// SLO's logs when the SLO is built.
    pub latency: Option<(Latency, Position)>,
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
            // Checked as a native `source:`, its errors named after this DataSource.
            (Some(t), Some(details)) if t == LOGS_TYPE => Some(Arc::new(
                self.reader.in_object(|checker| checker.source(details)),
            )),
            _ => None,
        };
        if let Some(t) = &type_name {
            let at = map.get("type").map_or(spec.position, |n| n.position);
            self.suggest_logs_type(t, at, &join(path, "type"));
        }
        (self.reader.error_count() == errors).then(|| DataSourceModel {
            type_name: type_name.unwrap_or_default(),
            source,
        })
    }

    /// An error for a type, at field `path`, that looks like a misspelt `slo.logs`.
    pub(super) fn suggest_logs_type(&mut self, type_name: &str, at: Position, path: &str) {
        if type_name != LOGS_TYPE
            && closest(type_name, [LOGS_TYPE]).is_some()
            && type_name.to_ascii_lowercase().starts_with("slo")
        {
            self.error(
                at,
                format!("{path} `{type_name}` is not one slo knows; did you mean `{LOGS_TYPE}`?"),
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

/// What the tests of every rule family share: documents loaded through the entry point `slo
/// validate` uses, and errors compared whole, as users read them (`file:line:column: OBJECT:
/// field path and message`), so that a test pins the place as well as the words.
#[cfg(test)]
pub(super) mod tests {
    use std::path::PathBuf;

    use crate::spec::load::load_sources;
    use crate::spec::{SpecSet, Window};

    /// What loading some files gave.
    pub(in crate::spec::openslo) struct Loaded {
        pub set: SpecSet,
        /// Every error, as `slo validate` prints it.
        pub errors: Vec<String>,
        /// Every note, printed alike.
        pub notes: Vec<String>,
    }

    /// Loads `texts` as the files `a.yaml`, `b.yaml`, … of one run.
    pub(in crate::spec::openslo) fn load_files(texts: &[&str]) -> Loaded {
        let sources: Vec<(PathBuf, String)> = texts
            .iter()
            .zip('a'..='z')
            .map(|(text, letter)| (PathBuf::from(format!("{letter}.yaml")), text.to_string()))
            .collect();
        let mut errors = Vec::new();
        let set = load_sources(&sources, &mut errors);
        Loaded {
            errors: errors.iter().map(ToString::to_string).collect(),
            notes: set.notes.iter().map(ToString::to_string).collect(),
            set,
        }
    }

    /// The errors of `texts`, loaded as the files `a.yaml`, `b.yaml`, ….
    pub(in crate::spec::openslo) fn errors(texts: &[&str]) -> Vec<String> {
        load_files(texts).errors
    }

    /// The set `texts` make, which must hold no error.
    pub(in crate::spec::openslo) fn valid(texts: &[&str]) -> SpecSet {
        let loaded = load_files(texts);
        assert_eq!(loaded.errors, Vec::<String>::new(), "in {texts:#?}");
        loaded.set
    }

    /// Why `slo` cannot compute the one SLO of `texts`, which must be valid.
    pub(in crate::spec::openslo) fn uncomputable(texts: &[&str]) -> String {
        let set = valid(texts);
        assert_eq!(set.slos.len(), 0, "computed: {:?}", set.slos[0].name);
        assert_eq!(set.uncomputable.len(), 1, "{:?}", set.uncomputable);
        set.uncomputable[0].reason.clone()
    }

    /// The labels of the windows of the one computable SLO of `texts`.
    pub(in crate::spec::openslo) fn windows(texts: &[&str]) -> Vec<String> {
        let set = valid(texts);
        assert_eq!(set.slos.len(), 1, "{:?}", set.uncomputable);
        set.slos[0].windows.iter().map(Window::label).collect()
    }

    /// `base` with its one occurrence of `old` replaced by `new`.
    pub(in crate::spec::openslo) fn edit(base: &str, old: &str, new: &str) -> String {
        assert_eq!(
            base.matches(old).count(),
            1,
            "{old:?} is not once in {base}"
        );
        base.replacen(old, new, 1)
    }

    /// A valid v1 SLO over request logs with an inline SLI; tests change one part of it.
    pub(in crate::spec::openslo) const SLO: &str = r#"apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicator:
    metadata:
      name: checkout-errors
    spec:
      ratioMetric:
        bad:
          metricSource:
            type: slo.logs
            spec:
              filter: status >= 500
        total:
          metricSource:
            type: slo.logs
            spec:
              filter: service == "checkout"
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
"#;

    /// The SLO of [`SLO`] with its SLI by reference (line 7, column 17).
    pub(in crate::spec::openslo) const SLO_REF: &str = "apiVersion: openslo/v1
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  indicatorRef: checkout-errors
  timeWindow:
    - duration: 28d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.999
";

    /// The SLI that [`SLO_REF`] refers to.
    pub(in crate::spec::openslo) const SLI: &str = r#"apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    bad:
      metricSource:
        type: slo.logs
        spec:
          filter: status >= 500
    total:
      metricSource:
        type: slo.logs
        spec:
          filter: service == "checkout"
"#;

    /// A DataSource of request logs.
    pub(in crate::spec::openslo) const DATA_SOURCE: &str = "apiVersion: openslo/v1
kind: DataSource
metadata:
  name: shop-logs
spec:
  type: slo.logs
  connectionDetails:
    paths: [logs/requests.csv]
";

    #[test]
    fn the_example_documents_are_valid() {
        let set = valid(&[SLO]);
        assert_eq!(set.slos.len(), 1);
        let slo = &set.slos[0];
        assert_eq!(slo.name, "checkout");
        assert_eq!(slo.service.as_deref(), Some("shop"));
        assert_eq!(slo.objective.as_written(), "99.9");
        assert_eq!(
            slo.filter.as_ref().map(|c| c.text.as_str()),
            Some(r#"service == "checkout""#)
        );
        assert_eq!(slo.defined_at.to_string(), "a.yaml:1:1");
        let by_reference = valid(&[SLO_REF, SLI]);
        assert_eq!(by_reference.slos[0].name, "checkout");
        assert!(by_reference.notes.is_empty(), "{:?}", by_reference.notes);
    }

    #[test]
    fn references_resolve_across_files_in_any_order() {
        // The SLO is checked after the SLI whichever comes first, in a file or in the run.
        assert_eq!(valid(&[SLO_REF, SLI]).slos.len(), 1);
        assert_eq!(valid(&[SLI, SLO_REF]).slos.len(), 1);
        assert_eq!(valid(&[&format!("{SLO_REF}---\n{SLI}")]).slos.len(), 1);
        assert_eq!(valid(&[&format!("{SLI}---\n{SLO_REF}")]).slos.len(), 1);
    }

    #[test]
    fn an_unresolved_reference_says_what_the_files_define() {
        assert_eq!(
            errors(&[SLO_REF]),
            ["a.yaml:7:17: SLO checkout: spec.indicatorRef refers to SLI `checkout-errors`, which none of the files loaded defines; the files loaded define no SLI (pass the file that does too)"]
        );
        let close = edit(SLI, "name: checkout-errors", "name: checkout-error");
        assert_eq!(
            errors(&[SLO_REF, &close]),
            ["a.yaml:7:17: SLO checkout: spec.indicatorRef refers to SLI `checkout-errors`, which none of the files loaded defines; did you mean checkout-error?"]
        );
        let latency = edit(SLI, "name: checkout-errors", "name: latency");
        let availability = edit(SLI, "name: checkout-errors", "name: availability");
        assert_eq!(
            errors(&[SLO_REF, &latency, &availability]),
            ["a.yaml:7:17: SLO checkout: spec.indicatorRef refers to SLI `checkout-errors`, which none of the files loaded defines; the files loaded define SLI availability, latency"]
        );
        // An object of another kind with that name is no SLI.
        let service = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: checkout-errors\n";
        assert_eq!(
            errors(&[SLO_REF, service]),
            ["a.yaml:7:17: SLO checkout: spec.indicatorRef refers to SLI `checkout-errors`, which none of the files loaded defines; the files loaded define no SLI (pass the file that does too)"]
        );
    }

    #[test]
    fn a_reference_to_an_object_with_errors_reports_nothing_more() {
        let broken = edit(
            SLI,
            "    total:\n      metricSource:\n        type: slo.logs\n        spec:\n          filter: service == \"checkout\"\n",
            "",
        );
        assert_eq!(
            errors(&[SLO_REF, &broken]),
            ["b.yaml:7:5: SLI checkout-errors: spec.ratioMetric.total is required with good or bad"]
        );
    }

    #[test]
    fn names_and_references_are_rfc_1123_labels() {
        let longest = "a".repeat(63);
        let set = valid(&[&edit(
            SLO,
            "name: checkout\n",
            &format!("name: {longest}\n"),
        )]);
        assert_eq!(set.slos[0].name, longest);
        assert_eq!(
            errors(&[&edit(SLO, "name: checkout\n", &format!("name: {longest}a\n"))]),
            [format!("a.yaml:4:9: SLO: metadata.name: '{longest}a' is not a valid OpenSLO name: names are RFC 1123 labels, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (such as {longest})")]
        );
        assert_eq!(
            errors(&[&edit(SLO, "name: checkout\n", "name: Checkout\n")]),
            ["a.yaml:4:9: SLO: metadata.name: 'Checkout' is not a valid OpenSLO name: names are RFC 1123 labels, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (such as checkout)"]
        );
        assert_eq!(
            errors(&[&edit(SLO_REF, "indicatorRef: checkout-errors", "indicatorRef: Checkout_Errors"), SLI]),
            ["a.yaml:7:17: SLO checkout: spec.indicatorRef: 'Checkout_Errors' is not a valid OpenSLO name: names are RFC 1123 labels, at most 63 lowercase letters, digits and '-', starting and ending with a letter or digit (such as checkout-errors)"]
        );
        // spec.service is a label, not a name.
        let set = valid(&[&edit(SLO, "service: shop", "service: The Shop")]);
        assert_eq!(set.slos[0].service.as_deref(), Some("The Shop"));
    }

    #[test]
    fn unknown_fields_are_errors_with_a_suggestion() {
        assert_eq!(
            errors(&[&edit(SLO_REF, "  service: shop\n", "  service: shop\n  descripton: Checkout works\n"), SLI]),
            ["a.yaml:7:3: SLO checkout: unknown field `spec.descripton`; did you mean `description`?"]
        );
    }

    #[test]
    fn unknown_metadata_fields_name_the_object() {
        assert_eq!(
            errors(&[&edit(SLO_REF, "  name: checkout\n", "  name: checkout\n  colour: red\n"), SLI]),
            ["a.yaml:5:3: SLO checkout: unknown field `metadata.colour`; known keys: name, displayName, labels, annotations"]
        );
    }

    #[test]
    fn descriptions_are_at_most_1050_characters() {
        let description = |length: usize| {
            edit(
                SLO_REF,
                "  service: shop\n",
                &format!("  service: shop\n  description: {}\n", "é".repeat(length)),
            )
        };
        let set = valid(&[&description(1050), SLI]);
        assert_eq!(
            set.slos[0].description.as_ref().map(|d| d.chars().count()),
            Some(1050)
        );
        assert_eq!(
            errors(&[&description(1051), SLI]),
            ["a.yaml:7:16: SLO checkout: spec.description is 1051 characters long; OpenSLO allows at most 1050"]
        );
        // Without a description, the display name describes the SLO.
        let named = edit(
            SLO_REF,
            "  name: checkout\n",
            "  name: checkout\n  displayName: Checkout works\n",
        );
        assert_eq!(
            valid(&[&named, SLI]).slos[0].description.as_deref(),
            Some("Checkout works")
        );
    }

    #[test]
    fn labels_and_annotation_keys_follow_the_spec_patterns() {
        let with = |metadata: &str| {
            edit(
                SLO,
                "  name: checkout\n",
                &format!("  name: checkout\n{metadata}"),
            )
        };
        valid(&[&with("  labels:\n    team: shop\n    cost.centre_1: [a, b]\n  annotations:\n    example.com/dashboard: https://example.com\n")]);
        assert_eq!(
            errors(&[&with("  labels:\n    team_: shop\n")]),
            ["a.yaml:6:5: SLO checkout: metadata.labels: label `team_` must be at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit"]
        );
        assert_eq!(
            errors(&[&with("  annotations:\n    Example.com/dashboard: x\n")]),
            ["a.yaml:6:5: SLO checkout: metadata.annotations: annotation `Example.com/dashboard` must be a name (letters, digits, '-', '_', '.') with an optional DNS-subdomain prefix and '/', such as example.com/dashboard"]
        );
    }

    #[test]
    fn services_are_checked_and_may_share_a_name() {
        let service = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: shop\nspec:\n  description: The shop\n";
        let bare = "apiVersion: openslo/v1\nkind: Service\nmetadata:\n  name: shop\n";
        let set = valid(&[service, bare, service]);
        assert!(set.slos.is_empty() && set.uncomputable.is_empty());
        assert_eq!(
            errors(&[&edit(service, "description:", "descripton:")]),
            ["a.yaml:6:3: Service shop: unknown field `spec.descripton`; did you mean `description`?"]
        );
    }

    #[test]
    fn data_sources_need_a_type_and_connection_details() {
        let set = valid(&[DATA_SOURCE]);
        assert!(set.slos.is_empty());
        // Excerpt of the OpenSLO spec's schema-test/spec-files/v1/data-source/data-source.yaml
        // (OpenSLO/OpenSLO, Apache-2.0): a source slo does not query still validates.
        valid(&["apiVersion: openslo/v1
kind: DataSource
metadata:
  name: test-data-source
  displayName: Test Data Source
spec:
  type: CloudWatch
  connectionDetails:
    accessKeyID: accessKey
    secretAccessKey: secretAccessKey
"]);
        assert_eq!(
            errors(&[&edit(DATA_SOURCE, "  type: slo.logs\n", "")]),
            ["a.yaml:6:3: DataSource shop-logs: spec.type is required (such as Prometheus, or slo.logs for request logs)"]
        );
        assert_eq!(
            errors(&[&edit(
                DATA_SOURCE,
                "  connectionDetails:\n    paths: [logs/requests.csv]\n",
                ""
            )]),
            ["a.yaml:6:3: DataSource shop-logs: spec.connectionDetails is required"]
        );
        let misspelt = errors(&[&edit(DATA_SOURCE, "type: slo.logs", "type: slo.log")]);
        assert_eq!(misspelt.len(), 1, "{misspelt:?}");
        assert!(
            misspelt[0].starts_with("a.yaml:6:9: DataSource shop-logs: ")
                && misspelt[0]
                    .ends_with("`slo.log` is not one slo knows; did you mean `slo.logs`?"),
            "{misspelt:?}"
        );
        // An slo.logs DataSource's connectionDetails are a native `source:`, checked as one.
        assert_eq!(
            errors(&[&edit(DATA_SOURCE, "paths:", "path:")]),
            ["a.yaml:8:5: DataSource shop-logs: unknown key `path` in `source`; did you mean `paths`?"]
        );
    }

    #[test]
    fn names_are_unique_within_a_kind_across_files() {
        assert_eq!(
            errors(&[SLI, SLO_REF, SLI]),
            ["c.yaml:1:1: SLI checkout-errors is defined twice; the first is at a.yaml:1:1"]
        );
        // Kinds are apart: an SLI and an SLO may share a name.
        let same = edit(SLI, "name: checkout-errors", "name: checkout");
        let set = valid(&[
            &edit(
                SLO_REF,
                "indicatorRef: checkout-errors",
                "indicatorRef: checkout",
            ),
            &same,
        ]);
        assert_eq!(set.slos[0].name, "checkout");
    }

    #[test]
    fn slo_names_are_unique_across_native_and_openslo_specs() {
        let native = "version: 1\nslos:\n  - name: checkout\n    objective: 99.9\n    windows: [28d]\n    good: status < 500\n";
        assert_eq!(
            errors(&[native, SLO]),
            ["b.yaml:1:1: SLO name 'checkout' is already used at a.yaml:3:5; names must be unique across all specs"]
        );
    }
}
