"""Checks that a rule written for one side of a relationship says so.

A rule with no roles, of its own or from its file, applies to every role (:func:`applies_to`):
if what it concludes or advises speaks of selling, clients or vendors, a buyer or a manager
would get it too. Which words give a rule away is the KB's data (its lint file's
``role_words``), so a KB in another language or domain brings its own; a KB without them is
not checked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from ...schemas.conditions import applies_to
from ...schemas.knowledge_base import KnowledgeBase, Located
from ...schemas.rules import RuleSpec
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()


def role_words_pattern(words: Iterable[str]) -> re.Pattern[str] | None:
    """One pattern for all the words and phrases, each matched whole and in any case; a phrase
    matches across any spacing. None when there are no words."""
    alternatives = sorted(
        {r"\s+".join(re.escape(part) for part in word.split()) for word in words if word.split()},
        key=len,
        reverse=True,  # longest first, so a phrase wins over a word it starts with
    )
    if not alternatives:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(alternatives) + r")(?!\w)", re.IGNORECASE)


def _texts(rule: RuleSpec, knowledge_base: KnowledgeBase) -> Iterator[tuple[str, str]]:
    """What a reader of the rule's output reads: each finding it concludes and each advice it
    supports, as (what, text). Only titles and the main text: steps and caveats name examples
    ("not one sales deck") that do not make the advice one side's; advice a rule counts
    against is never given by it."""
    for finding_id in rule.then.conclude:
        if (finding := knowledge_base.findings.get(finding_id)) is not None:
            text = f"{finding.value.title} {finding.value.explanation}"
            yield f"the finding {finding_id!r}", text
    for advice_id, certainty in rule.then.support.items():
        if certainty > 0 and (advice := knowledge_base.advice.get(advice_id)) is not None:
            yield f"the advice {advice_id!r}", f"{advice.value.title} {advice.value.advice}"


def _spoken(
    rule: Located[RuleSpec], knowledge_base: KnowledgeBase, pattern: re.Pattern[str]
) -> list[str]:
    spoken = []
    for what, text in _texts(rule.value, knowledge_base):
        words = sorted({match.group(0).lower() for match in pattern.finditer(text)})
        if words:
            spoken.append(f"{what} speaks of {', '.join(repr(word) for word in words)}")
    return spoken


@FAMILY.looks_at_kb(
    "role-unguarded",
    Severity.warning,
    "A rule that applies to every role (no roles of its own or in its file) concludes a finding "
    "or supports advice that speaks of selling, clients or vendors (the lint file's "
    "role_words), so buyers and managers would get it too.",
)
def _unguarded(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    pattern = role_words_pattern(knowledge_base.lint_role_words)
    if pattern is None:
        return
    for rule in knowledge_base.rules:
        if applies_to(rule):
            continue
        spoken = _spoken(rule, knowledge_base, pattern)
        if spoken:
            yield check.finding(
                rule.location("id"),
                f"the rule {rule.value.id!r} applies to every role, but {'; '.join(spoken)}",
                "Add `roles:` to the rule, or to its rules file, naming those it is written "
                "for (seller, service_provider...); if it holds whoever we are, switch this "
                "check off for it in the lint file, with the reason.",
                item=rule.value.id,
            )
