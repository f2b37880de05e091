"""Run every check over a KB, apply its lint settings, and keep what the chosen layer owns."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from ...errors import KnowledgeBaseError, Problem, ProblemCode
from ...load.cache import code_stamp, knowledge_base_key, read_derived, write_derived
from ...load.discovery import kb_digest, resolve_roots
from ...load.loader import inspect_knowledge_base
from ...load.problem_codes import load_checks
from ...schemas.base import Frozen
from ..layers import shown_path
from . import configuration, conflicts, gaps, overlaps, reachability, roles
from .registry import Check, LintFinding, Severity

# The order of the listing: load-time checks first, then each family's in the order it
# declares them.
_FAMILIES = (
    reachability.FAMILY,
    overlaps.FAMILY,
    conflicts.FAMILY,
    configuration.FAMILY,
    gaps.FAMILY,
    roles.FAMILY,
)

# Load-time problems stop a KB from loading, so every load-time check is an error.
_LOAD_CHECKS: dict[ProblemCode, Check] = {
    code: Check(code.value, Severity.error, description) for code, description in load_checks()
}


def _by_id(checks: Sequence[Check]) -> dict[str, Check]:
    found: dict[str, Check] = {}
    for check in checks:
        if check.id in found:  # a KB's exclusions name checks by id, so ids must be unique
            raise ValueError(f"two lint checks have the id {check.id!r}")
        found[check.id] = check
    return found


CHECKS = _by_id([*_LOAD_CHECKS.values(), *(check for f in _FAMILIES for check in f.checks)])


class LintReport(Frozen):
    findings: tuple[LintFinding, ...]
    counts: dict[str, int]
    excluded: int
    layer: str = Field(
        default="",
        description="the KB directory reported on (findings in its files or caused by them); "
        "empty when every layer is",
    )
    left_out: int = Field(default=0, description="findings of the other layers not reported")

    def fails(self, fail_on: Severity) -> bool:
        levels = (
            [Severity.error] if fail_on == Severity.error else [Severity.error, Severity.warning]
        )
        return any(finding.severity in levels for finding in self.findings)


def finding_of_problem(problem: Problem) -> LintFinding:
    """The lint finding for a problem the loader reported."""
    check = _LOAD_CHECKS.get(problem.code) if problem.code is not None else None
    if check is None:
        # Lint would have to guess the check, and a KB could not switch it off by name.
        raise LookupError(
            f"the loader reported a problem that no lint check covers (code {problem.code!r}): "
            f"{problem}"
        )
    field = f" (at {problem.field})" if problem.field else ""
    return check.finding(problem.location, problem.message + field, problem.hint)


def lint_knowledge_base(
    roots: Path | Sequence[Path] | None = None, *, all_layers: bool = False
) -> LintReport:
    """Every problem in the KB directories, minus what the KB's lint exclusions switch off.

    For a stacked KB, unless ``all_layers``, only what the outermost layer brings: the findings
    the layers below it do not have on their own. That is every finding in its files, and
    those it causes in theirs (its rule giving their advice a conflict, say), while what it
    fixes there (their advice no rule supported) is gone from both.
    """
    directories = resolve_roots(roots)
    kept, excluded = _lint(directories)
    if all_layers or len(directories) < 2:
        return _report(kept, len(excluded))
    below_kept, below_excluded = _lint_below(directories[:-1])
    own = _without(kept, below_kept)
    return _report(
        own,
        len(_without(excluded, below_excluded)),
        layer=str(shown_path(directories[-1])),
        left_out=len(kept) - len(own),
    )


# The code whose change may change a finding: the loader's (in the KB key), the checks, and what
# the checks read of the explainer and the condition language.
_CODE_THAT_FINDS = ("authoring", "explain", "rules")


def _lint_below(directories: list[Path]) -> tuple[list[LintFinding], list[LintFinding]]:
    """:func:`_lint` of the layers under the one reported on, kept in the cache under their
    digest: they are the shipped KB nearly always, the same on every save of an extension."""
    try:
        key = [
            code_stamp(*_CODE_THAT_FINDS),
            knowledge_base_key(directories, kb_digest(directories)),
        ]
    except KnowledgeBaseError:  # a folder that cannot be walked: its findings say so
        return _lint(directories)
    stored = read_derived("lint-below", key)
    try:
        return (
            [LintFinding.model_validate(item) for item in stored["kept"]],
            [LintFinding.model_validate(item) for item in stored["excluded"]],
        )
    except (TypeError, KeyError, ValueError):  # none stored, or not what this code writes
        pass
    kept, excluded = _lint(directories)
    payload = {
        "kept": [finding.model_dump(mode="json") for finding in kept],
        "excluded": [finding.model_dump(mode="json") for finding in excluded],
    }
    write_derived("lint-below", key, payload)
    return kept, excluded


def _without(findings: list[LintFinding], others: list[LintFinding]) -> list[LintFinding]:
    """``findings`` less one of each equal finding in ``others`` (equal in every field)."""
    remaining = Counter(others)
    kept = []
    for finding in findings:
        if remaining[finding]:
            remaining[finding] -= 1
        else:
            kept.append(finding)
    return kept


def _report(
    findings: list[LintFinding], excluded: int, layer: str = "", left_out: int = 0
) -> LintReport:
    counts = {
        severity.value: sum(1 for f in findings if f.severity == severity) for severity in Severity
    }
    return LintReport(
        findings=tuple(findings), counts=counts, excluded=excluded, layer=layer, left_out=left_out
    )


def _lint(directories: list[Path]) -> tuple[list[LintFinding], list[LintFinding]]:
    """The findings kept, in report order, and those the KB's exclusions switch off."""
    knowledge_base, problems = inspect_knowledge_base(directories)
    findings = [finding_of_problem(problem) for problem in problems]
    for family in _FAMILIES:
        for check, look in family.whole_kb:
            findings.extend(look(check, knowledge_base))
    exclusions, config_problems = configuration.usable_exclusions(knowledge_base, CHECKS)
    findings.extend(config_problems)
    kept: list[LintFinding] = []
    excluded: list[LintFinding] = []
    for finding in findings:
        (excluded if configuration.excluded(finding, exclusions) else kept).append(finding)
    kept.sort(key=lambda f: (_location_key(f.location), f.check))
    return kept, excluded


def _location_key(location: str) -> tuple[str, int, int]:
    # Split from the right: a file name may itself contain ':'.
    parts = location.rsplit(":", 2)
    if len(parts) == 3 and parts[1].isdigit() and parts[2].isdigit():
        return parts[0], int(parts[1]), int(parts[2])
    return location, 0, 0
