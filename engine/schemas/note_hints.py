"""The note-hint table (``note_hints:`` in ``kb/notes.yaml``): words a consultant writes in free
text that name a fact the scenario form can hold, with the field and value to use instead.

No rule reads free text; ``advise`` lists what the table finds (:mod:`engine.explain.note_hints`),
so a fact written only in the notes is not silently lost. A field is named by its path in the
scenario as a consultant writes it (``we_observe``, ``relationship.we_are``,
``we.people[].gender``); :func:`resolve_field` says which values it takes and reads them from a
scenario, and the loader checks every path and value of the table with it.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
import re
import types
from collections.abc import Iterator
from enum import Enum
from functools import lru_cache
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, Field, TypeAdapter, ValidationError, field_validator

from .base import Frozen
from .scenario import Scenario

# One character for which str.isalnum() holds (a word character that is not "_"): every row of
# the table is checked on every start, and one search is much cheaper than a loop in Python.
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")


class FieldValue(Frozen):
    """Another place a fact may belong: the scenario stating it there also silences the hint."""

    field: str = Field(description="A scenario field, such as they.people[].gender")
    value: str | None = Field(
        default=None, description="Its value; leave it out where any value counts (a date)"
    )


class PhraseHint(FieldValue):
    """One row of the table: when any phrase appears, suggest ``field: value``."""

    phrases: tuple[str, ...] = Field(
        min_length=1,
        description="Words to look for, whole words, any case; list each variant "
        "(plural, other spelling); a space also finds a hyphen ('family owned', 'family-owned'); "
        "a * stands for one to three words ('their * headquarters')",
    )
    or_: tuple[FieldValue, ...] = Field(
        default=(),
        alias="or",
        description="Other fields and values that say the same; no hint when any holds",
    )
    look_in: tuple[str, ...] = Field(
        default=(),
        description="Only these free-text fields (default: all of FREE_TEXT_FIELDS); for words "
        "that mean this only in, say, the description of our own role",
    )
    explain: str = Field(default="", description="One line for the user, shown with the hint")

    @field_validator("phrases")
    @classmethod
    def _words(cls, phrases: tuple[str, ...]) -> tuple[str, ...]:
        for phrase in phrases:
            if _LETTER_OR_DIGIT.search(phrase) is None or len(phrase) > 80:
                raise ValueError(f"a phrase is one to 80 characters with a word in it: {phrase!r}")
        return tuple(phrase.strip() for phrase in phrases)

    @property
    def options(self) -> tuple[FieldValue, ...]:
        """The suggested field and value first, then the alternatives."""
        return (FieldValue(field=self.field, value=self.value), *self.or_)


class NoteHintsFile(Frozen):
    note_hints: tuple[PhraseHint, ...]


class NoteHint(Frozen):
    """A phrase in the scenario's free text that names a fact the form can hold."""

    phrase: str = Field(description="the words as the scenario writes them")
    found_in: str = Field(
        description="the free-text field holding them: notes, goal[0].description"
    )
    field: str = Field(description="the scenario field that can hold the fact")
    value: str | None = Field(description="its value; none where you supply it (a date, a number)")
    suggestion: str = Field(description="what to add, as YAML")
    alternatives: tuple[str, ...] = Field(
        default=(), description="other places the fact may belong, as YAML"
    )
    explain: str = ""


FREE_TEXT_FIELDS = (
    "notes",
    "relationship.work_so_far",
    "goal[].description",
    "we_observe[].description",
    "dates[].description",
    "they.organisation",
    "they.people[].role",
    "we.role",
    "we.people[].role",
)
"""The free-text fields the table looks in, notes first. The title, ``we.organisation`` and
``we.offer`` are left out: they describe us or the whole case, so words there ('family-owned')
would be taken for facts about them; so are names, a party's included, which label what the
form already holds."""


class UnknownFieldError(ValueError):
    """A path that names no field of the scenario; ``str()`` says why, ``known`` what exists."""

    def __init__(self, message: str, found: str, known: tuple[str, ...]) -> None:
        super().__init__(message)
        self.found = found
        self.known = known


# Named tuples, not dataclasses: every start imports this module, and a frozen dataclass costs
# milliseconds to create (Python compiles its generated methods), a named tuple a fraction.
class _Step(NamedTuple):
    """One name of a scenario field's path."""

    name: str
    many: bool  # the field holds a list


class ScenarioField(NamedTuple):
    """A scenario field named by a path, with the values it takes (None: free values)."""

    path: str
    steps: tuple[_Step, ...]
    values: tuple[str, ...] | None
    by_kind: bool  # a list of items named by their kind (we_observe, goal, parties, dates)
    free_text: bool  # words of the consultant's own, which no rule reads (notes, a role)
    item: Any  # the annotation of one value or item

    @property
    def bare(self) -> bool:
        """Whether an item may be written as its bare kind: ``we_observe: [polite_deferral]``.

        Asked only to write a suggestion: the load's checks of the table never need it, and
        answering it makes a pydantic validator for the item (milliseconds each)."""
        return bool(self.by_kind and self.values) and _takes_bare_kind(self.path)

    @property
    def many(self) -> bool:
        return any(step.many for step in self.steps)

    def stated(self, scenario: Scenario) -> list[Any]:
        """Every value the scenario gives this field (none when it is empty or unset)."""
        names = [step.name for step in self.steps] + (["kind"] if self.by_kind else [])
        return [value for _, value in _walk(scenario, names, "") if value not in (None, "", ())]

    def set_explicitly(self, scenario: Scenario) -> bool:
        """Whether the scenario writes this single field itself rather than take its default."""
        parent: Any = scenario
        for step in self.steps[:-1]:
            if step.name not in parent.model_fields_set:
                return False
            parent = getattr(parent, step.name)
        return self.steps[-1].name in parent.model_fields_set

    def yaml(self, value: str | None) -> str:
        """What to add, in flow-style YAML: ``relationship: {we_are: buyer}``."""
        item = "..." if value is None else value
        if value is not None and self.by_kind and not self.bare:
            item = f"{{kind: {value}}}"
        text = f"[{item}]" if self.steps[-1].many else item
        for index in range(len(self.steps) - 2, -1, -1):
            mapping = f"{{{self.steps[index + 1].name}: {text}}}"
            text = f"[{mapping}]" if self.steps[index].many else mapping
        return f"{self.steps[0].name}: {text}"


