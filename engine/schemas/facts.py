"""The fact vocabulary rules are written against, and the fact records a run works on.

A fact type is a name plus typed fields. The allowed values of enumerated fields come from the
scenario schema (one owner); dimension and finding names come from the knowledge base.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
import datetime
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field

from . import vocabulary
from .base import Frozen
from .profiles import PositionBasis

Scalar = str | int | float | bool

FieldKind = Literal["enum", "number", "text", "bool", "country", "dimension", "finding"]


@dataclass(frozen=True)
class FieldSpec:
    """One field of a fact type: what kind of value it holds, in words, and its values."""

    kind: FieldKind
    description: str
    values: tuple[str, ...] = ()


@dataclass(frozen=True)
class FactType:
    """A kind of fact rules can match, and its fields."""

    description: str
    fields: dict[str, FieldSpec]


def _enum(kind: type[StrEnum], description: str) -> FieldSpec:
    return FieldSpec("enum", description, tuple(member.value for member in kind))


SIDES = ("home", "counterpart", *(kind.value for kind in vocabulary.PartyKind))
_SIDE = FieldSpec(
    "enum",
    "whose culture: 'home' (ours), 'counterpart' (theirs), or the kind of another party "
    "(their_parent, our_parent, intermediary, ...)",
    SIDES,
)

FACT_TYPES: dict[str, FactType] = {
    "culture": FactType(
        "the culture on each side of the situation",
        {"side": _SIDE, "country": FieldSpec("country", "ISO 3166 alpha-2 code")},
    ),
    "score": FactType(
        "one side's score on one dimension: its culture's profile value, or, on a practical "
        "scale, the position of the person who meets for that side when one is known",
        {
            "side": _SIDE,
            "dimension": FieldSpec("dimension", "a dimension id from the knowledge base"),
            "value": FieldSpec("number", "the score on the dimension's scale"),
            "estimated": FieldSpec("bool", "true when the source marks the score as estimated"),
            "basis": _enum(
                PositionBasis,
                "for a person's position only: how it was obtained (a culture's score has "
                "no basis field; it is national)",
            ),
            "person": FieldSpec("text", "for a person's position: who (name, else role)"),
            "band": FieldSpec(
                "number", "for a person's position: how far either side they may really stand"
            ),
        },
    ),
    "score_spread": FactType(
        "sources disagree on a culture's position on a dimension",
        {
            "side": _SIDE,
            "dimension": FieldSpec("dimension", "a dimension id from the knowledge base"),
            "low": FieldSpec("number", "the lowest reading"),
            "high": FieldSpec("number", "the highest reading"),
            "spread": FieldSpec("number", "high minus low"),
        },
    ),
    "national_score": FactType(
        "a side's culture's profile score on a practical scale, kept when the side's person's "
        "own position replaces it in the score fact (to compare the person with compatriots)",
        {
            "side": _SIDE,
            "dimension": FieldSpec("dimension", "a dimension id from the knowledge base"),
            "value": FieldSpec("number", "the culture's score on the dimension's scale"),
            "estimated": FieldSpec("bool", "true when the source marks the score as estimated"),
        },
    ),
    "organisation": FactType(
        "the counterpart organisation (one fact per kind of organisation they are)",
        {
            "type": _enum(vocabulary.OrganisationType, "what kind of organisation they are"),
            "structure": _enum(vocabulary.Structure, "how hierarchical they are, as observed"),
            "corporate_culture": FieldSpec(
                "country", "the culture they work in, when it differs from the country's"
            ),
        },
    ),
    "preference": FactType(
        "how the counterpart has told or shown us they like to work",
        {"kind": _enum(vocabulary.Preference, "the stated preference")},
    ),
    "person": FactType(
        "a person on the counterpart side",
        {
            "rank": _enum(vocabulary.Rank, "where they sit in their organisation"),
            "contact": _enum(vocabulary.Contact, "how much contact we have with them"),
            "culture": FieldSpec("country", "their own culture, when given"),
            "role": FieldSpec("text", "their role, in the scenario's words"),
            "decision_role": _enum(vocabulary.DecisionRole, "their part in the decision"),
            "gender": _enum(vocabulary.Gender, "their gender, when given"),
            "age": _enum(vocabulary.RelativeAge, "their age compared with who leads for us"),
            "years_in_other_culture": FieldSpec(
                "number", "years they have lived or worked in another culture"
            ),
        },
    ),
    "our_person": FactType(
        "a person on our side",
        {
            "rank": _enum(vocabulary.Rank, "where they sit in our organisation"),
            "role": FieldSpec("text", "their role, in the scenario's words"),
            "leads": FieldSpec("bool", "true for the person who leads for us"),
            "gender": _enum(vocabulary.Gender, "their gender, when given"),
            "culture": FieldSpec("country", "their own culture, when it differs from ours"),
            "years_in_other_culture": FieldSpec(
                "number", "years they have lived or worked in another culture"
            ),
        },
    ),
    "party": FactType(
        "another organisation that shapes the case (one fact per thing it decides)",
        {
            "kind": _enum(vocabulary.PartyKind, "what kind of party it is"),
            "country": FieldSpec("country", "the culture it works in"),
            "decides": _enum(vocabulary.Decides, "something it decides for those it governs"),
        },
    ),
    "relationship": FactType(
        "the relationship between us and them",
        {
            "we_are": _enum(vocabulary.Role, "who we are to them"),
            "partnership": _enum(vocabulary.PartnershipKind, "for partners: the kind"),
            "stage": _enum(vocabulary.RelationshipStage, "how far the relationship has come"),
            "months": FieldSpec("number", "how long we have worked together"),
            "seen_as": _enum(vocabulary.SeenAs, "how they see us"),
            "personal_contact": _enum(vocabulary.PersonalContact, "personal, non-business contact"),
        },
    ),
    "goal": FactType(
        "what we want (one fact per goal)",
        {
            "kind": _enum(vocabulary.GoalKind, "the kind of goal"),
            "primary": FieldSpec("bool", "true for the first goal the scenario names"),
        },
    ),
    "action": FactType(
        "something we did, are doing or plan to do",
        {
            "kind": _enum(vocabulary.Action, "what we do"),
            "status": _enum(vocabulary.ActionStatus, "ongoing, done or planned"),
        },
    ),
    "observation": FactType(
        "something we observe on their side",
        {"kind": _enum(vocabulary.Observation, "what we observe")},
    ),
    "key_date": FactType(
        "a dated meeting, visit, deadline or planned action, checked against the calendar of "
        "the counterpart's country (one fact per date)",
        {
            "kind": FieldSpec(
                "enum",
                "what happens on the date: a kind from `dates`, or 'action' for a planned action",
                (*(kind.value for kind in vocabulary.DateKind), "action"),
            ),
            "action": _enum(vocabulary.Action, "for a planned action: what we plan to do"),
            "date": FieldSpec("text", "the date, as YYYY-MM-DD"),
            "weekday": FieldSpec("text", "the day of the week, in English"),
            "country": FieldSpec("country", "the country whose calendar was checked"),
            "checked": FieldSpec(
                "bool", "true when the holidays package has a calendar for that country"
            ),
            "weekend": FieldSpec("bool", "the date is a weekend day there (when checked)"),
            "public_holiday": FieldSpec("bool", "the date is a public holiday (when checked)"),
            "holiday": FieldSpec("text", "the holiday's name, when it is one"),
            "ramadan": FieldSpec("bool", "the date is in Ramadan on the Umm al-Qura calendar"),
        },
    ),
    "finding": FactType(
        "a conclusion reached by a rule",
        {"name": FieldSpec("finding", "a finding id from the knowledge base")},
    ),
}


class ScenarioOrigin(Frozen):
    """The fact was stated in the scenario, at ``paths`` (for example ``they.structure``)."""

    kind: Literal["scenario"] = "scenario"
    paths: tuple[str, ...]


class ProfileOrigin(Frozen):
    """The fact is a value from a culture profile, with the source it was taken from."""

    kind: Literal["profile"] = "profile"
    country: str
    dimension: str
    source: str
    estimated: bool = False
    file: str


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def english_date(day: datetime.date) -> str:
    """'Friday 19 February 2027', whatever the machine's locale (strftime would follow it)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


