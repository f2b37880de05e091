"""Each branch plan turned, on its first use, into one plain function that finds all of the
branch's matches from its alpha memories: at a first declaration, and for a branch whose
positive pattern had an empty memory until a later fact came (every match it has is new).

A first declaration works out every branch its facts reach (about a thousand at 5,000
synthetic rules x 100 facts, each with a match or two), and the general join
(:meth:`.network_state.NetworkState._matches`, then :meth:`.network_joins.Joins._complete`)
reads the plan's steps again for each one: which kind of step, which memory, which fields,
whether a ``not`` shares a variable. Those answers never change, so they are read once here,
from the plan alone (never from KB text), into closures: one per positive pattern, joined in
the same order as the general path, and one per branch that chains them. The kinds of step
are those of :class:`.network.Step`: a pattern of constants (every fact of its memory fits),
one equality with a bound variable (looked up in the memory's value index), fields bound to
new variables and compared (a gap between two scores), or anything else (bind, join and
compare through :func:`~.network_joins.extended`, the general path's own test). Branches
whose ``not`` shares a variable, or with an ``exists``, a comparison left over or no
positive pattern, get no function and go the general way.

A function refuses (returns None) when its memories hold more combinations than the match
bound allows, so the general path, which names the bound crossed, takes those; below it the
two find the same matches, in the same order, with the same bindings
(``tests/run/test_network_matchers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .network import NO_BINDINGS, BranchPlan, Fields, MatchNetwork, Step
from .network_joins import AlphaMemory, Match, extended, new_match

Entry = tuple[int, Fields]
Joined = tuple[tuple[int, ...], tuple[Any, ...], Any]
"""A partial match as the functions build it: the fact ids, the facts, the bindings."""
Join = Callable[[Sequence[AlphaMemory], list[Joined]], list[Joined]]
FirstMatcher = Callable[[Sequence[AlphaMemory], int], "dict[tuple[int, ...], Match] | None"]
"""All of a branch's matches from the memories, or None past ``limit`` combinations."""


def first_matcher(network: MatchNetwork, branch: int) -> FirstMatcher | None:
    """The branch's function, made the first time it is asked for (None: the general path)."""
    made = network.first_matchers
    if branch in made:
        known: FirstMatcher | None = made[branch]
        return known
    matcher = made[branch] = _matcher(branch, network.plans[branch], network.step_joins)
    return matcher


def _matcher(branch: int, plan: BranchPlan, joins_made: dict[int, Join]) -> FirstMatcher | None:
    # made for each branch a run reaches first, so in plain loops: a first run pays for them
    positives = plan.positives
    if not positives or plan.existence or plan.leftover:
        return None
    unless = []
    for step in plan.negations:
        if not step.constant:
            return None
        unless.append(step.alpha)
    if len(positives) == 1 and positives[0].constant:
        return _one_constant(branch, positives[0].alpha, tuple(unless))
    read = []
    joins = []
    for step in positives:  # steps recur among branches: each is made into a join once
        read.append(step.alpha)
        join = joins_made.get(id(step))
        if join is None:
            join = joins_made[id(step)] = _join(step)
        joins.append(join)
    return _joined(branch, tuple(read), tuple(unless), tuple(joins))


def _joined(
    branch: int, read: tuple[int, ...], unless: tuple[int, ...], joins: tuple[Join, ...]
) -> FirstMatcher:
    def matches(memories: Sequence[AlphaMemory], limit: int) -> dict[tuple[int, ...], Match] | None:
        """Every combination the joins let through, unless a ``not``'s memory holds a fact."""
        combinations = 1
        for alpha in read:
            combinations *= len(memories[alpha].facts)
        if combinations > limit:
            return None
        for alpha in unless:
            if memories[alpha].facts:
                return {}
        partial: list[Joined] = [((), (), NO_BINDINGS)]
        for join in joins:
            partial = join(memories, partial)
            if not partial:
                return {}
        return {
            ids: new_match(Match, (branch, ids, facts, bindings))
            for ids, facts, bindings in partial
        }

    return matches


def _one_constant(branch: int, alpha: int, unless: tuple[int, ...]) -> FirstMatcher:
    def matches(memories: Sequence[AlphaMemory], limit: int) -> dict[tuple[int, ...], Match] | None:
        """One pattern of constants (most branches): one match for each fact of its memory."""
        facts = memories[alpha].facts
        if len(facts) > limit:
            return None
        for other in unless:
            if memories[other].facts:
                return {}
        return {
            (fact_id,): new_match(Match, (branch, (fact_id,), (fields,), NO_BINDINGS))
            for fact_id, fields in facts
        }

    return matches


def _join(step: Step) -> Join:
    alpha = step.alpha
    if step.constant:

        def every_fact(memories: Sequence[AlphaMemory], partial: list[Joined]) -> list[Joined]:
            """A pattern of constants: each of its facts extends each partial match."""
            facts = memories[alpha].facts
            return [
                ((*ids, fact_id), (*matched, fields), bindings)
                for ids, matched, bindings in partial
                for fact_id, fields in facts
            ]

        return every_fact
    if step.only_join is not None:
        name, variable = step.only_join

        def equal_value(memories: Sequence[AlphaMemory], partial: list[Joined]) -> list[Joined]:
            """One field equal to a bound variable: the facts filed under its value."""
            memory = memories[alpha]
            following: list[Joined] = []
            for ids, matched, bindings in partial:
                value = bindings[variable]
                candidates: Sequence[Entry]
                try:
                    candidates = memory.index[name].get(value, ())
                except TypeError:  # unhashable: compared one by one, as the general path does
                    candidates = [entry for entry in memory.facts if entry[1][name] == value]
                following += [
                    ((*ids, fact_id), (*matched, fields), bindings)
                    for fact_id, fields in candidates
                    if value == fields[name]
                ]
            return following

        return equal_value
    if step.binds and not (step.joins_before or step.joins_after):
        return _bind_and_compare(step)
    indexed = step.index_field

    def extend_each(memories: Sequence[AlphaMemory], partial: list[Joined]) -> list[Joined]:
        """Anything else: each candidate fact bound, joined and compared as the general path
        does (candidates by value when a field must equal an earlier variable)."""
        memory = memories[alpha]
        following: list[Joined] = []
        for ids, matched, bindings in partial:
            candidates: Sequence[Entry] = memory.facts
            if indexed is not None:
                value = bindings[indexed[1]]
                try:
                    candidates = memory.index[indexed[0]].get(value, ())
                except TypeError:
                    candidates = [entry for entry in memory.facts if entry[1][indexed[0]] == value]
            for fact_id, fields in candidates:
                grown = extended(step, fields, bindings)
                if grown is not None:
                    following.append(((*ids, fact_id), (*matched, fields), grown))
        return following

    return extend_each


def _bind_and_compare(step: Step) -> Join:
    alpha, binds, comparisons = step.alpha, step.binds, step.comparisons

    def bind_each(memories: Sequence[AlphaMemory], partial: list[Joined]) -> list[Joined]:
        """Fields bound to new variables, then compared (a gap between two scores): what
        :func:`~.network_joins.extended` does for such a step, without its joins."""
        facts = memories[alpha].facts
        following: list[Joined] = []
        for ids, matched, bindings in partial:
            for fact_id, fields in facts:
                grown = dict(bindings)
                for name, variable in binds:
                    grown[variable] = fields[name]
                for comparison in comparisons:
                    if not comparison.holds(grown):
                        break
                else:
                    following.append(((*ids, fact_id), (*matched, fields), grown))
        return following

    return bind_each
