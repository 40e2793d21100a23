//! OpenSLO end to end: reading OpenSLO beside native specs, computing `slo.logs` SLIs from
//! logs, the rules of OpenSLO v1 with their file:line:column and field path, other tools'
//! formats named, `slo convert` there and back, and the corpus of real SLO files in
//! `../shared/external` (when it is there).

use std::fs;
use std::path::{Path, PathBuf};

use crate::report::ReportCommand;
use crate::workdir::{run_in, Run, Workdir};

const AT: &str = "2026-03-10T12:00:00Z";

fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `slo ARGS` run from the repository, where fixture paths are relative.
fn slo(args: &[&str]) -> Run {
    run_in(&repository(), args)
}

const VALID: &str = "tests/fixtures/openslo/valid";
const ALERTING: &str = "tests/fixtures/openslo/valid/alerting.json";
const LOG: &str = "tests/fixtures/openslo/logs/requests.csv";

#[test]
fn the_valid_fixtures_validate_as_one_set() {
    let run = slo(&["validate", VALID, ALERTING]);
    run.expect_code(0)
        .stdout_has("ok: 8 SLOs in 7 spec files (2 of them cannot be computed from request logs")
        .stderr_has("prometheus.yaml:11:1: SLO api-availability is valid but slo cannot compute it from request logs: its metric source is of type Prometheus")
        .stderr_has("v1alpha.yaml:3:1: SLO sloth-availability is valid but slo cannot compute it from request logs: its metric source is prometheus (promql queries)");
}

#[test]
fn references_resolve_across_the_files_loaded_and_name_both_ends() {
    // shop.yaml refers to an SLI in slis.yaml and a policy in alerting.json.
    let run = slo(&["validate", "tests/fixtures/openslo/valid/shop.yaml"]);
    run.expect_code(2)
        .stderr_has("shop.yaml:58:23: SLO checkout-availability: spec.alertPolicies[0].alertPolicyRef refers to AlertPolicy `fast-burn`, which none of the files loaded defines")
        .stderr_has("shop.yaml:67:17: SLO cart-latency: spec.indicatorRef refers to SLI `cart-latency`, which none of the files loaded defines");
    let run = slo(&[
        "validate",
        "tests/fixtures/openslo/valid/shop.yaml",
        "tests/fixtures/openslo/valid/slis.yaml",
        ALERTING,
    ]);
    run.expect_code(0)
        .stdout_has("ok: 2 SLOs in 3 spec files\n");
}

#[test]
fn openslo_slos_are_computed_from_logs_beside_native_ones() {
    let report = ReportCommand::in_folder(&repository())
        .spec(VALID)
        .spec(ALERTING)
        .log(LOG)
        .at(AT)
        .args(&["--slo", "c*", "--slo", "search*", "--slo", "all-requests"])
        .json_report();
    // (A − 1d, A]: 5 checkout requests, 2 of them 5xx (`bad: status >= 500`), target 0.9.
    let checkout = report.result("checkout-availability", "1d");
    assert_eq!(checkout.service.as_deref(), Some("checkout"));
    assert_eq!(checkout.objective, 90.0);
    assert_eq!((checkout.total, checkout.bad), (5, 2));
    // The policy fast-burn: threshold 2.4 over 1h of a 1d window is 10 % of the budget; the
    // short window is 1h / 12. The last 5 minutes hold no request, so it does not fire.
    let alert = &checkout.alerts[0];
    assert_eq!(alert.severity, "page");
    assert_eq!((alert.long.as_str(), alert.short.as_str()), ("1h", "5m"));
    assert!((alert.threshold - 2.4).abs() < 1e-12);
    assert!(!alert.firing);
    assert_eq!(checkout.alerts.len(), 1);
    // A thresholdMetric (field latency_ms, op lte, value 300) over Timeslices of 5m, in the UTC
    // day so far: 144 whole slices, of which only 03:00–03:05 (one request at 350 ms) is bad.
    let cart = report.result("cart-latency", "day");
    assert_eq!(cart.budgeting, "timeslices");
    assert_eq!((cart.total, cart.good, cart.bad), (144, 143, 1));
    // Two objectives, two results each, grouped by region (groupBy of the total).
    for name in ["search/internal", "search/sla"] {
        let eu = report
            .results
            .iter()
            .find(|r| r.slo == name && r.group_value("region") == Some("eu"))
            .unwrap_or_else(|| panic!("no {name} eu in {report:#?}"));
        assert_eq!((eu.total, eu.good), (2, 1));
    }
    assert_eq!(report.result("search/sla", "1d").objective, 50.0);
    // openslo/v1alpha with source: slo, queryType: logs.
    let v1alpha = report.result("checkout-v1alpha", "1d");
    assert_eq!((v1alpha.total, v1alpha.good), (5, 3));
    // The native spec in the same folder: every request of the day, 2 of 13 are 5xx.
    let all = report.result("all-requests", "1d");
    assert_eq!((all.total, all.good), (13, 11));
}

