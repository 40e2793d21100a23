//! A YAML document tree that remembers where every node was written.
//!
//! Spec errors must name `file:line:column`, and `slo validate` must report every problem in a
//! file, not just the first; serde-based loaders stop at the first error and forget positions.
//! So specs are first read into this small tree (built iteratively from `yaml-rust2`'s event
//! stream, with limits on nesting depth and alias expansion so that no document can exhaust the
//! stack or memory), and then checked key by key through `spec::reader`.

use std::collections::HashMap;

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deepest nesting of sequences and mappings accepted in a spec.
const MAX_DEPTH: usize = 64;
/// Most nodes a document may expand to once aliases are resolved (guards against alias bombs).
const MAX_NODES: usize = 100_000;

/// A 1-based line and column in a source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    /// Line number, starting at 1.
    pub line: usize,
    /// Column number in characters, starting at 1.
    pub column: usize,
}

impl Position {
    fn from_marker(marker: Marker, lines: &[SourceLine]) -> Position {
        let line = marker.line();
        let mut column = marker.col() + 1;
        // yaml-rust2 advances its column by bytes, not characters, over the lines of a block
        // scalar (`|`, `>`), so a position at the end of such a line can point past it when
        // the line holds non-ASCII text. Such a column is read as a byte offset.
        if let Some(source) = line.checked_sub(1).and_then(|i| lines.get(i)) {
            if column - 1 > source.chars {
                let mut end = (column - 1).min(source.text.len());
                while !source.text.is_char_boundary(end) {
                    end -= 1;
                }
                column = source.text[..end].chars().count() + 1;
            }
        }
        Position { line, column }
    }
}

/// One line of a YAML source, as YAML breaks lines (`\n`, `\r\n` or a lone `\r`).
struct SourceLine<'a> {
    text: &'a str,
    /// Its length in characters.
    chars: usize,
}

fn source_lines(source: &str) -> Vec<SourceLine<'_>> {
    let bytes = source.as_bytes();
    let mut lines = Vec::new();
    let (mut start, mut i) = (0, 0);
    let mut push = |start: usize, end: usize| {
        let text = &source[start..end];
        lines.push(SourceLine {
            text,
            chars: text.chars().count(),
        });
    };
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                push(start, i);
                i += 1;
                start = i;
            }
            b'\r' => {
                push(start, i);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    push(start, bytes.len());
    lines
}

/// One node of a YAML document.
#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    /// What the node holds.
    pub value: Value,
    /// Where the node starts.
    pub position: Position,
}

/// The content of a [`Node`].
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A scalar, with its text exactly as written (after unquoting) and whether it was quoted.
    Scalar {
        /// The scalar's text.
        text: String,
        /// True for quoted and block scalars, which are always strings.
        quoted: bool,
    },
    /// A sequence of nodes.
    Sequence(Vec<Node>),
    /// A mapping, in the order written.
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// The scalar's text, if this is a scalar.
    pub fn as_scalar(&self) -> Option<&str> {
        match &self.value {
            Value::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// True for the YAML null (`~`, `null` or an empty value), written unquoted.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, Value::Scalar { text, quoted: false } if matches!(text.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// A word for the node's kind, for error messages.
    pub fn kind(&self) -> &'static str {
        match &self.value {
            Value::Scalar { .. } if self.is_null() => "nothing (null)",
            Value::Scalar { .. } => "a scalar",
            Value::Sequence(_) => "a list",
            Value::Mapping(_) => "a mapping",
        }
    }
}

/// A YAML syntax error or a document that breaks a limit.
#[derive(Debug, Clone, PartialEq)]
pub struct YamlError {
    /// Where the problem was found.
    pub position: Position,
    /// What is wrong.
    pub message: String,
}

enum Frame {
    Sequence(Position, usize, Vec<Node>),
    Mapping(Position, usize, Vec<(Node, Node)>, Option<Node>),
}

