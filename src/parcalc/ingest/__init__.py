"""Dossier-level records -> figures (`parcalc ingest`).

DuckDB is imported only when `ingest` runs, so commands that never ingest do not pay its start-up cost.
"""

from __future__ import annotations

from parcalc.ingest.columns import ColumnMap, load_column_map
from parcalc.ingest.engine import COUNT_FIELDS, BadRow, IngestResult, ingest
from parcalc.ingest.errors import IngestError
from parcalc.ingest.writers import FORMATS, format_for, render

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
