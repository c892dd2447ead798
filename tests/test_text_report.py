"""The text report (`parcalc report`, `--format text`): the paragraphs an office hands in.

Golden files hold the whole report of the two seed examples in both languages. Regenerate them after an
intended change of wording with:

    UPDATE_GOLDEN=1 pytest tests/test_text_report.py
"""

from __future__ import annotations

import os
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from parcalc.analysis.calc import ComputeResult, RowResult
from parcalc.core.counts import Counts
from parcalc.core.metrics import Registry
from parcalc.core.periods import parse_period
from parcalc.data.dataset import Origin, PlacedTarget
from parcalc.data.loading import Source
from parcalc.data.model import DataFile, Target
from parcalc.data.text import index_lines
from parcalc.data.thresholds import TargetValues
from parcalc.reporters.text import render
from parcalc.reports.compute import compute_report
from parcalc.reports.model import Options
from parcalc.reports.narrative import targets_narrative
from parcalc.reports.words import period_phrase
from parcalc.targets.check import Check, Status, TargetResult, TargetsResult

if TYPE_CHECKING:
    from conftest import Ran

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent / "examples"
GOLDEN = HERE / "golden"

BINH_PHUOC_PROVINCE_VI = (
    "Cấp tỉnh: tiếp nhận 226.593 hồ sơ (204.655 hồ sơ tiếp nhận mới và 21.938 hồ sơ từ kỳ trước chuyển sang); "
    "đã giải quyết 183.636 hồ sơ (trễ hạn 8.148 hồ sơ, chiếm 4,44%); đang giải quyết 42.950 hồ sơ (quá hạn 1 hồ sơ)."
)


@pytest.mark.parametrize("example", ["binh-phuoc-2022-h1", "duyen-hai-2022"])
@pytest.mark.parametrize("lang", ["vi", "en"])
def test_golden_text_report(cli: Callable[..., Ran], example: str, lang: str) -> None:
    ran = cli(["report", str(EXAMPLES / f"{example}.toml"), "--lang", lang, "--quiet"])
    assert ran.code == 0, ran.stderr
    golden = GOLDEN / f"report-{example}.{lang}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(ran.stdout, encoding="utf-8")
    assert ran.stdout == golden.read_text(encoding="utf-8")


def test_binh_phuoc_province_paragraph_is_the_published_one(cli: Callable[..., Ran]) -> None:
    ran = cli(["report", str(EXAMPLES / "binh-phuoc-2022-h1.toml"), "--quiet"])
    assert BINH_PHUOC_PROVINCE_VI in ran.stdout.splitlines()


def test_binh_phuoc_paragraph_carries_the_seed_figures(
    cli: Callable[..., Ran], seeds: dict[str, dict[str, Any]]
) -> None:
    case = seeds["binh-phuoc-2022-h1-province"]
    line = next(
        x
        for x in cli(["report", str(EXAMPLES / "binh-phuoc-2022-h1.toml"), "-q"]).stdout.splitlines()
        if x.startswith("Cấp tỉnh:")
    )
    for key in ("received", "received_new", "carried_over", "resolved", "resolved_late", "pending"):
        assert f"{case['counts'][key]:,}".replace(",", ".") + " hồ sơ" in line
    assert f"chiếm {case['published']['late_rate']}" in line


def test_compute_format_text_is_the_report_command(cli: Callable[..., Ran]) -> None:
    report = cli(["report", str(EXAMPLES / "duyen-hai-2022.toml"), "-q"])
    compute = cli(["compute", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "--format", "text"])
    assert report.stdout == compute.stdout
    assert report.stdout.startswith("Kết quả giải quyết TTHC năm 2022, thị xã Duyên Hải\n\nNăm 2022\n\n")


def test_txt_suffix_writes_text(cli: Callable[..., Ran], tmp_path: Path) -> None:
    target = tmp_path / "bao-cao.txt"
    ran = cli(["compute", str(EXAMPLES / "binh-phuoc-2022-h1.toml"), "-q", "-o", str(target)])
    assert ran.code == 0
    assert BINH_PHUOC_PROVINCE_VI in target.read_text(encoding="utf-8").splitlines()


