"""One roll-up for the compute report: it picks the engine, so that no caller has to.

A large CSV sheet of monthly figures rolled up by level or period goes through DuckDB
(parcalc.analysis.columnar), anything else through the Python path (calc, grouping, rollup); both give
the same rows and the same problems in the same order (tests/test_columnar.py holds them to it). The
result is an Outcome: the dataset read, the typed result and every problem of the run, each once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from parcalc.analysis.calc import ComputeResult, Query, RowResult, analyse_all
from parcalc.analysis.grouping import Grouping, report
from parcalc.core.issues import InputError, Problem, unique
from parcalc.data.dataset import Dataset, load

T = TypeVar("T")


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What one run gives: the dataset it read, its typed result, and every problem found on the way.

    Problems in the figures (a part over its total, a broken identity, a stated rate that does not match)
    do not stop a run; ``raise_for_errors`` turns them into an InputError where that is wanted.
    """

    dataset: Dataset
    result: T
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]

    def raise_for_errors(self, strict: bool = False) -> Outcome[T]:
        """Raise InputError (errors first, then warnings) if there is an error, or with ``strict`` any
        problem at all; otherwise return the outcome itself."""
        errors, warnings = self.errors, self.warnings
        if errors or (strict and warnings):
            raise InputError([*errors, *warnings])
        return self


def problems_of(rows: Sequence[RowResult], *found: Iterable[Problem]) -> list[Problem]:
    """Every problem of a run, each once: the figures rows' own first, then what the result found."""
    return unique([*(p for row in rows for p in row.problems), *(p for more in found for p in more)])


QueryFor = Callable[[Dataset], Query]


def roll_up(data: Dataset | Sequence[str], grouping: Grouping, query: Query | QueryFor) -> Outcome[ComputeResult]:
    """The compute result for a grouping (none: the rows as given) and a query.

    ``data`` is a loaded dataset or the names of the files to read; only file names can take the DuckDB
    path, which reads a large sheet without building its rows. ``query`` may be a function of the loaded
    dataset, since filters name its periods, levels and metrics (it may raise UsageError).
    """
    query_for: QueryFor = query if callable(query) else (lambda _: query)
    if grouping.active and not isinstance(data, Dataset):
        from parcalc.analysis.columnar import try_compute

        columnar = try_compute(list(data), grouping, query_for)
        if columnar is not None:
            asked = query_for(columnar.dataset)
            filtered = asked.periods or asked.levels or asked.units
            # Nothing kept by a filter: the row-by-row path says which value matched nothing (exit 2).
            if columnar.result.rows or not filtered:
                return Outcome(columnar.dataset, columnar.result, columnar.problems)
    dataset = data if isinstance(data, Dataset) else load(data)
    asked = query_for(dataset)
    rows = analyse_all(dataset, metrics=not grouping.active)
    # a filter that matches nothing is refused; an asked period no row holds is built from the rows inside it
    result = report(dataset, rows, grouping, asked)
    return Outcome(dataset, result, result.run_problems(rows))
