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
from typing import Any

import pytest

from site_builder.aggregate import aggregate_corpus
from site_builder.charts import YearBars, ranking_chart, year_bar_chart
from site_builder.content import Corpus, load
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


# --- expected figures, computed from the starter content's own target rows ---------------------------
# (not from site_builder.aggregate: the rule is restated here for sum indicators, so editing an example
# programme changes the expected figures with it; the rule itself is pinned on small trees in test_aggregate)


def raw_rows(corpus: Corpus) -> list[dict[str, Any]]:
    """Every programme target row as written in the front-matter, with ``example`` from its programme too."""
    return [
        dict(t, example=bool(t.get("example")) or doc.example, program=doc)
        for doc in corpus.of_type("program")
        for t in doc.meta.get("targets") or []
    ]


def counted(corpus: Corpus, rows: list[dict[str, Any]], indicator: str, year: int, province: str | None = None):
    """The rows a province's figure (the nation's, without ``province``) adds: its own rows, else those below."""
    regions = corpus.refdata.regions
    rows = [r for r in rows if r["indicator"] == indicator and r["year"] == year]
    if province is None:
        national = [r for r in rows if r["region"] == "00"]
        provinces = sorted({regions[r["region"]].province_code for r in rows} - {None})
        return national or [r for p in provinces for r in counted(corpus, rows, indicator, year, p)]
    own = [r for r in rows if r["region"] == province]
    return own or [r for r in rows if regions[r["region"]].province == province]


def figures(rows: list[dict[str, Any]]) -> list[str]:
    """Target, realisation, achievement and rows reported of summed rows, as the page shows them."""
    reported = [r for r in rows if r.get("realization") is not None]
    target_reported = sum(r["target"] for r in reported)
    realization = sum(r["realization"] for r in reported)
    pct = round(100 * realization / target_reported, 2) if reported and target_reported else None
    return [
        fmt_figure(sum(r["target"] for r in rows)),
        fmt_figure(realization) if reported else "belum dilaporkan",
        fmt_pct(pct),
        f"{len(reported)}/{len(rows)}",
    ]


def sum_indicators(corpus: Corpus, rows: list[dict[str, Any]]) -> list[str]:
    """Indicators with target rows that add up (counts, hectares)."""
    indicators = corpus.refdata.indicators
    return [i for i in indicators if indicators[i].aggregation == "sum" and any(r["indicator"] == i for r in rows)]


# --- the starter content, built ---------------------------------------------------------------------


def test_starter_dashboard_shows_indicators_across_provinces_and_years(starter_site: BuiltSite) -> None:
    html = page(starter_site.site, "dasbor")
    tables, links = tables_of(html)
    charts = svgs_of(html)
    corpus = load(starter_site.content)
    rows = raw_rows(corpus)
    indicators = corpus.refdata.indicators
    with_rows = [i for i in indicators if any(r["indicator"] == i for r in rows)]
    assert with_rows, "the starter content has no programme targets"
    national = {k: v for k, v in tables.items() if k.startswith("nasional-")}
    # one national table per indicator with targets, one line per year with targets
    assert sorted(national) == sorted(f"nasional-{i}-data" for i in with_rows)
    for i in with_rows:
        unit = indicators[i].unit
        table = national[f"nasional-{i}-data"]
        assert table[0][:4] == ["Tahun", f"Target ({unit})", f"Realisasi ({unit})", "Capaian"]
        assert [line[0] for line in table[1:]] == [
            str(y) for y in sorted({r["year"] for r in rows if r["indicator"] == i})
        ]
    for chart_id in [*national, *(k for k in tables if k.startswith("peringkat-"))]:
        assert chart_id.removesuffix("-data") in charts
    for svg in charts.values():
        assert_accessible(svg, html)
    sums = sum_indicators(corpus, rows)
    assert sums
    for i in sums:
        # Indonesian numbers, each row counted once (a province's own figure covers its districts)
        for line in national[f"nasional-{i}-data"][1:]:
            rows_in = counted(corpus, rows, i, int(line[0]))
            assert line[1:5] == figures(rows_in), (i, line)
            assert ("contoh" in line[5]) == any(r["example"] for r in rows_in)
        # provinces ranked in the latest year some province reported
        provinces = sorted({p.code for p in corpus.refdata.provinces()})
        reported = {
            (p, y)
            for y in {r["year"] for r in rows if r["indicator"] == i}
            for p in provinces
            if any(r.get("realization") is not None for r in counted(corpus, rows, i, y, p))
        }
        if not reported:
            assert f"peringkat-{i}-data" not in tables
            continue
        year = max(y for _p, y in reported)
        expected = {f"../wilayah/{p}/" for p in provinces if counted(corpus, rows, i, year, p)}
        assert set(links[f"peringkat-{i}-data"]) == expected, i
        assert len(tables[f"peringkat-{i}-data"]) == len(expected) + 1
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


