"""``pokja publisher`` (the one publisher as its own process) and ``pokja sync`` (pull and update a node)."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from typing import Any

from site_builder.i18n import _


def cmd_publisher(args: argparse.Namespace) -> int:
    """Run the publication jobs until stopped (``--once``: the waiting ones, then exit)."""
    from flask_app import create_app
    from flask_app.cli_accounts import _safe_url, ensure_index, ensure_site, upgrade_database
    from flask_app.db import dispose
    from flask_app.jobs import run_pending, warm_up
    from flask_app.sync import sync_once

    app = create_app()
    app.logger.setLevel(logging.INFO)  # each batch and its time in the log
    try:
        # Its own site and index must be current: each publication then updates them incrementally.
        print(ensure_site(app), flush=True)
        print(ensure_index(app), flush=True)
        print(upgrade_database(app), flush=True)
        sync_once(app)  # with a git remote: start from what was pushed meanwhile
        if args.once:
            print(_("cli_publisher_done", count=run_pending(app, wait=args.wait)), flush=True)
            return 0
        warm_up(app)  # the running publisher's first job then costs what the next ones do
        print(_("cli_publisher_running", url=_safe_url(app.config["DATABASE_URL"])), flush=True)
        stopping = threading.Event()

        def stop(_signum: int, _frame: Any) -> None:
            stopping.set()

        signal.signal(signal.SIGTERM, stop)
        while not stopping.is_set():
            try:
                run_pending(app)
            except Exception:
                app.logger.exception("publisher")
            stopping.wait(args.poll)
    finally:
        dispose(app)
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Pull content/ from POKJA_GIT_REMOTE and update the changed pages and index entries."""
    from flask_app import create_app
    from flask_app.db import dispose
    from flask_app.sync import sync_once

    app = create_app()
    try:
        changes = sync_once(app)
    finally:
        dispose(app)
    if changes is None:
        print(_("cli_sync_no_remote"))
        return 1
    print(
        _("cli_sync_done", remote=app.config["GIT_REMOTE"], changed=len(changes.changed), deleted=len(changes.deleted))
    )
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``publisher`` and ``sync`` to the ``pokja`` command."""
    from flask_app.jobs import POLL_SECONDS

    publisher = subparsers.add_parser(
        "publisher", help="jalankan tugas penerbitan (penerbit tunggal; untuk beberapa node)"
    )
    publisher.add_argument("--once", action="store_true", help="jalankan tugas yang menunggu, lalu berhenti")
    publisher.add_argument("--poll", type=float, default=POLL_SECONDS, help="detik antar pemeriksaan tugas")
    publisher.add_argument("--wait", type=float, default=30.0, help="dengan --once: detik menunggu kunci penerbit")
    publisher.set_defaults(func=cmd_publisher)
    sync = subparsers.add_parser("sync", help="tarik content/ dari POKJA_GIT_REMOTE dan perbarui situs serta indeks")
    sync.set_defaults(func=cmd_sync)
