"""Which conditions of a rule branch hold on a run's final facts, without putting them in words.

Why-not and ``kb coverage`` ask the same question of a branch: of the ways its patterns can be
matched, take the first that satisfies the longest prefix of its conditions (in the author's
order), then check each condition after the first failure on its own. Why-not then describes
every condition; coverage only needs to know which ones failed, for every rule on every example
scenario, so the search here builds no text and finds facts through an index.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.matching import bind, pattern_accepts
from ..schemas.conditions import Atom
from ..schemas.facts import FactRecord, Scalar
from ..schemas.rules import Pattern

MAX_CANDIDATES = 64
"""Facts tried per pattern when looking for the longest satisfied prefix: enough for every
rule of the shipped KB, and a bound on the combinations a broad pattern can make."""


class FactIndex:
    """A run's final facts, found by type and by any field a pattern requires a value of."""

    def __init__(self, facts: Sequence[FactRecord]) -> None:
        self.by_type: dict[str, list[FactRecord]] = {}
        for fact in facts:
            self.by_type.setdefault(fact.type, []).append(fact)
        self._by_value: dict[tuple[str, str], dict[Scalar, list[FactRecord]]] = {}

    def candidates(self, pattern: Pattern) -> list[FactRecord]:
        """The facts that can meet the pattern, in the run's order: those of its type, or, when
        it requires a field to equal a value (a side, a dimension, a finding's name), only those
        with that value, which is the same list filtered without looking at every fact."""
        fact_type = pattern.fact_type
        for field, test in pattern.tests.items():
            if test.equals is not None:
                return self._with_value(fact_type, field).get(test.equals, [])
        return self.by_type.get(fact_type, [])

    def _with_value(self, fact_type: str, field: str) -> dict[Scalar, list[FactRecord]]:
        key = (fact_type, field)
        if key not in self._by_value:
            groups: dict[Scalar, list[FactRecord]] = {}
            for fact in self.by_type.get(fact_type, ()):
                if field in fact.fields:
                    groups.setdefault(fact.fields[field], []).append(fact)
            self._by_value[key] = groups
        return self._by_value[key]

    def matches(self, pattern: Pattern, bindings: Mapping[str, Any]) -> list[FactRecord]:
        """The first :data:`MAX_CANDIDATES` facts that meet the pattern, in the run's order."""
        found = []
        for fact in self.candidates(pattern):
            if pattern_accepts(pattern, fact.type, fact.fields, bindings):
                found.append(fact)
                if len(found) == MAX_CANDIDATES:
                    break
        return found

    def first(self, pattern: Pattern, bindings: Mapping[str, Any]) -> FactRecord | None:
        for fact in self.candidates(pattern):
            if pattern_accepts(pattern, fact.type, fact.fields, bindings):
                return fact
        return None


@dataclass(frozen=True, slots=True)
class Step:
    """One condition checked: whether it held, the variables bound when it was checked (what
    its description must show), and the facts that met it or, for a negation, blocked it."""

    atom: Atom
    held: bool
    bindings: Mapping[str, Any]
    facts: tuple[FactRecord, ...] = ()


def best_steps(index: FactIndex, atoms: Sequence[Atom]) -> list[Step]:
    """One step per condition: the way of matching that satisfies the longest prefix (the
    first such way in fact order), then each condition after its first failure on its own."""
    best: tuple[Step, ...] = ()
    best_held = -1
    for path in _explore(index, atoms, 0, {}, ()):
        held = len(path) if not path or path[-1].held else len(path) - 1
        if held > best_held:
            best, best_held = path, held
            if held == len(atoms):
                break
    if best and not best[-1].held:
        return [*best, *_rest(index, atoms, len(best), best[-1].bindings)]
    return list(best)


def _explore(
    index: FactIndex,
    atoms: Sequence[Atom],
    position: int,
    bindings: Mapping[str, Any],
    path: tuple[Step, ...],
) -> Iterator[tuple[Step, ...]]:
    """Every way of matching, depth first: the steps up to the first failure, or all of them."""
    if position == len(atoms):
        yield path
        return
    atom = atoms[position]
    if atom.kind != "pattern":
        step = _single(index, atom, bindings)
        if step.held:
            yield from _explore(index, atoms, position + 1, bindings, (*path, step))
        else:
            yield (*path, step)
        return
    pattern = atom.patterns[0]
    found = index.matches(pattern, bindings)
    if not found:
        yield (*path, Step(atom, False, bindings))
        return
    for fact in found:
        step = Step(atom, True, bindings, (fact,))
        yield from _explore(
            index, atoms, position + 1, bind(pattern, fact.fields, bindings), (*path, step)
        )


def _rest(
    index: FactIndex, atoms: Sequence[Atom], start: int, bindings: Mapping[str, Any]
) -> list[Step]:
    """The conditions after a failure, each checked on its own with the bindings so far; a
    pattern that holds binds its variables on its first fact for the conditions after it."""
    steps = []
    for atom in atoms[start:]:
        if atom.kind != "pattern":
            steps.append(_single(index, atom, bindings))
            continue
        pattern = atom.patterns[0]
        fact = index.first(pattern, bindings)
        if fact is None:
            steps.append(Step(atom, False, bindings))
            continue
        bindings = bind(pattern, fact.fields, bindings)
        steps.append(Step(atom, True, bindings, (fact,)))
    return steps


def _single(index: FactIndex, atom: Atom, bindings: Mapping[str, Any]) -> Step:
    """A negation or an existence test, which binds nothing."""
    if atom.kind == "not":
        blocking = index.first(atom.patterns[0], bindings)
        if blocking is None:
            return Step(atom, True, bindings)
        return Step(atom, False, bindings, (blocking,))
    witnesses = []
    for pattern in atom.patterns:
        witness = index.first(pattern, bindings)
        if witness is None:
            return Step(atom, False, bindings)
        witnesses.append(witness)
    return Step(atom, True, bindings, tuple(witnesses))
