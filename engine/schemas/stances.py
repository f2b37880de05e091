"""Behaviour axes: the fixed set of directions a piece of advice can pull how we behave.

Each advice item in ``kb/advice/`` may declare a *stance* on some axes, such as
``criticism: gentle`` or ``pace: patient``. Two pieces of advice kept in one plan that take
opposite poles of one axis contradict each other; the plan builder resolves the pair by
specificity and ``kb lint`` reports pairs that can be given together. The axes are fixed here,
not in the KB, so that every knowledge base (and every extension layer) speaks of the same
directions and a new layer's advice is checked against the shipped advice.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Axis(StrEnum):
    """A dimension of our own behaviour that advice can push one way or the other."""

    criticism = "criticism"
    disagreement = "disagreement"
    explicitness = "explicitness"
    address = "address"
    pace = "pace"
    route_to_seniors = "route_to_seniors"
    relationship = "relationship"
    written_detail = "written_detail"
    intermediaries = "intermediaries"
    decisions = "decisions"
    schedule = "schedule"


class Pole(StrEnum):
    """One end of an axis; every pole belongs to exactly one axis (see :data:`AXES`)."""

    direct = "direct"
    gentle = "gentle"
    open = "open"
    private = "private"
    explicit = "explicit"
    implicit = "implicit"
    formal = "formal"
    informal = "informal"
    fast = "fast"
    patient = "patient"
    to_the_top = "to_the_top"
    through_the_levels = "through_the_levels"
    relationship_first = "relationship_first"
    task_first = "task_first"
    detailed = "detailed"
    light = "light"
    through_intermediaries = "through_intermediaries"
    face_to_face = "face_to_face"
    consult_widely = "consult_widely"
    decide_and_direct = "decide_and_direct"
    strict = "strict"
    flexible = "flexible"


@dataclass(frozen=True)
class AxisDefinition:
    """An axis's two poles, each with what taking it means, and what the axis is about."""

    about: str
    first: Pole
    first_means: str
    second: Pole
    second_means: str

    def opposite(self, pole: Pole) -> Pole:
        return self.second if pole is self.first else self.first


AXES: dict[Axis, AxisDefinition] = {
    Axis.criticism: AxisDefinition(
        "how we deliver criticism and bad news",
        Pole.direct,
        "say what is wrong plainly, to the person, soon",
        Pole.gentle,
        "soften it, wrap it in positives, say it privately and indirectly",
    ),
    Axis.disagreement: AxisDefinition(
        "where we voice disagreement",
        Pole.open,
        "argue it out in the meeting, in front of others",
        Pole.private,
        "raise it one to one, off the record or through a third person",
    ),
    Axis.explicitness: AxisDefinition(
        "how much we say outright",
        Pole.explicit,
        "state the point, the answer and the next step in words",
        Pole.implicit,
        "leave things unsaid, read tone and silence, let them save face",
    ),
    Axis.address: AxisDefinition(
        "how formally we address and write to people",
        Pole.formal,
        "titles, surnames and formal style until invited otherwise",
        Pole.informal,
        "first names and a casual style",
    ),
    Axis.pace: AxisDefinition(
        "how fast we push for decisions and results",
        Pole.fast,
        "set deadlines, press for a decision, move quickly",
        Pole.patient,
        "allow time, do not press, expect the decision to take long",
    ),
    Axis.route_to_seniors: AxisDefinition(
        "how we reach the people who decide",
        Pole.to_the_top,
        "go straight to the senior decision-maker",
        Pole.through_the_levels,
        "work through the working level and the hierarchy, peer to peer",
    ),
    Axis.relationship: AxisDefinition(
        "whether the relationship or the task comes first",
        Pole.relationship_first,
        "invest in personal trust before and beside the business",
        Pole.task_first,
        "lead with the business case and deliverables; trust follows results",
    ),
    Axis.written_detail: AxisDefinition(
        "how much we rely on detailed written terms",
        Pole.detailed,
        "put everything in detailed written terms and hold people to them",
        Pole.light,
        "keep documents short and rely on the relationship and spoken understandings",
    ),
    Axis.intermediaries: AxisDefinition(
        "whether we approach people through others",
        Pole.through_intermediaries,
        "use introducers, go-betweens and mutual contacts",
        Pole.face_to_face,
        "approach and deal with people ourselves, directly",
    ),
    Axis.decisions: AxisDefinition(
        "how we make and drive decisions with them",
        Pole.consult_widely,
        "involve everyone concerned and build agreement before deciding",
        Pole.decide_and_direct,
        "decide at the top and give clear direction",
    ),
    Axis.schedule: AxisDefinition(
        "how we treat time, agendas and deadlines",
        Pole.strict,
        "fixed agendas, punctuality and hard deadlines",
        Pole.flexible,
        "let schedules move, expect interruptions, build in slack",
    ),
}

AXIS_OF_POLE: dict[Pole, Axis] = {
    pole: axis
    for axis, definition in AXES.items()
    for pole in (definition.first, definition.second)
}
