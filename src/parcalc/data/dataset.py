"""Several data files -> one dataset: periods read, levels and units resolved, rows merged, all checked.

The Dataset is what every later layer reads: settings, the unit registry and its tree (ancestors,
descendants, children), the rows as given, placed targets and bands, and the metric registry. Each table
keeps its Origin (file, line, table), so a problem found at any later step can say where it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from functools import cached_property
from typing import Any

from parcalc.core.counts import FIELD_IDS, Counts
from parcalc.core.issues import InputError, Problem, did_you_mean, error
from parcalc.core.metrics import BUILTIN_IDS, Metric, Registry
from parcalc.core.periods import Period, PeriodError, parse_period
from parcalc.data.loading import Source, load_sources
from parcalc.data.model import Band, Settings, Target, Unit
from parcalc.data.text import LineIndex
from parcalc.data.thresholds import TargetValues, ThresholdError, band_min, target_values


@dataclass(frozen=True)
class Origin:
    """Where a table came from, to locate problems found later: its file, the lines of that file's
    tables and keys, and the table's name and path in it (``figures[3]``, ``("figures", 3)``).

    A table read from a data file also keeps its Source; the columnar path, which reads no Source,
    locates its records by file and line alone.
    """

    file: str
    lines: LineIndex
    table: str
    path: tuple[str | int, ...]
    source: Source | None = None

    @classmethod
    def of(cls, source: Source, table: str, path: tuple[str | int, ...]) -> Origin:
        return cls(source.name, source.index, table, path, source)

    def at(self, key: str | None = None, **scope: Any) -> dict[str, Any]:
        """Location keywords for Problem.located()."""
        path = (*self.path, *key.split(".")) if key else self.path
        return {
            "file": self.file,
            "line": self.lines.line_of(path),
            "table": self.table,
            "key": key,
            **scope,
        }


@dataclass
class Row:
    """One figures table: a period, a level, an optional unit, its counts as given and stated values."""

    period: Period
    level: str
    unit: str | None
    counts: Counts
    stated: dict[str, str | float | int]
    origins: list[Origin]

    @property
    def scope(self) -> dict[str, str | None]:
        return {"period": self.period.label, "level": self.level, "unit": self.unit}


@dataclass
class PlacedTarget:
    target: Target
    period: Period | None
    origin: Origin
    values: TargetValues = field(default_factory=TargetValues)


@dataclass
class PlacedBand:
    band: Band
    minimum: Fraction
    share: bool  # minimum is a share of the maximum points ("90%"), not points or a metric value
    origin: Origin


@dataclass
class Dataset:
    settings: Settings
    units: dict[str, Unit]
    rows: list[Row]
    targets: list[PlacedTarget]
    registry: Registry
    sources: list[Source] = field(default_factory=list)
    bands: list[PlacedBand] = field(default_factory=list)

    def level_rank(self, level: str | None) -> int:
        levels = self.settings.levels
        return levels.index(level) if level in levels else len(levels)

    def unit_name(self, unit: str | None) -> str | None:
        return self.units[unit].name if unit in self.units else None

    # The unit tree, through [[units]] parent: the one walk of it that roll-ups and target scopes use.

    def ancestors(self, unit: str) -> list[str]:
        """The units above ``unit``, nearest first (a loop in the parents is walked once)."""
        chain: list[str] = []
        seen = {unit}
        parent = self.units[unit].parent if unit in self.units else None
        while parent is not None and parent not in seen and parent in self.units:
            chain.append(parent)
            seen.add(parent)
            parent = self.units[parent].parent
        return chain

    def descendants(self, units: Iterable[str]) -> set[str]:
        """``units`` and every unit below one of them."""
        wanted = set(units)
        return wanted | {u for u in self.units if not wanted.isdisjoint(self.ancestors(u))}

    def children(self, unit: str) -> list[str]:
        """The units whose parent is ``unit``, in the order [[units]] declares them."""
        return self._children.get(unit, [])

    @cached_property
    def _children(self) -> dict[str, list[str]]:
        children: dict[str, list[str]] = {}
        for known in self.units.values():
            if known.parent is not None:
                children.setdefault(known.parent, []).append(known.id)
        return children

    def parse_period(self, value: Any) -> Period:
        return parse_period(value, self.settings.period_start_day)


def _merge_settings(sources: Sequence[Source], problems: list[Problem]) -> Settings:
    merged: dict[str, Any] = {}
    for source in sources:
        for key, value in source.data.settings_given.items():
            if key in merged and merged[key] != value and key != "title":
                problems.append(
                    error("settings-conflict", key=key, first=merged[key], second=value).located(
                        file=source.name,
                        line=source.index.line_of(("parcalc", key)),
                        table="parcalc",
                        key=key,
                    )
                )
            merged.setdefault(key, value)
    return Settings.from_dict(merged)


def _units(sources: Sequence[Source], settings: Settings, problems: list[Problem]) -> dict[str, Unit]:
    units: dict[str, Unit] = {}
    origins: dict[str, Origin] = {}
    for source in sources:
        for i, unit in enumerate(source.data.units):
            origin = Origin.of(source, f"units[{i}]", ("units", i))
            if unit.id in units:
                problems.append(error("duplicate-id", what="unit", value=unit.id).located(**origin.at("id")))
                continue
            units[unit.id] = unit
            origins[unit.id] = origin
            if unit.level not in settings.levels:
                problems.append(_unknown_level(unit.level, settings).located(**origin.at("level")))
    for unit_id, unit in units.items():
        if unit.parent is not None and unit.parent not in units:
            hint = did_you_mean(unit.parent, set(units))
            problems.append(
                error("unknown-parent", value=unit.parent, hint=hint).located(**origins[unit_id].at("parent"))
            )
    return units


def _unknown_level(level: str, settings: Settings) -> Problem:
    return error(
        "unknown-level",
        value=level,
        choices=", ".join(settings.levels),
        hint=did_you_mean(level, settings.levels),
    )


def _registry(sources: Sequence[Source], problems: list[Problem]) -> Registry:
    custom: dict[str, Metric] = {}
    for source in sources:
        for i, definition in enumerate(source.data.metrics):
            origin = Origin.of(source, f"metrics[{i}]", ("metrics", i))
            if definition.id in BUILTIN_IDS:
                problems.append(error("metric-id-taken", value=definition.id).located(**origin.at("id")))
                continue
            if definition.id in custom:
                problems.append(error("duplicate-id", what="metric", value=definition.id).located(**origin.at("id")))
                continue
            bad = False
            for side in ("numerator", "denominator"):
                for name in getattr(definition, side):
                    if name not in FIELD_IDS:
                        hint = did_you_mean(name, FIELD_IDS)
                        problems.append(error("unknown-field", value=name, hint=hint).located(**origin.at(side)))
                        bad = True
            if not bad:
                custom[definition.id] = Metric(
                    definition.id,
                    definition.label.vi,
                    definition.label.en,
                    tuple(definition.numerator),
                    tuple(definition.denominator),
                    builtin=False,
                )
    return Registry(custom.values())


def _rows(
    sources: Sequence[Source],
    settings: Settings,
    units: dict[str, Unit],
    registry: Registry,
    problems: list[Problem],
) -> list[Row]:
    rows: dict[tuple[Period, str, str | None], Row] = {}
    for source in sources:
        for i, figures in enumerate(source.data.figures):
            origin = Origin.of(source, f"figures[{i}]", ("figures", i))
            scope = {"level": figures.level, "unit": figures.unit}
            raw_period = figures.period
            scope["period"] = raw_period if isinstance(raw_period, str) else None
            try:
                period = parse_period(raw_period, settings.period_start_day)
            except PeriodError as exc:
                problems.append(error("bad-period", detail=str(exc)).located(**origin.at("period", **scope)))
                continue
            scope["period"] = period.label
            ok = _check_scope(figures.level, figures.unit, settings, units, problems, origin, scope)
            for metric_id in figures.stated:
                if metric_id not in registry:
                    hint = did_you_mean(metric_id, set(registry))
                    problems.append(
                        error("unknown-metric", value=metric_id, hint=hint).located(
                            **origin.at(f"stated.{metric_id}", **scope)
                        )
                    )
                    ok = False
            if not ok:
                continue
            counts = figures.counts
            key = (period, figures.level, figures.unit)
            if key not in rows:
                rows[key] = Row(period, figures.level, figures.unit, Counts(counts), dict(figures.stated), [origin])
                continue
            row = rows[key]
            merged = dict(row.counts)
            for name, value in counts.items():
                if name in merged and merged[name] != value:
                    first = row.origins[0]
                    problems.append(
                        error(
                            "duplicate-row",
                            key=name,
                            first=f"{first.file} {first.table}",
                            second=f"{source.name} {origin.table}",
                        ).located(**origin.at(name, **scope))
                    )
                merged[name] = value
            row.counts = Counts(merged)
            row.stated.update(figures.stated)
            row.origins.append(origin)
    return list(rows.values())


def _check_scope(
    level: str,
    unit: str | None,
    settings: Settings,
    units: dict[str, Unit],
    problems: list[Problem],
    origin: Origin,
    scope: dict[str, Any],
) -> bool:
    if level not in settings.levels:
        problems.append(_unknown_level(level, settings).located(**origin.at("level", **scope)))
        return False
    if unit is None or not units:
        return True
    if unit not in units:
        hint = did_you_mean(unit, set(units))
        problems.append(error("unknown-unit", value=unit, hint=hint).located(**origin.at("unit", **scope)))
        return False
    if units[unit].level != level:
        problems.append(
            error("unit-level-mismatch", value=unit, expected=units[unit].level, actual=level).located(
                **origin.at("level", **scope)
            )
        )
        return False
    return True


def _targets(
    sources: Sequence[Source],
    settings: Settings,
    units: dict[str, Unit],
    registry: Registry,
    problems: list[Problem],
) -> list[PlacedTarget]:
    placed: list[PlacedTarget] = []
    names: set[str] = set()
    for source in sources:
        for i, target in enumerate(source.data.targets):
            origin = Origin.of(source, f"targets[{i}]", ("targets", i))
            if target.name in names:
                problems.append(error("duplicate-id", what="target", value=target.name).located(**origin.at("name")))
            names.add(target.name)
            if target.metric not in registry:
                hint = did_you_mean(target.metric, set(registry))
                problems.append(error("unknown-metric", value=target.metric, hint=hint).located(**origin.at("metric")))
            if target.level is not None and target.level not in settings.levels:
                problems.append(_unknown_level(target.level, settings).located(**origin.at("level")))
            if target.unit is not None and units and target.unit not in units:
                hint = did_you_mean(target.unit, set(units))
                problems.append(error("unknown-unit", value=target.unit, hint=hint).located(**origin.at("unit")))
            elif target.unit in units and target.level not in (None, units[target.unit].level):
                mismatch = error(
                    "unit-level-mismatch", value=target.unit, expected=units[target.unit].level, actual=target.level
                )
                problems.append(mismatch.located(**origin.at("level")))
            period = None
            if target.period is not None:
                try:
                    period = parse_period(target.period, settings.period_start_day)
                except PeriodError as exc:
                    problems.append(error("bad-period", detail=str(exc)).located(**origin.at("period")))
            values, bad = target_values(target, registry.get(target.metric), period)
            for key, detail in bad:
                problems.append(error("invalid-target", name=target.name, detail=detail).located(**origin.at(key)))
            placed.append(PlacedTarget(target, period, origin, values))
    return placed


def _bands(sources: Sequence[Source], registry: Registry, problems: list[Problem]) -> list[PlacedBand]:
    placed: list[PlacedBand] = []
    for source in sources:
        for i, band in enumerate(source.data.bands):
            origin = Origin.of(source, f"bands[{i}]", ("bands", i))
            metric = None
            if band.metric is not None:
                metric = registry.get(band.metric)
                if metric is None:
                    hint = did_you_mean(band.metric, set(registry))
                    unknown = error("unknown-metric", value=band.metric, hint=hint)
                    problems.append(unknown.located(**origin.at("metric")))
                    continue
            try:
                minimum, share = band_min(band, metric)
            except ThresholdError as exc:
                problems.append(error("invalid-band", name=band.name, detail=str(exc)).located(**origin.at("min")))
                continue
            placed.append(PlacedBand(band, minimum, share, origin))
    return placed


def build(sources: Sequence[Source]) -> Dataset:
    """Check the files against each other; raise InputError with every problem found."""
    problems: list[Problem] = []
    settings = _merge_settings(sources, problems)
    units = _units(sources, settings, problems)
    registry = _registry(sources, problems)
    rows = _rows(sources, settings, units, registry, problems)
    targets = _targets(sources, settings, units, registry, problems)
    bands = _bands(sources, registry, problems)
    if problems:
        raise InputError(problems)
    return Dataset(settings, units, rows, targets, registry, list(sources), bands)


def load(files: Sequence[str] | None) -> Dataset:
    return build(load_sources(files))
