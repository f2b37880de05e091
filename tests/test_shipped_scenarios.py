"""Every shipped example scenario doubles as a test of the knowledge base."""

from __future__ import annotations

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
    if path.name.startswith("review-") and not (expected.must_advise or expected.must_not_advise):
        # The review cases' expectations come with the next issue (written from published
        # sources first); until then tests/test_review_cases.py loads and advises them.
        pytest.skip("a review case still without expectations")
    assert expected.must_advise or expected.must_not_advise, (
        "a shipped scenario must test something"
    )
    assert set(expected.must_advise) - given == set(), "advice that should have been given"
    assert set(expected.must_not_advise) & given == set(), "advice that should not be given"
    assert set(expected.must_diagnose) - diagnosed == set(), "findings that should be diagnosed"
