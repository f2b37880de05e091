"""``compass interview``: build a scenario by asking only the questions that matter.

The questions, their choices and defaults come from the scenario schema; each answer is
checked as it is given; questions that cannot change the advice given the answers so far are
skipped (nothing about an existing relationship at a first contact, nothing about a person's
rank when no person is named). The terminal dialogue itself belongs to the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, Literal, TypeVar

import yaml

from ..errors import Location, Problem, ScenarioError, did_you_mean
from ..load.scenario import validate_scenario
from ..schemas import vocabulary
from ..schemas.document import YamlDocument
from ..schemas.scenario import Scenario, resolve_country
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS, OBSERVATION_DESCRIPTIONS

Kind = Literal["text", "country", "choice", "choices", "number"]
Answers = dict[str, Any]


@dataclass(frozen=True)
class Question:
    key: str
    prompt: str
    kind: Kind
    choices: tuple[str, ...] = ()
    default: str | None = None
    optional: bool = False
    relevant: Callable[[Answers], bool] = field(default=lambda _answers: True)
    descriptions: Mapping[str, str] = field(default_factory=dict)

    def help(self) -> str:
        if self.kind == "choices" and self.descriptions:
            # A long list of bare names is unreadable; one value a line, with what it means.
            return "several allowed, separated by commas; blank for none:" + "".join(
                f"\n    {value}: {self.descriptions[value]}" for value in self.choices
            )
        if self.kind == "choices":
            return "several allowed, separated by commas; blank for none: " + ", ".join(
                self.choices
            )
        if self.kind == "choice":
            return ", ".join(self.choices) + (" (blank to skip)" if self.optional else "")
        return ""


def _values(kind: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in kind)


_Value = TypeVar("_Value", bound=StrEnum)


def _texts(descriptions: Mapping[_Value, str]) -> dict[str, str]:
    return {member.value: text for member, text in descriptions.items()}


def _known_relationship(answers: Answers) -> bool:
    return answers.get("relationship.stage") not in (None, "first_contact")


QUESTIONS: tuple[Question, ...] = (
    Question("title", "In one line, what is the situation?", "text", default="My situation"),
    Question("we.culture", "Your culture (country name or ISO code)", "country"),
    Question("they.culture", "Their culture (country name or ISO code)", "country"),
    Question("goal.kind", "What do you want to achieve?", "choice", _values(vocabulary.GoalKind)),
    Question(
        "they.organisation_type",
        "What kind of organisation are they?",
        "choice",
        _values(vocabulary.OrganisationType),
        optional=True,
    ),
    Question(
        "they.structure",
        "How hierarchical is their organisation, as you have seen it?",
        "choice",
        _values(vocabulary.Structure),
        optional=True,
    ),
    Question(
        "relationship.stage",
        "How far has the relationship come?",
        "choice",
        _values(vocabulary.RelationshipStage),
        default="first_contact",
    ),
    Question(
        "relationship.months",
        "How many months have you worked together?",
        "number",
        optional=True,
        relevant=_known_relationship,
    ),
    Question(
        "relationship.they_see_us_as",
        "How do they see you?",
        "choice",
        _values(vocabulary.SeenAs),
        default="unknown",
        relevant=_known_relationship,
    ),
    Question(
        "relationship.personal_contact",
        "How much personal, non-business contact?",
        "choice",
        _values(vocabulary.PersonalContact),
        default="none",
        relevant=_known_relationship,
    ),
    Question(
        "person.role",
        "A key person on their side (their role; blank to skip)",
        "text",
        optional=True,
    ),
    Question(
        "person.rank",
        "Their rank",
        "choice",
        _values(vocabulary.Rank),
        relevant=lambda answers: bool(answers.get("person.role")),
    ),
    Question(
        "person.contact",
        "How much contact do you have with them?",
        "choice",
        _values(vocabulary.Contact),
        default="none",
        relevant=lambda answers: bool(answers.get("person.role")),
    ),
    Question(
        "we_are_doing",
        "What are you doing now?",
        "choices",
        _values(vocabulary.Action),
        optional=True,
        descriptions=_texts(ACTION_DESCRIPTIONS),
    ),
    Question(
        "we_observe",
        "What do you observe on their side?",
        "choices",
        _values(vocabulary.Observation),
        optional=True,
        descriptions=_texts(OBSERVATION_DESCRIPTIONS),
    ),
    Question(
        "they.preferences",
        "Have they said how they like to work?",
        "choices",
        _values(vocabulary.Preference),
        optional=True,
    ),
)


def _problem(question: Question, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(Location(question.key), message, hint=hint)])


def parse_answer(question: Question, text: str) -> Any:
    """The validated value of an answer; raises :class:`ScenarioError` saying what to type."""
    text = text.strip()
    if not text:
        if question.default is not None:
            text = question.default
        elif question.optional or question.kind == "choices":
            return None
        else:
            raise _problem(question, "an answer is needed here")
    if question.kind == "country":
        try:
            return resolve_country(text)
        except ValueError as error:
            raise _problem(question, str(error)) from None
    if question.kind == "number":
        if not text.isdigit():
            raise _problem(question, f"expected a whole number; found {text!r}")
        return int(text)
    if question.kind in ("choice", "choices"):
        picked = [part.strip() for part in text.split(",") if part.strip()]
        if question.kind == "choice" and len(picked) != 1:
            raise _problem(question, "choose exactly one", question.help())
        for value in picked:
            if value not in question.choices:
                raise _problem(
                    question,
                    f"{value!r} is not one of the choices",
                    did_you_mean(value, question.choices) or question.help(),
                )
        return picked if question.kind == "choices" else picked[0]
    return text


class Interview:
    """The state of one interview: the answers so far, and the next question worth asking."""

    def __init__(self) -> None:
        self.answers: Answers = {}

    def questions(self) -> Iterator[Question]:
        """The questions still to ask, in order, skipping those that cannot matter."""
        for question in QUESTIONS:
            if question.key not in self.answers and question.relevant(self.answers):
                yield question

    def answer(self, question: Question, text: str) -> None:
        self.answers[question.key] = parse_answer(question, text)

    def data(self) -> dict[str, Any]:
        """The answers as scenario data (nested, without empty answers)."""
        data: dict[str, Any] = {}
        for key, value in self.answers.items():
            if value in (None, []) or key.startswith("person."):
                continue
            target = data
            *parents, last = key.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = value
        if self.answers.get("person.role"):
            person = {
                name: self.answers[f"person.{name}"]
                for name in ("role", "rank", "contact")
                if self.answers.get(f"person.{name}")
            }
            data.setdefault("they", {})["people"] = [person]
        return data

    def scenario(self) -> Scenario:
        return validate_scenario(YamlDocument(self.data(), "<interview>"))

    def to_yaml(self) -> str:
        header = (
            "# Written by `compass interview`. Edit it freely and run `compass advise` on it\n"
            "# again; `compass kb schema scenario` prints the JSON Schema for your editor.\n"
        )
        return header + yaml.safe_dump(self.data(), sort_keys=False, allow_unicode=True)
