//! Pulls the fields the SLOs need out of one JSON object, without building the object.
//!
//! Values of wanted keys are copied into the row's slots (strings unescaped; numbers, `true`
//! and `false` as their literal text); everything else is skipped structurally: strings to
//! their closing quote, objects and arrays by counting brackets — iteratively, so nesting
//! depth costs no stack. The object's own structure (braces, keys, colons, commas) is checked,
//! and anything else on the line is an error: a damaged line is a malformed row, not a guess.

use super::{FieldTable, RowValues, SlotValue};

/// The wanted keys at one level of nesting.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyTree {
    entries: Vec<(Vec<u8>, Wanted)>,
    /// Per entry, its length and first eight bytes as a number: most keys are told apart by
    /// these alone, without a byte-by-byte comparison.
    prefixes: Vec<(usize, u64)>,
}

fn prefix_word(key: &[u8]) -> u64 {
    match key.first_chunk::<8>() {
        Some(first) => u64::from_le_bytes(*first),
        None => key
            .iter()
            .enumerate()
            .fold(0, |word, (i, &b)| word | u64::from(b) << (8 * i)),
    }
}

#[derive(Debug, Clone, Default)]
struct Wanted {
    slot: Option<usize>,
    children: KeyTree,
}

impl KeyTree {
    /// The tree of the field paths of `fields`. A dotted path is also looked up as one key
    /// (`"http.status": 200`), in case a log flattens its objects that way.
    pub(super) fn new(fields: &FieldTable) -> KeyTree {
        let mut root = KeyTree::default();
        for (slot, path) in fields.paths().iter().enumerate() {
            root.insert(&path.0, slot);
            if path.0.len() > 1 {
                root.entry(path.to_string().as_bytes())
                    .slot
                    .get_or_insert(slot);
            }
        }
        root
    }

    fn insert(&mut self, path: &[String], slot: usize) {
        let Some((first, rest)) = path.split_first() else {
            return;
        };
        let wanted = self.entry(first.as_bytes());
        if rest.is_empty() {
            wanted.slot.get_or_insert(slot);
        } else {
            wanted.children.insert(rest, slot);
        }
    }

    fn entry(&mut self, key: &[u8]) -> &mut Wanted {
        let index = match self.entries.iter().position(|(k, _)| k == key) {
            Some(index) => index,
            None => {
                self.entries.push((key.to_vec(), Wanted::default()));
                self.prefixes.push((key.len(), prefix_word(key)));
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    /// The wanted entry for the key `text[start..end]`.
    fn get_at(&self, text: &[u8], start: usize, end: usize) -> Option<&Wanted> {
        let len = end - start;
        // The key is followed by at least its closing quote, so eight bytes can usually be
        // read at once and masked to the key's length.
        let word = match text.get(start..start + 8) {
            Some(bytes) if len < 8 => {
                let word = u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
                word & ((1u64 << (8 * len)) - 1)
            }
            _ => prefix_word(&text[start..end]),
        };
        self.prefixes
            .iter()
            .position(|p| *p == (len, word))
            .filter(|&i| len <= 8 || self.entries[i].0[8..] == text[start + 8..end])
            .map(|i| &self.entries[i].1)
    }

    fn get(&self, key: &[u8]) -> Option<&Wanted> {
        let wanted = (key.len(), prefix_word(key));
        self.prefixes
            .iter()
            .position(|p| *p == wanted)
            .filter(|&i| key.len() <= 8 || self.entries[i].0[8..] == key[8..])
            .map(|i| &self.entries[i].1)
    }
}

type Scan<T> = Result<T, &'static str>;

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    key: Vec<u8>,
}

/// Reads one JSON object (with nothing else but whitespace around it) into `values`; on
/// error, says what is wrong and at which byte of `text`.
pub(super) fn read_object(
    text: &[u8],
    keys: &KeyTree,
    values: &mut RowValues,
    key_buffer: &mut Vec<u8>,
) -> Result<(), (&'static str, usize)> {
    values.clear();
    let mut scanner = Scanner {
        text,
        at: 0,
        key: std::mem::take(key_buffer),
    };
    scanner.skip_whitespace();
    let result = match scanner.peek() {
        Some(b'{') => scanner.object(keys, values).and_then(|()| {
            scanner.skip_whitespace();
            if scanner.at == text.len() {
                Ok(())
            } else {
                Err("invalid JSON: text after the object")
            }
        }),
        Some(b'[') => Err("expected a JSON object, found an array"),
        Some(b'"') => Err("expected a JSON object, found a string"),
        Some(b't' | b'f') => Err("expected a JSON object, found a boolean"),
        Some(b'n') => Err("expected a JSON object, found null"),
        Some(b'-' | b'0'..=b'9') => Err("expected a JSON object, found a number"),
        _ => Err("invalid JSON: expected an object"),
    };
    *key_buffer = scanner.key;
    result.map_err(|reason| (reason, scanner.at))
}

impl Scanner<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8, message: &'static str) -> Scan<()> {
        self.skip_whitespace();
        if self.peek() == Some(byte) {
            self.at += 1;
            Ok(())
        } else {
            Err(message)
        }
    }

