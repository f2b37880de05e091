"""The public Python API: the same operations as the CLI, as plain functions.

Each function is one step of the data flow in DESIGN.md §3, or a composition of them. Every
name in ``__all__`` is also importable from the package itself (``from synergy_compass import
advise_file``); errors raised are the ones listed here, all subclasses of ``CompassError``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from functools import lru_cache, partial
from pathlib import Path
from typing import TYPE_CHECKING

from . import pipeline
from .consult.template import example_scenarios
from .errors import (
    AuditStoreError,
    CompassError,
    InputError,
    KnowledgeBaseError,
    RunawayRulesError,
    RunError,
    ScenarioError,
)
from .load.cache_limits import cache_info, clear_caches
from .load.discovery import default_kb_root, kb_digest, resolve_roots
from .load.loader import load_knowledge_base
from .load.scenario import LoadedScenario, load_scenario, parse_scenario
from .pipeline import DEFAULT_STEP_LIMIT
from .run.compiler import CompiledKB, compile_knowledge_base
from .run.garbage_collection import collection_paused
from .schemas.countries import CountryResolver
from .schemas.report import Report
from .schemas.scenario import Scenario

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from .audit import RunSummary, StoredRun, Verification
    from .authoring.kb_records import KBCatalogue
    from .authoring.lint import LintReport
    from .authoring.scenario_tests import CoverageReport, KBTestReport
    from .authoring.stats import KnowledgeBaseStats
    from .consult.batch import BatchResult
    from .consult.compare import CountrySummary, CultureComparison
    from .consult.interview import Interview
    from .explain.diff import ReportDiff
    from .explain.why_not import Explanation
    from .schemas.config import ConfigFile, EffectiveSettings

KBRoots = Path | Sequence[Path] | None
"""One KB directory, several (each extending the ones before), or None for the shipped KB."""

__all__ = [
    "DEFAULT_STEP_LIMIT",
    "AuditStoreError",
    "CompassError",
    "CompiledKB",
    "InputError",
    "KBRoots",
    "KnowledgeBaseError",
    "Report",
    "RunError",
    "RunawayRulesError",
    "Scenario",
    "ScenarioError",
    "advise",
    "advise_and_record",
    "advise_file",
    "audit_replay",
    "audit_run",
    "audit_runs",
    "audit_verify",
    "batch",
    "cache_info",
    "change_scenario",
    "clear_caches",
    "compare",
    "compare_several",
    "comparison_for",
    "compile_knowledge_base",
    "compiled_knowledge_base",
    "config_settings",
    "configured",
    "countries",
    "example_scenarios",
    "explain_file",
    "kb_catalogue",
    "kb_coverage",
    "kb_directories",
    "kb_docs",
    "kb_lint",
    "kb_stats",
    "kb_test",
    "load_knowledge_base",
    "load_scenario",
    "new_scenario",
    "parse_scenario",
    "read_scenario",
    "read_scenario_text",
    "start_interview",
    "tool_version",
    "upgrade_scenario_file",
    "whatif_file",
]


@lru_cache(maxsize=8)
def _compiled(roots: tuple[Path, ...], digest_key: str) -> CompiledKB:
    # The digest is part of the cache key: a KB changed on disk is loaded again.
    with collection_paused():
        return compile_knowledge_base(load_knowledge_base(roots, digest_key))


def compiled_knowledge_base(roots: KBRoots = None) -> CompiledKB:
    """Load, check and compile KB directories (the shipped one by default), once per content."""
    directories = tuple(resolve_roots(roots))
    return _compiled(directories, kb_digest(directories))


def kb_stats(roots: KBRoots = None) -> KnowledgeBaseStats:
    """Counts of what a knowledge base holds."""
    from .authoring.stats import knowledge_base_stats

    return knowledge_base_stats(load_knowledge_base(roots))


def compare(first: str, second: str, roots: KBRoots = None) -> CultureComparison:
    """Two cultures side by side (countries by ISO code, English or common name)."""
    return compare_several((first, second), roots)[0]


def compare_several(names: Sequence[str], roots: KBRoots = None) -> list[CultureComparison]:
    """The first country beside each of the others (two or more, written as for :func:`compare`)."""
    from .consult.compare import compare_several as compare_all

    return compare_all(names, compiled_knowledge_base(roots).knowledge_base)


def countries(query: str = "", roots: KBRoots = None) -> list[CountrySummary]:
    """The countries the KB has profiles for: those matching ``query``, or the one it names."""
    from .consult.compare import list_countries

    return list_countries(compiled_knowledge_base(roots).knowledge_base, query)


def comparison_for(report: Report, roots: KBRoots = None) -> CultureComparison | None:
    """The comparison of the report's two cultures, when the KB has both profiles."""
    from .consult.compare import report_comparison

    return report_comparison(report, compiled_knowledge_base(roots).knowledge_base)


