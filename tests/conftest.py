"""Shared fixtures: small content trees in tmp_path, built on each other."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
CONTENT = REPO / "content"


def write_doc(root: Path, doc_type: str, slug: str, meta: dict[str, Any], body: str = "Isi.\n") -> Path:
    """Write one document with YAML front-matter under ``root/doc_type/slug.md``."""
    path = root / doc_type / f"{slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False)
    path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
    return path


def base_meta(title: str, **extra: Any) -> dict[str, Any]:
    """The common fields every document needs."""
    meta: dict[str, Any] = {
        "title": title,
        "summary": f"Ringkasan {title}.",
        "date": dt.date(2024, 3, 1),
        "region": ["33"],
        "tags": ["koordinasi"],
    }
    meta.update(extra)
    return meta


SAMPLE_DOCS: dict[tuple[str, str], dict[str, Any]] = {
    ("pedoman", "pedoman-koordinasi"): base_meta(
        "Pedoman Koordinasi Pokja", issuer="Kementerian PKP", status="berlaku", legal_basis=["UU No. 1 Tahun 2011"]
    ),
    ("pembelajaran", "pelajaran-rtlh"): base_meta(
        "Pelajaran dari Penanganan RTLH",
        contributor={"name": "Siti", "institution": "Dinas Perkim"},
        stakeholder_group="regulator",
        program="program-rtlh",
    ),
    ("program", "program-rtlh"): base_meta(
        "Program RTLH Jawa Tengah",
        period={"start": 2023, "end": 2024},
        lead_agency="Dinas Perkim Provinsi Jawa Tengah",
        status="berjalan",
        targets=[
            {"indicator": "rtlh-ditangani", "region": "33.74", "year": 2023, "target": 100, "realization": 80},
            {"indicator": "rtlh-ditangani", "region": "33", "year": 2024, "target": 500, "realization": 450},
        ],
    ),
}


@pytest.fixture
def empty_tree(tmp_path: Path) -> Path:
    """A content tree with the real schemas and reference data and no documents."""
    root = tmp_path / "content"
    root.mkdir()
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    return root


@pytest.fixture
def content_tree(empty_tree: Path) -> Path:
    """A small valid content tree: one guideline, one lesson, one programme."""
    for (doc_type, slug), meta in SAMPLE_DOCS.items():
        write_doc(empty_tree, doc_type, slug, meta, body="## Latar belakang\n\nIsi dokumen.\n")
    return empty_tree


@pytest.fixture
def make_doc(empty_tree: Path) -> Callable[..., Path]:
    """Write a document into the empty tree: ``make_doc(type, slug, meta, body)``."""

    def make(doc_type: str, slug: str, meta: dict[str, Any], body: str = "Isi.\n") -> Path:
        return write_doc(empty_tree, doc_type, slug, meta, body)

    return make
