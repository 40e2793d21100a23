//! `slo sql`: the counting of `report`, as one query for the engine where the logs live.
//!
//! The query returns *counts*: per SLO, group and interval, how many events were good, bad and
//! invalid. `--input-format counts` reads them back ([`crate::aggregate`] counts each record as
//! that many events), so that every command gives on counts what it gives on the rows.
//!
//! An interval is a minute (for SLOs budgeted in time slices, the slice length) that ends at
//! `time`; the events exactly at `time` get a record of their own (`exact = 1`). Read back,
//! the events of a record stand at `time` when exact, else just before it, which puts every
//! event on the right side of every boundary that falls on a whole interval: rolling windows
//! `(A − D, A]`, calendar periods `[start, A]`, exclusions `[from, to)`, time slices
//! `[s, s + length)`. The reader refuses boundaries that do not fall on one.
//!
//! The query reads the table once: the rows are paired with each SLO (a cross join with the
//! list of SLOs), and one `GROUP BY` counts them all.

mod dialect;
mod expr;

use std::fmt::Write as _;

pub use dialect::{Dialect, FileKind};

use crate::expr::FieldPath;
use crate::input::InputFormat;
use crate::spec::{Judgement, Slo, Source};
use crate::time::timestamp::UnixUnit;
use crate::time::{TimestampFormat, Zone};

/// The interval of an SLO budgeted by occurrences: one minute.
pub const MINUTE_NS: i64 = 60_000_000_000;

/// Where the query reads the logs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Table {
    /// A table (or view) of the engine, by name as written (`logs`, `db.alb_logs`).
    Named(String),
    /// The spec's `source.paths`, read by the engine itself.
    Files,
}

/// What `slo sql` was asked for.
#[derive(Debug, Clone)]
pub struct QueryOptions {
    /// The engine.
    pub dialect: Dialect,
    /// Where the rows are.
    pub table: Table,
    /// `--column FIELD=SQL`: the SQL that reads a field, where it is not the column of the
    /// same name.
    pub columns: Vec<(FieldPath, String)>,
}

/// The length of the intervals an SLO is counted in, in nanoseconds: a minute, or the slice
/// length of an SLO budgeted in time slices.
pub fn interval_nanos(slo: &Slo) -> i64 {
    slo.budgeting
        .timeslice()
        .map_or(MINUTE_NS, |slice| slice.length.nanos())
}

/// A short fingerprint of what decides an SLO's counts (filter, good or bad, group_by,
/// timestamp, interval): the query writes it beside each count, and the reader refuses counts
/// made from another definition. FNV-1a, so that it never changes between versions.
pub fn definition_id(slo: &Slo) -> String {
    let judgement = match &slo.judgement {
        Judgement::Good(c) => format!("good:{}", c.text),
        Judgement::Bad(c) => format!("bad:{}", c.text),
    };
    let groups: Vec<String> = slo.group_by.iter().map(ToString::to_string).collect();
    let timestamp = &slo.source.timestamp;
    let text = format!(
        "{}\n{}\n{}\n{}\n{}\n{}\n{}\n{}",
        slo.name,
        slo.filter.as_ref().map_or("", |c| c.text.as_str()),
        judgement,
        groups.join(","),
        timestamp.field,
        // As written in specs (`unix_ms`, a pattern): text that does not change between versions.
        timestamp.format,
        timestamp.zone.name(),
        interval_nanos(slo)
    );
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("{:08x}", hash >> 32)
}

/// The name of the counts column that holds the values of `group_by` field `path`:
/// `group_` and the path with every character but letters, digits and `_` as `_`
/// (`http.status` → `group_http_status`), a name every engine accepts unquoted.
pub fn group_column(path: &FieldPath) -> String {
    let mut name = String::from("group_");
    for c in path.to_string().chars() {
        name.push(if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        });
    }
    name
}

