"""Certainties: in a run without loops each finding is worked out once, after its premises; the
values are those the rounds of propagation settle on, bit for bit."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.explain.certainties import Certainties
from synergy_compass.engine.explain.support import SupportFinder
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.pipeline import scenario_run
from synergy_compass.engine.schemas.results import RunResult

SCENARIOS = sorted(Path("kb/scenarios").glob("*.yaml"))


def _bits(values: dict[int, float]) -> dict[int, str]:
    return {fact_id: value.hex() for fact_id, value in values.items()}


def _reads_a_finding(run: RunResult) -> bool:
    findings = {fact.id for fact in run.facts if fact.type == "finding"}
    return any(findings & {*firing.facts, *firing.witnesses} for firing in run.firings)


@pytest.mark.parametrize("path", SCENARIOS[::4], ids=lambda path: path.stem)
def test_in_dependency_order_is_the_fixed_point_of_the_rounds(path: Path) -> None:
    compiled = compiled_knowledge_base()
    run = scenario_run(load_scenario(path).scenario, compiled)
    in_order = SupportFinder(run).in_order
    assert in_order is not None  # no shipped scenario's facts rest on themselves
    rounds = Certainties(run, compiled.knowledge_base).values
    assert _bits(Certainties(run, compiled.knowledge_base, in_order).values) == _bits(rounds)


def test_an_order_with_a_premise_after_its_reader_is_worked_out_in_rounds() -> None:
    compiled = compiled_knowledge_base()
    runs = [scenario_run(load_scenario(path).scenario, compiled) for path in SCENARIOS[::4]]
    chained = [run for run in runs if _reads_a_finding(run)]
    assert chained  # shipped rules read findings other rules concluded
    for run in chained:
        in_order = SupportFinder(run).in_order
        assert in_order is not None
        backwards = tuple(reversed(in_order))
        rounds = Certainties(run, compiled.knowledge_base).values
        assert _bits(Certainties(run, compiled.knowledge_base, backwards).values) == _bits(rounds)
