"""What a conclusion rests on, as the plan builder weighs it: the situation or the profiles,
a rule written for our role, the primary goal, and the gravest finding it answers.

The walk goes down through the firings that concluded each matched finding, so advice that
follows from a finding about an observation rests on that observation too.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Literal, NamedTuple

from ..schemas.conditions import applies_to
from ..schemas.facts import FactRecord, PositionOrigin, RuleOrigin
from ..schemas.kb import Severity
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.results import Firing, RunResult
from ..schemas.rules import Alternatives, Condition, Existence, Negation, Pattern
from .kb_cache import by_record, memo_of
from .run_index import RunIndex

Basis = Literal["observed", "situation", "profiles"]
BASIS_ORDER: dict[Basis, int] = {"profiles": 0, "situation": 1, "observed": 2}

# What the user states about these people and this case, beyond the two cultures and our role.
SITUATION_FACTS = frozenset(
    {"observation", "preference", "action", "person", "our_person", "party", "organisation"}
)
# What holds for a whole country: its profile scores, and the culture fact that names it (a
# score fact that is a person's own position is told apart by its origin).
NATIONAL_FACTS = frozenset({"score", "national_score", "score_spread", "culture"})
_SEVERITY_ORDER = (Severity.risk, Severity.problem, Severity.tendency)
_SEVERITY_PLACE = {severity: place for place, severity in enumerate(_SEVERITY_ORDER)}
_TENDENCY = _SEVERITY_PLACE[Severity.tendency]


def _tests_relationship(conditions: Iterable[Condition]) -> bool:
    """Whether a rule's own conditions (not its role guard) read the relationship."""
    for condition in conditions:
        if isinstance(condition, Pattern) and condition.fact_type == "relationship":
            return True
        if isinstance(condition, Existence) and any(
            pattern.fact_type == "relationship" for pattern in condition.exists
        ):
            return True
        if isinstance(condition, Alternatives) and any(
            _tests_relationship(branch) for branch in condition.any_
        ):
            return True
        if isinstance(condition, Negation):
            continue
    return False


def _on_situation(fact: FactRecord, reads_relationship: bool) -> bool:
    return (
        fact.type in SITUATION_FACTS
        or fact.origin.kind in ("calendar", "position")
        or (fact.type == "relationship" and reads_relationship)
    )


def _on_national_data(fact: FactRecord, _reads_relationship: bool) -> bool:
    # a national profile, or what holds for a whole country (a person's position does not)
    return fact.origin.kind == "profile" or (
        fact.type in NATIONAL_FACTS and fact.origin.kind != "position"
    )


def _on_self_assessment(fact: FactRecord, _reads_relationship: bool) -> bool:
    # a person's own answers to the questionnaire
    return isinstance(fact.origin, PositionOrigin) and fact.origin.basis != "observed"


def _on_primary_goal(fact: FactRecord, _reads_relationship: bool) -> bool:
    return fact.type == "goal" and fact.fields.get("primary") is True


_SITUATION, _NATIONAL, _SELF_ASSESSED, _GOAL = 1, 2, 4, 8


def _kinds_of(fact: FactRecord, reads_relationship: bool) -> int:
    """The kinds of ground (bits) a fact is by itself, for a firing of a rule that reads the
    relationship or not."""
    return (
        (_SITUATION if _on_situation(fact, reads_relationship) else 0)
        | (_NATIONAL if _on_national_data(fact, reads_relationship) else 0)
        | (_SELF_ASSESSED if _on_self_assessment(fact, reads_relationship) else 0)
        | (_GOAL if _on_primary_goal(fact, reads_relationship) else 0)
    )


def _kinds_alone(fact: FactRecord) -> int:
    return _kinds_of(fact, False)


class _Question:
    """One question asked of firings (does something of this kind lie below?) with what one
    run has answered so far: by finding fact, and by firing, the findings it must ask about in
    turn (the facts it matched, up to the first that answers it directly)."""

    def __init__(self, direct: Callable[[FactRecord, bool], bool], bit: int) -> None:
        self.direct = direct
        self.bit = bit
        self.by_fact: dict[int, bool] = {}
        self.by_firing: dict[int, tuple[tuple[int, ...], bool]] = {}
        self.asked: dict[int, bool] = {}
        """Answers given to callers, by firing (see ``Grounds._asked``)."""


class Weighed(NamedTuple):
    """What the plan weighs an advice by (see :func:`.plan.rank`)."""

    basis: Basis
    for_our_role: bool
    serves_primary_goal: bool
    gravest: Severity


