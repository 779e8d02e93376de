"""The province map: drawn at build time from the vendored boundaries; each colour matches the table beside it."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from site_builder.content import load
from site_builder.context import BuildContext
from site_builder.generators.dashboard import dashboard_page
from site_builder.maps import COLOURS, achievement_class, province_shapes
from tests.conftest import base_meta


def _programme(rows: list[dict]) -> dict:
    return base_meta(
        "Program Peta",
        region=["00"],
        period={"start": 2024, "end": 2024},
        lead_agency="Kementerian PKP",
        status="berjalan",
        targets=rows,
    )


def test_boundaries_cover_all_38_provinces() -> None:
    assert len(province_shapes()) == 38
    assert achievement_class(None) == "none" and achievement_class(49.9) == "c1"
    assert achievement_class(80) == "c3" and achievement_class(130) == "c4"


def test_each_province_colour_matches_the_table(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    rows = [
        {"indicator": "rtlh-ditangani", "region": "33.02", "year": 2024, "target": 100, "realization": 120},
        {"indicator": "rtlh-ditangani", "region": "33.74", "year": 2024, "target": 100},  # not yet reported
        {"indicator": "rtlh-ditangani", "region": "35", "year": 2024, "target": 1000, "realization": 600},
        {"indicator": "rtlh-ditangani", "region": "34", "year": 2024, "target": 1000, "realization": 300},
    ]
    make_doc("program", "program-peta", _programme(rows))
    ctx = BuildContext(corpus=load(empty_tree))
    markdown = ctx.put_raw_blocks(dashboard_page(ctx).markdown)
    for kind, expected in (
        ("achievement", {"33": "c4", "35": "c2", "34": "c1", "11": "none"}),
        ("completeness", {"33": "c2", "35": "c4", "34": "c4", "11": "none"}),
    ):
        svg = re.search(rf'<svg[^>]*id="peta-rtlh-ditangani-{kind}".*?</svg>', markdown, re.S).group(0)
        fills = dict(re.findall(r'<use href="#pokja-prov-(\d\d)" data-kode="\1" data-kelas="\w+" fill="(#\w+)"', svg))
        assert len(fills) == 38
        table = re.search(rf'<table[^>]*id="peta-rtlh-ditangani-{kind}-data".*?</table>', markdown, re.S).group(0)
        for row in re.findall(r"<tr>(.*?)</tr>", table)[1:]:
            href = re.search(r'href="[^"]*wilayah/(\d\d)/"', row).group(1)
            cls = re.search(r'data-kelas="(\w+)"', row).group(1)
            assert fills[href] == COLOURS[cls], (kind, href)
        for code, cls in expected.items():
            assert fills[code] == COLOURS[cls], (kind, code)
    assert markdown.count('class="pokja-map-defs"') == 1  # the shapes once, however many maps
    assert re.search(r'<path id="pokja-prov-33" d="M\d+,\d+ ', markdown)
    assert "50 %" in markdown and "1 / 2" in markdown  # Jawa Tengah: one of its two target rows reported
