"""Accounts belong to a Pokja: proposals, moderation queues and administration stay within its region."""

from __future__ import annotations

import html as htmllib
from typing import Any

import pytest
from sqlalchemy import select

from flask_app.cli import main
from flask_app.regions import in_scope, moderator_for, scope_filter
from flask_app.submissions import Submission
from tests.flask.conftest import fetch_csrf, sign_in
from tests.flask.test_contribute import post_form
from tests.flask.test_publish import lesson


@pytest.fixture
def regional(app, make_user):
    """``regional(role, region)`` → a signed-in client whose account belongs to ``region``."""
    from flask_app.auth import User
    from flask_app.db import session_scope

    def make(role: str, region: str) -> Any:
        user = make_user(role)
        with app.app_context(), session_scope() as db:
            db.get(User, user.id).region = region
        user.region = region
        client = app.test_client()
        client.user = user
        return sign_in(client, user)

    return make


def _text(response: Any) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def _submit_as(client: Any, **changes: Any) -> Any:
    return post_form(client, **changes)


def test_scope_rule() -> None:
    assert in_scope("00", "35.78")
    assert in_scope("33", "33") and in_scope("33", "33.02")
    assert not in_scope("33", "35.78") and not in_scope("33", "3")
    assert in_scope("33.02", "33.02") and not in_scope("33.02", "33") and not in_scope("33.02", "33.01")
    assert scope_filter(Submission.region, "00") is None


def test_district_account_gets_403_with_message_on_another_province(app, regional) -> None:
    banyumas = regional("anggota", "33.02")
    response = _submit_as(banyumas, region=["35.78"])
    assert response.status_code == 403
    assert "35.78 Kota Surabaya berada di luar wilayah Pokja akun ini (33.02 Kabupaten Banyumas)" in _text(response)
    # Its own district is fine, and the submission is filed from that Pokja.
    assert _submit_as(banyumas, region=["33.02"]).status_code == 303
    with app.app_context():
        from flask_app.db import session_scope

        with session_scope() as db:
            assert [s.region for s in db.scalars(select(Submission))] == ["33.02"]


def test_provincial_account_files_for_its_districts_not_the_neighbours(regional) -> None:
    jateng = regional("anggota", "33")
    assert _submit_as(jateng, region=["33", "33.74"]).status_code == 303
    response = _submit_as(jateng, region=["34.04"])
    assert response.status_code == 403
    assert "34.04 Kabupaten Sleman berada di luar wilayah Pokja akun ini (33 Jawa Tengah)" in _text(response)
    assert _submit_as(regional("anggota", "00"), region=["35.78"]).status_code == 303


def test_moderator_queues_are_scoped_and_unmoderated_districts_reach_the_province(app, regional) -> None:
    from flask_app.db import session_scope

    banyumas = regional("anggota", "33.02")  # Banyumas has no moderator of its own
    surabaya = regional("anggota", "35.78")
    assert _submit_as(banyumas, title="Pelajaran Banyumas", region=["33.02"]).status_code == 303
    assert _submit_as(surabaya, title="Pelajaran Surabaya", region=["35.78"]).status_code == 303
    mod_jateng = regional("moderator", "33")
    mod_jatim = regional("moderator", "35")
    national = regional("moderator", "00")
    page = _text(mod_jateng.get("/moderasi/"))
    assert "Pelajaran Banyumas" in page and "Pelajaran Surabaya" not in page
    page = _text(mod_jatim.get("/moderasi/"))
    assert "Pelajaran Surabaya" in page and "Pelajaran Banyumas" not in page
    page = _text(national.get("/moderasi/"))
    assert "Pelajaran Surabaya" in page and "Pelajaran Banyumas" in page
    with app.app_context(), session_scope() as db:
        ids = {s.title: s.id for s in db.scalars(select(Submission))}
        assert moderator_for(db, "33.02") == "33"  # the next level up
        assert moderator_for(db, "35.78") == "35"
    response = mod_jateng.get(f"/moderasi/{ids['Pelajaran Surabaya']}")
    assert response.status_code == 403
    assert "kiriman dari 35.78 Kota Surabaya ditinjau moderator wilayah itu" in _text(response)
    csrf = fetch_csrf(mod_jateng, "/moderasi/")
    refused = mod_jateng.post(f"/moderasi/{ids['Pelajaran Surabaya']}/tolak", data={"csrf_token": csrf, "note": "x"})
    assert refused.status_code == 403
    assert mod_jateng.get(f"/moderasi/{ids['Pelajaran Banyumas']}").status_code == 200


