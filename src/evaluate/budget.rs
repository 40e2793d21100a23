//! SLI and error budget of one window (DESIGN.md §4), decided exactly.
//!
//! With objective `T = n / d` (an exact decimal, see [`Objective`]) and `total` events of which
//! `bad` are bad, the allowed bad events are `(d − n) × total / d`. Comparisons with the budget
//! are made on the integers `bad × d` and `(d − n) × total`, so "1 bad event in 1000 at 99.9 %"
//! is exactly exhausted; only the reported fractions are rounded to `f64`.

use crate::spec::Objective;

/// The §4 figures of one window.
#[derive(Debug, Clone, PartialEq)]
pub struct BudgetFigures {
    /// `good / total`; `None` without events.
    pub sli: Option<f64>,
    /// `sli − T`; `None` without events.
    pub sli_margin: Option<f64>,
    /// `(1 − T) × total`.
    pub allowed: f64,
    /// `bad / allowed`; `None` without events.
    pub consumed: Option<f64>,
    /// `1 − consumed`; `None` without events.
    pub remaining: Option<f64>,
    /// `remaining ≤ 0`, decided exactly.
    pub exhausted: bool,
}

/// Computes the figures for `good` good events out of `total`.
pub fn budget(total: u64, good: u64, objective: &Objective) -> BudgetFigures {
    let good = good.min(total);
    let bad = u128::from(total - good);
    let total_wide = u128::from(total);
    let d = objective.denominator();
    let n = objective.numerator();
    // Both sides scaled by d: allowed × d and bad × d.
    let allowed_scaled = (d - n) * total_wide;
    let bad_scaled = bad * d;
    let allowed = allowed_scaled as f64 / d as f64;
    if total == 0 {
        return BudgetFigures {
            sli: None,
            sli_margin: None,
            allowed,
            consumed: None,
            remaining: None,
            exhausted: false,
        };
    }
    let sli = good as f64 / total as f64;
    // sli − n/d = (good × d − n × total) / (d × total)
    let margin_numerator = signed_difference(u128::from(good) * d, n * total_wide);
    let sli_margin = margin_numerator / (d as f64 * total as f64);
    let consumed = bad_scaled as f64 / allowed_scaled as f64;
    let remaining = signed_difference(allowed_scaled, bad_scaled) / allowed_scaled as f64;
    BudgetFigures {
        sli: Some(sli),
        sli_margin: Some(sli_margin),
        allowed,
        consumed: Some(consumed),
        remaining: Some(remaining),
        exhausted: bad_scaled >= allowed_scaled,
    }
}

/// The bad time a `timeslices` budget allows, and what is left of it, in seconds, for `total`
/// slices of `slice_seconds` of which `good` are good: `(1 − T) × total × length` and
/// `((1 − T) × total − bad) × length`. Computed on integers and divided once, so a budget of
/// 2.88 slices of 5 minutes less 2 bad ones leaves 264 s, not 263.99999999999994.
pub fn slice_seconds(
    total: u64,
    good: u64,
    objective: &Objective,
    slice_seconds: u64,
) -> (f64, f64) {
    let bad = u128::from(total - good.min(total));
    let (d, n) = (objective.denominator(), objective.numerator());
    let length = u128::from(slice_seconds);
    let allowed_scaled = (d - n) * u128::from(total) * length;
    let bad_scaled = bad * d * length;
    (
        quotient(allowed_scaled, d),
        if allowed_scaled >= bad_scaled {
            quotient(allowed_scaled - bad_scaled, d)
        } else {
            -quotient(bad_scaled - allowed_scaled, d)
        },
    )
}

/// `a / b` as the nearest `f64` (within one rounding of the fraction's part).
fn quotient(a: u128, b: u128) -> f64 {
    (a / b) as f64 + (a % b) as f64 / b as f64
}

/// How `good` good units out of `total` stand against the SLA `sla`: `sli − sla` and whether
/// `sli ≥ sla`, decided exactly (`good × d ≥ n × total`); both `None` without events.
pub fn sla_standing(total: u64, good: u64, sla: &Objective) -> (Option<f64>, Option<bool>) {
    if total == 0 {
        return (None, None);
    }
    let good = u128::from(good.min(total));
    let total = u128::from(total);
    let (d, n) = (sla.denominator(), sla.numerator());
    let margin = signed_difference(good * d, n * total) / (d as f64 * total as f64);
    (Some(margin), Some(good * d >= n * total))
}

