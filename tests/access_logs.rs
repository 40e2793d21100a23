//! The access-log formats (issue 15) against an independent count.
//!
//! Each fixture in `tests/fixtures/access/<format>/` (written from the vendors' documentation,
//! odd lines included: see the README there) is read twice: by `slo report` with the spec
//! beside it, and by the small readers below — a regular expression or a split per format,
//! written from the same documentation and from `notes/access-log-contract.md`, deliberately
//! sharing nothing with `src/`. Each SLO of the spec is written out again here as Rust
//! (`filter`, `good`, `group_by`). Every figure must agree: the rows read, malformed, outside
//! every window, unselected and matched, and per SLO, group and window the events, good, bad
//! and invalid ones.
//!
//! One fixture's figures are also written out by hand (`the_counter_agrees_with_a_hand_count`),
//! as a check of the counter itself.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use regex::bytes::Regex;

use crate::report::{Report, ReportCommand};
use crate::workdir::Workdir;

/// The evaluation instant of every run: 11:30 UTC, half an hour before the fixtures end.
const AT: &str = "2026-10-01T11:30:00Z";

/// The longest span any SLO here looks back over: the default alert policy's 3-day lookback.
const LONGEST_LOOKBACK_S: i64 = 3 * 86_400;

// ------------------------------------------------------------------------------------------
// Rows as the contract names their fields
// ------------------------------------------------------------------------------------------

/// One readable line: its timestamp and the fields the SLOs below read, by the contract's
/// names. A field that is absent, or written as `-` (or as `-1` for an ALB or HAProxy timing),
/// is missing: not in `fields`.
#[derive(Debug, Default)]
struct Row {
    at_us: i64,
    fields: BTreeMap<&'static str, Vec<u8>>,
}

impl Row {
    /// Records `value` under `name`, unless the log wrote it as missing (`-`).
    fn put(&mut self, name: &'static str, value: &[u8]) {
        if value != b"-" {
            self.fields.insert(name, value.to_vec());
        }
    }

    fn text(&self, name: &str) -> Option<&[u8]> {
        self.fields.get(name).map(Vec::as_slice)
    }

    /// A whole number (`000` is 0); `None` when missing or not a number.
    fn int(&self, name: &str) -> Option<i64> {
        let text = std::str::from_utf8(self.text(name)?).ok()?;
        let digits = text.strip_prefix('-').unwrap_or(text);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        text.parse().ok()
    }

    /// A bare number read in `unit`, as microseconds, exactly.
    fn micros(&self, name: &str, unit: Unit) -> Option<i64> {
        decimal_micros(self.text(name)?, unit)
    }

    /// A value written with its unit (`126ms`), as microseconds.
    fn micros_with_unit(&self, name: &str) -> Option<i64> {
        let text = self.text(name)?;
        let digits = text
            .iter()
            .take_while(|b| b.is_ascii_digit() || **b == b'.')
            .count();
        let unit = match &text[digits..] {
            b"s" => Unit::Seconds,
            b"ms" => Unit::Millis,
            b"us" | b"\xc2\xb5s" => Unit::Micros,
            _ => return None,
        };
        decimal_micros(&text[..digits], unit)
    }

    /// Every value of a multi-value nginx field (`0.000, 0.854`, `0.004 : 0.006`), in seconds,
    /// as microseconds; `None` when any is not a number.
    fn seconds_list(&self, name: &str) -> Option<Vec<i64>> {
        let text = std::str::from_utf8(self.text(name)?).ok()?;
        text.split(", ")
            .flat_map(|part| part.split(" : "))
            .map(|v| decimal_micros(v.as_bytes(), Unit::Seconds))
            .collect()
    }

    fn starts_with(&self, name: &str, prefix: &str) -> Option<bool> {
        Some(self.text(name)?.starts_with(prefix.as_bytes()))
    }

    fn equals(&self, name: &str, value: &str) -> Option<bool> {
        Some(self.text(name)? == value.as_bytes())
    }
}

#[derive(Debug, Clone, Copy)]
enum Unit {
    Seconds,
    Millis,
    Micros,
}

/// `0.300` seconds → 300 000 µs, exactly (no binary floating point anywhere).
fn decimal_micros(text: &[u8], unit: Unit) -> Option<i64> {
    let text = std::str::from_utf8(text).ok()?;
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || !digits(whole) || !digits(frac) {
        return None;
    }
    let scale: u32 = match unit {
        Unit::Seconds => 6,
        Unit::Millis => 3,
        Unit::Micros => 0,
    };
    if frac.len() > scale as usize {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac_value: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    let frac_scaled = frac_value * 10_i64.pow(scale - u32::try_from(frac.len()).ok()?);
    Some(whole * 10_i64.pow(scale) + frac_scaled)
}

/// What a line of a log is.
#[derive(Debug)]
enum Line {
    Row(Row),
    Malformed,
}

/// The lines of a log: a blank line is not a row; a last line without its line end is.
fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    bytes.split(|&b| b == b'\n').filter(|line| !line.is_empty())
}

// ------------------------------------------------------------------------------------------
// Time
// ------------------------------------------------------------------------------------------

/// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn utc_micros(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64, us: i64) -> i64 {
    ((days_from_civil(y, mo, d) * 24 + h) * 60 + mi) * 60_000_000 + s * 1_000_000 + us
}

fn month(name: &[u8]) -> Option<i64> {
    let names: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    i64::try_from(names.iter().position(|n| *n == name)?)
        .ok()
        .map(|m| m + 1)
}

fn num(bytes: &[u8]) -> i64 {
    std::str::from_utf8(bytes)
        .expect("digits")
        .parse()
        .expect("a number")
}

