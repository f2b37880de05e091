"""What a lint check is, and how a family of checks registers them beside their code.

Each family module makes one :class:`Family` and declares every check it reports on it, with
the check's id, severity and description written at the function that looks for it (the way
yamllint and pySigma keep a rule's metadata with the rule), so adding a check is one edit in
one place.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from ...errors import Location
from ...schemas.base import Frozen
from ...schemas.knowledge_base import KnowledgeBase


class Severity(StrEnum):
    error = "error"
    warning = "warning"
    info = "info"


class LintFinding(Frozen):
    check: str
    severity: Severity
    location: str
    message: str
    hint: str = ""
    item: str = ""

    def __str__(self) -> str:
        hint = f" {self.hint}" if self.hint else ""
        return f"{self.location}: {self.severity.value}[{self.check}] {self.message}.{hint}"


@dataclass(frozen=True)
class Check:
    id: str
    severity: Severity
    description: str

    def finding(
        self, location: Location, message: str, hint: str = "", item: str = ""
    ) -> LintFinding:
        """A finding of this check; ``item`` is the id a KB's lint exclusions name."""
        return LintFinding(
            check=self.id,
            severity=self.severity,
            location=str(location),
            message=message,
            hint=hint,
            item=item,
        )


WholeKBCheck = Callable[[Check, KnowledgeBase], Iterator[LintFinding]]


class Family:
    """The checks of one module, in the order the module declares them (the order
    ``--list-checks`` shows), and the functions that look for them in a loaded KB."""

    def __init__(self) -> None:
        self.checks: list[Check] = []
        self.whole_kb: list[tuple[Check, WholeKBCheck]] = []

    def declare(self, check_id: str, severity: Severity, description: str) -> Check:
        """A check found by code outside the whole-KB pass (the runner's own checks)."""
        check = Check(check_id, severity, description)
        self.checks.append(check)
        return check

    def looks_at_kb(
        self, check_id: str, severity: Severity, description: str
    ) -> Callable[[WholeKBCheck], WholeKBCheck]:
        """Register the decorated function as the one that finds ``check_id`` in a whole KB;
        it is called with its check and the KB."""

        def register(function: WholeKBCheck) -> WholeKBCheck:
            self.whole_kb.append((self.declare(check_id, severity, description), function))
            return function

        return register
