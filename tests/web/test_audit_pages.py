"""The audit pages: runs listed newest first and paginated, one run's report as recorded with
the chain's state, the chain verified on request, a run replayed on today's KB; an altered
database is marked as not verifying; with no audit the pages say so."""

from __future__ import annotations

import html
import re
import sqlite3
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from synergy_compass.engine import api
from synergy_compass.web import audit as audit_pages
from synergy_compass.web import create_app
from werkzeug.test import TestResponse

SCENARIOS = Path(__file__).parents[2] / "kb" / "scenarios"
FOUNDING_CASE = SCENARIOS / "allen-japan.yaml"
OTHER_CASE = SCENARIOS / "acq-us-italy-family-manufacturer-announcement.yaml"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite3"
    for scenario in (FOUNDING_CASE, OTHER_CASE, FOUNDING_CASE):
        api.advise_and_record(scenario, audit_path=path)
    return path


def _client(database: Path | None) -> FlaskClient:
    return create_app(audit_db=database).test_client()


def _csrf(client: FlaskClient, url: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get(url).get_data(as_text=True))
    assert found is not None
    return found.group(1)


def _text(page: TestResponse) -> str:
    return html.unescape(page.get_data(as_text=True))


def test_runs_are_listed_newest_first_with_the_chain_verified(database: Path) -> None:
    page = _client(database).get("/audit")
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert 'id="audit-runs"' in body
    assert 'id="verify-button"' in body
    assert 'id="chain-status"' in body
    assert 'data-intact="true"' in body
    runs = api.audit_runs(database)
    positions = [body.index(f"/audit/{run.run_id}") for run in reversed(runs)]
    assert positions == sorted(positions)


def test_many_runs_are_paginated(database: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audit_pages, "RUNS_PER_PAGE", 2)
    client = _client(database)
    runs = api.audit_runs(database)
    first = client.get("/audit").get_data(as_text=True)
    assert f"/audit/{runs[2].run_id}" in first
    assert f"/audit/{runs[0].run_id}" not in first
    assert "page 1 of 2" in first
    second = client.get("/audit?page=2").get_data(as_text=True)
    assert f"/audit/{runs[0].run_id}" in second
    assert f"/audit/{runs[2].run_id}" not in second
    assert client.get("/audit?page=99").status_code == 200  # past the end: the last page


def test_one_run_shows_its_report_scenario_kb_digest_and_tool_version(database: Path) -> None:
    run = api.audit_runs(database)[0]
    stored = api.audit_run(database, run.run_id)
    page = _client(database).get(f"/audit/{run.run_id[:8]}")
    assert page.status_code == 200
    text = _text(page)
    assert stored.scenario.title in text
    assert stored.report.kb.digest in text
    assert f"Synergy Compass {stored.tool_version}" in text
    assert stored.report.diagnosis[0].title in text
    assert stored.report.recommendations[0].title in text
    assert 'id="replay-button"' in text
    assert 'id="verify-button"' in text
    assert 'data-intact="true"' in text
    assert 'id="run-untrusted"' not in text


def test_an_unknown_run_is_a_404(database: Path) -> None:
    assert _client(database).get("/audit/ffffffffffff").status_code == 404


def test_verifying_the_chain_on_request(database: Path) -> None:
    client = _client(database)
    page = client.post("/audit/verify", data={"csrf": _csrf(client, "/audit")})
    assert page.status_code == 200
    text = _text(page)
    assert "The chain verifies" in text
    assert "3 records" in text
    assert client.post("/audit/verify").status_code == 400  # no CSRF token


def test_replaying_a_run_on_todays_kb_shows_the_difference(database: Path) -> None:
    client = _client(database)
    run = api.audit_runs(database)[0]
    csrf = _csrf(client, f"/audit/{run.run_id}")
    page = client.post(f"/audit/{run.run_id}/replay", data={"csrf": csrf})
    assert page.status_code == 200
    assert 'id="replay-result"' in page.get_data(as_text=True)
    assert "No difference: the same advice, findings and rules." in _text(page)


def test_a_replay_that_differs_lists_the_changes(database: Path) -> None:
    run = api.audit_runs(database)[0]
    with sqlite3.connect(database) as db:
        # The recorded report without its first plan item: today's KB gives it again.
        stored = api.audit_run(database, run.run_id)
        report = stored.report.model_copy(
            update={"recommendations": stored.report.recommendations[1:]}
        )
        db.execute(
            "UPDATE runs SET report_json = ? WHERE run_id = ?",
            (report.model_dump_json(), run.run_id),
        )
    client = _client(database)
    csrf = _csrf(client, f"/audit/{run.run_id}")
    page = client.post(f"/audit/{run.run_id}/replay", data={"csrf": csrf})
    text = _text(page)
    assert stored.report.recommendations[0].id in text
    assert "No difference" not in text


def test_an_altered_database_is_marked_as_not_verifying(database: Path) -> None:
    runs = api.audit_runs(database)
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET scenario_title = 'Altered afterwards' WHERE sequence = 2")
    client = _client(database)
    listing = client.get("/audit").get_data(as_text=True)
    assert 'data-intact="false"' in listing
    assert "does not verify" in listing
    altered = _text(client.get(f"/audit/{runs[1].run_id}"))
    assert 'id="run-untrusted"' in altered
    assert "The chain does not verify" in altered
    before = _text(client.get(f"/audit/{runs[0].run_id}"))
    assert 'id="run-untrusted"' not in before  # the record before the break still verifies
    assert 'data-intact="false"' in before
    verified = _text(client.post("/audit/verify", data={"csrf": _csrf(client, "/audit")}))
    assert "at record 2" in verified


def test_a_record_that_no_longer_reads_back_still_gets_its_page(database: Path) -> None:
    run = api.audit_runs(database)[1]
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET report_json = '{}' WHERE sequence = 2")
    text = _text(_client(database).get(f"/audit/{run.run_id}"))
    assert "cannot be read back" in text
    assert 'id="run-untrusted"' in text


def test_scenario_titles_from_the_database_are_shown_as_text(database: Path) -> None:
    with sqlite3.connect(database) as db:
        db.execute("UPDATE runs SET scenario_title = '<script>alert(1)</script>'")
    body = _client(database).get("/audit").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_without_an_audit_the_pages_say_it_is_off(tmp_path: Path) -> None:
    client = _client(None)
    page = client.get("/audit")
    assert page.status_code == 200
    assert "The audit is off" in _text(page)
    assert client.get("/audit/abc").status_code == 404
    empty = _client(tmp_path / "none-yet.sqlite3").get("/audit")
    assert "No runs recorded yet" in _text(empty)


def test_a_run_shows_who_ran_it_where_and_on_which_layers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPASS_AUDIT_USER", "ann.lee")
    monkeypatch.setenv("COMPASS_AUDIT_HOST", "office-pc")
    path = tmp_path / "audit.sqlite3"
    api.advise_and_record(FOUNDING_CASE, audit_path=path)
    run = api.audit_runs(path)[0]
    layer = api.audit_run(path, run.run_id).layers[0]
    client = _client(path)
    assert "ann.lee@office-pc" in _text(client.get("/audit"))
    page = _text(client.get(f"/audit/{run.run_id}"))
    assert "ann.lee on office-pc" in page
    assert f"{layer.name} {layer.version} (shipped)" in page
    assert layer.digest[:16] in page
    replayed = _text(
        client.post(f"/audit/{run.run_id}/replay", data={"csrf": _csrf(client, "/audit")})
    )
    assert 'id="replay-layers"' in replayed
    assert f'<tr class="layer-unchanged"><td>{layer.name}</td>' in replayed
