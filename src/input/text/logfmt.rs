//! logfmt: `key=value` pairs separated by spaces (Heroku's router, Go services, ...). A value
//! may be quoted, with `\"` inside; a key alone means `true`. A syslog prefix before the first
//! pair (RFC 5424 `<158>1 2026-10-01T12:00:00+00:00 host app proc - `, or
//! `2026-10-01T12:00:00+00:00 heroku[router]: `) is skipped, its time kept for `timestamp`.

use super::fields::unescape_into;
use super::RowValues;

/// Keys that stand for `timestamp` when no `timestamp` key is there, best first; the
/// syslog prefix's time comes after them.
const TIME_KEYS: [&[u8]; 2] = [b"time", b"ts"];

/// Which slot each wanted key fills.
#[derive(Debug)]
pub(super) struct Pairs {
    wanted: Vec<(Box<[u8]>, usize)>,
    /// The slot of `timestamp`, which other time keys and the prefix fill when there is no
    /// `timestamp` key.
    timestamp: Option<usize>,
}

impl Pairs {
    pub(super) fn new(slot_names: &[String]) -> Pairs {
        Pairs {
            wanted: slot_names
                .iter()
                .enumerate()
                .map(|(slot, name)| (name.as_bytes().into(), slot))
                .collect(),
            timestamp: slot_names.iter().position(|n| n == "timestamp"),
        }
    }

    /// Reads one line's pairs into `values`.
    pub(super) fn row(&self, line: &[u8], values: &mut RowValues) -> Result<(), String> {
        let (start, prefix_time) = skip_prefix(line);
        // The best stand-in for `timestamp` so far: (rank, start, end); lower rank is better.
        let mut stand_in = prefix_time.map(|(s, e)| (TIME_KEYS.len(), s, e));
        let mut timestamp_set = false;
        let mut pairs = 0usize;
        let mut at = start;
        while at < line.len() {
            if line[at] == b' ' || line[at] == b'\t' {
                at += 1;
                continue;
            }
            let key_end = line[at..]
                .iter()
                .position(|&b| b == b'=' || b == b' ' || b == b'\t')
                .map_or(line.len(), |i| at + i);
            let key = &line[at..key_end];
            let (value, escaped, next) = if line.get(key_end) == Some(&b'=') {
                let value_start = key_end + 1;
                if line.get(value_start) == Some(&b'"') {
                    let close = closing_quote(line, value_start + 1).ok_or_else(|| {
                        format!(
                            "the quoted value of `{}` at column {} is never closed",
                            String::from_utf8_lossy(key),
                            value_start + 1
                        )
                    })?;
                    let inner = (value_start + 1, close);
                    let escaped = memchr::memchr(b'\\', &line[inner.0..inner.1]).is_some();
                    (Some(inner), escaped, close + 1)
                } else {
                    let end = line[value_start..]
                        .iter()
                        .position(|&b| b == b' ' || b == b'\t')
                        .map_or(line.len(), |i| value_start + i);
                    (Some((value_start, end)), false, end)
                }
            } else {
                (None, false, key_end)
            };
            at = next;
            if key.is_empty() {
                continue;
            }
            pairs += usize::from(value.is_some());
            if let Some(rank) = TIME_KEYS.iter().position(|k| *k == key) {
                if let Some((s, e)) = value {
                    if stand_in.is_none_or(|(best, ..)| rank < best) {
                        stand_in = Some((rank, s, e));
                    }
                }
            }
            for (name, slot) in &self.wanted {
                if **name != *key {
                    continue;
                }
                timestamp_set |= Some(*slot) == self.timestamp;
                match value {
                    None => values.set_with(*slot, |out| out.extend_from_slice(b"true")),
                    Some((s, e)) if escaped => {
                        values.set_with(*slot, |out| unescape_into(&line[s..e], out));
                    }
                    Some((s, e)) => values.set_in_text(*slot, s, e),
                }
            }
        }
        if pairs == 0 {
            return Err("no key=value pair on the line".to_string());
        }
        if let (Some(slot), false, Some((_, s, e))) = (self.timestamp, timestamp_set, stand_in) {
            values.set_in_text(slot, s, e);
        }
        Ok(())
    }
}

