"""Reporting periods: the period grammar, time grains and reporting windows.

A period is a window of dates. Named periods (``2022``, ``2022-H1``, ``2022-Q3``, ``2022-09``,
``2022-01..2022-09``) are runs of reporting months. With ``period_start_day = 15`` a reporting month
runs from the 15th of the previous month to the 14th, as many administrative reports count it, so
``2022`` is 15/12/2021 to 14/12/2022. An explicit ``{start, end}`` window that lines up with reporting
months is the same period as its named form; one that does not has no month count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import IntEnum
from functools import lru_cache
from typing import Any


class PeriodError(ValueError):
    """A period that cannot be read; the message says why."""


class Grain(IntEnum):
    """Time grains, ordered: rolling up goes from a smaller grain to a larger one."""

    MONTH = 1
    QUARTER = 3
    HALF = 6
    YEAR = 12

    @property
    def vi(self) -> str:
        """The grain as Vietnamese reports name it: tháng, quý, 6 tháng, năm."""
        return {1: "tháng", 3: "quý", 6: "6 tháng", 12: "năm"}[self.value]

    @classmethod
    def parse(cls, name: str) -> Grain:
        try:
            return cls[name.strip().upper()]
        except KeyError:
            choices = ", ".join(g.name.lower() for g in cls)
            raise PeriodError(f"unknown grain {name!r} (choose one of {choices})") from None


def month_index(year: int, month: int) -> int:
    """A reporting month as one integer, so that runs of months are ranges."""
    return year * 12 + month - 1


def _year_month(index: int) -> tuple[int, int]:
    return divmod(index, 12)[0], index % 12 + 1


def _month_start(index: int, start_day: int) -> date:
    year, month = _year_month(index if start_day == 1 else index - 1)
    return date(year, month, start_day)


@dataclass(frozen=True, order=True)
class Period:
    """A reporting period. Ordered by dates; equal periods have equal windows."""

    start: date
    end: date
    label: str = field(compare=False)
    first_month: int | None = field(default=None, compare=False)
    months: int | None = field(default=None, compare=False)
    start_day: int = field(default=1, compare=False)

    @property
    def grain(self) -> Grain | None:
        """The grain of a named calendar period, or None for a run of months or a date window."""
        if self.first_month is None or self.months is None:
            return None
        month = self.first_month % 12 + 1
        for grain in Grain:
            if self.months == grain.value and (month - 1) % grain.value == 0:
                return grain
        return None

    def month_indices(self) -> range | None:
        """The reporting months the period covers, or None when it does not line up with them."""
        if self.first_month is None or self.months is None:
            return None
        return range(self.first_month, self.first_month + self.months)

    def sub_periods(self, grain: Grain) -> list[Period] | None:
        """The periods of a smaller grain that make up this one, or None when they do not tile it."""
        indices = self.month_indices()
        if indices is None or self.months is None or self.months % grain.value:
            return None
        if (indices.start % 12) % grain.value:
            return None
        return [month_run(i, grain.value, self.start_day) for i in range(indices.start, indices.stop, grain.value)]

    def __str__(self) -> str:
        return self.label


def _label(first: int, months: int) -> str:
    year, month = _year_month(first)
    if months == 12 and month == 1:
        return f"{year}"
    if months == 6 and month in (1, 7):
        return f"{year}-H{1 if month == 1 else 2}"
    if months == 3 and month in (1, 4, 7, 10):
        return f"{year}-Q{(month - 1) // 3 + 1}"
    if months == 1:
        return f"{year}-{month:02d}"
    last_year, last_month = _year_month(first + months - 1)
    return f"{year}-{month:02d}..{last_year}-{last_month:02d}"


def month_run(first: int, months: int, start_day: int = 1) -> Period:
    """The period made of ``months`` reporting months from month index ``first``."""
    start = _month_start(first, start_day)
    end = _month_start(first + months, start_day) - timedelta(days=1)
    return Period(start, end, _label(first, months), first, months, start_day)


def containing(index: int, grain: Grain, start_day: int = 1) -> Period:
    """The period of ``grain`` that contains reporting month ``index``."""
    first = index - index % 12 % grain.value
    return month_run(first, grain.value, start_day)


def date_window(start: date, end: date, start_day: int = 1) -> Period:
    """An explicit window; named when it lines up with reporting months."""
    if end < start:
        raise PeriodError(f"period ends ({end}) before it starts ({start})")
    after = end + timedelta(days=1)
    label = f"{start.isoformat()}..{end.isoformat()}"
    if start.day != after.day:
        return Period(start, end, label, None, None, start_day)
    months = month_index(after.year, after.month) - month_index(start.year, start.month)
    if start.day != start_day:
        # A whole number of months, but not reporting months: it keeps its dates as its name.
        return Period(start, end, label, None, months, start_day)
    shift = 0 if start_day == 1 else 1
    return month_run(month_index(start.year, start.month) + shift, months, start_day)


_YEAR = r"(\d{4})"
_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"^{_YEAR}$"), "year"),
    (re.compile(rf"^{_YEAR}-[Hh]([12])$"), "half"),
    (re.compile(rf"^{_YEAR}-[Qq]([1-4])$"), "quarter"),
    (re.compile(rf"^{_YEAR}-(\d{{2}})$"), "month"),
    (re.compile(rf"^{_YEAR}-(\d{{2}})\.\.{_YEAR}-(\d{{2}})$"), "run"),
    (re.compile(r"^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$"), "dates"),
]

_MM = r"(0[1-9]|1[0-2])"
# The same grammar as one regular expression, for the JSON Schema (editors flag a period they cannot read).
PATTERN = (
    rf"^\s*(\d{{4}}(-([Hh][12]|[Qq][1-4]|{_MM}(\.\.\d{{4}}-{_MM})?))?"
    r"|\d{4}-\d{2}-\d{2}\.\.\d{4}-\d{2}-\d{2})\s*$"
)

GRAMMAR = "2022, 2022-H1, 2022-Q3, 2022-09, 2022-01..2022-09, 2021-12-15..2022-06-14 or {start, end}"


def _month(year: str, month: str) -> int:
    number = int(month)
    if not 1 <= number <= 12:
        raise PeriodError(f"month {month} is not between 01 and 12")
    return month_index(int(year), number)


def parse_period(value: Any, start_day: int = 1) -> Period:
    """Read a period as written in a data file or on the command line."""
    if isinstance(value, str):
        return _parse_text(value, start_day)  # a sheet of 10,000 units repeats the same dozen periods
    return _parse_period(value, start_day)


@lru_cache(maxsize=4096)
def _parse_text(value: str, start_day: int) -> Period:
    return _parse_period(value, start_day)


def _parse_period(value: Any, start_day: int) -> Period:
    if isinstance(value, dict):
        if set(value) != {"start", "end"}:
            raise PeriodError(f"a date window needs exactly the keys start and end, not {sorted(value)}")
        start, end = value["start"], value["end"]
        if not (isinstance(start, date) and isinstance(end, date)):
            raise PeriodError("start and end of a date window must be dates (2022-01-15)")
        return date_window(start, end, start_day)
    if not isinstance(value, str):
        raise PeriodError(f"a period is text such as {GRAMMAR}; got {type(value).__name__} {value!r}")
    text = value.strip()
    for pattern, kind in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groups()
        if kind == "year":
            return month_run(month_index(int(groups[0]), 1), 12, start_day)
        if kind == "half":
            return month_run(month_index(int(groups[0]), 1 + 6 * (int(groups[1]) - 1)), 6, start_day)
        if kind == "quarter":
            return month_run(month_index(int(groups[0]), 1 + 3 * (int(groups[1]) - 1)), 3, start_day)
        if kind == "month":
            return month_run(_month(*groups), 1, start_day)
        if kind == "run":
            first, last = _month(groups[0], groups[1]), _month(groups[2], groups[3])
            if last < first:
                raise PeriodError(f"period {text!r} ends before it starts")
            return month_run(first, last - first + 1, start_day)
        try:
            start, end = date.fromisoformat(groups[0]), date.fromisoformat(groups[1])
        except ValueError as exc:
            raise PeriodError(f"period {text!r}: {exc}") from None
        return date_window(start, end, start_day)
    raise PeriodError(f"cannot read period {text!r}; write it as {GRAMMAR}")
