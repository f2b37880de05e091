"""`compass serve`: the local web workspace, a second face of the engine beside the CLI.

Like ``cli.py``, it parses requests, calls one function of :mod:`synergy_compass.engine.api`
and renders the result: nothing in here reasons about cultures. Pages are rendered on the
server and work without JavaScript; every asset ships in the package, nothing is fetched from
outside. See :mod:`.app` for the application and :mod:`.security` for what keeps it safe.
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
