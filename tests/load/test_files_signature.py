"""Telling an unchanged KB from its files' ``stat`` (engine/load/files_signature.py)."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.api import core
from synergy_compass.engine.load.discovery import kb_digest
from synergy_compass.engine.load.files_signature import kb_files_signature


def _aged_copy(source: Path, target: Path) -> Path:
    """A copy of a KB whose files were all written an hour ago (none is too recent to trust)."""
    shutil.copytree(source, target)
    _age(target)
    return target


def _age(root: Path) -> None:
    an_hour_ago = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (an_hour_ago, an_hour_ago))


def test_the_signature_changes_with_every_kind_of_edit(tmp_path: Path, mini_kb: Path) -> None:
    root = _aged_copy(mini_kb, tmp_path / "kb")
    first = kb_files_signature([root])
    assert first is not None
    assert kb_files_signature([root]) == first
    rules = next(root.rglob("rules*.yaml"))
    edits: list[Callable[[], object]] = [
        lambda: rules.write_bytes(rules.read_bytes().replace(b"a", b"b", 1)),  # same size
        lambda: (root / "extra.yaml").write_text("advice: []\n"),
        lambda: (root / "extra.yaml").rename(root / "renamed.yaml"),
        (root / "renamed.yaml").unlink,
    ]
    seen = {first}
    for edit in edits:
        edit()
        _age(root)
        signature = kb_files_signature([root])
        assert signature is not None
        assert signature not in seen
        seen.add(signature)


def test_a_file_written_just_now_or_a_link_is_not_judged_by_stat(
    tmp_path: Path, mini_kb: Path
) -> None:
    root = _aged_copy(mini_kb, tmp_path / "kb")
    (root / "fresh.yaml").write_text("advice: []\n")
    assert kb_files_signature([root]) is None
    (root / "fresh.yaml").unlink()
    _age(root)
    (root / "linked.yaml").symlink_to(next(root.rglob("rules*.yaml")))
    assert kb_files_signature([root]) is None


def test_asking_again_for_an_unchanged_kb_reads_no_file(
    tmp_path: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _aged_copy(mini_kb, tmp_path / "kb")
    hashed: list[object] = []
    real_read = core.read_kb
    monkeypatch.setattr(core, "read_kb", lambda roots: hashed.append(roots) or real_read(roots))
    first = core.compiled_knowledge_base(root)
    assert core.compiled_knowledge_base(root) is first
    assert len(hashed) == 1
    rules = next(root.rglob("rules*.yaml"))
    rules.write_bytes(rules.read_bytes().replace(b"title:", b"title: changed", 1))
    changed = core.compiled_knowledge_base(root)  # written just now: hashed, and seen
    assert changed is not first
    assert changed.knowledge_base.digest == kb_digest([root])
    assert len(hashed) == 2
