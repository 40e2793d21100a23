//! AlertPolicy, AlertCondition and AlertNotificationTarget, and an SLO's `alertPolicies`.

use super::*;
use crate::spec::openslo::{join, Kind, Metadata, Shorthand};
use crate::spec::yaml::{Node, Value};
use crate::time::SpanDuration;

impl Check<'_, '_, '_, '_> {
    pub(super) fn target(&mut self, spec: &Node, path: &str) {
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

    pub(super) fn condition(
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

    pub(super) fn op(&mut self, node: &Node, path: &str) -> Option<Op> {
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

    pub(super) fn policy(
        &mut self,
        spec: &Node,
        path: &str,
        metadata: &Metadata,
    ) -> Option<PolicyModel> {
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
    pub(super) fn policy_condition(&mut self, item: &Node, path: &str) -> Option<ConditionModel> {
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

    pub(super) fn policy_target(&mut self, item: &Node, path: &str) {
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

    pub(super) fn alert_policies(&mut self, node: &Node, path: &str) -> Option<Vec<PolicyModel>> {
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

#[cfg(test)]
mod tests {
    use super::super::tests::{edit, errors, valid, SLI, SLO_REF};
    use super::is_zero_shorthand;
    use crate::spec::Severity;

    /// A policy with a condition and a target by reference.
    const POLICY: &str = "apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: fast-burn
spec:
  alertWhenBreaching: true
  conditions:
    - conditionRef: fast-burn
  notificationTargets:
    - targetRef: on-call
";

    /// The condition of [`POLICY`].
    const CONDITION: &str = "apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: fast-burn
spec:
  severity: page
  condition:
    kind: burnrate
    op: gt
    threshold: 14.4
    lookbackWindow: 1h
    alertAfter: 5m
";

    /// The target of [`POLICY`].
    const TARGET: &str = "apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: on-call
spec:
  target: email
";

    /// [`SLO_REF`] over 30 days with `policies`, from line 15.
    fn slo_with(policies: &str) -> String {
        format!(
            "{}  alertPolicies:\n{policies}",
            edit(SLO_REF, "duration: 28d", "duration: 30d")
        )
    }

    /// The conditions of [`POLICY`], from line 8.
    fn conditions(items: &str) -> String {
        edit(POLICY, "    - conditionRef: fast-burn\n", items)
    }

    /// The notification targets of [`POLICY`], from line 10.
    fn targets(items: &str) -> String {
        edit(POLICY, "    - targetRef: on-call\n", items)
    }

    /// An inline AlertCondition, as an item of `conditions` (lines 8 to 13).
    const INLINE_CONDITION: &str = "    - kind: AlertCondition
      metadata:
        name: fast-burn
      spec:
        severity: page
        condition: {threshold: 14.4, lookbackWindow: 1h}
";

    #[test]
    fn a_burn_rate_condition_becomes_an_alert_rule() {
        // Threshold 14.4 over 1h on a 30-day SLO: the first rule of the default policy.
        let set = valid(&[
            &slo_with("    - alertPolicyRef: fast-burn\n"),
            SLI,
            POLICY,
            CONDITION,
            TARGET,
        ]);
        let rules: Vec<(Severity, String, &str, &str)> = set.slos[0]
            .alerts
            .iter()
            .map(|r| {
                (
                    r.severity,
                    r.threshold_text(),
                    r.long.as_written(),
                    r.short.as_written(),
                )
            })
            .collect();
        assert_eq!(rules, [(Severity::Page, "14.4×".to_string(), "1h", "5m")]);
    }

    #[test]
    fn a_notification_target_has_a_target() {
        // The OpenSLO spec's schema-test/spec-files/v1/alert-notification-target/alert-notification-target.yaml
        // (OpenSLO/OpenSLO, Apache-2.0), verbatim.
        valid(&["apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata:
  name: on-call-devops-mail-notification
spec:
  description: Notifies by a mail message to the on-call devops mailing group
  target: email
"]);
        assert_eq!(
            errors(&[&edit(TARGET, "  target: email\n", "  description: Pages the on-call engineer\n")]),
            ["a.yaml:6:3: AlertNotificationTarget on-call: spec.target is required (such as email or slack)"]
        );
        assert_eq!(
            errors(&[&edit(TARGET, "spec:\n  target: email\n", "")]),
            ["a.yaml:1:1: AlertNotificationTarget on-call: spec is required"]
        );
    }

    #[test]
    fn a_condition_has_a_severity_and_a_burn_rate() {
        valid(&[CONDITION]);
        // The OpenSLO spec's schema-test/spec-files/v1/alert-condition/alert-condition.yaml
        // (OpenSLO/OpenSLO, Apache-2.0), verbatim.
        valid(&["apiVersion: openslo/v1
kind: AlertCondition
metadata:
  name: alert-condition
  displayName: Alert Condition
spec:
  description: A great description # optional up to 1050 characters
  severity: sev1 # required
  condition: # required
    kind: burnrate
    op: lte
    threshold: 24
    lookbackWindow: 15m
    alertAfter: 3m
"]);
        assert_eq!(
            errors(&[&edit(CONDITION, "  severity: page\n", "")]),
            ["a.yaml:6:3: AlertCondition fast-burn: spec.severity is required (such as page or ticket)"]
        );
        let no_condition = CONDITION.split("  condition:").next().unwrap_or_default();
        assert_eq!(
            errors(&[no_condition]),
            ["a.yaml:6:3: AlertCondition fast-burn: spec.condition is required (kind: burnrate, op, threshold, lookbackWindow, alertAfter)"]
        );
        // The spec text makes burnrate the default kind.
        valid(&[&edit(CONDITION, "    kind: burnrate\n", "")]);
        assert_eq!(
            errors(&[&edit(CONDITION, "kind: burnrate", "kind: errors")]),
            ["a.yaml:8:11: AlertCondition fast-burn: spec.condition.kind `errors` is not one OpenSLO defines; the only kind is burnrate"]
        );
        assert_eq!(
            errors(&[&edit(CONDITION, "op: gt", "op: above")]),
            ["a.yaml:9:9: AlertCondition fast-burn: spec.condition.op `above` must be one of lt, lte, gt, gte"]
        );
    }

    #[test]
    fn a_burn_rate_has_a_threshold_and_a_lookback_window() {
        assert_eq!(
            errors(&[&edit(CONDITION, "    threshold: 14.4\n", "")]),
            ["a.yaml:8:5: AlertCondition fast-burn: spec.condition.threshold is required (the burn rate to alert at, such as 14.4)"]
        );
        assert_eq!(
            errors(&[&edit(CONDITION, "threshold: 14.4", "threshold: '14.4'")]),
            ["a.yaml:10:16: AlertCondition fast-burn: spec.condition.threshold must be a number, not the string \"14.4\"; remove the quotes"]
        );
        assert_eq!(
            errors(&[&edit(CONDITION, "    lookbackWindow: 1h\n", "")]),
            ["a.yaml:8:5: AlertCondition fast-burn: spec.condition.lookbackWindow is required (such as 1h)"]
        );
        assert_eq!(
            errors(&[&edit(CONDITION, "lookbackWindow: 1h", "lookbackWindow: 1h30m")]),
            ["a.yaml:11:21: AlertCondition fast-burn: spec.condition.lookbackWindow: '1h30m' is not a duration: OpenSLO durations are a whole number and one unit letter: m (minutes), h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M"]
        );
    }

    #[test]
    fn alert_after_is_optional_and_may_be_zero() {
        valid(&[&edit(CONDITION, "    alertAfter: 5m\n", "")]);
        for zero in ["0m", "0h", "00d"] {
            valid(&[&edit(
                CONDITION,
                "alertAfter: 5m",
                &format!("alertAfter: {zero}"),
            )]);
        }
        assert_eq!(
            errors(&[&edit(CONDITION, "alertAfter: 5m", "alertAfter: 5x")]),
            ["a.yaml:12:17: AlertCondition fast-burn: spec.condition.alertAfter: '5x' is not a duration: OpenSLO durations are a whole number and one unit letter: m (minutes), h, d, w, M (months), Q (quarters) or Y (years), such as 28d or 1M"]
        );
    }

    #[test]
    fn the_short_window_annotation_is_a_duration() {
        let annotated = |value: &str| {
            edit(
                CONDITION,
                "  name: fast-burn\n",
                &format!("  name: fast-burn\n  annotations:\n    slo/short-window: {value}\n"),
            )
        };
        let set = valid(&[
            &slo_with("    - fast-burn\n"),
            SLI,
            POLICY,
            &annotated("10m"),
            TARGET,
        ]);
        assert_eq!(set.slos[0].alerts[0].short.as_written(), "10m");
        assert_eq!(
            errors(&[&annotated("10 minutes")]),
            ["a.yaml:6:23: AlertCondition fast-burn: annotation slo/short-window: '10 minutes' is not a duration: unknown unit ' minutes'; use a number with a unit s, m, h, d or w, such as 30d or 1h30m"]
        );
    }

    #[test]
    fn a_policy_has_exactly_one_condition() {
        valid(&[POLICY, CONDITION, TARGET]);
        assert_eq!(
            errors(&[&conditions("    - conditionRef: fast-burn\n    - conditionRef: fast-burn\n"), CONDITION, TARGET]),
            ["a.yaml:8:5: AlertPolicy fast-burn: spec.conditions holds 2 conditions; OpenSLO v1 allows exactly one"]
        );
        assert_eq!(
            errors(&[&edit(POLICY, "  conditions:\n    - conditionRef: fast-burn\n", "  conditions: []\n"), TARGET]),
            ["a.yaml:7:15: AlertPolicy fast-burn: spec.conditions holds 0 conditions; OpenSLO v1 allows exactly one"]
        );
        assert_eq!(
            errors(&[
                &edit(POLICY, "  conditions:\n    - conditionRef: fast-burn\n", ""),
                TARGET
            ]),
            ["a.yaml:6:3: AlertPolicy fast-burn: spec.conditions is required (one condition)"]
        );
    }

    #[test]
    fn a_policy_condition_is_a_reference_or_inline() {
        assert_eq!(
            errors(&[POLICY, TARGET]),
            ["a.yaml:8:21: AlertPolicy fast-burn: spec.conditions[0].conditionRef refers to AlertCondition `fast-burn`, which none of the files loaded defines; the files loaded define no AlertCondition (pass the file that does too)"]
        );
        valid(&[&conditions(INLINE_CONDITION), TARGET]);
        // The OpenSLO spec's schema-test/spec-files/v1/alert-policy/alert-policy-inline-cond.yaml
        // (OpenSLO/OpenSLO, Apache-2.0), verbatim, with the target it names.
        let spec_policy = "apiVersion: openslo/v1
kind: AlertPolicy
metadata:
  name: alert-policy
  displayName: Alert Policy
spec:
  description: Alert policy for cpu usage breaches, notifies on-call devops via email
  alertWhenBreaching: true
  alertWhenResolved: false
  alertWhenNoData: false
  conditions:
    - kind: AlertCondition
      metadata:
        name: cpu-usage-breach
        displayName: CPU Usage breaching
      spec:
        description: SLO burn rate for cpu-usage-breach exceeds 2
        severity: page
        condition:
          kind: burnrate
          threshold: 2
          lookbackWindow: 1h
          alertAfter: 5m
  notificationTargets:
    - targetRef: on-call-devops-mail-notification
";
        valid(&[
            spec_policy,
            &edit(
                TARGET,
                "name: on-call",
                "name: on-call-devops-mail-notification",
            ),
        ]);
        assert_eq!(
            errors(&[&conditions(&INLINE_CONDITION.replace("    - kind:", "    - conditionRef: fast-burn\n      kind:")), CONDITION, TARGET]),
            ["a.yaml:8:7: AlertPolicy fast-burn: spec.conditions[0] gives both conditionRef and an inline condition; give one"]
        );
        assert_eq!(
            errors(&[&conditions("    - operator: and\n"), TARGET]),
            ["a.yaml:8:7: AlertPolicy fast-burn: spec.conditions[0] must be conditionRef: NAME or an inline AlertCondition (kind, metadata, spec)"]
        );
        // `operator`, from an early v1 draft, means nothing with one condition.
        valid(&[
            &conditions("    - conditionRef: fast-burn\n      operator: and\n"),
            CONDITION,
            TARGET,
        ]);
        assert_eq!(
            errors(&[
                &conditions("    - conditionRef: fast-burn\n      operator: xor\n"),
                CONDITION,
                TARGET
            ]),
            ["a.yaml:9:17: AlertPolicy fast-burn: spec.conditions[0].operator must be and or or"]
        );
    }

    #[test]
    fn an_inline_object_names_its_kind_and_has_metadata_and_a_spec() {
        assert_eq!(
            errors(&[&conditions(&INLINE_CONDITION.replace("kind: AlertCondition", "kind: AlertPolicy")), TARGET]),
            ["a.yaml:8:13: AlertPolicy fast-burn: spec.conditions[0].kind must be AlertCondition for an inline object here, not AlertPolicy"]
        );
        assert_eq!(
            errors(&[&conditions(&INLINE_CONDITION.replace("    - kind: AlertCondition\n      metadata:", "    - metadata:")), TARGET]),
            ["a.yaml:8:7: AlertPolicy fast-burn: spec.conditions[0].kind is required: AlertCondition"]
        );
        assert_eq!(
            errors(&[&conditions(&INLINE_CONDITION.replace("      metadata:\n        name: fast-burn\n", "")), TARGET]),
            ["a.yaml:8:7: AlertPolicy fast-burn, inline AlertCondition: spec.conditions[0].metadata is required, with a name"]
        );
        let no_spec = INLINE_CONDITION
            .split("      spec:")
            .next()
            .unwrap_or_default();
        assert_eq!(
            errors(&[&conditions(no_spec), TARGET]),
            ["a.yaml:8:7: AlertPolicy fast-burn: spec.conditions[0].spec is required"]
        );
        // What is inside is checked as the kind says, under its path.
        assert_eq!(
            errors(&[&conditions(&INLINE_CONDITION.replace("        severity: page\n", "")), TARGET]),
            ["a.yaml:12:9: AlertPolicy fast-burn: spec.conditions[0].spec.severity is required (such as page or ticket)"]
        );
    }

    #[test]
    fn a_policy_has_at_least_one_notification_target() {
        assert_eq!(
            errors(&[&edit(POLICY, "  notificationTargets:\n    - targetRef: on-call\n", "  notificationTargets: []\n"), CONDITION]),
            ["a.yaml:9:24: AlertPolicy fast-burn: spec.notificationTargets needs at least one target"]
        );
        assert_eq!(
            errors(&[&edit(POLICY, "  notificationTargets:\n    - targetRef: on-call\n", ""), CONDITION]),
            ["a.yaml:6:3: AlertPolicy fast-burn: spec.notificationTargets is required (at least one targetRef or inline AlertNotificationTarget)"]
        );
        assert_eq!(
            errors(&[POLICY, CONDITION]),
            ["a.yaml:10:18: AlertPolicy fast-burn: spec.notificationTargets[0].targetRef refers to AlertNotificationTarget `on-call`, which none of the files loaded defines; the files loaded define no AlertNotificationTarget (pass the file that does too)"]
        );
    }

    #[test]
    fn a_notification_target_is_a_reference_or_inline() {
        let inline = "    - kind: AlertNotificationTarget\n      metadata: {name: pager}\n      spec: {target: pagerduty}\n";
        valid(&[&targets(inline), CONDITION]);
        assert_eq!(
            errors(&[&targets(&inline.replace("{target: pagerduty}", "{description: x}")), CONDITION]),
            ["a.yaml:12:14: AlertPolicy fast-burn: spec.notificationTargets[0].spec.target is required (such as email or slack)"]
        );
        assert_eq!(
            errors(&[&targets(&inline.replace("    - kind:", "    - targetRef: on-call\n      kind:")), CONDITION, TARGET]),
            ["a.yaml:10:7: AlertPolicy fast-burn: spec.notificationTargets[0] gives both targetRef and an inline target; give one"]
        );
        assert_eq!(
            errors(&[&targets("    - {}\n"), CONDITION]),
            ["a.yaml:10:7: AlertPolicy fast-burn: spec.notificationTargets[0] must be targetRef: NAME or an inline AlertNotificationTarget (kind, metadata, spec)"]
        );
    }

    #[test]
    fn alert_when_settings_are_true_or_false() {
        let set = valid(&[
            &slo_with("    - fast-burn\n"),
            SLI,
            &edit(
                POLICY,
                "alertWhenBreaching: true",
                "alertWhenBreaching: false",
            ),
            CONDITION,
            TARGET,
        ]);
        assert!(set.slos[0].alerts.is_empty(), "{:?}", set.slos[0].alerts);
        assert_eq!(
            errors(&[&edit(POLICY, "alertWhenBreaching: true", "alertWhenBreaching: sometimes"), CONDITION, TARGET]),
            ["a.yaml:6:23: AlertPolicy fast-burn: spec.alertWhenBreaching must be true or false, not 'sometimes'"]
        );
        assert_eq!(
            errors(&[&edit(POLICY, "  alertWhenBreaching: true\n", "  alertWhenBreaching: true\n  alertWhenNoData: 1\n"), CONDITION, TARGET]),
            ["a.yaml:7:20: AlertPolicy fast-burn: spec.alertWhenNoData must be true or false, not '1'"]
        );
    }

    #[test]
    fn an_slo_names_its_policies_or_holds_them_inline() {
        let others = [SLI, POLICY, CONDITION, TARGET];
        let rules = |policies: &str| {
            let mut files = vec![slo_with(policies)];
            files.extend(others.iter().map(ToString::to_string));
            let texts: Vec<&str> = files.iter().map(String::as_str).collect();
            valid(&texts).slos[0].alerts.len()
        };
        assert_eq!(rules("    - alertPolicyRef: fast-burn\n"), 1);
        // The 2022 JSON schema listed policies by name.
        assert_eq!(rules("    - fast-burn\n"), 1);
        let inline = "    - kind: AlertPolicy\n      metadata: {name: inline-burn}\n      spec:\n        conditions: [{conditionRef: fast-burn}]\n        notificationTargets: [{targetRef: on-call}]\n";
        assert_eq!(rules(inline), 1);
        // An empty list: no alerts.
        let none = format!("{SLO_REF}  alertPolicies: []\n");
        assert!(valid(&[&none, SLI]).slos[0].alerts.is_empty());
        // None named: the default policy.
        assert_eq!(valid(&[SLO_REF, SLI]).slos[0].alerts.len(), 3);
        assert_eq!(
            errors(&[&slo_with("    - alertPolicyRef: fast-burn\n"), SLI]),
            ["a.yaml:15:23: SLO checkout: spec.alertPolicies[0].alertPolicyRef refers to AlertPolicy `fast-burn`, which none of the files loaded defines; the files loaded define no AlertPolicy (pass the file that does too)"]
        );
        assert_eq!(
            errors(&[&slo_with("    - fast-burn\n"), SLI]),
            ["a.yaml:15:7: SLO checkout: spec.alertPolicies[0] refers to AlertPolicy `fast-burn`, which none of the files loaded defines; the files loaded define no AlertPolicy (pass the file that does too)"]
        );
        assert_eq!(
            errors(&[&slo_with(&inline.replace("    - kind:", "    - alertPolicyRef: fast-burn\n      kind:")), SLI, POLICY, CONDITION, TARGET]),
            ["a.yaml:15:7: SLO checkout: spec.alertPolicies[0] gives both alertPolicyRef and an inline policy; give one"]
        );
        assert_eq!(
            errors(&[&slo_with("    - {}\n"), SLI]),
            ["a.yaml:15:7: SLO checkout: spec.alertPolicies[0] must be alertPolicyRef: NAME or an inline AlertPolicy (kind, metadata, spec)"]
        );
    }

    #[test]
    fn zero_durations_are_a_number_of_zeros_and_a_unit() {
        for zero in ["0m", "0h", "00d", "0Y"] {
            assert!(is_zero_shorthand(zero), "{zero}");
        }
        for other in ["0", "m", "5m", "0s", "0.0m", "-0m"] {
            assert!(!is_zero_shorthand(other), "{other}");
        }
    }
}
