"""Rate limits counted in the database: login attempts per address and per client, previews and sent
contributions per account."""

from __future__ import annotations

import datetime as dt

from flask import current_app
from sqlalchemy import ForeignKey, Integer, String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from flask_app.db import Base, UTCDateTime, utcnow

PREVIEW = "pratinjau"
SUBMIT = "kirim"
# The setting that limits each action, per account and hour.
SETTING = {PREVIEW: "PREVIEWS_PER_HOUR", SUBMIT: "SUBMISSIONS_PER_HOUR"}
WINDOW = dt.timedelta(hours=1)


class RateEvent(Base):
    """One limited action of an account (kept for an hour, then purged)."""

    __tablename__ = "rate_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def limit_of(kind: str) -> int:
    """How many actions of ``kind`` an account may take per hour."""
    return int(current_app.config[SETTING[kind]])


def take(db: Session, user_id: int, kind: str) -> int:
    """Count one action of ``kind`` for the account: 0 when allowed, else the minutes until the next one is.

    Recorded (committed) before the earlier ones are counted, so parallel requests cannot together pass
    the limit; a refused action is not kept, so the wait is never extended by trying. Commits.
    """
    now = utcnow()
    db.execute(delete(RateEvent).where(RateEvent.at <= now - WINDOW))
    event = RateEvent(user_id=user_id, kind=kind, at=now)
    db.add(event)
    db.commit()
    earlier = list(
        db.scalars(
            select(RateEvent.at)
            .where(
                RateEvent.user_id == user_id,
                RateEvent.kind == kind,
                RateEvent.id != event.id,
                RateEvent.at > now - WINDOW,
            )
            .order_by(RateEvent.at)
        )
    )
    limit = limit_of(kind)
    if len(earlier) < limit:
        return 0
    db.execute(delete(RateEvent).where(RateEvent.id == event.id))
    db.commit()
    frees = earlier[-limit] + WINDOW
    return max(1, int((frees - utcnow()).total_seconds() // 60) + 1)


# --- logins ---------------------------------------------------------------------------------------


class LoginFailure(Base):
    """One failed (or not yet tested) login, counted per email address and per client for the rate limit."""

    __tablename__ = "login_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    ip: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def _lift_minutes(times: list[dt.datetime], limit: int, window: dt.timedelta) -> int:
    """Minutes until fewer than ``limit`` of ``times`` (sorted) are inside the window; 0 when already so."""
    if len(times) < limit:
        return 0
    # The limit lifts when the oldest counted failure leaves the window.
    lifts = times[-limit] + window
    return max(1, int((lifts - utcnow()).total_seconds() // 60) + 1)


def failures_left_minutes(email: str, ip: str, db: Session, *, exclude_id: int | None = None) -> int:
    """Minutes until the rate limit lifts for ``email`` (from any client) or for client ``ip``; 0 when not limited.

    The failures are rows in the database, so the limit holds across processes and restarts; the address
    limit stops many clients guessing one account, the client limit one client guessing many accounts.
    """
    window = dt.timedelta(minutes=float(current_app.config["LOGIN_FAILURE_MINUTES"]))
    since = utcnow() - window
    counted = [LoginFailure.at > since] + ([LoginFailure.id != exclude_id] if exclude_id is not None else [])
    by_email = db.scalars(
        select(LoginFailure.at).where(LoginFailure.email == email, *counted).order_by(LoginFailure.at)
    )
    by_ip = db.scalars(select(LoginFailure.at).where(LoginFailure.ip == ip, *counted).order_by(LoginFailure.at))
    return max(
        _lift_minutes(list(by_email), int(current_app.config["LOGIN_MAX_FAILURES"]), window),
        _lift_minutes(list(by_ip), int(current_app.config["LOGIN_MAX_FAILURES_PER_CLIENT"]), window),
    )


def record_attempt(db: Session, email: str, ip: str) -> LoginFailure:
    """Record a login attempt as a failure before its password is tested (committed); purge expired rows.

    Recorded first and counted afterwards: every attempt sees the ones committed before it, so of any
    number of parallel attempts at most the limit get their password tested.
    """
    window = dt.timedelta(minutes=float(current_app.config["LOGIN_FAILURE_MINUTES"]))
    now = utcnow()
    db.execute(delete(LoginFailure).where(LoginFailure.at <= now - window))
    attempt = LoginFailure(email=email, ip=ip, at=now)
    db.add(attempt)
    db.commit()
    return attempt
