//! Exact numbers: the decimals written in expressions ([`Decimal`]) and the rationals that
//! arithmetic and durations are computed in ([`Exact`]).
//!
//! Logs write times as decimal text (`0.300` seconds, `"0.058927s"`, `126ms`) and users compare
//! them with literals in other units (`300ms`). Binary floating point cannot decide such a
//! boundary: `0.3` seconds is not a whole number of nanoseconds apart from `300ms` in `f64`
//! maths, so `request_time <= 300ms` could be false for `0.300`. Here every value read is turned
//! into an exact rational `num / den` of `i128`s (durations in nanoseconds), sums and products
//! are exact, and comparisons multiply out in 256 bits, so they never overflow. A value too
//! large or too precise for 38 digits is reported as such ([`Problem::OutOfRange`]), never
//! rounded.

use std::cmp::Ordering;
use std::fmt;

/// `10^i` for `i` in `0..=38`: every power of ten an `i128` holds.
const POW10: [i128; 39] = {
    let mut table = [1i128; 39];
    let mut i = 1;
    while i < 39 {
        table[i] = table[i - 1] * 10;
        i += 1;
    }
    table
};

fn pow10(exponent: u32) -> Option<i128> {
    POW10.get(exponent as usize).copied()
}

/// An exact decimal number as written in an expression: `mantissa × 10^exponent`. `0.3` is
/// `3 × 10^-1`, `1e3` is `1 × 10^3`; durations are decimals of nanoseconds (`1.5s` is
/// `15 × 10^8`). Normalised: the mantissa has no trailing zeros (zero is `0 × 10^0`), so equal
/// numbers are equal values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Decimal {
    /// The significant digits, with the sign.
    pub mantissa: i128,
    /// The power of ten they are scaled by.
    pub exponent: i32,
}

impl Decimal {
    /// `mantissa × 10^exponent`, normalised.
    pub fn new(mut mantissa: i128, mut exponent: i32) -> Decimal {
        if mantissa == 0 {
            return Decimal {
                mantissa: 0,
                exponent: 0,
            };
        }
        while mantissa % 10 == 0 && exponent < i32::MAX {
            mantissa /= 10;
            exponent += 1;
        }
        Decimal { mantissa, exponent }
    }

    /// Reads an unsigned decimal as written in an expression: `500`, `0.25`, `1.5e3`, `2E-3`.
    /// `None` when the text is not such a number or has more than 38 significant digits.
    pub fn parse(text: &str) -> Option<Decimal> {
        let parsed = parse_decimal(text.as_bytes()).ok()?;
        (parsed.end == text.len()).then_some(())?;
        let exponent = i32::try_from(parsed.exponent).ok()?;
        Some(Decimal::new(parsed.mantissa, exponent))
    }

    /// The negated number.
    pub fn negated(self) -> Decimal {
        Decimal {
            mantissa: -self.mantissa,
            exponent: self.exponent,
        }
    }

    /// This number times `factor × 10^shift` (a unit's size in nanoseconds); `None` if it
    /// does not fit.
    pub fn scaled(self, factor: i128, shift: i32) -> Option<Decimal> {
        Some(Decimal::new(
            self.mantissa.checked_mul(factor)?,
            self.exponent.checked_add(shift)?,
        ))
    }

    /// The nearest `f64` (correctly rounded: the text is parsed by the standard library).
    pub fn to_f64(self) -> f64 {
        format!("{}e{}", self.mantissa, self.exponent)
            .parse()
            .unwrap_or(f64::NAN)
    }

    /// The same number as an [`Exact`], or `None` when it needs more than 38 digits
    /// (`1e300`, `1e-50`).
    pub(crate) fn to_exact(self) -> Option<Exact> {
        if self.exponent >= 0 {
            let scale = pow10(u32::try_from(self.exponent).ok()?)?;
            Some(Exact::integer(self.mantissa.checked_mul(scale)?))
        } else {
            let den = pow10(self.exponent.unsigned_abs())?;
            Some(Exact {
                num: self.mantissa,
                den,
            })
        }
    }
}

