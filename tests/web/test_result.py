"""The result page: the founding case's plan and diagnosis with HOW trees and sources, a bad
scenario, why-not, what-if, the downloads, the audit record, and user text escaped."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import FOUNDING_CASE
from flask.testing import FlaskClient
from markupsafe import escape
from synergy_compass.engine import api
from synergy_compass.engine.audit import list_runs
from synergy_compass.web import create_app
from synergy_compass.web.result_fields import SETTABLE_FIELDS, pick_lists
from werkzeug.test import TestResponse

CSRF = "test-csrf-token"
FOUNDING_YAML = FOUNDING_CASE.read_text(encoding="utf-8")


def _client(audit_db: Path | None = None) -> FlaskClient:
    client = create_app(audit_db=audit_db).test_client()
    with client.session_transaction() as session:
        session["csrf"] = CSRF
    return client


@pytest.fixture
def client() -> FlaskClient:
    return _client()


def _post(
    client: FlaskClient, url: str, scenario: str = FOUNDING_YAML, **fields: object
) -> TestResponse:
    return client.post(url, data={"csrf": CSRF, "scenario_yaml": scenario, **fields})


def _escaped(text: str) -> str:
    """Text as the page's templates write it."""
    return str(escape(text))


def _section(page: str, section_id: str) -> str:
    start = page.index(f'<section id="{section_id}">')
    return page[start : page.index("</section>", start)]


def _item(page: str, item_id: str) -> str:
    start = page.index(f'id="item-{item_id}"')
    return page[start : page.index("</article>", start)]


def test_the_founding_case_shows_its_plan_and_diagnosis_with_how_trees(
    client: FlaskClient,
) -> None:
    report = api.advise_file(FOUNDING_CASE)
    answer = _post(client, "/advise")
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    plan, diagnosis = _section(page, "plan"), _section(page, "diagnosis")
    for item in report.recommendations:
        assert f'id="item-{item.id}"' in plan
        assert _escaped(item.title) in plan
    for finding in report.diagnosis:
        assert f'id="item-{finding.id}"' in diagnosis
    # the diagnosis in the report's order (severity first), the plan numbered in stage order
    ids = re.findall(r'id="item-([^"]+)"', diagnosis)
    situation = [item.id for item in report.diagnosis if item.basis == "situation"]
    assert ids[: len(situation)] == situation
    first = report.recommendations[0]
    assert f"1. {_escaped(first.title)}" in plan
    assert "certainty 0.66, medium" in _item(plan, first.id)
    for item in (*report.recommendations, *report.diagnosis):
        tree = _item(page, item.id)
        assert '<details class="how"' in tree
        for evidence in item.supported_by:  # every rule that fired for it, by id and title
            assert f"<code>{evidence.rule}</code>" in tree
            assert _escaped(evidence.rule_title) in tree
    tree = _item(page, "build-personal-relationship")
    assert "You stated: our meetings go straight to business" in tree  # the appendix's words
    assert "scenario: we_are_doing[1]" in tree  # where the fact came from
    assert "JP profile (cultures/jp.yaml)" in tree
    assert "fact-rule" in tree  # a concluded fact, opening onto the rules below it
    hofstede = next(s for s in report.profile_sources if s.url and "hofstede" in s.id)
    assert f'href="{_escaped(hofstede.url)}"' in tree  # a profile score's source, linked
    for source in first.sources:
        if source.url:
            assert f'href="{_escaped(source.url)}"' in _item(plan, first.id)
    assert 'id="why-not-form"' in page
    assert 'id="whatif-form"' in page
    for kind in ("html", "markdown", "pdf", "json"):
        assert f'id="download-{kind}"' in page


def test_the_page_has_every_section_of_the_client_report(client: FlaskClient) -> None:
    page = _post(client, "/advise").get_data(as_text=True)
    for heading in ("The situation", "What is going on", "The plan", "Also consider", "Caveats"):
        assert f"<h2>{heading}</h2>" in page
    assert 'id="item-read-context-and-ask-open-questions"' in _section(page, "also-consider")
    assert "<h2>Sources</h2>" in page


