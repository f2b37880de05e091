"""How certain each finding of a run is, how strongly each firing counts, and which facts rest
on what the scenario says beyond the cultures: what the report reads for every item, computed
once per run.

Certainties are the fixed point of MYCIN propagation: a finding combines, over the rules that
concluded it, each rule's certainty times the weakest finding its firing matched (scenario and
profile facts count as certain, or as sure as a thin profile or a person's band allows). A rule
counts once, with its strongest firing: a rule that holds in two alternatives, or on two people,
is one piece of evidence, not two. Computing this over the whole run (rather than when each
rule fired) makes certainties independent of firing order and salience. Conclusions are never
negative, so the iteration only rises and converges.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ..rules import certainty
from ..schemas.facts import FactRecord
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.results import RunResult
from .caveats import profile_premise_certainty
from .run_index import RunIndex

_MAX_PROPAGATION_ROUNDS = 200


class Certainties:
    """The certainty of every finding fact of one run, and of every firing's premises."""

    def __init__(
        self,
        run: RunResult,
        knowledge_base: KnowledgeBase,
        in_order: tuple[int, ...] | None = None,
        index: RunIndex | None = None,
    ) -> None:
        """``in_order``: the facts rules concluded, each after every concluded fact it rests
        on, when no fact rests on itself (``SupportFinder.in_order``); each finding's
        certainty is then worked out once, after its premises'. ``index``: the run's index,
        when the caller has made one."""
        index = RunIndex.of(run, index)
        profiles = _profile_values(run, knowledge_base)
        # What a firing's premises weigh apart from the findings among them is fixed for the
        # run, so each round of the propagation only reads the findings.
        self._premises: dict[int, tuple[float, tuple[int, ...]]] = {}
        for number, premises in index.matched_facts.items():
            findings: list[int] = []
            uncertain: list[float] = []
            for fact in premises:
                if fact.type == "finding":
                    findings.append(fact.id)
                elif fact.id in profiles:
                    uncertain.append(profiles[fact.id])
            self._premises[number] = (certainty.premise(uncertain), tuple(findings))
        self.values = self._propagate(run, knowledge_base, profiles, in_order)
        """Each finding fact's certainty, and each less-than-certain profile fact's."""

    def weakest(self, firing: int) -> float:
        """How certain a firing's premises are together: its weakest one."""
        return self._weakest_in(firing, self.values)

    def _propagate(
        self,
        run: RunResult,
        knowledge_base: KnowledgeBase,
        profiles: dict[int, float],
        in_order: tuple[int, ...] | None,
    ) -> dict[int, float]:
        # Each concluded finding with its rules, in the order they first concluded it, and each
        # rule's firings with the certainty it states: what a round reads never changes.
        concluded: dict[int, dict[str, list[tuple[float, int]]]] = {}
        for firing in run.firings:
            conclude = knowledge_base.rule(firing.rule).value.then.conclude.values()
            for stated, fact_id in zip(conclude, firing.concluded, strict=True):
                by_rule = concluded.setdefault(fact_id, {})
                by_rule.setdefault(firing.rule, []).append((stated, firing.number))
        if in_order is not None:
            found = self._in_order(concluded, profiles, in_order)
            if found is not None:
                return found
        # The findings that read each finding, through the firings that concluded them: a
        # finding none of whose premises changed in a round would come out the same in the next,
        # so only the readers of what changed are worked out again (the rounds are as before).
        readers: dict[int, set[int]] = defaultdict(set)
        for fact_id, by_rule in concluded.items():
            for firings in by_rule.values():
                for _, number in firings:
                    for premise in self._premises[number][1]:
                        readers[premise].add(fact_id)

        def value(fact_id: int, values: dict[int, float]) -> float:
            return self._combined(concluded[fact_id], values)

        values = profiles
        stale = list(concluded)
        for _ in range(_MAX_PROPAGATION_ROUNDS):
            updated = {**values, **{fact_id: value(fact_id, values) for fact_id in stale}}
            if all(abs(updated[key] - values.get(key, 0.0)) < 1e-12 for key in stale):
                return updated
            changed = {key for key in stale if not _same(updated[key], values.get(key, 0.0))}
            reading = set().union(*(readers[key] for key in changed))
            stale = [fact_id for fact_id in concluded if fact_id in reading]
            values = updated
        return values

    def _in_order(
        self,
        concluded: dict[int, dict[str, list[tuple[float, int]]]],
        profiles: dict[int, float],
        in_order: tuple[int, ...],
    ) -> dict[int, float] | None:
        """The fixed point without rounds: each finding worked out once, from its premises'
        final certainties, is what the rounds settle on (the same expression on the same
        values); None if a premise comes after the finding that reads it."""
        values = dict(profiles)
        for fact_id in in_order:
            by_rule = concluded.get(fact_id)
            if by_rule is None:
                continue  # advice, or a fact no rule concluded as a finding
            for firings in by_rule.values():
                for _, number in firings:
                    for premise in self._premises[number][1]:
                        if premise not in values:
                            return None
            values[fact_id] = self._combined(by_rule, values)
        if any(fact_id not in values for fact_id in concluded):
            return None  # a finding not among the facts rules concluded: worked out in rounds
        return values

    def _combined(
        self, by_rule: dict[str, list[tuple[float, int]]], values: dict[int, float]
    ) -> float:
        """A finding's certainty from its rules' firings, given its premises' certainties."""
        # The loops give what certainty.combine_all over each rule's max(0.0, ...) gives, bit
        # for bit (the same fold from 0.0, the same first maximum kept), without generators:
        # this is read for every finding of every run.
        premises = self._premises
        total = 0.0
        for firings in by_rule.values():
            strongest = 0.0  # a rule counts once, with its strongest firing
            for stated, number in firings:
                fixed, findings = premises[number]
                strongest = max(strongest, stated * _weakest(fixed, findings, values))
            total = certainty.combine(total, strongest)
        return total

    def _weakest_in(self, firing: int, values: dict[int, float]) -> float:
        fixed, findings = self._premises[firing]
        return _weakest(fixed, findings, values)


