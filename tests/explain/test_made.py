"""Report items made without validating again hold what validation would have made."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, PrivateAttr
from synergy_compass.engine.api import advise, compiled_knowledge_base, read_scenario
from synergy_compass.engine.explain.made import made
from synergy_compass.engine.schemas.facts import ScenarioOrigin
from synergy_compass.engine.schemas.report import HowNode, Report

MINI_KB = Path("tests/fixtures/mini_kb")


def _same_types(made_value: Any, validated: Any, where: str = "report") -> None:
    """Every value, down to the leaves, of the very type validation gives (1 is not 1.0, a
    list is not a tuple, a text is not an enum member)."""
    assert type(made_value) is type(validated), where
    if isinstance(made_value, BaseModel):
        for name in type(made_value).model_fields:
            _same_types(getattr(made_value, name), getattr(validated, name), f"{where}.{name}")
    elif isinstance(made_value, tuple | list):
        assert len(made_value) == len(validated), where
        for number, (one, other) in enumerate(zip(made_value, validated, strict=True)):
            _same_types(one, other, f"{where}[{number}]")
    elif isinstance(made_value, dict):
        assert list(made_value) == list(validated), where
        for key in made_value:
            _same_types(made_value[key], validated[key], f"{where}[{key!r}]")
    else:
        assert made_value == validated or (math.isnan(made_value) and math.isnan(validated)), where


def _reports() -> list[tuple[str, Report]]:
    found = []
    for kb_root, folder in ((None, Path("kb/scenarios")), (MINI_KB, MINI_KB / "scenarios")):
        compiled = compiled_knowledge_base(kb_root)
        for path in sorted(folder.glob("*.yaml")):
            found.append((path.name, advise(read_scenario(path, kb_root).scenario, compiled)))
    return found


def test_every_shipped_report_is_what_validating_it_again_gives() -> None:
    for name, report in _reports():
        validated = Report.model_validate(report.model_dump())
        assert validated.model_dump_json() == report.model_dump_json(), name
        _same_types(report, validated, name)


def test_an_item_holds_its_fields_in_order_with_the_defaults_not_given() -> None:
    origin = ScenarioOrigin(paths=("we_observe[0]",))
    item = made(HowNode, origin=origin, fact="observation kind=silence")
    validated = HowNode(fact="observation kind=silence", origin=origin)
    assert list(item.__dict__) == list(validated.__dict__) == ["fact", "origin", "concluded_by"]
    assert item == validated
    assert item.model_fields_set == validated.model_fields_set == {"fact", "origin"}
    assert item.model_dump_json() == validated.model_dump_json()
    with pytest.raises(ValueError, match="frozen"):
        item.fact = "changed"


def test_an_unknown_field_or_a_required_one_left_out_is_refused() -> None:
    origin = ScenarioOrigin(paths=("we_observe[0]",))
    with pytest.raises(TypeError, match="unknown fields \\['fcat'\\]"):
        made(HowNode, fcat="x", origin=origin)
    with pytest.raises(TypeError, match="without \\['origin'\\]"):
        made(HowNode, fact="x")


def test_as_many_fields_as_the_model_has_are_still_checked_by_name() -> None:
    # the count of fields given alone cannot show that every name is known
    origin = ScenarioOrigin(paths=("we_observe[0]",))
    with pytest.raises(TypeError, match="unknown fields \\['fcat'\\] or without \\['fact'\\]"):
        made(HowNode, fcat="x", origin=origin, concluded_by=())


def test_a_model_holding_more_than_its_fields_is_refused() -> None:
    class Private(BaseModel):
        value: int
        _seen: int = PrivateAttr(default=0)

    with pytest.raises(TypeError, match="private or extra"):
        made(Private, value=1)
