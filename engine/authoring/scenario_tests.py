"""``compass kb test``: the example scenarios as the KB's test suite.

Each scenario in a KB's ``scenarios/`` folder can state advice that must and must not be given,
findings that must be diagnosed, and known gaps (``todo``) that are reported but never fail,
like Semgrep's ``todoruleid``. An id in the expectations that the KB does not have is a
failure of its own, located, with the closest ids (a misspelt expectation could otherwise never
pass, or never fail). Coverage (:mod:`.coverage`) asks what the suite leaves untested.

With a stacked KB only the outermost layer's scenarios run, and only its rules are tallied,
unless every layer is asked for (:mod:`.layers`).
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from pydantic import Field

from ..errors import Problem, ScenarioError, did_you_mean
from ..load.discovery import example_scenarios
from ..load.scenario import LoadedScenario, load_scenario
from ..pipeline import explained_run
from ..run.compiler import CompiledKB
from ..schemas.base import Frozen
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.results import RunResult
from ..schemas.scenario import Expectations, Scenario
from .layers import LayerScope, shown_path


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
    unknown_ids: tuple[str, ...] = Field(
        default=(),
        description="one located message per id in the expectations that names no advice or "
        "finding of the KB, with the closest ids; each fails the scenario",
    )
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
    layer: str = Field(
        default="",
        description="the KB directory whose scenarios ran and whose rules are tallied; empty "
        "when every layer's were",
    )
    left_out: int = Field(default=0, description="scenarios of the other layers that did not run")

    @property
    def ok(self) -> bool:
        return self.failed == 0


class _SuiteRun(Frozen):
    path: str
    scenario: Scenario
    result: RunResult
    given: frozenset[str]
    diagnosed: frozenset[str]
    unknown_ids: frozenset[str] = frozenset()
    unknown_messages: tuple[str, ...] = ()


def scenario_files(compiled: CompiledKB) -> list[Path]:
    return example_scenarios([Path(root) for root in compiled.knowledge_base.roots])


def _run_suite(
    compiled: CompiledKB, paths: Sequence[Path]
) -> tuple[list[_SuiteRun], list[ScenarioOutcome]]:
    runs, broken = [], []
    for path in paths:
        try:
            loaded = load_scenario(path, compiled.knowledge_base.countries)
        except ScenarioError as error:
            problems = [_named_from_here(problem, path) for problem in error.problems]
            message = "\n".join(map(str, problems))
            broken.append(
                ScenarioOutcome(scenario=path.name, title="", passed=False, error=message)
            )
            continue
        # expectations read what was given and diagnosed, never the HOW trees
        explained = explained_run(loaded.scenario, compiled, how_trees=False)
        unknown = _unknown_ids(loaded, compiled.knowledge_base, path)
        runs.append(
            _SuiteRun(
                path=path.name,
                scenario=loaded.scenario,
                result=explained.result,
                given=frozenset(item.id for item in explained.report.given),
                diagnosed=frozenset(item.id for item in explained.report.diagnosis),
                unknown_ids=frozenset(name for name, _ in unknown),
                unknown_messages=tuple(message for _, message in unknown),
            )
        )
    return runs, broken


_EXPECTED_KIND = {
    "must_advise": "advice",
    "must_not_advise": "advice",
    "must_diagnose": "finding",
    "must_not_diagnose": "finding",
}
_OTHER_LIST = {
    "advice": "must_advise or must_not_advise",
    "finding": "must_diagnose or must_not_diagnose",
}
# A todo may be a sentence about a gap; one written as a single id can only mean an id.
_ID_SHAPE = re.compile(r"[a-z0-9]+(?:[-_][a-z0-9]+)+")


def _named_from_here(problem: Problem, path: Path) -> Problem:
    """A problem in the scenario file ``path``, its file named from the current folder (the
    file is read by its full path, the name is for the reader to open)."""
    if problem.location.path != str(path):
        return problem
    location = dataclasses.replace(problem.location, path=str(shown_path(path)))
    return dataclasses.replace(problem, location=location)


def _unknown_ids(
    loaded: LoadedScenario, knowledge_base: KnowledgeBase, path: Path
) -> list[tuple[str, str]]:
    """Each id in a scenario's expectations that names no advice or finding of the KB, with a
    located message naming the closest ids: reported as "should have been given", a misspelt
    id would send the engineer looking for a fault in the rules."""
    known = {"advice": set(knowledge_base.advice), "finding": set(knowledge_base.findings)}
    rules = {str(rule.raw("id")): rule for rule in knowledge_base.rules}
    expectations = loaded.scenario.expectations
    wanted = [
        (field, index, name, kind)
        for field, kind in _EXPECTED_KIND.items()
        for index, name in enumerate(getattr(expectations, field))
        if name not in known[kind]
    ] + [
        (field, index, name, "advice or finding")
        for field in ("todo",)
        for index, name in enumerate(expectations.todo)
        if _ID_SHAPE.fullmatch(name) and name not in known["advice"] | known["finding"]
    ]
    found = []
    for field, index, name, kind in wanted:
        message = f"expectations.{field} names {name!r}, which is no {kind} of the knowledge base"
        other = next((k for k in known if k != kind and name in known[k]), "")
        if other:
            hint = f"{name!r} is {'advice' if other == 'advice' else 'a finding'}: list it "
            hint += f"under {_OTHER_LIST[other]}."
        elif name in rules:
            then = rules[name].value.then
            gives = sorted(then.conclude) + sorted(a for a, c in then.support.items() if c > 0)
            hint = f"{name!r} is a rule; expectations name what rules give"
            hint += f" (this one gives {', '.join(gives)})." if gives else "."
        else:
            candidates = known["advice"] | known["finding"] if " or " in kind else known[kind]
            hint = did_you_mean(name, candidates)
        location = loaded.document.location(("expectations", field, index))
        problem = _named_from_here(Problem(location, message, hint=hint), path)
        found.append((location, name, str(problem)))
    found.sort(key=lambda item: (item[0].line, item[0].column))
    return [(name, message) for _, name, message in found]


def _outcome(suite_run: _SuiteRun) -> ScenarioOutcome:
    expected = suite_run.scenario.expectations
    unknown = suite_run.unknown_ids
    missing = tuple(sorted(set(expected.must_advise) - suite_run.given - unknown))
    unexpected = tuple(sorted(set(expected.must_not_advise) & suite_run.given))
    findings = tuple(sorted(set(expected.must_diagnose) - suite_run.diagnosed - unknown))
    wrong_findings = tuple(sorted(set(expected.must_not_diagnose) & suite_run.diagnosed))
    produced = suite_run.given | suite_run.diagnosed
    return ScenarioOutcome(
        scenario=suite_run.path,
        title=suite_run.scenario.title,
        passed=not (missing or unexpected or findings or wrong_findings or unknown),
        missing_advice=missing,
        unexpected_advice=unexpected,
        missing_findings=findings,
        unexpected_findings=wrong_findings,
        todo_still_open=tuple(sorted(set(expected.todo) - produced - unknown)),
        todo_now_passing=tuple(sorted(set(expected.todo) & produced)),
        unknown_ids=suite_run.unknown_messages,
        stated=expected != Expectations(),
    )


def run_kb_tests(compiled: CompiledKB, scope: LayerScope | None = None) -> KBTestReport:
    """Run the scenarios' expectations; tally, per rule, fired / expected / wrong.

    ``scope`` chooses the layer whose scenarios run and whose rules are tallied (None: every
    layer's)."""
    every_file = scenario_files(compiled)
    paths = every_file if scope is None else scope.scenario_files()
    runs, broken = _run_suite(compiled, paths)
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
        if scope is None or scope.covers(rule)
    )
    failed = sum(1 for outcome in outcomes if not outcome.passed)
    untested = sum(1 for outcome in outcomes if outcome.passed and not outcome.stated)
    return KBTestReport(
        scenarios=tuple(outcomes),
        rules=tallies,
        passed=len(outcomes) - failed - untested,
        failed=failed,
        without_expectations=untested,
        layer="" if scope is None else scope.label,
        left_out=len(every_file) - len(paths),
    )
