"""Checks for rules that say the same thing twice: two rules with the same conditions, and a
rule whose patterns on the same kind of fact are not joined, so it matches each fact again for
every other one."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...schemas.conditions import Atom
from ...schemas.knowledge_base import KnowledgeBase, Located
from ...schemas.rules import Pattern, RuleSpec, Spread, VariableOperand
from .conditions import branches
from .registry import Check, Family, LintFinding, Severity

LISTED_FACT_TYPES = frozenset({"person", "our_person", "party", "action", "observation"})
"""Fact types a scenario may hold hundreds of (its lists, bounded in schemas/scenario.py);
two patterns on other types (a score per dimension, a finding per name) each match one fact."""

FAMILY = Family()


@FAMILY.looks_at_kb(
    "duplicate-conditions",
    Severity.warning,
    "Two rules have exactly the same conditions; merge them or make them differ.",
)
def _duplicate_conditions(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    seen: dict[str, Located[RuleSpec]] = {}
    for rule in knowledge_base.rules:
        key = json.dumps(
            [c.model_dump(mode="json", by_alias=True) for c in rule.value.when], sort_keys=True
        )
        if key in seen:
            first = seen[key]
            yield check.finding(
                rule.location("when"),
                f"the rule {rule.value.id!r} has the same conditions as "
                f"{first.value.id!r} ({first.location('when')})",
                "Merge the two rules, or make their conditions differ.",
                item=rule.value.id,
            )
        else:
            seen[key] = rule


@FAMILY.looks_at_kb(
    "cross-product",
    Severity.warning,
    "A rule has two patterns on the same kind of listed fact (people, parties, actions, "
    "observations) that share no variable, so it matches every combination of those facts.",
)
def _cross_product(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    for rule in knowledge_base.rules:
        for atoms in branches(rule):
            unjoined = _unjoined_repeat(atoms)
            if unjoined is None:
                continue
            first, second = unjoined
            fact_type = first.patterns[0].fact_type
            yield check.finding(
                rule.location(*second.path),
                f"the rule {rule.value.id!r} has two {fact_type!r} patterns that share no "
                f"variable (this one and {_path_text(first.path)}): it matches every pair of "
                f"{fact_type} facts, as many as the square of their number, and with a third "
                "such pattern the cube; a run stops at the match bound",
                "Join the patterns on a variable (as: x in one, {var: x} or as: x in the other), "
                "or say why each must be a different fact with a field test.",
                item=rule.value.id,
            )
            break  # one finding per rule: its other branches repeat the same patterns


def _unjoined_repeat(atoms: tuple[Atom, ...]) -> tuple[Atom, Atom] | None:
    """The first two positive patterns on one listed fact type that no chain of shared
    variables connects (a variable links every pattern that names it)."""
    patterns = [atom for atom in atoms if atom.kind == "pattern"]
    joined_to = list(range(len(patterns)))  # union-find over the patterns' positions

    def group(position: int) -> int:
        while joined_to[position] != position:
            position = joined_to[position]
        return position

    first_naming: dict[str, int] = {}
    for position, atom in enumerate(patterns):
        for name in _variables(atom.patterns[0]):
            if name in first_naming:
                joined_to[group(position)] = group(first_naming[name])
            else:
                first_naming[name] = position
    listed = [
        position
        for position, atom in enumerate(patterns)
        if atom.patterns[0].fact_type in LISTED_FACT_TYPES
    ]
    for index, first in enumerate(listed):
        for second in listed[index + 1 :]:
            same_type = (
                patterns[first].patterns[0].fact_type == patterns[second].patterns[0].fact_type
            )
            if same_type and group(first) != group(second):
                return patterns[first], patterns[second]
    return None


def _variables(pattern: Pattern) -> set[str]:
    names: set[str] = set()
    for test in pattern.tests.values():
        if test.as_ is not None:
            names.add(test.as_)
        for operand in (test.not_, *(operand for _, operand in test.comparisons())):
            if isinstance(operand, VariableOperand | Spread):
                names.add(operand.var)
    return names


def _path_text(path: tuple[str | int, ...]) -> str:
    return ".".join(str(part) for part in path)
