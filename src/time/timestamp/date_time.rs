//! A date and time of day as a timestamp writes them, read two digits at a time, checked field
//! by field and turned into an instant: the layer that RFC 3339 and the Common Log Format share.

use chrono::NaiveDate;

use super::{TimestampError, BAD_DAY, BAD_HOUR, BAD_MINUTE, BAD_MONTH, BAD_SECOND, OUT_OF_RANGE};
use crate::time::civil::{days_from_civil, days_in_month};
use crate::time::zone::Zone;
use crate::time::{UnixNanos, NANOS_PER_SECOND};

/// Two ASCII digits at `at`, as a number.
#[inline]
pub(super) fn two_digits(text: &[u8], at: usize) -> Option<u32> {
    match (text.get(at), text.get(at + 1)) {
        (Some(a @ b'0'..=b'9'), Some(b @ b'0'..=b'9')) => {
            Some(u32::from(a - b'0') * 10 + u32::from(b - b'0'))
        }
        _ => None,
    }
}

/// A date and wall-clock time as written in a timestamp, not yet checked.
#[derive(Clone, Copy)]
pub(super) struct CivilDateTime {
    pub(super) year: i64,
    pub(super) month: u32,
    pub(super) day: u32,
    pub(super) hour: u32,
    pub(super) minute: u32,
    pub(super) second: u32,
    pub(super) nanos: u32,
}

impl CivilDateTime {
    /// Checks the fields and converts them to an instant: at `offset` seconds east of UTC when
    /// the timestamp has one, else as a local time in `zone`. A leap second (`:60`) is read as
    /// `:59.999999999` of the same minute.
    #[inline]
    pub(super) fn to_instant(
        self,
        offset: Option<i32>,
        zone: &Zone,
    ) -> Result<UnixNanos, TimestampError> {
        let CivilDateTime {
            year,
            month,
            day,
            hour,
            minute,
            mut second,
            mut nanos,
        } = self;
        if !(1..=12).contains(&month) {
            return Err(BAD_MONTH);
        }
        if day == 0 || day > days_in_month(year, month) {
            return Err(BAD_DAY);
        }
        if hour > 23 {
            return Err(BAD_HOUR);
        }
        if minute > 59 {
            return Err(BAD_MINUTE);
        }
        if second > 60 {
            return Err(BAD_SECOND);
        }
        if second == 60 {
            second = 59;
            nanos = 999_999_999;
        }

        let offset = match (offset, zone) {
            (Some(offset), _) => offset,
            (None, Zone::Utc) => 0,
            (None, Zone::Fixed(fixed)) => fixed.local_minus_utc(),
            (None, Zone::Named(_)) => {
                let year = i32::try_from(year).map_err(|_| OUT_OF_RANGE)?;
                let naive = NaiveDate::from_ymd_opt(year, month, day)
                    .and_then(|date| date.and_hms_opt(hour, minute, second))
                    .ok_or(OUT_OF_RANGE)?;
                zone.offset_for_local(naive)
            }
        };
        let seconds = days_from_civil(year, month, day) * 86_400
            + i64::from(hour * 3600 + minute * 60 + second)
            - i64::from(offset);
        seconds_and_nanos(seconds, nanos)
    }
}

/// `seconds * 1e9 + nanos` if it fits an `i64`. Computed in `i128` so that
/// the very first nanoseconds of the range (whose whole seconds alone are
/// out of range) still work.
#[inline]
pub(super) fn seconds_and_nanos(seconds: i64, nanos: u32) -> Result<UnixNanos, TimestampError> {
    let total = i128::from(seconds) * i128::from(NANOS_PER_SECOND) + i128::from(nanos);
    i64::try_from(total).map_err(|_| OUT_OF_RANGE)
}
