"""The files around a build: the state file's place, a removed page, error lines.

Used by the plugin (site_builder.plugin) and by site_builder.build; nothing here runs MkDocs.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig

from . import compress, state
from .content import Corpus


def problem_lines(corpus: Corpus, docs_dir: str | Path) -> list[str]:
    """Each error as ``pokja check`` prints it: ``<content>/<path>:<line>: <field>: <message>``."""
    root = Path(docs_dir)
    try:
        shown = os.path.relpath(root)
        shown = shown if not shown.startswith("..") else root.as_posix()
    except ValueError:  # another drive on Windows
        shown = root.as_posix()
    return [f"{Path(shown).as_posix().rstrip('/')}/{p.format('id')}" for p in corpus.errors]


def cache_path(config: MkDocsConfig, plugin_config: Any, site_dir: str | None = None) -> Path:
    """The incremental-publish state file of one (docs_dir, site_dir) pair (``site_dir``: the live one)."""
    folder = plugin_config.cache_dir
    if folder is None:
        folder = os.path.join(os.path.dirname(config.config_file_path or "mkdocs.yml"), ".cache", "pokja")
    site = os.path.abspath(site_dir or config.site_dir)
    key = hashlib.sha256(f"{os.path.abspath(config.docs_dir)}\0{site}".encode())
    return Path(folder) / f"{key.hexdigest()[:16]}.sqlite"


def remove_page(site_dir: str | Path, url: str) -> None:
    """Delete one page's output (``<url>index.html``) and its folder when empty."""
    target = Path(site_dir) / url / "index.html"
    if target.is_file():
        target.unlink()
        compress.drop_siblings(target)
        # The folder stays when attachments or sub-pages still live there.
        with contextlib.suppress(OSError):
            target.parent.rmdir()


def nav_uris(nav: Any) -> set[str]:
    """The source paths a ``nav`` configuration (lists of {title: path or list}) points at."""
    out: set[str] = set()
    items = nav if isinstance(nav, list) else [nav]
    for item in items:
        values = item.values() if isinstance(item, dict) else [item]
        for value in values:
            if isinstance(value, str):
                out.add(value)
            elif isinstance(value, (list, dict)):
                out |= nav_uris(value)
    return out


def load_state(path: Path) -> dict[str, Any] | None:
    """The state a previous build left, or None when there is none usable (site_builder.state)."""
    return state.load(path)


def holds(path: Path, data: bytes) -> bool:
    """Whether the file at ``path`` holds ``data`` (its size first: an export is 32 MB at 100,000 documents)."""
    return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
