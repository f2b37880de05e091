"""Reading a KB file's YAML quickly, without positions, when nothing in it is unusual.

Composing libyaml's events into a node graph and recording the ``line:col`` of every value and
key is most of what :func:`parse_yaml` spends beyond libyaml's own parsing, and a KB that loads
without a problem never shows a position. So a load reads each file here first: the same
parser and the same rules (only plain mappings with text keys, lists and the scalars the safe
loader knows; no tags, merge keys or duplicate keys; the same limits on nesting and on values),
but the data is built from the events alone. Anything this reader does not accept as it is
(an anchor, say), it hands to :func:`parse_yaml`, which then reads it or reports the problem
exactly as it always has. The positions of a file read here are found from its bytes the first
time a message needs one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml
from yaml.events import (
    DocumentEndEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
    StreamStartEvent,
)
from yaml.nodes import ScalarNode

from ..schemas.document import PathKey, YamlDocument
from .yaml_source import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    SCALAR_TAGS,
    TEXT_TAGS,
    Yaml12Loader,
    YamlProblemError,
    parse_yaml,
    value_limit,
)

_TEXT_TAG = "tag:yaml.org,2002:str"


# The resolver tries patterns only on a plain scalar whose first character one of them may
# start with (and on the empty one); every other scalar is text, unless the loader ever gains
# patterns for any character or for places in the document, which the resolver then decides.
_RESOLVED_FIRST_CHARACTERS = frozenset(Yaml12Loader.yaml_implicit_resolvers)
_ONLY_TEXT_BY_FIRST_CHARACTER = (
    None not in _RESOLVED_FIRST_CHARACTERS and not Yaml12Loader.yaml_path_resolvers
)


_NOT_READ_YET = object()  # None is a value a scalar may be read as


class _UnusualError(Exception):
    """Something the quick reader leaves to :func:`parse_yaml`: an error, or a rare form."""


# What a plain scalar reads as depends on its text alone (the loader's resolvers are fixed),
# and a KB repeats the same keys and values thousands of times, in one file and across its
# files: each is worked out once per process, until a host has read many different ones.
_PLAIN_TAGS: dict[str, str] = {}
"""The tag each plain scalar resolves to, for those the resolver's patterns were tried on."""
_PLAIN_TEXT: set[str] = set()
"""Plain scalars known to be text: most keys and values, taken without a call."""
_CONSTANTS: dict[tuple[str, str], Any] = {}
"""Numbers, true/false and null by tag and text (thresholds repeat in every rule)."""
_PLAIN_CONSTANTS: dict[str, Any] = {}
"""The same for plain scalars by their text alone, taken without a call."""
_REMEMBERED_AT_MOST = 200_000
"""Entries kept in the four together before they are forgotten: a long-lived host that reads
many KBs holds 20 MB of them at most (10,000 synthetic rules make 52,000, 4.7 MB)."""
_SCALARS = yaml.constructor.SafeConstructor()
"""Reads the scalars that are not text; their constructors keep nothing between calls."""


