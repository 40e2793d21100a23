#!/usr/bin/env python3
"""How fast the query of `slo sql --dialect duckdb` runs in DuckDB, against a hand-written query
that counts the same things (issue 18): per minute and SLO, the good, bad and invalid events of
the benchmark's three SLOs (benches/slo-specs.yaml) over the 10 M-row CSV.

    python3 benches/sql_bench.py [--rows 10000000] [--runs 5] [--data benches/data]

The hand-written query is what a person would write: one scan of the CSV with its types
detected, one GROUP BY minute, FILTERed counts per SLO in columns (a wide result). The generated
one (reading files itself, it reads every value as text, as slo does) counts in columns too,
with the events exactly on a minute apart, then writes one record per SLO. Both read the CSV
(what users run: the file is the table), and both run on a table already in memory with the
CSV's detected types (the counting alone; the generated query also on a table of text), 2
threads, in the same process, alternating. Their totals must agree. The data comes from benches/bench.py (run
it once first); DuckDB from benches/.venv.
"""

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SPEC = ROOT / "benches" / "slo-specs.yaml"

HAND = """
SELECT
  time_bucket(INTERVAL 1 MINUTE, ts) AS minute,
  count(*) FILTER (WHERE service = 'checkout') AS checkout_total,
  count(*) FILTER (WHERE service = 'checkout' AND status < 500) AS checkout_good,
  count(*) FILTER (WHERE route = '/api/cart' AND latency_ms IS NOT NULL) AS cart_total,
  count(*) FILTER (WHERE route = '/api/cart' AND latency_ms <= 300) AS cart_good,
  count(*) FILTER (WHERE status IS NOT NULL) AS all_total,
  count(*) FILTER (WHERE status < 500) AS all_good
FROM (SELECT CAST("timestamp" AS TIMESTAMPTZ) AS ts, * FROM {source})
GROUP BY minute
"""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--data", default=str(ROOT / "benches" / "data"))
    args = parser.parse_args()
    csv = Path(args.data) / f"requests-{args.rows}.csv"
    if not csv.exists():
        sys.exit(f"{csv} is missing: run python3 benches/bench.py --rows {args.rows} --cases csv once")
    python = ROOT / "benches" / ".venv" / "bin" / "python"
    if not python.exists():
        sys.exit("benches/.venv is missing: run python3 benches/bench.py once")
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    slo = ROOT / "target" / "release" / "slo"
    generated = subprocess.run([str(slo), "sql", "--dialect", "duckdb", "-s", str(SPEC), "--table", "logs"],
                               check=True, capture_output=True, text=True).stdout
    script = r"""
import sys, time, json, duckdb
csv, runs, generated, hand = sys.argv[1], int(sys.argv[2]), open(sys.argv[3]).read(), sys.argv[4]
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET TimeZone = 'UTC'")
con.execute("SET enable_progress_bar = false")
text_csv = f"read_csv('{csv}', header = true, all_varchar = true, nullstr = '\\N')"
typed_csv = f"read_csv('{csv}', header = true)"
con.execute(f"CREATE TABLE text_rows AS SELECT * FROM {text_csv}")
con.execute(f"CREATE TABLE typed_rows AS SELECT * FROM {typed_csv}")
queries = {
    "generated, on the CSV": generated.replace("FROM logs AS", f"FROM {text_csv} AS"),
    "hand-written, on the CSV": hand.format(source=typed_csv),
    "generated, on a table": generated.replace("FROM logs AS", "FROM typed_rows AS"),
    "generated, on a text table": generated.replace("FROM logs AS", "FROM text_rows AS"),
    "hand-written, on a table": hand.format(source="typed_rows"),
}
times = {name: [] for name in queries}
totals = {}
for _ in range(runs):
    for name, sql in queries.items():
        t = time.perf_counter()
        rows = con.execute(f"SELECT * FROM ({sql})").fetchall()
        times[name].append(time.perf_counter() - t)
        if name.startswith("generated"):
            totals[name] = sorted((r[0], sum(x[4] for x in rows if x[0] == r[0]), sum(x[5] for x in rows if x[0] == r[0])) for r in {(x[0],) for x in rows})
        else:
            s = [sum(r[i] for r in rows) for i in range(1, 7)]
            totals[name] = sorted([("availability", s[4], s[5]), ("cart-latency", s[2], s[3]), ("checkout-availability", s[0], s[1])])
print(json.dumps({"times": times, "totals": totals}))
"""
    query_file = Path(args.data) / "generated-duckdb.sql"
    query_file.write_text(generated)
    out = subprocess.run([str(python), "-c", script, str(csv), str(args.runs), str(query_file), HAND],
                         check=True, capture_output=True, text=True).stdout
    import json
    result = json.loads(out)
    totals = {tuple(map(tuple, v)) for v in result["totals"].values()}
    if len(totals) != 1:
        sys.exit(f"the queries disagree: {json.dumps(result['totals'], indent=1)}")
    print(f"{args.rows} rows, {args.runs} alternating runs each, DuckDB 2 threads; totals agree: {result['totals']['generated, on the CSV']}")
    med = {name: statistics.median(t) for name, t in result["times"].items()}
    for name, t in result["times"].items():
        print(f"  {name:26} median {med[name]:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in t)})")
    for where in ("on the CSV", "on a table"):
        paired = sorted(g / h for g, h in zip(result["times"][f"generated, {where}"], result["times"][f"hand-written, {where}"]))
        print(f"  generated / hand-written, {where}: {med[f'generated, {where}'] / med[f'hand-written, {where}']:.2f}x "
              f"(paired runs {paired[0]:.2f}-{paired[-1]:.2f}x; goal on the CSV: at most 1.5x)")


if __name__ == "__main__":
    main()
