//! The SLO objective as an exact decimal.
//!
//! `99.9` has no exact binary floating-point form, yet "1 bad event in 1000 spends the budget
//! exactly" must hold. The objective is therefore kept as an integer count of parts per
//! [`Percentage::denominator`], and every decision at a boundary is taken in integer arithmetic.

#![allow(
    clippy::cast_possible_truncation,
    clippy::cast_possible_wrap,
    clippy::cast_sign_loss,
    reason = "decimal point positions within strings of at most a few dozen digits, checked before use"
)]

use std::fmt;

/// Most digits accepted after the decimal point of a percentage (trailing zeros aside).
pub(crate) const MAX_FRACTION_DIGITS: usize = 12;

/// How many digits a plain decimal (`99.90`) has after its point, trailing zeros aside (`1`).
pub(crate) fn fraction_digits(text: &str) -> usize {
    text.split_once('.')
        .map_or(0, |(_, fraction)| fraction.trim_end_matches('0').len())
}

/// A percentage held as an exact decimal, as written (`99.9`, `2%`, `0.5`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Percentage {
    /// The objective times `10^scale`, in percent: `99.9` is `999` with scale 1.
    scaled_percent: u64,
    /// Number of decimal digits after the point.
    scale: u32,
    text: String,
}

/// An SLO objective: a [`Percentage`] above 0 and below 100.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Objective(Percentage);

impl std::ops::Deref for Objective {
    type Target = Percentage;

    fn deref(&self) -> &Percentage {
        &self.0
    }
}

impl Objective {
    /// An objective from a percentage, which must lie above 0 and below 100. Unlike
    /// [`Objective::parse`], values below 1 % are accepted: OpenSLO writes objectives as fractions,
    /// so `target: 0.005` (0.5 %) is what its author meant.
    ///
    /// # Errors
    ///
    /// A percentage of 100 or more.
    pub fn from_percentage(percentage: Percentage) -> Result<Objective, String> {
        if percentage.scaled_percent == 0 || percentage.whole() >= 100 {
            return Err(out_of_range(percentage.as_written()));
        }
        Ok(Objective(percentage))
    }

    /// Parses `99.9`, `99.9%` or `99.9 %`. Rejects values outside (0, 100) and values below 1,
    /// which are almost surely fractions meant as percentages.
    ///
    /// # Errors
    ///
    /// Text that is not a number, a value outside (0, 100), or one below 1 (with a hint).
    pub fn parse(text: &str) -> Result<Objective, String> {
        Objective::parse_as(text, "objective")
    }

    /// As [`Objective::parse`], for a key other than `objective` (`sla`), named `what` in
    /// errors.
    ///
    /// # Errors
    ///
    /// As [`Objective::parse`].
    pub fn parse_as(text: &str, what: &str) -> Result<Objective, String> {
        let percentage = Percentage::parse(text, what)?;
        if percentage.scaled_percent == 0 || percentage.whole() >= 100 {
            return Err(out_of_range_as(text, what));
        }
        if percentage.whole() < 1 {
            let rule = match what {
                "objective" => "objectives are percentages".to_string(),
                _ => format!("`{what}` is a percentage"),
            };
            return Err(format!(
                "{what} '{text}' is below 1 %; {rule}: did you mean {}?",
                percentage.times_hundred()
            ));
        }
        Ok(Objective(percentage))
    }

    /// Whether this objective is above `other`, exactly (`99.95` is above `99.9`).
    pub fn is_above(&self, other: &Objective) -> bool {
        self.numerator() * other.denominator() > other.numerator() * self.denominator()
    }
}

