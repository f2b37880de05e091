"""A batch's input read as a stream: one scenario at a time, never the whole input at once.

A folder is listed (names only) and each scenario file read when its turn comes; a JSONL or
CSV file, or standard input, is read a line (a CSV record) at a time. Nothing is read past the
per-scenario limit (the limit of a scenario file): an over-long line or file is a failed item,
and the rest of the input goes on. What a folder holds that is not a regular file (a named
pipe would block the read forever, a device would never end) is skipped with a message.
How a CSV row becomes a scenario is ``batch_csv``.
"""

from __future__ import annotations

import csv
import io
import os
import stat
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, BinaryIO

from ..errors import InputError, Location, Problem
from ..load.yaml_source import MAX_FILE_BYTES
from ..schemas.base import Frozen
from .batch_csv import RowError, scenario_json

SCENARIO_SUFFIXES = (".yaml", ".yml", ".json")
INPUT_FORMATS = ("jsonl", "csv")
ITEM_LIMIT = MAX_FILE_BYTES
"""The most bytes one scenario may take: a line, a CSV record or a file of a folder."""

csv.field_size_limit(ITEM_LIMIT)
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class BatchItem(Frozen):
    """One scenario to run: where it came from and its bytes (YAML or JSON).

    For a line of a JSONL or CSV file, ``path`` and ``line`` place errors in that file; a CSV
    row is rebuilt as JSON, so its errors name the row but no column.
    """

    source: str
    content: bytes
    path: str = ""
    line: int = 0
    columns: bool = True
    unreadable: str = ""


@dataclass
class BatchInput:
    """The scenarios of an input, read as they are iterated.

    ``total`` is how many there are when that is known without reading them (a folder's
    entries); a JSONL or CSV stream would have to be read to its end first, so it is None.
    """

    items: Iterator[BatchItem]
    total: int | None = None


def _failed(source: str, message: str) -> BatchItem:
    return BatchItem(source=source, content=b"", unreadable=f"{source}: {message}")


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_item_file(file: Path) -> BatchItem:
    """A scenario file of a folder, or why it is not read: a named pipe or a device is skipped
    without opening it for a read that could block or never end, and no more than the limit
    is read even from a file that grows meanwhile."""
    source = str(file)
    try:
        # Non-blocking, so that opening a named pipe does not wait for a writer.
        descriptor = os.open(file, _OPEN_FLAGS)
    except OSError as error:  # a dangling link, no permission...
        return _failed(source, f"cannot read the scenario: {error.strerror}")
    status = os.fstat(descriptor)
    if not stat.S_ISREG(status.st_mode):
        os.close(descriptor)
        return _failed(source, f"skipped: this is {_kind(status.st_mode)}, not a regular file")
    if status.st_size > ITEM_LIMIT:
        os.close(descriptor)
        return _failed(
            source, f"the file is {status.st_size} bytes; the limit is {ITEM_LIMIT} bytes"
        )
    with os.fdopen(descriptor, "rb") as stream:
        try:
            content = stream.read(ITEM_LIMIT + 1)
        except OSError as error:
            return _failed(source, f"cannot read the scenario: {error.strerror}")
    if len(content) > ITEM_LIMIT:
        return _failed(source, f"the file grew past the limit of {ITEM_LIMIT} bytes")
    return BatchItem(source=source, content=content)


def _folder_items(files: list[Path]) -> Iterator[BatchItem]:
    for file in files:
        yield read_item_file(file)


def _skip_rest_of_line(stream: BinaryIO) -> None:
    while True:
        chunk = stream.readline(ITEM_LIMIT)
        if not chunk or chunk.endswith(b"\n"):
            return


def _bounded_lines(stream: BinaryIO) -> Iterator[tuple[int, bytes | None]]:
    """Numbered lines split at LF only (a JSON string may hold U+2028 and other characters
    ``splitlines()`` breaks at); None for a line longer than the limit, which is not kept."""
    number = 0
    while True:
        line = stream.readline(ITEM_LIMIT + 1)
        if not line:
            return
        number += 1
        if len(line) > ITEM_LIMIT and not line.endswith(b"\n"):
            _skip_rest_of_line(stream)
            yield number, None
        else:
            yield number, line


def _jsonl_items(stream: BinaryIO, display: str) -> Iterator[BatchItem]:
    with stream:
        for number, line in _bounded_lines(stream):
            source = f"{display}:{number}"
            if line is None:
                yield _failed(source, f"the line is too long: the limit is {ITEM_LIMIT} bytes")
                continue
            if not line.strip():
                continue
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                yield _failed(source, f"the line is not UTF-8 (byte {error.start})")
                continue
            content = line.rstrip(b"\n").rstrip(b"\r")
            yield BatchItem(source=source, content=content, path=display, line=number)


# --- CSV ---------------------------------------------------------------------------------


class _RecordLines:
    """Physical lines for ``csv.reader``, keeping those of the record being read.

    A quote that is never closed makes the reader take every following line into one value.
    When that shows (the input ends, or the value passes the limit, inside the quotes), the
    record is reported at its first line and its other lines are handed out again, so the rows
    after it are read as rows.
    """

    def __init__(self, text: IO[str]) -> None:
        self._text = text
        self._again: deque[tuple[int, str]] = deque()
        self._read = 0
        self.record: list[tuple[int, str]] = []
        self.at_end = False

    def __iter__(self) -> _RecordLines:
        return self

    def __next__(self) -> str:
        if self._again:
            numbered = self._again.popleft()
        else:
            line = self._text.readline(ITEM_LIMIT + 1)
            if not line:
                self.at_end = True
                raise StopIteration
            self._read += 1
            numbered = (self._read, line)
        self.record.append(numbered)
        return numbered[1]

    def start(self) -> int:
        """The line the next record starts on (and forget the last record's lines)."""
        self.record = []
        return self._again[0][0] if self._again else self._read + 1

    def give_back(self) -> None:
        """Hand the record's lines after its first out again."""
        self._again.extendleft(reversed(self.record[1:]))
        self.record = []
        self.at_end = False


