"""``compass kb schema``: JSON Schemas of the file formats, for editors and CI validators."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from ..schemas import kb_files
from ..schemas.countries import CountriesFile
from ..schemas.note_hints import NoteHintsFile
from ..schemas.profiles import PersonalProfile
from ..schemas.scenario import Scenario
from ..schemas.team import Team

SCHEMAS: dict[str, type[BaseModel]] = {
    "rule": kb_files.RulesFile,
    "advice": kb_files.AdviceFile,
    "culture": kb_files.CultureFile,
    "finding": kb_files.FindingsFile,
    "source": kb_files.SourcesFile,
    "dimension": kb_files.DimensionsFile,
    "countries": CountriesFile,
    "notes": NoteHintsFile,
    "manifest": kb_files.ManifestFile,
    "lint": kb_files.LintFile,
    "questionnaire": kb_files.QuestionnairesFile,
    "scenario": Scenario,
    "profile": PersonalProfile,
    "team": Team,
}


def json_schema(kind: str) -> dict[str, Any]:
    """The JSON Schema of one file kind (draft 2020-12), with a title and description."""
    schema = SCHEMAS[kind].model_json_schema(by_alias=True)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema.setdefault("title", f"Synergy Compass {kind} file")
    return schema


def json_schema_text(kind: str) -> str:
    return json.dumps(json_schema(kind), indent=2, ensure_ascii=False) + "\n"
