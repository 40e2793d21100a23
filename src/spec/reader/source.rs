//! Where and how to read the logs: a native spec's `source`, which is also the
//! `connectionDetails` of an OpenSLO `slo.logs` DataSource.

use std::path::{Path, PathBuf};

use super::{field_path, Checker};
use crate::input::InputFormat;
use crate::spec::yaml::{Node, Value};
use crate::spec::{Source, TimestampSpec};
use crate::time::{TimestampFormat, Zone};

const SOURCE_KEYS: &[&str] = &["paths", "format", "timestamp"];
const TIMESTAMP_KEYS: &[&str] = &["field", "format", "timezone"];

impl Checker<'_> {
    /// A `source` block; what is wrong in it is reported and left at its default.
    pub(in crate::spec) fn source(&mut self, node: &Node) -> Source {
        let mut source = Source::default();
        let Some(entries) = self.mapping(node, "`source`", SOURCE_KEYS) else {
            return source;
        };
        let base = self.file.parent().unwrap_or(Path::new(""));
        for (key, value) in entries {
            match key {
                "paths" => {
                    let items: Vec<&Node> = match &value.value {
                        Value::Sequence(items) => items.iter().collect(),
                        _ => vec![value],
                    };
                    for item in items {
                        if let Some(path) = self.string(item, "a log path") {
                            source.paths.push(lexically_normal(&base.join(path)));
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
                "timestamp" => source.timestamp = self.timestamp(value),
                _ => {}
            }
        }
        source
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
