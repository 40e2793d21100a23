//! `slo convert`: a loaded [`SpecSet`] written back out as native specs or as OpenSLO
//! documents. Reading what either writes gives the same SLOs again, so reports agree.

use std::path::{Component, Path, PathBuf};

use super::yaml_out::Yaml;
use super::Latency;
use super::{
    default_alerts, AlertThreshold, BudgetPolicy, Exclusion, Judgement, Slo, Source, SpecSet,
    TimestampSpec, Window,
};
use crate::input::InputFormat;
use crate::time::{format_rfc3339, TimestampFormat, Zone};

/// The form to write.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    /// OpenSLO v1 documents.
    OpenSlo,
    /// `slo`'s own spec format.
    Native,
}

/// Writes every SLO of `set` in `form`. Log paths are written relative to `base`, the folder the
/// output will be read from. Fails, listing each, when some SLO cannot be written in that form.
///
/// # Errors
///
/// Every SLO that cannot be written in `form`, one message each.
pub fn convert(set: &SpecSet, form: Form, base: &Path) -> Result<String, Vec<String>> {
    let mut problems: Vec<String> = set
        .uncomputable
        .iter()
        .map(|u| {
            format!(
                "{}: SLO {} cannot be converted: {}",
                u.defined_at, u.name, u.reason
            )
        })
        .collect();
    let base = absolute(base);
    let header = format!(
        "# Written by `slo convert --to {}` from {}.\n",
        match form {
            Form::OpenSlo => "openslo",
            Form::Native => "native",
        },
        set.files
            .iter()
            .map(|f| f.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    );
    let body = match form {
        Form::Native => Ok(to_native(set, &base)),
        Form::OpenSlo => super::openslo::write::to_openslo(set, &base),
    };
    match body {
        Ok(body) if problems.is_empty() => Ok(format!("{header}{body}")),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more);
            Err(problems)
        }
    }
}

/// Native specs: one document per run of SLOs that read the same logs the same way, so that
/// the order of the SLOs (and of a report's rows) is kept.
fn to_native(set: &SpecSet, base: &Path) -> String {
    let mut documents: Vec<(&Source, Vec<&Slo>)> = Vec::new();
    for slo in &set.slos {
        match documents.last_mut() {
            Some((source, slos)) if **source == *slo.source => slos.push(slo),
            _ => documents.push((&slo.source, vec![slo])),
        }
    }
    let mut out = String::new();
    for (i, (source, slos)) in documents.iter().enumerate() {
        if i > 0 {
            out.push_str("---\n");
        }
        let mut entries = vec![("version".to_string(), Yaml::raw("1"))];
        if let Some(source) = source_yaml(source, base) {
            entries.push(("source".to_string(), source));
        }
        entries.push((
            "slos".to_string(),
            Yaml::Seq(slos.iter().map(|slo| native_slo(slo)).collect()),
        ));
        out.push_str(&Yaml::Map(entries).to_document());
    }
    if documents.is_empty() {
        out.push_str("version: 1\nslos: []\n");
    }
    out
}

