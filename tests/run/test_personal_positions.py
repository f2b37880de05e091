"""People before countries in the input facts: the person who meets for a side gives that
side's score on the scales they are placed on, the country's value stays a national_score."""

from __future__ import annotations

from functools import cache

import pytest
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.discovery import default_kb_root
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.rules.certainty import band_certainty
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.schemas.facts import FactRecord
from synergy_compass.engine.schemas.knowledge_base import KnowledgeBase


@cache
def _shipped() -> KnowledgeBase:
    return load_knowledge_base(default_kb_root())


def _facts(we_people: str, they_people: str = "[]") -> list[FactRecord]:
    raw = f"""title: T
we: {{culture: US, people: {we_people}}}
they: {{culture: JP, people: {they_people}}}
goal: {{kind: expand_scope}}
""".encode()
    return list(build_input_facts(parse_scenario(raw, "c.yaml").scenario, _shipped()).facts)


def _score(facts: list[FactRecord], kind: str, side: str, scale: str) -> FactRecord:
    (found,) = [
        fact
        for fact in facts
        if fact.type == kind and fact.fields["side"] == side and fact.fields["dimension"] == scale
    ]
    return found


LEAD = "{role: Partner, name: Mr Allen, rank: senior, leads: true, positions: {communicating: {position: 70, band: 10}}}"


def test_the_leads_position_is_our_score_and_the_countrys_a_national_score() -> None:
    facts = _facts(f"[{LEAD}]")
    score = _score(facts, "score", "home", "communicating")
    assert score.fields == {
        "band": 10,
        "basis": "self-assessed",
        "dimension": "communicating",
        "estimated": False,
        "person": "Mr Allen",
        "side": "home",
        "value": 70,
    }
    assert score.origin.kind == "position"
    assert score.origin.path == "we.people[0].positions.communicating"
    national = _score(facts, "national_score", "home", "communicating")
    assert national.fields["value"] == 5
    assert national.origin.kind == "profile"
    # the other scales, and the other side, are as before
    assert _score(facts, "score", "home", "leading").origin.kind == "profile"
    assert _score(facts, "score", "counterpart", "communicating").fields["value"] == 95
    assert not [fact for fact in facts if fact.type == "national_score" and fact is not national]


def test_someone_who_does_not_lead_stands_for_no_one_unless_named_alone() -> None:
    other = "{role: Associate, rank: working, leads: true}"
    facts = _facts(f"[{LEAD.replace('leads: true', 'leads: false')}, {other}]")
    assert _score(facts, "score", "home", "communicating").origin.kind == "profile"
    assert not [fact for fact in facts if fact.type == "national_score"]
    alone = _facts(f"[{LEAD.replace('leads: true, ', '')}]")
    assert _score(alone, "score", "home", "communicating").fields["person"] == "Mr Allen"


def test_what_was_seen_beats_a_self_assessment_and_two_sightings_average() -> None:
    lead = LEAD.replace(
        "}}}",
        "}}, observed: [{scale: communicating, position: 40, band: 20, seen: said it plainly},"
        " {scale: communicating, position: 60, band: 10, seen: hinted}]}",
    )
    score = _score(_facts(f"[{lead}]"), "score", "home", "communicating")
    assert (score.fields["basis"], score.fields["value"], score.fields["band"]) == (
        "observed",
        50,
        15,
    )
    assert score.origin.kind == "position"
    assert score.origin.seen == "said it plainly / hinted"


def test_on_their_side_the_person_we_deal_with_most_stands_for_them() -> None:
    def seen(position: int, contact: str, name: str) -> str:
        return (
            f"{{role: R, name: {name}, rank: middle, contact: {contact}, observed: "
            f"[{{scale: disagreeing, position: {position}, seen: s}}]}}"
        )

    facts = _facts("[]", f"[{seen(60, 'occasional', 'A')}, {seen(20, 'close', 'B')}]")
    score = _score(facts, "score", "counterpart", "disagreeing")
    assert (score.fields["person"], score.fields["value"]) == ("B", 20)
    tie = _facts("[]", f"[{seen(60, 'close', 'A')}, {seen(20, 'close', 'B')}]")
    assert _score(tie, "score", "counterpart", "disagreeing").fields["person"] == "A"


@pytest.mark.parametrize(
    ("scale", "hint"),
    [
        ("disagreeng", "did you mean 'disagreeing'"),
        ("pdi", "known values: communicating, deciding"),
    ],
)
def test_a_scale_that_is_not_practical_is_a_located_error(scale: str, hint: str) -> None:
    person = f"[{{role: R, rank: top, observed: [{{scale: {scale}, position: 20, seen: s}}]}}]"
    with pytest.raises(ScenarioError) as caught:
        _facts("[]", person)
    message = str(caught.value)
    assert "they.people[0].observed[0].scale" in message
    assert f"'{scale}' is not a practical scale" in message
    assert hint in message.lower()


def test_a_band_lowers_certainty_from_certain_to_unknown() -> None:
    assert band_certainty(0) == 1.0
    # as close as our coding places a country: as certain as the country's score
    assert band_certainty(10) == 1.0
    assert band_certainty(15) == pytest.approx(0.875)
    assert band_certainty(30) == pytest.approx(0.5)
    assert band_certainty(50) == 0.0


def test_a_huge_scale_name_makes_a_short_message() -> None:
    person = f"[{{role: R, rank: top, positions: {{{'x' * 10_000}: {{position: 1, band: 1}}}}}}]"
    with pytest.raises(ScenarioError) as caught:
        _facts(person)
    assert len(str(caught.value)) < 400
