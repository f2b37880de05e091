"""Safe YAML reading that remembers where every value came from.

PyYAML's safe loader never builds Python objects from tags, but it forgets positions and keeps
the last of two duplicate keys. We compose the node graph ourselves so that every value, and
every mapping key, can be traced back to ``line:col`` for error messages, duplicate keys are
errors, and alias expansion ("billion laughs") and nesting depth are bounded.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from ..errors import Location, Problem, ProblemCode, shorten
from ..schemas.document import PathKey, YamlDocument
from .problem_codes import describe

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
"""Values any document may expand to; a larger file may have one value per
:data:`BYTES_PER_VALUE` of its text (see :func:`value_limit`)."""
BYTES_PER_VALUE = 8
MAX_DEPTH = 64

_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Yaml12Loader(_BaseLoader):  # type: ignore[misc,valid-type]
    """The safe loader with YAML 1.2's booleans: only true and false.

    YAML 1.1 also reads yes, no, on and off as booleans, which turns Norway's country code NO
    into false; in YAML 1.2 (and in this project) they are plain text.
    """


Yaml12Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}
Yaml12Loader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)

describe(
    ProblemCode.yaml,
    "A file cannot be read (a folder or file without permission, a device or pipe, a link "
    "outside the KB's folder) or is not valid, safe YAML (or is empty, too large, "
    "not UTF-8, or uses tags, merge keys or duplicate keys).",
)


class YamlProblemError(Exception):
    """Raised with a ready :class:`Problem` when a file is not acceptable YAML."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        super().__init__(str(problem))


def _mark(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def value_limit(size: int) -> int:
    """The values a document of ``size`` bytes may expand to. Alias bombs are small files that
    expand a thousandfold, so a fixed count stops them; a large KB file written out in full
    (10,000 rules in one file: about 300,000 values in 4.4 MB, 15 bytes a value) needs more,
    and gets one value per 8 bytes it actually holds, which no alias can stretch."""
    return max(MAX_NODES, size // BYTES_PER_VALUE)


class _Builder:
    def __init__(self, display_path: str, max_nodes: int = MAX_NODES) -> None:
        self.display_path = display_path
        self.max_nodes = max_nodes
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
        if self.nodes_seen > self.max_nodes:
            raise self.fail(
                node,
                f"the document expands to more than {self.max_nodes} values",
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
        if node.tag not in SCALAR_TAGS:
            raise self.fail(
                node,
                f"the YAML tag {shorten(node.tag)!r} is not allowed",
                "Only plain text, numbers, true/false, lists and mappings are accepted.",
            )
        if node.tag in TEXT_TAGS:
            # Dates stay text: no schema needs a date object. Text is most of a KB's values,
            # and is the node's own value: the generic constructor took half of a parse.
            return node.value
        try:
            return self.scalars.construct_object(node, deep=True)
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            # e.g. '!!int twelve', '!!bool maybe', '!!int' on nothing, or an integer too long
            # to convert
            raise self.fail(
                node,
                f"the value {shorten(str(node.value))!r} cannot be read as "
                f"{node.tag.rsplit(':', 1)[-1]}",
                "Write it as plain text, or as a number of reasonable size.",
            ) from error


SCALAR_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp")
)
TEXT_TAGS = frozenset(("tag:yaml.org,2002:str", "tag:yaml.org,2002:timestamp"))


def read_yaml(path: Path, display_path: str) -> YamlDocument:
    """Read one YAML file safely; raise :class:`YamlProblemError` with a location if unusable."""
    return parse_yaml(read_file_bytes(path, display_path), display_path)


_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_READ_CHUNK = 1024 * 1024

_FILE_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


def read_file_bytes(
    path: Path, display_path: str, limit: int = MAX_FILE_BYTES, what: str = "the file"
) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    A device, pipe or folder is refused before anything is read (``/dev/zero`` would never
    end, a named pipe would wait for a writer forever), a file whose size is over the limit is
    refused from its size alone, and at most ``limit + 1`` bytes are ever read, so a file
    growing while it is read cannot exhaust memory either. Raises :class:`YamlProblemError`.
    """
    try:
        # Non-blocking, so that opening a named pipe cannot wait for a writer.
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _unreadable(display_path, what, error) from error
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)  # before fdopen, which refuses a folder with an error of its own
        kind = next((name for test, name in _FILE_KINDS if test(status.st_mode)), "special")
        raise YamlProblemError(
            Problem(
                Location(display_path),
                f"{what} is {kind}, not a regular file, so it is not read",
                hint="Give the path of a regular file.",
                code=ProblemCode.yaml,
            )
        )
    with os.fdopen(descriptor, "rb", buffering=0) as stream:
        if status.st_size > limit:
            raise _too_large(display_path, f"{what} is {status.st_size} bytes", limit)
        try:
            return read_stream_bytes(stream, display_path, limit, what)
        except OSError as error:
            raise _unreadable(display_path, what, error) from error


def read_stream_bytes(
    stream: BinaryIO, display_path: str, limit: int = MAX_FILE_BYTES, what: str = "the input"
) -> bytes:
    """At most ``limit`` bytes from a stream (standard input, a pipe); a stream with more is
    refused after ``limit + 1`` bytes, without waiting for its end."""
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = stream.read(min(_READ_CHUNK, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    if size > limit:
        raise _too_large(display_path, f"{what} is more than {limit} bytes", limit)
    return b"".join(chunks)


def _unreadable(display_path: str, what: str, error: OSError) -> YamlProblemError:
    reason = error.strerror or str(error)
    return YamlProblemError(
        Problem(Location(display_path), f"cannot read {what}: {reason}", code=ProblemCode.yaml)
    )


def _too_large(display_path: str, found: str, limit: int) -> YamlProblemError:
    return YamlProblemError(
        Problem(
            Location(display_path, 1, 1),
            f"{found}; the limit is {limit} bytes",
            hint="Split it into smaller files, or check that this is the file you meant.",
            code=ProblemCode.yaml,
        )
    )


def parse_yaml(raw: bytes, display_path: str) -> YamlDocument:
    """Parse YAML bytes; see :func:`read_yaml`."""
    where = Location(display_path, 1, 1)
    if len(raw) > MAX_FILE_BYTES:
        raise _too_large(display_path, f"the file is {len(raw)} bytes", MAX_FILE_BYTES)
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
        node = yaml.compose(text, Loader=Yaml12Loader)
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
    builder = _Builder(display_path, value_limit(len(raw)))
    try:
        data = builder.build(node, ())
    except RecursionError as error:
        raise YamlProblemError(
            Problem(where, "values are nested too deeply", code=ProblemCode.yaml)
        ) from error
    except yaml.constructor.ConstructorError as error:
        raise builder.fail(node, f"a value cannot be read: {error.problem}") from error
    return YamlDocument(data, display_path, builder.values, builder.keys)
