"""Aggregation against hand-computed figures, and the open-data files reloading into the same numbers."""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from site_builder.aggregate import (
    COVERED_BY_NATION,
    COVERED_BY_PROVINCE,
    NO_BASE,
    Aggregate,
    Aggregation,
    Aggregator,
    TargetRow,
    aggregate,
    aggregate_corpus,
)
from site_builder.completeness import completeness
from site_builder.content import Document, load
from site_builder.exports import (
    AGGREGATE_COLUMNS,
    DATA_DICTIONARY,
    LICENSE_COLUMNS,
    TARGET_COLUMNS,
    Column,
    Exporter,
    csv_cell,
    export_files,
    to_json,
)
from site_builder.schemas import RefData, load_refdata
from tests.conftest import base_meta

UNITS = {"rtlh-ditangani": "unit rumah", "rumah-layak-huni": "persen", "kumuh-ditangani": "hektare"}
LEVEL = {2: "provinsi", 5: "kabkota"}


@pytest.fixture
def refdata(empty_tree: Path) -> RefData:
    """The real reference data, copied into tmp_path."""
    return load_refdata(empty_tree)


def row(
    region: str,
    year: int,
    target: float,
    realization: float | None = None,
    *,
    indicator: str = "rtlh-ditangani",
    base: float | None = None,
    program: str = "p",
    example: bool = False,
) -> TargetRow:
    """A target row, its level and province derived from the code."""
    level = "nasional" if region == "00" else LEVEL[len(region)]
    return TargetRow(
        program=program,
        program_title=program.upper(),
        program_url=f"program/{program}/",
        indicator=indicator,
        unit=UNITS[indicator],
        region=region,
        level=level,
        province=None if region == "00" else region[:2],
        year=year,
        baseline=None,
        target=target,
        realization=realization,
        base=base,
        example=example,
        program_updated=dt.date(2025, 1, 31),
    )


def cell(agg: Aggregation, region: str, year: int, indicator: str = "rtlh-ditangani") -> Aggregate:
    found = agg.get(indicator, region, year)
    assert found is not None, (indicator, region, year)
    return found


def figures(a: Aggregate) -> tuple[Any, ...]:
    return (a.target, a.realization, a.target_reported, a.achievement_pct, a.rows, a.rows_reported)


def test_province_and_its_districts_both_reporting_counts_the_province_once(refdata: RefData) -> None:
    rows = [
        row("33", 2024, 1000, 900),  # the province's total
        row("33.01", 2024, 300, 250),  # a breakdown: already inside the 1000
        row("33.02", 2024, 200, 210),
    ]
    agg = aggregate(rows, refdata)
    # 1000 / 900, not 1500 / 1360
    assert figures(cell(agg, "33", 2024)) == (1000, 900, 1000, 90.0, 1, 1)
    assert cell(agg, "33", 2024).source_level == "provinsi"
    assert figures(cell(agg, "00", 2024)) == (1000, 900, 1000, 90.0, 1, 1)
    # the districts keep their own figures: 250 / 300 = 83.33 %, 210 / 200 = 105 %
    assert figures(cell(agg, "33.01", 2024)) == (300, 250, 300, 83.33, 1, 1)
    assert cell(agg, "33.02", 2024).achievement_pct == 105.0
    assert [r.not_counted for r in agg.rows] == ["", COVERED_BY_PROVINCE, COVERED_BY_PROVINCE]


def test_districts_roll_up_when_the_province_reports_no_figure_of_its_own(refdata: RefData) -> None:
    rows = [row("34.04", 2024, 100, 80), row("34.02", 2024, 50, 40), row("33", 2024, 10, 5)]
    agg = aggregate(rows, refdata)
    assert figures(cell(agg, "34", 2024)) == (150, 120, 150, 80.0, 2, 2)
    assert cell(agg, "34", 2024).source_level == "kabkota"
    # nation: 150 + 10 = 160 target, 120 + 5 = 125 realised, 125 / 160 = 78.125 %
    assert figures(cell(agg, "00", 2024)) == (160, 125, 160, 78.12, 3, 3)
    assert all(r.not_counted == "" for r in agg.rows)


