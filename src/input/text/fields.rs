//! What a text log's fields are called and how a value is taken from a line: a field as
//! written, a part of the request line (`request_method`, `uri`, ...), or the date and time
//! columns of a W3C log put together.

use super::template::Span;

/// The unit a format writes a duration field's bare numbers in: the expression language's.
pub use crate::expr::TimeUnit;

/// One field of a line format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct FieldInfo {
    /// The name a spec uses.
    pub(super) name: String,
    /// The unit a bare number in it is written in.
    pub(super) unit: Option<TimeUnit>,
    /// Whether `-1` means "no value" (ALB and HAProxy timings of requests never sent on).
    pub(super) minus_one_missing: bool,
    /// Whether it may hold an nginx list of values (`0.000, 0.854`), spaces included.
    pub(super) multi_value: bool,
    /// Whether it ends at the last occurrence, within its word, of the text after it rather
    /// than the first: HAProxy's `client_ip:client_port`, where an IPv6 address holds colons.
    pub(super) ends_at_last_in_word: bool,
}

impl FieldInfo {
    pub(super) fn new(name: impl Into<String>) -> FieldInfo {
        FieldInfo {
            name: name.into(),
            unit: None,
            minus_one_missing: false,
            multi_value: false,
            ends_at_last_in_word: false,
        }
    }

    pub(super) fn unit(mut self, unit: TimeUnit) -> FieldInfo {
        self.unit = Some(unit);
        self
    }

    pub(super) fn minus_one_missing(mut self) -> FieldInfo {
        self.minus_one_missing = true;
        self
    }

    pub(super) fn multi_value(mut self) -> FieldInfo {
        self.multi_value = true;
        self
    }

    pub(super) fn ends_at_last_in_word(mut self) -> FieldInfo {
        self.ends_at_last_in_word = true;
        self
    }
}

/// A part of an HTTP request, taken from a request line (`GET /a?b HTTP/1.1`) or from a
/// request target alone (`/a?b`, or ALB's `https://host:443/a?b`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum RequestPart {
    /// `GET`.
    Method,
    /// The target as written: `/a?b`, or a whole URL.
    Target,
    /// Path and query: `/a?b` (from a URL, what follows the host).
    PathAndQuery,
    /// The path: `/a`.
    Path,
    /// The query, without `?`: `b`.
    Query,
    /// `HTTP/1.1`.
    Protocol,
}

/// Where a named value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum ValueSource {
    /// A field as written.
    Field(usize),
    /// A part of the request line in a field.
    FromRequestLine(usize, RequestPart),
    /// A part of the request target in a field.
    FromTarget(usize, RequestPart),
}

impl ValueSource {
    /// The field the value is read from, for its unit and null markers.
    pub(super) fn field(self) -> usize {
        match self {
            ValueSource::Field(field)
            | ValueSource::FromRequestLine(field, _)
            | ValueSource::FromTarget(field, _) => field,
        }
    }
}

