"""Errors without cascades: a bad value is reported once, in its own file, not in the files that refer to it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from site_builder.content import load
from tests.conftest import base_meta


def test_a_bad_programme_is_one_error_in_its_own_file(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    programme = base_meta(
        "Program Uji",
        period={"start": 2023, "end": 2024},
        lead_agency="Dinas Perkim Provinsi Jawa Tengah",
        status="berjalan",
        targets=[{"indicator": "rtlh-ditangani", "region": "33.74", "year": 2023, "target": 100, "realization": 10.85}],
    )
    make_doc("program", "program-uji", programme)
    lesson = base_meta(
        "Pelajaran Uji",
        contributor={"name": "Siti"},
        stakeholder_group="regulator",
        program="program-uji",
        related=["program-uji"],
    )
    make_doc("pembelajaran", "pelajaran-uji", lesson)
    for i in range(3):
        make_doc("pembelajaran", f"pelajaran-lain-{i}", {**lesson, "title": f"Pelajaran {i}"})
    corpus = load(empty_tree)
    assert [(p.path, p.field) for p in corpus.errors] == [("program/program-uji.md", "targets.0.realization")]
    assert sorted(d.slug for d in corpus.documents) == [
        "pelajaran-lain-0",
        "pelajaran-lain-1",
        "pelajaran-lain-2",
        "pelajaran-uji",
    ]


def test_a_missing_document_is_still_an_error(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    lesson = base_meta("Pelajaran Uji", contributor={"name": "Siti"}, stakeholder_group="regulator", related=["x"])
    make_doc("pembelajaran", "pelajaran-uji", lesson)
    assert [(p.field, p.key) for p in load(empty_tree).errors] == [("related.0", "unknown_document")]


def test_a_bad_file_of_the_wrong_type_is_still_the_wrong_type(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("pedoman", "pedoman-rusak", base_meta("Pedoman"))  # lacks its required fields
    lesson = base_meta(
        "Pelajaran Uji", contributor={"name": "Siti"}, stakeholder_group="regulator", program="pedoman-rusak"
    )
    make_doc("pembelajaran", "pelajaran-uji", lesson)
    errors = load(empty_tree).errors
    assert ("pembelajaran/pelajaran-uji.md", "program", "wrong_document_type") in {
        (p.path, p.field, p.key) for p in errors
    }