def test_the_rule_applies_per_year(refdata: RefData) -> None:
    # 2024: the province reports its total; 2025: only a district does.
    rows = [row("33", 2024, 1000, 900), row("33.01", 2024, 300, 250), row("33.01", 2025, 400, 100)]
    agg = aggregate(rows, refdata)
    assert cell(agg, "33", 2024).target == 1000
    assert figures(cell(agg, "33", 2025)) == (400, 100, 400, 25.0, 1, 1)
    assert cell(agg, "33", 2025).source_level == "kabkota"
    assert [r.not_counted for r in agg.rows] == ["", COVERED_BY_PROVINCE, ""]


def test_national_row_covers_the_provinces(refdata: RefData) -> None:
    rows = [row("00", 2024, 5000, 4000), row("33", 2024, 1000, 900), row("35.78", 2024, 100, 100)]
    agg = aggregate(rows, refdata)
    assert figures(cell(agg, "00", 2024)) == (5000, 4000, 5000, 80.0, 1, 1)
    assert cell(agg, "00", 2024).source_level == "nasional"
    assert cell(agg, "33", 2024).target == 1000
    assert cell(agg, "35", 2024).target == 100
    assert [r.not_counted for r in agg.rows] == ["", COVERED_BY_NATION, COVERED_BY_NATION]


def test_missing_years(refdata: RefData) -> None:
    rows = [
        row("33", 2023, 100, 90),
        row("33", 2024, 200, 150),
        row("35.78", 2024, 50, 60),
        row("35.78", 2026, 70),  # a target for 2026, nothing reported yet, no 2025 at all
    ]
    agg = aggregate(rows, refdata)
    assert agg.years("rtlh-ditangani") == [2023, 2024, 2026]
    assert agg.get("rtlh-ditangani", "35", 2023) is None
    assert agg.get("rtlh-ditangani", "00", 2025) is None
    assert figures(cell(agg, "00", 2023)) == (100, 90, 100, 90.0, 1, 1)
    # 2024: 200 + 50 target, 150 + 60 realised, 210 / 250 = 84 %
    assert figures(cell(agg, "00", 2024)) == (250, 210, 250, 84.0, 2, 2)
    assert figures(cell(agg, "00", 2026)) == (70, None, None, None, 1, 0)
    assert not cell(agg, "00", 2026).reported


def test_percentage_indicator_is_weighted_by_base(refdata: RefData) -> None:
    ind = "rumah-layak-huni"
    rows = [
        row("33.01", 2024, 60, 55, indicator=ind, base=1000),
        row("33.02", 2024, 80, 70, indicator=ind, base=3000),
        row("33.74", 2024, 90, indicator=ind, base=1000),  # not reported yet
    ]
    agg = aggregate(rows, refdata)
    province = cell(agg, "33", 2024, ind)
    # target over all rows: (60×1000 + 80×3000 + 90×1000) / 5000 = 78
    assert province.target == 78.0
    # realisation over reporting rows: (55×1000 + 70×3000) / 4000 = 66.25 (a plain mean would say 62.5)
    assert province.realization == 66.25
    # target of the same rows: (60×1000 + 80×3000) / 4000 = 75; 66.25 / 75 = 88.33 %
    assert province.target_reported == 75.0
    assert province.achievement_pct == 88.33
    assert (province.rows, province.rows_reported) == (3, 2)
    assert cell(agg, "00", 2024, ind).realization == 66.25


def test_percentage_weighted_across_provinces_with_rounding(refdata: RefData) -> None:
    ind = "rumah-layak-huni"
    rows = [
        row("33", 2024, 65, 64.6, indicator=ind, base=11_350_000),
        row("34", 2024, 73, 72.8, indicator=ind, base=1_250_000),
    ]
    agg = aggregate(rows, refdata)
    nation = cell(agg, "00", 2024, ind)
    # (65 × 11 350 000 + 73 × 1 250 000) / 12 600 000 = 65.79365… → 65.7937
    assert nation.target == 65.7937
    # (64.6 × 11 350 000 + 72.8 × 1 250 000) / 12 600 000 = 65.41349… → 65.4135
    assert nation.realization == 65.4135
    assert nation.achievement_pct == 99.42


