//! Reading spec files into a [`SpecSet`], collecting every problem with its position.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::foreign::foreign_format;
use super::openslo;
use super::reader::{field_path, Checker};
use super::yaml::{self, Node, Position, Value};
use super::{
    default_alerts, AlertRule, Budgeting, Judgement, Location, Objective, Percentage, Severity,
    Slo, Source, SpecError, SpecErrors, SpecSet, Timeslice, Window,
};
use crate::expr::FieldPath;
use crate::suggest::closest;
use crate::time::SpanDuration;

const TOP_KEYS: &[&str] = &["version", "source", "defaults", "slos"];
const DEFAULTS_KEYS: &[&str] = &["windows", "budgeting", "timeslice", "alerts"];
const TIMESLICE_KEYS: &[&str] = &["length", "objective"];
const ALERT_KEYS: &[&str] = &["severity", "budget", "long", "short"];
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
];
/// Largest spec file read; specs are small, and this bounds memory on a wrong path.
const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Expands spec arguments into files: a directory gives its `*.yaml`/`*.yml` files, sorted.
pub fn discover_spec_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, SpecErrors> {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    for path in paths {
        if path.is_dir() {
            match std::fs::read_dir(path) {
                Ok(entries) => {
                    let mut found: Vec<PathBuf> = entries
                        .filter_map(|entry| entry.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.is_file()
                                && matches!(
                                    p.extension().and_then(|e| e.to_str()),
                                    Some("yaml" | "yml")
                                )
                        })
                        .collect();
                    found.sort();
                    if found.is_empty() {
                        errors.push(file_error(
                            path,
                            "this folder holds no *.yaml or *.yml spec file",
                        ));
                    }
                    files.extend(found);
                }
                Err(e) => errors.push(file_error(path, &format!("cannot read folder: {e}"))),
            }
        } else if path.exists() {
            files.push(path.clone());
        } else {
            errors.push(file_error(path, "no such spec file or folder"));
        }
    }
    if errors.is_empty() {
        Ok(files)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Loads spec files, checking everything; returns every problem found.
pub fn load_files(files: &[PathBuf]) -> Result<SpecSet, SpecErrors> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match read_spec(file) {
            Ok(text) => sources.push((file.clone(), text)),
            Err(message) => errors.push(file_error(file, &message)),
        }
    }
    let mut set = load_sources(&sources, &mut errors);
    set.files = files.to_vec();
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Loads one spec from text already in memory, as if read from `file` (which names it in
/// errors and anchors its relative `source.paths`). A leading byte order mark is ignored.
pub fn load_str(file: &Path, text: &str) -> Result<SpecSet, SpecErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let mut set = load_sources(&[(file.to_path_buf(), text.to_string())], &mut errors);
    set.files = vec![file.to_path_buf()];
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(SpecErrors(errors))
    }
}

