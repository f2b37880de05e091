"""``compass team`` for people: the team's map in the terminal (one line per practical scale,
each member a letter on it) and the widest gaps with the advice that follows."""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from ..consult.team import countries_on_scales
from .consulting import render_culture_comparison_text
from .safe_text import one_line, plain_text

if TYPE_CHECKING:
    from ..consult.compare import CultureComparison
    from ..consult.team import TeamGap, TeamMap, TeamMark, TeamScale

WIDTH = 88
TRACK_CELLS = 51  # 0, 2, 4 ... 100 on a 0-100 scale: one cell per two points
_CROWDED = "*"


def mark_letter(mark: TeamMark) -> str:
    """The member's letter: capital where their own position stands, lower case where their
    culture's national score stands for them."""
    return mark.mark if mark.band is not None else mark.mark.lower()


def _cell(scale: TeamScale, value: float) -> int:
    span = scale.maximum - scale.minimum or 1
    share = min(max((value - scale.minimum) / span, 0.0), 1.0)
    return round(share * (TRACK_CELLS - 1))


def track(scale: TeamScale, *, people: bool = True) -> str:
    """One scale as a line of cells, each member's letter in the cell of their position (for
    countries, not ``people``, every letter is a capital: all of them are national scores)."""
    cells = ["-"] * TRACK_CELLS
    for mark in scale.marks:
        cell = _cell(scale, mark.position)
        letter = mark_letter(mark) if people else mark.mark
        cells[cell] = letter if cells[cell] == "-" else _CROWDED
    return "|" + "".join(cells) + "|"


def mark_value(mark: TeamMark, culture: str) -> str:
    """A member's value as the map lists it: own positions with their band, national scores
    with the country whose score it is."""
    if mark.band is not None:
        return f"{mark_letter(mark)} {mark.position:g} ±{mark.band:g}"
    estimated = ", estimated" if mark.estimated else ""
    return f"{mark_letter(mark)} {mark.position:g} ({culture} national{estimated})"


def _wrapped(text: str, indent: str, following: str | None = None) -> list[str]:
    return textwrap.wrap(
        one_line(text),
        WIDTH,
        initial_indent=indent,
        subsequent_indent=indent if following is None else following,
        break_on_hyphens=False,
    )


def _value_lines(values: list[str]) -> list[str]:
    """The values under a scale's line, three spaces apart, none split across lines."""
    lines: list[str] = []
    line = ""
    for value in values:
        if line and len(line) + 3 + len(value) > WIDTH:
            lines.append(line)
            line = ""
        line = f"{line}   {value}" if line else f"  {value}"
    return [*lines, line]


def _scale_lines(scale: TeamScale, cultures: dict[str, str]) -> list[str]:
    heading = (
        f"{scale.name}: {scale.low_pole} ({scale.minimum:g}) -> "
        f"{scale.high_pole} ({scale.maximum:g})"
    )
    ordered = sorted(scale.marks, key=lambda mark: mark.position)
    lines = [heading, f"  {track(scale)}"]
    lines += _value_lines([mark_value(mark, cultures[mark.member]) for mark in ordered])
    if scale.unplaced:
        lines += _wrapped("not on this scale (no position, no national score): "
                          + ", ".join(scale.unplaced), "  ")  # fmt: skip
    return [*lines, ""]


def _member_of(gap_mark: TeamMark, cultures: dict[str, str]) -> str:
    if gap_mark.band is not None:
        how = f"{gap_mark.position:g} ±{gap_mark.band:g}, self-assessed"
    else:
        how = f"{gap_mark.position:g}, {cultures[gap_mark.member]} national score"
    return f"{gap_mark.member} ({how})"


