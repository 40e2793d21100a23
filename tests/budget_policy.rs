//! `policy:` (issue 17, point 5): the team's words for each state of the error budget, printed
//! by `check` and the table for the results that reach them, and carried by every format.

use crate::workdir::Workdir;

const AT: &str = "2026-03-10T12:00:00Z";

/// Objective 99 % over a day, SLA 98 %: 1000 events allow 10 bad ones.
const SPEC: &str = "\
version: 1
defaults:
  policy:
    exhausted: Freeze feature releases; reliability work only
    sla_breached: Tell the account managers; credits are due
    ok: Ship as usual
    remaining_above:
      0.8: Budget to spare, a good time for risky changes
      50%: Most of the budget left
slos:
  - name: shop
    objective: 99
    sla: 98
    windows: [1d]
    good: status < 500
    alerts: []
";

/// 1000 requests in the hour before `AT`, the first `bad` of them failing.
fn log(bad: usize) -> String {
    let mut text = String::from("timestamp,status\n");
    for i in 0..1000 {
        let status = if i < bad { 503 } else { 200 };
        text.push_str(&format!(
            "2026-03-10T11:{:02}:{:02}.{:03}Z,{status}\n",
            i / 20,
            i % 20,
            i
        ));
    }
    text
}

fn shop(bad: usize) -> Workdir {
    let dir = Workdir::new();
    dir.write("spec.yaml", SPEC);
    dir.write("log.csv", log(bad));
    dir
}

/// The rule and the words `shop` reaches with `bad` bad events in 1000.
fn reached(bad: usize) -> Option<(String, String)> {
    let report = shop(bad).report().log("log.csv").at(AT).run();
    let json = report.expect_code(0).json();
    let policy = &json["results"][0]["policy"];
    (!policy.is_null()).then(|| {
        (
            policy["rule"].as_str().unwrap_or_default().to_string(),
            policy["text"].as_str().unwrap_or_default().to_string(),
        )
    })
}

#[test]
fn a_result_reaches_the_words_of_its_state_and_the_highest_band_it_is_above() {
    let says = |rule: &str, text: &str| Some((rule.to_string(), text.to_string()));
    // 1 bad: 90 % of the budget left, above 0.8.
    assert_eq!(
        reached(1),
        says(
            "remaining_above 0.8",
            "Budget to spare, a good time for risky changes"
        )
    );
    // 2 bad: exactly 80 % left, which is not above 0.8; above 50 %.
    assert_eq!(
        reached(2),
        says("remaining_above 50%", "Most of the budget left")
    );
    // 5 bad: exactly half left: no band, the words for ok.
    assert_eq!(reached(5), says("ok", "Ship as usual"));
    // 10 bad: exactly spent.
    assert_eq!(
        reached(10),
        says(
            "exhausted",
            "Freeze feature releases; reliability work only"
        )
    );
    // 21 bad: SLI 97.9 %, below the SLA of 98 %: those words come first.
    assert_eq!(
        reached(21),
        says("sla_breached", "Tell the account managers; credits are due")
    );
    // 20 bad: SLI exactly 98 % meets the SLA.
    assert_eq!(
        reached(20).map(|(rule, _)| rule),
        Some("exhausted".to_string())
    );
}

#[test]
fn a_state_the_policy_does_not_name_has_no_line() {
    let dir = shop(0);
    dir.write(
        "spec.yaml",
        SPEC.replace(
            "    exhausted: Freeze feature releases; reliability work only\n",
            "",
        ),
    );
    dir.write("log.csv", log(10));
    let json = dir
        .report()
        .log("log.csv")
        .at(AT)
        .run()
        .expect_code(0)
        .json();
    assert!(json["results"][0]["policy"].is_null(), "{json}");
    // The CSV keeps its policy columns, empty: the header of a report that a cron job appends
    // to a file is the same whatever state each result is in.
    let csv = |bad: usize| {
        dir.write("log.csv", log(bad));
        let run = dir.report().log("log.csv").at(AT).format("csv").run();
        run.expect_code(0).stdout()
    };
    let (unnamed, named) = (csv(10), csv(0));
    let header = |text: &str| text.lines().next().unwrap_or_default().to_string();
    assert_eq!(header(&unnamed), header(&named));
    assert!(
        header(&unnamed).ends_with(",policy.rule,policy.text"),
        "{unnamed}"
    );
    assert!(unnamed.lines().nth(1).unwrap().ends_with(",,"), "{unnamed}");
}

