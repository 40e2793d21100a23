//! Text access logs, one request per line: nginx and Apache (any `log_format`/`LogFormat`),
//! AWS ALB, Envoy and HAProxy (fixed layouts), CloudFront and W3C/IIS (columns named by a
//! `#Fields:` line) and logfmt (`key=value` pairs).
//!
//! A [`TextFormat`] says how lines are laid out; [`TextRows`] reads lines of one log into the
//! slots the SLOs need, finding each field in place (memchr, no copy unless an escape must be
//! decoded). Every format also answers to the names the formats share (`status`, `uri`,
//! `request_method`, `request_time`, `timestamp`, ...: see docs/log-formats.md), so one spec
//! reads the logs of several servers, and knows the unit its duration fields are written in.

mod apache;
mod fields;
mod fixed;
mod logfmt;
mod nginx;
mod template;
mod w3c;

use std::fmt;
use std::sync::Arc;

pub use fields::TimeUnit;
use fields::{is_null, raw_value, unescape_into, FieldInfo, RequestPart, ValueSource};
use template::{Span, Template};

use std::io::BufRead;

use super::lines::{each_line, read_line_limited};
use super::{InputError, LogInput, RowSink, RowValues, MAX_RECORD_BYTES};
use crate::expr::{FieldPath, FieldSlots};
use crate::time::{TimestampFormat, TimestampParser, Zone};

/// The families of text logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TextKind {
    Nginx,
    Apache,
    Alb,
    Cloudfront,
    W3c,
    Logfmt,
    Envoy,
    Haproxy,
}

impl TextKind {
    /// Every family, in the order they are tried on a log of unknown format.
    pub const ALL: [TextKind; 8] = [
        TextKind::W3c,
        TextKind::Cloudfront,
        TextKind::Alb,
        TextKind::Envoy,
        TextKind::Haproxy,
        TextKind::Nginx,
        TextKind::Apache,
        TextKind::Logfmt,
    ];

    /// The name used in `--input-format` and `source.format`.
    pub fn name(self) -> &'static str {
        match self {
            TextKind::Nginx => "nginx",
            TextKind::Apache => "apache",
            TextKind::Alb => "alb",
            TextKind::Cloudfront => "cloudfront",
            TextKind::W3c => "w3c",
            TextKind::Logfmt => "logfmt",
            TextKind::Envoy => "envoy",
            TextKind::Haproxy => "haproxy",
        }
    }

    /// The family named `name`, as [`TextKind::name`] writes it.
    pub fn from_name(name: &str) -> Option<TextKind> {
        TextKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// Whether a spec can give this family a `log_format`.
    pub fn takes_log_format(self) -> bool {
        matches!(self, TextKind::Nginx | TextKind::Apache)
    }
}

/// How the lines of a text log are laid out.
#[derive(Debug, Clone)]
pub struct TextFormat {
    kind: TextKind,
    /// The preset's name (`combined`) or the format string a spec gave; `None` for families
    /// with one layout.
    variant: Option<String>,
    layout: Arc<Layout>,
}

impl PartialEq for TextFormat {
    fn eq(&self, other: &TextFormat) -> bool {
        self.kind == other.kind && self.variant == other.variant
    }
}

impl Eq for TextFormat {}

impl fmt::Display for TextFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.variant {
            Some(preset) if !preset.contains(['$', '%']) => {
                write!(f, "{} ({preset})", self.kind.name())
            }
            Some(_) => write!(f, "{} (log_format)", self.kind.name()),
            None => f.write_str(self.kind.name()),
        }
    }
}

#[derive(Debug)]
enum Layout {
    Template(Template),
    /// Columns named by `#Fields:` lines (see [`w3c::Columns::row`] for how a line is
    /// split); `time-taken` in seconds (CloudFront) or milliseconds (IIS).
    W3c {
        seconds: bool,
    },
    Logfmt,
}

