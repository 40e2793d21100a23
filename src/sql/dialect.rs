//! What differs between the SQL engines `slo sql` writes for: one small table of functions.
//!
//! Everything else in the query is the SQL they share (`CASE`, `SUM`, `GROUP BY`, `UNION ALL`,
//! three-valued `AND`/`OR`/`NOT`). Each entry here was chosen for the trap it avoids
//! (`../docs/sql.md` lists them): a cast that raises instead of giving `NULL` (Spark's ANSI
//! mode, Snowflake's `CAST`), integer division, a regex function anchored at both ends
//! (Snowflake), timestamps that lose their fraction (ClickHouse's `CAST`).

use std::fmt;

/// An SQL engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Dialect {
    /// DuckDB.
    DuckDb,
    /// ClickHouse (and chDB).
    ClickHouse,
    /// Apache Spark SQL (and Databricks).
    Spark,
    /// Apache DataFusion.
    DataFusion,
    /// Trino (and Presto).
    Trino,
    /// Amazon Athena (engine version 3, which is Trino).
    Athena,
    /// Google BigQuery (GoogleSQL).
    BigQuery,
    /// Snowflake.
    Snowflake,
}

impl Dialect {
    /// Every dialect, in the order `--help` lists them.
    pub const ALL: [Dialect; 8] = [
        Dialect::DuckDb,
        Dialect::ClickHouse,
        Dialect::Spark,
        Dialect::DataFusion,
        Dialect::Trino,
        Dialect::Athena,
        Dialect::BigQuery,
        Dialect::Snowflake,
    ];