def test_a_bad_scenario_is_a_400_with_the_located_messages_beside_its_yaml(
    client: FlaskClient,
) -> None:
    broken = FOUNDING_YAML.replace("culture: JP", "culture: Atlantis", 1)
    assert broken != FOUNDING_YAML
    answer = _post(client, "/advise", broken)
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    line = broken.splitlines().index(
        next(text for text in broken.splitlines() if "Atlantis" in text)
    )
    assert re.search(rf"scenario:{line + 1}:\d+: unknown country &#39;Atlantis&#39;", page)
    assert '<textarea id="scenario-yaml" name="scenario_yaml"' in page
    assert "culture: Atlantis" in page  # the YAML, to correct and send again
    assert _post(client, "/advise", "title: [unclosed\n").status_code == 400
    assert "no scenario was sent" in _post(client, "/advise", "  ").get_data(as_text=True)


def test_why_not_for_advice_given_and_not_given(client: FlaskClient) -> None:
    given = _post(client, "/why-not", target="read-polite-deferral-as-no")
    assert given.status_code == 200
    text = given.get_data(as_text=True)
    assert "was given: act-on-probable-no fired; it is in the main plan" in text
    assert "branch-act-on-probable-no-0" in text
    not_given = _post(client, "/why-not", target="little-adaptation-needed")
    assert not_given.status_code == 200
    text = not_given.get_data(as_text=True)
    assert "was not given: none of the 1 rule(s) that could give it fired" in text
    assert 'class="condition condition-fail"' in text
    assert 'class="condition condition-ok"' in text
    assert "conditions hold" in text
    assert 'id="why-not-input"' in text
    assert 'value="little-adaptation-needed"' in text


def test_why_not_accepts_a_title_and_suggests_ids(client: FlaskClient) -> None:
    page = _post(client, "/advise").get_data(as_text=True)
    suggestions = page[page.index('<datalist id="kb-ids">') :]
    knowledge_base = api.compiled_knowledge_base().knowledge_base
    for rule in knowledge_base.rules[:5]:
        assert f'<option value="{rule.value.id}"' in suggestions
    title = knowledge_base.advice["little-adaptation-needed"].value.title
    by_title = _post(client, "/why-not", target=title)
    assert by_title.status_code == 200
    assert "little-adaptation-needed" in by_title.get_data(as_text=True)
    unknown = _post(client, "/why-not", target="little-adaptation-neded")
    assert unknown.status_code == 400
    assert "Did you mean &#39;little-adaptation-needed&#39;" in unknown.get_data(as_text=True)


def test_a_what_if_shows_what_changed_and_carries_the_changed_scenario(
    client: FlaskClient,
) -> None:
    setting = "relationship.personal_contact=strong"
    _before, _after, diff = api.whatif_file(FOUNDING_CASE, (setting,))
    assert diff.advice
    assert diff.diagnosis
    answer = _post(client, "/what-if", set=["", setting])  # an untouched pick-list sends ""
    assert answer.status_code == 200
    page = answer.get_data(as_text=True)
    for change in (*diff.advice, *diff.diagnosis):
        row = page[page.index(f'id="change-{change.id}"') :]
        assert f"<strong>{change.change}</strong>" in row[: row.index("</tr>")]
    assert "relationship-missing-where-needed" in _section(page, "whatif-rules")
    carried = re.findall(r'name="scenario_yaml" value="([^"]*)"', page)
    changed = html.unescape(carried[0])
    assert "personal_contact: strong" in changed
    assert html.unescape(carried[-1]) == FOUNDING_YAML  # the way back to the scenario as it was
    # the carried scenario goes on: advising on it gives the changed plan
    again = _post(client, "/advise", changed).get_data(as_text=True)
    assert 'id="item-relationship-gap"' not in again


def test_the_what_if_form_offers_the_scenario_fields(client: FlaskClient) -> None:
    page = _post(client, "/advise").get_data(as_text=True)
    form = page[page.index('id="whatif-form"') :]
    assert '<option value="relationship.personal_contact=strong">' in form
    assert "as written (none)" in form  # the founding case's value, named
    assert '<datalist id="scenario-paths">' in form
    assert '<option value="they.structure=hierarchical">' in form
    paths = {field.path for field in SETTABLE_FIELDS}
    assert {"goal[0].kind", "we_observe", "parties[0].decides", "dates[0].date"} <= paths


