//! Recursive-descent parser from source text to [`Expr`].
//!
//! Grammar, loosest binding first:
//!
//! ```text
//! or      := and (("or" | "||") and)*
//! and     := cmp (("and" | "&&") cmp)*
//! cmp     := unary ( CMPOP unary | ["not"] "in" list )?
//! unary   := ("not" | "!") unary | "(" or ")" | atom
//! atom    := literal | "-" NUMBER
//!          | path ("." METHOD "(" STRING ")")?
//! path    := (IDENT | "field" "(" STRING ")") ("." IDENT)*
//! list    := "[" (literal ("," literal)* ","?)? "]"
//! ```
//!
//! Because `not` binds tighter than comparisons, `not a == 1` would compare
//! a negation with a literal; that is rejected with a hint to write
//! `not (a == 1)`. Nesting (parentheses and `not`) is limited to
//! [`MAX_DEPTH`] levels so that no input can overflow the stack.

use std::fmt;

use super::ast::{CmpOp, Expr, FieldPath, FieldRef, ListLiteral, Literal, Method, Span};
use super::lexer::{Lexer, Tok, Token};

/// Maximum nesting of parentheses and `not`.
pub const MAX_DEPTH: usize = 100;

/// Maximum length of a source expression, in bytes.
pub const MAX_SOURCE_LEN: usize = 64 * 1024;

/// A syntax error, with the byte offset of the offending token.
#[derive(Debug, Clone, PartialEq)]
pub struct ParseError {
    /// 0-based byte offset into the source; `source.len()` for an error at
    /// the end of the input. Always on a character boundary.
    pub offset: usize,
    /// What is wrong and, where possible, what to do about it.
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

impl std::error::Error for ParseError {}

/// Parses a boolean expression such as `status >= 500 or latency_ms > 300`.
///
/// # Errors
///
/// A syntax error, with the column where it is.
pub fn parse(source: &str) -> Result<Expr, ParseError> {
    if source.len() > MAX_SOURCE_LEN {
        return Err(err(
            0,
            format!(
                "expression is too long ({} bytes; the limit is {MAX_SOURCE_LEN})",
                source.len()
            ),
        ));
    }
    let mut parser = Parser::new(source)?;
    if parser.tok.tok == Tok::Eof {
        return Err(err(
            parser.tok.span.start,
            "empty expression; write a condition such as status < 500",
        ));
    }
    let expr = parser.or_expr()?;
    match parser.tok.tok {
        Tok::Eof => Ok(expr),
        Tok::RParen => Err(err(
            parser.tok.span.start,
            "unmatched ')'; remove it or add a '(' before",
        )),
        ref other => Err(err(
            parser.tok.span.start,
            format!(
                "expected 'and', 'or' or the end of the expression, found {}",
                other.describe()
            ),
        )),
    }
}

fn err(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: message.into(),
    }
}

/// A parsed operand: comparisons need to know whether each side is a field,
/// a literal or already a condition.
enum Term {
    Field(FieldRef),
    Lit(Literal, Span),
    Cond(Expr),
}

impl Term {
    fn start(&self) -> usize {
        match self {
            Term::Field(f) => f.span.start,
            Term::Lit(_, span) => span.start,
            Term::Cond(e) => e.span().start,
        }
    }
}

