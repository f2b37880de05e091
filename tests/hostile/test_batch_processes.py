"""Issue 19 §5: a real `compass batch` with two workers, stopped from outside.

A signal to the parent must not leave its workers behind; Ctrl-C (SIGINT) stops the batch in
about a second with exit code 130, what was written kept; a worker killed on its own costs the
scenario it was advising on, named in a failed result, and the batch goes on. The processes
are watched through /proc (Linux), so these tests are skipped elsewhere.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import MINI_KB

pytestmark = pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs /proc")

GOOD = {"title": "Good", "we": {"culture": "US"}, "they": {"culture": "JP"}}
COMMAND = [sys.executable, "-c", "from synergy_compass.cli import main; main()"]
LINES = 20_000
"""Enough scenarios of the mini KB that the batch is still running when it is stopped."""


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            found += [int(child) for child in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _running(pid: int) -> bool:
    """Alive and not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def _wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.fixture(params=[LINES])
def cases(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    source = tmp_path / "cases.jsonl"
    line = json.dumps(GOOD | {"goal": {"kind": "expand_scope"}})
    source.write_text((line + "\n") * request.param)
    return source


@pytest.fixture
def running_batch(cases: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """A batch with two workers, once both are advising. Whatever happens, it and every worker
    seen are stopped at the end (a worker left behind is what some tests look for), and its
    output goes to files, which no orphan can hold open the way it would a pipe."""
    out = tmp_path / "out.jsonl"
    argv = [*COMMAND, "batch", str(cases), "-o", str(out), "--workers", "2", "--kb", str(MINI_KB)]
    with (tmp_path / "stderr").open("w+b") as stderr:
        process = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=stderr)
        seen: set[int] = set()
        try:
            assert _wait_for(lambda: len(_children(process.pid)) >= 2, 60), "no workers started"
            seen.update(_children(process.pid))
            time.sleep(1.0)  # the workers are advising by now
            seen.update(_children(process.pid))
            yield process, out
        finally:
            if _running(process.pid):
                seen.update(_children(process.pid))
            process.kill()
            process.wait()
            for pid in seen:
                if _running(pid):
                    os.kill(pid, signal.SIGKILL)


def _stderr(out: Path) -> str:
    return (out.parent / "stderr").read_text(errors="replace")


@pytest.mark.parametrize(
    "stop", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL], ids=str
)
def test_the_workers_do_not_outlive_a_signal_to_the_parent(
    running_batch: tuple[subprocess.Popen[bytes], Path], stop: signal.Signals
) -> None:
    process, _out = running_batch
    workers = _children(process.pid)
    assert len(workers) >= 2
    os.kill(process.pid, stop)
    process.wait(timeout=30)
    left = [pid for pid in workers if _running(pid)]
    assert _wait_for(lambda: not any(_running(pid) for pid in workers), 5), (
        f"workers {left} still running after the parent got {stop.name}"
    )


def test_ctrl_c_stops_within_about_a_second_with_exit_130(
    running_batch: tuple[subprocess.Popen[bytes], Path],
) -> None:
    process, out = running_batch
    sent = time.monotonic()
    os.kill(process.pid, signal.SIGINT)
    code = process.wait(timeout=30)
    took = time.monotonic() - sent
    stderr = _stderr(out)
    assert code == 130, stderr[-2000:]
    # A second is the target; the margin is for a machine busy with other tests.
    assert took < 3, f"{took:.1f} s"
    written = out.read_text().splitlines()
    assert 0 < len(written) < LINES
    assert all(json.loads(line)["ok"] for line in written)
    assert f"interrupted: {len(written)} results written to {out}" in stderr
    assert "Traceback" not in stderr


SHORT = 3_000
"""A batch that still runs when a worker is killed, and ends soon after on a busy machine."""


@pytest.mark.parametrize("cases", [SHORT], indirect=True)
def test_a_killed_worker_costs_its_scenario_named_and_the_batch_goes_on(
    running_batch: tuple[subprocess.Popen[bytes], Path], cases: Path
) -> None:
    process, out = running_batch
    os.kill(_children(process.pid)[0], signal.SIGKILL)
    process.wait(timeout=300)
    stderr = _stderr(out)
    assert process.returncode == 1, stderr[-2000:]
    assert "internal error" not in stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == SHORT
    [lost] = [row for row in rows if not row["ok"]]
    assert lost["source"].startswith(f"{cases}:")
    assert lost["error"].startswith(
        f"{lost['source']}: not advised: the worker process advising on this scenario was "
        "killed by SIGKILL"
    )
    assert f"failed: {lost['error']}" in stderr
    assert f"{SHORT} scenarios ran, 1 failed" in stderr