def batch(
    input_path: Path, roots: KBRoots = None, workers: int = 1
) -> tuple[int, Iterator[BatchResult]]:
    """How many scenarios the input holds, and their results in input order as they come."""
    from .consult.batch import read_batch_input, run_batch

    items = read_batch_input(input_path)
    directories = tuple(resolve_roots(roots))
    compiled_knowledge_base(directories)  # fail on a broken KB before starting workers
    loader = partial(compiled_knowledge_base, directories)
    return len(items), run_batch(items, loader, workers)


def new_scenario(example: str | None = None) -> str:
    """A scenario to start from: the commented template of every field, or the shipped example
    scenario of that name (see :mod:`engine.consult.template`)."""
    from .consult.template import example_scenario, scenario_template

    return scenario_template() if example is None else example_scenario(example)


def configured() -> ConfigFile:
    """The user's config file, checked (every default when there is none)."""
    from .load.config import read_config

    return read_config().config


def config_settings(command_line: Mapping[str, tuple[str, str]]) -> EffectiveSettings:
    """Every setting in effect and where it came from; ``command_line`` maps a setting to the
    option that set it and its value (see :mod:`engine.load.config`)."""
    from . import audit
    from .load.config import read_config, settings_in_effect

    audit_path = (audit.ENVIRONMENT_VARIABLE, audit.default_path())
    return settings_in_effect(read_config(), default_kb_root(), audit_path, command_line)


def start_interview(kb_root: KBRoots = None) -> Interview:
    """A new interview (see :mod:`engine.consult.interview`); countries are read with the
    aliases of the KB at ``kb_root`` (an extension's too), by default the shipped KB's."""
    from .consult.interview import Interview

    return Interview(_countries_of(kb_root))


def kb_lint(roots: KBRoots = None) -> LintReport:
    """Every problem in a knowledge base, loadable or not."""
    from .authoring.lint import lint_knowledge_base

    return lint_knowledge_base(roots)


def kb_directories(roots: KBRoots = None) -> list[Path]:
    """The KB directories a command loads, in order (the shipped KB first under an extension):
    the bases CI formats name the findings' files from."""
    return resolve_roots(roots)


def kb_test(roots: KBRoots = None) -> KBTestReport:
    """Run the example scenarios' expectations."""
    from .authoring.scenario_tests import run_kb_tests

    return run_kb_tests(compiled_knowledge_base(roots))


def kb_coverage(roots: KBRoots = None) -> CoverageReport:
    """What the example scenarios leave untested."""
    from .authoring.scenario_tests import coverage

    return coverage(compiled_knowledge_base(roots))


def kb_catalogue(roots: KBRoots = None) -> KBCatalogue:
    """Every rule, advice, finding, source and example scenario of a KB, linked both ways."""
    from .authoring.kb_records import kb_catalogue as catalogue

    return catalogue(compiled_knowledge_base(roots))


def kb_docs(out: Path, roots: KBRoots = None) -> list[Path]:
    """Write the Markdown catalogue of a knowledge base into ``out``."""
    from .authoring.catalogue import write_docs

    return write_docs(compiled_knowledge_base(roots), out)


def advise(
    scenario: Scenario,
    compiled: CompiledKB,
    step_limit: int = DEFAULT_STEP_LIMIT,
) -> Report:
    """Diagnose a scenario and build its staged plan with explanations.

    Threads may advise at once on the same compiled KB (each runs its own engine, built the
    first time that thread advises) and get the report a single thread would. Get the compiled
    KB first: two threads asking :func:`compiled_knowledge_base` for a KB not yet built may
    each build it. The garbage collector is left as it was found (see
    :func:`engine.pipeline.explained_run`).
    """
    return pipeline.advise(scenario, compiled, step_limit)


def read_scenario(scenario_path: Path, kb_root: KBRoots = None) -> LoadedScenario:
    """Load a scenario file; ``-`` reads standard input. Countries are read with the aliases
    of the KB at ``kb_root`` (an extension's too), by default the shipped KB's."""
    if str(scenario_path) == "-":
        return read_scenario_text(sys.stdin.buffer.read(), "<stdin>", kb_root)
    return load_scenario(scenario_path, _countries_of(kb_root))


def read_scenario_text(raw: bytes, display_path: str, kb_root: KBRoots = None) -> LoadedScenario:
    """Validate scenario text (pasted, uploaded, from a form) as :func:`read_scenario` does."""
    return parse_scenario(raw, display_path, _countries_of(kb_root))


def _countries_of(kb_root: KBRoots) -> CountryResolver | None:
    # The shipped aliases need no compiled KB; an extension's aliases come with its KB.
    return None if kb_root is None else compiled_knowledge_base(kb_root).knowledge_base.countries


