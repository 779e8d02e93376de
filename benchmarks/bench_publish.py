"""Benchmark of publication off the request path: approve-to-visible time at N documents.

For each size, on a generated content tree (benchmarks/corpus.py) in a temporary folder: a full site build
and search index, then the service on 127.0.0.1 with its publisher thread, in a process of its own (as
``pokja serve``), so that the poller below never takes the publisher's interpreter lock. Times, over HTTP,
the approve POST itself (it returns before publication), the approve-to-visible time (from the POST until
the page answers and /api/search finds the lesson, polled at 10 Hz like a moderator's reloads, not faster),
with where it went from the job's own timestamps (picked up, published, then visible), and a burst of
approvals published in one rebuild.

    .venv/bin/python benchmarks/bench_publish.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import os
import re
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

import requests  # noqa: E402
import yaml  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from benchmarks.corpus import generate  # noqa: E402
from flask_app import create_app, jobs  # noqa: E402
from flask_app.auth import User, hash_password  # noqa: E402
from flask_app.db import dispose, session_scope, utcnow  # noqa: E402
from flask_app.submissions import create_submission  # noqa: E402

PASSWORD = "kata-sandi-uji-123"
# How often the page and the search are asked (a moderator's reloads; 50 Hz took the publisher's GIL).
POLL_SECONDS = 0.1


def lesson(title: str) -> dict:
    return {
        "title": title,
        "summary": "Ringkasan.",
        "date": "2024-05-02",
        "tags": ["rtlh"],
        "region": ["33"],
        "contributor": {"name": "Penguji"},
        "stakeholder_group": "regulator",
    }


def visible(base: str, slug: str, word: str) -> bool:
    """The page answers and the search finds the word (a slow answer counts as not yet)."""
    try:
        page = requests.get(f"{base}/pembelajaran/{slug}/", timeout=60)
        if page.status_code != 200:
            return False
        return slug in requests.get(f"{base}/api/search", params={"q": word}, timeout=60).text
    except requests.RequestException:
        return False


def serve(config: dict, port_file: Path) -> None:
    """The service with its publisher thread, in this (child) process: writes its port, then serves."""
    app = create_app({**config, "PUBLISH_WORKER": True})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app.logger.setLevel(logging.INFO)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    port_file.write_text(str(server.server_port), encoding="utf-8")
    try:
        server.serve_forever()
    finally:
        jobs.stop_publisher(app)


def start_service(config: dict, root: Path) -> tuple[subprocess.Popen, str]:
    """Start the service process; returns it and its base URL once it listens."""
    port_file = root / "port"
    log = (root / "service.log").open("w", encoding="utf-8")
    child = subprocess.Popen(
        [sys.executable, __file__, "--serve", json.dumps(config), str(port_file)], stdout=log, stderr=log
    )
    deadline = time.monotonic() + 120
    while not port_file.exists() or not port_file.read_text(encoding="utf-8"):
        if child.poll() is not None or time.monotonic() > deadline:
            raise SystemExit(f"the service did not start: {(root / 'service.log').read_text(encoding='utf-8')}")
        time.sleep(0.1)
    return child, f"http://127.0.0.1:{port_file.read_text(encoding='utf-8')}"


def load_average() -> str:
    """The machine's load average (1, 5, 15 minutes), to print beside every figure."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def job_times(app, sid: int) -> tuple[float, float, float]:
    """(created, started, finished) of the submission's newest job, as epoch seconds (waits for the end:
    the page and the search hit are there a moment before the job is marked done)."""
    while True:
        with app.app_context(), session_scope() as db:
            job = jobs.latest_job(db, sid)
            times = (job.created_at, job.started_at, job.finished_at)
        if all(t is not None for t in times):
            return tuple(t.replace(tzinfo=t.tzinfo or dt.UTC).timestamp() for t in times)
        time.sleep(0.02)


