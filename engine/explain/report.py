"""Turn a run into a diagnosis and a staged plan, each item with the evidence behind it.

Certainties are computed in firing order: a rule's contribution is its stated certainty times
the certainty of the weakest finding it matched at the moment it fired (scenario and profile
facts count as certain), and contributions to the same finding or advice combine by MYCIN's
rule (:mod:`engine.rules.certainty`).
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

import pycountry

from ..rules import certainty
from ..rules.certainty import in_words
from ..schemas.facts import FactRecord
from ..schemas.kb import Advice, Severity
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.report import (
    DiagnosisItem,
    Evidence,
    HowNode,
    HowStep,
    KnowledgeBaseInfo,
    Recommendation,
    Report,
    ScenarioInfo,
    Trace,
)
from ..schemas.results import Firing, RunResult
from ..schemas.rules import RuleSpec
from ..schemas.scenario import Scenario
from .caveats import caveats, could_not_check, profile_premise_certainty
from .citations import profile_sources, reference
from .grounds import Grounds
from .pairs import PairFinder
from .plan import build_plan, rank
from .support import dates_of, people_of, planned_of

_SEVERITY_ORDER = {severity: position for position, severity in enumerate(Severity)}


def scenario_digest(scenario: Scenario) -> str:
    """A SHA-256 of the normalised scenario, independent of key order and formatting."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _country_name(code: str, knowledge_base: KnowledgeBase) -> str:
    if code in knowledge_base.cultures:
        return knowledge_base.cultures[code].value.name
    country = pycountry.countries.get(alpha_2=code)
    return str(country.name) if country else code


def finding_certainties(run: RunResult, knowledge_base: KnowledgeBase) -> dict[int, float]:
    """The certainty of every finding fact, as the fixed point of MYCIN propagation.

    A finding's certainty combines, over the rules that concluded it, each rule's certainty
    times the weakest finding its firing matched. A rule counts once, with its strongest
    firing: a rule that holds in two alternatives, or on two people, is one piece of evidence,
    not two. Computing this over the whole run (rather than when each rule fired) makes
    certainties independent of firing order and salience. Conclusions are never negative, so
    the iteration only rises and converges.
    """
    facts = {fact.id: fact for fact in run.facts}
    profiles = _profile_values(run, knowledge_base)  # fixed for the run: computed once
    values = profiles
    # What each round reads of a firing does not change between rounds: looked up once.
    firings = [
        (
            firing.rule,
            tuple(knowledge_base.rule(firing.rule).value.then.conclude.values()),
            firing.concluded,
            (*firing.facts, *firing.witnesses),
        )
        for firing in run.firings
    ]
    for _ in range(_MAX_PROPAGATION_ROUNDS):
        strongest: dict[int, dict[str, float]] = defaultdict(dict)
        for rule, conclude, concluded, premises in firings:
            weakest = _weakest(premises, facts, values)
            for stated, fact_id in zip(conclude, concluded, strict=True):
                by_rule = strongest[fact_id]
                by_rule[rule] = max(by_rule.get(rule, 0.0), stated * weakest)
        updated = {
            **profiles,
            **{
                fact_id: certainty.combine_all(by_rule.values())
                for fact_id, by_rule in strongest.items()
            },
        }
        if all(abs(updated[key] - values.get(key, 0.0)) < 1e-12 for key in updated):
            return updated
        values = updated
    return values


_MAX_PROPAGATION_ROUNDS = 200


def _profile_values(run: RunResult, knowledge_base: KnowledgeBase) -> dict[int, float]:
    """Profile facts that count as less than certain premises (thinly measured countries)."""
    certainty_of = profile_premise_certainty(knowledge_base)
    values = {fact.id: certainty_of(fact) for fact in run.facts if fact.origin.kind == "profile"}
    # A person's position counts as sure as its band allows (rules.certainty.band_certainty).
    values |= {
        fact.id: certainty.band_certainty(fact.origin.band)
        for fact in run.facts
        if fact.origin.kind == "position"
    }
    return {fact_id: value for fact_id, value in values.items() if value < 1.0}


def _weakest(
    fact_ids: tuple[int, ...], facts: dict[int, FactRecord], values: dict[int, float]
) -> float:
    return certainty.premise(
        values.get(i, 0.0 if facts[i].type == "finding" else 1.0)
        for i in fact_ids
        if facts[i].type == "finding" or i in values
    )


def _grounded_in_situation(
    fact: FactRecord, facts: dict[int, FactRecord], firings: dict[int, Firing], seen: frozenset[int]
) -> bool:
    """Whether a fact rests, anywhere below it, on what the scenario says beyond the cultures."""
    if fact.origin.kind == "scenario":
        return fact.type != "culture"
    if fact.origin.kind == "calendar":
        return True  # a date the scenario gives, checked against their calendar
    if fact.origin.kind == "profile":
        return False
    if fact.origin.kind == "position":
        return True  # this person, as seen or as they placed themselves
    return any(
        _grounded_in_situation(facts[used], facts, firings, seen | {number})
        for number in fact.origin.firings
        if number not in seen
        for used in (*firings[number].facts, *firings[number].witnesses)
    )


