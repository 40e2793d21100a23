//! Recursive-descent parser from source text to [`Expr`].
//!
//! Grammar, loosest binding first:
//!
//! ```text
//! or      := and (("or" | "||") and)*
//! and     := cmp (("and" | "&&") cmp)*
//! cmp     := sum ( CMPOP sum | ["not"] "in" list )?
//! sum     := product (("+" | "-") product)*
//! product := unary (("*" | "/") unary)*
//! unary   := ("not" | "!") unary | "-" unary | "(" or ")" | atom
//! atom    := literal | DURATION | FUNCTION "(" path ")"
//!          | path ("." METHOD "(" STRING ")")?
//! path    := (IDENT | "field" "(" STRING ")") ("." IDENT)*
//! list    := "[" (literal ("," literal)* ","?)? "]"
//! ```
//!
//! Because `not` binds tighter than comparisons, `not a == 1` would compare
//! a negation with a literal; that is rejected with a hint to write
//! `not (a == 1)`. Nesting (parentheses, `not` and `-`) is limited to
//! [`MAX_DEPTH`] levels so that no input can overflow the stack.
//!
//! Whether the kinds fit (a number added to a duration, a field with no unit
//! compared with `300ms`) is not the parser's business: that depends on what
//! is known of the fields' units, and [`super::program`] checks it.

use std::fmt;

use super::ast::{
    ArithOp, CmpOp, Expr, FieldPath, FieldRef, Function, ListLiteral, Literal, Method, Operand,
    Span,
};
use super::exact::unit_nanos;
use super::lexer::{Lexer, Tok, Token};

/// Maximum nesting of parentheses, `not` and `-`.
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
    let term = parser.or_expr()?;
    let expr = parser.condition(term)?;
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

/// A parsed operand, boxed so that the frames of the recursive functions that
/// pass it around stay small (each level of parentheses costs several).
type Term = Box<TermKind>;

fn ok(kind: TermKind) -> Result<Term, ParseError> {
    Ok(Box::new(kind))
}

/// What a parsed operand is: comparisons need to know whether each side is a
/// field, a literal, another value or already a condition.
enum TermKind {
    Field(FieldRef),
    Lit(Literal, Span),
    /// A function call, a negation or arithmetic.
    Value(Operand),
    Cond(Expr),
}

impl TermKind {
    fn start(&self) -> usize {
        self.span().start
    }

    fn span(&self) -> Span {
        match self {
            TermKind::Field(f) => f.span,
            TermKind::Lit(_, span) => *span,
            TermKind::Value(v) => v.span(),
            TermKind::Cond(e) => e.span(),
        }
    }