def test_every_choice_of_every_pick_list_makes_a_valid_scenario() -> None:
    loaded = api.read_scenario(FOUNDING_CASE)
    lists = pick_lists(loaded.document.data)
    assert {pick.field.path for pick in lists} >= {"relationship.stage", "goal[0].kind"}
    for pick in lists:
        for choice in pick.field.choices:
            api.change_scenario(loaded, (f"{pick.field.path}={choice}",))


def test_a_what_if_that_cannot_apply_says_why(client: FlaskClient) -> None:
    answer = _post(client, "/what-if", set="relationship.personal_contact=lots")
    assert answer.status_code == 400
    page = answer.get_data(as_text=True)
    assert "Please check the what-if change" in page
    assert "personal_contact" in page
    assert "lots" in page
    assert _post(client, "/what-if").status_code == 400  # no change at all


@pytest.mark.parametrize(
    ("kind", "media_type", "extension"),
    [
        ("html", "text/html", "html"),
        ("markdown", "text/markdown", "md"),
        ("json", "application/json", "json"),
    ],
)
def test_each_text_download_has_its_type_name_and_content(
    client: FlaskClient, kind: str, media_type: str, extension: str
) -> None:
    answer = _post(client, "/download", format=kind, prepared_for="Acme KK")
    assert answer.status_code == 200
    assert answer.mimetype == media_type
    disposition = answer.headers["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert disposition.endswith(f'.{extension}"')
    assert 'filename="us-law-firm-partner-seeks' in disposition
    body = answer.get_data(as_text=True)
    if kind == "json":
        data = json.loads(body)
        assert data["recommendations"][0]["id"] == "read-polite-deferral-as-no"
        assert "trace" not in data
        traced = json.loads(_post(client, "/download", format=kind, trace="on").data)
        assert traced["trace"]["firings"]
    else:
        assert "Acme KK" in body
        assert "The plan" in body
        assert "Treat polite deferrals as a probable no" in body


def test_an_unknown_download_format_is_a_400(client: FlaskClient) -> None:
    assert _post(client, "/download", format="docx").status_code == 400


needs_browser = pytest.mark.skipif(
    shutil.which("chromium") is None and not os.environ.get("COMPASS_REQUIRE_BROWSER"),
    reason="no headless Chromium installed",
)


@needs_browser
def test_the_pdf_download_is_printed_by_chromium(client: FlaskClient) -> None:
    answer = _post(client, "/download", format="pdf")
    assert answer.status_code == 200
    assert answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF-")
    assert answer.headers["Content-Disposition"].endswith('.pdf"')


def test_the_pdf_download_without_a_browser_says_what_to_install(
    client: FlaskClient, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no browser anywhere on it
    answer = _post(client, "/download", format="pdf")
    assert answer.status_code == 503
    assert "Install Chromium" in answer.get_data(as_text=True)


def test_a_run_is_recorded_in_the_audit_database_and_its_id_shown(tmp_path: Path) -> None:
    database = tmp_path / "audit.sqlite3"
    page = _post(_client(database), "/advise").get_data(as_text=True)
    runs = list_runs(database)
    assert len(runs) == 1
    assert f'<code id="run-id">{runs[0].run_id}</code>' in page
    unrecorded = _post(_client(None), "/advise").get_data(as_text=True)
    assert 'id="run-not-recorded"' in unrecorded


def test_a_script_in_the_title_is_shown_as_text(client: FlaskClient) -> None:
    script = "</style><script>alert('x')</script>"  # '</style>': the report's CSS has the title
    hostile = FOUNDING_YAML.replace("title: ", f"title: {script} ", 1)
    for url, fields in (
        ("/advise", {}),
        ("/why-not", {"target": script}),
        ("/what-if", {"set": f"title={script}"}),
        ("/download", {"format": "html"}),
    ):
        answer = _post(client, url, hostile, **fields)
        assert answer.status_code == (400 if url == "/why-not" else 200), url
        body = answer.get_data(as_text=True)
        assert "<script>" not in body, url
        assert "</style><script" not in body, url
        assert "&lt;script&gt;alert" in body, url
