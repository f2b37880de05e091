"""The audit database: one SQLite file holding the records and the chain's head.

Writers take SQLite's write lock before reading the chain head (``BEGIN IMMEDIATE``), so
concurrent processes append one after another and no record is lost; a writer killed mid-way
leaves the last committed state, which still verifies.

Format version 2 adds the provenance columns (KB layers, user, host). A version-1 file is read
as it is (those columns read as empty) and upgraded in place by the first run recorded in it,
under the write lock; its old records keep their hashes.
"""

from __future__ import annotations

import json
import os
import sqlite3
import uuid
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path

import platformdirs
from pydantic import ValidationError

from ..errors import AuditStoreError
from ..explain.report import scenario_digest
from ..schemas.report import Report
from ..schemas.scenario import Scenario
from .provenance import KBLayer
from .records import GENESIS, HASHED_FIELDS, PROVENANCE_FIELDS, RunSummary, StoredRun, record_hash

FORMAT = "synergy-compass-audit"
FORMAT_VERSION = "2"
_READABLE_VERSIONS = ("1", FORMAT_VERSION)
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
    record_hash TEXT NOT NULL,
    kb_layers_json TEXT,
    run_by TEXT,
    run_on TEXT
);
"""


def default_path() -> Path:
    """``$COMPASS_AUDIT_DB``, or ``audit.sqlite3`` in the user's data directory."""
    configured = os.environ.get(ENVIRONMENT_VARIABLE)
    if configured:
        return Path(configured)
    return platformdirs.user_data_path("synergy-compass") / "audit.sqlite3"


_WRITE_ADVICE = (
    "free some space or make the folder writable, record elsewhere with --audit-db PATH "
    "(or COMPASS_AUDIT_DB), or run with --no-audit"
)


def _create_private(path: Path) -> None:
    # Reports describe clients' situations: only the owner may read the file.
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        try:
            descriptor = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:  # another writer created it first: it sets it up
            return
    except OSError as error:
        raise AuditStoreError(
            f"{path}: cannot create the audit database ({error.strerror or error}); "
            + _WRITE_ADVICE
        ) from error
    os.close(descriptor)


@contextmanager
def connect(path: Path, *, create: bool) -> Iterator[sqlite3.Connection]:
    """An open audit database whose format was checked (set up first when new)."""
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
    except sqlite3.OperationalError as error:
        if create:  # a writer: the file was usable, the write was not
            raise _write_failed(path, error) from error
        raise _unusable(path, error) from error
    except sqlite3.DatabaseError as error:
        raise _unusable(path, error) from error


def _unusable(path: Path, error: sqlite3.Error) -> AuditStoreError:
    return AuditStoreError(
        f"{path}: not a usable Synergy Compass audit database ({error}); "
        "check the path, or move the damaged file aside and start a new one"
    )


def _write_failed(path: Path, error: sqlite3.Error) -> AuditStoreError:
    # SQLite names the cause ("database or disk is full", "attempt to write a readonly
    # database", "disk I/O error"); that is what the user must see, with what to do.
    if "file is not a database" in str(error) or "malformed" in str(error):
        return _unusable(path, error)
    cause = str(error)
    for place, what in ((path.parent, "its folder"), (path, "the file")):
        # SQLite says "unable to open database file" when it cannot create its journal.
        if place.exists() and not os.access(place, os.W_OK):
            cause += f": {what} is read-only"
            break
    return AuditStoreError(f"{path}: could not record the run ({cause}); " + _WRITE_ADVICE)


def _check_format(db: sqlite3.Connection, path: Path) -> None:
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if not tables:
        # A new store (or one a writer has just created and is setting up): set it up here.
        # The statements are idempotent, and the write lock orders concurrent set-ups.
        db.execute("BEGIN IMMEDIATE")
        try:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    db.execute(statement)
            db.execute(
                "INSERT OR IGNORE INTO meta VALUES ('format', ?), ('version', ?), "
                "('head_sequence', '0'), ('head_hash', ?)",
                (FORMAT, FORMAT_VERSION, GENESIS),
            )
            db.execute("COMMIT")
        finally:
            _roll_back(db)
        return
    meta = dict(db.execute("SELECT key, value FROM meta").fetchall()) if "meta" in tables else {}
    if meta.get("format") != FORMAT or "runs" not in tables:
        raise AuditStoreError(f"{path}: this SQLite file is not a Synergy Compass audit database")
    if meta.get("version") not in _READABLE_VERSIONS:
        raise AuditStoreError(
            f"{path}: audit format version {meta.get('version')} is not supported (this "
            f"tool reads versions {', '.join(_READABLE_VERSIONS)}); use a newer Synergy Compass"
        )


def _roll_back(db: sqlite3.Connection) -> None:
    # After a failed write SQLite may have rolled back already; a second ROLLBACK would raise
    # "cannot rollback - no transaction is active" over the error that matters.
    if db.in_transaction:
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")


def _upgrade(db: sqlite3.Connection) -> None:
    """Add the provenance columns to a version-1 store (under the caller's write lock)."""
    (version,) = db.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
    if version == FORMAT_VERSION:
        return
    present = _present(db)
    for column in PROVENANCE_FIELDS:
        if column not in present:
            db.execute(f"ALTER TABLE runs ADD COLUMN {column} TEXT")
    db.execute("UPDATE meta SET value = ? WHERE key = 'version'", (FORMAT_VERSION,))


