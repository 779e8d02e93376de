"""Reporting completeness: regions with targets that reported, late after the deadline, in pages and open data."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import pytest

from flask_app.settings import report_deadline
from site_builder.aggregate import aggregate
from site_builder.completeness import completeness, deadline_for, parse_deadline
from site_builder.exports import DATA_DICTIONARY, export_files
from site_builder.schemas import RefData, load_refdata
from tests.dashboard.conftest import BuiltSite
from tests.dashboard.test_aggregate import row


@pytest.fixture
def refdata(empty_tree: Path) -> RefData:
    """The real reference data, copied into tmp_path."""
    return load_refdata(empty_tree)


def sample(refdata: RefData):
    rows = [
        row("33", 2024, 1000, 900),  # the province's own row: reported
        row("33.01", 2024, 300, 250),
        row("33.02", 2024, 200),  # Banyumas: two programmes, one not yet reported → partial
        row("33.02", 2024, 100, 90, program="q"),
        row("35.78", 2024, 50),  # Surabaya: nothing reported
        row("00", 2024, 5000),  # the national row: not reported
    ]
    return aggregate(rows, refdata)


def test_regions_count_once_and_report_only_when_every_row_has(refdata: RefData) -> None:
    before = completeness(sample(refdata), dt.date(2025, 3, 31))
    status = {(s.region, s.year): s.status for s in before.statuses}
    assert status == {
        ("33", 2024): "reported",
        ("33.01", 2024): "reported",
        ("33.02", 2024): "partial",
        ("35.78", 2024): "pending",
        ("00", 2024): "pending",
    }
    jateng = before.summary("rtlh-ditangani", 2024, "33")
    assert (jateng.regions, jateng.reported, jateng.late, jateng.pct) == (3, 2, 0, 66.67)
    national = before.summary("rtlh-ditangani", 2024, "00")
    assert (national.regions, national.reported, national.late, national.pct) == (5, 2, 0, 40.0)
    # The day after the deadline, whoever has not reported every row is late.
    after = completeness(sample(refdata), dt.date(2025, 4, 1))
    assert {s.region: s.status for s in after.statuses if not s.reported} == {
        "33.02": "late",
        "35.78": "late",
        "00": "late",
    }
    assert after.summary("rtlh-ditangani", 2024, "00").late == 3
    assert after.summary("rtlh-ditangani", 2024, "35").late == 1


def test_the_deadline_is_a_setting(refdata: RefData) -> None:
    assert deadline_for(2025) == dt.date(2026, 3, 31)
    assert report_deadline({}) == "03-31"
    assert report_deadline({"POKJA_REPORT_DEADLINE": "06-30"}) == "06-30"
    assert deadline_for(2025, parse_deadline("6-30")) == dt.date(2026, 6, 30)
    with pytest.raises(ValueError):
        parse_deadline("02-30")
    later = completeness(sample(refdata), dt.date(2025, 4, 1), "06-30")
    assert not any(s.late for s in later.statuses)


def test_completeness_files_with_their_dictionary_and_the_licence_inside(refdata: RefData) -> None:
    agg = sample(refdata)
    files = export_files(agg, refdata, completeness(agg, dt.date(2025, 4, 1)))
    summary = list(csv.DictReader(io.StringIO(files["data/kelengkapan-pelaporan.csv"].decode("utf-8"))))
    assert list(summary[0]) == [c.name for c in DATA_DICTIONARY["kelengkapan-pelaporan"][1]]
    assert [(r["level"], r["region_code"], r["regions_with_targets"], r["regions_reported"]) for r in summary] == [
        ("nasional", "00", "5", "2"),
        ("provinsi", "33", "3", "2"),
        ("provinsi", "35", "1", "0"),
    ]
    assert summary[0]["regions_late"] == "3" and summary[0]["deadline"] == "2025-03-31"
    assert summary[1]["completeness_pct"] == "66.67"
    statuses = json.loads(files["data/kelengkapan-wilayah.json"])
    assert {r["region_code"]: r["status"] for r in statuses["rows"]}["33.02"] == "late"
    # Every file carries the licence in every row (CSV) and as a member (JSON).
    for name in DATA_DICTIONARY:
        loaded = list(csv.DictReader(io.StringIO(files[f"data/{name}.csv"].decode("utf-8"))))
        assert loaded, name
        assert {(r["license"], r["license_url"]) for r in loaded} == {
            ("CC-BY-4.0", "https://creativecommons.org/licenses/by/4.0/deed.id")
        }, name
        data = json.loads(files[f"data/{name}.json"])
        assert data["license"]["id"] == "CC-BY-4.0", name


def test_starter_dashboard_and_province_page_show_completeness(starter_site: BuiltSite) -> None:
    page = (starter_site.site / "dasbor" / "index.html").read_text(encoding="utf-8")
    table = re.search(r'<table[^>]*id="kelengkapan-rtlh-ditangani-2025".*?</table>', page, re.S).group(0)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)]
    # The built site's day is 2026-06-01: the 2025 deadline (31 March 2026) has passed. Five regions have
    # 2025 targets (Jawa Tengah, Cilacap, Banyumas, 35.07, 32.04 Kabupaten Bandung); Cilacap, 35.07 and
    # Bandung reported; Jawa Tengah and Banyumas are late.
    assert cells[5:10] == ["Nasional", "5", "3", "2", "60\u00a0%"]
    assert "Jawa Tengah" in cells and "Batas waktu pelaporan: 31 Maret 2026" in page
    province = (starter_site.site / "wilayah" / "33" / "index.html").read_text(encoding="utf-8")
    block = re.search(r'<table[^>]*id="kelengkapan-33-rtlh-ditangani-2025".*?</table>', province, re.S).group(0)
    rows = re.findall(r"<tr>(.*?)</tr>", block, re.S)[1:]
    shown = [  # region name (a row header) and its status
        (re.sub(r"<[^>]+>", "", r.split("</th>")[0]).strip(), re.search(r'data-status="(\w+)"', r).group(1))
        for r in rows
    ]
    assert shown == [("Jawa Tengah", "late"), ("Kabupaten Cilacap", "reported"), ("Kabupaten Banyumas", "late")]
    assert "1 dari 3 wilayah bertarget sudah melapor; 2 terlambat" in province
    exported = (starter_site.site / "data" / "kelengkapan-pelaporan.csv").read_text(encoding="utf-8")
    assert "rtlh-ditangani,Rumah tidak layak huni yang ditangani,2025,provinsi,33,Jawa Tengah,3,1,2,33.33," in exported
