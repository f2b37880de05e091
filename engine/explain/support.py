"""What a diagnosis item or a recommendation rests on, found under the firings behind it (the
facts its HOW trees reach): the dated events it is about, the people it is about, and the
actions we only plan.

A finding or an advice is written once, for every case; these let the report say which date and
which person this time, from the facts that actually supported it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from ..schemas.facts import (
    CalendarOrigin,
    FactRecord,
    PositionOrigin,
    RuleOrigin,
    ScenarioOrigin,
)
from ..schemas.report import Evidence
from ..schemas.results import RunResult
from ..schemas.scenario import OurPerson, Person, Scenario
from ..schemas.vocabulary import ActionStatus
from ..schemas.vocabulary_descriptions import ACTION_DESCRIPTIONS
from .run_index import RunIndex

Kept = TypeVar("Kept", bound=Hashable)

_PLACED_PERSON = re.compile(r"(they\.people|we\.people)\[(\d+)\]")


@dataclass(slots=True)
class Support:
    """Everything the people, dates and plans of one item are read from."""

    dates: set[CalendarOrigin] = field(default_factory=set)
    positions: dict[str, set[int]] = field(default_factory=dict)
    """Which items of a scenario list (``they.people``, ``we_are_doing``) stated facts came from."""
    placements: dict[tuple[str, int], dict[str, list[str]]] = field(default_factory=dict)
    """The people whose own positions the item rests on, by (list, index): what each position
    rests on ('observed: ...', 'self-assessed, profile ...'), in the order the run lists the
    positions, and the scales it was on."""


class SupportFinder:
    """Answers, for the evidence of any item of one run, what it rests on.

    An item's HOW trees reach, below the facts its firings matched, every fact a firing that
    concluded one of them matched, and so on down to the scenario's and the profiles' facts: a
    tree leaves out a firing only where it already shows it further up, so the facts the trees
    reach are exactly those the run's support reaches. This walks the run, not the trees (which
    repeat shared parts), once for each firing, whatever number of items it supports.
    """

    def __init__(self, run: RunResult, index: RunIndex | None = None) -> None:
        """``index``: the run's index, when the caller has made one."""
        self.index = RunIndex.of(run, index)
        self._facts = self.index.facts
        self._matched = self.index.matched
        self._matched_facts = self.index.matched_facts
        self._stated: dict[int, frozenset[int]] = {}
        self._telling: dict[int, frozenset[int]] = {}

    @cached_property
    def in_order(self) -> tuple[int, ...] | None:
        """The facts rules concluded, each after every concluded fact it rests on; None when one
        rests, anywhere below it, on itself (a finding concluded again by a firing that used a
        fact resting on it). Without such a loop a HOW tree never meets a firing it shows
        further up, and what lies under a fact can be gathered from what lies under the facts
        it rests on."""
        concluded = self.index.concluded
        resting_on: dict[int, set[int]] = {}
        for fact_id, firings in concluded.items():
            below = resting_on[fact_id] = set()
            for number in firings:
                below.update(concluded.keys() & self._matched[number])
        # Kahn's algorithm: take away the facts resting on nothing left; a loop is what stays
        above: dict[int, list[int]] = {fact_id: [] for fact_id in resting_on}
        for fact_id, below in resting_on.items():
            for used in below:
                above[used].append(fact_id)
        left = {fact_id: len(below) for fact_id, below in resting_on.items()}
        waiting = [fact_id for fact_id, count in left.items() if not count]
        order: list[int] = []
        while waiting:
            fact_id = waiting.pop()
            order.append(fact_id)
            for user in above[fact_id]:
                left[user] -= 1
                if not left[user]:
                    waiting.append(user)
        return tuple(order) if len(order) == len(resting_on) else None

    @property
    def acyclic(self) -> bool:
        """Whether no fact rests on itself (see :attr:`in_order`)."""
        return self.in_order is not None

    def firings_below(self, fact_id: int) -> set[int]:
        """The firings anywhere under a fact: those that concluded it, those that concluded the
        facts they matched, and so on."""
        found: set[int] = set()
        seen = {fact_id}
        waiting = [fact_id]
        while waiting:
            origin = self._facts[waiting.pop()].origin
            if not isinstance(origin, RuleOrigin):
                continue
            for number in origin.firings:
                found.add(number)
                for used in self._matched[number]:
                    if used not in seen:
                        seen.add(used)
                        waiting.append(used)
        return found

    def stated_under(self, firing: int) -> frozenset[int]:
        """The facts no rule concluded (the scenario's, the calendar's, the profiles', people's
        positions) anywhere under a firing: those it matched, and those under the firings that
        concluded the findings it matched, and so on."""
        return self.kept_under(firing, _fact_id, self._stated)

    def kept_under(
        self,
        firing: int,
        keep: Callable[[FactRecord], Kept | None],
        found: dict[int, frozenset[Kept]],
    ) -> frozenset[Kept]:
        """What ``keep`` makes of each fact :meth:`stated_under` a firing, leaving out those it
        makes None of; ``found`` holds the answers by firing, one dict for each ``keep``.

        Most stated facts are profile scores, and a reader wants a few of them, or a little of
        each (a side, a person): in a run without loops each firing's answer is gathered from
        the answers below, so only what is kept is carried up."""
        kept = found.get(firing)
        if kept is None:
            if self.acyclic:
                items: set[Kept] = set()
                for fact in self._matched_facts[firing]:
                    origin = fact.origin
                    if isinstance(origin, RuleOrigin):
                        for number in origin.firings:
                            items |= self.kept_under(number, keep, found)
                    elif (item := keep(fact)) is not None:
                        items.add(item)
                kept = frozenset(items)
            else:
                kept = frozenset(
                    item
                    for fact_id in self._walked(firing)
                    if (item := keep(self._facts[fact_id])) is not None
                )
            found[firing] = kept
        return kept

    def _walked(self, firing: int) -> set[int]:
        # With a loop, one walk that remembers where it has been.
        seen: set[int] = set()
        waiting = list(self._matched[firing])
        stated = set()
        while waiting:
            fact_id = waiting.pop()
            if fact_id in seen:
                continue
            seen.add(fact_id)
            origin = self._facts[fact_id].origin
            if not isinstance(origin, RuleOrigin):
                stated.add(fact_id)
                continue
            for number in origin.firings:
                waiting.extend(self._matched[number])
        return stated

    def telling(self, evidence: list[Evidence]) -> frozenset[int]:
        """The facts that name a person, a date or a plan under the evidence that counts for an
        item (not evidence against it): two items resting on the same ones say the same."""
        telling = _NONE_TELLING
        for item in evidence:
            if item.certainty > 0:
                under = self.kept_under(item.firing, _telling_id, self._telling)
                # most firings rest on profile scores alone, which name nobody
                if under and under is not telling:
                    telling = telling | under if telling else under
        return telling

    def support(self, telling: frozenset[int]) -> Support:
        """What these facts (:meth:`telling`) say about people, dates and plans."""
        found = Support()
        for fact_id in sorted(telling):
            origin = self._facts[fact_id].origin
            if isinstance(origin, ScenarioOrigin):
                for path in origin.paths:
                    head, _, rest = path.partition("[")
                    if rest.rstrip("]").isdigit():
                        found.positions.setdefault(head, set()).add(int(rest.rstrip("]")))
            elif isinstance(origin, CalendarOrigin):
                found.dates.add(origin)
            elif isinstance(origin, PositionOrigin):
                placed = _PLACED_PERSON.match(origin.path)
                if placed is not None:
                    scales = found.placements.setdefault((placed[1], int(placed[2])), {})
                    scales.setdefault(origin.describe(), []).append(origin.dimension)
        return found


