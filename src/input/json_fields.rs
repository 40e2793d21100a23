//! Pulls the fields the SLOs need out of one JSON object, without building the object.
//!
//! Values of wanted keys are copied into the row's slots (strings unescaped; numbers, `true`
//! and `false` as their literal text); everything else is skipped structurally: strings to
//! their closing quote, objects and arrays by counting brackets — iteratively, so nesting
//! depth costs no stack. The object's own structure (braces, keys, colons, commas) is checked,
//! and anything else on the line is an error: a damaged line is a malformed row, not a guess.

use super::scan::TwoBytes;
use super::{FieldTable, RowValues, SlotValue};

/// The wanted keys at one level of nesting.
#[derive(Debug, Clone, Default)]
pub(super) struct KeyTree {
    /// Tells the trees of one reader apart (see [`KeyMemo`]).
    id: u32,
    entries: Vec<(Vec<u8>, Wanted)>,
    /// Per entry, its length and first sixteen bytes as two numbers: keys are told apart by
    /// these alone, without a byte-by-byte comparison, unless they are longer.
    prefixes: Vec<KeyWords>,
}

/// A key's length and first sixteen bytes (zero-padded), for comparing keys a word at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct KeyWords {
    len: usize,
    words: [u64; 2],
}

impl KeyWords {
    fn of(key: &[u8]) -> KeyWords {
        let mut padded = [0u8; 16];
        let head = key.len().min(16);
        padded[..head].copy_from_slice(&key[..head]);
        KeyWords {
            len: key.len(),
            words: [
                u64::from_le_bytes(padded[..8].try_into().unwrap_or([0; 8])),
                u64::from_le_bytes(padded[8..].try_into().unwrap_or([0; 8])),
            ],
        }
    }

    /// Masks of the bytes of each word that belong to a key of `len` bytes.
    #[inline(always)]
    fn masks(len: usize) -> [u64; 2] {
        let keep = |bytes: usize| match bytes {
            0 => 0,
            8.. => u64::MAX,
            n => (1u64 << (8 * n)) - 1,
        };
        [keep(len), keep(len.saturating_sub(8))]
    }

    /// The words of `text[start..end]`. A key is followed by at least its closing quote, so
    /// sixteen bytes can usually be read at once and masked to the key's length.
    #[inline(always)]
    fn at(text: &[u8], start: usize, end: usize) -> KeyWords {
        let len = end - start;
        match text.get(start..start + 16) {
            Some(bytes) if len <= 16 => {
                let low = u64::from_le_bytes(bytes[..8].try_into().unwrap_or([0; 8]));
                let high = u64::from_le_bytes(bytes[8..].try_into().unwrap_or([0; 8]));
                let [low_mask, high_mask] = KeyWords::masks(len);
                KeyWords {
                    len,
                    words: [low & low_mask, high & high_mask],
                }
            }
            _ => KeyWords::of(&text[start..end]),
        }
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
        root.number(&mut 0);
        root
    }

    /// Gives this tree and those below it ids from `next` on.
    fn number(&mut self, next: &mut u32) {
        self.id = *next;
        *next += 1;
        for (_, wanted) in &mut self.entries {
            wanted.children.number(next);
        }
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
                self.prefixes.push(KeyWords::of(key));
                self.entries.len() - 1
            }
        };
        &mut self.entries[index].1
    }

    /// The index of the entry for a key with words `words` and bytes `key`.
    #[inline(always)]
    fn find(&self, words: KeyWords, key: &[u8]) -> Option<usize> {
        let index = self.prefixes.iter().position(|p| *p == words)?;
        if words.len <= 16 || self.entries[index].0[16..] == key[16..] {
            Some(index)
        } else {
            None
        }
    }

    /// The wanted entry for the unescaped key `text[start..end]`.
    fn lookup(&self, text: &[u8], start: usize, end: usize) -> Option<&Wanted> {
        self.find(KeyWords::at(text, start, end), &text[start..end])
            .map(|i| &self.entries[i].1)
    }

    fn get(&self, key: &[u8]) -> Option<&Wanted> {
        self.find(KeyWords::of(key), key)
            .map(|i| &self.entries[i].1)
    }
}

