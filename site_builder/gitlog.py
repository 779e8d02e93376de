"""Git as the history store: a file's revisions, its text at a revision, blob ids, three-way merges.

Read by the site (``Terakhir diubah ... oleh ...`` under every document) and by the service (the
history pages, edit proposals and their merge). Every call is bounded and returns nothing, rather
than failing, when the content tree is not in a repository or git is missing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GIT_TIMEOUT = 30.0
_SEP = "\x1f"
_REC = "\x1e"


@dataclass(frozen=True)
class Revision:
    """One commit that changed a file: id, date, author and message."""

    commit: str
    date: dt.datetime
    author: str
    email: str
    subject: str
    message: str = ""

    @property
    def short(self) -> str:
        """The abbreviated commit id people read."""
        return self.commit[:10]


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes] | None:
    try:
        return subprocess.run(
            ["git", *args], cwd=cwd, input=stdin, capture_output=True, timeout=GIT_TIMEOUT, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None


@lru_cache(maxsize=16)
def _toplevel(folder: str) -> str | None:
    result = _git(["rev-parse", "--show-toplevel"], Path(folder))
    if result is None or result.returncode != 0:
        return None
    return result.stdout.decode().strip() or None


def toplevel(folder: Path) -> Path | None:
    """The work tree ``folder`` is in, or None (cached: asked once per page otherwise)."""
    if not folder.is_dir():
        return None
    top = _toplevel(str(folder.resolve()))
    return Path(top) if top else None


def blob_id(data: bytes) -> str:
    """Git's blob id of ``data`` (what ``git hash-object`` prints), computed without git."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data, usedforsecurity=False).hexdigest()


def _repo_path(content_dir: Path, rel: str) -> tuple[Path, str] | None:
    top = toplevel(content_dir)
    if top is None:
        return None
    return top, os.path.relpath(content_dir.resolve() / rel, top).replace(os.sep, "/")


def _parse_log(raw: str) -> list[Revision]:
    out = []
    for record in raw.split(_REC):
        record = record.strip("\n")
        if not record:
            continue
        commit, date, author, email, subject, body = (record.split(_SEP) + [""] * 6)[:6]
        out.append(Revision(commit, dt.datetime.fromisoformat(date), author, email, subject, body.strip()))
    return out


_FORMAT = f"--format={_REC}%H{_SEP}%aI{_SEP}%an{_SEP}%ae{_SEP}%s{_SEP}%b"


