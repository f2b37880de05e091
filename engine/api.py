"""The public Python API: the same operations as the CLI, as plain functions.

Each function is one step of the data flow in DESIGN.md §3, or a composition of them.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path

from engine.compiler import CompiledKB, compile_knowledge_base
from engine.explain import explain
from engine.facts import build_input_facts
from engine.loader import (
    LoadedScenario,
    default_kb_root,
    kb_digest,
    load_knowledge_base,
    load_scenario,
    parse_scenario,
)
from engine.runner import DEFAULT_STEP_LIMIT, run
from engine.schemas.knowledge_base import KnowledgeBase
from engine.schemas.report import Report
from engine.schemas.scenario import Scenario
from engine.stats import KnowledgeBaseStats, knowledge_base_stats

__all__ = [
    "DEFAULT_STEP_LIMIT",
    "advise",
    "advise_file",
    "compile_knowledge_base",
    "compiled_knowledge_base",
    "kb_stats",
    "load_knowledge_base",
    "load_scenario",
    "parse_scenario",
]


@lru_cache(maxsize=8)
def _compiled(root: Path | None, digest_key: str) -> CompiledKB:
    del digest_key  # part of the cache key only: a changed KB on disk is loaded again
    return compile_knowledge_base(load_knowledge_base(root))


def compiled_knowledge_base(root: Path | None = None) -> CompiledKB:
    """Load, check and compile a KB directory (the shipped one by default), once per content."""
    resolved = (root or default_kb_root()).resolve()
    digest = kb_digest(resolved) if resolved.is_dir() else ""
    return _compiled(root, digest)


def kb_stats(root: Path | None = None) -> KnowledgeBaseStats:
    """Counts of what a knowledge base holds."""
    return knowledge_base_stats(load_knowledge_base(root))


def advise(
    scenario: Scenario,
    compiled: CompiledKB,
    step_limit: int = DEFAULT_STEP_LIMIT,
) -> Report:
    """Diagnose a scenario and build its staged plan with explanations."""
    knowledge_base: KnowledgeBase = compiled.knowledge_base
    facts = build_input_facts(scenario, knowledge_base)
    result = run(compiled, facts, step_limit=step_limit)
    return explain(result, scenario, knowledge_base)


def advise_file(
    scenario_path: Path,
    kb_root: Path | None = None,
    step_limit: int = DEFAULT_STEP_LIMIT,
) -> Report:
    """Load a scenario file (``-`` reads standard input) and advise on it."""
    loaded: LoadedScenario
    if str(scenario_path) == "-":
        loaded = parse_scenario(sys.stdin.buffer.read(), "<stdin>")
    else:
        loaded = load_scenario(scenario_path)
    return advise(loaded.scenario, compiled_knowledge_base(kb_root), step_limit)
