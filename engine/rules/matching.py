"""What the condition language means, in plain Python.

experta evaluates rules through the predicates the compiler builds from these functions; the
runner (to name the facts that met an ``exists``) and the why-not explanation (to say which
test failed, and by how much) evaluate the same tests here, so all three agree by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from operator import ge, gt, le, lt
from typing import Any

from ..schemas.facts import Scalar
from ..schemas.rules import FieldTest, Pattern, VariableOperand

_PLAIN_NUMBERS = frozenset({int, float})
"""The types nearly every value a rule compares has exactly: a look-up by type answers them
without the isinstance tests (a network run asks hundreds of times a scenario)."""


def is_number(value: Any) -> bool:
    if type(value) in _PLAIN_NUMBERS:
        return True
    return isinstance(value, int | float) and not isinstance(value, bool)


def compare_with(operator: str, value: Any, other: Any, amount: float) -> bool:
    """``value OP other``: ``amount`` shifts ``other`` or is the distance (within, beyond)."""
    if operator == "not":
        return bool(value != other)
    if not (
        (type(value) in _PLAIN_NUMBERS or is_number(value))
        and (type(other) in _PLAIN_NUMBERS or is_number(other))
    ):
        return False
    if operator == "within":
        return bool(abs(value - other) <= amount)
    if operator == "beyond":
        return bool(abs(value - other) >= amount)
    compare = _COMPARE.get(operator)
    if compare is not None:  # value is a number: what passes would answer, without asking again
        return compare(value, other + amount)
    return passes(operator, other + amount, value)


def passes(operator: str, operand: Any, value: Any) -> bool:
    compare = _COMPARE.get(operator)
    if compare is not None:  # the usual test, asked first
        return (type(value) in _PLAIN_NUMBERS or is_number(value)) and compare(value, operand)
    if operator == "not":
        return bool(value != operand)
    if operator == "one_of":
        return value in operand
    if operator == "none_of":
        return value not in operand
    if not is_number(value):
        return False
    return _COMPARE[operator](value, operand)


_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "at_least": ge,
    "at_most": le,
    "above": gt,
    "below": lt,
}


def failed_tests(test: FieldTest, value: Scalar, bindings: Mapping[str, Any]) -> list[str]:
    """The keywords of ``test`` that ``value`` fails, given the bindings (empty: it passes).

    A comparison with a variable that is not bound yet is skipped: inside an ``exists`` the
    variable is the pattern's own, so any value can do.
    """
    failed = []
    if test.equals is not None and value != test.equals:
        failed.append("equals")
    constant = (
        ("not", None if isinstance(test.not_, VariableOperand) else test.not_),
        ("one_of", test.one_of),
        ("none_of", test.none_of),
    )
    failed += [
        name
        for name, operand in constant
        if operand is not None and not passes(name, operand, value)
    ]
    for operator, operand in test.comparisons():
        if isinstance(operand, float | int):
            if not passes(operator, operand, value):
                failed.append(operator)
        elif operand.var in bindings:
            amount = operand.plus if isinstance(operand, VariableOperand) else operand.by
            if not compare_with(operator, value, bindings[operand.var], amount):
                failed.append(operator)
    if test.as_ is not None and test.as_ in bindings and bindings[test.as_] != value:
        failed.append("as")
    return failed


def test_accepts(test: FieldTest, value: Scalar, bindings: Mapping[str, Any]) -> bool:
    """Whether ``value`` passes every part of ``test``."""
    return not failed_tests(test, value, bindings)


def bind(
    pattern: Pattern, fields: Mapping[str, Scalar], bindings: Mapping[str, Any]
) -> dict[str, Any]:
    """The bindings extended with the variables the pattern binds (``as``) on this fact."""
    extended = dict(bindings)
    for name, test in pattern.tests.items():
        if test.as_ is not None and name in fields:
            extended.setdefault(test.as_, fields[name])
    return extended


def pattern_accepts(
    pattern: Pattern, fact_type: str, fields: Mapping[str, Scalar], bindings: Mapping[str, Any]
) -> bool:
    """Whether a fact meets a pattern given the rule's bindings: the same semantics experta
    applies, used to name the facts that satisfied an ``exists`` condition."""
    if fact_type != pattern.fact_type:
        return False
    return all(
        name in fields and test_accepts(test, fields[name], bindings)
        for name, test in pattern.tests.items()
    )
