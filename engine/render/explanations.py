"""Text for auditors' questions: why a rule, advice or finding did not come, the rules that
nearly fired, and what changed between two reports (what-if and audit replay)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .safe_text import plain_text

if TYPE_CHECKING:
    from ..explain.diff import ReportDiff
    from ..explain.why_not import BranchCheck, WhyNot


def render_why_not_text(answer: WhyNot) -> str:
    """One block per rule branch: each condition with a mark, the first failure highlighted."""
    lines = [f"Why not {answer.target}? {answer.summary[0].upper()}{answer.summary[1:]}."]
    for branch in answer.branches:
        lines += ["", _branch_heading(branch)]
        lines += _branch_lines(branch)
    return plain_text("\n".join(lines) + "\n")


def render_near_misses_text(misses: list[BranchCheck]) -> str:
    """Rules that nearly fired, each with the one condition that failed."""
    if not misses:
        return "No rule missed by a single condition.\n"
    lines = [f"{len(misses)} rule(s) missed firing by one condition:"]
    for branch in misses:
        lines += ["", _branch_heading(branch)]
        lines += _branch_lines(branch)
    return plain_text("\n".join(lines) + "\n")


def _branch_heading(branch: BranchCheck) -> str:
    alternative = f" (alternative {branch.branch + 1})" if branch.branch else ""
    state = "fired" if branch.fired else f"{branch.held} of {branch.total} conditions hold"
    return f"  rule {branch.rule}{alternative}: {branch.rule_title} [{state}]"


def _branch_lines(branch: BranchCheck) -> list[str]:
    lines = []
    first_failure_seen = False
    for check in branch.conditions:
        if check.held:
            mark = "  ok  "
        elif not first_failure_seen:
            mark, first_failure_seen = "  FAIL", True
        else:
            mark = "  no  "
        lines.append(f"  {mark} {check.condition}   [{check.path}]")
        lines.append(f"           {check.detail}")
    return lines


def render_diff_text(diff: ReportDiff, before_label: str, after_label: str) -> str:
    """The differences for people, one line per change."""
    lines = [f"Comparing {before_label} with {after_label}"]
    if diff.settings:
        lines.append("Changed: " + ", ".join(diff.settings))
    if diff.unchanged:
        lines.append("No difference: the same advice, findings and rules.")
        return plain_text("\n".join(lines) + "\n")
    for heading, changes in (("ADVICE", diff.advice), ("DIAGNOSIS", diff.diagnosis)):
        if not changes:
            continue
        lines += ["", heading]
        for change in changes:
            before = "-" if change.before is None else f"{change.before:.2f}"
            after = "-" if change.after is None else f"{change.after:.2f}"
            lines.append(f"  {change.change:<17} {change.id}: {change.title} ({before} -> {after})")
            if change.placed_before != change.placed_after:
                lines.append(
                    f"      {change.placed_before or 'not given'} -> "
                    f"{change.placed_after or 'not given'}"
                )
            if change.rules_added:
                lines.append(f"      now supported by: {', '.join(change.rules_added)}")
            if change.rules_removed:
                lines.append(f"      no longer supported by: {', '.join(change.rules_removed)}")
    if diff.rules_now_firing or diff.rules_no_longer_firing:
        lines += ["", "RULES"]
        if diff.rules_now_firing:
            lines.append("  now firing: " + ", ".join(diff.rules_now_firing))
        if diff.rules_no_longer_firing:
            lines.append("  no longer firing: " + ", ".join(diff.rules_no_longer_firing))
    return plain_text("\n".join(lines) + "\n")
