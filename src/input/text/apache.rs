//! Apache access logs: a `LogFormat` string (`%h %l %u %t "%r" %>s %b`) and the presets
//! `common` and `combined`. Directives are read under nginx's names where the meaning is the
//! same, so that one spec reads both servers' logs.

use super::fields::{FieldInfo, TimeUnit};
use super::template::{Piece, Template};

/// The Common Log Format.
pub(super) const COMMON: &str = r#"%h %l %u %t "%r" %>s %b"#;

/// The Combined Log Format.
pub(super) const COMBINED: &str = r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i""#;

/// Debian's and Ubuntu's `vhost_combined`, the format of `other_vhosts_access.log`.
pub(super) const VHOST_COMBINED: &str =
    r#"%v:%p %h %l %u %t "%r" %>s %O "%{Referer}i" "%{User-Agent}i""#;

/// The named formats, for `log_format: common`.
pub(super) const PRESETS: [(&str, &str); 3] = [
    ("common", COMMON),
    ("combined", COMBINED),
    ("vhost_combined", VHOST_COMBINED),
];

/// Parses an Apache `LogFormat` string into a template.
pub(super) fn template(format: &str) -> Result<Template, String> {
    let mut pieces = Vec::new();
    let mut fields: Vec<FieldInfo> = Vec::new();
    let mut literal: Vec<u8> = Vec::new();
    let mut unnamed = 0;
    let mut chars = format.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if c != '%' {
            let mut buffer = [0; 4];
            literal.extend_from_slice(c.encode_utf8(&mut buffer).as_bytes());
            continue;
        }
        // `%%` is a percent sign; `%>s`, `%<s` pick the final or first request; `%400,501{..}i`
        // logs only for some statuses (otherwise `-`); `%{arg}x` takes an argument.
        if chars.peek().map(|(_, c)| *c) == Some('%') {
            chars.next();
            literal.push(b'%');
            continue;
        }
        let mut final_status = false;
        while let Some((_, c)) = chars
            .peek()
            .copied()
            .filter(|(_, c)| matches!(c, '<' | '>' | '!' | ',') || c.is_ascii_digit())
        {
            final_status |= c == '>';
            chars.next();
        }
        let mut argument = None;
        if chars.peek().map(|(_, c)| *c) == Some('{') {
            chars.next();
            let mut text = String::new();
            loop {
                match chars.next() {
                    Some((_, '}')) => break,
                    Some((_, c)) => text.push(c),
                    None => {
                        return Err(format!(
                            "`%{{` at character {} is never closed by `}}`",
                            at + 1
                        ))
                    }
                }
            }
            argument = Some(text);
        }
        let Some((_, directive)) = chars.next() else {
            return Err(format!("`%` at character {} ends the format", at + 1));
        };
        // `%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t` (the manual's time with milliseconds): time
        // directives with only text between them are one `time` field, as written.
        let last_is_time = matches!(
            pieces.last(),
            Some(Piece::Field(index)) if fields[*index].name == "time"
        );
        if directive == 't' && argument.is_some() && last_is_time {
            literal.clear();
            continue;
        }
        if directive == 't' && argument.is_none() {
            // `%t` is written with its brackets: `[10/Oct/2000:13:55:36 -0700]`.
            literal.push(b'[');
            push_field(
                &mut pieces,
                &mut fields,
                &mut literal,
                FieldInfo::new("time_local"),
            )?;
            literal.push(b']');
            continue;
        }
        // `%s` is the first request's status, `%>s` the final one's: `status` where it is the
        // only one.
        let original = directive == 's' && !final_status && format.contains("%>s");
        let info = match directive_field(directive, argument.as_deref()) {
            Some(_) if original => FieldInfo::new("original_status"),
            Some(info) => info,
            None => {
                unnamed += 1;
                let argument = argument.map(|a| format!("{{{a}}}")).unwrap_or_default();
                FieldInfo::new(format!("%{argument}{directive}#{unnamed}"))
            }
        };
        push_field(&mut pieces, &mut fields, &mut literal, info)?;
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal.into()));
    }
    Template::new(pieces, fields)
}

fn push_field(
    pieces: &mut Vec<Piece>,
    fields: &mut Vec<FieldInfo>,
    literal: &mut Vec<u8>,
    info: FieldInfo,
) -> Result<(), String> {
    if !literal.is_empty() {
        pieces.push(Piece::Literal(std::mem::take(literal).into()));
    }
    if fields.iter().any(|f| f.name == info.name) {
        return Err(format!(
            "two directives give `{}`; keep one of them",
            info.name
        ));
    }
    pieces.push(Piece::Field(fields.len()));
    fields.push(info);
    Ok(())
}

