"""Issue 8 §2: no input can run code or make the tool read files outside the KB directory.

- Payloads that run a command when loaded by an unsafe YAML loader (a control test proves they
  do) create nothing when given to `compass` as a scenario, as every kind of KB file, as a
  batch line, or as a `whatif --set` value.
- Under a Python audit hook, advising on and linting a KB full of path-like ids and values opens
  only the KB's own files and the scenario, and starts no process and runs no `exec`/`eval`.
- The engine's source has no `eval`/`exec`/`compile`, no dynamic imports, no unsafe YAML loader,
  no pickle and no process spawning (an AST scan, tested against a snippet that has them all).
"""

from __future__ import annotations

import ast
import json
import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from conftest import MINI_KB, REPOSITORY
from hostile_support import BASIC, HOSTILE, KB_TARGETS, assert_no_traceback, invoke, kb_with
from synergy_compass.engine import api
from synergy_compass.engine.load.cache import parse_cached
from synergy_compass.engine.load.discovery import kb_files


def payloads(marker: Path) -> dict[str, str]:
    """YAML documents that create ``marker`` if a loader builds the Python objects they name."""
    return {
        "os.system": f'title: !!python/object/apply:os.system ["touch {marker}"]\n',
        "subprocess": f'title: !!python/object/apply:subprocess.check_call [["touch", "{marker}"]]\n',
        "builtins.exec": f"title: !!python/object/apply:builtins.exec [\"open('{marker}', 'w').close()\"]\n",
        "nested in a list": f'we_observe: [polite_deferral, !!python/object/apply:os.system ["touch {marker}"]]\n',
        "as a mapping key": f'? !!python/object/apply:os.system ["touch {marker}"]\n: 1\n',
        "verbatim tag": f'title: !<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]\n',
        "tag directive": f'%TAG !p! tag:yaml.org,2002:python/object/apply:\n---\ntitle: !p!os.system ["touch {marker}"]\n',
    }


PAYLOAD_NAMES = list(payloads(Path("m")))
LIVE = ["os.system", "subprocess", "builtins.exec"]


@pytest.mark.parametrize("name", LIVE)
def test_control_the_payloads_run_under_an_unsafe_loader(name: str, tmp_path: Path) -> None:
    """Without this, 'the marker was not created' would prove nothing."""
    marker = tmp_path / "pwned"
    yaml.unsafe_load(payloads(marker)[name])
    assert marker.exists()