impl TextFormat {
    /// The family's default layout (`combined` for nginx and Apache).
    pub fn new(kind: TextKind) -> TextFormat {
        let preset = match kind {
            TextKind::Nginx | TextKind::Apache => Some("combined"),
            _ => None,
        };
        let (variant, layout) = match kind {
            TextKind::Nginx => (
                preset,
                Layout::Template(built_in(nginx::template(nginx::COMBINED))),
            ),
            TextKind::Apache => (
                preset,
                Layout::Template(built_in(apache::template(apache::COMBINED))),
            ),
            TextKind::Alb => (None, Layout::Template(fixed::alb())),
            TextKind::Envoy => (None, Layout::Template(fixed::envoy())),
            TextKind::Haproxy => (None, Layout::Template(fixed::haproxy())),
            TextKind::Cloudfront => (None, Layout::W3c { seconds: true }),
            TextKind::W3c => (None, Layout::W3c { seconds: false }),
            TextKind::Logfmt => (None, Layout::Logfmt),
        };
        TextFormat {
            kind,
            variant: variant.map(str::to_string),
            layout: Arc::new(layout),
        }
    }

    /// This family with the layout a spec gives: a preset's name (`combined`, `main`,
    /// `upstreaminfo`; `common`, `combined`) or a format string.
    ///
    /// # Errors
    ///
    /// A family without variable layouts, an unknown preset or a format string that cannot
    /// split a line, saying what to write instead.
    pub fn with_log_format(kind: TextKind, log_format: &str) -> Result<TextFormat, String> {
        type Parse = fn(&str) -> Result<Template, String>;
        let (presets, parse): (&[(&str, &str)], Parse) = match kind {
            TextKind::Nginx => (&nginx::PRESETS, nginx::template),
            TextKind::Apache => (&apache::PRESETS, apache::template),
            other => {
                return Err(format!(
                    "`log_format` is for nginx and apache logs; {} logs have one layout, which \
                     slo knows",
                    other.name()
                ))
            }
        };
        let marker = if kind == TextKind::Nginx { '$' } else { '%' };
        let template = match presets.iter().find(|(name, _)| *name == log_format) {
            Some((_, text)) => parse(text)?,
            None if log_format.contains(marker) => {
                parse(log_format).map_err(|e| format!("in the {} log_format: {e}", kind.name()))?
            }
            None => {
                let names: Vec<&str> = presets.iter().map(|(name, _)| *name).collect();
                return Err(format!(
                    "unknown {} log_format `{log_format}`: give one of {} or the format string \
                     from the server's configuration (with its {marker}variables)",
                    kind.name(),
                    names.join(", ")
                ));
            }
        };
        Ok(TextFormat {
            kind,
            variant: Some(log_format.to_string()),
            layout: Arc::new(Layout::Template(template)),
        })
    }

    /// The family.
    pub fn kind(&self) -> TextKind {
        self.kind
    }

