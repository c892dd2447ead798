"""The application: what each command does, as functions that take data and return typed results.

This is the layer above the data file, the analysis, the targets and ingest, and below the reporters and
the CLI. ``parcalc compute``, ``check-targets``, ``rank``, ``validate``, ``metrics`` and ``ingest`` are
these functions with options parsed in front and a reporter behind; a script calls them directly
(``import parcalc``: see README, "Python API"). Nothing here renders or prints.

Filters are given as the command line gives them: a name, several, or names separated by commas.
A mistake in how a function is called (a period that cannot be read, an unknown metric or level) raises
UsageError, whose ``option`` names the argument at fault; data that cannot be read raises InputError with
every problem located. Problems in the figures themselves come back in each outcome's ``problems``;
``Outcome.raise_for_errors`` turns them into an InputError where that is wanted.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from parcalc.core.issues import InputError, Problem, UsageError, did_you_mean

if TYPE_CHECKING:
    from parcalc.analysis.calc import ComputeResult, Query, RowResult
    from parcalc.analysis.engine import Outcome
    from parcalc.analysis.grouping import Grouping
    from parcalc.core.metrics import Registry
    from parcalc.core.periods import Grain
    from parcalc.data.dataset import Dataset
    from parcalc.data.loading import Source
    from parcalc.records.engine import IngestResult
    from parcalc.records.sources import ProgressHook
    from parcalc.targets.check import Filters, TargetsResult
    from parcalc.targets.presets import Preset
    from parcalc.targets.ranking import Ranking

PathName = str | os.PathLike[str]
# What load() reads: file names (one, or several merged), TOML text, or the data file as a mapping.
DataSource = PathName | Sequence[PathName] | Mapping[str, Any] | None
Names = str | Sequence[str] | None

TEXT_NAME = "<text>"
MAPPING_NAME = "<mapping>"


def names(values: Names) -> tuple[str, ...]:
    """Filter values as given: one string or several, each of them possibly "a,b,c"."""
    if values is None:
        return ()
    items = [values] if isinstance(values, str) else values
    return tuple(v.strip() for value in items for v in value.split(",") if v.strip())


def _is_text(value: str) -> bool:
    # A file name has neither a line break nor "=": anything with one is TOML text (`title = "..."`).
    return "\n" in value or "=" in value


def file_names(source: DataSource) -> list[str] | None:
    """The file names a source stands for (data.toml when None), or None for TOML text or a mapping."""
    from parcalc.data.loading import resolve_files

    if source is None:
        return resolve_files(None)
    if isinstance(source, Mapping) or (isinstance(source, str) and _is_text(source)):
        return None
    if isinstance(source, str | os.PathLike):
        return [os.fspath(source)]
    return resolve_files([os.fspath(name) for name in source])


def _from_text(text: str) -> Source:
    from parcalc.data.limits import Budget
    from parcalc.data.loading import Source, parse_text, validate_model

    raw, index = parse_text(TEXT_NAME, text)
    Budget.from_environment().take_tables(TEXT_NAME, raw)
    return Source(TEXT_NAME, validate_model(TEXT_NAME, raw, index), index)


def _from_mapping(data: Mapping[str, Any]) -> Source:
    from parcalc.data.limits import Budget
    from parcalc.data.loading import Source, validate_model
    from parcalc.data.text import LineIndex

    raw = dict(data)
    Budget.from_environment().take_tables(MAPPING_NAME, raw)
    return Source(MAPPING_NAME, validate_model(MAPPING_NAME, raw, LineIndex()), LineIndex())


def load(source: DataSource = None, *, targets: Sequence[PathName] = (), presets: Names = None) -> Dataset:
    """Read data files (or TOML text, or a mapping) with target files and shipped presets, as one dataset.

    ``source`` is a file name (str or Path), a list of them (merged as the CLI merges them), TOML text
    (a str with a line break or an "="), a mapping with the data file's tables, or None for data.toml.
    Raises InputError with every problem of every file, UsageError for a missing file or preset.
    """
    from parcalc.data.dataset import build
    from parcalc.data.loading import load_sources
    from parcalc.targets.presets import find

    chosen = [find(name) for name in names(presets)]
    extra = [os.fspath(name) for name in targets]
    files = file_names(source)
    if files is not None:
        sources = load_sources([*files, *extra])  # every file's problems reported together
    else:
        assert isinstance(source, str | Mapping)
        first = _from_text(source) if isinstance(source, str) else _from_mapping(source)
        sources = [first, *(load_sources(extra) if extra else [])]
    return build([*sources, *(preset.load() for preset in chosen)])


def _dataset(data: Dataset | DataSource) -> Dataset:
    from parcalc.data.dataset import Dataset

    return data if isinstance(data, Dataset) else load(data)


def _grain(value: str | Grain) -> Grain:
    from parcalc.core.periods import Grain, PeriodError

    if isinstance(value, Grain):
        return value
    try:
        return Grain.parse(value)
    except PeriodError as exc:
        raise UsageError(str(exc), option="grain") from None


def parse_grouping(
    grain: str | Grain | None = None, by: Names = None, compare: str | None = None, total: bool | None = None
) -> Grouping:
    """The roll-up asked for: a grain, groupings (level, unit, period), a comparison, a total row."""
    from parcalc.analysis.grouping import COMPARE_CHOICES, Grouping, parse_by

    chosen = _grain(grain) if grain is not None else None
    if compare is not None and compare not in COMPARE_CHOICES:
        raise UsageError(f"unknown comparison {compare!r}; choose previous or last-year", option="compare")
    return Grouping(chosen, parse_by(names(by)), total, compare)


def parse_query(
    dataset: Dataset, period: Names = None, level: Names = None, unit: Names = None, metrics: Names = None
) -> Query:
    """Which rows and metrics to report, read against the dataset (its period start day, its metrics)."""
    from parcalc.analysis.calc import Query
    from parcalc.core.periods import PeriodError

    periods = []
    for text in names(period):
        try:
            periods.append(dataset.parse_period(text))
        except PeriodError as exc:
            raise UsageError(str(exc), option="period") from None
    metric_ids = names(metrics)
    for metric_id in metric_ids:
        if metric_id not in dataset.registry:
            hint = did_you_mean(metric_id, set(dataset.registry))
            raise UsageError(f"unknown metric {metric_id!r}{hint}", option="metrics")
    return Query(tuple(periods), names(level), names(unit), metric_ids)


def parse_filters(
    dataset: Dataset, period: Names = None, level: Names = None, unit: Names = None, target: Names = None
) -> Filters:
    """What a target check or a ranking is narrowed to; levels and target names must exist."""
    from parcalc.targets.check import Filters

    query = parse_query(dataset, period)
    levels, units, wanted = names(level), names(unit), names(target)
    for chosen in levels:
        if chosen not in dataset.settings.levels:
            hint = did_you_mean(chosen, dataset.settings.levels)
            raise UsageError(f"{chosen!r} is not one of {', '.join(dataset.settings.levels)}{hint}", option="level")
    known = [placed.target.name for placed in dataset.targets]
    for name in wanted:
        if name not in known:
            raise UsageError(f"no target named {name!r}{did_you_mean(name, known)}", option="target")
    return Filters(query.periods, levels, units, wanted)


def compute(
    data: Dataset | DataSource = None,
    *,
    period: Names = None,
    level: Names = None,
    unit: Names = None,
    metrics: Names = None,
    grain: str | Grain | None = None,
    by: Names = None,
    compare: str | None = None,
    total: bool | None = None,
) -> Outcome[ComputeResult]:
    """Counts and metrics per period, level and unit, filtered and rolled up as asked.

    Given file names, a large CSV sheet rolled up by level or period is computed in DuckDB (the same
    result); a dataset or text is computed row by row.
    """
    from parcalc.analysis.engine import roll_up
    from parcalc.data.dataset import Dataset

    grouping = parse_grouping(grain, by, compare, total)
    source: Dataset | list[str]
    if isinstance(data, Dataset):
        source = data
    else:
        files = file_names(data)
        source = files if files is not None else load(data)
    return roll_up(
        source,
        grouping,
        lambda dataset: parse_query(dataset, period, level, unit, metrics),
    )


@dataclass(frozen=True)
class Validation:
    """Every problem of the data, errors and warnings; ``lang`` is the files' own, when they could be read."""

    problems: list[Problem]
    lang: str | None

    @property
    def valid(self) -> bool:
        return not any(p.severity == "error" for p in self.problems)


