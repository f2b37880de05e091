"""Your own profile: the self-assessment of ``compass profile`` as a form. The statements are
shown with their answers as choices, the answers are scored by the same engine call, and the
profile file is offered as a download. Nothing is kept on the server: the result page carries
the answers in the download's form.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from flask import Blueprint, Response, render_template, request

from ..engine import api
from ..engine.errors import InputError
from ..engine.render.profile import WIDE_BAND
from .app import workspace

profile = Blueprint("profile", __name__)

DEFAULT_FILE_NAME = "my-profile.yaml"


def _field(item_id: str) -> str:
    return f"item-{item_id}"


def file_name_for(name: str) -> str:
    """A download name made of the person's name in plain letters: ann-lee-profile.yaml."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    slug = "-".join(re.findall(r"[a-z0-9]+", plain.lower()))[:60].strip("-")
    return f"{slug}-profile.yaml" if slug else DEFAULT_FILE_NAME


@profile.get("/profile")
def questionnaire() -> tuple[str, int]:
    session = api.start_profile(workspace().kb_roots)
    return _page(session, {}, []), 200


@profile.post("/profile")
def score() -> Response | tuple[str, int]:
    form = request.form
    name, culture = form.get("name", "")[:200], form.get("culture", "")[:100]
    try:
        session = api.start_profile(workspace().kb_roots, name=name, culture=culture or None)
    except InputError as error:
        session = api.start_profile(workspace().kb_roots)
        return _page(session, form, _messages(error)), 400
    items = session.questionnaire.items
    try:
        for number, item in enumerate(items, start=1):
            session.answer(number, form.get(_field(item.id), ""))
        session.answer(len(items) + 1, form.get("sureness", ""))
        result = session.result()
    except ValueError as error:  # only a hand-made request sends an answer that is not offered
        return _page(session, form, [f"An answer that the form does not offer: {error}."]), 400
    except InputError as error:
        return _page(session, form, _messages(error)), 400
    file_name = file_name_for(session.name)
    text = api.profile_file_text(result, file_name)
    if form.get("action") == "download":
        response = Response(text, mimetype="application/yaml")
        response.headers["Content-Disposition"] = f'attachment; filename="{file_name}"'
        return response
    carried = {_field(item_id): str(value) for item_id, value in session.answers.items()}
    carried |= {"sureness": str(session.sureness_answer), "name": name, "culture": culture}
    page = render_template(
        "profile_result.html",
        result=result,
        file_text=text,
        file_name=file_name,
        carried=carried,
        wide_band=WIDE_BAND,
    )
    return page, 200


def _messages(error: InputError) -> list[str]:
    return [f"{p.message[:1].upper()}{p.message[1:]}. {p.hint}".strip() for p in error.problems]


def _page(session: Any, form: Any, errors: list[str]) -> str:
    questionnaire = session.questionnaire
    return render_template(
        "profile.html",
        questionnaire=questionnaire,
        items=[(item, _field(item.id)) for item in questionnaire.items],
        given=form,
        errors=errors,
    )
