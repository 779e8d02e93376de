"""/kontribusi over HTTP: submit, inline errors that keep what was typed, uploads, CSRF, duplicates, revision."""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from flask_app.submissions import Submission
from tests.flask.test_uploads import PNG, small_pdf

FORM_URL = "/kontribusi/pembelajaran/baru"


def form_page(client: Any, url: str = FORM_URL) -> tuple[str, str, str]:
    """GET a form: (html, csrf token, form token)."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    page = response.get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)
    token = re.search(r'name="form_token" value="([^"]*)"', page)
    assert csrf and token
    return page, csrf.group(1), token.group(1)


def lesson_data(**changes: Any) -> dict[str, Any]:
    """A valid lesson as the form posts it."""
    data: dict[str, Any] = {
        "title": "Pelajaran dari bedah rumah swadaya",
        "summary": "Gotong royong mempercepat bedah rumah.",
        "date": "2024-05-02",
        "tags": ["rtlh", "swadaya"],
        "region": ["33"],
        "contributor.name": "Siti Aminah",
        "contributor.institution": "Dinas Perkim",
        "stakeholder_group": "regulator",
        "body": "## Latar belakang\n\nWarga bergotong royong.\n\n## Yang berhasil\n\nPendataan bersama.",
        "action": "submit",
    }
    data.update({k.replace("__", "."): v for k, v in changes.items()})
    return data


def post_form(client: Any, url: str = FORM_URL, files: dict[str, tuple[bytes, str]] | None = None, **changes: Any):
    """Fetch the form, then post a lesson (with ``files`` as {slot: (bytes, name)})."""
    _page, csrf, token = form_page(client, url)
    data = lesson_data(**changes)
    data.setdefault("csrf_token", csrf)
    data.setdefault("form_token", token)
    for slot, (content, name) in (files or {}).items():
        data[slot] = FileStorage(io.BytesIO(content), filename=name, content_type="application/octet-stream")
    # Encoded in memory: the test client would spool a big body to a temporary file it never
    # closes when the service refuses to read it (a ResourceWarning that says nothing about us).
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def count(app: Any) -> int:
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        return db.scalar(select(func.count()).select_from(Submission))


def text(response: Any) -> str:
    return htmllib.unescape(response.get_data(as_text=True))


def test_member_submits_a_lesson_with_a_pdf_and_it_is_stored_before_terkirim(app, logged_in):
    member = logged_in("anggota")
    response = post_form(member, files={"att_file_0": (small_pdf(), "Laporan Akhir.pdf")}, att_new_title_0="Laporan")
    assert response.status_code == 303
    assert re.fullmatch(r"/kontribusi/terkirim/\d+\?again=0", response.headers["Location"])
    # Durable before the member sees "terkirim": a fresh session reads it back.
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        sub = db.scalars(select(Submission)).one()
        assert sub.status == "diajukan" and sub.type == "pembelajaran"
        assert sub.data["contributor"] == {"name": "Siti Aminah", "institution": "Dinas Perkim"}
        assert [(a.title, a.original_name, a.mime) for a in sub.attachments] == [
            ("Laporan", "Laporan Akhir.pdf", "application/pdf")
        ]
        stored = sub.attachments[0].stored_name
        assert [e.action for e in sub.events] == ["kirim"]
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert [p.name for p in upload_dir.iterdir()] == [stored]  # never the member's file name
    assert (upload_dir / stored).read_bytes() == small_pdf()
    page = text(member.get(response.headers["Location"]))
    assert "Terkirim" in page and "tersimpan dan menunggu pemeriksaan moderator" in page


def test_missing_field_comes_back_inline_with_everything_typed(app, logged_in):
    member = logged_in("anggota")
    response = post_form(member, title="", summary="Ringkasan <b>saya</b>", body="Isi panjang saya.")
    assert response.status_code == 400
    page = text(response)
    assert "Judul wajib diisi." in page
    assert "Kiriman belum dapat diterima; perbaiki kolom yang ditandai di bawah." in page
    assert "Ringkasan <b>saya</b></textarea>" in page  # escaped in HTML, the same text for the member
    assert "Isi panjang saya.</textarea>" in page
    assert '<option value="rtlh" selected>' in page and '<option value="33" selected>' in page
    assert count(app) == 0


def test_one_megabyte_title_gets_a_clear_message(app, logged_in):
    member = logged_in("anggota")
    response = post_form(member, title="J" * 1_048_576)
    assert response.status_code == 400
    assert "terlalu panjang (1048576 karakter; paling banyak 200)" in text(response)
    assert count(app) == 0


def test_oversize_upload_is_refused_and_the_form_kept(app, logged_in, make_app):
    app.config["MAX_UPLOAD_BYTES"] = 4096
    member = logged_in("anggota")
    response = post_form(member, files={"att_file_0": (small_pdf() + b"0" * 8000, "besar.pdf")})
    assert response.status_code == 400
    page = text(response)
    assert "Berkas 'besar.pdf' terlalu besar (> 4 KB); batasnya 4 KB." in page
    assert 'value="Pelajaran dari bedah rumah swadaya"' in page
    assert count(app) == 0


def test_request_beyond_the_total_limit_keeps_what_was_typed(app, logged_in):
    # Over the limit the typed fields are still read and the file is cut short (flask_app.form_intake).
    app.config["MAX_UPLOAD_BYTES"] = 1024
    member = logged_in("anggota")
    response = post_form(member, files={"att_file_0": (b"%PDF-" + b"0" * 5_000_000, "besar.pdf")})
    assert response.status_code == 400
    page = text(response)
    assert "Berkas 'besar.pdf' terlalu besar (> 1 KB); batasnya 1 KB." in page
    assert 'value="Pelajaran dari bedah rumah swadaya"' in page and "Warga bergotong royong." in page
    assert count(app) == 0
    assert not [p for p in Path(app.config["UPLOAD_DIR"]).glob("*") if p.stat().st_size > 2048]


def test_request_beyond_the_hard_limit_gets_a_clear_413(app, logged_in):
    app.config["MAX_UPLOAD_BYTES"] = 1024
    member = logged_in("anggota")
    response = post_form(member, files={"att_file_0": (b"%PDF-" + b"0" * 17_000_000, "besar.pdf")})
    assert response.status_code == 413
    assert "Kiriman terlalu besar (batas 16 MB). Kecilkan lampiran lalu isi ulang formulir." in text(response)


def test_file_lying_about_its_type(app, logged_in):
    member = logged_in("anggota")
    response = post_form(
        member, files={"att_file_0": (PNG, "laporan.pdf"), "att_file_1": (b"<script>x</script>", "b.pdf")}
    )
    assert response.status_code == 400
    page = text(response)
    assert "Berkas 'laporan.pdf' mengaku PDF dari namanya, tetapi isinya PNG." in page
    assert "Berkas 'b.pdf' bukan PDF atau gambar PNG, JPEG, WebP menurut isinya." in page
    assert count(app) == 0


def test_an_accepted_upload_survives_an_error_in_another_field(app, logged_in):
    member = logged_in("anggota")
    response = post_form(member, files={"att_file_0": (small_pdf(), "lap.pdf")}, title="")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    stored = re.search(r'name="att_stored_0" value="([0-9a-f]{32}\.pdf)"', page).group(1)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    token = re.search(r'name="form_token" value="([^"]+)"', page).group(1)
    data = lesson_data(csrf_token=csrf, form_token=token, att_stored_0=stored, att_title_0="Lampiran saya")
    response = member.post(FORM_URL, data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        sub = db.scalars(select(Submission)).one()
        assert [(a.stored_name, a.title) for a in sub.attachments] == [(stored, "Lampiran saya")]


def test_another_members_upload_cannot_be_claimed(app, logged_in):
    member, other = logged_in("anggota"), logged_in("anggota")
    page = post_form(member, files={"att_file_0": (small_pdf(), "lap.pdf")}, title="").get_data(as_text=True)
    stored = re.search(r'name="att_stored_0" value="([^"]+)"', page).group(1)
    assert post_form(other, att_stored_0=stored, att_title_0="curian").status_code == 303
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        assert db.scalars(select(Submission)).one().attachments == []


def test_expired_csrf_token_reshows_the_form_with_what_was_typed(app, logged_in):
    app.config["CSRF_TIME_LIMIT"] = -1  # every token is already expired
    member = logged_in("anggota")
    response = post_form(
        member, files={"att_file_0": (small_pdf(), "lap.pdf")}, summary="Ringkasan yang panjang sekali."
    )
    assert response.status_code == 400
    page = text(response)
    assert "Sesi formulir sudah kedaluwarsa. Isian Anda masih ada di bawah; periksa lalu kirim ulang." in page
    assert "Ringkasan yang panjang sekali.</textarea>" in page
    assert count(app) == 0
    # Files of a request that failed the CSRF check are not stored.
    upload_dir = Path(app.config["UPLOAD_DIR"])
    assert not upload_dir.exists() or list(upload_dir.iterdir()) == []


def test_missing_csrf_token_is_refused_and_nothing_stored(app, logged_in):
    member = logged_in("anggota")
    assert post_form(member, csrf_token="").status_code == 400
    assert count(app) == 0


def test_double_submit_of_one_form_stores_it_once(app, logged_in):
    member = logged_in("anggota")
    _page, csrf, token = form_page(member)
    data = lesson_data(csrf_token=csrf, form_token=token)
    first = member.post(FORM_URL, data=data)
    second = member.post(FORM_URL, data=data)
    assert first.status_code == second.status_code == 303
    assert second.headers["Location"].endswith("again=1")
    assert "Formulir ini sudah dikirim sebelumnya sebagai kiriman #1; tidak dikirim dua kali." in text(
        member.get(second.headers["Location"])
    )
    assert count(app) == 1


def test_preview_renders_sanitised_markdown_and_stores_nothing(app, logged_in):
    member = logged_in("anggota")
    response = post_form(member, action="preview", body="**tebal** <script>alert(1)</script> [x](javascript:alert(1))")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<strong>tebal</strong>" in page
    assert "<script>alert" not in page and "javascript:" not in page.split('<textarea id="f-body"')[0]
    assert count(app) == 0


def test_member_may_not_contribute_a_module_but_a_trainer_may(logged_in):
    assert logged_in("anggota").get("/kontribusi/modul/baru").status_code == 403
    assert logged_in("pelatih").get("/kontribusi/modul/baru").status_code == 200
    assert logged_in("anggota").get("/kontribusi/pedoman/baru").status_code == 403
    assert logged_in("anggota").get("/kontribusi/tidak-ada/baru").status_code == 404
    page = text(logged_in("anggota").get("/kontribusi/"))
    assert "Kirim Pembelajaran" in page and "Kirim Modul pelatihan" not in page


def test_members_see_only_their_own_submissions(app, logged_in):
    member, other = logged_in("anggota"), logged_in("anggota")
    post_form(member)
    assert "Pelajaran dari bedah rumah swadaya" in text(member.get("/kontribusi/saya"))
    assert "Pelajaran dari bedah rumah swadaya" not in text(other.get("/kontribusi/saya"))
    assert other.get("/kontribusi/1").status_code == 403
    assert other.get("/kontribusi/1/revisi").status_code == 403
    assert member.get("/kontribusi/1").status_code == 200


def _send_back(app: Any, note: str = "Tambahkan data jumlah rumah.") -> None:
    from flask_app.db import session_scope
    from flask_app.submissions import record

    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, 1)
        record(db, sub, None, "kembalikan", "perlu_revisi", note=note)
        sub.reasons = note


def test_member_revises_a_submission_sent_back(app, logged_in):
    member = logged_in("anggota")
    post_form(member, files={"att_file_0": (small_pdf(), "lap.pdf")})
    _send_back(app)
    mine = text(member.get("/kontribusi/saya"))
    assert "perlu revisi" in mine and "Tambahkan data jumlah rumah." in mine
    page, csrf, _token = form_page(member, "/kontribusi/1/revisi")
    assert 'value="Pelajaran dari bedah rumah swadaya"' in page and "lap.pdf" in page
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    stored = re.search(r'name="att_stored_0" value="([^"]+)"', page).group(1)
    data = lesson_data(
        csrf_token=csrf, revision=revision, title="Judul yang direvisi", att_stored_0=stored, att_title_0="L"
    )
    response = member.post("/kontribusi/1/revisi", data=data)
    assert response.status_code == 303
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, 1)
        assert sub.status == "diajukan" and sub.title == "Judul yang direvisi"
        assert [a.stored_name for a in sub.attachments] == [stored]
        assert [e.action for e in sub.events] == ["kirim", "kembalikan", "revisi"]


def test_stale_revision_form_is_refused_and_keeps_the_typed_text(app, logged_in):
    member = logged_in("anggota")
    post_form(member)
    _send_back(app)
    page, csrf, _token = form_page(member, "/kontribusi/1/revisi")
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    data = lesson_data(csrf_token=csrf, revision=revision, summary="Ringkasan baru saya.")
    assert member.post("/kontribusi/1/revisi", data=data).status_code == 303
    _send_back(app, "Sekali lagi.")
    # The first form, opened before the second send-back, is posted again: stale.
    response = member.post("/kontribusi/1/revisi", data=data)
    assert response.status_code == 409
    page = text(response)
    assert "Kiriman ini sudah berubah sejak formulir dibuka (status: perlu revisi)." in page
    assert "Ringkasan baru saya.</textarea>" in page


def test_revising_a_submission_not_sent_back_is_refused(app, logged_in):
    member = logged_in("anggota")
    post_form(member)
    response = member.get("/kontribusi/1/revisi")
    assert response.status_code == 409
    assert "Kiriman #1 berstatus diajukan dan tidak dapat direvisi." in text(response)
