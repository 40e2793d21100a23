//! `--format prometheus`: the text exposition format, for node_exporter's textfile collector.
//!
//! Every metric is a gauge, since every figure describes a window that moves: event counts go
//! down as old events leave it, so none of them is a counter (and none ends in `_total`, which
//! `promtool check metrics` reserves for counters). Each sample carries the labels `slo`,
//! `service` (when the SLO has one), `window` and one label per group field; a figure that is
//! `null` in JSON has no sample. No sample has a timestamp: the textfile collector refuses
//! them. Metric list in docs/output-formats.md.

use rustc_hash::FxHashSet;
use std::io::{self, Write};
use std::ops::Range;

use super::Renderer;
use crate::report::{Report, SloResult, Status};

/// Renders the [`Report`] in the Prometheus text format.
#[derive(Debug, Clone, Copy)]
pub struct PrometheusRenderer;

/// A sample's own labels (besides the result's) and its value, written out.
type Sample = (Vec<(&'static str, String)>, String);

/// A metric family: its name, help text and the samples of one result.
struct Family {
    name: &'static str,
    help: &'static str,
    samples: fn(&SloResult) -> Vec<Sample>,
}

/// The one sample of a figure, none when it is `null`.
fn one(value: Option<f64>) -> Vec<Sample> {
    value.map(|v| (Vec::new(), number(v))).into_iter().collect()
}

/// The one sample of a count.
fn count(value: u64) -> Vec<Sample> {
    vec![(Vec::new(), value.to_string())]
}

/// `1` or `0`.
fn flag(on: bool) -> String {
    if on { "1" } else { "0" }.to_string()
}

const FAMILIES: &[Family] = &[
    Family {
        name: "slo_objective_ratio",
        help: "The SLO's objective as a ratio (0.999 for 99.9 %).",
        samples: |r| vec![(Vec::new(), objective_ratio(r.objective))],
    },
    Family {
        name: "slo_window_elapsed_ratio",
        help: "For calendar windows: the share of the period elapsed at the evaluation instant.",
        samples: |r| one(r.elapsed),
    },
    Family {
        name: "slo_sli_ratio",
        help: "Good events divided by valid events in the window.",
        samples: |r| one(r.sli),
    },
    Family {
        name: "slo_sli_margin_ratio",
        help: "The SLI minus the objective (0.0005 is 0.05 percentage points above it).",
        samples: |r| one(r.sli_margin),
    },
    Family {
        name: "slo_sla_ratio",
        help: "The SLO's SLA, what customers are promised, as a ratio (0.995 for 99.5 %).",
        samples: |r| r.sla.map(|sla| (Vec::new(), objective_ratio(sla.objective))).into_iter().collect(),
    },
    Family {
        name: "slo_sla_margin_ratio",
        help: "The SLI minus the SLA (negative when the SLA is breached).",
        samples: |r| one(r.sla.and_then(|sla| sla.sli_margin)),
    },
    Family {
        name: "slo_sla_met",
        help: "1 when the SLI is at or above the SLA, 0 when the SLA is breached; absent without events.",
        samples: |r| r.sla.and_then(|sla| sla.met).map(|met| (Vec::new(), flag(met))).into_iter().collect(),
    },
    Family {
        name: "slo_error_budget_consumed_ratio",
        help: "Bad events divided by the bad events the objective allows in the window; above 1 once overspent.",
        samples: |r| one(r.error_budget.consumed),
    },
    Family {
        name: "slo_error_budget_remaining_ratio",
        help: "1 minus the consumed error budget; negative once overspent.",
        samples: |r| one(r.error_budget.remaining),
    },
    Family {
        name: "slo_error_budget_allowed_events",
        help: "Bad events the objective allows in the window: (1 - objective) x valid events.",
        samples: |r| one(Some(r.error_budget.allowed)),
    },
    Family {
        name: "slo_error_budget_allowed_seconds",
        help: "For timeslices budgeting: the bad time the window may hold.",
        samples: |r| one(r.error_budget.allowed_s),
    },
    Family {
        name: "slo_error_budget_remaining_seconds",
        help: "For timeslices budgeting: the bad time left in the window; negative once overspent.",
        samples: |r| one(r.error_budget.remaining_s),
    },
    Family {
        name: "slo_events",
        help: "Valid events of the SLO in the window (time slices for timeslices budgeting).",
        samples: |r| count(r.total),
    },
    Family {
        name: "slo_good_events",
        help: "Good events in the window (good slices for timeslices budgeting).",
        samples: |r| count(r.good),
    },
    Family {
        name: "slo_bad_events",
        help: "Bad events in the window (bad slices for timeslices budgeting).",
        samples: |r| count(r.bad),
    },
    Family {
        name: "slo_invalid_events",
        help: "Rows of the SLO in the window that were invalid for it (not in the SLI).",
        samples: |r| count(r.invalid),
    },
    Family {
        name: "slo_excluded_events",
        help: "Rows of the SLO in the window whose time lies in one of its exclusions (not in the SLI).",
        samples: |r| count(r.excluded),
    },
    Family {
        name: "slo_burn_rate",
        help: "Bad event ratio over the lookback divided by the error budget ratio (1 spends the budget in exactly the window).",
        samples: |r| {
            r.burn_rates
                .iter()
                .filter_map(|(lookback, rate)| rate.map(|v| (vec![("lookback", lookback.as_written().to_string())], number(v))))
                .collect()
        },
    },
    Family {
        name: "slo_alert_firing",
        help: "1 when the multiwindow burn-rate alert fires (burn rates over long and short both above the threshold), else 0.",
        samples: |r| {
            r.alerts
                .iter()
                .map(|a| (alert_labels(a), flag(a.firing)))
                .collect()
        },
    },
    Family {
        name: "slo_alert_threshold_burn_rate",
        help: "The burn rate both lookbacks of the alert must exceed for it to fire.",
        samples: |r| {
            r.alerts
                .iter()
                .map(|a| (alert_labels(a), number(a.threshold)))
                .collect()
        },
    },
    Family {
        name: "slo_traffic_events_per_second",
        help: "For SLOs with latency: valid events per second over the window's time outside exclusions.",
        samples: |r| one(r.golden_signals.as_ref().and_then(|g| g.traffic_per_s)),
    },
    Family {
        name: "slo_error_ratio",
        help: "For SLOs with latency: bad events divided by valid events in the window (events, whatever the budgeting).",
        samples: |r| one(r.golden_signals.as_ref().and_then(|g| g.error_ratio)),
    },
    // Gauges with a `percentile` label: a `quantile` label is for summaries, whose `_sum` and
    // `_count` a window that moves cannot give.
    Family {
        name: "slo_latency_seconds",
        help: "For SLOs with latency: the latency of the window's valid events at a percentile (nearest rank, within 1 %).",
        samples: |r| {
            let Some(g) = &r.golden_signals else {
                return Vec::new();
            };
            let l = &g.latency;
            [("50", l.p50_s), ("90", l.p90_s), ("95", l.p95_s), ("99", l.p99_s)]
                .into_iter()
                .filter_map(|(p, v)| v.map(|v| (vec![("percentile", p.to_string())], number(v))))
                .collect()
        },
    },
    Family {
        name: "slo_latency_max_seconds",
        help: "For SLOs with latency: the largest latency of the window's valid events, exactly.",
        samples: |r| one(r.golden_signals.as_ref().and_then(|g| g.latency.max_s)),
    },
    Family {
        name: "slo_time_to_exhaustion_seconds",
        help: "Seconds until the error budget is spent at the 1h burn rate; absent unless both are positive.",
        samples: |r| one(r.time_to_exhaustion_s),
    },
    Family {
        name: "slo_status",
        help: "1 for the result's status (ok, at_risk, exhausted, no_data, low_traffic), 0 for the others.",
        samples: |r| {
            [Status::Ok, Status::AtRisk, Status::Exhausted, Status::NoData, Status::LowTraffic]
                .iter()
                .map(|s| (vec![("status", s.as_str().to_string())], flag(*s == r.status)))
                .collect()
        },
    },
];

fn alert_labels(alert: &crate::report::AlertState) -> Vec<(&'static str, String)> {
    vec![
        ("severity", alert.severity.clone()),
        ("long", alert.long.clone()),
        ("short", alert.short.clone()),
    ]
}

/// Label names the metrics use themselves, and names Prometheus gives a meaning to; a group
/// field with one of these names is labelled `group_<name>`. (`service` is not here: a group
/// field `service` of an SLO without a `service:` key is the service label.)
const RESERVED: [&str; 12] = [
    "slo",
    "window",
    "lookback",
    "severity",
    "long",
    "short",
    "status",
    "le",
    "quantile",
    "missing",
    "folded",
    "percentile",
];

impl Renderer for PrometheusRenderer {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let labels: Vec<String> = report.results.iter().map(result_labels).collect();
        // The textfile collector rejects a file with two samples of one series. Two results
        // with the same labels (two windows written alike) could give one in every family: then
        // each family remembers all its series. Otherwise only the samples of one result can
        // repeat (two alerts alike), and each is checked against that result's others.
        let results_alike = {
            let mut distinct = FxHashSet::default();
            !labels.iter().all(|l| distinct.insert(l.as_str()))
        };
        // A family's lines, written only once it has one: a family without samples has no
        // HELP and TYPE either.
        let mut lines = Vec::new();
        let mut series_of_result: Vec<Range<usize>> = Vec::new();
        for family in FAMILIES {
            lines.clear();
            let mut seen: FxHashSet<Vec<u8>> = FxHashSet::default();
            for (result, labels) in report.results.iter().zip(&labels) {
                series_of_result.clear();
                for (own, value) in (family.samples)(result) {
                    let line_start = lines.len();
                    lines.extend_from_slice(family.name.as_bytes());
                    lines.push(b'{');
                    let series_start = lines.len();
                    lines.extend_from_slice(labels.as_bytes());
                    for (name, text) in own {
                        write!(lines, ",{name}=\"{}\"", escape(&text))?;
                    }
                    let series = series_start..lines.len();
                    let repeated = if results_alike {
                        !seen.insert(lines[series.clone()].to_vec())
                    } else {
                        series_of_result
                            .iter()
                            .any(|earlier| lines[earlier.clone()] == lines[series.clone()])
                    };
                    if repeated {
                        lines.truncate(line_start);
                        continue;
                    }
                    series_of_result.push(series);
                    writeln!(lines, "}} {value}")?;
                }
            }
            if lines.is_empty() {
                continue;
            }
            writeln!(out, "# HELP {} {}", family.name, family.help)?;
            writeln!(out, "# TYPE {} gauge", family.name)?;
            out.write_all(&lines)?;
        }
        Ok(())
    }
}

/// `slo="…",service="…",window="…"` and the group labels, without braces.
fn result_labels(result: &SloResult) -> String {
    let mut taken: Vec<String> = Vec::new();
    let mut pairs: Vec<(String, String)> = vec![("slo".into(), result.slo.clone())];
    if let Some(service) = &result.service {
        pairs.push(("service".into(), service.clone()));
    }
    pairs.push(("window".into(), result.window.clone()));
    taken.extend(pairs.iter().map(|(name, _)| name.clone()));
    let mut missing = Vec::new();
    for (field, value) in result.group.iter() {
        let name = group_label_name(field, &taken);
        taken.push(name.clone());
        // A row that lacked the field: an empty value, which Prometheus reads as no label, and
        // the field named in `missing`, so that it is not the same series as an empty value.
        if value.is_none() {
            missing.push(name.clone());
        }
        pairs.push((name, value.clone().unwrap_or_default()));
    }
    if !missing.is_empty() {
        pairs.push(("missing".into(), missing.join(",")));
    }
    // The groups past --max-groups: a label no log value can give, so that a real group
    // valued `(other)` is a series of its own.
    if result.folded.is_some() {
        pairs.push(("folded".into(), "true".into()));
    }
    pairs
        .iter()
        .map(|(name, value)| format!("{name}=\"{}\"", escape(value)))
        .collect::<Vec<_>>()
        .join(",")
}

/// A valid label name for a group field, unlike the names in `taken` and in [`RESERVED`]:
/// characters outside `[a-zA-Z0-9_]` become `_` (`http.route` → `http_route`).
fn group_label_name(field: &str, taken: &[String]) -> String {
    let mut name: String = field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    let clash = |n: &str| RESERVED.contains(&n) || taken.iter().any(|t| t == n);
    // Names beginning with `__` are reserved for Prometheus itself.
    if name.starts_with("__") || clash(&name) {
        name = format!("group_{name}");
    }
    let base = name.clone();
    let mut n = 2;
    while clash(&name) {
        name = format!("{base}_{n}");
        n += 1;
    }
    name
}

/// A label value with `\`, `"` and line feeds escaped, as the format requires.
fn escape(value: &str) -> String {
    let mut escaped = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => escaped.push_str("\\\\"),
            '"' => escaped.push_str("\\\""),
            '\n' => escaped.push_str("\\n"),
            _ => escaped.push(c),
        }
    }
    escaped
}

