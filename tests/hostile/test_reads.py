"""Issue 19 item 2: every read is bounded before it happens. A scenario or KB file that is a
device or a named pipe is refused without being read, one larger than the limit is refused from
its size, and standard input is read no further than the limit: `/dev/zero` must not grow the
process until the kernel kills it, and a 1 GB KB file must not cost a gigabyte."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import IO, Any

import pytest
from conftest import MINI_KB
from hostile_support import BASIC, DOCUMENTED_FILE_LIMIT, assert_located_failure, invoke
from synergy_compass.engine.errors import ConfigError, KnowledgeBaseError, ScenarioError
from synergy_compass.engine.load.config import read_config
from synergy_compass.engine.load.discovery import kb_digest
from synergy_compass.engine.load.scenario import read_scenario_file, read_scenario_stream
from synergy_compass.engine.load.yaml_source import (
    YamlProblemError,
    read_file_bytes,
    read_stream_bytes,
)

MEMORY_CEILING = 1024 * 1024 * 1024
"""Address space the subprocess gets: plenty for a run, a few seconds' worth of `/dev/zero`."""

_BOUNDED_RUN = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({ceiling}, {ceiling}))
from synergy_compass.cli import cli
cli(sys.argv[1:])
"""


def compass_with_little_memory(
    *args: object, stdin: IO[bytes] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`compass ARGS` in a process that a read of everything would push past its memory."""
    return subprocess.run(
        [sys.executable, "-c", _BOUNDED_RUN.format(ceiling=MEMORY_CEILING), *map(str, args)],
        stdin=stdin,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=timeout,
        check=False,
        env={**os.environ, "COMPASS_NO_CACHE": "1"},
    )


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_the_scenario_is_refused_unread(device: str) -> None:
    completed = compass_with_little_memory("advise", device, "--no-audit", "--kb", MINI_KB)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert completed.stderr.startswith(
        f"error: {device}: the scenario is a device, not a regular file, so it is not read."
    ), completed.stderr[-2000:]


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_on_standard_input_is_read_no_further_than_the_limit(device: str) -> None:
    with Path(device).open("rb") as endless:
        completed = compass_with_little_memory(
            "advise", "-", "--no-audit", "--kb", MINI_KB, stdin=endless
        )
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert (
        f"error: <stdin>:1:1: the input is more than {DOCUMENTED_FILE_LIMIT} bytes; "
        f"the limit is {DOCUMENTED_FILE_LIMIT} bytes." in completed.stderr
    ), completed.stderr[-2000:]


def test_scenario_upgrade_reads_standard_input_within_the_limit() -> None:
    with Path("/dev/zero").open("rb") as endless:
        completed = compass_with_little_memory("scenario", "upgrade", "-", stdin=endless)
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert "<stdin>:1:1: the input is more than" in completed.stderr


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    pipe = tmp_path / "scenario.yaml"
    os.mkfifo(pipe)
    # Opening a pipe for reading waits for a writer; nobody will come, so a reader that opens
    # it plainly hangs: a process with a deadline shows it.
    completed = compass_with_little_memory(
        "advise", pipe, "--no-audit", "--kb", MINI_KB, timeout=30
    )
    assert completed.returncode == 2, completed.stderr[-2000:]
    assert completed.stderr.startswith(
        f"error: {pipe}: the scenario is a named pipe, not a regular file, so it is not read."
    ), completed.stderr[-2000:]


def test_a_folder_given_to_the_reader_is_named_as_a_folder(tmp_path: Path) -> None:
    with pytest.raises(ScenarioError, match="the scenario is a folder, not a regular file"):
        read_scenario_file(tmp_path)


def test_a_scenario_over_the_limit_is_refused_from_its_size(tmp_path: Path) -> None:
    huge = tmp_path / "huge.yaml"
    with huge.open("wb") as sparse:
        sparse.truncate(64 * 1024 * 1024)  # sparse: no disk used, but 64 MiB to read
    tracemalloc.start()
    try:
        with pytest.raises(ScenarioError) as raised:
            read_scenario_file(huge)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert f"{huge}:1:1: the scenario is 67108864 bytes; the limit is" in str(raised.value)
    assert peak < 1024 * 1024, peak


