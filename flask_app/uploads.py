"""Attachments: PDF and images recognised by their content, size-limited, stored under generated names.

Every stored file is recorded for its account (``Upload``): the per-account and total quotas sum those
rows, and the sweep removes what no sent submission holds (a preview's files, a refused post's).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

import filetype
from sqlalchemy import ForeignKey, Integer, String, delete, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from flask_app.db import Base, UTCDateTime, utcnow

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
DEFAULT_UNSENT_HOURS = 24.0
MAX_ATTACHMENTS = 5
SNIFF_BYTES = 8192
CHUNK = 64 * 1024
# What a member may attach, by detected MIME type: the extension given to the stored file.
ALLOWED: dict[str, str] = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
}
# Names a member's file may carry for each type; any other extension for an allowed type is a lie.
EXTENSIONS: dict[str, set[str]] = {
    "application/pdf": {"pdf"},
    "image/png": {"png"},
    "image/jpeg": {"jpg", "jpeg", "jpe"},
    "image/webp": {"webp"},
}
KIND_NAMES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/webp": "WebP"}
STORED_NAME_LEN = 32


class UploadError(Exception):
    """An attachment refused, with a message key and its parameters (see flask_app.forms.MESSAGES)."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key, self.params = key, params


@dataclass(frozen=True)
class StoredUpload:
    """An accepted attachment: the generated name on disk and what the member called it."""

    stored_name: str
    original_name: str
    mime: str
    size: int


