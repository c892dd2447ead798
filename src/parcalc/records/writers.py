"""Figures as a data file: TOML `[[figures]]` tables (what compute reads), CSV or JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from parcalc.data.model import DEFAULT_LEVELS
from parcalc.records.engine import IngestResult
from parcalc.records.errors import IngestError

FORMATS = ("toml", "csv", "json")


def format_for(path: str | Path | None, default: str = "toml") -> str:
    """The output format named by a file's suffix; ``default`` for standard output."""
    if path is None or str(path) == "-":
        return default
    suffix = Path(path).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise IngestError(
            f"cannot tell the output format from {str(path)!r}: use .toml, .csv or .json", code="ingest-output"
        )
    return suffix


def settings(result: IngestResult) -> dict[str, Any]:
    """The [parcalc] settings the figures need to be read back as they were meant."""
    found: dict[str, Any] = {}
    levels = result.levels
    if any(level not in DEFAULT_LEVELS for level in levels):
        # Keep the usual hierarchy first, then the other levels the records name.
        found["levels"] = [*DEFAULT_LEVELS, *sorted(set(levels) - set(DEFAULT_LEVELS))]
    if result.start_day != 1:
        found["period_start_day"] = result.start_day
    return found


def document(result: IngestResult) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if extra := settings(result):
        data["parcalc"] = extra
    data["figures"] = result.figures
    return data


def render(result: IngestResult, fmt: str) -> str:
    if fmt == "toml":
        import tomli_w

        as_of = result.as_of.isoformat() if result.as_of else "no usable record"
        head = f"# Figures from dossier records by parcalc ingest: grain {result.grain.name.lower()}, as of {as_of}.\n"
        return head + tomli_w.dumps(document(result))
    if fmt == "json":
        # Like every other command's JSON, the problems ride along: here the record rows left out.
        issues = [bad.problem.to_json() for bad in result.bad_rows]
        return json.dumps({**document(result), "issues": issues}, ensure_ascii=False, indent=1) + "\n"
    if fmt == "csv":
        return result.csv
    raise IngestError(f"unknown output format {fmt!r} (choose one of {', '.join(FORMATS)})", code="ingest-output")
