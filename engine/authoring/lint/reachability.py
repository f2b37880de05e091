"""Checks for what can never happen in a run: a rule that never fires, advice never given."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from ...schemas.conditions import Atom, Branch
from ...schemas.knowledge_base import KnowledgeBase
from .conditions import branches, finding_names
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()


@dataclass(frozen=True)
class _Available:
    """What the profiles can supply: dimensions with a score, and with other readings."""

    scored: frozenset[str]
    spread: frozenset[str]

    @classmethod
    def of(cls, knowledge_base: KnowledgeBase) -> _Available:
        scores = [
            (dimension, score)
            for culture in knowledge_base.cultures.values()
            for dimension, score in culture.value.scores.items()
            if score.value is not None
        ]
        return cls(
            frozenset(dimension for dimension, _score in scores),
            frozenset(dimension for dimension, score in scores if score.other_readings),
        )


def _producible_findings(
    by_rule: dict[str, list[Branch]], knowledge_base: KnowledgeBase, available: _Available
) -> set[str]:
    """Findings some chain of rules can conclude, starting from scenario and profile facts."""
    producible: set[str] = set()
    changed = True
    while changed:
        changed = False
        for rule in knowledge_base.rules:
            new = set(rule.value.then.conclude) - producible
            if new and any(
                _missing(branch, producible, available) is None for branch in by_rule[rule.value.id]
            ):
                producible |= new
                changed = True
    return producible


def _missing(
    branch: Branch, producible: set[str], available: _Available
) -> tuple[Atom, str] | None:
    """The first positive condition of a branch that nothing can satisfy, and why."""
    for atom in branch:
        if atom.kind == "not":
            continue
        for pattern in atom.patterns:
            names = finding_names(pattern)
            if names and not names & producible:
                return atom, f"the finding {sorted(names)[0]!r}, which no rule can conclude"
            dimension = pattern.tests.get("dimension")
            if pattern.fact_type in ("score", "score_spread") and dimension and dimension.equals:
                pool = available.spread if pattern.fact_type == "score_spread" else available.scored
                if dimension.equals not in pool:
                    what = (
                        "other readings for"
                        if pattern.fact_type == "score_spread"
                        else "a score on"
                    )
                    return atom, f"{what} {dimension.equals!r}, which no culture profile has"
    return None


@FAMILY.looks_at_kb(
    "rule-never-fires",
    Severity.warning,
    "A rule needs a fact that no scenario field, profile or rule can produce.",
)
def _never_fires(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    available = _Available.of(knowledge_base)
    by_rule = {rule.value.id: branches(rule) for rule in knowledge_base.rules}
    producible = _producible_findings(by_rule, knowledge_base, available)
    for rule in knowledge_base.rules:
        rule_branches = by_rule[rule.value.id]
        missing = [_missing(branch, producible, available) for branch in rule_branches]
        if rule_branches and all(missing):
            atom, why = missing[0]  # type: ignore[misc]
            yield check.finding(
                rule.location(*atom.path),
                f"the rule {rule.value.id!r} can never fire: it needs {why}",
                "Add a rule that concludes it, or remove the condition.",
                item=rule.value.id,
            )


@FAMILY.looks_at_kb(
    "unsupported-advice",
    Severity.warning,
    "No rule supports an advice, so it can never be given.",
)
def _unsupported_advice(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    supported = {
        advice
        for rule in knowledge_base.rules
        for advice, certainty in rule.value.then.support.items()
        if certainty > 0
    }
    for advice_id, advice in knowledge_base.advice.items():
        if advice_id not in supported:
            yield check.finding(
                advice.location("id"),
                f"no rule supports the advice {advice_id!r}, so it is never given",
                "Write a rule that supports it, or remove it.",
                item=advice_id,
            )