class CalendarOrigin(Frozen):
    """The fact is what calendar libraries say about a date the scenario gives, at ``path``:
    the ``holidays`` package for the country's public holidays and weekend, ``hijridate`` for
    the Umm al-Qura (Hijri) date. Library versions are kept because holiday tables change."""

    kind: Literal["calendar"] = "calendar"
    path: str
    what: str = Field(description="what happens on the date: 'meeting', 'planned action ...'")
    date: datetime.date
    country: str
    holidays_version: str = Field(
        default="", description="empty when the holidays package has no calendar for the country"
    )
    holiday: str = ""
    weekend: bool = False
    hijri: str = Field(default="", description="the Umm al-Qura date, such as '11 Ramadan 1448'")
    hijridate_version: str = ""

    def day(self) -> str:
        """The date as people say it, with what happens on it: 'meeting on Friday 19 February
        2027'."""
        return f"{self.what} on {english_date(self.date)}"

    def describe(self) -> str:
        """The day and what each library said about it, in one line."""
        if not self.holidays_version:
            said = f"the holidays package has no calendar for {self.country}"
        else:
            holiday = f"public holiday '{self.holiday}'" if self.holiday else "no public holiday"
            weekend = "on their weekend" if self.weekend else "not on their weekend"
            said = f"in {self.country}: {holiday}, {weekend} (holidays {self.holidays_version})"
        if self.hijri:
            said += f"; {self.hijri} (hijridate {self.hijridate_version}, Umm al-Qura calendar)"
        return f"{self.day()} ({self.path}) {said}"