/// The query that counts `slos` (which share one `source`).
///
/// # Errors
///
/// Every reason the SLOs cannot be written as SQL for this dialect, one per line: a
/// timestamp format the dialect cannot read, an expression with no SQL form, SLOs that read
/// their logs in different ways.
pub fn counts_query(slos: &[&Slo], options: &QueryOptions) -> Result<String, Vec<String>> {
    let d = options.dialect;
    let mut problems = Vec::new();
    let Some(first) = slos.first() else {
        return Err(vec!["no SLO to count".into()]);
    };
    let source: &Source = &first.source;
    // One query reads one table, whose times are written one way; the spec's files matter only
    // when the query reads them.
    let files = options.table == Table::Files;
    for slo in &slos[1..] {
        if slo.source.timestamp != source.timestamp || files && slo.source.paths != source.paths {
            problems.push(format!(
                "SLO {} reads its logs differently from SLO {} (source.paths or source.timestamp): \
                 one query reads one table; pick the SLOs of one source with --slo",
                slo.name, first.name
            ));
        }
    }
    // DuckDB types a JSON field whose values mix numbers and text as JSON, which `CAST(… AS
    // VARCHAR)` writes with its quotes (`"-"`): such logs' fields are read as JSON and their
    // text taken out of it, as slo reads them.
    let kind = files.then(|| file_kind(source));
    let json_fields = d == Dialect::DuckDb && matches!(kind, Some(Ok(FileKind::Jsonl)));
    let column = |path: &FieldPath| -> String {
        options
            .columns
            .iter()
            .find(|(field, _)| field == path)
            .map_or_else(
                || {
                    if json_fields {
                        d.json_text(&path.0)
                    } else {
                        d.path(&path.0)
                    }
                },
                |(_, sql)| sql.clone(),
            )
    };
    let from = match &options.table {
        Table::Named(name) => name.clone(),
        Table::Files => match files_table(d, source, kind, &read_fields(slos)) {
            Ok(sql) => sql,
            Err(problem) => {
                problems.push(problem);
                String::new()
            }
        },
    };
    let time = match timestamp_nanos(d, source, &column(&source.timestamp.field)) {
        Ok(sql) => sql,
        Err(problem) => {
            problems.push(problem);
            String::new()
        }
    };
    // Every group_by field of every SLO, once, in order of first use.
    let mut group_fields: Vec<&FieldPath> = Vec::new();
    for slo in slos {
        for path in &slo.group_by {
            if !group_fields.contains(&path) {
                group_fields.push(path);
            }
        }
    }
    for (i, a) in group_fields.iter().enumerate() {
        for b in &group_fields[i + 1..] {
            if group_column(a) == group_column(b) {
                problems.push(format!(
                    "group_by fields `{a}` and `{b}` would share the column {}; rename one",
                    group_column(a)
                ));
            }
        }
    }
    let mut selected = Vec::new();
    let mut good = Vec::new();
    for slo in slos {
        let units = |path: &FieldPath| slo.source.field_unit(&slo.source.format, path);
        let writer = expr::Writer {
            dialect: d,
            column: &column,
            unit: &units,
        };
        let filter = match &slo.filter {
            Some(condition) => writer
                .condition(&condition.expr)
                .map_err(|e| format!("SLO {}: in `filter` ({}): {e}", slo.name, condition.text)),
            None => Ok("TRUE".to_string()),
        };
        let judged = match &slo.judgement {
            Judgement::Good(c) => writer
                .condition(&c.expr)
                .map_err(|e| format!("SLO {}: in `good` ({}): {e}", slo.name, c.text)),
            Judgement::Bad(c) => writer
                .condition(&c.expr)
                .map(|sql| format!("NOT ({sql})"))
                .map_err(|e| format!("SLO {}: in `bad` ({}): {e}", slo.name, c.text)),
        };
        match (filter, judged) {
            (Ok(f), Ok(g)) => {
                selected.push(f);
                good.push(g);
            }
            (f, g) => problems.extend(f.err().into_iter().chain(g.err())),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }

    Ok(write_query(
        d,
        slos,
        &QueryParts {
            from,
            time,
            selected,
            good,
            group_fields: &group_fields,
            column: &column,
            files: options.table == Table::Files,
        },
    ))
}

/// What [`write_query`] assembles: the SQL of each piece, checked.
struct QueryParts<'a> {
    from: String,
    time: String,
    /// Per SLO: whether a row is its event (`NULL`: invalid).
    selected: Vec<String>,
    /// Per SLO: whether an event is good (`NULL`: invalid).
    good: Vec<String>,
    group_fields: &'a [&'a FieldPath],
    column: &'a dyn Fn(&FieldPath) -> String,
    files: bool,
}