    /// The term as a value; `None` for a condition.
    fn into_operand(self) -> Option<Operand> {
        match self {
            TermKind::Field(field) => Some(Operand::Field(field)),
            TermKind::Lit(value, span) => Some(Operand::Literal { value, span }),
            TermKind::Value(value) => Some(value),
            TermKind::Cond(_) => None,
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

// Terms stay boxed as they are handed from function to function, so that the frames of the
// recursive ones (several per level of parentheses) stay small.
#[allow(clippy::boxed_local)]
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
                    "expression nests too deeply (more than {MAX_DEPTH} levels of parentheses, 'not' and '-')"
                ),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    /// `cmp (and cmp)* (or cmp (and cmp)*)*`, built in one loop so that
    /// each level of parentheses costs as few stack frames as possible. A
    /// lone operand is returned as it is, so that `(a + b)` stays a value.
    fn or_expr(&mut self) -> Result<Term, ParseError> {
        let first = self.cmp_expr()?;
        if !self.at_and() && !self.at_or() {
            return Ok(first);
        }
        self.or_chain(first)
    }

    fn or_chain(&mut self, first: Term) -> Result<Term, ParseError> {
        // The operands of the `or` so far, and of the `and` being read.
        let mut chain: (Vec<Expr>, Vec<Expr>) = (Vec::new(), Vec::new());
        self.push_and(&mut chain, first)?;
        loop {
            if self.at_and() {
                self.bump()?;
                let next = self.cmp_expr()?;
                self.push_and(&mut chain, next)?;
                continue;
            }
            let ands = std::mem::take(&mut chain.1);
            chain.0.push(join(ands, false));
            if self.at_or() {
                self.bump()?;
                let next = self.cmp_expr()?;
                self.push_and(&mut chain, next)?;
                continue;
            }
            return ok(TermKind::Cond(join(std::mem::take(&mut chain.0), true)));
        }
    }

    /// Adds an operand to the `and` being read, as a condition.
    fn push_and(&self, chain: &mut (Vec<Expr>, Vec<Expr>), term: Term) -> Result<(), ParseError> {
        chain.1.push(self.condition(term)?);
        Ok(())
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

    fn cmp_expr(&mut self) -> Result<Term, ParseError> {
        let lhs = self.sum()?;
        if let Some(op) = self.cmp_op() {
            let op_span = self.bump()?.span;
            // The right side may nest (`x == (((...`), so it is parsed here
            // and everything else happens in non-recursive helpers, keeping
            // the frames on the recursion path small.
            let rhs = self.sum()?;
            let expr = self.comparison(lhs, op, op_span, rhs)?;
            self.no_chaining()?;
            return ok(TermKind::Cond(expr));
        }
        self.cmp_rest(lhs)
    }

    /// The rest of a comparison that is not `a OP b`: `in`, `not in` or none.
    fn cmp_rest(&mut self, lhs: Term) -> Result<Term, ParseError> {
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
            return Ok(lhs);
        };
        self.no_chaining()?;
        ok(TermKind::Cond(expr))
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

    /// `product (("+" | "-") product)*` with `product := unary (("*" | "/") unary)*`, in one
    /// loop (operator precedence with a stack), so that nesting costs one frame here.
    fn sum(&mut self) -> Result<Term, ParseError> {
        let first = self.unary()?;
        if self.arith_op().is_none() {
            return Ok(first);
        }
        self.arith_chain(first)
    }

    fn arith_op(&self) -> Option<ArithOp> {
        Some(match self.tok.tok {
            Tok::Plus => ArithOp::Add,
            Tok::Minus => ArithOp::Sub,
            Tok::Star => ArithOp::Mul,
            Tok::Slash => ArithOp::Div,
            _ => return None,
        })
    }

    fn arith_chain(&mut self, first: Term) -> Result<Term, ParseError> {
        fn binds_tighter(a: ArithOp) -> bool {
            matches!(a, ArithOp::Mul | ArithOp::Div)
        }
        let mut operands = vec![first];
        let mut operators: Vec<(ArithOp, Span)> = Vec::new();
        while let Some(op) = self.arith_op() {
            let op_span = self.bump()?.span;
            // Left-associative: apply what binds at least as tightly first.
            while let Some(&(top, _)) = operators.last() {
                if binds_tighter(op) && !binds_tighter(top) {
                    break;
                }
                self.reduce(&mut operands, &mut operators)?;
            }
            operators.push((op, op_span));
            operands.push(self.unary()?);
        }
        while !operators.is_empty() {
            self.reduce(&mut operands, &mut operators)?;
        }
        operands
            .pop()
            .ok_or_else(|| err(self.tok.span.start, "expected a value"))
    }

    /// Applies the last operator to the last two operands.
    fn reduce(
        &self,
        operands: &mut Vec<Term>,
        operators: &mut Vec<(ArithOp, Span)>,
    ) -> Result<(), ParseError> {
        let missing = || err(self.tok.span.start, "expected a value");
        let (op, op_span) = operators.pop().ok_or_else(missing)?;
        let right = operands.pop().ok_or_else(missing)?;
        let left = operands.pop().ok_or_else(missing)?;
        operands.push(self.arith(op, op_span, left, right)?);
        Ok(())
    }

    fn arith(
        &self,
        op: ArithOp,
        op_span: Span,
        left: Term,
        right: Term,
    ) -> Result<Term, ParseError> {
        let sym = op.as_str();
        let left = self.arith_operand(left, sym, "left", op_span)?;
        let right = self.arith_operand(right, sym, "right", op_span)?;
        let span = left.span().to(right.span());
        ok(TermKind::Value(Operand::Arith {
            op,
            left: Box::new(left),
            right: Box::new(right),
            span,
        }))
    }

    /// One side of an arithmetic operator: a number or a duration (or what may hold one).
    fn arith_operand(
        &self,
        term: Term,
        sym: &str,
        side: &str,
        op_span: Span,
    ) -> Result<Operand, ParseError> {
        match *term {
            TermKind::Lit(Literal::String(_), span) => Err(err(
                span.start,
                format!("'{sym}' computes with numbers and durations, not text"),
            )),
            TermKind::Lit(Literal::Bool(_), span) => Err(err(
                span.start,
                format!("'{sym}' computes with numbers and durations, not true or false"),
            )),
            TermKind::Cond(Expr::Not { .. }) => Err(err(
                op_span.start,
                format!(
                    "'not' binds tighter than '{sym}', so this computes with a negation; \
                     wrap the arithmetic in parentheses: not (a {sym} b > 1)"
                ),
            )),
            TermKind::Cond(expr) => Err(err(
                if side == "left" {
                    op_span.start
                } else {
                    expr.span().start
                },
                format!("the {side} side of '{sym}' is a condition, not a value"),
            )),
            other => other
                .into_operand()
                .ok_or_else(|| err(op_span.start, "expected a value")),
        }
    }

    /// Turns a term used on its own into a condition.
    fn condition(&self, term: Term) -> Result<Expr, ParseError> {
        match *term {
            TermKind::Field(field) => Ok(Expr::Field(field)),
            TermKind::Cond(expr) => Ok(expr),
            TermKind::Lit(Literal::Bool(value), span) => Ok(Expr::Bool { value, span }),
            TermKind::Lit(Literal::Number(_) | Literal::Duration(_), span) => Err(err(
                span.start,
                "a number alone is not a condition; compare a field with it, e.g. status == 500",
            )),
            TermKind::Lit(Literal::String(_), span) => Err(err(
                span.start,
                "a string alone is not a condition; compare a field with it, e.g. method == \"GET\"",
            )),
            TermKind::Value(value) => Err(err(
                value.span().start,
                "a value alone is not a condition; compare it, e.g. sum(upstream_response_time) <= 500ms",
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
        let (left, op, right) = match (*lhs, *rhs) {
            (TermKind::Lit(..), TermKind::Lit(..)) => {
                return Err(err(
                    op_span.start,
                    format!("'{sym}' compares two literals; {HINT}"),
                ))
            }
            (TermKind::Cond(Expr::Not { .. }), _) => {
                return Err(err(
                    op_span.start,
                    format!(
                        "'not' binds tighter than '{sym}', so this compares a negation; \
                         wrap the comparison in parentheses: not (status {sym} 500)"
                    ),
                ))
            }
            (TermKind::Cond(_), _) => {
                return Err(err(
                    op_span.start,
                    format!("the left side of '{sym}' is a condition, not a value; {HINT}"),
                ))
            }
            (_, rhs @ TermKind::Cond(_)) => {
                return Err(err(
                    rhs.start(),
                    format!("the right side of '{sym}' is a condition, not a value; {HINT}"),
                ))
            }
            (lit @ TermKind::Lit(..), other) => (other, op.flipped(), lit),
            (left, right) => (left, op, right),
        };
        let text_or_bool =
            |t: &TermKind| matches!(t, TermKind::Lit(Literal::String(_) | Literal::Bool(_), _));
        if text_or_bool(&right) && !matches!(left, TermKind::Field(_)) {
            return Err(err(
                left.start(),
                format!(
                    "only a field can be compared with {}; this side is computed",
                    if matches!(right, TermKind::Lit(Literal::String(_), _)) {
                        "text"
                    } else {
                        "true or false"
                    }
                ),
            ));
        }
        if let TermKind::Lit(Literal::Bool(_), value_span) = right {
            if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                return Err(err(
                    value_span.start,
                    format!("true and false can only be compared with '==' or '!=', not '{sym}'"),
                ));
            }
        }
        let span = left.span().to(right.span());
        let (Some(left), Some(right)) = (left.into_operand(), right.into_operand()) else {
            return Err(err(op_span.start, format!("'{sym}' compares two values")));
        };
        Ok(Expr::Compare {
            left: Box::new(left),
            op,
            right: Box::new(right),
            span,
        })
    }

    /// Parses the list after `in` / `not in`; `op_span` is the operator.
    fn in_list(&mut self, lhs: Term, negated: bool, op_span: Span) -> Result<Expr, ParseError> {
        let op = if negated { "not in" } else { "in" };
        let field = match *lhs {
            TermKind::Field(field) => field,
            TermKind::Cond(Expr::Not { .. }) => return Err(err(
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
                        numbers.push((n.negated(), item.span.to(span)));
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
        if self.tok.tok == Tok::Minus {
            return self.minus();
        }
        if self.tok.tok == Tok::LParen {
            return self.paren();
        }
        self.atom()
    }

    /// `-5` and `-300ms` are literals; `-x` negates a value.
    fn minus(&mut self) -> Result<Term, ParseError> {
        let minus = self.bump()?.span;
        let literal = match self.tok.tok {
            Tok::Number(n) => Some(Literal::Number(n.negated())),
            Tok::Duration(d) => Some(Literal::Duration(d.negated())),
            _ => None,
        };
        if let Some(literal) = literal {
            let span = minus.to(self.bump()?.span);
            self.no_unit_after_number(span)?;
            return ok(TermKind::Lit(literal, span));
        }
        self.enter(minus.start)?;
        let operand = self.unary()?;
        self.leave();
        self.negated(minus, operand)
    }

    /// `-operand`, once parsed; kept out of [`Parser::minus`] so that `- - - x` nests in small
    /// frames.
    fn negated(&self, minus: Span, operand: Term) -> Result<Term, ParseError> {
        let span = minus.to(operand.span());
        let operand = match *operand {
            TermKind::Lit(Literal::String(_) | Literal::Bool(_), span)
            | TermKind::Cond(Expr::Bool { span, .. }) => {
                return Err(err(
                    span.start,
                    "'-' must be followed by a number or a value",
                ))
            }
            TermKind::Cond(_) => {
                return Err(err(
                    minus.start,
                    "'-' negates a number, not a condition; to negate a condition write 'not'",
                ))
            }
            other => other
                .into_operand()
                .ok_or_else(|| err(minus.start, "expected a value"))?,
        };
        ok(TermKind::Value(Operand::Negate {
            operand: Box::new(operand),
            span,
        }))
    }

    fn negation(&self, op: Span, operand: Term) -> Result<Term, ParseError> {
        let operand = self.condition(operand)?;
        let span = op.to(operand.span());
        ok(TermKind::Cond(Expr::Not {
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
        Ok(inner)
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

    /// A value that does not nest: a literal, a field, a function call or a method call.
    fn atom(&mut self) -> Result<Term, ParseError> {
        match &self.tok.tok {
            Tok::Number(n) => {
                let n = *n;
                let span = self.bump()?.span;
                self.no_method_on_literal()?;
                self.no_unit_after_number(span)?;
                ok(TermKind::Lit(Literal::Number(n), span))
            }
            Tok::Duration(d) => {
                let d = *d;
                let span = self.bump()?.span;
                self.no_method_on_literal()?;
                ok(TermKind::Lit(Literal::Duration(d), span))
            }
            Tok::Str(_) => {
                let token = self.bump()?;
                let Tok::Str(s) = token.tok else {
                    return Err(err(token.span.start, "expected a string"));
                };
                self.no_method_on_literal()?;
                ok(TermKind::Lit(Literal::String(s), token.span))
            }
            Tok::Ident(name) if name == "true" || name == "false" => {
                let value = name == "true";
                let span = self.bump()?.span;
                self.no_method_on_literal()?;
                ok(TermKind::Lit(Literal::Bool(value), span))
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

    /// `300 ms`: the unit must touch its number.
    fn no_unit_after_number(&self, number: Span) -> Result<(), ParseError> {
        match &self.tok.tok {
            Tok::Ident(unit) if unit_nanos(unit.as_bytes()).is_some() => Err(err(
                self.tok.span.start,
                format!(
                    "write the unit right after the number, with no space: {}{unit}",
                    &self.src[number.start..number.end]
                ),
            )),
            _ => Ok(()),
        }
    }

    /// A field named with `-` (`sc-status`) reads as a subtraction; when the `-` touches both
    /// names, it is surely part of one name.
    fn no_hyphenated_name(&self, path_start: usize, name_end: usize) -> Result<(), ParseError> {
        let bytes = self.src.as_bytes();
        let touches = bytes.get(name_end) == Some(&b'-')
            && bytes
                .get(name_end + 1)
                .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_');
        if !touches {
            return Ok(());
        }
        let end = bytes[name_end..]
            .iter()
            .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-')))
            .map_or(bytes.len(), |i| name_end + i);
        let name = &self.src[path_start..end];
        Err(err(
            path_start,
            format!(
                "a field whose name has '-' is written field(\"{name}\"); \
                 to subtract, put spaces around '-'"
            ),
        ))
    }

    /// A field path, optionally followed by a method call; or a function call.
    fn path(&mut self) -> Result<Term, ParseError> {
        let first = self.bump()?;
        let Tok::Ident(name) = first.tok else {
            return Err(self.expected_value());
        };
        let mut span = first.span;
        let mut segments = Vec::new();
        if self.tok.tok == Tok::LParen {
            if let Some(function) = Function::from_name(&name) {
                return self.call(function, first.span);
            }
            if name != "field" {
                return Err(self.unknown_function(&name, first.span.start));
            }
            let (field_name, call_span) = self.field_function()?;
            span = span.to(call_span);
            segments.push(field_name);
        } else {
            self.no_hyphenated_name(first.span.start, first.span.end)?;
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
            self.no_hyphenated_name(first.span.start, seg_span.end)?;
            segments.push(segment);
            span = span.to(seg_span);
        }
        ok(TermKind::Field(FieldRef {
            path: FieldPath(segments),
            span,
        }))
    }

    /// `field("name")`, after the name `field`: the name and where the call ends.
    fn field_function(&mut self) -> Result<(String, Span), ParseError> {
        self.bump()?; // '('
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
        let field_name = field_name.clone();
        self.bump()?;
        if self.tok.tok != Tok::RParen {
            return Err(err(
                self.tok.span.start,
                "field(...) takes exactly one string argument; expected ')'",
            ));
        }
        Ok((field_name, self.bump()?.span))
    }

    /// `sum(x)`, `first(x)`, `last(x)`, after the function's name.
    fn call(&mut self, function: Function, name_span: Span) -> Result<Term, ParseError> {
        let fname = function.name();
        let open = self.bump()?.span; // '('
        self.enter(open.start)?;
        let takes = |at: usize| {
            err(
                at,
                format!(
                    "{fname}(...) takes one field, e.g. {fname}(upstream_response_time) or {fname}(field(\"time-taken\"))"
                ),
            )
        };
        let field = match &self.tok.tok {
            Tok::Ident(name) if !is_keyword(name) => match *self.path()? {
                TermKind::Field(field) => field,
                other => return Err(takes(other.start())),
            },
            _ => return Err(takes(self.tok.span.start)),
        };
        if self.tok.tok != Tok::RParen {
            return Err(err(
                self.tok.span.start,
                format!(
                    "{fname}(...) takes exactly one field; expected ')', found {}",
                    self.tok.tok.describe()
                ),
            ));
        }
        let close = self.bump()?.span;
        self.leave();
        if self.tok.tok == Tok::Dot {
            return Err(err(
                self.tok.span.start,
                format!("the result of {fname}(...) is a number or a duration, with no fields or methods"),
            ));
        }
        ok(TermKind::Value(Operand::Call {
            function,
            field,
            span: name_span.to(close),
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
        ok(TermKind::Cond(Expr::Method {
            span: field.span.to(close),
            field,
            method,
            arg,
            arg_span,
        }))
    }

    /// `name(` where `name` is no function: a method called without its field, or a field
    /// name with parentheses (`cs(User-Agent)`, as W3C logs name headers).
    fn unknown_function(&self, name: &str, offset: usize) -> ParseError {
        if let Some(method) = Method::from_name(name) {
            return err(
                offset,
                format!(
                    "'{name}' is a method; call it on a field, e.g. {}",
                    example(method)
                ),
            );
        }
        let rest = &self.src[offset..];
        let as_field = rest
            .find(')')
            .map(|close| &rest[..=close])
            .filter(|written| {
                !written.contains(|c: char| c.is_whitespace() || c == '"' || c == '\'')
            });
        let hint = match as_field {
            Some(written) => format!("; for a field named {written}, write field(\"{written}\")"),
            None => String::new(),
        };
        err(
            offset,
            format!(
                "unknown function '{name}'; the functions are field(\"name\") for a field whose name is not an identifier, and sum, last and first for fields that hold several values{hint}"
            ),
        )
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
                Literal::Duration(n) => format!("{n}ns"),
                Literal::String(s) => format!("{s:?}"),
                Literal::Bool(b) => b.to_string(),
            }
        }
        fn value(v: &Operand) -> String {
            match v {
                Operand::Field(f) => f.path.to_string(),
                Operand::Literal { value, .. } => lit(value),
                Operand::Call {
                    function, field, ..
                } => format!("({} {})", function.name(), field.path),
                Operand::Negate { operand, .. } => format!("(neg {})", value(operand)),
                Operand::Arith {
                    op, left, right, ..
                } => format!("({} {} {})", op.as_str(), value(left), value(right)),
            }
        }
        fn join(operands: &[Expr]) -> String {
            operands.iter().map(sexpr).collect::<Vec<_>>().join(" ")
        }
        match e {
            Expr::Bool { value, .. } => value.to_string(),
            Expr::Field(f) => f.path.to_string(),
            Expr::Compare {
                left, op, right, ..
            } => format!("({} {} {})", op.as_str(), value(left), value(right)),
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
        assert_eq!(p("300ms >= latency"), "(<= latency 300000000ns)");
        assert_eq!(p("1 < a + b"), "(> (+ a b) 1)");
        let e = parse("500 > status").unwrap();
        let Expr::Compare {
            left, right, span, ..
        } = e
        else {
            panic!()
        };
        assert_eq!(left.span(), Span::new(6, 12));
        assert_eq!(right.span(), Span::new(0, 3));
        assert_eq!(span, Span::new(0, 12));
    }

    #[test]
    fn durations_and_arithmetic() {
        assert_eq!(p("latency <= 300ms"), "(<= latency 300000000ns)");
        assert_eq!(p("latency > 1.5s"), "(> latency 1500000000ns)");
        assert_eq!(p("latency < -2m"), "(< latency -120000000000ns)");
        assert_eq!(
            p("request_processing_time + target_processing_time + response_processing_time <= 500ms"),
            "(<= (+ (+ request_processing_time target_processing_time) response_processing_time) 500000000ns)"
        );
        assert_eq!(p("a + b * c > 1"), "(> (+ a (* b c)) 1)");
        assert_eq!(p("(a + b) * c > 1"), "(> (* (+ a b) c) 1)");
        assert_eq!(p("a - b - c > 1"), "(> (- (- a b) c) 1)");
        assert_eq!(p("a / b / c > 1"), "(> (/ (/ a b) c) 1)");
        assert_eq!(p("a * 2 / 4 > 1"), "(> (/ (* a 2) 4) 1)");
        assert_eq!(p("-a < 1"), "(< (neg a) 1)");
        assert_eq!(p("- -a < 1"), "(< (neg (neg a)) 1)");
        assert_eq!(p("x == -y"), "(== x (neg y))");
        assert_eq!(p("a - 1 > 0"), "(> (- a 1) 0)");
        assert_eq!(p("a-1 > 0"), "(> (- a 1) 0)");
        assert_eq!(p("a < b"), "(< a b)");
        assert_eq!(p("status / 100 == 5"), "(== (/ status 100) 5)");
        assert_eq!(
            p("a + b <= 1s and c or d > 2"),
            "(or (and (<= (+ a b) 1000000000ns) c) (> d 2))"
        );
        assert_eq!(p("((a + b)) <= 1s"), "(<= (+ a b) 1000000000ns)");
        let e = parse("a + b <= 1s").unwrap();
        let Expr::Compare { left, span, .. } = &e else {
            panic!()
        };
        assert_eq!(left.span(), Span::new(0, 5));
        assert_eq!(*span, Span::new(0, 11));
    }

    #[test]
    fn functions_of_multi_value_fields() {
        assert_eq!(
            p("sum(upstream_response_time) <= 500ms"),
            "(<= (sum upstream_response_time) 500000000ns)"
        );
        assert_eq!(p("last(a.b) > 1"), "(> (last a.b) 1)");
        assert_eq!(p("first(field('x-y')) > 1"), "(> (first x-y) 1)");
        assert_eq!(
            p("sum(a) + last(b) > 1s"),
            "(> (+ (sum a) (last b)) 1000000000ns)"
        );
        // Without a call, the names are fields like any other.
        assert_eq!(p("sum > 1 and last"), "(and (> sum 1) last)");
        let e = parse("x + sum(a) > 1").unwrap();
        assert_eq!(
            e.fields(),
            vec![&FieldPath(vec!["x".into()]), &FieldPath(vec!["a".into()])]
        );
    }

    #[test]
    fn names_that_need_field() {
        let (offset, message) = perr("sc-status < 500");
        assert_eq!(offset, 0);
        assert!(message.contains("field(\"sc-status\")"), "{message}");
        let (offset, message) = perr("x == 1 and cs-uri-stem.startsWith('/a')");
        assert_eq!(offset, 11);
        assert!(message.contains("field(\"cs-uri-stem\")"), "{message}");
        let (offset, message) = perr("field(\"time-taken\") + time-taken > 1");
        assert_eq!(offset, 22);
        assert!(message.contains("field(\"time-taken\")"), "{message}");
        let (offset, message) = perr("cs(User-Agent).contains('curl')");
        assert_eq!(offset, 0);
        assert!(
            message.contains("write field(\"cs(User-Agent)\")"),
            "{message}"
        );
        let (offset, message) = perr("a.b-c == 1");
        assert_eq!(offset, 0);
        assert!(message.contains("field(\"a.b-c\")"), "{message}");
        // With spaces it is a subtraction.
        assert_eq!(p("sc - status < 500"), "(< (- sc status) 500)");
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
            ("x == -'y'", 6, "'-' must be followed by a number"),
            ("x + 'a' > 1", 4, "not text"),
            ("x * true > 1", 4, "not true or false"),
            ("(a == 1) + 2 > 1", 9, "left side of '+' is a condition"),
            ("2 + (a == 1) > 1", 5, "right side of '+' is a condition"),
            ("a + b", 0, "a value alone is not a condition"),
            ("sum(a)", 0, "a value alone is not a condition"),
            ("a + b == 'x'", 0, "only a field can be compared with text"),
            (
                "sum(a) == true",
                0,
                "only a field can be compared with true or false",
            ),
            ("sum(1) > 1", 4, "sum(...) takes one field"),
            ("sum() > 1", 4, "sum(...) takes one field"),
            ("sum(a, b) > 1", 5, "takes exactly one field"),
            ("sum(a.contains('x')) > 1", 4, "takes one field"),
            ("last(a).b > 1", 7, "no fields or methods"),
            ("x < 300 ms", 8, "no space: 300ms"),
            ("x < -2 s", 7, "no space: -2s"),
            ("x.startsWith(1)", 13, "must be a string literal"),
            ("x.startsWith()", 13, "needs one string argument"),
            ("x.startsWith('a', 'b')", 16, "exactly one argument"),
            ("x.startsWith('a').y", 17, "has no methods"),
            ("'a'.startsWith('a')", 3, "only be called on a field"),
            ("startsWith('a')", 0, "'startsWith' is a method"),
            ("size(x) > 1", 0, "unknown function 'size'"),
            (
                "size(x) > 1",
                0,
                "for a field named size(x), write field(\"size(x)\")",
            ),
            ("avg(x) > 1", 0, "sum, last and first"),
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
            ("x < 10mb", 4, "'mb' is not a unit"),
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
        "+",
        "*",
        "/",
        "300ms",
        "1h30m",
        "2µs",
        "5mss",
        "sum(",
        "last(x)",
        "first",
        "sc-status",
        "cs(User-Agent)",
        ":",
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
