"""JSON: the report's versioned payload (``Report.to_json()``), deterministic (same input, same bytes).

Each top-level key is on its own line, and each item of a top-level list (a row, a result, a problem)
on one line of its own: readable and diff-friendly, and written by the C encoder (``indent`` would fall
back to Python's much slower one, which matters for reports of many thousand rows).
"""

from __future__ import annotations

import json
from functools import partial
from typing import Any

from parcalc.reports.model import Options, Report

_dump = partial(json.dumps, ensure_ascii=False, allow_nan=False)


def _member(key: str, value: Any) -> str:
    name = _dump(key)
    if isinstance(value, list) and value:
        items = ",\n    ".join(_dump(item) for item in value)
        return f"  {name}: [\n    {items}\n  ]"
    return f"  {name}: {_dump(value)}"


def render(report: Report, options: Options) -> str:
    return "{\n" + ",\n".join(_member(k, v) for k, v in report.to_json().items()) + "\n}\n"
