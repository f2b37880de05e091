"""What the form holds, and how it turns into scenario data and back.

The form's contents are kept as typed, in a tree shaped like the scenario (:data:`State`):
text as strings, several choices as a list of strings, a group as a mapping, a list of rows as
a list of mappings, rows left blank included, so that adding or removing a row, or a failed
check, gives back the page as it was. Scenario data is built from it only to validate or save:
blank values are left out, numbers and dates read where they can be (anything else goes
through as written, for the scenario's validation to report).
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from werkzeug.datastructures import MultiDict

from .fields import FormField

State = dict[str, Any]
MAX_ROWS = 100  # per list: far more than a case has, few enough to bound a forged post
ROWS_SUFFIX = "#rows"


def blank(fields: tuple[FormField, ...]) -> State:
    """A new form: defaults shown, and one empty row where the scenario needs at least one."""
    state: State = {}
    for field in fields:
        if field.kind == "group":
            state[field.name] = blank(field.children)
        elif field.kind == "rows":
            state[field.name] = [blank(field.children)] if field.required else []
        elif field.kind == "choices":
            state[field.name] = list(field.default)
        else:
            state[field.name] = field.default
    return state


def from_post(fields: tuple[FormField, ...], form: MultiDict[str, str], prefix: str = "") -> State:
    """The form's contents as posted, every row kept (the row counts travel in the form)."""
    state: State = {}
    for field in fields:
        name = prefix + field.name
        if field.kind == "group":
            state[field.name] = from_post(field.children, form, name + ".")
        elif field.kind == "rows":
            count = _count(form.get(name + ROWS_SUFFIX, ""))
            state[field.name] = [
                from_post(field.children, form, f"{name}.{index}.") for index in range(count)
            ]
        elif field.kind == "choices":
            state[field.name] = form.getlist(name)
        elif field.kind == "yes_no":
            state[field.name] = "yes" if form.get(name) == "yes" else ""
        else:
            state[field.name] = form.get(name, "").strip()
    return state


def _count(text: str) -> int:
    return min(int(text), MAX_ROWS) if text.isdigit() else 0


def from_data(fields: tuple[FormField, ...], data: Any) -> State:
    """The form filled from scenario data (a file's, or a validated scenario's dump); shapes
    the format also accepts (one goal for a list, a bare value for a row) are read too, and
    anything the form cannot show is left blank: the messages tell what was wrong."""
    mapping = data if isinstance(data, Mapping) else {}
    state: State = {}
    for field in fields:
        value = mapping.get(field.name)
        if field.kind == "group":
            state[field.name] = from_data(field.children, value)
        elif field.kind == "rows":
            rows = _listed(value)
            state[field.name] = [from_data(field.children, _as_row(field, item)) for item in rows]
        elif field.kind == "choices":
            state[field.name] = [_text(item) for item in _listed(value)]
        elif field.kind == "yes_no":
            state[field.name] = "yes" if value is True else ""
        elif value is None:
            state[field.name] = "" if field.name in mapping else field.default
        else:
            state[field.name] = _text(value)
    return state


def _listed(value: Any) -> list[Any]:
    # A file's list may be huge (YAML aliases repeat one list many times): a form shows a few.
    items = list(value[:MAX_ROWS]) if isinstance(value, list | tuple) else [value]
    return [item for item in items if item is not None]


def _text(value: Any) -> str:
    """A plain value as the form shows it; a mapping or list where one value belongs is left
    blank (the messages say what was wrong), never written out whole."""
    if isinstance(value, str | int | float | datetime.date):
        return str(value)
    return ""


def _as_row(field: FormField, item: Any) -> Any:
    # A bare value stands for the row's first field (``polite_deferral`` is {kind: ...}).
    return item if isinstance(item, Mapping) else {field.children[0].name: item}


def to_data(
    fields: tuple[FormField, ...], state: State, form_prefix: str = "", data_prefix: str = ""
) -> tuple[dict[str, Any], dict[str, str]]:
    """Scenario data from the form, and where each kept row sits in the form: blank rows are
    left out, so row 2 of the form may be item 1 of the data (``{"they.people.1":
    "they.people.2"}``), which places a message about the data at the row it came from."""
    data: dict[str, Any] = {}
    places: dict[str, str] = {}
    for field in fields:
        value = state.get(field.name)
        form_name, data_name = form_prefix + field.name, data_prefix + field.name
        if field.kind == "group":
            inner, inner_places = to_data(
                field.children, value or {}, form_name + ".", data_name + "."
            )
            places.update(inner_places)
            if inner or field.required:
                data[field.name] = inner
        elif field.kind == "rows":
            rows = [
                (index, row)
                for index, row in enumerate(value or [])
                if not is_blank_row(field.children, row)
            ]
            items = []
            for position, (index, row) in enumerate(rows):
                item_form, item_data = f"{form_name}.{index}", f"{data_name}.{position}"
                places[item_data] = item_form
                item, inner_places = to_data(field.children, row, item_form + ".", item_data + ".")
                places.update(inner_places)
                items.append(item)
            if items or field.required:
                data[field.name] = items
        elif field.kind == "choices":
            if value:
                data[field.name] = list(value)
        elif field.kind == "yes_no":
            chosen = value == "yes"
            if chosen != (field.default == "yes"):
                data[field.name] = chosen
        elif value:
            data[field.name] = _typed(field, str(value))
    return data, places


def _typed(field: FormField, text: str) -> Any:
    if field.kind == "number" and text.lstrip("-").isdigit():
        return int(text)
    if field.kind == "date":
        try:
            return datetime.date.fromisoformat(text)
        except ValueError:
            return text
    return text


def is_blank_row(fields: tuple[FormField, ...], row: State) -> bool:
    """A row with nothing typed or chosen but what a new row shows: an added row left empty."""
    return all(
        is_blank_row(field.children, row.get(field.name) or {})
        if field.kind == "group"
        else not row.get(field.name) or row.get(field.name) == field.default
        for field in fields
    )


def _rows_at(
    fields: tuple[FormField, ...], state: State, path: list[str]
) -> tuple[FormField, list[State]] | None:
    """The rows field at a dotted path of names (``they.people``) and its rows in ``state``."""
    name, *rest = path
    field = next((field for field in fields if field.name == name), None)
    if field is None:
        return None
    if field.kind == "group" and rest:
        return _rows_at(field.children, state.setdefault(name, {}), rest)
    if field.kind == "rows" and not rest:
        rows = state.setdefault(name, [])
        return (field, rows) if isinstance(rows, list) else None
    return None


def add_row(fields: tuple[FormField, ...], state: State, path: str) -> None:
    """One more empty row at the end of the list at ``path`` (``they.people``)."""
    found = _rows_at(fields, state, path.split("."))
    if found is not None and len(found[1]) < MAX_ROWS:
        found[1].append(blank(found[0].children))


def remove_row(fields: tuple[FormField, ...], state: State, path: str) -> None:
    """Remove the row at ``path`` (``they.people.1``); a path to no row changes nothing."""
    list_path, _, index = path.rpartition(".")
    found = _rows_at(fields, state, list_path.split(".")) if index.isdigit() else None
    if found is not None and int(index) < len(found[1]):
        del found[1][int(index)]
