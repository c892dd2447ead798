"""Write synthetic monthly figures for N communes (default 10,000) over 12 months as a CSV sheet.

Illustrative data only: a deterministic function of the commune and month numbers, consistent month to
month (each month's carried over is the previous month's pending), so that roll-ups raise no warnings.

    python benchmarks/rollup/generate.py --communes 10000
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / ".data"
HEADER = [
    "period", "level", "unit", "received_new", "received_online", "received_direct", "received_postal",
    "carried_over", "resolved", "resolved_early", "resolved_on_time", "resolved_late", "pending",
    "pending_within", "pending_overdue", "ecert",
]  # fmt: skip


def rows(communes: int, year: int = 2022) -> list[list[object]]:
    out: list[list[object]] = []
    for c in range(communes):
        unit = f"xa-{c:05d}"
        pending = 5 + c % 17
        for month in range(1, 13):
            seed = (c * 31 + month * 7) % 97
            new = 40 + seed
            online = new * (30 + seed % 40) // 100
            postal = seed % 5
            direct = new - online - postal
            handled = new + pending
            resolved = handled * (80 + seed % 15) // 100
            late = resolved * (seed % 7) // 100
            early = resolved * (50 + seed % 20) // 100
            on_time = resolved - late - early
            carried, pending = pending, handled - resolved
            overdue = pending * (seed % 4) // 100
            out.append([
                f"{year}-{month:02d}", "commune", unit, new, online, direct, postal, carried, resolved,
                early, on_time, late, pending, pending - overdue, overdue, seed % 40,
            ])  # fmt: skip
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--output", type=Path, help="default: benchmarks/.data/rollup-N.csv")
    args = parser.parse_args()
    args.output = args.output or DATA / f"rollup-{args.communes}.csv"
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(rows(args.communes))
    print(f"wrote {args.communes * 12:,} rows to {args.output}")


if __name__ == "__main__":
    main()
