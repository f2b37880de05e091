"""The JSON Schemas shipped for editors stay in step with the models, accept every shipped
file, and reject broken ones, in a standard validator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jsonschema
import pytest
from synergy_compass.engine.authoring.json_schemas import SCHEMAS, json_schema, json_schema_text
from synergy_compass.engine.load.yaml_source import read_yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_DIRECTORY = ROOT / "docs" / "schemas"
KB_DIRECTORY = ROOT / "kb"
SCENARIO_DIRECTORY = KB_DIRECTORY / "scenarios"
BROKEN_DIRECTORY = ROOT / "tests" / "fixtures" / "schema_broken"

# A KB file's kind is its top-level key; the schema kinds are named as `compass kb schema` lists.
KIND_OF_KEY = {
    "rules": "rule",
    "advice": "advice",
    "findings": "finding",
    "sources": "source",
    "dimensions": "dimension",
    "culture": "culture",
    "countries": "countries",
    "note_hints": "notes",
    "knowledge_base": "manifest",
    "lint": "lint",
    "questionnaires": "questionnaire",
}

SHIPPED_FILES = sorted(KB_DIRECTORY.rglob("*.yaml"))
BROKEN_FILES = sorted(BROKEN_DIRECTORY.glob("*.yaml"))


def _relative(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _load(path: Path) -> Any:
    # The project's own reader: YAML 1.2 booleans (Norway's NO stays text) and dates as text.
    return read_yaml(path, _relative(path)).data


def _kind(path: Path, data: Any) -> str:
    if path.parent == SCENARIO_DIRECTORY or path.name.startswith("scenario-"):
        return "scenario"
    if path.parent in (SCENARIO_DIRECTORY / "profiles", SCENARIO_DIRECTORY / "teams" / "profiles"):
        return "profile"  # the self-assessments the example scenarios and team files name
    if path.parent == SCENARIO_DIRECTORY / "teams":
        return "team"  # the example team files of `compass team`
    keys = [key for key in data if key != "roles"]
    assert len(keys) == 1, f"{_relative(path)}: cannot tell its kind from the keys {keys}"
    return KIND_OF_KEY[keys[0]]


def _errors(path: Path) -> list[str]:
    data = _load(path)
    validator = jsonschema.Draft202012Validator(json_schema(_kind(path, data)))
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message[:200]}"
        for error in validator.iter_errors(data)
    ]


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_the_published_schema_is_current(kind: str) -> None:
    published = (SCHEMA_DIRECTORY / f"{kind}.schema.json").read_text(encoding="utf-8")
    assert published == json_schema_text(kind), (
        f"docs/schemas/{kind}.schema.json is out of date: "
        f"run `compass kb schema {kind} > docs/schemas/{kind}.schema.json`"
    )


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_every_schema_is_a_valid_json_schema(kind: str) -> None:
    jsonschema.Draft202012Validator.check_schema(json_schema(kind))


def test_every_schema_kind_has_a_shipped_file() -> None:
    kinds = {_kind(path, _load(path)) for path in SHIPPED_FILES}
    assert kinds == set(SCHEMAS)


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=_relative)
def test_every_shipped_file_validates_against_its_schema(path: Path) -> None:
    assert _errors(path) == []


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda path: path.name)
def test_a_broken_file_fails_its_schema(path: Path) -> None:
    assert _errors(path), f"{_relative(path)} should not validate"


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda path: path.name)
def test_a_broken_file_is_rejected_by_the_models_too(path: Path) -> None:
    # The schema and the models agree: each broken file is one the loader refuses as well.
    data = _load(path)
    kind = _kind(path, data)
    with pytest.raises(ValueError, match="validation error"):
        SCHEMAS[kind].model_validate(data)


def test_there_are_broken_files_for_several_kinds() -> None:
    kinds = {_kind(path, _load(path)) for path in BROKEN_FILES}
    assert {"rule", "advice", "scenario", "manifest", "lint"} <= kinds
