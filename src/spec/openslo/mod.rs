//! OpenSLO documents (<https://github.com/OpenSLO/OpenSLO>): `apiVersion: openslo/v1` objects
//! of kinds SLO, SLI, AlertPolicy, AlertCondition, AlertNotificationTarget, Service and
//! DataSource, and the older `openslo/v1alpha` SLO and Service that Sloth reads.
//!
//! OpenSLO describes SLOs over metrics kept elsewhere (Prometheus, Datadog, …); `slo` computes
//! them from request logs. The bridge is a metric source type of our own, `slo.logs`, whose
//! `spec` holds expressions in the language of `filter`/`good`/`bad` (see docs/openslo.md).
//! Documents whose metrics come from another source validate like any other, and are listed as
//! [`Uncomputable`](super::Uncomputable) so that `report` and `check` can say why they cannot
//! compute them.
//!
//! Loading runs in three passes over every file of a run, because objects refer to each other
//! by name across files:
//! 1. [`Collector::add_document`] reads each object's header (apiVersion, kind, metadata);
//! 2. [`check`] checks each object's `spec` by kind, data sources first, so that what refers to
//!    something finds it already checked;
//! 3. [`build`] turns each SLO objective into an [`Slo`](super::Slo).
//!
//! Errors follow the OpenSLO v1 rules (as the spec text and its Go SDK state them) and name the
//! object and the field path, such as `SLO checkout: spec.objectives[0].target`.

mod build;
mod check;
mod shorthand;
pub mod write;

use std::collections::HashMap;

use super::objective::without_exponent;
use super::reader::{check_keys, list, single_value, Checker, KeyProblem};
use super::yaml::{Node, Position, Value};
use super::{Location, Slo, Uncomputable};
use crate::suggest::closest;

pub(crate) use shorthand::Shorthand;

/// The metric source type `slo` defines for request logs.
pub const LOGS_TYPE: &str = "slo.logs";
/// The `source` of an OpenSLO v1alpha metric that `slo` computes from request logs.
pub const V1ALPHA_LOGS_SOURCE: &str = "slo";
/// The `queryType` that goes with [`V1ALPHA_LOGS_SOURCE`].
pub const V1ALPHA_LOGS_QUERY_TYPE: &str = "logs";
/// The prefix of the annotations `slo` reads and writes for what OpenSLO cannot say.
pub const ANNOTATION_PREFIX: &str = "slo/";
/// Longest description OpenSLO allows.
const MAX_DESCRIPTION: usize = 1050;

/// The OpenSLO version an object is written against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Api {
    V1,
    V1alpha,
}

/// The kinds of OpenSLO object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(super) enum Kind {
    Slo,
    Sli,
    AlertPolicy,
    AlertCondition,
    AlertNotificationTarget,
    Service,
    DataSource,
}

const KINDS: [(&str, Kind); 7] = [
    ("SLO", Kind::Slo),
    ("SLI", Kind::Sli),
    ("AlertPolicy", Kind::AlertPolicy),
    ("AlertCondition", Kind::AlertCondition),
    ("AlertNotificationTarget", Kind::AlertNotificationTarget),
    ("Service", Kind::Service),
    ("DataSource", Kind::DataSource),
];

impl Kind {
    fn parse(text: &str) -> Option<Kind> {
        KINDS
            .iter()
            .find(|(name, _)| *name == text)
            .map(|(_, k)| *k)
    }

    pub(super) fn as_str(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("?", |(name, _)| name)
    }
}

/// Whether a mapping is an OpenSLO object `slo` reads (`apiVersion: openslo/v1` or
/// `openslo/v1alpha`).
pub(super) fn is_openslo(node: &Node) -> bool {
    let Value::Mapping(entries) = &node.value else {
        return false;
    };
    entries.iter().any(|(k, v)| {
        k.as_scalar() == Some("apiVersion")
            && matches!(v.as_scalar(), Some("openslo/v1" | "openslo/v1alpha"))
    })
}

/// An object's `metadata`.
#[derive(Debug, Clone, Default)]
pub(super) struct Metadata {
    pub name: String,
    pub display_name: Option<String>,
    /// Annotations, with where each value was written.
    pub annotations: Vec<(String, String, Position)>,
}