/// A fraction of a second (`225`, `225000`) as microseconds.
fn fraction_micros(digits: &[u8]) -> i64 {
    let mut text = String::from_utf8(digits.to_vec()).expect("digits");
    text.truncate(6);
    while text.len() < 6 {
        text.push('0');
    }
    num(text.as_bytes())
}

/// `01/Oct/2026:08:00:35 +0200`, nginx's `$time_local` and Apache's `%t`.
fn clf_time(text: &[u8]) -> Option<i64> {
    static CLF: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d) ([+-])(\d\d)(\d\d)$")
            .expect("regex")
    });
    let c = CLF.captures(text)?;
    let local = utc_micros(
        num(&c[3]),
        month(&c[2])?,
        num(&c[1]),
        num(&c[4]),
        num(&c[5]),
        num(&c[6]),
        0,
    );
    let offset = (num(&c[8]) * 60 + num(&c[9])) * 60_000_000;
    Some(if &c[7] == b"+" {
        local - offset
    } else {
        local + offset
    })
}

/// `2026-10-01T08:03:34.225000Z`, `2026-10-01T08:02:11.873000+00:00`.
fn rfc3339(text: &[u8]) -> Option<i64> {
    static RFC3339: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,9}))?(Z|([+-])(\d\d):(\d\d))$",
        )
        .expect("regex")
    });
    let c = RFC3339.captures(text)?;
    let frac = c.get(7).map_or(0, |m| fraction_micros(m.as_bytes()));
    let t = utc_micros(
        num(&c[1]),
        num(&c[2]),
        num(&c[3]),
        num(&c[4]),
        num(&c[5]),
        num(&c[6]),
        frac,
    );
    let offset = match c.get(9) {
        None => 0,
        Some(sign) => {
            let minutes = (num(&c[10]) * 60 + num(&c[11])) * 60_000_000;
            if sign.as_bytes() == b"+" {
                minutes
            } else {
                -minutes
            }
        }
    };
    Some(t - offset)
}

/// `2026-10-01` and `08:05:20`, UTC: the `date` and `time` of W3C logs.
fn date_and_time(date: &[u8], time: &[u8]) -> Option<i64> {
    static DATE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d{4})-(\d\d)-(\d\d)$").expect("regex"));
    static TIME: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^(\d\d):(\d\d):(\d\d)$").expect("regex"));
    let d = DATE.captures(date)?;
    let t = TIME.captures(time)?;
    Some(utc_micros(
        num(&d[1]),
        num(&d[2]),
        num(&d[3]),
        num(&t[1]),
        num(&t[2]),
        num(&t[3]),
        0,
    ))
}

/// `01/Oct/2026:08:04:36.381`, HAProxy's accept date, without a zone: UTC.
fn haproxy_time(text: &[u8]) -> Option<i64> {
    static ACCEPT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d\d)/([A-Z][a-z]{2})/(\d{4}):(\d\d):(\d\d):(\d\d)\.(\d{3})$")
            .expect("regex")
    });
    let c = ACCEPT.captures(text)?;
    Some(utc_micros(
        num(&c[3]),
        month(&c[2])?,
        num(&c[1]),
        num(&c[4]),
        num(&c[5]),
        num(&c[6]),
        num(&c[7]) * 1000,
    ))
}

// ------------------------------------------------------------------------------------------
// The request line
// ------------------------------------------------------------------------------------------

/// Undoes nginx's (`\xHH`) and Apache's (`\"`, `\\`, `\xhh`) escaping of a quoted value.
fn unescape(text: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        if text[i] == b'\\' && i + 1 < text.len() {
            match text[i + 1] {
                b'x' if i + 3 < text.len() => {
                    let hex = std::str::from_utf8(&text[i + 2..i + 4]).expect("hex digits");
                    out.push(u8::from_str_radix(hex, 16).expect("hex digits"));
                    i += 4;
                    continue;
                }
                b'"' | b'\\' => {
                    out.push(text[i + 1]);
                    i += 2;
                    continue;
                }
                _ => {}
            }
        }
        out.push(text[i]);
        i += 1;
    }
    out
}

/// `request_method`, `request_uri`, `uri` and `server_protocol` from a request line
/// `METHOD TARGET PROTOCOL`; a request line of another shape (`-`, binary garbage,
/// `<BADREQ>`) has none of them.
fn split_request(row: &mut Row, request: &[u8]) {
    let parts: Vec<&[u8]> = request.split(|&b| b == b' ').collect();
    if let [method, target, protocol] = parts[..] {
        row.put("request_method", method);
        row.put("request_uri", target);
        if target != b"-" {
            let path = target.split(|&b| b == b'?').next().unwrap_or(target);
            row.put("uri", path);
        }
        row.put("server_protocol", protocol);
    }
}

// ------------------------------------------------------------------------------------------
// The readers, one per format
// ------------------------------------------------------------------------------------------

/// A quoted value that nginx or Apache escaped: no bare `"`, escapes are `\` and one byte.
const QUOTED: &str = r#""((?:[^"\\]|\\.)*)""#;

fn combined_regex(tail: &str) -> Regex {
    Regex::new(&format!(
        r"(?-u)^(\S+) (\S+) (\S+) \[([^\]]+)\] {QUOTED} (\d{{3}}) (\d+|-) {QUOTED} {QUOTED}{tail}$"
    ))
    .expect("regex")
}

/// The fields of nginx's and Apache's combined formats, common to every CLF-like reader.
fn clf_row(c: &regex::bytes::Captures) -> Option<Row> {
    let mut row = Row {
        at_us: clf_time(&c[4])?,
        ..Row::default()
    };
    row.put("remote_addr", &c[1]);
    split_request(&mut row, &unescape(&c[5]));
    row.put("status", &c[6]);
    Some(row)
}