impl Percentage {
    /// Parses a non-negative decimal with an optional `%` sign; `what` names it in errors.
    ///
    /// # Errors
    ///
    /// Text that is not a non-negative decimal, or one with more than 12 decimals.
    pub fn parse(text: &str, what: &str) -> Result<Percentage, String> {
        let trimmed = text.trim();
        let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim_end();
        let plain = without_exponent(number);
        let number = plain.as_deref().unwrap_or(number);
        let not_a_number = || {
            format!("{what} '{text}' is not a number; write a percentage such as 99.9 or \"99.9%\"")
        };
        let (whole, fraction) = match number.split_once('.') {
            Some((whole, fraction)) => (whole, fraction),
            None => (number, ""),
        };
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction)
        {
            return Err(not_a_number());
        }
        let fraction = fraction.trim_end_matches('0');
        let scale = fraction.len() as u32;
        if fraction.len() > MAX_FRACTION_DIGITS {
            return Err(format!(
                "{what} '{text}' has more than {MAX_FRACTION_DIGITS} digits after the decimal point"
            ));
        }
        let whole_value: u64 = if whole.is_empty() {
            0
        } else if whole.len() > 6 {
            return Err(format!("{what} '{text}' is far too large for a percentage"));
        } else {
            whole.parse().map_err(|_| not_a_number())?
        };
        let fraction_value: u64 = if fraction.is_empty() {
            0
        } else {
            fraction.parse().map_err(|_| not_a_number())?
        };
        Ok(Percentage {
            scaled_percent: whole_value * 10u64.pow(scale) + fraction_value,
            scale,
            text: number.to_string(),
        })
    }

    /// A fraction written as a plain decimal (`0.999`) as the percentage it stands for (`99.9`),
    /// exactly: the decimal point is moved, no binary floating point is involved.
    /// A fraction has two more digits after its point than the percentage it stands for.
    ///
    /// # Errors
    ///
    /// Text that is not a non-negative decimal fraction, or one with too many decimals.
    pub fn from_fraction(text: &str, what: &str) -> Result<Percentage, String> {
        let most = MAX_FRACTION_DIGITS + 2;
        if fraction_digits(text.trim()) > most {
            return Err(format!(
                "{what} '{text}' has more than {most} digits after the decimal point"
            ));
        }
        let plain = without_exponent(text.trim());
        let shifted = shift_decimal_point(plain.as_deref().unwrap_or(text.trim()), 2)
            .ok_or_else(|| format!("{what} '{text}' is not a plain decimal number"))?;
        Percentage::parse(&shifted, what)
    }

    /// The percentage as a fraction written as a plain decimal: `99.9` as `0.999`, `95` as
    /// `0.95`.
    pub fn fraction_text(&self) -> String {
        shift_decimal_point(&self.text, -2).unwrap_or_else(|| self.text.clone())
    }

    fn whole(&self) -> u64 {
        self.scaled_percent / 10u64.pow(self.scale)
    }

    /// `10^scale × 100`: the number of parts that make up 100 %.
    pub fn denominator(&self) -> u128 {
        100 * 10u128.pow(self.scale)
    }

    /// The percentage in parts of [`Percentage::denominator`].
    pub fn numerator(&self) -> u128 {
        u128::from(self.scaled_percent)
    }

    /// The percentage as a fraction (`0.999`), for display and floating-point figures.
    pub fn ratio(&self) -> f64 {
        self.numerator() as f64 / self.denominator() as f64
    }

    /// The percentage as written, without a `%` sign (`99.9`).
    pub fn as_written(&self) -> &str {
        &self.text
    }

    /// The percentage as a number (`99.9`).
    pub fn percent(&self) -> f64 {
        self.scaled_percent as f64 / 10f64.powi(self.scale as i32)
    }

    fn times_hundred(&self) -> String {
        // Shifting the decimal point two places right, done on digits to stay exact.
        let digits = format!(
            "{:0>width$}",
            self.scaled_percent,
            width = self.scale as usize + 1
        );
        let point = digits.len() as i64 - self.scale as i64 + 2;
        let mut shifted = digits.clone();
        if point as usize >= digits.len() {
            shifted.push_str(&"0".repeat(point as usize - digits.len()));
        } else {
            shifted.insert(point as usize, '.');
        }
        let shifted = shifted.trim_start_matches('0');
        let shifted = if shifted.starts_with('.') || shifted.is_empty() {
            format!("0{shifted}")
        } else {
            shifted.to_string()
        };
        if shifted.contains('.') {
            shifted
                .trim_end_matches('0')
                .trim_end_matches('.')
                .to_string()
        } else {
            shifted
        }
    }
}

/// Moves the decimal point of a plain, non-negative decimal (`12.5`) `places` digits to the right
/// (to the left when negative), as text: `shift_decimal_point("0.999", 2)` is `99.9`. `None` when
/// `text` is not such a decimal.
/// A number written with a decimal exponent, as YAML and JSON allow and Go writes floats
/// (`9.99e-1`, `5E1`, `-1e2`), in plain notation (`0.999`, `50`, `-100`), the point moved
/// exactly; `None` for text that is not such a number, or an exponent past ±40, which no
/// objective, threshold or value of a spec needs.
pub(crate) fn without_exponent(text: &str) -> Option<String> {
    let (mantissa, exponent) = text.split_once(['e', 'E'])?;
    let exponent: i32 = exponent
        .strip_prefix('+')
        .unwrap_or(exponent)
        .parse()
        .ok()?;
    if exponent.abs() > 40 {
        return None;
    }
    let (sign, digits) = match mantissa.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", mantissa.strip_prefix('+').unwrap_or(mantissa)),
    };
    let plain = shift_decimal_point(digits, exponent)?;
    Some(if plain == "0" {
        plain
    } else {
        format!("{sign}{plain}")
    })
}

