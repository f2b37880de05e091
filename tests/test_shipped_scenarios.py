"""Every shipped example scenario doubles as a test of the knowledge base."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import pytest
from conftest import SHIPPED_KB
from synergy_compass.engine.api import advise, compiled_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario

SCENARIOS = sorted((SHIPPED_KB / "scenarios").glob("*.yaml"))


def test_the_shipped_kb_loads_and_has_the_founding_case() -> None:
    compiled = compiled_knowledge_base()
    assert {"US", "JP"} <= set(compiled.knowledge_base.cultures)
    assert SHIPPED_KB / "scenarios" / "allen-japan.yaml" in SCENARIOS


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_scenario_expectations_hold(path: Path) -> None:
    scenario = load_scenario(path).scenario
    report = advise(scenario, compiled_knowledge_base())
    given = {item.id for item in report.given}
    diagnosed = {item.id for item in report.diagnosis}
    expected = scenario.expectations
    assert expected.must_advise or expected.must_not_advise, (
        "a shipped scenario must test something"
    )
    assert set(expected.must_advise) - given == set(), "advice that should have been given"
    assert set(expected.must_not_advise) & given == set(), "advice that should not be given"
    assert set(expected.must_diagnose) - diagnosed == set(), "findings that should be diagnosed"
    assert set(expected.must_not_diagnose) & diagnosed == set(), "findings that should not be"


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_plan_is_short_and_flags_every_pair_pulling_opposite_ways(path: Path) -> None:
    compiled = compiled_knowledge_base()
    report = advise(load_scenario(path).scenario, compiled)
    policy = compiled.knowledge_base.manifest.plan
    assert len(report.recommendations) <= policy.main_items == 7
    assert all(item.certainty >= policy.certainty_floor for item in report.recommendations)
    advice = compiled.knowledge_base.advice
    flagged = {frozenset((trade.first, trade.second)) for trade in report.trade_offs}
    for first, second in combinations(report.given, 2):
        stances = advice[first.id].value.stances
        theirs = advice[second.id].value.stances
        opposite = [axis for axis, pole in stances.items() if theirs.get(axis) not in (None, pole)]
        if opposite:
            assert frozenset((first.id, second.id)) in flagged, (
                f"{first.id} and {second.id} pull {opposite[0]} opposite ways, unflagged"
            )
    assert {item.id for item in report.set_aside}.isdisjoint(item.id for item in report.given)


@pytest.mark.parametrize("path", SCENARIOS, ids=[path.stem for path in SCENARIOS])
def test_the_diagnosis_leads_with_risks_and_problems_it_is_sure_of(path: Path) -> None:
    compiled = compiled_knowledge_base()
    report = advise(load_scenario(path).scenario, compiled)
    order = {"risk": 0, "problem": 1, "tendency": 2}
    ranks = [
        order["tendency" if item.certainty_in_words == "low" else item.severity]
        for item in report.diagnosis
    ]
    assert ranks == sorted(ranks), [item.id for item in report.diagnosis]
