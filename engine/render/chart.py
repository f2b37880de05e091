"""The comparison chart of a client report, written as SVG by hand.

Each dimension is drawn on its own published scale (Hofstede's run from 0 to 120, the Culture
Map's from 0 to 100), with both poles named, and each country as a marker on it: a filled
marker for a measured score, a hollow one for the knowledge base's estimate. All words are
``<text>`` elements, so screen readers read them and a reader can copy them. One chart per
framework keeps each block short enough to print without leaving half a page empty.

A few dozen lines of our own instead of a plotting library: a plain install stays small.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

from ..consult.compare import CultureComparison, DimensionComparison

CHART_FRAMEWORKS = ("Hofstede 6-D", "The Culture Map (Meyer)")

_WIDTH = 720
_LEFT, _RIGHT = 14, 706  # the track's ends: the scale's minimum and maximum
_ROW = 92
_TOP = 58  # room for the title and the legend
_FIRST_COLOUR, _SECOND_COLOUR = "#1f5f8b", "#b86e12"
_TEXT, _MUTED = "#1d1d1d", "#555"


def _number(value: float) -> str:
    return f"{value:g}"


def _x(row: DimensionComparison, value: float) -> float:
    span = row.maximum - row.minimum or 1
    share = min(max((value - row.minimum) / span, 0.0), 1.0)
    return round(_LEFT + share * (_RIGHT - _LEFT), 1)


def _anchor(x: float) -> str:
    """Labels near an end of the track grow inward, so none runs past the chart's edge."""
    if x < _LEFT + 40:
        return "start"
    if x > _RIGHT - 40:
        return "end"
    return "middle"


def _text(
    x: float, y: float, words: str, *, size: int = 12, anchor: str = "start", **style: str
) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{value}"' for name, value in style.items())
    return (
        f'<text x="{x}" y="{y}" font-size="{size}" text-anchor="{anchor}"{extra}>'
        f"{escape(words)}</text>"
    )


def _marker(x: float, y: float, colour: str, *, first: bool, estimated: bool) -> str:
    """A circle for the first country, a diamond for the second: told apart without colour."""
    fill = "white" if estimated else colour
    paint = f'fill="{fill}" stroke="{colour}" stroke-width="2"'
    if first:
        return f'<circle cx="{x}" cy="{y}" r="6" {paint}/>'
    points = f"{x},{y - 7} {x + 7},{y} {x},{y + 7} {x - 7},{y}"
    return f'<polygon points="{points}" {paint}/>'


def _row(row: DimensionComparison, top: int, comparison: CultureComparison) -> Iterator[str]:
    track = top + 36
    scale = f"scale {_number(row.minimum)} to {_number(row.maximum)}"
    note = f"{scale}, estimated" if row.estimated else scale
    yield _text(_LEFT, top + 14, row.name, size=13, font_weight="bold", fill=_TEXT)
    yield _text(_RIGHT, top + 14, note, size=11, anchor="end", fill=_MUTED)
    dashes = ' stroke-dasharray="6 4"' if row.estimated else ""
    yield (
        f'<line x1="{_LEFT}" y1="{track}" x2="{_RIGHT}" y2="{track}" stroke="#9aa5ad" '
        f'stroke-width="3"{dashes}/>'
    )
    for end in (_LEFT, _RIGHT):
        yield f'<line x1="{end}" y1="{track - 6}" x2="{end}" y2="{track + 6}" stroke="#9aa5ad"/>'
    first_x, second_x = _x(row, row.a), _x(row, row.b)
    yield _marker(first_x, track, _FIRST_COLOUR, first=True, estimated=row.estimated)
    yield _marker(second_x, track, _SECOND_COLOUR, first=False, estimated=row.estimated)
    yield _text(
        first_x, track - 11, f"{comparison.a} {_number(row.a)}", size=11,
        anchor=_anchor(first_x), fill=_FIRST_COLOUR,
    )  # fmt: skip
    yield _text(
        second_x, track + 21, f"{comparison.b} {_number(row.b)}", size=11,
        anchor=_anchor(second_x), fill=_SECOND_COLOUR,
    )  # fmt: skip
    poles = track + 36
    yield _text(_LEFT, poles, f"{_number(row.minimum)}: {row.low_pole}", size=11, fill=_MUTED)
    yield _text(
        _RIGHT, poles, f"{row.high_pole}: {_number(row.maximum)}", size=11, anchor="end",
        fill=_MUTED,
    )  # fmt: skip


