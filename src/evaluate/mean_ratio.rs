//! The SLI of `budgeting: ratio_timeslices` (DESIGN.md §3) — the mean of the per-slice ratios
//! `good_i / total_i` over the `n` slices that hold events — compared with the objective and
//! with alert thresholds exactly, and reported the same on every run.
//!
//! Summed in binary floating point, the ratios give a result that depends on the order of the
//! terms (a hash map's, which changes from run to run), so a mean that equals the objective
//! (1/3, 5/6, 5/6, 2/3, 5/6 against 70 %) would land on either side of it. Here the sum `S = Σ good_i / total_i` is held
//! in 64.64 fixed point first: the integer `Q = Σ ⌊good_i · 2⁶⁴ / total_i⌋`, which no order of
//! the terms changes, and `m`, the number of terms that were not exact, so that `S · 2⁶⁴` lies
//! in `[Q, Q + m)` (and equals `Q` when `m = 0`). That decides every comparison of the mean
//! with a number further than `m / (n · 2⁶⁴)` from it. The others — in practice, exact ties —
//! are decided on `S` as an exact fraction, summed over the distinct slice totals with their
//! least common multiple as the denominator.
//!
//! Bounds: `Q` fits in a `u128` while fewer than 2⁶³ slices hold events, far more than a
//! tally can hold. The exact fraction cannot overflow (it is a [`Natural`]); its denominator
//! takes at most 64 bits per distinct slice total, and slices holding `E` events in all have at
//! most `√(2E)` distinct totals (about 1 400 for a million events: under 12 KiB), so the rare exact
//! sum costs time in proportion to that count times that size.
//!
//! Figures are rounded to `f64` once, from integers: from `Q` when it decides, from the exact
//! sum otherwise. Their sign is always that of the exact comparison, so `remaining ≤ 0` exactly
//! when the budget is exhausted, and at an exact tie `sli_margin` and `remaining` are 0 and
//! `consumed` 1.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "remainders below a u64 total, slice counts far below i64::MAX, and lookbacks that are positive durations"
)]

use std::cell::OnceCell;
use std::cmp::Ordering;
use std::collections::BTreeMap;

use super::natural::{gcd, ratio_to_f64, Natural};
use crate::aggregate::SliceCounts;
use crate::spec::Objective;

/// The mean of `good / total` over the slices `first..end` of one group that hold events.
#[derive(Debug)]
pub struct MeanRatio<'a> {
    slices: &'a SliceCounts,
    range: (i64, i64),
    /// Slices in the range that hold events: `n`.
    with_events: u64,
    /// `Q`, see the module docs.
    fixed: u128,
    /// `m`: terms of `Q` that were rounded down.
    inexact: u64,
    /// `S` as numerator and denominator, summed only when `Q` cannot decide.
    exact: OnceCell<(Natural, Natural)>,
}

/// `mean − p / q`: its sign, exact, and its size as a fraction (exact, or from `Q` when that
/// decided the sign).
struct Difference {
    sign: Ordering,
    magnitude: Natural,
    denominator: Natural,
}

impl Difference {
    fn negated(self) -> Difference {
        Difference {
            sign: self.sign.reverse(),
            ..self
        }
    }

    /// The difference times `a / b` (`b > 0`), rounded once.
    fn times(&self, a: u128, b: u128) -> f64 {
        let size = ratio_to_f64(
            &self.magnitude.mul(&Natural::from_u128(a)),
            &self.denominator.mul(&Natural::from_u128(b)),
        );
        match self.sign {
            Ordering::Less => -size,
            Ordering::Equal => 0.0,
            Ordering::Greater => size,
        }
    }
}

impl<'a> MeanRatio<'a> {
    /// The mean over the slices `first..end` of `slices`; `None` when none of them holds an
    /// event.
    pub fn new(slices: &'a SliceCounts, (first, end): (i64, i64)) -> Option<Self> {
        let mut with_events = 0u64;
        let mut fixed = 0u128;
        let mut inexact = 0u64;
        for (index, counts) in slices {
            if !(first..end).contains(index) || counts.total == 0 {
                continue;
            }
            with_events += 1;
            // good ≤ total < 2⁶⁴, so good · 2⁶⁴ fits and the term is at most 2⁶⁴.
            let scaled = u128::from(counts.good.min(counts.total)) << 64;
            let total = u128::from(counts.total);
            let term = scaled / total;
            fixed += term;
            inexact += u64::from(term * total != scaled);
        }
        (with_events > 0).then(|| MeanRatio {
            slices,
            range: (first, end),
            with_events,
            fixed,
            inexact,
            exact: OnceCell::new(),
        })
    }