fn signed_difference(a: u128, b: u128) -> f64 {
    if a >= b {
        (a - b) as f64
    } else {
        -((b - a) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn objective(text: &str) -> Objective {
        Objective::parse(text).unwrap()
    }

    #[test]
    fn worked_example_of_the_design() {
        // 99.9 %, 1 000 000 events, 500 bad.
        let f = budget(1_000_000, 999_500, &objective("99.9"));
        assert_eq!(f.sli, Some(0.9995));
        assert!((f.sli_margin.unwrap() - 0.0005).abs() < 1e-15);
        assert_eq!(f.allowed, 1000.0);
        assert_eq!(f.consumed, Some(0.5));
        assert_eq!(f.remaining, Some(0.5));
        assert!(!f.exhausted);
    }

    #[test]
    fn the_exact_boundary_is_exhausted() {
        // 99.9 %, 1000 events, 1 bad: the budget of 1 bad event is exactly spent.
        let f = budget(1000, 999, &objective("99.9"));
        assert_eq!(f.allowed, 1.0);
        assert_eq!(f.consumed, Some(1.0));
        assert_eq!(f.remaining, Some(0.0));
        assert!(f.exhausted);
        // One event fewer in total: 1 bad in 999 overspends slightly.
        let f = budget(999, 998, &objective("99.9"));
        assert!(f.exhausted);
        assert!(f.remaining.unwrap() < 0.0);
        // 1 bad in 1001 leaves a sliver.
        let f = budget(1001, 1000, &objective("99.9"));
        assert!(!f.exhausted);
        assert!(f.remaining.unwrap() > 0.0);
    }

    #[test]
    fn float_trouble_spots_stay_exact() {
        // 0.1 and 0.2 are not exact in binary; 99.7 % of 10 is 3 bad allowed... of 1000 → 3.
        let f = budget(1000, 997, &objective("99.7"));
        assert!(f.exhausted);
        assert_eq!(f.remaining, Some(0.0));
        let f = budget(10, 9, &objective("90"));
        assert!(f.exhausted);
        let f = budget(100_000, 99_990, &objective("99.99"));
        assert!(f.exhausted);
        assert_eq!(f.consumed, Some(1.0));
    }

    #[test]
    fn bad_time_left_is_exact_in_seconds() {
        // 99 % of 288 five-minute slices allows 2.88 slices, 864 s; 2 bad slices leave 264 s.
        assert_eq!(
            slice_seconds(288, 286, &objective("99"), 300),
            (864.0, 264.0)
        );
        // 97 % of 60 one-minute slices allows 1.8 slices, 108 s; 2 bad ones overspend by 12 s.
        assert_eq!(slice_seconds(60, 58, &objective("97"), 60), (108.0, -12.0));
        // 99.95 % of 30 days of minutes: 21.6 minutes, 1296 s; 7 bad minutes leave 876 s.
        assert_eq!(
            slice_seconds(43_200, 43_193, &objective("99.95"), 60),
            (1296.0, 876.0)
        );
        // A hundred-trillionth of a second is as near as an f64 gets.
        assert_eq!(
            slice_seconds(1, 1, &objective("99.999999999999"), 1).0,
            1e-14
        );
    }

    #[test]
    fn hand_computed_cases() {
        let f = budget(200, 190, &objective("99"));
        assert_eq!(f.sli, Some(0.95));
        assert_eq!(f.allowed, 2.0);
        assert_eq!(f.consumed, Some(5.0));
        assert_eq!(f.remaining, Some(-4.0));
        assert!((f.sli_margin.unwrap() + 0.04).abs() < 1e-15);
        let f = budget(4000, 4000, &objective("99.5"));
        assert_eq!(f.sli, Some(1.0));
        assert_eq!(f.consumed, Some(0.0));
        assert_eq!(f.remaining, Some(1.0));
        assert!(!f.exhausted);
    }

    #[test]
    fn an_sli_equal_to_the_sla_meets_it() {
        let sla = objective("99.5");
        // 995 good of 1000 is exactly 99.5 %: met, with a margin of exactly 0.
        assert_eq!(sla_standing(1000, 995, &sla), (Some(0.0), Some(true)));
        // One good event fewer breaches it.
        let (margin, met) = sla_standing(1000, 994, &sla);
        assert_eq!(met, Some(false));
        assert!((margin.unwrap() + 0.001).abs() < 1e-15);
        assert_eq!(sla_standing(0, 0, &sla), (None, None));
        // 99.7 % of 1000 is 997, not 996.99…: exact where floats are not.
        assert_eq!(sla_standing(1000, 997, &objective("99.7")).1, Some(true));
        assert_eq!(sla_standing(1000, 996, &objective("99.7")).1, Some(false));
    }

    #[test]
    fn no_events_no_figures() {
        let f = budget(0, 0, &objective("99.9"));
        assert_eq!(f.sli, None);
        assert_eq!(f.consumed, None);
        assert_eq!(f.remaining, None);
        assert_eq!(f.allowed, 0.0);
        assert!(!f.exhausted);
    }

    fn objectives() -> impl Strategy<Value = Objective> {
        (1u32..100, 0u32..10_000).prop_map(|(whole, fraction)| {
            let text = if whole == 99 {
                format!("99.{fraction:04}")
            } else {
                format!("{whole}.{fraction:04}")
            };
            Objective::parse(&text).unwrap()
        })
    }

    proptest! {
        #[test]
        fn budget_invariants(total in 1u64..10_000_000, bad_share in 0.0f64..=1.0, o in objectives()) {
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss, reason = "a test's share of a u64 total, in 0..=1")]
            let bad = ((total as f64) * bad_share) as u64;
            let f = budget(total, total - bad, &o);
            let sli = f.sli.unwrap();
            prop_assert!((0.0..=1.0).contains(&sli));
            prop_assert!((f.consumed.unwrap() + f.remaining.unwrap() - 1.0).abs() < 1e-9 * f.consumed.unwrap().max(1.0));
            // exhausted iff bad ≥ allowed, checked in exact integers: bad·d ≥ (d − n)·total.
            let exact = u128::from(bad) * o.denominator() >= (o.denominator() - o.numerator()) * u128::from(total);
            prop_assert_eq!(f.exhausted, exact);
            prop_assert_eq!(f.exhausted, f.remaining.unwrap() <= 0.0);
        }

        #[test]
        fn more_bad_events_never_leave_more_budget(total in 1u64..1_000_000, bad in 0u64..1_000_000, o in objectives()) {
            let bad = bad.min(total - 1);
            let fewer = budget(total, total - bad, &o);
            let more = budget(total, total - bad - 1, &o);
            prop_assert!(more.remaining.unwrap() <= fewer.remaining.unwrap());
            prop_assert!(more.consumed.unwrap() >= fewer.consumed.unwrap());
            prop_assert!(!fewer.exhausted || more.exhausted);
        }

        #[test]
        fn more_good_events_never_consume_more(total in 1u64..1_000_000, bad in 0u64..1_000_000, o in objectives()) {
            let bad = bad.min(total);
            let before = budget(total, total - bad, &o);
            let after = budget(total + 1, total + 1 - bad, &o);
            prop_assert!(after.consumed.unwrap() <= before.consumed.unwrap());
            prop_assert!(after.sli.unwrap() >= before.sli.unwrap());
            prop_assert!(!after.exhausted || before.exhausted);
        }

        /// Totals whose allowed bad events are a whole number `k`: `k` bad events spend the
        /// budget exactly (consumed 1, remaining 0, exhausted) and `k − 1` leave some.
        #[test]
        fn the_exact_boundary_is_exhausted_at_every_objective(o in objectives(), multiple in 1u64..200) {
            let d = o.denominator();
            let n = o.numerator();
            let (mut a, mut b) = (d, d - n);
            while b != 0 {
                (a, b) = (b, a % b);
            }
            let total = u64::try_from(d / a).unwrap() * multiple;
            let allowed = u64::try_from((d - n) * u128::from(total) / d).unwrap();
            prop_assert_eq!(u128::from(allowed) * d, (d - n) * u128::from(total));
            let spent = budget(total, total - allowed, &o);
            prop_assert!(spent.exhausted);
            prop_assert_eq!(spent.consumed, Some(1.0));
            prop_assert_eq!(spent.remaining, Some(0.0));
            let left = budget(total, total - (allowed - 1), &o);
            prop_assert!(!left.exhausted);
            prop_assert!(left.remaining.unwrap() > 0.0);
        }
    }
}
