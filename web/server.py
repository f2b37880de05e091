"""Running the workspace: a threaded WSGI server on one address, until Ctrl-C."""

from __future__ import annotations

import webbrowser
from pathlib import Path

import click
from werkzeug.serving import make_server

from .app import create_app


def workspace_address(host: str, port: int, token: str | None) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/" + (f"?token={token}" if token else "")


def run_workspace(
    host: str,
    port: int,
    *,
    token: str | None,
    kb_roots: tuple[Path, ...] | None,
    audit_db: Path | None,
    open_browser: bool = False,
) -> None:
    """Serve the workspace until interrupted; print its address (with the token) first."""
    app = create_app(kb_roots, audit_db, token)
    server = make_server(host, port, app, threaded=True)
    address = workspace_address(host, server.server_port, token)
    click.echo(f"Synergy Compass workspace: {address}  (Ctrl-C stops it)", err=True)
    if open_browser:
        webbrowser.open(address)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()
