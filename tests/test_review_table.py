"""The review table (../shared/review/README.md): one test per failure it names, each asserting
on the re-entered case (kb/scenarios/review-NN-*.yaml) that the old failure is gone.

Row tests are named ``test_NN_...`` after the case; ``test_across_...`` covers the section
"Across the cases" (items 2-6; item 1, what the format can state, is covered by
``tests/test_review_cases.py``). ``report.given`` is the main plan and 'also consider';
``report.recommendations`` is the main plan; ``report.diagnosis`` is in the order shown.
"""

from __future__ import annotations

import re
from functools import cache
from itertools import combinations

import pytest
from review_support import case, report_for
from synergy_compass.engine.api import advise, compare, compiled_knowledge_base
from synergy_compass.engine.schemas.report import Report
from synergy_compass.engine.schemas.scenario import Scenario
from synergy_compass.engine.schemas.vocabulary import PersonalContact, RelationshipStage, Role

CASES = range(1, 11)


def diagnosed(report: Report) -> list[str]:
    return [item.id for item in report.diagnosis]


def given(report: Report) -> set[str]:
    return {item.id for item in report.given}


def main_plan(report: Report) -> set[str]:
    return {item.id for item in report.recommendations}


def advised_against(report: Report) -> set[str]:
    return {item.id for item in report.advised_against}


def advice_text(report: Report) -> str:
    """Everything the client reads in the advice given."""
    parts: list[str] = []
    for advice in report.given:
        parts += [advice.title, advice.advice, *advice.steps]
    return "\n".join(parts)


def all_text(report: Report) -> str:
    """Everything the client reads in the diagnosis and the advice given."""
    parts: list[str] = []
    for finding in report.diagnosis:
        parts += [finding.title, finding.explanation, finding.caveat or ""]
    return "\n".join(parts) + "\n" + advice_text(report)


@cache
def severity(finding_id: str) -> str:
    finding = compiled_knowledge_base().knowledge_base.findings[finding_id].value
    return str(getattr(finding.severity, "value", finding.severity))


@cache
def stances(advice_id: str) -> dict[str, str]:
    advice = compiled_knowledge_base().knowledge_base.advice[advice_id].value
    return {
        str(getattr(axis, "value", axis)): str(getattr(pole, "value", pole))
        for axis, pole in dict(advice.stances or {}).items()
    }


# --- 01 US buyer, Japanese subsidiary on German group rules ------------------------------------


SELLER_ONLY_ADVICE = {
    "answer-due-diligence-openly",
    "reposition-as-strategic-partner",
    "propose-low-risk-pilot",
    "turn-standing-into-the-lead-role",
}
SELLER_ONLY_FINDINGS = {"they-are-vetting-us", "we-are-seen-as-vendor"}


def test_01_a_buyer_is_not_advised_as_a_seller() -> None:
    report = report_for(1)
    assert case(1).relationship.we_are == Role.buyer
    assert not SELLER_ONLY_FINDINGS & set(diagnosed(report))
    assert not SELLER_ONLY_ADVICE & given(report)
    assert "asks many questions about us while we seek its business" not in all_text(report)
    # What a buyer needs instead: the price-down tied to what the supplier gains.
    assert "price-pressure-strains-supplier-relationship" in diagnosed(report)
    assert "tie-price-down-to-supplier-gains" in given(report)


def test_01_the_japanese_people_are_still_read_as_japanese_under_german_rules() -> None:
    report = report_for(1)
    found = diagnosed(report)
    assert "situation-overrides-profile-corporate-culture" in found
    for japanese in (
        "silence-is-not-agreement",
        "counterpart-high-context",
        "counterpart-avoids-confrontation",
        "hard-bargaining-threatens-face",
    ):
        assert japanese in found, japanese
    assert {
        "read-silence-and-draw-out-views",
        "replace-hard-bargaining-with-face-saving-trades",
    } <= (given(report))


