"""Fixtures of the site tests: a small tree with every document type, a test mkdocs.yml, builds."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import CONTENT, REPO, base_meta, write_doc

os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")

TODAY = "2025-06-01"

SITE_DOCS: dict[tuple[str, str], dict[str, Any]] = {
    ("pedoman", "pedoman-koordinasi"): base_meta(
        "Pedoman Koordinasi Pokja",
        date=dt.date(2024, 1, 10),
        issuer="Kementerian PKP",
        status="berlaku",
        version="1.2",
        legal_basis=["UU No. 1 Tahun 2011", "PP No. 14 Tahun 2016"],
        review_by=dt.date(2025, 1, 1),
        related=["program-rtlh"],
    ),
    ("pedoman", "pedoman-baru"): base_meta(
        "Pedoman Pendataan Terbaru",
        date=dt.date(2024, 9, 1),
        issuer="Dinas Perkim",
        status="draf",
        review_by=dt.date(2030, 1, 1),
        region=["35"],
        tags=["data-informasi"],
    ),
    ("program", "program-rtlh"): base_meta(
        "Program RTLH Jawa Tengah",
        period={"start": 2023, "end": 2024},
        lead_agency="Dinas Perkim Provinsi Jawa Tengah",
        status="berjalan",
        funding=[{"source": "APBD provinsi", "amount_idr": 1500000000}, {"source": "DAK", "amount_idr": 500000}],
        targets=[
            {
                "indicator": "rtlh-ditangani",
                "region": "33.74",
                "year": 2023,
                "baseline": 50,
                "target": 100,
                "realization": 80,
            },
        ],
        region=["33", "33.74"],
    ),
    ("pembelajaran", "pelajaran-rtlh"): base_meta(
        "Pelajaran dari Penanganan RTLH",
        contributor={"name": "Siti", "institution": "Dinas Perkim"},
        stakeholder_group="regulator",
        program="program-rtlh",
        date=dt.date(2024, 5, 2),
    ),
    ("keputusan", "rapat-pleno"): base_meta(
        "Rapat Pleno Pokja Jawa Tengah",
        date=dt.date(2024, 2, 1),
        meeting={"kind": "pleno", "place": "Semarang"},
        attendees=["Bappeda Provinsi Jawa Tengah", "BPN"],
        decisions=[
            {"no": 1, "text": "Keputusan yang sudah selesai.", "owner": "Bappeda", "status": "selesai"},
            {
                "no": 2,
                "text": "Keputusan tenggat akhir.",
                "owner": "Dinas Perkim",
                "due": dt.date(2025, 12, 1),
                "status": "terbuka",
            },
            {
                "no": 3,
                "text": "Keputusan tenggat awal.",
                "owner": "BPN",
                "due": dt.date(2025, 3, 1),
                "status": "terbuka",
            },
        ],
    ),
    ("modul", "modul-dasar"): base_meta(
        "Modul Dasar Pokja",
        objectives=["Memahami peran Pokja"],
        audience=["Anggota Pokja baru"],
        level="dasar",
        duration_minutes=180,
        sessions=[{"title": "Pengantar", "minutes": 60, "method": "ceramah"}, {"title": "Diskusi", "minutes": 120}],
        trainer="Tim Pelatih",
    ),
    ("profil", "pokja-jateng"): base_meta(
        "Profil Pokja PKP Jawa Tengah",
        level="provinsi",
        sk={"number": "050/12/2023", "date": dt.date(2023, 2, 1), "issuer": "Gubernur Jawa Tengah"},
        members=[
            {"role": "ketua", "institution": "Bappeda Provinsi Jawa Tengah", "stakeholder_group": "regulator"},
            {"role": "anggota", "institution": "DPD REI Jawa Tengah", "stakeholder_group": "penyedia"},
            {"role": "anggota", "institution": "Forum BKM", "stakeholder_group": "penerima"},
        ],
    ),
    ("pembelajaran", "kiriman-anggota"): base_meta(
        "Kiriman Anggota",
        contributor={"name": "Budi"},
        stakeholder_group="penerima",
        contribution={"submission": 7, "contributor": "Budi", "approved_by": "moderator"},
    ),
}
CONTRIBUTED_BODY = (
    '## Judul <img src="y.png" onerror="alert(3)"><script>alert(4)</script>\n\nPengantar.\n\n'
    # Unquoted attributes reached Material's table of contents until the plugin sanitised it too.
    "## Sorotan <img src=1 alt=al lang=ert onerror=top[alt+lang](0)>\n\nTeks.\n\n"
    "## Kutipan &lt;img src=x onerror=alert(5)&gt;\n\nTeks.\n\n"
    "## Latar belakang\n\nTeks <script>alert('x')</script> lalu "
    '<img src="x.png" onerror="alert(1)"> dan <a href="javascript:alert(2)">tautan</a>.\n'
)


def write_config(folder: Path, **plugin_options: Any) -> Path:
    """The repository's mkdocs.yml with a fixed 'today' for the plugin, written into ``folder``."""
    config = yaml.safe_load((REPO / "mkdocs.yml").read_text(encoding="utf-8"))
    config["plugins"] = [{"pokja": {"today": TODAY, **plugin_options}}]
    path = folder / "mkdocs.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_site_tree(root: Path) -> Path:
    """A content tree with one or more documents of every type."""
    shutil.copytree(CONTENT / "_schemas", root / "_schemas")
    shutil.copytree(CONTENT / "_data", root / "_data")
    for (doc_type, slug), meta in SITE_DOCS.items():
        body = CONTRIBUTED_BODY if slug == "kiriman-anggota" else "## Latar belakang\n\nIsi dokumen.\n"
        write_doc(root, doc_type, slug, meta, body=body)
    return root


@pytest.fixture
def built(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A small tree built fully: (config, content, site)."""
    from site_builder.build import build_site

    content = make_site_tree(tmp_path / "content")
    config = write_config(tmp_path)
    build_site(config, content_dir=content, site_dir=tmp_path / "site")
    return config, content, tmp_path / "site"


@pytest.fixture(scope="module")
def small_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small tree built once per module; returns the site folder."""
    from site_builder.build import build_site

    base = tmp_path_factory.mktemp("small")
    content = make_site_tree(base / "content")
    config = write_config(base)
    build_site(config, content_dir=content, site_dir=base / "site", strict=True)
    return base / "site"


def page(site: Path, url: str) -> str:
    """The HTML of one built page."""
    return (site / url / "index.html").read_text(encoding="utf-8")


def sitemap_text(site: Path) -> str:
    """The sitemap index and every sitemap file it lists, as one text."""
    index = (site / "sitemap.xml").read_text(encoding="utf-8")
    names = re.findall(r"<loc>[^<]*/(sitemap-[^<]+\.xml)</loc>", index)
    assert names, index
    return index + "".join((site / name).read_text(encoding="utf-8") for name in names)
