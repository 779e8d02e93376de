"""``pokja unggahan bersihkan``: remove attachments no sent submission needs, saying what went."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from flask_app.messages import _


def cmd_sweep(args: argparse.Namespace) -> int:
    """Sweep the upload folder once and print every removed file."""
    from flask_app.cli_accounts import app_context
    from flask_app.db import get_session
    from flask_app.uploads import DEFAULT_UNSENT_HOURS, sweep

    reasons = {"unsent": _("cli_uploads_reason_unsent"), "published": _("cli_uploads_reason_published")}
    with app_context() as app:
        hours = (
            args.hours if args.hours is not None else float(app.config.get("UPLOAD_UNSENT_HOURS", DEFAULT_UNSENT_HOURS))
        )
        removed = sweep(get_session(), Path(app.config["UPLOAD_DIR"]), dt.timedelta(hours=hours))
    for item in removed:
        print(_("cli_uploads_removed", name=item.name, size=_size(item.size), reason=reasons[item.reason]))
    if removed:
        print(_("cli_uploads_summary", count=len(removed), size=_size(sum(r.size for r in removed))))
    else:
        print(_("cli_uploads_none", hours=f"{hours:g}"))
    return 0


def _size(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(size // 1024, 1)} KB"


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``unggahan bersihkan`` to the ``pokja`` command."""
    uploads = subparsers.add_parser("unggahan", help="lampiran kiriman di folder instance")
    sub = uploads.add_subparsers(dest="uploads_command", metavar="PERINTAH")
    sub.required = True
    sweep = sub.add_parser(
        "bersihkan", help="hapus lampiran pratinjau/kiriman yang tak terkirim dan salinan yang sudah diterbitkan"
    )
    sweep.add_argument(
        "--jam", dest="hours", type=float, help="umur minimal lampiran tak terkirim (bawaan: POKJA_UPLOAD_UNSENT_HOURS)"
    )
    sweep.set_defaults(func=cmd_sweep)