class _EventReader:
    """The data of one document, built straight from libyaml's events (no node graph, no
    positions), under the limits :class:`yaml_source._Builder` sets; :class:`_UnusualError`
    wherever that builder would fail or read differently, and wherever an anchor, an alias or
    an explicit tag appears (rare in a KB: :func:`parse_yaml` reads those)."""

    def __init__(self, loader: Yaml12Loader, max_nodes: int) -> None:
        self.loader = loader
        self.next_event = loader.get_event
        self.nodes_left = max_nodes
        remembered = (_PLAIN_TAGS, _PLAIN_TEXT, _CONSTANTS, _PLAIN_CONSTANTS)
        if sum(map(len, remembered)) > _REMEMBERED_AT_MOST:
            for table in remembered:
                table.clear()
        self.plain_tags = _PLAIN_TAGS
        self.plain_text = _PLAIN_TEXT
        self.constants = _CONSTANTS
        self.plain_constants = _PLAIN_CONSTANTS

    def document(self) -> Any:
        self._expect(StreamStartEvent)
        self._expect(DocumentStartEvent)  # an empty file has none
        self.nodes_left -= 1  # the document's own value; each mapping and list counts its items
        data = self.value(self.next_event(), 0)
        self._expect(DocumentEndEvent)
        self._expect(StreamEndEvent)  # a second document is an error
        return data

    def _expect(self, kind: type[yaml.Event]) -> None:
        if self.next_event().__class__ is not kind:
            raise _UnusualError

    def value(self, event: Any, depth: int) -> Any:
        # Values are counted by the mapping or list that holds them (the document by
        # document()), and depth is checked there too, once for all its items.
        kind = event.__class__
        if kind is ScalarEvent:
            tag = self._scalar_tag(event)
            if tag in TEXT_TAGS:
                return event.value
            found = self._constant(tag, event.value)
            if event.implicit[0]:
                self.plain_constants[event.value] = found
            return found
        if kind is MappingStartEvent:
            return self._mapping(event, depth)
        if kind is SequenceStartEvent:
            return self._sequence(event, depth)
        raise _UnusualError  # an alias

    def _constant(self, tag: str, text: str) -> Any:
        key = (tag, text)
        found = self.constants.get(key, _NOT_READ_YET)
        if found is _NOT_READ_YET:
            if tag not in SCALAR_TAGS:
                raise _UnusualError
            # ints, floats, true/false and null as the safe loader reads them
            found = _SCALARS.yaml_constructors[tag](_SCALARS, ScalarNode(tag, text))
            self.constants[key] = found
        return found

    def _scalar_tag(self, event: Any) -> str:
        if event.anchor is not None or event.tag is not None:
            raise _UnusualError
        value = event.value
        plain = event.implicit[0]
        if _ONLY_TEXT_BY_FIRST_CHARACTER and (
            not plain or (value and value[0] not in _RESOLVED_FIRST_CHARACTERS)
        ):
            if plain:
                self.plain_text.add(value)
            return _TEXT_TAG  # quoted, a block of text, or plain text no pattern can match
        tag = self.plain_tags.get(value)
        if tag is None:
            tag = str(self.loader.resolve(ScalarNode, event.value, event.implicit))
            self.plain_tags[event.value] = tag
        if plain and tag == _TEXT_TAG:
            self.plain_text.add(value)
        return tag

    def _mapping(self, event: Any, depth: int) -> dict[str, Any]:
        if event.anchor is not None or event.tag is not None:
            raise _UnusualError
        result: dict[str, Any] = {}
        next_event, plain_text, inner = self.next_event, self.plain_text, depth + 1
        plain_constants = self.plain_constants
        # Written out for the common case, a plain key and a plain value already met (a KB
        # repeats both): the same checks as value and _scalar_tag, without their calls.
        while True:
            key = next_event()
            if key.__class__ is not ScalarEvent:
                if key.__class__ is MappingEndEvent:
                    self.nodes_left -= len(result)  # written out: a KB has many mappings
                    if self.nodes_left < 0:
                        raise _UnusualError
                    return result
                raise _UnusualError  # a key that is not a name
            name = key.value
            if not (
                (name in plain_text and key.implicit[0] and key.anchor is None and key.tag is None)
                or self._scalar_tag(key) == _TEXT_TAG
            ):
                raise _UnusualError  # numbers and true/false as keys, merge keys: parse_yaml's
            if name in result or inner > MAX_DEPTH:
                raise _UnusualError  # a duplicate key, or too deep: parse_yaml's message
            item = next_event()
            kind = item.__class__
            if (
                kind is ScalarEvent
                and item.implicit[0]
                and item.anchor is None
                and item.tag is None
            ):
                text = item.value
                if text in plain_text:
                    result[name] = text
                    continue
                found = plain_constants.get(text, _NOT_READ_YET)
                if found is not _NOT_READ_YET:
                    result[name] = found
                    continue
            elif kind is MappingStartEvent:
                result[name] = self._mapping(item, inner)
                continue
            elif kind is SequenceStartEvent:
                result[name] = self._sequence(item, inner)
                continue
            result[name] = self.value(item, inner)

    def _sequence(self, event: Any, depth: int) -> list[Any]:
        if event.anchor is not None or event.tag is not None:
            raise _UnusualError
        items: list[Any] = []
        next_event, plain_text, inner = self.next_event, self.plain_text, depth + 1
        while True:
            item = next_event()
            if item.__class__ is SequenceEndEvent:
                self.nodes_left -= len(items)
                if self.nodes_left < 0:
                    raise _UnusualError
                return items
            if inner > MAX_DEPTH:
                raise _UnusualError
            kind = item.__class__
            if (
                kind is ScalarEvent
                and item.value in plain_text
                and item.implicit[0]
                and item.anchor is None
                and item.tag is None
            ):
                items.append(item.value)
            elif kind is MappingStartEvent:  # a list of rules, of conditions
                items.append(self._mapping(item, inner))
            else:
                items.append(self.value(item, inner))


class PositionsOnDemand(YamlDocument):
    """A document whose data is known and whose positions are found by ``find_positions`` (the
    file parsed again with positions) when a message first needs one: a file read without them
    here, or one whose data came from the checked-KB cache, which keeps none. Parsing for
    positions is most of a load's cost, and a file without a problem never needs them."""

    def __init__(
        self, data: Any, display_path: str, find_positions: Callable[[], YamlDocument]
    ) -> None:
        object.__setattr__(self, "data", data)
        object.__setattr__(self, "display_path", display_path)
        object.__setattr__(self, "_find_positions", find_positions)
        object.__setattr__(self, "_parsed", None)

    def _positions(self) -> YamlDocument:
        parsed: YamlDocument | None = self.__dict__["_parsed"]
        if parsed is None:
            try:
                parsed = self.__dict__["_find_positions"]()
            except (OSError, YamlProblemError):  # the file changed since: no place to show
                parsed = YamlDocument(self.data, self.display_path)
            object.__setattr__(self, "_parsed", parsed)
        return parsed

    @property
    def value_positions(self) -> dict[PathKey, tuple[int, int]]:
        return self._positions().value_positions

    @property
    def key_positions(self) -> dict[PathKey, tuple[int, int]]:
        return self._positions().key_positions


# Each of these, met here, is met again by parse_yaml, which turns it into its message.
_READ_AGAIN = (
    _UnusualError,
    yaml.YAMLError,
    RecursionError,
    ValueError,  # not UTF-8, or a scalar the safe constructor cannot read
    TypeError,
    LookupError,
    AttributeError,
)


def _plain_data(raw: bytes) -> Any:
    text = raw.decode("utf-8")
    if "\x00" in text:
        raise _UnusualError
    loader = Yaml12Loader(text)
    try:
        return _EventReader(loader, value_limit(len(raw))).document()
    finally:
        loader.dispose()


def parse_yaml_plain(
    raw: bytes,
    display_path: str,
    find_positions: Callable[[bytes, str], YamlDocument] = parse_yaml,
) -> YamlDocument:
    """What :func:`parse_yaml` reads from ``raw``, or the same :class:`YamlProblemError`;
    positions are read by ``find_positions`` when first needed."""
    if len(raw) <= MAX_FILE_BYTES:
        try:
            data = _plain_data(raw)
        except _READ_AGAIN:
            pass
        else:
            return PositionsOnDemand(data, display_path, lambda: find_positions(raw, display_path))
    return parse_yaml(raw, display_path)
