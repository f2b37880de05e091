"""Where a knowledge base is and what it is made of: the shipped KB's folder, the KB
directories to load (an extension brings the shipped KB with it), the YAML files of each in a
stable order, and the digest of their bytes that keys every cache.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from ..errors import KnowledgeBaseError, Location, Problem, ProblemCode, shorten
from .yaml_source import YamlProblemError, read_file_bytes, read_yaml

SCENARIO_DIRECTORY = "scenarios"
MANIFEST_FILE = "kb.yaml"


def default_kb_root() -> Path:
    """The shipped KB: inside the installed package, or beside it in a source checkout."""
    # The KB sits beside engine/ in both: the checkout's root is the installed package's folder.
    return Path(__file__).resolve().parents[2] / "kb"


def kb_files(root: Path) -> list[Path]:
    """The KB's YAML files in a stable order; example scenarios are not part of the rules."""
    return [path for _, path in named_kb_files(root)]


def named_kb_files(root: Path) -> list[tuple[str, Path]]:
    """The KB's YAML files with their names relative to ``root``, in a stable order; raise
    :class:`KnowledgeBaseError` if a folder cannot be read or a link leads outside ``root``."""
    walk = walk_kb(root)
    if walk.problems:
        raise KnowledgeBaseError(walk.problems)
    return walk.files


# Records here are named tuples, not dataclasses: every start imports this module, and a frozen
# dataclass costs milliseconds to create (Python compiles its generated methods), a named tuple
# a fraction of that.
class KBWalk(NamedTuple):
    """What a walk of one KB directory found: its YAML files (name relative to the root, path)
    in a stable order, and every entry it had to refuse, located."""

    files: list[tuple[str, Path]]
    problems: list[Problem]


def walk_kb(root: Path, prefix: str = "") -> KBWalk:
    """Every YAML file below ``root`` (the scenario folder excepted), with a problem for each
    folder that cannot be read and each link that leads outside ``root``; ``prefix`` starts
    the names the problems are located at (see :func:`display_prefixes`).

    A KB is often shared, so its links are not trusted: one to a file or folder outside the KB
    would make the loader read (and its messages quote) whatever it points at. A link to a
    file inside is read; a link to a folder inside is not entered, since that folder's files
    are read where they are.
    """
    # Every run hashes every file (the digest keys the caches), so the walk stays lean: the
    # scenario folder is never entered, only links are resolved, and each name is built once.
    walk = KBWalk([], [])
    _walk_folder(root, "", Path(os.path.realpath(root)), prefix, walk)
    walk.files.sort()
    walk.problems.sort(key=lambda problem: problem.location.path)
    return walk


def _walk_folder(
    folder: Path,
    relative: str,
    real_root: Path,
    prefix: str,
    walk: KBWalk,
    *,
    suffixes: tuple[str, ...] = (".yaml", ".yml"),
    descend: bool = True,
) -> None:
    try:
        with os.scandir(folder) as scan:
            entries = list(scan)
    except OSError as error:
        where = prefix + relative if relative else str(folder)
        walk.problems.append(_refused(where, _cannot_read(error, "folder"), _PERMISSIONS))
        return
    for entry in entries:
        if not relative and entry.name == SCENARIO_DIRECTORY:
            continue
        name = relative + entry.name
        is_yaml = entry.name.endswith(suffixes)
        try:
            if entry.is_symlink():
                target = Path(os.path.realpath(entry.path))
                if not target.is_relative_to(real_root):
                    if is_yaml or target.is_dir():
                        walk.problems.append(_refused(prefix + name, _outside(target), _MOVE))
                    continue
                if target.is_dir():
                    continue
            if entry.is_dir(follow_symlinks=False):
                if descend:
                    _walk_folder(Path(entry.path), name + "/", real_root, prefix, walk)
            elif is_yaml and entry.is_file():
                walk.files.append((name, Path(entry.path)))
            elif is_yaml and not entry.is_symlink():  # a pipe or a device: never opened
                walk.problems.append(_refused(prefix + name, "this is not a regular file", _MOVE))
        except OSError as error:
            walk.problems.append(
                _refused(prefix + name, _cannot_read(error, "entry"), _PERMISSIONS)
            )


