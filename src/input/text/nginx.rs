//! nginx access logs: a `log_format` string (`$remote_addr - [$time_local] "$request" ...`)
//! and the presets `combined`, `main` and ingress-nginx's `upstreaminfo`.

use super::fields::{FieldInfo, TimeUnit};
use super::template::{Piece, Template};

/// nginx's built-in format.
pub(super) const COMBINED: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent""#;

/// The format of the official Docker image's `nginx.conf`.
pub(super) const MAIN: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for""#;

/// ingress-nginx's default `log-format-upstream`.
pub(super) const UPSTREAMINFO: &str = r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_length $request_time [$proxy_upstream_name] [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length $upstream_response_time $upstream_status $req_id"#;

/// The named formats, for `log_format: combined`.
pub(super) const PRESETS: [(&str, &str); 3] = [
    ("combined", COMBINED),
    ("main", MAIN),
    ("upstreaminfo", UPSTREAMINFO),
];

/// nginx variables whose value is a duration in seconds.
const SECONDS: [&str; 5] = [
    "request_time",
    "upstream_response_time",
    "upstream_connect_time",
    "upstream_header_time",
    "upstream_queue_time",
];

/// Parses an nginx `log_format` string into a template.
pub(super) fn template(format: &str) -> Result<Template, String> {
    let mut pieces = Vec::new();
    let mut fields = Vec::new();
    let mut literal = Vec::new();
    let bytes = format.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            literal.push(bytes[i]);
            i += 1;
            continue;
        }
        let (name, next) = if bytes.get(i + 1) == Some(&b'{') {
            let close = format[i..]
                .find('}')
                .ok_or_else(|| format!("`${{` at character {} is never closed by `}}`", i + 1))?;
            (&format[i + 2..i + close], i + close + 1)
        } else {
            let length = bytes[i + 1..]
                .iter()
                .take_while(|b| b.is_ascii_alphanumeric() || **b == b'_')
                .count();
            (&format[i + 1..i + 1 + length], i + 1 + length)
        };
        if name.is_empty() {
            return Err(format!(
                "`$` at character {} is not followed by a variable name",
                i + 1
            ));
        }
        if !literal.is_empty() {
            pieces.push(Piece::Literal(std::mem::take(&mut literal).into()));
        }
        if fields.iter().any(|f: &FieldInfo| f.name == name) {
            return Err(format!("`${name}` appears twice"));
        }
        pieces.push(Piece::Field(fields.len()));
        fields.push(variable(name));
        i = next;
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal.into()));
    }
    Template::new(pieces, fields)
}

/// What slo knows of an nginx variable.
fn variable(name: &str) -> FieldInfo {
    let mut info = FieldInfo::new(name);
    if SECONDS.contains(&name) {
        info = info.unit(TimeUnit::Seconds);
    }
    if name.starts_with("upstream_") {
        info = info.multi_value();
    }
    info
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variables_and_text_become_pieces() {
        let t = template("${remote_addr}x[$time_local] $request_time").unwrap();
        assert_eq!(
            t.fields.iter().map(|f| f.name.as_str()).collect::<Vec<_>>(),
            ["remote_addr", "time_local", "request_time"]
        );
        assert_eq!(t.fields[2].unit, Some(TimeUnit::Seconds));
        assert_eq!(t.pieces.len(), 5);
        for preset in PRESETS {
            assert!(template(preset.1).is_ok(), "{}", preset.0);
        }
    }

    #[test]
    fn mistakes_are_named() {
        assert!(template("$a $")
            .unwrap_err()
            .contains("not followed by a variable name"));
        assert!(template("${a").unwrap_err().contains("never closed"));
        assert!(template("$a $a").unwrap_err().contains("appears twice"));
        assert!(template("plain text").unwrap_err().contains("no fields"));
    }
}
