"""The public Python API: the same operations as the CLI, as plain functions.

Each function is one step of the data flow in DESIGN.md §3, or a composition of them. Every
name in ``__all__`` is also importable from the package itself (``from synergy_compass import
advise_file``); errors raised are the ones listed here, all subclasses of ``CompassError``.
"""

from __future__ import annotations

from ..errors import (
    AuditStoreError,
    CompassError,
    InputError,
    KnowledgeBaseError,
    MatchBoundError,
    RunawayRulesError,
    RunError,
    ScenarioError,
)
from ..load.cache_limits import cache_info, clear_caches
from ..load.loader import load_knowledge_base
from ..load.scenario import load_scenario, parse_scenario
from ..pipeline import DEFAULT_STEP_LIMIT
from ..run.compiler import CompiledKB, compile_knowledge_base
from ..schemas.report import Report
from ..schemas.scenario import Scenario
from .auditing import (
    audit_database,
    audit_export,
    audit_replay,
    audit_run,
    audit_runs,
    audit_show,
    audit_verify,
)
from .authoring import (
    kb_catalogue,
    kb_coverage,
    kb_directories,
    kb_docs,
    kb_lint,
    kb_stats,
    kb_test,
)
from .consulting import (
    batch,
    change_scenario,
    compare,
    compare_several,
    comparison_for,
    countries,
    explain_file,
    profile_file_text,
    start_profile,
    team,
    team_from_text,
    whatif_file,
)
from .core import (
    KBRoots,
    advise,
    advise_and_record,
    advise_file,
    compiled_knowledge_base,
    config_settings,
    configured,
    example_scenarios,
    new_scenario,
    read_scenario,
    read_scenario_text,
    start_interview,
    tool_version,
    upgrade_scenario_file,
)

# The code is split by who uses it (core, consulting, authoring, auditing); this package is
# the one public surface, so a caller never needs to know which module holds a function.
__all__ = [
    "DEFAULT_STEP_LIMIT",
    "AuditStoreError",
    "CompassError",
    "CompiledKB",
    "InputError",
    "KBRoots",
    "KnowledgeBaseError",
    "MatchBoundError",
    "Report",
    "RunError",
    "RunawayRulesError",
    "Scenario",
    "ScenarioError",
    "advise",
    "advise_and_record",
    "advise_file",
    "audit_database",
    "audit_export",
    "audit_replay",
    "audit_run",
    "audit_runs",
    "audit_show",
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
    "profile_file_text",
    "read_scenario",
    "read_scenario_text",
    "start_interview",
    "start_profile",
    "team",
    "team_from_text",
    "tool_version",
    "upgrade_scenario_file",
    "whatif_file",
]
