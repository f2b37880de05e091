"""The line reader: block-style YAML read as the event reader and parse_yaml read it, and
everything it is not sure of left to them."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from synergy_compass.engine.load import plain_yaml
from synergy_compass.engine.load.line_yaml import NotLineByLineError, read_by_lines
from synergy_compass.engine.load.plain_yaml import (
    _EventReader,
    _LineScalars,
    _UnusualError,
    parse_yaml_plain,
)
from synergy_compass.engine.load.yaml_source import (
    Yaml12Loader,
    YamlProblemError,
    parse_yaml,
    value_limit,
)


def _by_lines(text: str, max_nodes: int | None = None) -> Any:
    limit = value_limit(len(text.encode())) if max_nodes is None else max_nodes
    return read_by_lines(text, _LineScalars(Yaml12Loader("")), limit)


def _by_events(text: str, max_nodes: int | None = None) -> Any:
    limit = value_limit(len(text.encode())) if max_nodes is None else max_nodes
    loader = Yaml12Loader(text)
    try:
        return _EventReader(loader, limit).document()
    finally:
        loader.dispose()


def _outcome(read: Any, raw: bytes) -> tuple[str, ...]:
    try:
        document = read(raw, "f.yaml")
    except YamlProblemError as error:
        return ("refused", str(error))
    return ("read", repr(document.data), repr(document.value_positions))


# Each is read by lines, to the same data as the event reader reads.
BLOCK_STYLE = [
    "a: 1\n",
    "a: x\nb: 2.5\nc: true\nd: null\ne: ~\nf:\ng: -3\nh: .inf\ni: 0x1F\nj: 1_000\n",
    "a: yes\nb: NO\nc: 2024-01-02\nd: 2024-01-02 10:00:00\ne: 'quoted: #'\nf: \"x # y\"\n",
    'a: \'\'\nb: ""\nc: it\'s\nd: say "hi"\ne: http://x.org/a\nf: a:b\ng: a :b\n',
    "rules:\n- id: r-1\n  when:\n  - score:\n      side: home\n  then:\n    conclude:\n"
    "      f-1: 0.8\n- id: r-2\n",
    "a:\n  - x\n  -\n  - - y\n    - -1\n  - -   - z\n",
    "a:\n  -\n    b: 1\n  -\n  - c\n",
    "a:\n-   b: 1\n    c: 2\n- d\ne: 3\n",
    "# a comment\n\na: 1\n  # indented comment\n\nb: 2\n",
    "é: ü\nkey with spaces: value with  two spaces\n",
    "a:\n  b:\n    c:\n      d: deep\n  e: back\n",
    "a: -1\nb: -.5\nc: +1\nd: 1e3\ne: .nan\nf: 0o7\ng: 1:30\n",
]


@pytest.mark.parametrize("text", BLOCK_STYLE)
def test_block_style_is_read_by_lines_as_the_event_reader_reads_it(text: str) -> None:
    assert repr(_by_lines(text)) == repr(_by_events(text))
    raw = text.encode()
    assert _outcome(parse_yaml_plain, raw) == _outcome(parse_yaml, raw)


def test_what_a_dumper_writes_is_read_by_lines() -> None:
    data = {
        "rules": [
            {
                "id": f"r-{index}",
                "title": "A rule, with commas: and colons",
                "numbers": [index, index / 3, -index, 10**20, True, None],
                "texts": ["yes", "no", "1.5", "", " padded ", "null", "#not a comment", "é"],
                "nested": {"deep": {"deeper": [["a", "b"], {"k": "v"}]}},
            }
            for index in range(20)
        ]
    }
    text = yaml.safe_dump(data, sort_keys=False, width=100000, allow_unicode=True)
    assert repr(_by_lines(text)) == repr(_by_events(text)) == repr(data)


# Each is left to the event reader (and so to parse_yaml's message where it is refused).
NOT_BY_LINES = [
    "a: 1\na: 2\n",  # a duplicate key
    "a:\tb\n",  # a tab
    "a: b # comment\n",  # a comment after a value
    "a: b\n  c\n",  # a plain text going on to the next line
    "a:\n  b\n",  # a text on a line of its own
    "a: [1, 2]\n",  # flow collections
    "a: {b: 1}\n",
    "a: >-\n  folded\n",  # blocks of text
    "a: |\n  literal\n",
    "a: &x b\nc: *x\n",  # an anchor and an alias
    "a: !!str 1\n",  # a tag
    "a: 'it''s'\n",  # a quote inside quotes
    'a: "line\\nbreak"\n',  # an escape
    "a: b  \n",  # spaces at the end of a value
    "\ufeffa: b\n",  # a byte order mark
    "a: b",  # no line break at the end
    "a: b\r\n",  # a carriage return
    "a: b\u2028c\n",  # a line separator, a break to YAML 1.1
    "a: \x85\n",  # NEL
    "- a\n- b\n",  # a list at the top
    "just text\n",
    "a: 1\n- b\n",  # a list where a key belongs
    "a:\n  - b\n  c: 1\n",  # a key after a list at a deeper column
    "a:\n    b: 1\n  c: 2\n",  # a key between two columns
    "true: 1\n",  # keys that are not text
    "1: one\n",
    "<<: x\n",
    "a: =\n",  # a YAML 1.1 'value' tag
    "k" * 1001 + ": v\n",  # a key libyaml may refuse for its length
    "---\na: 1\n",  # a document marker
    "a: 1\n...\n",
    "%YAML 1.1\n---\na: 1\n",
    "",
    "# only a comment\n",
    "? a\n: b\n",
    "a: -\n",
    "a: - b\n",
    "a: b: c\n",
    "a:b\n",
    "a: b:\n",
    "a: @x\n",
    "- -a\n",  # a dash before a text that is not a number
    "a: `x\n",
    "a: ?x\n",
]


@pytest.mark.parametrize("text", NOT_BY_LINES)
def test_anything_unsure_is_left_to_the_event_reader(text: str) -> None:
    with pytest.raises((NotLineByLineError, _UnusualError)):
        _by_lines(text)
    raw = text.encode()
    assert _outcome(parse_yaml_plain, raw) == _outcome(parse_yaml, raw)


def test_the_value_limit_and_depth_are_the_event_readers() -> None:
    text = "a: v\nb:\n  c: w\n"  # five values: the top mapping, v, the inner mapping, w
    assert _by_lines(text, 4) == _by_events(text, 4) == {"a": "v", "b": {"c": "w"}}
    with pytest.raises(NotLineByLineError):
        _by_lines(text, 3)
    with pytest.raises(_UnusualError):
        _by_events(text, 3)
    deep = "".join(" " * depth + f"k{depth}:\n" for depth in range(70)) + " " * 70 + "k: v\n"
    with pytest.raises(NotLineByLineError):
        _by_lines(deep)
    raw = deep.encode()
    assert _outcome(parse_yaml_plain, raw) == _outcome(parse_yaml, raw)


def test_a_file_read_by_lines_is_read_once(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_events(*args: object) -> None:
        raise AssertionError("read by events")

    monkeypatch.setattr(plain_yaml, "_EventReader", no_events)
    assert parse_yaml_plain(b"a:\n- b: 1\n", "f.yaml").data == {"a": [{"b": 1}]}


# Lines of block-style YAML, right and wrong: indentation, dashes, keys and values that each
# read in their own way (or are refused), joined at random and read by every reader.
_INDENTS = st.sampled_from(["", "", " ", "  ", "    ", "      "])
_DASHES = st.sampled_from(["", "", "- ", "-", "-  ", "- - "])
_KEYS = st.sampled_from(["a", "b", "c", "a b", "a:b", "true", "1", "~", "<<", "é", "x#y", ""])
_VALUES = st.sampled_from(
    ["", "v", "1", "-2", "1.5", ".inf", "yes", "null", "~", "'q'", '"d"', "a #c", "#c", "x:",
     "a: b", "http://a", "2024-01-01", "[a]", "|", "&a x", "!!str x", "a ", "é", "-", "---",
     "...", "?", "%x", "0x1F", "1_000", "=", "'", "it's", "a :b", "- a", "\t"]
)  # fmt: skip
_LINES = st.one_of(
    st.tuples(_INDENTS, _DASHES, _KEYS, st.sampled_from([": ", ":", ":  "]), _VALUES).map("".join),
    st.tuples(_INDENTS, _DASHES, _VALUES).map("".join),
    st.sampled_from(["", "  ", "# comment", "  # comment"]),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=10), st.sampled_from(["a:\n", "a: 1\n", ""]))
def test_random_block_lines_read_as_parse_yaml_reads_them(lines: list[str], start: str) -> None:
    text = start + "\n".join(lines) + "\n"
    try:
        by_lines = _by_lines(text)
    except (NotLineByLineError, _UnusualError):
        pass
    else:
        assert repr(by_lines) == repr(_by_events(text))
    raw = text.encode()
    assert _outcome(parse_yaml_plain, raw) == _outcome(parse_yaml, raw)
