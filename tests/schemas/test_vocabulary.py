"""The vocabulary: every action and observation says in one line what it means, and that line
reaches the editor (the scenario's JSON Schema); new values are usable by rules as they are."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import pytest
from synergy_compass.engine.authoring.json_schemas import json_schema
from synergy_compass.engine.schemas.facts import FACT_TYPES
from synergy_compass.engine.schemas.scenario import OurAction
from synergy_compass.engine.schemas.vocabulary import ROLE_DESCRIPTIONS, Action, Observation, Role
from synergy_compass.engine.schemas.vocabulary_descriptions import (
    ACTION_DESCRIPTIONS,
    OBSERVATION_DESCRIPTIONS,
)

TABLES: list[tuple[type[StrEnum], dict[Any, str]]] = [
    (Action, ACTION_DESCRIPTIONS),
    (Observation, OBSERVATION_DESCRIPTIONS),
    (Role, ROLE_DESCRIPTIONS),
]


@pytest.mark.parametrize(
    ("kind", "descriptions"), TABLES, ids=lambda item: getattr(item, "__name__", "")
)
def test_every_value_has_a_one_line_description(
    kind: type[StrEnum], descriptions: dict[Any, str]
) -> None:
    assert set(descriptions) == set(kind)
    for member, text in descriptions.items():
        assert text.strip(), member
        assert "\n" not in text, member
        assert len(text) <= 100, member


def test_no_two_values_share_a_description() -> None:
    for _kind, descriptions in TABLES:
        texts = list(descriptions.values())
        assert len(texts) == len(set(texts))


def _scenario_definitions() -> dict[str, Any]:
    definitions: dict[str, Any] = json_schema("scenario")["$defs"]
    return definitions


@pytest.mark.parametrize(
    ("model", "field", "kind", "descriptions"),
    [
        ("OurAction", "kind", Action, ACTION_DESCRIPTIONS),
        ("Observed", "kind", Observation, OBSERVATION_DESCRIPTIONS),
        ("Relationship", "we_are", Role, ROLE_DESCRIPTIONS),
    ],
)
def test_the_descriptions_reach_the_json_schema_in_the_enums_order(
    model: str, field: str, kind: type[StrEnum], descriptions: dict[Any, str]
) -> None:
    definitions = _scenario_definitions()
    schema = definitions[model]["properties"][field]
    values = definitions[kind.__name__]["enum"]
    expected = [descriptions[kind(value)] for value in values]
    assert schema["enumDescriptions"] == expected
    assert schema["markdownEnumDescriptions"] == expected


@pytest.mark.parametrize(
    ("fact_type", "value"),
    [
        ("action", "sending_formal_contract_threat"),
        ("action", "announcing_in_a_language_they_do_not_work_in"),
        ("observation", "works_council_consultation"),
        ("observation", "request_for_payment_to_third_party"),
    ],
)
def test_new_values_are_values_rules_can_test(fact_type: str, value: str) -> None:
    assert value in FACT_TYPES[fact_type].fields["kind"].values


def test_a_done_mistake_and_a_planned_visit_are_actions() -> None:
    done = OurAction.model_validate({"kind": "missing_our_deadlines", "status": "done"})
    planned = OurAction.model_validate(
        {"kind": "senior_visit_in_person", "status": "planned", "date": "2027-03-12"}
    )
    assert (done.kind, done.status) == (Action.missing_our_deadlines, "done")
    assert planned.date is not None
