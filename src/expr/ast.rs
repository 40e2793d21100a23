//! The syntax tree of a parsed expression.
//!
//! The tree is deliberately "normalised but not compiled": a comparison with a
//! literal has the literal on the right, `and`/`or` chains are flattened into
//! n-ary nodes, literals are exact decimals (durations in nanoseconds), and
//! every node remembers its [`Span`] in the source. It holds no evaluation
//! logic, so the same tree can later be translated into another query language
//! (SQL, PromQL) or pretty-printed.

use std::fmt;

pub use super::exact::Decimal;

/// A range of byte offsets `start..end` into the source string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// Offset of the first byte (0-based).
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

impl Span {
    /// Creates a span.
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// The path of a field inside a row: `http.status` is `["http", "status"]`,
/// `field("user-agent")` is `["user-agent"]`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath(pub Vec<String>);

impl fmt::Display for FieldPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(".")?;
            }
            f.write_str(segment)?;
        }
        Ok(())
    }
}

impl FieldPath {
    /// The field as an expression writes it: `http.status`, or `field("sc-status")` when a
    /// part of its name is not an identifier (for messages that suggest an expression).
    pub fn as_expression(&self) -> String {
        let identifier = |s: &str| {
            s.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && !matches!(s, "and" | "or" | "not" | "in" | "true" | "false")
        };
        match self.0.split_first() {
            Some((first, rest)) if !identifier(first) && rest.iter().all(|s| identifier(s)) => {
                let mut out = format!("field({first:?})");
                for segment in rest {
                    out.push('.');
                    out.push_str(segment);
                }
                out
            }
            _ if self.0.iter().all(|s| identifier(s)) => self.to_string(),
            _ => format!("field({:?})", self.to_string()),
        }
    }
}

/// A reference to a field, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The field's path.
    pub path: FieldPath,
    /// Where the reference (including `field(...)`) was written.
    pub span: Span,
}

/// A literal value.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number, exactly as written (`0.3` is three tenths, not the nearest `f64`).
    Number(Decimal),
    /// A duration (`300ms`, `1.5s`, `1h30m`), in nanoseconds, exactly.
    Duration(Decimal),
    /// A string, escapes already resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
}

/// An arithmetic operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArithOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`, exact division (`503 / 100` is `5.03`).
    Div,
}

impl ArithOp {
    /// The operator as written in the source.
    pub fn as_str(self) -> &'static str {
        match self {
            ArithOp::Add => "+",
            ArithOp::Sub => "-",
            ArithOp::Mul => "*",
            ArithOp::Div => "/",
        }
    }
}

/// A function of a field that holds several values, as nginx writes
/// `upstream_response_time` for a retried request (`0.000, 0.854`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Function {
    /// `sum(x)`: all the values added up.
    Sum,
    /// `first(x)`: the first value.
    First,
    /// `last(x)`: the last value (the upstream that answered).
    Last,
}

impl Function {
    /// All functions, in the order they are suggested.
    pub const ALL: [Function; 3] = [Function::Sum, Function::Last, Function::First];

    /// The function's name as written in the source.
    pub fn name(self) -> &'static str {
        match self {
            Function::Sum => "sum",
            Function::First => "first",
            Function::Last => "last",
        }
    }

    /// Looks a function up by its exact name.
    pub fn from_name(name: &str) -> Option<Function> {
        Function::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// A value that comparisons compare: a field, a literal, a function of a field, or arithmetic
/// over them.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// A field's value.
    Field(FieldRef),
    /// A literal.
    Literal {
        /// The value.
        value: Literal,
        /// Where it was written.
        span: Span,
    },
    /// `sum(x)`, `first(x)`, `last(x)`.
    Call {
        /// Which function.
        function: Function,
        /// The field it reads.
        field: FieldRef,
        /// The whole call.
        span: Span,
    },
    /// `-x`.
    Negate {
        /// The negated value.
        operand: Box<Operand>,
        /// The whole expression, including the sign.
        span: Span,
    },
    /// `a + b`, `a - b`, `a * b`, `a / b`.
    Arith {
        /// The operator.
        op: ArithOp,
        /// The left operand.
        left: Box<Operand>,
        /// The right operand.
        right: Box<Operand>,
        /// The whole expression.
        span: Span,
    },
}

