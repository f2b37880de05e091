"""Worker processes for ``compass batch``: a stream of scenarios in, their results out in input
order, with a bounded number in flight.

Why not ``concurrent.futures``: its ``map`` takes the whole input before the first result, so
memory grows with the input; when a worker dies it cannot say which scenario was lost and
breaks the whole pool; and its workers outlive a parent killed by a signal. Here each worker
has its own pipe, the parent knows which scenarios each one holds, a dead worker costs the
one scenario it was advising on (reported as failed, its queued ones go to a new worker), and
a worker dies with its parent: a thread of the worker watches whether its parent is still the
same process, and the end of its pipe ends it between scenarios.

The input is read by a thread of the parent, so a slow input (a pipe written line by line)
never holds back results that are ready.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import selectors
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess
from typing import Any

from ..run.compiler import CompiledKB
from ..run.garbage_collection import freeze_long_lived
from .batch_input import BatchItem

CHUNK = 8
"""Scenarios sent to a worker at once: fewer messages, and still a short wait for the first."""
AHEAD_PER_WORKER = 4 * CHUNK
"""Scenarios read but not yet written, per worker: what bounds memory whatever the input."""
_STOP_WAIT = 1.0
_PARENT_CHECK_S = 0.25
"""How often a worker checks that its parent is alive: how long it may outlive it."""

Work = tuple[int, BatchItem]
Runner = Callable[[BatchItem, CompiledKB], Any]
_END = object()


def _die_with_parent(parent: int) -> None:
    """End this process within a moment of its parent's death, however the parent died (a
    SIGKILL leaves it no time to stop anyone), even in the middle of a scenario: an orphan is
    given another parent, so a changed parent id is the sign. (The kernel's own way,
    ``PR_SET_PDEATHSIG``, would need ctypes, which the engine does not import.)"""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_PARENT_CHECK_S)
        os._exit(0)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def _worker(
    connection: Connection,
    not_ours: list[Connection],
    parent: int,
    loader: Callable[[], CompiledKB],
    runner: Runner,
) -> None:
    # The parent's ends of every pipe came with the fork: holding them would keep a pipe open
    # after the parent died, so the worker would never see its end.
    for other in not_ours:
        other.close()
    _die_with_parent(parent)
    # Ctrl-C reaches the whole process group; the parent decides, and stops the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    compiled = loader()
    freeze_long_lived()  # the worker's KB lives as long as the worker does
    while True:
        try:
            chunk = connection.recv()
        except (EOFError, OSError):
            return
        if chunk is None:
            return
        for number, item in chunk:
            try:
                connection.send((number, runner(item, compiled), ""))
            except Exception as error:  # a bug: the parent stops and shows it as one
                connection.send((number, None, f"{type(error).__name__}: {error}"))


class BatchWorkerError(RuntimeError):
    """An exception in a worker that is not an input problem (a bug), with the scenario."""


class _Worker:
    def __init__(self, pool: _Pool) -> None:
        context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
        ours, theirs = context.Pipe()
        others = [worker.connection for worker in pool.workers]
        self.connection: Connection = ours
        self.process: BaseProcess = context.Process(
            target=_worker,
            args=(theirs, [ours, *others], os.getpid(), pool.loader, pool.runner),
            daemon=True,
        )
        self.process.start()
        theirs.close()
        self.holds: deque[Work] = deque()


class _Pool:
    def __init__(self, workers: int, loader: Callable[[], CompiledKB], runner: Runner) -> None:
        self.loader, self.runner = loader, runner
        self.workers: list[_Worker] = []
        for _ in range(workers):
            self.workers.append(_Worker(self))

    def replace(self, dead: _Worker) -> _Worker:
        dead.connection.close()
        self.workers.remove(dead)
        fresh = _Worker(self)
        self.workers.append(fresh)
        return fresh

    def stop(self, *, gently: bool) -> None:
        for worker in self.workers:
            with contextlib.suppress(OSError):
                if gently:
                    worker.connection.send(None)
                else:
                    worker.process.terminate()
        for worker in self.workers:
            worker.process.join(_STOP_WAIT if gently else _STOP_WAIT / 2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(_STOP_WAIT)
            worker.connection.close()


class _Reader(threading.Thread):
    """Reads the input into a bounded queue and wakes the parent's loop through a pipe."""

    def __init__(self, items: Iterable[BatchItem], room: int, wake: int) -> None:
        super().__init__(name="batch-input", daemon=True)
        self.items, self.wake = items, wake
        self.queue: queue.Queue[object] = queue.Queue(room)
        self.stopped = threading.Event()
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            for item in self.items:
                if not self._put(item):
                    return
        except BaseException as error:  # handed to the parent's loop, which raises it
            self.failure = error
        self._put(_END)

    def _put(self, value: object) -> bool:
        while not self.stopped.is_set():
            try:
                self.queue.put(value, timeout=0.2)
            except queue.Full:
                continue
            with contextlib.suppress(OSError):
                os.write(self.wake, b".")
            return True
        return False


