"""Benchmark of member contributions: store throughput, form submission, and one-document publication.

In one run, on a copy of content/ in a temporary folder (SQLite in the instance folder), times:
20 threads x 10 submissions through the store; sequential form posts through the Flask test client
(validation by the one validator included); a full site build; and approvals published one by one
through the one publisher (file, search index, incremental page rebuild). Prints each figure and the
ratio of one publication to a full build.

    .venv/bin/python benchmarks/bench_contribute.py
"""

from __future__ import annotations

import secrets
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from flask_app import create_app  # noqa: E402
from flask_app.auth import User, hash_password  # noqa: E402
from flask_app.db import session_scope, utcnow  # noqa: E402
from flask_app.publish import publish  # noqa: E402
from flask_app.submissions import APPROVED, Submission, create_submission, record  # noqa: E402

LESSON = {
    "title": "Pelajaran uji",
    "summary": "Ringkasan.",
    "date": "2024-05-02",
    "tags": ["rtlh"],
    "region": ["33"],
    "contributor": {"name": "Penguji"},
    "stakeholder_group": "regulator",
}


def main() -> None:
    """Run every measurement once and print the figures."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        app = create_app(
            {
                "SECRET_KEY": secrets.token_hex(8),
                "CONTENT_DIR": str(root / "content"),
                "SITE_DIR": str(root / "site"),
                "INDEX_DIR": str(root / "index"),
                "INSTANCE_DIR": str(root / "instance"),
                "MKDOCS_CONFIG": str(root / "mkdocs.yml"),
                "CSRF_ENABLED": False,
            }
        )
        with app.app_context(), session_scope() as db:
            member = User(email="a@contoh.id", name="Anggota", role="anggota", active=True, created_at=utcnow())
            moderator = User(email="m@contoh.id", name="Moderator", role="moderator", active=True, created_at=utcnow())
            for user in (member, moderator):
                user.password_hash = hash_password(secrets.token_hex(8))  # a session needs a password set
            db.add_all([member, moderator])
            db.flush()
            member_id, moderator_id = member.id, moderator.id

        def worker(n: int) -> None:
            with app.app_context():
                for i in range(10):
                    with session_scope() as db:
                        create_submission(
                            db,
                            doc_type="pembelajaran",
                            data={**LESSON, "title": f"Pelajaran {n}-{i}"},
                            body="Isi.\n",
                            author_id=member_id,
                            form_token=f"b-{n}-{i}",
                        )

        started = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        store_s = time.perf_counter() - started
        print(f"store: 200 submissions from 20 threads in {store_s:.2f} s ({200 / store_s:.0f} per second)")

        client = app.test_client()
        with client.session_transaction() as session:
            session.update({"uid": member_id, "sv": 0, "login_at": time.time()})
        form = {
            "title": "Pelajaran lewat formulir",
            "summary": "Ringkasan.",
            "date": "2024-05-02",
            "tags": ["rtlh"],
            "region": ["33"],
            "contributor.name": "Penguji",
            "stakeholder_group": "regulator",
            "body": "## Latar belakang\n\nIsi.",
            "action": "submit",
        }
        times = []
        for i in range(30):
            started = time.perf_counter()
            response = client.post("/kontribusi/pembelajaran/baru", data={**form, "form_token": f"f-{i}"})
            times.append(time.perf_counter() - started)
            assert response.status_code == 303, response.status_code
        print(f"form post (validate + store): median {statistics.median(times) * 1000:.0f} ms over 30")

        from site_builder.build import build_site

        started = time.perf_counter()
        build_site(root / "mkdocs.yml", content_dir=root / "content", site_dir=root / "site")
        full_s = time.perf_counter() - started
        print(f"full site build: {full_s:.2f} s")

        with app.app_context(), session_scope() as db:
            ids = [s.id for s in db.query(Submission).order_by(Submission.id).limit(10)]
            for sid in ids:
                sub = db.get(Submission, sid)
                record(db, sub, moderator_id, "setujui", APPROVED)
                sub.reviewer_id = moderator_id
        times = []
        with app.test_request_context():
            for sid in ids:
                started = time.perf_counter()
                result = publish(sid, actor_id=moderator_id)
                times.append(time.perf_counter() - started)
                assert result.ok, result.error
        median = statistics.median(times[1:])  # the first also builds the whole search index
        print(f"publish one approved lesson: first {times[0]:.2f} s (builds the index), then median {median:.2f} s")
        print(f"ratio publish / full build: {median / full_s:.2f}")
        app.extensions["pokja_db"]["engine"].dispose()


if __name__ == "__main__":
    main()
