//! `slo sql`: the selected SLOs' counting as one query for an SQL engine.

use anyhow::{bail, Context};

use crate::cli::SqlArgs;
use crate::exit::ExitStatus;
use crate::expr::FieldPath;
use crate::spec::{self, Slo};
use crate::sql::{counts_query, QueryOptions, Table};

pub(super) fn run(args: &SqlArgs) -> anyhow::Result<ExitStatus> {
    let paths = crate::config::spec_paths(&args.specs)?;
    let specs = match spec::discover_spec_files(&paths).and_then(|files| spec::load_files(&files)) {
        Ok(set) => set,
        Err(errors) => {
            super::print_spec_errors(&errors);
            return Ok(ExitStatus::Error);
        }
    };
    crate::config::refuse_uncomputable(&specs, &args.slo_names)?;
    let selected = crate::config::select_slos(&specs, &args.slo_names)?;
    let slos: Vec<&Slo> = selected.iter().map(|&i| &specs.slos[i]).collect();
    let columns = args
        .columns
        .iter()
        .map(|text| column_mapping(text))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let options = QueryOptions {
        dialect: args.dialect.into(),
        table: args.table.clone().map_or(Table::Files, Table::Named),
        columns,
    };
    match counts_query(&slos, &options) {
        Ok(query) => {
            super::write_output(query.as_bytes(), args.output.as_deref())?;
            Ok(ExitStatus::Success)
        }
        Err(problems) => {
            for problem in &problems {
                crate::visible::eprint_lines(format_args!("error: {problem}"));
            }
            bail!(
                "no query written: {} problem{} (see above)",
                problems.len(),
                if problems.len() == 1 { "" } else { "s" }
            )
        }
    }
}

/// `FIELD=SQL` from `--column`.
fn column_mapping(text: &str) -> anyhow::Result<(FieldPath, String)> {
    let (field, sql) = text
        .split_once('=')
        .filter(|(field, sql)| !field.trim().is_empty() && !sql.trim().is_empty())
        .with_context(|| {
            format!("--column {text}: write FIELD=SQL, such as --column status=elb_status_code")
        })?;
    let path = FieldPath(field.trim().split('.').map(str::to_string).collect());
    Ok((path, sql.trim().to_string()))
}