fn native_slo(slo: &Slo) -> Yaml {
    let mut entries = vec![("name", Yaml::str(&slo.name))];
    if let Some(description) = &slo.description {
        entries.push(("description", Yaml::str(description)));
    }
    if let Some(service) = &slo.service {
        entries.push(("service", Yaml::str(service)));
    }
    entries.push(("objective", Yaml::raw(slo.objective.as_written())));
    if let Some(sla) = &slo.sla {
        entries.push(("sla", Yaml::raw(sla.as_written())));
    }
    entries.push((
        "windows",
        Yaml::Seq(slo.windows.iter().map(native_window).collect()),
    ));
    if let Some(filter) = &slo.filter {
        entries.push(("filter", Yaml::str(&filter.text)));
    }
    match &slo.judgement {
        Judgement::Good(c) => entries.push(("good", Yaml::str(&c.text))),
        Judgement::Bad(c) => entries.push(("bad", Yaml::str(&c.text))),
    }
    if !slo.group_by.is_empty() {
        entries.push((
            "group_by",
            Yaml::Seq(
                slo.group_by
                    .iter()
                    .map(|f| Yaml::str(f.to_string()))
                    .collect(),
            ),
        ));
    }
    if let Some(slice) = slo.budgeting.timeslice() {
        entries.push(("budgeting", Yaml::str(slo.budgeting.as_str())));
        let mut timeslice = vec![("length", Yaml::str(slice.length.as_written()))];
        if let Some(objective) = &slice.objective {
            timeslice.push(("objective", Yaml::raw(objective.as_written())));
        }
        entries.push(("timeslice", Yaml::map(timeslice)));
    }
    if slo.min_events > 0 {
        entries.push(("min_events", Yaml::raw(slo.min_events.to_string())));
    }
    if let Some(policy) = &slo.policy {
        entries.push(("policy", policy_yaml(policy)));
    }
    if !slo.exclude.is_empty() {
        entries.push(("exclude", exclude_yaml(&slo.exclude)));
    }
    if let Some(latency) = &slo.latency {
        entries.push(("latency", latency_yaml(latency)));
    }
    if slo.alerts != default_alerts() {
        entries.push((
            "alerts",
            Yaml::Seq(
                slo.alerts
                    .iter()
                    .map(|rule| {
                        Yaml::map([
                            ("severity", Yaml::str(rule.severity.as_str())),
                            match &rule.threshold {
                                AlertThreshold::Budget(budget) => {
                                    ("budget", Yaml::str(format!("{}%", budget.as_written())))
                                }
                                AlertThreshold::BurnRate(rate) => {
                                    ("burn_rate", Yaml::raw(rate.as_written()))
                                }
                            },
                            ("long", Yaml::str(rule.long.as_written())),
                            ("short", Yaml::str(rule.short.as_written())),
                        ])
                    })
                    .collect(),
            ),
        ));
    }
    Yaml::map(entries)
}

/// Exclusions as a native spec writes them: `{from, to, reason}`, instants in UTC.
pub(crate) fn exclude_yaml(exclude: &[Exclusion]) -> Yaml {
    Yaml::Seq(
        exclude
            .iter()
            .map(|exclusion| {
                let mut entries = vec![
                    ("from", Yaml::str(format_rfc3339(exclusion.from))),
                    ("to", Yaml::str(format_rfc3339(exclusion.to))),
                ];
                if let Some(reason) = &exclusion.reason {
                    entries.push(("reason", Yaml::str(reason)));
                }
                Yaml::map(entries)
            })
            .collect(),
    )
}

/// A latency field as a native spec writes it: the field, with its unit when one is written.
pub(crate) fn latency_yaml(latency: &Latency) -> Yaml {
    let field = Yaml::str(latency.field.to_string());
    match latency.unit {
        Some(unit) => Yaml::map([("field", field), ("unit", Yaml::str(unit.symbol()))]),
        None => field,
    }
}

/// An error-budget policy as a native spec writes it.
pub(crate) fn policy_yaml(policy: &BudgetPolicy) -> Yaml {
    let mut entries: Vec<(String, Yaml)> = policy
        .states
        .iter()
        .map(|(state, text)| (state.key().to_string(), Yaml::str(text)))
        .collect();
    if !policy.remaining_above.is_empty() {
        let bands = policy
            .remaining_above
            .iter()
            .map(|(_, written, text)| (written.clone(), Yaml::str(text)));
        entries.push(("remaining_above".to_string(), Yaml::map(bands)));
    }
    Yaml::Map(entries)
}

/// A window as a native spec writes it: `30d`, or `{calendar: month, timezone: …}`.
pub(crate) fn native_window(window: &Window) -> Yaml {
    match window {
        Window::Rolling(duration) => Yaml::str(duration.as_written()),
        // Only `--between` makes one, and `convert` has no such flag.
        Window::Between { .. } => Yaml::str(window.label()),
        Window::Calendar { unit, zone } => {
            let mut entries = vec![("calendar", Yaml::str(unit.as_str()))];
            if *zone != Zone::Utc {
                entries.push(("timezone", Yaml::str(zone.name())));
            }
            Yaml::map(entries)
        }
    }
}

