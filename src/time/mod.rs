//! Time handling for `slo`: instants, durations, time zones, log timestamp
//! parsing and calendar periods.
//!
//! Every instant in the crate is a [`UnixNanos`]: signed nanoseconds since the
//! Unix epoch in UTC. That covers the years 1678 to 2261, which is plenty for
//! request logs and keeps arithmetic cheap on the hot path.

pub mod calendar;
mod civil;
pub mod duration;
pub mod slices;
pub mod timestamp;
pub mod zone;

pub use calendar::{period_containing, period_name, CalendarUnit};
pub use civil::LocalDateTime;
pub use duration::{humanize_seconds, SpanDuration};
pub use slices::TimeSlices;
pub use timestamp::{
    check_epoch_unit, format_rfc3339, parse_instant, MinuteCache, Rfc3339Text, TimestampError,
    TimestampFormat, TimestampParser, UnitMismatch, UnixUnit, PLAUSIBLE_EPOCH_TIMES,
};
pub use zone::Zone;

/// An instant as signed nanoseconds since 1970-01-01T00:00:00Z.
pub type UnixNanos = i64;

/// An instant in a report: shown and serialised as RFC 3339 in UTC
/// (`2026-10-02T18:00:00.25Z`), kept as a number so that nothing parses it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub UnixNanos);

impl std::fmt::Display for Timestamp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(Rfc3339Text::new(self.0).as_str())
    }
}

impl serde::Serialize for Timestamp {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(Rfc3339Text::new(self.0).as_str())
    }
}

/// Nanoseconds in one second.
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