fn read_lines(bytes: &[u8], read: impl Fn(&[u8]) -> Option<Row>) -> Vec<Line> {
    lines(bytes)
        .map(|line| read(line).map_or(Line::Malformed, Line::Row))
        .collect()
}

fn nginx_combined(bytes: &[u8]) -> Vec<Line> {
    let re = combined_regex("");
    read_lines(bytes, |line| clf_row(&re.captures(line)?))
}

/// combined + ` $request_time $upstream_response_time` (the last may hold `, ` and ` : `).
fn nginx_timed(bytes: &[u8]) -> Vec<Line> {
    let re = combined_regex(r" (\S+) (.+)");
    read_lines(bytes, |line| {
        let c = re.captures(line)?;
        let mut row = clf_row(&c)?;
        row.put("request_time", &c[10]);
        row.put("upstream_response_time", &c[11]);
        Some(row)
    })
}

/// ingress-nginx: combined + ` $request_length $request_time [$proxy_upstream_name]
/// [$proxy_alternative_upstream_name] $upstream_addr $upstream_response_length
/// $upstream_response_time $upstream_status $req_id`, the four upstream fields lists.
fn nginx_upstreaminfo(bytes: &[u8]) -> Vec<Line> {
    let list = r"([^\s,]+(?:(?:, | : )[^\s,]+)*)";
    let re = combined_regex(&format!(
        r" (\d+) (\S+) \[([^\]]*)\] \[([^\]]*)\] {list} {list} {list} {list} (\S+)"
    ));
    read_lines(bytes, |line| {
        let c = re.captures(line)?;
        let mut row = clf_row(&c)?;
        row.put("request_time", &c[11]);
        row.put("proxy_upstream_name", &c[12]);
        row.put("upstream_response_time", &c[16]);
        Some(row)
    })
}

fn apache_common(bytes: &[u8]) -> Vec<Line> {
    let re = Regex::new(&format!(
        r"(?-u)^(\S+) (\S+) (\S+) \[([^\]]+)\] {QUOTED} (\d{{3}}) (\d+|-)$"
    ))
    .expect("regex");
    read_lines(bytes, |line| clf_row(&re.captures(line)?))
}

/// `%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D` (%D in microseconds).
fn apache_combined_duration(bytes: &[u8]) -> Vec<Line> {
    let re = combined_regex(r" (\d+)");
    read_lines(bytes, |line| {
        let c = re.captures(line)?;
        let mut row = clf_row(&c)?;
        row.put("request_time", &c[10]);
        Some(row)
    })
}

/// Space-separated ALB fields, a quoted one running to its closing quote; `None` for a
/// quote that is not closed.
fn alb_fields(line: &[u8]) -> Option<Vec<&[u8]>> {
    let mut fields = Vec::new();
    let mut rest = line;
    while !rest.is_empty() {
        if rest[0] == b'"' {
            let end = rest[1..].iter().position(|&b| b == b'"')? + 1;
            fields.push(&rest[1..end]);
            rest = &rest[end + 1..];
        } else {
            let end = rest.iter().position(|&b| b == b' ').unwrap_or(rest.len());
            fields.push(&rest[..end]);
            rest = &rest[end..];
        }
        rest = rest.strip_prefix(b" ").unwrap_or(rest);
    }
    Some(fields)
}

/// AWS ALB: fields by position (`type time elb client:port target:port
/// request_processing_time …`); `-1` timings are missing; trailing fields may be more or fewer.
fn alb(bytes: &[u8]) -> Vec<Line> {
    read_lines(bytes, |line| {
        let f = alb_fields(line)?;
        if f.len() < 14 {
            return None;
        }
        let mut row = Row {
            at_us: rfc3339(f[1])?,
            ..Row::default()
        };
        for (name, value) in [
            ("request_processing_time", f[5]),
            ("target_processing_time", f[6]),
            ("response_processing_time", f[7]),
        ] {
            if value != b"-1" {
                row.put(name, value);
            }
        }
        row.put("status", f[8]);
        row.put("target_status_code", f[9]);
        // "GET https://host:443/path?query HTTP/1.1": the path is what follows the authority.
        let parts: Vec<&[u8]> = f[12].split(|&b| b == b' ').collect();
        if let [method, url, _protocol] = parts[..] {
            row.put("request_method", method);
            if let Some(scheme_end) = url.windows(3).position(|w| w == b"://") {
                let after = &url[scheme_end + 3..];
                if let Some(slash) = after.iter().position(|&b| b == b'/') {
                    let target = &after[slash..];
                    row.put("request_uri", target);
                    row.put("uri", target.split(|&b| b == b'?').next().unwrap_or(target));
                }
            }
        }
        Some(row)
    })
}

/// W3C extended logs (CloudFront with tabs, IIS with spaces): `#Fields:` names the columns
/// of the lines after it, until the next `#Fields:`; other `#` lines are comments.
fn w3c_extended(
    bytes: &[u8],
    separator: u8,
    aliases: &[(&'static str, &'static str)],
) -> Vec<Line> {
    let mut columns: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for line in lines(bytes) {
        if let Some(names) = line.strip_prefix(b"#Fields:") {
            columns = String::from_utf8(names.to_vec())
                .expect("ASCII field names")
                .split_whitespace()
                .map(str::to_owned)
                .collect();
            continue;
        }
        if line.starts_with(b"#") {
            continue;
        }
        let mut values: Vec<&[u8]> = line.split(|&b| b == separator).collect();
        // AWS's own example has a record with a trailing tab: one more, empty, field.
        if values.len() == columns.len() + 1 && values.last() == Some(&&b""[..]) {
            values.pop();
        }
        if values.len() != columns.len() {
            out.push(Line::Malformed);
            continue;
        }
        let value = |name: &str| columns.iter().position(|c| c == name).map(|i| values[i]);
        let Some(at_us) = value("date")
            .zip(value("time"))
            .and_then(|(d, t)| date_and_time(d, t))
        else {
            out.push(Line::Malformed);
            continue;
        };
        let mut row = Row {
            at_us,
            ..Row::default()
        };
        for &(alias, name) in aliases {
            if let Some(v) = value(name) {
                row.put(alias, v);
            }
        }
        out.push(Line::Row(row));
    }
    out
}

