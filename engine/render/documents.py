"""Client-ready reports: Markdown and one self-contained HTML file, with a comparison chart.

The chart is drawn by matplotlib (imported only here, and only when a report is made) as SVG
and embedded in the document, so the HTML needs no network access and prints cleanly.
"""

from __future__ import annotations

import base64
import html
import io
from collections.abc import Iterator

from ..consult.compare import CultureComparison
from ..explain.caveats import NATIONAL_TENDENCY_CAVEAT
from ..explain.pairs import describe_between
from ..schemas.kb import PlanStage
from ..schemas.report import DiagnosisItem, Evidence, HowNode, Recommendation, Report
from .text import certainty_words, note_hint_intro, particulars

_CHART_FRAMEWORKS = ("Hofstede 6-D", "The Culture Map (Meyer)")


def chart_svg(comparison: CultureComparison) -> str:
    """Paired horizontal bars for every Hofstede and Culture Map dimension both countries have."""
    import matplotlib  # noqa: PLC0415 - heavy; only reports need it

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt  # noqa: PLC0415

    rows = [row for row in comparison.dimensions if row.framework in _CHART_FRAMEWORKS]
    matplotlib.rcParams["svg.hashsalt"] = "synergy-compass"  # stable ids: identical output
    figure, axis = plt.subplots(figsize=(7.5, 0.42 * max(len(rows), 1) + 1.2), dpi=100)
    positions = list(range(len(rows)))
    labels = [f"{row.name}{' *' if row.estimated else ''}" for row in rows]
    scale = [100 * (row.a - row.minimum) / (row.maximum - row.minimum) for row in rows]
    scale_b = [100 * (row.b - row.minimum) / (row.maximum - row.minimum) for row in rows]
    axis.barh(
        [p - 0.2 for p in positions], scale, height=0.38, color="#1f5f8b", label=comparison.a_name
    )
    axis.barh(
        [p + 0.2 for p in positions], scale_b, height=0.38, color="#d08c2f", label=comparison.b_name
    )
    axis.set_yticks(positions, labels)
    axis.invert_yaxis()
    axis.set_xlim(0, 100)
    axis.set_xlabel("position on each scale, low pole (0) to high pole (100)")
    axis.legend(loc="lower right", frameon=False)
    axis.spines[["top", "right"]].set_visible(False)
    axis.set_title(f"{comparison.a_name} and {comparison.b_name} on the same scales", loc="left")
    figure.tight_layout()
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _sources(report: Report) -> list[str]:
    seen: dict[str, str] = {}
    for recommendation in report.recommendations:
        for source in recommendation.sources:
            seen.setdefault(source.id, source.citation + (f" {source.url}" if source.url else ""))
    return sorted(seen.values())


def _how_lines(node: HowNode, depth: int) -> Iterator[tuple[int, str]]:
    origin = node.origin
    if origin.kind == "scenario":
        where = f"from the scenario ({', '.join(origin.paths)})"
    elif origin.kind == "profile":
        where = f"from the {origin.country} profile, source {origin.source}" + (
            ", estimated" if origin.estimated else ""
        )
    elif origin.kind == "calendar":
        where = f"from the calendar: {origin.describe()}"
    else:
        where = "concluded by"
    yield depth, f"{node.fact} — {where}"
    for step in node.concluded_by:
        yield depth + 1, f"rule {step.rule}: {step.rule_title}"
        for used in step.facts:
            yield from _how_lines(used, depth + 2)


def _evidence_lines(evidence: Evidence) -> Iterator[tuple[int, str]]:
    yield 0, f"rule {evidence.rule}: {evidence.rule_title} (certainty {evidence.certainty:+.2f})"
    for node in evidence.how:
        yield from _how_lines(node, 1)


def _with_particulars(text: str, item: DiagnosisItem | Recommendation) -> str:
    return " ".join([text, *particulars(item)])


def _between(finding: DiagnosisItem) -> str:
    """The cultures a finding is about, as a sentence to close its paragraph."""
    return f" {describe_between(finding.between)}." if finding.between else ""


def _plan(report: Report) -> Iterator[tuple[PlanStage, list[Recommendation]]]:
    for stage in PlanStage:
        items = [item for item in report.recommendations if item.stage == stage]
        if items:
            yield stage, items


_NOTE_HINTS_LEAD = (
    "No rule reads free text. These words look like facts the scenario form can hold; "
    "put them there and run again."
)


def _beyond_the_plan(report: Report) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """The sections after the main plan, as (heading, introduction, [(title, text)])."""
    sections = [
        (
            "Trade-offs to weigh",
            "Advice in this plan that pulls opposite ways with equal support.",
            [(trade.about.capitalize(), trade.explanation) for trade in report.trade_offs],
        ),
        (
            "Also consider",
            "Further advice, in order of importance, outside the main plan.",
            [
                (
                    f"{item.title} ({certainty_words(item.certainty)})",
                    f"Why: {item.because}.",
                )
                for item in report.also_consider
            ],
        ),
        (
            "Set aside",
            "Advice that pulls against more specific advice above; use it only if the reason "
            "does not hold.",
            [(item.title, item.set_aside_because) for item in report.set_aside],
        ),
        (
            "Advised against",
            "Advice that rules considered but the evidence counts against.",
            [(item.title, f"Why: {item.because}.") for item in report.advised_against],
        ),
        (
            "What could not be checked",
            "Where the knowledge base has too little data for this case.",
            [("", gap) for gap in report.could_not_check],
        ),
    ]
    return [section for section in sections if section[2]]


