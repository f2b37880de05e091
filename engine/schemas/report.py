"""The explained result of a run: the diagnosis, the staged plan and the evidence for each."""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
from typing import Literal

from pydantic import Field

from .base import Frozen
from .facts import FactRecord, Origin
from .kb import PlanStage, Topic
from .note_hints import NoteHint
from .results import Firing


class HowStep(Frozen):
    """A firing that concluded a fact, with the facts it matched (each explained in turn)."""

    rule: str
    rule_title: str
    firing: int
    facts: tuple["HowNode", ...]  # a HOW tree nests: the one name left to resolve


class HowNode(Frozen):
    """A fact and, when a rule concluded it, the firings behind it: the HOW tree."""

    fact: str
    origin: Origin
    concluded_by: tuple[HowStep, ...] = ()


class Evidence(Frozen):
    """One firing's contribution to a finding or an advice."""

    rule: str
    rule_title: str
    firing: int
    certainty: float = Field(description="the rule's certainty times its weakest premise")
    facts: tuple[FactRecord, ...]
    how: tuple[HowNode, ...] = Field(
        default=(), description="the matched facts as a tree down to scenario and profile facts"
    )


class SourceReference(Frozen):
    id: str
    citation: str
    short: str = Field(description="a short form for running text, such as 'Meyer 2014'")
    url: str = ""


_DATES = (
    "the scenario's dated events it rests on, checked against their calendar, such as "
    "'meeting on Friday 19 February 2027'"
)
_PLANNED = (
    "the actions we only plan that it rests on, in words: read it as advice to weigh before "
    "doing them"
)
_PEOPLE = (
    "the people it is about, on either side: those whose facts its support rests on, "
    "by name and role as the scenario gives them"
)


class CultureSide(Frozen):
    """One of the cultures a diagnosis item is about."""

    side: str = Field(
        description="'home' (ours), 'counterpart' (theirs) or another party's kind, "
        "such as 'their_parent'"
    )
    country: str = Field(description="ISO 3166 alpha-2 code of that side's culture")
    name: str = Field(description="the country's name")


class DiagnosisItem(Frozen):
    id: str
    title: str
    explanation: str
    certainty: float
    certainty_in_words: Literal["high", "medium", "low"] = Field(
        default="low", description="high from 0.7, medium from 0.4, low below"
    )
    severity: Literal["risk", "problem", "tendency"] = Field(
        default="tendency",
        description="the finding's severity; the diagnosis lists risks, then problems, then "
        "tendencies, and a finding of low certainty waits among the tendencies",
    )
    basis: Literal["situation", "profiles"] = Field(
        description="'situation' when it rests on what the scenario says, beyond the two "
        "cultures; 'profiles' when it rests on national profiles alone"
    )
    caveat: str = ""
    dates: tuple[str, ...] = Field(default=(), description=_DATES)
    people: tuple[str, ...] = Field(default=(), description=_PEOPLE)
    before_you: tuple[str, ...] = Field(default=(), description=_PLANNED)
    between: tuple[CultureSide, ...] = Field(
        default=(),
        description="the cultures it is about: the sides whose culture and profile facts "
        "its support rests on, through chained findings; empty when it rests on what the "
        "scenario states alone",
    )
    supported_by: tuple[Evidence, ...]


class Recommendation(Frozen):
    id: str
    title: str
    advice: str
    steps: tuple[str, ...]
    topic: Topic
    stage: PlanStage
    certainty: float
    because: str
    dates: tuple[str, ...] = Field(default=(), description=_DATES)
    people: tuple[str, ...] = Field(default=(), description=_PEOPLE)
    before_you: tuple[str, ...] = Field(default=(), description=_PLANNED)
    supported_by: tuple[Evidence, ...]
    sources: tuple[SourceReference, ...]
    certainty_in_words: Literal["high", "medium", "low"] = Field(
        default="low", description="high from 0.7, medium from 0.4, low below"
    )
    basis: Literal["observed", "situation", "profiles"] = Field(
        default="profiles",
        description="'observed' when some rule behind it rests on what you observed or stated "
        "about these people and this case alone (observations, preferences, actions, people, "
        "parties, the relationship, the organisation, dates); 'situation' when it reads that "
        "through national data; 'profiles' when it rests on national data and your role alone",
    )
    for_our_role: bool = Field(
        default=False, description="some rule behind it is written for who we are to them"
    )
    serves_primary_goal: bool = Field(
        default=False, description="some rule behind it reads the primary goal"
    )
    rank: float = Field(
        default=0.0,
        description="the plan's order: certainty, plus weight for a risk or problem it answers, "
        "for serving the primary goal and for resting on the situation",
    )
    conflicts_with: tuple[str, ...] = Field(
        default=(), description="other advice given in this run that this advice conflicts with"
    )
    trade_off_with: tuple[str, ...] = Field(
        default=(),
        description="advice also given that pulls the other way, equally specific: weigh them",
    )
    set_aside_because: str = Field(
        default="", description="for advice set aside: why the plan prefers other advice"
    )


class TradeOff(Frozen):
    """Two pieces of advice in one plan that pull one behaviour axis in opposite directions and
    that the plan builder could not rank by specificity: the client must weigh them."""

    axis: str = Field(description="the behaviour axis, or 'declared' for a declared conflict")
    about: str = Field(description="what the axis is about, in words")
    first: str
    second: str
    explanation: str


class KnowledgeBaseInfo(Frozen):
    name: str
    version: str
    digest: str


class ScenarioInfo(Frozen):
    title: str
    digest: str
    we: str
    they: str


class Trace(Frozen):
    """Everything an auditor needs to replay the reasoning: all facts and all firings."""

    facts: tuple[FactRecord, ...]
    firings: tuple[Firing, ...]
    rule_titles: dict[str, str] = Field(description="the title of every rule that fired")


class Report(Frozen):
    scenario: ScenarioInfo
    kb: KnowledgeBaseInfo
    diagnosis: tuple[DiagnosisItem, ...]
    recommendations: tuple[Recommendation, ...] = Field(
        description="the main plan: at most the KB's plan length, none under its certainty "
        "floor, by stage and then rank"
    )
    advised_against: tuple[Recommendation, ...] = Field(
        default=(), description="advice that rules supported but net evidence counts against"
    )
    also_consider: tuple[Recommendation, ...] = Field(
        default=(),
        description="advice given but not in the main plan (past its length, or under its "
        "certainty floor), in rank order",
    )
    set_aside: tuple[Recommendation, ...] = Field(
        default=(),
        description="advice that pulls against more specific advice in this plan, each with "
        "set_aside_because: consider it instead only if the reason does not hold",
    )
    trade_offs: tuple[TradeOff, ...] = Field(
        default=(), description="pairs of advice pulling opposite ways that could not be ranked"
    )
    could_not_check: tuple[str, ...] = Field(
        default=(),
        description="what the knowledge base had too little data to check for this case",
    )
    caveats: tuple[str, ...]
    trace: Trace
    profile_sources: tuple[SourceReference, ...] = Field(
        default=(),
        description="the sources of the culture scores the run's rules used (Hofstede, GLOBE, "
        "our coding of Meyer...), cited in full",
    )
    note_hints: tuple[NoteHint, ...] = Field(
        default=(),
        description="words in the scenario's free text that name facts the form can hold, with "
        "the field to use: no rule reads free text (the KB's note_hints table)",
    )

    @property
    def given(self) -> tuple[Recommendation, ...]:
        """All advice the run gives: the main plan, then 'also consider' (not what is set aside
        or advised against)."""
        return (*self.recommendations, *self.also_consider)
