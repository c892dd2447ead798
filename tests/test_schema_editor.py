"""The JSON Schema as an editor uses it: metric ids, count fields and periods it can complete and flag."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from parcalc.core.counts import FIELDS
from parcalc.core.metrics import Registry
from parcalc.core.periods import PATTERN, PeriodError, parse_period
from parcalc.data.schema import json_schema

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def _errors(schema: dict[str, Any], text: str) -> list[str]:
    validator = jsonschema.Draft202012Validator(schema)
    found = validator.iter_errors(_plain(tomllib.loads(text)))
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]


FIGURES = 'period = "2022-H1"\nlevel = "province"\nreceived_new = 10\n'


def test_the_schema_is_a_valid_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema())


@pytest.mark.parametrize("example", sorted(EXAMPLES.glob("*.toml")), ids=lambda p: p.stem)
def test_every_example_is_valid(example: Path) -> None:
    assert _errors(json_schema(), example.read_text(encoding="utf-8")) == []


def test_metric_ids_are_listed_where_a_metric_is_named() -> None:
    schema = json_schema()
    ids = list(Registry())
    defs = schema["$defs"]
    assert defs["Target"]["properties"]["metric"]["enum"] == ids
    assert defs["Band"]["properties"]["metric"]["enum"] == ids
    assert list(defs["Figures"]["properties"]["stated"]["properties"]) == ids
    assert defs["Metric"]["properties"]["numerator"]["items"]["enum"] == [f.id for f in FIELDS]


def test_a_typo_in_a_metric_or_a_stated_key_is_flagged() -> None:
    schema = json_schema()
    target = '[[targets]]\nname = "t"\nmetric = "onlin_share"\nvalue = "50%"\n'
    assert any("onlin_share" in e for e in _errors(schema, target))
    stated = f'[[figures]]\n{FIGURES}[figures.stated]\nlate_rat = "4,44%"\n'
    assert any("late_rat" in e for e in _errors(schema, stated))
    custom = '[[metrics]]\nid = "m"\nlabel = { vi = "a", en = "b" }\n'
    custom += 'numerator = ["resolvd"]\ndenominator = ["resolved"]\n'
    assert any("resolvd" in e for e in _errors(schema, custom))


def test_a_files_custom_metrics_can_join_the_list() -> None:
    target = '[[targets]]\nname = "t"\nmetric = "late_or_overdue_rate"\nvalue = "5%"\n'
    assert _errors(json_schema(), target) != []
    assert _errors(json_schema(["late_or_overdue_rate"]), target) == []


@pytest.mark.parametrize(
    "text",
    ["2022", "2022-H1", "2022-h2", "2022-Q3", "2022-09", "2022-01..2022-09", "2021-12-15..2022-06-14", " 2022-Q1 "],
)
def test_the_period_pattern_accepts_what_parcalc_reads(text: str) -> None:
    parse_period(text)
    assert re.search(PATTERN, text)
    assert _errors(json_schema(), f'[[figures]]\nperiod = "{text}"\nlevel = "province"\n') == []


@pytest.mark.parametrize("text", ["2022-H3", "2022-Q5", "2022-13", "22", "2022-1", "H1-2022", "2022/09", "năm 2022"])
def test_the_period_pattern_refuses_what_parcalc_cannot_read(text: str) -> None:
    with pytest.raises(PeriodError):
        parse_period(text)
    assert not re.search(PATTERN, text)
    assert any("period" in e for e in _errors(json_schema(), f'[[figures]]\nperiod = "{text}"\nlevel = "province"\n'))
