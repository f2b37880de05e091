"""WHAT-IF: change scenario fields, run again, and say what changed and which rules caused it.

The same comparison serves ``compass audit replay``, where the "before" is a recorded report
and the "after" is the same scenario on the current knowledge base.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

from ..errors import Location, Problem, ScenarioError
from ..load.yaml_source import YamlProblemError, parse_yaml
from ..schemas.base import Frozen
from ..schemas.report import Report

_SEGMENT = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


class Change(Frozen):
    """One piece of advice or one finding that differs between the two runs."""

    id: str
    title: str
    change: Literal["added", "removed", "certainty changed"]
    before: float | None
    after: float | None
    rules_added: tuple[str, ...] = ()
    rules_removed: tuple[str, ...] = ()


class Comparison(Frozen):
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


def _path(text: str) -> list[str | int]:
    segments: list[str | int] = []
    position = 0
    for match in _SEGMENT.finditer(text):
        if match.start() != position and text[position : match.start()] != ".":
            break
        name, index = match.groups()
        segments.append(int(index) if index is not None else int(name) if name.isdigit() else name)
        position = match.end()
    if not segments or position != len(text):
        raise _SettingError(f"{text!r} is not a field path like they.structure or we_observe[0]")
    return segments


class _SettingError(Exception):
    """A --set option that cannot be applied; the message says why."""


def apply_settings(data: Any, settings: Sequence[str]) -> dict[str, Any]:
    """A copy of scenario data with each ``PATH=VALUE`` applied (VALUE is read as YAML)."""
    result: dict[str, Any] = _copy(data)
    for setting in settings:
        try:
            _apply(result, setting)
        except _SettingError as error:
            raise ScenarioError([Problem(Location(f"--set {setting}"), str(error))]) from error
    return result


def _apply(data: dict[str, Any], setting: str) -> None:
    path_text, separator, value_text = setting.partition("=")
    if not separator or not value_text.strip():
        raise _SettingError("expected PATH=VALUE, for example they.structure=flat")
    try:
        value = parse_yaml(value_text.encode(), "--set").data
    except YamlProblemError as error:
        raise _SettingError(f"the value cannot be read: {error.problem.message}") from error
    _assign(data, _path(path_text.strip()), value)


def _copy(data: Any) -> Any:
    if isinstance(data, dict):
        return {key: _copy(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_copy(value) for value in data]
    return data


def _assign(data: Any, path: list[str | int], value: Any) -> None:
    target = data
    for position, segment in enumerate(path[:-1]):
        following = path[position + 1]
        if isinstance(segment, int):
            if not isinstance(target, list) or segment >= len(target):
                raise _SettingError(f"there is no item {segment} to change at {segment!r}")
            target = target[segment]
        else:
            if not isinstance(target, dict):
                raise _SettingError(f"{segment!r} is inside a value that is not a mapping")
            target = target.setdefault(segment, [] if isinstance(following, int) else {})
    last = path[-1]
    if isinstance(last, int):
        if not isinstance(target, list) or last > len(target):
            raise _SettingError(f"there is no item {last} to change")
        if last == len(target):
            target.append(value)
        else:
            target[last] = value
    elif isinstance(target, dict):
        target[last] = value
    else:
        raise _SettingError(f"{last!r} is inside a value that is not a mapping")


def _rules(items: Sequence[Any]) -> dict[str, set[str]]:
    return {item.id: {evidence.rule for evidence in item.supported_by} for item in items}


def _changes(before: Sequence[Any], after: Sequence[Any]) -> tuple[Change, ...]:
    old = {item.id: item for item in before}
    new = {item.id: item for item in after}
    old_rules, new_rules = _rules(before), _rules(after)
    changes = []
    for identifier in sorted(old.keys() | new.keys()):
        was, now = old.get(identifier), new.get(identifier)
        if was and now and abs(was.certainty - now.certainty) < 5e-5:
            continue
        title = str((now if now is not None else was).title)  # type: ignore[union-attr]
        kind: Literal["added", "removed", "certainty changed"] = (
            "added" if was is None else "removed" if now is None else "certainty changed"
        )
        changes.append(
            Change(
                id=identifier,
                title=title,
                change=kind,
                before=was.certainty if was else None,
                after=now.certainty if now else None,
                rules_added=tuple(
                    sorted(new_rules.get(identifier, set()) - old_rules.get(identifier, set()))
                ),
                rules_removed=tuple(
                    sorted(old_rules.get(identifier, set()) - new_rules.get(identifier, set()))
                ),
            )
        )
    return tuple(changes)


def compare_reports(before: Report, after: Report, settings: Sequence[str] = ()) -> Comparison:
    """What differs between two reports: advice, findings and the rules that fired."""
    fired_before = {firing.rule for firing in before.trace.firings}
    fired_after = {firing.rule for firing in after.trace.firings}
    return Comparison(
        settings=tuple(settings),
        advice=_changes(before.recommendations, after.recommendations),
        diagnosis=_changes(before.diagnosis, after.diagnosis),
        rules_now_firing=tuple(sorted(fired_after - fired_before)),
        rules_no_longer_firing=tuple(sorted(fired_before - fired_after)),
    )


def render_comparison_text(comparison: Comparison, before_label: str, after_label: str) -> str:
    """The differences for people, one line per change."""
    lines = [f"Comparing {before_label} with {after_label}"]
    if comparison.settings:
        lines.append("Changed: " + ", ".join(comparison.settings))
    if comparison.unchanged:
        lines.append("No difference: the same advice, findings and rules.")
        return "\n".join(lines) + "\n"
    for heading, changes in (("ADVICE", comparison.advice), ("DIAGNOSIS", comparison.diagnosis)):
        if not changes:
            continue
        lines += ["", heading]
        for change in changes:
            before = "-" if change.before is None else f"{change.before:.2f}"
            after = "-" if change.after is None else f"{change.after:.2f}"
            lines.append(f"  {change.change:<17} {change.id}: {change.title} ({before} -> {after})")
            if change.rules_added:
                lines.append(f"      now supported by: {', '.join(change.rules_added)}")
            if change.rules_removed:
                lines.append(f"      no longer supported by: {', '.join(change.rules_removed)}")
    if comparison.rules_now_firing or comparison.rules_no_longer_firing:
        lines += ["", "RULES"]
        if comparison.rules_now_firing:
            lines.append("  now firing: " + ", ".join(comparison.rules_now_firing))
        if comparison.rules_no_longer_firing:
            lines.append("  no longer firing: " + ", ".join(comparison.rules_no_longer_firing))
    return "\n".join(lines) + "\n"
