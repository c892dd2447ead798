"""Results -> the prose an office hands in: one paragraph per period, level and unit, and target verdicts.

The sentences say only what the figures support: a field that was never given is left out rather than
written as "0 hồ sơ", and a part that parcalc derived as the complement of a given one (on time when only
late was given, offline when only online was) is not spelled out, because the report it came from did
not say it. Rates are evaluated through the metric registry on the row's counts, and every number is
formatted by parcalc.core.formatting. The words themselves are in parcalc.reports.words.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

from parcalc.analysis.calc import ComputeResult, RowResult
from parcalc.core.formatting import cell_text, format_against, format_count, format_number, format_rate
from parcalc.core.issues import Problem
from parcalc.core.metrics import Metric, Registry
from parcalc.core.periods import Period
from parcalc.reports.model import Narrative, Options, Section
from parcalc.reports.words import capitalise, level_name, noun, period_phrase, text
from parcalc.targets.check import TargetResult, TargetsResult

# Parts that are the remainder of a total and another part: told only when the source gave them.
COMPLEMENTS = frozenset(
    {
        "resolved_in_time",
        "resolved_early",
        "resolved_on_time",
        "received_offline",
        "received_direct",
        "received_postal",
        "pending_within",
    }
)


def field_noun(field_id: str) -> str:
    if field_id == "ecert":
        return "copy"
    if field_id.startswith("services"):
        return "service"
    if field_id.startswith("procedures"):
        return "procedure"
    return "dossier"


class _Row:
    """One row's figures, ready to be put into words."""

    def __init__(self, row: RowResult, registry: Registry, options: Options) -> None:
        self.row = row
        self.registry = registry
        self.lang = options.lang
        self.precision = options.precision
        self.params: dict[str, str] = {}
        for key, value in row.counts.items():
            self.params[key] = format_count(value, self.lang)
            self.params[f"{key}_noun"] = noun(field_noun(key), value, self.lang)

    def known(self, key: str) -> bool:
        return key in self.row.counts

    def zero(self, key: str) -> bool:
        return self.row.counts.get(key) == 0

    def shown(self, key: str) -> bool:
        return self.known(key) and not (key in COMPLEMENTS and key in self.row.derived)

    def value(self, metric_id: str) -> Fraction | None:
        metric = self.registry.get(metric_id)
        if metric is None:
            return None
        return metric.evaluate(self.row.counts, self.row.period.months)

    def say(self, key: str, **extra: str) -> str:
        return text(key, self.lang, **self.params, **extra)

    def rate(self, how: str, metric_id: str) -> str:
        """The rate that follows a count, or nothing when it cannot be computed."""
        value = self.value(metric_id)
        if value is None:
            return ""
        metric = self.registry[metric_id]
        shown = (
            format_rate(value, self.precision, self.lang)
            if metric.is_rate
            else format_number(value, self.precision, self.lang)
        )
        return text(how, self.lang, rate=shown)

    def received(self) -> list[str]:
        clauses: list[str] = []
        if self.known("received") and self.known("received_new") and self.known("carried_over"):
            clauses.append(self.say("received_split"))
        elif self.known("received"):
            clauses.append(self.say("received"))
        else:
            clauses += [self.say(k) for k in ("received_new", "carried_over") if self.known(k)]
        parts: list[str] = []
        if self.shown("received_online"):
            parts.append(self.say("received_online") + self.rate("rate_share", "online_share"))
        if self.shown("received_full_online"):
            parts.append(self.say("received_full_online") + self.rate("rate_share", "full_online_share"))
        if self.shown("received_direct") or self.shown("received_postal"):
            if self.shown("received_direct"):
                parts.append(self.say("received_direct"))
            if self.shown("received_postal"):
                parts.append(self.say("received_postal") + self.rate("rate_share", "postal_share"))
        elif self.shown("received_offline"):
            parts.append(self.say("received_offline"))
        if parts:
            clauses.append(self.say("channels", parts=", ".join(parts)))
        return clauses

    def resolved(self) -> list[str]:
        groups: list[str] = []
        if self.shown("resolved_early") and self.shown("resolved_on_time"):
            split = f"{self.say('resolved_early')}, {self.say('resolved_on_time')}"
            groups.append(split + self.rate("rate_in_time", "on_time_rate"))
        elif self.shown("resolved_in_time"):
            groups.append(self.say("resolved_in_time") + self.rate("rate_in_time", "on_time_rate"))
        else:
            for key, metric_id in (("resolved_early", "early_rate"), ("resolved_on_time", "on_due_date_rate")):
                if self.shown(key):
                    groups.append(self.say(key) + self.rate("rate_late", metric_id))
        if self.zero("resolved_late"):
            groups.append(self.say("resolved_late_none"))
        elif self.known("resolved_late"):
            groups.append(self.say("resolved_late") + self.rate("rate_late", "late_rate"))
        if self.known("resolved"):
            return [self.say("resolved_groups", groups="; ".join(groups)) if groups else self.say("resolved")]
        return [self.say("resolved_no_total", groups="; ".join(groups))] if groups else []

    def pending(self) -> list[str]:
        parts = [self.say(k) for k in ("pending_within", "pending_overdue") if self.shown(k)]
        if self.zero("pending_overdue"):
            parts[-1] = self.say("pending_overdue_none")
        clauses: list[str] = []
        if self.known("pending"):
            clauses.append(self.say("pending_parts", parts=", ".join(parts)) if parts else self.say("pending"))
        elif parts:
            clauses.append(self.say("pending_no_total", parts=", ".join(parts)))
        if self.known("withdrawn"):
            clauses.append(self.say("withdrawn"))
        return clauses

    def catalogue(self) -> list[str]:
        clauses: list[str] = []
        if self.known("procedures"):
            clauses.append(self.say("procedures"))
        if self.known("services_online"):
            clauses.append(self.say("services_online") + self.rate("rate_of_procedures", "online_services_share"))
        clauses += [self.say(k) for k in ("services_full_online", "services_partial_online") if self.shown(k)]
        if self.known("services_with_dossiers"):
            share = self.rate("rate_of_services", "services_with_dossiers_share")
            clauses.append(self.say("services_with_dossiers") + share)
        if self.known("procedures_time_cut"):
            clauses.append(self.say("procedures_time_cut") + self.rate("rate_of_procedures", "time_cut_share"))
        return clauses

    def other_flows(self) -> list[str]:
        clauses: list[str] = []
        if self.known("ecert"):
            # A one-month period's monthly average is its total: saying it twice reads as a slip.
            per_month = self.rate("per_month", "ecert_per_month") if self.row.period.months != 1 else ""
            clauses.append(self.say("ecert") + per_month)
        if self.known("payments_online") and self.known("payments_due"):
            clauses.append(self.say("payments") + self.rate("rate_reached", "online_payment_rate"))
        else:
            clauses += [self.say(k) for k in ("payments_online", "payments_due") if self.known(k)]
        if self.known("digitized"):
            clauses.append(self.say("digitized") + self.rate("rate_of_new", "digitization_rate"))
        if self.known("e_results"):
            clauses.append(self.say("e_results") + self.rate("rate_of_resolved", "e_result_rate"))
        return clauses

    def custom(self) -> list[str]:
        clauses = []
        for metric in self.registry.values():
            value = self.value(metric.id)
            if metric.builtin or value is None:
                continue
            shown = cell_text("rate" if metric.is_rate else "number", value, self.precision, self.lang)
            clauses.append(text("custom_metric", self.lang, label=metric.label(self.lang), value=shown))
        return clauses

    def paragraph(self, subject: str) -> str:
        sentences = [
            "; ".join(clauses)
            for clauses in (
                self.received() + self.resolved() + self.pending(),
                self.catalogue(),
                self.other_flows(),
                self.custom(),
            )
            if clauses
        ]
        if not sentences:
            return text("paragraph", self.lang, subject=subject, body=text("no_data", self.lang))
        body = ". ".join([sentences[0], *(capitalise(s) for s in sentences[1:])])
        return text("paragraph", self.lang, subject=subject, body=body)


