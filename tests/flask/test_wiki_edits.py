"""Edits of published documents as reviewed proposals: form, base revision, merge, conflicts, bad input."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from flask_app import publish as publisher
from flask_app.db import AuditEvent, session_scope
from tests.flask.wiki_helpers import approve, git, last_submission_id, page_form, prepare_content, status_of

GUIDELINE = "pedoman/pengertian-pokja-pkp"
MEETING = "keputusan/rapat-pleno-pokja-pkp-jawa-tengah-2025"


@pytest.fixture
def wiki(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Flask:
    """The ``app`` (of ``logged_in``) on a content tree in git, the secretariat's types open to sekretariat."""
    prepare_content(tmp_path / "content")
    monkeypatch.setattr(publisher, "rebuild_pages", lambda path, config: [str(path)])
    return request.getfixturevalue("app")


def content_file(app: Flask, address: str) -> Path:
    """The Markdown file of a document address."""
    return Path(app.config["CONTENT_DIR"]) / f"{address}.md"


def propose(client: Any, address: str, change: Callable[[dict[str, Any]], None], form: dict | None = None) -> Any:
    """Open the edit form (or use ``form``), apply ``change`` to its fields and send it."""
    fields = form if form is not None else page_form(client, f"/sunting/{address}")
    change(fields)
    fields["action"] = "submit"
    return client.post(f"/sunting/{address}", data=fields)


def set_title(title: str) -> Callable[[dict[str, Any]], None]:
    def change(fields: dict[str, Any]) -> None:
        fields["title"] = title

    return change


def test_the_edit_form_is_prefilled_and_records_the_base_revision(wiki, logged_in):
    from site_builder.gitlog import blob_id

    client = logged_in("sekretariat")
    form = page_form(client, f"/sunting/{GUIDELINE}")
    assert form["title"] == "Pengertian Pokja PKP"
    assert form["status"] == "berlaku"
    assert form["body"].startswith("Pokja merupakan wadah")
    assert form["base"] == blob_id(content_file(wiki, GUIDELINE).read_bytes())
    assert form["base"] == git(Path(wiki.config["CONTENT_DIR"]), "hash-object", f"{GUIDELINE}.md").strip()


def test_an_anggota_may_not_propose_an_edit_of_a_guideline(wiki, logged_in):
    response = logged_in("anggota").get(f"/sunting/{GUIDELINE}")
    assert response.status_code == 403
    text = response.get_data(as_text=True)
    assert "Akun Anda tidak boleh mengusulkan perubahan Pedoman" in text
    assert "sekretariat, moderator, admin" in text


def test_anonymous_is_asked_to_log_in_and_comes_back(wiki):
    response = wiki.test_client().get(f"/sunting/{GUIDELINE}")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/akun/masuk")
    assert response.headers["Location"].endswith("next=/sunting/pedoman/pengertian-pokja-pkp")


def test_an_approved_edit_is_committed_with_proposer_as_author_and_moderator_as_committer(wiki, logged_in, make_user):
    secretary, moderator = logged_in("sekretariat"), logged_in("moderator")
    response = propose(secretary, GUIDELINE, set_title("Pengertian Pokja PKP (revisi)"))
    assert response.status_code == 303, response.get_data(as_text=True)[:2000]
    sid = last_submission_id(wiki)
    sub = status_of(wiki, sid)
    assert (sub.kind, sub.status, sub.target_path) == ("sunting", "diajukan", f"{GUIDELINE}.md")
    review = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    assert re.search(r'data-field="title"><th scope="row">Judul</th><td><del>Pengertian Pokja PKP</del>', review)
    assert "Pengertian Pokja PKP (revisi)" in review
    assert 'id="diff-body"' not in review  # the body did not change
    assert approve(moderator, sid).status_code == 303
    assert status_of(wiki, sid).status == "diterbitkan"
    text = content_file(wiki, GUIDELINE).read_text(encoding="utf-8")
    assert "title: Pengertian Pokja PKP (revisi)" in text
    assert "Pokja merupakan wadah" in text
    log = git(Path(wiki.config["CONTENT_DIR"]), "log", "-1", "--format=%an <%ae>|%cn <%ce>|%s")
    assert log.strip() == (
        f"Uji sekretariat <{secretary.user.email}>|Uji moderator <{moderator.user.email}>|"
        f"Sunting pedoman/pengertian-pokja-pkp.md (usulan #{sid}): Pengertian Pokja PKP (revisi)"
    )


