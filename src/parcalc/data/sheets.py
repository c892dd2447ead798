"""Figures from a sheet: CSV or XLSX, one row per figures table, read into the same dict as a TOML file.

Headers are the contract's field names (``period``, ``level``, ``unit``, ``received_new``...,
``stated.late_rate``) or the labels parcalc prints for them in Vietnamese or English ("Tiếp nhận mới
trong kỳ", "Received new"), compared without case, accents or extra spaces. A sheet an office already
keeps, with its own headers, is read through a header map: a TOML file beside it named
``<sheet>.headers.toml`` with ``"Header in the sheet" = "field_name"`` lines (a column mapped to "" is
ignored). Every figures table remembers its sheet row, so problems point at the line to fix.
"""

from __future__ import annotations

import csv
import io
import re
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from parcalc.core.counts import FIELDS
from parcalc.core.issues import InputError, error
from parcalc.data.text import STDIN, LineIndex, decode, header_key

_SCOPE = ("period", "level", "unit")


def _known_headers() -> dict[str, str]:
    known = {header_key(k): k for k in (*_SCOPE, "start", "end")}
    for f in FIELDS:
        for text in (f.id, f.vi, f.en):
            known.setdefault(header_key(text), f.id)
    return known


def _header_map(name: str) -> dict[str, str]:
    if name == STDIN:
        return {}
    path = Path(name)
    side = path.with_name(path.name + ".headers.toml")
    if not side.exists():
        side = path.with_suffix(".headers.toml")
    if not side.exists():
        return {}
    try:
        mapping = tomllib.loads(side.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise InputError([error("sheet", detail=f"header map: {exc}").located(file=str(side))]) from None
    bad = [k for k, v in mapping.items() if not isinstance(v, str)]
    if bad:
        detail = f"header map: {bad[0]!r} must map to a field name (text)"
        raise InputError([error("sheet", detail=detail).located(file=str(side))])
    return {header_key(k): v for k, v in mapping.items()}


def column_keys(name: str, headers: Sequence[object]) -> list[str | None]:
    """The figures key of each column (None: ignored); unknown headers are kept, to be reported as keys."""
    mapped = _header_map(name)
    known = _known_headers()
    keys: list[str | None] = []
    for header in headers:
        text = "" if header is None else str(header).strip()
        loose = header_key(text)
        if not text:
            keys.append(None)
        elif loose in mapped:
            keys.append(mapped[loose] or None)
        elif loose.startswith("stated "):
            keys.append("stated." + text.split(".", 1)[-1].split(" ", 1)[-1].strip())
        else:
            keys.append(known.get(loose, text))
    return keys


_GROUPED = re.compile(r"^\d{1,3}(?:([.,\s\u00a0])\d{3})(?:\1\d{3})*$")


def _cell(value: object, key: str) -> object:
    """A sheet cell as the TOML reader would have given it: whole numbers as int, the rest unchanged."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, float) and value.is_integer() and key not in _SCOPE and not key.startswith("stated."):
        return int(value)
    if isinstance(value, str) and key not in _SCOPE and not key.startswith("stated."):
        if value.isdigit() and value.isascii():
            return int(value)
        text = value.strip()
        if re.fullmatch(r"-?\d+", text):
            return int(text)
        if _GROUPED.match(text):  # 1.234 or 1,234: a count with thousands separators
            return int(re.sub(r"\D", "", text))
        return text
    if hasattr(value, "isoformat") and key in _SCOPE:
        return value.isoformat()[:10]
    return value


def to_figures(
    name: str, headers: Sequence[object], rows: Iterable[tuple[int, Sequence[object]]]
) -> tuple[dict[str, Any], LineIndex]:
    columns = [(i, key) for i, key in enumerate(column_keys(name, headers)) if key is not None]
    index = LineIndex()
    lines = index.lines
    lines[("figures",)] = 1
    figures: list[dict[str, Any]] = []
    for line, cells in rows:
        table: dict[str, Any] = {}
        width = len(cells)
        for i, key in columns:
            raw = cells[i] if i < width else None
            if raw is None or raw == "":
                continue
            # the common case first: a plain whole number in a count column (a unit "001" stays text)
            count = key not in _SCOPE
            value = int(raw) if isinstance(raw, str) and count and raw.isdigit() and raw.isascii() else _cell(raw, key)
            if key.startswith("stated."):
                table.setdefault("stated", {})[key.removeprefix("stated.")] = value
            elif value != "" or not isinstance(value, str):
                table[key] = value
        if not table:
            continue
        if "start" in table or "end" in table:
            table["period"] = {"start": table.pop("start", None), "end": table.pop("end", None)}
        # one line per table: LineIndex.line_of falls back from (figures, i, key) to (figures, i)
        lines[("figures", len(figures))] = line
        figures.append(table)
    return {"figures": figures}, index


def read_csv(name: str, raw: bytes) -> tuple[dict[str, Any], LineIndex]:
    text = decode(name, raw)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        headers = next(reader, None)
        if headers is None:
            raise InputError([error("sheet", detail="the sheet is empty").located(file=name)])
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise InputError([error("sheet", detail=str(exc)).located(file=name, line=reader.line_num)]) from None
    return to_figures(name, headers, rows)


def read_xlsx(name: str, raw: bytes) -> tuple[dict[str, Any], LineIndex]:
    try:
        import openpyxl
    except ImportError:
        raise InputError(
            [error("sheet", detail="reading .xlsx needs openpyxl (pip install openpyxl)").located(file=name)]
        ) from None
    try:
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        headers = next(lines, None)
        if headers is None:
            raise InputError([error("sheet", detail="the sheet is empty").located(file=name)])
        rows = [(i, list(r)) for i, r in enumerate(lines, start=2)]
        book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a damaged or foreign file
        raise InputError([error("sheet", detail=f"not a readable .xlsx file ({exc})").located(file=name)]) from None
    return to_figures(name, list(headers), rows)


def read_sheet(name: str, raw: bytes) -> tuple[dict[str, Any], LineIndex]:
    return read_xlsx(name, raw) if name.lower().endswith(".xlsx") else read_csv(name, raw)
