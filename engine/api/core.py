"""The core every command goes through: the compiled KB (loaded once per content), reading
scenarios, advising, recording a run, the tool's version, the config file and new scenarios.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from .. import pipeline
from ..load.cache import code_stamp, derived_caching, is_sha256, read_derived, write_derived
from ..load.discovery import KBContent, default_kb_root, read_kb, resolve_roots
from ..load.files_signature import FilesSignature, kb_files_signature
from ..load.iso_countries import kept_iso_rows
from ..load.loader import load_knowledge_base
from ..load.scenario import LoadedScenario, load_scenario, parse_scenario, read_scenario_stream
from ..run.compiler import CompiledKB, compile_knowledge_base
from ..run.garbage_collection import collection_paused
from ..schemas.countries import CountryResolver
from ..schemas.iso_countries import read_iso_rows_with
from ..schemas.report import Report
from ..schemas.scenario import Scenario

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from ..audit import RunSummary
    from ..consult.interview import Interview
    from ..schemas.config import ConfigFile, EffectiveSettings

# ISO 3166's table is read from the product cache when it holds pycountry's rows: importing
# pycountry for them was about 2 % of a start with warm caches.
read_iso_rows_with(kept_iso_rows)

KBRoots = Path | Sequence[Path] | None
"""One KB directory, several (each extending the ones before), or None for the shipped KB."""


# The files just read to hash them, for the load that follows when the KB is not compiled yet
# (see compiled_knowledge_base): kept only for that call, never part of the cache's key.
_just_read: dict[tuple[tuple[Path, ...], str], KBContent] = {}


@lru_cache(maxsize=8)
def _compiled(roots: tuple[Path, ...], digest_key: str) -> CompiledKB:
    # The digest is part of the cache key: a KB changed on disk is loaded again.
    content = _just_read.get((roots, digest_key))
    with collection_paused():
        return compile_knowledge_base(load_knowledge_base(roots, digest_key, content=content))


def compiled_knowledge_base(roots: KBRoots = None) -> CompiledKB:
    """Load, check and compile KB directories (the shipped one by default), once per content."""
    directories = tuple(resolve_roots(roots))
    digest, content = _current_digest(directories)
    if content is None:
        return _compiled(directories, digest)
    key = (directories, digest)
    _just_read[key] = content  # a load without a checked-KB entry parses these bytes
    try:
        return _compiled(directories, digest)
    finally:
        _just_read.pop(key, None)


# The digest last computed for each set of KB directories, and their files' signature then.
_known_digests: dict[tuple[Path, ...], tuple[FilesSignature, str]] = {}


def _current_digest(directories: tuple[Path, ...]) -> tuple[str, KBContent | None]:
    """:func:`kb_digest` of the directories, without reading a file when none changed since it
    was last computed (a web page or a program asking again for its compiled KB pays a few
    hundred ``stat`` calls, not a hash of every file), in this process or an earlier one; and
    the files as read to hash them, if they were."""
    signature = kb_files_signature(directories)
    if signature is None:
        read = read_kb(directories)
        return read.digest, read
    known = _known_digests.get(directories)
    if known is not None and known[0] == signature:
        return known[1], None
    digest = _stored_digest(directories, signature)
    content: KBContent | None = None
    if digest is None:
        content = read_kb(directories)
        digest = content.digest
        _store_digest(directories, signature, digest)
    if len(_known_digests) >= 16:  # KBs asked for long ago: forget them
        _known_digests.clear()
    _known_digests[directories] = (signature, digest)
    return digest, content


# A KB's digest is also kept on disk under its files' signature: hashing every file is most of
# what a start with warm caches spends before validating anything (about 10 ms of the shipped
# KB's 193 files), and the signature, which any write to a file changes, costs a sixth of that.
# The code that walks and hashes the files is part of the key, so an upgrade hashes again.
_DIGESTS = "kb-digest"


def _digest_key(directories: tuple[Path, ...], signature: FilesSignature) -> list[object]:
    return [code_stamp("load"), [str(path) for path in directories], signature]


def _stored_digest(directories: tuple[Path, ...], signature: FilesSignature) -> str | None:
    if not derived_caching(_DIGESTS):
        return None
    stored = read_derived(_DIGESTS, _digest_key(directories, signature))
    return stored if is_sha256(stored) else None


def _store_digest(directories: tuple[Path, ...], signature: FilesSignature, digest: str) -> None:
    if derived_caching(_DIGESTS):
        write_derived(_DIGESTS, _digest_key(directories, signature), digest)


def advise(
    scenario: Scenario,
    compiled: CompiledKB,
    step_limit: int | None = None,
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
    return _read_scenario(scenario_path, _countries_of(kb_root))


def _read_scenario(scenario_path: Path, countries: CountryResolver | None) -> LoadedScenario:
    if str(scenario_path) == "-":
        raw = read_scenario_stream(sys.stdin.buffer, "<stdin>")
        # Profile files named in a scenario piped in are read from the working directory.
        return parse_scenario(raw, "<stdin>", countries, Path.cwd())
    return load_scenario(scenario_path, countries)


def read_scenario_text(
    raw: bytes, display_path: str, kb_root: KBRoots = None, *, folder: Path | None = None
) -> LoadedScenario:
    """Validate scenario text (pasted, uploaded, from a form) as :func:`read_scenario` does;
    the profile files it names are read from ``folder`` (none: a profile file is a problem)."""
    return parse_scenario(raw, display_path, _countries_of(kb_root), folder)


def _countries_of(kb_root: KBRoots) -> CountryResolver | None:
    # The shipped aliases need no compiled KB; an extension's aliases come with its KB.
    return None if kb_root is None else compiled_knowledge_base(kb_root).knowledge_base.countries


def upgrade_scenario_file(scenario_path: Path) -> str:
    """A scenario file (``-`` reads standard input) in the version-2 format, with its comments
    and layout; the text unchanged when it already is (see :mod:`engine.load.scenario_upgrade`)."""
    from ..load.scenario_upgrade import upgrade_scenario, upgrade_scenario_file

    if str(scenario_path) == "-":
        return upgrade_scenario(read_scenario_stream(sys.stdin.buffer, "<stdin>"), "<stdin>")
    return upgrade_scenario_file(scenario_path)


def advise_file(
    scenario_path: Path,
    kb_root: KBRoots = None,
    step_limit: int | None = None,
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
    step_limit: int | None = None,
    audit_path: Path | None = None,
    deliver: Callable[[Report], object] | None = None,
) -> tuple[Report, RunSummary | None]:
    """Advise on a scenario file, or on a scenario already validated (the interview's), and
    append the run to the audit store at ``audit_path`` (None: do not record) with the KB
    layers it used, the user and the host (see :mod:`engine.audit.provenance`).

    ``deliver`` is given the report before the run is recorded: the record says advice was
    given, so when writing it out fails, nothing is recorded."""
    compiled = compiled_knowledge_base(kb_root)
    if isinstance(scenario_path, Scenario):
        scenario = scenario_path
    else:
        # The KB is wanted anyway and its resolver has the countries file checked with it: the
        # shipped aliases are not read and validated a second time. A scenario with problems
        # is still refused with the same messages, after the KB is loaded.
        scenario = _read_scenario(scenario_path, compiled.knowledge_base.countries).scenario
    report = advise(scenario, compiled, step_limit)
    if deliver is not None:
        deliver(report)
    if audit_path is None:
        return report, None
    from .. import audit

    loaded = compiled.knowledge_base
    recorded = audit.record_run(
        audit_path,
        scenario,
        report,
        tool_version(),
        layers=audit.kb_layers(loaded.roots, loaded.digest),
        user=audit.run_by(),
        host=audit.run_on(),
    )
    return report, recorded


def new_scenario(example: str | None = None) -> str:
    """A scenario to start from: the commented template of every field, or the shipped example
    scenario of that name (see :mod:`engine.consult.template`)."""
    from ..consult.template import example_scenario, scenario_template

    return scenario_template() if example is None else example_scenario(example)


def example_scenarios() -> list[tuple[str, str]]:
    """(name, title) of every shipped example scenario, by name."""
    from ..consult.template import example_scenarios as shipped_examples

    return shipped_examples()


def configured() -> ConfigFile:
    """The user's config file, checked (every default when there is none)."""
    from ..load.config import read_config

    return read_config().config


def config_settings(command_line: Mapping[str, tuple[str, str]]) -> EffectiveSettings:
    """Every setting in effect and where it came from; ``command_line`` maps a setting to the
    option that set it and its value (see :mod:`engine.load.config`)."""
    from .. import audit
    from ..load.config import read_config, settings_in_effect

    audit_path = (audit.ENVIRONMENT_VARIABLE, audit.default_path())
    return settings_in_effect(read_config(), default_kb_root(), audit_path, command_line)


def start_interview(kb_root: KBRoots = None) -> Interview:
    """A new interview (see :mod:`engine.consult.interview`); countries are read with the
    aliases of the KB at ``kb_root`` (an extension's too), by default the shipped KB's."""
    from ..consult.interview import Interview

    return Interview(_countries_of(kb_root))