#[test]
fn slos_of_other_metric_sources_validate_but_are_not_computed() {
    let run = slo(&["report", "-s", VALID, "-s", ALERTING, "--at", AT, LOG]);
    run.expect_code(2)
        .stderr_has("slo cannot compute these SLOs from request logs")
        .stderr_has("SLO api-availability (tests/fixtures/openslo/valid/prometheus.yaml:11:1): its metric source is of type Prometheus")
        .stderr_has("SLO sloth-availability (tests/fixtures/openslo/valid/v1alpha.yaml:3:1): its metric source is prometheus");
    let run = slo(&[
        "check", "-s", VALID, "-s", ALERTING, "--at", AT, "--slo", "api-*", LOG,
    ]);
    run.expect_code(2).stderr_has("SLO api-availability");
}

#[test]
fn alert_conditions_that_do_not_fit_are_noted() {
    let dir = Workdir::new();
    dir.write(
        "slo.yaml",
        "\
apiVersion: openslo/v1
kind: SLO
metadata: {name: api}
spec:
  service: api
  indicator:
    metadata: {name: api}
    spec:
      ratioMetric:
        good: {metricSource: {type: slo.logs, spec: {filter: status < 500}}}
        total: {metricSource: {type: slo.logs, spec: {filter: 'true'}}}
  timeWindow: [{duration: 30d, isRolling: true}]
  budgetingMethod: Occurrences
  objectives: [{target: 0.999}]
  alertPolicies:
    - kind: AlertPolicy
      metadata: {name: inline}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: slow}
            spec:
              severity: sev2
              condition: {kind: burnrate, op: gte, threshold: 6, lookbackWindow: 6h, alertAfter: 15m}
        notificationTargets: [{kind: AlertNotificationTarget, metadata: {name: mail}, spec: {target: email}}]
    - kind: AlertPolicy
      metadata: {name: low}
      spec:
        conditions:
          - kind: AlertCondition
            metadata: {name: low}
            spec:
              severity: ticket
              condition: {kind: burnrate, op: lt, threshold: 1, lookbackWindow: 1d}
        notificationTargets: [{targetRef: nobody}]
---
apiVersion: openslo/v1
kind: AlertNotificationTarget
metadata: {name: nobody}
spec: {target: /dev/null}
",
    );
    dir.write("log.csv", "timestamp,status\n2026-03-10T11:00:00Z,200\n");
    let run = dir.run(&["validate", "slo.yaml"]);
    run.expect_code(0)
        .stderr_has("alertAfter 15m is ignored")
        .stderr_has("severity `sev2` is reported as page")
        .stderr_has("op lt alerts when the burn rate is low");
    let report = dir
        .report()
        .spec("slo.yaml")
        .log("log.csv")
        .at(AT)
        .args(&["-q"])
        .json_report();
    let alerts = &report.result("api", "30d").alerts;
    assert_eq!(alerts.len(), 1, "{alerts:?}");
    assert_eq!(
        (alerts[0].long.as_str(), alerts[0].short.as_str()),
        ("6h", "30m")
    );
    assert!((alerts[0].threshold - 6.0).abs() < 1e-12);
}

