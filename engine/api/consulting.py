"""The consultant's operations beyond advising: comparing cultures, batches, explanations,
what-if.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from ..load.discovery import resolve_roots
from ..load.scenario import LoadedScenario
from ..schemas.report import Report

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from ..consult.batch import BatchResult
    from ..consult.compare import CountrySummary, CultureComparison
    from ..consult.profile import ProfileResult
    from ..consult.profile_session import ProfileSession
    from ..consult.team import TeamMap
    from ..explain.diff import ReportDiff
    from ..explain.why_not import Explanation

from .core import KBRoots, advise, compiled_knowledge_base, read_scenario


def compare(first: str, second: str, roots: KBRoots = None) -> CultureComparison:
    """Two cultures side by side (countries by ISO code, English or common name)."""
    return compare_several((first, second), roots)[0]


def compare_several(names: Sequence[str], roots: KBRoots = None) -> list[CultureComparison]:
    """The first country beside each of the others (two or more, written as for :func:`compare`)."""
    from ..consult.compare import compare_several as compare_all

    return compare_all(names, compiled_knowledge_base(roots).knowledge_base)


def team(path: Path, roots: KBRoots = None, top: int = 2) -> TeamMap:
    """A team file's map: every member on every practical scale (their own position where the
    file or their profile file gives one, else their culture's national score, labelled so),
    and the ``top`` widest gaps, one per scale, with the advice that follows."""
    from ..consult.team import team_map
    from ..consult.team_file import read_team_file

    knowledge_base = compiled_knowledge_base(roots).knowledge_base
    return team_map(read_team_file(path, knowledge_base), knowledge_base, top)


def team_from_text(
    text: str, roots: KBRoots = None, top: int = 2, display_path: str = "team file"
) -> TeamMap:
    """:func:`team` of a team file's text (pasted into the workspace), which has no folder, so
    its members' own positions must be written in it rather than named as profile files."""
    from ..consult.team import team_map
    from ..consult.team_file import read_team_text

    knowledge_base = compiled_knowledge_base(roots).knowledge_base
    read = read_team_text(text.encode("utf-8"), display_path, None, knowledge_base)
    return team_map(read, knowledge_base, top)


def countries(query: str = "", roots: KBRoots = None) -> list[CountrySummary]:
    """The countries the KB has profiles for: those matching ``query``, or the one it names."""
    from ..consult.compare import list_countries

    return list_countries(compiled_knowledge_base(roots).knowledge_base, query)


def comparison_for(report: Report, roots: KBRoots = None) -> CultureComparison | None:
    """The comparison of the report's two cultures, when the KB has both profiles."""
    from ..consult.compare import report_comparison

    return report_comparison(report, compiled_knowledge_base(roots).knowledge_base)


def batch(
    input_path: Path,
    roots: KBRoots = None,
    workers: int = 1,
    *,
    input_format: str | None = None,
    output: Path | None = None,
) -> tuple[int | None, Iterator[BatchResult]]:
    """How many scenarios the input holds when that is known without reading it (a folder's
    files; None for a JSONL or CSV stream), and their results in input order as they come.

    The input is read as the results go (``-``: standard input, JSONL unless ``input_format``
    says csv), so the first result comes before the input is read, and memory stays flat.
    ``output``, the file the caller will write the results to, is refused if it would
    overwrite the input.
    """
    from ..consult.batch import run_batch
    from ..consult.batch_input import open_batch_input, refuse_output_over_input

    refuse_output_over_input(input_path, output)
    directories = tuple(resolve_roots(roots))
    compiled_knowledge_base(directories)  # fail on a broken KB before reading or forking
    source = open_batch_input(input_path, input_format, sys.stdin.buffer)
    loader = partial(compiled_knowledge_base, directories)
    return source.total, run_batch(source.items, loader, workers)


