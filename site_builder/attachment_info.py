"""Attachments described for a document page and its PDF: type, size, page count, date, and a scan noted.

The facts come from search/attachments.py (the same bounded reader and cache by file hash as the search
index), so a build and ``pokja index`` read each file once between them.
"""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path, PurePosixPath
from typing import Any

from .content import Document
from .formatting import fmt_date, fmt_number
from .i18n import _


@functools.cache
def _cache(folder: str) -> Any:
    from search.attachments import Cache

    return Cache(folder)


def build_cache() -> Any:
    """The attachment cache of the configured index folder (``<INDEX_DIR>/lampiran``)."""
    from flask_app.settings import resolve
    from search.attachments import CACHE_FOLDER

    return _cache(str(Path(resolve()["INDEX_DIR"]) / CACHE_FOLDER))


def size_text(size: int, lang: str = "id") -> str:
    """``820 KB``, ``1,2 MB``."""
    if size < 1024 * 1024:
        return f"{fmt_number(max(1, round(size / 1024)), lang)} KB"
    return f"{fmt_number(size / 1024 / 1024, lang, decimals=1)} MB"


def describe(doc: Document, item: dict[str, Any], lang: str = "id", cache: Any = None) -> dict[str, str] | None:
    """One attachment as {"title", "file", "facts", "note"}: facts "PDF · 1,2 MB · 3 hlm. · 8 Juli 2024"."""
    file = item.get("file")
    path = doc.path.parent / file if isinstance(file, str) else None
    if path is None or not path.is_file():
        return None
    extract = (cache or build_cache()).get(path, str(PurePosixPath(doc.rel_path).parent / file))
    kind = (extract.kind or path.suffix.lstrip(".")).upper()
    facts = [kind, size_text(extract.size, lang)]
    if extract.page_count:
        facts.append(_("att.pages", lang, count=extract.page_count))
    created = dt.date.fromisoformat(extract.created) if extract.created else None
    facts.append(fmt_date(created or dt.date.fromtimestamp(path.stat().st_mtime), lang))
    note = ""
    if extract.scan:
        note = _("att.scan_note", lang)
    elif extract.problem:
        note = _("att.unreadable_note", lang)
    title = str(item.get("title") or PurePosixPath(file).name)
    return {"title": title, "file": file, "facts": " · ".join(facts), "note": note}


def describe_all(doc: Document, lang: str = "id", cache: Any = None) -> list[dict[str, str]]:
    """Every attachment of ``doc`` that exists, described."""
    out = []
    for item in doc.meta.get("attachments") or []:
        if isinstance(item, dict):
            described = describe(doc, item, lang, cache)
            if described is not None:
                out.append(described)
    return out
