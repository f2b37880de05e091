"""The match network our rules run on: constant tests found by hashing, joins through value
indexes, and a rule branch's matches worked out again only when a fact it reads arrives.

experta's stock matcher is a RETE network in pure Python that sends each fact through every
test on its fact type, copies a token at every node and, after every firing, asks every rule
for new activations; on the shipped KB that is ~55 ms a scenario and 0.4 s to build. This
module is plain Python with no experta in it: the compiler builds a :class:`MatchNetwork` from
the rule branches and hands it to experta through the engine's ``__matcher__`` class attribute
(experta takes any subclass of its abstract ``Matcher`` there, as it takes the agenda strategy
from ``__strategy__``), so experta keeps the facts, the agenda and the firing, and the
semantics stay those of :mod:`engine.matching`. Those differ from experta's RETE in one place,
where the RETE is wrong: it does not give ``exists`` the rule's variables
(``tests/test_network.py`` pins both behaviours).

Why recomputing a branch is enough: a branch's matches are a function of the facts in working
memory, so after a change we evaluate again only the branches one of whose patterns (positive,
``not`` or ``exists``) accepts a changed fact, and report the difference: new matches are
activations added, vanished ones (a ``not`` now blocked, a fact retracted) are removed.
A match that stays is not reported again, which is experta's refraction.
"""

from __future__ import annotations

import contextlib
import inspect
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rules.matching import compare_with, passes
from ..schemas.conditions import Atom
from ..schemas.facts import Scalar
from ..schemas.kb import FieldTest, Pattern, VariableOperand

HIDDEN_PREFIX = "_v"  # variables the compiler invents; YAML variables cannot start with '_'
INITIAL = "initial-fact"
"""The type name of experta's ``InitialFact``: branches with no positive pattern wait for it."""

Fields = Mapping[str, Any]


# ---------------------------------------------------------------------------- compiled form


@dataclass(frozen=True)
class AlphaTest:
    """What one pattern asks of a fact on its own: its type, the fields it names, and the
    constant tests on them as ``(field, operator, operand)``; ``equals`` is Python ``==``,
    as in experta's literal tests."""

    fact_type: str
    required: tuple[str, ...]
    checks: tuple[tuple[str, str, Any], ...]

    def accepts(self, fields: Fields) -> bool:
        for name in self.required:
            if name not in fields:
                return False
        for name, operator, operand in self.checks:
            value = fields[name]
            if operator == "equals":
                if operand != value:
                    return False
            elif not passes(operator, operand, value):
                return False
        return True

    def equality_on(self, name: str) -> Any:
        """The value ``name`` must equal, or ``_NO_VALUE``."""
        return next(
            (
                operand
                for field_name, operator, operand in self.checks
                if field_name == name and operator == "equals"
            ),
            _NO_VALUE,
        )


_NO_VALUE = object()


@dataclass(frozen=True)
class VariableComparison:
    """``variable OP other (+ amount)`` between two bound variables: a field compared with a
    variable, shifted or at a distance. Our network calls :meth:`holds`; with experta's RETE
    the compiler hands the same object to a ``TEST``, which calls it with keyword bindings."""

    operator: str
    variable: str
    other: str
    amount: float

    def holds(self, bindings: Mapping[str, Any]) -> bool:
        return compare_with(
            self.operator, bindings.get(self.variable), bindings.get(self.other), self.amount
        )

    @property
    def __signature__(self) -> inspect.Signature:
        # experta passes a TEST only the bindings named in its signature.
        kind = inspect.Parameter.KEYWORD_ONLY
        names = dict.fromkeys((self.variable, self.other))
        return inspect.Signature([inspect.Parameter(name, kind) for name in names])

    def __call__(self, **bindings: Any) -> bool:
        return self.holds(bindings)


@dataclass(frozen=True)
class Step:
    """One pattern joined into a partial match: which alpha memory it reads, the fields that
    bind (``joins=False``) or must equal (``joins=True``) a variable, in order, and the
    comparisons that can be checked once this step has bound its variables."""

    alpha: int
    variables: tuple[tuple[str, str, bool], ...]
    comparisons: tuple[VariableComparison, ...] = ()
    index_field: tuple[str, str] | None = field(init=False, compare=False)
    """The first field that must equal a variable bound by an earlier step: candidates are
    looked up by its value. (A variable this step binds and then joins on, as in
    ``{low: {as: x}, high: {as: x}}``, has no value yet when the candidates are sought.)"""

    def __post_init__(self) -> None:
        bound_here = {var for _, var, joins in self.variables if not joins}
        joined = next(
            ((name, var) for name, var, joins in self.variables if joins and var not in bound_here),
            None,
        )
        object.__setattr__(self, "index_field", joined)  # read on every join: worked out once


