"""``pokja index``: rebuild the search index from content/, or check it (and repair the difference)."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from flask_app import settings
from site_builder.content import load
from site_builder.i18n import _
from site_builder.schemas import SchemaError

from . import index
from .attachments import Cache


def index_dir(value: str | None) -> Path:
    """The index folder: the argument, else the INDEX_DIR setting (``$POKJA_INDEX``, else instance/index)."""
    return Path(value or settings.resolve()["INDEX_DIR"])


def content_dir(value: str | None) -> Path:
    """The content folder: the argument, else the CONTENT_DIR setting (``$POKJA_CONTENT``, else ./content)."""
    return Path(value or settings.resolve()["CONTENT_DIR"])


def _progress(label: str):
    """A bar on a terminal; elsewhere nothing (a summary line is printed at the end)."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    return lambda items: tqdm(items, desc=label, unit="dok", file=sys.stderr, leave=False)


def cmd_index(args: argparse.Namespace) -> int:
    """Rebuild the index, or with --check compare it with content and repair the difference."""
    root = content_dir(args.content)
    target = index_dir(args.index)
    if not root.is_dir():
        print(_("no_content", path=root), file=sys.stderr)
        return 2
    try:
        corpus = load(root, progress=_progress("Memuat"))
    except SchemaError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if corpus.errors:
        print(_("content_errors", count=len({p.path for p in corpus.errors})), file=sys.stderr)
    attachments = index.attachment_cache(target)
    try:
        if args.check:
            report = index.check(corpus, target, repair=not args.no_repair, attachments=attachments)
            for line in [*attachments.lines(), *report.lines()]:
                print(line)
            return 0 if report.ok or report.repaired else 1
        started = time.perf_counter()
        count = index.rebuild(corpus, target, progress=_progress("Mengindeks"), attachments=attachments)
    except index.IndexBusy as exc:
        print(str(exc), file=sys.stderr)
        return 3
    _report(attachments)
    print(_("index_built", count=count, seconds=f"{time.perf_counter() - started:.1f}", path=target))
    return 0


def _report(attachments: Cache) -> None:
    """The attachments that could not be read, or hold no text (a scan), and how many were read."""
    for line in attachments.lines():
        print(line)


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``pokja index`` to the command."""
    parser = subparsers.add_parser(
        "index",
        help="bangun ulang indeks pencarian dari content/ (atau periksa dengan --check)",
        description="Bangun ulang indeks pencarian Whoosh dari content/, atau bandingkan indeks dengan konten.",
    )
    parser.add_argument("--content", help="folder konten (bawaan: $POKJA_CONTENT atau ./content)")
    parser.add_argument("--index", help="folder indeks (bawaan: $POKJA_INDEX atau instance/index)")
    parser.add_argument(
        "--check", action="store_true", help="bandingkan indeks dengan konten dan perbaiki perbedaannya"
    )
    parser.add_argument("--no-repair", action="store_true", help="dengan --check: laporkan saja, jangan perbaiki")
    parser.set_defaults(func=cmd_index)
