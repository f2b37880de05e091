"""The knowledge engineer's operations: statistics, lint, the example scenarios' tests and
coverage, the catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..load.discovery import resolve_roots
from ..load.loader import load_knowledge_base
from ..run.garbage_collection import collection_paused

if TYPE_CHECKING:  # the modules behind the other commands are imported when first used
    from ..authoring.coverage import CoverageReport
    from ..authoring.kb_records import KBCatalogue
    from ..authoring.lint import LintReport
    from ..authoring.scenario_tests import KBTestReport
    from ..authoring.stats import KnowledgeBaseStats

from .core import KBRoots, compiled_knowledge_base


def kb_stats(roots: KBRoots = None) -> KnowledgeBaseStats:
    """Counts of what a knowledge base holds."""
    from ..authoring.stats import knowledge_base_stats

    with collection_paused():  # as compiled_knowledge_base loads: see run.garbage_collection
        return knowledge_base_stats(load_knowledge_base(roots))


def kb_lint(roots: KBRoots = None, *, all_layers: bool = False) -> LintReport:
    """Every problem in a knowledge base, loadable or not: for an extension, those in its
    files or caused by them, unless ``all_layers``."""
    from ..authoring.lint import lint_knowledge_base

    with collection_paused():  # it loads the KB; cycles made are collected when it returns
        return lint_knowledge_base(roots, all_layers=all_layers)


def kb_directories(roots: KBRoots = None) -> list[Path]:
    """The KB directories a command loads, in order (the shipped KB first under an extension):
    the bases CI formats name the findings' files from."""
    return resolve_roots(roots)


def kb_test(roots: KBRoots = None, *, all_layers: bool = False) -> KBTestReport:
    """Run the example scenarios' expectations: for an extension, its own scenarios, unless
    ``all_layers``."""
    from ..authoring.layers import layer_scope
    from ..authoring.scenario_tests import run_kb_tests

    compiled = compiled_knowledge_base(roots)
    return run_kb_tests(compiled, layer_scope(compiled.knowledge_base, all_layers=all_layers))


def kb_coverage(roots: KBRoots = None, *, all_layers: bool = False) -> CoverageReport:
    """What the example scenarios leave untested: for an extension, what its scenarios leave
    untested of its rules and advice, unless ``all_layers``."""
    from ..authoring.coverage import coverage
    from ..authoring.layers import layer_scope

    compiled = compiled_knowledge_base(roots)
    scope = layer_scope(compiled.knowledge_base, all_layers=all_layers)
    if scope.reported is None:
        return coverage(compiled)
    knowledge_base = compiled.knowledge_base
    rules = {rule.value.id for rule in knowledge_base.rules if scope.covers(rule)}
    report = coverage(
        compiled,
        only_rules=rules,
        only_advice={id_ for id_, advice in knowledge_base.advice.items() if scope.covers(advice)},
        scenarios=scope.scenario_files(),
    )
    left_out = len(knowledge_base.rules) - len(rules)
    return report.model_copy(update={"layer": scope.label, "left_out": left_out})


def kb_catalogue(roots: KBRoots = None) -> KBCatalogue:
    """Every rule, advice, finding, source and example scenario of a KB, linked both ways."""
    from ..authoring.kb_records import kb_catalogue as catalogue

    return catalogue(compiled_knowledge_base(roots))


def kb_docs(out: Path, roots: KBRoots = None) -> list[Path]:
    """Write the Markdown catalogue of a knowledge base into ``out``."""
    from ..authoring.catalogue import write_docs

    return write_docs(compiled_knowledge_base(roots), out)
