"""Shared fixtures: where the examples and seeds are, and how to run parcalc in-process or for real."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from parcalc.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The seed reports live in shared/ beside the repository; a copy is kept in tests/golden/ so that the
# golden tests never skip on a checkout without it. PARCALC_SEEDS points at another copy.
_SHARED_SEEDS = Path(__file__).resolve().parents[2] / "shared" / "golden" / "seeds.json"
SEEDS = Path(
    os.environ.get("PARCALC_SEEDS")
    or (_SHARED_SEEDS if _SHARED_SEEDS.exists() else Path(__file__).parent / "golden" / "seeds.json")
)


@dataclass
class Ran:
    """What one run of parcalc produced."""

    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def run_subprocess(args: Sequence[str], *, stdin: str | bytes | None = None, cwd: Path | None = None) -> Ran:
    """parcalc as a user runs it: a real process, so exit codes and crash behaviour are real."""
    data = stdin.encode("utf-8") if isinstance(stdin, str) else stdin
    done = subprocess.run(
        [sys.executable, "-m", "parcalc", *args],
        input=data,
        capture_output=True,
        cwd=cwd or ROOT,
        timeout=60,
        env={**os.environ, "COLUMNS": "200", "NO_COLOR": "1"},
    )
    return Ran(done.returncode, done.stdout.decode("utf-8"), done.stderr.decode("utf-8"))


def run_inprocess(args: Sequence[str], *, stdin: str | None = None) -> Ran:
    """parcalc through Typer's CliRunner: fast, for everything but exit codes of real crashes."""
    result = CliRunner().invoke(app, list(args), input=stdin, catch_exceptions=False)
    return Ran(result.exit_code, result.stdout, result.stderr)


@pytest.fixture
def run() -> Callable[..., Ran]:
    return run_subprocess


@pytest.fixture
def cli() -> Callable[..., Ran]:
    return run_inprocess


@pytest.fixture
def seeds() -> dict[str, dict[str, Any]]:
    if not SEEDS.exists():
        pytest.skip(f"seed reports not found at {SEEDS} (set PARCALC_SEEDS)")
    cases = json.loads(SEEDS.read_text(encoding="utf-8"))["cases"]
    return {case["id"]: case for case in cases}


@pytest.fixture
def example_files() -> list[Path]:
    """Every example data file, relative to the repository root (the root is where `run` runs)."""
    return sorted(p.relative_to(ROOT) for p in EXAMPLES.glob("*.toml"))