def test_report_follows_a_known_output_suffix(cli: Callable[..., Ran], tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    assert cli(["report", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "-o", str(target)]).code == 0
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize(
    ("period", "vi", "en"),
    [
        ("2022", "năm 2022", "2022"),
        ("2022-H1", "6 tháng đầu năm 2022", "first half of 2022"),
        ("2022-H2", "6 tháng cuối năm 2022", "second half of 2022"),
        ("2022-Q3", "quý III/2022", "Q3 2022"),
        ("2022-09", "tháng 9/2022", "September 2022"),
        ("2022-01..2022-09", "9 tháng đầu năm 2022", "first 9 months of 2022"),
        ("2022-03..2022-05", "từ tháng 3/2022 đến tháng 5/2022", "March to May 2022"),
        ("2021-11..2022-02", "từ tháng 11/2021 đến tháng 2/2022", "November 2021 to February 2022"),
        (
            "2021-12-15..2022-06-14",
            "từ ngày 15/12/2021 đến ngày 14/6/2022",
            "from 15 December 2021 to 14 June 2022",
        ),
    ],
)
def test_periods_read_as_reports_write_them(period: str, vi: str, en: str) -> None:
    parsed = parse_period(period)
    assert period_phrase(parsed, "vi") == vi
    assert period_phrase(parsed, "en") == en


def test_a_shifted_reporting_window_gives_its_dates_in_headings() -> None:
    year = parse_period("2022", start_day=15)
    assert period_phrase(year, "vi") == "năm 2022"
    assert period_phrase(year, "vi", with_window=True) == "năm 2022 (từ ngày 15/12/2021 đến ngày 14/12/2022)"
    assert period_phrase(year, "en", with_window=True) == "2022 (15 December 2021 to 14 December 2022)"


def _one_row(counts: dict[str, int], lang: str = "vi", level: str = "commune", precision: int = 2) -> str:
    """The paragraph for one row of counts, through the same path as the CLI."""
    full, derived = Counts(counts).derive()
    registry = Registry()
    period = parse_period("2022-Q3")
    metrics = registry.evaluate(full, period.months, registry)
    row = RowResult(period, level, None, None, full, derived, metrics)
    result = ComputeResult(None, registry, list(registry), [row], [])
    report = compute_report(result, Options(lang=lang, precision=precision))
    lines = render(report, Options(lang=lang, precision=precision)).splitlines()
    return next(line for line in lines if line.startswith(("Cấp", "Commune")))


def test_fields_never_given_are_not_said() -> None:
    line = _one_row({"received": 120, "resolved": 100, "resolved_late": 3})
    assert line == "Cấp xã: tiếp nhận 120 hồ sơ; đã giải quyết 100 hồ sơ (trễ hạn 3 hồ sơ, chiếm 3,00%)."


def test_a_derived_total_is_said_but_a_derived_complement_is_not() -> None:
    line = _one_row({"received_new": 90, "carried_over": 10, "received_online": 45, "received_offline": 45})
    assert line.startswith("Cấp xã: tiếp nhận 100 hồ sơ (90 hồ sơ tiếp nhận mới và 10 hồ sơ từ kỳ trước")
    assert "trực tuyến 45 hồ sơ (chiếm 50,00%), trực tiếp và qua bưu chính 45 hồ sơ" in line
    only_online = _one_row({"received_new": 90, "received_online": 45, "received_offline": 45} | {"withdrawn": 0})
    derived_offline = _one_row({"received_new": 90, "received_online": 45})
    assert "trực tiếp và qua bưu chính" in only_online
    assert "trực tiếp và qua bưu chính" not in derived_offline


def test_zero_late_reads_as_none_late() -> None:
    vi = _one_row({"resolved": 50, "resolved_early": 20, "resolved_on_time": 30, "resolved_late": 0})
    assert vi == (
        "Cấp xã: đã giải quyết 50 hồ sơ (trước hạn 20 hồ sơ, đúng hạn 30 hồ sơ, đạt 100,00%; không có hồ sơ trễ hạn)."
    )
    en = _one_row({"resolved": 50, "resolved_early": 20, "resolved_on_time": 30, "resolved_late": 0}, "en")
    assert en == "Commune level: resolved 50 dossiers (20 early, 30 on the due date, 100.00% in time; none late)."


def test_english_counts_agree_in_number() -> None:
    assert _one_row({"pending": 1}, "en") == "Commune level: 1 dossier pending."
    assert _one_row({"pending": 2}, "en") == "Commune level: 2 dossiers pending."


def test_catalogue_and_other_flows_are_sentences_of_their_own() -> None:
    line = _one_row(
        {"resolved": 10, "procedures": 200, "services_online": 150, "ecert": 90, "digitized": 5}, precision=1
    )
    assert line == (
        "Cấp xã: đã giải quyết 10 hồ sơ. 200 thủ tục hành chính; 150 dịch vụ công trực tuyến, chiếm 75,0% số thủ tục. "
        "Chứng thực bản sao điện tử từ bản chính 90 bản (bình quân 30,0 bản/tháng); số hóa 5 hồ sơ."
    )


def test_a_row_without_figures_says_so() -> None:
    assert _one_row({}) == "Cấp xã: không có số liệu."


def test_rates_near_100_are_never_shown_as_100() -> None:
    line = _one_row({"resolved": 100000, "resolved_in_time": 99999, "resolved_late": 1})
    assert "đạt 99,99%" in line
    assert "chiếm 0,01%" in line


def _checked(
    target: str,
    metric: str,
    op: str,
    threshold: Fraction,
    period: str,
    level: str,
    unit: str | None,
    unit_name: str | None,
    actual: Fraction | None,
    status: Status,
    shortfall: int | None,
    source: str | None,
) -> TargetResult:
    """One target result as parcalc.targets.check makes it."""
    origin = Origin.of(Source("test.toml", DataFile(), index_lines("")), "targets[0]", ("targets", 0))
    placed = PlacedTarget(Target(target, metric, 0, op, source=source), None, origin, TargetValues(threshold))
    when = parse_period(period)
    check = Check(when, actual, status, shortfall)
    return TargetResult(placed, Registry()[metric], when, level, unit, unit_name, check)


CHECKED = TargetsResult(
    None,
    Registry(),
    [
        _checked("online", "online_share", ">=", Fraction(1, 2), "2022", "commune", "phuoc-loc", "Xã Phước Lộc",
                 Fraction(4524, 10000), "missed", 62, "Kế hoạch số 45/KH-UBND"),
        _checked("online", "online_share", ">=", Fraction(1, 2), "2022", "commune", "phuoc-son", "Xã Phước Sơn",
                 Fraction(5802, 10000), "met", 0, "Kế hoạch số 45/KH-UBND"),
        _checked("late", "late_rate", "<=", Fraction(1, 100), "2022-H1", "district", None, None,
                 Fraction(212, 10000), "missed", 21, None),
        _checked("ecert", "ecert_per_month", ">=", Fraction(30), "2022-H1", "commune", None, None,
                 None, "no_data", None, None),
    ],
    [],
)  # fmt: skip


def test_targets_read_as_met_or_missed_with_the_shortfall() -> None:
    narrative = targets_narrative(CHECKED, Options("vi", 2))
    online, late, ecert, summary = narrative.sections
    assert online.heading == ("Chỉ tiêu online: Tỷ lệ hồ sơ trực tuyến từ 50% trở lên. Nguồn: Kế hoạch số 45/KH-UBND")
    assert online.paragraphs == [
        "Xã Phước Lộc, năm 2022: 45,24%, không đạt chỉ tiêu; cần thêm 62 hồ sơ để đạt.",
        "Xã Phước Sơn, năm 2022: 58,02%, đạt chỉ tiêu.",
    ]
    assert late.heading == "Chỉ tiêu late: Tỷ lệ giải quyết quá hạn không quá 1%"
    assert late.paragraphs == [
        "Cấp huyện, 6 tháng đầu năm 2022: 2,12%, không đạt chỉ tiêu; vượt 21 hồ sơ so với mức cho phép."
    ]
    assert ecert.paragraphs == ["Cấp xã, 6 tháng đầu năm 2022: không có số liệu."]
    assert summary.paragraphs == ["Tổng hợp: 1 đạt, 2 không đạt, 1 không có số liệu."]


def test_targets_in_english() -> None:
    narrative = targets_narrative(CHECKED, Options("en", 2))
    assert narrative.title == "Target results"
    assert narrative.sections[0].paragraphs[0] == ("Xã Phước Lộc, 2022: 45.24%, missed; 62 more dossiers were needed.")
    assert narrative.sections[1].paragraphs[0] == (
        "District level, first half of 2022: 2.12%, missed; 21 dossiers over the allowance."
    )


def test_check_targets_text(cli: Callable[..., Ran]) -> None:
    ran = cli(["check-targets", str(EXAMPLES / "duyen-hai-2022.toml"), "-q", "--format", "text"])
    assert ran.code == 0
    assert "• Thị xã Duyên Hải, năm 2022: 49,12%, đạt chỉ tiêu." in ran.stdout
    assert "• Cấp xã, năm 2022: 42,84%, đạt chỉ tiêu." in ran.stdout
    assert ran.stdout.rstrip().endswith("Tổng hợp: 2 đạt, 0 không đạt, 0 không có số liệu.")


def test_per_month_targets_list_the_months_missed(cli: Callable[..., Ran]) -> None:
    ran = cli(
        [
            "check-targets",
            str(EXAMPLES / "communes-monthly.toml"),
            "-q",
            "-f",
            "text",
            "--target",
            "ecert-per-month-commune",
        ]
    )
    assert ran.code == 1
    line = next(x for x in ran.stdout.splitlines() if x.startswith("• Xã Phước Lộc"))
    assert "không đạt chỉ tiêu; cần thêm 9 bản để đạt (không đạt 3/6 tháng: tháng 1/2022 " in line
    assert line.count("tháng 3/2022") == line.count("tháng 4/2022") == 1


def test_validate_text_with_no_problems(cli: Callable[..., Ran]) -> None:
    ran = cli(["validate", str(EXAMPLES / "communes-monthly.toml"), "--format", "text", "--lang", "en"])
    assert ran.stdout == "Problems\n\nNo problems found.\n"
