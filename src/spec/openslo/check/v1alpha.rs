//! OpenSLO v1alpha SLOs, as Sloth and slogen write them.

use std::sync::Arc;

use super::sli::{LogsPart, Role};
use super::slo::calendar_window;
use super::*;
use crate::spec::openslo::{join, Object, Shorthand, V1ALPHA_LOGS_QUERY_TYPE, V1ALPHA_LOGS_SOURCE};
use crate::spec::yaml::Node;
use crate::spec::{Judgement, Window};
use crate::time::SpanDuration;

impl Check<'_, '_, '_, '_> {
    pub(super) fn slo_v1alpha(&mut self, object: &Object, spec: &Node) -> Option<SloModel> {
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
        let (description, service) = self.description_and_service(object, spec, &map);
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
    pub(super) fn time_window_v1alpha(
        &mut self,
        node: &Node,
        path: &str,
    ) -> Option<Result<Window, String>> {
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

    pub(super) fn v1alpha_ratio(&mut self, node: &Node, path: &str) -> Option<SliModel> {
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
    pub(super) fn v1alpha_metric(
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