def subject(level: str | None, unit: str | None, unit_name: str | None, lang: str) -> str:
    """Who a paragraph is about: the unit's name, else its id, else the level ("Cấp tỉnh")."""
    if unit is not None:
        return unit_name or unit
    return level_name(level, lang)


def notes(problems: Sequence[Problem], periods: Mapping[str, Period], names: Mapping[str, str], lang: str) -> Section:
    lines = []
    for problem in problems:
        where = []
        if problem.level or problem.unit:
            where.append(subject(problem.level, problem.unit, names.get(problem.unit or ""), lang))
        if problem.period:
            period = periods.get(problem.period)
            where.append(period_phrase(period, lang) if period else problem.period)
        prefix = ", ".join(where)
        lines.append(f"{prefix}: {problem.message(lang)}" if prefix else problem.message(lang))
    return Section(text("notes", lang), lines, "list")


def compute_narrative(result: ComputeResult, problems: Sequence[Problem], options: Options) -> Narrative:
    lang = options.lang
    narrative = Narrative(result.title or text("title_compute", lang))
    current: Section | None = None
    for row in result.rows:
        heading = capitalise(period_phrase(row.period, lang, with_window=True))
        if current is None or current.heading != heading:
            current = Section(heading, [])
            narrative.sections.append(current)
        words = _Row(row, result.registry, options)
        current.paragraphs.append(words.paragraph(subject(row.level, row.unit, row.unit_name, lang)))
    if problems:
        periods = {r.period.label: r.period for r in result.rows}
        names = {r.unit: r.unit_name for r in result.rows if r.unit and r.unit_name}
        narrative.sections.append(notes(problems, periods, names, lang))
    return narrative


