"""The knowledge base's items other than rules: the manifest, sources, dimensions, culture
profiles, findings, advice with its topics and plan stages, and lint exclusions.

These models check the *shape* of each item; references between items (the sources a dimension
cites, an advice id a rule supports) are checked by :mod:`engine.load.cross_checks`, which knows
the whole knowledge base. Rules and their conditions are in :mod:`engine.schemas.rules`, the
whole files in :mod:`engine.schemas.kb_files`.
"""

from enum import StrEnum
from typing import Annotated, Literal

from pydantic import Field, model_validator

from .base import Frozen
from .stances import AXES, AXIS_OF_POLE, Axis, Pole

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$",
        min_length=2,
        max_length=80,
        description="lower-case words joined by '-' or '_'",
    ),
]


class PlanPolicy(Frozen):
    """How the plan builder shapes a plan: its length and the certainty it requires."""

    main_items: int = Field(
        default=7, ge=1, le=20, description="at most this many items across now, next, over time"
    )
    certainty_floor: float = Field(
        default=0.4,
        ge=0.0,
        le=1.0,
        description="advice below this certainty never enters the main plan, only 'also consider'",
    )


class Manifest(Frozen):
    """``kb.yaml``: the name and version of a knowledge base."""

    name: str
    version: str = Field(pattern=r"^\d+\.\d+\.\d+$")
    description: str = ""
    extends: Literal["shipped"] | None = Field(
        default=None, description="'shipped' to add to the knowledge base that ships with the tool"
    )
    plan: PlanPolicy = Field(
        default_factory=PlanPolicy, description="how long a plan is and what it admits"
    )


class Source(Frozen):
    """One entry of the bibliography."""

    id: Identifier
    title: str
    authors: tuple[str, ...] = ()
    year: int | None = Field(default=None, ge=1800, le=2100)
    publisher: str = ""
    url: str = ""
    kind: Literal["book", "article", "dataset", "web", "report"] = "book"
    note: str = ""


class Dimension(Frozen):
    """A scale on which cultures are scored (a Hofstede dimension, a Culture Map scale...)."""

    id: Identifier
    name: str
    framework: str
    low_pole: str
    high_pole: str
    minimum: float = 0
    maximum: float = 100
    description: str = ""
    sources: tuple[Identifier, ...] = Field(min_length=1)
    toward_low: str = Field(
        default="", description="what working with someone nearer the low pole means in practice"
    )
    toward_high: str = Field(
        default="", description="what working with someone nearer the high pole means in practice"
    )


class Reading(Frozen):
    """Another source's position on the same dimension, recorded when sources disagree."""

    value: float
    source: Identifier
    estimated: bool = False
    note: str = ""


class Score(Frozen):
    """A culture's position on one dimension; ``value: null`` records a known gap.

    ``value`` is the reading rules use; ``other_readings`` keep what other sources say, so
    that disagreement is shown (as a ``score_spread`` fact) rather than hidden.
    """

    value: float | None
    source: Identifier
    estimated: bool = False
    note: str = ""
    other_readings: tuple[Reading, ...] = ()


class CultureProfile(Frozen):
    """National tendencies of one country (never a description of a person)."""

    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    name: str
    scores: dict[Identifier, Score]
    notes: str = ""


class Severity(StrEnum):
    """How much a finding matters to the client, which orders the diagnosis."""

    risk = "risk"  # legal, ethical or safety exposure: act on it before anything else
    problem = "problem"  # something going wrong in this relationship now
    tendency = "tendency"  # a pattern to expect and plan for


class Finding(Frozen):
    """A conclusion rules can reach about the situation (the diagnosis vocabulary)."""

    id: Identifier
    title: str
    explanation: str
    show_in_diagnosis: bool = True
    severity: Severity = Field(
        default=Severity.tendency,
        description="how much it matters: risks lead the diagnosis, then problems, then tendencies",
    )
    caveat: str = ""
    sources: tuple[Identifier, ...] = ()


class Topic(StrEnum):
    relationship = "relationship"
    hierarchy = "hierarchy"
    decision_making = "decision_making"
    communication = "communication"
    feedback = "feedback"
    disagreement = "disagreement"
    meetings = "meetings"
    negotiation = "negotiation"
    time = "time"
    etiquette = "etiquette"
    teams = "teams"
    partners = "partners"
    compliance = "compliance"
    positioning = "positioning"


class PlanStage(StrEnum):
    """When in the plan a piece of advice belongs."""

    now = "now"
    next = "next"
    over_time = "over_time"

    @property
    def heading(self) -> str:
        """The stage's heading in a plan, as every report and the catalogue print it."""
        return _PLAN_STAGE_HEADINGS[self]


_PLAN_STAGE_HEADINGS = {
    PlanStage.now: "Now",
    PlanStage.next: "Next",
    PlanStage.over_time: "Over time",
}


class Advice(Frozen):
    """One piece of advice, written once; rules support or oppose it."""

    id: Identifier
    title: str
    advice: str
    steps: tuple[str, ...] = ()
    topic: Topic
    stage: PlanStage
    sources: tuple[Identifier, ...] = Field(min_length=1)
    stances: dict[Axis, Pole] = Field(
        default_factory=dict,
        description="the direction it pulls our behaviour on each behaviour axis it touches, "
        "such as 'criticism: gentle'; two kept items with opposite poles contradict",
        # Each axis with its own two poles, so an editor flags a pole put under the wrong axis.
        json_schema_extra={
            "properties": {
                axis.value: {"enum": [definition.first.value, definition.second.value]}
                for axis, definition in AXES.items()
            }
        },
    )
    conflicts_with: tuple[Identifier, ...] = Field(
        default=(),
        description="other advice it contradicts that no shared axis expresses; prefer stances",
    )

    @model_validator(mode="after")
    def _poles_belong_to_their_axes(self) -> "Advice":
        for axis, pole in self.stances.items():
            if AXIS_OF_POLE[pole] is not axis:
                definition = AXES[axis]
                raise ValueError(
                    f"stance '{axis.value}: {pole.value}' mixes axes: '{pole.value}' is a pole "
                    f"of '{AXIS_OF_POLE[pole].value}'; '{axis.value}' is "
                    f"'{definition.first.value}' or '{definition.second.value}'"
                )
        return self


class LintExclusion(Frozen):
    """Switch one lint check off, for some items (rule, advice, finding ids) or everywhere."""

    check: str
    items: tuple[str, ...] = Field(
        min_length=1, description="the rule, advice, finding or country ids it applies to"
    )
    reason: str = Field(min_length=1, description="why this exclusion is right")
