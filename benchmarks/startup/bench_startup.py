"""Start-up cost: `parcalc compute <example> --format json` against the import floor of its stack.

The baseline is `python -c "import typer, pydantic, rich"`: what any Typer + Pydantic + Rich tool pays
before doing anything. The goal is at most 1.5x that floor. Both are run alternately, in one process
tree, and the median wall time of each is compared, so machine noise affects both sides alike.

Both sides run with compiled bytecode, as an installed package has it: the libraries' is in
site-packages; parcalc's, run from its source tree, goes to benchmarks/.data/pycache (a
PYTHONDONTWRITEBYTECODE=1 environment would otherwise recompile parcalc on every run). `--as-is` keeps
the environment untouched.

    python benchmarks/startup/bench_startup.py [--runs 30] [--example examples/binh-phuoc-2022-h1.toml]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PYCACHE = ROOT / "benchmarks" / ".data" / "pycache"


def _time(cmd: list[str], env: dict[str, str] | None) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--example", default=str(ROOT / "examples" / "binh-phuoc-2022-h1.toml"))
    parser.add_argument("--as-is", action="store_true", help="keep the environment's bytecode settings")
    args = parser.parse_args()
    env = None
    if not args.as_is:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["PYTHONPYCACHEPREFIX"] = str(PYCACHE)
    floor_cmd = [sys.executable, "-c", "import typer, pydantic, rich"]
    parcalc_cmd = [sys.executable, "-m", "parcalc", "compute", args.example, "--format", "json", "--quiet"]
    for cmd in (floor_cmd, parcalc_cmd):  # warm the file cache and write the bytecode
        _time(cmd, env)
    floor, parcalc = [], []
    for _ in range(args.runs):
        floor.append(_time(floor_cmd, env))
        parcalc.append(_time(parcalc_cmd, env))
    f, p = statistics.median(floor), statistics.median(parcalc)
    print(f"import floor (typer, pydantic, rich): median {f * 1000:.1f} ms over {args.runs} runs")
    print(f"parcalc compute --format json:        median {p * 1000:.1f} ms over {args.runs} runs")
    print(f"ratio: {p / f:.2f}x (goal: at most 1.50x)")


if __name__ == "__main__":
    main()
