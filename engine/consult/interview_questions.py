"""The questions of ``compass interview``, generated from the scenario schema.

Only the wording and the order are written here (:data:`SCRIPT`); what kind of answer each
question takes, its pick-list and what each choice means, its default, whether it may be
skipped and how an answer is checked all come from the field it fills in
:mod:`engine.schemas.scenario`, so a value added to the vocabulary appears in the interview
without touching it. A list of people, parties, actions or dates is asked one item at a time,
each item ending with "add another?".
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, create_model
from pydantic.fields import FieldInfo

from ..schemas.field_types import item_type, only_type, takes_country
from ..schemas.scenario import Scenario

Kind = Literal["text", "country", "choice", "choices", "yes_no", "number", "date"]


@dataclass(frozen=True)
class When:
    """Ask a question only when an earlier answer (in the same item, inside a group) is one of
    ``values``, or with ``unless``, when it is none of them."""

    key: str
    values: tuple[str, ...]
    unless: bool = False

    def holds(self, value: Any) -> bool:
        return (value in self.values) != self.unless


@dataclass(frozen=True)
class Ask:
    """One line of the script: the schema field an answer fills, and how to ask for it."""

    key: str
    prompt: str
    when: When | None = None
    default: str | None = None
    """Overrides the schema's default where the schema has none to offer."""


@dataclass(frozen=True)
class Group:
    """A list of mappings in the schema (``they.people``), asked one item at a time."""

    key: str
    noun: str
    asks: tuple[Ask, ...]


@dataclass(frozen=True)
class Question:
    """One question as asked and listed; ``number`` is its place in ``--list-questions``."""

    number: int
    key: str
    """Where the answer goes: a dotted path in the scenario, or a field of the group's item."""
    prompt: str
    kind: Kind
    choices: tuple[str, ...] = ()
    descriptions: Mapping[str, str] = field(default_factory=dict)
    default: str | None = None
    optional: bool = False
    when: When | None = None
    when_number: int = 0
    """The number of the question ``when`` looks at."""
    group: str | None = None
    starts_group: bool = False
    repeats_from: int = 0
    """For "add another?": the number of the group's first question."""
    item_key: str | None = None
    """For several choices that fill a list of mappings (goals): the key each choice goes to."""
    max_items: int | None = None
    """For "add another?": how many items the scenario's list may hold."""
    checker: type[BaseModel] | None = field(default=None, compare=False, repr=False)
    """Checks an answer exactly as the scenario schema checks the field."""


