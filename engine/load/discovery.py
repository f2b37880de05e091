"""Where a knowledge base is and what it is made of: the shipped KB's folder, the KB
directories to load (an extension brings the shipped KB with it), the YAML files of each in a
stable order, and the digest of their bytes that keys every cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .yaml_source import YamlProblemError, read_yaml

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
    """The KB's YAML files with their names relative to ``root``, in a stable order."""
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
        for name, path in named_kb_files(root):
            digest_file(digest, index, name, path.read_bytes())
    return digest.hexdigest()


def digest_file(digest: Any, index: int, name: str, raw: bytes) -> None:
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
