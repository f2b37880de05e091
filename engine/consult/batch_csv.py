"""How a CSV row of ``compass batch`` becomes a scenario.

CSV columns are field paths: ``they.culture``, ``relationship.we_are``, ``goal.kind`` and
``goal.description`` (the one goal, as in version 1). List fields (``we_are_doing``,
``we_observe``, ``they.preferences``, ``they.organisation_type``, ``expectations.*``) take
values separated by ``;`` (``family_business;distributor``), or a JSON list when an item is
more than a value (``[{"kind": "giving_gifts", "status": "planned"}]``). Fields whose items
are mappings take a JSON list: ``they.people``, ``we.people``, ``parties``, ``dates``, and
``goal`` for several goals (``[{"kind": "give_feedback"}, {"kind": "manage_remote_team"}]``,
the first primary; not together with ``goal.kind``).
"""

from __future__ import annotations

import json
from typing import Any

from ..errors import shorten

_LIST_FIELDS = {
    "we_are_doing",
    "we_observe",
    "they.preferences",
    "they.organisation_type",
    "expectations.must_advise",
    "expectations.must_not_advise",
    "expectations.must_diagnose",
    "expectations.must_not_diagnose",
    "expectations.todo",
}
_JSON_FIELDS = {"they.people", "we.people", "parties", "dates", "goal"}
_INTEGER_FIELDS = {"relationship.months"}


class RowError(Exception):
    """A CSV row that cannot become a scenario; the message says why."""


def _json_cell(column: str, cell: str) -> Any:
    try:
        return json.loads(cell)
    except (ValueError, RecursionError) as error:
        one_goal = " (for one goal, a goal.kind column is enough)" if column == "goal" else ""
        raise RowError(f"the {shorten(column)} column is not a JSON list{one_goal}") from error


def _scenario_data(header: list[str], cells: list[str]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    seen: dict[str, str] = {}
    for column, raw in zip(header, cells, strict=False):
        cell = raw.strip()
        if not column or not cell:
            continue
        if "\x00" in cell or any("\udc80" <= character <= "\udcff" for character in cell):
            raise RowError(
                f"the column {shorten(column)!r} holds a NUL byte or text that is not UTF-8"
            )
        if column in seen and seen[column] != cell:
            raise RowError(
                f"the column {shorten(column)!r} appears twice in the header, with two values here"
            )
        seen[column] = cell
        value: Any = cell
        if column in _JSON_FIELDS or (column in _LIST_FIELDS and cell.startswith("[")):
            value = _json_cell(column, cell)
        elif column in _LIST_FIELDS:
            value = [part.strip() for part in cell.split(";") if part.strip()]
        elif column in _INTEGER_FIELDS and cell.isdigit() and len(cell) <= 12:
            value = int(cell)
        target = data
        *parents, last = column.split(".")
        for parent in parents:
            target = target.setdefault(parent, {})
            if not isinstance(target, dict):
                raise RowError(f"the column {shorten(column)!r} goes inside another column's value")
        if isinstance(target.get(last), dict):
            raise RowError(
                f"the column {shorten(column)!r} holds a value that other columns fill in"
            )
        target[last] = value
    return data


def scenario_json(header: list[str], cells: list[str]) -> bytes:
    """The row as the JSON of a scenario; :class:`RowError` says why it cannot be one."""
    return json.dumps(_scenario_data(header, cells)).encode()
