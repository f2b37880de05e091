"""The scenario a consultant writes: who we are, who they are, the relationship, the goal,
what we are doing and what we observe.

Enumerations here are the single source of truth for the values rules can test: the fact
vocabulary in :mod:`engine.schemas.facts` is derived from them.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import pycountry
from pydantic import BeforeValidator, Field

from engine.errors import did_you_mean
from engine.schemas.base import Frozen


class OrganisationType(StrEnum):
    large_corporation = "large_corporation"
    family_business = "family_business"
    small_business = "small_business"
    startup = "startup"
    multinational_subsidiary = "multinational_subsidiary"
    government = "government"
    non_profit = "non_profit"
    professional_firm = "professional_firm"


class Structure(StrEnum):
    hierarchical = "hierarchical"
    flat = "flat"
    mixed = "mixed"


class Rank(StrEnum):
    top = "top"
    senior = "senior"
    middle = "middle"
    working = "working"


class Contact(StrEnum):
    none = "none"
    occasional = "occasional"
    regular = "regular"
    close = "close"


class Stage(StrEnum):
    first_contact = "first_contact"
    early = "early"
    established = "established"
    long_standing = "long_standing"


class SeenAs(StrEnum):
    unknown = "unknown"
    vendor = "vendor"
    advisor = "advisor"
    partner = "partner"
    competitor = "competitor"


class PersonalContact(StrEnum):
    none = "none"
    little = "little"
    some = "some"
    strong = "strong"


class GoalKind(StrEnum):
    win_first_deal = "win_first_deal"
    expand_scope = "expand_scope"
    negotiate_contract = "negotiate_contract"
    resolve_conflict = "resolve_conflict"
    manage_team = "manage_team"
    enter_market = "enter_market"
    find_partner = "find_partner"


class Action(StrEnum):
    """Things we are doing now that rules may judge."""

    direct_approach_to_top = "direct_approach_to_top"
    task_focused_meetings = "task_focused_meetings"
    pushing_for_quick_decision = "pushing_for_quick_decision"
    written_proposals_only = "written_proposals_only"
    email_only_contact = "email_only_contact"
    social_invitations = "social_invitations"
    using_intermediary = "using_intermediary"
    giving_direct_criticism = "giving_direct_criticism"
    detailed_contract_first = "detailed_contract_first"
    junior_team_sent = "junior_team_sent"


class Observation(StrEnum):
    """Things we observe on their side."""

    polite_deferral = "polite_deferral"
    requests_passed_along = "requests_passed_along"
    no_decision = "no_decision"
    silence_in_meetings = "silence_in_meetings"
    agreement_then_no_action = "agreement_then_no_action"
    many_people_consulted = "many_people_consulted"
    questions_about_our_firm = "questions_about_our_firm"
    social_invitations_received = "social_invitations_received"
    deadlines_missed = "deadlines_missed"
    open_disagreement = "open_disagreement"


def resolve_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code for a code (alpha-2 or alpha-3) or an English country name."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a country as an ISO code (JP) or an English name (Japan)")
    try:
        country = pycountry.countries.lookup(value.strip())
    except LookupError:
        names = [entry.name for entry in pycountry.countries]
        raise ValueError(
            f"unknown country {value!r}; use an ISO 3166 code (JP, USA) or its English name. "
            + did_you_mean(value.strip(), names)
        ) from None
    return str(country.alpha_2)


CountryCode = Annotated[
    str,
    BeforeValidator(resolve_country),
    Field(description="ISO 3166 code (JP, USA) or English name (Japan)"),
]


class Person(Frozen):
    role: str = Field(description="Their job title or role, in your words")
    rank: Rank = Field(description="Where they sit in their organisation")
    name: str | None = None
    culture: CountryCode | None = Field(
        default=None, description="Their own culture, when it differs from the organisation's"
    )
    contact: Contact = Field(default=Contact.none, description="How much contact we have")


class We(Frozen):
    culture: CountryCode = Field(description="Our home culture")
    organisation: str = Field(default="", description="Who we are, in a few words")
    role: str = Field(default="", description="Our role in this relationship")
    offer: str = Field(default="", description="What we offer them")


class They(Frozen):
    culture: CountryCode = Field(description="The counterpart organisation's culture")
    organisation: str = Field(default="", description="Who they are, in a few words")
    organisation_type: OrganisationType | None = None
    structure: Structure | None = Field(
        default=None, description="How hierarchical their organisation is, if we know"
    )
    people: tuple[Person, ...] = ()


class Relationship(Frozen):
    stage: Stage = Stage.first_contact
    months: int | None = Field(default=None, ge=0, le=1200)
    they_see_us_as: SeenAs = SeenAs.unknown
    personal_contact: PersonalContact = PersonalContact.none
    work_so_far: str = ""


class Goal(Frozen):
    kind: GoalKind
    description: str = ""


class Expectations(Frozen):
    """What a knowledge engineer expects this scenario to produce (it doubles as a KB test)."""

    must_advise: tuple[str, ...] = ()
    must_not_advise: tuple[str, ...] = ()
    must_diagnose: tuple[str, ...] = ()
    todo: tuple[str, ...] = Field(default=(), description="Known gaps: reported, never failing")


class Scenario(Frozen):
    """A situation to advise on."""

    title: str = Field(min_length=1, max_length=300)
    we: We
    they: They
    relationship: Relationship = Relationship()
    goal: Goal
    we_are_doing: tuple[Action, ...] = ()
    we_observe: tuple[Observation, ...] = ()
    notes: str = ""
    expectations: Expectations = Expectations()
