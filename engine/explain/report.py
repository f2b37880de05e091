"""Turn a run into a diagnosis and a staged plan, each item with the evidence behind it.

A rule's contribution is its stated certainty times the certainty of the weakest finding it
matched (scenario and profile facts count as certain), and contributions to the same finding or
advice combine by MYCIN's rule (:mod:`engine.rules.certainty`); :mod:`.certainties` computes
them over the whole run.

Items are made by :func:`.made.made` from values that already have their fields' types (the
run's validated records, the knowledge base's validated models, and tuples, floats and words
worked out here), without validating them again: validation took about a tenth of explaining a
run, and the tests check that every shipped report validates again to the same JSON.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict

from ..rules.certainty import in_words
from ..schemas.countries import iso_name
from ..schemas.facts import FactRecord
from ..schemas.kb import Severity
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.note_hints import NoteHint
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
from .caveats import caveats, could_not_check
from .certainties import Certainties, grounded_in_situation
from .citations import profile_sources
from .grounds import Grounds
from .kb_cache import by_record, memo_of
from .made import made
from .pairs import PairFinder
from .plan import build_plan
from .recommendations import Recommendations, conflicts, total_certainty
from .run_index import RunIndex
from .support import About, SupportFinder


def _node_of_profile_fact(fact: FactRecord) -> HowNode:
    return made(HowNode, fact=fact.describe(), origin=fact.origin, concluded_by=())


_SEVERITY_ORDER = {severity: position for position, severity in enumerate(Severity)}


def scenario_digest(scenario: Scenario) -> str:
    """A SHA-256 of the normalised scenario, independent of key order and formatting."""
    canonical = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _country_name(code: str, knowledge_base: KnowledgeBase) -> str:
    if code in knowledge_base.cultures:
        return knowledge_base.cultures[code].value.name
    return iso_name(code) or code


class _HowBuilder:
    """Builds HOW trees, sharing each fact's subtree between the items that use it, and the
    evidence records, sharing each firing's matched facts and trees between its conclusions."""

    def __init__(
        self, knowledge_base: KnowledgeBase, support: SupportFinder, trees: bool = True
    ) -> None:
        self.trees = trees
        self.facts = support.index.facts
        self.firings = support.index.firings
        self.matched = support.index.matched
        self.knowledge_base = knowledge_base
        self.support = support
        self.acyclic = support.acyclic
        self.built: dict[tuple[int, frozenset[int]], HowNode] = {}
        self._below: dict[int, set[int]] = {}
        self._evidence: dict[tuple[int, float], Evidence] = {}
        self._alone: dict[int, HowNode] = {}
        self._how: dict[int, tuple[HowNode, ...]] = {}
        self._profile_nodes = memo_of(knowledge_base).profile_nodes

    def node(self, fact_id: int, seen: frozenset[int] = frozenset()) -> HowNode:
        if self.acyclic:
            # in a run without loops (SupportFinder.acyclic) each fact has one node wherever it
            # appears, whatever the firings above it
            found = self._alone.get(fact_id)
            if found is None:
                found = self._alone[fact_id] = self._build(self.facts[fact_id], frozenset())
            return found
        fact = self.facts[fact_id]
        if fact.origin.kind != "rule":
            seen = frozenset()  # a scenario or profile fact's node is the same everywhere
        elif seen:
            # A tree only leaves out the firings above it that also lie below it; the others
            # make no difference, and one node serves every tree they differ in.
            below = self._below.get(fact_id)
            if below is None:
                below = self._below[fact_id] = self.support.firings_below(fact_id)
            seen = seen & below
        key = (fact_id, seen)
        if key not in self.built:
            self.built[key] = self._build(fact, seen)
        return self.built[key]

    def _build(self, fact: FactRecord, seen: frozenset[int]) -> HowNode:
        if fact.origin.kind == "profile":
            return self._profile_node(fact)
        steps = []
        if fact.origin.kind == "rule":
            for number in fact.origin.firings:
                if number in seen:
                    continue  # a conclusion reached again later: shown once up the tree
                firing = self.firings[number]
                # without loops the firings above a node make no difference (see node)
                above = seen if self.acyclic else seen | {number}
                steps.append(
                    made(
                        HowStep,
                        rule=firing.rule,
                        rule_title=self.knowledge_base.rule(firing.rule).value.title,
                        firing=number,
                        facts=tuple([self.node(used, above) for used in self.matched[number]]),
                    )
                )
        return made(HowNode, fact=fact.describe(), origin=fact.origin, concluded_by=tuple(steps))

    def _profile_node(self, fact: FactRecord) -> HowNode:
        # most nodes are profile scores, whose records runs share (see kb_cache.profile_nodes)
        return by_record(self._profile_nodes, fact, _node_of_profile_fact)

    def evidence(
        self, rule: RuleSpec, firing: Firing, contribution: float, facts: tuple[FactRecord, ...]
    ) -> Evidence:
        """One firing's contribution; a firing that concludes or supports several things with
        the same contribution gives each the same record."""
        number = firing.number
        key = (number, round(contribution, 4))
        found = self._evidence.get(key)
        if found is None:
            how = self._how.get(number) if self.trees else ()
            if how is None:
                above = frozenset({number})
                how = self._how[number] = tuple([self.node(fact.id, above) for fact in facts])
            found = made(
                Evidence,
                rule=rule.id,
                rule_title=rule.title,
                firing=number,
                certainty=key[1],
                facts=facts,
                how=how,
            )
            self._evidence[key] = found
        return found


