"""The one publisher: an approved submission becomes a Markdown document in content/<type>/.

Steps, each of which may fail and be retried: choose the slug (kept in the database, so a retry
writes the same file), copy attachments, write the file atomically, commit it to git when content/
is in a repository, update the search index, rebuild the pages it touches. On any failure the
submission stays approved (disetujui) with the error saved; ``publish`` again resumes idempotently.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import select
from sqlalchemy.orm import Session

from flask_app.auth import User
from flask_app.content import Snapshot, get_content, mkdocs_config_path
from flask_app.db import audit, get_session
from flask_app.submissions import APPROVED, PUBLISHED, Submission, record
from site_builder.content import (
    RESERVED_SLUGS,
    SLUG_RE,
    Document,
    document_text,
    parse_document,
    reference_problems,
    slugify,
)
from site_builder.i18n import _
from site_builder.render import markup_problem

DEFAULT_LOCK_TIMEOUT = 30.0
GIT_TIMEOUT = 30.0
TMP_PREFIX = ".pokja-publish-"
ATTACHMENT_FOLDER = "lampiran"
# The steps of the other kinds of proposal (edits, restores, withdrawals), by Submission.kind:
# flask_app/publish_edit.py registers itself here, so it builds on these steps without a cycle.
KIND_STEPS: dict[str, Callable[..., None]] = {}


class PublishBusy(Exception):
    """Another publication holds the lock longer than the bounded wait."""


class PublishStepError(Exception):
    """One publication step failed; ``step`` names it for the message shown to the moderator."""

    def __init__(self, step: str, detail: str) -> None:
        super().__init__(f"{step}: {detail}")
        self.step, self.detail = step, detail


@dataclass
class PublishResult:
    """What a publication did: the file written (relative to content/), or the error that stopped it."""

    submission_id: int
    ok: bool
    path: str | None = None
    error: str | None = None
    step: str | None = None
    pages: list[str] = field(default_factory=list)
    committed: bool = False


@contextlib.contextmanager
def publish_lock(lock_path: Path, timeout: float) -> Iterator[None]:
    """Hold the single publisher lock, waiting at most ``timeout`` seconds (released if the process dies)."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    deadline = time.monotonic() + timeout
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise PublishBusy(_("contrib.publish_busy")) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


# --- the steps (module-level so tests can inject a failure at each one) -----------------------


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same folder, fsynced, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=TMP_PREFIX, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def clean_leftovers(folder: Path) -> list[Path]:
    """Remove temporary files a killed publisher left behind (only called under the lock)."""
    removed = []
    if folder.is_dir():
        for tmp in folder.glob(f"{TMP_PREFIX}*.tmp"):
            tmp.unlink(missing_ok=True)
            removed.append(tmp)
    return removed


def copy_attachments(sub: Submission, upload_dir: Path, target_dir: Path) -> list[dict[str, str]]:
    """Copy the submission's files into content/<type>/lampiran/ under their generated names."""
    entries = []
    for att in sub.attachments:
        source = upload_dir / att.stored_name
        target = target_dir / att.stored_name
        if not (target.is_file() and target.stat().st_size == att.size):
            write_atomic(target, source.read_bytes())
        entries.append({"file": f"{ATTACHMENT_FOLDER}/{att.stored_name}", "title": att.title or att.original_name})
    return entries


def _git(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=GIT_TIMEOUT, check=False
    )


