"""``compass interview``: build a scenario by asking only the questions that matter.

The questions, their choices and defaults come from the scenario schema; each answer is
checked as it is given; questions that cannot change the advice given the answers so far are
skipped (nothing about an existing relationship at a first contact, nothing about a person's
rank when no person is named, the kind of partnership only for partners, what another party
decides only for a parent company). The answers become a scenario in the version-2 format:
who we are to them, up to two goals, who leads for us, one key person of theirs, one other
party, what we do and plan to do, and one key date. The terminal dialogue belongs to the CLI.
"""

from __future__ import annotations

import datetime
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

Kind = Literal["text", "country", "choice", "choices", "number", "date"]
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
        if self.descriptions:
            # A long list of bare names is unreadable; one value a line, with what it means.
            intro = (
                "several allowed, separated by commas; blank for none:"
                if self.kind == "choices"
                else "one of" + (" (blank to skip)" if self.optional else "") + ":"
            )
            return intro + "".join(
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


def _answered(key: str) -> Callable[[Answers], bool]:
    return lambda answers: bool(answers.get(key))


def _choice(key: str, prompt: str, kind: type[StrEnum], **options: Any) -> Question:
    return Question(key, prompt, "choice", _values(kind), **options)


def _optional(key: str, prompt: str, kind: type[StrEnum], after: str) -> Question:
    """A detail of a person or party, asked only once the person or party is named."""
    return _choice(key, prompt, kind, optional=True, relevant=_answered(after))


QUESTIONS: tuple[Question, ...] = (
    Question("title", "In one line, what is the situation?", "text", default="My situation"),
    Question("we.culture", "Your culture (country name or ISO code)", "country"),
    Question("they.culture", "Their culture (country name or ISO code)", "country"),
    _choice(
        "relationship.we_are",
        "Who are you to them?",
        vocabulary.Role,
        default=vocabulary.Role.seller.value,
        descriptions=_texts(vocabulary.ROLE_DESCRIPTIONS),
    ),
    _choice(
        "relationship.partnership",
        "What kind of partnership?",
        vocabulary.PartnershipKind,
        optional=True,
        relevant=lambda answers: answers.get("relationship.we_are") == "partner",
    ),
    _choice("goal.kind", "What do you want to achieve?", vocabulary.GoalKind),
    _choice(
        "goal.second",
        "A second goal, if there is one",
        vocabulary.GoalKind,
        optional=True,
    ),
    Question(
        "they.organisation_type",
        "What kind of organisation are they?",
        "choices",
        _values(vocabulary.OrganisationType),
        optional=True,
    ),
    _choice(
        "they.structure",
        "How hierarchical is their organisation, as you have seen it?",
        vocabulary.Structure,
        optional=True,
    ),
    _choice(
        "relationship.stage",
        "How far has the relationship come?",
        vocabulary.RelationshipStage,
        default="first_contact",
    ),
    Question(
        "relationship.months",
        "How many months have you worked together?",
        "number",
        optional=True,
        relevant=_known_relationship,
    ),
    _choice(
        "relationship.they_see_us_as",
        "How do they see you?",
        vocabulary.SeenAs,
        default="unknown",
        relevant=_known_relationship,
    ),
    _choice(
        "relationship.personal_contact",
        "How much personal, non-business contact?",
        vocabulary.PersonalContact,
        default="none",
        relevant=_known_relationship,
    ),
    Question("lead.role", "Who leads for you (their role; blank to skip)", "text", optional=True),
    _choice("lead.rank", "Their rank", vocabulary.Rank, relevant=_answered("lead.role")),
    _optional("lead.gender", "Their gender, where it may matter", vocabulary.Gender, "lead.role"),
    Question(
        "person.role",
        "A key person on their side (their role; blank to skip)",
        "text",
        optional=True,
    ),
    _choice("person.rank", "Their rank", vocabulary.Rank, relevant=_answered("person.role")),
    _choice(
        "person.contact",
        "How much contact do you have with them?",
        vocabulary.Contact,
        default="none",
        relevant=_answered("person.role"),
    ),
    _optional(
        "person.decision_role", "Their part in the decision", vocabulary.DecisionRole, "person.role"
    ),
    _optional(
        "person.gender", "Their gender, where it may matter", vocabulary.Gender, "person.role"
    ),
    Question(
        "person.culture",
        "Their own culture, if not their organisation's (blank if the same)",
        "country",
        optional=True,
        relevant=_answered("person.role"),
    ),
    _choice(
        "party.kind",
        "Does another organisation shape the case: a parent company that decides some things "
        "(theirs or ours), a go-between, a competitor, a regulator?",
        vocabulary.PartyKind,
        optional=True,
    ),
    Question(
        "party.culture",
        "Its culture (country name or ISO code)",
        "country",
        relevant=_answered("party.kind"),
    ),
    Question(
        "party.decides",
        "What does it decide for them?",
        "choices",
        _values(vocabulary.Decides),
        optional=True,
        relevant=lambda answers: answers.get("party.kind") in ("their_parent", "our_parent"),
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
        "planned",
        "What do you plan to do next? (the advice says what to mind before you do it)",
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
    Question(
        "date.date",
        "The date of your next meeting, visit or deadline with them (YYYY-MM-DD; blank to skip)",
        "date",
        optional=True,
    ),
    _choice(
        "date.kind",
        "What happens that day?",
        vocabulary.DateKind,
        default="meeting",
        relevant=_answered("date.date"),
    ),
)


def _problem(question: Question, message: str, hint: str = "") -> ScenarioError:
    return ScenarioError([Problem(Location(question.key), message, hint=hint)])


def _scalar(question: Question, text: str) -> Any:
    """A country, a date or a whole number."""
    if question.kind == "country":
        try:
            return resolve_country(text)
        except ValueError as error:
            raise _problem(question, str(error)) from None
    if question.kind == "date":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            raise _problem(question, f"expected a date like 2026-03-12; found {text!r}") from None
    if not text.isdigit():
        raise _problem(question, f"expected a whole number; found {text!r}")
    return int(text)


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
    if question.kind in ("country", "date", "number"):
        return _scalar(question, text)
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


# Answers gathered into one list item each: (parent key, field, fixed values); a person, our
# lead, another party, a key date.
_ITEMS: dict[str, tuple[str, str, dict[str, Any]]] = {
    "lead": ("we", "people", {"leads": True}),
    "person": ("they", "people", {}),
    "party": ("", "parties", {}),
    "date": ("", "dates", {}),
}
_GATHERED = {*_ITEMS, "goal", "planned"}
_ORDER = ("title", "we", "they", "parties", "relationship", "goal", "we_are_doing", "we_observe")


def _in_schema_order(data: dict[str, Any]) -> dict[str, Any]:
    """The keys in the order the schema and the README list them, so the file reads as usual."""
    rank = {key: position for position, key in enumerate(_ORDER)}
    return dict(sorted(data.items(), key=lambda item: rank.get(item[0], len(rank))))


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
        """The answers as scenario data in the version-2 format (without empty answers)."""
        data: dict[str, Any] = {}
        for key, value in self.answers.items():
            if value in (None, []) or key.split(".")[0] in _GATHERED:
                continue
            target = data
            *parents, last = key.split(".")
            for parent in parents:
                target = target.setdefault(parent, {})
            target[last] = value
        goals = [self.answers.get("goal.kind"), self.answers.get("goal.second")]
        if goals[0]:
            data["goal"] = [{"kind": kind} for kind in goals if kind]
        for prefix, (parent, field_name, extra) in _ITEMS.items():
            item = self._item(prefix)
            if item:
                target = data.setdefault(parent, {}) if parent else data
                target[field_name] = [{**item, **extra}]
        planned = [
            {"kind": kind, "status": "planned"} for kind in self.answers.get("planned") or []
        ]
        if planned:
            data["we_are_doing"] = [*data.get("we_are_doing", []), *planned]
        return _in_schema_order(data)

    def _item(self, prefix: str) -> dict[str, Any]:
        """The answers about one person, party or date, once its first question is answered."""
        names = [question.key for question in QUESTIONS if question.key.startswith(prefix + ".")]
        if not self.answers.get(names[0]):
            return {}
        return {
            key.split(".", 1)[1]: self.answers[key]
            for key in names
            if self.answers.get(key) not in (None, [])
        }

    def scenario(self) -> Scenario:
        return validate_scenario(YamlDocument(self.data(), "<interview>"))

    def to_yaml(self) -> str:
        header = (
            "# Written by `compass interview`. Edit it freely and run `compass advise` on it\n"
            "# again; `compass kb schema scenario` prints the JSON Schema for your editor.\n"
        )
        return header + yaml.safe_dump(self.data(), sort_keys=False, allow_unicode=True)
