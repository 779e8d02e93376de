"""Search fixtures: a small varied content tree, its index, and an app serving /cari over it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from search import index
from site_builder.content import load
from tests.conftest import base_meta, write_doc

XSS_BODY = "Pengalaman warga. <script>alert(1)</script> <img src=x onerror=alert(1)> sesudah skrip.\n"

DOCS = [
    (
        "pedoman",
        "pedoman-penanganan-kumuh",
        base_meta(
            "Pedoman Penanganan Pemukiman Kumuh",
            issuer="Kementerian PUPR",
            status="berlaku",
            region=["00"],
            tags=["permukiman-kumuh", "regulasi"],
            date=dt.date(2019, 5, 2),
            legal_basis=["PP 14/2016", "Permen PUPR 29/PRT/M/2018"],
        ),
        "## Ruang lingkup\n\nPraktek baik membangun kawasan yang layak huni.\n",
    ),
    (
        "pedoman",
        "pedoman-koordinasi-pokja",
        base_meta(
            "Pedoman Koordinasi Pokja",
            issuer="Kementerian PKP",
            status="draf",
            tags=["koordinasi", "kelembagaan"],
            date=dt.date(2024, 3, 1),
            legal_basis=["UU No. 1 Tahun 2011"],
        ),
        "Rapat koordinasi diselenggarakan setiap triwulan oleh sekretariat.\n",
    ),
    (
        "program",
        "program-bedah-rumah",
        base_meta(
            "Program Bedah Rumah Jawa Tengah",
            region=["33.01"],
            tags=["rtlh", "swadaya"],
            date=dt.date(2023, 1, 10),
            period={"start": 2023, "end": 2024},
            lead_agency="Dinas Perkim Provinsi Jawa Tengah",
            status="berjalan",
        ),
        "Pembangunan rumah swadaya untuk masyarakat berpenghasilan rendah.\n",
    ),
    (
        "pembelajaran",
        "pelajaran-gotong-royong",
        base_meta(
            "Gotong Royong Perbaikan Rumah",
            region=["32"],
            tags=["swadaya"],
            date=dt.date(2022, 8, 17),
            contributor={"name": "Siti", "institution": "LSM Rumah"},
            stakeholder_group="penerima",
        ),
        "## Yang berhasil\n\nBangunan rumah diperbaiki bersama tetangga.\n",
    ),
    (
        "pembelajaran",
        "pelajaran-kontribusi-warga",
        base_meta(
            "Cerita Kontribusi Warga",
            region=["32"],
            tags=["peningkatan-kapasitas"],
            date=dt.date(2025, 2, 1),
            contributor={"name": "Budi", "institution": "Warga"},
            stakeholder_group="penerima",
            contribution={"submission": 7, "contributor": "Budi"},
        ),
        XSS_BODY,
    ),
]


def write_search_docs(root: Path) -> None:
    """Write the search fixture documents into ``root``."""
    for doc_type, slug, meta, body in DOCS:
        write_doc(root, doc_type, slug, meta, body)


@pytest.fixture
def search_tree(empty_tree: Path) -> Path:
    """A content tree of five varied documents (types, regions, years, tags, statuses)."""
    write_search_docs(empty_tree)
    corpus = load(empty_tree)
    assert not corpus.errors, [p.format() for p in corpus.errors]
    return empty_tree


@pytest.fixture
def index_dir(search_tree: Path, tmp_path: Path) -> Path:
    """The search tree indexed into tmp_path."""
    target = tmp_path / "index"
    assert index.rebuild(load(search_tree), target) == len(DOCS)
    return target


@pytest.fixture
def app(search_tree: Path, index_dir: Path, tmp_path: Path):
    """A fresh app over the search tree and its index."""
    from flask_app import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "CONTENT_DIR": str(search_tree),
            "SITE_DIR": str(tmp_path / "site"),
            "INDEX_DIR": str(index_dir),
            "INSTANCE_DIR": str(tmp_path / "instance"),
        }
    )
    yield app
    app.extensions["pokja_search"].close()


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()
