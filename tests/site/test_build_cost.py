"""What keeps a national build light: compressed copies reused from the last build, pages made once."""

from __future__ import annotations

import gzip
from pathlib import Path

from site_builder.compress import compress_tree
from site_builder.context import GeneratedPage


def test_a_full_build_links_the_copies_of_unchanged_files_from_the_live_site(tmp_path: Path) -> None:
    live, fresh = tmp_path / "live", tmp_path / "fresh"
    for folder in (live, fresh):
        folder.mkdir()
        (folder / "same.html").write_text("<p>sama</p>" * 100, encoding="utf-8")
    (live / "changed.html").write_text("<p>lama</p>" * 100, encoding="utf-8")
    (fresh / "changed.html").write_text("<p>baru</p>" * 100, encoding="utf-8")
    compress_tree(live)
    stats = compress_tree(fresh, previous_site=live)
    assert (stats.files, stats.reused) == (1, 1)
    # The unchanged file's copies are the live ones (one inode), the changed file's are its own.
    for suffix in (".gz", ".br"):
        assert (fresh / f"same.html{suffix}").stat().st_ino == (live / f"same.html{suffix}").stat().st_ino
        assert (fresh / f"changed.html{suffix}").stat().st_ino != (live / f"changed.html{suffix}").stat().st_ino
    assert gzip.decompress((fresh / "changed.html.gz").read_bytes()) == (fresh / "changed.html").read_bytes()
    # A live file whose copies are missing is compressed again, never linked half.
    (live / "same.html.br").unlink()
    (fresh / "same.html.gz").unlink()
    (fresh / "same.html.br").unlink()
    assert compress_tree(fresh, ["same.html"], previous_site=live).reused == 0
    assert (fresh / "same.html.br").is_file()


def test_generated_pages_are_made_when_first_read_and_made_again_after_release() -> None:
    made: list[str] = []

    def fill(page: GeneratedPage) -> None:
        made.append(page.src_uri)
        page.markdown, page.html = "# Judul\n", "<table>baris</table>"

    page = GeneratedPage("pedoman/halaman/2.md", "Pedoman — halaman 2", lazy=fill)
    assert made == [] and page.url == "pedoman/halaman/2/"
    fingerprint = page.fingerprint()
    assert made == ["pedoman/halaman/2.md"] and page.html == "<table>baris</table>"
    page.release()
    # Released: the HTML is gone (the fingerprint kept) until the page is written and asks for it again.
    assert page._html == "" and page.fingerprint() == fingerprint and made == ["pedoman/halaman/2.md"]
    assert page.html == "<table>baris</table>" and made == ["pedoman/halaman/2.md"] * 2
    eager = GeneratedPage("tag/index.md", "Tag", "# Tag\n", "<ul></ul>")
    eager.release()  # nothing would make it again: an eager page keeps its HTML
    assert eager.html == "<ul></ul>"
