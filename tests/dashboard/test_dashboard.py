"""Dashboard, alignment matrix and province sections: built from the starter content and from small trees."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path

import pytest

from site_builder.aggregate import aggregate_corpus
from site_builder.charts import YearBars, ranking_chart, year_bar_chart
from site_builder.content import load
from site_builder.context import BuildContext
from site_builder.exports import DATA_DICTIONARY
from site_builder.generators import dashboard, regions
from site_builder.generators.dashboard import dashboard_page, matrix_page
from site_builder.generators.dashboard_blocks import fmt_figure, fmt_pct
from site_builder.generators.province_section import province_section
from site_builder.plugin import GENERATORS
from tests.conftest import base_meta

from .conftest import BuiltSite

SVG_NS = "{http://www.w3.org/2000/svg}"
REFERENCES = ["rpjmn", "rpjmd", "renstra-kl", "renstra-skpd", "sdg-11", "kebijakan-nasional"]


class _Tables(HTMLParser):
    """Every <table id=...> of a page as rows of cell texts (and the links in it)."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.links: dict[str, list[str]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "table":
            self.current = a.get("id") or f"anon-{len(self.tables)}"
            self.tables[self.current] = []
            self.links[self.current] = []
        elif self.current and tag == "tr":
            self.tables[self.current].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []
        elif self.current and tag == "a":
            self.links[self.current].append(a.get("href") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "table":
            self.current = None
        elif tag in ("td", "th") and self.current and self.cell is not None:
            self.tables[self.current][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data: str) -> None:
        if self.cell is not None:
            self.cell.append(data)


def tables_of(html: str) -> tuple[dict[str, list[list[str]]], dict[str, list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables, parser.links


def svgs_of(html: str) -> dict[str, ET.Element]:
    """Every chart of a page, parsed as XML, by id."""
    found = {}
    for text in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        element = ET.fromstring(text)
        if element.get("role") == "img":
            found[element.get("id") or ""] = element
    return found


def page(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def assert_accessible(svg: ET.Element, html: str) -> None:
    """role=img, named by its <title>, described by its <desc>, its table right after it."""
    chart_id = svg.get("id")
    title = svg.find(f"{SVG_NS}title")
    desc = svg.find(f"{SVG_NS}desc")
    assert title is not None and title.get("id") == f"{chart_id}-title" and title.text
    assert desc is not None and desc.get("id") == f"{chart_id}-desc" and desc.text
    assert svg.get("aria-labelledby") == f"{chart_id}-title {chart_id}-desc"
    assert svg.get("viewBox", "").startswith("0 0 ")
    assert svg.find(f".//{SVG_NS}script") is None
    # the chart's table follows it in the same block
    block = html[html.index(f'id="{chart_id}"') :]
    assert block.index(f'id="{chart_id}-data"') < block.index("</div></div>")


# --- the starter content, built ---------------------------------------------------------------------


def test_starter_dashboard_shows_indicators_across_provinces_and_years(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "dasbor")
    tables, links = tables_of(html)
    charts = svgs_of(html)
    national = {k: v for k, v in tables.items() if k.startswith("nasional-")}
    # indicators with at least two years of national figures
    multi_year = [k for k, rows in national.items() if len(rows) - 1 >= 2]
    assert len(multi_year) >= 2, national
    ranked_provinces = {href for k, hrefs in links.items() if k.startswith("peringkat-") for href in hrefs}
    assert len(ranked_provinces) >= 3, ranked_provinces
    for chart_id in [*national, *(k for k in tables if k.startswith("peringkat-"))]:
        assert chart_id.removesuffix("-data") in charts
    for svg in charts.values():
        assert_accessible(svg, html)
    # Indonesian numbers on the page: Jawa Tengah's 10.430 houses of 10.000, 104,3 %
    rtlh = tables["nasional-rtlh-ditangani-data"]
    assert rtlh[0][:4] == ["Tahun", "Target (unit rumah)", "Realisasi (unit rumah)", "Capaian"]
    assert rtlh[1][:5] == ["2024", "10.000", "10.430", "104,3\xa0%", "1/1"]
    assert "contoh" in rtlh[1][5]
    # the rule is explained on the page
    assert "Tanpa hitung ganda" in html and "bukan nol" in html


def test_starter_dashboard_links_every_open_data_file(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "dasbor")
    for name in DATA_DICTIONARY:
        for ext in ("csv", "json"):
            assert f'href="../data/{name}.{ext}"' in html
            assert (starter_site.site / "data" / f"{name}.{ext}").is_file()
    # the data dictionary documents every column of every file
    for _title, columns in DATA_DICTIONARY.values():
        for column in columns:
            assert f"<code>{column.name}</code>" in html


@pytest.mark.parametrize("level", ["nasional", "provinsi", "kabkota"])
def test_starter_csv_and_json_reload_into_the_site_numbers(starter_site: BuiltSite, level: str) -> None:
    agg = aggregate_corpus(load(starter_site.content))
    expected = [
        (a.indicator, a.region, a.year, a.target, a.realization, a.achievement_pct, a.rows) for a in agg.at(level)
    ]
    assert expected
    text = (starter_site.site / "data" / f"agregat-{level}.csv").read_text(encoding="utf-8")

    def num(x: str) -> float | None:
        return float(x) if x else None

    loaded = [
        (
            r["indicator"],
            r["region_code"],
            int(r["year"]),
            num(r["target"]),
            num(r["realization"]),
            num(r["achievement_pct"]),
            int(r["rows"]),
        )
        for r in csv.DictReader(io.StringIO(text))
    ]
    assert loaded == expected
    data = json.loads((starter_site.site / "data" / f"agregat-{level}.json").read_text(encoding="utf-8"))
    assert [
        (r["indicator"], r["region_code"], r["year"], r["target"], r["realization"], r["achievement_pct"], r["rows"])
        for r in data["rows"]
    ] == expected


def test_starter_province_page(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "wilayah/33")
    tables, links = tables_of(html)
    charts = svgs_of(html)
    assert set(charts) >= {"provinsi-33-rtlh-ditangani", "provinsi-33-rumah-layak-huni"}
    for svg in charts.values():
        assert_accessible(svg, html)
    # Jawa Tengah reports its own total: its districts are detail, not added again
    rtlh = tables["provinsi-33-rtlh-ditangani-data"]
    assert [row[:3] for row in rtlh[1:]] == [["2024", "10.000", "10.430"], ["2025", "11.000", "belum dilaporkan"]]
    detail = tables["kabkota-33-rtlh-ditangani"]
    assert detail[1][:5] == ["Kabupaten Cilacap", "2024", "900", "915", "101,67\xa0%"]
    assert "provinsi melaporkan totalnya" in detail[1][5]
    programme_links = [h for hrefs in links.values() for h in hrefs if "/program/" in h]
    assert "../../program/peningkatan-kualitas-rtlh-jawa-tengah/" in programme_links
    assert 'href="../../profil/pokja-pkp-provinsi-jawa-tengah/"' in html
    assert "SK CONTOH 050/001 Tahun 2024" in html
    assert '<link rel="stylesheet" href="../../assets/pokja/dasbor.css">' in html
    assert (starter_site.site / "assets" / "pokja" / "dasbor.css").is_file()


def test_starter_empty_province_page(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "wilayah/11")
    assert "Belum ada target program untuk provinsi ini." in html
    assert "Belum ada program di provinsi ini." in html
    assert "Belum ada profil Pokja PKP untuk provinsi ini." in html
    assert svgs_of(html) == {}


def test_starter_alignment_matrix(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "dasbor/matriks-keselarasan")
    tables, links = tables_of(html)
    matrix = tables["matriks-keselarasan"]
    header = matrix[0]
    assert header[1:7] == ["RPJMN", "RPJMD", "Renstra K/L", "Renstra SKPD", "SDG 11", "Kebijakan nasional perumahan"]
    rows = {r[0]: r for r in matrix[1:]}
    jateng = rows["Peningkatan Kualitas Rumah Tidak Layak Huni Jawa Tengah 2024–2025"]
    marked = [header[i] for i in range(1, 7) if jateng[i]]
    assert marked == ["RPJMN", "RPJMD", "Renstra SKPD"]  # alignment: [rpjmn, rpjmd, renstra-skpd]
    assert jateng[1] == "✓ ya"
    total = rows["Jumlah program"]
    # counted from the documents' own alignment lists (the starter content may grow)
    programmes = load(starter_site.content).of_type("program")
    expected = [str(sum(ref in (d.meta.get("alignment") or []) for d in programmes)) for ref in REFERENCES]
    assert total[1:7] == expected
    assert len(matrix) == len(programmes) + 2
    assert "../../program/peningkatan-kualitas-rtlh-jawa-tengah/" in links["matriks-keselarasan"]


# --- generators on small trees ----------------------------------------------------------------------


def test_registered_with_the_site() -> None:
    assert GENERATORS.count(dashboard) == 1
    assert (province_section,) == regions.PROVINCE_SECTIONS


def test_dashboard_without_programmes(empty_tree: Path) -> None:
    ctx = BuildContext(corpus=load(empty_tree))
    page_ = dashboard_page(ctx)
    assert page_.src_uri == "dasbor/index.md"
    assert "Belum ada target program yang tercatat." in page_.markdown
    assert "<svg" not in page_.markdown
    assert "Belum ada program." in matrix_page(ctx).markdown


def test_generated_html_has_no_inline_style(make_doc: Callable[..., Path], empty_tree: Path) -> None:
    targets = [{"indicator": "rtlh-ditangani", "region": "33.74", "year": 2024, "target": 10, "realization": 5}]
    meta = base_meta(
        "Program <b>Uji</b> *tebal*",
        period={"start": 2024, "end": 2024},
        lead_agency="Dinas",
        status="rencana",
        targets=targets,
    )
    make_doc("program", "program-uji", meta)
    ctx = BuildContext(corpus=load(empty_tree))
    region = ctx.corpus.refdata.regions["33"]
    text = dashboard_page(ctx).markdown + matrix_page(ctx).markdown + province_section(ctx, region)
    assert "style=" not in text  # the service's CSP allows no inline style
    assert "<script" not in text
    # titles are escaped, never markup
    assert "<b>Uji</b>" not in text and "Program &lt;b&gt;Uji&lt;/b&gt; *tebal*" in text
    # a raw-HTML block with a blank line in it would be cut by the Markdown parser
    for block in re.findall(r'<div class="pokja-chart">.*?</div></div>', text, flags=re.S):
        assert "\n\n" not in block


# --- charts and number formats ----------------------------------------------------------------------


def test_year_chart_bars_are_proportional_and_missing_realisation_has_no_bar() -> None:
    svg_text = year_bar_chart(
        "c",
        "Judul",
        "Uraian",
        [YearBars(2024, 100.0, 50.0), YearBars(2025, 200.0, None)],
        lambda v: str(v),
        {"target": "Target", "realization": "Realisasi", "not_reported_short": "belum"},
    )
    svg = ET.fromstring(svg_text)
    bars = [r for r in svg.iter(f"{SVG_NS}rect") if float(r.get("width", 0)) > 12]
    heights = [float(r.get("height", 0)) for r in bars]
    assert len(heights) == 3  # 2024 target, 2024 realisation, 2025 target
    assert heights[0] == pytest.approx(2 * heights[1], abs=0.2)
    assert heights[2] == pytest.approx(2 * heights[0], abs=0.2)
    assert "belum" in svg_text
    assert "http" not in svg_text.replace('xmlns="http://www.w3.org/2000/svg"', "")


def test_ranking_chart_marks_one_hundred_percent() -> None:
    svg = ET.fromstring(
        ranking_chart("r", "T", "D", [("A", 120.0), ("B", 60.0), ("C", None)], lambda v: f"{v}%", "belum")
    )
    widths = [float(r.get("width", 0)) for r in svg.iter(f"{SVG_NS}rect")]
    assert widths[0] == pytest.approx(2 * widths[1], abs=0.2)
    texts = [t.text for t in svg.iter(f"{SVG_NS}text")]
    assert texts[:5] == ["A", "120.0%", "B", "60.0%", "C"] and "belum" in texts and "100.0%" in texts


@pytest.mark.parametrize(
    ("value", "figure", "pct"),
    [
        (1234.5, "1.234,5", "1.234,5\xa0%"),
        (10430.0, "10.430", "10.430\xa0%"),
        (65.7937, "65,79", "65,79\xa0%"),
        (None, "–", "–"),
    ],
)
def test_indonesian_number_format(value: float | None, figure: str, pct: str) -> None:
    assert fmt_figure(value) == figure
    assert fmt_pct(value) == pct


def test_dashboard_is_in_the_section_navigation(starter_site: BuiltSite) -> None:
    home = (starter_site.site / "index.html").read_text(encoding="utf-8")
    assert re.search(r'<a href="dasbor/"[^>]*>\s*(<span[^>]*>\s*)?Dasbor capaian', home), "no Dasbor link in the nav"
