#!/usr/bin/env python3
"""Throughput benchmark for `slo report` against DuckDB and polars (issue 6).

Generates (once) a deterministic week of HTTP request logs with `gen_logs.py`, then times, in
the same run and alternating, several runs each of:

  * slo report            (release build of this repository)
  * DuckDB (Python)       SET threads = 2; one SQL query with FILTERed counts
  * polars (lazy scan)    POLARS_MAX_THREADS = 2; one lazy query

all computing the good/total counts of the same three SLOs over one 7-day window
(A - 7d, A]. It checks that every tool counts the same totals, prints medians and ratios,
peak memory (from wait4), slo's memory at 1 M and 10 M rows, and slo on gzip input against
`zcat` alone. Wall time is measured around each process (what a user waits for); DuckDB's
and polars' in-process query time (without Python start-up and imports) is shown too.

The nginx case (issue 15) times, alternating, on the same requests written as an nginx
`combined` log (gen_logs.py --format nginx) and as CSV:

  * slo report --input-format nginx   on the nginx log   (benches/nginx/nginx.yaml)
  * slo report                        on the CSV         (benches/nginx/csv.yaml, the same SLOs)
  * DuckDB (Python), 2 threads        on the nginx log: each line one VARCHAR column of
                                      read_csv, fields by regexp_extract, the same counts

and prints each one's bytes per second, slo's nginx speed as a share of its CSV speed (goal:
at least 70 %) and DuckDB's time over slo's (goal: at least 3x). DuckDB counts the same on the
CSV too (not timed): its nginx counts must equal its CSV counts and slo's. `--cases
nginx-duckdb` runs only that check of the DuckDB side, without slo's nginx reader; `--cases
nginx-timed` compares slo on the log with `$request_time` (and a latency SLO) with slo on the CSV.

The `slos` case (issue 19) sweeps the number of SLOs over the CSV: N = 3, 30 and 100 SLOs,
generated deterministically by `slo_sweep_spec` (filters on service, route, region and method;
good on status or latency; two windows each, 7d and 1d), each against DuckDB doing the same 2N
conditional counts (total and good per SLO over the 7d window), same run, alternating. It
prints slo's time at each N over its time at N = 3 in the same round (goal: at most 2x at
N = 100) and DuckDB's over slo's (goal: at least 5x).

The `groups` case (issue 19) groups one SLO by a column of 100, 10 000 or 100 000 distinct
values (`tenant`, `customer`, `client`, which `ensure_groups` appends to copies of the CSV and
JSON Lines files) with `--max-groups 100000`, so that every group is reported, against the same
SLO without group_by and against DuckDB's GROUP BY with the same counts, alternating; it prints
the grouped time over the ungrouped one (goal: at most 1.3x at 100 000 groups).

Usage:  python3 benches/bench.py [--rows 10000000] [--runs 5] [--data benches/data]
                                 [--cases csv,jsonl,gzip,memory,nginx]
The data folder (several GB) is git-ignored. DuckDB and polars are installed into
benches/.venv by this script (pip, from PyPI).
"""

import argparse
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
AT = "2026-09-08T00:00:00Z"
START = "2026-09-01T00:00:00Z"
SPEC = ROOT / "benches" / "slo-specs.yaml"
NGINX_SPEC = ROOT / "benches" / "nginx" / "nginx.yaml"
NGINX_CSV_SPEC = ROOT / "benches" / "nginx" / "csv.yaml"
NGINX_TIMED_SPEC = ROOT / "benches" / "nginx" / "nginx-timed.yaml"
NGINX_CSV_TIMED_SPEC = ROOT / "benches" / "nginx" / "csv-timed.yaml"
# The nginx specs' window, (A - 8d, A]: the whole week of data (nginx.yaml says why).
NGINX_FROM = "2026-08-31 00:00:00+00"
NGINX_TO = "2026-09-08 00:00:00+00"
CASES = ("csv", "jsonl", "gzip", "memory", "nginx", "nginx-timed", "nginx-duckdb", "latest", "history", "slos",
         "groups")

DUCKDB = r"""
import sys, time, json, duckdb
path, fmt = sys.argv[1], sys.argv[2]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
source = f"read_csv('{path}', header = true)" if fmt == "csv" else f"read_ndjson('{path}')"
t = time.perf_counter()
row = con.execute(f'''
  SELECT
    count(*) FILTER (WHERE service = 'checkout'),
    count(*) FILTER (WHERE service = 'checkout' AND status < 500),
    count(*) FILTER (WHERE route = '/api/cart'),
    count(*) FILTER (WHERE route = '/api/cart' AND latency_ms <= 300),
    count(*),
    count(*) FILTER (WHERE status < 500)
  FROM {source}
  WHERE CAST("timestamp" AS TIMESTAMPTZ) > TIMESTAMPTZ '2026-09-01 00:00:00+00'
    AND CAST("timestamp" AS TIMESTAMPTZ) <= TIMESTAMPTZ '2026-09-08 00:00:00+00'
''').fetchone()
print(json.dumps({"query_s": time.perf_counter() - t, "counts": list(row)}))
"""

