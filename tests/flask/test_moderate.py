"""/moderasi over HTTP: queue, preview drawn as the published page, approve, send back, reject, retry, audit."""

from __future__ import annotations

import html as htmllib
import re
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from flask_app import jobs
from flask_app import publish as publisher
from flask_app.db import AuditEvent, session_scope
from tests.flask.conftest import sign_in
from tests.flask.test_contribute import post_form
from tests.flask.test_publish import lesson, pub_app, state, submit  # noqa: F401 - shared fixture


@pytest.fixture
def app(pub_app):  # noqa: F811
    """The moderation tests publish: the app builds its own site in tmp_path."""
    return pub_app


def csrf(client: Any, url: str) -> str:
    page = client.get(url).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def act(client: Any, sid: int, action: str, **form: str) -> Any:
    token = csrf(client, f"/moderasi/{sid}")
    return client.post(f"/moderasi/{sid}/{action}", data={"csrf_token": token, **form})


def flashes(client: Any, response: Any) -> str:
    return htmllib.unescape(client.get(response.headers["Location"]).get_data(as_text=True))


def audit_actions(app: Any, sid: int) -> list[str]:
    with app.app_context(), session_scope() as db:
        return list(db.scalars(select(AuditEvent.action).where(AuditEvent.target == f"submission:{sid}")))


def test_queue_and_preview_drawn_like_the_published_page(app, logged_in, make_user):
    member = make_user("anggota")
    body = "## Latar belakang\n\nIsi **penting**. <script>alert(1)</script> <img src=x onerror=alert(2)>"
    sid = submit(app, member, lesson(summary="Ringkasan <i>uji</i>"), body=body)
    moderator = logged_in("moderator")
    queue = moderator.get("/moderasi/").get_data(as_text=True)
    assert f'href="/moderasi/{sid}"' in queue and "Pelajaran dari bedah rumah swadaya" in queue
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    # The site's own metadata panel (site_builder.panel.document_panel) and the sanitised body.
    assert '<aside class="pokja-panel" data-pokja-type="pembelajaran"' in page
    assert "Ringkasan &lt;i&gt;uji&lt;/i&gt;" in page
    assert "Jawa Tengah" in page and "Regulator" in page
    assert "<strong>penting</strong>" in page
    assert "<script>alert" not in page and "onerror" not in page


def test_approve_publishes_and_says_where(app, logged_in, make_user):
    sid = submit(
        app, make_user("anggota"), body="## Latar belakang\n\nIsi *penting*.\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"
    )
    moderator = logged_in("moderator")
    preview = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    body = preview.split("</aside>", 1)[1].split("</article>", 1)[0].strip()
    assert body.startswith('<h2 id="latar-belakang">Latar belakang</h2>')
    response = act(moderator, sid, "setujui")
    assert response.status_code == 303
    assert f"Kiriman #{sid} disetujui; sedang diterbitkan." in flashes(moderator, response)
    assert jobs.wait_for(app, sid).status == jobs.DONE
    review = htmllib.unescape(moderator.get(f"/moderasi/{sid}").get_data(as_text=True))
    assert f"Kiriman #{sid} diterbitkan: pembelajaran/pelajaran-dari-bedah-rumah-swadaya.md" in review
    assert 'http-equiv="refresh"' not in review
    sub = state(app, sid)
    assert sub.status == "diterbitkan" and sub.reviewer_id == moderator.user.id
    # The preview drew the body exactly as the published page has it.
    page = Path(app.config["SITE_DIR"], "pembelajaran/pelajaran-dari-bedah-rumah-swadaya/index.html")
    assert body in page.read_text(encoding="utf-8")
    assert audit_actions(app, sid) == ["submission.setujui", "submission.publish"]
    # Approving again is refused with the current status, and nothing changes.
    again = act(moderator, sid, "setujui")
    assert f"Kiriman #{sid} berstatus diterbitkan; tindakan ini tidak dapat dilakukan." in flashes(moderator, again)


