//! Text from the logs made safe to show to a person.
//!
//! Log values are written by whoever sends a request: a path such as `/a%1B[31mRED`, once
//! decoded by the server, carries an escape sequence that would recolour the reader's
//! terminal, set its title or move its cursor, and a line break or a bidirectional override
//! can make a table or a warning say something it does not. Every text for people (the table,
//! `check` lines, Markdown, warnings and errors) shows such characters as visible escapes;
//! the machine formats (JSON, CSV, Prometheus) keep the exact value with their own quoting.

use std::borrow::Cow;
use std::fmt;

/// Whether `c` must not reach a person's terminal or document as itself: C0 and C1 control
/// characters (line breaks and tabs included), DEL, the Unicode line and paragraph
/// separators, and the characters that reorder bidirectional text.
fn needs_escape(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}'
        | '\u{2028}' | '\u{2029}'
        // Bidirectional marks, embeddings, overrides and isolates (Unicode TR9, "Trojan Source").
        | '\u{61c}' | '\u{200e}' | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}')
}

/// `text` with every character that [`needs_escape`] written as a visible escape: `\n`, `\r`,
/// `\t`, `\x1b` (other ASCII controls), `\u{202e}` (the rest). Borrowed when nothing changes.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(needs_escape) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(Visible(text).to_string())
}

/// Displays a text with [`visible`] escapes, without an intermediate `String`.
#[derive(Debug, Clone, Copy)]
pub struct Visible<'a>(pub &'a str);

impl fmt::Display for Visible<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(at) = rest.find(needs_escape) {
            f.write_str(&rest[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            match c {
                '\n' => f.write_str("\\n")?,
                '\r' => f.write_str("\\r")?,
                '\t' => f.write_str("\\t")?,
                c if c.is_ascii() => write!(f, "\\x{:02x}", u32::from(c))?,
                c => write!(f, "\\u{{{:x}}}", u32::from(c))?,
            }
            rest = &rest[at + c.len_utf8()..];
        }
        f.write_str(rest)
    }
}

/// A message that may hold text from the logs, for standard error: line breaks that `slo`
/// itself put between lines stay, every other character that [`needs_escape`] is escaped.
/// Values are escaped with [`visible`] where they enter a message; this is the last guard.
pub fn visible_lines(message: &str) -> String {
    message
        .split('\n')
        .map(|line| visible(line).into_owned())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Writes one diagnostic line (or several, for a message with line breaks of its own) to
/// standard error, with every value escaped by [`visible_lines`]. A closed or full standard
/// error (`slo … 2>&1 | head -1`) is ignored, not a panic as `eprintln!` would make it.
pub fn eprint_lines(message: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = visible_lines(&message.to_string());
    let _ = writeln!(std::io::stderr().lock(), "{text}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_become_escapes() {
        assert_eq!(visible("/a\u{1b}[31mRED"), "/a\\x1b[31mRED");
        assert_eq!(visible("\u{1b}]0;title\u{7}x"), "\\x1b]0;title\\x07x");
        assert_eq!(visible("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(visible("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(visible("\u{2066}\u{85}\u{7f}"), "\\u{2066}\\u{85}\\x7f");
        assert_eq!(visible("x\u{2028}y"), "x\\u{2028}y");
    }

    #[test]
    fn ordinary_text_is_borrowed_unchanged() {
        for text in [
            "",
            "/api/cart?q=ü",
            "C:\\logs",
            "日本語 – 99.9 %",
            "\u{200b}",
        ] {
            assert!(matches!(visible(text), Cow::Borrowed(t) if t == text));
        }
    }

    #[test]
    fn messages_keep_their_own_line_breaks() {
        assert_eq!(
            visible_lines("first\n  second \u{1b}[2J"),
            "first\n  second \\x1b[2J"
        );
    }
}
