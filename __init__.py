"""Synergy Compass: an open, explainable expert system for cross-cultural business.

This checkout's root is the installed package ``synergy_compass``: ``engine/`` is
``synergy_compass.engine``, ``cli.py`` is ``synergy_compass.cli`` and ``kb/`` ships as its data.
The Python API is :mod:`synergy_compass.engine.api`; its main functions are re-exported here::

    from synergy_compass import advise_file
    report = advise_file(Path("kb/scenarios/allen-japan.yaml"))
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine.api import (
        DEFAULT_STEP_LIMIT,
        AuditStoreError,
        CompassError,
        CompiledKB,
        InputError,
        KBRoots,
        KnowledgeBaseError,
        MatchBoundError,
        Report,
        RunawayRulesError,
        RunError,
        Scenario,
        ScenarioError,
        advise,
        advise_and_record,
        advise_file,
        audit_database,
        audit_export,
        audit_replay,
        audit_run,
        audit_runs,
        audit_show,
        audit_verify,
        batch,
        change_scenario,
        compare,
        compare_several,
        comparison_for,
        compile_knowledge_base,
        compiled_knowledge_base,
        countries,
        explain_file,
        kb_catalogue,
        kb_coverage,
        kb_directories,
        kb_docs,
        kb_lint,
        kb_stats,
        kb_test,
        load_knowledge_base,
        load_scenario,
        parse_scenario,
        profile_file_text,
        read_scenario,
        read_scenario_text,
        start_interview,
        start_profile,
        team,
        team_from_text,
        tool_version,
        upgrade_scenario_file,
        whatif_file,
    )

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


def __getattr__(name: str) -> Any:
    # Imported when first asked for: `compass` starts through synergy_compass.cli, which pauses
    # the garbage collector before it imports the engine; an eager import here would run first.
    if name in __all__:
        return getattr(import_module(".engine.api", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
