"""The workspace's team map: a pasted or uploaded team file drawn as `compass team` draws it,
a file naming profile files told to write positions instead, problems shown at their place."""

from __future__ import annotations

import html
import io
import re

import pytest
from flask.testing import FlaskClient
from synergy_compass.web import create_app

TEAM = """name: Design crit
purpose: Weekly design reviews across three offices.
members:
  - {name: Ana Souza, culture: Brazil, positions: {evaluating: {position: 35, band: 12}}}
  - {name: Kenji Sato, culture: Japan}
  - {name: Daan de Vries, culture: Holland}
"""


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def _csrf(client: FlaskClient) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', client.get("/team").get_data(as_text=True))
    assert found
    return found[1]


def test_the_team_page_is_in_the_menu_and_offers_the_example(client: FlaskClient) -> None:
    body = client.get("/team").get_data(as_text=True)
    assert 'href="/team"' in body
    assert "Payments launch team" in html.unescape(body)  # the example, as the placeholder
    assert "profile:" not in html.unescape(body.split('placeholder="', 1)[1].split('"', 1)[0])


def test_a_pasted_team_file_is_drawn_with_its_widest_gaps(client: FlaskClient) -> None:
    page = client.post("/team", data={"csrf": _csrf(client), "text": TEAM, "top": "3"})
    assert page.status_code == 200
    body = page.get_data(as_text=True)
    assert body.count('<figure class="scale">') == 1 + 8
    assert body.count('<section class="gap">') == 3
    text = html.unescape(body)
    assert "Evaluating" in text
    assert "Kenji Sato (JP)" in text  # a national score, labelled with its country


def test_an_uploaded_file_naming_a_profile_file_is_told_to_write_positions(
    client: FlaskClient,
) -> None:
    upload = TEAM + "  - {name: Mark Allen, culture: US, profile: mark.yaml}\n"
    data = {"csrf": _csrf(client), "file": (io.BytesIO(upload.encode()), "team.yaml")}
    page = client.post("/team", data=data, content_type="multipart/form-data")
    assert page.status_code == 400
    text = html.unescape(page.get_data(as_text=True))
    assert "team file:7:46:" in text
    assert "cannot be read: this team file has no folder" in text
    assert "Write the positions under `positions:` instead" in text


def test_a_broken_team_file_is_a_400_with_the_problem_at_its_place(client: FlaskClient) -> None:
    page = client.post("/team", data={"csrf": _csrf(client), "text": "name: X\nmembers: []\n"})
    assert page.status_code == 400
    assert "team file:2:" in html.unescape(page.get_data(as_text=True))
