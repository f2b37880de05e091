"""Telling that the engine's own modules are unchanged from their ``stat`` alone.

Every cache entry is keyed by a hash of the code that made it (:func:`.cache.code_stamp`), and
hashing the modules of the stamped subpackages is about 1.5 % of a start with warm caches. The
stamp is therefore kept on disk under this signature of the modules, which costs a fraction of
reading them, and hashed again whenever the signature changes or cannot be trusted.
"""

from __future__ import annotations

import os
from pathlib import Path

# A module written in the last two seconds may be written again within the same clock tick,
# leaving its size and times unchanged: its subpackage is hashed rather than trusted, by the
# rule a KB's files follow.
from .files_signature import FileStamp, racy_after, trusted_stamp

ModulesSignature = tuple[FileStamp, ...]


def modules_signature(folder: Path) -> ModulesSignature | None:
    """The path inside ``folder``, size, modification and change times and inode of every
    ``.py`` file below it, at any depth (the files a code stamp hashes); equal signatures mean
    no module was added, removed, renamed or written in between. None when ``stat`` cannot
    tell: a link, an unreadable folder, or a module written in the last two seconds."""
    found: list[FileStamp] = []
    newest = racy_after()
    pending = [""]
    while pending:
        relative = pending.pop()
        try:
            with os.scandir(folder / relative if relative else folder) as scan:
                entries = list(scan)
        except OSError:
            return None
        for entry in entries:
            name = f"{relative}/{entry.name}" if relative else entry.name
            if entry.is_symlink():
                return None
            if entry.is_dir(follow_symlinks=False):
                pending.append(name)
                continue
            if not entry.name.endswith(".py"):
                continue
            try:
                status = entry.stat(follow_symlinks=False)
            except OSError:
                return None
            stamp = trusted_stamp(name, status, newest)
            if stamp is None:
                return None
            found.append(stamp)
    return tuple(sorted(found))
