//! `slo report` as the tests run it, and its JSON read back into typed structs (as ripgrep's
//! tests read its `--json` output), so that a test names the figures it checks.
//!
//! A test that checks the raw JSON on purpose (two whole reports alike, the order of keys)
//! reads [`Run::json`] instead.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::workdir::{Run, Workdir};

impl Workdir {
    /// `slo report -s spec.yaml -f json`, run in this folder once [`ReportCommand::run`] is
    /// called; the other methods of [`ReportCommand`] add to it.
    pub fn report(&self) -> ReportCommand<'_> {
        ReportCommand::in_folder(self.path())
    }
}

/// `slo report` built up option by option, read as a sentence:
/// `dir.report().log("log.csv").at(AT).json_report()`.
#[derive(Debug)]
pub struct ReportCommand<'a> {
    dir: &'a Path,
    specs: Vec<&'a str>,
    logs: Vec<&'a str>,
    at: Option<&'a str>,
    format: &'a str,
    options: Vec<&'a str>,
    stdin: Option<&'a [u8]>,
}

impl<'a> ReportCommand<'a> {
    /// `slo report -s spec.yaml -f json`, run in `dir`.
    pub fn in_folder(dir: &'a Path) -> ReportCommand<'a> {
        ReportCommand {
            dir,
            specs: Vec::new(),
            logs: Vec::new(),
            at: None,
            format: "json",
            options: Vec::new(),
            stdin: None,
        }
    }

    /// `-s PATH`, repeatable; the first replaces the default `spec.yaml`.
    pub fn spec(mut self, path: &'a str) -> Self {
        self.specs.push(path);
        self
    }

    /// A log to read (`-` is standard input); none: the spec's `source.paths`.
    pub fn log(mut self, path: &'a str) -> Self {
        self.logs.push(path);
        self
    }

    /// Logs to read, in this order.
    pub fn logs<S: AsRef<str>>(mut self, paths: &'a [S]) -> Self {
        self.logs.extend(paths.iter().map(AsRef::as_ref));
        self
    }

    /// `--at INSTANT`.
    pub fn at(mut self, instant: &'a str) -> Self {
        self.at = Some(instant);
        self
    }

    /// `-f FORMAT` instead of `-f json`.
    pub fn format(mut self, format: &'a str) -> Self {
        self.format = format;
        self
    }

    /// `--max-malformed SHARE`: `"100%"` for tests about how bad rows are counted, which allow
    /// any share of them.
    pub fn max_malformed(self, share: &'a str) -> Self {
        self.args(&["--max-malformed", share])
    }

    /// `--threads N`.
    pub fn threads(self, threads: &'a str) -> Self {
        self.args(&["--threads", threads])
    }

    /// Any other options, after the others.
    pub fn args(mut self, options: &[&'a str]) -> Self {
        self.options.extend_from_slice(options);
        self
    }

    /// Bytes for standard input (read when a log is `-`).
    pub fn stdin(mut self, bytes: &'a [u8]) -> Self {
        self.stdin = Some(bytes);
        self
    }

    /// Runs it, checks that it exits 0, and reads the report it writes.
    #[track_caller]
    pub fn json_report(self) -> Report {
        self.run().expect_code(0).report()
    }

    /// Runs `slo report -s SPEC… LOG… --at INSTANT -f FORMAT OPTIONS…`.
    pub fn run(self) -> Run {
        let mut args = vec!["report"];
        let specs = if self.specs.is_empty() {
            &["spec.yaml"][..]
        } else {
            &self.specs
        };
        for spec in specs {
            args.extend(["-s", spec]);
        }
        args.extend(&self.logs);
        if let Some(at) = self.at {
            args.extend(["--at", at]);
        }
        args.extend(["-f", self.format]);
        args.extend(&self.options);
        crate::workdir::run_in_with_stdin(self.dir, &args, self.stdin)
    }
}

impl Run {
    /// Parses stdout as a JSON report.
    #[track_caller]
    pub fn report(&self) -> Report {
        serde_json::from_slice(&self.output.stdout)
            .unwrap_or_else(|e| panic!("stdout is not a JSON report: {e}\n{self}"))
    }
}

/// A JSON report (DESIGN.md §5): instants as the RFC 3339 text written, ratios as fractions.
#[derive(Debug, Deserialize)]
pub struct Report {
    pub evaluated_at: String,
    pub inputs: Inputs,
    pub results: Vec<SloResult>,
}

impl Report {
    /// The result of `slo` over `window` (as written in the spec); the first, for a grouped SLO.
    #[track_caller]
    pub fn result(&self, slo: &str, window: &str) -> &SloResult {
        self.results
            .iter()
            .find(|r| r.slo == slo && r.window == window)
            .unwrap_or_else(|| panic!("no result for {slo} {window} in {self:#?}"))
    }
}

/// How the rows read were accounted for.
#[derive(Debug, Deserialize)]
pub struct Inputs {
    pub files: Vec<String>,
    pub rows: u64,
    pub malformed: u64,
    pub outside_windows: u64,
    pub unselected: u64,
    pub excluded: u64,
    pub matched: u64,
    pub latest: Option<String>,
}

impl Inputs {
    /// rows, malformed, outside_windows, unselected, matched.
    pub fn counts(&self) -> [u64; 5] {
        [
            self.rows,
            self.malformed,
            self.outside_windows,
            self.unselected,
            self.matched,
        ]
    }
}

/// One SLO × group × window.
#[derive(Debug, Deserialize)]
pub struct SloResult {
    pub slo: String,
    pub service: Option<String>,
    /// `group_by` field → value (`None` where rows lacked the field).
    pub group: BTreeMap<String, Option<String>>,
    pub window: String,
    pub start: String,
    pub end: String,
    pub elapsed: Option<f64>,
    /// In percent, as written.
    pub objective: f64,
    pub budgeting: String,
    pub total: u64,
    pub good: u64,
    pub bad: u64,
    pub invalid: u64,
    pub excluded: u64,
    /// Valid events (`total`, but under `timeslices`).
    pub events: u64,
    pub min_events: Option<u64>,
    pub sli: Option<f64>,
    pub sli_margin: Option<f64>,
    /// `null` for an SLO without `sla`.
    pub sla: Option<Sla>,
    pub error_budget: ErrorBudget,
    /// Lookback as written → burn rate (`None` where the lookback holds no events).
    pub burn_rates: BTreeMap<String, Option<f64>>,
    pub alerts: Vec<Alert>,
    pub time_to_exhaustion_s: Option<f64>,
    /// `ok`, `at_risk`, `exhausted` or `no_data`.
    pub status: String,
    /// Only on the `(other)` result of an SLO with more groups than `--max-groups`.
    pub folded: Option<Folded>,
}

impl SloResult {
    /// The value of the `group_by` field `field`; `None` when it is null or not a group field.
    pub fn group_value(&self, field: &str) -> Option<&str> {
        self.group.get(field)?.as_deref()
    }
}

#[derive(Debug, Deserialize, PartialEq)]
pub struct Sla {
    /// In percent, as written.
    pub objective: f64,
    pub sli_margin: Option<f64>,
    pub met: Option<bool>,
}

#[derive(Debug, Deserialize)]
pub struct ErrorBudget {
    pub allowed: f64,
    pub consumed: Option<f64>,
    pub remaining: Option<f64>,
    pub allowed_s: Option<f64>,
    pub remaining_s: Option<f64>,
}

#[derive(Debug, Deserialize)]
pub struct Alert {
    pub severity: String,
    pub long: String,
    pub short: String,
    pub threshold: f64,
    pub firing: bool,
}

#[derive(Debug, Deserialize)]
pub struct Folded {
    pub groups: u64,
    pub estimated: bool,
}

/// Whether `value` is a number within a relative 1e-9 of `expected` (absolute near 0).
pub fn close(value: impl Into<Option<f64>>, expected: f64) -> bool {
    value
        .into()
        .is_some_and(|v| (v - expected).abs() <= 1e-9 * expected.abs().max(1.0))
}