def upgrade_scenario_file(scenario_path: Path) -> str:
    """A scenario file (``-`` reads standard input) in the version-2 format, with its comments
    and layout; the text unchanged when it already is (see :mod:`engine.load.scenario_upgrade`)."""
    from .load.scenario_upgrade import upgrade_scenario, upgrade_scenario_file

    if str(scenario_path) == "-":
        return upgrade_scenario(sys.stdin.buffer.read(), "<stdin>")
    return upgrade_scenario_file(scenario_path)


def advise_file(
    scenario_path: Path,
    kb_root: KBRoots = None,
    step_limit: int = DEFAULT_STEP_LIMIT,
) -> Report:
    """Load a scenario file (``-`` reads standard input) and advise on it."""
    loaded = read_scenario(scenario_path, kb_root)
    return advise(loaded.scenario, compiled_knowledge_base(kb_root), step_limit)


def tool_version() -> str:
    """The installed version of Synergy Compass."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("synergy-compass")
    except PackageNotFoundError:
        return "unknown"


def advise_and_record(
    scenario_path: Path | Scenario,
    kb_root: KBRoots = None,
    step_limit: int = DEFAULT_STEP_LIMIT,
    audit_path: Path | None = None,
) -> tuple[Report, RunSummary | None]:
    """Advise on a scenario file, or on a scenario already validated (the interview's), and
    append the run to the audit store at ``audit_path`` (None: do not record)."""
    if isinstance(scenario_path, Scenario):
        scenario = scenario_path
    else:
        scenario = read_scenario(scenario_path, kb_root).scenario
    report = advise(scenario, compiled_knowledge_base(kb_root), step_limit)
    if audit_path is None:
        return report, None
    from . import audit

    return report, audit.record_run(audit_path, scenario, report, tool_version())


def explain_file(
    scenario_path: Path | LoadedScenario,
    kb_root: KBRoots = None,
    why_not_ids: tuple[str, ...] = (),
    with_near_misses: bool = False,
) -> Explanation:
    """Advise on a scenario file, or one already read (the workspace's), and answer why-not
    questions about rules, advice or findings."""
    from .explain.answers import explain_report

    compiled = compiled_knowledge_base(kb_root)
    report = advise(_loaded(scenario_path, kb_root).scenario, compiled)
    return explain_report(report, compiled.knowledge_base, why_not_ids, with_near_misses)


def change_scenario(
    loaded: LoadedScenario, settings: tuple[str, ...], kb_root: KBRoots = None
) -> LoadedScenario:
    """A scenario with what-if's ``PATH=VALUE`` changes applied, validated again."""
    from .consult.whatif import changed_scenario

    countries = compiled_knowledge_base(kb_root).knowledge_base.countries
    return changed_scenario(loaded, settings, countries)


def whatif_file(
    scenario_path: Path | LoadedScenario, settings: tuple[str, ...], kb_root: KBRoots = None
) -> tuple[Report, Report, ReportDiff]:
    """Run a scenario (a file, or one already read) as written and with ``PATH=VALUE``
    changes; diff the two reports."""
    from .explain.diff import diff_reports

    loaded = _loaded(scenario_path, kb_root)
    changed = change_scenario(loaded, settings, kb_root)
    compiled = compiled_knowledge_base(kb_root)
    before = advise(loaded.scenario, compiled)
    after = advise(changed.scenario, compiled)
    return before, after, diff_reports(before, after, settings)


def _loaded(scenario: Path | LoadedScenario, kb_root: KBRoots) -> LoadedScenario:
    return scenario if isinstance(scenario, LoadedScenario) else read_scenario(scenario, kb_root)


def audit_runs(audit_path: Path) -> list[RunSummary]:
    """Every run recorded in the audit database at ``audit_path``, oldest first."""
    from .audit import list_runs

    return list_runs(audit_path)


def audit_run(audit_path: Path, run_id: str) -> StoredRun:
    """One recorded run by its id or a unique prefix, rebuilt from the record alone."""
    from . import audit

    return audit.load_run(audit_path, run_id)


def audit_verify(audit_path: Path) -> Verification:
    """Walk the audit database's hash chain; says where it first breaks, if it does."""
    from . import audit

    return audit.verify(audit_path)


def audit_replay(
    audit_path: Path, run_id: str, kb_root: KBRoots = None
) -> tuple[StoredRun, Report, ReportDiff]:
    """Re-run a recorded scenario on the current KB and diff it with the recorded report."""
    from . import audit
    from .explain.diff import diff_reports

    stored = audit.load_run(audit_path, run_id)
    current = advise(stored.scenario, compiled_knowledge_base(kb_root))
    return stored, current, diff_reports(stored.report, current)
