"""Reading scenarios: codes and names both work, and every mistake is located and helpful."""

from __future__ import annotations

import pytest
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import parse_scenario


def scenario_errors(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.encode(), "case.yaml")
    return str(caught.value)


VALID = "title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"


def test_scenarios_accept_codes_and_names() -> None:
    loaded = parse_scenario(VALID.replace("JP", "Japan").replace("US", "USA").encode(), "c.yaml")
    assert (loaded.scenario.we.culture, loaded.scenario.they.culture) == ("US", "JP")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (VALID + "relationship: {stage: establshed}\n", "case.yaml:5:23: Input should be"),
        (VALID + "relationship: {stage: establshed}\n", "Did you mean 'established'?"),
        (VALID + "relashionship: {}\n", "case.yaml:5:1: unknown key 'relashionship'"),
        (VALID + "relashionship: {}\n", "Did you mean 'relationship'?"),
        (VALID.replace("JP", "Japn"), "case.yaml:3:17: unknown country 'Japn'"),
        (VALID.replace("goal: {kind: expand_scope}\n", ""), "the required key 'goal' is missing"),
        ("- a list\n", "a scenario is a mapping"),
        (VALID + "we_observe: [polite_deferal]\n", "Did you mean 'polite_deferral'?"),
    ],
)
def test_scenario_errors_are_located_and_helpful(text: str, expected: str) -> None:
    assert expected in scenario_errors(text)
