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
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy import text as sql
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from flask_app import realisation
from flask_app.auth import User
from flask_app.content import Snapshot, get_content, mkdocs_config_path
from flask_app.db import audit, get_engine, get_session
from flask_app.gitremote import PublishStepError, apply_changes, git_commit, notify_nodes, pull, push
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
TMP_PREFIX = ".pokja-publish-"
ATTACHMENT_FOLDER = "lampiran"
# The key of the one publisher's PostgreSQL advisory lock (flask_app/db.py holds the migrations' key).
PUBLISHER_LOCK_KEY = 7_310_002
# The steps of the other kinds of proposal (edits, restores, withdrawals), by Submission.kind:
# flask_app/publish_edit.py registers itself here, so it builds on these steps without a cycle.
KIND_STEPS: dict[str, Callable[..., tuple[Path, Document] | None]] = {}


@dataclass
class BatchContent:
    """The content snapshot a batch is validated against, moved on by each file it writes.

    One walk of the tree per batch, not three reloads of the corpus per document (issue #14): each
    written file is read into the snapshot alone (``ContentService.written``).
    """

    snapshot: Snapshot

    def wrote(self, paths: list[Path]) -> None:
        """The files were written: the next document of the batch sees them."""
        self.snapshot = get_content().written(paths, base=self.snapshot)


class PublishBusy(Exception):
    """Another publication holds the lock longer than the bounded wait."""


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


def update_index(index_dir: Path, docs: list[Document], snapshot: Snapshot | None = None) -> None:
    """Add or replace the documents in the search index in one commit (the whole index when there is none)."""
    from search.index import exists, rebuild, update_documents

    if not exists(index_dir):
        # An index holding only these documents would hide every other one from search.
        rebuild((snapshot or get_content().current(full=True)).corpus, index_dir)
        return
    update_documents(index_dir, docs)


def rebuild_pages(paths: list[Path], app_config: dict[str, Any]) -> list[str]:
    """Rebuild the site pages the new documents touch, in one incremental build; returns their URLs."""
    from site_builder.build import publish_documents

    return list(
        publish_documents(
            list(paths),
            config_file=mkdocs_config_path(app_config),
            content_dir=Path(app_config["CONTENT_DIR"]),
            site_dir=Path(app_config["SITE_DIR"]),
        )
        or []
    )


