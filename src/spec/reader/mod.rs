//! The layer both spec languages read their YAML through.
//!
//! A native spec and an OpenSLO document are both positioned YAML ([`super::yaml`]) checked key
//! by key, and both must report every problem of a file with its `file:line:column`, not just the
//! first. A [`Checker`] collects those problems — and notes, things worth knowing that are not
//! errors — for one file. The rules for the shapes both languages are made of live here once:
//! mappings whose keys are checked against the known ones ([`check_keys`], with a "did you
//! mean" for the unknown ones), lists and single values. Each language words the problems in its
//! own vocabulary: a native spec speaks of keys, an OpenSLO object of fields under its name.
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
    /// Fields the source's log format cannot have (see `SpecSet::missing_fields`).
    pub(in crate::spec) missing_fields: Vec<SpecError>,
}

impl<'f> Checker<'f> {
    /// A checker for `file`, whose text is `text`.
    pub(in crate::spec) fn new(file: &'f Path, text: &'f str) -> Checker<'f> {
        Checker {
            file,
            lines: text.lines().collect(),
            errors: Vec::new(),
            notes: Vec::new(),
            missing_fields: Vec::new(),
        }
    }

    /// Records a note at `position`, once however often the same part is read.
    pub(in crate::spec) fn note(&mut self, position: Position, message: impl Into<String>) {
        // The same part of a document can be read for several SLO objectives.
        let note = self.at(position, message);
        push_once(&mut self.notes, note);
    }
}

impl Checker<'_> {
    /// `message` at `position` in this checker's file.
    fn at(&self, position: Position, message: impl Into<String>) -> SpecError {
        SpecError {
            file: self.file.to_path_buf(),
            line: position.line,
            column: position.column,
            message: message.into(),
        }
    }

    /// Records an error at `position`.
    pub(in crate::spec) fn error(&mut self, position: Position, message: impl Into<String>) {
        let error = self.at(position, message);
        self.errors.push(error);
    }

    /// Records at `position` a field that the source's log format cannot have, once.
    pub(in crate::spec) fn missing_field(
        &mut self,
        position: Position,
        message: impl Into<String>,
    ) {
        let problem = self.at(position, message);
        push_once(&mut self.missing_fields, problem);
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
        let keys = check_keys(entries, known, false);
        for (at, problem) in keys.problems {
            let message = match problem {
                KeyProblem::NotAName(key) => {
                    format!("keys of {what} must be names, not {}", key.kind())
                }
                KeyProblem::MergeKey => format!("the merge key (`<<`) in {what} merges no mapping: give it an alias of one (`<<: *common`) or a list of them; settings shared by several SLOs can also go under `defaults:`"),
                KeyProblem::Unknown { name, hint } => {
                    format!("unknown key `{name}` in {what}; {hint}")
                }
                KeyProblem::Repeated(name) => format!("key `{name}` appears twice in {what}"),
            };
            self.error(at, message);
        }
        Some(keys.entries.into_iter().map(|(k, v, _)| (k, v)).collect())
    }

    /// The items of a list.
    pub(in crate::spec) fn sequence<'n>(
        &mut self,
        node: &'n Node,
        what: &str,
    ) -> Option<&'n [Node]> {
        list(node, what)
            .map_err(|message| self.error(node.position, message))
            .ok()
    }

    /// The text of a single value that is not null.
    pub(in crate::spec) fn string(&mut self, node: &Node, what: &str) -> Option<String> {
        single_value(node, what)
            .map(str::to_string)
            .map_err(|message| self.error(node.position, message))
            .ok()
    }
}

/// How a key of a mapping breaks the rules of the place the mapping is written in.
#[derive(Debug)]
pub(in crate::spec) enum KeyProblem<'n> {
    /// The key is not a scalar; this is it.
    NotAName(&'n Node),
    /// `<<`, a YAML merge key, which `slo` does not expand.
    MergeKey,
    /// A key the place does not know.
    Unknown {
        /// The key as written.
        name: &'n str,
        /// `did you mean `KEY`?` for the closest known key, or the list of known keys.
        hint: String,
    },
    /// A key written a second time.
    Repeated(&'n str),
}

/// A mapping's entries, read against the keys its place allows.
#[derive(Debug)]
pub(in crate::spec) struct CheckedKeys<'n> {
    /// Key, value and where the key is, for each key that breaks no rule, in the order written.
    pub(in crate::spec) entries: Vec<(&'n str, &'n Node, Position)>,
    /// Where and how each other key breaks a rule, in the order written.
    pub(in crate::spec) problems: Vec<(Position, KeyProblem<'n>)>,
}

/// Checks the keys of a mapping: names, no merge keys, each once, and — unless `allow_unknown` —
/// only `known` ones. Both spec languages word the problems their own way.
pub(in crate::spec) fn check_keys<'n>(
    entries: &'n [(Node, Node)],
    known: &[&str],
    allow_unknown: bool,
) -> CheckedKeys<'n> {
    let mut checked = CheckedKeys {
        entries: Vec::new(),
        problems: Vec::new(),
    };
    for (key, value) in entries {
        let problem = match key.as_scalar() {
            None => KeyProblem::NotAName(key),
            Some("<<") => KeyProblem::MergeKey,
            Some(name) if checked.entries.iter().any(|(k, _, _)| *k == name) => {
                KeyProblem::Repeated(name)
            }
            Some(name) if !allow_unknown && !known.contains(&name) => {
                let hint = match closest(name, known.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!("known keys: {}", known.join(", ")),
                };
                KeyProblem::Unknown { name, hint }
            }
            Some(name) => {
                checked.entries.push((name, value, key.position));
                continue;
            }
        };
        checked.problems.push((key.position, problem));
    }
    checked
}