def validate(data: Dataset | DataSource = None) -> Validation:
    """The validation and consistency report: what is wrong with the data, never raised but returned."""
    from parcalc.analysis.calc import analyse_all, period_gaps
    from parcalc.analysis.engine import problems_of

    try:
        dataset = _dataset(data)
    except InputError as exc:
        return Validation(exc.problems, None)
    rows = analyse_all(dataset)
    return Validation(problems_of(rows, period_gaps(dataset, rows)), dataset.settings.lang)


def _check_filters(dataset: Dataset, rows: Sequence[RowResult], filters: Filters) -> None:
    """A period, level or unit asked for that matches no figures is a usage error, as in compute."""
    from parcalc.analysis.calc import Query
    from parcalc.analysis.grouping import Grouping, check_filters

    # a target on a unit covers the units under it, as --by unit does
    check_filters(
        dataset, rows, Query(filters.periods, filters.levels, filters.units), Grouping(by=frozenset({"unit"}))
    )


def check_targets(
    data: Dataset | DataSource = None,
    *,
    target: Names = None,
    period: Names = None,
    level: Names = None,
    unit: Names = None,
    fail_on_no_data: bool = False,
) -> Outcome[TargetsResult]:
    """Every target (or those named) met, missed or without data, per scope and month, with the shortfall."""
    from parcalc.analysis.calc import analyse_all
    from parcalc.analysis.engine import Outcome, problems_of
    from parcalc.targets.check import evaluate

    dataset = _dataset(data)
    if not dataset.targets:
        raise UsageError("no targets to check: add [[targets]] to a data file, or load target files or presets")
    filters = parse_filters(dataset, period, level, unit, target)
    rows = analyse_all(dataset)
    _check_filters(dataset, rows, filters)
    result = evaluate(dataset, rows, filters, fail_on_no_data)
    return Outcome(dataset, result, problems_of(rows, result.problems))