impl fmt::Display for Decimal {
    /// Plain notation (`0.25`, `1500`) for every exponent an SLO plausibly needs; scientific
    /// notation (`1e300`) past that.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits = self.mantissa.unsigned_abs().to_string();
        let sign = if self.mantissa < 0 { "-" } else { "" };
        match self.exponent {
            0 => write!(f, "{sign}{digits}"),
            e @ 1..=30 => write!(f, "{sign}{digits}{}", "0".repeat(e.unsigned_abs() as usize)),
            e @ -40..=-1 => {
                let shift = e.unsigned_abs() as usize;
                if digits.len() > shift {
                    let (int, frac) = digits.split_at(digits.len() - shift);
                    write!(f, "{sign}{int}.{frac}")
                } else {
                    write!(f, "{sign}0.{}{digits}", "0".repeat(shift - digits.len()))
                }
            }
            e => write!(f, "{sign}{digits}e{e}"),
        }
    }
}

/// An exact rational number `num / den`, `den > 0`, not necessarily in lowest terms. Durations
/// are counted in nanoseconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Exact {
    num: i128,
    den: i128,
}

/// Why a text or a computation gives no exact number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The text is not a number (nor a duration, where one is accepted).
    NotANumber,
    /// The number, or a result, needs more than 38 significant digits.
    OutOfRange,
    /// A division by zero.
    DivisionByZero,
}

impl PartialEq for Exact {
    fn eq(&self, other: &Exact) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Exact) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    fn cmp(&self, other: &Exact) -> Ordering {
        if self.den == other.den {
            return self.num.cmp(&other.num);
        }
        let (a, b) = (self.num.signum(), other.num.signum());
        if a != b || a == 0 {
            return a.cmp(&b);
        }
        // Same sign: compare |a.num| × b.den with |b.num| × a.den, in 256 bits.
        let left = wide_mul(self.num.unsigned_abs(), other.den.unsigned_abs());
        let right = wide_mul(other.num.unsigned_abs(), self.den.unsigned_abs());
        if a > 0 {
            left.cmp(&right)
        } else {
            right.cmp(&left)
        }
    }
}

/// `x × y` in 256 bits, as (high, low) halves.
fn wide_mul(x: u128, y: u128) -> (u128, u128) {
    const LOW: u128 = u64::MAX as u128;
    let (x1, x0) = (x >> 64, x & LOW);
    let (y1, y0) = (y >> 64, y & LOW);
    let (p00, p01, p10, p11) = (x0 * y0, x0 * y1, x1 * y0, x1 * y1);
    // The middle column: the high half of p00 plus the low halves of the cross products.
    let middle = (p00 >> 64) + (p01 & LOW) + (p10 & LOW);
    let low = (middle << 64) | (p00 & LOW);
    let high = p11 + (p01 >> 64) + (p10 >> 64) + (middle >> 64);
    (high, low)
}

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

impl Exact {
    /// Zero.
    pub(crate) const ZERO: Exact = Exact { num: 0, den: 1 };

    /// Numerator and denominator, as held (not necessarily in lowest terms): a key that tells
    /// apart values held apart.
    pub(crate) fn parts(self) -> (i128, i128) {
        (self.num, self.den)
    }

    /// A whole number.
    pub(crate) fn integer(value: i128) -> Exact {
        Exact { num: value, den: 1 }
    }

    /// The nearest `f64`, for statistics (exact for whole numbers below 2⁵³).
    pub(crate) fn to_f64(self) -> f64 {
        self.num as f64 / self.den as f64
    }

    /// Whether this is zero.
    pub(crate) fn is_zero(self) -> bool {
        self.num == 0
    }

    /// In lowest terms.
    fn reduced(self) -> Exact {
        let g = gcd(self.num.unsigned_abs(), self.den.unsigned_abs());
        if g <= 1 {
            return self;
        }
        // g divides both, and den > 0, so both quotients fit.
        let g = i128::try_from(g).unwrap_or(1);
        Exact {
            num: self.num / g,
            den: self.den / g,
        }
    }