# The nginx.yaml SLOs over an nginx combined log, or csv.yaml's over the CSV. On the log, each
# line is read whole as one VARCHAR (a tab never occurs: nginx escapes control bytes, and quote
# and escape characters are switched off) and its fields taken with one regexp_extract.
DUCKDB_NGINX = r"""
import sys, time, json, duckdb
path, fmt, lo, hi = sys.argv[1:5]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
if fmt == "nginx":
    pattern = r'^\S+ \S+ \S+ \[([^\]]+)\] "(\S+) ([^ ?"]*)[^"]*" (\d{3}) '
    rows = f'''
      SELECT strptime(m.ts, '%d/%b/%Y:%H:%M:%S %z') AS ts, m.method AS method, m.path AS path,
             CAST(m.status AS INTEGER) AS status
      FROM (SELECT regexp_extract(line, '{pattern}', ['ts', 'method', 'path', 'status']) AS m
            FROM read_csv('{path}', columns = {{'line': 'VARCHAR'}}, header = false, delim = '\t',
                          quote = '', escape = '', auto_detect = false))
    '''
else:
    rows = f'''
      SELECT CAST("timestamp" AS TIMESTAMPTZ) AS ts, method, route AS path, status
      FROM read_csv('{path}', header = true)
    '''
t = time.perf_counter()
row = con.execute(f'''
  SELECT
    count(*) FILTER (WHERE starts_with(path, '/api/checkout')),
    count(*) FILTER (WHERE starts_with(path, '/api/checkout') AND status < 500),
    count(*) FILTER (WHERE path = '/api/cart' AND method = 'GET'),
    count(*) FILTER (WHERE path = '/api/cart' AND method = 'GET' AND status < 400),
    count(*),
    count(*) FILTER (WHERE status < 500)
  FROM ({rows})
  WHERE ts > TIMESTAMPTZ '{lo}' AND ts <= TIMESTAMPTZ '{hi}'
''').fetchone()
print(json.dumps({"query_s": time.perf_counter() - t, "counts": list(row)}))
"""

POLARS = r"""
import os, sys, time, json
os.environ["POLARS_MAX_THREADS"] = "2"
import polars as pl
from datetime import datetime, timezone
path, fmt = sys.argv[1], sys.argv[2]
t = time.perf_counter()
lf = pl.scan_csv(path) if fmt == "csv" else pl.scan_ndjson(path)
ts = pl.col("timestamp").str.to_datetime(time_zone="UTC")
lo = datetime(2026, 9, 1, tzinfo=timezone.utc)
hi = datetime(2026, 9, 8, tzinfo=timezone.utc)
checkout = pl.col("service") == "checkout"
cart = pl.col("route") == "/api/cart"
ok = pl.col("status") < 500
out = (
    lf.filter((ts > lo) & (ts <= hi))
    .select(
        checkout.sum().alias("a"), (checkout & ok).sum().alias("b"),
        cart.sum().alias("c"), (cart & (pl.col("latency_ms") <= 300)).sum().alias("d"),
        pl.len().alias("e"), ok.sum().alias("f"),
    )
    .collect()
)
print(json.dumps({"query_s": time.perf_counter() - t, "counts": [int(v) for v in out.row(0)]}))
"""


