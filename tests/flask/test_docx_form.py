""" "Isi dari berkas Word": a .docx posted from the contribution form fills its title and body."""

from __future__ import annotations

import html as htmllib
import io
import re
from pathlib import Path

from tests.flask.test_contribute import form_page
from tests.test_import_docx import word_file

URL = "/kontribusi/pembelajaran/dari-word"


def test_a_word_file_fills_the_title_and_body_of_the_form(logged_in, tmp_path: Path) -> None:
    client = logged_in("anggota")
    page, csrf, _token = form_page(client)
    assert 'action="/kontribusi/pembelajaran/dari-word"' in page
    assert "Isi dari berkas Word" in page
    source = word_file(tmp_path / "panduan.docx")
    response = client.post(
        URL,
        data={"csrf_token": csrf, "docx": (io.BytesIO(source.read_bytes()), "Panduan Saya.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    page = htmllib.unescape(response.get_data(as_text=True))
    assert re.search(r'name="title"[^>]*value="Panduan Pendataan RTLH"', page)
    body = re.search(r'<textarea id="f-body" name="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert body is not None
    assert "| Kriteria | Bobot |\n|---|---|" in body.group(1)
    assert "## Langkah\n\n- Siapkan lembar" in body.group(1)
    assert "Judul dan isi diambil dari Panduan Saya.docx." in page
    assert "1 gambar tidak disertakan" in page


def test_a_file_that_is_no_docx_is_refused_with_the_message(logged_in) -> None:
    client = logged_in("anggota")
    _page, csrf, _token = form_page(client)
    response = client.post(
        URL,
        data={"csrf_token": csrf, "docx": (io.BytesIO(b"PK\x03\x04 rusak"), "laporan.docx")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
    assert "laporan.docx: bukan berkas Word .docx yang sah atau berkasnya rusak." in htmllib.unescape(
        response.get_data(as_text=True)
    )
    assert client.post(URL, data={"docx": (io.BytesIO(b"x"), "a.docx")}).status_code == 400  # no CSRF token