    /// `self + other`.
    pub(crate) fn add(self, other: Exact) -> Result<Exact, Problem> {
        if self.den == other.den {
            if let Some(num) = self.num.checked_add(other.num) {
                return Ok(Exact { num, den: self.den });
            }
        }
        let (a, b) = (self.reduced(), other.reduced());
        let g = i128::try_from(gcd(a.den.unsigned_abs(), b.den.unsigned_abs()))
            .map_err(|_| Problem::OutOfRange)?;
        let (fa, fb) = (b.den / g, a.den / g);
        let sum = (|| {
            let num = a.num.checked_mul(fa)?.checked_add(b.num.checked_mul(fb)?)?;
            let den = a.den.checked_mul(fa)?;
            Some(Exact { num, den })
        })();
        sum.map(Exact::reduced).ok_or(Problem::OutOfRange)
    }

    /// `-self`.
    pub(crate) fn neg(self) -> Result<Exact, Problem> {
        let x = if self.num == i128::MIN {
            self.reduced()
        } else {
            self
        };
        match x.num.checked_neg() {
            Some(num) => Ok(Exact { num, den: x.den }),
            None => Err(Problem::OutOfRange),
        }
    }

    /// `self - other`.
    pub(crate) fn sub(self, other: Exact) -> Result<Exact, Problem> {
        self.add(other.neg()?)
    }

    /// `self × other`.
    pub(crate) fn mul(self, other: Exact) -> Result<Exact, Problem> {
        let product = |a: Exact, b: Exact| {
            Some(Exact {
                num: a.num.checked_mul(b.num)?,
                den: a.den.checked_mul(b.den)?,
            })
        };
        if let Some(p) = product(self, other) {
            return Ok(p);
        }
        // Cancel across before multiplying: (a/b)(c/d) = (a/d)(c/b) in lowest terms.
        let (a, b) = (
            Exact {
                num: self.num,
                den: other.den,
            }
            .reduced(),
            Exact {
                num: other.num,
                den: self.den,
            }
            .reduced(),
        );
        product(a, b).map(Exact::reduced).ok_or(Problem::OutOfRange)
    }

    /// `self / other`.
    pub(crate) fn div(self, other: Exact) -> Result<Exact, Problem> {
        if other.num == 0 {
            return Err(Problem::DivisionByZero);
        }
        let other = other.reduced();
        // other = n/d, so 1/other = d/n with the sign moved to the numerator.
        let inverse = if other.num < 0 {
            Exact {
                num: other.den.checked_neg().ok_or(Problem::OutOfRange)?,
                den: other.num.checked_neg().ok_or(Problem::OutOfRange)?,
            }
        } else {
            Exact {
                num: other.den,
                den: other.num,
            }
        };
        self.mul(inverse)
    }
}

/// An unsigned or signed decimal read from text: `mantissa × 10^exponent`, and where it ended.
struct ParsedDecimal {
    mantissa: i128,
    exponent: i64,
    end: usize,
}

/// Reads `[+-]digits[.digits][e[+-]digits]` (or `.5`, `5.`) from the start of `text`; stops at
/// the first byte that cannot continue it. Trailing zeros cost no digits: `0.3000…0` with a
/// hundred zeros is `3 × 10^-1`.
fn parse_decimal(text: &[u8]) -> Result<ParsedDecimal, Problem> {
    let mut at = 0;
    let negative = match text.first() {
        Some(b'-') => {
            at += 1;
            true
        }
        Some(b'+') => {
            at += 1;
            false
        }
        _ => false,
    };
    let mut mantissa: i128 = 0;
    // Zeros read but not yet multiplied in: the digits so far are `mantissa` then `zeros` zeros.
    let mut zeros: u32 = 0;
    let mut exponent: i64 = 0;
    let mut digits = 0usize;
    let mut fraction = false;
    let mut too_many = false;
    while let Some(&b) = text.get(at) {
        match b {
            b'0'..=b'9' => {
                digits += 1;
                if fraction {
                    exponent -= 1;
                }
                if b == b'0' {
                    zeros = zeros.saturating_add(1);
                } else {
                    let scaled = pow10(zeros + 1).and_then(|p| mantissa.checked_mul(p));
                    match scaled.and_then(|m| m.checked_add(i128::from(b - b'0'))) {
                        Some(m) => mantissa = m,
                        None => too_many = true,
                    }
                    zeros = 0;
                }
            }
            b'.' if !fraction => fraction = true,
            _ => break,
        }
        at += 1;
    }
    if digits == 0 {
        return Err(Problem::NotANumber);
    }
    exponent += i64::from(zeros);
    if matches!(text.get(at), Some(b'e' | b'E')) {
        let mut e_at = at + 1;
        let e_negative = match text.get(e_at) {
            Some(b'-') => {
                e_at += 1;
                true
            }
            Some(b'+') => {
                e_at += 1;
                false
            }
            _ => false,
        };
        let start = e_at;
        let mut e: i64 = 0;
        while let Some(&b) = text.get(e_at).filter(|b| b.is_ascii_digit()) {
            e = (e * 10 + i64::from(b - b'0')).min(1_000_000);
            e_at += 1;
        }
        if e_at > start {
            exponent += if e_negative { -e } else { e };
            at = e_at;
        }
    }
    if too_many {
        return Err(Problem::OutOfRange);
    }
    if mantissa == 0 {
        exponent = 0;
    }
    Ok(ParsedDecimal {
        mantissa: if negative { -mantissa } else { mantissa },
        exponent,
        end: at,
    })
}

