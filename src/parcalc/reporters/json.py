"""JSON: the versioned payload, deterministic (same input, same bytes)."""

from __future__ import annotations

import json

from parcalc.report import Options, Report


def render(report: Report, options: Options) -> str:
    return json.dumps(report.payload, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