/// Each broken rule, with where it is reported and what is said.
#[test]
fn openslo_rules_are_reported_with_file_line_and_field_path() {
    let cases: &[(&str, &[&str])] = &[
        ("names.yaml", &[
            "names.yaml:4:9: SLO: metadata.name: 'Checkout SLO' is not a valid OpenSLO name: names are RFC 1123 labels",
            "(such as checkout-slo)",
            "names.yaml:7:17: SLO Checkout SLO: spec.indicatorRef: 'CheckoutErrors' is not a valid OpenSLO name",
        ]),
        ("targets.yaml", &[
            "targets.yaml:29:22: SLO targets: spec.objectives[0] gives both target and targetPercent; give one",
            "targets.yaml:30:15: SLO targets: spec.objectives[1].target 1.5 is out of range: it must be at least 0 and below 1",
            "targets.yaml:31:22: SLO targets: spec.objectives[2].targetPercent 100 is out of range: it must be at least 0 and below 100",
            "targets.yaml:32:7: SLO targets: spec.objectives[3] needs target (such as 0.999) or targetPercent",
            "targets.yaml:33:15: SLO targets: spec.objectives[4].target must be a number, not the string \"0.99\"",
        ]),
        ("op-on-ratio.yaml", &[
            "op-on-ratio.yaml:28:11: SLO op-on-ratio: spec.objectives[0].op is only for thresholdMetric SLIs",
            "op-on-ratio.yaml:29:14: SLO op-on-ratio: spec.objectives[0].value is only for thresholdMetric SLIs",
        ]),
        ("timeslices.yaml", &[
            "timeslices.yaml:13:7: SLO timeslices: spec.objectives[0].timeSliceTarget is required with budgetingMethod Timeslices",
            "timeslices.yaml:13:7: SLO timeslices: spec.objectives[0].timeSliceWindow is required with budgetingMethod Timeslices",
            "timeslices.yaml:27:7: SLO ratio-timeslices: spec.objectives[0].timeSliceWindow is required with budgetingMethod RatioTimeslices",
            "timeslices.yaml:28:24: SLO ratio-timeslices: spec.objectives[0].timeSliceTarget 0 is out of range: it must be above 0 and at most 1",
        ]),
        ("windows.yaml", &[
            "windows.yaml:10:17: SLO windows: spec.timeWindow[0].duration: '1 month' is not a duration",
            "windows.yaml:13:9: SLO windows: spec.timeWindow[0].calendar cannot be set when isRolling is true",
            "windows.yaml:29:20: SLO calendar: spec.timeWindow[0].calendar.startTime 'January 1st' must be a date and time written YYYY-MM-DD hh:mm:ss",
            "windows.yaml:30:19: SLO calendar: spec.timeWindow[0].calendar.timeZone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?",
            "windows.yaml:43:7: SLO neither: spec.timeWindow[0] needs isRolling: true (a rolling window) or a calendar",
            "windows.yaml:43:17: SLO neither: spec.timeWindow[0].duration: '30s' is not a duration",
        ]),
        ("references.yaml", &[
            "references.yaml:8:17: SLO references: spec.indicatorRef refers to SLI `missing-sli`, which none of the files loaded defines",
            "references.yaml:16:23: SLO references: spec.alertPolicies[0].alertPolicyRef refers to AlertPolicy `missing-policy`, which none of the files loaded defines",
            "references.yaml:25:21: AlertPolicy policy: spec.conditions[0].conditionRef refers to AlertCondition `missing-condition`",
            "references.yaml:27:18: AlertPolicy policy: spec.notificationTargets[0].targetRef refers to AlertNotificationTarget `missing-target`",
            "references.yaml:37:26: SLI logs-without-source: spec.ratioMetric.good.metricSource.metricSourceRef refers to DataSource `missing-logs`",
            "references.yaml:43:26: SLI logs-without-source: spec.ratioMetric.total.metricSource.metricSourceRef refers to DataSource `missing-logs`",
        ]),
        ("fields.yaml", &[
            "fields.yaml:14:7: SLI both: spec.ratioMetric gives both good and bad",
            "fields.yaml:29:3: Service shop: unknown field `spec.descripton`; did you mean `description`?",
            "fields.yaml:37:5: AlertPolicy two-conditions: spec.conditions holds 2 conditions; OpenSLO v1 allows exactly one",
            "fields.yaml:62:3: AlertCondition b: spec.severity is required",
            "fields.yaml:64:16: AlertCondition b: spec.condition.threshold must be a number",
        ]),
        ("logs-spec.yaml", &[
            "logs-spec.yaml:16:30: SLO logs-spec: in `spec.indicator.spec.thresholdMetric.metricSource.spec.filter`: unterminated string",
            "logs-spec.yaml:45:7: SLO threshold-without-op: its SLI compares the field latency_ms of each event with the objective's op and value",
        ]),
        ("v1alpha.yaml", &[
            "v1alpha.yaml:3:7: OpenSLO object: kind AlertPolicy does not exist in openslo/v1alpha",
            "v1alpha.yaml:16:7: SLO ratio: spec.objectives[0].timeSliceTarget is required with budgetingMethod Timeslices",
        ]),
    ];
    for (file, expected) in cases {
        let path = format!("tests/fixtures/openslo/invalid/{file}");
        let run = slo(&["validate", &path]);
        run.expect_code(2);
        for text in *expected {
            run.stderr_has(text);
        }
        let errors = run
            .stderr()
            .lines()
            .filter(|l| l.starts_with("error: "))
            .count();
        assert_eq!(
            errors,
            expected.iter().filter(|t| !t.starts_with('(')).count(),
            "{run}"
        );
    }
    let listed: Vec<String> = cases.iter().map(|(f, _)| f.to_string()).collect();
    for entry in fs::read_dir(repository().join("tests/fixtures/openslo/invalid")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            listed.contains(&name),
            "invalid/{name} has no expected errors here"
        );
    }
}

#[test]
fn other_tools_formats_are_named() {
    for (file, format) in [
        ("sloth.yml", "a Sloth spec (version: prometheus/v1)"),
        (
            "sloth-k8s.yml",
            "a Sloth Kubernetes spec (sloth.slok.dev/v1 PrometheusServiceLevel)",
        ),
        (
            "pyrra.yaml",
            "a Pyrra ServiceLevelObjective (pyrra.dev/v1alpha1)",
        ),
        (
            "slo-generator.yaml",
            "a google/slo-generator SLO config (sre.google.com/v2 ServiceLevelObjective)",
        ),
        (
            "v2alpha.yaml",
            "an OpenSLO v2alpha document (apiVersion openslo.com/v2alpha)",
        ),
    ] {
        let path = format!("tests/fixtures/openslo/foreign/{file}");
        slo(&["validate", &path])
            .expect_code(2)
            .stderr_has(&format!("{file}:1:1: this looks like {format}"));
    }
}

