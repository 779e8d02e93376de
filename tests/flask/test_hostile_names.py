"""Display names: asked at account creation; no member's email address on any public page or committed file."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select

from flask_app.auth import User, create_user
from flask_app.db import session_scope, utcnow
from tests.flask.conftest import csrf_from, sign_in
from tests.flask.test_contribute import text
from tests.flask.test_publish import approve, lesson, pub_app, run_publish, submit  # noqa: F401
from tests.flask.test_uploads import small_pdf

PASSWORD = "sandi-baru-123"


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=60).stdout


def _legacy(app, email: str, role: str) -> User:
    """An account made before names were asked: no name at all."""
    with app.app_context(), session_scope() as db:
        user = User(email=email, name="", role=role, active=True, created_at=utcnow(), password_hash="x")
        db.add(user)
        db.flush()
        db.expunge(user)
    return user


@pytest.mark.slow
def test_no_member_address_on_any_built_page_or_committed_file(pub_app):  # noqa: F811
    from site_builder.build import build_site

    content = Path(pub_app.config["CONTENT_DIR"])
    _git(content, "init", "-q")
    _git(content, "-c", "user.name=Awal", "-c", "user.email=awal@pokja.invalid", "add", ".")
    _git(content, "-c", "user.name=Awal", "-c", "user.email=awal@pokja.invalid", "commit", "-qm", "awal")
    member = _legacy(pub_app, "siti.rahasia@contoh.id", "anggota")
    moderator = _legacy(pub_app, "moderator.rahasia@contoh.id", "moderator")
    named = _legacy(pub_app, "bernama@contoh.id", "anggota")
    with pub_app.app_context(), session_scope() as db:
        db.get(User, named.id).name = "Budi Santoso"
    upload_dir = Path(pub_app.config["UPLOAD_DIR"])
    upload_dir.mkdir(parents=True, exist_ok=True)
    stored = "ab" * 16 + ".pdf"
    (upload_dir / stored).write_bytes(small_pdf())
    attachment = {"stored_name": stored, "original_name": "laporan.pdf", "mime": "application/pdf", "size": 10}
    sids = [
        submit(pub_app, member, lesson("Tanpa nama tampilan"), attachments=[attachment]),
        submit(pub_app, named, lesson("Dengan nama tampilan")),
    ]
    for sid in sids:
        approve(pub_app, sid, moderator)
        result = run_publish(pub_app, sid, moderator)
        assert result.ok, result.error
    addresses = {member.email, moderator.email, named.email}
    # Every file the publisher committed, as committed.
    committed = _git(content, "log", "--format=", "--name-only", "HEAD~2..HEAD").split()
    assert len(committed) == 3
    for rel in committed:
        blob = _git(content, "show", f"HEAD:{rel}") if rel.endswith(".md") else ""
        assert not any(a in blob for a in addresses), rel
    texts = [(content / rel).read_text(encoding="utf-8") for rel in committed if rel.endswith(".md")]
    assert any(f"contributor: 'Anggota #{member.id}'" in t for t in texts), texts
    assert any("contributor: Budi Santoso" in t for t in texts), texts
    # Every page of a full build.
    site = Path(pub_app.config["SITE_DIR"])
    build_site(Path(pub_app.config["MKDOCS_CONFIG"]), content_dir=content, site_dir=site)
    pages = [p for p in site.rglob("*") if p.is_file() and p.suffix in {".html", ".xml", ".json", ".txt", ".js"}]
    assert len(pages) > 50
    leaks = [str(p.relative_to(site)) for p in pages if any(a in p.read_text("utf-8", "replace") for a in addresses)]
    assert leaks == []
    shown = (site / "pembelajaran" / "tanpa-nama-tampilan" / "index.html").read_text(encoding="utf-8")
    assert f"Anggota #{member.id}" in shown


def test_a_display_name_is_asked_when_an_account_is_made(app, logged_in):
    admin = logged_in("admin")
    csrf = csrf_from(admin.get("/admin/").get_data(as_text=True))
    refused = admin.post("/admin/akun", data={"csrf_token": csrf, "email": "tanpa@contoh.id", "role": "anggota"})
    page = text(admin.get(refused.headers["Location"]))
    assert "Nama tampilan wajib diisi: nama inilah yang tampil di halaman publik, bukan alamat surel." in page
    email_name = admin.post(
        "/admin/akun", data={"csrf_token": csrf, "email": "x@contoh.id", "name": "x@contoh.id", "role": "anggota"}
    )
    assert "Nama tampilan tidak boleh berupa alamat surel" in text(admin.get(email_name.headers["Location"]))
    with app.app_context(), session_scope() as db:
        assert db.scalars(select(User.email).where(User.email.in_(["tanpa@contoh.id", "x@contoh.id"]))).all() == []


def test_pokja_user_add_needs_a_name(capsys):
    from flask_app.cli import main

    with pytest.raises(SystemExit) as exited:
        main(["user", "add", "a@contoh.id", "--role", "anggota"])
    assert exited.value.code == 2
    assert "--name" in capsys.readouterr().err


def test_the_invitation_link_asks_a_nameless_account_for_its_name(app, client):
    with app.app_context(), session_scope() as db:
        user, path = create_user("undangan@contoh.id", "anggota", "Sementara", db=db)
        user.name = ""  # as an account made before names were asked
    form = client.get(path).get_data(as_text=True)
    assert 'name="name"' in form and "Nama tampilan" in form
    csrf = csrf_from(form)
    refused = client.post(path, data={"csrf_token": csrf, "password": PASSWORD, "password2": PASSWORD})
    assert refused.status_code == 400
    assert "Nama tampilan wajib diisi" in text(refused)
    done = client.post(
        path,
        data={
            "csrf_token": csrf,
            "name": "  Rina   Wati ",
            "password": "sandi-baru-123",
            "password2": "sandi-baru-123",
        },
    )
    assert done.status_code == 302
    with app.app_context(), session_scope() as db:
        assert db.scalars(select(User.name).where(User.email == "undangan@contoh.id")).one() == "Rina Wati"


def test_a_nameless_account_is_shown_by_a_neutral_label_never_its_address(app, make_user):
    user = _legacy(app, "lama@contoh.id", "anggota")
    assert user.display_name == f"Anggota #{user.id}"
    client = sign_in(app.test_client(), user)
    page = client.get("/kontribusi/").get_data(as_text=True)
    assert f"Anggota #{user.id}" in page
    assert re.search(r"lama@contoh\.id", page) is None