    /// An object at `self.at` (on its `{`), filling the slots `keys` wants.
    fn object(&mut self, keys: &KeyTree, values: &mut RowValues) -> Scan<()> {
        self.at += 1;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
            return Ok(());
        }
        loop {
            self.skip_whitespace();
            if self.peek() != Some(b'"') {
                return Err("invalid JSON: expected a key in quotes");
            }
            let (start, end, escaped) = self.string()?;
            let wanted = if escaped {
                let mut key = std::mem::take(&mut self.key);
                key.clear();
                let unescaped = unescape(&self.text[start..end], &mut key);
                let found = unescaped.ok().and_then(|()| keys.get(&key));
                self.key = key;
                found
            } else {
                keys.get_at(self.text, start, end)
            };
            self.expect(b':', "invalid JSON: expected ':' after a key")?;
            self.skip_whitespace();
            match wanted {
                Some(wanted) => self.wanted_value(wanted, values)?,
                None => self.skip_value()?,
            }
            self.skip_whitespace();
            match self.peek() {
                Some(b',') => self.at += 1,
                Some(b'}') => {
                    self.at += 1;
                    return Ok(());
                }
                _ => return Err("invalid JSON: expected ',' or '}' in an object"),
            }
        }
    }

    fn wanted_value(&mut self, wanted: &Wanted, values: &mut RowValues) -> Scan<()> {
        match self.peek() {
            Some(b'"') => {
                let (start, end, escaped) = self.string()?;
                if let Some(slot) = wanted.slot {
                    let raw = &self.text[start..end];
                    if escaped {
                        values.set_with(slot, |out| unescape(raw, out))?;
                    } else {
                        values.set_text(slot, raw);
                    }
                }
                Ok(())
            }
            Some(b'{') if !wanted.children.entries.is_empty() => {
                if let Some(slot) = wanted.slot {
                    values.set(slot, SlotValue::Composite);
                }
                self.object(&wanted.children, values)
            }
            Some(b'{' | b'[') => {
                if let Some(slot) = wanted.slot {
                    values.set(slot, SlotValue::Composite);
                }
                self.skip_value()
            }
            Some(b'n') => {
                self.literal(b"null")?;
                if let Some(slot) = wanted.slot {
                    values.set(slot, SlotValue::Null);
                }
                Ok(())
            }
            _ => {
                let start = self.at;
                self.scalar()?;
                if let Some(slot) = wanted.slot {
                    values.set_text(slot, &self.text[start..self.at]);
                }
                Ok(())
            }
        }
    }

    /// A string at `self.at` (on its opening quote): the range of its contents, and whether
    /// it holds escapes.
    fn string(&mut self) -> Scan<(usize, usize, bool)> {
        let start = self.at + 1;
        let mut at = start;
        let mut escaped = false;
        loop {
            let Some(i) = quote_or_backslash(self.text, at) else {
                return Err("invalid JSON: unterminated string");
            };
            if self.text[i] == b'\\' {
                escaped = true;
                at = i + 2;
                if at > self.text.len() {
                    return Err("invalid JSON: unterminated string");
                }
            } else {
                self.at = i + 1;
                return Ok((start, i, escaped));
            }
        }
    }

    fn literal(&mut self, word: &'static [u8]) -> Scan<()> {
        if self.text[self.at..].starts_with(word) {
            self.at += word.len();
            Ok(())
        } else {
            Err("invalid JSON: unknown literal")
        }
    }

    /// A number, `true` or `false`.
    fn scalar(&mut self) -> Scan<()> {
        match self.peek() {
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'-' | b'0'..=b'9') => {
                let start = self.at;
                while matches!(
                    self.peek(),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                ) {
                    self.at += 1;
                }
                let number = &self.text[start..self.at];
                if number.last().is_some_and(u8::is_ascii_digit) {
                    Ok(())
                } else {
                    Err("invalid JSON: malformed number")
                }
            }
            _ => Err("invalid JSON: expected a value"),
        }
    }

    /// Skips any value; objects and arrays by counting brackets outside strings.
    fn skip_value(&mut self) -> Scan<()> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'n') => self.literal(b"null"),
            Some(b'{' | b'[') => {
                let mut depth = 0usize;
                loop {
                    let Some(found) = self.text[self.at..]
                        .iter()
                        .position(|b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
                    else {
                        return Err("invalid JSON: unclosed object or array");
                    };
                    self.at += found;
                    match self.text[self.at] {
                        b'"' => {
                            self.string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        _ => depth -= 1,
                    }
                    self.at += 1;
                    if depth == 0 {
                        return Ok(());
                    }
                }
            }
            _ => self.scalar(),
        }
    }
}

