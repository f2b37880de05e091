"""Comparing cultures and browsing the knowledge base: pages for consultants who want the
profiles side by side, and for knowledge engineers and auditors who want to read the rules.

Everything here reads; nothing is stored. The KB's records come from ``api.kb_catalogue``,
which keeps them while the KB's files stay the same: the first KB page after a change waits a
few seconds while every example scenario runs once, to learn which rules each exercises.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import Blueprint, abort, render_template, request
from markupsafe import Markup

from ..engine import api
from ..engine.consult.team import countries_on_scales
from ..engine.errors import InputError
from ..engine.render.chart import LaneMark, chart_svg, charted_frameworks, lanes_svg
from .app import workspace

browse = Blueprint("browse", __name__)

MAX_COUNTRIES = 8  # beyond this the page is a wall of charts, not a comparison
KB_KINDS = {
    "rules": "Rules",
    "advice": "Advice",
    "findings": "Findings",
    "sources": "Sources",
    "scenarios": "Example scenarios",
}


@browse.get("/compare")
def compare() -> tuple[str, int]:
    names = [name.strip() for name in request.args.getlist("country")][:MAX_COUNTRIES]
    filled = [name for name in names if name]
    boxes = filled + ([""] if len(filled) < MAX_COUNTRIES else [])
    boxes += [""] * (2 - len(boxes))
    known = api.countries("", workspace().kb_roots)
    context: dict[str, Any] = {"boxes": boxes, "known": known, "box_errors": {}, "errors": []}
    if not filled:
        return render_template("browse_compare.html", **context), 200
    try:
        comparisons = api.compare_several(filled, workspace().kb_roots)
    except InputError as error:
        # Each message goes next to the box it is about ("compare, country 2"); the rest on top.
        for problem in error.problems:
            where = problem.location.path.removeprefix("compare, country ")
            message = f"{problem.message[:1].upper()}{problem.message[1:]}. {problem.hint}".strip()
            if where.isdigit():
                context["box_errors"][int(where) - 1] = message
            else:
                context["errors"].append(message)
        return render_template("browse_compare.html", **context), 400
    context.update(
        comparisons=comparisons,
        pairs=[_pair_view(position, c) for position, c in enumerate(comparisons, 1)],
        table=_side_by_side(comparisons) if len(comparisons) > 1 else None,
        together=_all_on_one_chart(comparisons) if len(comparisons) > 1 else [],
        readings=list(dict.fromkeys(r for c in comparisons for r in c.readings)),
        data_caveats=list(dict.fromkeys(s for c in comparisons for s in c.data_caveats)),
    )
    return render_template("browse_compare.html", **context), 200


def _pair_view(position: int, comparison: Any) -> dict[str, Any]:
    """One pair's charts (SVG written by engine/render/chart.py, which escapes every text it
    puts in, so the markup is ours and safe to insert) and its rows."""
    charts = []
    for number, framework in enumerate(charted_frameworks(comparison), 1):
        svg = chart_svg(comparison, framework, f"pair-{position}-chart-{number}")
        if svg:
            charts.append((framework, Markup(svg)))
    return {"comparison": comparison, "charts": charts}


def _all_on_one_chart(comparisons: list[Any]) -> list[tuple[str, list[Markup]]]:
    """For three or more countries, every country on one drawing per scale, by framework (SVG
    written by engine/render/chart.py, which escapes every text it puts in)."""
    names = {comparisons[0].a: comparisons[0].a_name, **{c.b: c.b_name for c in comparisons}}
    frameworks: dict[str, list[Markup]] = {}
    for number, scale in enumerate(countries_on_scales(comparisons), 1):
        marks = [
            LaneMark(f"{names[mark.member]} ({mark.member})", mark.mark, mark.position, None)
            for mark in scale.marks
        ]
        drawing = lanes_svg(
            (scale.name, scale.low_pole, scale.high_pole, scale.minimum, scale.maximum),
            marks,
            f"together-{number}",
            f"All {len(names)} countries on {scale.name}",
        )
        frameworks.setdefault(scale.framework, []).append(Markup(drawing))
    return list(frameworks.items())


def _side_by_side(comparisons: Sequence[Any]) -> dict[str, Any]:
    """Every country's score on every dimension any pair has, for three or more countries."""
    first = comparisons[0]
    countries = [(first.a, first.a_name)] + [(c.b, c.b_name) for c in comparisons]
    rows: dict[str, dict[str, Any]] = {}
    for column, comparison in enumerate(comparisons, 1):
        for row in comparison.dimensions:
            entry = rows.setdefault(
                row.dimension,
                {"name": row.name, "framework": row.framework, "scores": [None] * len(countries)},
            )
            entry["scores"][0] = row.a
            entry["scores"][column] = row.b
            entry["estimated"] = entry.get("estimated", False) or row.estimated
    return {"countries": countries, "rows": list(rows.values())}


def _catalogue() -> Any:
    return api.kb_catalogue(workspace().kb_roots)


def _matches(item: Any, query: str) -> bool:
    needle = query.casefold()
    key = getattr(item, "id", None) or getattr(item, "name", "")
    title = getattr(item, "title", None) or getattr(item, "short", "")
    return needle in str(key).casefold() or needle in str(title).casefold()


def _items(catalogue: Any, kind: str) -> Sequence[Any]:
    items: Sequence[Any] = getattr(catalogue, kind)
    return items


@browse.get("/kb")
def knowledge_base() -> str:
    catalogue = _catalogue()
    query = request.args.get("q", "").strip()
    found = {
        kind: [item for item in _items(catalogue, kind) if _matches(item, query)]
        for kind in KB_KINDS
    }
    return render_template(
        "kb.html", catalogue=catalogue, kinds=KB_KINDS, query=query, found=found if query else {}
    )


@browse.get("/kb/<kind>")
def kb_list(kind: str) -> str:
    if kind not in KB_KINDS:
        abort(404, f"The knowledge base has no {kind!r} pages; it has {', '.join(KB_KINDS)}.")
    catalogue = _catalogue()
    query = request.args.get("q", "").strip()
    items = [item for item in _items(catalogue, kind) if not query or _matches(item, query)]
    return render_template(
        "kb_list.html", catalogue=catalogue, kinds=KB_KINDS, kind=kind, items=items, query=query
    )


@browse.get("/kb/<kind>/<item_id>")
def kb_item(kind: str, item_id: str) -> str:
    if kind not in KB_KINDS:
        abort(404, f"The knowledge base has no {kind!r} pages; it has {', '.join(KB_KINDS)}.")
    catalogue = _catalogue()
    by_id = {getattr(item, "id", None) or item.name: item for item in _items(catalogue, kind)}
    if item_id not in by_id:
        abort(404, f"The knowledge base has no {kind} entry {item_id!r}.")
    item = by_id[item_id]
    context: dict[str, Any] = {"catalogue": catalogue, "kinds": KB_KINDS, "kind": kind}
    if kind == "scenarios":
        titles = {rule.id: rule.title for rule in catalogue.rules}
        context["fired"] = [(rule, titles.get(rule, "")) for rule in item.fires]
    return render_template(f"kb_{kind}.html", item=item, **context)
