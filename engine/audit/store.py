"""The audit record: every advice run, in an embedded SQLite database, as a hash chain.

Each record holds the run id and time, the tool and knowledge-base versions and digests, the
normalised scenario and the full report with its explanations. Its hash covers all of that and
the previous record's hash, so altering, deleting or reordering any record breaks the chain at
that point, and ``verify`` names it. A chain detects changes; it cannot stop someone who rewrites
the whole file (see SECURITY.md for what would: exporting the head hash elsewhere, signing).

Writers take SQLite's write lock before reading the chain head (``BEGIN IMMEDIATE``), so
concurrent processes append one after another and no record is lost; a writer killed mid-way
leaves the last committed state, which still verifies.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from .errors import AuditStoreError
from .explain.report import scenario_digest
from .schemas.base import Frozen
from .schemas.report import Report
from .schemas.scenario import Scenario

FORMAT = "synergy-compass-audit"
FORMAT_VERSION = "1"
GENESIS = "0" * 64
ENVIRONMENT_VARIABLE = "COMPASS_AUDIT_DB"
_TIMEOUT_SECONDS = 60.0

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
    sequence INTEGER PRIMARY KEY,
    run_id TEXT NOT NULL UNIQUE,
    recorded_at TEXT NOT NULL,
    tool_version TEXT NOT NULL,
    kb_name TEXT NOT NULL,
    kb_version TEXT NOT NULL,
    kb_digest TEXT NOT NULL,
    scenario_title TEXT NOT NULL,
    scenario_digest TEXT NOT NULL,
    scenario_json TEXT NOT NULL,
    report_json TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    record_hash TEXT NOT NULL
);
"""
_FIELDS = (
    "sequence",
    "run_id",
    "recorded_at",
    "tool_version",
    "kb_name",
    "kb_version",
    "kb_digest",
    "scenario_title",
    "scenario_digest",
    "scenario_json",
    "report_json",
    "previous_hash",
)


class RunSummary(Frozen):
    sequence: int
    run_id: str
    recorded_at: str
    scenario_title: str
    kb_version: str
    kb_digest: str
    recommendations: int


class StoredRun(Frozen):
    summary: RunSummary
    tool_version: str
    scenario: Scenario
    report: Report


class Verification(Frozen):
    path: str
    records: int
    intact: bool
    first_bad_sequence: int | None = None
    first_bad_run_id: str | None = None
    problem: str = ""
    head_hash: str = GENESIS


def default_path() -> Path:
    """``$COMPASS_AUDIT_DB``, or ``audit.sqlite3`` in the user's data directory."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured)
    return platformdirs.user_data_path("synergy-compass") / "audit.sqlite3"


def record_hash(row: dict[str, object]) -> str:
    """The hash of one record: every field, including the previous record's hash."""
    canonical = json.dumps([row[name] for name in _FIELDS], ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _create_private(path: Path) -> None:
    # Reports describe clients' situations: only the owner may read the file.
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)