@dataclass(frozen=True)
class BranchPlan:
    """How to find every match of one rule branch."""

    positives: tuple[Step, ...]
    existence: tuple[tuple[Step, ...], ...]
    negations: tuple[Step, ...]
    leftover: tuple[VariableComparison, ...] = ()
    """Comparisons whose variables the positive patterns never bind (checks forbid them;
    kept so that a KB loaded without checks still behaves as experta would)."""


@dataclass(frozen=True)
class MatchNetwork:
    """Every alpha test once, every branch's plan, and where each fact type is dispatched."""

    alphas: tuple[AlphaTest, ...]
    plans: tuple[BranchPlan, ...]
    readers: tuple[tuple[int, ...], ...]
    """For each alpha test, the branches that read it (positive, ``not`` or ``exists``)."""
    dispatch: Mapping[str, tuple[str | None, Mapping[Any, tuple[int, ...]], tuple[int, ...]]]
    """Per fact type: a key field, the alpha tests by the value they require of it, and the
    tests that must be tried on every fact of the type."""
    indexed_fields: tuple[tuple[str, ...], ...]
    """For each alpha test, the fields its memory keeps a value index on (for joins)."""
    initial: int
    """The alpha test that accepts experta's ``InitialFact``."""
    waiting_on: tuple[tuple[int, ...], ...] = ()
    """For each branch, the alpha memories its positive patterns read (experta's InitialFact
    for a branch without any): while one is empty, the branch cannot match."""

    def accepting(self, fact_type: str, fields: Fields) -> list[int]:
        """The alpha tests a fact passes, found by its key field's value (see _dispatch)."""
        alphas = self.alphas
        return [
            alpha for alpha in self._candidates(fact_type, fields) if alphas[alpha].accepts(fields)
        ]

    def reads(self, fact_type: str, fields: Fields) -> bool:
        """Whether some alpha test accepts the fact (so some pattern could match it)."""
        alphas = self.alphas
        return any(alphas[alpha].accepts(fields) for alpha in self._candidates(fact_type, fields))

    def _candidates(self, fact_type: str, fields: Fields) -> Sequence[int]:
        entry = self.dispatch.get(fact_type)
        if entry is None:
            return ()
        key, by_value, always = entry
        if key is None or key not in fields:
            return always
        try:
            keyed = by_value.get(fields[key], ())
        except TypeError:  # an unhashable value can equal none of the constants
            keyed = ()
        return (*keyed, *always) if always else keyed


# ---------------------------------------------------------------------------- building


class NetworkBuilder:
    """Collects branches into one network, sharing identical alpha tests."""

    def __init__(self) -> None:
        self.alphas: list[AlphaTest] = []
        self.alpha_ids: dict[AlphaTest, int] = {}
        self.plans: list[BranchPlan] = []
        self.hidden = 0

    def add_branch(self, atoms: Sequence[Atom]) -> int:
        """Add one branch (its atoms in author order); returns its number."""
        number = len(self.plans)
        bound: set[str] = set()
        pending: list[VariableComparison] = []
        positives = [
            self._step(atom.patterns[0], bound, pending) for atom in atoms if atom.kind == "pattern"
        ]
        existence = []
        for atom in atoms:
            if atom.kind == "exists":
                inner_bound = set(bound)
                inner_pending: list[VariableComparison] = []
                steps = [
                    self._step(pattern, inner_bound, inner_pending) for pattern in atom.patterns
                ]
                if inner_pending:  # compare with variables no pattern binds: as experta, None
                    last = steps[-1]
                    steps[-1] = Step(
                        last.alpha, last.variables, (*last.comparisons, *inner_pending)
                    )
                existence.append(tuple(steps))
        negations = [
            self._step(atom.patterns[0], set(bound), []) for atom in atoms if atom.kind == "not"
        ]
        self.plans.append(
            BranchPlan(tuple(positives), tuple(existence), tuple(negations), tuple(pending))
        )
        return number

    def _step(self, pattern: Pattern, bound: set[str], pending: list[VariableComparison]) -> Step:
        checks: list[tuple[str, str, Any]] = []
        variables: list[tuple[str, str, bool]] = []
        for name, test in sorted(pattern.tests.items()):
            comparisons = test.comparisons()
            checks += _constant_checks(name, test, comparisons)
            variable = test.as_
            for operator, operand in comparisons:
                if isinstance(operand, float | int):
                    continue
                if variable is None:
                    variable = f"{HIDDEN_PREFIX}{self.hidden}"
                    self.hidden += 1
                amount = operand.plus if isinstance(operand, VariableOperand) else operand.by
                pending.append(VariableComparison(operator, variable, operand.var, amount))
            if variable is not None:
                variables.append((name, variable, variable in bound))
                bound.add(variable)
        alpha = AlphaTest(pattern.fact_type, tuple(sorted(pattern.tests)), tuple(checks))
        ready = [c for c in pending if c.variable in bound and c.other in bound]
        for comparison in ready:
            pending.remove(comparison)
        return Step(self._alpha(alpha), tuple(variables), tuple(ready))

    def _alpha(self, alpha: AlphaTest) -> int:
        alpha_id = self.alpha_ids.get(alpha)
        if alpha_id is None:
            alpha_id = self.alpha_ids[alpha] = len(self.alphas)
            self.alphas.append(alpha)
        return alpha_id

    def build(self) -> MatchNetwork:
        self._alpha(_INITIAL_TEST)
        return assemble(self.alphas, self.plans)


