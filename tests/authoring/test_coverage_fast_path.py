"""`kb coverage`'s quiet condition search gives the answers why-not's branch checks give.

Coverage finds the conditions that alone kept a rule from firing with shortcuts why-not does not
take (shared pattern lookups, verdicts reused across runs, branches skipped once their constant
conditions settle the question, checking stopped at a second failure). Here its answer is
compared with the one read off why-not's full branch checks on the same runs, so a shortcut
that changed an answer fails.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import SHIPPED_KB
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.authoring.coverage import coverage, deciding_conditions
from synergy_compass.engine.authoring.scenario_tests import scenario_files
from synergy_compass.engine.explain.condition_search import FactIndex, PatternLookup
from synergy_compass.engine.explain.why_not import branch_checks
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import scenario_run
from synergy_compass.engine.run.compiler import CompiledKB
from synergy_compass.engine.schemas.facts import FactRecord, ScenarioOrigin
from synergy_compass.engine.schemas.knowledge_base import KnowledgeBase
from synergy_compass.engine.schemas.results import RunResult
from synergy_compass.engine.schemas.rules import Pattern


def _why_not_answer(
    knowledge_base: KnowledgeBase, results: Sequence[RunResult]
) -> tuple[set[str], set[str]]:
    """Every condition, and those that were a branch's only failure, from why-not's checks."""
    conditions: set[str] = set()
    deciding: set[str] = set()
    for rule in knowledge_base.rules:
        for result in results:
            for branch in branch_checks(rule.value.id, result, knowledge_base):
                names = [f"{rule.value.id} {check.path}" for check in branch.conditions]
                conditions |= set(names)
                failing = [
                    name
                    for name, check in zip(names, branch.conditions, strict=True)
                    if not check.held
                ]
                if len(failing) == 1:
                    deciding.add(failing[0])
    return conditions, deciding


def _runs(compiled: CompiledKB, paths: Sequence[Path]) -> list[RunResult]:
    countries = compiled.knowledge_base.countries
    return [scenario_run(load_scenario(path, countries).scenario, compiled) for path in paths]


def test_the_mini_kb_gets_why_nots_answer(mini_kb: Path) -> None:
    compiled = compiled_knowledge_base(mini_kb)
    results = _runs(compiled, scenario_files(compiled))
    knowledge_base = compiled.knowledge_base
    conditions, deciding = _why_not_answer(knowledge_base, results)
    assert deciding_conditions(knowledge_base.rules, results) == (conditions, deciding)
    report = coverage(compiled)
    assert report.conditions == len(conditions)
    assert set(report.conditions_never_deciding) == conditions - deciding


def test_a_sample_of_shipped_scenarios_gets_why_nots_answer() -> None:
    compiled = compiled_knowledge_base(SHIPPED_KB)
    paths = scenario_files(compiled)
    results = _runs(compiled, paths[:: len(paths) // 3][:3])
    expected = _why_not_answer(compiled.knowledge_base, results)
    assert len(expected[1]) > 100  # the sample decides many conditions, not a handful
    assert deciding_conditions(compiled.knowledge_base.rules, results) == expected


@pytest.mark.slow
def test_every_shipped_scenario_gets_why_nots_answer() -> None:
    compiled = compiled_knowledge_base(SHIPPED_KB)
    results = _runs(compiled, scenario_files(compiled))
    expected = _why_not_answer(compiled.knowledge_base, results)
    assert deciding_conditions(compiled.knowledge_base.rules, results) == expected


def test_no_scenario_means_no_condition_counted(mini_kb: Path) -> None:
    rules = compiled_knowledge_base(mini_kb).knowledge_base.rules
    assert deciding_conditions(rules, []) == (set(), set())


def test_a_verdict_reused_across_runs_tells_true_from_one() -> None:
    """Facts equal as Python values (1 and True) are not equal to a numeric test."""
    lookup = PatternLookup.of(Pattern.model_validate({"person": {"rank": {"at_least": 1}}}))
    origin = ScenarioOrigin(paths=("they.rank",))
    verdicts: dict[object, bool] = {}
    one = FactRecord(id=0, type="person", fields={"rank": 1}, origin=origin)
    true = FactRecord(id=0, type="person", fields={"rank": True}, origin=origin)
    assert FactIndex([one], verdicts).matches(lookup, {}) == [one]
    assert FactIndex([true], verdicts).matches(lookup, {}) == []
    assert FactIndex([true]).matches(lookup, {}) == []


def test_an_answer_kept_for_a_variables_value_tells_true_from_one() -> None:
    lookup = PatternLookup.of(
        Pattern.model_validate({"person": {"rank": {"at_least": {"var": "r"}}}})
    )
    fact = FactRecord(
        id=0, type="person", fields={"rank": 2}, origin=ScenarioOrigin(paths=("they.rank",))
    )
    index = FactIndex([fact], {})
    assert index.matches(lookup, {"r": 1}) == [fact]
    assert index.matches(lookup, {"r": True}) == []
    assert index.matches(lookup, {}) == [fact]  # unbound: the comparison waits for a value
