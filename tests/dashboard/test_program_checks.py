"""`pokja check` rejections of programme target rows, with their exact Indonesian messages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.content import load
from site_builder.i18n import _
from tests.conftest import base_meta


def programme(targets: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """A programme in Jawa Tengah, 2023-2024, with the given target rows."""
    meta = base_meta(
        "Program Uji",
        period={"start": 2023, "end": 2024},
        lead_agency="Dinas Perkim Provinsi Jawa Tengah",
        status="berjalan",
        targets=targets,
    )
    meta.update(extra)
    return meta


def messages(root: Path) -> list[tuple[str, str]]:
    """(field, Indonesian message) of every error in the tree."""
    corpus = load(root)
    return [(p.field, p.message("id")) for p in corpus.errors]


def row(**fields: Any) -> dict[str, Any]:
    base = {"indicator": "rtlh-ditangani", "region": "33.74", "year": 2023, "target": 100}
    base.update(fields)
    return base


def test_valid_programme_has_no_errors(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(unit="unit rumah", realization=80)]))
    corpus = load(empty_tree)
    assert corpus.errors == []
    assert [d.slug for d in corpus.of_type("program")] == ["program-uji"]


def test_unknown_indicator(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(indicator="rumah-terbang")]))
    assert messages(empty_tree) == [
        ("targets.0.indicator", "'rumah-terbang' bukan indikator yang dikenal (lihat content/_data/indikator.yml)")
    ]
    assert _("unknown_indicator", "id", value="x").startswith("'x' bukan indikator")


def test_unit_mismatch(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(indicator="kumuh-ditangani", unit="unit rumah")]))
    assert messages(empty_tree) == [
        (
            "targets.0.unit",
            "satuan 'unit rumah' tidak cocok dengan katalog indikator 'kumuh-ditangani' (hektare)",
        )
    ]


def test_unit_matching_catalogue_is_accepted(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(indicator="kumuh-ditangani", unit="hektare")]))
    assert messages(empty_tree) == []


@pytest.mark.parametrize(
    ("region", "doc_regions", "provinces"),
    [
        ("34.04", ["33"], "33"),  # Sleman is in DI Yogyakarta, not Jawa Tengah
        ("35", ["33"], "33"),  # another province altogether
        ("32.73", ["33", "34"], "33, 34"),  # Kota Bandung: in neither claimed province
        ("33.74", ["35.78"], "35"),  # a district document claims only its own province
    ],
)
def test_region_not_in_province(
    make_doc: Callable[..., Path], empty_tree: Path, region: str, doc_regions: list[str], provinces: str
) -> None:
    make_doc("program", "program-uji", programme([row(region=region)], region=doc_regions))
    assert messages(empty_tree) == [
        (
            "targets.0.region",
            f"wilayah '{region}' bukan kabupaten/kota dari provinsi dokumen ini ({provinces})",
        )
    ]


@pytest.mark.parametrize(
    ("region", "doc_regions"),
    [("33.74", ["33"]), ("33", ["33"]), ("34.04", ["33", "34"]), ("35.78", ["00"]), ("33.02", ["33.74"])],
)
def test_region_in_claimed_province_is_accepted(
    make_doc: Callable[..., Path], empty_tree: Path, region: str, doc_regions: list[str]
) -> None:
    make_doc("program", "program-uji", programme([row(region=region)], region=doc_regions))
    assert messages(empty_tree) == []


@pytest.mark.parametrize("year", [2022, 2025])
def test_realisation_year_outside_period(make_doc: Callable[..., Path], empty_tree: Path, year: int) -> None:
    make_doc("program", "program-uji", programme([row(year=year, realization=10)]))
    assert messages(empty_tree) == [("targets.0.year", f"tahun {year} di luar periode program (2023-2024)")]


def test_year_at_period_bounds_is_accepted(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(year=2023, realization=1), row(year=2024, realization=2)]))
    assert messages(empty_tree) == []


def test_missing_base_for_percentage_with_realisation(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    rows = [
        row(indicator="rumah-layak-huni", unit="persen", target=80, realization=70),
        row(indicator="rumah-layak-huni", unit="persen", target=80, year=2024),  # no realisation yet: no base needed
        row(indicator="rumah-layak-huni", unit="persen", target=80, realization=75, base=1000, region="33.02"),
    ]
    make_doc("program", "program-uji", programme(rows))
    assert messages(empty_tree) == [
        (
            "targets.0.base",
            "indikator persentase 'rumah-layak-huni' membutuhkan 'base' (basis pembobot) bila realisasi diisi",
        )
    ]


def test_rejected_programme_is_left_out_of_the_corpus(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme([row(year=2030)]))
    corpus = load(empty_tree)
    assert corpus.of_type("program") == []
    assert [p.path for p in corpus.errors] == ["program/program-uji.md"]
