"""The one publisher: atomic file, git commit, search index, site pages; failures leave it retryable."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from flask_app import publish as publisher
from flask_app.db import AuditEvent, session_scope
from flask_app.submissions import APPROVED, Submission, create_submission, record
from site_builder.content import load
from tests.conftest import REPO
from tests.flask.test_uploads import small_pdf


def lesson(title: str = "Pelajaran dari bedah rumah swadaya", **extra: Any) -> dict[str, Any]:
    """Front-matter fields of a valid lesson, as the form stores them."""
    data = {
        "title": title,
        "summary": "Gotong royong mempercepat bedah rumah.",
        "date": "2024-05-02",
        "tags": ["rtlh", "swadaya"],
        "region": ["33"],
        "contributor": {"name": "Siti Aminah", "institution": "Dinas Perkim"},
        "stakeholder_group": "regulator",
    }
    data.update(extra)
    return data


@pytest.fixture
def pub_app(make_app: Callable[..., Flask], tmp_path: Path) -> Iterator[Flask]:
    """An app whose site is built from its own copy of content/ with a copy of mkdocs.yml (all in tmp_path)."""
    config = tmp_path / "mkdocs.yml"
    shutil.copy(REPO / "mkdocs.yml", config)
    app = make_app(MKDOCS_CONFIG=str(config), SITE_DIR=str(tmp_path / "built"), PUBLISH_LOCK_TIMEOUT=2)
    yield app
    from tests.flask.conftest import _dispose

    _dispose(app)


@pytest.fixture
def people(pub_app: Flask, make_user: Callable[..., Any]) -> tuple[Any, Any]:
    """(member, moderator) accounts."""
    return make_user("anggota"), make_user("moderator")


def submit(
    app: Flask,
    author: Any,
    data: dict[str, Any] | None = None,
    body: str = "## Latar belakang\n\nIsi.\n",
    attachments: list[dict[str, Any]] = (),
    token: str | None = None,
    doc_type: str = "pembelajaran",
) -> int:
    """Store a submission through the store functions; returns its id."""
    import secrets

    with app.app_context(), session_scope() as db:
        sub, _ = create_submission(
            db,
            doc_type=doc_type,
            data=data or lesson(),
            body=body,
            author_id=author.id,
            form_token=token or secrets.token_hex(8),
            attachments=attachments,
        )
        return sub.id


def approve(app: Flask, submission_id: int, moderator: Any) -> None:
    """Move a submission to disetujui as the moderation view does."""
    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, submission_id)
        record(db, sub, moderator.id, "setujui", APPROVED)
        sub.reviewer_id = moderator.id


def run_publish(app: Flask, submission_id: int, actor: Any) -> publisher.PublishResult:
    with app.test_request_context():
        return publisher.publish(submission_id, actor_id=actor.id)


def state(app: Flask, submission_id: int) -> Submission:
    with app.app_context(), session_scope() as db:
        sub = db.get(Submission, submission_id)
        _ = sub.events, sub.attachments
        db.expunge_all()
        return sub


def published_files(app: Flask, submission_id: int) -> list[str]:
    """Every file in content/ that holds this submission (there must never be two)."""
    content = Path(app.config["CONTENT_DIR"])
    corpus = load(content)
    return [
        d.rel_path for d in corpus.documents if (d.meta.get("contribution") or {}).get("submission") == submission_id
    ]


def with_pdf(app: Flask) -> list[dict[str, Any]]:
    import io

    from flask_app.uploads import store_upload

    stored = store_upload(io.BytesIO(small_pdf()), "lap.pdf", Path(app.config["UPLOAD_DIR"]), 10**6)
    return [
        {
            "stored_name": stored.stored_name,
            "original_name": "lap.pdf",
            "title": "Laporan",
            "mime": stored.mime,
            "size": stored.size,
        }
    ]


def test_publish_writes_the_document_indexes_it_and_builds_its_page(pub_app, people):
    member, moderator = people
    attachments = with_pdf(pub_app)
    sid = submit(pub_app, member, attachments=attachments)
    approve(pub_app, sid, moderator)
    result = run_publish(pub_app, sid, moderator)
    assert result.ok, result.error
    assert result.path == "pembelajaran/pelajaran-dari-bedah-rumah-swadaya.md"
    content = Path(pub_app.config["CONTENT_DIR"])
    text = (content / result.path).read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: Pelajaran dari bedah rumah swadaya\n")
    doc = load(content).by_slug["pelajaran-dari-bedah-rumah-swadaya"]
    assert doc.contributed
    assert doc.meta["contribution"] == {"submission": sid, "contributor": "Uji anggota", "approved_by": "Uji moderator"}
    stored = attachments[0]["stored_name"]
    assert doc.meta["attachments"] == [{"file": f"lampiran/{stored}", "title": "Laporan"}]
    assert (content / "pembelajaran" / "lampiran" / stored).read_bytes() == small_pdf()
    site = Path(pub_app.config["SITE_DIR"])
    assert "Pelajaran dari bedah rumah swadaya" in (
        site / "pembelajaran/pelajaran-dari-bedah-rumah-swadaya/index.html"
    ).read_text(encoding="utf-8")
    from search.index import open_index

    with open_index(pub_app.config["INDEX_DIR"]).searcher() as searcher:
        assert searcher.document(slug="pelajaran-dari-bedah-rumah-swadaya") is not None
        # There was no index yet: it was built whole, not left holding this one document.
        assert searcher.document(slug="pengertian-pokja-pkp") is not None
    sub = state(pub_app, sid)
    assert sub.status == "diterbitkan" and sub.published_path == result.path and sub.publish_error is None
    assert [e.action for e in sub.events] == ["kirim", "setujui", "terbit"]
    assert not list(content.rglob(f"{publisher.TMP_PREFIX}*"))


def test_publishing_again_is_idempotent(pub_app, people):
    member, moderator = people
    sid = submit(pub_app, member)
    approve(pub_app, sid, moderator)
    first = run_publish(pub_app, sid, moderator)
    second = run_publish(pub_app, sid, moderator)
    assert first.ok and second.ok and first.path == second.path
    assert published_files(pub_app, sid) == [first.path]


def test_a_taken_slug_gets_a_suffix(pub_app, people):
    member, moderator = people
    ids = [submit(pub_app, member, lesson("Judul Sama")) for _ in range(2)]
    for sid in ids:
        approve(pub_app, sid, moderator)
    paths = [run_publish(pub_app, sid, moderator).path for sid in ids]
    assert paths == ["pembelajaran/judul-sama.md", "pembelajaran/judul-sama-2.md"]


def test_a_batch_never_takes_a_slug_twice_nor_one_held_elsewhere(pub_app, people, monkeypatch):
    from flask_app.content import get_content

    monkeypatch.setattr(publisher, "rebuild_pages", lambda *_a, **_k: [])
    member, moderator = people
    content = Path(pub_app.config["CONTENT_DIR"])
    # Held by a broken file of another type, and by a submission that chose it but is not written yet.
    (content / "modul" / "judul-kembar.md").write_text("---\ntitle: [rusak\n---\n", encoding="utf-8")
    held = submit(pub_app, member, lesson("Judul lain"))
    with pub_app.app_context(), session_scope() as db:
        db.get(Submission, held).slug = "judul-kembar-2"
    ids = [submit(pub_app, member, lesson("Judul Kembar")) for _ in range(3)]
    for sid in ids:
        approve(pub_app, sid, moderator)
    loads: list[Any] = []
    service = get_content(pub_app)
    real = service.invalidate
    monkeypatch.setattr(service, "invalidate", lambda *a, **k: loads.append(a) or real(*a, **k))
    with pub_app.test_request_context(), session_scope() as db, publisher.publisher_lock():
        results = publisher.publish_locked(db, [(sid, moderator.id) for sid in ids])
    assert [r.path for r in results] == [f"pembelajaran/judul-kembar-{n}.md" for n in (3, 4, 5)]
    assert loads == []  # each written file was read into the batch's snapshot, never a reload
    assert {"judul-kembar-3", "judul-kembar-4", "judul-kembar-5"} <= set(service.current().corpus.by_slug)


def test_a_title_without_letters_gets_a_numbered_slug(pub_app, people):
    member, moderator = people
    sid = submit(pub_app, member, lesson("<script>“”</script>"))
    approve(pub_app, sid, moderator)
    assert run_publish(pub_app, sid, moderator).path == "pembelajaran/script-script.md"
    sid = submit(pub_app, member, lesson("“!”"))
    approve(pub_app, sid, moderator)
    assert run_publish(pub_app, sid, moderator).path == f"pembelajaran/kiriman-{sid}.md"


def test_only_approved_submissions_are_published(pub_app, people):
    member, moderator = people
    sid = submit(pub_app, member)
    result = run_publish(pub_app, sid, moderator)
    assert not result.ok
    assert result.error == "langkah 'status' gagal: diajukan"
    assert published_files(pub_app, sid) == []


STEPS = [
    ("copy_attachments", "lampiran"),
    ("write_atomic", "berkas"),
    ("git_commit", "git"),
    ("update_index", "indeks"),
    ("rebuild_pages", "situs"),
]


@pytest.mark.parametrize(("function", "step"), STEPS)
def test_a_failure_at_any_step_leaves_it_approved_with_the_error_and_a_retry_publishes_it(
    pub_app, people, monkeypatch, function, step
):
    member, moderator = people
    sid = submit(pub_app, member, attachments=with_pdf(pub_app))
    approve(pub_app, sid, moderator)

    original = getattr(publisher, function)

    def broken(*args: Any, **kwargs: Any) -> Any:
        # write_atomic also copies attachments: fail it on the document itself only.
        if function == "write_atomic" and Path(args[0]).suffix != ".md":
            return original(*args, **kwargs)
        raise RuntimeError("gangguan uji")

    monkeypatch.setattr(publisher, function, broken)
    result = run_publish(pub_app, sid, moderator)
    assert not result.ok
    assert result.error == f"langkah '{step}' gagal: RuntimeError: gangguan uji"
    sub = state(pub_app, sid)
    assert sub.status == "disetujui" and sub.publish_error == result.error
    assert sub.events[-1].action == "gagal_terbit"
    monkeypatch.undo()
    retried = run_publish(pub_app, sid, moderator)
    assert retried.ok, retried.error
    assert published_files(pub_app, sid) == [retried.path]
    assert state(pub_app, sid).status == "diterbitkan"
    assert not list(Path(pub_app.config["CONTENT_DIR"]).rglob(f"{publisher.TMP_PREFIX}*"))
    with pub_app.app_context(), session_scope() as db:
        actions = db.scalars(select(AuditEvent.action).where(AuditEvent.target == f"submission:{sid}")).all()
    assert actions == ["submission.publish_failed", "submission.publish"]


def test_a_document_the_validator_refuses_is_never_written(pub_app, people):
    member, moderator = people
    sid = submit(pub_app, member, lesson(region=["99"]))
    approve(pub_app, sid, moderator)
    result = run_publish(pub_app, sid, moderator)
    assert result.step == "validasi"
    assert "'99' bukan kode wilayah yang dikenal" in result.error
    assert not (Path(pub_app.config["CONTENT_DIR"]) / "pembelajaran" / "pelajaran-dari-bedah-rumah-swadaya.md").exists()


def test_a_busy_lock_is_waited_for_boundedly(pub_app, people):
    member, moderator = people
    sid = submit(pub_app, member)
    approve(pub_app, sid, moderator)
    pub_app.config["PUBLISH_LOCK_TIMEOUT"] = 0.2
    with publisher.publish_lock(Path(pub_app.instance_path) / "publish.lock", 1):
        result = run_publish(pub_app, sid, moderator)
    assert result.error == "langkah 'kunci' gagal: penerbitan lain sedang berjalan; tunggu sebentar lalu coba lagi"
    assert run_publish(pub_app, sid, moderator).ok


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True, timeout=30).stdout


def test_git_commit_names_contributor_moderator_and_submission(pub_app, people, monkeypatch):
    member, moderator = people
    content = Path(pub_app.config["CONTENT_DIR"])
    git(content, "init", "-q")
    git(content, "-c", "user.name=Awal", "-c", "user.email=awal@contoh.id", "add", ".")
    git(content, "-c", "user.name=Awal", "-c", "user.email=awal@contoh.id", "commit", "-qm", "awal")
    (content / "catatan.txt").write_text("belum dikomit", encoding="utf-8")
    git(content, "add", "catatan.txt")  # someone else's staged change must stay out of our commit
    sid = submit(pub_app, member, attachments=with_pdf(pub_app))
    approve(pub_app, sid, moderator)
    monkeypatch.setattr(publisher, "update_index", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("x")))
    assert run_publish(pub_app, sid, moderator).step == "indeks"
    monkeypatch.undo()
    result = run_publish(pub_app, sid, moderator)
    assert result.ok and not result.committed  # the first attempt's commit is not made twice
    log = git(content, "log", "--format=%an <%ae>|%cn <%ce>|%s")
    lines = log.strip().splitlines()
    assert len(lines) == 2
    assert lines[0] == (
        f"Uji anggota <{member.email}>|Uji moderator <{moderator.email}>|"
        f"Terbitkan kiriman #{sid}: Pelajaran dari bedah rumah swadaya"
    )
    files = sorted(git(content, "show", "--name-only", "--format=", "HEAD").split())
    stored = state(pub_app, sid).attachments[0].stored_name
    assert files == [f"pembelajaran/lampiran/{stored}", result.path]
    assert "catatan.txt" in git(content, "diff", "--cached", "--name-only")


def test_git_commit_says_when_an_earlier_attempt_committed_and_fails_on_a_refused_commit(tmp_path):
    from flask_app.gitremote import PublishStepError, git_commit

    repo = tmp_path / "repo"
    repo.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
    doc = repo / "pembelajaran" / "satu.md"
    doc.parent.mkdir()
    doc.write_text("Isi.\n", encoding="utf-8")
    who = ("Siti", "siti@contoh.id")
    assert git_commit(repo, [doc], author=who, committer=who, message="Terbitkan") is True
    assert git_commit(repo, [doc], author=who, committer=who, message="Terbitkan") is False  # a retry
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho ditolak kait >&2\nexit 1\n", encoding="utf-8")
    hook.chmod(0o755)
    doc.write_text("Isi baru.\n", encoding="utf-8")
    with pytest.raises(PublishStepError, match="ditolak kait"):
        git_commit(repo, [doc], author=who, committer=who, message="Terbitkan lagi")
