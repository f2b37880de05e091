"""What the reader must know about the data behind a report: national tendencies, estimated
scores, missing profiles, and what the knowledge base had too little data to check.

A profile with few measured scores (Hofstede 6-D and GLOBE values taken from the published
tables, as against the KB's own estimates) is weaker evidence: its facts count as
:data:`THIN_PROFILE_CERTAINTY` certain as premises, so conclusions drawn from it come out less
certain, and the report says what could not be checked instead of implying all is well.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable

from ..schemas.facts import FactRecord
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.results import RunResult
from .kb_cache import memo_of
from .run_index import RunIndex

NATIONAL_TENDENCY_CAVEAT = (
    "Conclusions drawn from culture profiles describe national tendencies measured across "
    "many people; the individuals and the organisation you deal with may differ. Where your "
    "own observations disagree with them, trust your observations."
)
MEASURED_ENOUGH = 6  # a full Hofstede set, or as many GLOBE scales
THIN_PROFILE_CERTAINTY = 0.8
_MEASURED_FRAMEWORKS = ("Hofstede", "GLOBE")
_SCALE_WORDS = {
    "communicating": "how explicitly they communicate",
    "evaluating": "how they give negative feedback",
    "persuading": "how they are persuaded",
    "leading": "how hierarchical their leadership is",
    "deciding": "how they decide",
    "trusting": "how they build trust",
    "disagreeing": "how they disagree",
    "scheduling": "how they treat time",
}


def measured(code: str, knowledge_base: KnowledgeBase) -> tuple[int, int]:
    """(measured scores, scores of any kind) in a country's profile, for the measured
    frameworks only; the Culture Map positions are all the KB's own coding."""
    # read for every profile fact of every run, and the same for the KB's whole life
    known = memo_of(knowledge_base).measured
    if code not in known:
        known[code] = _measured(code, knowledge_base)
    return known[code]


def _measured(code: str, knowledge_base: KnowledgeBase) -> tuple[int, int]:
    profile = knowledge_base.cultures[code].value
    kept = [
        score
        for dimension_id, score in profile.scores.items()
        if dimension_id in knowledge_base.dimensions
        and knowledge_base.dimensions[dimension_id].value.framework.startswith(_MEASURED_FRAMEWORKS)
    ]
    real = [score for score in kept if score.value is not None and not score.estimated]
    return len(real), len(kept)


def enough_measured(knowledge_base: KnowledgeBase) -> int:
    """How many measured scores make a profile well measured: six, or every measured scale
    the KB defines when it defines fewer."""
    known = memo_of(knowledge_base).enough_measured
    if not known:
        known.append(_enough_measured(knowledge_base))
    return known[0]


def _enough_measured(knowledge_base: KnowledgeBase) -> int:
    defined = sum(
        dimension.value.framework.startswith(_MEASURED_FRAMEWORKS)
        for dimension in knowledge_base.dimensions.values()
    )
    return min(MEASURED_ENOUGH, defined)


def profile_premise_certainty(knowledge_base: KnowledgeBase) -> Callable[[FactRecord], float]:
    """How certain a profile fact counts as a premise: 1, or less for a thinly measured country."""
    cache: dict[str, float] = {}
    enough = enough_measured(knowledge_base)

    def certainty_of(fact: FactRecord) -> float:
        code = fact.origin.country if fact.origin.kind == "profile" else ""
        if not code or code not in knowledge_base.cultures:
            return 1.0
        if code not in cache:
            count, _ = measured(code, knowledge_base)
            cache[code] = 1.0 if count >= enough else THIN_PROFILE_CERTAINTY
        return cache[code]

    return certainty_of


def _countries(run: RunResult) -> dict[str, str]:
    """Every side's country in the run, by side (home, counterpart, a party's kind)."""
    return {
        str(fact.fields["side"]): str(fact.fields["country"])
        for fact in run.facts
        if fact.type == "culture"
    }


def could_not_check(
    run: RunResult, knowledge_base: KnowledgeBase, name: Callable[[str], str]
) -> tuple[str, ...]:
    """What the knowledge base had too little data to check, one sentence each."""
    found: list[str] = []
    for side, code in _countries(run).items():
        if code not in knowledge_base.cultures:
            continue  # a missing profile is a caveat of its own
        found += profile_gaps(code, f"{name(code)} ({side})", knowledge_base)
    return tuple(found)


def profile_gaps(code: str, label: str, knowledge_base: KnowledgeBase) -> list[str]:
    """What one country's profile is too thin to show, one sentence each beginning with
    ``label``; every command that shows a profile says the same (advise, compare, countries)."""
    known = memo_of(knowledge_base).profile_gaps
    if (code, label) not in known:
        known[code, label] = tuple(_profile_gaps(code, label, knowledge_base))
    return list(known[code, label])


def _profile_gaps(code: str, label: str, knowledge_base: KnowledgeBase) -> list[str]:
    found: list[str] = []
    count, total = measured(code, knowledge_base)
    if count < enough_measured(knowledge_base):
        found.append(
            f"{label}: only {count} of {total} published culture scores "
            "are measured for this country; the rest are estimates, so conclusions from "
            "its profile carry lower certainty."
        )
    scores = knowledge_base.cultures[code].value.scores
    gaps = [
        words
        for scale, words in _SCALE_WORDS.items()
        if scale not in scores or scores[scale].value is None
    ]
    if gaps:
        found.append(
            f"{label}: no position on {', '.join(gaps)}, so differences there were not checked."
        )
    return found


def caveats(
    run: RunResult, name: Callable[[str], str], index: RunIndex | None = None
) -> tuple[str, ...]:
    """The report's caveats: national tendencies, estimated scores used, missing profiles.
    ``index``: the run's index, when the caller has made one."""
    found: list[str] = []
    facts = RunIndex.of(run, index).facts
    used = [facts[fact_id] for firing in run.firings for fact_id in firing.facts]
    if any(fact.origin.kind == "profile" for fact in used):
        found.append(NATIONAL_TENDENCY_CAVEAT)
    estimated: dict[str, set[str]] = defaultdict(set)
    for fact in used:
        if fact.origin.kind == "profile" and fact.origin.estimated:
            estimated[fact.origin.country].add(fact.origin.dimension)
    if estimated:
        found.append(
            "Some scores used are the knowledge base's own estimates, not measurements: "
            + "; ".join(
                f"{name(country)}: {', '.join(sorted(dimensions))}"
                for country, dimensions in sorted(estimated.items())
            )
            + "."
        )
    for code in run.missing_profiles:
        found.append(
            f"The knowledge base has no culture profile for {name(code)} ({code}), so no "
            "advice here draws on that culture's national tendencies."
        )
    return tuple(found)
