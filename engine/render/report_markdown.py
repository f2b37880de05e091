"""The client report as Markdown: the same sections as the HTML page, the charts embedded as
SVG data URIs so that the file stands alone.

Every value from the scenario, the KB or the branding goes through ``md`` (see
:mod:`.safe_text`) before it is put into the Markdown around it: a title holding a newline and
``# heading``, or ``<script>``, stays text."""

from __future__ import annotations

import base64
import re

from ..consult.compare import CultureComparison
from ..explain.pairs import describe_between
from ..schemas.branding import ReportBranding
from ..schemas.report import DiagnosisItem, Recommendation, Report
from . import report_parts as parts
from .appendix import appendix
from .chart import chart_svgs
from .report_parts import certainty
from .safe_text import link_address, one_line, plain_text
from .safe_text import markdown_inline as md
from .text import note_hint_intro, particulars


def _link(text: str, url: str) -> str:
    target = link_address(url)
    return f"[{md(text)}](<{target}>)" if target else md(text)


def _code(text: str) -> str:
    """Text as inline code: a fence longer than any run of backticks inside it, and spaces
    inside the fence when the text starts or ends with a backtick (CommonMark's rule)."""
    line = one_line(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", line)), default=0) + 1)
    padded = f" {line} " if line.startswith("`") or line.endswith("`") else line
    return f"{fence}{padded}{fence}"


def _finding(finding: DiagnosisItem, *, between: bool) -> list[str]:
    details = [*particulars(finding)]
    if between and finding.between:
        details.append(describe_between(finding.between) + ".")
    if finding.caveat:
        details.append(f"Caveat: {finding.caveat}")
    return [
        f"**{md(finding.title)}** ({certainty(finding.certainty)}). {md(finding.explanation)}",
        *(["", md(" ".join(details))] if details else []),
        "",
    ]


def _recommendation(item: Recommendation, position: int) -> list[str]:
    lines = [f"#### {position}. {md(item.title)}", ""]
    lines += [f"*{certainty(item.certainty).capitalize()}.*", "", md(item.advice), ""]
    lines += [f"{number}. {md(step)}" for number, step in enumerate(item.steps, 1)]
    cited = md("; ".join(source.short for source in item.sources))
    why = " ".join([f"*Why:* {md(item.because)}.", *map(md, particulars(item))])
    pulls = dict.fromkeys((*item.trade_off_with, *item.conflicts_with))
    if pulls:
        why += f" Trade-off: this pulls against {md(', '.join(pulls))}, also given; weigh them."
    return [*lines, "", why + (f" *Sources:* {cited}." if cited else ""), ""]


def _opening(
    report: Report, comparison: CultureComparison | None, branding: ReportBranding
) -> list[str]:
    logo = parts.logo_data_uri(branding)
    lines = [f"![{md(branding.prepared_by or 'logo')}]({logo})", ""] if logo else []
    lines += [f"# {md(report.scenario.title)}", "", f"*{md(parts.prepared_line(branding))}*", ""]
    lines += [f"## {parts.SITUATION}", ""]
    for label, text in parts.situation(report, comparison):
        lines += [f"**{md(label)}.** {md(text)}", ""]
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    lines += ["**In short.**", ""]
    lines += [f"- {md(finding.title)}" for finding in situation[:4] or background[:4]]
    lines += ["", f"The plan below has {len(report.recommendations)} steps.", ""]
    return lines


def _diagnosis(report: Report) -> list[str]:
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    lines = [f"## {parts.DIAGNOSIS}", ""]
    if not situation:
        lines += [
            "Nothing in what you describe points to a cultural problem that this knowledge "
            "base can check.",
            "",
        ]
    for finding in situation:
        lines += _finding(finding, between=parts.several_pairs(report))
    return lines


def _background(report: Report, comparison: CultureComparison | None) -> list[str]:
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    lines: list[str] = []
    if comparison or background:
        lines += [f"## {parts.BACKGROUND}", ""]
    for framework, svg in chart_svgs(comparison) if comparison else []:
        data = base64.b64encode(svg.encode()).decode()
        names = f"{comparison.a_name} and {comparison.b_name}" if comparison else " and "
        lines += [
            f"![{md(names)} on the scales of {md(framework)}](data:image/svg+xml;base64,{data})",
            "",
        ]
    if comparison:
        lines += [
            "Each scale as published, its two poles named at its ends; a hollow marker on a "
            f"dashed line is an estimate. {md(comparison.caveat)}",
            "",
        ]
    for finding in background:
        lines += _finding(finding, between=parts.several_pairs(report))
    return lines


def _plan(report: Report) -> list[str]:
    lines = [f"## {parts.PLAN}", ""]
    if not report.recommendations:
        lines += ["No advice applies to this situation.", ""]
    position = 0
    for stage, items in parts.plan_by_stage(report):
        lines += [f"### {md(stage.heading)}", ""]
        for item in items:
            position += 1
            lines += _recommendation(item, position)
    return lines


def _listed(heading: str, introduction: str, entries: list[tuple[str, str]]) -> list[str]:
    lines = [f"## {heading}", "", md(introduction), ""]
    lines += [
        f"- **{md(title)}** {md(text)}" if title else f"- {md(text)}" for title, text in entries
    ]
    return [*lines, ""]


def _after_the_plan(report: Report, comparison: CultureComparison | None) -> list[str]:
    """In the HTML page's order: advice beyond the plan, the background, the limits."""
    lines: list[str] = []
    later = parts.beyond_the_plan(report)
    for section in later:
        if section[0] != parts.COULD_NOT_CHECK:
            lines += _listed(*section)
    lines += _background(report, comparison)
    for section in later:
        if section[0] == parts.COULD_NOT_CHECK:
            lines += _listed(*section)
    lines += [f"## {parts.CAVEATS}", ""] + [f"- {md(caveat)}" for caveat in parts.caveats(report)]
    lines.append("")
    if report.note_hints:
        lines += [f"## {parts.NOTE_HINTS}", "", parts.NOTE_HINTS_LEAD, ""]
        for hint in report.note_hints:
            others = "".join(f" or {_code(alternative)}" for alternative in hint.alternatives)
            explain = f" {md(hint.explain)}" if hint.explain else ""
            intro = md(note_hint_intro(hint))
            lines.append(f"- {intro}: add {_code(hint.suggestion)}{others}.{explain}")
        lines.append("")
    listed = parts.sources(report)
    if listed:
        lines += [f"## {parts.SOURCES}", ""]
        lines += [
            f"{number}. {_link(source.citation, source.url)}"
            for number, source in enumerate(listed, 1)
        ]
        lines.append("")
    return lines


def render_markdown(
    report: Report,
    comparison: CultureComparison | None,
    branding: ReportBranding | None = None,
    *,
    with_appendix: bool = False,
) -> str:
    """The report as Markdown; the appendix of reasons only when asked for."""
    branding = branding or ReportBranding()
    lines = [
        *_opening(report, comparison, branding),
        *_diagnosis(report),
        *_plan(report),
        *_after_the_plan(report, comparison),
    ]
    if with_appendix:
        lines += [f"## {parts.APPENDIX}", ""]
        for title, reasons in appendix(report, comparison):
            lines += [f"**{md(title)}**", ""]
            lines += [f"{'  ' * depth}- {md(text)}" for depth, text in reasons]
            lines.append("")
    lines += [
        f"*Made with Synergy Compass, knowledge base {md(report.kb.name)} "
        f"{md(report.kb.version)} (`{report.kb.digest[:12]}`).*"
    ]
    return plain_text("\n".join(lines).rstrip() + "\n")
