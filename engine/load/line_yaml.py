"""Reading block-style YAML line by line, without libyaml's event objects.

A KB written by a program (``yaml.safe_dump``, an export) is block style, one value a line:
``key: value``, ``- item``, ``key:`` above a more-indented mapping or list. There the structure
is the indentation and one regular expression reads every line of the file at once, which
costs a fraction of the Python objects libyaml makes for each of its events (most of the time
a load of 10,000 such rules spent reading them). This reader accepts only such lines and
builds exactly the data :mod:`.plain_yaml`'s event reader would; at the first thing it is not
sure of (a tab, a comment after a value, a plain text going on to the next line, a flow
collection, a block of text, an anchor, a tag, a character libyaml may refuse...) it raises
:class:`NotLineByLineError`, and the event reader reads the file as before, so whatever is
unusual still reaches :func:`.yaml_source.parse_yaml` and its message. Hand-written files
(flow collections, folded prose) go to the event reader straight away: one event for a whole
block of text is cheaper than a match for each of its lines."""

from __future__ import annotations

import re
from typing import Any, Protocol

from .yaml_source import MAX_DEPTH


class NotLineByLineError(Exception):
    """The file holds something this reader leaves to the event reader."""


class PlainScalars(Protocol):
    """How plain scalars read, shared with the event reader (they depend on the text alone)."""

    known_text: set[str]
    """Plain scalars already known to read as text (most keys and values of a KB)."""

    def value(self, text: str) -> Any:
        """What a plain scalar reads as; raises when the event reader would not accept it."""

    def is_text_key(self, text: str) -> bool:
        """Whether a plain key reads as text, the only kind of key a KB has."""


# Characters that make libyaml refuse the file (controls, surrogates, U+FFFE and U+FFFF), or
# that it reads in a way of its own (NEL, the line and paragraph separators, a byte order mark);
# a tab and a carriage return too, so that a line's indentation is its leading spaces. The
# patterns are compiled when first used (re keeps them): a start that reads no KB pays nothing.
_NOT_PLAIN_CHARACTERS = "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"
# Values that start a flow collection or a block of text: a hand-written file, read faster by
# the event reader (other rare forms, an anchor say, are met by the line reader itself).
_NOT_BLOCK_STYLE = (": [", ": {", "- [", "- {", ": >", ": |", "- >", "- |")
# A plain scalar starts with no indicator (a dash only before a number: -1, -.5), holds no
# '#' and no ':' before a space or the end (either may end it), no other white space than
# spaces, and ends without one. Matched possessively (a shorter match could not end before
# ': ' or the end of the line either), by runs of ordinary characters.
_PLAIN = (
    r"(?:[^\s\-?:,\[\]{}#&*!|>'\"%@`]|-(?=[0-9.]))"
    r"(?:[^\s#:]++|:(?=\S)| ++(?=[^\s#:]|:\S))*+"
)
_ROW = (
    r"(?m)^(?: *+(?:#.*+)?+\n)*+"  # blank lines and comments, taken with the line after them
    r"( *+)(-(?: ++-)*(?: ++|$))?+"  # indentation, then the dashes of sequence entries
    rf"(?:({_PLAIN}):(?: ++|$))?+"  # a key
    rf"(?:({_PLAIN})|(\"[^\"\\\n]*+\"|'[^'\n]*+')|(.*))$"  # plain, quoted, or anything else
)
"""Every line that holds a value matches once, so one ``findall`` reads a file into rows of six
groups; the empty line after the last line break makes one more, all empty."""
_LONGEST_KEY = 1000
"""libyaml refuses a key of more than 1,024 characters; longer ones are left to it."""