fn cloudfront(bytes: &[u8]) -> Vec<Line> {
    w3c_extended(
        bytes,
        b'\t',
        &[
            ("sc-status", "sc-status"),
            ("status", "sc-status"),
            ("request_method", "cs-method"),
            ("uri", "cs-uri-stem"),
            ("request_time", "time-taken"),
        ],
    )
}

fn w3c(bytes: &[u8]) -> Vec<Line> {
    w3c_extended(
        bytes,
        b' ',
        &[
            ("status", "sc-status"),
            ("request_method", "cs-method"),
            ("uri", "cs-uri-stem"),
            ("time-taken", "time-taken"),
        ],
    )
}

/// logfmt after a syslog prefix: `key=value`, `key="quoted \" value"`, a bare `key` (true).
/// A message without a single `key=value` pair (plain words) is not logfmt: malformed.
fn logfmt(bytes: &[u8]) -> Vec<Line> {
    static RFC5424: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u)^<\d+>1 (\S+) \S+ \S+ \S+ \S+ ").expect("regex"));
    static HEROKU: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"(?-u)^(\S+) [a-z]+\[[^\]]+\]: ").expect("regex"));
    read_lines(bytes, |line| {
        let c = RFC5424.captures(line).or_else(|| HEROKU.captures(line))?;
        let mut row = Row {
            at_us: rfc3339(&c[1])?,
            ..Row::default()
        };
        let mut rest = &line[c[0].len()..];
        if !rest.contains(&b'=') {
            return None;
        }
        while !rest.is_empty() {
            let key_end = rest
                .iter()
                .position(|&b| b == b'=' || b == b' ')
                .unwrap_or(rest.len());
            let key = &rest[..key_end];
            rest = &rest[key_end..];
            let value: Vec<u8> = if let Some(after) = rest.strip_prefix(b"=\"") {
                let mut value = Vec::new();
                let mut i = 0;
                loop {
                    match after.get(i)? {
                        b'\\' => {
                            value.push(*after.get(i + 1)?);
                            i += 2;
                        }
                        b'"' => break,
                        &b => {
                            value.push(b);
                            i += 1;
                        }
                    }
                }
                rest = &after[i + 1..];
                value
            } else if let Some(after) = rest.strip_prefix(b"=") {
                let end = after.iter().position(|&b| b == b' ').unwrap_or(after.len());
                rest = &after[end..];
                after[..end].to_vec()
            } else {
                b"true".to_vec()
            };
            rest = rest.strip_prefix(b" ").unwrap_or(rest);
            for name in ["status", "path", "method", "service"] {
                if key == name.as_bytes() {
                    row.put(name, &value);
                }
            }
        }
        Some(row)
    })
}

/// Envoy's default format. Envoy writes header values as they came, quotes included, so the
/// user agent is what lies between the forwarded-for field and the last three quoted fields
/// (request id, authority, upstream host), which hold no quotes.
fn envoy(bytes: &[u8]) -> Vec<Line> {
    let re = Regex::new(
        r#"(?-u)^\[([^\]]+)\] "([^"]*)" (\S+) (\S+) (\S+) (\S+) (\S+) (\S+) "([^"]*)" "(.*)" "([^"]*)" "([^"]*)" "([^"]*)"$"#,
    )
    .expect("regex");
    read_lines(bytes, |line| {
        let c = re.captures(line)?;
        let mut row = Row {
            at_us: rfc3339(&c[1])?,
            ..Row::default()
        };
        split_request(&mut row, &c[2]);
        row.put("status", &c[3]);
        row.put("request_time", &c[7]);
        row.put("upstream_service_time", &c[8]);
        Some(row)
    })
}

/// HAProxy `option httplog` after a syslog prefix; the two `{…}` header captures are optional.
fn haproxy(bytes: &[u8]) -> Vec<Line> {
    let re = Regex::new(
        r#"(?-u)^[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d \S+ haproxy\[\d+\]: (\S+) \[([^\]]+)\] (\S+) ([^/\s]+)/(\S+) (-?\d+)/(-?\d+)/(-?\d+)/(-?\d+)/(-?\d+) (-?\d+) (\d+) (\S+) (\S+) (\S{4}) \d+/\d+/\d+/\d+/\d+ \d+/\d+(?: \{([^}]*)\} \{([^}]*)\})? "([^"]*)"$"#,
    )
    .expect("regex");
    read_lines(bytes, |line| {
        let c = re.captures(line)?;
        let mut row = Row {
            at_us: haproxy_time(&c[2])?,
            ..Row::default()
        };
        row.put("backend_name", &c[4]);
        for (name, i) in [("TR", 6), ("Tw", 7), ("Tc", 8), ("Tr", 9), ("Ta", 10)] {
            if &c[i] != b"-1" {
                row.put(name, &c[i]);
            }
        }
        if &c[10] != b"-1" {
            row.put("request_time", &c[10]);
        }
        row.put("status", &c[11]);
        split_request(&mut row, &c[18]);
        Some(row)
    })
}

// ------------------------------------------------------------------------------------------
// The SLOs of the specs, written again, and the count
// ------------------------------------------------------------------------------------------

