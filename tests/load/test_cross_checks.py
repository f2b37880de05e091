"""Cross-checks: where a condition's problems are placed, and which comparisons are checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.loader import load_knowledge_base

RULE_HEAD = """rules:
  - id: probe
    title: Probe
    rationale: Testing.
    sources: [test-source]
    topic: hierarchy
"""
THEN = "    then: {conclude: {vendor: 0.5}}\n"


def _messages(broken_kb: Callable[[str, str], Path], when: str, roles: str = "") -> list[str]:
    with pytest.raises(KnowledgeBaseError) as caught:
        load_knowledge_base(broken_kb("rules.yaml", RULE_HEAD + roles + when + THEN))
    return [problem.message + " @ " + str(problem.location) for problem in caught.value.problems]


@pytest.mark.parametrize(
    ("when", "expected"),
    [
        (  # an 'exists' of one pattern is placed at the pattern
            "    when: [{exists: {person: {rnak: top}}}]\n",
            "the fact type 'person' has no field 'rnak' @ rules.yaml:7:31",
        ),
        (  # an 'exists' of a list is placed at the pattern's index in it
            "    when: [{exists: [{goal: {kind: expand_scope}}, {person: {rnak: top}}]}]\n",
            "the fact type 'person' has no field 'rnak' @ rules.yaml:7:62",
        ),
        (  # a variable compared with 'not' before it is bound
            "    when: [{person: {rank: {not: {var: r}}}}, {person: {rank: {as: r}}}]\n",
            "the variable 'r' is used before it is bound @ rules.yaml:7:40",
        ),
        (  # a comparison of numbers on a field that holds text
            "    when: [{person: {rank: {within: {var: r, by: 1}}}}]\n",
            "'within' compares numbers, but this field holds enum values @ rules.yaml:7:37",
        ),
    ],
)
def test_a_condition_problem_is_placed_where_it_is_written(
    broken_kb: Callable[[str, str], Path], when: str, expected: str
) -> None:
    assert expected in _messages(broken_kb, when)


def test_a_comparison_given_as_null_compares_nothing(
    broken_kb: Callable[[str, str], Path],
) -> None:
    when = "    when: [{person: {rank: {equals: top, at_least: null}}}, {goal: {kind: nope}}]\n"
    messages = _messages(broken_kb, when)
    assert not any("compares numbers" in message for message in messages)
    assert any("unknown value 'nope'" in message for message in messages)  # the rule was checked


def test_a_rule_for_some_roles_is_checked_with_its_guard(
    broken_kb: Callable[[str, str], Path],
) -> None:
    messages = _messages(
        broken_kb, "    when: [{person: {rnak: top}}]\n", roles="    roles: [seller]\n"
    )
    assert messages == ["the fact type 'person' has no field 'rnak' @ rules.yaml:8:22"]


def test_a_wrong_value_written_alike_in_two_places_is_reported_at_each(
    broken_kb: Callable[[str, str], Path],
) -> None:
    # the loader shares one instance between tests written alike, and the checks skip the
    # values of a test already found clean: never one found wrong
    when = "    when: [{person: {rank: chief}}, {goal: {kind: expand_scope}}, {person: {rank: chief}}]\n"
    messages = _messages(broken_kb, when)
    assert [message for message in messages if "'chief'" in message] == [
        "unknown value 'chief' for a enum field @ rules.yaml:7:28",
        "unknown value 'chief' for a enum field @ rules.yaml:7:83",
    ]


def test_a_value_clean_for_one_field_is_still_checked_for_another(
    broken_kb: Callable[[str, str], Path],
) -> None:
    when = "    when: [{person: {rank: top}}, {organisation: {structure: top}}]\n"
    messages = _messages(broken_kb, when)
    assert any("unknown value 'top'" in message for message in messages)


def test_a_comparison_written_alike_is_checked_at_each_place_it_is_used(
    broken_kb: Callable[[str, str], Path],
) -> None:
    # the checks skip a shared test whose values were clean only when it compares and binds
    # nothing: this one is fine after 'as: r' and wrong inside a negation
    when = (
        "    when: [{person: {rank: {as: r}}}, {person: {rank: {not: {var: r}}}},"
        " {not: {person: {rank: {not: {var: r}}}}}]\n"
    )
    assert _messages(broken_kb, when) == [
        "a negation cannot compare with a variable @ rules.yaml:7:102",
    ]


def test_a_comparison_with_a_variable_written_alike_is_checked_where_it_is_unbound(
    broken_kb: Callable[[str, str], Path],
) -> None:
    # its values are checked once; whether its variable is bound, at each place
    when = (
        "    when: [{score: {band: {above: {var: w}}}}, {score: {value: {as: w}}},"
        " {score: {band: {above: {var: w}}}}, {score: {band: {above: {var: x}}}},"
        " {score: {band: {above: {var: x}}}}]\n"
    )
    assert _messages(broken_kb, when) == [
        "the variable 'w' is used before it is bound @ rules.yaml:7:41",
        "the variable 'x' is used before it is bound @ rules.yaml:7:140",
        "the variable 'x' is used before it is bound @ rules.yaml:7:176",
    ]
