"""``compass batch``: advise on many scenarios, in parallel processes, one JSON line each.

Input is a folder of scenario files (YAML or JSON), a JSONL file (one scenario per line) or a
CSV file (one scenario per row). A scenario that fails validation is reported with its error and
the others go on. Results keep the input's order, whatever the number of workers, and match
what ``compass advise`` gives for each alone.

CSV columns are field paths: ``they.culture``, ``relationship.we_are``, ``goal.kind`` and
``goal.description`` (the one goal, as in version 1). List fields (``we_are_doing``,
``we_observe``, ``they.preferences``, ``they.organisation_type``, ``expectations.*``) take
values separated by ``;`` (``family_business;distributor``), or a JSON list when an item is
more than a value (``[{"kind": "giving_gifts", "status": "planned"}]``). Fields whose items
are mappings take a JSON list: ``they.people``, ``we.people``, ``parties``, ``dates``, and
``goal`` for several goals (``[{"kind": "give_feedback"}, {"kind": "manage_remote_team"}]``,
the first primary; not together with ``goal.kind``).
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import CompassError, InputError, Location, Problem, shorten
from ..load.scenario import parse_scenario
from ..pipeline import advise
from ..run.compiler import CompiledKB
from ..run.garbage_collection import freeze_long_lived
from ..schemas.base import Frozen
from ..schemas.note_hints import NoteHint

_LIST_FIELDS = {
    "we_are_doing",
    "we_observe",
    "they.preferences",
    "they.organisation_type",
    "expectations.must_advise",
    "expectations.must_not_advise",
    "expectations.must_diagnose",
    "expectations.must_not_diagnose",
    "expectations.todo",
}
_JSON_FIELDS = {"they.people", "we.people", "parties", "dates", "goal"}
_INTEGER_FIELDS = {"relationship.months"}
csv.field_size_limit(5 * 1024 * 1024)  # the same limit as a scenario file


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


class BatchResult(Frozen):
    source: str
    ok: bool
    title: str = ""
    recommendations: tuple[dict[str, Any], ...] = ()
    diagnosis: tuple[dict[str, Any], ...] = ()
    note_hints: tuple[NoteHint, ...] = ()  # words of its free text the form could hold
    error: str = ""


class BatchSummary(Frozen):
    ran: int
    failed: int
    most_frequent_advice: tuple[tuple[str, int], ...]


class _RowError(Exception):
    """A CSV row that cannot become a scenario; the message says why."""


def _json_cell(column: str, cell: str) -> Any:
    try:
        return json.loads(cell)
    except (ValueError, RecursionError) as error:
        one_goal = " (for one goal, a goal.kind column is enough)" if column == "goal" else ""
        raise _RowError(f"the {shorten(column)} column is not a JSON list{one_goal}") from error


def _csv_row(header: list[str], cells: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for column, raw in zip(header, cells, strict=False):
        cell = raw.strip()
        if not column or not cell:
            continue
        if "\x00" in cell or any("\udc80" <= character <= "\udcff" for character in cell):
            raise _RowError(
                f"the column {shorten(column)!r} holds a NUL byte or text that is not UTF-8"
            )
        if column in seen and seen[column] != cell:
            raise _RowError(
                f"the column {shorten(column)!r} appears twice in the header, with two values here"
            )
        seen[column] = cell
        value: Any = cell
        if column in _JSON_FIELDS or (column in _LIST_FIELDS and cell.startswith("[")):
            value = _json_cell(column, cell)
        elif column in _LIST_FIELDS:
            value = [part.strip() for part in cell.split(";") if part.strip()]
        elif column in _INTEGER_FIELDS and cell.isdigit() and len(cell) <= 12:
            value = int(cell)
        target = data
        *parents, last = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise _RowError(
                    f"the column {shorten(column)!r} goes inside another column's value"
                )
        if isinstance(target.get(last), dict):
            raise _RowError(
                f"the column {shorten(column)!r} holds a value that other columns fill in"
            )
        target[last] = value
    return data


def _csv_items(path: Path, text: str) -> list[BatchItem]:
    """One item per CSV record, numbered by the line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""))
    items: list[BatchItem] = []
    try:
        header = next(reader)
    except StopIteration:
        return items
    start = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            items.append(
                BatchItem(
                    source=f"{path}:{start}", content=b"", unreadable=f"{path}:{start}: {error}"
                )
            )
            break
        try:
            content = json.dumps(_csv_row(header, cells)).encode()
            item = BatchItem(
                source=f"{path}:{start}", content=content, path=str(path), line=start, columns=False
            )
        except _RowError as error:
            item = BatchItem(
                source=f"{path}:{start}", content=b"", unreadable=f"{path}:{start}: {error}"
            )
        items.append(item)
        start = reader.line_num + 1
    return items


