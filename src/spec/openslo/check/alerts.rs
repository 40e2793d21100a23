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
