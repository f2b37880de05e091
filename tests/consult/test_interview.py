"""`compass interview`: questions from the schema, checked as answered, skipped when moot."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.consult.interview import QUESTIONS, Interview, parse_answer
from synergy_compass.engine.errors import ScenarioError

QUESTION = {question.key: question for question in QUESTIONS}


def test_a_first_contact_skips_the_relationship_questions() -> None:
    interview = Interview()
    for key, answer in (
        ("title", "T"),
        ("we.culture", "US"),
        ("they.culture", "JP"),
        ("relationship.we_are", ""),
        ("goal.kind", "win_first_deal"),
        ("goal.second", ""),
        ("they.organisation_type", ""),
        ("they.structure", ""),
        ("relationship.stage", ""),
    ):
        interview.answer(QUESTION[key], answer)
    remaining = [question.key for question in interview.questions()]
    assert "relationship.months" not in remaining
    assert "relationship.they_see_us_as" not in remaining
    assert remaining[:2] == ["lead.role", "person.role"]
    interview.answer(QUESTION["lead.role"], "")
    interview.answer(QUESTION["person.role"], "")
    remaining = [question.key for question in interview.questions()]
    assert not [key for key in remaining if key.startswith(("lead.", "person."))]


@pytest.mark.parametrize(
    ("key", "answer", "message"),
    [
        ("we.culture", "Japn", "Did you mean 'Japan'"),
        ("goal.kind", "expand_scop", "Did you mean 'expand_scope'"),
        ("goal.kind", "expand_scope, enter_market", "choose exactly one"),
        ("relationship.months", "two years", "expected a whole number"),
        ("we_observe", "polite_deferal", "Did you mean 'polite_deferral'"),
        ("we.culture", "", "an answer is needed here"),
    ],
)
def test_answers_are_checked_as_they_are_given(key: str, answer: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        parse_answer(QUESTION[key], answer)


def test_piped_answers_write_a_scenario_and_advise(tmp_path: Path, mini_kb: Path) -> None:
    answers = (
        "\n".join(
            [
                "Expanding in Tokyo",
                "USA",
                "Japan",
                "",  # who we are to them: seller, the default
                "expand_scop",
                "expand_scope",
                "",  # no second goal
                "",
                "",
                "established",
                "24",
                "vendor",
                "none",
                "",  # who leads for us: skipped
                "President",
                "top",
                "none",
                "",
                "",
                "",
                "",  # no other party
                "",
                "",  # nothing planned
                "no_decision",
                "",
                "",  # no date
            ]
        )
        + "\n"
    )
    out = tmp_path / "case.yaml"
    result = CliRunner().invoke(
        cli, ["interview", "--out", str(out), "--kb", str(mini_kb)], input=answers
    )
    assert result.exit_code == 0, result.stderr
    assert "'expand_scop' is not one of the choices. Did you mean 'expand_scope'?" in result.stderr
    data = yaml.safe_load(out.read_text())
    assert data["they"] == {
        "culture": "JP",
        "people": [{"role": "President", "rank": "top", "contact": "none"}],
    }
    assert data["relationship"] == {
        "we_are": "seller",
        "stage": "established",
        "months": 24,
        "they_see_us_as": "vendor",
        "personal_contact": "none",
    }
    assert "DIAGNOSIS" in result.stdout
    assert "Get introduced" in result.stdout


def test_action_and_observation_choices_say_what_each_means() -> None:
    observed = QUESTION["we_observe"].help().splitlines()
    assert "    works_council_consultation: a works council, union or other employee" in "\n".join(
        observed
    )
    assert len(observed) == 1 + len(QUESTION["we_observe"].choices)
    assert "    owning_our_mistake: we told them plainly" in QUESTION["we_are_doing"].help()


def test_who_we_are_is_asked_with_what_each_role_means() -> None:
    question = QUESTION["relationship.we_are"]
    assert question.default == "seller"
    assert "\n    buyer: we buy goods from them" in question.help()
    assert parse_answer(question, "") == "seller"
    assert parse_answer(question, "manager") == "manager"


@pytest.mark.parametrize(
    ("answers", "asked", "skipped"),
    [
        ({"relationship.we_are": "partner"}, "relationship.partnership", ""),
        ({"relationship.we_are": "buyer"}, "", "relationship.partnership"),
        ({"party.kind": "their_parent"}, "party.decides", ""),
        ({"party.kind": "competitor"}, "party.culture", "party.decides"),
        ({"party.kind": None}, "", "party.culture"),
        ({"date.date": None}, "", "date.kind"),
        ({"person.role": "Owner"}, "person.decision_role", ""),
    ],
)
def test_follow_up_questions_are_asked_only_when_they_can_matter(
    answers: dict[str, str | None], asked: str, skipped: str
) -> None:
    interview = Interview()
    interview.answers.update(answers)
    remaining = [question.key for question in interview.questions()]
    assert not asked or asked in remaining
    assert not skipped or skipped not in remaining


FULL = {
    "title": "A joint venture in Japan whose German parent sets prices",
    "we.culture": "US",
    "they.culture": "Japan",
    "relationship.we_are": "partner",
    "relationship.partnership": "joint_venture",
    "goal.kind": "give_feedback",
    "goal.second": "manage_remote_team",
    "they.organisation_type": "family_business, distributor",
    "they.structure": "",
    "relationship.stage": "early",
    "relationship.months": "5",
    "relationship.they_see_us_as": "",
    "relationship.personal_contact": "some",
    "lead.role": "Sales director",
    "lead.rank": "senior",
    "lead.gender": "woman",
    "person.role": "Managing director",
    "person.rank": "top",
    "person.contact": "",
    "person.decision_role": "decides",
    "person.gender": "",
    "person.culture": "Germany",
    "party.kind": "their_parent",
    "party.culture": "DE",
    "party.decides": "pricing, approvals",
    "we_are_doing": "giving_gifts",
    "planned": "senior_visit_in_person",
    "we_observe": "",
    "they.preferences": "",
    "date.date": "2026-03-12",
    "date.kind": "visit",
}


def test_every_new_answer_lands_in_its_version_2_field() -> None:
    interview = Interview()
    while (question := next(interview.questions(), None)) is not None:
        interview.answer(question, FULL[question.key])
    assert set(interview.answers) == set(FULL)
    scenario = interview.scenario()
    assert (scenario.relationship.we_are, scenario.relationship.partnership) == (
        "partner",
        "joint_venture",
    )
    assert [goal.kind for goal in scenario.goal] == ["give_feedback", "manage_remote_team"]
    assert scenario.they.organisation_type == ("family_business", "distributor")
    [lead] = scenario.we.people
    assert (lead.role, lead.rank, lead.gender, lead.leads) == (
        "Sales director",
        "senior",
        "woman",
        True,
    )
    [person] = scenario.they.people
    assert (person.decision_role, person.gender, person.culture) == ("decides", None, "DE")
    [party] = scenario.parties
    assert (party.kind, party.culture, party.decides) == (
        "their_parent",
        "DE",
        ("pricing", "approvals"),
    )
    assert [(action.kind, action.status) for action in scenario.we_are_doing] == [
        ("giving_gifts", "ongoing"),
        ("senior_visit_in_person", "planned"),
    ]
    assert [(date.kind, str(date.date)) for date in scenario.dates] == [("visit", "2026-03-12")]
    written = yaml.safe_load(interview.to_yaml())
    assert list(written)[:6] == ["title", "we", "they", "parties", "relationship", "goal"]


def test_a_date_must_be_a_calendar_date() -> None:
    with pytest.raises(ScenarioError, match="expected a date like 2026-03-12; found '12 March'"):
        parse_answer(QUESTION["date.date"], "12 March")
    with pytest.raises(ScenarioError, match="expected a date like"):
        parse_answer(QUESTION["date.date"], "2026-02-30")