# The order a consultant thinks in: who, who we are to them, what we want, how far we are,
# the people, the parties, what we do and see, then when.
SCRIPT: tuple[Ask | Group, ...] = (
    Ask("title", "In one line, what is the situation?"),
    Ask("we.culture", "Your culture: a country, by name or ISO code (Germany, DE)"),
    Ask("they.culture", "Their culture: a country, by name or ISO code (Japan, JP)"),
    Ask("relationship.we_are", "Who are you to them?"),
    Ask(
        "relationship.partnership",
        "What kind of partnership?",
        When("relationship.we_are", ("partner",)),
    ),
    Ask("goal.kind", "What do you want to achieve? The first you name is the main goal"),
    Ask("they.organisation_type", "What kind of organisation are they?"),
    Ask("they.structure", "How hierarchical is their organisation, as you have seen it?"),
    Ask(
        "they.corporate_culture",
        "The culture their organisation works in, if not their country's "
        "(a subsidiary may work in its parent's)",
    ),
    Ask("relationship.stage", "How far has the relationship come?"),
    *(
        Ask(key, prompt, When("relationship.stage", ("first_contact",), unless=True))
        for key, prompt in (
            ("relationship.months", "How many months have you worked together?"),
            ("relationship.they_see_us_as", "How do they see you?"),
            ("relationship.personal_contact", "How much personal, non-business contact?"),
        )
    ),
    Group(
        "we.people",
        "person on your side",
        (
            Ask("role", "A person on your side: their role or title"),
            Ask("rank", "Their rank in your organisation"),
            Ask("leads", "Do they lead for you in this case?"),
            Ask("gender", "Their gender, where it may matter"),
            Ask("culture", "Their own culture, if not yours (a country)"),
            Ask("years_in_other_culture", "Years they have lived or worked in another culture"),
        ),
    ),
    Group(
        "they.people",
        "person on their side",
        (
            Ask("role", "A person on their side: their role or title"),
            Ask("rank", "Their rank in their organisation"),
            Ask("contact", "How much contact do you have with them?"),
            Ask("decision_role", "Their part in the decision"),
            Ask("gender", "Their gender, where it may matter"),
            Ask("age", "Their age compared with the person who leads for you"),
            Ask("culture", "Their own culture, if not their organisation's (a country)"),
            Ask("years_in_other_culture", "Years they have lived or worked in another culture"),
        ),
    ),
    Group(
        "parties",
        "organisation",
        (
            Ask(
                "kind",
                "Another organisation that shapes the case: a parent company that decides "
                "some things (theirs or yours), a go-between, a competitor, a regulator",
            ),
            Ask("culture", "Its culture (a country)"),
            Ask(
                "decides",
                "What does it decide for the organisation it governs?",
                When("kind", ("their_parent", "our_parent")),
            ),
        ),
    ),
    Group(
        "we_are_doing",
        "action",
        (
            Ask("kind", "Something you did, are doing or plan to do"),
            Ask("status", "Is it done, ongoing or planned?"),
            Ask("date", "When? (YYYY-MM-DD)", When("status", ("planned",))),
        ),
    ),
    Ask("we_observe.kind", "What do you observe on their side?"),
    Ask("they.preferences", "Have they said or shown how they like to work?"),
    Group(
        "dates",
        "date",
        (
            Ask("date", "The date of a coming meeting, visit or deadline with them (YYYY-MM-DD)"),
            Ask("kind", "What happens that day?", default="meeting"),
        ),
    ),
    Ask("notes", "Anything else, in your words (the advice suggests what fits your notes)"),
)


def model_of(annotation: Any) -> type[BaseModel] | None:
    """The model a field holds, itself or as the items of a tuple."""
    concrete = item_type(annotation) or only_type(annotation)
    return concrete if isinstance(concrete, type) and issubclass(concrete, BaseModel) else None


def schema_field(model: type[BaseModel], key: str) -> tuple[type[BaseModel], FieldInfo]:
    """The model that owns the last field of a dotted ``key``, and that field."""
    *parents, last = key.split(".")
    for name in parents:
        inner = model_of(model.model_fields[name].annotation)
        if inner is None:
            raise KeyError(f"{key}: {name} holds no mapping")
        model = inner
    if last not in model.model_fields:
        raise KeyError(f"{key}: {model.__name__} has no field {last!r}")
    return model, model.model_fields[last]


def _kind(annotation: Any) -> tuple[Kind, type[StrEnum] | None]:
    concrete = only_type(annotation)
    item = item_type(annotation)
    if isinstance(item, type) and issubclass(item, StrEnum):
        return "choices", item
    if isinstance(concrete, type) and issubclass(concrete, StrEnum):
        return "choice", concrete
    if concrete is bool:
        return "yes_no", None
    if concrete is int:
        return "number", None
    if concrete is datetime.date:
        return "date", None
    if concrete is str:
        return "text", None
    raise TypeError(f"the interview cannot ask for a {concrete!r}")


def _default(info: FieldInfo, override: str | None) -> str | None:
    value = override if override is not None else info.get_default()
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, StrEnum):
        return value.value
    return value if isinstance(value, str) and value else None


def _descriptions(info: FieldInfo, values: tuple[str, ...]) -> dict[str, str]:
    extra = info.json_schema_extra
    lines = extra.get("enumDescriptions") if isinstance(extra, dict) else None
    if not isinstance(lines, list):
        return {}
    return {value: str(line) for value, line in zip(values, lines, strict=True)}


