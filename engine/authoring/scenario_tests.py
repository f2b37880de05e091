"""``compass kb test``: the example scenarios as the KB's test suite.

Each scenario in a KB's ``scenarios/`` folder can state advice that must and must not be given,
findings that must be diagnosed, and known gaps (``todo``) that are reported but never fail,
like Semgrep's ``todoruleid``. Coverage then asks what the suite leaves untested: rules that
never fired, advice never expected, rules with no negative test, and conditions that never
decided a rule's outcome (no scenario where that condition alone failed).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from ..errors import ScenarioError
from ..load.discovery import SCENARIO_DIRECTORY
from ..load.scenario import load_scenario
from ..pipeline import explained_run
from ..run.compiler import CompiledKB
from ..schemas.base import Frozen
from ..schemas.results import RunResult
from ..schemas.scenario import Expectations, Scenario


class ScenarioOutcome(Frozen):
    scenario: str
    title: str
    passed: bool
    missing_advice: tuple[str, ...] = ()
    unexpected_advice: tuple[str, ...] = ()
    missing_findings: tuple[str, ...] = ()
    unexpected_findings: tuple[str, ...] = ()
    todo_still_open: tuple[str, ...] = ()
    todo_now_passing: tuple[str, ...] = ()
    error: str = ""
    stated: bool = Field(
        default=True,
        description="false for a scenario that states no expectations: it ran without error, "
        "but tests nothing, and is not counted as passed",
    )


class RuleTally(Frozen):
    rule: str
    fired: int
    expected: int
    wrong: int


class KBTestReport(Frozen):
    scenarios: tuple[ScenarioOutcome, ...]
    rules: tuple[RuleTally, ...]
    passed: int
    failed: int
    without_expectations: int = 0

    @property
    def ok(self) -> bool:
        return self.failed == 0


class _SuiteRun(Frozen):
    path: str
    scenario: Scenario
    result: RunResult
    given: frozenset[str]
    diagnosed: frozenset[str]


def scenario_files(compiled: CompiledKB) -> list[Path]:
    return sorted(
        path
        for root in compiled.knowledge_base.roots
        for path in (Path(root) / SCENARIO_DIRECTORY).glob("*.yaml")
    )


def _run_suite(
    compiled: CompiledKB, paths: Sequence[Path]
) -> tuple[list[_SuiteRun], list[ScenarioOutcome]]:
    runs, broken = [], []
    for path in paths:
        try:
            scenario = load_scenario(path, compiled.knowledge_base.countries).scenario
        except ScenarioError as error:
            broken.append(
                ScenarioOutcome(scenario=path.name, title="", passed=False, error=str(error))
            )
            continue
        explained = explained_run(scenario, compiled)
        runs.append(
            _SuiteRun(
                path=path.name,
                scenario=scenario,
                result=explained.result,
                given=frozenset(item.id for item in explained.report.given),
                diagnosed=frozenset(item.id for item in explained.report.diagnosis),
            )
        )
    return runs, broken


def _outcome(suite_run: _SuiteRun) -> ScenarioOutcome:
    expected = suite_run.scenario.expectations
    missing = tuple(sorted(set(expected.must_advise) - suite_run.given))
    unexpected = tuple(sorted(set(expected.must_not_advise) & suite_run.given))
    findings = tuple(sorted(set(expected.must_diagnose) - suite_run.diagnosed))
    wrong_findings = tuple(sorted(set(expected.must_not_diagnose) & suite_run.diagnosed))
    produced = suite_run.given | suite_run.diagnosed
    return ScenarioOutcome(
        scenario=suite_run.path,
        title=suite_run.scenario.title,
        passed=not (missing or unexpected or findings or wrong_findings),
        missing_advice=missing,
        unexpected_advice=unexpected,
        missing_findings=findings,
        unexpected_findings=wrong_findings,
        todo_still_open=tuple(sorted(set(expected.todo) - produced)),
        todo_now_passing=tuple(sorted(set(expected.todo) & produced)),
        stated=expected != Expectations(),
    )


def run_kb_tests(compiled: CompiledKB) -> KBTestReport:
    """Run every scenario's expectations; tally, per rule, fired / expected / wrong."""
    runs, broken = _run_suite(compiled, scenario_files(compiled))
    outcomes = [_outcome(suite_run) for suite_run in runs] + broken
    fired: Counter[str] = Counter()
    expected: Counter[str] = Counter()
    wrong: Counter[str] = Counter()
    for suite_run in runs:
        wanted = set(suite_run.scenario.expectations.must_advise) | set(
            suite_run.scenario.expectations.must_diagnose
        )
        unwanted = set(suite_run.scenario.expectations.must_not_advise) | set(
            suite_run.scenario.expectations.must_not_diagnose
        )
        for rule_id in {firing.rule for firing in suite_run.result.firings}:
            then = compiled.knowledge_base.rule(rule_id).value.then
            produces = set(then.conclude) | {a for a, c in then.support.items() if c > 0}
            fired[rule_id] += 1
            expected[rule_id] += bool(produces & wanted)
            wrong[rule_id] += bool(produces & unwanted)
    tallies = tuple(
        RuleTally(
            rule=rule.value.id,
            fired=fired[rule.value.id],
            expected=expected[rule.value.id],
            wrong=wrong[rule.value.id],
        )
        for rule in compiled.knowledge_base.rules
    )
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    untested = sum(1 for outcome in outcomes if outcome.passed and not outcome.stated)
    return KBTestReport(
        scenarios=tuple(outcomes),
        rules=tallies,
        passed=len(outcomes) - failed - untested,
        failed=failed,
        without_expectations=untested,
    )
