"""What a diagnosis item or a recommendation rests on, found by walking down its HOW trees:
the dated events it is about, the people it is about, and the actions we only plan.

A finding or an advice is written once, for every case; these let the report say which date and
which person this time, from the facts that actually supported it.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..schemas.facts import CalendarOrigin
from ..schemas.report import Evidence, HowNode
from ..schemas.scenario import OurPerson, Person, Scenario
from ..schemas.vocabulary import ActionStatus
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS


def _nodes(evidence: list[Evidence]) -> Iterator[HowNode]:
    """Every node under the evidence that counts for the item (not evidence against it)."""

    def visit(node: HowNode) -> Iterator[HowNode]:
        yield node
        for step in node.concluded_by:
            for used in step.facts:
                yield from visit(used)

    for item in evidence:
        if item.certainty > 0:
            for node in item.how:
                yield from visit(node)


def dates_of(evidence: list[Evidence]) -> tuple[str, ...]:
    """The scenario's dated events an item rests on, in date order."""
    found = {node.origin for node in _nodes(evidence) if isinstance(node.origin, CalendarOrigin)}
    in_order = sorted(found, key=lambda origin: (origin.date, origin.path))
    return tuple(dict.fromkeys(origin.day() for origin in in_order))


_PEOPLE_LISTS = {"they.people": "theirs", "we.people": "ours"}


def people_of(evidence: list[Evidence], scenario: Scenario) -> tuple[str, ...]:
    """The people an item is about: those of either side whose facts it rests on, by name and
    role as the scenario gives them, in the scenario's order."""
    indexes: set[tuple[str, int]] = set()
    for node in _nodes(evidence):
        if node.origin.kind != "scenario":
            continue
        for path in node.origin.paths:
            list_path, _, rest = path.partition("[")
            if list_path in _PEOPLE_LISTS and rest.rstrip("]").isdigit():
                indexes.add((list_path, int(rest.rstrip("]"))))
    people: dict[str, tuple[Person | OurPerson, ...]] = {
        "they.people": scenario.they.people,
        "we.people": scenario.we.people,
    }
    labels = []
    for list_path, index in sorted(indexes, key=lambda key: (key[0] != "they.people", key[1])):
        person = people[list_path][index]
        label = f"{person.name}, {person.role}" if person.name else person.role
        labels.append(label if list_path == "they.people" else f"{label} (ours)")
    return tuple(labels)


def planned_of(evidence: list[Evidence], scenario: Scenario) -> tuple[str, ...]:
    """The actions we only plan that an item rests on, in words: advice about them is advice
    to weigh before doing them, not a judgement of something done."""
    indexes: set[int] = set()
    for node in _nodes(evidence):
        if node.origin.kind != "scenario":
            continue
        for path in node.origin.paths:
            list_path, _, rest = path.partition("[")
            if list_path == "we_are_doing" and rest.rstrip("]").isdigit():
                indexes.add(int(rest.rstrip("]")))
    planned = []
    for index in sorted(indexes):
        action = scenario.we_are_doing[index]
        if action.status is ActionStatus.planned:
            when = f" (planned for {action.date:%d %B %Y})" if action.date else ""
            planned.append(ACTION_DESCRIPTIONS[action.kind] + when)
    return tuple(planned)
