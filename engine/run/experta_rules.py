"""Each rule branch as an experta ``Rule`` with its own action function, so experta never
merges two rules, and each carries its position in the KB so the agenda can order activations
totally.

With our network experta reads only a rule's salience and action; its conditions matter when
experta's own RETE is chosen (``matcher="rete"``), for which predicates are interned so
identical tests share one alpha node and equality is compiled to literal tests, which it
shares. ``PATTERN_PREFIX`` names the matched facts in an activation's context: the agenda, the
matcher and the runner all read them back by that name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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
    """The experta ``Rule`` of each branch, written out the first time it is needed.

    With our network experta never reads a rule's conditions, only its salience and action
    when it is activated; building every rule up front (experta inspects each action's
    signature) would cost more than a whole run, so a rule is built when a branch first
    matches, or when someone asks the engine for its rules.
    """

    def __init__(self, branches: tuple[CompiledBranch, ...], classes: Mapping[str, type[Any]]):
        self.branches = branches
        self.classes = classes
        self.built: list[Any] = [None] * len(branches)

    def __len__(self) -> int:
        return len(self.branches)

    def __getitem__(self, index: int) -> Any:
        rule = self.built[index]
        if rule is None:
            rule = self.built[index] = experta_rule(self.branches[index], self.classes)
        return rule


FiringRecord = tuple[str, int, tuple[str, ...], tuple[tuple[Pattern, ...], ...]]
"""What each firing of a branch records of it: our rule's id, the branch's number, the findings
the rule concludes (in the order written) and the patterns of each of its ``exists``."""


def experta_rule(branch: CompiledBranch, classes: Mapping[str, type[Any]]) -> Any:
    """The experta ``Rule`` for one branch, with its own action function; the rule carries
    ``synergy_firing`` (:data:`FiringRecord`), which the runner reads at the rule's first
    firing in each run instead of finding the branch and its rule again."""
    conditions = _BranchCompiler(classes).compile(branch.atoms)
    action = _action(branch.rule_index, branch.rule_id, branch.branch)
    conclusions = tuple(branch.expansion.located.value.then.conclude)
    record: FiringRecord = (branch.rule_id, branch.branch, conclusions, branch.existence)
    action.synergy_firing = record  # type: ignore[attr-defined]
    return Rule(*conditions, salience=branch.salience)(action)


def _action(rule_index: int, rule_id: str, branch: int) -> Callable[..., None]:
    # One function object per branch: experta merges rules whose action functions are equal.
    def action(engine: Any, **bindings: Any) -> None:
        """The runner records the firing; the rule itself has nothing to do."""

    action.__name__ = f"{rule_id}#{branch}"
    action.synergy_rule_index = rule_index  # type: ignore[attr-defined]
    action.synergy_branch = branch  # type: ignore[attr-defined]
    return action
