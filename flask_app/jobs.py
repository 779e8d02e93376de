"""Publication jobs: an approval records a job and returns; one publisher takes the jobs and publishes them.

The publisher is a thread of ``pokja serve`` (``POKJA_PUBLISH_WORKER``) or ``pokja publisher`` on its own.
Only the holder of the publisher lock (``flask_app.publish.publisher_lock``: PostgreSQL's advisory lock, else
the file lock) runs jobs, so a job left ``berjalan`` by a publisher that died is taken again by the next
holder. Jobs are claimed with ``SELECT ... FOR UPDATE SKIP LOCKED``; every waiting job is published in one
batch (one index update, one incremental page rebuild). A failed job keeps its error for the moderator
and the log; the next job runs regardless.
"""

from __future__ import annotations

import datetime as dt
import socket
import threading
import time
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ForeignKey, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from flask_app.db import Base, UTCDateTime, session_scope, utcnow

WAITING, RUNNING, DONE, FAILED = "menunggu", "berjalan", "selesai", "gagal"
ACTIVE = (WAITING, RUNNING)
POLL_SECONDS = 2.0
# After an approval wakes the publisher: the quiet time that ends a burst of approvals, and the longest wait.
GATHER_QUIET = 0.25
GATHER_MAX = 1.5
MAX_BATCH = 200
EXTENSION = "pokja_jobs"


class PublicationJob(Base):
    """One publication asked for: by whom, and where it is (waiting, running, done, failed with the error)."""

    __tablename__ = "publication_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default=WAITING, index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    node: Mapped[str] = mapped_column(String(120), default="")
    error: Mapped[str] = mapped_column(Text, default="")


def enqueue(db: Session, submission_id: int, actor_id: int | None) -> PublicationJob:
    """Ask for a publication (the caller commits); a job already waiting or running is returned instead."""
    existing = active_job(db, submission_id)
    if existing is not None:
        return existing
    job = PublicationJob(submission_id=submission_id, actor_id=actor_id, status=WAITING, created_at=utcnow())
    db.add(job)
    return job


def active_job(db: Session, submission_id: int) -> PublicationJob | None:
    """The submission's job that is waiting or running, if any."""
    return db.scalar(
        select(PublicationJob)
        .where(PublicationJob.submission_id == submission_id, PublicationJob.status.in_(ACTIVE))
        .order_by(PublicationJob.id.desc())
        .limit(1)
    )


def latest_job(db: Session, submission_id: int) -> PublicationJob | None:
    """The submission's newest job (what the moderator sees)."""
    return db.scalar(
        select(PublicationJob)
        .where(PublicationJob.submission_id == submission_id)
        .order_by(PublicationJob.id.desc())
        .limit(1)
    )


def active_submissions(db: Session, submission_ids: list[int]) -> set[int]:
    """Which of these submissions have a publication waiting or running."""
    if not submission_ids:
        return set()
    rows = db.scalars(
        select(PublicationJob.submission_id).where(
            PublicationJob.submission_id.in_(submission_ids), PublicationJob.status.in_(ACTIVE)
        )
    )
    return set(rows)


def node_name() -> str:
    """This process as a job's ``node``: host and process id."""
    import os

    return f"{socket.gethostname()}:{os.getpid()}"[:120]