def _beyond_the_plan_markdown(report: Report) -> list[str]:
    lines: list[str] = []
    for heading, introduction, entries in _beyond_the_plan(report):
        lines += [f"## {heading}", "", introduction, ""]
        lines += [f"- **{title}** {text}" if title else f"- {text}" for title, text in entries]
        lines.append("")
    return lines


def _beyond_the_plan_html(report: Report) -> list[str]:
    parts: list[str] = []
    for heading, introduction, entries in _beyond_the_plan(report):
        parts += [f"<h2>{html.escape(heading)}</h2>", f"<p>{html.escape(introduction)}</p><ul>"]
        parts += [
            f"<li><strong>{html.escape(title)}</strong> {html.escape(text)}</li>"
            if title
            else f"<li>{html.escape(text)}</li>"
            for title, text in entries
        ]
        parts.append("</ul>")
    return parts


def _note_hints_markdown(report: Report) -> list[str]:
    if not report.note_hints:
        return []
    lines = ["", "## From your notes", "", _NOTE_HINTS_LEAD, ""]
    for hint in report.note_hints:
        others = "".join(f" or `{alternative}`" for alternative in hint.alternatives)
        explain = f" {hint.explain}" if hint.explain else ""
        lines.append(f"- {note_hint_intro(hint)}: add `{hint.suggestion}`{others}.{explain}")
    return lines


def _note_hints_html(report: Report) -> list[str]:
    if not report.note_hints:
        return []
    parts = [f"<h2>From your notes</h2><p>{html.escape(_NOTE_HINTS_LEAD)}</p><ul>"]
    for hint in report.note_hints:
        others = "".join(
            f" or <code>{html.escape(alternative)}</code>" for alternative in hint.alternatives
        )
        explain = f" {html.escape(hint.explain)}" if hint.explain else ""
        parts.append(
            f"<li>{html.escape(note_hint_intro(hint))}: add "
            f"<code>{html.escape(hint.suggestion)}</code>{others}.{explain}</li>"
        )
    parts.append("</ul>")
    return parts


def render_markdown(report: Report, comparison: CultureComparison | None) -> str:
    """The report as Markdown, the chart embedded as an SVG data URI."""
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    lines = [
        f"# {report.scenario.title}",
        "",
        f"*{report.scenario.we} working with {report.scenario.they}. Prepared with "
        f"Synergy Compass, knowledge base {report.kb.name} {report.kb.version} "
        f"(`{report.kb.digest[:12]}`).*",
        "",
        "## Summary",
        "",
    ]
    lines += [f"- {finding.title}" for finding in situation[:4] or background[:4]]
    lines += [
        "",
        f"The plan below has {len(report.recommendations)} steps in "
        f"{len(list(_plan(report)))} stages.",
        "",
        "## What is going on",
        "",
    ]
    for finding in situation:
        explanation = _with_particulars(finding.explanation, finding)
        lines += [
            f"**{finding.title}** (certainty {finding.certainty:.2f}). {explanation}"
            f"{_between(finding)}",
            "",
        ]
    lines += ["## The plan", ""]
    for stage, items in _plan(report):
        lines += [f"### {stage.heading}", ""]
        for recommendation in items:
            lines += [f"#### {recommendation.title}", "", recommendation.advice, ""]
            lines += [f"1. {step}" for step in recommendation.steps]
            lines += [
                "",
                "*Why:* " + _with_particulars(recommendation.because + ".", recommendation) + " "
                f"*{certainty_words(recommendation.certainty).capitalize()}.*",
                "",
            ]
    lines += _beyond_the_plan_markdown(report)
    if comparison or background:
        lines += ["## The cultural background", ""]
    if comparison:
        data = base64.b64encode(chart_svg(comparison).encode()).decode()
        lines += [
            f"![{comparison.a_name} and {comparison.b_name} compared]"
            f"(data:image/svg+xml;base64,{data})",
            "",
            comparison.caveat,
            "",
        ]
    for finding in background:
        lines += [
            f"**{finding.title}** (certainty {finding.certainty:.2f}). {finding.explanation}"
            f"{_between(finding)}",
            "",
        ]
    lines += ["## Caveats", ""] + [
        f"- {caveat}" for caveat in report.caveats or (NATIONAL_TENDENCY_CAVEAT,)
    ]
    lines += _note_hints_markdown(report)
    lines += ["", "## Sources", ""] + [f"- {source}" for source in _sources(report)]
    lines += ["", "## Appendix: how each recommendation was reached", ""]
    for recommendation in report.recommendations:
        lines += [f"**{recommendation.title}**", ""]
        for evidence in recommendation.supported_by:
            lines += [f"{'  ' * depth}- {text}" for depth, text in _evidence_lines(evidence)]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2.5em auto;
       padding: 0 1.2em; color: #1d1d1d; line-height: 1.5; }
