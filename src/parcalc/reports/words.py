"""The words of the reports people hand in: level names, periods, and the sentences, in (vi, en) order.

Every phrase of the text report (and of the HTML report's summary) lives here, so that a wording is
changed in one place; the labels of the tables are in parcalc.core.words, whose ``pick`` is the one
lookup. Templates are ``str.format`` strings filled with numbers already formatted by
parcalc.core.formatting; a count field ``x`` comes with ``x_noun``, its noun in the right number for English.
"""

from __future__ import annotations

from datetime import date

from parcalc.core.periods import Grain, Period
from parcalc.core.words import NO_DATA, pick

LEVELS: dict[str, tuple[str, str]] = {
    "province": ("Cấp tỉnh", "Province level"),
    "district": ("Cấp huyện", "District level"),
    "commune": ("Cấp xã", "Commune level"),
}

# noun kind -> (vi, en singular, en plural)
NOUNS: dict[str, tuple[str, str, str]] = {
    "dossier": ("hồ sơ", "dossier", "dossiers"),
    "procedure": ("thủ tục", "procedure", "procedures"),
    "service": ("dịch vụ", "service", "services"),
    "copy": ("bản", "copy", "copies"),
}

# key -> (Vietnamese, English)
TEXT: dict[str, tuple[str, str]] = {
    "title_compute": ("Kết quả giải quyết thủ tục hành chính", "Administrative procedure results"),
    "title_targets": ("Kết quả thực hiện chỉ tiêu", "Target results"),
    "notes": ("Lưu ý về số liệu", "Notes on the data"),
    "no_data": NO_DATA,
    "no_problems": ("Không phát hiện vấn đề nào.", "No problems found."),
    "paragraph": ("{subject}: {body}.", "{subject}: {body}."),
    "window": ("(từ ngày {start} đến ngày {end})", "({start} to {end})"),
    # received
    "received_split": (
        "tiếp nhận {received} hồ sơ ({received_new} hồ sơ tiếp nhận mới"
        " và {carried_over} hồ sơ từ kỳ trước chuyển sang)",
        "received {received} {received_noun} ({received_new} new"
        " and {carried_over} carried over from the previous period)",
    ),
    "received": ("tiếp nhận {received} hồ sơ", "received {received} {received_noun}"),
    "received_new": ("tiếp nhận mới {received_new} hồ sơ", "received {received_new} new {received_new_noun}"),
    "carried_over": (
        "{carried_over} hồ sơ từ kỳ trước chuyển sang",
        "{carried_over} {carried_over_noun} carried over from the previous period",
    ),
    "channels": ("hồ sơ tiếp nhận mới: {parts}", "new dossiers: {parts}"),
    "received_online": ("trực tuyến {received_online} hồ sơ", "{received_online} online"),
    "received_full_online": (
        "trực tuyến toàn trình {received_full_online} hồ sơ",
        "{received_full_online} full-process online",
    ),
    "received_offline": (
        "trực tiếp và qua bưu chính {received_offline} hồ sơ",
        "{received_offline} in person or by post",
    ),
    "received_direct": ("trực tiếp {received_direct} hồ sơ", "{received_direct} in person"),
    "received_postal": ("qua bưu chính {received_postal} hồ sơ", "{received_postal} by post"),
    # resolved
    "resolved": ("đã giải quyết {resolved} hồ sơ", "resolved {resolved} {resolved_noun}"),
    "resolved_groups": ("đã giải quyết {resolved} hồ sơ ({groups})", "resolved {resolved} {resolved_noun} ({groups})"),
    "resolved_no_total": ("đã giải quyết {groups}", "resolved: {groups}"),
    "resolved_early": ("trước hạn {resolved_early} hồ sơ", "{resolved_early} early"),
    "resolved_on_time": ("đúng hạn {resolved_on_time} hồ sơ", "{resolved_on_time} on the due date"),
    "resolved_in_time": ("trước và đúng hạn {resolved_in_time} hồ sơ", "{resolved_in_time} early or on time"),
    "resolved_late": ("trễ hạn {resolved_late} hồ sơ", "{resolved_late} late"),
    "resolved_late_none": ("không có hồ sơ trễ hạn", "none late"),
    # pending and withdrawn
    "pending": ("đang giải quyết {pending} hồ sơ", "{pending} {pending_noun} pending"),
    "pending_parts": ("đang giải quyết {pending} hồ sơ ({parts})", "{pending} {pending_noun} pending ({parts})"),
    "pending_no_total": ("đang giải quyết {parts}", "pending: {parts}"),
    "pending_within": ("trong hạn {pending_within} hồ sơ", "{pending_within} within the deadline"),
    "pending_overdue": ("quá hạn {pending_overdue} hồ sơ", "{pending_overdue} overdue"),
    "pending_overdue_none": ("không có hồ sơ quá hạn", "none overdue"),
    "withdrawn": ("rút hồ sơ, trả lại {withdrawn} hồ sơ", "{withdrawn} {withdrawn_noun} withdrawn or returned"),
    # the procedure catalogue
    "procedures": ("{procedures} thủ tục hành chính", "{procedures} {procedures_noun} in force"),
    "services_online": ("{services_online} dịch vụ công trực tuyến", "{services_online} online {services_online_noun}"),
    "services_full_online": (
        "{services_full_online} dịch vụ công trực tuyến toàn trình",
        "{services_full_online} full-process online {services_full_online_noun}",
    ),
    "services_partial_online": (
        "{services_partial_online} dịch vụ công trực tuyến một phần",
        "{services_partial_online} partial online {services_partial_online_noun}",
    ),
    "services_with_dossiers": (
        "{services_with_dossiers} dịch vụ công trực tuyến có phát sinh hồ sơ",
        "{services_with_dossiers} online {services_with_dossiers_noun} with dossiers",
    ),
    "procedures_time_cut": (
        "{procedures_time_cut} thủ tục được cắt giảm thời gian giải quyết",
        "{procedures_time_cut} {procedures_time_cut_noun} with a shortened processing time",
    ),
    # other flows
    "ecert": (
        "chứng thực bản sao điện tử từ bản chính {ecert} bản",
        "{ecert} electronic certified {ecert_noun} from originals",
    ),
    "payments": (
        "thanh toán trực tuyến {payments_online}/{payments_due} hồ sơ phải nộp phí, lệ phí",
        "{payments_online} of {payments_due} fee-bearing {payments_due_noun} paid online",
    ),
    "payments_online": (
        "thanh toán trực tuyến {payments_online} hồ sơ",
        "{payments_online} {payments_online_noun} paid online",
    ),
    "payments_due": ("{payments_due} hồ sơ phải nộp phí, lệ phí", "{payments_due} fee-bearing {payments_due_noun}"),
    "digitized": ("số hóa {digitized} hồ sơ", "{digitized} {digitized_noun} digitized"),
    "e_results": ("trả kết quả điện tử {e_results} hồ sơ", "{e_results} {e_results_noun} with electronic results"),
    "custom_metric": ("{label}: {value}", "{label}: {value}"),
    # how a rate follows the count it belongs to
    "rate_share": (" (chiếm {rate})", " ({rate})"),
    "rate_in_time": (", đạt {rate}", ", {rate} in time"),
    "rate_late": (", chiếm {rate}", ", or {rate}"),
    "rate_of_procedures": (", chiếm {rate} số thủ tục", " ({rate} of procedures)"),
    "rate_of_services": (", chiếm {rate} số dịch vụ công trực tuyến", " ({rate} of online services)"),
    "rate_reached": (", đạt {rate}", " ({rate})"),
    "rate_of_new": (", đạt {rate}", " ({rate} of new dossiers)"),
    "rate_of_resolved": (", đạt {rate}", " ({rate} of resolved dossiers)"),
    "per_month": (" (bình quân {rate} bản/tháng)", " ({rate} a month)"),
    # targets
    "op_>=": ("từ {value} trở lên", "at least {value}"),
    "op_>": ("trên {value}", "above {value}"),
    "op_<=": ("không quá {value}", "at most {value}"),
    "op_<": ("dưới {value}", "below {value}"),
    "op_==": ("bằng {value}", "exactly {value}"),
    "target_heading": ("Chỉ tiêu {name}: {label} {requirement}", "Target {name}: {label} {requirement}"),
    "target_source": (". Nguồn: {source}", ". Source: {source}"),
    "scope": ("{subject}, {period}", "{subject}, {period}"),
    "met": ("{scope}: {actual}, đạt chỉ tiêu", "{scope}: {actual}, met"),
    "missed": ("{scope}: {actual}, không đạt chỉ tiêu", "{scope}: {actual}, missed"),
    "no_data_result": ("{scope}: không có số liệu", "{scope}: no data"),
    "short_more": ("; cần thêm {shortfall} {noun} để đạt", "; {shortfall} more {noun} were needed"),
    "short_over": ("; vượt {shortfall} {noun} so với mức cho phép", "; {shortfall} {noun} over the allowance"),
    "months_missed": (
        " (không đạt {missed}/{total} tháng: {months})",
        " (missed in {missed} of {total} months: {months})",
    ),
    "month_result": ("{period} {actual}", "{period} {actual}"),
    "summary": (
        "Tổng hợp: {met} đạt, {missed} không đạt, {no_data} không có số liệu.",
        "Summary: {met} met, {missed} missed, {no_data} without data.",
    ),
    "everyone": ("Toàn bộ", "All units"),
    "made_by": ("Lập bằng parcalc {version}", "Made with parcalc {version}"),
    "trends": ("Diễn biến các tỷ lệ chính", "Trends of the main rates"),
    "attainment": ("Mức độ đạt chỉ tiêu", "Target attainment"),
    "summary_heading": ("Tóm tắt", "Summary"),
    "threshold": ("chỉ tiêu", "target"),
    "status_met": ("đạt", "met"),
    "status_missed": ("không đạt", "missed"),
    "status_no_data": NO_DATA,
    "trend_title": ("{subject}: {first} – {last}", "{subject}: {first} – {last}"),
}

