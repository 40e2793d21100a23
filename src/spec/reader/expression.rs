//! Expressions (`filter`, `good`, `bad`) and field names, as both spec languages write them:
//! a native SLO's keys, and the `spec` of an OpenSLO `slo.logs` metric source.

use super::Checker;
use crate::expr::{self, FieldPath, FieldSlots, FieldUnit, Program};
use crate::spec::yaml::{Node, Position, Value};
use crate::spec::{Condition, Location, Source};

/// An expression as the spec writes it: the scalar that holds it, whether quoted, under which
/// key, and its text.
#[derive(Clone, Copy)]
struct Written<'a> {
    node: &'a Node,
    quoted: bool,
    key: &'a str,
    text: &'a str,
}

impl Checker<'_> {
    /// The expression under `key`, parsed and compiled, so that every mistake in it (regexes,
    /// and units where `source` tells them) is found when the spec loads.
    pub(in crate::spec) fn condition(
        &mut self,
        node: &Node,
        key: &str,
        source: &Source,
    ) -> Option<Condition> {
        let Value::Scalar { text, quoted } = &node.value else {
            self.error(
                node.position,
                format!(
                    "`{key}` must be an expression such as status < 500, not {}",
                    node.kind()
                ),
            );
            return None;
        };
        // YAML reads these plain scalars as null and booleans; the expression language would
        // read `null` and `True` as fields, so every row would lack them.
        if !quoted {
            let problem = match text.as_str() {
                "null" | "Null" | "NULL" | "~" => Some(format!(
                    "`{key}: {text}` is YAML's null, not an expression; write a condition such as status < 500, or leave `{key}` out"
                )),
                "True" | "TRUE" | "False" | "FALSE" => Some(format!(
                    "`{key}: {text}` is a boolean in YAML and a field in an expression; write {}, or field(\"{text}\") for a field of that name",
                    text.to_ascii_lowercase()
                )),
                _ => None,
            };
            if let Some(message) = problem {
                self.error(node.position, message);
                return None;
            }
        }
        let written = Written {
            node,
            quoted: *quoted,
            key,
            text,
        };
        let expr = match expr::parse(text) {
            Ok(expr) => expr,
            Err(e) => {
                self.expression_error(&written, e.offset, &e.message);
                return None;
            }
        };
        // A field the log's layout lacks is said so first: whatever else is wrong with it
        // (no known unit) follows from that.
        let mut lacking = Vec::new();
        for field in expr.field_refs() {
            if let Some(message) = source
                .format
                .lacks_field(&field.path, "so every row that needs it would be invalid")
            {
                let (at, message) = self.expression_problem(&written, field.span.start, &message);
                self.missing_field(at, message);
                lacking.push(field.path.clone());
            }
        }
        // Compiling checks what parsing cannot (regexes, their size, units) at load time.
        let units = |field: &FieldPath| {
            if lacking.contains(field) {
                FieldUnit::PerRow
            } else {
                source.field_unit(&source.format, field)
            }
        };
        if let Err(e) = Program::compile_with_units(&expr, &mut FieldSlots::new(), &units) {
            self.expression_error(&written, e.offset, &e.message);
            return None;
        }
        Some(Condition {
            text: text.clone(),
            expr,
            located: self.expression_start(&written),
        })
    }

    /// Where the first character of a one-line expression is, when the file holds its text as
    /// written there (not folded or unescaped by YAML).
    fn expression_start(&self, written: &Written<'_>) -> Option<Location> {
        if written.text.contains('\n') {
            return None;
        }
        let line = written.node.position.line.checked_sub(1)?;
        let column = written.node.position.column.checked_sub(1)? + usize::from(written.quoted);
        let rest: String = self.lines.get(line)?.chars().skip(column).collect();
        rest.starts_with(written.text).then(|| {
            self.location(Position {
                line: line + 1,
                column: column + 1,
            })
        })
    }

    /// Reports an error at byte `offset` of an expression (see
    /// [`Checker::expression_problem`]).
    fn expression_error(&mut self, written: &Written<'_>, offset: usize, message: &str) {
        let (at, message) = self.expression_problem(written, offset, message);
        self.error(at, message);
    }

    /// Where a problem at byte `offset` of an expression is, and what to say of it: its line
    /// and column in the file where the scalar's text can be found there as written, else the
    /// scalar (naming the character) where YAML folded or unescaped it.
    fn expression_problem(
        &self,
        written: &Written<'_>,
        offset: usize,
        message: &str,
    ) -> (Position, String) {
        let Written {
            node,
            quoted,
            key,
            text,
        } = *written;
        // An error at the end points after the last character, not at trailing line ends.
        let offset = (0..=offset.min(text.trim_end().len()))
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(0);
        let before = &text[..offset];
        let line_in_text = before.matches('\n').count();
        let line_start = before.rfind('\n').map_or(0, |i| i + 1);
        let text_line = text[line_start..].lines().next().unwrap_or("");
        let column_in_line = before[line_start..].chars().count();
        let source_line = |index: usize| self.lines.get(index).copied().unwrap_or("");
        let first = node.position.line.saturating_sub(1);
        let found = if line_in_text == 0 && !text.contains('\n') {
            // One line: the text starts right at the scalar (after its quote).
            let start_column = node.position.column - 1 + usize::from(quoted);
            let line = source_line(first);
            let written: String = line.chars().skip(start_column).collect();
            written
                .starts_with(before)
                .then_some((first, start_column + column_in_line))
        } else {
            // A block scalar: find the expression's line among the lines that follow.
            (first + line_in_text..self.lines.len().min(first + line_in_text + 3)).find_map(
                |index| {
                    let line = source_line(index);
                    let indent = line.len() - line.trim_start().len();
                    (line.trim_start() == text_line.trim_start() && !text_line.trim().is_empty())
                        .then(|| {
                            (
                                index,
                                line[..indent].chars().count() + column_in_line
                                    - (text_line.len() - text_line.trim_start().len()),
                            )
                        })
                },
            )
        };
        let caret = format!("\n    {text_line}\n    {}^", " ".repeat(column_in_line));
        match found {
            Some((index, column)) => (
                Position {
                    line: index + 1,
                    column: column + 1,
                },
                format!("in `{key}`: {message}{caret}"),
            ),
            None => (
                node.position,
                format!(
                    "in `{key}`, at character {} of the expression: {message}{caret}",
                    before.chars().count() + 1
                ),
            ),
        }
    }
}

/// Splits a field name written in a spec (`route`, `http.status`) into a path.
pub(in crate::spec) fn field_path(text: &str) -> Result<FieldPath, String> {
    if text.is_empty() || text.split('.').any(str::is_empty) {
        return Err(format!("'{text}' is not a field name"));
    }
    Ok(FieldPath(text.split('.').map(str::to_string).collect()))
}