def rank(
    data: Dataset | DataSource = None,
    *,
    metric: str | None = None,
    bands: str | None = None,
    ascending: bool = False,
    period: Names = None,
    level: Names = None,
) -> Outcome[Ranking]:
    """Units ranked within each period and level: by one metric, or (without) by the points of their targets.

    ``bands`` as written on the command line ("A=90%,B=80%,C=70%"); without them, the data's [[bands]].
    """
    from parcalc.analysis.calc import analyse_all
    from parcalc.analysis.engine import Outcome, problems_of
    from parcalc.targets import ranking
    from parcalc.targets.check import evaluate

    dataset = _dataset(data)
    by = None
    if metric is not None:
        by = dataset.registry.get(metric)
        if by is None:
            raise UsageError(f"unknown metric {metric!r}{did_you_mean(metric, set(dataset.registry))}", option="metric")
    rules = ranking.read_bands(bands, by) if bands else ranking.dataset_bands(dataset, by)
    filters = parse_filters(dataset, period, level)
    rows = analyse_all(dataset)
    _check_filters(dataset, rows, filters)
    if by is not None:
        result = ranking.by_metric(dataset, rows, by, rules, ascending, filters.periods, filters.levels)
    else:
        if not any(placed.values.points is not None for placed in dataset.targets):
            raise UsageError("no target carries points: add points = ... to [[targets]], or rank by a metric")
        result = ranking.by_points(evaluate(dataset, rows, filters), rules)
    return Outcome(dataset, result, problems_of(rows, result.problems))


def catalogue(data: Dataset | DataSource = None) -> Registry:
    """The metric registry: the built-in metrics, plus the custom [[metrics]] of the data given (if any)."""
    from parcalc.core.metrics import Registry

    return Registry() if data is None else _dataset(data).registry


def shipped_presets() -> list[Preset]:
    """The target presets shipped with parcalc, in name order."""
    from parcalc.targets.presets import available

    return list(available().values())


def ingest(
    records: PathName | Sequence[PathName],
    grain: str | Grain = "month",
    *,
    as_of: date | str | None = None,
    columns: str | os.PathLike[str] | Mapping[str, Any] | None = None,
    start_day: int = 1,
    strict: bool = False,
    max_bad_rows: int = 20,
    progress: ProgressHook | None = None,
    formats: Sequence[str] = (),
    period: Names = None,
    level: Names = None,
    unit: Names = None,
) -> IngestResult:
    """Dossier-level records (CSV, Parquet, XLSX) -> figures for every period of ``grain`` up to ``as_of``.

    ``columns`` is a column map (a TOML or JSON file, or a mapping: contract column = your header). Rows
    that cannot be used are left out and listed in ``bad_rows`` (with ``strict``, an InputError instead).
    ``period``, ``level`` and ``unit`` keep only those figures; every record still counts, so a kept
    period's carried over is what it is without the filter.
    ``formats`` ("toml", "json") are also written by DuckDB while it runs, for `parcalc.records.render`.
    """
    from parcalc.records.engine import ingest as run

    chosen = _grain(grain)
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise UsageError(f"{as_of!r} is not a date (write it as 2022-09-30)", option="as_of") from None
    paths = [records] if isinstance(records, str | os.PathLike) else list(records)
    return run(
        [os.fspath(p) for p in paths],
        chosen,
        as_of=as_of,
        column_map=os.fspath(columns) if isinstance(columns, os.PathLike) else columns,
        start_day=start_day,
        strict=strict,
        progress=progress,
        max_bad_rows=max_bad_rows,
        formats=formats,
        periods=names(period),
        levels=names(level),
        units=names(unit),
    )
