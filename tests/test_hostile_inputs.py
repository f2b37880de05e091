"""Issue 8 §1: every broken or hostile scenario and knowledge-base file gets exit code 2, the
file, line and column of the problem, and no traceback.

The corpus is in tests/hostile/ (see its README): ``any/`` holds broken YAML that is tried as a
scenario and as every kind of KB file; ``scenarios/`` and ``kb/<kind>/`` hold valid YAML that
breaks the schema of one kind. Big inputs (oversized files, very long strings, deep nesting,
alias bombs) are generated here rather than committed. Batch input is in test_hostile_batch.py;
code execution and file access in test_hostile_security.py; the installed console script in
test_hostile_terminal.py.

A KB file is tried with `compass advise SCENARIO --kb DIR` (exit 2) and `compass kb lint DIR`
(which reports the problem as an error and exits 1, the documented code for "lint found
problems").

Known engine bugs are listed in BUGS below and marked ``xfail(strict=True)``: when one is
fixed its tests pass, strict xfail fails them, and the mark must be removed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import MINI_KB
from hostile_support import (
    BASIC,
    DOCUMENTED_FILE_LIMIT,
    HOSTILE,
    KB_TARGETS,
    MARKER,
    anywhere_in,
    assert_lint_reports,
    assert_located_failure,
    assert_no_traceback,
    invoke,
    kb_with,
)

BUGS: dict[str, str] = {}
"""any/ file -> reason, for files that hit a known engine bug (none at the moment)."""

# any/ file -> (line, column, part of the message); the same for scenarios and every KB kind.
# Line 0 means any line and column: the file must still fail with some located problem.
ANY: dict[str, tuple[int, int, str]] = {
    "empty.yaml": (1, 1, "the file is empty"),
    "comment-only.yaml": (1, 1, "the file is empty"),
    "invalid-yaml.yaml": (2, 3, "this is not valid YAML"),
    "bad-indentation.yaml": (2, 5, "this is not valid YAML"),
    "tab-indentation.yaml": (3, 1, "this is not valid YAML"),
    "multiple-documents.yaml": (2, 1, "this is not valid YAML"),
    "undefined-alias.yaml": (1, 8, "undefined alias"),
    "top-level-list.yaml": (1, 1, "found list"),
    "top-level-scalar.yaml": (1, 1, "found str"),
    "top-level-number.yaml": (1, 1, "found int"),
    "top-level-null.yaml": (1, 1, "found NoneType"),
    "duplicate-key.yaml": (3, 1, "the key 'title' appears twice in one mapping (first on line 1)"),
    "non-scalar-key.yaml": (1, 3, "a mapping key must be a plain name"),
    "null-key.yaml": (1, 1, "a mapping key must be a plain name"),
    "merge-key.yaml": (3, 3, "YAML merge keys ('<<') are not supported"),
    "recursive-alias.yaml": (1, 8, "nested more than 64 levels deep"),
    "latin1.yaml": (1, 1, "the file is not UTF-8 text (byte 8 cannot be decoded)"),
    "utf16.yaml": (1, 1, "the file is not UTF-8 text"),
    "binary.yaml": (1, 1, "the file is not UTF-8 text"),
    "nul-byte.yaml": (2, 1, "the file contains a NUL byte"),
    "python-apply.yaml": (1, 8, "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"),
    "python-exec.yaml": (
        1,
        8,
        "'tag:yaml.org,2002:python/object/apply:builtins.exec' is not allowed",
    ),
    "python-new.yaml": (
        1,
        8,
        "'tag:yaml.org,2002:python/object/new:subprocess.Popen' is not allowed",
    ),
    "python-object.yaml": (
        1,
        8,
        "'tag:yaml.org,2002:python/object:subprocess.Popen' is not allowed",
    ),
    "python-verbatim.yaml": (
        1,
        8,
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "python-tag-directive.yaml": (
        3,
        8,
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "python-in-key.yaml": (1, 3, "a mapping key must be a plain name"),
    "python-name.yaml": (1, 8, "python/name:os.system"),
    "python-module.yaml": (1, 8, "python/module:os"),
    "custom-tag.yaml": (1, 8, "the YAML tag '!include' is not allowed"),
    "binary-tag.yaml": (1, 8, "the YAML tag 'tag:yaml.org,2002:binary' is not allowed"),
    "set-tag.yaml": (1, 8, "the YAML tag 'tag:yaml.org,2002:set' is not allowed"),
    "bad-date.yaml": (0, 0, ""),  # a date read as text, or refused: either way located
    "bad-int-tag.yaml": (1, 8, ""),
    "bad-float-tag.yaml": (1, 8, ""),
    "bad-bool-tag.yaml": (1, 8, ""),
    # a number tag on nothing: PyYAML indexes the empty text (an IndexError, not a ValueError)
    "empty-int-tag.yaml": (1, 8, "cannot be read as int"),
    "empty-float-tag.yaml": (1, 8, "cannot be read as float"),
    "bad-timestamp-tag.yaml": (0, 0, ""),
}

SCENARIOS: dict[str, tuple[int, int, str]] = {
    "wrong-type-we.yaml": (
        2,
        5,
        "Input should be a valid dictionary or instance of We; found a list (at we)",
    ),
    "wrong-type-title.yaml": (1, 8, "Input should be a valid string; found a mapping (at title)"),
    "wrong-type-months.yaml": (5, 24, "Input should be a valid integer"),
    "wrong-type-people.yaml": (
        5,
        11,
        "Input should be a valid tuple; found a mapping (at they.people)",
    ),
    "wrong-type-list.yaml": (5, 13, "found 'polite_deferral' (at we_observe)"),
    "boolean-title.yaml": (1, 8, "Input should be a valid string; found True (at title)"),
    "missing-required.yaml": (1, 1, "the required key 'goal' is missing"),
    "unknown-key.yaml": (
        5,
        1,
        "unknown key 'relashionship' (at relashionship). Did you mean 'relationship'?",
    ),
    "unknown-nested-key.yaml": (5, 30, "unknown key 'mood' (at relationship.mood)"),
    "unknown-enum.yaml": (
        5,
        23,
        "found 'establshed' (at relationship.stage). Did you mean 'established'?",
    ),
    "unknown-enum-in-list.yaml": (5, 31, "found 'silent_treatment' (at we_observe.1)"),
    "unknown-country-name.yaml": (3, 17, "unknown country 'Atlantis'"),
    "unknown-country-code.yaml": (3, 17, "unknown country 'XX'"),
    "unknown-country-type.yaml": (
        3,
        17,
        "expected a country: write an ISO 3166 code (JP, USA), an English name (Japan)",
    ),
    "path-like-country.yaml": (3, 17, "unknown country '../../etc/passwd'"),
    "duplicate-nested-key.yaml": (
        3,
        21,
        "the key 'culture' appears twice in one mapping (first on line 3)",
    ),
    "out-of-range-months.yaml": (
        5,
        24,
        "less than or equal to 1200; found 5000 (at relationship.months)",
    ),
    "negative-months.yaml": (
        5,
        24,
        "greater than or equal to 0; found -1 (at relationship.months)",
    ),
    "nan-months.yaml": (5, 24, "Input should be a finite number; found nan"),
    "empty-title.yaml": (1, 8, "String should have at least 1 character"),
}

KB_FILES: dict[str, tuple[int, int, str]] = {
    "rules/wrong-type-rules.yaml": (1, 8, "'rules' should be a list of entries; found dict"),
    "rules/wrong-type-when.yaml": (
        7,
        11,
        "Input should be a valid tuple; found 'always' (at rules.0.when)",
    ),
    "rules/unknown-key.yaml": (
        9,
        5,
        "unknown key 'salince' (at rules.0.salince). Did you mean 'salience'?",
    ),
    "rules/unknown-enum.yaml": (
        6,
        12,
        "found 'hierachy' (at rules.0.topic). Did you mean 'hierarchy'?",
    ),
    "rules/unknown-fact-type.yaml": (7, 13, "unknown fact type 'relationshp'"),
    "rules/unknown-reference.yaml": (8, 22, "unknown advice 'introduse'"),
    "rules/out-of-range.yaml": (
        8,
        33,
        "less than or equal to 1; found 1.5 (at rules.0.then.support.introduce)",
    ),
    "rules/duplicate-key.yaml": (
        5,
        5,
        "the key 'title' appears twice in one mapping (first on line 3)",
    ),
    "rules/path-like-id.yaml": (2, 9, "found '../../etc/passwd' (at rules.0.id)"),
    "rules/path-like-source.yaml": (5, 15, "found '../../etc/passwd' (at rules.0.sources.0)"),
    "rules/nested-python-tag.yaml": (
        7,
        37,
        "'tag:yaml.org,2002:python/object/apply:os.system' is not allowed",
    ),
    "advice/wrong-type-steps.yaml": (
        2,
        45,
        "Input should be a valid tuple; found a mapping (at advice.0.steps)",
    ),
    "advice/unknown-key.yaml": (2, 87, "unknown key 'priority' (at advice.0.priority)"),
    "advice/unknown-enum.yaml": (2, 58, "found 'later' (at advice.0.stage)"),
    "advice/out-of-range.yaml": (
        2,
        10,
        "String should have at least 2 characters; found 'p' (at advice.0.id)",
    ),
    "advice/duplicate-key.yaml": (
        5,
        5,
        "the key 'advice' appears twice in one mapping (first on line 4)",
    ),
    "advice/path-like-id.yaml": (2, 10, "found '/etc/passwd' (at advice.0.id)"),
    "findings/wrong-type.yaml": (2, 62, "Input should be a valid boolean"),
    "findings/unknown-key.yaml": (2, 43, "unknown key 'importance' (at findings.0.importance)"),
    "findings/unknown-reference.yaml": (2, 53, "unknown source 'nowhere'"),
    "findings/duplicate-key.yaml": (
        3,
        5,
        "the key 'id' appears twice in one mapping (first on line 2)",
    ),
    "findings/path-like-id.yaml": (2, 10, "String should match pattern"),
    "sources/wrong-type.yaml": (
        2,
        36,
        "Input should be a valid tuple; found 5 (at sources.0.authors)",
    ),
    "sources/unknown-key.yaml": (2, 27, "unknown key 'isbn' (at sources.0.isbn)"),
    "sources/unknown-enum.yaml": (2, 33, "found 'podcast' (at sources.0.kind)"),
    "sources/out-of-range.yaml": (
        2,
        33,
        "less than or equal to 2100; found 3000 (at sources.0.year)",
    ),
    "sources/duplicate-key.yaml": (
        5,
        5,
        "the key 'year' appears twice in one mapping (first on line 4)",
    ),
    "sources/path-like-id.yaml": (2, 10, "found '../../etc/passwd' (at sources.0.id)"),
    "dimensions/wrong-type.yaml": (2, 76, "Input should be a valid number"),
    "dimensions/unknown-key.yaml": (2, 67, "unknown key 'midpoint' (at dimensions.0.midpoint)"),
    "dimensions/out-of-range.yaml": (2, 76, "at least 1 item"),
    "dimensions/duplicate-key.yaml": (
        4,
        5,
        "the key 'name' appears twice in one mapping (first on line 3)",
    ),
    "dimensions/path-like-id.yaml": (2, 10, "found '~/.ssh/id_rsa' (at dimensions.0.id)"),
    "culture/wrong-type.yaml": (
        4,
        11,
        "Input should be a valid dictionary; found a list (at culture.scores)",
    ),
    "culture/unknown-key.yaml": (4, 3, "unknown key 'language' (at culture.language)"),
    "culture/unknown-country.yaml": (2, 12, "'XX' is not an ISO 3166-1 alpha-2 code"),
    "culture/lower-case-country.yaml": (2, 12, "found 'jp' (at culture.country)"),
    "culture/path-like-country.yaml": (2, 12, "found '../../etc/passwd' (at culture.country)"),
    "culture/out-of-range.yaml": (5, 18, "the score 130 is outside the Power distance scale"),
    "culture/unknown-dimension.yaml": (
        5,
        5,
        "unknown dimension 'pdl' (at culture.scores.pdl). Did you mean 'pdi'?",
    ),
    "culture/path-like-dimension.yaml": (5, 23, "found '../../etc/passwd'"),
    "culture/duplicate-key.yaml": (
        6,
        5,
        "the key 'pdi' appears twice in one mapping (first on line 5)",
    ),
    "manifest/wrong-type.yaml": (
        2,
        9,
        "Input should be a valid string; found a list (at knowledge_base.name)",
    ),
    "manifest/unknown-key.yaml": (4, 3, "unknown key 'licence' (at knowledge_base.licence)"),
    "manifest/unknown-enum.yaml": (4, 12, "Input should be 'shipped'; found 'everything'"),
    "manifest/path-like-extends.yaml": (4, 12, "Input should be 'shipped'; found '../../etc'"),
    "manifest/out-of-range.yaml": (3, 12, "found 'one' (at knowledge_base.version)"),
    "manifest/duplicate-key.yaml": (
        4,
        3,
        "the key 'name' appears twice in one mapping (first on line 2)",
    ),
    "lint/wrong-type.yaml": (2, 12, "Input should be a valid tuple; found 'all' (at lint.disable)"),
    "lint/unknown-key.yaml": (
        5,
        7,
        "unknown key 'reasn' (at lint.disable.0.reasn). Did you mean 'reason'?",
    ),
    "lint/empty-reason.yaml": (5, 15, "String should have at least 1 character"),
    "lint/duplicate-key.yaml": (
        4,
        7,
        "the key 'check' appears twice in one mapping (first on line 3)",
    ),
    "lint/path-like-items.yaml": (4, 15, "Input should be a valid string; found a list"),
}


def _params(table: dict[str, tuple[int, int, str]]) -> list[object]:
    params = []
    for name, (line, column, fragment) in table.items():
        reason = BUGS.get(Path(name).name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(name, line, column, fragment, id=name, marks=marks))
    return params


@pytest.fixture
def in_scratch_directory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Run from an empty directory, so a payload that ran would leave its marker file here."""
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    yield work
    assert not (work / MARKER).exists(), "a payload in the input was executed"


