"""Shared by the hostile-input tests: the corpus, running the CLI, and what a clean failure is.

A clean failure of `compass` on bad input is: the documented exit code, no traceback anywhere,
and on standard error a line that starts with the place of the problem (``path:line:col: ``)
and says what is wrong.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from click.testing import CliRunner, Result
from conftest import MINI_KB
from synergy_compass.cli import cli

HOSTILE = Path(__file__).resolve().parent / "hostile"
BASIC = MINI_KB / "scenarios" / "basic.yaml"
TRACEBACK = "Traceback (most recent call last)"
MARKER = "hostile-pwned"
"""The file the corpus's code-execution payloads try to create, relative to the working directory."""

SECRET_KEYS = b"AWS_SECRET_ACCESS_KEY: AKIAEXAMPLE\npassword: hunter2\n"
"""What a file a KB walk must never quote looks like: keys that may be credentials."""

DOCUMENTED_FILE_LIMIT = 5 * 1024 * 1024
"""SECURITY.md: 'files larger than 5 MiB ... are refused'."""

KB_TARGETS = {
    "rules": "rules.yaml",
    "advice": "advice.yaml",
    "findings": "findings.yaml",
    "sources": "sources.yaml",
    "dimensions": "dimensions.yaml",
    "culture": "cultures/jp.yaml",
    "manifest": "kb.yaml",
    "lint": "lint.yaml",
}
"""Where a file of each kind goes in a copy of the mini KB (it has no lint file; one is added)."""


def invoke(*args: object, stdin: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, [str(arg) for arg in args], input=stdin)


def assert_no_traceback(result: Result) -> None:
    assert TRACEBACK not in result.stderr, result.stderr[-2000:]
    assert TRACEBACK not in result.stdout, result.stdout[-2000:]
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )


def error_lines(text: str) -> list[str]:
    """The problem lines of an error message, without the CLI's ``error: `` prefix."""
    return [line.removeprefix("error: ") for line in text.splitlines()]


def _at(location: str | re.Pattern[str], line: str) -> bool:
    if isinstance(location, re.Pattern):
        return location.match(line) is not None
    return line.startswith(f"{location}: ")


def anywhere_in(path: object) -> re.Pattern[str]:
    """A location pattern: ``path:line:col: `` with any line and column."""
    return re.compile(rf"{re.escape(str(path))}:[1-9]\d*:[1-9]\d*: ")


def assert_located_failure(
    result: Result, location: str | re.Pattern[str], fragment: str = "", exit_code: int = 2
) -> None:
    """Exit ``exit_code``, no traceback, and a stderr line ``location: ...fragment...``."""
    assert_no_traceback(result)
    assert result.exit_code == exit_code, (result.exit_code, result.stderr[-2000:])
    located = [line for line in error_lines(result.stderr) if _at(location, line)]
    assert located, f"no line starts with {location!r} in:\n{result.stderr[:3000]}"
    assert any(fragment in line for line in located), (fragment, located[:3])


def assert_lint_reports(
    result: Result, location: str | re.Pattern[str], fragment: str = ""
) -> None:
    """`compass kb lint` ran, found the problem at ``location`` as an error, and exits 1
    (README: lint exits 1 when it finds problems of the --fail-on severity or worse)."""
    assert_no_traceback(result)
    assert result.exit_code == 1, (result.exit_code, result.stdout[-2000:], result.stderr[-2000:])
    located = [
        line
        for line in result.stdout.splitlines()
        if _at(location, line) and " error[" in line[:400]
    ]
    assert located, f"no error at {location!r} in:\n{result.stdout[:3000]}"
    assert any(fragment in line for line in located), (fragment, located[:3])


def kb_with(root: Path, relative: str, content: bytes) -> Path:
    """A copy of the mini KB at ``root`` with ``relative`` replaced by ``content``."""
    if not root.exists():
        shutil.copytree(MINI_KB, root)
    (root / relative).parent.mkdir(parents=True, exist_ok=True)
    (root / relative).write_bytes(content)
    return root


def mini_kb_copy(tmp_path: Path) -> Path:
    """A copy of the mini KB to make hostile, under ``tmp_path/kb``."""
    root = tmp_path / "kb"
    shutil.copytree(MINI_KB, root)
    return root


def folder_outside(tmp_path: Path, *mini_kb_files: str) -> Path:
    """A folder beside the KB, for links to lead out to: a file of secret-looking keys and
    copies of the named mini-KB files (valid content, refused for where it is)."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    (folder / "credentials.yaml").write_bytes(SECRET_KEYS)
    for relative in mini_kb_files:
        shutil.copy(MINI_KB / relative, folder / Path(relative).name)
    return folder
