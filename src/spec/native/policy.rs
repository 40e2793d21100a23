//! A native SLO's error-budget `policy`: the team's words for each state of the budget, and for
//! bands of the budget left (`remaining_above`).

use crate::spec::reader::Checker;
use crate::spec::yaml::{Node, Value};
use crate::spec::{BudgetPolicy, Percentage, PolicyState};

/// The keys of `policy:`, states and bands.
const POLICY_KEYS: &[&str] = &[
    "sla_breached",
    "exhausted",
    "at_risk",
    "low_traffic",
    "no_data",
    "ok",
    "remaining_above",
];

impl Checker<'_> {
    /// A `policy` mapping; `None` when anything in it is wrong (reported).
    pub(in crate::spec) fn policy(&mut self, node: &Node) -> Option<BudgetPolicy> {
        let entries = self.mapping(node, "`policy`", POLICY_KEYS)?;
        let errors_before = self.errors.len();
        let mut policy = BudgetPolicy {
            states: Vec::new(),
            remaining_above: Vec::new(),
        };
        for (key, value) in &entries {
            if *key == "remaining_above" {
                policy.remaining_above = self.remaining_above(value).unwrap_or_default();
                continue;
            }
            let Some(state) = PolicyState::ALL.iter().find(|s| s.key() == *key) else {
                continue;
            };
            if let Some(text) = self.policy_text(value, key) {
                policy.states.push((*state, text));
            }
        }
        if entries.is_empty() {
            self.error(
                node.position,
                "`policy` is empty: give the team's words for some states, e.g. exhausted: Freeze feature releases",
            );
        }
        (self.errors.len() == errors_before).then_some(policy)
    }

    /// The words of one state: non-empty text on one value.
    fn policy_text(&mut self, value: &Node, key: &str) -> Option<String> {
        let text = self.string(value, &format!("`policy.{key}`"))?;
        if text.trim().is_empty() {
            self.error(
                value.position,
                format!("`policy.{key}` is empty: say what the team does in that state"),
            );
            return None;
        }
        Some(text)
    }

    /// `remaining_above`: shares of the budget left (`0.8` or `80%`, at least 0 and below 1)
    /// mapped to words; sorted highest first.
    fn remaining_above(&mut self, node: &Node) -> Option<Vec<(Percentage, String, String)>> {
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "`policy.remaining_above` must map shares of the budget left to words, e.g. {{0.8: Budget to spare}}, not {}",
                    node.kind()
                ),
            );
            return None;
        };
        let mut bands: Vec<(Percentage, String, String)> = Vec::new();
        let mut ok = true;
        for (key, value) in entries {
            let share = match key.as_scalar() {
                Some(written) => match share(written) {
                    Ok(share) if bands.iter().any(|(s, _, _)| *s == share) => {
                        self.error(
                            key.position,
                            format!(
                                "the share {written} appears twice in `policy.remaining_above`"
                            ),
                        );
                        None
                    }
                    Ok(share) => Some((share, written.to_string())),
                    Err(message) => {
                        self.error(key.position, message);
                        None
                    }
                },
                None => {
                    self.error(
                        key.position,
                        "a share of the budget left, such as 0.8 or 80%, must be a single value",
                    );
                    None
                }
            };
            let text = self.policy_text(value, "remaining_above");
            match (share, text) {
                (Some((share, written)), Some(text)) => bands.push((share, written, text)),
                _ => ok = false,
            }
        }
        // Highest share first: a result takes the words of the highest band it is above.
        bands.sort_by(|a, b| {
            (b.0.numerator() * a.0.denominator()).cmp(&(a.0.numerator() * b.0.denominator()))
        });
        ok.then_some(bands)
    }
}

/// A share of the budget left: a fraction (`0.8`) or a percentage (`80%`), at least 0 and
/// below 1, exactly.
fn share(written: &str) -> Result<Percentage, String> {
    let text = written.trim();
    let parsed = match text.strip_suffix('%') {
        Some(_) => Percentage::parse(text, "share"),
        None => Percentage::from_fraction(text, "share"),
    };
    let hint =
        "a share of the budget left is a fraction from 0 to below 1 (0.8) or a percentage (80%)";
    match parsed {
        Ok(share) if share.numerator() < share.denominator() => Ok(share),
        Ok(_) => Err(format!(
            "share '{written}' is not below the whole budget: {hint}"
        )),
        Err(_) => Err(format!("'{written}' is not a share: {hint}")),
    }
}
