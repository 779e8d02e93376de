"""A publication makes again only the province pages whose results, programmes or profiles changed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from site_builder import state
from site_builder.build import build_site, publish_documents, warm_up
from site_builder.generators import province_section
from site_builder.schemas import load_refdata
from tests.conftest import base_meta, write_doc

from .conftest import SITE_DOCS
from .test_incremental import assert_same_site


@pytest.fixture
def sections_made(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The province codes whose section is made, in order (each section lists its programmes once)."""
    made: list[str] = []
    real = province_section._programmes_in

    def spy(ctx: Any, province: str) -> Any:
        made.append(province)
        return real(ctx, province)

    monkeypatch.setattr(province_section, "_programmes_in", spy)
    return made


def assert_as_a_full_build(config: Path, content: Path, site: Path, fresh: Path) -> None:
    """The published site holds what a full build of the same content gives."""
    build_site(config, content_dir=content, site_dir=fresh)
    assert_same_site(site, fresh)


def programme(title: str, targets: list[dict[str, Any]], region: list[str]) -> dict[str, Any]:
    return base_meta(
        title,
        period={"start": 2023, "end": 2025},
        lead_agency="Dinas",
        status="berjalan",
        targets=targets,
        region=region,
    )


def test_an_edited_programme_makes_only_the_province_pages_it_changes(
    built: tuple[Path, Path, Path], tmp_path: Path, sections_made: list[str]
) -> None:
    config, content, site = built
    provinces = {p.code for p in load_refdata(content).provinces()}
    assert len(provinces) == 38 and sections_made == []  # the full build ran before the spy
    row = {"indicator": "rtlh-ditangani", "region": "35.78", "year": 2023, "target": 40, "realization": 10}

    # A new programme in Jawa Timur: only its province's results change.
    jatim = write_doc(content, "program", "program-jatim", programme("Program Jawa Timur", [row], ["35"]))
    publish_documents([jatim], config_file=config, content_dir=content, site_dir=site)
    assert sections_made == ["35"]

    # The Jawa Tengah programme's new title: only Jawa Tengah's list of programmes shows it.
    sections_made.clear()
    meta = dict(SITE_DOCS[("program", "program-rtlh")], title="Program RTLH Jawa Tengah (revisi)")
    meta["updated"] = dt.date(2025, 5, 1)
    rtlh = write_doc(content, "program", "program-rtlh", meta)
    written = publish_documents([rtlh], config_file=config, content_dir=content, site_dir=site)
    assert sections_made == ["33"]
    assert "wilayah/33/index.html" in written and "wilayah/35/index.html" not in written
    assert "Program RTLH Jawa Tengah (revisi)" in (site / "wilayah/33/index.html").read_text(encoding="utf-8")
    assert_as_a_full_build(config, content, site, tmp_path / "fresh")

    # A year no programme had reported before: every province page lists the nation's years again.
    sections_made.clear()
    later = dict(row, year=2025, region="35")
    jatim = write_doc(content, "program", "program-jatim", programme("Program Jawa Timur", [row, later], ["35"]))
    publish_documents([jatim], config_file=config, content_dir=content, site_dir=site)
    assert sorted(sections_made) == sorted(provinces)
    assert_as_a_full_build(config, content, site, tmp_path / "fresh2")


def test_a_national_row_changes_the_district_notes_of_every_province_that_has_the_cell(
    built: tuple[Path, Path, Path], tmp_path: Path, sections_made: list[str]
) -> None:
    config, content, site = built
    row = {"indicator": "rtlh-ditangani", "region": "35.78", "year": 2023, "target": 40}
    jatim = write_doc(content, "program", "program-jatim", programme("Program Jawa Timur", [row], ["35"]))
    publish_documents([jatim], config_file=config, content_dir=content, site_dir=site)
    sections_made.clear()
    # A figure for the whole nation covers the provinces' figures: the district rows of Jawa Tengah and
    # Jawa Timur now say so, the other provinces have no row of that indicator and year.
    nation = {"indicator": "rtlh-ditangani", "region": "00", "year": 2023, "target": 1000}
    national = write_doc(content, "program", "program-nasional", programme("Program Nasional", [nation], ["00"]))
    publish_documents([national], config_file=config, content_dir=content, site_dir=site)
    assert sorted(sections_made) == ["33", "35"]
    assert_as_a_full_build(config, content, site, tmp_path / "fresh")


def test_a_publisher_just_started_knows_the_province_inputs_from_its_warm_up(
    built: tuple[Path, Path, Path], tmp_path: Path, sections_made: list[str]
) -> None:
    config, content, site = built
    state.forget()  # a new process: nothing kept in memory, the state file only
    assert warm_up(config_file=config, content_dir=content, site_dir=site)
    assert sections_made == []  # it works the inputs out without making any section
    sections_made.clear()
    meta = dict(SITE_DOCS[("program", "program-rtlh")], title="Program RTLH Jawa Tengah (revisi)")
    rtlh = write_doc(content, "program", "program-rtlh", meta)
    publish_documents([rtlh], config_file=config, content_dir=content, site_dir=site)
    assert sections_made == ["33"]
    assert_as_a_full_build(config, content, site, tmp_path / "fresh")


def test_the_warm_up_sorts_the_open_decisions_the_first_job_reuses(
    built: tuple[Path, Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from site_builder import context
    from site_builder.generators import decisions

    config, content, site = built
    state.forget()
    context._last.pop("open-decisions", None)
    sorted_rows: list[int] = []
    real = decisions._open_rows
    monkeypatch.setattr(decisions, "_open_rows", lambda meetings: sorted_rows.append(len(meetings)) or real(meetings))
    assert warm_up(config_file=config, content_dir=content, site_dir=site)
    assert sorted_rows == [1]  # the sample tree's one meeting record
    meta = dict(SITE_DOCS[("pembelajaran", "pelajaran-rtlh")], title="Pelajaran RTLH (revisi)")
    lesson = write_doc(content, "pembelajaran", "pelajaran-rtlh", meta)
    publish_documents([lesson], config_file=config, content_dir=content, site_dir=site)
    assert sorted_rows == [1]  # not sorted again by the first job
