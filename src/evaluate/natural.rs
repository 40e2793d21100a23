//! Unsigned integers of any size, with only what the exact mean of slice ratios needs
//! ([`super::mean_ratio`]): sums and products of fractions whose denominators outgrow 128 bits,
//! compared exactly and rounded to `f64` once.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "limbs: a u128 product or quotient is split into its u64 halves on purpose, and bit counts and exponents are small"
)]

use std::cmp::Ordering;

/// An unsigned integer of any size: little-endian 64-bit limbs, without high zero limbs (so
/// that equal numbers have equal limbs and zero has none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Natural(Vec<u64>);

impl Natural {
    /// Zero.
    pub fn zero() -> Natural {
        Natural(Vec::new())
    }

    /// `value` as a natural.
    pub fn from_u128(value: u128) -> Natural {
        Natural(vec![value as u64, (value >> 64) as u64]).trimmed()
    }

    fn trimmed(mut self) -> Natural {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    /// Whether this is zero.
    pub fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    /// The number of significant bits (0 for zero).
    fn bits(&self) -> u64 {
        self.0.last().map_or(0, |top| {
            64 * self.0.len() as u64 - u64::from(top.leading_zeros())
        })
    }

    /// `self + other`.
    pub fn add(&self, other: &Natural) -> Natural {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut out = Vec::with_capacity(long.0.len() + 1);
        let mut carry = false;
        for (i, &limb) in long.0.iter().enumerate() {
            let (sum, c1) = limb.overflowing_add(short.0.get(i).copied().unwrap_or(0));
            let (sum, c2) = sum.overflowing_add(u64::from(carry));
            out.push(sum);
            carry = c1 || c2;
        }
        out.push(u64::from(carry));
        Natural(out).trimmed()
    }

    /// `self − other`, which must not be negative (`self ≥ other`); zero if it is.
    pub fn sub(&self, other: &Natural) -> Natural {
        if *self <= *other {
            return Natural::zero();
        }
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = false;
        for (i, &limb) in self.0.iter().enumerate() {
            let (difference, b1) = limb.overflowing_sub(other.0.get(i).copied().unwrap_or(0));
            let (difference, b2) = difference.overflowing_sub(u64::from(borrow));
            out.push(difference);
            borrow = b1 || b2;
        }
        Natural(out).trimmed()
    }

    /// `self × other`, schoolbook: the operands here are a few limbs, or one large and one of a
    /// limb or two.
    pub fn mul(&self, other: &Natural) -> Natural {
        if self.is_zero() || other.is_zero() {
            return Natural::zero();
        }
        let mut out = vec![0u64; self.0.len() + other.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u128;
            for (j, &b) in other.0.iter().enumerate() {
                // At most (2⁶⁴ − 1)² + 2 × (2⁶⁴ − 1) = 2¹²⁸ − 1: no overflow.
                let t = u128::from(a) * u128::from(b) + u128::from(out[i + j]) + carry;
                out[i + j] = t as u64;
                carry = t >> 64;
            }
            out[i + other.0.len()] = carry as u64;
        }
        Natural(out).trimmed()
    }

    /// `self × factor`.
    pub fn mul_small(&self, factor: u64) -> Natural {
        let mut out = Vec::with_capacity(self.0.len() + 1);
        let mut carry = 0u128;
        for &limb in &self.0 {
            let t = u128::from(limb) * u128::from(factor) + carry;
            out.push(t as u64);
            carry = t >> 64;
        }
        out.push(carry as u64);
        Natural(out).trimmed()
    }

    /// `⌊self / divisor⌋` and `self mod divisor`; `divisor` must not be 0.
    pub fn div_rem_small(&self, divisor: u64) -> (Natural, u64) {
        let divisor = u128::from(divisor.max(1));
        let mut quotient = vec![0u64; self.0.len()];
        let mut remainder = 0u128;
        for (i, &limb) in self.0.iter().enumerate().rev() {
            let current = (remainder << 64) | u128::from(limb);
            quotient[i] = (current / divisor) as u64;
            remainder = current % divisor;
        }
        (Natural(quotient).trimmed(), remainder as u64)
    }

    /// `self × 2^bits`.
    pub fn shl(&self, bits: u64) -> Natural {
        if self.is_zero() {
            return Natural::zero();
        }
        let limbs = (bits / 64) as usize;
        let shift = (bits % 64) as u32;
        let mut out = vec![0u64; limbs];
        out.reserve(self.0.len() + 1);
        if shift == 0 {
            out.extend_from_slice(&self.0);
        } else {
            let mut carry = 0u64;
            for &limb in &self.0 {
                out.push((limb << shift) | carry);
                carry = limb >> (64 - shift);
            }
            out.push(carry);
        }
        Natural(out).trimmed()
    }
}

impl Ord for Natural {
    fn cmp(&self, other: &Natural) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }
}