    /// The mean, in `[0, 1]`.
    pub fn value(&self) -> f64 {
        self.difference(&Natural::zero(), &Natural::from_u128(1))
            .times(1, 1)
    }

    /// `mean − T`.
    pub fn margin(&self, objective: &Objective) -> f64 {
        self.minus_objective(objective).times(1, 1)
    }

    /// `(mean − T) / (1 − T)`: the share of the error budget left; at most 0 exactly when
    /// [`MeanRatio::exhausted`].
    pub fn remaining(&self, objective: &Objective) -> f64 {
        let (d, n) = (objective.denominator(), objective.numerator());
        self.minus_objective(objective).times(d, d - n)
    }

    /// `(1 − mean) / (1 − T)`: the share of the error budget consumed, or over a lookback the
    /// burn rate.
    pub fn consumed(&self, objective: &Objective) -> f64 {
        let (d, n) = (objective.denominator(), objective.numerator());
        self.difference(&Natural::from_u128(1), &Natural::from_u128(1))
            .negated()
            .times(d, d - n)
    }

    /// Whether the mean is at or below the objective: the budget is spent.
    pub fn exhausted(&self, objective: &Objective) -> bool {
        self.minus_objective(objective).sign != Ordering::Greater
    }

    /// Whether the mean is at or above `level` (an SLA): met at exactly the level.
    pub fn reaches(&self, level: &Objective) -> bool {
        self.minus_objective(level).sign != Ordering::Less
    }

    /// Whether the mean is above `p / q` (`q > 0`), exactly.
    pub fn above(&self, p: u128, q: u128) -> bool {
        self.difference(&Natural::from_u128(p), &Natural::from_u128(q))
            .sign
            == Ordering::Greater
    }

    /// Whether the burn rate `(1 − mean) / (1 − T)` exceeds the threshold `tn / td` (DESIGN.md
    /// §4), decided exactly: `mean < (td · d − tn · (d − n)) / (td · d)`.
    pub fn burn_exceeds(&self, objective: &Objective, (tn, td): (u128, u128)) -> bool {
        if td == 0 {
            return false;
        }
        let (d, n) = (objective.denominator(), objective.numerator());
        let q = Natural::from_u128(td).mul(&Natural::from_u128(d));
        let spent = Natural::from_u128(tn).mul(&Natural::from_u128(d - n));
        // With a threshold at or above the highest burn rate (mean 0), nothing fires.
        if spent >= q {
            return false;
        }
        self.difference(&q.sub(&spent), &q).sign == Ordering::Less
    }

    fn minus_objective(&self, objective: &Objective) -> Difference {
        self.difference(
            &Natural::from_u128(objective.numerator()),
            &Natural::from_u128(objective.denominator()),
        )
    }

    /// `mean − p / q` (`q > 0`): `(S · q − n · p) / (n · q)`.
    fn difference(&self, p: &Natural, q: &Natural) -> Difference {
        let n = Natural::from_u128(self.with_events.into());
        // With S · 2⁶⁴ in [Q, Q + m): compare Q · q with n · p · 2⁶⁴.
        let low = Natural::from_u128(self.fixed).mul(q);
        let goal = n.mul(p).shl(64);
        let decided = if self.inexact == 0 {
            Some(low.cmp(&goal))
        } else if low > goal {
            Some(Ordering::Greater)
        } else if low.add(&Natural::from_u128(self.inexact.into()).mul(q)) <= goal {
            Some(Ordering::Less)
        } else {
            None
        };
        let (left, right, denominator, sign) = match decided {
            Some(sign) => (low, goal, n.mul(q).shl(64), sign),
            None => {
                let (sum, sum_denominator) = self.exact_sum();
                let left = sum.mul(q);
                let right = n.mul(p).mul(sum_denominator);
                let sign = left.cmp(&right);
                (left, right, n.mul(q).mul(sum_denominator), sign)
            }
        };
        let magnitude = if left >= right {
            left.sub(&right)
        } else {
            right.sub(&left)
        };
        Difference {
            sign,
            magnitude,
            denominator,
        }
    }

