"""Answers a report reads that depend on the knowledge base alone, worked out once for each
knowledge base and forgotten with it.

A warm process explains run after run on one knowledge base, and each report cited the same
sources and asked the same questions of the same rules again. The memo is keyed by the knowledge
base's identity (a knowledge base holds mappings, so it cannot be hashed) and dropped when the
knowledge base is, so it never outlives what it describes nor grows with the runs.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from ..schemas.facts import FactRecord
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.note_hints import PhraseHint
from ..schemas.report import HowNode, SourceReference


@dataclass(slots=True)
class KnowledgeBaseMemo:
    """What has been worked out so far for one knowledge base, by source or rule id."""

    references: dict[str, SourceReference] = field(default_factory=dict)
    reads_relationship: dict[str, bool] = field(default_factory=dict)
    for_our_role: dict[str, bool] = field(default_factory=dict)
    measured: dict[str, tuple[int, int]] = field(default_factory=dict)
    """(measured scores, scores of any kind) by country: see ``caveats.measured``."""
    enough_measured: list[int] = field(default_factory=list)
    """Empty until worked out, then the one number ``caveats.enough_measured`` gives."""
    profile_gaps: dict[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)
    advice_sources: dict[tuple[str, tuple[str, ...]], tuple[SourceReference, ...]] = field(
        default_factory=dict
    )
    """By advice id and the rules of its evidence: the sources its recommendation cites."""
    profile_nodes: dict[int, tuple[FactRecord, HowNode]] = field(default_factory=dict)
    """By the identity of a profile fact's record, kept with it so that the identity is not
    reused while the entry lasts: the fact's HOW node. Runs share a profile's records
    (``run.input_facts`` keeps them between scenarios), so each is described once."""
    profile_grounds: dict[int, tuple[FactRecord, int]] = field(default_factory=dict)
    """The same for the kinds of ground (``grounds``' bits) a profile fact is by itself."""
    note_hint_rows: tuple[PhraseHint, ...] | None = None
    """The note-hint table's rows, without their file locations (``note_hints.note_hint_table``)."""


PROFILE_RECORDS_KEPT = 50_000
"""At most this many profile facts' answers kept in each by-record table of a memo (the shipped
scenarios make about 4,000; input facts keep at most 4 records of each profile fact)."""

Answer = TypeVar("Answer")


def by_record(
    kept: dict[int, tuple[FactRecord, Answer]],
    fact: FactRecord,
    work_out: Callable[[FactRecord], Answer],
) -> Answer:
    """What ``work_out`` gives for a profile fact's record, worked out once while the record
    is kept (by its identity, with the record itself so the identity is not reused). Runs
    share a profile's records (``run.input_facts``), and the answer depends on the record
    alone. A full table is emptied rather than let grow with the runs."""
    found = kept.get(id(fact))
    if found is not None and found[0] is fact:
        return found[1]
    answer = work_out(fact)
    if len(kept) >= PROFILE_RECORDS_KEPT:
        kept.clear()
    kept[id(fact)] = (fact, answer)
    return answer


_MEMOS: dict[int, tuple[weakref.ref[KnowledgeBase], KnowledgeBaseMemo]] = {}
# reentrant: a knowledge base collected while the lock is held forgets itself in this thread
_LOCK = threading.RLock()


def memo_of(knowledge_base: KnowledgeBase) -> KnowledgeBaseMemo:
    """The memo of this knowledge base (a new, empty one the first time it is asked for)."""
    key = id(knowledge_base)
    entry = _MEMOS.get(key)
    if entry is not None and entry[0]() is knowledge_base:
        return entry[1]
    with _LOCK:
        entry = _MEMOS.get(key)
        if entry is None or entry[0]() is not knowledge_base:
            entry = (weakref.ref(knowledge_base, _forget(key)), KnowledgeBaseMemo())
            _MEMOS[key] = entry
        return entry[1]


def _forget(key: int) -> Callable[[weakref.ref[KnowledgeBase]], None]:
    def forget(reference: weakref.ref[KnowledgeBase]) -> None:
        # only this knowledge base's entry: its id may already name a newer one's
        with _LOCK:
            entry = _MEMOS.get(key)
            if entry is not None and entry[0] is reference:
                del _MEMOS[key]

    return forget
