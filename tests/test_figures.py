"""Figures that cannot be misread: counts are whole, Indonesian input is read the Indonesian way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from flask_app.cli import main
from site_builder.content import load
from site_builder.fields import FormContext, form_control, kind_of, parse_id_number
from site_builder.schemas import load_refdata, load_schemas
from tests.conftest import base_meta


def programme(*rows: dict[str, Any]) -> dict[str, Any]:
    """A programme in Jawa Tengah 2023-2024 with these target rows."""
    return base_meta(
        "Program Uji",
        period={"start": 2023, "end": 2024},
        lead_agency="Dinas Perkim Provinsi Jawa Tengah",
        status="berjalan",
        targets=list(rows),
    )


def row(**fields: Any) -> dict[str, Any]:
    base = {"indicator": "rtlh-ditangani", "region": "33.74", "year": 2023, "target": 12000}
    base.update(fields)
    return base


def test_dotted_thousands_on_a_count_fail_check_on_their_line(
    make_doc: Callable[..., Path], empty_tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = make_doc("program", "program-uji", programme(row(realization=10850)))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("realization: 10850", "realization: 10.850"), encoding="utf-8")
    line = next(i for i, t in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if "10.850" in t)
    assert main(["check", str(empty_tree)]) == 1
    out = capsys.readouterr().out
    assert (
        f"program/program-uji.md:{line}: targets.0.realization: bilangan cacah harus bulat: "
        "10.850 terbaca 10,85; tulis ribuan tanpa titik: 10850"
    ) in out
    assert main(["check", str(empty_tree), "--lang", "en"]) == 1
    assert "10.850 was read as 10,85; write thousands without a dot: 10850" in capsys.readouterr().out


def test_one_misread_figure_is_one_error(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme(row(realization=2.5)))
    corpus = load(empty_tree)
    assert [(p.field, p.message("id")) for p in corpus.errors] == [
        ("targets.0.realization", "bilangan cacah harus bulat: 2.500 terbaca 2,5; tulis ribuan tanpa titik: 2500")
    ]


def test_non_whole_count_without_a_thousands_reading(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme(row(realization=2.0001)))
    assert [p.message("id") for p in load(empty_tree).errors] == ["bilangan cacah harus bulat, bukan 2,0001"]


def test_decimals_are_fine_for_hectares_and_percentages(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc(
        "program",
        "program-uji",
        programme(
            row(indicator="kumuh-ditangani", target=12.5, realization=10.85),
            row(indicator="rumah-layak-huni", target=90, realization=81.2, base=1000, region="33.02"),
        ),
    )
    corpus = load(empty_tree)
    assert corpus.problems == []
    rows = corpus.of_type("program")[0].meta["targets"]
    assert rows[0]["realization"] == 10.85 and rows[1]["realization"] == 81.2


def test_household_base_must_be_whole(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc("program", "program-uji", programme(row(indicator="rumah-layak-huni", target=90, base=1.2)))
    assert [(p.field, p.message("id")) for p in load(empty_tree).errors] == [
        ("targets.0.base", "bilangan cacah harus bulat: 1.200 terbaca 1,2; tulis ribuan tanpa titik: 1200")
    ]


def test_implausible_figures_warn(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    make_doc(
        "program",
        "program-uji",
        programme(
            row(target=100, realization=301),
            row(indicator="rumah-layak-huni", target=90, realization=120, base=1000, region="33.02"),
        ),
    )
    corpus = load(empty_tree)
    assert corpus.errors == []
    assert [(p.field, p.message("id")) for p in corpus.warnings] == [
        ("targets.0.realization", "realisasi 301 lebih dari 3 kali target 100; periksa angkanya"),
        ("targets.1.realization", "persentase 120 melebihi 100; periksa angkanya"),
    ]


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("10.850", 10850),
        ("10850", 10850),
        ("1.500.000", 1500000),
        ("81,2", 81.2),
        ("1.234,5", 1234.5),
        (" 12 ", 12),
        ("81.2", 81.2),
        ("", None),
        ("sepuluh", "sepuluh"),
    ],
)
def test_indonesian_number_input(typed: str, read: Any) -> None:
    assert parse_id_number(typed) == read
    if isinstance(read, (int, float)):
        assert type(parse_id_number(typed)) is type(read)


def test_programme_form_reads_and_shows_indonesian_figures(tmp_path: Path) -> None:
    from tests.conftest import CONTENT

    schema = load_schemas(CONTENT)["program"]
    targets = schema.fields["targets"]
    form = MultiDict(
        {
            "targets.0.indicator": "rtlh-ditangani",
            "targets.0.region": "33.74",
            "targets.0.year": "2024",
            "targets.0.target": "12.000",
            "targets.0.realization": "10.850",
            "targets.1.indicator": "rumah-layak-huni",
            "targets.1.region": "33.02",
            "targets.1.year": "2024",
            "targets.1.target": "90",
            "targets.1.realization": "81,2",
            "targets.1.base": "1.000",
        }
    )
    rows = kind_of(targets).parse(targets, "targets", form)
    assert rows[0]["target"] == 12000 and rows[0]["realization"] == 10850
    assert rows[1]["realization"] == 81.2 and rows[1]["base"] == 1000
    shown: MultiDict = MultiDict()
    kind_of(targets).flatten(targets, "targets", rows, shown)
    assert shown["targets.0.realization"] == "10.850"
    assert shown["targets.1.realization"] == "81,2"
    control = form_control(targets, "targets", FormContext(refdata=load_refdata(CONTENT), values=form))
    realization = next(c for c in control.rows[0] if c.name == "targets.0.realization")
    assert realization.widget == "figure"  # a text input: type=number refuses "10.850"