/// The items of a list, or what to say about `what` when `node` is not one.
pub(in crate::spec) fn list<'n>(node: &'n Node, what: &str) -> Result<&'n [Node], String> {
    match &node.value {
        Value::Sequence(items) => Ok(items),
        _ => Err(format!("{what} must be a list, not {}", node.kind())),
    }
}

/// The text of a single value that is not null, or what to say about `what` otherwise.
pub(in crate::spec) fn single_value<'n>(node: &'n Node, what: &str) -> Result<&'n str, String> {
    match &node.value {
        Value::Scalar { text, .. } if !node.is_null() => Ok(text),
        _ => Err(format!(
            "{what} must be a single value, not {}",
            node.kind()
        )),
    }
}

/// Adds `problem` to `problems` unless it is there already.
fn push_once(problems: &mut Vec<SpecError>, problem: SpecError) {
    if !problems.contains(&problem) {
        problems.push(problem);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::yaml::parse_documents;

    fn mapping(text: &str) -> Node {
        parse_documents(text).unwrap().remove(0)
    }

    #[test]
    fn keys_are_checked_in_the_order_written() {
        let node = mapping("name: a\n[x]: 1\n<<: 5\nnme: b\nname: c\nzzz: d\n");
        let Value::Mapping(entries) = &node.value else {
            panic!("not a mapping")
        };
        let checked = check_keys(entries, &["name", "objective"], false);
        let names: Vec<&str> = checked.entries.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(names, ["name"]);
        let problems: Vec<(usize, String)> = checked
            .problems
            .iter()
            .map(|(at, problem)| {
                let what = match problem {
                    KeyProblem::NotAName(key) => format!("not a name: {}", key.kind()),
                    KeyProblem::MergeKey => "merge key".to_string(),
                    KeyProblem::Unknown { name, hint } => format!("unknown {name}: {hint}"),
                    KeyProblem::Repeated(name) => format!("repeated {name}"),
                };
                (at.line, what)
            })
            .collect();
        assert_eq!(
            problems,
            [
                (2, "not a name: a list".to_string()),
                (3, "merge key".to_string()),
                (4, "unknown nme: did you mean `name`?".to_string()),
                (5, "repeated name".to_string()),
                (6, "unknown zzz: known keys: name, objective".to_string()),
            ]
        );
    }

    #[test]
    fn unknown_keys_can_be_allowed_but_not_repeated() {
        let node = mapping("a: 1\nb: 2\nb: 3\n");
        let Value::Mapping(entries) = &node.value else {
            panic!("not a mapping")
        };
        let checked = check_keys(entries, &["a"], true);
        let names: Vec<&str> = checked.entries.iter().map(|(k, _, _)| *k).collect();
        assert_eq!(names, ["a", "b"]);
        assert!(matches!(
            checked.problems.as_slice(),
            [(Position { line: 3, column: 1 }, KeyProblem::Repeated("b"))]
        ));
    }

    #[test]
    fn single_values_and_lists() {
        let node = mapping("a: x\nb: ~\nc: [1]\n");
        let Value::Mapping(entries) = &node.value else {
            panic!("not a mapping")
        };
        assert_eq!(single_value(&entries[0].1, "`a`"), Ok("x"));
        assert_eq!(
            single_value(&entries[1].1, "`b`"),
            Err("`b` must be a single value, not nothing (null)".to_string())
        );
        assert_eq!(list(&entries[2].1, "`c`").map(<[Node]>::len), Ok(1));
        assert_eq!(
            list(&entries[0].1, "`a`").map(<[Node]>::len),
            Err("`a` must be a list, not a scalar".to_string())
        );
    }
}
