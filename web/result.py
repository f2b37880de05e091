"""The result page: the diagnosis and the staged plan for a scenario, each item opening onto
its HOW tree; "why not ...?" questions, what-if changes and downloads of the client report.

Every request carries the scenario as YAML text in a form field, so the server keeps nothing
between requests and any page can be reloaded. Advice runs are recorded in the workspace's audit
database through the same API call as ``compass advise``; downloads and what-if runs are not
(as with ``compass whatif``).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import yaml
from flask import Blueprint, Response, abort, g, render_template, request

from ..engine import api
from ..engine.errors import InputError, Location, Problem, ScenarioError, did_you_mean
from ..engine.render import report_parts as parts
from ..engine.render.appendix import fact_sentences
from ..engine.render.documents import render_html, render_markdown, render_pdf
from ..engine.render.text import note_hint_intro, particulars, render_json
from ..engine.schemas.branding import ReportBranding
from ..engine.schemas.report import DiagnosisItem, Recommendation, Report
from .app import workspace
from .result_fields import SETTABLE_FIELDS, pick_lists
from .result_trees import Trees

if TYPE_CHECKING:  # only the type the API hands back; the web reads no scenario files itself
    from ..engine.load.scenario import LoadedScenario

result = Blueprint("result", __name__)

SCENARIO_NAME = "scenario"
"""How messages name the text a form sent: 'scenario:3:5: ...', as a file's name in the CLI."""

_DOWNLOADS = {
    "html": ("text/html; charset=utf-8", "html"),
    "markdown": ("text/markdown; charset=utf-8", "md"),
    "pdf": ("application/pdf", "pdf"),
    "json": ("application/json", "json"),
}


class _InvalidInputError(Exception):
    """A request whose scenario (or what-if change) cannot be used: the page says why."""

    def __init__(self, error: InputError, what: str) -> None:
        super().__init__(str(error))
        self.messages = str(error).splitlines()
        self.what = what


@result.errorhandler(_InvalidInputError)
def _invalid(error: _InvalidInputError) -> tuple[str, int]:
    # The messages beside the YAML they are about, so it can be fixed and sent again.
    page = render_template(
        "result_invalid.html",
        messages=error.messages,
        what=error.what,
        scenario_yaml=request.form.get("scenario_yaml", ""),
    )
    return page, 400


def _scenario_text() -> str:
    return request.form.get("scenario_yaml", "").replace("\r\n", "\n")


def _read(text: str) -> LoadedScenario:
    """The scenario the form sent, validated as ``compass advise`` validates a file."""
    if not text.strip():
        problem = Problem(
            Location(SCENARIO_NAME),
            "no scenario was sent",
            hint="Describe a case with the scenario form, or paste a scenario's YAML here.",
        )
        raise _InvalidInputError(ScenarioError([problem]), "scenario")
    try:
        return api.read_scenario_text(text.encode("utf-8"), SCENARIO_NAME, workspace().kb_roots)
    except ScenarioError as error:
        raise _InvalidInputError(error, "scenario") from error


def _compiled() -> api.CompiledKB:
    """The workspace's compiled KB, asked for once per request: each ask hashes every KB file
    to notice a change, which costs more than the rest of the page."""
    if "compiled_kb" not in g:
        g.compiled_kb = api.compiled_knowledge_base(workspace().kb_roots)
    compiled: api.CompiledKB = g.compiled_kb
    return compiled


def _suggestions() -> list[tuple[str, str, str]]:
    """Every id a why-not question may name, as (id, kind, title), for the search box."""
    knowledge_base = _compiled().knowledge_base
    return [
        *((key, "advice", item.value.title) for key, item in knowledge_base.advice.items()),
        *((key, "finding", item.value.title) for key, item in knowledge_base.findings.items()),
        *((rule.value.id, "rule", rule.value.title) for rule in knowledge_base.rules),
    ]


def _trees(report: Report) -> tuple[Trees, dict[str, list[Any]], dict[str, list[Any]]]:
    """The HOW tree of every item and the sources of every finding, by item id."""
    roots = workspace().kb_roots
    knowledge_base = _compiled().knowledge_base
    sentences = fact_sentences(report, api.comparison_for(report, roots))
    kb_sources = {key: source.value for key, source in knowledge_base.sources.items()}
    trees = Trees(report, sentences, kb_sources)
    items: tuple[DiagnosisItem | Recommendation, ...] = (
        *report.diagnosis,
        *report.recommendations,
        *report.also_consider,
        *report.set_aside,
        *report.advised_against,
    )
    how = {item.id: [trees.evidence(evidence) for evidence in item.supported_by] for item in items}
    finding_sources = {
        item.id: [
            link
            for source_id in knowledge_base.findings[item.id].value.sources
            if (link := trees.source(source_id))
        ]
        for item in report.diagnosis
        if item.id in knowledge_base.findings
    }
    return trees, how, finding_sources


