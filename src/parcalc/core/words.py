"""The words of parcalc in one place, in one order: every table is (Vietnamese, English).

``pick`` is the one lookup: it chooses a language's side of a (vi, en) pair, so that no module tests
``lang == "vi"`` itself. The labels of columns, verdicts and headings are here; the problem templates
(parcalc.core.issues), the count and metric labels (their registries) and the narrative sentences
(parcalc.reports.words) keep their own (vi, en) pairs beside what they describe and read them through
``pick``. This module imports nothing of parcalc, so that the lowest layer can use it.
"""

from __future__ import annotations

from typing import TypeVar

T = TypeVar("T")

LANGS = ("vi", "en")


def pick(pair: tuple[T, T], lang: str) -> T:
    """The side of a (vi, en) pair for ``lang``: Vietnamese for "vi", English otherwise."""
    return pair[0] if lang == LANGS[0] else pair[1]


def word(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    """A label of ``table`` in the language chosen."""
    return pick(table[key], lang)


NO_DATA: tuple[str, str] = ("không có số liệu", "no data")

# The headers and titles of the compute, validate and catalogue tables.
HEADERS: dict[str, tuple[str, str]] = {
    "period": ("Kỳ báo cáo", "Period"),
    "start": ("Từ ngày", "Start"),
    "end": ("Đến ngày", "End"),
    "months": ("Số tháng", "Months"),
    "level": ("Cấp", "Level"),
    "unit": ("Mã đơn vị", "Unit id"),
    "unit_name": ("Đơn vị", "Unit"),
    "counts": ("Số hồ sơ", "Dossier counts"),
    "rates": ("Tỷ lệ", "Rates"),
    "problems": ("Các vấn đề", "Problems"),
    "total": ("Tổng cộng", "Total"),
    "severity": ("Mức độ", "Severity"),
    "code": ("Mã lỗi", "Code"),
    "where": ("Vị trí", "Where"),
    "message": ("Nội dung", "Message"),
    "id": ("Mã", "Id"),
    "label": ("Tên chỉ tiêu", "Label"),
    "formula": ("Công thức", "Formula"),
    "kind": ("Loại", "Kind"),
    "metrics": ("Danh mục chỉ tiêu", "Metric catalogue"),
}

# The comparison with an earlier period (compute --compare).
COMPARE: dict[str, tuple[str, str]] = {
    "title": ("So sánh với kỳ trước", "Compared with"),
    "head": ("Kỳ so sánh", "Compared with"),
    "earlier": ("kỳ so sánh", "earlier"),
    "change": ("thay đổi", "change"),
}

# The target tables (check-targets).
TARGET_HEADERS: dict[str, tuple[str, str]] = {
    "period": ("Kỳ báo cáo", "Period"),
    "level": ("Cấp", "Level"),
    "unit": ("Đơn vị", "Unit"),
    "actual": ("Kết quả", "Actual"),
    "counts": ("Số liệu", "Counts"),
    "threshold": ("Chỉ tiêu", "Target"),
    "bar": ("Mức đạt", "Attainment"),
    "verdict": ("Đánh giá", "Verdict"),
    "shortfall": ("Còn thiếu", "Shortfall"),
    "score": ("Điểm", "Points"),
    "summary": ("Tổng hợp", "Summary"),
    "count": ("Số kết quả", "Results"),
    "source": ("Nguồn", "Source"),
    "each_month": ("mỗi tháng", "each month"),
    "all": ("toàn bộ", "all"),
}

# A target's verdict, and the parts of a per-month verdict.
STATUS: dict[str, tuple[str, str]] = {
    "met": ("đạt", "met"),
    "missed": ("không đạt", "missed"),
    "no_data": NO_DATA,
}
MONTHS_VERDICT: dict[str, tuple[str, str]] = {
    "missed": ("{missed}/{total} tháng", "{missed} of {total} months"),
    "empty": ("{empty} tháng không có số liệu", "{empty} without data"),
}
# The "per month" unit after a count metric's inputs: (vi, en singular, en plural).
MONTH_NOUN: tuple[str, str, str] = ("tháng", "month", "months")

# The ranking tables (rank).
RANK_HEADERS: dict[str, tuple[str, str]] = {
    "rank": ("Hạng", "Rank"),
    "unit": ("Đơn vị", "Unit"),
    "points": ("Điểm", "Points"),
    "maximum": ("Điểm tối đa", "Out of"),
    "share": ("Tỷ lệ điểm", "Share"),
    "band": ("Xếp loại", "Band"),
    "no_data": ("Thiếu số liệu", "No data"),
    "ranking": ("Xếp hạng", "Ranking"),
}

# The preset catalogue (check-targets --list-presets).
PRESET_HEADERS: dict[str, tuple[str, str]] = {
    "name": ("Tên", "Name"),
    "version": ("Phiên bản", "Version"),
    "title": ("Nội dung", "Title"),
    "targets": ("Chỉ tiêu", "Targets"),
    "sources": ("Nguồn", "Sources"),
    "presets": ("Bộ chỉ tiêu có sẵn", "Presets"),
}

# Number style: (thousands separator, decimal point); the unit of a change of rate.
SEPARATORS: tuple[tuple[str, str], tuple[str, str]] = ((".", ","), (",", "."))
POINTS: tuple[str, str] = (" điểm %", " pp")
