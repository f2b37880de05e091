from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import whatif_file
from synergy_compass.engine.consult.whatif import apply_settings, render_comparison_text
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


def test_whatif_shows_what_changed_and_the_rules_responsible(mini_kb: Path) -> None:
    _before, _after, comparison = whatif_file(BASIC, ("they.structure=flat",), mini_kb)
    changes = {change.id: change for change in comparison.advice}
    assert changes["introduce"].change == "removed"
    assert changes["introduce"].rules_removed == ("power-gap-up", "stuck-when-vendor-and-gap")
    assert changes["be-patient"].change == "certainty changed"
    assert comparison.rules_no_longer_firing == ("power-gap-up", "stuck-when-vendor-and-gap")
    text = render_comparison_text(comparison, "before", "after")
    assert "removed           introduce: Get introduced (0.76 -> -)" in text


def test_an_invalid_changed_value_is_a_located_scenario_error(mini_kb: Path) -> None:
    with pytest.raises(ScenarioError, match="Did you mean 'flat'"):
        whatif_file(BASIC, ("they.structure=flatt",), mini_kb)
