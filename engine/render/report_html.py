"""The client report as one self-contained HTML page, made to be read on screen, printed and
turned into PDF: nothing is fetched, the charts are inline SVG, the logo a data URI."""

from __future__ import annotations

from html import escape

from ..consult.compare import CultureComparison
from ..explain.pairs import describe_between
from ..schemas.branding import ReportBranding
from ..schemas.report import DiagnosisItem, Recommendation, Report
from . import report_parts as parts
from .appendix import appendix
from .chart import chart_pieces, charted_frameworks
from .report_parts import certainty
from .safe_text import link_address, plain_text
from .text import note_hint_intro, particulars

_CSS = """
:root { --accent: #1f5f8b; --muted: #5b5b5b; }
* { box-sizing: border-box; }
body { font-family: Georgia, 'Times New Roman', serif; max-width: 50em; margin: 2.5em auto;
       padding: 0 1.2em; color: #1d1d1d; line-height: 1.5; overflow-wrap: break-word; }
header.cover { display: flex; gap: 1.2em; align-items: flex-start;
               border-bottom: 3px solid var(--accent); padding-bottom: .8em; }
header.cover img { max-height: 4.5em; max-width: 10em; object-fit: contain; }
h1 { font-size: 1.75em; line-height: 1.25; margin: 0 0 .3em; }
h2 { border-bottom: 2px solid var(--accent); padding-bottom: .15em; margin-top: 1.8em;
     color: var(--accent); font-size: 1.35em; }
h3 { margin: 1.3em 0 .4em; font-size: 1.05em; }
.meta { color: var(--muted); margin: .15em 0; }
.situation p { margin: .35em 0; }
.summary { background: #f1f6fa; border-left: 4px solid var(--accent); padding: .6em 1.1em;
           margin-top: 1.2em; }
.summary ul { margin: .3em 0 .4em; padding-left: 1.3em; }
.item { margin: .8em 0 1.1em; }
.item > p { margin: .3em 0; }
.certainty { color: var(--muted); font-size: .88em; white-space: nowrap; }
.stage { display: inline-block; background: var(--accent); color: white; border-radius: 3px;
         padding: .05em .55em; font-size: .8em; letter-spacing: .05em; text-transform: uppercase; }
.why, .particulars { color: #3c3c3c; font-size: .95em; }
.caveat { color: #6b4300; }
figure.chart { margin: 1em 0; }
figure.chart svg { display: block; width: 100%; height: auto; }
figure.chart .scale:first-child { break-after: avoid; page-break-after: avoid; }
figure.chart figcaption { color: var(--muted); font-size: .88em; }
ol.sources li { margin: .25em 0; }
a { color: var(--accent); }
code { font-size: .9em; background: #f3f3f3; padding: 0 .2em; overflow-wrap: anywhere; }
.appendix { font-size: .86em; color: #333; }
.appendix ul { margin: .15em 0; padding-left: 1.3em; }
.appendix h3 { font-size: 1em; }
footer { margin-top: 2.5em; color: #777; font-size: .82em; border-top: 1px solid #ddd;
         padding-top: .5em; }
@page { size: A4; margin: 18mm 17mm 20mm;
        @bottom-right { content: "Page " counter(page) " of " counter(pages);
                        font: 8.5pt Georgia, serif; color: #666; }
        @bottom-left { content: FOOTER_TEXT; font: 8.5pt Georgia, serif; color: #666; } }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  .item, figure.chart .scale, figure.chart figcaption, .summary, .situation, ol.sources li,
  .appendix li {
    break-inside: avoid; page-break-inside: avoid; }
  a { text-decoration: none; }
}
"""


def _css_string(text: str) -> str:
    """Text as a CSS string literal, for the printed page's footer. '<' is written as a CSS
    escape: inside <style>, a title holding '</style>' would otherwise end the style sheet and
    put the rest of the title into the page as HTML."""
    quoted = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")
    return '"' + quoted.replace("<", "\\3C ") + '"'


def _finding(finding: DiagnosisItem, *, between: bool) -> str:
    details = [*particulars(finding)]
    if between and finding.between:
        details.append(describe_between(finding.between) + ".")
    if finding.caveat:
        details.append(f"Caveat: {finding.caveat}")
    shown = "".join(f'<p class="particulars">{escape(line)}</p>' for line in details)
    return (
        f'<div class="item"><strong>{escape(finding.title)}</strong> '
        f'<span class="certainty">({certainty(finding.certainty)})</span>'
        f"<p>{escape(finding.explanation)}</p>{shown}</div>"
    )


