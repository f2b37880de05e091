"""A streaming batch (issue 18 item 6): ``compass batch`` on a JSONL file of 200,000 lines.

The lines are the shipped scenarios as JSON, repeated. Each run is a whole ``compass batch``
process with one worker, then with two (interleaved over the repeats), watched from outside:

* the first result: seconds from the start until the output file holds its first line (the
  command writes each result as it is known);
* memory: the RSS (and PSS) of the whole process tree, summed over its processes, sampled every
  50 ms, its peak, and its value once the first result is out and at the end of the window;
* throughput after the start: results per second from the first result to the end of the
  window, with one worker and with two, and their ratio.

The whole file takes an hour or more on a 2-core machine, so each run stops after a window
(``--stream-seconds``, 60 s by default) with Ctrl-C (SIGINT), which also checks that the
command stops at once with exit code 130. A window of 0 runs the file to its end.

    python bench/batch_stream.py [LINES] [SECONDS]    # alone, the figures as JSON
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
if str(ROOT) not in sys.path:  # run from a checkout without installing: the engine is beside us
    sys.path.insert(0, str(ROOT))

from measure import _descendants, _memory_mb, load_average, median  # noqa: E402
from synergy_compass.engine.load.yaml_source import read_yaml  # noqa: E402

LINES = 200_000
WINDOW_S = 60.0
REPEATS = 1
RSS_TARGET_MB = 300.0
FIRST_RESULT_TARGET_S = 2.0
SPEEDUP_TARGET = 1.8
SAMPLE_S = 0.05


def write_lines(path: Path, lines: int) -> int:
    """The shipped scenarios as JSON lines, repeated up to ``lines``; returns the bytes."""
    scenarios = sorted((ROOT / "kb" / "scenarios").glob("*.yaml"))
    texts = [
        json.dumps(read_yaml(scenario, str(scenario)).data, default=str) for scenario in scenarios
    ]
    with path.open("w", encoding="utf-8") as stream:
        for number in range(lines):
            stream.write(texts[number % len(texts)] + "\n")
    return path.stat().st_size


class _Watch(threading.Thread):
    """Samples the process tree's memory and notes when the output's first line is out."""

    def __init__(self, pid: int, output: Path) -> None:
        super().__init__(daemon=True)
        self.pid, self.output = pid, output
        self.started = time.perf_counter()
        self.first_result_s: float | None = None
        self.peak_rss_mb = self.peak_pss_mb = 0.0
        self.rss_at_first_mb = self.rss_last_mb = 0.0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            samples = [_memory_mb(pid) for pid in _descendants(self.pid)]
            rss = sum(each for each, _ in samples)
            if rss:
                self.rss_last_mb = rss
            self.peak_rss_mb = max(self.peak_rss_mb, rss)
            self.peak_pss_mb = max(self.peak_pss_mb, sum(pss for _, pss in samples))
            if self.first_result_s is None and self._has_a_line():
                self.first_result_s = time.perf_counter() - self.started
                self.rss_at_first_mb = rss
            self.stop.wait(SAMPLE_S)

    def _has_a_line(self) -> bool:
        try:
            with self.output.open("rb") as stream:
                return b"\n" in stream.read(1 << 16)
        except OSError:
            return False


_TICKS = os.sysconf("SC_CLK_TCK")


def _tree_cpu_s(pid: int) -> float:
    """User + system seconds of the live processes of a tree, from /proc."""
    total = 0
    for each in _descendants(pid):
        try:
            fields = Path(f"/proc/{each}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICKS


def _count_lines(path: Path) -> int:
    with path.open("rb") as stream:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: stream.read(1 << 20), b""))


def run_once(command: list[str], source: Path, workers: int, window_s: float) -> dict[str, Any]:
    """One ``compass batch`` process on ``source``, stopped ``window_s`` after its first result."""
    with tempfile.TemporaryDirectory(prefix="compass-stream-") as scratch:
        output = Path(scratch) / "out.jsonl"
        argv = [*command, "batch", str(source), "-o", str(output), "--workers", str(workers)]
        errors = (Path(scratch) / "stderr.txt").open("w+b")
        process = subprocess.Popen(
            [*argv, "--quiet"], stdout=subprocess.DEVNULL, stderr=errors, cwd=ROOT
        )
        watch = _Watch(process.pid, output)
        watch.start()
        while watch.first_result_s is None and process.poll() is None:
            time.sleep(SAMPLE_S)
        at_first = _count_lines(output) if output.exists() else 0
        first_seen = time.perf_counter()
        cpu_at_first = _tree_cpu_s(process.pid)
        cpu_in_window = 0.0
        stopped_s: float | None = None
        rss_before_stop = 0.0
        try:
            process.wait(timeout=window_s or None)
        except subprocess.TimeoutExpired:
            rss_before_stop = watch.rss_last_mb
            cpu_in_window = _tree_cpu_s(process.pid) - cpu_at_first
            process.send_signal(signal.SIGINT)
            asked = time.perf_counter()
            process.wait()
            stopped_s = time.perf_counter() - asked
        ended = time.perf_counter()
        watch.stop.set()
        watch.join()
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
        errors.close()
        written = _count_lines(output) if output.exists() else 0
    after_start = written - at_first
    return {
        "workers": workers,
        "first_result_s": round(watch.first_result_s or 0.0, 2),
        "results": written,
        "per_second_after_start": round(after_start / max(ended - first_seen, 1e-9), 1),
        "per_cpu_second_after_start": round(after_start / cpu_in_window, 1)
        if cpu_in_window
        else None,
        "peak_tree_rss_mb": round(watch.peak_rss_mb, 1),
        "peak_tree_pss_mb": round(watch.peak_pss_mb, 1),
        "tree_rss_at_first_result_mb": round(watch.rss_at_first_mb, 1),
        "tree_rss_before_stop_mb": round(rss_before_stop or watch.rss_last_mb, 1),
        "exit_code": process.returncode,
        "stop_after_sigint_s": round(stopped_s, 2) if stopped_s is not None else None,
        "stderr_tail": stderr[-300:],
    }


def bench_stream(
    command: list[str],
    scratch: Path,
    lines: int = LINES,
    window_s: float = WINDOW_S,
    repeats: int = REPEATS,
) -> dict[str, Any]:
    source = scratch / f"stream-{lines}.jsonl"
    size = write_lines(source, lines)
    load_before = load_average()
    runs: dict[int, list[dict[str, Any]]] = {1: [], 2: []}
    for _ in range(max(repeats, 1)):
        for workers in (1, 2):
            runs[workers].append(run_once(command, source, workers, window_s))
    figures: dict[str, Any] = {
        "lines": lines,
        "input_mb": round(size / 2**20, 1),
        "window_s": window_s,
        "load_average_before": _rounded(load_before),
        "load_average_after": _rounded(load_average()),
    }
    for workers, samples in runs.items():
        figures[f"workers_{workers}"] = {
            "first_result_s": median([run["first_result_s"] for run in samples]),
            "per_second_after_start": median([run["per_second_after_start"] for run in samples]),
            "per_cpu_second_after_start": median(
                [run["per_cpu_second_after_start"] or 0.0 for run in samples]
            ),
            "peak_tree_rss_mb": max(run["peak_tree_rss_mb"] for run in samples),
            "peak_tree_pss_mb": max(run["peak_tree_pss_mb"] for run in samples),
            "runs": samples,
        }
    one, two = figures["workers_1"], figures["workers_2"]
    figures["speedup_2_vs_1"] = round(
        two["per_second_after_start"] / max(one["per_second_after_start"], 1e-9), 2
    )
    # What two workers would give on two idle cores: all the CPU they used went to scenarios
    # (the parent's share included), so twice the cores at their rate per CPU-second, against
    # one core at the single process's rate. Other processes' load cancels out of it.
    figures["cpu_speedup_2_vs_1"] = round(
        2 * two["per_cpu_second_after_start"] / max(one["per_cpu_second_after_start"], 1e-9), 2
    )
    figures["stopped_cleanly"] = all(
        run["exit_code"] in (0, 130) for samples in runs.values() for run in samples
    )
    return figures


def _rounded(load: tuple[float, ...] | None) -> list[float] | None:
    return [round(value, 2) for value in load] if load else None


def stream_targets(figures: dict[str, Any]) -> list[tuple[str, str, bool]]:
    two = figures["workers_2"]
    lines = f"{figures['lines']:,} JSONL lines"
    return [
        (
            f"batch stream: {lines}, 2 workers <= {RSS_TARGET_MB:.0f} MB total RSS",
            f"{two['peak_tree_rss_mb']} MB peak RSS summed over the process tree "
            f"(PSS {two['peak_tree_pss_mb']} MB) over {figures['window_s']:.0f} s",
            two["peak_tree_rss_mb"] <= RSS_TARGET_MB,
        ),
        (
            f"batch stream: first result <= {FIRST_RESULT_TARGET_S:.0f} s",
            f"{two['first_result_s']} s with 2 workers, "
            f"{figures['workers_1']['first_result_s']} s with 1",
            two["first_result_s"] <= FIRST_RESULT_TARGET_S,
        ),
        (
            f"batch stream: 2 workers >= {SPEEDUP_TARGET}x one after the start",
            f"{figures['cpu_speedup_2_vs_1']}x from CPU time on 2 cores "
            f"({figures['workers_1']['per_cpu_second_after_start']} -> "
            f"{two['per_cpu_second_after_start']} results per CPU-second); wall "
            f"{figures['speedup_2_vs_1']}x ({figures['workers_1']['per_second_after_start']}/s "
            f"-> {two['per_second_after_start']}/s) at load {figures['load_average_before']}",
            figures["cpu_speedup_2_vs_1"] >= SPEEDUP_TARGET,
        ),
    ]


def stream_lines(figures: dict[str, Any]) -> str:
    rows = [
        f"\nbatch stream ({figures['lines']:,} JSONL lines, {figures['input_mb']} MB; each run "
        f"stopped with SIGINT {figures['window_s']:.0f} s after its first result; load "
        f"{figures['load_average_before']} -> {figures['load_average_after']})",
        "workers  first result s  results/s after start  peak tree RSS MB  PSS MB  "
        "RSS at first result / at stop MB  exit",
    ]
    for workers in (1, 2):
        series = figures[f"workers_{workers}"]
        last = series["runs"][-1]
        rows.append(
            f"{workers:<8} {series['first_result_s']:<14} {series['per_second_after_start']:<22} "
            f"{series['peak_tree_rss_mb']:<17} {series['peak_tree_pss_mb']:<7} "
            f"{last['tree_rss_at_first_result_mb']} / {last['tree_rss_before_stop_mb']:<13} "
            f"{last['exit_code']} (stopped in {last['stop_after_sigint_s']} s)"
        )
    rows.append(
        f"2 workers / 1 after the start: {figures['speedup_2_vs_1']}x wall; "
        f"{figures['cpu_speedup_2_vs_1']}x on 2 idle cores from CPU time "
        f"({figures['workers_1']['per_cpu_second_after_start']} and "
        f"{figures['workers_2']['per_cpu_second_after_start']} results per CPU-second)"
    )
    return "\n".join(rows)


def main() -> int:
    from run import compass_command  # noqa: PLC0415 - run.py imports this module

    lines = int(sys.argv[1]) if len(sys.argv) > 1 else LINES
    window = float(sys.argv[2]) if len(sys.argv) > 2 else WINDOW_S
    with tempfile.TemporaryDirectory(prefix="compass-stream-") as scratch:
        figures = bench_stream(compass_command(), Path(scratch), lines, window)
    print(stream_lines(figures), file=sys.stderr)
    for target in stream_targets(figures):
        print(target, file=sys.stderr)
    print(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
