//! Where and how to read the logs: a native spec's `source`, which is also the
//! `connectionDetails` of an OpenSLO `slo.logs` DataSource.

use std::path::{Path, PathBuf};

use super::{field_path, Checker};
use crate::expr::{FieldPath, TimeUnit};
use crate::input::{InputFormat, TextFormat, TextKind};
use crate::spec::yaml::{Node, Value};
use crate::spec::{Source, TimestampSpec};
use crate::time::{TimestampFormat, Zone};

const SOURCE_KEYS: &[&str] = &["paths", "format", "log_format", "timestamp", "units"];
const TIMESTAMP_KEYS: &[&str] = &["field", "format", "timezone"];

impl Checker<'_> {
    /// A `source` block; what is wrong in it is reported and left at its default.
    pub(in crate::spec) fn source(&mut self, node: &Node) -> Source {
        let mut source = Source::default();
        let Some(entries) = self.mapping(node, "`source`", SOURCE_KEYS) else {
            return source;
        };
        let base = self.file.parent().unwrap_or(Path::new(""));
        let mut log_format = None;
        for (key, value) in entries {
            match key {
                "paths" => {
                    let items: Vec<&Node> = match &value.value {
                        Value::Sequence(items) => items.iter().collect(),
                        _ => vec![value],
                    };
                    for item in items {
                        if let Some(path) = self.string(item, "a log path") {
                            // A URL (`s3://bucket/logs/`), which only `slo sql`'s engines
                            // read, is kept as written: it is no path relative to the spec,
                            // and normalising it would join its `//`.
                            source.paths.push(if path.contains("://") {
                                PathBuf::from(path)
                            } else {
                                lexically_normal(&base.join(path))
                            });
                        }
                    }
                }
                "format" => {
                    if let Some(text) = self.string(value, "`format`") {
                        match InputFormat::parse(&text) {
                            Ok(format) => source.format = format,
                            Err(message) => self.error(value.position, message),
                        }
                    }
                }
                "log_format" => {
                    if let Some(text) = self.string(value, "`log_format`") {
                        log_format = Some((text, value.position));
                    }
                }
                "timestamp" => source.timestamp = self.timestamp(value),
                "units" => source.units = self.units(value),
                _ => {}
            }
        }
        if let Some((text, position)) = log_format {
            match with_log_format(&source.format, &text) {
                Ok(format) => source.format = format,
                Err(message) => self.error(position, message),
            }
        }
        source
    }

    /// `source.units`: field names, each with the unit of its bare numbers.
    fn units(&mut self, node: &Node) -> Vec<(FieldPath, TimeUnit)> {
        let mut units = Vec::new();
        let Value::Mapping(entries) = &node.value else {
            self.error(
                node.position,
                format!(
                    "`units` must map field names to units, such as {{latency_ms: ms, request_time: s}}, not {}",
                    node.kind()
                ),
            );
            return units;
        };
        for (key, value) in entries {
            let Some(name) = key.as_scalar() else {
                self.error(key.position, "keys of `units` must be field names");
                continue;
            };
            let path = match field_path(name) {
                Ok(path) => path,
                Err(message) => {
                    self.error(key.position, message);
                    continue;
                }
            };
            if units.iter().any(|(p, _)| *p == path) {
                self.error(
                    key.position,
                    format!("field `{name}` appears twice in `units`"),
                );
                continue;
            }
            let Some(text) = self.string(value, &format!("the unit of `{name}`")) else {
                continue;
            };
            match TimeUnit::parse(&text) {
                Some(unit) => units.push((path, unit)),
                None => self.error(
                    value.position,
                    format!(
                        "unknown unit '{text}' for `{name}`: use ns, us (or µs), ms, s, m (minutes) or h"
                    ),
                ),
            }
        }
        units
    }

    /// The `timestamp` of a `source` block.
    fn timestamp(&mut self, node: &Node) -> TimestampSpec {
        let mut spec = TimestampSpec::default();
        let Some(entries) = self.mapping(node, "`timestamp`", TIMESTAMP_KEYS) else {
            return spec;
        };
        for (key, value) in entries {
            let Some(text) = self.string(value, &format!("`timestamp.{key}`")) else {
                continue;
            };
            match key {
                "field" => match field_path(&text) {
                    Ok(path) => spec.field = path,
                    Err(message) => self.error(value.position, message),
                },
                "format" => match TimestampFormat::parse(&text) {
                    Ok(format) => spec.format = format,
                    Err(message) => self.error(value.position, message),
                },
                "timezone" => match Zone::parse(&text) {
                    Ok(zone) => spec.zone = zone,
                    Err(message) => self.error(value.position, message),
                },
                _ => {}
            }
        }
        spec
    }
}

/// `format` laid out as `log_format` says: an nginx or Apache preset's name or format string.
/// Without a `format`, the string's variables say which server wrote it (`$request` is nginx,
/// `%r` Apache).
fn with_log_format(format: &InputFormat, log_format: &str) -> Result<InputFormat, String> {
    let kind = match format {
        InputFormat::Text(text) => text.kind(),
        InputFormat::Auto if log_format.contains('$') => TextKind::Nginx,
        InputFormat::Auto if log_format.contains('%') => TextKind::Apache,
        InputFormat::Auto => {
            return Err(format!(
                "`log_format: {log_format}` needs `format: nginx` or `format: apache` beside it"
            ))
        }
        other => {
            return Err(format!(
                "`log_format` is for nginx and apache logs, not {other}; remove it or set \
                 `format: nginx` or `format: apache`"
            ))
        }
    };
    TextFormat::with_log_format(kind, log_format).map(InputFormat::Text)
}

/// `specs/../logs/a.csv` as `logs/a.csv`, without touching the file system.
pub(in crate::spec) fn lexically_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(normal.components().next_back(), Some(Component::Normal(_))) =>
            {
                normal.pop();
            }
            other => normal.push(other),
        }
    }
    if normal.as_os_str().is_empty() {
        normal.push(".");
    }
    normal
}