def record_run(
    path: Path,
    scenario: Scenario,
    report: Report,
    tool_version: str,
    *,
    layers: Sequence[KBLayer] = (),
    user: str | None = None,
    host: str | None = None,
) -> RunSummary:
    """Append one run to the chain and return its summary.

    ``layers``, ``user`` and ``host`` are the run's provenance (see :mod:`.provenance`); a run
    recorded with none of them is hashed as records were before provenance was kept.
    """
    provenance = bool(layers) or user is not None or host is not None
    with connect(path, create=True) as db:
        db.execute("BEGIN IMMEDIATE")
        try:
            _upgrade(db)
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
                "kb_layers_json": (
                    json.dumps([layer.model_dump(mode="json") for layer in layers])
                    if provenance
                    else None
                ),
                "run_by": user,
                "run_on": host,
            }
            digest = record_hash(row)
            names = (*HASHED_FIELDS, *PROVENANCE_FIELDS)
            db.execute(
                f"INSERT INTO runs ({', '.join(names)}, record_hash) "
                f"VALUES ({', '.join('?' * (len(names) + 1))})",
                [*(row[name] for name in names), digest],
            )
            db.execute(
                "UPDATE meta SET value = ? WHERE key = 'head_sequence'", (str(row["sequence"]),)
            )
            db.execute("UPDATE meta SET value = ? WHERE key = 'head_hash'", (digest,))
            db.execute("COMMIT")
        finally:
            _roll_back(db)
    return RunSummary(
        sequence=int(str(row["sequence"])),
        run_id=str(row["run_id"]),
        recorded_at=str(row["recorded_at"]),
        scenario_title=scenario.title,
        kb_version=report.kb.version,
        kb_digest=report.kb.digest,
        recommendations=len(report.recommendations),
        user=user,
        host=host,
    )


def _present(db: sqlite3.Connection) -> set[str]:
    return {row[1] for row in db.execute("PRAGMA table_info(runs)")}


def columns(db: sqlite3.Connection, names: Sequence[str]) -> str:
    """A select list of ``names``; a provenance column a version-1 store lacks reads NULL."""
    present = _present(db)
    return ", ".join(name if name in present else f"NULL AS {name}" for name in names)


# Counting the advice is done by SQLite, without parsing each report in Python; a report that
# is not JSON (an altered record) counts as NULL instead of stopping the whole listing.
_SUMMARY_NAMES = (
    "sequence",
    "run_id",
    "recorded_at",
    "scenario_title",
    "kb_version",
    "kb_digest",
    "run_by",
    "run_on",
)
_ADVICE_COUNT = (
    "CASE WHEN json_valid(report_json) THEN json_array_length(report_json, '$.recommendations') END"
)
_READABLE = "json_valid(scenario_json) AND (kb_layers_json IS NULL OR json_valid(kb_layers_json))"


def _summary(row: Sequence[object]) -> RunSummary:
    count, readable = row[8], row[9]
    problem = ""
    if count is None or not readable:
        problem = "its stored scenario, report or KB layers are not in the recorded format"
    return RunSummary(
        sequence=int(str(row[0])),
        run_id=str(row[1]),
        recorded_at=str(row[2]),
        scenario_title=str(row[3]),
        kb_version=str(row[4]),
        kb_digest=str(row[5]),
        user=None if row[6] is None else str(row[6]),
        host=None if row[7] is None else str(row[7]),
        recommendations=int(str(count or 0)),
        problem=problem,
    )


def _summary_select(db: sqlite3.Connection) -> str:
    readable = _READABLE if "kb_layers_json" in _present(db) else "json_valid(scenario_json)"
    return f"{columns(db, _SUMMARY_NAMES)}, {_ADVICE_COUNT}, {readable}"


def list_runs(path: Path) -> list[RunSummary]:
    """Every recorded run, oldest first; a record that cannot be read back is listed with
    its ``problem`` rather than stopping the list."""
    with connect(path, create=False) as db:
        rows = db.execute(f"SELECT {_summary_select(db)} FROM runs ORDER BY sequence").fetchall()
    return [_summary(row) for row in rows]


def find_run(path: Path, run_id: str) -> RunSummary:
    """The summary of the one run whose id starts with ``run_id``."""
    return _find(path, run_id)[0]


def _find(path: Path, run_id: str) -> tuple[RunSummary, tuple[object, ...]]:
    with connect(path, create=False) as db:
        extra = columns(db, ("tool_version", "scenario_json", "report_json", "kb_layers_json"))
        rows = db.execute(
            f"SELECT {_summary_select(db)}, {extra} FROM runs "
            "WHERE substr(run_id, 1, length(?)) = ? ORDER BY sequence",
            (run_id, run_id),
        ).fetchall()
    if len(rows) != 1 or not run_id:
        found = "no run" if not rows else f"{len(rows)} runs"
        raise AuditStoreError(
            f"{path}: {found} with an id starting {run_id!r}; `compass audit list` shows the ids"
        )
    return _summary(rows[0]), tuple(rows[0][10:])


def load_run(path: Path, run_id: str) -> StoredRun:
    """One run by its id (or a unique prefix of it), rebuilt from the record alone."""
    summary, (tool_version, scenario_json, report_json, layers_json) = _find(path, run_id)
    try:
        layers = json.loads(str(layers_json)) if layers_json is not None else []
        return StoredRun(
            summary=summary,
            tool_version=str(tool_version),
            scenario=Scenario.model_validate_json(str(scenario_json)),
            report=Report.model_validate_json(str(report_json)),
            layers=tuple(KBLayer.model_validate(layer) for layer in layers),
        )
    except (ValidationError, ValueError, TypeError) as error:
        raise AuditStoreError(
            f"{path}: record {summary.sequence} (run {summary.run_id}) cannot be read back: its "
            "stored scenario, report or KB layers are not in the recorded format, so it was "
            "altered or written by another version; `compass audit verify` checks the chain"
        ) from error
