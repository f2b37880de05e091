"""The running side of the match network: one engine's working memory and each branch's
current matches, kept apart from the network itself, which is shared and never changes.

Why recomputing a branch is enough: a branch's matches are a function of the facts in working
memory, so after a change we evaluate again only the branches one of whose patterns (positive,
``not`` or ``exists``) accepts a changed fact, and report the difference: new matches are
activations added, vanished ones (a ``not`` now blocked, a fact retracted) are removed.
A match that stays is not reported again, which is experta's refraction.

Why the match is bounded: patterns that share no variable match every combination of their
facts (three ``person`` patterns on 200 people are 8 million matches), and all of that is built
before any rule fires, so the step limit cannot stop it. A branch may hold at most
:data:`PARTIAL_MATCHES_PER_RULE` partial matches, and all branches together at most
:data:`MATCHES_PER_RUN`; past either, :class:`MatchBoundExceededError` stops the run. No shipped
scenario and no run of the synthetic benchmark (up to 10,000 rules and 10,000 facts) comes
within a tenth of them.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..schemas.facts import Scalar
from .network import Fields, MatchNetwork, Step

PARTIAL_MATCHES_PER_RULE = 200_000
"""Partial matches one rule branch may build while its matches are worked out (about 60 MB)."""
MATCHES_PER_RUN = 2_000_000
"""Matches all branches may hold at once, with the partial ones of the branch being worked out."""


class MatchBoundExceededError(Exception):
    """A branch built more partial matches than a bound allows; the runner names its rule."""

    def __init__(self, branch: int, patterns: int, count: int, limit: int, per_run: bool) -> None:
        self.branch = branch
        self.patterns = patterns
        """How many of the branch's positive patterns were joined when the bound was crossed."""
        self.count = count
        self.limit = limit
        self.per_run = per_run
        super().__init__(f"branch {branch}: {count} partial matches, more than {limit}")


@dataclass(frozen=True, slots=True)  # a large run holds hundreds of thousands
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
        self.held = 0
        """Matches held by all branches together (for :data:`MATCHES_PER_RUN`)."""

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
        self.held = 0

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
            self.held += len(new) - len(old)
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
        # this branch's own matches are replaced, not added to, so they do not count twice
        room = MATCHES_PER_RUN - self.held + len(self.matches[branch])
        limit, per_run = min(PARTIAL_MATCHES_PER_RULE, room), room < PARTIAL_MATCHES_PER_RULE
        for joined, step in enumerate(plan.positives, start=1):
            following = []
            for facts, bindings in partial:
                for entry in self._candidates(step, bindings):
                    extended = self._extend(step, entry[1], bindings)
                    if extended is not None:
                        following.append(((*facts, entry), extended))
                # checked per partial match extended: one adds at most one alpha memory's facts
                if len(following) > limit:
                    if per_run:
                        held = MATCHES_PER_RUN - room + len(following)
                        raise MatchBoundExceededError(branch, joined, held, MATCHES_PER_RUN, True)
                    raise MatchBoundExceededError(branch, joined, len(following), limit, False)
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
