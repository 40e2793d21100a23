//! Pulls the fields the SLOs need out of one JSON object, without building the object.
//!
//! Values of wanted keys are copied into the row's slots (strings unescaped; numbers, `true`
//! and `false` as their literal text); everything else is skipped, but checked as it is
//! skipped: whether a line is a row or malformed depends on its bytes alone, never on which
//! fields the selected SLOs read (so `--slo` never changes the row counts). Every string,
//! read or not, has its escapes and its UTF-8 checked; objects and arrays no SLO reads are
//! walked token by token, iteratively, so nesting depth costs no stack; anything else on the
//! line is an error. A damaged line is a malformed row, not a guess, and its error points at
//! the first defect.
//!
//! Lenient on one point only, whatever the selection: control characters inside strings
//! (which JSON wants escaped) are kept.

use super::scan::TwoBytes;
use super::{RowValues, SlotValue};
use crate::expr::FieldSlots;

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

/// The tree of an object from which nothing is wanted (see [`QuickWalk::skip_object`]).
static NOTHING_WANTED: KeyTree = KeyTree {
    id: u32::MAX,
    entries: Vec::new(),
    prefixes: Vec::new(),
};

impl KeyTree {
    /// The tree of the field paths of `fields`. A dotted path is also looked up as one key
    /// (`"http.status": 200`), in case a log flattens its objects that way.
    pub(super) fn new(fields: &FieldSlots) -> KeyTree {
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
    #[allow(
        clippy::cast_possible_truncation,
        reason = "a shift of at most 64 bits"
    )]
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

/// A result whose error is found at the careful scanner's position.
type Scan<T> = Result<T, &'static str>;

const UNTERMINATED: &str = "invalid JSON: unterminated string";
const BAD_ESCAPE: &str = "invalid JSON: bad escape: a backslash takes one of \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX (nginx writes \\xHH unless its log_format says escape=json)";
const BAD_UNICODE_ESCAPE: &str = "invalid JSON: bad \\u escape: four hex digits must follow";
const LONE_SURROGATE: &str =
    "invalid JSON: lone surrogate in \\u escape: \\uD800-\\uDBFF must be followed by \\uDC00-\\uDFFF";
const NOT_UTF8: &str = "invalid JSON: text that is not UTF-8";
const UNCLOSED: &str = "invalid JSON: unclosed object or array";
const EXPECTED_KEY: &str = "invalid JSON: expected a key in quotes";
const EXPECTED_COLON: &str = "invalid JSON: expected ':' after a key";
const OBJECT_GOES_ON: &str = "invalid JSON: expected ',' or '}' in an object";
const ARRAY_GOES_ON: &str = "invalid JSON: expected ',' or ']' in an array";

/// Reads JSON objects into rows: the wanted keys, and buffers reused from object to object.
#[derive(Debug, Clone)]
pub(super) struct ObjectReader {
    keys: KeyTree,
    memo: KeyMemo,
    key_buffer: Vec<u8>,
}

impl ObjectReader {
    pub(super) fn new(fields: &FieldSlots) -> ObjectReader {
        ObjectReader {
            keys: KeyTree::new(fields),
            memo: KeyMemo::default(),
            key_buffer: Vec::new(),
        }
    }

    /// Reads one JSON object (with nothing else but whitespace around it) into `values`; on
    /// error, says what is wrong and at which byte of `text`. Whether it is an error does not
    /// depend on the fields wanted.
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
            Some(b'{') => match scanner.object(&self.keys, values) {
                Ok(()) => {
                    scanner.skip_whitespace();
                    if scanner.at == text.len() {
                        Ok(())
                    } else {
                        Err("invalid JSON: text after the object")
                    }
                }
                // The text ends inside the object: what is missing is a closing bracket
                // (a truncated line), whatever the scanner expected next.
                Err(_) if scanner.at >= text.len() => Err(UNCLOSED),
                Err(reason) => Err(reason),
            },
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

/// The careful reading: every byte checked, errors with their reason and position (`at`).
/// Objects that hold wanted keys are read by [`Scanner::object`], all other values by the
/// same checks in [`skip_nested`], [`string_end`] and [`scalar_end`], so that what is an error
/// and where does not depend on which fields are wanted.
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

