"""The error that stops a run whose rule branch builds more partial matches than the bounds of
:mod:`.network_state` allow, and which of the two bounds it crossed.

Why the match is bounded: patterns that share no variable match every combination of their
facts (three ``person`` patterns on 200 people are 8 million matches), and all of that is built
before any rule fires, so the step limit cannot stop it. Past either bound (per rule branch,
and for all branches together), :class:`MatchBoundExceededError` stops the run. No shipped
scenario and no run of the synthetic benchmark (up to 10,000 rules and 10,000 facts) comes
within a tenth of them.
"""

from __future__ import annotations


class MatchBoundExceededError(Exception):
    """A branch built more partial matches than a bound allows; the runner names its rule."""

    def __init__(self, branch: int, patterns: int, count: int, limit: int, per_run: bool) -> None:
        self.branch = branch
        self.patterns = patterns
        """How many of the branch's positive patterns were joined when the bound was crossed."""
        self.count = count
        self.limit = limit
        self.per_run = per_run
        super().__init__(f"branch {branch}: {count} partial matches, more than {limit}")


def crossed(
    branch: int, patterns: int, built: int, *, kept: int, room: int, limits: tuple[int, int]
) -> MatchBoundExceededError:
    """The error for ``built`` partial matches past a bound, given the bounds per rule and
    per run: the run's, when less room was left in it than in the branch's own."""
    per_rule, per_run = limits
    if room < per_rule - kept:
        return MatchBoundExceededError(branch, patterns, per_run - room + built, per_run, True)
    return MatchBoundExceededError(branch, patterns, kept + built, per_rule, False)
