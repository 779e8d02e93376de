"""Mail through a real SMTP server on 127.0.0.1: invitations, reset, notifications, digest, unsubscribe, outage."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from flask_app import mail, notify, submissions
from flask_app.db import session_scope, utcnow
from tests.flask.conftest import fetch_csrf, sign_in
from tests.flask.mailserver import MailServer, self_signed_cert

LINK_RE = re.compile(r"https?://\S+/akun/sandi/[\w-]+")
BASE = "https://pokja.contoh.id"


@pytest.fixture
def server():
    """A running SMTP server, stopped afterwards."""
    srv = MailServer()
    srv.start()
    yield srv
    srv.stop()


@pytest.fixture
def mail_app(make_app, server):
    """An app sending through ``server``."""
    from flask_app.db import dispose

    app = make_app(SMTP_URL=server.url, BASE_URL=BASE, MAIL_FROM="Pokja PKP <noreply@pokja.contoh.id>")
    yield app
    dispose(app)


def _text(msg) -> str:
    return msg.get_body(preferencelist=("plain",)).get_content()


def _html(msg) -> str:
    return msg.get_body(preferencelist=("html",)).get_content()


def _outbox(app):
    with app.app_context(), session_scope() as db:
        rows = db.scalars(select(mail.OutboxMail).order_by(mail.OutboxMail.id)).all()
        db.expunge_all()
    return rows


def test_the_admin_page_invitation_arrives_with_a_text_and_html_part_and_a_working_link(mail_app, server, make_user):
    admin = make_user("admin")
    client = sign_in(mail_app.test_client(), admin)
    token = fetch_csrf(client, "/admin/")
    response = client.post(
        "/admin/akun", data={"email": "baru@contoh.id", "role": "anggota", "name": "Baru", "csrf_token": token}
    )
    assert response.status_code == 302
    assert server.inbox.messages == []  # nothing is sent inside the request
    assert mail.deliver_due(mail_app) == (1, 0)
    (msg,) = server.inbox.messages
    assert msg["To"] == "baru@contoh.id"
    assert msg["Subject"] == "Undangan ke Rumah Pengetahuan Pokja PKP"
    link = LINK_RE.search(_text(msg)).group(0)
    assert link.startswith(BASE + "/akun/sandi/")
    assert link in _html(msg)
    assert mail_app.test_client().get(link.removeprefix(BASE)).status_code == 200


def test_starttls_is_used_when_the_server_offers_it(make_app, tmp_path):
    cert, key = self_signed_cert(tmp_path)
    srv = MailServer(tls=(cert, key))
    srv.start()
    try:
        app = make_app(SMTP_URL=srv.url, SMTP_CA_FILE=str(cert), BASE_URL=BASE)
        with app.app_context():
            user = notify.User(email="tls@contoh.id", name="TLS", role="anggota", active=True, created_at=utcnow())
            db = notify.get_session()
            db.add(user)
            db.flush()
            notify.invitation(db, user, "/akun/sandi/abc")
            db.commit()
        assert mail.deliver_due(app) == (1, 0)
        assert srv.inbox.tls == [True]
        assert srv.inbox.messages[0]["To"] == "tls@contoh.id"
    finally:
        srv.stop()


def _forgot(client, email, **headers):
    token = fetch_csrf(client, "/akun/lupa")
    return client.post("/akun/lupa", data={"email": email, "csrf_token": token}, headers=headers)


def test_reset_gives_the_same_answer_for_an_unknown_address_and_mails_only_a_known_one(mail_app, server, make_user):
    user = make_user("anggota", email="ada@contoh.id")
    client = mail_app.test_client()
    unknown = _forgot(client, "tidak-ada@contoh.id")
    known = _forgot(client, "ADA@contoh.id")
    assert unknown.status_code == known.status_code == 200
    assert unknown.get_data(as_text=True) == known.get_data(as_text=True)
    assert "Bila alamat itu terdaftar" in known.get_data(as_text=True)
    assert mail.deliver_due(mail_app) == (1, 0)
    (msg,) = server.inbox.messages
    assert msg["To"] == user.email
    link = LINK_RE.search(_text(msg)).group(0).removeprefix(BASE)
    form = client.get(link)
    assert form.status_code == 200
    token = fetch_csrf(client, link)
    done = client.post(
        link, data={"password": "sandi-baru-12345", "password2": "sandi-baru-12345", "csrf_token": token}
    )
    assert done.status_code == 302
    # Single use: the same link again is refused.
    again = client.get(link)
    assert again.status_code == 400
    assert "tidak berlaku" in again.get_data(as_text=True).lower() or again.status_code == 400


def test_an_expired_reset_link_is_refused(mail_app, server, make_user):
    make_user("anggota", email="lama@contoh.id")
    client = mail_app.test_client()
    _forgot(client, "lama@contoh.id")
    mail.deliver_due(mail_app)
    link = LINK_RE.search(_text(server.inbox.messages[0])).group(0).removeprefix(BASE)
    with mail_app.app_context(), session_scope() as db:
        (row,) = db.scalars(select(notify.PasswordLink)).all()
        # Valid for one hour only.
        assert dt.timedelta(minutes=59) < row.expires_at - utcnow() <= dt.timedelta(hours=1)
        row.expires_at = utcnow() - dt.timedelta(seconds=1)
    assert client.get(link).status_code == 400


def test_reset_links_ignore_a_host_header_naming_another_site(make_app, server, make_user):
    # No form token: the session cookie of 127.0.0.1 would not be sent to another host name.
    app = make_app(SMTP_URL=server.url, BASE_URL=BASE, CSRF_ENABLED=False)
    make_user("anggota", email="host@contoh.id")
    response = app.test_client().post("/akun/lupa", data={"email": "host@contoh.id"}, headers={"Host": "jahat.example"})
    assert response.status_code == 200
    assert mail.deliver_due(app) == (1, 0)
    body = _text(server.inbox.messages[0]) + _html(server.inbox.messages[0])
    assert "jahat.example" not in body
    assert BASE + "/akun/sandi/" in body


def test_reset_is_rate_limited_per_address(mail_app, server, make_user):
    make_user("anggota", email="sering@contoh.id")
    client = mail_app.test_client()
    answers = [_forgot(client, "sering@contoh.id").status_code for _ in range(notify.RESET_MAX_PER_ADDRESS + 1)]
    assert answers[-1] == 429
    assert "Terlalu banyak permintaan" in _forgot(client, "sering@contoh.id").get_data(as_text=True)
    mail.deliver_due(mail_app)
    assert len(server.inbox.messages) == notify.RESET_MAX_PER_ADDRESS


def _submit(app, author, title):
    with app.app_context(), session_scope() as db:
        sub, _new = submissions.create_submission(
            db, doc_type="pembelajaran", data={"title": title}, body="Isi.", author_id=author.id, form_token=title
        )
        return sub.id


def _act(app, sub_id, actor, action, to_status, note=""):
    with app.app_context(), session_scope() as db:
        sub = db.get(submissions.Submission, sub_id)
        submissions.record(db, sub, actor.id, action, to_status, note=note)
        sub.reviewer_id = actor.id


def test_each_submission_notification_reaches_the_right_people(mail_app, server, make_user):
    author, moderator = make_user("anggota"), make_user("moderator")
    sub_id = _submit(mail_app, author, "Pelajaran dari Sleman")
    _act(mail_app, sub_id, moderator, "kembalikan", submissions.NEEDS_REVISION, note="Tambahkan data 2025.")
    with mail_app.app_context(), session_scope() as db:
        sub = db.get(submissions.Submission, sub_id)
        submissions.record(db, sub, author.id, "revisi", submissions.SUBMITTED)
    _act(mail_app, sub_id, moderator, "setujui", submissions.APPROVED)
    _act(mail_app, sub_id, moderator, "gagal_terbit", None, note="git: gagal")
    _act(mail_app, sub_id, moderator, "terbit", submissions.PUBLISHED, note="pembelajaran/sleman.md")
    mail.deliver_due(mail_app)
    got = [(m["To"], m["Subject"]) for m in server.inbox.messages]
    assert got == [
        (moderator.email, f"Kiriman #{sub_id} menunggu tinjauan: Pelajaran dari Sleman"),
        (author.email, f"Kiriman #{sub_id} dikembalikan: Pelajaran dari Sleman"),
        (moderator.email, f"Kiriman #{sub_id} menunggu tinjauan: Pelajaran dari Sleman"),
        (author.email, f"Kiriman #{sub_id} disetujui: Pelajaran dari Sleman"),
        (author.email, f"Penerbitan kiriman #{sub_id} gagal: Pelajaran dari Sleman"),
        (moderator.email, f"Penerbitan kiriman #{sub_id} gagal: Pelajaran dari Sleman"),
        (author.email, f"Kiriman #{sub_id} diterbitkan: Pelajaran dari Sleman"),
    ]
    assert "Tambahkan data 2025." in _text(server.inbox.messages[1])
    for msg in server.inbox.messages:
        assert msg["List-Unsubscribe"].startswith(f"<{BASE}/akun/berhenti/")
        assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_rejection_mails_the_reason_in_english_to_a_member_who_chose_english(mail_app, server, make_user):
    author, moderator = make_user("anggota"), make_user("moderator")
    with mail_app.app_context(), session_scope() as db:
        db.add(notify.MailPreference(user_id=author.id, lang="en", notifications=True, digest=True))
    sub_id = _submit(mail_app, author, "Lesson")
    _act(mail_app, sub_id, moderator, "tolak", submissions.REJECTED, note="Out of scope.")
    mail.deliver_due(mail_app)
    msg = server.inbox.messages[-1]
    assert msg["Subject"] == f"Submission #{sub_id} rejected: Lesson"
    assert "Reason: Out of scope." in _text(msg)


def test_a_title_with_cr_lf_and_html_cannot_inject_headers_or_markup(mail_app, server, make_user):
    author, moderator = make_user("anggota"), make_user("moderator")
    title = "Judul\r\nBcc: korban@jahat.example\r\n\r\n<script>alert(1)</script>"
    _submit(mail_app, author, title)
    mail.deliver_due(mail_app)
    (msg,) = server.inbox.messages
    assert msg["Bcc"] is None
    assert "\n" not in msg["Subject"] and "\r" not in msg["Subject"]
    assert msg["Subject"].startswith("Kiriman #") and "Bcc: korban@jahat.example" in msg["Subject"]
    assert "<script>" not in _html(msg)
    assert "&lt;script&gt;" in _html(msg)
    assert msg["To"] == moderator.email


def test_one_click_unsubscribe_stops_further_notifications(mail_app, server, make_user):
    author, _moderator = make_user("anggota"), make_user("moderator")
    _submit(mail_app, author, "Pertama")
    mail.deliver_due(mail_app)
    url = server.inbox.messages[0]["List-Unsubscribe"].strip("<>").removeprefix(BASE)
    client = mail_app.test_client()
    # RFC 8058: a POST without cookies or form token, body "List-Unsubscribe=One-Click".
    response = client.post(url, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "tidak akan menerima surel seperti ini lagi" in response.get_data(as_text=True)
    _submit(mail_app, author, "Kedua")
    mail.deliver_due(mail_app)
    assert len(server.inbox.messages) == 1
    assert client.post("/akun/berhenti/palsu", data={}).status_code == 400


def test_following_a_document_mails_when_it_is_published_again(mail_app, server, make_user):
    reader = make_user("anggota")
    client = sign_in(mail_app.test_client(), reader)
    page = client.get("/akun/ikuti?doc=pedoman/penyusunan-program-kerja-pokja-pkp/")
    assert page.status_code == 200
    token = fetch_csrf(client, "/akun/ikuti?doc=pedoman/penyusunan-program-kerja-pokja-pkp")
    client.post("/akun/ikuti", data={"doc": "pedoman/penyusunan-program-kerja-pokja-pkp", "csrf_token": token})
    assert client.get("/akun/ikuti?doc=pedoman/tidak-ada").status_code == 404
    with mail_app.app_context(), session_scope() as db:
        assert notify.document_changed(db, "pedoman/penyusunan-program-kerja-pokja-pkp", "Program kerja") == 1
    mail.deliver_due(mail_app)
    (msg,) = server.inbox.messages
    assert msg["Subject"] == "Dokumen yang Anda ikuti berubah: Program kerja"
    assert f"{BASE}/pedoman/penyusunan-program-kerja-pokja-pkp/" in _text(msg)


def test_the_weekly_digest_lists_overdue_reviews_to_the_secretariat(mail_app, server, make_user):
    from flask_app.digest import queue_digests

    admin = make_user("admin")
    with mail_app.app_context(), session_scope() as db:
        assert queue_digests(db, today=dt.date(2026, 12, 1)) == 1
    mail.deliver_due(mail_app)
    (msg,) = server.inbox.messages
    assert msg["To"] == admin.email
    text = _text(msg)
    assert "Pedoman melewati tanggal tinjauan (2025-06-30)" in text
    assert "2027-02-10" not in text  # not yet due
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_with_the_server_down_mails_wait_and_all_go_once_when_it_returns(make_app, make_user):
    srv = MailServer()
    app = make_app(SMTP_URL=srv.url, BASE_URL=BASE)  # not started: connection refused
    author, _moderator = make_user("anggota"), make_user("moderator")
    ids = [_submit(app, author, f"Kiriman {n}") for n in range(3)]
    assert mail.deliver_due(app) == (0, 0)
    rows = _outbox(app)
    assert [r.status for r in rows] == [mail.WAITING] * 3
    assert all(r.attempts == 1 and "Connection" in r.last_error for r in rows)
    # Backoff: not due again at once.
    assert mail.deliver_due(app) == (0, 0)
    assert all(r.attempts == 1 for r in _outbox(app))
    srv.start()
    try:
        later = utcnow() + dt.timedelta(minutes=5)
        assert mail.deliver_due(app, now=later) == (3, 0)
        assert mail.deliver_due(app, now=later + dt.timedelta(hours=2)) == (0, 0)
        subjects = sorted(m["Subject"] for m in srv.inbox.messages)
        assert subjects == sorted(f"Kiriman #{i} menunggu tinjauan: Kiriman {n}" for n, i in enumerate(ids))
    finally:
        srv.stop()


def test_after_a_day_of_failures_a_mail_is_failed_shown_to_the_admin_and_can_be_resent(make_app, make_user):
    srv = MailServer()
    app = make_app(SMTP_URL=srv.url, BASE_URL=BASE)
    admin = make_user("admin")
    _submit(app, make_user("anggota"), "Gagal terus")
    assert mail.deliver_due(app, now=utcnow() + dt.timedelta(hours=25)) == (0, 1)
    (row,) = [r for r in _outbox(app) if r.recipient == admin.email]
    assert row.status == mail.FAILED
    client = sign_in(app.test_client(), admin)
    page = client.get("/admin/").get_data(as_text=True)
    assert "Surel gagal terkirim" in page and admin.email in page and "Gagal terus" in page
    token = fetch_csrf(client, "/admin/")
    resent = client.post(f"/admin/surel/{row.id}/kirim-ulang", data={"csrf_token": token})
    assert resent.status_code == 302, resent.get_data(as_text=True)[:500]
    assert [r.status for r in _outbox(app)] == [mail.WAITING]
    srv.start()
    try:
        assert mail.deliver_due(app) == (1, 0)
        assert srv.inbox.messages[0]["Subject"].endswith("Gagal terus")
    finally:
        srv.stop()


def test_without_a_server_mails_are_eml_files_that_pokja_mail_list_shows(
    make_app, make_user, tmp_path, site_dir, monkeypatch, capsys
):
    from flask_app.cli import main

    app = make_app(BASE_URL=BASE)
    make_user("moderator")
    _submit(app, make_user("anggota"), "Tanpa server")
    assert mail.deliver_due(app) == (1, 0)
    (eml,) = (tmp_path / "instance" / "outbox").glob("*.eml")
    assert "Tanpa server" in eml.read_text(encoding="utf-8")
    for name, value in {
        "POKJA_ROOT": tmp_path,
        "POKJA_CONTENT": tmp_path / "content",
        "POKJA_SITE": site_dir,
        "POKJA_INDEX": tmp_path / "index",
        "POKJA_INSTANCE": tmp_path / "instance",
        "POKJA_DATABASE_URL": f"sqlite:///{tmp_path / 'pokja.db'}",
        "POKJA_SECRET_KEY": "rahasia-uji",
    }.items():
        monkeypatch.setenv(name, str(value))
    assert main(["mail", "list"]) == 0
    listing = capsys.readouterr().out
    assert "terkirim" in listing and "Tanpa server" in listing
    assert main(["mail", "list", "--show", "1"]) == 0
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in capsys.readouterr().out
    assert main(["mail", "resend", "99"]) == 1
    assert "Tidak ada surel #99." in capsys.readouterr().err


def test_mails_per_recipient_and_hour_are_bounded(make_app, make_user):
    app = make_app(BASE_URL=BASE, MAIL_MAX_PER_HOUR=2)
    author, moderator = make_user("anggota"), make_user("moderator")
    for n in range(4):
        _submit(app, author, f"Banyak {n}")
    assert len([r for r in _outbox(app) if r.recipient == moderator.email]) == 2


def test_the_preferences_page_saves_language_and_choices(mail_app, server, make_user):
    member = make_user("anggota")
    client = sign_in(mail_app.test_client(), member)
    assert "Pengaturan surel" in client.get("/akun").get_data(as_text=True)
    token = fetch_csrf(client, "/akun/surel")
    response = client.post("/akun/surel", data={"lang": "en", "digest": "1", "csrf_token": token})
    assert response.status_code == 303
    with mail_app.app_context(), session_scope() as db:
        pref = db.get(notify.MailPreference, member.id)
        assert (pref.lang, pref.notifications, pref.digest) == ("en", False, True)
    assert client.get("/akun/surel").status_code == 200


def test_a_mail_claimed_by_one_sender_is_not_sent_by_another(mail_app, server, make_user):
    make_user("moderator")
    _submit(mail_app, make_user("anggota"), "Sekali saja")
    (row,) = _outbox(mail_app)
    with mail_app.app_context(), session_scope() as db:
        # Another process read the same row and claimed it first.
        assert mail._claim(db, row, utcnow()) is True
        assert mail._claim(db, row, utcnow()) is False
    assert mail.deliver_due(mail_app) == (0, 0)
    assert server.inbox.messages == []
    later = utcnow() + dt.timedelta(minutes=mail.CLAIM_MINUTES + 1)
    assert mail.deliver_due(mail_app, now=later) == (1, 0)  # that sender died: the mail is not lost
    assert len(server.inbox.messages) == 1


def test_pokja_user_add_mails_the_invitation(make_app, server, tmp_path, site_dir, monkeypatch, capsys):
    from flask_app.cli import main

    make_app()  # copies the content tree
    for name, value in {
        "POKJA_ROOT": tmp_path,
        "POKJA_CONTENT": tmp_path / "content",
        "POKJA_SITE": site_dir,
        "POKJA_INDEX": tmp_path / "index",
        "POKJA_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "POKJA_SECRET_KEY": "rahasia-uji",
        "POKJA_BASE_URL": BASE,
        "POKJA_SMTP_URL": server.url,
    }.items():
        monkeypatch.setenv(name, str(value))
    assert main(["user", "add", "undang@contoh.id", "--role", "anggota", "--name", "Undangan"]) == 0
    assert "Undangan dijadwalkan ke undang@contoh.id." in capsys.readouterr().out
    (msg,) = server.inbox.messages
    assert msg["To"] == "undang@contoh.id"
    assert LINK_RE.search(_text(msg)).group(0).startswith(BASE + "/akun/sandi/")
