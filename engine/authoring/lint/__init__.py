"""``compass kb lint``: every problem in a knowledge base, each with a check id and severity.

Load-time problems (YAML, schema, references, variables) come from the loader with their
problem codes, each described in engine/load beside the code that reports it; the checks here
look at the KB as a whole, one module per family: rules that can never fire and advice no rule
supports (:mod:`.reachability`), rules with the same conditions (:mod:`.overlaps`), conflicting
advice that can be given together and negations tested too early (:mod:`.conflicts`), and
findings nothing concludes and gaps in the culture profiles (:mod:`.gaps`), and rules that speak
of selling without saying whom they are for (:mod:`.roles`). A KB can switch a check off for
named items, with a reason, in a ``lint:`` file (:mod:`.configuration`), which also holds the
data checks read (the words that give a rule away as one side's).
"""

from __future__ import annotations

from .registry import Check, LintFinding, Severity
from .runner import (
    CHECKS,
    LintReport,
    finding_of_problem,
    lint_knowledge_base,
)

__all__ = [
    "CHECKS",
    "Check",
    "LintFinding",
    "LintReport",
    "Severity",
    "finding_of_problem",
    "lint_knowledge_base",
]
