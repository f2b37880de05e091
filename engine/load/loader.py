"""Read knowledge-base directories into one validated, frozen :class:`KnowledgeBase`.

Every problem in every file is collected before anything is raised, so a knowledge engineer
sees all of them at once, each with ``path:line:col`` relative to the KB root. Finding the
files is :mod:`.discovery`, validating each by its kind :mod:`.file_items`; reading scenarios
is :mod:`.scenario`.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import KnowledgeBaseError, Location, Problem, ProblemCode
from ..schemas.kb import Manifest
from ..schemas.knowledge_base import KnowledgeBase
from ..schemas.rules import field_tests_shared
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
    KBContent,
    display_prefixes,
    read_kb,
    read_kb_files,
    resolve_roots,
)
from .file_items import Collected, InvalidFileError, collect, collect_checked
from .problem_codes import describe
from .yaml_source import YamlProblemError


def inspect_knowledge_base(
    roots: Path | Sequence[Path] | None = None,
) -> tuple[KnowledgeBase, list[Problem]]:
    """Everything valid in the KB directories, and every problem found in them.

    :func:`load_knowledge_base` refuses a KB with problems; the linter uses this to report
    them all and to keep checking what did load.
    """
    knowledge_base, problems, _ = _inspect(resolve_roots(roots), None)
    return knowledge_base, problems


def _inspect(
    directories: list[Path], content: KBContent | None
) -> tuple[KnowledgeBase, list[Problem], list[CachedFile]]:
    # problems found through the caches are confirmed without them before the files are blamed
    with field_tests_shared():  # a KB's rules repeat the same field tests thousands of times
        return retried_without_entries(
            lambda: _inspect_once(directories, content), lambda found: found[1]
        )


def _inspect_once(
    directories: list[Path], content: KBContent | None
) -> tuple[KnowledgeBase, list[Problem], list[Any]]:
    """Parse, validate and cross-check the files; ``content`` is the files as already read
    (their digest names those very bytes), or None to read them now."""
    collected = Collected()
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
    if content is None:
        content, unread = read_kb_files(directories)
        collected.problems.extend(unread)
    prefixes = display_prefixes(directories)
    entries = load_entries()  # asked once, not per file
    for directory, name, path, raw in content.files:
        try:
            document = parse_for_load(raw, prefixes[directory] + name, entries)
        except YamlProblemError as error:
            collected.problems.append(error.problem)
            continue
        files.append(CachedFile(str(path), document.display_path, document.data))
        try:
            collect(document, collected)
        except InvalidFileError as invalid:
            collected.problems.extend(invalid.problems)
    knowledge_base = _assembled(directories, collected, content.digest)
    problems = collected.problems + cross_checks.check_knowledge_base(knowledge_base)
    return knowledge_base, sorted(problems, key=_order), files


describe(ProblemCode.missing_manifest, "The KB has no kb.yaml naming it.")


def _assembled(directories: list[Path], collected: Collected, digest: str) -> KnowledgeBase:
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
    roots: Path | Sequence[Path] | None = None,
    digest: str | None = None,
    *,
    content: KBContent | None = None,
) -> KnowledgeBase:
    """Load, validate and cross-check KB directories; raise :class:`KnowledgeBaseError`.

    ``digest`` is :func:`kb_digest` of the directories when the caller knows it without having
    read the files; ``content`` is the files when the caller has just read them
    (:func:`read_kb`), which the load then parses rather than read again.

    A KB whose files passed every check before, byte for byte, is validated again from the
    checked-KB cache (:mod:`engine.parse_cache`) without its positions and without the
    cross-checks, which only depend on those bytes and on the code that checks them.
    """
    directories = resolve_roots(roots)
    if content is not None:
        digest = content.digest
    elif digest is None:
        content = read_kb(directories)  # hashed once, and parsed as hashed if parsed at all
        digest = content.digest
    cached = read_checked_knowledge_base(directories, digest)
    if cached is not None:
        collected = Collected()
        try:
            for item in cached:
                document = deferred_document(item.path, item.display_path, item.data)
                collect_checked(document, collected)
        except (InvalidFileError, LookupError, TypeError, AttributeError):
            collected.problems.append(Problem(Location(MANIFEST_FILE), "unusable cache entry"))
        if not collected.problems and collected.manifest is not None:
            return _assembled(directories, collected, digest)
    knowledge_base, problems, files = _inspect(directories, content)
    if problems:
        raise KnowledgeBaseError(problems)
    if knowledge_base.digest == digest:  # content parsed, or files unchanged since digested
        write_checked_knowledge_base(directories, digest, files)
    return knowledge_base


def _order(problem: Problem) -> tuple[str, int, int]:
    where = problem.location
    return (where.path, where.line, where.column)
