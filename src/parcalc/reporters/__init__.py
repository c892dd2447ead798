"""Reporters: each renders a Report in one format, behind one function ``render(report, options)``."""

from __future__ import annotations

import importlib
from typing import Protocol

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


class Renderer(Protocol):
    def __call__(self, report: Report, options: Options) -> str | bytes: ...


def render(fmt: str, report: Report, options: Options) -> str | bytes:
    module = importlib.import_module(FORMATS[fmt])
    renderer: Renderer = module.render
    return renderer(report, options)