_TELLING = (ScenarioOrigin, CalendarOrigin, PositionOrigin)


_NONE_TELLING: frozenset[int] = frozenset()


def _fact_id(fact: FactRecord) -> int:
    return fact.id


def _telling_id(fact: FactRecord) -> int | None:
    # Most facts under a firing are profile scores, which name no person, date or plan.
    return fact.id if isinstance(fact.origin, _TELLING) else None


def dates_of(support: Support) -> tuple[str, ...]:
    """The scenario's dated events an item rests on, in date order."""
    in_order = sorted(support.dates, key=lambda origin: (origin.date, origin.path))
    return tuple(dict.fromkeys(origin.day() for origin in in_order))


def _listed(names: list[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def people_of(support: Support, scenario: Scenario) -> tuple[str, ...]:
    """The people an item is about: those of either side whose facts it rests on, by name and
    role as the scenario gives them; theirs first, each side in the scenario's order. A person
    whose own position on a scale it rests on is named with the scale and how the position is
    known ('on disagreeing, observed: ...'): the reader sees that this person, not their
    country, was used."""
    sides: tuple[tuple[str, tuple[Person | OurPerson, ...], str], ...] = (
        ("they.people", scenario.they.people, ""),
        ("we.people", scenario.we.people, "ours"),
    )
    placed = support.placements
    labels = []
    for list_path, people, ours in sides:
        stated = support.positions.get(list_path, set())
        for index in sorted({*stated, *(i for (path, i) in placed if path == list_path)}):
            person = people[index]
            label = f"{person.name}, {person.role}" if person.name else person.role
            notes = [ours] if ours else []
            for basis, scales in placed.get((list_path, index), {}).items():
                notes.append(f"on {_listed(sorted(set(scales)))}, {basis}")
            labels.append(f"{label} ({'; '.join(notes)})" if notes else label)
    return tuple(labels)


def planned_of(support: Support, scenario: Scenario) -> tuple[str, ...]:
    """The actions we only plan that an item rests on, in words: advice about them is advice
    to weigh before doing them, not a judgement of something done."""
    planned = []
    for index in sorted(support.positions.get("we_are_doing", ())):
        action = scenario.we_are_doing[index]
        if action.status is ActionStatus.planned:
            when = f" (planned for {action.date:%d %B %Y})" if action.date else ""
            planned.append(ACTION_DESCRIPTIONS[action.kind] + when)
    return tuple(planned)


Said = tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]
"""An item's dates, people and planned actions."""


class About:
    """The dates, people and planned actions an item rests on, in words; worked out once for
    each set of facts that name them (most items rest on none, or on the same few)."""

    def __init__(self, support: SupportFinder, scenario: Scenario) -> None:
        self.support = support
        self.scenario = scenario
        self.said: dict[frozenset[int], Said] = {}

    def __call__(self, evidence: list[Evidence]) -> Said:
        telling = self.support.telling(evidence)
        said = self.said.get(telling)
        if said is None:
            found = self.support.support(telling)
            said = self.said[telling] = (
                dates_of(found),
                people_of(found, self.scenario),
                planned_of(found, self.scenario),
            )
        return said