class PositionOrigin(Frozen):
    """The fact is one person's own position on a practical scale: what was seen of them
    (``seen``, at ``path`` of the scenario) or their answers to the questionnaire (``file``,
    the profile file, or positions written at ``path``)."""

    kind: Literal["position"] = "position"
    basis: PositionBasis
    person: str = Field(description="who: their name, else their role")
    path: str = Field(description="the scenario field the position was read from")
    dimension: str
    position: float
    band: float
    seen: str = ""
    file: str = ""

    def describe(self) -> str:
        """'observed: "she disagreed openly in front of her boss"', 'self-assessed, profile
        profiles/allen.yaml': what the position rests on, as explanations quote it."""
        if self.basis is PositionBasis.observed:
            return f"observed: '{self.seen}'"
        where = f"profile {self.file}" if self.file else f"scenario {self.path}"
        return f"self-assessed, {where}"


class RuleOrigin(Frozen):
    """The fact was concluded by rule firings (by number, in firing order)."""

    kind: Literal["rule"] = "rule"
    firings: tuple[int, ...]


Origin = Annotated[
    ScenarioOrigin | ProfileOrigin | CalendarOrigin | PositionOrigin | RuleOrigin,
    Field(discriminator="kind"),
]


class FactRecord(Frozen):
    """One fact in working memory; ``id`` is its position in the run's canonical order."""

    id: int
    type: str
    fields: dict[str, Scalar]
    origin: Origin

    def describe(self) -> str:
        """A compact, readable form such as ``score(side=counterpart, dimension=pdi, value=54)``."""
        inner = ", ".join(f"{name}={value}" for name, value in self.fields.items())
        return f"{self.type}({inner})"


class InputFacts(Frozen):
    """The facts a scenario and its culture profiles give, in canonical order."""

    facts: tuple[FactRecord, ...]
    missing_profiles: tuple[str, ...] = ()
