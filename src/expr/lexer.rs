//! Turns source text into tokens with byte spans.

use super::ast::{Decimal, Span};
use super::exact::unit_nanos;
use super::parser::ParseError;

/// A token kind.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Tok {
    /// An identifier or keyword: `[A-Za-z_][A-Za-z0-9_]*`.
    Ident(String),
    /// A number literal (without sign) that is finite as an `f64`.
    Number(Decimal),
    /// A duration literal (without sign) such as `300ms` or `1h30m`, in nanoseconds.
    Duration(Decimal),
    /// A string literal, escapes resolved.
    Str(String),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    Plus,
    Minus,
    Star,
    Slash,
    Bang,
    AndAnd,
    OrOr,
    EqEq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
    Eof,
}

impl Tok {
    /// How the token is shown in messages.
    pub(crate) fn describe(&self) -> String {
        match self {
            Tok::Ident(name) => format!("'{name}'"),
            Tok::Number(_) => "a number".to_owned(),
            Tok::Duration(_) => "a duration".to_owned(),
            Tok::Str(_) => "a string".to_owned(),
            Tok::Eof => "the end of the expression".to_owned(),
            other => format!("'{}'", other.symbol()),
        }
    }

    fn symbol(&self) -> &'static str {
        match self {
            Tok::LParen => "(",
            Tok::RParen => ")",
            Tok::LBracket => "[",
            Tok::RBracket => "]",
            Tok::Comma => ",",
            Tok::Dot => ".",
            Tok::Plus => "+",
            Tok::Minus => "-",
            Tok::Star => "*",
            Tok::Slash => "/",
            Tok::Bang => "!",
            Tok::AndAnd => "&&",
            Tok::OrOr => "||",
            Tok::EqEq => "==",
            Tok::Ne => "!=",
            Tok::Lt => "<",
            Tok::Le => "<=",
            Tok::Gt => ">",
            Tok::Ge => ">=",
            Tok::Ident(_) | Tok::Number(_) | Tok::Duration(_) | Tok::Str(_) | Tok::Eof => "",
        }
    }
}

/// A token and where it was written.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// An on-demand lexer, so that errors are reported in source order.
#[derive(Debug)]
pub(crate) struct Lexer<'a> {
    src: &'a str,
    pos: usize,
}

