"""Who gets which mail: invitations, password resets, submission notifications, document follows, preferences.

Every function here adds outbox rows to the caller's session (see ``flask_app.mail``); the caller commits,
so a mail exists exactly when what caused it does. Notifications carry an RFC 8058 one-click unsubscribe
link; ``/akun/surel`` holds the preferences, ``/akun/lupa`` the "Lupa kata sandi?" form.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import Blueprint, Flask, current_app, flash, redirect, render_template, request, url_for
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import Boolean, ForeignKey, Integer, String, UniqueConstraint, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from flask_app import mail
from flask_app.auth import (
    PasswordLink,
    User,
    _token_hash,
    client_ip,
    current_user,
    find_user,
    login_required,
    normalise_email,
)
from flask_app.content import get_content
from flask_app.db import Base, UTCDateTime, get_session, utcnow
from flask_app.messages import LANGS, _
from flask_app.security import csrf_exempt

bp = Blueprint("notify", __name__, url_prefix="/akun")
RESET_LINK_HOURS = 1
RESET_MAX_PER_ADDRESS = 3  # per hour
RESET_MAX_PER_CLIENT = 10  # per hour
REVIEWERS = ("moderator", "admin")
_SALT = "pokja-berhenti-langganan"


class MailPreference(Base):
    """An account's mail choices: language, notifications, the weekly digest."""

    __tablename__ = "mail_preferences"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    lang: Mapped[str] = mapped_column(String(5), default="id")
    notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    digest: Mapped[bool] = mapped_column(Boolean, default=True)


