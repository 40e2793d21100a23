//! `slo validate`: load specs, report every problem, read no log.

use crate::cli::ValidateArgs;
use crate::exit::ExitStatus;
use crate::spec;

pub(super) fn run(args: &ValidateArgs) -> anyhow::Result<ExitStatus> {
    let paths = crate::config::spec_paths(&args.specs.all())?;
    let loaded = spec::discover_spec_files(&paths)
        .and_then(|files| spec::load_files(&files))
        .and_then(|mut set| {
            let mut errors = std::mem::take(&mut set.missing_fields);
            for file in &args.exclude {
                match spec::load_exclusions(file) {
                    Ok(exclusions) => set.add_exclusions(&exclusions),
                    Err(more) => errors.extend(more.0),
                }
            }
            if errors.is_empty() {
                Ok(set)
            } else {
                Err(spec::SpecErrors(errors))
            }
        });
    match loaded {
        Ok(set) => {
            for note in &set.notes {
                crate::visible::eprint_lines(format_args!("note: {note}"));
            }
            for slo in &set.uncomputable {
                crate::visible::eprint_lines(format_args!(
                    "note: {}: SLO {} is valid but slo cannot compute it from request logs: {}",
                    slo.defined_at, slo.name, slo.reason
                ));
            }
            let count = set.slos.len() + set.uncomputable.len();
            let mut text = format!(
                "ok: {count} SLO{} in {} spec file{}",
                if count == 1 { "" } else { "s" },
                set.files.len(),
                if set.files.len() == 1 { "" } else { "s" },
            );
            if !set.uncomputable.is_empty() {
                text.push_str(&format!(
                    " ({} of them cannot be computed from request logs; see the notes)",
                    set.uncomputable.len()
                ));
            }
            text.push('\n');
            super::write_stdout(text.as_bytes())?;
            Ok(ExitStatus::Success)
        }
        Err(errors) => {
            super::print_spec_errors(&errors);
            Ok(ExitStatus::Error)
        }
    }
}
