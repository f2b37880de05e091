"""Where the on-disk caches live, how big each may grow, and clearing them.

Each cache (parsed YAML files, checked knowledge bases, compiled networks) is a folder of JSON
entries under one root. Every edit of a KB adds entries that are never read again, so each
cache has a cap (``COMPASS_CACHE_MAX_MB`` megabytes, 100 by default) and a write that takes a
cache past it deletes the least recently used entries. Reading an entry sets its modification
time to now: that is what "recently used" means here, because many file systems do not keep
access times. Several processes may share a cache and any of them may delete an entry another
is about to read; the reader then has a miss, never an error.
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import stat
import time
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:  # only `compass cache` reports: other starts need not make its classes
    from ..schemas.cache_report import CacheReport

# The folders a cache may have, each followed by its format number ("parsed-yaml-1"). Only
# these are measured or cleared, so a cache root pointed at a shared folder loses nothing else.
CACHE_KINDS = (
    "parsed-yaml",
    "checked-kb",
    "network",
    "lint-below",
    "kb-digest",
    "code-stamp",
    "iso-countries",
)
DEFAULT_CAP_MEGABYTES = 100.0
_ENTRY_SUFFIXES = (".json", ".tmp")


def cache_root() -> Path | None:
    """The folder holding every cache, or None when ``COMPASS_NO_CACHE=1`` switches them off."""
    if os.environ.get("COMPASS_NO_CACHE") == "1":
        return None
    configured = os.environ.get("COMPASS_CACHE_DIR")
    return Path(configured) if configured else platformdirs.user_cache_path("synergy-compass")


_log = logging.getLogger("synergy_compass.cache")

# Whether each cache folder met in this process may be used: checked once, as the verdict
# cannot change without someone else changing the folder under us.
_verdicts: dict[Path, bool] = {}


def cache_folder(kind: str) -> Path | None:
    """The folder of one cache (``"parsed-yaml-1"``), or None when caching is off or the
    root or this folder cannot be trusted: whoever can write a cache changes what a run reads,
    so a folder of another user, or one that others may write to, is not used (with a
    warning) and the run reads the files themselves. A folder not made yet is returned as it
    is: reading from it misses, and :func:`prepare_folder` makes it before the first write."""
    root = cache_root()
    if root is None or not _usable(root):
        return None
    folder = root / kind
    return folder if _usable(folder) else None


def prepare_folder(folder: Path) -> bool:
    """Make a cache folder (and the root above it) for the owner only, mode 0700, unless it
    exists; whether it may be written."""
    for path in (folder.parent, folder):
        try:
            path.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            pass
        except OSError:  # a read-only home, say: the run goes on without writing entries
            return False
        if not _usable(path):
            return False
    return True


def _usable(folder: Path) -> bool:
    verdict = _verdicts.get(folder)
    if verdict is None:
        if not os.path.lexists(folder):
            return True  # nothing there to distrust; judged once it is made
        verdict = _verdicts[folder] = _check(folder)
    return verdict


def _check(folder: Path) -> bool:
    try:
        status = folder.stat()
    except OSError:
        return False
    user = os.geteuid() if hasattr(os, "geteuid") else None
    if not stat.S_ISDIR(status.st_mode):
        problem = "is not a folder"
    elif user is not None and status.st_uid != user:
        problem = f"belongs to another user (uid {status.st_uid}, you are {user})"
    elif user is not None and status.st_mode & 0o022:
        problem = f"can be written by other users (mode {stat.S_IMODE(status.st_mode):o})"
    else:
        return True
    _log.warning(
        "compass: the cache folder %s %s, so it is not used: this run reads the knowledge "
        "base's files themselves (slower, same results). To use a cache, remove that folder "
        "or set COMPASS_CACHE_DIR to a folder of your own that only you can write.",
        folder,
        problem,
    )
    return False


def cache_cap_bytes() -> int:
    """Each cache's cap: ``COMPASS_CACHE_MAX_MB`` megabytes. A value that is not a number is
    ignored (the default holds) rather than failing every command that reads a KB."""
    raw = os.environ.get("COMPASS_CACHE_MAX_MB", "").strip()
    try:
        megabytes = float(raw) if raw else DEFAULT_CAP_MEGABYTES
    except ValueError:
        megabytes = DEFAULT_CAP_MEGABYTES
    if not math.isfinite(megabytes):
        megabytes = DEFAULT_CAP_MEGABYTES
    return max(0, int(megabytes * 1024 * 1024))


def mark_used(entry: Path) -> None:
    """Record that an entry was just read, so eviction keeps it longest."""
    with contextlib.suppress(OSError, NotImplementedError):  # gone meanwhile: nothing to keep
        os.utime(entry, follow_symlinks=False)


# A writer writes a temporary file and renames it, in milliseconds; one older than this was
# left by a writer that was killed in between, and nothing will ever rename it.
STALE_WRITE_SECONDS = 60.0
_swept: set[Path] = set()


def sweep_stale_writes(folder: Path) -> None:
    """Delete the temporary files killed writers left in a cache folder (once per process:
    the first write to a folder pays for one listing of it)."""
    if folder in _swept:
        return
    _swept.add(folder)
    oldest = time.time() - STALE_WRITE_SECONDS
    for _, _, item in _entries(folder):
        with contextlib.suppress(OSError):  # renamed or deleted by its writer meanwhile
            if item.suffix == ".tmp" and item.lstat().st_mtime < oldest:
                item.unlink()


# This process's running total of each cache's size, so a write needs no scan of the folder
# until the total reaches the cap; the scan then also counts what other processes wrote.
_estimated_sizes: dict[Path, int] = {}


def note_written(entry: Path) -> None:
    """Count a new entry in its cache and evict least recently used entries past the cap."""
    try:
        size = entry.stat().st_size
    except OSError:
        return
    folder = entry.parent
    cap = cache_cap_bytes()
    known = _estimated_sizes.get(folder)
    if known is None or known + size > cap:
        _estimated_sizes[folder] = evict_least_recently_used(folder, cap)
    else:
        _estimated_sizes[folder] = known + size


def _entries(folder: Path) -> list[tuple[int, int, Path]]:
    """(modification time in ns, size, path) of every entry still there."""
    found = []
    try:
        listing = list(folder.iterdir())
    except OSError:
        return []
    for item in listing:
        if item.suffix not in _ENTRY_SUFFIXES:
            continue
        try:
            status = item.lstat()  # a planted link is measured and deleted, never followed
        except OSError:  # deleted by another process since the listing
            continue
        found.append((status.st_mtime_ns, status.st_size, item))
    return found


def evict_least_recently_used(folder: Path, cap: int) -> int:
    """Delete the least recently used entries of one cache until it holds at most ``cap``
    bytes; its size afterwards."""
    entries = sorted(_entries(folder))
    total = sum(size for _, size, _ in entries)
    # A ".tmp" file is an entry being written, which the writer renames in a moment.
    for _, size, item in (entry for entry in entries if entry[2].suffix == ".json"):
        if total <= cap:
            break
        with contextlib.suppress(OSError):  # already deleted by another process
            item.unlink()
        total -= size
    return total


def _cache_folders(root: Path) -> list[Path]:
    folders = []
    for kind in CACHE_KINDS:
        with contextlib.suppress(OSError):
            folders += [
                folder
                for folder in sorted(root.glob(f"{kind}-*"))
                if folder.name[len(kind) + 1 :].isdigit() and folder.is_dir()
            ]
    return folders


def cache_info() -> CacheReport:
    """Where each cache is, how many entries and bytes it holds, and its cap."""
    from ..schemas.cache_report import CacheReport, CacheSummary  # noqa: PLC0415 - see above

    root, cap = cache_root(), cache_cap_bytes()
    summaries = []
    for folder in _cache_folders(root) if root is not None else []:
        entries = _entries(folder)
        summaries.append(
            CacheSummary(
                name=folder.name,
                path=folder,
                entries=sum(1 for *_, item in entries if item.suffix == ".json"),
                size_bytes=sum(size for _, size, _ in entries),
                cap_bytes=cap,
            )
        )
    return CacheReport(root=root, cap_bytes=cap, caches=tuple(summaries))


def clear_caches() -> CacheReport:
    """Delete every cache entry (and the emptied folders); what there was before."""
    report = cache_info()
    for summary in report.caches:
        for *_, item in _entries(summary.path):
            with contextlib.suppress(OSError):
                item.unlink()
        with contextlib.suppress(OSError):  # not empty: another process wrote meanwhile
            summary.path.rmdir()
        _estimated_sizes.pop(summary.path, None)
        _verdicts.pop(summary.path, None)
    return report