/// The keys of the previous object, in the order they came (nested ones included), with what
/// each was: a log writes its keys in the same order on every line, so the key at each position
/// is usually the one seen there last time — recognised, closing quote and all, without
/// searching for its end or looking it up.
#[derive(Debug, Clone, Default)]
struct KeyMemo {
    seen: Vec<SeenKey>,
}

#[derive(Debug, Clone, Copy)]
struct SeenKey {
    /// The id of the key tree it was looked up in (nested objects have their own).
    tree: u32,
    /// The key's bytes, its closing quote and, when it followed at once, the colon
    /// (`service":`), zero-padded to two words; `span` bytes of them count.
    words: [u64; 2],
    /// [`KeyWords::masks`] of `span`, kept: this is checked once per key of every line.
    masks: [u64; 2],
    /// How many bytes of `words` count: 0 when the key is too long to be recognised this way
    /// (and `words` then matches nothing).
    span: usize,
    /// Whether the span ends with the colon, so the value comes next.
    colon: bool,
    found: Option<usize>,
}

impl SeenKey {
    /// What to remember of the key `text[start..end]` (closing quote at `end`).
    fn new(tree: &KeyTree, text: &[u8], start: usize, end: usize, found: Option<usize>) -> Self {
        // The colon too, when it follows at once and fits in the two words.
        let colon = text.get(end + 1) == Some(&b':') && end + 2 - start <= 16;
        let span = end + 1 + usize::from(colon) - start;
        if span > 16 {
            // Never recognised: no masked text is 1.
            return SeenKey {
                tree: tree.id,
                words: [1, 0],
                masks: [0, 0],
                span: 0,
                colon,
                found,
            };
        }
        SeenKey {
            tree: tree.id,
            words: KeyWords::at(text, start, start + span).words,
            masks: KeyWords::masks(span),
            span,
            colon,
            found,
        }
    }

    /// Whether the string whose contents start at `start` is this key (with its closing quote,
    /// and its colon when it had one).
    #[inline(always)]
    fn is_at(&self, tree: &KeyTree, text: &[u8], start: usize) -> bool {
        let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or([0; 8]));
        let (low, high) = match text.get(start..start + 16) {
            Some(bytes) => (word(&bytes[..8]), word(&bytes[8..])),
            // Near the end of the line (`"method":"GET"}}`): the last eight bytes, shifted
            // down to follow the first eight.
            None => match text.get(start..) {
                Some(rest) if rest.len() >= 8 => (
                    word(&rest[..8]),
                    word(&rest[rest.len() - 8..])
                        .checked_shr(8 * (16 - rest.len()) as u32)
                        .unwrap_or(0),
                ),
                _ => return false,
            },
        };
        // Bytes past the end of the text read as zeros, and the span ends in a quote or a
        // colon: a span that runs past the end does not match.
        self.tree == tree.id
            && low & self.masks[0] == self.words[0]
            && high & self.masks[1] == self.words[1]
    }
}

type Scan<T> = Result<T, &'static str>;

const UNTERMINATED: &str = "invalid JSON: unterminated string";

/// Reads JSON objects into rows: the wanted keys, and buffers reused from object to object.
#[derive(Debug, Clone)]
pub(super) struct ObjectReader {
    keys: KeyTree,
    memo: KeyMemo,
    key_buffer: Vec<u8>,
}

impl ObjectReader {
    pub(super) fn new(fields: &FieldTable) -> ObjectReader {
        ObjectReader {
            keys: KeyTree::new(fields),
            memo: KeyMemo::default(),
            key_buffer: Vec::new(),
        }
    }

    /// Reads one JSON object (with nothing else but whitespace around it) into `values`; on
    /// error, says what is wrong and at which byte of `text`.
    pub(super) fn read(
        &mut self,
        text: &[u8],
        values: &mut RowValues,
    ) -> Result<(), (&'static str, usize)> {
        values.clear();
        let start = skip_whitespace(text, 0);
        if text.get(start) == Some(&b'{') {
            let mut walk = QuickWalk {
                text,
                memo: &mut self.memo,
                ordinal: 0,
                values,
            };
            let quick = walk.object(start, &self.keys, 0);
            if quick.is_some_and(|end| skip_whitespace(text, end) == text.len()) {
                return Ok(());
            }
            values.clear();
        }
        self.read_carefully(text, values)
    }