/// A sample value: Go's float syntax, which Rust's `Display` matches for finite values.
fn number(value: f64) -> String {
    if value.is_nan() {
        "NaN".to_string()
    } else if value.is_infinite() {
        if value > 0.0 { "+Inf" } else { "-Inf" }.to_string()
    } else {
        value.to_string()
    }
}

/// The objective (a percentage as written) as a ratio, by moving the decimal point of its
/// text: `99.9` → `0.999`, exactly, where `99.9 / 100` would print `0.9990000000000001`.
fn objective_ratio(percent: f64) -> String {
    let text = number(percent);
    if !percent.is_finite() || percent < 0.0 {
        return number(percent / 100.0);
    }
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = format!("{whole}{fraction}");
    #[allow(clippy::cast_possible_wrap, reason = "the digits of one f64")]
    let point = whole.len() as isize - 2;
    let shifted = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs()))
    } else {
        let (int, frac) = digits.split_at(point.unsigned_abs());
        format!("{int}.{frac}")
    };
    let shifted = shifted.trim_end_matches('0').trim_end_matches('.');
    let int_end = shifted.find('.').unwrap_or(shifted.len());
    let leading = shifted[..int_end].trim_start_matches('0');
    match (leading.is_empty(), &shifted[int_end..]) {
        (true, "") => "0".to_string(),
        (true, rest) => format!("0{rest}"),
        (false, rest) => format!("{leading}{rest}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objectives_as_exact_ratios() {
        assert_eq!(objective_ratio(99.9), "0.999");
        assert_eq!(objective_ratio(99.0), "0.99");
        assert_eq!(objective_ratio(99.95), "0.9995");
        assert_eq!(objective_ratio(5.0), "0.05");
        assert_eq!(objective_ratio(0.5), "0.005");
        assert_eq!(objective_ratio(99.999), "0.99999");
    }

    #[test]
    fn label_names_are_valid_and_distinct() {
        let taken = vec!["slo".to_string(), "window".to_string()];
        assert_eq!(group_label_name("route", &taken), "route");
        assert_eq!(group_label_name("http.route", &taken), "http_route");
        assert_eq!(group_label_name("user-agent", &taken), "user_agent");
        assert_eq!(group_label_name("1st", &taken), "_1st");
        assert_eq!(group_label_name("__name__", &taken), "group___name__");
        assert_eq!(group_label_name("window", &taken), "group_window");
        assert_eq!(group_label_name("le", &taken), "group_le");
        assert_eq!(group_label_name("service", &taken), "service");
        let with_service = vec!["slo".to_string(), "service".to_string()];
        assert_eq!(group_label_name("service", &with_service), "group_service");
        assert_eq!(group_label_name("", &taken), "_");
        let taken = vec!["a_b".to_string(), "group_a_b".to_string()];
        assert_eq!(group_label_name("a.b", &taken), "group_a_b_2");
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape(r#"a\b"c"#), r#"a\\b\"c"#);
        assert_eq!(escape("line\nbreak"), "line\\nbreak");
        assert_eq!(escape("/api/cart"), "/api/cart");
    }

    /// The report of `results`, in the Prometheus format.
    fn rendered(results: Vec<SloResult>) -> String {
        let report = Report {
            evaluated_at: crate::time::Timestamp(0),
            between: None,
            inputs: crate::report::InputSummary::default(),
            results,
        };
        let mut out = Vec::new();
        PrometheusRenderer
            .render(&report, &mut out)
            .expect("written to memory");
        String::from_utf8(out).expect("UTF-8")
    }

    /// Every sample's series (what is before its value), each once.
    fn assert_series_once(text: &str) {
        let mut seen = std::collections::HashSet::new();
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (series, _) = line.rsplit_once(' ').expect("a series and a value");
            assert!(seen.insert(series), "{series} twice in:\n{text}");
        }
    }

    #[test]
    fn a_series_is_written_once() {
        use crate::report::tests::grouped;
        use crate::report::AlertState;
        let alert = |threshold| AlertState {
            severity: "page".into(),
            long: "1h".into(),
            short: "5m".into(),
            threshold,
            firing: false,
        };
        // Two alerts alike in one result: the first one's samples.
        let mut one = grouped(vec![Some("a")]);
        one.alerts = vec![alert(14.4), alert(6.0)];
        let text = rendered(vec![one, grouped(vec![Some("b")])]);
        assert_series_once(&text);
        assert!(text.contains("slo_alert_threshold_burn_rate{slo=\"s\",window=\"1d\",f0=\"a\",severity=\"page\",long=\"1h\",short=\"5m\"} 14.4\n"));
        assert_eq!(text.matches("slo_events{").count(), 2);
        // Two results alike: the first one's samples.
        let mut first = grouped(vec![Some("a")]);
        first.total = 3;
        let text = rendered(vec![first, grouped(vec![Some("a")]), grouped(vec![None])]);
        assert_series_once(&text);
        assert!(text.contains("slo_events{slo=\"s\",window=\"1d\",f0=\"a\"} 3\n"));
        assert_eq!(text.matches("slo_events{").count(), 2);
    }

    #[test]
    fn special_values() {
        assert_eq!(number(f64::INFINITY), "+Inf");
        assert_eq!(number(f64::NEG_INFINITY), "-Inf");
        assert_eq!(number(f64::NAN), "NaN");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(3.0), "3");
    }
}