# An admonition, a table, a fenced block, a footnote and a heading: extensions of mkdocs.yml and MkDocs' own.
PARITY_BODY = (
    "## Latar belakang\n\nIsi *penting*.[^1]\n\n"
    '!!! note "Catatan lapangan"\n    Warga ikut mengawasi <script>alert(1)</script>.\n\n'
    "| a | b |\n|---|---|\n| 1 | 2 |\n\n```\nkode <b>\n```\n\n[^1]: Catatan kaki.\n"
)


def _between(page: str, start: str, end: str = "</article>") -> str:
    return page.split(start, 1)[1].split(end, 1)[0].strip()


def test_member_preview_moderator_preview_and_published_page_draw_one_body(app, logged_in):
    member = logged_in("anggota")
    preview = post_form(member, action="preview", body=PARITY_BODY).get_data(as_text=True)
    member_body = _between(preview.split('<section class="svc-preview"', 1)[1], "</p>")
    assert (
        '<div class="admonition note">' in member_body
        and '<p class="admonition-title">Catatan lapangan</p>' in member_body
    )
    assert "<table>" in member_body and "<pre><code>kode &lt;b&gt;" in member_body and 'href="#fn:1"' in member_body
    assert "<script>" not in member_body
    sent = post_form(member, body=PARITY_BODY)
    sid = int(re.search(r"/terkirim/(\d+)", sent.headers["Location"]).group(1))
    # The member's own view of the stored body is drawn the same way.
    detail = member.get(f"/kontribusi/{sid}").get_data(as_text=True)
    assert _between(detail, '<article class="md-typeset">') == member_body
    moderator = logged_in("moderator")
    moderator_body = _between(moderator.get(f"/moderasi/{sid}").get_data(as_text=True), "</aside>")
    assert moderator_body == member_body
    assert act(moderator, sid, "setujui").status_code == 303
    assert jobs.wait_for(app, sid).status == jobs.DONE
    published = Path(app.config["SITE_DIR"], state(app, sid).published_path.removesuffix(".md"), "index.html")
    assert member_body in published.read_text(encoding="utf-8")


def test_approve_needs_a_fresh_login(app, logged_in, make_user):
    sid = submit(app, make_user("anggota"))
    moderator = logged_in("moderator")
    token = csrf(moderator, f"/moderasi/{sid}")
    sign_in(moderator, moderator.user, login_at=time.time() - 3600)
    response = moderator.post(f"/moderasi/{sid}/setujui", data={"csrf_token": token})
    assert response.status_code == 302 and "/akun/masuk" in response.headers["Location"]
    assert state(app, sid).status == "diajukan"


def test_send_back_needs_a_note_and_the_member_sees_it(app, logged_in, make_user):
    member = logged_in("anggota")
    sid = submit(app, member.user)
    moderator = logged_in("moderator")
    refused = act(moderator, sid, "kembalikan", note="  ")
    assert "Catatan untuk kontributor wajib diisi." in flashes(moderator, refused)
    assert state(app, sid).status == "diajukan"
    response = act(moderator, sid, "kembalikan", note="Tambahkan angka capaian.")
    assert f"Kiriman #{sid} dikembalikan untuk revisi." in flashes(moderator, response)
    sub = state(app, sid)
    assert sub.status == "perlu_revisi" and sub.reasons == "Tambahkan angka capaian."
    assert "Tambahkan angka capaian." in member.get("/kontribusi/saya").get_data(as_text=True)
    assert audit_actions(app, sid) == ["submission.kembalikan"]


def test_reject_needs_a_reason(app, logged_in, make_user):
    sid = submit(app, make_user("anggota"))
    moderator = logged_in("moderator")
    assert "Alasan penolakan wajib diisi." in flashes(moderator, act(moderator, sid, "tolak", reason=""))
    response = act(moderator, sid, "tolak", reason="Bukan pembelajaran PKP.")
    assert f"Kiriman #{sid} ditolak." in flashes(moderator, response)
    sub = state(app, sid)
    assert sub.status == "ditolak" and sub.reasons == "Bukan pembelajaran PKP."
    assert [e.action for e in sub.events] == ["kirim", "tolak"]
    assert audit_actions(app, sid) == ["submission.tolak"]


