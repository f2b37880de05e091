"""The ten review cases (../shared/review/cases/, re-entered as kb/scenarios/review-*.yaml): each
loads and advises, and what decides it is stated in fields a rule can read, not in notes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import SHIPPED_KB
from review_support import case, report_for
from synergy_compass.engine.api import advise, compiled_knowledge_base
from synergy_compass.engine.load.scenario import load_scenario
from synergy_compass.engine.schemas.scenario import Observed, Scenario
from synergy_compass.engine.schemas.vocabulary import Role

REVIEW_CASES = sorted((SHIPPED_KB / "scenarios").glob("review-*.yaml"))


def done(scenario: Scenario) -> set[str]:
    return {action.kind.value for action in scenario.we_are_doing if action.status == "done"}


def planned(scenario: Scenario) -> set[str]:
    return {action.kind.value for action in scenario.we_are_doing if action.status == "planned"}


def doing(scenario: Scenario) -> set[str]:
    return {action.kind.value for action in scenario.we_are_doing}


def observed(scenario: Scenario) -> set[str]:
    return {item.kind.value for item in scenario.we_observe}


def lead_gender(scenario: Scenario) -> str | None:
    (lead,) = [person for person in scenario.we.people if person.leads]
    return lead.gender


def parties(scenario: Scenario, kind: str) -> list[tuple[str, set[str]]]:
    return [
        (party.culture, {decided.value for decided in party.decides})
        for party in scenario.parties
        if party.kind == kind
    ]


def test_there_are_ten_numbered_review_cases() -> None:
    assert [path.name[:9] for path in REVIEW_CASES] == [
        f"review-{number:02d}" for number in range(1, 11)
    ]


@pytest.mark.parametrize("path", REVIEW_CASES, ids=[path.stem[:9] for path in REVIEW_CASES])
def test_each_review_case_loads_and_advises(path: Path) -> None:
    number = int(path.stem[7:9])
    report = report_for(number)
    assert report.diagnosis
    assert report.recommendations


DECISIVE: list[tuple[int, str, Callable[[Scenario], bool]]] = [
    (1, "we are the buyer", lambda s: s.relationship.we_are == "buyer"),
    (
        1,
        "their German parent decides pricing and approvals",
        lambda s: any(
            culture == "DE" and {"pricing", "approvals"} <= decides
            for culture, decides in parties(s, "their_parent")
        ),
    ),
    (1, "their managing director is German", lambda s: s.they.people[0].culture == "DE"),
    (1, "our deadline is a date", lambda s: [date.kind for date in s.dates] == ["deadline"]),
    (1, "we push the price down", lambda s: "hard_bargaining" in doing(s)),
    (2, "our lead is a woman", lambda s: lead_gender(s) == "woman"),
    (2, "her number two is a man", lambda s: [p.gender for p in s.we.people] == ["woman", "man"]),
    (
        2,
        "a family business that is also a distributor",
        lambda s: {"family_business", "distributor"} <= set(s.they.organisation_type),
    ),
    (2, "prayer times interrupt meetings", lambda s: "meetings_interrupted" in observed(s)),
    (2, "she will visit in person", lambda s: "senior_visit_in_person" in planned(s)),
    (2, "public hospitals are customers", lambda s: "official_involved" in observed(s)),
    (3, "we are the client", lambda s: s.relationship.we_are == "client"),
    (
        3,
        "we criticised them on the group call",
        lambda s: {"giving_direct_criticism", "feedback_in_group_settings"} <= done(s),
    ),
    (3, "they say yes and slip", lambda s: {"agreement_then_no_action"} <= observed(s)),
    (4, "we are German", lambda s: s.we.culture == "DE"),
    (
        4,
        "an unusual fee, to a third party, for officials",
        lambda s: (
            {
                "request_for_unusual_payment",
                "request_for_payment_to_third_party",
                "official_involved",
            }
            <= observed(s)
        ),
    ),
    (
        4,
        "the payee is in Hong Kong",
        lambda s: [c for c, _ in parties(s, "intermediary")] == ["HK"],
    ),
    (
        5,
        "our own mistakes",
        lambda s: (
            {
                "missing_our_deadlines",
                "sending_formal_contract_threat",
                "copying_others_on_complaints",
            }
            <= done(s)
        ),
    ),
    (5, "the owner withdrew", lambda s: "senior_no_longer_attends" in observed(s)),
    (
        5,
        "family-owned and a distributor",
        lambda s: set(s.they.organisation_type) == {"family_business", "distributor"},
    ),
    (6, "we manage them", lambda s: s.relationship.we_are == "manager"),
    (6, "our lead is a woman", lambda s: lead_gender(s) == "woman"),
    (6, "two goals", lambda s: [g.kind for g in s.goal] == ["give_feedback", "manage_remote_team"]),
    (6, "an older hub lead", lambda s: s.they.people[0].age == "much_older"),
    (6, "who expects to be consulted", lambda s: "expects_to_be_consulted_first" in observed(s)),
    (
        6,
        "understated, consensus-style feedback",
        lambda s: {"giving_understated_criticism", "deciding_by_group_consensus"} <= doing(s),
    ),
    (7, "we are the acquirer", lambda s: s.relationship.we_are == "acquirer"),
    (7, "the works council asks", lambda s: "works_council_consultation" in observed(s)),
    (7, "key people resign", lambda s: "resignations" in observed(s)),
    (
        7,
        "announcements in English only",
        lambda s: "announcing_in_a_language_they_do_not_work_in" in doing(s),
    ),
    (7, "a reorganisation is planned", lambda s: "restructuring_their_organisation" in planned(s)),
    (
        8,
        "over their head, and a senior corrected in public",
        lambda s: {"going_over_their_head", "correcting_their_senior_in_public"} <= done(s),
    ),
    (
        8,
        "introduced by a trade office",
        lambda s: [c for c, _ in parties(s, "intermediary")] == ["KR"],
    ),
    (
        9,
        "five years, strong ties",
        lambda s: (s.relationship.months, s.relationship.personal_contact) == (60, "strong"),
    ),
    (9, "we serve them", lambda s: s.relationship.we_are == "service_provider"),
    (9, "an incumbent competitor", lambda s: "competitor_courting_them" in observed(s)),
    (9, "the competitor is a party", lambda s: [c for c, _ in parties(s, "competitor")] == ["US"]),
    (
        10,
        "a flat start-up",
        lambda s: (s.they.structure, s.they.organisation_type) == ("flat", ("startup",)),
    ),
    (
        10,
        "a CEO who has worked abroad",
        lambda s: (s.they.people[0].years_in_other_culture or 0) >= 1,
    ),
    (10, "handed to the head of legal", lambda s: "requests_passed_along" in observed(s)),
    (10, "a competitor", lambda s: "competitor_courting_them" in observed(s)),
]


@pytest.mark.parametrize(
    ("number", "fact", "holds"), DECISIVE, ids=[f"{n:02d}-{fact}" for n, fact, _ in DECISIVE]
)
def test_the_decisive_facts_are_in_fields(
    number: int, fact: str, holds: Callable[[Scenario], bool]
) -> None:
    assert holds(case(number)), fact


def test_a_works_council_asking_to_be_consulted_in_france_is_a_legal_step() -> None:
    report = report_for(7)
    assert "employee-consultation-required" in {item.id for item in report.diagnosis}
    assert "consult-employee-representatives-before-deciding" in {item.id for item in report.given}


def test_a_payment_to_a_third_party_alone_is_stopped_and_checked() -> None:
    scenario = case(4)
    only_third_party = scenario.model_copy(
        update={"we_observe": (Observed(kind="request_for_payment_to_third_party"),)}
    )
    report = advise(only_third_party, compiled_knowledge_base())
    assert "unusual-payment-request" in {item.id for item in report.diagnosis}
    assert "pause-and-verify-unusual-payment-requests" in {item.id for item in report.given}


def test_the_works_council_rules_are_for_the_employer_side_only() -> None:
    as_seller = case(7).model_copy(
        update={"relationship": case(7).relationship.model_copy(update={"we_are": Role.seller})}
    )
    report = advise(as_seller, compiled_knowledge_base())
    assert "employee-consultation-required" not in {item.id for item in report.diagnosis}


@pytest.mark.parametrize("path", REVIEW_CASES, ids=[path.stem[:9] for path in REVIEW_CASES])
def test_the_notes_hold_nothing_the_keyword_table_flags(path: Path) -> None:
    flagged = [
        (hint.phrase, hint.suggestion)
        for hint in report_for(int(path.stem[7:9])).note_hints
        if hint.found_in == "notes"
    ]
    assert flagged == []


def test_the_keyword_table_would_flag_a_fact_left_in_the_notes() -> None:
    scenario = case(7)
    without_the_field = scenario.model_copy(
        update={
            "we_observe": tuple(
                item for item in scenario.we_observe if item.kind != "works_council_consultation"
            ),
            "notes": "The CSE has asked to be consulted on the reorganisation.",
        }
    )
    report = advise(without_the_field, compiled_knowledge_base())
    assert [hint.value for hint in report.note_hints if hint.found_in == "notes"] == [
        "works_council_consultation"
    ]


def test_silence_we_observe_withholds_the_profile_of_open_debate() -> None:
    """Case 06: the team stays silent on calls, so the estimated 'they disagree openly' profile
    and its advice to argue our case are not given beside 'their silence is not agreement'."""
    (path,) = Path("kb/scenarios").glob("review-06-*.yaml")
    report = advise(load_scenario(path).scenario, compiled_knowledge_base())
    given = {item.id for item in (*report.diagnosis, *report.given)}
    assert "counterpart-confrontational" not in given
    assert "engage-openly-in-debate" not in given
    assert "silence-is-not-agreement" in given
