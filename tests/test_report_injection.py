"""Names from the data never become spreadsheet formulas or HTML markup, in any output format."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

if TYPE_CHECKING:
    from conftest import Ran

FORMULA = '=HYPERLINK("http://evil.example/x","click")'
MARKUP = "<img src=x onerror=alert(1)>"

DATA = f"""
[parcalc]
title = "</title><script>alert('title')</script>"

[[units]]
id = "formula"
name = '{FORMULA}'
level = "commune"

[[units]]
id = "markup"
name = "{MARKUP}"
level = "commune"

[[figures]]
period = "2022-01"
level = "commune"
unit = "formula"
received_new = 10
resolved = 8
resolved_late = 1

[[figures]]
period = "2022-02"
level = "commune"
unit = "formula"
received_new = 12
resolved = 9
resolved_late = 0

[[figures]]
period = "2022-01"
level = "commune"
unit = "markup"
received_new = 5
resolved = 5
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "names.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def test_csv_cells_are_inert(cli: Callable[..., Ran], data: Path) -> None:
    ran = cli(["compute", str(data), "-q", "-f", "csv"])
    names = [row["unit_name"] for row in csv.DictReader(io.StringIO(ran.stdout))]
    assert names[0] == "'" + FORMULA
    assert MARKUP in names  # CSV is not HTML: markup stays as written, it is only text there


def test_xlsx_text_is_never_a_formula(cli: Callable[..., Ran], data: Path, tmp_path: Path) -> None:
    target = tmp_path / "names.xlsx"
    assert cli(["compute", str(data), "-q", "-o", str(target)]).code == 0
    sheet = openpyxl.load_workbook(target).worksheets[0]
    cells = [c for row in sheet.iter_rows() for c in row if c.value == FORMULA]
    assert len(cells) == 2  # two months of the unit, each a text cell holding the name as written
    assert all(c.data_type == "s" for c in cells)
    assert not any(c.data_type == "f" for row in sheet.iter_rows() for c in row)


def test_text_report_lines_are_inert(cli: Callable[..., Ran], data: Path) -> None:
    ran = cli(["report", str(data), "-q"])
    lines = ran.stdout.splitlines()
    assert "'" + FORMULA + ": tiếp nhận mới 10 hồ sơ; đã giải quyết 8 hồ sơ (trễ hạn 1 hồ sơ, chiếm 12,50%)." in lines
    assert not any(line.startswith(("=", "+", "-", "@")) for line in lines)


def test_html_escapes_everything_from_the_data(cli: Callable[..., Ran], data: Path, tmp_path: Path) -> None:
    target = tmp_path / "names.html"
    assert cli(["compute", str(data), "-q", "-o", str(target)]).code == 0
    page = target.read_text(encoding="utf-8")
    assert "<script" not in page
    assert MARKUP not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page
    assert "<title>&lt;/title&gt;&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;</title>" in page
    # A table cell that Excel would run when it opens the page is made inert there too.
    assert '<td class="key">&#x27;=HYPERLINK(&quot;http://evil.example/x&quot;,&quot;click&quot;)</td>' in page
    assert "<figcaption>=HYPERLINK(" in page  # a chart caption is not a cell: the name as written
