"""Load-time checks of the note-hint table (``kb/notes.yaml``): every field a row suggests must
be a scenario field the form can hold, every value one that field takes, and every field it
looks in a free text; a table that suggested a field which does not exist would send the user
to write something the scenario then refuses.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..errors import Problem, ProblemCode, did_you_mean
from ..schemas.document import PathKey
from ..schemas.knowledge_base import Located
from ..schemas.note_hints import (
    FREE_TEXT_FIELDS,
    PhraseHint,
    ScenarioField,
    UnknownFieldError,
    resolve_field,
)
from .problem_codes import describe

describe(
    ProblemCode.unknown_scenario_field,
    "A note hint (kb/notes.yaml) names a scenario field or value that does not exist, or a "
    "field that is not free text to look in.",
)


def check_note_hints(table: Sequence[Located[PhraseHint]]) -> list[Problem]:
    """Every problem of the note-hint rows, located at the field or value at fault."""
    problems: list[Problem] = []
    for row in table:
        options: list[tuple[PathKey, str, str | None]] = [((), row.value.field, row.value.value)]
        options += [
            (("or", index), option.field, option.value)
            for index, option in enumerate(row.value.or_)
        ]
        for subpath, path, value in options:
            problems += _check_option(row, subpath, path, value)
        for index, path in enumerate(row.value.look_in):
            problems += _check_look_in(row, ("look_in", index), path)
    return problems


def _problem(row: Located[PhraseHint], subpath: PathKey, message: str, hint: str) -> Problem:
    return Problem(
        row.location(*subpath),
        message,
        ".".join(map(str, (*row.path, *subpath))),
        hint,
        code=ProblemCode.unknown_scenario_field,
    )


def _resolved(
    row: Located[PhraseHint], subpath: PathKey, path: str, problems: list[Problem]
) -> ScenarioField | None:
    try:
        return resolve_field(path)
    except UnknownFieldError as error:
        hint = did_you_mean(error.found, error.known) if error.found else ""
        problems.append(_problem(row, subpath, f"unknown scenario field {path!r}: {error}", hint))
        return None


def _check_option(
    row: Located[PhraseHint], subpath: PathKey, path: str, value: str | None
) -> list[Problem]:
    problems: list[Problem] = []
    field = _resolved(row, (*subpath, "field"), path, problems)
    if field is None:
        return problems
    if field.free_text:
        problems.append(
            _problem(
                row,
                (*subpath, "field"),
                f"{field.path!r} is free text, which no rule reads",
                "Name a field whose values rules can test, such as we_observe.",
            )
        )
    elif value is not None and field.values is None:
        problems.append(
            _problem(
                row,
                (*subpath, "value"),
                f"{field.path} takes the user's own value (a number, a date, a country), "
                f"not {value!r}",
                "Leave out 'value': the hint then asks for the field to be filled in.",
            )
        )
    elif value is not None and field.values is not None and value not in field.values:
        problems.append(
            _problem(
                row,
                (*subpath, "value"),
                f"unknown value {value!r} for {field.path}",
                did_you_mean(value, field.values),
            )
        )
    return problems


def _check_look_in(row: Located[PhraseHint], subpath: PathKey, path: str) -> list[Problem]:
    problems: list[Problem] = []
    field = _resolved(row, subpath, path, problems)
    if field is not None and field.path not in FREE_TEXT_FIELDS:
        problems.append(
            _problem(
                row,
                subpath,
                f"{field.path!r} is not one of the free texts the table looks in",
                did_you_mean(path, FREE_TEXT_FIELDS),
            )
        )
    return problems
