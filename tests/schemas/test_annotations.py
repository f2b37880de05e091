"""The models every `compass advise` defines hold their field types as objects, not as text.

With ``from __future__ import annotations`` each field's type is a string, and pydantic turns
every one into a ForwardRef (compiling it) and evaluates it when the class is made: 7 % of the
instructions of importing these modules, at every start (issue 18). Their modules do without it.
"""

from __future__ import annotations

from types import ModuleType

import pytest
from pydantic import BaseModel
from synergy_compass.engine.schemas import (
    countries,
    facts,
    kb,
    kb_files,
    note_hints,
    profiles,
    questionnaire,
    report,
    results,
    rules,
    scenario,
)

ADVISE_PATH_SCHEMAS = (
    countries,
    facts,
    kb,
    kb_files,
    note_hints,
    profiles,
    questionnaire,
    report,
    results,
    rules,
    scenario,
)


@pytest.mark.parametrize(
    "module", ADVISE_PATH_SCHEMAS, ids=lambda module: module.__name__.rsplit(".", 1)[-1]
)
def test_field_types_are_not_text(module: ModuleType) -> None:
    models = [
        value
        for value in vars(module).values()
        if isinstance(value, type)
        and issubclass(value, BaseModel)
        and value.__module__ == module.__name__
    ]
    assert models
    written_as_text = {
        f"{model.__name__}.{name}"
        for model in models
        for name, annotation in vars(model).get("__annotations__", {}).items()
        if isinstance(annotation, str)
    }
    assert written_as_text == set()
