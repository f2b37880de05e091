"""Text for consultants' other commands: two cultures side by side, the list of countries, and
a batch's summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .safe_text import plain_text

if TYPE_CHECKING:
    from ..consult.batch import BatchSummary
    from ..consult.compare import CountrySummary, CultureComparison


def _bar(value: float, minimum: float, maximum: float, width: int = 20) -> str:
    filled = round((value - minimum) / (maximum - minimum) * width) if maximum > minimum else 0
    filled = max(0, min(width, filled))
    return "█" * filled + "·" * (width - filled)


def render_culture_comparison_text(comparison: CultureComparison) -> str:
    lines = [f"{comparison.a_name} ({comparison.a}) and {comparison.b_name} ({comparison.b})", ""]
    if comparison.readings:
        lines += [*comparison.readings, ""]
    framework = ""
    for row in comparison.dimensions:
        if row.framework != framework:
            framework = row.framework
            lines += [f"{framework}", ""]
        scale = f"{row.low_pole} -> {row.high_pole}"
        mark = "  <- clear gap" if row.clear else ""
        estimate = " (estimated)" if row.estimated else ""
        lines += [
            f"  {row.name}{estimate}: {scale}",
            f"    {comparison.a:<3} {_bar(row.a, row.minimum, row.maximum)} {row.a:g}",
            f"    {comparison.b:<3} {_bar(row.b, row.minimum, row.maximum)} {row.b:g}"
            f"   gap {row.gap:+g}{mark}",
        ]
        if row.clear:
            lines += [
                f"    for {comparison.a} working with {comparison.b}: {row.for_a}",
                f"    for {comparison.b} working with {comparison.a}: {row.for_b}",
            ]
        lines.append("")
    if comparison.data_caveats:
        lines += ["What the data cannot show:", *(f"  - {c}" for c in comparison.data_caveats), ""]
    lines.append(comparison.caveat)
    return plain_text("\n".join(lines) + "\n")


# Beyond this many countries the list shows a mark per thin profile, not every caveat.
_CAVEATS_IN_FULL = 3


def render_countries_text(countries: list[CountrySummary]) -> str:
    lines = [
        f"{c.code}  {c.name:<32} {c.dimensions:>2} dimensions  "
        + ", ".join(f"{name} {count}" for name, count in c.frameworks.items())
        + (f"  ({c.estimated} estimated)" if c.estimated else "")
        + ("  [thin data]" if c.thin else "")
        for c in countries
    ]
    lines.append(f"{len(countries)} countries")
    if len(countries) <= _CAVEATS_IN_FULL:
        for country in countries:
            lines += [line for line in (country.reading, *country.caveats) if line]
    elif any(country.thin for country in countries):
        lines.append(
            "[thin data]: few of the country's Hofstede and GLOBE scores are measured; advice "
            "drawing on its profile carries lower certainty (`compass countries CODE` says more)."
        )
    return plain_text("\n".join(lines) + "\n")


def render_summary_text(summary: BatchSummary) -> str:
    lines = [f"{summary.ran} scenarios ran, {summary.failed} failed"]
    if summary.most_frequent_advice:
        lines.append(
            "most frequent advice: "
            + ", ".join(f"{advice} ({count})" for advice, count in summary.most_frequent_advice)
        )
    return plain_text("\n".join(lines) + "\n")