@contextmanager
def _connect(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    if not path.exists():
        if not create:
            raise AuditStoreError(
                f"{path}: there is no audit database here yet; "
                "run `compass advise` first, or pass --audit-db PATH"
            )
        _create_private(path)
    try:
        with closing(sqlite3.connect(path, timeout=_TIMEOUT_SECONDS, isolation_level=None)) as db:
            db.execute("PRAGMA busy_timeout = 60000")
            _check_format(db, path)
            yield db
    except sqlite3.DatabaseError as error:
        raise AuditStoreError(
            f"{path}: not a usable Synergy Compass audit database ({error}); "
            "check the path, or move the damaged file aside and start a new one"
        ) from error


def _check_format(db: sqlite3.Connection, path: Path) -> None:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        # A new store (or one a writer has just created and is setting up): set it up here.
        # The statements are idempotent, and the write lock orders concurrent set-ups.
        db.execute("BEGIN IMMEDIATE")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(
            "INSERT OR IGNORE INTO meta VALUES ('format', ?), ('version', ?), "
            "('head_sequence', '0'), ('head_hash', ?)",
            (FORMAT, FORMAT_VERSION, GENESIS),
        )
        db.execute("COMMIT")
        return
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
    if meta.get("format") != FORMAT or "runs" not in tables:
        raise AuditStoreError(f"{path}: this SQLite file is not a Synergy Compass audit database")
    if meta.get("version") != FORMAT_VERSION:
        raise AuditStoreError(
            f"{path}: audit format version {meta.get('version')} is not "
            f"supported (this tool reads version {FORMAT_VERSION})"
        )


def record_run(path: Path, scenario: Scenario, report: Report, tool_version: str) -> RunSummary:
    """Append one run to the chain and return its summary."""
    with _connect(path, create=True) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            head = dict(
                db.execute(
                    "SELECT key, value FROM meta WHERE key IN ('head_sequence', 'head_hash')"
                ).fetchall()
            )
            row: dict[str, object] = {
                "sequence": int(head["head_sequence"]) + 1,
                "run_id": uuid.uuid4().hex,
                "recorded_at": datetime.now(UTC).isoformat(timespec="seconds"),
                "tool_version": tool_version,
                "kb_name": report.kb.name,
                "kb_version": report.kb.version,
                "kb_digest": report.kb.digest,
                "scenario_title": scenario.title,
                "scenario_digest": scenario_digest(scenario),
                "scenario_json": scenario.model_dump_json(),
                "report_json": report.model_dump_json(),
                "previous_hash": head["head_hash"],
            }
            digest = record_hash(row)
            db.execute(
                f"INSERT INTO runs ({', '.join(_FIELDS)}, record_hash) "
                f"VALUES ({', '.join('?' * (len(_FIELDS) + 1))})",
                [*(row[name] for name in _FIELDS), digest],
            )
            db.execute(
                "UPDATE meta SET value = ? WHERE key = 'head_sequence'", (str(row["sequence"]),)
            )
            db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (digest,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
    return RunSummary(
        sequence=int(str(row["sequence"])),
        run_id=str(row["run_id"]),
        recorded_at=str(row["recorded_at"]),
        scenario_title=scenario.title,
        kb_version=report.kb.version,
        kb_digest=report.kb.digest,
        recommendations=len(report.recommendations),
    )


_SUMMARY_COLUMNS = (
    "sequence, run_id, recorded_at, scenario_title, kb_version, kb_digest, "
    "json_array_length(report_json, '$.recommendations')"
)


def _summary(row: tuple[object, ...]) -> RunSummary:
    return RunSummary(
        sequence=int(str(row[0])),
        run_id=str(row[1]),
        recorded_at=str(row[2]),
        scenario_title=str(row[3]),
        kb_version=str(row[4]),
        kb_digest=str(row[5]),
        recommendations=int(str(row[6] or 0)),
    )


def list_runs(path: Path) -> list[RunSummary]:
    """Every recorded run, oldest first."""
    with _connect(path, create=False) as db:
        rows = db.execute(f"SELECT {_SUMMARY_COLUMNS} FROM runs ORDER BY sequence").fetchall()
    return [_summary(row) for row in rows]


def load_run(path: Path, run_id: str) -> StoredRun:
    """One run by its id (or a unique prefix of it), rebuilt from the record alone."""
    with _connect(path, create=False) as db:
        rows = db.execute(
            f"SELECT {_SUMMARY_COLUMNS}, tool_version, scenario_json, report_json FROM runs "
            "WHERE substr(run_id, 1, length(?)) = ? ORDER BY sequence",
            (run_id, run_id),
        ).fetchall()
    if len(rows) != 1 or not run_id:
        found = "no run" if not rows else f"{len(rows)} runs"
        raise AuditStoreError(
            f"{path}: {found} with an id starting {run_id!r}; `compass audit list` shows the ids"
        )
    row = rows[0]
    try:
        return StoredRun(
            summary=_summary(row),
            tool_version=str(row[7]),
            scenario=Scenario.model_validate_json(str(row[8])),
            report=Report.model_validate_json(str(row[9])),
        )
    except (ValidationError, ValueError) as error:
        raise AuditStoreError(
            f"{path}: record {row[0]} (run {row[1]}) cannot be read back: its stored scenario or "
            "report is not in the recorded format, so it was altered or written by another "
            "version; `compass audit verify` checks the chain"
        ) from error


def verify(path: Path) -> Verification:
    """Walk the chain: each record's hash, its link to the one before, and the head."""
    with _connect(path, create=False) as db:
        columns = ", ".join((*_FIELDS, "record_hash"))
        rows = db.execute(f"SELECT {columns} FROM runs ORDER BY rowid").fetchall()
        meta = dict(db.execute("SELECT key, value FROM meta").fetchall())
    previous, expected_sequence = GENESIS, 1
    for values in rows:
        row = dict(zip((*_FIELDS, "record_hash"), values, strict=True))
        problem = ""
        if row["sequence"] != expected_sequence:
            problem = (
                f"expected record {expected_sequence} here but found record "
                f"{row['sequence']}: a record was deleted or the order changed"
            )
        elif row["previous_hash"] != previous:
            problem = (
                "its link to the previous record does not match: records were removed, "
                "reordered or altered"
            )
        elif record_hash(row) != row["record_hash"]:
            problem = "its content does not match its hash: the record was altered"
        if problem:
            return Verification(
                path=str(path),
                records=len(rows),
                intact=False,
                first_bad_sequence=int(row["sequence"]),
                first_bad_run_id=str(row["run_id"]),
                problem=problem,
            )
        previous, expected_sequence = str(row["record_hash"]), expected_sequence + 1
    if meta.get("head_hash") != previous or meta.get("head_sequence") != str(len(rows)):
        return Verification(
            path=str(path),
            records=len(rows),
            intact=False,
            problem="the chain head does not match the last record: records "
            "at the end were deleted or the head was altered",
        )
    return Verification(path=str(path), records=len(rows), intact=True, head_hash=previous)
