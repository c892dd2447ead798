"""Pydantic models of the data file: strict, unknown keys forbidden, counts non-negative integers."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model

from parcalc.counts import FIELDS

Count = Annotated[int, Field(ge=0, strict=True)]
# A percentage as printed ("8,57%", "8.57%") or a fraction (0.0857); a count for per-month metrics.
Stated = Annotated[str | float | int, Field(union_mode="left_to_right")]
Op = Literal[">=", ">", "<=", "<", "=="]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class DateWindow(_Strict):
    start: date
    end: date


PeriodValue = Annotated[
    str | DateWindow,
    Field(description="2022, 2022-H1, 2022-Q3, 2022-09, 2022-01..2022-09, or {start, end} dates"),
]


class Settings(_Strict):
    title: str | None = None
    levels: list[str] = Field(
        default_factory=lambda: ["province", "district", "commune"],
        min_length=1,
        description='Levels of government, top first; ["province", "commune"] after 2025',
    )
    period_start_day: int = Field(
        1, ge=1, le=28, description="15 for reporting months running from the 15th to the 14th"
    )
    lang: Literal["vi", "en"] | None = Field(None, description="Language of labels and numbers")


class Unit(_Strict):
    id: str = Field(min_length=1)
    name: str | None = None
    level: str
    parent: str | None = None


class Label(_Strict):
    vi: str
    en: str


class MetricDef(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    label: Label
    numerator: list[str] = Field(min_length=1)
    denominator: list[str] = Field(min_length=1)


class Target(_Strict):
    name: str = Field(min_length=1)
    metric: str
    op: Op = ">="
    value: Stated
    level: str | None = None
    unit: str | None = None
    period: PeriodValue | None = None
    per: Literal["month"] | None = None
    source: str | None = None


class _FiguresBase(_Strict):
    period: PeriodValue
    level: str
    unit: str | None = None
    stated: dict[str, Stated] = Field(
        default_factory=dict, description="Percentages as published, by metric id, checked against the counts"
    )


if TYPE_CHECKING:
    Figures = _FiguresBase  # count fields are read with model_dump()
else:
    Figures = create_model(
        "Figures",
        __base__=_FiguresBase,
        **{f.id: (Count | None, Field(None, description=f"{f.vi} / {f.en}")) for f in FIELDS},
    )


class DataFile(_Strict):
    parcalc: Settings = Field(default_factory=lambda: Settings.model_validate({}))
    units: list[Unit] = Field(default_factory=list)
    figures: list[Figures] = Field(default_factory=list)
    targets: list[Target] = Field(default_factory=list)
    metrics: list[MetricDef] = Field(default_factory=list)


def json_schema() -> dict[str, Any]:
    schema = DataFile.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "parcalc data file"
    return schema
