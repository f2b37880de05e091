"""The knowledge-base files: each is one YAML mapping whose single top-level key says its
kind, and :data:`FILE_KINDS` maps that key to the model of the whole file.

The published JSON Schemas (:mod:`engine.authoring.json_schemas`) are made from these models.
"""

# No `from __future__ import annotations` here: pydantic reads these models' field types
# as objects, with nothing to compile when a class is made (tests/schemas/test_annotations.py).
from typing import Annotated

from pydantic import Field

from .base import Frozen
from .countries import CountriesFile
from .kb import Advice, CultureProfile, Dimension, Finding, LintExclusion, Manifest, Source
from .note_hints import NoteHintsFile
from .questionnaire import Questionnaire
from .rules import RuleSpec
from .vocabulary import Role


class SourcesFile(Frozen):
    sources: tuple[Source, ...]


class DimensionsFile(Frozen):
    dimensions: tuple[Dimension, ...]


class CultureFile(Frozen):
    culture: CultureProfile


class FindingsFile(Frozen):
    findings: tuple[Finding, ...]


class AdviceFile(Frozen):
    advice: tuple[Advice, ...]


class RuleFileDefaults(Frozen):
    """What a rules file says for all its rules, beside the list."""

    roles: tuple[Role, ...] = Field(
        default=(), description="The roles every rule of the file applies to, unless it says"
    )


class RulesFile(RuleFileDefaults):
    rules: tuple[RuleSpec, ...]


class QuestionnairesFile(Frozen):
    questionnaires: tuple[Questionnaire, ...]


class ManifestFile(Frozen):
    knowledge_base: Manifest


class LintConfig(Frozen):
    """A KB's own lint settings: the checks it switches off, and the data checks read."""

    role_words: tuple[Annotated[str, Field(min_length=1)], ...] = Field(
        default=(),
        description="Words and phrases that show advice or a finding is written for one side of "
        "a sale (selling, clients, vendors...); matched as whole words, in any case, by the "
        "role-unguarded check",
    )
    disable: tuple[LintExclusion, ...] = ()


class LintFile(Frozen):
    lint: LintConfig


# Keys a file may have beside the one naming its kind: defaults for its items.
FILE_DEFAULTS: dict[str, frozenset[str]] = {"rules": frozenset({"roles"})}

FILE_KINDS: dict[str, type[Frozen]] = {
    "knowledge_base": ManifestFile,
    "sources": SourcesFile,
    "dimensions": DimensionsFile,
    "culture": CultureFile,
    "findings": FindingsFile,
    "advice": AdviceFile,
    "rules": RulesFile,
    "lint": LintFile,
    "note_hints": NoteHintsFile,
    "countries": CountriesFile,
    "questionnaires": QuestionnairesFile,
}
