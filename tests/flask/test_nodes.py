"""Several nodes from one git remote: a publisher and two service nodes behind nginx, all on 127.0.0.1.

A lesson approved through nginx (whichever node answers) is on the other node's site and in its search
within 10 s (the publisher pushes to the bare remote and calls each node's ``/_sync``); a node stopped
while a lesson is published catches up when it starts again.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.conftest import CONTENT, REPO
from tests.flask.conftest import DEFAULT_PASSWORD, password_hash
from tests.flask.test_publish import lesson

NGINX = Path("/usr/sbin/nginx")
VISIBLE_WITHIN = 10.0
START_TIMEOUT = 600.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def git(cwd: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "Penulis", "GIT_AUTHOR_EMAIL": "penulis@contoh.id"}
    env |= {"GIT_COMMITTER_NAME": "Penulis", "GIT_COMMITTER_EMAIL": "penulis@contoh.id"}
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, check=True, timeout=60
    ).stdout


NGINX_CONF = """
{user}
worker_processes 1;
pid {root}/nginx.pid;
error_log {root}/error.log;
events {{ worker_connections 128; }}
http {{
    access_log off;
    client_body_temp_path {root}/body;
    proxy_temp_path {root}/proxy;
    fastcgi_temp_path {root}/fastcgi;
    uwsgi_temp_path {root}/uwsgi;
    scgi_temp_path {root}/scgi;
    upstream pokja {{
        server 127.0.0.1:{a} max_fails=1 fail_timeout=2s;
        server 127.0.0.1:{b} max_fails=1 fail_timeout=2s;
    }}
    server {{
        listen 127.0.0.1:{port};
        location / {{
            proxy_pass http://pokja;
            proxy_set_header Host $host:$server_port;
            proxy_next_upstream error timeout;
            proxy_connect_timeout 2s;
        }}
    }}
}}
"""


class Cluster:
    """The processes of the test; every one is stopped at the end."""

    def __init__(self, tmp: Path, database_url: str) -> None:
        self.tmp, self.database_url = tmp, database_url
        self.remote = tmp / "remote.git"
        self.secret, self.sync_secret = secrets.token_hex(16), secrets.token_hex(16)
        self.ports = {"a": free_port(), "b": free_port()}
        self.nginx_port = free_port()
        self.procs: dict[str, subprocess.Popen[bytes]] = {}

    def url(self, node: str) -> str:
        return f"http://127.0.0.1:{self.ports[node]}"

    def prepare(self) -> None:
        seed = self.tmp / "seed"
        shutil.copytree(CONTENT, seed)
        git(seed, "init", "-q", "-b", "main")
        git(seed, "add", ".")
        git(seed, "commit", "-qm", "awal")
        git(self.tmp, "init", "-q", "--bare", "-b", "main", str(self.remote))
        git(seed, "push", "-q", str(self.remote), "main")
        for node in ("pub", "a", "b"):
            folder = self.tmp / node
            folder.mkdir()
            git(self.tmp, "clone", "-q", str(self.remote), str(folder / "content"))
            shutil.copy(REPO / "mkdocs.yml", folder / "mkdocs.yml")

    def env(self, node: str) -> dict[str, str]:
        folder = self.tmp / node
        env = {k: v for k, v in os.environ.items() if not k.startswith("POKJA_")}
        env |= {
            "POKJA_ROOT": str(folder),
            "POKJA_DATABASE_URL": self.database_url,
            "POKJA_SECRET_KEY": self.secret,
            "POKJA_GIT_REMOTE": str(self.remote),
            "POKJA_SYNC_SECRET": self.sync_secret,
            "POKJA_MAIL_WORKER": "0",
            "POKJA_BASE_URL": f"http://127.0.0.1:{self.nginx_port}",
            "NO_MKDOCS_2_WARNING": "1",
        }
        if node == "pub":
            env["POKJA_SYNC_NODES"] = f"{self.url('a')},{self.url('b')}"
        else:
            env |= {"POKJA_PUBLISH_WORKER": "0", "POKJA_SYNC_SECONDS": "60"}
        return env

    def start(self, node: str) -> None:
        if node == "pub":
            args = [sys.executable, "-m", "flask_app.cli", "publisher", "--poll", "0.5"]
        else:
            args = [sys.executable, "-m", "flask_app.cli", "serve", "--host", "127.0.0.1"]
            args += ["--port", str(self.ports[node])]
        with open(self.tmp / f"{node}.log", "ab") as log:  # the child keeps its own copy of the descriptor
            self.procs[node] = subprocess.Popen(args, cwd=REPO, env=self.env(node), stdout=log, stderr=log)

    def start_nginx(self) -> None:
        root = self.tmp / "nginx"
        root.mkdir()
        user = "user root root;" if os.geteuid() == 0 else ""
        conf = NGINX_CONF.format(user=user, root=root, a=self.ports["a"], b=self.ports["b"], port=self.nginx_port)
        (root / "nginx.conf").write_text(conf, encoding="utf-8")
        with open(root / "stderr.log", "wb") as err:
            self.procs["nginx"] = subprocess.Popen(
                [str(NGINX), "-p", str(root), "-c", str(root / "nginx.conf"), "-g", "daemon off;"],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )

    def wait_ready(self, node: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while True:
            proc = self.procs[node]
            assert proc.poll() is None, self.log(node)
            try:
                if requests.get(f"{self.url(node)}/akun/masuk", timeout=2).status_code == 200:
                    return
            except requests.RequestException:
                pass
            assert time.monotonic() < deadline, f"{node} never answered:\n{self.log(node)}"
            time.sleep(0.3)

    def wait_log(self, node: str, text: str, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log(node):
            assert self.procs[node].poll() is None, self.log(node)
            assert time.monotonic() < deadline, f"{node}: no {text!r}:\n{self.log(node)}"
            time.sleep(0.3)

    def log(self, node: str) -> str:
        path = self.tmp / f"{node}.log"
        return path.read_text(encoding="utf-8", errors="replace")[-4000:] if path.exists() else ""

    def stop(self, node: str) -> None:
        proc = self.procs.pop(node, None)
        if proc is None:
            return
        proc.send_signal(signal.SIGINT if node != "nginx" else signal.SIGQUIT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=20)

    def stop_all(self) -> None:
        for node in list(self.procs):
            self.stop(node)


@pytest.fixture
def cluster_db(tmp_path: Path) -> Iterator[str]:
    """The shared database: the suite's PostgreSQL when it runs, else one SQLite file (one machine)."""
    base = os.environ.get("POKJA_TEST_DATABASE_URL", "")
    if not base:
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    import sqlalchemy as sa

    schema = f"t_{secrets.token_hex(6)}"
    admin = sa.create_engine(base)
    with admin.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    try:
        yield f"{base}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def seed_accounts(cluster: Cluster) -> tuple[Any, Any, Any]:
    """A member and a moderator in the shared database, and an app on it to file submissions."""
    from flask_app import create_app
    from flask_app.auth import User
    from flask_app.db import session_scope, utcnow

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": cluster.secret,
            "ROOT_DIR": str(cluster.tmp / "pub"),
            "DATABASE_URL": cluster.database_url,
        }
    )
    people = []
    with app.app_context(), session_scope() as db:
        for role in ("anggota", "moderator"):
            user = User(email=f"{role}@contoh.id", name=f"Uji {role}", role=role, active=True, created_at=utcnow())
            user.password_hash = password_hash(DEFAULT_PASSWORD)
            db.add(user)
            db.flush()
            db.expunge(user)
            people.append(user)
    return app, people[0], people[1]


