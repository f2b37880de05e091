"""Which conditions of a rule branch hold on a run's final facts, without putting them in words.

Why-not and ``kb coverage`` ask the same question of a branch: of the ways its patterns can be
matched, take the first that satisfies the longest prefix of its conditions (in the author's
order), then check each condition after the first failure on its own. Why-not then describes
every condition; coverage only needs to know which ones failed, for every rule on every example
scenario, so the search here builds no text, finds facts through an index, and asks each
pattern about a run once per value of the variables it reads.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.matching import bind, pattern_accepts
from ..schemas.conditions import Atom
from ..schemas.facts import FactRecord, Scalar
from ..schemas.rules import Pattern, Spread, VariableOperand

MAX_CANDIDATES = 64
"""Facts tried per pattern when looking for the longest satisfied prefix: enough for every
rule of the shipped KB, and a bound on the combinations a broad pattern can make."""

_UNBOUND = object()  # a variable not bound yet; no fact value can equal it
_NO_BINDINGS: Mapping[str, Any] = {}


@dataclass(frozen=True, slots=True, eq=False)
class PatternLookup:
    """A pattern with what finding its facts needs, worked out once: the fields it requires
    to equal a value (to look facts up by), the fields it keeps as a variable (equal to the
    variable's value once bound), and the variables its tests compare with."""

    pattern: Pattern
    fact_type: str
    fixed_fields: tuple[str, ...]
    fixed_values: tuple[Scalar, ...]
    kept: tuple[tuple[str, str], ...]
    reads: tuple[str, ...]

    @classmethod
    def of(cls, pattern: Pattern) -> PatternLookup:
        tests = pattern.tests
        fixed = [(field, test.equals) for field, test in tests.items() if test.equals is not None]
        reads = {
            operand.var
            for test in tests.values()
            for _, operand in test.comparisons()
            if isinstance(operand, VariableOperand | Spread)
        } | {test.as_ for test in tests.values() if test.as_ is not None}
        return cls(
            pattern=pattern,
            fact_type=pattern.fact_type,
            fixed_fields=tuple(field for field, _ in fixed),
            fixed_values=tuple(value for _, value in fixed),
            kept=tuple((field, test.as_) for field, test in tests.items() if test.as_ is not None),
            reads=tuple(sorted(reads)),
        )


@dataclass(frozen=True, slots=True, eq=False)
class PreparedAtom:
    atom: Atom
    lookups: tuple[PatternLookup, ...]
    reads_variables: bool


def prepare(
    atoms: Sequence[Atom], shared: dict[str, PatternLookup] | None = None
) -> tuple[PreparedAtom, ...]:
    """A branch ready to be searched on any number of runs. Branches prepared with the same
    ``shared`` dictionary share one lookup per distinct pattern, so that a :class:`FactIndex`
    answers it once for all of them (the shipped rules have about four patterns per
    distinct one, such as the guards of rules written for one role)."""
    lookups = {} if shared is None else shared

    def lookup(pattern: Pattern) -> PatternLookup:
        key = pattern.model_dump_json(by_alias=True)
        if key not in lookups:
            lookups[key] = PatternLookup.of(pattern)
        return lookups[key]

    prepared = []
    for atom in atoms:
        found = tuple(lookup(pattern) for pattern in atom.patterns)
        prepared.append(PreparedAtom(atom, found, any(each.reads for each in found)))
    return tuple(prepared)


class FactIndex:
    """A run's final facts, found by type and by the values a pattern requires of fields."""

    def __init__(
        self, facts: Sequence[FactRecord], verdicts: dict[object, bool] | None = None
    ) -> None:
        """``verdicts``: whether a pattern accepted a fact, shared by the indexes of several
        runs (most facts, such as a culture's scores, recur from one scenario to the next)."""
        self.by_type: dict[str, list[FactRecord]] = {}
        for fact in facts:
            self.by_type.setdefault(fact.type, []).append(fact)
        self._grouped: dict[tuple[str, tuple[str, ...]], dict[tuple[Scalar, ...], Any]] = {}
        # A lookup's answers, by the values of the variables it reads if it reads any.
        self._answers: dict[object, list[FactRecord]] = {}
        self._verdicts = verdicts
        self._contents: dict[int, tuple[object, ...]] = {}

    def candidates(self, lookup: PatternLookup, bindings: Mapping[str, Any]) -> list[FactRecord]:
        """The facts that can meet the pattern, in the run's order: those of its type with the
        values it requires, and with the bound value of each variable it keeps (a kept field
        must equal it), the same list as filtering them all, without looking at each."""
        fields, values = lookup.fixed_fields, lookup.fixed_values
        for field, name in lookup.kept:
            if name in bindings:
                fields, values = (*fields, field), (*values, bindings[name])
        if not fields:
            return self.by_type.get(lookup.fact_type, [])
        key = (lookup.fact_type, fields)
        groups = self._grouped.get(key)
        if groups is None:
            groups = {}
            for fact in self.by_type.get(lookup.fact_type, ()):
                if all(field in fact.fields for field in fields):
                    found_values = tuple(fact.fields[field] for field in fields)
                    groups.setdefault(found_values, []).append(fact)
            self._grouped[key] = groups
        found: list[FactRecord] = groups.get(values, [])
        return found

    def matches(self, lookup: PatternLookup, bindings: Mapping[str, Any]) -> list[FactRecord]:
        """The first :data:`MAX_CANDIDATES` facts that meet the pattern, in the run's order."""
        key: object = lookup
        if lookup.reads:
            values = [bindings.get(name, _UNBOUND) for name in lookup.reads]
            key = (lookup, tuple([(type(value), value) for value in values]))
        found = self._answers.get(key)
        if found is not None:
            return found
        found = []
        for fact in self.candidates(lookup, bindings):
            if self._accepts(key, lookup, fact, bindings):
                found.append(fact)
                if len(found) == MAX_CANDIDATES:
                    break
        self._answers[key] = found
        return found

    def _accepts(
        self, key: object, lookup: PatternLookup, fact: FactRecord, bindings: Mapping[str, Any]
    ) -> bool:
        if self._verdicts is None:
            return pattern_accepts(lookup.pattern, fact.type, fact.fields, bindings)
        content = self._contents.get(fact.id)
        if content is None:
            # With each value's type, as the bindings in ``key``: 1, 1.0 and True are equal
            # keys, but a numeric test accepts 1 and 1.0, not True.
            content = tuple((name, type(value), value) for name, value in fact.fields.items())
            self._contents[fact.id] = content
        verdict = self._verdicts.get((key, content))
        if verdict is None:
            verdict = pattern_accepts(lookup.pattern, fact.type, fact.fields, bindings)
            self._verdicts[key, content] = verdict
        return verdict

    def first(self, lookup: PatternLookup, bindings: Mapping[str, Any]) -> FactRecord | None:
        found = self.matches(lookup, bindings)
        return found[0] if found else None


def held_whatever_bound(index: FactIndex, prepared: PreparedAtom) -> bool | None:
    """Whether a condition that reads no variable holds in this run, which is the same in every
    way of matching its branch; ``None`` for a condition that reads one."""
    if prepared.reads_variables:
        return None
    if prepared.atom.kind == "not":
        return not index.matches(prepared.lookups[0], _NO_BINDINGS)
    return all(index.matches(lookup, _NO_BINDINGS) for lookup in prepared.lookups)


@dataclass(frozen=True, slots=True)
class Step:
    """One condition checked: whether it held, the variables bound when it was checked (what
    its description must show), and the facts that met it or, for a negation, blocked it."""

    atom: Atom
    held: bool
    bindings: Mapping[str, Any]
    facts: tuple[FactRecord, ...] = ()


def best_steps(index: FactIndex, branch: Sequence[PreparedAtom]) -> list[Step]:
    """One step per condition: the way of matching that satisfies the longest prefix (the
    first such way in fact order), then each condition after its first failure on its own."""
    return list(steps_of_best(index, branch))


def steps_of_best(index: FactIndex, branch: Sequence[PreparedAtom]) -> Iterator[Step]:
    """:func:`best_steps` one at a time: the conditions after the first failure are checked
    only as they are asked for, so a caller that has seen enough can stop."""
    best: tuple[Step, ...] = ()
    best_held = -1
    for path in _explore(index, branch, 0, {}, ()):
        held = len(path) if not path or path[-1].held else len(path) - 1
        if held > best_held:
            best, best_held = path, held
            if held == len(branch):
                break
    yield from best
    if best and not best[-1].held:
        yield from _rest(index, branch, len(best), best[-1].bindings)


def _explore(
    index: FactIndex,
    branch: Sequence[PreparedAtom],
    position: int,
    bindings: Mapping[str, Any],
    path: tuple[Step, ...],
) -> Iterator[tuple[Step, ...]]:
    """Every way of matching, depth first: the steps up to the first failure, or all of them."""
    if position == len(branch):
        yield path
        return
    prepared = branch[position]
    if prepared.atom.kind != "pattern":
        step = _single(index, prepared, bindings)
        if step.held:
            yield from _explore(index, branch, position + 1, bindings, (*path, step))
        else:
            yield (*path, step)
        return
    lookup = prepared.lookups[0]
    found = index.matches(lookup, bindings)
    if not found:
        yield (*path, Step(prepared.atom, False, bindings))
        return
    for fact in found:
        step = Step(prepared.atom, True, bindings, (fact,))
        yield from _explore(
            index, branch, position + 1, bind(lookup.pattern, fact.fields, bindings), (*path, step)
        )


def _rest(
    index: FactIndex, branch: Sequence[PreparedAtom], start: int, bindings: Mapping[str, Any]
) -> Iterator[Step]:
    """The conditions after a failure, each checked on its own with the bindings so far; a
    pattern that holds binds its variables on its first fact for the conditions after it."""
    for prepared in branch[start:]:
        if prepared.atom.kind != "pattern":
            yield _single(index, prepared, bindings)
            continue
        lookup = prepared.lookups[0]
        fact = index.first(lookup, bindings)
        if fact is None:
            yield Step(prepared.atom, False, bindings)
            continue
        bindings = bind(lookup.pattern, fact.fields, bindings)
        yield Step(prepared.atom, True, bindings, (fact,))


def _single(index: FactIndex, prepared: PreparedAtom, bindings: Mapping[str, Any]) -> Step:
    """A negation or an existence test, which binds nothing."""
    if prepared.atom.kind == "not":
        blocking = index.first(prepared.lookups[0], bindings)
        if blocking is None:
            return Step(prepared.atom, True, bindings)
        return Step(prepared.atom, False, bindings, (blocking,))
    witnesses = []
    for lookup in prepared.lookups:
        witness = index.first(lookup, bindings)
        if witness is None:
            return Step(prepared.atom, False, bindings)
        witnesses.append(witness)
    return Step(prepared.atom, True, bindings, tuple(witnesses))