impl Metadata {
    /// The value of the `slo/KEY` annotation, with where it was written.
    pub fn annotation(&self, key: &str) -> Option<(&str, Position)> {
        self.annotations
            .iter()
            .find(|(k, _, _)| k.strip_prefix(ANNOTATION_PREFIX) == Some(key))
            .map(|(_, v, at)| (v.as_str(), *at))
    }
}

/// An object whose header has been read, waiting for its `spec` to be checked.
pub(super) struct Object<'n> {
    pub file: usize,
    pub api: Api,
    pub kind: Kind,
    pub metadata: Metadata,
    /// Where the object starts.
    pub at: Position,
    /// Its `spec`, unless absent or null.
    pub spec: Option<&'n Node>,
}

/// Gathers the OpenSLO objects of every file of a run.
#[derive(Default)]
pub(super) struct Collector<'n> {
    objects: Vec<Object<'n>>,
}

/// What the OpenSLO objects of a run amount to.
pub(super) struct Built {
    /// Computable SLOs, with the index of their file.
    pub slos: Vec<(usize, Slo)>,
    /// Valid SLOs that cannot be computed from logs, with the index of their file.
    pub uncomputable: Vec<(usize, Uncomputable)>,
    /// Where each Service and AlertNotificationTarget is, named: objects slo reads no figure
    /// from, which `convert --to openslo` does not write again.
    pub not_carried: Vec<(usize, Location, String)>,
}

impl<'n> Collector<'n> {
    /// Reads the objects of one YAML document: a single object or a list of them.
    pub fn add_document(&mut self, checker: &mut Checker, file: usize, node: &'n Node) {
        match &node.value {
            Value::Sequence(items) => {
                for (index, item) in items.iter().enumerate() {
                    if is_openslo(item) {
                        self.add_object(checker, file, item);
                    } else {
                        let what = super::foreign::foreign_format(item)
                            .unwrap_or_else(|| format!("{}, not an OpenSLO object", item.kind()));
                        checker.error(
                            item.position,
                            format!(
                                "item {index} of this list of OpenSLO objects looks like {what}; slo \
                                 reads OpenSLO objects of apiVersion openslo/v1 and openslo/v1alpha"
                            ),
                        );
                    }
                }
            }
            _ => self.add_object(checker, file, node),
        }
    }

    fn add_object(&mut self, checker: &mut Checker, file: usize, node: &'n Node) {
        let Value::Mapping(entries) = &node.value else {
            return;
        };
        let api = match entries
            .iter()
            .find(|(k, _)| k.as_scalar() == Some("apiVersion"))
            .and_then(|(_, v)| v.as_scalar())
        {
            Some("openslo/v1alpha") => Api::V1alpha,
            _ => Api::V1,
        };
        // What the object is called, for the messages about its header.
        let mut reader = ObjectReader::new(checker, "OpenSLO object".to_string());
        let known: &[&str] = &["apiVersion", "kind", "metadata", "spec"];
        let map = reader.map_lenient(node, "", known, api == Api::V1alpha);
        let Some(map) = map else { return };
        let kind = match map.get("kind") {
            Some(value) => match reader.string(value, "kind") {
                Some(text) => match Kind::parse(&text) {
                    Some(kind)
                        if api == Api::V1alpha && !matches!(kind, Kind::Slo | Kind::Service) =>
                    {
                        reader.error(
                            value.position,
                            format!(
                                "kind {text} does not exist in openslo/v1alpha, which has SLO and \
                                 Service; write apiVersion: openslo/v1"
                            ),
                        );
                        None
                    }
                    Some(kind) => Some(kind),
                    None => {
                        let names = KINDS.iter().map(|(n, _)| *n);
                        let hint = closest(&text, names)
                            .map(|s| format!("; did you mean {s}?"))
                            .unwrap_or_default();
                        reader.error(
                            value.position,
                            format!(
                                "unknown kind `{text}`: OpenSLO v1 has SLO, SLI, AlertPolicy, \
                                 AlertCondition, AlertNotificationTarget, Service and DataSource{hint}"
                            ),
                        );
                        None
                    }
                },
                None => None,
            },
            None => {
                reader.error(node.position, "kind is required (SLO, SLI, Service, …)");
                None
            }
        };
        let Some(kind) = kind else { return };
        reader.ctx = kind.as_str().to_string();
        let metadata = match map.get("metadata") {
            Some(value) => reader.metadata(value, "metadata"),
            None => {
                reader.error(node.position, "metadata is required, with at least a name");
                None
            }
        };
        let spec = map.get("spec");
        if spec.is_none() && kind != Kind::Service {
            reader.error(node.position, "spec is required");
        }
        if api == Api::V1alpha {
            for (key, _, at) in &map.entries {
                if !known.contains(key) {
                    reader.checker.note(
                        *at,
                        format!(
                            "`{key}` beside `spec` is not part of OpenSLO (slogen, for one, keeps \
                             its own settings there); slo ignores it"
                        ),
                    );
                }
            }
        }
        let Some(metadata) = metadata else { return };
        self.objects.push(Object {
            file,
            api,
            kind,
            metadata,
            at: node.position,
            spec,
        });
    }

