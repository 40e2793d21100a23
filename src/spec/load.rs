//! Loading spec files into a [`SpecSet`]: finding the files, reading them, deciding which
//! language each YAML document is written in, handing it to [`native`](super::native) or
//! [`openslo`], and checking what spans files (SLO names are unique across all of them).
//! Every problem of every file is collected with its position, not just the first.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::foreign::foreign_format;
use super::native::exclusion_notes;
use super::openslo;
use super::reader::Checker;
use super::yaml::{self, Node, Position, Value};
use super::{Exclusion, Location, Slo, SpecError, SpecErrors, SpecSet};

/// Largest spec file read; specs are small, and this bounds memory on a wrong path.
const MAX_SPEC_BYTES: u64 = 16 * 1024 * 1024;

/// Expands spec arguments into files: a directory gives its `*.yaml`/`*.yml` files, sorted.
///
/// # Errors
///
/// A path that does not exist, or a folder without spec files.
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
///
/// # Errors
///
/// Every problem found in the files, each with `file:line:column`.
pub fn load_files(files: &[PathBuf]) -> Result<SpecSet, SpecErrors> {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    for file in files {
        match read_spec(file) {
            Ok(text) => sources.push((file.clone(), text)),
            Err(error) => errors.push(error),
        }
    }
    let mut set = load_sources(&sources, &mut errors);
    set.files = files.to_vec();
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(with_missing_fields(errors, set))
    }
}

/// Loads one spec from text already in memory, as if read from `file` (which names it in
/// errors and anchors its relative `source.paths`). A leading byte order mark is ignored.
///
/// # Errors
///
/// Every problem found in the text, each with `file:line:column`.
pub fn load_str(file: &Path, text: &str) -> Result<SpecSet, SpecErrors> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut errors = Vec::new();
    let mut set = load_sources(&[(file.to_path_buf(), text.to_string())], &mut errors);
    set.files = vec![file.to_path_buf()];
    if errors.is_empty() {
        Ok(set)
    } else {
        Err(with_missing_fields(errors, set))
    }
}

/// The errors of specs that cannot be loaded, with the fields their logs' layouts lack among
/// them, so that every problem is listed at once (the set they would have been kept in is
/// not returned).
fn with_missing_fields(mut errors: Vec<SpecError>, set: SpecSet) -> SpecErrors {
    if !set.missing_fields.is_empty() {
        errors.extend(set.missing_fields);
        errors.sort_by(|a, b| (&a.file, a.line, a.column).cmp(&(&b.file, b.line, b.column)));
    }
    SpecErrors(errors)
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
                    slos.extend(
                        checker
                            .native_spec(document)
                            .into_iter()
                            .map(|s| (index, s)),
                    );
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
    let mut not_carried = built.not_carried;
    not_carried.sort_by_key(|(index, at, _)| (*index, at.line, at.column));
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
        checker.missing_fields.sort_by_key(|e| (e.line, e.column));
        set.missing_fields.extend(checker.missing_fields);
    }
    errors.extend(duplicates);
    set.slos = slos.into_iter().map(|(_, slo)| slo).collect();
    set.note_exclusions();
    set.uncomputable = uncomputable.into_iter().map(|(_, u)| u).collect();
    set.not_carried = not_carried
        .into_iter()
        .map(|(_, at, what)| (at, what))
        .collect();
    set
}

/// Reads a file of exclusions (`--exclude FILE`): a YAML mapping whose `exclude` key lists
/// intervals as a spec's `exclude` does.
///
/// # Errors
///
/// A file that cannot be read, and every problem in it, each with `file:line:column`.
pub fn load_exclusions(file: &Path) -> Result<Vec<Exclusion>, SpecErrors> {
    let text = read_spec(file).map_err(|error| SpecErrors(vec![error]))?;
    let mut checker = Checker::new(file, &text);
    let documents = checker.parse(&text);
    let mut exclusions = Vec::new();
    for document in &documents {
        let Some(entries) = checker.mapping(document, "an exclusions file", &["exclude"]) else {
            continue;
        };
        match entries.iter().find(|(k, _)| *k == "exclude") {
            Some((_, node)) => exclusions.extend(checker.exclusions(node).unwrap_or_default()),
            None => checker.error(
                document.position,
                "an exclusions file lists its intervals under `exclude:`, e.g. exclude: [{from: 2026-10-02T17:00:00Z, to: 2026-10-02T18:00:00Z, reason: database migration}]",
            ),
        }
    }
    if checker.errors.is_empty() {
        Ok(exclusions)
    } else {
        checker.errors.sort_by_key(|e| (e.line, e.column));
        Err(SpecErrors(checker.errors))
    }
}

