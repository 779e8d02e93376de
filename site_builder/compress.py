"""Pre-compression of the built site: a ``.gz`` (and, with the ``brotli`` package, a ``.br``) beside each text file.

The service's site route sends the sibling the client accepts (flask_app/compression.py); a reverse proxy
can do the same (nginx ``gzip_static``/``brotli_static``). Written at build time so no reader waits for it.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import functools
import gzip
import json
import os
import subprocess
import sys
import threading
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
# Measured on the starter pages (16 KB): brotli 5 takes 8 ms a page for 0.239 of the size, 9 takes 90 ms
# for 0.237, 11 takes 110 ms for 0.219; gzip 6 and 9 give the same 0.256 (2.4 vs 3.7 ms).
BROTLI_QUALITY = 5
GZIP_LEVEL = 6
# A file this big (the programme-target export: 32 MB at 100,000 documents, rewritten by every edited
# programme) gets faster levels. Measured on that file: gzip 6 + brotli 5 took 0.31 s for 1,320 + 885 KB,
# gzip 3 + brotli 3 take 0.14 s for 1,747 + 1,178 KB.
LARGE_BYTES = 4 * 2**20
LARGE_GZIP_LEVEL = 3
LARGE_BROTLI_QUALITY = 3


def levels(size: int) -> tuple[int, int]:
    """(gzip level, brotli quality) for a file of ``size`` bytes."""
    return (LARGE_GZIP_LEVEL, LARGE_BROTLI_QUALITY) if size >= LARGE_BYTES else (GZIP_LEVEL, BROTLI_QUALITY)


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

    def counts(self) -> dict[str, int]:
        """The counts, for the compressing process to report."""
        return {k: getattr(self, k) for k in ("files", "reused", "raw_bytes", "gzip_bytes", "brotli_bytes")}

    def add_counts(self, **counts: int) -> None:
        """Add another pass' counts (the compressing process')."""
        with self._lock:
            for key, value in counts.items():
                setattr(self, key, getattr(self, key) + value)

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


def _write(target: Path, data: bytes, fresh: bool = False) -> None:
    if fresh:
        # A full build's fresh folder: no reader sees a copy half written, no older copy to compare.
        try:
            with open(target, "xb") as out:
                out.write(data)
            return
        except FileExistsError:  # there after all: written the careful way below
            pass
    # Unchanged copies keep their mtime, so a proxy's and the browsers' validators stay valid.
    if target.is_file() and target.stat().st_size == len(data) and target.read_bytes() == data:
        return
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, target)


def compress_file(path: Path, stats: CompressStats | None = None, previous: Path | None = None) -> None:
    """Write ``path.gz`` (and ``path.br``) when smaller than the file; drop stale copies otherwise."""
    compress_bytes(path, path.read_bytes(), stats, previous)


def reuse(path: Path, data: bytes, previous: Path | None, fresh: bool = False) -> bool:
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
        if not fresh:
            path.parent.mkdir(parents=True, exist_ok=True)
        for old in wanted:
            target = path.with_name(path.name + old.name[len(previous.name) :])
            if not fresh:
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


def compress_job(
    path: Path, data: bytes, previous: Path | None = None, fresh: bool = False
) -> tuple[int, int, int] | None:
    """Write the copies of ``data``; (raw, gzip, brotli) bytes, REUSED, or None when too small to compress.

    Run in the build's own process for a few pages, by the compressing process (_worker) for a build.
    ``fresh``: the compressing process of a full build, which writes a folder no reader sees yet, each page
    read from its folder (no directory to make, no temporary files).
    """
    if len(data) < MIN_BYTES:
        drop_siblings(path)
        return None
    if reuse(path, data, previous, fresh):
        return REUSED
    if not fresh:
        # A page's folder may not exist yet: the Compressor gets the page before MkDocs writes it.
        path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0: the same page always gives the same bytes (reproducible builds, stable ETags).
    gzip_level, brotli_quality = levels(len(data))
    squeezing: concurrent.futures.Future[bytes] | None = None
    if brotli is not None and len(data) >= LARGE_BYTES:
        # Both libraries let go of the interpreter while they compress: a big file's two copies are made on
        # both cores (the programme-target export at 100,000 documents: 0.085 s to 0.049 s for its CSV).
        squeezing = _pool().submit(brotli.compress, data, quality=brotli_quality)
    packed = gzip.compress(data, compresslevel=gzip_level, mtime=0)
    _write(path.with_name(path.name + ".gz"), packed, fresh)
    br_size = 0
    if brotli is not None:
        squeezed = squeezing.result() if squeezing is not None else brotli.compress(data, quality=brotli_quality)
        _write(path.with_name(path.name + ".br"), squeezed, fresh)
        br_size = len(squeezed)
    return (len(data), len(packed), br_size)


@functools.cache
def _pool() -> concurrent.futures.ThreadPoolExecutor:
    """The one thread that makes a big file's brotli copy while the caller makes its gzip copy."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="pokja-brotli")


