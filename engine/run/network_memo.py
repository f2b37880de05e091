"""What first declarations found, remembered by the facts' values from one run to the next:
which alpha tests each fact passes, and which branches had no match over which facts.

A process that advises scenario after scenario declares each one's input facts at once into
an empty working memory, and most of them are the two cultures' profile scores, the same in
every scenario on those cultures. That first declaration works out every branch the facts
touch, and about nine in ten find nothing. What a branch finds then depends on nothing but the
facts in the alpha memories it reads, in their order: a branch that had no match over some
contents has none over the same contents again, whatever ids the facts have this time. Only
"no match" is kept: a match carries this run's ids, facts and bound values, and the few found
are cheaper to work out again than to carry over.

Facts are told apart by type, field names and values *with the values' types*: ``1``, ``1.0``
and ``True`` are equal in Python but not to the rules, which compare numbers and refuse
booleans. Values of one type that are equal are treated alike by every test the network makes
(equality, order, membership of a set of constants). A fact with a value that cannot be hashed
is not remembered, nor is anything about the memories that hold it.

The memo belongs to one :class:`~.network_state.NetworkState` (one engine, one thread) and is
bounded: past :data:`MEMO_ENTRIES` entries it is emptied before the next first declaration, and
alpha memories of more than :data:`LARGEST_CONTENT` facts are not remembered (a branch reading
one is worked out as before).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .network import Fields, MatchNetwork

MEMO_ENTRIES = 50_000
"""Facts, memory contents and unmatched branches remembered at most: about 16 MB, reached after
some 320 shipped scenarios whose scores all differ (a batch worker's share of its memory)."""
LARGEST_CONTENT = 64
"""Alpha memories holding more facts than this are not remembered."""


_FACT_ID = "__factid__"  # experta's own field: this run's id, not a value
_NOT_KEPT = -1
"""The number of a fact that is not remembered (a value of it cannot be hashed)."""


class NoMatchMemo:
    """For one engine: which alpha tests facts pass, and which branches had no match over
    which contents of their alpha memories, each fact and content known by a number."""

    def __init__(self, network: MatchNetwork) -> None:
        self.network = network
        self.fact_numbers: dict[tuple[Any, ...], int] = {}
        self.accepted: dict[int, list[int]] = {}
        """By fact number: the alpha tests the fact passes."""
        self.content_numbers: dict[tuple[int, ...], int] = {}
        self.unmatched: set[tuple[int | None, ...]] = set()
        """``(branch, content number of each memory it reads)`` found with no match."""
        self.reads: list[tuple[int, ...] | None] = [None] * len(network.plans)
        self._numbers: dict[int, int] = {}
        """This declaration's facts by id: their numbers (or ``_NOT_KEPT``)."""
        self._contents: list[int | None] = []
        """This declaration's alpha memories by alpha id: their contents' numbers."""
        self._some_not_kept = False
        """Whether some of :attr:`_contents` is None (not remembered)."""

    def begin(self) -> None:
        """A first declaration starts: forget the last one's facts, and everything once the
        memo is full (numbers are handed out again from nothing, so all of it goes)."""
        held = len(self.fact_numbers) + len(self.content_numbers) + len(self.unmatched)
        if held > MEMO_ENTRIES:
            self.fact_numbers, self.accepted = {}, {}
            self.content_numbers, self.unmatched = {}, set()
        empty = self.content_numbers.setdefault((), len(self.content_numbers))
        self._numbers, self._contents = {}, [empty] * len(self.network.alphas)
        self._some_not_kept = False

    def accepting(self, fact_id: int, fact_type: str, fields: Fields) -> list[int]:
        """The alpha tests the fact passes (:meth:`.MatchNetwork.accepting`), remembered."""
        key = (
            fact_type,
            *[(name, value.__class__, value) for name, value in fields.items() if name != _FACT_ID],
        )
        try:
            number = self.fact_numbers.setdefault(key, len(self.fact_numbers))
        except TypeError:  # an unhashable value
            self._numbers[fact_id] = _NOT_KEPT
            return self.network.accepting(fact_type, fields)
        self._numbers[fact_id] = number
        found = self.accepted.get(number)
        if found is None:
            found = self.accepted[number] = self.network.accepting(fact_type, fields)
        return found

    def remembered(self, fresh: Mapping[int, Sequence[tuple[int, Fields]]]) -> None:
        """The declaration's facts are in the alpha memories (``fresh``: their facts by alpha
        id, all that those memories hold): number what each holds."""
        numbers, contents = self._numbers, self._contents
        known = self.content_numbers
        for alpha, entries in fresh.items():
            too_large = len(entries) > LARGEST_CONTENT
            content = () if too_large else tuple([numbers[fact_id] for fact_id, _ in entries])
            if too_large or _NOT_KEPT in content:
                contents[alpha] = None
                self._some_not_kept = True
            else:
                contents[alpha] = known.setdefault(content, len(known))

    def branch_key(self, branch: int) -> tuple[int | None, ...] | None:
        """What the branch's matches depend on, as numbers: None if some alpha memory it
        reads holds facts that are not remembered."""
        reads = self.reads[branch]
        if reads is None:
            reads = self.reads[branch] = self._reads(branch)
        key = (branch, *map(self._contents.__getitem__, reads))
        return None if self._some_not_kept and None in key else key

    def _reads(self, branch: int) -> tuple[int, ...]:
        """Every alpha memory the branch reads: positive patterns (or the initial fact for a
        branch without any), ``not`` and ``exists``."""
        network = self.network
        plan = network.plans[branch]
        return tuple(
            dict.fromkeys(
                (
                    *network.waiting_on[branch],
                    *(step.alpha for step in plan.negations),
                    *network.existence_reads[branch],
                )
            )
        )
