"""``compass compare``: what a gap means is worded from where each side actually sits."""

from __future__ import annotations

import pytest
from synergy_compass.engine.api import compare
from synergy_compass.engine.consult.compare import DimensionComparison


def _deciding(first: str, second: str) -> DimensionComparison:
    comparison = compare(first, second)
    return next(row for row in comparison.dimensions if row.dimension == "deciding")


@pytest.mark.parametrize("other", ["SA", "JP"])
def test_the_us_is_on_the_top_down_side_of_deciding(other: str) -> None:
    """The review found `compare US SA` telling a Saudi reader that US decisions are "built by
    consensus, slowly": the US sits on the top-down side of Meyer's deciding scale (slightly),
    so the text meant for the other country's reader never describes it as consensual."""
    row = _deciding("US", other)
    assert row.a > (row.minimum + row.maximum) / 2  # the data: top-down side
    assert row.clear
    for_other = row.for_b.lower()
    assert "consensus" not in for_other
    assert "top-down" in for_other


def test_a_partner_on_the_same_side_is_less_far_along_it_not_at_the_other_pole() -> None:
    row = _deciding("SA", "US")
    assert row.for_a.startswith("they are less far toward 'top-down'")
    assert "nearer 'consensual'" not in row.for_a
    assert row.for_b.startswith("they are nearer 'top-down'")


def test_partners_on_opposite_sides_get_the_pole_text() -> None:
    row = _deciding("JP", "US")
    assert row.for_a.startswith("they are nearer 'top-down'")
    assert row.for_b.startswith("they are nearer 'consensual'")
