"""The KB's own lint settings: which checks a ``lint:`` file switches off, for which items."""

from __future__ import annotations

from collections.abc import Mapping

from ...errors import did_you_mean, shorten
from ...schemas.kb import LintExclusion
from ...schemas.knowledge_base import KnowledgeBase
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()

LINT_CONFIG = FAMILY.declare(
    "lint-config",
    Severity.error,
    "A lint exclusion names a check that does not exist, or tries to switch off a check "
    "whose findings stop the KB from loading.",
)


def usable_exclusions(
    knowledge_base: KnowledgeBase, checks: Mapping[str, Check]
) -> tuple[list[LintExclusion], list[LintFinding]]:
    """The exclusions that may apply, and a finding for each that may not."""
    usable, problems = [], []
    for located in knowledge_base.lint_exclusions:
        check = checks.get(located.value.check)
        if check is None:
            problems.append(
                LINT_CONFIG.finding(
                    located.location("check"),
                    f"there is no check called {shorten(located.value.check)!r}",
                    did_you_mean(located.value.check, checks)
                    or "See `compass kb lint --list-checks`.",
                )
            )
        elif check.severity == Severity.error:
            problems.append(
                LINT_CONFIG.finding(
                    located.location("check"),
                    f"the check {check.id!r} finds errors that stop the KB from loading; "
                    "it cannot be switched off",
                    "Fix what it reports instead.",
                )
            )
        else:
            usable.append(located.value)
    return usable, problems


def excluded(finding: LintFinding, exclusions: list[LintExclusion]) -> bool:
    return any(
        exclusion.check == finding.check and finding.item in exclusion.items
        for exclusion in exclusions
    )
