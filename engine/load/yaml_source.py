"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader never builds Python objects from tags, but it forgets positions and keeps
the last of two duplicate keys. We compose the node graph ourselves so that every value, and
every mapping key, can be traced back to ``line:col`` for error messages, duplicate keys are
errors, and alias expansion ("billion laughs") and nesting depth are bounded.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..errors import Location, Problem, ProblemCode, shorten
from ..schemas.document import PathKey, YamlDocument
from .problem_codes import describe

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader with YAML 1.2's booleans: only true and false.

    YAML 1.1 also reads yes, no, on and off as booleans, which turns Norway's country code NO
    into false; in YAML 1.2 (and in this project) they are plain text.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

describe(
    ProblemCode.yaml,
    "A file is not valid, safe YAML (or is empty, too large, "
    "not UTF-8, or uses tags, merge keys or duplicate keys).",
)


class YamlProblemError(Exception):
    """Raised with a ready :class:`Problem` when a file is not acceptable YAML."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


class _Builder:
    def __init__(self, display_path: str) -> None:
        self.display_path = display_path
        self.values: dict[PathKey, tuple[int, int]] = {}
        self.keys: dict[PathKey, tuple[int, int]] = {}
        self.nodes_seen = 0
        self.scalars = yaml.constructor.SafeConstructor()

    def fail(self, node: yaml.Node, message: str, hint: str = "") -> YamlProblemError:
        line, column = _mark(node)
        return YamlProblemError(
            Problem(
                Location(self.display_path, line, column), message, hint=hint, code=ProblemCode.yaml
            )
        )

    def build(self, node: yaml.Node, path: PathKey) -> Any:
        self.nodes_seen += 1
        if self.nodes_seen > MAX_NODES:
            raise self.fail(
                node,
                f"the document expands to more than {MAX_NODES} values",
                "Aliases that repeat large blocks are refused; write the values out.",
            )
        if len(path) > MAX_DEPTH:
            raise self.fail(node, f"values are nested more than {MAX_DEPTH} levels deep")
        self.values[path] = _mark(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != "tag:yaml.org,2002:seq":
                raise self.fail(node, f"the YAML tag {node.tag!r} is not allowed")
            return [self.build(item, (*path, index)) for index, item in enumerate(node.value)]
        return self._scalar(node)

    def _mapping(self, node: yaml.MappingNode, path: PathKey) -> dict[str, Any]:
        if node.tag != "tag:yaml.org,2002:map":
            raise self.fail(node, f"the YAML tag {node.tag!r} is not allowed")
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise self.fail(key_node, "YAML merge keys ('<<') are not supported")
            key = self._scalar(key_node) if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str | int) or isinstance(key, bool):
                raise self.fail(key_node, "a mapping key must be a plain name")
            key = str(key)
            if key in result:
                first_line = self.keys[(*path, key)][0]
                raise self.fail(
                    key_node,
                    f"the key {shorten(key)!r} appears twice in one mapping "
                    f"(first on line {first_line})",
                    "Remove or rename one of them.",
                )
            self.keys[(*path, key)] = _mark(key_node)
            result[key] = self.build(value_node, (*path, key))
        return result

    def _scalar(self, node: yaml.Node) -> Any:
        if node.tag not in _SCALAR_TAGS:
            raise self.fail(
                node,
                f"the YAML tag {shorten(node.tag)!r} is not allowed",
                "Only plain text, numbers, true/false, lists and mappings are accepted.",
            )
        if node.tag in _TEXT_TAGS:
            # Dates stay text: no schema needs a date object. Text is most of a KB's values,
            # and is the node's own value: the generic constructor took half of a parse.
            return node.value
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ValueError, TypeError, KeyError, AttributeError) as error:
            # e.g. '!!int twelve', '!!bool maybe', or an integer too long to convert
            raise self.fail(
                node,
                f"the value {shorten(str(node.value))!r} cannot be read as "
                f"{node.tag.rsplit(':', 1)[-1]}",
                "Write it as plain text, or as a number of reasonable size.",
            ) from error


_SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
_TEXT_TAGS = frozenset(("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"))


def read_yaml(path: Path, display_path: str) -> YamlDocument:
    """Read one YAML file safely; raise :class:`YamlProblemError` with a location if unusable."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        problem = Problem(
            Location(display_path), f"cannot read the file: {error.strerror}", code=ProblemCode.yaml
        )
        raise YamlProblemError(problem) from error
    return parse_yaml(raw, display_path)


def parse_yaml(raw: bytes, display_path: str) -> YamlDocument:
    """Parse YAML bytes; see :func:`read_yaml`."""
    where = Location(display_path, 1, 1)
    if len(raw) > MAX_FILE_BYTES:
        raise YamlProblemError(
            Problem(
                where,
                f"the file is {len(raw)} bytes; the limit is {MAX_FILE_BYTES} bytes",
                code=ProblemCode.yaml,
            )
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise YamlProblemError(
            Problem(
                where,
                f"the file is not UTF-8 text (byte {error.start} cannot be decoded)",
                code=ProblemCode.yaml,
            )
        ) from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise YamlProblemError(
            Problem(
                Location(display_path, line, 1),
                "the file contains a NUL byte",
                code=ProblemCode.yaml,
            )
        )
    try:
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        location = Location(display_path, mark.line + 1, mark.column + 1) if mark else where
        reason = error.problem or error.context or "invalid YAML"
        raise YamlProblemError(
            Problem(location, f"this is not valid YAML: {reason}", code=ProblemCode.yaml)
        ) from error
    except yaml.YAMLError as error:
        raise YamlProblemError(
            Problem(where, f"this is not valid YAML: {error}", code=ProblemCode.yaml)
        ) from error
    except RecursionError as error:  # the pure-Python parser, without libyaml's own limit
        raise YamlProblemError(
            Problem(
                where, f"values are nested more than {MAX_DEPTH} levels deep", code=ProblemCode.yaml
            )
        ) from error
    if node is None:
        raise YamlProblemError(
            Problem(
                where, "the file is empty", hint="Expected a YAML mapping.", code=ProblemCode.yaml
            )
        )
    builder = _Builder(display_path)
    try:
        data = builder.build(node, ())
    except RecursionError as error:
        raise YamlProblemError(
            Problem(where, "values are nested too deeply", code=ProblemCode.yaml)
        ) from error
    except yaml.constructor.ConstructorError as error:
        raise builder.fail(node, f"a value cannot be read: {error.problem}") from error
    return YamlDocument(data, display_path, builder.values, builder.keys)
