"""What the whole-KB checks read off a rule's conditions."""

from __future__ import annotations

from ...schemas.conditions import Branch, TooManyBranchesError, rule_branches
from ...schemas.knowledge_base import Located
from ...schemas.rules import Pattern, RuleSpec


def branches(rule: Located[RuleSpec]) -> list[Branch]:
    """The rule's branches, or none when they cannot be worked out."""
    try:
        return rule_branches(rule)
    except TooManyBranchesError:  # the loader's checks report it already
        return []


def finding_names(pattern: Pattern) -> set[str]:
    """The findings a pattern on the ``finding`` fact can match."""
    test = pattern.tests.get("name")
    if pattern.fact_type != "finding" or test is None:
        return set()
    if test.equals is not None:
        return {str(test.equals)}
    return {str(value) for value in test.one_of or ()}
