"""``pokja user add|disable|enable|list``, ``pokja db upgrade`` and ``pokja serve`` (site, index, database,
first admin, then waitress)."""

from __future__ import annotations

import argparse
import logging
import os
import secrets
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import select

from flask_app.messages import _

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000
FIRST_ADMIN_EMAIL = "admin@pokja.local"


@contextmanager
def app_context() -> Iterator[Flask]:
    """A fresh app inside its app context; its database connections are closed afterwards."""
    from flask_app import create_app
    from flask_app.db import dispose

    app = create_app()
    try:
        with app.app_context():
            yield app
    finally:
        dispose(app)


def link(app: Flask, path: str) -> str:
    """The full one-time link for a URL path, on POKJA_BASE_URL."""
    return app.config["BASE_URL"].rstrip("/") + path


def cmd_user_add(args: argparse.Namespace) -> int:
    """Create an account and print its one-time set-password link."""
    from flask_app import mail, notify
    from flask_app.auth import DEFAULT_LINK_HOURS, create_user
    from flask_app.db import audit, get_session

    with app_context() as app:
        try:
            from flask_app.content import get_content
            from flask_app.regions import check_region

            region = check_region(args.region, get_content().current().refdata)
            user, path = create_user(args.email, args.role, args.name or "", region=region)
        except ValueError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        where = f" region={user.region}" if user.region != "00" else ""
        detail = f"role={user.role}{where} (pokja user add)"
        audit(None, "user_create", user.email, detail, session=get_session())
        hours = app.config.get("PASSWORD_LINK_HOURS", DEFAULT_LINK_HOURS)
        print(_("cli_user_created", email=user.email, role=user.role))
        print(_("cli_user_link", hours=hours))
        print(link(app, path))
        db = get_session()
        if notify.invitation(db, user, path) is not None:
            db.commit()
            print(_("cli_mail_invited", email=user.email))
            # Sent at once when the server answers; otherwise the outbox keeps it for the service's worker.
            mail.deliver_due(app)
    return 0


def _set_active(args: argparse.Namespace, active: bool) -> int:
    from flask_app.auth import find_user
    from flask_app.db import audit, get_session

    with app_context():
        user = find_user(args.email)
        if user is None:
            print(_("no_such_user", email=args.email), file=sys.stderr)
            return 1
        user.active = active
        get_session().commit()
        audit(None, "user_enable" if active else "user_disable", user.email, "pokja user")
        print(_("admin_enabled" if active else "admin_disabled", email=user.email))
    return 0


def cmd_user_disable(args: argparse.Namespace) -> int:
    """Disable an account: it cannot log in and its sessions stop working."""
    return _set_active(args, False)


def cmd_user_enable(args: argparse.Namespace) -> int:
    """Enable a disabled account again."""
    return _set_active(args, True)


def cmd_user_list(args: argparse.Namespace) -> int:
    """Print every account: email, role, status, last login."""
    from flask_app.auth import User
    from flask_app.db import get_session

    with app_context():
        users = get_session().scalars(select(User).order_by(User.email)).all()
        if not users:
            print(_("cli_no_users"))
        for user in users:
            status = _("active") if user.active else _("inactive")
            if not user.password_hash:
                status += ", " + _("cli_no_password")
            last = user.last_login_at.strftime("%Y-%m-%d %H:%M UTC") if user.last_login_at else _("never")
            print(f"{user.email}\t{user.role}\t{status}\t{last}")
    return 0


def upgrade_database(app: Flask) -> str:
    """Apply the pending migrations to ``app``'s database; returns the line saying what was done."""
    from flask_app.db import get_engine, upgrade

    with app.app_context():
        before, after = upgrade(get_engine())
    if before == after:
        return _("cli_db_current", after=after)
    return _("cli_db_upgraded", before=before or _("cli_db_none"), after=after)


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    """Bring the database to the newest revision (a database made before migrations is recognised)."""
    from flask_app import create_app
    from flask_app.db import dispose

    app = create_app()
    try:
        print(_("cli_database", url=_safe_url(app.config["DATABASE_URL"])))
        print(upgrade_database(app))
    finally:
        dispose(app)
    return 0


def ensure_first_admin(app: Flask) -> tuple[str, str] | None:
    """With no accounts at all, create one admin with a random password; returns (email, password) once."""
    from flask_app.auth import User, count_users, hash_password
    from flask_app.db import audit, session_scope, utcnow

    with app.app_context(), session_scope() as db:
        if count_users(db):
            return None
        password = secrets.token_urlsafe(12)
        user = User(email=FIRST_ADMIN_EMAIL, name="Admin", role="admin", active=True, created_at=utcnow())
        user.password_hash = hash_password(password)
        db.add(user)
        db.flush()
        audit(None, "user_create", user.email, "role=admin (admin pertama, pokja serve)", session=db)
        return user.email, password


def _newest_mtime(folder: Path) -> float:
    newest = 0.0
    for path in folder.rglob("*"):
        if path.is_file():
            newest = max(newest, path.stat().st_mtime)
    return newest


def site_is_stale(content_dir: Path, site_dir: Path) -> bool:
    """Whether site/ is missing or older than anything in content/."""
    index = site_dir / "index.html"
    if not index.is_file():
        return True
    return content_dir.is_dir() and _newest_mtime(content_dir) > index.stat().st_mtime


