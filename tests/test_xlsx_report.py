"""XLSX output: real numbers with number formats, a frozen header, one sheet per table, problems included."""

from __future__ import annotations

import io
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import openpyxl
import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

if TYPE_CHECKING:
    from conftest import Ran

NEAR_100 = """
[[figures]]
period = "2022-09"
level = "commune"
resolved = 100000
resolved_in_time = 99996
resolved_late = 4
"""


def _open(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def test_compute_workbook_values_and_formats(cli: Callable[..., Ran], tmp_path: Path) -> None:
    target = tmp_path / "duyen-hai.xlsx"
    ran = cli(["compute", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "-o", str(target)])
    assert ran.code == 0, ran.stderr
    book = _open(target)
    assert book.sheetnames == ["Số hồ sơ", "Tỷ lệ", "Các vấn đề"]
    counts, rates, problems = (book[n] for n in book.sheetnames)

    header = [c.value for c in counts[1]]
    assert header[:4] == ["Kỳ báo cáo", "Cấp", "Đơn vị", "Tổng số hồ sơ tiếp nhận"]
    desk = {h: c for h, c in zip(header, counts[2], strict=True)}
    assert desk["Đơn vị"].value == "Thị xã Duyên Hải"
    assert desk["Tổng số hồ sơ tiếp nhận"].value == 2329
    assert desk["Tổng số hồ sơ tiếp nhận"].number_format == "#,##0"
    assert desk["Giải quyết quá hạn"].value == 36
    assert counts.freeze_panes == "D2"
    assert counts.auto_filter.ref == "A1:O3"
    assert counts.column_dimensions["C"].width > 16  # fits "Thị xã Duyên Hải"

    rate_header = [c.value for c in rates[1]]
    late = rates.cell(row=2, column=rate_header.index("Tỷ lệ giải quyết quá hạn") + 1)
    assert late.value == pytest.approx(36 / 2295)
    assert late.number_format == "0.00%"
    commune_unit = rates.cell(row=3, column=3)
    assert commune_unit.value is None  # a level row has no unit: an empty cell, not "None"

    assert [c.value for c in problems[1]] == ["Mức độ", "Mã lỗi", "Vị trí", "Nội dung"]
    assert problems["B2"].value == "stated-mismatch"
    assert problems.freeze_panes == "A2"


def test_precision_drives_the_percent_format(cli: Callable[..., Ran], tmp_path: Path) -> None:
    target = tmp_path / "out.xlsx"
    cli(
        [
            "compute",
            str(EXAMPLES / "binh-phuoc-2022-h1.toml"),
            "-q",
            "--precision",
            "1",
            "-f",
            "xlsx",
            "-o",
            str(target),
        ]
    )
    rates = _open(target)["Tỷ lệ"]
    header = [c.value for c in rates[1]]
    column = header.index("Tỷ lệ giải quyết quá hạn") + 1
    late = [rates.cell(row=r, column=column) for r in range(2, rates.max_row + 1)]
    assert [c.number_format for c in late if c.value is not None] == ["0.0%", "0.0%", "0.0%"]
    overdue = rates.cell(row=2, column=header.index("Tỷ lệ đang giải quyết quá hạn") + 1)
    assert overdue.value == pytest.approx(1 / 42950)
    assert overdue.number_format == "0.000%"  # 0.002%: at one decimal it would read 0.0%


def test_a_rate_just_under_100_is_not_formatted_as_100(cli: Callable[..., Ran], tmp_path: Path) -> None:
    data = tmp_path / "near.toml"
    data.write_text(NEAR_100, encoding="utf-8")
    target = tmp_path / "near.xlsx"
    cli(["compute", str(data), "-q", "-o", str(target), "--lang", "en"])
    rates = _open(target)["Rates"]
    header = [c.value for c in rates[1]]
    on_time = rates.cell(row=2, column=header.index("On-time rate (early + on time)") + 1)
    late = rates.cell(row=2, column=header.index("Late rate") + 1)
    assert on_time.value == pytest.approx(0.99996)
    assert on_time.number_format == "0.000%"  # 99.996%, where 0.00% would print 100.00%
    assert late.number_format == "0.000%"  # 0.004%, where 0.00% would print 0.00%


def test_check_targets_workbook(cli: Callable[..., Ran], tmp_path: Path) -> None:
    target = tmp_path / "targets.xlsx"
    ran = cli(["check-targets", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "-o", str(target)])
    assert ran.code == 0
    book = _open(target)
    assert len(book.sheetnames) == 3  # one sheet per target and the summary
    assert all(len(name) <= 31 for name in book.sheetnames)
    summary = book[book.sheetnames[-1]]
    assert [[c.value for c in row] for row in summary.iter_rows(min_row=2)] == [
        ["đạt", 2],
        ["không đạt", 0],
        ["không có số liệu", 0],
    ]


def test_xlsx_to_a_terminal_is_refused() -> None:
    from parcalc.core.issues import UsageError
    from parcalc.reporters import choose_format

    with pytest.raises(UsageError) as refused:  # the CLI makes it exit 2
        choose_format("xlsx", None, terminal=True)
    assert "binary file" in str(refused.value)
    assert choose_format("xlsx", "out.xlsx", terminal=True) == "xlsx"


def test_xlsx_can_be_piped() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "parcalc", "compute", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "-f", "xlsx"],
        capture_output=True,
        timeout=60,
    )
    assert done.returncode == 0
    assert done.stdout[:2] == b"PK"  # a zip container, written whole
    assert openpyxl.load_workbook(io.BytesIO(done.stdout)).sheetnames[0] == "Số hồ sơ"
