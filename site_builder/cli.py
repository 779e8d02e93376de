"""``pokja build``: the full site build with a progress bar on a terminal and a closing summary."""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from typing import Any

from .build import SiteBuildError, build_site
from .i18n import _


class _ProgressHandler(logging.Handler):
    """Advances a tqdm bar on each page MkDocs builds (its debug line 'Building page ...')."""

    def __init__(self, bar: Any) -> None:
        super().__init__(logging.DEBUG)
        self.bar = bar

    def emit(self, record: logging.LogRecord) -> None:
        if record.getMessage().startswith("Building page "):
            self.bar.update(1)


def _count_pages(site_dir: str) -> int:
    return sum(1 for _, _, names in os.walk(site_dir) for n in names if n == "index.html")


def cmd_build(args: argparse.Namespace) -> int:
    """Run the build; print problems and exit 1 when it fails."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    lang = getattr(args, "lang", "id") or "id"
    started = time.monotonic()
    logger = logging.getLogger("mkdocs.commands.build")
    handler = None
    bar = None
    if sys.stderr.isatty():
        from tqdm import tqdm

        bar = tqdm(desc="Membangun", unit="halaman", file=sys.stderr, leave=False)
        handler = _ProgressHandler(bar)
        logger.addHandler(handler)
        previous_level = logger.level
        logger.setLevel(logging.DEBUG)
    try:
        build_site(args.config, site_dir=args.site_dir, strict=args.strict)
    except SiteBuildError as exc:
        print(_("build_failed", lang), file=sys.stderr)
        for line in exc.messages:
            print(line, file=sys.stderr)
        return 1
    finally:
        if handler is not None:
            logger.removeHandler(handler)
            logger.setLevel(previous_level)
            bar.close()
    from mkdocs.config import load_config

    site_dir = args.site_dir or load_config(args.config).site_dir
    print(_("build_done", lang, pages=_count_pages(site_dir), seconds=time.monotonic() - started, site_dir=site_dir))
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add ``pokja build`` to the ``pokja`` command."""
    parser = subparsers.add_parser("build", help=_("build_help"), description=_("build_help"))
    parser.add_argument("--strict", action="store_true", help="gagal bila ada peringatan (tautan rusak)")
    parser.add_argument("--config", default="mkdocs.yml", help="berkas konfigurasi MkDocs (bawaan: mkdocs.yml)")
    parser.add_argument("--site-dir", default=None, help="folder keluaran (bawaan: site_dir di mkdocs.yml)")
    parser.add_argument("--lang", default="id", choices=("id", "en"), help="bahasa pesan")
    parser.set_defaults(func=cmd_build)
