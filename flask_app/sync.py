"""Several nodes from one git remote: ``pokja sync``, its timer in ``pokja serve``, and ``POST /_sync``.

A node pulls content/ from ``POKJA_GIT_REMOTE`` and updates only the pages and index entries of the files
the pull changed (``flask_app.gitremote.apply_changes``): every ``POKJA_SYNC_SECONDS``, at start-up, and
when the publisher calls ``POST /_sync`` (header ``X-Pokja-Sync`` = ``POKJA_SYNC_SECRET``) after publishing.
"""

from __future__ import annotations

import hmac
import threading
import time
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, current_app, jsonify, request

from flask_app.gitremote import HEADER, Changes, apply_changes, pull
from flask_app.security import csrf_exempt

bp = Blueprint("sync", __name__)

EXTENSION = "pokja_sync"
SYNC_LOCK_TIMEOUT = 120.0


def sync_once(app: Flask) -> Changes | None:
    """Pull and update what changed; None when no remote is set. One sync of a node at a time."""
    from flask_app.publish import publish_lock

    remote = str(app.config.get("GIT_REMOTE") or "")
    if not remote:
        return None
    with app.app_context():
        with publish_lock(Path(app.instance_path) / "sync.lock", SYNC_LOCK_TIMEOUT):
            started = time.monotonic()
            changes = pull(Path(app.config["CONTENT_DIR"]), remote)
            pulled = time.monotonic()
            pages = apply_changes(app.config, changes)
        if changes:
            app.logger.info(
                "sync %s..%s: pull %.2f s, %d pages and index %.2f s",
                changes.before[:8],
                changes.after[:8],
                pulled - started,
                len(pages),
                time.monotonic() - pulled,
            )
        return changes


class Syncer(threading.Thread):
    """Syncs on a timer (``SYNC_SECONDS``; 0: only when notified) and at once on ``POST /_sync``."""

    def __init__(self, app: Flask, seconds: float) -> None:
        super().__init__(name="pokja-sync", daemon=True)
        self.app, self.seconds = app, seconds
        self.event, self.stopping = threading.Event(), threading.Event()
        self.rounds = 0

    def run(self) -> None:
        """Sync until stopped; an error (a remote down) is logged and retried on the next round."""
        while not self.stopping.is_set():
            self.event.wait(self.seconds if self.seconds > 0 else None)
            self.event.clear()
            if self.stopping.is_set():
                break
            try:
                sync_once(self.app)
            except Exception:
                self.app.logger.exception("sync")
            self.rounds += 1

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current round."""
        self.stopping.set()
        self.event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)


def start_syncer(app: Flask) -> Syncer | None:
    """Start (once) the sync thread of ``app``; None without a git remote."""
    if not app.config.get("GIT_REMOTE"):
        return None
    state = app.extensions.setdefault(EXTENSION, {})
    if state.get("syncer") is None:
        state["syncer"] = Syncer(app, float(app.config.get("SYNC_SECONDS") or 0))
        state["syncer"].start()
    return state["syncer"]


def stop_syncer(app: Flask) -> None:
    """Stop ``app``'s sync thread, if it has one."""
    syncer = app.extensions.get(EXTENSION, {}).pop("syncer", None)
    if syncer is not None:
        syncer.stop()


@bp.post("/_sync")
@csrf_exempt
def sync_now() -> Any:
    """The publisher's notification: wake this node's sync thread (the pull runs there, not in the request)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    secret = str(app.config.get("SYNC_SECRET") or "")
    given = request.headers.get(HEADER, "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        abort(404)  # not the publisher: nothing here (no role reaches it; the secret is the only key)
    syncer = start_syncer(app)
    if syncer is None:
        abort(404)
    syncer.event.set()
    return jsonify({"ok": True}), 202


def init_app(app: Flask) -> None:
    """Register the sync state; ``pokja serve`` starts the thread."""
    app.extensions.setdefault(EXTENSION, {})
