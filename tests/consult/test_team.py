"""The team map's parts: reading a team file with its profile files, the members' letters, the
widest gaps, and which team advice follows from a gap on a scale."""

from __future__ import annotations

from pathlib import Path

from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.consult.team import member_marks, team_map
from synergy_compass.engine.consult.team_advice import team_advice_index
from synergy_compass.engine.consult.team_file import read_team_file
from synergy_compass.engine.schemas.profiles import PositionBasis

PROFILE = """version: 1
name: Ann
questionnaire: compass-self-assessment 1
sureness: 0.8
positions:
  leading: {position: 20, band: 10}
  deciding: {position: 30, band: 10}
"""


def _knowledge_base():  # type: ignore[no-untyped-def]
    return compiled_knowledge_base().knowledge_base


def test_positions_written_in_the_team_file_win_over_the_profile_file(tmp_path: Path) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "people" / "ann.yaml").write_text(PROFILE, encoding="utf-8")
    (tmp_path / "team.yaml").write_text(
        "name: Pair\nmembers:\n"
        "  - name: Ann\n    culture: US\n    profile: people/ann.yaml\n"
        "    positions: {deciding: {position: 90, band: 5}}\n"
        "  - name: Bo\n    culture: JP\n",
        encoding="utf-8",
    )
    knowledge_base = _knowledge_base()
    read = read_team_file(tmp_path / "team.yaml", knowledge_base)
    assert read.from_profile[0] == frozenset({"leading"})
    found = team_map(read, knowledge_base)
    marks = {scale.dimension: scale.marks for scale in found.scales}
    ann_deciding, bo_deciding = marks["deciding"]
    assert (ann_deciding.position, ann_deciding.band) == (90, 5)
    assert ann_deciding.basis is PositionBasis.self_assessed
    assert bo_deciding.basis is PositionBasis.national
    assert bo_deciding.band is None
    assert marks["communicating"][0].basis is PositionBasis.national  # placed on two scales only
    assert found.members[0].origin == "profile people/ann.yaml, positions in the team file"


def test_every_member_gets_a_letter_of_their_own() -> None:
    marks = member_marks(["Ann Lee", "Anna Li", "Al", "Ünal", "李"])
    assert len(set(marks.values())) == 5
    assert marks["Ann Lee"] == "A"
    assert marks["Anna Li"] == "N"
    assert marks["Al"] == "L"
    assert all(len(mark) == 1 and mark.isascii() for mark in marks.values())


def test_the_widest_gaps_are_one_per_scale_widest_first(tmp_path: Path) -> None:
    (tmp_path / "team.yaml").write_text(
        "name: Three\nmembers:\n"
        "  - {name: Ann, culture: US, positions: {leading: {position: 0, band: 5},"
        " trusting: {position: 50, band: 5}}}\n"
        "  - {name: Bo, culture: US, positions: {leading: {position: 100, band: 5},"
        " trusting: {position: 55, band: 5}}}\n"
        "  - {name: Cy, culture: US, positions: {leading: {position: 90, band: 5},"
        " trusting: {position: 0, band: 5}}}\n",
        encoding="utf-8",
    )
    knowledge_base = _knowledge_base()
    found = team_map(read_team_file(tmp_path / "team.yaml", knowledge_base), knowledge_base, 3)
    first, second, *_rest = found.gaps
    assert (first.dimension, first.lower.member, first.higher.member) == ("leading", "Ann", "Bo")
    assert first.distance == 100
    assert (second.dimension, second.lower.member, second.higher.member) == (
        "trusting",
        "Cy",
        "Bo",
    )
    assert len({gap.dimension for gap in found.gaps}) == len(found.gaps)
    assert "they are nearer 'hierarchical'" in first.for_lower


def test_team_advice_follows_the_rules_that_rest_on_a_scale() -> None:
    index = team_advice_index(_knowledge_base())
    leading = [advice for advice, _why, _sources in index["leading"]]
    assert "give-clear-direction-and-check-in-often" in leading
    assert "give-team-autonomy-with-clear-goals" in leading
    individualism = index["idv"]
    assert [advice for advice, _why, _sources in individualism] == [
        "set-individual-goals-and-recognition",
        "recognise-the-team-not-only-individuals",
    ]
    assert individualism[0][1].startswith("rule 'more-individualist-team'")
    # rules written for buyers speak of suppliers, not of a team we manage
    assert all(
        advice != "make-it-safe-for-the-supplier-to-report-problems"
        for entries in index.values()
        for advice, _why, _sources in entries
    )
