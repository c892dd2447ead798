"""Dossier-level records -> figures (`parcalc ingest`).

DuckDB is imported only when `ingest` runs, so commands that never ingest do not pay its start-up cost.
"""

from __future__ import annotations

from parcalc.records.columns import ColumnMap, load_column_map
from parcalc.records.engine import COUNT_FIELDS, BadRow, IngestResult, ingest
from parcalc.records.errors import IngestError
from parcalc.records.writers import FORMATS, format_for, render

__all__ = [
    "COUNT_FIELDS",
    "FORMATS",
    "BadRow",
    "ColumnMap",
    "IngestError",
    "IngestResult",
    "format_for",
    "ingest",
    "load_column_map",
    "render",
]
