"""Whether two rule branches can hold in the same run, and how specific a branch is.

Judged conservatively from the conditions alone: two branches exclude each other when one needs
a finding, or a fact such as a stated preference, that the other forbids, when they need
different values of a fact there is only one of (the goal, the relationship, an
organisation), opposite directions of one score gap, or disjoint ranges of one score. The
judgement follows chains: a branch that needs a finding holds only where some rule concluding
that finding holds, so when every such rule is excluded by the other branch, so is the branch
(up to :data:`MAX_CHAIN` findings deep).

Specificity is what the plan builder resolves contradictions by (:mod:`engine.explain.plan`):
a branch that reads what the user observed or stated about these people, directly or through
the findings it needs, and a rule written for some roles. Two contradictory pieces of advice
from branches of different specificity never reach a client together.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ...explain.grounds import NATIONAL_FACTS, SITUATION_FACTS
from ...schemas.conditions import Branch, applies_to
from ...schemas.knowledge_base import KnowledgeBase, Located
from ...schemas.rules import Pattern, RuleSpec, VariableOperand
from .conditions import branches, finding_names

MAX_CHAIN = 4
_SINGLE_FACTS = ("goal", "relationship", "organisation")
_STATED = SITUATION_FACTS | {"key_date", "relationship"}


@dataclass
class _Requirements:
    """What one branch requires, as far as exclusivity between rules can be judged."""

    values: dict[tuple[str, str], set[object]]
    needs: set[str]
    forbids: set[str]
    direction: dict[tuple[str, str], str]
    ranges: dict[tuple[str, str], tuple[float, float]]
    present: set[_Exact] = field(default_factory=set)
    absent: set[_Exact] = field(default_factory=set)


# A pattern that tests only plain equalities, as (fact type, ((field, value), ...)): a rule that
# needs `preference: {kind: detailed_contracts}` excludes one that forbids the same fact.
_Exact = tuple[str, tuple[tuple[str, object], ...]]


def _exact(pattern: Pattern) -> _Exact | None:
    tests = pattern.tests.items()
    if not tests or any(test.equals is None or test.as_ is not None for _, test in tests):
        return None
    if any(test.model_fields_set - {"equals"} for _, test in tests):
        return None
    return (pattern.fact_type, tuple(sorted((name, test.equals) for name, test in tests)))


def _requirements(branch: Branch) -> _Requirements:
    found = _Requirements({}, set(), set(), {}, {})
    for atom in branch:
        for pattern in atom.patterns:
            names = finding_names(pattern)
            exact = _exact(pattern) if atom.kind != "exists" or len(atom.patterns) == 1 else None
            if atom.kind == "not":
                found.forbids |= names if len(names) == 1 else set()
                found.absent |= {exact} if exact else set()
                continue
            found.present |= {exact} if exact else set()
            found.needs |= names if len(names) == 1 else set()
            if pattern.fact_type in _SINGLE_FACTS:
                for field, test in pattern.tests.items():
                    values: set[object] = (
                        {test.equals} if test.equals is not None else set(test.one_of or ())
                    )
                    if values:
                        key = (pattern.fact_type, field)
                        found.values[key] = found.values.get(key, values) & values
            if pattern.fact_type == "score":
                _score_requirements(pattern, found)
    return found


def _score_requirements(pattern: Pattern, found: _Requirements) -> None:
    side, dimension, value = (pattern.tests.get(name) for name in ("side", "dimension", "value"))
    if not (side and dimension and value and side.equals and dimension.equals):
        return
    key = (str(side.equals), str(dimension.equals))
    low, high = found.ranges.get(key, (float("-inf"), float("inf")))
    for operator, operand in value.comparisons():
        if isinstance(operand, VariableOperand):
            if operator in ("at_least", "above") and operand.plus > 0:
                found.direction[key] = "higher"
            elif operator in ("at_most", "below") and operand.plus < 0:
                found.direction[key] = "lower"
        elif isinstance(operand, float | int):
            if operator in ("at_least", "above"):
                low = max(low, float(operand))
            elif operator in ("at_most", "below"):
                high = min(high, float(operand))
    found.ranges[key] = (low, high)


def _directly_exclusive(a: _Requirements, b: _Requirements) -> bool:
    if a.needs & b.forbids or b.needs & a.forbids:
        return True
    if a.present & b.absent or b.present & a.absent:
        return True
    if any(key in b.values and not values & b.values[key] for key, values in a.values.items()):
        return True
    if any(key in b.direction and b.direction[key] != way for key, way in a.direction.items()):
        return True
    return any(
        key in b.ranges and (span[0] > b.ranges[key][1] or b.ranges[key][0] > span[1])
        for key, span in a.ranges.items()
    )


class Exclusivity:
    """Exclusivity and specificity of the branches of one knowledge base's rules."""

    def __init__(self, knowledge_base: KnowledgeBase) -> None:
        # Branches are keyed by identity: they are built once here and kept alive by these maps.
        self.concluders: dict[str, list[Branch]] = {}
        self.branches_of: dict[str, list[Branch]] = {}
        self.rule_of: dict[int, Located[RuleSpec]] = {}
        for rule in knowledge_base.rules:
            self.branches_of[rule.value.id] = branches(rule)
            for branch in self.branches_of[rule.value.id]:
                self.rule_of[id(branch)] = rule
                for finding in rule.value.then.conclude:
                    self.concluders.setdefault(finding, []).append(branch)
        self._requirements: dict[int, _Requirements] = {}
        self._stated: dict[int, bool] = {}
        self._national: dict[int, bool] = {}

    def requirements(self, branch: Branch) -> _Requirements:
        key = id(branch)
        if key not in self._requirements:
            self._requirements[key] = _requirements(branch)
        return self._requirements[key]

    def exclusive(self, first: Branch, second: Branch, depth: int = MAX_CHAIN) -> bool:
        """Whether the two branches can never hold in the same run."""
        a, b = self.requirements(first), self.requirements(second)
        if _directly_exclusive(a, b):
            return True
        if depth == 0:
            return False
        for needing, other, needs in ((first, second, a.needs), (second, first, b.needs)):
            for finding in needs:
                sources = self.concluders.get(finding, [])
                if sources and all(
                    source is not needing and self.exclusive(source, other, depth - 1)
                    for source in sources
                ):
                    return True
        return False

    def rests_on_situation(self, branch: Branch, depth: int = MAX_CHAIN) -> bool:
        """Whether the branch, whenever it holds, reads something the user stated about these
        people: directly, or through a finding every concluder of which does."""
        key = id(branch)
        if key in self._stated:
            return self._stated[key]
        self._stated[key] = False  # a cycle adds nothing
        stated = any(
            atom.kind != "not"
            and atom.path != ("roles",)
            and any(pattern.fact_type in _STATED for pattern in atom.patterns)
            for atom in branch
        )
        if not stated and depth > 0:
            stated = any(
                self.concluders.get(finding)
                and all(
                    self.rests_on_situation(source, depth - 1)
                    for source in self.concluders[finding]
                )
                for finding in self.requirements(branch).needs
            )
        self._stated[key] = stated
        return stated

    def may_rest_on_national_data(self, branch: Branch, depth: int = MAX_CHAIN) -> bool:
        """Whether the branch reads a profile or a country, directly or through some concluder
        of a finding it needs."""
        key = id(branch)
        if key in self._national:
            return self._national[key]
        self._national[key] = False
        national = any(
            atom.kind != "not" and any(p.fact_type in NATIONAL_FACTS for p in atom.patterns)
            for atom in branch
        )
        if not national and depth > 0:
            national = any(
                self.may_rest_on_national_data(source, depth - 1)
                for finding in self.requirements(branch).needs
                for source in self.concluders.get(finding, [])
            )
        self._national[key] = national
        return national

    def specificity(self, branch: Branch) -> tuple[int, bool]:
        """(basis, written for some roles), as the plan builder compares them: basis 2 for
        what the user stated alone, 1 for that read through national data, 0 for profiles."""
        basis = 0
        if self.rests_on_situation(branch):
            basis = 1 if self.may_rest_on_national_data(branch) else 2
        return (basis, bool(applies_to(self.rule_of[id(branch)])))
