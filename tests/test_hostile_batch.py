"""Issue 8 §1 for batch input: a broken or hostile scenario on one line of a JSONL or CSV file
(or one file of a folder) is reported with ``path:line`` and the other lines still run; the
command exits 1 (README: "the command ran and found problems") and never shows a traceback.

The corpus is tests/hostile/batch/: each file is a good scenario, the bad one, and another good
one (for CSV after the header line). Big lines are generated here. Known engine bugs are marked
``xfail(strict=True)`` with the reason.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import Result
from conftest import MINI_KB
from hostile_support import (
    DOCUMENTED_FILE_LIMIT,
    HOSTILE,
    MARKER,
    assert_no_traceback,
    invoke,
)

BATCH = HOSTILE / "batch"
GOOD = '{"title": "Good", "we": {"culture": "US"}, "they": {"culture": "JP"}, "goal": {"kind": "expand_scope"}}'
CSV_HEADER = "title,we.culture,they.culture,goal.kind"
CSV_GOOD = "Good,US,JP,expand_scope"
COMMAND = [sys.executable, "-c", "from synergy_compass.cli import main; main()"]

# file -> (line of the bad scenario, part of its error message, reason it is a known bug or "")
CASES: dict[str, tuple[int, str, str]] = {
    "empty-object.jsonl": (2, "the required key 'title' is missing", ""),
    "null.jsonl": (2, "found NoneType", ""),
    "invalid-json.jsonl": (2, "this is not valid YAML", ""),
    "top-level-list.jsonl": (2, "a scenario is a mapping", ""),
    "top-level-scalar.jsonl": (2, "found str", ""),
    "wrong-type.jsonl": (2, "Input should be a valid integer", ""),
    "unknown-key.jsonl": (2, "unknown key 'relashionship'", ""),
    "unknown-enum.jsonl": (2, "found 'grow' (at goal.kind)", ""),
    "unknown-country.jsonl": (2, "unknown country 'Atlantis'", ""),
    "duplicate-key.jsonl": (2, "the key 'title' appears twice", ""),
    "out-of-range.jsonl": (2, "less than or equal to 1200; found 5000", ""),
    "nul-byte.jsonl": (2, "NUL byte", ""),
    "python-tag.jsonl": (2, "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed", ""),
    "python-tag-value.jsonl": (
        2,
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
        "",
    ),
    "recursive-alias.jsonl": (2, "nested more than 64 levels deep", ""),
    "non-utf8.jsonl": (
        2,
        "UTF-8",
        "",
    ),
    "bad-date.jsonl": (2, "(at goal.kind)", ""),
    "empty-row.csv": (3, "the required key 'title' is missing", ""),
    "wrong-type.csv": (3, "Input should be a valid integer", ""),
    "unknown-column.csv": (3, "unknown key 'relashionship'", ""),
    "unknown-enum.csv": (3, "found 'grow' (at goal.kind)", ""),
    "unknown-country.csv": (3, "unknown country 'Atlantis'", ""),
    "out-of-range.csv": (3, "less than or equal to 1200; found 5000", ""),
    "python-tag.csv": (3, "found '!!python/object/apply:os.system", ""),
    "people-wrong-type.csv": (3, "found a mapping (at they.people)", ""),
    "people-deep.csv": (3, "nested more than 64 levels deep", ""),
    "people-invalid-json.csv": (
        3,
        "they.people",
        "",
    ),
    "conflicting-columns.csv": (
        3,
        "",
        "",
    ),
    "duplicate-column.csv": (
        3,
        "title",
        "",
    ),
    "nul-byte.csv": (
        3,
        "NUL",
        "",
    ),
    "non-utf8.csv": (
        3,
        "UTF-8",
        "",
    ),
    "multi-line-field.csv": (
        4,
        "unknown country 'Atlantis'",
        "",
    ),
}


@pytest.fixture(autouse=True)
def in_scratch_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty directory, so a payload that ran would leave its marker file here."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work
    assert not (work / MARKER).exists(), "a payload in the input was executed"


def run_batch(source: Path, out: Path, *options: object) -> tuple[Result, list[dict[str, object]]]:
    result = invoke("batch", source, "-o", out, "--kb", MINI_KB, *options)
    rows = [json.loads(line) for line in out.read_text().splitlines()] if out.exists() else []
    return result, rows


def assert_bad_line_reported(
    result: Result,
    rows: list[dict[str, object]],
    *,
    source: Path,
    line: int,
    fragment: str,
    total: int = 3,
) -> None:
    """Exit 1, every scenario has a result, only the bad one failed, with ``source:line``."""
    assert_no_traceback(result)
    assert result.exit_code == 1, (result.exit_code, result.stderr[-2000:])
    assert len(rows) == total, rows
    failed = [row for row in rows if not row["ok"]]
    assert [row["source"] for row in failed] == [f"{source}:{line}"]
    error = str(failed[0]["error"])
    assert error.startswith(f"{source}:{line}:"), error[:300]
    assert fragment in error, error[:1000]
    for row in rows:
        if row["ok"]:
            assert row["title"] == "Good"
            assert row["recommendations"], row
    assert f"{total} scenarios ran, 1 failed" in result.stderr


def test_the_corpus_is_the_table() -> None:
    assert {path.name for path in BATCH.iterdir()} == {*CASES, "line-separator.jsonl"}


def _cases() -> list[object]:
    return [
        pytest.param(
            name,
            line,
            fragment,
            id=name,
            marks=[pytest.mark.xfail(strict=True, reason=reason)] if reason else [],
        )
        for name, (line, fragment, reason) in CASES.items()
    ]


@pytest.mark.parametrize(("name", "line", "fragment"), _cases())
def test_a_bad_line_is_reported_and_the_others_run(
    name: str, line: int, fragment: str, tmp_path: Path
) -> None:
    source = BATCH / name
    result, rows = run_batch(source, tmp_path / "out.jsonl")
    assert_bad_line_reported(result, rows, source=source, line=line, fragment=fragment)


def test_workers_report_bad_lines_the_same_way(tmp_path: Path) -> None:
    source = tmp_path / "mixed.jsonl"
    source.write_bytes(
        b"".join(
            (BATCH / name).read_bytes()
            for name in ("python-tag.jsonl", "nul-byte.jsonl", "unknown-key.jsonl")
        )
    )
    alone, rows = run_batch(source, tmp_path / "one.jsonl")
    parallel, parallel_rows = run_batch(source, tmp_path / "two.jsonl", "--workers", "2")
    assert_no_traceback(parallel)
    assert alone.exit_code == parallel.exit_code == 1
    assert parallel_rows == rows
    assert [row["source"] for row in rows if not row["ok"]] == [
        f"{source}:2",
        f"{source}:5",
        f"{source}:8",
    ]


def test_a_valid_line_with_a_unicode_line_separator_runs(tmp_path: Path) -> None:
    source = BATCH / "line-separator.jsonl"
    result, rows = run_batch(source, tmp_path / "out.jsonl")
    assert result.exit_code == 0, result.stderr[-2000:]
    assert [row["source"] for row in rows] == [f"{source}:{n}" for n in (1, 2, 3)]


# --- generated big lines ----------------------------------------------------------------


def _jsonl_with(bad: bytes) -> bytes:
    return GOOD.encode() + b"\n" + bad + b"\n" + GOOD.encode() + b"\n"


def _csv_with(bad: str, extra_column: str = "") -> bytes:
    header = CSV_HEADER + (f",{extra_column}" if extra_column else "")
    good = CSV_GOOD + ("," if extra_column else "")
    return f"{header}\n{good}\n{bad}\n{good}\n".encode()


def _alias_bomb_line() -> bytes:
    anchors = ["&a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        anchors.append(f"&a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    return GOOD.replace(
        '"title": "Good"', f'"title": "Bad", "notes": [{", ".join(anchors)}]'
    ).encode()


MEBIBYTE = 1024 * 1024


@pytest.mark.parametrize(
    ("suffix", "content", "line", "fragment"),
    [
        pytest.param(
            ".jsonl",
            lambda: _jsonl_with(GOOD.replace('"Good"', '"' + "x" * (6 * MEBIBYTE) + '"').encode()),
            2,
            "the limit is 5242880 bytes",
            id="oversized-line",
        ),
        pytest.param(
            ".jsonl",
            lambda: _jsonl_with(GOOD.replace('"Good"', '"' + "x" * MEBIBYTE + '"').encode()),
            2,
            "String should have at most 300 characters",
            id="long-title",
        ),
        pytest.param(
            ".jsonl",
            lambda: _jsonl_with(_alias_bomb_line()),
            2,
            "expands to more than 200000 values",
            id="alias-bomb",
        ),
        pytest.param(
            ".jsonl",
            lambda: _jsonl_with(b"[" * 100_000 + b"]" * 100_000),
            2,
            "",
            id="extreme-nesting",
        ),
        pytest.param(
            ".csv",
            lambda: _csv_with("x" * 200_000 + ",US,JP,expand_scope"),
            3,
            "String should have at most 300 characters",
            id="csv-long-cell",
        ),
        pytest.param(
            ".csv",
            lambda: _csv_with("Bad,US,JP,expand_scope,1" + "0" * 5000, "relationship.months"),
            3,
            "relationship.months",
            id="csv-huge-integer",
        ),
    ],
)
def test_generated_bad_lines(
    suffix: str, content: object, line: int, fragment: str, tmp_path: Path
) -> None:
    source = tmp_path / f"big{suffix}"
    source.write_bytes(content())  # type: ignore[operator]
    result, rows = run_batch(source, tmp_path / "out.jsonl")
    assert_bad_line_reported(result, rows, source=source, line=line, fragment=fragment)


# --- a folder of scenario files ------------------------------------------------------------


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cases"
    folder.mkdir()
    good = b"title: Good\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"
    (folder / "a.yaml").write_bytes(good)
    (folder / "c.yaml").write_bytes(good)
    return folder


def test_a_hostile_file_in_a_folder_is_reported_and_the_others_run(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    bad = folder / "b.yaml"
    bad.write_bytes((HOSTILE / "any" / "python-apply.yaml").read_bytes())
    result, rows = run_batch(folder, tmp_path / "out.jsonl")
    assert_no_traceback(result)
    assert result.exit_code == 1
    assert [row["ok"] for row in rows] == [True, False, True]
    assert str(rows[1]["error"]).startswith(f"{bad}:1:8: the YAML tag")


@pytest.mark.parametrize("kind", ["directory", "dangling-symlink"])
def test_an_unreadable_entry_in_a_folder_is_reported_and_the_others_run(
    kind: str, tmp_path: Path
) -> None:
    folder = _folder(tmp_path)
    entry = folder / "b.yaml"
    if kind == "directory":
        entry.mkdir()
    else:
        entry.symlink_to(tmp_path / "nowhere.yaml")
    result, rows = run_batch(folder, tmp_path / "out.jsonl")
    assert_no_traceback(result)
    assert result.exit_code == 1, result.stderr
    assert [row["ok"] for row in rows] == [True, False, True]
    assert str(rows[1]["error"]).startswith(str(entry))


# --- the form of the reported location -----------------------------------------------------


@pytest.mark.parametrize("name", ["unknown-key.jsonl", "unknown-country.csv"])
def test_a_bad_line_is_located_as_path_line_or_path_line_column(name: str, tmp_path: Path) -> None:
    source = BATCH / name
    line = CASES[name][0]
    _result, rows = run_batch(source, tmp_path / "out.jsonl")
    error = next(str(row["error"]) for row in rows if not row["ok"])
    assert re.match(rf"{re.escape(str(source))}:{line}(:[1-9]\d*)?: ", error), error[:200]


def test_each_failure_is_one_line_on_standard_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COLUMNS", raising=False)
    folder = tmp_path / "a-folder-with-a-name-long-enough-to-pass-eighty-columns"
    folder.mkdir()
    source = folder / "unknown-key.jsonl"
    source.write_bytes((BATCH / "unknown-key.jsonl").read_bytes())
    result, _rows = run_batch(source, tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert any(
        line.startswith(f"failed: {source}:2") and "unknown key 'relashionship'" in line
        for line in result.stderr.splitlines()
    ), result.stderr


# --- issue 19: what a folder holds that is not a file, quotes, and the output over the input --


@pytest.mark.parametrize("kind", ["named-pipe", "device"])
def test_a_folder_entry_that_is_not_a_regular_file_is_skipped_with_a_message(
    kind: str, tmp_path: Path
) -> None:
    """A named pipe would wait for a writer forever, /dev/zero would never end: both are
    skipped without being read (run as a process, so a hang fails instead of blocking)."""
    folder = _folder(tmp_path)
    entry = folder / "b.yaml"
    if kind == "named-pipe":
        os.mkfifo(entry)
    else:
        entry.symlink_to("/dev/zero")
    out = tmp_path / "out.jsonl"
    argv = [*COMMAND, "batch", str(folder), "-o", str(out), "--kb", str(MINI_KB)]
    finished = subprocess.run(argv, capture_output=True, timeout=120, check=False)
    assert finished.returncode == 1, finished.stderr[-2000:]
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["ok"] for row in rows] == [True, False, True]
    kinds = {"named-pipe": "a named pipe", "device": "a device"}
    assert rows[1]["error"] == f"{entry}: skipped: this is {kinds[kind]}, not a regular file"


def test_a_file_over_the_limit_in_a_folder_is_refused_from_its_size(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    big = folder / "b.yaml"
    with big.open("wb") as stream:
        stream.truncate(DOCUMENTED_FILE_LIMIT + 1)  # sparse: its size says it all
    result, rows = run_batch(folder, tmp_path / "out.jsonl")
    assert result.exit_code == 1
    assert rows[1]["error"] == (
        f"{big}: the file is {DOCUMENTED_FILE_LIMIT + 1} bytes; "
        f"the limit is {DOCUMENTED_FILE_LIMIT} bytes"
    )


def test_an_unclosed_quote_is_reported_at_its_line_and_the_next_rows_still_run(
    tmp_path: Path,
) -> None:
    source = tmp_path / "cases.csv"
    source.write_text(f'{CSV_HEADER}\n{CSV_GOOD}\n"Bad,US,JP,expand_scope\n{CSV_GOOD}\n')
    result, rows = run_batch(source, tmp_path / "out.jsonl")
    assert_bad_line_reported(
        result, rows, source=source, line=3, fragment="a quote opened on this line is never closed"
    )


def test_a_quoted_value_over_the_limit_is_reported_at_its_line(tmp_path: Path) -> None:
    source = tmp_path / "cases.csv"
    endless = "x" * 1024 + "\n"
    body = endless * (DOCUMENTED_FILE_LIMIT // len(endless) + 10)
    source.write_text(f'{CSV_HEADER}\n{CSV_GOOD}\n"{body}",US,JP,expand_scope\n{CSV_GOOD}\n')
    result, rows = run_batch(source, tmp_path / "out.jsonl")
    assert_no_traceback(result)
    failed = [row for row in rows if not row["ok"]]
    assert failed[0]["source"] == f"{source}:3"
    assert "longer than the limit" in str(failed[0]["error"])
    assert rows[0]["ok"]
    assert rows[-1]["ok"]
    assert rows[-1]["source"] == f"{source}:{body.count(chr(10)) + 4}"


@pytest.mark.parametrize("same", ["the-file", "a-relative-path", "a-link", "into-the-folder"])
def test_an_output_over_the_input_is_refused_and_the_input_kept(same: str, tmp_path: Path) -> None:
    source = tmp_path / "cases.jsonl"
    source.write_text(GOOD + "\n")
    output = source
    if same == "a-relative-path":  # the tests run from tmp_path / "cwd"
        output = Path("..") / "cases.jsonl"
    elif same == "a-link":
        output = tmp_path / "results.jsonl"
        output.symlink_to(source)
    elif same == "into-the-folder":
        source = _folder(tmp_path)
        output = source / "results.json"
    before = sorted(source.rglob("*")) if source.is_dir() else source.read_bytes()
    result = invoke("batch", source, "-o", output, "--force", "--kb", MINI_KB)
    assert_no_traceback(result)
    assert result.exit_code == 2, result.stderr
    assert f"{output}: the output would overwrite the batch's input" in result.stderr
    assert (sorted(source.rglob("*")) if source.is_dir() else source.read_bytes()) == before
