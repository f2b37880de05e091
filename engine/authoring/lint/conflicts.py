"""Checks for rules that work against each other: conflicting advice given in one run, and a
negation tested before the finding it tests can exist."""

from __future__ import annotations

from collections.abc import Iterator

from ...schemas.conditions import Branch
from ...schemas.knowledge_base import KnowledgeBase
from ...schemas.rules import RuleSpec
from .conditions import branches, finding_names
from .exclusivity import Exclusivity
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()


@FAMILY.looks_at_kb(
    "conflicting-advice",
    Severity.warning,
    "Two pieces of advice pull one behaviour axis in opposite directions (their stances), or "
    "declare a conflict, and rules of equal specificity can give both in one run: the plan "
    "will show them as a trade-off.",
)
def _conflicting_advice(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    exclusivity = Exclusivity(knowledge_base)
    supporters: dict[str, list[tuple[str, Branch]]] = {}
    for rule in knowledge_base.rules:
        for advice_id, certainty in rule.value.then.support.items():
            if certainty > 0:
                supporters.setdefault(advice_id, []).extend(
                    (rule.value.id, branch) for branch in exclusivity.branches_of[rule.value.id]
                )
    for (first, second), (where, what) in _opposed(knowledge_base).items():
        together = next(
            (
                (rule_a, rule_b)
                for rule_a, branch_a in supporters.get(first, [])
                for rule_b, branch_b in supporters.get(second, [])
                if _left_to_the_plan(exclusivity, branch_a, branch_b)
                and not exclusivity.exclusive(branch_a, branch_b)
            ),
            None,
        )
        if together:
            yield check.finding(
                knowledge_base.advice[first].location(*where),
                f"{first!r} and {second!r} {what}, yet rules of equal specificity can give "
                f"both in one run ({together[0]!r} and {together[1]!r} do not exclude each "
                "other, and neither rests on the situation or a role more than the other)",
                "Guard one rule so that they exclude each other (for example, not when the "
                "finding the other needs is present), make one rest on what the user observes, "
                "or keep the trade-off knowingly (disable this check for these advice ids with "
                "a reason).",
                item=first,
            )


def _left_to_the_plan(exclusivity: Exclusivity, first: Branch, second: Branch) -> bool:
    """Whether a run giving both would show them as a trade-off because of the knowledge base:
    equally specific, and not both resting on what the user stated alone (a user who states
    both a liking for strict and for flexible schedules sees the trade-off they wrote)."""
    specificity = exclusivity.specificity(first)
    return specificity == exclusivity.specificity(second) and specificity[0] < 2


def _opposed(
    knowledge_base: KnowledgeBase,
) -> dict[tuple[str, str], tuple[tuple[str | int, ...], str]]:
    """Every pair of advice that cannot both be followed, with where and how they clash."""
    found: dict[tuple[str, str], tuple[tuple[str | int, ...], str]] = {}
    items = sorted(knowledge_base.advice.items())
    for index, (first, advice) in enumerate(items):
        for second, other in items[index + 1 :]:
            for axis, pole in advice.value.stances.items():
                theirs = other.value.stances.get(axis)
                if theirs is not None and theirs is not pole:
                    found[(first, second)] = (
                        ("stances", axis.value),
                        f"pull {axis.value} opposite ways ({pole.value} and {theirs.value})",
                    )
            if (first, second) in found:
                continue
            if second in advice.value.conflicts_with:
                position = advice.value.conflicts_with.index(second)
                found[(first, second)] = (("conflicts_with", position), "are declared to conflict")
            elif first in other.value.conflicts_with:
                found[(first, second)] = (("conflicts_with",), "are declared to conflict")
    return found


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
