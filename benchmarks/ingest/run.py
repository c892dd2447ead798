"""Time `parcalc ingest` against a streaming Polars program, a DuckDB query and pandas, in one run.

A fourth process only reads the file (DuckDB, every column, nothing computed): the floor for any
program that reads it, which bounds how much faster than pandas anything can be on this machine.

Each contender runs as its own process (start-up included) on the same generated CSV, writes the same
monthly figures as CSV, and is timed by wall clock; its peak memory is the child's own max RSS and its CPU
time (user + system, all threads) come from os.wait4. Runs are interleaved and the best of --repeat is
kept, because a shared machine is noisy; CPU time is printed too, because on a busy machine a process that
uses both cores loses more wall time to the others than a single-threaded one does.

Also timed: parcalc on the same records as Parquet against the Parquet floor, and parcalc writing TOML
and JSON instead of CSV. The figures of every contender are checked against parcalc's.

    python benchmarks/ingest/run.py --rows 1000000 --repeat 3
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
import time
from pathlib import Path

import generate

HERE = Path(__file__).resolve().parent
AS_OF = "2023-12-31"  # the generator's last day, so every contender reports the same whole months
BASELINE_SQL = """
WITH d AS (
    SELECT *, coalesce(resolved_on, withdrawn_on) AS closed_on FROM read_csv({path})
), p AS (
    SELECT strftime(m, '%Y-%m') AS period, m::DATE AS p_start,
           (m + INTERVAL 1 MONTH - INTERVAL 1 DAY)::DATE AS p_end
    FROM range(DATE '2021-01-01', DATE '2024-01-01', INTERVAL 1 MONTH) t(m)
)
SELECT period, level, unit,
       count(*) AS received,
       count(*) FILTER (received_on >= p_start) AS received_new,
       count(*) FILTER (received_on < p_start) AS carried_over,
       count(*) FILTER (received_on >= p_start AND channel = 'online') AS received_online,
       count(*) FILTER (received_on >= p_start AND channel = 'direct') AS received_direct,
       count(*) FILTER (received_on >= p_start AND channel = 'postal') AS received_postal,
       count(*) FILTER (received_on >= p_start AND full_online) AS received_full_online,
       count(*) FILTER (resolved_on <= p_end) AS resolved,
       count(*) FILTER (resolved_on <= p_end AND resolved_on < due_on) AS resolved_early,
       count(*) FILTER (resolved_on <= p_end AND resolved_on = due_on) AS resolved_on_time,
       count(*) FILTER (resolved_on <= p_end AND resolved_on > due_on) AS resolved_late,
       count(*) FILTER (withdrawn_on <= p_end) AS withdrawn,
       count(*) FILTER (closed_on IS NULL OR closed_on > p_end) AS pending,
       count(*) FILTER ((closed_on IS NULL OR closed_on > p_end) AND due_on >= p_end) AS pending_within,
       count(*) FILTER ((closed_on IS NULL OR closed_on > p_end) AND due_on < p_end) AS pending_overdue
