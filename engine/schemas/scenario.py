"""The scenario a consultant writes: who we are and who they are (with their people), who we
are to them, other parties that shape the case, the goals, what we have done, are doing or plan
to do, what we observe, and when things will happen.

Version 2 of the format (issue 13) adds what a country profile cannot supply; every version-1
file still loads with the same meaning (see :mod:`engine.load.scenario_upgrade` for what
``compass scenario upgrade`` rewrites).

The values a field can take are in :mod:`engine.schemas.vocabulary`.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
import datetime
from collections.abc import Mapping
from enum import StrEnum
from typing import Annotated, Any, TypeVar

from pydantic import (
    BeforeValidator,
    Field,
    SerializerFunctionWrapHandler,
    model_serializer,
    model_validator,
)

from .base import Frozen
from .country_code import CountryCode
from .profiles import ObservedPosition, ScalePosition
from .shorthand import OrBareField, OrSingle
from .vocabulary import (
    ROLE_DESCRIPTIONS,
    Action,
    ActionStatus,
    Contact,
    DateKind,
    Decides,
    DecisionRole,
    Gender,
    GoalKind,
    Observation,
    OrganisationType,
    PartnershipKind,
    PartyKind,
    PersonalContact,
    Preference,
    Rank,
    RelationshipStage,
    RelativeAge,
    Role,
    SeenAs,
    Structure,
)
from .vocabulary_descriptions import ACTION_DESCRIPTIONS, OBSERVATION_DESCRIPTIONS

# The longest lists a scenario may hold. Each person, action or observation becomes a fact, and
# a rule matches combinations of facts, so these keep a run's work and memory bounded (the
# match bound in engine/run/network_state.py stops what gets past them); SECURITY.md lists them.
# Shipped scenarios name at most 3 people a side; a whole delegation or department fits.
MAX_PEOPLE = 1_000
"""People on either side (``we.people``, ``they.people``)."""
MAX_PARTIES = 100
MAX_ACTIONS = 200
"""Entries of ``we_are_doing``."""
MAX_OBSERVATIONS = 200
"""Entries of ``we_observe``."""
MAX_POSITIONS = 50
"""A person's observed or stated positions (the KB has eight practical scales; a few
observations on each fit)."""


_Value = TypeVar("_Value", bound=StrEnum)


def _described(kind: type[_Value], descriptions: Mapping[_Value, str]) -> dict[str, Any]:
    """One line per value, in the enum's order, under the keys VS Code's YAML and JSON editors
    show beside each completion (a value without a line fails here, at import)."""
    lines = [descriptions[member] for member in kind]
    return {"enumDescriptions": lines, "markdownEnumDescriptions": lines}


def _as_list(value: Any) -> Any:
    """A single value where the format now takes a list: version-1 files keep working."""
    return [value] if isinstance(value, str | dict) else value


def _as_types(value: Any) -> Any:
    """Organisation types as a list; version 1's empty ``organisation_type:`` meant none."""
    return () if value is None else _as_list(value)


def _as_item(value: Any) -> Any:
    """A bare value where the format now takes a mapping: ``polite_deferral`` is
    ``{kind: polite_deferral}``."""
    return {"kind": value} if isinstance(value, str) else value


_PERSONAL_FIELDS = ("profile", "positions", "observed")


