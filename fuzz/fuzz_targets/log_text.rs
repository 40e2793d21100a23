//! Text access-log readers (nginx, Apache, ALB, CloudFront, W3C, logfmt, Envoy, HAProxy and
//! `auto`), through counting and evaluation. The first byte picks the format (unless
//! `SLO_FUZZ_FORMAT` names one, to fuzz one format at a time), the second where the log is cut
//! in two for the splitting check and the chunk size for the chunked reading check. Every row
//! is accounted for; two files read as the whole; chunks on two threads read as the whole,
//! value for value; each SLO selected alone finds the same malformed rows as all of them.
#![no_main]

mod common;

use std::sync::OnceLock;

use common::Fixture;
use libfuzzer_sys::fuzz_target;
use slo::expr::FieldPath;
use slo::input::{InputFormat, TextFormat, TextKind};

/// 2026-10-01T11:30:00Z, the instant of the access-log fixtures the seeds come from.
const AT: i64 = 1_790_854_200_000_000_000;

/// The formats, by the name `SLO_FUZZ_FORMAT` takes: a family and its `log_format`, if any.
const FORMATS: [(&str, &str, Option<&str>); 14] = [
    ("nginx", "nginx", None),
    (
        "nginx-upstream",
        "nginx",
        Some(
            r#"$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" $request_time $upstream_response_time $upstream_addr $upstream_status"#,
        ),
    ),
    (
        "nginx-iso",
        "nginx",
        Some(
            r#"$time_iso8601 $remote_addr "$request" $status $upstream_response_time : $upstream_connect_time "$upstream_addr" $request_time"#,
        ),
    ),
    (
        "nginx-msec",
        "nginx",
        Some(r#"$remote_addr [$time_local] $msec "$request" $status rt=$request_time urt="$upstream_response_time" ua="$http_user_agent""#),
    ),
    ("upstreaminfo", "nginx", Some("upstreaminfo")),
    ("apache-common", "apache", Some("common")),
    (
        "apache-duration",
        "apache",
        Some(r#"%h %l %u %t "%r" %>s %b "%{Referer}i" "%{User-Agent}i" %D"#),
    ),
    ("alb", "alb", None),
    ("cloudfront", "cloudfront", None),
    ("w3c", "w3c", None),
    ("logfmt", "logfmt", None),
    ("envoy", "envoy", None),
    ("haproxy", "haproxy", None),
    ("auto", "auto", None),
];

/// The SLOs, over fields of every format: a field a format lacks makes its rows invalid.
const SLOS: &str = r#"
slos:
  - name: availability
    objective: 99.9
    windows: [1d, {calendar: month, timezone: Europe/Berlin}]
    filter: uri.startsWith("/api") and request_method in ["GET", "POST"]
    good: status < 500 and request_time <= 300ms
    group_by: [uri, http_user_agent]
  - name: upstream
    objective: 99
    windows: [7d]
    bad: sum(upstream_response_time) + last(upstream_connect_time) > 250ms or args.matches("^x=[0-9]+$") or server_protocol == "HTTP/2.0" or field("sc-status") >= 500
    budgeting: timeslices
    timeslice: {length: 1m, objective: 95}
  - name: timings
    objective: 99
    windows: [1h]
    filter: request_uri != "/health"
    good: request_processing_time + target_processing_time + response_processing_time <= 500ms and service < 1s and Ta * 2 < 1s and duration - upstream_service_time < 1s
"#;

/// The duration fields the SLOs read.
const DURATIONS: [&str; 11] = [
    "request_time",
    "upstream_response_time",
    "upstream_connect_time",
    "request_processing_time",
    "target_processing_time",
    "response_processing_time",
    "service",
    "Ta",
    "duration",
    "upstream_service_time",
    "time-taken",
];

/// The format and spec of entry `index` of [`FORMATS`]: the fields whose unit the format does
/// not document are declared milliseconds (except where values carry their unit).
fn fixture(index: usize) -> (InputFormat, Fixture) {
    let (_, family, log_format) = FORMATS[index];
    let format = match (InputFormat::parse(family).expect("a format name"), log_format) {
        (InputFormat::Text(text), Some(layout)) => InputFormat::Text(
            TextFormat::with_log_format(text.kind(), layout).expect("a valid log_format"),
        ),
        (format, _) => format,
    };
    let carries_units = match &format {
        InputFormat::Text(text) => text.kind() == TextKind::Logfmt,
        _ => true,
    };
    let mut spec = String::from("version: 1\nsource:\n  units: {");
    if !carries_units {
        let declared: Vec<String> = DURATIONS
            .iter()
            .filter(|name| {
                format
                    .field_unit(&FieldPath(vec![name.to_string()]))
                    .is_none()
            })
            .map(|name| format!("\"{name}\": ms"))
            .collect();
        spec.push_str(&declared.join(", "));
    }
    spec.push_str("}\n");
    spec.push_str(SLOS);
    let fixture = Fixture::new(&spec, &format, AT);
    (format, fixture)
}

fn fixtures() -> &'static [(InputFormat, Fixture)] {
    static FIXTURES: OnceLock<Vec<(InputFormat, Fixture)>> = OnceLock::new();
    FIXTURES.get_or_init(|| (0..FORMATS.len()).map(fixture).collect())
}

/// The format `SLO_FUZZ_FORMAT` names, if any.
fn pinned() -> Option<usize> {
    static PINNED: OnceLock<Option<usize>> = OnceLock::new();
    *PINNED.get_or_init(|| {
        let name = std::env::var("SLO_FUZZ_FORMAT").ok()?;
        let index = FORMATS.iter().position(|(n, ..)| *n == name);
        Some(index.unwrap_or_else(|| panic!("SLO_FUZZ_FORMAT={name} is none of the formats")))
    })
}

fuzz_target!(|data: &[u8]| {
    let [first, second, log @ ..] = data else {
        return;
    };
    let index = pinned().unwrap_or(usize::from(*first) % FORMATS.len());
    let (format, fixture) = &fixtures()[index];
    common::count_and_check(fixture, log, format);
    common::split_and_check(fixture, log, format, *second);
    common::select_and_check(fixture, log, format);
    common::chunk_and_check(fixture, log, format, 1 + usize::from(*second) * 4);
});
