"""Pre-compression of the built site: a ``.gz`` (and, with the ``brotli`` package, a ``.br``) beside each text file.

The service's site route sends the sibling the client accepts (flask_app/compression.py); a reverse proxy
can do the same (nginx ``gzip_static``/``brotli_static``). Written at build time so no reader waits for it.
"""

from __future__ import annotations

import gzip
import os
import threading
from collections.abc import Iterable
from concurrent.futures import Executor, Future, ProcessPoolExecutor
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
# Measured on the starter pages (16 KB): brotli 5 takes 8 ms a page for 0.239 of the size, 9 takes 90 ms
# for 0.237, 11 takes 110 ms for 0.219; gzip 6 and 9 give the same 0.256 (2.4 vs 3.7 ms).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# Pages waiting for a compressing thread: bounds the memory when the threads fall behind the build.
MAX_PENDING = 64
ENCODINGS = (".br", ".gz")


@dataclass
class CompressStats:
    """What one pass wrote: files compressed, their bytes before, after gzip and after brotli."""

    files: int = 0
    # Files whose copies were linked from the previous build instead (reuse).
    reused: int = 0
    raw_bytes: int = 0
    gzip_bytes: int = 0
    brotli_bytes: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()

    def add_reused(self) -> None:
        """Count one file whose copies were linked from the previous build."""
        with self._lock:
            self.reused += 1

    def add(self, raw: int, gz: int, br: int) -> None:
        """Count one compressed file (called from several threads)."""
        with self._lock:
            self.files += 1
            self.raw_bytes += raw
            self.gzip_bytes += gz
            self.brotli_bytes += br


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


def compress_file(path: Path, stats: CompressStats | None = None, previous: Path | None = None) -> None:
    """Write ``path.gz`` (and ``path.br``) when smaller than the file; drop stale copies otherwise."""
    compress_bytes(path, path.read_bytes(), stats, previous)


def reuse(path: Path, data: bytes, previous: Path | None) -> bool:
    """Link the copies of ``previous`` (the same file in the last build) when it held the same bytes.

    A full build writes a fresh folder: most of its pages and every theme asset are what the live site
    already has compressed, and comparing bytes costs far less than brotli.
    """
    if previous is None:
        return False
    wanted = [previous.with_name(previous.name + suffix) for suffix in ENCODINGS if suffix != ".br" or brotli]
    try:
        if previous.stat().st_size != len(data) or not all(w.is_file() for w in wanted):
            return False
        if previous.read_bytes() != data:
            return False
        path.parent.mkdir(parents=True, exist_ok=True)
        for old in wanted:
            target = path.with_name(path.name + old.name[len(previous.name) :])
            target.unlink(missing_ok=True)
            os.link(old, target)
    except OSError:  # no such file, or links not possible on this file system: compress instead
        return False
    return True


def compress_bytes(path: Path, data: bytes, stats: CompressStats | None = None, previous: Path | None = None) -> None:
    """Write the compressed copies of ``data``, the content of ``path`` (which need not be written yet)."""
    _count(stats, compress_job(path, data, previous))


def _count(stats: CompressStats | None, result: tuple[int, int, int] | None) -> None:
    if stats is None or result is None:
        return
    if result == REUSED:
        stats.add_reused()
    else:
        stats.add(*result)


# What compress_job returns for copies linked from the previous build.
REUSED = (-1, -1, -1)


def compress_job(path: Path, data: bytes, previous: Path | None = None) -> tuple[int, int, int] | None:
    """Write the copies of ``data``; (raw, gzip, brotli) bytes, REUSED, or None when too small to compress.

    A plain function of picklable arguments: the build's compressing process runs it (Compressor).
    """
    if len(data) < MIN_BYTES:
        drop_siblings(path)
        return None
    if reuse(path, data, previous):
        return REUSED
    # A page's folder may not exist yet: the Compressor gets the page before MkDocs writes it.
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same page always gives the same bytes (reproducible builds, stable ETags).
    packed = gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)
    _write(path.with_name(path.name + ".gz"), packed)
    br_size = 0
    if brotli is not None:
        squeezed = brotli.compress(data, quality=BROTLI_QUALITY)
        _write(path.with_name(path.name + ".br"), squeezed)
        br_size = len(squeezed)
    return (len(data), len(packed), br_size)


# From this many pages a build compresses in a process of its own (below, in its own thread: a
# publication's ten pages cost less than starting a process).
PROCESS_FROM = 500


class Compressor:
    """Compresses pages while the build renders the next ones: in a process of its own for a big build.

    Threads were measured to slow a 3,000-document build by a third (36 s against 23 s without
    pre-compression, for 4 s of compressing): each copy's return to Python waits for the build's thread
    to let go of the GIL. A separate process shares nothing with the build but the pages it is sent.
    """

    def __init__(self, workers: int | None = None, previous_site: str | Path | None = None, pages: int = 0) -> None:
        self.stats = CompressStats()
        # The live site a full build replaces: unchanged files reuse its copies.
        self.previous_site = Path(previous_site) if previous_site is not None else None
        self.done: set[Path] = set()
        self._pool: Executor | None = None
        if pages >= PROCESS_FROM:
            import multiprocessing

            # "spawn": a fork would copy the build's other threads mid-lock (site_builder/pdf.py does alike).
            self._pool = ProcessPoolExecutor(
                max_workers=workers or max(1, min(4, (os.cpu_count() or 2) - 1)),
                mp_context=multiprocessing.get_context("spawn"),
            )
        self._slots = threading.BoundedSemaphore(MAX_PENDING)
        # Only the copies not yet made, and the first error: 30,000 finished futures are 40 MB.
        self._pending: set[Future[tuple[int, int, int] | None]] = set()
        self._lock = threading.Lock()
        self._error: BaseException | None = None

    def submit(self, path: Path, data: bytes, rel: str | None = None) -> None:
        """Compress ``data`` (the content ``path``, ``rel`` in the site, is about to get)."""
        self.done.add(path)
        previous = self.previous_site / rel if self.previous_site is not None and rel is not None else None
        if self._pool is None:
            _count(self.stats, compress_job(path, data, previous))
            return
        self._slots.acquire()
        future = self._pool.submit(compress_job, path, data, previous)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[tuple[int, int, int] | None]) -> None:
        with self._lock:
            self._pending.discard(future)
            error = future.exception()
            if error is not None and self._error is None:
                self._error = error
        self._slots.release()
        if error is None:
            _count(self.stats, future.result())

    def finish(self) -> CompressStats:
        """Wait for every copy (raising the first error) and stop the worker."""
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._error is not None:
            raise self._error
        return self.stats


def compress_tree(
    site_dir: str | Path,
    names: Iterable[str] | None = None,
    skip: set[Path] | None = None,
    stats: CompressStats | None = None,
    previous_site: str | Path | None = None,
) -> CompressStats:
    """Compress every compressible file under ``site_dir``, or only ``names`` (paths relative to it).

    ``skip``: files already compressed (the pages a Compressor took while they were written);
    ``previous_site``: the site this one replaces (unchanged files reuse its copies).
    """
    root = Path(site_dir)
    stats = stats if stats is not None else CompressStats()
    skip = skip or set()
    if names is None:
        paths: Iterable[Path] = (p for p in root.rglob("*") if p.is_file() and compressible(p))
    else:
        paths = (root / name for name in names if compressible(name))
    for path in paths:
        if path in skip:
            continue
        if path.is_file():
            previous = Path(previous_site) / path.relative_to(root) if previous_site is not None else None
            compress_file(path, stats, previous)
        else:
            drop_siblings(path)
    return stats
