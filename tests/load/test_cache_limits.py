from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from synergy_compass.cli import cli
from synergy_compass.engine.load import cache_limits
from synergy_compass.engine.load.cache import cache_directory, read_derived, write_derived
from synergy_compass.engine.load.cache_limits import (
    CACHE_KINDS,
    cache_cap_bytes,
    cache_info,
    clear_caches,
    evict_least_recently_used,
)

ENTRY_BYTES = 10_000


@pytest.fixture
def cache_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "caches"
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(root))
    monkeypatch.delenv("COMPASS_NO_CACHE", raising=False)
    monkeypatch.setattr(cache_limits, "_estimated_sizes", {})
    return root


def _payload(number: int) -> dict[str, object]:
    return {"number": number, "padding": "x" * ENTRY_BYTES}


def _age(path: Path, seconds_ago: int) -> None:
    moment = path.stat().st_mtime - seconds_ago
    os.utime(path, (moment, moment))


def test_the_cap_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPASS_CACHE_MAX_MB", "2")
    assert cache_cap_bytes() == 2 * 1024 * 1024
    for unusable in ("lots", "inf", "nan"):
        monkeypatch.setenv("COMPASS_CACHE_MAX_MB", unusable)
        assert cache_cap_bytes() == 100 * 1024 * 1024
    monkeypatch.delenv("COMPASS_CACHE_MAX_MB")
    assert cache_cap_bytes() == 100 * 1024 * 1024


def test_eviction_keeps_the_most_recently_used_entries_under_the_cap(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Room for three entries of about ENTRY_BYTES each, not four.
    monkeypatch.setenv("COMPASS_CACHE_MAX_MB", str(3.5 * ENTRY_BYTES / (1024 * 1024)))
    folder = cache_root / "checked-kb-1"
    for number in range(3):
        write_derived("checked-kb", number, _payload(number))
    entries = sorted(folder.glob("*.json"), key=lambda path: json.loads(path.read_text())["number"])
    for seconds_ago, entry in zip((300, 200, 100), entries, strict=True):
        _age(entry, seconds_ago)
    # Reading the oldest makes it the most recently used, so the second one goes instead.
    assert read_derived("checked-kb", 0) == _payload(0)
    write_derived("checked-kb", 3, _payload(3))

    assert read_derived("checked-kb", 1) is None
    assert [read_derived("checked-kb", n) for n in (0, 2, 3)] == [_payload(n) for n in (0, 2, 3)]
    assert sum(path.stat().st_size for path in folder.iterdir()) <= cache_cap_bytes()


def test_an_entry_deleted_by_another_process_is_a_miss(cache_root: Path) -> None:
    write_derived("network", "key", {"stored": True})
    for entry in (cache_root / "network-1").glob("*.json"):
        entry.unlink()
    assert read_derived("network", "key") is None


def test_eviction_skips_entries_that_vanish_while_it_runs(
    cache_root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = cache_root / "parsed-yaml-1"
    folder.mkdir(parents=True)
    kept, vanishing = folder / "kept.json", folder / "vanishing.json"
    kept.write_text("{}")
    vanishing.write_text("{}")
    real_iterdir = Path.iterdir

    def listing_then_delete(self: Path):  # type: ignore[no-untyped-def]
        listed = list(real_iterdir(self))
        vanishing.unlink()  # another process evicts it between the listing and the stat
        return iter(listed)

    monkeypatch.setattr(Path, "iterdir", listing_then_delete)
    assert evict_least_recently_used(folder, 0) == 0
    assert not kept.exists()


def test_clearing_removes_only_the_cache_folders(cache_root: Path) -> None:
    write_derived("checked-kb", "key", _payload(1))
    assert cache_directory() == cache_root / "parsed-yaml-1"
    unrelated = cache_root / "someone-elses-file.json"
    unrelated.write_text("{}")
    before = cache_info()
    assert [(cache.name, cache.entries) for cache in before.caches] == [("checked-kb-1", 1)]
    assert clear_caches() == before
    assert cache_info().caches == ()
    assert unrelated.exists()


def test_cache_info_and_clear_on_the_command_line(cache_root: Path) -> None:
    write_derived("network", "key", _payload(1))
    runner = CliRunner()
    shown = runner.invoke(cli, ["cache", "info"])
    assert shown.exit_code == 0, shown.output
    assert f"cache folder: {cache_root}" in shown.output
    assert "network-1" in shown.output
    assert "1 entries" in shown.output
    as_json = runner.invoke(cli, ["cache", "info", "--format", "json"])
    assert json.loads(as_json.output)["caches"][0]["entries"] == 1

    quiet = runner.invoke(cli, ["cache", "clear", "--quiet"])
    assert (quiet.exit_code, quiet.output) == (0, "")
    assert not (cache_root / "network-1").exists()
    write_derived("network", "key", _payload(1))
    cleared = runner.invoke(cli, ["cache", "clear"])
    assert cleared.exit_code == 0
    assert "removed 1 cache entries" in cleared.output
    assert "(empty)" in runner.invoke(cli, ["cache", "info"]).output


def test_cache_info_when_caching_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    result = CliRunner().invoke(cli, ["cache", "info"])
    assert (result.exit_code, result.output) == (0, "caching is off (COMPASS_NO_CACHE=1)\n")


def test_every_kind_of_entry_written_is_one_the_limits_know(cache_root: Path) -> None:
    # lint's entries of the layers below an extension were once written to a folder that
    # `cache info` did not list, `cache clear` did not clear and the cap did not hold
    for kind in CACHE_KINDS:
        write_derived(kind, "key", _payload(1))
    assert {cache.name for cache in cache_info().caches} == {f"{kind}-1" for kind in CACHE_KINDS}
    clear_caches()
    assert cache_info().caches == ()


def test_an_unknown_kind_of_entry_is_refused(cache_root: Path) -> None:
    with pytest.raises(ValueError, match="CACHE_KINDS"):
        write_derived("not-a-kind", "key", _payload(1))
    assert not cache_root.exists() or not any(cache_root.iterdir())
