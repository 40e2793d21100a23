//! The exit policy of `slo check`: which result statuses fail the check.

use crate::exit::ExitStatus;
use crate::report::{Report, SloResult, Status};

/// A status that makes `check` fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FailOn {
    /// The error budget is spent.
    Exhausted,
    /// A burn-rate alert fires.
    AtRisk,
    /// The window holds no events.
    NoData,
}

impl FailOn {
    fn matches(self, status: Status) -> bool {
        matches!(
            (self, status),
            (FailOn::Exhausted, Status::Exhausted)
                | (FailOn::AtRisk, Status::AtRisk)
                | (FailOn::NoData, Status::NoData)
        )
    }
}

/// Whether `result` fails a check with policy `fail_on`. An exhausted budget also fails an
/// `at-risk` policy: it is worse than at risk.
pub fn fails(result: &SloResult, fail_on: &[FailOn]) -> bool {
    fail_on.iter().any(|f| {
        f.matches(result.status) || (*f == FailOn::AtRisk && result.status == Status::Exhausted)
    })
}

/// The exit status of `check` for a report.
pub fn check_status(report: &Report, fail_on: &[FailOn]) -> ExitStatus {
    if report.results.iter().any(|r| fails(r, fail_on)) {
        ExitStatus::Failure
    } else {
        ExitStatus::Success
    }
}