def test_01_the_german_parent_is_read_as_a_third_culture() -> None:
    report = report_for(1)
    from_parent = {
        item.id
        for item in report.diagnosis
        if any(side.side == "their_parent" and side.country == "DE" for side in item.between)
    }
    assert {"parent-signs-off-by-consultation", "parent-process-wants-more-paper"} <= from_parent
    assert {
        "map-sign-off-at-their-parent",
        "stop-pressing-the-local-team-for-the-parents-decision",
    } <= main_plan(report)


def test_01_their_referral_to_the_parent_is_not_read_as_a_coded_no() -> None:
    """'We will check internally' where we have seen pricing go to Stuttgart is the referral."""
    report = report_for(1)
    assert "deferral-is-probably-no" not in diagnosed(report)
    assert "read-polite-deferral-as-no" not in given(report)


# --- 02 US woman executive, Saudi family group ---------------------------------------------------


def test_02_the_handshake_advice_is_for_the_woman_who_leads() -> None:
    report = report_for(2)
    assert "let-men-offer-their-hand-first" in main_plan(report)
    assert "let-women-offer-their-hand-first" not in given(report)


def test_02_how_she_will_be_received_is_addressed() -> None:
    report = report_for(2)
    assert "woman-lead-may-be-bypassed" in diagnosed(report)
    assert "make-her-leadership-visible" in main_plan(report)


def test_02_a_refused_handshake_is_explained() -> None:
    report = report_for(2)
    (handshake,) = [item for item in report.given if item.id == "let-men-offer-their-hand-first"]
    assert "heart" in " ".join((handshake.title, handshake.advice, *handshake.steps)).lower()


def test_02_the_friday_saturday_weekend_is_planned_for() -> None:
    report = report_for(2)
    assert "their-working-week-differs" in diagnosed(report)
    assert "plan-around-the-days-your-working-weeks-share" in given(report)


# --- 03 US client, Indian IT vendor --------------------------------------------------------------


def test_03_a_client_gets_no_seller_advice() -> None:
    report = report_for(3)
    assert case(3).relationship.we_are == Role.client
    assert not SELLER_ONLY_FINDINGS & set(diagnosed(report))
    assert not SELLER_ONLY_ADVICE & given(report)


def test_03_no_performance_review_of_the_suppliers_staff() -> None:
    report = report_for(3)
    manager_only = {
        "adapt-the-performance-review-format",
        "state-expectations-clearly-as-the-manager",
        "set-individual-goals-and-recognition",
        "give-team-autonomy-with-clear-goals",
    }
    assert not manager_only & given(report)


def test_03_vendor_governance_levers_are_advised() -> None:
    report = report_for(3)
    levers = {
        "agree-acceptance-criteria-and-escalation-in-writing",
        "hold-structured-delivery-reviews",
        "raise-performance-issues-through-the-suppliers-lead",
        "ask-for-risks-before-dates",
    }
    assert levers <= given(report)
    assert len(levers & main_plan(report)) >= 3


# --- 04 German medtech, Chinese distributor asks for an 8 % fee ---------------------------------

PAYMENT_RISKS = {
    "payment-sought-for-official-action",
    "third-party-payment-red-flag",
    "unusual-payment-request",
    "third-party-bribery-risk",
}


def test_04_the_bribe_leads_the_diagnosis_above_gift_etiquette() -> None:
    report = report_for(4)
    found = diagnosed(report)
    assert found[0] in PAYMENT_RISKS
    assert severity(found[0]) == "risk"
    last_payment_risk = max(found.index(risk) for risk in PAYMENT_RISKS)
    assert last_payment_risk < found.index("gift-exchange-expected")
    # The plan opens with the payment, not with gift etiquette.
    first_two = {item.id for item in report.recommendations[:2]}
    assert first_two <= {
        "pause-and-verify-unusual-payment-requests",
        "refuse-payments-meant-for-officials",
        "do-due-diligence-on-local-agents",
    }
    assert not {"avoid-chinese-gift-taboos", "bring-a-modest-gift"} & main_plan(report)