/// Reports of a spec and of what `slo convert` makes of it, there and back, in a scratch copy
/// laid out like the original so that log paths read the same.
fn round_trip(dir: &Workdir, specs: &str, logs: &[&str], at: &str) {
    for folder in ["converted", "back"] {
        fs::create_dir_all(dir.path().join(folder)).expect("create folder");
    }
    let report_of = |specs| dir.report().spec(specs).at(at).args(&["-q"]);
    let original = report_of(specs).run();
    original.expect_code(0);
    dir.run(&[
        "convert",
        "--to",
        "openslo",
        specs,
        "-o",
        "converted/openslo.yaml",
    ])
    .expect_code(0);
    dir.run(&[
        "convert",
        "--to",
        "native",
        "converted/openslo.yaml",
        "-o",
        "back/native.yaml",
    ])
    .expect_code(0);
    for converted in ["converted/openslo.yaml", "back/native.yaml"] {
        let run = report_of(converted).run();
        run.expect_code(0);
        assert_eq!(
            run.stdout(),
            original.stdout(),
            "{converted} reports differently"
        );
        if !logs.is_empty() {
            let run = report_of(converted).logs(logs).run();
            run.expect_code(0);
            assert_eq!(
                run.stdout(),
                original.stdout(),
                "{converted} with logs reports differently"
            );
        }
    }
}

fn copy(from: &Path, dir: &Workdir, to: &str) {
    dir.write(
        to,
        fs::read(from).unwrap_or_else(|e| panic!("{}: {e}", from.display())),
    );
}

#[test]
fn converting_the_bundled_examples_there_and_back_gives_the_same_report() {
    let dir = Workdir::new();
    for entry in fs::read_dir(repository().join("slo-specs")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        copy(&path, &dir, &format!("slo-specs/{name}"));
    }
    copy(
        &repository().join("examples/logs/requests.csv"),
        &dir,
        "examples/logs/requests.csv",
    );
    round_trip(&dir, "slo-specs", &["examples/logs/requests.csv"], "latest");
    // On standard output, log paths are relative to the current folder, and a note says so
    // (a spec reads them relative to its own folder, wherever the output is saved).
    let note = "note: log paths (source.paths) are written relative to the current folder";
    let run = dir.run(&["convert", "--to", "openslo", "slo-specs"]);
    run.expect_code(0)
        .stdout_has("    paths: [examples/logs/requests.csv]\n")
        .stdout_has("kind: SLO\n")
        .stderr_has(note);
    let run = dir.run(&["convert", "--to", "native", "converted/openslo.yaml"]);
    run.expect_code(0)
        .stdout_has("version: 1\nsource:\n  paths: [examples/logs/requests.csv]\n")
        .stderr_has(note);
    let run = dir.run(&["convert", "--to", "openslo", "slo-specs", "-o", "o.yaml"]);
    assert!(!run.expect_code(0).stderr().contains(note), "{run}");
}

/// What `convert` does not write again is named: a Service and an AlertNotificationTarget hold
/// no figure slo computes.
#[test]
fn convert_names_the_objects_it_does_not_write() {
    let dir = Workdir::new();
    dir.write(
        "os.yaml",
        "apiVersion: openslo/v1\nkind: Service\nmetadata: {name: api}\nspec: {}\n---\n\
         apiVersion: openslo/v1\nkind: AlertNotificationTarget\nmetadata: {name: pager}\nspec: {target: pagerduty}\n---\n\
         apiVersion: openslo/v1\nkind: SLO\nmetadata: {name: up}\nspec:\n  service: api\n  indicator:\n    metadata: {name: up}\n    spec:\n      ratioMetric:\n        good: {metricSource: {type: slo.logs, spec: {filter: status < 500}}}\n        total: {metricSource: {type: slo.logs, spec: {filter: 'true'}}}\n  timeWindow: [{duration: 28d, isRolling: true}]\n  budgetingMethod: Occurrences\n  objectives: [{target: 0.99}]\n",
    );
    for to in ["openslo", "native"] {
        dir.run(&["convert", "--to", to, "os.yaml"])
            .expect_code(0)
            .stderr_has("note: os.yaml:1:1: Service api is not written")
            .stderr_has("note: os.yaml:6:1: AlertNotificationTarget pager is not written");
    }
}

#[test]
fn converting_a_spec_that_uses_what_openslo_cannot_say_keeps_it() {
    let dir = Workdir::new();
    let fixtures = repository().join("tests/fixtures/openslo");
    copy(
        &fixtures.join("roundtrip/native.yaml"),
        &dir,
        "roundtrip/native.yaml",
    );
    copy(
        &fixtures.join("logs/requests.csv"),
        &dir,
        "logs/requests.csv",
    );
    copy(&fixtures.join("logs/more.csv"), &dir, "logs/more.csv");
    // Its two sources read two logs in two ways: no log is given on the command line.
    round_trip(&dir, "roundtrip/native.yaml", &[], AT);
    let openslo = fs::read_to_string(dir.path().join("converted/openslo.yaml")).unwrap();
    for text in [
        "slo/extra-windows: '[1d]'",
        "slo/no-service: 'true'",
        "slo/sla: '99'",
        "slo/min-events: '50'",
        "slo/latency: '{field: latency_ms, unit: ms}'",
        "slo/exclude: '[{from: ''2026-03-09T12:30:00Z'', to: ''2026-03-09T13:00:00Z'', reason: ''load test: ignore''}]'",
        "slo/policy: '{exhausted: ''Freeze releases: reliability work only'', remaining_above: {''0.8'': Budget to spare, 50%: Half left}}'",
        "slo/short-window: 10m",
        "threshold: 14.4",
        "timeSliceWindow: 0.5",
        "budgetingMethod: RatioTimeslices",
        "alertPolicies: []",
        "groupBy: [region]",
    ] {
        assert!(openslo.contains(text), "no {text:?} in\n{openslo}");
    }
    dir.run(&["validate", "converted/openslo.yaml"])
        .expect_code(0)
        .stdout_has("ok: 4 SLOs in 1 spec file\n");
}

