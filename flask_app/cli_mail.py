"""``pokja mail list|resend|send|digest``: read the outbox (the .eml fallback included), resend, send now."""

from __future__ import annotations

import argparse
import sys

from flask_app.messages import _

LIST_ROWS = 50


def cmd_mail_list(args: argparse.Namespace) -> int:
    """Print the newest mails of the outbox; ``--show ID`` prints one whole mail (its links readable)."""
    from sqlalchemy import select

    from flask_app.cli_accounts import app_context
    from flask_app.db import get_session
    from flask_app.mail import OutboxMail

    with app_context():
        db = get_session()
        if args.show:
            row = db.get(OutboxMail, args.show)
            if row is None:
                print(_("cli_mail_unknown", id=args.show), file=sys.stderr)
                return 1
            print(row.message)
            return 0
        query = select(OutboxMail).order_by(OutboxMail.id.desc()).limit(LIST_ROWS)
        if args.status:
            query = query.where(OutboxMail.status == args.status)
        rows = list(db.scalars(query))
        if not rows:
            print(_("cli_mail_none"))
        for row in rows:
            when = row.created_at.strftime("%Y-%m-%d %H:%M")
            print(f"#{row.id}\t{when}\t{row.status}\t{row.recipient}\t{row.subject}")
            if row.last_error:
                print(f"\t{row.last_error}")
    return 0


def cmd_mail_resend(args: argparse.Namespace) -> int:
    """Queue a mail again and try to send it now."""
    from flask_app.cli_accounts import app_context
    from flask_app.db import get_session
    from flask_app.mail import deliver_due, resend

    with app_context() as app:
        db = get_session()
        if resend(db, args.id) is None:
            print(_("cli_mail_unknown", id=args.id), file=sys.stderr)
            return 1
        db.commit()
        print(_("cli_mail_resent", id=args.id))
        sent, failed = deliver_due(app)
        print(_("cli_mail_sent", sent=sent, failed=failed))
    return 0


def cmd_mail_send(args: argparse.Namespace) -> int:
    """Send every due mail now (the service's worker does this by itself)."""
    from flask_app.cli_accounts import app_context
    from flask_app.mail import deliver_due

    with app_context() as app:
        sent, failed = deliver_due(app)
        print(_("cli_mail_sent", sent=sent, failed=failed))
    return 0


def cmd_mail_digest(args: argparse.Namespace) -> int:
    """Queue the weekly digest to each secretariat (run weekly from cron or a systemd timer) and send."""
    from flask_app.cli_accounts import app_context
    from flask_app.db import get_session
    from flask_app.digest import queue_digests
    from flask_app.mail import deliver_due

    with app_context() as app:
        db = get_session()
        count = queue_digests(db)
        db.commit()
        print(_("cli_mail_digest", count=count))
        deliver_due(app)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``mail`` to the ``pokja`` command."""
    from flask_app.mail import FAILED, SENT, WAITING

    mail = subparsers.add_parser("mail", help="kotak keluar surel")
    sub = mail.add_subparsers(dest="mail_command", metavar="TINDAKAN")
    sub.required = True
    listing = sub.add_parser("list", help="daftar surel terbaru (juga yang ditulis sebagai .eml tanpa server)")
    listing.add_argument("--status", choices=(WAITING, SENT, FAILED))
    listing.add_argument("--show", type=int, metavar="ID", help="cetak satu surel utuh")
    listing.set_defaults(func=cmd_mail_list)
    again = sub.add_parser("resend", help="kirim ulang satu surel")
    again.add_argument("id", type=int)
    again.set_defaults(func=cmd_mail_resend)
    send = sub.add_parser("send", help="kirim sekarang semua surel yang menunggu")
    send.set_defaults(func=cmd_mail_send)
    digest = sub.add_parser("digest", help="jadwalkan ringkasan mingguan untuk sekretariat")
    digest.set_defaults(func=cmd_mail_digest)
