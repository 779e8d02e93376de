"""Approval is a compare-and-set on the status: two moderators acting at once record one decision."""

from __future__ import annotations

import threading

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from flask_app.db import session_scope, utcnow
from flask_app.submissions import (
    APPROVED,
    REJECTED,
    SUBMITTED,
    BadTransition,
    Submission,
    SubmissionEvent,
    create_submission,
    record,
)
from tests.flask.test_publish import lesson

TRIALS = 5


def _accounts(app):
    from flask_app.auth import User

    with app.app_context(), session_scope() as db:
        users = [
            User(email=f"{role}{n}@contoh.id", name=f"Uji {n}", role=role, active=True, created_at=utcnow())
            for n, role in enumerate(("anggota", "moderator", "moderator"))
        ]
        db.add_all(users)
        db.flush()
        return [u.id for u in users]


def _race(app, sid: int, moves: list[tuple[int, str, str]]) -> list[str]:
    """Every move loads the submission, waits for the others, then records its decision at once."""
    barrier = threading.Barrier(len(moves))
    outcomes: list[str] = []

    def act(actor: int, action: str, to_status: str) -> None:
        with app.app_context(), session_scope() as db:
            sub = db.get(Submission, sid)
            assert sub.status == SUBMITTED
            barrier.wait(timeout=30)
            try:
                record(db, sub, actor, action, to_status)
                sub.reviewer_id = actor
                db.commit()
                outcomes.append(action)
            except (BadTransition, StaleDataError) as exc:
                db.rollback()
                outcomes.append(f"refused:{type(exc).__name__}")

    threads = [threading.Thread(target=act, args=move) for move in moves]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes


def test_two_concurrent_approvals_give_one_approval_event(db_app):
    member, first, second = _accounts(db_app)
    for trial in range(TRIALS):
        with db_app.app_context(), session_scope() as db:
            sub, _new = create_submission(
                db, doc_type="pembelajaran", data=lesson(f"Lomba {trial}"), body="x\n", author_id=member,
                form_token=f"cas-{trial}",
            )  # fmt: skip
            sid = sub.id
        outcomes = _race(db_app, sid, [(first, "setujui", APPROVED), (second, "setujui", APPROVED)])
        assert sorted(outcomes) == ["refused:BadTransition", "setujui"], outcomes
        with db_app.app_context(), session_scope() as db:
            approvals = db.scalar(
                select(func.count())
                .select_from(SubmissionEvent)
                .where(SubmissionEvent.submission_id == sid, SubmissionEvent.action == "setujui")
            )
            assert approvals == 1
            assert db.get(Submission, sid).status == APPROVED


def test_an_approval_racing_a_rejection_leaves_one_decision(db_app):
    member, first, second = _accounts(db_app)
    with db_app.app_context(), session_scope() as db:
        sub, _new = create_submission(
            db, doc_type="pembelajaran", data=lesson("Satu keputusan"), body="x\n", author_id=member, form_token="cas-x"
        )
        sid = sub.id
    outcomes = _race(db_app, sid, [(first, "setujui", APPROVED), (second, "tolak", REJECTED)])
    assert len([o for o in outcomes if not o.startswith("refused")]) == 1, outcomes
    with db_app.app_context(), session_scope() as db:
        decisions = db.scalars(
            select(SubmissionEvent.to_status).where(
                SubmissionEvent.submission_id == sid, SubmissionEvent.to_status.in_([APPROVED, REJECTED])
            )
        ).all()
        assert decisions == [db.get(Submission, sid).status]
