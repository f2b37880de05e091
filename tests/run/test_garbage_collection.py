"""The collector is paused inside the engine's hot calls and always comes back as it was found;
only the CLI's entry point and batch workers freeze their process, never the library."""

from __future__ import annotations

import gc
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from synergy_compass.engine import api
from synergy_compass.engine.api import authoring
from synergy_compass.engine.authoring.lint import runner as lint_runner
from synergy_compass.engine.run import garbage_collection
from synergy_compass.engine.run.garbage_collection import collection_paused


def _fail_while_paused() -> None:
    with collection_paused():
        assert not gc.isenabled()
        raise ValueError("boom")


@pytest.fixture
def collector_disabled() -> Iterator[None]:
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def test_collection_comes_back_after_the_block_even_when_it_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        _fail_while_paused()
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_disabled")
def test_a_block_inside_a_paused_caller_leaves_it_paused() -> None:
    with collection_paused():
        pass
    assert not gc.isenabled()  # the caller paused it; it is the caller's to resume


def test_nested_blocks_resume_only_when_the_outermost_ends() -> None:
    with collection_paused():
        with collection_paused():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


def test_a_thread_leaving_its_block_does_not_resume_collection_under_another() -> None:
    """The collector is one switch per process: the last block to end, in any thread, turns it
    back on, whichever started first."""
    first_inside, second_inside, first_may_leave = (threading.Event() for _ in range(3))
    seen: list[bool] = []

    def first() -> None:
        with collection_paused():
            first_inside.set()
            first_may_leave.wait(10)

    def second() -> None:
        first_inside.wait(10)
        with collection_paused():
            second_inside.set()
            first_may_leave.set()
            thread.join(10)  # the first thread's block, begun earlier, has ended
            seen.append(gc.isenabled())

    thread = threading.Thread(target=first)
    other = threading.Thread(target=second)
    thread.start()
    other.start()
    other.join(10)
    assert second_inside.is_set()
    assert seen == [False]
    assert gc.isenabled()


def test_many_threads_pausing_at_once_leave_the_collector_on() -> None:
    def pause_often() -> None:
        for _ in range(2000):
            with collection_paused():
                pass

    threads = [threading.Thread(target=pause_often) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert gc.isenabled()


def test_advising_leaves_the_collector_on(mini_kb: Path) -> None:
    compiled = api.compiled_knowledge_base(mini_kb)
    scenario = api.read_scenario(mini_kb / "scenarios" / "basic.yaml").scenario
    before = gc.get_stats()[0]["collections"]
    report = api.advise(scenario, compiled)
    assert report.recommendations
    assert gc.isenabled()
    garbage = [[] for _ in range(5000)]  # young objects: the collector runs again by itself
    for item in garbage:
        item.append(item)
    del garbage
    assert gc.get_stats()[0]["collections"] > before


@pytest.mark.parametrize("enabled", [True, False])
def test_the_library_leaves_the_collector_as_it_found_it(
    tmp_path: Path, mini_kb: Path, enabled: bool
) -> None:
    """Building a KB and advising pause the collector but never freeze the host process."""
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)  # a KB this process has not compiled yet
    if not enabled:
        gc.disable()
    try:
        frozen = gc.get_freeze_count()
        compiled = api.compiled_knowledge_base(root)
        assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)
        scenario = api.read_scenario(root / "scenarios" / "basic.yaml").scenario
        api.advise(scenario, compiled)
        assert (gc.isenabled(), gc.get_freeze_count()) == (enabled, frozen)
    finally:
        gc.enable()


def test_a_host_that_froze_objects_is_counted_once_and_never_thawed(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counting frozen objects walks them all (11 ms an advise in a host with a KB frozen), so
    once a host is seen to have frozen some, later advice neither counts nor thaws them."""
    compiled = api.compiled_knowledge_base(mini_kb)
    scenario = api.read_scenario(mini_kb / "scenarios" / "basic.yaml").scenario
    monkeypatch.setattr(garbage_collection, "_pauses", garbage_collection._Pauses())
    counted: list[int] = []
    real_count = gc.get_freeze_count

    def count() -> int:
        counted.append(real_count())
        return counted[-1]

    monkeypatch.setattr(gc, "get_freeze_count", count)
    gc.freeze()
    try:
        frozen = real_count()
        for _ in range(3):
            api.advise(scenario, compiled)
        assert len(counted) == 1
        # a thaw would empty the frozen generation (frozen objects still die of reference
        # counting, so a few may be gone)
        assert real_count() > frozen // 2
        assert gc.isenabled()
    finally:
        gc.unfreeze()


def _python(code: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    return done.stdout.strip()


@pytest.mark.parametrize("setup", ["", "gc.disable()"])
def test_importing_the_cli_leaves_the_collector_as_it_was(setup: str) -> None:
    code = (
        f"import gc\n{setup}\n"
        "before = (gc.isenabled(), gc.get_freeze_count())\n"
        "import synergy_compass.cli\n"
        "print(before == (gc.isenabled(), gc.get_freeze_count()), before)\n"
    )
    assert _python(code).startswith("True")


def test_the_cli_entry_point_freezes_its_own_process() -> None:
    code = (
        "import gc, sys\n"
        "import synergy_compass.cli as cli\n"
        "imported = gc.get_freeze_count()\n"
        "frozen = []\n"
        "cli.cli.callback = lambda **_: frozen.append(gc.get_freeze_count())\n"
        "sys.argv = ['compass', 'kb', 'schema', 'scenario']\n"
        "try:\n"
        "    cli.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(imported, frozen[0], file=sys.stderr)\n"
        "print(imported == 0 and frozen[0] > 0 and gc.isenabled())\n"
    )
    assert _python(code).splitlines()[-1] == "True"


@pytest.mark.parametrize("command", ["kb_stats", "kb_lint"])
def test_the_kb_commands_that_load_without_compiling_hold_the_collector_off(
    command: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    load = authoring.load_knowledge_base
    inspect = lint_runner.inspect_knowledge_base

    def loading(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return load(*args, **kwargs)  # type: ignore[arg-type]

    def inspecting(*args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return inspect(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(authoring, "load_knowledge_base", loading)
    monkeypatch.setattr(lint_runner, "inspect_knowledge_base", inspecting)
    getattr(api, command)()
    assert seen == [False]
    assert gc.isenabled()