    /// The layout a spec gave or the preset's name, if any.
    pub fn log_format(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    /// The unit this format writes the field `path` in, when it is a duration.
    pub fn field_unit(&self, path: &FieldPath) -> Option<TimeUnit> {
        let name = path.0.join(".");
        match &*self.layout {
            Layout::Template(template) => {
                let source = resolve(self.kind, template, &name)?;
                match source {
                    ValueSource::Field(index) => template.fields[index].unit,
                    _ => None,
                }
            }
            Layout::W3c { seconds, .. } => w3c::unit(&name, *seconds),
            Layout::Logfmt => None,
        }
    }

    /// The names a line of this format has, its own fields' and the shared names it answers
    /// to, when the layout fixes them; `None` for layouts whose fields are only known from the
    /// log (W3C's `#Fields:` lines, logfmt's pairs).
    pub fn field_names(&self) -> Option<Vec<String>> {
        let Layout::Template(template) = &*self.layout else {
            return None;
        };
        let own = template.fields.iter().map(|field| field.name.clone());
        let shared = SHARED_NAMES
            .iter()
            .filter(|name| resolve(self.kind, template, name).is_some())
            .map(|name| (*name).to_string());
        let mut names: Vec<String> = own.collect();
        for name in shared {
            if !names.contains(&name) {
                names.push(name);
            }
        }
        Some(names)
    }

    /// Whether `name` is one of the names every format answers to where it writes the value
    /// (`status`, `request_time`, ...: docs/log-formats.md).
    pub fn is_shared_name(name: &str) -> bool {
        SHARED_NAMES.contains(&name)
    }

    /// Whether a line of this format has the field `path`: `None` when the layout does not
    /// fix its fields (see [`TextFormat::field_names`]).
    pub fn has_field(&self, path: &FieldPath) -> Option<bool> {
        let Layout::Template(template) = &*self.layout else {
            return None;
        };
        Some(resolve(self.kind, template, &path.0.join(".")).is_some())
    }

    /// Whether chunks of this log need the `#Fields:` line in effect where they start.
    pub(super) fn has_field_lines(&self) -> bool {
        matches!(*self.layout, Layout::W3c { .. })
    }
}

fn built_in(template: Result<Template, String>) -> Template {
    template.expect("built-in formats are valid templates")
}

/// The names the formats share (docs/log-formats.md), which [`resolve`] finds in a template
/// that has no field of that name: every name it answers to besides a template's own.
const SHARED_NAMES: [&str; 12] = [
    "timestamp",
    "status",
    "request_method",
    "uri",
    "request_uri",
    "args",
    "server_protocol",
    "request_protocol",
    "request_url",
    "request_time",
    "http_user_agent",
    "remote_addr",
];

/// Where the value named `name` comes from in a template's lines.
fn resolve(kind: TextKind, template: &Template, name: &str) -> Option<ValueSource> {
    let field = |name: &str| template.fields.iter().position(|f| f.name == name);
    if let Some(index) = field(name) {
        return Some(ValueSource::Field(index));
    }
    let alias = |candidates: &[&str]| {
        candidates
            .iter()
            .find_map(|c| field(c))
            .map(ValueSource::Field)
    };
    // The request line, where the format has one, and its parts.
    let request_line = ["request", "http_request"].into_iter().find_map(field);
    let part = match name {
        "request_method" => Some(RequestPart::Method),
        "request_uri" => Some(RequestPart::PathAndQuery),
        "uri" => Some(RequestPart::Path),
        "args" => Some(RequestPart::Query),
        "server_protocol" | "request_protocol" => Some(RequestPart::Protocol),
        "request_url" => Some(RequestPart::Target),
        _ => None,
    };
    if let (Some(line), Some(part)) = (request_line, part) {
        return Some(ValueSource::FromRequestLine(line, part));
    }
    match (kind, name) {
        (_, "timestamp") => alias(&[
            "time_local",
            "time_iso8601",
            "msec",
            "time",
            "start_time",
            "accept_date",
        ]),
        (TextKind::Alb, "status") => alias(&["elb_status_code"]),
        (TextKind::Alb | TextKind::Envoy, "http_user_agent") => alias(&["user_agent"]),
        (TextKind::Envoy, "status") => alias(&["response_code"]),
        (TextKind::Envoy, "request_method") => alias(&["method"]),
        (TextKind::Envoy, "server_protocol") => alias(&["protocol"]),
        (TextKind::Envoy, "request_time") => alias(&["duration"]),
        (TextKind::Envoy, _) => {
            let part = part?;
            let path = field("path")?;
            Some(ValueSource::FromTarget(path, part))
        }
        (TextKind::Haproxy, "status") => alias(&["status_code"]),
        (TextKind::Haproxy, "request_time") => alias(&["Ta"]),
        (TextKind::Haproxy, "remote_addr") => alias(&["client_ip"]),
        _ => None,
    }
}

/// Reads the lines of one text log into rows, with buffers reused from line to line.
#[derive(Debug)]
pub(super) struct TextRows {
    format: TextFormat,
    /// The slots read from each line and where their values come from.
    bindings: Vec<Binding>,
    spans: Vec<Span>,
    values: RowValues,
    w3c: w3c::Columns,
    logfmt: logfmt::Pairs,
    /// The names of the slots (`FieldSlots` paths joined by `.`), to bind again when a W3C
    /// log's columns change.
    names: Vec<String>,
}

#[derive(Debug, Clone, Copy)]
struct Binding {
    slot: usize,
    source: ValueSource,
}

impl TextRows {
    pub(super) fn new(format: &TextFormat, fields: &FieldSlots) -> TextRows {
        let names: Vec<String> = fields.paths().iter().map(|p| p.0.join(".")).collect();
        let mut rows = TextRows {
            format: format.clone(),
            bindings: Vec::new(),
            spans: Vec::new(),
            values: RowValues::new(names.len()),
            w3c: w3c::Columns::default(),
            logfmt: logfmt::Pairs::new(&names),
            names,
        };
        if let Layout::Template(template) = &*format.layout {
            rows.spans = vec![Span::NONE; template.fields.len()];
            rows.bindings = rows
                .names
                .iter()
                .enumerate()
                .filter_map(|(slot, name)| {
                    resolve(format.kind, template, name).map(|source| Binding { slot, source })
                })
                .collect();
            rows.values.units = rows
                .names
                .iter()
                .map(|name| format.field_unit(&FieldPath(vec![name.clone()])))
                .collect();
        }
        rows
    }

