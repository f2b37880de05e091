"""Read a knowledge-base directory and scenario files into validated, frozen models.

Every problem in every file is collected before anything is raised, so a knowledge engineer
sees all of them at once, each with ``path:line:col`` relative to the KB root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import (
    KnowledgeBaseError,
    Location,
    Problem,
    ProblemCode,
    ScenarioError,
    did_you_mean,
)
from ..schemas import kb as schema
from ..schemas.document import YamlDocument
from ..schemas.knowledge_base import CheckedLocated, KnowledgeBase, Located
from ..schemas.scenario import Scenario
from . import cross_checks
from .cache import (
    CachedFile,
    DeferredDocument,
    parse_cached,
    read_checked_knowledge_base,
    write_checked_knowledge_base,
)
from .checks import describe
from .validation_messages import problems_from_validation
from .yaml_source import YamlProblemError, parse_yaml, read_yaml

SCENARIO_DIRECTORY = "scenarios"
MANIFEST_FILE = "kb.yaml"


def default_kb_root() -> Path:
    """The shipped KB: inside the installed package, or beside it in a source checkout."""
    # The KB sits beside engine/ in both: the checkout's root is the installed package's folder.
    return Path(__file__).resolve().parents[2] / "kb"


def kb_files(root: Path) -> list[Path]:
    """The KB's YAML files in a stable order; example scenarios are not part of the rules."""
    return [path for _, path in _named_kb_files(root)]


def _named_kb_files(root: Path) -> list[tuple[str, Path]]:
    # Every run hashes every file (the digest keys the caches), so the walk stays lean: the
    # scenario folder is never entered and each relative name is worked out once.
    found: list[tuple[str, Path]] = []
    for child in root.iterdir():
        if child.name == SCENARIO_DIRECTORY:
            continue
        for path in child.rglob("*") if child.is_dir() else [child]:
            if path.suffix in (".yaml", ".yml") and path.is_file():
                found.append((path.relative_to(root).as_posix(), path))
    return sorted(found)


def kb_digest(roots: Path | Sequence[Path]) -> str:
    """A SHA-256 over every KB file's relative path and bytes, directory by directory."""
    digest = hashlib.sha256()
    for index, root in enumerate([roots] if isinstance(roots, Path) else roots):
        if not root.is_dir():
            continue
        for name, path in _named_kb_files(root):
            _digest_file(digest, index, name, path.read_bytes())
    return digest.hexdigest()


def _digest_file(digest: Any, index: int, name: str, raw: bytes) -> None:
    digest.update(f"{index}:{name}".encode() + b"\0" if index else name.encode() + b"\0")
    digest.update(raw + b"\0")


