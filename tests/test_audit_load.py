"""Issue 8 §5: the audit store under load and faults.

- 4 processes recording 250 runs each at the same moment lose no record, duplicate none, keep
  each writer's order, and leave a chain that verifies.
- A writer killed with SIGKILL *inside* its write transaction (held there on purpose) leaves the
  last committed state, which verifies; readers see that state while the write is held; the
  next writer is not blocked. (tests/test_audit.py kills a writer at a random moment.)
- Truncated, corrupted and foreign files give a clear error naming the file (exit 2), or for
  verify a named broken record (exit 1), never a traceback; foreign files are left unchanged.
- A new database is created readable and writable by its owner only, whatever the umask.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import os
import random
import signal
import sqlite3
import stat
import subprocess
import sys
import textwrap
import threading
import time
import traceback
from pathlib import Path

import pytest
from click.testing import Result
from conftest import MINI_KB
from hostile_support import BASIC, assert_no_traceback, invoke
from synergy_compass.engine import audit
from synergy_compass.engine.api import advise_file, read_scenario

WRITERS, RUNS_EACH = 4, 250


def _writer(path: str, count: int, barrier: object, ids_file: str) -> None:
    try:
        report = advise_file(BASIC, MINI_KB)
        scenario = read_scenario(BASIC).scenario
        barrier.wait(120)  # type: ignore[attr-defined]  # every writer starts at the same moment
        ids = [audit.record_run(Path(path), scenario, report, "load").run_id for _ in range(count)]
    except BaseException:
        Path(ids_file).write_text(json.dumps({"error": traceback.format_exc()}))
        raise
    Path(ids_file).write_text(json.dumps(ids))


def run_writers(path: Path, writers: int, each: int, folder: Path) -> list[list[str]]:
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(writers)
    files = [folder / f"writer-{n}.json" for n in range(writers)]
    processes = [
        context.Process(target=_writer, args=(str(path), each, barrier, str(file)))
        for file in files
    ]
    for process in processes:
        process.start()
    for number, process in enumerate(processes):
        process.join(timeout=600)
        said = files[number].read_text() if files[number].exists() else "(nothing)"
        assert process.exitcode == 0, f"writer {number} ended with {process.exitcode}: {said}"
    return [json.loads(file.read_text()) for file in files]


def test_concurrent_writers_lose_no_record(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    # The store exists before the writers start: creating it concurrently is a separate,
    # known bug (test_writers_creating_a_new_store_together_wait_for_each_other).
    first = audit.record_run(
        path, read_scenario(BASIC).scenario, advise_file(BASIC, MINI_KB), "first"
    )
    written = [[first.run_id], *run_writers(path, WRITERS, RUNS_EACH, tmp_path)]
    total = 1 + WRITERS * RUNS_EACH

    result = audit.verify(path)
    assert result.intact, result.problem
    assert result.records == total

    stored = audit.list_runs(path)
    assert [run.sequence for run in stored] == list(range(1, total + 1))
    stored_ids = [run.run_id for run in stored]
    assert len(set(stored_ids)) == total
    assert set(stored_ids) == {run_id for ids in written for run_id in ids}
    position = {run_id: index for index, run_id in enumerate(stored_ids)}
    for ids in written:  # each writer's records appear in the order it wrote them
        assert [position[run_id] for run_id in ids] == sorted(position[run_id] for run_id in ids)
    owner = {run_id: n for n, ids in enumerate(written) for run_id in ids}
    switches = sum(1 for a, b in itertools.pairwise(stored_ids) if owner[a] != owner[b])
    assert switches > WRITERS, "the writers never overlapped, so this tested nothing"

    verified = invoke("audit", "verify", "--audit-db", path)
    assert verified.exit_code == 0
    assert f"{total} records, chain intact" in verified.stdout


def test_writers_creating_a_new_store_together_wait_for_each_other(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    report, scenario = advise_file(BASIC, MINI_KB), read_scenario(BASIC).scenario
    path.touch(mode=0o600)  # as a first writer creates it, before it sets the store up
    first = sqlite3.connect(path, isolation_level=None)
    first.execute("BEGIN IMMEDIATE")  # the first writer, setting the new store up
    outcome: list[object] = []

    def second_writer() -> None:
        try:
            outcome.append(audit.record_run(path, scenario, report, "second"))
        except audit.AuditStoreError as error:
            outcome.append(error)

    thread = threading.Thread(target=second_writer)
    thread.start()
    time.sleep(0.5)
    first.execute("ROLLBACK")
    first.close()
    thread.join(timeout=120)
    assert len(outcome) == 1
    assert isinstance(outcome[0], audit.RunSummary), outcome[0]
    assert audit.verify(path).intact


_HELD_WRITER = textwrap.dedent(
    """
    import sqlite3, sys, time
    from pathlib import Path
    from synergy_compass.engine import audit
    from synergy_compass.engine.api import advise_file, read_scenario

    path, ready, basic, kb = map(Path, sys.argv[1:5])
    report = advise_file(basic, kb)
    scenario = read_scenario(basic).scenario
    for _ in range(3):
        audit.record_run(path, scenario, report, "committed")

    class HeldConnection(sqlite3.Connection):
        def execute(self, sql, *args):
            cursor = super().execute(sql, *args)
            if sql.lstrip().upper().startswith("INSERT INTO RUNS"):
                ready.write_text("the record is inserted; the transaction is open")
                time.sleep(600)
            return cursor

    connect = sqlite3.connect
    sqlite3.connect = lambda *args, **kwargs: connect(*args, factory=HeldConnection, **kwargs)
    audit.record_run(path, scenario, report, "never committed")
    """
)


def test_a_writer_killed_inside_its_transaction_leaves_a_verifiable_store(tmp_path: Path) -> None:
    path, ready = tmp_path / "killed.sqlite3", tmp_path / "ready"
    process = subprocess.Popen(
        [sys.executable, "-c", _HELD_WRITER, str(path), str(ready), str(BASIC), str(MINI_KB)]
    )
    try:
        deadline = time.monotonic() + 120
        while not ready.exists():
            assert process.poll() is None, "the writer ended before reaching its transaction"
            assert time.monotonic() < deadline, "the writer never reached its transaction"
            time.sleep(0.05)
        during = audit.verify(path)  # a reader is not blocked by the open write
        assert during.intact
        assert during.records == 3
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert process.returncode == -signal.SIGKILL

    after = audit.verify(path)
    assert after.intact, after.problem
    assert after.records == 3
    assert after.head_hash == during.head_hash

    started = time.monotonic()
    report = advise_file(BASIC, MINI_KB)
    summary = audit.record_run(path, read_scenario(BASIC).scenario, report, "next")
    assert time.monotonic() - started < 30, "the killed writer's lock was not released"
    assert summary.sequence == 4
    final = audit.verify(path)
    assert final.intact
    assert final.records == 4


_ENDLESS_WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from synergy_compass.engine import audit
    from synergy_compass.engine.api import advise_file, read_scenario

    path, basic, kb = map(Path, sys.argv[1:4])
    report = advise_file(basic, kb)
    scenario = read_scenario(basic).scenario
    while True:
        audit.record_run(path, scenario, report, "endless")
    """
)


