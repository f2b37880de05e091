"""Diffs shared by what-if and audit replay: how one report differs from another.

What-if compares a scenario as written with the same scenario changed; ``compass audit replay``
compares a recorded report with the same scenario on the current knowledge base.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from ..schemas.base import Frozen
from ..schemas.report import Report


class Change(Frozen):
    """One piece of advice or one finding that differs between the two runs."""

    id: str
    title: str
    change: Literal["added", "removed", "moved", "certainty changed"]
    before: float | None
    after: float | None
    placed_before: str | None = Field(
        default=None,
        description="for advice: 'plan', 'also consider', 'set aside' or 'advised against'",
    )
    placed_after: str | None = None
    rules_added: tuple[str, ...] = ()
    rules_removed: tuple[str, ...] = ()


class ReportDiff(Frozen):
    """How a second report differs from a first; ``settings`` are the what-if changes that
    produced the second (none for an audit replay)."""

    settings: tuple[str, ...]
    advice: tuple[Change, ...]
    diagnosis: tuple[Change, ...]
    rules_now_firing: tuple[str, ...]
    rules_no_longer_firing: tuple[str, ...]

    @property
    def unchanged(self) -> bool:
        return not (
            self.advice or self.diagnosis or self.rules_now_firing or self.rules_no_longer_firing
        )


def _rules(items: Sequence[Any]) -> dict[str, set[str]]:
    return {item.id: {evidence.rule for evidence in item.supported_by} for item in items}


def _changes(
    before: Sequence[Any],
    after: Sequence[Any],
    placed: tuple[dict[str, str], dict[str, str]] = ({}, {}),
) -> tuple[Change, ...]:
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    old_rules, new_rules = _rules(before), _rules(after)
    changes = []
    for identifier in sorted(old.keys() | new.keys()):
        was, now = old.get(identifier), new.get(identifier)
        where_before, where_after = placed[0].get(identifier), placed[1].get(identifier)
        moved = where_before != where_after
        if was and now and abs(was.certainty - now.certainty) < 5e-5 and not moved:
            continue
        title = str((now if now is not None else was).title)  # type: ignore[union-attr]
        kind: Literal["added", "removed", "moved", "certainty changed"] = (
            "added"
            if was is None
            else "removed"
            if now is None
            else "moved"
            if moved
            else "certainty changed"
        )
        changes.append(
            Change(
                id=identifier,
                title=title,
                change=kind,
                before=was.certainty if was else None,
                after=now.certainty if now else None,
                placed_before=where_before,
                placed_after=where_after,
                rules_added=tuple(
                    sorted(new_rules.get(identifier, set()) - old_rules.get(identifier, set()))
                ),
                rules_removed=tuple(
                    sorted(old_rules.get(identifier, set()) - new_rules.get(identifier, set()))
                ),
            )
        )
    return tuple(changes)


def _advice(report: Report) -> list[Any]:
    return [*report.given, *report.set_aside, *report.advised_against]


def _places(report: Report) -> dict[str, str]:
    sections = (
        ("plan", report.recommendations),
        ("also consider", report.also_consider),
        ("set aside", report.set_aside),
        ("advised against", report.advised_against),
    )
    return {item.id: place for place, items in sections for item in items}


def diff_reports(before: Report, after: Report, settings: Sequence[str] = ()) -> ReportDiff:
    """What differs between two reports: advice, findings and the rules that fired."""
    fired_before = {firing.rule for firing in before.trace.firings}
    fired_after = {firing.rule for firing in after.trace.firings}
    return ReportDiff(
        settings=tuple(settings),
        advice=_changes(_advice(before), _advice(after), (_places(before), _places(after))),
        diagnosis=_changes(before.diagnosis, after.diagnosis),
        rules_now_firing=tuple(sorted(fired_after - fired_before)),
        rules_no_longer_firing=tuple(sorted(fired_before - fired_after)),
    )