_INITIAL_TEST = AlphaTest(INITIAL, (), ())


def assemble(alphas: Sequence[AlphaTest], plans: Sequence[BranchPlan]) -> MatchNetwork:
    """The network of these alpha tests and plans: which branches read each test, how facts
    are dispatched to tests, and which fields joins look up by value."""
    readers: list[list[int]] = [[] for _ in alphas]
    indexed: list[set[str]] = [set() for _ in alphas]
    initial = list(alphas).index(_INITIAL_TEST)
    for number, plan in enumerate(plans):
        inner = [step for steps in plan.existence for step in steps]
        for step in (*plan.positives, *inner, *plan.negations):
            if not readers[step.alpha] or readers[step.alpha][-1] != number:
                readers[step.alpha].append(number)
            if step.index_field is not None:
                indexed[step.alpha].add(step.index_field[0])
        if not plan.positives:
            readers[initial].append(number)
    return MatchNetwork(
        alphas=tuple(alphas),
        plans=tuple(plans),
        readers=tuple(tuple(branches) for branches in readers),
        dispatch=_dispatch(alphas),
        indexed_fields=tuple(tuple(sorted(fields)) for fields in indexed),
        initial=initial,
        waiting_on=tuple(
            tuple(dict.fromkeys(step.alpha for step in plan.positives)) or (initial,)
            for plan in plans
        ),
    )


# ---------------------------------------------------------------------------- stored form
# The network is derived from a checked KB and the code here; the compiler keeps it in the
# cache beside the checked KB (as JSON, like everything cached), which saves most of a
# compile on every cold start.


def network_data(network: MatchNetwork) -> dict[str, Any]:
    """The network as plain JSON data (alpha tests and plans; the rest is derived)."""

    def check(field_name: str, operator: str, operand: Any) -> list[Any]:
        if isinstance(operand, frozenset):
            return [field_name, operator, list(operand), True]
        return [field_name, operator, operand, False]

    def step(item: Step) -> list[Any]:
        comparisons = [[c.operator, c.variable, c.other, c.amount] for c in item.comparisons]
        return [item.alpha, [list(variable) for variable in item.variables], comparisons]

    return {
        "alphas": [
            [alpha.fact_type, list(alpha.required), [check(*item) for item in alpha.checks]]
            for alpha in network.alphas
        ],
        "plans": [
            [
                [step(item) for item in plan.positives],
                [[step(item) for item in steps] for steps in plan.existence],
                [step(item) for item in plan.negations],
                [[c.operator, c.variable, c.other, c.amount] for c in plan.leftover],
            ]
            for plan in network.plans
        ],
    }


def network_from_data(data: Mapping[str, Any]) -> MatchNetwork:
    """The network that :func:`network_data` stored."""

    def comparison(item: list[Any]) -> VariableComparison:
        return VariableComparison(str(item[0]), str(item[1]), str(item[2]), float(item[3]))

    def step(item: list[Any]) -> Step:
        variables = tuple((str(name), str(var), bool(joins)) for name, var, joins in item[1])
        return Step(int(item[0]), variables, tuple(comparison(c) for c in item[2]))

    alphas = [
        AlphaTest(
            str(fact_type),
            tuple(required),
            tuple(
                (name, operator, frozenset(operand) if is_set else operand)
                for name, operator, operand, is_set in checks
            ),
        )
        for fact_type, required, checks in data["alphas"]
    ]
    plans = [
        BranchPlan(
            tuple(step(item) for item in positives),
            tuple(tuple(step(item) for item in steps) for steps in existence),
            tuple(step(item) for item in negations),
            tuple(comparison(item) for item in leftover),
        )
        for positives, existence, negations, leftover in data["plans"]
    ]
    return assemble(alphas, plans)


