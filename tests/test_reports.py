"""The typed reports: words in one order, JSON as one rendering, and reporters that change nothing."""

from __future__ import annotations

import copy
import json
import unicodedata
from pathlib import Path

import pytest

from parcalc.analysis import calc, grouping
from parcalc.core import words
from parcalc.core.counts import FIELDS
from parcalc.core.issues import TEMPLATES
from parcalc.core.metrics import Registry
from parcalc.core.periods import Grain
from parcalc.data import dataset
from parcalc.reporters import FORMATS, render
from parcalc.reports import words as report_words
from parcalc.reports.compute import ComputeReport, compute_report
from parcalc.reports.model import Options, Report
from parcalc.reports.targets import targets_report
from parcalc.reports.validate import validate_report
from parcalc.targets.check import evaluate

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _vietnamese(text: str) -> bool:
    """Has a letter only Vietnamese writes here: a tone or vowel mark, or đ."""
    return any(ch in "đĐ" or unicodedata.decomposition(ch) for ch in text if ch.isalpha())


def _pairs() -> list[tuple[str, str, str]]:
    tables = {
        "TEMPLATES": TEMPLATES,
        "HEADERS": words.HEADERS,
        "COMPARE": words.COMPARE,
        "TARGET_HEADERS": words.TARGET_HEADERS,
        "STATUS": words.STATUS,
        "MONTHS_VERDICT": words.MONTHS_VERDICT,
        "RANK_HEADERS": words.RANK_HEADERS,
        "PRESET_HEADERS": words.PRESET_HEADERS,
        "TEXT": report_words.TEXT,
        "PERIODS": report_words.PERIODS,
        "LEVELS": report_words.LEVELS,
    }
    found = [(f"{name}[{key}]", vi, en) for name, table in tables.items() for key, (vi, en) in table.items()]
    found += [(f"field {f.id}", f.vi, f.en) for f in FIELDS]
    found += [(f"metric {m.id}", m.vi, m.en) for m in Registry().values()]
    return found


@pytest.mark.parametrize(("where", "vi", "en"), _pairs())
def test_every_word_table_is_vietnamese_then_english(where: str, vi: str, en: str) -> None:
    assert not _vietnamese(en), f"{where}: the English side reads as Vietnamese: {en!r}"
    if _vietnamese(vi + en):
        assert _vietnamese(vi), f"{where}: the Vietnamese side has no Vietnamese letter: {vi!r}"


def test_pick_is_the_one_lookup() -> None:
    assert words.pick(words.NO_DATA, "vi") == "không có số liệu"
    assert words.pick(words.NO_DATA, "en") == "no data"
    assert words.word(words.STATUS, "missed", "vi") == "không đạt"


def _compute(name: str, how: grouping.Grouping) -> calc.ComputeResult:
    data = dataset.load([str(EXAMPLES / name)])
    rows = calc.analyse_all(data, metrics=not how.active)
    return grouping.roll_up(data, rows, how, calc.Query()) if how.active else calc.compute(data, calc.Query(), rows)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_reporters_change_neither_the_report_nor_its_result(fmt: str) -> None:
    result = _compute("communes-monthly.toml", grouping.Grouping(grain=Grain.QUARTER, compare="previous"))
    report = compute_report(result, Options("vi", 2))
    before, rows_before = copy.deepcopy(report.tables), copy.deepcopy(result.rows)
    render(fmt, report, Options("vi", 2))
    render(fmt, report, Options("en", 1))
    assert report.tables == before
    assert result.rows == rows_before


def test_json_is_one_rendering_of_the_typed_report() -> None:
    result = _compute("binh-phuoc-2022-h1.toml", grouping.Grouping())
    report = compute_report(result, Options("en", 2))
    assert isinstance(report, ComputeReport) and report.result is result
    assert json.loads(str(render("json", report, Options("en", 2)))) == report.to_json()
    assert report.to_json()["schema"] == "parcalc/compute/1"


def test_each_command_has_its_own_report_kind() -> None:
    data = dataset.load([str(EXAMPLES / "communes-monthly.toml")])
    checked = targets_report(evaluate(data, calc.analyse_all(data)), Options("vi", 2))
    assert checked.target_results() is not None and checked.trends() is None
    assert checked.narrative(Options("vi", 2)).prose
    validated = validate_report([], Options("vi", 2))
    assert isinstance(validated, Report) and validated.to_json()["valid"] is True
    assert not validated.narrative(Options("vi", 2)).prose
