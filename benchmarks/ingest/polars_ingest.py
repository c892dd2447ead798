"""A streaming Polars program computing the figures `parcalc ingest` computes: the contender to beat.

The same definitions (CONTRACT.md, "Dossier records"), written the way a Polars user would write them
fast: every dossier becomes at most three events keyed by period (received; closed; became overdue),
the events of all dossiers are grouped once by (level, unit, period) in Polars' streaming engine, and
the stocks (pending, overdue) are running sums over that small table. It checks nothing (no bad rows,
no repeated ids): clean records only, which is what the benchmark generates.

    python benchmarks/ingest/polars_ingest.py RECORDS.csv OUTPUT.csv --as-of 2023-12-31 [--grain month]

The output is the CSV `parcalc ingest -o figures.csv` writes: every unit in every period from the first.
The test suite (tests/test_ingest_contenders.py) checks it against parcalc and a plain-Python reading of
the definitions on random dossier sets.
"""

from __future__ import annotations

import argparse
from datetime import date, timedelta
from pathlib import Path

import polars as pl

from parcalc.core.periods import Grain, date_window, month_run

LEVELS = ["province", "district", "commune"]
FIELDS = [
    "received", "received_new", "carried_over", "received_online", "received_direct", "received_postal",
    "received_full_online", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "withdrawn",
    "pending", "pending_within", "pending_overdue",
]  # fmt: skip
EVENTS = ["online", "direct", "postal", "full_online", "early", "on_time", "late", "withdrawn", "opened", "overdue"]


def period_key(day: pl.Expr, months: int, start_day: int) -> pl.Expr:
    month = day.dt.year().cast(pl.Int64) * 12 + day.dt.month().cast(pl.Int64) - 1
    if start_day != 1:
        month = month + (day.dt.day() >= start_day).cast(pl.Int64)
    return month // months


def key_of(day: date, months: int, start_day: int) -> int:
    month = day.year * 12 + day.month - 1 + (1 if start_day != 1 and day.day >= start_day else 0)
    return month // months


