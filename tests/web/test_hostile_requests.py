"""The workspace against hostile requests (issue 16, item 6): malformed HTTP sent over raw
sockets to a real server, which must answer each with a 4xx (never a traceback or a 500) and go
on serving; no form post without the CSRF token on any POST route; user text escaped on every
page that echoes it; no page served under a host name other than this computer's."""

from __future__ import annotations

import errno
import re
import socket
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from server_support import running_workspace  # the same folder: pytest puts it on the path
from synergy_compass.web import create_app
from synergy_compass.web.security import MAX_REQUEST_BYTES

FOUNDING_CASE = Path(__file__).resolve().parents[2] / "kb" / "scenarios" / "allen-japan.yaml"

PAYLOAD = '<script>alert("pwned")</script>'
ESCAPED_OR_ABSENT = re.compile(r"<script>alert", re.IGNORECASE)
TRACEBACK = b"Traceback (most recent call last)"
FORM = b"Content-Type: application/x-www-form-urlencoded\r\n"


def _post(body: bytes, *headers: bytes) -> bytes:
    return b"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\n" + b"".join(headers) + b"\r\n" + body


MALFORMED = {
    "garbage request line": b"\x00\xff\xfe not http at all\r\n\r\n",
    "request line without a path": b"GET\r\n\r\n",
    "unknown HTTP version": b"GET / HTTP/9.9\r\n\r\n",
    "header line of 200 kB": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: "
    + b"a" * 200_000
    + b"\r\n\r\n",
    "500 headers": b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n"
    + b"".join(b"X-%d: 1\r\n" % n for n in range(500))
    + b"\r\n",
    "Content-Length not a number": _post(b"a=b", FORM, b"Content-Length: abc\r\n"),
    "negative Content-Length": _post(b"a=b", FORM, b"Content-Length: -5\r\n"),
    "body shorter than its Content-Length": _post(b"a=b", FORM, b"Content-Length: 1000\r\n"),
    "bad chunked body": _post(b"zz\r\n", FORM, b"Transfer-Encoding: chunked\r\n"),
    "invalid UTF-8 in a form": _post(b"csrf=\xff\xfe&a=%ff%fe", FORM, b"Content-Length: 15\r\n"),
    "DELETE": b"DELETE / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "made-up method": b"BREW / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "traversal /static/../": b"GET /static/../app.py HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "traversal %2e%2e": b"GET /static/%2e%2e/app.py HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "traversal ..%2f": b"GET /static/..%2f..%2fpyproject.toml HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "traversal with a backslash": b"GET /static/..\\app.py HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "absolute path in static": b"GET /static//etc/passwd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "encoded absolute path": b"GET /static/%2Fetc%2Fpasswd HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n",
    "10 MB body": _post(
        b"a" * (10 * 1024 * 1024), FORM, b"Content-Length: %d\r\n" % (10 * 1024 * 1024)
    ),
}


_CLOSED_BY_SERVER = {errno.EPIPE, errno.ECONNRESET, errno.ENOTCONN}


def _exchange(port: int, request: bytes, *, timeout: float = 10) -> bytes:
    """Send a request as raw bytes, close our side, and read whatever comes back."""
    answer = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as connection:
        try:
            connection.sendall(request)
            connection.shutdown(socket.SHUT_WR)
        except OSError as error:
            # The server may refuse a request (a 10 MB body, a 200 kB header line) and close
            # before it has all arrived or before our side is shut: that is fine.
            if error.errno not in _CLOSED_BY_SERVER:
                raise
        try:
            while chunk := connection.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer


def _status(answer: bytes) -> int | None:
    found = re.match(rb"HTTP/1\.[01] (\d{3}) ", answer)
    return int(found[1]) if found else None


def _port(address: str) -> int:
    return int(address.rsplit(":", 1)[1])


@pytest.fixture(scope="module")
def server_port() -> Iterator[int]:
    with running_workspace() as address:
        yield _port(address)