    /// Checks every object and builds the SLOs.
    pub fn build(self, checkers: &mut [Checker]) -> Built {
        // The same name twice within a kind is ambiguous for references (and for results, for
        // SLOs). Services are only ever named, never read, so several may share a name, as in
        // the Go SDK's own examples.
        let mut first: HashMap<(Kind, &str), usize> = HashMap::new();
        let mut unique = Vec::new();
        for (index, object) in self.objects.iter().enumerate() {
            if object.kind == Kind::Service {
                unique.push(object);
                continue;
            }
            match first.get(&(object.kind, object.metadata.name.as_str())) {
                Some(&earlier) => {
                    let earlier = &self.objects[earlier];
                    let at = checkers[earlier.file].location(earlier.at);
                    checkers[object.file].error(
                        object.at,
                        format!(
                            "{} {} is defined twice; the first is at {at}",
                            object.kind.as_str(),
                            object.metadata.name
                        ),
                    );
                }
                None => {
                    first.insert((object.kind, object.metadata.name.as_str()), index);
                    unique.push(object);
                }
            }
        }
        let not_carried = unique
            .iter()
            .filter(|o| matches!(o.kind, Kind::Service | Kind::AlertNotificationTarget))
            .map(|o| {
                let what = format!("{} {}", o.kind.as_str(), o.metadata.name);
                (o.file, checkers[o.file].location(o.at), what)
            })
            .collect();
        let index = check::check_all(&unique, checkers);
        Built {
            not_carried,
            ..build::build_all(index, checkers)
        }
    }
}

/// A mapping whose keys have been checked.
pub(super) struct Map<'n> {
    /// Key, value and where the key is.
    pub entries: Vec<(&'n str, &'n Node, Position)>,
}

impl<'n> Map<'n> {
    /// The value of `key`, unless absent or null (OpenSLO reads null as absent).
    pub fn get(&self, key: &str) -> Option<&'n Node> {
        self.entries
            .iter()
            .find(|(k, v, _)| *k == key && !v.is_null())
            .map(|(_, v, _)| *v)
    }

    /// Whether `key` is written, even with a null value.
    pub fn has(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _, _)| *k == key)
    }

    /// Where `key` is, when it is written with a null value.
    pub fn null_at(&self, key: &str) -> Option<Position> {
        self.entries
            .iter()
            .find(|(k, v, _)| *k == key && v.is_null())
            .map(|(_, _, at)| *at)
    }
}

/// Reads the nodes of one object through its file's [`Checker`], with the shared getters of
/// [`reader`](super::reader), reporting problems as "KIND NAME: PATH …".
pub(super) struct ObjectReader<'c, 'f> {
    pub checker: &'c mut Checker<'f>,
    /// What is being read, such as `SLO checkout`.
    pub ctx: String,
}

impl<'c, 'f> ObjectReader<'c, 'f> {
    pub fn new(checker: &'c mut Checker<'f>, ctx: String) -> ObjectReader<'c, 'f> {
        ObjectReader { checker, ctx }
    }

    pub fn error(&mut self, at: Position, message: impl AsRef<str>) {
        let text = format!("{}: {}", self.ctx, message.as_ref());
        self.checker.error(at, text);
    }

