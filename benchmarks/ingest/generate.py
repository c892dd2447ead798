"""Write N synthetic dossier records as CSV, shaped like a national one-stop-shop export.

The data is a deterministic function of the row number (hashes, not a random generator), so the same
``--rows`` always gives the same file, and DuckDB can write it in parallel: 10 million rows take seconds.

    python benchmarks/ingest/generate.py --rows 10000000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import duckdb

DATA = Path(__file__).resolve().parent.parent / ".data"

# About the national shape: 63 provinces, ~700 districts, ~10,000 communes, three years of dossiers,
# 45 % online, a few per cent still open at the extract date or withdrawn.
QUERY = """
WITH base AS (
    SELECT i,
           hash(i, 1) % 100 AS lvl_draw,
           hash(i, 2) % 100 AS chan_draw,
           hash(i, 3) % 100 AS fo_draw,
           hash(i, 4) % 100 AS fate_draw,
           DATE '2021-01-01' + CAST(hash(i, 5) % 1095 AS INTEGER) AS received,
           CAST(3 + hash(i, 6) % 28 AS INTEGER) AS allowed_days,
           CAST(hash(i, 7) % 100 AS INTEGER) AS speed
    FROM range({rows}) AS t(i)
), shaped AS (
    SELECT *,
           CASE WHEN lvl_draw < 20 THEN 'province' WHEN lvl_draw < 50 THEN 'district' ELSE 'commune' END
               AS level,
           -- most dossiers finish before their due date, some on it, a tail after it
           received + CASE WHEN speed < 70 THEN allowed_days * speed // 70
                           WHEN speed < 85 THEN allowed_days
                           ELSE allowed_days + (speed - 84) * 2 END AS finished
    FROM base
)
SELECT printf('HS-%09d', i) AS dossier_id,
       CASE level WHEN 'province' THEN printf('tinh-%02d', hash(i, 8) % 63)
                  WHEN 'district' THEN printf('huyen-%03d', hash(i, 8) % 700)
                  ELSE printf('xa-%05d', hash(i, 8) % 10000) END AS unit,
       level,
       CASE WHEN chan_draw < 45 THEN 'online' WHEN chan_draw < 95 THEN 'direct' ELSE 'postal' END AS channel,
       received AS received_on,
       received + allowed_days AS due_on,
       CASE WHEN fate_draw >= 2 AND finished <= DATE '2023-12-31' THEN finished END AS resolved_on,
       CASE WHEN fate_draw < 2 THEN least(received + allowed_days // 2, DATE '2023-12-31') END
           AS withdrawn_on,
       CASE WHEN chan_draw < 45 AND fo_draw < 60 THEN 'true' ELSE 'false' END AS full_online
FROM shaped
"""


def generate(rows: int, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect()
    con.execute(f"COPY ({QUERY.format(rows=rows)}) TO '{path}' (HEADER, DELIMITER ',', DATEFORMAT '%Y-%m-%d')")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--output", type=Path, help="default: benchmarks/.data/dossiers-<rows>.csv")
    args = parser.parse_args()
    path = args.output or DATA / f"dossiers-{args.rows}.csv"
    started = time.perf_counter()
    generate(args.rows, path)
    size = path.stat().st_size / 2**20
    print(f"{args.rows:,} dossiers -> {path} ({size:.0f} MiB, {time.perf_counter() - started:.1f} s)")


if __name__ == "__main__":
    sys.exit(main())