def _same(first: float, second: float) -> bool:
    # as a later round would read them: equal, and a zero of the same sign
    return first == second and math.copysign(1.0, first) == math.copysign(1.0, second)


def _weakest(fixed: float, findings: tuple[int, ...], values: dict[int, float]) -> float:
    """The weakest premise (:func:`certainty.premise`): ``fixed`` for the premises that are not
    findings, and each finding's value (0 before it has one)."""
    weakest = fixed
    for fact_id in findings:
        value = values.get(fact_id, 0.0)
        weakest = min(weakest, value)
    return weakest


def _profile_values(run: RunResult, knowledge_base: KnowledgeBase) -> dict[int, float]:
    """Profile facts that count as less than certain premises (thinly measured countries)."""
    certainty_of = profile_premise_certainty(knowledge_base)
    by_country: dict[str, float] = {}  # a profile fact's certainty is its country's
    values: dict[int, float] = {}
    for fact in run.facts:
        origin = fact.origin
        if origin.kind == "profile":
            value = by_country.get(origin.country)
            if value is None:
                value = by_country[origin.country] = certainty_of(fact)
        elif origin.kind == "position":
            # as sure as its band allows (rules.certainty.band_certainty)
            value = certainty.band_certainty(origin.band)
        else:
            continue
        if value < 1.0:
            values[fact.id] = value
    return values


def grounded_in_situation(run: RunResult, index: RunIndex | None = None) -> set[int]:
    """The facts that rest, anywhere below them, on what the scenario says beyond the cultures:
    its own statements but the culture facts, the dates it gives (checked against their
    calendar) and a person's own position; then, upwards, every fact a firing concluded from
    such a fact. One pass over the run answers every diagnosis item."""
    index = RunIndex.of(run, index)
    concluded_from: dict[int, list[int]] = defaultdict(list)
    matched = index.matched
    for fact_id, firings in index.concluded.items():
        for number in firings:
            for used in matched[number]:
                concluded_from[used].append(fact_id)
    # profile scores state nothing of the situation: only the other facts are asked
    grounded = {fact.id for fact in index.stated if _states_the_situation(fact)}
    waiting = list(grounded)
    while waiting:
        for above in concluded_from[waiting.pop()]:
            if above not in grounded:
                grounded.add(above)
                waiting.append(above)
    return grounded


def _states_the_situation(fact: FactRecord) -> bool:
    kind = fact.origin.kind
    if kind == "scenario":
        return fact.type != "culture"
    return kind in ("calendar", "position")