impl Operand {
    /// Where this value was written.
    pub fn span(&self) -> Span {
        match self {
            Operand::Field(field) => field.span,
            Operand::Literal { span, .. }
            | Operand::Call { span, .. }
            | Operand::Negate { span, .. }
            | Operand::Arith { span, .. } => *span,
        }
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a FieldRef>) {
        match self {
            Operand::Field(field) | Operand::Call { field, .. } => push_field(out, field),
            Operand::Literal { .. } => {}
            Operand::Negate { operand, .. } => operand.collect_fields(out),
            Operand::Arith { left, right, .. } => {
                left.collect_fields(out);
                right.collect_fields(out);
            }
        }
    }
}

fn push_field<'a>(out: &mut Vec<&'a FieldRef>, field: &'a FieldRef) {
    if !out.iter().any(|seen| seen.path == field.path) {
        out.push(field);
    }
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CmpOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

impl CmpOp {
    /// The operator with its operands swapped: `500 > x` is `x < 500`.
    pub fn flipped(self) -> CmpOp {
        match self {
            CmpOp::Eq => CmpOp::Eq,
            CmpOp::Ne => CmpOp::Ne,
            CmpOp::Lt => CmpOp::Gt,
            CmpOp::Le => CmpOp::Ge,
            CmpOp::Gt => CmpOp::Lt,
            CmpOp::Ge => CmpOp::Le,
        }
    }

    /// The operator as written in the source.
    pub fn as_str(self) -> &'static str {
        match self {
            CmpOp::Eq => "==",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

/// A string method called on a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// `x.startsWith("...")`
    StartsWith,
    /// `x.endsWith("...")`
    EndsWith,
    /// `x.contains("...")`
    Contains,
    /// `x.matches("regex")`
    Matches,
}

impl Method {
    /// All methods, in the order they are suggested.
    pub const ALL: [Method; 4] = [
        Method::StartsWith,
        Method::EndsWith,
        Method::Contains,
        Method::Matches,
    ];

    /// The method's name as written in the source.
    pub fn name(self) -> &'static str {
        match self {
            Method::StartsWith => "startsWith",
            Method::EndsWith => "endsWith",
            Method::Contains => "contains",
            Method::Matches => "matches",
        }
    }

    /// Looks a method up by its exact name.
    pub fn from_name(name: &str) -> Option<Method> {
        Method::ALL.into_iter().find(|m| m.name() == name)
    }
}

/// The literal list on the right of `in`: all numbers or all strings.
#[derive(Debug, Clone, PartialEq)]
pub enum ListLiteral {
    /// `[200, 204]`
    Numbers(Vec<Decimal>),
    /// `["GET", "HEAD"]`
    Strings(Vec<String>),
}

/// A boolean expression over the fields of a row.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `true` or `false` alone.
    Bool {
        /// The value.
        value: bool,
        /// Where it was written.
        span: Span,
    },
    /// A field used alone as a condition: true when its text is `true`.
    Field(FieldRef),
    /// `left OP right`; a literal written on the left of anything else is moved
    /// to the right and the operator flipped (`500 > x` becomes `x < 500`).
    Compare {
        /// The left side.
        left: Box<Operand>,
        /// The operator.
        op: CmpOp,
        /// The right side: the literal, if there is one.
        right: Box<Operand>,
        /// The whole comparison.
        span: Span,
    },
    /// `field in [...]`, or `field not in [...]` when `negated`.
    In {
        /// The field.
        field: FieldRef,
        /// The list.
        list: ListLiteral,
        /// `not in`.
        negated: bool,
        /// The whole expression.
        span: Span,
    },
    /// `field.method("arg")`.
    Method {
        /// The field the method is called on.
        field: FieldRef,
        /// Which method.
        method: Method,
        /// The string argument, escapes resolved.
        arg: String,
        /// Where the argument literal was written.
        arg_span: Span,
        /// The whole call.
        span: Span,
    },
    /// `not x` / `!x`.
    Not {
        /// The negated expression.
        operand: Box<Expr>,
        /// The whole expression, including the operator.
        span: Span,
    },
    /// `a and b and ...` (at least two operands).
    And {
        /// The operands, in source order.
        operands: Vec<Expr>,
        /// The whole expression.
        span: Span,
    },
    /// `a or b or ...` (at least two operands).
    Or {
        /// The operands, in source order.
        operands: Vec<Expr>,
        /// The whole expression.
        span: Span,
    },
}

impl Expr {
    /// Where this expression was written.
    pub fn span(&self) -> Span {
        match self {
            Expr::Bool { span, .. }
            | Expr::Compare { span, .. }
            | Expr::In { span, .. }
            | Expr::Method { span, .. }
            | Expr::Not { span, .. }
            | Expr::And { span, .. }
            | Expr::Or { span, .. } => *span,
            Expr::Field(field) => field.span,
        }
    }