    /// The dialect's name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Dialect::DuckDb => "duckdb",
            Dialect::ClickHouse => "clickhouse",
            Dialect::Spark => "spark",
            Dialect::DataFusion => "datafusion",
            Dialect::Trino => "trino",
            Dialect::Athena => "athena",
            Dialect::BigQuery => "bigquery",
            Dialect::Snowflake => "snowflake",
        }
    }

    /// An identifier, quoted so that any name (`sc-status`, `group`) is a column.
    pub fn identifier(self, name: &str) -> String {
        match self {
            // GoogleSQL escapes in quoted identifiers as in strings.
            Dialect::BigQuery => format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`")),
            Dialect::Spark => format!("`{}`", name.replace('`', "``")),
            // Snowflake stores names created without quotes in upper case: `"STATUS"` is the
            // column `status` of `CREATE TABLE logs (status …)`; other names keep their case.
            Dialect::Snowflake
                if name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
                    && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') =>
            {
                format!("\"{}\"", name.to_ascii_uppercase())
            }
            _ => format!("\"{}\"", name.replace('"', "\"\"")),
        }
    }

    /// A column of the result named `name`, computed by `sql`: Snowflake would return an
    /// unquoted alias in upper case, which the counts reader does not know.
    pub fn output(self, sql: &str, name: &str) -> String {
        match self {
            Dialect::Snowflake => format!("{sql} AS \"{name}\""),
            _ if sql == name => name.to_string(),
            _ => format!("{sql} AS {name}"),
        }
    }

    /// A string literal.
    pub fn string(self, text: &str) -> String {
        match self {
            // Backslashes are escapes inside these engines' string literals.
            Dialect::ClickHouse | Dialect::Spark | Dialect::Snowflake => {
                format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
            }
            // GoogleSQL's quoted strings cannot hold a line break, even escaped by a backslash.
            Dialect::BigQuery => format!(
                "'{}'",
                text.replace('\\', "\\\\")
                    .replace('\'', "\\'")
                    .replace('\n', "\\n")
                    .replace('\r', "\\r")
            ),
            _ => format!("'{}'", text.replace('\'', "''")),
        }
    }

    /// A value as text (`NULL` stays `NULL`).
    pub fn text(self, value: &str) -> String {
        match self {
            Dialect::ClickHouse => format!("toString({value})"),
            Dialect::Spark | Dialect::BigQuery => format!("CAST({value} AS STRING)"),
            _ => format!("CAST({value} AS VARCHAR)"),
        }
    }

    /// A value as a double, or `NULL` when it is not a number as slo reads one: never an error.
    /// Engines' casts also read `NaN`, `Infinity`, `1_000` or `0x1F4`, which slo does not; the
    /// text must first look like a decimal, its exponent at most two digits (`1e400` is past
    /// what slo computes exactly).
    pub fn number(self, value: &str) -> String {
        const DECIMAL: &str =
            r"^[ \t\r\n]*[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,2})?[ \t\r\n]*$";
        let text = self.text(value);
        format!(
            "CASE WHEN {} THEN {} END",
            self.matches(&text, DECIMAL),
            self.cast_number(value)
        )
    }

    fn cast_number(self, value: &str) -> String {
        match self {
            Dialect::ClickHouse => format!("toFloat64OrNull(toString({value}))"),
            Dialect::Spark => format!("try_cast({value} AS DOUBLE)"),
            Dialect::BigQuery => format!("SAFE_CAST({value} AS FLOAT64)"),
            // Snowflake's TRY_CAST reads only text.
            Dialect::Snowflake => format!("TRY_CAST(CAST({value} AS VARCHAR) AS DOUBLE)"),
            _ => format!("TRY_CAST({value} AS DOUBLE)"),
        }
    }

    /// A value as an exact decimal with 9 digits after the point (for epoch timestamps), or
    /// `NULL`.
    pub fn decimal(self, value: &str) -> String {
        match self {
            Dialect::ClickHouse => format!("toDecimal128OrNull(toString({value}), 9)"),
            Dialect::Spark => format!("try_cast({value} AS DECIMAL(38, 9))"),
            Dialect::BigQuery => format!("SAFE_CAST({value} AS BIGNUMERIC)"),
            Dialect::Snowflake => format!("TRY_CAST(CAST({value} AS VARCHAR) AS NUMBER(38, 9))"),
            _ => format!("TRY_CAST({value} AS DECIMAL(38, 9))"),
        }
    }

    /// A decimal rounded to a whole number, as a 64-bit integer.
    pub fn integer(self, value: &str) -> String {
        match self {
            Dialect::ClickHouse => format!("toInt64(round({value}))"),
            Dialect::BigQuery => format!("CAST(ROUND({value}) AS INT64)"),
            _ => format!("CAST(ROUND({value}) AS BIGINT)"),
        }
    }

    /// `a mod b` for non-negative integers.
    pub fn modulo(self, a: &str, b: &str) -> String {
        match self {
            Dialect::BigQuery | Dialect::Snowflake => format!("MOD({a}, {b})"),
            _ => format!("({a} % {b})"),
        }
    }

    /// Whether `value` (text) has a match of `pattern` (Rust regex syntax) anywhere in it.
    pub fn matches(self, value: &str, pattern: &str) -> String {
        let p = self.string(pattern);
        match self {
            Dialect::DuckDb => format!("regexp_matches({value}, {p})"),
            Dialect::ClickHouse => format!("match({value}, {p})"),
            Dialect::Spark | Dialect::DataFusion | Dialect::Trino | Dialect::Athena => {
                format!("regexp_like({value}, {p})")
            }
            Dialect::BigQuery => format!("REGEXP_CONTAINS({value}, {p})"),
            // REGEXP_LIKE is anchored at both ends there; REGEXP_INSTR finds a match anywhere.
            Dialect::Snowflake => format!("(REGEXP_INSTR({value}, {p}) > 0)"),
        }
    }

    /// Whether `value` (text) starts with `prefix`.
    pub fn starts_with(self, value: &str, prefix: &str) -> String {
        let p = self.string(prefix);
        match self {
            Dialect::ClickHouse => format!("startsWith({value}, {p})"),
            Dialect::BigQuery => format!("STARTS_WITH({value}, {p})"),
            Dialect::Snowflake => format!("STARTSWITH({value}, {p})"),
            Dialect::Spark => format!("startswith({value}, {p})"),
            _ => format!("starts_with({value}, {p})"),
        }
    }

    /// Whether `value` (text) ends with `suffix`.
    pub fn ends_with(self, value: &str, suffix: &str) -> String {
        let s = self.string(suffix);
        match self {
            Dialect::ClickHouse => format!("endsWith({value}, {s})"),
            Dialect::BigQuery => format!("ENDS_WITH({value}, {s})"),
            Dialect::Snowflake => format!("ENDSWITH({value}, {s})"),
            Dialect::Spark => format!("endswith({value}, {s})"),
            Dialect::DuckDb => format!("ends_with({value}, {s})"),
            // No ends_with: compare the tail.
            Dialect::DataFusion | Dialect::Trino | Dialect::Athena => format!(
                "(substr({value}, length({value}) - {len} + 1) = {s})",
                len = suffix.chars().count()
            ),
        }
    }

    /// Whether `value` (text) contains `needle`.
    pub fn contains(self, value: &str, needle: &str) -> String {
        let n = self.string(needle);
        match self {
            Dialect::ClickHouse => format!("(position({value}, {n}) > 0)"),
            Dialect::BigQuery => format!("(STRPOS({value}, {n}) > 0)"),
            Dialect::Snowflake => format!("CONTAINS({value}, {n})"),
            Dialect::Spark => format!("contains({value}, {n})"),
            Dialect::DuckDb => format!("contains({value}, {n})"),
            Dialect::DataFusion | Dialect::Trino | Dialect::Athena => {
                format!("(strpos({value}, {n}) > 0)")
            }
        }
    }

    /// Text `value` lower-cased and trimmed of spaces.
    pub fn trimmed_lower(self, value: &str) -> String {
        match self {
            Dialect::ClickHouse => format!("lower(trimBoth({value}))"),
            _ => format!("lower(trim({value}))"),
        }
    }

    /// The instant written as RFC 3339 text in `value` (with an offset, or in UTC without one),
    /// as nanoseconds since the Unix epoch; `NULL` when it does not parse.
    pub fn rfc3339_nanos(self, value: &str) -> String {
        match self {
            // The session's TimeZone applies to text without an offset: docs/sql.md says to
            // run with TimeZone UTC.
            Dialect::DuckDb => format!("epoch_ns(TRY_CAST({value} AS TIMESTAMPTZ))"),
            Dialect::ClickHouse => format!(
                "toUnixTimestamp64Nano(parseDateTime64BestEffortOrNull(toString({value}), 9, 'UTC'))"
            ),
            Dialect::Spark => format!("unix_micros(try_to_timestamp({value})) * 1000"),
            Dialect::DataFusion => format!(
                "CAST(TRY_CAST({value} AS TIMESTAMP) AS BIGINT)"
            ),
            Dialect::Trino | Dialect::Athena => format!(
                "date_diff('millisecond', from_unixtime(0), try(from_iso8601_timestamp({value}))) * 1000000"
            ),
            // BigQuery keeps microseconds and refuses text with more digits: cut them.
            Dialect::BigQuery => format!(
                "UNIX_MICROS(SAFE_CAST(REGEXP_REPLACE(CAST({value} AS STRING), r'(\\.[0-9]{{6}})[0-9]+', r'\\1') AS TIMESTAMP)) * 1000"
            ),
            Dialect::Snowflake => format!(
                "DATE_PART(epoch_nanosecond, TRY_TO_TIMESTAMP_TZ(CAST({value} AS VARCHAR), 'AUTO'))"
            ),
        }
    }

    /// The instant written in `value` by a strftime `pattern` (`%d/%b/%Y:%H:%M:%S %z`, nginx's
    /// `$time_local`), as nanoseconds since the Unix epoch; `NULL` when it does not parse. Time
    /// without `%z` is read in UTC (the session's zone in Spark, Trino and Snowflake: run them
    /// in UTC).
    ///
    /// # Errors
    ///
    /// A specifier outside `%Y %m %d %H %M %S %b %z %%`, or a dialect with no parse that gives
    /// `NULL` on failure (DataFusion).
    pub fn pattern_nanos(self, value: &str, pattern: &str) -> Result<String, String> {
        let items = pattern_items(pattern)?;
        let text = self.text(value);
        Ok(match self {
            Dialect::DuckDb => {
                format!("epoch_ns(try_strptime({text}, {}))", self.string(pattern))
            }
            Dialect::BigQuery => format!(
                "UNIX_MICROS(SAFE.PARSE_TIMESTAMP({}, {text})) * 1000",
                self.string(pattern)
            ),
            Dialect::ClickHouse => format!(
                "toUnixTimestamp64Nano(toDateTime64(parseDateTimeOrNull({text}, {}, 'UTC'), 9, 'UTC'))",
                self.string(&translate(&items, &MYSQL))
            ),
            Dialect::Spark => format!(
                "unix_micros(try_to_timestamp({text}, {})) * 1000",
                self.string(&translate(&items, &JAVA))
            ),
            Dialect::Trino | Dialect::Athena => format!(
                "date_diff('millisecond', from_unixtime(0), try(parse_datetime({text}, {}))) * 1000000",
                self.string(&translate(&items, &JAVA))
            ),
            Dialect::Snowflake => format!(
                "DATE_PART(epoch_nanosecond, TRY_TO_TIMESTAMP_TZ({text}, {}))",
                self.string(&translate(&items, &SNOWFLAKE))
            ),
            Dialect::DataFusion => {
                return Err(format!(
                    "{self} has no timestamp parse by pattern that gives NULL when a row does not \
                     match: convert the time to RFC 3339 in the table, or map the field with --column"
                ))
            }
        })
    }

    /// Whole seconds since the epoch as RFC 3339 text in UTC (`2026-10-01T12:01:00Z`).
    pub fn format_seconds(self, seconds: &str) -> String {
        match self {
            Dialect::DuckDb => {
                format!("strftime(make_timestamp({seconds} * 1000000), '%Y-%m-%dT%H:%M:%SZ')")
            }
            Dialect::ClickHouse => {
                format!("formatDateTime(toDateTime({seconds}, 'UTC'), '%Y-%m-%dT%H:%i:%SZ', 'UTC')")
            }
            // The session time zone must be UTC (docs/sql.md).
            Dialect::Spark => {
                format!("date_format(timestamp_seconds({seconds}), \"yyyy-MM-dd'T'HH:mm:ss'Z'\")")
            }
            Dialect::DataFusion => {
                format!("to_char(to_timestamp_seconds({seconds}), '%Y-%m-%dT%H:%M:%SZ')")
            }
            Dialect::Trino | Dialect::Athena => {
                format!("to_iso8601(from_unixtime({seconds}) AT TIME ZONE 'UTC')")
            }
            Dialect::BigQuery => {
                format!(
                    "FORMAT_TIMESTAMP('%Y-%m-%dT%H:%M:%SZ', TIMESTAMP_SECONDS({seconds}), 'UTC')"
                )
            }
            Dialect::Snowflake => {
                format!("TO_CHAR(TO_TIMESTAMP_NTZ({seconds}), 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
            }
        }
    }

    /// The integer division `a / b` of non-negative integers, truncated.
    pub fn divide_integers(self, a: &str, b: &str) -> String {
        match self {
            Dialect::DuckDb => format!("({a} // {b})"),
            Dialect::ClickHouse => format!("intDiv({a}, {b})"),
            Dialect::Spark => format!("({a} DIV {b})"),
            Dialect::BigQuery => format!("DIV({a}, {b})"),
            Dialect::Snowflake => format!("TRUNC({a} / {b})"),
            Dialect::DataFusion | Dialect::Trino | Dialect::Athena => format!("({a} / {b})"),
        }
    }

    /// How log files are read as a table, where the engine can: `None` when it cannot.
    /// `fields` are the top-level fields the query reads: DuckDB reads those of JSON Lines as
    /// JSON (see [`Dialect::json_text`]).
    pub fn read_files(self, paths: &[String], kind: FileKind, fields: &[String]) -> Option<String> {
        if let Dialect::DuckDb = self {
            let list = paths
                .iter()
                .map(|p| self.string(p))
                .collect::<Vec<_>>()
                .join(", ");
            return Some(match kind {
                // Every value as text, and empty values stay text, as slo reads them (only
                // `\N` is NULL).
                FileKind::Csv => format!(
                    "read_csv([{list}], header = true, all_varchar = true, nullstr = '\\N')"
                ),
                FileKind::Tsv => format!(
                    "read_csv([{list}], header = true, delim = '\\t', all_varchar = true, nullstr = '\\N')"
                ),
                FileKind::Jsonl => {
                    let columns = fields
                        .iter()
                        .map(|field| format!("{}: 'JSON'", self.string(field)))
                        .collect::<Vec<_>>()
                        .join(", ");
                    format!(
                        "read_json([{list}], format = 'newline_delimited', columns = {{{columns}}})"
                    )
                }
            });
        }
        let [path] = paths else { return None };
        let p = self.string(path);
        match (self, kind) {
            (Dialect::ClickHouse, FileKind::Csv) => Some(format!("file({p}, 'CSVWithNames')")),
            (Dialect::ClickHouse, FileKind::Tsv) => Some(format!("file({p}, 'TSVWithNames')")),
            (Dialect::ClickHouse, FileKind::Jsonl) => Some(format!("file({p}, 'JSONEachRow')")),
            // Spark SQL reads a file in place without options: JSON Lines, not CSV with a header.
            (Dialect::Spark, FileKind::Jsonl) => Some(format!("json.{}", self.identifier(path))),
            _ => None,
        }
    }

    /// The settings a query that reads files ends with, where the engine takes them there:
    /// ClickHouse infers every column as text and keeps empty values as text, as slo reads them.
    pub fn file_settings(self) -> Option<&'static str> {
        match self {
            Dialect::ClickHouse => Some(
                "SETTINGS input_format_csv_use_best_effort_in_schema_inference = 0, \
                 input_format_tsv_use_best_effort_in_schema_inference = 0, \
                 input_format_csv_empty_as_default = 0, input_format_tsv_empty_as_default = 0",
            ),
            _ => None,
        }
    }

    /// The text of a field of a JSON column (DuckDB): `"upstream"->>'$."status"'` — a string
    /// without its quotes, a number as written, `NULL` for JSON's null or a missing key.
    pub fn json_text(self, parts: &[String]) -> String {
        let Some((top, rest)) = parts.split_first() else {
            return "NULL".to_string();
        };
        let mut path = String::from("$");
        for key in rest {
            path.push_str(&format!(
                ".\"{}\"",
                key.replace('\\', "\\\\").replace('"', "\\\"")
            ));
        }
        format!("({}->>{})", self.identifier(top), self.string(&path))
    }

    /// A field reached by a dotted path: struct members (`http.status`).
    pub fn path(self, parts: &[String]) -> String {
        parts
            .iter()
            .map(|part| self.identifier(part))
            .collect::<Vec<_>>()
            .join(".")
    }

    /// Whether this engine can run here, so that the parity tests cover it.
    pub fn runs_locally(self) -> bool {
        matches!(
            self,
            Dialect::DuckDb | Dialect::ClickHouse | Dialect::Spark | Dialect::DataFusion
        )
    }

    /// `time_ns`, failing the query when the session's time zone is not UTC where the engine
    /// reads (or writes) times in it: an offset-less time read in another zone would put every
    /// event in the wrong interval, silently.
    pub fn in_utc_session(self, time_ns: &str) -> String {
        match self {
            Dialect::DuckDb => format!(
                "CASE WHEN current_setting('TimeZone') = 'UTC' THEN {time_ns} \
                 ELSE error('slo sql: run with SET TimeZone = ''UTC''') END"
            ),
            Dialect::Spark => format!(
                "CASE WHEN current_timezone() = 'UTC' THEN {time_ns} \
                 ELSE raise_error('slo sql: run with spark.sql.session.timeZone=UTC') END"
            ),
            _ => time_ns.to_string(),
        }
    }

    /// The settings the query needs, for its header comment.
    pub fn session_note(self) -> Option<&'static str> {
        match self {
            Dialect::DuckDb => Some(
                "run with SET TimeZone = 'UTC' (timestamps without an offset are read in it; \
                 the query fails in another zone)",
            ),
            Dialect::Spark => {
                Some("run with spark.sql.session.timeZone=UTC (the query fails in another zone)")
            }
            Dialect::Trino => Some(
                "run with SET TIME ZONE 'UTC' (timestamps without an offset are read in the \
                 session's zone); times are read to the millisecond",
            ),
            Dialect::Athena => Some(
                "Athena reads timestamps without an offset in UTC; times are read to the millisecond",
            ),
            Dialect::Snowflake => Some(
                "run with ALTER SESSION SET TIMEZONE = 'UTC' (timestamps without an offset are \
                 read in the session's zone)",
            ),
            Dialect::BigQuery => Some("times are read to the microsecond"),
            _ => None,
        }
    }
}