    /// Reads one object with the careful [`Scanner`] alone.
    fn read_carefully(
        &mut self,
        text: &[u8],
        values: &mut RowValues,
    ) -> Result<(), (&'static str, usize)> {
        let mut scanner = Scanner {
            text,
            at: 0,
            key: &mut self.key_buffer,
        };
        scanner.skip_whitespace();
        let result = match scanner.peek() {
            Some(b'{') => scanner.object(&self.keys, values).and_then(|()| {
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
        result.map_err(|reason| (reason, scanner.at))
    }
}

struct Scanner<'a> {
    text: &'a [u8],
    at: usize,
    key: &'a mut Vec<u8>,
}

impl Scanner<'_> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        self.at = skip_whitespace(self.text, self.at);
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
                self.key.clear();
                unescape(&self.text[start..end], self.key)
                    .ok()
                    .and_then(|()| keys.get(self.key))
            } else {
                keys.lookup(self.text, start, end)
            };
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err("invalid JSON: expected ':' after a key");
            }
            self.at += 1;
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
                        values.set_in_text(slot, start, end);
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
                    values.set_in_text(slot, start, self.at);
                }
                Ok(())
            }
        }
    }

    /// A string at `self.at` (on its opening quote): the range of its contents, and whether
    /// it holds escapes.
    fn string(&mut self) -> Scan<(usize, usize, bool)> {
        let (end, escaped) = string_end(self.text, self.at + 1).ok_or(UNTERMINATED)?;
        let start = self.at + 1;
        self.at = end + 1;
        Ok((start, end, escaped))
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
    #[inline(always)]
    fn scalar(&mut self) -> Scan<()> {
        match self.peek() {
            Some(b'-' | b'0'..=b'9') => {
                self.at = number_end(self.text, self.at).ok_or("invalid JSON: malformed number")?;
                Ok(())
            }
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            _ => Err("invalid JSON: expected a value"),
        }
    }

    /// Skips any value; objects and arrays by counting brackets outside strings.
    fn skip_value(&mut self) -> Scan<()> {
        match self.peek() {
            Some(b'"') => self.string().map(|_| ()),
            Some(b'n') => self.literal(b"null"),
            Some(b'{' | b'[') => match skip_nested(self.text, self.at) {
                Ok(end) => {
                    self.at = end;
                    Ok(())
                }
                Err((reason, at)) => {
                    self.at = at;
                    Err(reason)
                }
            },
            _ => self.scalar(),
        }
    }
}