def head_id(top: Path) -> str | None:
    """The commit HEAD points at, read from the files under .git (no process); None when unsure."""
    git_dir = top / ".git"
    try:
        head = (git_dir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head or None
        ref = head.removeprefix("ref: ")
        loose = git_dir / ref
        if loose.is_file():
            return loose.read_text(encoding="utf-8").strip() or None
        for line in (git_dir / "packed-refs").read_text(encoding="utf-8").splitlines():
            if line.endswith(f" {ref}"):
                return line.split()[0]
    except OSError:
        return None  # a worktree's .git file, or no repository: ask git every time
    return None


# A file's log for one HEAD, and a file's text at one commit, never change: kept (bounded).
_LOGS: dict[tuple[str, str, str, int], list[Revision]] = {}
MAX_CACHED_LOGS = 256


def log(content_dir: Path, rel: str, limit: int = 500) -> list[Revision]:
    """The revisions of ``content_dir/rel``, newest first (empty outside a repository)."""
    found = _repo_path(content_dir, rel)
    if found is None:
        return []
    top, path = found
    head = head_id(top)
    key = (str(top), head or "", path, limit)
    if head is not None and key in _LOGS:
        return _LOGS[key]
    result = _git(["log", f"--max-count={limit}", _FORMAT, "--", path], top)
    if result is None or result.returncode != 0:
        return []
    revisions = _parse_log(result.stdout.decode("utf-8", "replace"))
    if head is not None:
        if len(_LOGS) >= MAX_CACHED_LOGS:
            _LOGS.pop(next(iter(_LOGS)))
        _LOGS[key] = revisions
    return revisions


def show(content_dir: Path, commit: str, rel: str) -> str | None:
    """The text of ``rel`` at ``commit`` (None when the commit or the file there does not exist)."""
    found = _repo_path(content_dir, rel)
    if found is None or not commit.isalnum():
        return None
    top, path = found
    result = _git(["show", f"{commit}:{path}"], top)
    if result is None or result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def show_many(content_dir: Path, commits: list[str], rel: str) -> list[str | None]:
    """The texts of ``rel`` at each of ``commits`` (full ids), in at most one git call."""
    found = _repo_path(content_dir, rel)
    if found is None or not all(c.isalnum() for c in commits):
        return [None] * len(commits)
    top, path = found
    keys = [(str(top), c, path) for c in commits]
    missing = [c for c, k in zip(commits, keys, strict=True) if k not in _TEXTS]
    if missing:
        for commit, text in zip(missing, _cat_file(top, missing, path), strict=True):
            if len(commit) == 40 and text is not None:
                if len(_TEXTS) >= MAX_CACHED_TEXTS:
                    _TEXTS.pop(next(iter(_TEXTS)))
                _TEXTS[(str(top), commit, path)] = text
            else:
                return _cat_file(top, commits, path)
    return [_TEXTS.get(k) for k in keys]


_TEXTS: dict[tuple[str, str, str], str] = {}
MAX_CACHED_TEXTS = 512


def _cat_file(top: Path, commits: list[str], path: str) -> list[str | None]:
    stdin = "".join(f"{c}:{path}\n" for c in commits).encode()
    result = _git(["cat-file", "--batch"], top, stdin=stdin)
    if result is None or result.returncode != 0:
        return [None] * len(commits)
    out: list[str | None] = []
    data, pos = result.stdout, 0
    for _commit in commits:
        end = data.index(b"\n", pos)
        header = data[pos:end].split()
        pos = end + 1
        if len(header) != 3 or header[1] != b"blob":
            out.append(None)  # "<name> missing"
            continue
        size = int(header[2])
        out.append(data[pos : pos + size].decode("utf-8", "replace"))
        pos += size + 1  # the blob and its closing newline
    return out


def read_blob(content_dir: Path, blob: str) -> str | None:
    """The text of the blob ``blob`` from the repository (None when it is not there)."""
    top = toplevel(content_dir)
    if top is None or len(blob) != 40 or not all(c in "0123456789abcdef" for c in blob):
        return None
    result = _git(["cat-file", "blob", blob], top)
    if result is None or result.returncode != 0:
        return None
    return result.stdout.decode("utf-8", "replace")


def last_changes(content_dir: Path) -> dict[str, Revision]:
    """The last revision of every file under ``content_dir`` (keys relative to it), in one git call."""
    top = toplevel(content_dir)
    if top is None:
        return {}
    prefix = os.path.relpath(content_dir.resolve(), top).replace(os.sep, "/")
    prefix = "" if prefix == "." else prefix + "/"
    result = _git(["log", _FORMAT.replace("%b", ""), "--name-only", "--", prefix or "."], top)
    if result is None or result.returncode != 0:
        return {}
    out: dict[str, Revision] = {}
    for record in result.stdout.decode("utf-8", "replace").split(_REC):
        head, _, names = record.partition("\n")
        if not head:
            continue
        (revision,) = _parse_log(head)
        for name in names.split("\n"):
            if name.startswith(prefix) and name and (rel := name[len(prefix) :]) not in out:
                out[rel] = revision
    return out


def merge(base: str, ours: str, theirs: str) -> tuple[str, bool]:
    """Three-way merge with ``git merge-file``: (merged text, whether it conflicted)."""
    with tempfile.TemporaryDirectory(prefix="pokja-merge-") as tmp:
        paths = []
        for name, text in (("terbit", ours), ("dasar", base), ("usulan", theirs)):
            path = Path(tmp) / name
            path.write_text(text, encoding="utf-8")
            paths.append(str(path))
        result = _git(["merge-file", "-p", "-L", "terbit", "-L", "dasar", "-L", "usulan", *paths], Path(tmp))
    if result is None or result.returncode < 0:
        raise OSError("git merge-file failed")
    return result.stdout.decode("utf-8"), result.returncode != 0
