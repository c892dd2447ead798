"""The data file's tables, as frozen dataclasses; parcalc.data.schema declares and validates their shape.

Plain values and no checks: a table here is what one file says. Reading it (parcalc.data.loading) and
checking files against each other (parcalc.data.dataset) are elsewhere, so importing the model costs
nothing (ingest uses DEFAULT_LEVELS without loading pydantic-core).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

DEFAULT_LEVELS = ("province", "district", "commune")

# A window of dates, as written in TOML: { start = 2021-12-15, end = 2022-06-14 }.
Window = Mapping[str, date]
PeriodValue = str | Window
StatedValue = str | float | int


@dataclass(frozen=True)
class Settings:
    title: str | None = None
    levels: tuple[str, ...] = DEFAULT_LEVELS
    period_start_day: int = 1
    lang: str | None = None

    @classmethod
    def from_dict(cls, given: Mapping[str, Any]) -> Settings:
        values = dict(given)
        if "levels" in values:
            values["levels"] = tuple(values["levels"])
        return cls(**values)


@dataclass(frozen=True)
class Unit:
    id: str
    level: str
    name: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class Label:
    vi: str
    en: str


@dataclass(frozen=True)
class MetricDef:
    id: str
    label: Label
    numerator: tuple[str, ...]
    denominator: tuple[str, ...]


@dataclass(frozen=True)
class Target:
    name: str
    metric: str
    value: StatedValue
    op: str = ">="
    level: str | None = None
    unit: str | None = None
    period: PeriodValue | None = None
    per: str | None = None
    source: str | None = None
    points: float | int | None = None
    full_mark: StatedValue | None = None


@dataclass(frozen=True)
class Band:
    name: str
    min: StatedValue
    metric: str | None = None


@dataclass(frozen=True)
class Figures:
    period: PeriodValue
    level: str
    unit: str | None = None
    stated: dict[str, StatedValue] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # only the fields given


_FIGURES_KEYS = frozenset(("period", "level", "unit", "stated"))


@dataclass(frozen=True)
class DataFile:
    settings_given: dict[str, Any] = field(default_factory=dict)  # only the keys the file sets
    units: list[Unit] = field(default_factory=list)
    figures: list[Figures] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    metrics: list[MetricDef] = field(default_factory=list)
    bands: list[Band] = field(default_factory=list)

    @property
    def parcalc(self) -> Settings:
        return Settings.from_dict(self.settings_given)

    @classmethod
    def from_valid(cls, data: Mapping[str, Any]) -> DataFile:
        """The tables of a file that parcalc.data.schema has validated."""
        return cls(
            settings_given=data.get("parcalc", {}),
            units=[Unit(**u) for u in data.get("units", [])],
            figures=[
                Figures(
                    **{k: v for k, v in f.items() if k in _FIGURES_KEYS},
                    counts={k: v for k, v in f.items() if k not in _FIGURES_KEYS and v is not None},
                )
                for f in data.get("figures", [])
            ],
            targets=[Target(**t) for t in data.get("targets", [])],
            metrics=[
                MetricDef(m["id"], Label(**m["label"]), tuple(m["numerator"]), tuple(m["denominator"]))
                for m in data.get("metrics", [])
            ],
            bands=[Band(**b) for b in data.get("bands", [])],
        )