struct Parser<'a> {
    src: &'a str,
    lexer: Lexer<'a>,
    /// The current (not yet consumed) token.
    tok: Token,
    /// Span of the most recently consumed token.
    last: Option<Span>,
    depth: usize,
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Result<Parser<'a>, ParseError> {
        let mut lexer = Lexer::new(src);
        let tok = lexer.next_token()?;
        Ok(Parser {
            src,
            lexer,
            tok,
            last: None,
            depth: 0,
        })
    }

    /// Consumes the current token and returns it.
    fn bump(&mut self) -> Result<Token, ParseError> {
        let next = self.lexer.next_token()?;
        let tok = std::mem::replace(&mut self.tok, next);
        self.last = Some(tok.span);
        Ok(tok)
    }

    fn at_keyword(&self, kw: &str) -> bool {
        matches!(&self.tok.tok, Tok::Ident(name) if name == kw)
    }

    fn at_or(&self) -> bool {
        self.tok.tok == Tok::OrOr || self.at_keyword("or")
    }

    fn at_and(&self) -> bool {
        self.tok.tok == Tok::AndAnd || self.at_keyword("and")
    }

    fn enter(&mut self, at: usize) -> Result<(), ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(err(
                at,
                format!(
                    "expression nests too deeply (more than {MAX_DEPTH} levels of parentheses and 'not')"
                ),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `cmp (and cmp)* (or cmp (and cmp)*)*`, built in one loop so that
    /// each level of parentheses costs as few stack frames as possible.
    fn or_expr(&mut self) -> Result<Expr, ParseError> {
        let mut ors = Vec::new();
        let mut ands = Vec::new();
        loop {
            ands.push(self.cmp_expr()?);
            if self.at_and() {
                self.bump()?;
                continue;
            }
            ors.push(join(std::mem::take(&mut ands), false));
            if self.at_or() {
                self.bump()?;
                continue;
            }
            return Ok(join(ors, true));
        }
    }

    fn cmp_op(&self) -> Option<CmpOp> {
        Some(match self.tok.tok {
            Tok::EqEq => CmpOp::Eq,
            Tok::Ne => CmpOp::Ne,
            Tok::Lt => CmpOp::Lt,
            Tok::Le => CmpOp::Le,
            Tok::Gt => CmpOp::Gt,
            Tok::Ge => CmpOp::Ge,
            _ => return None,
        })
    }

    fn cmp_expr(&mut self) -> Result<Expr, ParseError> {
        let lhs = self.unary()?;
        if let Some(op) = self.cmp_op() {
            let op_span = self.bump()?.span;
            // The right side may nest (`x == (((...`), so it is parsed here
            // and everything else happens in non-recursive helpers, keeping
            // the frames on the recursion path small.
            let rhs = self.unary()?;
            let expr = self.comparison(lhs, op, op_span, rhs)?;
            self.no_chaining()?;
            return Ok(expr);
        }
        self.cmp_rest(lhs)
    }

    /// The rest of a comparison that is not `a OP b`: `in`, `not in` or none.
    fn cmp_rest(&mut self, lhs: Term) -> Result<Expr, ParseError> {
        let expr = if self.at_keyword("in") {
            let in_span = self.bump()?.span;
            self.in_list(lhs, false, in_span)?
        } else if self.at_keyword("not") {
            let not_span = self.bump()?.span;
            if !self.at_keyword("in") {
                return Err(err(
                    not_span.start,
                    "unexpected 'not' here; did you mean 'not in', as in method not in [\"GET\"]? \
                     To negate a condition, put 'not' before it",
                ));
            }
            self.bump()?;
            self.in_list(lhs, true, not_span)?
        } else {
            return self.condition(lhs);
        };
        self.no_chaining()?;
        Ok(expr)
    }

    fn no_chaining(&self) -> Result<(), ParseError> {
        if self.cmp_op().is_some() || self.at_keyword("in") {
            return Err(err(
                self.tok.span.start,
                "comparisons cannot be chained; combine them with 'and', e.g. 200 <= status and status < 300",
            ));
        }
        Ok(())
    }

    /// Turns a term used on its own into a condition.
    fn condition(&self, term: Term) -> Result<Expr, ParseError> {
        match term {
            Term::Field(field) => Ok(Expr::Field(field)),
            Term::Cond(expr) => Ok(expr),
            Term::Lit(Literal::Bool(value), span) => Ok(Expr::Bool { value, span }),
            Term::Lit(Literal::Number(_), span) => Err(err(
                span.start,
                "a number alone is not a condition; compare a field with it, e.g. status == 500",
            )),
            Term::Lit(Literal::String(_), span) => Err(err(
                span.start,
                "a string alone is not a condition; compare a field with it, e.g. method == \"GET\"",
            )),
        }
    }

    fn comparison(
        &self,
        lhs: Term,
        op: CmpOp,
        op_span: Span,
        rhs: Term,
    ) -> Result<Expr, ParseError> {
        const HINT: &str = "compare a field with a literal, e.g. status < 500";
        let sym = op.as_str();
        let (field, op, value, value_span) = match (lhs, rhs) {
            (Term::Field(field), Term::Lit(value, span)) => (field, op, value, span),
            (Term::Lit(value, span), Term::Field(field)) => (field, op.flipped(), value, span),
            (Term::Lit(..), Term::Lit(..)) => {
                return Err(err(
                    op_span.start,
                    format!("'{sym}' compares two literals; {HINT}"),
                ))
            }
            (Term::Field(_), Term::Field(_)) => {
                return Err(err(
                    op_span.start,
                    format!("'{sym}' compares two fields, which is not supported; {HINT}"),
                ))
            }
            (Term::Cond(Expr::Not { .. }), _) => {
                return Err(err(
                    op_span.start,
                    format!(
                        "'not' binds tighter than '{sym}', so this compares a negation; \
                         wrap the comparison in parentheses: not (status {sym} 500)"
                    ),
                ))
            }
            (Term::Cond(_), _) => {
                return Err(err(
                    op_span.start,
                    format!("the left side of '{sym}' is a condition, not a value; {HINT}"),
                ))
            }
            (_, rhs @ Term::Cond(_)) => {
                return Err(err(
                    rhs.start(),
                    format!("the right side of '{sym}' is a condition, not a value; {HINT}"),
                ))
            }
        };
        if matches!(value, Literal::Bool(_)) && !matches!(op, CmpOp::Eq | CmpOp::Ne) {
            return Err(err(
                value_span.start,
                format!("true and false can only be compared with '==' or '!=', not '{sym}'"),
            ));
        }
        let span = field.span.to(value_span);
        Ok(Expr::Compare {
            field,
            op,
            value,
            value_span,
            span,
        })
    }

    /// Parses the list after `in` / `not in`; `op_span` is the operator.
    fn in_list(&mut self, lhs: Term, negated: bool, op_span: Span) -> Result<Expr, ParseError> {
        let op = if negated { "not in" } else { "in" };
        let field = match lhs {
            Term::Field(field) => field,
            Term::Cond(Expr::Not { .. }) => return Err(err(
                op_span.start,
                "'not' binds tighter than 'in'; write status not in [...] or not (status in [...])",
            )),
            other => {
                return Err(err(
                    other.start(),
                    format!("the left side of '{op}' must be a field, e.g. status {op} [500, 503]"),
                ))
            }
        };
        if self.tok.tok != Tok::LBracket {
            return Err(err(
                self.tok.span.start,
                format!("expected a list after '{op}', e.g. status {op} [500, 503]"),
            ));
        }
        let open = self.bump()?.span;
        let mut numbers = Vec::new();
        let mut strings = Vec::new();
        loop {
            if self.tok.tok == Tok::RBracket {
                break;
            }
            let item = self.bump()?;
            match item.tok {
                Tok::Number(n) => numbers.push((n, item.span)),
                Tok::Minus => match self.tok.tok {
                    Tok::Number(n) => {
                        let span = self.bump()?.span;
                        numbers.push((-n, item.span.to(span)));
                    }
                    _ => return Err(err(self.tok.span.start, "'-' must be followed by a number")),
                },
                Tok::Str(s) => strings.push((s, item.span)),
                Tok::Eof => {
                    return Err(err(
                        item.span.start,
                        format!(
                            "unclosed list; add ']' to close the '[' at offset {}",
                            open.start
                        ),
                    ))
                }
                _ => {
                    return Err(err(
                        item.span.start,
                        format!(
                            "list items must be number or string literals, found {}",
                            item.tok.describe()
                        ),
                    ))
                }
            }
            if !numbers.is_empty() && !strings.is_empty() {
                return Err(err(
                    item.span.start,
                    "the list mixes numbers and strings; use only numbers or only strings",
                ));
            }
            match self.tok.tok {
                Tok::Comma => {
                    self.bump()?;
                }
                Tok::RBracket => break,
                Tok::Eof => {
                    return Err(err(
                        self.tok.span.start,
                        format!(
                            "unclosed list; add ']' to close the '[' at offset {}",
                            open.start
                        ),
                    ))
                }
                ref other => {
                    return Err(err(
                        self.tok.span.start,
                        format!(
                            "expected ',' or ']' in the list, found {}",
                            other.describe()
                        ),
                    ))
                }
            }
        }
        let close = self.bump()?.span;
        let list = if !strings.is_empty() {
            ListLiteral::Strings(strings.into_iter().map(|(s, _)| s).collect())
        } else if !numbers.is_empty() {
            ListLiteral::Numbers(numbers.into_iter().map(|(n, _)| n).collect())
        } else {
            return Err(err(
                close.start,
                format!("the list after '{op}' is empty; add at least one value"),
            ));
        };
        Ok(Expr::In {
            span: field.span.to(close),
            field,
            list,
            negated,
        })
    }

    fn unary(&mut self) -> Result<Term, ParseError> {
        if self.tok.tok == Tok::Bang || self.at_keyword("not") {
            let op = self.bump()?.span;
            self.enter(op.start)?;
            let operand = self.unary()?;
            self.leave();
            return self.negation(op, operand);
        }
        if self.tok.tok == Tok::LParen {
            return self.paren();
        }
        self.atom()
    }

    fn negation(&self, op: Span, operand: Term) -> Result<Term, ParseError> {
        let operand = self.condition(operand)?;
        let span = op.to(operand.span());
        Ok(Term::Cond(Expr::Not {
            operand: Box::new(operand),
            span,
        }))
    }

    fn paren(&mut self) -> Result<Term, ParseError> {
        let open = self.bump()?.span;
        self.enter(open.start)?;
        if self.tok.tok == Tok::RParen {
            return Err(self.empty_parens());
        }
        let inner = self.or_expr()?;
        if self.tok.tok != Tok::RParen {
            return Err(self.unclosed_paren(open));
        }
        self.bump()?;
        self.leave();
        Ok(Self::unparen(inner))
    }

    fn unparen(inner: Expr) -> Term {
        match inner {
            Expr::Field(field) => Term::Field(field),
            Expr::Bool { value, span } => Term::Lit(Literal::Bool(value), span),
            other => Term::Cond(other),
        }
    }

    #[cold]
    #[inline(never)]
    fn empty_parens(&self) -> ParseError {
        err(
            self.tok.span.start,
            "empty parentheses; put a condition inside",
        )
    }

    #[cold]
    #[inline(never)]
    fn unclosed_paren(&self, open: Span) -> ParseError {
        err(
            self.tok.span.start,
            format!(
                "expected ')' to close the '(' at offset {}, found {}",
                open.start,
                self.tok.tok.describe()
            ),
        )
    }

    fn expected_value(&self) -> ParseError {
        let after = match self.last {
            Some(span) => format!(" after '{}'", &self.src[span.start..span.end]),
            None => String::new(),
        };
        let message = match &self.tok.tok {
            Tok::Eof => format!("expected a value{after}"),
            Tok::Ident(kw) if is_keyword(kw) => format!(
                "expected a value{after}, found the keyword '{kw}'; \
                 for a field with this name write field(\"{kw}\")"
            ),
            other => format!("expected a value{after}, found {}", other.describe()),
        };
        err(self.tok.span.start, message)
    }

    /// A value that does not nest: a literal, a field or a method call.
    fn atom(&mut self) -> Result<Term, ParseError> {
        match &self.tok.tok {
            Tok::Number(n) => {
                let n = *n;
                let span = self.bump()?.span;
                self.no_method_on_literal()?;
                Ok(Term::Lit(Literal::Number(n), span))
            }
            Tok::Minus => {
                let minus = self.bump()?.span;
                let Tok::Number(n) = self.tok.tok else {
                    return Err(err(self.tok.span.start, "'-' must be followed by a number"));
                };
                let span = minus.to(self.bump()?.span);
                Ok(Term::Lit(Literal::Number(-n), span))
            }
            Tok::Str(_) => {
                let token = self.bump()?;
                let Tok::Str(s) = token.tok else {
                    return Err(err(token.span.start, "expected a string"));
                };
                self.no_method_on_literal()?;
                Ok(Term::Lit(Literal::String(s), token.span))
            }
            Tok::Ident(name) if name == "true" || name == "false" => {
                let value = name == "true";
                let span = self.bump()?.span;
                self.no_method_on_literal()?;
                Ok(Term::Lit(Literal::Bool(value), span))
            }
            Tok::Ident(name) if !is_keyword(name) => self.path(),
            _ => Err(self.expected_value()),
        }
    }

    fn no_method_on_literal(&self) -> Result<(), ParseError> {
        if self.tok.tok == Tok::Dot {
            return Err(err(
                self.tok.span.start,
                "methods can only be called on a field, e.g. path.startsWith(\"/api\")",
            ));
        }
        Ok(())
    }

    /// A field path, optionally followed by a method call.
    fn path(&mut self) -> Result<Term, ParseError> {
        let first = self.bump()?;
        let Tok::Ident(name) = first.tok else {
            return Err(self.expected_value());
        };
        let mut span = first.span;
        let mut segments = Vec::new();
        if self.tok.tok == Tok::LParen {
            if name != "field" {
                return Err(unknown_function(&name, first.span.start));
            }
            self.bump()?;
            let Tok::Str(ref field_name) = self.tok.tok else {
                return Err(err(
                    self.tok.span.start,
                    "field(...) takes the field's name as a string literal, e.g. field(\"user-agent\")",
                ));
            };
            if field_name.is_empty() {
                return Err(err(
                    self.tok.span.start,
                    "the field name is empty; write e.g. field(\"user-agent\")",
                ));
            }
            segments.push(field_name.clone());
            self.bump()?;
            if self.tok.tok != Tok::RParen {
                return Err(err(
                    self.tok.span.start,
                    "field(...) takes exactly one string argument; expected ')'",
                ));
            }
            span = span.to(self.bump()?.span);
        } else {
            segments.push(name);
        }
        while self.tok.tok == Tok::Dot {
            self.bump()?;
            let Tok::Ident(ref segment) = self.tok.tok else {
                return Err(err(
                    self.tok.span.start,
                    format!(
                        "expected a field name or a method after '.', found {}",
                        self.tok.tok.describe()
                    ),
                ));
            };
            let segment = segment.clone();
            let seg_span = self.bump()?.span;
            if self.tok.tok == Tok::LParen {
                let field = FieldRef {
                    path: FieldPath(segments),
                    span,
                };
                return self.method_call(field, &segment, seg_span);
            }
            segments.push(segment);
            span = span.to(seg_span);
        }
        Ok(Term::Field(FieldRef {
            path: FieldPath(segments),
            span,
        }))
    }

    fn method_call(
        &mut self,
        field: FieldRef,
        name: &str,
        name_span: Span,
    ) -> Result<Term, ParseError> {
        let method =
            Method::from_name(name).ok_or_else(|| unknown_method(name, name_span.start))?;
        let mname = method.name();
        self.bump()?; // '('
        let (arg, arg_span) = match &self.tok.tok {
            Tok::Str(s) => (s.clone(), self.tok.span),
            Tok::RParen => {
                return Err(err(
                    self.tok.span.start,
                    format!(
                        "'{mname}' needs one string argument, e.g. {}",
                        example(method)
                    ),
                ))
            }
            other => {
                return Err(err(
                    self.tok.span.start,
                    format!(
                        "the argument of '{mname}' must be a string literal, found {}; e.g. {}",
                        other.describe(),
                        example(method)
                    ),
                ))
            }
        };
        self.bump()?;
        if self.tok.tok != Tok::RParen {
            return Err(err(
                self.tok.span.start,
                format!("'{mname}' takes exactly one argument; expected ')'"),
            ));
        }
        let close = self.bump()?.span;
        if self.tok.tok == Tok::Dot {
            return Err(err(
                self.tok.span.start,
                "a method's result has no methods; combine conditions with 'and' or 'or'",
            ));
        }
        Ok(Term::Cond(Expr::Method {
            span: field.span.to(close),
            field,
            method,
            arg,
            arg_span,
        }))
    }
}

/// Combines the operands of an `and` (or an `or`) chain; one operand stays
/// as it is.
fn join(mut operands: Vec<Expr>, or: bool) -> Expr {
    if operands.len() == 1 {
        if let Some(only) = operands.pop() {
            return only;
        }
    }
    let span = match (operands.first(), operands.last()) {
        (Some(first), Some(last)) => first.span().to(last.span()),
        _ => Span::new(0, 0),
    };
    if or {
        Expr::Or { operands, span }
    } else {
        Expr::And { operands, span }
    }
}

fn is_keyword(word: &str) -> bool {
    matches!(word, "and" | "or" | "not" | "in" | "true" | "false")
}

fn example(method: Method) -> &'static str {
    match method {
        Method::StartsWith => "path.startsWith(\"/api\")",
        Method::EndsWith => "path.endsWith(\".json\")",
        Method::Contains => "field(\"user-agent\").contains(\"curl\")",
        Method::Matches => "path.matches(r\"^/v[0-9]+/\")",
    }
}

