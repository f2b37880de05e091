"""Issue 8 §1 and §2 through the installed `compass` console script in real processes: what a
user's terminal shows for hostile input is a located error and the documented exit code, never
a traceback, and no payload runs. Also: PyYAML without libyaml (a pure-Python install)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import MINI_KB
from hostile_support import BASIC, HOSTILE, MARKER, TRACEBACK

COMPASS = Path(sys.executable).with_name("compass")


def compass(*args: object, cwd: Path, stdin: bytes = b"") -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COMPASS_AUDIT_DB": str(cwd / "audit.sqlite3")}
    environment.pop("COLUMNS", None)
    return subprocess.run(
        [str(COMPASS), *map(str, args)],
        input=stdin.decode("utf-8", "surrogateescape"),
        capture_output=True,
        text=True,
        errors="replace",
        cwd=cwd,
        env=environment,
        timeout=120,
        check=False,
    )


@pytest.fixture
def work(tmp_path: Path) -> Path:
    assert COMPASS.exists(), f"the console script is not installed at {COMPASS}"
    directory = tmp_path / "cwd"
    directory.mkdir()
    return directory


def test_a_hostile_scenario(work: Path) -> None:
    path = HOSTILE / "any" / "python-apply.yaml"
    completed = compass("advise", path, "--kb", MINI_KB, cwd=work)
    assert completed.returncode == 2
    assert TRACEBACK not in completed.stderr
    assert completed.stderr.startswith(f"error: {path}:1:8: the YAML tag ")
    assert completed.stdout == ""
    assert not (work / MARKER).exists()


def test_a_hostile_scenario_on_standard_input(work: Path) -> None:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 9)]
    completed = compass("advise", "-", "--kb", MINI_KB, cwd=work, stdin="\n".join(lines).encode())
    assert completed.returncode == 2
    assert TRACEBACK not in completed.stderr
    assert completed.stderr.startswith("error: <stdin>:")
    assert "expands to more than 200000 values" in completed.stderr


def test_a_hostile_kb(work: Path, tmp_path: Path) -> None:
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    (root / "cultures" / "jp.yaml").write_bytes((HOSTILE / "any" / "binary.yaml").read_bytes())
    (root / "rules.yaml").write_bytes((HOSTILE / "any" / "python-tag-directive.yaml").read_bytes())
    advised = compass("advise", BASIC, "--kb", root, cwd=work)
    assert advised.returncode == 2
    assert TRACEBACK not in advised.stderr
    assert "cultures/jp.yaml:1:1: the file is not UTF-8 text" in advised.stderr
    assert "rules.yaml:3:8: the YAML tag" in advised.stderr
    linted = compass("kb", "lint", root, cwd=work)
    assert linted.returncode == 1
    assert TRACEBACK not in linted.stderr + linted.stdout
    assert "rules.yaml:3:8: error[yaml]" in linted.stdout
    assert not (work / MARKER).exists()


def test_a_hostile_batch(work: Path) -> None:
    source = HOSTILE / "batch" / "python-tag.jsonl"
    out = work / "out.jsonl"
    completed = compass("batch", source, "-o", out, "--kb", MINI_KB, "--workers", "2", cwd=work)
    assert completed.returncode == 1
    assert TRACEBACK not in completed.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["ok"] for row in rows] == [True, False, True]
    assert "3 scenarios ran, 1 failed" in completed.stderr
    assert not (work / MARKER).exists()


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("advise", HOSTILE / "any" / "bad-date.yaml", "--kb", MINI_KB), id="date"),
        pytest.param(
            ("advise", HOSTILE / "any" / "bad-bool-tag.yaml", "--kb", MINI_KB), id="bool-tag"
        ),
        pytest.param(("kb", "lint", HOSTILE / "any"), id="lint-the-broken-yaml-corpus"),
        pytest.param(("kb", "lint", HOSTILE / "kb"), id="lint-the-kb-corpus"),
        pytest.param(("advise", BASIC, "--kb", HOSTILE / "kb"), id="advise-on-the-kb-corpus"),
        pytest.param(
            (
                "batch",
                HOSTILE / "batch" / "people-invalid-json.csv",
                "-o",
                "o.jsonl",
                "--kb",
                MINI_KB,
            ),
            id="csv-json-cell",
        ),
        pytest.param(
            (
                "batch",
                HOSTILE / "batch" / "conflicting-columns.csv",
                "-o",
                "o.jsonl",
                "--kb",
                MINI_KB,
            ),
            id="csv-columns",
        ),
    ],
)
def test_no_traceback_reaches_the_terminal(args: tuple[object, ...], work: Path) -> None:
    """Inputs that are (or were) engine bugs: whatever the exit code, one line, no traceback."""
    completed = compass(*args, cwd=work)
    assert TRACEBACK not in completed.stderr
    assert TRACEBACK not in completed.stdout
    assert completed.returncode in (1, 2, 3)
    if completed.returncode == 3:
        assert len(completed.stderr.strip().splitlines()) == 1


_WITHOUT_LIBYAML = """
import sys, yaml
del yaml.CSafeLoader  # as on an installation of PyYAML built without libyaml
from synergy_compass.cli import main
sys.argv = ["compass", *sys.argv[1:]]
main()
"""


def compass_without_libyaml(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _WITHOUT_LIBYAML, *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "COMPASS_AUDIT_DB": str(cwd / "audit.sqlite3")},
        timeout=120,
        check=False,
    )


def test_without_libyaml_the_corpus_still_gives_located_errors(work: Path) -> None:
    out = work / "out.jsonl"
    folder = work / "cases"
    shutil.copytree(HOSTILE / "any", folder)
    completed = compass_without_libyaml("batch", folder, "-o", out, "--kb", MINI_KB, cwd=work)
    assert TRACEBACK not in completed.stderr
    assert completed.returncode == 1, completed.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(list(folder.iterdir()))
    for row in rows:
        assert not row["ok"]
        assert str(row["error"]).startswith(f"{row['source']}:"), row["error"][:300]
    assert not (work / MARKER).exists()


def test_without_libyaml_deep_nesting_is_a_located_error(work: Path) -> None:
    path = work / "deep.yaml"
    path.write_bytes(b"title: " + b"[" * 5000 + b"]" * 5000 + b"\n")
    completed = compass_without_libyaml("advise", path, "--kb", MINI_KB, cwd=work)
    assert TRACEBACK not in completed.stderr
    assert completed.returncode == 2, completed.stderr
    assert completed.stderr.startswith(f"error: {path}:1:")