def ensure_site(app: Flask) -> str:
    """Build the site when missing or older than content; returns what was done."""
    content_dir, site_dir = Path(app.config["CONTENT_DIR"]), Path(app.config["SITE_DIR"])
    if not site_is_stale(content_dir, site_dir):
        return _("cli_site_fresh", site=site_dir)
    from site_builder.build import SiteBuildError, build_site  # imported only when a build is needed

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config_file = Path(app.config["MKDOCS_CONFIG"])
    try:
        build_site(config_file, content_dir=content_dir, site_dir=site_dir)
    except SiteBuildError as exc:
        return _("cli_site_failed", details="; ".join(exc.messages))
    return _("cli_site_built", content=content_dir, site=site_dir)


def ensure_index(app: Flask) -> str:
    """Build the search index when it does not exist, else bring it in line with content/ (git pulls)."""
    from search import index as search_index  # imported only when serving
    from site_builder.content import load

    index_dir = Path(app.config["INDEX_DIR"])
    corpus = load(Path(app.config["CONTENT_DIR"]))
    if not search_index.exists(index_dir):
        count = search_index.rebuild(corpus, index_dir)
        return _("cli_index_built", count=count, index=index_dir)
    report = search_index.check(corpus, index_dir, repair=True)
    return "\n".join(report.lines())


def prepare(app: Flask, out: Any = None) -> None:
    """Every start-up step of ``pokja serve`` except serving, each printing one line."""
    out = out or sys.stdout
    print(ensure_site(app), file=out)
    print(ensure_index(app), file=out)
    print(_("cli_database", url=_safe_url(app.config["DATABASE_URL"])), file=out)
    print(upgrade_database(app), file=out)
    created = ensure_first_admin(app)
    if created:
        email, password = created
        print(_("cli_first_admin"), file=out)
        print(f"  {_('email').lower()}: {email}", file=out)
        print(f"  {_('password').lower()}: {password}", file=out)
        print(_("cli_first_admin_next"), file=out)
    else:
        print(_("cli_accounts_exist"), file=out)
    out.flush()


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def cmd_serve(args: argparse.Namespace) -> int:
    """Prepare site, index and accounts, then serve with waitress."""
    import waitress

    from flask_app import create_app, jobs, settings, sync
    from flask_app.db import dispose
    from flask_app.mail import start_worker
    from flask_app.uploads import start_sweeper

    app = create_app()
    if not settings.given("BASE_URL"):
        # Links in mails name the address actually served (make run PORT=8080), never a request's Host.
        app.config["BASE_URL"] = f"http://{args.host}:{args.port}"
    worker = sweeper = None
    try:
        prepare(app)
        app.logger.setLevel(logging.INFO)  # publications and syncs with their times in the log
        if app.config.get("GIT_REMOTE"):
            # A node that was down catches up before it answers (then by its timer and the publisher's call).
            sync.sync_once(app)
            sync.start_syncer(app)
        if app.config.get("PUBLISH_WORKER"):
            jobs.start_publisher(app)  # also takes the jobs a stopped publisher left
        worker = start_worker(app) if app.config.get("MAIL_WORKER") else None
        sweeper = start_sweeper(app)  # unsent attachments go on a schedule (UPLOAD_SWEEP_MINUTES)
        print(_("cli_serving", host=args.host, port=args.port), flush=True)
        waitress.serve(app, host=args.host, port=args.port, threads=8)
    finally:
        if worker is not None:
            worker.stop()
        if sweeper is not None:
            sweeper.stop()
        jobs.stop_publisher(app)
        sync.stop_syncer(app)
        dispose(app)
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``user`` and ``serve`` to the ``pokja`` command."""
    from flask_app.auth import ROLES

    user = subparsers.add_parser("user", help="kelola akun (tanpa pendaftaran terbuka)")
    user_sub = user.add_subparsers(dest="user_command", metavar="TINDAKAN")
    user_sub.required = True
    add = user_sub.add_parser("add", help="buat akun dan cetak tautan sekali pakai untuk kata sandi")
    add.add_argument("email")
    add.add_argument("--role", required=True, choices=ROLES, help="peran akun")
    add.add_argument("--name", required=True, help="nama tampilan (tampil di halaman publik, bukan surel)")
    add.add_argument(
        "--region", default="00", help="kode wilayah Pokja akun: 00 nasional, provinsi (33) atau kabupaten/kota (33.02)"
    )
    add.set_defaults(func=cmd_user_add)
    disable = user_sub.add_parser("disable", help="nonaktifkan akun")
    disable.add_argument("email")
    disable.set_defaults(func=cmd_user_disable)
    enable = user_sub.add_parser("enable", help="aktifkan lagi akun")
    enable.add_argument("email")
    enable.set_defaults(func=cmd_user_enable)
    listing = user_sub.add_parser("list", help="daftar akun")
    listing.set_defaults(func=cmd_user_list)

    database = subparsers.add_parser("db", help="basis data layanan")
    db_sub = database.add_subparsers(dest="db_command", metavar="TINDAKAN")
    db_sub.required = True
    db_upgrade = db_sub.add_parser("upgrade", help="terapkan migrasi yang tertunda (juga dilakukan pokja serve)")
    db_upgrade.set_defaults(func=cmd_db_upgrade)

    serve = subparsers.add_parser("serve", help="bangun situs dan indeks bila perlu, lalu layani di 127.0.0.1:8000")
    serve.add_argument("--host", default=DEFAULT_HOST)
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.set_defaults(func=cmd_serve)