def test_the_corpus_is_the_tables() -> None:
    """Every corpus file is tried by a test here and every entry of the tables exists."""
    on_disk = {
        path.relative_to(HOSTILE).as_posix()
        for folder in ("any", "scenarios", "kb")
        for path in (HOSTILE / folder).rglob("*")
        if path.is_file()
    }
    listed = (
        {f"any/{name}" for name in ANY}
        | {f"scenarios/{name}" for name in SCENARIOS}
        | {f"kb/{name}" for name in KB_FILES}
    )
    assert on_disk == listed
    assert set(BUGS) <= set(ANY)
    assert {name.split("/")[0] for name in KB_FILES} == set(KB_TARGETS)


# --- scenarios: `compass advise FILE` ------------------------------------------------------


@pytest.mark.parametrize(("name", "line", "column", "fragment"), _params(ANY))
def test_broken_yaml_scenarios(
    name: str, line: int, column: int, fragment: str, in_scratch_directory: Path
) -> None:
    path = HOSTILE / "any" / name
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_located_failure(result, _where(path, line, column), fragment)
    assert result.stdout == ""


@pytest.mark.parametrize(("name", "line", "column", "fragment"), _params(SCENARIOS))
def test_invalid_scenarios(
    name: str, line: int, column: int, fragment: str, in_scratch_directory: Path
) -> None:
    path = HOSTILE / "scenarios" / name
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_located_failure(result, f"{path}:{line}:{column}", fragment)


