"""The agenda's order: which activation experta fires next, and how a cancelled one is found.

experta takes the strategy from the engine class's ``__strategy__`` attribute; ours replaces
its ``DepthStrategy`` so that a run does not depend on set iteration order or miss a
cancellation (see :class:`TotalOrderStrategy`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from operator import attrgetter
from typing import Any

from .experta_compat import Strategy
from .experta_rules import PATTERN_PREFIX

_BY_KEY = attrgetter("key")
_ONE_BY_ONE = 16
"""Up to this many activations added at once are inserted one by one; more are sorted and
merged into the agenda in one pass (:func:`_merge`). Each insertion shifts the list, so adding
thousands one at a time (the first update of a large scenario) is quadratic."""


def order_key(rule: Any, fact_ids: Iterable[int]) -> tuple[Any, ...]:
    """An activation's place on the agenda: the last in this order fires first (see
    :class:`TotalOrderStrategy`); ``fact_ids`` are experta's ids of its matched facts, in
    pattern order."""
    return (
        rule.salience,
        -rule.synergy_rule_index,
        -rule.synergy_branch,
        tuple([-fact_id for fact_id in fact_ids]),
    )


class TotalOrderStrategy(Strategy):  # type: ignore[misc]
    """Fire activations in one total, deterministic order, and cancel them exactly.

    Order: higher salience first, then the rule written earlier in the KB, then the branch,
    then the activation whose matched facts are older (compared in pattern order). experta's
    own DepthStrategy breaks ties by set iteration order (different in every process) and looks
    for a cancelled activation in only three agenda slots, so one whose NOT became false can
    still fire (DESIGN §5). With a total key, bisect finds the exact slot.
    """

    @staticmethod
    def key(activation: Any) -> tuple[Any, ...]:
        """The order key of an activation from its context (experta's RETE gives no other way
        to its matched facts); the network's activations come with theirs."""
        context = activation.context
        matched = []
        index = 0
        while f"{PATTERN_PREFIX}{index}" in context:
            matched.append(context[f"{PATTERN_PREFIX}{index}"]["__factid__"])
            index += 1
        return order_key(activation.rule, matched)

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for activation in removed:
            if activation.key is None:
                activation.key = self.key(activation)
            low = bisect.bisect_left(activations, activation)
            high = bisect.bisect_right(activations, activation)
            for position in range(low, high):
                if activations[position] == activation:
                    del activations[position]
                    break
        for activation in added:
            if activation.key is None:
                activation.key = self.key(activation)
        if len(added) > _ONE_BY_ONE:
            # keys are unique (a rule, a branch and its facts), so the order is that of insort
            _merge(activations, sorted(added, key=_BY_KEY))
            return
        for activation in added:
            bisect.insort(activations, activation)


def _merge(activations: list[Any], added: list[Any]) -> None:
    """Put ``added`` (sorted, keys unique) into the sorted agenda ``activations``.

    Sorting the whole agenda again takes every waiting activation's key each time: a large run
    keeps about 200,000 waiting while conclusions add a few hundred at a time (5,000 synthetic
    rules x 10,000 facts spent a tenth of its run there). Here each added activation's place is
    found by bisection after the place of the one before, and the agenda is copied once in
    slices between those places. An empty agenda (the first update of a run, 210,000
    activations at 5,000 x 10,000) takes them as they are, and one smaller than what is added
    is sorted with it."""
    if not activations:  # the first update of a run: nothing to merge with
        activations.extend(added)
        return
    if len(activations) < len(added):
        activations.extend(added)
        activations.sort(key=_BY_KEY)
        return
    merged: list[Any] = []
    start = 0
    for activation in added:
        place = bisect.bisect_right(activations, activation.key, start, key=_BY_KEY)
        merged += activations[start:place]
        merged.append(activation)
        start = place
    merged += activations[start:]
    activations[:] = merged
