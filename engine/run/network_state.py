"""The running side of the match network: one engine's working memory and each branch's
current matches, kept apart from the network itself, which is shared and never changes.

Only the branches one of whose patterns (positive, ``not`` or ``exists``) accepts a changed
fact can change, and we report the difference: new matches are activations added, vanished
ones (a ``not`` now blocked, a fact retracted) are removed. A match that stays is not reported
again, which is experta's refraction. During a run facts are only added (conclusions are never
retracted), so most changes are worked out from the new facts alone: a new match must hold one
of them, and an old match can only be lost to a ``not`` one of them meets. A retraction, or a
new fact an ``exists`` reads (which partial matches it completes is not kept), has the branch
worked out again from every fact; ``tests/run/test_network_incremental.py`` holds both ways to
the same matches.

A branch may hold and build at most :data:`PARTIAL_MATCHES_PER_RULE` partial matches, and all
branches together at most :data:`MATCHES_PER_RUN` (:mod:`.network_bound` says why).
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping

from .network import NO_BINDINGS, Fields, MatchNetwork
from .network_bound import MatchBoundExceededError as MatchBoundExceededError  # noqa: PLC0414 - for the runner
from .network_bound import crossed
from .network_joins import Joins, Partial
from .network_joins import Match as Match  # noqa: PLC0414 - for the matcher and the tests
from .network_matchers import first_matcher
from .network_memo import NoMatchMemo

PARTIAL_MATCHES_PER_RULE = 200_000
"""Partial matches one rule branch may build while its matches are worked out (about 60 MB)."""
MATCHES_PER_RUN = 2_000_000
"""Matches all branches may hold at once, with the partial ones of the branch being worked out."""


class NetworkState(Joins):
    """The working memory of one engine: alpha memories and each branch's current matches.

    Facts are ``(id, fields)`` pairs with ids increasing in declaration order (experta's
    ``__factid__``); ``fields`` is any mapping, such as the experta fact itself.
    """

    def __init__(self, network: MatchNetwork) -> None:
        super().__init__(network)
        self.matches: list[dict[tuple[int, ...], Match]] = [{} for _ in network.plans]
        self._none_filled = [len(alphas) for alphas in network.waiting_on]
        self.missing = self._none_filled.copy()
        """For each branch, how many of the alpha memories its positive patterns read are
        empty: while any is, the branch has no match (most branches, in any one run)."""
        waited_by: list[list[int]] = [[] for _ in network.alphas]
        for branch, alphas in enumerate(network.waiting_on):
            for alpha_id in alphas:
                waited_by[alpha_id].append(branch)
        self.waited_by = waited_by
        """For each alpha memory, the branches it counts in :attr:`missing` for."""
        self.where: dict[int, list[int]] = {}
        """For each fact in memory, the alpha memories that hold it."""
        self.filled: list[int] = []
        """The alpha memories that have held a fact since the last reset (maybe twice)."""
        self.matched: set[int] = set()
        """The branches that have had matches since the last reset."""
        self.held = 0
        """Matches held by all branches together (for :data:`MATCHES_PER_RUN`)."""
        self.memo = NoMatchMemo(network)
        """What first declarations found, by the facts' values (:mod:`.network_memo`)."""

    def reset(self) -> None:
        """Forget every fact, clearing only what holds something: most of the network is
        untouched by any one scenario (copying every branch's count of empty memories costs
        less than counting up again for those, which many branches read)."""
        for alpha_id in self.filled:
            memory = self.memories[alpha_id]
            memory.facts = []
            if memory.index:
                memory.index = {name: {} for name in memory.index}
        self.missing = self._none_filled.copy()
        for branch in self.matched:
            self.matches[branch] = {}
        self.where = {}
        self.filled = []
        self.matched = set()
        self.held = 0

    def changes(
        self,
        added: Iterable[tuple[int, str, Fields]],
        removed: Iterable[tuple[int, str, Fields]] = (),
    ) -> tuple[list[Match], list[Match]]:
        """Facts ``(id, type, fields)`` added and removed; returns matches gained and lost."""
        readers = self.network.readers
        recompute: set[int] = set()
        for fact_id, _, _ in removed:
            for alpha_id in self.where.pop(fact_id, ()):
                self._forget(alpha_id, fact_id)
                recompute.update(readers[alpha_id])
        # into an empty memory (a run's first declaration), what the memo knows applies
        memo = None if self.where or self.matched else self.memo
        fresh, touched = self._enter(added, memo)
        gained: list[Match] = []
        lost: list[Match] = []
        fresh_ids = {entry[0] for entries in fresh.values() for entry in entries}
        network, matches, missing = self.network, self.matches, self.missing
        plans, existence_reads = network.plans, network.existence_reads
        # any order: the agenda orders activations totally
        for branch in touched | recompute if recompute else touched:
            # most touched branches have no match and still lack a fact for some pattern
            if missing[branch] and not matches[branch]:
                continue
            key = None  # unless less room is left than a branch may use: the bound could stop it
            if memo is not None and self.held <= MATCHES_PER_RUN - PARTIAL_MATCHES_PER_RULE:
                key = memo.branch_key(branch)
                if key in memo.unmatched:
                    continue  # no match over these very facts before
            if memo is not None:
                self._first_matches(branch, gained)
            elif (
                branch in recompute
                or not plans[branch].positives
                or any(alpha in fresh for alpha in existence_reads[branch])
            ):
                self._recompute(branch, gained, lost)
            else:
                self._add(branch, fresh, fresh_ids, gained, lost)
            if key is not None and not matches[branch]:
                self.memo.unmatched.add(key)
        return gained, lost

    def _enter(
        self, added: Iterable[tuple[int, str, Fields]], memo: NoMatchMemo | None
    ) -> tuple[dict[int, list[tuple[int, Fields]]], set[int]]:
        """Put new facts in the alpha memories they pass; returns them by alpha memory, and
        the branches that read those memories."""
        if memo is not None:
            memo.begin()
        accepting, readers = self.network.accepting, self.network.readers
        fresh: dict[int, list[tuple[int, Fields]]] = {}
        touched: set[int] = set()
        for fact in added:
            fact_id, fact_type, fields = fact
            found = accepting(fact_type, fields) if memo is None else memo.accepting(*fact)
            if found:
                self.where[fact_id] = found
                entry = (fact_id, fields)
                for alpha_id in found:
                    self._remember(alpha_id, entry)
                    fresh.setdefault(alpha_id, []).append(entry)
                    touched.update(readers[alpha_id])
        if memo is not None:
            memo.remembered(fresh)
        return fresh, touched

    def _first_matches(self, branch: int, gained: list[Match]) -> None:
        """The branch's matches when the working memory was empty before this declaration
        (every run's first): all are new and made of the declared facts alone, so the
        branch's matches are all its facts' combinations, found in one pass without the
        bookkeeping of what was there before (:meth:`_add`, :meth:`_recompute`)."""
        if self._all_at_once(branch, gained):
            return
        # the general path, which also says which bound a branch crossed
        new = self._matches(branch, -1, {}, set(), 0)
        if new:
            gained += new.values()
            self.matches[branch] = new
            self.held += len(new)
            self.matched.add(branch)

    def _all_at_once(self, branch: int, gained: list[Match]) -> bool:
        """Find the branch's matches, every one of them new, with its own function
        (:mod:`.network_matchers`); False, having done nothing, if it has none or refuses
        (past the bound on matches)."""
        matcher = first_matcher(self.network, branch)
        if matcher is None:
            return False
        new = matcher(self.memories, min(PARTIAL_MATCHES_PER_RULE, MATCHES_PER_RUN - self.held))
        if new is None:
            return False
        if new:
            gained += new.values()
            self.matches[branch] = new
            self.held += len(new)
            self.matched.add(branch)
        return True

    def _recompute(self, branch: int, gained: list[Match], lost: list[Match]) -> None:
        """Work the branch's matches out again from every fact: after a retraction, for a
        branch with no positive pattern, or when a new fact meets an ``exists`` (which
        partial matches it completes was not kept)."""
        old = self.matches[branch]
        ready = not self.missing[branch]  # every positive pattern has some fact to match
        new = self._matches(branch, -1, {}, set(), len(old)) if ready else {}
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

    def _add(
        self,
        branch: int,
        fresh: Mapping[int, list[tuple[int, Fields]]],
        fresh_ids: set[int],
        gained: list[Match],
        lost: list[Match],
    ) -> None:
        """Facts were only added, and none meets an ``exists`` of the branch: a match it had
        can only be lost to a ``not`` that a new fact meets, and a new match holds a new
        fact. Each new match is found once, from the first pattern that holds a new fact
        (the patterns before that one take only facts that were there already)."""
        plan = self.network.plans[branch]
        matches = self.matches[branch]
        blocking = [step for step in plan.negations if step.alpha in fresh] if matches else []
        if blocking:
            for key, match in list(matches.items()):
                if any(
                    self._extend(step, fields, match.bindings) is not None
                    for step in blocking
                    for _, fields in fresh[step.alpha]
                ):
                    lost.append(matches.pop(key))
                    self.held -= 1
        if self.missing[branch]:
            return
        memories = self.memories
        # a positive pattern whose memory holds only new facts had none before, so the branch
        # had no match and each it has now is new (a later finding, the first a rule reads)
        if not matches:
            for step in plan.positives:
                entries = fresh.get(step.alpha)
                if entries and len(entries) == len(memories[step.alpha].facts):
                    if self._all_at_once(branch, gained):
                        return
                    break
        for position, step in enumerate(plan.positives):
            entries = fresh.get(step.alpha)
            if not entries:
                continue
            new = self._matches(branch, position, fresh, fresh_ids, 0)
            gained += new.values()
            matches.update(new)
            self.held += len(new)
            if len(entries) == len(memories[step.alpha].facts):
                break  # no old fact for this pattern: no later pattern can hold the first new one
        if matches:
            self.matched.add(branch)

    def _remember(self, alpha_id: int, entry: tuple[int, Fields]) -> None:
        memory = self.memories[alpha_id]
        if not memory.facts:
            self.filled.append(alpha_id)
            for branch in self.waited_by[alpha_id]:
                self.missing[branch] -= 1
        memory.facts.append(entry)
        if memory.index:  # most memories are joined on no field
            fields = entry[1]
            for name, index in memory.index.items():
                with contextlib.suppress(TypeError):
                    index.setdefault(fields[name], []).append(entry)

    def _forget(self, alpha_id: int, fact_id: int) -> None:
        memory = self.memories[alpha_id]
        memory.facts = [entry for entry in memory.facts if entry[0] != fact_id]
        if not memory.facts:
            for branch in self.waited_by[alpha_id]:
                self.missing[branch] += 1
        for index in memory.index.values():
            for value, entries in list(index.items()):
                index[value] = [entry for entry in entries if entry[0] != fact_id]

    # -- evaluation

    def _matches(
        self,
        branch: int,
        fresh_at: int,
        fresh: Mapping[int, list[tuple[int, Fields]]],
        fresh_ids: set[int],
        replaced: int,
    ) -> dict[tuple[int, ...], Match]:
        """The branch's matches whose first new fact (one in ``fresh_ids``, also listed by
        alpha memory in ``fresh``) is at positive pattern ``fresh_at``; all of them when
        ``fresh_at`` is -1. They take the place of ``replaced`` of the branch's matches."""
        plan = self.network.plans[branch]
        # the matches the branch keeps still count, against both bounds; replaced ones do not
        kept = len(self.matches[branch]) - replaced
        room = MATCHES_PER_RUN - self.held + replaced
        limit = min(PARTIAL_MATCHES_PER_RULE - kept, room)
        extend = self._extend
        partial: list[Partial] = [((), NO_BINDINGS)]
        for position, step in enumerate(plan.positives):
            following = []
            old_only = position < fresh_at
            every = fresh[step.alpha] if position == fresh_at else self.memories[step.alpha].facts
            looked_up = position != fresh_at and step.index_field is not None
            if step.constant and old_only:
                every = [entry for entry in every if entry[0] not in fresh_ids]
            only_join = None if old_only else step.only_join
            for entries, bindings in partial:
                if step.constant:
                    following += [((*entries, entry), bindings) for entry in every]
                elif only_join is not None:  # what _extend does, for the commonest join
                    name, value = only_join[0], bindings[only_join[1]]
                    candidates = self._candidates(step, bindings) if looked_up else every
                    following += [
                        ((*entries, entry), bindings)
                        for entry in candidates
                        if value == entry[1][name]
                    ]
                else:
                    candidates = self._candidates(step, bindings) if looked_up else every
                    for entry in candidates:
                        if old_only and entry[0] in fresh_ids:
                            continue
                        extended = extend(step, entry[1], bindings)
                        if extended is not None:
                            following.append(((*entries, entry), extended))
                # checked per partial match extended: one adds at most one alpha memory's facts
                if len(following) > limit:
                    limits = (PARTIAL_MATCHES_PER_RULE, MATCHES_PER_RUN)
                    raise crossed(
                        branch, position + 1, len(following), kept=kept, room=room, limits=limits
                    )
            partial = following
            if not partial:
                return {}
        return self._complete(branch, partial)
