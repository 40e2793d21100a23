//! The syntax tree of a parsed expression.
//!
//! The tree is deliberately "normalised but not compiled": every comparison
//! has the field on the left and the literal on the right, `and`/`or` chains
//! are flattened into n-ary nodes, and every node remembers its [`Span`] in
//! the source. It holds no evaluation logic, so the same tree can later be
//! translated into another query language (SQL, PromQL) or pretty-printed.

use std::fmt;

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

/// A reference to a field, with where it was written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldRef {
    /// The field's path.
    pub path: FieldPath,
    /// Where the reference (including `field(...)`) was written.
    pub span: Span,
}

/// A literal value that a field is compared with.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A finite number.
    Number(f64),
    /// A string, escapes already resolved.
    String(String),
    /// `true` or `false`.
    Bool(bool),
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
    Numbers(Vec<f64>),
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
    /// `field OP literal`; a literal written on the left is moved to the
    /// right and the operator flipped (`500 > x` becomes `x < 500`).
    Compare {
        /// The field.
        field: FieldRef,
        /// The operator, as if the field were written on the left.
        op: CmpOp,
        /// The literal.
        value: Literal,
        /// Where the literal was written.
        value_span: Span,
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
        let mut out = Vec::new();
        self.collect_fields(&mut out);
        out
    }

    fn collect_fields<'a>(&'a self, out: &mut Vec<&'a FieldPath>) {
        let field = match self {
            Expr::Bool { .. } => return,
            Expr::Field(field)
            | Expr::Compare { field, .. }
            | Expr::In { field, .. }
            | Expr::Method { field, .. } => field,
            Expr::Not { operand, .. } => return operand.collect_fields(out),
            Expr::And { operands, .. } | Expr::Or { operands, .. } => {
                for operand in operands {
                    operand.collect_fields(out);
                }
                return;
            }
        };
        if !out.contains(&&field.path) {
            out.push(&field.path);
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
    fn fields_are_distinct_in_order_of_first_appearance() {
        let expr = Expr::Or {
            operands: vec![
                Expr::Field(field("b", 0)),
                Expr::Not {
                    operand: Box::new(Expr::Field(field("a.x", 5))),
                    span: Span::new(4, 8),
                },
                Expr::Compare {
                    field: field("b", 10),
                    op: CmpOp::Lt,
                    value: Literal::Number(1.0),
                    value_span: Span::new(14, 15),
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
        assert_eq!(names, ["b", "a.x", "c"]);
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
    }
}