/// A part of a strftime pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum PatternItem {
    /// Text written as is.
    Literal(String),
    /// A specifier: its letter (`Y` for `%Y`).
    Field(char),
}

/// The specifiers the engines all read: `%Y %m %d %H %M %S %b %z`.
const FIELDS: [char; 8] = ['Y', 'm', 'd', 'H', 'M', 'S', 'b', 'z'];

/// How one family of engines writes each of [`FIELDS`], and its literal text.
struct PatternSyntax {
    fields: [&'static str; 8],
    literal: fn(&str) -> String,
}

/// ClickHouse's `parseDateTime` (MySQL's letters: `%i` is the minute).
const MYSQL: PatternSyntax = PatternSyntax {
    fields: ["%Y", "%m", "%d", "%H", "%i", "%S", "%b", "%z"],
    literal: |text| text.replace('%', "%%"),
};

/// Java's `DateTimeFormatter` (Spark) and Joda (Trino): letters are quoted.
const JAVA: PatternSyntax = PatternSyntax {
    fields: ["yyyy", "MM", "dd", "HH", "mm", "ss", "MMM", "Z"],
    literal: |text| {
        if text.chars().any(|c| c.is_ascii_alphabetic() || c == '\'') {
            format!("'{}'", text.replace('\'', "''"))
        } else {
            text.to_string()
        }
    },
};

/// Snowflake's formats: letters in double quotes.
const SNOWFLAKE: PatternSyntax = PatternSyntax {
    fields: ["YYYY", "MM", "DD", "HH24", "MI", "SS", "MON", "TZHTZM"],
    literal: |text| {
        if text.chars().any(|c| c.is_ascii_alphabetic()) {
            format!("\"{text}\"")
        } else {
            text.to_string()
        }
    },
};

/// The parts of a strftime pattern.
fn pattern_items(pattern: &str) -> Result<Vec<PatternItem>, String> {
    let mut items = Vec::new();
    let mut literal = String::new();
    let mut chars = pattern.chars();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        match chars.next() {
            Some('%') => literal.push('%'),
            Some(field) if FIELDS.contains(&field) => {
                if !literal.is_empty() {
                    items.push(PatternItem::Literal(std::mem::take(&mut literal)));
                }
                items.push(PatternItem::Field(field));
            }
            other => {
                return Err(format!(
                    "the specifier %{} of source.timestamp.format '{pattern}' is not written in \
                     SQL; the query reads %Y %m %d %H %M %S %b %z: convert the time in the table, \
                     or map the field with --column",
                    other.map(String::from).unwrap_or_default()
                ))
            }
        }
    }
    if !literal.is_empty() {
        items.push(PatternItem::Literal(literal));
    }
    Ok(items)
}