class _PlacedPerson(Frozen):
    """A person who may be placed on the practical scales (issue 20). Unplaced, they serialise
    as before those fields existed, so a scenario's digest and its audit record do not change."""

    @model_serializer(mode="wrap")
    def _without_empty_positions(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            for name in _PERSONAL_FIELDS:
                if name in data and not data[name]:
                    del data[name]
        return data


class Person(_PlacedPerson):
    """A person on either side: who they are in the organisation and in the decision."""

    role: str = Field(description="Their job title or role, in your words")
    rank: Rank = Field(description="Where they sit in their organisation")
    name: str | None = None
    culture: CountryCode | None = Field(
        default=None, description="Their own culture, when it differs from the organisation's"
    )
    years_in_other_culture: int | None = Field(
        default=None,
        ge=0,
        le=80,
        description="Years they have lived or worked in another culture than their own",
    )
    contact: Contact = Field(default=Contact.none, description="How much contact we have")
    decision_role: DecisionRole | None = Field(
        default=None, description="Their part in the decision that matters to us"
    )
    gender: Gender | None = Field(default=None, description="When it matters to how they deal")
    age: RelativeAge | None = Field(
        default=None, description="Their age compared with the person who leads for us"
    )
    observed: tuple[ObservedPosition, ...] = Field(
        default=(),
        max_length=MAX_POSITIONS,
        description="Where what you saw of them places them on a practical scale (Culture Map, "
        "0 to 100): it beats their country's score when they are the person we deal with most",
    )


class OurPerson(_PlacedPerson):
    """A person on our side, for example who leads for us."""

    role: str = Field(description="Their job title or role, in your words")
    rank: Rank = Field(description="Where they sit in our organisation")
    name: str | None = None
    leads: bool = Field(default=False, description="This person leads for us in the case")
    gender: Gender | None = None
    culture: CountryCode | None = Field(
        default=None, description="Their own culture, when it differs from ours"
    )
    years_in_other_culture: int | None = Field(default=None, ge=0, le=80)
    profile: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="Their profile file (written by `compass profile`), relative to the "
        "scenario file: their self-assessed positions on the practical scales",
    )
    positions: dict[str, ScalePosition] = Field(
        default_factory=dict,
        max_length=MAX_POSITIONS,
        description="Self-assessed positions written here (scale id to position and band, as "
        "in a profile file); the profile file's positions are added for the scales not "
        "written here when the scenario is read",
    )
    observed: tuple[ObservedPosition, ...] = Field(
        default=(),
        max_length=MAX_POSITIONS,
        description="Where what was seen of them places them on a practical scale; it beats "
        "a self-assessed position on the same scale",
    )


class We(Frozen):
    culture: CountryCode = Field(description="Our home culture")
    organisation: str = Field(default="", description="Who we are, in a few words")
    role: str = Field(default="", description="Our role in this relationship, in our words")
    offer: str = Field(default="", description="What we offer them")
    people: tuple[OurPerson, ...] = Field(
        default=(), max_length=MAX_PEOPLE, description="Who is on our side"
    )


class They(Frozen):
    culture: CountryCode = Field(description="The counterpart organisation's culture")
    organisation: str = Field(default="", description="Who they are, in a few words")
    organisation_type: Annotated[
        tuple[OrganisationType, ...], BeforeValidator(_as_types), OrSingle(or_null=True)
    ] = Field(
        default=(),
        description="What kind of organisation they are; a list when several apply "
        "(a family business that is also a distributor)",
    )
    structure: Structure | None = Field(
        default=None, description="How hierarchical their organisation is, if we know"
    )
    corporate_culture: CountryCode | None = Field(
        default=None,
        description="The culture the organisation works in, when it differs from the country "
        "(for example the parent company's culture in a multinational's subsidiary)",
    )
    people: tuple[Person, ...] = Field(default=(), max_length=MAX_PEOPLE)
    preferences: tuple[Preference, ...] = Field(
        default=(), description="How they have told or shown us they like to work"
    )


class Party(Frozen):
    """A third organisation or group that shapes the case: a parent company that decides some
    things, a go-between, a competitor."""

    kind: PartyKind
    culture: CountryCode = Field(description="The culture it works in")
    name: str = Field(default="", description="Who it is, in a few words")
    decides: tuple[Decides, ...] = Field(
        default=(), description="What it decides for the organisation it governs"
    )


# Who we are to them when a scenario does not say. Version-1 files could not; their goal tells
# for the goals only a manager or an acquirer pursues (rules for managers answered them before
# rules had roles), and the rest meant seller.
_ROLE_FOR_GOAL = {
    GoalKind.manage_team: Role.manager,
    GoalKind.manage_remote_team: Role.manager,
    GoalKind.give_feedback: Role.manager,
    GoalKind.integrate_after_merger: Role.acquirer,
}


