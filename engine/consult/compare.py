"""``compass compare A B`` and ``compass countries``: the two cultures side by side.

For every dimension the KB has for both countries: each score, the gap, and what the gap means
in practice for A working with B and for B working with A, written from the dimension's poles.
Relative, not absolute: the same score means something different next to different partners.

Countries are read as people write them (:class:`~engine.schemas.countries.CountryResolver`),
and a profile with little data says so, in the words ``compass advise`` uses.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import InputError, Location, Problem
from ..explain.caveats import enough_measured, measured, profile_gaps
from ..schemas.base import Frozen
from ..schemas.countries import CountryMatch, UnknownCountryError
from ..schemas.kb import Dimension
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import Report

CLEAR_GAP = {"The Culture Map (Meyer)": 20.0, "GLOBE": 0.7}
_DEFAULT_CLEAR_GAP = 20.0


class DimensionComparison(Frozen):
    dimension: str
    name: str
    framework: str
    low_pole: str
    high_pole: str
    minimum: float
    maximum: float
    a: float
    b: float
    gap: float
    estimated: bool
    clear: bool
    for_a: str
    for_b: str


class CultureComparison(Frozen):
    a: str
    a_name: str
    b: str
    b_name: str
    dimensions: tuple[DimensionComparison, ...]
    only_a: tuple[str, ...]
    only_b: tuple[str, ...]
    caveat: str
    readings: tuple[str, ...] = ()  # how a name that needed interpreting was read
    data_caveats: tuple[str, ...] = ()  # what either profile is too thin to show


_NO_PROFILE_HINT = (
    "`compass countries` lists the countries it has; `compass advise` still runs without "
    "a profile, with fewer checks."
)


class CountrySummary(Frozen):
    code: str
    name: str
    dimensions: int
    frameworks: dict[str, int]
    estimated: int
    measured: int = 0  # Hofstede and GLOBE scores taken from the published tables
    thin: bool = False  # fewer measured scores than a well-measured profile has
    caveats: tuple[str, ...] = ()  # what the profile is too thin to show
    reading: str = ""  # how the query was read, when it needed interpreting


def _side(dimension: Dimension, score: float) -> str | None:
    """The pole whose half of the scale a score sits in; None exactly at the middle."""
    middle = (dimension.minimum + dimension.maximum) / 2
    if score > middle:
        return dimension.high_pole
    if score < middle:
        return dimension.low_pole
    return None


def gap_meaning(dimension: Dimension, *, mine: float, theirs: float, clear: bool) -> str:
    """What the gap means for someone at `mine` working with someone at `theirs`.

    The practice texts of a dimension describe its poles. When both scores sit in the same half
    of the scale, the other side is only less far along our own pole, not at the opposite one:
    a country slightly toward top-down decisions is not described as deciding by consensus
    because its partner is further toward top-down still.
    """
    if not clear:
        return f"close on {dimension.name.lower()}: little adjustment needed"
    higher = theirs > mine
    pole = dimension.high_pole if higher else dimension.low_pole
    shared = _side(dimension, theirs)
    if shared is not None and shared != pole and shared == _side(dimension, mine):
        return (
            f"they are less far toward '{shared}' than you, but on the same side of the scale. "
            "Expect the tendency you know from home in a milder form, not its opposite."
        )
    practice = dimension.toward_high if higher else dimension.toward_low
    return f"they are nearer '{pole}'. " + (practice or "Adjust to that.")


def compare_cultures(a: str, b: str, knowledge_base: KnowledgeBase) -> CultureComparison:
    """Every dimension both profiles score, with gaps and their meaning in both directions."""
    first, second = knowledge_base.cultures[a].value, knowledge_base.cultures[b].value
    rows = []
    for dimension_id, located in knowledge_base.dimensions.items():
        dimension = located.value
        score_a, score_b = first.scores.get(dimension_id), second.scores.get(dimension_id)
        if not (score_a and score_b and score_a.value is not None and score_b.value is not None):
            continue
        gap = score_b.value - score_a.value
        clear = abs(gap) >= CLEAR_GAP.get(dimension.framework, _DEFAULT_CLEAR_GAP)
        rows.append(
            DimensionComparison(
                dimension=dimension_id,
                name=dimension.name,
                framework=dimension.framework,
                low_pole=dimension.low_pole,
                high_pole=dimension.high_pole,
                minimum=dimension.minimum,
                maximum=dimension.maximum,
                a=score_a.value,
                b=score_b.value,
                gap=round(gap, 2),
                estimated=score_a.estimated or score_b.estimated,
                clear=clear,
                for_a=gap_meaning(dimension, mine=score_a.value, theirs=score_b.value, clear=clear),
                for_b=gap_meaning(dimension, mine=score_b.value, theirs=score_a.value, clear=clear),
            )
        )
    scored = {d for d, s in first.scores.items() if s.value is not None}
    scored_b = {d for d, s in second.scores.items() if s.value is not None}
    return CultureComparison(
        a=a,
        a_name=first.name,
        b=b,
        b_name=second.name,
        dimensions=tuple(rows),
        only_a=tuple(sorted(scored - scored_b)),
        only_b=tuple(sorted(scored_b - scored)),
        caveat="Scores are national averages across many people; individuals and organisations "
        "vary widely around them. Read the gaps, not the absolute numbers.",
    )


def report_comparison(report: Report, knowledge_base: KnowledgeBase) -> CultureComparison | None:
    """The comparison of a report's two cultures, when the KB has both profiles."""
    sides = {
        str(fact.fields["side"]): str(fact.fields["country"])
        for fact in report.trace.facts
        if fact.type == "culture"
    }
    home, counterpart = sides.get("home", ""), sides.get("counterpart", "")
    if home in knowledge_base.cultures and counterpart in knowledge_base.cultures:
        return compare_cultures(home, counterpart, knowledge_base)
    return None