/// The position of the first `"` or `\\` at or after `from`. Keys and most values in logs are
/// short, so the first bytes are searched eight at a time in a plain word (no SIMD set-up);
/// longer strings go on with `memchr2`.
fn quote_or_backslash(text: &[u8], from: usize) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    let mut at = from;
    let short_end = (from + 32).min(text.len());
    while at + 8 <= short_end {
        let word = u64::from_le_bytes(text[at..at + 8].try_into().unwrap_or([0; 8]));
        let quotes = word ^ (ONES * u64::from(b'"'));
        let backslashes = word ^ (ONES * u64::from(b'\\'));
        let found = (quotes.wrapping_sub(ONES) & !quotes
            | backslashes.wrapping_sub(ONES) & !backslashes)
            & HIGHS;
        if found != 0 {
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    memchr::memchr2(b'"', b'\\', &text[at..]).map(|i| at + i)
}

/// Appends the unescaped contents of a JSON string to `out`.
fn unescape(raw: &[u8], out: &mut Vec<u8>) -> Scan<()> {
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        let escape = rest.get(i + 1).copied().ok_or("invalid JSON: bad escape")?;
        rest = &rest[i + 2..];
        let byte = match escape {
            b'"' => b'"',
            b'\\' => b'\\',
            b'/' => b'/',
            b'b' => 8,
            b'f' => 12,
            b'n' => b'\n',
            b'r' => b'\r',
            b't' => b'\t',
            b'u' => {
                let mut code = hex4(rest)?;
                rest = &rest[4..];
                if (0xD800..0xDC00).contains(&code) {
                    // A surrogate pair: the low half must follow as \uDC00–\uDFFF.
                    let low = rest
                        .strip_prefix(b"\\u")
                        .and_then(|r| hex4(r).ok())
                        .filter(|low| (0xDC00..0xE000).contains(low))
                        .ok_or("invalid JSON: lone surrogate in \\u escape")?;
                    rest = &rest[6..];
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
                }
                let c = char::from_u32(code).ok_or("invalid JSON: bad \\u escape")?;
                let mut utf8 = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                continue;
            }
            _ => return Err("invalid JSON: bad escape"),
        };
        out.push(byte);
    }
    out.extend_from_slice(rest);
    Ok(())
}

