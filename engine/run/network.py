"""The match network our rules run on, in its compiled form and how it is built: constant
tests found by hashing, joins through value indexes, one plan per rule branch.

experta's stock matcher is a RETE network in pure Python that sends each fact through every
test on its fact type, copies a token at every node and, after every firing, asks every rule
for new activations; on the shipped KB that is ~55 ms a scenario and 0.4 s to build. The
network is plain Python with no experta in it: the compiler builds a :class:`MatchNetwork` from
the rule branches and hands it to experta through the engine's ``__matcher__`` class attribute
(experta takes any subclass of its abstract ``Matcher`` there, as it takes the agenda strategy
from ``__strategy__``), so experta keeps the facts, the agenda and the firing, and the
semantics stay those of :mod:`engine.rules.matching`. Those differ from experta's RETE in one
place, where the RETE is wrong: it does not give ``exists`` the rule's variables
(``tests/run/test_network.py`` pins both behaviours).

This module is the network as data, which never changes once built; keeping it apart from the
working memory (:mod:`.network_state`) and the cached JSON form (:mod:`.network_storage`) is
what lets one network serve every engine and every thread.
"""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from ..rules.matching import compare_with, passes
from ..schemas.conditions import Atom
from ..schemas.rules import FieldTest, Pattern, VariableOperand
from .network_sieve import Sieve, sieves

HIDDEN_PREFIX = "_v"  # variables the compiler invents; YAML variables cannot start with '_'
INITIAL = "initial-fact"
"""The type name of experta's ``InitialFact``: branches with no positive pattern wait for it."""

Fields = Mapping[str, Any]
NO_BINDINGS: Mapping[str, Any] = MappingProxyType({})
"""The bindings of a match that binds no variable: one shared object, so the runner records
them once for every such firing of a run (it reads each bindings object once)."""


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
    joins_before: tuple[tuple[str, str], ...] = field(init=False, compare=False)
    """``variables`` that must equal a variable bound by an earlier step: checked first, so
    a fact that fails them costs no copy of the bindings."""
    binds: tuple[tuple[str, str], ...] = field(init=False, compare=False)
    joins_after: tuple[tuple[str, str], ...] = field(init=False, compare=False)
    """``variables`` that must equal a variable this step binds from another field."""
    constant: bool = field(init=False, compare=False)
    """No variable and no comparison (three steps in four): every fact of the alpha memory
    fits any partial match, which keeps its bindings."""
    only_join: tuple[str, str] | None = field(init=False, compare=False)
    """The one field and variable of a step that only joins (``person: {culture: c}``)."""

    def __post_init__(self) -> None:
        # read on every join: worked out once (the fields are frozen, hence __dict__)
        variables = self.variables
        bound_here = {var for _, var, joins in variables if not joins}
        before = tuple(
            (name, var) for name, var, joins in variables if joins and var not in bound_here
        )
        self.__dict__.update(
            index_field=before[0] if before else None,
            joins_before=before,
            binds=tuple((name, var) for name, var, joins in variables if not joins),
            joins_after=tuple(
                (name, var) for name, var, joins in variables if joins and var in bound_here
            ),
            constant=not variables and not self.comparisons,
            only_join=variables[0][:2]
            if len(variables) == 1 and before and not self.comparisons
            else None,
        )


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
    dispatch: Mapping[str, Sieve]
    """Per fact type, the sieve that narrows its alpha tests to those a fact's values allow."""
    indexed_fields: tuple[tuple[str, ...], ...]
    """For each alpha test, the fields its memory keeps a value index on (for joins)."""
    initial: int
    """The alpha test that accepts experta's ``InitialFact``."""
    waiting_on: tuple[tuple[int, ...], ...] = ()
    existence_reads: tuple[tuple[int, ...], ...] = ()
    """For each branch, the alpha memories its ``exists`` patterns read: a new fact there
    may complete matches the network did not keep, so the branch is worked out again."""
    """For each branch, the alpha memories its positive patterns read (experta's InitialFact
    for a branch without any): while one is empty, the branch cannot match."""
    first_matchers: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)
    """Each branch's function for first declarations, made on first use
    (:mod:`.network_matchers`): what the plan says, read once per network, not per run."""
    step_joins: dict[int, Any] = field(default_factory=dict, compare=False, repr=False)
    """The joins those functions are made of, by step (steps are shared among branches)."""

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
        sieve = self.dispatch.get(fact_type)
        return sieve.candidates(fields) if sieve is not None else ()


# ---------------------------------------------------------------------------- building


class NetworkBuilder:
    """Collects branches into one network, sharing identical alpha tests."""

    def __init__(self) -> None:
        self.alphas: list[AlphaTest] = []
        self.alpha_ids: dict[AlphaTest, int] = {}
        self.plans: list[BranchPlan] = []
        self.hidden = 0
        # Seven steps in ten recur among the branches (882 distinct of 2,924 on the shipped
        # KB: a rule's alternatives repeat its other patterns, and many rules test the same
        # constants): each distinct step is made once and shared, as a stored network's
        # steps are when read back.
        self.steps: dict[tuple[int, tuple[tuple[str, str, bool], ...], Any], Step] = {}

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
        fact_type = pattern.fact_type
        tests = pattern.root[fact_type]
        names = sorted(tests)
        for name in names:
            test = tests[name]
            values = test.__dict__
            if (  # most tests: a constant or a variable alone, nothing compared
                values["at_least"] is None
                and values["at_most"] is None
                and values["above"] is None
                and values["below"] is None
                and values["within"] is None
                and values["beyond"] is None
                and values["not_"] is None
            ):
                comparisons: tuple[tuple[str, Any], ...] = ()
            else:
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
        alpha = self._alpha(AlphaTest(fact_type, tuple(names), tuple(checks)))
        ready = tuple(c for c in pending if c.variable in bound and c.other in bound)
        for comparison in ready:
            pending.remove(comparison)
        key = (alpha, tuple(variables), ready)
        step = self.steps.get(key)
        if step is None:
            step = self.steps[key] = Step(*key)
        return step

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
    initial = next(
        number
        for number, alpha in enumerate(alphas)
        if alpha.fact_type == INITIAL and alpha == _INITIAL_TEST
    )
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
        dispatch=sieves(alphas),
        indexed_fields=tuple(tuple(sorted(fields)) for fields in indexed),
        initial=initial,
        waiting_on=tuple(
            tuple(dict.fromkeys(step.alpha for step in plan.positives)) or (initial,)
            for plan in plans
        ),
        existence_reads=tuple(
            tuple({step.alpha: None for steps in plan.existence for step in steps})
            for plan in plans
        ),
    )


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