class DocumentFollow(Base):
    """An account follows a document (``pedoman/slug``): a mail when it changes."""

    __tablename__ = "document_follows"
    __table_args__ = (UniqueConstraint("user_id", "doc_path"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    doc_path: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ResetRequest(Base):
    """One "Lupa kata sandi?" request, counted per address and per client for the rate limit."""

    __tablename__ = "password_reset_requests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def preference(db: Session, user: User) -> MailPreference:
    """The account's preferences (defaults when never saved; not added to the session)."""
    return db.get(MailPreference, user.id) or MailPreference(
        user_id=user.id, lang="id", notifications=True, digest=True
    )


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=_SALT)


def unsubscribe_url(user: User, what: str) -> str:
    """The one-click unsubscribe URL for ``what`` (``notifications``, ``digest`` or ``follow:<path>``)."""
    # A literal path: mails are also composed outside requests (commands, the worker).
    return mail.link("/akun/berhenti/" + _serializer().dumps([user.id, what]))


def _send(
    db: Session,
    user: User,
    kind: str,
    key: str,
    *,
    action_key: str | None = None,
    url: str | None = None,
    unsubscribe: str | None = None,
    **params: Any,
) -> mail.OutboxMail | None:
    """Queue mail ``key`` (``mail.<key>.subject`` / ``.body``) to ``user`` in the account's language."""
    pref = preference(db, user)
    lang = pref.lang if pref.lang in LANGS else "id"
    # Titles, names and notes become one line each: they reach the Subject header and the HTML part.
    params = {name: mail.one_line(value, 2000) for name, value in params.items()}
    subject = _(f"mail.{key}.subject", lang, **params)
    paragraphs = [
        _("mail.greeting", lang, name=mail.one_line(user.display_name)),
        _(f"mail.{key}.body", lang, **params),
    ]
    footer = [_("mail.footer", lang)]
    unsub = None
    if unsubscribe:
        unsub = unsubscribe_url(user, unsubscribe)
        footer.append(_("mail.unsubscribe", lang, url=unsub))
    action = (_(action_key, lang), url) if action_key and url else None
    msg = mail.compose(user.email, subject, paragraphs, lang=lang, action=action, footer=footer, unsubscribe_url=unsub)
    return mail.queue(db, kind, msg)


def invitation(db: Session, user: User, path: str) -> mail.OutboxMail | None:
    """The invitation with the set-password link (``pokja user add``, the admin page)."""
    hours = current_app.config["PASSWORD_LINK_HOURS"]
    return _send(db, user, "undangan", "invitation", action_key="mail.set_password", url=mail.link(path), hours=hours)


def _recent(db: Session, column: Any, value: str) -> int:
    since = utcnow() - dt.timedelta(hours=1)
    return (
        db.scalar(select(func.count()).select_from(ResetRequest).where(column == value, ResetRequest.at > since)) or 0
    )


def request_reset(db: Session, email: str, ip: str) -> bool:
    """Record a reset request; queue a one-hour link when the address is an active account (commits).

    Returns whether the request was within the rate limit; the answer page is the same either way.
    """
    email = normalise_email(email)[:254]
    if _recent(db, ResetRequest.email, email) >= RESET_MAX_PER_ADDRESS:
        return False
    if _recent(db, ResetRequest.ip, ip) >= RESET_MAX_PER_CLIENT:
        return False
    db.add(ResetRequest(email=email, ip=ip, at=utcnow()))
    user = find_user(email, db) if email else None
    if user is not None and user.active:
        token = secrets.token_urlsafe(32)
        expires = utcnow() + dt.timedelta(hours=RESET_LINK_HOURS)
        db.add(PasswordLink(user_id=user.id, token_hash=_token_hash(token), expires_at=expires))
        url = mail.link(f"/akun/sandi/{token}")
        _send(db, user, "sandi", "reset", action_key="mail.set_password", url=url, hours=RESET_LINK_HOURS)
    db.commit()
    return True


def _active(db: Session, query: Any) -> list[User]:
    return [u for u in db.scalars(query) if u.active]


def reviewers(db: Session, sub: Any) -> list[User]:
    """The moderators of the region that reviews ``sub``: its own, else the next level up (flask_app.regions)."""
    from flask_app import regions

    target = regions.moderator_for(db, getattr(sub, "region", None) or regions.NATIONAL)
    return _active(db, select(User).where(User.role.in_(REVIEWERS), User.region == target).order_by(User.id))


def _wants_notifications(db: Session, user: User) -> bool:
    return bool(preference(db, user).notifications)


# Submission history actions → the mail the author gets (action "kirim"/"revisi" goes to the moderators).
AUTHOR_MAILS = {
    "kembalikan": "sent_back",
    "setujui": "approved",
    "terbit": "published",
    "tolak": "rejected",
    "gagal_terbit": "publish_failed",
}


def submission_changed(db: Session, sub: Any, action: str, note: str = "") -> None:
    """Queue the mails one history entry of ``sub`` causes (called where the entry is recorded)."""
    title = sub.title
    if action in ("kirim", "revisi"):
        url = mail.link(f"/moderasi/{sub.id}")
        for user in reviewers(db, sub):
            if user.id != sub.author_id and _wants_notifications(db, user):
                _send(
                    db,
                    user,
                    "tinjau",
                    "review_waiting",
                    action_key="mail.open",
                    url=url,
                    unsubscribe="notifications",
                    title=title,
                    id=sub.id,
                )
        return
    key = AUTHOR_MAILS.get(action)
    if key is None:
        return
    url = mail.link(f"/kontribusi/{sub.id}")
    targets = [db.get(User, sub.author_id)]
    if action == "gagal_terbit" and sub.reviewer_id and sub.reviewer_id != sub.author_id:
        targets.append(db.get(User, sub.reviewer_id))
    for user in targets:
        if user is not None and user.active and _wants_notifications(db, user):
            _send(
                db,
                user,
                "kiriman",
                key,
                action_key="mail.open",
                url=url,
                unsubscribe="notifications",
                title=title,
                id=sub.id,
                note=note or "-",
            )
    if action == "terbit" and note:
        document_changed(db, note.removesuffix(".md"), title)


def document_changed(db: Session, doc_path: str, title: str) -> int:
    """Mail every follower of ``doc_path`` that it changed; returns how many mails were queued."""
    follows = db.scalars(select(DocumentFollow).where(DocumentFollow.doc_path == doc_path)).all()
    count = 0
    for follow in follows:
        user = db.get(User, follow.user_id)
        if user is None or not user.active:
            continue
        url = mail.link(f"/{doc_path}/")
        unsub = f"follow:{doc_path}"
        if _send(db, user, "ikuti", "doc_changed", action_key="mail.open", url=url, unsubscribe=unsub, title=title):
            count += 1
    return count


def _apply_unsubscribe(db: Session, user: User, what: str) -> None:
    if what.startswith("follow:"):
        path = what.removeprefix("follow:")
        for follow in db.scalars(
            select(DocumentFollow).where(DocumentFollow.user_id == user.id, DocumentFollow.doc_path == path)
        ):
            db.delete(follow)
        return
    pref = db.merge(preference(db, user))
    if what == "digest":
        pref.digest = False
    else:
        pref.notifications = False


@bp.route("/berhenti/<token>", methods=["GET", "POST"])
@csrf_exempt
def unsubscribe(token: str) -> Any:
    """RFC 8058 one-click unsubscribe: POST stops the mails (no login, no form token); GET asks to confirm."""
    try:
        user_id, what = _serializer().loads(token)
    except (BadSignature, ValueError, TypeError):
        return render_template("mail/unsubscribe.html", done=False, invalid=True), 400
    db = get_session()
    user = db.get(User, int(user_id))
    if user is None:
        return render_template("mail/unsubscribe.html", done=False, invalid=True), 400
    if request.method == "POST":
        _apply_unsubscribe(db, user, str(what))
        db.commit()
        return render_template("mail/unsubscribe.html", done=True, invalid=False)
    return render_template("mail/unsubscribe.html", done=False, invalid=False)


@bp.route("/lupa", methods=["GET", "POST"])
def forgot_password() -> Any:
    """ "Lupa kata sandi?": the same answer whether or not the address has an account."""
    if request.method == "POST":
        allowed = request_reset(get_session(), request.form.get("email", ""), client_ip())
        status = 200 if allowed else 429
        return render_template("mail/forgot.html", sent=True, limited=not allowed), status
    return render_template("mail/forgot.html", sent=False, limited=False)


@bp.route("/surel", methods=["GET", "POST"])
@login_required
def preferences() -> Any:
    """The account's mail preferences and followed documents."""
    user = current_user()
    assert user is not None
    db = get_session()
    if request.method == "POST":
        pref = db.merge(preference(db, user))
        lang = request.form.get("lang", "id")
        pref.lang = lang if lang in LANGS else "id"
        pref.notifications = request.form.get("notifications") == "1"
        pref.digest = request.form.get("digest") == "1"
        for path in request.form.getlist("unfollow"):
            for follow in db.scalars(
                select(DocumentFollow).where(DocumentFollow.user_id == user.id, DocumentFollow.doc_path == path)
            ):
                db.delete(follow)
        db.commit()
        flash(_("mail.prefs_saved"), "info")
        return redirect(url_for("notify.preferences"), code=303)
    follows = db.scalars(
        select(DocumentFollow).where(DocumentFollow.user_id == user.id).order_by(DocumentFollow.doc_path)
    )
    return render_template("mail/preferences.html", pref=preference(db, user), follows=list(follows), langs=LANGS)


def _doc_path(raw: str) -> str | None:
    """``type/slug`` of a document page path, or None when it names no document of the corpus."""
    path = raw.strip("/").removesuffix("/index.html").removesuffix(".html")
    corpus = get_content().current().corpus
    known = {f"{doc.type}/{doc.slug}" for doc in corpus.documents}
    return path if path in known else None


@bp.route("/ikuti", methods=["GET", "POST"])
@login_required
def follow() -> Any:
    """ "Ikuti dokumen ini": follow the document ``doc`` (its page path) for a mail when it changes."""
    user = current_user()
    assert user is not None
    path = _doc_path(request.values.get("doc", ""))
    if path is None:
        return render_template("mail/follow.html", path=None, following=False), 404
    db = get_session()
    if request.method == "POST":
        exists = db.scalar(
            select(DocumentFollow).where(DocumentFollow.user_id == user.id, DocumentFollow.doc_path == path)
        )
        if exists is None:
            db.add(DocumentFollow(user_id=user.id, doc_path=path, created_at=utcnow()))
            db.commit()
        return render_template("mail/follow.html", path=path, following=True)
    return render_template("mail/follow.html", path=path, following=False)


def init_app(app: Flask) -> None:
    """Nothing to bind beyond the blueprint; the mail state lives in ``flask_app.mail``."""
    mail.init_app(app)