h1 { font-size: 1.9em; margin-bottom: .2em; } h2 { border-bottom: 2px solid #1f5f8b;
padding-bottom: .2em; margin-top: 2em; color: #1f5f8b; }
h3 { margin-top: 1.5em; } .meta { color: #555; font-style: italic; }
.summary { background: #f3f7fa; border-left: 4px solid #1f5f8b; padding: .8em 1.2em; }
.item { margin: 1em 0 1.4em; } .certainty { color: #666; font-size: .9em; }
.stage { display: inline-block; background: #1f5f8b; color: white; border-radius: 3px;
         padding: 0 .5em; font-size: .8em; letter-spacing: .05em; text-transform: uppercase; }
.why { color: #444; } .caveat { color: #7a4b00; } .chart svg { width: 100%; height: auto; }
.appendix { font-size: .85em; color: #333; } .appendix ul { margin: .2em 0; }
footer { margin-top: 3em; color: #777; font-size: .85em; }
@media print { body { margin: 0; max-width: none; } h2 { page-break-after: avoid; }
               .item, .chart { page-break-inside: avoid; } }
"""


def _tree_html(lines: list[tuple[int, str]]) -> str:
    """Indented lines as nested lists."""
    out, depth = ["<ul>"], 0
    for level, text in lines:
        while depth < level:
            out.append("<ul>")
            depth += 1
        while depth > level:
            out.append("</ul>")
            depth -= 1
        out.append(f"<li>{html.escape(text)}</li>")
    out += ["</ul>"] * (depth + 1)
    return "".join(out)


def render_html(report: Report, comparison: CultureComparison | None) -> str:
    """One self-contained, printable HTML page."""
    escape = html.escape
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(report.scenario.title)}</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(report.scenario.title)}</h1>",
        f'<p class="meta">{escape(report.scenario.we)} working with '
        f"{escape(report.scenario.they)}</p>",
        '<div class="summary"><strong>In short.</strong><ul>',
        *(f"<li>{escape(finding.title)}</li>" for finding in (situation[:4] or background[:4])),
        f"</ul>The plan below has {len(report.recommendations)} steps.</div>",
        "<h2>What is going on</h2>",
    ]
    for finding in situation:
        text = _with_particulars(finding.explanation, finding) + _between(finding)
        parts.append(
            f'<div class="item"><strong>{escape(finding.title)}</strong> '
            f'<span class="certainty">certainty {finding.certainty:.2f}</span>'
            f"<br>{escape(text)}</div>"
        )
    parts.append("<h2>The plan</h2>")
    for stage, items in _plan(report):
        parts.append(f'<h3><span class="stage">{stage.heading}</span></h3>')
        for recommendation in items:
            steps = "".join(f"<li>{escape(step)}</li>" for step in recommendation.steps)
            why = _with_particulars(recommendation.because + ".", recommendation)
            parts.append(
                f'<div class="item"><strong>{escape(recommendation.title)}</strong> '
                f'<span class="certainty">{certainty_words(recommendation.certainty)}</span>'
                f"<p>{escape(recommendation.advice)}</p><ol>{steps}</ol>"
                f'<p class="why"><em>Why:</em> {escape(why)}</p></div>'
            )
    parts += _beyond_the_plan_html(report)
    if comparison or background:
        parts.append("<h2>The cultural background</h2>")
    if comparison:
        parts += [
            f'<div class="chart">{chart_svg(comparison)}</div>',
            f'<p class="meta">{escape(comparison.caveat)} * estimated position.</p>',
        ]
    for finding in background:
        parts.append(
            f'<div class="item"><strong>{escape(finding.title)}</strong> '
            f'<span class="certainty">certainty {finding.certainty:.2f}</span>'
            f"<br>{escape(finding.explanation + _between(finding))}</div>"
        )
    parts.append("<h2>Caveats</h2><ul>")
    parts += [f'<li class="caveat">{escape(caveat)}</li>' for caveat in report.caveats]
    parts.append("</ul>")
    parts += _note_hints_html(report)
    parts.append("<h2>Sources</h2><ul>")
    parts += [f"<li>{escape(source)}</li>" for source in _sources(report)]
    parts.append(
        '</ul><h2>Appendix: how each recommendation was reached</h2><div class="appendix">'
    )
    for recommendation in report.recommendations:
        parts.append(f"<h4>{escape(recommendation.title)}</h4>")
        for evidence in recommendation.supported_by:
            parts.append(_tree_html(list(_evidence_lines(evidence))))
    parts.append(
        f"</div><footer>Synergy Compass · knowledge base {escape(report.kb.name)} "
        f"{escape(report.kb.version)} ({report.kb.digest[:12]}) · scenario "
        f"{report.scenario.digest[:12]}</footer></body></html>"
    )
    return "\n".join(parts) + "\n"
