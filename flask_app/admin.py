"""Account administration: list, create (with a one-time link), disable/enable, change role; all audited."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from sqlalchemy import select

from flask_app import mail, notify, regions
from flask_app.auth import (
    DEFAULT_LINK_HOURS,
    ROLES,
    User,
    create_user,
    current_user,
    fresh_login_required,
    issue_password_link,
    roles_required,
)
from flask_app.content import get_content
from flask_app.db import AuditEvent, audit, get_session
from flask_app.messages import _

bp = Blueprint("admin", __name__, url_prefix="/admin")
AUDIT_ROWS = 100


def base_url() -> str:
    """The public base URL for links handed out of band (POKJA_BASE_URL, else this request's host)."""
    configured = current_app.config.get("BASE_URL") or ""
    return configured.rstrip("/") if configured else request.host_url.rstrip("/")


def _link_hours() -> int:
    return current_app.config.get("PASSWORD_LINK_HOURS", DEFAULT_LINK_HOURS)


def _target(user_id: int) -> User:
    user = get_session().get(User, user_id)
    if user is None:
        abort(404)
    _require_scope(user.region)
    return user


def _require_scope(code: str) -> None:
    """Admins manage the accounts of their own scope only (403 with a message otherwise)."""
    scope = regions.scope_of(current_user())
    if not regions.in_scope(scope, code):
        refdata = get_content().current().refdata
        raise regions.OutOfScope(
            _(
                "region_out_of_scope",
                regions=regions.region_label(code, refdata),
                scope=regions.region_label(scope, refdata),
            )
        )


@bp.get("/")
@roles_required("admin")
@fresh_login_required()
def index() -> Any:
    """Every account and the latest audit events."""
    db = get_session()
    actor = current_user()
    query = select(User).order_by(User.email)
    within = regions.scope_filter(User.region, regions.scope_of(actor))
    users = db.scalars(query if within is None else query.where(within)).all()
    events = db.scalars(select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc()).limit(AUDIT_ROWS))
    actors = {u.id: u.email for u in users}
    failed = mail.failed_mails(db)
    refdata = get_content().current().refdata
    return render_template(
        "admin/index.html",
        users=users,
        events=list(events),
        actors=actors,
        roles=ROLES,
        failed_mails=failed,
        region_choices=regions.scope_choices(actor, refdata),
        region_label=lambda code: regions.region_label(code, refdata),
    )


@bp.post("/akun")
@roles_required("admin")
@fresh_login_required()
def create() -> Any:
    """Create an account and show its one-time set-password link."""
    actor = current_user()
    email = request.form.get("email", "")
    role = request.form.get("role", "")
    try:
        typed = request.form.get("region", "") or regions.scope_of(actor)
        region = regions.check_region(typed, get_content().current().refdata)
        _require_scope(region)
        user, path = create_user(email, role, request.form.get("name", ""), region=region)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.index"))
    db = get_session()
    notify.invitation(db, user, path)
    db.commit()
    # The region is named only for a regional account: a national one's audit line reads as before.
    where = f" region={user.region}" if user.region != regions.NATIONAL else ""
    audit(actor, "user_create", user.email, f"role={user.role}{where}")
    flash(_("admin_created", email=user.email, hours=_link_hours(), link=base_url() + path), "info")
    return redirect(url_for("admin.index"))


@bp.post("/akun/<int:user_id>/tautan")
@roles_required("admin")
@fresh_login_required()
def new_link(user_id: int) -> Any:
    """Issue a new one-time set-password link (a forgotten password)."""
    user = _target(user_id)
    path = issue_password_link(user)
    audit(current_user(), "password_link", user.email)
    flash(_("admin_link", email=user.email, hours=_link_hours(), link=base_url() + path), "info")
    return redirect(url_for("admin.index"))


@bp.post("/akun/<int:user_id>/status")
@roles_required("admin")
@fresh_login_required()
def set_active(user_id: int) -> Any:
    """Disable or enable an account; a disabled account's sessions stop at their next request."""
    actor = current_user()
    user = _target(user_id)
    active = request.form.get("active") == "1"
    if actor is not None and user.id == actor.id and not active:
        flash(_("admin_not_self"), "error")
        return redirect(url_for("admin.index"))
    user.active = active
    get_session().commit()
    audit(actor, "user_enable" if active else "user_disable", user.email)
    flash(_("admin_enabled" if active else "admin_disabled", email=user.email), "info")
    return redirect(url_for("admin.index"))


@bp.post("/akun/<int:user_id>/peran")
@roles_required("admin")
@fresh_login_required()
def set_role(user_id: int) -> Any:
    """Change an account's role."""
    actor = current_user()
    user = _target(user_id)
    role = request.form.get("role", "")
    if role not in ROLES:
        flash(_("bad_role", role=role, roles=", ".join(ROLES)), "error")
        return redirect(url_for("admin.index"))
    if actor is not None and user.id == actor.id and role != "admin":
        flash(_("admin_not_self"), "error")
        return redirect(url_for("admin.index"))
    old = user.role
    user.role = role
    get_session().commit()
    audit(actor, "user_role", user.email, f"{old} -> {role}")
    flash(_("admin_role_changed", email=user.email, role=role), "info")
    return redirect(url_for("admin.index"))


@bp.post("/surel/<int:mail_id>/kirim-ulang")
@roles_required("admin")
@fresh_login_required()
def resend_mail(mail_id: int) -> Any:
    """Put a failed mail back in the outbox; the worker sends it."""
    db = get_session()
    if mail.resend(db, mail_id) is None:
        abort(404)
    db.commit()
    audit(current_user(), "mail_resend", f"mail:{mail_id}")
    flash(_("admin_mail_resent", id=mail_id), "info")
    return redirect(url_for("admin.index"))
