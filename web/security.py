"""What keeps the workspace safe on a shared machine: loopback by default, a token for any
other address, CSRF tokens on every form post, bounded request sizes.

The token and the CSRF secret are made fresh each time the server starts, so nothing needs
configuring and nothing outlives the process.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, request, session

MAX_REQUEST_BYTES = 2 * 1024 * 1024  # a scenario file is at most 1 MB; forms are far smaller
TOKEN_COOKIE = "compass_token"
_CSRF_KEY = "csrf"


def is_loopback(host: str) -> bool:
    """Whether a bind address only accepts connections from this machine."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _host_name(host: str) -> str:
    """The name in a Host header, without its port or an IPv6 address's brackets."""
    if host.startswith("["):
        return host[1:].partition("]")[0]
    return host.rpartition(":")[0] if host.count(":") == 1 else host


def new_token() -> str:
    return secrets.token_urlsafe(24)


def csrf_token() -> str:
    """The session's CSRF token, made on first use; every form carries it as a hidden field."""
    if _CSRF_KEY not in session:
        session[_CSRF_KEY] = secrets.token_urlsafe(24)
    return str(session[_CSRF_KEY])


def install(app: Flask, token: str | None) -> None:
    """Size limits, the access token (when one is required) and CSRF checks on every post."""
    app.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    app.config["MAX_FORM_MEMORY_SIZE"] = MAX_REQUEST_BYTES
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Strict"
    app.secret_key = secrets.token_bytes(32)
    app.jinja_env.globals["csrf_token"] = csrf_token

    @app.before_request
    def _check() -> Any:
        if token is None and not is_loopback(_host_name(request.host)):
            # Without a token the address is the only guard: a page elsewhere that points its
            # own host name at 127.0.0.1 (DNS rebinding) must not read the workspace as its own.
            abort(400, "This workspace only answers under this computer's own names: open "
                  "it at the address `compass serve` printed.")  # fmt: skip
        if token is not None:
            given = request.args.get("token") or request.cookies.get(TOKEN_COOKIE) or ""
            if not hmac.compare_digest(given, token):
                abort(403, "This workspace needs its access token: open the address `compass "
                      "serve` printed, which carries it.")  # fmt: skip
        if request.method == "POST":
            sent = request.form.get(_CSRF_KEY, "")
            expected = session.get(_CSRF_KEY, "")
            if not expected or not hmac.compare_digest(str(sent), str(expected)):
                abort(400, "This form has expired or did not come from this workspace: "
                      "reload the page and send it again.")  # fmt: skip
        return None

    @app.after_request
    def _remember_token(response: Any) -> Any:
        if token is not None and request.args.get("token") == token:
            response.set_cookie(TOKEN_COOKIE, token, httponly=True, samesite="Strict")
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
            "script-src 'self'; frame-ancestors 'none'",
        )
        return response


ErrorPage = Callable[[int, str], Any]