/// Checks spec texts (file name and contents) as one set: native specs and OpenSLO documents,
/// whose references resolve across all of them. Problems are appended to `errors`.
pub(super) fn load_sources(sources: &[(PathBuf, String)], errors: &mut Vec<SpecError>) -> SpecSet {
    let mut checkers: Vec<Checker> = sources
        .iter()
        .map(|(file, text)| Checker::new(file, text))
        .collect();
    let documents: Vec<Vec<Node>> = checkers
        .iter_mut()
        .zip(sources)
        .map(|(checker, (_, text))| checker.parse(text))
        .collect();
    // Each SLO with the index of its file, to keep definition order across kinds of spec.
    let mut slos: Vec<(usize, Slo)> = Vec::new();
    let mut collector = openslo::Collector::default();
    for (index, file_documents) in documents.iter().enumerate() {
        let checker = &mut checkers[index];
        for document in file_documents {
            match classify(document) {
                Document::Native => {
                    slos.extend(checker.document(document).into_iter().map(|s| (index, s)));
                }
                Document::OpenSlo => collector.add_document(checker, index, document),
                Document::Foreign(what) => checker.foreign(document.position, &what),
            }
        }
    }
    let built = collector.build(&mut checkers);
    slos.extend(built.slos);
    slos.sort_by_key(|(index, slo)| (*index, slo.defined_at.line, slo.defined_at.column));
    let mut uncomputable = built.uncomputable;
    uncomputable.sort_by_key(|(index, u)| (*index, u.defined_at.line, u.defined_at.column));

    let mut set = SpecSet::default();
    let mut seen: HashMap<String, Location> = HashMap::new();
    let named = slos
        .iter()
        .map(|(_, slo)| (&slo.name, &slo.defined_at))
        .chain(uncomputable.iter().map(|(_, u)| (&u.name, &u.defined_at)));
    let mut duplicates = Vec::new();
    for (name, at) in named {
        match seen.get(name) {
            Some(first) => duplicates.push(SpecError {
                file: at.file.clone(),
                line: at.line,
                column: at.column,
                message: format!(
                    "SLO name '{name}' is already used at {first}; names must be unique across all specs"
                ),
            }),
            None => {
                seen.insert(name.clone(), at.clone());
            }
        }
    }
    for mut checker in checkers {
        // In the order of the file, whatever order the checks ran in.
        checker.errors.sort_by_key(|e| (e.line, e.column));
        errors.extend(checker.errors);
        set.notes.extend(checker.notes);
    }
    errors.extend(duplicates);
    set.slos = slos.into_iter().map(|(_, slo)| slo).collect();
    set.uncomputable = uncomputable.into_iter().map(|(_, u)| u).collect();
    set
}

/// What a YAML document holds.
enum Document {
    /// A native spec (`version: 1`, `slos:`), or something that will be reported as a bad one.
    Native,
    /// One OpenSLO object, or a list of them.
    OpenSlo,
    /// A document written for another tool, described.
    Foreign(String),
}

fn classify(node: &Node) -> Document {
    match &node.value {
        Value::Sequence(items) => {
            let has_api_version = |item: &Node| match &item.value {
                Value::Mapping(entries) => entries
                    .iter()
                    .any(|(k, _)| k.as_scalar() == Some("apiVersion")),
                _ => false,
            };
            if items.iter().any(has_api_version) {
                Document::OpenSlo
            } else {
                Document::Native
            }
        }
        Value::Mapping(_) if openslo::is_openslo(node) => Document::OpenSlo,
        _ => match foreign_format(node) {
            Some(what) => Document::Foreign(what),
            None => Document::Native,
        },
    }
}

fn read_spec(file: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(file).map_err(|e| format!("cannot read spec: {e}"))?;
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(format!(
            "spec file is {} bytes, more than the {MAX_SPEC_BYTES} a spec may have; is this a log file?",
            metadata.len()
        ));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read spec: {e}"))?;
    let bytes = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "spec is not valid UTF-8 (byte {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        )
    })
}

fn file_error(file: &Path, message: &str) -> SpecError {
    SpecError {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        message: message.to_string(),
    }
}

/// Values in `defaults:` that SLOs inherit.
#[derive(Default)]
struct Defaults {
    windows: Option<Vec<Window>>,
    budgeting: Option<(String, Position)>,
    /// The slices, with where they are written.
    timeslice: Option<(Timeslice, Position)>,
    alerts: Option<Vec<AlertRule>>,
}

/// The `timeslice` an SLO has, and whether it wrote it or inherited it from `defaults`.
struct SliceSetting {
    slice: Timeslice,
    at: Position,
    inherited: bool,
}

