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

    pub(super) fn expression(&mut self, node: &Node, path: &str) -> Option<Condition> {
        self.reader.checker.condition(node, path)
    }

    pub(super) fn threshold_field(&mut self, node: &Node, path: &str) -> Option<Measure> {
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

    pub(super) fn group_by(&mut self, node: &Node, path: &str) -> Vec<FieldPath> {
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