def git_toplevel(folder: Path) -> Path | None:
    """The git work tree ``folder`` is in, or None when it is not in one (or git is missing)."""
    try:
        result = _git(["rev-parse", "--show-toplevel"], folder)
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
    added = _git(["add", "--", *rels], top)
    if added.returncode != 0:
        raise PublishStepError("git", added.stderr.strip() or "git add")
    if _git(["diff", "--cached", "--quiet", "--", *rels], top).returncode == 0:
        return False  # already committed by an earlier attempt
    env = {
        **os.environ,
        "GIT_COMMITTER_NAME": _ident(committer[0]),
        "GIT_COMMITTER_EMAIL": committer[1],
    }
    result = _git(
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
        raise PublishStepError("git", (result.stderr or result.stdout).strip() or "git commit")
    return True


def update_index(index_dir: Path, doc: Document, snapshot: Snapshot) -> None:
    """Add or replace the document in the search index (building the whole index when there is none)."""
    from search.index import exists, rebuild, update_documents

    if not exists(index_dir):
        # An index holding only this document would hide every other one from search.
        rebuild(snapshot.corpus, index_dir)
        return
    update_documents(index_dir, [doc])


def rebuild_pages(path: Path, app_config: dict[str, Any]) -> list[str]:
    """Rebuild the site pages the new document touches; returns their URLs."""
    from site_builder.build import publish_documents

    return list(
        publish_documents(
            [path],
            config_file=mkdocs_config_path(app_config),
            content_dir=Path(app_config["CONTENT_DIR"]),
            site_dir=Path(app_config["SITE_DIR"]),
        )
        or []
    )


# --- the publisher -----------------------------------------------------------------------------


def _choose_slug(db: Session, sub: Submission, snapshot: Snapshot) -> str:
    if sub.slug and sub.slug not in RESERVED_SLUGS:  # a slug chosen before reservation is chosen again
        return sub.slug
    base = slugify(sub.title)[:70].strip("-")
    if not SLUG_RE.match(base):
        base = f"kiriman-{sub.id}"
    taken = snapshot.taken_slugs()
    taken |= set(db.scalars(select(Submission.slug).where(Submission.slug.is_not(None), Submission.id != sub.id)))
    slug, n = base, 2
    taken |= RESERVED_SLUGS  # "Index" becomes index-2, never the type's generated listing
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    sub.slug = slug
    db.commit()  # kept before any file is written: a retry writes the same file
    return slug


def _person(db: Session, user_id: int | None) -> tuple[str, str]:
    user = db.get(User, user_id) if user_id is not None else None
    if user is None:
        return ("Pokja PKP", "pokja@localhost")
    return (user.display_name, user.email)


def build_document_text(
    db: Session, sub: Submission, attachments: list[dict[str, str]], snapshot: Snapshot
) -> tuple[str, Document]:
    """The published file's text and its validated Document (the one validator; never string formatting)."""
    meta = dict(sub.data)
    if attachments:
        meta["attachments"] = attachments
    contribution: dict[str, Any] = {"submission": sub.id, "contributor": _person(db, sub.author_id)[0]}
    if sub.reviewer_id is not None:
        contribution["approved_by"] = _person(db, sub.reviewer_id)[0]
    meta["contribution"] = contribution
    rel = f"{sub.type}/{sub.slug}.md"
    near = markup_problem(sub.body)
    if near is not None:
        # Never write a file that would stop the site build.
        raise PublishStepError("validasi", _("contrib.publish_invalid", detail=_("contrib.body_bad_markup", near=near)))
    if (refusal := get_content().render_refusal(sub.body)) is not None:
        # A body past the limits would hold (or crash) the site build: refused before anything is written.
        raise PublishStepError("validasi", _("contrib.publish_invalid", detail=refusal))
    doc, problems, validator = parse_document(
        document_text(meta, sub.body, snapshot.schemas.get(sub.type)), rel, snapshot.schemas, snapshot.refdata
    )
    if doc is not None and validator is not None:
        # Checked before anything is written: a reference to nothing would wedge every later build.
        problems = problems + reference_problems(validator, snapshot.corpus)
        if any(p.severity == "error" for p in problems):
            doc = None
    if doc is None:
        detail = "; ".join(p.format() for p in problems if p.severity == "error")
        raise PublishStepError("validasi", _("contrib.publish_invalid", detail=detail))
    # Dump the validated, normalised front-matter (real dates, defaults filled in).
    text = document_text(doc.meta, sub.body, snapshot.schemas[doc.type])
    doc.path = snapshot.root / rel
    return text, doc


def publish(submission_id: int, *, actor_id: int | None = None, db: Session | None = None) -> PublishResult:
    """Publish an approved submission into content/; on failure it stays approved with the error saved."""
    config = current_app.config
    db = db or get_session()
    content_dir = Path(config["CONTENT_DIR"])
    lock_path = Path(config.get("PUBLISH_LOCK") or Path(current_app.instance_path) / "publish.lock")
    timeout = float(config.get("PUBLISH_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT))
    result = PublishResult(submission_id=submission_id, ok=False)
    try:
        with publish_lock(lock_path, timeout):
            db.expire_all()  # another process may have published it while we waited
            sub = db.get(Submission, submission_id)
            if sub is None:
                raise PublishStepError("muat", f"#{submission_id}")
            if sub.status == PUBLISHED:
                result.ok, result.path = True, sub.published_path
                return result
            if sub.status != APPROVED:
                raise PublishStepError("status", sub.status)
            actor_id = actor_id if actor_id is not None else sub.reviewer_id
            _run_steps(db, sub, content_dir, config, actor_id, result)
            sub.published_path = result.path
            sub.publish_error = None
            record(db, sub, actor_id, "terbit", PUBLISHED, note=result.path or "")
            db.commit()
            audit(actor_id, "submission.publish", f"submission:{sub.id}", result.path or "", session=db)
            result.ok = True
            return result
    except Exception as exc:
        db.rollback()
        step = exc.step if isinstance(exc, PublishStepError) else (result.step or "penerbitan")
        detail = exc.detail if isinstance(exc, PublishStepError) else f"{type(exc).__name__}: {exc}"
        if isinstance(exc, PublishBusy):
            step, detail = "kunci", str(exc)
        result.step = step
        result.error = _("contrib.publish_step_failed", step=step, detail=detail)
        _save_failure(db, submission_id, actor_id, result.error)
        current_app.logger.warning("publication of submission %s failed: %s", submission_id, result.error)
        return result


def _run_steps(
    db: Session, sub: Submission, content_dir: Path, config: Any, actor_id: int | None, result: PublishResult
) -> None:
    if (steps := KIND_STEPS.get(sub.kind)) is not None:
        steps(db, sub, content_dir, config, actor_id, result)
        return
    folder = content_dir / sub.type
    content = get_content()
    result.step = "berkas"
    clean_leftovers(folder)
    clean_leftovers(folder / ATTACHMENT_FOLDER)
    slug = _choose_slug(db, sub, content.current())
    upload_dir = Path(config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    result.step = "lampiran"
    attachments = copy_attachments(sub, upload_dir, folder / ATTACHMENT_FOLDER)
    result.step = "validasi"
    text, doc = build_document_text(db, sub, attachments, content.current())
    path = folder / f"{slug}.md"
    result.step = "berkas"
    try:
        write_atomic(path, text.encode("utf-8"))
    finally:
        # Even a failed write may have replaced the file: the next request must read the tree again.
        content.invalidate()
    result.path = f"{sub.type}/{slug}.md"
    result.step = "git"
    author = _person(db, sub.author_id)
    committer = _person(db, actor_id)
    title = " ".join(sub.title.split())[:120]
    message = f"Terbitkan kiriman #{sub.id}: {title}\n\nDisetujui oleh {committer[0]}."
    files = [path] + [folder / a["file"] for a in attachments]
    result.committed = git_commit(content_dir, files, author=author, committer=committer, message=message)
    result.step = "indeks"
    update_index(Path(config["INDEX_DIR"]), doc, content.current())
    result.step = "situs"
    result.pages = rebuild_pages(path, config)
    result.step = None


def _save_failure(db: Session, submission_id: int, actor_id: int | None, error: str) -> None:
    """Keep the error on the (still approved) submission so the moderator sees it and can retry."""
    try:
        sub = db.get(Submission, submission_id)
        if sub is None or sub.status != APPROVED:
            return
        sub.publish_error = error
        record(db, sub, actor_id, "gagal_terbit", None, note=error)
        db.commit()
        audit(actor_id, "submission.publish_failed", f"submission:{submission_id}", error, session=db)
    except Exception:
        db.rollback()
        current_app.logger.exception("could not record the publication failure of submission %s", submission_id)