def run(size: int) -> None:
    """Measure one size and print its figures."""
    from search.index import rebuild
    from site_builder.build import build_site
    from site_builder.content import load

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        generate(root / "content", size)
        # The site without its A4 PDFs: a cold PDF cache at 10,000 documents is an hour of WeasyPrint
        # (benchmarks/bench_pdf.py times it), and a published lesson has none.
        config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
        config["plugins"] = [{"pokja": {"pdf": False}}]
        (root / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
        started = time.perf_counter()
        build_site(root / "mkdocs.yml", content_dir=root / "content", site_dir=root / "site")
        rebuild(load(root / "content"), root / "index")
        print(f"[{size}] full build and index: {time.perf_counter() - started:.1f} s", flush=True)
        config = {"SECRET_KEY": secrets.token_hex(8), "ROOT_DIR": str(root), "INDEX_DIR": str(root / "index")}
        app = create_app({**config, "PUBLISH_WORKER": False})  # this process only files submissions
        with app.app_context(), session_scope() as db:
            users = []
            for role in ("anggota", "moderator"):
                user = User(email=f"{role}@contoh.id", name=role, role=role, active=True, created_at=utcnow())
                user.password_hash = hash_password(PASSWORD)
                db.add(user)
                db.flush()
                users.append(user.id)
        member_id = users[0]
        child, base = start_service(config, root)
        try:
            browser = requests.Session()
            token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(f"{base}/akun/masuk").text)[1]
            browser.post(
                f"{base}/akun/masuk", data={"email": "moderator@contoh.id", "password": PASSWORD, "csrf_token": token}
            )

            def file(title: str) -> int:
                with app.app_context(), session_scope() as db:
                    sub, _ = create_submission(
                        db,
                        doc_type="pembelajaran",
                        data=lesson(title),
                        body=f"Isi {title.split()[-1]}.\n",
                        author_id=member_id,
                        form_token=secrets.token_hex(8),
                    )
                    return sub.id

            def approve(sid: int) -> tuple[float, float]:
                token = re.search(r'name="csrf_token" value="([^"]+)"', browser.get(f"{base}/moderasi/{sid}").text)[1]
                started = time.time()
                response = browser.post(
                    f"{base}/moderasi/{sid}/setujui", data={"csrf_token": token}, allow_redirects=False
                )
                assert response.status_code == 303, response.status_code
                return started, time.time() - started

            # A running service has published before: the first publication of a new process loads the
            # build's state cold (timed here on its own, not in the figures below).
            sid = file("Pelajaran pemanasan katapanas")
            started, _post = approve(sid)
            while not visible(base, "pelajaran-pemanasan-katapanas", "katapanas"):
                time.sleep(POLL_SECONDS)
            seen = time.time()
            job_times(app, sid)  # its job closed too: the figures below never wait for the cold one
            print(
                f"[{size}] first publication of the service process (cold): visible after {seen - started:.2f} s, "
                f"job closed after {time.time() - started:.2f} s",
                flush=True,
            )
            posts, visibles, steps = [], [], []
            for n in range(5):
                word = f"kataunik{n}x"
                sid = file(f"Pelajaran bangku {word}")
                started, post_s = approve(sid)
                while not visible(base, f"pelajaran-bangku-{word}", word):
                    time.sleep(POLL_SECONDS)
                seen = time.time()
                _created, picked, done = job_times(app, sid)
                posts.append(post_s)
                visibles.append(seen - started)
                steps.append((picked - started, seen - picked, done - picked))
            print(
                f"[{size}] approve POST: median {statistics.median(posts) * 1000:.0f} ms; "
                f"approve-to-visible (page + search hit): median {statistics.median(visibles):.2f} s, "
                f"max {max(visibles):.2f} s over {len(visibles)} (load average {load_average()})",
                flush=True,
            )
            picked_s, seen_s, done_s = (statistics.median(x) for x in zip(*steps, strict=True))
            print(
                f"[{size}]   medians: job picked up {picked_s:.2f} s after the POST; page and search hit "
                f"{seen_s:.2f} s after that (polled every {POLL_SECONDS:.1f} s); job closed at {done_s:.2f} s",
                flush=True,
            )
            sids = [file(f"Pelajaran gelombang kataburst{n}x") for n in range(10)]
            started = time.time()
            for sid in sids:
                approve(sid)
            while not all(visible(base, f"pelajaran-gelombang-kataburst{n}x", f"kataburst{n}x") for n in range(10)):
                time.sleep(POLL_SECONDS)
            batches = len({job_times(app, sid)[1] for sid in sids})
            print(
                f"[{size}] burst of 10 approvals to all visible: {time.time() - started:.2f} s "
                f"in {batches} publication(s) (load average {load_average()})",
                flush=True,
            )
        finally:
            child.terminate()
            child.wait(30)
            dispose(app)


def main() -> None:
    """Run every size given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--serve", nargs=2, metavar=("CONFIG", "PORT_FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(json.loads(args.serve[0]), Path(args.serve[1]))
        return
    for size in (int(s) for s in args.sizes.split(",")):
        run(size)


if __name__ == "__main__":
    main()