def test_a_huge_kb_file_costs_no_more_than_the_limit(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    with (root / "big.yaml").open("wb") as sparse:
        sparse.truncate(1024 * 1024 * 1024)  # 1 GiB, sparse
    tracemalloc.start()
    try:
        with pytest.raises(KnowledgeBaseError) as raised:
            kb_digest([root])
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert "big.yaml:1:1: the file is 1073741824 bytes; the limit is" in str(raised.value)
    assert peak < 16 * 1024 * 1024, peak


def test_a_huge_kb_file_is_a_located_usage_error(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    with (root / "big.yaml").open("wb") as sparse:
        sparse.truncate(1024 * 1024 * 1024)
    assert_located_failure(
        invoke("advise", BASIC, "--no-audit", "--kb", root),
        "big.yaml:1:1",
        "the file is 1073741824 bytes; the limit is 5242880 bytes",
    )
    lint = invoke("kb", "lint", root)
    assert lint.exit_code == 1, lint.output[-2000:]
    assert "big.yaml:1:1: error[yaml] the file is 1073741824 bytes" in lint.stdout


def test_a_named_pipe_in_a_kb_is_refused_without_blocking(tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    os.mkfifo(root / "extra.yaml")
    result = invoke("advise", BASIC, "--no-audit", "--kb", root)
    assert_located_failure(result, "extra.yaml", "this is not a regular file")


def test_a_stream_is_read_to_the_limit_and_one_byte_more() -> None:
    class CountingStream(io.RawIOBase):
        """An endless stream that counts what was taken from it."""

        taken = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: Any) -> int:
            buffer[:] = b"#" * len(buffer)
            self.taken += len(buffer)
            return len(buffer)

    stream = CountingStream()
    with pytest.raises(YamlProblemError, match="the input is more than 1000 bytes"):
        read_stream_bytes(stream, "<stdin>", limit=1000)  # type: ignore[arg-type]
    assert stream.taken == 1001


def test_a_file_growing_while_it_is_read_stops_at_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The size said the file was small when it was checked; it grew before it was read.
    path = tmp_path / "growing.yaml"
    path.write_bytes(b"#" * 2000)
    real_fstat = os.fstat

    def stale_fstat(descriptor: int) -> os.stat_result:
        status = real_fstat(descriptor)
        fields = list(status)
        fields[6] = 10  # st_size
        return os.stat_result(fields)

    monkeypatch.setattr(os, "fstat", stale_fstat)
    with pytest.raises(YamlProblemError, match="the file is more than 1000 bytes"):
        read_file_bytes(path, "growing.yaml", limit=1000)


def test_good_inputs_still_read_whole(tmp_path: Path) -> None:
    assert read_file_bytes(BASIC, "basic.yaml") == BASIC.read_bytes()
    exact = tmp_path / "exact.yaml"
    exact.write_bytes(b"#" * 1000)
    assert read_file_bytes(exact, "exact.yaml", limit=1000) == b"#" * 1000
    assert read_scenario_stream(io.BytesIO(BASIC.read_bytes()), "<stdin>") == BASIC.read_bytes()
    result = invoke("advise", "-", "--no-audit", "--kb", MINI_KB, stdin=BASIC.read_bytes())
    assert result.exit_code == 0, result.output[-2000:]


def test_the_memory_ceiling_is_enough_for_a_real_run() -> None:
    # Otherwise the device tests above would pass for the wrong reason.
    completed = compass_with_little_memory("advise", BASIC, "--no-audit", "--kb", MINI_KB)
    assert completed.returncode == 0, completed.stderr[-2000:]


def test_a_device_as_the_config_file_is_refused_unread() -> None:
    with pytest.raises(ConfigError, match="the config file is a device, not a regular file"):
        read_config(Path("/dev/zero"))
