"""Time `parcalc compute FILE --grain G --by level --format json` against the pandas baseline.

Both run as fresh processes (start-up included), on 10,000 communes x 12 months of figures generated
into benchmarks/.data/ when absent. Prints each time and the ratio parcalc / pandas (below 1: faster).

    python benchmarks/rollup/run.py [--communes 10000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / ".data"


# 120,000 figures tables are over parcalc's default guard against runaway input.
ENV = {**os.environ, "PARCALC_MAX_TABLES": "10000000"}


def best_of(command: list[str], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=ENV)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    figures = DATA / f"rollup-{args.communes}.csv"
    if not figures.exists():
        generate = [sys.executable, str(HERE / "generate.py"), "--communes", str(args.communes)]
        subprocess.run([*generate, "--output", str(figures)], check=True)
    for grain in ("quarter", "year"):
        parcalc = [sys.executable, "-m", "parcalc", "compute", str(figures), "--grain", grain, "--by", "level"]
        parcalc += ["--format", "json", "-o", str(DATA / f"parcalc-{grain}.json")]
        pandas = [
            sys.executable,
            str(HERE / "pandas_rollup.py"),
            str(figures),
            grain,
            str(DATA / f"pandas-{grain}.json"),
        ]
        ours, theirs = best_of(parcalc, args.repeat), best_of(pandas, args.repeat)
        print(f"{grain:8} parcalc {ours:6.2f} s   pandas {theirs:6.2f} s   ratio {ours / theirs:5.2f}")
    print("command: " + " ".join(parcalc[1:]))


if __name__ == "__main__":
    main()
