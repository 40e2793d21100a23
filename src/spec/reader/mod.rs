//! The layer both spec languages read their YAML through.
//!
//! A native spec and an OpenSLO document are both positioned YAML ([`super::yaml`]) checked key
//! by key, and both must report every problem of a file with its `file:line:column`, not just the
//! first. A [`Checker`] collects those problems — and notes, things worth knowing that are not
//! errors — for one file, and reads the shapes both languages are made of: mappings with known
//! keys (and a "did you mean" for the unknown ones), lists and single values.
//!
//! Some values are written the same way in both languages, because OpenSLO's `slo.logs` metric
//! source embeds `slo`'s own syntax: expressions and field names ([`expression`]), windows
//! ([`window`]), and where and how to read the logs ([`source`]). Their readers live here too, so
//! that neither language module depends on the other.

mod expression;
mod source;
mod window;

use std::path::Path;

use super::yaml::{Node, Position, Value};
use super::{Location, SpecError};
use crate::suggest::closest;

pub(in crate::spec) use expression::field_path;
pub(in crate::spec) use source::lexically_normal;

/// Checks the documents of one spec file, collecting every problem with its position.
pub(in crate::spec) struct Checker<'f> {
    /// The spec file.
    pub(in crate::spec) file: &'f Path,
    /// The spec's lines, to place errors inside multi-line expressions.
    lines: Vec<&'f str>,
    /// The problems found so far.
    pub(in crate::spec) errors: Vec<SpecError>,
    /// Notes for the user: what is read differently from what its author may expect.
    pub(in crate::spec) notes: Vec<SpecError>,
}

impl<'f> Checker<'f> {
    /// A checker for `file`, whose text is `text`.
    pub(in crate::spec) fn new(file: &'f Path, text: &'f str) -> Checker<'f> {
        Checker {
            file,
            lines: text.lines().collect(),
            errors: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Records a note at `position`, once however often the same part is read.
    pub(in crate::spec) fn note(&mut self, position: Position, message: impl Into<String>) {
        let note = SpecError {
            file: self.file.to_path_buf(),
            line: position.line,
            column: position.column,
            message: message.into(),
        };
        // The same part of a document can be read for several SLO objectives.
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

impl Checker<'_> {
    /// Records an error at `position`.
    pub(in crate::spec) fn error(&mut self, position: Position, message: impl Into<String>) {
        self.errors.push(SpecError {
            file: self.file.to_path_buf(),
            line: position.line,
            column: position.column,
            message: message.into(),
        });
    }

    /// `position` in this checker's file.
    pub(in crate::spec) fn location(&self, position: Position) -> Location {
        Location {
            file: self.file.to_path_buf(),
            line: position.line,
            column: position.column,
        }
    }

    /// The entries of a mapping (`what`, for messages) whose keys are all `known` names, each
    /// once; every other key is reported, with the closest known one as a suggestion.
    pub(in crate::spec) fn mapping<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
        known: &[&str],
    ) -> Option<Vec<(&'n str, &'n Node)>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "{what} must be a mapping of keys to values, not {}",
                    node.kind()
                ),
            );
            return None;
        };
        let mut result: Vec<(&str, &Node)> = Vec::new();
        for (key, value) in entries {
            let Some(name) = key.as_scalar() else {
                self.error(
                    key.position,
                    format!("keys of {what} must be names, not {}", key.kind()),
                );
                continue;
            };
            if name == "<<" {
                self.error(
                    key.position,
                    format!("YAML merge keys (`<<`) are not supported in {what}; put settings shared by several SLOs under `defaults:`"),
                );
                continue;
            }
            if !known.contains(&name) {
                let hint = match closest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys: {}", known.join(", ")),
                };
                self.error(
                    key.position,
                    format!("unknown key `{name}` in {what}; {hint}"),
                );
                continue;
            }
            if result.iter().any(|(k, _)| *k == name) {
                self.error(
                    key.position,
                    format!("key `{name}` appears twice in {what}"),
                );
                continue;
            }
            result.push((name, value));
        }
        Some(result)
    }

    /// The items of a list.
    pub(in crate::spec) fn sequence<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
    ) -> Option<&'n [Node]> {
        match &node.value {
            Value::Sequence(items) => Some(items),
            _ => {
                self.error(
                    node.position,
                    format!("{what} must be a list, not {}", node.kind()),
                );
                None
            }
        }
    }

    /// The text of a single value that is not null.
    pub(in crate::spec) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        match &node.value {
            Value::Scalar { text, .. } if !node.is_null() => Some(text.clone()),
            _ => {
                self.error(
                    node.position,
                    format!("{what} must be a single value, not {}", node.kind()),
                );
                None
            }
        }
    }
}
