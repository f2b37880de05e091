"""The scenario form's pages: a new or loaded case, rows added and removed, checked, saved.

The server keeps nothing between requests: every post carries the whole form (and the fields
the form does not show, as YAML in a hidden field), and the page it answers with is the form
again. A scenario is checked by the same validation as ``compass advise FILE``, on the YAML
the form makes; each message is shown at the top and again beside the field it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, Response, current_app, render_template, request, url_for

from ...engine import api
from ...engine.errors import InputError, Problem, ScenarioError
from ...engine.load.discovery import SCENARIO_DIRECTORY, default_kb_root
from ...engine.schemas.scenario import OurPerson, Person, Scenario
from ..app import workspace
from . import values
from .fields import NOT_IN_FORM, FormField, scenario_form

form = Blueprint("form", __name__)

FORM_YAML = "scenario.yaml"  # how messages about the form's own YAML name it
_HEADER = "# A Synergy Compass scenario, written by the workspace's form.\n"
_MISSING = re.compile(r"the required key '([^']+)' is missing")


@dataclass
class Page:
    """Everything one rendering of the form shows."""

    state: values.State
    carried: str = ""
    """The fields the form does not show (expectations), as YAML, carried through unchanged."""
    problems: list[str] = field(default_factory=list)
    at_field: dict[str, list[str]] = field(default_factory=dict)
    scenario_yaml: str = ""
    """The YAML the form makes, once checked."""
    pasted: str = ""
    """Text that could not be loaded, given back to be corrected."""
    checked: bool = False
    valid: bool = False
    notice: str = ""


@form.get("/scenario")
def new_scenario() -> tuple[str, int]:
    """A blank form; ``?example=NAME`` starts from a shipped example, ``?template=1`` from the
    commented template of ``compass new``."""
    example = request.args.get("example", "")
    if example:
        text = api.new_scenario(example)
        # A shipped example may name profile files, which lie beside it in the shipped KB.
        folder = default_kb_root() / SCENARIO_DIRECTORY
        return _render(_loaded(text, f"{example}.yaml", f"Example {example}", folder))
    if request.args.get("template"):
        return _render(_loaded(api.new_scenario(), "template.yaml", "The blank template"))
    return _render(Page(values.blank(scenario_form())))


@form.post("/scenario")
def post_scenario() -> tuple[str, int] | Response:
    action = request.form.get("action", "")
    fields = scenario_form()
    if action == "upload" or "scenario_file" in request.files:
        upload = request.files.get("scenario_file")
        raw = upload.read() if upload else b""
        name = _file_name(upload.filename if upload else "")
        return _render(_loaded(raw.decode("utf-8", errors="replace"), name, f"File {name}"))
    if action == "paste" or (not action and "scenario_yaml" in request.form):
        # A bare post of scenario_yaml is how another page sends a case back to be edited.
        return _render(_loaded(request.form.get("scenario_yaml", ""), "pasted.yaml", ""))
    page = Page(values.from_post(fields, request.form), carried=request.form.get("carried", ""))
    verb, _, path = action.partition(":")
    if verb == "add":
        values.add_row(fields, page.state, path)
        return _render(page)
    if verb == "remove":
        values.remove_row(fields, page.state, path)
        return _render(page)
    _check(page)
    if verb == "save" and page.valid:
        return _download(page)
    return _render(page)


def _render(page: Page) -> tuple[str, int]:
    """The form; 400 when what was sent or loaded does not validate."""
    advise_url = (
        url_for("result.advise") if "result.advise" in current_app.view_functions else "/advise"
    )
    html = render_template(
        "form.html",
        page=page,
        fields=scenario_form(),
        examples=api.example_scenarios(),
        countries=_country_names(),
        advise_url=advise_url,
        rows_suffix=values.ROWS_SUFFIX,
    )
    return html, 400 if page.checked and not page.valid else 200


def _loaded(text: str, display_path: str, notice: str, folder: Path | None = None) -> Page:
    """A page filled from scenario text: from the validated scenario when it is valid (with
    what validation fills in, such as the role a goal implies), else from what was written."""
    fields = scenario_form()
    try:
        loaded = api.read_scenario_text(
            text.encode("utf-8"), display_path, _kb_roots(), folder=folder
        )
    except InputError as error:
        # Fields the form does not show are carried only from a scenario that validates.
        page = Page(values.from_data(fields, _plain_yaml(text)), pasted=text)
        page.checked = True
        _place(page, error.problems, {})
        return page
    dumped = loaded.scenario.model_dump(mode="json")
    page = Page(values.from_data(fields, dumped), carried=_carried(loaded.document.data))
    _check(page)
    page.notice = f"{notice} is loaded." if notice and page.valid else ""
    if _places_people(loaded.scenario):
        # The form has no controls for them yet (NOT_IN_FORM): say so rather than lose them.
        page.notice = (
            f"{page.notice} It places people on the practical scales (a profile file, "
            "positions or what was observed), which this form does not keep: advise the file "
            "itself (`compass advise`) to use them."
        ).strip()
    return page


def _places_people(scenario: Scenario) -> bool:
    people: tuple[OurPerson | Person, ...] = (*scenario.we.people, *scenario.they.people)
    return any(person.observed for person in people) or any(
        person.positions or person.profile for person in scenario.we.people
    )


def _check(page: Page) -> None:
    """Build the scenario's YAML from the form and validate it as the CLI validates a file."""
    data, places = values.to_data(scenario_form(), page.state)
    made = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    # The carried fields go in as the text they came as (top-level keys of their own): the
    # scenario's reader checks it with its limits like the rest, and reports what is wrong.
    carried = page.carried.strip("\n")
    page.scenario_yaml = _HEADER + made + (carried + "\n" if carried else "")
    page.checked = True
    try:
        api.read_scenario_text(page.scenario_yaml.encode("utf-8"), FORM_YAML, _kb_roots())
    except ScenarioError as error:
        _place(page, error.problems, places)
        return
    page.valid = True


