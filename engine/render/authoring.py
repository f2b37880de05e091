"""Text for knowledge engineers: KB test results, coverage, statistics, lint findings and the
list of lint checks. Each command's JSON comes from its model; these are the forms people read."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..authoring.lint import CHECKS
from .safe_text import plain_text

if TYPE_CHECKING:
    from ..authoring.coverage import CoverageReport
    from ..authoring.lint import LintReport
    from ..authoring.scenario_tests import KBTestReport
    from ..authoring.stats import KnowledgeBaseStats


def render_test_text(report: KBTestReport) -> str:
    lines = []
    for outcome in report.scenarios:
        mark = ("PASS" if outcome.stated else "RAN ") if outcome.passed else "FAIL"
        lines.append(f"{mark}  {outcome.scenario}  {outcome.title}")
        if outcome.error:
            lines.append(f"      {outcome.error}")
        lines += [f"      {message}" for message in outcome.unknown_ids]
        for label, items in (
            ("advice that should have been given", outcome.missing_advice),
            ("advice that should not have been given", outcome.unexpected_advice),
            ("findings that should have been diagnosed", outcome.missing_findings),
            ("findings that should not have been diagnosed", outcome.unexpected_findings),
            ("todo, still open", outcome.todo_still_open),
            ("todo, now passing (move it to the expectations)", outcome.todo_now_passing),
        ):
            if items:
                lines.append(f"      {label}: {', '.join(items)}")
    lines.append("")
    untested = (
        f", {report.without_expectations} ran without expectations (they test nothing yet)"
        if report.without_expectations
        else ""
    )
    lines.append(f"{report.passed} passed, {report.failed} failed{untested}")
    if report.layer:
        lines.append(_layer_note(report.layer, report.left_out, "scenarios", "runs"))
    return plain_text("\n".join(lines) + "\n")


def _layer_note(layer: str, left_out: int, what: str, verb: str) -> str:
    """The last line of a report on one layer of a stacked KB: which, and what it leaves out."""
    where = "in this folder" if layer == "." else layer
    others = f", not the {left_out} {what} of the layers below it" if left_out else ""
    return f"(only the layer {where}{others}; --all {verb} every layer's)"


def render_coverage_text(report: CoverageReport) -> str:
    lines = [
        f"rules fired in at least one scenario: {report.rules_fired} of {report.rules} "
        f"({report.rule_coverage_percent}%)",
        f"conditions that alone decided a rule's outcome somewhere: "
        f"{report.conditions - len(report.conditions_never_deciding)} of {report.conditions} "
        f"({report.condition_coverage_percent}%)",
        f"advice never expected by a scenario: {len(report.advice_never_expected)} of "
        f"{report.advice}",
        f"rules with no negative test: {len(report.rules_without_negative_test)} of {report.rules}",
    ]
    for title, items in (
        ("Rules that never fired", report.rules_never_fired),
        ("Advice never expected", report.advice_never_expected),
        ("Rules without a negative test", report.rules_without_negative_test),
        ("Conditions that never decided an outcome", report.conditions_never_deciding),
    ):
        if items:
            lines += ["", f"{title}:"] + [f"  {item}" for item in items]
    if report.layer:
        lines += ["", _layer_note(report.layer, report.left_out, "rules", "counts")]
    return plain_text("\n".join(lines) + "\n")


def render_stats_text(stats: KnowledgeBaseStats) -> str:
    """The counts as aligned lines for people."""
    lines = [
        f"{stats.name} {stats.version} ({stats.digest[:12]})",
        f"  countries      {stats.countries}  ("
        + ", ".join(f"{name}: {count}" for name, count in stats.countries_by_framework.items())
        + ")",
        f"  dimensions     {stats.dimensions}",
        f"  rules          {stats.rules}  (with sources: {stats.rules_with_sources}, with "
        f"rationale: {stats.rules_with_rationale})",
        f"  findings       {stats.findings}",
        f"  advice         {stats.advice}  (with steps: {stats.advice_with_steps})",
        f"  sources        {stats.sources}",
        f"  scenarios      {stats.scenarios}",
        "  rules by topic",
    ]
    lines += [f"    {topic:<16} {count}" for topic, count in stats.topics.items()]
    return plain_text("\n".join(lines) + "\n")


def render_lint_text(report: LintReport) -> str:
    lines = [str(finding) for finding in report.findings]
    plural = {"error": "errors", "warning": "warnings", "info": "info"}
    summary = ", ".join(
        f"{count} {severity if count == 1 else plural[severity]}"
        for severity, count in report.counts.items()
    )
    excluded = (
        f"; {report.excluded} switched off by the KB's lint settings" if report.excluded else ""
    )
    lines.append(f"{summary}{excluded}")
    if report.layer:
        lines.append(_layer_note(report.layer, report.left_out, "findings", "shows"))
    return plain_text("\n".join(lines) + "\n")


def render_checks_text() -> str:
    width = max(len(check_id) for check_id in CHECKS)
    return "".join(
        f"{check.id:<{width}}  {check.severity.value:<7}  {check.description}\n"
        for check in CHECKS.values()
    )
