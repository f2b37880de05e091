"""The JSON Schemas shipped for editors stay in step with the models."""

from __future__ import annotations

from pathlib import Path

import pytest
from synergy_compass.engine.authoring.json_schemas import SCHEMAS, json_schema_text

SCHEMA_DIRECTORY = Path(__file__).resolve().parents[2] / "docs" / "schemas"


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_published_schema_is_current(kind: str) -> None:
    published = (SCHEMA_DIRECTORY / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert published == json_schema_text(kind), (
        f"docs/schemas/{kind}.schema.json is out of date: "
        f"run `compass kb schema {kind} > docs/schemas/{kind}.schema.json`"
    )