def test_same_line_conflict_returns_to_its_author_with_both_versions(wiki, logged_in):
    first, second, moderator = logged_in("sekretariat"), logged_in("sekretariat"), logged_in("moderator")
    form_a = page_form(first, f"/sunting/{GUIDELINE}")
    form_b = page_form(second, f"/sunting/{GUIDELINE}")
    assert propose(first, GUIDELINE, set_title("Judul versi pertama"), form_a).status_code == 303
    sid_a = last_submission_id(wiki)
    assert propose(second, GUIDELINE, set_title("Judul versi kedua"), form_b).status_code == 303
    sid_b = last_submission_id(wiki)
    assert approve(moderator, sid_a).status_code == 303
    published = content_file(wiki, GUIDELINE).read_text(encoding="utf-8")
    response = approve(moderator, sid_b)
    assert response.status_code == 303
    sub = status_of(wiki, sid_b)
    assert sub.status == "perlu_revisi"
    assert "Judul versi pertama" in sub.conflict_text
    # Nothing overwritten: the file is the first edit's.
    assert content_file(wiki, GUIDELINE).read_text(encoding="utf-8") == published
    page = second.get(f"/sunting/usulan/{sid_b}").get_data(as_text=True)
    assert re.search(r'id="conflict-published">[^<]*title: Judul versi pertama', page)
    assert re.search(r'id="conflict-yours">[^<]*title: Judul versi kedua', page)
    assert "perubahan itu menyentuh baris yang sama" in page
    # The author combines both and sends again: based on the published version now, it publishes.
    form = page_form(second, f"/sunting/usulan/{sid_b}")
    form["title"] = "Judul gabungan"
    form["action"] = "submit"
    assert second.post(f"/sunting/usulan/{sid_b}", data=form).status_code == 303
    assert approve(moderator, sid_b).status_code == 303
    assert status_of(wiki, sid_b).status == "diterbitkan"
    assert "title: Judul gabungan" in content_file(wiki, GUIDELINE).read_text(encoding="utf-8")


def test_edits_of_different_lines_from_one_base_both_publish_merged(wiki, logged_in):
    first, second, moderator = logged_in("sekretariat"), logged_in("sekretariat"), logged_in("moderator")
    form_a = page_form(first, f"/sunting/{GUIDELINE}")
    form_b = page_form(second, f"/sunting/{GUIDELINE}")
    assert propose(first, GUIDELINE, set_title("Pengertian Pokja PKP yang diperbarui"), form_a).status_code == 303
    sid_a = last_submission_id(wiki)

    def change_last_item(fields: dict[str, Any]) -> None:
        fields["body"] = fields["body"].replace("diatur dalam mekanisme kerja.", "diatur dalam mekanisme kerja Pokja.")

    assert propose(second, GUIDELINE, change_last_item, form_b).status_code == 303
    sid_b = last_submission_id(wiki)
    assert approve(moderator, sid_a).status_code == 303
    assert approve(moderator, sid_b).status_code == 303
    assert status_of(wiki, sid_a).status == status_of(wiki, sid_b).status == "diterbitkan"
    text = content_file(wiki, GUIDELINE).read_text(encoding="utf-8")
    assert "title: Pengertian Pokja PKP yang diperbarui" in text
    assert "diatur dalam mekanisme kerja Pokja." in text
    assert "<<<<<<<" not in text
    subjects = git(Path(wiki.config["CONTENT_DIR"]), "log", "--format=%s", "-3").splitlines()
    assert subjects[0].startswith(f"Sunting pedoman/pengertian-pokja-pkp.md (usulan #{sid_b})")
    assert subjects[1].startswith(f"Sunting pedoman/pengertian-pokja-pkp.md (usulan #{sid_a})")


