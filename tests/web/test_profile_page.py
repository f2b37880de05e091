"""The workspace's "Your profile" page: the statements as a form, scored as `compass profile`
scores them, and the profile file as a download."""

from __future__ import annotations

import html
import re

import pytest
import yaml
from flask.testing import FlaskClient
from synergy_compass.engine import api
from synergy_compass.engine.schemas.profiles import PersonalProfile
from synergy_compass.web import create_app
from synergy_compass.web.profile import file_name_for

QUESTIONNAIRE = api.start_profile().questionnaire


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def _csrf(client: FlaskClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/profile").get_data(as_text=True))
    assert found is not None
    return found.group(1)


def _all_toward(pole: str) -> dict[str, str]:
    return {f"item-{item.id}": "5" if item.toward == pole else "1" for item in QUESTIONNAIRE.items}


def test_the_page_shows_every_statement_with_its_answers(client: FlaskClient) -> None:
    page = client.get("/profile")
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    for item in QUESTIONNAIRE.items:
        assert item.text in text
        assert f'name="item-{item.id}" value="5"' in text
    assert QUESTIONNAIRE.sureness.text in text
    assert ">Your profile</a>" in text  # in the menu


def test_answers_are_scored_and_carried_to_the_download(client: FlaskClient) -> None:
    data = {"csrf": _csrf(client), "name": "Ann Lee", "culture": "Holland", "sureness": "5"}
    page = client.post("/profile", data={**data, **_all_toward("high"), "action": "score"})
    assert page.status_code == 200
    text = html.unescape(page.get_data(as_text=True))
    assert "Where you land" in text
    assert text.count("<strong>100</strong>, give or take 12.5") == len(QUESTIONNAIRE.scales)
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', text))
    assert carried["culture"] == "Holland"
    download = client.post("/profile", data={**carried, "action": "download"})
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == 'attachment; filename="ann-lee-profile.yaml"'
    profile = PersonalProfile.model_validate(yaml.safe_load(download.get_data(as_text=True)))
    assert profile.culture == "NL"
    assert {position.position for position in profile.positions.values()} == {100.0}


def test_the_download_button_on_the_form_gives_the_file_at_once(client: FlaskClient) -> None:
    data = {"csrf": _csrf(client), "action": "download", **_all_toward("low")}
    download = client.post("/profile", data=data)
    assert download.headers["Content-Disposition"] == 'attachment; filename="my-profile.yaml"'
    assert "communicating: {position: 0," in download.get_data(as_text=True)


def test_wrong_input_is_shown_on_the_form_with_the_answers_kept(client: FlaskClient) -> None:
    csrf = _csrf(client)
    first = QUESTIONNAIRE.items[0].id
    unknown = client.post(
        "/profile", data={"csrf": csrf, "culture": "Atlantis", f"item-{first}": "4"}
    )
    assert unknown.status_code == 400
    text = html.unescape(unknown.get_data(as_text=True))
    assert "Unknown country 'Atlantis'" in text
    assert f'name="item-{first}" value="4" checked' in text
    nothing = client.post("/profile", data={"csrf": csrf})
    assert nothing.status_code == 400
    assert "No statement was answered" in html.unescape(nothing.get_data(as_text=True))
    forged = client.post("/profile", data={"csrf": csrf, f"item-{first}": "9"})
    assert forged.status_code == 400
    assert "An answer that the form does not offer" in forged.get_data(as_text=True)


def test_the_download_is_named_after_the_person_in_plain_letters() -> None:
    assert file_name_for("Zoë O'Brien-Sato") == "zoe-o-brien-sato-profile.yaml"
    assert file_name_for('../"x"') == "x-profile.yaml"
    assert file_name_for("岡田") == "my-profile.yaml"
