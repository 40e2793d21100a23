//! `slo convert`: load specs (native or OpenSLO) and write them in the other form.

use std::path::Path;

use crate::cli::{ConvertArgs, ConvertTo};
use crate::exit::ExitStatus;
use crate::spec::{self, convert::Form};

pub(super) fn run(args: &ConvertArgs) -> anyhow::Result<ExitStatus> {
    let paths = crate::config::spec_paths(&args.specs.all())?;
    // Fields the logs' format cannot have are errors here as in `validate`: the spec written
    // would be refused by every command that reads it.
    let loaded = spec::discover_spec_files(&paths)
        .and_then(|files| spec::load_files(&files))
        .and_then(|mut set| match std::mem::take(&mut set.missing_fields) {
            missing if missing.is_empty() => Ok(set),
            missing => Err(spec::SpecErrors(missing)),
        });
    let set = match loaded {
        Ok(set) => set,
        Err(errors) => {
            super::print_spec_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    if set.slos.is_empty() && set.uncomputable.is_empty() {
        anyhow::bail!(
            "nothing written: the specs define no SLO (OpenSLO objects such as an AlertPolicy are converted with the SLOs that use them: give those files too)"
        );
    }
    for note in &set.notes {
        crate::visible::eprint_lines(format_args!("note: {note}"));
    }
    let form = match args.to {
        ConvertTo::Openslo => Form::OpenSlo,
        ConvertTo::Native => Form::Native,
    };
    // The OpenSLO written holds what slo computes: its own DataSource, SLIs inline, its alert
    // policies and one notification target. The objects read that hold none of it are named.
    for (at, what) in &set.not_carried {
        crate::visible::eprint_lines(format_args!(
            "note: {at}: {what} is not written: slo writes the SLOs as it computes them (their \
             `service` stays; notifications go to `slo check`'s target)"
        ));
    }
    // Log paths are written for a reader in the output's folder.
    let base = match args.output.as_deref() {
        Some(file) if file != Path::new("-") => match file.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        },
        _ => {
            // Where standard output is saved is not known: a spec saved elsewhere than here
            // would read its logs from the wrong folder.
            let relative = set
                .slos
                .iter()
                .flat_map(|slo| &slo.source.paths)
                .any(|path| path.is_relative());
            if relative {
                eprintln!(
                    "note: log paths (source.paths) are written relative to the current folder, \
                     and a spec reads them relative to its own: save the output here, or give \
                     -o FILE to write them for FILE's folder"
                );
            }
            Path::new(".")
        }
    };
    match spec::convert::convert(&set, form, base) {
        Ok(text) => {
            super::write_output(text.as_bytes(), args.output.as_deref())?;
            Ok(ExitStatus::Success)
        }
        Err(problems) => {
            for problem in &problems {
                crate::visible::eprint_lines(format_args!("error: {problem}"));
            }
            anyhow::bail!(
                "nothing written: {} SLO{} cannot be converted",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )
        }
    }
}