class _HowBuilder:
    """Builds HOW trees, sharing each fact's subtree between the items that use it."""

    def __init__(self, run: RunResult, knowledge_base: KnowledgeBase) -> None:
        self.facts = {fact.id: fact for fact in run.facts}
        self.firings = {firing.number: firing for firing in run.firings}
        self.knowledge_base = knowledge_base
        self.built: dict[tuple[int, frozenset[int]], HowNode] = {}

    def node(self, fact_id: int, seen: frozenset[int] = frozenset()) -> HowNode:
        fact = self.facts[fact_id]
        if fact.origin.kind != "rule":
            seen = frozenset()  # a scenario or profile fact's node is the same everywhere
        key = (fact_id, seen)
        if key not in self.built:
            self.built[key] = self._build(fact, seen)
        return self.built[key]

    def _build(self, fact: FactRecord, seen: frozenset[int]) -> HowNode:
        steps = []
        if fact.origin.kind == "rule":
            for number in fact.origin.firings:
                if number in seen:
                    continue  # a conclusion reached again later: shown once up the tree
                firing = self.firings[number]
                steps.append(
                    HowStep.model_construct(
                        rule=firing.rule,
                        rule_title=self.knowledge_base.rule(firing.rule).value.title,
                        firing=number,
                        facts=tuple(
                            self.node(used, seen | {number})
                            # one fact can meet two conditions (a rule's role guard and its
                            # own test of the relationship): shown once
                            for used in dict.fromkeys((*firing.facts, *firing.witnesses))
                        ),
                    )
                )
        # Built from the run's own validated records, with the exact types of the fields:
        # validating each of the thousands of nodes again was a tenth of an explanation.
        return HowNode.model_construct(
            fact=fact.describe(), origin=fact.origin, concluded_by=tuple(steps)
        )

    def evidence(
        self, rule: RuleSpec, firing: int, contribution: float, facts: tuple[FactRecord, ...]
    ) -> Evidence:
        return Evidence(
            rule=rule.id,
            rule_title=rule.title,
            firing=firing,
            certainty=round(contribution, 4),
            facts=facts,
            how=tuple(self.node(fact.id, frozenset({firing})) for fact in facts),
        )


