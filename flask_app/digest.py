"""The weekly digest to the secretariat: overdue guideline reviews, decision follow-ups, unreported targets."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from flask_app import mail
from flask_app.auth import User
from flask_app.content import get_content
from flask_app.messages import _
from flask_app.notify import preference, unsubscribe_url

DUE_WITHIN_DAYS = 7
SECRETARIAT_ROLES = ("admin",)


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def digest_items(documents: Any, today: dt.date, lang: str) -> list[str]:
    """One line per item that needs the secretariat: review dates, follow-ups, targets of the past year."""
    lines: list[str] = []
    soon = today + dt.timedelta(days=DUE_WITHIN_DAYS)
    for doc in documents:
        meta = doc.meta
        if doc.type == "pedoman":
            review = _date(meta.get("review_by"))
            if review is not None and review < today:
                lines.append(_("mail.digest.review_due", lang, date=review.isoformat(), title=doc.title))
        elif doc.type == "keputusan":
            for decision in meta.get("decisions") or []:
                due = _date(decision.get("due"))
                if due is not None and due <= soon and decision.get("status") == "terbuka":
                    text = mail.one_line(decision.get("text", ""), 120)
                    lines.append(
                        _("mail.digest.decision_due", lang, date=due.isoformat(), decision=text, title=doc.title)
                    )
        elif doc.type == "program":
            for target in meta.get("targets") or []:
                if int(target.get("year") or 0) == today.year - 1 and target.get("realization") is None:
                    lines.append(
                        _(
                            "mail.digest.target_unreported",
                            lang,
                            year=today.year - 1,
                            indicator=target.get("indicator", ""),
                            title=doc.title,
                        )
                    )
    return lines


def secretariat(db: Session) -> list[User]:
    """Who receives the digest: the administrators (a Pokja's own secretariat once regions scope accounts)."""
    users = db.scalars(select(User).where(User.role.in_(SECRETARIAT_ROLES)).order_by(User.id))
    return [u for u in users if u.active and preference(db, u).digest]


def queue_digests(db: Session, today: dt.date | None = None) -> int:
    """Queue the digest to every secretariat member with something to report (the caller commits)."""
    today = today or dt.date.today()
    documents = get_content().current().corpus.documents
    count = 0
    for user in secretariat(db):
        lang = preference(db, user).lang
        items = digest_items(documents, today, lang)
        if not items:
            continue
        unsub = unsubscribe_url(user, "digest")
        paragraphs = [_("mail.greeting", lang, name=mail.one_line(user.display_name)), _("mail.digest.body", lang)]
        paragraphs += [f"- {item}" for item in items]
        footer = [_("mail.footer", lang), _("mail.unsubscribe", lang, url=unsub)]
        subject = _("mail.digest.subject", lang, count=len(items))
        msg = mail.compose(user.email, subject, paragraphs, lang=lang, footer=footer, unsubscribe_url=unsub)
        if mail.queue(db, "ringkasan", msg) is not None:
            count += 1
    return count
