"""The comparisons rules make, checked against their meaning written out plainly: the quick
paths for plain ints and floats must answer every value as the definition does (bools are not
numbers, a float subclass is, text never compares by size)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synergy_compass.engine.rules.matching import compare_with, is_number, passes


class _Measure(float):
    """A float subclass, as a library may hand over: a number, though not exactly a float."""


def _meant_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _meant_passes(operator: str, operand: Any, value: Any) -> bool:
    if operator == "not":
        return bool(value != operand)
    if operator == "one_of":
        return value in operand
    if operator == "none_of":
        return value not in operand
    if not _meant_number(value):
        return False
    bounds = {
        "at_least": value >= operand,
        "at_most": value <= operand,
        "above": value > operand,
        "below": value < operand,
    }
    return bool(bounds[operator])


def _meant_compare(operator: str, value: Any, other: Any, amount: float) -> bool:
    if operator == "not":
        return bool(value != other)
    if not (_meant_number(value) and _meant_number(other)):
        return False
    if operator == "within":
        return bool(abs(value - other) <= amount)
    if operator == "beyond":
        return bool(abs(value - other) >= amount)
    return _meant_passes(operator, other + amount, value)


_SMALL = st.integers(-5, 5)
_VALUES = st.one_of(
    _SMALL,
    _SMALL.map(float),
    _SMALL.map(_Measure),
    st.booleans(),
    st.sampled_from(["3", "pdi", ""]),
    st.none(),
)
_BOUNDS = ("at_least", "at_most", "above", "below")


@given(st.sampled_from((*_BOUNDS, "not")), _VALUES, _VALUES)
def test_passes_means_what_the_operator_says(operator: str, operand: Any, value: Any) -> None:
    if operator in _BOUNDS and not _meant_number(operand):
        operand = 0  # the loader gives a bound as a number
    assert passes(operator, operand, value) == _meant_passes(operator, operand, value)


@given(st.sampled_from(("one_of", "none_of")), st.lists(_VALUES, max_size=3), _VALUES)
def test_passes_by_membership(operator: str, operand: list[Any], value: Any) -> None:
    assert passes(operator, tuple(operand), value) == _meant_passes(operator, operand, value)


@given(
    st.sampled_from((*_BOUNDS, "not", "within", "beyond")),
    _VALUES,
    _VALUES,
    st.sampled_from((0.0, 0.5, -1.0, 2)),
)
def test_compare_with_means_what_the_operator_says(
    operator: str, value: Any, other: Any, amount: float
) -> None:
    expected = _meant_compare(operator, value, other, amount)
    assert compare_with(operator, value, other, amount) == expected


@pytest.mark.parametrize(
    ("value", "number"),
    [(3, True), (2.5, True), (_Measure(1.0), True), (True, False), (False, False), ("3", False)],
)
def test_is_number(value: Any, number: bool) -> None:
    assert is_number(value) is number
