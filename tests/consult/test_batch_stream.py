"""Issue 18 §6: `compass batch` streams. A result comes out while the input is still being
written (standard input, or a named pipe given as the input file), with one worker or two;
nothing is read ahead beyond a bounded window; the summary is counted as results go by."""

from __future__ import annotations

import json
import multiprocessing
import os
import select
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from conftest import MINI_KB
from synergy_compass.engine.api import compiled_knowledge_base
from synergy_compass.engine.consult.batch import (
    BatchResult,
    BatchTally,
    run_batch,
    run_item,
    summarise,
)
from synergy_compass.engine.consult.batch_input import BatchItem
from synergy_compass.engine.consult.batch_workers import AHEAD_PER_WORKER, CHUNK

COMMAND = [sys.executable, "-c", "from synergy_compass.cli import main; main()"]
LINE = json.dumps(
    {
        "title": "Good",
        "we": {"culture": "US"},
        "they": {"culture": "JP"},
        "goal": {"kind": "expand_scope"},
    }
).encode()


def _read_line(stream: int, seconds: float) -> bytes:
    """One line of a process's output, or what came before the time ran out."""
    deadline = time.monotonic() + seconds
    got = b""
    while not got.endswith(b"\n") and time.monotonic() < deadline:
        readable, _, _ = select.select([stream], [], [], max(deadline - time.monotonic(), 0))
        if not readable:
            break
        chunk = os.read(stream, 1)
        if not chunk:
            break
        got += chunk
    return got


@pytest.mark.parametrize("workers", [1, 2])
def test_a_result_comes_out_before_standard_input_ends(workers: int) -> None:
    argv = [*COMMAND, "batch", "-", "-q", "--workers", str(workers), "--kb", str(MINI_KB)]
    process = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdin is not None
    assert process.stdout is not None
    try:
        process.stdin.write(LINE + b"\n")
        process.stdin.flush()
        first = _read_line(process.stdout.fileno(), 60)
        assert json.loads(first)["title"] == "Good", first
        assert process.poll() is None  # still waiting for the rest of its input
        process.stdin.write(LINE.replace(b"Good", b"Second") + b"\n")
        process.stdin.close()
        second = _read_line(process.stdout.fileno(), 60)
        assert json.loads(second)["title"] == "Second"
        assert process.wait(timeout=60) == 0
    finally:
        process.kill()
        process.wait()


def test_a_named_pipe_given_as_the_input_file_is_read_as_it_is_written(tmp_path: Path) -> None:
    fifo = tmp_path / "cases.jsonl"
    os.mkfifo(fifo)
    out = tmp_path / "out.jsonl"
    argv = [*COMMAND, "batch", str(fifo), "-o", str(out), "-q", "--workers", "2"]
    process = subprocess.Popen([*argv, "--kb", str(MINI_KB)], stderr=subprocess.PIPE)
    try:
        with fifo.open("wb") as writer:
            writer.write(LINE + b"\n")
            writer.flush()
            arrived = _wait(lambda: out.exists() and out.read_bytes().endswith(b"\n"), 60)
            assert arrived, "no result while the input was still open"
        assert process.wait(timeout=60) == 0
        assert [json.loads(line)["title"] for line in out.read_text().splitlines()] == ["Good"]
    finally:
        process.kill()
        process.communicate()


def _wait(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def _counted(items: Iterator[BatchItem], taken: list[int]) -> Iterator[BatchItem]:
    for item in items:
        taken.append(1)
        yield item


def test_the_input_is_read_a_bounded_way_ahead_of_the_results(mini_kb: Path) -> None:
    loader = partial(compiled_knowledge_base, mini_kb)
    items = (BatchItem(source=f"case {n}", content=LINE) for n in range(10_000))
    taken: list[int] = []
    results = run_batch(_counted(items, taken), loader, workers=2)
    try:
        assert next(results).ok
        time.sleep(0.5)  # time for the input thread to read all it may
        assert len(taken) <= 2 * AHEAD_PER_WORKER + CHUNK + 1
    finally:
        results.close()


def test_the_workers_give_what_one_process_gives_in_the_same_order(mini_kb: Path) -> None:
    loader = partial(compiled_knowledge_base, mini_kb)
    lines = [LINE, b"{not json", LINE.replace(b"expand_scope", b"grow"), LINE] * 30
    items = [BatchItem(source=f"case {n}", content=line) for n, line in enumerate(lines)]
    alone = list(run_batch(items, loader, workers=1))
    assert list(run_batch(iter(items), loader, workers=2)) == alone
    assert list(run_batch(iter(items), loader, workers=3)) == alone


def test_the_tally_counts_what_the_summary_of_every_result_counts(mini_kb: Path) -> None:
    compiled = compiled_knowledge_base(mini_kb)
    lines = [LINE, b"[]", LINE.replace(b'"US"', b'"JP"')]
    results = [
        run_item(BatchItem(source=str(n), content=line), compiled)
        for n, line in enumerate(lines * 3)
    ]
    tally = BatchTally()
    for result in results:
        tally.add(result)
    summary = tally.summary()
    assert summary == summarise(results)
    assert (summary.ran, summary.failed) == (9, 3)
    assert summary.most_frequent_advice[0][1] == sum(
        1
        for result in results
        for advice in result.recommendations
        if advice["id"] == summary.most_frequent_advice[0][0]
    )


def test_a_batch_stopped_early_stops_its_workers(mini_kb: Path) -> None:
    loader = partial(compiled_knowledge_base, mini_kb)
    items = (BatchItem(source=str(n), content=LINE) for n in range(10_000))
    before = set(threading.enumerate())
    results = run_batch(items, loader, workers=2)
    first: BatchResult = next(results)
    assert first.ok
    results.close()
    assert _wait(lambda: not (set(threading.enumerate()) - before), 5)
    assert _wait(lambda: not multiprocessing.active_children(), 5)
