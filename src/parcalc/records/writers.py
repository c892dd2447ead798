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


def toml_table(row: dict[str, Any]) -> str:
    """A figures table as TOML, as DuckDB writes it (sql.toml_tables): JSON's string escapes are TOML's."""
    lines = ["", "[[figures]]"]
    for key, value in row.items():
        text = json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f") if isinstance(value, str) else value
        lines.append(f"{key} = {text}")
    return "\n".join(lines) + "\n"


def json_object(row: dict[str, Any]) -> str:
    """A figures table as one line of JSON, as DuckDB writes it (sql.json_objects)."""
    return json.dumps(row, ensure_ascii=False, separators=(",", ":"))


def render(result: IngestResult, fmt: str) -> str:
    """The figures as a file of format ``fmt``: what ingest rendered, else built here from the rows."""
    if fmt == "csv":
        return result.csv
    extra = settings(result)
    if fmt == "toml":
        import tomli_w

        as_of = result.as_of.isoformat() if result.as_of else "no usable record"
        head = f"# Figures from dossier records by parcalc ingest: grain {result.grain.name.lower()}, as of {as_of}.\n"
        body = result.rendered.get("toml")
        if body is None:
            body = "".join(toml_table(row) for row in result.figures)
        if not body:
            head += "figures = []\n"  # top-level keys come before any table
        if extra:
            head += "\n" + tomli_w.dumps({"parcalc": extra})
        return head + body
    if fmt == "json":
        # Like every other command's JSON, the problems ride along: here the record rows left out.
        issues = json.dumps([bad.problem.to_json() for bad in result.bad_rows], ensure_ascii=False)
        head = "{" + (f'"parcalc": {json.dumps(extra, ensure_ascii=False)}, ' if extra else "") + '"figures": ['
        body = result.rendered.get("json")
        if body is None:
            body = "".join(json_object(row) + ",\n" for row in result.figures).removesuffix(",\n") + "\n"
        return head + ("\n" + body if body.strip() else "") + f'], "issues": {issues}}}\n'
    raise IngestError(f"unknown output format {fmt!r} (choose one of {', '.join(FORMATS)})", code="ingest-output")