    pub fn note(&mut self, at: Position, message: impl AsRef<str>) {
        let text = format!("{}: {}", self.ctx, message.as_ref());
        self.checker.note(at, text);
    }

    /// Reads with the file's [`Checker`], whose readers (shared with native specs) word their
    /// errors without an object, and names this object in each error they report.
    pub fn in_object<T>(&mut self, read: impl FnOnce(&mut Checker<'f>) -> T) -> T {
        let before = self.checker.errors.len();
        let missing_before = self.checker.missing_fields.len();
        let value = read(self.checker);
        for error in self.checker.errors[before..]
            .iter_mut()
            .chain(&mut self.checker.missing_fields[missing_before..])
        {
            error.message = format!("{}: {}", self.ctx, error.message);
        }
        value
    }

    pub fn location(&self, at: Position) -> Location {
        self.checker.location(at)
    }

    pub fn error_count(&self) -> usize {
        self.checker.errors.len()
    }

    /// A mapping with only `known` keys.
    pub fn map<'n>(&mut self, node: &'n Node, path: &str, known: &[&str]) -> Option<Map<'n>> {
        self.map_lenient(node, path, known, false)
    }

    /// A mapping; unknown keys are errors unless `allow_unknown`.
    fn map_lenient<'n>(
        &mut self,
        node: &'n Node,
        path: &str,
        known: &[&str],
        allow_unknown: bool,
    ) -> Option<Map<'n>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!("{} must be a mapping, not {}", describe(path), node.kind()),
            );
            return None;
        };
        let keys = check_keys(entries, known, allow_unknown);
        for (at, problem) in keys.problems {
            let message = match problem {
                KeyProblem::NotAName(_) => format!("keys of {} must be names", describe(path)),
                KeyProblem::MergeKey => format!(
                    "the merge key (`<<`) in {} merges no mapping: give it an alias of one (`<<: *common`) or a list of them",
                    describe(path)
                ),
                KeyProblem::Repeated(name) => {
                    format!("key `{name}` appears twice in {}", describe(path))
                }
                KeyProblem::Unknown { name, hint } => {
                    format!("unknown field `{}`; {hint}", join(path, name))
                }
            };
            self.error(at, message);
        }
        Some(Map {
            entries: keys.entries,
        })
    }

    /// The value of a required key; an error when absent or null.
    pub fn require<'n>(
        &mut self,
        map: &Map<'n>,
        at: Position,
        path: &str,
        key: &str,
        hint: &str,
    ) -> Option<&'n Node> {
        let value = map.get(key);
        if value.is_none() {
            self.error(at, format!("{} is required{hint}", join(path, key)));
        }
        value
    }

    /// The text of a single value that is not null.
    pub fn string(&mut self, node: &Node, path: &str) -> Option<String> {
        single_value(node, path)
            .map(str::to_string)
            .map_err(|message| self.error(node.position, message))
            .ok()
    }

    /// A number (`0.99`, `-1`, `200`), as written, or in plain notation where it was written
    /// with an exponent (`9.99e-1` is `0.999`), as YAML, JSON and Go's encoders allow.
    pub fn number(&mut self, node: &Node, path: &str) -> Option<String> {
        let plain = |text: &str| {
            if is_plain_decimal(text) {
                Some(text.to_string())
            } else {
                without_exponent(text).filter(|plain| is_plain_decimal(plain))
            }
        };
        match &node.value {
            Value::Scalar {
                text,
                quoted: false,
            } if plain(text).is_some() => plain(text),
            Value::Scalar { text, quoted: true } if plain(text).is_some() => {
                self.error(
                    node.position,
                    format!(
                        "{path} must be a number, not the string \"{text}\"; remove the quotes"
                    ),
                );
                None
            }
            _ => {
                self.error(
                    node.position,
                    format!(
                        "{path} must be a number written as a plain decimal (such as 0.99), not {}",
                        if node.is_null() || !matches!(node.value, Value::Scalar { .. }) {
                            node.kind().to_string()
                        } else {
                            format!("'{}'", node.as_scalar().unwrap_or_default())
                        }
                    ),
                );
                None
            }
        }
    }

    pub fn boolean(&mut self, node: &Node, path: &str) -> Option<bool> {
        match &node.value {
            Value::Scalar {
                text,
                quoted: false,
            } => match text.as_str() {
                "true" | "True" | "TRUE" => Some(true),
                "false" | "False" | "FALSE" => Some(false),
                _ => {
                    self.error(
                        node.position,
                        format!("{path} must be true or false, not '{text}'"),
                    );
                    None
                }
            },
            _ => {
                self.error(
                    node.position,
                    format!("{path} must be true or false, not {}", node.kind()),
                );
                None
            }
        }
    }

    /// An object name: an RFC 1123 label.
    pub fn name(&mut self, node: &Node, path: &str) -> Option<String> {
        let text = self.string(node, path)?;
        match check_name(&text) {
            Ok(()) => Some(text),
            Err(message) => {
                self.error(node.position, format!("{path}: {message}"));
                None
            }
        }
    }

    /// A description of at most 1050 characters.
    pub fn description(&mut self, node: &Node, path: &str) -> Option<String> {
        let text = self.string(node, path)?;
        let length = text.chars().count();
        if length > MAX_DESCRIPTION {
            self.error(
                node.position,
                format!(
                    "{path} is {length} characters long; OpenSLO allows at most {MAX_DESCRIPTION}"
                ),
            );
            return None;
        }
        Some(text)
    }

    pub fn shorthand(&mut self, node: &Node, path: &str) -> Option<Shorthand> {
        let text = self.string(node, path)?;
        match Shorthand::parse(&text) {
            Ok(duration) => Some(duration),
            Err(message) => {
                self.error(node.position, format!("{path}: {message}"));
                None
            }
        }
    }

    /// The items of a list.
    pub fn sequence<'n>(&mut self, node: &'n Node, path: &str) -> Option<&'n [Node]> {
        list(node, path)
            .map_err(|message| self.error(node.position, message))
            .ok()
    }

    /// An object's `metadata`: name, displayName, labels, annotations.
    pub fn metadata(&mut self, node: &Node, path: &str) -> Option<Metadata> {
        let before = self.checker.errors.len();
        let map = self.map(
            node,
            path,
            &["name", "displayName", "labels", "annotations"],
        )?;
        let read_fields = self.checker.errors.len();
        // A name that breaks the rules is reported, and still names the object so that the
        // rest of it is checked too.
        let name = self
            .require(&map, node.position, path, "name", "")
            .and_then(|value| {
                let text = self.string(value, &join(path, "name"))?;
                if let Err(message) = check_name(&text) {
                    self.error(value.position, format!("{path}.name: {message}"));
                }
                Some(text)
            });
        if let Some(name) = &name {
            let unnamed = format!("{}: ", self.ctx);
            self.ctx = format!("{} {name}", self.ctx);
            // Unknown fields of metadata are found before its name is read; they name the
            // object too.
            let named = format!("{}: ", self.ctx);
            for error in &mut self.checker.errors[before..read_fields] {
                if let Some(rest) = error.message.strip_prefix(&unnamed) {
                    error.message = format!("{named}{rest}");
                }
            }
        }
        let display_name = map
            .get("displayName")
            .and_then(|value| self.string(value, &join(path, "displayName")));
        if let Some(labels) = map.get("labels") {
            self.labels(labels, &join(path, "labels"));
        }
        let mut annotations = Vec::new();
        if let Some(node) = map.get("annotations") {
            let path = join(path, "annotations");
            if let Value::Mapping(entries) = &node.value {
                for (key, value) in entries {
                    let Some(key_text) = key.as_scalar() else {
                        self.error(key.position, format!("keys of {path} must be names"));
                        continue;
                    };
                    if let Err(message) = check_annotation_key(key_text) {
                        self.error(key.position, format!("{path}: {message}"));
                    }
                    if let Some(text) = self.string(value, &format!("{path}.{key_text}")) {
                        annotations.push((key_text.to_string(), text, value.position));
                    }
                }
            } else {
                self.error(
                    node.position,
                    format!("{path} must be a mapping of names to text"),
                );
            }
        }
        Some(Metadata {
            name: name?,
            display_name,
            annotations,
        })
    }

    fn labels(&mut self, node: &Node, path: &str) {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!("{path} must be a mapping of names to text"),
            );
            return;
        };
        for (key, value) in entries {
            let Some(key_text) = key.as_scalar() else {
                self.error(key.position, format!("keys of {path} must be names"));
                continue;
            };
            if !is_label_key(key_text) {
                self.error(
                    key.position,
                    format!(
                        "{path}: label `{key_text}` must be at most 63 letters, digits, '-', '_' \
                         or '.', starting and ending with a letter or digit"
                    ),
                );
            }
            let item_path = format!("{path}.{key_text}");
            match &value.value {
                Value::Sequence(items) => {
                    for item in items {
                        self.string(item, &item_path);
                    }
                }
                _ => {
                    self.string(value, &item_path);
                }
            }
        }
    }
}

