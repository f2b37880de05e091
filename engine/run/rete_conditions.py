"""A branch's conditions written out as experta conditional elements, for experta's own RETE
(``matcher="rete"``): constant tests on a field become one hashable predicate, interned so
identical tests share one alpha node, and equality becomes a literal test, which RETE shares.

Only a KB compiled for RETE imports this module: with our network, experta's rules carry no
conditions (:class:`.experta_rules.RuleBook`), and a start would pay for its classes for
nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..rules.matching import passes
from ..schemas.conditions import Atom
from ..schemas.rules import FieldTest, Pattern, VariableOperand
from .experta_compat import AND, AS, EXISTS, MATCH, NOT, TEST, P
from .experta_rules import PATTERN_PREFIX
from .network import HIDDEN_PREFIX, VariableComparison

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


def rete_conditions(atoms: tuple[Atom, ...], classes: Mapping[str, type[Any]]) -> list[Any]:
    """The conditional elements of one branch's atoms, for its experta ``Rule``."""
    return _BranchCompiler(classes).compile(atoms)
