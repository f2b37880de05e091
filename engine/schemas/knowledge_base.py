"""The validated knowledge base as one frozen hand-off, each item kept with its place in a file."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Generic, TypeVar

from engine.errors import Location
from engine.schemas.kb import (
    Advice,
    CultureProfile,
    Dimension,
    Finding,
    LintExclusion,
    Manifest,
    RuleSpec,
    Source,
)
from engine.yaml_source import PathKey, YamlDocument, value_at

Item = TypeVar("Item")


@dataclass(frozen=True)
class Located(Generic[Item]):
    """A KB item and where it was written, so every later message can point at it."""

    value: Item
    document: YamlDocument
    path: PathKey

    def location(self, *subpath: str | int, key: bool = False) -> Location:
        return self.document.location((*self.path, *subpath), key=key)

    def raw(self, *subpath: str | int) -> Any:
        """The plain YAML data at ``subpath`` below this item (None where there is none)."""
        return value_at(self.document.data, (*self.path, *subpath))


@dataclass(frozen=True)
class KnowledgeBase:
    """Everything in a knowledge-base directory, validated; ``digest`` hashes its files."""

    root: str
    roots: tuple[str, ...]
    manifest: Manifest
    digest: str
    sources: Mapping[str, Located[Source]]
    dimensions: Mapping[str, Located[Dimension]]
    cultures: Mapping[str, Located[CultureProfile]]
    findings: Mapping[str, Located[Finding]]
    advice: Mapping[str, Located[Advice]]
    rules: tuple[Located[RuleSpec], ...]
    lint_exclusions: tuple[Located[LintExclusion], ...] = ()

    @cached_property
    def _rules_by_id(self) -> dict[str, Located[RuleSpec]]:
        return {rule.value.id: rule for rule in self.rules}

    def rule(self, rule_id: str) -> Located[RuleSpec]:
        """The rule with this id (``KeyError`` if there is none)."""
        return self._rules_by_id[rule_id]