def _recommendation(item: Recommendation, position: int) -> str:
    steps = "".join(f"<li>{escape(step)}</li>" for step in item.steps)
    details = "".join(f'<p class="particulars">{escape(line)}</p>' for line in particulars(item))
    pulls = dict.fromkeys((*item.trade_off_with, *item.conflicts_with))
    if pulls:
        details += (
            f'<p class="particulars">Trade-off: this pulls against {escape(", ".join(pulls))}, '
            "also given; weigh them against each other.</p>"
        )
    cited = "; ".join(source.short for source in item.sources)
    return (
        f'<div class="item"><strong>{position}. {escape(item.title)}</strong> '
        f'<span class="certainty">({certainty(item.certainty)})</span>'
        f"<p>{escape(item.advice)}</p>{f'<ol>{steps}</ol>' if steps else ''}"
        f'<p class="why"><em>Why:</em> {escape(item.because)}.'
        f"{f' <em>Sources:</em> {escape(cited)}.' if cited else ''}</p>{details}</div>"
    )


def _opening(
    report: Report, comparison: CultureComparison | None, branding: ReportBranding
) -> list[str]:
    logo = parts.logo_data_uri(branding)
    who = branding.prepared_by or "the consultant"
    image = f'<img src="{logo}" alt="{escape(who)} logo">' if logo else ""
    situation = "".join(
        f"<p><strong>{escape(label)}.</strong> {escape(text)}</p>"
        for label, text in parts.situation(report, comparison)
    )
    return [
        f'<header class="cover">{image}<div><h1>{escape(report.scenario.title)}</h1>',
        f'<p class="meta">{escape(parts.prepared_line(branding))}</p></div></header>',
        f'<section class="situation"><h2>{parts.SITUATION}</h2>{situation}</section>',
    ]


def _summary(report: Report) -> str:
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    lead = situation[:4] or background[:4]
    findings = "".join(f"<li>{escape(finding.title)}</li>" for finding in lead)
    first = report.recommendations[0].title if report.recommendations else ""
    plan = f"The plan below has {len(report.recommendations)} steps" + (
        f", starting with: {escape(first)}." if first else "."
    )
    return f'<div class="summary"><strong>In short.</strong><ul>{findings}</ul>{plan}</div>'


def _diagnosis(report: Report) -> list[str]:
    situation = [item for item in report.diagnosis if item.basis == "situation"]
    out = [f"<section><h2>{parts.DIAGNOSIS}</h2>"]
    if not situation:
        out.append("<p>Nothing in what you describe points to a cultural problem that this "
                   "knowledge base can check.</p>")  # fmt: skip
    out += [_finding(finding, between=parts.several_pairs(report)) for finding in situation]
    out.append("</section>")
    return out


def _charts(comparison: CultureComparison) -> list[str]:
    """One figure per framework, each scale a block of its own so a page can break between."""
    figures = []
    for position, framework in enumerate(charted_frameworks(comparison), 1):
        pieces = chart_pieces(comparison, framework, f"chart-{position}")
        scales = "".join(f'<div class="scale">{svg}</div>' for svg in pieces)
        figures.append(
            f'<figure class="chart">{scales}<figcaption>{escape(framework)}: each scale as '
            "published, its two poles named at its ends. A hollow marker on a dashed line is "
            "the knowledge base's estimate, not a measurement.</figcaption></figure>"
        )
    return figures


def _background(report: Report, comparison: CultureComparison | None) -> list[str]:
    background = [item for item in report.diagnosis if item.basis == "profiles"]
    out = []
    if comparison or background:
        out.append(f"<section><h2>{parts.BACKGROUND}</h2>")
        out.append("<p>National tendencies behind the case: where the two cultures sit on the "
                   "published scales, and what the differences mean.</p>")  # fmt: skip
        if comparison:
            out += _charts(comparison)
            out.append(f'<p class="meta">{escape(comparison.caveat)}</p>')
        out += [_finding(finding, between=parts.several_pairs(report)) for finding in background]
        out.append("</section>")
    return out


def _plan(report: Report) -> list[str]:
    out = [f"<section><h2>{parts.PLAN}</h2>"]
    if not report.recommendations:
        out.append("<p>No advice applies to this situation.</p>")
    position = 0
    for stage, items in parts.plan_by_stage(report):
        out.append(f'<h3><span class="stage">{escape(stage.heading)}</span></h3>')
        for item in items:
            position += 1
            out.append(_recommendation(item, position))
    out.append("</section>")
    return out


