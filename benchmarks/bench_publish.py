"""Benchmark of publication off the request path: approve-to-visible time at N documents.

For each size, on a generated content tree (benchmarks/corpus.py) in a temporary folder: a full site build
and search index, then the service on 127.0.0.1 with its publisher thread. Times, over HTTP, the approve
POST itself (it returns before publication), the approve-to-visible time (from the POST until the page
answers and /api/search finds the lesson), and a burst of approvals published in one rebuild.

    .venv/bin/python benchmarks/bench_publish.py --sizes 1000,10000
"""

from __future__ import annotations

import argparse
import logging
import re
import secrets
import statistics
import sys
import tempfile
import threading
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
        app = create_app(
            {
                "SECRET_KEY": secrets.token_hex(8),
                "ROOT_DIR": str(root),
                "INDEX_DIR": str(root / "index"),
                "PUBLISH_WORKER": True,
            }
        )
        with app.app_context(), session_scope() as db:
            users = []
            for role in ("anggota", "moderator"):
                user = User(email=f"{role}@contoh.id", name=role, role=role, active=True, created_at=utcnow())
                user.password_hash = hash_password(PASSWORD)
                db.add(user)
                db.flush()
                users.append(user.id)
        member_id = users[0]
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}"
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
                started = time.perf_counter()
                response = browser.post(
                    f"{base}/moderasi/{sid}/setujui", data={"csrf_token": token}, allow_redirects=False
                )
                assert response.status_code == 303, response.status_code
                return started, time.perf_counter() - started

            posts, visibles = [], []
            for n in range(5):
                word = f"kataunik{n}x"
                sid = file(f"Pelajaran bangku {word}")
                started, post_s = approve(sid)
                while not visible(base, f"pelajaran-bangku-{word}", word):
                    time.sleep(0.02)
                posts.append(post_s)
                visibles.append(time.perf_counter() - started)
            print(
                f"[{size}] approve POST: median {statistics.median(posts) * 1000:.0f} ms; "
                f"approve-to-visible (page + search hit): median {statistics.median(visibles):.2f} s, "
                f"max {max(visibles):.2f} s over {len(visibles)}",
                flush=True,
            )
            sids = [file(f"Pelajaran gelombang kataburst{n}x") for n in range(10)]
            started = time.perf_counter()
            for sid in sids:
                approve(sid)
            while not all(visible(base, f"pelajaran-gelombang-kataburst{n}x", f"kataburst{n}x") for n in range(10)):
                time.sleep(0.05)
            print(f"[{size}] burst of 10 approvals to all visible: {time.perf_counter() - started:.2f} s", flush=True)
        finally:
            server.shutdown()
            jobs.stop_publisher(app)
            dispose(app)


def main() -> None:
    """Run every size given."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000")
    for size in (int(s) for s in parser.parse_args().sizes.split(",")):
        run(size)


if __name__ == "__main__":
    main()