/// `mantissa × 10^exponent × factor` exactly.
fn exact_of(mantissa: i128, exponent: i64, factor: i128) -> Result<Exact, Problem> {
    let mantissa = mantissa.checked_mul(factor).ok_or(Problem::OutOfRange)?;
    if mantissa == 0 {
        return Ok(Exact::ZERO);
    }
    let shift = u32::try_from(exponent.unsigned_abs()).map_err(|_| Problem::OutOfRange)?;
    let scale = pow10(shift).ok_or(Problem::OutOfRange)?;
    if exponent >= 0 {
        mantissa
            .checked_mul(scale)
            .map(Exact::integer)
            .ok_or(Problem::OutOfRange)
    } else {
        Ok(Exact {
            num: mantissa,
            den: scale,
        }
        .reduced())
    }
}

/// A number read from a field: bare, or a duration written with its unit.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Reading {
    /// A number without a unit, such as `0.300` or `126`.
    Bare(Exact),
    /// A duration written with its unit(s), such as `126ms`, `0.058927s` or `1m30.5s`, in
    /// nanoseconds.
    Duration(Exact),
}

/// The nanoseconds in one of each unit a duration can be written in, by its symbol. `µs` is
/// written with the micro sign (U+00B5) or the Greek mu (U+03BC), as Go accepts both.
pub(crate) fn unit_nanos(symbol: &[u8]) -> Option<i128> {
    Some(match symbol {
        b"ns" => 1,
        b"us" | b"\xC2\xB5s" | b"\xCE\xBCs" => 1_000,
        b"ms" => 1_000_000,
        b"s" => 1_000_000_000,
        b"m" => 60_000_000_000,
        b"h" => 3_600_000_000_000,
        _ => return None,
    })
}

/// Whether `b` can be part of a unit symbol (ASCII letters, and the bytes of `µ` and `μ`).
fn unit_byte(b: u8) -> bool {
    b.is_ascii_alphabetic() || matches!(b, 0xC2 | 0xB5 | 0xCE | 0xBC)
}