def _jsonl_items(path: Path, raw: bytes) -> list[BatchItem]:
    # Split on LF only: JSON strings may hold U+2028 and other characters splitlines() breaks at.
    items = []
    for number, line in enumerate(raw.split(b"\n"), 1):
        if not line.strip():
            continue
        source = f"{path}:{number}"
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as error:
            items.append(
                BatchItem(
                    source=source,
                    content=b"",
                    unreadable=f"{source}: the line is not UTF-8 (byte {error.start})",
                )
            )
            continue
        items.append(
            BatchItem(source=source, content=line.rstrip(b"\r"), path=str(path), line=number)
        )
    return items


def _file_item(file: Path) -> BatchItem:
    try:
        return BatchItem(source=str(file), content=file.read_bytes())
    except OSError as error:  # a directory named like a scenario, a dangling link...
        return BatchItem(
            source=str(file),
            content=b"",
            unreadable=f"{file}: cannot read the scenario: {error.strerror}",
        )


def read_batch_input(path: Path) -> list[BatchItem]:
    """The scenarios in a folder, a JSONL file or a CSV file, in a stable order."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml", ".json"))
        return [_file_item(file) for file in files]
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise InputError(
            [Problem(Location(str(path)), f"cannot read the batch input: {error.strerror}")]
        ) from error
    if path.suffix == ".jsonl":
        return _jsonl_items(path, raw)
    if path.suffix == ".csv":
        # Undecodable bytes are kept as surrogates so that only their own row fails.
        return _csv_items(path, raw.decode("utf-8", errors="surrogateescape"))
    raise InputError(
        [
            Problem(
                Location(str(path)),
                "expected a folder of scenario files, a .jsonl file or a .csv file",
                hint="Rename the file, or put the scenarios in a folder.",
            )
        ]
    )


def run_item(item: BatchItem, compiled: CompiledKB) -> BatchResult:
    """Advise on one scenario; every input error becomes a failed result, not an exception."""
    if item.unreadable:
        return BatchResult(source=item.source, ok=False, error=item.unreadable)
    try:
        countries = compiled.knowledge_base.countries
        scenario = parse_scenario(item.content, item.path or item.source, countries).scenario
        report = advise(scenario, compiled)
    except InputError as error:
        return BatchResult(source=item.source, ok=False, error=str(_in_file(error, item)))
    except CompassError as error:
        return BatchResult(source=item.source, ok=False, error=str(error))
    return BatchResult(
        source=item.source,
        ok=True,
        title=scenario.title,
        recommendations=tuple(
            {"id": r.id, "stage": r.stage.value, "certainty": r.certainty}
            for r in report.recommendations
        ),
        diagnosis=tuple({"id": d.id, "certainty": d.certainty} for d in report.diagnosis),
        note_hints=report.note_hints,
    )


def _in_file(error: InputError, item: BatchItem) -> InputError:
    """Problems placed at the item's own line (and column) of the batch file."""
    if not item.line:
        return error
    # Each item is one line of the file: its own line 1 is the file's line, and a position
    # past the end of that line (where YAML reports a truncated value) has no column.
    moved = [
        replace(
            problem,
            location=Location(
                item.path,
                item.line,
                problem.location.column if item.columns and problem.location.line == 1 else 0,
            ),
        )
        for problem in error.problems
    ]
    return type(error)(moved)


_WORKER_KB: CompiledKB | None = None


def _start_worker(loader: Callable[[], CompiledKB]) -> None:
    global _WORKER_KB  # noqa: PLW0603 - one compiled KB per worker process, built once
    _WORKER_KB = loader()
    # The worker process is ours and its KB lives as long as it does.
    freeze_long_lived()


def _run_in_worker(item: BatchItem) -> BatchResult:
    assert _WORKER_KB is not None
    return run_item(item, _WORKER_KB)


def run_batch(
    items: Sequence[BatchItem],
    loader: Callable[[], CompiledKB],
    workers: int = 1,
) -> Iterator[BatchResult]:
    """Results in input order; ``loader`` builds the compiled KB (once per worker process)."""
    if workers <= 1:
        compiled = loader()
        for item in items:
            yield run_item(item, compiled)
        return
    with ProcessPoolExecutor(workers, initializer=_start_worker, initargs=(loader,)) as pool:
        yield from pool.map(_run_in_worker, items, chunksize=max(1, len(items) // (workers * 32)))


def summarise(results: Sequence[BatchResult]) -> BatchSummary:
    advice = Counter(r["id"] for result in results for r in result.recommendations)
    return BatchSummary(
        ran=len(results),
        failed=sum(1 for result in results if not result.ok),
        most_frequent_advice=tuple(advice.most_common(5)),
    )
