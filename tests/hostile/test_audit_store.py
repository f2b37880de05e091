"""Issue 19 item 6, the audit store's part: a malformed record does not stop `audit list`; `audit
show` checks a record's hash before reading it; a store that cannot be written (read-only, no
folder, full disk) is exit 2 naming the real cause; a run is recorded only once its output
was written.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import MINI_KB
from hostile_support import BASIC, assert_no_traceback, invoke
from synergy_compass.engine import audit
from synergy_compass.engine.api import advise_and_record
from synergy_compass.engine.audit import store


def run(*args: object) -> Result:
    result = invoke(*args)
    assert_no_traceback(result)
    return result


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite3"
    for _ in range(3):
        advise_and_record(BASIC, MINI_KB, audit_path=path)
    return path


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("report_json", "not JSON at all {"),
        ("scenario_json", "[unclosed"),
        ("kb_layers_json", "{{{"),
        ("report_json", '{"no": "recommendations here"}'),
    ],
)
def test_one_malformed_record_does_not_stop_the_list(
    database: Path, column: str, value: str
) -> None:
    with sqlite3.connect(database) as db:
        db.execute(f"UPDATE runs SET {column} = ? WHERE sequence = 2", (value,))
    listed = run("audit", "list", "--audit-db", database)
    assert listed.exit_code == 1
    lines = listed.stdout.splitlines()
    assert len(lines) == 3
    assert "BROKEN" in lines[1]
    assert "BROKEN" not in lines[0] + lines[2]
    assert "record(s) 2 cannot be read back" in listed.stderr
    as_json = run("audit", "list", "--audit-db", database, "--format", "json")
    assert [bool(run["problem"]) for run in json.loads(as_json.stdout)] == [
        False,
        True,
        False,
    ]


def test_show_checks_the_hash_before_reading_the_record(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET report_json = 'not JSON' WHERE sequence = 2")
    broken = audit.list_runs(database)[1]
    shown = run("audit", "show", broken.run_id, "--audit-db", database)
    assert shown.exit_code == 2
    assert shown.stdout.startswith("WARNING: this record does not verify")
    assert shown.stderr.startswith(f"error: {database}: record 2 (run {broken.run_id})")
    assert "its content does not match its hash: the record was altered" in shown.stderr
    assert len(shown.stderr.splitlines()) == 1


def _connect_with(monkeypatch: pytest.MonkeyPatch, prepare: Callable[..., Any]) -> None:
    """Open the store as SQLite would under the condition ``prepare`` sets up."""
    real_connect = sqlite3.connect

    def connect(path: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        return prepare(real_connect, path, *args, **kwargs)  # type: ignore[no-any-return]

    monkeypatch.setattr(store.sqlite3, "connect", connect)


def test_a_full_disk_names_the_cause_not_the_rollback(
    database: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_room(real: Any, path: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        db = real(path, *args, **kwargs)
        # SQLite's own "disk full" (SQLITE_FULL): the file may not grow by a single page.
        (pages,) = db.execute("PRAGMA page_count").fetchone()
        db.execute(f"PRAGMA max_page_count = {pages}")
        return db  # type: ignore[no-any-return]

    _connect_with(monkeypatch, no_room)
    result = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", database)
    assert result.exit_code == 2, result.stderr
    assert f"error: {database}: could not record the run (database or disk is full)" in (
        result.stderr
    )
    assert "cannot rollback" not in result.stderr
    monkeypatch.undo()
    assert audit.verify(database).records == 3
    assert audit.verify(database).intact


def test_a_read_only_store_names_the_cause(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def read_only(real: Any, path: Any, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        # What a read-only file or folder gives SQLite (root can write through chmod, so
        # the tests open it read-only instead).
        return real(f"file:{path}?mode=ro", *args, uri=True, **kwargs)  # type: ignore[no-any-return]

    _connect_with(monkeypatch, read_only)
    result = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", database)
    assert result.exit_code == 2, result.stderr
    assert "could not record the run (attempt to write a readonly database)" in result.stderr
    assert "--no-audit" in result.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through a read-only folder")
def test_a_read_only_folder_names_the_cause(tmp_path: Path) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    existing = folder / "existing.sqlite3"
    advise_and_record(BASIC, MINI_KB, audit_path=existing)
    folder.chmod(0o500)
    try:
        new = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", folder / "audit.sqlite3")
        old = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", existing)
    finally:
        folder.chmod(0o700)
    assert new.exit_code == 2
    assert "cannot create the audit database (Permission denied)" in new.stderr
    assert old.exit_code == 2
    assert "could not record the run (" in old.stderr
    assert "its folder is read-only" in old.stderr
    assert audit.verify(existing).records == 1


def test_a_store_that_cannot_be_created_names_the_cause(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file where the folder should be")
    target = not_a_folder / "audit.sqlite3"
    result = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", target)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"error: {target}: cannot create the audit database (")
    assert "--audit-db" in result.stderr


def test_a_run_is_recorded_only_after_its_output_was_written(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    failed = run(
        "advise", BASIC, "--kb", MINI_KB, "--audit-db", database, "-o", blocked / "report.txt"
    )
    assert failed.exit_code != 0
    assert not database.exists() or audit.list_runs(database) == []
    written = run("advise", BASIC, "--kb", MINI_KB, "--audit-db", database, "-o", tmp_path / "r")
    assert written.exit_code == 0
    assert (tmp_path / "r").exists()
    assert len(audit.list_runs(database)) == 1
