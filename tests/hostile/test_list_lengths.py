"""Issue 19 item 1: a scenario's lists have documented maximum lengths, refused at the list with
its place in the file, so a scenario cannot grow a run's facts (and their combinations) without
bound. One more than the limit is refused; the limit itself loads."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from synergy_compass.engine.errors import ScenarioError
from synergy_compass.engine.load.scenario import parse_scenario
from synergy_compass.engine.schemas import scenario as model


def _scenario(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "title": "Long lists",
        "we": {"culture": "US"},
        "they": {"culture": "Japan"},
        "goal": {"kind": "expand_scope"},
    }
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        place = base
        for parent in parents:
            place = place[parent]
        place[last] = value
    return base


def _person(number: int) -> dict[str, str]:
    return {"role": f"engineer {number}", "rank": "working"}


def _party(number: int) -> dict[str, str]:
    return {"kind": "intermediary", "culture": "Germany", "name": f"agent {number}"}


CASES = [
    ("they__people", "they.people", model.MAX_PEOPLE, _person),
    ("we__people", "we.people", model.MAX_PEOPLE, _person),
    ("parties", "parties", model.MAX_PARTIES, _party),
    ("we_are_doing", "we_are_doing", model.MAX_ACTIONS, lambda _: "email_only_contact"),
    ("we_observe", "we_observe", model.MAX_OBSERVATIONS, lambda _: "no_decision"),
]


@pytest.mark.parametrize(("key", "field", "limit", "item"), CASES, ids=[c[1] for c in CASES])
def test_one_past_the_limit_is_refused_at_the_list(
    key: str, field: str, limit: int, item: Any
) -> None:
    text = yaml.safe_dump(_scenario(**{key: [item(n) for n in range(limit + 1)]}))
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text.encode(), "long.yaml")
    message = str(caught.value)
    assert message.startswith("long.yaml:"), message[:300]
    assert f"at most {limit} items" in message
    assert f"not {limit + 1}" in message
    assert f"(at {field})" in message


@pytest.mark.parametrize(("key", "field", "limit", "item"), CASES, ids=[c[1] for c in CASES])
def test_the_limit_itself_loads(key: str, field: str, limit: int, item: Any) -> None:
    text = yaml.safe_dump(_scenario(**{key: [item(n) for n in range(limit)]}))
    loaded = parse_scenario(text.encode(), "long.yaml")
    assert loaded.scenario.title == "Long lists"