def test_a_hostile_scenario_on_standard_input(in_scratch_directory: Path) -> None:
    raw = (HOSTILE / "any" / "python-apply.yaml").read_bytes()
    result = invoke("advise", "-", "--no-audit", "--kb", MINI_KB, stdin=raw)
    assert_located_failure(result, "<stdin>:1:8", "is not allowed")


def test_a_missing_scenario_file_is_an_input_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.yaml"
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_no_traceback(result)
    assert result.exit_code == 2
    assert f"{path}: cannot read the scenario" in result.stderr


# --- knowledge-base files: `compass advise SCENARIO --kb DIR` and `compass kb lint DIR` ------


def _where(path: object, line: int, column: int) -> str | re.Pattern[str]:
    return anywhere_in(path) if line == 0 else f"{path}:{line}:{column}"


def _kb_failure(root: Path, target: str, line: int, column: int, fragment: str) -> None:
    location = _where(target, line, column)
    assert_located_failure(invoke("advise", BASIC, "--no-audit", "--kb", root), location, fragment)
    assert_lint_reports(invoke("kb", "lint", root), location, fragment)


@pytest.mark.parametrize("kind", KB_TARGETS)
@pytest.mark.parametrize(("name", "line", "column", "fragment"), _params(ANY))
def test_broken_yaml_as_every_kind_of_kb_file(
    *,
    kind: str,
    name: str,
    line: int,
    column: int,
    fragment: str,
    tmp_path: Path,
    in_scratch_directory: Path,
) -> None:
    target = KB_TARGETS[kind]
    root = kb_with(tmp_path / "kb", target, (HOSTILE / "any" / name).read_bytes())
    _kb_failure(root, target, line, column, fragment)


