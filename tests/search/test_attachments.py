"""Attachment text in search: PDF and .docx words found and placed, a cache by hash, bad files reported."""

from __future__ import annotations

import argparse
import zipfile
from pathlib import Path

import docx
import pytest
import weasyprint
from pypdf import PdfWriter

from search import attachments, index
from search.cli import cmd_index
from search.query import SearchRequest, Vocabulary, search
from site_builder.content import load
from tests.conftest import base_meta, write_doc


def make_pdf(path: Path, *pages: str) -> Path:
    """A PDF of one paragraph per page (WeasyPrint), with a text layer."""
    body = "".join(f'<p style="page-break-before: always">{p}</p>' for p in pages)
    path.parent.mkdir(parents=True, exist_ok=True)
    weasyprint.HTML(string=f"<html><body>{body}</body></html>").write_pdf(path)
    return path


def make_docx(path: Path, *paragraphs: str) -> Path:
    """A .docx with a heading and paragraphs (python-docx)."""
    document = docx.Document()
    document.add_heading("Laporan kegiatan", 1)
    for text in paragraphs:
        document.add_paragraph(text)
    path.parent.mkdir(parents=True, exist_ok=True)
    document.save(path)
    return path


def deep_pdf(depth: int) -> bytes:
    """A well-formed PDF whose page holds an array nested ``depth`` levels deep."""
    nested = b"[" * depth + b"]" * depth
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 10 10] /Resources << /X " + nested + b" >> >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def attach(root: Path, doc_type: str, slug: str, title: str, files: list[tuple[str, str]], body: str = "Isi.\n"):
    """A document of ``doc_type`` with ``files`` (file under lampiran/, title) as attachments."""
    meta = base_meta(title, attachments=[{"file": f"lampiran/{f}", "title": t} for f, t in files])
    if doc_type == "pedoman":
        meta.update(issuer="Kementerian PKP", status="berlaku")
    return write_doc(root, doc_type, slug, meta, body)


def hits(index_dir: Path, root: Path, q: str):
    """The hits of ``q`` over the index (in Indonesian)."""
    vocabulary = Vocabulary.from_content(root)
    with index.open_index(index_dir).searcher() as searcher:
        return search(searcher, SearchRequest(q=q), vocabulary).hits


@pytest.fixture
def attached_tree(empty_tree: Path) -> Path:
    """Two guidelines: one with a two-page PDF, one with a .docx; their words stand only there."""
    folder = empty_tree / "pedoman" / "lampiran"
    make_pdf(folder / "laporan.pdf", "Halaman pertama tentang rapat.", "Jumlah rumah zamrudkhatulistiwa terdata.")
    make_docx(folder / "notulen.docx", "Catatan ketapangkencana dari rapat desa.")
    attach(empty_tree, "pedoman", "pedoman-pdf", "Pedoman Bersampiran PDF", [("laporan.pdf", "Laporan.pdf")])
    attach(empty_tree, "pedoman", "pedoman-docx", "Pedoman Bersampiran Word", [("notulen.docx", "Notulen.docx")])
    corpus = load(empty_tree)
    assert not corpus.errors, [p.format() for p in corpus.errors]
    return empty_tree


def test_a_word_only_in_a_pdf_or_docx_attachment_is_found_and_the_result_names_the_attachment(
    attached_tree: Path, tmp_path: Path
) -> None:
    target = tmp_path / "index"
    index.rebuild(load(attached_tree), target)
    [pdf_hit] = hits(target, attached_tree, "zamrudkhatulistiwa")
    assert pdf_hit.slug == "pedoman-pdf"
    assert pdf_hit.attachment == "di lampiran: Laporan.pdf, hlm. 2"
    assert "<mark>zamrudkhatulistiwa</mark>" in pdf_hit.snippet
    [docx_hit] = hits(target, attached_tree, "ketapangkencana")
    assert docx_hit.slug == "pedoman-docx"
    assert docx_hit.attachment == "di lampiran: Notulen.docx"
    assert "<mark>ketapangkencana</mark>" in docx_hit.snippet
    # A word of the body is placed in the body, not in an attachment.
    [body_hit] = hits(target, attached_tree, "Bersampiran PDF")
    assert body_hit.attachment == ""


def test_the_result_page_shows_where_the_word_stood(attached_tree: Path, tmp_path: Path) -> None:
    from flask_app import create_app

    target = tmp_path / "index"
    index.rebuild(load(attached_tree), target)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CONTENT_DIR": str(attached_tree),
            "SITE_DIR": str(tmp_path / "site"),
            "INDEX_DIR": str(target),
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    try:
        page = app.test_client().get("/cari?q=zamrudkhatulistiwa").get_data(as_text=True)
        api = app.test_client().get("/api/search?q=ketapangkencana").get_json()
    finally:
        app.extensions["pokja_search"].close()
    assert '<p class="srch-attachment">di lampiran: Laporan.pdf, hlm. 2</p>' in page
    assert api["hits"][0]["attachment"] == "di lampiran: Notulen.docx"