    /// Goes on where `step` ended, or stops where it found an error.
    fn step(&mut self, step: Found<usize>) -> Scan<()> {
        match step {
            Ok(at) => {
                self.at = at;
                Ok(())
            }
            Err((reason, at)) => {
                self.at = at;
                Err(reason)
            }
        }
    }

    /// An object at `self.at` (on its `{`), filling the slots `keys` wants. Its errors are
    /// those of [`skip_nested`], at the same places.
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
                return Err(EXPECTED_KEY);
            }
            let (start, end, escaped) = self.string()?;
            let wanted = if escaped {
                self.key.clear();
                unescape(&self.text[start..end], self.key);
                keys.get(self.key)
            } else {
                keys.lookup(self.text, start, end)
            };
            self.skip_whitespace();
            if self.peek() != Some(b':') {
                return Err(EXPECTED_COLON);
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
                _ => return Err(OBJECT_GOES_ON),
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
                        values.set_with(slot, |out| unescape(raw, out));
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
            _ => {
                let start = self.at;
                self.step(scalar_end(self.text, start))?;
                if let Some(slot) = wanted.slot {
                    if self.text[start] == b'n' {
                        values.set(slot, SlotValue::Null);
                    } else {
                        values.set_in_text(slot, start, self.at);
                    }
                }
                Ok(())
            }
        }
    }

    /// A string at `self.at` (on its opening quote): the range of its contents, and whether
    /// it holds escapes.
    fn string(&mut self) -> Scan<(usize, usize, bool)> {
        let start = self.at + 1;
        let (end, escaped) = match string_end(self.text, start) {
            Ok(found) => found,
            Err((reason, at)) => {
                self.at = at;
                return Err(reason);
            }
        };
        self.at = end + 1;
        Ok((start, end, escaped))
    }

    /// Skips any value, checking it.
    fn skip_value(&mut self) -> Scan<()> {
        let end = match self.peek() {
            Some(b'"') => string_end(self.text, self.at + 1).map(|(end, _)| end + 1),
            Some(b'{' | b'[') => skip_nested(self.text, self.at),
            _ => scalar_end(self.text, self.at),
        };
        self.step(end)
    }
}