impl Checker<'_> {
    /// The documents of the file; none, with an error, when it is not YAML or holds nothing.
    fn parse(&mut self, text: &str) -> Vec<Node> {
        match yaml::parse_documents(text) {
            Ok(documents) if documents.is_empty() => {
                self.error(
                    Position { line: 1, column: 1 },
                    "the spec is empty; it needs `version: 1` and a list of `slos:`",
                );
                Vec::new()
            }
            Ok(documents) => documents,
            Err(e) => {
                self.error(e.position, e.message);
                Vec::new()
            }
        }
    }

    fn foreign(&mut self, position: Position, what: &str) {
        self.error(
            position,
            format!(
                "this looks like {what}; slo reads its own specs (version: 1, slos: [...]; see \
                 the README) and OpenSLO documents (apiVersion: openslo/v1 or openslo/v1alpha; \
                 see docs/openslo.md)"
            ),
        );
    }

    fn document(&mut self, node: &Node) -> Vec<Slo> {
        let Some(entries) = self.mapping(node, "the spec", TOP_KEYS) else {
            return Vec::new();
        };
        match entries.iter().find(|(k, _)| *k == "version") {
            None => self.error(node.position, "missing `version: 1` at the top of the spec"),
            Some((_, v)) if v.as_scalar() != Some("1") => self.error(
                v.position,
                format!(
                    "unsupported spec version {}; this slo reads `version: 1`",
                    v.as_scalar().unwrap_or("(not a scalar)")
                ),
            ),
            Some(_) => {}
        }
        let source = match entries.iter().find(|(k, _)| *k == "source") {
            Some((_, node)) => self.source(node),
            None => Source::default(),
        };
        let source = Arc::new(source);
        let defaults = match entries.iter().find(|(k, _)| *k == "defaults") {
            Some((_, node)) => self.defaults(node),
            None => Defaults::default(),
        };
        let Some((_, slos_node)) = entries.iter().find(|(k, _)| *k == "slos") else {
            self.error(
                node.position,
                "missing `slos:`, the list of SLOs this spec defines",
            );
            return Vec::new();
        };
        let Some(items) = self.sequence(slos_node, "`slos`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                slos_node.position,
                "`slos` is empty; define at least one SLO",
            );
        }
        items
            .iter()
            .filter_map(|item| self.slo(item, &defaults, &source))
            .collect()
    }

    fn defaults(&mut self, node: &Node) -> Defaults {
        let mut defaults = Defaults::default();
        let Some(entries) = self.mapping(node, "`defaults`", DEFAULTS_KEYS) else {
            return defaults;
        };
        for (key, value) in entries {
            match key {
                "windows" => defaults.windows = self.windows(value),
                "budgeting" => {
                    defaults.budgeting = self.budgeting_name(value).map(|n| (n, value.position))
                }
                "timeslice" => {
                    defaults.timeslice = self.timeslice(value).map(|t| (t, value.position))
                }
                "alerts" => defaults.alerts = self.alerts(value),
                _ => {}
            }
        }
        defaults
    }

    fn slo(&mut self, node: &Node, defaults: &Defaults, source: &Arc<Source>) -> Option<Slo> {
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
            Some(value) => match value.as_scalar() {
                Some(text) => match Objective::parse(text) {
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
                            "`objective` must be a percentage such as 99.9, not {}",
                            value.kind()
                        ),
                    );
                    None
                }
            },
            None => {
                self.error(
                    node.position,
                    "this SLO has no `objective` (a percentage such as 99.9)",
                );
                None
            }
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
        let filter = get("filter").and_then(|v| self.condition(v, "filter"));
        let judgement = match (get("good"), get("bad")) {
            (Some(good), None) => self.condition(good, "good").map(Judgement::Good),
            (None, Some(bad)) => self.condition(bad, "bad").map(Judgement::Bad),
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
            Some(value) => self.group_by(value),
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
        let alerts = match get("alerts") {
            Some(value) => self.alerts(value),
            None => Some(defaults.alerts.clone().unwrap_or_else(default_alerts)),
        };
        if let (
            Some(Budgeting::Timeslices(slice) | Budgeting::RatioTimeslices(slice)),
            Some(windows),
            Some(alerts),
        ) = (&budgeting, &windows, &alerts)
        {
            let length = slice.length.seconds();
            let rolling = windows.iter().filter_map(|w| match w {
                Window::Rolling(d) => Some(("window", d)),
                Window::Calendar { .. } => None,
            });
            let lookbacks = alerts
                .iter()
                .flat_map(|a| [("alert lookback", &a.long), ("alert lookback", &a.short)]);
            for (what, duration) in rolling.chain(lookbacks) {
                if duration.seconds() % length != 0 {
                    self.error(
                        node.position,
                        format!(
                            "{what} {duration} is not a whole number of {} time slices; use a multiple of the slice length",
                            slice.length
                        ),
                    );
                }
            }
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
            windows: windows?,
            filter,
            judgement: judgement?,
            group_by: group_by?,
            budgeting: budgeting?,
            alerts: alerts?,
            source: Arc::clone(source),
            defined_at: self.location(node.position),
        })
    }

    /// Notes on alerts that cannot work as meant against the SLO's first (rolling) window,
    /// which scales their thresholds (`budget × window ÷ long`): a long lookback that is not
    /// shorter than the window sees no more than the window does, and a threshold below 1×
    /// fires while the budget would outlast the window (`windows: [5m]` under the default
    /// policy pages on any bad request).
    fn check_alert_scale(&mut self, at: Position, windows: &[Window], alerts: &[AlertRule]) {
        let Some(Window::Rolling(window)) = windows.first() else {
            return;
        };
        let mut problems = Vec::new();
        for alert in alerts {
            let threshold =
                alert.budget.ratio() * window.nanos() as f64 / alert.long.nanos() as f64;
            let mut why = Vec::new();
            if alert.long.nanos() >= window.nanos() {
                why.push("its long lookback is not shorter than the window".to_string());
            }
            if threshold < 1.0 {
                why.push(format!(
                    "its threshold (budget × window ÷ long lookback) is {}×, below 1×",
                    significant(threshold)
                ));
            }
            if !why.is_empty() {
                problems.push(format!(
                    "{} {} over {}/{}: {}",
                    alert.severity.as_str(),
                    alert.budget,
                    alert.long,
                    alert.short,
                    why.join(" and ")
                ));
            }
        }
        if !problems.is_empty() {
            self.note(
                at,
                format!(
                    "with a first window of {window}, these alerts fire on a burn rate at which \
                     the budget outlasts the window (for a short window, on almost any bad \
                     event): {}; set `alerts:` with lookbacks shorter than the window, or \
                     `alerts: []`",
                    problems.join("; ")
                ),
            );
        }
    }

    fn budgeting_name(&mut self, node: &Node) -> Option<String> {
        let text = self.string(node, "`budgeting`")?;
        let known = ["occurrences", "timeslices", "ratio_timeslices"];
        if known.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = closest(&text, known)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        self.error(
            node.position,
            format!(
                "unknown budgeting `{text}`: use occurrences, timeslices or ratio_timeslices{hint}"
            ),
        );
        None
    }

    /// The budgeting `name` (written at `at`) with its slices. A `timeslice` inherited from
    /// `defaults` is a default like any other: an SLO budgeted by occurrences has no use for it
    /// and ignores it; only one the SLO wrote itself is a mistake there.
    fn budgeting(
        &mut self,
        name: &str,
        at: Position,
        timeslice: Option<SliceSetting>,
    ) -> Option<Budgeting> {
        match (name, timeslice) {
            ("occurrences", Some(setting)) if !setting.inherited => {
                self.error(
                    setting.at,
                    "`timeslice` applies only to `budgeting: timeslices` or `ratio_timeslices`",
                );
                None
            }
            ("occurrences", _) => Some(Budgeting::Occurrences),
            ("timeslices", Some(setting)) if setting.slice.objective.is_none() => {
                if setting.inherited {
                    self.error(
                        at,
                        format!("`budgeting: timeslices` needs the slice objective, and the `timeslice` inherited from `defaults` (line {}) has none: give this SLO its own, e.g. timeslice: {{length: {}, objective: 95}}", setting.at.line, setting.slice.length),
                    );
                } else {
                    self.error(
                        setting.at,
                        "`budgeting: timeslices` needs the slice objective: timeslice: {length: 1m, objective: 95}",
                    );
                }
                None
            }
            ("timeslices", Some(setting)) => Some(Budgeting::Timeslices(setting.slice)),
            (_, Some(setting)) => Some(Budgeting::RatioTimeslices(setting.slice)),
            (_, None) => {
                self.error(
                    at,
                    format!("`budgeting: {name}` needs `timeslice: {{length: 1m, objective: 95}}`"),
                );
                None
            }
        }
    }

    fn timeslice(&mut self, node: &Node) -> Option<Timeslice> {
        let entries = self.mapping(node, "`timeslice`", TIMESLICE_KEYS)?;
        let errors_before = self.errors.len();
        let mut length = None;
        let mut objective = None;
        for (key, value) in entries {
            let Some(text) = self.string(value, &format!("`timeslice.{key}`")) else {
                continue;
            };
            match key {
                "length" => match SpanDuration::parse(&text) {
                    Ok(duration) if 3600 % duration.seconds() == 0 => length = Some(duration),
                    Ok(duration) => self.error(
                        value.position,
                        format!("timeslice length {duration} must divide one hour evenly (e.g. 1m, 5m, 10m, 1h), so that burn rates over 1h count whole slices"),
                    ),
                    Err(message) => self.error(value.position, message),
                },
                _ => match Percentage::parse(&text, "slice objective") {
                    Ok(p) if p.numerator() > 0 && p.numerator() <= p.denominator() => objective = Some(p),
                    Ok(_) => self.error(value.position, format!("slice objective '{text}' must be above 0 and at most 100 (percent)")),
                    Err(message) => self.error(value.position, message),
                },
            }
        }
        if length.is_none() && self.errors.len() == errors_before {
            self.error(
                node.position,
                "`timeslice` needs a `length`, e.g. {length: 1m, objective: 95}",
            );
        }
        Some(Timeslice {
            length: length?,
            objective,
        })
    }

    pub(super) fn alerts(&mut self, node: &Node) -> Option<Vec<AlertRule>> {
        let items = self.sequence(node, "`alerts`")?;
        let errors_before = self.errors.len();
        let mut rules = Vec::new();
        for item in items {
            let Some(entries) = self.mapping(item, "an alert", ALERT_KEYS) else {
                continue;
            };
            let get = |name: &str| entries.iter().find(|(k, _)| *k == name).map(|(_, v)| *v);
            let mut missing = Vec::new();
            let severity = match get("severity") {
                Some(value) => match self.string(value, "`severity`").as_deref() {
                    Some("page") => Some(Severity::Page),
                    Some("ticket") => Some(Severity::Ticket),
                    Some(other) => {
                        self.error(
                            value.position,
                            format!("unknown severity `{other}`: use page or ticket"),
                        );
                        None
                    }
                    None => None,
                },
                None => {
                    missing.push("severity");
                    None
                }
            };
            let budget = match get("budget") {
                Some(value) => self.string(value, "`budget`").and_then(|text| {
                    match Percentage::parse(&text, "budget") {
                        Ok(budget) if budget.numerator() > 0 && budget.numerator() <= budget.denominator() => Some(budget),
                        Ok(_) => {
                            self.error(value.position, format!("budget '{text}' must be above 0 % and at most 100 % of the error budget"));
                            None
                        }
                        Err(message) => {
                            self.error(value.position, message);
                            None
                        }
                    }
                }),
                None => {
                    missing.push("budget");
                    None
                }
            };
            let mut lookback = |key: &'static str, missing: &mut Vec<&str>| match get(key) {
                Some(value) => self.string(value, &format!("`{key}`")).and_then(|text| {
                    SpanDuration::parse(&text)
                        .map_err(|message| self.error(value.position, message))
                        .ok()
                }),
                None => {
                    missing.push(key);
                    None
                }
            };
            let long = lookback("long", &mut missing);
            let short = lookback("short", &mut missing);
            if !missing.is_empty() {
                self.error(
                    item.position,
                    format!(
                        "this alert lacks {}; write e.g. {{severity: page, budget: 2%, long: 1h, short: 5m}}",
                        missing.join(", ")
                    ),
                );
            }
            if let (Some(long), Some(short)) = (&long, &short) {
                if short.seconds() >= long.seconds() {
                    self.error(
                        item.position,
                        format!("the short lookback ({short}) must be shorter than the long one ({long})"),
                    );
                    continue;
                }
            }
            if let (Some(severity), Some(budget), Some(long), Some(short)) =
                (severity, budget, long, short)
            {
                rules.push(AlertRule {
                    severity,
                    budget,
                    long,
                    short,
                });
            }
        }
        (self.errors.len() == errors_before).then_some(rules)
    }

    fn group_by(&mut self, node: &Node) -> Option<Vec<FieldPath>> {
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
                Some(Ok(path)) => fields.push(path),
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

/// `value` with two significant digits (`0.0017`, `0.93`, `14`), for rates in messages.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return value.to_string();
    }
    let decimals = (1 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::reader::lexically_normal;

    fn check(text: &str) -> (Vec<Slo>, Vec<SpecError>) {
        let mut errors = Vec::new();
        let set = load_sources(
            &[(PathBuf::from("specs/test.yaml"), text.to_string())],
            &mut errors,
        );
        (set.slos, errors)
    }

    fn errors(text: &str) -> Vec<String> {
        check(text).1.iter().map(ToString::to_string).collect()
    }

    const GOOD: &str = "\
version: 1
source:
  paths: [../logs/a.csv]
  timestamp: {field: ts, format: unix_ms, timezone: Europe/Berlin}
defaults:
  windows: [30d]
slos:
  - name: checkout-availability
    service: checkout
    objective: 99.9
    windows: [30d, 7d, 1h30m]
    filter: service == \"checkout\"
    good: status < 500
    group_by: [route, http.method]
  - name: latency
    objective: \"99%\"
    bad: latency_ms > 300
";

    #[test]
    fn loads_a_complete_spec() {
        let (slos, errors) = check(GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(slos.len(), 2);
        let a = &slos[0];
        assert_eq!(a.name, "checkout-availability");
        assert_eq!(a.objective.numerator(), 999);
        assert_eq!(a.windows.len(), 3);
        assert_eq!(a.windows[2].label(), "1h30m");
        assert_eq!(a.group_by[1].0, vec!["http", "method"]);
        assert_eq!(a.source.paths, vec![PathBuf::from("logs/a.csv")]);
        assert_eq!(
            lexically_normal(Path::new("../a/./b/../c")),
            PathBuf::from("../a/c")
        );
        assert_eq!(lexically_normal(Path::new("/x/../y")), PathBuf::from("/y"));
        assert_eq!(a.source.timestamp.field.0, vec!["ts"]);
        assert_eq!(a.defined_at.line, 8);
        let b = &slos[1];
        assert_eq!(
            b.windows,
            vec![Window::Rolling(SpanDuration::parse("30d").unwrap())]
        );
        assert!(matches!(b.judgement, Judgement::Bad(_)));
        assert!(b.filter.is_none());
    }

    #[test]
    fn unknown_key_suggests_the_known_one() {
        let errs = errors(
            "version: 1\nslos:\n  - name: a\n    objetive: 99.9\n    windows: [7d]\n    good: ok\n",
        );
        assert!(
            errs.iter().any(
                |e| e.starts_with("specs/test.yaml:4:5: unknown key `objetive`")
                    && e.contains("did you mean `objective`?")
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn fraction_objective_hints_percent() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 0.999\n    windows: [7d]\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:4:16: objective '0.999' is below 1 %"),
            "{errs:?}"
        );
        assert!(errs[0].contains("did you mean 99.9?"));
    }

    #[test]
    fn reports_every_problem() {
        let errs = errors(
            "version: 1\nslos:\n  - name: a\n    objective: 150\n    windows: [7 days]\n    good: status <\n  - name: a b\n    objective: 99\n    windows: [7d]\n    good: ok\n    bad: nok\n",
        );
        assert_eq!(errs.len(), 5, "{errs:#?}");
        assert!(errs[0].starts_with("specs/test.yaml:4:16: objective '150' is out of range"));
        assert!(errs[1].starts_with("specs/test.yaml:5:15: "));
        assert!(
            errs[2].starts_with("specs/test.yaml:6:19: in `good`"),
            "{}",
            errs[2]
        );
        assert!(errs[3].starts_with("specs/test.yaml:7:11: SLO name 'a b'"));
        assert!(errs[4].starts_with("specs/test.yaml:11:10: give either `good` or `bad`"));
    }

    #[test]
    fn expression_error_column_accounts_for_quotes() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: \"status = 500\"\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:19: in `good`"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn regexes_are_checked_at_load_time() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: route.matches(\"[\")\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:25: in `good`: "),
            "{errs:?}"
        );
        assert!(errs[0].contains("regex"), "{errs:?}");
    }

    #[test]
    fn errors_inside_block_and_folded_expressions() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    filter: |\n      service == \"a\" and\n      route in [\"x\"\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:8:20: in `filter`: "),
            "{errs:?}"
        );
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: status < 500 and\n      latency_ms <=\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:6:11: in `good`, at character 31 of the expression: "
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_pieces() {
        let errs = errors("version: 2\nslos:\n  - name: a\n");
        assert!(errs[0].contains("unsupported spec version 2"));
        assert!(errs.iter().any(|e| e.contains("no `objective`")));
        assert!(errs.iter().any(|e| e.contains("no `windows`")));
        assert!(errs
            .iter()
            .any(|e| e.contains("neither which events are `good`")));
        assert!(errors("").iter().any(|e| e.contains("the spec is empty")));
        assert!(errors("slos: 3")
            .iter()
            .any(|e| e.contains("missing `version: 1`")));
        assert!(errors("version: 1\nslos: 3")
            .iter()
            .any(|e| e.contains("`slos` must be a list")));
    }

    #[test]
    fn other_tools_formats_are_named() {
        let errs = errors("version: \"prometheus/v1\"\nservice: x\n");
        assert!(errs[0].contains("a Sloth spec"), "{errs:?}");
        let errs = errors("apiVersion: pyrra.dev/v1alpha1\nkind: ServiceLevelObjective\n");
        assert!(
            errs[0].contains("a Pyrra ServiceLevelObjective"),
            "{errs:?}"
        );
        let errs = errors("apiVersion: sre.google.com/v2\nkind: ServiceLevelObjective\n");
        assert!(errs[0].contains("google/slo-generator"), "{errs:?}");
        let errs = errors("backends: {}\nerror_budget_policies: {}\n");
        assert!(errs[0].contains("slo-generator shared config"), "{errs:?}");
        let errs = errors("apiVersion: openslo.com/v2alpha\nkind: SLO\n");
        assert!(errs[0].contains("OpenSLO v2alpha"), "{errs:?}");
    }

    #[test]
    fn inherited_slices_apply_only_to_slos_budgeted_in_slices() {
        let (slos, errs) = check("version: 1\ndefaults:\n  windows: [1d]\n  budgeting: timeslices\n  timeslice: {length: 5m, objective: 95}\nslos:\n  - name: sliced\n    objective: 99\n    good: ok\n  - name: counted\n    objective: 99\n    budgeting: occurrences\n    good: ok\n  - name: averaged\n    objective: 99\n    budgeting: ratio_timeslices\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        let budgeting: Vec<_> = slos.iter().map(|s| &s.budgeting).collect();
        let slice = Timeslice {
            length: SpanDuration::parse("5m").unwrap(),
            objective: Some(Percentage::parse("95", "slice objective").unwrap()),
        };
        assert_eq!(
            budgeting,
            [
                &Budgeting::Timeslices(slice.clone()),
                &Budgeting::Occurrences,
                &Budgeting::RatioTimeslices(slice),
            ]
        );
        // A `timeslice` the SLO writes itself under occurrences is still a mistake.
        let errs = errors("version: 1\ndefaults:\n  timeslice: {length: 5m, objective: 95}\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    timeslice: {length: 1m}\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:8:")
                && errs[0].contains("`timeslice` applies only to"),
            "{errs:?}"
        );
        // An inherited slice that lacks what the SLO's budgeting needs is reported where the
        // SLO chose that budgeting, naming `defaults`.
        let errs = errors("version: 1\ndefaults:\n  budgeting: ratio_timeslices\n  timeslice: {length: 5m}\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    budgeting: timeslices\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:9:16: `budgeting: timeslices` needs the slice objective"
            ) && errs[0].contains("`defaults`"),
            "{errs:?}"
        );
    }

    #[test]
    fn calendar_windows_and_bad_zones() {
        let (slos, errs) = check("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [{calendar: month, timezone: Europe/Berlin}, 7d]\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(slos[0].windows[0].label(), "month Europe/Berlin");
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [{calendar: fortnight}]\n    good: ok\n");
        assert!(errs[0].starts_with("specs/test.yaml:5:26:"), "{errs:?}");
    }
}
