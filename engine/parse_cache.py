"""A cache of parsed YAML files, so that loading a knowledge base does not parse it again.

Composing YAML with positions is most of the time it takes to load the KB. A parsed file is
stored as JSON (data plus the line and column of every value and key) under the SHA-256 of the
file's bytes, in the user's cache directory, so any change to a file misses the cache. The
cache holds only JSON, which cannot carry code, and a damaged entry is ignored and rewritten.
``COMPASS_NO_CACHE=1`` switches it off; ``COMPASS_CACHE_DIR`` moves it.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from engine.yaml_source import PathKey, YamlDocument, parse_yaml

_FORMAT = 1


def cache_directory() -> Path | None:
    if os.environ.get("COMPASS_NO_CACHE") == "1":
        return None
    configured = os.environ.get("COMPASS_CACHE_DIR")
    base = Path(configured) if configured else platformdirs.user_cache_path("synergy-compass")
    return base / f"parsed-yaml-{_FORMAT}"


def _encode(positions: dict[PathKey, tuple[int, int]]) -> list[list[Any]]:
    return [[list(path), line, column] for path, (line, column) in positions.items()]


def _decode(entries: list[list[Any]]) -> dict[PathKey, tuple[int, int]]:
    return {tuple(path): (int(line), int(column)) for path, line, column in entries}


def parse_cached(raw: bytes, display_path: str) -> YamlDocument:
    """:func:`engine.yaml_source.parse_yaml`, answered from the cache when the bytes match."""
    directory = cache_directory()
    if directory is None:
        return parse_yaml(raw, display_path)
    entry = directory / f"{hashlib.sha256(raw).hexdigest()}.json"
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, RecursionError):
        stored = json.loads(entry.read_text(encoding="utf-8"))
        return YamlDocument(
            stored["data"], display_path, _decode(stored["values"]), _decode(stored["keys"])
        )
    document = parse_yaml(raw, display_path)  # errors are raised here and never cached
    payload = {
        "data": document.data,
        "values": _encode(document.value_positions),
        "keys": _encode(document.key_positions),
    }
    with contextlib.suppress(OSError):
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Write then rename, so a reader never sees half an entry.
        handle, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            json.dump(payload, stream, ensure_ascii=False)
        Path(temporary).replace(entry)
    return document