def explain(
    run: RunResult,
    scenario: Scenario,
    knowledge_base: KnowledgeBase,
    *,
    note_hints: tuple[NoteHint, ...] = (),
    how_trees: bool = True,
) -> Report:
    """Build the report for one run; see the module docs for how certainty is computed.
    ``note_hints``: the words of the scenario's free text that name facts the form can hold
    (:func:`.note_hints.find_note_hints`), which the report lists. Without ``how_trees`` each
    evidence's ``how`` is left empty, for a caller whose output never reads it (a batch's
    lines): the trees are a tenth of explaining a run."""
    index = RunIndex(run)
    support_finder = SupportFinder(run, index)
    certainties = Certainties(run, knowledge_base, support_finder.in_order, index)
    values = certainties.values
    how = _HowBuilder(knowledge_base, support_finder, how_trees)

    def name(code: str) -> str:
        return _country_name(code, knowledge_base)

    pairs = PairFinder(run, name, support_finder)
    about = About(support_finder, scenario)
    finding_evidence: dict[str, list[Evidence]] = defaultdict(list)
    advice_evidence: dict[str, list[Evidence]] = defaultdict(list)
    supporters: dict[str, list[Firing]] = defaultdict(list)
    rule_titles: dict[str, str] = {}
    for firing in run.firings:
        rule = knowledge_base.rule(firing.rule).value
        rule_titles[firing.rule] = rule.title
        matched = index.matched_facts[firing.number]
        weakest = certainties.weakest(firing.number)

        for finding_id, stated in rule.then.conclude.items():
            finding_evidence[finding_id].append(
                how.evidence(rule, firing, stated * weakest, matched)
            )
        for advice_id, stated in rule.then.support.items():
            advice_evidence[advice_id].append(how.evidence(rule, firing, stated * weakest, matched))
            if stated > 0:
                supporters[advice_id].append(firing)

    finding_facts = {str(f.fields["name"]): f for f in run.facts if f.type == "finding"}
    grounded = grounded_in_situation(run, index)
    diagnosis = []
    for finding_id, evidence_list in finding_evidence.items():
        finding = knowledge_base.findings[finding_id].value
        if finding.show_in_diagnosis:
            fact = finding_facts[finding_id]
            dates, people, before_you = about(evidence_list)
            diagnosis.append(
                made(
                    DiagnosisItem,
                    id=finding.id,
                    title=finding.title,
                    explanation=finding.explanation,
                    certainty=round(values[fact.id], 4),
                    certainty_in_words=in_words(values[fact.id]),
                    severity=finding.severity.value,
                    basis="situation" if fact.id in grounded else "profiles",
                    caveat=finding.caveat,
                    dates=dates,
                    people=people,
                    before_you=before_you,
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

    grounds = Grounds(run, knowledge_base, support_finder.in_order, index)
    totals = {
        advice_id: total_certainty(evidence) for advice_id, evidence in advice_evidence.items()
    }
    given_ids = {
        knowledge_base.advice[advice_id].value.id
        for advice_id, total in totals.items()
        if total > 0
    }
    conflicting = conflicts(given_ids, knowledge_base)
    recommendations = Recommendations(knowledge_base, grounds, about)
    given: list[Recommendation] = []
    against: list[Recommendation] = []
    for advice_id, evidence_list in advice_evidence.items():
        advice = knowledge_base.advice[advice_id].value
        item = recommendations.make(
            advice,
            evidence_list,
            totals[advice_id],
            # only advice the run gives is said to conflict with other advice given
            conflicting[advice.id] if totals[advice_id] > 0 else (),
            supporters[advice_id],
        )
        (given if item.certainty > 0 else against).append(item)
    plan = build_plan(
        given,
        knowledge_base.manifest.plan,
        {item.id: knowledge_base.advice[item.id].value for item in given},
    )
    against.sort(key=lambda item: (item.certainty, item.id))

    # Validated, not made: made would leave the report's schema unbuilt until a later command
    # needs it (an Explanation holds a report), which then builds it, evaluating the schemas'
    # annotations; tests/test_hostile_security.py requires no such evaluation after a first advise.
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
        caveats=caveats(run, name, index),
        profile_sources=profile_sources(run, knowledge_base, index),
        could_not_check=could_not_check(run, knowledge_base, name),
        trace=Trace(facts=run.facts, firings=run.firings, rule_titles=rule_titles),
        note_hints=note_hints,
    )


def _severity(item: DiagnosisItem, knowledge_base: KnowledgeBase) -> Severity:
    """How much a finding matters here: its own severity, unless its certainty is low, when it
    waits among the tendencies (a doubtful problem must not lead a certain one)."""
    if in_words(item.certainty) == "low":
        return Severity.tendency
    return knowledge_base.findings[item.id].value.severity