def _profiled(text: str, knowledge_base: KnowledgeBase, where: Location) -> CountryMatch:
    """The country ``text`` names, which must have a profile; else a located problem."""
    try:
        match = knowledge_base.countries.match(text)
    except UnknownCountryError as error:
        raise InputError([Problem(where, error.what, hint=error.advice)]) from None
    except ValueError as error:
        raise InputError([Problem(where, str(error))]) from None
    if match.code not in knowledge_base.cultures:
        message = f"the knowledge base has no culture profile for {match.name} ({match.code})"
        raise InputError([Problem(where, message, hint=_NO_PROFILE_HINT)])
    return match


def compare_countries(first: str, second: str, knowledge_base: KnowledgeBase) -> CultureComparison:
    """:func:`compare_cultures` of two countries as written ("Holland", "UK", "JP"), with how
    each was read and what their profiles are too thin to show."""
    return compare_several((first, second), knowledge_base)[0]


def compare_several(names: Sequence[str], knowledge_base: KnowledgeBase) -> list[CultureComparison]:
    """The first country as written beside each of the others, one comparison per other
    country; every name that cannot be read is a problem located at its place in the list."""
    problems: list[Problem] = []
    matches: list[CountryMatch] = []
    for number, text in enumerate(names, start=1):
        try:
            matches.append(_profiled(text, knowledge_base, Location(f"compare, country {number}")))
        except InputError as error:
            problems += error.problems
    if len(names) < 2:
        problems.append(Problem(Location("compare"), "give at least two countries to compare"))
    if problems:
        raise InputError(problems)
    first, *others = matches
    comparisons = []
    for other in others:
        comparison = compare_cultures(first.code, other.code, knowledge_base)
        caveats = [
            sentence
            for match in (first, other)
            for sentence in profile_gaps(match.code, f"{match.name} ({match.code})", knowledge_base)
        ]
        readings = tuple(dict.fromkeys(m.reading() for m in (first, other) if m.reading()))
        comparisons.append(
            comparison.model_copy(update={"readings": readings, "data_caveats": tuple(caveats)})
        )
    return comparisons


def list_countries(knowledge_base: KnowledgeBase, query: str = "") -> list[CountrySummary]:
    """The countries the KB has profiles for: the one ``query`` names ("Holland", "UK"), or
    those whose code or name contains it; a query that matches nothing is a problem with
    did-you-mean."""
    query = query.strip()
    if not query:
        return [_summary(code, knowledge_base) for code in sorted(knowledge_base.cultures)]
    try:
        match = knowledge_base.countries.match(query)
    except UnknownCountryError as unknown:
        needle = query.casefold()
        found = [
            _summary(code, knowledge_base)
            for code, located in sorted(knowledge_base.cultures.items())
            if needle in code.casefold() or needle in located.value.name.casefold()
        ]
        if not found:
            problem = Problem(Location(f"countries {query}"), unknown.what, hint=unknown.advice)
            raise InputError([problem]) from None
        return found
    _profiled(query, knowledge_base, Location(f"countries {query}"))
    return [_summary(match.code, knowledge_base, match.reading())]


def _summary(code: str, knowledge_base: KnowledgeBase, reading: str = "") -> CountrySummary:
    """One country's profile in figures, with what it is too thin to show."""
    profile = knowledge_base.cultures[code].value
    frameworks: dict[str, int] = {}
    scored = [(d, s) for d, s in profile.scores.items() if s.value is not None]
    for dimension_id, _score in scored:
        framework = knowledge_base.dimensions[dimension_id].value.framework
        frameworks[framework] = frameworks.get(framework, 0) + 1
    count, _ = measured(code, knowledge_base)
    return CountrySummary(
        code=code,
        name=profile.name,
        dimensions=len(scored),
        frameworks=dict(sorted(frameworks.items())),
        estimated=sum(1 for _d, s in scored if s.estimated),
        measured=count,
        thin=count < enough_measured(knowledge_base),
        caveats=tuple(profile_gaps(code, f"{profile.name} ({code})", knowledge_base)),
        reading=reading,
    )
