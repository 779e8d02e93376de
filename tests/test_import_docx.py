"""``pokja import FILE.docx``: a Word file made here becomes a document that is valid once its fields are filled."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from docx.shared import Inches
from PIL import Image

from flask_app.cli import main
from site_builder.content import load
from site_builder.importer import ImportRefused, convert

PNG = io.BytesIO()
Image.new("RGB", (24, 12), "red").save(PNG, "PNG")


def add_link(paragraph: Any, url: str, text: str) -> None:
    """An external hyperlink run (python-docx has no API for writing one)."""
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    rid = paragraph.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rid)
    run = OxmlElement("w:r")
    node = OxmlElement("w:t")
    node.text = text
    run.append(node)
    link.append(run)
    paragraph._p.append(link)


def word_file(path: Path) -> Path:
    """A .docx with a title heading, bold and italic, lists, a table, an image and a sub-heading."""
    document = docx.Document()
    document.add_heading("Panduan Pendataan RTLH", 1)
    paragraph = document.add_paragraph("Paragraf dengan ")
    paragraph.add_run("tebal").bold = True
    paragraph.add_run(" dan ")
    paragraph.add_run("miring").italic = True
    paragraph.add_run(".")
    document.add_heading("Langkah", 2)
    document.add_paragraph("Siapkan lembar", style="List Bullet")
    document.add_paragraph("Kunjungi rumah", style="List Bullet")
    table = document.add_table(rows=3, cols=2)
    for r, row in enumerate([("Kriteria", "Bobot"), ("Atap", "30"), ("Dinding | lantai", "70")]):
        for c, text in enumerate(row):
            table.cell(r, c).text = text
    PNG.seek(0)
    document.add_picture(PNG, width=Inches(1))
    document.add_heading("Pelaporan", 2)
    report = document.add_paragraph("Kirim ke dinas lewat ")
    add_link(report, "https://pokja.example/lapor", "situs Pokja")
    report.add_run(" atau ")
    add_link(report, "javascript:alert(1)", "tautan jahat")
    report.add_run(".")
    document.save(path)
    return path


def test_pokja_import_writes_markdown_with_table_and_image_valid_once_the_named_fields_are_filled(
    content_tree: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = word_file(tmp_path / "panduan.docx")
    assert main(["import", str(source), "--type", "modul", "--content", str(content_tree)]) == 0
    out = capsys.readouterr().out
    target = content_tree / "modul" / "panduan-pendataan-rtlh.md"
    assert f"Dokumen ditulis dari berkas Word: {target.as_posix()}" in out
    assert "summary, objectives, audience, level, duration_minutes" in out
    text = target.read_text(encoding="utf-8")
    assert "title: Panduan Pendataan RTLH" in text
    assert "Paragraf dengan **tebal** dan *miring*." in text
    assert "## Langkah\n\n- Siapkan lembar\n- Kunjungi rumah" in text
    assert "| Kriteria | Bobot |\n|---|---|\n| Atap | 30 |\n| Dinding \\| lantai | 70 |" in text
    assert "![Gambar 1](lampiran/panduan-pendataan-rtlh-gambar-1.png)" in text
    assert "## Pelaporan\n\nKirim ke dinas lewat [situs Pokja](https://pokja.example/lapor) atau tautan jahat." in text
    image = content_tree / "modul" / "lampiran" / "panduan-pendataan-rtlh-gambar-1.png"
    assert image.read_bytes().startswith(b"\x89PNG")
    # pokja check names what the Word file could not say ...
    assert main(["check", str(content_tree)]) == 1
    checked = capsys.readouterr().out
    for name in ("summary", "objectives", "audience", "level", "duration_minutes"):
        assert f"modul/panduan-pendataan-rtlh.md:2: {name}: kolom '{name}' wajib diisi" in checked
    # ... and once they are filled the document is valid.
    head, body = text.split("---\n", 2)[1:]
    meta = yaml.safe_load(head)
    meta.update(summary="Ringkasan.", objectives=["Memahami"], audience=["Petugas"], level="dasar", duration_minutes=60)
    target.write_text(f"---\n{yaml.safe_dump(meta, allow_unicode=True)}---\n{body}", encoding="utf-8")
    corpus = load(content_tree)
    assert not corpus.errors, [p.format() for p in corpus.errors]
    assert "panduan-pendataan-rtlh" in {d.slug for d in corpus.documents}


def test_import_refuses_what_is_no_docx_with_a_message(content_tree: Path, tmp_path: Path, capsys) -> None:
    broken = tmp_path / "rusak.docx"
    broken.write_bytes(b"PK\x03\x04 bukan zip")
    assert main(["import", str(broken), "--type", "modul", "--content", str(content_tree)]) == 1
    assert "rusak.docx: bukan berkas Word .docx yang sah atau berkasnya rusak." in capsys.readouterr().err
    odt = tmp_path / "catatan.odt"
    odt.write_bytes(b"x")
    assert main(["import", str(odt), "--type", "modul", "--content", str(content_tree)]) == 1
    assert "catatan.odt: hanya berkas Word .docx yang dapat diimpor" in capsys.readouterr().err


def test_a_docx_that_unpacks_too_large_is_refused_before_it_is_loaded(tmp_path: Path) -> None:
    source = word_file(tmp_path / "bom.docx")
    with zipfile.ZipFile(source, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/besar.png", b"\0" * (210 << 20))
    with pytest.raises(ImportRefused) as refused:
        convert(source)
    assert refused.value.key == "import.too_big"
