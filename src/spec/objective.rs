//! The SLO objective as an exact decimal.
//!
//! `99.9` has no exact binary floating-point form, yet "1 bad event in 1000 spends the budget
//! exactly" must hold. The objective is therefore kept as an integer count of parts per
//! [`Percentage::denominator`], and every decision at a boundary is taken in integer arithmetic.

use std::fmt;

/// Most digits accepted after the decimal point of an objective.
const MAX_FRACTION_DIGITS: u32 = 12;

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
    /// Parses `99.9`, `99.9%` or `99.9 %`. Rejects values outside (0, 100) and values below 1,
    /// which are almost surely fractions meant as percentages.
    pub fn parse(text: &str) -> Result<Objective, String> {
        let percentage = Percentage::parse(text, "objective")?;
        if percentage.scaled_percent == 0 || percentage.whole() >= 100 {
            return Err(out_of_range(text));
        }
        if percentage.whole() < 1 {
            return Err(format!(
                "objective '{text}' is below 1 %; objectives are percentages: did you mean {}?",
                percentage.times_hundred()
            ));
        }
        Ok(Objective(percentage))
    }
}

impl Percentage {
    /// Parses a non-negative decimal with an optional `%` sign; `what` names it in errors.
    pub fn parse(text: &str, what: &str) -> Result<Percentage, String> {
        let trimmed = text.trim();
        let number = trimmed.strip_suffix('%').unwrap_or(trimmed).trim_end();
        let not_a_number = || {
            format!(
                "objective '{text}' is not a number; write a percentage such as 99.9 or \"99.9%\""
            )
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
        if scale > MAX_FRACTION_DIGITS {
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

fn out_of_range(text: &str) -> String {
    format!("objective '{text}' is out of range: it must be above 0 and below 100 (percent)")
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
    fn out_of_range_and_garbage() {
        for bad in [
            "0", "100", "100.0", "150", "-5", "abc", "", "%", "99.9.9", "1e2", "0.0",
        ] {
            assert!(Objective::parse(bad).is_err(), "{bad} accepted");
        }
        assert!(Objective::parse("99.9999999999999").is_err());
    }
}
