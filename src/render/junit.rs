//! `--format junit`: JUnit XML, for the test-report views of CI systems (GitLab, Jenkins,
//! GitHub actions that read JUnit, Azure Pipelines).
//!
//! One `<testsuite>` per SLO, one `<testcase>` per SLO × group × window. A result that fails
//! the policy (`check --fail-on`; for `report` the default, `exhausted`) is a `<failure>` whose
//! message says why in a sentence; a result without events that does not fail is `<skipped>`.
//! The figures of every result are in its failure text or its `<system-out>`.

use std::io::{self, Write};

use super::summary::{self, Cells};
use super::{points, Renderer};
use crate::policy::{FailOn, Verdict};
use crate::report::{Report, SloResult, Status};
use crate::time::humanize_seconds;

/// Renders the [`Report`] as JUnit XML.
#[derive(Debug, Clone)]
pub struct JunitRenderer {
    /// The verdict on the report: which results are failures.
    pub verdict: Verdict,
}

/// How one result shows in the test report.
enum CaseResult {
    /// A failure; `true` when only its SLA fails the policy (its status passes).
    Failed(bool),
    Skipped,
    Passed,
}

impl JunitRenderer {
    /// How the `index`-th result of the report shows.
    fn outcome(&self, index: usize, result: &SloResult) -> CaseResult {
        let failed_by = self
            .verdict
            .failed_by
            .get(index)
            .map_or(&[][..], Vec::as_slice);
        if !failed_by.is_empty() {
            CaseResult::Failed(failed_by.iter().all(|f| *f == FailOn::Sla))
        } else if matches!(result.status, Status::NoData | Status::LowTraffic) {
            CaseResult::Skipped
        } else {
            CaseResult::Passed
        }
    }
}

impl Renderer for JunitRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let cases: Vec<(&SloResult, CaseResult)> = report
            .results
            .iter()
            .enumerate()
            .map(|(index, result)| (result, self.outcome(index, result)))
            .collect();
        // The results of one SLO are adjacent: the report is sorted by SLO.
        let suites: Vec<&[(&SloResult, CaseResult)]> =
            cases.chunk_by(|a, b| a.0.slo == b.0.slo).collect();
        let tally = |cases: &[(&SloResult, CaseResult)]| {
            let mut counts = (0, 0);
            for (_, outcome) in cases {
                match outcome {
                    CaseResult::Failed(_) => counts.0 += 1,
                    CaseResult::Skipped => counts.1 += 1,
                    CaseResult::Passed => {}
                }
            }
            counts
        };
        let (failures, skipped) = tally(&cases);
        // No result with an event fails a check whatever the policy: one more failing case, so
        // that a CI view shows why the step failed.
        let no_events = self.verdict.no_events.as_deref();
        let extra = usize::from(no_events.is_some());
        writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
        writeln!(
            out,
            r#"<testsuites name="slo" tests="{}" failures="{}" errors="0" skipped="{skipped}" time="0">"#,
            report.results.len() + extra,
            failures + extra
        )?;
        if let Some(reason) = no_events {
            writeln!(
                out,
                r#"  <testsuite name="inputs" tests="1" failures="1" errors="0" skipped="0" time="0">"#
            )?;
            writeln!(
                out,
                r#"    <testcase name="events" classname="inputs" time="0">"#
            )?;
            writeln!(
                out,
                r#"      <failure message="{}" type="no_events">{}</failure>"#,
                attribute(&format!("no result has any event: {reason}")),
                text(&crate::visible::visible(reason))
            )?;
            writeln!(out, "    </testcase>")?;
            writeln!(out, "  </testsuite>")?;
        }
        for cases in suites {
            let (failures, skipped) = tally(cases);
            writeln!(
                out,
                r#"  <testsuite name="{}" tests="{}" failures="{failures}" errors="0" skipped="{skipped}" time="0">"#,
                attribute(&cases[0].0.slo),
                cases.len()
            )?;
            writeln!(out, "    <properties>")?;
            writeln!(
                out,
                r#"      <property name="evaluated_at" value="{}"/>"#,
                attribute(&report.evaluated_at.to_string())
            )?;
            if let Some(interval) = &report.between {
                writeln!(
                    out,
                    r#"      <property name="between" value="{}..{}"/>"#,
                    attribute(&interval.from.to_string()),
                    attribute(&interval.to.to_string())
                )?;
            }
            writeln!(out, "    </properties>")?;
            for (result, outcome) in cases {
                testcase(result, outcome, out)?;
            }
            writeln!(out, "  </testsuite>")?;
        }
        writeln!(out, "</testsuites>")
    }
}

