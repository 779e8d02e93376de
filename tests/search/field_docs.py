"""Test documents written for the field's language: acronyms spelt one way or the other, and
regulation references in the forms people write them (used by the acronym and relevance tests)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import base_meta, write_doc


def _pedoman(title: str, body: str, legal_basis: list[str] | None = None, **extra) -> tuple[str, dict, str]:
    meta = base_meta(title, issuer="Kementerian PKP", status="berlaku", date=dt.date(2024, 6, 1), **extra)
    if legal_basis:
        meta["legal_basis"] = legal_basis
    return "pedoman", meta, body


FIELD_DOCS: dict[str, tuple[str, dict, str]] = {
    "uji-bantuan-rtlh-desa": _pedoman(
        "Bantuan Perbaikan RTLH di Desa",
        "Pendataan RTLH dilakukan bersama kepala desa. Penerima bantuan adalah MBR yang memiliki tanah.\n",
        ["Permen PUPR 7/PRT/M/2018"],
        tags=["rtlh"],
    ),
    "uji-rumah-tidak-layak-huni": _pedoman(
        "Verifikasi Rumah Tidak Layak Huni",
        "Rumah tidak layak huni diverifikasi oleh fasilitator. Masyarakat berpenghasilan rendah "
        "mengajukan bantuan stimulan perumahan swadaya melalui kelompok.\n",
        ["Peraturan Menteri Pekerjaan Umum dan Perumahan Rakyat Nomor 7 Tahun 2018"],
        tags=["rtlh", "swadaya"],
    ),
    "uji-standar-pelayanan-minimal": _pedoman(
        "Standar Pelayanan Minimal Bidang Perumahan",
        "Standar pelayanan minimal perumahan rakyat mengatur penyediaan rumah layak huni bagi korban "
        "bencana. Penerapan SPM dipantau setiap tahun oleh Pokja PKP.\n",
        ["PP No. 2 Tahun 2018", "Permendagri No. 100 Tahun 2018"],
        region=["32"],
    ),
    "uji-rusunawa-kota": _pedoman(
        "Pengelolaan Rusunawa Kota",
        "Rusunawa dikelola oleh unit pelaksana teknis. Penghuni rumah susun sederhana sewa membayar "
        "tarif yang ditetapkan dengan Perwal No. 12 Tahun 2020.\n",
        ["Perda Kota Surabaya No. 2 Tahun 2019"],
        region=["35"],
    ),
    "uji-rp3kp-provinsi": _pedoman(
        "Penyusunan RP3KP Provinsi",
        "RP3KP disusun oleh Pokja PKP provinsi dan ditetapkan dengan Pergub No. 45 Tahun 2021. Prasarana, "
        "sarana, dan utilitas umum direncanakan bersama.\n",
        ["Peraturan Gubernur Jawa Tengah Nomor 45 Tahun 2021"],
        region=["33"],
    ),
    "uji-rencana-pembangunan-kawasan": _pedoman(
        "Rencana Pembangunan dan Pengembangan Perumahan dan Kawasan Permukiman Kabupaten",
        "Dokumen rencana pembangunan dan pengembangan perumahan dan kawasan permukiman kabupaten "
        "ditetapkan dengan Peraturan Bupati Nomor 8 Tahun 2022. PSU diserahkan kepada pemerintah daerah.\n",
        ["Perbup No. 8 th 2022"],
        region=["33.01"],
    ),
    "uji-kepmendagri-kode-wilayah": _pedoman(
        "Kode Wilayah untuk Pendataan Perumahan",
        "Kode wilayah mengikuti Keputusan Menteri Dalam Negeri Nomor 100.1.1-6117 Tahun 2022. Data "
        "perumahan dihimpun menurut kode itu.\n",
        ["Kepmendagri 100.1.1-6117/2022"],
    ),
    "uji-perpres-percepatan": _pedoman(
        "Percepatan Penyediaan Rumah bagi MBR",
        "Peraturan Presiden Nomor 9 Tahun 2021 mengatur percepatan. KPR bersubsidi melalui fasilitas "
        "likuiditas pembiayaan perumahan disalurkan oleh bank pelaksana.\n",
        ["Perpres 9/2021", "UU 1/2011"],
        tags=["pembiayaan"],
    ),
    "uji-undang-undang-pkp": _pedoman(
        "Ringkasan Undang-Undang Perumahan dan Kawasan Permukiman",
        "Undang-Undang Nomor 1 Tahun 2011 tentang perumahan dan kawasan permukiman menjadi dasar "
        "pembentukan kelompok kerja di daerah.\n",
        ["Undang-Undang Nomor 1 Tahun 2011", "Peraturan Pemerintah Nomor 14 Tahun 2016"],
    ),
    "uji-pp-penyelenggaraan": _pedoman(
        "Penyelenggaraan Perumahan menurut PP 14/2016",
        "PP 14/2016 mengatur penyelenggaraan perumahan. Program KOTAKU menangani permukiman kumuh perkotaan.\n",
        ["PP 14 th 2016", "Permen PUPR No. 14/PRT/M/2018"],
        tags=["permukiman-kumuh"],
    ),
}


def write_field_docs(root: Path) -> None:
    """Write the field-language test documents into a content tree."""
    for slug, (doc_type, meta, body) in FIELD_DOCS.items():
        write_doc(root, doc_type, slug, meta, body)