/// The first byte at or after `at` that is not JSON whitespace.
#[inline(always)]
fn skip_whitespace(text: &[u8], mut at: usize) -> usize {
    while matches!(text.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The closing quote of the string whose contents start at `from`, and whether the string
/// holds escapes; `None` when it is not closed.
#[inline(always)]
fn string_end(text: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut at = from;
    let mut escaped = false;
    loop {
        let i = quote_or_backslash(text, at)?;
        if text[i] == b'"' {
            return Some((i, escaped));
        }
        escaped = true;
        at = i + 2;
        if at > text.len() {
            return None;
        }
    }
}

/// Just past the number starting at `at`, if it ends in a digit.
#[inline(always)]
fn number_end(text: &[u8], at: usize) -> Option<usize> {
    let mut end = at + 1;
    while matches!(
        text.get(end),
        Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
    ) {
        end += 1;
    }
    text[end - 1].is_ascii_digit().then_some(end)
}

/// Just past the object or array starting at `at`, found by counting brackets outside
/// strings — iteratively, so nesting depth costs no stack. On error, also where it was found:
/// the opening quote of an unterminated string, or past the last bracket of an unclosed value.
fn skip_nested(text: &[u8], mut at: usize) -> Result<usize, (&'static str, usize)> {
    let mut depth = 0usize;
    loop {
        let found = text[at..]
            .iter()
            .position(|b| matches!(b, b'"' | b'{' | b'[' | b'}' | b']'))
            .ok_or(("invalid JSON: unclosed object or array", at))?;
        at += found;
        match text[at] {
            b'"' => {
                at = string_end(text, at + 1).ok_or((UNTERMINATED, at))?.0 + 1;
                continue;
            }
            b'{' | b'[' => depth += 1,
            _ => depth -= 1,
        }
        at += 1;
        if depth == 0 {
            return Ok(at);
        }
    }
}

/// Nesting depth past which the quick reading leaves an object to the careful one.
const QUICK_DEPTH: usize = 16;

/// The quick reading of one object: one tight loop over well-formed JSON, filling the slots
/// that the key trees want. It gives up (`None`) at anything unusual — an escaped key, deep
/// nesting, any damage — and the caller then reads the line again with the careful
/// [`Scanner`], which also says what is wrong. Both read well-formed objects alike (a property
/// test checks it).
struct QuickWalk<'a> {
    text: &'a [u8],
    memo: &'a mut KeyMemo,
    /// How many keys came before, nested ones included.
    ordinal: usize,
    values: &'a mut RowValues,
}

impl QuickWalk<'_> {
    /// The first byte at or after `at` that is not whitespace, and where it is.
    #[inline(always)]
    fn byte(&self, at: usize) -> Option<(u8, usize)> {
        let byte = *self.text.get(at)?;
        if byte > b' ' {
            return Some((byte, at));
        }
        let at = skip_whitespace(self.text, at);
        Some((*self.text.get(at)?, at))
    }

    /// The key whose contents start at `start`: where to go on, whether the colon was read
    /// with the key (going on just past it, else just past the closing quote), and the key's
    /// entry in `keys`.
    #[inline(always)]
    fn key(&mut self, start: usize, keys: &KeyTree) -> Option<(usize, bool, Option<usize>)> {
        let ordinal = self.ordinal;
        self.ordinal += 1;
        if let Some(seen) = self.memo.seen.get(ordinal) {
            if seen.is_at(keys, self.text, start) {
                return Some((start + seen.span, seen.colon, seen.found));
            }
        }
        let (end, escaped) = string_end(self.text, start)?;
        if escaped {
            return None;
        }
        let found = keys.find(KeyWords::at(self.text, start, end), &self.text[start..end]);
        let seen = SeenKey::new(keys, self.text, start, end, found);
        let memo = &mut self.memo.seen;
        if ordinal < memo.len() {
            memo[ordinal] = seen;
        } else if ordinal == memo.len() {
            memo.push(seen);
        }
        Some((end + 1, false, found))
    }

    /// Reads the object at `at` (on its `{`), returning just past it.
    fn object(&mut self, at: usize, keys: &KeyTree, depth: usize) -> Option<usize> {
        let text = self.text;
        let (mut byte, mut at) = self.byte(at + 1)?;
        if byte == b'}' {
            return Some(at + 1);
        }
        loop {
            if byte != b'"' {
                return None;
            }
            let (after_key, colon_read, found) = self.key(at + 1, keys)?;
            let wanted = found.map(|i| &keys.entries[i].1);
            at = after_key;
            if !colon_read {
                (byte, at) = self.byte(at)?;
                if byte != b':' {
                    return None;
                }
                at += 1;
            }
            (byte, at) = self.byte(at)?;
            let slot = wanted.and_then(|w| w.slot);
            at = match byte {
                b'"' => {
                    let (end, escaped) = string_end(text, at + 1)?;
                    if let Some(slot) = slot {
                        if escaped {
                            let raw = &text[at + 1..end];
                            self.values.set_with(slot, |out| unescape(raw, out)).ok()?;
                        } else {
                            self.values.set_in_text(slot, at + 1, end);
                        }
                    }
                    end + 1
                }
                b'-' | b'0'..=b'9' => {
                    let end = number_end(text, at)?;
                    if let Some(slot) = slot {
                        self.values.set_in_text(slot, at, end);
                    }
                    end
                }
                b't' | b'f' | b'n' => {
                    let word: &[u8] = match byte {
                        b't' => b"true",
                        b'f' => b"false",
                        _ => b"null",
                    };
                    if !text[at..].starts_with(word) {
                        return None;
                    }
                    if let Some(slot) = slot {
                        if byte == b'n' {
                            self.values.set(slot, SlotValue::Null);
                        } else {
                            self.values.set_in_text(slot, at, at + word.len());
                        }
                    }
                    at + word.len()
                }
                b'{' => {
                    if let Some(slot) = slot {
                        self.values.set(slot, SlotValue::Composite);
                    }
                    // An object no SLO reads into is skipped by its brackets, as the careful
                    // reading skips it.
                    match wanted.filter(|w| !w.children.entries.is_empty()) {
                        Some(_) if depth >= QUICK_DEPTH => return None,
                        Some(w) => self.object(at, &w.children, depth + 1)?,
                        None => skip_nested(text, at).ok()?,
                    }
                }
                b'[' => {
                    if let Some(slot) = slot {
                        self.values.set(slot, SlotValue::Composite);
                    }
                    skip_nested(text, at).ok()?
                }
                _ => return None,
            };
            // Compact JSON goes on at once with the next key.
            if text.get(at..at + 2) == Some(b",\"") {
                (byte, at) = (b'"', at + 1);
                continue;
            }
            (byte, at) = self.byte(at)?;
            match byte {
                b',' => (byte, at) = self.byte(at + 1)?,
                b'}' => return Some(at + 1),
                _ => return None,
            }
        }
    }
}