/// The field a directive gives, under nginx's name for the same value; `None` for a directive
/// slo gives no name (it is still read, to find the fields after it).
fn directive_field(directive: char, argument: Option<&str>) -> Option<FieldInfo> {
    let name = match (directive, argument) {
        ('h' | 'a', _) => "remote_addr",
        ('l', _) => "remote_logname",
        ('u', _) => "remote_user",
        ('t', Some(_)) => "time",
        ('r', _) => "request",
        ('s', _) => "status",
        ('b' | 'B', _) => "body_bytes_sent",
        ('D', _) => return Some(FieldInfo::new("request_time").unit(TimeUnit::Microseconds)),
        ('T', None | Some("s")) => {
            return Some(FieldInfo::new("request_time").unit(TimeUnit::Seconds))
        }
        ('T', Some("ms")) => {
            return Some(FieldInfo::new("request_time").unit(TimeUnit::Milliseconds))
        }
        ('T', Some("us")) => {
            return Some(FieldInfo::new("request_time").unit(TimeUnit::Microseconds))
        }
        ('i', Some(header)) => return Some(FieldInfo::new(format!("http_{}", snake(header)))),
        ('o', Some(header)) => return Some(FieldInfo::new(format!("sent_http_{}", snake(header)))),
        ('v' | 'V', _) => "server_name",
        ('p', None | Some("canonical" | "local")) => "server_port",
        ('U', _) => "uri",
        ('q', _) => "query_string",
        ('m', _) => "request_method",
        ('H', _) => "server_protocol",
        ('I', _) => "request_length",
        ('O', _) => "bytes_sent",
        ('X', _) => "connection_status",
        ('L', _) => "request_id",
        _ => return None,
    };
    Some(FieldInfo::new(name))
}

/// `User-Agent` as nginx names the header's variable part: `user_agent`.
fn snake(header: &str) -> String {
    header
        .chars()
        .map(|c| {
            if c == '-' {
                '_'
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(format: &str) -> Vec<String> {
        template(format)
            .unwrap()
            .fields
            .into_iter()
            .map(|f| f.name)
            .collect()
    }

    #[test]
    fn directives_take_nginx_names() {
        assert_eq!(
            names(COMBINED),
            [
                "remote_addr",
                "remote_logname",
                "remote_user",
                "time_local",
                "request",
                "status",
                "body_bytes_sent",
                "http_referer",
                "http_user_agent"
            ]
        );
        assert_eq!(names("%s %>s")[..], ["original_status", "status"]);
        assert_eq!(names("%h %s")[..], ["remote_addr", "status"]);
        let t = template(r#"%h %t "%r" %>s %D %{X-Request-Id}i %k 100%%"#).unwrap();
        assert_eq!(t.fields[4].unit, Some(TimeUnit::Microseconds));
        assert_eq!(t.fields[5].name, "http_x_request_id");
        assert_eq!(t.fields[6].name, "%k#1");
        assert_eq!(t.pieces.last(), Some(&Piece::Literal((*b" 100%").into())));
    }

    #[test]
    fn time_directives_in_a_row_are_one_time() {
        let format = r#"%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s %{sec}t%{msec_frac}t"#;
        assert!(template(format).is_err(), "two separate `time` fields");
        let format = r#"%h [%{%d/%b/%Y %T}t.%{msec_frac}t %{%z}t] "%r" %>s"#;
        assert_eq!(names(format), ["remote_addr", "time", "request", "status"]);
        let slots = crate::input::test_sink::fields(&["time", "timestamp", "status"]);
        let layout =
            super::super::TextFormat::with_log_format(super::super::TextKind::Apache, format)
                .unwrap();
        let mut rows = super::super::TextRows::new(&layout, &slots);
        let mut sink = crate::input::test_sink::Collect::default();
        let line = br#"192.0.2.1 [01/Oct/2026 11:00:00.123 +0200] "GET / HTTP/1.1" 200"#;
        rows.parse_lines_chunk(line, 1, &mut sink).unwrap();
        assert_eq!(
            sink.rows[0].1,
            [
                "01/Oct/2026 11:00:00.123 +0200",
                "01/Oct/2026 11:00:00.123 +0200",
                "200"
            ]
        );
    }

    #[test]
    fn mistakes_are_named() {
        assert!(template("%h %{Referer")
            .unwrap_err()
            .contains("never closed"));
        assert!(template("%h %").unwrap_err().contains("ends the format"));
        assert!(template("%h %a").unwrap_err().contains("two directives"));
    }
}
