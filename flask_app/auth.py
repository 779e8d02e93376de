"""Accounts and roles: login, logout, one-time set-password links, rate limiting, role and fresh-login checks.

Login sessions are Flask-Login's: the session holds the account id and its session version
(``User.get_id()``), so disabling an account or changing its password ends its other sessions.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Any, TypeVar
from urllib.parse import urlsplit

import flask_login
from flask import Blueprint, Flask, abort, current_app, flash, redirect, render_template, request, session, url_for
from sqlalchemy import Boolean, ForeignKey, Integer, String, delete, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column
from werkzeug.security import check_password_hash, generate_password_hash

from flask_app.db import Base, UTCDateTime, audit, get_session, utcnow
from flask_app.limits import LoginFailure, failures_left_minutes, record_attempt
from flask_app.messages import _
from site_builder.schemas import ROLES as SCHEMA_ROLES

F = TypeVar("F", bound=Callable[..., Any])

# The roles are declared once, with the schemas' contribute lists that name them.
ROLES = SCHEMA_ROLES
MIN_PASSWORD_LENGTH = 10
MAX_NAME_CHARS = 120
DEFAULT_LINK_HOURS = 72
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

bp = Blueprint("auth", __name__, url_prefix="/akun")
login_manager = flask_login.LoginManager()
# No session protection: "basic" only flips Flask-Login's freshness flag, which we do not read (our fresh
# login is the login's age), and rewrites the cookie of every anonymous request; "strong" would log out
# members on mobile networks whose address changes between requests.
login_manager.session_protection = None


class User(Base):
    """An account; the role decides what it may do (and what Flask-Login asks of a user object)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # Bumped when the password changes: older sessions of the account stop working.
    session_version: Mapped[int] = mapped_column(Integer, default=0)
    # The account's Pokja: "00" national, a province or a kabupaten/kota code (flask_app/regions.py).
    region: Mapped[str] = mapped_column(String(8), default="00", server_default="00")

    @property
    def display_name(self) -> str:
        """The name shown for the account, on the site and in committed files: never its email address."""
        # An account made before names were asked has none: a neutral label, never the address.
        return self.name or _("member_fallback_name", lang="id", id=self.id)

    def has_role(self, *roles: str) -> bool:
        """Whether the account holds one of ``roles``."""
        return self.role in roles

    # Flask-Login's user interface, written out rather than UserMixin, whose __eq__ would compare
    # accounts by session id (and load attributes of detached rows).
    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        """Flask-Login's view of ``active``: a disabled account cannot log in."""
        return bool(self.active)

    def get_id(self) -> str:
        """The id Flask-Login keeps in the session: account and session version (``7:2``)."""
        return f"{self.id}:{self.session_version or 0}"


class PasswordLink(Base):
    """A one-time, expiring link to set a password; only the token's hash is stored."""

    __tablename__ = "password_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)


def normalise_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def hash_password(password: str) -> str:
    """A scrypt hash of ``password``."""
    return generate_password_hash(password, method="scrypt")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def find_user(email: str, db: Session | None = None) -> User | None:
    """The account with ``email``, or None."""
    db = db or get_session()
    return db.scalar(select(User).where(User.email == normalise_email(email)))


def issue_password_link(user: User, db: Session | None = None) -> str:
    """A new one-time set-password URL path for ``user`` (commits)."""
    db = db or get_session()
    token = secrets.token_urlsafe(32)
    hours = current_app.config.get("PASSWORD_LINK_HOURS", DEFAULT_LINK_HOURS)
    # A new link revokes the older ones still open: only the latest link sent can set the password.
    db.execute(
        update(PasswordLink)
        .where(PasswordLink.user_id == user.id, PasswordLink.used_at.is_(None))
        .values(used_at=utcnow())
    )
    db.add(
        PasswordLink(user_id=user.id, token_hash=_token_hash(token), expires_at=utcnow() + dt.timedelta(hours=hours))
    )
    db.commit()
    return f"/akun/sandi/{token}"


