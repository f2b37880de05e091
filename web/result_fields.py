"""The scenario fields a what-if can change, read from the scenario model: every path that
``compass whatif --set PATH=VALUE`` takes, and pick-lists for the common ones.

Walking the model, not a list written by hand, keeps the what-if form in step with the schema
(a field added to the scenario shows up here too).
"""

from __future__ import annotations

import enum
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

from ..engine.schemas.field_types import item_type, only_type
from ..engine.schemas.scenario import Scenario

# Test expectations are for knowledge engineers; a what-if on them changes no advice.
_LEFT_OUT = frozenset({"expectations"})


@dataclass(frozen=True)
class SettableField:
    """One path a what-if can set, with its description and, for an enumeration, its values."""

    path: str
    description: str
    choices: tuple[str, ...] = ()
    is_list: bool = False

    @property
    def label(self) -> str:
        """The path in words: 'relationship.they_see_us_as' -> 'Relationship: they see us as'."""
        words = self.path.replace("goal[0]", "main goal").replace(".", ": ").replace("_", " ")
        return words[:1].upper() + words[1:]

    @property
    def example(self) -> str:
        """A value to show in the suggestion, as ``--set`` reads it (YAML)."""
        if self.is_list:
            return f"[{self.choices[0]}]" if self.choices else "[...]"
        return self.choices[0] if self.choices else "..."


@dataclass(frozen=True)
class PickList:
    """A pick-list of the what-if form: a field, its value now, and the values to choose."""

    field: SettableField
    current: str


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """The type inside Optional and Annotated, and whether it is a list (a tuple in the model)."""
    item = item_type(annotation)
    return (item, True) if item is not None else (only_type(annotation), False)


def _fields(model: type[BaseModel], prefix: str) -> typing.Iterator[SettableField]:
    for name, info in model.model_fields.items():
        if name in _LEFT_OUT:
            continue
        path = f"{prefix}{name}"
        kind, is_list = _unwrap(info.annotation)
        description = info.description or ""
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            if is_list:
                yield SettableField(path, description, is_list=True)
                yield from _fields(kind, f"{path}[0].")
            else:
                yield from _fields(kind, f"{path}.")
            continue
        choices = (
            tuple(str(member.value) for member in kind)
            if isinstance(kind, type) and issubclass(kind, enum.Enum)
            else ()
        )
        yield SettableField(path, description, choices, is_list)


SETTABLE_FIELDS: tuple[SettableField, ...] = tuple(_fields(Scenario, ""))
"""Every path of the scenario a what-if can set; a list's items by their first index."""


def _is_common(field: SettableField) -> bool:
    # The relationship and the counterpart's set-up, and the primary goal: one value each,
    # chosen from a list, and what a consultant most often wonders about.
    single = bool(field.choices) and not field.is_list
    return single and ("[" not in field.path or field.path == "goal[0].kind")


def _value_at(data: Any, path: str) -> str:
    """The value at a settable path in scenario data, as text; empty when it is not there."""
    target = data
    for segment in path.replace("[", ".").replace("]", "").split("."):
        if isinstance(target, dict):
            target = target.get(segment)
        elif isinstance(target, list) and segment.isdigit() and int(segment) < len(target):
            target = target[int(segment)]
        else:
            return ""
    if target is None or isinstance(target, dict | list):
        return ""
    return str(target)


def pick_lists(data: Any) -> list[PickList]:
    """The common fields with their values in ``data`` (the scenario as read from its YAML)."""
    if isinstance(data, dict) and isinstance(data.get("goal"), dict):
        data = {**data, "goal": [data["goal"]]}  # version 1 wrote the one goal as a mapping
    return [
        PickList(field, _value_at(data, field.path))
        for field in SETTABLE_FIELDS
        if _is_common(field)
    ]
