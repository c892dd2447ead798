"""Time `parcalc compute FILE --grain G --by level --format json` against the pandas baseline.

Both run as fresh processes (start-up included), on 10,000 communes x 12 months of figures generated
into benchmarks/.data/ when absent, taking turns so that a busy machine slows both alike. Prints the
best time of each, the ratio parcalc / pandas (below 1: faster), and checks that both computed the
same counts.

Python modules run from their compiled bytecode, as installed packages do (pip compiles it at install
time): a PYTHONDONTWRITEBYTECODE=1 environment would otherwise make parcalc, run from its source tree,
compile every module on every run while pandas runs from site-packages' bytecode. The bytecode goes to
benchmarks/.data/pycache; --as-is keeps the environment untouched.

    python benchmarks/rollup/run.py [--communes 10000] [--repeat 5] [--as-is]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / ".data"


def environment(as_is: bool) -> dict[str, str]:
    if as_is:
        return dict(os.environ)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": str(DATA / "pycache")}


def best_of(commands: list[list[str]], repeat: int, env: dict[str, str]) -> list[float]:
    """The best time of each command over ``repeat`` rounds, after one untimed warm-up round."""
    best = [float("inf")] * len(commands)
    for round_ in range(repeat + 1):
        for i, command in enumerate(commands):
            start = time.perf_counter()
            subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=env)
            if round_:
                best[i] = min(best[i], time.perf_counter() - start)
    return best


def same_counts(ours: Path, theirs: Path, grain: str) -> bool:
    """Every count pandas computed for a period and level, parcalc computed too."""
    rows = {(r["period"], r["level"]): r["counts"] for r in json.loads(ours.read_text(encoding="utf-8"))["rows"]}
    for row in json.loads(theirs.read_text(encoding="utf-8"))["rows"]:
        year, month = row["period"].split("-")  # the bucket: the period's first month
        part = (int(month) - 1) // {"quarter": 3, "half": 6, "year": 12}[grain] + 1
        label = {"quarter": f"{year}-Q{part}", "half": f"{year}-H{part}", "year": year}[grain]
        found = rows.get((label, row["level"]))
        if found is None or any(found[k] != v for k, v in row["counts"].items()):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--communes", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--as-is", action="store_true", help="keep the environment (bytecode settings) untouched")
    args = parser.parse_args()
    figures = DATA / f"rollup-{args.communes}.csv"
    if not figures.exists():
        generate = [sys.executable, str(HERE / "generate.py"), "--communes", str(args.communes)]
        subprocess.run([*generate, "--output", str(figures)], check=True)
    env = environment(args.as_is)
    for grain in ("quarter", "year"):
        ours, theirs = DATA / f"parcalc-{grain}.json", DATA / f"pandas-{grain}.json"
        parcalc = [sys.executable, "-m", "parcalc", "compute", str(figures), "--grain", grain, "--by", "level"]
        parcalc += ["--format", "json", "-o", str(ours)]
        pandas = [sys.executable, str(HERE / "pandas_rollup.py"), str(figures), grain, str(theirs)]
        mine, baseline = best_of([parcalc, pandas], args.repeat, env)
        agree = "same counts" if same_counts(ours, theirs, grain) else "COUNTS DIFFER"
        print(f"{grain:8} parcalc {mine:6.2f} s   pandas {baseline:6.2f} s   ratio {mine / baseline:5.2f}   {agree}")
    print("command: " + " ".join(parcalc[1:]))


if __name__ == "__main__":
    main()
