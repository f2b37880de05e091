"""The scenario form: generated from the scenario model, rows added and removed without
JavaScript, checked as the CLI checks a file (messages beside their fields, 400), saved as YAML,
loaded from a file, pasted, or started from an example or the template."""

from __future__ import annotations

import html
import re
import typing
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from pydantic import BaseModel
from synergy_compass.engine import api
from synergy_compass.engine.schemas.scenario import Expectations, Scenario
from synergy_compass.web import create_app
from synergy_compass.web.form.fields import NOT_IN_FORM, scenario_form

FOUNDING_CASE = Path(__file__).parents[2] / "kb" / "scenarios" / "allen-japan.yaml"

# The founding case as a consultant types it: countries by name, every row added with its button.
FOUNDING_FIELDS = {
    "title": "US law firm partner seeks strategic international work from a long-standing "
    "Japanese client",
    "we.culture": "United States",
    "we.organisation": "Los Angeles law firm",
    "we.role": "partner",
    "we.offer": "US contract and corporate law",
    "they.culture": "Japan",
    "they.organisation": "Large Japanese corporation",
    "they.organisation_type": "large_corporation",
    "they.people.0.role": "President",
    "they.people.0.rank": "top",
    "they.people.0.contact": "none",
    "they.people.1.role": "Legal department manager",
    "they.people.1.rank": "middle",
    "they.people.1.contact": "regular",
    "relationship.we_are": "service_provider",
    "relationship.stage": "established",
    "relationship.months": "24",
    "relationship.they_see_us_as": "vendor",
    "relationship.personal_contact": "none",
    "relationship.work_so_far": "basic US contract work",
    "goal.0.kind": "expand_scope",
    "goal.0.description": "win their strategic international legal work",
    "we_are_doing.0.kind": "direct_approach_to_top",
    "we_are_doing.1.kind": "task_focused_meetings",
    "we_observe.0.kind": "polite_deferral",
    "we_observe.1.kind": "requests_passed_along",
    "we_observe.2.kind": "no_decision",
    "notes": 'Every approach to the President is met politely, the request is "passed along", '
    "and nothing follows. The partner's style is efficient and businesslike; he has had no "
    "social contact with anyone at the client.",
}


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def _csrf(client: FlaskClient) -> str:
    page = client.get("/scenario").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found
    return found.group(1)