def _answers_normally(port: int) -> bool:
    answer = _exchange(port, b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    return _status(answer) == 200 and b"Synergy Compass" in answer


@pytest.mark.parametrize("request_bytes", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_request_is_refused_and_the_server_goes_on(
    server_port: int, request_bytes: bytes
) -> None:
    answer = _exchange(server_port, request_bytes)
    assert TRACEBACK not in answer
    status = _status(answer)
    # http.server answers a request line it cannot read in HTTP/0.9 style, without a status
    # line; anything with a status must be the client's fault, never the server's
    if status is not None:
        assert 300 <= status < 500, answer[:300]
    if status is not None and status < 400:  # werkzeug merges doubled slashes with a redirect
        assert re.search(rb"\r\nLocation: (http://127\.0\.0\.1)?/static/", answer), answer[:300]
    # nothing outside the static folder is ever served: not the code, not the project file
    assert b"[tool.setuptools]" not in answer
    assert b"def create_app" not in answer
    assert _answers_normally(server_port)


def test_a_client_that_stops_sending_halfway_does_not_hold_up_others(server_port: int) -> None:
    with socket.create_connection(("127.0.0.1", server_port), timeout=10) as stalled:
        stalled.sendall(_post(b"a=", FORM, b"Content-Length: 100000\r\n"))
        # the stalled request keeps its connection open while another person uses the workspace
        assert _answers_normally(server_port)
        assert _answers_normally(server_port)


def test_the_size_limit_holds_on_a_real_socket(server_port: int) -> None:
    body = b"a=" + b"x" * MAX_REQUEST_BYTES
    answer = _exchange(server_port, _post(body, FORM, b"Content-Length: %d\r\n" % len(body)))
    assert _status(answer) == 413
    assert _answers_normally(server_port)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8765", "192.168.1.4"])
def test_a_page_asked_for_under_another_host_name_is_refused(server_port: int, host: str) -> None:
    # A web page elsewhere can point its own host name at 127.0.0.1 (DNS rebinding) and read
    # the workspace as if it were its own site; without a token only this computer's names work.
    request = f"GET / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode()
    answer = _exchange(server_port, request)
    assert _status(answer) == 400
    assert b"Cross-cultural advice" not in answer
    for name in ("localhost", "127.0.0.1", "[::1]"):
        request = f"GET / HTTP/1.1\r\nHost: {name}:{server_port}\r\n\r\n".encode()
        assert _status(_exchange(server_port, request)) == 200, name


def test_with_a_token_the_workspace_answers_under_any_host_name() -> None:
    client = create_app(token="secret-token").test_client()
    page = client.get("/?token=secret-token", headers={"Host": "workspace.example:8765"})
    assert page.status_code == 200


# -- every POST route: no form accepted without this workspace's CSRF token -------------------


def _routes(app: Flask, method: str) -> list[tuple[str, str]]:
    """(endpoint, URL) of every rule that takes ``method``, its variables filled in."""
    routes = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            if method in (rule.methods or ()) and rule.endpoint != "static":
                values = dict.fromkeys(rule.arguments, "x")
                routes.append((rule.endpoint, rule.build(values)[1]))
    return routes


def test_every_post_route_refuses_a_form_without_the_csrf_token() -> None:
    app = create_app()
    routes = _routes(app, "POST")
    client = app.test_client()
    client.get("/")  # a session exists, with a token of its own
    for endpoint, url in routes:
        for form in ({"title": "x"}, {"title": "x", "csrf": "forged"}):
            page = client.post(url, data=form)
            assert page.status_code == 400, (endpoint, form)
            assert "did not come from this workspace" in page.get_data(as_text=True), endpoint


# -- user text escaped on every page that echoes it ------------------------------------------


class _Forms(HTMLParser):
    """The forms of a page: (method, action, {field name: value})."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        if tag == "form":
            method = attributes.get("method", "get").upper()
            self.forms.append((method, attributes.get("action", ""), {}))
        elif tag in ("input", "textarea", "select") and self.forms and "name" in attributes:
            kind = attributes.get("type", "text")
            if kind not in ("submit", "button", "file", "image", "reset"):
                self.forms[-1][2][attributes["name"]] = attributes.get("value", "")


def _assert_escaped(page_text: str, where: str) -> None:
    assert not ESCAPED_OR_ABSENT.search(page_text), where


def _get_pages(app: Flask) -> list[str]:
    """Every page that takes no part of its address as a value."""
    with app.test_request_context():
        return [
            rule.build({})[1]
            for rule in app.url_map.iter_rules()
            if "GET" in (rule.methods or ()) and not rule.arguments and rule.endpoint != "static"
        ]


def _submit_every_form(
    client: FlaskClient, page_text: str, page_url: str, keep: tuple[str, ...] = ("csrf",)
) -> None:
    """Send each form of a page with the script in every field but those in ``keep`` (hidden
    fields and pick-lists too); no answer may be a 500 or show the script as markup."""
    parser = _Forms()
    parser.feed(page_text)
    for method, action, fields in parser.forms:
        sent = {name: value if name in keep else PAYLOAD for name, value in fields.items()}
        target = action or page_url
        if method == "POST":
            answer = client.post(target, data=sent)
        else:
            answer = client.get(target, query_string=sent)
        where = f"{method} {target} (form on {page_url})"
        assert answer.status_code < 500, where
        _assert_escaped(answer.get_data(as_text=True), where)


def test_every_form_echoes_script_as_text(client_with_pages: tuple[Flask, FlaskClient]) -> None:
    app, client = client_with_pages
    for page_url in _get_pages(app):
        page = client.get(page_url)
        assert page.status_code < 500, page_url
        _submit_every_form(client, page.get_data(as_text=True), page_url)


def test_a_case_titled_script_shows_it_as_text_and_so_do_its_pages_forms(
    client_with_pages: tuple[Flask, FlaskClient],
) -> None:
    _app, client = client_with_pages
    form = client.get("/scenario").get_data(as_text=True)
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    case = FOUNDING_CASE.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", case, re.MULTILINE)
    assert title
    hostile_case = case.replace(title[0], f"title: '{PAYLOAD}'")
    page = client.post("/advise", data={"csrf": token[1], "scenario_yaml": hostile_case})
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    _assert_escaped(text, "advice page")
    assert "&lt;script&gt;alert(" in text  # shown, as text
    # why-not, what-if and downloads on the same case, the script typed into each of them
    _submit_every_form(client, text, "/advise", keep=("csrf", "scenario_yaml"))


def test_script_in_the_address_is_shown_as_text(
    client_with_pages: tuple[Flask, FlaskClient],
) -> None:
    app, client = client_with_pages
    for endpoint, _url in _routes(app, "GET"):
        with app.test_request_context():
            rule = next(iter(app.url_map.iter_rules(endpoint)))
            if not rule.arguments:
                continue
            url = rule.build(dict.fromkeys(rule.arguments, PAYLOAD))[1]
        answer = client.get(url, query_string={"q": PAYLOAD})
        assert answer.status_code < 500, endpoint
        _assert_escaped(answer.get_data(as_text=True), endpoint)
    for url in _get_pages(app):
        answer = client.get(url, query_string={"q": PAYLOAD, "id": PAYLOAD})
        _assert_escaped(answer.get_data(as_text=True), url)
    _assert_escaped(client.get("/" + quote(PAYLOAD)).get_data(as_text=True), "404 page")


@pytest.fixture
def client_with_pages() -> tuple[Flask, FlaskClient]:
    app = create_app()
    return app, app.test_client()
