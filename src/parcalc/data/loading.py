"""Reading data files: bytes -> TOML (or JSON) -> model, every problem located by file, line and key.

One file at a time becomes a Source (its name, its model, its line index); sheets are read by
parcalc.data.sheets through the same READERS table. All files' problems are collected and raised once.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from parcalc.core.counts import FIELD_IDS
from parcalc.core.issues import InputError, Problem, UsageError, did_you_mean, error, thousands_hint
from parcalc.data.limits import MAX_COUNT, Budget
from parcalc.data.model import DataFile
from parcalc.data.text import STDIN, LineIndex, decode, index_lines, read_bytes

DEFAULT_FILE = "data.toml"


@dataclass
class Source:
    """One data file as read: its name, its model and where its tables start."""

    name: str
    data: DataFile
    index: LineIndex


_TOML_POSITION = re.compile(r"^(.*?)\s*\(at line (\d+), column (\d+)\)$")


def parse_text(name: str, text: str) -> tuple[dict[str, Any], LineIndex]:
    if name.lower().endswith(".json"):
        try:
            value = json.loads(text)
        except json.JSONDecodeError as exc:
            problem = error("json-syntax", detail=f"{exc.msg} (column {exc.colno})")
            raise InputError([problem.located(file=name, line=exc.lineno)]) from None
        except RecursionError:
            raise InputError([error("json-syntax", detail="nesting is too deep").located(file=name)]) from None
        except ValueError as exc:  # a number of more than 4300 digits
            raise InputError([error("json-syntax", detail=_too_long(exc)).located(file=name)]) from None
        if not isinstance(value, dict):
            raise InputError([error("json-syntax", detail="the top level must be an object").located(file=name)])
        return value, LineIndex()
    try:
        return tomllib.loads(text), index_lines(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        line = None
        if match := _TOML_POSITION.match(message):
            message = f"{match.group(1)} (column {match.group(3)})"
            line = int(match.group(2))
        raise InputError([error("toml-syntax", detail=message).located(file=name, line=line)]) from None
    except RecursionError:
        raise InputError([error("toml-syntax", detail="nesting is too deep").located(file=name)]) from None
    except ValueError as exc:  # tomllib lets int() fail on a number of more than 4300 digits
        raise InputError([error("toml-syntax", detail=_too_long(exc)).located(file=name)]) from None


def _too_long(exc: ValueError) -> str:
    return "a number is too long to read" if "digits" in str(exc) else str(exc)


def _table_name(loc: Sequence[str | int]) -> tuple[str | None, str | None]:
    """('figures', 3, 'stated', 'late_rate') -> ('figures[3]', 'stated.late_rate')."""
    if not loc:
        return None, None
    head, *rest = loc
    table = str(head)
    if rest and isinstance(rest[0], int):
        table = f"{head}[{rest[0]}]"
        rest = rest[1:]
    key = ""
    for part in rest:
        key += f"[{part}]" if isinstance(part, int) else (f".{part}" if key else str(part))
    return table, key or None


def _allowed_keys(loc: Sequence[str | int]) -> tuple[str, ...]:
    """The keys allowed where an unknown key was found, for a 'did you mean' hint."""
    from parcalc.data.schema import TABLE_KEYS

    tables = [str(p) for p in loc[:-1] if not isinstance(p, int)]
    return TABLE_KEYS.get(tables[-1] if tables else "", ())


_UNION_TAGS = frozenset(("str", "int", "float", "DateWindow", "typed-dict", "nullable"))


def _problem_from(err: Any) -> Problem:
    loc: tuple[str | int, ...] = tuple(err["loc"])
    # Pydantic names the union branch it tried ("str", "DateWindow"); it is noise for a reader.
    loc = tuple(p for p in loc if p not in _UNION_TAGS or p == loc[0])
    kind = err["type"]
    # A key is shown in every location: a mistyped one of a million characters must not flood the screen.
    table, key = (None if name is None else clip(name) for name in _table_name(loc))
    last = clip(str(loc[-1])) if loc else ""
    value = err.get("input")
    if kind == "extra_forbidden":
        problem = error("unknown-key", key=last, hint=did_you_mean(last, _allowed_keys(loc)))
    elif kind == "missing":
        problem = error("missing-key", key=last)
    elif kind == "period_value":
        problem = error("bad-period", detail=_period_reason(value, err["msg"]))
    elif loc and loc[0] == "figures" and last in FIELD_IDS:
        shown = f"{_show(value)}, above the largest count {MAX_COUNT}" if kind == "less_than_equal" else _show(value)
        problem = error("invalid-count", key=last, value=shown, hint=thousands_hint(value))
    else:
        problem = error("invalid-value", key=key or last or "file", detail=f"{err['msg']} (got {_show(value)})")
    return problem.located(table=table, key=key)


def _period_reason(value: Any, fallback: str) -> str:
    """Why a period value has the wrong shape: the period grammar says it best (which keys, which type)."""
    from parcalc.core.periods import PeriodError, parse_period

    try:
        parse_period(value)
    except PeriodError as exc:
        return str(exc)
    return f"{fallback} (got {_show(value)})"


def clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _scope(raw: dict[str, Any], loc: Sequence[str | int]) -> dict[str, str | None]:
    """The period / level / unit of the figures row a problem is in, to say where it is."""
    if len(loc) < 2 or loc[0] != "figures" or not isinstance(loc[1], int):
        return {}
    rows = raw.get("figures")
    if not isinstance(rows, list) or loc[1] >= len(rows) or not isinstance(rows[loc[1]], dict):
        return {}
    row = rows[loc[1]]
    return {k: v if isinstance(v, str) else None for k in ("period", "level", "unit") if (v := row.get(k))}


def validate_model(name: str, raw: dict[str, Any], index: LineIndex) -> DataFile:
    from pydantic_core import ValidationError

    from parcalc.data.schema import validate

    try:
        return DataFile.from_valid(validate(raw))
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            problem = _problem_from(err)
            problems.append(problem.located(file=name, line=index.line_of(loc), **_scope(raw, loc)))
        # In the order of the file, as a reader fixes them; pydantic orders them by the schema.
        problems.sort(key=lambda p: (p.line is None, p.line or 0))
        raise InputError(problems) from None


Reader = Callable[[str, bytes], tuple[dict[str, Any], LineIndex]]


def _read_text_file(name: str, raw: bytes) -> tuple[dict[str, Any], LineIndex]:
    return parse_text(name, decode(name, raw))


# Readers by file suffix; a data file of any other name is read as TOML.
def _read_sheet(name: str, raw: bytes) -> tuple[dict[str, Any], LineIndex]:
    from parcalc.data.sheets import read_sheet

    return read_sheet(name, raw)


READERS: dict[str, Reader] = {".csv": _read_sheet, ".xlsx": _read_sheet}


def load_source(name: str, budget: Budget | None = None) -> Source:
    budget = budget or Budget.from_environment()
    raw = read_bytes(name, budget.bytes_left)
    budget.bytes_left -= len(raw)
    reader = READERS.get(Path(name).suffix.lower(), _read_text_file)
    data, index = reader(name, raw)
    budget.take_tables(name, data)
    return Source("<stdin>" if name == STDIN else name, validate_model(name, data, index), index)


def resolve_files(files: Sequence[str] | None) -> list[str]:
    if files:
        return list(files)
    if not Path(DEFAULT_FILE).exists():
        raise UsageError(f"no data file given and no {DEFAULT_FILE} in the current folder")
    return [DEFAULT_FILE]


def load_sources(files: Sequence[str] | None) -> list[Source]:
    """Every file read and checked against the model; all files' problems are reported together."""
    sources: list[Source] = []
    problems: list[Problem] = []
    budget = Budget.from_environment()
    for name in resolve_files(files):
        try:
            sources.append(load_source(name, budget))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    return sources
