//! `slo`'s own spec language: `version: 1`, an optional `source` and `defaults`, and a list of
//! `slos` (DESIGN.md §2). Each document becomes [`Slo`]s, every problem reported where it is
//! written.
//!
//! By part: [`slo`] (one SLO's keys), [`budgeting`] (events or time slices) and [`alerts`]
//! (burn-rate alert rules). Windows, expressions and `source` are read by
//! [`reader`](super::reader), which OpenSLO documents share.

mod alerts;
mod budgeting;
mod exclude;
mod latency;
mod policy;
mod slo;

use std::sync::Arc;

use super::reader::Checker;
use super::yaml::{Node, Position, Value};
use super::{
    AlertRule, BudgetPolicy, Exclusion, Latency, Objective, Slo, Source, Timeslice, Window,
};

pub(super) use exclude::exclusion_notes;
pub(super) use latency::unknown_unit;

const TOP_KEYS: &[&str] = &["version", "source", "defaults", "slos"];
const DEFAULTS_KEYS: &[&str] = &[
    "windows",
    "budgeting",
    "timeslice",
    "alerts",
    "sla",
    "min_events",
    "policy",
    "exclude",
    "latency",
];

/// Values in `defaults:` that SLOs inherit.
#[derive(Default)]
struct Defaults {
    windows: Option<Vec<Window>>,
    budgeting: Option<(String, Position)>,
    /// The slices, with where they are written.
    timeslice: Option<(Timeslice, Position)>,
    alerts: Option<Vec<AlertRule>>,
    /// The SLA, with where it is written.
    sla: Option<(Objective, Position)>,
    min_events: Option<u64>,
    policy: Option<BudgetPolicy>,
    exclude: Vec<Exclusion>,
    latency: Option<Latency>,
}