# From this many pages a build compresses in a process of its own (below, as each page is written: a
# publication's ten pages cost less than starting a process).
PROCESS_FROM = 500
# Pages named to the compressing process in one write.
BATCH = 64


class CompressError(RuntimeError):
    """The compressing process failed; the message is its own last line."""


class Compressor:
    """Compresses the pages of a build while it renders the next ones: in a process of its own for a big one.

    Measured at 10,000 documents, compressing on worker threads, then in a process fed through a process
    pool, slowed the build's own process by a fifth: each page's hand-over (pickling, the pool's threads)
    waited for the build's thread to let go of the GIL. Here the process only gets the pages' paths, 64 at
    a time, once MkDocs has written them, and reads the pages from disk itself
    (``python -m site_builder.compress SITE [PREVIOUS]``, one path a line on its standard input).
    """

    def __init__(self, site_dir: str | Path, previous_site: str | Path | None = None, pages: int = 0) -> None:
        self.stats = CompressStats()
        self._site = Path(site_dir)
        # The live site a full build replaces: unchanged files reuse its copies.
        self.previous_site = Path(previous_site) if previous_site is not None else None
        # The pages taken (paths relative to the site): compress_tree leaves them out.
        self.done: set[str] = set()
        self._proc: subprocess.Popen[str] | None = None
        self._batch: list[str] = []
        self._last: str | None = None
        if pages >= PROCESS_FROM:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "site_builder.compress", str(self._site), str(self.previous_site or "")],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                encoding="utf-8",
            )

    def submit(self, rel: str, output: str) -> None:
        """Compress the page ``rel`` (relative to the site), whose text MkDocs is about to write."""
        self.done.add(rel)
        if self._proc is None:
            previous = self.previous_site / rel if self.previous_site is not None else None
            # The bytes MkDocs writes (mkdocs.commands.build._build_page encodes them so).
            data = output.encode("utf-8", errors="xmlcharrefreplace")
            _count(self.stats, compress_job(self._site / rel, data, previous))
            return
        # MkDocs writes this page after the call: it goes with the next batch, written by then.
        if self._last is not None:
            self._batch.append(self._last)
        self._last = rel
        if len(self._batch) >= BATCH:
            self._send()

    def _send(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        try:
            self._proc.stdin.write("".join(f"{rel}\n" for rel in self._batch))
            self._proc.stdin.flush()
        except BrokenPipeError:  # the process died: finish() says why
            pass
        self._batch.clear()

    def finish(self) -> CompressStats:
        """Wait until every copy is written; CompressError when the compressing process failed."""
        proc, self._proc = self._proc, None
        if proc is None:
            return self.stats
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        if self._last is not None:
            self._batch.append(self._last)
            self._last = None
        with contextlib.suppress(BrokenPipeError):
            proc.stdin.write("".join(f"{rel}\n" for rel in self._batch))
        self._batch.clear()
        out, err = proc.communicate()  # closes its input: the process ends once the last page is done
        if proc.returncode != 0:
            lines = [line for line in err.splitlines() if line.strip()]
            raise CompressError(lines[-1] if lines else f"exit {proc.returncode}")
        self.stats.add_counts(**json.loads(out or "{}"))
        return self.stats


def _worker(argv: list[str]) -> int:
    """The compressing process: the pages named on standard input, then its counts as JSON."""
    site = Path(argv[0])
    previous = Path(argv[1]) if len(argv) > 1 and argv[1] else None
    stats = CompressStats()
    for line in sys.stdin:
        rel = line.rstrip("\n")
        if not rel:
            continue
        path = site / rel
        try:
            data = path.read_bytes()
        except FileNotFoundError:  # an empty page MkDocs did not write
            continue
        _count(stats, compress_job(path, data, previous / rel if previous is not None else None, fresh=True))
    print(json.dumps(stats.counts()))
    return 0


def compress_tree(
    site_dir: str | Path,
    names: Iterable[str] | None = None,
    skip: set[str] | None = None,
    stats: CompressStats | None = None,
    previous_site: str | Path | None = None,
) -> CompressStats:
    """Compress every compressible file under ``site_dir``, or only ``names`` (paths relative to it).

    ``skip``: files already compressed (relative paths: the pages a Compressor took as they were written);
    ``previous_site``: the site this one replaces (unchanged files reuse its copies).
    """
    root = Path(site_dir)
    stats = stats if stats is not None else CompressStats()
    skip = skip or set()
    if names is None:
        names = _compressible_files(str(root))
    previous = Path(previous_site) if previous_site is not None else None
    for name in names:
        if name in skip or not compressible(name):
            continue
        path = root / name
        if path.is_file():
            compress_file(path, stats, previous / name if previous is not None else None)
        else:
            drop_siblings(path)
    return stats


def _compressible_files(root: str) -> Iterable[str]:
    """Relative paths of the site's compressible files, walked with scandir (30,000 page folders)."""
    stack = [("", root)]
    while stack:
        prefix, folder = stack.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append((f"{prefix}{entry.name}/", entry.path))
                elif compressible(entry.name):
                    yield prefix + entry.name


if __name__ == "__main__":
    sys.exit(_worker(sys.argv[1:]))
