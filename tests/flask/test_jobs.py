"""Publication jobs: approval returns at once, one publisher at a time, a burst in one rebuild, a killed
publisher's job resumes, a failed job is shown and never blocks the next."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import select

from flask_app import jobs
from flask_app import publish as publisher
from flask_app.db import session_scope
from flask_app.jobs import PublicationJob
from tests.conftest import REPO
from tests.flask.conftest import _dispose
from tests.flask.test_moderate import csrf, flashes
from tests.flask.test_publish import approve, lesson, published_files, state, submit


@pytest.fixture
def job_app(make_app: Callable[..., Flask], tmp_path: Path, db_url: str) -> Iterator[Flask]:
    """An app with its own site build, on SQLite and then on PostgreSQL."""
    import shutil

    config = tmp_path / "mkdocs.yml"
    shutil.copy(REPO / "mkdocs.yml", config)
    app = make_app(
        MKDOCS_CONFIG=str(config), SITE_DIR=str(tmp_path / "built"), PUBLISH_LOCK_TIMEOUT=2, DATABASE_URL=db_url
    )
    yield app
    _dispose(app)


def accounts(app: Flask) -> tuple[Any, Any]:
    """(member, moderator) in ``app``'s own database."""
    from flask_app.auth import User
    from flask_app.db import utcnow
    from tests.flask.conftest import DEFAULT_PASSWORD, password_hash

    made = []
    with app.app_context(), session_scope() as db:
        for role in ("anggota", "moderator"):
            user = User(email=f"{role}@contoh.id", name=f"Uji {role}", role=role, active=True, created_at=utcnow())
            user.password_hash = password_hash(DEFAULT_PASSWORD)
            db.add(user)
            db.flush()
            db.expunge(user)
            made.append(user)
    return made[0], made[1]


def queue_jobs(app: Flask, sids: list[int], actor: Any) -> None:
    """Approve and ask for the publication, as the approve view does."""
    for sid in sids:
        approve(app, sid, actor)
        with app.app_context(), session_scope() as db:
            jobs.enqueue(db, sid, actor.id)


def job_rows(app: Flask) -> list[tuple[int, str, str]]:
    with app.app_context(), session_scope() as db:
        rows = db.scalars(select(PublicationJob).order_by(PublicationJob.id))
        return [(j.submission_id, j.status, j.error) for j in rows]


def fake_rebuild(calls: list[list[str]], fail_on: str | None = None, hold: threading.Event | None = None) -> Any:
    def rebuild(paths: list[Path], _config: Any) -> list[str]:
        names = sorted(Path(p).name for p in paths)
        calls.append(names)
        if hold is not None:
            hold.wait(60)
        if fail_on is not None and fail_on in names:
            raise RuntimeError("build rusak")
        return [f"/{n}" for n in names]

    return rebuild


def test_an_approval_returns_before_the_publication_ends(app, logged_in, make_user, monkeypatch):
    calls: list[list[str]] = []
    release = threading.Event()
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls, hold=release))
    sid = submit(app, make_user("anggota"))
    moderator = logged_in("moderator")
    try:
        token = csrf(moderator, f"/moderasi/{sid}")
        started = time.monotonic()
        response = moderator.post(f"/moderasi/{sid}/setujui", data={"csrf_token": token})
        # The page rebuild is held for 60 s below: a request that published would not be back yet.
        assert response.status_code == 303 and time.monotonic() - started < 30
        deadline = time.monotonic() + 60
        while not calls:  # the publisher thread is inside the page rebuild, held there
            assert time.monotonic() < deadline, "the publisher never started"
            time.sleep(0.05)
        page = flashes(moderator, response)
        assert f"Kiriman #{sid} disetujui; sedang diterbitkan." in page
        assert 'id="publish-job" data-job="berjalan"' in page and "Sedang diterbitkan" in page
        assert '<meta http-equiv="refresh" content="3">' in page  # reloads itself, no script needed
        assert 'id="retry"' not in page
        assert "Sedang diterbitkan" in moderator.get("/moderasi/").get_data(as_text=True)
        assert state(app, sid).status == "disetujui"
    finally:
        release.set()
    assert jobs.wait_for(app, sid).status == jobs.DONE
    assert state(app, sid).status == "diterbitkan"
    page = moderator.get(f"/moderasi/{sid}").get_data(as_text=True)
    assert 'id="published"' in page and 'http-equiv="refresh"' not in page


