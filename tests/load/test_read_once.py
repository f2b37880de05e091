"""A load reads each KB file once: the bytes hashed for the KB's digest are the bytes parsed
(engine/load/discovery.read_kb, handed to engine/load/loader.load_knowledge_base)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from synergy_compass.engine.api import core
from synergy_compass.engine.load import discovery
from synergy_compass.engine.load.discovery import kb_digest, kb_files, read_kb
from synergy_compass.engine.load.loader import load_knowledge_base


@pytest.fixture
def kb_copy(tmp_path: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the test KB, with an empty cache folder of its own (no checked-KB entry)."""
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    root = tmp_path / "kb"
    shutil.copytree(mini_kb, root)
    return root


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The display name of every KB file read from disk."""
    names: list[str] = []
    real_read = discovery.read_kb_file

    def counted(path: Path, display_path: str) -> bytes:
        names.append(display_path)
        return real_read(path, display_path)

    monkeypatch.setattr(discovery, "read_kb_file", counted)
    return names


def test_a_load_without_a_checked_kb_reads_each_file_once(kb_copy: Path, reads: list[str]) -> None:
    knowledge_base = load_knowledge_base(kb_copy)
    assert sorted(reads) == sorted(set(reads))
    assert len(reads) == len(kb_files(kb_copy))
    assert knowledge_base.digest == kb_digest(kb_copy)


def test_the_files_read_for_the_digest_are_not_read_again(kb_copy: Path, reads: list[str]) -> None:
    content = read_kb(kb_copy)
    reads.clear()
    knowledge_base = load_knowledge_base(kb_copy, content=content)
    assert reads == []
    assert knowledge_base.digest == content.digest


def test_a_file_written_after_it_was_hashed_is_loaded_at_its_next_digest(
    kb_copy: Path,
) -> None:
    content = read_kb(kb_copy)
    rules = next(kb_copy.rglob("rules*.yaml"))
    rules.write_bytes(rules.read_bytes().replace(b"title: ", b"title: Changed ", 1))
    # the load parses the bytes that were hashed: the KB is the one its digest names, and so is
    # the checked-KB entry it writes under that digest
    before = load_knowledge_base(kb_copy, content=content)
    assert before.digest == content.digest
    assert not any(rule.value.title.startswith("Changed ") for rule in before.rules)
    assert load_knowledge_base(kb_copy, content.digest).digest == content.digest
    # the file as written now has another digest, which names the new bytes
    after = load_knowledge_base(kb_copy)
    assert after.digest == kb_digest(kb_copy) != content.digest
    assert any(rule.value.title.startswith("Changed ") for rule in after.rules)


def test_compiling_a_kb_not_seen_before_reads_each_file_once(
    kb_copy: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    compiled = core.compiled_knowledge_base(kb_copy)
    assert len(reads) == len(kb_files(kb_copy))
    assert compiled.knowledge_base.digest == kb_digest(kb_copy)
    assert core._just_read == {}  # the bytes are not kept once the KB is compiled
