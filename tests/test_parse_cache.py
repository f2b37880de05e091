from __future__ import annotations

from pathlib import Path

import pytest

from engine.parse_cache import cache_directory, parse_cached
from engine.yaml_source import YamlProblemError, parse_yaml

TEXT = b"rules:\n  - id: a-rule\n    when: [{goal: {kind: expand_scope}}]\n"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path))
    directory = cache_directory()
    assert directory is not None
    return directory


def test_a_cached_parse_equals_a_fresh_one(cache: Path) -> None:
    first = parse_cached(TEXT, "rules.yaml")
    assert len(list(cache.glob("*.json"))) == 1
    second = parse_cached(TEXT, "other.yaml")
    fresh = parse_yaml(TEXT, "other.yaml")
    assert second.data == fresh.data == first.data
    assert second.value_positions == fresh.value_positions
    assert second.key_positions == fresh.key_positions
    assert str(second.location(("rules", 0, "when", 0), key=False)) == "other.yaml:3:12"


def test_a_damaged_entry_is_ignored_and_errors_are_not_cached(cache: Path) -> None:
    parse_cached(TEXT, "rules.yaml")
    entry = next(cache.glob("*.json"))
    entry.write_text("{not json")
    assert parse_cached(TEXT, "rules.yaml").data["rules"][0]["id"] == "a-rule"
    with pytest.raises(YamlProblemError):
        parse_cached(b"rules: [1\n", "bad.yaml")
    assert len(list(cache.glob("*.json"))) == 1


def test_the_cache_can_be_switched_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    assert cache_directory() is None
    assert parse_cached(TEXT, "rules.yaml").data["rules"][0]["id"] == "a-rule"
