#!/usr/bin/env python3
"""Parity of `slo sql` across engines: the counts each engine computes with the query `slo sql`
writes, read back with `--input-format counts`, must give the report `slo` gives on the log
itself, figure for figure, at every instant tried.

    python3 tests/sql/parity.py --slo target/debug/slo [--engines duckdb,chdb,datafusion,spark]

Needs the Python packages of the engines it runs (duckdb, chdb, datafusion, pyarrow, pyspark;
Spark also a Java runtime). The log is generated here, deterministically, with the edges that
matter: events exactly on window and interval boundaries, a daylight-saving change and a month
start in Europe/Berlin, offsets and fractions, invalid values, unreadable timestamps, empty
values, groups, time slices and exclusions.
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
from datetime import datetime, timedelta, timezone

SPEC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "spec.yaml")

START = datetime(2026, 10, 18, tzinfo=timezone.utc)
END = datetime(2026, 11, 2, tzinfo=timezone.utc)
# Whole minutes: on events, on a DST change (2026-10-25T01:00Z), on Berlin's month start
# (2026-10-31T23:00Z), on an exclusion's edges, and ordinary ones.
INSTANTS = [
    "2026-10-25T01:00:00Z",
    "2026-10-27T10:00:00Z",
    "2026-10-27T12:30:00Z",
    "2026-10-31T23:00:00Z",
    "2026-11-01T00:00:00Z",
    "2026-11-01T17:43:00Z",
    "2026-11-02T00:00:00Z",
]


def generate(path, rows, seed=7):
    rng = random.Random(seed)
    services = ["checkout", "search", "catalog", ""]
    routes = ["/api/v1/cart", "/api/v2/pay", "/api/users", "/health", "/static/app.js", "", "/cart/view"]
    methods = ["GET", "POST", "PUT", "DELETE", ""]
    # Besides codes, what engines' casts read as numbers and slo does not (NaN, inf, 1_000,
    # 0x1F4, 1e400), and what both read (" 404 ", "5e2").
    statuses = ["200", "201", "204", "301", "404", "500", "502", "503", "-", "abc", "",
                "NaN", "inf", "1_000", "0x1F4", "1e400", " 404 ", "5e2"]
    edges = [START + timedelta(minutes=m) for m in range(0, int((END - START).total_seconds() // 60), 7)]
    edges += [datetime.fromisoformat(t.replace("Z", "+00:00")) for t in INSTANTS]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["timestamp", "service", "route", "method", "status", "latency_ms", "ok"])
        for i in range(rows):
            kind = rng.random()
            if kind < 0.15:
                t = rng.choice(edges)  # exactly on a whole minute
                ts = t.strftime("%Y-%m-%dT%H:%M:%SZ")
            elif kind < 0.2:
                t = rng.choice(edges) + timedelta(microseconds=rng.choice([1, 250000, 999999]))
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
            elif kind < 0.25:
                t = START + timedelta(seconds=rng.randrange(int((END - START).total_seconds())))
                ts = t.astimezone(timezone(timedelta(hours=2))).isoformat()
            elif kind < 0.253:
                ts = rng.choice(["not-a-time", "", "2026-13-01T00:00:00Z"])
            else:
                t = START + timedelta(microseconds=rng.randrange(int((END - START).total_seconds() * 1e6)))
                ts = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
            latency = rng.choice([str(rng.randrange(1, 900)), f"{rng.random() * 600:.3f}", "300", "", "-", "150"])
            ok = rng.choice(["true", "true", "true", "false", "TRUE", " False ", "", "yes"])
            w.writerow([ts, rng.choice(services), rng.choice(routes), rng.choice(methods),
                        rng.choice(statuses), latency, ok])


CLF = "%d/%b/%Y:%H:%M:%S %z"


def to_clf(log, out_path):
    """The log with its times written as nginx's $time_local (whole seconds, with offsets)."""
    rng = random.Random(11)
    header, rows = read_rows(log)
    with open(out_path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        for row in rows:
            try:
                t = datetime.fromisoformat(row[0].replace("Z", "+00:00"))
                zone = timezone(timedelta(hours=rng.choice([0, 2, -5])))
                row = [t.astimezone(zone).strftime(CLF)] + row[1:]
            except ValueError:
                pass  # an unreadable time stays unreadable
            w.writerow(row)


def read_rows(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r)
        return header, [row for row in r]


def arrow_table(path):
    import pyarrow as pa
    header, rows = read_rows(path)
    return pa.table({name: pa.array([row[i] for row in rows], pa.string()) for i, name in enumerate(header)})


def run_duckdb(query, log):
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    logs = arrow_table(log)  # noqa: F841 (DuckDB reads the Python variable)
    con.register("logs", logs)
    cur = con.execute(query)
    return [d[0] for d in cur.description], cur.fetchall()


def run_chdb(query, log):
    import chdb
    header, _ = read_rows(log)
    structure = ", ".join(f"{name} Nullable(String)" for name in header)
    table = f"file('{log}', 'CSVWithNames', '{structure}')"
    sql = query.replace("FROM logs AS", f"FROM {table} AS") + " SETTINGS input_format_csv_empty_as_default = 0"
    out = chdb.query(sql, "JSONCompact")
    data = json.loads(out.bytes() if hasattr(out, "bytes") else str(out))
    return [c["name"] for c in data["meta"]], [tuple(r) for r in data["data"]]


def run_datafusion(query, log):
    import datafusion
    ctx = datafusion.SessionContext()
    ctx.register_record_batches("logs", [arrow_table(log).to_batches()])
    table = ctx.sql(query).to_arrow_table()
    cols = table.column_names
    return cols, list(zip(*[table.column(c).to_pylist() for c in cols]))


SPARK = None


def run_spark(query, log):
    global SPARK
    from pyspark.sql import SparkSession
    from pyspark.sql.types import StringType, StructField, StructType
    if SPARK is None:
        os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
        SPARK = (SparkSession.builder.master("local[2]").appName("slo-parity")
                 .config("spark.driver.bindAddress", "127.0.0.1")
                 .config("spark.driver.host", "127.0.0.1")
                 .config("spark.sql.session.timeZone", "UTC")
                 .config("spark.ui.enabled", "false")
                 .config("spark.ui.showConsoleProgress", "false").getOrCreate())
        SPARK.sparkContext.setLogLevel("ERROR")
    header, rows = read_rows(log)
    schema = StructType([StructField(h, StringType()) for h in header])
    SPARK.createDataFrame(rows, schema).createOrReplaceTempView("logs")
    result = SPARK.sql(query)
    return result.columns, [tuple(r) for r in result.collect()]


def run_duckdb_files(query, log):
    import duckdb
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")
    cur = con.execute(query)
    return [d[0] for d in cur.description], cur.fetchall()


def run_chdb_files(query, log):
    import chdb
    data = json.loads(chdb.query(query, "JSONCompact").bytes())
    return [c["name"] for c in data["meta"]], [tuple(r) for r in data["data"]]


# Each engine reads the log as a table of text columns (as slo reads a CSV), and DuckDB and
# ClickHouse also read the file themselves, as the query writes it without --table.
def run_spark_files(query, log):
    run_spark("SELECT 1", log)  # starts the session
    result = SPARK.sql(query)
    return result.columns, [tuple(r) for r in result.collect()]


ENGINES = {"duckdb": ("duckdb", run_duckdb), "chdb": ("clickhouse", run_chdb),
           "datafusion": ("datafusion", run_datafusion), "spark": ("spark", run_spark),
           "duckdb-files": ("duckdb", run_duckdb_files), "chdb-files": ("clickhouse", run_chdb_files),
           "spark-files": ("spark", run_spark_files), "duckdb-jsonl-files": ("duckdb", run_duckdb_files)}


def write_counts(path, columns, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for row in rows:
            w.writerow(["" if v is None else (int(v) if isinstance(v, bool) else v) for v in row])


def report(slo, spec, log, at, counts=False):
    cmd = [slo, "report", "-s", spec, "-f", "json", "--at", at, "--max-malformed", "100%", "-q", log]
    if counts:
        cmd += ["--input-format", "counts"]
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({out.returncode}):\n{out.stderr}")
    results = json.loads(out.stdout)["results"]
    for r in results:
        (r.get("golden_signals") or {}).pop("latency", None)
    return results


def views(slo, spec, log, counts=False):
    """What else reads the counts: a history, a backtest and the HTML page, without the
    lines about the input (which counts records, not log rows)."""
    extra = ["--input-format", "counts"] if counts else []
    common = ["-s", spec, "--max-malformed", "100%", "-q", log] + extra
    def run(args):
        out = subprocess.run([slo] + args + common, capture_output=True, text=True)
        if out.returncode != 0:
            sys.exit(f"slo {' '.join(args + common)} failed ({out.returncode}):\n{out.stderr}")
        return out.stdout
    history = json.loads(run(["report", "-f", "json", "--from", "2026-10-31T00:00:00Z",
                              "--to", "2026-11-01T12:00:00Z", "--every", "3h"]))["history"]
    backtest = json.loads(run(["backtest", "-f", "json", "--from", "2026-10-31T12:00:00Z",
                               "--to", "2026-11-01T00:00:00Z"]))
    html = run(["report", "-f", "html", "--at", "2026-11-01T00:00:00Z"])
    return {
        "history": [r["results"] for r in history],
        "backtest": backtest,
        "html": [line for line in html.splitlines() if 'class="meta"' not in line],
    }


def reports_agree(slo, tmp, label, spec, log, instants, engines):
    """Runs `spec`'s query on each engine over `log` (as a table) and compares the reports from
    the counts with the direct ones at `instants`; returns how many engines differ."""
    direct = {at: report(slo, spec, log, at) for at in instants}
    failures = 0
    for name in engines:
        dialect, run = ENGINES[name]
        query = subprocess.run([slo, "sql", "--dialect", dialect, "-s", spec, "--table", "logs"],
                               capture_output=True, text=True, check=True).stdout
        columns, rows = run(query, log)
        counts = os.path.join(tmp, f"counts-{label.split()[0]}-{name}.csv")
        write_counts(counts, columns, rows)
        differing = [at for at in instants if report(slo, spec, counts, at, counts=True) != direct[at]]
        if differing:
            failures += 1
            print(f"FAIL {name} ({label}): reports differ at {', '.join(differing)}")
        else:
            print(f"ok {name} ({label}): {len(rows)} count records give the direct reports")
    return failures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--slo", default="target/debug/slo")
    parser.add_argument("--engines", default="duckdb,duckdb-files,duckdb-jsonl-files,chdb,chdb-files,datafusion,spark,spark-files")
    parser.add_argument("--rows", type=int, default=20000)
    args = parser.parse_args()
    slo = os.path.abspath(args.slo)
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        spec = SPEC
        log = os.path.join(tmp, "log.csv")
        generate(log, args.rows)
        direct = {at: report(slo, spec, log, at) for at in INSTANTS}
        direct_views = views(slo, spec, log)
        if "duckdb" in args.engines.split(","):
            # In another session zone, offset-less times would land in other intervals: the
            # query refuses to run rather than count them there.
            import duckdb
            con = duckdb.connect()
            con.execute("SET TimeZone = 'Europe/Berlin'")
            con.register("logs", arrow_table(log))
            query = subprocess.run([slo, "sql", "--dialect", "duckdb", "-s", spec, "--table", "logs"],
                                   capture_output=True, text=True, check=True).stdout
            try:
                con.execute(query).fetchall()
                failures += 1
                print("FAIL duckdb: the query ran in the session zone Europe/Berlin")
            except duckdb.Error as e:
                assert "run with SET TimeZone" in str(e), e
                print("ok duckdb: the query refuses a session zone other than UTC")
        events = sum(r["total"] for rs in direct.values() for r in rs)
        invalid = sum(r["invalid"] for rs in direct.values() for r in rs)
        print(f"direct reports: {len(INSTANTS)} instants, {events} events, {invalid} invalid")
        assert events > 0 and invalid > 0, "the generated log must exercise events and invalid rows"
        for name in args.engines.split(","):
            dialect, run = ENGINES[name]
            if name.endswith("-files"):
                # Spark reads JSON Lines in place (not CSV with a header): the same rows as JSON.
                source = log
                if name in ("spark-files", "duckdb-jsonl-files"):
                    source = os.path.join(tmp, f"{name}.jsonl")
                    header, rows_ = read_rows(log)
                    # For DuckDB, whole numbers as JSON numbers: a field then mixes numbers and
                    # text (200 and "-"), which DuckDB types as JSON.
                    as_json = (lambda v: int(v) if v.isdigit() else v) if name.startswith("duckdb") else str
                    with open(source, "w") as out:
                        for row in rows_:
                            out.write(json.dumps({k: as_json(v) for k, v in zip(header, row)}) + "\n")
                with_paths = os.path.join(tmp, "spec-with-paths.yaml")
                with open(spec) as f, open(with_paths, "w") as out:
                    out.write(f.read().replace("source:\n", f"source:\n  paths: [{source}]\n", 1))
                command = [slo, "sql", "--dialect", dialect, "-s", with_paths]
            else:
                command = [slo, "sql", "--dialect", dialect, "-s", spec, "--table", "logs"]
            query = subprocess.run(command, capture_output=True, text=True, check=True).stdout
            columns, rows = run(query, log)
            counts = os.path.join(tmp, f"counts-{name}.csv")
            write_counts(counts, columns, rows)
            differing = []
            for at in INSTANTS:
                if report(slo, spec, counts, at, counts=True) != direct[at]:
                    differing.append(at)
            counted_views = views(slo, spec, counts, counts=True)
            differing += [name for name in direct_views if counted_views[name] != direct_views[name]]
            if differing:
                failures += 1
                print(f"FAIL {name}: {len(rows)} count records; reports differ at {', '.join(differing)}")
                at = differing[0]
                if at in direct_views:
                    continue
                mine = report(slo, spec, counts, at, counts=True)
                for a, b in zip(direct[at], mine):
                    if a != b:
                        print("  direct:", json.dumps(a)[:600])
                        print("  counts:", json.dumps(b)[:600])
                        break
            else:
                print(f"ok {name}: {len(rows)} count records give the direct reports at all "
                      f"{len(INSTANTS)} instants, the history, the backtest and the HTML page")
        # The bundled example logs with the bundled specs (slo-specs/), as the README runs them.
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        failures += reports_agree(
            slo, tmp, "bundled examples", os.path.join(root, "slo-specs"),
            os.path.join(root, "examples", "logs", "requests.csv"),
            ["2026-10-02T18:00:00Z", "2026-10-15T23:59:00Z", "2026-10-01T00:00:00Z"],
            [e for e in args.engines.split(",") if not e.endswith("-files")])
        # The same rows with nginx's $time_local and the spec's strftime pattern, on the engines
        # that parse by pattern (DataFusion has no parse that gives NULL).
        clf_log = os.path.join(tmp, "log-clf.csv")
        clf_spec = os.path.join(tmp, "spec-clf.yaml")
        to_clf(log, clf_log)
        with open(SPEC) as f, open(clf_spec, "w") as out:
            out.write(f.read().replace("format: rfc3339", f"format: '{CLF}'"))
        failures += reports_agree(
            slo, tmp, f"times as {CLF}", clf_spec, clf_log, INSTANTS,
            [e for e in args.engines.split(",") if e in ("duckdb", "chdb", "spark")])
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
