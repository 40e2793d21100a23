//! OpenSLO v1alpha SLOs, as Sloth and slogen write them.

use std::sync::Arc;

use super::sli::{LogsPart, Role};
use super::slo::calendar_window;
use super::*;
use crate::spec::openslo::{join, Object, Shorthand, V1ALPHA_LOGS_QUERY_TYPE, V1ALPHA_LOGS_SOURCE};
use crate::spec::yaml::Node;
use crate::spec::{Judgement, Source, Window};
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
            if ratio > 0 && map.get("indicator").is_some() {
                self.error(
                    spec.position,
                    "spec gives both an indicator and objectives with ratioMetrics; give one",
                );
            }
            if ratio == 0 && map.get("indicator").is_none() {
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
            native: NativeKeys::default(),
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
            Role::Threshold => {
                Some(self.threshold_field(query, &query_path, &Source::default())?)
            }
            Role::Good => Some(Measure::Judgement(Judgement::Good(self.expression(
                query,
                &query_path,
                &Source::default(),
            )?))),
            _ => None,
        };
        let filter = match role {
            Role::Total => self
                .expression(query, &query_path, &Source::default())
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

#[cfg(test)]
mod tests {
    use super::super::tests::{edit, errors, load_files, uncomputable, valid, windows};
    use crate::spec::Judgement;

    /// A v1alpha ratio SLO over request logs, in the shape Sloth reads.
    const RATIO: &str = r#"apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: checkout
spec:
  service: shop
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good:
          source: slo
          queryType: logs
          query: status < 500
        total:
          source: slo
          queryType: logs
          query: service == "checkout"
      target: 0.999
  timeWindows:
    - count: 30
      unit: Day
"#;

    /// A v1alpha threshold SLO over request logs.
    const THRESHOLD: &str = "apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: latency
spec:
  service: shop
  indicator:
    thresholdMetric:
      source: slo
      queryType: logs
      query: latency_ms
  budgetingMethod: Occurrences
  objectives:
    - op: lte
      value: 300
      target: 0.99
  timeWindows:
    - count: 7
      unit: Day
";

    /// The time window of [`RATIO`], from line 19.
    const WINDOW: &str = "  timeWindows:\n    - count: 30\n      unit: Day\n";

    /// [`RATIO`] with another time window, from line 19.
    fn window(text: &str) -> String {
        edit(RATIO, WINDOW, text)
    }

    #[test]
    fn sloth_specs_are_valid() {
        // Sloth's examples/openslo-getting-started.yml (slok/sloth, Apache-2.0), verbatim.
        let sloth = r#"# This example shows the same example as getting-started.yml but using OpenSLO spec.
# It will generate the Prometheus rules in a Prometheus rules format.
#
# `sloth generate -i ./examples/openslo-getting-started.yml`
#
apiVersion: openslo/v1alpha
kind: SLO
metadata:
  name: sloth-slo-my-service
  displayName: Requests Availability
spec:
  service: my-service
  description: "Common SLO based on availability for HTTP request responses."
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good:
          source: prometheus
          queryType: promql
          query: sum(rate(http_request_duration_seconds_count{job="myservice",code!~"(5..|429)"}[{{.window}}]))
        total:
          source: prometheus
          queryType: promql
          query: sum(rate(http_request_duration_seconds_count{job="myservice"}[{{.window}}]))
      target: 0.999
  timeWindows:
    - count: 30
      unit: Day
"#;
        assert_eq!(
            uncomputable(&[sloth]),
            "its metric source is prometheus (promql queries), which slo cannot query; slo computes SLIs from request logs (source: slo, queryType: logs)"
        );
    }

    #[test]
    fn ratio_metrics_over_request_logs_compute() {
        let set = valid(&[RATIO]);
        let slo = &set.slos[0];
        assert!(matches!(&slo.judgement, Judgement::Good(c) if c.text == "status < 500"));
        assert_eq!(
            slo.filter.as_ref().map(|c| c.text.as_str()),
            Some(r#"service == "checkout""#)
        );
        assert_eq!(slo.objective.as_written(), "99.9");
        let every = edit(RATIO, r#"query: service == "checkout""#, "query: 'true'");
        assert!(valid(&[&every]).slos[0].filter.is_none());
        // The Go SDK's example carries `incremental`, and oslo's `counter`.
        valid(&[&edit(
            RATIO,
            "    - ratioMetrics:\n",
            "    - ratioMetrics:\n        incremental: true\n        counter: true\n",
        )]);
        assert_eq!(
            errors(&[&edit(RATIO, "    - ratioMetrics:\n", "    - ratioMetrics:\n        counter: maybe\n")]),
            ["a.yaml:10:18: SLO checkout: spec.objectives[0].ratioMetrics.counter must be true or false, not 'maybe'"]
        );
    }

    #[test]
    fn ratio_metrics_have_good_and_total() {
        let no_total = edit(RATIO, "        total:\n          source: slo\n          queryType: logs\n          query: service == \"checkout\"\n", "");
        assert_eq!(
            errors(&[&no_total]),
            ["a.yaml:10:9: SLO checkout: spec.objectives[0].ratioMetrics.total is required"]
        );
        let no_good = edit(RATIO, "        good:\n          source: slo\n          queryType: logs\n          query: status < 500\n", "");
        assert_eq!(
            errors(&[&no_good]),
            ["a.yaml:10:9: SLO checkout: spec.objectives[0].ratioMetrics.good is required"]
        );
    }

    #[test]
    fn a_metric_has_a_source_and_query_type_of_letters_and_a_query() {
        assert_eq!(
            errors(&[&edit(RATIO, "          source: slo\n          queryType: logs\n          query: status < 500\n", "          source: prom-2\n          queryType: logs\n          query: status < 500\n")]),
            ["a.yaml:11:19: SLO checkout: spec.objectives[0].ratioMetrics.good.source `prom-2` must be letters only"]
        );
        assert_eq!(
            errors(&[&edit(RATIO, "          query: status < 500\n", "")]),
            ["a.yaml:11:11: SLO checkout: spec.objectives[0].ratioMetrics.good.query is required"]
        );
        let broken = errors(&[&edit(RATIO, "query: status < 500", "query: status <")]);
        assert_eq!(broken.len(), 1, "{broken:?}");
        assert!(
            broken[0].starts_with("a.yaml:13:")
                && broken[0].contains("`spec.objectives[0].ratioMetrics.good.query`"),
            "{broken:?}"
        );
    }

    #[test]
    fn a_threshold_metric_compares_a_field_with_op_and_value() {
        let set = valid(&[THRESHOLD]);
        assert!(
            matches!(&set.slos[0].judgement, Judgement::Good(c) if c.text == "latency_ms <= 300")
        );
        // oslo's test/inputs/v1alpha/valid-slos-threshold.yaml (OpenSLO/oslo, Apache-2.0),
        // verbatim: a calendar month from the 1st, over Prometheus.
        let oslo = r#"apiVersion: openslo/v1alpha
kind: SLO
metadata:
  displayName: My amazing SLO
  name: my-amazing-slo
spec:
  budgetingMethod: Occurrences
  description: Latency Alert
  indicator:
    thresholdMetric:
      source: prometheus
      queryType: promql
      query: latency_west_c7{code="ALL",instance="localhost:3000",job="prometheus",service="globalaccount"}
  objectives:
    - displayName: Weiner Shirt-zel Front Page
      op: gt
      target: 0.99
      value: 2000
  service: my-awesome-service
  timeWindows:
    - calendar:
        startTime: 2021-05-01 00:00:00
        timeZone: UTC
      count: 1
      isRolling: false
      unit: Month
"#;
        assert_eq!(
            uncomputable(&[oslo]),
            "its metric source is prometheus (promql queries), which slo cannot query; slo computes SLIs from request logs (source: slo, queryType: logs)"
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD, "    - op: lte\n      value: 300\n", "    - value: 300\n")]),
            ["a.yaml:14:7: SLO latency: spec.objectives[0].op is required with a thresholdMetric (lt, lte, gt or gte)"]
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD, "query: latency_ms", "query: latency_ms * 2")]),
            ["a.yaml:11:14: SLO latency: spec.indicator.thresholdMetric.query must name one field of the logs, such as latency_ms or field(\"response-time\"), not 'latency_ms * 2'"]
        );
    }

    #[test]
    fn an_slo_has_an_indicator_or_ratio_metrics_not_both() {
        let both = edit(
            RATIO,
            "  service: shop\n",
            "  service: shop\n  indicator:\n    thresholdMetric: {source: slo, queryType: logs, query: latency_ms}\n",
        );
        assert_eq!(
            errors(&[&both]),
            ["a.yaml:6:3: SLO checkout: spec gives both an indicator and objectives with ratioMetrics; give one"]
        );
        assert_eq!(
            errors(&[&edit(THRESHOLD, "    thresholdMetric:\n", "    thresholdMetrics:\n")]),
            [
                "a.yaml:8:5: SLO latency: unknown field `spec.indicator.thresholdMetrics`; did you mean `thresholdMetric`?",
                "a.yaml:8:5: SLO latency: spec.indicator.thresholdMetric is required",
            ]
        );
        let neither = edit(THRESHOLD, "  indicator:\n    thresholdMetric:\n      source: slo\n      queryType: logs\n      query: latency_ms\n", "");
        assert_eq!(
            errors(&[&neither]),
            ["a.yaml:6:3: SLO latency: spec needs an indicator (thresholdMetric) or objectives with ratioMetrics"]
        );
    }

    #[test]
    fn objectives_have_a_target_and_no_v1_fields() {
        // targetPercent and timeSliceWindow are unknown fields of a v1alpha objective.
        assert_eq!(
            errors(&[&edit(RATIO, "      target: 0.999\n", "      targetPercent: 99.9\n")]),
            [
                "a.yaml:9:7: SLO checkout: spec.objectives[0] needs target (such as 0.999)",
                "a.yaml:18:7: SLO checkout: unknown field `spec.objectives[0].targetPercent`; known keys: displayName, op, value, target, timeSliceTarget, ratioMetrics",
            ]
        );
        assert_eq!(
            errors(&[&edit(RATIO, "      target: 0.999\n", "      target: 1\n")]),
            ["a.yaml:18:15: SLO checkout: spec.objectives[0].target 1 is out of range: it must be at least 0 and below 1"]
        );
        assert_eq!(
            errors(&[&edit(RATIO, "      target: 0.999\n", "      target: 0.999\n      timeSliceWindow: 1m\n")]),
            ["a.yaml:19:7: SLO checkout: unknown field `spec.objectives[0].timeSliceWindow`; known keys: displayName, op, value, target, timeSliceTarget, ratioMetrics"]
        );
        assert_eq!(
            errors(&[&edit(RATIO, "      target: 0.999\n", "      target: 0.999\n      op: lte\n")]),
            ["a.yaml:19:11: SLO checkout: spec.objectives[0].op is only for thresholdMetric SLIs; this objective's SLI is a ratio, which has no value to compare"]
        );
        // v1alpha asks for a value on every objective, even a ratio's.
        valid(&[&edit(
            RATIO,
            "      target: 0.999\n",
            "      target: 0.999\n      value: 1\n",
        )]);
        assert_eq!(
            errors(&[&edit(RATIO, "  objectives:\n", "  objectives: []\n").replace(
                "    - ratioMetrics:\n        good:\n          source: slo\n          queryType: logs\n          query: status < 500\n        total:\n          source: slo\n          queryType: logs\n          query: service == \"checkout\"\n      target: 0.999\n",
                "",
            )]),
            [
                "a.yaml:6:3: SLO checkout: spec needs an indicator (thresholdMetric) or objectives with ratioMetrics",
                "a.yaml:8:15: SLO checkout: spec.objectives needs at least one objective",
            ]
        );
    }

    #[test]
    fn budgeting_is_occurrences_or_timeslices() {
        assert_eq!(
            errors(&[&edit(RATIO, "Occurrences", "RatioTimeslices")]),
            ["a.yaml:7:20: SLO checkout: spec.budgetingMethod `RatioTimeslices` must be one of Occurrences, Timeslices"]
        );
        let timeslices = edit(
            &edit(RATIO, "Occurrences", "Timeslices"),
            "      target: 0.999\n",
            "      target: 0.999\n      timeSliceTarget: 0.95\n",
        );
        assert_eq!(
            uncomputable(&[&timeslices]),
            "it uses time slices but openslo/v1alpha gives no slice length (v1's timeSliceWindow)"
        );
        // oslo's test/inputs/v1alpha/valid-slos-ratio.yaml (OpenSLO/oslo, Apache-2.0),
        // verbatim: Timeslices without a timeSliceTarget, which the Go SDK's v1alpha rules
        // require (docs/openslo.md lists it among the verdicts slo differs on).
        let oslo = r#"apiVersion: openslo/v1alpha
kind: SLO
metadata:
  displayName: Ratio
  name: ratio
spec:
  budgetingMethod: Timeslices
  description: A great description of a ratio based SLO
  objectives:
  - ratioMetrics:
      good:
        source: prometheus
        queryType: promql
        query: latency_west_c7{code="ALL",instance="localhost:3000",job="prometheus",service="globalaccount"}
      counter: true
      total:
        source: prometheus
        queryType: promql
        query: latency_west_c7{code="ALL",instance="localhost:3000",job="prometheus",service="globalaccount"}
    displayName: painful
    target: 0.98
    value: 1
  service: my-test-service
  timeWindows:
  - count: 28
    isRolling: true
    unit: Day
"#;
        assert_eq!(
            errors(&[oslo]),
            ["a.yaml:10:5: SLO ratio: spec.objectives[0].timeSliceTarget is required with budgetingMethod Timeslices (the share of good events that makes a slice good, such as 0.95)"]
        );
    }

    #[test]
    fn a_time_window_is_a_count_of_units_rolling_unless_a_calendar() {
        for (count, unit, label) in [
            ("30", "Day", "30d"),
            ("2", "Week", "2w"),
            ("1", "Month", "30d"),
            ("1", "Quarter", "90d"),
            ("90", "Second", "1m30s"),
        ] {
            let text = window(&format!(
                "  timeWindows:\n    - count: {count}\n      unit: {unit}\n"
            ));
            assert_eq!(windows(&[&text]), [label], "{count} {unit}");
        }
        assert_eq!(
            windows(&[&window(
                "  timeWindows:\n    - count: 30\n      unit: Day\n      isRolling: true\n"
            )]),
            ["30d"]
        );
        for count in ["0", "1.5", "-1"] {
            assert_eq!(
                errors(&[&window(&format!("  timeWindows:\n    - count: {count}\n      unit: Day\n"))]),
                ["a.yaml:20:14: SLO checkout: spec.timeWindows[0].count must be a whole number above 0"]
            );
        }
        assert_eq!(
            errors(&[&window("  timeWindows:\n    - count: 30\n      unit: Days\n")]),
            ["a.yaml:21:13: SLO checkout: spec.timeWindows[0].unit `Days` must be Second, Day, Week, Month or Quarter"]
        );
        assert_eq!(
            errors(&[&window("  timeWindows:\n    - unit: Day\n")]),
            ["a.yaml:20:7: SLO checkout: spec.timeWindows[0].count is required (such as 30)"]
        );
        assert_eq!(
            errors(&[&window("  timeWindows:\n    - count: 30\n")]),
            ["a.yaml:20:7: SLO checkout: spec.timeWindows[0].unit is required (Second, Day, Week, Month or Quarter)"]
        );
        assert_eq!(
            errors(&[&window("  timeWindows:\n    - count: 30\n      unit: Day\n    - count: 7\n      unit: Day\n")]),
            ["a.yaml:20:5: SLO checkout: spec.timeWindows holds 2 windows; OpenSLO allows exactly one"]
        );
    }

    #[test]
    fn a_time_window_is_rolling_or_a_calendar_not_both() {
        let calendar = |count: &str, unit: &str, rolling: &str, start: &str| {
            window(&format!("  timeWindows:\n    - count: {count}\n      unit: {unit}\n      isRolling: {rolling}\n      calendar:\n        startTime: {start}\n        timeZone: UTC\n"))
        };
        assert_eq!(
            windows(&[&calendar("1", "Month", "false", "2021-05-01 00:00:00")]),
            ["month"]
        );
        assert_eq!(
            errors(&[&calendar("1", "Month", "true", "2021-05-01 00:00:00")]),
            ["a.yaml:24:9: SLO checkout: spec.timeWindows[0].calendar cannot be set when isRolling is true"]
        );
        assert_eq!(
            errors(&[&window("  timeWindows:\n    - count: 1\n      unit: Month\n      isRolling: false\n")]),
            ["a.yaml:20:7: SLO checkout: spec.timeWindows[0] has isRolling: false but no calendar (startTime, timeZone)"]
        );
        // The Go SDK's v1alpha example starts its week on a Saturday at noon: valid, not a
        // period slo computes.
        assert_eq!(
            uncomputable(&[&calendar("1", "Week", "false", "2022-01-01 12:00:00")]),
            "its calendar week starts at 2022-01-01 12:00:00, but slo's calendar periods start at midnight on a Monday (local time)"
        );
        assert_eq!(
            uncomputable(&[&calendar("86400", "Second", "false", "2022-01-01 00:00:00")]),
            "its calendar window is counted in seconds"
        );
        assert_eq!(
            errors(&[&calendar("1", "Month", "false", "May 2021")]),
            ["a.yaml:24:20: SLO checkout: spec.timeWindows[0].calendar.startTime 'May 2021' must be a date and time written YYYY-MM-DD hh:mm:ss, such as 2024-01-01 00:00:00"]
        );
    }

    #[test]
    fn only_slos_and_services_and_other_tools_keys_noted() {
        // The Go SDK's pkg/openslo/v1alpha/examples/services.yaml (OpenSLO/go-sdk, Apache-2.0),
        // verbatim.
        valid(&["- apiVersion: openslo/v1alpha
  kind: Service
  metadata:
    displayName: Example Service
    name: example-service
  spec:
    description: Example service description
"]);
        assert_eq!(
            errors(&[&edit(RATIO, "kind: SLO", "kind: SLI")]),
            ["a.yaml:2:7: OpenSLO object: kind SLI does not exist in openslo/v1alpha, which has SLO and Service; write apiVersion: openslo/v1"]
        );
        // slogen keeps its own settings beside `spec`.
        let slogen = format!("{RATIO}alerts:\n  burnRate: []\n");
        let loaded = load_files(&[&slogen]);
        assert!(loaded.errors.is_empty(), "{:?}", loaded.errors);
        assert_eq!(
            loaded.notes,
            ["a.yaml:22:1: `alerts` beside `spec` is not part of OpenSLO (slogen, for one, keeps its own settings there); slo ignores it"]
        );
    }
    #[test]
    fn a_null_indicator_is_no_indicator() {
        let null = edit(THRESHOLD, "  indicator:\n    thresholdMetric:\n      source: slo\n      queryType: logs\n      query: latency_ms\n", "  indicator:\n");
        assert_eq!(
            errors(&[&null]),
            ["a.yaml:6:3: SLO latency: spec needs an indicator (thresholdMetric) or objectives with ratioMetrics"]
        );
    }
}
