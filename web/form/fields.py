"""The scenario form's fields, read from the scenario model itself.

Every field of :class:`Scenario` becomes a control: its kind (text, number, date, yes/no, a
country, one value or several of an enumeration, a group of fields, a list of rows) comes from
its annotation, its hint from its description (or the docstring of what it holds), and the
choices of an enumeration with their meanings where the model gives them. A field added to the
model appears in the form without touching this module; only the wording of a few headings is
written here. Fields the form leaves out are in :data:`NOT_IN_FORM`, each with its reason.
"""

from __future__ import annotations

import datetime
import typing
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from ...engine.schemas.country_code import CountryCode
from ...engine.schemas.field_types import item_type, only_type, takes_country
from ...engine.schemas.scenario import Scenario

Kind = Literal["text", "long_text", "number", "date", "yes_no", "country", "choice", "choices",
               "group", "rows"]  # fmt: skip

_PERSONAL_POSITIONS = (
    "a person's own positions on the practical scales come from the questionnaire (`compass "
    "profile`; the workspace is to offer it on a page of its own, issue 20) or are written in "
    "the scenario file; the form neither shows them nor, yet, keeps them from a loaded file"
)
NOT_IN_FORM = {
    "expectations": "what a knowledge engineer expects a test scenario to produce, not part of "
    "a client's case; a loaded scenario's expectations are carried through unchanged",
    "we.people.profile": "a path to a profile file beside the scenario file, and a scenario "
    "made in the form has no folder; " + _PERSONAL_POSITIONS,
    "we.people.positions": _PERSONAL_POSITIONS,
    "we.people.observed": _PERSONAL_POSITIONS,
    "they.people.observed": _PERSONAL_POSITIONS,
}
"""Scenario fields the form has no control for, by their dotted path (``we.people.profile``),
each with the reason (a test fails on a field that is neither in the form nor here)."""

# Headings in a consultant's words where a field's name is too terse; the rest are the name.
_LABELS = {
    "we": "Our side",
    "they": "Their side",
    "goal": "Goals",
    "parties": "Other parties",
    "we_are_doing": "What we did, do or plan",
    "we_observe": "What we observe on their side",
    "dates": "Key dates",
    "we_are": "We are their",
}
# What one row of a list is called on its "Add a ..." button, by the model a row holds.
_NOUNS = {
    "Person": "person",
    "OurPerson": "person",
    "Party": "party",
    "Goal": "goal",
    "OurAction": "action",
    "Observed": "observation",
    "KeyDate": "date",
}
# Free text that runs to sentences gets a text area instead of one line.
_LONG_TEXT = {"notes", "work_so_far"}


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    meaning: str = ""


@dataclass(frozen=True)
class FormField:
    """One control of the form, or a group or list of them; ``name`` is its key in the model."""

    name: str
    label: str
    hint: str
    kind: Kind
    required: bool
    default: str | tuple[str, ...] = ""
    """The value a new form shows, as the form holds it (a choice's value, "yes", a number)."""
    choices: tuple[Choice, ...] = ()
    children: tuple[FormField, ...] = ()
    """A group's fields, or the fields of one row of a list."""
    noun: str = ""
    minimum: int | None = None
    maximum: int | None = None


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _is_enum(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, StrEnum)


def _sentence(text: str) -> str:
    """The first paragraph of a docstring or description, on one line."""
    return " ".join(text.strip().split("\n\n")[0].split())


def _choices(enum: type[StrEnum], info: FieldInfo) -> tuple[Choice, ...]:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    meanings = extra.get("enumDescriptions")
    lines = [str(line) for line in meanings] if isinstance(meanings, list) else []
    if len(lines) != len(enum):
        lines = [""] * len(enum)
    return tuple(
        Choice(member.value, member.value.replace("_", " "), meaning)
        for member, meaning in zip(enum, lines, strict=True)
    )


def _shown_default(info: FieldInfo) -> str | tuple[str, ...]:
    if info.is_required():
        return ""
    value = info.get_default(call_default_factory=True)
    if isinstance(value, bool):
        return "yes" if value else ""
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple | list):
        return tuple(str(item) for item in value if isinstance(item, str))
    return "" if value is None else str(value)


def _bounds(info: FieldInfo) -> tuple[int | None, int | None]:
    low = next((item.ge for item in info.metadata if getattr(item, "ge", None) is not None), None)
    high = next((item.le for item in info.metadata if getattr(item, "le", None) is not None), None)
    return low, high


# The control for a field holding one plain value, by the type it holds.
_SCALAR_KINDS: dict[Any, Kind] = {
    bool: "yes_no",
    int: "number",
    datetime.date: "date",
    str: "text",
}


def form_field(name: str, info: FieldInfo, within: str = "") -> FormField:
    """The control for one field of a model; ``within`` is the dotted path of the model that
    holds it (``we.people.``), which :data:`NOT_IN_FORM` entries below the top are keyed by."""
    concrete, item = only_type(info.annotation), item_type(info.annotation)
    inner = item if item is not None else concrete
    own_doc = inner.__doc__ if _is_model(inner) or _is_enum(inner) else None
    hint = _sentence(info.description or own_doc or "")
    label = _LABELS.get(name, name.replace("_", " ").capitalize())
    base = FormField(name, label, hint, "text", info.is_required())
    if _is_model(inner):
        inside = f"{within}{name}."
        children = tuple(
            form_field(child, field, inside)
            for child, field in inner.model_fields.items()
            if inside + child not in NOT_IN_FORM
        )
        if item is not None:
            noun = _NOUNS.get(inner.__name__, inner.__name__.lower())
            return replace(base, kind="rows", children=children, noun=noun)
        return replace(base, kind="group", children=children)
    base = replace(base, default=_shown_default(info))
    if _is_enum(inner):
        kind: Kind = "choices" if item is not None else "choice"
        return replace(base, kind=kind, choices=_choices(inner, info))
    if takes_country(info):
        # What the field is for, then how a country may be written (UK, Holland...).
        country_hint = ". ".join(part for part in (hint, _country_description()) if part)
        return replace(base, kind="country", hint=country_hint)
    if concrete not in _SCALAR_KINDS:
        raise TypeError(f"the scenario form has no control for {name}: {info.annotation!r}")
    kind = _SCALAR_KINDS[concrete]
    if kind == "text" and name in _LONG_TEXT:
        kind = "long_text"
    low, high = _bounds(info) if kind == "number" else (None, None)
    return replace(base, kind=kind, minimum=low, maximum=high)


def _country_description() -> str:
    described = typing.get_args(CountryCode)[-1]
    return str(getattr(described, "description", "") or "")


@cache
def scenario_form() -> tuple[FormField, ...]:
    """The form's fields in the model's order, without those in :data:`NOT_IN_FORM`."""
    return tuple(
        form_field(name, info)
        for name, info in Scenario.model_fields.items()
        if name not in NOT_IN_FORM
    )