class _LineReader:
    """Rows are the groups (indentation, dash, key, plain, quoted, anything else) of the lines
    that hold a value. Each container adds the values directly in it to ``values`` when it is
    done (the top one counts itself), so every value is counted once, as the event reader
    counts them."""

    def __init__(self, text: str, scalars: PlainScalars) -> None:
        self.rows: list[tuple[str, str, str, str, str, str]] = re.findall(_ROW, text)
        if self.rows and not any(self.rows[-1]):
            self.rows.pop()  # the end of the text
        self.scalars = scalars
        self.known_text = scalars.known_text
        self.keys: set[str] = set()
        """Keys of this file found to be text and short enough for libyaml."""
        self.values = 1

    def document(self) -> dict[str, Any]:
        if not self.rows or self.rows[0][0] or self.rows[0][1]:
            raise NotLineByLineError  # a list or a text at the top, or nothing at all
        data, at = self.mapping(0, 0, 0)
        if at != len(self.rows):
            raise NotLineByLineError
        return data

    def scalar(self, plain: str, quoted: str) -> Any:
        if plain:
            return plain if plain in self.known_text else self.scalars.value(plain)
        if quoted:
            return quoted[1:-1]
        raise NotLineByLineError  # a flow collection, a block of text, a comment...

    def new_key(self, key: str) -> None:
        if not key or len(key) > _LONGEST_KEY or not self.scalars.is_text_key(key):
            raise NotLineByLineError
        self.keys.add(key)

    def mapping(self, at: int, column: int, depth: int) -> tuple[dict[str, Any], int]:
        """The block mapping whose first key is on row ``at``, at ``column``; the row after."""
        if depth >= MAX_DEPTH:
            raise NotLineByLineError  # parse_yaml says how deep values may go
        rows, count, known, keys = self.rows, len(self.rows), self.known_text, self.keys
        margin = " " * column
        result: dict[str, Any] = {}
        _, _, key, plain, quoted, other = rows[at]
        # written for speed: this loop reads most lines of a file
        while True:
            if key not in keys:
                self.new_key(key)
            if key in result:
                raise NotLineByLineError
            if plain and plain in known:
                result[key] = plain
                at += 1
            elif plain or quoted or other:
                result[key] = self.scalar(plain, quoted)
                at += 1
            else:
                result[key], at = self.nested(at + 1, column, depth + 1, True)
            if at == count:
                break
            indent, dash, key, plain, quoted, other = rows[at]
            if indent != margin:
                if len(indent) < column:
                    break
                raise NotLineByLineError  # a text going on, or more indented than a key
            if dash:
                raise NotLineByLineError  # a list where a key belongs
        self.values += len(result)
        return result, at

    def sequence(self, at: int, column: int, depth: int) -> tuple[list[Any], int]:
        """The block sequence whose first dash is on row ``at``, at ``column``."""
        if depth >= MAX_DEPTH:
            raise NotLineByLineError
        rows, count = self.rows, len(self.rows)
        items: list[Any] = []
        while True:
            item: Any
            indent, dash, key, plain, quoted, other = rows[at]
            if len(dash) > 2 and dash[1:].strip(" "):  # '- - x': a list in a list
                inner = len(dash) - len(dash[1:].lstrip(" "))
                rows[at] = (indent + " " * inner, dash[inner:], key, plain, quoted, other)
                item, at = self.sequence(at, len(indent) + inner, depth + 1)
            elif key:
                item, at = self.mapping(at, len(indent) + len(dash), depth + 1)
            elif plain or quoted or other:
                item, at = self.scalar(plain, quoted), at + 1
            else:
                item, at = self.nested(at + 1, column, depth + 1, False)
            items.append(item)
            if at == count:
                break
            indent, dash = rows[at][0], rows[at][1]
            if len(indent) < column or (len(indent) == column and not dash):
                break  # a key at the column of a list that is a key's value ends it
            if len(indent) > column:
                raise NotLineByLineError
        self.values += len(items)
        return items, at

    def nested(self, at: int, column: int, depth: int, of_key: bool) -> tuple[Any, int]:
        """The value of a key or dash at ``column`` with nothing after it on its line: the
        more-indented mapping or list below it (for a key, also a list at its own column),
        or nothing; and the row after it."""
        if at < len(self.rows):
            indent, dash, key = self.rows[at][:3]
            if len(indent) > column or (of_key and len(indent) == column and dash):
                if dash:
                    return self.sequence(at, len(indent), depth)
                if key:
                    return self.mapping(at, len(indent), depth)
                raise NotLineByLineError  # a text on a line of its own
        return self.scalars.value(""), at  # nothing: what an empty plain scalar reads as


def read_by_lines(text: str, scalars: PlainScalars, max_nodes: int) -> dict[str, Any]:
    """The data of a YAML document that is a block mapping written one value a line, read
    as the event reader would read it; :class:`NotLineByLineError` for anything else."""
    if (
        not text.endswith("\n")
        or any(start in text for start in _NOT_BLOCK_STYLE)
        or re.search(_NOT_PLAIN_CHARACTERS, text)
    ):
        raise NotLineByLineError
    reader = _LineReader(text, scalars)
    data = reader.document()
    if reader.values > max_nodes:
        raise NotLineByLineError  # the event reader and parse_yaml refuse it for its size
    return data
