//! A native SLO's `latency`: the field whose percentiles each result reports beside traffic
//! and errors (the golden signals), with the unit of its bare numbers.

use crate::expr::{FieldUnit, TimeUnit};
use crate::input::InputFormat;
use crate::spec::reader::{field_path, Checker};
use crate::spec::yaml::{Node, Value};
use crate::spec::{Latency, Source};

const LATENCY_KEYS: &[&str] = &["field", "unit"];

impl Checker<'_> {
    /// `latency: FIELD` or `latency: {field: FIELD, unit: UNIT}`, for logs read by `source`;
    /// `None` when it is wrong (reported).
    pub(in crate::spec) fn latency(&mut self, node: &Node, source: &Source) -> Option<Latency> {
        let latency = self.latency_value(node)?;
        let at = match &node.value {
            Value::Mapping(entries) => entries
                .iter()
                .find(|(k, _)| k.as_scalar() == Some("field"))
                .map_or(node.position, |(_, v)| v.position),
            _ => node.position,
        };
        if let Some(message) = source
            .format
            .lacks_field(&latency.field, "so no latency would be read")
        {
            // Not a unit problem as well: the field is not there at all.
            self.missing_field(at, message);
            return Some(latency);
        }
        if let Some(problem) = unknown_unit(&latency, source) {
            self.error(at, problem);
            return None;
        }
        Some(latency)
    }

    /// `latency` as written, its unit not yet checked against a source (see [`unknown_unit`]).
    pub(in crate::spec) fn latency_value(&mut self, node: &Node) -> Option<Latency> {
        let (field_node, unit_node) = match &node.value {
            Value::Mapping(_) => {
                let entries = self.mapping(node, "`latency`", LATENCY_KEYS)?;
                let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
                let Some(field) = get("field") else {
                    self.error(
                        node.position,
                        "`latency` needs its `field`: latency: {field: latency_ms, unit: ms}",
                    );
                    return None;
                };
                (field, get("unit"))
            }
            _ => (node, None),
        };
        let text = self.string(field_node, "the `latency` field")?;
        let field = match field_path(&text) {
            Ok(field) => field,
            Err(message) => {
                self.error(field_node.position, message);
                return None;
            }
        };
        let unit = match unit_node {
            Some(unit_node) => {
                let text = self.string(unit_node, "the `latency` unit")?;
                match TimeUnit::parse(&text) {
                    Some(unit) => Some(unit),
                    None => {
                        self.error(
                            unit_node.position,
                            format!("unknown unit '{text}' for `latency`: use ns, us (or µs), ms, s, m (minutes) or h"),
                        );
                        return None;
                    }
                }
            }
            None => None,
        };
        Some(Latency { field, unit })
    }
}

/// Why the latencies of `latency` could not be read from logs read by `source`: its bare
/// numbers would have no known unit, and be left out of the percentiles row by row. `None`
/// when the unit is written, declared in `source.units` or documented by the format, or when
/// the format's values may carry their own unit (JSON, logfmt).
pub(in crate::spec) fn unknown_unit(latency: &Latency, source: &Source) -> Option<String> {
    let known = match latency.field_unit(source, &source.format) {
        FieldUnit::Known(_) => true,
        FieldUnit::PerRow => source.format != InputFormat::Auto,
        FieldUnit::Unitless => false,
    };
    let field = &latency.field;
    (!known).then(|| {
        format!(
            "`{field}` has no known unit, so its latencies cannot be read: write latency: {{field: {field}, unit: ms}} (the unit its log writes bare numbers in), or declare it in source.units"
        )
    })
}