def _listed(heading: str, introduction: str, entries: list[tuple[str, str]]) -> list[str]:
    out = [f"<section><h2>{escape(heading)}</h2><p>{escape(introduction)}</p><ul>"]
    out += [
        f'<li class="item"><strong>{escape(title)}</strong> {escape(text)}</li>'
        if title
        else f'<li class="item">{escape(text)}</li>'
        for title, text in entries
    ]
    out.append("</ul></section>")
    return out


def _after_the_plan(report: Report, comparison: CultureComparison | None) -> list[str]:
    """Advice beyond the plan, then the background and the limits of the advice: a reader
    meets what to do before the national tendencies behind it."""
    out = []
    later = parts.beyond_the_plan(report)
    for section in later:
        if section[0] != parts.COULD_NOT_CHECK:
            out += _listed(*section)
    out += _background(report, comparison)
    for section in later:
        if section[0] == parts.COULD_NOT_CHECK:
            out += _listed(*section)
    out.append(f"<section><h2>{parts.CAVEATS}</h2><ul>")
    out += [f'<li class="caveat item">{escape(caveat)}</li>' for caveat in parts.caveats(report)]
    out.append("</ul></section>")
    if report.note_hints:
        out.append(
            f"<section><h2>{parts.NOTE_HINTS}</h2><p>{escape(parts.NOTE_HINTS_LEAD)}</p><ul>"
        )
        for hint in report.note_hints:
            others = "".join(f" or <code>{escape(other)}</code>" for other in hint.alternatives)
            explain = f" {escape(hint.explain)}" if hint.explain else ""
            out.append(
                f'<li class="item">{escape(note_hint_intro(hint))}: add '
                f"<code>{escape(hint.suggestion)}</code>{others}.{explain}</li>"
            )
        out.append("</ul></section>")
    return out


def _sources(report: Report) -> list[str]:
    listed = parts.sources(report)
    if not listed:
        return []
    out = [f'<section><h2>{parts.SOURCES}</h2><ol class="sources">']
    for source in listed:
        citation = escape(source.citation)
        if address := link_address(source.url):
            citation = f'<a href="{escape(address)}">{citation}</a>'
        out.append(f"<li>{citation}</li>")
    out.append("</ol></section>")
    return out


def _tree(lines: list[tuple[int, str]]) -> str:
    """Indented lines as nested lists."""
    out, depth = ["<ul>"], 0
    for level, text in lines:
        while depth < level:
            out.append("<ul>")
            depth += 1
        while depth > level:
            out.append("</ul>")
            depth -= 1
        out.append(f"<li>{escape(text)}</li>")
    out += ["</ul>"] * (depth + 1)
    return "".join(out)


def _appendix(report: Report, comparison: CultureComparison | None) -> list[str]:
    out = [f'<section class="appendix"><h2>{parts.APPENDIX}</h2>']
    for title, lines in appendix(report, comparison):
        out.append(f"<h3>{escape(title)}</h3>{_tree(lines)}")
    out.append("</section>")
    return out


def render_html(
    report: Report,
    comparison: CultureComparison | None,
    branding: ReportBranding | None = None,
    *,
    with_appendix: bool = False,
) -> str:
    """One self-contained, printable HTML page; the appendix of reasons only when asked for."""
    branding = branding or ReportBranding()
    title = report.scenario.title
    if len(title) > 60:  # the printed footer has one line: cut at a word, and say so
        title = title[:60].rsplit(" ", 1)[0] + "…"
    footer = " · ".join(text for text in (branding.prepared_for, title) if text)
    css = _CSS.replace("FOOTER_TEXT", _css_string(footer))
    page = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(report.scenario.title)}</title><style>{css}</style></head><body>",
        *_opening(report, comparison, branding),
        _summary(report),
        *_diagnosis(report),
        *_plan(report),
        *_after_the_plan(report, comparison),
        *_sources(report),
        *(_appendix(report, comparison) if with_appendix else []),
        f"<footer>Made with Synergy Compass · knowledge base {escape(report.kb.name)} "
        f"{escape(report.kb.version)} ({report.kb.digest[:12]}) · scenario "
        f"{report.scenario.digest[:12]}</footer></body></html>",
    ]
    # Escaped text is still text: controls and direction overrides go before anyone sees it.
    return plain_text("\n".join(page) + "\n")
