#!/usr/bin/env python3
"""The golden queries of the engines that cannot run here (Trino, Athena, BigQuery, Snowflake),
and of the others too, must parse in their dialect: sqlglot is the syntax gate.

    python3 tests/sql/syntax.py

The golden files are what `slo sql` writes for tests/sql/spec.yaml (the integration test
`sql::golden_queries` checks that); sqlglot only parses them, it never rewrites them.
"""

import os
import sys

import sqlglot

HERE = os.path.dirname(os.path.abspath(__file__))
# slo's dialect → sqlglot's; DataFusion has none in sqlglot (it runs in parity.py instead).
DIALECTS = {"duckdb": "duckdb", "clickhouse": "clickhouse", "spark": "spark", "trino": "trino",
            "athena": "athena", "bigquery": "bigquery", "snowflake": "snowflake"}

failures = 0
for file in sorted(os.listdir(os.path.join(HERE, "golden"))):
    name = file.removesuffix(".sql")
    dialect = DIALECTS.get(name.removesuffix("-access"))
    if dialect is None:
        continue
    with open(os.path.join(HERE, "golden", file)) as f:
        sql = f.read()
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
        if len(statements) != 1:
            raise ValueError(f"{len(statements)} statements, not one")
        print(f"ok {name}: parses as {dialect}")
    except Exception as e:  # sqlglot raises several kinds of errors
        failures += 1
        print(f"FAIL {name}: {str(e)[:800]}")
sys.exit(1 if failures else 0)