def test_an_author_revises_their_own_published_lesson(wiki, logged_in):
    from tests.flask.test_publish import lesson, submit

    author, moderator = logged_in("anggota"), logged_in("moderator")
    sid = submit(wiki, author.user, data=lesson("Pelajaran bedah rumah di Klaten"))
    assert approve(moderator, sid).status_code == 303
    path = status_of(wiki, sid).published_path
    address = path.removesuffix(".md")
    response = propose(author, address, set_title("Pelajaran bedah rumah di Klaten (diperbarui)"))
    assert response.status_code == 303
    edit_id = last_submission_id(wiki)
    assert approve(moderator, edit_id).status_code == 303
    text = (Path(wiki.config["CONTENT_DIR"]) / path).read_text(encoding="utf-8")
    assert "title: Pelajaran bedah rumah di Klaten (diperbarui)" in text
    assert f"submission: {sid}" in text  # the contribution record is kept


def test_a_documents_own_author_may_edit_a_type_their_role_may_not_create(wiki, make_user):
    from flask_app.db import session_scope
    from flask_app.proposals import may_edit
    from flask_app.submissions import create_submission
    from site_builder.content import Document

    member, other = make_user("anggota"), make_user("anggota")
    with wiki.app_context(), session_scope() as db:
        sub, _new = create_submission(
            db, doc_type="pedoman", data={"title": "x"}, body="x\n", author_id=member.id, form_token="t-own"
        )
        schema = wiki.extensions["pokja_content"].current().schemas["pedoman"]
        meta = {"contribution": {"submission": sub.id}}
        doc = Document(type="pedoman", slug="x", rel_path="pedoman/x.md", path=Path("x.md"), meta=meta, body="")
        assert may_edit(db, db.merge(member), schema, doc)
        assert not may_edit(db, db.merge(other), schema, doc)


def test_a_moderator_cannot_approve_their_own_proposal_unless_the_pokja_allows_it(wiki, logged_in):
    moderator = logged_in("moderator")
    assert propose(moderator, GUIDELINE, set_title("Usulan moderator sendiri")).status_code == 303
    sid = last_submission_id(wiki)
    response = approve(moderator, sid)
    assert response.status_code == 303
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    assert "Anda tidak dapat menyetujui usulan Anda sendiri" in page
    assert status_of(wiki, sid).status == "diajukan"
    wiki.config["SELF_APPROVAL"] = True
    assert approve(moderator, sid).status_code == 303
    assert status_of(wiki, sid).status == "diterbitkan"
    with wiki.app_context(), session_scope() as db:
        actions = [e.action for e in db.query(AuditEvent).filter(AuditEvent.target == f"submission:{sid}")]
    assert "submission.self_approve" in actions


def test_review_buttons_differ_and_reject_asks_to_confirm(wiki, logged_in):
    secretary, moderator = logged_in("sekretariat"), logged_in("moderator")
    propose(secretary, GUIDELINE, set_title("Judul lain"))
    page = moderator.get(f"/moderasi/{last_submission_id(wiki)}").get_data(as_text=True)
    assert 'id="approve" class="svc-approve"' in page
    assert 'id="send-back" class="svc-secondary"' in page
    assert 'id="reject" class="svc-danger"' in page
    assert re.search(r'<input type="checkbox" name="confirm" value="1" id="reject-confirm" required>', page)


# --- quick edit -------------------------------------------------------------------------------


def test_quick_edit_marks_one_decision_done_and_the_diff_shows_only_that(wiki, logged_in):
    secretary, moderator = logged_in("sekretariat"), logged_in("moderator")
    form = page_form(secretary, f"/sunting/{MEETING}/keputusan")
    form.update({"no": "2", "status": "selesai", "done": "2026-11-30"})
    assert secretary.post(f"/sunting/{MEETING}/keputusan", data=form).status_code == 303
    sid = last_submission_id(wiki)
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    fields = re.findall(r'data-field="([^"]+)"', page)
    assert fields == ["decisions.2.status", "decisions.2.done"]
    assert "Keputusan › 2 › Status" in page
    assert approve(moderator, sid).status_code == 303
    text = content_file(wiki, MEETING).read_text(encoding="utf-8")
    second = text.split("- 'no': 2")[1].split("- 'no': 3")[0]
    assert "status: selesai" in second and "done: 2026-11-30" in second
    assert text.count("status: terbuka") == 2  # decisions 3 and 4 stay open


