//! W3C extended logs (IIS) and CloudFront standard logs: columns named by the last
//! `#Fields:` line, separated by tabs (CloudFront's legacy logs) or spaces (IIS; CloudFront's
//! v2 W3C output may be), `-` for no value.

use super::fields::TimeUnit;
use super::RowValues;

/// Names the formats share, and the W3C column each stands for.
const ALIASES: [(&str, &str); 8] = [
    ("status", "sc-status"),
    ("request_method", "cs-method"),
    ("uri", "cs-uri-stem"),
    ("args", "cs-uri-query"),
    ("http_user_agent", "cs(User-Agent)"),
    ("http_referer", "cs(Referer)"),
    ("remote_addr", "c-ip"),
    ("request_time", "time-taken"),
];

/// The unit of a duration column: `time-taken` is seconds in CloudFront and milliseconds in
/// IIS; CloudFront's `time-to-first-byte` is seconds.
pub(super) fn unit(name: &str, seconds: bool) -> Option<TimeUnit> {
    let column = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name, |(_, column)| column);
    match (column, seconds) {
        ("time-taken", true) | ("time-to-first-byte", true) => Some(TimeUnit::Seconds),
        ("time-taken", false) => Some(TimeUnit::Milliseconds),
        _ => None,
    }
}

/// The columns in effect and which slot each one fills.
#[derive(Debug, Default)]
pub(super) struct Columns {
    names: Vec<String>,
    /// `(column, slot)` for each slot read from one column.
    bindings: Vec<(usize, usize)>,
    /// The slot of `timestamp` with the `date` and `time` columns, when a spec reads it.
    timestamp: Option<(usize, usize, usize)>,
    /// Where each column of the current line starts and ends.
    spans: Vec<(usize, usize)>,
}

impl Columns {
    /// Reads a directive line; true when it is a `#Fields:` line, whose columns now apply.
    pub(super) fn directive(&mut self, line: &[u8]) -> bool {
        let Some(rest) = line.strip_prefix(b"#Fields:") else {
            return false;
        };
        self.names = String::from_utf8_lossy(rest)
            .split_ascii_whitespace()
            .map(str::to_string)
            .collect();
        true
    }

    /// Binds slots, by name, to the columns in effect.
    pub(super) fn bind(&mut self, slot_names: &[String]) {
        let column = |name: &str| self.names.iter().position(|n| n == name);
        self.bindings.clear();
        self.timestamp = None;
        for (slot, name) in slot_names.iter().enumerate() {
            let found = column(name).or_else(|| {
                ALIASES
                    .iter()
                    .find(|(alias, _)| alias == name)
                    .and_then(|(_, target)| column(target))
            });
            match (found, name.as_str()) {
                (Some(index), _) => self.bindings.push((index, slot)),
                (None, "timestamp") => {
                    if let (Some(date), Some(time)) = (column("date"), column("time")) {
                        self.timestamp = Some((date, time, slot));
                    }
                }
                _ => {}
            }
        }
    }

