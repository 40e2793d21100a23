//! Burn rates and multiwindow, multi-burn-rate alerts (DESIGN.md §4; SRE Workbook, "Alerting
//! on SLOs").
//!
//! A burn rate is how fast the budget goes: `(bad_L / total_L) / (1 − T)` over the lookback
//! `(A − L, A]`; 1 spends exactly the budget over the window. An alert fires when the burn
//! rates over its long *and* short lookbacks both exceed its threshold: `budget × D / long`, or
//! a burn rate written as one. That comparison
//! is made on exact integers (cross-multiplied, in 256 bits), so an alert at exactly its
//! threshold does not fire, whatever binary floating point would say.

use crate::aggregate::Counts;
use crate::spec::{Objective, Slo};
use crate::time::SpanDuration;

/// The lookbacks whose burn rates an SLO reports: every alert's long and short, plus `1h`,
/// distinct by how they are written, shortest first.
pub fn lookbacks(slo: &Slo) -> Vec<SpanDuration> {
    let mut lookbacks: Vec<SpanDuration> = Vec::new();
    let one_hour = SpanDuration::from_seconds(3600);
    let all = slo
        .alerts
        .iter()
        .flat_map(|rule| [&rule.long, &rule.short])
        .chain(std::iter::once(&one_hour));
    for lookback in all {
        if !lookbacks
            .iter()
            .any(|l| l.as_written() == lookback.as_written())
        {
            lookbacks.push(lookback.clone());
        }
    }
    lookbacks.sort_by_key(SpanDuration::seconds);
    lookbacks
}

/// The burn rate of `counts` against `objective`; `None` without events.
pub fn burn_rate(counts: &Counts, objective: &Objective) -> Option<f64> {
    if counts.total == 0 {
        return None;
    }
    let bad = u128::from(counts.total - counts.good);
    let d = objective.denominator();
    let n = objective.numerator();
    Some((bad * d) as f64 / (u128::from(counts.total) * (d - n)) as f64)
}

/// Whether the burn rate of `counts` exceeds the threshold `tn / td` (see
/// [`AlertRule::threshold_fraction`](crate::spec::AlertRule::threshold_fraction)), decided
/// exactly.
pub fn exceeds(counts: &Counts, objective: &Objective, (tn, td): (u128, u128)) -> bool {
    if counts.total == 0 || td == 0 {
        return false;
    }
    let bad = u128::from(counts.total - counts.good);
    let (d, n) = (objective.denominator(), objective.numerator());
    // bad·d / (total·(d − n)) > tn / td  ⇔  (bad·d) · td > tn · (total·(d − n))
    let left = widening_mul(bad * d, td);
    let right = widening_mul(tn, u128::from(counts.total) * (d - n));
    left > right
}

