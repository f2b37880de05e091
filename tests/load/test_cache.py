from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load import cache as cache_module
from synergy_compass.engine.load import loader
from synergy_compass.engine.load.cache import (
    CachedFile,
    LoadEntries,
    cache_directory,
    code_stamp,
    knowledge_base_key,
    parse_cached,
    read_checked_knowledge_base,
    write_checked_knowledge_base,
    write_derived,
)
from synergy_compass.engine.load.discovery import kb_digest
from synergy_compass.engine.load.loader import load_knowledge_base
from synergy_compass.engine.load.plain_yaml import PositionsOnDemand
from synergy_compass.engine.load.yaml_source import YamlProblemError, parse_yaml
from synergy_compass.engine.run import compiler
from synergy_compass.engine.run.compiler import compile_knowledge_base
from synergy_compass.engine.run.network import NetworkBuilder
from synergy_compass.engine.run.network_storage import network_data, network_from_data

SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"
MINI_KB_ROOT = Path(__file__).resolve().parents[1] / "fixtures" / "mini_kb"

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


def test_with_the_cache_off_no_key_or_stored_form_is_worked_out(
    mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A key's code stamp hashes the engine's modules, and the network's stored form is a
    walk over it: neither is made when nothing will be read or written."""
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")

    def unused(*_: object) -> None:
        raise AssertionError("worked out with the cache off")

    monkeypatch.setattr(cache_module, "code_stamp", unused)
    monkeypatch.setattr(compiler, "code_stamp", unused)
    monkeypatch.setattr(compiler, "network_data", unused)
    compiled = compile_knowledge_base(load_knowledge_base(mini_kb))
    assert compiled.engine_class.__matcher__.network.plans


# --- the checked-KB cache ----------------------------------------------------------------------


def test_a_clean_load_parses_no_file_for_positions_and_writes_no_entry_per_file(
    cache: Path, mini_kb: Path
) -> None:
    load_knowledge_base(mini_kb)
    assert list(cache.glob("*.json")) == []  # the checked-KB entry covers a clean KB
    assert len(list(cache.parent.glob("checked-kb-*/*.json"))) == 1


def test_a_file_a_message_points_into_is_parsed_with_positions_and_cached(
    cache: Path, broken_kb: Callable[[str, str], Path]
) -> None:
    root = broken_kb("rules.yaml", "rules:\n  - id: x\n    sources: [nowhere]\n")
    with pytest.raises(KnowledgeBaseError) as first:
        load_knowledge_base(root)
    assert "rules.yaml:2:" in str(first.value)
    entries = list(cache.glob("*.json"))
    rules_entry = cache / f"{hashlib.sha256((root / 'rules.yaml').read_bytes()).hexdigest()}.json"
    assert rules_entry in entries  # the file the message points into, with its positions
    with pytest.raises(KnowledgeBaseError) as again:
        load_knowledge_base(root)  # positions read back from the entry
    assert str(again.value) == str(first.value)
    assert sorted(cache.glob("*.json")) == sorted(entries)


def test_a_checked_kb_loads_again_from_the_cache_with_its_places(
    cache: Path, mini_kb: Path
) -> None:
    fresh = load_knowledge_base(mini_kb)
    entries = list(cache.parent.glob("checked-kb-*/*.json"))
    assert len(entries) == 1
    again = load_knowledge_base(mini_kb)
    assert isinstance(again.rules[0].document, PositionsOnDemand)
    assert [rule.value for rule in again.rules] == [rule.value for rule in fresh.rules]
    assert {key: item.value for key, item in again.advice.items()} == {
        key: item.value for key, item in fresh.advice.items()
    }
    # positions are read from the file the first time a message needs one
    for before, after in zip(fresh.rules, again.rules, strict=True):
        assert str(after.location("when")) == str(before.location("when"))
        assert after.raw("when") == before.raw("when")
    assert again.digest == fresh.digest


def test_a_kb_with_problems_is_never_remembered_as_checked(
    cache: Path, broken_kb: Callable[[str, str], Path]
) -> None:
    root = broken_kb("rules.yaml", "rules: [{id: x}]\n")
    for _ in range(2):
        with pytest.raises(KnowledgeBaseError):
            load_knowledge_base(root)
    assert not list(cache.parent.glob("checked-kb-*/*.json"))


def test_an_entry_is_only_found_by_the_same_bytes_and_code(cache: Path, mini_kb: Path) -> None:
    files = [CachedFile(str(mini_kb / "kb.yaml"), "kb.yaml", {"knowledge_base": {}})]
    write_checked_knowledge_base([mini_kb], "digest-a", files)
    assert read_checked_knowledge_base([mini_kb], "digest-a") == files
    assert read_checked_knowledge_base([mini_kb], "digest-b") is None
    assert read_checked_knowledge_base([mini_kb.parent], "digest-a") is None
    assert code_stamp("load") != code_stamp("run")


def test_a_checked_kb_entry_whose_path_is_not_text_is_not_used(cache: Path, mini_kb: Path) -> None:
    damaged = {"files": [{"path": 7, "display": "kb.yaml", "data": {"knowledge_base": {}}}]}
    write_derived("checked-kb", knowledge_base_key([mini_kb], "digest-a"), damaged)
    assert read_checked_knowledge_base([mini_kb], "digest-a") is None


def test_a_checked_kb_entry_keeps_every_kind_of_value_yaml_reads(
    cache: Path, mini_kb: Path
) -> None:
    data = {
        "numbers": [0, -(10**30), 2**64, 1.0, -0.0, 5e-324, 0.1 + 0.2, 1e300],
        "special": [float("inf"), float("-inf"), True, False, None],
        "text": ["plain", 'é\u2028 \x7f\x00 "quoted" back\\slash', "2024-01-02", ""],
        "nested": {"a": [{"b": {}}, []]},
    }
    files = [CachedFile(str(mini_kb / "kb.yaml"), "kb.yaml", data)]
    write_checked_knowledge_base([mini_kb], "digest-a", files)
    (read,) = read_checked_knowledge_base([mini_kb], "digest-a") or []
    assert repr(read.data) == repr(data)  # 1 and 1.0, -0.0 and 0.0, True and 1 told apart
    nan = [CachedFile(str(mini_kb / "kb.yaml"), "kb.yaml", {"value": float("nan")})]
    write_checked_knowledge_base([mini_kb], "digest-nan", nan)
    (read_nan,) = read_checked_knowledge_base([mini_kb], "digest-nan") or []
    assert repr(read_nan.data) == "{'value': nan}"


@pytest.mark.parametrize(
    "text",
    [
        '{"n": [0, -1000000000000000000000000000000, 18446744073709551616, 1.0, -0.0, 5e-324]}',
        "[0.30000000000000004, 1e300, 1e400, -1e400, Infinity, -Infinity, 2.5E-3, 10]",
        '["\\u00e9\\u2028 \\u007f\\u0000 \\"q\\" b\\\\s", "\\ud83d\\ude00", "\u00e9"]',
        '{"a": 1, "a": 2, "b": {"c": [true, false, null, {}]}}',
        '"\\ud800 a lone surrogate"',  # refused by pydantic's parser, read by json.loads
        "\ufeff[1, 2]",  # a byte-order mark, likewise
        "[" * 300 + "]" * 300,  # deeper than pydantic's parser goes
    ],
)
def test_entries_read_as_json_loads_reads_them(text: str) -> None:
    raw = text.encode("utf-8", "surrogatepass")
    assert repr(cache_module.json_data(raw)) == repr(json.loads(raw))


@pytest.mark.parametrize("text", ["[1,]", "{'a': 1}", "[1] [2]", "nan", "", '"\xff"'])
def test_an_entry_that_is_not_json_is_a_value_error(text: str) -> None:
    """What the cache's readers take for a damaged entry (json.loads raises a ValueError too)."""
    raw = text.encode("latin-1")
    with pytest.raises(ValueError, match=r"\w"):  # json.loads's message where both refuse
        cache_module.json_data(raw)


def test_a_module_added_to_a_stamped_subpackage_changes_the_stamp(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Path(cache_module.__file__).resolve().parents[1]
    copy = tmp_path / "engine"
    shutil.copytree(engine, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache_module, "_ENGINE", copy)
    before = code_stamp("load", "schemas")
    assert before == code_stamp("load", "schemas")
    (copy / "load" / "new_step.py").write_text('"""A module a later change adds."""\n')
    assert code_stamp("load", "schemas") != before
    assert code_stamp("run") == code_stamp("run")  # other subpackages are not involved


def test_each_subpackage_is_hashed_once_for_every_stamp_that_covers_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, hashed: list[str]
) -> None:
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(tmp_path))  # no stamp kept from before
    monkeypatch.setattr(cache_module, "_stamps", {})
    read = hashed
    checked = code_stamp("load", "schemas")
    loads = read.count("load")
    network = code_stamp("load", "schemas", "rules", "run")
    assert loads > 0
    assert read.count("load") == loads  # not hashed again for the network's stamp
    assert read.count("run") > 0
    assert len({checked, network, code_stamp("schemas", "load"), code_stamp("load")}) == 4


