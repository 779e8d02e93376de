"""Issue #13, Why 9: text fields refuse what XML cannot carry and bidi overrides; dates stay sane."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from site_builder.content import load
from tests.conftest import base_meta, write_doc

TODAY = dt.date(2026, 1, 1)


def problems(root: Path) -> list[str]:
    return [p.format("id") for p in load(root, today=TODAY).problems if p.severity == "error"]


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        (base_meta("Judul \ufffe rusak"), "title: memuat karakter U+FFFE yang tidak boleh ada dalam teks"),
        (base_meta("Judul", summary="Ringkasan \ufdd0."), "summary: memuat karakter U+FDD0 yang tidak boleh ada"),
        (base_meta("Laporan \u202efdp.exe"), "title: memuat karakter pengubah arah tulisan U+202E"),
        (base_meta("Judul", date="0001-01-01"), "date: tanggal 0001-01-01 di luar rentang yang wajar (tahun 1900"),
        (base_meta("Judul", date=dt.date(2099, 1, 1)), "date: tanggal terbit 2099-01-01 ada di masa depan"),
    ],
)
def test_hostile_text_and_dates_are_refused_with_a_message(empty_tree: Path, meta: dict, expected: str) -> None:
    write_doc(empty_tree, "pedoman", "uji", {**meta, "issuer": "Kementerian PKP", "status": "berlaku"})
    found = problems(empty_tree)
    assert any(expected in line for line in found), found


def test_running_text_may_quote_right_to_left_script(empty_tree: Path) -> None:
    meta = base_meta("Judul", summary="Kutipan \u2067\u0645\u0631\u062d\u0628\u0627\u2069 dalam ringkasan.")
    write_doc(empty_tree, "pedoman", "uji", {**meta, "issuer": "Kementerian PKP", "status": "berlaku"})
    assert problems(empty_tree) == []
