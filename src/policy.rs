//! The exit policy of `slo check`: which result statuses fail the check, decided once per
//! report as a [`Verdict`] that the renderers and the exit status read.

use crate::exit::ExitStatus;
use crate::report::{Report, SloResult, Status};

/// A status that makes `check` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    /// The error budget is spent.
    Exhausted,
    /// A burn-rate alert fires.
    AtRisk,
    /// The window holds no events.
    NoData,
    /// The window holds fewer events than the SLO's `min_events`.
    LowTraffic,
    /// The SLI is below the SLO's SLA, whatever the status.
    Sla,
}

impl FailOn {
    /// The name used in `--fail-on`: `exhausted`, `at-risk`, `no-data`, `low-traffic`, `sla`.
    pub fn as_str(self) -> &'static str {
        match self {
            FailOn::Exhausted => "exhausted",
            FailOn::AtRisk => "at-risk",
            FailOn::NoData => "no-data",
            FailOn::LowTraffic => "low-traffic",
            FailOn::Sla => "sla",
        }
    }

    /// Whether `result` fails this part of a policy. An exhausted budget also fails `at-risk`:
    /// it is worse than at risk.
    fn matches(self, result: &SloResult) -> bool {
        match self {
            FailOn::Exhausted => result.status == Status::Exhausted,
            FailOn::AtRisk => matches!(result.status, Status::AtRisk | Status::Exhausted),
            FailOn::NoData => result.status == Status::NoData,
            FailOn::LowTraffic => result.status == Status::LowTraffic,
            FailOn::Sla => result.sla.and_then(|sla| sla.met) == Some(false),
        }
    }
}

/// The parts of the policy `fail_on` that `result` fails, in policy order.
fn failed_by(result: &SloResult, fail_on: &[FailOn]) -> Vec<FailOn> {
    fail_on
        .iter()
        .copied()
        .filter(|f| f.matches(result))
        .collect()
}

/// What a check with a policy decides about a report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The policy: the statuses that fail.
    pub fail_on: Vec<FailOn>,
    /// For each result of the report, in its order: whether it fails the policy.
    pub fails: Vec<bool>,
    /// For each result of the report, in its order: the parts of the policy it fails (none
    /// when it passes).
    pub failed_by: Vec<Vec<FailOn>>,
    /// Why no result has a single event, when none has ([`no_events`]): that fails the check
    /// too, whatever the policy — a check that read nothing it could use must not pass.
    pub no_events: Option<String>,
}

impl Verdict {
    /// The verdict on `report` under `fail_on`.
    pub fn of(report: &Report, fail_on: &[FailOn]) -> Verdict {
        let failed_by: Vec<Vec<FailOn>> = report
            .results
            .iter()
            .map(|r| failed_by(r, fail_on))
            .collect();
        Verdict {
            fail_on: fail_on.to_vec(),
            fails: failed_by.iter().map(|f| !f.is_empty()).collect(),
            failed_by,
            no_events: no_events(report),
        }
    }

    /// How many results fail the policy.
    pub fn failed(&self) -> usize {
        self.fails.iter().filter(|f| **f).count()
    }

    /// The exit status of `check`: failure when a result fails, or when no result has events.
    pub fn status(&self) -> ExitStatus {
        if self.failed() > 0 || self.no_events.is_some() {
            ExitStatus::Failure
        } else {
            ExitStatus::Success
        }
    }
}

/// Whether, when no result has an event, the `matched` rows that the SLOs selected all lie
/// only in alert lookbacks that reach past the windows' start: selected, and invalid in no
/// window (a selected row in a window is an event or invalid there).
pub fn selected_only_in_lookbacks(matched: u64, results: &[SloResult]) -> bool {
    matched > 0 && results.iter().all(|r| r.invalid == 0)
}

/// Why no result of `report` has a single event, when none has: the logs held no rows, every
/// row was malformed, every row lies outside the windows, no filter selected one, or every
/// selected row was invalid. `None` when some result has events.
pub fn no_events(report: &Report) -> Option<String> {
    if report.results.iter().any(|r| r.status != Status::NoData) {
        return None;
    }
    let inputs = &report.inputs;
    let newest = match &inputs.latest {
        Some(latest) => format!("the newest row is from {latest}"),
        None => "no row has a valid timestamp".to_string(),
    };
    Some(if inputs.rows == 0 {
        "no rows were read: the logs are empty".to_string()
    } else if inputs.malformed == inputs.rows {
        format!("all {} rows read are malformed", inputs.rows)
    } else if selected_only_in_lookbacks(inputs.matched, &report.results) {
        format!(
            "none of the {} rows the SLOs select lies in their windows at {}: they lie only in \
             alert lookbacks that reach further back (a calendar window that has just begun holds \
             no events yet)",
            inputs.matched, report.evaluated_at
        )
    } else if inputs.matched > 0 {
        format!(
            "every one of the {} rows the SLOs select is invalid for them (see the warnings)",
            inputs.matched
        )
    } else if inputs.excluded > 0 {
        format!(
            "every one of the {} rows the SLOs select in their windows lies in one of their exclusions",
            inputs.excluded
        )
    } else if inputs.unselected > 0 {
        format!(
            "no SLO's filter selects any of the {} rows inside its windows",
            inputs.unselected
        )
    } else {
        format!(
            "every row read is outside the windows at {}: {newest}",
            report.evaluated_at
        )
    })
}