def implied_role(goal: Any) -> Role:
    """Who we are to them in a scenario that does not say, from its (primary) goal's data."""
    primary = goal[0] if isinstance(goal, list | tuple) and goal else goal
    kind = primary.get("kind") if isinstance(primary, dict) else None
    # No goal, or an unknown one, is seller here; validation reports it.
    return next((role for aim, role in _ROLE_FOR_GOAL.items() if aim.value == kind), Role.seller)


class Relationship(Frozen):
    we_are: Role = Field(
        default=Role.seller,
        description="Who we are to them. Left out: manager when the primary goal is to manage "
        "a team, a remote team or give feedback, acquirer when it is to integrate after a "
        "merger, seller otherwise (what version-1 files, which could not say, meant)",
        json_schema_extra=_described(Role, ROLE_DESCRIPTIONS),
    )
    partnership: PartnershipKind | None = Field(
        default=None, description="For partners: the kind of partnership"
    )
    stage: RelationshipStage = RelationshipStage.first_contact
    months: int | None = Field(default=None, ge=0, le=1200)
    they_see_us_as: SeenAs = SeenAs.unknown
    personal_contact: PersonalContact = PersonalContact.none
    work_so_far: str = ""


class Goal(Frozen):
    kind: GoalKind
    description: str = ""


class OurAction(Frozen):
    """Something we did, are doing or plan to do; a bare value means we are doing it now."""

    kind: Action = Field(json_schema_extra=_described(Action, ACTION_DESCRIPTIONS))
    status: ActionStatus = ActionStatus.ongoing
    date: datetime.date | None = Field(default=None, description="When, for a planned action")


class Observed(Frozen):
    """Something we observe on their side; a bare value is enough."""

    kind: Observation = Field(json_schema_extra=_described(Observation, OBSERVATION_DESCRIPTIONS))
    description: str = ""


class KeyDate(Frozen):
    """A planned meeting, visit or deadline, checked against their calendar."""

    kind: DateKind
    date: datetime.date
    description: str = ""


class Expectations(Frozen):
    """What a knowledge engineer expects this scenario to produce (it doubles as a KB test)."""

    must_advise: tuple[str, ...] = ()
    must_not_advise: tuple[str, ...] = ()
    must_diagnose: tuple[str, ...] = ()
    must_not_diagnose: tuple[str, ...] = Field(
        default=(), description="Findings that must not be in the diagnosis"
    )
    todo: tuple[str, ...] = Field(default=(), description="Known gaps: reported, never failing")


class Scenario(Frozen):
    """A situation to advise on."""

    title: str = Field(min_length=1, max_length=300)
    we: We
    they: They
    parties: tuple[Party, ...] = Field(
        default=(), max_length=MAX_PARTIES, description="Other organisations that shape the case"
    )
    # Defaults are made without validation, so that defining the model builds no schema.
    relationship: Relationship = Relationship.model_construct()
    goal: Annotated[tuple[Goal, ...], BeforeValidator(_as_list), OrSingle()] = Field(
        min_length=1, description="What we want; a list when there is more, the first is primary"
    )
    we_are_doing: tuple[
        Annotated[OurAction, BeforeValidator(_as_item), OrBareField("kind")], ...
    ] = Field(default=(), max_length=MAX_ACTIONS)
    we_observe: tuple[Annotated[Observed, BeforeValidator(_as_item), OrBareField("kind")], ...] = (
        Field(default=(), max_length=MAX_OBSERVATIONS)
    )
    dates: tuple[KeyDate, ...] = Field(
        default=(), description="Planned meetings, visits and deadlines"
    )
    notes: str = Field(default="", description="Anything else; no rule reads it")
    expectations: Expectations = Expectations.model_construct()

    @model_validator(mode="before")
    @classmethod
    def _role_from_goal(cls, data: Any) -> Any:
        """``relationship.we_are`` left out: the role the goal implies (:func:`implied_role`)."""
        if not isinstance(data, dict):
            return data
        relationship = data.get("relationship", {})
        role = implied_role(data.get("goal"))
        if role is Role.seller or not isinstance(relationship, dict) or "we_are" in relationship:
            return data
        return {**data, "relationship": {**relationship, "we_are": role.value}}

    @property
    def primary_goal(self) -> Goal:
        return self.goal[0]
