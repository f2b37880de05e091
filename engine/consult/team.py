"""``compass team FILE``: every member of a team on every practical scale at once, and the
widest gaps between two members with the advice that follows.

A member stands on a scale where they are placed (their profile file or positions in the team
file, self-assessed); elsewhere their culture's national score stands for them, labelled as
such, because it describes most of their compatriots, not them. The widest gaps are taken one
per scale (its two members furthest apart), so two gaps never repeat one scale's advice.

The advice for a gap comes from the knowledge base in two ways: the scale's own texts for
working toward each pole (``toward_low``/``toward_high`` in the dimension), and the team advice
that a rule gives on the strength of that scale (:mod:`.team_advice`).
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import combinations
from typing import Any

from ..explain.citations import reference
from ..load.personal_profiles import practical_scales
from ..schemas.base import Frozen
from ..schemas.kb import Dimension
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.profiles import PRACTICAL_FRAMEWORK, PositionBasis
from ..schemas.report import SourceReference
from .compare import CultureComparison, DimensionComparison, gap_meaning
from .team_advice import team_advice_index
from .team_file import ReadTeam

DEFAULT_GAPS = 2
_ADVICE_PER_GAP = 3  # the items resting most directly on the scale; more would bury the gap


class TeamMark(Frozen):
    """One member on one scale."""

    member: str
    mark: str  # one letter the charts use for this member
    position: float
    band: float | None  # how far either way they may really stand; None for a national score
    basis: PositionBasis
    estimated: bool = False  # a national score the KB estimated rather than took from a source


class TeamScale(Frozen):
    dimension: str
    name: str
    low_pole: str
    high_pole: str
    minimum: float
    maximum: float
    marks: tuple[TeamMark, ...]
    unplaced: tuple[str, ...] = ()  # members neither placed nor with a national score here
    framework: str = PRACTICAL_FRAMEWORK


class TeamMember(Frozen):
    name: str
    mark: str
    role: str
    culture: str
    culture_name: str
    placed_on: tuple[str, ...]  # scales where their own position stands for them
    origin: str  # where their own positions come from, in words


class TeamAdvice(Frozen):
    id: str
    title: str
    advice: str
    why: str
    sources: tuple[str, ...]


class TeamGap(Frozen):
    dimension: str
    scale: str
    low_pole: str
    high_pole: str
    lower: TeamMark
    higher: TeamMark
    distance: float
    for_lower: str  # what the gap means for the member nearer the low pole
    for_higher: str
    advice: tuple[TeamAdvice, ...]
    sources: tuple[str, ...]


class TeamMap(Frozen):
    name: str
    purpose: str
    file: str
    members: tuple[TeamMember, ...]
    scales: tuple[TeamScale, ...]
    gaps: tuple[TeamGap, ...]
    sources: tuple[SourceReference, ...]
    caveat: str


def team_map(read: ReadTeam, knowledge_base: KnowledgeBase, top: int = DEFAULT_GAPS) -> TeamMap:
    """The map of a team read by :func:`~engine.consult.team_file.read_team_file`: every
    member on every practical scale, and the ``top`` widest gaps (one per scale) with advice."""
    team = read.team
    marks = member_marks([member.name for member in team.members])
    members = tuple(
        TeamMember(
            name=member.name,
            mark=marks[member.name],
            role=member.role,
            culture=member.culture,
            culture_name=_culture_name(member.culture, knowledge_base),
            placed_on=tuple(member.positions),
            origin=_origin(member.profile, read.from_profile[index], member.positions),
        )
        for index, member in enumerate(team.members)
    )
    scales = tuple(
        _scale(dimension_id, dimension, read, marks, knowledge_base)
        for dimension_id, dimension in _practical(knowledge_base)
    )
    advice_by_scale = team_advice_index(knowledge_base)
    gaps = _widest(scales, top)
    dimensions = dict(_practical(knowledge_base))
    with_advice = tuple(
        _explained(gap, dimensions[gap[0].dimension], advice_by_scale, knowledge_base)
        for gap in gaps
    )
    cited = [*(s for gap in with_advice for s in gap.sources)]
    cited += [s for _id, dimension in _practical(knowledge_base) for s in dimension.sources]
    sources = tuple(
        reference(source, knowledge_base)
        for source in dict.fromkeys(cited)
        if source in knowledge_base.sources
    )
    return TeamMap(
        name=team.name,
        purpose=team.purpose,
        file=read.display_path,
        members=members,
        scales=scales,
        gaps=with_advice,
        sources=sources,
        caveat="A national score describes most of a member's compatriots, not the member: "
        "where the map shows one, a profile (`compass profile`) would place them. Self-assessed "
        "positions carry a band; a gap narrower than the two bands together may not be real.",
    )


def _practical(knowledge_base: KnowledgeBase) -> Iterator[tuple[str, Dimension]]:
    for dimension_id in practical_scales(knowledge_base):
        yield dimension_id, knowledge_base.dimensions[dimension_id].value


def _culture_name(code: str, knowledge_base: KnowledgeBase) -> str:
    profile = knowledge_base.cultures.get(code)
    return profile.value.name if profile is not None else code


def _origin(profile: str | None, from_profile: frozenset[str], written: dict[str, Any]) -> str:
    parts = []
    if profile is not None and from_profile:
        parts.append(f"profile {profile}")
    if len(written) > len(from_profile):
        parts.append("positions in the team file")
    return ", ".join(parts) or "none, their culture's national scores stand for them"


def member_marks(names: list[str]) -> dict[str, str]:
    """One letter per member, from their name where it is free: a chart line has one cell per
    place, so a mark must be one character to keep every line the same width."""
    taken: set[str] = set()
    marks: dict[str, str] = {}
    spare = iter("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    for name in names:
        letters = [c.upper() for c in name if c.isascii() and c.isalpha()]
        mark = next((c for c in letters if c not in taken), None)
        while mark is None or mark in taken:
            mark = next(spare)
        taken.add(mark)
        marks[name] = mark
    return marks


def _scale(
    dimension_id: str,
    dimension: Dimension,
    read: ReadTeam,
    marks: dict[str, str],
    knowledge_base: KnowledgeBase,
) -> TeamScale:
    placed: list[TeamMark] = []
    unplaced: list[str] = []
    for member in read.team.members:
        own = member.positions.get(dimension_id)
        culture = knowledge_base.cultures.get(member.culture)
        score = culture.value.scores.get(dimension_id) if culture is not None else None
        if own is not None:
            placed.append(
                TeamMark(
                    member=member.name,
                    mark=marks[member.name],
                    position=own.position,
                    band=own.band,
                    basis=PositionBasis.self_assessed,
                )
            )
        elif score is not None and score.value is not None:
            placed.append(
                TeamMark(
                    member=member.name,
                    mark=marks[member.name],
                    position=score.value,
                    band=None,
                    basis=PositionBasis.national,
                    estimated=score.estimated,
                )
            )
        else:
            unplaced.append(member.name)
    return TeamScale(
        dimension=dimension_id,
        name=dimension.name,
        low_pole=dimension.low_pole,
        high_pole=dimension.high_pole,
        minimum=dimension.minimum,
        maximum=dimension.maximum,
        marks=tuple(placed),
        unplaced=tuple(unplaced),
    )


def _widest(scales: tuple[TeamScale, ...], top: int) -> list[tuple[TeamScale, TeamMark, TeamMark]]:
    """Each scale's widest pair (the first listed members on a tie), the widest ``top`` of them;
    scales keep the KB's order on a tie, so the same team always gives the same gaps."""
    per_scale = []
    for order, scale in enumerate(scales):
        pairs = [
            (abs(first.position - second.position), first, second)
            for first, second in combinations(scale.marks, 2)
        ]
        if not pairs:
            continue
        distance, first, second = max(pairs, key=lambda pair: pair[0])
        if distance > 0:
            lower, higher = sorted((first, second), key=lambda mark: mark.position)
            per_scale.append((-distance, order, scale, lower, higher))
    per_scale.sort(key=lambda entry: (entry[0], entry[1]))
    return [(scale, lower, higher) for _d, _o, scale, lower, higher in per_scale[:top]]


