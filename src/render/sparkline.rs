//! The table's sparkline of the budget left over a window: one character per point of a
//! result's budget trend ([`SloResult::budget_trend`](crate::report::SloResult)).
//!
//! A point with budget left is drawn by how much: `▁` for up to 1/8 of the budget, `▂` up to
//! 2/8, …, `█` for more than 7/8 (the whole budget). A spent budget (`remaining ≤ 0`,
//! overspent included) is `!`, a point without events `·`. Where the locale is not UTF-8 the
//! same levels are drawn in ASCII, `_-~=+*#@`, and no data as `.`.

use crate::report::BudgetPoint;

/// The characters a sparkline is drawn with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Charset {
    /// Unicode block elements.
    Unicode,
    /// Printable ASCII, for terminals whose locale is not UTF-8.
    Ascii,
}

/// Budget left from low to high, in eighths.
const UNICODE_LEVELS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
const ASCII_LEVELS: [char; 8] = ['_', '-', '~', '=', '+', '*', '#', '@'];

/// A point whose budget is spent, overspent included.
const SPENT: char = '!';

impl Charset {
    /// The charset for the locale as the C library reads it: the first of `LC_ALL`,
    /// `LC_CTYPE` and `LANG` that is set and not empty names the character encoding
    /// (`en_US.UTF-8`, `C.utf8`); Unicode when it is UTF-8, ASCII otherwise (also when none is
    /// set: the "C" locale).
    pub fn of_locale(lc_all: Option<&str>, lc_ctype: Option<&str>, lang: Option<&str>) -> Charset {
        let locale = [lc_all, lc_ctype, lang]
            .into_iter()
            .flatten()
            .find(|value| !value.is_empty())
            .unwrap_or("C");
        // The encoding follows the dot, before any `@modifier`.
        let encoding = locale
            .split_once('.')
            .map_or("", |(_, rest)| rest.split('@').next().unwrap_or(""));
        let normalized: String = encoding
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
            .to_ascii_lowercase();
        if normalized == "utf8" {
            Charset::Unicode
        } else {
            Charset::Ascii
        }
    }

    fn no_data(self) -> char {
        match self {
            Charset::Unicode => '·',
            Charset::Ascii => '.',
        }
    }

    fn levels(self) -> &'static [char; 8] {
        match self {
            Charset::Unicode => &UNICODE_LEVELS,
            Charset::Ascii => &ASCII_LEVELS,
        }
    }
}

/// The character for one point.
pub fn glyph(point: &BudgetPoint, charset: Charset) -> char {
    match point.remaining {
        None => charset.no_data(),
        Some(_) if point.exhausted => SPENT,
        Some(remaining) => {
            // (k/8, (k+1)/8] is level k; anything not spent reaches at least the lowest.
            let eighths = (remaining * 8.0).ceil();
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "clamped to 1..=8"
            )]
            let level = eighths.clamp(1.0, 8.0) as usize;
            charset.levels()[level - 1]
        }
    }
}

/// The sparkline of `points`, one character each.
pub fn sparkline(points: &[BudgetPoint], charset: Charset) -> String {
    points.iter().map(|point| glyph(point, charset)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::Timestamp;

    fn point(remaining: Option<f64>, exhausted: bool) -> BudgetPoint {
        BudgetPoint {
            at: Timestamp(0),
            remaining,
            exhausted,
        }
    }

    #[test]
    fn eighths_of_the_budget_map_to_blocks() {
        let at = |remaining: f64| glyph(&point(Some(remaining), false), Charset::Unicode);
        assert_eq!(at(1.0), '█');
        assert_eq!(at(0.876), '█');
        assert_eq!(at(0.875), '▇');
        assert_eq!(at(0.5), '▄');
        assert_eq!(at(0.51), '▅');
        assert_eq!(at(0.125), '▁');
        assert_eq!(at(0.126), '▂');
        assert_eq!(at(0.000_001), '▁');
        let ascii = |remaining: f64| glyph(&point(Some(remaining), false), Charset::Ascii);
        assert_eq!(ascii(1.0), '@');
        assert_eq!(ascii(0.5), '=');
        assert_eq!(ascii(0.01), '_');
    }

    #[test]
    fn spent_and_empty_points_have_their_own_marks() {
        for charset in [Charset::Unicode, Charset::Ascii] {
            // The exact decision, not the rounded fraction, says the budget is spent.
            assert_eq!(glyph(&point(Some(0.0), true), charset), '!');
            assert_eq!(glyph(&point(Some(-3.5), true), charset), '!');
        }
        assert_eq!(glyph(&point(None, false), Charset::Unicode), '·');
        assert_eq!(glyph(&point(None, false), Charset::Ascii), '.');
        let points = [
            point(Some(1.0), false),
            point(Some(0.3), false),
            point(Some(-0.1), true),
            point(None, false),
        ];
        assert_eq!(sparkline(&points, Charset::Unicode), "█▃!·");
        assert_eq!(sparkline(&points, Charset::Ascii), "@~!.");
    }

    #[test]
    fn the_locale_decides_the_charset_as_the_c_library_does() {
        use Charset::{Ascii, Unicode};
        assert_eq!(Charset::of_locale(None, None, Some("en_US.UTF-8")), Unicode);
        assert_eq!(Charset::of_locale(None, None, Some("C.utf8")), Unicode);
        assert_eq!(
            Charset::of_locale(None, None, Some("de_DE.utf-8@euro")),
            Unicode
        );
        assert_eq!(Charset::of_locale(None, None, None), Ascii);
        assert_eq!(Charset::of_locale(None, None, Some("C")), Ascii);
        assert_eq!(Charset::of_locale(None, None, Some("POSIX")), Ascii);
        assert_eq!(
            Charset::of_locale(None, None, Some("en_US.ISO-8859-1")),
            Ascii
        );
        // LC_ALL overrides LC_CTYPE, which overrides LANG; an empty one is not set.
        assert_eq!(
            Charset::of_locale(Some("C"), None, Some("en_US.UTF-8")),
            Ascii
        );
        assert_eq!(
            Charset::of_locale(None, Some("C"), Some("en_US.UTF-8")),
            Ascii
        );
        assert_eq!(
            Charset::of_locale(Some(""), Some("C.UTF-8"), Some("C")),
            Unicode
        );
    }
}
