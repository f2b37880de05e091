"""Text for ``compass profile``: where the person landed on each scale, drawn as a bar with the
band around the position, so a wide band is seen as wide rather than read past."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..consult.profile import ProfileResult

_CELLS = 20
WIDE_BAND = 25.0
"""From this band on (a quarter of the scale either way), the summary says the place is rough."""


def _cell(value: float) -> int:
    return max(0, min(_CELLS - 1, int(value / (100 / _CELLS))))


def band_bar(position: float, band: float) -> str:
    """The scale in 20 cells of 5 points: ``●`` the position, ``━`` the band, ``·`` the rest."""
    low, here, high = _cell(position - band), _cell(position), _cell(position + band)
    return "".join(
        "●" if cell == here else "━" if low <= cell <= high else "·" for cell in range(_CELLS)
    )


def render_profile_text(result: ProfileResult) -> str:
    profile = result.profile
    who = profile.name or "You"
    culture = f" ({profile.culture})" if profile.culture else ""
    lines = [
        f"{result.title}: {who}{culture}, {profile.assessed_on or ''}".rstrip(", "),
        f"How sure of the answers: {result.sureness_label}.",
        "Each bar runs from the scale's first pole (0) to its second (100): ● is where the",
        "answers place you, ━ the band you may really stand anywhere within.",
        "",
    ]
    for scale in result.scales:
        answered = f"{scale.answered} of {scale.items} answered"
        rough = "; a rough place" if scale.band >= WIDE_BAND else ""
        lines += [
            f"  {scale.name}: {scale.low_pole} -> {scale.high_pole}",
            f"    {band_bar(scale.position, scale.band)} {scale.position:g} "
            f"(give or take {scale.band:g}; {answered}{rough})",
            "",
        ]
    lines += [
        "A self-assessment says how you see your own way of working; colleagues may see it",
        "differently. It is not a measure of ability.",
    ]
    return "\n".join(lines) + "\n"
