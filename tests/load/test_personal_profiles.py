"""Profile files named by a scenario's people: read beside the scenario, merged into the
person's positions, every problem located; people without positions serialise as before."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import load_scenario, parse_scenario

PROFILE = """version: 1
name: Ann Lee
questionnaire: compass-self-assessment 1
sureness: 0.7
positions:
  communicating: {position: 70, band: 10}
  leading: {position: 30, band: 12}
"""


def _scenario(person: str) -> str:
    return f"""title: T
we:
  culture: US
  people:
    - {person}
they: {{culture: JP}}
goal: {{kind: expand_scope}}
"""


def _write(folder: Path, person: str, profile: str = PROFILE) -> Path:
    (folder / "profiles").mkdir(exist_ok=True)
    (folder / "profiles" / "ann.yaml").write_text(profile, encoding="utf-8")
    path = folder / "case.yaml"
    path.write_text(_scenario(person), encoding="utf-8")
    return path


def test_a_profile_file_is_read_beside_the_scenario_and_written_positions_win(
    tmp_path: Path,
) -> None:
    path = _write(
        tmp_path,
        "{role: Partner, rank: senior, leads: true, profile: profiles/ann.yaml, "
        "positions: {leading: {position: 45, band: 5}}}",
    )
    person = load_scenario(path).scenario.we.people[0]
    assert person.profile == "profiles/ann.yaml"
    assert {scale: (p.position, p.band) for scale, p in person.positions.items()} == {
        "communicating": (70, 10),
        "leading": (45, 5),
    }


def test_a_missing_profile_file_is_located_at_the_field_that_names_it(tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(
        _scenario("{role: Partner, rank: senior, profile: profiles/gone.yaml}"), encoding="utf-8"
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    message = str(caught.value)
    assert f"{path}:5:" in message
    assert "the profile file 'profiles/gone.yaml' cannot be read" in message


@pytest.mark.parametrize("written", ["../ann.yaml", "/etc/hostname"])
def test_a_profile_file_outside_the_scenarios_folder_is_refused(
    tmp_path: Path, written: str
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (tmp_path / "ann.yaml").write_text(PROFILE, encoding="utf-8")
    path = folder / "case.yaml"
    path.write_text(
        _scenario(f"{{role: Partner, rank: senior, profile: {written}}}"), encoding="utf-8"
    )
    with pytest.raises(ScenarioError, match="is outside the scenario's folder"):
        load_scenario(path)


def test_what_is_wrong_inside_a_profile_file_is_located_in_that_file(tmp_path: Path) -> None:
    broken = PROFILE.replace("position: 70", "position: 170")
    path = _write(tmp_path, "{role: Partner, rank: senior, profile: profiles/ann.yaml}", broken)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert f"{tmp_path / 'profiles' / 'ann.yaml'}:6:" in str(caught.value)


def test_a_scenario_from_no_file_cannot_name_a_profile_file() -> None:
    raw = _scenario("{role: Partner, rank: senior, profile: ann.yaml}").encode()
    with pytest.raises(ScenarioError, match="has no folder of its own"):
        parse_scenario(raw, "pasted.yaml")


def test_people_without_positions_serialise_as_before() -> None:
    raw = _scenario("{role: Partner, rank: senior, leads: true}").encode()
    dumped = parse_scenario(raw, "c.yaml").scenario.model_dump(mode="json")
    assert set(dumped["we"]["people"][0]) == {
        "role",
        "rank",
        "name",
        "leads",
        "gender",
        "culture",
        "years_in_other_culture",
    }
    observed = _scenario(
        "{role: Partner, rank: senior, observed: [{scale: disagreeing, position: 20, seen: x}]}"
    )
    person = parse_scenario(observed.encode(), "c.yaml").scenario.model_dump()["we"]["people"][0]
    assert person["observed"][0]["position"] == 20
    assert "positions" not in person
