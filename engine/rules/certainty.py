"""MYCIN certainty factors: how the certainties of several rules combine.

Certainties lie in [-1, 1]. Two positive pieces of evidence reinforce each other without
exceeding 1; two negative ones likewise towards -1; evidence for and against partly cancels.
The combination is commutative and associative, so the order in which rules fire does not
change the result (Shortliffe & Buchanan 1975; Buchanan & Shortliffe 1984, ch. 10).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import reduce
from typing import Literal

from ..schemas.profiles import WIDEST_BAND

COUNTRY_PLACEMENT_BAND = 10.0
"""How closely our coding places a country on a practical scale (kb/dimensions.yaml)."""


def combine(first: float, second: float) -> float:
    """Combine two certainty factors for the same conclusion."""
    if first >= 0 and second >= 0:
        return first + second * (1 - first)
    if first <= 0 and second <= 0:
        return first + second * (1 + first)
    denominator = 1 - min(abs(first), abs(second))
    return 0.0 if denominator == 0 else (first + second) / denominator


def combine_all(certainties: Iterable[float]) -> float:
    """Combine any number of certainty factors; no evidence at all gives 0."""
    return reduce(combine, certainties, 0.0)


def premise(certainties: Iterable[float]) -> float:
    """A conjunction is as certain as its weakest part (1 when nothing uncertain is matched)."""
    return min(certainties, default=1.0)


def band_certainty(band: float) -> float:
    """How certain a premise resting on a person's position counts, from its band (how far
    either side of the position they may really stand).

    A country's score on a practical scale is itself good to about +/-10 points
    (kb/dimensions.yaml) and counts as certain, so a person placed as closely counts as
    certain too: knowing the person must never make the advice less sure than guessing from
    their country did. A wider band falls in step to 0 at the widest band, which says the
    position is not known (a single observation's default band of 15 counts 0.875)."""
    if band <= COUNTRY_PLACEMENT_BAND:
        return 1.0
    return max(0.0, 1.0 - (band - COUNTRY_PLACEMENT_BAND) / (WIDEST_BAND - COUNTRY_PLACEMENT_BAND))


HIGH = 0.7
MEDIUM = 0.4


def in_words(value: float) -> Literal["high", "medium", "low"]:
    """A certainty as a client reads it: 'high' from 0.7, 'medium' from 0.4, else 'low'.

    The thresholds are the ones ``docs/kb-authoring.md`` documents; 0.4 is also the default
    certainty floor of the main plan, so nothing the plan leads with reads 'low'. The value is
    judged as shown, to two decimals, so that '0.40' never reads 'low'."""
    value = round(value, 2)
    if value >= HIGH:
        return "high"
    return "medium" if value >= MEDIUM else "low"
