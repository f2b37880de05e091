"""Shared fixtures: the small test KB, a way to break a copy of it, and hypothesis profiles."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings

REPOSITORY = Path(__file__).resolve().parent.parent
MINI_KB = REPOSITORY / "tests" / "fixtures" / "mini_kb"
SHIPPED_KB = REPOSITORY / "kb"
FOUNDING_CASE = SHIPPED_KB / "scenarios" / "allen-japan.yaml"
GOLDEN = REPOSITORY / "tests" / "golden"

settings.register_profile("fast", max_examples=50, deadline=None)
settings.register_profile("deep", max_examples=10_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


@pytest.fixture(autouse=True, scope="session")
def private_parse_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test session keeps its parsed-YAML cache to itself."""
    path = tmp_path_factory.mktemp("parse-cache")
    os.environ["COMPASS_CACHE_DIR"] = str(path)
    return path


@pytest.fixture(autouse=True)
def no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test reads the user's own config file; a test that wants one writes it here."""
    path = tmp_path / "config" / "config.toml"
    monkeypatch.setenv("COMPASS_CONFIG", str(path))
    return path


@pytest.fixture(autouse=True)
def private_audit_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test records runs in its own audit database, never the user's."""
    path = tmp_path / "audit" / "audit.sqlite3"
    monkeypatch.setenv("COMPASS_AUDIT_DB", str(path))
    return path


@pytest.fixture
def mini_kb() -> Path:
    return MINI_KB


@pytest.fixture
def broken_kb(tmp_path: Path) -> Callable[[str, str], Path]:
    """Copy the mini KB and replace one file's content; returns the copy's root."""

    def make(relative: str, content: str) -> Path:
        root = tmp_path / "kb"
        if not root.exists():
            shutil.copytree(MINI_KB, root)
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text(content, encoding="utf-8")
        return root

    return make


def assert_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; UPDATE_GOLDEN=1 rewrites the file instead."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8")


@pytest.fixture
def hashed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The subpackage of every module read (``Path.read_bytes``) from here on: what stamping
    the code hashed (tests/load's code-stamp tests)."""
    read: list[str] = []
    real_read = Path.read_bytes

    def counted(path: Path) -> bytes:
        read.append(path.parent.name)
        return real_read(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    return read
