from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.api import whatif_file
from synergy_compass.engine.consult.whatif import apply_settings
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.schemas.report import Report

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")
VERSION_1 = Path("tests/fixtures/v1_scenarios/allen-japan.yaml")
VERSION_2 = """title: A US buyer and a Japanese subsidiary whose German parent sets prices
we: {culture: US}
they:
  culture: JP
  organisation_type: [multinational_subsidiary]
parties:
  - {kind: their_parent, culture: DE, decides: [approvals]}
relationship: {we_are: buyer}
goal:
  - kind: negotiate_contract
"""


def test_settings_change_nested_fields_and_lists() -> None:
    data = {"they": {"culture": "JP"}, "we_observe": ["no_decision"]}
    changed = apply_settings(
        data, ["they.structure=flat", "we_observe[1]=polite_deferral", "relationship.months=12"]
    )
    assert changed == {
        "they": {"culture": "JP", "structure": "flat"},
        "we_observe": ["no_decision", "polite_deferral"],
        "relationship": {"we_are": "seller", "months": 12},
    }
    assert data == {"they": {"culture": "JP"}, "we_observe": ["no_decision"]}


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ("they.structure", "expected PATH=VALUE"),
        ("we_observe[5]=x", "there is no item 5"),
        ("they.people[1].rank=top", "there is no item 1"),
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


def test_version_1_data_takes_version_2_paths_and_keeps_its_meaning() -> None:
    data = {"they": {"culture": "JP", "organisation_type": "startup"}, "goal": {"kind": "x"}}
    changed = apply_settings(data, ["goal[1].kind=give_feedback", "goal.description=first"])
    assert changed["goal"] == [{"kind": "x", "description": "first"}, {"kind": "give_feedback"}]
    assert changed["they"]["organisation_type"] == ["startup"]
    assert changed["relationship"] == {"we_are": "seller"}


def test_an_index_one_past_the_end_adds_an_item() -> None:
    changed = apply_settings(
        {"parties": []}, ["parties[0].kind=their_parent", "parties[0].decides[0]=pricing"]
    )
    assert changed["parties"] == [{"kind": "their_parent", "decides": ["pricing"]}]


def _facts(report: Report, fact_type: str) -> list[dict[str, object]]:
    return [fact.fields for fact in report.trace.facts if fact.type == fact_type]


@pytest.mark.parametrize(
    ("setting", "fact_type", "expected"),
    [
        ("relationship.we_are=buyer", "relationship", {"we_are": "buyer"}),
        ("goal[1].kind=give_feedback", "goal", {"kind": "give_feedback", "primary": False}),
        (
            "they.organisation_type=[family_business, distributor]",
            "organisation",
            {"type": "distributor"},
        ),
        (
            "they.organisation_type=[family_business, distributor]",
            "organisation",
            {"type": "family_business"},
        ),
    ],
)
def test_version_2_paths_on_a_version_1_file_reach_the_facts(
    setting: str, fact_type: str, expected: dict[str, object]
) -> None:
    before, after, diff = whatif_file(VERSION_1, (setting,))
    assert diff.settings == (setting,)

    def matches(report: Report) -> bool:
        return any(expected.items() <= fields.items() for fields in _facts(report, fact_type))

    assert (matches(before), matches(after)) == (False, True)


def test_what_a_party_decides_can_be_changed(tmp_path: Path) -> None:
    case = tmp_path / "case.yaml"
    case.write_text(VERSION_2, encoding="utf-8")
    before, after, _diff = whatif_file(case, ("parties[0].decides=[pricing]",))
    assert [fields.get("decides") for fields in _facts(before, "party")] == ["approvals"]
    assert [fields.get("decides") for fields in _facts(after, "party")] == ["pricing"]
    _before, after, _diff = whatif_file(case, ("relationship.we_are=seller",))
    assert _facts(after, "relationship")[0]["we_are"] == "seller"


def test_a_new_party_without_its_required_keys_says_what_to_add() -> None:
    with pytest.raises(ScenarioError, match=r"the required key 'kind' is missing \(at parties.0\)"):
        whatif_file(VERSION_1, ("parties[0].decides=[pricing]",))
