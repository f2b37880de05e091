"""Walking the hash chain: checking it, checking it against a head kept elsewhere, and
exporting it as JSON Lines that can be checked without this tool.

A chain detects changes; it cannot stop someone who rewrites the whole file consistently.
A head hash kept where that person cannot write (see SECURITY.md) can: ``verify`` given it
fails unless the chain still passes through that record.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from .records import GENESIS, STORED_FIELDS, Verification, record_hash
from .store import FORMAT, columns, connect

EXPORT_TRAILER = "synergy-compass-audit-export"


class _Walk:
    """The chain checked one record at a time, oldest first."""

    def __init__(self, kept_head: str | None) -> None:
        self.previous, self.expected, self.records = GENESIS, 1, 0
        self.kept_head = kept_head
        self.kept_head_sequence: int | None = None
        self.broken: dict[str, object] | None = None
        self.problem = ""

    def check(self, row: dict[str, object]) -> None:
        self.records += 1
        if self.broken is not None:
            return
        problem = ""
        if row["sequence"] != self.expected:
            problem = (
                f"expected record {self.expected} here but found record "
                f"{row['sequence']}: a record was deleted or the order changed"
            )
        elif row["previous_hash"] != self.previous:
            problem = (
                "its link to the previous record does not match: records were removed, "
                "reordered or altered"
            )
        elif record_hash(row) != row["record_hash"]:
            problem = "its content does not match its hash: the record was altered"
        if problem:
            self.broken, self.problem = row, problem
            return
        self.previous, self.expected = str(row["record_hash"]), self.expected + 1
        if row["record_hash"] == self.kept_head:
            self.kept_head_sequence = int(str(row["sequence"]))

    def result(self, path: Path, meta: dict[str, str]) -> Verification:
        found = {"path": str(path), "records": self.records, "kept_head": self.kept_head}
        if self.broken is not None:
            return Verification(
                **found,
                intact=False,
                first_bad_sequence=int(str(self.broken["sequence"])),
                first_bad_run_id=str(self.broken["run_id"]),
                problem=self.problem,
            )
        if meta.get("head_hash") != self.previous or meta.get("head_sequence") != str(self.records):
            return Verification(
                **found,
                intact=False,
                problem="the chain head does not match the last record: records "
                "at the end were deleted or the head was altered",
            )
        if self.kept_head is not None and self.kept_head_sequence is None:
            return Verification(
                **found,
                intact=False,
                head_hash=self.previous,
                problem=f"no record has the kept head hash {self.kept_head}: the chain was "
                "cut back before it or rewritten since that head was noted",
            )
        return Verification(
            **found,
            intact=True,
            head_hash=self.previous,
            kept_head_sequence=self.kept_head_sequence,
        )


def _walk(
    path: Path, walk: _Walk, each: Callable[[dict[str, object]], object] | None = None
) -> Verification:
    """Check every record as stored, oldest first (handing each to ``each``), then the head."""
    with connect(path, create=False) as db:
        cursor = db.execute(f"SELECT {columns(db, STORED_FIELDS)} FROM runs ORDER BY rowid")
        for values in cursor:
            row = dict(zip(STORED_FIELDS, values, strict=True))
            walk.check(row)
            if each is not None:
                each(row)
        meta = {str(key): str(value) for key, value in db.execute("SELECT key, value FROM meta")}
    return walk.result(path, meta)


def verify(path: Path, kept_head: str | None = None) -> Verification:
    """Walk the chain: each record's hash, its link to the one before, and the head; with
    ``kept_head``, also that one record's hash is that head (the chain passes through it)."""
    return _walk(path, _Walk(kept_head))


def export(path: Path, write: Callable[[str], object]) -> Verification:
    """Write the chain as JSON Lines: one record per line with every stored field (the
    scenario and report as the exact JSON text that was hashed, so that anyone can recompute
    the hashes), then one trailer line: the stored head hash, the count, and whether the chain
    verified. Records are read and written one at a time, however large the store."""
    walk = _Walk(None)
    result = _walk(path, walk, lambda row: write(json.dumps(row, ensure_ascii=False) + "\n"))
    trailer = {
        "trailer": EXPORT_TRAILER,
        "format": FORMAT,
        "records": result.records,
        "head_hash": walk.previous if result.intact else None,
        "intact": result.intact,
        "problem": result.problem,
    }
    write(json.dumps(trailer, ensure_ascii=False) + "\n")
    return result
