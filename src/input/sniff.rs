//! What a log that is not CSV or JSON looks like, from its first line.
//!
//! A text access log read as CSV takes its first request for a header and then blames the
//! timestamp field; read as JSON because it starts with `[`, it becomes one malformed value.
//! Recognising the common one-line text formats lets `slo` say what the file is instead.

use std::sync::OnceLock;

use regex::bytes::Regex;

/// Line shapes of text logs, each with the words that name it, most specific first.
const SHAPES: [(&str, &str); 10] = [
    (
        r"^#(Version|Fields|Software):",
        "a W3C extended log (CloudFront, IIS)",
    ),
    (
        r#"^(https?|h2|grpcs|wss?) \d{4}-\d\d-\d\dT[\d:.]+Z \S+ \S+ \S+ "#,
        "an AWS ALB access log",
    ),
    (
        r#"^\S+ \S+ \S+ \[\d\d/[A-Za-z]{3}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "#,
        "an nginx or Apache access log (common or combined format)",
    ),
    (
        r#"^\[\d{4}-\d\d-\d\dT[\d:.]+Z\] "[A-Z]+ "#,
        "an Envoy access log",
    ),
    (r"haproxy\[\d+\]: ", "an HAProxy log"),
    (r"^<\d{1,3}>", "a syslog message"),
    // BSD syslog (`Oct 10 13:55:31 host nginx[123]: …`) and its ISO-dated form.
    (
        r"^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ [^\s:]+(\[\d+\])?: ",
        "a syslog message",
    ),
    (
        r"^\d{4}-\d\d-\d\dT[\d:.]+(Z|[+-]\d\d:?\d\d) \S+ [^\s:]+(\[\d+\])?: ",
        "a syslog message",
    ),
    (
        r"^(\S+=(\S+|\x22[^\x22]*\x22) +){2,}\S+=",
        "a logfmt log (key=value pairs)",
    ),
    (r"^\[[^\]]*\] ", "a text log with a bracketed prefix"),
];

/// Describes the text log format `head` (the first bytes of a log) looks like, if any of the
/// known one-line shapes: `an nginx or Apache access log (common or combined format)`.
pub fn looks_like(head: &[u8]) -> Option<&'static str> {
    static COMPILED: OnceLock<Vec<(Regex, &'static str)>> = OnceLock::new();
    let shapes = COMPILED.get_or_init(|| {
        SHAPES
            .iter()
            .filter_map(|(pattern, name)| Some((Regex::new(pattern).ok()?, *name)))
            .collect()
    });
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let line = head
        .split(|&b| b == b'\n')
        .find(|line| !line.iter().all(u8::is_ascii_whitespace))?;
    shapes
        .iter()
        .find(|(shape, _)| shape.is_match(line))
        .map(|(_, name)| *name)
}

/// Whether `head` starts (after blanks) with a JSON array of values: `[` then `{`, `[`, `]`,
/// a string, a number or a literal — not `[2026-10-01 12:00:00] INFO …`.
pub fn starts_json_array(head: &[u8]) -> bool {
    let head = head.strip_prefix(b"\xef\xbb\xbf").unwrap_or(head);
    let Some(rest) = skip_blanks(head).strip_prefix(b"[") else {
        return false;
    };
    let rest = skip_blanks(rest);
    match rest.first() {
        // Nothing after `[` yet: an array cut short is still read as one (and reported).
        None | Some(b'{' | b'[' | b']' | b'"') => true,
        Some(_) => {
            // A number or a literal, then a separator: `[1, 2]`, `[true]`; not `[12/Oct/…`.
            let end = rest
                .iter()
                .position(|b| matches!(b, b',' | b']') || b.is_ascii_whitespace())
                .unwrap_or(rest.len());
            let (token, after) = rest.split_at(end);
            serde_json::from_slice::<serde_json::Value>(token).is_ok()
                && matches!(skip_blanks(after).first(), None | Some(b',' | b']'))
        }
    }
}

fn skip_blanks(bytes: &[u8]) -> &[u8] {
    let blanks = bytes.iter().take_while(|b| b.is_ascii_whitespace()).count();
    &bytes[blanks..]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_logs_are_named_by_their_first_line() {
        let cases: [(&str, Option<&str>); 13] = [
            ("Oct 10 13:55:31 web1 nginx[123]: GET / 200\n", Some("a syslog message")),
            (
                "2026-10-10T13:55:31+00:00 web1 app[9]: started\n",
                Some("a syslog message"),
            ),
            (
                "203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8\"\n",
                Some("an nginx or Apache access log (common or combined format)"),
            ),
            (
                "http 2026-10-01T12:00:00.123456Z app/my-lb/50dc6c495c0c9188 192.168.131.39:2817 10.0.0.1:80 0.000 0.001 0.000 200 200 34 366 \"GET http://x:80/ HTTP/1.1\"\n",
                Some("an AWS ALB access log"),
            ),
            ("#Version: 1.0\n#Fields: date time\n", Some("a W3C extended log (CloudFront, IIS)")),
            (
                "[2026-10-01T12:00:00.000Z] \"GET /api HTTP/1.1\" 200 - 0 15 3 2 \"-\"\n",
                Some("an Envoy access log"),
            ),
            (
                "Oct  1 12:00:00 lb haproxy[1234]: 10.0.0.1:5000 [01/Oct/2026:12:00:00.000] fe be/s1 0/0/1/2/3 200 100\n",
                Some("an HAProxy log"),
            ),
            ("<134>1 2026-10-01T12:00:00Z host app - - - hi\n", Some("a syslog message")),
            (
                "at=info method=GET path=\"/\" host=x.herokuapp.com status=200 service=12ms\n",
                Some("a logfmt log (key=value pairs)"),
            ),
            ("[2026-10-01 12:00:00] INFO started\n", Some("a text log with a bracketed prefix")),
            ("timestamp,status\n2026-10-01T12:00:00Z,200\n", None),
            ("{\"a\":1}\n", None),
            ("", None),
        ];
        for (head, expected) in cases {
            assert_eq!(looks_like(head.as_bytes()), expected, "{head}");
        }
    }

    #[test]
    fn only_json_after_a_bracket_is_an_array() {
        for json in [
            "[{\"a\":1}]",
            "  [\n  {",
            "[]",
            "[",
            "[1, 2]",
            "[\"x\"]",
            "[true]",
        ] {
            assert!(starts_json_array(json.as_bytes()), "{json}");
        }
        for text in [
            "[2026-10-01 12:00:00] INFO x",
            "[Wed Oct 11 14:32:52 2026] [error] x",
            "[12/Oct/2026:10:00:00 +0000] x",
            "timestamp,status",
            "[1 2]",
        ] {
            assert!(!starts_json_array(text.as_bytes()), "{text}");
        }
    }
}
