"""Pre-compression of the built site: a ``.gz`` (and, with the ``brotli`` package, a ``.br``) beside each text file.

The service's site route sends the sibling the client accepts (flask_app/compression.py); a reverse proxy
can do the same (nginx ``gzip_static``/``brotli_static``). Written at build time so no reader waits for it.
"""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

try:  # brotli is a pinned dependency; the site still gets gzip without it
    import brotli
except ImportError:  # pragma: no cover - exercised only on an install without it
    brotli = None

# Text formats worth compressing; images, archives and fonts are compressed already.
COMPRESSIBLE = frozenset(
    {".html", ".css", ".js", ".json", ".xml", ".svg", ".txt", ".csv", ".webmanifest", ".map", ".rss"}
)
# Below this a compressed copy saves less than the request's own headers.
MIN_BYTES = 512
# Brotli's top qualities cost ~50 ms per page; 9 keeps a 10,000-page build within its targets.
BROTLI_QUALITY = 9
GZIP_LEVEL = 9
ENCODINGS = (".br", ".gz")


@dataclass
class CompressStats:
    """What one pass wrote: files compressed, their bytes before, after gzip and after brotli."""

    files: int = 0
    raw_bytes: int = 0
    gzip_bytes: int = 0
    brotli_bytes: int = 0


def compressible(path: str | Path) -> bool:
    """True for the text formats that get pre-compressed copies."""
    return os.path.splitext(str(path))[1].lower() in COMPRESSIBLE


def drop_siblings(path: Path) -> None:
    """Remove the compressed copies of a file (it was deleted, or shrank below MIN_BYTES)."""
    for suffix in ENCODINGS:
        sibling = path.with_name(path.name + suffix)
        if sibling.is_file():
            sibling.unlink()


def _write(target: Path, data: bytes) -> None:
    # Unchanged copies keep their mtime, so a proxy's and the browsers' validators stay valid.
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def compress_file(path: Path, stats: CompressStats | None = None) -> None:
    """Write ``path.gz`` (and ``path.br``) when smaller than the file; drop stale copies otherwise."""
    data = path.read_bytes()
    if len(data) < MIN_BYTES:
        drop_siblings(path)
        return
    # mtime=0: the same page always gives the same bytes (reproducible builds, stable ETags).
    packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    _write(path.with_name(path.name + ".gz"), packed)
    br_size = 0
    if brotli is not None:
        squeezed = brotli.compress(data, quality=BROTLI_QUALITY)
        _write(path.with_name(path.name + ".br"), squeezed)
        br_size = len(squeezed)
    if stats is not None:
        stats.files += 1
        stats.raw_bytes += len(data)
        stats.gzip_bytes += len(packed)
        stats.brotli_bytes += br_size


def compress_tree(site_dir: str | Path, names: Iterable[str] | None = None) -> CompressStats:
    """Compress every compressible file under ``site_dir``, or only ``names`` (paths relative to it)."""
    root = Path(site_dir)
    stats = CompressStats()
    if names is None:
        paths: Iterable[Path] = (p for p in root.rglob("*") if p.is_file() and compressible(p))
    else:
        paths = (root / name for name in names if compressible(name))
    for path in paths:
        if path.is_file():
            compress_file(path, stats)
        else:
            drop_siblings(path)
    return stats