/// `--max-malformed`: the largest share of malformed rows among the rows read that still
/// gives a report. Past it the input is taken as unreadable — most likely read in the wrong
/// format — and `report` and `check` exit 2 rather than compute figures from the rows that
/// happened to parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MalformedLimit {
    /// The share in billionths of a percent, so that `0.001%` is exact.
    nano_percent: u64,
}

impl MalformedLimit {
    /// Whether `malformed` rows of `rows` read exceed the limit (exactly: no rounding).
    pub fn exceeded(self, malformed: u64, rows: u64) -> bool {
        // malformed / rows > p / 100  ⇔  malformed × 100 × 10⁹ > p × 10⁹ × rows.
        u128::from(malformed) * 100 * 1_000_000_000
            > u128::from(self.nano_percent) * u128::from(rows)
    }

    /// The share of `malformed` among `rows` as people read it: `72.3 %`.
    pub fn share(malformed: u64, rows: u64) -> String {
        let percent = malformed as f64 * 100.0 / rows.max(1) as f64;
        let text = format!("{percent:.1}");
        match text.as_str() {
            // Never "0.0 %" for a share above zero, never "100.0 %" below all.
            "0.0" if malformed > 0 => "less than 0.1 %".to_string(),
            "100.0" if malformed < rows => "more than 99.9 %".to_string(),
            _ => format!("{text} %"),
        }
    }
}

impl std::fmt::Display for MalformedLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.nano_percent / 1_000_000_000;
        let fraction = self.nano_percent % 1_000_000_000;
        if fraction == 0 {
            write!(f, "{whole}%")
        } else {
            let digits = format!("{fraction:09}");
            write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
        }
    }
}

/// Parses `--max-malformed`: a percentage from 0 to 100, with or without `%` (`1%`, `0.5`,
/// `0`: any malformed row is too many).
///
/// # Errors
///
/// Text that is not a percentage from 0 to 100 with at most nine decimals.
pub fn parse_malformed_limit(text: &str) -> Result<MalformedLimit, String> {
    let number = text.trim().trim_end_matches('%').trim_end();
    let invalid = || {
        format!("'{text}' is not a percentage from 0 to 100: write 1% (the default), 0.1% or 0 (no malformed row at all)")
    };
    let (whole, fraction) = number.split_once('.').unwrap_or((number, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(fraction.is_empty() || digits(fraction)) || fraction.len() > 9 {
        return Err(invalid());
    }
    let whole: u64 = whole.parse().map_err(|_| invalid())?;
    let fraction: u64 = format!("{fraction:0<9}").parse().map_err(|_| invalid())?;
    let nano_percent = whole
        .checked_mul(1_000_000_000)
        .and_then(|n| n.checked_add(fraction))
        .filter(|n| *n <= 100 * 1_000_000_000)
        .ok_or_else(invalid)?;
    Ok(MalformedLimit { nano_percent })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_limits_parse_exactly() {
        let limit = |t| parse_malformed_limit(t).expect(t);
        assert_eq!(limit("1%").to_string(), "1%");
        assert_eq!(limit("0.5").to_string(), "0.5%");
        assert_eq!(limit(" 0.001 %").to_string(), "0.001%");
        assert_eq!(limit("100").to_string(), "100%");
        for bad in [
            "",
            "%",
            "-1",
            "101",
            "1e3",
            "0.0000000001",
            "abc",
            "1.2.3",
            ".5",
        ] {
            assert!(parse_malformed_limit(bad).is_err(), "{bad} accepted");
        }
    }

    #[test]
    fn the_limit_is_exact_at_its_boundary() {
        let one = parse_malformed_limit("1%").expect("1%");
        assert!(!one.exceeded(1, 100));
        assert!(one.exceeded(101, 10_000));
        assert!(!one.exceeded(100, 10_000));
        let none = parse_malformed_limit("0").expect("0");
        assert!(none.exceeded(1, u64::MAX));
        assert!(!none.exceeded(0, 10));
        let all = parse_malformed_limit("100%").expect("100");
        assert!(!all.exceeded(u64::MAX, u64::MAX));
        let third = parse_malformed_limit("33.333333333").expect("third");
        assert!(third.exceeded(1, 3));
        assert_eq!(MalformedLimit::share(1, 3), "33.3 %");
        assert_eq!(MalformedLimit::share(1, 100_000), "less than 0.1 %");
        assert_eq!(MalformedLimit::share(99_999, 100_000), "more than 99.9 %");
    }
}
