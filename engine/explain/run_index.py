"""One run's facts by id, firings by number, and the facts each firing matched: made once per
report and handed to every part of explain that reads the run.

Each part (support, certainties, grounds, pairs, HOW trees, caveats, citations) used to index
the run again for itself and to work out again, at every firing it read, which facts the firing
matched; a report reads each firing several times over, so the index is made once instead.
"""

from __future__ import annotations

from ..schemas.facts import FactRecord
from ..schemas.results import Firing, RunResult


class RunIndex:
    """Look-ups into one run, made once."""

    __slots__ = ("concluded", "facts", "firings", "matched", "matched_facts", "run", "stated")

    def __init__(self, run: RunResult) -> None:
        self.run = run
        self.facts: dict[int, FactRecord] = {}
        self.concluded: dict[int, tuple[int, ...]] = {}
        """By fact id, in the run's order: the firings that concluded each fact rules made."""
        self.stated: list[FactRecord] = []
        """The facts neither a rule nor a profile made (the scenario's, the calendar's,
        people's positions), in the run's order: what the report says about this case rests
        on these, and most of a run's facts are profile scores, which several parts skip."""
        facts = self.facts
        # one pass sorts the facts for every part that reads only some kinds of them
        for fact in run.facts:
            facts[fact.id] = fact
            origin = fact.origin
            if origin.kind == "rule":
                self.concluded[fact.id] = origin.firings
            elif origin.kind != "profile":
                self.stated.append(fact)
        self.firings: dict[int, Firing] = {firing.number: firing for firing in run.firings}
        self.matched: dict[int, tuple[int, ...]] = {}
        """By firing number: the ids of the facts it matched, then those that satisfied its
        'exists' conditions, each once (a fact can meet two conditions of one firing, such as a
        rule's role guard and its own test of the relationship)."""
        self.matched_facts: dict[int, tuple[FactRecord, ...]] = {}
        """The same as fact records."""
        for firing in run.firings:
            used = tuple(dict.fromkeys((*firing.facts, *firing.witnesses)))
            self.matched[firing.number] = used
            self.matched_facts[firing.number] = tuple([facts[fact_id] for fact_id in used])

    @classmethod
    def of(cls, run: RunResult, index: RunIndex | None) -> RunIndex:
        """``index`` when the caller has one for this run, else a new one."""
        return index if index is not None and index.run is run else cls(run)
