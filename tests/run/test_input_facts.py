from __future__ import annotations

import shutil
from pathlib import Path

from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.run import input_facts
from synergy_compass.engine.run.input_facts import build_input_facts
from synergy_compass.engine.schemas.facts import FactRecord, ScenarioOrigin
from synergy_compass.engine.schemas.knowledge_base import KnowledgeBase

CASE = b"""title: T
we: {culture: US}
they:
  culture: JP
  organisation_type: startup
  structure: flat
  people: [{role: CEO, rank: top, culture: DE}]
relationship: {stage: early, months: 3}
goal: {kind: win_first_deal}
we_are_doing: [email_only_contact, email_only_contact]
we_observe: [silence_in_meetings]
"""


def facts_for(mini_kb: Path, raw: bytes = CASE) -> list[tuple[str, dict[str, object], object]]:
    knowledge_base = load_knowledge_base(mini_kb)
    facts = build_input_facts(parse_scenario(raw, "c.yaml").scenario, knowledge_base)
    return [(fact.type, fact.fields, fact.origin.model_dump()) for fact in facts.facts]


def test_every_fact_carries_its_origin(mini_kb: Path) -> None:
    facts = facts_for(mini_kb)
    by_type = {fact_type: (fields, origin) for fact_type, fields, origin in facts}
    assert by_type["organisation"] == (
        {"structure": "flat", "type": "startup"},
        {"kind": "scenario", "paths": ("they.organisation_type[0]", "they.structure")},
    )
    assert by_type["person"][0] == {
        "contact": "none",
        "culture": "DE",
        "rank": "top",
        "role": "CEO",
    }
    assert by_type["relationship"][0]["months"] == 3
    profile = [origin for fact_type, _, origin in facts if fact_type == "score"]
    assert {
        "kind": "profile",
        "country": "US",
        "dimension": "pdi",
        "source": "test-source",
        "estimated": False,
        "file": "cultures/us.yaml",
    } in profile


def test_repeated_entries_become_one_fact(mini_kb: Path) -> None:
    actions = [fields for fact_type, fields, _ in facts_for(mini_kb) if fact_type == "action"]
    assert actions == [{"kind": "email_only_contact", "status": "ongoing"}]


def test_missing_scores_and_profiles_produce_no_facts(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    raw = CASE.replace(b"culture: JP", b"culture: Kenya")
    facts = build_input_facts(parse_scenario(raw, "c.yaml").scenario, knowledge_base)
    assert facts.missing_profiles == ("KE",)
    sides = {fact.fields["side"] for fact in facts.facts if fact.type == "score"}
    assert sides == {"home"}


def test_the_order_is_canonical(mini_kb: Path) -> None:
    reordered = b"""we_observe: [silence_in_meetings]
we_are_doing: [email_only_contact]
goal: {kind: win_first_deal}
relationship: {months: 3, stage: early}
they:
  people: [{rank: top, culture: DE, role: CEO}]
  structure: flat
  organisation_type: startup
  culture: JP
we: {culture: US}
title: T
"""
    assert facts_for(mini_kb, reordered) == facts_for(mini_kb)


VERSION_2 = b"""title: Three parties
we:
  culture: US
  people: [{role: Commodity manager, rank: middle, leads: true, gender: woman}]
they:
  culture: JP
  organisation_type: [multinational_subsidiary, family_business]
  structure: mixed
  people:
    - {role: Managing director, rank: top, culture: DE, years_in_other_culture: 6,
       decision_role: decides, gender: man, age: much_older}
parties:
  - {kind: their_parent, culture: DE, decides: [pricing, approvals]}
relationship: {we_are: buyer, stage: early}
goal: [{kind: negotiate_contract}, {kind: meet_senior_executives}]
we_are_doing:
  - hard_bargaining
  - {kind: pushing_for_quick_decision, status: planned, date: 2027-03-12}
"""


def test_version_2_gives_a_fact_per_value_of_a_list(mini_kb: Path) -> None:
    facts = facts_for(mini_kb, VERSION_2)
    of = {kind: [fields for t, fields, _ in facts if t == kind] for kind, _, _ in facts}
    assert [o["type"] for o in of["organisation"]] == [
        "family_business",
        "multinational_subsidiary",
    ]
    assert all(o["structure"] == "mixed" for o in of["organisation"])
    assert of["goal"] == [
        {"kind": "meet_senior_executives", "primary": False},
        {"kind": "negotiate_contract", "primary": True},
    ]
    assert {p["decides"] for p in of["party"]} == {"pricing", "approvals"}
    assert {"side": "their_parent", "country": "DE"} in of["culture"]
    assert of["relationship"][0]["we_are"] == "buyer"
    assert {"kind": "pushing_for_quick_decision", "status": "planned"} in of["action"]
    (person,) = of["person"]
    assert person["decision_role"] == "decides"
    assert person["years_in_other_culture"] == 6
    assert of["our_person"] == [
        {"gender": "woman", "leads": True, "rank": "middle", "role": "Commodity manager"}
    ]


def test_every_party_with_a_profile_brings_its_scores(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    raw = VERSION_2.replace(
        b"{kind: their_parent, culture: DE", b"{kind: their_parent, culture: JP"
    )
    facts = build_input_facts(parse_scenario(raw, "c.yaml").scenario, knowledge_base)
    sides = {fact.fields["side"] for fact in facts.facts if fact.type == "score"}
    assert sides == {"home", "counterpart", "their_parent"}
    missing = build_input_facts(parse_scenario(VERSION_2, "c.yaml").scenario, knowledge_base)
    assert missing.missing_profiles == ("DE",)


def pdi_values(knowledge_base: KnowledgeBase) -> list[object]:
    facts = build_input_facts(parse_scenario(CASE, "c.yaml").scenario, knowledge_base)
    return [
        fact.fields["value"]
        for fact in facts.facts
        if fact.type == "score" and fact.fields["dimension"] == "pdi"
    ]


def test_profile_facts_kept_between_scenarios_follow_their_knowledge_base(
    mini_kb: Path, tmp_path: Path
) -> None:
    changed = tmp_path / "kb"
    shutil.copytree(mini_kb, changed)
    us = changed / "cultures" / "us.yaml"
    us.write_text(us.read_text().replace("value: 40", "value: 41"))
    first, second = load_knowledge_base(mini_kb), load_knowledge_base(changed)
    assert pdi_values(first) == [54, 40]
    assert pdi_values(second) == [54, 41]
    assert pdi_values(first) == [54, 40]


def test_kept_profile_facts_equal_fresh_ones(mini_kb: Path) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    scenario = parse_scenario(VERSION_2, "c.yaml").scenario
    kept = build_input_facts(scenario, knowledge_base)
    assert build_input_facts(scenario, knowledge_base) == kept
    input_facts._profiles.clear()
    assert build_input_facts(scenario, knowledge_base) == kept


def test_a_kept_fact_gives_the_right_record_at_every_position() -> None:
    origin = ScenarioOrigin(paths=("goal[0].kind",))
    kept = input_facts._prepare(("goal", {"primary": True, "kind": "expand_scope"}, origin))
    for position in [*range(10), 3, 0]:
        assert kept.record(position) == FactRecord(
            id=position,
            type="goal",
            fields={"kind": "expand_scope", "primary": True},
            origin=origin,
        )
    assert len(kept.records) == input_facts._POSITIONS_KEPT  # the rest are made each time