def _constant_checks(
    name: str, test: FieldTest, comparisons: tuple[tuple[str, Any], ...]
) -> list[tuple[str, str, Any]]:
    checks: list[tuple[str, str, Any]] = []
    if test.equals is not None:
        checks.append((name, "equals", test.equals))
    if test.not_ is not None and not isinstance(test.not_, VariableOperand):
        checks.append((name, "not", test.not_))
    if test.one_of is not None:
        checks.append((name, "one_of", frozenset(test.one_of)))
    if test.none_of is not None:
        checks.append((name, "none_of", frozenset(test.none_of)))
    checks += [
        (name, operator, float(operand))
        for operator, operand in comparisons
        if isinstance(operand, float | int)
    ]
    return checks


def _dispatch(
    alphas: Sequence[AlphaTest],
) -> dict[str, tuple[str | None, dict[Any, tuple[int, ...]], tuple[int, ...]]]:
    """Per fact type, hash on the field most tests require a value of (a score's dimension,
    a finding's name), so a fact meets only the tests that can accept it."""
    by_type: dict[str, list[int]] = {}
    for alpha_id, alpha in enumerate(alphas):
        by_type.setdefault(alpha.fact_type, []).append(alpha_id)
    dispatch: dict[str, tuple[str | None, dict[Any, tuple[int, ...]], tuple[int, ...]]] = {}
    for fact_type, ids in by_type.items():
        counts: dict[str, int] = {}
        for alpha_id in ids:
            for name, operator, _ in alphas[alpha_id].checks:
                if operator == "equals":
                    counts[name] = counts.get(name, 0) + 1
        key = max(sorted(counts), key=lambda name: counts[name]) if counts else None
        by_value: dict[Any, list[int]] = {}
        always: list[int] = []
        for alpha_id in ids:
            value = alphas[alpha_id].equality_on(key) if key is not None else _NO_VALUE
            if value is _NO_VALUE:
                always.append(alpha_id)
            else:
                by_value.setdefault(value, []).append(alpha_id)
        dispatch[fact_type] = (
            key,
            {value: tuple(found) for value, found in by_value.items()},
            tuple(always),
        )
    return dispatch


# ---------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Match:
    """One complete match of a branch: its positive facts in pattern order, and bindings."""

    branch: int
    key: tuple[int, ...]
    """The ids of ``facts``: with ``branch``, what tells two matches apart."""
    facts: tuple[Any, ...]
    bindings: Mapping[str, Scalar]


@dataclass
class _Memory:
    facts: list[tuple[int, Fields]] = field(default_factory=list)
    index: dict[str, dict[Any, list[tuple[int, Fields]]]] = field(default_factory=dict)


