"""The product caches: parsed YAML files, checked knowledge bases, and what is derived from them.

Composing YAML with positions is the slow way to read a file, so a file parsed with them (one
a message had to point into; a load reads files without positions first) is stored as JSON
(data plus the line and column of every value and key) under the SHA-256 of the file's bytes,
in the user's cache directory, so any change to a file misses the cache. The cache holds only
JSON, which cannot carry code, and a damaged entry is ignored and rewritten.
``COMPASS_NO_CACHE=1`` switches it off; ``COMPASS_CACHE_DIR`` moves it; its size is capped by
:mod:`.cache_limits`.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import importlib.util
import json
import os
import stat
import tempfile
from collections.abc import Callable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple, TypeGuard, TypeVar

import pydantic
import pydantic_core

from ..schemas.document import PathKey, YamlDocument
from .cache_limits import (
    CACHE_KINDS,
    cache_cap_bytes,
    cache_folder,
    mark_used,
    note_written,
    prepare_folder,
    sweep_stale_writes,
)
from .code_files import modules_signature
from .plain_yaml import PositionsOnDemand, parse_yaml_plain
from .yaml_source import parse_yaml

_FORMAT = 1
T = TypeVar("T")

# Set while a KB is read again without trusting what the caches hold (see entries_ignored).
_ignoring_entries = contextvars.ContextVar("ignoring_cache_entries", default=False)


def cache_directory() -> Path | None:
    """The parsed-YAML cache's folder, or None when it is off or not to be trusted."""
    return cache_folder(f"parsed-yaml-{_FORMAT}")


@contextlib.contextmanager
def entries_ignored() -> Iterator[None]:
    """Inside the block, cache entries are not read but still written: a load that found
    problems runs again this way before blaming the files, and what it writes replaces any
    entry that misled the first attempt."""
    token = _ignoring_entries.set(True)
    try:
        yield
    finally:
        _ignoring_entries.reset(token)


def retried_without_entries(attempt: Callable[[], T], failed: Callable[[T], object]) -> T:
    """``attempt()``, made once more without reading any cache entry when it failed with
    entries read: an entry that is valid JSON but wrong (damaged, planted, made by a bug) must
    not make good files look broken. The entries the second attempt writes replace the ones
    that misled the first."""
    trusted = not _ignoring_entries.get() and cache_directory() is not None
    result = attempt()
    if trusted and failed(result):
        with entries_ignored():
            result = attempt()
    return result


# No links followed (a planted link to /dev/zero would never end), no wait on a named pipe.
_READ_FLAGS = (
    os.O_RDONLY
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_CLOEXEC", 0)
)


def _read_entry(entry: Path) -> Any:
    """The JSON of a cache entry; OSError when it is missing or not a regular file of sane
    size, ValueError when it is not JSON."""
    if _ignoring_entries.get():
        raise FileNotFoundError(entry)
    descriptor = os.open(entry, _READ_FLAGS)
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode) or status.st_size > cache_cap_bytes():
            raise OSError(f"{entry} is not a cache entry")
        return json_data(stream.read())


def json_data(text: bytes) -> Any:
    """``text`` read as :func:`json.loads` reads it (ValueError when it is not JSON): by
    pydantic's Rust parser, in 60 % of the time on the checked-KB entry, with the same data
    (numbers of any size, -0.0, infinities, escapes), and by json.loads where that parser
    refuses what json.loads takes (a lone surrogate, a byte-order mark, deep nesting)."""
    try:
        return pydantic_core.from_json(text)
    except ValueError:
        return json.loads(text)


def _encode(positions: dict[PathKey, tuple[int, int]]) -> list[list[Any]]:
    return [[list(path), line, column] for path, (line, column) in positions.items()]


def _decode(entries: list[list[Any]]) -> dict[PathKey, tuple[int, int]]:
    return {tuple(path): (int(line), int(column)) for path, line, column in entries}


def _entry_for(directory: Path, raw: bytes) -> Path:
    return directory / f"{hashlib.sha256(raw).hexdigest()}.json"


def _cached_document(entry: Path, display_path: str) -> YamlDocument | None:
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError, RecursionError):
        stored = _read_entry(entry)
        cached = YamlDocument(
            stored["data"], display_path, _decode(stored["values"]), _decode(stored["keys"])
        )
        mark_used(entry)
        return cached
    return None


def parse_cached(raw: bytes, display_path: str) -> YamlDocument:
    """:func:`engine.yaml_source.parse_yaml`, answered from the cache when the bytes match."""
    directory = cache_directory()
    if directory is None:
        return parse_yaml(raw, display_path)
    entry = _entry_for(directory, raw)
    cached = _cached_document(entry, display_path)
    if cached is not None:
        return cached
    document = parse_yaml(raw, display_path)  # errors are raised here and never cached
    payload = {
        "data": document.data,
        "values": _encode(document.value_positions),
        "keys": _encode(document.key_positions),
    }
    _write_atomically(entry, payload)
    return document