class Grounds:
    """Answers, for the facts a firing matched, what they rest on (memoised per fact).

    ``in_order``, the facts rules concluded in dependency order (``SupportFinder.in_order``),
    says the run has no loop: each answer is then whether something of its kind lies anywhere
    below, and the four are found together, each fact once, after the facts it rests on. A run
    with a loop is walked question by question, a fact in the loop counting as 'no' while its
    own answer is under way."""

    def __init__(
        self,
        run: RunResult,
        knowledge_base: KnowledgeBase,
        in_order: tuple[int, ...] | None = None,
        index: RunIndex | None = None,
    ) -> None:
        """``index``: the run's index, when the caller has made one."""
        index = RunIndex.of(run, index)
        self.facts = index.facts
        self.firings = index.firings
        self._matched_facts = index.matched_facts
        self.knowledge_base = knowledge_base
        self._situation = _Question(_on_situation, _SITUATION)
        self._national = _Question(_on_national_data, _NATIONAL)
        self._self_assessed = _Question(_on_self_assessment, _SELF_ASSESSED)
        self._goal = _Question(_on_primary_goal, _GOAL)
        self._memo = memo_of(knowledge_base)
        self._gravest: dict[int, int] = {}
        self._in_order = in_order
        self._fact_kinds: dict[int, int] | None = None
        self._firing_kinds: dict[int, int] = {}
        self._direct: dict[tuple[int, bool], int] = {}
        self._profile_grounds = self._memo.profile_grounds

    def _used(self, firing: Firing) -> tuple[FactRecord, ...]:
        return self._matched_facts[firing.number]

    def _reads_relationship(self, rule_id: str) -> bool:
        known = self._memo.reads_relationship
        if rule_id not in known:
            known[rule_id] = _tests_relationship(self.knowledge_base.rule(rule_id).value.when)
        return known[rule_id]

    def _firing_answers(self, firing: Firing, question: _Question) -> bool:
        plan = question.by_firing.get(firing.number)
        if plan is None:
            reads_relationship = self._reads_relationship(firing.rule)
            findings: list[int] = []
            answered = False
            for fact in self._used(firing):
                if fact.type == "finding":
                    findings.append(fact.id)
                elif question.direct(fact, reads_relationship):
                    answered = True
                    break
            plan = question.by_firing[firing.number] = (tuple(findings), answered)
        findings_first, answered = plan
        # the findings are asked in the order the firing matched them, as each answer is
        # remembered on the way (and a cycle's first answer is what the others see)
        return any(self._fact_answers(fact_id, question) for fact_id in findings_first) or answered

    def _kinds_below(self, firing: Firing) -> int:
        """In a run without loops: the kinds of ground (bits) anywhere below a firing."""
        if self._fact_kinds is None:
            self._fact_kinds = {}
            for fact_id in self._in_order or ():
                origin = self.facts[fact_id].origin
                below = 0
                for number in origin.firings if isinstance(origin, RuleOrigin) else ():
                    below |= self._kinds_below(self.firings[number])
                self._fact_kinds[fact_id] = below
        kinds = self._firing_kinds.get(firing.number)
        if kinds is None:
            reads_relationship = self._reads_relationship(firing.rule)
            kinds = 0
            for fact in self._used(firing):
                if fact.type == "finding":
                    kinds |= self._fact_kinds.get(fact.id, 0)
                else:
                    kinds |= self._direct_kinds(fact, reads_relationship)
            self._firing_kinds[firing.number] = kinds
        return kinds

    def _direct_kinds(self, fact: FactRecord, reads_relationship: bool) -> int:
        # a fact is matched by many firings; only the relationship's answer depends on the rule
        key = (fact.id, reads_relationship and fact.type == "relationship")
        kinds = self._direct.get(key)
        if kinds is None:
            if fact.origin.kind == "profile" and not key[1]:
                # Runs share a profile's records (see kb_cache.profile_nodes), and what one is
                # depends on the record alone: worked out once for the knowledge base.
                kinds = by_record(self._profile_grounds, fact, _kinds_alone)
            else:
                kinds = _kinds_of(fact, reads_relationship)
            self._direct[key] = kinds
        return kinds

    def _asked(self, firing: Firing, question: _Question) -> bool:
        # Asked from outside, no fact is half-answered, so every answer the walk reads is
        # final: asked again, the
        # same walk would give the same answer. (Inside the walk a
        # firing's answer may still rest on a fact whose answer is under way, and is not kept.)
        if self._in_order is not None:
            return bool(self._kinds_below(firing) & question.bit)
        answer = question.asked.get(firing.number)
        if answer is None:
            answer = question.asked[firing.number] = self._firing_answers(firing, question)
        return answer

    def _fact_answers(self, fact_id: int, question: _Question) -> bool:
        answers = question.by_fact
        if fact_id not in answers:
            answers[fact_id] = False  # a cycle through this fact adds nothing
            origin = self.facts[fact_id].origin
            answers[fact_id] = isinstance(origin, RuleOrigin) and any(
                self._firing_answers(self.firings[number], question) for number in origin.firings
            )
        return answers[fact_id]

    def firing_rests_on_situation(self, firing: Firing) -> bool:
        """Whether what the scenario says beyond the cultures is anywhere below the firing."""
        return self._asked(firing, self._situation)

    def firing_rests_on_national_data(self, firing: Firing) -> bool:
        """Whether a national profile or a country's rules are anywhere below the firing."""
        return self._asked(firing, self._national)

    def firing_rests_on_self_assessment(self, firing: Firing) -> bool:
        """Whether a person's own answers to the questionnaire are anywhere below the firing."""
        return self._asked(firing, self._self_assessed)

    def basis(self, firings: Iterable[Firing]) -> Basis:
        """The most specific ground among the firings: 'observed' for one resting on what the
        user stated about these people alone (what was seen of a person's position included),
        'situation' for one reading that through national data or through a person's
        self-assessment (their view of themselves, not something seen), else 'profiles'."""
        found: Basis = "profiles"
        if self._in_order is not None:
            # without loops every kind of ground below a firing is known at once
            for firing in firings:
                kinds = self._kinds_below(firing)
                if kinds & _SITUATION:
                    if not kinds & (_NATIONAL | _SELF_ASSESSED):
                        return "observed"
                    found = "situation"
            return found
        for firing in firings:
            if not self.firing_rests_on_situation(firing):
                continue
            if not (
                self.firing_rests_on_national_data(firing)
                or self.firing_rests_on_self_assessment(firing)
            ):
                return "observed"
            found = "situation"
        return found

    def firing_serves_primary_goal(self, firing: Firing) -> bool:
        return self._asked(firing, self._goal)

    def weigh(self, firings: list[Firing]) -> Weighed:
        """Everything the plan weighs advice by, from the firings that support it."""
        if self._in_order is None:
            return Weighed(
                self.basis(firings),
                any(self.firing_is_for_our_role(firing) for firing in firings),
                any(self.firing_serves_primary_goal(firing) for firing in firings),
                self.gravest(firings),
            )
        # without loops each firing's kinds of ground are known at once: one pass
        basis: Basis = "profiles"
        for_our_role = serves_primary_goal = False
        gravest = _TENDENCY
        for firing in firings:
            kinds = self._kinds_below(firing)
            if kinds & _SITUATION and basis != "observed":
                basis = "situation" if kinds & (_NATIONAL | _SELF_ASSESSED) else "observed"
            serves_primary_goal = serves_primary_goal or bool(kinds & _GOAL)
            for_our_role = for_our_role or self.firing_is_for_our_role(firing)
            gravest = min(gravest, self._gravest_of(firing))
        return Weighed(basis, for_our_role, serves_primary_goal, _SEVERITY_ORDER[gravest])

    def firing_is_for_our_role(self, firing: Firing) -> bool:
        known = self._memo.for_our_role
        if firing.rule not in known:
            known[firing.rule] = bool(applies_to(self.knowledge_base.rule(firing.rule)))
        return known[firing.rule]

    def gravest(self, firings: Iterable[Firing]) -> Severity:
        """The most serious severity among the shown findings these firings matched."""
        return _SEVERITY_ORDER[min(map(self._gravest_of, firings), default=_TENDENCY)]

    def _gravest_of(self, firing: Firing) -> int:
        # the place in _SEVERITY_ORDER of the gravest finding one firing matched
        found = self._gravest.get(firing.number)
        if found is None:
            findings = self.knowledge_base.findings
            found = _TENDENCY  # the last place: a firing that matched no finding
            for fact in self._used(firing):
                if fact.type == "finding":
                    place = _SEVERITY_PLACE[findings[str(fact.fields["name"])].value.severity]
                    found = min(found, place)
            self._gravest[firing.number] = found
        return found