    /// Starts a chunk of the log, read on its own: a W3C log's columns are those of the
    /// `#Fields:` line in effect where the chunk starts, if any.
    pub(super) fn start_chunk(&mut self, fields_line: Option<&[u8]>) {
        if matches!(*self.format.layout, Layout::W3c { .. }) {
            self.w3c = w3c::Columns::default();
            if let Some(line) = fields_line {
                self.directive(line);
            }
        }
    }

    fn directive(&mut self, line: &[u8]) {
        if let Layout::W3c { seconds, .. } = *self.format.layout {
            if self.w3c.directive(line) {
                self.values.units = self.names.iter().map(|n| w3c::unit(n, seconds)).collect();
                self.w3c.bind(&self.names);
            }
        }
    }

    /// Reads one line (without its line end) that is line `line` of the log.
    pub(super) fn line(
        &mut self,
        raw: &[u8],
        line: u64,
        sink: &mut impl RowSink,
    ) -> Result<(), InputError> {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let text = match line {
            1 => raw.strip_prefix(b"\xef\xbb\xbf").unwrap_or(raw),
            _ => raw,
        };
        if text.trim_ascii().is_empty() {
            return Ok(());
        }
        self.values.clear();
        match &*self.format.layout {
            Layout::Template(template) => {
                if let Err(mismatch) = template.split(text, &mut self.spans) {
                    return sink.malformed(line, &mismatch.describe(text));
                }
                let mut request = None;
                for binding in &self.bindings {
                    let info = &template.fields[binding.source.field()];
                    let Some(value) = raw_value(text, &self.spans, binding.source, &mut request)
                    else {
                        continue;
                    };
                    set_value(
                        &mut self.values,
                        text,
                        binding.slot,
                        value,
                        info,
                        self.format.kind,
                    );
                }
                sink.row(self.values.view(text), line)
            }
            Layout::W3c { .. } => {
                if text.starts_with(b"#") {
                    self.directive(text);
                    return Ok(());
                }
                match self.w3c.row(text, &mut self.values) {
                    Ok(()) => sink.row(self.values.view(text), line),
                    Err(reason) => sink.malformed(line, &reason),
                }
            }
            Layout::Logfmt => match self.logfmt.row(text, &mut self.values) {
                Ok(()) => sink.row(self.values.view(text), line),
                Err(reason) => sink.malformed(line, &reason),
            },
        }
    }