def test_04_german_and_chinese_law_are_cited() -> None:
    report = report_for(4)
    found = set(diagnosed(report))
    assert {"german-bribery-law-applies", "chinese-bribery-law-applies"} <= found
    assert not {"fcpa-applies", "uk-bribery-act-applies"} & found


def test_04_no_advice_says_the_law_sets_no_gift_limit() -> None:
    text = all_text(report_for(4)).lower()
    assert not re.search(r"sets no (\w+ )?limit|no gift limit|no limit on gifts", text)


# --- 05 US agritech, Brazilian partner after a dispute -------------------------------------------


def test_05_a_senior_visit_and_withdrawing_the_threat_are_advised() -> None:
    plan = main_plan(report_for(5))
    assert {
        "repair-with-a-senior-visit-in-person",
        "withdraw-the-threat-to-everyone-who-received-it",
    } <= plan


def test_05_we_own_our_mistake() -> None:
    report = report_for(5)
    assert "our-share-of-the-problem-unacknowledged" in diagnosed(report)
    assert "own-our-part-of-the-problem" in main_plan(report)


def test_05_no_east_asian_go_between_for_a_brazilian_family_firm() -> None:
    report = report_for(5)
    assert "counterpart-avoids-confrontation" not in diagnosed(report)
    assert not {
        "resolve-conflict-through-private-channels",
        "use-a-trusted-local-intermediary",
    } & given(report)


# --- 06 Swedish manager, Nigerian team -----------------------------------------------------------


def test_06_a_manager_is_not_told_they_see_us_as_a_vendor() -> None:
    report = report_for(6)
    assert case(6).relationship.we_are == Role.manager
    assert not SELLER_ONLY_FINDINGS & set(diagnosed(report))
    assert not SELLER_ONLY_ADVICE & given(report)


def test_06_soft_consensus_feedback_is_read_as_weak_direction() -> None:
    report = report_for(6)
    assert "soft-direction-reads-as-weak" in diagnosed(report)
    assert "state-expectations-clearly-as-the-manager" in main_plan(report)
    softer_still = {
        "downgrade-criticism-for-indirect-cultures",
        "deliver-criticism-privately-and-softly",
        "consult-the-team-before-deciding",
        "give-team-autonomy-with-clear-goals",
    }
    assert not softer_still & given(report)


def test_06_two_goals_do_not_add_ten_items() -> None:
    scenario = case(6)
    kb = compiled_knowledge_base()
    both = report_for(6)
    assert [goal.kind for goal in scenario.goal] == ["give_feedback", "manage_remote_team"]
    assert len(both.recommendations) <= 7
    for goal in scenario.goal:
        alone = advise(scenario.model_copy(update={"goal": (goal,)}), kb)
        assert len(alone.recommendations) <= 7
    # One plan serves both goals: feedback and leading the remote hub.
    plan = main_plan(both)
    assert plan & {"state-expectations-clearly-as-the-manager", "give-negative-feedback-one-to-one"}
    assert plan & {"meet-the-remote-team-in-person", "create-room-for-informal-contact"}


def test_06_the_older_hub_lead_is_consulted_first() -> None:
    report = report_for(6)
    assert "local-senior-expects-first-word" in diagnosed(report)
    assert "consult-the-senior-local-lead-first" in main_plan(report)


# --- 07 US acquirer, French company --------------------------------------------------------------


def test_07_the_works_council_is_a_step_in_the_plan() -> None:
    report = report_for(7)
    assert {"employee-consultation-required", "cse-opinion-before-the-decision"} <= set(
        diagnosed(report)
    )
    assert "consult-employee-representatives-before-deciding" in main_plan(report)


def test_07_announcements_go_out_in_their_language() -> None:
    report = report_for(7)
    assert {"announcements-miss-their-language", "work-documents-must-be-in-french"} <= set(
        diagnosed(report)
    )
    assert "announce-changes-in-their-language-through-their-leaders" in main_plan(report)