/// Where `byte` first is in `haystack`. Most values in a log line are short: a plain loop
/// finds their end sooner than a vectorised search gets going.
/// The first 32 bytes are searched eight at a time in a `u64` (the "has a zero byte" trick).
#[inline]
pub(super) fn find_byte(byte: u8, haystack: &[u8]) -> Option<usize> {
    const SHORT: usize = 32;
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let pattern = ONES * u64::from(byte);
    let mut at = 0;
    while at + 8 <= haystack.len().min(SHORT) {
        let mut word = [0u8; 8];
        word.copy_from_slice(&haystack[at..at + 8]);
        let x = u64::from_le_bytes(word) ^ pattern;
        let zero = x.wrapping_sub(ONES) & !x & HIGHS;
        if zero != 0 {
            // The lowest flagged byte is the first match (borrows only run upwards).
            return Some(at + (zero.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    if haystack.len() - at < 8 {
        return haystack[at..]
            .iter()
            .position(|&b| b == byte)
            .map(|i| at + i);
    }
    memchr::memchr(byte, &haystack[at..]).map(|i| at + i)
}

/// The parts of a request line (`GET /a?b HTTP/1.1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RequestLine<'a> {
    pub(super) method: &'a [u8],
    pub(super) target: &'a [u8],
    /// `None` for an HTTP/0.9 line (`GET /`).
    pub(super) protocol: Option<&'a [u8]>,
}

/// The request line's parts; `None` for text that is no request line (nginx logs `-`, or the
/// raw bytes of a TLS handshake sent to a plain port).
pub(super) fn split_request_line(line: &[u8]) -> Option<RequestLine<'_>> {
    let first = find_byte(b' ', line)?;
    let method = &line[..first];
    let rest = &line[first + 1..];
    if method.is_empty() || !method.iter().copied().all(is_token_byte) || rest.is_empty() {
        return None;
    }
    match memchr::memrchr(b' ', rest) {
        Some(last) if rest[last + 1..].starts_with(b"HTTP/") => Some(RequestLine {
            method,
            target: &rest[..last],
            protocol: Some(&rest[last + 1..]),
        }),
        _ => Some(RequestLine {
            method,
            target: rest,
            protocol: None,
        }),
    }
}

/// Whether `byte` may be in an HTTP method: a `tchar` of RFC 9110 (`M-SEARCH`, `BASELINE-CONTROL`),
/// which the escaped bytes of a TLS handshake (`\x16\x03…`) are not.
#[inline]
fn is_token_byte(byte: u8) -> bool {
    matches!(byte, b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'!' | b'#'..=b'\'' | b'*' | b'+' | b'-' | b'.' | b'^' | b'_' | b'`' | b'|' | b'~')
}

/// A part of a request target: `/a?b`, or an absolute URL `https://host:443/a?b`.
pub(super) fn target_part(target: &[u8], part: RequestPart) -> Option<&[u8]> {
    let absolute = target.first() != Some(&b'/');
    let scheme_end = if absolute {
        memchr::memmem::find(target, b"://")
    } else {
        None
    };
    let path_and_query = match scheme_end {
        // `https://host:443/a?b`: what follows the host; `https://host` alone is `/`.
        Some(scheme_end) if target[..scheme_end].iter().all(u8::is_ascii_alphanumeric) => {
            let after = &target[scheme_end + 3..];
            memchr::memchr(b'/', after).map_or(&b"/"[..], |slash| &after[slash..])
        }
        _ => target,
    };
    let query_at = find_byte(b'?', path_and_query);
    match part {
        RequestPart::Target => Some(target),
        RequestPart::PathAndQuery => Some(path_and_query),
        RequestPart::Path => Some(&path_and_query[..query_at.unwrap_or(path_and_query.len())]),
        RequestPart::Query => query_at.map(|q| &path_and_query[q + 1..]),
        RequestPart::Method | RequestPart::Protocol => None,
    }
}

/// The value `source` names in `line`, whose fields lie at `spans`, before unescaping.
/// `request` keeps the request line split for the line's other values (a spec reading `uri`
/// and `request_method` splits it once).
pub(super) fn raw_value<'a>(
    line: &'a [u8],
    spans: &[Span],
    source: ValueSource,
    request: &mut Option<Option<RequestLine<'a>>>,
) -> Option<&'a [u8]> {
    let field = |index: usize| spans.get(index).and_then(|span| span.get(line));
    match source {
        ValueSource::Field(index) => field(index),
        ValueSource::FromRequestLine(index, part) => {
            // A format has one request line, so one split serves every part of it.
            let request =
                (*request.get_or_insert_with(|| field(index).and_then(split_request_line)))?;
            match part {
                RequestPart::Method => Some(request.method),
                RequestPart::Protocol => request.protocol,
                other => target_part(request.target, other),
            }
        }
        ValueSource::FromTarget(index, part) => target_part(field(index)?, part),
    }
}