def test_a_stamp_names_only_subpackages() -> None:
    with pytest.raises(ValueError, match="not a subpackage"):
        code_stamp("loader.py")


# --- the network cache -------------------------------------------------------------------------


def test_the_network_survives_its_stored_form(cache: Path) -> None:
    compiled = compile_knowledge_base(load_knowledge_base(SHIPPED_KB))
    network = compiled.engine_class.__matcher__.network
    stored = json.loads(json.dumps(network_data(network)))
    assert network_from_data(stored) == network


def test_a_compile_reuses_the_stored_network_and_rebuilds_a_damaged_one(
    cache: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    built = compile_knowledge_base(knowledge_base).engine_class.__matcher__.network
    (entry,) = cache.parent.glob("network-*/*.json")

    def refuse(*_: object) -> None:
        raise AssertionError("the stored network should have been used")

    with monkeypatch.context() as patched:
        patched.setattr(NetworkBuilder, "add_branch", refuse)
        reused = compile_knowledge_base(knowledge_base).engine_class.__matcher__.network
    assert reused == built
    entry.write_text('{"alphas": [], "plans": [[[[99, [], []]], [], [], []]]}')
    rebuilt = compile_knowledge_base(knowledge_base).engine_class.__matcher__.network
    assert rebuilt == built


def test_a_stored_network_made_for_other_rules_is_not_used(
    cache: Path, mini_kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    knowledge_base = load_knowledge_base(mini_kb)
    compile_knowledge_base(knowledge_base)
    (entry,) = cache.parent.glob("network-*/*.json")
    stored = json.loads(entry.read_text())
    stored["branches"][0][2] = "some-other-rule"  # as if the loader now ordered rules otherwise
    entry.write_text(json.dumps(stored))
    built: list[object] = []
    monkeypatch.setattr(NetworkBuilder, "add_branch", lambda _self, atoms: built.append(atoms))
    compile_knowledge_base(knowledge_base)
    assert len(built) == len(knowledge_base.rules) + 1  # rebuilt: one rule has two branches


def test_a_kb_digest_names_the_bytes_that_were_read(
    cache: Path, broken_kb: Callable[[str, str], Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A file saved while the KB loads: the KB and its cache entries describe what was read."""
    root = broken_kb("kb.yaml", (MINI_KB_ROOT / "kb.yaml").read_text())
    before = kb_digest([root])
    real_parse = loader.parse_for_load

    def parse_then_edit(raw: bytes, display_path: str, entries: LoadEntries) -> Any:
        document = real_parse(raw, display_path, entries)
        if display_path == "advice.yaml":
            (root / "advice.yaml").write_text(raw.decode() + "# saved meanwhile\n")
        return document

    monkeypatch.setattr(loader, "parse_for_load", parse_then_edit)
    knowledge_base = load_knowledge_base(root)
    after = kb_digest([root])
    assert knowledge_base.digest == before != after
    directories = [root.resolve()]
    assert read_checked_knowledge_base(directories, before) is not None
    assert read_checked_knowledge_base(directories, after) is None  # the new bytes: unchecked


def test_a_load_looks_up_no_entry_while_the_cache_has_no_folder_for_them(
    cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new user's first run: no file can have an entry, so none is looked up."""
    looked_up: list[Path] = []
    real_lookup = cache_module._cached_document

    def lookup(entry: Path, display_path: str) -> Any:
        looked_up.append(entry)
        return real_lookup(entry, display_path)

    monkeypatch.setattr(cache_module, "_cached_document", lookup)
    load_knowledge_base(MINI_KB_ROOT)
    assert not cache.exists()
    assert looked_up == []
    parse_cached((MINI_KB_ROOT / "kb.yaml").read_bytes(), "kb.yaml")  # makes the folder
    load_knowledge_base(MINI_KB_ROOT, digest="0" * 64)  # not the checked KB's: files are read
    assert len(looked_up) >= 1