def test_a_district_moderator_sees_its_own_district_only(regional) -> None:
    cilacap_member = regional("anggota", "33.01")
    banyumas_member = regional("anggota", "33.02")
    assert _submit_as(cilacap_member, title="Pelajaran Cilacap", region=["33.01"]).status_code == 303
    assert _submit_as(banyumas_member, title="Pelajaran Banyumas", region=["33.02"]).status_code == 303
    page = _text(regional("moderator", "33.01").get("/moderasi/"))
    assert "Pelajaran Cilacap" in page and "Pelajaran Banyumas" not in page


def test_profile_names_the_accounts_own_region(regional) -> None:
    from flask_app.regions import OutOfScope, require_in_scope

    class Account:
        region = "33"

    with pytest.raises(OutOfScope, match="profil Pokja harus menyebut wilayah akun ini saja"):
        require_in_scope(Account(), {"region": ["33.02"]}, _refdata(), "profil")  # type: ignore[arg-type]
    require_in_scope(Account(), {"region": ["33"]}, _refdata(), "profil")  # type: ignore[arg-type]


def _refdata():
    from site_builder.schemas import load_refdata
    from tests.conftest import CONTENT

    return load_refdata(CONTENT)


def test_admin_creates_accounts_within_its_scope(app, regional) -> None:
    from flask_app.auth import find_user

    admin = regional("admin", "33")
    page = _text(admin.get("/admin/"))
    assert '<option value="33.02">33.02 Kabupaten Banyumas</option>' in page
    assert 'value="35.78"' not in page
    csrf = fetch_csrf(admin, "/admin/")
    ok = admin.post(
        "/admin/akun",
        data={"csrf_token": csrf, "email": "a@contoh.id", "name": "A", "role": "anggota", "region": "33.02"},
    )
    assert ok.status_code == 302
    bad = admin.post(
        "/admin/akun", data={"csrf_token": csrf, "email": "b@contoh.id", "role": "anggota", "region": "35"}
    )
    assert bad.status_code == 403
    assert "35 Jawa Timur berada di luar wilayah Pokja akun ini (33 Jawa Tengah)" in _text(bad)
    with app.app_context():
        assert find_user("a@contoh.id").region == "33.02"
        assert find_user("b@contoh.id") is None
    # The account list holds the admin's scope only.
    regional("anggota", "35.78")
    page = _text(admin.get("/admin/"))
    assert "a@contoh.id" in page and "35.78 Kota Surabaya" not in page


def test_pokja_user_add_region(tmp_path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("POKJA_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("POKJA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("POKJA_SECRET_KEY", "rahasia-uji")
    assert (
        main(
            [
                "user",
                "add",
                "sekretariat@banyumas.go.id",
                "--role",
                "anggota",
                "--name",
                "Sekretariat",
                "--region",
                "33.02",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["user", "add", "x@contoh.id", "--role", "anggota", "--name", "X", "--region", "99.99"]) == 1
    assert "kode wilayah 99.99 tidak dikenal" in capsys.readouterr().err
    from sqlalchemy.orm import Session

    from flask_app.auth import User
    from flask_app.db import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as db:
        assert [(u.email, u.region) for u in db.scalars(select(User))] == [("sekretariat@banyumas.go.id", "33.02")]
    engine.dispose()


def test_existing_lesson_helpers_still_national(app, make_user) -> None:
    # Accounts made without a region are national: the earlier behaviour, unchanged.
    from tests.flask.test_publish import submit

    sid = submit(app, make_user("anggota"), data=lesson(region=["35.78"]))
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        assert db.get(Submission, sid).region == "00"


def test_the_received_mail_goes_to_the_moderators_of_the_reviewing_region(app, regional) -> None:
    from flask_app.db import session_scope
    from flask_app.mail import OutboxMail

    mod_jateng = regional("moderator", "33")
    mod_jatim = regional("moderator", "35")
    national = regional("moderator", "00")
    banyumas = regional("anggota", "33.02")  # no moderator of its own: the province reviews it
    assert _submit_as(banyumas, title="Pelajaran Banyumas", region=["33.02"]).status_code == 303
    with app.app_context(), session_scope() as db:
        received = {m.recipient for m in db.scalars(select(OutboxMail)) if m.recipient != banyumas.user.email}
    assert received == {mod_jateng.user.email}
    assert mod_jatim.user.email not in received and national.user.email not in received