#[test]
fn under_ratio_timeslices_the_band_is_decided_exactly() {
    // One slice of 5 events, 4 good: mean 0.8 against 50 %: exactly 60 % of the budget left,
    // which binary floating point, (0.8 − 0.5) / (1 − 0.5), makes 0.6000000000000001: above 0.6.
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: ratio\n    objective: 50\n    windows: [1h]\n    budgeting: ratio_timeslices\n    timeslice: {length: 1m}\n    good: status < 500\n    alerts: []\n    policy:\n      ok: No band\n      remaining_above: {0.6: Above 60 %, 0.5999: Just under}\n",
    );
    let mut text = String::from("timestamp,status\n");
    for i in 0..5 {
        let status = if i < 1 { 503 } else { 200 };
        text.push_str(&format!("2026-03-10T11:30:{i:02}Z,{status}\n"));
    }
    dir.write("log.csv", text);
    let json = dir
        .report()
        .log("log.csv")
        .at(AT)
        .run()
        .expect_code(0)
        .json();
    assert_eq!(
        json["results"][0]["error_budget"]["remaining"], 0.6,
        "{json}"
    );
    assert_eq!(
        json["results"][0]["policy"]["rule"], "remaining_above 0.5999",
        "{json}"
    );
}

#[test]
fn check_the_table_and_every_format_print_the_policy() {
    let dir = shop(10);
    let check = dir.run(&["check", "-s", "spec.yaml", "log.csv", "--at", AT]);
    check.expect_code(1).stdout_has(
        "FAIL shop [1d]: exhausted: SLI 99 % against 99 %, 0.0 % of the error budget left\nPOLICY shop [1d] (exhausted): Freeze feature releases; reliability work only\nFAILED: 1 of 1 results",
    );
    // A passing check prints the words too (but not under -q, which keeps a passing check silent).
    let passing = shop(1);
    let run = passing.run(&["check", "-s", "spec.yaml", "log.csv", "--at", AT]);
    run.expect_code(0).stdout_has(
        "POLICY shop [1d] (remaining_above 0.8): Budget to spare, a good time for risky changes\n",
    );
    let quiet = passing.run(&["check", "-q", "-s", "spec.yaml", "log.csv", "--at", AT]);
    assert_eq!(quiet.expect_code(0).stdout(), "");
    let format = |format: &str| {
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
    let line = "POLICY shop [1d] (exhausted): Freeze feature releases; reliability work only";
    assert!(format("table").contains(&format!("{line}\n")));
    assert!(format("markdown").contains(
        "**Error-budget policy**\n\n- 📋 POLICY shop \\[1d\\] (exhausted): Freeze feature releases; reliability work only\n"
    ));
    let csv = format("csv");
    assert!(
        csv.lines()
            .next()
            .is_some_and(|h| h.ends_with(",policy.rule,policy.text")),
        "{csv}"
    );
    assert!(
        csv.contains(",exhausted,Freeze feature releases; reliability work only\n"),
        "{csv}"
    );
    assert!(format("junit")
        .contains("policy (exhausted): Freeze feature releases; reliability work only"));
}

#[test]
fn validate_reports_policy_mistakes_where_they_are() {
    let dir = Workdir::new();
    dir.write(
        "spec.yaml",
        "version: 1\nslos:\n  - name: shop\n    objective: 99\n    windows: [1d]\n    good: status < 500\n    policy:\n      exhausetd: Freeze\n      ok: ''\n      remaining_above:\n        1.5: Too much\n        0.8: Fine\n        80%: Twice\n        soon: Not a share\n",
    );
    dir.run(&["validate", "spec.yaml"])
        .expect_code(2)
        .stderr_has("spec.yaml:8:7: unknown key `exhausetd` in `policy`; did you mean `exhausted`?")
        .stderr_has("spec.yaml:9:11: `policy.ok` is empty: say what the team does in that state")
        .stderr_has("spec.yaml:11:9: share '1.5' is not below the whole budget: a share of the budget left is a fraction from 0 to below 1 (0.8) or a percentage (80%)")
        .stderr_has("spec.yaml:13:9: the share 80% appears twice in `policy.remaining_above`")
        .stderr_has("spec.yaml:14:9: 'soon' is not a share: ");
}