/// `Some(decision)`, or `None` when the row lacks what the expression reads (invalid).
type Check = fn(&Row) -> Option<bool>;

struct Slo {
    name: &'static str,
    filter: Option<Check>,
    good: Check,
    group_by: Option<&'static str>,
}

/// The windows of every fixture's spec, with their length in seconds.
const WINDOWS: &[(&str, i64)] = &[("1h", 3600), ("1d", 86_400)];

fn status_below_500(row: &Row) -> Option<bool> {
    Some(row.int("status")? < 500)
}

fn get(row: &Row) -> Option<bool> {
    row.equals("request_method", "GET")
}

fn api(row: &Row) -> Option<bool> {
    row.starts_with("uri", "/api")
}

fn slo(name: &'static str, filter: Option<Check>, good: Check) -> Slo {
    Slo {
        name,
        filter,
        good,
        group_by: None,
    }
}

/// What the report should say: `inputs` (rows, malformed, outside_windows, unselected,
/// matched) and, per SLO, group and window, [total, good, bad, invalid].
#[derive(Debug, Default, PartialEq)]
struct Expected {
    inputs: [u64; 5],
    results: BTreeMap<(String, Option<String>, String), [u64; 4]>,
}

fn count(lines: &[Line], slos: &[Slo], at_us: i64, windows: &[(&str, i64)]) -> Expected {
    let mut expected = Expected::default();
    for line in lines {
        expected.inputs[0] += 1;
        let Line::Row(row) = line else {
            expected.inputs[1] += 1;
            continue;
        };
        let age_us = at_us - row.at_us;
        if !(0..LONGEST_LOOKBACK_S * 1_000_000).contains(&age_us) {
            expected.inputs[2] += 1;
            continue;
        }
        let mut matched = false;
        for slo in slos {
            let selected = slo.filter.map_or(Some(true), |filter| filter(row));
            // [total, good, bad, invalid] for this row
            let add = match selected {
                Some(false) => continue,
                None => [0, 0, 0, 1],
                Some(true) => match (slo.good)(row) {
                    Some(true) => [1, 1, 0, 0],
                    Some(false) => [1, 0, 1, 0],
                    None => [0, 0, 0, 1],
                },
            };
            matched = true;
            let group = slo
                .group_by
                .and_then(|field| row.text(field))
                .map(|v| String::from_utf8_lossy(v).into_owned());
            for &(window, seconds) in windows {
                if age_us < seconds * 1_000_000 {
                    let key = (slo.name.to_owned(), group.clone(), window.to_owned());
                    let counts = expected.results.entry(key).or_default();
                    for (c, a) in counts.iter_mut().zip(add) {
                        *c += a;
                    }
                }
            }
        }
        expected.inputs[if matched { 4 } else { 3 }] += 1;
    }
    expected
}

/// The figures of a report, keyed as [`Expected`]: results without any event or invalid row
/// are left out, so that it does not matter whether slo lists them.
fn figures(report: &Report, slos: &[Slo]) -> Expected {
    let mut results = BTreeMap::new();
    for r in &report.results {
        let slo = slos
            .iter()
            .find(|s| s.name == r.slo)
            .unwrap_or_else(|| panic!("unexpected SLO {}", r.slo));
        let group = match slo.group_by {
            Some(field) => r.group.get(field).cloned().flatten(),
            None => {
                assert!(r.group.is_empty(), "{r:?}");
                None
            }
        };
        assert_eq!(r.total, r.good + r.bad, "{r:?}");
        if r.total + r.invalid > 0 {
            results.insert(
                (r.slo.clone(), group, r.window.clone()),
                [r.total, r.good, r.bad, r.invalid],
            );
        }
    }
    Expected {
        inputs: report.inputs.counts(),
        results,
    }
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/access")
}

/// The bytes of a fixture, decompressed when it is gzip.
fn fixture_bytes(path: &Path) -> Vec<u8> {
    let raw = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return raw;
    }
    let mut text = Vec::new();
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut text)
        .expect("gzip");
    text
}

fn at_micros() -> i64 {
    rfc3339(AT.as_bytes()).expect("AT")
}

/// The independent count of `format/log` for these SLOs.
fn expected(format: &str, log: &str, read: fn(&[u8]) -> Vec<Line>, slos: &[Slo]) -> Expected {
    let bytes = fixture_bytes(&fixtures().join(format).join(log));
    count(&read(&bytes), slos, at_micros(), WINDOWS)
}

/// Runs `slo report` on `format/log` with the spec beside it and checks every figure against
/// the independent count.
fn check(format: &str, log: &str, spec: &str, read: fn(&[u8]) -> Vec<Line>, slos: &[Slo]) {
    let expected = expected(format, log, read, slos);
    assert!(expected.inputs[4] > 0, "no event in {format}/{log}");
    let dir = fixtures().join(format);
    let report = ReportCommand::in_folder(&dir)
        .spec(spec)
        .log(log)
        .at(AT)
        .max_malformed("100%")
        .json_report();
    let actual = figures(&report, slos);
    assert_eq!(
        actual.inputs, expected.inputs,
        "{format}/{log}: rows, malformed, outside_windows, unselected, matched"
    );
    assert_eq!(
        actual.results, expected.results,
        "{format}/{log}: (slo, group, window) → [total, good, bad, invalid]"
    );
}

// ------------------------------------------------------------------------------------------
// The fixtures
// ------------------------------------------------------------------------------------------

#[test]
fn nginx_combined_matches_the_independent_count() {
    let slos = [
        Slo {
            group_by: Some("request_method"),
            ..slo("site-availability", None, status_below_500)
        },
        slo("api-availability", Some(api), status_below_500),
    ];
    check(
        "nginx",
        "combined.log",
        "combined.yaml",
        nginx_combined,
        &slos,
    );
}

