//! SLIs: threshold and ratio metrics, their metric sources, and the `slo.logs` spec.

use std::sync::Arc;

use super::*;
use crate::expr::FieldPath;
use crate::spec::openslo::{join, Kind, LOGS_TYPE};
use crate::spec::reader::field_path;
use crate::spec::yaml::{Node, Value};
use crate::spec::{Condition, Judgement, Source};

impl Check<'_, '_, '_, '_> {
    pub(super) fn sli(&mut self, spec: &Node, path: &str) -> Option<SliModel> {
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

    pub(super) fn threshold_metric(&mut self, node: &Node, path: &str) -> Option<SliModel> {
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

    pub(super) fn ratio_metric(&mut self, node: &Node, path: &str) -> Option<SliModel> {
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
    pub(super) fn metric_source(
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
        // A DataSource with errors of its own: they are reported there, and nothing more here.
        let mut broken_reference = false;
        if let Some(reference) = map.get("metricSourceRef") {
            let ref_path = join(path, "metricSourceRef");
            let name = self.reader.name(reference, &ref_path);
            match name.as_ref().map(|n| self.index.data_sources.get(n)) {
                Some(Some(Some(data_source))) => {
                    referenced_type = Some(data_source.type_name.clone());
                    source = data_source.source.clone();
                }
                Some(Some(None)) => broken_reference = true,
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
                if self.reader.error_count() == errors && !broken_reference {
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
            self.suggest_logs_type(t, type_node.position, &join(path, "type"));
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
    pub(super) fn logs_spec(
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
            .and_then(|node| self.expression(node, &join(path, "filter"), &source));
        let group_by = match map.get("groupBy") {
            Some(node) => self.group_by(node, &join(path, "groupBy"), &source),
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
                        .expression(map.get("good")?, &join(path, "good"), &source)
                        .map(|c| Measure::Judgement(Judgement::Good(c))),
                    ["bad"] => self
                        .expression(map.get("bad")?, &join(path, "bad"), &source)
                        .map(|c| Measure::Judgement(Judgement::Bad(c))),
                    ["field"] => {
                        let node = map.get("field")?;
                        self.threshold_field(node, &join(path, "field"), &source)
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

    /// Records a field the logs' layout lacks, with the object's name before it as its errors
    /// have (see `SpecSet::missing_fields`).
    fn missing_field(&mut self, at: Position, message: &str) {
        self.reader
            .in_object(|checker| checker.missing_field(at, message));
    }

    pub(super) fn expression(
        &mut self,
        node: &Node,
        path: &str,
        source: &Source,
    ) -> Option<Condition> {
        self.reader
            .in_object(|checker| checker.condition(node, path, source))
    }

    pub(super) fn threshold_field(
        &mut self,
        node: &Node,
        path: &str,
        source: &Source,
    ) -> Option<Measure> {
        let text = self.reader.string(node, path)?;
        match crate::expr::parse(&text) {
            Ok(crate::expr::Expr::Field(field)) => {
                if let Some(message) = source
                    .format
                    .lacks_field(&field.path, "so no row would have a value to compare")
                {
                    self.missing_field(node.position, &format!("{path}: {message}"));
                }
                Some(Measure::Field {
                    text,
                    at: self.reader.location(node.position),
                })
            }
            _ => {
                self.error(
                    node.position,
                    format!("{path} must name one field of the logs, such as latency_ms or field(\"response-time\"), not '{text}'"),
                );
                None
            }
        }
    }

    pub(super) fn group_by(&mut self, node: &Node, path: &str, source: &Source) -> Vec<FieldPath> {
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
                Ok(field) => {
                    if let Some(message) = source
                        .format
                        .lacks_field(&field, "so every row would be in one group, (missing)")
                    {
                        self.missing_field(item.position, &format!("{path}: {message}"));
                    }
                    fields.push(field);
                }
                Err(message) => self.error(item.position, format!("{path}: {message}")),
            }
        }
        fields
    }
}

/// What a metric source plays in its SLI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Role {
    Total,
    Good,
    Bad,
    Raw,
    Threshold,
}

/// One `slo.logs` metric source, read.
pub(super) struct LogsPart {
    pub filter: Option<Condition>,
    pub measure: Option<Measure>,
    pub group_by: Vec<FieldPath>,
    pub source: Arc<Source>,
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::super::tests::{edit, errors, uncomputable, valid, DATA_SOURCE, SLI, SLO_REF};
    use crate::spec::Judgement;

    /// The `bad` part of [`SLI`], on lines 7 to 11.
    const BAD: &str = "    bad:\n      metricSource:\n        type: slo.logs\n        spec:\n          filter: status >= 500\n";

    /// An SLI comparing a field of each event with the objective's op and value.
    const THRESHOLD_SLI: &str = "apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  thresholdMetric:
    metricSource:
      type: slo.logs
      spec:
        field: latency_ms
";

    /// [`SLO_REF`] with a threshold objective, for [`THRESHOLD_SLI`].
    fn threshold_slo() -> String {
        edit(
            SLO_REF,
            "    - target: 0.999\n",
            "    - {op: lte, value: 300, target: 0.99}\n",
        )
    }

    #[test]
    fn a_ratio_of_bad_or_good_over_total_computes() {
        let set = valid(&[SLO_REF, SLI]);
        let Judgement::Bad(bad) = &set.slos[0].judgement else {
            panic!("{:?}", set.slos[0].judgement)
        };
        assert_eq!(bad.text, "status >= 500");
        assert_eq!(
            set.slos[0].filter.as_ref().map(|c| c.text.as_str()),
            Some(r#"service == "checkout""#)
        );
        let good = edit(SLI, "    bad:", "    good:");
        let set = valid(&[SLO_REF, &good]);
        assert!(matches!(&set.slos[0].judgement, Judgement::Good(c) if c.text == "status >= 500"));
        // A total of every row is no filter.
        let every = edit(SLI, r#"filter: service == "checkout""#, "filter: 'true'");
        assert!(valid(&[SLO_REF, &every]).slos[0].filter.is_none());
    }

    #[test]
    fn an_sli_has_a_threshold_or_a_ratio_metric() {
        // The OpenSLO spec's schema-test/spec-files/v1/sli/sli-description-threshold-inline-metricsource.yaml
        // (OpenSLO/OpenSLO, Apache-2.0), verbatim.
        let redshift = "apiVersion: openslo/v1
kind: SLI
metadata:
  name: great-sli
  displayName: Great SLI
spec:
  description: This is an amazing description of the best SLI
  thresholdMetric:
    metricSource:
      type: Redshift
      spec:
        region: eu-central-1
        clusterId: metrics-cluster
        databaseName: metrics-db
        query: SELECT value, timestamp FROM metrics WHERE timestamp BETWEEN :date_from AND :date_to
        accessKeyID: accessKey
        secretAccessKey: secretAccessKey
";
        valid(&[redshift]);
        assert_eq!(
            uncomputable(&[&edit(SLO_REF, "indicatorRef: checkout-errors", "indicatorRef: great-sli"), redshift]),
            "its metric source is of type Redshift, which slo cannot query; slo computes SLIs from request logs (metric source type slo.logs)"
        );
        let both = edit(
            SLI,
            "spec:\n  ratioMetric:\n",
            "spec:\n  thresholdMetric:\n    metricSource: {type: slo.logs, spec: {field: latency_ms}}\n  ratioMetric:\n",
        );
        assert_eq!(
            errors(&[&both]),
            ["a.yaml:9:5: SLI checkout-errors: spec gives both thresholdMetric and ratioMetric; give one"]
        );
        let neither = "apiVersion: openslo/v1\nkind: SLI\nmetadata:\n  name: checkout-errors\nspec:\n  description: Checkout errors\n";
        assert_eq!(
            errors(&[neither]),
            ["a.yaml:6:3: SLI checkout-errors: spec needs a thresholdMetric or a ratioMetric"]
        );
    }

    #[test]
    fn a_ratio_has_good_or_bad_not_both_over_total() {
        let both = edit(
            SLI,
            BAD,
            &format!("    good:\n      metricSource:\n        type: slo.logs\n        spec:\n          filter: status < 500\n{BAD}"),
        );
        assert_eq!(
            errors(&[&both]),
            ["a.yaml:13:7: SLI checkout-errors: spec.ratioMetric gives both good and bad; OpenSLO allows one of them over total"]
        );
        assert_eq!(
            errors(&[&edit(SLI, BAD, "")]),
            ["a.yaml:7:5: SLI checkout-errors: spec.ratioMetric needs good or bad, over total (or a raw ratio)"]
        );
        let no_total = SLI.split("    total:").next().unwrap_or_default();
        assert_eq!(
            errors(&[no_total]),
            ["a.yaml:7:5: SLI checkout-errors: spec.ratioMetric.total is required with good or bad"]
        );
    }

    #[test]
    fn a_raw_ratio_has_a_raw_type_and_nothing_else() {
        let raw = "apiVersion: openslo/v1
kind: SLI
metadata:
  name: checkout-errors
spec:
  ratioMetric:
    rawType: success
    raw:
      metricSource:
        type: slo.logs
        spec:
          filter: status < 500
";
        assert_eq!(
            uncomputable(&[SLO_REF, raw]),
            "its SLI is a precomputed ratio (ratioMetric.raw), which cannot be recounted from request logs"
        );
        assert_eq!(
            errors(&[&edit(raw, "    rawType: success\n", "")]),
            ["a.yaml:8:7: SLI checkout-errors: spec.ratioMetric.rawType is required with raw: success or failure"]
        );
        assert_eq!(
            errors(&[&edit(raw, "rawType: success", "rawType: ratio")]),
            ["a.yaml:7:14: SLI checkout-errors: spec.ratioMetric.rawType must be success or failure, not ratio"]
        );
        let with_total = format!("{raw}    total:\n      metricSource:\n        type: slo.logs\n        spec:\n          filter: 'true'\n");
        assert_eq!(
            errors(&[&with_total]),
            ["a.yaml:9:7: SLI checkout-errors: spec.ratioMetric.raw is a precomputed ratio and goes without good, bad and total"]
        );
        assert_eq!(
            errors(&[&edit(
                SLI,
                "  ratioMetric:\n",
                "  ratioMetric:\n    rawType: success\n"
            )]),
            ["a.yaml:7:14: SLI checkout-errors: spec.ratioMetric.rawType goes only with raw"]
        );
    }

    #[test]
    fn counter_is_true_or_false() {
        valid(&[&edit(
            SLI,
            "  ratioMetric:\n",
            "  ratioMetric:\n    counter: false\n",
        )]);
        assert_eq!(
            errors(&[&edit(SLI, "  ratioMetric:\n", "  ratioMetric:\n    counter: yes\n")]),
            ["a.yaml:7:14: SLI checkout-errors: spec.ratioMetric.counter must be true or false, not 'yes'"]
        );
    }

    #[test]
    fn a_metric_source_has_a_type_or_a_reference_and_a_spec() {
        let prometheus = edit(SLI, BAD, "    bad:\n      metricSource:\n        type: Prometheus\n        spec:\n          query: sum(rate(http_requests_total{code=~\"5..\"}[5m]))\n");
        valid(&[&prometheus]);
        assert_eq!(
            errors(&[&edit(SLI, BAD, "    bad:\n      metricSource:\n        spec:\n          filter: status >= 500\n")]),
            ["a.yaml:9:9: SLI checkout-errors: spec.ratioMetric.bad.metricSource needs a type (such as Prometheus, or slo.logs) or a metricSourceRef to a DataSource"]
        );
        assert_eq!(
            errors(&[&edit(SLI, BAD, "    bad:\n      metricSource:\n        type: slo.logs\n")]),
            ["a.yaml:9:9: SLI checkout-errors: spec.ratioMetric.bad.metricSource.spec is required (the query, or for slo.logs its filter)"]
        );
        assert_eq!(
            errors(&[&edit(SLI, BAD, "    bad:\n      metricSource:\n        type: slo.logs\n        spec: {}\n")]),
            ["a.yaml:10:15: SLI checkout-errors: spec.ratioMetric.bad.metricSource.spec must be a mapping with at least one field"]
        );
    }

    #[test]
    fn each_part_of_a_metric_has_a_metric_source() {
        assert_eq!(
            errors(&[&edit(SLI, BAD, "    bad:\n      source: slo.logs\n")]),
            [
                "a.yaml:8:7: SLI checkout-errors: unknown field `spec.ratioMetric.bad.source`; known keys: metricSource",
                "a.yaml:8:7: SLI checkout-errors: spec.ratioMetric.bad.metricSource is required",
            ]
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD_SLI, "    metricSource:\n", "    metricSourse:\n")]),
            [
                "a.yaml:7:5: SLI checkout-errors: unknown field `spec.thresholdMetric.metricSourse`; did you mean `metricSource`?",
                "a.yaml:7:5: SLI checkout-errors: spec.thresholdMetric.metricSource is required",
            ]
        );
    }

    #[test]
    fn a_metric_source_ref_resolves_to_a_data_source() {
        let by_ref = SLI.replace("type: slo.logs", "metricSourceRef: shop-logs");
        let set = valid(&[SLO_REF, &by_ref, DATA_SOURCE]);
        assert_eq!(
            set.slos[0].source.paths,
            [PathBuf::from("logs/requests.csv")]
        );
        let missing = |line: usize, part: &str| {
            format!("a.yaml:{line}:26: SLI checkout-errors: spec.ratioMetric.{part}.metricSource.metricSourceRef refers to DataSource `shop-logs`, which none of the files loaded defines; the files loaded define no DataSource (pass the file that does too)")
        };
        assert_eq!(
            errors(&[&by_ref]),
            [missing(9, "bad"), missing(14, "total")]
        );
        // A DataSource of a system slo does not query may be kept elsewhere.
        let elsewhere = SLI.replace(
            "type: slo.logs",
            "metricSourceRef: prometheus\n        type: Prometheus",
        );
        valid(&[&elsewhere]);
        let mismatch = edit(&by_ref, BAD.replace("type: slo.logs", "metricSourceRef: shop-logs").as_str(), "    bad:\n      metricSource:\n        metricSourceRef: shop-logs\n        type: Prometheus\n        spec:\n          filter: status >= 500\n");
        assert_eq!(
            errors(&[&mismatch, DATA_SOURCE]),
            ["a.yaml:10:15: SLI checkout-errors: spec.ratioMetric.bad.metricSource.type is Prometheus, but the DataSource it refers to is of type slo.logs"]
        );
    }

    #[test]
    fn good_and_total_read_the_same_logs() {
        let other_logs = edit(
            &edit(DATA_SOURCE, "name: shop-logs", "name: other-logs"),
            "logs/requests.csv",
            "logs/other.csv",
        );
        let apart = edit(
            &SLI.replace("type: slo.logs", "metricSourceRef: shop-logs"),
            "    total:\n      metricSource:\n        metricSourceRef: shop-logs\n",
            "    total:\n      metricSource:\n        metricSourceRef: other-logs\n",
        );
        assert_eq!(
            errors(&[&apart, DATA_SOURCE, &other_logs]),
            ["a.yaml:7:5: SLI checkout-errors: spec.ratioMetric: good (or bad) and total read different log sources; give them the same metricSourceRef"]
        );
    }

    #[test]
    fn a_misspelt_logs_type_is_named() {
        let errors = errors(&[&edit(SLI, BAD, &BAD.replace("slo.logs", "slo.log"))]);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(
            errors[0].starts_with("a.yaml:9:15: SLI checkout-errors: ")
                && errors[0].ends_with("`slo.log` is not one slo knows; did you mean `slo.logs`?"),
            "{errors:?}"
        );
    }

    #[test]
    fn a_reference_to_a_broken_data_source_reports_nothing_more() {
        let by_ref = SLI.replace("type: slo.logs", "metricSourceRef: shop-logs");
        let broken_source = edit(DATA_SOURCE, "  type: slo.logs\n", "");
        assert_eq!(
            errors(&[&by_ref, &broken_source]),
            ["b.yaml:6:3: DataSource shop-logs: spec.type is required (such as Prometheus, or slo.logs for request logs)"]
        );
    }

    #[test]
    fn a_misspelt_logs_type_names_its_field() {
        let sli = errors(&[&edit(SLI, BAD, &BAD.replace("slo.logs", "slo.log"))]);
        assert_eq!(sli.len(), 1, "{sli:?}");
        assert!(
            sli[0].starts_with(
                "a.yaml:9:15: SLI checkout-errors: spec.ratioMetric.bad.metricSource.type"
            ),
            "{sli:?}"
        );
        assert!(sli[0].ends_with("did you mean `slo.logs`?"), "{sli:?}");
        let data_source = errors(&[&edit(DATA_SOURCE, "type: slo.logs", "type: slo.log")]);
        assert_eq!(data_source.len(), 1, "{data_source:?}");
        assert!(
            data_source[0].starts_with("a.yaml:6:9: DataSource shop-logs: spec.type"),
            "{data_source:?}"
        );
    }

    #[test]
    fn the_good_or_bad_events_need_a_filter() {
        assert_eq!(
            errors(&[&edit(SLI, "          filter: status >= 500\n", "          filter:\n")]),
            ["a.yaml:11:11: SLI checkout-errors: spec.ratioMetric.bad.metricSource.spec.filter is required: the expression that picks the bad events among total's"]
        );
        assert_eq!(
            errors(&[&edit(&edit(SLI, "    bad:", "    good:"), "          filter: status >= 500\n", "          filter:\n")]),
            ["a.yaml:11:11: SLI checkout-errors: spec.ratioMetric.good.metricSource.spec.filter is required: the expression that picks the good events among total's"]
        );
        assert_eq!(
            errors(&[&edit(SLI, "          filter: status >= 500\n", "          filter: status >= 500\n          groupBy: route\n")]),
            ["a.yaml:12:11: SLI checkout-errors: unknown field `spec.ratioMetric.bad.metricSource.spec.groupBy`; known keys: filter"]
        );
    }

    #[test]
    fn expressions_are_checked_where_they_are_written() {
        let broken = errors(&[&edit(
            SLI,
            "filter: status >= 500",
            "filter: status >= 500 and",
        )]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        // Right after `and`: the filter starts at column 19 and is 17 characters long.
        assert!(
            broken[0].starts_with("a.yaml:11:36: ")
                && broken[0].contains("`spec.ratioMetric.bad.metricSource.spec.filter`: expected a value after 'and'\n    status >= 500 and\n                     ^"),
            "{broken:?}"
        );
    }

    #[test]
    fn expression_errors_name_the_object() {
        let broken = errors(&[&edit(
            SLI,
            "filter: status >= 500",
            "filter: status >= 500 and",
        )]);
        assert!(broken[0].contains("SLI checkout-errors"), "{broken:?}");
    }

    #[test]
    fn the_total_groups_by_fields_each_once() {
        let grouped = |fields: &str| {
            edit(
                SLI,
                "          filter: service == \"checkout\"\n",
                &format!(
                    "          filter: service == \"checkout\"\n          groupBy: {fields}\n"
                ),
            )
        };
        let set = valid(&[SLO_REF, &grouped("[route, http.method]")]);
        let fields: Vec<String> = set.slos[0]
            .group_by
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(fields, ["route", "http.method"]);
        let set = valid(&[SLO_REF, &grouped("route")]);
        assert_eq!(set.slos[0].group_by.len(), 1);
        assert_eq!(
            errors(&[&grouped("['a..b']")]),
            ["a.yaml:17:21: SLI checkout-errors: spec.ratioMetric.total.metricSource.spec.groupBy: 'a..b' is not a field name"]
        );
        assert_eq!(
            errors(&[&grouped("[route, route]")]),
            ["a.yaml:17:28: SLI checkout-errors: spec.ratioMetric.total.metricSource.spec.groupBy: `route` is listed twice"]
        );
    }

    #[test]
    fn a_threshold_metric_compares_one_field_or_judges_with_an_expression() {
        let set = valid(&[&threshold_slo(), THRESHOLD_SLI]);
        assert!(
            matches!(&set.slos[0].judgement, Judgement::Good(c) if c.text == "latency_ms <= 300")
        );
        let judged = edit(
            THRESHOLD_SLI,
            "field: latency_ms",
            "good: latency_ms <= 300",
        );
        let set = valid(&[SLO_REF, &judged]);
        assert!(
            matches!(&set.slos[0].judgement, Judgement::Good(c) if c.text == "latency_ms <= 300")
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD_SLI, "field: latency_ms", "field: 'latency_ms + 1'")]),
            ["a.yaml:10:16: SLI checkout-errors: spec.thresholdMetric.metricSource.spec.field must name one field of the logs, such as latency_ms or field(\"response-time\"), not 'latency_ms + 1'"]
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD_SLI, "        field: latency_ms\n", "        field: latency_ms\n        good: latency_ms <= 300\n")]),
            ["a.yaml:10:9: SLI checkout-errors: spec.thresholdMetric.metricSource.spec gives good and field; give one of field, good and bad"]
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD_SLI, "field: latency_ms", "filter: route == \"/api/cart\"")]),
            ["a.yaml:10:9: SLI checkout-errors: spec.thresholdMetric.metricSource.spec needs `field` (compared with the objective's op and value), or a `good` or `bad` expression"]
        );
    }
}