# Records here are named tuples, not dataclasses: a start imports this module, and a frozen
# dataclass costs milliseconds to create (Python compiles its generated methods).
class LoadEntries(NamedTuple):
    """The parsed-YAML cache as one load finds it: its folder (None when caching is off), and
    whether that folder is there at all. Asked once per load rather than once per file: a new
    user's first run has no folder, and each of its 193 files looked its entry up in vain."""

    directory: Path | None
    folder_made: bool


def load_entries() -> LoadEntries:
    """:class:`LoadEntries` now; a folder made later in the load only means files are parsed."""
    directory = cache_directory()
    return LoadEntries(directory, directory is not None and directory.is_dir())


def parse_for_load(raw: bytes, display_path: str, entries: LoadEntries) -> YamlDocument:
    """A KB file as a load reads it: its parsed-YAML entry (data and positions) when there is
    one; otherwise read without positions (:mod:`.plain_yaml`), which are parsed, and their
    entry written, the first time a message needs one. A file that loads without a problem
    thus costs no entry: the checked-KB entry remembers the whole KB (writing an entry per
    file was most of a new user's first run)."""
    if entries.directory is not None:
        if _ignoring_entries.get():  # a load read again: replace whatever entry misled it
            return parse_cached(raw, display_path)
        if entries.folder_made:
            cached = _cached_document(_entry_for(entries.directory, raw), display_path)
            if cached is not None:
                return cached
    return parse_yaml_plain(raw, display_path, parse_cached)


def _json_bytes(payload: Any, *, yaml_data: bool = False) -> bytes:
    """``payload`` as the UTF-8 JSON json.loads reads back equal.

    Data read from YAML (text, numbers of any size, infinities, true/false, null, lists,
    mappings with text keys) is encoded by pydantic's Rust encoder, about four times faster
    than json.dumps on a large KB; anything it refuses goes to json.dumps as before. Other
    payloads keep json.dumps, which refuses what JSON cannot hold (a set, a model) where
    pydantic's encoder would quietly turn it into something else."""
    if yaml_data:
        with contextlib.suppress(pydantic_core.PydanticSerializationError):
            return pydantic_core.to_json(payload, inf_nan_mode="constants")
    # json.dumps encodes in C; json.dump into a stream falls back to the pure-Python encoder,
    # which made writing the entries most of a first run's time.
    return json.dumps(payload, ensure_ascii=False).encode("utf-8")