def test_failed_publication_shows_the_error_and_a_retry_button(app, logged_in, make_user, monkeypatch):
    sid = submit(app, make_user("anggota"))
    moderator = logged_in("moderator")

    def broken(*_a: Any, **_k: Any) -> None:
        raise OSError("disk penuh")

    monkeypatch.setattr(publisher, "update_index", broken)
    act(moderator, sid, "setujui")
    job = jobs.wait_for(app, sid)
    assert job.status == jobs.FAILED and job.error == "langkah 'indeks' gagal: OSError: disk penuh"
    page = htmllib.unescape(moderator.get(f"/moderasi/{sid}").get_data(as_text=True))
    assert (
        f"Kiriman #{sid} disetujui tetapi belum terbit: langkah 'indeks' gagal: OSError: disk penuh. "
        "Coba terbitkan ulang." in page
    )
    assert 'id="publish-error"' in page and 'id="retry"' in page
    assert "Disetujui, belum terbit" in moderator.get("/moderasi/").get_data(as_text=True)
    monkeypatch.undo()
    retried = act(moderator, sid, "terbitkan")
    assert f"Kiriman #{sid} sedang diterbitkan ulang." in flashes(moderator, retried)
    assert jobs.wait_for(app, sid).status == jobs.DONE
    assert f"Kiriman #{sid} diterbitkan: pembelajaran/pelajaran-dari-bedah-rumah-swadaya.md" in htmllib.unescape(
        moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    )
    assert state(app, sid).status == "diterbitkan"
    assert audit_actions(app, sid) == [
        "submission.setujui",
        "submission.publish_failed",
        "submission.retry",
        "submission.publish",
    ]
    assert Path(app.config["CONTENT_DIR"], "pembelajaran", "pelajaran-dari-bedah-rumah-swadaya.md").is_file()


def test_trainer_publishes_a_module_with_its_session_plan(app, logged_in):
    trainer = logged_in("pelatih")
    page = trainer.get("/kontribusi/modul/baru").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form_token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = {
        "csrf_token": token,
        "form_token": form_token,
        "title": "Modul dasar penyusunan program kerja Pokja",
        "summary": "Langkah menyusun program kerja tahunan.",
        "date": "2024-06-01",
        "tags": ["perencanaan"],
        "region": ["00"],
        "objectives": "Memahami tugas Pokja\r\nMenyusun program kerja",
        "audience": "Sekretariat Pokja PKP",
        "level": "dasar",
        "duration_minutes": "120",
        "sessions.0.title": "Pembukaan",
        "sessions.0.minutes": "30",
        "sessions.0.method": "ceramah",
        "sessions.1.title": "Latihan",
        "sessions.1.minutes": "90",
        "trainer": "Tim Pelatih",
        "body": "## Tujuan\n\nIsi modul.",
        "action": "submit",
    }
    response = trainer.post("/kontribusi/modul/baru", data=data)
    assert response.status_code == 303, response.get_data(as_text=True)[-1500:]
    sid = int(re.search(r"/terkirim/(\d+)", response.headers["Location"]).group(1))
    moderator = logged_in("moderator")
    assert "disetujui; sedang diterbitkan" in flashes(moderator, act(moderator, sid, "setujui"))
    assert jobs.wait_for(app, sid).status == jobs.DONE
    from site_builder.content import load

    doc = load(Path(app.config["CONTENT_DIR"])).by_slug["modul-dasar-penyusunan-program-kerja-pokja"]
    assert doc.meta["sessions"] == [
        {"title": "Pembukaan", "minutes": 30, "method": "ceramah"},
        {"title": "Latihan", "minutes": 90},
    ]
    assert doc.meta["objectives"] == ["Memahami tugas Pokja", "Menyusun program kerja"]
    assert doc.meta["contribution"]["contributor"] == "Uji pelatih"
    site_page = Path(app.config["SITE_DIR"], "modul/modul-dasar-penyusunan-program-kerja-pokja/index.html")
    assert "Pembukaan" in site_page.read_text(encoding="utf-8")
