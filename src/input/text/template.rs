//! Line templates: a line format written as literal text and fields, as nginx's `log_format`,
//! Apache's `LogFormat` and the fixed layouts of ALB, Envoy and HAProxy logs all are, and the
//! matcher that finds each field of a line in place.
//!
//! A field ends where the literal text after it starts. A field between quotes ends at the
//! first quote that no backslash escapes and that the rest of the literal follows; an nginx
//! variable that can hold several values (`upstream_response_time` is `0.000, 0.854` after a
//! retry, with ` : ` after an internal redirect) does not end at the spaces inside that list.

use super::fields::{find_byte, FieldInfo};

/// A line format: literal text and fields, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Template {
    pub(super) pieces: Vec<Piece>,
    pub(super) fields: Vec<FieldInfo>,
    /// The pieces as the matcher walks them.
    steps: Vec<Step>,
    /// Fields that a line must have; a line that ends cleanly after them leaves the rest
    /// missing (ALB adds fields over the years, and older lines have fewer).
    required_fields: usize,
    /// Whether text after the last piece is ignored (ALB appends fields over time) rather
    /// than a mismatch.
    trailing_ignored: bool,
    /// Where in a line the template starts.
    start: LineStart,
    /// Whether the server escapes quotes inside quoted values (nginx and Apache do, Envoy
    /// writes header values raw), so that the first quote that no backslash escapes closes.
    escapes_quotes: bool,
}

/// Where the template starts in a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum LineStart {
    /// At the first byte.
    Line,
    /// After any syslog prefix, at the client address before ` [dd/Mon/yyyy:` (HAProxy).
    BeforeBracketedDate,
}

/// One piece of a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Piece {
    /// Text that must be there as written.
    Literal(Box<[u8]>),
    /// A field, by index into [`Template::fields`].
    Field(usize),
    /// A field written between braces and followed by a space, or absent (HAProxy's captured
    /// headers, there only when the configuration captures some).
    OptionalBraced(usize),
}

/// Where a field lies in a line: `start..end`, or `NONE` when the line does not have it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Span {
    pub(super) start: u32,
    pub(super) end: u32,
}

impl Span {
    pub(super) const NONE: Span = Span {
        start: u32::MAX,
        end: u32::MAX,
    };

    pub(super) fn get(self, line: &[u8]) -> Option<&[u8]> {
        line.get(self.start as usize..self.end as usize)
    }

    fn new(start: usize, end: usize) -> Span {
        // Lines are at most MAX_RECORD_BYTES (64 MiB) long.
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

/// Why a line does not match its template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Mismatch {
    /// 0-based byte in the line where the matcher stopped.
    pub(super) at: usize,
    /// What was expected there.
    pub(super) expected: String,
    /// How many fields were found before it: how close the line came to the template.
    pub(super) fields_found: usize,
    /// Whether the line ends inside the field that starts at `at`, before the text that
    /// ends it: a line cut short (a log copied while it was written, a line limit).
    pub(super) ends_inside: bool,
}

impl Mismatch {
    /// The reason a malformed row is given, with the 1-based column.
    pub(super) fn describe(&self, line: &[u8]) -> String {
        let found = match line.get(self.at) {
            // A line that ran out after several fields matched was cut, or written in a
            // shorter layout (Apache's `common` read as `combined`); one that stops at its
            // first field is more likely in another format.
            _ if self.ends_inside && self.fields_found >= 2 => {
                "but the line ends before it (a line cut short, or a log written in a shorter \
                 layout)"
                    .to_string()
            }
            None => "the line ends".to_string(),
            Some(_) => {
                let end = line.len().min(self.at + 48);
                let found: String = String::from_utf8_lossy(&line[self.at..end])
                    .chars()
                    .take(12)
                    .collect();
                format!("found `{}`", shown(found.as_bytes()))
            }
        };
        format!(
            "does not match the log format at column {}: expected {}, {found}",
            self.at + 1,
            self.expected
        )
    }
}

impl Template {
    /// Checks a template's shape: no two fields without text between them, which no line
    /// could be split by.
    pub(super) fn new(pieces: Vec<Piece>, fields: Vec<FieldInfo>) -> Result<Template, String> {
        for pair in pieces.windows(2) {
            if let [Piece::Field(a), Piece::Field(b)] = pair {
                return Err(format!(
                    "`{}` and `{}` follow each other with nothing between them, so a line \
                     cannot be split between them",
                    fields[*a].name, fields[*b].name
                ));
            }
        }
        if fields.is_empty() {
            return Err("the format has no fields".to_string());
        }
        let required_fields = fields.len();
        Ok(Template {
            steps: steps(&pieces, &fields, false),
            pieces,
            fields,
            required_fields,
            trailing_ignored: false,
            start: LineStart::Line,
            escapes_quotes: true,
        })
    }