def _form_values(page: str) -> dict[str, Any]:
    """What the page's scenario form would post: text inputs, chosen options, checked boxes,
    text areas (enough of a browser for these tests)."""
    form = page[page.index('id="scenario-form"') :]
    form = form[: form.index("</form>")]
    sent: dict[str, Any] = {}
    for tag in re.findall(r"<input [^>]*>", form):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if not name or ('type="checkbox"' in tag and " checked" not in tag):
            continue
        text = html.unescape(value.group(1)) if value else ""
        if 'type="checkbox"' in tag:
            sent.setdefault(name.group(1), []).append(text)
        else:
            sent[name.group(1)] = text
    for name, options in re.findall(r'<select [^>]*name="([^"]+)"[^>]*>(.*?)</select>', form, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', options)
        first = re.search(r'<option value="([^"]*)"', options)
        picked = chosen or first
        sent[name] = html.unescape(picked.group(1)) if picked else ""
    for name, text in re.findall(
        r'<textarea [^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S
    ):
        sent[name] = html.unescape(text)
    return sent


def _press(client: FlaskClient, page: str, action: str, **typed: str) -> Any:
    """Type into the page's form and press one of its buttons."""
    sent = {**_form_values(page), **typed, "action": action}
    return client.post("/scenario", data=sent)


def _without_expectations(scenario: Scenario) -> Scenario:
    return scenario.model_copy(update={"expectations": Expectations()})


def test_the_founding_case_typed_field_by_field_saves_as_the_shipped_file(
    client: FlaskClient,
) -> None:
    page = client.get("/scenario").get_data(as_text=True)
    # A new form has one goal row and no other rows; each row comes from its "Add" button.
    for rows, count in (("they.people", 2), ("we_are_doing", 2), ("we_observe", 3)):
        for _ in range(count):
            answer = _press(client, page, f"add:{rows}")
            assert answer.status_code == 200
            page = answer.get_data(as_text=True)
    typed = {
        name: value for name, value in FOUNDING_FIELDS.items() if name != "they.organisation_type"
    }
    sent = {**_form_values(page), **typed, "they.organisation_type": ["large_corporation"]}
    saved = client.post("/scenario", data={**sent, "action": "save"})
    assert saved.status_code == 200
    assert saved.mimetype == "text/yaml"
    disposition = saved.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert 'filename="us-law-firm-partner-seeks-strategic' in disposition
    from_form = api.read_scenario_text(saved.get_data(), "saved.yaml").scenario
    shipped = api.read_scenario(FOUNDING_CASE).scenario
    assert from_form == _without_expectations(shipped)


def test_a_valid_case_offers_advice_with_its_yaml_and_the_forms_token(client: FlaskClient) -> None:
    data = {**FOUNDING_FIELDS, "csrf": _csrf(client), "action": "check"}
    data.update({"they.people#rows": "2", "goal#rows": "1", "we_are_doing#rows": "2"})
    data["we_observe#rows"] = "3"
    page = client.post("/scenario", data=data)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    advise = text[text.index('id="advise-form"') - 60 :]
    advise = advise[: advise.index("</form>")]
    assert 'action="/advise"' in advise
    assert 'name="csrf"' in advise
    assert 'id="advise-button"' in advise
    sent_yaml = re.search(r'name="scenario_yaml" value="([^"]*)"', advise)
    assert sent_yaml
    scenario = api.read_scenario_text(html.unescape(sent_yaml.group(1)).encode(), "x").scenario
    assert scenario.they.culture == "JP"
    assert scenario.they.people[1].role == "Legal department manager"


def test_rows_are_added_and_removed_keeping_what_was_typed(client: FlaskClient) -> None:
    page = client.get("/scenario").get_data(as_text=True)
    for _ in range(3):
        page = _press(client, page, "add:they.people").get_data(as_text=True)
    page = _press(
        client,
        page,
        "remove:they.people.1",
        **{"title": "Kept", "they.people.0.role": "CEO", "they.people.2.role": "Buyer"},
    ).get_data(as_text=True)
    kept = _form_values(page)
    assert kept["they.people#rows"] == "2"
    assert kept["title"] == "Kept"
    assert (kept["they.people.0.role"], kept["they.people.1.role"]) == ("CEO", "Buyer")
    assert "they.people.2.role" not in kept
    assert 'value="remove:they.people.1"' in page
    assert "Add a person" in page
    assert "Add an action" in page
    # A path to no row, or a forged one, changes nothing and breaks nothing.
    for forged in ("remove:they.people.9", "remove:nothing", "add:title", "add:", "remove:"):
        assert _press(client, page, forged).status_code == 200


def test_a_bad_country_is_a_400_with_the_clis_message_beside_the_field(
    client: FlaskClient,
) -> None:
    data = {**FOUNDING_FIELDS, "they.culture": "Narnia", "goal#rows": "1"}
    page = client.post("/scenario", data={**data, "csrf": _csrf(client), "action": "check"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    beside = re.search(r'id="f-they-culture-error-1"[^>]*>([^<]*)<', text)
    assert beside
    message = html.unescape(beside.group(1))
    assert message.startswith("scenario.yaml:")
    assert "unknown country 'Narnia'" in message
    assert message.endswith("(at they.culture).")
    summary = text[text.index('id="form-problems"') :]
    assert message in html.unescape(summary[: summary.index("</section>")])
    assert 'id="advise-button"' not in text


def test_a_message_about_a_row_goes_to_the_row_it_came_from(client: FlaskClient) -> None:
    # The first row is left blank, so the data's person 0 is the form's person 1.
    data = {**FOUNDING_FIELDS, "they.people#rows": "2", "goal#rows": "1"}
    data.update({"they.people.0.role": "", "they.people.0.rank": "", "they.people.0.contact": ""})
    data["they.people.1.culture"] = "Atlantis"
    page = client.post("/scenario", data={**data, "csrf": _csrf(client), "action": "check"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert re.search(r'id="f-they-people-1-culture-error-1"[^>]*>[^<]*Atlantis', text)
    assert "(at they.people.0.culture)" in text  # the CLI's wording, about the data


def test_missing_and_wrong_values_are_placed_at_their_fields(client: FlaskClient) -> None:
    data = {"csrf": _csrf(client), "action": "check", "goal#rows": "1", "relationship.months": "x"}
    page = client.post("/scenario", data=data)
    assert page.status_code == 400
    text = html.unescape(page.get_data(as_text=True))
    for field_id, wording in (
        ("f-title", "the required key 'title' is missing"),
        ("f-we-culture", "the required key 'culture' is missing"),
        ("f-they-culture", "the required key 'culture' is missing"),
        ("f-goal", "at least 1 item"),
        ("f-relationship-months", "valid integer"),
    ):
        assert re.search(rf'id="{field_id}-error-1"[^>]*>[^<]*{wording}', text), field_id


def test_a_script_in_the_title_is_shown_as_text(client: FlaskClient) -> None:
    data = {**FOUNDING_FIELDS, "title": "<script>alert(1)</script>", "goal#rows": "1"}
    page = client.post("/scenario", data={**data, "csrf": _csrf(client), "action": "check"})
    text = page.get_data(as_text=True)
    assert "<script>alert(1)</script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


def test_a_file_is_loaded_with_its_expectations_carried_through(client: FlaskClient) -> None:
    with FOUNDING_CASE.open("rb") as file:
        page = client.post(
            "/scenario",
            data={"csrf": _csrf(client), "action": "upload", "scenario_file": (file, "case.yaml")},
            content_type="multipart/form-data",
        )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "File case.yaml is loaded." in text
    assert 'value="Legal department manager"' in text
    saved = _press(client, text, "save")
    assert saved.status_code == 200
    scenario = api.read_scenario_text(saved.get_data(), "saved.yaml").scenario
    assert scenario == api.read_scenario(FOUNDING_CASE).scenario


def test_an_invalid_file_is_a_400_with_messages_naming_the_file(client: FlaskClient) -> None:
    broken = b"title: A case\nwe: {culture: Holland}\nthey: {culture: UK, structure: flatt}\n"
    page = client.post(
        "/scenario",
        data={"csrf": _csrf(client), "scenario_file": (__import__("io").BytesIO(broken), "c.yaml")},
        content_type="multipart/form-data",
    )
    assert page.status_code == 400
    text = html.unescape(page.get_data(as_text=True))
    assert "c.yaml:3:" in text
    assert "Did you mean 'flat'?" in text
    assert re.search(r'id="f-they-structure-error-1"[^>]*>[^<]*flatt', text)
    assert 'value="Holland"' in text  # what was written stays in the form to be corrected
    assert "structure: flatt" in text  # and the text, to be corrected and loaded again


def test_pasted_yaml_reads_countries_with_the_clis_aliases(client: FlaskClient) -> None:
    pasted = "title: A case\nwe: {culture: Holland}\nthey: {culture: UK}\ngoal: [{kind: win_first_deal}]\n"
    page = client.post("/scenario", data={"csrf": _csrf(client), "scenario_yaml": pasted})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="NL"' in text
    assert 'value="GB"' in text
    assert 'id="advise-button"' in text
    assert re.search(r'<datalist id="country-names">.*<option value="Japan">JP', text, re.S)


def test_every_example_and_the_template_start_a_valid_form(client: FlaskClient) -> None:
    for name, _title in api.example_scenarios()[:10]:
        page = client.get(f"/scenario?example={name}")
        assert page.status_code == 200, name
        assert 'id="advise-button"' in page.get_data(as_text=True)
    template = client.get("/scenario?template=1").get_data(as_text=True)
    assert 'value="Describe the case in one line"' in template
    unknown = client.get("/scenario?example=allen-japn")
    assert unknown.status_code == 400
    assert "Did you mean 'allen-japan'?" in html.unescape(unknown.get_data(as_text=True))


def test_a_new_form_is_blank_and_not_yet_checked(client: FlaskClient) -> None:
    page = client.get("/scenario")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'id="form-problems"' not in text
    assert "Describe a case" in text


def _model_paths(model: type[BaseModel], prefix: str = "") -> set[str]:
    """Every field of a model and of the models inside it, as dotted paths."""
    paths: set[str] = set()
    for name, info in model.model_fields.items():
        inner = [
            found
            for found in _types_in(info.annotation)
            if isinstance(found, type) and issubclass(found, BaseModel)
        ]
        paths |= _model_paths(inner[0], f"{prefix}{name}.") if inner else {prefix + name}
    return paths


def _types_in(annotation: Any) -> list[Any]:
    return [annotation, *(found for arg in typing.get_args(annotation) for found in _types_in(arg))]


def test_every_scenario_field_is_in_the_form_or_left_out_with_a_reason(
    client: FlaskClient,
) -> None:
    page = client.get("/scenario").get_data(as_text=True)
    rows = [item.name for item in scenario_form() if item.kind == "rows"]
    rows += [
        f"{item.name}.{child.name}"
        for item in scenario_form()
        for child in item.children
        if child.kind == "rows"
    ]
    for path in rows:
        page = _press(client, page, f"add:{path}").get_data(as_text=True)
    controls = {
        re.sub(r"\.\d+(?=\.|$)", "", name)
        for name in re.findall(r'name="([^"#]+)"', page[page.index('id="scenario-form"') :])
    }

    def left_out(path: str) -> bool:
        return any(path == gone or path.startswith(gone + ".") for gone in NOT_IN_FORM)

    missing = {
        path for path in _model_paths(Scenario) if path not in controls and not left_out(path)
    }
    assert missing == set(), "add a control, or a reason in NOT_IN_FORM"
    assert all(reason for reason in NOT_IN_FORM.values())
    paths = _model_paths(Scenario)
    assert all(
        any(path == gone or path.startswith(gone + ".") for path in paths) for gone in NOT_IN_FORM
    ), "NOT_IN_FORM names a field the scenario does not have"


ALIAS_BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
title: *d
they: {people: *d, culture: *d}
"""


@pytest.mark.parametrize(
    "text",
    ["a: " + "[" * 5000 + "]" * 5000, ALIAS_BOMB, "- a list\n", "\x00\xff", "", "--- 1\n--- 2\n"],
    ids=["deep", "aliases", "list", "binary", "empty", "two documents"],
)
def test_malformed_text_pasted_or_carried_is_a_400_never_a_500(
    client: FlaskClient, text: str
) -> None:
    csrf = _csrf(client)
    assert client.post("/scenario", data={"csrf": csrf, "scenario_yaml": text}).status_code == 400
    forged = {"csrf": csrf, "action": "save", "carried": text, "title": text}
    forged |= {"goal#rows": "99999", "they.people#rows": "-1", "we.people#rows": "x"}
    page = client.post("/scenario", data=forged)
    assert page.status_code == 400
    shown = page.get_data(as_text=True)
    assert 'value="remove:goal.99"' in shown  # row counts are capped, not trusted
    assert 'value="remove:goal.100"' not in shown


def test_a_scenario_placing_people_says_the_form_does_not_keep_their_positions(
    client: FlaskClient,
) -> None:
    placed = html.unescape(
        client.get("/scenario?example=allen-japan-indirect-lawyer").get_data(as_text=True)
    )
    assert "which this form does not keep" in placed
    plain = html.unescape(client.get("/scenario?example=allen-japan").get_data(as_text=True))
    assert "which this form does not keep" not in plain