def against(metric: Metric, actual: Fraction | None, threshold: Fraction, options: Options) -> tuple[str, str]:
    """(actual, threshold) as text that never contradicts the verdict (34,996% is not shown as 35,00%)."""
    return format_against(actual, threshold, metric.is_rate, options.precision, options.lang)


def result_scope(result: TargetResult, lang: str) -> str:
    """Whom and when a target result is about: "Cấp xã, năm 2022"."""
    who = subject(result.level, result.unit, result.unit_name, lang)
    if result.period is None:
        return who
    return text("scope", lang, subject=who, period=period_phrase(result.period, lang))


def target_heading(result: TargetResult, options: Options) -> str:
    lang, target = options.lang, result.placed.target
    _, threshold = against(result.metric, None, result.threshold, options)
    requirement = text(f"op_{target.op}", lang, value=threshold)
    heading = text("target_heading", lang, name=target.name, label=result.metric.label(lang), requirement=requirement)
    if target.source:
        heading += text("target_source", lang, source=target.source)
    return heading


def _shortfall(result: TargetResult, lang: str) -> str:
    """How many dossiers were missing, or over the allowance, for a missed target."""
    shortfall, metric, op = result.check.shortfall, result.metric, result.placed.target.op
    if result.status != "missed" or shortfall is None or shortfall <= 0:
        return ""
    kind = field_noun(metric.numerator[0]) if metric.numerator else "dossier"
    actual = result.check.actual
    over = op.startswith("<") or (op == "==" and actual is not None and actual > result.threshold)
    words = {"shortfall": format_count(shortfall, lang), "noun": noun(kind, shortfall, lang)}
    return text("short_over" if over else "short_more", lang, **words)


def _months_missed(result: TargetResult, options: Options) -> str:
    """A per-month target's months that missed, each with its value."""
    lang = options.lang
    months = [m for m in result.months or [] if m.status == "missed"]
    if not months:
        return ""
    listed = "; ".join(
        text(
            "month_result",
            lang,
            period=period_phrase(m.period, lang) if m.period else "",
            actual=against(result.metric, m.actual, result.threshold, options)[0],
        )
        for m in months
    )
    return text("months_missed", lang, missed=len(months), total=len(result.months or []), months=listed)


def _result_line(result: TargetResult, options: Options) -> str:
    lang = options.lang
    scope = result_scope(result, lang)
    if result.status == "no_data":
        return text("no_data_result", lang, scope=scope) + "."
    actual, _ = against(result.metric, result.check.actual, result.threshold, options)
    line = text("met" if result.status == "met" else "missed", lang, scope=scope, actual=actual)
    return line + _shortfall(result, lang) + _months_missed(result, options) + "."


def targets_narrative(result: TargetsResult, options: Options) -> Narrative:
    lang = options.lang
    narrative = Narrative(result.title or text("title_targets", lang))
    current: Section | None = None
    for each in result.results:
        heading = target_heading(each, options)
        if current is None or current.heading != heading:
            current = Section(heading, [], "list")
            narrative.sections.append(current)
        current.paragraphs.append(_result_line(each, options))
    counts = {k: format_count(v, lang) for k, v in result.summary.items()}
    narrative.sections.append(Section(None, [text("summary", lang, **counts)]))
    if result.problems:
        narrative.sections.append(notes(result.problems, {}, {}, lang))
    return narrative
