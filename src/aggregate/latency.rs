//! Latency percentiles in bounded memory: a mergeable sketch with a relative error of at most
//! 1 % (the log-bucket sketch of DDSketch, Masson, Rim and Lee, VLDB 2019).
//!
//! A positive value `x` falls in bucket `i = ⌈log_γ x⌉`, which holds `(γ^(i−1), γ^i]`, with
//! `γ = (1 + α) / (1 − α)`. The bucket's estimate `2γ^i / (γ + 1)` is within `α·x` of every
//! value in it, and buckets keep the values' order, so the `r`-th smallest value and the
//! estimate of the bucket holding the `r`-th count differ by at most `α` relatively. `α` is set
//! a little below 1 % so that rounding in `ln` at a bucket's edge never takes a value past
//! 1 %. Zero has a bucket of its own (estimated exactly). Counts are integers and merging adds
//! them, so a sketch is the same whatever the order of its values or the threads that read
//! them; the maximum is kept exactly.
//!
//! Memory: one counter per bucket between the smallest and the largest bucket seen — about
//! 116 per decade of values (a sketch of latencies from 1 ms to 30 s holds about 520, 4 KiB),
//! whatever the number of values.

/// The relative accuracy the sketch is built with: below the 1 % documented, for rounding.
const ALPHA: f64 = 0.0099;

/// A sketch of non-negative values (latencies in nanoseconds).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LatencySketch {
    /// Counts of buckets `offset..offset + counts.len()`.
    counts: Vec<u64>,
    /// The index of `counts[0]`.
    offset: i32,
    /// Values that were exactly zero.
    zeros: u64,
    /// Values in all.
    count: u64,
    /// The largest value, exactly.
    max: f64,
}

/// `ln γ`.
fn ln_gamma() -> f64 {
    ((1.0 + ALPHA) / (1.0 - ALPHA)).ln()
}

