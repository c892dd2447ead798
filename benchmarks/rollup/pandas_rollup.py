"""The pandas baseline for `parcalc compute FILE --grain G --by level --format json`: same roll-up rules.

Per unit, flows add up over the months, carried over is the first month's and pending the last's; then
units add up per level, a total row is added and rates are divided from the summed counts.

    python benchmarks/rollup/pandas_rollup.py FILE quarter OUTPUT.json
"""

from __future__ import annotations

import json
import sys

import pandas as pd

FLOWS = [
    "received_new", "received_online", "received_direct", "received_postal", "resolved", "resolved_early",
    "resolved_on_time", "resolved_late", "ecert",
]  # fmt: skip
OPENING = ["carried_over"]
CLOSING = ["pending", "pending_within", "pending_overdue"]
SPAN = {"quarter": 3, "half": 6, "year": 12}


def main() -> None:
    path, grain, output = sys.argv[1], sys.argv[2], sys.argv[3]
    frame = pd.read_csv(path)
    month = frame["period"].str.slice(5, 7).astype(int)
    first = (month - 1) // SPAN[grain] * SPAN[grain] + 1
    frame["bucket"] = frame["period"].str.slice(0, 4) + "-" + first.astype(str).str.zfill(2)
    frame = frame.sort_values(["unit", "period"])
    rules = {**dict.fromkeys(FLOWS, "sum"), **dict.fromkeys(OPENING, "first"), **dict.fromkeys(CLOSING, "last")}
    units = frame.groupby(["bucket", "level", "unit"], sort=False).agg(rules)
    levels = units.groupby(["bucket", "level"]).sum()
    totals = units.groupby(["bucket"]).sum()
    rows = []
    for key, counts in [*levels.iterrows(), *totals.iterrows()]:
        c = {k: int(v) for k, v in counts.items()}
        c["received"] = c["received_new"] + c["carried_over"]
        c["resolved_in_time"] = c["resolved_early"] + c["resolved_on_time"]

        def ratio(top: int, bottom: int) -> float | None:
            return top / bottom if bottom else None

        metrics = {
            "on_time_rate": ratio(c["resolved_in_time"], c["resolved"]),
            "late_rate": ratio(c["resolved_late"], c["resolved"]),
            "resolution_rate": ratio(c["resolved"], c["received"]),
            "online_share": ratio(c["received_online"], c["received_new"]),
            "progress_rate": ratio(c["resolved_in_time"] + c["pending_within"], c["resolved"] + c["pending"]),
            "ecert_per_month": c["ecert"] / SPAN[grain],
        }
        period, level = key if isinstance(key, tuple) else (key, None)
        rows.append({"period": period, "level": level, "counts": c, "metrics": metrics})
    with open(output, "w", encoding="utf-8") as handle:
        json.dump({"rows": rows}, handle, ensure_ascii=False, indent=2)


if __name__ == "__main__":
    main()