def test_percentage_row_without_base(refdata: RefData) -> None:
    ind = "rumah-layak-huni"
    rows = [
        row("33", 2025, 66.5, indicator=ind),  # alone in its province: no weight needed
        row("34", 2025, 80, 78, indicator=ind, base=100),
    ]
    agg = aggregate(rows, refdata)
    assert figures(cell(agg, "33", 2025, ind)) == (66.5, None, None, None, 1, 0)
    # at the nation it would have to be weighted: left out, and said so
    assert figures(cell(agg, "00", 2025, ind)) == (80, 78, 80, 97.5, 1, 1)
    assert [r.not_counted for r in agg.rows] == [NO_BASE, ""]


def test_empty_province(refdata: RefData) -> None:
    agg = aggregate([row("33", 2024, 100, 50)], refdata)
    assert agg.at("provinsi", region="36") == []
    assert [a.region for a in agg.at("provinsi")] == ["33"]
    assert agg.ranking("rtlh-ditangani", 2024) == [cell(agg, "33", 2024)]
    assert aggregate([], refdata).aggregates == []


def test_achievement_counts_only_rows_that_reported(refdata: RefData) -> None:
    rows = [row("33.01", 2024, 100, 90), row("33.02", 2024, 300)]
    agg = aggregate(rows, refdata)
    # 90 / 100 = 90 %, not 90 / 400 = 22.5 %: a missing realisation is not a zero
    assert figures(cell(agg, "33", 2024)) == (400, 90, 100, 90.0, 2, 1)
    assert agg.rows[1].achievement_pct is None


def test_reported_zero_is_a_realisation(refdata: RefData) -> None:
    agg = aggregate([row("33.01", 2024, 100, 0), row("33.02", 2024, 100, 50)], refdata)
    assert figures(cell(agg, "33", 2024)) == (200, 50, 200, 25.0, 2, 2)


def test_programmes_in_the_same_district_add_up(refdata: RefData) -> None:
    rows = [row("33.74", 2024, 100, 50, program="a"), row("33.74", 2024, 40, 40, program="b", example=True)]
    agg = aggregate(rows, refdata)
    district = cell(agg, "33.74", 2024)
    assert figures(district) == (140, 90, 140, 64.29, 2, 2)
    assert district.example
    assert not aggregate(rows[:1], refdata).aggregates[0].example


def test_ranking_by_achievement(refdata: RefData) -> None:
    rows = [row("33", 2024, 100, 80), row("34", 2024, 100, 95), row("35", 2024, 100), row("32", 2024, 100, 95)]
    agg = aggregate(rows, refdata)
    assert agg.ranking_year("rtlh-ditangani") == 2024
    assert [a.region for a in agg.ranking("rtlh-ditangani", 2024)] == ["32", "34", "33", "35"]
    assert agg.ranking_year("kumuh-ditangani") is None


