"""What the browser tests share: Debian's Chromium through Playwright, and servers on 127.0.0.1."""

from __future__ import annotations

import functools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

CHROMIUM_PATH = "/usr/bin/chromium"  # Debian's package; never a Playwright download
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium, closed afterwards."""
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM_PATH, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve_directory(directory: Path) -> Iterator[str]:
    """A static folder on a free port of 127.0.0.1; yields the base URL; stopped afterwards."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def _buffered(app: Any) -> Any:
    """The app with each response read (and its file closed) before werkzeug writes it.

    werkzeug's development server skips ``close()`` on the response when the browser drops the
    connection while it drains the socket, leaking the open file of a static download (seen with
    Chromium's favicon fetch); the leak is a ResourceWarning, which this suite turns into a failure.
    """

    def wsgi(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        result = app(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()

    return wsgi


@contextmanager
def serve_app(app: Any) -> Iterator[str]:
    """A Flask app on a free port of 127.0.0.1; yields the base URL; stopped, its searcher and database closed."""
    server = make_server("127.0.0.1", 0, _buffered(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        from flask_app.jobs import stop_publisher

        stop_publisher(app)  # an approval in a browser test started it
        search = app.extensions.get("pokja_search")
        if search is not None:
            search.close()
        from flask_app.db import dispose

        dispose(app)