def run(cmd, env=None, stdout=subprocess.PIPE):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read() if stdout == subprocess.PIPE else b""
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        sys.exit(f"failed ({proc.returncode}): {' '.join(map(str, cmd))}\n{err.decode()[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def last_json(output):
    """The JSON document on the last line of a tool's output (ignoring any progress text)."""
    return json.loads(output.strip().splitlines()[-1])


def slo_counts(output, slos=("checkout-availability", "cart-latency", "availability")):
    report = json.loads(output)
    by = {r["slo"]: r for r in report["results"]}
    return [count for slo in slos for count in (by[slo]["total"], by[slo]["good"])]


NGINX_SLOS = ("checkout-availability", "cart-reads", "availability")
NGINX_TIMED_SLOS = ("checkout-availability", "cart-latency", "availability")


def ensure_data(data, rows, formats, small_too):
    """Generates what is missing of `formats` (gen_logs.py's: csv, jsonl, nginx, nginx-timed),
    for `rows` and, with `small_too`, for 1 M rows; every file of a size holds the same
    requests, whenever it was written."""
    data.mkdir(parents=True, exist_ok=True)
    base = data / f"requests-{rows}"
    small = data / "requests-1000000"
    extensions = {"csv": ".csv", "jsonl": ".jsonl", "nginx": ".log", "nginx-timed": ".timed.log"}
    for path, n in ((base, rows), (small, 1_000_000))[:2 if small_too else 1]:
        missing = [f for f in formats if not Path(f"{path}{extensions[f]}").exists()]
        if missing:
            print(f"generating {n} rows into {path} ({', '.join(missing)}) …", file=sys.stderr)
            subprocess.run(
                [sys.executable, str(ROOT / "benches" / "gen_logs.py"), "--rows", str(n), "--start", START,
                 "--days", "7", "--seed", "1", "--format", ",".join(missing), "--out", str(path), "--quiet"],
                check=True,
            )
    return base, small


# The columns that the `groups` case groups by, with how many distinct values each holds: row
# `i` (0-based, in file order) has value `(i * GROUP_MIX) % n`, which takes every one of the `n`
# values (GROUP_MIX is prime to 10) in an order unrelated to time.
GROUP_COLUMNS = {"tenant": 100, "customer": 10_000, "client": 100_000}
GROUP_MIX = 2_654_435_761


def group_values(i):
    return [f"{name[0]}{(i * GROUP_MIX) % n}" for name, n in GROUP_COLUMNS.items()]


def ensure_groups(base, formats):
    """Writes `{base}.groups.csv` / `.groups.jsonl`: the rows of `{base}.csv` / `.jsonl` with
    the GROUP_COLUMNS appended (the original files stay as they are)."""
    for fmt in formats:
        src, dst = Path(f"{base}.{fmt}"), Path(f"{base}.groups.{fmt}")
        if dst.exists():
            continue
        print(f"writing {dst} …", file=sys.stderr)
        tmp = dst.with_suffix(".tmp")
        with open(src, "rb") as f, open(tmp, "wb", buffering=1 << 22) as out:
            if fmt == "csv":
                out.write(f.readline().rstrip(b"\n") + ("," + ",".join(GROUP_COLUMNS)).encode() + b"\n")
            for i, line in enumerate(f):
                values = group_values(i)
                if fmt == "csv":
                    out.write(line[:-1] + ("," + ",".join(values) + "\n").encode())
                else:
                    extra = ",".join(f'"{k}":"{v}"' for k, v in zip(GROUP_COLUMNS, values))
                    out.write(line[:-2] + ("," + extra + "}\n").encode())
        tmp.rename(dst)
    return f"{base}.groups"


def ensure_groups_once(grouped, fmt):
    """Writes `{grouped}.once.{fmt}`: the first rows of `{grouped}.{fmt}`, as many as the
    largest group column has values, which (see GROUP_COLUMNS) hold each of its values once."""
    src, dst = Path(f"{grouped}.{fmt}"), Path(f"{grouped}.once.{fmt}")
    if not dst.exists():
        rows = max(GROUP_COLUMNS.values()) + (1 if fmt == "csv" else 0)
        with open(src, "rb") as f, open(dst, "wb") as out:
            for _ in range(rows):
                out.write(f.readline())
    return str(dst)


SWEEP_SERVICES = ["catalog", "search", "cart", "checkout", "auth", "payments"]
SWEEP_ROUTES = ["/api/search", "/api/catalog/items", "/api/catalog/items/{id}", "/api/cart", "/api/cart/items",
                "/api/search/suggest", "/api/checkout", "/api/auth/refresh", "/api/auth/login",
                "/api/payments/charge", "/api/catalog/categories", "/api/checkout/confirm",
                "/api/payments/methods", "/api/checkout/shipping-options", "/api/auth/logout",
                "/api/payments/refund"]
SWEEP_REGIONS = ["us-east-1", "eu-west-1", "ap-southeast-2"]
SWEEP_METHODS = ["GET", "POST"]


def slo_sweep(n):
    """The `n` SLOs of the sweep, as (name, [(field, value)], good), written alike in slo's
    expressions and in SQL: a service, a route, a service in a region, or a route with a method;
    good on status (even SLOs) or on latency (odd ones, four thresholds)."""
    slos = []
    for i in range(n):
        service, route = SWEEP_SERVICES[i // 4 % 6], SWEEP_ROUTES[i // 4 % 16]
        kind = i % 4
        if kind == 0:
            where = [("service", service)]
        elif kind == 1:
            where = [("route", route)]
        elif kind == 2:
            where = [("service", service), ("region", SWEEP_REGIONS[i // 24 % 3])]
        else:
            where = [("route", route), ("method", SWEEP_METHODS[i // 64 % 2])]
        good = "status < 500" if i % 2 == 0 else f"latency_ms <= {(200, 300, 500, 1000)[i // 2 % 4]}"
        slos.append((f"slo-{i:03}", where, good))
    return slos


def slo_sweep_spec(n, path):
    """Writes the spec of the sweep's `n` SLOs to `path`."""
    lines = [f"# {n} SLOs of the `slos` case of benches/bench.py, generated by slo_sweep_spec.", "version: 1",
             "defaults:", "  windows: [7d, 1d]", "  alerts: []", "slos:"]
    for name, where, good in slo_sweep(n):
        lines += [f"  - name: {name}", "    objective: 99.5",
                  "    filter: " + " and ".join(f"{field} == '{value}'" for field, value in where),
                  f"    good: {good}"]
    Path(path).write_text("\n".join(lines) + "\n")


DUCKDB_SLOS = r"""
import sys, time, json, duckdb
path, spec = sys.argv[1], json.loads(sys.argv[2])
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
counts = []
for where, good in spec:
    cond = " AND ".join(f"{field} = '{value}'" for field, value in where)
    counts += [f"count(*) FILTER (WHERE {cond})", f"count(*) FILTER (WHERE {cond} AND {good})"]
t = time.perf_counter()
row = con.execute(f'''
  SELECT {", ".join(counts)}
  FROM read_csv('{path}', header = true)
  WHERE CAST("timestamp" AS TIMESTAMPTZ) > TIMESTAMPTZ '2026-09-01 00:00:00+00'
    AND CAST("timestamp" AS TIMESTAMPTZ) <= TIMESTAMPTZ '2026-09-08 00:00:00+00'
''').fetchone()
print(json.dumps({"query_s": time.perf_counter() - t, "counts": list(row)}))
"""

DUCKDB_GROUPS = r"""
import sys, time, json, duckdb
path, fmt, column = sys.argv[1:4]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")
source = f"read_csv('{path}', header = true)" if fmt == "csv" else f"read_ndjson('{path}')"
t = time.perf_counter()
rows = con.execute(f'''
  SELECT {column}, count(*), count(*) FILTER (WHERE status < 500)
  FROM {source}
  WHERE CAST("timestamp" AS TIMESTAMPTZ) > TIMESTAMPTZ '2026-09-01 00:00:00+00'
    AND CAST("timestamp" AS TIMESTAMPTZ) <= TIMESTAMPTZ '2026-09-08 00:00:00+00'
  GROUP BY {column}
''').fetchall()
total, good = sum(r[1] for r in rows), sum(r[2] for r in rows)
print(json.dumps({"query_s": time.perf_counter() - t, "counts": [len(rows), total, good]}))
"""


def per_round(walls, numerator, denominator):
    """The ratio of two tools' wall times in each round, sorted."""
    return sorted(a / b for a, b in zip(walls[numerator], walls[denominator]))


def ratio_text(ratios):
    return f"median {statistics.median(ratios):.2f}x, from {ratios[0]:.2f}x to {ratios[-1]:.2f}x"


def slos_case(slo, python, base, runs, data):
    """The SLO-count sweep: slo at N = 3, 30, 100 against DuckDB with the same 2N counts."""
    csv = f"{base}.csv"
    sizes = (3, 30, 100)
    tools, sweeps = {}, {}
    for n in sizes:
        spec = data / f"slos-{n}.yaml"
        slo_sweep_spec(n, spec)
        sweeps[n] = slo_sweep(n)
        tools[f"slo-{n}"] = [slo, "report", "-s", str(spec), csv, "--at", AT, "-f", "json", "--quiet"]
        sql = json.dumps([(where, good) for _, where, good in sweeps[n]])
        tools[f"duckdb-{n}"] = [python, "-c", DUCKDB_SLOS, csv, sql]
    counts = {}
    for name, cmd in tools.items():
        _, _, out = run(cmd)
        n = int(name.split("-")[1])
        if name.startswith("slo"):
            by = {(r["slo"], r["window"]): r for r in json.loads(out)["results"]}
            counts[name] = [c for s, _, _ in sweeps[n] for c in (by[s, "7d"]["total"], by[s, "7d"]["good"])]
        else:
            counts[name] = last_json(out)["counts"]
    for n in sizes:
        if counts[f"slo-{n}"] != counts[f"duckdb-{n}"]:
            sys.exit(f"slo and DuckDB disagree at N = {n}: {counts[f'slo-{n}']} against {counts[f'duckdb-{n}']}")
    walls, _, _ = timed_rounds(tools, runs)
    print(f"\nslos: the SLO-count sweep on {csv}; counts agree with DuckDB at every N")
    print(f"  {'N':>4} {'slo':>8} {'DuckDB':>8}   slo / slo at N = 3, per round{'':14}DuckDB / slo, per round")
    for n in sizes:
        own = per_round(walls, f"slo-{n}", "slo-3")
        peer = per_round(walls, f"duckdb-{n}", f"slo-{n}")
        print(f"  {n:>4} {statistics.median(walls[f'slo-{n}']):>6.2f} s {statistics.median(walls[f'duckdb-{n}']):>6.2f} s"
              f"   {ratio_text(own):<42} {ratio_text(peer)}")
    print("  goals at N = 100: at most 2x the time at N = 3; at least 5x faster than DuckDB")


def groups_case(slo, python, base, runs, data):
    """group_by with 100, 10 000 and 100 000 groups against the same SLO without group_by, and
    against DuckDB's GROUP BY with the same counts, on CSV and JSON Lines."""
    grouped = ensure_groups(base, ["csv", "jsonl"])
    header = ["version: 1", "defaults: {windows: [7d], alerts: []}", "slos:", "  - name: availability",
              "    objective: 99.5", "    good: status < 500"]
    plain = data / "groups-none.yaml"
    plain.write_text("\n".join(header) + "\n")
    for fmt in ("csv", "jsonl"):
        path = f"{grouped}.{fmt}"
        once = ensure_groups_once(grouped, fmt)
        tools = {"slo-ungrouped": [slo, "report", "-s", str(plain), path, "--at", AT, "-f", "json", "--quiet"],
                 "slo-ungrouped-once": [slo, "report", "-s", str(plain), once, "--at", AT, "-f", "json", "--quiet"]}
        for column in GROUP_COLUMNS:
            spec = data / f"groups-{column}.yaml"
            spec.write_text("\n".join(header + [f"    group_by: [{column}]"]) + "\n")
            tools[f"slo-{column}"] = [slo, "report", "-s", str(spec), path, "--at", AT, "--max-groups", "100000",
                                      "-f", "json", "--quiet"]
            tools[f"duckdb-{column}"] = [python, "-c", DUCKDB_GROUPS, path, fmt, column]
        largest = max(GROUP_COLUMNS, key=GROUP_COLUMNS.get)
        tools[f"slo-{largest}-once"] = tools[f"slo-{largest}"][:4] + [once] + tools[f"slo-{largest}"][5:]
        counts = {}
        for name, cmd in tools.items():
            _, _, out = run(cmd)
            if name.startswith("slo"):
                results = json.loads(out)["results"]
                counts[name] = [len(results), sum(r["total"] for r in results), sum(r["good"] for r in results)]
            else:
                counts[name] = last_json(out)["counts"]
        for column, n in GROUP_COLUMNS.items():
            mine = counts[f"slo-{column}"]
            if mine != counts[f"duckdb-{column}"] or mine[0] != n or mine[1:] != counts["slo-ungrouped"][1:]:
                sys.exit(f"groups disagree on {fmt}, {column}: {counts}")
        if counts[f"slo-{largest}-once"][0] != GROUP_COLUMNS[largest]:
            sys.exit(f"{once} does not hold every {largest}: {counts[f'slo-{largest}-once']}")
        # No peak memory here: wait4 counts the forked child before its exec, and this script then
        # holds the parsed reports of 100 000 groups.
        walls, _, _ = timed_rounds(tools, runs)
        print(f"\ngroups ({fmt}): {path}; groups, totals and good counts agree with DuckDB and the ungrouped SLO")
        print(f"  ungrouped: {statistics.median(walls['slo-ungrouped']):.2f} s")
        for column, n in GROUP_COLUMNS.items():
            own = per_round(walls, f"slo-{column}", "slo-ungrouped")
            peer = per_round(walls, f"duckdb-{column}", f"slo-{column}")
            print(f"  {n:>7} groups: {statistics.median(walls[f'slo-{column}']):.2f} s; over ungrouped "
                  f"{ratio_text(own)}; DuckDB "
                  f"{statistics.median(walls[f'duckdb-{column}']):.2f} s, DuckDB / slo {ratio_text(peer)}")
        # The counting alone: each run less the same report from the log's first rows, which
        # hold every group once (what it costs to evaluate and write the groups' results).
        counting = sorted((g - g1) / (u - u1) for g, g1, u, u1 in zip(
            walls[f"slo-{largest}"], walls[f"slo-{largest}-once"], walls["slo-ungrouped"], walls["slo-ungrouped-once"]))
        print(f"  {GROUP_COLUMNS[largest]:>7} groups, the counting alone (less the same reports from {once}, "
              f"{statistics.median(walls[f'slo-{largest}-once']):.2f} s grouped, "
              f"{statistics.median(walls['slo-ungrouped-once']):.2f} s ungrouped): over ungrouped {ratio_text(counting)}")
    print("  goal: 100 000 groups at most 1.3x the ungrouped SLO")


def timed_rounds(tools, runs):
    """Runs every tool `runs` times, alternating; returns wall times, query times, peak RSS."""
    walls = {name: [] for name in tools}
    queries = {name: [] for name in tools}
    memory = {name: 0.0 for name in tools}
    for _ in range(runs):
        for name, cmd in tools.items():
            wall, rss, out = run(cmd)
            walls[name].append(wall)
            memory[name] = max(memory[name], rss)
            if not name.startswith("slo"):
                queries[name].append(last_json(out)["query_s"])
    return walls, queries, memory


def duckdb_nginx_counts(python, base):
    """DuckDB's nginx.yaml counts on the nginx log, which must equal its csv.yaml counts on the
    CSV of the same requests; returns them with the query time on the log."""
    on_log = last_json(run([python, "-c", DUCKDB_NGINX, f"{base}.log", "nginx", NGINX_FROM, NGINX_TO])[2])
    on_csv = last_json(run([python, "-c", DUCKDB_NGINX, f"{base}.csv", "csv", NGINX_FROM, NGINX_TO])[2])
    if on_log["counts"] != on_csv["counts"]:
        sys.exit(f"DuckDB counts differently on the nginx log {on_log['counts']} and on the CSV {on_csv['counts']}")
    return on_log


def nginx_case(slo, python, base, runs, timed=False):
    """slo on the nginx log against slo on the CSV of the same requests, and DuckDB on the log;
    `timed`: the log with $request_time and a latency SLO, without DuckDB."""
    log, csv = f"{base}.timed.log" if timed else f"{base}.log", f"{base}.csv"
    nginx_spec, csv_spec = (NGINX_TIMED_SPEC, NGINX_CSV_TIMED_SPEC) if timed else (NGINX_SPEC, NGINX_CSV_SPEC)
    slos = NGINX_TIMED_SLOS if timed else NGINX_SLOS
    sizes = {"slo-nginx": os.path.getsize(log) / 1e6, "slo-csv": os.path.getsize(csv) / 1e6,
             "duckdb-nginx": os.path.getsize(log) / 1e6}
    tools = {
        "slo-nginx": [slo, "report", "-s", str(nginx_spec), log, "--input-format", "nginx", "--at", AT,
                      "-f", "json", "--quiet"],
        "slo-csv": [slo, "report", "-s", str(csv_spec), csv, "--at", AT, "-f", "json", "--quiet"],
    }
    counts = {}
    if not timed:
        tools["duckdb-nginx"] = [python, "-c", DUCKDB_NGINX, log, "nginx", NGINX_FROM, NGINX_TO]
        counts["duckdb-csv"] = duckdb_nginx_counts(python, base)["counts"]
    # Warm the page cache, and check that every tool counts the same (DuckDB on the CSV too).
    for name, cmd in tools.items():
        _, _, out = run(cmd)
        counts[name] = slo_counts(out, slos) if name.startswith("slo") else last_json(out)["counts"]
    if len({tuple(c) for c in counts.values()}) != 1:
        sys.exit(f"tools disagree on the nginx case: {counts}")
    walls, queries, memory = timed_rounds(tools, runs)
    med = {name: statistics.median(v) for name, v in walls.items()}
    print(f"\nnginx{' with $request_time' if timed else ''}: {log} ({sizes['slo-nginx']:.0f} MB) and {csv} "
          f"({sizes['slo-csv']:.0f} MB); counts agree: {counts['slo-nginx']}")
    print(f"  {'tool':13} {'median wall':>12} {'MB/s':>8} {'peak RSS':>10} {'query only':>11}")
    for name in tools:
        q = f"{statistics.median(queries[name]):.2f} s" if queries[name] else "–"
        print(f"  {name:13} {med[name]:>10.2f} s {sizes[name] / med[name]:>8.0f} {memory[name]:>7.0f} MB {q:>11}")
    # The goals of issue 15: bytes per second on the nginx log at least 70 % of those on the CSV,
    # and at least 3x faster than DuckDB on the same log.
    speed = lambda name, wall: sizes[name] / wall  # noqa: E731
    share = speed("slo-nginx", med["slo-nginx"]) / speed("slo-csv", med["slo-csv"])
    paired = sorted(speed("slo-nginx", n) / speed("slo-csv", c) for n, c in zip(walls["slo-nginx"], walls["slo-csv"]))
    print(f"  slo on nginx reads {share * 100:.0f} % of its CSV bytes per second (goal ≥ 70 %); "
          f"per round: median {statistics.median(paired) * 100:.0f} %, from {paired[0] * 100:.0f} to {paired[-1] * 100:.0f} %")
    if timed:
        return
    ratio = med["duckdb-nginx"] / med["slo-nginx"]
    paired = sorted(d / s for d, s in zip(walls["duckdb-nginx"], walls["slo-nginx"]))
    print(f"  slo is {ratio:.2f}x faster than DuckDB on the nginx log (goal ≥ 3x); per round: median "
          f"{statistics.median(paired):.2f}x, from {paired[0]:.2f}x to {paired[-1]:.2f}x "
          f"({statistics.median(queries['duckdb-nginx']) / med['slo-nginx']:.2f}x against DuckDB's query time alone)")


def ensure_venv():
    venv = ROOT / "benches" / ".venv"
    python = venv / "bin" / "python"
    if not python.exists():
        print("installing duckdb and polars into benches/.venv …", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "duckdb", "polars"], check=True)
    return str(python)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", type=Path, default=ROOT / "benches" / "data")
    parser.add_argument("--cases", default="csv,jsonl,gzip,memory,nginx",
                        help=f"comma-separated, of {', '.join(CASES)} (default: %(default)s)")
    args = parser.parse_args()
    cases = args.cases.split(",")
    if unknown := set(cases) - set(CASES):
        parser.error(f"unknown cases {sorted(unknown)}; use {', '.join(CASES)}")

    python = ensure_venv()
    formats = {f for f in ("csv", "jsonl")
               if f in cases or {"gzip", "memory", "latest", "history", "slos", "groups"} & set(cases)}
    if {"nginx", "nginx-duckdb"} & set(cases):
        formats |= {"csv", "nginx"}
    if "nginx-timed" in cases:
        formats |= {"csv", "nginx-timed"}
    base, small = ensure_data(args.data, args.rows, sorted(formats), "memory" in cases)
    if cases == ["nginx-duckdb"]:
        # The DuckDB side alone, before slo reads nginx logs: its counts on the log and the CSV.
        on_log = duckdb_nginx_counts(python, base)
        print(f"DuckDB counts the same on {base}.log and {base}.csv: {on_log['counts']} "
              f"(query on the log: {on_log['query_s']:.2f} s)")
        return

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    slo = str(ROOT / "target" / "release" / "slo")
    versions = subprocess.run(
        [python, "-c", "import duckdb, polars; print(duckdb.__version__, polars.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    print(f"machine: {os.cpu_count()} CPUs; duckdb {versions[0]}, polars {versions[1]}; {args.runs} runs each, alternating")

    summary = {}
    for fmt in [f for f in ("csv", "jsonl") if f in cases]:
        path = f"{base}.{fmt}"
        size = os.path.getsize(path) / 1e6
        tools = {
            "slo": [slo, "report", "-s", str(SPEC), path, "--at", AT, "-f", "json", "--quiet"],
            "duckdb": [python, "-c", DUCKDB, path, fmt],
            "polars": [python, "-c", POLARS, path, fmt],
        }
        # Warm the page cache, and check that every tool counts the same.
        counts = {}
        for name, cmd in tools.items():
            _, _, out = run(cmd)
            counts[name] = slo_counts(out) if name == "slo" else last_json(out)["counts"]
        if len({tuple(c) for c in counts.values()}) != 1:
            sys.exit(f"tools disagree on {fmt}: {counts}")
        walls = {name: [] for name in tools}
        queries = {name: [] for name in tools}
        memory = {name: 0.0 for name in tools}
        for _ in range(args.runs):
            for name, cmd in tools.items():
                wall, rss, out = run(cmd)
                walls[name].append(wall)
                memory[name] = max(memory[name], rss)
                if name != "slo":
                    queries[name].append(last_json(out)["query_s"])
        med = {name: statistics.median(v) for name, v in walls.items()}
        best_peer = min(("duckdb", "polars"), key=lambda n: med[n])
        print(f"\n{fmt}: {path} ({size:.0f} MB, {args.rows:,} rows); counts agree: {counts['slo']}")
        print(f"  {'tool':8} {'median wall':>12} {'MB/s':>8} {'peak RSS':>10} {'query only':>11}")
        for name in tools:
            q = f"{statistics.median(queries[name]):.2f} s" if queries[name] else "–"
            print(f"  {name:8} {med[name]:>10.2f} s {size / med[name]:>8.0f} {memory[name]:>7.0f} MB {q:>11}")
        ratio = med[best_peer] / med["slo"]
        print(f"  slo is {ratio:.2f}x faster than the faster peer ({best_peer}) in wall time")
        # Each round times the tools back to back, so a round's ratio is little affected by the
        # machine's speed drifting during the run.
        paired = sorted(p / s for p, s in zip(walls[best_peer], walls["slo"]))
        print(f"  per round: median {statistics.median(paired):.2f}x, "
              f"from {paired[0]:.2f}x to {paired[-1]:.2f}x")
        if queries[best_peer]:
            qratio = statistics.median(queries[best_peer]) / med["slo"]
            print(f"  ({qratio:.2f}x against {best_peer}'s in-process query time alone)")
        summary[fmt] = {"slo_s": med["slo"], "peer": best_peer, "peer_s": med[best_peer], "ratio": ratio,
                        "paired_ratio": statistics.median(paired),
                        "slo_rss_mb": memory["slo"]}

    if "nginx" in cases:
        nginx_case(slo, python, base, args.runs)
    if "nginx-timed" in cases:
        nginx_case(slo, python, base, args.runs, timed=True)

    if "latest" in cases:
        paired_case(slo, base, args.runs, "latest", ["--at", "latest"], 1.15,
                    "--at latest against a fixed --at (issue 19: at most 1.15x)")
    if "history" in cases:
        paired_case(slo, base, args.runs, "history",
                    ["--from", "2026-09-01T01:00:00Z", "--to", AT, "--every", "1h"], 1.5,
                    "a 168-instant history against one report (issue 16: at most 1.5x)")
    if "slos" in cases:
        slos_case(slo, python, base, args.runs, args.data)
    if "groups" in cases:
        groups_case(slo, python, base, args.runs, args.data)
    if "gzip" in cases:
        gzip_case(slo, base, args.runs)
    if "memory" in cases:
        memory_case(slo, base, small, args.rows, "nginx" in cases)


def paired_case(slo, base, runs, name, args, goal, title):
    """slo with `args` against slo at a fixed --at, on the CSV, alternating; the ratio of
    medians and per round."""
    csv = f"{base}.csv"
    fixed = [slo, "report", "-s", str(SPEC), csv, "--at", AT, "-f", "json", "--quiet"]
    other = [slo, "report", "-s", str(SPEC), csv, *args, "-f", "json", "--quiet"]
    run(other)  # warm the page cache
    walls = {"fixed": [], name: []}
    for _ in range(runs):
        walls["fixed"].append(run(fixed)[0])
        walls[name].append(run(other)[0])
    med = {k: statistics.median(v) for k, v in walls.items()}
    paired = sorted(o / f for o, f in zip(walls[name], walls["fixed"]))
    print(f"\n{title}: {med[name]:.2f} s against {med['fixed']:.2f} s, {med[name] / med['fixed']:.2f}x "
          f"(goal ≤ {goal}x); per round: median {statistics.median(paired):.2f}x, from {paired[0]:.2f}x "
          f"to {paired[-1]:.2f}x")


def gzip_case(slo, base, runs):
    """slo on the compressed CSV against decompression alone."""
    gz = f"{base}.csv.gz"
    if not Path(gz).exists():
        print(f"compressing {gz} …", file=sys.stderr)
        with open(f"{base}.csv", "rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    zcat = []
    slo_gz = []
    for _ in range(runs):
        zcat.append(run(["zcat", gz], stdout=subprocess.DEVNULL)[0])
        slo_gz.append(run([slo, "report", "-s", str(SPEC), gz, "--at", AT, "-f", "json", "--quiet"])[0])
    print(f"\ngzip: zcat alone {statistics.median(zcat):.2f} s, slo report {statistics.median(slo_gz):.2f} s "
          f"({statistics.median(slo_gz) / statistics.median(zcat):.2f}x zcat)")


def memory_case(slo, base, small, rows, nginx):
    """Memory is flat in the number of rows."""
    inputs = {"csv": (".csv", SPEC, []), "jsonl": (".jsonl", SPEC, [])}
    if nginx:
        inputs["nginx"] = (".log", NGINX_SPEC, ["--input-format", "nginx"])
    for fmt, (ext, spec, extra) in inputs.items():
        cmd = lambda path: [slo, "report", "-s", str(spec), path, *extra, "--at", AT, "-f", "json", "--quiet"]  # noqa: E731
        rss_small = run(cmd(f"{small}{ext}"))[1]
        rss_big = run(cmd(f"{base}{ext}"))[1]
        print(f"memory ({fmt}): {rss_small:.0f} MB at 1 M rows, {rss_big:.0f} MB at {rows / 1e6:.0f} M rows "
              f"({(rss_big / rss_small - 1) * 100:+.0f} %)")


if __name__ == "__main__":
    main()
