"""content/ and one git remote (``POKJA_GIT_REMOTE``): pull before writing, push after, and what a pull changed.

The publisher pulls with ``--rebase`` before it writes (so what authors pushed with git is kept under the
publications) and pushes after; every other node pulls (``pokja sync``) and updates only the pages and index
entries of the files the pull changed (``apply_changes``).
"""

from __future__ import annotations

import os
import subprocess
import threading
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GIT_TIMEOUT = 60.0
PUSH_ATTEMPTS = 3
# The header of the publisher's POST /_sync to each node (value: POKJA_SYNC_SECRET).
HEADER = "X-Pokja-Sync"
NOTIFY_TIMEOUT = 3.0


class PublishStepError(Exception):
    """One publication step failed; ``step`` names it for the message shown to the moderator."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step, self.detail = step, detail


class GitRemoteError(Exception):
    """A pull or a push failed; the message is git's own."""


@dataclass
class Changes:
    """The documents a pull changed: existing files (absolute) and removed ones (relative to content/)."""

    changed: list[Path] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    before: str = ""
    after: str = ""

    def __bool__(self) -> bool:
        return bool(self.changed or self.deleted)


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        # A rebase rewrites local commits: it needs a committer even on a machine without git identity.
        "GIT_COMMITTER_NAME": "Pokja PKP",
        "GIT_COMMITTER_EMAIL": "pokja@localhost",
        **os.environ,
        "GIT_TERMINAL_PROMPT": "0",
    }
    return subprocess.run(
        ["git", "-c", "commit.gpgsign=false", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=GIT_TIMEOUT,
        check=False,
    )


def _checked(args: list[str], cwd: Path) -> str:
    result = _git(args, cwd)
    if result.returncode != 0:
        raise GitRemoteError(f"git {args[0]}: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


def toplevel(content_dir: Path) -> Path:
    """The work tree holding content/ (a remote needs one)."""
    try:
        return Path(_checked(["rev-parse", "--show-toplevel"], content_dir))
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise GitRemoteError(str(exc)) from exc


def _branch(top: Path) -> str:
    return _checked(["rev-parse", "--abbrev-ref", "HEAD"], top)


def _head(top: Path) -> str:
    result = _git(["rev-parse", "--verify", "--quiet", "HEAD"], top)
    return result.stdout.strip() if result.returncode == 0 else ""


def _remote_has_branch(top: Path, remote: str, branch: str) -> bool:
    return bool(_checked(["ls-remote", "--heads", remote, branch], top))


def _plain_git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False
    )


def git_toplevel(folder: Path) -> Path | None:
    """The git work tree ``folder`` is in, or None when it is not in one (or git is missing)."""
    try:
        result = _plain_git(["rev-parse", "--show-toplevel"], folder)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return Path(result.stdout.strip()) if result.returncode == 0 and result.stdout.strip() else None


def _ident(name: str) -> str:
    # git refuses angle brackets and newlines in identities.
    return " ".join(name.replace("<", "").replace(">", "").split()) or "Anggota"


def git_commit(
    content_dir: Path, paths: list[Path], *, author: tuple[str, str], committer: tuple[str, str], message: str
) -> bool:
    """Commit ``paths`` (only them) when content/ is in a repository; False when there was nothing to do."""
    top = git_toplevel(content_dir)
    if top is None:
        return False
    rels = [os.path.relpath(p, top) for p in paths]
    added = _plain_git(["add", "--", *rels], top)
    if added.returncode != 0:
        raise PublishStepError("git", added.stderr.strip() or "git add")
    env = {
        **os.environ,
        "GIT_COMMITTER_NAME": _ident(committer[0]),
        "GIT_COMMITTER_EMAIL": committer[1],
    }
    result = _plain_git(
        [
            "-c",
            "commit.gpgsign=false",
            "commit",
            "--no-edit",
            "-m",
            message,
            f"--author={_ident(author[0])} <{author[1]}>",
            "--",
            *rels,
        ],
        top,
        env,
    )
    if result.returncode != 0:
        # Asked only now (one git process less per publication): nothing staged means an earlier attempt
        # committed these files already.
        if _plain_git(["diff", "--cached", "--quiet", "--", *rels], top).returncode == 0:
            return False
        raise PublishStepError("git", (result.stderr or result.stdout).strip() or "git commit")
    return True


def changes_between(content_dir: Path, before: str, after: str) -> Changes:
    """The Markdown documents of content/ that differ between two commits."""
    top = toplevel(content_dir)
    changes = Changes(before=before, after=after)
    if not before or before == after:
        return changes
    prefix = os.path.relpath(content_dir.resolve(), top.resolve())
    spec = [] if prefix == "." else [prefix]
    out = _checked(["diff", "--name-status", "--no-renames", before, after, "--", *spec], top)
    for line in out.splitlines():
        status, _, name = line.partition("\t")
        rel = os.path.relpath(top / name, content_dir.resolve()) if spec else name
        if not rel.endswith(".md") and not rel.startswith(("_schemas/", "_data/")):
            continue
        if status.startswith("D"):
            changes.deleted.append(Path(rel).as_posix())
        else:
            changes.changed.append(content_dir / rel)
    return changes


def pull(content_dir: Path, remote: str) -> Changes:
    """``git pull --rebase`` from ``remote`` (local commits go on top); returns what it changed."""
    top = toplevel(content_dir)
    branch = _branch(top)
    before = _head(top)
    if not _remote_has_branch(top, remote, branch):
        return Changes(before=before, after=before)  # a new remote: the first push creates the branch
    result = _git(["pull", "--rebase", "--quiet", remote, branch], top)
    if result.returncode != 0:
        _git(["rebase", "--abort"], top)  # never leave the tree half-rebased for the next writer
        raise GitRemoteError(f"git pull: {(result.stderr or result.stdout).strip()}")
    return changes_between(content_dir, before, _head(top))


def push(content_dir: Path, remote: str) -> Changes:
    """Push the current branch; when someone pushed in between, pull (rebase) and push again.

    Returns the changes those pulls brought (they need their pages and index entries too).
    """
    top = toplevel(content_dir)
    branch = _branch(top)
    brought = Changes()
    for attempt in range(PUSH_ATTEMPTS):
        result = _git(["push", "--quiet", remote, f"HEAD:refs/heads/{branch}"], top)
        if result.returncode == 0:
            return brought
        if attempt == PUSH_ATTEMPTS - 1:
            raise GitRemoteError(f"git push: {(result.stderr or result.stdout).strip()}")
        more = pull(content_dir, remote)
        brought.changed += more.changed
        brought.deleted += more.deleted
    return brought


def apply_changes(config: Any, changes: Changes) -> list[str]:
    """Update the site pages and index entries of the changed documents only; returns the pages written."""
    from flask_app.content import get_content, mkdocs_config_path
    from search import index as search_index
    from site_builder.build import publish_documents
    from site_builder.content import parse_document

    if not changes:
        return []
    content = get_content()
    # The files the pull changed or removed are parsed again (a schema change: every file, see content.py).
    content.invalidate([*changes.changed, *changes.deleted])  # the next look walks the whole tree
    snapshot = content.current()
    content_dir, index_dir = Path(config["CONTENT_DIR"]), Path(config["INDEX_DIR"])
    structural = any(
        p.relative_to(content_dir).as_posix().startswith(("_schemas/", "_data/")) for p in changes.changed
    ) or any(d.startswith(("_schemas/", "_data/")) for d in changes.deleted)
    docs = []
    for path in changes.changed:
        if path.suffix != ".md" or not path.is_file():
            continue
        rel = path.relative_to(content_dir).as_posix()
        doc, _problems, _validator = parse_document(
            path.read_text(encoding="utf-8"), rel, snapshot.schemas, snapshot.refdata
        )
        if doc is not None:
            doc.path = path
            docs.append(doc)
    deleted_slugs = [Path(d).stem for d in changes.deleted if d.endswith(".md")]
    if not search_index.exists(index_dir):
        search_index.rebuild(snapshot.corpus, index_dir)
    elif structural:
        search_index.check(snapshot.corpus, index_dir, repair=True)
    else:
        try:
            search_index.update_documents(index_dir, docs, deleted_slugs)
        except search_index.IndexOutdated:
            search_index.check(snapshot.corpus, index_dir, repair=True)
    pages = publish_documents(
        [p for p in changes.changed if p.is_file()],
        config_file=mkdocs_config_path(config),
        content_dir=content_dir,
        site_dir=Path(config["SITE_DIR"]),
        deleted=[d for d in changes.deleted if d.endswith(".md")],
    )
    return list(pages or [])


def node_urls(config: Any) -> list[str]:
    """The base URLs of ``SYNC_NODES``."""
    return [u.strip().rstrip("/") for u in str(config.get("SYNC_NODES") or "").split(",") if u.strip()]


def _post(url: str, secret: str, app: Any) -> None:
    req = urllib.request.Request(f"{url}/_sync", data=b"", method="POST", headers={HEADER: secret})
    try:
        with urllib.request.urlopen(req, timeout=NOTIFY_TIMEOUT) as response:
            response.read()
    except Exception as exc:
        # A node that is down catches up by its timer or at its next start.
        app.logger.warning("sync notification to %s failed: %s", url, exc)


def notify_nodes(app: Any) -> list[threading.Thread]:
    """Ask every node of ``SYNC_NODES`` to sync now (in the background; never holds the publisher)."""
    secret = str(app.config.get("SYNC_SECRET") or "")
    threads = []
    for url in node_urls(app.config) if secret else []:
        thread = threading.Thread(target=_post, args=(url, secret, app), name="pokja-notify", daemon=True)
        thread.start()
        threads.append(thread)
    return threads
