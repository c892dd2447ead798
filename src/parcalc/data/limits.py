"""How much one run reads: a huge input is refused with a clear message instead of exhausting memory.

parcalc holds every table in memory, and its peak is about 18 KB per figures table for `compute` with JSON
output (measured: 100,000 tables, a 16 MB file, peak 1.9 GB). The defaults keep the worst case near 2 GB
while staying far above real reports (a province's communes over three years is a few thousand tables).
Both limits can be raised by environment variable for a machine with the memory to spare.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from parcalc.core.issues import InputError, LangText, UsageError, error

DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_TABLES = 100_000
BYTES_SETTING = "PARCALC_MAX_INPUT_BYTES"
TABLES_SETTING = "PARCALC_MAX_TABLES"

# Counts are stored as Python ints, which never overflow; the bound is for everything that reads
# parcalc's output (JSON readers, databases and spreadsheets with 64-bit integers).
MAX_COUNT = 2**63 - 1


def _setting(name: str, default: int) -> int:
    text = os.environ.get(name, "").strip().replace("_", "")
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise UsageError(f"{name} must be a whole number, 1 or more (got {text!r})")
    return int(text)


def max_input_bytes() -> int:
    return _setting(BYTES_SETTING, DEFAULT_MAX_INPUT_BYTES)


def max_tables() -> int:
    return _setting(TABLES_SETTING, DEFAULT_MAX_TABLES)


def too_large(name: str, limit: int, tables: bool = False) -> InputError:
    what = LangText(vi="bảng", en="tables ([[figures]], [[units]], ...)") if tables else LangText(vi="byte", en="bytes")
    setting = TABLES_SETTING if tables else BYTES_SETTING
    problem = error("input-too-large", limit=limit, what=what, setting=setting)
    return InputError([problem.located(file="<stdin>" if name == "-" else name)])


@dataclass
class Budget:
    """What is left of one run's limits, shared by all its input files."""

    bytes_left: int
    tables_left: int

    @classmethod
    def from_environment(cls) -> Budget:
        return cls(max_input_bytes(), max_tables())

    def take_tables(self, name: str, parsed: dict[str, object]) -> None:
        """Count a parsed file's tables before they are validated, which is where memory grows."""
        self.tables_left -= sum(len(v) for v in parsed.values() if isinstance(v, list))
        if self.tables_left < 0:
            raise too_large(name, max_tables(), tables=True)
