"""The submission store on SQLite and on a real PostgreSQL server (``db_url``)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest

from flask_app.db import session_scope
from flask_app.submissions import (
    BadTransition,
    StaleSubmission,
    Submission,
    create_submission,
    moderation_queue,
    own_submissions,
    record,
    revise_submission,
)
from tests.flask.test_publish import lesson

ATTACHMENT = {
    "stored_name": "a" * 32 + ".pdf",
    "original_name": "Lap “akhir”.pdf",
    "title": "Laporan",
    "mime": "application/pdf",
    "size": 10,
}


@pytest.fixture
def people(db_app, make_user):
    """Two members and a moderator in the database under test."""
    from flask_app.auth import User

    with db_app.app_context(), session_scope() as db:
        users = [
            User(email=f"{r}{i}@contoh.id", name=f"Uji {r}", role=r, active=True)
            for i, r in enumerate(["anggota", "anggota", "moderator"])
        ]
        for u in users:
            u.created_at = dt.datetime.now(dt.UTC)
        db.add_all(users)
        db.flush()
        return [u.id for u in users]


def new(db, author: int, token: str, **data) -> Submission:
    sub, created = create_submission(
        db,
        doc_type="pembelajaran",
        data=lesson(**data),
        body="Isi “Unicode” ✓\n",
        author_id=author,
        form_token=token,
        attachments=[{**ATTACHMENT, "stored_name": hashlib.md5(token.encode()).hexdigest() + ".pdf"}],
    )
    assert created
    return sub


def test_a_submission_is_stored_with_its_fields_history_and_attachments(db_app, people):
    member, _other, _mod = people
    with db_app.app_context(), session_scope() as db:
        sid = new(db, member, "t1", period={"start": 2023, "end": 2024}).id
    with db_app.app_context(), session_scope() as db:
        sub = db.get(Submission, sid)
        assert sub.status == "diajukan" and sub.revision == 1
        assert sub.data == lesson(period={"start": 2023, "end": 2024})
        assert sub.body == "Isi “Unicode” ✓\n"
        assert sub.created_at.tzinfo is not None
        assert [(e.action, e.from_status, e.to_status, e.actor_id) for e in sub.events] == [
            ("kirim", None, "diajukan", member)
        ]
        assert [(a.original_name, a.title, a.size) for a in sub.attachments] == [("Lap “akhir”.pdf", "Laporan", 10)]


def test_the_same_form_token_never_stores_twice(db_app, people):
    member = people[0]
    with db_app.app_context(), session_scope() as db:
        first = new(db, member, "sama")
        again, created = create_submission(
            db, doc_type="pembelajaran", data=lesson(), body="x\n", author_id=member, form_token="sama"
        )
        assert not created and again.id == first.id
        assert db.query(Submission).count() == 1


def test_status_moves_only_along_allowed_transitions(db_app, people):
    member, _other, mod = people
    with db_app.app_context(), session_scope() as db:
        sub = new(db, member, "t")
        with pytest.raises(BadTransition):
            record(db, sub, mod, "terbit", "diterbitkan")
        record(db, sub, mod, "tolak", "ditolak", note="Bukan PKP.")
        db.commit()
        for target in ("disetujui", "diajukan", "perlu_revisi", "diterbitkan"):
            with pytest.raises(BadTransition):
                record(db, sub, mod, "x", target)


def test_two_moderators_acting_on_one_read_cannot_both_win(db_app, people):
    member, _other, mod = people
    with db_app.app_context(), session_scope() as db:
        sid = new(db, member, "t").id
    with db_app.app_context(), session_scope() as first, session_scope() as second:
        a, b = first.get(Submission, sid), second.get(Submission, sid)
        record(first, a, mod, "setujui", "disetujui")
        first.commit()
        # The status is compared and set in one UPDATE: the second finds it changed.
        with pytest.raises(BadTransition):
            record(second, b, mod, "tolak", "ditolak")
            second.commit()
        second.rollback()
    with db_app.app_context(), session_scope() as db:
        assert db.get(Submission, sid).status == "disetujui"


def test_revision_replaces_the_content_and_refuses_stale_forms(db_app, people):
    member, _other, mod = people
    with db_app.app_context(), session_scope() as db:
        sub = new(db, member, "t")
        record(db, sub, mod, "kembalikan", "perlu_revisi", note="Lengkapi.")
        db.commit()
        seen = sub.revision
        with pytest.raises(StaleSubmission):
            revise_submission(db, sub, data=lesson(), body="b\n", actor_id=member, seen_revision=seen - 1)
        kept = {**ATTACHMENT, "stored_name": sub.attachments[0].stored_name, "title": "Judul baru"}
        revise_submission(
            db,
            sub,
            data=lesson("Judul baru"),
            body="Isi baru\n",
            actor_id=member,
            seen_revision=seen,
            attachments=[kept],
        )
        assert sub.status == "diajukan" and sub.title == "Judul baru"
        assert [a.title for a in sub.attachments] == ["Judul baru"]
        with pytest.raises(BadTransition):
            revise_submission(db, sub, data=lesson(), body="c\n", actor_id=member, seen_revision=sub.revision)


def test_own_submissions_and_the_queue(db_app, people):
    member, other, mod = people
    with db_app.app_context(), session_scope() as db:
        a, b, c = new(db, member, "a"), new(db, member, "b"), new(db, other, "c")
        record(db, b, mod, "setujui", "disetujui")
        db.commit()
        assert [s.id for s in own_submissions(db, member)] == [b.id, a.id]
        waiting, unpublished = moderation_queue(db)
        assert [s.id for s in waiting] == [a.id, c.id] and [s.id for s in unpublished] == [b.id]
