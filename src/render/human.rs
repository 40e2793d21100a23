//! Numbers as people read them: `99.93 %`, `1.2 M`, `+0.05 pts`.

/// A fraction as a percentage with enough digits to tell it from a nearby objective.
pub fn percent(fraction: f64) -> String {
    let value = fraction * 100.0;
    if value == 100.0 || value == 0.0 {
        return format!("{value:.0} %");
    }
    // Rounded down so that an SLI just below its objective never shows as equal to it
    // (99.8999 % is "99.899 %", not "99.9 %").
    let decimals = percent_decimals(fraction);
    let text = floored(value, decimals);
    format!("{} %", trimmed(&text))
}

/// How many decimals [`percent`] shows of `fraction`: three, four close to 100 %.
fn percent_decimals(fraction: f64) -> usize {
    if fraction * 100.0 >= 99.99 {
        4
    } else {
        3
    }
}

/// `value` rounded down to `decimals` places (a hair above counts as on the place: a float a
/// little below an exact decimal is not cut a place too low).
fn floored(value: f64, decimals: usize) -> String {
    #[allow(
        clippy::cast_possible_wrap,
        clippy::cast_possible_truncation,
        reason = "3 or 4"
    )]
    let scale = 10f64.powi(decimals as i32);
    let floored = ((value * scale) + 1e-6).floor() / scale;
    format!("{floored:.decimals$}")
}

/// `text` without trailing zeros after its decimal point, nor the point when nothing is left.
fn trimmed(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// A share of the budget with one decimal, `-12.5 %`; never `-0.0 %`.
pub fn budget_percent(fraction: f64) -> String {
    let text = format!("{:.1}", fraction * 100.0);
    if text == "-0.0" {
        "0.0 %".to_string()
    } else {
        format!("{text} %")
    }
}

/// The margin of `sli` over an objective in percentage points, signed, rounded down to the
/// decimals [`percent`] shows `sli` with: `99.85 %` over an objective of 99 % is `+0.85 pts`,
/// not `+0.851 pts` from an SLI of 99.8508 %, and `99.9995 %` over 99.5 % is `+0.4995 pts`.
pub fn points(margin: f64, sli: f64) -> String {
    if !margin.is_finite() {
        return format!("{margin} pts");
    }
    let text = floored(margin * 100.0, percent_decimals(sli));
    let text = trimmed(&text);
    match text.strip_prefix('-') {
        _ if text
            .trim_start_matches('-')
            .trim_matches(['0', '.'])
            .is_empty() =>
        {
            "0 pts".into()
        }
        Some(_) => format!("{text} pts"),
        None => format!("+{text} pts"),
    }
}

/// A duration of a second or less as people read latencies, with three significant digits:
/// `850µs`, `12.3ms`, `120ms`, `1.23s`, `30.1s`.
pub fn latency(seconds: f64) -> String {
    let (value, unit) = match seconds.abs() {
        s if s >= 1.0 || s == 0.0 => (seconds, "s"),
        s if s >= 1e-3 => (seconds * 1e3, "ms"),
        s if s >= 1e-6 => (seconds * 1e6, "µs"),
        _ => (seconds * 1e9, "ns"),
    };
    format!("{}{unit}", significant(value))
}

/// A rate of events per second with three significant digits, per minute or per hour when it
/// is slow: `12.3/s`, `4.2/min`, `3.47/h`.
pub fn rate(per_second: f64) -> String {
    match per_second {
        r if r >= 0.1 || r == 0.0 => format!("{}/s", significant(r)),
        r if r * 60.0 >= 0.1 => format!("{}/min", significant(r * 60.0)),
        r => format!("{}/h", significant(r * 3600.0)),
    }
}

/// `value` with three significant digits (all of its whole digits when it has more), without
/// trailing zeros.
fn significant(value: f64) -> String {
    if value == 0.0 || !value.is_finite() {
        return format!("{value}");
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "the decimals for three significant digits of a finite, non-zero value"
    )]
    let decimals = (2 - value.abs().log10().floor() as i32).max(0) as usize;
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

/// An event count, shortened past ten thousand: `9 876`, `12.3 k`, `1.2 M`.
pub fn count(n: u64) -> String {
    match n {
        0..=9_999 => n.to_string(),
        10_000..=999_999 => trim(format!("{:.1}", n as f64 / 1e3)) + " k",
        1_000_000..=999_999_999 => trim(format!("{:.1}", n as f64 / 1e6)) + " M",
        _ => trim(format!("{:.1}", n as f64 / 1e9)) + " G",
    }
}

fn trim(text: String) -> String {
    text.strip_suffix(".0").map(str::to_string).unwrap_or(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn people_numbers() {
        assert_eq!(percent(0.9995), "99.95 %");
        assert_eq!(percent(0.99871), "99.871 %");
        assert_eq!(percent(1.0), "100 %");
        assert_eq!(percent(0.999999), "99.9999 %");
        assert_eq!(percent(0.998999), "99.899 %");
        assert_eq!(percent(0.9999999), "99.9999 %");
        assert_eq!(percent(0.999), "99.9 %");
        assert_eq!(percent(0.5), "50 %");
        assert_eq!(points(0.0005, 0.9995), "+0.05 pts");
        // Rounded down, as the SLI is: 99.8508 % is shown as 99.85 %, 0.85 pts over 99 %.
        assert_eq!(points(0.998_508 - 0.99, 0.998_508), "+0.85 pts");
        assert_eq!(points(0.988_818 - 0.995, 0.988_818), "-0.619 pts");
        // To four decimals where the SLI is shown with four: 99.9995 % over 99.5 %.
        assert_eq!(points(0.999_995 - 0.995, 0.999_995), "+0.4995 pts");
        assert_eq!(points(0.999 - 0.999, 0.999), "0 pts");
        assert_eq!(points(-1e-12, 0.999), "0 pts");
        assert_eq!(points(-0.0129, 0.97), "-1.29 pts");
        assert_eq!(points(0.0, 0.99), "0 pts");
        assert_eq!(count(999), "999");
        assert_eq!(count(12_345), "12.3 k");
        assert_eq!(count(1_200_000), "1.2 M");
        assert_eq!(count(10_000), "10 k");
        assert_eq!(latency(0.120), "120ms");
        assert_eq!(latency(0.0123), "12.3ms");
        assert_eq!(latency(0.00085), "850µs");
        assert_eq!(latency(1.234), "1.23s");
        assert_eq!(latency(30.05), "30.1s");
        assert_eq!(latency(3600.0), "3600s");
        assert_eq!(latency(0.0), "0s");
        assert_eq!(rate(0.000_965), "3.47/h");
        assert_eq!(rate(0.07), "4.2/min");
        assert_eq!(rate(12.34), "12.3/s");
        assert_eq!(rate(0.0), "0/s");
    }
}
