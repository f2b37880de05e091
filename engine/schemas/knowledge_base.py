"""The validated knowledge base as one frozen hand-off, each item kept with its place in a file."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Generic, TypeVar

from pydantic import ValidationError

from ..errors import KnowledgeBaseError, Location, Problem, ProblemCode
from .countries import CountryAlias, CountryResolver
from .document import PathKey, YamlDocument, value_at
from .kb import (
    Advice,
    CultureProfile,
    Dimension,
    Finding,
    LintExclusion,
    Manifest,
    Source,
)
from .note_hints import PhraseHint
from .questionnaire import Questionnaire
from .rules import RuleSpec

Item = TypeVar("Item")
Found = TypeVar("Found")


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

    def remembered(self, name: str, work: Callable[[], Found]) -> Found:
        """``work()``, worked out once for this item under ``name`` (an item and its file never
        change): a rule's branches are wanted by the cross-checks, the compiler and why-not."""
        memo = self.__dict__  # a frozen dataclass's fields are set there too, hence the prefix
        key = f"_remembered_{name}"
        if key not in memo:
            memo[key] = work()
        found: Found = memo[key]
        return found


class CheckedLocated(Located[Item]):
    """An item of a KB that passed every check before, read back from the checked-KB cache
    (:mod:`engine.load.cache`): it is validated the first time its value is read, so a run
    pays only for the rules, advice and profiles it touches (a run reads a small part of the KB)."""

    def __init__(self, model: type[Any], document: YamlDocument, path: PathKey) -> None:
        object.__setattr__(self, "document", document)
        object.__setattr__(self, "path", path)
        object.__setattr__(self, "_model", model)

    @cached_property
    def value(self) -> Item:
        # cached_property stores the result in the instance, where later reads find it
        # directly (a run reads rule values tens of thousands of times)
        try:
            found: Item = self.__dict__["_model"].model_validate(self.raw())
        except ValidationError as error:  # the entry was changed after it was written
            raise KnowledgeBaseError(
                [
                    Problem(
                        self.location(),
                        "the checked-KB cache holds a copy of this item that is not valid "
                        f"({error.error_count()} errors); the file itself was checked",
                        hint="Delete the cache directory, or set COMPASS_NO_CACHE=1.",
                        code=ProblemCode.cache,
                    )
                ]
            ) from None
        return found


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
    note_hints: tuple[Located[PhraseHint], ...] = ()  # kb/notes.yaml: words in free text
    lint_role_words: tuple[str, ...] = ()  # from the lint files; see LintConfig
    country_aliases: tuple[Located[CountryAlias], ...] = ()  # kb/countries.yaml and extensions
    # kb/questionnaire.yaml (compass profile), and any an extension adds, by id in load order
    questionnaires: Mapping[str, Located[Questionnaire]] = field(default_factory=dict)

    @cached_property
    def countries(self) -> CountryResolver:
        """Reads countries as people write them, with this KB's aliases."""
        return CountryResolver(alias.value for alias in self.country_aliases)

    @cached_property
    def _rules_by_id(self) -> dict[str, Located[RuleSpec]]:
        # by the id as written, so that finding one rule does not validate every checked one
        return {str(rule.raw("id")): rule for rule in self.rules}

    def rule(self, rule_id: str) -> Located[RuleSpec]:
        """The rule with this id (``KeyError`` if there is none)."""
        return self._rules_by_id[rule_id]
