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
        ("goal.kind", "win_first_deal"),
        ("they.organisation_type", ""),
        ("they.structure", ""),
        ("relationship.stage", ""),
    ):
        interview.answer(QUESTION[key], answer)
    remaining = [question.key for question in interview.questions()]
    assert "relationship.months" not in remaining
    assert "relationship.they_see_us_as" not in remaining
    assert remaining[0] == "person.role"
    interview.answer(QUESTION["person.role"], "")
    assert "person.rank" not in [question.key for question in interview.questions()]


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
                "expand_scop",
                "expand_scope",
                "",
                "",
                "established",
                "24",
                "vendor",
                "none",
                "President",
                "top",
                "none",
                "",
                "no_decision",
                "",
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
