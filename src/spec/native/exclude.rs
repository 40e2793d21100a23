//! `exclude`: intervals `[from, to)` whose events count nowhere — planned maintenance, a known
//! bad load test — written on an SLO, under `defaults`, or in a file of their own
//! (`--exclude FILE`, read by [`load_exclusions`](crate::spec::load_exclusions)).

use crate::spec::reader::Checker;
use crate::spec::yaml::Node;
use crate::spec::{Exclusion, Location, Slo, SpecError};
use crate::time::{format_rfc3339, humanize_seconds, parse_instant};

const EXCLUSION_KEYS: &[&str] = &["from", "to", "reason"];

impl Checker<'_> {
    /// An `exclude` list; `None` when anything in it is wrong (reported).
    pub(in crate::spec) fn exclusions(&mut self, node: &Node) -> Option<Vec<Exclusion>> {
        let items = self.sequence(node, "`exclude`")?;
        let errors_before = self.errors.len();
        let mut exclusions = Vec::new();
        for item in items {
            let Some(entries) = self.mapping(item, "an exclusion", EXCLUSION_KEYS) else {
                continue;
            };
            let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            let mut instant = |key: &str| match get(key) {
                Some(value) => {
                    let text = self.string(value, &format!("`{key}`"))?;
                    match parse_instant(&text) {
                        Ok(instant) => Some((instant, value.position)),
                        Err(message) => {
                            self.error(value.position, format!("`{key}`: {message}"));
                            None
                        }
                    }
                }
                None => {
                    self.error(
                        item.position,
                        format!("this exclusion has no `{key}`: write {{from: 2026-10-02T17:00:00Z, to: 2026-10-02T18:00:00Z, reason: database migration}}"),
                    );
                    None
                }
            };
            let from = instant("from");
            let to = instant("to");
            let reason = get("reason").and_then(|v| self.string(v, "`reason`"));
            let (Some((from, _)), Some((to, to_at))) = (from, to) else {
                continue;
            };
            if to <= from {
                self.error(
                    to_at,
                    format!(
                        "this exclusion ends at {} but starts at {}: `to` must come after `from` (the interval is [from, to))",
                        format_rfc3339(to),
                        format_rfc3339(from)
                    ),
                );
                continue;
            }
            exclusions.push(Exclusion {
                from,
                to,
                reason,
                defined_at: self.location(item.position),
            });
        }
        (self.errors.len() == errors_before).then_some(exclusions)
    }
}

/// What is worth knowing about the exclusions of `slo`, each at the exclusion it concerns: an
/// exclusion that overlaps another (both still apply: their union is excluded), and one longer
/// than a window of the SLO, which leaves that window without events while it covers it.
pub(in crate::spec) fn exclusion_notes(slo: &Slo) -> Vec<SpecError> {
    let note = |at: &Location, message: String| SpecError {
        file: at.file.clone(),
        line: at.line,
        column: at.column,
        message,
    };
    let mut notes = Vec::new();
    for (i, exclusion) in slo.exclude.iter().enumerate() {
        for earlier in &slo.exclude[..i] {
            if exclusion.from < earlier.to && earlier.from < exclusion.to {
                notes.push(note(
                    &exclusion.defined_at,
                    format!(
                        "SLO {}: the exclusion {} overlaps the one at {} ({}); both apply, so their union is excluded",
                        slo.name,
                        exclusion.label(),
                        earlier.defined_at,
                        earlier.label()
                    ),
                ));
            }
        }
        let length = exclusion.to - exclusion.from;
        let shorter: Vec<String> = slo
            .windows
            .iter()
            .filter(|window| window.nominal_nanos() < length)
            .map(crate::spec::Window::label)
            .collect();
        if !shorter.is_empty() {
            let (windows, covered) = match shorter.as_slice() {
                [one] => (format!("window {one}"), "the window"),
                _ => (format!("windows {}", shorter.join(", ")), "one of them"),
            };
            notes.push(note(
                &exclusion.defined_at,
                format!(
                    "SLO {}: the exclusion {} lasts {}, longer than its {windows}: while it covers {covered}, that window holds no events (no_data)",
                    slo.name,
                    exclusion.label(),
                    humanize_seconds(length as f64 / 1e9),
                ),
            ));
        }
    }
    notes
}