def _size_text(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 1048576 else f"{max(size // 1024, 1)} KB"


def _claimed_kind(name: str) -> str | None:
    ext = PurePath(name).suffix.lower().lstrip(".")
    for mime, exts in EXTENSIONS.items():
        if ext in exts:
            return mime
    return None


def is_stored_name(name: str) -> bool:
    """Whether ``name`` has the shape of a generated name (so it never names another path)."""
    stem, dot, ext = name.partition(".")
    return (
        len(stem) == STORED_NAME_LEN
        and all(c in "0123456789abcdef" for c in stem)
        and dot == "."
        and ext in ALLOWED.values()
    )


def store_upload(stream: IO[bytes], original_name: str, upload_dir: Path, max_bytes: int) -> StoredUpload:
    """Check and store one uploaded file; raise UploadError with a message key when refused."""
    shown = PurePath(original_name.replace("\\", "/")).name[:200] or "lampiran"
    upload_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=upload_dir, prefix=".upload-", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        size = 0
        head = b""
        with os.fdopen(fd, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    # Read no further: the size alone decides.
                    raise UploadError(
                        "contrib.upload_too_large",
                        name=shown,
                        size=f"> {_size_text(max_bytes)}",
                        limit=_size_text(max_bytes),
                    )
                if len(head) < SNIFF_BYTES:
                    head += chunk[: SNIFF_BYTES - len(head)]
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise UploadError("contrib.upload_empty", name=shown)
        kind = filetype.guess(head)
        mime = kind.mime if kind is not None else None
        if mime not in ALLOWED:
            raise UploadError("contrib.upload_bad_type", name=shown)
        claimed = _claimed_kind(shown)
        # A name without an extension claims nothing; any other extension must match the content.
        if claimed != mime and PurePath(shown).suffix:
            claimed_text = KIND_NAMES.get(claimed or "", PurePath(shown).suffix.lstrip(".") or "?")
            raise UploadError("contrib.upload_lies", name=shown, claimed=claimed_text, actual=KIND_NAMES[mime])
        stored = f"{secrets.token_hex(STORED_NAME_LEN // 2)}.{ALLOWED[mime]}"
        os.replace(tmp, upload_dir / stored)
        return StoredUpload(stored_name=stored, original_name=shown, mime=mime, size=size)
    finally:
        tmp.unlink(missing_ok=True)


# --- the upload folder's bookkeeping: who holds which file, quotas, the sweep ----------------------


class Upload(Base):
    """A file in the upload folder and the account that uploaded it (quotas and the sweep count these)."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    size: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)


def usage(db: Session, owner_id: int) -> tuple[int, int]:
    """Bytes the account holds in the upload folder, and bytes all accounts hold."""
    mine = db.scalar(select(func.coalesce(func.sum(Upload.size), 0)).where(Upload.owner_id == owner_id))
    total = db.scalar(select(func.coalesce(func.sum(Upload.size), 0)))
    return int(mine or 0), int(total or 0)


def store_counted(
    db: Session,
    stream: IO[bytes],
    original_name: str,
    upload_dir: Path,
    *,
    max_bytes: int,
    owner_id: int,
    account_quota: int,
    total_quota: int,
) -> StoredUpload:
    """Store one file as ``store_upload`` does, recorded for its owner and within both quotas (commits).

    Recorded first and summed afterwards (as the login limit counts): parallel uploads of one account
    cannot together pass its quota.
    """
    mine, total = usage(db, owner_id)
    shown = PurePath(original_name.replace("\\", "/")).name[:200] or "lampiran"
    if mine >= account_quota:
        raise UploadError(
            "contrib.upload_quota_account", name=shown, used=_size_text(mine), limit=_size_text(account_quota)
        )
    if total >= total_quota:
        raise UploadError("contrib.upload_quota_total", name=shown)
    stored = store_upload(stream, original_name, upload_dir, max_bytes)
    row = Upload(stored_name=stored.stored_name, owner_id=owner_id, size=stored.size, created_at=utcnow())
    db.add(row)
    db.commit()
    mine, total = usage(db, owner_id)
    refusal = None
    if mine > account_quota:
        refusal = UploadError(
            "contrib.upload_quota_account",
            name=stored.original_name,
            used=_size_text(mine - stored.size),
            limit=_size_text(account_quota),
        )
    elif total > total_quota:
        refusal = UploadError("contrib.upload_quota_total", name=stored.original_name)
    if refusal is not None:
        db.delete(row)
        db.commit()
        (upload_dir / stored.stored_name).unlink(missing_ok=True)
        raise refusal
    return stored


@dataclass(frozen=True)
class Removed:
    """A file the sweep removed, and why (``unsent``: no sent submission holds it; ``published``: in content/)."""

    name: str
    size: int
    reason: str


def sweep(db: Session, upload_dir: Path, unsent_for: dt.timedelta) -> list[Removed]:
    """Remove what no submission needs any more from the upload folder (commits); returns what went.

    Kept: files of sent submissions not yet published, and files younger than ``unsent_for`` (a form
    being filled in). Removed: files of a preview or a refused post once older, interrupted uploads, and
    the upload copies of published submissions (the publisher copied them into ``content/``).
    """
    from flask_app.submissions import PUBLISHED, Submission, SubmissionAttachment

    cutoff = utcnow() - unsent_for
    rows = db.execute(select(SubmissionAttachment.stored_name, Submission.status).join(Submission)).all()
    needed = {name for name, status in rows if status != PUBLISHED}
    published = {name for name, status in rows if status == PUBLISHED} - needed
    recorded = {row.stored_name: row for row in db.scalars(select(Upload))}
    removed: list[Removed] = []
    files = sorted(p for p in upload_dir.iterdir() if p.is_file()) if upload_dir.is_dir() else []
    for path in files:
        name = path.name
        if name in needed:
            continue
        row = recorded.get(name)
        if name in published:
            reason = "published"
        elif is_stored_name(name) or (name.startswith(".upload-") and name.endswith(".tmp")):
            born = row.created_at if row is not None else dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC)
            if born > cutoff:
                continue  # perhaps still in a form being filled in
            reason = "unsent"
        else:
            continue  # not ours: never touched
        size = path.stat().st_size
        path.unlink(missing_ok=True)
        removed.append(Removed(name=name, size=size, reason=reason))
    gone = {r.name for r in removed} | {name for name in recorded if not (upload_dir / name).exists()}
    if gone:
        db.execute(delete(Upload).where(Upload.stored_name.in_(gone)))
    db.commit()
    return removed


def sweep_app(app: Any) -> list[Removed]:
    """One sweep of ``app``'s upload folder with its settings (the service's timer and the command)."""
    from flask_app.db import session_scope

    with app.app_context(), session_scope() as db:
        hours = float(app.config.get("UPLOAD_UNSENT_HOURS", DEFAULT_UNSENT_HOURS))
        removed = sweep(db, Path(app.config["UPLOAD_DIR"]), dt.timedelta(hours=hours))
    if removed:
        app.logger.info("upload sweep removed %d files", len(removed))
    return removed


class Sweeper(threading.Thread):
    """Sweeps the upload folder every ``UPLOAD_SWEEP_MINUTES`` in the service; errors are logged, never fatal."""

    def __init__(self, app: Any, minutes: float) -> None:
        super().__init__(name="pokja-upload-sweep", daemon=True)
        self.app, self.seconds = app, max(minutes * 60, 1.0)
        self.stopping = threading.Event()

    def run(self) -> None:
        """Sweep, wait, again, until stopped."""
        while not self.stopping.is_set():
            try:
                sweep_app(self.app)
            except Exception:
                self.app.logger.exception("upload sweep")
            self.stopping.wait(self.seconds)

    def stop(self) -> None:
        """Stop before the next round."""
        self.stopping.set()


def start_sweeper(app: Any) -> Sweeper | None:
    """Start the scheduled sweep of ``app`` (None when ``UPLOAD_SWEEP_MINUTES`` is 0)."""
    minutes = float(app.config.get("UPLOAD_SWEEP_MINUTES") or 0)
    if minutes <= 0:
        return None
    sweeper = Sweeper(app, minutes)
    sweeper.start()
    return sweeper
