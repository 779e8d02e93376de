"""The service sends compressed responses: the site's pre-compressed copies, gzip/brotli for rendered pages."""

from __future__ import annotations

import builtins
import gzip
import io
import zipfile
from pathlib import Path

import brotli
import pytest
from flask.testing import FlaskClient

from flask_app.compression import accepted
from site_builder.compress import (
    BROTLI_QUALITY,
    GZIP_LEVEL,
    LARGE_BROTLI_QUALITY,
    LARGE_BYTES,
    LARGE_GZIP_LEVEL,
    compress_job,
    compress_tree,
    levels,
)

PAGE = "<!doctype html><title>Pedoman</title>" + "<p>Perumahan dan kawasan permukiman.</p>" * 100


def _site(site_dir: Path) -> None:
    (site_dir / "pedoman").mkdir()
    (site_dir / "pedoman" / "index.html").write_text(PAGE, encoding="utf-8")
    (site_dir / "assets" / "main.0123abcd.min.css").write_text("body{color:#111}" * 100, encoding="utf-8")
    compress_tree(site_dir)


def test_accept_encoding_is_read_with_its_weights() -> None:
    assert accepted("gzip, deflate, br") == ["br", "gzip"]
    assert accepted("br;q=0, gzip;q=0.5") == ["gzip"]
    assert accepted("*") == ["br", "gzip"]
    assert accepted("identity") == [] and accepted(None) == []


def test_site_pages_are_sent_precompressed(client: FlaskClient, site_dir: Path) -> None:
    _site(site_dir)
    br = client.get("/pedoman/", headers={"Accept-Encoding": "gzip, br"})
    assert br.headers["Content-Encoding"] == "br" and br.mimetype == "text/html"
    assert brotli.decompress(br.get_data()).decode() == PAGE
    assert "Accept-Encoding" in br.headers["Vary"]
    assert br.headers["Cache-Control"] == "no-cache"  # pages are revalidated
    gz = client.get("/pedoman/", headers={"Accept-Encoding": "gzip"})
    assert gz.headers["Content-Encoding"] == "gzip" and gzip.decompress(gz.get_data()).decode() == PAGE
    plain = client.get("/pedoman/")
    assert "Content-Encoding" not in plain.headers and plain.get_data(as_text=True) == PAGE
    again = client.get("/pedoman/", headers={"Accept-Encoding": "br", "If-None-Match": br.headers["ETag"]})
    assert again.status_code == 304
    for response in (br, gz, plain, again):
        response.close()


def test_fingerprinted_assets_are_cached_for_a_year(client: FlaskClient, site_dir: Path) -> None:
    _site(site_dir)
    response = client.get("/assets/main.0123abcd.min.css", headers={"Accept-Encoding": "br"})
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Content-Encoding"] == "br" and response.mimetype == "text/css"
    response.close()
    other = client.get("/assets/gaya.css")
    assert other.headers["Cache-Control"] == "no-cache"
    other.close()


def test_rendered_pages_are_compressed_on_the_way_out(client: FlaskClient) -> None:
    response = client.get("/akun/masuk", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "<form" in gzip.decompress(response.get_data()).decode()
    plain = client.get("/akun/masuk")
    assert "Content-Encoding" not in plain.headers and "<form" in plain.get_data(as_text=True)


def test_account_status_for_the_site_header(client: FlaskClient, logged_in) -> None:
    assert client.get("/akun/status").get_json() == {"logged_in": False}
    member = logged_in("moderator")
    data = member.get("/akun/status").get_json()
    assert data["logged_in"] is True and data["account_url"] == "/akun"
    assert [link["href"] for link in data["links"]] == ["/kontribusi", "/moderasi"]
    assert member.get("/akun/status").headers["Cache-Control"] == "no-store"


def test_offline_zip_holds_the_whole_site_once(client: FlaskClient, site_dir: Path) -> None:
    _site(site_dir)
    response = client.get("/unduh/situs-luring.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(response.get_data())).namelist()
    response.close()
    assert "pedoman/index.html" in names and "BACA-SAYA.txt" in names
    assert not [n for n in names if n.endswith((".gz", ".br"))]
    zips = list((site_dir.parent / "instance" / "offline").glob("situs-*.zip"))
    assert len(zips) == 1
    # Unchanged site: the same file is sent again; a changed site makes a new one and drops the old.
    client.get("/unduh/situs-luring.zip").close()
    assert list((site_dir.parent / "instance" / "offline").glob("situs-*.zip")) == zips
    (site_dir / "baru.html").write_text("<p>baru</p>", encoding="utf-8")
    client.get("/unduh/situs-luring.zip").close()
    assert list((site_dir.parent / "instance" / "offline").glob("situs-*.zip")) != zips


def test_a_very_large_file_gets_faster_levels_and_reads_back_the_same(tmp_path: Path) -> None:
    # Rows as the programme-target export has them: a large file compressed at the lighter levels still
    # decompresses to its bytes, and the light levels are the ones used (their output is what they give).
    line = "program-{0:05d},Program {0},program/program-{0:05d}/,rtlh-ditangani,33.{1:02d},2024,{2}\n"
    data = "".join(line.format(i, i % 40, i * 7 % 1000) for i in range(120_000)).encode()
    assert len(data) >= LARGE_BYTES and levels(len(data)) == (LARGE_GZIP_LEVEL, LARGE_BROTLI_QUALITY)
    assert levels(LARGE_BYTES - 1) == (GZIP_LEVEL, BROTLI_QUALITY)
    target = tmp_path / "target-program.csv"
    target.write_bytes(data)
    compress_job(target, data)
    packed, squeezed = (
        (tmp_path / "target-program.csv.gz").read_bytes(),
        (tmp_path / "target-program.csv.br").read_bytes(),
    )
    assert gzip.decompress(packed) == data and brotli.decompress(squeezed) == data
    assert packed == gzip.compress(data, compresslevel=LARGE_GZIP_LEVEL, mtime=0)
    assert squeezed == brotli.compress(data, quality=LARGE_BROTLI_QUALITY)


def test_a_full_builds_copies_are_written_without_temporary_files_and_stale_ones_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The compressing process of a full build (fresh=True) writes each copy once, straight to its name; a copy
    # that is there after all (a build into a used folder) is replaced by the current bytes.
    data = PAGE.encode()
    fresh_page, used_page = tmp_path / "baru" / "index.html", tmp_path / "lama" / "index.html"
    for page in (fresh_page, used_page):
        page.parent.mkdir()
        page.write_bytes(data)
    (tmp_path / "lama" / "index.html.gz").write_bytes(b"basi")
    opened: list[str] = []
    real_open = open

    def watching_open(file: str | Path, mode: str = "r", *args: object, **kwargs: object) -> object:
        opened.append(f"{Path(file).name}:{mode}")
        return real_open(file, mode, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(builtins, "open", watching_open)
        assert compress_job(fresh_page, data, fresh=True) is not None
    assert opened == ["index.html.gz:xb", "index.html.br:xb"]
    assert compress_job(used_page, data, fresh=True) is not None
    for page in (fresh_page, used_page):
        assert gzip.decompress((page.parent / "index.html.gz").read_bytes()) == data
        assert brotli.decompress((page.parent / "index.html.br").read_bytes()) == data
    assert sorted(p.name for p in tmp_path.rglob("*.tmp")) == []