/// The query. Each row is read once and judged for every SLO in columns (`s1_selected`,
/// `s1_good`, …); SLOs that count in the same intervals with the same `group_by` fields form a
/// *set*, and the rows are counted once per set (most specs have one, so the rows are counted
/// once). The counts, wide and small, are then turned into one record per SLO.
fn write_query(d: Dialect, slos: &[&Slo], parts: &QueryParts<'_>) -> String {
    // The sets: interval and group_by columns; each SLO's set, by index.
    let mut sets: Vec<(i64, Vec<String>)> = Vec::new();
    let mut set_of = Vec::with_capacity(slos.len());
    for slo in slos {
        let mut columns: Vec<String> = slo.group_by.iter().map(group_column).collect();
        columns.sort();
        columns.dedup();
        let key = (interval_nanos(slo), columns);
        let index = sets.iter().position(|s| *s == key).unwrap_or_else(|| {
            sets.push(key);
            sets.len() - 1
        });
        set_of.push(index + 1);
    }
    let mut q = String::new();
    let names: Vec<&str> = slos.iter().map(|s| s.name.as_str()).collect();
    let _ = writeln!(
        q,
        "-- Counts of {} SLO{} per interval, written by `slo sql --dialect {}`: {}.",
        slos.len(),
        if slos.len() == 1 { "" } else { "s" },
        d.name(),
        names.join(", ")
    );
    q.push_str(
        "-- Save the result as CSV or JSON Lines and read it with\n\
         -- `slo report --input-format counts FILE`: every command then gives what it gives on\n\
         -- the logs. Columns: slo, definition, time (the interval's end, UTC), exact (1: the\n\
         -- events were at `time` itself; 0: before it, within the interval), group_*, total,\n\
         -- good, bad, invalid. See docs/sql.md.\n",
    );
    if let Some(note) = d.session_note() {
        let _ = writeln!(q, "-- Note: {note}.");
    }
    // Each row, judged for every SLO; once per set when there are several.
    q.push_str("WITH\nslo_rows AS (\n  SELECT\n");
    let _ = writeln!(q, "    {} AS time_ns,", d.in_utc_session(&parts.time));
    let by_set = |values: &dyn Fn(usize) -> Option<String>| -> String {
        if sets.len() == 1 {
            return values(1).unwrap_or_else(|| "NULL".into());
        }
        let mut case = String::from("CASE sets.set_id");
        for set in 1..=sets.len() {
            if let Some(value) = values(set) {
                let _ = write!(case, " WHEN {set} THEN {value}");
            }
        }
        case.push_str(" END");
        case
    };
    if sets.len() == 1 {
        q.push_str("    1 AS set_id,\n");
    } else {
        q.push_str("    sets.set_id,\n");
    }
    let _ = writeln!(
        q,
        "    {} AS interval_ns,",
        by_set(&|set| Some(sets[set - 1].0.to_string()))
    );
    for path in parts.group_fields {
        let name = group_column(path);
        let value = d.text(&(parts.column)(path));
        let _ = writeln!(
            q,
            "    {} AS {name},",
            by_set(&|set| sets[set - 1].1.contains(&name).then(|| value.clone()))
        );
    }
    for (i, (selected, good)) in parts.selected.iter().zip(&parts.good).enumerate() {
        let n = i + 1;
        let _ = writeln!(q, "    -- {}", slos[i].name.replace('\n', " "));
        let _ = writeln!(q, "    ({selected}) AS s{n}_selected,");
        let _ = writeln!(q, "    ({good}) AS s{n}_good,");
    }
    q.truncate(q.trim_end_matches([',', '\n']).len());
    let _ = write!(q, "\n  FROM {} AS log_rows\n", parts.from);
    if sets.len() > 1 {
        let ids: Vec<String> = (1..=sets.len()).map(|s| s.to_string()).collect();
        let _ = writeln!(
            q,
            "  CROSS JOIN (SELECT {} AS set_id) AS sets",
            ids.join(" AS set_id UNION ALL SELECT ")
        );
    }
    q.push_str("),\n");
    // The interval each row falls in: the events exactly at its end apart.
    let rest = d.modulo("time_ns", "interval_ns");
    let _ = write!(
        q,
        "slo_intervals AS (\n  SELECT\n    *,\n    \
         CASE WHEN {rest} = 0 THEN time_ns ELSE time_ns - {rest} + interval_ns END AS end_ns,\n    \
         CASE WHEN {rest} = 0 THEN 1 ELSE 0 END AS exact\n  \
         FROM slo_rows\n),\n"
    );
    // Per set, interval and group: each SLO's counts, in columns. A row the filter rules out
    // counts nowhere; one it cannot judge is invalid.
    q.push_str("slo_counts AS (\n  SELECT\n    set_id,\n    end_ns,\n    exact,\n");
    for path in parts.group_fields {
        let _ = writeln!(q, "    {},", group_column(path));
    }
    for n in 1..=slos.len() {
        let _ = write!(
            q,
            "    SUM(CASE WHEN s{n}_selected AND s{n}_good IS NOT NULL THEN 1 ELSE 0 END) AS s{n}_total,\n    \
             SUM(CASE WHEN s{n}_selected AND s{n}_good THEN 1 ELSE 0 END) AS s{n}_good_events,\n    \
             SUM(CASE WHEN s{n}_selected AND NOT s{n}_good THEN 1 ELSE 0 END) AS s{n}_bad_events,\n    \
             SUM(CASE WHEN (s{n}_selected AND s{n}_good IS NULL) OR s{n}_selected IS NULL THEN 1 ELSE 0 END) AS s{n}_invalid,\n"
        );
    }
    q.truncate(q.trim_end_matches([',', '\n']).len());
    q.push_str("\n  FROM slo_intervals\n  GROUP BY set_id, end_ns, exact");
    for path in parts.group_fields {
        let _ = write!(q, ", {}", group_column(path));
    }
    q.push_str("\n),\n");
    // One record per SLO: its own columns, where it has events.
    q.push_str("slo_records AS (\n  SELECT\n    slos.slo,\n    slos.definition,\n    end_ns,\n    exact,\n");
    for path in parts.group_fields {
        let _ = writeln!(q, "    {},", group_column(path));
    }
    let pick = |column: &str| -> String {
        let mut case = String::from("CASE slos.slo");
        for (i, slo) in slos.iter().enumerate() {
            let _ = write!(
                case,
                " WHEN {} THEN s{}_{column}",
                d.string(&slo.name),
                i + 1
            );
        }
        case.push_str(" END");
        case
    };
    let _ = writeln!(q, "    {} AS total,", pick("total"));
    let _ = writeln!(q, "    {} AS good,", pick("good_events"));
    let _ = writeln!(q, "    {} AS bad,", pick("bad_events"));
    let _ = writeln!(q, "    {} AS invalid", pick("invalid"));
    q.push_str("  FROM slo_counts\n  CROSS JOIN (\n");
    for (i, slo) in slos.iter().enumerate() {
        let (name, id, set) = (
            d.string(&slo.name),
            d.string(&definition_id(slo)),
            set_of[i],
        );
        if i == 0 {
            let _ = writeln!(
                q,
                "    SELECT {name} AS slo, {id} AS definition, {set} AS set_id"
            );
        } else {
            let _ = writeln!(q, "    UNION ALL SELECT {name}, {id}, {set}");
        }
    }
    q.push_str("  ) AS slos\n  WHERE slo_counts.set_id = slos.set_id\n)\n");
    let seconds = d.divide_integers("end_ns", "1000000000");
    let mut columns = vec![
        d.output("slo", "slo"),
        d.output("definition", "definition"),
        d.output(&d.format_seconds(&seconds), "time"),
        d.output("exact", "exact"),
    ];
    columns.extend(parts.group_fields.iter().map(|path| {
        let name = group_column(path);
        d.output(&name, &name)
    }));
    columns.extend(["total", "good", "bad", "invalid"].map(|name| d.output(name, name)));
    let _ = write!(
        q,
        "SELECT\n  {}\nFROM slo_records\nWHERE total + invalid > 0\n",
        columns.join(",\n  ")
    );
    if let (true, Some(settings)) = (parts.files, d.file_settings()) {
        let _ = writeln!(q, "{settings}");
    }
    q
}

