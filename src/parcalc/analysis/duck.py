"""DuckDB, imported only by the code paths that use it (ingest, and the columnar roll-up of large sheets).

parcalc needs only connections, SQL and DuckDB's error class, which live in DuckDB's compiled core.
DuckDB 2 ships that core as the top-level module ``_duckdb`` and wraps it in a Python layer
(relational and expression APIs, version metadata) that takes four times as long to import as the core
itself: about 0.1 s of every run, on a roll-up that otherwise takes a few tenths of a second. So the core
is imported alone where it provides what parcalc uses, and the ``duckdb`` package otherwise (DuckDB 1.x,
or a future layout).

The two quoting rules of DuckDB's SQL live here too, for every query parcalc writes (the columnar roll-up
and ingest): a name in double quotes, a text in single quotes, each doubling its own quote.
"""

from __future__ import annotations

from typing import Any

_USED = ("connect", "Error")


def module() -> Any:
    """The DuckDB module to call ``connect`` and catch ``Error`` on."""
    try:
        import _duckdb as core
    except ImportError:
        pass
    else:
        if all(hasattr(core, name) for name in _USED):
            return core
    import duckdb

    return duckdb


def connect(**config: Any) -> Any:
    """An in-memory database; ``config`` as DuckDB's own settings. No replacement scans: a table name in
    the SQL never resolves to a Python variable of the same name."""
    return module().connect(":memory:", config={"python_enable_replacements": False, **config})


def quote_name(name: str) -> str:
    """A SQL identifier, whatever characters it has (a header such as ``Ngày "tiếp nhận"``)."""
    return '"' + name.replace('"', '""') + '"'


def quote_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