    /// `S` exactly, as numerator and denominator: the slices' goods summed per distinct total
    /// (in ascending order of totals), each `good / total` added over the least common multiple
    /// of the denominators so far.
    fn exact_sum(&self) -> &(Natural, Natural) {
        self.exact.get_or_init(|| {
            let (first, end) = self.range;
            let mut by_total: BTreeMap<u64, u128> = BTreeMap::new();
            for (index, counts) in self.slices {
                if (first..end).contains(index) && counts.total > 0 {
                    *by_total.entry(counts.total).or_default() +=
                        u128::from(counts.good.min(counts.total));
                }
            }
            let mut whole = 0u128;
            let mut numerator = Natural::zero();
            let mut denominator = Natural::from_u128(1);
            for (total, good) in by_total {
                whole += good / u128::from(total);
                // Below `total`, so it fits in a u64.
                let rest = (good % u128::from(total)) as u64;
                if rest == 0 {
                    continue;
                }
                let common = gcd(rest, total);
                let (rest, total) = (rest / common, total / common);
                // a/b + r/t = (a · (t/g) + r · (b/g)) / (b · (t/g)), with g = gcd(b, t).
                let shared = gcd(denominator.div_rem_small(total).1, total);
                let scale = total / shared;
                let (part, _) = denominator.div_rem_small(shared);
                numerator = numerator.mul_small(scale).add(&part.mul_small(rest));
                denominator = denominator.mul_small(scale);
            }
            let numerator = Natural::from_u128(whole).mul(&denominator).add(&numerator);
            (numerator, denominator)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::Counts;
    use proptest::prelude::*;

    fn slices(ratios: &[(u64, u64)]) -> SliceCounts {
        ratios
            .iter()
            .enumerate()
            .map(|(i, &(good, total))| {
                (
                    i as i64,
                    Counts {
                        total,
                        good,
                        ..Counts::default()
                    },
                )
            })
            .collect()
    }

    fn objective(text: &str) -> Objective {
        Objective::parse(text).unwrap()
    }

    #[test]
    fn an_exact_tie_is_exhausted_with_round_figures() {
        // (1/3 + 5/6 + 5/6 + 2/3 + 5/6) / 5 = 0.7 exactly; in floats, 0.7 ± 1 ulp by order.
        let s = slices(&[(1, 3), (5, 6), (5, 6), (2, 3), (5, 6)]);
        let mean = MeanRatio::new(&s, (0, 5)).unwrap();
        let o = objective("70");
        assert!(mean.exact.get().is_none());
        assert!(mean.exhausted(&o));
        // Q alone cannot tell: the exact sum was needed.
        assert!(mean.exact.get().is_some());
        assert_eq!(mean.value(), 0.7);
        assert_eq!(mean.margin(&o), 0.0);
        assert_eq!(mean.remaining(&o), 0.0);
        assert_eq!(mean.consumed(&o), 1.0);
        assert!(mean.reaches(&o));
        assert!(!mean.reaches(&objective("70.0001")));
        assert!(!mean.exhausted(&objective("69.9999")));
        assert!(mean.exhausted(&objective("70.0001")));
    }

    #[test]
    fn far_from_the_objective_fixed_point_decides() {
        // 1.0, 0.9, 0.8, 0.0, 1.0 → 0.74 (the hand-computed case of tests/timeslices.rs).
        let s = slices(&[(2, 2), (9, 10), (8, 10), (0, 1), (3, 3)]);
        let mean = MeanRatio::new(&s, (0, 5)).unwrap();
        let o = objective("70");
        assert!(!mean.exhausted(&o));
        assert!((mean.value() - 0.74).abs() < 1e-15);
        assert!((mean.consumed(&o) - 0.26 / 0.3).abs() < 1e-15);
        assert!((mean.remaining(&o) - 0.04 / 0.3).abs() < 1e-15);
        assert!(mean.exact.get().is_none());
        // Outside the range, or without events: nothing.
        assert!(MeanRatio::new(&s, (5, 9)).is_none());
        assert!(MeanRatio::new(&slices(&[(0, 0)]), (0, 1)).is_none());
        // Exact terms decide alone, even at a tie: 1/2 and 1 against 75 %.
        let s = slices(&[(1, 2), (4, 4)]);
        let mean = MeanRatio::new(&s, (0, 2)).unwrap();
        assert!(mean.exhausted(&objective("75")));
        assert_eq!(mean.remaining(&objective("75")), 0.0);
        assert!(mean.exact.get().is_none());
    }

    #[test]
    fn a_near_tie_is_told_apart_from_a_tie() {
        // With t = 2⁶² + 1, (t − 1)/t + 1/(t + 1) = 1 − 1/(t(t + 1)) and 1/t + t/(t + 1) =
        // 1 + 1/(t(t + 1)): means about 2⁻¹²⁵ below and above 50 %, far closer than Q can tell.
        let t = (1u64 << 62) + 1;
        let o = objective("50");
        let below = slices(&[(t - 1, t), (1, t + 1)]);
        let mean = MeanRatio::new(&below, (0, 2)).unwrap();
        assert!(mean.exhausted(&o));
        assert!(mean.exact.get().is_some());
        assert!(mean.remaining(&o) < 0.0);
        let margin = mean.margin(&o);
        let expected = -0.5 / (t as f64 * (t as f64 + 1.0));
        assert!(
            (margin - expected).abs() <= 1e-15 * expected.abs(),
            "{margin}"
        );
        let above = slices(&[(1, t), (t, t + 1)]);
        let mean = MeanRatio::new(&above, (0, 2)).unwrap();
        assert!(!mean.exhausted(&o));
        assert!(mean.exact.get().is_some());
        assert!(mean.remaining(&o) > 0.0);
        assert!((mean.margin(&o) + expected).abs() <= 1e-15 * expected.abs());
    }

    #[test]
    fn alerts_fire_only_above_the_threshold() {
        // Objective 90, budget 10 % of a 60m window over a 10m lookback: threshold 0.6, reached
        // exactly at mean 1 − 0.6 × 0.1 = 0.94, which does not fire.
        let threshold = (6, 10);
        let o = objective("90");
        let at = slices(&[(47, 50), (94, 100)]);
        let mean = MeanRatio::new(&at, (0, 2)).unwrap();
        assert!(!mean.burn_exceeds(&o, threshold));
        let worse = slices(&[(47, 50), (93, 100)]);
        let mean = MeanRatio::new(&worse, (0, 2)).unwrap();
        assert!(mean.burn_exceeds(&o, threshold));
        // A threshold at or above the highest possible burn rate (10×) never fires: all of
        // the budget over 6m of a 60m window is 10×, over 7m 60/7×.
        let all_bad = slices(&[(0, 5)]);
        let mean = MeanRatio::new(&all_bad, (0, 1)).unwrap();
        assert!(!mean.burn_exceeds(&o, (10, 1)));
        assert!(mean.burn_exceeds(&o, (60, 7)));
    }

    /// The exact sum of small fractions, as a fraction of u128s, by a direct method.
    fn oracle(ratios: &[(u64, u64)]) -> (u128, u128) {
        fn gcd128(mut a: u128, mut b: u128) -> u128 {
            while b != 0 {
                (a, b) = (b, a % b);
            }
            a
        }
        ratios.iter().fold((0, 1), |(num, den), &(good, total)| {
            let (g, t) = (u128::from(good), u128::from(total));
            let (num, den) = (num * t + g * den, den * t);
            let common = gcd128(num, den).max(1);
            (num / common, den / common)
        })
    }

    proptest! {
        #[test]
        fn decisions_agree_with_exact_fractions(
            ratios in prop::collection::vec((1u64..=12).prop_flat_map(|t| (0..=t, Just(t))), 1..12),
            whole in 1u32..100,
            tenths in 0u32..10,
        ) {
            let o = objective(&format!("{whole}.{tenths}"));
            let s = slices(&ratios);
            let mean = MeanRatio::new(&s, (0, ratios.len() as i64)).unwrap();
            let (num, den) = oracle(&ratios);
            let n = ratios.len() as u128;
            // mean ≤ T ⇔ num · d ≤ n · N · den.
            let exact = num * o.denominator() <= n * o.numerator() * den;
            prop_assert_eq!(mean.exhausted(&o), exact);
            prop_assert_eq!(mean.remaining(&o) <= 0.0, exact);
            let value = num as f64 / (n * den) as f64;
            prop_assert!((mean.value() - value).abs() <= 1e-15, "{} {}", mean.value(), value);
            // Every order of the slices gives the same figures, bit for bit.
            let mut reversed = ratios.clone();
            reversed.reverse();
            let r = slices(&reversed);
            let again = MeanRatio::new(&r, (0, ratios.len() as i64)).unwrap();
            prop_assert_eq!(again.remaining(&o).to_bits(), mean.remaining(&o).to_bits());
            prop_assert_eq!(again.consumed(&o).to_bits(), mean.consumed(&o).to_bits());
        }
    }
}
