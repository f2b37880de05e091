"""Which cultures a conclusion compares: the pair (or more) of sides it is about.

No rule declares its pair; it is read off the support. From a finding, walk down through the
firings that concluded it, the facts they matched, the findings among those and the firings
behind them, and collect every culture, score and score-spread fact met on the way. Each such
fact belongs to a side (``home``, ``counterpart`` or a party's kind, such as ``their_parent``)
and a country, so a finding resting on our profile and the parent's names us and the parent,
and one resting on what the scenario observes alone names nobody.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..schemas.facts import SIDES, FactRecord, RuleOrigin
from ..schemas.report import CultureSide
from ..schemas.results import RunResult
from .made import made
from .support import SupportFinder

Side = tuple[str, str]
"""A side and the country of its culture, such as ``("their_parent", "DE")``."""

_SIDE_ORDER = {side: position for position, side in enumerate(SIDES)}
_NAMED_BY_COUNTRY_ALONE = frozenset({"home", "counterpart"})


def _side_of(fact: FactRecord) -> Side | None:
    if fact.type == "culture":
        return str(fact.fields["side"]), str(fact.fields["country"])
    if fact.type in ("score", "national_score", "score_spread") and fact.origin.kind == "profile":
        # Two parties of one kind may have different cultures: the profile says whose it is.
        return str(fact.fields["side"]), fact.origin.country
    return None


class PairFinder:
    """Answers, for any finding of one run, the sides its support rests on."""

    def __init__(
        self,
        run: RunResult,
        country_name: Callable[[str], str],
        support: SupportFinder | None = None,
    ) -> None:
        """``support``: the run's support finder, when the caller has one already (it keeps
        what it found under each firing)."""
        self._country_name = country_name
        self._support = support or SupportFinder(run)
        self._facts = self._support.index.facts
        self._answers: dict[int, tuple[Side, ...]] = {}
        self._under: dict[int, frozenset[Side]] = {}
        self._ordered: dict[frozenset[Side], tuple[Side, ...]] = {}
        self._shown: dict[tuple[Side, ...], tuple[CultureSide, ...]] = {}

    def sides(self, fact_id: int) -> tuple[Side, ...]:
        """The sides under ``fact_id``, ours first, then theirs, then other parties."""
        found = self._answers.get(fact_id)
        if found is None:
            collected = frozenset(self._collect(fact_id))
            # most findings of a run are between the same sides: ordered once for all of them
            found = self._ordered.get(collected)
            if found is None:
                found = self._ordered[collected] = _ordered(collected)
            self._answers[fact_id] = found
        return found

    def between(self, fact_id: int) -> tuple[CultureSide, ...]:
        """The sides under ``fact_id`` as the report shows them, with the countries' names."""
        sides = self.sides(fact_id)
        shown = self._shown.get(sides)
        if shown is None:
            # most findings of a run are between the same two sides: made once for all of them
            shown = self._shown[sides] = tuple(
                made(CultureSide, side=side, country=code, name=self._country_name(code))
                for side, code in sides
            )
        return shown

    def _collect(self, start: int) -> set[Side]:
        # Only facts no rule concluded belong to a side: those under the firings that
        # concluded the finding (a finding concluded again by a firing that used it is
        # walked once).
        fact = self._facts[start]
        if not isinstance(fact.origin, RuleOrigin):
            side = _side_of(fact)
            return set() if side is None else {side}
        found: set[Side] = set()
        for number in fact.origin.firings:
            found |= self._support.kept_under(number, _side_of, self._under)
        return found


def _ordered(sides: Iterable[Side]) -> tuple[Side, ...]:
    return tuple(sorted(sides, key=lambda side: (_SIDE_ORDER.get(side[0], len(SIDES)), side)))


def describe_between(between: Iterable[CultureSide]) -> str:
    """A short line for reports: ``Between: United States ↔ Germany (their parent)``, or
    ``Culture: Japan`` for a finding about one side only; empty for none.

    Our culture and theirs go by the country's name alone; any other party says what it is.
    """
    labels = []
    for member in between:
        kind = "" if member.side in _NAMED_BY_COUNTRY_ALONE else member.side.replace("_", " ")
        labels.append(f"{member.name} ({kind})" if kind else member.name)
    if not labels:
        return ""
    return ("Between: " if len(labels) > 1 else "Culture: ") + " ↔ ".join(labels)
