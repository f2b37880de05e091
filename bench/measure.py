"""Timing, memory and machine helpers for the benchmark (no project imports here).

Wall-clock times are what a user waits for; CPU times (user + system) are printed beside them
because the machines we share are often busy, and CPU time is far less sensitive to other
processes than wall time.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")

MB = 1024 * 1024


@dataclass(frozen=True)
class ProcessRun:
    """One whole-process run of a command."""

    wall_s: float
    cpu_s: float
    """user + system time of the process and every child it waited for"""
    max_rss_mb: float
    """peak RSS of the command's own process (children it waited for included)"""
    tree_rss_mb: float | None
    """the largest sum of RSS over the process tree, sampled every 20 ms (None: not sampled)"""
    tree_pss_mb: float | None
    """the same with PSS, which shares pages common to forked workers out between them"""
    returncode: int
    stdout: bytes
    stderr: bytes


# ru_maxrss of a child we fork counts the pages it shared with us before exec, so a child of a
# large benchmark process looks large. GNU time forks the command from its own tiny image, so
# its %M is the command's true peak; without it we fall back to wait4 (an upper bound).
GNU_TIME = Path("/usr/bin/time")


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    pending = [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        task_root = Path(f"/proc/{current}/task")
        try:
            tasks = list(task_root.iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                pending += [int(child) for child in (task / "children").read_text().split()]
            except OSError:
                continue
    return found


def _memory_mb(pid: int) -> tuple[float, float]:
    """RSS and PSS of one process in MB (zeros once it has exited)."""
    rss = pss = 0.0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Rss:"):
                rss = int(line.split()[1]) / 1024
            elif line.startswith("Pss:"):
                pss = int(line.split()[1]) / 1024
    except OSError:
        pass
    return rss, pss


class _TreeSampler:
    """Samples the summed RSS and PSS of a process tree in a thread (Linux /proc only)."""

    def __init__(self, pid: int, interval_s: float = 0.02) -> None:
        self.pid = pid
        self.interval_s = interval_s
        self.peak_rss_mb = 0.0
        self.peak_pss_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            samples = [_memory_mb(pid) for pid in _descendants(self.pid)]
            self.peak_rss_mb = max(self.peak_rss_mb, sum(rss for rss, _ in samples))
            self.peak_pss_mb = max(self.peak_pss_mb, sum(pss for _, pss in samples))
            self._stop.wait(self.interval_s)

    def __enter__(self) -> _TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()


@contextmanager
def environment(**variables: str | None) -> Iterator[None]:
    """Set (or, with None, remove) environment variables for a block; restore them after."""
    saved = {name: os.environ.get(name) for name in variables}

    def apply(values: dict[str, str | None]) -> None:
        for name, value in values.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value

    apply(variables)
    try:
        yield
    finally:
        apply(saved)


def run_process(
    argv: Sequence[str],
    cwd: Path,
    *,
    sample_tree: bool = False,
    keep_output: bool = False,
    env: dict[str, str] | None = None,
) -> ProcessRun:
    """Run ``argv`` to completion; CPU time from ``os.wait4``, peak RSS from GNU time."""
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile("r") as rss_file,
    ):
        wrapper = [str(GNU_TIME), "-f", "%M", "-o", rss_file.name] if GNU_TIME.is_file() else []
        start = time.perf_counter()
        process = subprocess.Popen(
            [*wrapper, *argv],
            cwd=cwd,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        sampler = _TreeSampler(process.pid) if sample_tree and Path("/proc").is_dir() else None
        if sampler is not None:
            with sampler:
                _, status, usage = os.wait4(process.pid, 0)
        else:
            _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        lines = rss_file.read().split()
        max_rss_kb = int(lines[-1]) if wrapper and lines else usage.ru_maxrss
        out.seek(0)
        err.seek(0)
        stdout = out.read() if keep_output else b""
        stderr = err.read()
    return ProcessRun(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_rss_mb=max_rss_kb / 1024,  # kilobytes on Linux
        tree_rss_mb=sampler.peak_rss_mb if sampler else None,
        tree_pss_mb=sampler.peak_pss_mb if sampler else None,
        returncode=process.returncode,
        stdout=stdout,
        stderr=stderr,
    )


@dataclass
class Timer:
    """Wall and process-CPU seconds of a block."""

    wall_s: float = 0.0
    cpu_s: float = 0.0


@contextmanager
def timed() -> Iterator[Timer]:
    timer = Timer()
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        yield timer
    finally:
        timer.wall_s = time.perf_counter() - wall
        timer.cpu_s = time.process_time() - cpu


def traced_peak_mb(function: Callable[[], T]) -> tuple[T, float, float]:
    """Run ``function`` under tracemalloc: its result, peak and retained Python heap in MB.

    tracemalloc slows Python code two to three times, so timings are never taken in the same
    call. The figures count Python allocations only (not C libraries such as CLIPS).
    """
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    before, _ = tracemalloc.get_traced_memory()
    try:
        result = function()
        current, peak = tracemalloc.get_traced_memory()
    finally:
        if not already:
            tracemalloc.stop()
    return result, (peak - before) / MB, (current - before) / MB


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def load_average() -> tuple[float, float, float] | None:
    try:
        return os.getloadavg()
    except OSError:
        return None


def _cpu_model() -> str:
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


@dataclass(frozen=True)
class Machine:
    date: str
    cpu: str
    cores: int
    usable_cores: int
    memory_gb: float
    python: str
    platform: str
    packages: dict[str, str] = field(default_factory=dict)


def machine() -> Machine:
    pages = os.sysconf("SC_PHYS_PAGES") if hasattr(os, "sysconf") else 0
    page_size = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return Machine(
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        cpu=_cpu_model(),
        cores=os.cpu_count() or 0,
        usable_cores=usable or 0,
        memory_gb=round(pages * page_size / 1024**3, 1),
        python=sys.version.split()[0],
        platform=platform.platform(),
        packages={
            name: _version(name)
            for name in ("experta", "pydantic", "PyYAML", "click", "clipspy", "frozendict")
        },
    )