    /// This template for a server that writes quotes inside quoted values as they are: a
    /// quote closes a value only where the text after the value follows it.
    pub(super) fn with_raw_quotes(mut self) -> Template {
        self.escapes_quotes = false;
        self
    }

    /// This template for lines that may end after `required_fields` fields and may go on
    /// after the last one (ALB's, which AWS extends over the years).
    pub(super) fn with_optional_tail(mut self, required_fields: usize) -> Template {
        self.required_fields = required_fields;
        self.trailing_ignored = true;
        self.steps = steps(&self.pieces, &self.fields, true);
        self
    }

    /// This template starting where `start` says in a line.
    pub(super) fn with_start(mut self, start: LineStart) -> Template {
        self.start = start;
        self
    }

    /// Whether a line may end after `found` fields.
    fn ends_early(&self, found: usize) -> bool {
        self.required_fields < self.fields.len() && found >= self.required_fields
    }

    /// Finds every field of `line`, setting `spans` (one per field; fields a line does not
    /// reach stay [`Span::NONE`]).
    pub(super) fn split(&self, line: &[u8], spans: &mut [Span]) -> Result<(), Mismatch> {
        spans.fill(Span::NONE);
        let mut at = match self.start {
            LineStart::Line => 0,
            LineStart::BeforeBracketedDate => start_before_bracketed_date(line),
        };
        let mut found = 0usize;
        let mismatch = |at: usize, expected: String, found: usize| Mismatch {
            at,
            expected,
            fields_found: found,
            ends_inside: false,
        };
        for step in &self.steps {
            match step {
                Step::Literal(text) => {
                    if at == line.len() && self.ends_early(found) {
                        return Ok(());
                    }
                    if !starts_with(&line[at..], text) {
                        return Err(mismatch(at, format!("`{}`", shown(text)), found));
                    }
                    at += text.len();
                }
                Step::OptionalBraced(field) => {
                    if line.get(at) == Some(&b'{') {
                        let Some(close) = memchr::memchr(b'}', &line[at..]) else {
                            return Err(mismatch(at, "a closing `}`".to_string(), found));
                        };
                        let end = at + close;
                        if line.get(end + 1) != Some(&b' ') {
                            return Err(mismatch(end + 1, "a space".to_string(), found));
                        }
                        spans[*field] = Span::new(at + 1, end);
                        at = end + 2;
                    }
                    found += 1;
                }
                Step::Field { field, until } => {
                    let (end, next) = match until {
                        Until::LineEnd => (line.len(), line.len()),
                        Until::Space => {
                            let end = find_byte(b' ', &line[at..]).map_or(line.len(), |i| at + i);
                            (end, end)
                        }
                        Until::LastInWord(text) => {
                            let word_end =
                                find_byte(b' ', &line[at..]).map_or(line.len(), |i| at + i);
                            match memchr::memmem::rfind(&line[at..word_end], text) {
                                Some(i) => (at + i, at + i + text.len()),
                                None => {
                                    let name = &self.fields[*field].name;
                                    let what = format!("`{}` after the {name} field", shown(text));
                                    return Err(mismatch(at, what, found));
                                }
                            }
                        }
                        Until::Literal {
                            text,
                            quoted,
                            multi_value,
                            ends_line,
                        } => match field_end(
                            line,
                            at,
                            text,
                            *quoted,
                            *multi_value,
                            *ends_line,
                            self.escapes_quotes,
                        ) {
                            Ok(end) => (end, end + text.len()),
                            // A line with only the required fields ends in this one's
                            // closing quote, or with it.
                            Err(_) if self.ends_early(found + 1) => {
                                let end = line.len() - usize::from(*quoted);
                                if *quoted && !(line.ends_with(b"\"") && end >= at) {
                                    return Err(mismatch(line.len(), "`\"`".to_string(), found));
                                }
                                spans[*field] = Span::new(at, end);
                                return Ok(());
                            }
                            Err(stop) => {
                                let name = &self.fields[*field].name;
                                let what = match stop < line.len() && *ends_line {
                                    true => format!("the end of the line after the {name} field"),
                                    false => format!("`{}` after the {name} field", shown(text)),
                                };
                                if stop < line.len() {
                                    return Err(mismatch(stop, what, found));
                                }
                                // A field that never ends got no further than its start.
                                return Err(Mismatch {
                                    ends_inside: true,
                                    ..mismatch(at, what, found)
                                });
                            }
                        },
                    };
                    spans[*field] = Span::new(at, end);
                    at = next;
                    found += 1;
                }
            }
        }
        if at < line.len() && !self.trailing_ignored {
            return Err(mismatch(at, "the end of the line".to_string(), found));
        }
        Ok(())
    }
}

/// What the matcher does, piece by piece: [`Template::pieces`] with each field joined to the
/// text that ends it, and what is known of that text before any line is read.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Step {
    /// Text that must be there as written.
    Literal(Box<[u8]>),
    /// A field and what ends it (which the step consumes too).
    Field { field: usize, until: Until },
    /// As [`Piece::OptionalBraced`].
    OptionalBraced(usize),
}