def _province_over_districts(corpus: Corpus, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """A (province, sum indicator) where the province reports its own total and its districts report too."""
    regions = corpus.refdata.regions
    for i in sum_indicators(corpus, rows):
        for r in rows:
            code = r["region"]
            districts = [d for d in rows if d["indicator"] == i and regions[d["region"]].province == code]
            if r["indicator"] == i and regions[code].level == "provinsi" and districts:
                return code, i
    pytest.skip("the starter content has no province reporting its own total over reporting districts")


def test_starter_province_page(starter_site: BuiltSite) -> None:
    corpus = load(starter_site.content)
    rows = raw_rows(corpus)
    regions = corpus.refdata.regions
    code, indicator = _province_over_districts(corpus, rows)
    html = page(starter_site.site, f"wilayah/{code}")
    tables, links = tables_of(html)
    charts = svgs_of(html)
    with_rows = [i for i in corpus.refdata.indicators if any(counted(corpus, rows, i, r["year"], code) for r in rows)]
    assert set(charts) == {f"provinsi-{code}-{i}" for i in with_rows}
    for svg in charts.values():
        assert_accessible(svg, html)
    # the province reports its own total: its districts are detail, not added again
    years = sorted({r["year"] for r in rows if r["indicator"] == indicator})
    own = [(y, counted(corpus, rows, indicator, y, code)) for y in years]
    assert [line[:3] for line in tables[f"provinsi-{code}-{indicator}-data"][1:]] == [
        [str(y), *figures(rows_in)[:2]] for y, rows_in in own if rows_in
    ]
    detail = tables[f"kabkota-{code}-{indicator}"][1:]
    below = {
        (r["region"], r["year"]) for r in rows if r["indicator"] == indicator and regions[r["region"]].province == code
    }
    assert len(detail) == len(below)
    for line, (district, year) in zip(detail, sorted(below), strict=True):
        rows_in = [r for r in rows if r["indicator"] == indicator and (r["region"], r["year"]) == (district, year)]
        assert line[:5] == [regions[district].name, str(year), *figures(rows_in)[:3]]
        covered = any(r["region"] == code and r["year"] == year for r in rows if r["indicator"] == indicator)
        assert ("provinsi melaporkan totalnya" in line[5]) == covered
    # its programmes and its Pokja profiles are linked
    programme_links = {h for hrefs in links.values() for h in hrefs if "/program/" in h}
    in_province = {r["program"].slug for r in rows if regions[r["region"]].province_code == code}
    assert {f"../../program/{slug}/" for slug in in_province} <= programme_links
    profiles = [d for d in corpus.of_type("profil") if any(regions[c].province_code == code for c in d.regions)]
    for doc in profiles:
        assert f'href="../../profil/{doc.slug}/"' in html
        if doc.meta.get("sk"):
            assert f"SK {doc.meta['sk']['number']}" in html
    assert '<link rel="stylesheet" href="../../assets/pokja/dasbor.css">' in html
    assert (starter_site.site / "assets" / "pokja" / "dasbor.css").is_file()


def test_starter_empty_province_page(starter_site: BuiltSite) -> None:
    corpus = load(starter_site.content)
    regions = corpus.refdata.regions
    busy = {regions[r["region"]].province_code for r in raw_rows(corpus)}
    busy |= {regions[c].province_code for d in corpus.documents if d.type in ("program", "profil") for c in d.regions}
    empty = [p.code for p in corpus.refdata.provinces() if p.code not in busy]
    if not empty:
        pytest.skip("every province has a programme or a profile in the starter content")
    html = page(starter_site.site, f"wilayah/{empty[0]}")
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
    by_title = {r[0]: r for r in matrix[1:]}
    # counted from the documents' own alignment lists (the starter content may grow)
    programmes = load(starter_site.content).of_type("program")
    assert programmes, "the starter content has no programme"
    for doc in programmes:
        line = by_title[doc.title]
        alignment = doc.meta.get("alignment") or []
        assert [line[i] for i in range(1, 7)] == ["✓ ya" if ref in alignment else "" for ref in REFERENCES]
        assert f"../../program/{doc.slug}/" in links["matriks-keselarasan"]
    # The totals count every programme, in a table of their own (the matrix is paged: 50 programmes a page).
    totals = tables["matriks-jumlah"]
    assert totals[0] == ["Rujukan", "Jumlah program"]
    expected = [str(sum(ref in (d.meta.get("alignment") or []) for d in programmes)) for ref in REFERENCES]
    assert [r[0] for r in totals[1:]] == header[1:7] and [r[1] for r in totals[1:]] == expected
    assert len(matrix) == len(programmes) + 1
    assert f"dari {len(programmes)} program" in html


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
    matrix = matrix_page(ctx)
    text = ctx.put_raw_blocks(
        dashboard_page(ctx).markdown + matrix.markdown + matrix.html + province_section(ctx, region)
    )
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


def test_the_matrix_is_paged_and_an_edit_changes_its_page_and_the_first(
    make_doc: Callable[..., Path], empty_tree: Path
) -> None:
    import dataclasses
    import datetime as dt

    for k in range(8):
        meta = base_meta(
            f"Program {k}",
            period={"start": 2024, "end": 2024},
            lead_agency="Dinas",
            status="rencana",
            alignment=["rpjmn"] if k % 2 else [],
            date=dt.date(2024, 1, 1 + k),
        )
        make_doc("program", f"program-{k}", meta)
    corpus = load(empty_tree)
    ctx = BuildContext(corpus=corpus, per_page=3)
    made = {p.src_uri: p for p in dashboard.pages(ctx)}
    matrix = {uri: p for uri, p in made.items() if uri.startswith("dasbor/matriks-keselarasan")}
    # 8 programmes, 3 a page: numbered page 1 holds the oldest 3, the first page the newest 5 (as listings)
    assert sorted(matrix) == ["dasbor/matriks-keselarasan.md", "dasbor/matriks-keselarasan/halaman/1.md"]
    listed: dict[str, list[str]] = {}
    for uri, p in matrix.items():
        tables, _links = tables_of(ctx.put_raw_blocks(p.markdown) + p.html)
        listed[uri] = [row[0] for row in tables["matriks-keselarasan"][1:]]
        assert ("matriks-jumlah" in tables) == (uri == dashboard.MATRIX_SRC)
    assert listed["dasbor/matriks-keselarasan.md"] == [f"Program {k}" for k in (7, 6, 5, 4, 3)]
    assert listed["dasbor/matriks-keselarasan/halaman/1.md"] == ["Program 2", "Program 1", "Program 0"]
    assert sorted(t for titles in listed.values() for t in titles) == [f"Program {k}" for k in range(8)]
    first = made[dashboard.MATRIX_SRC]
    tables, _links = tables_of(ctx.put_raw_blocks(first.markdown) + first.html)
    assert tables["matriks-jumlah"][1] == ["RPJMN", "4"] and "dari 8 program" in ctx.put_raw_blocks(first.markdown)

    # An edited old programme: the dashboard, the matrix's first page (its totals) and the programme's own page.
    old = next(d for d in corpus.documents if d.slug == "program-1")
    new = dataclasses.replace(old, meta={**old.meta, "title": "Program 1 (revisi)"})
    edited = dataclasses.replace(corpus, documents=[new if d is old else d for d in corpus.documents])
    ctx = BuildContext(corpus=edited, per_page=3, changes=[(old, new)])
    assert dashboard.touched(ctx) == {
        dashboard.SRC_URI,
        dashboard.MATRIX_SRC,
        "dasbor/matriks-keselarasan/halaman/1.md",
    }
