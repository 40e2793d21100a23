//! JSON Lines and JSON array reader, through counting and evaluation. The first byte picks the
//! format and where the log is cut in two for the splitting check; each SLO selected alone
//! finds the same malformed rows as both.
#![no_main]

mod common;

use libfuzzer_sys::fuzz_target;
use slo::input::InputFormat;

fuzz_target!(|data: &[u8]| {
    let Some((&first, log)) = data.split_first() else {
        return;
    };
    let format = match first % 3 {
        0 => InputFormat::Jsonl,
        1 => InputFormat::Json,
        _ => InputFormat::Auto,
    };
    let fixture = common::fixture();
    common::count_and_check(fixture, log, &format);
    common::split_and_check(fixture, log, &format, first / 3);
    common::select_and_check(fixture, log, &format);
});