def lost_result(item: BatchItem, exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        name = signal.Signals(-exitcode).name
        how = f"was killed by {name}" + (
            " (perhaps by the system, for lack of memory)" if name == "SIGKILL" else ""
        )
    else:
        how = f"stopped with exit code {exitcode}"
    return (
        f"{item.source}: not advised: the worker process advising on this scenario {how}; "
        "its result is lost, the other scenarios went on"
    )


def run_in_workers(
    items: Iterable[BatchItem],
    loader: Callable[[], CompiledKB],
    runner: Runner,
    failed: Callable[[BatchItem, str], Any],
    workers: int,
) -> Iterator[Any]:
    """``runner(item, compiled)`` for every item in ``workers`` processes, results in input
    order as soon as each is next; ``failed(item, message)`` stands for the result of an item
    whose worker died."""
    wake_read, wake_write = os.pipe()
    os.set_blocking(wake_read, False)
    pool = _Pool(workers, loader, runner)
    reader = _Reader(items, CHUNK, wake_write)
    reader.start()
    finished = False
    try:
        yield from _results(pool, reader, wake_read, failed)
        finished = True
    finally:
        reader.stopped.set()
        pool.stop(gently=finished)
        os.close(wake_read)
        os.close(wake_write)


def _results(
    pool: _Pool, reader: _Reader, wake: int, failed: Callable[[BatchItem, str], Any]
) -> Iterator[Any]:
    ready: dict[int, Any] = {}
    waiting: deque[Work] = deque()  # read, or given back by a dead worker, not yet sent
    read = written = 0
    input_done = False
    with selectors.DefaultSelector() as selector:
        selector.register(wake, selectors.EVENT_READ)
        for started in pool.workers:
            _watch(selector, started)
        while True:
            while written in ready:
                yield ready.pop(written)
                written += 1
            while not input_done and read - written < AHEAD_PER_WORKER * len(pool.workers):
                try:
                    value = reader.queue.get_nowait()
                except queue.Empty:
                    break
                if value is _END:
                    input_done = True
                    if reader.failure is not None:
                        raise reader.failure
                    break
                assert isinstance(value, BatchItem)
                waiting.append((read, value))
                read += 1
            if input_done and written == read:
                return
            _dispatch(pool, waiting)
            for key, _events in selector.select():
                if key.fileobj == wake:
                    with contextlib.suppress(BlockingIOError):
                        os.read(wake, 4096)
                    continue
                worker: _Worker = key.data
                if worker not in pool.workers:
                    continue
                if not _receive(worker, ready):
                    _bury(pool, selector, worker, waiting=waiting, ready=ready, failed=failed)


def _watch(selector: selectors.BaseSelector, worker: _Worker) -> None:
    selector.register(worker.connection, selectors.EVENT_READ, worker)


def _dispatch(pool: _Pool, waiting: deque[Work]) -> None:
    """Keep every worker two chunks ahead, so none waits for the parent between chunks."""
    for worker in sorted(pool.workers, key=lambda each: len(each.holds)):
        while waiting and len(worker.holds) <= CHUNK:
            chunk = [waiting.popleft() for _ in range(min(CHUNK, len(waiting)))]
            worker.holds.extend(chunk)
            try:
                worker.connection.send(chunk)
            except OSError:  # it died: its sentinel says so next, and its items come back
                break


def _receive(worker: _Worker, ready: dict[int, Any]) -> bool:
    """Every result the worker has sent; False once its pipe is closed (it died)."""
    while True:
        try:
            if not worker.connection.poll():
                return True
            number, result, bug = worker.connection.recv()
        except (EOFError, OSError):
            return False
        item = worker.holds.popleft()[1]
        if bug:
            raise BatchWorkerError(f"{bug} (while advising on {item.source})")
        ready[number] = result


def _bury(
    pool: _Pool,
    selector: selectors.BaseSelector,
    dead: _Worker,
    *,
    waiting: deque[Work],
    ready: dict[int, Any],
    failed: Callable[[BatchItem, str], Any],
) -> None:
    """A worker died: the scenario it was on is lost, those it had not begun go to a new one."""
    selector.unregister(dead.connection)
    dead.process.join(_STOP_WAIT)
    if dead.holds:
        number, item = dead.holds.popleft()
        ready[number] = failed(item, lost_result(item, dead.process.exitcode))
        waiting.extendleft(reversed(dead.holds))
    _watch(selector, pool.replace(dead))