/// A native `source:` (or an OpenSLO `slo.logs` DataSource's `connectionDetails`); `None` when
/// everything is at its default.
pub(crate) fn source_yaml(source: &Source, base: &Path) -> Option<Yaml> {
    let mut entries = Vec::new();
    if !source.paths.is_empty() {
        entries.push((
            "paths",
            Yaml::Seq(
                source
                    .paths
                    .iter()
                    .map(|p| Yaml::str(relative_to(p, base).display().to_string()))
                    .collect(),
            ),
        ));
    }
    if source.format != InputFormat::Auto {
        entries.push(("format", Yaml::str(format_name(&source.format))));
        if let InputFormat::Text(text) = &source.format {
            if let Some(log_format) = text.log_format() {
                entries.push(("log_format", Yaml::str(log_format)));
            }
        }
    }
    let default = TimestampSpec::default();
    let mut timestamp = Vec::new();
    if source.timestamp.field != default.field {
        timestamp.push(("field", Yaml::str(source.timestamp.field.to_string())));
    }
    if source.timestamp.format != TimestampFormat::Auto {
        timestamp.push(("format", Yaml::str(source.timestamp.format.to_string())));
    }
    if source.timestamp.zone != Zone::Utc {
        timestamp.push(("timezone", Yaml::str(source.timestamp.zone.name())));
    }
    if !timestamp.is_empty() {
        entries.push(("timestamp", Yaml::map(timestamp)));
    }
    if !source.units.is_empty() {
        let units = source
            .units
            .iter()
            .map(|(field, unit)| (field.to_string(), Yaml::str(unit.symbol())));
        entries.push(("units", Yaml::map(units)));
    }
    (!entries.is_empty()).then(|| Yaml::map(entries))
}

fn format_name(format: &InputFormat) -> &'static str {
    match format {
        InputFormat::Auto => "auto",
        InputFormat::Csv => "csv",
        InputFormat::Tsv => "tsv",
        InputFormat::Jsonl => "jsonl",
        InputFormat::Json => "json",
        InputFormat::Text(text) => text.kind().name(),
    }
}

/// `path` as an absolute path, without touching the file system.
fn absolute(path: &Path) -> PathBuf {
    if path.is_absolute() {
        super::reader::lexically_normal(path)
    } else {
        let current = std::env::current_dir().unwrap_or_default();
        super::reader::lexically_normal(&current.join(path))
    }
}

/// `path` written relative to the folder `base` (absolute): what a spec in `base` must say to
/// mean the same file. Absolute paths and URLs stay as they are.
pub(crate) fn relative_to(path: &Path, base: &Path) -> PathBuf {
    // A URL (`s3://…`) is written as it was read.
    if path.is_absolute() || path.to_string_lossy().contains("://") {
        return path.to_path_buf();
    }
    let target = absolute(path);
    let target: Vec<Component> = target.components().collect();
    let from: Vec<Component> = base.components().collect();
    let common = target.iter().zip(&from).take_while(|(a, b)| a == b).count();
    let mut relative = PathBuf::new();
    for _ in common..from.len() {
        relative.push("..");
    }
    for component in &target[common..] {
        relative.push(component);
    }
    if relative.as_os_str().is_empty() {
        relative.push(".");
    }
    relative
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_relative_to_the_output_folder() {
        let cwd = std::env::current_dir().unwrap();
        assert_eq!(
            relative_to(Path::new("examples/logs/a.csv"), &cwd.join("specs")),
            PathBuf::from("../examples/logs/a.csv")
        );
        assert_eq!(
            relative_to(Path::new("examples/logs/a.csv"), &cwd),
            PathBuf::from("examples/logs/a.csv")
        );
        assert_eq!(
            relative_to(Path::new("/var/log/a.csv"), &cwd),
            PathBuf::from("/var/log/a.csv")
        );
    }
}
