"""The submission store: contributions, their history and attachments, in the service database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from flask import Flask
from sqlalchemy import JSON, ForeignKey, Integer, String, Text, UniqueConstraint, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value

from flask_app import notify
from flask_app.db import Base, UTCDateTime, utcnow

SUBMITTED = "diajukan"
NEEDS_REVISION = "perlu_revisi"
APPROVED = "disetujui"
REJECTED = "ditolak"
PUBLISHED = "diterbitkan"
# What a proposal does: a new document, an edit of a published one, a restored revision, a removal.
NEW, EDIT, RESTORE, WITHDRAW = "baru", "sunting", "pulihkan", "cabut"
KINDS = (NEW, EDIT, RESTORE, WITHDRAW)
STATUSES = (SUBMITTED, NEEDS_REVISION, APPROVED, REJECTED, PUBLISHED)
# Which status may follow which; anything else is refused (a stale form, a double click, a race).
TRANSITIONS: dict[str, set[str]] = {
    SUBMITTED: {APPROVED, NEEDS_REVISION, REJECTED},
    NEEDS_REVISION: {SUBMITTED},
    # An edit whose merge with the published file conflicts goes back to its author.
    APPROVED: {PUBLISHED, NEEDS_REVISION},
    REJECTED: set(),
    PUBLISHED: set(),
}


class BadTransition(Exception):
    """The submission's status does not allow the asked action (it changed since the page was shown)."""

    def __init__(self, submission_id: int, status: str) -> None:
        super().__init__(f"submission {submission_id} is {status}")
        self.submission_id, self.status = submission_id, status


class StaleSubmission(Exception):
    """The submission changed since the form was rendered (its revision counter moved on)."""

    def __init__(self, submission_id: int, status: str) -> None:
        super().__init__(f"submission {submission_id} changed")
        self.submission_id, self.status = submission_id, status


class Submission(Base):
    """A member's contribution: front-matter fields, Markdown body and its moderation state."""

    __tablename__ = "submissions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    type: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20), index=True, default=SUBMITTED)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    body: Mapped[str] = mapped_column(Text, default="")
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    reasons: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    slug: Mapped[str | None] = mapped_column(String(120), nullable=True)
    # The Pokja it was filed from (the author's region then): which moderators' queue holds it.
    region: Mapped[str] = mapped_column(String(8), default="00", server_default="00", index=True)
    published_path: Mapped[str | None] = mapped_column(String(500), nullable=True)
    publish_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    # One per rendered form: a double submit or a replayed form finds the row it already made.
    form_token: Mapped[str] = mapped_column(String(64), unique=True)
    # Optimistic locking: an update based on an older read fails instead of overwriting.
    revision: Mapped[int] = mapped_column(Integer, default=1)
    # Edits of published documents (flask_app/edits.py): the file, the revision the edit started
    # from (its git blob id) and that revision's text, the proposed text, and the published text
    # a merge conflicted with (shown to the author beside their own).
    kind: Mapped[str] = mapped_column(String(20), default=NEW, server_default=NEW)
    target_path: Mapped[str | None] = mapped_column(String(500), nullable=True, index=True)
    base_revision: Mapped[str | None] = mapped_column(String(64), nullable=True)
    base_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    proposed_text: Mapped[str | None] = mapped_column(Text, nullable=True)
    conflict_text: Mapped[str | None] = mapped_column(Text, nullable=True)

    events: Mapped[list[SubmissionEvent]] = relationship(
        back_populates="submission", order_by="SubmissionEvent.id", cascade="all, delete-orphan"
    )
    attachments: Mapped[list[SubmissionAttachment]] = relationship(
        back_populates="submission", order_by="SubmissionAttachment.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": revision}

    @property
    def title(self) -> str:
        """The title the member gave."""
        return str(self.data.get("title") or "")


class SubmissionEvent(Base):
    """One step in a submission's history: who moved it from which status to which, and why."""

    __tablename__ = "submission_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), nullable=True)
    action: Mapped[str] = mapped_column(String(40))
    from_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(20), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    submission: Mapped[Submission] = relationship(back_populates="events")


