"""The data file's shape, declared once as a Pydantic core schema.

The one schema below validates every file (strict types, unknown keys forbidden, counts whole and
non-negative) and produces the JSON Schema of ``parcalc schema``. It goes to pydantic-core directly,
not through BaseModel classes: importing BaseModel alone costs more than half of parcalc's start-up
budget. Validated tables become the frozen dataclasses below.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

from parcalc.counts import FIELDS
from parcalc.limits import MAX_COUNT

DEFAULT_LEVELS = ("province", "district", "commune")
OPS = (">=", ">", "<=", "<", "==")

# A window of dates, as written in TOML: { start = 2021-12-15, end = 2022-06-14 }.
Window = Mapping[str, date]
PeriodValue = str | Window
StatedValue = str | float | int


def _field(schema: cs.CoreSchema, description: str | None = None, required: bool = False) -> cs.TypedDictField:
    metadata = {"pydantic_js_updates": {"description": description}} if description else None
    return cs.typed_dict_field(schema, required=required, metadata=metadata)


def _table(name: str, fields: dict[str, cs.TypedDictField]) -> cs.TypedDictSchema:
    return cs.typed_dict_schema(fields, extra_behavior="forbid", ref=name)


_TEXT = cs.str_schema(strict=True)
_NAME = cs.str_schema(strict=True, min_length=1)
_COUNT = cs.nullable_schema(cs.int_schema(ge=0, le=MAX_COUNT, strict=True))
_STATED = cs.union_schema(
    [cs.str_schema(strict=True), cs.int_schema(strict=True), cs.float_schema(strict=True)],
    mode="left_to_right",
    custom_error_type="stated_value",
    custom_error_message='expected a percentage such as "4,44%" or a number',
)
_WINDOW = _table(
    "DateWindow", {"start": _field(cs.date_schema(), required=True), "end": _field(cs.date_schema(), required=True)}
)
_PERIOD = cs.union_schema(
    [_TEXT, _WINDOW],
    mode="left_to_right",
    custom_error_type="period_value",
    custom_error_message="expected a period such as 2022-H1 or { start = 2022-01-01, end = 2022-06-30 }",
)
_POINTS = cs.union_schema([cs.int_schema(strict=True, ge=0), cs.float_schema(strict=True, ge=0)], mode="left_to_right")
PERIOD_HELP = "2022, 2022-H1, 2022-Q3, 2022-09, 2022-01..2022-09, or { start, end } dates"

SETTINGS = _table(
    "Settings",
    {
        "title": _field(_TEXT, "Report title"),
        "levels": _field(
            cs.list_schema(_NAME, min_length=1), 'Levels of government, top first; ["province", "commune"] after 2025'
        ),
        "period_start_day": _field(
            cs.int_schema(ge=1, le=28, strict=True), "15 for reporting months running from the 15th to the 14th"
        ),
        "lang": _field(cs.literal_schema(["vi", "en"]), "Language of labels and numbers"),
    },
)
UNIT = _table(
    "Unit",
    {
        "id": _field(_NAME, required=True),
        "name": _field(_TEXT),
        "level": _field(_NAME, required=True),
        "parent": _field(_NAME, "The unit this one belongs to"),
    },
)
METRIC = _table(
    "Metric",
    {
        "id": _field(cs.str_schema(strict=True, pattern=r"^[a-z][a-z0-9_]*$"), required=True),
        "label": _field(
            _table("Label", {"vi": _field(_NAME, required=True), "en": _field(_NAME, required=True)}), required=True
        ),
        "numerator": _field(cs.list_schema(_NAME, min_length=1), "Count fields summed above the line", required=True),
        "denominator": _field(cs.list_schema(_NAME, min_length=1), "Count fields summed below the line", required=True),
    },
)
TARGET = _table(
    "Target",
    {
        "name": _field(_NAME, "Unique name", required=True),
        "metric": _field(_NAME, "A metric id", required=True),
        "op": _field(cs.literal_schema(list(OPS)), "Comparison; default >="),
        "value": _field(_STATED, 'A rate ("35%" or 0.35) or a count (30)', required=True),
        "level": _field(_NAME),
        "unit": _field(_NAME),
        "period": _field(_PERIOD, PERIOD_HELP),
        "per": _field(cs.literal_schema(["month"]), "Must hold in each month, not only over the whole period"),
        "source": _field(_TEXT, "The plan or decision that set the target"),
        "points": _field(_POINTS, "Points for a score, as indices give them: points x min(1, actual / full_mark)"),
        "full_mark": _field(_STATED, "The value that earns all the points; default: the target value"),
    },
)
BAND = _table(
    "Band",
    {
        "name": _field(_NAME, "The band's name: tốt, khá, A, ...", required=True),
        "min": _field(_STATED, 'Lowest value in it: "90%" of the points, 80 points, or a metric value', required=True),
        "metric": _field(_NAME, "Bands for ranking by this metric; without it, for ranking by points"),
    },
)
FIGURES = _table(
    "Figures",
    {
        "period": _field(_PERIOD, PERIOD_HELP, required=True),
        "level": _field(_NAME, required=True),
        "unit": _field(_NAME, "Without it, the row is the whole level"),
        "stated": _field(
            cs.dict_schema(_NAME, _STATED), "Percentages as published, by metric id, checked against the counts"
        ),
        **{f.id: _field(_COUNT, f"{f.vi} / {f.en}") for f in FIELDS},
    },
)
DATA_FILE = cs.typed_dict_schema(
    {
        "parcalc": _field(SETTINGS, "Settings"),
        "units": _field(cs.list_schema(UNIT), "Registry of units: names and the hierarchy"),
        "figures": _field(cs.list_schema(FIGURES), "One table per period, level and unit"),
        "targets": _field(cs.list_schema(TARGET), "Targets from plans"),
        "metrics": _field(cs.list_schema(METRIC), "Custom ratio metrics"),
        "bands": _field(cs.list_schema(BAND), "Bands for parcalc rank (tốt / khá / ..., A / B / C)"),
    },
    extra_behavior="forbid",
)

# The keys each table allows, for "did you mean" hints.
TABLE_KEYS: dict[str, tuple[str, ...]] = {
    name: tuple(schema["fields"])
    for name, schema in {
        "parcalc": SETTINGS,
        "units": UNIT,
        "figures": FIGURES,
        "targets": TARGET,
        "metrics": METRIC,
        "bands": BAND,
        "period": _WINDOW,
        "label": METRIC["fields"]["label"]["schema"],
    }.items()
    if schema["type"] == "typed-dict"
}
TABLE_KEYS[""] = tuple(DATA_FILE["fields"])

_validator: SchemaValidator | None = None


def validate(raw: Any) -> dict[str, Any]:
    """The file's tables, checked; raises pydantic_core.ValidationError with every problem."""
    global _validator
    if _validator is None:
        _validator = SchemaValidator(DATA_FILE)
    result: dict[str, Any] = _validator.validate_python(raw)
    return result


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
    def parse(cls, raw: Any) -> DataFile:
        """Validate a parsed file and build its tables; raises pydantic_core.ValidationError."""
        data = validate(raw)
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


def json_schema() -> dict[str, Any]:
    from pydantic.json_schema import GenerateJsonSchema

    schema = GenerateJsonSchema().generate(DATA_FILE)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "parcalc data file", **schema}
