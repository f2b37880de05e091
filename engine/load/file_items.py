"""Validate one parsed KB file by its kind and collect its items, each with its location.

A list file is validated item by item, so one bad item does not hide the others; the loader
(:mod:`.loader`) walks the directories and assembles what is collected here into a
:class:`KnowledgeBase`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem, ProblemCode, did_you_mean
from ..schemas.countries import CountriesFile, CountryAlias, normalized
from ..schemas.document import YamlDocument
from ..schemas.kb import Advice, CultureProfile, Dimension, Finding, LintExclusion, Manifest, Source
from ..schemas.kb_files import (
    FILE_DEFAULTS,
    FILE_KINDS,
    CultureFile,
    LintFile,
    ManifestFile,
    RuleFileDefaults,
)
from ..schemas.knowledge_base import CheckedLocated, Located
from ..schemas.note_hints import NoteHintsFile, PhraseHint
from ..schemas.questionnaire import Questionnaire
from ..schemas.rules import RuleSpec
from .problem_codes import describe
from .validation_messages import problems_from_validation


@dataclass
class Collected:
    """What the files hold so far, and every problem met on the way."""

    manifest: Located[Manifest] | None = None
    sources: dict[str, Located[Source]] = field(default_factory=dict)
    dimensions: dict[str, Located[Dimension]] = field(default_factory=dict)
    cultures: dict[str, Located[CultureProfile]] = field(default_factory=dict)
    findings: dict[str, Located[Finding]] = field(default_factory=dict)
    advice: dict[str, Located[Advice]] = field(default_factory=dict)
    rules: list[Located[RuleSpec]] = field(default_factory=list)
    rule_ids: dict[str, Located[RuleSpec]] = field(default_factory=dict)  # the first of each id
    lint_exclusions: list[Located[LintExclusion]] = field(default_factory=list)
    note_hints: list[Located[PhraseHint]] = field(default_factory=list)
    lint_role_words: list[str] = field(default_factory=list)
    country_aliases: dict[str, Located[CountryAlias]] = field(default_factory=dict)
    questionnaires: dict[str, Located[Questionnaire]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    manifest_written: bool = False  # a kb.yaml was found, valid or not


def _validate(model: type[BaseModel], document: YamlDocument) -> BaseModel:
    try:
        return model.model_validate(document.data)
    except ValidationError as error:
        raise InvalidFileError(problems_from_validation(error, model, document)) from error


class InvalidFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _kind_of(document: YamlDocument) -> str:
    data = document.data
    kinds = ", ".join(FILE_KINDS)
    if not isinstance(data, dict):
        raise InvalidFileError(
            [
                Problem(
                    document.location(()),
                    f"expected a mapping with one of the keys {kinds}; found {type(data).__name__}",
                    code=ProblemCode.schema,
                )
            ]
        )
    known = [key for key in data if key in FILE_KINDS]
    defaults = FILE_DEFAULTS.get(known[0], frozenset()) if len(known) == 1 else frozenset()
    if len(known) != 1 or any(key not in FILE_KINDS and key not in defaults for key in data):
        first = next(iter(data), "")
        # A file with none of the kinds may not be a KB file at all (credentials, a config):
        # its keys are counted, never quoted.
        found = (
            ", ".join(map(repr, data))
            if known
            else f"{len(data)} other key{'' if len(data) == 1 else 's'}"
            if data
            else "none"
        )
        raise InvalidFileError(
            [
                Problem(
                    document.location(()),
                    "a knowledge-base file has exactly one top-level key naming its kind "
                    f"({kinds}); found {found}",
                    hint=did_you_mean(str(first), FILE_KINDS) if not known else "",
                    code=ProblemCode.schema,
                )
            ]
        )
    return str(known[0])


describe(ProblemCode.duplicate_id, "Two items of one kind share an id.")


def _add_unique(
    table: dict[str, Located[Any]], item: Located[Any], kind: str, problems: list[Problem]
) -> None:
    identifier = item.value.country if kind == "culture profile" else item.value.id
    key = "country" if kind == "culture profile" else "id"
    if identifier in table:
        first = table[identifier].location(key)
        problems.append(
            Problem(
                item.location(key),
                f"duplicate {kind} id {identifier!r}; it is already defined at {first}",
                hint="Ids must be unique across the whole knowledge base; rename one of them.",
                code=ProblemCode.duplicate_id,
            )
        )
    else:
        table[identifier] = item


def _add_alias(
    table: dict[str, Located[CountryAlias]], alias: Located[CountryAlias], problems: list[Problem]
) -> None:
    """An alias, unless the KB (or the one it extends) already gives that name a meaning."""
    key = normalized(alias.value.name)
    if key in table:
        problems.append(
            Problem(
                alias.location("name"),
                f"the country alias {alias.value.name!r} is already defined at "
                f"{table[key].location('name')}",
                hint="Each name means one country; remove one of them.",
                code=ProblemCode.duplicate_id,
            )
        )
    else:
        table[key] = alias


_ITEM_KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "rules": (RuleSpec, "rule"),
    "advice": (Advice, "advice"),
    "findings": (Finding, "finding"),
    "sources": (Source, "source"),
    "dimensions": (Dimension, "dimension"),
    "questionnaires": (Questionnaire, "questionnaire"),
}


def _collect_items(kind: str, document: YamlDocument, collected: Collected) -> None:
    """Validate a list file item by item, so one bad item does not hide the others."""
    items = document.data[kind]
    if not isinstance(items, list):
        raise InvalidFileError(
            [
                Problem(
                    document.location((kind,)),
                    f"'{kind}' should be a list of entries; found {type(items).__name__}",
                    kind,
                    code=ProblemCode.schema,
                )
            ]
        )
    if kind == "rules":
        defaults = {key: document.data[key] for key in FILE_DEFAULTS[kind] if key in document.data}
        try:
            RuleFileDefaults.model_validate(defaults)
        except ValidationError as error:
            collected.problems += problems_from_validation(error, RuleFileDefaults, document)
    model, label = _ITEM_KINDS[kind]
    for index, raw in enumerate(items):
        try:
            item = model.model_validate(raw)
        except ValidationError as error:
            collected.problems += problems_from_validation(error, model, document, (kind, index))
            continue
        located: Located[Any] = Located(item, document, (kind, index))
        if kind == "rules":
            _add_unique(collected.rule_ids, located, label, collected.problems)
            collected.rules.append(located)
        else:
            _add_unique(getattr(collected, kind), located, label, collected.problems)


def collect_checked(document: YamlDocument, collected: Collected) -> None:
    """A file of a KB that passed every check with these bytes: items are validated when
    first read (see :class:`CheckedLocated`); the small manifest and lint files at once."""
    kind = _kind_of(document)  # a rules file may also carry its defaults (roles)
    if kind == "culture":
        profile = CheckedLocated[CultureProfile](CultureProfile, document, ("culture",))
        collected.cultures[str(document.data["culture"]["country"])] = profile
        return
    if kind not in _ITEM_KINDS:
        collect(document, collected)
        return
    model = _ITEM_KINDS[kind][0]
    for index, raw in enumerate(document.data[kind]):
        located: Located[Any] = CheckedLocated[Any](model, document, (kind, index))
        if kind == "rules":
            collected.rules.append(located)
        else:
            getattr(collected, kind)[str(raw["id"])] = located


def collect(document: YamlDocument, collected: Collected) -> None:
    kind = _kind_of(document)
    collected.manifest_written |= kind == "knowledge_base"
    if kind in _ITEM_KINDS:
        _collect_items(kind, document, collected)
        return
    model = _validate(FILE_KINDS[kind], document)
    if isinstance(model, ManifestFile):
        collected.manifest = Located(model.knowledge_base, document, ("knowledge_base",))
    elif isinstance(model, CultureFile):
        located = Located(model.culture, document, ("culture",))
        _add_unique(collected.cultures, located, "culture profile", collected.problems)
    elif isinstance(model, LintFile):
        collected.lint_role_words.extend(model.lint.role_words)
        for index, exclusion in enumerate(model.lint.disable):
            collected.lint_exclusions.append(
                Located(exclusion, document, ("lint", "disable", index))
            )
    elif isinstance(model, CountriesFile):
        for index, alias in enumerate(model.countries.aliases):
            located_alias = Located(alias, document, ("countries", "aliases", index))
            _add_alias(collected.country_aliases, located_alias, collected.problems)
    elif isinstance(model, NoteHintsFile):
        for index, hint in enumerate(model.note_hints):
            collected.note_hints.append(Located(hint, document, ("note_hints", index)))