#[test]
fn convert_refuses_slos_it_cannot_write() {
    let run = slo(&["convert", "--to", "native", VALID, ALERTING]);
    run.expect_code(2)
        .stderr_has("prometheus.yaml:11:1: SLO api-availability cannot be converted: its metric source is of type Prometheus")
        .stderr_has("error: nothing written: 2 SLOs cannot be converted");
    assert_eq!(run.stdout(), "");
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - {name: Checkout_SLO, objective: 99, windows: [90s], good: ok}\n",
    );
    dir.run(&["convert", "--to", "openslo", "spec.yaml"])
        .expect_code(2)
        .stderr_has("SLO Checkout_SLO: ")
        .stderr_has("90s");
    // A name OpenSLO cannot hold (an OpenSLO SLO's objectives are results named `NAME/OBJ`)
    // is written as a label, and kept in the `slo/name` annotation, which slo reads back.
    dir.write(
        "names.yaml",
        "version: 1\nslos:\n  - {name: Checkout_SLO, objective: 99, windows: [1d], good: ok}\n  - {name: api/strict, objective: 99, windows: [1d], good: ok}\n  - {name: api-strict, objective: 98, windows: [1d], good: ok}\n",
    );
    dir.run(&[
        "convert",
        "--to",
        "openslo",
        "names.yaml",
        "-o",
        "names.openslo.yaml",
    ])
    .expect_code(0);
    let written = fs::read_to_string(dir.path().join("names.openslo.yaml")).unwrap();
    for expected in [
        "name: checkout-slo\n",
        "slo/name: Checkout_SLO\n",
        "name: api-strict-2\n",
        "slo/name: api/strict\n",
    ] {
        assert!(written.contains(expected), "{expected:?} not in\n{written}");
    }
    dir.run(&["convert", "--to", "native", "names.openslo.yaml"])
        .expect_code(0)
        .stdout_has("  - name: Checkout_SLO\n")
        .stdout_has("  - name: api/strict\n")
        .stdout_has("  - name: api-strict\n");
    // A field the logs' format cannot have: the spec written would be refused where read.
    dir.write(
        "nginx.yaml",
        "version: 1\nsource: {format: nginx}\nslos:\n  - {name: up, objective: 99, windows: [1d], good: upstream_status < 500}\n",
    );
    for to in ["openslo", "native"] {
        let run = dir.run(&["convert", "--to", to, "nginx.yaml"]);
        run.expect_code(2)
            .stderr_has("nginx.yaml:4:")
            .stderr_has("nginx (combined) lines have no field `upstream_status`");
        assert_eq!(run.stdout(), "");
    }
    // Files without an SLO (an AlertPolicy alone) give no empty spec.
    dir.write(
        "policy.yaml",
        "apiVersion: openslo/v1\nkind: AlertPolicy\nmetadata: {name: fast}\nspec:\n  conditions:\n    - kind: AlertCondition\n      metadata: {name: c}\n      spec: {severity: page, condition: {kind: burnrate, op: gt, threshold: 14.4, lookbackWindow: 1h}}\n  notificationTargets: [{kind: AlertNotificationTarget, metadata: {name: t}, spec: {target: email}}]\n",
    );
    let run = dir.run(&["convert", "--to", "native", "policy.yaml"]);
    run.expect_code(2)
        .stderr_has("nothing written: the specs define no SLO");
    assert_eq!(run.stdout(), "");
}

// The corpus of real SLO files from other projects, kept beside the repository (CI clones it
// as ../shared/external). Its README gives, for each file, its format and whether its own
// project accepts it; this test holds slo to those verdicts, except where it disagrees, below.

