"""What changed in a content tree since the last look, without a stat() of every file each time.

A publication publishes every file that changed since the last build, not only the ones it was given,
so nothing is left stale. Stating all 30,000 files of a national corpus cost a quarter of a second on
every publication (issue #14). ``scan`` walks the whole tree and remembers each folder's modification
time and each Markdown file's inode; ``rescan`` then looks into a folder only when its modification time
moved (a file added, removed or renamed in it) and states only the files whose inode changed there.

Every writer of this project replaces a file by renaming a new one into place (the publisher's atomic
writes), and so do git's checkouts and most editors: each of those changes the folder and the file's
inode. A file rewritten in place is not seen by ``rescan``; ``FULL_EVERY`` bounds how long that can last
(the next publication after it walks the whole tree again), and every full build walks it too.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

# Seconds after which a publication walks the whole tree again (files rewritten in place are found then).
FULL_EVERY = 600.0

Stat = tuple[int, int]

# File times advance in clock ticks of a few milliseconds: a folder changed within this many nanoseconds
# of being read might change again with the same time, so it is read again on the next rescan.
SETTLE_NS = 2_000_000_000


def _settled(mtime_ns: int) -> int:
    """The folder time to remember: -1 (read it again next time) when it is too recent to trust."""
    return -1 if time.time_ns() - mtime_ns < SETTLE_NS else mtime_ns


@dataclass
class Folder:
    """One folder of the tree as last seen: its modification time, its Markdown files' inodes, subfolders."""

    mtime_ns: int
    files: dict[str, int] = field(default_factory=dict)
    subfolders: set[str] = field(default_factory=set)


@dataclass
class TreeScan:
    """(mtime_ns, size) of every Markdown file, schema and reference-data file, and how the folders looked."""

    stats: dict[str, Stat]
    folders: dict[str, Folder]
    full_at: float

    def copy(self) -> TreeScan:
        """A copy whose stats and folders can change without changing this one (one C-level copy each)."""
        return TreeScan(dict(self.stats), dict(self.folders), self.full_at)


def _skipped(name: str) -> bool:
    return name.startswith(("_", "."))


def _definitions(root: Path, stats: dict[str, Stat]) -> None:
    for folder in ("_schemas", "_data"):
        for path in sorted((root / folder).glob("*.yml")):
            st = path.stat()
            stats[f"{folder}/{path.name}"] = (st.st_mtime_ns, st.st_size)


def _read(
    root: str, rel: str, mtime: int, stats: dict[str, Stat], folders: dict[str, Folder], seen: Folder | None = None
) -> Folder:
    """Read the folder ``rel`` into ``stats`` and ``folders``; ``mtime``: its time, taken before reading.

    ``seen``: how it looked last time: only its new subfolders are walked and only files whose inode changed
    are stated (the caller drops what went). Without it, everything below is read afresh.
    """
    folder = Folder(_settled(mtime))
    folders[rel] = folder
    prefix = f"{rel}/" if rel else ""
    with os.scandir(os.path.join(root, rel) if rel else root) as entries:
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not _skipped(entry.name):
                    folder.subfolders.add(entry.name)
                    if seen is None or entry.name not in seen.subfolders:
                        _walk(root, prefix + entry.name, stats, folders)
            elif entry.name.endswith(".md"):
                inode = folder.files[entry.name] = entry.inode()
                if seen is None or seen.files.get(entry.name) != inode:
                    st = entry.stat()
                    stats[prefix + entry.name] = (st.st_mtime_ns, st.st_size)
    return folder


def _walk(root: str, rel: str, stats: dict[str, Stat], folders: dict[str, Folder]) -> None:
    """Read the folder ``rel`` (and below) afresh into ``stats`` and ``folders``."""
    # Taken before reading: a change made while the folder is read moves its time past this one.
    _read(root, rel, os.stat(os.path.join(root, rel) if rel else root).st_mtime_ns, stats, folders)


def scan(root: Path) -> TreeScan:
    """Walk the whole tree: every folder, every Markdown file stated."""
    stats: dict[str, Stat] = {}
    folders: dict[str, Folder] = {}
    _walk(str(root), "", stats, folders)
    _definitions(root, stats)
    return TreeScan(stats, folders, time.monotonic())


def _forget(rel: str, scan_: TreeScan) -> None:
    folder = scan_.folders.pop(rel, None)
    if folder is None:
        return
    prefix = f"{rel}/" if rel else ""
    for name in folder.files:
        scan_.stats.pop(prefix + name, None)
    for sub in folder.subfolders:
        _forget(prefix + sub, scan_)


def rescan(root: Path, previous: TreeScan) -> TreeScan:
    """The tree now, looking only into folders whose modification time moved (a full walk when due)."""
    if time.monotonic() - previous.full_at >= FULL_EVERY:
        return scan(root)
    out = previous.copy()
    base = str(root)
    for rel, seen in list(previous.folders.items()):
        if rel not in out.folders:  # its parent was read again already
            continue
        path = os.path.join(base, rel) if rel else base
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            _forget(rel, out)
            continue
        if mtime == seen.mtime_ns:
            continue
        folder = _read(base, rel, mtime, out.stats, out.folders, seen)
        prefix = f"{rel}/" if rel else ""
        for name in seen.files.keys() - folder.files.keys():
            out.stats.pop(prefix + name, None)
        for sub in seen.subfolders - folder.subfolders:
            _forget(prefix + sub, out)
    _definitions(root, out.stats)
    return out


def refresh(root: Path, paths: list[str], scan_: TreeScan) -> None:
    """State again the files a caller names (relative paths), whether or not their folder moved."""
    for rel in paths:
        try:
            st = os.stat(root / rel)
        except OSError:
            continue
        if rel in scan_.stats or rel.endswith(".md"):
            scan_.stats[rel] = (st.st_mtime_ns, st.st_size)