@dataclass
class _Collected:
    """What the files hold so far, and every problem met on the way."""

    manifest: Located[schema.Manifest] | None = None
    sources: dict[str, Located[schema.Source]] = field(default_factory=dict)
    dimensions: dict[str, Located[schema.Dimension]] = field(default_factory=dict)
    cultures: dict[str, Located[schema.CultureProfile]] = field(default_factory=dict)
    findings: dict[str, Located[schema.Finding]] = field(default_factory=dict)
    advice: dict[str, Located[schema.Advice]] = field(default_factory=dict)
    rules: list[Located[schema.RuleSpec]] = field(default_factory=list)
    lint_exclusions: list[Located[schema.LintExclusion]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


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
    kinds = ", ".join(schema.FILE_KINDS)
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
    known = [key for key in data if key in schema.FILE_KINDS]
    if len(data) != 1 or len(known) != 1:
        first = next(iter(data), "")
        raise _InvalidFileError(
            [
                Problem(
                    document.location(()),
                    "a knowledge-base file has exactly one top-level key naming its kind "
                    f"({kinds}); found {', '.join(map(repr, data)) or 'none'}",
                    hint=did_you_mean(str(first), schema.FILE_KINDS) if not known else "",
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


_ITEM_KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "rules": (schema.RuleSpec, "rule"),
    "advice": (schema.Advice, "advice"),
    "findings": (schema.Finding, "finding"),
    "sources": (schema.Source, "source"),
    "dimensions": (schema.Dimension, "dimension"),
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
    model, label = _ITEM_KINDS[kind]
    tables: dict[str, dict[str, Any]] = {
        "advice": collected.advice,
        "findings": collected.findings,
        "sources": collected.sources,
        "dimensions": collected.dimensions,
    }
    seen_rules = {rule.value.id: rule for rule in collected.rules}
    for index, raw in enumerate(items):
        try:
            item = model.model_validate(raw)
        except ValidationError as error:
            collected.problems += problems_from_validation(error, model, document, (kind, index))
            continue
        located: Located[Any] = Located(item, document, (kind, index))
        if kind == "rules":
            _add_unique(seen_rules, located, label, collected.problems)
            collected.rules.append(located)
        else:
            _add_unique(tables[kind], located, label, collected.problems)


def _collect_checked(document: YamlDocument, collected: _Collected) -> None:
    """A file of a KB that passed every check with these bytes: items are validated when
    first read (see :class:`CheckedLocated`); the small manifest and lint files at once."""
    (kind,) = document.data
    if kind == "culture":
        profile = CheckedLocated[schema.CultureProfile](
            schema.CultureProfile, document, ("culture",)
        )
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
    if kind in _ITEM_KINDS:
        _collect_items(kind, document, collected)
        return
    model = _validate(schema.FILE_KINDS[kind], document)
    if isinstance(model, schema.ManifestFile):
        collected.manifest = Located(model.knowledge_base, document, ("knowledge_base",))
    elif isinstance(model, schema.CultureFile):
        located = Located(model.culture, document, ("culture",))
        _add_unique(collected.cultures, located, "culture profile", collected.problems)
    elif isinstance(model, schema.LintFile):
        for index, exclusion in enumerate(model.lint.disable):
            collected.lint_exclusions.append(
                Located(exclusion, document, ("lint", "disable", index))
            )


def _documents(
    root: Path, prefix: str, problems: list[Problem], digest: Any, index: int
) -> Iterator[tuple[Path, YamlDocument]]:
    """Parse each file of one KB directory; ``digest`` hashes the very bytes parsed, so a KB's
    digest always names its content, even if a file is saved while it loads."""
    for name, path in _named_kb_files(root):
        display = prefix + name
        try:
            raw = path.read_bytes()
            _digest_file(digest, index, name, raw)
            yield path, parse_cached(raw, display)
        except YamlProblemError as error:
            problems.append(error.problem)
        except OSError as error:
            problems.append(
                Problem(
                    Location(display),
                    f"cannot read the file: {error.strerror}",
                    code=ProblemCode.yaml,
                )
            )


def _extends_shipped(root: Path) -> bool:
    """Whether ``root/kb.yaml`` says ``extends: shipped`` (read leniently; errors come later)."""
    try:
        data = read_yaml(root / MANIFEST_FILE, MANIFEST_FILE).data
    except YamlProblemError:
        return False
    manifest = data.get("knowledge_base") if isinstance(data, dict) else None
    return isinstance(manifest, dict) and manifest.get("extends") == "shipped"


def resolve_roots(roots: Path | Sequence[Path] | None) -> list[Path]:
    """The KB directories to load, in order: the shipped KB when none is given, and the
    shipped KB first when a given one says ``extends: shipped``."""
    if roots is None:
        return [default_kb_root().resolve()]
    given = [roots] if isinstance(roots, Path) else list(roots)
    resolved: list[Path] = []
    for root in (path.resolve() for path in given):
        if root.is_dir() and _extends_shipped(root) and default_kb_root().resolve() not in resolved:
            resolved.insert(0, default_kb_root().resolve())
        if root not in resolved:
            resolved.append(root)
    return resolved


def _display_prefixes(roots: list[Path]) -> list[str]:
    # Files of the first KB are named relative to it; those of extensions carry the folder name.
    return ["" if index == 0 else f"{root.name}/" for index, root in enumerate(roots)]


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
    prefixes = _display_prefixes(directories)
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
    if collected.manifest is None:
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
        else schema.Manifest(name="(no manifest)", version="0.0.0")
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
                document = DeferredDocument(item.path, item.display_path, item.data)
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


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with the document it came from (for locations and digests)."""

    scenario: Scenario
    document: YamlDocument


def parse_scenario(raw: bytes, display_path: str) -> LoadedScenario:
    """Validate scenario bytes (YAML or JSON); raise :class:`ScenarioError` with locations."""
    try:
        document = parse_yaml(raw, display_path)
    except YamlProblemError as error:
        raise ScenarioError([error.problem]) from error
    return LoadedScenario(validate_scenario(document), document)


def validate_scenario(document: YamlDocument) -> Scenario:
    """The scenario in a document, read from a file or put together by what-if or the
    interview; raise :class:`ScenarioError` with every problem at its place in the document."""
    if not isinstance(document.data, dict):
        raise ScenarioError(
            [
                Problem(
                    document.location(()),
                    "a scenario is a mapping with the "
                    f"keys title, we, they, goal...; found "
                    f"{type(document.data).__name__}",
                )
            ]
        )
    try:
        return Scenario.model_validate(document.data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error, Scenario, document)) from error


def load_scenario(path: Path) -> LoadedScenario:
    """Read and validate a scenario file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            [Problem(Location(str(path)), f"cannot read the scenario: {error.strerror}")]
        ) from error
    return parse_scenario(raw, str(path))
