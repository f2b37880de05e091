"""The single error tree of Synergy Compass.

Every error a user can cause is an :class:`InputError`; its ``str()`` is the message the user
reads: one line per problem, each starting with ``path:line:col`` and saying what was expected,
what was found and how to fix it. The CLI maps the classes to exit codes and never needs to
format anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum


def shorten(text: str, limit: int = 60) -> str:
    """Text cut to ``limit`` characters, so a huge value never makes a huge message."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class Location:
    """A place in a file; ``line`` and ``column`` are 1-based, 0 when unknown."""

    path: str
    line: int = 0
    column: int = 0

    def __str__(self) -> str:
        if self.line and self.column:
            return f"{self.path}:{self.line}:{self.column}"
        if self.line:
            return f"{self.path}:{self.line}"
        return self.path


class ProblemCode(StrEnum):
    """What kind of problem a knowledge base has; each is the id of a check of
    ``compass kb lint``, described beside the code in engine/load that reports it.

    The order is the order ``compass kb lint --list-checks`` shows them in.
    """

    yaml = "yaml"
    schema = "schema"
    missing_manifest = "missing-manifest"
    duplicate_id = "duplicate-id"
    unknown_reference = "unknown-reference"
    unknown_fact = "unknown-fact"
    unbound_variable = "unbound-variable"
    invalid_condition = "invalid-condition"
    rule_without_rationale = "rule-without-rationale"
    rule_without_source = "rule-without-source"
    score_out_of_range = "score-out-of-range"
    unknown_scenario_field = "unknown-scenario-field"
    cache = "cache"
    """A checked-KB cache entry that no longer validates: a fault of the cache, not of the KB,
    found while a run reads an item, never while a KB is checked, so no lint check lists it."""


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one input, at one place."""

    location: Location
    message: str
    field: str = ""
    hint: str = ""
    code: ProblemCode | None = None
    """The check that found it (see ``compass kb lint --list-checks``); None for a problem
    outside a knowledge base (a scenario, an option), which no check looks at."""

    def __str__(self) -> str:
        where = f" (at {shorten(self.field, 120)})" if self.field else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{self.location}: {self.message}{where}.{hint}"


def did_you_mean(found: str, known: Iterable[str]) -> str:
    """A hint naming the closest known names to ``found``, or the known names if few."""
    import difflib  # noqa: PLC0415 - only a mistake needs it, not every start of the CLI

    candidates = sorted(set(known))
    # Names are short; comparing a huge value with every name would only waste time.
    close = (
        [] if len(found) > 100 else difflib.get_close_matches(found, candidates, n=3, cutoff=0.6)
    )
    if close:
        return "Did you mean " + " or ".join(repr(name) for name in close) + "?"
    if 0 < len(candidates) <= 12:
        return "Known values: " + ", ".join(candidates) + "."
    return ""


class CompassError(Exception):
    """Base of every error Synergy Compass raises on purpose."""


class InputError(CompassError):
    """A scenario, knowledge-base or option value is invalid; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))


class KnowledgeBaseError(InputError):
    """The knowledge base does not load or does not validate."""


class ScenarioError(InputError):
    """A scenario file does not load or does not validate."""


class ConfigError(InputError):
    """The user's config file cannot be read or does not match its format."""


class RunError(CompassError):
    """The rules could not be run to completion."""


class RunawayRulesError(RunError):
    """The rules kept triggering each other past the step limit."""

    def __init__(
        self, step_limit: int, looping_rules: Sequence[str], how_limited: str = ""
    ) -> None:
        self.step_limit = step_limit
        self.looping_rules = tuple(looping_rules)
        limit = f" ({how_limited})" if how_limited else ""
        super().__init__(
            f"the rules fired {step_limit} times without settling, so the run was stopped"
            f"{limit}; these rules kept firing at the end: {', '.join(self.looping_rules)}. "
            "Check that their conclusions do not re-create the conditions that trigger them "
            "and that their patterns share variables (a rule fires once per combination of "
            "facts it matches), or raise the limit with --step-limit if the knowledge base "
            "really needs more steps."
        )


class MatchBoundError(RunError):
    """One rule, or the run as a whole, built more partial matches than the match bound allows:
    patterns that share no variable match every combination of their facts, which grows as
    the product of the fact counts and would otherwise take all memory before any rule fires."""

    def __init__(self, message: str, rule_id: str, count: int, limit: int) -> None:
        self.rule_id = rule_id
        self.count = count
        self.limit = limit
        super().__init__(message)


class AuditStoreError(CompassError):
    """The audit database cannot be used; the message says which file and why."""
