//! `filter`, `good` and `bad` as SQL: the same syntax tree the Rust evaluator compiles
//! ([`crate::expr::Expr`]), written as a boolean SQL expression.
//!
//! `slo`'s *invalid* is SQL's `NULL`: every field is read through a cast that gives `NULL`
//! where `slo` finds the row invalid (a missing field, text where a number is needed), and
//! `AND`, `OR` and `NOT` then combine unknowns exactly as `slo` does (`false and invalid` is
//! false, `true or invalid` is true, anything else with an invalid operand is invalid).
//! Numbers are doubles, as in the evaluator's comparisons with a number; durations are
//! doubles in nanoseconds.

use crate::expr::ast::{ArithOp, CmpOp, FieldRef, ListLiteral, Literal, Method, Operand};
use crate::expr::{Decimal, Expr, FieldPath, FieldUnit};

use super::dialect::Dialect;

/// How to write one SLO's expressions: the dialect, the SQL of each field, and what is known
/// of its unit.
pub struct Writer<'a> {
    /// The engine.
    pub dialect: Dialect,
    /// The SQL that reads a field (a column, or what `--column` says).
    pub column: &'a dyn Fn(&FieldPath) -> String,
    /// What is known of a field's unit.
    pub unit: &'a dyn Fn(&FieldPath) -> FieldUnit,
}

/// What an arithmetic value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    /// Nanoseconds.
    Duration,
}

impl Writer<'_> {
    /// `expr` as a boolean SQL expression that is `NULL` where `slo` finds a row invalid.
    ///
    /// # Errors
    ///
    /// What has no SQL form here: `sum()`, `first()` and `last()` of nginx's lists, and
    /// durations met by a field whose unit only each row tells.
    pub fn condition(&self, expr: &Expr) -> Result<String, String> {
        let d = self.dialect;
        Ok(match expr {
            Expr::Bool { value, .. } => bool_literal(*value).to_string(),
            Expr::Field(field) => self.boolean(field),
            Expr::Compare {
                left, op, right, ..
            } => match (&**left, &**right) {
                (
                    Operand::Field(field),
                    Operand::Literal {
                        value: Literal::Number(n),
                        ..
                    },
                ) => format!("{} {} {}", self.number(field), sql_op(*op), number(*n)),
                (
                    Operand::Field(field),
                    Operand::Literal {
                        value: Literal::String(s),
                        ..
                    },
                ) => format!("{} {} {}", self.text(field), sql_op(*op), d.string(s)),
                (
                    Operand::Field(field),
                    Operand::Literal {
                        value: Literal::Bool(b),
                        ..
                    },
                ) => format!(
                    "{} {} {}",
                    self.boolean(field),
                    sql_op(*op),
                    bool_literal(*b)
                ),
                (left, right) => {
                    let (left_sql, left_kind) = self.value(left)?;
                    let (right_sql, right_kind) = self.value(right)?;
                    if left_kind != right_kind {
                        return Err(
                            "a number met by a duration: SQL needs the field's unit before \
                             reading; declare it, e.g. source: {units: {latency: ms}}"
                                .into(),
                        );
                    }
                    format!("{left_sql} {} {right_sql}", sql_op(*op))
                }
            },
            Expr::In {
                field,
                list,
                negated,
                ..
            } => {
                let (value, items) = match list {
                    ListLiteral::Numbers(values) => (
                        self.number(field),
                        values.iter().map(|n| number(*n)).collect::<Vec<_>>(),
                    ),
                    ListLiteral::Strings(values) => (
                        self.text(field),
                        values.iter().map(|s| d.string(s)).collect::<Vec<_>>(),
                    ),
                };
                let not = if *negated { "NOT " } else { "" };
                format!("{value} {not}IN ({})", items.join(", "))
            }
            Expr::Method {
                field, method, arg, ..
            } => {
                let text = self.text(field);
                match method {
                    Method::StartsWith => d.starts_with(&text, arg),
                    Method::EndsWith => d.ends_with(&text, arg),
                    Method::Contains => d.contains(&text, arg),
                    Method::Matches => d.matches(&text, arg),
                }
            }
            Expr::Not { operand, .. } => format!("NOT ({})", self.condition(operand)?),
            Expr::And { operands, .. } => self.join(operands, " AND ")?,
            Expr::Or { operands, .. } => self.join(operands, " OR ")?,
        })
    }

    fn join(&self, operands: &[Expr], with: &str) -> Result<String, String> {
        let parts = operands
            .iter()
            .map(|e| self.condition(e).map(|sql| format!("({sql})")))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(parts.join(with))
    }

    fn text(&self, field: &FieldRef) -> String {
        self.dialect.text(&(self.column)(&field.path))
    }

    fn number(&self, field: &FieldRef) -> String {
        self.dialect.number(&(self.column)(&field.path))
    }

    /// A field read as `true`/`false` (any case, spaces around), else `NULL`.
    fn boolean(&self, field: &FieldRef) -> String {
        let value = self.dialect.trimmed_lower(&self.text(field));
        format!("CASE {value} WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END")
    }

    /// An arithmetic value as SQL, with its kind.
    fn value(&self, operand: &Operand) -> Result<(String, Kind), String> {
        let d = self.dialect;
        Ok(match operand {
            Operand::Field(field) => match (self.unit)(&field.path) {
                FieldUnit::Known(unit) => (
                    format!("({} * {})", self.number(field), unit.nanoseconds()),
                    Kind::Duration,
                ),
                // A value written with a unit ("300ms") is not a double: NULL, invalid, as slo
                // finds a value with a unit met by a number.
                FieldUnit::Unitless | FieldUnit::PerRow => (self.number(field), Kind::Number),
            },
            Operand::Literal { value, .. } => match value {
                Literal::Number(n) => (double(d, *n), Kind::Number),
                Literal::Duration(n) => (double(d, *n), Kind::Duration),
                Literal::String(_) | Literal::Bool(_) => {
                    return Err("text and true/false cannot be computed with".into())
                }
            },
            Operand::Call { function, .. } => {
                return Err(format!(
                    "{}() of a list of values has no SQL form: compute it in the table, \
                     or map the field to a column with --column",
                    function.name()
                ))
            }
            Operand::Negate { operand, .. } => {
                let (sql, kind) = self.value(operand)?;
                (format!("(-{sql})"), kind)
            }
            Operand::Arith {
                op, left, right, ..
            } => {
                let (l, lk) = self.value(left)?;
                let (r, rk) = self.value(right)?;
                let kind = match (op, lk, rk) {
                    (ArithOp::Add | ArithOp::Sub, a, b) if a == b => a,
                    (ArithOp::Mul, Kind::Number, k) | (ArithOp::Mul, k, Kind::Number) => k,
                    (ArithOp::Div, k, Kind::Number) => k,
                    (ArithOp::Div, Kind::Duration, Kind::Duration) => Kind::Number,
                    _ => {
                        return Err(
                            "a number met by a duration: SQL needs the field's unit before \
                             reading; declare it, e.g. source: {units: {latency: ms}}"
                                .into(),
                        )
                    }
                };
                let sql = match op {
                    // Division by zero makes the row invalid, as in slo: NULL.
                    ArithOp::Div => format!("({l} / NULLIF({r}, 0))"),
                    other => format!("({l} {} {r})", other.as_str()),
                };
                (sql, kind)
            }
        })
    }
}

