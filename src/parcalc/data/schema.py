"""The data file's shape, declared once as a Pydantic core schema.

The one schema below validates every file (strict types, unknown keys forbidden, counts whole and
non-negative) and produces the JSON Schema of ``parcalc schema``. It goes to pydantic-core directly,
not through BaseModel classes: importing BaseModel alone costs more than half of parcalc's start-up
budget. Even pydantic-core takes 40 ms to import, so this module is imported only when a file is
validated (parcalc.data.loading.validate_model); a run on a CSV sheet alone never needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic_core import SchemaValidator
from pydantic_core import core_schema as cs

from parcalc.core.counts import FIELDS
from parcalc.core.operators import OPS
from parcalc.data.limits import MAX_COUNT


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
        # parcalc ingest --format json lists the record rows it left out; the figures read back without them.
        "issues": _field(
            cs.list_schema(cs.any_schema()), "Problems the program that wrote the file reported; not read"
        ),
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


def json_schema(custom_metrics: Sequence[str] = ()) -> dict[str, Any]:
    """The JSON Schema of the data file, for editors.

    Beyond what the validator checks, it names the values an editor can complete: the metric ids (the
    built-in ones, plus ``custom_metrics``, the ids a file declares in ``[[metrics]]``) where a target,
    a band or a stated value names a metric, the count fields a custom metric sums, and the period
    grammar as a pattern. So an editor flags ``metric = "onlin_share"`` or ``period = "2022-H3"``.
    """
    from pydantic.json_schema import GenerateJsonSchema

    from parcalc.core.metrics import Registry
    from parcalc.core.periods import PATTERN

    schema = GenerateJsonSchema().generate(DATA_FILE)
    metric_ids = list(dict.fromkeys([*Registry(), *custom_metrics]))
    defs = schema["$defs"]
    for table in ("Target", "Band"):
        defs[table]["properties"]["metric"] = _enum(defs[table]["properties"]["metric"], metric_ids)
    stated = defs["Figures"]["properties"]["stated"]
    value = stated.pop("additionalProperties")
    stated.pop("propertyNames", None)
    stated["properties"] = {metric_id: value for metric_id in metric_ids}
    stated["additionalProperties"] = False
    for side in ("numerator", "denominator"):
        items = defs["Metric"]["properties"][side]["items"]
        defs["Metric"]["properties"][side]["items"] = _enum(items, [f.id for f in FIELDS])
    for table in ("Target", "Figures"):
        period = defs[table]["properties"]["period"]
        period["anyOf"] = [
            {"type": "string", "pattern": PATTERN} if option.get("type") == "string" else option
            for option in period["anyOf"]
        ]
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": "parcalc data file", **schema}


def _enum(schema: dict[str, Any], values: Sequence[str]) -> dict[str, Any]:
    kept = {k: v for k, v in schema.items() if k in ("title", "description")}
    return {**kept, "enum": list(values)}
