"""Attachments: PDF and images recognised by their content, size-limited, stored under generated names."""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import IO, Any

import filetype

DEFAULT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
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
