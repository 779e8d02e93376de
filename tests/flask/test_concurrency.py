"""Concurrent submissions lose and duplicate nothing; a publisher killed mid-publication is recoverable."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flask_app.db import session_scope
from flask_app.publish import publish_lock
from flask_app.submissions import Submission, create_submission
from tests.flask.test_contribute import form_page, lesson_data
from tests.flask.test_publish import approve, lesson, pub_app, published_files, run_publish, state, submit  # noqa: F401

THREADS = 20
PER_THREAD = 10


def test_twenty_threads_of_ten_submissions_lose_and_duplicate_nothing(db_app):
    from flask_app.auth import User
    from flask_app.db import utcnow

    with db_app.app_context(), session_scope() as db:
        member = User(email="anggota@contoh.id", name="Uji", role="anggota", active=True, created_at=utcnow())
        db.add(member)
        db.flush()
        db.expunge(member)
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def worker(n: int) -> None:
        try:
            start.wait()
            with db_app.app_context():
                for i in range(PER_THREAD):
                    with session_scope() as db:
                        create_submission(
                            db,
                            doc_type="pembelajaran",
                            data=lesson(f"Pelajaran {n}-{i}"),
                            body=f"Isi {n}-{i}\n",
                            author_id=member.id,
                            form_token=f"t-{n}-{i}",
                        )
                    # Every thread also re-posts its previous form once: a double click.
                    if i:
                        with session_scope() as db:
                            _sub, created = create_submission(
                                db,
                                doc_type="pembelajaran",
                                data=lesson("dobel"),
                                body="x\n",
                                author_id=member.id,
                                form_token=f"t-{n}-{i - 1}",
                            )
                            assert not created
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors[:3]
    with db_app.app_context(), session_scope() as db:
        rows = db.execute(select(Submission.form_token, Submission.data)).all()
        assert len(rows) == THREADS * PER_THREAD
        assert {r[0] for r in rows} == {f"t-{n}-{i}" for n in range(THREADS) for i in range(PER_THREAD)}
        assert {r[1]["title"] for r in rows} == {
            f"Pelajaran {n}-{i}" for n in range(THREADS) for i in range(PER_THREAD)
        }
        events = db.scalar(select(func.count()).select_from(Submission).join(Submission.events))
        assert events == THREADS * PER_THREAD


def test_concurrent_double_posts_of_one_http_form_store_it_once(app, logged_in):
    member = logged_in("anggota")
    _page, csrf, token = form_page(member)
    data = lesson_data(csrf_token=csrf, form_token=token)
    statuses: list[int] = []
    barrier = threading.Barrier(4)

    def post() -> None:
        client = app.test_client()
        with member.session_transaction() as source, client.session_transaction() as target:
            target.update(dict(source))
        barrier.wait()
        statuses.append(client.post("/kontribusi/pembelajaran/baru", data=data).status_code)

    threads = [threading.Thread(target=post) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert statuses == [303] * 4
    with app.app_context(), session_scope() as db:
        assert db.scalar(select(func.count()).select_from(Submission)) == 1


KILLER = """
import json, os, sys, time
from pathlib import Path
from flask_app import create_app, publish

config, sid, actor = json.loads(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
point, marker = sys.argv[4], Path(sys.argv[5])
app = create_app(config)

def hang(*args, **kwargs):
    marker.write_text("here", encoding="utf-8")
    time.sleep(120)  # killed here by the test

if point == "before_rename":
    real_replace = os.replace
    def replace(src, dst, *a, **k):
        if str(dst).endswith(".md"):
            hang()
        return real_replace(src, dst, *a, **k)
    publish.os.replace = replace
else:
    setattr(publish, point, hang)
with app.test_request_context():
    publish.publish(sid, actor_id=actor)
"""


@pytest.mark.slow
@pytest.mark.parametrize("point", ["before_rename", "git_commit", "update_index", "rebuild_pages"])
def test_a_publisher_killed_mid_publication_leaves_the_submission_recoverable(pub_app, make_user, tmp_path, point):  # noqa: F811
    member, moderator = make_user("anggota"), make_user("moderator")
    sids = [submit(pub_app, member, lesson(f"Pelajaran korban {n}")) for n in range(2)]
    for sid in sids:
        approve(pub_app, sid, moderator)
    config = {
        key: pub_app.config[key]
        for key in (
            "SECRET_KEY",
            "CONTENT_DIR",
            "SITE_DIR",
            "INDEX_DIR",
            "INSTANCE_DIR",
            "DATABASE_URL",
            "MKDOCS_CONFIG",
        )
    }
    marker = tmp_path / "marker"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLER, json.dumps(config), str(sids[0]), str(moderator.id), point, str(marker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the publisher never reached the kill point"
            time.sleep(0.05)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    content = Path(pub_app.config["CONTENT_DIR"])
    folder = content / "pembelajaran"
    leftovers = list(folder.glob(".pokja-publish-*.tmp"))
    if point == "before_rename":
        assert len(leftovers) == 1  # the half-written file never got the document's name
        assert published_files(pub_app, sids[0]) == []
    else:
        assert published_files(pub_app, sids[0]) == ["pembelajaran/pelajaran-korban-0.md"]
    assert state(pub_app, sids[0]).status == "disetujui"
    # The lock died with the process: free at once (timed on the lock itself, not on a whole publication,
    # whose site rebuild under a loaded machine is no measure of the lock); the render workers the killed
    # publisher started left with it, or the pipes above would never have closed.
    started = time.monotonic()
    with publish_lock(Path(pub_app.config["PUBLISH_LOCK"]), timeout=0.5):
        assert time.monotonic() - started < 0.5
    assert run_publish(pub_app, sids[1], moderator).ok
    result = run_publish(pub_app, sids[0], moderator)
    assert result.ok, result.error
    assert published_files(pub_app, sids[0]) == ["pembelajaran/pelajaran-korban-0.md"]
    assert state(pub_app, sids[0]).status == "diterbitkan"
    assert not list(folder.glob(".pokja-publish-*"))
    assert (Path(pub_app.config["SITE_DIR"]) / "pembelajaran/pelajaran-korban-0/index.html").is_file()