impl PartialOrd for Natural {
    fn partial_cmp(&self, other: &Natural) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `numerator / denominator` rounded to the nearest `f64` (ties to even), once: the quotient is
/// taken to 66 or more bits by long division and a non-zero remainder kept as a sticky bit, so
/// that the conversion of that integer rounds as the exact quotient would. `denominator` must
/// not be zero (then the result is infinite).
pub fn ratio_to_f64(numerator: &Natural, denominator: &Natural) -> f64 {
    if numerator.is_zero() {
        return 0.0;
    }
    if denominator.is_zero() {
        return f64::INFINITY;
    }
    // Scale so that the quotient lies in [2⁶⁶, 2⁶⁸).
    let shift = 67 - (numerator.bits() as i64 - denominator.bits() as i64);
    let (mut remainder, divisor) = if shift >= 0 {
        (numerator.shl(shift as u64), denominator.clone())
    } else {
        (numerator.clone(), denominator.shl(shift.unsigned_abs()))
    };
    let mut quotient = 0u128;
    for bit in (0..=68).rev() {
        let part = divisor.shl(bit);
        if remainder >= part {
            remainder = remainder.sub(&part);
            quotient |= 1 << bit;
        }
    }
    if !remainder.is_zero() {
        quotient |= 1;
    }
    times_power_of_two(quotient as f64, -shift)
}

/// `value × 2^exponent`, exact while the result is a normal number.
fn times_power_of_two(mut value: f64, mut exponent: i64) -> f64 {
    while exponent != 0 {
        let step = exponent.clamp(-1000, 1000);
        value *= f64::from_bits(((1023 + step) as u64) << 52);
        exponent -= step;
    }
    value
}

/// The greatest common divisor of `a` and `b` (`b` when `a` is 0).
pub fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn n(value: u128) -> Natural {
        Natural::from_u128(value)
    }

    #[test]
    fn arithmetic_across_limbs() {
        let big = n(u128::MAX);
        assert_eq!(big.add(&n(1)), n(1).shl(128));
        assert_eq!(n(1).shl(128).sub(&n(1)), big);
        assert_eq!(big.mul(&big), n(1).shl(256).sub(&n(1).shl(129)).add(&n(1)));
        assert_eq!(big.mul_small(2), n(1).shl(129).sub(&n(2)));
        // 2^200 ends in 6, as every 2^(4k) does.
        assert_eq!(n(1).shl(200).div_rem_small(10).1, 6);
        let (q, r) = n(1).shl(130).add(&n(7)).div_rem_small(1 << 62);
        assert_eq!((q, r), (n(1 << 68), 7));
        assert_eq!(Natural::zero().shl(70), Natural::zero());
        assert!(n(1).shl(64) > n(u128::from(u64::MAX)));
        assert_eq!(gcd(12, 18), 6);
        assert_eq!(gcd(0, 5), 5);
    }

    #[test]
    fn ratios_round_once() {
        assert_eq!(ratio_to_f64(&n(7), &n(10)), 0.7);
        assert_eq!(ratio_to_f64(&n(21), &n(30)), 0.7);
        assert_eq!(ratio_to_f64(&n(1), &n(3)), 1.0 / 3.0);
        assert_eq!(ratio_to_f64(&n(3), &n(1)), 3.0);
        assert_eq!(ratio_to_f64(&Natural::zero(), &n(3)), 0.0);
        // Far beyond 128 bits, the same quotient.
        let scale = n(3).shl(300).add(&n(12345));
        assert_eq!(ratio_to_f64(&n(7).mul(&scale), &n(10).mul(&scale)), 0.7);
        assert_eq!(ratio_to_f64(&n(1), &n(1).shl(80)), 2f64.powi(-80));
        // 2⁵³ + 1 lies halfway between two doubles: ties go to even; a hair above goes up.
        let halfway = n((1 << 53) + 1);
        assert_eq!(ratio_to_f64(&halfway, &n(1)), 9_007_199_254_740_992.0);
        let above = halfway.shl(100).add(&n(1));
        assert_eq!(
            ratio_to_f64(&above, &n(1).shl(100)),
            9_007_199_254_740_994.0
        );
    }

    proptest! {
        #[test]
        fn ratios_agree_with_floats_of_exact_small_quotients(a in 0u64..u64::MAX, b in 1u64..u64::MAX) {
            // A u64 over a u64 whose quotient the hardware divides correctly rounded, as long
            // as both are exact doubles.
            let (a, b) = (a >> 11, b >> 11);
            prop_assume!(b > 0);
            prop_assert_eq!(ratio_to_f64(&n(a.into()), &n(b.into())), a as f64 / b as f64);
        }

        #[test]
        fn sums_and_products_agree_with_u128(a in any::<u64>(), b in any::<u64>(), c in any::<u64>()) {
            let (a, b, c) = (u128::from(a), u128::from(b), u128::from(c));
            prop_assert_eq!(n(a).mul(&n(b)).add(&n(c)), n(a * b + c));
            prop_assert_eq!(n(a * b).sub(&n(a)), n(a * b - a));
            prop_assert_eq!(n(a).cmp(&n(b)), a.cmp(&b));
            if c > 0 {
                let (q, r) = n(a * b).div_rem_small(c as u64);
                prop_assert_eq!((q, u128::from(r)), (n(a * b / c), a * b % c));
            }
        }
    }
}
