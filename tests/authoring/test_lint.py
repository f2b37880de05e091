"""`compass kb lint`: one finding per seeded defect, at the right place, with the right check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.authoring.lint import (
    CHECKS,
    Check,
    Severity,
    finding_of_problem,
    lint_knowledge_base,
)
from synergy_compass.engine.authoring.lint.runner import _by_id
from synergy_compass.engine.errors import Location, Problem, ProblemCode

DEFECTS = Path(__file__).parents[1] / "fixtures" / "defect_kb"

EXPECTED = {
    ("score-out-of-range", "cultures/de.yaml:5:18"),
    ("profile-missing-scores", "cultures/de.yaml:2:12"),
    ("unsupported-advice", "defect-advice.yaml:2:9"),
    ("unused-finding", "defect-findings.yaml:2:9"),
    ("schema", "defects.yaml:9:5"),
    ("unknown-fact", "defects.yaml:17:13"),
    ("unknown-fact", "defects.yaml:24:20"),
    ("unknown-reference", "defects.yaml:32:22"),
    ("unknown-reference", "defects.yaml:36:15"),
    ("unbound-variable", "defects.yaml:53:47"),
    ("rule-never-fires", "defects.yaml:61:12"),
    ("rule-without-rationale", "defects.yaml:63:9"),
    ("rule-without-source", "defects.yaml:69:9"),
    ("duplicate-id", "rules.yaml:14:9"),
    ("duplicate-conditions", "rules.yaml:20:7"),
    ("conflicting-advice", "advice.yaml:15:22"),
    ("negation-order", "defects.yaml:98:14"),
}


def test_each_seeded_defect_is_found_once_at_its_place() -> None:
    report = lint_knowledge_base(DEFECTS)
    assert {(finding.check, finding.location) for finding in report.findings} == EXPECTED
    assert len(report.findings) == len(EXPECTED)
    assert report.excluded == 1  # push-hard's unsupported-advice, switched off with a reason
    assert report.fails(Severity.error)


def test_every_finding_says_what_and_how_to_fix() -> None:
    for finding in lint_knowledge_base(DEFECTS).findings:
        assert finding.severity == CHECKS[finding.check].severity
        if finding.severity != Severity.info:
            assert finding.hint, finding


def test_the_cli_exit_codes_and_formats(mini_kb: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(cli, ["kb", "lint", str(DEFECTS)])
    assert result.exit_code == 1
    assert (
        "defects.yaml:17:13: error[unknown-fact] unknown fact type 'gaol' (at when.0.gaol). "
        "Did you mean 'goal'?"
    ) in result.stdout
    assert result.stdout.strip().endswith(
        "10 errors, 5 warnings, 2 info; 1 switched off by the KB's lint settings"
    )
    clean = runner.invoke(cli, ["kb", "lint", str(mini_kb)])
    assert clean.exit_code == 0
    warned = runner.invoke(cli, ["kb", "lint", str(mini_kb), "--fail-on", "warning"])
    assert warned.exit_code == 1
    listed = runner.invoke(cli, ["kb", "lint", "--list-checks"])
    assert all(check_id in listed.stdout for check_id in CHECKS)


def test_the_shipped_kb_lints_clean_at_error_level() -> None:
    report = lint_knowledge_base()
    assert [str(f) for f in report.findings if f.severity == Severity.error] == []


def test_the_checks_are_listed_load_time_first_then_by_family() -> None:
    assert list(CHECKS) == [
        *(code.value for code in ProblemCode if code is not ProblemCode.cache),
        "rule-never-fires",
        "unsupported-advice",
        "duplicate-conditions",
        "cross-product",
        "conflicting-advice",
        "negation-order",
        "lint-config",
        "unused-finding",
        "profile-missing-scores",
        "role-unguarded",
    ]
    assert all(CHECKS[code].severity == Severity.error for code in ProblemCode if code in CHECKS)


def test_a_problem_becomes_a_finding_of_the_check_named_by_its_code() -> None:
    problem = Problem(
        Location("rules.yaml", 3, 5),
        "unknown fact type 'gaol'",
        "when.0.gaol",
        "Did you mean 'goal'?",
        code=ProblemCode.unknown_fact,
    )
    assert str(finding_of_problem(problem)) == (
        "rules.yaml:3:5: error[unknown-fact] unknown fact type 'gaol' (at when.0.gaol). "
        "Did you mean 'goal'?"
    )


@pytest.mark.parametrize("code", [None, ProblemCode.cache])
def test_a_problem_no_check_covers_is_a_loud_error_not_a_guess(code: ProblemCode | None) -> None:
    with pytest.raises(LookupError, match="no lint check covers"):
        finding_of_problem(Problem(Location("rules.yaml", 3, 5), "something", code=code))


def test_two_checks_cannot_share_an_id() -> None:
    with pytest.raises(ValueError, match="'twice'"):
        _by_id([Check("twice", Severity.info, "One."), Check("twice", Severity.info, "Two.")])


def test_opposite_stances_from_rules_that_need_and_forbid_one_stated_preference_are_exclusive(
    broken_kb: Callable[[str, str], Path],
) -> None:
    """Two pieces of advice pulling the schedule axis opposite ways, from equally specific
    rules (each reads a stated preference and a culture) where one needs a preference the other
    forbids: never in one run, no warning; without the guard, the warning names both rules."""
    advice = (
        "advice:\n"
        "  - {id: strict-times, title: S, advice: A, topic: time, stage: now,\n"
        "     sources: [test-source], stances: {schedule: strict}}\n"
        "  - {id: loose-times, title: L, advice: A, topic: time, stage: now,\n"
        "     sources: [test-source], stances: {schedule: flexible}}\n"
    )
    rules = (
        "rules:\n"
        "  - {id: strict-rule, title: S, rationale: R, sources: [test-source], topic: time,\n"
        "     when: [{preference: {kind: strict_schedules}}, {culture: {side: home}}],\n"
        "     then: {support: {strict-times: 0.6}}}\n"
        "  - {id: loose-rule, title: L, rationale: R, sources: [test-source], topic: time,\n"
        "     when: [GUARD{preference: {kind: flexible_schedules}},\n"
        "            {culture: {side: counterpart}}],\n"
        "     then: {support: {loose-times: 0.6}}}\n"
    )
    broken_kb("extra-advice.yaml", advice)
    guarded = broken_kb(
        "extra-rules.yaml",
        rules.replace("GUARD", "{not: {preference: {kind: strict_schedules}}}, "),
    )
    findings = lint_knowledge_base(guarded).findings
    assert not [finding for finding in findings if finding.severity == "error"]
    assert not [finding for finding in findings if finding.check == "conflicting-advice"]
    open_kb = broken_kb("extra-rules.yaml", rules.replace("GUARD", ""))
    (warning,) = [
        f for f in lint_knowledge_base(open_kb).findings if f.check == "conflicting-advice"
    ]
    assert "'loose-rule'" in warning.message
    assert "'strict-rule'" in warning.message
    assert "schedule opposite ways" in warning.message
