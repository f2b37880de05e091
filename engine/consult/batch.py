"""``compass batch``: advise on many scenarios, in parallel processes, one JSON line each.

Input is a folder of scenario files (YAML or JSON), a JSONL file (one scenario per line), a
CSV file (one scenario per row) or standard input, read as a stream (``batch_input``). A
scenario that fails validation is reported with its error and the others go on. Results keep
the input's order, whatever the number of workers (``batch_workers``), and match what
``compass advise`` gives for each alone. The summary is counted as results go by, so neither
the input nor the results are ever held whole.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Generator, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

from ..errors import CompassError, InputError, Location
from ..load.scenario import parse_scenario
from ..pipeline import advise
from ..run.compiler import CompiledKB
from ..schemas.base import Frozen
from ..schemas.note_hints import NoteHint
from .batch_input import BatchItem
from .batch_workers import run_in_workers


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


class BatchTally:
    """The summary of the results seen so far, counted one result at a time."""

    def __init__(self) -> None:
        self.ran = 0
        self.failed = 0
        self.advice: Counter[str] = Counter()

    def add(self, result: BatchResult) -> None:
        self.ran += 1
        self.failed += not result.ok
        self.advice.update(r["id"] for r in result.recommendations)

    def summary(self) -> BatchSummary:
        return BatchSummary(
            ran=self.ran, failed=self.failed, most_frequent_advice=tuple(self.advice.most_common(5))
        )


def run_item(item: BatchItem, compiled: CompiledKB) -> BatchResult:
    """Advise on one scenario; every input error becomes a failed result, not an exception."""
    if item.unreadable:
        return BatchResult(source=item.source, ok=False, error=item.unreadable)
    try:
        countries = compiled.knowledge_base.countries
        # Profile files are read beside the scenario file, or beside the JSONL or CSV file
        # that holds it (a line of standard input: the working directory).
        folder = Path(item.path or item.source).parent
        loaded = parse_scenario(item.content, item.path or item.source, countries, folder)
        # a result line reads ids, stages and certainties: no HOW trees to build
        report = advise(loaded.scenario, compiled, how_trees=False)
    except InputError as error:
        return BatchResult(source=item.source, ok=False, error=str(_in_file(error, item)))
    except CompassError as error:
        return BatchResult(source=item.source, ok=False, error=str(error))
    return BatchResult(
        source=item.source,
        ok=True,
        title=loaded.scenario.title,
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


def _lost(item: BatchItem, message: str) -> BatchResult:
    return BatchResult(source=item.source, ok=False, error=message)


def run_batch(
    items: Iterable[BatchItem],
    loader: Callable[[], CompiledKB],
    workers: int = 1,
) -> Generator[BatchResult, None, None]:
    """Results in input order, each as soon as it is next; ``loader`` builds the compiled KB
    (once per worker process). ``items`` is read as the work goes, a bounded way ahead."""
    if workers <= 1:
        compiled = loader()
        for item in items:
            yield run_item(item, compiled)
        return
    yield from run_in_workers(items, loader, run_item, _lost, workers)


def summarise(results: Iterable[BatchResult]) -> BatchSummary:
    tally = BatchTally()
    for result in results:
        tally.add(result)
    return tally.summary()
