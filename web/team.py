"""Team map: a team file pasted (or uploaded) into the workspace, shown as ``compass team``
shows it in HTML: every member on every practical scale, then the widest gaps with advice.
Nothing is kept on the server. A pasted file has no folder, so members' own positions are
written in it (``positions:``) rather than named as profile files."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, render_template, request
from markupsafe import Markup

from ..engine import api
from ..engine.errors import InputError
from ..engine.render.team_documents import gap_sections, scale_figures
from .app import workspace

team = Blueprint("team", __name__)

MOST_BYTES = 200_000  # a team file of forty members with every position is a tenth of this
EXAMPLE = Path(__file__).resolve().parents[1] / "kb" / "scenarios" / "teams" / "launch-team.yaml"


@team.get("/team")
def team_form() -> str:
    return render_template("team.html", text="", errors=[], example=_example())


@team.post("/team")
def team_map() -> tuple[str, int]:
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        raw = upload.read(MOST_BYTES + 1)
        text = raw.decode("utf-8", errors="replace")
    else:
        text = request.form.get("text", "")
    if len(text.encode("utf-8")) > MOST_BYTES:
        message = f"The team file is longer than {MOST_BYTES} bytes; a team file is much shorter."
        return render_template("team.html", text="", errors=[message], example=_example()), 400
    try:
        found = api.team_from_text(text, workspace().kb_roots, _top())
    except InputError as error:
        messages = [str(problem) for problem in error.problems]
        return render_template("team.html", text=text, errors=messages, example=_example()), 400
    # The drawings and sections are written by engine/render/team_documents.py, which escapes
    # every text it puts in, so the markup is ours and safe to insert.
    return render_template(
        "team.html",
        text=text,
        errors=[],
        example=_example(),
        found=found,
        figures=[Markup(figure) for figure in scale_figures(found)],
        gaps=[Markup(section) for section in gap_sections(found)],
    ), 200


def _top() -> int:
    try:
        return min(max(int(request.form.get("top", "2")), 1), 20)
    except ValueError:
        return 2


def _example() -> str:
    """The shipped example with its two profile files' positions left out: a pasted file
    cannot name profile files."""
    lines = EXAMPLE.read_text(encoding="utf-8").splitlines()
    return "\n".join(line for line in lines if "profile:" not in line) + "\n"