def _walk(value: Any, names: list[str], where: str) -> Iterator[tuple[str, Any]]:
    """(path with list positions, value) for each value the names lead to."""
    if not names:
        yield where, value
        return
    found = getattr(value, names[0])
    where = f"{where}.{names[0]}" if where else names[0]
    if isinstance(found, tuple):
        for index, item in enumerate(found):
            yield from _walk(item, names[1:], f"{where}[{index}]")
    else:
        yield from _walk(found, names[1:], where)


def free_texts(scenario: Scenario) -> Iterator[tuple[str, str, str]]:
    """(field, where, text) for each non-empty free text of the scenario, in the order of
    :data:`FREE_TEXT_FIELDS`: ``("goal[].description", "goal[1].description", "...")``."""
    for path in FREE_TEXT_FIELDS:
        names = [step.name for step in resolve_field(path).steps]
        for where, text in _walk(scenario, names, ""):
            if isinstance(text, str) and text.strip():
                yield path, where, text


def _unwrap(annotation: Any) -> tuple[bool, Any]:
    """(whether it is a list, the type of one value) of a field's annotation."""
    origin = get_origin(annotation)
    if origin is Annotated:
        # keep the annotation whole: its validators say how a bare value is read
        many, inner = _unwrap(get_args(annotation)[0])
        return (True, inner) if many else (False, annotation)
    if origin in (Union, types.UnionType):
        present = [argument for argument in get_args(annotation) if argument is not type(None)]
        return _unwrap(present[0]) if len(present) == 1 else (False, annotation)
    if origin is tuple:
        return True, get_args(annotation)[0]
    return False, annotation


def _plain(annotation: Any) -> Any:
    return get_args(annotation)[0] if get_origin(annotation) is Annotated else annotation


def _written(steps: list[_Step], *, inside: bool) -> str:
    """A path as the table writes it; ``inside``: a list at the end is one of its items."""
    return ".".join(
        step.name + ("[]" if step.many and (inside or index < len(steps) - 1) else "")
        for index, step in enumerate(steps)
    )


@lru_cache(maxsize=256)
def resolve_field(path: str) -> ScenarioField:
    """The scenario field a path names; ``[]`` after a list is optional (``we.people.gender``
    is ``we.people[].gender``). Raises :class:`UnknownFieldError`."""
    model: type[BaseModel] | None = Scenario
    steps: list[_Step] = []
    item: Any = None
    for name in [part.removesuffix("[]") for part in path.strip().split(".")]:
        if model is None:
            where = _written(steps, inside=False)
            raise UnknownFieldError(f"{where} holds a single value, not fields", name, ())
        if name not in model.model_fields:
            known = tuple(model.model_fields)
            where = _written(steps, inside=True) or "a scenario"
            raise UnknownFieldError(f"{where} has no field {name!r}", name, known)
        many, item = _unwrap(model.model_fields[name].annotation)
        steps.append(_Step(name, many))
        plain = _plain(item)
        model = plain if isinstance(plain, type) and issubclass(plain, BaseModel) else None
    by_kind = model is not None and "kind" in model.model_fields
    if model is not None and not by_kind:
        known = tuple(model.model_fields)
        where = _written(steps, inside=True)
        raise UnknownFieldError(
            f"{where} is a group of fields; name one of them: {', '.join(known)}", "", known
        )
    value_type = (
        _plain(_unwrap(model.model_fields["kind"].annotation)[1]) if model else _plain(item)
    )
    values = (
        tuple(str(member.value) for member in value_type)
        if isinstance(value_type, type) and issubclass(value_type, Enum)
        else None
    )
    return ScenarioField(
        _written(steps, inside=False), tuple(steps), values, by_kind, item is str, item
    )


@lru_cache(maxsize=64)
def _takes_bare_kind(path: str) -> bool:
    field = resolve_field(path)
    if field.values is None or _refuses_text(field.item):
        return False
    try:
        TypeAdapter(field.item).validate_python(field.values[0])
    except ValidationError:
        return False
    return True


def _refuses_text(item: Any) -> bool:
    """Whether a plain model type refuses any text without trying: pydantic reads a model only
    from a mapping or an instance, unless a model validator sees the input first."""
    if not (isinstance(item, type) and issubclass(item, BaseModel)):
        return False
    validators = item.__pydantic_decorators__.model_validators.values()
    return all(validator.info.mode == "after" for validator in validators)