class SubmissionAttachment(Base):
    """A file attached to a submission, stored under a generated name (never the member's name)."""

    __tablename__ = "submission_attachments"
    __table_args__ = (UniqueConstraint("stored_name"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    stored_name: Mapped[str] = mapped_column(String(80))
    original_name: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(Text, default="")
    mime: Mapped[str] = mapped_column(String(80))
    size: Mapped[int] = mapped_column(Integer)

    submission: Mapped[Submission] = relationship(back_populates="attachments")


def init_app(app: Flask) -> None:
    """Nothing to set up: the submission tables come from the migrations (flask_app/migrations)."""


def _attachment_rows(attachments: Iterable[Mapping[str, Any]]) -> list[SubmissionAttachment]:
    return [
        SubmissionAttachment(
            position=i,
            stored_name=a["stored_name"],
            original_name=a["original_name"],
            title=a.get("title") or a["original_name"],
            mime=a["mime"],
            size=int(a["size"]),
        )
        for i, a in enumerate(attachments)
    ]


def by_token(db: Session, form_token: str) -> Submission | None:
    """The submission a form with ``form_token`` already created, if any."""
    return db.scalar(select(Submission).where(Submission.form_token == form_token))


def create_submission(
    db: Session,
    *,
    doc_type: str,
    data: Mapping[str, Any],
    body: str,
    author_id: int,
    form_token: str,
    attachments: Iterable[Mapping[str, Any]] = (),
    region: str = "00",
) -> tuple[Submission, bool]:
    """Store a new submission durably (committed on return); returns it and whether it is new.

    A second post of the same form (same ``form_token``) returns the first row instead of a duplicate.
    """
    existing = by_token(db, form_token)
    if existing is not None:
        return existing, False
    now = utcnow()
    sub = Submission(
        type=doc_type,
        status=SUBMITTED,
        data=dict(data),
        body=body,
        author_id=author_id,
        form_token=form_token,
        region=region,
        created_at=now,
        updated_at=now,
        attachments=_attachment_rows(attachments),
    )
    sub.events.append(SubmissionEvent(at=now, actor_id=author_id, action="kirim", to_status=SUBMITTED))
    db.add(sub)
    try:
        db.flush()
        # The moderators' mails are committed with the submission, or not at all.
        notify.submission_changed(db, sub, "kirim")
        db.commit()
    except IntegrityError:
        # Two posts of one form raced: the other one won, return its row.
        db.rollback()
        existing = by_token(db, form_token)
        if existing is None:
            raise
        return existing, False
    return sub, True


def record(
    db: Session, sub: Submission, actor_id: int | None, action: str, to_status: str | None, note: str = ""
) -> None:
    """Move ``sub`` to ``to_status`` (None: stay) with a history entry; the caller commits."""
    from_status = sub.status
    if to_status is not None and to_status != from_status:
        if to_status not in TRANSITIONS[from_status]:
            raise BadTransition(sub.id, from_status)
        _compare_and_set(db, sub, from_status, to_status)
    sub.updated_at = utcnow()
    sub.events.append(
        SubmissionEvent(
            at=sub.updated_at, actor_id=actor_id, action=action, from_status=from_status, to_status=to_status, note=note
        )
    )
    # Every status change passes here: its mails join the caller's transaction.
    notify.submission_changed(db, sub, action, note)


def _compare_and_set(db: Session, sub: Submission, from_status: str, to_status: str) -> None:
    """Move the status in the database only if it still is ``from_status``; else BadTransition.

    The check and the change are one ``UPDATE ... WHERE status = :from``: of two moderators approving at
    once, the second finds no row to change (PostgreSQL re-reads the row after the first commits; SQLite
    serialises the writers), so one approval event is recorded, never two.
    """
    db.flush()  # the caller's other changes first, under their own version check
    changed = db.execute(
        update(Submission)
        .where(Submission.id == sub.id, Submission.status == from_status)
        .values(status=to_status, revision=Submission.revision + 1)
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:
        now = db.scalar(select(Submission.status).where(Submission.id == sub.id))
        raise BadTransition(sub.id, now or from_status)
    # The row moved on in the database: the loaded object follows without another UPDATE.
    set_committed_value(sub, "status", to_status)
    set_committed_value(sub, "revision", (sub.revision or 0) + 1)


def revise_submission(
    db: Session,
    sub: Submission,
    *,
    data: Mapping[str, Any],
    body: str,
    actor_id: int,
    seen_revision: int,
    attachments: Iterable[Mapping[str, Any]] = (),
) -> Submission:
    """Replace a sent-back submission's content and submit it again (commits)."""
    if sub.revision != seen_revision:
        raise StaleSubmission(sub.id, sub.status)
    if sub.status != NEEDS_REVISION:
        raise BadTransition(sub.id, sub.status)
    sub.data = dict(data)
    sub.body = body
    # Rows of kept files are updated in place: re-inserting them would collide on the unique name.
    existing = {a.stored_name: a for a in sub.attachments}
    rows = []
    for position, new_row in enumerate(_attachment_rows(attachments)):
        row = existing.get(new_row.stored_name) or new_row
        row.position, row.title = position, new_row.title
        rows.append(row)
    sub.attachments = rows
    record(db, sub, actor_id, "revisi", SUBMITTED)
    db.commit()
    return sub


def own_submissions(db: Session, author_id: int) -> list[Submission]:
    """A member's submissions, newest first."""
    return list(db.scalars(select(Submission).where(Submission.author_id == author_id).order_by(Submission.id.desc())))


def moderation_queue(db: Session, scope: str = "00") -> tuple[list[Submission], list[Submission]]:
    """Submissions of ``scope`` waiting for review (oldest first) and approved ones whose publication failed."""
    from flask_app.regions import scope_filter

    within = scope_filter(Submission.region, scope)
    waiting_q = select(Submission).where(Submission.status == SUBMITTED)
    unpublished_q = select(Submission).where(Submission.status == APPROVED)
    if within is not None:
        waiting_q, unpublished_q = waiting_q.where(within), unpublished_q.where(within)
    waiting = db.scalars(waiting_q.order_by(Submission.id))
    unpublished = db.scalars(unpublished_q.order_by(Submission.id))
    return list(waiting), list(unpublished)