/// Why slo reads a file differently from what the corpus README says.
#[derive(Debug, Clone, Copy)]
enum Verdict {
    /// Accepted, though the README calls it invalid.
    Accepted,
    /// Every object valid, but it refers to objects defined in no file of the corpus: alone,
    /// every error is a reference that points at nothing.
    Incomplete,
    /// Rejected, with this in the message, though its project accepts it.
    Rejected(&'static str),
}

const RFC_1123: &str = "the OpenSLO spec requires implementations to support names that are RFC 1123 labels, its Go SDK (the reference implementation since 2025) and current oslo reject any other name, and the 2022 JSON schema's name pattern has no capitals either; oslo accepted such names before 2025";
const OP_ON_RATIO: &str = "OpenSLO gives `op` and `value` to threshold metrics only; the Go SDK rejects `op` on a ratio objective (\"property is forbidden\"), and so does oslo's expected output for the same SLO in test/inputs/validate/v1.yaml";
const REFERENCES: &str = "a schema test of one object: it refers to an SLI, policy, condition, target or data source that no file of the corpus defines; slo resolves references across the files it loads, and a reference to nothing is an error (as in the Go SDK's own inline tests), so alone it is incomplete";
const INDICATOR_WITHOUT_SPEC: &str = "its inline SLI has metadata and no spec; the spec text says \"Either ratioMetric or thresholdMetric must be used\" and the Go SDK rejects an SLI with neither — the 2022 JSON schema just never required it";
const V1ALPHA_TIMESLICE_TARGET: &str = "a v1alpha Timeslices objective without timeSliceTarget: the Go SDK's v1alpha rules require it, and oslo's own negative case v1alpha.yaml is rejected for the same gap";
const SLOTH_PERIOD: &str = "Sloth rejects a 28-day window because it only has alert windows for 30 days by default; that is a limit of Sloth, not a rule of OpenSLO";

const DISAGREEMENTS: &[(&str, Verdict, &str)] = &[
    ("sloth/bad-openslo.yaml", Verdict::Accepted, SLOTH_PERIOD),
    ("openslo-spec/ratio-timeslices.yaml", Verdict::Rejected("op is only for thresholdMetric SLIs"), OP_ON_RATIO),
    ("openslo-spec/budgeting-method__timeslices-slo.yaml", Verdict::Rejected("op is only for thresholdMetric SLIs"), OP_ON_RATIO),
    ("openslo-spec/treat-low-traffic-as-equally-important__timeslices-slo.yaml", Verdict::Rejected("op is only for thresholdMetric SLIs"), OP_ON_RATIO),
    ("openslo-go-sdk/v1__examples__slos.yaml", Verdict::Rejected("op is only for thresholdMetric SLIs"), OP_ON_RATIO),
    ("openslo-spec/sli-description-ratio-inline-metricsource.yaml", Verdict::Rejected("gives both good and bad"), "no upstream verdict: it gives both good and bad (forbidden by the spec text and the schema's own `not: {required: [good, bad]}`) and a null metricSource.spec"),
    ("openslo-oslo/slo-with-annotations.yaml", Verdict::Rejected("spec.indicator.spec is required"), INDICATOR_WITHOUT_SPEC),
    ("openslo-oslo/slo-with-labels.yaml", Verdict::Rejected("spec.indicator.spec is required"), INDICATOR_WITHOUT_SPEC),
    ("openslo-oslo/valid-slos-ratio.yaml", Verdict::Rejected("timeSliceTarget is required"), V1ALPHA_TIMESLICE_TARGET),
    ("openslo-oslo/alert-policy-inline-cond.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/alert-policy-many-notificationref.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/alert-policy.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/data-source.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-composite-indicatorRef-rolling-no-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-indicatorref-calendar-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-indicatorref-calendar-no-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-indicatorref-rolling-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-indicatorref-rolling-no-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-no-indicatorref-calendar-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-oslo/slo-no-indicatorref-rolling-alerts.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/burn-rate.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/slo-breach.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/email.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/pagerduty.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/webhook.yaml", Verdict::Rejected("is not a valid OpenSLO name"), RFC_1123),
    ("openslo-slogen/logs-req-calendar.yaml", Verdict::Rejected("'Week' is not a duration"), "slogen's own dialect: `duration: Week` and `startTime: Monday` are neither duration shorthand nor a date and time, and `drift_gen_Calendar` is not an RFC 1123 name"),
    ("openslo-slogen/logs-req-threshold-based.yaml", Verdict::Rejected("'Week' is not a duration"), "slogen's own dialect: `duration: Week`, `startTime: Monday`, and a name with capitals and underscores"),
    ("openslo-slogen/logs-window-threshold-based.yaml", Verdict::Rejected("'Week' is not a duration"), "slogen's own dialect: `duration: Week`, `startTime: Monday`, and a name with capitals and underscores"),
    ("openslo-slogen/logs-req-rolling.yaml", Verdict::Rejected("calendar cannot be set when isRolling is true"), "a rolling window that also has a calendar (the Go SDK rejects it too), and a name with capitals and underscores"),
    ("openslo-spec/alert-policy-inline-cond.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/alert-policy-many-notificationref.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/alert-policy.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/sli-description-threshold-metricsourceref.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/sli-no-description-threshold-metricsourceref.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-indicatorref-calendar-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-indicatorref-calendar-no-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-indicatorref-rolling-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-indicatorref-rolling-no-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-no-indicatorref-calendar-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-spec/slo-no-indicatorref-rolling-alerts.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-oslo/slo-indicatorRef-rolling-cloudwatch.yaml", Verdict::Incomplete, "its SLI is in sli-threshold-cloudwatch.yaml; with that file (and data-source-cloudwatch.yaml) it validates, see below"),
    ("openslo-go-sdk/v1__examples__alert_policies.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__inputs__custom_config.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__inputs__v1_alert_policies.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__inputs__v1_slo.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__outputs__custom_config.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__outputs__v1_alert_policies.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/export__outputs__v1_slo.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/inline__inputs__custom_config.yaml", Verdict::Incomplete, REFERENCES),
    ("openslo-go-sdk/inline__outputs__custom_config.yaml", Verdict::Incomplete, REFERENCES),
];

/// What slo says about the OpenSLO files the README marks invalid on purpose.
const REASONS: &[(&str, &str)] = &[
    ("openslo-spec/alert-condition-no-condition.yaml", "spec.condition is required"),
    ("openslo-spec/alert-condition-no-sev.yaml", "spec.severity is required"),
    ("openslo-spec/alert-notification-target-no-target.yaml", "spec.target is required"),
    ("openslo-spec/alert-policy-malformed-cond.yaml", "must be conditionRef: NAME or an inline AlertCondition"),
    ("openslo-spec/alert-policy-malformed-targetref.yaml", "must be targetRef: NAME or an inline AlertNotificationTarget"),
    ("openslo-spec/alert-policy-many-cond.yaml", "holds 9 conditions; OpenSLO v1 allows exactly one"),
    ("openslo-spec/alert-policy-no-cond.yaml", "spec.conditions is required"),
    ("openslo-spec/alert-policy-no-notification.yaml", "spec.notificationTargets is required"),
    ("openslo-spec/v1__invalid-apiversion.yaml", "kind AlertNotificationTarget does not exist in openslo/v1alpha"),
    ("openslo-spec/service-long-description.yaml", "OpenSLO allows at most 1050"),
    ("openslo-spec/sli-ratio-good-and-bad.yaml", "gives both good and bad"),
    ("openslo-oslo/1.yaml", "'example service' is not a valid OpenSLO name"),
    ("openslo-oslo/2.yaml", "'example service' is not a valid OpenSLO name"),
    ("openslo-oslo/unknown-field.yaml", "unknown field `spec.markdown`"),
    ("openslo-oslo/v1.yaml", "spec.objectives[0].op is only for thresholdMetric SLIs"),
    ("openslo-oslo/v1alpha.yaml", "timeSliceTarget is required with budgetingMethod Timeslices"),
    ("openslo-oslo/invalid-service.yaml", "'my-rad service' is not a valid OpenSLO name"),
    ("openslo-oslo/alert-condition-no-condition.yaml", "spec.condition is required"),
    ("openslo-oslo/alert-condition-no-sev.yaml", "spec.severity is required"),
    ("openslo-oslo/alert-policy-malformed-cond.yaml", "must be conditionRef: NAME or an inline AlertCondition"),
    ("openslo-oslo/alert-policy-malformed-targetref.yaml", "must be targetRef: NAME or an inline AlertNotificationTarget"),
    ("openslo-oslo/alert-policy-many-cond.yaml", "OpenSLO v1 allows exactly one"),
    ("openslo-oslo/alert-policy-no-cond.yaml", "spec.conditions is required"),
    ("openslo-oslo/alert-policy-no-notification.yaml", "spec.notificationTargets is required"),
    ("openslo-oslo/service-long-description.yaml", "OpenSLO allows at most 1050"),
    ("openslo-go-sdk/v1_alert_policies_invalid_condition.yaml", "refers to AlertCondition `cpu-usage-breach`, which none of the files loaded defines"),
    ("openslo-go-sdk/v1_alert_policies_invalid_target.yaml", "refers to AlertNotificationTarget `devs-email-notification`, which none of the files loaded defines"),
    ("openslo-go-sdk/v1_slo_invalid_policy.yaml", "refers to AlertPolicy `no-policy`, which none of the files loaded defines"),
    ("openslo-go-sdk/v1_slo_invalid_sli.yaml", "refers to SLI `no-sli`, which none of the files loaded defines"),
    ("openslo-go-sdk/v1_slo_invalid_target.yaml", "refers to AlertNotificationTarget `devs-email-notification`, which none of the files loaded defines"),
];

/// A line on standard error that the test harness shows even when the test passes (it
/// captures `eprintln!`, not writes to the stream itself).
fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}