def _unclosed(lines: list[tuple[int, str]]) -> bool:
    """Whether a record read to the end of the input stops inside a quoted value (what the
    lenient reader accepts silently and a strict one calls the end of data)."""
    text = "".join(line for _number, line in lines)
    try:
        for _row in csv.reader(io.StringIO(text, newline=""), strict=True):
            pass
    except csv.Error:
        return True
    return False


def _csv_items(stream: BinaryIO, display: str) -> Iterator[BatchItem]:
    """One item per CSV record, numbered by the line it starts on."""
    # Undecodable bytes are kept as surrogates so that only their own row fails.
    with io.TextIOWrapper(stream, encoding="utf-8", errors="surrogateescape", newline="") as text:
        lines = _RecordLines(text)
        reader = csv.reader(lines)
        try:
            header = next(reader)
        except (StopIteration, csv.Error):
            return
        while True:
            start = lines.start()
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                yield _failed(f"{display}:{start}", _csv_problem(str(error)))
                lines.give_back()
                continue
            if lines.at_end and len(lines.record) > 1 and _unclosed(lines.record):
                yield _failed(
                    f"{display}:{start}",
                    "a quote opened on this line is never closed (the input ends inside it); "
                    "the rows after it are read as rows",
                )
                lines.give_back()
                continue
            yield _csv_item(display, start, header, cells)


def _csv_problem(message: str) -> str:
    if "field larger than field limit" in message:
        return (
            f"a value is longer than the limit of {ITEM_LIMIT} bytes (a quote that is never "
            "closed?); the rows after this line are read as rows"
        )
    return f"this row is not valid CSV: {message}"


def _csv_item(display: str, start: int, header: list[str], cells: list[str]) -> BatchItem:
    source = f"{display}:{start}"
    try:
        content = scenario_json(header, cells)
    except RowError as error:
        return _failed(source, str(error))
    return BatchItem(source=source, content=content, path=display, line=start, columns=False)


# --- opening an input ----------------------------------------------------------------------


def _input_problem(path: Path | str, message: str, hint: str = "") -> InputError:
    return InputError([Problem(Location(str(path)), message, hint=hint)])


def _stream_of(path: Path) -> BinaryIO:
    try:
        descriptor = os.open(path, _OPEN_FLAGS)
    except OSError as error:
        raise _input_problem(path, f"cannot read the batch input: {error.strerror}") from error
    mode = os.fstat(descriptor).st_mode
    if stat.S_ISFIFO(mode):  # a pipe is streamed like standard input: wait for its writer
        os.set_blocking(descriptor, True)
    elif not stat.S_ISREG(mode):
        os.close(descriptor)
        raise _input_problem(
            path,
            f"the batch input is {_kind(mode)}, not a regular file or a named pipe",
            "Give a folder of scenario files, a .jsonl or a .csv file ('-': standard input).",
        )
    return os.fdopen(descriptor, "rb")


def open_batch_input(
    path: Path, input_format: str | None = None, stdin: BinaryIO | None = None
) -> BatchInput:
    """The scenarios of a folder, a JSONL or CSV file, or (``-``) standard input, in a
    stable order, read as they are iterated. ``input_format`` (jsonl or csv) overrides the
    file's suffix; standard input is JSONL unless it says csv."""
    if str(path) == "-":
        if stdin is None:
            raise _input_problem("-", "there is no standard input to read the batch from")
        return BatchInput(_items_of(input_format or "jsonl", _own_copy(stdin), "<stdin>"))
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in SCENARIO_SUFFIXES)
        return BatchInput(_folder_items(files), total=len(files))
    kind = input_format or path.suffix.removeprefix(".")
    if kind not in INPUT_FORMATS:
        raise _input_problem(
            path,
            "expected a folder of scenario files, a .jsonl file or a .csv file",
            "Rename the file, put the scenarios in a folder, or say what it holds with "
            "--input-format.",
        )
    return BatchInput(_items_of(kind, _stream_of(path), str(path)))


def _own_copy(stdin: BinaryIO) -> BinaryIO:
    """Standard input through a descriptor of our own: the batch reads it in a thread, and a
    worker process started meanwhile closes ``sys.stdin`` (which would wait on the thread's
    lock forever)."""
    try:
        return os.fdopen(os.dup(stdin.fileno()), "rb")
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (a test's input)
        return stdin


def _items_of(kind: str, stream: BinaryIO, display: str) -> Iterator[BatchItem]:
    return _csv_items(stream, display) if kind == "csv" else _jsonl_items(stream, display)


def refuse_output_over_input(path: Path, output: Path | None) -> None:
    """An output that would overwrite the input (or join a folder's scenarios) is refused,
    before either is opened: truncating it would lose the scenarios before they are read."""
    if output is None or str(output) == "-" or str(path) == "-":
        return
    try:
        same = output.exists() and output.samefile(path)
    except OSError:
        same = False
    same = same or output.resolve() == path.resolve()
    if not same and path.is_dir():
        same = output.resolve().parent == path.resolve() and output.suffix in SCENARIO_SUFFIXES
    if same:
        raise _input_problem(
            output,
            "the output would overwrite the batch's input (or be read as one of its scenarios)",
            "Give -o/--output another file name.",
        )