def test_a_burst_of_approvals_is_published_in_one_rebuild(job_app, monkeypatch):
    calls: list[list[str]] = []
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls))
    member, moderator = accounts(job_app)
    sids = [submit(job_app, member, lesson(f"Pelajaran beruntun {n}")) for n in range(4)]
    queue_jobs(job_app, sids, moderator)
    assert jobs.run_pending(job_app) == 4
    assert calls == [[f"pelajaran-beruntun-{n}.md" for n in range(4)]]
    assert [s for _sid, s, _e in job_rows(job_app)] == [jobs.DONE] * 4
    assert all(state(job_app, sid).status == "diterbitkan" for sid in sids)
    assert jobs.run_pending(job_app) == 0  # nothing is published twice


def test_a_failed_build_is_shown_logged_and_never_blocks_the_next_job(job_app, monkeypatch, caplog):
    calls: list[list[str]] = []
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls, fail_on="pelajaran-rusak.md"))
    member, moderator = accounts(job_app)
    bad = submit(job_app, member, lesson("Pelajaran rusak"))
    good = submit(job_app, member, lesson("Pelajaran sehat"))
    queue_jobs(job_app, [bad, good], moderator)
    assert jobs.run_pending(job_app) == 2
    # The shared rebuild failed: each was tried alone, and only the bad one failed.
    assert calls == [
        ["pelajaran-rusak.md", "pelajaran-sehat.md"],
        ["pelajaran-rusak.md"],
        ["pelajaran-sehat.md"],
    ]
    error = "langkah 'situs' gagal: RuntimeError: build rusak"
    assert job_rows(job_app) == [(bad, jobs.FAILED, error), (good, jobs.DONE, "")]
    assert state(job_app, good).status == "diterbitkan"
    assert state(job_app, bad).status == "disetujui" and state(job_app, bad).publish_error == error
    assert f"publication job 1 (submission {bad}): {error}" in caplog.text
    # The next job runs although the failed one is still there, and the retry publishes it.
    later = submit(job_app, member, lesson("Pelajaran berikutnya"))
    queue_jobs(job_app, [later], moderator)
    assert jobs.run_pending(job_app) == 1
    assert state(job_app, later).status == "diterbitkan"
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls))
    with job_app.app_context(), session_scope() as db:
        jobs.enqueue(db, bad, moderator.id)
    assert jobs.run_pending(job_app) == 1
    assert state(job_app, bad).status == "diterbitkan"


def test_two_publishers_never_run_at_once(job_app, monkeypatch):
    active, most, seen = [0], [0], []
    guard = threading.Lock()

    def rebuild(paths: list[Path], _config: Any) -> list[str]:
        with guard:
            active[0] += 1
            most[0] = max(most[0], active[0])
            seen.extend(Path(p).name for p in paths)
        time.sleep(0.5)
        with guard:
            active[0] -= 1
        return []

    monkeypatch.setattr(publisher, "rebuild_pages", rebuild)
    member, moderator = accounts(job_app)
    sids = [submit(job_app, member, lesson(f"Pelajaran serentak {n}")) for n in range(6)]
    errors: list[BaseException] = []

    def publisher_loop() -> None:
        try:
            for _ in range(12):
                jobs.run_pending(job_app, wait=0.2, limit=1)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    queue_jobs(job_app, sids, moderator)
    # Each thread takes the lock with its own connection (PostgreSQL) or file descriptor (SQLite),
    # exactly as two processes would.
    threads = [threading.Thread(target=publisher_loop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert most[0] == 1
    assert sorted(seen) == sorted(f"pelajaran-serentak-{n}.md" for n in range(6))  # each exactly once
    assert all(state(job_app, sid).status == "diterbitkan" for sid in sids)


def test_a_job_recorded_during_a_publication_goes_in_the_next_batch_at_once(job_app, monkeypatch):
    calls: list[list[str]] = []
    release = threading.Event()
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls, hold=release))
    member, moderator = accounts(job_app)
    first, second = (submit(job_app, member, lesson(f"Pelajaran antre {n}")) for n in range(2))
    queue_jobs(job_app, [first], moderator)
    worker = jobs.Publisher(job_app, poll=120)  # a poll far longer than the test may wait
    worker.start()
    try:
        deadline = time.monotonic() + 60
        while not calls:
            assert time.monotonic() < deadline, "the publisher never started"
            time.sleep(0.05)
        # Recorded while the first one is being built, without a wake-up (another node's approval).
        queue_jobs(job_app, [second], moderator)
        started = time.monotonic()
        release.set()
        assert jobs.wait_for(job_app, second, timeout=30).status == jobs.DONE
        assert time.monotonic() - started < 30
        assert calls == [["pelajaran-antre-0.md"], ["pelajaran-antre-1.md"]]
    finally:
        release.set()
        worker.stop()


