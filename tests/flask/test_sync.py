"""POST /_sync (the publisher's notification) and the changes a pull brings."""

from __future__ import annotations

import subprocess
from pathlib import Path

from flask_app import gitremote
from flask_app.gitremote import HEADER, node_urls
from flask_app.sync import stop_syncer


def git(cwd: Path, *args: str) -> str:
    ident = ["-c", "user.name=Penulis", "-c", "user.email=penulis@contoh.id"]
    return subprocess.run(
        ["git", *ident, *args], cwd=cwd, capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_the_sync_endpoint_needs_the_shared_secret(make_app, tmp_path):
    remote = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", str(remote))
    app = make_app(GIT_REMOTE=str(remote), SYNC_SECRET="rahasia-bersama", SYNC_SECONDS=0)
    client = app.test_client()
    try:
        assert client.post("/_sync").status_code == 404
        assert client.post("/_sync", headers={HEADER: "tebakan"}).status_code == 404
        assert app.extensions["pokja_sync"].get("syncer") is None
        response = client.post("/_sync", headers={HEADER: "rahasia-bersama"})  # no CSRF token: not a form
        assert response.status_code == 202 and response.get_json() == {"ok": True}
        assert app.extensions["pokja_sync"]["syncer"].is_alive()
    finally:
        stop_syncer(app)
    unset = make_app(GIT_REMOTE=str(remote), SYNC_SECRET="")
    assert unset.test_client().post("/_sync", headers={HEADER: ""}).status_code == 404


def test_node_urls_are_read_from_the_setting():
    assert node_urls({"SYNC_NODES": " http://a:8000/ ,http://b:8000,, "}) == ["http://a:8000", "http://b:8000"]


def test_a_pull_names_the_documents_it_changed_and_removed(tmp_path):
    remote, author, node = tmp_path / "remote.git", tmp_path / "author", tmp_path / "node"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(remote))
    (author / "pembelajaran").mkdir(parents=True)
    (author / "pembelajaran" / "lama.md").write_text("lama\n", encoding="utf-8")
    (author / "pembelajaran" / "tetap.md").write_text("tetap\n", encoding="utf-8")
    git(author, "init", "-q", "-b", "main")
    git(author, "add", ".")
    git(author, "commit", "-qm", "awal")
    git(author, "push", "-q", str(remote), "main")
    git(tmp_path, "clone", "-q", str(remote), str(node))
    assert not gitremote.pull(node, str(remote))  # nothing new
    (author / "pembelajaran" / "baru.md").write_text("baru\n", encoding="utf-8")
    (author / "pembelajaran" / "lama.md").unlink()
    (author / "catatan.txt").write_text("bukan dokumen\n", encoding="utf-8")
    git(author, "add", "-A")
    git(author, "commit", "-qm", "ubah")
    git(author, "push", "-q", str(remote), "main")
    # A local commit of the node (a publication) stays, rebased on top of what the author pushed.
    (node / "pembelajaran" / "terbit.md").write_text("terbit\n", encoding="utf-8")
    git(node, "add", ".")
    git(node, "commit", "-qm", "terbit")
    changes = gitremote.pull(node, str(remote))
    assert changes.changed == [node / "pembelajaran" / "baru.md"]
    assert changes.deleted == ["pembelajaran/lama.md"]
    assert git(node, "log", "--format=%s").split() == ["terbit", "ubah", "awal"]
    gitremote.push(node, str(remote))
    assert git(remote, "log", "--format=%s", "main").split() == ["terbit", "ubah", "awal"]
