"""The quick reader a load uses: the same data and places as parse_yaml, the same refusals."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from synergy_compass.engine.load import plain_yaml
from synergy_compass.engine.load.plain_yaml import (
    PositionsOnDemand,
    _EventReader,
    _UnusualError,
    parse_yaml_plain,
)
from synergy_compass.engine.load.yaml_source import (
    MAX_NODES,
    Yaml12Loader,
    YamlProblemError,
    parse_yaml,
)
from synergy_compass.engine.schemas.document import YamlDocument

SHIPPED_KB = Path(__file__).resolve().parents[2] / "kb"


def test_every_shipped_kb_file_reads_the_same_with_the_same_places() -> None:
    files = sorted(SHIPPED_KB.rglob("*.yaml"))
    assert len(files) > 150
    for file in files:
        raw = file.read_bytes()
        quick, full = parse_yaml_plain(raw, file.name), parse_yaml(raw, file.name)
        assert isinstance(quick, PositionsOnDemand), file
        assert quick.data == full.data, file
        assert repr(quick.data) == repr(full.data), file  # 1 and 1.0, True and 1 told apart
        assert quick.value_positions == full.value_positions, file
        assert quick.key_positions == full.key_positions, file


def test_positions_are_read_only_when_asked_for() -> None:
    asked: list[str] = []

    def find_positions(raw: bytes, display_path: str) -> YamlDocument:
        asked.append(display_path)
        return parse_yaml(raw, display_path)

    document = parse_yaml_plain(b"a:\n  b: [1, 2.5, true, null, x]\n", "f.yaml", find_positions)
    assert document.data == {"a": {"b": [1, 2.5, True, None, "x"]}}
    assert asked == []
    assert str(document.location(("a", "b", 2))) == "f.yaml:2:15"
    assert str(document.location(("a", "b"), key=True)) == "f.yaml:2:3"
    assert asked == ["f.yaml"]


BOMB = b"a: &a [x, x, x, x, x, x, x, x, x, x]\n" + b"".join(
    f"{name}: &{name} [{', '.join(['*' + before] * 10)}]\n".encode()
    for before, name in zip("abcde", "bcdef", strict=True)
)

# Each of these is refused, or read in a way only parse_yaml knows; the quick reader must give
# exactly what parse_yaml gives.
UNUSUAL = [
    b"a: 1\na: 2\n",  # a duplicate key
    b"a: !!python/object:os.system x\n",  # a tag
    b"base: &b {x: 1}\nother:\n  <<: *b\n",  # a merge key
    b"? [a, b]\n: 1\n",  # a key that is not a name
    b"true: 1\n",  # a key read as a boolean
    b"1: one\n2: two\n",  # numbers as keys: read as text by parse_yaml
    b"a: !!int twelve\n",
    b"a: [1\n",  # not YAML
    b"",  # empty
    b"# only a comment\n",
    b"a: \xff\n",  # not UTF-8
    b"a: x\x00\n",  # a NUL byte
    b"a: 2024-01-02\nb: yes\nc: NO\n",  # dates stay text; YAML 1.1 booleans are text
    b"a: " + b"[" * 70 + b"]" * 70 + b"\n",  # nested too deeply
    BOMB,  # an alias bomb past the value limit
    b"a: &x {k: v}\nb: *x\n",  # an alias within the limit reads as a copy
    b"a: !!map {k: v}\nb: !!seq [1]\nc: !!str 3\n",  # tags that name what it is anyway
    # text met before, then with an anchor, a tag or as a duplicate: not taken as met before
    b"a: b\nc: &n b\nd: *n\n",
    b"a: b\nc: !!str b\n",
    b"a: b\n&k b: 1\n",
    b"a: b\nb: 1\nb: 2\n",
    b"a: v\nb: " + b"{k: " * 63 + b"v" + b"}" * 63 + b"\n",  # text at the deepest place allowed
    b"a: v\nb: " + b"{k: " * 64 + b"v" + b"}" * 64 + b"\n",  # and one deeper
]


def _outcome(read: Callable[[bytes, str], YamlDocument], raw: bytes) -> tuple[str, ...]:
    """The message a reader refuses ``raw`` with, or what it read and every place in it."""
    try:
        document = read(raw, "f.yaml")
    except YamlProblemError as error:
        return ("refused", str(error))
    return (
        "read",
        repr(document.data),
        repr(document.value_positions),
        repr(document.key_positions),
    )


@pytest.mark.parametrize("raw", UNUSUAL)
def test_unusual_files_read_or_fail_exactly_as_parse_yaml_reads_them(raw: bytes) -> None:
    assert _outcome(parse_yaml_plain, raw) == _outcome(parse_yaml, raw)


def test_text_met_before_still_counts_against_the_value_limit() -> None:
    text = "a: v\nb: v\nc: v\n"  # four values with the mapping
    assert _EventReader(Yaml12Loader(text), 4).document() == {"a": "v", "b": "v", "c": "v"}
    with pytest.raises(_UnusualError):
        _EventReader(Yaml12Loader(text), 3).document()


def test_what_scalars_read_as_is_remembered_across_files_within_a_bound(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(plain_yaml, "_REMEMBERED_AT_MOST", 3)
    assert parse_yaml_plain(b"a: x\nb: y\nc: 2\n", "one.yaml").data == {"a": "x", "b": "y", "c": 2}
    assert {"a", "b", "x", "y"} <= plain_yaml._PLAIN_TEXT
    assert parse_yaml_plain(b"e: 1\n", "two.yaml").data == {"e": 1}  # past the bound: forgotten
    assert sorted(plain_yaml._PLAIN_TEXT) == ["e"]
    assert list(plain_yaml._CONSTANTS.values()) == [1]
    assert plain_yaml._PLAIN_CONSTANTS == {"1": 1}


def test_the_alias_bomb_is_refused_for_its_size() -> None:
    with pytest.raises(YamlProblemError, match=f"expands to more than {MAX_NODES} values"):
        parse_yaml_plain(BOMB, "f.yaml")


def test_a_plain_scalar_met_before_reads_as_it_did_and_a_quoted_one_as_text() -> None:
    first = parse_yaml_plain(b"a: 65\nb: 0.8\nc: true\nd: null\n", "one.yaml").data
    raw = b"a: 65\nb: 0.8\nc: true\nd: null\ne: '65'\nf: [65, '0.8']\ng: {h: 0.80}\n"
    again = parse_yaml_plain(raw, "two.yaml").data
    assert repr(first) == "{'a': 65, 'b': 0.8, 'c': True, 'd': None}"
    assert repr(again) == repr(parse_yaml(raw, "two.yaml").data)
    assert repr(again) == (
        "{'a': 65, 'b': 0.8, 'c': True, 'd': None, 'e': '65', 'f': [65, '0.8'], 'g': {'h': 0.8}}"
    )