def test_approvals_in_quick_succession_are_gathered_into_one_rebuild(job_app, monkeypatch):
    """A moderator's burst (an approval every 0.1 s, each waking the publisher) is published at once, in one
    rebuild: once woken, the publisher waits until the approvals stop (GATHER_QUIET), never past GATHER_MAX."""
    calls: list[list[str]] = []
    monkeypatch.setattr(publisher, "rebuild_pages", fake_rebuild(calls))
    member, moderator = accounts(job_app)
    sids = [submit(job_app, member, lesson(f"Pelajaran susul {n}")) for n in range(4)]
    worker = jobs.Publisher(job_app, poll=120)
    worker.start()
    try:
        time.sleep(0.5)  # its first (empty) round is over: it waits for a wake-up now
        for sid in sids:
            queue_jobs(job_app, [sid], moderator)
            worker.event.set()  # what jobs.wake() does after each approval
            time.sleep(0.1)
        started = time.monotonic()
        assert jobs.wait_for(job_app, sids[-1], timeout=30).status == jobs.DONE
        assert time.monotonic() - started < 30
        assert calls == [[f"pelajaran-susul-{n}.md" for n in range(4)]]
    finally:
        worker.stop()


def test_the_lock_holder_keeps_every_other_publisher_out(job_app):
    member, moderator = accounts(job_app)
    sid = submit(job_app, member)
    queue_jobs(job_app, [sid], moderator)
    with job_app.app_context(), publisher.publisher_lock(1):
        assert jobs.run_pending(job_app) == 0  # another publisher holds the lock: come back later
        assert job_rows(job_app) == [(sid, jobs.WAITING, "")]
    assert jobs.run_pending(job_app) == 1


KILLED_PUBLISHER = """
import json, sys, time
from pathlib import Path
from flask_app import create_app, jobs, publish

config, marker = json.loads(sys.argv[1]), Path(sys.argv[2])
app = create_app(config)

def hang(*args, **kwargs):
    marker.write_text("here", encoding="utf-8")
    time.sleep(120)  # killed here by the test

publish.rebuild_pages = hang
jobs.run_pending(app)
"""


@pytest.mark.slow
def test_a_job_survives_a_publisher_killed_mid_way_and_resumes_on_restart(job_app, tmp_path):
    member, moderator = accounts(job_app)
    sid = submit(job_app, member, lesson("Pelajaran penerbit mati"))
    queue_jobs(job_app, [sid], moderator)
    keys = ("SECRET_KEY", "CONTENT_DIR", "SITE_DIR", "INDEX_DIR", "INSTANCE_DIR", "DATABASE_URL", "MKDOCS_CONFIG")
    config = {key: job_app.config[key] for key in keys}
    marker = tmp_path / "marker"
    log = tmp_path / "publisher.log"
    with log.open("wb") as out:
        # Its own process group: the kill takes the publisher and any worker process it started.
        proc = subprocess.Popen(
            [sys.executable, "-c", KILLED_PUBLISHER, json.dumps(config), str(marker)],
            stdout=out,
            stderr=out,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "the publisher never reached the page rebuild"
            time.sleep(0.05)
        assert job_rows(job_app) == [(sid, jobs.RUNNING, "")]
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert published_files(job_app, sid) == ["pembelajaran/pelajaran-penerbit-mati.md"]
    assert state(job_app, sid).status == "disetujui"
    # The restarted publisher gets the lock the dead one held and takes its job again.
    assert jobs.run_pending(job_app, wait=10) == 1
    assert job_rows(job_app) == [(sid, jobs.DONE, "")]
    assert state(job_app, sid).status == "diterbitkan"
    assert published_files(job_app, sid) == ["pembelajaran/pelajaran-penerbit-mati.md"]
    assert (Path(job_app.config["SITE_DIR"]) / "pembelajaran/pelajaran-penerbit-mati/index.html").is_file()
    with job_app.app_context(), session_scope() as db:
        assert db.scalars(select(PublicationJob.attempts)).all() == [2]