/// What ends a field.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Until {
    /// The text after it (see [`field_end`]).
    Literal {
        text: Box<[u8]>,
        /// Whether the field is between quotes.
        quoted: bool,
        multi_value: bool,
        /// Whether the text ends the line.
        ends_line: bool,
    },
    /// The last occurrence of this text before the next space (see
    /// [`FieldInfo::ends_at_last_in_word`]), which the step consumes too.
    LastInWord(Box<[u8]>),
    /// The last field: the first space (more text is then a mismatch, or ignored).
    Space,
    /// The last field, which may hold spaces: the end of the line.
    LineEnd,
}

/// The steps that match `pieces`.
fn steps(pieces: &[Piece], fields: &[FieldInfo], trailing_ignored: bool) -> Vec<Step> {
    let mut steps = Vec::with_capacity(pieces.len());
    let mut index = 0;
    while index < pieces.len() {
        match &pieces[index] {
            Piece::Literal(text) => steps.push(Step::Literal(text.clone())),
            Piece::OptionalBraced(field) => steps.push(Step::OptionalBraced(*field)),
            Piece::Field(field) => {
                let until = match pieces.get(index + 1) {
                    Some(Piece::Literal(text)) if fields[*field].ends_at_last_in_word => {
                        index += 1;
                        Until::LastInWord(text.clone())
                    }
                    Some(Piece::Literal(text)) => {
                        index += 1;
                        let after_quote = matches!(
                            index.checked_sub(2).map(|i| &pieces[i]),
                            Some(Piece::Literal(before)) if before.ends_with(b"\"")
                        );
                        Until::Literal {
                            text: text.clone(),
                            quoted: after_quote && text.starts_with(b"\""),
                            multi_value: fields[*field].multi_value,
                            ends_line: index + 1 == pieces.len() && !trailing_ignored,
                        }
                    }
                    _ if fields[*field].multi_value && !trailing_ignored => Until::LineEnd,
                    _ => Until::Space,
                };
                steps.push(Step::Field {
                    field: *field,
                    until,
                });
            }
        }
        index += 1;
    }
    steps
}

/// Where a field that starts at `at` ends: at the first `literal` that follows (and ends the
/// line, when `ends_line`). `Err` holds where the search stopped: the quote that should have
/// closed a quoted field of a server that escapes quotes (`escapes_quotes`), or the line's
/// end.
fn field_end(
    line: &[u8],
    at: usize,
    literal: &[u8],
    quoted: bool,
    multi_value: bool,
    ends_line: bool,
    escapes_quotes: bool,
) -> Result<usize, usize> {
    let first = literal[0];
    let mut from = at;
    loop {
        let i = from + find_byte(first, &line[from..]).ok_or(line.len())?;
        from = i + 1;
        if quoted && i > at && line[i - 1] == b'\\' && escaped(line, at, i) {
            continue;
        }
        let fits =
            starts_with(&line[i..], literal) && (!ends_line || i + literal.len() == line.len());
        // nginx and Apache escape quotes inside quoted values: the first quote closes.
        if quoted && escapes_quotes && !fits {
            return Err(i + 1);
        }
        if !fits {
            continue;
        }
        if multi_value && first == b' ' && continues_list(line, at, i) {
            continue;
        }
        return Ok(i);
    }
}

/// `text.starts_with(prefix)` for the short literals of templates, without a call to `memcmp`.
#[inline]
fn starts_with(text: &[u8], prefix: &[u8]) -> bool {
    text.len() >= prefix.len() && text.iter().zip(prefix).all(|(a, b)| a == b)
}

/// Whether the byte at `i` is escaped by an odd run of backslashes after `start`.
fn escaped(line: &[u8], start: usize, i: usize) -> bool {
    let backslashes = line[start..i]
        .iter()
        .rev()
        .take_while(|&&b| b == b'\\')
        .count();
    backslashes % 2 == 1
}

/// Whether the space at `i` is inside an nginx list of values (`a, b` or `a : b`).
fn continues_list(line: &[u8], start: usize, i: usize) -> bool {
    let before = &line[start..i];
    before.ends_with(b",")
        || before.ends_with(b" :")
        || (line[i + 1..].starts_with(b": ") && !before.is_empty())
}