    /// Parses a chunk cut at a line end, whose first line is `first_line`; returns the number
    /// of the line after it.
    pub(super) fn parse_lines_chunk(
        &mut self,
        chunk: &[u8],
        first_line: u64,
        sink: &mut impl RowSink,
    ) -> Result<u64, InputError> {
        each_line(chunk, first_line, sink, |raw, line, sink| {
            self.line(raw, line, sink)
        })
    }
}

/// Sets `slot` to `value`, which lies in `line`: missing for a null marker, decoded where the
/// format escapes, in place otherwise.
fn set_value(
    values: &mut RowValues,
    line: &[u8],
    slot: usize,
    value: &[u8],
    info: &FieldInfo,
    kind: TextKind,
) {
    if is_null(value, info) {
        return;
    }
    let escapes = matches!(kind, TextKind::Nginx | TextKind::Apache);
    if escapes && fields::find_byte(b'\\', value).is_some() {
        values.set_with(slot, |out| unescape_into(value, out));
        return;
    }
    // `value` is a subslice of `line`, except the `/` that stands for the path of a URL
    // written without one (`https://host:443`).
    match (value.as_ptr() as usize).checked_sub(line.as_ptr() as usize) {
        Some(start) if start + value.len() <= line.len() => {
            values.set_in_text(slot, start, start + value.len());
        }
        _ => values.set_with(slot, |out| out.extend_from_slice(value)),
    }
}

/// Reads a text log line by line on the calling thread.
pub(super) fn read(
    input: &LogInput,
    mut reader: Box<dyn BufRead + Send>,
    format: &TextFormat,
    fields: &FieldSlots,
    sink: &mut impl RowSink,
) -> Result<(), InputError> {
    let mut rows = TextRows::new(format, fields);
    let mut buffer = Vec::with_capacity(4096);
    let mut line = 0u64;
    loop {
        buffer.clear();
        line += 1;
        match read_line_limited(&mut reader, &mut buffer) {
            Ok(None) => return Ok(()),
            Ok(Some(true)) => {
                sink.malformed(line, &format!("line longer than {MAX_RECORD_BYTES} bytes"))?;
            }
            Ok(Some(false)) => rows.line(&buffer, line, sink)?,
            Err(e) => return Err(InputError::read_failed(input, line, &e)),
        }
    }
}

/// The `#Fields:` line in effect after `chunk`, given the one in effect before it; `first`
/// when the chunk starts the log, where a byte order mark may come before its first line.
pub(super) fn fields_line_after(
    chunk: &[u8],
    first: bool,
    before: Option<Arc<[u8]>>,
) -> Option<Arc<[u8]>> {
    let mut last = None;
    let bom = match first && chunk.starts_with(b"\xef\xbb\xbf") {
        true => 3,
        false => 0,
    };
    if chunk[bom..].starts_with(b"#Fields:") {
        last = Some(bom);
    }
    for found in memchr::memmem::find_iter(chunk, b"\n#Fields:") {
        last = Some(found + 1);
    }
    match last {
        Some(start) => {
            let end = memchr::memchr(b'\n', &chunk[start..]).map_or(chunk.len(), |e| start + e);
            Some(Arc::from(&chunk[start..end]))
        }
        None => before,
    }
}

/// How many lines (blank ones aside) of a log's head [`detect`] looks at.
const DETECT_LINES: usize = 10;

/// Which text format the first lines of a log are in, or, when none fits, the closest one
/// and what differed.
///
/// A format is chosen when it fits at least half of the first [`DETECT_LINES`] lines (all of
/// them when there is one), the format that fits most winning, so that an odd line near the
/// top (a request cut short, HAProxy's `Proxy … started.`, a platform message among Heroku's
/// router lines, the head's last line cut at its end) leaves a malformed row rather than an
/// unreadable log.
pub(super) fn detect(head: &[u8]) -> Result<TextFormat, String> {
    // The lines with their numbers in the log.
    let numbered: Vec<(usize, &[u8])> = head
        .split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .enumerate()
        .filter(|(_, l)| !l.trim_ascii().is_empty())
        .take(DETECT_LINES)
        .map(|(index, l)| (index + 1, l))
        .collect();
    let lines: Vec<&[u8]> = numbered.iter().map(|(_, l)| *l).collect();
    let Some(first) = lines.first() else {
        return Err("the log has no line to recognise".to_string());
    };
    if first.starts_with(b"#") {
        // CloudFront writes `#Version:` and `#Fields:` alone, with fields of its own, tabs in
        // its legacy logs, and whichever fields were chosen in v2's W3C output; IIS starts
        // every file with `#Software:` and `#Date:` too. Their `time-taken` units differ.
        let iis = lines
            .iter()
            .any(|l| l.starts_with(b"#Software:") || l.starts_with(b"#Date:"));
        let cloudfront_fields = lines.iter().any(|l| {
            l.strip_prefix(b"#Fields:").is_some_and(|names| {
                names.split(u8::is_ascii_whitespace).any(|name| {
                    name.starts_with(b"x-edge-")
                        || name.starts_with(b"fle-")
                        || matches!(name, b"x-host-header" | b"time-to-first-byte")
                })
            })
        });
        let tabs = lines
            .iter()
            .any(|l| !l.starts_with(b"#") && l.contains(&b'\t'));
        let cloudfront = cloudfront_fields || tabs || !iis;
        return Ok(TextFormat::new(if cloudfront {
            TextKind::Cloudfront
        } else {
            TextKind::W3c
        }));
    }
    let enough = |fits: usize| fits > 0 && fits * 2 >= lines.len();
    let mut candidates: Vec<TextFormat> = [TextKind::Alb, TextKind::Envoy, TextKind::Haproxy]
        .into_iter()
        .map(TextFormat::new)
        .collect();
    // nginx and Apache write `combined` alike; nginx is the more common.
    candidates.push(TextFormat::new(TextKind::Nginx));
    for preset in ["common", "vhost_combined"] {
        candidates.extend(TextFormat::with_log_format(TextKind::Apache, preset));
    }
    for preset in ["upstreaminfo", "main"] {
        candidates.extend(TextFormat::with_log_format(TextKind::Nginx, preset));
    }
    let parser = TimestampParser::new(TimestampFormat::Auto, Zone::Utc);
    // The format that fits most lines, the first in `candidates` among equals.
    let mut best: Option<(usize, &TextFormat)> = None;
    // The format the lines followed furthest: lines that fit, then (on the first line that
    // does not) thousandths of the format's fields found plus thousandths of the line read;
    // with the format's name, that line's number and what differed there.
    let mut closest: Option<((usize, usize), String, usize, String)> = None;
    for format in &candidates {
        let Layout::Template(template) = &*format.layout else {
            continue;
        };
        let mut spans = vec![Span::NONE; template.fields.len()];
        let mut fits = 0;
        let mut first_mismatch = None;
        for (index, line) in lines.iter().enumerate() {
            let split = template.split(line, &mut spans).and_then(|()| {
                // A line fits only if its time reads as one and its client address is one
                // word: many layouts split any line (`combined` splits a `vhost_combined` line,
                // `host:port` and the address making one `remote_addr`).
                let value = |name| {
                    resolve(format.kind, template, name)
                        .and_then(|source| raw_value(line, &spans, source, &mut None))
                };
                let unfit = |expected: &str| template::Mismatch {
                    at: 0,
                    expected: expected.to_string(),
                    fields_found: 0,
                    ends_inside: false,
                };
                if value("remote_addr").is_some_and(|addr| addr.contains(&b' ')) {
                    return Err(unfit("a client address without spaces"));
                }
                match value("timestamp").map(|time| parser.parse(time)) {
                    Some(Ok(_)) => Ok(()),
                    _ => Err(unfit("a time it can read")),
                }
            });
            match split {
                Ok(()) => fits += 1,
                Err(mismatch) if first_mismatch.is_none() => {
                    let share = mismatch.fields_found * 1000 / template.fields.len()
                        + mismatch.at * 1000 / line.len().max(1);
                    first_mismatch = Some((share, numbered[index].0, mismatch.describe(line)));
                }
                Err(_) => {}
            }
        }
        if best.is_none_or(|(most, _)| fits > most) {
            best = Some((fits, format));
        }
        if let Some((share, line, why)) = first_mismatch {
            if closest
                .as_ref()
                .is_none_or(|(rank, ..)| (fits, share) > *rank)
            {
                closest = Some(((fits, share), format.to_string(), line, why));
            }
        }
    }
    if let Some((_, format)) = best.filter(|(fits, _)| enough(*fits)) {
        return Ok(format.clone());
    }
    let logfmt_lines = lines.iter().filter(|l| logfmt::looks_like(l)).count();
    if enough(logfmt_lines) {
        return Ok(TextFormat::new(TextKind::Logfmt));
    }
    match closest {
        Some(((0, share), name, _, why)) if share >= 1000 => {
            Err(format!("its first line comes closest to {name} but {why}"))
        }
        Some(((fits @ 1.., _), name, line, why)) => Err(format!(
            "only {fits} of its first {} lines fit {name}; line {line} {why}",
            lines.len()
        )),
        _ => Err("its first line matches none of the text formats slo reads".to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::test_sink::{fields, Collect};

    fn read(format: &TextFormat, names: &[&str], text: &str) -> Collect {
        let slots = fields(names);
        let mut rows = TextRows::new(format, &slots);
        let mut sink = Collect::default();
        rows.parse_lines_chunk(text.as_bytes(), 1, &mut sink)
            .unwrap();
        sink
    }

    #[test]
    fn nginx_combined_rows_with_derived_fields() {
        let text = concat!(
            r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET /api/cart?id=7 HTTP/1.1" 200 612 "-" "Mozilla \x22q\x22""#,
            "\n",
            r#"198.51.100.2 - - [01/Oct/2026:12:00:01 +0000] "-" 400 0 "-" "-""#,
            "\n\n",
            r#"garbage"#,
        );
        let sink = read(
            &TextFormat::new(TextKind::Nginx),
            &[
                "status",
                "request_method",
                "uri",
                "args",
                "request_uri",
                "http_user_agent",
                "timestamp",
                "http_referer",
            ],
            text,
        );
        assert_eq!(
            sink.rows[0].1,
            [
                "200",
                "GET",
                "/api/cart",
                "id=7",
                "/api/cart?id=7",
                "Mozilla \"q\"",
                "01/Oct/2026:12:00:00 +0000",
                "Missing"
            ]
        );
        assert_eq!(sink.rows[1].1[0], "400");
        assert_eq!(sink.rows[1].1[1], "Missing");
        assert_eq!(sink.malformed.len(), 1);
        assert_eq!(sink.malformed[0].0, 4);
        assert_eq!(
            sink.malformed[0].1,
            "does not match the log format at column 1: expected ` - ` after the remote_addr \
             field, found `garbage`"
        );
    }

    #[test]
    fn formats_are_recognised_from_their_first_lines() {
        let cases = [
            (r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8""#, "nginx (combined)"),
            (r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612"#, "apache (common)"),
            (r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8" "-""#, "nginx (main)"),
            (r#"www.example.com:443 203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8""#, "apache (vhost_combined)"),
            ("#Version: 1.0\n#Fields: date time x-edge-location sc-status\n2026-10-01\t12:00:00\tIAD\t200", "cloudfront"),
            ("#Software: Microsoft Internet Information Services 10.0\n#Fields: date time sc-status\n2026-10-01 12:00:00 200", "w3c"),
            ("#Version: 1.0\n#Date: 2026-10-01 12:00:00\n#Fields: date time sc-status time-taken\n2026-10-01 12:00:00 200 300", "w3c"),
            // CloudFront v2's W3C output with a few fields chosen, separated by spaces.
            ("#Version: 1.0\n#Fields: date time sc-status time-taken\n2026-10-01 12:00:00 200 0.3", "cloudfront"),
            ("#Version: 1.0\n#Date: 2026-10-01 12:00:00\n#Fields: date time x-edge-result-type time-taken\n2026-10-01 12:00:00 Hit 0.3", "cloudfront"),
            ("at=info method=GET path=\"/\" status=200 service=12ms", "logfmt"),
            (r#"[2026-10-01T12:00:00.310Z] "GET /a HTTP/1.1" 200 - 0 10 3 2 "-" "curl" "id" "host" "10.0.0.1:80""#, "envoy"),
            (r#"Oct  1 12:00:00 lb haproxy[1]: 10.0.0.1:5000 [01/Oct/2026:12:00:00.000] fe be/s1 0/0/1/2/3 200 100 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#, "haproxy"),
        ];
        for (head, name) in cases {
            let format = detect(head.as_bytes()).unwrap_or_else(|e| panic!("{head}: {e}"));
            assert_eq!(format.to_string(), name, "{head}");
        }
        // An odd line near the top, and the head's last line cut at its end, leave a
        // malformed row, not an unreadable log.
        let combined =
            r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8""#;
        let cut = &combined[..60];
        let haproxy = r#"Oct  1 12:00:00 lb haproxy[1]: 10.0.0.1:5000 [01/Oct/2026:12:00:00.000] fe be/s1 0/0/1/2/3 200 100 - - ---- 1/1/1/1/0 0/0 "GET / HTTP/1.1""#;
        let started = "Oct  1 12:00:00 lb haproxy[1]: Proxy fe started.";
        let router = "2026-10-01T12:00:00+00:00 heroku[router]: at=info method=GET path=\"/\" status=200 service=12ms";
        let platform = "2026-10-01T12:00:00+00:00 heroku[web.1]: State changed from up to crashed";
        for (lines, name) in [
            (vec![combined, cut, combined], "nginx (combined)"),
            (vec![combined, cut], "nginx (combined)"),
            (vec![combined, combined, combined, cut], "nginx (combined)"),
            (vec![started, started, haproxy, haproxy, haproxy], "haproxy"),
            (vec![platform, router, router], "logfmt"),
        ] {
            let head = lines.join("\n");
            let format = detect(head.as_bytes()).unwrap_or_else(|e| panic!("{head}: {e}"));
            assert_eq!(format.to_string(), name, "{head}");
        }
        let head = [combined, "", cut, cut].join("\n");
        let error = detect(head.as_bytes()).unwrap_err();
        assert!(
            error.starts_with("only 1 of its first 3 lines fit nginx (combined); line 3 does not match the log format at column"),
            "{error}"
        );
        let custom = r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET / HTTP/1.1" 200 612 "-" "curl/8" 0.003 upstream"#;
        let error = detect(custom.as_bytes()).unwrap_err();
        assert!(error.contains("closest to nginx ("), "{error}");
        assert!(error.contains("after the http_user_agent field"), "{error}");
        assert!(
            error.contains("expected the end of the line after"),
            "{error}"
        );
    }

    #[test]
    fn a_url_without_a_path_reads_as_the_path_slash() {
        // Found by fuzzing: the `/` of a URL with no path is not in the line.
        let alb = concat!(
            r#"https 2026-10-01T11:20:00.000000Z app/shop/5 203.0.113.7:5 10.0.1.21:80 0.001 0.002 0.000 200 200 3 18 "#,
            r#""GET https://shop.example.com:443 HTTP/1.1" "curl/8""#,
        );
        let sink = read(
            &TextFormat::new(TextKind::Alb),
            &["uri", "request_uri", "args", "request_url"],
            alb,
        );
        assert_eq!(
            sink.rows[0].1,
            ["/", "/", "Missing", "https://shop.example.com:443"]
        );
        let proxy = r#"203.0.113.9 - - [01/Oct/2026:12:00:00 +0000] "GET http://example.com HTTP/1.1" 400 150 "-" "-""#;
        let sink = read(&TextFormat::new(TextKind::Nginx), &["uri"], proxy);
        assert_eq!(sink.rows[0].1, ["/"]);
    }

    #[test]
    fn field_lines_carry_across_chunks() {
        let chunk = b"#Fields: a b\n1 2\n#Fields: c\n3\n";
        let after = fields_line_after(chunk, false, None);
        assert_eq!(after.as_deref(), Some(&b"#Fields: c"[..]));
        let before: Option<Arc<[u8]>> = Some(Arc::from(&b"#Fields: x"[..]));
        assert_eq!(fields_line_after(b"1 2\n", false, before.clone()), before);
        // A byte order mark is read only at the start of the log.
        let chunk = b"\xef\xbb\xbf#Fields: a b\n1 2\n";
        let after = fields_line_after(chunk, true, None);
        assert_eq!(after.as_deref(), Some(&b"#Fields: a b"[..]));
        assert_eq!(fields_line_after(chunk, false, None), None);
    }
}
