//! `slo` computes SLIs, error budgets and burn rates from request logs.
//!
//! The library is a pipeline, one module per stage:
//! [`cli`] → [`spec`] (with [`expr`]) → [`input`] → [`aggregate`] → [`evaluate`] → [`report`]
//! → [`render`] → [`policy`] / [`exit`]. [`commands`] wires the stages together per subcommand.

pub mod aggregate;
pub mod backtest;
pub mod cli;
pub mod commands;
pub mod config;
pub mod encoding;
pub mod evaluate;
pub mod exit;
pub mod expr;
pub mod glob;
pub mod input;
pub mod policy;
pub mod render;
pub mod report;
pub mod spec;
pub mod sql;
pub mod suggest;
pub mod time;
pub mod visible;

use clap::Parser;

use crate::exit::ExitStatus;

/// Parses the command line, runs it, prints any error once, and returns the exit status.
pub fn main() -> ExitStatus {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitStatus::Error
            } else {
                ExitStatus::Success
            };
        }
    };
    match commands::run(cli) {
        Ok(status) => status,
        Err(error) => {
            // Errors may quote the logs: nothing in them reaches the terminal raw.
            visible::eprint_lines(format_args!("error: {error}"));
            for cause in error.chain().skip(1) {
                visible::eprint_lines(format_args!("{cause}"));
            }
            ExitStatus::Error
        }
    }
}
