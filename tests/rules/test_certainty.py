from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synergy_compass.engine.rules.certainty import combine, combine_all, in_words, premise

factor = st.floats(min_value=-0.99, max_value=0.99, allow_nan=False)


def test_positive_evidence_reinforces_without_exceeding_one() -> None:
    assert combine(0.6, 0.5) == pytest.approx(0.8)


def test_negative_evidence_combines_towards_minus_one() -> None:
    assert combine(-0.6, -0.5) == pytest.approx(-0.8)


def test_mixed_evidence_partly_cancels() -> None:
    assert combine(0.8, -0.4) == pytest.approx((0.8 - 0.4) / (1 - 0.4))
    assert combine(0.5, -0.5) == pytest.approx(0.0)


def test_no_evidence_and_premises() -> None:
    assert combine_all([]) == 0.0
    assert premise([]) == 1.0
    assert premise([0.9, 0.4, 0.7]) == 0.4


@given(factor, factor)
def test_combination_is_commutative(first: float, second: float) -> None:
    assert combine(first, second) == pytest.approx(combine(second, first))


@given(factor, factor, factor)
def test_combination_is_associative_and_bounded(a: float, b: float, c: float) -> None:
    left = combine(combine(a, b), c)
    assert left == pytest.approx(combine(a, combine(b, c)), abs=1e-9)
    assert -1 <= left <= 1


def test_certainty_in_words_follows_the_documented_thresholds_as_shown() -> None:
    assert [in_words(value) for value in (1.0, 0.7, 0.6951, 0.69, 0.4, 0.3996, 0.39, 0.0)] == [
        "high",
        "high",
        "high",
        "medium",
        "medium",
        "medium",
        "low",
        "low",
    ]