/// Where an HAProxy line's own text starts: the word before the first ` [dd/`, after whatever
/// syslog prefix precedes it (`<134>Oct  1 12:00:00 lb haproxy[1234]: `, an RFC 5424 header,
/// or nothing when HAProxy logs to standard output).
fn start_before_bracketed_date(line: &[u8]) -> usize {
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&line[from..], b" [").map(|i| from + i) {
        let date = &line[i + 2..];
        if date.len() > 3 && date[0].is_ascii_digit() && date[1].is_ascii_digit() && date[2] == b'/'
        {
            return memchr::memrchr(b' ', &line[..i]).map_or(0, |space| space + 1);
        }
        from = i + 2;
    }
    0
}

/// Text of a line or a template for messages: control characters escaped (`\t`, `\u{1b}`),
/// the rest as written, quotes included, so that `expected `" `` reads as the line does.
fn shown(text: &[u8]) -> String {
    String::from_utf8_lossy(text)
        .chars()
        .map(|c| match c.is_control() {
            true => c.escape_debug().to_string(),
            false => c.to_string(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::nginx;
    use super::*;

    fn split(template: &Template, line: &str) -> Result<Vec<Option<String>>, Mismatch> {
        let mut spans = vec![Span::NONE; template.fields.len()];
        template.split(line.as_bytes(), &mut spans)?;
        Ok(spans
            .iter()
            .map(|s| {
                s.get(line.as_bytes())
                    .map(|v| String::from_utf8_lossy(v).into())
            })
            .collect())
    }

    #[test]
    fn combined_lines_split_into_fields() {
        let template = nginx::template(nginx::COMBINED).unwrap();
        let values = split(
            &template,
            r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET /a?b=1 HTTP/1.1" 200 612 "-" "Mozilla/5.0 (X11) \"q\"""#,
        )
        .unwrap();
        let values: Vec<&str> = values.iter().map(|v| v.as_deref().unwrap()).collect();
        assert_eq!(
            values,
            [
                "203.0.113.9",
                "-",
                "01/Oct/2026:12:00:00 +0000",
                "GET /a?b=1 HTTP/1.1",
                "200",
                "612",
                "-",
                r#"Mozilla/5.0 (X11) \"q\""#
            ]
        );
    }

    #[test]
    fn nginx_lists_of_values_stay_one_field() {
        let template = nginx::template("$upstream_addr $upstream_response_time $status").unwrap();
        let values = split(
            &template,
            "10.0.0.1:80, 10.0.0.2:80 0.000, 0.854 : 0.002 502",
        )
        .unwrap();
        assert_eq!(
            values,
            [
                Some("10.0.0.1:80, 10.0.0.2:80".into()),
                Some("0.000, 0.854 : 0.002".into()),
                Some("502".into())
            ]
        );
    }

    #[test]
    fn a_line_that_differs_says_where() {
        let template = nginx::template(nginx::COMBINED).unwrap();
        let line = r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612"#;
        let mismatch = split(&template, line).unwrap_err();
        assert_eq!(mismatch.fields_found, 5);
        assert_eq!(
            mismatch.describe(line.as_bytes()),
            "does not match the log format at column 67: expected ` \"` after the \
             body_bytes_sent field, but the line ends before it (a line cut short, or a log written \
             in a shorter layout)"
        );
        // Cut inside a quoted field: the field's start is where it stopped.
        let cut = &line[..52];
        assert_eq!(
            split(&template, cut).unwrap_err().describe(cut.as_bytes()),
            "does not match the log format at column 47: expected `\" ` after the request \
             field, but the line ends before it (a line cut short, or a log written in a \
             shorter layout)"
        );
        let tabbed = "10.0.0.1\t\"x\" \u{1b}[31m";
        let mismatch = split(&template, tabbed).unwrap_err();
        assert_eq!(
            mismatch.describe(tabbed.as_bytes()),
            "does not match the log format at column 1: expected ` - ` after the remote_addr \
             field, found `10.0.0.1\\t\"x\"`"
        );
        let extra = format!("{line} \"-\" \"curl\" 0.003");
        let mismatch = split(&template, &extra).unwrap_err();
        assert!(mismatch
            .describe(extra.as_bytes())
            .contains("expected the end of the line after the http_user_agent field"));
    }

    #[test]
    fn adjacent_fields_are_refused() {
        assert!(nginx::template("$status$body_bytes_sent").is_err());
    }

    #[test]
    fn haproxy_text_starts_after_any_syslog_prefix() {
        for (line, start) in [
            (
                "Oct  1 12:00:00 lb haproxy[1234]: 10.0.0.1:5000 [01/Oct/2026:12:00:00.000] fe",
                34,
            ),
            ("10.0.0.1:5000 [01/Oct/2026:12:00:00.000] fe", 0),
            (
                "<134>1 2026-10-01T12:00:00Z lb haproxy 1 - - 10.0.0.1:5 [01/Oct/2026:1",
                45,
            ),
        ] {
            assert_eq!(
                start_before_bracketed_date(line.as_bytes()),
                start,
                "{line}"
            );
        }
    }
}
