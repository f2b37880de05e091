"""Checks for rules that say the same thing twice."""

from __future__ import annotations

import json
from collections.abc import Iterator

from ...schemas.knowledge_base import KnowledgeBase, Located
from ...schemas.rules import RuleSpec
from .registry import Check, Family, LintFinding, Severity

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