def file_lesson(app: Any, author: Any, title: str, word: str) -> int:
    from flask_app.db import session_scope
    from flask_app.submissions import create_submission

    with app.app_context(), session_scope() as db:
        sub, _ = create_submission(
            db,
            doc_type="pembelajaran",
            data=lesson(title),
            body=f"## Latar belakang\n\nWarga {word} bergotong royong.\n",
            author_id=author.id,
            form_token=secrets.token_hex(8),
        )
        return sub.id


def csrf_of(session: requests.Session, url: str) -> str:
    page = session.get(url, timeout=30).text
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def visible(base: str, slug: str, word: str) -> bool:
    """The page answers on ``base`` and the node's search finds the word."""
    try:
        page = requests.get(f"{base}/pembelajaran/{slug}/", timeout=5)
        hits = requests.get(f"{base}/api/search", params={"q": word}, timeout=5)
    except requests.RequestException:
        return False
    return page.status_code == 200 and hits.status_code == 200 and slug in hits.text


def wait_visible(cluster: Cluster, nodes: list[str], slug: str, word: str, started: float) -> dict[str, float]:
    """Seconds from ``started`` until each node shows the page and finds it; fails after VISIBLE_WITHIN."""
    seen: dict[str, float] = {}
    while len(seen) < len(nodes) and time.monotonic() - started < 6 * VISIBLE_WITHIN:
        for node in nodes:
            if node not in seen and visible(cluster.url(node), slug, word):
                seen[node] = time.monotonic() - started
        time.sleep(0.1)
    print(f"approve-to-visible of {slug}: {seen}")
    logs = "\n".join(f"== {n}\n{cluster.log(n)}" for n in ("pub", *nodes))
    assert len(seen) == len(nodes) and max(seen.values()) < VISIBLE_WITHIN, f"{slug}: {seen}\n{logs}"
    return seen


