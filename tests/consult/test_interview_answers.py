"""One answer of the interview: picks by number, name or prefix; values checked by the schema."""

from __future__ import annotations

import datetime

import pytest
from synergy_compass.engine.consult.interview_answers import answer_hint, parse_answer, pick_list
from synergy_compass.engine.consult.interview_questions import QUESTIONS, Question
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import shipped_countries
from synergy_compass.engine.schemas.countries import COUNTRIES_CONTEXT
from synergy_compass.engine.schemas.scenario import They

BY_KEY = {
    (f"{question.group}." if question.group else "") + question.key: question
    for question in QUESTIONS
    if question.key
}


def ask(key: str, text: str) -> object:
    return parse_answer(BY_KEY[key], text)


@pytest.mark.parametrize(
    ("key", "text", "value"),
    [
        ("relationship.we_are", "3", "buyer"),
        ("relationship.we_are", "buyer", "buyer"),
        ("relationship.we_are", "Buy", "buyer"),
        ("relationship.we_are", "", "seller"),  # Enter: the default
        ("relationship.we_are", "partner", "partner"),
        ("they.organisation_type", "Family business, 10", ["family_business", "distributor"]),
        ("they.organisation_type", "", []),
        ("goal", "expand, 2, win", ["expand_scope", "win_first_deal"]),  # said twice: once
        ("relationship.stage", "long", "long_standing"),
        ("we.people.leads", "Y", True),
        ("we.people.leads", "", False),
        ("relationship.months", "18", 18),
        ("we_are_doing.date", "2026-03-12", datetime.date(2026, 3, 12)),
        ("they.culture", "usa", "US"),
        ("we.people.role", "", None),
        ("notes", "", None),
    ],
)
def test_an_answer_gives_the_fields_value(key: str, text: str, value: object) -> None:
    assert ask(key, text) == value


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("relationship.we_are", "s", r"'s' is the start of several choices \(seller, "),
        ("relationship.we_are", "13", "there is no choice 13. Pick 1 to 12"),
        ("relationship.we_are", "0", "there is no choice 0"),
        ("goal", "expand_scoop", "Did you mean 'expand_scope'"),
        ("goal", "", "an answer is needed here"),
        ("they.culture", "Japn", "unknown country 'Japn'.* Did you mean Japan"),
        ("title", "", "an answer is needed here"),
        ("title", "x" * 301, "at most 300 characters"),
        ("relationship.months", "two years", "expected a whole number; found 'two years'"),
        ("relationship.months", "2000", "less than or equal to 1200; found '2000'"),
        ("we.people.years_in_other_culture", "81", "less than or equal to 80"),
        ("we_are_doing.date", "12 March", "expected a date like 2026-03-12; found '12 March'"),
        ("we_are_doing.date", "2026-02-30", "expected a date like"),
        ("we.people.leads", "maybe", "expected yes or no; found 'maybe'"),
        ("we.people.rank", "", "an answer is needed here. Type the number or the name"),
    ],
)
def test_a_wrong_answer_says_what_to_type(key: str, text: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        ask(key, text)


@pytest.mark.parametrize(
    "text", ["USA", "United States", "jpn", "UK", "Holland", "Korea", "Japn", "Rusia", ""]
)
def test_countries_are_read_as_a_scenario_file_reads_them(text: str) -> None:
    """The answer goes through the schema's own country check, with the shipped aliases."""
    context = {COUNTRIES_CONTEXT: shipped_countries()}
    try:
        expected: object = They.model_validate({"culture": text}, context=context).culture
    except ValueError:
        expected = ScenarioError
    try:
        found: object = ask("they.culture", text)
    except ScenarioError:
        found = ScenarioError
    assert found == expected


def test_every_country_field_is_asked_as_a_country() -> None:
    countries = sorted(key for key, question in BY_KEY.items() if question.kind == "country")
    assert countries == [
        "parties.culture",
        "they.corporate_culture",
        "they.culture",
        "they.people.culture",
        "we.culture",
        "we.people.culture",
    ]
    assert ask("they.people.culture", "Holland") == "NL"


def test_short_pick_lists_share_lines_and_described_ones_take_a_line_each() -> None:
    assert pick_list(BY_KEY["we.people.rank"]) == ["1 top      2 senior   3 middle   4 working"]
    roles = pick_list(BY_KEY["relationship.we_are"])
    assert roles[0] == " 1 seller: we sell goods to them"
    assert len(roles) == len(BY_KEY["relationship.we_are"].choices)
    goals = pick_list(BY_KEY["goal"])
    assert all(len(line) <= 80 for line in goals)
    assert goals[0].startswith(" 1 win_first_deal")
    assert goals[-1] == "13 present_proposal"
    assert pick_list(BY_KEY["title"]) == []


def test_the_hint_says_what_enter_does() -> None:
    hints = {key: answer_hint(BY_KEY[key]) for key in ("relationship.we_are", "notes", "title")}
    assert hints == {
        "relationship.we_are": " [Enter: seller]",
        "notes": " [Enter to skip]",
        "title": "",
    }
    assert answer_hint(BY_KEY["they.people.role"]) == " [Enter: none]"
    assert answer_hint(BY_KEY["goal"]) == " [several allowed, separated by commas]"
    another = next(question for question in QUESTIONS if question.repeats_from)
    assert isinstance(another, Question)
    assert answer_hint(another) == " [yes/no; Enter: no]"
