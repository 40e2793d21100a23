//! `slo validate`: load specs, report every problem, read no log.

use crate::cli::ValidateArgs;
use crate::exit::ExitStatus;
use crate::spec;

pub(super) fn run(args: &ValidateArgs) -> anyhow::Result<ExitStatus> {
    let paths = super::spec_paths(&args.specs)?;
    let loaded = spec::discover_spec_files(&paths).and_then(|files| spec::load_files(&files));
    match loaded {
        Ok(set) => {
            let text = format!(
                "ok: {} SLO{} in {} spec file{}\n",
                set.slos.len(),
                if set.slos.len() == 1 { "" } else { "s" },
                set.files.len(),
                if set.files.len() == 1 { "" } else { "s" },
            );
            super::write_stdout(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        Err(errors) => {
            for error in &errors.0 {
                eprintln!("error: {error}");
            }
            eprintln!(
                "{} problem{} found",
                errors.0.len(),
                if errors.0.len() == 1 { "" } else { "s" }
            );
            Ok(ExitStatus::Error)
        }
    }
}
