"""Attachments are recognised by their content, size-limited and stored under generated names."""

from __future__ import annotations

import io
import re

import pytest

from flask_app.uploads import UploadError, is_stored_name, store_upload
from site_builder.i18n import _

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201e2f8d5e90000000049454e44ae426082"
)


def small_pdf(text: str = "Uji") -> bytes:
    """A small valid one-page PDF."""
    stream = f"BT /F1 12 Tf 20 40 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def store(tmp_path, data: bytes, name: str, limit: int = 1024 * 1024):
    return store_upload(io.BytesIO(data), name, tmp_path / "up", limit)


def refused(tmp_path, data: bytes, name: str, limit: int = 1024 * 1024) -> str:
    with pytest.raises(UploadError) as info:
        store(tmp_path, data, name, limit)
    # nothing is left behind, not even a temporary file
    assert list((tmp_path / "up").iterdir()) == []
    return _(info.value.key, "id", **info.value.params)


def test_pdf_is_stored_under_a_generated_name(tmp_path):
    stored = store(tmp_path, small_pdf(), "../../etc/Laporan Akhir.pdf")
    assert stored.mime == "application/pdf"
    assert stored.original_name == "Laporan Akhir.pdf"
    assert re.fullmatch(r"[0-9a-f]{32}\.pdf", stored.stored_name) and is_stored_name(stored.stored_name)
    assert (tmp_path / "up" / stored.stored_name).read_bytes() == small_pdf()
    assert [p.name for p in (tmp_path / "up").iterdir()] == [stored.stored_name]


def test_png_without_extension_is_accepted_by_content(tmp_path):
    assert store(tmp_path, PNG, "foto").stored_name.endswith(".png")


def test_oversize_upload(tmp_path):
    assert refused(tmp_path, small_pdf() + b"0" * 3000, "besar.pdf", limit=2048) == (
        "Berkas 'besar.pdf' terlalu besar (> 2 KB); batasnya 2 KB."
    )


def test_html_named_pdf_is_refused_by_content(tmp_path):
    assert refused(tmp_path, b"<html><script>alert(1)</script></html>", "laporan.pdf") == (
        "Berkas 'laporan.pdf' bukan PDF atau gambar PNG, JPEG, WebP menurut isinya."
    )


def test_svg_image_is_refused(tmp_path):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'
    assert "bukan PDF atau gambar" in refused(tmp_path, svg, "gambar.svg")


def test_png_claiming_to_be_a_pdf_lies_about_its_type(tmp_path):
    assert refused(tmp_path, PNG, "laporan.pdf") == "Berkas 'laporan.pdf' mengaku PDF dari namanya, tetapi isinya PNG."


def test_pdf_named_html_lies_about_its_type(tmp_path):
    assert refused(tmp_path, small_pdf(), "halaman.html") == (
        "Berkas 'halaman.html' mengaku html dari namanya, tetapi isinya PDF."
    )


def test_empty_file(tmp_path):
    assert refused(tmp_path, b"", "kosong.pdf") == "Berkas 'kosong.pdf' kosong."


def test_generated_names_never_name_another_path():
    assert not is_stored_name("../secret_key")
    assert not is_stored_name("a" * 32 + ".html")
    assert not is_stored_name("0" * 31 + ".pdf")
