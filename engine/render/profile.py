"""Text for ``compass profile``: where the person landed on each scale, drawn as a bar with the
band around the position, so a wide band is seen as wide rather than read past."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .safe_text import one_line, plain_text

if TYPE_CHECKING:
    from ..consult.profile import ProfileResult

_STEP = 5.0
"""Points per cell of the bar: 21 cells mark 0, 5, ... 100."""
WIDE_BAND = 25.0
"""From this band on (a quarter of the scale either way), the summary says the place is rough."""


def band_bar(position: float, band: float) -> str:
    """The scale in 21 cells, one each 5 points: ``●`` the position, ``━`` the band (as many
    cells either side, so a band looks as even as it is), ``·`` the rest."""
    cells = int(100 / _STEP) + 1
    here, reach = int(position / _STEP + 0.5), int(band / _STEP + 0.5)
    return "".join(
        "●" if cell == here else "━" if abs(cell - here) <= reach else "·" for cell in range(cells)
    )


def render_profile_text(result: ProfileResult) -> str:
    """The summary ``compass profile`` prints; the person's name and the KB's words are
    printed as plain text, on one line each."""
    profile = result.profile
    who = one_line(profile.name) or "You"
    culture = f" ({profile.culture})" if profile.culture else ""
    lines = [
        f"{one_line(result.title)}: {who}{culture}, {profile.assessed_on or ''}".rstrip(", "),
        f"How sure of the answers: {one_line(result.sureness_label)}.",
        "Each bar runs from the scale's first pole (0) to its second (100): ● is where the",
        "answers place you, ━ the band you may really stand anywhere within.",
        "",
    ]
    for scale in result.scales:
        answered = f"{scale.answered} of {scale.items} answered"
        rough = "; a rough place" if scale.band >= WIDE_BAND else ""
        lines += [
            f"  {one_line(scale.name)}: {one_line(scale.low_pole)} -> {one_line(scale.high_pole)}",
            f"    {band_bar(scale.position, scale.band)} {scale.position:g} "
            f"(give or take {scale.band:g}; {answered}{rough})",
            "",
        ]
    lines += [
        "A self-assessment says how you see your own way of working; colleagues may see it",
        "differently. It is not a measure of ability.",
    ]
    return plain_text("\n".join(lines) + "\n")
