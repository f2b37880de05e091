"""The knowledge engineer's operations: statistics, lint, the example scenarios' tests and
coverage, the catalogue.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..load.discovery import resolve_roots
from ..load.loader import load_knowledge_base

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

    return knowledge_base_stats(load_knowledge_base(roots))


def kb_lint(roots: KBRoots = None) -> LintReport:
    """Every problem in a knowledge base, loadable or not."""
    from ..authoring.lint import lint_knowledge_base

    return lint_knowledge_base(roots)


def kb_directories(roots: KBRoots = None) -> list[Path]:
    """The KB directories a command loads, in order (the shipped KB first under an extension):
    the bases CI formats name the findings' files from."""
    return resolve_roots(roots)


def kb_test(roots: KBRoots = None) -> KBTestReport:
    """Run the example scenarios' expectations."""
    from ..authoring.scenario_tests import run_kb_tests

    return run_kb_tests(compiled_knowledge_base(roots))


def kb_coverage(roots: KBRoots = None) -> CoverageReport:
    """What the example scenarios leave untested."""
    from ..authoring.coverage import coverage

    return coverage(compiled_knowledge_base(roots))


def kb_catalogue(roots: KBRoots = None) -> KBCatalogue:
    """Every rule, advice, finding, source and example scenario of a KB, linked both ways."""
    from ..authoring.kb_records import kb_catalogue as catalogue

    return catalogue(compiled_knowledge_base(roots))


def kb_docs(out: Path, roots: KBRoots = None) -> list[Path]:
    """Write the Markdown catalogue of a knowledge base into ``out``."""
    from ..authoring.catalogue import write_docs

    return write_docs(compiled_knowledge_base(roots), out)
