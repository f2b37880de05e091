"""Telling that a KB's files are unchanged from their ``stat`` alone, without reading them.

``api.compiled_knowledge_base`` keeps a compiled KB in memory under its digest; hashing every
file again at each call would cost more than the run, so it compares these signatures first
and hashes only when they differ or cannot be trusted.
"""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

from .discovery import SCENARIO_DIRECTORY

# A file written this recently may be written again within the same clock tick of its file
# system, leaving its size and time unchanged: such a KB is hashed rather than trusted. The
# engine's kept code stamps and pycountry's kept table follow the same rule, through here.
_RACY_SECONDS = 2.0

FileStamp = tuple[str, int, int, int, int]
"""A file's name, size, modification and change times (nanoseconds) and inode."""
FilesSignature = tuple[FileStamp, ...]


def racy_after() -> float:
    """The modification time after which a file is too new for its ``stat`` to vouch for it."""
    return time.time() - _RACY_SECONDS


def trusted_stamp(name: str, status: os.stat_result, newest: float) -> FileStamp | None:
    """The stamp of a file named ``name`` with this ``stat``, or None when it was modified
    after ``newest`` (:func:`racy_after`, taken once for a whole signature)."""
    if status.st_mtime > newest:
        return None
    return _stamp(name, status)


def kb_files_signature(roots: Sequence[Path]) -> FilesSignature | None:
    """The name, size, modification and change times and inode of every folder and file
    below the KB roots (their scenario folders excepted), from ``stat`` alone: equal
    signatures mean no file was added, removed, renamed or written in between (a write sets
    the change time, whatever is done to the modification time afterwards), so the KB digest
    of the first still holds. None when that cannot be told this way (a link, an unreadable
    folder, a file written in the last two seconds); the caller then hashes the files."""
    found: list[FileStamp] = []
    newest = racy_after()
    pending = [(str(root), True) for root in roots]
    while pending:
        folder, top = pending.pop()
        try:
            with os.scandir(folder) as scan:
                entries = sorted(scan, key=lambda entry: entry.name)
            status = Path(folder).stat()
        except OSError:
            return None
        found.append(_stamp(folder, status))
        for entry in entries:
            if top and entry.name == SCENARIO_DIRECTORY:
                continue
            if entry.is_symlink():
                return None
            if entry.is_dir(follow_symlinks=False):
                pending.append((entry.path, False))
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                return None
            stamp = trusted_stamp(entry.path, status, newest)
            if stamp is None:
                return None
            found.append(stamp)
    return tuple(found)


def _stamp(path: str, status: os.stat_result) -> FileStamp:
    return (path, status.st_size, status.st_mtime_ns, status.st_ctime_ns, status.st_ino)