def _place(page: Page, problems: tuple[Problem, ...], places: dict[str, str]) -> None:
    """Each message in the summary, and beside the form field it is about."""
    names = _control_names(scenario_form(), page.state)
    for problem in problems:
        message = str(problem)
        page.problems.append(message)
        name = _form_name(problem, places, names)
        page.at_field.setdefault(name, []).append(message)


def _form_name(problem: Problem, places: dict[str, str], names: set[str]) -> str:
    """The form field a message is about: ``(at they.people.0.rank)`` is the rank of the row
    it came from; a missing key is the field itself; a list item is its list's field."""
    path = problem.field
    missing = _MISSING.search(problem.message)
    if missing:
        path = f"{path}.{missing.group(1)}" if path else missing.group(1)
    holder = max((key for key in places if path == key or path.startswith(key + ".")), key=len,
                 default="")  # fmt: skip
    if holder:
        path = places[holder] + path[len(holder) :]
    while path and path not in names:
        path = path.rpartition(".")[0]
    return path


def _control_names(
    fields: tuple[FormField, ...], state: values.State, prefix: str = ""
) -> set[str]:
    """The name of every control, group and row the form shows for ``state``."""
    names: set[str] = set()
    for item in fields:
        name = prefix + item.name
        names.add(name)
        if item.kind == "group":
            names |= _control_names(item.children, state.get(item.name) or {}, name + ".")
        elif item.kind == "rows":
            for index, row in enumerate(state.get(item.name) or []):
                names.add(f"{name}.{index}")
                names |= _control_names(item.children, row, f"{name}.{index}.")
    return names


def _download(page: Page) -> Response:
    title = str(page.state.get("title", ""))
    stem = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "scenario"
    response = Response(page.scenario_yaml, mimetype="text/yaml")
    response.headers["Content-Disposition"] = f'attachment; filename="{stem}.yaml"'
    return response


def _plain_yaml(text: str) -> Any:
    """What text holds as YAML, or None: only to fill the form when validation failed (the
    messages come from the scenario's own reader)."""
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def _carried(data: Any) -> str:
    kept = {name: data[name] for name in NOT_IN_FORM if isinstance(data, dict) and name in data}
    return yaml.safe_dump(kept, sort_keys=False, allow_unicode=True) if kept else ""


def _file_name(name: str | None) -> str:
    # Only the file's own name, in plain characters: it is shown in messages.
    base = re.split(r"[\\/]", name or "")[-1]
    return re.sub(r"[^\w .-]", "_", base)[:80] or "uploaded.yaml"


def _kb_roots() -> tuple[Path, ...] | None:
    return workspace().kb_roots


def _country_names() -> list[tuple[str, str]]:
    """(name, code) of every country the knowledge base has a profile for, for the form's
    list of suggestions; any other country can still be typed."""
    return sorted((summary.name, summary.code) for summary in api.countries("", _kb_roots()))
