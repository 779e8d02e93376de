"""A rescan of the content tree sees what a whole walk sees, looking only into folders that moved."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from site_builder import tree_scan


def _write(path: Path, text: str) -> None:
    """Written as the publisher and git write: a new file renamed into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def test_a_rescan_finds_added_replaced_removed_files_and_folders(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "content"
    for rel in ("pedoman/a.md", "pedoman/b.md", "modul/c.md", "modul/bagian/d.md", "_schemas/pedoman.yml"):
        _write(root / rel, rel)
    _write(root / ".git/x.md", "not content")
    first = tree_scan.scan(root)
    assert sorted(first.stats) == [
        "_schemas/pedoman.yml",
        "modul/bagian/d.md",
        "modul/c.md",
        "pedoman/a.md",
        "pedoman/b.md",
    ]

    _write(root / "pedoman/a.md", "changed, longer than before")
    (root / "pedoman/b.md").unlink()
    _write(root / "pembelajaran/e.md", "a new folder")
    _write(root / "modul/bagian/baru/f.md", "a new subfolder")
    shutil.rmtree(root / "modul/bagian/baru")
    _write(root / "modul/lain/g.md", "another")
    shutil.rmtree(root / "modul/bagian")
    again = tree_scan.rescan(root, first)
    assert again.stats == tree_scan.scan(root).stats
    assert "pedoman/b.md" in first.stats  # the earlier scan is left as it was
    assert again.stats["pedoman/a.md"] != first.stats["pedoman/a.md"]

    # A file rewritten in place leaves its folder's time: seen by the next whole walk, which is due after
    # FULL_EVERY seconds, or when the caller names the file.
    (root / "modul/c.md").write_text("rewritten in place, longer", encoding="utf-8")
    quiet = tree_scan.rescan(root, again)
    assert quiet.stats["modul/c.md"] == again.stats["modul/c.md"]
    tree_scan.refresh(root, ["modul/c.md"], quiet)
    assert quiet.stats == tree_scan.scan(root).stats
    monkeypatch.setattr(tree_scan, "FULL_EVERY", 0.0)
    assert tree_scan.rescan(root, again).stats == tree_scan.scan(root).stats
