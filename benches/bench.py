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

Usage:  python3 benches/bench.py [--rows 10000000] [--runs 5] [--data benches/data]
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


def slo_counts(output):
    report = json.loads(output)
    by = {r["slo"]: r for r in report["results"]}
    return [
        by["checkout-availability"]["total"], by["checkout-availability"]["good"],
        by["cart-latency"]["total"], by["cart-latency"]["good"],
        by["availability"]["total"], by["availability"]["good"],
    ]


def ensure_data(data, rows):
    data.mkdir(parents=True, exist_ok=True)
    base = data / f"requests-{rows}"
    small = data / "requests-1000000"
    for path, n in ((base, rows), (small, 1_000_000)):
        if not Path(f"{path}.csv").exists() or not Path(f"{path}.jsonl").exists():
            print(f"generating {n} rows into {path}.csv/.jsonl …", file=sys.stderr)
            subprocess.run(
                [sys.executable, str(ROOT / "benches" / "gen_logs.py"), "--rows", str(n), "--start", START,
                 "--days", "7", "--seed", "1", "--format", "both", "--out", str(path), "--quiet"],
                check=True,
            )
    gz = Path(f"{base}.csv.gz")
    if not gz.exists():
        print(f"compressing {gz} …", file=sys.stderr)
        with open(f"{base}.csv", "rb") as src, gzip.open(gz, "wb", compresslevel=6) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
    return base, small


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
    args = parser.parse_args()

    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    slo = str(ROOT / "target" / "release" / "slo")
    python = ensure_venv()
    base, small = ensure_data(args.data, args.rows)
    versions = subprocess.run(
        [python, "-c", "import duckdb, polars; print(duckdb.__version__, polars.__version__)"],
        capture_output=True, text=True, check=True).stdout.split()
    print(f"machine: {os.cpu_count()} CPUs; duckdb {versions[0]}, polars {versions[1]}; {args.runs} runs each, alternating")

    summary = {}
    for fmt in ("csv", "jsonl"):
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

    # gzip: slo on the compressed CSV against decompression alone.
    gz = f"{base}.csv.gz"
    zcat = []
    slo_gz = []
    for _ in range(args.runs):
        zcat.append(run(["zcat", gz], stdout=subprocess.DEVNULL)[0])
        slo_gz.append(run([slo, "report", "-s", str(SPEC), gz, "--at", AT, "-f", "json", "--quiet"])[0])
    print(f"\ngzip: zcat alone {statistics.median(zcat):.2f} s, slo report {statistics.median(slo_gz):.2f} s "
          f"({statistics.median(slo_gz) / statistics.median(zcat):.2f}x zcat)")

    # Memory is flat in the number of rows.
    for fmt in ("csv", "jsonl"):
        rss_small = run([slo, "report", "-s", str(SPEC), f"{small}.{fmt}", "--at", AT, "-f", "json", "--quiet"])[1]
        rss_big = run([slo, "report", "-s", str(SPEC), f"{base}.{fmt}", "--at", AT, "-f", "json", "--quiet"])[1]
        print(f"memory ({fmt}): {rss_small:.0f} MB at 1 M rows, {rss_big:.0f} MB at {args.rows / 1e6:.0f} M rows "
              f"({(rss_big / rss_small - 1) * 100:+.0f} %)")


if __name__ == "__main__":
    main()
