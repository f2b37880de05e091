"""The audit store: a hash chain that detects alteration, deletion and reordering, and
survives concurrent writers and killed processes."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synergy_compass.engine import audit
from synergy_compass.engine.api import advise_file, audit_replay, read_scenario
from synergy_compass.engine.schemas.report import Report

BASIC = Path("tests/fixtures/mini_kb/scenarios/basic.yaml")
MINI_KB = Path("tests/fixtures/mini_kb")


@pytest.fixture(scope="module")
def report() -> Report:
    return advise_file(BASIC, MINI_KB)


def record(path: Path, report: Report, count: int = 1) -> list[audit.RunSummary]:
    scenario = read_scenario(BASIC).scenario
    return [audit.record_run(path, scenario, report, "test") for _ in range(count)]


def test_records_chain_and_verify(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "a.sqlite3"
    runs = record(path, report, 3)
    assert [run.sequence for run in runs] == [1, 2, 3]
    result = audit.verify(path)
    assert result.intact
    assert result.records == 3
    assert [run.run_id for run in audit.list_runs(path)] == [run.run_id for run in runs]


def test_the_report_is_rebuilt_from_the_record_alone(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "a.sqlite3"
    run = record(path, report)[0]
    stored = audit.load_run(path, run.run_id[:8])
    assert stored.report == report
    assert stored.scenario == read_scenario(BASIC).scenario


def test_the_file_is_readable_by_its_owner_only(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "new" / "a.sqlite3"
    record(path, report)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def tamper(path: Path, statement: str) -> None:
    with sqlite3.connect(path) as db:
        db.executescript(statement)


@pytest.mark.parametrize(
    ("statement", "bad_sequence", "problem"),
    [
        (
            "UPDATE runs SET report_json = replace(report_json, 'Get introduced', 'Get introducex') "
            "WHERE sequence = 2",
            2,
            "the record was altered",
        ),
        (
            "UPDATE runs SET recorded_at = '2020-01-01T00:00:00+00:00' WHERE sequence = 3",
            3,
            "the record was altered",
        ),
        ("DELETE FROM runs WHERE sequence = 2", 3, "a record was deleted or the order changed"),
        (
            "UPDATE runs SET sequence = -2 WHERE sequence = 2; "
            "UPDATE runs SET sequence = 2 WHERE sequence = 3; "
            "UPDATE runs SET sequence = 3 WHERE sequence = -2",
            2,
            "its link to the previous record does not match",
        ),
    ],
)
def test_any_alteration_is_found_and_named(
    tmp_path: Path, report: Report, statement: str, bad_sequence: int, problem: str
) -> None:
    path = tmp_path / "a.sqlite3"
    runs = record(path, report, 4)
    tamper(path, statement)
    result = audit.verify(path)
    assert not result.intact
    assert result.first_bad_sequence == bad_sequence
    assert problem in result.problem
    if "altered" in problem:
        assert result.first_bad_run_id == runs[bad_sequence - 1].run_id


def test_deleting_the_last_record_breaks_the_head(tmp_path: Path, report: Report) -> None:
    path = tmp_path / "a.sqlite3"
    record(path, report, 3)
    tamper(path, "DELETE FROM runs WHERE sequence = 3")
    result = audit.verify(path)
    assert not result.intact
    assert "chain head does not match" in result.problem


def test_foreign_and_damaged_files_give_clear_errors(tmp_path: Path) -> None:
    foreign = tmp_path / "foreign.sqlite3"
    with sqlite3.connect(foreign) as db:
        db.execute("CREATE TABLE things (x)")
    with pytest.raises(audit.AuditStoreError, match="not a Synergy Compass audit database"):
        audit.verify(foreign)
    garbage = tmp_path / "garbage.sqlite3"
    garbage.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(audit.AuditStoreError, match="not a usable Synergy Compass audit"):
        audit.list_runs(garbage)
    with pytest.raises(audit.AuditStoreError, match="there is no audit database here yet"):
        audit.list_runs(tmp_path / "missing.sqlite3")


def _writer(path: str, count: int) -> None:
    report = advise_file(BASIC, MINI_KB)
    scenario = read_scenario(BASIC).scenario
    for _ in range(count):
        audit.record_run(Path(path), scenario, report, "test")


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite3"
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(str(path), 15)) for _ in range(4)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    result = audit.verify(path)
    assert result.intact
    assert result.records == 60


def test_a_writer_killed_mid_run_leaves_a_verifiable_database(tmp_path: Path) -> None:
    path = tmp_path / "killed.sqlite3"
    code = (
        "import sys; sys.path.insert(0, 'tests'); from test_audit import _writer; "
        f"_writer({str(path)!r}, 100000)"
    )
    process = subprocess.Popen([sys.executable, "-c", code])
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if path.exists() and audit.verify(path).records >= 5:
            break
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    result = audit.verify(path)
    assert result.intact
    assert result.records >= 5


def test_replay_shows_drift_against_the_current_kb(
    tmp_path: Path, report: Report, broken_kb: object
) -> None:
    path = tmp_path / "a.sqlite3"
    run = record(path, report)[0]
    assert audit_replay(path, run.run_id, MINI_KB).diff.unchanged
    changed_kb = broken_kb(  # type: ignore[operator]
        "extra.yaml",
        "rules:\n  - id: push\n    title: Push\n    rationale: R\n    sources: [test-source]\n"
        "    topic: time\n    when: [{goal: {kind: expand_scope}}]\n"
        "    then: {support: {push-hard: 0.9}}\n",
    )
    drift = audit_replay(path, run.run_id, changed_kb).diff
    # advised against before; the new rule lifts it above zero, but the observed 'no decision'
    # behind 'Be patient' sets it aside
    assert [
        (change.id, change.change, change.placed_before, change.placed_after)
        for change in drift.advice
    ] == [("push-hard", "moved", "advised against", "set aside")]
    assert drift.rules_now_firing == ("push",)
