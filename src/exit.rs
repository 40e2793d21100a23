//! Exit statuses (DESIGN.md §6): 1 means "the answer is no", 2 means "something went wrong".

use std::process::ExitCode;

/// How a command ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ExitStatus {
    /// 0: success; for `check`, no result failed the policy.
    Success,
    /// 1: `check` found a result that fails the policy.
    Failure,
    /// 2: usage error, invalid spec, unreadable input, malformed row under `--strict`.
    Error,
}

impl ExitStatus {
    /// The numeric code.
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Success => 0,
            ExitStatus::Failure => 1,
            ExitStatus::Error => 2,
        }
    }
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> ExitCode {
        ExitCode::from(status.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_severity() {
        assert_eq!(ExitStatus::Success.code(), 0);
        assert_eq!(ExitStatus::Failure.code(), 1);
        assert_eq!(ExitStatus::Error.code(), 2);
        assert_eq!(
            ExitStatus::Failure.max(ExitStatus::Error),
            ExitStatus::Error
        );
        assert_eq!(
            ExitStatus::Success.max(ExitStatus::Failure),
            ExitStatus::Failure
        );
    }
}