/// Reads a field's text (surrounding ASCII whitespace ignored) as a bare number (`0.300`,
/// `-1`, `1.5e-3`) or as a duration in Go's syntax (`126ms`, `0.058927s`, `1.5µs`, `1h30m`,
/// `-2s`).
pub(crate) fn read(text: &[u8]) -> Result<Reading, Problem> {
    let text = text.trim_ascii();
    let first = parse_decimal(text)?;
    if first.end == text.len() {
        return exact_of(first.mantissa, first.exponent, 1).map(Reading::Bare);
    }
    // A duration: sign, then number-unit pairs with no exponent.
    let negative = text[0] == b'-';
    let mut at = usize::from(matches!(text[0], b'-' | b'+'));
    let mut total = Exact::ZERO;
    while at < text.len() {
        let rest = &text[at..];
        if matches!(rest[0], b'-' | b'+') {
            return Err(Problem::NotANumber);
        }
        let number = parse_decimal(rest)?;
        let number_text = &rest[..number.end];
        if number_text.iter().any(|b| matches!(b, b'e' | b'E')) {
            return Err(Problem::NotANumber);
        }
        let unit_len = rest[number.end..]
            .iter()
            .take_while(|&&b| unit_byte(b))
            .count();
        let nanos =
            unit_nanos(&rest[number.end..number.end + unit_len]).ok_or(Problem::NotANumber)?;
        total = total.add(exact_of(number.mantissa, number.exponent, nanos)?)?;
        at += number.end + unit_len;
    }
    if negative {
        total = total.neg()?;
    }
    Ok(Reading::Duration(total))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use proptest::prelude::*;

    fn bare(text: &str) -> Exact {
        match read(text.as_bytes()) {
            Ok(Reading::Bare(x)) => x,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn nanos(text: &str) -> Exact {
        match read(text.as_bytes()) {
            Ok(Reading::Duration(x)) => x,
            other => panic!("{text:?}: {other:?}"),
        }
    }

    fn ratio(num: i128, den: i128) -> Exact {
        Exact { num, den }
    }

    #[test]
    fn bare_numbers_are_exact() {
        assert_eq!(bare("0.300"), ratio(3, 10));
        assert_eq!(bare("0.3001"), ratio(3001, 10_000));
        assert_eq!(bare(" 126 "), Exact::integer(126));
        assert_eq!(bare("-1"), Exact::integer(-1));
        assert_eq!(bare("+2.50"), ratio(5, 2));
        assert_eq!(bare(".5"), ratio(1, 2));
        assert_eq!(bare("5."), Exact::integer(5));
        assert_eq!(bare("1.5e-3"), ratio(15, 10_000));
        assert_eq!(bare("1E3"), Exact::integer(1000));
        assert_eq!(bare("0"), Exact::ZERO);
        assert_eq!(bare("-0.000"), Exact::ZERO);
        // Trailing zeros cost no precision.
        let long = format!("0.3{}", "0".repeat(200));
        assert_eq!(bare(&long), ratio(3, 10));
        assert_eq!(
            bare("0.30000000000000000000000000000000001"),
            ratio(30_000_000_000_000_000_000_000_000_000_000_001, POW10[35])
        );
    }

    #[test]
    fn durations_in_go_syntax() {
        assert_eq!(nanos("126ms"), Exact::integer(126_000_000));
        assert_eq!(nanos("0.058927s"), Exact::integer(58_927_000));
        assert_eq!(nanos("1.5µs"), Exact::integer(1_500));
        assert_eq!(nanos("1.5μs"), Exact::integer(1_500));
        assert_eq!(nanos("1.5us"), Exact::integer(1_500));
        assert_eq!(nanos("100ns"), Exact::integer(100));
        assert_eq!(nanos("2m"), Exact::integer(120_000_000_000));
        assert_eq!(nanos("1h30m"), Exact::integer(5_400_000_000_000));
        assert_eq!(nanos("1m2.5s"), Exact::integer(62_500_000_000));
        assert_eq!(nanos("-2s"), Exact::integer(-2_000_000_000));
        assert_eq!(nanos("0.5ns"), ratio(1, 2));
        assert_eq!(nanos(" 3ms "), Exact::integer(3_000_000));
    }

    #[test]
    fn what_is_not_a_number() {
        for text in [
            "",
            " ",
            "-",
            ".",
            "abc",
            "5x",
            "5 ms",
            "5msx",
            "ms",
            "1e3ms",
            "1s-2s",
            "5MS",
            "0x10",
            "nan",
            "inf",
            "1,5",
            "0.000, 0.854",
            "1..2",
            "5m5",
            "--5",
        ] {
            assert_eq!(read(text.as_bytes()), Err(Problem::NotANumber), "{text:?}");
        }
        let huge = "9".repeat(40);
        assert_eq!(read(huge.as_bytes()), Err(Problem::OutOfRange));
        assert_eq!(read(b"1e40"), Err(Problem::OutOfRange));
        assert_eq!(read(b"1e-40"), Err(Problem::OutOfRange));
        assert_eq!(read(b"0e999999999"), Ok(Reading::Bare(Exact::ZERO)));
    }

    #[test]
    fn arithmetic_is_exact() {
        let (a, b) = (bare("0.1"), bare("0.2"));
        assert_eq!(a.add(b).unwrap(), bare("0.3"));
        assert_eq!(bare("0.3").sub(a).unwrap(), b);
        assert_eq!(
            bare("1").div(bare("3")).unwrap().mul(bare("3")).unwrap(),
            bare("1")
        );
        assert_eq!(bare("503").div(bare("100")).unwrap(), bare("5.03"));
        assert_eq!(bare("-6").div(bare("-4")).unwrap(), bare("1.5"));
        assert_eq!(bare("6").div(bare("-4")).unwrap(), bare("-1.5"));
        assert_eq!(a.div(Exact::ZERO), Err(Problem::DivisionByZero));
        let big = Exact::integer(i128::MAX);
        assert_eq!(big.add(Exact::integer(1)), Err(Problem::OutOfRange));
        assert_eq!(big.mul(Exact::integer(2)), Err(Problem::OutOfRange));
        assert_eq!(Exact::integer(i128::MIN).neg(), Err(Problem::OutOfRange));
        // Cancelling keeps products in range.
        let third = ratio(1, 3 * POW10[30]);
        assert_eq!(
            third.mul(Exact::integer(3 * POW10[30])).unwrap(),
            Exact::integer(1)
        );
    }

    #[test]
    fn comparisons_never_overflow() {
        let a = ratio(i128::MAX, i128::MAX - 1);
        let b = ratio(i128::MAX - 1, i128::MAX - 2);
        // (M)/(M-1) < (M-1)/(M-2) since M(M-2) < (M-1)^2.
        assert!(a < b);
        assert!(ratio(-1, 3) < ratio(-1, 4));
        assert!(ratio(0, 3) == Exact::ZERO);
        assert!(ratio(-1, 3) < Exact::ZERO);
        assert_eq!(wide_mul(u128::MAX, u128::MAX), (u128::MAX - 1, 1));
    }

    #[test]
    fn decimals() {
        let d = |t: &str| Decimal::parse(t).unwrap();
        assert_eq!(d("500"), Decimal::new(5, 2));
        assert_eq!(d("0.25").to_string(), "0.25");
        assert_eq!(d("1500").to_string(), "1500");
        assert_eq!(d("1e300").to_string(), "1e300");
        assert_eq!(d("0.0001").to_string(), "0.0001");
        assert_eq!(d("1.5").negated().to_string(), "-1.5");
        assert_eq!(d("0.1").to_f64(), 0.1);
        assert_eq!(d("1e300").to_exact(), None);
        assert_eq!(d("0.3").to_exact(), Some(ratio(3, 10)));
        assert_eq!(d("1.5").scaled(1, 9), Some(Decimal::new(15, 8)));
        assert_eq!(Decimal::parse("1.5x"), None);
        assert_eq!(Decimal::parse("-1"), Some(Decimal::new(-1, 0)));
        assert_eq!(d("0").to_string(), "0");
    }

    proptest! {
        /// A decimal number of seconds, compared with a whole number of milliseconds, agrees
        /// with integer maths on the scaled-up digits.
        #[test]
        fn seconds_against_milliseconds(int in 0u64..100_000, frac in 0u64..1_000_000_000, digits in 1usize..=9, ms in 0u64..100_000_000) {
            let frac = frac % 10u64.pow(u32::try_from(digits).unwrap());
            let text = format!("{int}.{frac:0digits$}s");
            let value = nanos(&text);
            // The same value in integer nanoseconds: int s + frac × 10^(9 - digits) ns.
            let exact_ns = i128::from(int) * 1_000_000_000
                + i128::from(frac) * 10i128.pow(9 - u32::try_from(digits).unwrap());
            let limit = Exact::integer(i128::from(ms) * 1_000_000);
            prop_assert_eq!(value.cmp(&limit), exact_ns.cmp(&(i128::from(ms) * 1_000_000)));
        }

        /// Comparisons agree with exact cross-multiplication done in i128 where it fits.
        #[test]
        fn comparison_agrees_with_small_integer_maths(a in -1_000_000i128..1_000_000, b in 1i128..1_000_000, c in -1_000_000i128..1_000_000, d in 1i128..1_000_000) {
            prop_assert_eq!(ratio(a, b).cmp(&ratio(c, d)), (a * d).cmp(&(c * b)));
            let sum = ratio(a, b).add(ratio(c, d)).unwrap();
            prop_assert_eq!(sum, ratio(a * d + c * b, b * d));
            let product = ratio(a, b).mul(ratio(c, d)).unwrap();
            prop_assert_eq!(product, ratio(a * c, b * d));
        }
    }
}
