"""The PDF of a module and a guideline, read back; the print footer and the link on the page; attachments described."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
import weasyprint
from pypdf import PdfReader

from site_builder import pdf
from tests.site.conftest import page


def flat(text: str) -> str:
    """Text with its line breaks as spaces, and none after a slash (a long address wraps there)."""
    return re.sub(r"/ ", "/", " ".join(text.split()))


def pdf_text(path: Path) -> list[str]:
    """The text of every page of a PDF (pypdf)."""
    return [p.extract_text() for p in PdfReader(path).pages]


@pytest.fixture(scope="module")
def pdf_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small site, with a PDF attachment on the module and a scan on the guideline."""
    from site_builder.build import build_site
    from tests.site.conftest import make_site_tree, write_config

    base = tmp_path_factory.mktemp("pdf")
    content = make_site_tree(base / "content")
    folder = content / "modul" / "lampiran"
    folder.mkdir()
    weasyprint.HTML(string="<p>Lembar satu</p><p style='break-before: page'>Lembar dua</p>").write_pdf(
        folder / "lembar.pdf"
    )
    (content / "pedoman" / "lampiran").mkdir()
    weasyprint.HTML(string="<div style='height:3cm;background:#000'></div>").write_pdf(
        content / "pedoman" / "lampiran" / "pindai.pdf"
    )
    for doc_type, slug, file, title in (
        ("modul", "modul-dasar", "lembar.pdf", "Lembar latihan"),
        ("pedoman", "pedoman-koordinasi", "pindai.pdf", "SK hasil pindai"),
    ):
        path = content / doc_type / f"{slug}.md"
        text = path.read_text(encoding="utf-8")
        text = text.replace("\n---\n", f"\nattachments:\n- file: lampiran/{file}\n  title: {title}\n---\n", 1)
        if doc_type == "modul":  # long enough for several pages, each with the footer
            text += "".join(f"\n## Bagian {i}\n\n" + "Teks latihan pendataan rumah. " * 40 + "\n" for i in range(12))
        path.write_text(text, encoding="utf-8")
    config = write_config(base)
    os.environ["POKJA_INDEX"] = str(base / "index")  # the attachment cache of this build
    try:
        build_site(config, content_dir=content, site_dir=base / "site", strict=True)
    finally:
        del os.environ["POKJA_INDEX"]
    return base / "site"


def test_the_pdf_of_a_module_holds_title_session_plan_and_the_footer_with_the_address(pdf_site: Path) -> None:
    target = pdf_site / "modul" / "modul-dasar" / "modul-dasar.pdf"
    reader = PdfReader(target)
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4 in points
    pages = pdf_text(target)
    text = "\n".join(pages)
    assert "Modul Dasar Pokja" in text
    # The session plan as a table: its header and rows.
    assert "Rencana sesi" in text
    assert "Sesi Menit Metode" in text
    assert "Pengantar 60 ceramah" in text
    assert "Diskusi 120" in text
    assert "Latar belakang" in text and "Isi dokumen." in text
    # The attachments listed with their facts.
    assert re.search(r"Lembar latihan PDF · \d KB · 2 hlm\. · \d+ \w+ \d{4}", text)
    assert len(pages) >= 3
    for number, page_text in enumerate(pages, start=1):
        assert "Modul Dasar Pokja · 1 Maret 2024 · http://127.0.0.1:8000/modul/modul-dasar/" in flat(page_text)
        assert f"Hlm. {number} dari {len(pages)}" in flat(page_text)


def test_a_guideline_pdf_carries_its_version_and_the_page_links_to_it(pdf_site: Path) -> None:
    text = flat("\n".join(pdf_text(pdf_site / "pedoman" / "pedoman-koordinasi" / "pedoman-koordinasi.pdf")))
    assert (
        "Pedoman Koordinasi Pokja · Versi 1.2 · 10 Januari 2024 · http://127.0.0.1:8000/pedoman/pedoman-koordinasi/"
        in (text)
    )
    html = page(pdf_site, "pedoman/pedoman-koordinasi")
    assert '<p class="pokja-pdf"><a href="pedoman-koordinasi.pdf" download>Unduh PDF</a></p>' in html
    assert 'href="../../assets/pokja/print.css" media="print"' in html
    assert (
        '<div class="pokja-print-footer" hidden>Pedoman Koordinasi Pokja · Versi 1.2 · 10 Januari 2024 · '
        "http://127.0.0.1:8000/pedoman/pedoman-koordinasi/</div>"
    ) in html
    # Only guidelines and modules get a PDF; every document page gets the print footer.
    assert not list((pdf_site / "program").rglob("*.pdf"))
    assert '<div class="pokja-print-footer" hidden>Program RTLH Jawa Tengah' in page(pdf_site, "program/program-rtlh")


def test_attachments_are_described_on_the_page_and_a_scan_is_said_to_be_one(pdf_site: Path) -> None:
    module = page(pdf_site, "modul/modul-dasar")
    assert re.search(
        r'Lembar latihan</a> <span class="pokja-file">PDF · \d KB · 2 hlm\. · \d+ \w+ \d{4}</span>', module
    )
    guideline = page(pdf_site, "pedoman/pedoman-koordinasi")
    assert (
        '<span class="pokja-file-note">PDF hasil pindai tanpa lapisan teks: isinya tidak dapat dicari.</span>'
        in guideline
    )


def test_a_pdf_fetches_files_of_the_site_only(tmp_path: Path) -> None:
    (tmp_path / "modul").mkdir()
    (tmp_path / "modul" / "gambar.png").write_bytes(b"\x89PNG")
    fetcher = pdf._fetcher(tmp_path, "https://pokja.example/")
    assert fetcher.fetch("https://pokja.example/modul/gambar.png").read() == b"\x89PNG"
    assert fetcher.fetch((tmp_path / "modul" / "gambar.png").as_uri()).read() == b"\x89PNG"
    for url in (
        "http://169.254.169.254/latest/meta-data",
        "https://pokja.example/../../etc/passwd",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError, match="not fetched"):
            fetcher.fetch(url)


def test_any_other_document_gets_its_pdf_from_the_service_on_request(pdf_site: Path, tmp_path: Path) -> None:
    from flask_app import create_app

    content = pdf_site.parent / "content"
    assert '<a href="/pdf/program/program-rtlh.pdf" download>Unduh PDF</a>' in page(pdf_site, "program/program-rtlh")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "t",
            "CONTENT_DIR": str(content),
            "SITE_DIR": str(pdf_site),
            "INDEX_DIR": str(tmp_path / "index"),
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    client = app.test_client()
    response = client.get("/pdf/program/program-rtlh.pdf")
    data = response.get_data()
    response.close()  # send_file's open file
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    target = tmp_path / "program.pdf"
    target.write_bytes(data)
    text = flat("\n".join(pdf_text(target)))
    assert "Program RTLH Jawa Tengah" in text
    assert "http://127.0.0.1:8000/program/program-rtlh/" in text
    assert len(list((tmp_path / "instance" / "pdf").glob("*.pdf"))) == 1  # cached for the next request
    again = client.get("/pdf/program/program-rtlh.pdf")
    assert again.get_data() == data
    again.close()
    # A guideline's is the built one; an unknown document is a 404.
    built = client.get("/pdf/pedoman/pedoman-koordinasi.pdf")
    assert built.get_data() == (pdf_site / "pedoman" / "pedoman-koordinasi" / "pedoman-koordinasi.pdf").read_bytes()
    built.close()
    missing = client.get("/pdf/program/tidak-ada.pdf")
    missing.close()  # the site's 404 page, sent as a file
    assert missing.status_code == 404