def _result_page(report: Report, scenario_yaml: str, data: Any, run_id: str | None) -> str:
    trees, how, finding_sources = _trees(report)
    return render_template(
        "result.html",
        report=report,
        run_id=run_id,
        scenario_yaml=scenario_yaml,
        how=how,
        finding_sources=finding_sources,
        source_link=trees.source,
        situation=parts.situation(report, None),
        situation_findings=[item for item in report.diagnosis if item.basis == "situation"],
        background_findings=[item for item in report.diagnosis if item.basis == "profiles"],
        plan=list(parts.plan_by_stage(report)),
        cited_sources=parts.sources(report),
        caveats=parts.caveats(report),
        several_pairs=parts.several_pairs(report),
        headings=parts,
        certainty=parts.certainty,
        particulars=particulars,
        note_hint_intro=note_hint_intro,
        **_forms_context(data),
    )


def _forms_context(data: Any) -> dict[str, Any]:
    """What the why-not and what-if forms list: the KB's ids, the scenario's fields."""
    return {
        "suggestions": _suggestions(),
        "settable_fields": SETTABLE_FIELDS,
        "pick_lists": pick_lists(data),
    }


@result.post("/advise")
def advise() -> str:
    """Advise on the scenario the form sent, record the run, show the result."""
    text = _scenario_text()
    loaded = _read(text)
    settings = workspace()
    report, recorded = api.advise_and_record(
        loaded.scenario, settings.kb_roots, audit_path=settings.audit_db
    )
    run_id = recorded.run_id if recorded is not None else None
    return _result_page(report, text, loaded.document.data, run_id)


@result.post("/why-not")
def why_not() -> tuple[str, int]:
    """Why a rule, advice or finding was not given (or where it was), as ``compass explain
    --why-not`` answers it."""
    text = _scenario_text()
    loaded = _read(text)
    suggestions = _suggestions()
    asked = request.form.get("target", "").strip()
    by_title = {title.casefold(): key for key, _kind, title in suggestions}
    target = asked if asked in {key for key, _kind, _title in suggestions} else ""
    target = target or by_title.get(asked.casefold(), "")
    context = {
        "scenario_yaml": text,
        "asked": asked,
        **_forms_context(loaded.document.data),
    }
    if not target:
        hint = did_you_mean(asked, [key for key, _kind, _title in suggestions])
        message = (
            f"{asked!r} is not a rule, advice or finding id in this knowledge base"
            if asked
            else "name a rule, advice or finding: type a few letters and pick from the list"
        )
        problem = Problem(Location("why not"), message, hint=hint if asked else "")
        return render_template("result_why_not.html", answer=None, problem=problem, **context), 400
    explanation = api.explain_file(loaded, workspace().kb_roots, (target,))
    answer = explanation.why_not[0]
    return render_template("result_why_not.html", answer=answer, problem=None, **context), 200


@result.post("/what-if")
def what_if() -> str:
    """The scenario run as sent and with ``PATH=VALUE`` changes: what was added, removed,
    moved or changed in certainty. The changed scenario travels on in the page."""
    text = _scenario_text()
    loaded = _read(text)
    settings = tuple(setting.strip() for setting in request.form.getlist("set") if setting.strip())
    if not settings:
        problem = Problem(
            Location("what if"),
            "no change was given",
            hint="Pick a value in one of the lists, or write PATH=VALUE, such as "
            "relationship.personal_contact=strong.",
        )
        raise _InvalidInputError(ScenarioError([problem]), "what-if")
    roots = workspace().kb_roots
    try:
        changed = api.change_scenario(loaded, settings, roots)
        _before, after, diff = api.whatif_file(loaded, settings, roots)
    except ScenarioError as error:
        raise _InvalidInputError(error, "what-if") from error
    changed_yaml = yaml.safe_dump(changed.document.data, sort_keys=False, allow_unicode=True)
    return render_template(
        "result_whatif.html",
        diff=diff,
        after=after,
        scenario_yaml=text,
        changed_yaml=changed_yaml,
        certainty=parts.certainty,
        **_forms_context(changed.document.data),
    )


def _file_name(title: str, extension: str) -> str:
    stem = re.sub(r"[^a-z0-9]+", "-", title.casefold()).strip("-")[:60].rstrip("-")
    return f"{stem or 'report'}.{extension}"


@result.post("/download")
def download() -> Response | tuple[str, int]:
    """The client report in one of the formats of ``compass advise --format``."""
    chosen = request.form.get("format", "")
    if chosen not in _DOWNLOADS:
        abort(400, f"Unknown report format {chosen!r}: choose html, markdown, pdf or json.")
    loaded = _read(_scenario_text())
    roots = workspace().kb_roots
    report = api.advise(loaded.scenario, _compiled())
    with_appendix = request.form.get("appendix") == "on"
    branding = ReportBranding(
        prepared_by=request.form.get("prepared_by", "").strip(),
        prepared_for=request.form.get("prepared_for", "").strip(),
    )
    body: str | bytes
    if chosen == "json":
        body = render_json(report, trace=request.form.get("trace") == "on")
    elif chosen == "pdf":
        try:
            body = render_pdf(
                report, api.comparison_for(report, roots), branding, with_appendix=with_appendix
            )
        except InputError as error:
            # No browser to print with is the machine's limit, not the user's input.
            page = render_template("error.html", status=503, messages=str(error).splitlines())
            return page, 503
    else:
        render = render_html if chosen == "html" else render_markdown
        body = render(
            report, api.comparison_for(report, roots), branding, with_appendix=with_appendix
        )
    media_type, extension = _DOWNLOADS[chosen]
    response = Response(body, mimetype=media_type.split(";")[0], content_type=media_type)
    name = _file_name(report.scenario.title, extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
