//! Time handling for `slo`: instants, durations, time zones, log timestamp
//! parsing and calendar periods.
//!
//! Every instant in the crate is a [`UnixNanos`]: signed nanoseconds since the
//! Unix epoch in UTC. That covers the years 1678 to 2261, which is plenty for
//! request logs and keeps arithmetic cheap on the hot path.

pub mod calendar;
pub mod duration;
pub mod timestamp;
pub mod zone;

pub use calendar::{period_containing, CalendarUnit};
pub use duration::{humanize_seconds, SpanDuration};
pub use timestamp::{
    format_rfc3339, parse_instant, MinuteCache, TimestampError, TimestampFormat, TimestampParser,
    UnixUnit,
};
pub use zone::Zone;

/// An instant as signed nanoseconds since 1970-01-01T00:00:00Z.
pub type UnixNanos = i64;

/// Nanoseconds in one second.
pub const NANOS_PER_SECOND: i64 = 1_000_000_000;