/// The `"` that closes a value whose text starts at `from`, skipping `\"`.
fn closing_quote(line: &[u8], from: usize) -> Option<usize> {
    let mut at = from;
    loop {
        let i = at + memchr::memchr2(b'"', b'\\', &line[at..])?;
        if line[i] == b'"' {
            return Some(i);
        }
        at = i + 2;
        if at > line.len() {
            return None;
        }
    }
}

/// Where the pairs start, after any syslog prefix, and that prefix's time.
fn skip_prefix(line: &[u8]) -> (usize, Option<(usize, usize)>) {
    let mut time = None;
    let mut at = 0;
    // Words before the first `key=`: the prefix. A line of pairs has none.
    for _ in 0..8 {
        let word_end = memchr::memchr(b' ', &line[at..]).map_or(line.len(), |i| at + i);
        let word = &line[at..word_end];
        let key_like = word
            .iter()
            .position(|&b| b == b'=')
            .is_some_and(|eq| eq > 0 && !word[..eq].contains(&b'"'));
        if key_like {
            return (at, time);
        }
        // `<158>1 2026-…`: the time is the word after the priority and version.
        let word_time = word.strip_prefix(b"<").map_or(word, |_| &b""[..]);
        if time.is_none() && is_iso_time(word_time) {
            time = Some((at, word_end));
        }
        if word_end == line.len() {
            break;
        }
        at = word_end + 1;
        while line.get(at) == Some(&b' ') {
            at += 1;
        }
    }
    (0, None)
}

fn is_iso_time(word: &[u8]) -> bool {
    word.len() >= 19
        && word[..4].iter().all(u8::is_ascii_digit)
        && word[4] == b'-'
        && word[10] == b'T'
}

/// Whether a line reads as logfmt: after any prefix, at least two `key=value` pairs.
pub(super) fn looks_like(line: &[u8]) -> bool {
    let (start, _) = skip_prefix(line);
    let pairs = line[start..]
        .split(|&b| b == b' ')
        .filter(|word| {
            word.iter()
                .position(|&b| b == b'=')
                .is_some_and(|eq| eq > 0)
        })
        .count();
    pairs >= 2
}

#[cfg(test)]
mod tests {
    use super::super::{TextFormat, TextKind, TextRows};
    use crate::input::test_sink::{fields, Collect};

    fn read(names: &[&str], text: &str) -> Collect {
        let slots = fields(names);
        let mut rows = TextRows::new(&TextFormat::new(TextKind::Logfmt), &slots);
        let mut sink = Collect::default();
        rows.parse_lines_chunk(text.as_bytes(), 1, &mut sink)
            .unwrap();
        sink
    }

    #[test]
    fn heroku_router_lines() {
        let text = concat!(
            "<158>1 2026-10-01T12:00:00.123456+00:00 host heroku router - at=info method=GET path=\"/api/x?y=1\" host=a.example fwd=\"1.2.3.4\" dyno=web.1 connect=0ms service=126ms status=200 bytes=1414 protocol=https tls\n",
            "2026-10-01T12:00:01+00:00 heroku[router]: at=error code=H12 desc=\"Request \\\"timeout\\\"\" method=POST path=\"/\" service=30000ms status=503\n",
            "time=2026-10-01T12:00:02Z ts=1 level=info status=200\n",
            "just words\n",
            "a=\"unclosed\n",
        );
        let sink = read(
            &["status", "service", "desc", "timestamp", "tls", "path"],
            text,
        );
        let rows: Vec<Vec<&str>> = sink
            .rows
            .iter()
            .map(|(_, v)| v.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            [
                vec![
                    "200",
                    "126ms",
                    "Missing",
                    "2026-10-01T12:00:00.123456+00:00",
                    "true",
                    "/api/x?y=1"
                ],
                vec![
                    "503",
                    "30000ms",
                    "Request \"timeout\"",
                    "2026-10-01T12:00:01+00:00",
                    "Missing",
                    "/"
                ],
                vec![
                    "200",
                    "Missing",
                    "Missing",
                    "2026-10-01T12:00:02Z",
                    "Missing",
                    "Missing"
                ],
            ]
        );
        assert_eq!(sink.malformed.len(), 2);
        assert_eq!(sink.malformed[0].1, "no key=value pair on the line");
        assert!(sink.malformed[1].1.contains("never closed"));
        assert!(super::looks_like(b"at=info method=GET"));
        assert!(!super::looks_like(b"GET / 200"));
    }
}