pub(crate) fn shift_decimal_point(text: &str, places: i32) -> Option<String> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    // The position of the point counted from the start of `digits`.
    let point = whole.len() as i64 + i64::from(places);
    let (mut whole, mut fraction) = if point <= 0 {
        (
            String::new(),
            format!("{}{digits}", "0".repeat(point.unsigned_abs() as usize)),
        )
    } else if point as usize >= digits.len() {
        (
            format!("{digits}{}", "0".repeat(point as usize - digits.len())),
            String::new(),
        )
    } else {
        let (w, f) = digits.split_at(point as usize);
        (w.to_string(), f.to_string())
    };
    whole = whole.trim_start_matches('0').to_string();
    if whole.is_empty() {
        whole.push('0');
    }
    fraction = fraction.trim_end_matches('0').to_string();
    Some(if fraction.is_empty() {
        whole
    } else {
        format!("{whole}.{fraction}")
    })
}

fn out_of_range(text: &str) -> String {
    out_of_range_as(text, "objective")
}

fn out_of_range_as(text: &str, what: &str) -> String {
    format!("{what} '{text}' is out of range: it must be above 0 and below 100 (percent)")
}

impl fmt::Display for Percentage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} %", self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_parts() {
        let o = Objective::parse("99.9").unwrap();
        assert_eq!((o.numerator(), o.denominator()), (999, 1000));
        let o = Objective::parse("99.95%").unwrap();
        assert_eq!((o.numerator(), o.denominator()), (9995, 10000));
        let o = Objective::parse("95").unwrap();
        assert_eq!((o.numerator(), o.denominator()), (95, 100));
        let o = Objective::parse("99.90").unwrap();
        assert_eq!((o.numerator(), o.denominator()), (999, 1000));
        assert_eq!(Objective::parse("99.9 %").unwrap().as_written(), "99.9");
    }

    #[test]
    fn fractions_get_a_hint() {
        let err = Objective::parse("0.999").unwrap_err();
        assert!(err.contains("did you mean 99.9?"), "{err}");
        let err = Objective::parse("0.95").unwrap_err();
        assert!(err.contains("did you mean 95?"), "{err}");
        let err = Objective::parse("0.9995").unwrap_err();
        assert!(err.contains("did you mean 99.95?"), "{err}");
    }

    #[test]
    fn fractions_and_percentages_convert_exactly() {
        let p = Percentage::from_fraction("0.999", "target").unwrap();
        assert_eq!(
            (p.as_written(), p.numerator(), p.denominator()),
            ("99.9", 999, 1000)
        );
        assert_eq!(
            Percentage::from_fraction("0.95", "t").unwrap().as_written(),
            "95"
        );
        assert_eq!(
            Percentage::from_fraction("1", "t").unwrap().as_written(),
            "100"
        );
        assert_eq!(
            Percentage::from_fraction("0.00001", "t")
                .unwrap()
                .as_written(),
            "0.001"
        );
        assert_eq!(
            Percentage::from_fraction("1e-3", "t").unwrap().as_written(),
            "0.1"
        );
        assert_eq!(
            Percentage::parse("99.95", "o").unwrap().fraction_text(),
            "0.9995"
        );
        assert_eq!(Percentage::parse("5", "o").unwrap().fraction_text(), "0.05");
        assert_eq!(Percentage::parse("100", "o").unwrap().fraction_text(), "1");
        assert_eq!(shift_decimal_point("120", -1).as_deref(), Some("12"));
        assert_eq!(shift_decimal_point("0.0", 2).as_deref(), Some("0"));
        let small = Percentage::from_fraction("0.005", "target").unwrap();
        assert_eq!(
            Objective::from_percentage(small).unwrap().as_written(),
            "0.5"
        );
        let zero = Percentage::from_fraction("0", "target").unwrap();
        assert!(Objective::from_percentage(zero).is_err());
    }

    /// YAML and JSON numbers may have an exponent (`5e1`, as Go's encoders write floats): they
    /// are the plain decimals they stand for, read exactly.
    #[test]
    fn numbers_with_an_exponent_are_their_plain_decimals() {
        for (text, plain) in [
            ("5e1", "50"),
            ("9.995E1", "99.95"),
            ("9.99e-1", "0.999"),
            ("-1e2", "-100"),
            ("1.5e+0", "1.5"),
            ("0e5", "0"),
        ] {
            assert_eq!(without_exponent(text).as_deref(), Some(plain), "{text}");
        }
        for text in ["99.9", "1e", "e5", "1e1.5", "1e99", "x1e2"] {
            assert_eq!(without_exponent(text), None, "{text}");
        }
        assert_eq!(Objective::parse("9.995e1").unwrap().as_written(), "99.95");
        let target = Percentage::from_fraction("9.99e-1", "target").unwrap();
        assert_eq!((target.numerator(), target.denominator()), (999, 1000));
    }

    #[test]
    fn out_of_range_and_garbage() {
        for bad in [
            "0", "100", "100.0", "150", "-5", "abc", "", "%", "99.9.9", "1e2", "0.0",
        ] {
            assert!(Objective::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Objective::parse("99.9999999999999").is_err());
    }
}