def _legend(comparison: CultureComparison, top: int) -> Iterator[str]:
    yield _marker(_LEFT + 6, top, _FIRST_COLOUR, first=True, estimated=False)
    yield _text(_LEFT + 18, top + 4, comparison.a_name, size=12, fill=_TEXT)
    second = _LEFT + 40 + 7.2 * len(comparison.a_name)
    yield _marker(second, top, _SECOND_COLOUR, first=False, estimated=False)
    yield _text(second + 12, top + 4, comparison.b_name, size=12, fill=_TEXT)
    yield _text(
        _RIGHT, top + 4, "hollow marker, dashed line: estimated score", size=11, anchor="end",
        fill=_MUTED,
    )  # fmt: skip


def chart_rows(comparison: CultureComparison, framework: str) -> list[DimensionComparison]:
    """The dimensions of one framework that both countries have scores on."""
    return [row for row in comparison.dimensions if row.framework == framework]


def _describe(row: DimensionComparison, comparison: CultureComparison) -> str:
    return (
        f"{row.name} ({row.low_pole} {_number(row.minimum)} to {row.high_pole} "
        f"{_number(row.maximum)}): {comparison.a_name} {_number(row.a)}, "
        f"{comparison.b_name} {_number(row.b)}{', estimated' if row.estimated else ''}"
    )


def _svg(height: int, chart_id: str, title: str, description: str, body: list[str]) -> str:
    return "\n".join(
        [
            f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_WIDTH} {height}" '
            f'width="{_WIDTH}" height="{height}" role="img" '
            f'aria-labelledby="{chart_id}-title {chart_id}-description" '
            'font-family="Helvetica, Arial, sans-serif">',
            f'<title id="{chart_id}-title">{escape(title)}</title>',
            f'<desc id="{chart_id}-description">{escape(description)}.</desc>',
            *body,
            "</svg>",
        ]
    )


def _heading(comparison: CultureComparison, framework: str) -> list[str]:
    return [
        _text(_LEFT, 18, framework, size=15, font_weight="bold", fill=_TEXT),
        *_legend(comparison, 40),
    ]


def chart_svg(comparison: CultureComparison, framework: str, chart_id: str = "chart") -> str:
    """One framework's dimensions as one accessible SVG; empty when neither country has any."""
    rows = chart_rows(comparison, framework)
    if not rows:
        return ""
    title = f"{comparison.a_name} and {comparison.b_name} on the scales of {framework}"
    description = "; ".join(_describe(row, comparison) for row in rows)
    body = _heading(comparison, framework)
    for position, row in enumerate(rows):
        body += _row(row, _TOP + _ROW * position, comparison)
    return _svg(_TOP + _ROW * len(rows), chart_id, title, description, body)


def chart_pieces(comparison: CultureComparison, framework: str, chart_id: str) -> list[str]:
    """The same chart as a heading SVG and one SVG per scale, for a printed page to break
    between scales rather than leave half a page empty before a chart too tall to fit."""
    rows = chart_rows(comparison, framework)
    if not rows:
        return []
    heading = _svg(
        _TOP - 8,
        f"{chart_id}-heading",
        f"{comparison.a_name} and {comparison.b_name} on the scales of {framework}",
        f"legend: {comparison.a_name} as a circle, {comparison.b_name} as a diamond; a hollow "
        "marker on a dashed line is an estimated score",
        _heading(comparison, framework),
    )
    return [
        heading,
        *(
            _svg(
                _ROW,
                f"{chart_id}-{position}",
                f"{row.name}: {comparison.a_name} and {comparison.b_name}",
                _describe(row, comparison),
                list(_row(row, 0, comparison)),
            )
            for position, row in enumerate(rows, 1)
        ),
    ]


def charted_frameworks(comparison: CultureComparison) -> list[str]:
    """Hofstede's and the Culture Map's frameworks where the comparison has them, or, for a
    knowledge base that has neither, each of its own."""
    present = list(dict.fromkeys(row.framework for row in comparison.dimensions))
    return [framework for framework in CHART_FRAMEWORKS if framework in present] or present


def chart_svgs(comparison: CultureComparison) -> list[tuple[str, str]]:
    """(framework, SVG) for every charted framework with dimensions to show."""
    return [
        (framework, chart_svg(comparison, framework, f"chart-{position}"))
        for position, framework in enumerate(charted_frameworks(comparison), 1)
    ]


# --- Several people or countries on one scale (team maps, compare with three or more) --------

_LANE = 20  # one lane per member, so no two labels ever overlap however close the positions
_LANE_LEFT = 190  # the names' column; the track starts after it
_PALETTE = ("#1f5f8b", "#b86e12", "#2e7d32", "#8e3b8e", "#a12a2a", "#00796b", "#5d4037", "#455a64")


