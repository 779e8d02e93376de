"""Mail: a durable outbox table, composing safe text+HTML mails, and a worker that sends them over SMTP.

A mail is a row of ``mail_outbox`` added to the caller's session, so it is committed in the same
transaction as what caused it; nothing is sent inside a request. The worker (a thread of the service,
or ``pokja mail send``) delivers due rows through ``POKJA_SMTP_URL`` (``smtp://`` with STARTTLS when the
server offers it, ``smtps://``), retries failures with backoff for ``MAIL_RETRY_HOURS`` and then marks
them failed for the admin page. Without a server the mails are written to ``<instance>/outbox/*.eml``.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import smtplib
import ssl
import threading
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from flask import Flask, current_app, render_template
from sqlalchemy import Integer, String, Text, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from flask_app.db import Base, UTCDateTime, utcnow

WAITING, SENT, FAILED = "menunggu", "terkirim", "gagal"
SMTP_TIMEOUT = 20.0
MAX_BACKOFF = dt.timedelta(hours=1)
WORKER_POLL_SECONDS = 5.0
CLAIM_MINUTES = 10
EXTENSION = "pokja_mail"
# Header values come from names, titles and notes: one line, bounded, so no header can be injected.
MAX_HEADER_CHARS = 200


class OutboxMail(Base):
    """One mail waiting, sent or failed; ``message`` is the whole RFC 5322 text."""

    __tablename__ = "mail_outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    recipient: Mapped[str] = mapped_column(String(254), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(255))
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default=WAITING, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")


def one_line(text: str, limit: int = MAX_HEADER_CHARS) -> str:
    """``text`` without CR, LF or other line breaks (collapsed to spaces), at most ``limit`` characters."""
    return " ".join(str(text).split())[:limit]


def base_url() -> str:
    """The public address links are built on: POKJA_BASE_URL, else the address being served (never Host)."""
    config = current_app.config
    return (config.get("BASE_URL") or config.get("SERVING_URL") or "http://127.0.0.1:8000").rstrip("/")


def link(path: str) -> str:
    """The full URL of a path of the service."""
    return base_url() + "/" + path.lstrip("/")


def compose(
    recipient: str,
    subject: str,
    paragraphs: list[str],
    *,
    lang: str,
    action: tuple[str, str] | None = None,
    footer: list[str] | None = None,
    unsubscribe_url: str | None = None,
) -> EmailMessage:
    """A text+HTML mail; every value passes through one_line (headers) or autoescaping (HTML)."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = current_app.config["MAIL_FROM"]
    msg["To"] = one_line(recipient, 254)
    msg["Subject"] = one_line(subject)
    msg["Date"] = email.utils.formatdate(localtime=False)
    msg["Message-ID"] = email.utils.make_msgid(domain="pokja-pkp")
    msg["Content-Language"] = lang
    if unsubscribe_url:
        # RFC 8058 one-click: a mail client POSTs "List-Unsubscribe=One-Click" to this URL.
        msg["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        msg["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    context = {
        "subject": one_line(subject),
        "paragraphs": paragraphs,
        "action": action,
        "footer": footer or [],
        "lang": lang,
    }
    msg.set_content(render_template("mail/message.txt", **context))
    msg.add_alternative(render_template("mail/message.html", **context), subtype="html")
    return msg


def sent_within_hour(db: Session, recipient: str) -> int:
    """How many mails to ``recipient`` were queued in the last hour (the per-recipient bound)."""
    since = utcnow() - dt.timedelta(hours=1)
    query = (
        select(func.count())
        .select_from(OutboxMail)
        .where(OutboxMail.recipient == recipient, OutboxMail.created_at > since)
    )
    return db.scalar(query) or 0


def queue(db: Session, kind: str, msg: EmailMessage) -> OutboxMail | None:
    """Add ``msg`` to the outbox in ``db``'s transaction (the caller commits); None when over the hourly bound."""
    recipient = str(msg["To"])
    if sent_within_hour(db, recipient) >= int(current_app.config["MAIL_MAX_PER_HOUR"]):
        current_app.logger.warning("mail %s to %s dropped: hourly limit reached", kind, recipient)
        return None
    row = OutboxMail(
        recipient=recipient,
        kind=kind,
        subject=str(msg["Subject"])[:255],
        message=msg.as_string(),
        status=WAITING,
        attempts=0,
        created_at=utcnow(),
        next_attempt_at=utcnow(),
        last_error="",
    )
    db.add(row)
    wake(current_app)
    return row


def _smtp_connect(url: str, ca_file: str) -> smtplib.SMTP:
    """A logged-in SMTP connection for ``url`` (STARTTLS when an smtp:// server offers it)."""
    parts = urlsplit(url)
    context = ssl.create_default_context(cafile=ca_file or None)
    host = parts.hostname or "127.0.0.1"
    if parts.scheme == "smtps":
        client: smtplib.SMTP = smtplib.SMTP_SSL(host, parts.port or 465, timeout=SMTP_TIMEOUT, context=context)
    elif parts.scheme == "smtp":
        client = smtplib.SMTP(host, parts.port or 25, timeout=SMTP_TIMEOUT)
        client.ehlo()
        if client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
    else:
        raise ValueError(f"POKJA_SMTP_URL: unknown scheme {parts.scheme!r} (smtp:// or smtps://)")
    if parts.username:
        client.login(unquote(parts.username), unquote(parts.password or ""))
    return client


def outbox_folder(app: Flask) -> Path:
    """Where mails go as .eml files when no SMTP server is configured."""
    return Path(app.instance_path) / "outbox"


def _deliver(app: Flask, rows: list[OutboxMail]) -> None:
    """Hand ``rows`` to the server (one connection) or write them as .eml files; raises on failure."""
    url = app.config.get("SMTP_URL") or ""
    if not url:
        folder = outbox_folder(app)
        folder.mkdir(parents=True, exist_ok=True)
        for row in rows:
            (folder / f"{row.id:06d}.eml").write_text(row.message, encoding="utf-8")
        return
    sender = email.utils.parseaddr(app.config["MAIL_FROM"])[1]
    with _smtp_connect(url, app.config.get("SMTP_CA_FILE") or "") as client:
        for row in rows:
            client.sendmail(sender, [row.recipient], row.message.encode("utf-8"))
            # Marked one by one, so a connection lost midway re-sends only what did not go.
            row.status, row.sent_at, row.last_error = SENT, utcnow(), ""
            _mark(app, row)


def _mark(app: Flask, row: OutboxMail) -> None:
    factory = app.extensions["pokja_db"]["factory"]
    with factory() as db:
        stored = db.get(OutboxMail, row.id)
        if stored is not None:
            stored.status, stored.sent_at, stored.last_error = row.status, row.sent_at, row.last_error
            stored.attempts, stored.next_attempt_at = row.attempts, row.next_attempt_at
            db.commit()


def _claim(db: Session, row: OutboxMail, now: dt.datetime) -> bool:
    """Take ``row`` for this sender: another process or thread that read it too finds it taken.

    The claim moves the next attempt CLAIM_MINUTES ahead; a sender that dies mid-way leaves the mail due
    again after that, so a mail is never lost (and sent twice only after such a crash).
    """
    claimed_until = now + dt.timedelta(minutes=CLAIM_MINUTES)
    result = db.execute(
        update(OutboxMail)
        .where(
            OutboxMail.id == row.id,
            OutboxMail.status == WAITING,
            OutboxMail.next_attempt_at == row.next_attempt_at,
        )
        .values(next_attempt_at=claimed_until)
    )
    db.commit()
    return result.rowcount == 1


def backoff(attempts: int) -> dt.timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most an hour."""
    return min(dt.timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def deliver_due(app: Flask, now: dt.datetime | None = None) -> tuple[int, int]:
    """Send every waiting mail that is due; returns (sent, failed for good). Safe to call from any thread."""
    now = now or utcnow()
    factory = app.extensions["pokja_db"]["factory"]
    with _LOCK, factory() as db:
        due = db.scalars(
            select(OutboxMail)
            .where(OutboxMail.status == WAITING, OutboxMail.next_attempt_at <= now)
            .order_by(OutboxMail.id)
        ).all()
        db.expunge_all()
        rows = [row for row in due if _claim(db, row, now)]
    if not rows:
        return 0, 0
    with _LOCK, app.app_context():
        try:
            _deliver(app, list(rows))
            for row in rows:
                if row.status == WAITING:
                    row.status, row.sent_at = SENT, utcnow()
                    _mark(app, row)
        except Exception as exc:  # any server or network failure: the rest waits for the next attempt
            failed = 0
            retry_for = dt.timedelta(hours=float(app.config["MAIL_RETRY_HOURS"]))
            for row in rows:
                if row.status != WAITING:
                    continue
                row.attempts += 1
                row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
                row.next_attempt_at = now + backoff(row.attempts)
                if now - row.created_at >= retry_for:
                    row.status, failed = FAILED, failed + 1
                _mark(app, row)
            app.logger.warning("mail delivery failed (%s); will retry", exc)
            return sum(r.status == SENT for r in rows), failed
    return len(rows), 0


def resend(db: Session, mail_id: int) -> OutboxMail | None:
    """Put a failed (or sent) mail back in the queue, due now (the caller commits)."""
    row = db.get(OutboxMail, mail_id)
    if row is None:
        return None
    row.status, row.attempts, row.next_attempt_at, row.last_error = WAITING, 0, utcnow(), ""
    row.created_at = utcnow()
    return row


def failed_mails(db: Session, limit: int = 100) -> list[OutboxMail]:
    """The mails that failed for good, newest first (the admin page)."""
    query = select(OutboxMail).where(OutboxMail.status == FAILED).order_by(OutboxMail.id.desc()).limit(limit)
    return list(db.scalars(query))


_LOCK = threading.RLock()


class Worker(threading.Thread):
    """Sends the outbox every few seconds, and at once when a mail is queued."""

    def __init__(self, app: Flask, poll: float = WORKER_POLL_SECONDS) -> None:
        super().__init__(name="pokja-mail", daemon=True)
        self.app, self.poll = app, poll
        self.event, self.stopping = threading.Event(), threading.Event()

    def run(self) -> None:
        """Deliver until stopped; errors are logged, never fatal."""
        while not self.stopping.is_set():
            self.event.wait(self.poll)
            self.event.clear()
            try:
                deliver_due(self.app)
            except Exception:
                self.app.logger.exception("mail worker")

    def stop(self) -> None:
        """Stop after the current round."""
        self.stopping.set()
        self.event.set()


def start_worker(app: Flask, poll: float = WORKER_POLL_SECONDS) -> Worker:
    """Start (once) the background sender of ``app``."""
    state = app.extensions.setdefault(EXTENSION, {})
    if state.get("worker") is None:
        state["worker"] = Worker(app, poll)
        state["worker"].start()
    return state["worker"]


def wake(app: Any) -> None:
    """Nudge the worker (after the caller's commit it finds the new mail)."""
    worker = app.extensions.get(EXTENSION, {}).get("worker")
    if worker is not None:
        worker.event.set()


def init_app(app: Flask) -> None:
    """Register the mail state; ``pokja serve`` starts the worker (tests and commands call deliver_due)."""
    app.extensions.setdefault(EXTENSION, {})