/// Whether a value is a null marker: `-` everywhere, `-1` where the field says so.
pub(super) fn is_null(value: &[u8], info: &FieldInfo) -> bool {
    value == b"-" || (info.minus_one_missing && value == b"-1")
}

/// Decodes the backslash escapes nginx and Apache write in log values (`\x22`, `\"`, `\\`,
/// `\n`, `\t`) onto `out`; any other backslash stays as it is.
pub(super) fn unescape_into(value: &[u8], out: &mut Vec<u8>) {
    let mut rest = value;
    while let Some(i) = memchr::memchr(b'\\', rest) {
        out.extend_from_slice(&rest[..i]);
        let after = &rest[i + 1..];
        let (decoded, used) = match after {
            [b'x', hi, lo, ..] => match (hex(*hi), hex(*lo)) {
                (Some(hi), Some(lo)) => (Some(hi << 4 | lo), 3),
                _ => (None, 0),
            },
            [b'"', ..] => (Some(b'"'), 1),
            [b'\\', ..] => (Some(b'\\'), 1),
            [b'n', ..] => (Some(b'\n'), 1),
            [b't', ..] => (Some(b'\t'), 1),
            _ => (None, 0),
        };
        match decoded {
            Some(byte) => out.push(byte),
            None => out.push(b'\\'),
        }
        rest = &after[used..];
    }
    out.extend_from_slice(rest);
}

fn hex(digit: u8) -> Option<u8> {
    char::from(digit)
        .to_digit(16)
        .and_then(|d| u8::try_from(d).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn find_byte_agrees_with_memchr(haystack in proptest::collection::vec(0u8..8, 0..80), byte in 0u8..8) {
            proptest::prop_assert_eq!(find_byte(byte, &haystack), memchr::memchr(byte, &haystack));
        }
    }

    #[test]
    fn request_lines_split_into_parts() {
        let line = b"GET /a/b?x=1&y HTTP/1.1";
        let request = split_request_line(line).unwrap();
        let target = request.target;
        assert_eq!(
            (request.method, target, request.protocol),
            (&b"GET"[..], &b"/a/b?x=1&y"[..], Some(&b"HTTP/1.1"[..]))
        );
        assert_eq!(target_part(target, RequestPart::Path), Some(&b"/a/b"[..]));
        assert_eq!(target_part(target, RequestPart::Query), Some(&b"x=1&y"[..]));
        let old = split_request_line(b"GET /").unwrap();
        assert_eq!(
            (old.method, old.target, old.protocol),
            (&b"GET"[..], &b"/"[..], None)
        );
        assert_eq!(split_request_line(b"-"), None);
        for byte in 0..=u8::MAX {
            let tchar = byte.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&byte);
            assert_eq!(is_token_byte(byte), tchar, "{byte}");
        }
        let ssdp = split_request_line(b"M-SEARCH * HTTP/1.1").unwrap();
        assert_eq!((ssdp.method, ssdp.target), (&b"M-SEARCH"[..], &b"*"[..]));
        assert_eq!(split_request_line(b"\\x16\\x03\\x01\\x02"), None);
        let url = b"https://shop.example.com:443/api/cart?id=7";
        assert_eq!(
            target_part(url, RequestPart::PathAndQuery),
            Some(&b"/api/cart?id=7"[..])
        );
        assert_eq!(target_part(url, RequestPart::Path), Some(&b"/api/cart"[..]));
        assert_eq!(
            target_part(b"https://h:443", RequestPart::Path),
            Some(&b"/"[..])
        );
        assert_eq!(target_part(b"/a", RequestPart::Query), None);
    }

    #[test]
    fn escapes_are_decoded() {
        let mut out = Vec::new();
        unescape_into(br#"a\x22b\"c\\d\q\x4"#, &mut out);
        assert_eq!(out, br#"a"b"c\d\q\x4"#);
    }
}