#[test]
fn nginx_custom_log_format_with_upstream_times_matches_the_independent_count() {
    let slos = [
        slo("get-latency", Some(get), |row| {
            Some(row.micros("request_time", Unit::Seconds)? <= 300_000)
        }),
        slo("api-upstream-latency", Some(api), |row| {
            Some(
                row.seconds_list("upstream_response_time")?
                    .iter()
                    .sum::<i64>()
                    <= 1_000_000,
            )
        }),
    ];
    check("nginx", "timed.log", "timed.yaml", nginx_timed, &slos);
}

#[test]
fn ingress_nginx_upstreaminfo_matches_the_independent_count() {
    let slos = [
        Slo {
            group_by: Some("proxy_upstream_name"),
            ..slo("ingress-availability", None, status_below_500)
        },
        slo("api-latency", Some(api), |row| {
            Some(row.micros("request_time", Unit::Seconds)? <= 300_000)
        }),
        slo("last-attempt-latency", Some(get), |row| {
            Some(*row.seconds_list("upstream_response_time")?.last()? <= 250_000)
        }),
    ];
    check(
        "nginx",
        "upstreaminfo.log",
        "upstreaminfo.yaml",
        nginx_upstreaminfo,
        &slos,
    );
}

fn apache_common_slos() -> [Slo; 1] {
    [slo("get-availability", Some(get), status_below_500)]
}

#[test]
fn apache_common_matches_the_independent_count() {
    check(
        "apache",
        "common.log",
        "common.yaml",
        apache_common,
        &apache_common_slos(),
    );
}

#[test]
fn apache_log_format_with_microseconds_matches_the_independent_count() {
    let slos = [
        slo("availability", None, status_below_500),
        slo("api-latency", Some(api), |row| {
            Some(row.micros("request_time", Unit::Micros)? <= 300_000)
        }),
    ];
    check(
        "apache",
        "combined-duration.log",
        "combined-duration.yaml",
        apache_combined_duration,
        &slos,
    );
}

#[test]
fn alb_matches_the_independent_count() {
    let slos = [
        slo("alb-availability", None, status_below_500),
        slo("get-latency", Some(get), |row| {
            let total = row.micros("request_processing_time", Unit::Seconds)?
                + row.micros("target_processing_time", Unit::Seconds)?
                + row.micros("response_processing_time", Unit::Seconds)?;
            Some(total <= 500_000)
        }),
    ];
    check("alb", "node-a.log", "node-a.yaml", alb, &slos);
}

#[test]
fn alb_gzip_out_of_order_matches_the_independent_count() {
    let slos = [
        slo("target-availability", None, |row| {
            Some(row.int("target_status_code")? < 500)
        }),
        slo("api-latency", Some(api), |row| {
            Some(row.micros("target_processing_time", Unit::Seconds)? <= 300_000)
        }),
    ];
    check("alb", "node-b.log.gz", "node-b.yaml", alb, &slos);
}

#[test]
fn cloudfront_with_two_field_lines_matches_the_independent_count() {
    let slos = [
        slo("edge-availability", None, |row| {
            Some(row.int("sc-status")? < 500)
        }),
        slo("get-latency", Some(get), |row| {
            Some(row.micros("request_time", Unit::Seconds)? <= 300_000)
        }),
    ];
    check(
        "cloudfront",
        "E2EXAMPLE.2026-10-01.log",
        "E2EXAMPLE.2026-10-01.yaml",
        cloudfront,
        &slos,
    );
}

#[test]
fn iis_with_a_new_header_mid_file_matches_the_independent_count() {
    let slos = [
        slo("iis-availability", None, status_below_500),
        slo("api-latency", Some(api), |row| {
            Some(row.micros("time-taken", Unit::Millis)? <= 300_000)
        }),
    ];
    check("w3c", "u_ex261001.log", "u_ex261001.yaml", w3c, &slos);
}

#[test]
fn heroku_router_from_a_drain_matches_the_independent_count() {
    let slos = [
        slo("router-availability", None, status_below_500),
        slo(
            "api-latency",
            Some(|row| row.starts_with("path", "/api")),
            |row| Some(row.micros_with_unit("service")? <= 300_000),
        ),
    ];
    check("logfmt", "drain.log", "drain.yaml", logfmt, &slos);
}

#[test]
fn heroku_router_from_heroku_logs_matches_the_independent_count() {
    let slos = [
        slo("router-availability", None, status_below_500),
        slo(
            "get-latency",
            Some(|row| row.equals("method", "GET")),
            |row| Some(row.micros_with_unit("service")? <= 300_000),
        ),
    ];
    check(
        "logfmt",
        "heroku-logs.log",
        "heroku-logs.yaml",
        logfmt,
        &slos,
    );
}

#[test]
fn envoy_default_format_matches_the_independent_count() {
    let slos = [
        slo("envoy-availability", None, status_below_500),
        slo("get-latency", Some(get), |row| {
            Some(row.micros("request_time", Unit::Millis)? <= 300_000)
        }),
        slo("api-upstream-time", Some(api), |row| {
            Some(row.micros("upstream_service_time", Unit::Millis)? <= 250_000)
        }),
    ];
    check("envoy", "default.log", "default.yaml", envoy, &slos);
}

#[test]
fn haproxy_httplog_matches_the_independent_count() {
    let be_api: Check = |row| row.equals("backend_name", "be_api");
    let slos = [
        slo("haproxy-availability", None, status_below_500),
        slo("api-latency", Some(be_api), |row| {
            Some(row.micros("request_time", Unit::Millis)? <= 300_000)
        }),
        slo("api-server-time", Some(be_api), |row| {
            Some(row.micros("Tr", Unit::Millis)? <= 200_000)
        }),
    ];
    check("haproxy", "httplog.log", "httplog.yaml", haproxy, &slos);
}