/// The top-level fields the SLOs read (their time, filters, judgements and groups), once
/// each: the columns a reader that must be told its columns reads.
fn read_fields(slos: &[&Slo]) -> Vec<String> {
    let mut fields: Vec<String> = Vec::new();
    let mut add = |path: &FieldPath| {
        if let Some(top) = path.0.first() {
            if !fields.contains(top) {
                fields.push(top.clone());
            }
        }
    };
    for slo in slos {
        add(&slo.source.timestamp.field);
        if let Some(filter) = &slo.filter {
            filter.expr.fields().into_iter().for_each(&mut add);
        }
        let (Judgement::Good(judged) | Judgement::Bad(judged)) = &slo.judgement;
        judged.expr.fields().into_iter().for_each(&mut add);
        slo.group_by.iter().for_each(&mut add);
    }
    fields
}

/// How the spec's log files are written, for an engine to read them.
fn file_kind(source: &Source) -> Result<FileKind, String> {
    Ok(match &source.format {
        InputFormat::Csv => FileKind::Csv,
        InputFormat::Tsv => FileKind::Tsv,
        InputFormat::Jsonl => FileKind::Jsonl,
        InputFormat::Auto => match source.paths.first().and_then(|p| p.extension()) {
            Some(ext) if ext == "csv" => FileKind::Csv,
            Some(ext) if ext == "tsv" => FileKind::Tsv,
            Some(ext) if ext == "jsonl" || ext == "ndjson" => FileKind::Jsonl,
            _ => {
                return Err(
                    "the spec's logs are not CSV, TSV or JSON Lines by their extension: \
                     set source.format, or load them into a table and give --table"
                        .into(),
                )
            }
        },
        other => {
            return Err(format!(
                "{} logs are read from a table (see docs/sql.md for the table definitions): give --table",
                other
            ))
        }
    })
}

