"""pycountry's table kept in the product cache (engine/load/iso_countries.py): a new process
with the same pycountry installed reads it without importing pycountry; another pycountry (an
upgrade, a reinstall, an edited database), a file written too recently to judge, a damaged
entry or caches switched off read it through pycountry again."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pycountry
import pytest
from synergy_compass.engine.load import cache_limits
from synergy_compass.engine.load import iso_countries as kept_module
from synergy_compass.engine.schemas.iso_countries import pycountry_rows

ROWS = pycountry_rows()


@pytest.fixture
def installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pycountry installed an hour ago (its module and its database), in a cache folder of
    the test's own."""
    package = tmp_path / "site-packages" / "pycountry"
    (package / "databases").mkdir(parents=True)
    (package / "__init__.py").write_text('"""pycountry 1.0"""\n', encoding="utf-8")
    (package / "databases" / "iso3166-1.json").write_text('{"3166-1": []}\n', encoding="utf-8")
    _age(package)
    monkeypatch.setattr(kept_module, "_pycountry_module", lambda: package / "__init__.py")
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    return package


def _age(package: Path) -> None:
    an_hour_ago = time.time() - 3600
    for path in [package, *package.rglob("*")]:
        os.utime(path, (an_hour_ago, an_hour_ago))


@pytest.fixture
def imported(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One element for each time the rows were read through pycountry."""
    calls: list[int] = []

    def through_pycountry() -> list[dict[str, str]]:
        calls.append(1)
        return pycountry_rows()

    monkeypatch.setattr(kept_module, "pycountry_rows", through_pycountry)
    return calls


def test_the_files_judged_are_those_pycountry_reads() -> None:
    module = kept_module._pycountry_module()
    assert module == Path(pycountry.__file__)
    assert Path(pycountry.countries.filename) == module.parent / "databases" / "iso3166-1.json"


def test_a_new_process_reads_the_kept_table_without_pycountry(
    installed: Path, imported: list[int]
) -> None:
    assert kept_module.kept_iso_rows() == ROWS
    assert len(imported) == 1
    assert kept_module.kept_iso_rows() == ROWS
    assert len(imported) == 1
    kept = list((installed.parents[1] / "cache").glob("iso-countries-*/*.json"))
    assert len(kept) == 1
    assert "iso-countries" in cache_limits.CACHE_KINDS


@pytest.mark.parametrize("changed", ["__init__.py", "databases/iso3166-1.json"])
def test_another_pycountry_is_read_again(
    installed: Path, imported: list[int], changed: str
) -> None:
    kept_module.kept_iso_rows()
    path = installed / changed
    path.write_bytes(path.read_bytes().replace(b"1", b"2", 1))  # the same size
    _age(installed)  # and the same modification time: the change time still differs
    kept_module.kept_iso_rows()
    assert len(imported) == 2


def test_a_database_written_just_now_is_read_through_pycountry_every_time(
    installed: Path, imported: list[int]
) -> None:
    (installed / "databases" / "iso3166-1.json").write_text('{"3166-1": [{}]}\n')
    kept_module.kept_iso_rows()
    kept_module.kept_iso_rows()
    assert len(imported) == 2


def test_a_damaged_entry_is_read_through_pycountry_and_replaced(
    installed: Path, imported: list[int]
) -> None:
    kept_module.kept_iso_rows()
    (entry,) = (installed.parents[1] / "cache").glob("iso-countries-*/*.json")
    entry.write_text('[{"alpha_2": "JP"}]', encoding="utf-8")
    assert kept_module.kept_iso_rows() == ROWS
    assert kept_module.kept_iso_rows() == ROWS
    assert len(imported) == 2


def test_with_caches_off_pycountry_is_read_and_nothing_kept(
    installed: Path, imported: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    kept_module.kept_iso_rows()
    kept_module.kept_iso_rows()
    assert len(imported) == 2
    assert not (installed.parents[1] / "cache").exists()


def test_without_pycountry_files_to_judge_by_nothing_is_kept(
    imported: list[int], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(kept_module, "_pycountry_module", lambda: tmp_path / "gone.py")
    assert kept_module.kept_iso_rows() == ROWS
    assert not (tmp_path / "cache").exists()