def walk_scenarios(root: Path, prefix: str = "") -> KBWalk:
    """The example scenarios of one KB directory (``scenarios/*.yaml``; its subfolders hold
    profiles and teams, not scenarios), with the same refusals as :func:`walk_kb`.

    ``kb test`` and ``kb coverage`` read every scenario and quote what is wrong in it, so a
    link there to a file outside the KB would show that file's keys as readily as one among
    the rules would.
    """
    walk = KBWalk([], [])
    real_root = Path(os.path.realpath(root))
    folder = root / SCENARIO_DIRECTORY
    name = SCENARIO_DIRECTORY + "/"
    if folder.is_symlink():
        target = Path(os.path.realpath(folder))
        if not target.is_relative_to(real_root):
            walk.problems.append(_refused(prefix + name, _outside(target), _MOVE))
            return walk
    if folder.is_dir():
        _walk_folder(folder, name, real_root, prefix, walk, suffixes=(".yaml",), descend=False)
    walk.files.sort()
    walk.problems.sort(key=lambda problem: problem.location.path)
    return walk


def example_scenarios(roots: Sequence[Path], only: int | None = None) -> list[Path]:
    """The example scenarios of every KB directory in ``roots`` (or of the ``only``-th one),
    sorted by path; raise :class:`KnowledgeBaseError` naming each one refused, located as the
    loader names that directory's files."""
    chosen = list(zip(roots, display_prefixes(roots), strict=True))
    if only is not None:
        chosen = [chosen[only]]
    files: list[Path] = []
    problems: list[Problem] = []
    for root, prefix in chosen:
        walk = walk_scenarios(root, prefix)
        files.extend(path for _, path in walk.files)
        problems.extend(walk.problems)
    if problems:
        raise KnowledgeBaseError(problems)
    return sorted(files)


def _outside(target: Path) -> str:
    return (
        f"this is a link to {shorten(str(target), 120)}, outside the knowledge base's folder; "
        "links outside a knowledge base are not followed"
    )


def _cannot_read(error: OSError, what: str) -> str:
    return f"cannot read the {what}: {error.strerror or error}"


_PERMISSIONS = "Make it readable, or move it out of the knowledge base's folder."
_MOVE = "Put a copy of the YAML file itself in the knowledge base's folder instead."


def _refused(display: str, message: str, hint: str) -> Problem:
    return Problem(Location(display), message, hint=hint, code=ProblemCode.yaml)


def read_kb_file(path: Path, display_path: str) -> bytes:
    """A KB file's bytes, within the YAML size limit; raise :class:`YamlProblemError` (located)
    if it cannot be read, is not a regular file or is too large."""
    return read_file_bytes(path, display_path)


def display_prefixes(roots: Sequence[Path]) -> list[str]:
    """What starts the names of each KB directory's files in messages: files of the first KB
    are named relative to it; those of extensions carry the folder's name."""
    return ["" if index == 0 else f"{root.name}/" for index, root in enumerate(roots)]


def kb_digest(roots: Path | Sequence[Path]) -> str:
    """A SHA-256 over every KB file's relative path and bytes, directory by directory; raise
    :class:`KnowledgeBaseError` naming every entry that cannot be walked or read."""
    return read_kb(roots).digest


KBFile = tuple[int, str, Path, bytes]
"""One KB file as :func:`read_kb` read it: its KB directory's place among the roots read, its
name relative to that directory, its path and its bytes."""


class KBContent(NamedTuple):
    """Every file of KB directories as read once, and :func:`kb_digest` of those very bytes: a
    load that needs the files after the digest parses these rather than read them again."""

    digest: str
    files: tuple[KBFile, ...]


def read_kb(roots: Path | Sequence[Path]) -> KBContent:
    """The bytes of every KB file and their :func:`kb_digest`; raise
    :class:`KnowledgeBaseError` naming every entry that cannot be walked or read."""
    content, problems = read_kb_files([roots] if isinstance(roots, Path) else list(roots))
    if problems:
        raise KnowledgeBaseError(problems)
    return content


def read_kb_files(directories: Sequence[Path]) -> tuple[KBContent, list[Problem]]:
    """Every KB file of the directories that could be read, with the digest of those, and a
    problem for each entry that could not be walked or read (the linter reports them all)."""
    digest = hashlib.sha256()
    files: list[KBFile] = []
    problems: list[Problem] = []
    for index, (root, prefix) in enumerate(
        zip(directories, display_prefixes(directories), strict=True)
    ):
        if not root.is_dir():
            continue
        walk = walk_kb(root, prefix)
        problems.extend(walk.problems)
        for name, path in walk.files:
            try:
                raw = read_kb_file(path, prefix + name)
            except YamlProblemError as error:
                problems.append(error.problem)
                continue
            _digest_file(digest, index, name, raw)
            files.append((index, name, path, raw))
    return KBContent(digest.hexdigest(), tuple(files)), problems


def _digest_file(digest: Any, index: int, name: str, raw: bytes) -> None:
    """Add one file of the ``index``-th KB directory to a :func:`kb_digest` being computed."""
    digest.update(f"{index}:{name}".encode() + b"\0" if index else name.encode() + b"\0")
    digest.update(raw + b"\0")


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