fn sql_op(op: CmpOp) -> &'static str {
    match op {
        CmpOp::Eq => "=",
        CmpOp::Ne => "<>",
        CmpOp::Lt => "<",
        CmpOp::Le => "<=",
        CmpOp::Gt => ">",
        CmpOp::Ge => ">=",
    }
}

fn bool_literal(value: bool) -> &'static str {
    if value {
        "TRUE"
    } else {
        "FALSE"
    }
}

/// A number literal as written in a comparison: exact decimal text.
fn number(n: Decimal) -> String {
    n.to_string()
}

/// A number literal in arithmetic, as a double: integer literals would divide as integers in
/// some engines (DataFusion, Trino).
fn double(dialect: Dialect, n: Decimal) -> String {
    let ty = match dialect {
        Dialect::BigQuery => "FLOAT64",
        _ => "DOUBLE",
    };
    format!("CAST({n} AS {ty})")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::parse;

    fn sql(text: &str, unit: FieldUnit) -> Result<String, String> {
        let column = |path: &FieldPath| path.to_string();
        let units = move |_: &FieldPath| unit;
        let writer = Writer {
            dialect: Dialect::DuckDb,
            column: &column,
            unit: &units,
        };
        writer.condition(&parse(text).unwrap())
    }

    #[test]
    fn comparisons_read_numbers_and_text_through_null_giving_casts() {
        assert_eq!(
            sql("status >= 500 and route == \"/a\"", FieldUnit::Unitless).unwrap(),
            format!(
                "({} >= 500) AND (CAST(route AS VARCHAR) = '/a')",
                Dialect::DuckDb.number("status")
            )
        );
        assert_eq!(
            sql("not (m in [\"GET\", \"HEAD\"]) or ok == true", FieldUnit::Unitless).unwrap(),
            "(NOT (CAST(m AS VARCHAR) IN ('GET', 'HEAD'))) OR (CASE lower(trim(CAST(ok AS VARCHAR))) \
             WHEN 'true' THEN TRUE WHEN 'false' THEN FALSE END = TRUE)"
        );
    }

    /// A number is read only from text that looks like a decimal, as slo reads one: engines'
    /// casts also take `NaN`, `inf` and `1_000`.
    #[test]
    fn a_number_is_cast_only_from_a_decimal() {
        assert_eq!(
            Dialect::DuckDb.number("x"),
            "CASE WHEN regexp_matches(CAST(x AS VARCHAR), '^[ \\t\\r\\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \\t\\r\\n]*$') \
             THEN TRY_CAST(x AS DOUBLE) END"
        );
    }

    #[test]
    fn durations_meet_fields_of_known_units_in_nanoseconds() {
        assert_eq!(
            sql(
                "t <= 300ms",
                FieldUnit::Known(crate::expr::TimeUnit::Seconds)
            )
            .unwrap(),
            format!(
                "({} * 1000000000) <= CAST(300000000 AS DOUBLE)",
                Dialect::DuckDb.number("t")
            )
        );
        assert!(sql("t <= 300ms", FieldUnit::PerRow)
            .unwrap_err()
            .contains("source: {units"));
    }

    #[test]
    fn division_by_zero_is_null_and_literals_divide_as_doubles() {
        assert_eq!(
            sql("a / b < 2", FieldUnit::Unitless).unwrap(),
            format!(
                "({} / NULLIF({}, 0)) < CAST(2 AS DOUBLE)",
                Dialect::DuckDb.number("a"),
                Dialect::DuckDb.number("b")
            )
        );
    }
}