/// `a × b` as (high, low) 128-bit halves.
fn widening_mul(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a_hi, a_lo) = (a >> 64, a & MASK);
    let (b_hi, b_lo) = (b >> 64, b & MASK);
    let lo_lo = a_lo * b_lo;
    let hi_lo = a_hi * b_lo;
    let lo_hi = a_lo * b_hi;
    let hi_hi = a_hi * b_hi;
    let middle = (lo_lo >> 64) + (hi_lo & MASK) + (lo_hi & MASK);
    let low = (middle << 64) | (lo_lo & MASK);
    let high = hi_hi + (hi_lo >> 64) + (lo_hi >> 64) + (middle >> 64);
    (high, low)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{AlertRule, AlertThreshold, BurnRate, Percentage, Severity};
    use proptest::prelude::*;

    fn counts(total: u64, bad: u64) -> Counts {
        Counts {
            total,
            good: total - bad,
            ..Counts::default()
        }
    }

    const DAY_NS: i64 = 86_400_000_000_000;

    #[test]
    fn default_thresholds_for_thirty_days() {
        let window = 30 * DAY_NS;
        let thresholds: Vec<f64> = crate::spec::default_alerts()
            .iter()
            .map(|rule| rule.threshold(window))
            .collect();
        assert!((thresholds[0] - 14.4).abs() < 1e-12);
        assert!((thresholds[1] - 6.0).abs() < 1e-12);
        assert!((thresholds[2] - 1.0).abs() < 1e-12);
    }

    #[test]
    fn burn_rates_by_hand() {
        let objective = Objective::parse("99.9").unwrap();
        // 18 bad in 1000 at 99.9 %: 1.8 % errors against 0.1 % allowed = 18×.
        assert!((burn_rate(&counts(1000, 18), &objective).unwrap() - 18.0).abs() < 1e-12);
        assert_eq!(burn_rate(&counts(1000, 0), &objective), Some(0.0));
        assert_eq!(burn_rate(&counts(0, 0), &objective), None);
    }

    fn budget_rule(budget: &str, long: &str) -> AlertRule {
        AlertRule {
            severity: Severity::Page,
            threshold: AlertThreshold::Budget(Percentage::parse(budget, "budget").unwrap()),
            long: SpanDuration::parse(long).unwrap(),
            short: SpanDuration::parse("5m").unwrap(),
        }
    }

    #[test]
    fn exactly_at_the_threshold_does_not_fire() {
        let objective = Objective::parse("99.9").unwrap();
        let threshold = budget_rule("2", "1h").threshold_fraction(30 * DAY_NS);
        // Threshold 14.4: 144 bad in 10 000 burns exactly 14.4×; 145 exceeds it.
        assert!(!exceeds(&counts(10_000, 144), &objective, threshold));
        assert!(exceeds(&counts(10_000, 145), &objective, threshold));
        assert!(!exceeds(&counts(0, 0), &objective, threshold));
    }

    /// A burn rate written as one is compared as written, whatever the window: on 28 days,
    /// 14.4 is 2.142857…% of the budget in an hour, which a decimal share can only round.
    #[test]
    fn a_burn_rate_threshold_is_exact_on_any_window() {
        let objective = Objective::parse("99").unwrap();
        let rule = AlertRule {
            threshold: AlertThreshold::BurnRate(BurnRate::parse("14.4").unwrap()),
            ..budget_rule("2", "1h")
        };
        let threshold = rule.threshold_fraction(28 * DAY_NS);
        assert_eq!(rule.threshold(28 * DAY_NS), 14.4);
        // 144 bad in 1000 at 99 % burns exactly 14.4×; 145 exceeds it.
        assert!(!exceeds(&counts(1000, 144), &objective, threshold));
        assert!(exceeds(&counts(1000, 145), &objective, threshold));
        for text in ["0", "-1", "2%", "fast"] {
            assert!(BurnRate::parse(text).is_err(), "{text}");
        }
        assert_eq!(BurnRate::parse("1e2").unwrap().fraction(), (10_000, 100));
    }

    #[test]
    fn wide_multiplication() {
        assert_eq!(widening_mul(u128::MAX, 2), (1, u128::MAX - 1));
        assert_eq!(widening_mul(1 << 64, 1 << 64), (1, 0));
        assert_eq!(widening_mul(3, 5), (0, 15));
        assert_eq!(widening_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
    }

    proptest! {
        #[test]
        fn exact_decision_agrees_with_floats_away_from_the_threshold(
            total in 1u64..1_000_000, bad_share in 0.0f64..=1.0, window_days in 1i64..90,
        ) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a test's share of a u64 total, in 0..=1")]
            let bad = ((total as f64) * bad_share) as u64;
            let objective = Objective::parse("99.5").unwrap();
            let rule = budget_rule("5", "6h");
            let long = rule.long.clone();
            let c = counts(total, bad);
            let rate = burn_rate(&c, &objective).unwrap();
            let limit = 0.05 * (window_days * DAY_NS) as f64 / long.nanos() as f64;
            if (rate - limit).abs() > 1e-9 * limit {
                prop_assert_eq!(exceeds(&c, &objective, rule.threshold_fraction(window_days * DAY_NS)), rate > limit);
            }
        }
    }
}
