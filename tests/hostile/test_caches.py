"""Hostile caches (issue 19 item 7): who may own the cache folders, what a killed writer
leaves, entries that are valid JSON but wrong, and entries that are not files at all."""

from __future__ import annotations

import hashlib
import json
import logging
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from synergy_compass.engine.load import cache_limits
from synergy_compass.engine.load.cache import cache_directory, parse_cached
from synergy_compass.engine.load.discovery import kb_files
from synergy_compass.engine.load.loader import inspect_knowledge_base, load_knowledge_base
from synergy_compass.engine.load.yaml_source import parse_yaml

TEXT = b"rules:\n  - id: a-rule\n    when: [{goal: {kind: expand_scope}}]\n"


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache root that does not exist yet, and a process that has judged no folder."""
    path = tmp_path / "home" / "cache" / "synergy-compass"
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(path))
    monkeypatch.delenv("COMPASS_NO_CACHE", raising=False)
    monkeypatch.setattr(cache_limits, "_verdicts", {})
    monkeypatch.setattr(cache_limits, "_swept", set())
    monkeypatch.setattr(cache_limits, "_estimated_sizes", {})
    return path


def _entry(raw: bytes) -> Path:
    directory = cache_directory()
    assert directory is not None
    return directory / f"{hashlib.sha256(raw).hexdigest()}.json"


def test_the_cache_folders_are_made_for_the_owner_only(root: Path) -> None:
    usual = os.umask(0o022)  # what most users have: folders made by default are 0755
    try:
        parse_cached(TEXT, "rules.yaml")
    finally:
        os.umask(usual)
    assert _entry(TEXT).is_file()
    for folder in (root, root / "parsed-yaml-1"):
        assert folder.stat().st_mode & 0o777 == 0o700, folder
    assert _entry(TEXT).stat().st_mode & 0o077 == 0


def test_a_cache_root_others_may_write_is_not_used(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    root.mkdir(parents=True)
    root.chmod(0o777)
    with caplog.at_level(logging.WARNING, logger="synergy_compass.cache"):
        document = parse_cached(TEXT, "rules.yaml")
    assert document.data == parse_yaml(TEXT, "rules.yaml").data
    assert list(root.iterdir()) == []  # nothing read from it, nothing written to it
    assert cache_directory() is None
    message = caplog.text
    assert str(root) in message
    assert "can be written by other users (mode 777)" in message
    assert "COMPASS_CACHE_DIR" in message


def test_a_cache_folder_of_another_user_is_not_used(
    root: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = root / "parsed-yaml-1"
    folder.mkdir(parents=True, mode=0o700)
    planted = folder / f"{hashlib.sha256(TEXT).hexdigest()}.json"
    planted.write_text(json.dumps({"data": {"rules": []}, "values": [], "keys": []}))
    # The folder is this process's own; the process pretends to be someone else, which is the
    # same as a folder made by another user (chown needs privileges tests should not need).
    me = os.geteuid()
    monkeypatch.setattr(os, "geteuid", lambda: me + 1)
    with caplog.at_level(logging.WARNING, logger="synergy_compass.cache"):
        document = parse_cached(TEXT, "rules.yaml")
    assert document.data["rules"][0]["id"] == "a-rule"  # the planted entry is not read
    assert "belongs to another user" in caplog.text


def test_temporary_files_of_killed_writers_are_cleaned_up(root: Path) -> None:
    folder = root / "parsed-yaml-1"
    folder.mkdir(parents=True, mode=0o700)
    stale, fresh = folder / "tmpkilled.tmp", folder / "tmpwriting.tmp"
    stale.write_text('{"data": ')
    fresh.write_text('{"data": ')
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    parse_cached(TEXT, "rules.yaml")
    assert not stale.exists()
    assert fresh.exists()  # another process may be about to rename it
    assert _entry(TEXT).is_file()


def test_a_wrong_parse_cache_entry_does_not_make_good_files_look_broken(
    root: Path, tmp_path: Path
) -> None:
    kb = Path(__file__).resolve().parents[1] / "fixtures" / "mini_kb"
    victim = kb_files(kb)[0]
    parse_cached(victim.read_bytes(), "victim.yaml")  # an entry, as a message needing places makes
    entry = _entry(victim.read_bytes())
    assert entry.is_file()
    entry.write_text(json.dumps({"data": {"nonsense": 1}, "values": [], "keys": []}))
    loaded = load_knowledge_base(kb)  # before the fix: a KnowledgeBaseError naming victim
    assert loaded.rules
    assert inspect_knowledge_base(kb)[1] == []
    # the entry that misled the first reading was replaced by a correct one
    assert json.loads(entry.read_text())["data"] != {"nonsense": 1}


def test_a_linked_entry_is_not_followed(root: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.json"
    elsewhere.write_text(json.dumps({"data": {"rules": []}, "values": [], "keys": []}))
    entry = _entry(TEXT)
    entry.parent.mkdir(parents=True, mode=0o700)
    entry.symlink_to(elsewhere)
    assert parse_cached(TEXT, "rules.yaml").data["rules"][0]["id"] == "a-rule"


def test_an_entry_linked_to_dev_zero_does_not_hang(root: Path) -> None:
    entry = _entry(TEXT)
    entry.parent.mkdir(parents=True, mode=0o700)
    entry.symlink_to("/dev/zero")
    # In a child with a memory limit and a timeout: before the fix it read /dev/zero forever.
    code = (
        "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from synergy_compass.engine.load.cache import parse_cached\n"
        f"print(parse_cached({TEXT!r}, 'rules.yaml').data['rules'][0]['id'])\n"
    )
    started = time.monotonic()
    finished = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert (finished.returncode, finished.stdout) == (0, "a-rule\n"), finished.stderr[-2000:]
    assert time.monotonic() - started < 30
