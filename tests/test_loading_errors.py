"""Bad input is reported like a validator: a code, a severity and a location for every problem.

Each file in tests/broken/ states in its header the one problem it must produce:

    # expect code: unknown-key
    # expect line: 9
    # expect table: figures[0]
    ...

A location field the header leaves out must be absent (null), so that a problem is never located
vaguely or wrongly. ``message`` is a part of the English message.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    from conftest import Ran

from parcalc.analysis import calc
from parcalc.core.issues import InputError, Problem, UsageError, did_you_mean
from parcalc.data import dataset
from parcalc.data.loading import load_sources
from parcalc.data.text import index_lines

BROKEN = Path(__file__).resolve().parent / "broken"

EXPECT = re.compile(rb"^# expect (\w+): (.*)$", re.MULTILINE)
LOCATION = ("line", "table", "key", "period", "level", "unit", "metric", "gap")
BROKEN_FILES = sorted(BROKEN.glob("*.toml"))


def expectations(path: Path) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for name, value in EXPECT.findall(path.read_bytes()):
        text = value.decode("utf-8")
        found[name.decode()] = int(text) if name in (b"line", b"gap") else text
    return found


def problems_of(files: list[str]) -> list[Problem]:
    """What `parcalc validate` reports, through the library."""
    try:
        data = dataset.load(files)
    except InputError as exc:
        return exc.problems
    return [p for row in calc.analyse_all(data) for p in row.problems]


def test_the_corpus_is_large_and_every_file_states_its_problem() -> None:
    assert len(BROKEN_FILES) >= 30
    for path in BROKEN_FILES:
        expected = expectations(path)
        assert {"code", "severity", "line", "message"} <= set(expected), path.name


@pytest.mark.parametrize("path", BROKEN_FILES, ids=[p.stem for p in BROKEN_FILES])
def test_broken_file(path: Path, cli: Callable[..., Ran]) -> None:
    expected = expectations(path)
    result = cli(["validate", "--lang", "en", "--format", "json", str(path)])
    report = json.loads(result.stdout)
    assert report["schema"] == "parcalc/validate/1"
    issues = report["issues"]
    assert [i["code"] for i in issues] == [expected["code"]], issues
    issue = issues[0]
    assert issue["severity"] == expected["severity"]
    assert issue["file"] == str(path)
    for field in LOCATION:
        assert issue[field] == expected.get(field), f"{field}: {issue}"
    assert expected["message"] in issue["message"]
    assert report["valid"] is (expected["severity"] != "error")
    assert result.code == (3 if expected["severity"] == "error" else 0)


def test_all_problems_of_a_file_are_reported_at_once(tmp_path: Path) -> None:
    path = tmp_path / "many.toml"
    path.write_text(
        '[[figures]]\nperiod = "2022-H1"\nlevel = "district"\nrecieved = 1\nresolved = -1\n\n'
        '[[figures]]\nperiod = "2022-H1"\nlevel = "provnce"\n',
        encoding="utf-8",
    )
    first = problems_of([str(path)])
    assert [(p.code, p.line, p.key) for p in first] == [
        ("unknown-key", 4, "recieved"),
        ("invalid-count", 5, "resolved"),
    ]
    path.write_text(
        '[[figures]]\nperiod = "2022-H3"\nlevel = "district"\n\n[[figures]]\nperiod = "2022"\nlevel = "x"\n'
    )
    second = problems_of([str(path)])
    assert [(p.code, p.line, p.table) for p in second] == [
        ("bad-period", 2, "figures[0]"),
        ("unknown-level", 7, "figures[1]"),
    ]


def test_problems_of_several_files_are_reported_together(tmp_path: Path) -> None:
    bad_syntax = tmp_path / "a.toml"
    bad_syntax.write_text('[parcalc\ntitle = "x"\n', encoding="utf-8")
    bad_key = tmp_path / "b.toml"
    bad_key.write_text('[[figures]]\nperiod = "2022"\nlevel = "commune"\nresovled = 3\n', encoding="utf-8")
    problems = problems_of([str(bad_syntax), str(bad_key)])
    assert [(p.code, p.file, p.line) for p in problems] == [
        ("toml-syntax", str(bad_syntax), 1),
        ("unknown-key", str(bad_key), 4),
    ]
    assert "did you mean 'resolved'" in problems[1].message("en")


def test_toml_syntax_error_gives_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "syntax.toml"
    path.write_text('[[figures]]\nperiod = "2022"\nlevel = "commune"\nreceived = 1 2\n', encoding="utf-8")
    (problem,) = problems_of([str(path)])
    assert (problem.code, problem.line) == ("toml-syntax", 4)
    assert re.search(r"\(column \d+\)", problem.message("en"))
    assert "at line" not in problem.message("en")  # the line is in the location, not repeated


def test_non_utf8_names_the_byte_offset_after_a_bom(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b'\xef\xbb\xbf[parcalc]\ntitle = "K\xe9t"\n')
    (problem,) = problems_of([str(path)])
    assert problem.code == "encoding"
    assert problem.line == 2
    assert "invalid byte 0xe9 at byte offset 23" in problem.message("en")
    assert "byte offset 23" in problem.message("vi")


def test_utf8_with_bom_is_read(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes('\ufeff[[figures]]\nperiod = "2022"\nlevel = "commune"\nresolved = 3\n'.encode())
    (source,) = load_sources([str(path)])
    assert source.data.figures[0].counts == {"resolved": 3}


def test_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="no such file"):
        load_sources([str(tmp_path / "nope.toml")])
    with pytest.raises(UsageError, match="is a folder"):
        load_sources([str(tmp_path)])


def test_messages_in_vietnamese() -> None:
    path = BROKEN / "unknown-count-field.toml"
    (problem,) = problems_of([str(path)])
    assert problem.message("vi") == "khóa không hợp lệ 'recieved' (có phải là 'received'?)"
    line = expectations(path)["line"]
    assert problem.line_text("en").startswith(f"{path}:{line} figures[0] (2022-H1 / district) recieved: error:")
    assert problem.line_text("en").endswith("[unknown-key]")


def test_did_you_mean() -> None:
    assert str(did_you_mean("recieved", ["received", "resolved"])) == " (did you mean 'received'?)"
    assert did_you_mean("recieved", ["received"]).vi == " (có phải là 'received'?)"
    assert str(did_you_mean("online_shar", ["online_share", "online_share_total"])) == " (did you mean 'online_share'?)"
    assert str(did_you_mean("zzz", ["received"])) == ""


def test_a_count_written_with_a_thousands_dot_gets_a_hint(tmp_path: Path) -> None:
    # TOML reads the Vietnamese 226.593 as the decimal 226.593: say what was probably meant.
    path = tmp_path / "dot.toml"
    path.write_text('[[figures]]\nperiod = "2022"\nlevel = "province"\nreceived = 226.593\n', encoding="utf-8")
    (problem,) = problems_of([str(path)])
    assert problem.code == "invalid-count"
    assert "if you meant 226593 dossiers" in problem.message("en")
    assert "nếu là 226593 hồ sơ" in problem.message("vi")
    path.write_text('[[figures]]\nperiod = "2022"\nlevel = "province"\nreceived = 1.5\n', encoding="utf-8")
    (problem,) = problems_of([str(path)])
    assert "thousands" not in problem.message("en")


def test_line_index_of_hand_written_toml() -> None:
    text = (
        "[parcalc]\ntitle = 'x'\n\n[[figures]]\nperiod = '2022'\n\n[figures.stated]\nlate_rate = '1%'\n\n"
        "[[figures]]\nperiod = '2023'\nresolved = 1\n"
    )
    index = index_lines(text)
    assert index.line_of(("parcalc", "title")) == 2
    assert index.line_of(("figures",)) == 4
    assert index.line_of(("figures", 0, "stated", "late_rate")) == 8
    assert index.line_of(("figures", 1, "resolved")) == 12
    assert index.line_of(("figures", 1, "pending")) == 10  # an absent key: its table's line


MERGE_A = """
[parcalc]
title = "A"
period_start_day = 15

