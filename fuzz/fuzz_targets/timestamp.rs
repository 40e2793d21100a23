//! Timestamp parser: every format and zone, on any bytes. A timestamp that parses must print
//! as RFC 3339 and parse back to the same instant.
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use slo::time::{format_rfc3339, parse_instant, TimestampFormat, TimestampParser, Zone};

fn parsers() -> &'static [TimestampParser] {
    static PARSERS: OnceLock<Vec<TimestampParser>> = OnceLock::new();
    PARSERS.get_or_init(|| {
        let formats = [
            "auto",
            "rfc3339",
            "unix",
            "unix_ms",
            "unix_us",
            "unix_ns",
            "%d/%b/%Y:%H:%M:%S %z",
            "%Y-%m-%d %H:%M:%S",
            "%s",
        ];
        let zones = [
            "UTC",
            "Europe/Berlin",
            "America/St_Johns",
            "+05:30",
            "-23:59",
        ];
        let mut parsers = Vec::new();
        for format in formats {
            for zone in zones {
                parsers.push(TimestampParser::new(
                    TimestampFormat::parse(format).expect("a known format"),
                    Zone::parse(zone).expect("a known zone"),
                ));
            }
        }
        parsers
    })
}

fuzz_target!(|data: &[u8]| {
    let utc = TimestampParser::new(TimestampFormat::Rfc3339, Zone::Utc);
    for parser in parsers() {
        if let Ok(t) = parser.parse(data) {
            let printed = format_rfc3339(t);
            assert_eq!(
                utc.parse(printed.as_bytes()),
                Ok(t),
                "{printed} does not parse back to {t}"
            );
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = parse_instant(text);
    }
});