/// The corpus: `$SLO_EXTERNAL_CORPUS`, else `../shared/external` beside the repository.
fn corpus() -> Result<PathBuf, PathBuf> {
    let dir = std::env::var_os("SLO_EXTERNAL_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repository().join("../shared/external"));
    if dir.join("README.md").is_file() {
        Ok(dir)
    } else {
        Err(dir)
    }
}

/// One row of the corpus README's tables: folder/file, format, verdict.
struct Row {
    path: String,
    format: String,
    valid: String,
}

fn rows(readme: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut folder = None;
    for line in readme.lines() {
        if let Some(heading) = line.strip_prefix("### ") {
            folder = heading.strip_suffix('/').map(str::to_string);
            continue;
        }
        let cells: Vec<&str> = line.split(" | ").collect();
        let (Some(folder), true) = (&folder, line.starts_with("| `") && cells.len() >= 5) else {
            continue;
        };
        rows.push(Row {
            path: format!(
                "{folder}/{}",
                cells[0].trim_start_matches("| ").trim_matches('`')
            ),
            format: cells[2].to_string(),
            valid: cells[3].to_string(),
        });
    }
    rows
}

/// What a file of this format must make slo say, when it is not an OpenSLO format slo reads.
fn foreign_format(format: &str) -> Option<&'static str> {
    Some(if format.contains("v2alpha") {
        "an OpenSLO v2alpha document"
    } else if format.starts_with("openslo.com/v1") {
        "an osko object"
    } else if format.contains("CRD") {
        "a Kubernetes CustomResourceDefinition"
    } else if format.contains("JSON Schema") {
        "a JSON Schema"
    } else if format.contains("AlertWindows") {
        "Sloth alert windows"
    } else if format.starts_with("sloth.slok.dev") {
        "a Sloth Kubernetes spec"
    } else if format.starts_with("sloth") {
        "a Sloth spec"
    } else if format.starts_with("pyrra") {
        "a Pyrra ServiceLevelObjective"
    } else if format.contains("slo-generator") && format.contains("shared config") {
        "a google/slo-generator shared config"
    } else if format.contains("slo-generator") && format.contains("report") {
        "a google/slo-generator SLO report"
    } else if format.contains("slo-generator") || format.contains("sre.google.com") {
        "a google/slo-generator"
    } else if format.starts_with("foo") {
        "a Kubernetes-style document with apiVersion `foo`"
    } else if format.starts_with("openslo/v1") {
        return None;
    } else {
        panic!("the corpus README names a format this test does not know: {format}")
    })
}