    /// The distinct fields referenced, in order of first appearance.
    pub fn fields(&self) -> Vec<&FieldPath> {
        self.field_refs()
            .into_iter()
            .map(|field| &field.path)
            .collect()
    }

    /// The first reference to each distinct field, in order, with where it was written.
    pub fn field_refs(&self) -> Vec<&FieldRef> {
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a FieldRef>) {
        match self {
            Expr::Bool { .. } => {}
            Expr::Field(field) | Expr::In { field, .. } | Expr::Method { field, .. } => {
                push_field(out, field);
            }
            Expr::Compare { left, right, .. } => {
                left.collect_fields(out);
                right.collect_fields(out);
            }
            Expr::Not { operand, .. } => operand.collect_fields(out),
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                for operand in operands {
                    operand.collect_fields(out);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(name: &str, start: usize) -> FieldRef {
        FieldRef {
            path: FieldPath(name.split('.').map(str::to_owned).collect()),
            span: Span::new(start, start + name.len()),
        }
    }

    #[test]
    fn field_path_display_joins_with_dots() {
        let path = FieldPath(vec!["http".into(), "status".into()]);
        assert_eq!(path.to_string(), "http.status");
        assert_eq!(
            FieldPath(vec!["user-agent".into()]).to_string(),
            "user-agent"
        );
    }

    #[test]
    fn field_paths_as_expressions() {
        let path = |parts: &[&str]| FieldPath(parts.iter().map(|s| s.to_string()).collect());
        assert_eq!(path(&["http", "status"]).as_expression(), "http.status");
        assert_eq!(path(&["sc-status"]).as_expression(), "field(\"sc-status\")");
        assert_eq!(path(&["x-y", "z"]).as_expression(), "field(\"x-y\").z");
        assert_eq!(path(&["a", "b-c"]).as_expression(), "field(\"a.b-c\")");
        assert_eq!(path(&["in"]).as_expression(), "field(\"in\")");
    }

    #[test]
    fn fields_are_distinct_in_order_of_first_appearance() {
        let expr = Expr::Or {
            operands: vec![
                Expr::Field(field("b", 0)),
                Expr::Not {
                    operand: Box::new(Expr::Field(field("a.x", 5))),
                    span: Span::new(4, 8),
                },
                Expr::Compare {
                    left: Box::new(Operand::Arith {
                        op: ArithOp::Add,
                        left: Box::new(Operand::Field(field("b", 10))),
                        right: Box::new(Operand::Call {
                            function: Function::Sum,
                            field: field("d", 13),
                            span: Span::new(9, 14),
                        }),
                        span: Span::new(10, 14),
                    }),
                    op: CmpOp::Lt,
                    right: Box::new(Operand::Literal {
                        value: Literal::Number(Decimal::new(1, 0)),
                        span: Span::new(14, 15),
                    }),
                    span: Span::new(10, 15),
                },
                Expr::Bool {
                    value: true,
                    span: Span::new(16, 20),
                },
                Expr::Method {
                    field: field("c", 21),
                    method: Method::Contains,
                    arg: "x".into(),
                    arg_span: Span::new(32, 35),
                    span: Span::new(21, 36),
                },
            ],
            span: Span::new(0, 36),
        };
        let names: Vec<String> = expr.fields().iter().map(|p| p.to_string()).collect();
        assert_eq!(names, ["b", "a.x", "d", "c"]);
        assert_eq!(expr.span(), Span::new(0, 36));
    }

    #[test]
    fn flipped_operators() {
        assert_eq!(CmpOp::Lt.flipped(), CmpOp::Gt);
        assert_eq!(CmpOp::Ge.flipped(), CmpOp::Le);
        assert_eq!(CmpOp::Eq.flipped(), CmpOp::Eq);
        assert_eq!(CmpOp::Ne.flipped(), CmpOp::Ne);
        for op in [
            CmpOp::Eq,
            CmpOp::Ne,
            CmpOp::Lt,
            CmpOp::Le,
            CmpOp::Gt,
            CmpOp::Ge,
        ] {
            assert_eq!(op.flipped().flipped(), op);
        }
    }

    #[test]
    fn method_names_round_trip() {
        for m in Method::ALL {
            assert_eq!(Method::from_name(m.name()), Some(m));
        }
        assert_eq!(Method::from_name("startswith"), None);
        for f in Function::ALL {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
        assert_eq!(Function::from_name("field"), None);
    }
}