def create_user(
    email: str, role: str, name: str = "", db: Session | None = None, region: str = "00"
) -> tuple[User, str]:
    """Create an account without a password; returns it and its one-time set-password URL path.

    Raises ValueError with an Indonesian message for a bad email, an unknown role or an existing account.
    """
    db = db or get_session()
    email = normalise_email(email)
    if not _EMAIL_RE.match(email) or len(email) > 254:
        raise ValueError(_("bad_email", email=email))
    if role not in ROLES:
        raise ValueError(_("bad_role", role=role, roles=", ".join(ROLES)))
    if find_user(email, db) is not None:
        raise ValueError(_("email_taken", email=email))
    name = " ".join(name.split())
    if (problem := name_problem(name)) is not None:
        raise ValueError(problem)
    user = User(email=email, role=role, name=name, active=True, created_at=utcnow(), region=region)
    db.add(user)
    db.flush()
    return user, issue_password_link(user, db)


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a display name (empty, too long, an email address, bad characters), or None."""
    if not name.strip():
        return _("name_required")
    if len(name) > MAX_NAME_CHARS:
        return _("name_too_long", limit=MAX_NAME_CHARS)
    if "@" in name:
        return _("name_is_email")
    # Control, format (bidirectional overrides), surrogate and unassigned/noncharacter code points.
    bad = next((c for c in name if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Cn", "Co")), None)
    return _("name_bad_character", char=f"U+{ord(bad):04X}") if bad is not None else None


def valid_link(token: str, db: Session | None = None) -> PasswordLink | None:
    """The unused, unexpired link for ``token``, or None."""
    db = db or get_session()
    link = db.scalar(select(PasswordLink).where(PasswordLink.token_hash == _token_hash(token)))
    if link is None or link.used_at is not None or link.expires_at <= utcnow():
        return None
    return link


def set_password(user: User, password: str, db: Session | None = None) -> None:
    """Store a new password hash and end the account's other sessions (commits)."""
    db = db or get_session()
    user.password_hash = hash_password(password)
    user.session_version = (user.session_version or 0) + 1
    db.commit()


def password_problem(password: str, again: str) -> str | None:
    """The message explaining why a new password is refused, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return _("password_too_short", min=MIN_PASSWORD_LENGTH)
    if password != again:
        return _("password_mismatch")
    return None


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return hash_password(secrets.token_hex(16))


def _password_matches(user: User | None, password: str) -> bool:
    """Check the password; unknown accounts cost the same scrypt work, so timing does not reveal emails."""
    if user is None or not user.password_hash:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(user.password_hash, password)


def client_ip() -> str:
    """The client address (the service listens behind no proxy by default)."""
    return request.remote_addr or "-"


def _load_user(user_id: str) -> User | None:
    """Flask-Login's user loader: the account of the session, if still active and of the same version."""
    uid, _sep, version = user_id.partition(":")
    candidate = get_session().get(User, int(uid)) if uid.isdigit() else None
    if (
        candidate is not None
        and candidate.active
        and candidate.password_hash
        and version == str(candidate.session_version or 0)
    ):
        return candidate
    # A disabled account or a changed password ends the session here.
    session.pop("_user_id", None)
    session.pop("login_at", None)
    return None


def current_user() -> User | None:
    """The logged-in, active account of this request, or None."""
    user = flask_login.current_user
    return user._get_current_object() if user.is_authenticated else None  # type: ignore[attr-defined]


def _to_login(message_key: str) -> Any:
    flash(_(message_key), "info")
    return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))


def login_required(view: F) -> F:
    """Send anonymous visitors to the login page, coming back afterwards (Flask-Login's decorator)."""
    return flask_login.login_required(view)


def roles_required(*roles: str) -> Callable[[F], F]:
    """Allow only accounts holding one of ``roles`` (403 for other roles, login for anonymous)."""
    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValueError(f"unknown roles {sorted(unknown)}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            user = current_user()
            if user is None:
                return login_manager.unauthorized()
            if user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def fresh_login_required(max_age_seconds: int | None = None) -> Callable[[F], F]:
    """Ask for the password again when the login is older than ``max_age_seconds`` (FRESH_LOGIN_SECONDS).

    Not Flask-Login's own ``fresh_login_required``: its freshness means "not restored from a remember-me
    cookie" (we set none); moderation and administration need the login's age.
    """

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if current_user() is None:
                return login_manager.unauthorized()
            limit = current_app.config["FRESH_LOGIN_SECONDS"] if max_age_seconds is None else max_age_seconds
            if time.time() - float(session.get("login_at", 0)) > limit:
                return _to_login("login_fresh_needed")
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def _log_in(user: User) -> None:
    """Start a new session for ``user``: nothing carried over from before (session fixation) but the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    flask_login.login_user(user, fresh=True)
    session["login_at"] = time.time()


def safe_next(target: str | None) -> str:
    """``target`` when it is a path on this site, else the home page (no open redirects)."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Any:
    """The login form; five failures per 15 minutes lock an address, twenty lock a client (settings)."""
    error = None
    status = 200
    email = ""
    next_url = safe_next(request.values.get("next"))
    if request.method == "POST":
        db = get_session()
        email = normalise_email(request.form.get("email", ""))
        password = request.form.get("password", "")
        ip = client_ip()
        attempt = record_attempt(db, email, ip)
        # Counted without this attempt: the earlier ones (committed before it was) decide.
        minutes = failures_left_minutes(email, ip, db, exclude_id=attempt.id)
        user = find_user(email, db) if email else None
        if minutes:
            # Refused untested: its row goes, so a stream of refused attempts does not extend the lock.
            db.execute(delete(LoginFailure).where(LoginFailure.id == attempt.id))
            db.commit()
            error, status = _("login_rate_limited", minutes=minutes), 429
        elif not _password_matches(user, password):
            minutes = failures_left_minutes(email, ip, db)
            error = _("login_rate_limited", minutes=minutes) if minutes else _("login_failed")
            status = 429 if minutes else 401
        elif not user.active:
            error, status = _("account_disabled"), 403
        else:
            db.execute(
                delete(LoginFailure).where(
                    (LoginFailure.id == attempt.id) | ((LoginFailure.email == email) & (LoginFailure.ip == ip))
                )
            )
            user.last_login_at = utcnow()
            db.commit()
            _log_in(user)
            flash(_("login_ok", name=user.display_name), "info")
            return redirect(next_url)
    return render_template("auth/login.html", error=error, email=email, next_url=next_url), status


@bp.post("/keluar")
def logout() -> Any:
    """End the session."""
    lang = session.get("lang")
    user = current_user()
    if user is not None:
        # Every session of the account ends, a copied cookie too: its version no longer matches.
        db = get_session()
        db.execute(
            update(User).where(User.id == user.id).values(session_version=func.coalesce(User.session_version, 0) + 1)
        )
        db.commit()
    flask_login.logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("logout_ok"), "info")
    return redirect("/")