def test_07_open_debate_and_rarely_volunteered_objections_are_not_both_said() -> None:
    report = report_for(7)
    assert "open-disagreement-is-normal" in diagnosed(report)
    assert "counterpart-avoids-confrontation" not in diagnosed(report)
    assert not {
        "give-clear-direction-and-check-in-often",
        "avoid-public-disagreement",
        "read-silence-and-draw-out-views",
    } & given(report)
    assert "rarely volunteer" not in all_text(report)


# --- 08 Israeli start-up, Korean chaebol ---------------------------------------------------------


def test_08_one_statement_of_how_fast_they_decide() -> None:
    report = report_for(8)
    found = set(diagnosed(report))
    assert "top-decides-once-the-proposal-arrives" in found
    assert "counterpart-consensus-decisions" not in found
    assert "carry-the-proposal-up-through-their-levels" in given(report)
    assert not {
        "prepare-for-fast-individual-decisions",
        "expect-open-consultation",
        "go-directly-to-the-owner",
    } & given(report)


def test_08_our_mistakes_with_their_ranks_are_answered() -> None:
    """Not a failure the table names, but its decisive facts: going over the team leader's head
    and correcting their senior engineer in front of others."""
    report = report_for(8)
    assert {"gatekeeper-bypassed", "public-criticism-costs-face"} <= set(diagnosed(report))
    assert {"work-with-the-gatekeeper", "avoid-public-disagreement"} <= main_plan(report)


# --- 09 founding case, a trusted adviser ---------------------------------------------------------


def _short_relationship(scenario: Scenario) -> Scenario:
    """Case 09 as if we had met them six months ago, with no personal ties."""
    return scenario.model_copy(
        update={
            "relationship": scenario.relationship.model_copy(
                update={
                    "stage": RelationshipStage.early,
                    "months": 6,
                    "personal_contact": PersonalContact.little,
                }
            ),
            "we_are_doing": tuple(
                action for action in scenario.we_are_doing if action.kind != "social_invitations"
            ),
            "we_observe": tuple(
                item for item in scenario.we_observe if item.kind != "social_invitations_received"
            ),
        }
    )


def _certainty(report: Report, finding_id: str) -> float:
    return next((item.certainty for item in report.diagnosis if item.id == finding_id), 0.0)


def test_09_a_long_relationship_weakens_deferral_is_no() -> None:
    close = report_for(9)
    short = advise(_short_relationship(case(9)), compiled_knowledge_base())
    assert "deferral-is-probably-no" not in diagnosed(close)
    assert "read-polite-deferral-as-no" not in given(close)
    assert "ask-your-sponsor-where-it-stands" in main_plan(close)
    # The same deferral from people who barely know us still reads as a probable no, and more
    # certainly than the close partner's "not yet" reads as anything.
    assert _certainty(short, "deferral-is-probably-no") >= 0.7
    assert _certainty(close, "deferral-from-close-partner-may-be-not-yet") < _certainty(
        short, "deferral-is-probably-no"
    )


def test_09_no_year_or_more_for_a_five_year_relationship() -> None:
    report = report_for(9)
    assert not {"patience-long-term-view", "build-personal-relationship"} & given(report)
    # The diagnosis may say that building trust "over a year or more" is done; no advice may
    # still ask for it.
    assert "year or more" not in advice_text(report)


def test_09_an_adviser_is_helped_to_lead_counsel_against_an_incumbent() -> None:
    report = report_for(9)
    assert {"long-close-relationship", "rival-in-the-frame-for-the-larger-role"} <= set(
        diagnosed(report)
    )
    assert "turn-standing-into-the-lead-role" in main_plan(report)


# --- 10 founding case, a flat Tokyo start-up (the review found it excellent) --------------------


def test_10_the_seven_profile_items_stay_advised_against() -> None:
    report = report_for(10)
    assert {
        "treat-the-meeting-as-confirmation",
        "cultivate-working-level-champions",
        "patience-long-term-view",
        "use-titles-and-surnames-until-invited",
        "rank-matched-introduction",
        "build-personal-relationship",
        "read-context-and-ask-open-questions",
    } <= advised_against(report)
    assert "follow-their-stated-way-of-working" in main_plan(report)
    # They said they communicate directly: their silence is not read as a coded no.
    assert "read-polite-deferral-as-no" not in given(report)