/// The position of the first `"` or `\\` at or after `from`.
#[inline(always)]
fn quote_or_backslash(text: &[u8], from: usize) -> Option<usize> {
    const QUOTE_OR_BACKSLASH: TwoBytes = TwoBytes::new(b'"', b'\\');
    QUOTE_OR_BACKSLASH.find(text, from)
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
    use crate::expr::{FieldValue, Row};
    use crate::input::test_sink::fields;
    use crate::input::RowView;
    use proptest::prelude::*;

    fn table() -> FieldTable {
        fields(&["a", "http.status", "b"])
    }

    fn read(text: &str) -> Result<Vec<String>, &'static str> {
        let table = table();
        let mut reader = ObjectReader::new(&table);
        let mut values = RowValues::new(3);
        reader.read(text.as_bytes(), &mut values).map_err(|e| e.0)?;
        let row = values.view(text.as_bytes());
        Ok((0..3)
            .map(|slot| match row.value(slot) {
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

    /// The slots as text, or the careful reader's error.
    fn slots(row: RowView<'_>, count: usize) -> Vec<String> {
        (0..count)
            .map(|slot| match row.value(slot) {
                FieldValue::Scalar(s) => String::from_utf8_lossy(s).into_owned(),
                other => format!("{other:?}"),
            })
            .collect()
    }

    /// JSON-ish text: objects with wanted and other keys, escapes, nesting, odd spacing, and
    /// damage, so that both readers see well-formed and broken lines alike.
    fn json_ish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(",".to_string()),
            Just(":".to_string()),
            Just(" ".to_string()),
            Just("\"a\"".to_string()),
            Just("\"b\"".to_string()),
            Just("\"http\"".to_string()),
            Just("\"status\"".to_string()),
            Just("\"http.status\"".to_string()),
            Just("\"x\\\"y\"".to_string()),
            Just("\"\\u0061\"".to_string()),
            Just("\\".to_string()),
            Just("\"".to_string()),
            Just("null".to_string()),
            Just("true".to_string()),
            Just("-1.5e3".to_string()),
            Just("12".to_string()),
        ];
        prop_oneof![
            proptest::collection::vec(piece, 0..24).prop_map(|p| p.concat()),
            logged_object(),
        ]
    }

    /// Objects as a log writes them, the same keys in the same order on every line, but for
    /// their spacing, a few optional keys, nested values and damage (lost colons).
    fn logged_object() -> impl Strategy<Value = String> {
        (
            proptest::option::weighted(0.9, any::<String>()),
            any::<i64>(),
            0..3u8,
            0..4u8,
            12..18usize,
            any::<bool>(),
        )
            .prop_map(|(a, n, shape, spacing, long, flat)| {
                let mut object = serde_json::Map::new();
                object.insert("z".into(), serde_json::json!([1, {"a": "no"}, "]"]));
                // Keys about as long as the key memo's two words, with and without colon;
                // a wanted key, or one that differs from it in its second word only.
                object.insert("k".repeat(long), serde_json::json!(n));
                let flattened = if flat { "http.status" } else { "http.statuz" };
                object.insert(flattened.into(), serde_json::json!(n / 2));
                if let Some(a) = a {
                    object.insert("a".into(), serde_json::Value::String(a));
                }
                let http = match shape {
                    0 => serde_json::json!({"status": n, "y": {"a": 1}}),
                    1 => serde_json::json!([n]),
                    _ => serde_json::json!(null),
                };
                object.insert("http".into(), http);
                object.insert("b".into(), serde_json::json!(n % 2 == 0));
                let value = serde_json::Value::Object(object);
                match spacing {
                    0 => value.to_string(),
                    1 => serde_json::to_string_pretty(&value).unwrap_or_default(),
                    2 => value.to_string().replace("\":", "\" :"),
                    // Damaged: the colons lost.
                    _ => value.to_string().replace("\":", "\" "),
                }
            })
    }

    /// Lines that would fool a careless key memo: the same key at the same position in another
    /// object (`a` at the top and in `http`), keys about as long as the memo's two words at the
    /// same position (wanted: 14 to 16 bytes), space before colons, and lost colons.
    fn memo_trap() -> impl Strategy<Value = String> {
        (0..6u8, 12..19usize, any::<i32>(), 0..3u8).prop_map(|(shape, long, n, spacing)| {
            let long = "k".repeat(long);
            let line = match shape {
                0 => format!(r#"{{"http":{{"a":{n}}}}}"#),
                1 => format!(r#"{{"y":0,"a":{n}}}"#),
                2 => format!(r#"{{"http":{{"status":{n}}},"a":"s"}}"#),
                3 => format!(r#"{{"{long}":{n},"b":true}}"#),
                4 => format!(r#"{{"b":false,"{long}":{n}}}"#),
                _ => format!(r#"{{"a":"{n}","http":{{"a":1,"status":{n}}}}}"#),
            };
            match spacing {
                0 => line,
                1 => line.replace("\":", "\" :"),
                _ => line.replace("\":", "\" "),
            }
        })
    }

    proptest! {
        #[test]
        fn the_quick_reading_agrees_with_the_careful_one(text in json_ish()) {
            let table = table();
            let mut reader = ObjectReader::new(&table);
            let (mut quick, mut careful) = (RowValues::new(3), RowValues::new(3));
            let bytes = text.as_bytes();
            let either = reader.read(bytes, &mut quick).map(|()| slots(quick.view(bytes), 3));
            let only_careful = reader
                .read_carefully(bytes, &mut careful)
                .map(|()| slots(careful.view(bytes), 3));
            prop_assert_eq!(either, only_careful);
        }

        /// Keys are recognised by where they were on the previous line: one reader reads a
        /// run of lines, each compared with a careful reading of its own.
        #[test]
        fn the_quick_reading_agrees_line_after_line(
            texts in proptest::collection::vec(
                prop_oneof![3 => logged_object(), 3 => memo_trap(), 1 => json_ish()],
                1..8,
            )
        ) {
            let long = |n: usize| "k".repeat(n);
            let (k14, k15, k16) = (long(14), long(15), long(16));
            let table = fields(&["a", "http.status", "b", &k14, &k15, &k16]);
            let mut reader = ObjectReader::new(&table);
            for text in &texts {
                let bytes = text.as_bytes();
                let (mut quick, mut careful) = (RowValues::new(6), RowValues::new(6));
                let either = reader.read(bytes, &mut quick).map(|()| slots(quick.view(bytes), 6));
                let only_careful = ObjectReader::new(&table)
                    .read_carefully(bytes, &mut careful)
                    .map(|()| slots(careful.view(bytes), 6));
                prop_assert_eq!(either, only_careful, "{:?}", texts);
            }
        }

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
