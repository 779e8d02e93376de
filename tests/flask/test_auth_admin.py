"""The admin pages: create with a one-time link, disable/enable, change role, audit log, self-protection."""

from __future__ import annotations

import re

from sqlalchemy import select

from flask_app.auth import User
from flask_app.db import AuditEvent, get_session
from tests.flask.conftest import csrf_from, login


def admin_post(client, url: str, **data: str):
    token = csrf_from(client.get("/admin/").get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token}, follow_redirects=True)


def audit_rows(app) -> list[tuple[str, str, str]]:
    with app.app_context():
        events = get_session().scalars(select(AuditEvent).order_by(AuditEvent.id))
        return [(e.action, e.target, e.detail) for e in events]


def test_admin_creates_an_account_and_sees_its_one_time_link(app, logged_in):
    admin = logged_in("admin")
    page = admin_post(admin, "/admin/akun", email="Rina@Contoh.id", name="Rina", role="pelatih").get_data(as_text=True)
    match = re.search(
        r"Akun rina@contoh\.id dibuat\. Kirim tautan sekali pakai ini kepadanya untuk mengatur kata sandi "
        r"\(berlaku 72 jam\): http://127\.0\.0\.1:8000(/akun/sandi/[\w-]+)",
        page,
    )
    assert match, page
    visitor = app.test_client()
    form = visitor.get(match.group(1))
    data = {"password": "sandi-rina-123", "password2": "sandi-rina-123", "csrf_token": csrf_from(form.text)}
    visitor.post(match.group(1), data=data)
    assert login(visitor, "rina@contoh.id", "sandi-rina-123").status_code == 302
    assert ("user_create", "rina@contoh.id", "role=pelatih") in audit_rows(app)


def test_admin_create_refuses_a_bad_role_with_a_message(logged_in):
    admin = logged_in("admin")
    page = admin_post(admin, "/admin/akun", email="x@contoh.id", role="raja").get_data(as_text=True)
    assert (
        "Peran &#39;raja&#39; tidak dikenal; pilih salah satu: anggota, pelatih, sekretariat, moderator, admin." in page
    )


def test_admin_disables_and_enables_an_account(app, logged_in):
    admin = logged_in("admin")
    member = logged_in("anggota")
    assert member.get("/akun").status_code == 200
    page = admin_post(admin, f"/admin/akun/{member.user.id}/status", active="0").get_data(as_text=True)
    assert f"Akun {member.user.email} dinonaktifkan." in page
    assert member.get("/akun").status_code == 302
    page = admin_post(admin, f"/admin/akun/{member.user.id}/status", active="1").get_data(as_text=True)
    assert f"Akun {member.user.email} diaktifkan." in page
    actions = [row[0] for row in audit_rows(app)]
    assert actions == ["user_disable", "user_enable"]


def test_admin_changes_a_role_and_it_takes_effect(app, logged_in):
    admin = logged_in("admin")
    member = logged_in("anggota")
    assert member.get("/admin/").status_code == 403
    page = admin_post(admin, f"/admin/akun/{member.user.id}/peran", role="admin").get_data(as_text=True)
    assert f"Peran {member.user.email} diubah menjadi admin." in page
    assert member.get("/admin/").status_code == 200
    assert ("user_role", member.user.email, "anggota -> admin") in audit_rows(app)


def test_admin_cannot_disable_or_demote_itself(app, logged_in):
    admin = logged_in("admin")
    message = "Anda tidak dapat menonaktifkan atau menurunkan peran akun Anda sendiri."
    assert message in admin_post(admin, f"/admin/akun/{admin.user.id}/status", active="0").get_data(as_text=True)
    assert message in admin_post(admin, f"/admin/akun/{admin.user.id}/peran", role="anggota").get_data(as_text=True)
    with app.app_context():
        stored = get_session().get(User, admin.user.id)
        assert (stored.active, stored.role) == (True, "admin")


def test_new_password_link_for_a_forgotten_password(app, logged_in):
    admin = logged_in("admin")
    member = logged_in("anggota")
    page = admin_post(admin, f"/admin/akun/{member.user.id}/tautan").get_data(as_text=True)
    assert re.search(rf"Tautan sekali pakai baru untuk {re.escape(member.user.email)} \(berlaku 72 jam\): ", page)
    assert audit_rows(app) == [("password_link", member.user.email, "")]


def test_admin_page_lists_accounts_and_the_audit_log(app, logged_in):
    admin = logged_in("admin")
    member = logged_in("moderator")
    admin_post(admin, f"/admin/akun/{member.user.id}/peran", role="pelatih")
    page = admin.get("/admin/").get_data(as_text=True)
    assert member.user.email in page and admin.user.email in page
    assert "<h2>Catatan audit</h2>" in page
    assert (
        f"<td>{admin.user.email}</td><td>user_role</td><td>{member.user.email}</td><td>moderator -&gt; pelatih</td>"
        in page
    )