fn unknown_function(name: &str, offset: usize) -> ParseError {
    if let Some(method) = Method::from_name(name) {
        return err(
            offset,
            format!(
                "'{name}' is a method; call it on a field, e.g. {}",
                example(method)
            ),
        );
    }
    err(
        offset,
        format!(
            "unknown function '{name}'; the only function is field(\"name\"), for field names that are not identifiers"
        ),
    )
}

fn unknown_method(name: &str, offset: usize) -> ParseError {
    let normal: String = name
        .chars()
        .filter(|c| *c != '_')
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let alias = match normal.as_str() {
        "hasprefix" | "prefix" => Some(Method::StartsWith),
        "hassuffix" | "suffix" => Some(Method::EndsWith),
        "includes" | "has" | "find" => Some(Method::Contains),
        "match" | "regex" | "re" | "like" => Some(Method::Matches),
        _ => None,
    };
    let suggestion = alias.or_else(|| {
        Method::ALL
            .into_iter()
            .map(|m| {
                (
                    crate::suggest::edit_distance(&normal, &m.name().to_ascii_lowercase()),
                    m,
                )
            })
            .filter(|(d, _)| *d <= 2)
            .min_by_key(|(d, _)| *d)
            .map(|(_, m)| m)
    });
    let message = match suggestion {
        Some(m) => format!("unknown method '{name}'; did you mean '{}'?", m.name()),
        None => format!(
            "unknown method '{name}'; the methods are startsWith, endsWith, contains and matches"
        ),
    };
    err(offset, message)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    /// A compact rendering of the tree, for asserting structure.
    fn sexpr(e: &Expr) -> String {
        fn lit(l: &Literal) -> String {
            match l {
                Literal::Number(n) => n.to_string(),
                Literal::String(s) => format!("{s:?}"),
                Literal::Bool(b) => b.to_string(),
            }
        }
        fn join(operands: &[Expr]) -> String {
            operands.iter().map(sexpr).collect::<Vec<_>>().join(" ")
        }
        match e {
            Expr::Bool { value, .. } => value.to_string(),
            Expr::Field(f) => f.path.to_string(),
            Expr::Compare {
                field, op, value, ..
            } => format!("({} {} {})", op.as_str(), field.path, lit(value)),
            Expr::In {
                field,
                list,
                negated,
                ..
            } => {
                let items: Vec<String> = match list {
                    ListLiteral::Numbers(v) => v.iter().map(|n| n.to_string()).collect(),
                    ListLiteral::Strings(v) => v.iter().map(|s| format!("{s:?}")).collect(),
                };
                let op = if *negated { "notin" } else { "in" };
                format!("({op} {} [{}])", field.path, items.join(" "))
            }
            Expr::Method {
                field, method, arg, ..
            } => format!("({} {} {arg:?})", method.name(), field.path),
            Expr::Not { operand, .. } => format!("(not {})", sexpr(operand)),
            Expr::And { operands, .. } => format!("(and {})", join(operands)),
            Expr::Or { operands, .. } => format!("(or {})", join(operands)),
        }
    }

    fn p(src: &str) -> String {
        match parse(src) {
            Ok(e) => sexpr(&e),
            Err(e) => panic!("{src:?}: {e}"),
        }
    }

    fn perr(src: &str) -> (usize, String) {
        match parse(src) {
            Ok(e) => panic!("{src:?} parsed as {}", sexpr(&e)),
            Err(e) => (e.offset, e.message),
        }
    }

    #[test]
    fn comparison_operators() {
        assert_eq!(p("status == 500"), "(== status 500)");
        assert_eq!(p("status != 500"), "(!= status 500)");
        assert_eq!(p("status < 500"), "(< status 500)");
        assert_eq!(p("status <= 500"), "(<= status 500)");
        assert_eq!(p("status > 500"), "(> status 500)");
        assert_eq!(p("status >= 500"), "(>= status 500)");
        assert_eq!(p("method == \"GET\""), "(== method \"GET\")");
        assert_eq!(p("method == 'GET'"), "(== method \"GET\")");
        assert_eq!(p("ok == true"), "(== ok true)");
        assert_eq!(p("ok != false"), "(!= ok false)");
        assert_eq!(p("x > -5"), "(> x -5)");
        assert_eq!(p("x > 0.5"), "(> x 0.5)");
        assert_eq!(p("x < 1e3"), "(< x 1000)");
    }

    #[test]
    fn literal_on_the_left_is_flipped() {
        assert_eq!(p("500 > status"), "(< status 500)");
        assert_eq!(p("500 >= status"), "(<= status 500)");
        assert_eq!(p("500 < status"), "(> status 500)");
        assert_eq!(p("500 <= status"), "(>= status 500)");
        assert_eq!(p("500 == status"), "(== status 500)");
        assert_eq!(p("-1 != status"), "(!= status -1)");
        assert_eq!(p("true == flag"), "(== flag true)");
        let e = parse("500 > status").unwrap();
        let Expr::Compare {
            field,
            value_span,
            span,
            ..
        } = e
        else {
            panic!()
        };
        assert_eq!(field.span, Span::new(6, 12));
        assert_eq!(value_span, Span::new(0, 3));
        assert_eq!(span, Span::new(0, 12));
    }

    #[test]
    fn precedence() {
        assert_eq!(p("a or b and c"), "(or a (and b c))");
        assert_eq!(p("a and b or c and d"), "(or (and a b) (and c d))");
        assert_eq!(p("a || b && c"), "(or a (and b c))");
        assert_eq!(p("(a or b) and c"), "(and (or a b) c)");
        assert_eq!(p("not a and b"), "(and (not a) b)");
        assert_eq!(p("!a || !b"), "(or (not a) (not b))");
        assert_eq!(p("not not a"), "(not (not a))");
        assert_eq!(p("!(x == 1) or y"), "(or (not (== x 1)) y)");
        assert_eq!(
            p("x == 1 and y < 2 or z >= 3"),
            "(or (and (== x 1) (< y 2)) (>= z 3))"
        );
        assert_eq!(p("a and b and c and d"), "(and a b c d)");
        assert_eq!(p("a or b || c"), "(or a b c)");
        assert_eq!(p("(a)"), "a");
        assert_eq!(p("(status) == 500"), "(== status 500)");
        assert_eq!(p("true"), "true");
        assert_eq!(p("false or flag"), "(or false flag)");
        assert_eq!(p("!true"), "(not true)");
    }

    #[test]
    fn in_and_not_in() {
        assert_eq!(p("status in [500, 503]"), "(in status [500 503])");
        assert_eq!(p("status in [-1, 2,]"), "(in status [-1 2])");
        assert_eq!(p("m in ['GET', \"HEAD\"]"), "(in m [\"GET\" \"HEAD\"])");
        assert_eq!(p("status not in [500]"), "(notin status [500])");
        assert_eq!(p("!(status in [500])"), "(not (in status [500]))");
        assert_eq!(p("not (m in ['a'])"), "(not (in m [\"a\"]))");
        assert_eq!(p("a.b in [1] and c"), "(and (in a.b [1]) c)");
    }

    #[test]
    fn dotted_paths_and_methods() {
        assert_eq!(p("http.status == 500"), "(== http.status 500)");
        assert_eq!(p("a.b.c"), "a.b.c");
        assert_eq!(p("a.b.startsWith(\"x\")"), "(startsWith a.b \"x\")");
        assert_eq!(p("path.endsWith('.json')"), "(endsWith path \".json\")");
        assert_eq!(p("path.contains(\"v1\")"), "(contains path \"v1\")");
        assert_eq!(
            p("path.matches(r\"^/v\\d+\")"),
            "(matches path \"^/v\\\\d+\")"
        );
        assert_eq!(p("a.startsWith"), "a.startsWith");
        assert_eq!(p("a.in == 1"), "(== a.in 1)");
        assert_eq!(p("field == 1"), "(== field 1)");
        let e = parse("a.b.startsWith(\"x\")").unwrap();
        let Expr::Method {
            field,
            arg_span,
            span,
            ..
        } = &e
        else {
            panic!()
        };
        assert_eq!(field.path, FieldPath(vec!["a".into(), "b".into()]));
        assert_eq!(field.span, Span::new(0, 3));
        assert_eq!(*arg_span, Span::new(15, 18));
        assert_eq!(*span, Span::new(0, 19));
    }

    #[test]
    fn field_function() {
        let e = parse("field(\"user-agent\").contains(\"curl\")").unwrap();
        assert_eq!(sexpr(&e), "(contains user-agent \"curl\")");
        let Expr::Method { field, .. } = &e else {
            panic!()
        };
        assert_eq!(field.path, FieldPath(vec!["user-agent".into()]));
        assert_eq!(field.span, Span::new(0, 19));
        let e = parse("field('a.b') == 1").unwrap();
        assert_eq!(e.fields(), vec![&FieldPath(vec!["a.b".into()])]);
        let e = parse("field(\"x-y\").z == 1").unwrap();
        assert_eq!(e.fields(), vec![&FieldPath(vec!["x-y".into(), "z".into()])]);
        assert_eq!(p("field('and')"), "and");
        assert_eq!(p("!field('ok')"), "(not ok)");
    }

    #[test]
    fn fields_in_order_of_first_appearance() {
        let e = parse("b > 1 and (a.x or b == 2) or field('c-d').contains('z') or a.x").unwrap();
        let got: Vec<String> = e.fields().iter().map(|f| f.to_string()).collect();
        assert_eq!(got, ["b", "a.x", "c-d"]);
    }

    #[test]
    fn error_offsets() {
        let cases: &[(&str, usize, &str)] = &[
            ("status == ", 10, "expected a value after '=='"),
            ("status ==", 9, "expected a value after '=='"),
            (
                "status = 500",
                7,
                "'=' is not an operator; use '==' to compare",
            ),
            (
                "path.startswith(\"/api\")",
                5,
                "unknown method 'startswith'; did you mean 'startsWith'?",
            ),
            ("path.starts_with('/')", 5, "did you mean 'startsWith'?"),
            ("path.frob('/')", 5, "the methods are startsWith"),
            ("x == \"abc", 5, "unterminated string"),
            ("", 0, "empty expression"),
            ("   ", 3, "empty expression"),
            ("500 < 600", 4, "compares two literals"),
            ("a < b", 2, "compares two fields"),
            ("a < b", 2, "e.g. status < 500"),
            ("(a or b", 7, "expected ')' to close the '(' at offset 0"),
            ("a or b)", 6, "unmatched ')'"),
            ("a b", 2, "expected 'and', 'or' or the end"),
            ("a and", 5, "expected a value after 'and'"),
            ("a and or b", 6, "found the keyword 'or'"),
            ("500", 0, "a number alone is not a condition"),
            ("'x' or a", 0, "a string alone is not a condition"),
            ("not status == 500", 11, "not (status == 500)"),
            ("not m in ['a']", 6, "not (status in [...])"),
            ("1 < x < 3", 6, "cannot be chained"),
            ("x in 5", 5, "expected a list after 'in'"),
            ("x in [1, 'a']", 9, "mixes numbers and strings"),
            ("x in [1 2]", 8, "expected ',' or ']'"),
            ("x in [1,", 8, "unclosed list"),
            ("x in []", 6, "is empty"),
            ("x in [true]", 6, "number or string literals"),
            ("x in [y]", 6, "number or string literals"),
            ("x not [1]", 2, "did you mean 'not in'"),
            ("500 in [1]", 0, "must be a field"),
            ("x < true", 4, "can only be compared with '==' or '!='"),
            ("x == -y", 6, "'-' must be followed by a number"),
            ("x.startsWith(1)", 13, "must be a string literal"),
            ("x.startsWith()", 13, "needs one string argument"),
            ("x.startsWith('a', 'b')", 16, "exactly one argument"),
            ("x.startsWith('a').y", 17, "has no methods"),
            ("'a'.startsWith('a')", 3, "only be called on a field"),
            ("startsWith('a')", 0, "'startsWith' is a method"),
            ("size(x) > 1", 0, "unknown function 'size'"),
            ("field(x) == 1", 6, "string literal"),
            ("field('') == 1", 6, "empty"),
            ("field('a', 'b')", 9, "exactly one string argument"),
            ("a. == 1", 3, "after '.'"),
            ("x == ()", 6, "empty parentheses"),
            ("x == (a and b)", 6, "right side of '==' is a condition"),
            (
                "x.contains('a') == true",
                16,
                "left side of '==' is a condition",
            ),
            ("x < 1e999", 4, "too large"),
            ("x < 10ms", 4, "not a number"),
            ("x == 'a\\qb'", 7, "unknown escape"),
            ("x & y", 2, "use '&&' or 'and'"),
        ];
        for (src, offset, needle) in cases {
            let (got_offset, message) = perr(src);
            assert!(
                message.contains(needle),
                "{src:?}: message {message:?} lacks {needle:?}"
            );
            assert_eq!(got_offset, *offset, "{src:?}: {message}");
        }
        assert_eq!(perr("status == ").1, "expected a value after '=='");
        assert_eq!(
            perr("path.startswith(\"/api\")").1,
            "unknown method 'startswith'; did you mean 'startsWith'?"
        );
    }

    #[test]
    fn display_of_errors() {
        let e = parse("a = 1").unwrap_err();
        assert_eq!(
            e.to_string(),
            "'=' is not an operator; use '==' to compare (at offset 2)"
        );
        let _: &dyn std::error::Error = &e;
    }

    #[test]
    fn nesting_is_limited() {
        let ok = format!("{}a{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
        assert_eq!(p(&ok), "a");
        let ok = format!("{}a", "!".repeat(MAX_DEPTH));
        assert!(parse(&ok).is_ok());
        let mixed = format!(
            "{}a{}",
            "!(".repeat(MAX_DEPTH / 2),
            ")".repeat(MAX_DEPTH / 2)
        );
        assert!(parse(&mixed).is_ok());

        let too_deep = format!(
            "{}a{}",
            "(".repeat(MAX_DEPTH + 1),
            ")".repeat(MAX_DEPTH + 1)
        );
        let (offset, message) = perr(&too_deep);
        assert_eq!(offset, MAX_DEPTH);
        assert!(
            message.starts_with("expression nests too deeply"),
            "{message}"
        );
        for src in [
            "(".repeat(50_000),
            "!".repeat(50_000),
            "not ".repeat(12_000),
            format!("{}a{}", "(".repeat(30_000), ")".repeat(30_000)),
            "!(".repeat(25_000),
        ] {
            let message = perr(&src).1;
            assert!(
                message.starts_with("expression nests too deeply"),
                "{message}"
            );
        }
    }

    #[test]
    fn long_flat_chains_do_not_nest() {
        let src = vec!["a"; 10_000].join(" and ");
        let e = parse(&src).unwrap();
        let Expr::And { operands, .. } = &e else {
            panic!()
        };
        assert_eq!(operands.len(), 10_000);
        let src = vec!["x == 1"; 5_000].join(" || ");
        assert!(parse(&src).is_ok());
    }

    #[test]
    fn overlong_source_is_rejected() {
        let src = format!("a == '{}'", "x".repeat(MAX_SOURCE_LEN));
        let (offset, message) = perr(&src);
        assert_eq!(offset, 0);
        assert!(message.contains("too long"), "{message}");
    }

    fn check_no_panic(src: &str) {
        if let Err(e) = parse(src) {
            assert!(e.offset <= src.len(), "{src:?}: {e:?}");
            assert!(src.is_char_boundary(e.offset), "{src:?}: {e:?}");
            assert!(!e.message.is_empty());
        }
    }

    const TOKENS: &[&str] = &[
        "a",
        "b.c",
        "x",
        "status",
        "and",
        "or",
        "not",
        "in",
        "true",
        "false",
        "field",
        "(",
        ")",
        "[",
        "]",
        ",",
        ".",
        "-",
        "!",
        "&&",
        "||",
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
        "=",
        "&",
        "|",
        "500",
        "0.5",
        "1e3",
        "1e",
        "\"s\"",
        "'t'",
        "\"",
        "'",
        "r\"\\d\"",
        "\\",
        "\"\\u{41}\"",
        "\"\\q\"",
        "startsWith",
        "endsWith",
        "contains",
        "matches",
        "(\"/api\")",
        "field(\"user-agent\")",
        " ",
        "é",
        "😀",
        "\u{0}",
        "\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn random_strings_never_panic(src in any::<String>()) {
            check_no_panic(&src);
        }

        #[test]
        fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
            check_no_panic(&String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn token_soup_never_panics(
            picks in proptest::collection::vec(0..TOKENS.len(), 0..40),
            glue in proptest::collection::vec(prop_oneof![Just(""), Just(" ")], 40),
        ) {
            let mut src = String::new();
            for (i, pick) in picks.iter().enumerate() {
                src.push_str(TOKENS[*pick]);
                src.push_str(glue[i]);
            }
            check_no_panic(&src);
        }
    }
}