class NetworkState:
    """The working memory of one engine: alpha memories and each branch's current matches.

    Facts are ``(id, fields)`` pairs with ids increasing in declaration order (experta's
    ``__factid__``); ``fields`` is any mapping, such as the experta fact itself.
    """

    def __init__(self, network: MatchNetwork) -> None:
        self.network = network
        self.memories = [
            _Memory(index={name: {} for name in fields}) for fields in network.indexed_fields
        ]
        self.matches: list[dict[tuple[int, ...], Match]] = [{} for _ in network.plans]
        self.where: dict[int, list[int]] = {}
        """For each fact in memory, the alpha memories that hold it."""
        self.matched: set[int] = set()
        """The branches that have had matches since the last reset."""

    def reset(self) -> None:
        """Forget every fact, clearing only what holds something: most of the network is
        untouched by any one scenario."""
        for alpha_id in {alpha for alphas in self.where.values() for alpha in alphas}:
            memory = self.memories[alpha_id]
            memory.facts = []
            memory.index = {name: {} for name in memory.index}
        for branch in self.matched:
            self.matches[branch] = {}
        self.where = {}
        self.matched = set()

    def changes(
        self,
        added: Iterable[tuple[int, str, Fields]],
        removed: Iterable[tuple[int, str, Fields]] = (),
    ) -> tuple[list[Match], list[Match]]:
        """Facts ``(id, type, fields)`` added and removed; returns matches gained and lost."""
        touched: set[int] = set()
        readers = self.network.readers
        for fact_id, _, _ in removed:
            for alpha_id in self.where.pop(fact_id, ()):
                self._forget(alpha_id, fact_id)
                touched.update(readers[alpha_id])
        for fact_id, fact_type, fields in added:
            found = self.network.accepting(fact_type, fields)
            if found:
                self.where[fact_id] = found
                for alpha_id in found:
                    self._remember(alpha_id, fact_id, fields)
                    touched.update(readers[alpha_id])
        gained: list[Match] = []
        lost: list[Match] = []
        memories, waiting_on = self.memories, self.network.waiting_on
        for branch in touched:  # any order: the agenda orders activations totally
            old = self.matches[branch]
            # most touched branches still lack a fact for some positive pattern
            if not old and any(not memories[alpha].facts for alpha in waiting_on[branch]):
                continue
            new = self._branch_matches(branch)
            for key, match in new.items():
                if key not in old:
                    gained.append(match)
                else:
                    new[key] = old[key]
            lost += [match for key, match in old.items() if key not in new]
            self.matches[branch] = new
            if new:
                self.matched.add(branch)
        return gained, lost

    def _remember(self, alpha_id: int, fact_id: int, fields: Fields) -> None:
        memory = self.memories[alpha_id]
        entry = (fact_id, fields)
        memory.facts.append(entry)
        for name, index in memory.index.items():
            with contextlib.suppress(TypeError):
                index.setdefault(fields[name], []).append(entry)

    def _forget(self, alpha_id: int, fact_id: int) -> None:
        memory = self.memories[alpha_id]
        memory.facts = [entry for entry in memory.facts if entry[0] != fact_id]
        for index in memory.index.values():
            for value, entries in list(index.items()):
                index[value] = [entry for entry in entries if entry[0] != fact_id]

    # -- evaluation

    def _candidates(self, step: Step, bindings: Mapping[str, Any]) -> Sequence[tuple[int, Fields]]:
        memory = self.memories[step.alpha]
        indexed = step.index_field
        if indexed is None:
            return memory.facts
        try:
            return memory.index[indexed[0]].get(bindings[indexed[1]], ())
        except TypeError:
            return [entry for entry in memory.facts if entry[1][indexed[0]] == bindings[indexed[1]]]

    def _extend(
        self, step: Step, fields: Fields, bindings: dict[str, Any]
    ) -> dict[str, Any] | None:
        extended = dict(bindings)
        for name, variable, joins in step.variables:
            if joins:
                if extended[variable] != fields[name]:
                    return None
            else:
                extended[variable] = fields[name]
        for comparison in step.comparisons:
            if not comparison.holds(extended):
                return None
        return extended

    def _satisfiable(self, steps: Sequence[Step], bindings: dict[str, Any]) -> bool:
        """Whether some facts meet every step (an ``exists``, or a ``not`` that blocks)."""
        if not steps:
            return True
        first, rest = steps[0], steps[1:]
        for _, fields in self._candidates(first, bindings):
            extended = self._extend(first, fields, bindings)
            if extended is not None and self._satisfiable(rest, extended):
                return True
        return False

    def _branch_matches(self, branch: int) -> dict[tuple[int, ...], Match]:
        plan = self.network.plans[branch]
        memories = self.memories
        if any(not memories[alpha].facts for alpha in self.network.waiting_on[branch]):
            return {}
        partial: list[tuple[tuple[tuple[int, Fields], ...], dict[str, Any]]] = [((), {})]
        for step in plan.positives:
            following = []
            for facts, bindings in partial:
                for entry in self._candidates(step, bindings):
                    extended = self._extend(step, entry[1], bindings)
                    if extended is not None:
                        following.append(((*facts, entry), extended))
            partial = following
            if not partial:
                return {}
        found: dict[tuple[int, ...], Match] = {}
        for facts, bindings in partial:
            if not all(comparison.holds(bindings) for comparison in plan.leftover):
                continue
            if not all(self._satisfiable(steps, bindings) for steps in plan.existence):
                continue
            if any(self._satisfiable((step,), bindings) for step in plan.negations):
                continue
            key = tuple(fact_id for fact_id, _ in facts)
            found[key] = Match(branch, key, tuple(fields for _, fields in facts), bindings)
        return found
