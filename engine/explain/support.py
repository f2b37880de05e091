"""What a diagnosis item or a recommendation rests on, found by walking down its HOW trees:
the dated events it is about, the people it is about, and the actions we only plan.

A finding or an advice is written once, for every case; these let the report say which date and
which person this time, from the facts that actually supported it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..schemas.facts import CalendarOrigin
from ..schemas.report import Evidence, HowNode
from ..schemas.scenario import OurPerson, Person, Scenario
from ..schemas.vocabulary import ActionStatus
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS


def _nodes(evidence: list[Evidence]) -> Iterator[HowNode]:
    """Every node under the evidence that counts for the item (not evidence against it), each
    once, in no particular order. A fact's node is shared by every tree that uses it, so a
    walk that went down each use again visited the same nodes many times over."""
    pending = [node for item in evidence if item.certainty > 0 for node in item.how]
    seen: set[int] = set()
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        yield node
        for step in node.concluded_by:
            pending.extend(step.facts)


def dates_of(evidence: list[Evidence]) -> tuple[str, ...]:
    """The scenario's dated events an item rests on, in date order."""
    found = {node.origin for node in _nodes(evidence) if isinstance(node.origin, CalendarOrigin)}
    in_order = sorted(found, key=lambda origin: (origin.date, origin.path))
    return tuple(dict.fromkeys(origin.day() for origin in in_order))


def _positions(evidence: list[Evidence], list_path: str) -> list[int]:
    """Which items of a scenario list (``they.people``, ``we_are_doing``) the evidence's
    scenario facts came from, in the list's order."""
    found: set[int] = set()
    for node in _nodes(evidence):
        if node.origin.kind != "scenario":
            continue
        for path in node.origin.paths:
            head, _, rest = path.partition("[")
            if head == list_path and rest.rstrip("]").isdigit():
                found.add(int(rest.rstrip("]")))
    return sorted(found)


_PLACED_PERSON = re.compile(r"(they\.people|we\.people)\[(\d+)\]")


def _placements(evidence: list[Evidence]) -> dict[tuple[str, int], dict[str, list[str]]]:
    """The people whose own positions an item rests on, by (list, index): what each position
    rests on ('observed: ...', 'self-assessed, profile ...') and the scales it was on."""
    found: dict[tuple[str, int], dict[str, list[str]]] = {}
    for node in _nodes(evidence):
        origin = node.origin
        if origin.kind != "position":
            continue
        match = _PLACED_PERSON.match(origin.path)
        if match is None:
            continue
        scales = found.setdefault((match[1], int(match[2])), {})
        scales.setdefault(origin.describe(), []).append(origin.dimension)
    return found


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def people_of(evidence: list[Evidence], scenario: Scenario) -> tuple[str, ...]:
    """The people an item is about: those of either side whose facts it rests on, by name and
    role as the scenario gives them; theirs first, each side in the scenario's order. A person
    whose own position on a scale it rests on is named with the scale and how the position is
    known ('on disagreeing, observed: ...'): the reader sees that this person, not their
    country, was used."""
    sides: tuple[tuple[str, tuple[Person | OurPerson, ...], str], ...] = (
        ("they.people", scenario.they.people, ""),
        ("we.people", scenario.we.people, "ours"),
    )
    placed = _placements(evidence)
    labels = []
    for list_path, people, ours in sides:
        stated = _positions(evidence, list_path)
        for index in sorted({*stated, *(i for (path, i) in placed if path == list_path)}):
            person = people[index]
            label = f"{person.name}, {person.role}" if person.name else person.role
            notes = [ours] if ours else []
            for basis, scales in placed.get((list_path, index), {}).items():
                notes.append(f"on {_listed(sorted(set(scales)))}, {basis}")
            labels.append(f"{label} ({'; '.join(notes)})" if notes else label)
    return tuple(labels)


def planned_of(evidence: list[Evidence], scenario: Scenario) -> tuple[str, ...]:
    """The actions we only plan that an item rests on, in words: advice about them is advice
    to weigh before doing them, not a judgement of something done."""
    planned = []
    for index in _positions(evidence, "we_are_doing"):
        action = scenario.we_are_doing[index]
        if action.status is ActionStatus.planned:
            when = f" (planned for {action.date:%d %B %Y})" if action.date else ""
            planned.append(ACTION_DESCRIPTIONS[action.kind] + when)
    return tuple(planned)
