"""parcalc: administrative-procedure dossier statistics for Vietnam, from counts to rates and targets.

The Python API (README, "Python API") is imported on first use, so that ``import parcalc`` and the
command line's start-up stay cheap::

    import parcalc
    data = parcalc.load("examples/binh-phuoc-2022-h1.toml")
    outcome = parcalc.compute(data, by="level")
    for row in outcome.result.rows:
        print(row.period.label, row.level, row.metrics["late_rate"])
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

# name -> the module that defines it
_API = {
    "load": "parcalc.api",
    "compute": "parcalc.api",
    "validate": "parcalc.api",
    "check_targets": "parcalc.api",
    "rank": "parcalc.api",
    "ingest": "parcalc.api",
    "catalogue": "parcalc.api",
    "shipped_presets": "parcalc.api",
    "Validation": "parcalc.api",
    "Outcome": "parcalc.analysis.engine",
    "ComputeResult": "parcalc.analysis.calc",
    "RowResult": "parcalc.analysis.calc",
    "TargetsResult": "parcalc.targets.check",
    "TargetResult": "parcalc.targets.check",
    "Ranking": "parcalc.targets.ranking",
    "IngestResult": "parcalc.records.engine",
    "Dataset": "parcalc.data.dataset",
    "Counts": "parcalc.core.counts",
    "Period": "parcalc.core.periods",
    "Registry": "parcalc.core.metrics",
    "Problem": "parcalc.core.issues",
    "InputError": "parcalc.core.issues",
    "UsageError": "parcalc.core.issues",
}
__all__ = ["__version__", *_API]


def __getattr__(name: str) -> Any:
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'parcalc' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
