"""Checks for where a KB is thin: a finding no rule concludes, a score a profile lacks.

Neither stops a run or misleads it (a missing score is shown as missing, never as zero), so
both are only information.
"""

from __future__ import annotations

from collections.abc import Iterator

from ...schemas.knowledge_base import KnowledgeBase
from .registry import Check, Family, LintFinding, Severity

FAMILY = Family()


@FAMILY.looks_at_kb("unused-finding", Severity.info, "No rule concludes a finding.")
def _unused_findings(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    concluded = {finding for rule in knowledge_base.rules for finding in rule.value.then.conclude}
    for finding_id, finding in knowledge_base.findings.items():
        if finding_id not in concluded:
            yield check.finding(
                finding.location("id"),
                f"no rule concludes the finding {finding_id!r}",
                item=finding_id,
            )


@FAMILY.looks_at_kb(
    "profile-missing-scores",
    Severity.info,
    "A culture profile marks a score as missing, or lacks a dimension of a framework it "
    "otherwise has (missing is shown as missing, never as zero).",
)
def _profile_gaps(check: Check, knowledge_base: KnowledgeBase) -> Iterator[LintFinding]:
    """Dimensions a profile marks as missing, or leaves out of a framework it otherwise uses."""
    framework = {d: dimension.value.framework for d, dimension in knowledge_base.dimensions.items()}
    for code, culture in sorted(knowledge_base.cultures.items()):
        scores = culture.value.scores
        used = {framework.get(d) for d, score in scores.items() if score.value is not None}
        missing = [
            d
            for d, name in framework.items()
            if (d in scores and scores[d].value is None) or (d not in scores and name in used)
        ]
        if missing:
            yield check.finding(
                culture.location("country"),
                f"the {culture.value.name} profile has no {', '.join(missing)} score",
                item=code,
            )
