//! Which words of an SLO's error-budget policy a result reaches (the `policy` key): those of a
//! breached SLA first, then those of its status, and for an `ok` result the highest band of the
//! budget left that it is above, decided exactly.

use super::natural::Natural;
use super::Counted;
use crate::report::{PolicyLine, Status};
use crate::spec::{Budgeting, Percentage, PolicyState, Slo};

/// The policy line of a result of `slo` with `status`, whose SLA is met or not (`sla_met`),
/// counted as `counted`; `None` when the SLO has no policy or it says nothing of that state.
pub(super) fn policy_line(
    slo: &Slo,
    status: Status,
    sla_met: Option<bool>,
    counted: &Counted,
) -> Option<PolicyLine> {
    let policy = slo.policy.as_ref()?;
    let line = |state: PolicyState| {
        policy.says(state).map(|text| PolicyLine {
            rule: state.key().to_string(),
            text: text.to_string(),
        })
    };
    if sla_met == Some(false) {
        if let Some(line) = line(PolicyState::SlaBreached) {
            return Some(line);
        }
    }
    let state = match status {
        Status::Exhausted => PolicyState::Exhausted,
        Status::AtRisk => PolicyState::AtRisk,
        Status::LowTraffic => PolicyState::LowTraffic,
        Status::NoData => PolicyState::NoData,
        Status::Ok => {
            let band = policy
                .remaining_above
                .iter()
                .find(|(share, _, _)| remaining_above(slo, counted, share));
            if let Some((_, written, text)) = band {
                return Some(PolicyLine {
                    rule: format!("remaining_above {written}"),
                    text: text.clone(),
                });
            }
            PolicyState::Ok
        }
    };
    line(state)
}

/// Whether the share of the error budget left is above `share`, exactly.
///
/// Counting events or slices, `remaining = 1 − bad / allowed` with `allowed = (d − n) × total /
/// d` for an objective `n / d`, so for a share `p / q`: `remaining > p / q ⇔ (q − p) × (d − n) ×
/// total > q × d × bad`. Under `ratio_timeslices`, `remaining = (mean − T) / (1 − T)`, so
/// `remaining > p / q ⇔ mean > (n × q + p × (d − n)) / (d × q)`.
fn remaining_above(slo: &Slo, counted: &Counted, share: &Percentage) -> bool {
    let (n, d) = (slo.objective.numerator(), slo.objective.denominator());
    let (p, q) = (share.numerator(), share.denominator());
    match slo.budgeting {
        Budgeting::RatioTimeslices(_) => counted
            .mean_ratio
            .as_ref()
            .is_some_and(|mean| mean.above(n * q + p * (d - n), d * q)),
        _ => {
            let units = &counted.units;
            if units.total == 0 {
                return false;
            }
            let bad = u128::from(units.total - units.good.min(units.total));
            let left = Natural::from_u128(q - p)
                .mul(&Natural::from_u128(d - n))
                .mul(&Natural::from_u128(u128::from(units.total)));
            let right = Natural::from_u128(q)
                .mul(&Natural::from_u128(d))
                .mul(&Natural::from_u128(bad));
            left > right
        }
    }
}