// ------------------------------------------------------------------------------------------
// The counter itself, against figures worked out by hand
// ------------------------------------------------------------------------------------------

/// `apache/common.log` read line by line (A = 13:30:00 +0200): 27 rows; 5 after A; of the 22
/// others, 5 are not GET requests (POST, DELETE) and one, the 408 with request `-`, has no
/// method, so it is invalid. In 1d: 16 GETs, 3 of them 5xx (lines 12, 19, 22). In 1h, after
/// 12:30:00 +0200: lines 16 to 22, 2 of them 5xx.
#[test]
fn the_counter_agrees_with_a_hand_count() {
    let got = expected("apache", "common.log", apache_common, &apache_common_slos());
    let slo = |window: &str| ("get-availability".to_owned(), None, window.to_owned());
    let by_hand = Expected {
        inputs: [27, 0, 5, 5, 17],
        results: BTreeMap::from([(slo("1h"), [7, 5, 2, 0]), (slo("1d"), [16, 13, 3, 1])]),
    };
    assert_eq!(got, by_hand);
}

/// The helpers the counter rests on, on the values the fixtures hold at their edges.
#[test]
fn the_counter_reads_times_and_durations_exactly() {
    assert_eq!(decimal_micros(b"0.300", Unit::Seconds), Some(300_000));
    assert_eq!(decimal_micros(b"30.004", Unit::Seconds), Some(30_004_000));
    assert_eq!(decimal_micros(b"300001", Unit::Micros), Some(300_001));
    assert_eq!(decimal_micros(b"-", Unit::Seconds), None);
    assert_eq!(decimal_micros(b"", Unit::Millis), None);
    let row = Row {
        fields: BTreeMap::from([
            ("urt", b"0.197, 0.687, 0.116".to_vec()),
            ("redirect", b"0.004 : 0.006".to_vec()),
            ("service", b"30001ms".to_vec()),
        ]),
        ..Row::default()
    };
    assert_eq!(
        row.seconds_list("urt").map(|v| v.iter().sum::<i64>()),
        Some(1_000_000)
    );
    assert_eq!(row.seconds_list("redirect"), Some(vec![4_000, 6_000]));
    assert_eq!(row.micros_with_unit("service"), Some(30_001_000));
    let at = at_micros();
    assert_eq!(clf_time(b"01/Oct/2026:13:30:00 +0200"), Some(at));
    assert_eq!(clf_time(b"01/Oct/2026:11:30:00 +0000"), Some(at));
    assert_eq!(rfc3339(b"2026-10-01T11:30:00.000000+00:00"), Some(at));
    assert_eq!(date_and_time(b"2026-10-01", b"11:30:00"), Some(at));
    assert_eq!(haproxy_time(b"01/Oct/2026:11:30:00.001"), Some(at + 1000));
    assert_eq!(at, 1_790_854_200_000_000);
}

/// `examples/logs/access.log` with `examples/nginx-access.yaml` gives what `examples/README.md`
/// shows (figures from the independent count, at the latest timestamp, 2026-10-15T23:59:56Z).
#[test]
fn the_nginx_example_gives_the_figures_its_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let lines = nginx_combined(&fixture_bytes(&root.join("examples/logs/access.log")));
    let latest = lines
        .iter()
        .filter_map(|line| match line {
            Line::Row(row) => Some(row.at_us),
            Line::Malformed => None,
        })
        .max()
        .expect("rows");
    assert_eq!(Some(latest), rfc3339(b"2026-10-15T23:59:56Z"));
    let slos = [
        slo("site-availability", None, status_below_500),
        Slo {
            group_by: Some("request_method"),
            ..slo(
                "checkout-availability",
                Some(|row| row.starts_with("uri", "/api/checkout")),
                status_below_500,
            )
        },
    ];
    let windows = [("1d", 86_400), ("2d", 2 * 86_400)];
    let expected = count(&lines, &slos, latest, &windows);
    let result = |slo: &str, group: Option<&str>, window: &str| {
        (slo.to_owned(), group.map(str::to_owned), window.to_owned())
    };
    let readme = Expected {
        inputs: [6000, 0, 0, 0, 6000],
        results: BTreeMap::from([
            (result("site-availability", None, "1d"), [2940, 2934, 6, 0]),
            (result("site-availability", None, "2d"), [6000, 5984, 16, 0]),
            (
                result("checkout-availability", Some("GET"), "1d"),
                [164, 161, 3, 0],
            ),
            (
                result("checkout-availability", Some("GET"), "2d"),
                [321, 317, 4, 0],
            ),
            (
                result("checkout-availability", Some("POST"), "1d"),
                [191, 190, 1, 0],
            ),
            (
                result("checkout-availability", Some("POST"), "2d"),
                [397, 396, 1, 0],
            ),
        ]),
    };
    assert_eq!(expected, readme);
    let report = ReportCommand::in_folder(root)
        .spec("examples/nginx-access.yaml")
        .at("latest")
        .json_report();
    assert_eq!(figures(&report, &slos), expected);
    // The example is one to copy: nothing in it is warned of.
    let validate = crate::workdir::run_in(root, &["validate", "examples/nginx-access.yaml"]);
    validate.expect_code(0);
    assert_eq!(validate.stderr(), "", "{validate}");
}

// ------------------------------------------------------------------------------------------
// Real-world lines
// ------------------------------------------------------------------------------------------