def test_quick_edit_of_a_decision_number_that_does_not_exist(wiki, logged_in):
    secretary = logged_in("sekretariat")
    form = page_form(secretary, f"/sunting/{MEETING}/keputusan")
    form.update({"no": "99", "status": "selesai", "done": "2026-11-30"})
    response = secretary.post(f"/sunting/{MEETING}/keputusan", data=form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Tidak ada keputusan nomor 99 dalam dokumen ini (nomor yang ada: 1, 2, 3, 4, 5)." in text
    assert 'value="99"' in text  # what was typed stays
    form.update({"no": "2", "done": "30/11/2026"})
    response = secretary.post(f"/sunting/{MEETING}/keputusan", data=form)
    assert "Tanggal selesai &#39;30/11/2026&#39; tidak terbaca; tulis sebagai YYYY-MM-DD." in response.get_data(
        as_text=True
    )


# --- bad input loses nothing ------------------------------------------------------------------


def test_a_base_revision_that_no_longer_exists_keeps_what_was_typed(wiki, logged_in):
    secretary = logged_in("sekretariat")
    form = page_form(secretary, f"/sunting/{GUIDELINE}")
    form.update({"base": "0" * 40, "title": "Judul yang saya ketik"})
    response = propose(secretary, GUIDELINE, lambda f: None, form)
    assert response.status_code == 409
    text = response.get_data(as_text=True)
    assert "Versi dokumen yang menjadi dasar suntingan Anda tidak ditemukan lagi." in text
    assert 'value="Judul yang saya ketik"' in text
    from site_builder.gitlog import blob_id

    assert f'name="base" value="{blob_id(content_file(wiki, GUIDELINE).read_bytes())}"' in text


def test_a_stale_form_and_an_expired_token(wiki, logged_in):
    secretary = logged_in("sekretariat")
    form = page_form(secretary, f"/sunting/{GUIDELINE}")
    form["csrf_token"] = "kedaluwarsa"
    response = propose(secretary, GUIDELINE, set_title("Ketikan yang tidak hilang"), form)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Sesi formulir sudah kedaluwarsa. Isian Anda masih ada di bawah" in text
    assert 'value="Ketikan yang tidak hilang"' in text
    # A sent-back proposal revised from an old page (its revision moved on) is refused, not overwritten.
    moderator = logged_in("moderator")
    assert propose(secretary, GUIDELINE, set_title("Usulan A")).status_code == 303
    sid = last_submission_id(wiki)
    review = page_form(moderator, f"/moderasi/{sid}")
    moderator.post(f"/moderasi/{sid}/kembalikan", data={"csrf_token": review["csrf_token"], "note": "Perbaiki."})
    old = page_form(secretary, f"/sunting/usulan/{sid}")
    fresh = dict(old, title="Revisi pertama", action="submit")
    assert secretary.post(f"/sunting/usulan/{sid}", data=fresh).status_code == 303
    stale = dict(old, title="Revisi dari halaman lama", action="submit")
    response = secretary.post(f"/sunting/usulan/{sid}", data=stale)
    assert response.status_code == 409
    assert "Revisi dari halaman lama" in response.get_data(as_text=True)
    assert "Revisi pertama" in status_of(wiki, sid).proposed_text


def test_a_one_megabyte_body_gets_a_message_and_nothing_is_stored(wiki, logged_in):
    secretary = logged_in("sekretariat")
    before = last_submission_id(wiki) if _has_submissions(wiki) else 0

    def huge(fields: dict[str, Any]) -> None:
        fields["body"] = "kata " * 210_000

    response = propose(secretary, GUIDELINE, huge)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "Isi tulisan terlalu panjang (1050000 karakter; paling banyak 200000)." in text
    assert "kata kata kata" in text
    assert (last_submission_id(wiki) if _has_submissions(wiki) else 0) == before


def _has_submissions(app: Flask) -> bool:
    from sqlalchemy import func, select

    from flask_app.submissions import Submission

    with app.app_context(), session_scope() as db:
        return bool(db.scalar(select(func.count(Submission.id))))


# --- withdrawal -------------------------------------------------------------------------------


def test_withdrawal_is_reviewed_then_the_address_says_withdrawn(wiki, logged_in):
    secretary, moderator = logged_in("sekretariat"), logged_in("moderator")
    form = page_form(secretary, f"/sunting/{GUIDELINE}/cabut")
    form["reason"] = ""
    response = secretary.post(f"/sunting/{GUIDELINE}/cabut", data=form)
    assert "Alasan penolakan wajib diisi." in response.get_data(as_text=True) or response.status_code == 400
    form["reason"] = "Digantikan pedoman baru."
    assert secretary.post(f"/sunting/{GUIDELINE}/cabut", data=form).status_code == 303
    sid = last_submission_id(wiki)
    assert content_file(wiki, GUIDELINE).is_file()  # nothing happens before review
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    assert 'data-kind="cabut"' in page and "Digantikan pedoman baru." in page
    assert approve(moderator, sid).status_code == 303
    assert status_of(wiki, sid).status == "diterbitkan"
    assert not content_file(wiki, GUIDELINE).exists()
    content = Path(wiki.config["CONTENT_DIR"])
    assert git(content, "log", "-1", "--format=%s").startswith(f"Cabut pedoman/pengertian-pokja-pkp.md (usulan #{sid})")
    reader = wiki.test_client()
    response = reader.get(f"/{GUIDELINE}/")
    assert response.status_code == 410
    text = response.get_data(as_text=True)
    assert "Dokumen pedoman/pengertian-pokja-pkp sudah dicabut" in text
    assert f'href="/riwayat/{GUIDELINE}"' in text
    # Its history is still there, and an edit of a withdrawn document says why it cannot be.
    assert reader.get(f"/riwayat/{GUIDELINE}").status_code == 200
    response = secretary.get(f"/sunting/{GUIDELINE}")
    assert response.status_code == 410
    assert "sudah dicabut" in response.get_data(as_text=True)


def test_an_edit_approved_after_the_document_was_withdrawn_is_not_written(wiki, logged_in):
    secretary, moderator = logged_in("sekretariat"), logged_in("moderator")
    assert propose(secretary, GUIDELINE, set_title("Suntingan terlambat")).status_code == 303
    edit_id = last_submission_id(wiki)
    form = page_form(secretary, f"/sunting/{GUIDELINE}/cabut")
    form["reason"] = "Tidak berlaku."
    secretary.post(f"/sunting/{GUIDELINE}/cabut", data=form)
    assert approve(moderator, last_submission_id(wiki)).status_code == 303
    approve(moderator, edit_id)
    sub = status_of(wiki, edit_id)
    assert sub.status == "disetujui"
    assert "tidak ada lagi" in sub.publish_error
    assert not content_file(wiki, GUIDELINE).exists()


def test_pokja_user_add_creates_a_sekretariat_account(tmp_path, monkeypatch, capsys):
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from flask_app.auth import User
    from flask_app.cli import main
    from flask_app.db import make_engine

    monkeypatch.setenv("POKJA_INSTANCE", str(tmp_path / "instance"))
    monkeypatch.setenv("POKJA_DATABASE_URL", f"sqlite:///{tmp_path / 'cli.db'}")
    monkeypatch.setenv("POKJA_SECRET_KEY", "rahasia-uji")
    assert (
        main(["user", "add", "sekretariat@jatengprov.go.id", "--role", "sekretariat", "--name", "Sekretariat Jateng"])
        == 0
    )
    capsys.readouterr()
    engine = make_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    with Session(engine) as db:
        assert [(u.email, u.role) for u in db.scalars(select(User))] == [
            ("sekretariat@jatengprov.go.id", "sekretariat")
        ]
    engine.dispose()
