"""How a branch's matches are joined from the facts in alpha memories: the memories, the
matches, and the steps that extend a partial match by one fact, find whether a ``not`` is
blocked or an ``exists`` can be met, and complete the joins into matches.

These only read the memories; :mod:`.network_state` keeps them up to date as facts come and go,
decides which branches to work out, and holds the bounds on how many matches that may build.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..schemas.facts import Scalar
from .network import Fields, MatchNetwork, Step


class Match(NamedTuple):
    """One complete match of a branch: its positive facts in pattern order, and bindings.

    A named tuple: a large run makes hundreds of thousands, and one is made in half the time
    of a frozen dataclass, which sets each field through ``object.__setattr__``."""

    branch: int
    key: tuple[int, ...]
    """The ids of ``facts``: with ``branch``, what tells two matches apart."""
    facts: tuple[Any, ...]
    bindings: Mapping[str, Scalar]


new_match = tuple.__new__  # a named tuple's own __new__ is a Python function: twice as slow


def extended(step: Step, fields: Fields, bindings: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The bindings with the fact joined in by ``step``, or None if it does not fit them."""
    for name, variable in step.joins_before:
        if bindings[variable] != fields[name]:
            return None
    if not step.binds:  # bindings are never changed once made: this one can be shared
        for comparison in step.comparisons:
            if not comparison.holds(bindings):
                return None
        return bindings
    grown = dict(bindings)
    for name, variable in step.binds:
        grown[variable] = fields[name]
    for name, variable in step.joins_after:
        if grown[variable] != fields[name]:
            return None
    for comparison in step.comparisons:
        if not comparison.holds(grown):
            return None
    return grown


@dataclass
class AlphaMemory:
    """The facts one alpha test accepted, in declaration order, and for each field joins look
    up by value, those facts by that field's value."""

    facts: list[tuple[int, Fields]] = field(default_factory=list)
    index: dict[str, dict[Any, list[tuple[int, Fields]]]] = field(default_factory=dict)


Partial = tuple[tuple[tuple[int, Fields], ...], Mapping[str, Any]]
"""A partial match: the ``(id, fields)`` entries joined so far and their bindings."""


class Joins:
    """A working memory's alpha memories, and the joins over them."""

    def __init__(self, network: MatchNetwork) -> None:
        self.network = network
        self.memories = [
            AlphaMemory(index={name: {} for name in fields}) for fields in network.indexed_fields
        ]

    def _candidates(self, step: Step, bindings: Mapping[str, Any]) -> Sequence[tuple[int, Fields]]:
        memory = self.memories[step.alpha]
        indexed = step.index_field
        if indexed is None:
            return memory.facts
        try:
            return memory.index[indexed[0]].get(bindings[indexed[1]], ())
        except TypeError:
            return [entry for entry in memory.facts if entry[1][indexed[0]] == bindings[indexed[1]]]

    _extend = staticmethod(extended)

    def _blocked(self, negation: Step, bindings: Mapping[str, Any]) -> bool:
        """Whether some fact meets a ``not``'s pattern, given the match's bindings."""
        if negation.constant:
            return bool(self.memories[negation.alpha].facts)
        extend = self._extend
        return any(
            extend(negation, fields, bindings) is not None
            for _, fields in self._candidates(negation, bindings)
        )

    def _satisfiable(self, steps: Sequence[Step], bindings: Mapping[str, Any]) -> bool:
        """Whether some facts meet every step of an ``exists``."""
        if not steps:
            return True
        first, rest = steps[0], steps[1:]
        if first.constant:  # any of its facts does, and leaves the bindings as they are
            return bool(self.memories[first.alpha].facts) and self._satisfiable(rest, bindings)
        for _, fields in self._candidates(first, bindings):
            extended = self._extend(first, fields, bindings)
            if extended is not None and self._satisfiable(rest, extended):
                return True
        return False

    def _complete(self, branch: int, partial: list[Partial]) -> dict[tuple[int, ...], Match]:
        """The matches among the joins of every positive pattern: those that meet the
        branch's other comparisons, its ``exists`` and none of its ``not``."""
        plan = self.network.plans[branch]
        leftover, existence, negations = plan.leftover, plan.existence, plan.negations
        satisfiable, blocked = self._satisfiable, self._blocked
        if existence or negations:  # those sharing no variable answer alike for all: once
            if any(step.constant and blocked(step, {}) for step in negations):
                return {}
            if any(not satisfiable(s, {}) for s in existence if all(t.constant for t in s)):
                return {}
            negations = tuple(step for step in negations if not step.constant)
            existence = tuple(s for s in existence if not all(t.constant for t in s))
        found: dict[tuple[int, ...], Match] = {}
        if plan.positives and not (leftover or existence or negations):
            for entries, bindings in partial:  # most matches of a large run: nothing to check
                key, facts = zip(*entries, strict=True)  # ids and facts, each a tuple
                found[key] = new_match(Match, (branch, key, facts, bindings))
            return found
        for entries, bindings in partial:
            if leftover and not all(comparison.holds(bindings) for comparison in leftover):
                continue
            if existence and not all(satisfiable(steps, bindings) for steps in existence):
                continue
            if negations and any(blocked(step, bindings) for step in negations):
                continue
            # the ids and the facts, each a tuple, in one pass (no positive pattern: none)
            key, facts = tuple(zip(*entries, strict=True)) or ((), ())
            found[key] = new_match(Match, (branch, key, facts, bindings))
        return found
