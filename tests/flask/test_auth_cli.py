"""``pokja user ...`` and ``pokja serve``'s start-up steps."""

from __future__ import annotations

import io
import re

import pytest

import flask_app
from flask_app import cli_accounts
from flask_app.cli import main
from flask_app.db import dispose, head_revision
from tests.flask.conftest import csrf_from, login


@pytest.fixture
def env(monkeypatch, tmp_path, site_dir, make_app):
    """POKJA_* variables pointing at tmp_path, as ``pokja`` reads them."""
    make_app()  # copies the content tree into tmp_path/content
    monkeypatch.setenv("POKJA_ROOT", str(tmp_path))
    monkeypatch.setenv("POKJA_CONTENT", str(tmp_path / "content"))
    monkeypatch.setenv("POKJA_SITE", str(site_dir))
    monkeypatch.setenv("POKJA_INDEX", str(tmp_path / "index"))
    monkeypatch.setenv("POKJA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("POKJA_SECRET_KEY", "rahasia-uji")
    monkeypatch.setenv("POKJA_BASE_URL", "https://pokja.contoh.id/")
    return tmp_path


def test_user_add_prints_a_one_time_link_that_works(env, capsys):
    assert main(["user", "add", "Budi@Contoh.id", "--role", "pelatih", "--name", "Budi"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Akun budi@contoh.id (pelatih) dibuat."
    assert out[1] == "Tautan sekali pakai untuk mengatur kata sandi (berlaku 72 jam):"
    match = re.fullmatch(r"https://pokja\.contoh\.id(/akun/sandi/[A-Za-z0-9_-]{20,})", out[2])
    assert match, out[2]
    app = flask_app.create_app()
    try:
        client = app.test_client()
        form = client.get(match.group(1))
        assert form.status_code == 200
        data = {"password": "sandi-baru-123", "password2": "sandi-baru-123", "csrf_token": csrf_from(form.text)}
        assert client.post(match.group(1), data=data).status_code == 302
        assert login(client, "budi@contoh.id", "sandi-baru-123").status_code == 302
    finally:
        dispose(app)


def test_user_add_refuses_a_duplicate_and_an_unknown_role(env, capsys):
    assert main(["user", "add", "a@contoh.id", "--role", "anggota", "--name", "Anggota A"]) == 0
    capsys.readouterr()
    assert main(["user", "add", "A@contoh.id", "--role", "anggota", "--name", "Anggota A"]) == 1
    assert capsys.readouterr().err.strip() == "Akun dengan surel a@contoh.id sudah ada."
    with pytest.raises(SystemExit) as exited:
        main(["user", "add", "b@contoh.id", "--role", "raja", "--name", "Raja"])
    assert exited.value.code == 2
    assert "invalid choice: 'raja'" in capsys.readouterr().err


def test_user_disable_enable_and_list(env, capsys):
    main(["user", "add", "a@contoh.id", "--role", "moderator", "--name", "Moderator A"])
    capsys.readouterr()
    assert main(["user", "disable", "a@contoh.id"]) == 0
    assert capsys.readouterr().out.strip() == "Akun a@contoh.id dinonaktifkan."
    assert main(["user", "list"]) == 0
    assert capsys.readouterr().out.strip() == "a@contoh.id\tmoderator\tnonaktif, kata sandi belum diatur\tbelum pernah"
    assert main(["user", "enable", "a@contoh.id"]) == 0
    assert capsys.readouterr().out.strip() == "Akun a@contoh.id diaktifkan."
    assert main(["user", "disable", "tidak@contoh.id"]) == 1
    assert capsys.readouterr().err.strip() == "Tidak ada akun dengan surel tidak@contoh.id."


def test_first_start_creates_one_admin_and_prints_the_password_once(env, monkeypatch):
    # The site and index steps have their own tests; here they only report.
    monkeypatch.setattr(cli_accounts, "ensure_site", lambda app: "situs: dilewati")
    monkeypatch.setattr(cli_accounts, "ensure_index", lambda app: "indeks: dilewati")
    app = flask_app.create_app()
    try:
        first = io.StringIO()
        cli_accounts.prepare(app, first)
        lines = first.getvalue().splitlines()
        assert lines[:4] == [
            "situs: dilewati",
            "indeks: dilewati",
            f"Basis data: sqlite:///{env / 'cli.db'}",
            f"Basis data sudah pada revisi terbaru {head_revision()}.",
        ]
        assert lines[4] == "Belum ada akun: admin pertama dibuat. Kata sandi ini hanya ditampilkan SEKALI:"
        assert lines[5] == "  surel: admin@pokja.local"
        password = lines[6].removeprefix("  kata sandi: ")
        assert len(password) >= 16
        second = io.StringIO()
        cli_accounts.prepare(app, second)
        assert password not in second.getvalue()
        assert second.getvalue().splitlines()[-1] == "Akun sudah ada; tidak ada admin baru dibuat."
        client = app.test_client()
        assert login(client, "admin@pokja.local", password).status_code == 302
        assert client.get("/admin/").status_code == 200
    finally:
        dispose(app)


def test_serve_prepares_then_runs_waitress_on_localhost(env, monkeypatch, capsys):
    import waitress

    served = {}
    monkeypatch.setattr(cli_accounts, "ensure_site", lambda app: "situs: dilewati")
    monkeypatch.setattr(cli_accounts, "ensure_index", lambda app: "indeks: dilewati")
    monkeypatch.setattr(waitress, "serve", lambda app, **kw: served.update(kw, app=app))
    assert main(["serve"]) == 0
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    assert capsys.readouterr().out.splitlines()[-1] == "Melayani di http://127.0.0.1:8000/ (Ctrl+C untuk berhenti)"


def test_site_is_stale_when_missing_or_older_than_content(tmp_path):
    import os

    content, site = tmp_path / "content", tmp_path / "site"
    content.mkdir()
    (content / "a.md").write_text("x", encoding="utf-8")
    assert cli_accounts.site_is_stale(content, site)
    site.mkdir()
    (site / "index.html").write_text("x", encoding="utf-8")
    os.utime(content / "a.md", (1_000_000, 1_000_000))
    assert not cli_accounts.site_is_stale(content, site)
    os.utime(content / "a.md", None)
    os.utime(site / "index.html", (1_000_000, 1_000_000))
    assert cli_accounts.site_is_stale(content, site)


def test_serve_builds_a_missing_index_and_repairs_a_stale_one(env):
    from search import index as search_index

    app = flask_app.create_app()
    try:
        first = cli_accounts.ensure_index(app)
        count = len(list((env / "content").rglob("*.md"))) - 1  # the home page is not a document
        assert first == f"Indeks pencarian dibangun: {count} dokumen di {env / 'index'}."
        # A document removed from content/ behind the service's back (a git pull) leaves the index.
        gone = next((env / "content" / "pedoman").glob("*.md"))
        gone.unlink()
        second = cli_accounts.ensure_index(app).splitlines()
        assert any(gone.stem in line for line in second)
        assert gone.stem not in search_index.indexed_digests(env / "index")
        third = cli_accounts.ensure_index(app).splitlines()
        assert len(third) == 1
    finally:
        dispose(app)