/// A result's test case name, `SLO {field="value", …} [window]`: the same from run to run,
/// since a CI system follows a test case by its name, and one name per result. Values are
/// quoted and escaped as JSON strings, so that a missing field (`(missing)`), the text
/// `(missing)`, an empty value and a line break each have a name of their own; `(other)`
/// holds however many groups it folds; the window is as written (`month Europe/Berlin`, not
/// the table's `month 13%`).
fn case_name(result: &SloResult) -> String {
    let window = &result.window;
    if result.group.is_empty() && result.folded.is_none() {
        return format!("{} [{window}]", result.slo);
    }
    let group = if result.folded.is_some() {
        "(other)".to_string()
    } else {
        result
            .group
            .iter()
            .map(|(field, value)| {
                let value = value.as_deref().map_or_else(
                    || "(missing)".to_string(),
                    |v| serde_json::to_string(v).unwrap_or_default(),
                );
                format!("{field}={value}")
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} {{{group}}} [{window}]", result.slo)
}

/// One test case: a result and how it shows.
fn testcase(result: &SloResult, outcome: &CaseResult, out: &mut dyn Write) -> io::Result<()> {
    let cells = Cells::of(result);
    // The window as written, not as the table shows it (`month 13%`): a CI system follows a
    // test case by its name from run to run.
    writeln!(
        out,
        r#"    <testcase name="{}" classname="{}" time="0">"#,
        attribute(&case_name(result)),
        attribute(&result.slo)
    )?;
    let details = details(result, &cells);
    match outcome {
        CaseResult::Failed(sla_only) => writeln!(
            out,
            r#"      <failure message="{}" type="{}">{}</failure>"#,
            attribute(&message(result, &cells, *sla_only)),
            if *sla_only {
                "sla_breached"
            } else {
                result.status.as_str()
            },
            text(&details)
        )?,
        CaseResult::Skipped => {
            writeln!(
                out,
                r#"      <skipped message="{}"/>"#,
                attribute(&no_verdict(result))
            )?;
            writeln!(out, "      <system-out>{}</system-out>", text(&details))?;
        }
        CaseResult::Passed => writeln!(out, "      <system-out>{}</system-out>", text(&details))?,
    }
    writeln!(out, "    </testcase>")
}

/// Why a result fails, in one sentence: by its SLA when `sla_only`, else by its status.
fn message(result: &SloResult, cells: &Cells, sla_only: bool) -> String {
    let figures = format!(
        "SLI {} against an objective of {}, {} of the error budget left",
        cells.sli, cells.objective, cells.budget_left
    );
    if let (true, Some(sla)) = (sla_only, result.sla) {
        return format!(
            "SLA breached over {}: SLI {} against an SLA of {} %",
            result.window, cells.sli, sla.objective
        );
    }
    match result.status {
        Status::Exhausted => format!("error budget exhausted over {}: {figures}", result.window),
        Status::AtRisk => {
            let alerts = result.alerts.iter().filter(|a| a.firing).count();
            format!(
                "at risk over {}: {alerts} burn-rate alert{} firing; {figures}",
                result.window,
                if alerts == 1 { "" } else { "s" }
            )
        }
        Status::NoData | Status::LowTraffic => no_verdict(result),
        Status::Ok => figures,
    }
}

/// Why a result without enough events has no verdict.
fn no_verdict(result: &SloResult) -> String {
    match (result.status, result.min_events) {
        (Status::LowTraffic, Some(min_events)) => format!(
            "too few events for a verdict over {}: {} of the {min_events} min_events",
            result.window, result.events
        ),
        _ => super::summary::no_events(result, &format!(" {}", result.window)),
    }
}

/// The figures of a result, one per line.
fn details(result: &SloResult, cells: &Cells) -> String {
    let mut lines = vec![
        format!("status: {}", result.status.as_str()),
        format!(
            "window: {} ({} to {})",
            result.window, result.start, result.end
        ),
    ];
    if let Some(service) = &result.service {
        lines.push(format!("service: {service}"));
    }
    let margin = match (result.sli_margin, result.sli) {
        (Some(margin), Some(sli)) => format!(", {}", points(margin, sli)),
        _ => String::new(),
    };
    lines.push(format!(
        "SLI: {} (objective {}{margin})",
        cells.sli, cells.objective
    ));
    if let Some(sla) = result.sla {
        let standing = match (sla.met, sla.sli_margin, result.sli) {
            (Some(met), Some(margin), Some(sli)) => {
                format!(
                    " ({}, {})",
                    if met { "met" } else { "breached" },
                    points(margin, sli)
                )
            }
            _ => String::new(),
        };
        lines.push(format!("SLA: {} %{standing}", sla.objective));
    }
    if result.excluded > 0 {
        lines.push(format!(
            "excluded: {} rows in the SLO's exclusions",
            result.excluded
        ));
    }
    if let Some(min_events) = result.min_events {
        lines.push(format!("min_events: {min_events}"));
    }
    // Under timeslices, total, good and bad count slices; events are the valid events.
    if result.budgeting == "timeslices" {
        lines.push(format!(
            "events: {} ({} invalid)",
            result.events, result.invalid
        ));
        lines.push(format!(
            "time slices: {} ({} good, {} bad)",
            result.total, result.good, result.bad
        ));
    } else {
        lines.push(format!(
            "events: {} ({} good, {} bad, {} invalid)",
            result.total, result.good, result.bad, result.invalid
        ));
    }
    lines.push(format!("error budget left: {}", cells.budget_left));
    if let Some(seconds) = result.time_to_exhaustion_s {
        lines.push(format!(
            "error budget empty in: {} at the 1h burn rate",
            humanize_seconds(seconds)
        ));
    }
    lines.push(format!("burn rate 1h: {}", cells.burn_1h));
    lines.extend(summary::firing_alerts(result));
    if let Some(signals) = summary::signals_text(result) {
        lines.push(format!("golden signals: {signals}"));
    }
    if let Some(policy) = &result.policy {
        lines.push(format!("policy ({}): {}", policy.rule, policy.text));
    }
    lines.join("\n")
}

/// `value` escaped for a double-quoted attribute.
fn attribute(value: &str) -> String {
    escape(value, true)
}

/// `value` escaped for element content.
fn text(value: &str) -> String {
    escape(value, false)
}

/// XML escaping. Characters XML 1.0 cannot hold at all (most control characters) become
/// U+FFFD; in attributes, line breaks and tabs become character references so that parsers
/// keep them.
fn escape(value: &str, in_attribute: bool) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' if in_attribute => escaped.push_str("&quot;"),
            '\'' if in_attribute => escaped.push_str("&apos;"),
            '\n' if in_attribute => escaped.push_str("&#10;"),
            '\r' => escaped.push_str("&#13;"),
            '\t' if in_attribute => escaped.push_str("&#9;"),
            '\t' | '\n' => escaped.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => escaped.push('\u{fffd}'),
            _ => escaped.push(c),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn escaping() {
        assert_eq!(
            escape(r#"a<b>&"c" 'd'"#, true),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;"
        );
        assert_eq!(escape("a\"b\nc", false), "a\"b\nc");
        assert_eq!(escape("a\nb\tc", true), "a&#10;b&#9;c");
        assert_eq!(escape("bell\u{7}", false), "bell\u{fffd}");
    }
}
