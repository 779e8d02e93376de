"""Uploads: only sent submissions keep their files; the sweep (service and command) removes the rest; quotas."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

from sqlalchemy import select

from flask_app.db import session_scope
from flask_app.submissions import Submission
from flask_app.uploads import Upload, start_sweeper, sweep
from tests.flask.test_contribute import post_form, text
from tests.flask.test_uploads import PNG, small_pdf

PDF = small_pdf("Lampiran uji")


def files(app) -> set[str]:
    folder = Path(app.config["UPLOAD_DIR"])
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


def sweep_now(app):
    with app.app_context(), session_scope() as db:
        return sweep(db, Path(app.config["UPLOAD_DIR"]), dt.timedelta(0))


def sent_files(app) -> set[str]:
    with app.app_context(), session_scope() as db:
        return {a.stored_name for s in db.scalars(select(Submission)) for a in s.attachments}


def test_a_previews_and_a_refused_posts_uploads_are_gone_after_the_sweep_a_sent_ones_stay(app, logged_in):
    member = logged_in("anggota")
    preview = post_form(member, files={"att_file_0": (PDF, "pratinjau.pdf")}, action="preview")
    assert preview.status_code == 200
    refused = post_form(member, files={"att_file_0": (PNG, "ditolak.png")}, title="")
    assert refused.status_code == 400
    assert len(files(app)) == 2  # both kept a while: the member may still send the form
    sent = post_form(member, files={"att_file_0": (PDF, "terkirim.pdf")})
    assert sent.status_code == 303
    kept = sent_files(app)
    assert len(kept) == 1 and len(files(app)) == 3
    removed = sweep_now(app)
    assert {r.reason for r in removed} == {"unsent"} and len(removed) == 2
    assert files(app) == kept
    with app.app_context(), session_scope() as db:
        assert set(db.scalars(select(Upload.stored_name))) == kept


def test_the_sweep_keeps_a_form_in_progress_and_files_it_does_not_know(app, logged_in):
    member = logged_in("anggota")
    post_form(member, files={"att_file_0": (PDF, "sedang-diisi.pdf")}, action="preview")
    stranger = Path(app.config["UPLOAD_DIR"]) / "catatan-admin.txt"
    stranger.write_text("bukan lampiran", encoding="utf-8")
    before = files(app)
    with app.app_context(), session_scope() as db:
        assert sweep(db, Path(app.config["UPLOAD_DIR"]), dt.timedelta(hours=24)) == []
    assert files(app) == before
    sweep_now(app)
    assert files(app) == {"catatan-admin.txt"}


def test_a_published_submissions_upload_copy_is_swept_once_it_is_in_content(app, logged_in):
    from tests.flask.conftest import DEFAULT_PASSWORD  # noqa: F401 - the accounts below use it
    from tests.flask.test_publish import approve, run_publish

    member = logged_in("anggota")
    assert post_form(member, files={"att_file_0": (PDF, "terbit.pdf")}).status_code == 303
    (stored,) = sent_files(app)
    assert sweep_now(app) == []  # waiting for review: kept
    with app.app_context(), session_scope() as db:
        sid = db.scalars(select(Submission.id)).one()
    from flask_app.auth import User

    with app.app_context(), session_scope() as db:
        moderator = User(email="mod@contoh.id", name="Moderator Uji", role="moderator", created_at=_now())
        db.add(moderator)
        db.flush()
        db.expunge(moderator)
    approve(app, sid, moderator)
    assert run_publish(app, sid, moderator).ok
    published = Path(app.config["CONTENT_DIR"]) / "pembelajaran" / "lampiran" / stored
    assert published.read_bytes() == PDF
    removed = sweep_now(app)
    assert [(r.name, r.reason) for r in removed] == [(stored, "published")]
    assert files(app) == set() and published.is_file()


def _now():
    from flask_app.db import utcnow

    return utcnow()


def test_the_service_sweeps_on_a_schedule(make_app, logged_in):
    app = make_app(UPLOAD_SWEEP_MINUTES=0.005, UPLOAD_UNSENT_HOURS=0.0001)  # every 0.3 s, files older than 0.36 s
    client = app.test_client()
    from tests.flask.conftest import sign_in

    with app.app_context(), session_scope() as db:
        from flask_app.auth import User

        user = User(email="jadwal@contoh.id", name="Uji Jadwal", role="anggota", created_at=_now(), password_hash="x")
        db.add(user)
        db.flush()
        db.expunge(user)
    sign_in(client, user)
    post_form(client, files={"att_file_0": (PDF, "pratinjau.pdf")}, action="preview")
    assert len(files(app)) == 1
    sweeper = start_sweeper(app)
    try:
        deadline = time.monotonic() + 20
        while files(app) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert files(app) == set()
    finally:
        sweeper.stop()
        sweeper.join(timeout=10)
    assert start_sweeper(make_app(UPLOAD_SWEEP_MINUTES=0)) is None


def test_quota_per_account_refuses_with_a_message_and_keeps_nothing(make_app, logged_in):
    app = make_app(UPLOAD_QUOTA_ACCOUNT_BYTES=len(PDF) + 10)
    client = app.test_client()
    from tests.flask.conftest import sign_in

    with app.app_context(), session_scope() as db:
        from flask_app.auth import User

        user = User(email="kuota@contoh.id", name="Uji Kuota", role="anggota", created_at=_now(), password_hash="x")
        db.add(user)
        db.flush()
        db.expunge(user)
    sign_in(client, user)
    assert post_form(client, files={"att_file_0": (PDF, "pertama.pdf")}).status_code == 303
    second = post_form(client, files={"att_file_0": (PDF, "kedua.pdf")})
    assert second.status_code == 400
    page = text(second)
    assert "Berkas 'kedua.pdf' tidak disimpan: lampiran akun Anda sudah memakai" in page
    assert "dari kuota" in page
    assert len(files(app)) == 1  # the refused file is not left behind


def test_total_quota_refuses_every_account_with_a_message(make_app):
    app = make_app(UPLOAD_QUOTA_TOTAL_BYTES=len(PDF) + 10)
    from flask_app.auth import User
    from tests.flask.conftest import sign_in

    clients = []
    for n in range(2):
        with app.app_context(), session_scope() as db:
            user = User(email=f"t{n}@contoh.id", name=f"Uji {n}", role="anggota", created_at=_now(), password_hash="x")
            db.add(user)
            db.flush()
            db.expunge(user)
        clients.append(sign_in(app.test_client(), user))
    assert post_form(clients[0], files={"att_file_0": (PDF, "a.pdf")}).status_code == 303
    refused = post_form(clients[1], files={"att_file_0": (PDF, "b.pdf")})
    assert refused.status_code == 400
    assert "Berkas 'b.pdf' tidak disimpan: ruang lampiran layanan sedang penuh." in text(refused)


def test_pokja_unggahan_bersihkan_says_what_it_removed(app, logged_in, monkeypatch, tmp_path, site_dir, capsys):
    from flask_app.cli import main

    member = logged_in("anggota")
    post_form(member, files={"att_file_0": (PDF, "lupa.pdf")}, action="preview")
    (name,) = files(app)
    for var, value in {
        "POKJA_ROOT": tmp_path,
        "POKJA_CONTENT": tmp_path / "content",
        "POKJA_SITE": site_dir,
        "POKJA_INDEX": tmp_path / "index",
        "POKJA_INSTANCE": tmp_path / "instance",
        "POKJA_DATABASE_URL": f"sqlite:///{tmp_path / 'pokja.db'}",
        "POKJA_SECRET_KEY": "rahasia-uji",
    }.items():
        monkeypatch.setenv(var, str(value))
    assert main(["unggahan", "bersihkan"]) == 0
    assert (
        "Tidak ada lampiran yang perlu dihapus (lampiran tak terkirim dihapus setelah 24 jam)."
        in capsys.readouterr().out
    )
    assert main(["unggahan", "bersihkan", "--jam", "0"]) == 0
    out = capsys.readouterr().out
    assert f"Dihapus: {name} (" in out and "tidak termasuk kiriman yang terkirim" in out
    assert "1 berkas dihapus" in out
    assert files(app) == set()


def test_a_form_sent_after_its_attachment_was_swept_says_so_and_stores_nothing(app, logged_in):
    member = logged_in("anggota")
    preview = post_form(member, files={"att_file_0": (PDF, "lama.pdf")}, action="preview")
    stored = re.search(r'name="att_stored_0" value="([0-9a-f]{32}\.pdf)"', preview.get_data(as_text=True)).group(1)
    sweep_now(app)
    form_token = re.search(r'name="form_token" value="([^"]+)"', preview.get_data(as_text=True)).group(1)
    late = post_form(member, att_stored_0=stored, att_title_0="Lama", form_token=form_token)
    assert late.status_code == 400
    expected = "Lampiran 'lama.pdf' sudah dihapus karena formulirnya tidak dikirim dalam 24 jam; unggah lagi berkasnya."
    assert expected in text(late)
    assert sent_files(app) == set()