fn hex4(text: &[u8]) -> Scan<u32> {
    let digits = text.get(..4).ok_or("invalid JSON: bad \\u escape")?;
    let mut code = 0u32;
    for &d in digits {
        let value = (d as char)
            .to_digit(16)
            .ok_or("invalid JSON: bad \\u escape")?;
        code = code * 16 + value;
    }
    Ok(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{FieldPath, FieldRegistry, FieldValue, Row};
    use proptest::prelude::*;

    fn table() -> FieldTable {
        let mut table = FieldTable::default();
        for path in ["a", "http.status", "b"] {
            table.slot(&FieldPath(path.split('.').map(str::to_string).collect()));
        }
        table
    }

    fn read(text: &str) -> Result<Vec<String>, &'static str> {
        let table = table();
        let keys = KeyTree::new(&table);
        let mut values = RowValues::new(3);
        read_object(text.as_bytes(), &keys, &mut values, &mut Vec::new()).map_err(|e| e.0)?;
        Ok((0..3)
            .map(|slot| match values.value(slot) {
                FieldValue::Scalar(s) => String::from_utf8_lossy(s).into_owned(),
                other => format!("{other:?}"),
            })
            .collect())
    }

    #[test]
    fn wanted_values_and_skipped_ones() {
        assert_eq!(
            read(r#" {"x": [1, {"a": "no"}, "]"], "a": "q\"\u00e9\ud83d\ude00", "http": {"status": 503, "y": {}}, "b": -1.5e3} "#).unwrap(),
            vec!["q\"é😀", "503", "-1.5e3"]
        );
        assert_eq!(
            read(r#"{"a": null, "http": 7, "b": [1]}"#).unwrap(),
            vec!["Null", "Missing", "Composite"]
        );
        assert_eq!(
            read(r#"{"http.status": true}"#).unwrap(),
            vec!["Missing", "true", "Missing"]
        );
        assert_eq!(
            read(r#"{"a\u0062": 1, "b": false}"#).unwrap(),
            vec!["Missing", "Missing", "false"]
        );
        assert_eq!(read("{}").unwrap(), vec!["Missing", "Missing", "Missing"]);
    }

    #[test]
    fn damage_is_reported() {
        for bad in [
            "",
            "[1]",
            "42",
            "\"s\"",
            "null",
            "{",
            "{\"a\" 1}",
            "{\"a\": 1,}",
            "{\"a\": 1} x",
            "{\"a\": \"open}",
            "{\"x\": [1, 2}",
            "{a: 1}",
            "{\"a\": tru}",
            "{\"a\": -}",
            "{\"a\": \"\\x\"}",
            "{\"a\": \"\\ud800\"}",
        ] {
            assert!(read(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(
            read("[1]").unwrap_err(),
            "expected a JSON object, found an array"
        );
    }

    #[test]
    fn finds_quotes_and_backslashes_at_every_offset() {
        for length in 0..80 {
            for special in [b'"', b'\\'] {
                let mut text = vec![b'x'; length];
                text.push(special);
                text.extend_from_slice(b"yy\"");
                for from in 0..=length {
                    assert_eq!(
                        quote_or_backslash(&text, from),
                        Some(length),
                        "{length} {from}"
                    );
                }
            }
            assert_eq!(quote_or_backslash(&vec![0x80 | b'"'; length], 0), None);
        }
    }

    #[test]
    fn deep_nesting_needs_no_stack() {
        let deep = format!(
            "{{\"x\": {}{}, \"a\": 1}}",
            "[".repeat(200_000),
            "]".repeat(200_000)
        );
        assert_eq!(read(&deep).unwrap()[0], "1");
    }

    proptest! {
        #[test]
        fn agrees_with_serde_json_on_valid_objects(a in any::<Option<String>>(), n in any::<i32>(), nested in any::<bool>()) {
            let mut object = serde_json::Map::new();
            if let Some(a) = &a {
                object.insert("a".into(), serde_json::Value::String(a.clone()));
            }
            let status = serde_json::json!({"status": n});
            object.insert("http".into(), if nested { status } else { serde_json::json!([n]) });
            let text = serde_json::Value::Object(object).to_string();
            let fields = read(&text).unwrap();
            prop_assert_eq!(&fields[0], &a.clone().unwrap_or_else(|| "Missing".into()));
            prop_assert_eq!(&fields[1], &if nested { n.to_string() } else { "Missing".into() });
        }

        #[test]
        fn never_panics(text in "\\PC{0,64}") {
            let _ = read(&text);
        }
    }
}
