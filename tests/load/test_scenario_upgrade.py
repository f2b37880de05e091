"""Upgrading version-1 scenarios: the same meaning and advice, the author's comments and layout
kept, and a file already in version 2 left byte for byte as it is.

``tests/fixtures/v1_scenarios`` holds shipped scenarios as they were in version 1 (commit
96502b1), chosen for the constructs they use: a corporate culture, a person of another culture,
stated preferences, and a manager's case, which version 1 could only express as a seller's.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel
from synergy_compass.engine.api import advise, compiled_knowledge_base
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.load.scenario_upgrade import (
    upgrade_data,
    upgrade_scenario,
    we_are_comment,
)
from synergy_compass.engine.schemas.report import Report
from synergy_compass.engine.schemas.vocabulary import Role

WE_ARE_COMMENT = we_are_comment(Role.seller)

VERSION_1 = sorted((Path(__file__).parent.parent / "fixtures" / "v1_scenarios").glob("*.yaml"))


def _advice(report: Report) -> tuple[list[str], ...]:
    return (
        [item.id for item in report.recommendations],
        [item.id for item in report.diagnosis],
        [item.id for item in report.advised_against],
    )


@pytest.mark.parametrize("path", VERSION_1, ids=lambda path: path.stem)
def test_an_upgraded_file_means_and_advises_the_same(path: Path) -> None:
    raw = path.read_bytes()
    upgraded = upgrade_scenario(raw, str(path))
    assert upgraded != raw.decode()
    before = parse_scenario(raw, str(path)).scenario
    after = parse_scenario(upgraded.encode(), str(path)).scenario
    assert after == before
    compiled = compiled_knowledge_base()
    assert _advice(advise(after, compiled)) == _advice(advise(before, compiled))
    assert upgrade_scenario(upgraded.encode(), str(path)) == upgraded


@pytest.mark.parametrize("path", VERSION_1, ids=lambda path: path.stem)
def test_an_upgrade_changes_only_the_version_1_lines(path: Path) -> None:
    original = path.read_text(encoding="utf-8").splitlines()
    upgraded = upgrade_scenario(path.read_bytes(), str(path)).splitlines()
    removed = [line for line in original if line not in upgraded]
    added = [line for line in upgraded if line not in original]
    assert all(
        line.lstrip().startswith(("organisation_type:", "kind:", "description:"))
        for line in removed
    ), removed
    role = parse_scenario(path.read_bytes(), str(path)).scenario.relationship.we_are
    assert f"  we_are: {role}  # {we_are_comment(role)}" in added
    assert "  - kind: " + path.read_text().split("goal:\n  kind: ")[1].split("\n")[0] in added


def test_comments_key_order_and_layout_are_kept() -> None:
    text = (
        "# A case\n"
        "title: T   # short\n"
        "we: {culture: US}\n"
        "they:\n"
        "  culture: JP\n"
        "  organisation_type: family_business  # and a distributor, really\n"
        "  people:\n"
        "  - {role: Owner, rank: top}\n"
        "# what we want\n"
        "goal:  # only one in version 1\n"
        "  kind: appoint_distributor   # the contract is next\n"
        "we_observe: [polite_deferral]\n"
    )
    assert upgrade_scenario(text.encode(), "case.yaml") == (
        "# A case\n"
        "title: T   # short\n"
        "we: {culture: US}\n"
        "they:\n"
        "  culture: JP\n"
        "  organisation_type: [family_business] # and a distributor, really\n"
        "  people:\n"
        "  - {role: Owner, rank: top}\n"
        "relationship:\n"
        f"  we_are: seller  # {WE_ARE_COMMENT}\n"
        "# what we want\n"
        "goal:  # only one in version 1\n"
        "- kind: appoint_distributor   # the contract is next\n"
        "we_observe: [polite_deferral]\n"
    )


def test_we_are_goes_first_in_an_existing_relationship_and_flow_style_stays() -> None:
    text = (
        "title: T\nwe: {culture: US}\nthey: {culture: NO, organisation_type: startup}\n"
        "relationship: {stage: early}\ngoal: {kind: win_first_deal}\n"
    )
    assert upgrade_scenario(text.encode(), "case.yaml") == (
        "title: T\nwe: {culture: US}\nthey: {culture: NO, organisation_type: [startup]}\n"
        "relationship: {we_are: seller, stage: early}\ngoal:\n  - {kind: win_first_deal}\n"
    )


def test_a_version_2_file_is_returned_unchanged() -> None:
    text = (
        "title: T\nwe: {culture: US}\nthey:\n  culture: JP\n  organisation_type: []\n"
        "relationship:\n    we_are: buyer   # odd indentation, kept\n"
        "goal:\n- kind: negotiate_contract\n- kind: give_feedback\n"
    )
    assert upgrade_scenario(text.encode(), "case.yaml") == text


def test_json_stays_json() -> None:
    text = json.dumps(
        {"title": "T", "we": {"culture": "US"}, "they": {"culture": "JP"}, "goal": {"kind": "x"}}
    ).replace('"x"', '"expand_scope"')
    upgraded = json.loads(upgrade_scenario(text.encode(), "case.json"))
    assert upgraded == {
        "title": "T",
        "we": {"culture": "US"},
        "they": {"culture": "JP"},
        "relationship": {"we_are": "seller"},
        "goal": [{"kind": "expand_scope"}],
    }


def test_a_file_that_does_not_load_is_not_upgraded_and_the_error_is_located() -> None:
    text = "title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scop}\n"
    with pytest.raises(ScenarioError, match=r"case.yaml:4:14: .*Did you mean 'expand_scope'"):
        upgrade_scenario(text.encode(), "case.yaml")


def test_an_empty_organisation_type_still_means_none() -> None:
    text = "title: T\nwe: {culture: US}\nthey:\n  culture: JP\n  organisation_type:\ngoal: {kind: expand_scope}\n"
    assert parse_scenario(text.encode(), "case.yaml").scenario.they.organisation_type == ()
    assert "organisation_type:\n" in upgrade_scenario(text.encode(), "case.yaml")


def test_upgrade_data_names_each_change_and_touches_nothing_else() -> None:
    data = {
        "they": {"culture": "JP", "organisation_type": "distributor"},
        "goal": {"kind": "expand_scope"},
        "we_observe": ["no_decision"],
    }
    changes = upgrade_data(data)
    assert data == {
        "they": {"culture": "JP", "organisation_type": ["distributor"]},
        "relationship": {"we_are": "seller"},
        "goal": [{"kind": "expand_scope"}],
        "we_observe": ["no_decision"],
    }
    assert len(changes) == 3
    assert upgrade_data(data) == []


def test_the_readme_example_is_version_2_and_uses_every_field() -> None:
    readme = (Path(__file__).parent.parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Writing a scenario")[1]
    example = section.split("```yaml\n")[1].split("```")[0]
    scenario = parse_scenario(example.encode(), "README.md").scenario
    assert upgrade_scenario(example.encode(), "README.md") == example

    def unset(model: BaseModel, prefix: str) -> set[str]:
        return {f"{prefix}{name}" for name in type(model).model_fields} - {
            f"{prefix}{name}" for name in model.model_fields_set
        }

    never_set = unset(scenario, "") | unset(scenario.relationship, "relationship.")
    for people, prefix in (
        (scenario.they.people, "they.people."),
        (scenario.we.people, "we.people."),
    ):
        never_set |= set.intersection(*(unset(person, prefix) for person in people))
    assert never_set <= {
        "expectations",
        "they.corporate_culture",
        "we.people.culture",
        "we.people.name",
        "we.people.years_in_other_culture",
        "they.people.name",
        # a file beside the scenario, which a README cannot hold; `positions:` shows its content
        "we.people.profile",
    }


@pytest.mark.parametrize(
    ("goal", "role"),
    [
        ("{kind: manage_team}", "manager"),
        ("[{kind: manage_remote_team}, {kind: win_first_deal}]", "manager"),
        ("{kind: give_feedback}", "manager"),
        ("{kind: integrate_after_merger}", "acquirer"),
        ("[{kind: win_first_deal}, {kind: manage_team}]", "seller"),
        ("{kind: appoint_distributor}", "seller"),
    ],
)
def test_a_scenario_that_does_not_say_who_we_are_means_what_version_1_meant(
    goal: str, role: str
) -> None:
    # Version 1 had no roles and its rules for managers answered these goals: without the
    # role the goal implies, a version-1 team case would lose its team advice.
    text = f"title: T\nwe: {{culture: US}}\nthey: {{culture: JP}}\ngoal: {goal}\n"
    assert parse_scenario(text.encode(), "case.yaml").scenario.relationship.we_are == role
    upgraded = upgrade_scenario(text.encode(), "case.yaml")
    assert f"  we_are: {role}  # {we_are_comment(Role(role))}\n" in upgraded
    said = text + "relationship: {we_are: buyer}\n"
    assert parse_scenario(said.encode(), "case.yaml").scenario.relationship.we_are == "buyer"


def test_a_tag_is_refused_before_the_round_trip_reads_the_file(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    text = f"title: !!python/object/apply:os.system ['touch {marker}']\nwe: {{culture: US}}\n"
    with pytest.raises(ScenarioError, match="is not allowed"):
        upgrade_scenario(text.encode(), "case.yaml")
    assert not marker.exists()
