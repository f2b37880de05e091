"""Each rule branch as an experta ``Rule`` with its own action function, so experta never
merges two rules, and each carries its position in the KB so the agenda can order activations
totally.

With our network experta reads only a rule's salience and action, so its rules carry no
conditions (:class:`RuleBook`); conditions are written out when experta's own RETE is chosen
(``matcher="rete"``), with predicates interned so identical tests share one alpha node and
equality compiled to literal tests, which it shares. ``PATTERN_PREFIX`` names the matched
facts in an activation's context: the agenda, the matcher and the runner all read them back by
that name.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..rules.matching import passes
from ..schemas.conditions import Atom
from ..schemas.rules import FieldTest, Pattern, VariableOperand
from .branches import CompiledBranch
from .experta_compat import AND, AS, EXISTS, MATCH, NOT, TEST, P, Rule
from .network import HIDDEN_PREFIX, VariableComparison

PATTERN_PREFIX = "_p"  # context keys of matched facts; YAML variables cannot start with '_'


# ---------------------------------------------------------------------------- predicates


@dataclass(frozen=True)
class FieldPredicate:
    """All constant tests on one field, as one hashable callable (one alpha node)."""

    tests: tuple[tuple[str, Any], ...]

    def __call__(self, value: Any) -> bool:
        return all(passes(operator, operand, value) for operator, operand in self.tests)


_interned: dict[Any, Any] = {}


def _intern(item: Any) -> Any:
    return _interned.setdefault(item, item)


# ---------------------------------------------------------------------------- conditions


class _BranchCompiler:
    """Turns the atoms of one branch into experta conditional elements."""

    def __init__(self, fact_classes: Mapping[str, type[Any]]) -> None:
        self.fact_classes = fact_classes
        self.hidden = 0
        self.pattern_count = 0

    def compile(self, atoms: tuple[Atom, ...]) -> list[Any]:
        positives: list[Any] = []
        tests: list[Any] = []
        existence: list[Any] = []
        negations: list[Any] = []
        # Positive patterns first so that variables are bound before tests and negations use
        # them (a variable first seen inside NOT would be existential there: DESIGN §5).
        for atom in atoms:
            if atom.kind == "pattern":
                name = f"{PATTERN_PREFIX}{self.pattern_count}"
                self.pattern_count += 1
                positives.append(getattr(AS, name) << self.pattern(atom.patterns[0], tests))
            elif atom.kind == "not":
                negations.append(NOT(self.pattern(atom.patterns[0], [])))
            else:
                inner_tests: list[Any] = []
                inner = [self.pattern(pattern, inner_tests) for pattern in atom.patterns]
                elements = [*inner, *inner_tests]
                existence.append(EXISTS(elements[0] if len(elements) == 1 else AND(*elements)))
        return [*positives, *tests, *existence, *negations]

    def pattern(self, pattern: Pattern, tests: list[Any]) -> Any:
        constraints = {
            field: self.field(test, tests) for field, test in sorted(pattern.tests.items())
        }
        return self.fact_classes[pattern.fact_type](**constraints)

    def field(self, test: FieldTest, tests: list[Any]) -> Any:
        constant: list[tuple[str, Any]] = []
        if test.not_ is not None and not isinstance(test.not_, VariableOperand):
            constant.append(("not", test.not_))
        if test.one_of is not None:
            constant.append(("one_of", frozenset(test.one_of)))
        if test.none_of is not None:
            constant.append(("none_of", frozenset(test.none_of)))
        variable = test.as_
        for operator, operand in test.comparisons():
            if isinstance(operand, float | int):
                constant.append((operator, float(operand)))
                continue
            if variable is None:
                variable = f"{HIDDEN_PREFIX}{self.hidden}"
                self.hidden += 1
            amount = operand.plus if isinstance(operand, VariableOperand) else operand.by
            comparison = VariableComparison(operator, variable, operand.var, amount)
            tests.append(TEST(_intern(comparison)))
        parts: list[Any] = []
        if variable is not None:
            parts.append(getattr(MATCH, variable))
        if constant:
            parts.append(P(_intern(FieldPredicate(tuple(constant)))))
        if test.equals is not None:
            if not parts:
                return test.equals
            parts.append(P(_intern(FieldPredicate((("one_of", frozenset([test.equals])),)))))
        if len(parts) == 1:
            return parts[0]
        return parts[0] & parts[1] if len(parts) == 2 else parts[0] & (parts[1] & parts[2])


# ---------------------------------------------------------------------------- experta rules


class RuleBook:
    """The experta ``Rule`` of each branch for our network, written out the first time a branch
    matches (or someone asks the engine for its rules).

    With our network experta never reads a rule's conditions (the network holds them), only its
    salience, name and action when it is activated, so these rules carry none: writing out the
    conditions took about a third of a run on facts the process had not seen before (each rule
    is made once per process, but a run on new facts matches branches that never matched
    before: about 300 of 5,000 synthetic rules at 100 facts). A branch's ``exists`` patterns,
    which its firings record, are read only for the branches whose plan has some.
    """

    def __init__(
        self, branches: tuple[CompiledBranch, ...], plans_with_existence: Sequence[bool]
    ) -> None:
        self.branches = branches
        self.with_existence = plans_with_existence
        self.built: list[Any] = [None] * len(branches)

    def __len__(self) -> int:
        return len(self.branches)

    def __getitem__(self, index: int) -> Any:
        rule = self.built[index]
        if rule is None:
            branch = self.branches[index]
            existence = branch.existence if self.with_existence[index] else ()
            rule = self.built[index] = _rule(branch, (), existence)
        return rule


FiringRecord = tuple[str, int, tuple[str, ...], tuple[tuple[Pattern, ...], ...]]
"""What each firing of a branch records of it: our rule's id, the branch's number, the findings
the rule concludes (in the order written) and the patterns of each of its ``exists``."""


def experta_rule(branch: CompiledBranch, classes: Mapping[str, type[Any]]) -> Any:
    """The experta ``Rule`` for one branch, with its conditions (for experta's RETE) and its own
    action function; the rule carries ``synergy_firing`` (:data:`FiringRecord`), which the runner
    reads at the rule's first firing in each run instead of finding the branch and its rule
    again."""
    conditions = _BranchCompiler(classes).compile(branch.atoms)
    return _rule(branch, conditions, branch.existence)


def _rule(
    branch: CompiledBranch, conditions: Sequence[Any], existence: tuple[tuple[Pattern, ...], ...]
) -> Any:
    rule_id = branch.rule_id
    action = _action(branch.rule_index, rule_id, branch.branch)
    conclusions = tuple(branch.expansion.located.value.then.conclude)
    record: FiringRecord = (rule_id, branch.branch, conclusions, existence)
    action.synergy_firing = record  # type: ignore[attr-defined]
    return _decorated(Rule(*conditions, salience=branch.salience), action)


def _decorated(rule: Any, action: Callable[..., None]) -> Any:
    """``rule(action)``, experta's decorator, without its look at the action's signature: every
    action takes every binding (``**bindings``), for which experta keeps no list of names to
    pass, and the look was half of making a rule (a run on facts it has not seen makes one for
    each branch it fires for the first time: 1,131 at 5,000 synthetic rules x 100 facts)."""
    rule._wrapped = action
    return functools.update_wrapper(rule, action)


def _action(rule_index: int, rule_id: str, branch: int) -> Callable[..., None]:
    # One function object per branch: experta merges rules whose action functions are equal.
    def action(engine: Any, **bindings: Any) -> None:
        """The runner records the firing; the rule itself has nothing to do."""

    action.__name__ = f"{rule_id}#{branch}"
    action.synergy_rule_index = rule_index  # type: ignore[attr-defined]
    action.synergy_branch = branch  # type: ignore[attr-defined]
    # experta's Rule asks for the action's signature to learn which bindings to pass; every
    # action has this one, and inspect.signature reads a function's own answer first instead
    # of working it out again for each rule
    action.__signature__ = _ACTION_SIGNATURE  # type: ignore[attr-defined]
    return action


def _action_shape(engine: Any, **bindings: Any) -> None:
    """What every action takes: the engine, and every binding by name."""


_ACTION_SIGNATURE = inspect.signature(_action_shape)