def _write_atomically(entry: Path, payload: Any, *, yaml_data: bool = False) -> None:
    text = _json_bytes(payload, yaml_data=yaml_data)
    if not prepare_folder(entry.parent):
        return
    with contextlib.suppress(OSError):
        sweep_stale_writes(entry.parent)
        # Write then rename, so a reader never sees half an entry; mkstemp makes it 0600.
        handle, temporary = tempfile.mkstemp(dir=entry.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(text)
            Path(temporary).replace(entry)
        except OSError:
            with contextlib.suppress(OSError):
                Path(temporary).unlink()
            raise
        note_written(entry)


# ---------------------------------------------------------------------------- whole knowledge bases

_ENGINE = Path(__file__).resolve().parents[1]

_DERIVED_FORMAT = 1


def code_stamp(*subpackages: str) -> str:
    """A hash of every module in the named subpackages of the engine (``"load"``, ``"run"``):
    an entry derived by other code (an upgrade, a change in a checkout, a module added) is never
    taken as current. Whole subpackages are stamped, so a new module needs no list updated.

    A process hashes each subpackage once (its folder's listing tells a module added since):
    a module edited later is not the code it runs, so the stamp it had is the right one."""
    digest = hashlib.sha256()
    for name in subpackages:
        digest.update(_subpackage_stamp(name).encode() + b"\0")
    return digest.hexdigest()


def _subpackage_stamp(name: str) -> str:
    folder = _ENGINE / name
    if not (folder / "__init__.py").is_file():
        raise ValueError(f"{name!r} is not a subpackage of the engine")
    key = (_ENGINE, name, tuple(sorted(entry.name for entry in folder.iterdir())))
    stamp = _stamps.get(key)
    if stamp is None:
        stamp = _stamps[key] = _kept_stamp(folder)
    return stamp


_stamps: dict[tuple[Path, str, tuple[str, ...]], str] = {}
_CODE_STAMPS = "code-stamp"


def is_sha256(kept: object) -> TypeGuard[str]:
    """Whether a value read back from a cache entry is a SHA-256 hex digest as ``hexdigest()``
    writes it (a damaged or foreign entry is hashed again rather than trusted)."""
    if not isinstance(kept, str) or len(kept) != 64:
        return False
    return all(character in "0123456789abcdef" for character in kept)


def _kept_stamp(folder: Path) -> str:
    """A subpackage's stamp, kept on disk under its modules' signature (see :mod:`.code_files`):
    taken before the files are read, so a module written meanwhile changes the next signature."""
    signature = modules_signature(folder) if derived_caching(_CODE_STAMPS) else None
    key = [str(folder), signature]
    if signature is not None:
        stored = read_derived(_CODE_STAMPS, key)
        if is_sha256(stored):
            return stored
    digest = hashlib.sha256()
    for file in sorted(folder.rglob("*.py")):
        relative = file.relative_to(_ENGINE).as_posix()
        digest.update(relative.encode() + b"\0" + file.read_bytes() + b"\0")
    stamp = digest.hexdigest()
    if signature is not None:
        write_derived(_CODE_STAMPS, key, stamp)
    return stamp


def _derived_folder(kind: str) -> Path | None:
    if kind not in CACHE_KINDS:  # it would never be measured, capped or cleared
        raise ValueError(f"unknown cache kind {kind!r}: add it to cache_limits.CACHE_KINDS")
    return cache_folder(f"{kind}-{_DERIVED_FORMAT}")


def _derived_entry(kind: str, key: Any) -> Path | None:
    directory = _derived_folder(kind)
    if directory is None:
        return None
    name = hashlib.sha256(json.dumps([_DERIVED_FORMAT, key]).encode()).hexdigest()
    return directory / f"{name}.json"


def derived_caching(kind: str) -> bool:
    """Whether entries of ``kind`` are read and written (not with ``COMPASS_NO_CACHE=1``, nor in
    an untrusted folder): if not, a caller need not work out a key or a payload."""
    return _derived_folder(kind) is not None


def read_derived(kind: str, key: Any) -> Any:
    """What :func:`write_derived` stored for ``kind`` under ``key`` (JSON data), or None."""
    entry = _derived_entry(kind, key)
    if entry is None:
        return None
    with contextlib.suppress(OSError, ValueError, RecursionError):
        stored = _read_entry(entry)
        mark_used(entry)
        return stored
    return None


def write_derived(kind: str, key: Any, payload: Any, *, yaml_data: bool = False) -> None:
    """Store JSON data computed from ``key`` (which names everything it depends on);
    ``yaml_data`` when the payload holds only what a YAML file reads as (see _json_bytes)."""
    entry = _derived_entry(kind, key)
    if entry is not None:
        _write_atomically(entry, payload, yaml_data=yaml_data)


# Everything that decides whether a KB loads, and what it loads as: reading YAML (and this
# cache), the schemas, the cross-checks, the loader's order of items, and the libraries the
# schemas and checks lean on (pydantic's validation, pycountry's list of countries).
_CODE_THAT_DECIDES_VALIDITY = ("load", "schemas")


def knowledge_base_key(directories: Sequence[str | Path], digest: str) -> list[Any]:
    """What a checked KB, and anything derived from it, depends on: its files' bytes, its
    directories, and the code and libraries that read and check it."""
    libraries = [pydantic.VERSION, _library_stamp("pycountry")]
    code = code_stamp(*_CODE_THAT_DECIDES_VALIDITY)
    return [code, libraries, [str(path) for path in directories], digest]


@cache
def _library_stamp(name: str) -> list[Any] | None:
    """Where a library is installed and when its files were written, found without importing
    it (importing pycountry reads its package metadata, a cost every cached run would pay):
    an upgrade or reinstall rewrites the module, so entries made with another copy miss."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return None
    with contextlib.suppress(OSError):
        status = Path(spec.origin).stat()
        return [spec.origin, status.st_size, status.st_mtime_ns]
    return None


class CachedFile(NamedTuple):
    """One file of a knowledge base that loaded without a problem: its data, no positions."""

    path: str  # kept as text: a Path for each file of a cached KB was 0.3 % of a start
    display_path: str
    data: Any


def read_checked_knowledge_base(directories: list[Path], digest: str) -> list[CachedFile] | None:
    """The files of a KB that passed every check with these exact bytes, or None."""
    if not derived_caching("checked-kb"):
        return None
    stored = read_derived("checked-kb", knowledge_base_key(directories, digest))
    with contextlib.suppress(KeyError, TypeError):
        return [
            CachedFile(_text(item["path"]), str(item["display"]), item["data"])
            for item in stored["files"]
        ]
    return None


def write_checked_knowledge_base(
    directories: list[Path], digest: str, files: list[CachedFile]
) -> None:
    """Remember that these files, as they are, passed every check."""
    if not derived_caching("checked-kb"):
        return
    payload = {
        "files": [
            {"path": item.path, "display": item.display_path, "data": item.data} for item in files
        ]
    }
    write_derived("checked-kb", knowledge_base_key(directories, digest), payload, yaml_data=True)


def _text(stored: Any) -> str:
    if not isinstance(stored, str):  # a damaged entry: not a checked KB
        raise TypeError(f"expected text, found {type(stored).__name__}")
    return stored


def deferred_document(path: str, display_path: str, data: Any) -> YamlDocument:
    """A document whose data came from the checked-KB cache: the file is parsed for positions
    the first time a message needs one (a checked KB seldom does)."""
    return PositionsOnDemand(
        data, display_path, lambda: parse_cached(Path(path).read_bytes(), display_path)
    )