/// Parses every document of a YAML stream.
///
/// # Errors
///
/// Text that is not valid YAML, with where, or an alias bomb.
pub fn parse_documents(source: &str) -> Result<Vec<Node>, YamlError> {
    let lines = source_lines(source);
    let mut parser = Parser::new_from_str(source);
    let mut documents = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Node> = HashMap::new();
    let mut nodes = 0usize;
    let mut current: Option<Node> = None;
    loop {
        let (event, marker) = parser.next_token().map_err(|e| {
            let position = Position::from_marker(*e.marker(), &lines);
            match tab_indent(source, position.line) {
                Some(line) if e.info().contains("tab") => YamlError {
                    position: Position { line, column: 1 },
                    message: "this line is indented with a tab; YAML indents with spaces only: replace the tab with spaces".into(),
                },
                _ => YamlError {
                    position,
                    message: format!("invalid YAML: {}", e.info()),
                },
            }
        })?;
        let position = Position::from_marker(marker, &lines);
        let finished: Option<(Node, usize)> = match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart => None,
            Event::DocumentStart => {
                anchors.clear();
                None
            }
            Event::DocumentEnd => {
                if let Some(node) = current.take() {
                    documents.push(node);
                }
                None
            }
            Event::Alias(id) => match anchors.get(&id) {
                Some(node) => {
                    nodes += count_nodes(node);
                    if nodes > MAX_NODES {
                        return Err(too_many_nodes(position));
                    }
                    Some((node.clone(), 0))
                }
                None => {
                    return Err(YamlError {
                        position,
                        message: "this alias refers to no anchor defined before it; define the \
                                  anchor (&name) before the alias (*name), outside the value it names"
                            .into(),
                    })
                }
            },
            Event::Scalar(text, style, anchor, tag) => {
                if let Some(tag) = tag {
                    return Err(YamlError {
                        position,
                        message: format!(
                            "YAML reads `{}{}` as a tag, which slo specs do not use; if this is an \
                             expression starting with `!`, quote it (\"!(status < 500)\") or write `not (…)`",
                            tag.handle, tag.suffix
                        ),
                    });
                }
                nodes += 1;
                let quoted = !matches!(style, TScalarStyle::Plain);
                let position = if text.is_empty() && !quoted {
                    empty_node_position(position, stack.last(), &lines)
                } else {
                    position
                };
                Some((
                    Node {
                        value: Value::Scalar { text, quoted },
                        position,
                    },
                    anchor,
                ))
            }
            Event::SequenceStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(position));
                }
                stack.push(Frame::Sequence(position, anchor, Vec::new()));
                None
            }
            Event::MappingStart(anchor, _) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(too_deep(position));
                }
                stack.push(Frame::Mapping(position, anchor, Vec::new(), None));
                None
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Sequence(position, anchor, items)) => {
                    nodes += 1;
                    Some((
                        Node {
                            value: Value::Sequence(items),
                            position,
                        },
                        anchor,
                    ))
                }
                _ => return Err(unbalanced(position)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Mapping(position, anchor, entries, None)) => {
                    nodes += 1;
                    let entries = merged(entries);
                    // A block mapping's start event points past its first key; the key is
                    // where people look for it.
                    let position = entries.first().map_or(position, |(key, _)| {
                        if key.position.line == position.line {
                            key.position
                        } else {
                            position
                        }
                    });
                    Some((
                        Node {
                            value: Value::Mapping(entries),
                            position,
                        },
                        anchor,
                    ))
                }
                _ => return Err(unbalanced(position)),
            },
        };
        if nodes > MAX_NODES {
            return Err(too_many_nodes(position));
        }
        let Some((node, anchor)) = finished else {
            continue;
        };
        if anchor != 0 {
            anchors.insert(anchor, node.clone());
        }
        match stack.last_mut() {
            None => current = Some(node),
            Some(Frame::Sequence(_, _, items)) => items.push(node),
            Some(Frame::Mapping(_, _, entries, pending)) => match pending.take() {
                None => *pending = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
    }
    if let Some(node) = current.take() {
        documents.push(node);
    }
    Ok(documents)
}

/// The first line, from `from` on (1-based), whose indentation holds a tab: where a "found a
/// tab" error of the YAML scanner comes from, which it reports at the line before.
fn tab_indent(source: &str, from: usize) -> Option<usize> {
    source
        .lines()
        .enumerate()
        .skip(from.saturating_sub(1))
        .take(3)
        .find(|(_, line)| {
            line.bytes()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .any(|b| b == b'\t')
        })
        .map(|(at, _)| at + 1)
}