/// `a.b` from a path and a key; the key alone at the top.
pub(super) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn describe(path: &str) -> String {
    if path.is_empty() {
        "an OpenSLO object".to_string()
    } else {
        path.to_string()
    }
}

fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.bytes().all(|b| b.is_ascii_digit())
        && !(digits.contains('.') && fraction.is_empty())
}

/// Checks an OpenSLO name: an RFC 1123 label, as the spec requires every implementation to
/// support and the OpenSLO Go SDK enforces.
pub(crate) fn check_name(text: &str) -> Result<(), String> {
    let ok = !text.is_empty()
        && text.len() <= 63
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !text.starts_with('-')
        && !text.ends_with('-');
    if ok {
        return Ok(());
    }
    let slug = slug(text);
    let hint = if slug.is_empty() || slug == text {
        String::new()
    } else {
        format!(" (such as {slug})")
    };
    Err(format!(
        "'{text}' is not a valid OpenSLO name: names are RFC 1123 labels, at most 63 lowercase \
         letters, digits and '-', starting and ending with a letter or digit{hint}"
    ))
}

/// A name made into an RFC 1123 label: lowercase, other characters as `-`, at most 63.
pub(crate) fn slug(text: &str) -> String {
    let mut out = String::new();
    for c in text.chars() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let mut out: String = out.trim_end_matches('-').chars().take(63).collect();
    while out.ends_with('-') {
        out.pop();
    }
    out
}

