"""The note-hint table is checked like every KB file: a row naming a scenario field or value
that does not exist is a located error with a did-you-mean."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.errors import KnowledgeBaseError, ProblemCode
from synergy_compass.engine.load.loader import inspect_knowledge_base, load_knowledge_base
from synergy_compass.engine.load.note_hint_checks import check_note_hints
from synergy_compass.engine.schemas import note_hints


def problems_for(broken_kb: Callable[[str, str], Path], content: str) -> list[str]:
    _, problems = inspect_knowledge_base(broken_kb("notes.yaml", content))
    assert {problem.code for problem in problems} <= {
        ProblemCode.unknown_scenario_field,
        ProblemCode.schema,
    }
    return [str(problem) for problem in problems]


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        (
            "field: we_obsreve\n    value: resignations",
            "notes.yaml:3:12: unknown scenario field 'we_obsreve': a scenario has no field "
            "'we_obsreve' (at note_hints.0.field). Did you mean 'we_observe'?",
        ),
        (
            "field: we_observe\n    value: works_councel_consultation",
            "notes.yaml:4:12: unknown value 'works_councel_consultation' for we_observe "
            "(at note_hints.0.value). Did you mean 'works_council_consultation'?",
        ),
        (
            "field: we.peple[].gender\n    value: woman",
            "unknown scenario field 'we.peple[].gender': we has no field 'peple' "
            "(at note_hints.0.field). Did you mean 'people'?",
        ),
        (
            "field: they.people[].gender\n    value: female",
            "unknown value 'female' for they.people[].gender (at note_hints.0.value). "
            "Known values: man, other, woman.",
        ),
        (
            "field: notes",
            "'notes' is free text, which no rule reads (at note_hints.0.field).",
        ),
        (
            "field: relationship.months\n    value: twelve",
            "relationship.months takes the user's own value (a number, a date, a country), "
            "not 'twelve' (at note_hints.0.value).",
        ),
        (
            "field: they\n    value: x",
            "they is a group of fields; name one of them: culture, organisation",
        ),
        (
            "field: we_observe\n    value: resignations\n"
            "    or: [{field: we_are_doing, value: resignations}]",
            "notes.yaml:5:39: unknown value 'resignations' for we_are_doing "
            "(at note_hints.0.or.0.value).",
        ),
        (
            "field: we_observe\n    value: resignations\n    look_in: [we.offer]",
            "'we.offer' is not one of the free texts the table looks in "
            "(at note_hints.0.look_in.0).",
        ),
    ],
)
def test_a_row_naming_what_the_scenario_lacks_is_a_located_error(
    broken_kb: Callable[[str, str], Path], row: str, expected: str
) -> None:
    content = f"note_hints:\n  - phrases: [resigned]\n    {row}\n"
    assert any(expected in problem for problem in problems_for(broken_kb, content))


def test_the_kb_does_not_load_with_a_bad_row(broken_kb: Callable[[str, str], Path]) -> None:
    root = broken_kb("notes.yaml", "note_hints:\n  - phrases: [x]\n    field: we_obsreve\n")
    with pytest.raises(KnowledgeBaseError, match="unknown scenario field 'we_obsreve'"):
        load_knowledge_base(root)


def test_a_phrase_needs_a_word(broken_kb: Callable[[str, str], Path]) -> None:
    problems = problems_for(broken_kb, "note_hints:\n  - phrases: ['--']\n    field: we_observe\n")
    assert any(
        "a phrase is one to 80 characters with a word in it" in problem for problem in problems
    )


def test_every_row_of_the_shipped_table_is_valid_and_located() -> None:
    knowledge_base, problems = inspect_knowledge_base()
    assert [
        problem for problem in problems if problem.code is ProblemCode.unknown_scenario_field
    ] == []
    rows = knowledge_base.note_hints
    assert len(rows) > 100
    assert rows[0].location("field").path == "notes.yaml"


def test_checking_the_table_makes_no_validator(monkeypatch: pytest.MonkeyPatch) -> None:
    # whether an item may be written bare is asked only to write a suggestion; each answer
    # made a pydantic validator, milliseconds of every load without caches
    knowledge_base = load_knowledge_base()
    made: list[object] = []
    real_adapter = note_hints.TypeAdapter
    monkeypatch.setattr(
        note_hints, "TypeAdapter", lambda item: made.append(item) or real_adapter(item)
    )
    note_hints.resolve_field.cache_clear()
    try:
        assert check_note_hints(knowledge_base.note_hints) == []
    finally:
        note_hints.resolve_field.cache_clear()  # the fields resolved here used the patched one
    assert made == []
