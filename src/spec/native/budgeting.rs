//! How an SLO counts its error budget: `budgeting` (occurrences, timeslices or
//! ratio_timeslices) and the `timeslice` the last two need, written on the SLO or in `defaults`.

use crate::spec::reader::Checker;
use crate::spec::yaml::{Node, Position};
use crate::spec::{AlertRule, Budgeting, Percentage, Timeslice, Window};
use crate::suggest::closest;
use crate::time::SpanDuration;

const TIMESLICE_KEYS: &[&str] = &["length", "objective"];

/// The `timeslice` an SLO has, and whether it wrote it or inherited it from `defaults`.
pub(super) struct SliceSetting {
    pub(super) slice: Timeslice,
    pub(super) at: Position,
    pub(super) inherited: bool,
}

impl Checker<'_> {
    /// A `budgeting` name: occurrences, timeslices or ratio_timeslices.
    pub(super) fn budgeting_name(&mut self, node: &Node) -> Option<String> {
        let text = self.string(node, "`budgeting`")?;
        let known = ["occurrences", "timeslices", "ratio_timeslices"];
        if known.contains(&text.as_str()) {
            return Some(text);
        }
        let hint = closest(&text, known)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        self.error(
            node.position,
            format!(
                "unknown budgeting `{text}`: use occurrences, timeslices or ratio_timeslices{hint}"
            ),
        );
        None
    }

    /// The budgeting `name` (written at `at`) with its slices. A `timeslice` inherited from
    /// `defaults` is a default like any other: an SLO budgeted by occurrences has no use for it
    /// and ignores it; only one the SLO wrote itself is a mistake there.
    pub(super) fn budgeting(
        &mut self,
        name: &str,
        at: Position,
        timeslice: Option<SliceSetting>,
    ) -> Option<Budgeting> {
        match (name, timeslice) {
            ("occurrences", Some(setting)) if !setting.inherited => {
                self.error(
                    setting.at,
                    "`timeslice` applies only to `budgeting: timeslices` or `ratio_timeslices`",
                );
                None
            }
            ("occurrences", _) => Some(Budgeting::Occurrences),
            ("timeslices", Some(setting)) if setting.slice.objective.is_none() => {
                if setting.inherited {
                    self.error(
                        at,
                        format!("`budgeting: timeslices` needs the slice objective, and the `timeslice` inherited from `defaults` (line {}) has none: give this SLO its own, e.g. timeslice: {{length: {}, objective: 95}}", setting.at.line, setting.slice.length),
                    );
                } else {
                    self.error(
                        setting.at,
                        "`budgeting: timeslices` needs the slice objective: timeslice: {length: 1m, objective: 95}",
                    );
                }
                None
            }
            ("timeslices", Some(setting)) => Some(Budgeting::Timeslices(setting.slice)),
            (_, Some(setting)) => Some(Budgeting::RatioTimeslices(setting.slice)),
            (_, None) => {
                self.error(
                    at,
                    format!("`budgeting: {name}` needs `timeslice: {{length: 1m, objective: 95}}`"),
                );
                None
            }
        }
    }

    /// A `timeslice`: a length that divides an hour, and an optional slice objective.
    pub(super) fn timeslice(&mut self, node: &Node) -> Option<Timeslice> {
        let entries = self.mapping(node, "`timeslice`", TIMESLICE_KEYS)?;
        let errors_before = self.errors.len();
        let mut length = None;
        let mut objective = None;
        for (key, value) in entries {
            let Some(text) = self.string(value, &format!("`timeslice.{key}`")) else {
                continue;
            };
            match key {
                "length" => match SpanDuration::parse(&text) {
                    Ok(duration) if Timeslice::divides_an_hour(&duration) => length = Some(duration),
                    Ok(duration) => self.error(
                        value.position,
                        format!("timeslice length {duration} must divide one hour evenly (e.g. 1m, 5m, 10m, 1h), so that burn rates over 1h count whole slices"),
                    ),
                    Err(message) => self.error(value.position, message),
                },
                _ => match Percentage::parse(&text, "slice objective") {
                    Ok(p) if p.numerator() > 0 && p.numerator() <= p.denominator() => objective = Some(p),
                    Ok(_) => self.error(value.position, format!("slice objective '{text}' must be above 0 and at most 100 (percent)")),
                    Err(message) => self.error(value.position, message),
                },
            }
        }
        if length.is_none() && self.errors.len() == errors_before {
            self.error(
                node.position,
                "`timeslice` needs a `length`, e.g. {length: 1m, objective: 95}",
            );
        }
        Some(Timeslice {
            length: length?,
            objective,
        })
    }

    /// Reports each rolling window and alert lookback that is not a whole number of `slice`s
    /// (the SLO is written at `at`).
    pub(super) fn check_slice_alignment(
        &mut self,
        at: Position,
        slice: &Timeslice,
        windows: &[Window],
        alerts: &[AlertRule],
    ) {
        for (what, duration) in slice.misaligned(windows, alerts) {
            self.error(
                at,
                format!(
                    "{what} {duration} is not a whole number of {} time slices; use a multiple of the slice length",
                    slice.length
                ),
            );
        }
    }
}