def test_target_rows_from_programme_documents(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    targets = [
        {"indicator": "rtlh-ditangani", "region": "33.74", "year": 2023, "target": 100, "realization": 80},
        {"indicator": "kumuh-ditangani", "region": "33", "year": 2024, "target": 2.5, "example": True},
    ]
    meta = base_meta(
        "Program", period={"start": 2023, "end": 2024}, lead_agency="Dinas", status="berjalan", targets=targets
    )
    make_doc("program", "program-a", meta)
    make_doc("program", "program-b", {**meta, "example": True, "targets": targets[:1]})
    agg = aggregate_corpus(load(empty_tree))
    assert [(r.program, r.indicator, r.unit, r.level, r.province, r.example) for r in agg.rows] == [
        ("program-a", "rtlh-ditangani", "unit rumah", "kabkota", "33", False),
        ("program-a", "kumuh-ditangani", "hektare", "provinsi", "33", True),
        ("program-b", "rtlh-ditangani", "unit rumah", "kabkota", "33", True),
    ]
    assert agg.rows[0].program_url == "program/program-a/"
    assert figures(cell(agg, "00", 2023)) == (200, 160, 200, 80.0, 2, 2)
    assert agg.indicators_with_data() == ["rtlh-ditangani", "kumuh-ditangani"]


# --- open data -------------------------------------------------------------------------------------


def sample(refdata: RefData) -> Aggregation:
    ind = "rumah-layak-huni"
    return aggregate(
        [
            row("33", 2024, 1000, 900),
            row("33.01", 2024, 300, 250, example=True),
            row("34.04", 2024, 100.5, 80.25),
            row("35.78", 2025, 70),
            row("33", 2024, 65, 64.6, indicator=ind, base=11_350_000),
            row("34", 2024, 73, 72.8, indicator=ind, base=1_250_000),
        ],
        refdata,
    )


def number(text: str) -> float | None:
    return None if text == "" else float(text)


@pytest.mark.parametrize(
    ("name", "level"),
    [("agregat-nasional", "nasional"), ("agregat-provinsi", "provinsi"), ("agregat-kabkota", "kabkota")],
)
def test_aggregate_csv_reloads_into_the_same_numbers(refdata: RefData, name: str, level: str) -> None:
    agg = sample(refdata)
    files = export_files(agg, refdata)
    reader = csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8")))
    assert reader.fieldnames == [c.name for c in AGGREGATE_COLUMNS + LICENSE_COLUMNS]
    loaded = list(reader)
    expected = agg.at(level)
    assert expected
    assert len(loaded) == len(expected)
    for got, want in zip(loaded, expected, strict=True):
        assert (got["indicator"], got["region_code"], int(got["year"]), got["level"]) == (
            want.indicator,
            want.region,
            want.year,
            want.level,
        )
        for attr in ("target", "realization", "target_reported", "achievement_pct"):
            assert number(got[attr]) == getattr(want, attr), attr
        assert (int(got["rows"]), int(got["rows_reported"])) == (want.rows, want.rows_reported)
        assert got["example"] == ("true" if want.example else "false")


@pytest.mark.parametrize("name", ["agregat-nasional", "agregat-provinsi", "agregat-kabkota"])
def test_aggregate_json_reloads_into_the_same_numbers(refdata: RefData, name: str) -> None:
    agg = sample(refdata)
    data = json.loads(export_files(agg, refdata)[f"data/{name}.json"])
    assert data["dataset"] == name
    assert data["data_as_of"] == "2025-01-31"
    assert [c["name"] for c in data["columns"]] == [c.name for c in AGGREGATE_COLUMNS + LICENSE_COLUMNS]
    level = name.removeprefix("agregat-")
    assert [
        (r["indicator"], r["region_code"], r["year"], r["target"], r["realization"], r["achievement_pct"], r["example"])
        for r in data["rows"]
    ] == [(a.indicator, a.region, a.year, a.target, a.realization, a.achievement_pct, a.example) for a in agg.at(level)]


def test_exact_national_csv(refdata: RefData) -> None:
    text = export_files(sample(refdata), refdata)["data/agregat-nasional.csv"].decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == ",".join(c.name for c in AGGREGATE_COLUMNS + LICENSE_COLUMNS)
    licence = ",CC-BY-4.0,https://creativecommons.org/licenses/by/4.0/deed.id"
    # rtlh 2024: Jawa Tengah's own 1000/900 (its district is covered) + Sleman 100.5/80.25 → 980.25 / 1100.5 = 89.073 %
    assert lines[1] == (
        "rtlh-ditangani,Rumah tidak layak huni yang ditangani,unit rumah,sum,nasional,00,Nasional,,"
        "2024,1100.5,980.25,1100.5,89.07,2,2,provinsi,false" + licence
    )
    assert lines[2].startswith("rtlh-ditangani,") and ",2025,70,,,,1,0,provinsi,false" + licence in lines[2]
    assert lines[3].startswith("rumah-layak-huni,") and ",2024,65.7937,65.4135,65.7937,99.42,2,2," in lines[3]
    assert len(lines) == 4


def test_programme_targets_export(refdata: RefData) -> None:
    files = export_files(sample(refdata), refdata)
    loaded = list(csv.DictReader(io.StringIO(files["data/target-program.csv"].decode("utf-8"))))
    assert list(loaded[0]) == [c.name for c in TARGET_COLUMNS + LICENSE_COLUMNS]
    by_region = {(r["indicator"], r["region_code"]): r for r in loaded}
    covered = by_region[("rtlh-ditangani", "33.01")]
    assert (covered["counted"], covered["not_counted_reason"], covered["example"]) == (
        "false",
        "covered_by_province",
        "true",
    )
    assert covered["achievement_pct"] == "83.33"
    assert covered["program_updated"] == "2025-01-31"
    pending = by_region[("rtlh-ditangani", "35.78")]
    assert (pending["realization"], pending["achievement_pct"], pending["counted"]) == ("", "", "true")
    assert by_region[("rtlh-ditangani", "34.04")]["target"] == "100.5"
    data = json.loads(files["data/target-program.json"])
    assert len(data["rows"]) == len(loaded) == 6
    assert {r["region_code"]: r["realization"] for r in data["rows"] if r["indicator"] == "rtlh-ditangani"} == {
        "33": 900,
        "33.01": 250,
        "34.04": 80.25,
        "35.78": None,
    }


def test_every_file_is_in_the_data_dictionary(refdata: RefData) -> None:
    files = export_files(sample(refdata), refdata)
    # The data files, and the licence note beside them (CSV has no place for it).
    expected = [f"data/{n}.{ext}" for n in DATA_DICTIONARY for ext in ("csv", "json")] + ["data/LISENSI.txt"]
    assert sorted(files) == sorted(expected)
    for content in files.values():
        content.decode("utf-8")


def test_json_export_is_one_record_a_line_with_machine_values() -> None:
    columns = (Column("name", "teks", "Nama."), Column("value", "angka", "Nilai."), Column("day", "tanggal", "Hari."))
    rows = [
        {"name": 'Rumah "layak" – Kab. Ñ', "value": 12.0, "day": dt.date(2025, 1, 31)},
        {"name": "", "value": 0.1 + 0.2, "day": None},
        {"name": "x", "value": True, "day": None},
    ]
    data = to_json("agregat-nasional", columns, rows, "2025-01-31")
    text = data.decode("utf-8")
    doc = json.loads(text)
    assert doc["dataset"] == "agregat-nasional" and doc["data_as_of"] == "2025-01-31"
    assert [c["name"] for c in doc["columns"]] == ["name", "value", "day"]
    assert doc["rows"] == [
        {"name": 'Rumah "layak" – Kab. Ñ', "value": 12, "day": "2025-01-31"},
        {"name": "", "value": 0.30000000000000004, "day": None},
        {"name": "x", "value": True, "day": None},
    ]
    # whole numbers without ".0", text as UTF-8 (not \u escapes), each record on a line of its own
    assert '"value": 12,' in text and "Ñ" in text
    record_lines = [line for line in text.splitlines() if line.startswith('  {"name"')]
    assert len(record_lines) == 3
    assert json.loads(to_json("agregat-nasional", columns, [], None))["rows"] == []


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        (None, ""),
        (True, "true"),
        (False, "false"),
        (3, "3"),
        (3.0, "3"),
        (2.5, "2.5"),
        (0.1 + 0.2, "0.30000000000000004"),
        (dt.date(2025, 1, 2), "2025-01-02"),
        ("teks", "teks"),
        (float("1e20"), "100000000000000000000"),
    ],
)
def test_csv_cells(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


# --- the publisher's aggregation (Aggregator) --------------------------------------------------------

REGIONS = ["00", "33", "33.01", "33.74", "34", "34.04", "35", "35.78"]
INDICATORS = ["rtlh-ditangani", "rumah-layak-huni", "kumuh-ditangani"]


def random_targets(rng: random.Random) -> list[dict[str, Any]]:
    """A programme's targets: any level, sums and weighted means, with and without realisation and base."""
    out = []
    for _ in range(rng.randint(0, 5)):
        target = {
            "indicator": rng.choice(INDICATORS),
            "region": rng.choice(REGIONS),
            "year": rng.choice([2023, 2024, 2025]),
            "target": rng.choice([10, 55.5, 100, 0]),
        }
        if rng.random() < 0.6:
            target["realization"] = rng.choice([0, 8, 40.25, 120])
        if rng.random() < 0.5:
            target["base"] = rng.choice([1000, 250_000])
        out.append(target)
    return out


def test_the_publishers_aggregation_equals_a_fresh_one_after_every_change(
    make_doc: Callable[..., Path], empty_tree: Path
) -> None:
    rng = random.Random(14)
    meta = base_meta("Program", period={"start": 2023, "end": 2025}, lead_agency="Dinas", status="berjalan")
    make_doc("program", "program-0", {**meta, "targets": random_targets(rng)})
    corpus = load(empty_tree)
    template = corpus.documents[0]

    def programme(k: int) -> Document:
        targets = random_targets(rng)
        return dataclasses.replace(
            template,
            slug=f"program-{k}",
            rel_path=f"program/program-{k}.md",
            meta={**template.meta, "targets": targets},
        )

    docs = [programme(k) for k in range(12)]
    aggregator, exporter, today = Aggregator(), Exporter(), dt.date(2026, 6, 1)
    made = []
    for step in range(40):
        current = dataclasses.replace(corpus, documents=list(docs))
        kept, fresh = aggregator(current), aggregate_corpus(current)
        assert kept == fresh, f"step {step}"
        made.append(aggregator.slices_made)
        # The open data of the kept objects (lines reused) is the open data of a fresh build.
        files = exporter(kept, corpus.refdata, completeness(kept, today))
        assert files == export_files(fresh, corpus.refdata, completeness(fresh, today)), f"step {step}"
        change = rng.random()
        if change < 0.6:  # an edited programme: a new object with other targets
            docs[rng.randrange(len(docs))] = programme(rng.randrange(1000))
        elif change < 0.8 and len(docs) > 1:
            docs.pop(rng.randrange(len(docs)))
        else:
            docs.append(programme(1000 + step))
    # Nothing changed: nothing aggregated again; one changed programme: only the slices it reports in.
    current = dataclasses.replace(corpus, documents=list(docs))
    assert aggregator(current) == aggregate_corpus(current)
    again = aggregator(dataclasses.replace(current, documents=list(docs)))
    assert again == aggregate_corpus(current)
    assert aggregator.slices_made == 0
    exporter(again, corpus.refdata, completeness(again, today))
    report = completeness(again, today)
    exporter(again, corpus.refdata, report)
    # Nothing is encoded again, not even completeness, made anew by each completeness() but equal.
    assert exporter.encoded == 0 and report.statuses
    docs[0] = dataclasses.replace(
        docs[0],
        meta={**docs[0].meta, "targets": [{"indicator": "rtlh-ditangani", "region": "33", "year": 2024, "target": 5}]},
    )
    old_slices = {(r.indicator, r.year) for r in aggregate_corpus(current).rows if r.program == docs[0].slug}
    current = dataclasses.replace(corpus, documents=list(docs))
    after = aggregator(current)
    assert after == aggregate_corpus(current)
    assert aggregator.slices_made == len(old_slices | {("rtlh-ditangani", 2024)})
    # What the edit left equal is the same object (exports and province pages compare by identity).
    cells = {(a.indicator, a.level, a.region, a.year): a for a in again.aggregates}
    same = [a for a in after.aggregates if cells.get((a.indicator, a.level, a.region, a.year)) == a]
    assert same and all(cells[(a.indicator, a.level, a.region, a.year)] is a for a in same)
    reasons = {(r.program, r.indicator, r.region, r.year, r.not_counted): r for r in again.rows if r.not_counted}
    kept_rows = [
        r
        for r in after.rows
        if r.not_counted and reasons.get((r.program, r.indicator, r.region, r.year, r.not_counted)) == r
    ]
    assert all(reasons[(r.program, r.indicator, r.region, r.year, r.not_counted)] is r for r in kept_rows)
    assert max(made[1:]) < len({(i, y) for i in INDICATORS for y in (2023, 2024, 2025)})