FROM d JOIN p ON d.received_on <= p.p_end AND (d.closed_on IS NULL OR d.closed_on >= p.p_start)
GROUP BY ALL
ORDER BY period, level, unit
"""


def read_only(path: Path, out: Path) -> None:
    """The floor: DuckDB reading every column of the file (types detected) and computing nothing else.

    No program that reads the file can take less; on a machine where this floor is not 10x faster than
    pandas, no ingest can be either.
    """
    import duckdb

    con = duckdb.connect()
    columns = [name for name, *_ in con.execute(f"DESCRIBE SELECT * FROM read_csv({str(path)!r})").fetchall()]
    touched = ", ".join(f'count("{name}")' for name in columns)
    found = con.execute(f"SELECT count(*), {touched} FROM read_csv({str(path)!r})").fetchone()
    out.write_text(f"{found}\n", encoding="utf-8")


def duckdb_baseline_rows(path: Path) -> list[tuple[object, ...]]:
    import duckdb

    return duckdb.connect().execute(BASELINE_SQL.format(path=f"'{path}'")).fetchall()


def duckdb_baseline(path: Path, out: Path) -> None:
    import duckdb

    duckdb.connect().execute(f"COPY ({BASELINE_SQL.format(path=repr(str(path)))}) TO '{out}' (HEADER)")


def pandas_baseline(path: Path, out: Path) -> None:
    """What an analyst would write: one boolean mask per month, then a group-by."""
    import pandas as pd

    dates = ["received_on", "due_on", "resolved_on", "withdrawn_on"]
    df = pd.read_csv(path, parse_dates=dates)
    df["closed_on"] = df["resolved_on"].fillna(df["withdrawn_on"])
    frames = []
    for start in pd.date_range("2021-01-01", "2023-12-01", freq="MS"):
        end = start + pd.offsets.MonthEnd(0)
        active = df[(df["received_on"] <= end) & (df["closed_on"].isna() | (df["closed_on"] >= start))]
        new = active["received_on"] >= start
        resolved = active["resolved_on"] <= end
        pending = active["closed_on"].isna() | (active["closed_on"] > end)
        flags = pd.DataFrame(
            {
                "level": active["level"],
                "unit": active["unit"],
                "received": 1,
                "received_new": new,
                "carried_over": ~new,
                "received_online": new & (active["channel"] == "online"),
                "received_direct": new & (active["channel"] == "direct"),
                "received_postal": new & (active["channel"] == "postal"),
                "received_full_online": new & active["full_online"],
                "resolved": resolved,
                "resolved_early": resolved & (active["resolved_on"] < active["due_on"]),
                "resolved_on_time": resolved & (active["resolved_on"] == active["due_on"]),
                "resolved_late": resolved & (active["resolved_on"] > active["due_on"]),
                "withdrawn": active["withdrawn_on"] <= end,
                "pending": pending,
                "pending_within": pending & (active["due_on"] >= end),
                "pending_overdue": pending & (active["due_on"] < end),
            }
        )
        summed = flags.groupby(["level", "unit"]).sum().astype("int64").reset_index()
        summed.insert(0, "period", start.strftime("%Y-%m"))
        frames.append(summed)
    pd.concat(frames).sort_values(["period", "level", "unit"]).to_csv(out, index=False)


def timed(command: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak RSS (MiB) and CPU seconds of one child process (all its threads)."""
    started = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}")
    return wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


def nonzero_rows(path: Path) -> set[tuple[str, ...]]:
    """Rows with dossiers, as text: parcalc also lists a unit's empty months, the baselines do not."""
    with path.open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return {tuple(row) for row in reader if row[3] != "0"}


def to_parquet(source: Path, target: Path) -> None:
    import duckdb

    duckdb.connect().execute(f"COPY (SELECT * FROM read_csv({str(source)!r})) TO '{target}' (FORMAT parquet)")