/// A log read in a format it is not written in: the error names the format the log looks like
/// and says to describe it, not that slo cannot read it.
#[test]
fn a_log_read_in_the_wrong_format_says_to_name_its_format() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - {name: all, objective: 99, windows: [1d], alerts: [], good: status < 500}\n",
    );
    dir.write(
        "access.log",
        "203.0.113.9 - - [01/Oct/2026:11:00:00 +0000] \"GET / HTTP/1.1\" 200 612 \"-\" \"curl/8\"\n",
    );
    let run = dir.run(&[
        "report",
        "-s",
        "spec.yaml",
        "access.log",
        "--input-format",
        "haproxy",
        "--at",
        AT,
    ]);
    run.expect_code(2)
        .stderr_has("access.log:1: does not match the log format")
        .stderr_has("the log looks like an nginx or Apache access log")
        .stderr_has("--input-format or source.format");
    assert!(!run.stderr().contains("cannot read"), "{run}");
}

/// A field the spec's fixed log layout lacks (a typo, or a field the server's layout does not
/// write) is a spec error where it is written, for `validate` as for `report`, before any log
/// is read; `sql` reads fields from a table's columns, so it is no error there.
#[test]
fn a_field_an_access_log_layout_lacks_is_a_spec_error() {
    let dir = Workdir::new();
    dir.write(
        "access.log",
        "203.0.113.9 - - [01/Sep/2026:10:00:00 +0000] \"GET /a HTTP/1.1\" 200 12 \"-\" \"curl\"\n",
    );
    let spec = |good: &str| {
        format!(
            "version: 1\nsource:\n  format: nginx\n  paths: [access.log]\ndefaults: {{windows: [1d], alerts: []}}\nslos:\n  - name: api\n    objective: 99\n    good: {good}\n"
        )
    };
    dir.write("typo.yaml", spec("statuss < 500"));
    dir.write("right.yaml", spec("status < 500"));
    let message = "typo.yaml:9:11: in `good`: nginx (combined) lines have no field `statuss`, \
                   so every row that needs it would be invalid; did you mean `status`?";
    dir.run(&["validate", "typo.yaml"])
        .expect_code(2)
        .stderr_has(message);
    let report = dir.run(&["report", "-s", "typo.yaml", "--at", "latest"]);
    report.expect_code(2).stderr_has(message);
    assert!(report.stdout().is_empty(), "{report}");
    // `--input-format` naming the spec's own format reads the same layout: the same error.
    let read_as = |format: &str| {
        let args = [
            "report",
            "-s",
            "typo.yaml",
            "--at",
            "latest",
            "--input-format",
            format,
        ];
        dir.run(&args)
    };
    read_as("nginx").expect_code(2).stderr_has(message);
    // Naming another, the spec's layout is not what is read.
    let other = read_as("apache");
    assert!(!other.stderr().contains("no field `statuss`"), "{other}");
    dir.run(&[
        "sql",
        "--dialect",
        "duckdb",
        "-s",
        "typo.yaml",
        "--table",
        "logs",
    ])
    .expect_code(0);
    // With other problems in the spec, it is listed among them.
    dir.write(
        "both.yaml",
        spec("statuss < 500").replace("objective: 99", "objective: 199"),
    );
    dir.run(&["validate", "both.yaml"])
        .expect_code(2)
        .stderr_has("both.yaml:8:16: objective")
        .stderr_has("both.yaml:9:11: in `good`: nginx (combined) lines have no field `statuss`")
        .stderr_has("2 problems found");
    dir.run(&["validate", "right.yaml"]).expect_code(0);
    dir.run(&["report", "-s", "right.yaml", "--at", "latest"])
        .expect_code(0);
}

/// OpenSLO documents over an nginx log are checked as native specs are: a `groupBy` field and
/// a `thresholdMetric`'s field that the layout lacks are errors, named by their SLO.
#[test]
fn openslo_fields_an_access_log_layout_lacks_are_spec_errors() {
    let dir = Workdir::new();
    let documents = "apiVersion: openslo/v1
kind: DataSource
metadata:
  name: web
spec:
  type: slo.logs
  connectionDetails:
    format: nginx
    paths: [access.log]
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-availability
spec:
  service: web
  indicator:
    metadata:
      name: web-errors
    spec:
      ratioMetric:
        counter: false
        bad:
          metricSource:
            metricSourceRef: web
            spec:
              filter: status >= 500
        total:
          metricSource:
            metricSourceRef: web
            spec:
              filter: 'true'
              groupBy: [vhost]
  timeWindow:
    - duration: 1d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - target: 0.9
---
apiVersion: openslo/v1
kind: SLO
metadata:
  name: web-latency
spec:
  service: web
  indicator:
    metadata:
      name: web-lat
    spec:
      thresholdMetric:
        metricSource:
          metricSourceRef: web
          spec:
            field: request_time
  timeWindow:
    - duration: 1d
      isRolling: true
  budgetingMethod: Occurrences
  objectives:
    - op: lte
      value: 0.3
      target: 0.9
";
    dir.write("openslo.yaml", documents);
    dir.run(&["validate", "openslo.yaml"])
        .expect_code(2)
        .stderr_has(
            "openslo.yaml:33:25: SLO web-availability: spec.indicator.spec.ratioMetric.total.\
             metricSource.spec.groupBy: nginx (combined) lines have no field `vhost`, so every \
             row would be in one group, (missing);",
        )
        .stderr_has(
            "openslo.yaml:55:20: SLO web-latency: spec.indicator.spec.thresholdMetric.\
             metricSource.spec.field: nginx (combined) lines have no field `request_time`, so no \
             row would have a value to compare;",
        )
        .stderr_has("2 problems found");
    dir.write(
        "fixed.yaml",
        documents
            .replace("[vhost]", "[request_method]")
            .replace("field: request_time", "field: body_bytes_sent"),
    );
    dir.run(&["validate", "fixed.yaml"]).expect_code(0);
}
