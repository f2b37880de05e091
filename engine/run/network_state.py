"""The running side of the match network: one engine's working memory and each branch's
current matches, kept apart from the network itself, which is shared and never changes.

Why recomputing a branch is enough: a branch's matches are a function of the facts in working
memory, so after a change we evaluate again only the branches one of whose patterns (positive,
``not`` or ``exists``) accepts a changed fact, and report the difference: new matches are
activations added, vanished ones (a ``not`` now blocked, a fact retracted) are removed.
A match that stays is not reported again, which is experta's refraction.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..schemas.facts import Scalar
from .network import Fields, MatchNetwork, Step


@dataclass(frozen=True)
class Match:
    """One complete match of a branch: its positive facts in pattern order, and bindings."""

    branch: int
    key: tuple[int, ...]
    """The ids of ``facts``: with ``branch``, what tells two matches apart."""
    facts: tuple[Any, ...]
    bindings: Mapping[str, Scalar]


@dataclass
class _Memory:
    facts: list[tuple[int, Fields]] = field(default_factory=list)
    index: dict[str, dict[Any, list[tuple[int, Fields]]]] = field(default_factory=dict)


class NetworkState:
    """The working memory of one engine: alpha memories and each branch's current matches.

    Facts are ``(id, fields)`` pairs with ids increasing in declaration order (experta's
    ``__factid__``); ``fields`` is any mapping, such as the experta fact itself.
    """

    def __init__(self, network: MatchNetwork) -> None:
        self.network = network
        self.memories = [
            _Memory(index={name: {} for name in fields}) for fields in network.indexed_fields
        ]
        self.matches: list[dict[tuple[int, ...], Match]] = [{} for _ in network.plans]
        self.where: dict[int, list[int]] = {}
        """For each fact in memory, the alpha memories that hold it."""
        self.matched: set[int] = set()
        """The branches that have had matches since the last reset."""

    def reset(self) -> None:
        """Forget every fact, clearing only what holds something: most of the network is
        untouched by any one scenario."""
        for alpha_id in {alpha for alphas in self.where.values() for alpha in alphas}:
            memory = self.memories[alpha_id]
            memory.facts = []
            memory.index = {name: {} for name in memory.index}
        for branch in self.matched:
            self.matches[branch] = {}
        self.where = {}
        self.matched = set()

    def changes(
        self,
        added: Iterable[tuple[int, str, Fields]],
        removed: Iterable[tuple[int, str, Fields]] = (),
    ) -> tuple[list[Match], list[Match]]:
        """Facts ``(id, type, fields)`` added and removed; returns matches gained and lost."""
        touched: set[int] = set()
        readers = self.network.readers
        for fact_id, _, _ in removed:
            for alpha_id in self.where.pop(fact_id, ()):
                self._forget(alpha_id, fact_id)
                touched.update(readers[alpha_id])
        for fact_id, fact_type, fields in added:
            found = self.network.accepting(fact_type, fields)
            if found:
                self.where[fact_id] = found
                for alpha_id in found:
                    self._remember(alpha_id, fact_id, fields)
                    touched.update(readers[alpha_id])
        gained: list[Match] = []
        lost: list[Match] = []
        memories, waiting_on = self.memories, self.network.waiting_on
        for branch in touched:  # any order: the agenda orders activations totally
            old = self.matches[branch]
            # most touched branches still lack a fact for some positive pattern
            if not old and any(not memories[alpha].facts for alpha in waiting_on[branch]):
                continue
            new = self._branch_matches(branch)
            for key, match in new.items():
                if key not in old:
                    gained.append(match)
                else:
                    new[key] = old[key]
            lost += [match for key, match in old.items() if key not in new]
            self.matches[branch] = new
            if new:
                self.matched.add(branch)
        return gained, lost

    def _remember(self, alpha_id: int, fact_id: int, fields: Fields) -> None:
        memory = self.memories[alpha_id]
        entry = (fact_id, fields)
        memory.facts.append(entry)
        for name, index in memory.index.items():
            with contextlib.suppress(TypeError):
                index.setdefault(fields[name], []).append(entry)

    def _forget(self, alpha_id: int, fact_id: int) -> None:
        memory = self.memories[alpha_id]
        memory.facts = [entry for entry in memory.facts if entry[0] != fact_id]
        for index in memory.index.values():
            for value, entries in list(index.items()):
                index[value] = [entry for entry in entries if entry[0] != fact_id]

    # -- evaluation

    def _candidates(self, step: Step, bindings: Mapping[str, Any]) -> Sequence[tuple[int, Fields]]:
        memory = self.memories[step.alpha]
        indexed = step.index_field
        if indexed is None:
            return memory.facts
        try:
            return memory.index[indexed[0]].get(bindings[indexed[1]], ())
        except TypeError:
            return [entry for entry in memory.facts if entry[1][indexed[0]] == bindings[indexed[1]]]

    def _extend(
        self, step: Step, fields: Fields, bindings: dict[str, Any]
    ) -> dict[str, Any] | None:
        extended = dict(bindings)
        for name, variable, joins in step.variables:
            if joins:
                if extended[variable] != fields[name]:
                    return None
            else:
                extended[variable] = fields[name]
        for comparison in step.comparisons:
            if not comparison.holds(extended):
                return None
        return extended

    def _satisfiable(self, steps: Sequence[Step], bindings: dict[str, Any]) -> bool:
        """Whether some facts meet every step (an ``exists``, or a ``not`` that blocks)."""
        if not steps:
            return True
        first, rest = steps[0], steps[1:]
        for _, fields in self._candidates(first, bindings):
            extended = self._extend(first, fields, bindings)
            if extended is not None and self._satisfiable(rest, extended):
                return True
        return False

    def _branch_matches(self, branch: int) -> dict[tuple[int, ...], Match]:
        plan = self.network.plans[branch]
        memories = self.memories
        if any(not memories[alpha].facts for alpha in self.network.waiting_on[branch]):
            return {}
        partial: list[tuple[tuple[tuple[int, Fields], ...], dict[str, Any]]] = [((), {})]
        for step in plan.positives:
            following = []
            for facts, bindings in partial:
                for entry in self._candidates(step, bindings):
                    extended = self._extend(step, entry[1], bindings)
                    if extended is not None:
                        following.append(((*facts, entry), extended))
            partial = following
            if not partial:
                return {}
        found: dict[tuple[int, ...], Match] = {}
        for facts, bindings in partial:
            if not all(comparison.holds(bindings) for comparison in plan.leftover):
                continue
            if not all(self._satisfiable(steps, bindings) for steps in plan.existence):
                continue
            if any(self._satisfiable((step,), bindings) for step in plan.negations):
                continue
            key = tuple(fact_id for fact_id, _ in facts)
            found[key] = Match(branch, key, tuple(fields for _, fields in facts), bindings)
        return found