def read_parquet_only(path: Path, out: Path) -> None:
    """The Parquet floor: DuckDB reading and decoding every column, nothing computed.

    A hash of each value rather than count(): DuckDB answers count() from the file's metadata unread.
    """
    import duckdb

    con = duckdb.connect()
    columns = [n for n, *_ in con.execute(f"DESCRIBE SELECT * FROM read_parquet({str(path)!r})").fetchall()]
    touched = ", ".join(f'bit_xor(hash("{name}"))' for name in columns)
    out.write_text(f"{con.execute(f'SELECT count(*), {touched} FROM read_parquet({str(path)!r})').fetchone()}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--skip-pandas", action="store_true", help="pandas takes minutes at 10 million rows")
    parser.add_argument("--baseline", choices=list(BASELINES), help=argparse.SUPPRESS)
    parser.add_argument("paths", nargs="*", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.baseline:  # the child process of one baseline run
        BASELINES[args.baseline](*args.paths)
        return

    data = generate.DATA / f"dossiers-{args.rows}.csv"
    if not data.exists():
        generate.generate(args.rows, data)
    parquet = data.with_suffix(".parquet")
    if not parquet.exists():  # in a child: a fork inherits the parent's peak memory in its own max RSS
        subprocess.run([sys.executable, __file__, "--baseline", "to-parquet", str(data), str(parquet)], check=True)
    out = {name: generate.DATA / f"out-{name}-{args.rows}.csv" for name in NAMES}
    ingest = [sys.executable, "-m", "parcalc", "ingest", "--grain", "month", "--as-of", AS_OF, "-q"]

    def baseline(name: str, source: Path) -> list[str]:
        return [sys.executable, __file__, "--baseline", name, str(source), str(out[name])]

    commands = {
        "parcalc": [*ingest, str(data), "-o", str(out["parcalc"])],
        "toml": [*ingest, str(data), "-o", str(out["toml"].with_suffix(".toml"))],
        "json": [*ingest, str(data), "-o", str(out["json"].with_suffix(".json"))],
        "polars": [sys.executable, str(HERE / "polars_ingest.py"), str(data), str(out["polars"]), "--as-of", AS_OF],
        "duckdb": baseline("duckdb", data),
        "pandas": baseline("pandas", data),
        "read": baseline("read", data),
        "parquet": [*ingest, str(parquet), "-o", str(out["parquet"])],
        "read-pq": baseline("read-pq", parquet),
    }
    if args.skip_pandas:
        del commands["pandas"]
    best: dict[str, tuple[float, float, float]] = {}
    for _ in range(args.repeat):
        for name, command in commands.items():  # the contenders take turns, so that load hits them alike
            wall, rss, cpu = timed(command)
            previous = best.get(name, (float("inf"), 0.0, float("inf")))
            best[name] = (min(previous[0], wall), max(previous[1], rss), min(previous[2], cpu))

    reference = nonzero_rows(out["parcalc"])
    print(f"{args.rows:,} dossiers, grain month, best of {args.repeat}; {os.cpu_count()} CPUs")
    for name, (wall, rss, cpu) in best.items():
        same = "reads only" if name.startswith("read") else "same figures"
        if name in ("polars", "duckdb", "pandas", "parquet") and nonzero_rows(out[name]) != reference:
            same = "FIGURES DIFFER"
        if name in ("toml", "json"):
            same = "same run, other output format"
        print(f"  {name:8} {wall:8.2f} s  {cpu:8.2f} s CPU  {rss:7.0f} MiB peak RSS  {same}")

    def ratio(a: str, b: str, goal: str) -> None:
        print(f"{a} / {b}: CPU {best[a][2] / best[b][2]:.2f}x, wall {best[a][0] / best[b][0]:.2f}x ({goal})")

    ratio("parcalc", "read", "goal: CSV ingest <= 2.0x the all-columns read floor")
    ratio("parcalc", "polars", "goal: < 1, faster than the streaming Polars program")
    ratio("parcalc", "duckdb", "the hand-written DuckDB query, which checks nothing")
    ratio("parquet", "read-pq", "goal: Parquet ingest <= 1.5x its floor")
    ratio("toml", "parcalc", "goal: <= 1.10, TOML output within 10% of CSV output")
    ratio("json", "parcalc", "goal: <= 1.10, JSON output within 10% of CSV output")
    if "pandas" in best:
        ratio("pandas", "parcalc", "how many times parcalc is faster than pandas")
    peak = max(best[n][1] for n in ("parcalc", "toml", "json", "parquet"))
    print(f"parcalc peak RSS over every output format and input: {peak:.0f} MiB (goal <= 1024 MiB)")


BASELINES = {
    "duckdb": duckdb_baseline,
    "pandas": pandas_baseline,
    "read": read_only,
    "read-pq": read_parquet_only,
    "to-parquet": to_parquet,
}
NAMES = ("parcalc", "toml", "json", "polars", "parquet", "duckdb", "pandas", "read", "read-pq")


if __name__ == "__main__":
    main()