/// The SQL that reads the spec's log files of `kind` (their `fields`, where the reader must
/// be told them), where the dialect can.
fn files_table(
    d: Dialect,
    source: &Source,
    kind: Option<Result<FileKind, String>>,
    fields: &[String],
) -> Result<String, String> {
    let kind = kind.unwrap_or_else(|| file_kind(source))?;
    // The logs `report` would read (folders and patterns expanded as it expands them, each
    // file once) where they are on this machine, so that the counts agree; as written where
    // they are not (the engine's own machine or storage, whose rules then apply).
    let paths: Vec<String> = match crate::input::expand_inputs(&source.paths) {
        Ok(logs) => crate::input::without_repeats(logs)
            .0
            .iter()
            .map(crate::input::LogInput::name)
            .collect(),
        Err(_) => source
            .paths
            .iter()
            .map(|path| path.display().to_string())
            .collect(),
    };
    if paths.is_empty() {
        return Err("the spec names no source.paths: give --table".into());
    }
    d.read_files(&paths, kind, fields).ok_or_else(|| {
        if paths.len() > 1 {
            format!("{d} reads one log file in a query here, and the spec names {}: load them into a table and give --table", paths.len())
        } else {
            format!("{d} does not read log files in a query here: load them into a table and give --table")
        }
    })
}

/// The SQL of a row's time in nanoseconds since the epoch, `NULL` when it does not parse.
fn timestamp_nanos(d: Dialect, source: &Source, value: &str) -> Result<String, String> {
    let timestamp = &source.timestamp;
    let offset_written =
        matches!(&timestamp.format, TimestampFormat::Strftime(p) if p.contains("%z"));
    if !matches!(timestamp.zone, Zone::Utc) && !offset_written {
        return Err(format!(
            "source.timestamp.timezone {} is not written in SQL yet: give timestamps with an \
             offset (or in UTC), or convert them in the table",
            timestamp.zone.name()
        ));
    }
    let epoch = |unit_ns: i64| d.integer(&format!("{} * {unit_ns}", d.decimal(value)));
    match &timestamp.format {
        TimestampFormat::Auto | TimestampFormat::Rfc3339 => Ok(d.rfc3339_nanos(value)),
        TimestampFormat::Unix(unit) => Ok(epoch(match unit {
            UnixUnit::Seconds => 1_000_000_000,
            UnixUnit::Millis => 1_000_000,
            UnixUnit::Micros => 1_000,
            UnixUnit::Nanos => 1,
        })),
        TimestampFormat::Strftime(pattern) => d.pattern_nanos(value, pattern),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_columns_are_plain_names() {
        let path = |s: &str| FieldPath(s.split('.').map(String::from).collect());
        assert_eq!(group_column(&path("route")), "group_route");
        assert_eq!(group_column(&path("http.status")), "group_http_status");
        assert_eq!(
            group_column(&FieldPath(vec!["sc-status".into()])),
            "group_sc_status"
        );
    }

    /// The fingerprint travels with counts saved by earlier versions: it must never change
    /// for the same definition.
    #[test]
    fn the_definition_fingerprint_is_stable() {
        let set = crate::spec::load_str(
            std::path::Path::new("spec.yaml"),
            "version: 1\nslos:\n  - name: a\n    objective: 99\n    windows: [7d]\n    \
             filter: service == \"x\"\n    good: status < 500\n    group_by: [route]\n",
        )
        .unwrap();
        assert_eq!(definition_id(&set.slos[0]), "3f62b7a8");
    }
}