# --- Across the cases -----------------------------------------------------------------------------

# Words that put us on the selling side (a client may still speak of its "vendor").
SELLER_WORDS = re.compile(
    r"\b(sell|selling|sales|first deal|more business|(seek|win) (its|their) business"
    r"|us as (a )?vendor)\b",
    re.I,
)


@pytest.mark.parametrize("number", [1, 3, 6, 7], ids=lambda n: f"review-{n:02d}")
def test_across_advice_for_one_role_does_not_reach_another(number: int) -> None:
    """Item 2: rules written for sellers fire for buyers, clients, managers and acquirers."""
    report = report_for(number)
    assert case(number).relationship.we_are not in {Role.seller, Role.service_provider}
    assert not SELLER_ONLY_FINDINGS & set(diagnosed(report))
    assert not SELLER_ONLY_ADVICE & given(report)
    assert SELLER_WORDS.findall(all_text(report)) == []


@pytest.mark.parametrize("number", CASES, ids=lambda n: f"review-{n:02d}")
def test_across_no_contradiction_in_a_plan_goes_unflagged(number: int) -> None:
    """Item 3: two items given together never pull one behaviour axis opposite ways, nor are
    declared conflicts, unless the plan shows them as a trade-off."""
    report = report_for(number)
    for first, second in combinations(report.given, 2):
        one, other = stances(first.id), stances(second.id)
        opposed = [axis for axis in one.keys() & other.keys() if one[axis] != other[axis]]
        declared = second.id in first.conflicts_with or first.id in second.conflicts_with
        if opposed or declared:
            assert second.id in first.trade_off_with or first.id in second.trade_off_with, (
                first.id,
                second.id,
                opposed,
            )


@pytest.mark.parametrize("number", CASES, ids=lambda n: f"review-{n:02d}")
def test_across_plans_have_at_most_seven_main_items(number: int) -> None:
    """Item 4: plans ran to 18-20 items, some at certainty 0.13-0.22."""
    report = report_for(number)
    assert 0 < len(report.recommendations) <= 7
    assert all(item.certainty >= 0.4 for item in report.recommendations)


def test_across_certainty_moves_with_a_long_relationship() -> None:
    """Item 4: the same case with a short relationship reads the deferral as a probable no,
    the five-year relationship does not."""
    short = advise(_short_relationship(case(9)), compiled_knowledge_base())
    assert "deferral-is-probably-no" in diagnosed(short)
    assert "deferral-is-probably-no" not in diagnosed(report_for(9))


@pytest.mark.parametrize(
    ("number", "laws"),
    [
        (4, {"german-bribery-law-applies", "chinese-bribery-law-applies"}),
        (2, {"fcpa-applies", "saudi-anti-bribery-law-applies"}),
        (5, {"fcpa-applies", "brazilian-clean-company-act-applies"}),
    ],
    ids=["review-04-DE-CN", "review-02-US-SA", "review-05-US-BR"],
)
def test_across_compliance_cites_the_law_of_both_countries(number: int, laws: set[str]) -> None:
    """Item 5: compliance covered two jurisdictions (the US and the UK) whoever we were."""
    assert laws <= set(diagnosed(report_for(number)))


def test_across_compare_us_sa_does_not_call_us_decisions_consensual() -> None:
    """Item 6: `compare US SA` said US decisions are 'built by consensus, slowly'."""
    comparison = compare("US", "SA")
    (deciding,) = [row for row in comparison.dimensions if row.dimension == "deciding"]
    for text in (deciding.for_a, deciding.for_b):
        assert "built by consensus" not in text.lower()
    assert "consensus" not in deciding.for_b.lower()
    assert "top-down" in deciding.for_b.lower()