/// A mapping's entries with its merge keys resolved, as YAML 1.1 has them and Go's YAML
/// readers (Sloth, oslo) read them: `<<: *defaults` (or a list of aliases) adds each key of
/// the mappings named that the mapping does not write itself, the earlier mapping of a list
/// first. A `<<` whose value is no mapping, or a list of them, is left for the spec's checks
/// to refuse, with a hint.
fn merged(entries: Vec<(Node, Node)>) -> Vec<(Node, Node)> {
    let is_merge =
        |key: &Node| matches!(&key.value, Value::Scalar { text, quoted: false } if text == "<<");
    let mergeable = |value: &Node| match &value.value {
        Value::Mapping(_) => true,
        Value::Sequence(items) => items.iter().all(|i| matches!(i.value, Value::Mapping(_))),
        Value::Scalar { .. } => false,
    };
    if !entries.iter().any(|(k, v)| is_merge(k) && mergeable(v)) {
        return entries;
    }
    let mut own = Vec::new();
    let mut sources = Vec::new();
    for (key, value) in entries {
        if is_merge(&key) && mergeable(&value) {
            match value.value {
                Value::Mapping(more) => sources.push(more),
                Value::Sequence(items) => {
                    sources.extend(items.into_iter().filter_map(|i| match i.value {
                        Value::Mapping(more) => Some(more),
                        _ => None,
                    }))
                }
                Value::Scalar { .. } => {}
            }
        } else {
            own.push((key, value));
        }
    }
    for (key, value) in sources.into_iter().flatten() {
        let name = key.as_scalar();
        if name.is_none() || !own.iter().any(|(k, _)| k.as_scalar() == name) {
            own.push((key, value));
        }
    }
    own
}

/// Where a node written as nothing (`-` or `key:` with no value) is. yaml-rust2 places it where
/// its scanner stopped, past the next token, which may be lines further on or past the end of the
/// file. In a block sequence the node is placed instead on its `-`: the last one in the
/// sequence's column on a line before the one the scanner stopped on (which, when the next item
/// follows, holds that item's `-`). A mapping value is placed on its key.
fn empty_node_position(
    scanned_to: Position,
    parent: Option<&Frame>,
    lines: &[SourceLine],
) -> Position {
    match parent {
        Some(Frame::Sequence(start, _, _)) => {
            let before = scanned_to.line.saturating_sub(1).min(lines.len());
            lines[..before]
                .iter()
                .rposition(|line| line.text.chars().nth(start.column - 1) == Some('-'))
                .map_or(scanned_to, |index| Position {
                    line: index + 1,
                    column: start.column,
                })
        }
        Some(Frame::Mapping(_, _, _, Some(key))) => key.position,
        _ => scanned_to,
    }
}

fn count_nodes(node: &Node) -> usize {
    let mut count = 0;
    let mut pending = vec![node];
    while let Some(node) = pending.pop() {
        count += 1;
        match &node.value {
            Value::Scalar { .. } => {}
            Value::Sequence(items) => pending.extend(items),
            Value::Mapping(entries) => {
                for (key, value) in entries {
                    pending.push(key);
                    pending.push(value);
                }
            }
        }
    }
    count
}

fn too_deep(position: Position) -> YamlError {
    YamlError {
        position,
        message: format!("the document nests deeper than {MAX_DEPTH} levels"),
    }
}

fn too_many_nodes(position: Position) -> YamlError {
    YamlError {
        position,
        message: format!(
            "the document expands to more than {MAX_NODES} values once aliases are resolved \
             (an alias bomb?); write the spec without so many repeated aliases"
        ),
    }
}

