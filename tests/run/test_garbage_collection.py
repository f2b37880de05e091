"""The collector is paused inside the engine's hot calls and always comes back."""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest
from synergy_compass.engine import api
from synergy_compass.engine.run.garbage_collection import collection_paused, keep_out_of_collections


def _fail_while_paused() -> None:
    with collection_paused():
        assert not gc.isenabled()
        raise ValueError("boom")


def test_collection_comes_back_after_the_block_even_when_it_fails() -> None:
    assert gc.isenabled()
    with pytest.raises(ValueError, match="boom"):
        _fail_while_paused()
    assert gc.isenabled()


def test_a_block_inside_a_paused_caller_leaves_it_paused() -> None:
    gc.disable()
    try:
        with collection_paused():
            pass
        assert not gc.isenabled()  # the caller paused it; it is the caller's to resume
    finally:
        gc.enable()


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


def test_importing_the_cli_leaves_the_collector_as_it_was() -> None:
    code = "import gc, synergy_compass.cli; print(gc.isenabled())"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "True"


def test_only_the_first_kb_of_a_process_is_frozen() -> None:
    """A frozen object is never collected: freezing every KB would keep each one dropped."""
    keep_out_of_collections()
    frozen = gc.get_freeze_count()
    made_later = [[] for _ in range(100)]
    keep_out_of_collections()
    assert gc.get_freeze_count() == frozen
    del made_later