/// A result that, on error, also says where the error was found.
type Found<T> = Result<T, (&'static str, usize)>;

/// The first byte at or after `at` that is not JSON whitespace.
#[inline(always)]
fn skip_whitespace(text: &[u8], mut at: usize) -> usize {
    while matches!(text.get(at), Some(b' ' | b'\t' | b'\n' | b'\r')) {
        at += 1;
    }
    at
}

/// The closing quote of the string whose contents start at `from`, and whether the string
/// holds escapes. The contents are checked on the way: escapes (`\u` with four hex digits,
/// surrogates in pairs) and UTF-8 — plain ASCII sixteen bytes at a time, and other text only
/// where it is. On error, where: the backslash of a bad escape, the first byte that is not
/// UTF-8, or the opening quote of a string that is not closed.
#[inline(always)]
fn string_end(text: &[u8], from: usize) -> Found<(usize, bool)> {
    match QUOTE_BACKSLASH_OR_NON_ASCII.find(text, from) {
        Some(end) if text[end] == b'"' => Ok((end, false)),
        Some(special) => string_end_after(text, from, special),
        None => Err((UNTERMINATED, from - 1)),
    }
}

const QUOTE_BACKSLASH_OR_NON_ASCII: TwoBytes = TwoBytes::new(b'"', b'\\').or_non_ascii();

/// [`string_end`] from its first backslash or non-ASCII byte, at `special`, on: out of line,
/// so that the common string, plain ASCII, costs the walks little code.
#[inline(never)]
fn string_end_after(text: &[u8], from: usize, mut special: usize) -> Found<(usize, bool)> {
    let mut escaped = false;
    loop {
        let at = match text[special] {
            b'"' => return Ok((special, escaped)),
            b'\\' => {
                escaped = true;
                escape_end(text, special)?
            }
            _ => utf8_end(text, special)?,
        };
        special = QUOTE_BACKSLASH_OR_NON_ASCII
            .find(text, at)
            .ok_or((UNTERMINATED, from - 1))?;
    }
}

/// Just past the escape whose backslash is at `at`; the end of `text` when the text ends
/// inside it (the string is then not closed).
#[inline(always)]
fn escape_end(text: &[u8], at: usize) -> Found<usize> {
    if let Some((_, length)) = unescape_one(&text[at..]) {
        return Ok(at + length);
    }
    match text.get(at + 1) {
        None => Ok(text.len()),
        Some(b'u') => {
            let digits = &text[at + 2..text.len().min(at + 6)];
            if !digits.iter().all(u8::is_ascii_hexdigit) {
                Err((BAD_UNICODE_ESCAPE, at))
            } else if digits.len() < 4 {
                Ok(text.len())
            } else {
                Err((LONE_SURROGATE, at))
            }
        }
        Some(_) => Err((BAD_ESCAPE, at)),
    }
}

/// Just past the text from `at` (a byte that is not ASCII) to the next quote or backslash,
/// which must be UTF-8. Checking each such run alone is checking the whole text: a UTF-8
/// character never holds an ASCII byte, so runs cut before one cut no character.
fn utf8_end(text: &[u8], at: usize) -> Found<usize> {
    const QUOTE_OR_BACKSLASH: TwoBytes = TwoBytes::new(b'"', b'\\');
    let end = QUOTE_OR_BACKSLASH.find(text, at).unwrap_or(text.len());
    match std::str::from_utf8(&text[at..end]) {
        Ok(_) => Ok(end),
        Err(error) => Err((NOT_UTF8, at + error.valid_up_to())),
    }
}

/// Just past the number, `true`, `false` or `null` at `at`.
#[inline(always)]
fn scalar_end(text: &[u8], at: usize) -> Found<usize> {
    let literal = |word: &[u8]| match text[at..].starts_with(word) {
        true => Ok(at + word.len()),
        false => Err(("invalid JSON: unknown literal", at)),
    };
    match text.get(at) {
        // A number followed by what could go on a number (`01`, `1-2`, `1.5.2`) is one
        // malformed number.
        Some(b'-' | b'0'..=b'9') => number_end(text, at)
            .filter(|&end| {
                !matches!(
                    text.get(end),
                    Some(b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9')
                )
            })
            .ok_or(("invalid JSON: malformed number", at)),
        Some(b't') => literal(b"true"),
        Some(b'f') => literal(b"false"),
        Some(b'n') => literal(b"null"),
        _ => Err(("invalid JSON: expected a value", at)),
    }
}

/// Just past the JSON number at `at`: a `-` or none, `0` or digits that do not start with
/// `0`, then a fraction and an exponent or none; `None` when there is no such number. What
/// follows it is left to the caller.
#[inline(always)]
fn number_end(text: &[u8], at: usize) -> Option<usize> {
    let digits = |mut end: usize| {
        while text.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
        end
    };
    let mut end = at + usize::from(text[at] == b'-');
    end = match text.get(end)? {
        b'0' => end + 1,
        b'1'..=b'9' => digits(end + 1),
        _ => return None,
    };
    if text.get(end) == Some(&b'.') {
        let after = digits(end + 1);
        if after == end + 1 {
            return None;
        }
        end = after;
    }
    if matches!(text.get(end), Some(b'e' | b'E')) {
        let exponent = end + 1 + usize::from(matches!(text.get(end + 1), Some(b'+' | b'-')));
        end = digits(exponent);
        if end == exponent {
            return None;
        }
    }
    Some(end)
}

/// Which of the open objects and arrays are objects: one bit each, the innermost lowest, the
/// 64 innermost in a word and those further out in `outer`. No allocation up to 64 levels.
#[derive(Debug, Default)]
struct Nesting {
    depth: usize,
    inner: u64,
    outer: Vec<u64>,
}

impl Nesting {
    #[inline(always)]
    fn open(&mut self, object: bool) {
        if self.depth > 0 && self.depth.is_multiple_of(64) {
            self.outer.push(self.inner);
            self.inner = 0;
        }
        self.inner = self.inner << 1 | u64::from(object);
        self.depth += 1;
    }

    /// Closes the innermost; says whether any is still open.
    #[inline(always)]
    fn close(&mut self) -> bool {
        self.depth -= 1;
        self.inner >>= 1;
        if self.depth > 0 && self.depth.is_multiple_of(64) {
            self.inner = self.outer.pop().unwrap_or(0);
        }
        self.depth > 0
    }

    #[inline(always)]
    fn in_object(&self) -> bool {
        self.inner & 1 == 1
    }
}

/// Just past the object or array at `at`, checked token by token as [`Scanner::object`]
/// checks the objects it reads into — the same errors at the same places — but iteratively,
/// so nesting depth costs no stack.
fn skip_nested(text: &[u8], mut at: usize) -> Found<usize> {
    let mut nesting = Nesting::default();
    loop {
        // `at` is on a value.
        at = match text.get(at) {
            Some(&open @ (b'{' | b'[')) => {
                let inside = skip_whitespace(text, at + 1);
                match (open, text.get(inside)) {
                    (b'{', Some(b'}')) | (b'[', Some(b']')) if nesting.depth == 0 => {
                        return Ok(inside + 1);
                    }
                    (b'{', Some(b'}')) | (b'[', Some(b']')) => inside + 1,
                    (b'{', _) => {
                        nesting.open(true);
                        at = member_value(text, inside)?;
                        continue;
                    }
                    _ => {
                        nesting.open(false);
                        at = inside;
                        continue;
                    }
                }
            }
            Some(b'"') => string_end(text, at + 1)?.0 + 1,
            _ => scalar_end(text, at)?,
        };
        // Just past a value: a comma and the next value, or the ends of the objects and
        // arrays that close here.
        loop {
            at = skip_whitespace(text, at);
            let object = nesting.in_object();
            match text.get(at) {
                Some(b',') => {
                    at = skip_whitespace(text, at + 1);
                    if object {
                        at = member_value(text, at)?;
                    }
                    break;
                }
                Some(b'}') if object => {}
                Some(b']') if !object => {}
                _ if object => return Err((OBJECT_GOES_ON, at)),
                _ => return Err((ARRAY_GOES_ON, at)),
            }
            at += 1;
            if !nesting.close() {
                return Ok(at);
            }
        }
    }
}

/// The start of the value of the object member whose key is at `at`: past the key, its
/// colon and the whitespace around it.
#[inline(always)]
fn member_value(text: &[u8], at: usize) -> Found<usize> {
    if text.get(at) != Some(&b'"') {
        return Err((EXPECTED_KEY, at));
    }
    let (end, _) = string_end(text, at + 1)?;
    let at = skip_whitespace(text, end + 1);
    if text.get(at) != Some(&b':') {
        return Err((EXPECTED_COLON, at));
    }
    Ok(skip_whitespace(text, at + 1))
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
        let (end, escaped) = string_end(self.text, start).ok()?;
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
        self.walk::<false>(at, keys, depth)
    }

    /// Walks the object at `at` (on its `{`) from which nothing is wanted, checking it.
    #[inline(never)]
    fn skip_object(&mut self, at: usize, depth: usize) -> Option<usize> {
        self.walk::<true>(at, &NOTHING_WANTED, depth)
    }

    /// [`QuickWalk::object`], or with `SKIP` an object from which nothing is wanted: checked
    /// all the same, in a copy of the loop that neither recognises keys nor fills slots.
    #[inline(always)]
    fn walk<const SKIP: bool>(&mut self, at: usize, keys: &KeyTree, depth: usize) -> Option<usize> {
        let text = self.text;
        let (mut byte, mut at) = self.byte(at + 1)?;
        if byte == b'}' {
            return Some(at + 1);
        }
        loop {
            if byte != b'"' {
                return None;
            }
            let (after_key, colon_read, found) = if SKIP {
                (string_end(text, at + 1).ok()?.0 + 1, false, None)
            } else {
                self.key(at + 1, keys)?
            };
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
                    let (end, escaped) = string_end(text, at + 1).ok()?;
                    if let Some(slot) = slot {
                        if escaped {
                            let raw = &text[at + 1..end];
                            self.values.set_with(slot, |out| unescape(raw, out));
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
                    // An object no SLO reads into is walked all the same, to check it: its
                    // keys, recognised by position, cost little.
                    if depth >= QUICK_DEPTH {
                        return None;
                    }
                    match wanted.filter(|w| !w.children.entries.is_empty()) {
                        Some(w) => self.object(at, &w.children, depth + 1)?,
                        None => self.skip_object(at, depth + 1)?,
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

/// Appends the unescaped contents of a JSON string to `out`. The string was checked by
/// [`string_end`]; were an escape not valid all the same, it would be copied as it is.
fn unescape(raw: &[u8], out: &mut Vec<u8>) {
    let mut rest = raw;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        let Some((c, length)) = unescape_one(&rest[i..]) else {
            out.push(b'\\');
            rest = &rest[i + 1..];
            continue;
        };
        let mut utf8 = [0u8; 4];
        out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
        rest = &rest[i + length..];
    }
    out.extend_from_slice(rest);
}

/// The character that the escape at the start of `escape` (on its backslash) stands for, and
/// the escape's length; `None` when it is not a valid escape.
#[inline(always)]
fn unescape_one(escape: &[u8]) -> Option<(char, usize)> {
    let c = match *escape.get(1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let code = hex4(escape, 2)?;
            if !(0xD800..0xDC00).contains(&code) {
                return Some((char::from_u32(code)?, 6));
            }
            // A surrogate pair: the low half must follow as \uDC00–\uDFFF.
            let low = escape
                .get(6..8)
                .filter(|u| *u == b"\\u")
                .and_then(|_| hex4(escape, 8))
                .filter(|low| (0xDC00..0xE000).contains(low))?;
            let code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00);
            return Some((char::from_u32(code)?, 12));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// The four hex digits at `at`, as a number.
fn hex4(text: &[u8], at: usize) -> Option<u32> {
    let digits = text.get(at..at + 4)?;
    digits
        .iter()
        .try_fold(0, |code, &d| Some(code * 16 + (d as char).to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expr::{FieldValue, Row};
    use crate::input::test_sink::fields;
    use crate::input::RowView;
    use proptest::prelude::*;

    fn table() -> FieldSlots {
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
    fn finds_string_ends_and_defects_at_every_offset() {
        // Contents after `length` plain bytes (the opening quote is at 0), and what the
        // string's end is: the closing quote and whether there were escapes, or the error and
        // where, counted from the first byte after the plain ones.
        type Case = (&'static [u8], Found<(usize, bool)>);
        let cases: [Case; 12] = [
            (b"\"", Ok((0, false))),
            (b"\\\"y\"", Ok((3, true))),
            (b"\xc3\xa9\"", Ok((2, false))),
            (b"\\ud83d\\ude00\"", Ok((12, true))),
            (b"\\q\"", Err((BAD_ESCAPE, 0))),
            (b"\\u12 x\"", Err((BAD_UNICODE_ESCAPE, 0))),
            (b"\\ud800\"", Err((LONE_SURROGATE, 0))),
            (b"\\udc00\"", Err((LONE_SURROGATE, 0))),
            (b"\xc3\xa9\xff\"", Err((NOT_UTF8, 2))),
            (b"\xc3\"", Err((NOT_UTF8, 0))),
            (b"\\u12", Err((UNTERMINATED, usize::MAX))),
            (b"x\\", Err((UNTERMINATED, usize::MAX))),
        ];
        for length in 0..40 {
            for (contents, expected) in &cases {
                let mut text = vec![b'"'];
                text.extend(std::iter::repeat_n(b'x', length));
                text.extend_from_slice(contents);
                // Unterminated strings are reported at their opening quote.
                let expected = match *expected {
                    Ok((end, escaped)) => Ok((1 + length + end, escaped)),
                    Err((UNTERMINATED, _)) => Err((UNTERMINATED, 0)),
                    Err((reason, at)) => Err((reason, 1 + length + at)),
                };
                assert_eq!(string_end(&text, 1), expected, "{length} {contents:?}");
            }
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
            Just("0".to_string()),
            Just(".5".to_string()),
            Just("E+".to_string()),
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

    /// Field tables that read nothing, a little, everything `json_ish` writes, and keys at
    /// other depths: whether a line is malformed, and where, must not depend on them.
    fn tables() -> Vec<FieldSlots> {
        vec![
            fields(&[]),
            fields(&["a"]),
            fields(&["http.status"]),
            fields(&["a", "http.status", "b"]),
            fields(&["http", "x.y", "z"]),
        ]
    }

    /// The verdict of each table's reader on `text` (a fresh careful reading, and the quick
    /// one after `before` was read by the same reader, to prime its key memo).
    fn verdicts(before: &[u8], text: &[u8]) -> Vec<Result<(), (&'static str, usize)>> {
        let mut all = Vec::new();
        for table in tables() {
            let mut values = RowValues::new(table.paths().len());
            let mut reader = ObjectReader::new(&table);
            all.push(reader.read_carefully(text, &mut values));
            let _ = reader.read(before, &mut values);
            all.push(reader.read(text, &mut values));
        }
        all
    }

    #[test]
    fn defects_are_found_where_they_are_whatever_is_read() {
        let good = br#"{"a":"v","http":{"status":200,"agent":"w"},"b":1,"z":[{"k":"x"}]}"#;
        // Lines with `@` where the defect goes, in wanted and unwanted places.
        let templates: [&[u8]; 8] = [
            br#"{"a":"x@","http":{"status":200,"agent":"w"},"b":1}"#,
            br#"{"a":"v","ua":"x@","http":{"status":200},"b":1}"#,
            br#"{"a":"v","http":{"status":200,"agent":"x@"},"b":1}"#,
            br#"{"a":"v","http":{"status":200},"z":[{"k":"x@"}],"b":1}"#,
            br#"{"a":"v","x@":1,"b":1}"#,
            br#"{"a":"v","http":{"x@":1,"status":200},"b":1}"#,
            br#"{"a":"v","http":{"status":200,"y":{"deep":["x@"]}},"b":1}"#,
            br#"{"a":"v","b":1,"http":{"status":200,"agent":"x@"}}"#,
        ];
        let defects: [(&[u8], usize, &str); 6] = [
            (br"bad \q escape", 4, BAD_ESCAPE),
            (br"\u12 cut", 0, BAD_UNICODE_ESCAPE),
            (br"\uD800 alone", 0, LONE_SURROGATE),
            (br"\uDC00 alone", 0, LONE_SURROGATE),
            (b"caf\xe9 latin-1", 3, NOT_UTF8),
            (b"ok \xc3\xa9 then \xff", 11, NOT_UTF8),
        ];
        for template in templates {
            let marker = template.iter().position(|&b| b == b'@').unwrap_or(0);
            for (defect, offset, reason) in defects {
                let text = [&template[..marker], defect, &template[marker + 1..]].concat();
                let expected = Err((reason, marker + offset));
                for (i, verdict) in verdicts(good, &text).into_iter().enumerate() {
                    assert_eq!(
                        verdict,
                        expected,
                        "reading {i} of {:?}",
                        String::from_utf8_lossy(&text)
                    );
                }
            }
        }
        // Defects outside strings, in objects and arrays read or skipped.
        for (text, reason, at) in [
            (&br#"{"a":{"k" 1},"b":1}"#[..], EXPECTED_COLON, 10),
            (br#"{"z":{"k" 1},"b":1}"#, EXPECTED_COLON, 10),
            (br#"{"http":{"status":1 "a":2}}"#, OBJECT_GOES_ON, 20),
            (br#"{"q":{"status":1 "a":2}}"#, OBJECT_GOES_ON, 17),
            (br#"{"http":[1 2]}"#, ARRAY_GOES_ON, 11),
            (
                br#"{"http":{"status":[1,]}}"#,
                "invalid JSON: expected a value",
                21,
            ),
            (
                br#"{"x":{"y":[{},{"k":tru}]}}"#,
                "invalid JSON: unknown literal",
                19,
            ),
            (br#"{"x":{"y":-}}"#, "invalid JSON: malformed number", 10),
            (br#"{"x":{"y":{1:2}}}"#, EXPECTED_KEY, 11),
            (
                br#"{"http":{"status":1}} ,"#,
                "invalid JSON: text after the object",
                22,
            ),
            (
                br#"{"http":{"status":1}}}"#,
                "invalid JSON: text after the object",
                21,
            ),
            (br#"{"a":"v","b":"open}"#, UNTERMINATED, 13),
            (br#"{"a":"v","z":{"k":[1,"#, UNCLOSED, 21),
            (br#"{"a":"v","http":{"status":"#, UNCLOSED, 26),
            (b"{\"a\":\"v\",\"z\":{\"k\":1}\xe9}", OBJECT_GOES_ON, 20),
        ] {
            for (i, verdict) in verdicts(good, text).into_iter().enumerate() {
                assert_eq!(
                    verdict,
                    Err((reason, at)),
                    "reading {i} of {:?}",
                    String::from_utf8_lossy(text)
                );
            }
        }
    }

    /// Lines as `json_ish`, `logged_object` and `memo_trap` write them, some with a defect
    /// spliced in anywhere: a bad escape, a byte that is not UTF-8, a stray quote or bracket.
    fn maybe_damaged() -> impl Strategy<Value = Vec<u8>> {
        let defect = prop_oneof![
            Just(&br"\q"[..]),
            Just(&br"\u12"[..]),
            Just(&br"\ud800"[..]),
            Just(&br"\udc00"[..]),
            Just(&b"\xe9"[..]),
            Just(&b"\xff\xfe"[..]),
            Just(&b"\xf0\x9f\x98"[..]),
            Just(&b"\""[..]),
            Just(&b"}"[..]),
            Just(&b","[..]),
        ];
        (
            prop_oneof![json_ish(), logged_object(), memo_trap()],
            proptest::option::of((any::<proptest::sample::Index>(), defect)),
        )
            .prop_map(|(text, damage)| {
                let mut bytes = text.into_bytes();
                if let Some((at, defect)) = damage {
                    let at = at.index(bytes.len() + 1);
                    bytes.splice(at..at, defect.iter().copied());
                }
                bytes
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

        /// A line is malformed, or not, by its own bytes: every reader says the same of it,
        /// whichever fields it wants, after whichever line it read before.
        #[test]
        fn whether_a_line_is_malformed_does_not_depend_on_the_fields_read(
            before in maybe_damaged(),
            text in maybe_damaged(),
        ) {
            let all = verdicts(&before, &text);
            prop_assert!(all.windows(2).all(|pair| pair[0] == pair[1]), "{:?}", all);
        }

        /// Every object that serde_json reads is read, whatever its fields, and where serde_json
        /// finds an error, so do the readers.
        #[test]
        fn accepts_what_serde_json_accepts(text in maybe_damaged()) {
            let serde = serde_json::from_slice::<serde_json::Value>(&text);
            let ours = verdicts(b"{}", &text);
            if serde.as_ref().is_ok_and(serde_json::Value::is_object) {
                prop_assert!(ours.iter().all(Result::is_ok), "{:?}", ours);
            }
            // serde_json refuses numbers too large for a float, where JSON does not.
            let too_large = serde.as_ref().is_err_and(|e| e.to_string().contains("out of range"));
            if ours[0].is_ok() && !too_large {
                prop_assert!(serde.is_ok(), "{:?}", String::from_utf8_lossy(&text));
            }
        }

        #[test]
        fn never_panics(text in "\\PC{0,64}") {
            let _ = read(&text);
        }
    }
}
