"""The advice pipeline, once: scenario → input facts → run → explain.

The API, batches, ``kb test``, ``kb coverage`` and ``kb docs`` all advise through here, so a
scenario gets the same report whichever of them runs it, and the step limit and when the
garbage collector may work are decided in one place.
"""

from __future__ import annotations

from dataclasses import dataclass

from .explain.note_hints import find_note_hints, note_hint_table
from .explain.report import explain
from .run.compiler import CompiledKB
from .run.garbage_collection import collection_paused
from .run.input_facts import build_input_facts
from .run.runner import MIN_STEP_LIMIT, run
from .schemas.report import Report
from .schemas.results import RunResult
from .schemas.scenario import Scenario

DEFAULT_STEP_LIMIT = MIN_STEP_LIMIT
"""The fewest rule firings a run may make before it is stopped as a runaway
(``RunawayRulesError``). Given no limit (``step_limit=None``), a run's limit grows with the
KB's rule branches and the scenario's facts from there (``run.runner.automatic_step_limit``);
docs/kb-authoring.md explains it."""


@dataclass(frozen=True, slots=True)
class ExplainedRun:
    """A scenario's run and the report explained from it: KB authoring reads the run itself
    (which rules fired, why the others did not), advice only the report."""

    result: RunResult
    report: Report


def explained_run(
    scenario: Scenario,
    compiled: CompiledKB,
    step_limit: int | None = None,
    *,
    how_trees: bool = True,
) -> ExplainedRun:
    """Run a scenario on a compiled KB and explain the run; the report also lists the words of
    the scenario's free text that name facts the form can hold (the KB's note-hint table).

    Without ``how_trees`` the report's evidence holds no HOW trees (``Evidence.how`` empty):
    for a caller whose output reads none, such as a batch's result lines, which saves about a
    tenth of explaining the run. The JSON report, the audit record and the HOW sections of the
    text and documents read them.

    Safe to call from several threads at once on the same compiled KB: each thread runs its
    own engine. No cyclic garbage collection happens during the call (see
    :mod:`engine.run.garbage_collection`); the collector is as it was once it returns.
    """
    knowledge_base = compiled.knowledge_base
    # the hints read the scenario alone: found first, the report is made with them, not copied
    hints = find_note_hints(scenario, note_hint_table(knowledge_base))
    with collection_paused():
        result = run(compiled, build_input_facts(scenario, knowledge_base), step_limit)
        report = explain(result, scenario, knowledge_base, note_hints=hints, how_trees=how_trees)
    return ExplainedRun(result, report)


def advise(
    scenario: Scenario,
    compiled: CompiledKB,
    step_limit: int | None = None,
    *,
    how_trees: bool = True,
) -> Report:
    """The diagnosis and staged plan for a scenario, with their explanations (without HOW
    trees when ``how_trees`` is false: see :func:`explained_run`)."""
    return explained_run(scenario, compiled, step_limit, how_trees=how_trees).report


def scenario_run(
    scenario: Scenario, compiled: CompiledKB, step_limit: int | None = None
) -> RunResult:
    """A scenario's run alone, for a caller that reads which rules fired and the final facts
    but no report (``kb coverage`` runs every example scenario and explains none)."""
    with collection_paused():
        return run(compiled, build_input_facts(scenario, compiled.knowledge_base), step_limit)
