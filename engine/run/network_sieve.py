"""Where the match network sends a fact: the sieve that narrows a fact type's alpha tests to
the few whose constants the fact's values allow.

A fact used to meet every test on one field's value (about 45 per fact on the shipped KB); the
sieve files tests under each value they allow, field after field (a score's by dimension, then
by side), and a fact meets 3.7 on average. It only narrows: the network still checks each
candidate whole, so the sieve decides speed, never a result.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .network import AlphaTest, Fields


@dataclass(frozen=True)
class Sieve:
    """Alpha tests sorted by the values they require, so that a fact meets only a few.

    ``tests`` are tried on every fact that reaches this node. Tests that require one value of
    ``key`` (``equals``, or ``one_of``: filed under each of its values) sit in ``by_value``
    under it, so one lookup skips all the others; ``rest``, the tests that do not, are sorted
    again on another field. A test names every field it reads in ``required``, so a fact
    without ``key`` can pass none of the filed ones. The sieve only narrows: every candidate
    is still checked whole by :meth:`AlphaTest.accepts`.
    """

    tests: tuple[int, ...] = ()
    key: str | None = None
    by_value: Mapping[Any, Sieve] = field(default_factory=dict)
    rest: Sieve | None = None

    def candidates(self, fields: Fields) -> list[int]:
        found: list[int] = []
        sieve: Sieve | None = self
        while sieve is not None:
            found += sieve.tests
            key = sieve.key
            if key is not None and key in fields:
                try:
                    filed = sieve.by_value.get(fields[key])
                except TypeError:  # an unhashable value can equal none of the constants
                    filed = None
                if filed is not None:
                    found += filed.candidates(fields)
            sieve = sieve.rest
        return found


def sieves(alphas: Sequence[AlphaTest]) -> dict[str, Sieve]:
    """Per fact type, the sieve of its alpha tests (a score's tests filed by dimension, then
    by side; a finding's by name)."""
    by_type: dict[str, list[int]] = {}
    for alpha_id, alpha in enumerate(alphas):
        by_type.setdefault(alpha.fact_type, []).append(alpha_id)
    filing = [_filing_values(alpha) for alpha in alphas]
    return {fact_type: _sieve(filing, ids, frozenset()) for fact_type, ids in by_type.items()}


_FEW = 3
"""Tests that are simply tried one after the other: filing them would save nothing."""


def _filing_values(alpha: AlphaTest) -> dict[str, frozenset[Any]]:
    """For each field whose values ``alpha`` names a finite set of, that set."""
    found: dict[str, frozenset[Any]] = {}
    for name, operator, operand in alpha.checks:
        if name not in found and operator in ("equals", "one_of"):
            values = frozenset((operand,)) if operator == "equals" else operand
            try:
                hash(values)
            except TypeError:  # a list in an equals: no fact value can be looked up as it
                continue
            found[name] = frozenset(values)
    return found


def _sieve(
    filing: Sequence[Mapping[str, frozenset[Any]]], ids: Sequence[int], used: frozenset[str]
) -> Sieve:
    """Files ``ids`` on the field that leaves a fact the fewest tests to try at worst (the
    tests filed under its most crowded value, plus those not filed), then each group again
    on the fields left."""
    if len(ids) <= _FEW:
        return Sieve(tests=tuple(ids))
    names = sorted({name for alpha_id in ids for name in filing[alpha_id]} - used)
    best: tuple[int, str, dict[Any, list[int]], list[int]] | None = None
    for name in names:
        filed: dict[Any, list[int]] = {}
        unfiled: list[int] = []
        for alpha_id in ids:
            values = filing[alpha_id].get(name)
            if values is None:
                unfiled.append(alpha_id)
                continue
            for value in values:
                filed.setdefault(value, []).append(alpha_id)
        worst = len(unfiled) + max(len(group) for group in filed.values())
        if best is None or worst < best[0]:
            best = (worst, name, filed, unfiled)
    if best is None or best[0] >= len(ids):
        return Sieve(tests=tuple(ids))
    _, name, filed, unfiled = best
    narrower = used | {name}
    return Sieve(
        key=name,
        by_value={value: _sieve(filing, group, narrower) for value, group in filed.items()},
        rest=_sieve(filing, unfiled, narrower) if unfiled else None,
    )