def _claim(db: Session, limit: int) -> list[PublicationJob]:
    """Take the waiting jobs for this publisher: rows another transaction holds are skipped, not waited for."""
    jobs = list(
        db.scalars(
            select(PublicationJob)
            .where(PublicationJob.status == WAITING)
            .order_by(PublicationJob.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )
    now, node = utcnow(), node_name()
    for job in jobs:
        job.status, job.started_at, job.node = RUNNING, now, node
        job.attempts += 1
    db.commit()
    return jobs


def _recover(db: Session) -> int:
    """Jobs left running by a publisher that died go back to waiting (only the lock holder calls this)."""
    result = db.execute(update(PublicationJob).where(PublicationJob.status == RUNNING).values(status=WAITING))
    db.commit()
    return int(result.rowcount or 0)


def run_pending(app: Flask, *, wait: float = 0.0, limit: int = MAX_BATCH) -> int:
    """Publish every waiting job in one batch when this process gets the publisher lock; returns jobs finished.

    ``wait`` is how long to wait for the lock (0: another publisher is at work, come back later).
    """
    from flask_app.publish import PublishBusy, publish_locked, publisher_lock

    jobs: list[PublicationJob] = []
    with app.app_context():
        try:
            with publisher_lock(wait), session_scope() as db:
                recovered = _recover(db)
                if recovered:
                    app.logger.warning("%s publication jobs of a stopped publisher are taken again", recovered)
                jobs = _claim(db, limit)
                if not jobs:
                    return 0
                started = time.monotonic()
                results = publish_locked(db, [(job.submission_id, job.actor_id) for job in jobs])
                app.logger.info("published %d jobs in %.2f s", len(jobs), time.monotonic() - started)
                by_submission = {r.submission_id: r for r in results}
                for job in jobs:
                    result = by_submission[job.submission_id]
                    job.status = DONE if result.ok else FAILED
                    job.error = "" if result.ok else (result.error or "")
                    job.finished_at = utcnow()
                    if not result.ok:
                        app.logger.error("publication job %s (submission %s): %s", job.id, job.submission_id, job.error)
                db.commit()
        except PublishBusy:
            return 0
    return len(jobs)


def warm_up(app: Flask) -> None:
    """Read the site's build state before the first job (site_builder.build.warm_up); failures only logged."""
    from flask_app.content import mkdocs_config_path
    from site_builder.build import warm_up as warm_site

    config = app.config
    started = time.monotonic()
    try:
        if warm_site(
            config_file=mkdocs_config_path(config), content_dir=config["CONTENT_DIR"], site_dir=config["SITE_DIR"]
        ):
            app.logger.info("publisher ready: build state read in %.2f s", time.monotonic() - started)
    except Exception:
        app.logger.exception("publisher warm-up (the first publication reads the state itself)")


class Publisher(threading.Thread):
    """Runs the jobs: at once when an approval wakes it (and every few seconds, for other nodes' jobs)."""

    def __init__(self, app: Flask, poll: float = POLL_SECONDS) -> None:
        super().__init__(name="pokja-publisher", daemon=True)
        self.app, self.poll = app, poll
        self.event, self.stopping = threading.Event(), threading.Event()
        self.rounds = 0

    def run(self) -> None:
        """Publish until stopped; an error is logged and the next round runs."""
        warm_up(self.app)
        woken = False
        while not self.stopping.is_set():
            if woken:
                self.gather()
            # Cleared before the round, never after: an approval committed while it runs wakes the next.
            self.event.clear()
            done = 0
            try:
                done = run_pending(self.app)
            except Exception:
                self.app.logger.exception("publisher")
            self.rounds += 1
            if done:
                woken = False
                continue  # approvals that came during this publication go in the next batch at once
            woken = self.event.wait(self.poll)

    def gather(self) -> None:
        """Woken by an approval: wait while more come (a moderator's burst), so one rebuild publishes them all.

        At most GATHER_QUIET seconds after the last approval, and GATHER_MAX in all.
        """
        deadline = time.monotonic() + GATHER_MAX
        while not self.stopping.is_set() and time.monotonic() < deadline:
            self.event.clear()
            if not self.event.wait(min(GATHER_QUIET, max(0.0, deadline - time.monotonic()))):
                return

    def stop(self, timeout: float = 30.0) -> None:
        """Stop after the current round."""
        self.stopping.set()
        self.event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout)


def start_publisher(app: Flask, poll: float = POLL_SECONDS) -> Publisher:
    """Start (once) the publisher thread of ``app``."""
    state = app.extensions.setdefault(EXTENSION, {})
    if state.get("publisher") is None:
        state["publisher"] = Publisher(app, poll)
        state["publisher"].start()
    return state["publisher"]


def stop_publisher(app: Flask) -> None:
    """Stop ``app``'s publisher thread, if it has one."""
    publisher = app.extensions.get(EXTENSION, {}).pop("publisher", None)
    if publisher is not None:
        publisher.stop()


def wake(app: Any = None) -> None:
    """After an approval is committed: the service's publisher thread starts (when it is this node's job)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if app.config.get("PUBLISH_WORKER"):
        start_publisher(app).event.set()


def wait_for(app: Flask, submission_id: int, timeout: float = 60.0) -> PublicationJob | None:
    """Wait until the submission's newest job is done or failed (tests, ``pokja publisher --once``)."""
    deadline = time.monotonic() + timeout
    while True:
        with app.app_context(), session_scope() as db:
            job = latest_job(db, submission_id)
            if job is not None and job.status not in ACTIVE:
                db.expunge(job)
                return job
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.05)
