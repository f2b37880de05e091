"""The agenda's order: many activations added at once land where one-by-one insertion puts them."""

from __future__ import annotations

import bisect
import random
from types import SimpleNamespace
from typing import Any

import pytest
from synergy_compass.engine.run.agenda import TotalOrderStrategy
from synergy_compass.engine.run.experta_compat import Activation, Agenda


def activation(rule_index: int, fact_ids: tuple[int, ...]) -> Any:
    made = Activation(SimpleNamespace(salience=0), frozenset(), {})
    made.key = (0, -rule_index, 0, tuple([-fact_id for fact_id in fact_ids]))
    return made


@pytest.mark.parametrize(("waiting", "added"), [(0, 40), (30, 200), (500, 40), (2000, 17)])
def test_a_batch_lands_where_insertion_one_by_one_puts_it(waiting: int, added: int) -> None:
    draw = random.Random(waiting * 7919 + added)
    keys = draw.sample(range(100_000), waiting + added)  # keys are unique on an agenda
    made = [activation(key % 97, (key,)) for key in keys]
    agenda = Agenda()
    for one in made[:waiting]:
        bisect.insort(agenda.activations, one)
    expected = list(agenda.activations)
    for one in made[waiting:]:
        bisect.insort(expected, one)
    batch = made[waiting:]
    draw.shuffle(batch)
    TotalOrderStrategy()._update_agenda(agenda, batch, [])
    assert [one.key for one in agenda.activations] == [one.key for one in expected]
    assert all(a is b for a, b in zip(agenda.activations, expected, strict=True))
