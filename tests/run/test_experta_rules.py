"""How a branch's tests become experta conditions: one hashable predicate per field, shared
between rules, and variable comparisons that take only their own bindings."""

from __future__ import annotations

import inspect

from synergy_compass.engine.run.experta_rules import FieldPredicate, _intern
from synergy_compass.engine.run.network import VariableComparison


def test_field_predicates_combine_tests_and_reject_non_numbers() -> None:
    predicate = FieldPredicate((("at_least", 10.0), ("below", 20.0), ("none_of", frozenset({15}))))
    assert predicate(10)
    assert not predicate(15)
    assert not predicate(20)
    assert not predicate("12")
    assert not predicate(True)


def test_variable_comparisons_take_only_their_bindings() -> None:
    comparison = VariableComparison("at_least", "_v0", "ours", 20)
    assert list(inspect.signature(comparison).parameters) == ["_v0", "ours"]
    assert comparison(_v0=60, ours=40)
    assert not comparison(_v0=59, ours=40)
    assert not comparison(_v0=60, ours=None)


def test_identical_tests_share_one_predicate_object() -> None:
    # Interning matters: experta shares an alpha node only for the same callable object.
    first = FieldPredicate((("one_of", frozenset({"a", "b"})),))
    second = FieldPredicate((("one_of", frozenset({"b", "a"})),))
    assert _intern(first) is _intern(second)
