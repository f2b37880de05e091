"""Checks for rules that work against each other: conflicting advice given in one run, and a
negation tested before the finding it tests can exist."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...schemas.conditions import Branch
from ...schemas.knowledge_base import KnowledgeBase
from ...schemas.rules import Pattern, RuleSpec, VariableOperand
from .conditions import branches, finding_names
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()

_SINGLE_FACTS = ("goal", "relationship", "organisation")


@dataclass
class _Requirements:
    """What one branch requires, as far as exclusivity between rules can be judged."""

    values: dict[tuple[str, str], set[object]]
    needs: set[str]
    forbids: set[str]
    direction: dict[tuple[str, str], str]
    ranges: dict[tuple[str, str], tuple[float, float]]


def _requirements(branch: Branch) -> _Requirements:
    found = _Requirements({}, set(), set(), {}, {})
    for atom in branch:
        for pattern in atom.patterns:
            names = finding_names(pattern)
            if atom.kind == "not":
                found.forbids |= names if len(names) == 1 else set()
                continue
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


def _exclusive(first: Branch, second: Branch) -> bool:
    """Whether two branches can never hold in the same run (judged conservatively)."""
    a, b = _requirements(first), _requirements(second)
    if a.needs & b.forbids or b.needs & a.forbids:
        return True
    if any(key in b.values and not values & b.values[key] for key, values in a.values.items()):
        return True
    if any(key in b.direction and b.direction[key] != way for key, way in a.direction.items()):
        return True
    return any(
        key in b.ranges and (span[0] > b.ranges[key][1] or b.ranges[key][0] > span[1])
        for key, span in a.ranges.items()
    )


@FAMILY.looks_at_kb(
    "conflicting-advice",
    Severity.warning,
    "Two pieces of advice are marked as "
    "conflicting, and rules that give each can fire in the same run.",
)
def _conflicting_advice(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    supporters: dict[str, list[tuple[str, Branch]]] = {}
    for rule in knowledge_base.rules:
        for advice_id, certainty in rule.value.then.support.items():
            if certainty > 0:
                supporters.setdefault(advice_id, []).extend(
                    (rule.value.id, branch) for branch in branches(rule)
                )
    reported: set[frozenset[str]] = set()
    for advice_id, advice in knowledge_base.advice.items():
        for index, other in enumerate(advice.value.conflicts_with):
            pair = frozenset((advice_id, other))
            if pair in reported:
                continue
            together = next(
                (
                    (rule_a, rule_b)
                    for rule_a, branch_a in supporters.get(advice_id, [])
                    for rule_b, branch_b in supporters.get(other, [])
                    if not _exclusive(branch_a, branch_b)
                ),
                None,
            )
            if together:
                reported.add(pair)
                yield check.finding(
                    advice.location("conflicts_with", index),
                    f"{advice_id!r} conflicts with {other!r}, yet both can be given in one run "
                    f"(rules {together[0]!r} and {together[1]!r} do not exclude each other)",
                    "Make the rules exclude each other, or keep the conflict flagged in the "
                    "output knowingly (disable this check for these advice ids with a reason).",
                    item=advice_id,
                )


@FAMILY.looks_at_kb(
    "negation-order",
    Severity.warning,
    "A rule tests that a finding is absent, but a rule that concludes that finding does "
    "not have a higher salience, so the first may fire before the finding exists "
    "(conclusions are never withdrawn).",
)
def _negation_order(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    concluders: dict[str, list[RuleSpec]] = {}
    for rule in knowledge_base.rules:
        for finding in rule.value.then.conclude:
            concluders.setdefault(finding, []).append(rule.value)
    for rule in knowledge_base.rules:
        reported: set[str] = set()
        for branch in branches(rule):
            for atom in branch:
                if atom.kind != "not":
                    continue
                for name in finding_names(atom.patterns[0]) - reported:
                    early = [
                        other
                        for other in concluders.get(name, [])
                        if other.salience <= rule.value.salience and other.id != rule.value.id
                    ]
                    if early:
                        reported.add(name)
                        yield check.finding(
                            rule.location(*atom.path),
                            f"the rule {rule.value.id!r} (salience {rule.value.salience}) tests "
                            f"that {name!r} is absent, but {early[0].id!r} concludes it at "
                            f"salience {early[0].salience}",
                            f"Give {early[0].id!r} a higher salience than {rule.value.salience}.",
                            item=rule.value.id,
                        )
