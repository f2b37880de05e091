"""Read knowledge-base directories into one validated, frozen :class:`KnowledgeBase`.

Every problem in every file is collected before anything is raised, so a knowledge engineer
sees all of them at once, each with ``path:line:col`` relative to the KB root. Finding the
files is :mod:`.discovery`; reading scenarios is :mod:`.scenario`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import KnowledgeBaseError, Location, Problem, ProblemCode, did_you_mean
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
from ..schemas.knowledge_base import CheckedLocated, KnowledgeBase, Located
from ..schemas.note_hints import NoteHintsFile, PhraseHint
from ..schemas.questionnaire import Questionnaire
from ..schemas.rules import RuleSpec, field_tests_shared
from . import cross_checks
from .cache import (
    CachedFile,
    deferred_document,
    load_entries,
    parse_for_load,
    read_checked_knowledge_base,
    retried_without_entries,
    write_checked_knowledge_base,
)
from .discovery import (
    MANIFEST_FILE,
    digest_file,
    display_prefixes,
    kb_digest,
    read_kb_file,
    resolve_roots,
    walk_kb,
)
from .problem_codes import describe
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError


@dataclass
class _Collected:
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
        raise _InvalidFileError(problems_from_validation(error, model, document)) from error


class _InvalidFileError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems


def _kind_of(document: YamlDocument) -> str:
    data = document.data
    kinds = ", ".join(FILE_KINDS)
    if not isinstance(data, dict):
        raise _InvalidFileError(
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
        raise _InvalidFileError(
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


def _collect_items(kind: str, document: YamlDocument, collected: _Collected) -> None:
    """Validate a list file item by item, so one bad item does not hide the others."""
    items = document.data[kind]
    if not isinstance(items, list):
        raise _InvalidFileError(
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


def _collect_checked(document: YamlDocument, collected: _Collected) -> None:
    """A file of a KB that passed every check with these bytes: items are validated when
    first read (see :class:`CheckedLocated`); the small manifest and lint files at once."""
    kind = _kind_of(document)  # a rules file may also carry its defaults (roles)
    if kind == "culture":
        profile = CheckedLocated[CultureProfile](CultureProfile, document, ("culture",))
        collected.cultures[str(document.data["culture"]["country"])] = profile
        return
    if kind not in _ITEM_KINDS:
        _collect(document, collected)
        return
    model = _ITEM_KINDS[kind][0]
    for index, raw in enumerate(document.data[kind]):
        located: Located[Any] = CheckedLocated[Any](model, document, (kind, index))
        if kind == "rules":
            collected.rules.append(located)
        else:
            getattr(collected, kind)[str(raw["id"])] = located


def _collect(document: YamlDocument, collected: _Collected) -> None:
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


def _documents(
    root: Path, prefix: str, problems: list[Problem], digest: Any, index: int
) -> Iterator[tuple[Path, YamlDocument]]:
    """Parse each file of one KB directory; ``digest`` hashes the very bytes parsed, so a KB's
    digest always names its content, even if a file is saved while it loads."""
    walk, entries = walk_kb(root, prefix), load_entries()  # entries: asked once, not per file
    problems.extend(walk.problems)
    for name, path in walk.files:
        display = prefix + name
        try:
            raw = read_kb_file(path, display)
            digest_file(digest, index, name, raw)
            yield path, parse_for_load(raw, display, entries)
        except YamlProblemError as error:
            problems.append(error.problem)


def inspect_knowledge_base(
    roots: Path | Sequence[Path] | None = None,
) -> tuple[KnowledgeBase, list[Problem]]:
    """Everything valid in the KB directories, and every problem found in them.

    :func:`load_knowledge_base` refuses a KB with problems; the linter uses this to report
    them all and to keep checking what did load.
    """
    knowledge_base, problems, _ = _inspect(resolve_roots(roots))
    return knowledge_base, problems


def _inspect(directories: list[Path]) -> tuple[KnowledgeBase, list[Problem], list[CachedFile]]:
    # problems found through the caches are confirmed without them before the files are blamed
    with field_tests_shared():  # a KB's rules repeat the same field tests thousands of times
        return retried_without_entries(lambda: _inspect_once(directories), lambda found: found[1])


def _inspect_once(directories: list[Path]) -> tuple[KnowledgeBase, list[Problem], list[Any]]:
    collected = _Collected()
    files: list[CachedFile] = []
    for root in directories:
        if not root.is_dir():
            collected.problems.append(
                Problem(
                    Location(str(root)),
                    "the knowledge base is not a directory",
                    hint="Pass the folder that holds kb.yaml.",
                    code=ProblemCode.schema,
                )
            )
    prefixes = display_prefixes(directories)
    digest = hashlib.sha256()
    for index, (root, prefix) in enumerate(zip(directories, prefixes, strict=True)):
        if not root.is_dir():
            continue
        for path, document in _documents(root, prefix, collected.problems, digest, index):
            files.append(CachedFile(path, document.display_path, document.data))
            try:
                _collect(document, collected)
            except _InvalidFileError as invalid:
                collected.problems.extend(invalid.problems)
    knowledge_base = _assembled(directories, collected, digest.hexdigest())
    problems = collected.problems + cross_checks.check_knowledge_base(knowledge_base)
    return knowledge_base, sorted(problems, key=_order), files


describe(ProblemCode.missing_manifest, "The KB has no kb.yaml naming it.")


def _assembled(directories: list[Path], collected: _Collected, digest: str) -> KnowledgeBase:
    # A kb.yaml that is there but invalid has its own problems; "no manifest" would mislead.
    if collected.manifest is None and not collected.manifest_written:
        collected.problems.append(
            Problem(
                Location(MANIFEST_FILE),
                "the knowledge base has no manifest",
                hint="Add kb.yaml with 'knowledge_base: {name: ..., version: 1.0.0}'.",
                code=ProblemCode.missing_manifest,
            )
        )
    manifest = (
        collected.manifest.value
        if collected.manifest
        else Manifest(name="(no manifest)", version="0.0.0")
    )
    return KnowledgeBase(
        root=str(directories[0]),
        roots=tuple(str(root) for root in directories),
        manifest=manifest,
        digest=digest,
        sources=collected.sources,
        dimensions=collected.dimensions,
        cultures=collected.cultures,
        findings=collected.findings,
        advice=collected.advice,
        rules=tuple(collected.rules),
        lint_exclusions=tuple(collected.lint_exclusions),
        note_hints=tuple(collected.note_hints),
        lint_role_words=tuple(collected.lint_role_words),
        country_aliases=tuple(collected.country_aliases.values()),
        questionnaires=collected.questionnaires,
    )


def load_knowledge_base(
    roots: Path | Sequence[Path] | None = None, digest: str | None = None
) -> KnowledgeBase:
    """Load, validate and cross-check KB directories; raise :class:`KnowledgeBaseError`.

    ``digest`` is :func:`kb_digest` of the directories when the caller has just computed it.

    A KB whose files passed every check before, byte for byte, is validated again from the
    checked-KB cache (:mod:`engine.parse_cache`) without its positions and without the
    cross-checks, which only depend on those bytes and on the code that checks them.
    """
    directories = resolve_roots(roots)
    digest = digest or kb_digest(directories)
    cached = read_checked_knowledge_base(directories, digest)
    if cached is not None:
        collected = _Collected()
        try:
            for item in cached:
                document = deferred_document(item.path, item.display_path, item.data)
                _collect_checked(document, collected)
        except (_InvalidFileError, LookupError, TypeError, AttributeError):
            collected.problems.append(Problem(Location(MANIFEST_FILE), "unusable cache entry"))
        if not collected.problems and collected.manifest is not None:
            return _assembled(directories, collected, digest)
    knowledge_base, problems, files = _inspect(directories)
    if problems:
        raise KnowledgeBaseError(problems)
    if knowledge_base.digest == digest:  # unchanged while it was read
        write_checked_knowledge_base(directories, digest, files)
    return knowledge_base


def _order(problem: Problem) -> tuple[str, int, int]:
    where = problem.location
    return (where.path, where.line, where.column)