def explain_file(
    scenario_path: Path | LoadedScenario,
    kb_root: KBRoots = None,
    why_not_ids: tuple[str, ...] = (),
    with_near_misses: bool = False,
) -> Explanation:
    """Advise on a scenario file, or one already read (the workspace's), and answer why-not
    questions about rules, advice or findings."""
    from ..explain.answers import explain_report

    compiled = compiled_knowledge_base(kb_root)
    report = advise(_loaded(scenario_path, kb_root).scenario, compiled)
    return explain_report(report, compiled.knowledge_base, why_not_ids, with_near_misses)


def change_scenario(
    loaded: LoadedScenario, settings: tuple[str, ...], kb_root: KBRoots = None
) -> LoadedScenario:
    """A scenario with what-if's ``PATH=VALUE`` changes applied, validated again."""
    from ..consult.whatif import changed_scenario

    countries = compiled_knowledge_base(kb_root).knowledge_base.countries
    return changed_scenario(loaded, settings, countries)


def whatif_file(
    scenario_path: Path | LoadedScenario, settings: tuple[str, ...], kb_root: KBRoots = None
) -> tuple[Report, Report, ReportDiff]:
    """Run a scenario (a file, or one already read) as written and with ``PATH=VALUE``
    changes; diff the two reports."""
    from ..explain.diff import diff_reports

    loaded = _loaded(scenario_path, kb_root)
    changed = change_scenario(loaded, settings, kb_root)
    compiled = compiled_knowledge_base(kb_root)
    before = advise(loaded.scenario, compiled)
    after = advise(changed.scenario, compiled)
    return before, after, diff_reports(before, after, settings)


def _loaded(scenario: Path | LoadedScenario, kb_root: KBRoots) -> LoadedScenario:
    return scenario if isinstance(scenario, LoadedScenario) else read_scenario(scenario, kb_root)


def start_profile(
    roots: KBRoots = None,
    *,
    name: str = "",
    culture: str | None = None,
    questionnaire: str | None = None,
) -> ProfileSession:
    """A self-assessment on the KB's questionnaire (its first, or the one whose id is
    ``questionnaire``) for the person ``name`` from ``culture`` (a country as
    :func:`compare` reads it, checked now, before any question is asked). Answer it with
    ``run`` (lines of text) or ``answer``; ``result()`` gives the profile and its file text
    comes from :func:`profile_file_text`."""
    from ..consult.profile_session import ProfileSession
    from ..errors import InputError, Location, Problem, did_you_mean
    from ..render.safe_text import one_line
    from ..schemas.countries import UnknownCountryError

    knowledge_base = compiled_knowledge_base(roots).knowledge_base
    found = knowledge_base.questionnaires
    chosen = found.get(questionnaire) if questionnaire else next(iter(found.values()), None)
    if chosen is None:
        hint = (
            did_you_mean(questionnaire, found)
            if questionnaire and found
            else "Add kb/questionnaire.yaml (`compass kb schema questionnaire` describes it), "
            "or use the shipped knowledge base."
        )
        what = f"no questionnaire {questionnaire!r}" if questionnaire else "no questionnaire"
        problem = Problem(Location("questionnaire"), f"the knowledge base has {what}", hint=hint)
        raise InputError([problem])
    code = None
    if culture is not None and culture.strip():
        try:
            code = knowledge_base.countries.code(culture)
        except UnknownCountryError as error:
            problem = Problem(Location("culture"), error.what, hint=error.advice)
            raise InputError([problem]) from None
    dimensions = {key: located.value for key, located in knowledge_base.dimensions.items()}
    # the name goes into a file and onto terminals: one line, no control characters
    name = " ".join(one_line(name).split())
    return ProfileSession(chosen.value, dimensions, name=name, culture=code)


def profile_file_text(result: ProfileResult, file_name: str = "my-profile.yaml") -> str:
    """The profile file for a scored self-assessment: a comment header saying how a scenario
    uses it (naming ``file_name``), then the profile."""
    from ..consult.profile import profile_file_text as file_text

    return file_text(result, file_name)
