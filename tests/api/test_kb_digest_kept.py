"""A KB's digest kept on disk under its files' signature (engine/api/core.py): a new process
asking for an unchanged KB reads no file to name it, and any edit is hashed again."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from synergy_compass.engine.api import core
from synergy_compass.engine.load.discovery import kb_digest


@pytest.fixture
def aged_kb(tmp_path: Path, mini_kb: Path) -> Path:
    """A copy of the test KB whose files were all written an hour ago (none too recent to
    judge by ``stat``)."""
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    _age(root)
    return root


def _age(root: Path) -> None:
    an_hour_ago = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (an_hour_ago, an_hour_ago))


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[object]:
    """Every call that hashed the KB's files, in a cache folder of the test's own."""
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    hashed: list[object] = []
    real_read = core.read_kb
    monkeypatch.setattr(core, "read_kb", lambda roots: hashed.append(roots) or real_read(roots))
    return hashed


def _in_a_new_process(root: Path) -> str:
    core._known_digests.clear()  # what a new process starts with
    return core._current_digest((root,))[0]


def test_a_new_process_names_an_unchanged_kb_without_reading_its_files(
    aged_kb: Path, hashes: list[object]
) -> None:
    first = _in_a_new_process(aged_kb)
    assert first == kb_digest([aged_kb])
    assert len(hashes) == 1
    assert _in_a_new_process(aged_kb) == first
    assert len(hashes) == 1


def test_an_edit_is_hashed_again(aged_kb: Path, hashes: list[object]) -> None:
    first = _in_a_new_process(aged_kb)
    rules = next(aged_kb.rglob("rules*.yaml"))
    rules.write_bytes(rules.read_bytes().replace(b"a", b"b", 1))  # the same size
    _age(aged_kb)  # and the same modification time: the change time still differs
    changed = _in_a_new_process(aged_kb)
    assert changed != first
    assert changed == kb_digest([aged_kb])
    assert len(hashes) == 2


def test_a_file_written_just_now_is_hashed_every_time(aged_kb: Path, hashes: list[object]) -> None:
    (aged_kb / "fresh.yaml").write_text("advice: []\n", encoding="utf-8")
    _in_a_new_process(aged_kb)
    _in_a_new_process(aged_kb)
    assert len(hashes) == 2


def test_with_caches_off_nothing_is_kept(
    aged_kb: Path, hashes: list[object], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    _in_a_new_process(aged_kb)
    _in_a_new_process(aged_kb)
    assert len(hashes) == 2
    assert not (tmp_path / "cache").exists()


def test_a_damaged_entry_is_not_taken_for_a_digest(
    aged_kb: Path, hashes: list[object], tmp_path: Path
) -> None:
    first = _in_a_new_process(aged_kb)
    (entry,) = (tmp_path / "cache").glob("kb-digest-*/*.json")
    entry.write_text('"not a digest"', encoding="utf-8")
    assert _in_a_new_process(aged_kb) == first
    assert len(hashes) == 2
