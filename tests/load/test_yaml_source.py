from __future__ import annotations

import pytest
from synergy_compass.engine.load.yaml_source import MAX_FILE_BYTES, YamlProblemError, parse_yaml


def problem_text(raw: bytes) -> str:
    with pytest.raises(YamlProblemError) as caught:
        parse_yaml(raw, "dir/file.yaml")
    return str(caught.value)


def test_positions_of_values_and_keys_are_one_based() -> None:
    document = parse_yaml(b"top:\n  list: [a, b]\n  name: x\n", "f.yaml")
    assert document.data == {"top": {"list": ["a", "b"], "name": "x"}}
    assert str(document.location(("top", "list", 1))) == "f.yaml:2:13"
    assert str(document.location(("top", "name"), key=True)) == "f.yaml:3:3"
    assert str(document.location(("top", "missing"))) == "f.yaml:2:3"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "dir/file.yaml:1:1: the file is empty"),
        (b"a: 1\na: 2\n", "dir/file.yaml:2:1: the key 'a' appears twice"),
        (b"a: !!python/object/apply:os.system [ls]\n", "is not allowed"),
        (b"a: !custom 1\n", "is not allowed"),
        (b"a: [1\n", "dir/file.yaml:2:1: this is not valid YAML"),
        (b"\xff\xfe\x00", "is not UTF-8 text"),
        (b"a: 1\nb: \x00\n", "dir/file.yaml:2:1: the file contains a NUL byte"),
        (b"<<: {a: 1}\n", "merge keys"),
        (b"? [a, b]\n: 1\n", "a mapping key must be a plain name"),
    ],
)
def test_bad_yaml_gets_a_located_message(raw: bytes, expected: str) -> None:
    assert expected in problem_text(raw)


def test_alias_bombs_are_refused() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for level in range(1, 9):
        previous = f"*a{level - 1}"
        lines.append(f"a{level}: &a{level} [{', '.join([previous] * 10)}]")
    assert "expands to more than" in problem_text("\n".join(lines).encode())


def test_deep_nesting_is_refused() -> None:
    assert "nested" in problem_text(b"a: " + b"[" * 100 + b"]" * 100)


def test_oversized_files_are_refused() -> None:
    assert "the limit is" in problem_text(b"#" * (MAX_FILE_BYTES + 1))


def test_dates_stay_plain_text() -> None:
    assert parse_yaml(b"when: 2024-01-02\n", "f.yaml").data == {"when": "2024-01-02"}


def test_only_true_and_false_are_booleans() -> None:
    # YAML 1.1 would read Norway's code NO as false; YAML 1.2 and this project do not.
    document = parse_yaml(b"a: NO\nb: yes\nc: off\nd: true\ne: False\n", "f.yaml")
    assert document.data == {"a": "NO", "b": "yes", "c": "off", "d": True, "e": False}
