"""Issue 19 item 3: the walk of a KB's folder is trustworthy. A folder or file that cannot be
read is a located usage error (never silently skipped, never an internal error); a link that
leads outside the KB's folder is refused, whether it names a file or a folder; and the keys of
a file that is not a KB file are never quoted (it may hold credentials).

Unreadable entries are made both ways: with chmod 000 when the tests do not run as root (root
reads anything), and always by making the operating system's calls fail with EACCES for that
path, so the cases are tried where CI runs as root too."""

from __future__ import annotations

import builtins
import errno
import io
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MINI_KB
from hostile_support import (
    BASIC,
    SECRET_KEYS,
    assert_located_failure,
    assert_no_traceback,
    folder_outside,
    invoke,
    mini_kb_copy,
)
from synergy_compass.engine.errors import KnowledgeBaseError
from synergy_compass.engine.load.discovery import kb_digest, kb_files, walk_kb
from synergy_compass.engine.load.loader import inspect_knowledge_base


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    return mini_kb_copy(tmp_path)


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    return folder_outside(tmp_path, "rules.yaml")


def _denied(path: object) -> PermissionError:
    return PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))


@pytest.fixture(params=["simulated", "chmod"])
def make_unreadable(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Callable[[Path], None]]:
    """Make a file or folder unreadable, by its mode or by the system calls that read it."""
    made: list[Path] = []
    if request.param == "chmod":
        if os.geteuid() == 0:
            pytest.skip("root reads files whatever their mode; the simulated case covers this")

        def by_mode(path: Path) -> None:
            path.chmod(0)
            made.append(path)

        yield by_mode
        for path in made:
            path.chmod(0o700 if path.is_dir() else 0o600)
        return

    denied: set[str] = set()

    def guarded(real: Callable[..., Any]) -> Callable[..., Any]:
        def call(path: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(path, str | os.PathLike) and os.fspath(path) in denied:
                raise _denied(path)
            return real(path, *args, **kwargs)

        return call

    # Everything that reads a file or lists a folder goes through one of these.
    for owner, name in ((os, "open"), (os, "scandir"), (io, "open"), (builtins, "open")):
        monkeypatch.setattr(owner, name, guarded(getattr(owner, name)))
    yield lambda path: denied.add(str(path))


def test_an_unreadable_folder_is_a_located_error(
    kb: Path, make_unreadable: Callable[[Path], None]
) -> None:
    (kb / "cultures").rename(kb / "profiles")
    make_unreadable(kb / "profiles")
    result = invoke("advise", BASIC, "--no-audit", "--kb", kb)
    assert_located_failure(result, "profiles/", "cannot read the folder: Permission denied")
    lint = invoke("kb", "lint", kb)
    assert_no_traceback(lint)
    assert lint.exit_code == 1
    assert "profiles/: error[yaml] cannot read the folder: Permission denied" in lint.stdout


def test_an_unreadable_file_is_a_located_usage_error(
    kb: Path, make_unreadable: Callable[[Path], None]
) -> None:
    make_unreadable(kb / "advice.yaml")
    result = invoke("advise", BASIC, "--no-audit", "--kb", kb)
    assert_located_failure(result, "advice.yaml", "cannot read the file: Permission denied")
    lint = invoke("kb", "lint", kb)
    assert_no_traceback(lint)
    assert "advice.yaml: error[yaml] cannot read the file: Permission denied" in lint.stdout


def test_an_unreadable_kb_folder_itself_is_named(
    kb: Path, make_unreadable: Callable[[Path], None]
) -> None:
    make_unreadable(kb)
    with pytest.raises(KnowledgeBaseError, match="cannot read the folder: Permission denied"):
        kb_digest([kb])


def test_a_file_link_outside_the_kb_is_refused_and_its_keys_never_shown(
    kb: Path, outside: Path
) -> None:
    (kb / "settings.yaml").symlink_to(outside / "credentials.yaml")
    for result in (
        invoke("advise", BASIC, "--no-audit", "--kb", kb),
        invoke("kb", "lint", kb),
    ):
        assert_no_traceback(result)
        assert result.exit_code in (1, 2)
        output = result.stdout + result.stderr
        assert "settings.yaml" in output
        assert "outside the knowledge base's folder" in output
        assert "AWS_SECRET_ACCESS_KEY" not in output
        assert "password" not in output
    assert_located_failure(
        invoke("advise", BASIC, "--no-audit", "--kb", kb),
        "settings.yaml",
        f"this is a link to {outside / 'credentials.yaml'}, outside the knowledge base's folder",
    )


@pytest.mark.parametrize("where", ["extra", "cultures/extra"])
def test_a_folder_link_outside_the_kb_is_refused(kb: Path, outside: Path, where: str) -> None:
    (kb / where).symlink_to(outside, target_is_directory=True)
    result = invoke("advise", BASIC, "--no-audit", "--kb", kb)
    assert_located_failure(result, where, "outside the knowledge base's folder")
    assert "AWS_SECRET_ACCESS_KEY" not in result.stderr


def test_a_link_that_climbs_out_with_dots_is_refused(kb: Path, outside: Path) -> None:
    (kb / "cultures" / "more.yaml").symlink_to(Path("..", "..", "elsewhere", "rules.yaml"))
    walk = walk_kb(kb)
    assert [str(problem.location) for problem in walk.problems] == ["cultures/more.yaml"]
    assert "cultures/more.yaml" not in [name for name, _ in walk.files]


def test_links_that_stay_inside_the_kb_still_work(kb: Path, tmp_path: Path) -> None:
    # A rules file kept under another name and linked; the KB folder itself reached by a link.
    (kb / "rules.yaml").rename(kb / "rules.txt")
    (kb / "rules.yaml").symlink_to("rules.txt")
    (kb / "same-cultures").symlink_to(kb / "cultures", target_is_directory=True)
    linked_root = tmp_path / "kb-link"
    linked_root.symlink_to(kb, target_is_directory=True)
    assert [path.name for path in kb_files(linked_root)] == [
        "advice.yaml",
        "jp.yaml",
        "us.yaml",
        "dimensions.yaml",
        "findings.yaml",
        "kb.yaml",
        "rules.yaml",
        "sources.yaml",
    ]
    result = invoke("advise", BASIC, "--no-audit", "--kb", linked_root)
    assert result.exit_code == 0, result.output[-2000:]
    assert kb_digest([linked_root]) == kb_digest([kb])


def test_a_stray_file_in_the_kb_is_named_but_its_keys_are_not(kb: Path) -> None:
    (kb / "deploy.yaml").write_bytes(SECRET_KEYS)
    _, problems = inspect_knowledge_base(kb)
    messages = [str(problem) for problem in problems if problem.location.path == "deploy.yaml"]
    assert len(messages) == 1
    assert messages[0].startswith(
        "deploy.yaml:1:1: a knowledge-base file has exactly one top-level key naming its kind ("
    )
    assert "); found 2 other keys. Known values: advice, " in messages[0]
    assert "AWS" not in messages[0]
    assert "password" not in messages[0]


def test_a_kb_file_with_a_stray_key_still_names_it(kb: Path) -> None:
    # A file that names its kind is a KB file: quoting its keys helps and gives nothing away.
    (kb / "sources.yaml").write_text(
        (MINI_KB / "sources.yaml").read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8"
    )
    _, problems = inspect_knowledge_base(kb)
    assert any("found 'sources', 'extra'" in str(problem) for problem in problems)


def test_the_digest_of_an_unreadable_kb_is_an_input_error(
    kb: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = os.open

    def refuse_rules(path: Any, *args: Any, **kwargs: Any) -> int:
        if str(path).endswith("rules.yaml"):
            raise _denied(path)
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", refuse_rules)
    with pytest.raises(KnowledgeBaseError, match=r"rules\.yaml: cannot read the file"):
        kb_digest([kb])
