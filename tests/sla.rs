//! `sla:` beside the objective (issue 17, point 1): the SLI against what customers are
//! promised, in every format, and `check --fail-on sla`.

use crate::report::close;
use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 99 %, SLA 95 %, one day.
const SPEC: &str = "\
version: 1
slos:
  - name: shop
    objective: 99
    sla: 95
    windows: [1d]
    good: status < 500
    alerts: []
";

/// `total` requests in the hour before `AT`, the first `bad` of them failing.
fn log(total: usize, bad: usize) -> String {
    let mut text = String::from("timestamp,status\n");
    for i in 0..total {
        let status = if i < bad { 503 } else { 200 };
        text.push_str(&format!(
            "2026-03-10T11:{:02}:{:02}Z,{status}\n",
            i / 60,
            i % 60
        ));
    }
    text
}

fn shop(total: usize, bad: usize) -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", log(total, bad));
    dir
}

#[test]
fn the_sla_is_met_down_to_exactly_its_level() {
    // 5 bad in 100: SLI 95 % exactly, the SLA's level: met, with a margin of 0, while the
    // budget of 1 bad event is long spent.
    let report = shop(100, 5).report().log("log.csv").at(AT).json_report();
    let result = report.result("shop", "1d");
    assert_eq!(result.status, "exhausted");
    let sla = result.sla.as_ref().expect("an SLA");
    assert_eq!((sla.objective, sla.met), (95.0, Some(true)));
    assert!(close(sla.sli_margin, 0.0), "{sla:?}");
    // One more bad event breaches it.
    let report = shop(100, 6).report().log("log.csv").at(AT).json_report();
    let sla = report.result("shop", "1d").sla.as_ref().expect("an SLA");
    assert_eq!(sla.met, Some(false));
    assert!(close(sla.sli_margin, -0.01), "{sla:?}");
    // No events, nothing to judge.
    let dir = shop(0, 0);
    let report = dir.report().log("log.csv").at(AT).json_report();
    let sla = report.result("shop", "1d").sla.as_ref().expect("an SLA");
    assert_eq!((sla.sli_margin, sla.met), (None, None));
}

#[test]
fn check_fails_on_a_breached_sla_only_when_asked() {
    let check = |dir: &Workdir, fail_on: &str| {
        dir.run(&[
            "check",
            "-s",
            "spec.yaml",
            "log.csv",
            "--at",
            AT,
            "--fail-on",
            fail_on,
        ])
    };
    // Exhausted, SLA met: `--fail-on sla` passes, the default policy does not.
    let met = shop(100, 5);
    check(&met, "sla")
        .expect_code(0)
        .stdout_has("ok: 0 of 1 results fail the policy (--fail-on sla)");
    check(&met, "exhausted").expect_code(1);
    // Breached: it says so, with the margin.
    let breached = shop(100, 6);
    check(&breached, "sla").expect_code(1).stdout_has(
        "FAIL shop [1d]: sla breached: SLI 94 % against 99 %, -500.0 % of the error budget left; below its SLA of 95 % (-1 pts)\n",
    );
    // Both parts of a policy that fail are named.
    check(&breached, "exhausted,sla")
        .expect_code(1)
        .stdout_has("FAIL shop [1d]: exhausted, sla breached: ");
    // The budget alone: the SLA is not mentioned.
    check(&breached, "exhausted").expect_code(1).stdout_has(
        "FAIL shop [1d]: exhausted: SLI 94 % against 99 %, -500.0 % of the error budget left\n",
    );
}

#[test]
fn every_format_shows_the_sla() {
    let dir = shop(100, 6);
    let run = |format: &str| {
        let run = dir
            .report()
            .log("log.csv")
            .at(AT)
            .format(format)
            .args(&["--color", "never"])
            .run();
        run.expect_code(0);
        run.stdout()
    };
    let table = run("table");
    assert!(
        table.contains("SLA shop [1d]: BREACHED: 94 % against 95 % (-1 pts)\n"),
        "{table}"
    );
    assert!(table.lines().all(|l| l.chars().count() <= 100), "{table}");
    let markdown = run("markdown");
    assert!(
        markdown.contains("| Objective | SLA | Bad/total |")
            && markdown.contains("| 99 % | 95 % breached | 6/100 |"),
        "{markdown}"
    );
    let csv = run("csv");
    let (header, row) = csv.split_once('\n').expect("a header");
    assert!(
        header.ends_with(",sla.objective,sla.sli_margin,sla.met"),
        "{csv}"
    );
    assert!(row.trim_end().ends_with(",95,-0.01,false"), "{csv}");
    let prometheus = run("prometheus");
    for line in [
        "slo_sla_ratio{slo=\"shop\",window=\"1d\"} 0.95\n",
        "slo_sla_met{slo=\"shop\",window=\"1d\"} 0\n",
    ] {
        assert!(prometheus.contains(line), "no {line:?} in\n{prometheus}");
    }
    let junit = run("junit");
    assert!(junit.contains("SLA: 95 % (breached, -1 pts)"), "{junit}");
    // A report without SLAs has none of it.
    dir.write("plain.yaml", SPEC.replace("    sla: 95\n", ""));
    let plain = dir
        .report()
        .spec("plain.yaml")
        .log("log.csv")
        .at(AT)
        .format("csv")
        .run();
    assert!(!plain.expect_code(0).stdout().contains("sla."), "{plain}");
    let json = dir
        .report()
        .spec("plain.yaml")
        .log("log.csv")
        .at(AT)
        .json_report();
    assert_eq!(json.result("shop", "1d").sla, None);
}

#[test]
fn junit_names_an_sla_failure() {
    let dir = shop(100, 6);
    let run = dir.run(&[
        "check",
        "-s",
        "spec.yaml",
        "log.csv",
        "--at",
        AT,
        "--fail-on",
        "sla",
        "-f",
        "junit",
    ]);
    run.expect_code(1).stdout_has(
        r#"<failure message="SLA breached over 1d: SLI 94 % against an SLA of 95 %" type="sla_breached">"#,
    );
}

#[test]
fn validate_rejects_an_sla_above_the_objective() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    objective: 99\n    sla: 99.5\n    windows: [1d]\n    good: status < 500\n",
    );
    dir.run(&["validate", "spec.yaml"]).expect_code(2).stderr_has(
        "spec.yaml:5:10: sla 99.5 is above this SLO's objective 99: the SLA, what customers are promised, must be at most the objective the team holds itself to; did you swap them? (objective: 99.5, sla: 99)",
    );
}