def explain(run: RunResult, scenario: Scenario, knowledge_base: KnowledgeBase) -> Report:
    """Build the report for one run; see the module docs for how certainty is computed."""
    facts = {fact.id: fact for fact in run.facts}
    firings = {firing.number: firing for firing in run.firings}
    values = finding_certainties(run, knowledge_base)
    how = _HowBuilder(run, knowledge_base)

    def name(code: str) -> str:
        return _country_name(code, knowledge_base)

    pairs = PairFinder(run, name)
    finding_evidence: dict[str, list[Evidence]] = defaultdict(list)
    advice_evidence: dict[str, list[Evidence]] = defaultdict(list)
    for firing in run.firings:
        rule = knowledge_base.rule(firing.rule).value
        matched = tuple(
            facts[fact_id] for fact_id in dict.fromkeys((*firing.facts, *firing.witnesses))
        )
        weakest = _weakest((*firing.facts, *firing.witnesses), facts, values)

        for finding_id, stated in rule.then.conclude.items():
            finding_evidence[finding_id].append(
                how.evidence(rule, firing.number, stated * weakest, matched)
            )
        for advice_id, stated in rule.then.support.items():
            advice_evidence[advice_id].append(
                how.evidence(rule, firing.number, stated * weakest, matched)
            )

    finding_facts = {str(f.fields["name"]): f for f in run.facts if f.type == "finding"}
    diagnosis = []
    for finding_id, evidence_list in finding_evidence.items():
        finding = knowledge_base.findings[finding_id].value
        if finding.show_in_diagnosis:
            fact = finding_facts[finding_id]
            diagnosis.append(
                DiagnosisItem(
                    id=finding.id,
                    title=finding.title,
                    explanation=finding.explanation,
                    certainty=round(values[fact.id], 4),
                    certainty_in_words=in_words(values[fact.id]),
                    severity=finding.severity.value,
                    basis="situation"
                    if _grounded_in_situation(fact, facts, firings, frozenset())
                    else "profiles",
                    caveat=finding.caveat,
                    dates=dates_of(evidence_list),
                    people=people_of(evidence_list, scenario),
                    before_you=planned_of(evidence_list, scenario),
                    between=pairs.between(fact.id),
                    supported_by=tuple(evidence_list),
                )
            )
    diagnosis.sort(
        key=lambda item: (
            _SEVERITY_ORDER[_severity(item, knowledge_base)],
            item.basis != "situation",
            -item.certainty,
            item.id,
        )
    )

    grounds = Grounds(run, knowledge_base)
    supporters: dict[str, list[Firing]] = defaultdict(list)
    for firing in run.firings:
        for advice_id, stated in knowledge_base.rule(firing.rule).value.then.support.items():
            if stated > 0:
                supporters[advice_id].append(firing)
    given: list[Recommendation] = []
    against: list[Recommendation] = []
    for advice_id, evidence_list in advice_evidence.items():
        advice = knowledge_base.advice[advice_id].value
        item = _recommendation(advice, evidence_list, knowledge_base)
        behind = supporters[advice_id]
        item = item.model_copy(
            update={
                "people": people_of(evidence_list, scenario),
                "before_you": planned_of(evidence_list, scenario),
                "certainty_in_words": in_words(item.certainty),
                "basis": grounds.basis(behind),
                "for_our_role": any(grounds.firing_is_for_our_role(f) for f in behind),
                "serves_primary_goal": any(grounds.firing_serves_primary_goal(f) for f in behind),
            }
        )
        item = item.model_copy(update={"rank": rank(item, grounds.gravest(behind))})
        (given if item.certainty > 0 else against).append(item)
    given_ids = {item.id for item in given}
    given = [
        item.model_copy(update={"conflicts_with": _conflicts(item.id, given_ids, knowledge_base)})
        for item in given
    ]
    plan = build_plan(
        given,
        knowledge_base.manifest.plan,
        {item.id: knowledge_base.advice[item.id].value for item in given},
    )
    against.sort(key=lambda item: (item.certainty, item.id))

    return Report(
        scenario=ScenarioInfo(
            title=scenario.title,
            digest=scenario_digest(scenario),
            we=_country_name(scenario.we.culture, knowledge_base),
            they=_country_name(scenario.they.culture, knowledge_base),
        ),
        kb=KnowledgeBaseInfo(
            name=knowledge_base.manifest.name,
            version=knowledge_base.manifest.version,
            digest=knowledge_base.digest,
        ),
        diagnosis=tuple(diagnosis),
        recommendations=plan.main,
        advised_against=tuple(against),
        also_consider=plan.also_consider,
        set_aside=plan.set_aside,
        trade_offs=plan.trade_offs,
        caveats=caveats(run, name),
        profile_sources=profile_sources(run, knowledge_base),
        could_not_check=could_not_check(run, knowledge_base, name),
        trace=Trace(
            facts=run.facts,
            firings=run.firings,
            rule_titles={
                firing.rule: knowledge_base.rule(firing.rule).value.title for firing in run.firings
            },
        ),
    )


def _severity(item: DiagnosisItem, knowledge_base: KnowledgeBase) -> Severity:
    """How much a finding matters here: its own severity, unless its certainty is low, when it
    waits among the tendencies (a doubtful problem must not lead a certain one)."""
    if in_words(item.certainty) == "low":
        return Severity.tendency
    return knowledge_base.findings[item.id].value.severity


def _total(evidence: list[Evidence]) -> float:
    """MYCIN combination over rules, each rule counted once with its strongest firing."""
    strongest: dict[str, float] = {}
    for item in evidence:
        if abs(item.certainty) > abs(strongest.get(item.rule, 0.0)):
            strongest[item.rule] = item.certainty
    return round(certainty.combine_all(strongest.values()), 4)


def _recommendation(
    advice: Advice, evidence: list[Evidence], knowledge_base: KnowledgeBase
) -> Recommendation:
    reasons: list[str] = []
    for item in evidence:
        if item.certainty <= 0:
            continue
        shown = [
            knowledge_base.findings[str(fact.fields["name"])].value.title
            for fact in item.facts
            if fact.type == "finding"
            and knowledge_base.findings[str(fact.fields["name"])].value.show_in_diagnosis
        ]
        reasons += shown or [item.rule_title]
    because = "; ".join(dict.fromkeys(reasons)) or "evidence counts against it"
    sources = tuple(
        reference(source_id, knowledge_base)
        for source_id in dict.fromkeys(
            [
                *advice.sources,
                *(s for item in evidence for s in knowledge_base.rule(item.rule).value.sources),
            ]
        )
    )
    return Recommendation(
        id=advice.id,
        title=advice.title,
        advice=advice.advice,
        steps=advice.steps,
        topic=advice.topic,
        stage=advice.stage,
        certainty=_total(evidence),
        because=because,
        dates=dates_of(evidence),
        supported_by=tuple(evidence),
        sources=sources,
    )


def _conflicts(advice_id: str, given: set[str], knowledge_base: KnowledgeBase) -> tuple[str, ...]:
    declared = set(knowledge_base.advice[advice_id].value.conflicts_with)
    declared |= {
        other for other in given if advice_id in knowledge_base.advice[other].value.conflicts_with
    }
    return tuple(sorted(declared & given - {advice_id}))