@pytest.mark.slow
def test_a_lesson_approved_on_one_node_is_on_every_node_and_a_restarted_node_converges(tmp_path, cluster_db):
    if not NGINX.is_file():
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("CI=true but /usr/sbin/nginx is missing: `make system-deps` installs it")
        pytest.skip("/usr/sbin/nginx is missing (`make system-deps` installs Debian's nginx)")
    cluster = Cluster(tmp_path, cluster_db)
    cluster.prepare()
    app, member, moderator = seed_accounts(cluster)
    try:
        for node in ("a", "b"):
            cluster.start(node)
        cluster.start("pub")
        cluster.start_nginx()
        for node in ("a", "b"):
            cluster.wait_ready(node)
        cluster.wait_log("pub", "Penerbit berjalan")
        front = f"http://127.0.0.1:{cluster.nginx_port}"
        browser = requests.Session()
        token = csrf_of(browser, f"{front}/akun/masuk")
        browser.post(
            f"{front}/akun/masuk",
            data={"email": moderator.email, "password": DEFAULT_PASSWORD, "csrf_token": token},
            timeout=30,
        )

        def approve_through_nginx(sid: int) -> float:
            token = csrf_of(browser, f"{front}/moderasi/{sid}")
            started = time.monotonic()
            response = browser.post(
                f"{front}/moderasi/{sid}/setujui", data={"csrf_token": token}, timeout=30, allow_redirects=False
            )
            assert response.status_code == 303, response.text[-2000:]
            return started

        sid = file_lesson(app, member, "Pelajaran dua simpul", "simpulsatu")
        started = approve_through_nginx(sid)
        slug = "pelajaran-dua-simpul"
        wait_visible(cluster, ["a", "b"], slug, "simpulsatu", started)
        assert f"Terbitkan kiriman #{sid}" in git(cluster.remote, "log", "--format=%s", "-1")

        # Node b is down while the next lesson is approved; nginx sends everyone to a.
        cluster.stop("b")
        sid2 = file_lesson(app, member, "Pelajaran simpul mati", "simpuldua")
        wait_visible(cluster, ["a"], "pelajaran-simpul-mati", "simpuldua", approve_through_nginx(sid2))
        assert not (tmp_path / "b" / "content" / "pembelajaran" / "pelajaran-simpul-mati.md").exists()
        cluster.start("b")
        cluster.wait_ready("b")  # it pulls before it answers
        assert visible(cluster.url("b"), "pelajaran-simpul-mati", "simpuldua"), cluster.log("b")
        assert visible(cluster.url("b"), slug, "simpulsatu")
        heads = {git(tmp_path / n / "content", "rev-parse", "HEAD") for n in ("pub", "a", "b")}
        assert heads == {git(cluster.remote, "rev-parse", "main")}
    finally:
        cluster.stop_all()
        from flask_app.db import dispose

        dispose(app)
