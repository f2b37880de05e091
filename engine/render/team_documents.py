"""``compass team`` as documents: a self-contained HTML page (one SVG drawing per practical
scale with every member on it, then the widest gaps and their advice), its PDF, and Markdown
(the terminal's map in a code block, the gaps as text)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .chart import LaneMark, lanes_legend_svg, lanes_svg
from .pdf import html_to_pdf
from .safe_text import link_address, markdown_inline, plain_text
from .team import mark_letter, mark_value, track

if TYPE_CHECKING:
    from ..consult.team import TeamGap, TeamMap, TeamMark, TeamScale

_CSS = """
:root { --accent: #1f5f8b; --muted: #5b5b5b; }
body { font-family: Georgia, 'Times New Roman', serif; max-width: 50em; margin: 2.5em auto;
       padding: 0 1.2em; color: #1d1d1d; line-height: 1.5; overflow-wrap: break-word; }
h1 { font-size: 1.75em; margin: 0 0 .3em; border-bottom: 3px solid var(--accent); }
h2 { border-bottom: 2px solid var(--accent); color: var(--accent); font-size: 1.35em;
     margin-top: 1.8em; }
h3 { margin: 1.3em 0 .4em; font-size: 1.05em; }
.meta, .hint { color: var(--muted); }
figure.scale { margin: .8em 0; }
figure.scale svg { display: block; width: 100%; height: auto; }
.advice p { margin: .25em 0; }
.why { color: #3c3c3c; font-size: .95em; }
ol.sources li { margin: .25em 0; }
a { color: var(--accent); }
table.members td, table.members th { text-align: left; padding: .1em .8em .1em 0; }
@page { size: A4; margin: 18mm 17mm 20mm; }
@media print {
  body { margin: 0; max-width: none; padding: 0; font-size: 10.5pt; }
  h2, h3 { break-after: avoid; page-break-after: avoid; }
  figure.scale, .gap, ol.sources li { break-inside: avoid; page-break-inside: avoid; }
}
"""


def _lane_label(mark: TeamMark, cultures: dict[str, str]) -> str:
    return mark.member if mark.band is not None else f"{mark.member} ({cultures[mark.member]})"


def _scale_figure(scale: TeamScale, cultures: dict[str, str], number: int) -> str:
    slots = {name: slot for slot, name in enumerate(cultures)}
    marks = [
        LaneMark(
            _lane_label(mark, cultures),
            mark_letter(mark),
            mark.position,
            mark.band,
            slots[mark.member],
        )
        for mark in scale.marks
    ]
    drawing = lanes_svg(
        (scale.name, scale.low_pole, scale.high_pole, scale.minimum, scale.maximum),
        marks,
        f"scale-{number}",
        f"The team on {scale.name.lower()}",
    )
    missing = (
        f'<figcaption class="hint">Not on this scale (no position, no national score): '
        f"{escape(', '.join(scale.unplaced))}</figcaption>"
        if scale.unplaced
        else ""
    )
    return f'<figure class="scale">{drawing}{missing}</figure>'


def _gap_html(number: int, gap: TeamGap, cultures: dict[str, str]) -> str:
    lower, higher = gap.lower, gap.higher
    parts = [
        f'<section class="gap"><h3>{number}. {escape(gap.scale)}: {escape(lower.member)} and '
        f"{escape(higher.member)}, {gap.distance:g} points apart</h3>",
        f'<p class="meta">{escape(mark_value(lower, cultures[lower.member]))} · '
        f"{escape(mark_value(higher, cultures[higher.member]))}</p>",
        f"<p><strong>For {escape(lower.member)} working with {escape(higher.member)}:</strong> "
        f"{escape(gap.for_lower)}</p>",
        f"<p><strong>For {escape(higher.member)} working with {escape(lower.member)}:</strong> "
        f"{escape(gap.for_higher)}</p>",
    ]
    if gap.advice:
        parts.append("<p>Team advice from the knowledge base:</p><ul>")
        parts += [
            f'<li class="advice"><p><strong>{escape(item.title)}</strong> '
            f'<span class="hint">({escape(item.id)})</span></p><p>{escape(item.advice)}</p>'
            f'<p class="why">Why: {escape(item.why)}.</p></li>'
            for item in gap.advice
        ]
        parts.append("</ul>")
    parts.append(f'<p class="hint">Sources: {escape(", ".join(gap.sources))}</p></section>')
    return "\n".join(parts)


def scale_figures(team: TeamMap) -> list[str]:
    """The key and one drawing per practical scale, each in its figure (the workspace's team
    page shows them too)."""
    cultures = {member.name: member.culture for member in team.members}
    return [
        f'<figure class="scale">{lanes_legend_svg("legend", "Key to the drawings")}</figure>',
        *(_scale_figure(scale, cultures, n) for n, scale in enumerate(team.scales, 1)),
    ]


def gap_sections(team: TeamMap) -> list[str]:
    """Each of the widest gaps as a section: who, how far, what it means, the advice."""
    cultures = {member.name: member.culture for member in team.members}
    return [_gap_html(n, gap, cultures) for n, gap in enumerate(team.gaps, 1)]


def render_team_html(team: TeamMap) -> str:
    """The team map as one self-contained, printable HTML page."""
    members = "".join(
        f"<tr><td>{escape(m.mark)}</td><td>{escape(m.name)}</td><td>{escape(m.role)}</td>"
        f"<td>{escape(m.culture_name)} ({escape(m.culture)})</td>"
        f"<td>{escape(m.origin)}</td></tr>"
        for m in team.members
    )
    page = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(team.name)}: team map</title><style>{_CSS}</style></head><body>",
        f"<h1>{escape(team.name)}</h1>",
        f'<p class="meta">{escape(team.purpose)}</p>' if team.purpose else "",
        '<h2 id="members">Members</h2>',
        '<table class="members"><thead><tr><th scope="col">Mark</th><th scope="col">Name</th>'
        '<th scope="col">Role</th><th scope="col">Culture</th>'
        f'<th scope="col">Own positions</th></tr></thead><tbody>{members}</tbody></table>',
        '<h2 id="map">The team on every practical scale</h2>',
        *scale_figures(team),
        f'<h2 id="gaps">The {len(team.gaps)} widest gaps</h2>',
        *gap_sections(team),
        '<h2 id="sources">Sources</h2><ol class="sources">',
        *(
            f"<li>{escape(source.citation)}"
            + (
                f' <a href="{escape(link_address(source.url))}">{escape(source.url)}</a>'
                if source.url
                else ""
            )
            + "</li>"
            for source in team.sources
        ),
        "</ol>",
        f'<p class="hint">{escape(team.caveat)}</p>',
        "</body></html>",
    ]
    # Escaped text is still text: controls and direction overrides go before anyone sees it.
    return plain_text("\n".join(part for part in page if part) + "\n")


def render_team_pdf(team: TeamMap) -> bytes:
    """The team map's HTML page printed to PDF."""
    return html_to_pdf(render_team_html(team))


def render_team_markdown(team: TeamMap) -> str:
    cultures = {member.name: member.culture for member in team.members}
    lines = [f"# {markdown_inline(team.name)}", ""]
    if team.purpose:
        lines += [markdown_inline(team.purpose), ""]
    lines += ["## Members", ""]
    lines += [
        f"- **{m.mark}** {markdown_inline(m.name)}"
        + (f", {markdown_inline(m.role)}" if m.role else "")
        + f"; {markdown_inline(m.culture_name)} ({m.culture}); own positions: "
        + markdown_inline(m.origin)
        for m in team.members
    ]
    lines += ["", "## The team on every practical scale", "", "```text"]
    for scale in team.scales:
        ordered = sorted(scale.marks, key=lambda mark: mark.position)
        lines += [
            f"{scale.name}: {scale.low_pole} -> {scale.high_pole}",
            f"  {track(scale)}",
            "  " + "   ".join(mark_value(mark, cultures[mark.member]) for mark in ordered),
            "",
        ]
    lines[-1] = "```"
    lines += ["", f"## The {len(team.gaps)} widest gaps", ""]
    for number, gap in enumerate(team.gaps, 1):
        lower, higher = gap.lower, gap.higher
        lines += [
            f"### {number}. {markdown_inline(gap.scale)}: {markdown_inline(lower.member)} and "
            f"{markdown_inline(higher.member)}, {gap.distance:g} points apart",
            "",
            f"**For {markdown_inline(lower.member)} working with "
            f"{markdown_inline(higher.member)}:** {markdown_inline(gap.for_lower)}",
            "",
            f"**For {markdown_inline(higher.member)} working with "
            f"{markdown_inline(lower.member)}:** {markdown_inline(gap.for_higher)}",
            "",
        ]
        for item in gap.advice:
            lines += [
                f"- **{markdown_inline(item.title)}** ({item.id}): {markdown_inline(item.advice)}"
                f" *Why:* {markdown_inline(item.why)}.",
            ]
        lines += ["", f"Sources: {', '.join(gap.sources)}", ""]
    lines += ["## Sources", ""]
    lines += [f"1. {markdown_inline(source.citation)}" for source in team.sources]
    lines += ["", markdown_inline(team.caveat)]
    return plain_text("\n".join(lines) + "\n")
