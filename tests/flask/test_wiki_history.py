"""History for readers: revisions from git, a diff between any two, restore, the site's wiki line, diffs."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from flask import Flask

from flask_app import publish as publisher
from flask_app.docdiff import diff_texts, field_changes, word_diff
from site_builder import gitlog
from tests.flask.test_wiki_edits import GUIDELINE, content_file, propose, set_title
from tests.flask.wiki_helpers import approve, git, last_submission_id, prepare_content, status_of


@pytest.fixture
def wiki(
    make_app: Callable[..., Flask], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Flask:
    """As in test_wiki_edits: the ``app`` on a content tree in git."""
    prepare_content(tmp_path / "content")
    monkeypatch.setattr(publisher, "rebuild_pages", lambda path, config: [str(path)])
    monkeypatch.setattr(publisher, "update_index", lambda *a, **k: None)
    return request.getfixturevalue("app")


def test_history_lists_revisions_shows_a_diff_and_a_moderator_restores_the_first(wiki, logged_in):
    secretary, moderator, other = logged_in("sekretariat"), logged_in("moderator"), logged_in("moderator")
    assert propose(secretary, GUIDELINE, set_title("Pengertian Pokja PKP, edisi 2")).status_code == 303
    assert approve(moderator, last_submission_id(wiki)).status_code == 303
    reader = wiki.test_client()
    page = reader.get(f"/riwayat/{GUIDELINE}").get_data(as_text=True)
    rows = re.findall(r'<tr class="svc-revision" data-commit="([0-9a-f]{40})">', page)
    assert len(rows) == 2
    assert "Uji sekretariat" in page and "Awal" in page and "Isi awal" in page
    assert "Pulihkan revisi ini" not in page  # readers do not restore
    diff = reader.get(f"/riwayat/{GUIDELINE}/beda?dari={rows[1]}&ke={rows[0]}").get_data(as_text=True)
    assert re.search(r'data-field="title"><th scope="row">Judul</th><td><del>Pengertian Pokja PKP</del>', diff)
    assert "<ins>Pengertian Pokja PKP, edisi 2</ins>" in diff
    unknown = reader.get(f"/riwayat/{GUIDELINE}/beda?dari={'0' * 40}")
    assert unknown.status_code == 404
    assert "Revisi itu tidak ada dalam riwayat dokumen ini." in unknown.get_data(as_text=True)
    # A moderator restores the first revision: a new proposal, reviewed by another moderator.
    history = moderator.get(f"/riwayat/{GUIDELINE}").get_data(as_text=True)
    assert "Pulihkan revisi ini" in history
    response = moderator.post(f"/riwayat/{GUIDELINE}/pulihkan", data={"csrf_token": _csrf(history), "commit": rows[1]})
    assert response.status_code == 303
    sid = last_submission_id(wiki)
    assert status_of(wiki, sid).kind == "pulihkan"
    review = other.get(f"/moderasi/{sid}").get_data(as_text=True)
    assert "<ins>Pengertian Pokja PKP</ins>" in review
    assert approve(other, sid).status_code == 303
    assert status_of(wiki, sid).status == "diterbitkan"
    assert "title: Pengertian Pokja PKP\n" in content_file(wiki, GUIDELINE).read_text(encoding="utf-8")
    subjects = git(Path(wiki.config["CONTENT_DIR"]), "log", "--format=%s", "-1")
    assert subjects.startswith(f"Pulihkan revisi lama pedoman/pengertian-pokja-pkp.md (usulan #{sid})")
    assert len(re.findall(r'class="svc-revision"', reader.get(f"/riwayat/{GUIDELINE}").get_data(as_text=True))) == 3


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_history_of_an_unknown_document_is_404(wiki):
    assert wiki.test_client().get("/riwayat/pedoman/tidak-ada").status_code == 404
    assert wiki.test_client().get("/riwayat/bukan-jenis/x").status_code == 404


def test_attachments_open_from_the_moderation_preview(wiki, logged_in, make_user):
    from tests.flask.test_publish import submit, with_pdf

    sid = submit(wiki, make_user("anggota"), attachments=with_pdf(wiki))
    moderator = logged_in("moderator")
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    from flask_app.db import session_scope
    from flask_app.submissions import Submission

    with wiki.app_context(), session_scope() as db:
        stored = db.get(Submission, sid).attachments[0].stored_name
    link = f"/moderasi/{sid}/lampiran/{stored}"
    assert f'href="{link}"' in page
    response = moderator.get(link)
    body = response.data
    response.close()
    assert response.status_code == 200 and body.startswith(b"%PDF")
    assert wiki.test_client().get(link).status_code == 302  # anonymous: log in first


def test_the_site_shows_last_change_and_links_to_edit_and_history(tmp_path):
    from site_builder.content import load
    from site_builder.context import BuildContext
    from site_builder.panel import document_footer
    from tests.conftest import CONTENT

    shutil.copytree(CONTENT, tmp_path / "content")
    content = tmp_path / "content"
    prepare_content(content)
    (content / "pedoman" / "pengertian-pokja-pkp.md").write_text(
        (content / "pedoman" / "pengertian-pokja-pkp.md").read_text(encoding="utf-8") + "\nTambahan.\n",
        encoding="utf-8",
    )
    git(content, "add", ".")
    git(
        content,
        "-c",
        "user.name=Siti Aminah",
        "-c",
        "user.email=siti@contoh.id",
        "commit",
        "-qm",
        "Tambah kalimat",
        "--date=2026-11-30T10:00:00+07:00",
    )
    corpus = load(content)
    doc = next(d for d in corpus.documents if d.rel_path == f"{GUIDELINE}.md")
    html = document_footer(BuildContext(corpus=corpus), doc, doc.url)
    assert "Terakhir diubah 30 November 2026 oleh Siti Aminah" in html
    assert f'href="/sunting/{GUIDELINE}"' in html and "Sunting halaman ini" in html
    assert f'href="/riwayat/{GUIDELINE}"' in html and ">Riwayat<" in html
    other = next(d for d in corpus.documents if d.rel_path.startswith("keputusan/"))
    assert "oleh Awal" in document_footer(BuildContext(corpus=corpus), other, other.url)


def test_gitlog_outside_a_repository_gives_nothing(tmp_path):
    (tmp_path / "a.md").write_text("x", encoding="utf-8")
    assert gitlog.log(tmp_path, "a.md") == []
    assert gitlog.last_changes(tmp_path) == {}
    assert gitlog.show(tmp_path, "abc1234", "a.md") is None
    import subprocess

    expected = subprocess.run(["git", "hash-object", "--stdin"], input=b"x", capture_output=True, check=True)
    assert gitlog.blob_id(b"x") == expected.stdout.decode().strip()


def test_merge_is_clean_for_different_lines_and_conflicts_on_one():
    base = "a\nb\nc\nd\ne\n"
    merged, conflicted = gitlog.merge(base, "A\nb\nc\nd\ne\n", "a\nb\nc\nd\nE\n")
    assert (merged, conflicted) == ("A\nb\nc\nd\nE\n", False)
    merged, conflicted = gitlog.merge(base, "X\nb\nc\nd\ne\n", "Y\nb\nc\nd\ne\n")
    assert conflicted and "<<<<<<< terbit" in merged and ">>>>>>> usulan" in merged


def test_field_changes_name_nested_fields_with_their_labels(wiki):
    schema = wiki.extensions["pokja_content"].current().schemas["keputusan"]
    old = {"title": "Rapat", "decisions": [{"no": 1, "status": "terbuka"}, {"no": 2, "status": "terbuka"}]}
    new = {
        "title": "Rapat",
        "decisions": [{"no": 1, "status": "terbuka"}, {"no": 2, "status": "selesai", "done": dt.date(2026, 1, 2)}],
    }
    changes = field_changes(schema, old, new)
    assert [(c.path, c.label, c.old, c.new) for c in changes] == [
        ("decisions.2.status", "Keputusan › 2 › Status", "terbuka", "selesai"),
        ("decisions.2.done", "Keputusan › 2 › Selesai pada", "", "2026-01-02"),
    ]


def test_word_diff_marks_words_and_escapes_markup():
    html = str(word_diff("Rapat <b>pleno</b> di Semarang", "Rapat teknis di Semarang"))
    assert html == "Rapat <del>&lt;b&gt;pleno&lt;/b&gt;</del><ins>teknis</ins> di Semarang"
    same = diff_texts(None, "---\ntitle: a\n---\n\nx\n", "---\ntitle: a\n---\n\nx\n")
    assert same.empty


def test_a_field_left_out_counts_as_its_default_in_a_diff(wiki):
    # The publisher writes a new document's ``lang: id``; an edit's canonical text leaves the default out.
    schema = wiki.extensions["pokja_content"].current().schemas["keputusan"]
    assert field_changes(schema, {"title": "Rapat", "lang": "id"}, {"title": "Rapat"}) == []
    changes = field_changes(schema, {"title": "Rapat", "lang": "en"}, {"title": "Rapat"})
    assert [(c.path, c.old, c.new) for c in changes] == [("lang", "en", "id")]