ROMAN = ("I", "II", "III", "IV")
MONTHS_EN = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


# How periods and dates are written; filled with numbers and English month names.
PERIODS: dict[str, tuple[str, str]] = {
    "date": ("{day}/{month}/{year}", "{day} {month_name} {year}"),
    "dates": ("từ ngày {start} đến ngày {end}", "from {start} to {end}"),
    "month": ("tháng {month}/{year}", "{month_name} {year}"),
    "month_alone": ("tháng {month}/{year}", "{month_name}"),
    "year": ("năm {year}", "{year}"),
    "first_half": ("6 tháng đầu năm {year}", "first half of {year}"),
    "second_half": ("6 tháng cuối năm {year}", "second half of {year}"),
    "quarter": ("quý {roman}/{year}", "Q{quarter} {year}"),
    "first_months": ("{months} tháng đầu năm {year}", "first {months} months of {year}"),
    "span": ("từ {first} đến {last}", "{first} to {last}"),
    "short_month": ("{month}/{year}", "{month_short} {year}"),
    "short_quarter": ("Q{roman}/{year}", "Q{quarter} {year}"),
}


def text(key: str, lang: str, **params: object) -> str:
    return pick(TEXT[key], lang).format(**params)


def _period_words(key: str, lang: str, **params: object) -> str:
    return pick(PERIODS[key], lang).format(**params)


