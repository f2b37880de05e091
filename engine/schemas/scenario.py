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

from ..errors import did_you_mean, shorten
from .base import Frozen


class OrganisationType(StrEnum):
    large_corporation = "large_corporation"
    family_business = "family_business"
    small_business = "small_business"
    startup = "startup"
    multinational_subsidiary = "multinational_subsidiary"
    government = "government"
    non_profit = "non_profit"
    professional_firm = "professional_firm"
    state_owned_enterprise = "state_owned_enterprise"
    distributor = "distributor"


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


class RelationshipStage(StrEnum):
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
    give_feedback = "give_feedback"
    manage_remote_team = "manage_remote_team"
    appoint_distributor = "appoint_distributor"
    integrate_after_merger = "integrate_after_merger"
    meet_senior_executives = "meet_senior_executives"
    present_proposal = "present_proposal"


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
    first_names_from_the_start = "first_names_from_the_start"
    giving_gifts = "giving_gifts"
    offering_hospitality = "offering_hospitality"
    using_local_agent = "using_local_agent"
    tight_meeting_agenda = "tight_meeting_agenda"
    feedback_in_group_settings = "feedback_in_group_settings"
    principles_first_presentation = "principles_first_presentation"
    applications_first_presentation = "applications_first_presentation"
    video_calls_only = "video_calls_only"
    fixed_deadlines_imposed = "fixed_deadlines_imposed"
    hard_bargaining = "hard_bargaining"
    working_through_interpreter = "working_through_interpreter"


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
    team_silent_on_calls = "team_silent_on_calls"
    bad_news_hidden = "bad_news_hidden"
    gift_offered_to_us = "gift_offered_to_us"
    request_for_unusual_payment = "request_for_unusual_payment"
    official_involved = "official_involved"
    long_social_meetings = "long_social_meetings"
    contract_renegotiation_requested = "contract_renegotiation_requested"
    meetings_start_late = "meetings_start_late"
    blunt_criticism_received = "blunt_criticism_received"
    staff_turnover_after_merger = "staff_turnover_after_merger"
    distributor_underperforming = "distributor_underperforming"


class Preference(StrEnum):
    """How the counterpart has told us, or shown us, that they like to work."""

    direct_communication = "direct_communication"
    indirect_communication = "indirect_communication"
    quick_decisions = "quick_decisions"
    consensus_decisions = "consensus_decisions"
    informal_style = "informal_style"
    formal_style = "formal_style"
    task_first = "task_first"
    relationship_first = "relationship_first"
    detailed_contracts = "detailed_contracts"
    flexible_agreements = "flexible_agreements"
    open_debate = "open_debate"
    strict_schedules = "strict_schedules"
    flexible_schedules = "flexible_schedules"
    written_follow_up = "written_follow_up"


def resolve_country(value: object) -> str:
    """An ISO 3166-1 alpha-2 code for a code (alpha-2 or alpha-3) or an English country name."""
    if not isinstance(value, str) or not value.strip():
        raise ValueError("expected a country as an ISO code (JP) or an English name (Japan)")
    try:
        country = pycountry.countries.lookup(value.strip())
    except LookupError:
        names = [entry.name for entry in pycountry.countries]
        raise ValueError(
            f"unknown country {shorten(value)!r}; use an ISO 3166 code (JP, USA) or its English "
            "name. " + did_you_mean(value.strip(), names)
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
    corporate_culture: CountryCode | None = Field(
        default=None,
        description="The culture the organisation works in, when it differs from the country "
        "(for example the parent company's culture in a multinational's subsidiary)",
    )
    people: tuple[Person, ...] = ()
    preferences: tuple[Preference, ...] = Field(
        default=(), description="How they have told or shown us they like to work"
    )


class Relationship(Frozen):
    stage: RelationshipStage = RelationshipStage.first_contact
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