@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_a_payload_scenario_runs_nothing(name: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    path = tmp_path / "case.yaml"
    path.write_text(payloads(marker)[name])
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert "is not allowed" in result.stderr or "must be a plain name" in result.stderr
    stdin = invoke("advise", "-", "--no-audit", "--kb", MINI_KB, stdin=path.read_bytes())
    assert stdin.exit_code == 2
    assert not marker.exists()


@pytest.mark.parametrize("kind", KB_TARGETS)
@pytest.mark.parametrize("name", PAYLOAD_NAMES)
def test_a_payload_kb_file_runs_nothing(name: str, kind: str, tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    root = kb_with(tmp_path / "kb", KB_TARGETS[kind], payloads(marker)[name].encode())
    for args in (
        ("advise", BASIC, "--no-audit", "--kb", root),
        ("kb", "lint", root),
        ("kb", "stats", root),
        ("kb", "test", root),
    ):
        result = invoke(*args)
        assert_no_traceback(result)
        assert result.exit_code in (1, 2), (args, result.exit_code)
    assert not marker.exists()


def test_payload_batch_lines_run_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    lines = [text.replace("\n", " ") for text in payloads(marker).values() if "%TAG" not in text]
    good = '{"title": "Good", "we": {"culture": "US"}, "they": {"culture": "JP"}, "goal": {"kind": "expand_scope"}}'
    source = tmp_path / "cases.jsonl"
    source.write_text("\n".join([good, *lines, good]) + "\n")
    csv = tmp_path / "cases.csv"
    csv.write_text(
        "title,we.culture,they.culture,goal.kind,they.people\n"
        f'"!!python/object/apply:os.system [touch {marker}]",US,JP,expand_scope,"[""!!python/object/apply:os.system [touch {marker}]""]"\n'
    )
    for path in (source, csv):
        result = invoke(
            "batch",
            path,
            "-o",
            tmp_path / "out.jsonl",
            "--force",
            "--kb",
            MINI_KB,
            "--workers",
            "2",
        )
        assert_no_traceback(result)
        assert result.exit_code == 1
    assert not marker.exists()


def test_a_payload_in_whatif_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    result = invoke(
        "whatif",
        BASIC,
        "--kb",
        MINI_KB,
        "--set",
        f'notes=!!python/object/apply:os.system ["touch {marker}"]',
    )
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert "is not allowed" in result.stderr
    assert not marker.exists()


# --- file access and process creation under an audit hook ----------------------------------

_CHILD = textwrap.dedent(
    """
    import importlib, json, os, pkgutil, sys
    from click.testing import CliRunner
    from synergy_compass.cli import cli
    import synergy_compass.engine as engine

    for module in pkgutil.walk_packages(engine.__path__, "synergy_compass.engine."):
        importlib.import_module(module.name)  # commands import theirs when run

    runner = CliRunner()
    warm_up, commands = json.loads(sys.argv[1]), json.loads(sys.argv[2])
    for args in warm_up:  # load lazily imported modules and data files before watching
        runner.invoke(cli, args)
    events = []
    WATCHED = {"exec", "compile", "os.system", "subprocess.Popen", "os.posix_spawn",
               "os.exec", "os.spawn", "os.fork", "os.forkpty", "pty.spawn", "ctypes.dlopen",
               "socket.connect", "urllib.Request"}
    FILES = {"os.rename", "os.remove", "os.mkdir", "shutil.copyfile", "os.chmod"}

    def hook(event, args):
        if event == "open":
            if not isinstance(args[0], int):  # an int is a descriptor opened earlier by name
                events.append(["open", os.fsdecode(args[0])])
        elif event == "import":
            events.append(["import", str(args[0])])
        elif event == "exec" and getattr(args[0], "co_name", "") == "<module>":
            events.append(["import-exec", args[0].co_filename])
        elif event in FILES:
            for path in args:
                if isinstance(path, (str, bytes)):
                    events.append(["write", os.fsdecode(path)])
        elif event in WATCHED:
            events.append([event, repr(args)[:300]])

    sys.addaudithook(hook)
    codes = [runner.invoke(cli, args).exit_code for args in commands]
    print(json.dumps({"codes": codes, "events": events}))
    """
)

PATH_LADEN_SOURCES = """sources:
  - id: test-source
    title: /etc/passwd
    url: file:///etc/passwd
    publisher: ../../../../etc/shadow
    note: "~/.ssh/id_rsa"
    kind: web
"""
PATH_LADEN_SCENARIO = """title: ../../etc/passwd
we: {culture: US, organisation: /etc/passwd, offer: "file:///etc/shadow"}
they:
  culture: JP
  organisation: ../../../../../../etc/passwd
  people: [{role: "~/.ssh/id_rsa", rank: top, name: "$(touch pwned)"}]
goal: {kind: expand_scope, description: "`cat /etc/passwd`"}
notes: "{{ open('/etc/passwd').read() }} ${jndi:ldap://example.invalid/x}"
expectations: {must_advise: [../../etc/passwd]}
"""


def _parse_cache(tmp_path: Path) -> Path:
    """The parsed-YAML cache: the one place outside the KB the loader reads, at names that are
    hashes of file contents, never names taken from data (see the cache tests below)."""
    return tmp_path / "parse-cache"


def _watch(tmp_path: Path, commands: list[list[str]]) -> dict[str, list[object]]:
    basic, mini = str(BASIC), str(MINI_KB)
    broken = kb_with(tmp_path / "warm-broken", "rules.yaml", b"rules: [1\n")
    warm_up = [
        ["advise", basic, "--kb", mini, "--no-audit"],
        ["advise", basic, "--kb", mini, "--no-audit", "--format", "html"],
        ["kb", "lint", mini],
        ["kb", "test", mini],
        ["advise", basic, "--kb", str(broken), "--no-audit"],
        ["kb", "lint", str(broken)],
        ["advise", str(HOSTILE / "scenarios" / "unknown-key.yaml"), "--kb", mini, "--no-audit"],
    ]
    completed = subprocess.run(
        [sys.executable, "-c", _CHILD, json.dumps(warm_up), json.dumps(commands)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
        timeout=300,
        env={**os.environ, "COMPASS_CACHE_DIR": str(_parse_cache(tmp_path))},
    )
    return json.loads(completed.stdout.splitlines()[-1])


def _assert_contained(events: list[object], allowed: list[Path]) -> None:
    # The user's config file is read by every command (here the test's own, see conftest).
    roots = [path.resolve() for path in [*allowed, Path(os.environ["COMPASS_CONFIG"])]]
    for event, argument in events:  # type: ignore[misc]
        if event in ("open", "write"):
            path = Path(argument).resolve()
            if path.suffix in (".py", ".pyc", ".so"):
                continue  # code being imported, not data
            assert any(path == root or root in path.parents for root in roots), (
                f"opened {path}, outside {roots}"
            )
        elif event == "import":
            assert argument.split(".")[0] not in {"subprocess", "pty", "ctypes", "pickle", "socket"}
        elif event == "import-exec":
            assert Path(argument).suffix == ".py", argument  # a module's code, run by an import
        else:
            pytest.fail(f"{event} {argument}")


def test_path_like_data_reads_nothing_outside_the_kb(tmp_path: Path) -> None:
    root = kb_with(tmp_path / "kb", "sources.yaml", PATH_LADEN_SOURCES.encode())
    kb_with(
        root,
        "kb.yaml",
        b"knowledge_base:\n  name: /etc/passwd\n  version: 1.0.0\n  description: ../../../etc\n",
    )
    scenario = tmp_path / "case.yaml"
    scenario.write_text(PATH_LADEN_SCENARIO)
    outcome = _watch(
        tmp_path,
        [
            ["advise", str(scenario), "--kb", str(root), "--no-audit"],
            ["advise", str(scenario), "--kb", str(root), "--no-audit", "--format", "html"],
            ["explain", str(scenario), "--kb", str(root), "--why-not", "push-hard"],
            ["kb", "lint", str(root)],
            ["kb", "test", str(root)],
            ["kb", "stats", str(root)],
        ],
    )
    assert outcome["codes"] == [0, 0, 0, 0, 0, 0]
    _assert_contained(outcome["events"], [root, scenario, _parse_cache(tmp_path)])
    opened = {
        Path(str(argument)).resolve() for event, argument in outcome["events"] if event == "open"
    }  # type: ignore[misc]
    assert scenario.resolve() in opened
    assert (root / "sources.yaml").resolve() in opened  # the hook does see the reads
    assert not (tmp_path / "pwned").exists()


@pytest.mark.parametrize(
    "name",
    [
        "rules/path-like-id.yaml",
        "rules/path-like-source.yaml",
        "advice/path-like-id.yaml",
        "findings/path-like-id.yaml",
        "sources/path-like-id.yaml",
        "dimensions/path-like-id.yaml",
        "culture/path-like-country.yaml",
        "culture/path-like-dimension.yaml",
        "manifest/path-like-extends.yaml",
        "lint/path-like-items.yaml",
    ],
)
def test_a_path_like_id_is_just_an_invalid_id(name: str, tmp_path: Path) -> None:
    target = KB_TARGETS[name.split("/", maxsplit=1)[0]]
    root = kb_with(tmp_path / "kb", target, (HOSTILE / "kb" / name).read_bytes())
    outcome = _watch(
        tmp_path,
        [
            ["advise", str(BASIC), "--kb", str(root), "--no-audit"],
            ["kb", "lint", str(root)],
        ],
    )
    assert outcome["codes"] == [2, 1]
    _assert_contained(outcome["events"], [root, BASIC, _parse_cache(tmp_path)])


# --- the engine's source ---------------------------------------------------------------------

_FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
_FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "subprocess", "pty", "ctypes", "dill"}
_FORBIDDEN_ATTRIBUTES = {
    ("importlib", "import_module"),
    ("os", "system"),
    ("os", "popen"),
    ("os", "execv"),
    ("os", "execvp"),
    ("os", "spawnv"),
    ("os", "posix_spawn"),
    ("yaml", "load"),
    ("yaml", "load_all"),
    ("yaml", "unsafe_load"),
    ("yaml", "unsafe_load_all"),
    ("yaml", "full_load"),
    ("yaml", "full_load_all"),
    ("yaml", "Loader"),
    ("yaml", "FullLoader"),
    ("yaml", "UnsafeLoader"),
    ("yaml", "CLoader"),
    ("yaml", "CFullLoader"),
    ("yaml", "CUnsafeLoader"),
}


def unsafe_constructs(source: str) -> list[str]:
    """Calls and imports through which data could become code, found in ``source``."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in _FORBIDDEN_CALLS:
                found.append(f"{node.func.id}() on line {node.lineno}")
        elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in _FORBIDDEN_ATTRIBUTES:
                found.append(f"{node.value.id}.{node.attr} on line {node.lineno}")
        elif isinstance(node, ast.Import):
            found += [
                f"import {alias.name} on line {node.lineno}"
                for alias in node.names
                if alias.name.split(".")[0] in _FORBIDDEN_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and node.module:
            root = node.module.split(".")[0]
            names = {alias.name for alias in node.names}
            if root in _FORBIDDEN_MODULES or (
                root in ("importlib", "os", "yaml")
                and any((root, name) in _FORBIDDEN_ATTRIBUTES for name in names)
            ):
                found.append(
                    f"from {node.module} import {', '.join(sorted(names))} on line {node.lineno}"
                )
    return found


def test_the_scanner_finds_every_construct() -> None:
    snippet = textwrap.dedent(
        """
        import pickle, subprocess
        from importlib import import_module
        from yaml import unsafe_load
        import os, yaml, importlib
        eval("1"); exec("x = 1"); compile("1", "f", "eval"); __import__("os")
        importlib.import_module("os"); os.system("true"); os.popen("true")
        yaml.load("a", Loader=yaml.FullLoader); yaml.unsafe_load("a"); yaml.full_load("a")
        """
    )
    assert len(unsafe_constructs(snippet)) == 15
    assert unsafe_constructs("import yaml\nyaml.compose('a', Loader=yaml.SafeLoader)\n") == []


def test_the_engine_has_no_way_to_turn_data_into_code() -> None:
    files = [*sorted((REPOSITORY / "engine").rglob("*.py")), REPOSITORY / "cli.py"]
    assert len(files) > 20
    found = {
        str(path.relative_to(REPOSITORY)): problems
        for path in files
        if (problems := unsafe_constructs(path.read_text(encoding="utf-8")))
    }
    # The one program the engine starts: the PDF report is printed by a Chromium found on PATH,
    # with a fixed list of arguments and no shell; nothing from a scenario or a KB is run.
    printing = found.pop("engine/render/pdf.py", [])
    assert [problem.split(" on line")[0] for problem in printing] == ["import subprocess"]
    assert found == {}


# --- the parsed-YAML cache (a directory outside the KB that the loader now reads) -------------


LINT = b"lint:\n  disable: []\n"


def _cache_entries(cache: Path) -> list[Path]:
    return sorted(cache.rglob("*.json"))


def _parse_with_positions(root: Path) -> None:
    """A clean load parses no file with positions; a message pointing into a file does, and
    caches it. Here every file is, so that later loads of a copy read each through the cache."""
    for path in kb_files(root):
        parse_cached(path.read_bytes(), path.name)


DAMAGED_ENTRIES = {
    "empty": b"",
    "truncated": b'{"data": {"rules": [',
    "binary": bytes(range(256)),
    "not-utf8": b'{"data": "\xff"}',
    "wrong-shape": b'{"data": 1, "values": "x", "keys": 7}',
    "nul": b'{"data": "\x00"}',
    "deep-nesting": b"[" * 200_000 + b"]" * 200_000,
}


@pytest.mark.parametrize("damage", DAMAGED_ENTRIES)
def test_a_damaged_cache_entry_is_ignored(
    damage: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(cache))
    monkeypatch.delenv("COMPASS_NO_CACHE", raising=False)
    # Two identical copies: the second is compiled afresh (the API caches compiled KBs by
    # directory), so its files are looked up in the parse cache filled by the first.
    first, second = (kb_with(tmp_path / name, "lint.yaml", LINT) for name in ("kb1", "kb2"))
    expected = invoke("advise", BASIC, "--kb", first, "--no-audit", "--format", "json")
    assert expected.exit_code == 0
    _parse_with_positions(first)
    entries = _cache_entries(cache)
    assert len(entries) >= 7, "the run did not fill the cache"
    for entry in entries:
        entry.write_bytes(DAMAGED_ENTRIES[damage])
    result = invoke("advise", BASIC, "--kb", second, "--no-audit", "--format", "json")
    assert_no_traceback(result)
    assert result.exit_code == 0, result.stderr[-1000:]
    assert result.stdout == expected.stdout


def _poison_advice_entry(cache: Path) -> None:
    entry = next(
        entry
        for entry in _cache_entries(cache)
        if entry.parent.name.startswith("parsed-yaml")
        and '"push-hard"' in entry.read_text(encoding="utf-8")
        and '"advice"' in entry.read_text(encoding="utf-8")
    )
    stored = json.loads(entry.read_text(encoding="utf-8"))
    stored["data"]["advice"][0]["title"] = "Send a gift to the official in charge"
    entry.write_text(json.dumps(stored), encoding="utf-8")


def test_a_checked_kb_entry_is_validated_again_and_refused_when_it_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The checked-KB cache skips cross-checks, not validation: an item edited into something
    the schemas refuse is an error naming the item and the cache (never a traceback), and
    COMPASS_NO_CACHE=1 gives the run the files alone."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(cache))
    monkeypatch.delenv("COMPASS_NO_CACHE", raising=False)
    root = kb_with(tmp_path / "kb", "lint.yaml", LINT)
    expected = invoke("advise", BASIC, "--kb", root, "--no-audit", "--format", "json")
    assert expected.exit_code == 0
    (entry,) = [path for path in _cache_entries(cache) if path.parent.name.startswith("checked")]

    def edit_first_advice(field: str, value: str) -> Result:
        stored = json.loads(entry.read_text(encoding="utf-8"))
        for item in stored["files"]:
            if "advice" in item["data"]:
                item["data"]["advice"][0][field] = value
        entry.write_text(json.dumps(stored), encoding="utf-8")
        api.core._compiled.cache_clear()  # the API also keeps compiled KBs in memory
        return invoke("advise", BASIC, "--kb", root, "--no-audit", "--format", "json")

    edited = edit_first_advice("title", "Edited in the cache")
    assert "Edited in the cache" in edited.stdout  # trusted, as documented
    refused = edit_first_advice("stage", "whenever")
    assert_no_traceback(refused)
    assert refused.exit_code == 2
    assert "advice.yaml:" in refused.stderr
    assert "checked-KB cache" in refused.stderr
    assert "COMPASS_NO_CACHE=1" in refused.stderr
    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    api.core._compiled.cache_clear()
    from_files = invoke("advise", BASIC, "--kb", root, "--no-audit", "--format", "json")
    assert from_files.stdout == expected.stdout


def test_the_cache_is_trusted_as_documented_and_can_be_switched_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SECURITY.md: a cache entry is trusted to match its file (whoever can write the cache
    changes what a run reads), the directory is the owner's only, and COMPASS_NO_CACHE=1 makes
    a run rest on the files alone. An edited entry is the test of all three."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("COMPASS_CACHE_DIR", str(cache))
    monkeypatch.delenv("COMPASS_NO_CACHE", raising=False)
    kbs = [kb_with(tmp_path / f"kb{n}", "lint.yaml", LINT) for n in range(3)]
    expected = invoke("advise", BASIC, "--kb", kbs[0], "--no-audit", "--format", "json")
    assert expected.exit_code == 0
    for directory in {entry.parent for entry in _cache_entries(cache)}:
        assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    _parse_with_positions(kbs[0])
    for entry in _cache_entries(cache):
        assert stat.S_IMODE(entry.stat().st_mode) & 0o077 == 0, entry
    _poison_advice_entry(cache)

    trusted = invoke("advise", BASIC, "--kb", kbs[1], "--no-audit", "--format", "json")
    assert "Send a gift" in trusted.stdout  # documented: the entry is used as it is
    assert json.loads(trusted.stdout)["kb"] == json.loads(expected.stdout)["kb"]

    monkeypatch.setenv("COMPASS_NO_CACHE", "1")
    alone = invoke("advise", BASIC, "--kb", kbs[2], "--no-audit", "--format", "json")
    assert alone.exit_code == 0
    assert alone.stdout == expected.stdout
