"""Advice as a report gives it: each advice the run's rules supported or opposed, with its total
certainty, why it is given, its sources, what it rests on and the weight the plan ranks it by;
and which advice given conflicts with which.
"""

from __future__ import annotations

from ..rules import certainty
from ..rules.certainty import in_words
from ..schemas.kb import Advice
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import Evidence, Recommendation, SourceReference
from ..schemas.results import Firing
from .citations import reference
from .grounds import Grounds
from .kb_cache import memo_of
from .made import made
from .plan import rank
from .support import About

_SOURCE_LISTS_KEPT = 10_000
"""At most this many source lists kept per knowledge base (one for each advice and sequence of
rules behind it met so far): the shipped scenarios make a few hundred."""


def total_certainty(evidence: list[Evidence]) -> float:
    """MYCIN combination over rules, each rule counted once with its strongest firing."""
    strongest: dict[str, float] = {}
    for item in evidence:
        if abs(item.certainty) > abs(strongest.get(item.rule, 0.0)):
            strongest[item.rule] = item.certainty
    return round(certainty.combine_all(strongest.values()), 4)


def conflicts(given: set[str], knowledge_base: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """For each advice given, the other advice given that it conflicts with, whichever of the
    two declares the conflict (each declaration read once, not once for every advice given)."""
    declared = {
        advice_id: set(knowledge_base.advice[advice_id].value.conflicts_with) & given
        for advice_id in given
    }
    either = {advice_id: set(others) for advice_id, others in declared.items()}
    for advice_id, others in declared.items():
        for other in others:
            either[other].add(advice_id)
    return {advice_id: tuple(sorted(found - {advice_id})) for advice_id, found in either.items()}


class Recommendations:
    """Makes one run's recommendations, keeping what several of them read: why each firing
    counts for an advice, by firing; and, for the knowledge base's life, the sources cited for
    an advice and the rules behind it."""

    def __init__(self, knowledge_base: KnowledgeBase, grounds: Grounds, about: About) -> None:
        self.knowledge_base = knowledge_base
        self.grounds = grounds
        self.about = about
        self._reasons: dict[int, tuple[str, ...]] = {}
        self._sources = memo_of(knowledge_base).advice_sources

    def make(
        self,
        advice: Advice,
        evidence: list[Evidence],
        total: float,
        conflicts_with: tuple[str, ...],
        behind: list[Firing],
    ) -> Recommendation:
        """The recommendation of ``advice`` from its evidence and the firings that support it
        (``behind``), given its total certainty and the advice given it conflicts with."""
        reasons: list[str] = []
        for item in evidence:
            if item.certainty > 0:
                reasons += self._reasons_of(item)
        because = "; ".join(dict.fromkeys(reasons)) or "evidence counts against it"
        dates, people, before_you = self.about(evidence)
        basis, for_our_role, serves_primary_goal, gravest = self.grounds.weigh(behind)
        return made(
            Recommendation,
            id=advice.id,
            title=advice.title,
            advice=advice.advice,
            steps=advice.steps,
            topic=advice.topic,
            stage=advice.stage,
            certainty=total,
            because=because,
            dates=dates,
            people=people,
            before_you=before_you,
            supported_by=tuple(evidence),
            sources=self._sources_of(advice, evidence),
            certainty_in_words=in_words(total),
            basis=basis,
            for_our_role=for_our_role,
            serves_primary_goal=serves_primary_goal,
            rank=rank(
                total,
                gravest,
                serves_primary_goal=serves_primary_goal,
                basis=basis,
                for_our_role=for_our_role,
            ),
            conflicts_with=conflicts_with,
        )

    def _reasons_of(self, item: Evidence) -> tuple[str, ...]:
        # why one firing counts for an advice: the findings it matched that the diagnosis
        # shows, else its rule; the same for every advice the firing supports
        found = self._reasons.get(item.firing)
        if found is None:
            findings = self.knowledge_base.findings
            shown = tuple(
                findings[str(fact.fields["name"])].value.title
                for fact in item.facts
                if fact.type == "finding"
                and findings[str(fact.fields["name"])].value.show_in_diagnosis
            )
            found = self._reasons[item.firing] = shown or (item.rule_title,)
        return found

    def _sources_of(self, advice: Advice, evidence: list[Evidence]) -> tuple[SourceReference, ...]:
        # the advice's own sources, then its rules', each cited once: they depend on the advice
        # and the rules behind it alone
        rules = tuple([item.rule for item in evidence])
        key = (advice.id, rules)
        found = self._sources.get(key)
        if found is None:
            knowledge_base = self.knowledge_base
            found = tuple(
                reference(source_id, knowledge_base)
                for source_id in dict.fromkeys(
                    [
                        *advice.sources,
                        *(s for rule in rules for s in knowledge_base.rule(rule).value.sources),
                    ]
                )
            )
            if len(self._sources) >= _SOURCE_LISTS_KEPT:
                self._sources.clear()
            self._sources[key] = found
        return found
