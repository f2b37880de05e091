"""The workspace application: its front page, error pages, token and CSRF checks, headers."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from flask.testing import FlaskClient
from synergy_compass.cli import cli
from synergy_compass.web import create_app
from synergy_compass.web.security import MAX_REQUEST_BYTES, is_loopback
from synergy_compass.web.server import workspace_address


@pytest.fixture
def client() -> FlaskClient:
    return create_app().test_client()


def test_the_front_page_names_the_workspace_and_the_examples(client: FlaskClient) -> None:
    page = client.get("/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Cross-cultural advice you can explain" in text
    assert "allen-japan" in text
    assert page.headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]


def test_an_unknown_page_is_a_404_page_not_a_traceback(client: FlaskClient) -> None:
    page = client.get("/no/such/page")
    assert page.status_code == 404
    assert "Not found" in page.get_data(as_text=True)


def test_a_post_without_the_forms_csrf_token_is_refused(client: FlaskClient) -> None:
    page = client.post("/", data={"anything": "x"})
    assert page.status_code == 400
    assert "did not come from this workspace" in page.get_data(as_text=True)


def test_a_request_larger_than_the_limit_is_refused(client: FlaskClient) -> None:
    page = client.post("/", data={"field": "x" * (MAX_REQUEST_BYTES + 1)})
    assert page.status_code == 413


def test_with_a_token_every_request_needs_it_and_the_address_carries_it() -> None:
    client = create_app(token="secret-token").test_client()
    assert client.get("/").status_code == 403
    assert client.get("/?token=wrong").status_code == 403
    assert client.get("/?token=secret-token").status_code == 200
    assert client.get("/").status_code == 200  # the cookie set by the first visit
    assert workspace_address("127.0.0.1", 8765, "secret-token").endswith("/?token=secret-token")


def test_only_loopback_addresses_count_as_this_computer() -> None:
    assert is_loopback("127.0.0.1")
    assert is_loopback("::1")
    assert is_loopback("localhost")
    assert not is_loopback("0.0.0.0")
    assert not is_loopback("192.168.1.4")


def test_serve_refuses_another_address_without_a_token() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "add --token" in result.stderr
