//! A pass of many SLOs counts, for each of them, what a pass of that SLO alone counts: shared
//! leaves and equality dispatch change the cost of a row, never its counts, its invalid rows or
//! the reason given for the first of them.

use std::fmt::Write as _;
use std::path::Path;

use proptest::prelude::*;

use super::*;
use crate::evaluate::needs;
use crate::input::{read_bytes, InputFormat};
use crate::spec::load_str;
use crate::time::{format_rfc3339, parse_instant};

const AT: &str = "2026-03-10T12:00:00Z";

/// Comparisons over the rows' fields, several of them repeated across SLOs on purpose: these
/// are the leaves that SLOs share and the equalities dispatched.
const LEAVES: &[&str] = &[
    r#"service == "a""#,
    r#"service == "b""#,
    r#"service == "c""#,
    r#"service in ["a", "c"]"#,
    r#"service != "a""#,
    r#"route == "/x""#,
    r#"route == "/y""#,
    r#"route in ["/y", "/z"]"#,
    r#"route.startsWith("/x")"#,
    "status < 500",
    "status >= 500",
    "status == 200",
    "status in [200, 204]",
    "latency <= 300",
    "latency > 1.5",
    "flag",
    "flag == false",
    "latency <= 300ms",
];

/// Values of a field as a JSON Lines row writes them; `None` leaves the field out.
const VALUES: &[Option<&str>] = &[
    None,
    Some("null"),
    Some(r#""a""#),
    Some(r#""b""#),
    Some(r#""c""#),
    Some(r#""/x""#),
    Some(r#""/y""#),
    Some(r#""/xa""#),
    Some("200"),
    Some("200.0"),
    Some(r#""200""#),
    Some("503"),
    Some("-0"),
    Some("299.5"),
    Some("300"),
    Some(r#""300ms""#),
    Some("1e3"),
    Some(r#""abc""#),
    Some(r#""""#),
    Some("true"),
    Some(r#""false""#),
    Some("{}"),
    Some("[1]"),
];

const FIELDS: &[&str] = &["service", "route", "status", "latency", "flag"];

/// A random expression over [`LEAVES`]: a leaf, or `and`/`or`/`not` of smaller ones.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop::sample::select(LEAVES).prop_map(str::to_string);
    leaf.prop_recursive(3, 12, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..4).prop_map(|ops| ops.join(" and ")),
            prop::collection::vec(inner.clone(), 2..4)
                .prop_map(|ops| format!("({})", ops.join(" or "))),
            inner.prop_map(|op| format!("not ({op})")),
        ]
    })
}

/// One SLO: an optional filter, a `good` or `bad`, and its windows.
fn slo() -> impl Strategy<Value = (Option<String>, bool, String, bool)> {
    (
        prop::option::weighted(0.85, expression()),
        any::<bool>(),
        expression(),
        any::<bool>(),
    )
}

fn spec(slos: &[(Option<String>, bool, String, bool)]) -> String {
    let mut spec = String::from("version: 1\nslos:\n");
    for (i, (filter, good, judge, two_windows)) in slos.iter().enumerate() {
        let windows = if *two_windows { "[1h, 10m]" } else { "[30m]" };
        writeln!(
            spec,
            "  - name: s{i}\n    objective: 99\n    windows: {windows}\n    alerts: []"
        )
        .unwrap();
        if let Some(filter) = filter {
            writeln!(spec, "    filter: '{filter}'").unwrap();
        }
        let key = if *good { "good" } else { "bad" };
        writeln!(spec, "    {key}: '{judge}'").unwrap();
    }
    spec
}

fn plan(slos: &[&Slo]) -> Plan {
    strict_plan(slos, false)
}

fn strict_plan(slos: &[&Slo], strict: bool) -> Plan {
    let at = parse_instant(AT).unwrap();
    let needs: Vec<Needs> = slos.iter().map(|slo| needs(slo, at)).collect();
    Plan::new(
        slos,
        &needs,
        &TimestampSpec::default(),
        &InputFormat::Jsonl,
        at,
        100,
        strict,
    )
    .unwrap()
}

/// `--strict` names the first SLO in spec order for which a row is invalid, though dispatch
/// hands the SLOs without an equality to the counter before those with one.
#[test]
fn strict_names_the_first_slo_in_spec_order() {
    let text = r#"version: 1
slos:
  - name: checkout
    objective: 99
    windows: [1h]
    filter: route == "/x"
    good: status < 500
  - name: everything
    objective: 99
    windows: [1h]
    good: latency <= 300
"#;
    let slos = load_str(Path::new("spec.yaml"), text).unwrap().slos;
    let all: Vec<&Slo> = slos.iter().collect();
    let plan = strict_plan(&all, true);
    let at = parse_instant(AT).unwrap();
    let log = format!(
        r#"{{"timestamp": "{}", "route": "/x", "status": "x", "latency": "y"}}
"#,
        format_rfc3339(at)
    );
    let input = LogInput::Stdin;
    let mut counter = plan.counter(&input, 0);
    let error = read_bytes(
        log.as_bytes(),
        &InputFormat::Jsonl,
        plan.fields(),
        &mut counter,
    )
    .unwrap_err()
    .to_string();
    assert!(
        error.contains("invalid for SLO checkout: field `status`"),
        "{error}"
    );
}

/// What an SLO counted, in the terms of the report: the counts of each age band, the invalid
/// rows, and where and why the first of them is invalid.
type Counted = (Vec<Counts>, u64, Option<(u64, String)>);

fn counted(plan: &Plan, tally: &SloTally, slo: usize) -> Counted {
    (
        tally.ungrouped.as_ref().map_or_else(
            || vec![Counts::default(); plan.slos[slo].age_limits.len()],
            |group| group.bands.to_vec(),
        ),
        tally.invalid_rows,
        tally
            .first_invalid
            .as_ref()
            .map(|problem| (problem.line, problem.reason.clone())),
    )
}

fn count(plan: &Plan, log: &str) -> Tally {
    let input = LogInput::Stdin;
    let mut counter = plan.counter(&input, 0);
    read_bytes(
        log.as_bytes(),
        &InputFormat::Jsonl,
        plan.fields(),
        &mut counter,
    )
    .unwrap();
    counter.into_tally()
}

/// The reference: each SLO on its own, its `filter` and `good`/`bad` compiled alone and
/// evaluated with [`Program::eval`] for every row, without shared leaves or dispatch.
struct Alone<'a> {
    plan: &'a Plan,
    /// Each SLO's filter, judgement and what the judgement says of a good event.
    programs: Vec<(Program, Program, bool)>,
    counted: Vec<Counted>,
}

impl<'a> Alone<'a> {
    fn new(plan: &'a Plan, slos: &[Slo]) -> Alone<'a> {
        // The plan's slots, so that invalid fields are named alike.
        let mut fields = plan.fields.clone();
        let programs = slos
            .iter()
            .map(|slo| {
                let units = |field: &FieldPath| slo.source.field_unit(&InputFormat::Jsonl, field);
                let mut compile =
                    |expr| Program::compile_with_units(expr, &mut fields, &units).unwrap();
                let filter = slo
                    .filter
                    .as_ref()
                    .map_or_else(Program::always, |c| compile(&c.expr));
                match &slo.judgement {
                    Judgement::Good(c) => (filter, compile(&c.expr), true),
                    Judgement::Bad(c) => (filter, compile(&c.expr), false),
                }
            })
            .collect();
        assert_eq!(fields.len(), plan.fields.len());
        let counted = plan
            .slos
            .iter()
            .map(|slo| (vec![Counts::default(); slo.age_limits.len()], 0, None))
            .collect();
        Alone {
            plan,
            programs,
            counted,
        }
    }
}

impl RowSink for Alone<'_> {
    fn row(&mut self, row: RowView<'_>, line: u64) -> Result<(), InputError> {
        let FieldValue::Scalar(raw) = row.value(self.plan.timestamp_slot) else {
            panic!("every row has a timestamp");
        };
        let time = self.plan.timestamp.parse(raw).unwrap();
        let age = self.plan.at - time;
        let input = LogInput::Stdin;
        let names = self.plan.counter(&input, 0);
        for (i, (filter, judge, good_when)) in self.programs.iter().enumerate() {
            let Some(Slot::Band(band)) = self.plan.slos[i].slot_for(time, age) else {
                continue;
            };
            let outcome = match filter.eval(&row) {
                Ok(false) => continue,
                Ok(true) => judge.eval(&row).map(|verdict| verdict == *good_when),
                Err(invalid) => Err(invalid),
            };
            let (bands, invalid_rows, first) = &mut self.counted[i];
            match outcome {
                Ok(good) => {
                    bands[band].total += 1;
                    bands[band].good += u64::from(good);
                }
                Err(invalid) => {
                    bands[band].invalid += 1;
                    *invalid_rows += 1;
                    first.get_or_insert_with(|| (line, names.invalid_reason(invalid)));
                }
            }
        }
        Ok(())
    }

    fn malformed(&mut self, line: u64, reason: &str) -> Result<(), InputError> {
        panic!("line {line} is malformed: {reason}");
    }

    fn malformed_lines(&mut self, line: u64, _: u64, reason: &str) -> Result<(), InputError> {
        self.malformed(line, reason)
    }

    fn renumber_lines(&mut self, _: &dyn Fn(u64) -> u64) {}
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn a_set_of_slos_counts_what_each_slo_counts_alone(
        slos in prop::collection::vec(slo(), 1..10),
        rows in prop::collection::vec(
            (0i64..80, prop::collection::vec(0..VALUES.len(), FIELDS.len())),
            1..60,
        ),
    ) {
        let at = parse_instant(AT).unwrap();
        let mut log = String::new();
        for (minutes, values) in &rows {
            let time = at - minutes * 60_000_000_000 + 1;
            write!(log, r#"{{"timestamp": "{}""#, format_rfc3339(time)).unwrap();
            for (field, value) in FIELDS.iter().zip(values) {
                if let Some(value) = VALUES[*value] {
                    write!(log, r#", "{field}": {value}"#).unwrap();
                }
            }
            log.push_str("}\n");
        }
        let text = spec(&slos);
        let loaded = load_str(Path::new("spec.yaml"), &text)
            .unwrap_or_else(|e| panic!("{text}\n{e:?}"))
            .slos;
        let all: Vec<&Slo> = loaded.iter().collect();
        let plan = plan(&all);
        let together = count(&plan, &log);
        let mut alone = Alone::new(&plan, &loaded);
        read_bytes(log.as_bytes(), &InputFormat::Jsonl, plan.fields(), &mut alone).unwrap();
        for (i, alone) in alone.counted.iter().enumerate() {
            prop_assert_eq!(
                &counted(&plan, &together.slos[i], i),
                alone,
                "SLO {} of\n{}",
                i,
                text
            );
        }
    }
}