def _gap_lines(number: int, gap: TeamGap, cultures: dict[str, str]) -> list[str]:
    lower, higher = gap.lower, gap.higher
    lines = _wrapped(
        f"{number}. {gap.scale}: {_member_of(lower, cultures)} and "
        f"{_member_of(higher, cultures)}, {gap.distance:g} points apart",
        "",
        "   ",
    )
    lines += _wrapped(f"For {lower.member} working with {higher.member}: {gap.for_lower}", "   ")
    lines += _wrapped(f"For {higher.member} working with {lower.member}: {gap.for_higher}", "   ")
    if gap.advice:
        lines.append("   Team advice from the knowledge base:")
        for item in gap.advice:
            lines += _wrapped(f"- {item.title} [{item.id}]", "   ", "     ")
            lines += _wrapped(item.advice, "     ")
            lines += _wrapped(f"Why: {item.why}.", "     ")
    lines += _wrapped("Sources: " + ", ".join(gap.sources), "   ")
    return [*lines, ""]


def render_team_text(team: TeamMap) -> str:
    cultures = {member.name: member.culture for member in team.members}
    lines = [one_line(f"{team.name}: {len(team.members)} members on the practical scales")]
    if team.purpose:
        lines += _wrapped(f"Purpose: {team.purpose}", "")
    lines += ["", "Members"]
    for member in team.members:
        role = f", {member.role}" if member.role else ""
        lines += _wrapped(
            f"{member.mark}  {member.name}{role}; {member.culture_name} ({member.culture}); "
            f"own positions: {member.origin}",
            "  ",
            "     ",
        )
    lines += [
        *_wrapped(
            "A capital letter is the member's own position (self-assessed, ± its band); a "
            "lower-case letter is their culture's national score, which stands for them where "
            f"they have no position of their own. '{_CROWDED}': several members in one place.",
            "",
        ),
        "",
    ]
    for scale in team.scales:
        lines += _scale_lines(scale, cultures)
    if team.gaps:
        lines += [f"The {len(team.gaps)} widest gaps (the widest pair on each scale)", ""]
        for number, gap in enumerate(team.gaps, 1):
            lines += _gap_lines(number, gap, cultures)
    else:
        lines += ["No two members are apart on any scale.", ""]
    if team.sources:
        lines.append("Sources")
        for source in team.sources:
            lines += _wrapped(f"[{source.id}] {source.citation}", "  ", "    ")
        lines.append("")
    lines += _wrapped(team.caveat, "")
    return plain_text("\n".join(lines) + "\n")


def render_several_countries_text(comparisons: list[CultureComparison]) -> str:
    """``compass compare A B C ...``: every country on one line per scale, then each country
    beside the first as ``compare A B`` shows a pair."""
    first = comparisons[0]
    names = {first.a: first.a_name, **{c.b: c.b_name for c in comparisons}}
    scales = countries_on_scales(comparisons)
    marks = {mark.member: mark.mark for scale in scales for mark in scale.marks}
    lines = [*_wrapped(", ".join(f"{name} ({code})" for code, name in names.items()), ""), ""]
    lines += [*dict.fromkeys(r for c in comparisons for r in c.readings)]
    lines += _wrapped(
        "Marks: "
        + ", ".join(f"{marks.get(code, '?')} {code}" for code in names)
        + f"; '{_CROWDED}': several countries in one place.",
        "",
    )
    lines.append("")
    framework = ""
    for scale in scales:
        if scale.framework != framework:
            framework = scale.framework
            lines += [framework, ""]
        estimated = " (estimated)" if any(mark.estimated for mark in scale.marks) else ""
        lines += [
            f"{scale.name}{estimated}: {scale.low_pole} -> {scale.high_pole}",
            f"  {track(scale, people=False)}",
        ]
        ordered = sorted(scale.marks, key=lambda mark: mark.position)
        lines += _value_lines([f"{mark.mark} {mark.member} {mark.position:g}" for mark in ordered])
        if scale.unplaced:
            lines.append("  no score: " + ", ".join(scale.unplaced))
        lines.append("")
    text = plain_text("\n".join(lines) + "\n")
    for comparison in comparisons:
        text += "\n" + "=" * 20 + "\n\n" + render_culture_comparison_text(comparison)
    return text