impl SpecSet {
    /// Adds `exclusions` (from an `--exclude` file) to every SLO, and notes what is worth
    /// knowing about the exclusions that result.
    pub fn add_exclusions(&mut self, exclusions: &[Exclusion]) {
        for slo in &mut self.slos {
            slo.exclude.extend(exclusions.iter().cloned());
        }
        self.note_exclusions();
    }

    /// Notes, once each, exclusions that overlap or outlast a window (see
    /// [`exclusion_notes`]).
    fn note_exclusions(&mut self) {
        for slo in &self.slos {
            for note in exclusion_notes(slo) {
                if !self.notes.contains(&note) {
                    self.notes.push(note);
                }
            }
        }
    }
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

/// Which language `node` is written in: a list holding an `apiVersion` object, or an object of
/// a known OpenSLO version, is OpenSLO; anything else is native unless another tool's.
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

/// The text of a spec file, without a byte-order mark. YAML is printable text: bytes that are
/// not UTF-8, and control characters other than tab, line feed and carriage return (a NUL
/// that a crash or an editor left), are errors at their line and column, not where a parser
/// happens to stop reading.
fn read_spec(file: &Path) -> Result<String, SpecError> {
    let metadata =
        std::fs::metadata(file).map_err(|e| file_error(file, &format!("cannot read spec: {e}")))?;
    if metadata.len() > MAX_SPEC_BYTES {
        return Err(file_error(
            file,
            &format!(
                "spec file is {} bytes, more than the {MAX_SPEC_BYTES} a spec may have; is this a log file?",
                metadata.len()
            ),
        ));
    }
    let bytes =
        std::fs::read(file).map_err(|e| file_error(file, &format!("cannot read spec: {e}")))?;
    let bytes = match bytes.strip_prefix(b"\xef\xbb\xbf") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    let at = |offset: usize, message: String| {
        let before = String::from_utf8_lossy(&bytes[..offset]);
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        SpecError {
            file: file.to_path_buf(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
            message,
        }
    };
    if crate::encoding::is_utf16(&bytes) {
        return Err(file_error(
            file,
            &format!(
                "spec is UTF-16 text (as PowerShell's `>` writes); save it as UTF-8 (iconv -f UTF-16 -t UTF-8 {0} > {0}.utf8)",
                file.display()
            ),
        ));
    }
    let text = match std::str::from_utf8(&bytes) {
        Ok(text) => text,
        Err(e) => {
            return Err(at(
                e.valid_up_to(),
                format!(
                    "byte {:#04x} is not UTF-8; save the spec as UTF-8",
                    bytes[e.valid_up_to()]
                ),
            ))
        }
    };
    if let Some(offset) = text
        .bytes()
        .position(|b| b.is_ascii_control() && !matches!(b, b'\t' | b'\n' | b'\r'))
    {
        return Err(at(
            offset,
            format!(
                "control character {:#04x} in the spec; a spec is text: remove it (a NUL is often what a crash or a copy left)",
                bytes[offset]
            ),
        ));
    }
    Ok(text.to_string())
}

fn file_error(file: &Path, message: &str) -> SpecError {
    SpecError {
        file: file.to_path_buf(),
        line: 0,
        column: 0,
        message: message.to_string(),
    }
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

    /// Reports a document written for another tool (`what` names it) as what it is.
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
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::load_sources;

    fn errors(text: &str) -> Vec<String> {
        let mut errors = Vec::new();
        load_sources(
            &[(PathBuf::from("specs/test.yaml"), text.to_string())],
            &mut errors,
        );
        errors.iter().map(ToString::to_string).collect()
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
}