fn unbalanced(position: Position) -> YamlError {
    YamlError {
        position,
        message: "invalid YAML: unbalanced collection".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(source: &str) -> Node {
        let mut docs = parse_documents(source).unwrap();
        assert_eq!(docs.len(), 1);
        docs.remove(0)
    }

    #[test]
    fn positions_are_one_based() {
        let doc = one("a: 1\nbb:\n  - x\n  - 'y'\n");
        let Value::Mapping(entries) = &doc.value else {
            panic!("not a mapping")
        };
        assert_eq!(entries[0].0.position, Position { line: 1, column: 1 });
        assert_eq!(entries[0].1.position, Position { line: 1, column: 4 });
        let Value::Sequence(items) = &entries[1].1.value else {
            panic!("not a list")
        };
        assert_eq!(items[1].position, Position { line: 4, column: 5 });
        assert_eq!(
            items[1].value,
            Value::Scalar {
                text: "y".into(),
                quoted: true
            }
        );
    }

    #[test]
    fn several_documents() {
        let docs = parse_documents("a: 1\n---\nb: 2\n").unwrap();
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn aliases_are_expanded() {
        let doc = one("base: &b {x: 1}\nother: *b\n");
        let Value::Mapping(entries) = &doc.value else {
            panic!()
        };
        assert_eq!(entries[0].1.value, entries[1].1.value);
    }

    #[test]
    fn a_tab_in_the_indentation_is_named_on_its_line() {
        for (text, line) in [
            ("version: 1\nslos:\n  - name: a\n\tobjective: 99.9\n", 4),
            ("a:\n  b: 1\n  c: 2\n  \t- d\n", 4),
        ] {
            let error = parse_documents(text).unwrap_err();
            assert_eq!(
                error.position,
                Position { line, column: 1 },
                "{text:?}: {}",
                error.message
            );
            assert!(
                error.message.contains("indented with a tab"),
                "{}",
                error.message
            );
        }
    }

    #[test]
    fn merge_keys_add_what_the_mapping_does_not_write() {
        let doc = one("base: &b {a: 1, b: 2}\nmore: &m {c: 3}\nx:\n  <<: *b\n  b: 20\ny:\n  <<: [*m, *b]\n  a: 10\n'<<': quoted\n");
        let Value::Mapping(top) = &doc.value else {
            panic!()
        };
        let keys = |node: &Node| -> Vec<(String, String)> {
            let Value::Mapping(entries) = &node.value else {
                panic!()
            };
            entries
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_scalar().unwrap().to_string(),
                        v.as_scalar().unwrap().to_string(),
                    )
                })
                .collect()
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        assert_eq!(keys(&top[2].1), pairs(&[("b", "20"), ("a", "1")]));
        assert_eq!(
            keys(&top[3].1),
            pairs(&[("a", "10"), ("c", "3"), ("b", "2")])
        );
        // Quoted, `<<` is a key like any other.
        assert_eq!(top[4].0.as_scalar(), Some("<<"));
        // A merge of no mapping is left for the checks to refuse.
        let doc = one("x:\n  <<: 5\n");
        let Value::Mapping(top) = &doc.value else {
            panic!()
        };
        assert_eq!(keys(&top[0].1), pairs(&[("<<", "5")]));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut src = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in ['b', 'c', 'd', 'e', 'f', 'g', 'h', 'i'] {
            src.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
            prev = name;
        }
        let err = parse_documents(&src).unwrap_err();
        assert!(err.message.contains("alias bomb"), "{}", err.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let src = "[".repeat(10_000);
        assert!(parse_documents(&src).is_err());
        let src = format!("{}1{}", "[".repeat(100), "]".repeat(100));
        assert!(parse_documents(&src)
            .unwrap_err()
            .message
            .contains("nests deeper"));
    }

    #[test]
    fn tags_are_refused_with_a_hint() {
        let err = parse_documents("good: !(status < 500)\n").unwrap_err();
        assert!(err.message.contains("quote it"), "{}", err.message);
    }

    #[test]
    fn columns_count_characters_after_block_scalars() {
        // Found by fuzzing: the column of an error at the end of a block scalar's line
        // counted bytes, pointing past the end of the line.
        let source = "v:\n :  x \n|  \n ervice ääää";
        let err = parse_documents(source).unwrap_err();
        assert_eq!(
            err.position,
            Position {
                line: 4,
                column: 13
            }
        );
        let lines = source_lines("a\r\nb\rc\nd");
        let texts: Vec<&str> = lines.iter().map(|l| l.text).collect();
        assert_eq!(texts, ["a", "b", "c", "d"]);
    }

    #[test]
    fn empty_nodes_are_placed_on_their_indicator() {
        let Value::Mapping(entries) =
            one("a:\n  -\n  - # nothing\n\n  -  # here\n# end\nb:\nc:\n  - - \n    -\n  -").value
        else {
            panic!("not a mapping")
        };
        let Value::Sequence(items) = &entries[0].1.value else {
            panic!("not a sequence")
        };
        let at: Vec<_> = items
            .iter()
            .map(|i| (i.position.line, i.position.column))
            .collect();
        assert_eq!(at, [(2, 3), (3, 3), (5, 3)]);
        assert_eq!(entries[1].1.position, Position { line: 7, column: 1 });
        let Value::Sequence(items) = &entries[2].1.value else {
            panic!("not a sequence")
        };
        let Value::Sequence(inner) = &items[0].value else {
            panic!("not a sequence")
        };
        let at: Vec<_> = inner
            .iter()
            .map(|i| (i.position.line, i.position.column))
            .collect();
        assert_eq!(at, [(9, 5), (10, 5)]);
        assert_eq!(
            items[1].position,
            Position {
                line: 11,
                column: 3
            }
        );
    }

    #[test]
    fn syntax_error_has_position() {
        let err = parse_documents("a: [1, 2\nb: 3\n").unwrap_err();
        assert!(err.position.line >= 1);
        assert!(err.message.starts_with("invalid YAML"));
    }
}
