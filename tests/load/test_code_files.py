"""Code stamps kept on disk under their modules' signature (engine/load/code_files.py and
cache.code_stamp): a new process with unchanged modules reads none of them to stamp its cache
entries, and any change to a module, or one written too recently to judge, is hashed again."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from synergy_compass.engine.load import cache as cache_module
from synergy_compass.engine.load.cache import code_stamp
from synergy_compass.engine.load.code_files import modules_signature

ENGINE = Path(cache_module.__file__).resolve().parents[1]


@pytest.fixture
def engine_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the engine's load and run subpackages, written an hour ago, stamped with a
    cache folder of the test's own."""
    copy = tmp_path / "engine"
    for name in ("load", "run"):
        shutil.copytree(ENGINE / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    _age(copy)
    monkeypatch.setattr(cache_module, "_ENGINE", copy)
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    return copy


def _age(root: Path) -> None:
    an_hour_ago = time.time() - 3600
    for path in [root, *root.rglob("*")]:
        os.utime(path, (an_hour_ago, an_hour_ago))


def _in_a_new_process(*subpackages: str) -> str:
    cache_module._stamps.clear()  # what a new process starts with
    return code_stamp(*subpackages)


def test_a_new_process_stamps_unchanged_modules_without_reading_them(
    engine_copy: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_stamps", {})
    first = _in_a_new_process("load", "run")
    reads = len(hashed)
    assert reads > 0
    assert _in_a_new_process("load", "run") == first
    assert len(hashed) == reads
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")  # the stamp kept is the one hashing gives
    assert _in_a_new_process("load", "run") == first
    assert len(hashed) > reads


def test_an_edited_module_is_hashed_again(
    engine_copy: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_stamps", {})
    first = _in_a_new_process("load")
    module = engine_copy / "load" / "cache.py"
    module.write_bytes(module.read_bytes().replace(b"a", b"b", 1))  # the same size
    _age(engine_copy)  # and the same modification time: the change time still differs
    assert _in_a_new_process("load") != first
    module.write_bytes(module.read_bytes().replace(b"b", b"a", 1))
    _age(engine_copy)
    assert _in_a_new_process("load") == first


def test_a_module_written_just_now_is_hashed_every_time(
    engine_copy: Path, hashed: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cache_module, "_stamps", {})
    (engine_copy / "run" / "fresh.py").write_text('"""Just written."""\n', encoding="utf-8")
    _in_a_new_process("run")
    reads = len(hashed)
    _in_a_new_process("run")
    assert len(hashed) == 2 * reads
    assert modules_signature(engine_copy / "run") is None


def test_the_signature_covers_every_module_at_any_depth_and_nothing_else(
    engine_copy: Path,
) -> None:
    folder = engine_copy / "load"
    signature = modules_signature(folder)
    assert signature is not None
    names = [entry[0] for entry in signature]
    assert names == sorted(path.relative_to(folder).as_posix() for path in folder.rglob("*.py"))
    (folder / "notes.txt").write_text("not a module\n", encoding="utf-8")
    assert modules_signature(folder) == signature
    (folder / "deeper").mkdir()
    (folder / "deeper" / "step.py").write_text('"""A module one folder down."""\n')
    _age(engine_copy)
    deeper = modules_signature(folder)
    assert deeper is not None
    assert "deeper/step.py" in [entry[0] for entry in deeper]


def test_a_link_is_not_judged_by_stat(engine_copy: Path) -> None:
    (engine_copy / "load" / "linked.py").symlink_to(engine_copy / "run" / "__init__.py")
    assert modules_signature(engine_copy / "load") is None
