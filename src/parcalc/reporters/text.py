"""Text: the report an office hands in, as plain paragraphs to paste into a document or an e-mail.

One paragraph per period, level and unit (see parcalc.reports.narrative); no table drawing, no colour, and no
line that a spreadsheet would run as a formula when the text is pasted into one.
"""

from __future__ import annotations

from parcalc.core.formatting import neutralise_formula
from parcalc.reports.model import Options, Report

BULLET = "•"  # not "-": a line starting with "-" is a formula to a spreadsheet


def render(report: Report, options: Options) -> str:
    narrative = report.narrative(options)
    blocks = [narrative.title]
    for section in narrative.sections:
        if section.heading:
            blocks.append(section.heading)
        if section.style == "list":
            blocks.append("\n".join(f"{BULLET} {line}" for line in section.paragraphs))
        else:
            blocks.extend(section.paragraphs)
    lines = "\n\n".join(b for b in blocks if b).splitlines()
    return "\n".join(neutralise_formula(line) for line in lines) + "\n"