[[units]]
id = "tuy-phuoc"
name = "Huyện Tuy Phước"
level = "district"

[[figures]]
period = "2022-H1"
level = "district"
unit = "tuy-phuoc"
received_new = 100
resolved = 90
"""

MERGE_B = """
[[figures]]
period = "2022-H1"
level = "district"
unit = "tuy-phuoc"
resolved = 90
resolved_late = 9

[figures.stated]
late_rate = "10%"
"""


def test_several_files_merge_rows_field_by_field(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(MERGE_A, encoding="utf-8")
    b.write_text(MERGE_B, encoding="utf-8")
    data = dataset.load([str(a), str(b)])
    assert data.settings.period_start_day == 15
    (row,) = data.rows
    assert (row.period.start.isoformat(), row.unit) == ("2021-12-15", "tuy-phuoc")
    assert dict(row.counts) == {"received_new": 100, "resolved": 90, "resolved_late": 9}
    assert row.stated == {"late_rate": "10%"}
    assert [o.source.name for o in row.origins] == [str(a), str(b)]
    (result,) = calc.analyse_all(data)
    assert result.problems == []
    assert result.unit_name == "Huyện Tuy Phước"


def test_duplicate_row_with_equal_values_is_not_an_error(tmp_path: Path) -> None:
    path = tmp_path / "twice.toml"
    row = '[[figures]]\nperiod = "2022"\nlevel = "commune"\nresolved = 5\n\n'
    path.write_text(row + row, encoding="utf-8")
    assert problems_of([str(path)]) == []


def test_duplicate_row_across_files_names_both_tables(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text(MERGE_A, encoding="utf-8")
    b.write_text(MERGE_B.replace("resolved = 90", "resolved = 91"), encoding="utf-8")
    (problem,) = problems_of([str(a), str(b)])
    assert (problem.code, problem.file, problem.line, problem.key) == ("duplicate-row", str(b), 6, "resolved")
    assert problem.unit == "tuy-phuoc"
    assert f"{a} figures[0]" in problem.message("en") and f"{b} figures[0]" in problem.message("en")


def test_conflicting_settings_across_files(tmp_path: Path) -> None:
    a, b = tmp_path / "a.toml", tmp_path / "b.toml"
    a.write_text("[parcalc]\nperiod_start_day = 15\n", encoding="utf-8")
    b.write_text('[parcalc]\ntitle = "B"\nperiod_start_day = 1\n', encoding="utf-8")
    (problem,) = problems_of([str(a), str(b)])
    assert (problem.code, problem.file, problem.line, problem.key) == (
        "settings-conflict",
        str(b),
        3,
        "period_start_day",
    )


def test_a_unit_registered_in_another_file(tmp_path: Path) -> None:
    units, figures = tmp_path / "units.toml", tmp_path / "figures.toml"
    units.write_text('[[units]]\nid = "phuoc-loc"\nname = "Xã Phước Lộc"\nlevel = "commune"\n', encoding="utf-8")
    figures.write_text('[[figures]]\nperiod = "2022"\nlevel = "commune"\nunit = "phuoc-loc"\necert = 360\n')
    data = dataset.load([str(units), str(figures)])
    (result,) = calc.analyse_all(data)
    assert result.unit_name == "Xã Phước Lộc"
    assert result.metrics["ecert_per_month"] == 30


def test_json_data_file(tmp_path: Path) -> None:
    path = tmp_path / "data.json"
    path.write_text('{"figures": [{"period": "2022", "level": "commune", "resolved": 4, "resolved_late": 1}]}')
    (result,) = calc.analyse_all(dataset.load([str(path)]))
    assert result.metrics["late_rate"] == 0.25
    path.write_text('{"figures": [}')
    (problem,) = problems_of([str(path)])
    assert (problem.code, problem.line) == ("json-syntax", 1)


@pytest.mark.parametrize("stated", ['"8,57%"', '"8.57%"', "0.0857", '"8,5%"', '"8.6%"', '"9%"', '"8%"'])
def test_stated_forms_in_a_file_match(tmp_path: Path, stated: str) -> None:
    path = tmp_path / "stated.toml"
    path.write_text(
        '[[figures]]\nperiod = "2022-H1"\nlevel = "district"\nresolved = 19811\nresolved_late = 1698\n\n'
        f"[figures.stated]\nlate_rate = {stated}\n",
        encoding="utf-8",
    )
    assert problems_of([str(path)]) == []


@pytest.mark.parametrize("stated", ['"8,58%"', '"8.56%"', "0.0858", '"8,7%"', '"10%"'])
def test_stated_forms_in_a_file_that_do_not_match(tmp_path: Path, stated: str) -> None:
    path = tmp_path / "stated.toml"
    path.write_text(
        '[[figures]]\nperiod = "2022-H1"\nlevel = "district"\nresolved = 19811\nresolved_late = 1698\n\n'
        f"[figures.stated]\nlate_rate = {stated}\n",
        encoding="utf-8",
    )
    (problem,) = problems_of([str(path)])
    assert (problem.code, problem.metric, problem.line) == ("stated-mismatch", "late_rate", 8)