@pytest.mark.slow
def test_writers_killed_again_and_again_never_break_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    shuffle = random.Random(8)
    records = 0
    for _cycle in range(8):
        process = subprocess.Popen(
            [sys.executable, "-c", _ENDLESS_WRITER, str(path), str(BASIC), str(MINI_KB)]
        )
        deadline = time.monotonic() + 120
        while not path.exists() or audit.verify(path).records <= records:
            assert time.monotonic() < deadline
            time.sleep(0.02)
        time.sleep(shuffle.uniform(0.0, 0.5))
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        result = audit.verify(path)
        assert result.intact, result.problem
        assert result.records > records
        records = result.records


# --- damaged and foreign files -------------------------------------------------------------


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A closed, verified store of 40 runs to damage copies of."""
    path = tmp_path_factory.mktemp("store") / "audit.sqlite3"
    report = advise_file(BASIC, MINI_KB)
    scenario = read_scenario(BASIC).scenario
    for _ in range(40):
        audit.record_run(path, scenario, report, "original")
    assert audit.verify(path).intact
    assert not Path(f"{path}-wal").exists() or Path(f"{path}-wal").stat().st_size == 0
    return path


def damaged_copy(store: Path, folder: Path, damage: str) -> Path:
    path = folder / "audit.sqlite3"
    data = bytearray(store.read_bytes())
    shuffle = random.Random(damage)
    if damage.startswith("truncated-"):
        del data[int(len(data) * int(damage.split("-")[1]) / 100) :]
    elif damage == "random-bytes-in-the-middle":
        middle = len(data) // 2
        data[middle : middle + 4096] = shuffle.randbytes(4096)
    elif damage == "a-record-overwritten-in-place":
        at = data.find(b'"recommendations"', len(data) // 2)
        assert at > 0
        data[at : at + 64] = shuffle.randbytes(64)
    elif damage == "header-overwritten":
        data[:100] = shuffle.randbytes(100)
    else:
        raise AssertionError(damage)
    path.write_bytes(bytes(data))
    return path


def assert_clear_error(result: Result, path: Path) -> None:
    assert_no_traceback(result)
    assert result.exit_code == 2, (result.exit_code, result.stdout[-500:], result.stderr[-500:])
    assert result.stderr.startswith(f"error: {path}: "), result.stderr[:500]
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "damage", ["truncated-10", "truncated-50", "truncated-90", "header-overwritten"]
)
def test_a_truncated_or_broken_file_gives_a_clear_error(
    damage: str, store: Path, tmp_path: Path
) -> None:
    path = damaged_copy(store, tmp_path, damage)
    for args in (("audit", "verify"), ("audit", "list")):
        assert_clear_error(invoke(*args, "--audit-db", path), path)
    assert_clear_error(invoke("advise", BASIC, "--kb", MINI_KB, "--audit-db", path), path)


@pytest.mark.parametrize("damage", ["random-bytes-in-the-middle", "a-record-overwritten-in-place"])
def test_a_corrupted_file_is_never_reported_intact(
    damage: str, store: Path, tmp_path: Path
) -> None:
    """Bytes overwritten inside the records: SQLite may or may not notice; the chain must."""
    path = damaged_copy(store, tmp_path, damage)
    verified = invoke("audit", "verify", "--audit-db", path)
    assert_no_traceback(verified)
    if verified.exit_code == 1:
        assert verified.stdout.startswith(f"{path}: BROKEN at ")
    else:
        assert_clear_error(verified, path)
    first_id = audit.list_runs(store)[0].run_id
    for args in (
        ("audit", "list"),
        ("audit", "show", first_id),
        ("audit", "replay", first_id, "--kb", MINI_KB),
    ):
        result = invoke(*args, "--audit-db", path)
        assert_no_traceback(result)
        # 1: the command ran and found the damage, and says so where it shows it
        assert result.exit_code in (0, 1, 2), (args, result.exit_code, result.stderr[-500:])
        if result.exit_code == 1 and args[1] == "list":
            assert "cannot be read back" in result.stderr
            assert "BROKEN" in result.stdout
        elif result.exit_code == 1:
            assert args[1] == "show"
            assert result.stdout.startswith("WARNING: ")


def _another_application(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT, value TEXT)")
        db.execute("INSERT INTO meta VALUES ('format', 'somebody-else')")
        db.execute("CREATE TABLE runs (id INTEGER)")


def _newer_format(path: Path) -> None:
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        db.execute("CREATE TABLE runs (sequence INTEGER)")
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)", [("format", audit.FORMAT), ("version", "99")]
        )


FOREIGN = {
    "text": lambda path: path.write_text("Meeting notes\n" * 200),
    "json": lambda path: path.write_text(json.dumps({"runs": [1, 2, 3]})),
    "png": lambda path: path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8),
    "another-application": _another_application,
    "newer-format": _newer_format,
}


@pytest.mark.parametrize("kind", FOREIGN)
def test_a_foreign_file_gives_a_clear_error_and_is_left_alone(kind: str, tmp_path: Path) -> None:
    path = tmp_path / "audit.sqlite3"
    FOREIGN[kind](path)
    before = path.read_bytes()
    for args in (("audit", "verify"), ("audit", "list"), ("audit", "show", "abc")):
        assert_clear_error(invoke(*args, "--audit-db", path), path)
    assert_clear_error(invoke("advise", BASIC, "--kb", MINI_KB, "--audit-db", path), path)
    assert path.read_bytes() == before
    assert not Path(f"{path}-wal").exists()


@pytest.mark.parametrize("column", ["scenario_json", "report_json"])
def test_an_edited_record_gives_a_clear_error_when_shown(
    column: str, store: Path, tmp_path: Path
) -> None:
    path = tmp_path / "audit.sqlite3"
    path.write_bytes(store.read_bytes())
    run_id = audit.list_runs(path)[1].run_id
    with sqlite3.connect(path) as db:
        db.execute(f"UPDATE runs SET {column} = '{{}}' WHERE run_id = ?", (run_id,))
    verified = invoke("audit", "verify", "--audit-db", path)
    assert verified.exit_code == 1
    assert f"run {run_id}" in verified.stdout
    for args in (("audit", "show", run_id), ("audit", "replay", run_id, "--kb", MINI_KB)):
        assert_clear_error(invoke(*args, "--audit-db", path), path)


# --- permissions -----------------------------------------------------------------------------


def test_a_new_store_is_private_whatever_the_umask(tmp_path: Path) -> None:
    path = tmp_path / "new" / "deeper" / "audit.sqlite3"
    previous = os.umask(0)
    try:
        result = invoke("advise", BASIC, "--kb", MINI_KB, "--audit-db", path)
    finally:
        os.umask(previous)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    for sibling in path.parent.iterdir():  # -wal and -shm, if SQLite left them
        assert stat.S_IMODE(sibling.stat().st_mode) & 0o077 == 0, sibling
    assert audit.verify(path).intact
