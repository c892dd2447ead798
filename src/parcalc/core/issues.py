"""Problems found in the input: a stable code, a severity, a location and a message in vi or en."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from parcalc.core.words import pick

Severity = Literal["error", "warning"]

# code -> (Vietnamese template, English template), the order of parcalc.core.words. Parameters are
# filled with str.format; the counts among them are written in the language's number style first
# (226.593 hồ sơ; 226,593 dossiers).
TEMPLATES: dict[str, tuple[str, str]] = {
    "encoding": ("tệp không phải văn bản UTF-8 ({detail})", "the file is not UTF-8 text ({detail})"),
    "toml-syntax": ("lỗi cú pháp TOML: {detail}", "TOML syntax error: {detail}"),
    "json-syntax": ("lỗi cú pháp JSON: {detail}", "JSON syntax error: {detail}"),
    "unknown-key": ("khóa không hợp lệ {key!r}{hint}", "unknown key {key!r}{hint}"),
    "missing-key": ("thiếu khóa bắt buộc {key!r}", "required key {key!r} is missing"),
    "invalid-value": ("{detail}", "{detail}"),
    "invalid-count": (
        "{key} phải là số nguyên không âm (giá trị {value}){hint}",
        "{key} must be a whole number of dossiers, 0 or more (got {value}){hint}",
    ),
    "bad-period": ("kỳ báo cáo không hợp lệ: {detail}", "{detail}"),
    "unknown-level": (
        "cấp {value!r} không có trong danh sách cấp ({choices}){hint}",
        "level {value!r} is not one of the levels in [parcalc] levels ({choices}){hint}",
    ),
    "unknown-unit": (
        "đơn vị {value!r} không có trong [[units]]{hint}",
        "unit {value!r} is not in [[units]]{hint}",
    ),
    "unit-level-mismatch": (
        "đơn vị {value!r} thuộc cấp {expected!r}, không phải {actual!r}",
        "unit {value!r} is registered at level {expected!r}, not {actual!r}",
    ),
    "unknown-parent": (
        "đơn vị cha {value!r} không có trong [[units]]{hint}",
        "parent {value!r} is not in [[units]]{hint}",
    ),
    "duplicate-row": (
        "{key} được khai báo hai lần cho cùng kỳ, cấp và đơn vị ({first} và {second})",
        "{key} is given twice for the same period, level and unit ({first} and {second})",
    ),
    "duplicate-id": (
        "{what} {value!r} được khai báo hai lần{first_at}",
        "{what} {value!r} is declared twice{first_at}",
    ),
    "unknown-metric": ("chỉ tiêu không tồn tại {value!r}{hint}", "unknown metric {value!r}{hint}"),
    "unknown-field": (
        "{value!r} không phải là trường số liệu{hint}",
        "{value!r} is not a count field{hint}",
    ),
    "metric-id-taken": (
        "mã {value!r} trùng với chỉ tiêu có sẵn; hãy chọn mã khác",
        "metric id {value!r} is a built-in metric; choose another id",
    ),
    "settings-conflict": (
        "[parcalc] {key} là {first} ở một tệp và {second} ở tệp khác",
        "[parcalc] {key} is {first} in one file and {second} in another",
    ),
    "part-exceeds-total": (
        "thành phần lớn hơn tổng: {identity} không thỏa, {parts_sum} > {total}",
        "a part larger than its total: {identity} fails, {parts_sum} > {total}",
    ),
    "identity-gap": (
        "{identity} không khớp: {total} so với {parts_sum} (chênh {gap} hồ sơ)",
        "{identity} does not add up: {total} vs {parts_sum} ({gap} dossiers)",
    ),
    "balance-gap": (
        "tiếp nhận {total} nhưng đã giải quyết + đang giải quyết + rút = {parts_sum}: chênh {gap} hồ sơ",
        "received {total} vs resolved + pending + withdrawn = {parts_sum}: {abs_gap} dossiers {gap_word}",
    ),
    "stated-mismatch": (
        "{metric} công bố {stated} không khớp với số liệu: tính được {computed}{hint}",
        "stated {metric} {stated} does not match the counts: computed {computed}{hint}",
    ),
    "stated-no-data": (
        "không kiểm tra được {metric} công bố {stated}: {reason}",
        "stated {metric} {stated} cannot be checked: {reason}",
    ),
    "input-too-large": (
        "dữ liệu vào có hơn {limit} {what}, mức tối đa của một lần chạy; đặt {setting} để nâng giới hạn",
        "the input has more than {limit} {what}, the most one run reads; set {setting} to raise the limit",
    ),
    "invalid-target": ("chỉ tiêu {name!r}: {detail}", "target {name!r}: {detail}"),
    "invalid-band": ("mức xếp loại {name!r}: {detail}", "band {name!r}: {detail}"),
    "sheet": ("không đọc được bảng tính: {detail}", "cannot read the sheet: {detail}"),
    "missing-periods": (
        "{period} thiếu số liệu của {missing} (không tính, không coi là 0)",
        "{period} is incomplete: no figures for {missing} (left out, not counted as zero)",
    ),
    "carry-over-gap": (
        "tồn chuyển sang {carried_over} đầu kỳ {period} nhưng đang giải quyết cuối kỳ {previous} là "
        "{pending}: chênh {gap} hồ sơ",
        "carried over {carried_over} at the start of {period} but pending {pending} at the end of "
        "{previous}: {gap} dossiers",
    ),
    "subperiod-gap": (
        "{key} của kỳ {period} là {total} nhưng {parts} {inside} {parts_sum} (chênh {gap} hồ sơ)",
        "{key} of {period} is {total} but {parts} {inside} {parts_sum} ({gap} dossiers)",
    ),
    "not-summable": (
        "{key} không cộng dồn được qua các tháng của {period}; để trống",
        "{key} cannot be added over the months of {period}; left empty",
    ),
    "not-rolled-down": (
        "kỳ {period} {why}; không đưa vào tổng hợp",
        "{period} {why}; left out of the roll-up",
    ),
    # parcalc ingest: record files that cannot be read, and record rows left out of the figures.
    "records-file": ("không đọc được tệp hồ sơ: {detail}", "{detail}"),
    "records-columns": ("thiếu cột trong tệp hồ sơ: {detail}", "{detail}"),
    "column-map": ("bảng tên cột không hợp lệ: {detail}", "{detail}"),
    "bad-records": ("có dòng hồ sơ không hợp lệ: {detail}", "{detail}"),
    "ingest-output": ("không ghi được kết quả: {detail}", "{detail}"),
    "records": ("không xử lý được hồ sơ: {detail}", "{detail}"),
    **{
        f"missing-{column}": ("{column} để trống", "{column} is empty")
        for column in ("dossier_id", "unit", "level", "channel", "received_on", "due_on")
    },
    "not-a-date": ("{column} {value!r} không phải là ngày", "{column} {value!r} is not a date"),
    "unknown-channel": (
        "hình thức nộp {value!r} không phải trực tuyến, trực tiếp hay bưu chính",
        "channel {value!r} is not online, direct or postal",
    ),
    "not-a-boolean": ("full_online {value!r} không phải có hay không", "full_online {value!r} is not true or false"),
    "due-before-received": (
        "ngày hẹn trả {due_on} trước ngày tiếp nhận {received_on}",
        "due_on {due_on} is before received_on {received_on}",
    ),
    "resolved-before-received": (
        "ngày có kết quả {resolved_on} trước ngày tiếp nhận {received_on}",
        "resolved_on {resolved_on} is before received_on {received_on}",
    ),
    "withdrawn-before-received": (
        "ngày rút hồ sơ {withdrawn_on} trước ngày tiếp nhận {received_on}",
        "withdrawn_on {withdrawn_on} is before received_on {received_on}",
    ),
    "resolved-and-withdrawn": (
        "có cả ngày có kết quả và ngày rút hồ sơ",
        "both resolved_on and withdrawn_on are set",
    ),
    "full-online-not-online": (
        "hồ sơ toàn trình nhưng hình thức nộp là {channel!r} (hồ sơ toàn trình nộp trực tuyến)",
        "full_online is true but the channel is {channel!r} (full-process dossiers are online)",
    ),
}

# Parameters a template may leave out: they read as nothing.
OPTIONAL_PARAMS: dict[str, Any] = {"first_at": ""}


# Parameters that are numbers of dossiers (or of bytes and tables); "gap" is signed: +7, -16.
COUNT_PARAMS = frozenset({"total", "parts_sum", "gap", "abs_gap", "carried_over", "pending", "limit"})


def _shown(key: str, value: Any, lang: str) -> Any:
    """A parameter as the message writes it in ``lang``."""
    if isinstance(value, LangText):
        return pick((value.vi, value.en), lang)
    if key in COUNT_PARAMS and isinstance(value, int) and not isinstance(value, bool):
        from parcalc.core.formatting import format_count

        text = format_count(value, lang)
        return "+" + text if key == "gap" and value >= 0 else text
    # A value quoted from the input is cut short: one readable line, whatever the file holds.
    if isinstance(value, str) and len(value) > 200:
        return value[:197] + "..."
    return value


@dataclass(frozen=True, kw_only=True)
class LangText:
    """A message part that reads differently in each language; built by keyword: LangText(vi=..., en=...)."""

    vi: str
    en: str

    def __str__(self) -> str:
        return self.en


@dataclass(frozen=True)
class Problem:
    code: str
    severity: Severity
    params: dict[str, Any] = field(default_factory=dict, compare=False)
    file: str | None = None
    line: int | None = None
    table: str | None = None
    key: str | None = None
    period: str | None = None
    level: str | None = None
    unit: str | None = None
    metric: str | None = None
    gap: int | None = None

    def message(self, lang: str = "en") -> str:
        params = {**OPTIONAL_PARAMS, **{k: _shown(k, v, lang) for k, v in self.params.items()}}
        return pick(TEMPLATES[self.code], lang).format(**params)

    def located(self, **where: Any) -> Problem:
        """The same problem with more of its location filled in (what is already known is kept)."""
        return replace(self, **{k: v for k, v in where.items() if getattr(self, k) is None})

    def where(self) -> str:
        """The location as one readable phrase, leaving out what is unknown."""
        head = self.file or ""
        if self.line is not None:
            head += f":{self.line}"
        scope = " / ".join(x for x in (self.period, self.level, self.unit) if x)
        parts = [p for p in (head, self.table, f"({scope})" if scope else "") if p]
        if self.key:
            parts.append(self.key)
        return " ".join(parts)

    def line_text(self, lang: str = "en") -> str:
        """One line for standard error."""
        where = self.where()
        prefix = f"{where}: " if where else ""
        return f"{prefix}{self.severity}: {self.message(lang)} [{self.code}]"

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "message": self.message(lang),
            "file": self.file,
            "line": self.line,
            "table": self.table,
            "key": self.key,
            "period": self.period,
            "level": self.level,
            "unit": self.unit,
            "metric": self.metric,
            "gap": self.gap,
        }


def error(code: str, **params: Any) -> Problem:
    return Problem(code, "error", params)


def warning(code: str, **params: Any) -> Problem:
    return Problem(code, "warning", params)


def unique(problems: Iterable[Problem]) -> list[Problem]:
    """Each problem once, in the order first found: a problem reached twice (a given row's warning that a
    roll-up reports again, a scope checked by several targets) is the same location and the same message."""
    kept: dict[tuple[Problem, str], Problem] = {}
    for problem in problems:
        kept.setdefault((problem, problem.message()), problem)
    return list(kept.values())


def did_you_mean(value: str, choices: Iterable[str]) -> LangText:
    """A ' (did you mean ...?)' hint, or '' when nothing is close; reads as English in an f-string."""
    import difflib

    close = difflib.get_close_matches(value, sorted(choices), n=1, cutoff=0.6)
    if not close:
        return LangText(vi="", en="")
    return LangText(vi=f" (có phải là {close[0]!r}?)", en=f" (did you mean {close[0]!r}?)")


def thousands_hint(value: object) -> LangText:
    """For 226.593 typed as a count: TOML reads the Vietnamese thousands dot as a decimal point."""
    if isinstance(value, float) and value > 0 and len(repr(value).partition(".")[2]) == 3:
        whole = repr(value).replace(".", "")
        return LangText(
            vi=f"; nếu là {whole} hồ sơ, hãy viết liền, không dùng dấu chấm phân cách hàng nghìn",
            en=f"; if you meant {whole} dossiers, write it without the thousands separator",
        )
    return LangText(vi="", en="")


class UsageError(ValueError):
    """A problem with how parcalc was called (exit 2), such as a file that does not exist or a bad value.

    ``option`` names the setting at fault (``"period"``, ``"grain"``), not a command-line flag: the
    library does not know how it is called, and the CLI writes ``--period: ...`` from it.
    """

    def __init__(self, message: str, *, option: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.option = option


class InputError(Exception):
    """The input has errors; every problem found is carried so that all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.line_text() for p in problems))
        self.problems = problems
