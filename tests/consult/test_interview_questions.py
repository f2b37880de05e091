"""The interview's questions follow the scenario schema: every field is asked or set aside
with a reason, and the pick-lists, defaults and checks are the schema's."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from synergy_compass.engine.consult.interview_questions import (
    NOT_ASKED,
    QUESTIONS,
    model_of,
)
from synergy_compass.engine.schemas import vocabulary
from synergy_compass.engine.schemas.scenario import Scenario
from synergy_compass.engine.schemas.vocabulary_descriptions import OBSERVATION_DESCRIPTIONS

BY_KEY = {
    (f"{question.group}." if question.group else "") + question.key: question
    for question in QUESTIONS
    if question.key
}


def _leaf_fields(model: type[BaseModel], prefix: str = "") -> list[str]:
    """Every field a consultant could fill, by dotted path; mappings and lists of mappings are
    walked into."""
    paths = []
    for name, info in model.model_fields.items():
        inner = model_of(info.annotation)
        if inner is None or f"{prefix}{name}" in NOT_ASKED:
            paths.append(f"{prefix}{name}")
        else:
            paths += _leaf_fields(inner, f"{prefix}{name}.")
    return paths


def _asked_paths() -> set[str]:
    return {
        path + (f".{question.item_key}" if question.item_key else "")
        for path, question in BY_KEY.items()
    }


def test_every_scenario_field_is_asked_or_set_aside_with_a_reason() -> None:
    fields = set(_leaf_fields(Scenario))
    asked = _asked_paths()
    assert not fields - asked - set(NOT_ASKED), "a new scenario field: ask it or say why not"
    assert not asked & set(NOT_ASKED)
    assert set(NOT_ASKED) <= fields, "NOT_ASKED names a field the schema no longer has"


def test_pick_lists_are_the_vocabulary_with_the_schema_descriptions() -> None:
    who = BY_KEY["relationship.we_are"]
    assert who.choices == tuple(role.value for role in vocabulary.Role)
    assert who.descriptions["buyer"] == vocabulary.ROLE_DESCRIPTIONS[vocabulary.Role.buyer]
    observed = BY_KEY["we_observe"]
    assert (observed.kind, observed.item_key) == ("choices", "kind")
    assert observed.choices == tuple(value.value for value in vocabulary.Observation)
    assert (
        observed.descriptions["polite_deferral"]
        == OBSERVATION_DESCRIPTIONS[vocabulary.Observation.polite_deferral]
    )
    assert BY_KEY["parties.decides"].choices == tuple(value.value for value in vocabulary.Decides)


def test_kinds_defaults_and_skipping_come_from_the_schema() -> None:
    expected: dict[str, tuple[Any, ...]] = {
        # key: (kind, default, optional)
        "title": ("text", None, False),
        "we.culture": ("country", None, False),
        "relationship.stage": ("choice", "first_contact", True),
        "relationship.months": ("number", None, True),
        "goal": ("choices", None, False),  # at least one goal
        "they.organisation_type": ("choices", None, True),
        "we.people.role": ("text", None, True),  # Enter: nobody on our side named
        "we.people.rank": ("choice", None, False),  # a named person needs a rank
        "we.people.leads": ("yes_no", "no", True),
        "we_are_doing.status": ("choice", "ongoing", True),
        "we_are_doing.date": ("date", None, True),
        "dates.kind": ("choice", "meeting", False),  # the script's default; the schema has none
    }
    found = {key: (BY_KEY[key].kind, BY_KEY[key].default, BY_KEY[key].optional) for key in expected}
    assert found == expected


def test_groups_end_with_add_another_and_conditions_point_at_their_question() -> None:
    another = [question for question in QUESTIONS if question.repeats_from]
    assert [question.group for question in another] == [
        "we.people",
        "they.people",
        "parties",
        "we_are_doing",
        "dates",
    ]
    for question in another:
        first = QUESTIONS[question.repeats_from - 1]
        assert (first.group, first.starts_group) == (question.group, True)
    for question in QUESTIONS:
        if question.when:
            target = QUESTIONS[question.when_number - 1]
            assert (target.key, target.group) == (question.when.key, question.group)
    assert [question.number for question in QUESTIONS] == list(range(1, len(QUESTIONS) + 1))
