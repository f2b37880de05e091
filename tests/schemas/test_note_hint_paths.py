"""Scenario fields named by a path: their values, how to read them from a scenario, and the
YAML a hint suggests."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError
from synergy_compass.engine.schemas.note_hints import (
    FREE_TEXT_FIELDS,
    UnknownFieldError,
    free_texts,
    resolve_field,
)
from synergy_compass.engine.schemas.scenario import Scenario
from synergy_compass.engine.schemas.vocabulary import Gender, Observation


@pytest.mark.parametrize(
    ("path", "canonical", "yaml"),
    [
        ("we_observe", "we_observe", "we_observe: [resignations]"),
        ("goal", "goal", "goal: [{kind: resignations}]"),
        ("relationship.we_are", "relationship.we_are", "relationship: {we_are: resignations}"),
        ("we.people.gender", "we.people[].gender", "we: {people: [{gender: resignations}]}"),
        (
            "they.organisation_type",
            "they.organisation_type",
            "they: {organisation_type: [resignations]}",
        ),
    ],
)
def test_a_path_names_a_field_and_the_yaml_that_fills_it(
    path: str, canonical: str, yaml: str
) -> None:
    field = resolve_field(path)
    assert field.path == canonical
    assert field.yaml("resignations") == yaml


@pytest.mark.parametrize("path", list(Scenario.model_fields))
def test_an_item_is_written_bare_exactly_when_its_type_takes_its_bare_kind(path: str) -> None:
    try:
        field = resolve_field(path)
    except UnknownFieldError:  # a group of fields, such as we
        return
    takes_bare = False
    if field.by_kind and field.values:
        try:
            TypeAdapter(field.item).validate_python(field.values[0])
            takes_bare = True
        except ValidationError:
            pass
    assert field.bare == takes_bare


def test_the_values_a_field_takes() -> None:
    assert resolve_field("we_observe").values == tuple(Observation)
    assert resolve_field("they.people[].gender").values == tuple(Gender)
    assert resolve_field("relationship.months").values is None
    assert resolve_field("relationship.months").yaml(None) == "relationship: {months: ...}"
    assert resolve_field("notes").free_text
    assert not resolve_field("they.corporate_culture").free_text


def test_what_a_scenario_states_in_a_field() -> None:
    scenario = Scenario.model_validate(
        {
            "title": "Probe",
            "we": {"culture": "US", "people": [{"role": "CEO", "rank": "top", "gender": "woman"}]},
            "they": {"culture": "JP", "organisation": "A maker"},
            "goal": [{"kind": "expand_scope"}, {"kind": "give_feedback", "description": "soon"}],
            "we_observe": ["resignations"],
            "notes": "Some notes.",
        }
    )
    assert resolve_field("we_observe").stated(scenario) == ["resignations"]
    assert resolve_field("we.people[].gender").stated(scenario) == ["woman"]
    assert resolve_field("they.people[].gender").stated(scenario) == []
    assert not resolve_field("relationship.we_are").set_explicitly(scenario)
    assert list(free_texts(scenario)) == [
        ("notes", "notes", "Some notes."),
        ("goal[].description", "goal[1].description", "soon"),
        ("they.organisation", "they.organisation", "A maker"),
        ("we.people[].role", "we.people[0].role", "CEO"),
    ]
    assert all(resolve_field(path).free_text for path in FREE_TEXT_FIELDS)


@pytest.mark.parametrize(
    ("path", "message", "known"),
    [
        ("we_obsreve", "a scenario has no field 'we_obsreve'", "we_observe"),
        ("relationship.we_are.x", "relationship.we_are holds a single value, not fields", None),
        ("they.people", "they.people[] is a group of fields", "role"),
    ],
)
def test_a_path_that_names_nothing(path: str, message: str, known: str | None) -> None:
    with pytest.raises(
        UnknownFieldError, match=message.replace("[", r"\[").replace("]", r"\]")
    ) as caught:
        resolve_field(path)
    assert known is None or known in caught.value.known
