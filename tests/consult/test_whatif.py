from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import whatif_file
from synergy_compass.engine.consult.whatif import apply_settings
from synergy_compass.engine.errors import ScenarioError

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")


def test_settings_change_nested_fields_and_lists() -> None:
    data = {"they": {"culture": "JP"}, "we_observe": ["no_decision"]}
    changed = apply_settings(
        data, ["they.structure=flat", "we_observe[1]=polite_deferral", "relationship.months=12"]
    )
    assert changed == {
        "they": {"culture": "JP", "structure": "flat"},
        "we_observe": ["no_decision", "polite_deferral"],
        "relationship": {"months": 12},
    }
    assert data == {"they": {"culture": "JP"}, "we_observe": ["no_decision"]}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("they.structure", "expected PATH=VALUE"),
        ("we_observe[5]=x", "there is no item 5"),
        ("they..x=1", "is not a field path"),
        ("they.structure=[a", "the value cannot be read"),
    ],
)
def test_bad_settings_are_input_errors(setting: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as caught:
        apply_settings({"they": {}, "we_observe": []}, [setting])
    assert str(caught.value).startswith(f"--set {setting}:")


def test_whatif_diffs_the_scenario_as_written_with_the_changed_one(mini_kb: Path) -> None:
    _before, _after, diff = whatif_file(BASIC, ("they.structure=flat",), mini_kb)
    assert diff.settings == ("they.structure=flat",)
    assert ("introduce", "removed") in [(change.id, change.change) for change in diff.advice]


def test_an_invalid_changed_value_is_a_located_scenario_error(mini_kb: Path) -> None:
    with pytest.raises(ScenarioError, match="Did you mean 'flat'"):
        whatif_file(BASIC, ("they.structure=flatt",), mini_kb)