impl Checker<'_> {
    /// The SLOs of one native spec document.
    pub(in crate::spec) fn native_spec(&mut self, node: &Node) -> Vec<Slo> {
        // Top-level keys that start with `x-` are the author's own, as in Docker Compose files:
        // somewhere to define anchors that merge keys (`<<: *common`) take up. Ignored.
        let extension = |key: &Node| key.as_scalar().is_some_and(|k| k.starts_with("x-"));
        let without_extensions;
        let node = match &node.value {
            Value::Mapping(entries) if entries.iter().any(|(k, _)| extension(k)) => {
                without_extensions = Node {
                    value: Value::Mapping(
                        entries
                            .iter()
                            .filter(|(k, _)| !extension(k))
                            .cloned()
                            .collect(),
                    ),
                    position: node.position,
                };
                &without_extensions
            }
            _ => node,
        };
        let Some(entries) = self.mapping(node, "the spec", TOP_KEYS) else {
            return Vec::new();
        };
        match entries.iter().find(|(k, _)| *k == "version") {
            None => self.error(node.position, "missing `version: 1` at the top of the spec"),
            Some((_, v)) if v.as_scalar() != Some("1") => self.error(
                v.position,
                format!(
                    "unsupported spec version {}; this slo reads `version: 1`",
                    v.as_scalar().unwrap_or("(not a scalar)")
                ),
            ),
            Some(_) => {}
        }
        let source = match entries.iter().find(|(k, _)| *k == "source") {
            Some((_, node)) => self.source(node),
            None => Source::default(),
        };
        let source = Arc::new(source);
        let defaults = match entries.iter().find(|(k, _)| *k == "defaults") {
            Some((_, node)) => self.defaults(node, &source),
            None => Defaults::default(),
        };
        let Some((_, slos_node)) = entries.iter().find(|(k, _)| *k == "slos") else {
            self.error(
                node.position,
                "missing `slos:`, the list of SLOs this spec defines",
            );
            return Vec::new();
        };
        let Some(items) = self.sequence(slos_node, "`slos`") else {
            return Vec::new();
        };
        if items.is_empty() {
            self.error(
                slos_node.position,
                "`slos` is empty; define at least one SLO",
            );
        }
        items
            .iter()
            .filter_map(|item| self.slo(item, &defaults, &source))
            .collect()
    }

    /// The `defaults` that SLOs inherit.
    fn defaults(&mut self, node: &Node, source: &Source) -> Defaults {
        let mut defaults = Defaults::default();
        let Some(entries) = self.mapping(node, "`defaults`", DEFAULTS_KEYS) else {
            return defaults;
        };
        for (key, value) in entries {
            match key {
                "windows" => defaults.windows = self.windows(value),
                "budgeting" => {
                    defaults.budgeting = self.budgeting_name(value).map(|n| (n, value.position))
                }
                "timeslice" => {
                    defaults.timeslice = self.timeslice(value).map(|t| (t, value.position))
                }
                "alerts" => defaults.alerts = self.alerts(value),
                "min_events" => defaults.min_events = self.min_events(value),
                "policy" => defaults.policy = self.policy(value),
                "exclude" => defaults.exclude = self.exclusions(value).unwrap_or_default(),
                "latency" => defaults.latency = self.latency(value, source),
                "sla" => {
                    defaults.sla = self
                        .percentage_key(value, "sla")
                        .map(|sla| (sla, value.position))
                }
                _ => {}
            }
        }
        defaults
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::expr::TimeUnit;
    use crate::spec::load::load_sources;
    use crate::spec::reader::lexically_normal;
    use crate::spec::{
        Budgeting, Judgement, Percentage, PolicyState, Slo, SpecError, Timeslice, Window,
    };
    use crate::time::SpanDuration;

    fn check(text: &str) -> (Vec<Slo>, Vec<SpecError>) {
        let mut errors = Vec::new();
        let set = load_sources(
            &[(PathBuf::from("specs/test.yaml"), text.to_string())],
            &mut errors,
        );
        (set.slos, errors)
    }

    fn errors(text: &str) -> Vec<String> {
        check(text).1.iter().map(ToString::to_string).collect()
    }

    const GOOD: &str = "\
version: 1
source:
  paths: [../logs/a.csv]
  timestamp: {field: ts, format: unix_ms, timezone: Europe/Berlin}
defaults:
  windows: [30d]
slos:
  - name: checkout-availability
    service: checkout
    objective: 99.9
    windows: [30d, 7d, 1h30m]
    filter: service == \"checkout\"
    good: status < 500
    group_by: [route, http.method]
  - name: latency
    objective: \"99%\"
    bad: latency_ms > 300
";

    #[test]
    fn loads_a_complete_spec() {
        let (slos, errors) = check(GOOD);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(slos.len(), 2);
        let a = &slos[0];
        assert_eq!(a.name, "checkout-availability");
        assert_eq!(a.objective.numerator(), 999);
        assert_eq!(a.windows.len(), 3);
        assert_eq!(a.windows[2].label(), "1h30m");
        assert_eq!(a.group_by[1].0, vec!["http", "method"]);
        assert_eq!(a.source.paths, vec![PathBuf::from("logs/a.csv")]);
        assert_eq!(
            lexically_normal(Path::new("../a/./b/../c")),
            PathBuf::from("../a/c")
        );
        assert_eq!(lexically_normal(Path::new("/x/../y")), PathBuf::from("/y"));
        assert_eq!(a.source.timestamp.field.0, vec!["ts"]);
        assert_eq!(a.defined_at.line, 8);
        let b = &slos[1];
        assert_eq!(
            b.windows,
            vec![Window::Rolling(SpanDuration::parse("30d").unwrap())]
        );
        assert!(matches!(b.judgement, Judgement::Bad(_)));
        assert!(b.filter.is_none());
    }

    #[test]
    fn unknown_key_suggests_the_known_one() {
        let errs = errors(
            "version: 1\nslos:\n  - name: a\n    objetive: 99.9\n    windows: [7d]\n    good: ok\n",
        );
        assert!(
            errs.iter().any(
                |e| e.starts_with("specs/test.yaml:4:5: unknown key `objetive`")
                    && e.contains("did you mean `objective`?")
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn fraction_objective_hints_percent() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 0.999\n    windows: [7d]\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:4:16: objective '0.999' is below 1 %"),
            "{errs:?}"
        );
        assert!(errs[0].contains("did you mean 99.9?"));
    }

    #[test]
    fn reports_every_problem() {
        let errs = errors(
            "version: 1\nslos:\n  - name: a\n    objective: 150\n    windows: [7 days]\n    good: status <\n  - name: a b\n    objective: 99\n    windows: [7d]\n    good: ok\n    bad: nok\n",
        );
        assert_eq!(errs.len(), 5, "{errs:#?}");
        assert!(errs[0].starts_with("specs/test.yaml:4:16: objective '150' is out of range"));
        assert!(errs[1].starts_with("specs/test.yaml:5:15: "));
        assert!(
            errs[2].starts_with("specs/test.yaml:6:19: in `good`"),
            "{}",
            errs[2]
        );
        assert!(errs[3].starts_with("specs/test.yaml:7:11: SLO name 'a b'"));
        assert!(errs[4].starts_with("specs/test.yaml:11:10: give either `good` or `bad`"));
    }

    #[test]
    fn expression_error_column_accounts_for_quotes() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: \"status = 500\"\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:19: in `good`"),
            "{}",
            errs[0]
        );
    }

    #[test]
    fn regexes_are_checked_at_load_time() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: route.matches(\"[\")\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:25: in `good`: "),
            "{errs:?}"
        );
        assert!(errs[0].contains("regex"), "{errs:?}");
    }

    #[test]
    fn errors_inside_block_and_folded_expressions() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    filter: |\n      service == \"a\" and\n      route in [\"x\"\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:8:20: in `filter`: "),
            "{errs:?}"
        );
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: status < 500 and\n      latency_ms <=\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:6:11: in `good`, at character 31 of the expression: "
            ),
            "{errs:?}"
        );
    }

    #[test]
    fn missing_pieces() {
        let errs = errors("version: 2\nslos:\n  - name: a\n");
        assert!(errs[0].contains("unsupported spec version 2"));
        assert!(errs.iter().any(|e| e.contains("no `objective`")));
        assert!(errs.iter().any(|e| e.contains("no `windows`")));
        assert!(errs
            .iter()
            .any(|e| e.contains("neither which events are `good`")));
        assert!(errors("").iter().any(|e| e.contains("the spec is empty")));
        assert!(errors("slos: 3")
            .iter()
            .any(|e| e.contains("missing `version: 1`")));
        assert!(errors("version: 1\nslos: 3")
            .iter()
            .any(|e| e.contains("`slos` must be a list")));
    }

    #[test]
    fn the_default_policy_fits_itself_to_time_slices() {
        let spec = |length: &str| {
            format!("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [30d]\n    budgeting: timeslices\n    timeslice: {{length: {length}, objective: 95}}\n    good: ok\n")
        };
        let rules = |text: &str| {
            let mut errors = Vec::new();
            let set = load_sources(
                &[(PathBuf::from("specs/test.yaml"), text.to_string())],
                &mut errors,
            );
            assert!(errors.is_empty(), "{errors:?}");
            let rules: Vec<String> = set.slos[0]
                .alerts
                .iter()
                .map(|r| {
                    format!(
                        "{} {} {}/{}",
                        r.severity.as_str(),
                        r.threshold_text(),
                        r.long,
                        r.short
                    )
                })
                .collect();
            let notes: Vec<String> = set.notes.iter().map(ToString::to_string).collect();
            (rules, notes)
        };
        // Slices of 5m and less fit the policy as it is.
        let (kept, notes) = rules(&spec("5m"));
        assert_eq!(
            kept,
            ["page 2 % 1h/5m", "page 5 % 6h/30m", "ticket 10 % 3d/6h"]
        );
        assert!(notes.is_empty(), "{notes:?}");
        // Longer ones round the short lookbacks up to whole slices.
        let (kept, notes) = rules(&spec("10m"));
        assert_eq!(
            kept,
            ["page 2 % 1h/10m", "page 5 % 6h/30m", "ticket 10 % 3d/6h"]
        );
        assert!(notes.is_empty(), "{notes:?}");
        let (kept, _) = rules(&spec("20m"));
        assert_eq!(
            kept,
            ["page 2 % 1h/20m", "page 5 % 6h/40m", "ticket 10 % 3d/6h"]
        );
        // Under 1h slices the 1h/5m rule would watch one window twice: it is left out, noted.
        let (kept, notes) = rules(&spec("1h"));
        assert_eq!(kept, ["page 5 % 6h/1h", "ticket 10 % 3d/6h"]);
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(
            notes[0].contains(
                "with 1h time slices the default alert policy leaves out page 2 % over 1h/5m"
            ),
            "{notes:?}"
        );
        // Alerts the spec writes must still fit the slices.
        let errs = errors(&spec("1h").replace(
            "    good: ok\n",
            "    good: ok\n    alerts: [{severity: page, budget: 2%, long: 1h, short: 5m}]\n",
        ));
        assert!(
            errs.iter()
                .any(|e| e.contains("alert lookback 5m is not a whole number of 1h time slices")),
            "{errs:?}"
        );
    }

    #[test]
    fn inherited_slices_apply_only_to_slos_budgeted_in_slices() {
        let (slos, errs) = check("version: 1\ndefaults:\n  windows: [1d]\n  budgeting: timeslices\n  timeslice: {length: 5m, objective: 95}\nslos:\n  - name: sliced\n    objective: 99\n    good: ok\n  - name: counted\n    objective: 99\n    budgeting: occurrences\n    good: ok\n  - name: averaged\n    objective: 99\n    budgeting: ratio_timeslices\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        let budgeting: Vec<_> = slos.iter().map(|s| &s.budgeting).collect();
        let slice = Timeslice {
            length: SpanDuration::parse("5m").unwrap(),
            objective: Some(Percentage::parse("95", "slice objective").unwrap()),
        };
        assert_eq!(
            budgeting,
            [
                &Budgeting::Timeslices(slice.clone()),
                &Budgeting::Occurrences,
                &Budgeting::RatioTimeslices(slice),
            ]
        );
        // A `timeslice` the SLO writes itself under occurrences is still a mistake.
        let errs = errors("version: 1\ndefaults:\n  timeslice: {length: 5m, objective: 95}\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    timeslice: {length: 1m}\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:8:")
                && errs[0].contains("`timeslice` applies only to"),
            "{errs:?}"
        );
        // An inherited slice that lacks what the SLO's budgeting needs is reported where the
        // SLO chose that budgeting, naming `defaults`.
        let errs = errors("version: 1\ndefaults:\n  budgeting: ratio_timeslices\n  timeslice: {length: 5m}\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    budgeting: timeslices\n    good: ok\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:9:16: `budgeting: timeslices` needs the slice objective"
            ) && errs[0].contains("`defaults`"),
            "{errs:?}"
        );
    }

    #[test]
    fn an_sla_is_a_percentage_at_most_the_objective() {
        let (slos, errs) = check("version: 1\ndefaults:\n  windows: [30d]\n  sla: 99\nslos:\n  - name: own\n    objective: 99.9\n    sla: \"99.5%\"\n    good: ok\n  - name: inherited\n    objective: 99.5\n    good: ok\n  - name: equal\n    objective: 99.9\n    sla: 99.90\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        let slas: Vec<Option<&str>> = slos
            .iter()
            .map(|s| s.sla.as_ref().map(|sla| sla.as_written()))
            .collect();
        assert_eq!(slas, [Some("99.5"), Some("99"), Some("99.90")]);
        // Above the objective, written on the SLO: at the sla, with a hint.
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99.9\n    sla: 99.95\n    windows: [7d]\n    good: ok\n");
        assert_eq!(
            errs,
            ["specs/test.yaml:5:10: sla 99.95 is above this SLO's objective 99.9: the SLA, what customers are promised, must be at most the objective the team holds itself to; did you swap them? (objective: 99.95, sla: 99.9)"]
        );
        // Inherited from `defaults`: at the SLO's objective, naming the line of the default.
        let errs = errors("version: 1\ndefaults:\n  sla: 99.5\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: ok\n");
        assert_eq!(
            errs,
            ["specs/test.yaml:6:16: this SLO's objective 99 is below the sla 99.5 it takes from `defaults` (line 3): the SLA must be at most the objective; raise the objective, or give this SLO an `sla` of its own"]
        );
        // A fraction gets the hint objectives get; other values are not percentages.
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99.9\n    sla: 0.995\n    windows: [7d]\n    good: ok\n  - name: b\n    objective: 99.9\n    sla: [99]\n    windows: [7d]\n    good: ok\n  - name: c\n    objective: 99.9\n    sla: high\n    windows: [7d]\n    good: ok\n");
        assert_eq!(
            errs,
            [
                "specs/test.yaml:5:10: sla '0.995' is below 1 %; `sla` is a percentage: did you mean 99.5?",
                "specs/test.yaml:10:10: `sla` must be a percentage such as 99.9, not a list",
                "specs/test.yaml:15:10: sla 'high' is not a number; write a percentage such as 99.9 or \"99.9%\"",
            ]
        );
    }

    #[test]
    fn min_events_is_a_whole_number_inherited_from_defaults() {
        let (slos, errs) = check("version: 1\ndefaults:\n  windows: [1d]\n  min_events: 100\nslos:\n  - name: inherited\n    objective: 99\n    good: ok\n  - name: own\n    objective: 99\n    min_events: 5\n    good: ok\n  - name: none\n    objective: 99\n    min_events: 0\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        let minimums: Vec<u64> = slos.iter().map(|s| s.min_events).collect();
        assert_eq!(minimums, [100, 5, 0]);
        let (slos, _) = check(
            "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [1d]\n    good: ok\n",
        );
        assert_eq!(slos[0].min_events, 0);
        for value in ["-1", "ten", "1.5", "1e3", "[3]"] {
            let errs = errors(&format!("version: 1\nslos:\n  - name: a\n    objective: 99\n    min_events: {value}\n    windows: [1d]\n    good: ok\n"));
            assert_eq!(errs.len(), 1, "{value}: {errs:?}");
            assert!(
                errs[0].starts_with("specs/test.yaml:5:17: "),
                "{value}: {errs:?}"
            );
        }
        assert_eq!(
            errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    min_events: ten\n    windows: [1d]\n    good: ok\n"),
            ["specs/test.yaml:5:17: min_events 'ten' is not a whole number of events; write one such as 100 (0 for no minimum)"]
        );
    }

    #[test]
    fn a_policy_of_its_own_replaces_the_default_one() {
        let (slos, errs) = check("version: 1\ndefaults:\n  windows: [1d]\n  policy: {exhausted: Freeze, remaining_above: {0.5: Half, 90%: Most, 0: Some}}\nslos:\n  - name: inherited\n    objective: 99\n    good: ok\n  - name: own\n    objective: 99\n    policy: {ok: Fine}\n    good: ok\n  - name: none\n    objective: 99\n    good: ok\n    policy: {}\n");
        // An empty policy is a mistake, at its position.
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0]
                .to_string()
                .starts_with("specs/test.yaml:16:13: `policy` is empty"),
            "{errs:?}"
        );
        let inherited = slos[0].policy.as_ref().expect("the default policy");
        assert_eq!(inherited.says(PolicyState::Exhausted), Some("Freeze"));
        assert_eq!(inherited.says(PolicyState::Ok), None);
        // Bands highest first, each as written.
        let bands: Vec<&str> = inherited
            .remaining_above
            .iter()
            .map(|(_, written, _)| written.as_str())
            .collect();
        assert_eq!(bands, ["90%", "0.5", "0"]);
        let own = slos[1].policy.as_ref().expect("its own policy");
        assert_eq!(
            (own.says(PolicyState::Ok), own.says(PolicyState::Exhausted)),
            (Some("Fine"), None)
        );
        assert!(own.remaining_above.is_empty());
    }

    #[test]
    fn calendar_windows_and_bad_zones() {
        let (slos, errs) = check("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [{calendar: month, timezone: Europe/Berlin}, 7d]\n    good: ok\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(slos[0].windows[0].label(), "month Europe/Berlin");
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [{calendar: fortnight}]\n    good: ok\n");
        assert!(errs[0].starts_with("specs/test.yaml:5:26:"), "{errs:?}");
    }

    /// The fields an SLO reads that its source's fixed log layout lacks, each where it is
    /// written: in an expression (at the field), in `group_by` and in `latency`.
    fn missing_fields(format: &str) -> Vec<String> {
        let text = format!(
            "version: 1\nsource:\n  format: {format}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    filter: uri == '/' and statuss < 600\n    good: statuss < 500\n    group_by: [request_method, rout]\n    latency: {{field: request_time, unit: s}}\n"
        );
        let mut errors = Vec::new();
        let set = load_sources(&[(PathBuf::from("specs/test.yaml"), text)], &mut errors);
        assert!(errors.is_empty(), "{errors:?}");
        set.missing_fields.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn fields_a_fixed_log_layout_lacks_are_found_where_written() {
        let nginx = missing_fields("nginx");
        assert_eq!(nginx.len(), 4, "{nginx:#?}");
        assert!(
            nginx[0].starts_with(
                "specs/test.yaml:8:28: in `filter`: nginx (combined) lines have no field `statuss`, so every row that needs it would be invalid; did you mean `status`? their fields: remote_addr,"
            ),
            "{nginx:#?}"
        );
        assert!(
            nginx[1].starts_with(
                "specs/test.yaml:9:11: in `good`: nginx (combined) lines have no field `statuss`"
            ),
            "{nginx:#?}"
        );
        assert!(
            nginx[2]
                .starts_with("specs/test.yaml:10:32: nginx (combined) lines have no field `rout`, so every row would be in one group, (missing);"),
            "{nginx:#?}"
        );
        // nginx's `combined` layout has no request time: the server's own `log_format` may.
        assert!(
            nginx[3].starts_with("specs/test.yaml:11:22: nginx (combined) lines have no field `request_time`, so no latency would be read; their fields:"),
            "{nginx:#?}"
        );
        assert!(
            nginx[3].ends_with("give that format as source.log_format"),
            "{nginx:#?}"
        );
        // The shared names a layout answers to are its fields too: ALB's `uri` and
        // `request_method` come from its `request`. It has no `request_time` of its own.
        let alb = missing_fields("alb");
        assert_eq!(alb.len(), 4, "{alb:#?}");
        assert!(
            alb[3].contains("alb lines have no field `request_time`"),
            "{alb:#?}"
        );
        assert!(
            !alb.iter()
                .any(|e| e.contains("field `uri`") || e.contains("field `request_method`")),
            "{alb:#?}"
        );
        // A field the layout lacks is said so, not that its bare numbers have no unit; and a
        // name every format answers to where it writes it gets no "did you mean".
        let mut errors = Vec::new();
        let set = load_sources(
            &[(
                PathBuf::from("specs/test.yaml"),
                "version: 1\nsource: {format: nginx}\nslos:\n  - {name: a, objective: 99, windows: [7d], good: request_time <= 300ms}\n".to_string(),
            )],
            &mut errors,
        );
        assert!(errors.is_empty(), "{errors:?}");
        let missing: Vec<String> = set.missing_fields.iter().map(ToString::to_string).collect();
        assert_eq!(missing.len(), 1, "{missing:?}");
        assert!(
            missing[0].contains("no field `request_time`, so every row that needs it would be invalid; their fields:"),
            "{missing:?}"
        );
        // Layouts whose fields are only known from the log lack none.
        for open in ["csv", "jsonl", "logfmt", "w3c", "cloudfront", "auto"] {
            assert_eq!(missing_fields(open), Vec::<String>::new(), "{open}");
        }
    }

    #[test]
    fn source_units_are_read() {
        let (slos, errs) = check("version: 1\nsource:\n  format: csv\n  units: {latency_ms: ms, http.request_time: seconds, t: µs}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: latency_ms <= 300ms and http.request_time < 1s and t > 1ns\n");
        assert!(errs.is_empty(), "{errs:?}");
        let units: Vec<(String, TimeUnit)> = slos[0]
            .source
            .units
            .iter()
            .map(|(path, unit)| (path.to_string(), *unit))
            .collect();
        assert_eq!(
            units,
            [
                ("latency_ms".to_string(), TimeUnit::Milliseconds),
                ("http.request_time".to_string(), TimeUnit::Seconds),
                ("t".to_string(), TimeUnit::Microseconds),
            ]
        );
        let errs = errors("version: 1\nsource:\n  units: {latency_ms: msec, b: 5, a..b: s, c: ms, c: s}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: ok\n");
        assert_eq!(errs.len(), 4, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:3:23: unknown unit 'msec' for `latency_ms`: use ns, us (or µs), ms, s, m (minutes) or h"),
            "{errs:?}"
        );
        assert!(
            errs[1].starts_with("specs/test.yaml:3:32: unknown unit '5'"),
            "{errs:?}"
        );
        assert!(
            errs[2].starts_with("specs/test.yaml:3:35: 'a..b' is not a field name"),
            "{errs:?}"
        );
        assert!(
            errs[3].starts_with("specs/test.yaml:3:51: field `c` appears twice"),
            "{errs:?}"
        );
        let errs = errors("version: 1\nsource:\n  units: [ms]\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: ok\n");
        assert!(
            errs[0].starts_with("specs/test.yaml:3:10: `units` must map field names to units"),
            "{errs:?}"
        );
    }

    #[test]
    fn a_field_with_no_unit_compared_with_a_duration_is_a_spec_error() {
        // CSV cells are plain numbers: the unit must be declared, and the error says how.
        let spec = |format: &str, units: &str| {
            format!("version: 1\nsource:\n  format: {format}\n  units: {{{units}}}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    filter: route == \"/x\"\n    good: status < 500 and latency_ms <= 300ms\n")
        };
        let errs = errors(&spec("csv", ""));
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert_eq!(
            errs[0],
            "specs/test.yaml:10:28: in `good`: `latency_ms` has no known unit, so its bare numbers cannot be compared with a duration; declare the unit its log writes them in, e.g. source: {units: {latency_ms: ms}}\n    status < 500 and latency_ms <= 300ms\n                     ^"
        );
        assert!(errors(&spec("csv", "latency_ms: ms")).is_empty());
        assert!(errors(&spec("tsv", "latency_ms: s")).is_empty());
        // Where values may carry their unit, or the format is recognised per file, each row
        // is checked instead.
        for format in ["auto", "jsonl", "json"] {
            assert!(errors(&spec(format, "")).is_empty(), "{format}");
        }
        // Access-log formats know their duration fields; their other fields are plain numbers.
        let nginx = |source: &str, good: &str| {
            errors(&format!("version: 1\nsource: {{{source}}}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: {good}\n"))
        };
        assert!(nginx(
            "format: nginx, log_format: upstreaminfo",
            "request_time <= 300ms"
        )
        .is_empty());
        assert!(nginx(
            "format: nginx, log_format: upstreaminfo",
            "sum(upstream_response_time) <= 1s"
        )
        .is_empty());
        let errs = nginx("format: nginx", "body_bytes_sent <= 300ms");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:7:11: in `good`: `body_bytes_sent` has no known unit"
            ),
            "{errs:?}"
        );
        // logfmt values carry their unit (`service=126ms`): checked row by row.
        assert!(nginx("format: logfmt", "service <= 300ms").is_empty());
        // Other mixes of kinds are errors whatever the format.
        let errs = errors("version: 1\nsource: {units: {a: s, b: s}}\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: a + b <= 0.5\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with(
                "specs/test.yaml:7:20: in `good`: this is a number and the other side a duration"
            ),
            "{errs:?}"
        );
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: \"status < 500 and latency + 1ms <= 300ms\"\n");
        assert!(errs.is_empty(), "{errs:?}");
        // Whatever `latency` holds, adding 1 to it gives a number (or nothing valid).
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: \"status < 500 and latency + 1 <= 300ms\"\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:29: in `good`: this side computes a number"),
            "{errs:?}"
        );
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: \"latency + 1ms <= 300\"\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:29: in `good`: this is a number"),
            "{errs:?}"
        );
    }

    #[test]
    fn hyphenated_field_names_get_a_hint() {
        let errs = errors("version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    good: sc-status < 500\n");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("specs/test.yaml:6:11: in `good`: a field whose name has '-' is written field(\"sc-status\")"),
            "{errs:?}"
        );
    }
}