fn err(offset: usize, message: impl Into<String>) -> ParseError {
    ParseError {
        offset,
        message: message.into(),
    }
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident_continue(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// `a + b` for the parts of a duration literal (`1h30m`), exactly; `None` if it does not fit.
fn add_decimals(a: Decimal, b: Decimal) -> Option<Decimal> {
    let exponent = a.exponent.min(b.exponent);
    let align = |d: Decimal| {
        let shift = u32::try_from(d.exponent - exponent).ok()?;
        d.mantissa.checked_mul(10i128.checked_pow(shift)?)
    };
    Some(Decimal::new(align(a)?.checked_add(align(b)?)?, exponent))
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(src: &'a str) -> Lexer<'a> {
        Lexer { src, pos: 0 }
    }

    fn byte(&self, at: usize) -> Option<u8> {
        self.src.as_bytes().get(at).copied()
    }

    /// Reads the next token; after the end it keeps returning `Eof`.
    pub(crate) fn next_token(&mut self) -> Result<Token, ParseError> {
        while let Some(c) = self.byte(self.pos) {
            if c.is_ascii_whitespace() {
                self.pos += 1;
            } else {
                break;
            }
        }
        let start = self.pos;
        let Some(c) = self.byte(start) else {
            return Ok(Token {
                tok: Tok::Eof,
                span: Span::new(start, start),
            });
        };
        let next = self.byte(start + 1);
        let (tok, len) = match (c, next) {
            (b'(', _) => (Tok::LParen, 1),
            (b')', _) => (Tok::RParen, 1),
            (b'[', _) => (Tok::LBracket, 1),
            (b']', _) => (Tok::RBracket, 1),
            (b',', _) => (Tok::Comma, 1),
            (b'.', _) => (Tok::Dot, 1),
            (b'+', _) => (Tok::Plus, 1),
            (b'-', _) => (Tok::Minus, 1),
            (b'*', _) => (Tok::Star, 1),
            (b'/', Some(b'/')) => {
                return Err(err(
                    start,
                    "'//' is not an operator; '/' divides exactly (503 / 100 is 5.03)",
                ))
            }
            (b'/', _) => (Tok::Slash, 1),
            (b'=', Some(b'=')) => (Tok::EqEq, 2),
            (b'=', _) => return Err(err(start, "'=' is not an operator; use '==' to compare")),
            (b'!', Some(b'=')) => (Tok::Ne, 2),
            (b'!', _) => (Tok::Bang, 1),
            (b'<', Some(b'=')) => (Tok::Le, 2),
            (b'<', Some(b'>')) => {
                return Err(err(start, "'<>' is not an operator; use '!=' instead"))
            }
            (b'<', _) => (Tok::Lt, 1),
            (b'>', Some(b'=')) => (Tok::Ge, 2),
            (b'>', _) => (Tok::Gt, 1),
            (b'&', Some(b'&')) => (Tok::AndAnd, 2),
            (b'&', _) => {
                return Err(err(
                    start,
                    "'&' is not an operator; use '&&' or 'and' to combine conditions",
                ))
            }
            (b'|', Some(b'|')) => (Tok::OrOr, 2),
            (b'|', _) => {
                return Err(err(
                    start,
                    "'|' is not an operator; use '||' or 'or' to combine conditions",
                ))
            }
            (b'"' | b'\'', _) => return self.string(start, false),
            (b'r', Some(b'"' | b'\'')) => return self.string(start, true),
            (c, _) if c.is_ascii_digit() => return self.number(start),
            (c, _) if is_ident_start(c) => {
                let mut end = start + 1;
                while self.byte(end).is_some_and(is_ident_continue) {
                    end += 1;
                }
                self.pos = end;
                return Ok(Token {
                    tok: Tok::Ident(self.src[start..end].to_owned()),
                    span: Span::new(start, end),
                });
            }
            _ => {
                let ch = self.src[start..].chars().next().unwrap_or('?');
                let hint = match ch {
                    '`' => "; strings are quoted with \" or '".to_owned(),
                    '“' | '”' | '‘' | '’' => "; use plain ASCII quotes \" or '".to_owned(),
                    ':' => format!(
                        "; a field whose name has ':' is written field(\"{}\")",
                        self.name_around(start)
                    ),
                    _ => String::new(),
                };
                return Err(err(start, format!("unexpected character '{ch}'{hint}")));
            }
        };
        self.pos = start + len;
        Ok(Token {
            tok,
            span: Span::new(start, start + len),
        })
    }

    fn digits(&self, mut at: usize) -> usize {
        while self.byte(at).is_some_and(|c| c.is_ascii_digit()) {
            at += 1;
        }
        at
    }

    /// The name-like text around `at` (letters, digits, `_ - . :`), for hints about field
    /// names that need `field("...")`.
    pub(crate) fn name_around(&self, at: usize) -> &'a str {
        let name_byte = |b: u8| is_ident_continue(b) || matches!(b, b'-' | b'.' | b':');
        let bytes = self.src.as_bytes();
        let mut start = at;
        while start > 0 && name_byte(bytes[start - 1]) {
            start -= 1;
        }
        let mut end = at;
        while end < bytes.len() && name_byte(bytes[end]) {
            end += 1;
        }
        &self.src[start..end]
    }

    /// The end of the number starting at `start`: digits, an optional fraction and exponent.
    fn number_end(&self, start: usize) -> Result<usize, ParseError> {
        let mut end = self.digits(start);
        if self.byte(end) == Some(b'.') && self.byte(end + 1).is_some_and(|c| c.is_ascii_digit()) {
            end = self.digits(end + 1);
        }
        if matches!(self.byte(end), Some(b'e' | b'E')) {
            let mut exp = end + 1;
            if matches!(self.byte(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            let after = self.digits(exp);
            if after == exp {
                return Err(err(
                    start,
                    "malformed number: the exponent needs digits, e.g. 1e3",
                ));
            }
            end = after;
        }
        Ok(end)
    }

    /// The end of the unit symbol starting at `at` (letters, `µ`, `μ`).
    fn unit_end(&self, at: usize) -> usize {
        self.src[at..]
            .char_indices()
            .find(|&(_, c)| !(c.is_ascii_alphabetic() || c == 'µ' || c == 'μ' || c == '_'))
            .map_or(self.src.len(), |(i, _)| at + i)
    }

    fn number(&mut self, start: usize) -> Result<Token, ParseError> {
        let end = self.number_end(start)?;
        let text = &self.src[start..end];
        if self
            .byte(end)
            .is_some_and(|c| is_ident_continue(c) || c >= 0x80)
        {
            return self.duration(start);
        }
        let value = Decimal::parse(text).ok_or_else(|| {
            err(
                start,
                format!("the number '{text}' has too many digits (at most 38)"),
            )
        })?;
        if !value.to_f64().is_finite() {
            return Err(err(start, format!("the number '{text}' is too large")));
        }
        self.pos = end;
        Ok(Token {
            tok: Tok::Number(value),
            span: Span::new(start, end),
        })
    }

    /// A duration literal: numbers each followed by a unit, as Go writes durations (`300ms`,
    /// `1.5s`, `1h30m`, `250us`, `250µs`).
    fn duration(&mut self, start: usize) -> Result<Token, ParseError> {
        const UNITS: &str = "durations are written with a unit right after the number: 300ms, 1.5s, 2m (minutes), 1h, 250us (or 250µs), 100ns";
        let mut at = start;
        let mut total = Decimal::new(0, 0);
        loop {
            let end = self.number_end(at)?;
            let unit_end = self.unit_end(end);
            let written = &self.src[start..unit_end.max(end)];
            let number = &self.src[at..end];
            if number.contains(['e', 'E']) {
                return Err(err(
                    start,
                    format!("'{written}': a duration's number takes no exponent; {UNITS}"),
                ));
            }
            let unit = &self.src[end..unit_end];
            let Some(nanos) = unit_nanos(unit.as_bytes()) else {
                let what = if unit.is_empty() {
                    format!("'{written}' has a number without a unit; {UNITS}")
                } else {
                    format!("'{written}' is not a number or a duration: '{unit}' is not a unit; {UNITS}")
                };
                return Err(err(start, what));
            };
            let too_large = || err(start, format!("the duration '{written}' is too large"));
            let part = Decimal::parse(number)
                .and_then(|d| d.scaled(nanos, 0))
                .ok_or_else(too_large)?;
            total = add_decimals(total, part).ok_or_else(too_large)?;
            at = unit_end;
            if !self.byte(at).is_some_and(|c| c.is_ascii_digit()) {
                break;
            }
        }
        if self
            .byte(at)
            .is_some_and(|c| is_ident_continue(c) || c == b'.')
        {
            let end = self.unit_end(at).max(at + 1);
            return Err(err(
                start,
                format!(
                    "'{}' is not a duration; {UNITS}",
                    &self.src[start..end.min(self.src.len())]
                ),
            ));
        }
        if total.to_exact().is_none() {
            return Err(err(
                start,
                format!("the duration '{}' is too large", &self.src[start..at]),
            ));
        }
        self.pos = at;
        Ok(Token {
            tok: Tok::Duration(total),
            span: Span::new(start, at),
        })
    }

    fn string(&mut self, start: usize, raw: bool) -> Result<Token, ParseError> {
        let open = if raw { start + 1 } else { start };
        let quote = self.byte(open).unwrap_or(b'"');
        let mut out = String::new();
        let mut at = open + 1;
        loop {
            let rest = &self.src[at..];
            let Some(ch) = rest.chars().next() else {
                return Err(err(
                    start,
                    format!("unterminated string; close it with {}", quote as char),
                ));
            };
            if ch as u32 == u32::from(quote) {
                at += 1;
                break;
            }
            if ch == '\\' && !raw {
                let (c, len) = self.escape(at)?;
                out.push(c);
                at += len;
                continue;
            }
            out.push(ch);
            at += ch.len_utf8();
        }
        self.pos = at;
        Ok(Token {
            tok: Tok::Str(out),
            span: Span::new(start, at),
        })
    }

    /// Decodes the escape starting with the backslash at `at`; returns the
    /// character and the escape's length in bytes.
    fn escape(&self, at: usize) -> Result<(char, usize), ParseError> {
        let Some(c) = self.src[at + 1..].chars().next() else {
            return Err(err(at, "unterminated string; it ends with a lone '\\'"));
        };
        let simple = match c {
            '"' => Some('"'),
            '\'' => Some('\''),
            '\\' => Some('\\'),
            'n' => Some('\n'),
            't' => Some('\t'),
            'r' => Some('\r'),
            '0' => Some('\0'),
            _ => None,
        };
        if let Some(decoded) = simple {
            return Ok((decoded, 2));
        }
        if c != 'u' {
            return Err(err(
                at,
                format!(
                    "unknown escape '\\{c}'; write '\\\\' for a backslash, or use a raw string r\"...\" (handy for regexes)"
                ),
            ));
        }
        let bad_unicode = || {
            err(
                at,
                "malformed unicode escape; write \\u{1F600} or \\u00e9 (4 hex digits)",
            )
        };
        let (hex, len) = if self.byte(at + 2) == Some(b'{') {
            let body_start = at + 3;
            let close = self.src[body_start..]
                .bytes()
                .take(7)
                .position(|b| b == b'}')
                .ok_or_else(bad_unicode)?;
            (&self.src[body_start..body_start + close], 3 + close + 1)
        } else {
            let body = self.src.get(at + 2..at + 6).ok_or_else(bad_unicode)?;
            (body, 6)
        };
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(bad_unicode());
        }
        let code = u32::from_str_radix(hex, 16).map_err(|_| bad_unicode())?;
        let decoded = char::from_u32(code).ok_or_else(|| {
            err(
                at,
                format!(
                    "\\u{{{hex}}} is not a valid Unicode character (surrogates are not allowed)"
                ),
            )
        })?;
        Ok((decoded, len))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn lex(src: &str) -> Result<Vec<(Tok, usize, usize)>, ParseError> {
        let mut lexer = Lexer::new(src);
        let mut out = Vec::new();
        loop {
            let t = lexer.next_token()?;
            if t.tok == Tok::Eof {
                assert_eq!(t.span, Span::new(src.len(), src.len()));
                return Ok(out);
            }
            out.push((t.tok, t.span.start, t.span.end));
        }
    }

    fn num(text: &str) -> Tok {
        Tok::Number(Decimal::parse(text).unwrap())
    }

    fn dur(nanos: i128) -> Tok {
        Tok::Duration(Decimal::new(nanos, 0))
    }

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).unwrap().into_iter().map(|t| t.0).collect()
    }

    fn lex_err(src: &str) -> (usize, String) {
        let e = lex(src).unwrap_err();
        (e.offset, e.message)
    }

    #[test]
    fn operators_and_spans() {
        let got = lex("a.b>=1 && !(c != 'x') || d<=2 ,[]-<>==").err();
        assert!(got.is_some()); // '<>' is rejected
        let got = lex("a.b>=1 && !(c != 'x')").unwrap();
        assert_eq!(
            got,
            vec![
                (Tok::Ident("a".into()), 0, 1),
                (Tok::Dot, 1, 2),
                (Tok::Ident("b".into()), 2, 3),
                (Tok::Ge, 3, 5),
                (num("1"), 5, 6),
                (Tok::AndAnd, 7, 9),
                (Tok::Bang, 10, 11),
                (Tok::LParen, 11, 12),
                (Tok::Ident("c".into()), 12, 13),
                (Tok::Ne, 14, 16),
                (Tok::Str("x".into()), 17, 20),
                (Tok::RParen, 20, 21),
            ]
        );
        assert_eq!(
            toks("|| <= < > == , [ ] -"),
            vec![
                Tok::OrOr,
                Tok::Le,
                Tok::Lt,
                Tok::Gt,
                Tok::EqEq,
                Tok::Comma,
                Tok::LBracket,
                Tok::RBracket,
                Tok::Minus
            ]
        );
    }

    #[test]
    fn numbers() {
        assert_eq!(toks("500"), vec![num("500")]);
        assert_eq!(toks("0.5"), vec![num("0.5")]);
        assert_eq!(toks("1e3"), vec![num("1000")]);
        assert_eq!(toks("2.5E-1"), vec![num("0.25")]);
        assert_eq!(toks("1e+2"), vec![num("100")]);
        assert_eq!(toks("-5"), vec![Tok::Minus, num("5")]);
        // Exact: 0.1 is one tenth, not the nearest binary fraction.
        assert_eq!(toks("0.1"), vec![Tok::Number(Decimal::new(1, -1))]);
        assert_eq!(lex_err("x < 1e").0, 4);
        assert_eq!(lex_err("x < 1e999").0, 4);
        let (offset, msg) = lex_err(&format!("x < {}", "1".repeat(40)));
        assert_eq!(offset, 4);
        assert!(msg.contains("too many digits"), "{msg}");
    }

    #[test]
    fn durations() {
        assert_eq!(toks("300ms"), vec![dur(300_000_000)]);
        assert_eq!(toks("1.5s"), vec![dur(1_500_000_000)]);
        assert_eq!(toks("2m"), vec![dur(120_000_000_000)]);
        assert_eq!(toks("1h"), vec![dur(3_600_000_000_000)]);
        assert_eq!(toks("250us"), vec![dur(250_000)]);
        assert_eq!(toks("250µs"), vec![dur(250_000)]);
        assert_eq!(toks("250μs"), vec![dur(250_000)]);
        assert_eq!(toks("100ns"), vec![dur(100)]);
        assert_eq!(toks("1h30m"), vec![dur(5_400_000_000_000)]);
        assert_eq!(toks("1m2.5s"), vec![dur(62_500_000_000)]);
        assert_eq!(toks("0.5ns"), vec![Tok::Duration(Decimal::new(5, -1))]);
        assert_eq!(
            toks("x<=300ms"),
            vec![Tok::Ident("x".into()), Tok::Le, dur(300_000_000)]
        );
        assert_eq!(
            lex("a+b*c/d-1").unwrap().len(),
            9,
            "arithmetic operators are tokens"
        );
        for (src, needle) in [
            ("x < 500mss", "'mss' is not a unit"),
            ("x < 5min", "'min' is not a unit"),
            ("x < 5sec", "'sec' is not a unit"),
            ("x < 5MS", "'MS' is not a unit"),
            ("x < 5d", "'d' is not a unit"),
            ("x < 1h30", "a number without a unit"),
            ("x < 1e3ms", "no exponent"),
            ("x < 5é", "a number without a unit"),
        ] {
            let (offset, msg) = lex_err(src);
            assert_eq!(offset, 4, "{src}");
            assert!(msg.contains(needle), "{src}: {msg}");
            assert!(msg.contains("300ms, 1.5s, 2m (minutes)"), "{src}: {msg}");
        }
        assert!(lex_err(&format!("x < {}h", "9".repeat(36)))
            .1
            .contains("too large"));
    }

    #[test]
    fn strings_and_escapes() {
        assert_eq!(toks(r#""a\"b""#), vec![Tok::Str("a\"b".into())]);
        assert_eq!(toks(r#"'it\'s'"#), vec![Tok::Str("it's".into())]);
        assert_eq!(toks(r#"'say "hi"'"#), vec![Tok::Str("say \"hi\"".into())]);
        assert_eq!(
            toks(r#""\\ \n \t \r \u{e9} \u00e9 \u{1F600}""#),
            vec![Tok::Str("\\ \n \t \r é é 😀".into())]
        );
        assert_eq!(toks(r#"r"\d+\.""#), vec![Tok::Str("\\d+\\.".into())]);
        assert_eq!(toks("'héllo'"), vec![Tok::Str("héllo".into())]);
        assert_eq!(toks("r"), vec![Tok::Ident("r".into())]);
    }

    #[test]
    fn lexical_errors_point_at_the_offending_byte() {
        let (offset, msg) = lex_err("x == \"abc");
        assert_eq!(offset, 5);
        assert!(msg.starts_with("unterminated string"), "{msg}");
        assert_eq!(lex_err("x == 'abc\\").0, 9);
        let (offset, msg) = lex_err("status = 500");
        assert_eq!(offset, 7);
        assert_eq!(msg, "'=' is not an operator; use '==' to compare");
        assert_eq!(lex_err("a & b").0, 2);
        assert_eq!(lex_err("a | b").0, 2);
        assert_eq!(lex_err("a <> b").0, 2);
        let (offset, msg) = lex_err(r#"x.matches("\d")"#);
        assert_eq!(offset, 11);
        assert!(msg.contains("unknown escape '\\d'"), "{msg}");
        assert_eq!(lex_err(r#"x == "\u{110000}""#).0, 6);
        assert_eq!(lex_err(r#"x == "\ud800""#).0, 6);
        assert_eq!(lex_err(r#"x == "\u12""#).0, 6);
        assert_eq!(lex_err(r#"x == "\u{}""#).0, 6);
        assert_eq!(lex_err(r#"x == "\u{12345678}""#).0, 6);
        let (offset, msg) = lex_err("é == 1");
        assert_eq!(offset, 0);
        assert_eq!(msg, "unexpected character 'é'");
        assert_eq!(lex_err("x == `a`").0, 5);
        let (offset, msg) = lex_err("cs:uri == 1");
        assert_eq!(offset, 2);
        assert!(msg.contains("field(\"cs:uri\")"), "{msg}");
        let (offset, msg) = lex_err("status // 100 == 5");
        assert_eq!(offset, 7);
        assert!(msg.contains("divides exactly"), "{msg}");
    }
}
