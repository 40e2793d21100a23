//! The integration tests: one binary, so that `slo` is linked once for all of them, with a
//! module per concern. `cargo test --test integration hostile::` runs one module.
//!
//! `workdir` runs `slo` in a scratch folder and shows command, stdout, stderr and status when
//! an assertion fails; `report` builds `slo report` commands and reads their JSON reports back
//! into typed structs.

mod report;
mod workdir;

mod access_logs;
mod alerts;
mod between;
mod budget_policy;
mod cli;
mod exclusions;
mod golden_signals;
mod history;
mod hostile;
mod html;
mod inputs;
mod low_traffic;
mod openslo;
mod parallel;
mod row_accounting;
mod ship;
mod sla;
mod snapshots;
mod sql;
mod timeslices;
mod trend;
mod units;