#[test]
fn the_external_corpus_gets_the_verdicts_of_its_own_projects() {
    let dir = match corpus() {
        Ok(dir) => dir,
        Err(missing) => {
            say(&format!(
                "SKIPPED the_external_corpus_gets_the_verdicts_of_its_own_projects: the external \
                 SLO corpus is not at {} (it sits beside the repository in CI; set \
                 SLO_EXTERNAL_CORPUS to its folder to run this test)",
                missing.display()
            ));
            return;
        }
    };
    let readme = fs::read_to_string(dir.join("README.md")).unwrap();
    let rows = rows(&readme);
    assert!(
        rows.len() >= 290,
        "only {} rows read from the corpus README",
        rows.len()
    );
    let mut failures = Vec::new();
    let (mut passed, mut rejected, mut incomplete, mut foreign) = (0, 0, 0, 0);
    for row in &rows {
        let run = run_in(&dir, &["validate", &row.path]);
        let stderr = run.stderr();
        let errors: Vec<&str> = stderr
            .lines()
            .filter(|l| l.starts_with("error: "))
            .collect();
        let disagreement = DISAGREEMENTS.iter().find(|(p, _, _)| *p == row.path);
        let invalid = row.valid.contains("invalid on purpose");
        let problem = if let Some(format) = foreign_format(&row.format) {
            foreign += 1;
            (run.code() != 2 || !stderr.contains(&format!("looks like {format}")))
                .then(|| format!("should be rejected as {format}"))
        } else if let Some((_, verdict, _)) = disagreement {
            match verdict {
                Verdict::Accepted => {
                    passed += 1;
                    (run.code() != 0).then(|| "should pass".to_string())
                }
                Verdict::Incomplete => {
                    incomplete += 1;
                    let only_references = !errors.is_empty()
                        && errors
                            .iter()
                            .all(|e| e.contains("which none of the files loaded defines"));
                    (run.code() != 2 || !only_references).then(|| {
                        "should fail with references to nothing, and only those".to_string()
                    })
                }
                Verdict::Rejected(text) => {
                    rejected += 1;
                    (run.code() != 2 || !stderr.contains(text))
                        .then(|| format!("should be rejected saying {text:?}"))
                }
            }
        } else if invalid && row.path == "openslo-oslo/alert-condition-invalid-name.yaml" {
            // Valid alone, invalid as a set: checked below.
            passed += 1;
            (run.code() != 0).then(|| "should pass alone".to_string())
        } else if invalid {
            rejected += 1;
            match REASONS.iter().find(|(p, _)| *p == row.path) {
                Some((_, text)) => (run.code() != 2 || !stderr.contains(text))
                    .then(|| format!("should be rejected saying {text:?}")),
                None => Some(
                    "is invalid on purpose; give the reason slo should say in REASONS".to_string(),
                ),
            }
        } else {
            passed += 1;
            (run.code() != 0).then(|| "should pass".to_string())
        };
        if let Some(problem) = problem {
            failures.push(format!("{}: {problem}\n{run}", row.path));
        }
    }
    // References resolve across the files of a set.
    let run = run_in(
        &dir,
        &[
            "validate",
            "openslo-oslo/slo-indicatorRef-rolling-cloudwatch.yaml",
            "openslo-oslo/sli-threshold-cloudwatch.yaml",
            "openslo-oslo/data-source-cloudwatch.yaml",
        ],
    );
    if run.code() != 0 {
        failures.push(format!("the CloudWatch set should validate\n{run}"));
    }
    let run = run_in(
        &dir,
        &[
            "validate",
            "openslo-oslo/alert-condition-invalid-name.yaml",
            "openslo-oslo/alert-policy.yaml",
        ],
    );
    if run.code() != 2
        || !run
            .stderr()
            .contains("refers to AlertCondition `cpu-usage-breach`")
    {
        failures.push(format!(
            "alert-condition-invalid-name.yaml with alert-policy.yaml should fail\n{run}"
        ));
    }
    say(&format!(
        "external corpus: {} files: {passed} pass, {rejected} rejected as OpenSLO, {incomplete} \
         incomplete alone, {foreign} of other formats named",
        rows.len()
    ));
    assert!(
        failures.is_empty(),
        "{} files:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