impl LatencySketch {
    /// Adds a value (non-negative and finite; others are ignored).
    pub fn add(&mut self, value: f64) {
        if !(value >= 0.0 && value.is_finite()) {
            return;
        }
        self.count += 1;
        if value > self.max {
            self.max = value;
        }
        if value == 0.0 {
            self.zeros += 1;
            return;
        }
        #[allow(
            clippy::cast_possible_truncation,
            reason = "ln of a finite positive f64 over ln γ is within ±36 000"
        )]
        let index = (value.ln() / ln_gamma()).ceil() as i32;
        self.bump(index, 1);
    }

    /// Adds `n` to the bucket `index`, growing the counters to reach it.
    fn bump(&mut self, index: i32, n: u64) {
        if self.counts.is_empty() {
            self.offset = index;
            self.counts.push(0);
        } else if index < self.offset {
            let grow = usize::try_from(self.offset - index).unwrap_or(0);
            self.counts.splice(0..0, std::iter::repeat_n(0, grow));
            self.offset = index;
        }
        let at = usize::try_from(index - self.offset).unwrap_or(0);
        if at >= self.counts.len() {
            self.counts.resize(at + 1, 0);
        }
        self.counts[at] += n;
    }

    /// Adds the values of another sketch.
    pub fn merge(&mut self, other: &LatencySketch) {
        self.count += other.count;
        self.zeros += other.zeros;
        if other.max > self.max {
            self.max = other.max;
        }
        for (i, &n) in other.counts.iter().enumerate() {
            if n > 0 {
                let index = other.offset + i32::try_from(i).unwrap_or(i32::MAX);
                self.bump(index, n);
            }
        }
    }

    /// How many values it holds.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The largest value; `None` when empty.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// The `q`-quantile (`0 < q ≤ 1`) by nearest rank: an estimate within 1 % of the
    /// `⌈q·n⌉`-th smallest of the `n` values; `None` when empty.
    pub fn quantile(&self, q: f64) -> Option<f64> {
        if self.count == 0 {
            return None;
        }
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            clippy::cast_precision_loss,
            reason = "a rank between 1 and the count"
        )]
        let rank = ((q * self.count as f64).ceil() as u64).clamp(1, self.count);
        if rank <= self.zeros {
            return Some(0.0);
        }
        let mut seen = self.zeros;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= rank {
                let index = self.offset + i32::try_from(i).unwrap_or(i32::MAX);
                let gamma = ln_gamma().exp();
                let estimate = 2.0 * (f64::from(index) * ln_gamma()).exp() / (gamma + 1.0);
                // Never above the largest value seen, which is exact.
                return Some(estimate.min(self.max));
            }
        }
        Some(self.max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The `⌈q·n⌉`-th smallest of `values`, exactly.
    fn nearest_rank(values: &[f64], q: f64) -> f64 {
        let mut sorted = values.to_vec();
        sorted.sort_by(f64::total_cmp);
        #[allow(
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss,
            reason = "a rank"
        )]
        let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
        sorted[rank - 1]
    }

    fn within_one_percent(estimate: f64, exact: f64) -> bool {
        (estimate - exact).abs() <= 0.01 * exact
    }

    const QUANTILES: [f64; 5] = [0.5, 0.9, 0.95, 0.99, 1.0];

    #[test]
    fn small_sets_by_hand() {
        let mut sketch = LatencySketch::default();
        assert_eq!(sketch.quantile(0.5), None);
        for ms in [100.0, 200.0, 300.0, 400.0, 1000.0] {
            sketch.add(ms * 1e6);
        }
        // Nearest rank of 5 values: p50 is the 3rd, p90, p95 and p99 the 5th.
        assert!(within_one_percent(sketch.quantile(0.5).unwrap(), 300e6));
        assert!(within_one_percent(sketch.quantile(0.9).unwrap(), 1000e6));
        assert_eq!(sketch.max(), Some(1000e6));
        assert_eq!(sketch.count(), 5);
        // Zeros are exact, and NaN or negative values are not values.
        let mut zeros = LatencySketch::default();
        for value in [0.0, 0.0, 5.0, f64::NAN, -1.0] {
            zeros.add(value);
        }
        assert_eq!((zeros.count(), zeros.quantile(0.5)), (3, Some(0.0)));
        assert!(within_one_percent(zeros.quantile(1.0).unwrap(), 5.0));
    }

    #[test]
    fn every_bucket_edge_stays_within_one_percent() {
        // Values at and next to the edges γ^i, where rounding in ln could pick a neighbour.
        let gamma = ln_gamma().exp();
        for i in -2000..3000 {
            let edge = gamma.powi(i);
            for value in [edge, edge.next_up(), edge.next_down()] {
                let mut sketch = LatencySketch::default();
                sketch.add(value);
                sketch.add(value * 2.0);
                let estimate = sketch.quantile(0.5).unwrap();
                assert!(within_one_percent(estimate, value), "{value}: {estimate}");
            }
        }
    }

    #[test]
    fn memory_grows_with_the_range_of_values_not_their_number() {
        let mut sketch = LatencySketch::default();
        // A million latencies between 1 ms and 10 ms: one decade of buckets.
        for i in 0..1_000_000u32 {
            sketch.add(1e6 * (1.0 + 9.0 * f64::from(i % 1000) / 1000.0));
        }
        assert_eq!(sketch.count(), 1_000_000);
        assert!(
            sketch.counts.len() <= 118,
            "{} buckets",
            sketch.counts.len()
        );
    }

    proptest! {
        /// Log-normal-ish latencies over nine decades, in any order and split anywhere: every
        /// percentile within 1 % of the exact nearest-rank value, the maximum exact, and the
        /// sketch of the parts merged the same as the sketch of the whole.
        #[test]
        fn percentiles_are_within_one_percent(
            exponents in prop::collection::vec(0.0f64..9.0, 1..400),
            cut in any::<prop::sample::Index>(),
        ) {
            let values: Vec<f64> = exponents.iter().map(|e| 10f64.powf(*e)).collect();
            let mut whole = LatencySketch::default();
            for v in &values {
                whole.add(*v);
            }
            for q in QUANTILES {
                let exact = nearest_rank(&values, q);
                let estimate = whole.quantile(q).unwrap();
                prop_assert!(within_one_percent(estimate, exact), "q {q}: {estimate} against {exact}");
            }
            let largest = values.iter().copied().fold(0.0, f64::max);
            prop_assert_eq!(whole.max(), Some(largest));
            let cut = cut.index(values.len() + 1);
            let (mut first, mut second) = (LatencySketch::default(), LatencySketch::default());
            for v in &values[..cut] {
                first.add(*v);
            }
            for v in values[cut..].iter().rev() {
                second.add(*v);
            }
            second.merge(&first);
            prop_assert_eq!(second, whole);
        }
    }
}
