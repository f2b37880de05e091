"""A real workspace server for the tests that need sockets or a browser: the same werkzeug
server `compass serve` runs, on a free loopback port, in a thread of the test process."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask
from synergy_compass.web import create_app
from werkzeug.serving import make_server


@contextmanager
def running_workspace(app: Flask | None = None) -> Iterator[str]:
    """Serve ``app`` (a fresh workspace without audit by default) until the block ends; yields
    its address, e.g. ``http://127.0.0.1:40123``."""
    # Port 0: the system picks a free port, so tests never collide with each other or a server
    # someone left running.
    server = make_server("127.0.0.1", 0, app or create_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="workspace", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