/// A pattern in another family's syntax.
fn translate(items: &[PatternItem], syntax: &PatternSyntax) -> String {
    items
        .iter()
        .map(|item| match item {
            PatternItem::Literal(text) => (syntax.literal)(text),
            PatternItem::Field(field) => {
                let index = FIELDS.iter().position(|f| f == field).unwrap_or(0);
                syntax.fields[index].to_string()
            }
        })
        .collect()
}

/// The kind of log file an engine reads directly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// Comma-separated values with a header.
    Csv,
    /// Tab-separated values with a header.
    Tsv,
    /// JSON Lines.
    Jsonl,
}

impl fmt::Display for Dialect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nginx_time_in_each_pattern_language() {
        let items = pattern_items("%d/%b/%Y:%H:%M:%S %z").unwrap();
        assert_eq!(translate(&items, &MYSQL), "%d/%b/%Y:%H:%i:%S %z");
        assert_eq!(translate(&items, &JAVA), "dd/MMM/yyyy:HH:mm:ss Z");
        assert_eq!(
            translate(&items, &SNOWFLAKE),
            "DD/MON/YYYY:HH24:MI:SS TZHTZM"
        );
    }

    #[test]
    fn letters_between_fields_are_quoted_where_they_would_be_read() {
        let items = pattern_items("%Y-%m-%dT%H:%M:%S%% at").unwrap();
        assert_eq!(translate(&items, &JAVA), "yyyy-MM-dd'T'HH:mm:ss'% at'");
        assert_eq!(
            translate(&items, &SNOWFLAKE),
            "YYYY-MM-DD\"T\"HH24:MI:SS\"% at\""
        );
        assert_eq!(translate(&items, &MYSQL), "%Y-%m-%dT%H:%i:%S%% at");
    }

    #[test]
    fn other_specifiers_are_named() {
        let error = pattern_items("%d %I:%M %p").unwrap_err();
        assert!(error.contains("%I"), "{error}");
        assert!(pattern_items("%").unwrap_err().contains("specifier %"));
    }

    #[test]
    fn quotes_and_backslashes_in_strings_and_names() {
        assert_eq!(Dialect::DuckDb.string("it's"), "'it''s'");
        assert_eq!(Dialect::Spark.string("a\\b'c"), "'a\\\\b\\'c'");
        assert_eq!(Dialect::BigQuery.identifier("a`b"), "`a\\`b`");
        assert_eq!(Dialect::Snowflake.identifier("status"), "\"STATUS\"");
        assert_eq!(Dialect::Snowflake.identifier("sc-status"), "\"sc-status\"");
        assert_eq!(Dialect::BigQuery.string("a\nb"), "'a\\nb'");
        assert_eq!(Dialect::Trino.identifier("sc-status"), "\"sc-status\"");
    }
}