def test_an_unchanged_file_is_read_once_and_check_sees_a_changed_attachment(
    attached_tree: Path, tmp_path: Path
) -> None:
    target = tmp_path / "index"
    first = index.attachment_cache(target)
    index.rebuild(load(attached_tree), target, attachments=first)
    assert (first.read, first.cached) == (2, 0)
    again = index.attachment_cache(target)
    index.rebuild(load(attached_tree), target, attachments=again)
    assert (again.read, again.cached) == (0, 2)
    # A new text in the PDF: the document is stale for --check, and the repair indexes the new word.
    make_pdf(attached_tree / "pedoman" / "lampiran" / "laporan.pdf", "Kini tentang safirbiru saja.")
    report = index.check(load(attached_tree), target, repair=True)
    assert report.stale == ["pedoman-pdf"]
    assert [h.attachment for h in hits(target, attached_tree, "safirbiru")] == ["di lampiran: Laporan.pdf, hlm. 1"]
    assert index.check(load(attached_tree), target).ok


def test_five_bad_files_each_get_a_message_and_the_index_build_goes_on(
    empty_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = empty_tree / "pedoman" / "lampiran"
    ok = make_pdf(folder / "baik.pdf", "Kata intanpermata yang dicari.")
    writer = PdfWriter(clone_from=str(ok))
    writer.encrypt("rahasia", algorithm="RC4-128")
    writer.write(folder / "terkunci.pdf")
    (folder / "dalam.pdf").write_bytes(deep_pdf(100_000))
    # 50 MB: a valid PDF padded with a comment before its end.
    (folder / "besar.pdf").write_bytes(ok.read_bytes().replace(b"%%EOF", b"%" + b"0" * (50 << 20) + b"\n%%EOF"))
    (folder / "rusak.docx").write_bytes(b"PK\x03\x04" + b"bukan zip " * 200)
    make_docx(folder / "bergambar.docx", "Teks mutiaralaut di samping gambar.")
    with zipfile.ZipFile(folder / "bergambar.docx", "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/image1.png", b"\0" * (100 << 20))  # 100 MB unpacked
    names = ["baik.pdf", "terkunci.pdf", "dalam.pdf", "besar.pdf", "rusak.docx", "bergambar.docx"]
    attach(empty_tree, "pedoman", "pedoman-lampiran", "Pedoman Lampiran", [(n, n) for n in names])
    args = argparse.Namespace(content=str(empty_tree), index=str(tmp_path / "index"), check=False, no_repair=False)
    assert cmd_index(args) == 0
    out = capsys.readouterr().out
    where = "pedoman/lampiran"
    assert f"{where}/terkunci.pdf: PDF terenkripsi (dilindungi kata sandi); teksnya tidak diindeks." in out
    assert f"{where}/dalam.pdf: struktur PDF bersarang terlalu dalam; teksnya tidak diindeks." in out
    assert f"{where}/besar.pdf: berkas 50,0 MB melebihi batas 32,0 MB untuk dibaca; teksnya tidak diindeks." in out
    assert f"{where}/rusak.docx: berkas rusak atau tidak dapat dibaca (BadZipFile); teksnya tidak diindeks." in out
    assert f"{where}/bergambar.docx: 1 gambar besar (100,0 MB) tidak dibaca; teksnya tetap diindeks." in out
    assert "1 dokumen diindeks" in out
    # The good PDF and the text beside the huge image are searchable all the same.
    assert [h.attachment for h in hits(tmp_path / "index", empty_tree, "intanpermata")] == [
        "di lampiran: baik.pdf, hlm. 1"
    ]
    assert [h.attachment for h in hits(tmp_path / "index", empty_tree, "mutiaralaut")] == [
        "di lampiran: bergambar.docx"
    ]


def test_a_pdf_without_a_text_layer_is_reported_as_a_scan(empty_tree: Path, tmp_path: Path, capsys) -> None:
    folder = empty_tree / "pedoman" / "lampiran"
    folder.mkdir(parents=True)
    # A page with only a drawing: no text layer, as a scan.
    weasyprint.HTML(string='<div style="width:5cm;height:5cm;background:#000"></div>').write_pdf(folder / "pindai.pdf")
    attach(empty_tree, "pedoman", "pedoman-pindai", "Pedoman Pindaian", [("pindai.pdf", "Pindai.pdf")])
    args = argparse.Namespace(content=str(empty_tree), index=str(tmp_path / "index"), check=False, no_repair=False)
    assert cmd_index(args) == 0
    assert (
        "pedoman/lampiran/pindai.pdf: PDF tanpa lapisan teks (hasil pindai); isinya tidak dapat dicari."
        in capsys.readouterr().out
    )


def test_a_reader_over_its_time_is_stopped_with_a_message(tmp_path: Path, monkeypatch) -> None:
    pdf = make_pdf(tmp_path / "lambat.pdf", "teks")
    monkeypatch.setattr(attachments, "WALL_SECONDS", 0.01)
    result = attachments.read_bounded(pdf)
    assert result.problem == "att.timeout"
    assert result.messages("lambat.pdf") == [
        "lambat.pdf: pembacaan melewati batas waktu 0.01 detik; teksnya tidak diindeks."
    ]