fn is_label_key(text: &str) -> bool {
    let bytes = text.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 63
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Annotation keys: an optional DNS-subdomain prefix and `/`, then a name like a label key.
fn check_annotation_key(text: &str) -> Result<(), String> {
    let (prefix, name) = match text.rsplit_once('/') {
        Some((prefix, name)) => (Some(prefix), name),
        None => (None, text),
    };
    let prefix_ok = prefix.is_none_or(|p| {
        !p.is_empty()
            && p.len() <= 253
            && p.split('.').all(|part| {
                !part.is_empty()
                    && part.len() <= 63
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
                    && !part.starts_with('-')
                    && !part.ends_with('-')
            })
    });
    if prefix_ok && is_label_key(name) {
        Ok(())
    } else {
        Err(format!(
            "annotation `{text}` must be a name (letters, digits, '-', '_', '.') with an optional \
             DNS-subdomain prefix and '/', such as example.com/dashboard"
        ))
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::spec::{Budgeting, Judgement, SpecSet};

    fn load(text: &str) -> (SpecSet, Vec<String>) {
        let mut errors = Vec::new();
        let set = super::super::load::load_sources(
            &[(PathBuf::from("t.yaml"), text.to_string())],
            &mut errors,
        );
        (set, errors.iter().map(ToString::to_string).collect())
    }

    /// An SLO over request logs with `window` (a timeWindow item) and objectives.
    fn slo(window: &str, method: &str, objectives: &str) -> String {
        format!(
            "apiVersion: openslo/v1
kind: SLO
metadata: {{name: api}}
spec:
  service: api
  indicator:
    metadata: {{name: api}}
    spec:
      ratioMetric:
        good: {{metricSource: {{type: slo.logs, spec: {{filter: status < 500}}}}}}
        total: {{metricSource: {{type: slo.logs, spec: {{filter: 'true'}}}}}}
{window}  budgetingMethod: {method}
  objectives:
{objectives}"
        )
    }

    #[test]
    fn windows_map_onto_rolling_and_calendar_windows() {
        let cases = [
            ("  timeWindow: [{duration: 28d, isRolling: true}]\n", "28d"),
            ("  timeWindow: [{duration: 1M, isRolling: true}]\n", "30d"),
            ("  timeWindow: [{duration: 1w, calendar: {startTime: '2024-01-01 00:00:00', timeZone: Europe/Berlin}}]\n", "week Europe/Berlin"),
            ("  timeWindow: [{duration: 1Q, isRolling: false, calendar: {startTime: '2024-04-01 00:00:00', timeZone: UTC}}]\n", "quarter"),
        ];
        for (window, label) in cases {
            let (set, errors) = load(&slo(window, "Occurrences", "    - target: 0.999\n"));
            assert!(errors.is_empty(), "{errors:?}");
            assert_eq!(set.slos[0].windows[0].label(), label);
            assert_eq!(set.slos[0].objective.as_written(), "99.9");
        }
        let cases = [
            ("  timeWindow: [{duration: 1d, calendar: {startTime: '2024-01-01 12:30:00', timeZone: UTC}}]\n", "slo's calendar periods start at midnight"),
            ("  timeWindow: [{duration: 1w, calendar: {startTime: '2024-01-02 00:00:00', timeZone: UTC}}]\n", "at midnight on a Monday"),
            ("  timeWindow: [{duration: 2M, calendar: {startTime: '2024-01-01 00:00:00', timeZone: UTC}}]\n", "calendar window is 2M long"),
            ("", "it has no time window"),
        ];
        for (window, reason) in cases {
            let (set, errors) = load(&slo(window, "Occurrences", "    - target: 0.999\n"));
            assert!(errors.is_empty(), "{errors:?}");
            assert!(set.slos.is_empty());
            assert!(
                set.uncomputable[0].reason.contains(reason),
                "{:?}",
                set.uncomputable
            );
        }
    }

    #[test]
    fn time_slices_and_objectives() {
        let window = "  timeWindow: [{duration: 1d, isRolling: true}]\n";
        let (set, errors) = load(&slo(
            window,
            "Timeslices",
            "    - {displayName: Internal, target: 0.9995, timeSliceTarget: 0.95, timeSliceWindow: 5}\n    - {targetPercent: 99, timeSliceTarget: 1, timeSliceWindow: 1m}\n",
        ));
        assert!(errors.is_empty(), "{errors:?}");
        let names: Vec<&str> = set.slos.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["api/internal", "api/2"]);
        let Budgeting::Timeslices(slice) = &set.slos[0].budgeting else {
            panic!("{:?}", set.slos[0].budgeting)
        };
        assert_eq!(slice.length.as_written(), "5m");
        assert_eq!(slice.objective.as_ref().map(|p| p.as_written()), Some("95"));
        assert_eq!(set.slos[0].objective.as_written(), "99.95");
        let (set, _) = load(&slo(
            window,
            "RatioTimeslices",
            "    - {target: 0.99, timeSliceWindow: 2h}\n",
        ));
        assert!(set.uncomputable[0]
            .reason
            .contains("does not divide an hour"));
    }

    #[test]
    fn a_threshold_field_is_compared_with_op_and_value() {
        let text = "apiVersion: openslo/v1
kind: SLO
metadata: {name: latency}
spec:
  service: api
  indicator:
    metadata: {name: latency}
    spec:
      thresholdMetric:
        metricSource: {type: slo.logs, spec: {field: latency_ms, groupBy: route}}
  timeWindow: [{duration: 7d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{op: lte, value: 300, target: 0.99}]
";
        let (set, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        let Judgement::Good(condition) = &set.slos[0].judgement else {
            panic!("not good")
        };
        assert_eq!(condition.text, "latency_ms <= 300");
        assert!(set.slos[0].filter.is_none());
        assert_eq!(set.slos[0].group_by[0].to_string(), "route");
    }

    #[test]
    fn numbers_written_with_an_exponent_are_read_exactly() {
        let text = slo(
            "  timeWindow: [{duration: 28d, isRolling: true}]\n",
            "Occurrences",
            "    - target: 9.99e-1\n",
        );
        let (set, errors) = load(&text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(set.slos[0].objective.as_written(), "99.9");
        // Quoted, it is a string, as a plain decimal would be.
        let (_, errors) = load(&text.replace("9.99e-1", "'9.99e-1'"));
        assert!(
            errors.iter().any(|e| e.contains("remove the quotes")),
            "{errors:?}"
        );
    }

    #[test]
    fn an_slo_in_hour_slices_without_alert_policies_gets_the_default_policy_fitted() {
        let text = slo(
            "  timeWindow: [{duration: 30d, isRolling: true}]\n",
            "Timeslices",
            "    - {target: 0.99, timeSliceTarget: 0.95, timeSliceWindow: 1h}\n",
        );
        let (set, errors) = load(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let rules: Vec<(&str, &str)> = set.slos[0]
            .alerts
            .iter()
            .map(|r| (r.long.as_written(), r.short.as_written()))
            .collect();
        assert_eq!(rules, [("6h", "1h"), ("3d", "6h")]);
        let notes: Vec<String> = set.notes.iter().map(ToString::to_string).collect();
        assert!(
            notes.iter().any(|n| n.contains("SLO api: with 1h time slices the default alert policy leaves out page 2 % over 1h/5m")),
            "{notes:?}"
        );
    }

    #[test]
    fn burn_rate_conditions_become_alert_rules() {
        let window = "  timeWindow: [{duration: 30d, isRolling: true}]\n";
        let text = format!(
            "{}  alertPolicies:
    - kind: AlertPolicy
      metadata: {{name: p}}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {{name: c, annotations: {{slo/short-window: 20m}}}}
            spec: {{severity: ticket, condition: {{kind: burnrate, op: gt, threshold: 6, lookbackWindow: 6h}}}}
        notificationTargets: [{{kind: AlertNotificationTarget, metadata: {{name: t}}, spec: {{target: email}}}}]
",
            slo(window, "Occurrences", "    - target: 0.999\n")
        );
        let (set, errors) = load(&text);
        assert!(errors.is_empty(), "{errors:?}");
        let rule = &set.slos[0].alerts[0];
        assert_eq!(rule.severity, crate::spec::Severity::Ticket);
        assert_eq!(rule.threshold_text(), "6×");
        // 6× over 6h of 30 days is 5 % of the budget, as the default policy's page.
        assert_eq!(rule.threshold(30 * 86_400_000_000_000), 6.0);
        assert_eq!(
            (rule.long.as_written(), rule.short.as_written()),
            ("6h", "20m")
        );
        assert!(set.notes.is_empty(), "{:?}", set.notes);
    }

    #[test]
    fn v1alpha_windows_without_is_rolling_are_rolling() {
        let text = "apiVersion: openslo/v1alpha
kind: SLO
metadata: {name: sloth}
spec:
  service: s
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good: {source: slo, queryType: logs, query: status < 500}
        total: {source: slo, queryType: logs, query: 'true'}
      target: 0.999
  timeWindows: [{count: 30, unit: Day}]
";
        let (set, errors) = load(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(set.slos[0].windows[0].label(), "30d");
        assert!(set.slos[0].filter.is_none());
    }

    #[test]
    fn names_are_rfc_1123_labels() {
        assert!(check_name("checkout-availability").is_ok());
        assert!(check_name("a").is_ok());
        for bad in ["", "My Service", "-a", "a-", "a_b", "A", &"a".repeat(64)] {
            assert!(check_name(bad).is_err(), "{bad} accepted");
        }
        assert!(check_name("TheServiceName")
            .unwrap_err()
            .contains("such as theservicename"));
        assert_eq!(slug("Foo Total Errors!"), "foo-total-errors");
    }

    #[test]
    fn keys_of_labels_and_annotations() {
        assert!(is_label_key("team"));
        assert!(is_label_key("cost.Centre_1"));
        assert!(!is_label_key("-x"));
        assert!(check_annotation_key("openslo.com/service-folder").is_ok());
        assert!(check_annotation_key("slo/short-window").is_ok());
        assert!(check_annotation_key("connection_type").is_ok());
        assert!(check_annotation_key("Bad_Prefix/x").is_err());
    }

    #[test]
    fn plain_decimals() {
        for ok in ["0", "0.99", "-1", "200", "99.95"] {
            assert!(is_plain_decimal(ok), "{ok}");
        }
        for bad in ["", ".5", "1.", "1e3", "0x10", "- 1", "1,5"] {
            assert!(!is_plain_decimal(bad), "{bad}");
        }
    }
}