def noun(kind: str, count: int | None, lang: str) -> str:
    vi, one, many = NOUNS[kind]
    return pick((vi, one if count == 1 else many), lang)


def level_name(level: str | None, lang: str) -> str:
    """A level row's subject: "Cấp tỉnh"; a level the data names itself is shown as written."""
    if level is None:
        return text("everyone", lang)
    names = LEVELS.get(level)
    return level if names is None else pick(names, lang)


def capitalise(phrase: str) -> str:
    return phrase[:1].upper() + phrase[1:]


def _date(day: date, lang: str) -> str:
    return _period_words("date", lang, day=day.day, month=day.month, year=day.year, month_name=MONTHS_EN[day.month - 1])


def _month(index: int, lang: str, with_year: bool = True) -> str:
    year, month = divmod(index, 12)
    key = "month" if with_year else "month_alone"
    return _period_words(key, lang, month=month + 1, year=year, month_name=MONTHS_EN[month])


def _dates(period: Period, lang: str) -> str:
    return _period_words("dates", lang, start=_date(period.start, lang), end=_date(period.end, lang))


def _named(first: int, months: int, grain: Grain | None, lang: str) -> str:
    year, month = divmod(first, 12)
    month += 1
    if grain is Grain.YEAR:
        return _period_words("year", lang, year=year)
    if grain is Grain.HALF:
        return _period_words("first_half" if month == 1 else "second_half", lang, year=year)
    if grain is Grain.QUARTER:
        quarter = (month - 1) // 3
        return _period_words("quarter", lang, roman=ROMAN[quarter], quarter=quarter + 1, year=year)
    if grain is Grain.MONTH:
        return _month(first, lang)
    if month == 1 and months < 12:
        return _period_words("first_months", lang, months=months, year=year)
    last = first + months - 1
    same_year = last // 12 == first // 12
    return _period_words("span", lang, first=_month(first, lang, with_year=not same_year), last=_month(last, lang))


def period_phrase(period: Period, lang: str, with_window: bool = False) -> str:
    """A period as reports write it: "6 tháng đầu năm 2022", "quý III/2022", "first half of 2022".

    With ``with_window``, a named period whose reporting months do not start on the 1st also gives its
    dates, since "năm 2022" alone would be read as the calendar year.
    """
    if period.first_month is None or period.months is None:
        return _dates(period, lang)
    phrase = _named(period.first_month, period.months, period.grain, lang)
    if with_window and period.start.day != 1:
        window = text("window", lang, start=_date(period.start, lang), end=_date(period.end, lang))
        phrase = f"{phrase} {window}"
    return phrase


def short_period(period: Period, lang: str) -> str:
    """A compact label for chart axes."""
    if period.first_month is None or period.months is None:
        return period.label
    year, month = divmod(period.first_month, 12)
    if period.grain is Grain.MONTH:
        return _period_words("short_month", lang, month=month + 1, year=year, month_short=MONTHS_EN[month][:3])
    if period.grain is Grain.QUARTER:
        return _period_words("short_quarter", lang, roman=ROMAN[month // 3], quarter=month // 3 + 1, year=year)
    return period.label