@contextlib.contextmanager
def advisory_lock(engine: Engine, key: int, timeout: float) -> Iterator[None]:
    """Hold a PostgreSQL session advisory lock on its own connection (released if the process dies)."""
    conn = engine.connect()
    deadline = time.monotonic() + timeout
    try:
        while not conn.execute(sql("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
            conn.commit()  # never hold a transaction open while waiting
            if time.monotonic() >= deadline:
                raise PublishBusy(_("contrib.publish_busy"))
            time.sleep(0.1)
        conn.commit()
        try:
            yield
        finally:
            conn.execute(sql("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()
    except BaseException:
        conn.invalidate()  # a connection that may still hold the lock never goes back to the pool
        raise
    finally:
        conn.close()


def publisher_lock(timeout: float | None = None) -> contextlib.AbstractContextManager[None]:
    """The one publisher of the deployment: PostgreSQL's advisory lock (every node), else the file lock."""
    config = current_app.config
    timeout = float(config.get("PUBLISH_LOCK_TIMEOUT", DEFAULT_LOCK_TIMEOUT)) if timeout is None else timeout
    engine = get_engine()
    if engine.dialect.name == "postgresql":
        return advisory_lock(engine, PUBLISHER_LOCK_KEY, timeout)
    return publish_lock(Path(config.get("PUBLISH_LOCK") or Path(current_app.instance_path) / "publish.lock"), timeout)


# --- the publisher -----------------------------------------------------------------------------


def _choose_slug(db: Session, sub: Submission, snapshot: Snapshot) -> str:
    if sub.slug and sub.slug not in RESERVED_SLUGS:  # a slug chosen before reservation is chosen again
        return sub.slug
    base = slugify(sub.title)[:70].strip("-")
    if not SLUG_RE.match(base):
        base = f"kiriman-{sub.id}"
    # Only the slugs this one could become (base, base-2, ...): never every submission or every file.
    # A slug has no LIKE wildcard in it (SLUG_RE: letters, digits, hyphens).
    kept = select(Submission.slug).where(
        Submission.id != sub.id, or_(Submission.slug == base, Submission.slug.like(f"{base}-%"))
    )
    taken = set(db.scalars(kept)) | RESERVED_SLUGS  # "Index" becomes index-2, never the type's listing
    slug, n = base, 2
    while slug in taken or snapshot.slug_taken(slug):
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
    """Publish an approved submission into content/ now; on failure it stays approved with the error saved."""
    db = db or get_session()
    try:
        with publisher_lock():
            return publish_locked(db, [(submission_id, actor_id)])[0]
    except PublishBusy as exc:
        result = PublishResult(submission_id=submission_id, ok=False)
        _fail(db, result, exc, actor_id)
        return result


def publish_locked(db: Session, items: list[tuple[int, int | None]]) -> list[PublishResult]:
    """Publish (submission id, actor id) pairs in one go; the caller holds ``publisher_lock``.

    Each file is written and committed on its own, then one index update and one page rebuild serve
    them all (a burst of approvals costs one incremental build). When that shared step fails, each
    document is tried alone, so one bad document never holds the others back.
    """
    config = current_app.config
    content_dir = Path(config["CONTENT_DIR"])
    remote = str(config.get("GIT_REMOTE") or "")
    results = [PublishResult(submission_id=sid, ok=False) for sid, _actor in items]
    written: list[Written] = []
    batch: BatchContent | None = None
    try:
        if remote:
            # Pulled first, so what authors pushed with git is kept and our commits go on top.
            apply_changes(config, pull(content_dir, remote))
    except Exception as exc:
        for result, (_sid, actor) in zip(results, items, strict=True):
            result.step = "git"
            _fail(db, result, exc, actor)
        return results
    for result, (sid, actor) in zip(results, items, strict=True):
        try:
            db.expire_all()  # another process may have published it while we waited
            sub = db.get(Submission, sid)
            if sub is None:
                raise PublishStepError("muat", f"#{sid}")
            if sub.status == PUBLISHED:
                result.ok, result.path = True, sub.published_path
                continue
            if sub.status != APPROVED:
                raise PublishStepError("status", sub.status)
            actor = actor if actor is not None else sub.reviewer_id
            batch = batch or BatchContent(get_content().current(full=True))
            steps_done = _write_steps(db, sub, content_dir, config, actor, result, batch)
            if steps_done is None:  # a withdrawal removed its page and index entry itself
                _mark_published(db, sub, actor, result)
            else:
                written.append((result, sub, steps_done[0], steps_done[1], actor))
        except Exception as exc:
            db.rollback()
            _fail(db, result, exc, actor)
    if remote and any(r.committed for r in results):
        # Pushed before this node's own rebuild: the other nodes build in parallel with it. The files
        # are committed and validated; a failed build below is retried here, never undone.
        try:
            apply_changes(config, push(content_dir, remote))
            notify_nodes(current_app)
        except Exception:
            current_app.logger.exception("push to %s failed; the next publication pushes again", remote)
    published = _shared_or_one_by_one(db, config, written)
    for result, sub, _path, _doc, actor in published:
        _mark_published(db, sub, actor, result)
    return results


Written = tuple[PublishResult, Submission, Path, Document, int | None]


def _shared_or_one_by_one(db: Session, config: Any, written: list[Written]) -> list[Written]:
    """Index and rebuild all written documents at once; when that fails, each alone (the bad one fails)."""
    if not written:
        return []
    try:
        _shared_steps(config, written)
        return written
    except Exception as exc:
        db.rollback()
        if len(written) == 1:
            _fail(db, written[0][0], exc, written[0][4])
            return []
        current_app.logger.warning("batch publication failed (%s); publishing one by one", exc)
    done = []
    for w in written:
        try:
            _shared_steps(config, [w])
            done.append(w)
        except Exception as exc:
            db.rollback()
            _fail(db, w[0], exc, w[4])
    return done


def _shared_steps(config: Any, todo: list[Written]) -> None:
    for w in todo:
        w[0].step = "indeks"
    update_index(Path(config["INDEX_DIR"]), [w[3] for w in todo])
    for w in todo:
        w[0].step = "situs"
    pages = rebuild_pages([w[2] for w in todo], config)
    for w in todo:
        w[0].pages, w[0].step = pages, None


def _mark_published(db: Session, sub: Submission, actor_id: int | None, result: PublishResult) -> None:
    sub.published_path = result.path
    sub.publish_error = None
    record(db, sub, actor_id, "terbit", PUBLISHED, note=result.path or "")
    db.commit()
    audit(actor_id, "submission.publish", f"submission:{sub.id}", result.path or "", session=db)
    result.ok = True


def _fail(db: Session, result: PublishResult, exc: BaseException, actor_id: int | None) -> None:
    step = exc.step if isinstance(exc, PublishStepError) else (result.step or "penerbitan")
    detail = exc.detail if isinstance(exc, PublishStepError) else f"{type(exc).__name__}: {exc}"
    if isinstance(exc, PublishBusy):
        step, detail = "kunci", str(exc)
    result.ok, result.step = False, step
    result.error = _("contrib.publish_step_failed", step=step, detail=detail)
    _save_failure(db, result.submission_id, actor_id, result.error)
    current_app.logger.warning("publication of submission %s failed: %s", result.submission_id, result.error)


def _write_steps(
    db: Session,
    sub: Submission,
    content_dir: Path,
    config: Any,
    actor_id: int | None,
    result: PublishResult,
    batch: BatchContent,
) -> tuple[Path, Document] | None:
    if (steps := KIND_STEPS.get(sub.kind)) is not None:
        # An edit, a restore or a withdrawal (flask_app/publish_edit.py); None: it did its own page steps.
        return steps(db, sub, content_dir, config, actor_id, result, batch)
    report = sub.type == realisation.KIND  # a realisation report updates its programme's file
    folder = content_dir / (realisation.PROGRAMME_TYPE if report else sub.type)
    content = get_content()
    result.step = "berkas"
    clean_leftovers(folder)
    clean_leftovers(folder / ATTACHMENT_FOLDER)
    slug = str(sub.data.get("program")) if report else _choose_slug(db, sub, batch.snapshot)
    upload_dir = Path(config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads")
    result.step = "lampiran"
    attachments = copy_attachments(sub, upload_dir, folder / ATTACHMENT_FOLDER)
    result.step = "validasi"
    if report:
        try:
            text, doc = realisation.programme_text(sub.data, attachments, batch.snapshot)
        except realisation.ReportRefused as exc:
            raise PublishStepError("validasi", _("contrib.publish_invalid", detail=str(exc))) from exc
    else:
        text, doc = build_document_text(db, sub, attachments, batch.snapshot)
    path = folder / f"{slug}.md"
    result.step = "berkas"
    try:
        write_atomic(path, text.encode("utf-8"))
    except BaseException:
        # Even a failed write may have replaced the file: the next request must read it again.
        content.invalidate([path])
        raise
    batch.wrote([path])
    result.path = f"{folder.name}/{slug}.md"
    result.step = "git"
    author = _person(db, sub.author_id)
    committer = _person(db, actor_id)
    title = " ".join(sub.title.split())[:120]
    message = f"Terbitkan kiriman #{sub.id}: {title}\n\nDisetujui oleh {committer[0]}."
    files = [path] + [folder / a["file"] for a in attachments]
    result.committed = git_commit(content_dir, files, author=author, committer=committer, message=message)
    return path, doc


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
