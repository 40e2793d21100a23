//! One native SLO: its keys checked and turned into an [`Slo`], with what it does not write
//! taken from `defaults`.

use std::sync::Arc;

use super::budgeting::SliceSetting;
use super::Defaults;
use crate::expr::FieldPath;
use crate::spec::reader::{field_path, Checker};
use crate::spec::yaml::{Node, Value};
use crate::spec::{
    default_alerts, default_alerts_in_slices, left_out_of_the_default_policy, Budgeting, Judgement,
    Objective, Slo, Source,
};

const SLO_KEYS: &[&str] = &[
    "name",
    "description",
    "service",
    "objective",
    "windows",
    "filter",
    "good",
    "bad",
    "group_by",
    "budgeting",
    "timeslice",
    "alerts",
    "sla",
    "min_events",
    "policy",
    "exclude",
    "latency",
];

impl Checker<'_> {
    /// One item of `slos`; `None`, with errors, when anything in it is wrong.
    pub(super) fn slo(
        &mut self,
        node: &Node,
        defaults: &Defaults,
        source: &Arc<Source>,
    ) -> Option<Slo> {
        let entries = self.mapping(node, "an SLO", SLO_KEYS)?;
        let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
        let errors_before = self.errors.len();

        let name = match get("name") {
            Some(value) => self.string(value, "`name`").and_then(|name| {
                if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c.is_control()) {
                    self.error(
                        value.position,
                        format!("SLO name '{name}' must be non-empty and hold no spaces; use dashes, e.g. checkout-availability"),
                    );
                    None
                } else {
                    Some(name)
                }
            }),
            None => {
                self.error(node.position, "this SLO has no `name`");
                None
            }
        };
        let description = get("description").and_then(|v| self.string(v, "`description`"));
        let service = get("service").and_then(|v| self.string(v, "`service`"));
        let objective = match get("objective") {
            Some(value) => self.percentage_key(value, "objective"),
            None => {
                self.error(
                    node.position,
                    "this SLO has no `objective` (a percentage such as 99.9)",
                );
                None
            }
        };
        let sla = match get("sla") {
            Some(value) => self
                .percentage_key(value, "sla")
                .map(|sla| Some((sla, value))),
            None => Some(None),
        };
        let sla = match (sla, &objective) {
            (Some(Some((sla, at))), Some(objective)) if sla.is_above(objective) => {
                self.error(
                    at.position,
                    format!(
                        "sla {} is above this SLO's objective {}: the SLA, what customers are \
                         promised, must be at most the objective the team holds itself to; \
                         did you swap them? (objective: {}, sla: {})",
                        sla.as_written(),
                        objective.as_written(),
                        sla.as_written(),
                        objective.as_written()
                    ),
                );
                None
            }
            (Some(Some((sla, _))), _) => Some(Some(sla)),
            (Some(None), Some(objective)) => match &defaults.sla {
                Some((sla, at)) if sla.is_above(objective) => {
                    let objective_at = get("objective").map_or(node.position, |n| n.position);
                    self.error(
                        objective_at,
                        format!(
                            "this SLO's objective {} is below the sla {} it takes from \
                             `defaults` (line {}): the SLA must be at most the objective; raise \
                             the objective, or give this SLO an `sla` of its own",
                            objective.as_written(),
                            sla.as_written(),
                            at.line
                        ),
                    );
                    None
                }
                inherited => Some(inherited.as_ref().map(|(sla, _)| sla.clone())),
            },
            (Some(None), None) => Some(None),
            (None, _) => None,
        };
        let windows = match get("windows") {
            Some(value) => self.windows(value),
            None => match &defaults.windows {
                Some(windows) => Some(windows.clone()),
                None => {
                    self.error(
                        node.position,
                        "this SLO has no `windows` (e.g. windows: [30d, 7d]) and `defaults` gives none",
                    );
                    None
                }
            },
        };
        let filter = get("filter").and_then(|v| self.condition(v, "filter", source));
        let judgement = match (get("good"), get("bad")) {
            (Some(good), None) => self.condition(good, "good", source).map(Judgement::Good),
            (None, Some(bad)) => self.condition(bad, "bad", source).map(Judgement::Bad),
            (Some(_), Some(bad)) => {
                self.error(bad.position, "give either `good` or `bad`, not both");
                None
            }
            (None, None) => {
                self.error(
                    node.position,
                    "this SLO says neither which events are `good` nor which are `bad` (e.g. good: status < 500)",
                );
                None
            }
        };
        let group_by = match get("group_by") {
            Some(value) => self.group_by(value, source),
            None => Some(Vec::new()),
        };
        let budgeting_name = match get("budgeting") {
            Some(value) => self.budgeting_name(value).map(|n| (n, value.position)),
            None => Some(
                defaults
                    .budgeting
                    .clone()
                    .unwrap_or(("occurrences".to_string(), node.position)),
            ),
        };
        let timeslice = match get("timeslice") {
            Some(value) => self.timeslice(value).map(|slice| {
                Some(SliceSetting {
                    slice,
                    at: value.position,
                    inherited: false,
                })
            }),
            None => Some(defaults.timeslice.clone().map(|(slice, at)| SliceSetting {
                slice,
                at,
                inherited: true,
            })),
        };
        let budgeting = match (budgeting_name, timeslice) {
            (Some((name, at)), Some(timeslice)) => self.budgeting(&name, at, timeslice),
            _ => None,
        };
        let min_events = match get("min_events") {
            Some(value) => self.min_events(value),
            None => Some(defaults.min_events.unwrap_or(0)),
        };
        // An SLO's own exclusions add to those of `defaults`: each is an interval whose events
        // cannot be trusted, whoever wrote it.
        let exclude = match get("exclude") {
            Some(value) => self
                .exclusions(value)
                .map(|own| defaults.exclude.iter().cloned().chain(own).collect()),
            None => Some(defaults.exclude.clone()),
        };
        let latency = match get("latency") {
            Some(value) => self.latency(value, source).map(Some),
            None => Some(defaults.latency.clone()),
        };
        let policy = match get("policy") {
            Some(value) => self.policy(value).map(Some),
            None => Some(defaults.policy.clone()),
        };
        let alerts = match (get("alerts"), &defaults.alerts, &budgeting) {
            (Some(value), _, _) => self.alerts(value),
            (None, Some(alerts), _) => Some(alerts.clone()),
            (
                None,
                None,
                Some(Budgeting::Timeslices(slice) | Budgeting::RatioTimeslices(slice)),
            ) => {
                let (kept, left_out) = default_alerts_in_slices(slice.length.seconds());
                if !left_out.is_empty() {
                    self.note(
                        node.position,
                        left_out_of_the_default_policy(&left_out, &slice.length),
                    );
                }
                Some(kept)
            }
            (None, None, _) => Some(default_alerts()),
        };
        if let (
            Some(Budgeting::Timeslices(slice) | Budgeting::RatioTimeslices(slice)),
            Some(windows),
            Some(alerts),
        ) = (&budgeting, &windows, &alerts)
        {
            self.check_slice_alignment(node.position, slice, windows, alerts);
        }
        if let (Some(windows), Some(alerts)) = (&windows, &alerts) {
            let at = get("alerts")
                .or_else(|| get("windows"))
                .map_or(node.position, |n| n.position);
            self.check_alert_scale(at, windows, alerts);
        }
        if self.errors.len() > errors_before {
            return None;
        }
        Some(Slo {
            name: name?,
            description,
            service,
            objective: objective?,
            sla: sla?,
            windows: windows?,
            filter,
            judgement: judgement?,
            group_by: group_by?,
            budgeting: budgeting?,
            alerts: alerts?,
            min_events: min_events?,
            policy: policy?,
            exclude: exclude?,
            latency: latency?,
            source: Arc::clone(source),
            defined_at: self.location(node.position),
        })
    }

    /// A percentage key, `objective` or `sla`: a single value between 0 and 100 (not a
    /// fraction).
    pub(in crate::spec) fn percentage_key(&mut self, value: &Node, key: &str) -> Option<Objective> {
        match value.as_scalar() {
            Some(text) => match Objective::parse_as(text, key) {
                Ok(objective) => Some(objective),
                Err(message) => {
                    self.error(value.position, message);
                    None
                }
            },
            None => {
                self.error(
                    value.position,
                    format!(
                        "`{key}` must be a percentage such as 99.9, not {}",
                        value.kind()
                    ),
                );
                None
            }
        }
    }

    /// `min_events`: a whole number of events (0: no minimum).
    pub(in crate::spec) fn min_events(&mut self, value: &Node) -> Option<u64> {
        let text = self.string(value, "`min_events`")?;
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        match text.parse::<u64>() {
            Ok(n) if digits => Some(n),
            _ => {
                self.error(
                    value.position,
                    format!(
                        "min_events '{text}' is not a whole number of events; write one such as 100 (0 for no minimum)"
                    ),
                );
                None
            }
        }
    }

    /// `group_by`: one field or a list of them, none twice.
    fn group_by(&mut self, node: &Node, source: &Source) -> Option<Vec<FieldPath>> {
        let items: Vec<&Node> = match &node.value {
            Value::Sequence(items) => items.iter().collect(),
            _ => vec![node],
        };
        let mut fields = Vec::new();
        let mut ok = true;
        for item in items {
            match self
                .string(item, "a `group_by` field")
                .map(|t| field_path(&t))
            {
                Some(Ok(path)) if fields.contains(&path) => {
                    self.error(
                        item.position,
                        format!("`{path}` is listed twice in group_by"),
                    );
                    ok = false;
                }
                Some(Ok(path)) => {
                    if let Some(message) = source
                        .format
                        .lacks_field(&path, "so every row would be in one group, (missing)")
                    {
                        self.missing_field(item.position, message);
                    }
                    fields.push(path);
                }
                Some(Err(message)) => {
                    self.error(item.position, message);
                    ok = false;
                }
                None => ok = false,
            }
        }
        ok.then_some(fields)
    }
}
