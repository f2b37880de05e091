"""The Flask application of the workspace: its settings, its error pages and its parts.

Each part of the workspace is a blueprint in a module of its own (the scenario form, the result
page, comparing and browsing, the audit); this module only puts them together. The compiled
knowledge base stays warm between requests: ``api.compiled_knowledge_base`` keeps it per
content, so a changed KB file is picked up on the next request.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ..engine import api
from ..engine.errors import CompassError
from ..engine.render.safe_text import plain_text
from . import security
from .pages import pages

# The parts of the workspace in the order the menu shows them: (endpoint, label). A part appears
# once its blueprint is registered.
NAVIGATION = (
    ("form.new_scenario", "Describe a case"),
    ("browse.compare", "Compare cultures"),
    ("profile.questionnaire", "Your profile"),
    ("team.team_form", "Team map"),
    ("browse.knowledge_base", "Knowledge base"),
    ("audit.runs", "Audit"),
)


@dataclass(frozen=True)
class Workspace:
    """What every page of one running workspace shares."""

    kb_roots: tuple[Path, ...] | None
    audit_db: Path | None  # None: no audit (tests); else the same database as the CLI's
    token: str | None


def workspace() -> Workspace:
    """The workspace the current request belongs to."""
    settings: Workspace = current_app.config["WORKSPACE"]
    return settings


def create_app(
    kb_roots: tuple[Path, ...] | None = None,
    audit_db: Path | None = None,
    token: str | None = None,
) -> Flask:
    """The workspace as a WSGI application (``compass serve`` runs it; tests call it)."""
    app = Flask(__name__)
    # Set before any template is compiled: Jinja builds the call into each template it compiles.
    app.jinja_env.finalize = shown_value
    app.config["WORKSPACE"] = Workspace(kb_roots, audit_db, token)
    security.install(app, token)
    app.jinja_env.globals["tool_version"] = api.tool_version()
    app.jinja_env.globals["nav_links"] = lambda: [
        (endpoint, label) for endpoint, label in NAVIGATION if endpoint in app.view_functions
    ]
    _register_error_pages(app)
    for blueprint in _blueprints():
        app.register_blueprint(blueprint)
    return app


def shown_value(value: object) -> object:
    """What a template writes for ``{{ value }}``, before Jinja escapes it for HTML.

    Scenarios and knowledge bases are shared files, and escaping for HTML leaves their control
    characters and direction overrides in the page, where a right-to-left override makes a
    title read backwards and whatever is copied from the page carries them on. So every value,
    on every page, loses what :func:`plain_text` removes from the terminal's output; markup the
    workspace built itself (a drawing) stays markup.
    """
    if isinstance(value, Markup):
        return Markup(plain_text(value))
    if isinstance(value, str):
        return plain_text(value)
    return value


def _blueprints() -> list[Blueprint]:
    # Each part of the workspace adds its blueprint here, imported here rather than at the
    # top because the parts import workspace() from this module.
    from .audit import audit  # noqa: PLC0415
    from .browse import browse  # noqa: PLC0415
    from .form import form  # noqa: PLC0415
    from .profile import profile  # noqa: PLC0415
    from .result import result  # noqa: PLC0415
    from .team import team  # noqa: PLC0415

    return [pages, form, result, browse, profile, team, audit]


def _register_error_pages(app: Flask) -> None:
    @app.errorhandler(CompassError)
    def _invalid(error: CompassError) -> tuple[str, int]:
        # A bad scenario or KB is the user's to fix: the same located messages as the CLI.
        return render_template("error.html", status=400, messages=str(error).splitlines()), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        status = error.code or 500
        return render_template("error.html", status=status, messages=[error.description]), status

    @app.errorhandler(Exception)
    def _internal(error: Exception) -> tuple[str, int]:
        # Never a traceback in the page; the server's log has it.
        app.logger.exception("internal error", exc_info=error)
        message = "Something went wrong inside the workspace; the server's log has the details."
        return render_template("error.html", status=500, messages=[message]), 500
