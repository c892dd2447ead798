"""Reporters: each renders a Report in one format, behind one function ``render(report, options)``.

Which format a run writes is settled here too: ``--format``, else the ``--output`` file's suffix, else a
table on a terminal and JSON in a pipe. Importing this package is cheap; a reporter's module is imported
only when it renders.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from parcalc.core.issues import UsageError, did_you_mean

if TYPE_CHECKING:
    from parcalc.reports.model import Options, Report

# format -> module; modules are imported only when used, to keep start-up fast.
FORMATS: dict[str, str] = {
    "table": "parcalc.reporters.table",
    "json": "parcalc.reporters.json",
    "csv": "parcalc.reporters.csv",
    "markdown": "parcalc.reporters.markdown",
    "text": "parcalc.reporters.text",
    "xlsx": "parcalc.reporters.xlsx",
    "html": "parcalc.reporters.html",
}
SUFFIX_FORMATS = {
    ".json": "json",
    ".csv": "csv",
    ".md": "markdown",
    ".txt": "text",
    ".xlsx": "xlsx",
    ".html": "html",
    ".htm": "html",
}
BINARY_FORMATS = ("xlsx",)


class Renderer(Protocol):
    def __call__(self, report: Report, options: Options) -> str | bytes: ...


def suffix_format(output: str | None, default: str) -> str:
    """The format an ``--output`` file's suffix names, or ``default``."""
    suffix = Path(output).suffix.lower() if output and output != "-" else ""
    return SUFFIX_FORMATS.get(suffix, default)


def choose_format(
    fmt: str | None, output: str | None, terminal: bool, allowed: tuple[str, ...] = tuple(FORMATS)
) -> str:
    """The format to write; UsageError for an unknown one, or for a binary format bound for a terminal."""
    if fmt is None:
        fmt = suffix_format(output, "json") if output and output != "-" else ("table" if terminal else "json")
    if fmt not in allowed:
        raise UsageError(f"unknown format {fmt!r}; choose one of {', '.join(allowed)}{did_you_mean(fmt, allowed)}")
    if fmt in BINARY_FORMATS and output in (None, "-") and terminal:
        raise UsageError(f"{fmt} output is a binary file: name it with -o report.{fmt} (or redirect the output)")
    return fmt


def render(fmt: str, report: Report, options: Options) -> str | bytes:
    module = importlib.import_module(FORMATS[fmt])
    renderer: Renderer = module.render
    return renderer(report, options)