@dataclass(frozen=True, slots=True)
class LaneMark:
    """One member (or country) on a scale: ``band`` None for a national score, drawn hollow."""

    label: str
    letter: str
    value: float
    band: float | None
    slot: int | None = None  # who this is in the whole team, so they keep one colour throughout


def _lane_x(value: float, minimum: float, maximum: float) -> float:
    share = min(max((value - minimum) / ((maximum - minimum) or 1), 0.0), 1.0)
    return round(_LANE_LEFT + share * (_RIGHT - _LANE_LEFT), 1)


def lanes_svg(
    scale: tuple[str, str, str, float, float],
    marks: list[LaneMark],
    chart_id: str,
    title: str,
) -> str:
    """One scale (name, low pole, high pole, minimum, maximum) with every member on a lane of
    their own: a filled dot with its band for a member's own position, a hollow dot for a
    national score standing in for them; both poles named under the track."""
    name, low_pole, high_pole, minimum, maximum = scale
    top = 30
    height = top + _LANE * len(marks) + 34
    body = [_text(_LEFT, 16, name, size=13, font_weight="bold", fill=_TEXT)]
    scale_note = f"scale {_number(minimum)} to {_number(maximum)}"
    body.append(_text(_RIGHT, 16, scale_note, size=11, anchor="end", fill=_MUTED))
    bottom = top + _LANE * len(marks)
    for end in (_LANE_LEFT, _RIGHT):
        body.append(f'<line x1="{end}" y1="{top - 6}" x2="{end}" y2="{bottom}" stroke="#9aa5ad"/>')
    described = []
    for lane, mark in enumerate(marks):
        colour = _PALETTE[(lane if mark.slot is None else mark.slot) % len(_PALETTE)]
        y = top + _LANE * lane + _LANE // 2
        x = _lane_x(mark.value, minimum, maximum)
        body.append(f'<line x1="{_LANE_LEFT}" y1="{y}" x2="{_RIGHT}" y2="{y}" stroke="#e1e5e8"/>')
        body.append(_text(_LEFT, y + 4, f"{mark.letter}  {mark.label}", size=11, fill=colour))
        if mark.band is not None:
            low = _lane_x(mark.value - mark.band, minimum, maximum)
            high = _lane_x(mark.value + mark.band, minimum, maximum)
            body.append(
                f'<line x1="{low}" y1="{y}" x2="{high}" y2="{y}" stroke="{colour}" '
                'stroke-width="4" stroke-opacity="0.35"/>'
            )
        fill = colour if mark.band is not None else "white"
        body.append(
            f'<circle cx="{x}" cy="{y}" r="6" fill="{fill}" stroke="{colour}" stroke-width="2"/>'
        )
        value = f"{_number(mark.value)}" + (f" ±{_number(mark.band)}" if mark.band else "")
        beside = x + 10 if x < _RIGHT - 60 else x - 10
        side = "start" if beside > x else "end"
        body.append(_text(beside, y + 4, value, size=10, anchor=side, fill=_MUTED))
        how = (
            f"{_number(mark.value)} ±{_number(mark.band)}"
            if mark.band is not None
            else f"{_number(mark.value)} (national score)"
        )
        described.append(f"{mark.label} {how}")
    poles = bottom + 18
    body.append(_text(_LANE_LEFT, poles, f"{_number(minimum)}: {low_pole}", size=11, fill=_MUTED))
    high_end = f"{high_pole}: {_number(maximum)}"
    body.append(_text(_RIGHT, poles, high_end, size=11, anchor="end", fill=_MUTED))
    description = f"{name} ({low_pole} {_number(minimum)} to {high_pole} {_number(maximum)}): "
    return _svg(height, chart_id, title, description + "; ".join(described), body)


def lanes_legend_svg(chart_id: str, title: str) -> str:
    """The key shared by every scale's drawing of a map."""
    body = [
        f'<circle cx="{_LEFT + 6}" cy="14" r="6" fill="{_PALETTE[0]}" stroke="{_PALETTE[0]}" '
        'stroke-width="2"/>',
        _text(_LEFT + 18, 18, "own position, with its band", size=12, fill=_TEXT),
        f'<circle cx="{_LEFT + 236}" cy="14" r="6" fill="white" stroke="{_PALETTE[0]}" '
        'stroke-width="2"/>',
        _text(_LEFT + 248, 18, "national score standing in for the person", size=12, fill=_TEXT),
    ]
    return _svg(
        28,
        chart_id,
        title,
        "legend: a filled dot with a band is a person's own position; a hollow dot is their "
        "culture's national score",
        body,
    )
