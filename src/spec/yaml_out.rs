//! Writing YAML for `slo convert`: a small tree of values printed in block style, with every
//! string quoted when (and only when) YAML would read it as something else. Hand-written so
//! that the output is stable and reads like a person wrote it: keys in the order given, short
//! lists of plain words inline (`[30d, 7d]`), expressions in single quotes.

/// A YAML value to write.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Yaml {
    /// Text, quoted as needed.
    Str(String),
    /// A number or boolean, written as is.
    Raw(String),
    /// A list.
    Seq(Vec<Yaml>),
    /// A mapping, in the order given.
    Map(Vec<(String, Yaml)>),
}

impl Yaml {
    pub fn str(text: impl Into<String>) -> Yaml {
        Yaml::Str(text.into())
    }

    pub fn raw(text: impl Into<String>) -> Yaml {
        Yaml::Raw(text.into())
    }

    /// A mapping from `(key, value)` pairs.
    pub fn map<K: Into<String>>(entries: impl IntoIterator<Item = (K, Yaml)>) -> Yaml {
        Yaml::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// The document, ending with a newline.
    pub fn to_document(&self) -> String {
        let mut out = String::new();
        for line in self.lines() {
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }

    /// The value inline (flow style), for annotations and short lists.
    pub fn to_flow(&self) -> String {
        match self {
            Yaml::Str(text) => quote(text),
            Yaml::Raw(text) => text.clone(),
            Yaml::Seq(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(Yaml::to_flow)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Yaml::Map(entries) => format!(
                "{{{}}}",
                entries
                    .iter()
                    .map(|(k, v)| format!("{}: {}", quote(k), v.to_flow()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn is_scalar(&self) -> bool {
        matches!(self, Yaml::Str(_) | Yaml::Raw(_))
    }

    /// A list written inline: only plain words, and not too many.
    fn inline_list(&self) -> Option<String> {
        let Yaml::Seq(items) = self else {
            return None;
        };
        let plain = items.iter().all(|item| match item {
            Yaml::Str(text) => quote(text) == *text,
            Yaml::Raw(_) => true,
            _ => false,
        });
        let flow = self.to_flow();
        (plain && flow.len() <= 60).then_some(flow)
    }

    /// The lines of a block value, indented relative to its parent.
    fn lines(&self) -> Vec<String> {
        match self {
            Yaml::Str(_) | Yaml::Raw(_) => vec![self.to_flow()],
            Yaml::Seq(items) if items.is_empty() => vec!["[]".to_string()],
            Yaml::Map(entries) if entries.is_empty() => vec!["{}".to_string()],
            Yaml::Seq(items) => {
                let mut lines = Vec::new();
                for item in items {
                    let item_lines = item.lines();
                    for (i, line) in item_lines.into_iter().enumerate() {
                        lines.push(if i == 0 {
                            format!("- {line}")
                        } else {
                            format!("  {line}")
                        });
                    }
                }
                lines
            }
            Yaml::Map(entries) => {
                let mut lines = Vec::new();
                for (key, value) in entries {
                    let key = quote(key);
                    if value.is_scalar() {
                        lines.push(format!("{key}: {}", value.to_flow()));
                    } else if let Some(flow) = value.inline_list() {
                        lines.push(format!("{key}: {flow}"));
                    } else if matches!(value, Yaml::Seq(v) if v.is_empty()) {
                        lines.push(format!("{key}: []"));
                    } else if matches!(value, Yaml::Map(v) if v.is_empty()) {
                        lines.push(format!("{key}: {{}}"));
                    } else {
                        lines.push(format!("{key}:"));
                        lines.extend(value.lines().into_iter().map(|l| format!("  {l}")));
                    }
                }
                lines
            }
        }
    }
}

/// `text` as a YAML scalar that reads back as the same string: plain when safe, else in single
/// quotes, or double quotes when it holds line breaks or control characters.
pub(crate) fn quote(text: &str) -> String {
    if is_plain(text) {
        return text.to_string();
    }
    if text.chars().any(|c| c.is_control()) {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                '\r' => out.push_str("\\r"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
                c => out.push(c),
            }
        }
        out.push('"');
        return out;
    }
    format!("'{}'", text.replace('\'', "''"))
}

fn is_plain(text: &str) -> bool {
    let Some(first) = text.chars().next() else {
        return false;
    };
    let reserved = matches!(
        text.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    let number_like = text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | '_' | 'e' | 'E' | ':'))
        && text.chars().any(|c| c.is_ascii_digit());
    // Prose may hold spaces and parentheses; nothing that YAML reads as syntax (`: `, ` #`,
    // flow indicators) or that would not read back the same (edge spaces).
    (first.is_ascii_alphanumeric() || matches!(first, '_' | '/' | '.'))
        && text.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(c, '_' | '.' | '/' | '-' | '+' | '%' | ' ' | '(' | ')')
        })
        && !text.ends_with(' ')
        && !text.contains("  ")
        && !reserved
        && !number_like
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_what_needs_it() {
        assert_eq!(quote("checkout"), "checkout");
        assert_eq!(quote("30d"), "30d");
        assert_eq!(quote("Europe/Berlin"), "Europe/Berlin");
        assert_eq!(quote("slo.logs"), "slo.logs");
        assert_eq!(quote("2%"), "2%");
        assert_eq!(quote("true"), "'true'");
        assert_eq!(quote("404"), "'404'");
        assert_eq!(quote("1.5"), "'1.5'");
        assert_eq!(quote("2024-01-01 00:00:00"), "'2024-01-01 00:00:00'");
        assert_eq!(quote("service == \"a\""), "'service == \"a\"'");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a\nb"), "\"a\\nb\"");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("-x"), "'-x'");
        assert_eq!(
            quote("Checkout requests succeed (no 5xx)"),
            "Checkout requests succeed (no 5xx)"
        );
        assert_eq!(quote("a, b"), "'a, b'");
    }

    #[test]
    fn block_style_reads_back() {
        let doc = Yaml::map([
            ("version", Yaml::raw("1")),
            (
                "windows",
                Yaml::Seq(vec![Yaml::str("30d"), Yaml::str("7d")]),
            ),
            (
                "slos",
                Yaml::Seq(vec![Yaml::map([
                    ("name", Yaml::str("a")),
                    ("good", Yaml::str("status < 500")),
                    ("alerts", Yaml::Seq(vec![])),
                ])]),
            ),
        ]);
        let text = doc.to_document();
        assert_eq!(
            text,
            "version: 1\nwindows: [30d, 7d]\nslos:\n  - name: a\n    good: 'status < 500'\n    alerts: []\n"
        );
        let parsed = crate::spec::yaml::parse_documents(&text).unwrap();
        assert_eq!(parsed.len(), 1);
    }
}