def _explained(
    gap: tuple[TeamScale, TeamMark, TeamMark],
    dimension: Dimension,
    advice_by_scale: dict[str, list[tuple[str, str, tuple[str, ...]]]],
    knowledge_base: KnowledgeBase,
) -> TeamGap:
    scale, lower, higher = gap
    advice = []
    for advice_id, why, rule_sources in advice_by_scale.get(scale.dimension, [])[:_ADVICE_PER_GAP]:
        item = knowledge_base.advice[advice_id].value
        sources = tuple(dict.fromkeys((*item.sources, *rule_sources)))
        advice.append(
            TeamAdvice(id=advice_id, title=item.title, advice=item.advice, why=why, sources=sources)
        )
    cited = (*dimension.sources, *(s for item in advice for s in item.sources))
    return TeamGap(
        dimension=scale.dimension,
        scale=scale.name,
        low_pole=scale.low_pole,
        high_pole=scale.high_pole,
        lower=lower,
        higher=higher,
        distance=round(higher.position - lower.position, 2),
        for_lower=gap_meaning(dimension, mine=lower.position, theirs=higher.position, clear=True),
        for_higher=gap_meaning(dimension, mine=higher.position, theirs=lower.position, clear=True),
        advice=tuple(advice),
        sources=tuple(dict.fromkeys(cited)),
    )


def countries_on_scales(comparisons: list[CultureComparison]) -> tuple[TeamScale, ...]:
    """The countries of ``compare A B C ...`` (the first beside each other) as marks on every
    dimension any pair scores, in the KB's order: one chart per scale with all of them."""
    first = comparisons[0]
    codes = [first.a, *(comparison.b for comparison in comparisons)]
    marks = member_marks(codes)
    rows: dict[str, tuple[DimensionComparison, dict[str, DimensionComparison]]] = {}
    for comparison in comparisons:
        for row in comparison.dimensions:
            rows.setdefault(row.dimension, (row, {}))[1][comparison.b] = row
    scales = []
    for sample, by_country in rows.values():
        placed = [
            TeamMark(
                member=first.a,
                mark=marks[first.a],
                position=sample.a,
                band=None,
                basis=PositionBasis.national,
                estimated=sample.estimated,
            )
        ]
        placed += [
            TeamMark(
                member=code,
                mark=marks[code],
                position=found.b,
                band=None,
                basis=PositionBasis.national,
                estimated=found.estimated,
            )
            for code in codes[1:]
            if (found := by_country.get(code)) is not None
        ]
        scales.append(
            TeamScale(
                dimension=sample.dimension,
                name=sample.name,
                low_pole=sample.low_pole,
                high_pole=sample.high_pole,
                minimum=sample.minimum,
                maximum=sample.maximum,
                marks=tuple(placed),
                unplaced=tuple(code for code in codes[1:] if code not in by_country),
                framework=sample.framework,
            )
        )
    return tuple(scales)
