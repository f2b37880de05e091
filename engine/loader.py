"""Read a knowledge-base directory and scenario files into validated, frozen models.

Every problem in every file is collected before anything is raised, so a knowledge engineer
sees all of them at once, each with ``path:line:col`` relative to the KB root.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from engine import checks
from engine.errors import KnowledgeBaseError, Location, Problem, ScenarioError, did_you_mean
from engine.schemas import kb as schema
from engine.schemas.knowledge_base import KnowledgeBase, Located
from engine.schemas.scenario import Scenario
from engine.validation_messages import problems_from_validation
from engine.yaml_source import YamlDocument, YamlProblemError, parse_yaml, read_yaml

SCENARIO_DIRECTORY = "scenarios"
MANIFEST_FILE = "kb.yaml"


def default_kb_root() -> Path:
    """The shipped KB: inside the installed package, or beside it in a source checkout."""
    package = Path(__file__).resolve().parent
    installed = package / "kb"
    return installed if installed.is_dir() else package.parent / "kb"


def kb_files(root: Path) -> list[Path]:
    """The KB's YAML files in a stable order; example scenarios are not part of the rules."""
    files = [
        path
        for path in root.rglob("*")
        if path.suffix in (".yaml", ".yml")
        and path.is_file()
        and path.relative_to(root).parts[0] != SCENARIO_DIRECTORY
    ]
    return sorted(files, key=lambda path: path.relative_to(root).as_posix())


def kb_digest(root: Path) -> str:
    """A SHA-256 over every KB file's relative path and bytes."""
    digest = hashlib.sha256()
    for path in kb_files(root):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


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
    where = document.location(())
    kinds = ", ".join(schema.FILE_KINDS)
    if not isinstance(data, dict):
        raise _InvalidFileError(
            [
                Problem(
                    where,
                    f"expected a mapping with one of the keys {kinds}; found {type(data).__name__}",
                )
            ]
        )
    known = [key for key in data if key in schema.FILE_KINDS]
    if len(data) != 1 or len(known) != 1:
        first = next(iter(data), "")
        raise _InvalidFileError(
            [
                Problem(
                    where,
                    "a knowledge-base file has exactly one top-level key naming its kind "
                    f"({kinds}); found {', '.join(map(repr, data)) or 'none'}",
                    hint=did_you_mean(str(first), schema.FILE_KINDS) if not known else "",
                )
            ]
        )
    return str(known[0])


def _add_unique(
    table: dict[str, Located[Any]], item: Located[Any], kind: str, problems: list[Problem]
) -> None:
    identifier = item.value.country if kind == "culture profile" else item.value.id
    if identifier in table:
        first = table[identifier].location()
        problems.append(
            Problem(
                item.location("id" if kind != "culture profile" else "country"),
                f"duplicate {kind} id {identifier!r}; it is already defined at {first}",
                hint="Ids must be unique across the whole knowledge base; rename one of them.",
            )
        )
    else:
        table[identifier] = item


def _collect(document: YamlDocument, collected: _Collected) -> None:
    kind = _kind_of(document)
    model = _validate(schema.FILE_KINDS[kind], document)
    problems = collected.problems
    if isinstance(model, schema.ManifestFile):
        collected.manifest = Located(model.knowledge_base, document, ("knowledge_base",))
    elif isinstance(model, schema.CultureFile):
        _add_unique(
            collected.cultures,
            Located(model.culture, document, ("culture",)),
            "culture profile",
            problems,
        )
    elif isinstance(model, schema.RulesFile):
        seen = {rule.value.id: rule for rule in collected.rules}
        for index, rule in enumerate(model.rules):
            located = Located(rule, document, ("rules", index))
            _add_unique(seen, located, "rule", problems)
            collected.rules.append(located)
    else:
        tables: dict[type[BaseModel], tuple[str, dict[str, Any], str]] = {
            schema.SourcesFile: ("sources", collected.sources, "source"),
            schema.DimensionsFile: ("dimensions", collected.dimensions, "dimension"),
            schema.FindingsFile: ("findings", collected.findings, "finding"),
            schema.AdviceFile: ("advice", collected.advice, "advice"),
        }
        key, table, label = tables[type(model)]
        for index, item in enumerate(getattr(model, key)):
            _add_unique(table, Located(item, document, (key, index)), label, problems)


def _documents(root: Path, problems: list[Problem]) -> Iterator[YamlDocument]:
    for path in kb_files(root):
        try:
            yield read_yaml(path, path.relative_to(root).as_posix())
        except YamlProblemError as error:
            problems.append(error.problem)


def load_knowledge_base(root: Path | None = None) -> KnowledgeBase:
    """Load, validate and cross-check a KB directory; raise :class:`KnowledgeBaseError`."""
    root = (root or default_kb_root()).resolve()
    if not root.is_dir():
        raise KnowledgeBaseError(
            [
                Problem(
                    Location(str(root)),
                    "the knowledge base is not a directory",
                    hint="Pass the folder that holds kb.yaml.",
                )
            ]
        )
    collected = _Collected()
    for document in _documents(root, collected.problems):
        try:
            _collect(document, collected)
        except _InvalidFileError as invalid:
            collected.problems.extend(invalid.problems)
    if collected.manifest is None:
        collected.problems.append(
            Problem(
                Location(MANIFEST_FILE),
                "the knowledge base has no manifest",
                hint="Add kb.yaml with 'knowledge_base: {name: ..., version: 1.0.0}'.",
            )
        )
    if collected.problems:
        raise KnowledgeBaseError(sorted(collected.problems, key=_order))
    assert collected.manifest is not None
    knowledge_base = KnowledgeBase(
        root=str(root),
        manifest=collected.manifest.value,
        digest=kb_digest(root),
        sources=collected.sources,
        dimensions=collected.dimensions,
        cultures=collected.cultures,
        findings=collected.findings,
        advice=collected.advice,
        rules=tuple(collected.rules),
    )
    problems = checks.check_knowledge_base(knowledge_base)
    if problems:
        raise KnowledgeBaseError(sorted(problems, key=_order))
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
        scenario = Scenario.model_validate(document.data)
    except ValidationError as error:
        raise ScenarioError(problems_from_validation(error, Scenario, document)) from error
    return LoadedScenario(scenario, document)


def load_scenario(path: Path) -> LoadedScenario:
    """Read and validate a scenario file."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise ScenarioError(
            [Problem(Location(str(path)), f"cannot read the scenario: {error.strerror}")]
        ) from error
    return parse_scenario(raw, str(path))
