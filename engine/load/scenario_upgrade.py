"""``compass scenario upgrade``: rewrite a version-1 scenario in the version-2 format.

A version-1 file still loads with its meaning unchanged (the models accept its single values),
so upgrading is never required; it writes what version 2 recommends, so that the file shows
what version 1 left implicit and can grow the new fields:

- ``goal: {kind: ...}`` becomes a list of one goal (version 2 takes several, the first primary);
- ``they.organisation_type: family_business`` becomes ``[family_business]``;
- ``relationship.we_are`` is written out: what a version-1 file, which could not say who we are
  to them, meant (:func:`engine.schemas.scenario.implied_role`: manager or acquirer when the
  goal says so, seller otherwise), with a comment beside it asking the author to check.

Items of ``we_are_doing`` and ``we_observe`` written as bare values stay as they are: version 2
accepts them. Comments, key order, quoting and indentation are kept (ruamel.yaml round-trips
them); a JSON file stays JSON. The upgraded file is read back and must give the same
scenario as the original, so an upgrade can never change the advice.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, MutableMapping
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..schemas.scenario import implied_role
from ..schemas.vocabulary import Role
from .scenario import parse_scenario, read_scenario_file


def we_are_comment(role: Role) -> str:
    """The comment beside a ``we_are`` the upgrade wrote, asking the author to check it."""
    if role is Role.seller:
        return "version 1 meant seller: check it (buyer, manager, partner...)"
    return f"version 1 meant {role.value}, from the goal: check it"


# (mapping indent, sequence indent, dash offset): the layouts people write, tried in turn so
# that an upgraded file keeps the indentation its author chose.
_LAYOUTS = ((2, 4, 2), (2, 2, 0), (4, 4, 2), (4, 6, 4), (4, 4, 0), (3, 5, 3))

Mapping = MutableMapping[str, Any]


def upgrade_data(data: Mapping, *, add_relationship: bool = True) -> list[str]:
    """Rewrite scenario data in place in the version-2 format; what changed, in words.

    Works on plain data (what-if, JSON files) and on ruamel.yaml's round-trip data alike;
    anything that is not a version-1 construct is left untouched. ``add_relationship=False``
    leaves a missing ``relationship`` to the caller (see :func:`_upgrade_yaml`).
    """
    changes: list[str] = []
    goal = data.get("goal")
    if isinstance(goal, dict):
        data["goal"] = _sequence(data, [goal], flow=False)
        _comment_after_key_once(data, "goal", goal)
        changes.append("goal is a list (the first goal is the primary one)")
    they = data.get("they")
    if isinstance(they, dict) and isinstance(they.get("organisation_type"), str):
        they["organisation_type"] = _sequence(they, [they["organisation_type"]], flow=True)
        changes.append("they.organisation_type is a list")
    if "relationship" not in data and add_relationship:
        _insert(data, "relationship", _mapping(data), before=_AFTER_RELATIONSHIP)
    relationship = data.get("relationship")
    if isinstance(relationship, dict) and "we_are" not in relationship:
        role = implied_role(data.get("goal"))
        _insert(relationship, "we_are", role.value, before=tuple(relationship)[:1])
        if isinstance(relationship, CommentedMap) and _is_block(relationship) and _is_block(data):
            relationship.yaml_add_eol_comment(we_are_comment(role), "we_are")
        changes.append(_WE_ARE_CHANGE)
    return changes


_WE_ARE_CHANGE = "relationship.we_are is written out (what version 1 meant)"
_AFTER_RELATIONSHIP = ("goal", "we_are_doing", "we_observe", "dates", "notes", "expectations")


def _is_block(mapping: Mapping) -> bool:
    """A ruamel.yaml mapping written in block style (a comment inside ``{...}`` would break
    the line it is on)."""
    return isinstance(mapping, CommentedMap) and not mapping.fa.flow_style()


def _comment_after_key_once(parent: Mapping, key: str, moved: Mapping) -> None:
    # ruamel.yaml keeps a comment after `goal:` both on the key and as the mapping's opening
    # comment; once the mapping is inside a list, the second copy would be written after `-`.
    if not isinstance(parent, CommentedMap) or not isinstance(moved, CommentedMap):
        return
    key_comment = parent.ca.items.get(key, [None] * 4)[2]
    opening = moved.ca.comment
    if key_comment is not None and opening and opening[0] is not None:
        opening[0] = None


def _sequence(parent: Mapping, items: list[Any], *, flow: bool) -> list[Any]:
    if not isinstance(parent, CommentedMap):
        return items
    sequence = CommentedSeq(items)
    if flow:
        sequence.fa.set_flow_style()
    return sequence


def _mapping(parent: Mapping) -> dict[str, Any]:
    return CommentedMap() if isinstance(parent, CommentedMap) else {}


def _insert(mapping: Mapping, key: str, value: Any, before: tuple[str, ...]) -> None:
    """Put ``key`` before the first of ``before`` present, else at the end: where the schema
    lists it, so the file reads in the usual order."""
    keys = list(mapping)
    position = next((keys.index(name) for name in before if name in mapping), len(keys))
    if isinstance(mapping, CommentedMap):
        mapping.insert(position, key, value)
        return
    items = list(mapping.items())
    items.insert(position, (key, value))
    mapping.clear()
    mapping.update(items)


def _round_trip(layout: tuple[int, int, int]) -> YAML:
    # ruamel.yaml's round-trip loader builds no Python object from a tag, and the file has
    # passed the safe loader (load/yaml_source.py: no tags, bounded size and nesting) first.
    round_trip = YAML(typ="rt")
    round_trip.preserve_quotes = True
    round_trip.width = 4096  # never re-wrap a long line the author wrote on one line
    mapping, sequence, offset = layout
    round_trip.indent(mapping=mapping, sequence=sequence, offset=offset)
    return round_trip


def _dump(round_trip: YAML, data: Any) -> str:
    stream = io.StringIO()
    round_trip.dump(data, stream)
    return stream.getvalue()


def _upgrade_yaml(text: str) -> str:
    layouts = [_round_trip(layout) for layout in _LAYOUTS]
    # The first layout that writes the file back unchanged is the author's; none does when the
    # file mixes layouts, and then the first (this project's) is used.
    chosen = next(
        (index for index, layout in enumerate(layouts) if _dump(layout, layout.load(text)) == text),
        0,
    )
    round_trip = layouts[chosen]
    data = round_trip.load(text)
    # A new `relationship:` block goes in as text: ruamel.yaml keeps the comment lines above
    # `goal:` with the value before them, so inserting the key there would slip it under them.
    as_text = "relationship" not in data and _is_block(data)
    changes = upgrade_data(data, add_relationship=not as_text)
    upgraded = _dump(round_trip, data)
    if as_text:
        role = implied_role(data.get("goal"))
        upgraded = _insert_relationship_block(upgraded, _LAYOUTS[chosen][0], role)
        changes.append(_WE_ARE_CHANGE)
    return upgraded if changes else text


_TOP_LEVEL_KEY = re.compile(r"^[\"']?(\w+)[\"']?[ \t]*:")


def _insert_relationship_block(text: str, indent: int, role: Role) -> str:
    """``text`` with a ``relationship`` block before the first top-level key that the schema
    lists after it, above that key's own comment lines."""
    lines = text.splitlines(keepends=True)
    position = len(lines)
    for number, line in enumerate(lines):
        match = _TOP_LEVEL_KEY.match(line)
        if match and match.group(1) in _AFTER_RELATIONSHIP:
            position = number
            break
    while position > 0 and lines[position - 1].startswith("#"):
        position -= 1
    if position == len(lines) and lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    block = f"relationship:\n{' ' * indent}we_are: {role.value}  # {we_are_comment(role)}\n"
    return "".join([*lines[:position], block, *lines[position:]])


def _upgrade_json(text: str) -> str:
    data = json.loads(text)
    if not upgrade_data(data):
        return text
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def upgrade_scenario(raw: bytes, display_path: str) -> str:
    """The scenario in ``raw`` in the version-2 format (the text unchanged when it already is).

    Raises :class:`~engine.errors.ScenarioError`, located in the original, when the file does
    not load: an upgrade rewrites a valid file, it does not repair one.
    """
    original = parse_scenario(raw, display_path).scenario
    text = raw.decode("utf-8")
    rewrite: Callable[[str], str] = (
        _upgrade_json if text.lstrip().startswith(("{", "[")) and _is_json(text) else _upgrade_yaml
    )
    upgraded_text = rewrite(text)
    upgraded = parse_scenario(upgraded_text.encode("utf-8"), display_path).scenario
    if upgraded != original:
        # A bug here must never reach a user's file: the CLI reports it as an internal error.
        raise RuntimeError(f"{display_path}: the upgraded scenario would not mean the same")
    return upgraded_text


def _is_json(text: str) -> bool:
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def upgrade_scenario_file(path: Path) -> str:
    """:func:`upgrade_scenario` of a file; an unreadable file is a located problem."""
    return upgrade_scenario(read_scenario_file(path), str(path))