def _question(
    ask: Ask, number: int, model: type[BaseModel], group: str | None, *, starts_group: bool
) -> Question:
    owner, info = schema_field(model, ask.key)
    decisive, item_key = info, None
    if "." in ask.key and group is None:
        # A choice that fills a list of mappings (goal.kind): several goals, one kind each.
        parent, last = ask.key.rsplit(".", 1)
        container = schema_field(model, parent)[1]
        if item_type(container.annotation) is owner:
            decisive, item_key = container, last
    kind, enum = _kind(info.annotation)
    if takes_country(info):
        kind = "country"
    choices = tuple(member.value for member in enum) if enum else ()
    return Question(
        number=number,
        key=ask.key.rsplit(".", 1)[0] if item_key else ask.key,
        prompt=ask.prompt,
        kind="choices" if item_key else kind,
        choices=choices,
        descriptions=_descriptions(info, choices),
        default=None if item_key else _default(info, ask.default),
        # The first question of a group may be left blank: then there is no item.
        optional=starts_group or not decisive.is_required(),
        when=ask.when,
        group=group,
        starts_group=starts_group,
        item_key=item_key,
        checker=None if item_key else _checker(info),
    )


def _checker(info: FieldInfo) -> type[BaseModel]:
    """A model whose one field ``value`` is the schema's field, with its type, bounds and
    validators: an answer is checked exactly as a scenario file is."""
    annotation: Any = info.annotation
    return create_model("Answer", value=(annotation, info))


def _max_items(info: FieldInfo) -> int | None:
    """The longest list the schema lets a field hold, if it says."""
    return next(
        (limit for limit in (getattr(meta, "max_length", None) for meta in info.metadata) if limit),
        None,
    )


def _build(script: tuple[Ask | Group, ...]) -> tuple[Question, ...]:
    questions: list[Question] = []
    numbers: dict[tuple[str | None, str], int] = {}
    for entry in script:
        group: str | None = None
        model: type[BaseModel] = Scenario
        asks: tuple[Ask, ...] = (entry,) if isinstance(entry, Ask) else entry.asks
        if isinstance(entry, Group):
            inner = model_of(schema_field(Scenario, entry.key)[1].annotation)
            if inner is None:
                raise TypeError(f"{entry.key} is not a list of mappings")
            group, model = entry.key, inner
        first = len(questions) + 1
        for ask in asks:
            number = len(questions) + 1
            question = _question(
                ask, number, model, group, starts_group=bool(group) and number == first
            )
            if ask.when:
                question = replace(question, when_number=numbers[(group, ask.when.key)])
            questions.append(question)
            numbers[(group, ask.key)] = number
        if isinstance(entry, Group):
            questions.append(
                Question(
                    number=len(questions) + 1,
                    key="",
                    prompt=f"Add another {entry.noun}?",
                    kind="yes_no",
                    default="no",
                    group=group,
                    repeats_from=first,
                    max_items=_max_items(schema_field(Scenario, entry.key)[1]),
                )
            )
    return tuple(questions)


QUESTIONS: tuple[Question, ...] = _build(SCRIPT)

NOT_ASKED = {
    "we.organisation": "free text no rule reads",
    "we.role": "free text no rule reads; who we are to them is relationship.we_are",
    "we.offer": "free text no rule reads",
    "they.organisation": "free text no rule reads",
    "we.people.name": "a name changes no advice; the role names the person",
    "they.people.name": "a name changes no advice; the role names the person",
    "parties.name": "free text no rule reads",
    "relationship.work_so_far": "free text no rule reads; notes take what the consultant adds",
    "goal.description": "free text no rule reads",
    "we_observe.description": "free text no rule reads",
    "dates.description": "free text no rule reads",
    "expectations": "what a knowledge engineer expects of a test scenario, not a client case",
    # A person's own positions take a questionnaire of their own (`compass profile`, 32
    # statements) or a description of what was seen, per scale: more than an interview
    # question can gather, and the interview asks about people one line each.
    "we.people.profile": "a file `compass profile` writes; the interview cannot see files",
    "we.people.positions": "self-assessed positions come from `compass profile`'s questionnaire",
    "we.people.observed": "a position on a scale with what was seen: written in the file",
    "they.people.observed": "a position on a scale with what was seen: written in the file",
}
"""Scenario fields the interview leaves out, each with the reason (a test checks that every
field is either asked or here, so a new field is a decision, not an oversight)."""