    /// Reads one data line into `values`. A line with a tab is split at tabs, any other at
    /// spaces: neither writer leaves the other separator inside a value (CloudFront
    /// URL-encodes values, IIS writes `+` for a space), and CloudFront's v2 W3C output may be
    /// delimited either way.
    pub(super) fn row(&mut self, line: &[u8], values: &mut RowValues) -> Result<(), String> {
        let separator = match memchr::memchr(b'\t', line) {
            Some(_) => b'\t',
            None => b' ',
        };
        if self.names.is_empty() {
            return Err(
                "no `#Fields:` line comes before this line, so its columns have no names"
                    .to_string(),
            );
        }
        self.spans.clear();
        let mut start = 0;
        for end in memchr::memchr_iter(separator, line).chain(std::iter::once(line.len())) {
            self.spans.push((start, end));
            start = end + 1;
        }
        // CloudFront ends some lines with a tab: an empty column past the named ones.
        if self.spans.len() == self.names.len() + 1
            && self.spans.last().is_some_and(|(s, e)| s == e)
        {
            self.spans.pop();
        }
        if self.spans.len() != self.names.len() {
            let separator = if separator == b'\t' { "tab" } else { "space" };
            return Err(format!(
                "{} {separator}-separated fields where the `#Fields:` line names {}",
                self.spans.len(),
                self.names.len()
            ));
        }
        for &(column, slot) in &self.bindings {
            let (start, end) = self.spans[column];
            if &line[start..end] != b"-" {
                values.set_in_text(slot, start, end);
            }
        }
        if let Some((date, time, slot)) = self.timestamp {
            let (date, time) = (self.spans[date], self.spans[time]);
            values.set_with(slot, |out| {
                out.extend_from_slice(&line[date.0..date.1]);
                out.push(b' ');
                out.extend_from_slice(&line[time.0..time.1]);
            });
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{TextFormat, TextKind, TextRows};
    use crate::input::test_sink::{fields, Collect};

    #[test]
    fn columns_follow_the_last_fields_line() {
        let text = concat!(
            "#Version: 1.0\n",
            "#Fields: date time sc-status cs-uri-stem time-taken\n",
            "2026-10-01\t12:00:00\t200\t/a\t0.003\n",
            "2026-10-01\t12:00:01\t-\t/b\t0.1\n",
            "#Fields: date time cs-uri-stem sc-status\n",
            "2026-10-01\t12:00:02\t/c\t503\n",
            "2026-10-01\t12:00:03\t/c\n",
        );
        let slots = fields(&["status", "uri", "timestamp", "sc-status"]);
        let mut rows = TextRows::new(&TextFormat::new(TextKind::Cloudfront), &slots);
        let mut sink = Collect::default();
        rows.parse_lines_chunk(text.as_bytes(), 1, &mut sink)
            .unwrap();
        let rows: Vec<Vec<&str>> = sink
            .rows
            .iter()
            .map(|(_, v)| v.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            [
                ["200", "/a", "2026-10-01 12:00:00", "200"],
                ["Missing", "/b", "2026-10-01 12:00:01", "Missing"],
                ["503", "/c", "2026-10-01 12:00:02", "503"],
            ]
        );
        assert_eq!(
            sink.malformed,
            [(
                7,
                "3 tab-separated fields where the `#Fields:` line names 4".to_string()
            )]
        );
    }

    #[test]
    fn cloudfront_lines_may_be_separated_by_spaces() {
        // CloudFront's v2 logs in W3C format, with a space as the field delimiter.
        let text = concat!(
            "#Version: 1.0\n",
            "#Fields: date time x-edge-location sc-status cs-uri-stem time-taken\n",
            "2026-10-01 12:00:00 SEA19-C1 200 /a 0.003\n",
            "2026-10-01\t12:00:01\tSEA19-C1\t502\t/b\t0.1\n",
            "2026-10-01 12:00:02 SEA19-C1 200 /c\n",
        );
        let slots = fields(&["status", "uri", "timestamp", "request_time"]);
        let mut rows = TextRows::new(&TextFormat::new(TextKind::Cloudfront), &slots);
        let mut sink = Collect::default();
        rows.parse_lines_chunk(text.as_bytes(), 1, &mut sink)
            .unwrap();
        let rows: Vec<Vec<&str>> = sink
            .rows
            .iter()
            .map(|(_, v)| v.iter().map(String::as_str).collect())
            .collect();
        assert_eq!(
            rows,
            [
                ["200", "/a", "2026-10-01 12:00:00", "0.003"],
                ["502", "/b", "2026-10-01 12:00:01", "0.1"],
            ]
        );
        assert_eq!(
            sink.malformed,
            [(
                5,
                "5 space-separated fields where the `#Fields:` line names 6".to_string()
            )]
        );
    }

    #[test]
    fn time_taken_units_differ() {
        use super::super::fields::TimeUnit;
        assert_eq!(super::unit("request_time", true), Some(TimeUnit::Seconds));
        assert_eq!(
            super::unit("time-taken", false),
            Some(TimeUnit::Milliseconds)
        );
        assert_eq!(super::unit("sc-status", false), None);
    }
}