@bp.route("/sandi/<token>", methods=["GET", "POST"])
def set_password_page(token: str) -> Any:
    """Set a password through a one-time link (first login or reset)."""
    db = get_session()
    link = valid_link(token, db)
    if link is None:
        return render_template("auth/link_invalid.html"), 400
    user = db.get(User, link.user_id)
    error = None
    if request.method == "POST":
        password = request.form.get("password", "")
        error = password_problem(password, request.form.get("password2", ""))
        # An account made without a name (before names were asked) gets one here, from its invitation.
        name = " ".join(request.form.get("name", "").split())
        if error is None and user is not None and not user.name:
            error = name_problem(name)
        if error is None and user is not None:
            # Consumed atomically: of several concurrent uses of one link, exactly one sets the password.
            consumed = db.execute(
                update(PasswordLink)
                .where(PasswordLink.id == link.id, PasswordLink.used_at.is_(None))
                .values(used_at=utcnow())
            )
            if consumed.rowcount != 1:
                db.rollback()
                return render_template("auth/link_invalid.html"), 400
            if not user.name:
                user.name = name
            set_password(user, password, db)
            audit(user, "password_set", user.email, session=db)
            flash(_("password_set"), "info")
            return redirect(url_for("auth.login"))
    # Passed by name: base.html's own ``user`` (the logged-in account, none here) would shadow ``user.name``.
    needs_name = user is not None and not user.name
    return render_template("auth/set_password.html", user=user, error=error, needs_name=needs_name), (
        400 if error else 200
    )


@bp.route("", methods=["GET", "POST"])
@login_required
def account() -> Any:
    """The own account page, with a password change form."""
    user = current_user()
    assert user is not None
    error = None
    if request.method == "POST":
        if not check_password_hash(user.password_hash, request.form.get("current_password", "")):
            error = _("current_password_wrong")
        else:
            password = request.form.get("password", "")
            error = password_problem(password, request.form.get("password2", ""))
            if error is None:
                set_password(user, password)
                # The new session version ends every other session; this one goes on, as fresh as it was.
                login_at = session.get("login_at")
                flask_login.login_user(user)
                session["login_at"] = login_at
                flash(_("password_changed"), "info")
                return redirect(url_for("auth.account"))
    return render_template("auth/account.html", user=user, error=error), 400 if error else 200


def count_users(db: Session) -> int:
    """How many accounts exist."""
    return db.scalar(select(func.count()).select_from(User)) or 0


def init_app(app: Flask) -> None:
    """Session cookie flags, Flask-Login, and ``current_user`` in templates."""
    secure = app.config.get("SECURE_COOKIES", False)
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(secure),
        SESSION_COOKIE_NAME="pokja_session",
        PERMANENT_SESSION_LIFETIME=dt.timedelta(hours=float(app.config["SESSION_HOURS"])),
    )
    # Templates call current_user() (a function, as views do), so Flask-Login's proxy stays out of them.
    login_manager.init_app(app, add_context_processor=False)
    login_manager.user_loader(_load_user)
    login_manager.unauthorized_handler(lambda: _to_login("login_needed"))
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["ROLES"] = ROLES