@pytest.mark.parametrize(("name", "line", "column", "fragment"), _params(KB_FILES))
def test_invalid_kb_files(
    *, name: str, line: int, column: int, fragment: str, tmp_path: Path, in_scratch_directory: Path
) -> None:
    target = KB_TARGETS[name.split("/", maxsplit=1)[0]]
    root = kb_with(tmp_path / "kb", target, (HOSTILE / "kb" / name).read_bytes())
    _kb_failure(root, target, line, column, fragment)


def test_the_mini_kb_itself_is_clean(tmp_path: Path) -> None:
    """The baseline the KB cases break: without the broken file, both commands succeed."""
    root = kb_with(tmp_path / "kb", "lint.yaml", b"lint:\n  disable: []\n")
    result = invoke("advise", BASIC, "--no-audit", "--kb", root)
    assert result.exit_code == 0, result.stderr
    result = invoke("kb", "lint", root)
    assert result.exit_code == 0, result.stdout


# --- generated: very large files, very long strings, deep nesting, alias bombs ---------------


def alias_bomb() -> bytes:
    """'Billion laughs': nine levels of ten aliases each expand to 10**9 values."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 9):
        lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * 10)}]")
    lines.append("title: *a8")
    return "\n".join(lines).encode() + b"\n"


def deep_block_nesting(levels: int) -> bytes:
    return (
        "".join("  " * level + f"k{level}:\n" for level in range(levels)) + "  " * levels + "x\n"
    ).encode()


MEBIBYTE = 1024 * 1024
GENERATED: dict[str, tuple[Callable[[], bytes], re.Pattern[str] | tuple[int, int], str]] = {
    # name: (content, (line, column) or a pattern of the location, part of the message)
    "oversized-file": (
        lambda: b"title: T\n" + b"#" * DOCUMENTED_FILE_LIMIT,
        (1, 1),
        f"the limit is {DOCUMENTED_FILE_LIMIT} bytes",
    ),
    "alias-bomb": (alias_bomb, re.compile(r""), "expands to more than 200000 values"),
    "many-values": (
        lambda: b"title: [" + b"0, " * 200_001 + b"0]\n",
        re.compile(r""),
        "expands to more than 200000 values",
    ),
    "deep-flow-nesting": (
        lambda: b"title: " + b"[" * 65 + b"]" * 65 + b"\n",
        re.compile(r""),
        "nested more than 64 levels deep",
    ),
    "deep-block-nesting": (
        lambda: deep_block_nesting(70),
        re.compile(r""),
        "nested more than 64 levels deep",
    ),
    "extreme-nesting": (lambda: b"title: " + b"[" * 100_000 + b"]" * 100_000, re.compile(r""), ""),
    "long-key": (lambda: b'? "' + b"k" * MEBIBYTE + b'"\n: 1\n', re.compile(r""), ""),
    "huge-integer": (lambda: b"title: 1" + b"0" * 5000 + b"\n", (1, 8), ""),
}
GENERATED_BUGS: dict[str, str] = {}


def _generated() -> list[object]:
    params = []
    for name, (content, where, fragment) in GENERATED.items():
        reason = GENERATED_BUGS.get(name)
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        params.append(pytest.param(content, where, fragment, id=name, marks=marks))
    return params


def _location(path: object, where: re.Pattern[str] | tuple[int, int]) -> str | re.Pattern[str]:
    if isinstance(where, re.Pattern):
        return anywhere_in(path)
    return f"{path}:{where[0]}:{where[1]}"


@pytest.mark.parametrize(("content", "where", "fragment"), _generated())
def test_generated_hostile_scenarios(
    content: Callable[[], bytes],
    where: re.Pattern[str] | tuple[int, int],
    fragment: str,
    tmp_path: Path,
) -> None:
    path = tmp_path / "case.yaml"
    path.write_bytes(content())
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_located_failure(result, _location(path, where), fragment)


def _generated_for_kb() -> list[object]:
    """Every generated input as every kind of KB file. A 200,001-value document takes seconds
    to refuse (the scenario test runs it by default); as a KB file it runs with -m slow."""
    params = []
    for kind in KB_TARGETS:
        for name, (content, where, fragment) in GENERATED.items():
            reason = GENERATED_BUGS.get(name)
            marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
            if name == "many-values":
                marks.append(pytest.mark.slow)
            params.append(
                pytest.param(kind, content, where, fragment, id=f"{name}-{kind}", marks=marks)
            )
    return params


@pytest.mark.parametrize(("kind", "content", "where", "fragment"), _generated_for_kb())
def test_generated_hostile_kb_files(
    kind: str,
    content: Callable[[], bytes],
    where: re.Pattern[str] | tuple[int, int],
    fragment: str,
    tmp_path: Path,
) -> None:
    target = KB_TARGETS[kind]
    root = kb_with(tmp_path / "kb", target, content())
    location = _location(target, where)
    assert_located_failure(invoke("advise", BASIC, "--no-audit", "--kb", root), location, fragment)
    assert_lint_reports(invoke("kb", "lint", root), location, fragment)


HEAD = "title: T\nwe: {culture: US}\nthey: {culture: JP}\ngoal: {kind: expand_scope}\n"
LONG = "x" * MEBIBYTE


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        pytest.param(
            HEAD.replace("title: T", f"title: {LONG}"),
            1,
            8,
            "String should have at most 300 characters",
            id="title",
        ),
        pytest.param(
            HEAD.replace("culture: JP", f"culture: {LONG}"), 3, 17, "unknown country", id="country"
        ),
        pytest.param(
            HEAD + f"relationship: {{stage: {LONG}}}\n",
            5,
            23,
            "Input should be 'first_contact'",
            id="enum-value",
        ),
        pytest.param(
            HEAD + f"we_observe: [{LONG}]\n",
            5,
            14,
            "Input should be 'polite_deferral'",
            id="list-item",
        ),
    ],
)
def test_very_long_strings_in_scenarios(
    text: str, line: int, column: int, fragment: str, tmp_path: Path
) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert_located_failure(result, f"{path}:{line}:{column}", fragment)


def test_long_free_text_within_the_limit_is_accepted(tmp_path: Path) -> None:
    """Length alone is not an error: 4 MiB of notes in a 5 MiB file give a normal report."""
    path = tmp_path / "case.yaml"
    path.write_text(HEAD + f"notes: {'n' * (4 * MEBIBYTE)}\n", encoding="utf-8")
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert result.exit_code == 0, result.stderr[-2000:]
    assert "Get introduced" in result.stdout


def test_a_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    text = HEAD.encode()
    path = tmp_path / "case.yaml"
    path.write_bytes(text + b"#" * (DOCUMENTED_FILE_LIMIT - len(text) - 1) + b"\n")
    assert path.stat().st_size == DOCUMENTED_FILE_LIMIT
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert result.exit_code == 0, result.stderr[-2000:]


LONG_KB_STRINGS = {
    "rules": (
        "rules:\n  - id: {}\n    title: T\n    rationale: R\n    sources: [test-source]\n    topic: time\n    when: [{{goal: {{kind: expand_scope}}}}]\n    then: {{support: {{introduce: 0.5}}}}\n",
        (2, 9),
    ),
    "advice": (
        "advice:\n  - {{id: {}, title: T, advice: A, topic: time, stage: now, sources: [test-source]}}\n",
        (2, 10),
    ),
    "findings": ("findings:\n  - {{id: {}, title: T, explanation: E}}\n", (2, 10)),
    "sources": ("sources:\n  - {{id: {}, title: T}}\n", (2, 10)),
    "dimensions": (
        "dimensions:\n  - {{id: {}, name: N, framework: F, low_pole: l, high_pole: h, sources: [test-source]}}\n",
        (2, 10),
    ),
    "culture": (
        "culture:\n  country: {}\n  name: Japan\n  scores: {{pdi: {{value: 54, source: test-source}}}}\n",
        (2, 12),
    ),
    "manifest": ("knowledge_base:\n  name: Test\n  version: {}\n", (3, 12)),
    "lint": ("lint:\n  disable: {}\n", (2, 12)),
}


@pytest.mark.parametrize("kind", KB_TARGETS)
def test_very_long_strings_in_kb_files(kind: str, tmp_path: Path) -> None:
    template, (line, column) = LONG_KB_STRINGS[kind]
    target = KB_TARGETS[kind]
    root = kb_with(tmp_path / "kb", target, template.format("a" * MEBIBYTE).encode())
    location = f"{target}:{line}:{column}"
    assert_located_failure(invoke("advise", BASIC, "--no-audit", "--kb", root), location)
    assert_lint_reports(invoke("kb", "lint", root), location)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(HEAD.replace("culture: JP", f"culture: {LONG}"), id="country"),
        pytest.param(HEAD + f'? "{LONG}"\n: 1\n', id="key"),
    ],
)
def test_error_messages_stay_short_when_the_input_is_huge(text: str, tmp_path: Path) -> None:
    path = tmp_path / "case.yaml"
    path.write_text(text, encoding="utf-8")
    result = invoke("advise", path, "--no-audit", "--kb", MINI_KB)
    assert result.exit_code == 2
    assert len(result.stderr) < 10_000


# --- lint files that switch checks off ------------------------------------------------------


def test_a_lint_exclusion_for_an_unknown_check_is_reported(tmp_path: Path) -> None:
    root = kb_with(
        tmp_path / "kb",
        "lint.yaml",
        b"lint:\n  disable:\n    - check: unsuported-advice\n      items: [push-hard]\n      reason: Typo.\n",
    )
    result = invoke("kb", "lint", root)
    assert_lint_reports(result, "lint.yaml:3:14", "unsuported-advice")


def test_lint_cannot_hide_a_kb_that_does_not_load(tmp_path: Path) -> None:
    root = kb_with(
        tmp_path / "kb", "rules.yaml", (HOSTILE / "any" / "invalid-yaml.yaml").read_bytes()
    )
    kb_with(
        root,
        "lint.yaml",
        b"lint:\n  disable:\n"
        b"    - {check: yaml, reason: Quiet.}\n"
        b"    - {check: unsupported-advice, reason: Quiet.}\n"
        b"    - {check: unused-finding, reason: Quiet.}\n",
    )
    assert invoke("advise", BASIC, "--no-audit", "--kb", root).exit_code == 2
    assert_lint_reports(invoke("kb", "lint", root), "rules.yaml:2:3", "this is not valid YAML")


def test_lint_copes_with_a_colon_in_a_file_name(tmp_path: Path) -> None:
    root = kb_with(tmp_path / "kb", "odd:name.yaml", b"rules: [1\n")
    assert_located_failure(
        invoke("advise", BASIC, "--no-audit", "--kb", root), "odd:name.yaml:2:1", "not valid YAML"
    )
    assert_lint_reports(invoke("kb", "lint", root), "odd:name.yaml:2:1", "not valid YAML")