def figures(path: Path, as_of: date, grain: Grain = Grain.MONTH, start_day: int = 1) -> pl.DataFrame:
    months = grain.value
    dates = {c: pl.Date for c in ("received_on", "due_on", "resolved_on", "withdrawn_on")}
    records = pl.scan_csv(path, schema_overrides={**dates, "dossier_id": pl.String, "unit": pl.String})
    limit = pl.lit(as_of)
    d = pl.when(pl.col("resolved_on") <= limit).then(pl.col("resolved_on"))
    w = pl.when(pl.col("withdrawn_on") <= limit).then(pl.col("withdrawn_on"))
    timed = (
        records.filter(pl.col("received_on") <= limit)
        .with_columns(d=d, w=w, fo=pl.col("full_online").cast(pl.String).str.to_lowercase() == "true")
        .with_columns(
            c=pl.coalesce("d", "w"), x=pl.max_horizontal(pl.col("received_on"), pl.col("due_on") + timedelta(days=1))
        )
        .with_columns(
            kr=period_key(pl.col("received_on"), months, start_day),
            kc=period_key(pl.col("c"), months, start_day),
            kx=period_key(pl.col("x"), months, start_day),
        )
        # an open dossier becomes overdue in period kx, unless it was closed by then
        .with_columns(kx=pl.when(pl.col("c").is_null() | (pl.col("kx") < pl.col("kc"))).then(pl.col("kx")))
    )
    zero = pl.lit(0, pl.Int64)
    one = pl.lit(1, pl.Int64)
    received = timed.select(
        "level", "unit", k="kr",
        online=(pl.col("channel") == "online").cast(pl.Int64),
        direct=(pl.col("channel") == "direct").cast(pl.Int64),
        postal=(pl.col("channel") == "postal").cast(pl.Int64),
        full_online=pl.col("fo").cast(pl.Int64),
        early=zero, on_time=zero, late=zero, withdrawn=zero, opened=one, overdue=zero,
    )  # fmt: skip
    closed = timed.filter(pl.col("c").is_not_null()).select(
        "level", "unit", k="kc",
        online=zero, direct=zero, postal=zero, full_online=zero,
        early=(pl.col("d") < pl.col("due_on")).fill_null(False).cast(pl.Int64),
        on_time=(pl.col("d") == pl.col("due_on")).fill_null(False).cast(pl.Int64),
        late=(pl.col("d") > pl.col("due_on")).fill_null(False).cast(pl.Int64),
        withdrawn=pl.col("w").is_not_null().cast(pl.Int64),
        opened=-one,
        overdue=-(pl.col("kx").is_not_null().cast(pl.Int64)),
    )  # fmt: skip
    overdue = timed.filter(pl.col("kx").is_not_null()).select(
        "level", "unit", k="kx",
        online=zero, direct=zero, postal=zero, full_online=zero,
        early=zero, on_time=zero, late=zero, withdrawn=zero, opened=zero, overdue=one,
    )  # fmt: skip
    # the last period may end on the as-of date, before its month ends: its overdue count is taken that day
    overdue_now = timed.filter(pl.col("c").is_null() & (pl.col("due_on") < limit)).group_by("level", "unit").len()
    events, now = pl.collect_all(
        [
            pl.concat([received, closed, overdue]).group_by("level", "unit", "k").agg(pl.col(EVENTS).sum()),
            overdue_now,
        ],
        engine="streaming",
    )
    if events.is_empty():
        return pl.DataFrame(
            schema={"period": pl.String, "level": pl.String, "unit": pl.String, **{f: pl.Int64 for f in FIELDS}}
        )
    last = key_of(as_of, months, start_day)
    first = int(events["k"].min())  # type: ignore[arg-type]
    labels = []
    for key in range(first, last + 1):
        period = month_run(key * months, months, start_day)
        if key == last and as_of < period.end:
            period = date_window(period.start, as_of, start_day)
        labels.append((key, period.label))
    periods = pl.DataFrame(labels, schema={"k": pl.Int64, "period": pl.String}, orient="row")
    units = events.select("level", "unit").unique()
    rank = pl.col("level").replace_strict(LEVELS, list(range(len(LEVELS))), default=len(LEVELS))
    grid = units.join(periods, how="cross")
    table = (
        grid.join(events.filter(pl.col("k") <= last), on=["level", "unit", "k"], how="left")
        .with_columns(pl.col(EVENTS).fill_null(0))
        .sort("level", "unit", "k")
        .with_columns(
            pending=pl.col("opened").cum_sum().over("level", "unit"),
            overdue_running=pl.col("overdue").cum_sum().over("level", "unit"),
        )
        .join(now.rename({"len": "overdue_now"}), on=["level", "unit"], how="left")
        .with_columns(
            received_new=pl.col("online") + pl.col("direct") + pl.col("postal"),
            resolved=pl.col("early") + pl.col("on_time") + pl.col("late"),
            pending_overdue=pl.when(pl.col("k") == last)
            .then(pl.col("overdue_now").fill_null(0).cast(pl.Int64))
            .otherwise(pl.col("overdue_running")),
        )
        .with_columns(
            carried_over=pl.col("pending") - pl.col("received_new") + pl.col("resolved") + pl.col("withdrawn"),
        )
        .with_columns(received=pl.col("carried_over") + pl.col("received_new"))
        .select(
            "period",
            "level",
            "unit",
            "received",
            "received_new",
            "carried_over",
            received_online="online",
            received_direct="direct",
            received_postal="postal",
            received_full_online="full_online",
            resolved="resolved",
            resolved_early="early",
            resolved_on_time="on_time",
            resolved_late="late",
            withdrawn="withdrawn",
            pending="pending",
            pending_within=pl.col("pending") - pl.col("pending_overdue"),
            pending_overdue="pending_overdue",
            _k="k",
            _rank=rank,
        )
        .sort("_k", "_rank", "level", "unit")
        .drop("_k", "_rank")
    )
    return table.with_columns(pl.col(FIELDS).cast(pl.Int64))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("records", type=Path)
    parser.add_argument("output", type=Path)
    parser.add_argument("--as-of", type=date.fromisoformat, required=True)
    parser.add_argument("--grain", default="month", choices=[g.name.lower() for g in Grain])
    parser.add_argument("--start-day", type=int, default=1)
    args = parser.parse_args()
    figures(args.records, args.as_of, Grain.parse(args.grain), args.start_day).write_csv(args.output)


if __name__ == "__main__":
    main()
